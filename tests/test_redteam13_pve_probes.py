"""Red team 13, Proxmox VE: new probes of qm.conf keys, firewall rules and ACL paths (no false pass).

Findings (each pinned below; sources from github:proxmox/qemu-server, pve-firewall and
pve-access-control as fetched this round):

- P13-1 (wrong n/a): HVA-059 said "no SCSI LUN passed through" of a VM with a hostpciN NVMe or
  SAS controller, which the guest drives through VFIO with no SG_IO filter (libvirt's
  <hostdev type='pci'> fails, R9-1). Fixed: hostpci addresses read as qemu-server writes them
  (no domain, no function, `;` lists) and by sysfs class: 0x01/0x0c04 fails, an unknown class
  or a `mapping=` is a question.
- P13-2 (wrong n/a and a wrong fail): qemu-server Drive.pm get_scsi_device_type makes a scsiN
  host path that answers INQUIRY as a tape `scsi-generic` with no option, and gives scsi-block
  only to a host path (a storage volume is never inquired: scsi-hd whatever scsiblock says).
  Fixed: a tape node fails, /dev/sgN is a question, scsiblock=1 on a volume is no LUN.
- P13-3 (false pass): a rule's `-source A-B` (pve-firewall parse_address_list, `-m iprange
  --src-range`) was never wide: `IN ACCEPT -source 0.0.0.0-255.255.255.255` passed HVA-301 and
  HVA-313. Fixed: _is_wide counts a range's addresses (a /7's or more is wide).
- P13-4 (false pass): HVA-306 counted User.Modify, Realm.Allocate and Permissions.Modify only on
  `/`; pve-access-control checks them on /access/groups ('userid-group' check_any: delete_tfa,
  change_password), /access/realm (Domains.pm) and the ACL path (check_perm_modify), so
  PVEUserAdmin on /access without a second factor passed. Fixed: _administers_at.
- P13-5 (false pass): qemu-server tests `affinity` and `hugepages` with Perl's truth (check_type
  keeps a string key unchecked against its enum): `affinity: 0` pins nothing (HVA-090 passed a
  reservation), `hugepages: 0` backs nothing (HVA-070 passed a guarantee; HVA-061 counted the
  VM as never merged). Fixed: _perl_true.
- P13-6 (false pass): `$kvm //= 1 if is_native_arch($arch)`: an `arch: aarch64` VM on an
  x86_64 node runs under TCG; HVA-012 passed "hardware virtualization (kvm)". Fixed: the node's
  architecture from /proc/cpuinfo (else x86_64, Proxmox VE's), the emulator /usr/bin/kvm only
  for it.

Probes that held (pinned): a hostpci VGA function stays n/a; scsiblock=1 on a host path fails;
a host block device without scsiblock is scsi-hd; a narrow address range is not wide; User.Modify
on /access unpropagated, on one group, and a VM role are no administrator; `affinity: 1` pins;
the native architecture (named or not) keeps KVM; an empty token privsep field is privsep 0
(HVA-311 fail); `Enable: 0` in host.fw turns the node firewall off (HVA-302 fail); a capitalised
`Args:` is not read by qemu-server (HVA-046 pass). Run, not pinned: cluster `policy_in: accept` (upper-cased as pve-firewall does),
unknown `[x y]` sections skipping their lines (qemu-server 248349f2), /etc/services names
(only `ssh` maps to a management port on Debian), macros overlapping management ports (PMG,
SMB's udp sport 137 only, SPICEproxy, SSH, Squid, VNC: the set hvaudit knows).

Tally: 35 cases; 21 failed on the code before this round (main with P13-1..6 reverted), 14 held.

Leads left: an iscsidirect storage volume on scsiN with a machine version below 4.1 is
scsi-generic too (get_scsi_device_type "for compatibility only"; needs the storage type and
pinned machine at model time); an aarch64 VM's default CPU (host under KVM, max under TCG,
CPUConfig.pm get_default_cpu_type) is still judged by HVA-049 as x86 kvm64/qemu64; `shares: 0`
("Using zero disables auto-ballooning") is taken as a memory priority by HVA-070; an NFS/CIFS
storage served by another node of the same cluster passes HVA-100 (it is a hypervisor too:
a scope question for the check); a storage `nodes:` restriction and the esxi import type
(content `import`, a remote source) are judged as the first node's local library (wrong fail);
Realm.Allocate on /access/realm/<realm> and User.Modify on /access/groups/<g> (a realm's or a
group's administration) are left out of HVA-306 on purpose.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as dir_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()


def _vm(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> dict:
    return dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})


def _result(report: dict, check_id: str, subject: str) -> dict[str, Any]:
    return next(
        r for r in report["results"] if (r["check_id"], r["subject"]["name"]) == (check_id, subject)
    )


def _live(tmp_path: Path, vm200: str, overrides: dict[str, Any]) -> tuple[str, str, str]:
    """A live node (pve+ssh, its commands replayed) whose VM 200 is `vm200`: HVA-059's verdict."""
    from test_redteam3_host_probes import pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / "etc/pve/qemu-server/200.conf").write_text(vm200)
    a = pve_scan(tmp_path, overrides, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-059", "web-10"))
    return r.status.value, r.outcome.message, r.outcome.question or ""


# --- P13-1: HVA-059 on a hostpci storage controller ------------------------------------------------

NVME = "/sys/bus/pci/devices/0000:03:00.0/class:0x010802\n"
HBA = "/sys/bus/pci/devices/0000:04:00.0/class:0x010700\n/sys/bus/pci/devices/0000:04:00.1/class:0x010700\n"


@pytest.mark.parametrize(
    ("hostpci", "classes", "controller"),
    [
        ("hostpci0: 0000:03:00.0,pcie=1\n", NVME, "0000:03:00.0 (class 0x010802, NVMe)"),
        ("hostpci0: 03:00.0\n", NVME, "0000:03:00.0 (class 0x010802, NVMe)"),
        ("hostpci0: host=04:00,pcie=1\n", HBA, "0000:04:00.0 (class 0x010700, SAS)"),
    ],
    ids=["full", "no-domain", "all-functions"],
)
def test_p13_1_hostpci_storage_controller_fails(
    tmp_path: Path, hostpci: str, classes: str, controller: str
) -> None:
    """Was not applicable "no SCSI LUN passed through (no scsiblock=1)". qm.conf hostpciN gives
    the VM the PCI function whole through vfio-pci (qemu-server PCI.pm print_hostpci_devices);
    the guest's own driver programs an NVMe or SAS controller and every command reaches the
    disks behind it with no host SG_IO filter, which HVA-059 fails on libvirt (R9-1). The
    address may omit the domain (0000) and the function (every function of the device)."""
    from conftest import HARDENED_HOST

    pci = HARDENED_HOST["pci-classes"][0] + classes
    status, message, _ = _live(tmp_path, VM200 + hostpci, {"pci-classes": (pci, 0)})
    assert status == "fail"
    assert message.startswith(f"PCI storage controller {controller} passed through (hostpci)")


@pytest.mark.parametrize(
    ("hostpci", "address"),
    [
        ("hostpci0: 0000:03:00.0\n", "0000:03:00.0"),
        ("hostpci0: mapping=hba\n", "of cluster mapping hba (/etc/pve/mapping/pci.cfg)"),
    ],
    ids=["unclassed", "mapping"],
)
def test_p13_1_hostpci_of_unknown_class_is_a_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hostpci: str, address: str
) -> None:
    """Was not applicable. A copied /etc/pve gives no sysfs class (and a mapping's function is
    in /etc/pve/mapping/pci.cfg): whether the function is a storage controller is asked."""
    r = _result(_vm(tmp_path, capsys, VM200 + hostpci), "HVA-059", "web-10")
    assert r["status"] == "manual"
    assert r["message"] == (
        f"PCI device(s) {address} passed through, of a class the evidence does not show"
    )
    assert r["question"].startswith(
        f"Is none of PCI device(s) {address} passed through to VM web-10 a storage controller? "
        "Evidence: "
    )


