"""Leads of red-team round 13 (tests/test_redteam13_pve_probes.py and
tests/test_redteam13_vmw_probes.py, "Leads left") settled in session 14 (issue 8: verdicts an
auditor can sign). Each test names the source it rests on and asserts the exact verdict; each
finding's test failed on main before its fix.

VMware:
- L14-5 (wrong fail): HVA-425 counted a lockdown exception user who also holds the Admin role
  on the host twice; accounts are counted once.
- L14-6 (false pass): HVA-422 passed esxAdminsGroup 'CORP\\ESX Admins' (or 'ESX
  Admins@corp.example') as a dedicated group; it names the group CVE-2024-37085 abuses.
- L14-7 (wrong n/a): HVA-434 said "no vmknic is tagged for vMotion" of a host whose vMotion
  runs on a VMkernel adapter of the vMotion TCP/IP stack, which virtualNicManagerInfo need
  not list under the vmotion nicType.
- L14-8 (a question where the evidence can settle it): HVA-431 asked about every running SNMP
  agent; HostSnmpSystem.configuration is now collected where the host reports it, and a v1/v2c
  community (read-only or on a trap target) fails.

Proxmox VE:
- L14-1 (wrong fail, wrong question, false pass): an aarch64 VM was judged by HVA-049 as an
  x86 kvm64/qemu64 VM (qemu-server gives it `host` under KVM, `max` under TCG), and a VM with
  no `arch` on an aarch64 node as x86_64 (HVA-047's i440FX floppy); a raw `-machine
  virtualization=on` (EL2) passed.
- L14-2 (wrong n/a): HVA-059 said "no SCSI LUN passed through" of an iscsidirect (or ZFS over
  iSCSI) volume on scsiN of a machine pinned below 4.1, which qemu-server makes scsi-generic.
- L14-3 (wrong fail, false pass): HVA-100 failed an `esxi` import storage (its images are on
  the remote ESXi host) and a storage restricted with `nodes` to another node as the scanned
  node's local library; a network storage served by another node of the same cluster passed.
- L14-4 (false pass): HVA-070 took `shares: 0` ("Using zero disables auto-ballooning") for a
  memory priority.

Held (same verdict before and after): a distinct fourth account beyond the limit (HVA-425), a
domain-qualified dedicated group (HVA-422), a vMotion-stack vmknic also tagged (HVA-434), an x86
VM without `machine` keeping its i440FX floppy (HVA-047), iSCSI volumes on machine 4.1 or an
unpinned one and an LVM volume on 4.0 (HVA-059), `shares: 2000` (HVA-070), the hardened node's
NFS library (HVA-100). Two more keep their verdict with a new text (HVA-434's n/a, HVA-431's
question without a community).

Tally: 33 cases; 24 failed on main 5e36599 (22 for the findings, 2 for the texts), 9 held.

Not settled: HVA-416 and vCenter 8's solution-user grants (which built-in roles with VM
privileges vCenter grants inventory-wide to solution users was not read); qm.conf `shares`
without a non-zero `balloon` is inert too (QemuServer.pm vmstatus sets `shares` only `if
($conf->{balloon})`, AutoBalloon.pm skips a VM without balloon_min), which the hardened
fixtures' VMs rely on for HVA-070's priority: left for a decision on what a priority means for
a fully guaranteed VM.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam11_vmw_probes import GROUP, _joined, _question, _verdict
from test_redteam13_vmw_probes import SECURE, _vsphere

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()

# --- L14-5: HVA-425 and an exception user who is also an administrator ------------------------------


def _admins_and_exceptions(admins: list[str], exceptions: list[str]) -> dict[str, Any]:
    return {
        "host_access": {
            "entries": [{"principal": p, "group": False, "mode": "accessAdmin"} for p in admins],
            "lockdown_exceptions": exceptions,
        }
    }


def test_exception_user_who_is_an_admin_counts_once(tmp_path: Path) -> None:
    """HY-SR-14 counts accounts with direct host access. root, vpxuser and svc-backup hold the
    Admin role (3, the default limit) and svc-backup is also a lockdown exception user (vSphere 8
    STIG ESXI-80-000201: the exception list keeps its users' permissions in lockdown mode; it
    adds no account). HVA-425 added the two lists' lengths and failed "(more than 3)" with 3
    distinct accounts. Right: the exception user is asked about, as for any exception within
    the limit."""
    a = _vsphere(
        tmp_path, _admins_and_exceptions(["root", "vpxuser", "svc-backup"], ["svc-backup"])
    )
    assert _verdict(a, "HVA-425") == (
        "manual",
        "3 principal(s) with host administration (root, svc-backup, vpxuser); lockdown "
        "exceptions: svc-backup: whether each exception user needs to keep its permissions is "
        "not seen",
    )
    assert _question(a, "HVA-425").startswith(
        "Does each lockdown exception user of host esx1 (svc-backup) need to keep its "
        "permissions in lockdown mode"
    )


def test_distinct_exception_user_beyond_the_limit_fails(tmp_path: Path) -> None:
    """Twin of L14-5 (held): a fourth, distinct account as the exception user: fail."""
    a = _vsphere(tmp_path, _admins_and_exceptions(["root", "vpxuser", "dcui"], ["svc-backup"]))
    assert _verdict(a, "HVA-425") == (
        "fail",
        "3 principal(s) with host administration (dcui, root, vpxuser); lockdown exceptions: "
        "svc-backup (more than 3)",
    )


# --- L14-6: HVA-422 and a domain-qualified 'ESX Admins' ---------------------------------------------


@pytest.mark.parametrize(
    "group", ["CORP\\ESX Admins", "ESX Admins@corp.example", "corp\\esx admins"]
)
def test_domain_qualified_esx_admins_fails(tmp_path: Path, group: str) -> None:
    """CVE-2024-37085: ESXi joined to Active Directory grants full administration to the members
    of the domain group named 'ESX Admins', whoever created it (vSphere 8 STIG ESXI-80-000241,
    V-258796, read with `search`: "all user/group accounts assigned to the Active Directory
    group "ESX Admins" will have full administrative access ... the default group must be
    changed to a site-specific Active Directory group"). A domain prefix or suffix names the
    same group in that domain; HVA-422 compared the whole value with 'ESX Admins' and passed
    "administrators group CORP\\ESX Admins". Right: fail."""
    a = _vsphere(tmp_path, _joined(group))
    assert _verdict(a, "HVA-422") == (
        "fail",
        f"joined to corp.example, but {GROUP} is {group!r}: the default group name "
        "'ESX Admins', qualified by a domain",
    )


def test_domain_qualified_dedicated_group_passes(tmp_path: Path) -> None:
    """Twin of L14-6 (held): a site-specific group, qualified by its domain: pass."""
    a = _vsphere(tmp_path, _joined("CORP\\esx-host-admins"))
    assert _verdict(a, "HVA-422") == (
        "pass",
        "joined to corp.example; administrators group CORP\\esx-host-admins",
    )


# --- L14-7: HVA-434 and the vMotion TCP/IP stack ----------------------------------------------------


def _vmotion_stack_host(vmotion_vlan: int, *, tagged: bool = False) -> dict[str, Any]:
    """A host record (collect/vsphere.py) with vmk0 management on VLAN 20 and vmk1 on the vMotion
    TCP/IP stack on port group vMotion of VLAN `vmotion_vlan`; vmk1 listed under the vmotion
    nicType only when `tagged`."""

    def pg(name: str, vlan: int) -> dict[str, Any]:
        return {
            "name": name,
            "switch": "vSwitch0",
            "vlan": [vlan],
            "trunk": False,
            "security": SECURE,
        }

    return {
        "portgroups": [pg("Management Network", 20), pg("vMotion", vmotion_vlan)],
        "vmknics": [
            {
                "device": "vmk0",
                "portgroup": "Management Network",
                "dvs_portgroup": "",
                "netstack": "defaultTcpipStack",
            },
            {"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": "", "netstack": "vmotion"},
        ],
        "vmknic_traffic": {"management": ["vmk0"], **({"vmotion": ["vmk1"]} if tagged else {})},
    }


@pytest.mark.parametrize(
    ("vlan", "verdict"),
    [
        (30, ("pass", "vMotion alone on vmk1 VLAN 30")),
        (20, ("fail", "vmk1 VLAN 20 shared with other traffic")),
    ],
    ids=["own-vlan", "management-vlan"],
)
def test_vmotion_stack_vmknic_is_a_vmotion_vmknic(
    tmp_path: Path, vlan: int, verdict: tuple[str, str]
) -> None:
    """vSphere API HostNetStackInstanceSystemStackKey (read with `search`): `vmotion` is the
    "Stack key used for vMotion applications"; an adapter's stack is HostVirtualNicSpec.
    netStackInstanceKey. The vMotion service is selected per adapter only on the default stack
    (community.vmware vmware_vmkernel, enable_vmotion: "only allowed if the default TCP/IP stack
    is used. You cannot enable vMotion on an additional adapter if you already have an adapter
    with the vMotion TCP/IP stack configured", read with `read_file`), so virtualNicManagerInfo
    need not list it. HVA-434 read the nicType only and said not applicable "no vmknic is
    tagged for vMotion", on VLAN 30 of its own as on the management VLAN 20. Right: judged as a
    vMotion adapter."""
    a = _vsphere(tmp_path, _vmotion_stack_host(vlan))
    assert _verdict(a, "HVA-434") == verdict


def test_tagged_vmotion_vmknic_on_the_stack_counts_once(tmp_path: Path) -> None:
    """Twin of L14-7 (held): the same adapter also listed under the vmotion nicType: pass,
    named once."""
    a = _vsphere(tmp_path, _vmotion_stack_host(30, tagged=True))
    assert _verdict(a, "HVA-434") == ("pass", "vMotion alone on vmk1 VLAN 30")


def test_no_vmotion_vmknic_is_not_applicable(tmp_path: Path) -> None:
    """Twin of L14-7 (held): no adapter tagged for vMotion nor on its stack: not applicable."""
    host = _vmotion_stack_host(30)
    host["vmknics"][1]["netstack"] = "defaultTcpipStack"
    a = _vsphere(tmp_path, host)
    assert _verdict(a, "HVA-434") == (
        "not_applicable",
        "no vmknic is tagged for vMotion or on the vMotion TCP/IP stack",
    )


# --- L14-1: HVA-049 and an aarch64 VM's default CPU -------------------------------------------------

ARM_CPUINFO = (
    "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32\n"
    "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\n"
    "CPU revision\t: 1\n\n"
)


def _arm_vm(cpu: str = "", machine: str = "machine: q35\n") -> str:
    """VM 200 without its x86 cpu and machine lines, with `cpu` and `machine` instead."""
    lines = [
        ln for ln in VM200.splitlines(keepends=True) if not ln.startswith(("cpu:", "machine:"))
    ]
    return "".join(lines) + cpu + machine


def test_aarch64_vm_default_cpu_on_an_aarch64_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qemu-server CPUConfig.pm get_default_cpu_type (fetched): "KVM on aarch64 only accepts
    'host'/'max' ... use 'host' to pass the real host CPU through. Without KVM, the emulated
    'max' works instead"; Helpers.pm get_vm_arch: `$conf->{arch} // get_host_arch()`. A VM
    without `arch` or `cpu` on an aarch64 node runs `-cpu host`, on QEMU's virt board, whose
    `virtualization` (Arm Virtualization Extensions, EL2) "default is off" (QEMU
    docs/system/arm/virt.rst) and which qemu-server never turns on. HVA-049 judged it as the x86
    default kvm64: pass "cpu: kvm64 (a named model ...)". Right: pass for the right reason, with
    the model qemu-server gives it."""
    report = pve_scan(
        tmp_path, capsys, {"proc/cpuinfo": ARM_CPUINFO, "etc/pve/qemu-server/200.conf": _arm_vm()}
    )
    assert pve_result(report, "HVA-049", "web-10") == (
        "pass",
        "arch aarch64, cpu host: QEMU's virt board gives the guest no EL2 (virtualization "
        "defaults to off, which qemu-server does not set)",
    )


def test_aarch64_vm_under_tcg_is_no_svm_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An `arch: aarch64` VM with `kvm: 0` on the x86_64 node runs `-cpu max` under TCG
    (get_default_cpu_type). HVA-049 took its CPU for x86 qemu64, which carries svm under TCG,
    and failed "kvm: 0 runs the VM under TCG, and cpu qemu64 carries svm there" (a wrong fail).
    Right: pass."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": _arm_vm(machine="arch: aarch64\nkvm: 0\n")},
    )
    assert pve_result(report, "HVA-049", "web-10") == (
        "pass",
        "arch aarch64, cpu max: QEMU's virt board gives the guest no EL2 (virtualization "
        "defaults to off, which qemu-server does not set)",
    )


