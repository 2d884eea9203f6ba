"""Nineteenth red-team review, VM side (rt19vm): round 18's leads and disk elements no earlier
round probed.

Same harness as rounds 17 and 18 (tests/test_redteam18_vm_probes.py and the helpers of rounds
3, 10, 13 and 15 it imports): libvirt's test driver serves the domains on conftest's replayed
hardened host (or its SELinux twin); what the test driver drops (a running VM's <mirror>, "only
valid in output") is replayed as the QEMU driver reports it (`_replayed_on`). Every fact a
probe rests on was read with the `search` / `find_string` / `read_file` tools and is cited in
its docstring. None repeats a probe of the eighteen earlier rounds.

Findings (R19-n): R19-1 a running VM's <disk><mirror> (a block copy or active commit
destination, which its QEMU writes the disk into and runs on after a pivot) was not read: a
copy into another VM's disk image passed HVA-044 for both VMs (now VL16-5's question, naming
the file as the block copy destination), and a memory device mapping a copy destination passed
HVA-057 (now "inter-VM shared memory", R18-1's channel) (false passes). R19-2 a <disk
type='volume'> was not compared by VL16-5: two VMs naming one dir-pool volume (or one by volume,
one by path) passed HVA-044 (now the question), and a memory device mapping another VM's
logical-pool volume (its block device) passed HVA-057 (R18-1 counted file-pool volumes only;
now a fail) (false passes). R19-3 HVA-064 failed `<emulator>/usr/bin//qemu-system-x86_64` and
`/usr/bin/./...` as "custom emulator ... (not a distribution path)" (wrong fail; now
same_file's spelling, a pass).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _replayed_on, q35
from test_redteam13_vm_probes import DYNAMIC
from test_redteam15_vm_probes import _pool, _volume_disk
from test_redteam18_vm_probes import _memdev

IMAGES = "/var/lib/libvirt/images"
TAIL = (
    "are also other VMs' disks, without <shareable/>: libvirt labels a disk for each VM that "
    "starts with it, so each of their guests reads and writes what the other wrote"
)

# --- R19-1: a running VM's block copy destination (<disk><mirror>) ----------------------------


def _running(name: str, n: int, body: str) -> str:
    """A running VM (id=) with a dynamic SELinux label of categories c`n`,c20, as libvirt's QEMU
    driver reports it."""
    return domain_xml(
        name,
        body="<seclabel type='dynamic' model='selinux' relabel='yes'>"
        f"<label>system_u:system_r:svirt_t:s0:c{n},c20</label>"
        f"<imagelabel>system_u:object_r:svirt_image_t:s0:c{n},c20</imagelabel></seclabel>" + body,
    ).replace("<domain type='kvm'>", f"<domain type='kvm' id='{n}'>")


def _file_disk(path: str, inner: str = "") -> str:
    return (
        "<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        f"<source file='{path}'/>{inner}<target dev='vda' bus='virtio'/></disk></devices>"
    )


def _mirror(path: str) -> str:
    """A block copy job's <mirror> as the live XML shows it (formatdomain "Hard drives")."""
    return (
        f"<mirror type='file' job='copy' ready='yes'><format type='raw'/><source file='{path}'/>"
        "</mirror>"
    )


