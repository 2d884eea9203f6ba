"""Twentieth red-team review, VM side (rt20vm): round 19's leads and definition elements no
earlier round probed.

Same harness as rounds 18 and 19 (tests/test_redteam19_vm_probes.py and the helpers of rounds
3, 10, 13 and 18 it imports): libvirt's test driver serves the domains on conftest's replayed
hardened host (or its SELinux twin); a definition the test driver would rewrite is replayed as
written (`_replayed_on`). Every fact a probe rests on was read with the `search` /
`find_string` / `read_file` tools and is cited in its docstring. None repeats a probe of the
nineteen earlier rounds.

Findings (R20-n): R20-1 HVA-044 did not compare memory devices with disks (round 19's lead): a
VM whose virtio-pmem (or nvdimm) maps another VM's disk image, that VM, and two VMs whose
virtio-pmem devices map one file all passed "dynamic selinux label", though libvirt labels a
memory device's backing file for its VM at each start as it labels a disk (security_selinux.c
virSecuritySELinuxSetMemoryLabel, the VM's imagelabel) (false passes; HVA-057 failed them; now
VL16-5's question, naming the file as the memory device's backing file, mapped shared or
private). R20-2 a virtio-pmem <memory> without its own access was read as a private mapping
(the NUMA cell's or <memoryBacking>'s access, else private), though libvirt makes every such
device shared (domain_postparse.c virDomainMemoryDefPostParse): two such devices on one file,
replayed as written, passed HVA-057 "no <shmem> device" (false pass on a definition libvirt
did not format: libvirt itself always writes access='shared'; now the fail). R20-4 HVA-064
failed `<emulator>/usr/local/bin/../../bin/qemu-system-x86_64</emulator>` as "custom emulator
... (not a distribution path)" (round 19's lead): `..` follows the symbolic links before it
(path_resolution(7)), so the path is the packaged binary unless /usr/local/bin leads
elsewhere (wrong fail; now the question, `readlink -f`; where the VM runs, /proc/<pid>/exe
settles it: the packaged binary passes, a build of its own gets R8-11's running-QEMU fail,
which was the custom-emulator fail before, a wording change).

Held (kept as tests): two VMs mapping one file private and a VM mapping its own disk keep
HVA-044's pass (R20-1's edges); a `..` path whose lexical form is no distribution path keeps
HVA-064's fail (R20-4's edge).
Probed by script, not kept (the verdict was right): a passthrough <smartcard>'s and an EGD
<rng>'s <source><seclabel model='selinux' relabel='no'> (or a label without MCS category)
pass HVA-044, rightly: libvirt 9.0's parser drops both (the test driver's XMLDesc shows the
<source> without it, while a <serial>'s keeps it), though security_selinux.c
virSecuritySELinuxSetSecuritySmartcardCallback would honour one (`return
virSecuritySELinuxSetChardevLabel(mgr, def, dev->data.passthru, false)`, read with
`find_string`). A disk <source><seclabel relabel='no'/> without a model is kept by libvirt
without a model and ignored by the SELinux driver's lookup (virStorageSourceGetSecurityLabelDef
matches `STREQ_NULLABLE(src->seclabels[i]->model, model)`, read with `find_string`):
hvaudit ignores it too. Interfaces of type mcast, udp, server, client, vhostuser, vdpa and
null: HVA-191 asks (tunnel, user-space switch, vDPA) or is n/a (null); HVA-031 fails mcast,
udp and the server socket; HVA-193 asks vDPA's receive filters; HVA-050 n/a for vDPA with
its reason. <hostdev> managed='no' (HVA-050's IOMMU question), mdev, scsi_host vhost
(HVA-059's question), SCSI with rawio='yes' (fail), iSCSI (fail), USB and capabilities
mode: as the checks' docstrings say. libvirt 9.0 refuses sgio='unfiltered' ("unfiltered
sgio is no longer supported"). <filesystem> types other than mount: QEMU refuses them
(qemu_command.c qemuBuildFSStr / qemu_validate: "only supports mount filesystem type").

Tally: 15 probe cases (7 test functions). 11 pin R20-1, R20-2 and R20-4, each failing on
main before its fix (R20-1 6, R20-2 2, R20-4 3, one of them a wording change); 4 held.

Leads left (not settled in the time): mdev host devices are n/a in HVA-050 ("stay
host-mediated"), though some mdev types (Intel Scalable IOV, PASID-isolated queues) hand the
guest DMA-capable hardware queues; a host-certificates <smartcard>'s NSS database directory
gets the read-only content label (virSecuritySELinuxSetSecuritySmartcardCallback), readable
by every VM, which no check names; disk <driver> discard/detect_zeroes/copy_on_read,
<blockio>, <geometry>: no recommendation owns them (not probed further); <vcpu>/<cputune>
edge values, <features> (hyperv, kvm hidden, pmu, ioapic) and XML namespace/case oddities:
not started. The VL16-5 question still says "disk(s) ... are also other VMs' disks" where the
file is a memory device's (R20-1 names the role in the entry only).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _replayed_on
from test_redteam13_vm_probes import DYNAMIC
from test_redteam18_vm_probes import _memdev
from test_redteam19_vm_probes import _file_disk, _running, ftail

IMAGES = "/var/lib/libvirt/images"
SHARED = "its memory device's backing file, mapped shared"
PRIVATE = "its memory device's backing file, mapped private"

# --- R20-1: HVA-044, a memory device on another VM's disk or memory file ----------------------


def _both(mem: str, disk: str) -> str:
    """A memory device and a disk in one <devices>."""
    return mem.replace("</devices>", disk[len("<devices>") :])


@pytest.fixture(scope="module")
def memlabels(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt20mem")
    doms = {
        "pmem": _memdev("virtio-pmem", f"{IMAGES}/victim.img"),
        "victim": _file_disk(f"{IMAGES}/victim.img"),
        "nvp": _memdev("nvdimm", f"{IMAGES}/db.img", "private"),
        "db": _file_disk(f"{IMAGES}/db.img"),
        "p1": _memdev("virtio-pmem", f"{IMAGES}/pm.img"),
        "p2": _memdev("virtio-pmem", f"{IMAGES}//pm.img"),
        "n1": _memdev("nvdimm", f"{IMAGES}/nv.img", "private"),
        "n2": _memdev("nvdimm", f"{IMAGES}/nv.img", "private"),
        "selfmap": _both(
            _memdev("virtio-pmem", f"{IMAGES}/self.img"), _file_disk(f"{IMAGES}/self.img")
        ),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=DYNAMIC + v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


MEMORY = "memory device's backing file"


@pytest.mark.parametrize(
    ("vm", "listed", "tail"),
    [
        ("pmem", f"{IMAGES}/victim.img ({SHARED}) (VM(s) victim)", ftail("disk")),
        ("victim", f"{IMAGES}/victim.img (VM(s) pmem)", ftail(MEMORY)),
        ("p1", f"{IMAGES}/pm.img ({SHARED}) (VM(s) p2)", ftail(MEMORY)),
        ("p2", f"{IMAGES}/pm.img ({SHARED}) (VM(s) p1)", ftail(MEMORY)),
        (
            "nvp",
            f"{IMAGES}/db.img ({PRIVATE}) (written by VM(s) db; read only by this VM)",
            ftail("disk", True),
        ),
        (
            "db",
            f"{IMAGES}/db.img (written by this VM; read only by VM(s) nvp)",
            ftail(MEMORY, True),
        ),
    ],
)
def test_memory_device_file_another_vm_opens_is_a_question(
    memlabels: Assessment, vm: str, listed: str, tail: str
) -> None:
    """R20-1 (false pass; round 19's lead "HVA-044 does not compare memory devices"). libvirt
    labels an nvdimm's or virtio-pmem's backing file for its VM at each start as it labels a
    disk: security_selinux.c virSecuritySELinuxSetMemoryLabel, `case
    VIR_DOMAIN_MEMORY_MODEL_VIRTIO_PMEM: path = mem->source.virtio_pmem.path` (NVDIMM alike),
    then virSecuritySELinuxSetFilecon(mgr, path, seclabel->imagelabel, true) (read with
    `find_string`); QEMU maps the file into the guest (shared for virtio-pmem: libvirt's
    virDomainMemoryDefPostParse). So VM pmem's guest reads and writes VM victim's disk, and
    two VMs whose virtio-pmem devices name one file (in two spellings, same_file) write
    into each other's memory; VL16-5 compared disks, backing layers and firmware files only
    and all passed "dynamic selinux label" (HVA-057 failed them). Now VL16-5's question,
    naming the file's role. A private nvdimm (MAP_PRIVATE: its writes stay in the VM's own
    pages, mmap(2)) reads the file, as R19-10 words a reader. (R20-6: the sentence names
    files, and what they are to the other VMs, tests/test_redteam20_vm2_probes.py.)"""
    assert verdict(memlabels, "HVA-044", vm) == (
        "manual",
        f"dynamic selinux label (generated at every start); but file(s) {listed} {tail}",
    )


@pytest.mark.parametrize("vm", ["n1", "n2", "selfmap"])
def test_private_mappers_and_a_vms_own_disk_keep_the_pass(memlabels: Assessment, vm: str) -> None:
    """R20-1 held: two VMs mapping one file private write nothing into it (VL16-5 counts a
    file only where a VM writes it), and a VM mapping its own disk shares it with no VM."""
    assert verdict(memlabels, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


# --- R20-2: a virtio-pmem without access is shared ----------------------------------------------


@pytest.mark.parametrize(("vm", "other"), [("q1", "q2"), ("q2", "q1")])
def test_virtio_pmem_without_access_is_mapped_shared(tmp_path: Path, vm: str, other: str) -> None:
    """R20-2 (false pass on a definition libvirt did not format). libvirt's
    domain_postparse.c virDomainMemoryDefPostParse: `case VIR_DOMAIN_MEMORY_MODEL_VIRTIO_PMEM:
    /* Virtio-pmem mandates shared access so that guest writes get reflected in the
    underlying file. */ if (mem->access == VIR_DOMAIN_MEMORY_ACCESS_DEFAULT) mem->access =
    VIR_DOMAIN_MEMORY_ACCESS_SHARED;` (read with `find_string`): a virtio-pmem without its own
    access is shared whatever its NUMA cell or <memoryBacking> say. The parser took such a
    device's access from the cell, else <memoryBacking>, else private, so two VMs whose
    virtio-pmem devices (without access, replayed as written) map one file passed HVA-057 "no
    <shmem> device". Now "inter-VM shared memory" for both."""
    from test_redteam_probes import SELINUX_HOST

    a = run_assessment(
        _replayed_on(
            tmp_path,
            SELINUX_HOST,
            {
                "q1": _running("q1", 11, _memdev("virtio-pmem", f"{IMAGES}/q.img")),
                "q2": _running("q2", 12, _memdev("virtio-pmem", f"{IMAGES}/q.img")),
            },
        )
    )
    assert verdict(a, "HVA-057", vm) == (
        "fail",
        f"inter-VM shared memory: {IMAGES}/q.img (mapped shared by VM(s) {other} too)",
    )


