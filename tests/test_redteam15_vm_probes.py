"""Fifteenth red-team review, VM side (rt15vm): KVM/libvirt domain elements, round 14's leads
and new ground.

Same harness as round 14 (tests/test_redteam14_vm_probes.py, whose helpers are imported):
libvirt's test driver serves the domains on conftest's replayed hardened host; what needs
raw QEMU arguments or a daemon with the QEMU driver goes through _replayed_on. Every fact a
probe rests on was read with the `search` / `find_string` / `read_file` tools and is cited in
its docstring.

Findings (R15-n): R15-1 HVA-058 counted only file and block disks as other VMs' images in a
shared directory: a <disk type='volume'> of a dir (fs, netfs) pool, which libvirt opens as the
file NAME in the pool's target directory, was missed and a 9p share of that directory passed
(false pass; now R14-5's fail, _libvirt.disk_file). R15-2 HVA-070 took huge pages as the
memory guarantee of a VM whose virtio balloon has freePageReporting='on', with which QEMU
punches every free page the guest reports out of the hugetlbfs file, freeing the page and its
reservation (false pass; 2 MiB pages now fail "no memory guarantee" naming it, <hugepages/> of
the host's default size is a question, 1 GiB pages keep the pass). R15-3 HVA-044 passed an
SELinux-confined VM whose <sysinfo type='fwcfg'><entry file=PATH> hands the guest a host
file that libvirt labels with the read-only content label, readable by every VM (false pass;
now R12-3's kind of question; round 14's lead). R15-4 HVA-192 asked about a hostdev VF without
<vlan> but passed a macvtap passthrough interface (the other VF connection whose VLAN libvirt
sets) "none trunked" (false pass; now the question). R15-5 HVA-066's question for a Secure
Boot loader without an <nvram template> named neither the VM nor a fail answer (wrong
question; now the house form). R15-6 HVA-197 passed an isolated VM beside another VM's tap set
up outside libvirt (managed='no', an ifup script, raw taps), which may be a non-isolated port
of the same bridge (false pass; now the question naming that VM).

Held (kept as tests): 1 GiB huge pages and a balloon with free page reporting off (R15-2's
edges); a fw_cfg string entry; a passthrough VF with one <vlan> tag and a VEPA macvtap.
Probed by script, not kept (the verdict was right): HVA-049 for host-passthrough/maximum/
host-model, features optional/force/require/disable and vmx disabled alone on an Intel host;
HVA-031 for <listen type='network'|'socket'|'none'>, ::1, ::ffff:127.0.0.1, SPICE with
plaintext channels, rdp and a D-Bus display over TCP; HVA-050 for mdev (vfio-pci, -ccw, -ap),
USB and PCI hostdevs with managed='no', vhost-scsi, a capabilities-mode storage hostdev;
HVA-191/193/194/197 on hostdev VFs, macvtap private/passthrough and an isolated bridge port
with <driver queues>; HVA-066 for firmware autoselection with and without enrolled keys, an
empty OVMF_VARS.fd template and SMM off.

Tally: 13 probe cases (9 test functions). 8 cases pin R15-1..R15-6 (each failed on main
before its fix: R15-1 1, R15-2 3, R15-3 1, R15-4 1, R15-5 1, R15-6 1); 5 found nothing, the
verdict held.

Leads left (not settled in the time): a virtiofs <idmap> maps IDs only for the unprivileged
daemon (libvirt kbase virtiofs, "Running unprivileged": qemu:///session, since 10.0), so the
nosuid/nodev question stays right on system scans; a session scan was not probed. Two VMs
naming one disk file without <shareable/> (no check owns it; a stopped VM's definition reads
the other's disk). A libvirt clipboard channel (<channel type='qemu-vdagent'> with <clipboard
copypaste='yes'>, SPICE vdagent) has no counterpart of VMware's HVA-401 (a new check, not a
verdict). <locked/> memory backed by memfd (<source type='memfd'/>, shared, file-backed) with
free page reporting may be punched like hugetlbfs (anonymous locked memory is not:
madvise(2)'s EINVAL for locked pages, not read with the tools). A volume of a logical, disk or
iSCSI pool (a device node, often a symlink to /dev/dm-N) in a shared /dev directory, and a
volume whose pool the bundle lacks, are not counted by R15-1. HVA-092 matches a <blkiotune>
device to a disk by its exact source string (a volume disk's device path is not resolved: a
wrong-fail risk). HVA-050 says "no device passthrough" for a vDPA interface, whose data path
is hardware DMA (vhost-vdpa attaches an IOMMU domain): wording. HVA-197 still passes an
isolated VM whose bridge holds ports of something other than a VM (a container's veth, a
host interface), which no definition shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _replayed_on, _scan
from test_redteam13_vm_probes import DYNAMIC
from test_redteam14_vm_probes import _share
from test_redteam_probes import SELINUX_HOST

# --- R15-1: HVA-058, a share of the directory of another VM's pool volume ---------------------


def _pool(name: str, kind: str, target: str) -> str:
    return (
        f"<pool type='{kind}'><name>{name}</name><capacity>1000000</capacity>"
        "<allocation>0</allocation><available>1000000</available>"
        f"<target><path>{target}</path></target></pool>"
    )


def _volume_disk(pool: str, volume: str) -> str:
    return (
        "<devices><disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source pool='{pool}' volume='{volume}'/><target dev='vda' bus='virtio'/></disk>"
        "</devices>"
    )


def _volume_shares(tmp: Path) -> Assessment:
    doms = {
        "volowner": _volume_disk("default", "volowner.qcow2"),
        "imgshare": _share("/var/lib/libvirt/images"),
    }
    uri = write_node(
        tmp / "n.xml",
        [domain_xml(k, body=v) for k, v in doms.items()],
        pools=[_pool("default", "dir", "/var/lib/libvirt/images/")],
    )
    return run_assessment(build_bundle(tmp, uri, HARDENED_HOST, name="b"))


def test_share_of_a_pool_directory_holding_another_vms_volume_fails(tmp_path: Path) -> None:
    """R15-1. A `<disk type='volume'><source pool='default' volume='NAME'>` of a dir (fs, netfs)
    pool is the file NAME in the pool's target directory: storage_util.c
    virStorageBackendVolCreateLocal sets `vol->target.path = g_strdup_printf("%s/%s",
    def->target.path, vol->name)` and refuses a name with '/' ("Volumes within a directory pools
    are not recursive"), and the disk source translation hands QEMU `virStorageVolGetPath(vol)`
    as a file disk for dir, fs and netfs pools (both read with `find_string` / `read_file`), so
    libvirt's DAC driver chowns it to the QEMU user like any file disk. R14-5's matching read
    only file and block disks, so a 9p share of /var/lib/libvirt/images on an AppArmor host
    beside VM volowner, whose disk is that pool's volume, passed "read-only or with mapped
    ownership" (false pass)."""
    a = _volume_shares(tmp_path)
    assert verdict(a, "HVA-058", "imgshare") == (
        "fail",
        "disk images of other VMs in the host directories it shares: /var/lib/libvirt/images "
        "(VM volowner: /var/lib/libvirt/images/volowner.qcow2): the guest reaches them through "
        "the share",
    )


# --- R15-2: HVA-070, huge pages the guest hands back through free page reporting --------------

MEMTUNE = (
    "<memtune><hard_limit unit='MiB'>2048</hard_limit><soft_limit unit='MiB'>1024</soft_limit>"
    "</memtune>"
)
REPORTING = "<devices><memballoon model='virtio' freePageReporting='{}'/></devices>"


def _huge(pages: str, reporting: str = "on", extra: str = "") -> str:
    return (
        f"{MEMTUNE}<memoryBacking><hugepages>{pages}</hugepages>{extra}</memoryBacking>"
        + REPORTING.format(reporting)
    )


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("rt15fpr"),
        [
            domain_xml("hp2m", body=_huge("<page size='2' unit='MiB'/>")),
            domain_xml("hp2mlock", body=_huge("<page size='2048' unit='KiB'/>", extra="<locked/>")),
            domain_xml("hpdef", body=_huge("")),
            domain_xml("hp1g", body=_huge("<page size='1' unit='GiB'/>")),
            domain_xml("hpoff", body=_huge("", "off")),
        ],
    )