@pytest.fixture(scope="module")
def mirrors(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    return run_assessment(
        _replayed_on(
            tmp_path_factory.mktemp("rt19mirror"),
            SELINUX_HOST,
            {
                "copier": _running(
                    "copier",
                    11,
                    _file_disk(f"{IMAGES}/copier.img", _mirror(f"{IMAGES}/victim.img")),
                ),
                "victim": _running("victim", 12, _file_disk(f"{IMAGES}/victim.img")),
                "alone": _running(
                    "alone", 13, _file_disk(f"{IMAGES}/alone.img", _mirror(f"{IMAGES}/new.img"))
                ),
                "copier2": _running(
                    "copier2", 14, _file_disk(f"{IMAGES}/c2.img", _mirror(f"{IMAGES}/copy.img"))
                ),
                "mapper": _running(
                    "mapper", 15, _memdev("virtio-pmem", f"{IMAGES}/copy.img", "shared")
                ),
            },
        )
    )


@pytest.mark.parametrize(
    ("vm", "listed"),
    [
        ("copier", f"{IMAGES}/victim.img (its block copy destination) (VM(s) victim)"),
        ("victim", f"{IMAGES}/victim.img (VM(s) copier)"),
    ],
)
def test_block_copy_into_another_vms_disk_is_a_question(
    mirrors: Assessment, vm: str, listed: str
) -> None:
    """R19-1 (false pass; round 18's lead). A running VM's disk carries a <mirror> while a block
    job runs: formatdomain ("Hard drives, floppy disks, CDROMs", `mirror`, read with
    `read_file`): "present if the hypervisor has started a long-running block job operation,
    where the mirror location in the source sub-element will eventually have the same contents
    as the source ... ("copy" for the virDomainBlockRebase API, or "active-commit" for the
    virDomainBlockCommit API) ... For now, this element only valid in output". So VM copier's
    QEMU writes its disk into VM victim's disk image (and runs on it after a pivot): victim's
    guest reads copier's data, copier's overwrites victim's. The parser did not read <mirror>
    and both passed "dynamic selinux label". Now VL16-5's question for both, copier's entry
    naming the file as its block copy destination. The test driver ignores <mirror> on input,
    so the VMs are replayed as the QEMU driver reports them."""
    label = f"system_u:system_r:svirt_t:s0:c{11 if vm == 'copier' else 12},c20"
    assert verdict(mirrors, "HVA-044", vm) == (
        "manual",
        f"dynamic selinux label {label}; but disk(s) {listed} {TAIL}",
    )


def test_block_copy_into_a_file_of_its_own_keeps_the_pass(mirrors: Assessment) -> None:
    """R19-1 held: a block copy into a new file no other VM names shares nothing."""
    assert verdict(mirrors, "HVA-044", "alone") == (
        "pass",
        "dynamic selinux label system_u:system_r:svirt_t:s0:c13,c20",
    )


@pytest.mark.parametrize(
    ("vm", "msg"),
    [
        (
            "mapper",
            f"{IMAGES}/copy.img (the disk image of VM(s) copier2, whose data this VM reads and "
            "writes)",
        ),
        (
            "copier2",
            f"disk image {IMAGES}/copy.img (mapped as memory by VM(s) mapper, which read and "
            "write its data)",
        ),
    ],
)
def test_memory_device_on_a_block_copy_destination_fails(
    mirrors: Assessment, vm: str, msg: str
) -> None:
    """R19-1 in HVA-057 (false pass; round 18's lead for R18-1). VM mapper's virtio-pmem maps the
    file VM copier2's block job writes its disk into (the <mirror> destination; access='shared'
    as the QEMU driver reports a virtio-pmem, virDomainMemoryDefPostParse): R18-1's
    channel (QEMU maps the file into the guest, libvirt maps a virtio-pmem shared), which
    passed "no <shmem> device" because R18-1 counted disks and backing layers only. Now
    "inter-VM shared memory" for both."""
    assert verdict(mirrors, "HVA-057", vm) == ("fail", f"inter-VM shared memory: {msg}")


# --- R19-2: a pool volume two VMs open ---------------------------------------------------------


@pytest.fixture(scope="module")
def volumes(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt19vol")
    doms = {
        "va": DYNAMIC + _volume_disk("default", "shared.qcow2"),
        "vb": DYNAMIC + _volume_disk("default", "shared.qcow2"),
        "vc": DYNAMIC + _file_disk(f"{IMAGES}/shared.qcow2").replace("type='raw'", "type='qcow2'"),
        "vown": DYNAMIC + _volume_disk("default", "own.qcow2"),
        "lvuser": DYNAMIC + _volume_disk("vg", "data"),
    }
    uri = write_node(
        tmp / "n.xml",
        [
            *(domain_xml(k, body=v) for k, v in doms.items()),
            q35("lvmap", _memdev("virtio-pmem", "/dev/vg/data")),
        ],
        pools=[_pool("default", "dir", f"{IMAGES}/"), _pool("vg", "logical", "/dev/vg")],
    )
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


@pytest.mark.parametrize(("vm", "others"), [("va", "vb, vc"), ("vb", "va, vc"), ("vc", "va, vb")])
def test_one_pool_volume_two_vms_open_is_a_question(
    volumes: Assessment, vm: str, others: str
) -> None:
    """R19-2 (false pass; round 17's lead "two VMs naming one pool volume are not compared").
    VMs va and vb name one volume of the dir pool `default` by <disk type='volume'>, vc names
    its file by path. libvirt's storage translation (virStorageTranslateDiskSourcePool, read
    with `find_string`) sets `def->src->path = virStorageVolGetPath(vol)` for dir, fs, netfs,
    logical, disk, scsi, ZFS and vstorage pools and the actual type file (or block) of the
    volume, so QEMU opens one file for all three and libvirt labels it for whichever starts
    (VL16-5). VL16-5 compared <disk type='file'|'block'> only and all three passed "dynamic
    selinux label". Now its question, naming the volume's file."""
    assert verdict(volumes, "HVA-044", vm) == (
        "manual",
        "dynamic selinux label (generated at every start); but disk(s) "
        f"{IMAGES}/shared.qcow2 (VM(s) {others}) {TAIL}",
    )


def test_a_volume_of_its_own_keeps_the_pass(volumes: Assessment) -> None:
    """R19-2 held: a volume no other VM names keeps the pass."""
    assert verdict(volumes, "HVA-044", "vown") == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


@pytest.mark.parametrize(
    ("vm", "msg"),
    [
        (
            "lvmap",
            "/dev/vg/data (the disk image of VM(s) lvuser, whose data this VM reads and writes)",
        ),
        (
            "lvuser",
            "disk image /dev/vg/data (mapped as memory by VM(s) lvmap, which read and write its "
            "data)",
        ),
    ],
)
def test_memory_device_on_another_vms_logical_volume_fails(
    volumes: Assessment, vm: str, msg: str
) -> None:
    """R19-2 in HVA-057 (false pass; round 18's lead). VM lvuser's disk is volume `data` of the
    logical pool `vg` (target /dev/vg), which libvirt hands QEMU as the block device
    /dev/vg/data (virStorageVolGetPath, actual type block, as above); VM lvmap's virtio-pmem
    maps that block device. R18-1 counted file-pool volumes only (_libvirt.disk_file), so both
    passed "no <shmem> device". Now "inter-VM shared memory" for both."""
    assert verdict(volumes, "HVA-057", vm) == ("fail", f"inter-VM shared memory: {msg}")


# --- R19-3: HVA-064, the packaged binary in another spelling ----------------------------------


@pytest.mark.parametrize("path", ["/usr/bin//qemu-system-x86_64", "/usr/bin/./qemu-system-x86_64"])
def test_packaged_emulator_in_another_spelling_passes(tmp_path: Path, path: str) -> None:
    """R19-3 (wrong fail; round 18's lead). `<emulator>/usr/bin//qemu-system-x86_64</emulator>`
    is the packaged binary: POSIX (XBD Definitions, "Pathname"): "Multiple successive slashes
    are considered to be the same as one slash", and a `.` component names its own directory
    (glibc manual, "File Name Resolution"; hvaudit.checks.guest.same_file, R10-2). libvirt's
    test driver keeps the path as written, and HVA-064 failed it "custom emulator ... (not a
    distribution path)". Now it is judged as /usr/bin/qemu-system-x86_64 and passes."""
    uri = write_node(
        tmp_path / "n.xml", [q35("emu", f"<devices><emulator>{path}</emulator></devices>")]
    )
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-064", "emu") == ("pass", "emulator /usr/bin/qemu-system-x86_64")