def test_p13_1_held_hostpci_gpu_stays_not_applicable(tmp_path: Path) -> None:
    """Held twin: a VGA function (class 0x030000) is no storage controller."""
    status, message, _ = _live(tmp_path, VM200 + "hostpci0: 0000:65:00.0\n", {})
    assert (status, message) == ("not_applicable", "no SCSI LUN passed through (no scsiblock=1)")


# --- P13-2: HVA-059 on scsiN host paths as qemu-server types them ----------------------------------


@pytest.mark.parametrize("path", ["/dev/st0", "/dev/nst0", "/dev/tape/by-id/scsi-3500e09e-nst"])
def test_p13_2_scsi_tape_is_scsi_generic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    """Was not applicable. get_scsi_device_type: a host path answering SCSI INQUIRY with
    peripheral type 1 (a tape) is `scsi-generic` without scsiblock (`} elsif ($info->{type} ==
    1) { # tape`), and QEMU's scsi-generic passes every command through, from root."""
    report = _vm(tmp_path, capsys, VM200 + f"scsi1: {path}\n")
    assert pve_result(report, "HVA-059", "web-10") == (
        "fail",
        f"{path} (a SCSI tape: qemu-server makes it scsi-generic): every SCSI command reaches "
        "the host device, from QEMU running as root (unfiltered SG_IO)",
    )