# --- R20-4: HVA-064, `..` in an <emulator> path ----------------------------------------------

DOTDOT = "/usr/local/bin/../../bin/qemu-system-x86_64"


def test_emulator_with_dotdot_is_asked_where_no_process_settles_it(tmp_path: Path) -> None:
    """R20-4 (wrong fail; round 19's lead). `..` is no lexical parent: path_resolution(7),
    "Step 2: walk along the path": each component "is looked up in the current lookup
    directory", and "If the component is found and is a symbolic link (symlink), we first
    resolve this symbolic link", so `..` is the parent of wherever /usr/local/bin leads. The
    path is the packaged /usr/bin/qemu-system-x86_64 where /usr/local/bin is a plain
    directory, a build of its own where it is a link elsewhere; the evidence holds neither.
    HVA-064 failed it "custom emulator ... (not a distribution path)" (same_file leaves `..`
    alone, R19-3). Now the question naming the lexical path."""
    uri = write_node(
        tmp_path / "n.xml",
        [domain_xml("dd", body=f"<devices><emulator>{DOTDOT}</emulator></devices>")],
    )
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-064", "dd") == (
        "manual",
        f"emulator {DOTDOT}: its `..` components reach /usr/bin/qemu-system-x86_64 only where "
        "no directory before them is a symbolic link",
    )