def test_aarch64_vm_with_cpu_host_asks_nothing_of_kvm_intel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cpu: host` on an aarch64 node: HVA-049 asked whether /sys/module/kvm_intel (or kvm_amd)
    /parameters/nested is off, modules an Arm node has not (a wrong question). Right: pass."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"proc/cpuinfo": ARM_CPUINFO, "etc/pve/qemu-server/200.conf": _arm_vm("cpu: host\n")},
    )
    assert pve_result(report, "HVA-049", "web-10") == (
        "pass",
        "arch aarch64, cpu host: QEMU's virt board gives the guest no EL2 (virtualization "
        "defaults to off, which qemu-server does not set)",
    )


def test_aarch64_vm_with_raw_virtualization_on_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of L14-1: `args: -machine virtualization=on` merges into qemu-server's -machine and
    gives the guest EL2: fail."""
    vm = _arm_vm(machine="args: -machine virtualization=on\n")
    report = pve_scan(
        tmp_path, capsys, {"proc/cpuinfo": ARM_CPUINFO, "etc/pve/qemu-server/200.conf": vm}
    )
    assert pve_result(report, "HVA-049", "web-10") == (
        "fail",
        "QEMU argument -machine virtualization=on gives the aarch64 guest EL2: it can run a "
        "hypervisor",
    )


def test_aarch64_node_default_arch_has_no_i440fx_floppy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Machine.pm default_machine_for_arch: `virt` for aarch64, i440FX `pc` for x86_64; the VM's
    arch is the node's when `arch` is absent (get_vm_arch). A VM without `arch` or `machine` on
    an aarch64 node failed HVA-047 with "floppy controller (i440FX machine)", the x86 default.
    Right: pass."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"proc/cpuinfo": ARM_CPUINFO, "etc/pve/qemu-server/200.conf": _arm_vm(machine="")},
    )
    assert pve_result(report, "HVA-047", "web-10") == (
        "pass",
        "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
        "(VMware SVGA) video or USB tablet, mouse or keyboard",
    )


def test_x86_node_vm_without_machine_keeps_its_floppy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin (held): the same VM on the x86_64 node is an i440FX machine with its floppy."""
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": _arm_vm(machine="")})
    status, message = pve_result(report, "HVA-047", "web-10")
    assert (status, "floppy controller (i440FX machine)" in message) == ("fail", True)


# --- L14-2: HVA-059 and an iSCSI volume on an old machine version ------------------------------------

STORAGE = (PVE_HARDENED / "etc/pve/storage.cfg").read_text() + (
    "\niscsidirect: san\n\tportal 10.0.50.10\n\ttarget iqn.2024-01.example:san\n"
    "\tcontent images\n\nzfs: zsan\n\tportal 10.0.50.11\n\ttarget iqn.2024-01.example:zsan\n"
    "\tpool tank\n\tiscsiprovider LIO\n\tlio_tpg tpg1\n\tcontent images\n"
)


def _iscsi_vm(machine: str, disk: str = "san:0.0.0.scsi-36001405aaaa") -> str:
    return _arm_vm(machine=f"machine: {machine}\nscsi1: {disk},size=100G\n")


@pytest.mark.parametrize(
    ("machine", "disk", "storage"),
    [
        ("pc-i440fx-4.0", "san:0.0.0.scsi-36001405aaaa", "iscsi-direct"),
        ("pc-q35-3.1+pve1", "zsan:vm-200-disk-1", "zfs"),
    ],
    ids=["iscsidirect", "zfs-over-iscsi"],
)
def test_iscsi_volume_on_machine_below_4_1_is_scsi_generic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], machine: str, disk: str, storage: str
) -> None:
    """qemu-server Drive.pm get_scsi_device_type (fetched): `if ($path =~ m/^iscsi\\:\\/\\// &&
    !min_version($machine_version, 4, 1)) { $devicetype = 'generic'; }` ("for compatibility
    only, we prefer scsi-hd"); pve-storage ISCSIDirectPlugin.pm and ZFSPlugin.pm `path` return
    `iscsi://$portal/$target/$lun`; the machine version is the pinned type's (Machine.pm
    extract_version). QEMU's scsi-generic then passes every SCSI command of the guest through
    libiscsi to the target. HVA-059 said not applicable "no SCSI LUN passed through (no
    scsiblock=1)". Right: fail."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/storage.cfg": STORAGE, "etc/pve/qemu-server/200.conf": _iscsi_vm(machine, disk)},
    )
    assert pve_result(report, "HVA-059", "web-10") == (
        "fail",
        f"{disk} (storage {disk.split(':')[0]}, {storage}) on machine {machine}, below 4.1: "
        "qemu-server makes an iSCSI volume scsi-generic there, and QEMU's libiscsi sends every "
        "SCSI command of the guest to the target",
    )