def test_p13_2_scsi_generic_node_is_a_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was not applicable. /dev/sgN answers INQUIRY for whatever device it is: a tape makes it
    scsi-generic, anything else scsi-hd."""
    r = _result(_vm(tmp_path, capsys, VM200 + "scsi1: /dev/sg3\n"), "HVA-059", "web-10")
    assert r["status"] == "manual"
    assert r["question"].startswith(
        "Is none of SCSI node(s) /dev/sg3 of VM web-10 a SCSI tape? Evidence: `cat "
        "/sys/class/scsi_generic/"
    )


def test_p13_2_scsiblock_on_a_storage_volume_is_scsi_hd(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was a fail (wrong fail). get_scsi_device_type inquires only a host path (`m|^/|`); a
    storage volume takes the `PVE::Storage::path` branch, where scsiblock is never read: the
    guest gets scsi-hd."""
    text = VM200.replace(
        "scsi0: local-lvm:vm-200-disk-1,", "scsi0: local-lvm:vm-200-disk-1,scsiblock=1,"
    )
    report = _vm(tmp_path, capsys, text)
    assert pve_result(report, "HVA-059", "web-10") == (
        "not_applicable",
        "no SCSI LUN passed through (no scsiblock=1)",
    )


@pytest.mark.parametrize(
    "disk",
    ["scsi1: /dev/disk/by-id/ata-ST4000-1,scsiblock=1\n", "scsi1: /dev/sdb,scsiblock=on\n"],
)
def test_p13_2_held_scsiblock_on_a_host_path_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], disk: str
) -> None:
    """Held: scsiblock=1 on a host block device is scsi-block (a disk answers type 0)."""
    report = _vm(tmp_path, capsys, VM200 + disk)
    status, message = pve_result(report, "HVA-059", "web-10")
    assert status == "fail" and message.startswith("scsiblock=1 on /dev/"), message