@pytest.mark.parametrize(
    ("exe", "expected"),
    [
        ("/usr/bin/qemu-system-x86_64", ("pass", "emulator /usr/bin/qemu-system-x86_64")),
        (
            "/opt/qemu-9.2/bin/qemu-system-x86_64",
            (
                "fail",
                "the running QEMU (pid 1200) executes /opt/qemu-9.2/bin/qemu-system-x86_64, not "
                "a distribution path",
            ),
        ),
    ],
)
def test_emulator_with_dotdot_is_settled_by_the_running_qemu(
    host_scan, exe: str, expected: tuple[str, str]
) -> None:
    """R20-4: where the VM runs, /proc/<pid>/exe is "a symbolic link containing the actual
    pathname of the executed command" (proc(5), R8-11): the packaged binary passes (the old
    verdict failed it), a build of its own keeps the running QEMU's fail."""
    out = (
        f"lrwxrwxrwx 1 libvirt-qemu kvm 0 Nov 27 04:00 /proc/1200/exe -> {exe}\n",
        0,
    )
    a = host_scan(
        {"qemu-exe-1200": out},
        [domain_xml("web01", body=f"<devices><emulator>{DOTDOT}</emulator></devices>")],
    )
    assert verdict(a, "HVA-064", "web01") == expected


def test_emulator_with_dotdot_outside_the_distribution_keeps_the_fail(tmp_path: Path) -> None:
    """R20-4 held: a `..` path whose lexical form is no distribution path
    (/usr/bin/../local/bin/...) keeps the fail."""
    path = "/usr/bin/../local/bin/qemu-system-x86_64"
    uri = write_node(
        tmp_path / "n.xml",
        [domain_xml("dx", body=f"<devices><emulator>{path}</emulator></devices>")],
    )
    a = run_assessment(build_bundle(tmp_path, uri, HARDENED_HOST, name="b"))
    assert verdict(a, "HVA-064", "dx") == (
        "fail",
        f"custom emulator {path} (not a distribution path)",
    )