@pytest.mark.parametrize(
    ("machine", "disk"),
    [
        ("pc-i440fx-4.1", "san:0.0.0.scsi-36001405aaaa"),
        ("q35", "san:0.0.0.scsi-36001405aaaa"),
        ("pc-i440fx-4.0", "local-lvm:vm-200-disk-3"),
    ],
    ids=["machine-4.1", "unpinned", "lvm-volume"],
)
def test_iscsi_volume_scsi_hd_is_no_lun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], machine: str, disk: str
) -> None:
    """Twins of L14-2 (held): an iSCSI volume on machine 4.1 or an unpinned one (the node's QEMU,
    at least 6.0), and an LVM volume on machine 4.0, are scsi-hd: not applicable."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/storage.cfg": STORAGE, "etc/pve/qemu-server/200.conf": _iscsi_vm(machine, disk)},
    )
    assert pve_result(report, "HVA-059", "web-10") == (
        "not_applicable",
        "no SCSI LUN passed through (no scsiblock=1)",
    )


# --- L14-4: HVA-070 and shares: 0 --------------------------------------------------------------------


def test_shares_zero_is_no_memory_priority(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qm.conf shares (qemu-server QemuServer.pm, fetched): "Amount of memory shares for
    auto-ballooning. The larger the number is, the more memory this VM gets ... Using zero
    disables auto-ballooning. Auto-ballooning is done by pvestatd"; pve-manager AutoBalloon.pm
    compute_alg1 (read with `find_string`) skips the VM: `next if defined($d->{shares}) &&
    ($d->{shares} == 0); # skip if shares set to zero`. The VM then takes no part in the
    arbitration of memory under pressure: it has no priority there. HVA-070 passed VM 200
    (hugepages 2, shares 0) with "memory shares 0" as its priority. Right: fail."""
    vm = VM200.replace("shares: 2000\n", "shares: 0\n")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": vm})
    # leads15: with hugepages the memory is fixed and no VM without a balloon target takes part
    # in auto-ballooning, so no priority is needed: pass, and shares 0 is not called a priority
    assert pve_result(report, "HVA-070", "web-10") == (
        "pass",
        "hugepages 2; no priority needed: memory fixed, outside pvestatd's auto-ballooning "
        "(shares 0 inert without a balloon target); configured size 8.0 GiB",
    )