def test_p13_2_held_host_block_device_without_scsiblock_is_scsi_hd(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a block device (sd binds disks only, never a tape) without scsiblock is scsi-hd."""
    report = _vm(tmp_path, capsys, VM200 + "scsi1: /dev/disk/by-id/ata-ST4000-1\n")
    assert pve_result(report, "HVA-059", "web-10") == (
        "not_applicable",
        "no SCSI LUN passed through (no scsiblock=1)",
    )


# --- P13-3: a rule's source given as an address range ----------------------------------------------

CLUSTER_FW = (PVE_HARDENED / "etc/pve/firewall/cluster.fw").read_text()
HOST_FW = (PVE_HARDENED / "etc/pve/nodes/pve-h1/host.fw").read_text()


@pytest.mark.parametrize(
    "source",
    ["0.0.0.0-255.255.255.255", "1.0.0.0-223.255.255.255", "::-ffff:ffff:ffff:ffff::"],
)
def test_p13_3_range_source_admitting_everyone_fails_hva_313(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    """Was pass "IP set `management`: ...". pve-firewall parse_address_list takes a single
    `A-B` range through Net::IP and ruleset_generate_match makes it `-m iprange --src-range
    A-B`: the web UI port is open to (nearly) every address, as from 0.0.0.0/0."""
    host = HOST_FW + f"IN ACCEPT -source {source} -p tcp -dport 8006\n"
    report = dir_scan(tmp_path, capsys, {"etc/pve/nodes/pve-h1/host.fw": host})
    assert pve_result(report, "HVA-313", "pve-h1") == (
        "fail",
        f"host.fw:9 accepts management ports from {source}",
    )


def test_p13_3_range_source_accepting_everything_fails_hva_301(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was a question about the daemon only (the rule read as narrowed by its source): an `IN
    ACCEPT` from every IPv4 address before the DROP policy admits every inbound packet."""
    cluster = CLUSTER_FW.replace(
        "[RULES]\n\n", "[RULES]\n\nIN ACCEPT -source 0.0.0.0-255.255.255.255\n"
    )
    report = dir_scan(tmp_path, capsys, {"etc/pve/firewall/cluster.fw": cluster})
    assert pve_result(report, "HVA-301", "pve-h1") == (
        "fail",
        "cluster firewall on, input policy DROP, but cluster.fw line 19 `IN ACCEPT -source "
        "0.0.0.0-255.255.255.255` accepts every inbound IPv4 packet before the policy",
    )


def test_p13_3_held_narrow_range_is_not_wide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held twin: 10.0.0.1-10.0.0.50 is fifty addresses, no wider than the management set."""
    base = dir_scan(tmp_path / "a", capsys, {})
    host = HOST_FW + "IN ACCEPT -source 10.0.0.1-10.0.0.50 -p tcp -dport 8006\n"
    report = dir_scan(tmp_path / "b", capsys, {"etc/pve/nodes/pve-h1/host.fw": host})
    assert pve_result(report, "HVA-313", "pve-h1") == pve_result(base, "HVA-313", "pve-h1")
    assert pve_result(base, "HVA-313", "pve-h1")[0] == "manual"


# --- P13-4: account-administration privileges held below `/` ---------------------------------------

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()


def _users(extra: str) -> str:
    return (
        USER_CFG.replace("\ngroup:", "\nuser:helpdesk@pve:1:0::::service desk::\ngroup:", 1) + extra
    )


@pytest.mark.parametrize(
    "acl",
    [
        "acl:1:/access:helpdesk@pve:PVEUserAdmin:\n",
        "acl:0:/access/groups:helpdesk@pve:PVEUserAdmin:\n",
        "role:RealmOps:Realm.Allocate:\nacl:0:/access/realm:helpdesk@pve:RealmOps:\n",
        "role:AclOps:Permissions.Modify:\nacl:0:/access:helpdesk@pve:AclOps:\n",
    ],
    ids=["useradmin-access", "useradmin-groups", "realm-allocate", "permissions-modify"],
)
def test_p13_4_account_admin_below_root_needs_a_second_factor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acl: str
) -> None:
    """Was pass "2 administrator(s), all with a second factor". User.Modify is checked on
    /access/groups for every user (RPCEnvironment 'userid-group' check_any), which delete_tfa
    and change_password need: PVEUserAdmin on /access (propagated) removes any user's second
    factor as it does on `/` (P10-2). Realm.Allocate on /access/realm rewrites any realm (its
    `tfa` too); Permissions.Modify on /access grants its holder the other two there."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": _users(acl)})
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: helpdesk@pve",
    )


@pytest.mark.parametrize(
    "acl",
    [
        "acl:0:/access:helpdesk@pve:PVEUserAdmin:\n",
        "acl:1:/access/groups/webops:helpdesk@pve:PVEUserAdmin:\n",
        "acl:1:/vms:helpdesk@pve:PVEVMUser:\n",
    ],
    ids=["access-not-propagated", "one-group", "vm-user"],
)
def test_p13_4_held_narrow_grants_are_no_administrator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acl: str
) -> None:
    """Held twins: User.Modify on /access without propagation is not on /access/groups
    (check_any reads the path and propagated ancestors), one group's members are that group's
    (filter_groups), and a VM role administers no account."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": _users(acl)})
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "pass",
        "2 administrator(s), all with a second factor (alice@corp by their realm's tfa setting)",
    )


# --- P13-5: qm.conf values qemu-server tests with Perl's truth -------------------------------------


def test_p13_5_affinity_zero_pins_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "reservation: affinity 0, used by no other running or autostart VM". pve-cpuset
    takes "0" (CPU 0), but QemuServer.pm runs taskset only `if ($conf->{affinity})`, and "0" is
    false in Perl: the VM runs on every host CPU. No reservation is left: the platform's
    question, as for a VM without affinity."""
    report = _vm(tmp_path, capsys, VM200 + "affinity: 0\n")
    r = _result(report, "HVA-090", "web-10")
    assert r["status"] == "manual"
    # joined with the question of cpuunits 1024 on an unknown cgroup version (R34R-1)
    assert r["message"].startswith(
        "limit: cpulimit 2; priority: cpuunits 1024; platform limitation: the platform has no "
        "CPU reservation setting; "
    )


