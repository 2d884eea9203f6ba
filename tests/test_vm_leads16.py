"""Session 16 VM leads (leads16-vm): what the round-15 VM red team left
(tests/test_redteam15_vm_probes.py's "Leads left"). Each finding's sources are in its test's
docstring; every fact was read with the `search` / `find_string` / `read_file` tools.

Findings (VL16-n): VL16-1 HVA-070 took <locked/> memory as the guarantee beside a balloon with
freePageReporting='on' though its backing is a file (<source type='memfd'|'file'/>, an <access
mode>, a NUMA cell memAccess), which QEMU punches each reported page out of, locked or not
(false pass; now "no memory guarantee" naming the backing; anonymous locked memory holds).
VL16-2 HVA-058 counted dir, fs and netfs pool volumes only: a vstorage pool's volume is a file
in its target directory too, and a volume whose pool the bundle lacks may be one (false pass;
now R14-5's fail, and the question naming the volume). VL16-3 HVA-092 matched a <blkiotune>
device to a volume disk by its volume name, not its device path TARGET/NAME of a logical or
ZFS pool (wrong question, and a half throttle misreported; _libvirt.volume_path). VL16-4
HVA-197 passed an isolated VM whose bridge also holds a non-isolated port of no VM (a
container's veth, a host tap or dummy), which `ip -j -d link` shows (false pass; now the
question naming the port). VL16-5 (no check owned it) two VMs naming one disk file without
<shareable/>: HVA-044 passed each on its own label though libvirt labels the file for whichever
starts (false pass; now the question naming the disk and the other VM). VL16-6 HVA-050 said "no
device passthrough" for a vDPA interface (wording; the n/a names the device and why its DMA is
not passthrough). VL16-7 (noticed this round) HVA-058 was declared per_vm though it reads other
VMs' disks, so the engine skipped a next-start world (false pass; now peers=("disks",)).

Answered without a verdict change: lead 2's device-node volumes (logical, disk, iSCSI, SCSI,
mpath, ZFS) are not counted by R15-1: a guest's own 9p client makes a device node a special
file of its kernel (fs/9p/vfs_inode.c v9fs_init_inode, init_special_inode), not the host's
device. Lead 4's evidence exists: the host collector's `ip -j -d link show` (port master, kind,
bridge-port "isolated"); where it was not read (an unscanned or API-only host) the pass still
rests on the definitions.

Tally: 25 cases (16 test functions). 14 pin VL16-1..VL16-7 (each failed on main before its
fix: VL16-1 4, VL16-2 2, VL16-3 2, VL16-4 1, VL16-5 2, VL16-6 2, VL16-7 1); 11 held (locked
anonymous memory twice, reporting off, a VM with no passthrough, a block disk under its
throttle, an isolated veth and two VM-named taps, a read-only ISO in two VMs twice, a
<shareable/> disk's own question).

Leads left: a guest that speaks 9p itself (not its kernel's client) can send Tlopen for a
device node in a shared directory, which QEMU's local backend opens on the host: R14-5 counts
block disks but not device-node pool volumes (logical's TARGET/NAME is a symlink the backend
does not follow; a disk pool's partition, an iSCSI by-path link), not settled. An isolated VM
on an unscanned or API-only host still passes on the definitions alone (the bridge's other
ports unread): whether that must become a question touches many held tests
(test_checks_vm, test_rawargs_unseen, test_rawargs_attest, the Proxmox API probes). VL16-5
compares file and block disks only: two VMs naming one pool volume, or one VM's file that is
another's backing file (a qcow2 <backingStore>), are not compared. Locked memory with
<source type='memfd'/> under Proxmox VE (qemu-server has no such option) and raw
`-object memory-backend-memfd` with `-overcommit mem-lock=on` were not probed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on, _scan
from test_redteam14_vm_probes import _share
from test_redteam15_vm_probes import _pool, _volume_disk

# --- VL16-1: HVA-070, locked memory in a memfd or file the balloon's reporting punches --------

MEMTUNE = (
    "<memtune><hard_limit unit='MiB'>2048</hard_limit><soft_limit unit='MiB'>1024</soft_limit>"
    "</memtune>"
)
REPORTING = "<devices><memballoon model='virtio' freePageReporting='{}'/></devices>"


def _locked(backing: str, reporting: str = "on", numa: str = "") -> str:
    return f"{MEMTUNE}<memoryBacking>{backing}<locked/></memoryBacking>{numa}" + REPORTING.format(
        reporting
    )


CELL = "<cpu><numa><cell id='0' cpus='0' memory='1' unit='GiB' memAccess='shared'/></numa></cpu>"


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("vl16lock"),
        [
            domain_xml("lkmemfd", body=_locked("<source type='memfd'/><access mode='shared'/>")),
            domain_xml("lkfile", body=_locked("<source type='file'/>")),
            domain_xml("lkshared", body=_locked("<access mode='shared'/>")),
            domain_xml("lkcell", body=_locked("", numa=CELL)),
            domain_xml("lkanon", body=_locked("")),
            domain_xml("lkanon2", body=_locked("<source type='anonymous'/>")),
            domain_xml("lkoff", body=_locked("<source type='memfd'/>", "off")),
        ],
    )


LIMITS = "memtune hard_limit 2097152 KiB; memtune soft_limit 1048576 KiB; configured size 1.0 GiB"


@pytest.mark.parametrize(
    ("vm", "how"),
    [
        ("lkmemfd", "<source type='memfd'/>"),
        ("lkfile", "<source type='file'/>"),
        ("lkshared", "<access mode='shared'/>"),
        ("lkcell", "a NUMA <cell memAccess='shared'>"),
    ],
)
def test_locked_memory_in_a_file_the_guest_reports_free_is_no_guarantee(
    locked: Assessment, vm: str, how: str
) -> None:
    """VL16-1 (false pass; round 15's lead). <locked/> makes QEMU lock the guest's memory, and
    HVA-070 took it as the guarantee ("guest memory locked in host RAM") beside a virtio
    balloon with freePageReporting='on'. For anonymous memory that holds: QEMU discards a
    reported range with madvise(MADV_DONTNEED), which fails with EINVAL on locked pages
    (madvise(2); mm/madvise.c madvise_dontneed_free_valid_vma `forbidden |= VM_LOCKED`). But
    ram_block_discard_range punches a file-backed block out of its file first
    (`need_fallocate = rb->fd != -1`; `fallocate(rb->fd, FALLOC_FL_PUNCH_HOLE |
    FALLOC_FL_KEEP_SIZE, ...)`), and "hole punching forcibly unmaps the deleted pages from
    userspace ... Mlocked pages can be munlocked and deleted in this way"
    (Documentation/mm/unevictable-lru.rst): the page goes back to the host, locked or not.
    libvirt's qemuBuildMemoryBackendProps (qemu_command.c) gives memory-backend-memfd for
    <source type='memfd'/> and memory-backend-file (a file in memory_backing_dir) for <source
    type='file'/>, for any <access mode> and for a NUMA cell's memAccess; all read with
    `find_string` / `read_file`."""
    assert verdict(locked, "HVA-070", vm) == (
        "fail",
        f"no memory guarantee ({LIMITS}): the memory is locked, but <memballoon "
        "freePageReporting='on'>: QEMU gives every free page the guest reports back to the "
        f"host, and with {how} the memory is a file QEMU punches each such page out of, which "
        "frees it locked or not",
    )


@pytest.mark.parametrize("vm", ["lkanon", "lkanon2", "lkoff"])
def test_locked_anonymous_memory_or_no_reporting_keeps_the_pass(
    locked: Assessment, vm: str
) -> None:
    """Holds: locked anonymous memory (the default backing, or <source type='anonymous'/>
    without an access mode: memory-backend-ram), which madvise cannot discard, and a memfd
    backing with free page reporting off."""
    assert verdict(locked, "HVA-070", vm) == (
        "pass",
        f"guest memory locked in host RAM; {LIMITS}",
    )


# --- VL16-6: HVA-050, the wording for a vDPA interface ------------------------------------------

VDPA = (
    "<devices><interface type='vdpa'><mac address='52:54:00:16:00:06'/>"
    "<source dev='/dev/vhost-vdpa-0'/></interface></devices>"
)
MEDIATED = (
    "do DMA into the guest's memory, but only through the mappings QEMU sets in vhost-vdpa "
    "(its IOTLB), on an IOMMU domain of its own or by the parent's driver: not passed through"
)


def test_vdpa_interface_is_named_not_called_no_passthrough(tmp_path: Path) -> None:
    """VL16-6 (wording; round 15's lead). HVA-050 said "no device passthrough" for a VM whose
    `<interface type='vdpa'>` (libvirt opens it as `-netdev vhost-vdpa`, R12-2) puts a hardware
    data path in the guest: the vDPA device DMAs into the guest's memory. The n/a stands, since
    the guest never sets a DMA address: vhost-vdpa maps only the ranges QEMU gives it
    (VHOST_IOTLB_UPDATE, "IOTLB API is mandated for vhost-vDPA"), and vhost_vdpa_alloc_domain
    (drivers/vhost/vdpa.c) attaches a platform-DMA device to an IOMMU domain of its own,
    returning -ENOTSUPP without an IOMMU ("Failed to allocate domain, device is not IOMMU cache
    coherent capable"), unless the parent driver maps itself (set_map, dma_map); read with
    `find_string`. The message now names the device and why it is no passthrough."""
    a = _scan(tmp_path, [domain_xml("vdpa1", body=VDPA)])
    assert verdict(a, "HVA-050", "vdpa1") == (
        "not_applicable",
        f"no DMA-capable (PCI) passthrough; vDPA device(s) /dev/vhost-vdpa-0 {MEDIATED}",
    )


def test_raw_vhost_vdpa_backend_is_named_too(tmp_path: Path) -> None:
    """VL16-6 for raw arguments: `-netdev vhost-vdpa,vhostdev=...` (hvaudit.parse.qemu_args.
    raw_nics) is the same backend."""
    raw = "vhost-vdpa,id=n1,vhostdev=/dev/vhost-vdpa-1"
    domains = {"rvdpa": _raw_cpu_domain("rvdpa", "", "-netdev", raw)}
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, domains))
    assert verdict(a, "HVA-050", "rvdpa") == (
        "not_applicable",
        f"no DMA-capable (PCI) passthrough; vDPA device(s) QEMU argument -netdev {raw} {MEDIATED}",
    )


def test_vm_without_devices_keeps_no_device_passthrough(tmp_path: Path) -> None:
    """Holds: a VM with a plain bridge interface keeps "no device passthrough"."""
    body = "<devices><interface type='bridge'><source bridge='br0'/></interface></devices>"
    a = _scan(tmp_path, [domain_xml("plain", body=body)])
    assert verdict(a, "HVA-050", "plain") == ("not_applicable", "no device passthrough")


# --- VL16-2: HVA-058, volumes the share may hold: a vstorage pool, a pool the bundle lacks ------


@pytest.fixture(scope="module")
def volumes(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("vl16vol")
    doms = {
        "volgone": _volume_disk("gone", "volgone.qcow2"),
        "vzowner": _volume_disk("vz", "vz.qcow2"),
        "lvowner": _volume_disk("vg0", "lv1"),
        "imgshare": _share("/var/lib/libvirt/images"),
        "vzshare": _share("/srv/vz"),
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=v) for k, v in doms.items()],
        pools=[_pool("vz", "vstorage", "/srv/vz"), _pool("vg0", "logical", "/dev/vg0")],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


def test_share_beside_a_vstorage_volume_fails(volumes: Assessment) -> None:
    """VL16-2 (false pass; round 15's lead on R15-1). libvirt's vstorage backend
    (storage_backend_vstorage.c) creates volumes with virStorageBackendVolCreateLocal, the dir
    backend's own (`vol->target.path = g_strdup_printf("%s/%s", def->target.path,
    vol->name)`; read with `find_string`): its volume is the file NAME in the pool's target
    directory, as a dir pool's is. R15-1 counted dir, fs and netfs pools only, so a 9p share of
    /srv/vz beside VM vzowner's volume passed."""
    assert verdict(volumes, "HVA-058", "vzshare") == (
        "fail",
        "disk images of other VMs in the host directories it shares: /srv/vz (VM vzowner: "
        "/srv/vz/vz.qcow2): the guest reaches them through the share",
    )


def test_share_beside_a_volume_of_an_unknown_pool_is_a_question(volumes: Assessment) -> None:
    """VL16-2 (false pass). A `<disk type='volume'>` whose pool the bundle lacks may be a file
    in the shared directory (any dir, fs, netfs or vstorage pool's volume is) or not: R15-1
    skipped it and the share of /var/lib/libvirt/images passed "read-only or with mapped
    ownership". Now the question, naming the volume and how to find its path. A logical
    pool's volume (VM lvowner) is a device node (a guest's own 9p client makes a special file
    of its kernel of it: fs/9p/vfs_inode.c v9fs_init_inode, `init_special_inode`): not counted."""
    gone = "VM volgone: volume volgone.qcow2 of pool gone"
    assert verdict(volumes, "HVA-058", "imgshare") == (
        "manual",
        f"disk volume(s) of other VMs whose pool the evidence lacks ({gone}): where their files "
        "are is not known, and the directories this VM shares may hold them",
    )
    result = next(
        r
        for r in volumes.results
        if r.check.id == "HVA-058" and r.outcome.subject.name == "imgshare"
    )
    assert result.outcome.question == (
        f"Is every one of these volumes ({gone}) outside the directories VM imgshare shares "
        "(/var/lib/libvirt/images)? Evidence: `virsh pool-dumpxml POOL` (gone) and `virsh "
        "vol-path --pool POOL VOLUME` on host hv1. Pass: yes, no volume path is inside a "
        "shared directory (or SELinux confines the VMs); fail: no, one is, so the guest reaches that VM's "
        "disk through the share."
    )


# --- VL16-3: HVA-092, a <blkiotune> device under a volume disk -------------------------------

BANDWIDTH = (
    "<interface type='bridge'><source bridge='br0'/><bandwidth><inbound average='1000'/>"
    "<outbound average='1000'/></bandwidth></interface>"
)


def _throttled(rates: str) -> str:
    # cache='none' (O_DIRECT): the <blkiotune> write limit holds on any cgroup version (R25R-4)
    disk = _volume_disk("vg0", "lv1")[len("<devices>") : -len("</devices>")].replace(
        "type='qcow2'/>", "type='qcow2' cache='none'/>"
    )
    return (
        f"<blkiotune><device><path>/dev/vg0/lv1</path>{rates}</device></blkiotune>"
        f"<devices>{disk}"
        f"{BANDWIDTH}</devices>"
    )


@pytest.fixture(scope="module")
def throttled(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("vl16blk")
    both = "<read_bytes_sec>1000</read_bytes_sec><write_bytes_sec>1000</write_bytes_sec>"
    doms = {
        "lvvol": _throttled(both),
        "lvhalf": _throttled("<read_bytes_sec>1000</read_bytes_sec>"),
        "lvblock": f"<blkiotune><device><path>/dev/vg0/lv1</path>{both}</device></blkiotune>"
        "<devices><disk type='block' device='disk'><driver name='qemu' cache='none'/>"
        "<source dev='/dev/vg0/lv1'/>"
        f"<target dev='vda' bus='virtio'/></disk>{BANDWIDTH}</devices>",
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=v) for k, v in doms.items()],
        pools=[_pool("vg0", "logical", "/dev/vg0")],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


def test_blkiotune_on_a_logical_volumes_path_limits_its_disk(throttled: Assessment) -> None:
    """VL16-3 (wrong question; round 15's lead). A `<blkiotune><device><path>` names a host
    block device, which libvirt stats for its major:minor (vircgroup.c
    virCgroupGetBlockDevString: "Path '%1$s' must be a block device"), and a logical pool's
    volume is the block device TARGET/NAME (storage_backend_logical.c, `vol->target.path =
    g_strdup_printf("%s/%s", def->target.path, vol->name)`; ZFS likewise; read with
    `find_string`). HVA-092 matched the throttle against the disk's volume name, so
    `<source pool='vg0' volume='lv1'>` under a throttle of /dev/vg0/lv1 was asked about
    ("disk(s) lv1 have no <iotune>") though a `<disk type='block'>` of the same node passed."""
    assert verdict(throttled, "HVA-092", "lvvol") == (
        "pass",
        "1 disk(s) and 1 interface(s) limited (outbound)",
    )


def test_half_blkiotune_on_a_logical_volume_is_named(throttled: Assessment) -> None:
    """VL16-3: a read-only throttle of the volume's device was reported "1 of 1 disk(s)
    without <iotune> rate limits"; the fail now says what is limited and what is not."""
    assert verdict(throttled, "HVA-092", "lvhalf") == (
        "fail",
        "disk /dev/vg0/lv1: <blkiotune> read limit only, writes unlimited",
    )


def test_blkiotune_on_a_block_disk_keeps_the_pass(throttled: Assessment) -> None:
    """Holds: the block disk of the same node, matched as before."""
    assert verdict(throttled, "HVA-092", "lvblock") == (
        "pass",
        "1 disk(s) and 1 interface(s) limited (outbound)",
    )


# --- VL16-4: HVA-197, a bridge port of no VM beside an isolated VM ---------------------------

ISOLATED = (
    "<devices><interface type='bridge'><source bridge='br0'/><port isolated='yes'/>"
    "</interface></devices>"
)


def _with_port(name: str, kind: str, isolated: bool) -> dict[str, object]:
    import json

    from conftest import IP_LINK

    links = [
        *json.loads(IP_LINK),
        {
            "ifindex": 40,
            "ifname": name,
            "master": "br0",
            "linkinfo": {
                "info_kind": kind,
                "info_slave_kind": "bridge",
                "info_slave_data": {"state": "forwarding", "isolated": isolated},
            },
        },
    ]
    return {**HARDENED_HOST, "ip-link": (json.dumps(links), 0)}


def test_isolated_vm_beside_a_containers_open_veth_is_a_question(tmp_path: Path) -> None:
    """VL16-4 (false pass; round 15's lead). Isolated bridge ports "cannot communicate between
    each other, but they can still communicate with non-isolated ports" (Linux commit
    7d850abd5f4e), and a bridge may hold ports no VM definition shows: a container's veth
    (Proxmox VE's veth<ctid>i<n>, a podman or LXC veth), a host tap or dummy. The host
    collector reads them: `ip -j -d link show` gives each port's master, kind and, for a bridge
    port, "isolated" (iproute2 iplink_bridge_slave.c: `print_on_off(PRINT_ANY, "isolated",
    ...)` of IFLA_BRPORT_ISOLATED; read with `find_string`). HVA-197 passed VM isoa on br0
    "bridge port(s) isolated" beside veth101i0, a non-isolated veth on br0; now the question
    naming it. VM taps (libvirt's vnetN, VIR_NET_GENERATED_VNET_PREFIX; Proxmox VE's
    tap<vmid>i<n> and fwpr<vmid>p<n>) and uplinks (a bond, a NIC) are not counted."""
    a = run_assessment(
        _replayed_on(
            tmp_path,
            _with_port("veth101i0", "veth", False),
            {"isoa": domain_xml("isoa", body=ISOLATED)},
        )
    )
    assert verdict(a, "HVA-197", "isoa") == (
        "manual",
        "1 bridge port(s) isolated, but bridge(s) br0 also hold port(s) veth101i0 (veth) of no "
        "VM, not isolated: isolated ports still exchange frames with them",
    )
    result = next(
        r for r in a.results if r.check.id == "HVA-197" and r.outcome.subject.name == "isoa"
    )
    assert result.outcome.question == (
        "Is each port veth101i0 (veth) of bridge(s) br0 on host hv1 isolated, or one this VM may "
        "exchange frames with? Evidence: `bridge -d link show` on host hv1 (`isolated on`) and "
        "what holds each port (`ip -d link show DEV`; a container's veth: `ip netns identify` or "
        "the container runtime). Pass: each shows `isolated on`, or belongs to a documented peer "
        "of VM isoa; fail: one does not, so VM isoa's isolated port still exchanges frames with "
        "it."
    )


@pytest.mark.parametrize(
    ("port", "kind", "isolated"),
    [("veth102i0", "veth", True), ("vnet7", "tun", False), ("tap105i0", "tun", False)],
)
def test_isolated_vm_beside_isolated_or_vm_ports_keeps_the_pass(
    tmp_path: Path, port: str, kind: str, isolated: bool
) -> None:
    """Holds: a container's veth that is itself isolated, and taps named as VMs' (libvirt's
    vnetN, Proxmox VE's tap<vmid>i<n>), which the VMs' own definitions account for; the
    replayed host's bond0 uplink and vnet0 stay uncounted too."""
    a = run_assessment(
        _replayed_on(
            tmp_path, _with_port(port, kind, isolated), {"isoa": domain_xml("isoa", body=ISOLATED)}
        )
    )
    assert verdict(a, "HVA-197", "isoa") == (
        "pass",
        "1 bridge port(s) isolated (<port isolated='yes'/>)",
    )


# --- VL16-5: HVA-044, two VMs naming one disk file without <shareable/> ----------------------


def _file_disk(path: str, extra: str = "", device: str = "disk") -> str:
    return (
        f"<devices><disk type='file' device='{device}'><driver name='qemu' type='qcow2'/>"
        f"<source file='{path}'/><target dev='vda' bus='virtio'/>{extra}</disk></devices>"
    )


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam13_vm_probes import DYNAMIC
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("vl16twin")
    img = "/var/lib/libvirt/images/app.qcow2"
    doms = {
        "app": DYNAMIC + _file_disk(img),
        "rescue": DYNAMIC + _file_disk("/var/lib/libvirt/images//./app.qcow2"),
        "isoa": DYNAMIC + _file_disk("/srv/iso/tools.iso", "<readonly/>", "cdrom"),
        "isob": DYNAMIC + _file_disk("/srv/iso/tools.iso", "<readonly/>", "cdrom"),
        "clustera": DYNAMIC + _file_disk("/srv/shared.raw", "<shareable/>"),
        "clusterb": DYNAMIC + _file_disk("/srv/shared.raw", "<shareable/>"),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


@pytest.mark.parametrize(("vm", "other"), [("app", "rescue"), ("rescue", "app")])
def test_two_vms_naming_one_disk_file_is_a_question(twins: Assessment, vm: str, other: str) -> None:
    """VL16-5 (false pass; round 15's lead, no check owned it). Two definitions naming one disk
    file without <shareable/> hand it to whichever VM starts: libvirt's security drivers
    label every disk of a VM as it starts (virSecurityManagerSetAllLabel; SELinux gives the
    file that VM's MCS categories, the DAC driver chowns it to the QEMU user, virt-aa-helper
    adds it to that VM's AppArmor profile), and QEMU's image locking refuses a second writer
    only while the first runs. So VM rescue's guest reads and writes VM app's data whenever it
    runs, though both passed HVA-044 "dynamic selinux label (generated at every start)". The
    owner is HVA-044 (each VM confined to its own resources); the pass is now the question,
    naming the disk and the other VM; paths are compared as the kernel resolves their
    spelling (`//`, `.`)."""
    assert verdict(twins, "HVA-044", vm) == (
        "manual",
        "dynamic selinux label (generated at every start); but disk(s) "
        f"/var/lib/libvirt/images/app.qcow2 (VM(s) {other}) are also other VMs' disks, without "
        "<shareable/>: libvirt labels a disk for each VM that starts with it, so each of their "
        "guests reads and writes what the other wrote",
    )
    result = next(
        r for r in twins.results if r.check.id == "HVA-044" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == (
        f"Is each disk VM {vm} shares with another VM on host hv1 "
        f"(/var/lib/libvirt/images/app.qcow2 (VM(s) {other})) meant for both? Evidence: `virsh "
        "domblklist` of each VM named, and the purpose of the second definition (a rescue or "
        "standby VM, a clone not yet given its own copy). Pass: yes, a documented standby or "
        "rescue definition whose guest may read and write this VM's data; fail: no, so that "
        "VM's guest reads and writes this VM's disk whenever it runs."
    )


@pytest.mark.parametrize("vm", ["isoa", "isob"])
def test_one_read_only_iso_in_two_vms_keeps_the_pass(twins: Assessment, vm: str) -> None:
    """Holds: a CD-ROM image read-only in every VM that names it (an ISO library)."""
    assert verdict(twins, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


def test_shareable_disk_keeps_its_own_question(twins: Assessment) -> None:
    """Holds: a disk both VMs mark <shareable/> is R12-3's question (libvirt's shared image
    label), not this one."""
    status, message = verdict(twins, "HVA-044", "clustera")
    assert status == "manual"
    assert "also other VMs' disks" not in message
    assert "shareable disk(s) /srv/shared.raw" in message


# --- VL16-7: HVA-058 compares VMs, so a next start of another VM is judged -------------------


def test_share_beside_a_disk_another_vms_next_start_adds_fails(tmp_path: Path) -> None:
    """VL16-7 (false pass, noticed this round). HVA-058 was declared to judge each VM by itself
    (per_vm: the engine then skips the next-start world in which one changed VM starts alone,
    engine._judged), though R14-5, R15-1 and VL16-2 read the other VMs' disks. VM owner runs
    with no disk, and its persistent definition (`virsh define`) adds
    /var/lib/libvirt/images/owner.qcow2; VM imgshare runs with a 9p share of
    /var/lib/libvirt/images that its persistent definition drops. Restarted together, neither
    meets the other; but when owner restarts alone, imgshare's running share reaches owner's
    image, a world the engine skipped for a per-VM check. It now names `disks` as the field it
    reads of other VMs (Check.peers), and that world is judged."""
    from hvaudit.engine import assess
    from hvaudit.profile import load_profile
    from test_next_start_worlds import _libvirt_scan
    from test_redteam14_vm_probes import OWNER

    running = [
        domain_xml("owner", body=""),
        domain_xml("imgshare", body=_share("/var/lib/libvirt/images")),
    ]
    redefined = [domain_xml("owner", body=OWNER), domain_xml("imgshare", body="")]
    dep = _libvirt_scan(tmp_path, running, redefined, HARDENED_HOST)
    assert sorted(v.name for v in dep.next_boot.values()) == ["imgshare", "owner"]
    a = assess(dep, [], load_profile())
    status, message = verdict(a, "HVA-058", "imgshare")
    assert status == "fail", message
    assert "/var/lib/libvirt/images (VM owner: /var/lib/libvirt/images/owner.qcow2)" in message
