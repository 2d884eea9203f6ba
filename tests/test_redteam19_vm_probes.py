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
same_file's spelling, a pass). R19-4 HVA-044 passed two VMs naming one UEFI variable store
(<nvram>, which QEMU gets read-write) and a VM whose <loader readonly='no'> is the OVMF code
another VM boots (false passes; now VL16-5's question, naming the file's role). R19-5 HVA-044
passed a VM booting directly (<os><kernel>, <initrd>) from other VMs' disk images, which QEMU
loads into its guest's memory (false pass; now the question). R19-4 and R19-5 read the new
Vm.boot_files (kernel, initrd, dtb read; nvram written; loader written only with
readonly='no').

Second batch (rt19vm2, the first batch's leads): R19-6 HVA-044 passed a VM whose <interface>
or <hostdev> <rom file=...> is another VM's disk image (QEMU loads the file as the device's
option ROM, which the guest reads) and that VM (false passes; now VL16-5's question, naming
the file as its option ROM). R19-7 HVA-044 passed a VM whose disk image another VM's
<sysinfo type='fwcfg'> file entry hands its guest (false pass; the reader already had
R15-3's question). R19-8 HVA-044 passed a VM whose `<loader type='pflash'>` says no readonly
(libvirt grants QEMU write access unless readonly='yes') on the OVMF code other VMs boot
(false pass; now the question, as R19-4's readonly='no'). R19-9 HVA-057 did not compare
memory devices with firmware, direct-boot and device files: a virtio-pmem mapping another
VM's UEFI variable store passed for both VMs (false passes; now "inter-VM shared memory",
naming the store). Vm.boot_files now also holds "rom" and "fwcfg" files (read). R19-10
(wording): VL16-5's message said "each of their guests reads and writes what the other
wrote" also where a VM only reads the file (a backing file, kernel, initrd, firmware, option
ROM, fw_cfg file); such an entry now says "(written by ...; read only by ...)" and the
sentence "a guest that reads one reads what the guests that write it wrote"; a file every
VM naming it writes keeps the old words.