GIVEN_BACK = (
    "<memballoon freePageReporting='on'>: QEMU gives every free page the guest reports back to "
    "the host"
)
LIMITS = "memtune hard_limit 2097152 KiB; memtune soft_limit 1048576 KiB; configured size 1.0 GiB"


@pytest.mark.parametrize("vm", ["hp2m", "hp2mlock"])
def test_huge_pages_the_guest_reports_free_are_no_guarantee(reported: Assessment, vm: str) -> None:
    """R15-2. `<memballoon model='virtio' freePageReporting='on'>` (libvirt formatdomain, kept
    by libvirt 9.0's test driver) turns on QEMU's free page reporting: "letting the guest
    proactively report free pages to the hypervisor, so the hypervisor can reuse them";
    virtio_balloon_handle_report calls ram_block_discard_range on each reported range, which
    for file-backed RAM (hugetlbfs, memfd) is `fallocate(rb->fd, FALLOC_FL_PUNCH_HOLE |
    FALLOC_FL_KEEP_SIZE, ...)`, and hugetlbfs frees each punched huge page with its
    reservation (remove_inode_hugepages: `hugetlb_unreserve_pages(inode, next, next + 1, 1)`),
    all read with `find_string`. The 2 MiB pages a Linux guest reports (its pageblock order on
    x86) go back to the host's pool, <locked/> or not: HVA-070 passed "backed by pre-reserved
    huge pages" (false pass; now the guarantee is missing, the reason named)."""
    assert verdict(reported, "HVA-070", vm) == (
        "fail",
        f"no memory guarantee ({LIMITS}): huge pages back the memory, but {GIVEN_BACK}, and its "
        "2 MiB huge pages are such pages",
    )