def test_shares_nonzero_is_a_memory_priority(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of L14-4 (held): `shares: 2000`, as in the hardened node: pass."""
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-070", "web-10") == (
        "pass",
        "hugepages 2; no priority needed: memory fixed, outside pvestatd's auto-ballooning "
        "(shares 2000 inert without a balloon target); configured size 8.0 GiB",
    )


# --- L14-3: HVA-100, storage.cfg nodes, esxi import storage, a library served by a cluster node ------

BASE_STORAGE = (PVE_HARDENED / "etc/pve/storage.cfg").read_text()


def _storage(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str) -> dict:
    return pve_scan(tmp_path, capsys, {"etc/pve/storage.cfg": BASE_STORAGE + "\n" + extra})


def test_esxi_import_storage_lives_on_the_esxi_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-storage ESXiPlugin.pm (fetched): type `esxi`, content `import` only, options `server`,
    `username`: it reads the VMs of that ESXi host for import. HVA-100 knew no such type and
    failed "esxi pool at (no path) keeps images on the host". Right: a network pool served by
    the ESXi host: pass."""
    report = _storage(
        tmp_path,
        capsys,
        "esxi: esx-import\n\tserver 192.0.2.50\n\tusername root\n\tcontent import\n",
    )
    assert pve_result(report, "HVA-100", "esx-import") == (
        "pass",
        "esxi pool: images live off the host",
    )


def test_storage_of_another_node_is_named_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-storage Plugin.pm `nodes`: "List of nodes for which the storage configuration
    applies". A directory of ISO images restricted to pve-h2, scanned on pve-h1: HVA-100 said
    "dir pool at /srv/iso keeps images on the host" of pve-h1, which has no such storage.
    Right: fail naming pve-h2, a hypervisor of the same cluster."""
    report = _storage(
        tmp_path, capsys, "dir: iso-h2\n\tpath /srv/iso\n\tcontent iso\n\tnodes pve-h2\n"
    )
    assert pve_result(report, "HVA-100", "iso-h2") == (
        "fail",
        "dir pool at /srv/iso keeps images on node(s) pve-h2 (storage.cfg nodes), "
        "hypervisor(s) of this cluster",
    )


@pytest.mark.parametrize("server", ["pve-h2", "10.0.1.22", "pve-h2.example.internal"])
def test_library_served_by_another_cluster_node_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    """An NFS storage of ISO images whose server is pve-h2 (corosync.conf nodelist: name
    pve-h2, ring0_addr 10.0.1.22), a node of the scanned node's own cluster. HY-SR-10 (2014
    draft) keeps the image library off hypervisor hosts; a compromised pve-h2 could tamper with
    every image the cluster starts. HVA-100 compared the server with the scanned node only and
    passed "netfs pool: images live off the host". Right: fail."""
    report = _storage(
        tmp_path,
        capsys,
        f"nfs: iso-peer\n\texport /export/iso\n\tpath /mnt/pve/iso-peer\n\tserver {server}\n"
        "\tcontent iso\n",
    )
    assert pve_result(report, "HVA-100", "iso-peer") == (
        "fail",
        f"netfs pool served by {server} (node pve-h2 of this cluster): a hypervisor too, so the "
        "images stay on a hypervisor",
    )


def test_library_on_an_image_server_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of L14-3 (held): the hardened node's NFS library on images.example.internal, no
    cluster node: pass."""
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-100", "iso-library") == (
        "pass",
        "netfs pool: images live off the host",
    )