Held (kept as tests): a block copy into a file of its own (R19-1's edge); a pool volume no
other VM names (R19-2's edge); VMs sharing the read-only OVMF code with stores of their own,
and VMs booting one kernel and initrd no VM writes (R19-4/R19-5's edges); two VMs loading one
packaged iPXE option ROM (R19-6's edge).
Probed by script, not kept (the verdict was right or is a lead): `<rom enabled='no'
file=...>` (libvirt refuses to define it: "ROM tuning is not supported when ROM is
disabled"); HVA-064 for
`/usr/local/bin/../../bin/qemu-system-x86_64` (fail: same_file leaves `..` alone, as through
a symbolic link it is not the lexical parent).

Tally: 33 probe cases (18 test functions). 25 pin R19-1..R19-10 (each failed on main before
its fix: R19-1 4, R19-2 5, R19-3 2, R19-4 3, R19-5 2, R19-6 4, R19-7 1, R19-8 1, R19-9 2,
R19-10 1, and the 10 reader cases of R19-4..R19-8 here and R17-1's 2 in
test_redteam17_vm_probes pin its words too); 8 held.

Leads left (not settled in the time): the VL16-5 question still asks whether each shared
disk is "meant for both" ("may read and write this VM's data") also for a read-only reader
(wording). <blockio>, <geometry>, disk <driver> discard/detect_zeroes/copy_on_read
and <seclabel relabel='no'> on single devices: not probed. `..` in an <emulator> path
(HVA-064) left a fail. HVA-044 does not compare memory devices (a VM whose virtio-pmem maps
another VM's disk passes HVA-044; HVA-057 fails it).
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
# a file some of its VMs only read (R19-10)
RTAIL = (
    "are also other VMs' disks, without <shareable/>: libvirt labels a disk for each VM that "
    "starts with it, so a guest that reads one reads what the guests that write it wrote"
)


def ftail(roles: str, reader: bool = False) -> str:
    """TAIL (RTAIL with `reader`) where the file is no disk of every VM naming it, `roles` what
    it is to the others (R20-6, tests/test_redteam20_vm2_probes.py)."""
    so = (
        "a guest that reads one reads what the guests that write it wrote"
        if reader
        else "each of their guests reads and writes what the other wrote"
    )
    return (
        f"are also files other VMs open (as their {roles}): libvirt labels such a file for "
        f"each VM that starts with it, so {so}"
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


# --- R19-4, R19-5: firmware and direct-boot files two VMs open ---------------------------------

NVRAM = "/var/lib/libvirt/qemu/nvram"
CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"


def _efi(name: str, nvram: str, readonly: str = "yes") -> str:
    os_el = (
        "<os><type arch='x86_64' machine='q35'>hvm</type>"
        f"<loader readonly='{readonly}' type='pflash'>{CODE}</loader>"
        f"<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>{nvram}</nvram></os>"
    )
    return domain_xml(name, body=DYNAMIC).replace("<os><type arch='x86_64'>hvm</type></os>", os_el)


def _direct(name: str, kernel: str, initrd: str) -> str:
    os_el = (
        f"<os><type arch='x86_64'>hvm</type><kernel>{kernel}</kernel><initrd>{initrd}</initrd>"
        "<cmdline>console=ttyS0</cmdline></os>"
    )
    return domain_xml(name, body=DYNAMIC).replace("<os><type arch='x86_64'>hvm</type></os>", os_el)


@pytest.fixture(scope="module")
def firmware(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt19fw")
    doms = [
        _efi("nva", f"{NVRAM}/shared_VARS.fd"),
        _efi("nvb", f"{NVRAM}/shared_VARS.fd"),
        _efi("own1", f"{NVRAM}/own1_VARS.fd"),
        _efi("own2", f"{NVRAM}/own2_VARS.fd"),
        _direct("kern", f"{IMAGES}/victim.img", f"{IMAGES}/victim2.img"),
        domain_xml("victim", body=DYNAMIC + _file_disk(f"{IMAGES}/victim.img")),
        domain_xml("victim2", body=DYNAMIC + _file_disk(f"{IMAGES}/victim2.img")),
        _direct("kern2", "/boot/vmlinuz-guest", "/boot/initrd-guest"),
        _direct("kern3", "/boot/vmlinuz-guest", "/boot/initrd-guest"),
    ]
    uri = write_node(tmp / "n.xml", doms)
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


@pytest.mark.parametrize(("vm", "other"), [("nva", "nvb"), ("nvb", "nva")])
def test_one_uefi_variable_store_two_vms_write_is_a_question(
    firmware: Assessment, vm: str, other: str
) -> None:
    """R19-4 (false pass). VMs nva and nvb name one UEFI variable store (<nvram>). libvirt gives
    QEMU the store read-write (qemu_cgroup.c: `qemuSetupImagePathCgroup(vm,
    vm->def->os.loader->nvram, false)`, read with `find_string`) and labels it as a disk image
    for whichever VM starts (security_selinux.c virSecuritySELinuxSetImageLabel on
    def->os.loader->nvram, R13-4): each guest's firmware writes the variables (boot entries,
    Secure Boot keys) the other boots with. Both passed "dynamic selinux label"; now VL16-5's
    question, naming the file as the VM's UEFI variable store."""
    assert verdict(firmware, "HVA-044", vm) == (
        "manual",
        "dynamic selinux label (generated at every start); but file(s) "
        f"{NVRAM}/shared_VARS.fd (its UEFI variable store) (VM(s) {other}) "
        f"{ftail('UEFI variable store')}",
    )


@pytest.mark.parametrize(
    ("vm", "listed", "roles"),
    [
        (
            "kern",
            f"{IMAGES}/victim.img (its direct-boot kernel) (written by VM(s) victim; read only "
            f"by this VM); {IMAGES}/victim2.img (its direct-boot initrd) (written by VM(s) "
            "victim2; read only by this VM)",
            "disk",
        ),
        (
            "victim",
            f"{IMAGES}/victim.img (written by this VM; read only by VM(s) kern)",
            "direct-boot kernel",
        ),
    ],
)
def test_direct_boot_from_another_vms_disk_is_a_question(
    firmware: Assessment, vm: str, listed: str, roles: str
) -> None:
    """R19-5 (false pass). VM kern boots directly (<os><kernel>, <initrd>) from VM victim's and
    VM victim2's disk images: libvirt hands QEMU `-kernel def->os.kernel` and `-initrd
    def->os.initrd` (qemu_command.c, read with `find_string`), and QEMU loads the initrd whole
    into guest memory, so kern's guest reads the other VMs' data, as R17-1's backing reader
    does. All passed "dynamic selinux label"; now VL16-5's question (R19-10: naming who
    writes the file and who only reads it)."""
    assert verdict(firmware, "HVA-044", vm) == (
        "manual",
        "dynamic selinux label (generated at every start); but file(s) "
        f"{listed} {ftail(roles, True)}",
    )


@pytest.mark.parametrize("vm", ["own1", "own2", "kern2", "kern3"])
def test_read_only_firmware_and_kernels_several_vms_read_keep_the_pass(
    firmware: Assessment, vm: str
) -> None:
    """R19-4/R19-5 held: VMs sharing the read-only OVMF code with variable stores of their own,
    and VMs booting one kernel and initrd no VM writes, share nothing writable."""
    assert verdict(firmware, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


def test_writable_firmware_code_other_vms_boot_is_a_question(tmp_path: Path) -> None:
    """R19-4 (false pass): <loader readonly='no' type='pflash'> on the OVMF code every other VM
    boots: libvirt gives the QEMU process the loader read-write unless readonly is yes
    (qemu_cgroup.c `qemuSetupImagePathCgroup(vm, vm->def->os.loader->path,
    vm->def->os.loader->readonly == VIR_TRISTATE_BOOL_YES)`), so that guest's firmware may
    rewrite the code the other VM runs. Both passed; now the question."""
    from test_redteam_probes import SELINUX_HOST

    uri = write_node(
        tmp_path / "n.xml",
        [_efi("rw", f"{NVRAM}/rw_VARS.fd", "no"), _efi("ro", f"{NVRAM}/ro_VARS.fd")],
    )
    a = run_assessment(build_bundle(tmp_path, uri, SELINUX_HOST, name="b"))
    assert verdict(a, "HVA-044", "rw") == (
        "manual",
        f"dynamic selinux label (generated at every start); but file(s) {CODE} (its firmware, "
        f"writable) (written by this VM; read only by VM(s) ro) {ftail('firmware', True)}",
    )
    assert verdict(a, "HVA-044", "ro")[1].endswith(
        f"{CODE} (its firmware) (written by VM(s) rw; read only by this VM) "
        f"{ftail('firmware', True)}"
    )


# --- R19-6..R19-9: option ROMs, fw_cfg files, a pflash loader that says nothing ---------------


def _nic_rom(path: str) -> str:
    """A virtio NIC whose option ROM is `path` (formatdomain "Interface ROM BIOS
    configuration")."""
    return (
        "<devices><interface type='network'><source network='default'/><model type='virtio'/>"
        f"<rom bar='on' file='{path}'/></interface></devices>"
    )


def _hostdev_rom(path: str) -> str:
    return (
        "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address "
        "domain='0x0000' bus='0x06' slot='0x02' function='0x0'/></source>"
        f"<rom file='{path}'/></hostdev></devices>"
    )


def _efi_plain(name: str, nvram: str, loader_attrs: str = " type='pflash'", body: str = "") -> str:
    """A UEFI VM whose <loader> carries `loader_attrs` (no readonly unless given)."""
    os_el = (
        "<os><type arch='x86_64' machine='q35'>hvm</type>"
        f"<loader{loader_attrs}>{CODE}</loader><nvram>{nvram}</nvram></os>"
    )
    return domain_xml(name, body=DYNAMIC + body).replace(
        "<os><type arch='x86_64'>hvm</type></os>", os_el
    )


@pytest.fixture(scope="module")
def devfiles(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt19dev")
    doms = [
        domain_xml("nicrom", body=DYNAMIC + _nic_rom(f"{IMAGES}/romvictim.img")),
        domain_xml("romvictim", body=DYNAMIC + _file_disk(f"{IMAGES}/romvictim.img")),
        domain_xml("hdrom", body=DYNAMIC + _hostdev_rom(f"{IMAGES}/hdvictim.img")),
        domain_xml("hdvictim", body=DYNAMIC + _file_disk(f"{IMAGES}/hdvictim.img")),
        domain_xml("ipxe1", body=DYNAMIC + _nic_rom("/usr/share/ipxe/1af41000.rom")),
        domain_xml("ipxe2", body=DYNAMIC + _nic_rom("/usr/share/ipxe/1af41000.rom")),
        domain_xml(
            "fwcfg",
            body="<sysinfo type='fwcfg'><entry name='opt/com.example/cfg' "
            f"file='{IMAGES}/cfgvictim.img'/></sysinfo>" + DYNAMIC,
        ),
        domain_xml("cfgvictim", body=DYNAMIC + _file_disk(f"{IMAGES}/cfgvictim.img")),
        _efi_plain("pfdefault", f"{NVRAM}/pfdefault_VARS.fd"),
        _efi_plain("pfro", f"{NVRAM}/pfro_VARS.fd", " readonly='yes' type='pflash'"),
        _efi_plain(
            "pmemnv",
            f"{NVRAM}/pmemnv_VARS.fd",
            " readonly='yes' type='pflash'",
            _memdev("virtio-pmem", f"{NVRAM}/pfro_VARS.fd", "shared"),
        ),
    ]
    uri = write_node(tmp / "n.xml", doms)
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


@pytest.mark.parametrize(
    ("vm", "listed", "roles"),
    [
        (
            "nicrom",
            f"{IMAGES}/romvictim.img (its option ROM) (written by VM(s) romvictim; read only by "
            "this VM)",
            "disk",
        ),
        (
            "romvictim",
            f"{IMAGES}/romvictim.img (written by this VM; read only by VM(s) nicrom)",
            "option ROM",
        ),
        (
            "hdrom",
            f"{IMAGES}/hdvictim.img (its option ROM) (written by VM(s) hdvictim; read only by "
            "this VM)",
            "disk",
        ),
        (
            "hdvictim",
            f"{IMAGES}/hdvictim.img (written by this VM; read only by VM(s) hdrom)",
            "option ROM",
        ),
        (
            "cfgvictim",
            f"{IMAGES}/cfgvictim.img (written by this VM; read only by VM(s) fwcfg)",
            "fw_cfg file",
        ),
    ],
)
def test_option_rom_or_fw_cfg_file_from_another_vms_disk_is_a_question(
    devfiles: Assessment, vm: str, listed: str, roles: str
) -> None:
    """R19-6 (false pass; round 19's lead). VM nicrom's <interface> and VM hdrom's <hostdev>
    name another VM's disk image as their option ROM (<rom file=...>). formatdomain: "The
    optional file attribute is used to point to a binary file to be presented to the guest as
    the device's ROM BIOS" (libvirt.org formatdomain, "Interface ROM BIOS configuration" and
    the <hostdev> <rom> element; libvirt commit "add romfile" for both); libvirt hands it QEMU
    as the device's `romfile` (qemu_command.c qemuBuildRomProps: `"S:romfile", romfile`, read
    with `find_string`), and QEMU's pci_add_option_rom loads the whole file into the device's
    ROM region the guest reads (hw/pci/pci.c: `load_image(path, ptr)`). So nicrom's guest
    reads romvictim's data, as R19-5's direct-boot reader does. All four passed "dynamic
    selinux label"; now VL16-5's question, naming the file as the VM's option ROM.

    R19-7 (false pass; round 19's lead): VM fwcfg's `<sysinfo type='fwcfg'><entry
    file=...>` names VM cfgvictim's disk image: QEMU gets `-fw_cfg name=...,file=PATH` and
    hands the file's content to the guest (R15-3). fwcfg itself already had R15-3's question
    (the file gets the read-only content label), but cfgvictim, whose disk another guest
    reads, passed; now VL16-5's question."""
    assert verdict(devfiles, "HVA-044", vm) == (
        "manual",
        "dynamic selinux label (generated at every start); but file(s) "
        f"{listed} {ftail(roles, True)}",
    )


@pytest.mark.parametrize("vm", ["ipxe1", "ipxe2"])
def test_packaged_option_rom_several_vms_read_keeps_the_pass(devfiles: Assessment, vm: str) -> None:
    """R19-6 held: two VMs loading one packaged iPXE ROM no VM writes share nothing writable.
    (`<rom enabled='no' file=...>` cannot be defined: libvirt refuses it, "ROM tuning is not
    supported when ROM is disabled", as its test driver answers; the parser skips such a ROM
    anyway, qemuBuildRomProps handing QEMU `romfile = ""`.)"""
    assert verdict(devfiles, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


def test_pflash_loader_without_readonly_counts_as_written(devfiles: Assessment) -> None:
    """R19-8 (false pass; round 19's lead). VM pfdefault's `<loader type='pflash'>` says no
    readonly, on the OVMF code VMs pfro and pmemnv boot read-only. libvirt grants the QEMU
    process write access to a loader unless readonly is yes (qemu_cgroup.c
    qemuSetupFirmwareCgroup: `qemuSetupImagePathCgroup(vm, vm->def->os.loader->path,
    vm->def->os.loader->readonly == VIR_TRISTATE_BOOL_YES)`, read with `find_string`);
    virt-aa-helper gives it "rwk" when "the flag readonly is set to no (or not set - no is
    the default value)" (canonical/tdx pull request #279 on libvirt commit c019350a, read with
    `search`), and formatdomain's readonly attribute is there "to reflect the fact that the
    image should be writable or read-only". libvirt's test driver keeps the loader without
    readonly. pfdefault passed "dynamic selinux label" (R19-4 counted readonly='no' only);
    now VL16-5's question, naming the code as its writable firmware."""
    assert verdict(devfiles, "HVA-044", "pfdefault") == (
        "manual",
        f"dynamic selinux label (generated at every start); but file(s) {CODE} (its firmware, "
        f"writable) (written by this VM; read only by VM(s) pfro, pmemnv) "
        f"{ftail('firmware', True)}",
    )


@pytest.mark.parametrize(
    ("vm", "msg"),
    [
        (
            "pmemnv",
            f"{NVRAM}/pfro_VARS.fd (the UEFI variable store of VM(s) pfro, whose data this VM "
            "reads and writes)",
        ),
        (
            "pfro",
            f"UEFI variable store {NVRAM}/pfro_VARS.fd (mapped as memory by VM(s) pmemnv, "
            "which read and write its data)",
        ),
    ],
)
def test_memory_device_on_another_vms_variable_store_fails(
    devfiles: Assessment, vm: str, msg: str
) -> None:
    """R19-9 (false pass; round 19's lead). VM pmemnv's virtio-pmem maps, shared, VM pfro's
    UEFI variable store, which pfro's QEMU opens read-write (qemu_cgroup.c
    `qemuSetupImagePathCgroup(vm, vm->def->os.loader->nvram, false)`): R18-1's channel (QEMU
    maps the file into pmemnv's guest, which writes the variables pfro's firmware boots with
    and reads what it wrote). HVA-057 compared memory devices with disks only, and both
    passed "no <shmem> device"; now "inter-VM shared memory", naming the store."""
    assert verdict(devfiles, "HVA-057", vm) == ("fail", f"inter-VM shared memory: {msg}")


def test_who_writes_and_who_reads_a_disk_several_vms_open(tmp_path: Path) -> None:
    """R19-10 (wording; round 19's lead). VMs wa and wb write one disk image, VM rk boots it as
    its direct-boot kernel. VL16-5 said "each of their guests reads and writes what the other
    wrote" for all three, though rk's guest only reads (QEMU reads `-kernel` into guest
    memory, R19-5) and wa's and wb's guests never read what rk's wrote. Each entry now says
    which VMs write the file and which only read it, and the sentence says a reader reads what
    the writers wrote; where every VM naming a file writes it, the message is unchanged (the
    R19-4 variable store above)."""
    from test_redteam_probes import SELINUX_HOST

    shared = f"{IMAGES}/both.img"
    uri = write_node(
        tmp_path / "n.xml",
        [
            domain_xml("wa", body=DYNAMIC + _file_disk(shared)),
            domain_xml("wb", body=DYNAMIC + _file_disk(shared)),
            _direct("rk", shared, "/boot/initrd-guest"),
        ],
    )
    a = run_assessment(build_bundle(tmp_path, uri, SELINUX_HOST, name="b"))
    head = "dynamic selinux label (generated at every start); but file(s) "
    assert verdict(a, "HVA-044", "wa") == (
        "manual",
        f"{head}{shared} (written by this VM and VM(s) wb; read only by VM(s) rk) "
        f"{ftail('direct-boot kernel or disk', True)}",
    )
    assert verdict(a, "HVA-044", "rk") == (
        "manual",
        f"{head}{shared} (its direct-boot kernel) (written by VM(s) wa, wb; read only by this "
        f"VM) {ftail('disk', True)}",
    )