def test_default_huge_pages_the_guest_reports_free_are_a_question(reported: Assessment) -> None:
    """R15-2 where <hugepages/> names no page size: the host's default huge page size backs the
    memory, which the definition does not show; a 1 GiB page is never a whole free block a
    guest reports, a 2 MiB one is."""
    assert verdict(reported, "HVA-070", "hpdef") == (
        "manual",
        f"huge pages back the memory, but {GIVEN_BACK}; the host's default huge page size backs "
        f"it ({LIMITS})",
    )
    result = next(
        r for r in reported.results if r.check.id == "HVA-070" and r.outcome.subject.name == "hpdef"
    )
    assert result.outcome.question == (
        "Is the default huge page size of host hv1 1 GiB? Evidence: Hugepagesize in "
        "/proc/meminfo on hv1 (or default_hugepagesz= on its kernel command line). Pass: 1 GiB "
        "(1048576 kB), a page no guest reports free; fail: 2 MiB, whose free pages the guest "
        "hands back to the host through its balloon's free page reporting."
    )


@pytest.mark.parametrize("vm", ["hp1g", "hpoff"])
def test_huge_pages_no_guest_reports_keep_the_pass(reported: Assessment, vm: str) -> None:
    """Holds: 1 GiB pages (QEMU discards only whole pages of the backing's size, and a guest
    reports 2 MiB blocks) and a balloon with free page reporting off."""
    assert verdict(reported, "HVA-070", vm) == (
        "pass",
        f"backed by pre-reserved huge pages; {LIMITS}",
    )


# --- R15-3: HVA-044, a host file handed to the guest through fw_cfg ---------------------------

FWCFG = (
    "<sysinfo type='fwcfg'><entry name='opt/com.coreos/config' "
    "file='/var/lib/libvirt/images/ign.json'/></sysinfo>"
)