# --- L14-8: HVA-431 and the SNMP agent's communities ------------------------------------------------

OFF = {"running": False, "policy": "off"}
ON = {"running": True, "policy": "on"}
SNMP_ON = {"slpd": OFF, "sfcbd-watchdog": OFF, "snmpd": ON}


def _snmp(config: Any) -> dict[str, Any]:
    """The host record's `snmp` as the collector writes it from a real pyVmomi HostSnmpConfigSpec."""
    from hvaudit.collect.vsphere import snmp_record

    return snmp_record(config)


def test_snmp_record_keeps_no_community_string() -> None:
    """The collector keeps whether communities are set, never the strings (shared secrets)."""
    from pyVmomi import vim

    spec = vim.host.SnmpSystem.SnmpConfigSpec(
        enabled=True,
        port=161,
        readOnlyCommunities=["s3cret-ro"],
        trapTargets=[
            vim.host.SnmpSystem.SnmpConfigSpec.Destination(
                hostName="nms.example", port=162, community="s3cret-trap"
            )
        ],
    )
    record = _snmp(spec)
    assert record == {
        "enabled": True,
        "communities": 1,
        "trap_targets": [{"host": "nms.example", "port": 162, "community": True}],
    }
    assert "s3cret" not in repr(record)


@pytest.mark.parametrize(
    ("communities", "targets", "what"),
    [
        (["public"], [], "1 read-only community"),
        ([], [("nms.example", "trap")], "trap target(s) nms.example:162 with a community"),
    ],
    ids=["read-only-community", "trap-community"],
)
def test_snmp_v1_community_fails(
    tmp_path: Path, communities: list[str], targets: list[tuple[str, str]], what: str
) -> None:
    """vSphere API HostSnmpConfigSpec (read with `search`): readOnlyCommunities, trapTargets of
    HostSnmpDestination (hostName, port, community): the v1/v2c side of the agent, whose only
    credential is the community string. vSphere 8 STIG ESXI-80-000212: "If SNMP is enabled and
    is not using v3 targets with authentication, this is a finding". HVA-431 did not read the
    configuration and asked whether the agent is on v3 only. Right: fail where the host
    reports a community."""
    from pyVmomi import vim

    spec = vim.host.SnmpSystem.SnmpConfigSpec(
        enabled=True,
        readOnlyCommunities=communities,
        trapTargets=[
            vim.host.SnmpSystem.SnmpConfigSpec.Destination(hostName=h, port=162, community=c)
            for h, c in targets
        ],
    )
    a = _vsphere(tmp_path, {"services": SNMP_ON, "snmp": _snmp(spec)})
    assert _verdict(a, "HVA-431") == (
        "fail",
        "slpd and sfcbd-watchdog stopped, policy off; enabled: SNMP (snmpd: running, policy on) "
        f"with {what} (SNMP v1/v2c: a community string is the only credential)",
    )


def test_snmp_without_communities_asks_for_v3_targets(tmp_path: Path) -> None:
    """Twin of L14-8 (held as a question): no community and no trap target: whether its v3
    targets authenticate is only in esxcli (ESXI-80-000212's note): the question stays."""
    from pyVmomi import vim

    spec = vim.host.SnmpSystem.SnmpConfigSpec(enabled=True, readOnlyCommunities=[], trapTargets=[])
    a = _vsphere(tmp_path, {"services": SNMP_ON, "snmp": _snmp(spec)})
    assert _verdict(a, "HVA-431") == (
        "manual",
        "slpd and sfcbd-watchdog stopped, policy off; enabled: SNMP (snmpd: running, policy on): "
        "no v1/v2c community or trap target (HostSnmpSystem.configuration); its v3 targets are "
        "not read",
    )
    assert _question(a, "HVA-431").startswith(
        "Is SNMP on host esx1 in use, with v3 targets with authentication only?"
    )