def test_p13_5_held_affinity_one_pins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held twin: `affinity: 1` is true to Perl, taskset --cpu-list 1 pins the VM."""
    # the onboot container dns-01 kept on CPU 15 by a raw cpuset, off CPU 1 (R25R-5)
    ct = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text() + "lxc.cgroup2.cpuset.cpus: 15\n"
    report = dir_scan(
        tmp_path,
        capsys,
        # cpuunits 2048, not the fixture's 1024: that is cgroup v1's default weight, asked on a
        # node whose cgroup version is not read (R30T-2)
        {
            "etc/pve/qemu-server/200.conf": VM200.replace("cpuunits: 1024", "cpuunits: 2048")
            + "affinity: 1\n",
            "etc/pve/lxc/300.conf": ct,
        },
    )
    status, message = pve_result(report, "HVA-090", "web-10")
    assert status == "pass"
    assert message.startswith("reservation: affinity 1, used by no other running or autostart VM")


def test_p13_5_hugepages_zero_guarantees_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass ("hugepages 0" taken for a guarantee). check_type keeps a string key's value
    unchecked against its enum (any, 2, 1024), and Memory.pm print_mem_object backs the VM with
    memory-backend-ram unless `$conf->{hugepages}` is true: "0" is not."""
    report = _vm(tmp_path, capsys, VM200.replace("hugepages: 2\n", "hugepages: 0\n"))
    status, message = pve_result(report, "HVA-070", "web-10")
    assert status == "fail"
    # shares 2000 is inert without a balloon target: no priority either (leads15)
    assert message == "no memory guarantee, priority (configured size 8.0 GiB)", message


# --- P13-6: a VM of another architecture than the node's runs under TCG ----------------------------


def test_p13_6_foreign_arch_runs_under_tcg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "hardware virtualization (kvm)". config_to_command: `$kvm //= 1 if
    is_native_arch($arch)`, then `-accel tcg` `if (!$kvm)`: an aarch64 VM on the x86_64 node
    (its /proc/cpuinfo has vendor_id) is emulated instruction by instruction."""
    report = _vm(tmp_path, capsys, VM200 + "arch: aarch64\n")
    assert pve_result(report, "HVA-012", "web-10") == (
        "fail",
        "software emulation (TCG: arch aarch64 on an x86_64 node, where qemu-server turns KVM "
        "on by default only for the node's own architecture)",
    )


@pytest.mark.parametrize("arch", ["", "arch: x86_64\n"])
def test_p13_6_held_native_arch_keeps_kvm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arch: str
) -> None:
    """Held twin: the node's own architecture, named or not, gets KVM."""
    report = _vm(tmp_path, capsys, VM200 + arch)
    assert pve_result(report, "HVA-012", "web-10") == ("pass", "hardware virtualization (kvm)")


# --- Probes that held --------------------------------------------------------------------------------


def test_held_token_with_an_empty_privsep_field_is_not_separated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held. parse_user_config `$privsep = $privsep ? 1 : 0`: an empty field is privsep 0, so
    alice's token carries her Administrator rights."""
    users = USER_CFG.replace("token:alice@corp!terraform:0:1:", "token:alice@corp!terraform:0::")
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": users})
    status, message = pve_result(report, "HVA-311", "pve-h1")
    assert status == "fail"
    assert message.startswith("tokens with their user's full rights: alice@corp!terraform")


def test_held_host_fw_option_names_match_in_any_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held. parse_hostfw_option matches `^(enable|...):\\s*(0|1)\\s*$/i`: `Enable: 0` turns the
    node's firewall off."""
    host = HOST_FW.replace("enable: 1\n", "Enable: 0\n")
    report = dir_scan(tmp_path, capsys, {"etc/pve/nodes/pve-h1/host.fw": host})
    assert pve_result(report, "HVA-302", "pve-h1")[0] == "fail"


def test_held_capitalised_args_key_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held. parse_vm_config matches keys with `m/^([a-z][a-z_\\-]*\\d*):/` (no /i): `Args:` is
    "unable to parse config" and QEMU gets no raw arguments."""
    report = _vm(tmp_path, capsys, VM200 + "Args: -vnc 0.0.0.0:1\n")
    assert pve_result(report, "HVA-046", "web-10") == (
        "pass",
        "no args: (raw arguments passed to kvm) in the VM's configuration",
    )