@pytest.fixture(scope="module")
def fwcfgs(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt15fw")
    doms = {
        "fwfile": DYNAMIC + FWCFG,
        "fwstring": DYNAMIC + "<sysinfo type='fwcfg'><entry name='opt/x'>abc</entry></sysinfo>",
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def test_fw_cfg_file_of_a_selinux_confined_vm_is_a_question(fwcfgs: Assessment) -> None:
    """R15-3 (round 14's lead). `<sysinfo type='fwcfg'><entry name=... file=PATH>` hands the
    guest a host file (QEMU `-fw_cfg name=...,file=PATH`; Fedora CoreOS takes its Ignition
    config this way). libvirt labels it with the read-only content label:
    security_selinux.c virSecuritySELinuxSetSysinfoLabel calls
    `virSecuritySELinuxSetFilecon(mgr, f->file, data->content_context, true)` for every
    fw_cfg file, from virSecuritySELinuxSetAllLabel (read with `find_string`); that label,
    virt_content_t:s0, has no MCS category, so every VM's label dominates it and any VM's QEMU
    on the host may read the file, secrets of this VM's or a host file alike. HVA-044 passed
    "dynamic selinux label (generated at every start)" (false pass; now R12-3's kind of
    question)."""
    assert verdict(fwcfgs, "HVA-044", "fwfile") == (
        "manual",
        "dynamic selinux label (generated at every start), but fw_cfg file(s) "
        "/var/lib/libvirt/images/ign.json (<sysinfo type='fwcfg'>) get libvirt's read-only "
        "content label, with no MCS category: every VM's label dominates it, so any VM on the "
        "host may read them",
    )
    result = next(
        r for r in fwcfgs.results if r.check.id == "HVA-044" and r.outcome.subject.name == "fwfile"
    )
    assert result.outcome.question == (
        "May every VM on host hv1 read the file(s) /var/lib/libvirt/images/ign.json that VM "
        "fwfile's <sysinfo type='fwcfg'> hands its guest? Evidence: `ls -Z PATH` on hv1 "
        "(virt_content_t:s0 once the VM has started: libvirt's label for fw_cfg files) and what "
        "each file holds. Pass: yes, none holds anything another VM must not read; fail: one is "
        "a host file (under /etc, /root, a home directory) or holds secrets meant for this VM "
        "alone (passwords, keys, tokens in an Ignition or cloud-init config)."
    )


def test_fw_cfg_string_entry_keeps_the_pass(fwcfgs: Assessment) -> None:
    """Holds: a fw_cfg entry with a string value names no host file."""
    assert verdict(fwcfgs, "HVA-044", "fwstring") == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )


# --- R15-4: HVA-192, a macvtap passthrough interface without <vlan> ---------------------------


def _direct(mac: str, dev: str, mode: str, vlan: str = "") -> str:
    return (
        f"<devices><interface type='direct'><mac address='{mac}'/><source dev='{dev}' "
        f"mode='{mode}'/>{vlan}<model type='virtio'/></interface></devices>"
    )


@pytest.fixture(scope="module")
def passthru(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    doms = {
        "macpt": _direct("52:54:00:00:00:01", "ens1f0v2", "passthrough"),
        "macptv": _direct(
            "52:54:00:00:00:02", "ens1f0v3", "passthrough", "<vlan><tag id='42'/></vlan>"
        ),
        "macvepa": _direct("52:54:00:00:00:03", "eth1", "vepa"),
    }
    return _scan(
        tmp_path_factory.mktemp("rt15pt"), [domain_xml(k, body=v) for k, v in doms.items()]
    )


def test_macvtap_passthrough_without_vlan_is_a_question(passthru: Assessment) -> None:
    """R15-4. formatdomain, "Setting VLAN tag": "Network connections that support
    guest-transparent VLAN tagging include ... 2) SRIOV Virtual Functions (VF) used via
    type='hostdev' (direct device assignment) ..., and 3) SRIOV VFs used via type='direct' with
    mode='passthrough' (macvtap "passthru" mode)" (read with `find_string`). In passthrough mode
    the guest has the device to itself; a VF without a port VLAN sees and sends tagged traffic
    (the i40e text HVA-192 cites for <interface type='hostdev'>), and a whole NIC carries what
    its switch port carries. HVA-192 asks about a hostdev VF without <vlan> but passed the
    macvtap one "none trunked" (false pass; now the question)."""
    assert verdict(passthru, "HVA-192", "macpt") == (
        "manual",
        "macvtap passthrough interface(s) without <vlan>: 52:54:00:00:00:01 on ens1f0v2: the "
        "guest has the device to itself, and an SR-IOV VF with no port VLAN (or a whole NIC) "
        "sees and sends tagged traffic unless a VLAN is set outside libvirt",
    )
    result = next(
        r for r in passthru.results if r.check.id == "HVA-192" and r.outcome.subject.name == "macpt"
    )
    assert result.outcome.question == (
        "Is the traffic of each listed device held to one VLAN outside libvirt? Evidence: on "
        "host hv1, `readlink /sys/class/net/DEV/device/physfn` (a VF: then `ip link show PF`, "
        "the 'vf N' line with the guest's MAC: 'vlan N'), else the physical switch port the NIC "
        "is cabled to. Pass: each VF shows a vlan, each whole NIC is on an access port; fail: a "
        "VF shows none, or a NIC's switch port is a trunk, so the guest can tag its own frames "
        "onto any VLAN the port carries."
    )


@pytest.mark.parametrize("vm", ["macptv", "macvepa"])
def test_macvtap_with_a_vlan_or_in_vepa_mode_keeps_the_pass(passthru: Assessment, vm: str) -> None:
    """Holds: a passthrough VF given one <vlan> tag (libvirt sets it as the VF's port VLAN);
    a VEPA macvtap shares the host's NIC, whose VLANs libvirt cannot set (the Linux bridge
    stance of HVA-192)."""
    assert verdict(passthru, "HVA-192", vm) == ("pass", "1 interface(s), none trunked")


# --- R15-5: HVA-066, the question of a Secure Boot loader without a template ------------------


def test_secure_boot_loader_without_template_asks_a_whole_question(tmp_path: Path) -> None:
    """R15-5 (wrong question). A Secure Boot-capable loader whose <nvram> names no template
    leaves Secure Boot to the variable store the VM already has; HVA-066 asked "Does this VM's
    UEFI variable store ... Pass: ..." with neither the VM's name nor a fail answer, which the
    house form ("<question>? Evidence: ... Pass: ...; fail: ...") requires. Same store reading
    as the question of a store made from a template (virt-fw-vars, mokutil)."""
    os_el = (
        "<os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' secure='yes' "
        "type='pflash'>/usr/share/OVMF/OVMF_CODE.secboot.fd</loader>"
        "<nvram>/var/lib/libvirt/qemu/nvram/sbvars_VARS.fd</nvram></os>"
    )
    xml = domain_xml("sbvars", body="<features><smm state='on'/></features>").replace(
        "<os><type arch='x86_64'>hvm</type></os>", os_el
    )
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"sbvars": xml}))
    assert verdict(a, "HVA-066", "sbvars") == (
        "manual",
        "Secure Boot-capable loader OVMF_CODE.secboot.fd without an <nvram template>: whether "
        "Secure Boot is on is in the VM's NVRAM file",
    )
    result = next(
        r for r in a.results if r.check.id == "HVA-066" and r.outcome.subject.name == "sbvars"
    )
    assert result.outcome.question == (
        "Does the UEFI variable store of VM sbvars on host hv1 (its <nvram> file) hold enrolled "
        "PK/KEK/db keys with Secure Boot enabled? Evidence: `mokutil --sb-state` (or `bootctl "
        "status`) in the guest, or the store on the host (`virt-fw-vars --input <its NVRAM "
        "file> --print`: PK enrolled, SecureBootEnable set). Pass: Secure Boot enabled with "
        "keys that are not test (snakeoil) keys; fail: disabled, no PK, or snakeoil keys, so "
        "the firmware starts unsigned boot code."
    )


# --- R15-6: HVA-197, an isolated port beside a tap set up outside libvirt ---------------------


def test_isolated_port_beside_a_tap_placed_outside_libvirt_is_a_question(tmp_path: Path) -> None:
    """R15-6 (noticed this round). HVA-197 asks whether a tap libvirt did not create
    (`<target dev managed='no'>`, an ifup `<script>`: R12-1) is a port of a host bridge, but
    did not count it as a possible peer of an isolated VM: isolated ports "cannot communicate
    between each other, but they can still communicate with non-isolated ports" (Linux commit
    7d850abd5f4e, cited by HVA-197), so VM isoa on br0 passed "bridge port(s) isolated" while
    VM ethc's tap may be a non-isolated port of br0 (false pass; now the question naming it)."""
    doms = {
        "isoa": "<devices><interface type='bridge'><source bridge='br0'/><port isolated='yes'/>"
        "</interface></devices>",
        "ethc": "<devices><interface type='ethernet'><target dev='tapc' managed='no'/>"
        "</interface></devices>",
    }
    a = run_assessment(
        _replayed_on(tmp_path, HARDENED_HOST, {k: domain_xml(k, body=v) for k, v in doms.items()})
    )
    assert verdict(a, "HVA-197", "isoa") == (
        "manual",
        "1 bridge port(s) isolated, but VM(s) ethc have taps set up outside libvirt, which may "
        "be ports of the same bridge without isolation",
    )
    result = next(
        r for r in a.results if r.check.id == "HVA-197" and r.outcome.subject.name == "isoa"
    )
    assert result.outcome.question == (
        "Does every tap of VM(s) ethc on host hv1 that is a port of bridge(s) br0 have port "
        "isolation? "
        "Evidence: `bridge -d link show` on host hv1 (each tap's `master` and `isolated on`). "
        "Pass: yes, none is a port of br0, or each that is shows `isolated on`; fail: no, one is a "
        "port "
        "there without `isolated on`, so VM isoa's isolated port still exchanges frames with it."
    )
