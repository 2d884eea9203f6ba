"""Sixth red-team review (rt6): new probes on the checks the first five rounds probed least.

Counted per check id over tests/test_redteam*_probes.py, the least-probed checks were the
logging and audit checks other than HVA-200, the resource checks and the vSphere host and
switch checks (HVA-4xx, most never named by a probe). This round reads settings the real software
reads and hvaudit does not: the kernel's audit filter lists, which drop libvirt's own records
before auditd sees them; a vSwitch's NIC teaming order, which can leave a second uplink unused;
and what "reserve all guest memory" means in a VMware .vmx, where the configured memory
bounds the guest whatever is locked.

Same harnesses as the earlier rounds: host evidence from `ReplayRunner` (conftest's hardened
Debian host, changed only where a probe says so) with libvirt's test driver serving one plain
VM; a vSphere host record written by hvaudit's own collector function (collect/vsphere.py
`_host_record`) from pyVmomi-shaped objects, in a bundle laid out as that collector lays it
out; an offline .vmx read through `vmx+dir://`. Each probe asserts the verdict its cited source
proves right, with a message fragment; every fact it rests on was read with the `search` tools
and is cited in its docstring. Where hvaudit is wrong the probe is
`xfail(strict=True, reason="R6-<n>: ...")`; the fix turns it XPASS and the fixer drops the mark.
None repeats a probe of the first five rounds.

Findings (R6-n): 1 HVA-201 passes while the kernel's exclude or user filter drops libvirt's
VIRT_* audit records; 2 HVA-440 counts an uplink the teaming order leaves unused; 3 HVA-070
fails a VMware VM whose memory is reserved in full (sched.mem.pin) for want of a "hard limit";
4 HVA-215 passes `stdio_handler = "logd"` without virtlogd.conf, whose `max_size = 0` turns
rollover off; 5 HVA-433 passes a management VLAN another VMkernel adapter (vMotion) shares;
6 HVA-434, the same for the vMotion VLAN and a vSAN adapter; 7 HVA-092 passes a VM whose NIC
is an SR-IOV VF, whose rate only its PF limits; 8 HVA-214 passes while an exclude rule drops
the SYSCALL or PATH records the watches write. Fixed on branch rt6 (mark dropped): all eight.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import pytest

from conftest import HARDENED_HOST
from test_redteam3_vm_probes import verdict as vm_verdict
from test_redteam4_host_probes import verdict
from test_redteam5_probes import _esx_scan


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# --- HVA-201: the kernel's filter lists drop libvirt's audit records ---------------------------------

AUDIT_RULES = HARDENED_HOST["audit-rules"][0]


@pytest.mark.parametrize(
    "rule",
    ["-a always,exclude -F msgtype=VIRT_CONTROL", "-a never,user"],
    ids=["exclude-virt-control", "never-user"],
)
def test_audit_filter_that_drops_libvirts_records(host_scan, rule: str) -> None:
    """libvirt writes its audit records from user space (VIRT_CONTROL for start, stop and
    migration, VIRT_RESOURCE, VIRT_MACHINE_ID: user message types 2500..2502). Linux
    kernel/audit.c audit_receive_msg (read with `find_string`): a user message is logged only
    when `audit_filter(msg_type, AUDIT_FILTER_USER)` returns 1, and kernel/auditfilter.c
    audit_filter returns 0 for the first matching rule `if (e->rule.action == AUDIT_NEVER ||
    listtype == AUDIT_FILTER_EXCLUDE)`; audit_log_start then drops any record whose type the
    exclude list matches. auditctl(8) (found with `search`): the user list "is used by the kernel
    to filter events originating in user space before relaying them to the audit daemon", the
    exclude list "to filter events that you do not want to see". `auditctl -l` prints such rules
    as `-a always,exclude -F msgtype=VIRT_CONTROL` and `-a never,user` (audit-userspace
    src/auditctl-listing.c print_rule: "-a %s,%s" of action and list, msgtype by
    audit_msg_type_to_name; read with `read_file`). With either rule loaded, libvirtd's
    audit_level = 2 and a running auditd record no VM start, stop or migration: "libvirt audits
    VM management actions" is false. hvaudit read audit_level and auditd only and passed
    "audit_level = 2, auditd running". Right: fail, naming the rule. (R6-1, fixed on branch
    rt6: HVA-201 reads the filter lists, management.libvirt_records_filtered.)"""
    a = host_scan({"audit-rules": (AUDIT_RULES + rule + "\n", 0)})
    assert verdict(a, "HVA-201") == (
        "fail",
        "audit_level = 2, auditd running, but the kernel drops libvirt's VIRT_* records before "
        f"auditd sees them: `{rule}`",
    )


def test_audit_user_filter_admitting_libvirt_first_passes(host_scan) -> None:
    """Twin of R6-1: kernel/auditfilter.c audit_filter stops at the first matching rule, so an
    `always,user` rule for VIRT_CONTROL listed before `never,user` lets VIRT_CONTROL records
    through; VIRT_RESOURCE records still meet the never rule: a fail naming it."""
    rules = "-a always,user -F msgtype=VIRT_CONTROL\n-a never,user\n"
    a = host_scan({"audit-rules": (AUDIT_RULES + rules, 0)})
    status, msg = verdict(a, "HVA-201")
    assert status == "fail", msg
    assert msg.endswith("`-a never,user`"), msg


def test_audit_exclude_limited_to_some_processes_is_a_question(host_scan) -> None:
    """Twin of R6-1: an exclude rule that also tests the sending process (`-F auid=1000`) drops
    libvirt's records only if libvirtd is that process, which the evidence does not show: a
    question naming the rule."""
    rule = "-a always,exclude -F msgtype=VIRT_CONTROL -F auid=1000"
    a = host_scan({"audit-rules": (AUDIT_RULES + rule + "\n", 0)})
    status, msg = verdict(a, "HVA-201")
    assert status == "manual", msg
    assert f"`{rule}`" in msg, msg


def test_audit_rules_without_a_filter_on_libvirts_records_pass(host_scan) -> None:
    """Twin of R6-1: an exclude rule for another type (CWD records, a common noise filter)
    leaves libvirt's records alone: pass."""
    a = host_scan({"audit-rules": (AUDIT_RULES + "-a always,exclude -F msgtype=CWD\n", 0)})
    assert verdict(a, "HVA-201") == ("pass", "audit_level = 2, auditd running")


# --- HVA-440 (vSphere): an uplink the teaming order leaves unused -----------------------------------


def _vswitch(active: list[str], standby: list[str]) -> Any:
    """A standard vSwitch as pyVmomi returns it (HostVirtualSwitch): vmnic0 and vmnic1 bridged
    (spec.bridge.nicDevice), rejecting the three security policies, with this failover order
    (spec.policy.nicTeaming.nicOrder)."""
    order = NS(activeNic=active, standbyNic=standby)
    return NS(
        name="vSwitch0",
        pnic=["key-vim.host.PhysicalNic-vmnic0", "key-vim.host.PhysicalNic-vmnic1"],
        spec=NS(
            bridge=NS(nicDevice=["vmnic0", "vmnic1"]),
            policy=NS(
                security=NS(allowPromiscuous=False, macChanges=False, forgedTransmits=False),
                nicTeaming=NS(policy="failover_explicit", nicOrder=order),
            ),
        ),
    )


def _switch_scan(tmp_path: Path, active: list[str], standby: list[str]) -> tuple[str, str]:
    from hvaudit.collect.vsphere import _host_record

    # both uplinks with a link (HostPhysicalNic.linkSpeed set): config.network.pnic not
    # reported is a question of its own (R48E-2)
    pnics = [NS(device=d, linkSpeed=NS(speedMb=10000, duplex=True)) for d in ("vmnic0", "vmnic1")]
    record = _host_record(
        {
            "name": "esx1",
            "config.network.vswitch": [_vswitch(active, standby)],
            "config.network.pnic": pnics,
        },
        {},
    )
    json.dumps(record)  # what the collector writes is JSON
    a = _esx_scan(tmp_path, {k: v for k, v in record.items() if k != "name"})
    return vm_verdict(a, "HVA-440", "vSwitch0")


def test_second_uplink_unused_by_the_teaming_order(tmp_path: Path) -> None:
    """vSphere Web Services API, HostNicOrderPolicy (read with `search`): "A physical network
    adapter can be in the active list, the standby list, or neither. ... For a virtual switch,
    the NicOrderPolicy property is never null when retrieved from the server"; activeNic: "List
    of active network adapters used for load balancing", standbyNic: "Standby network adapters
    used for failover" (PowerCLI's Set-NicTeamingPolicy names the third state -MakeNicUnused).
    A vSwitch bridging vmnic0 and vmnic1 with activeNic [vmnic0] and no standby never moves its
    traffic to vmnic1: when vmnic0 fails, every VM on it is cut off, one path, not the two
    HY-SR-22 asks for. hvaudit's collector records spec.bridge.nicDevice only and HVA-440
    passed "uplinks: vmnic0, vmnic1". Right: fail, naming the unused uplink. (R6-2, fixed on
    branch rt6: the collector records the failover order, HVA-440 counts what is in it.)"""
    assert _switch_scan(tmp_path, ["vmnic0"], []) == (
        "fail",
        "standard switch vSwitch0 fails over to no second uplink: vmnic0 active or standby, "
        "vmnic1 unused",
    )


def test_second_uplink_on_standby_passes(tmp_path: Path) -> None:
    """Twin of R6-2: vmnic1 on standby takes over when vmnic0 fails: pass."""
    assert _switch_scan(tmp_path, ["vmnic0"], ["vmnic1"]) == (
        "pass",
        "standard switch vSwitch0 uplinks: vmnic0, vmnic1",
    )


# --- HVA-070 (VMware .vmx): "reserve all guest memory" is no unbounded lock --------------------------

PINNED_VMX = """.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "21"
displayName = "gpu01"
guestOS = "ubuntu-64"
memSize = "16384"
numvcpus = "4"
sched.mem.min = "16384"
sched.mem.minSize = "16384"
sched.mem.pin = "TRUE"
sched.mem.shares = "normal"
"""


def _vmx_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[str, str]:
    from test_vmx import scan

    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "gpu01.vmx").write_text(text)
    _, report = scan(tmp_path, capsys)
    (r,) = [r for r in report["results"] if r["check_id"] == "HVA-070"]
    return r["status"], r["message"]


def test_vmware_memory_reserved_in_full_is_bounded_by_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sched.mem.pin = "TRUE"` is the .vmx spelling of "Reserve all guest memory (All locked)"
    (vSphere API memoryReservationLockedToMax), written beside sched.mem.min = memSize: the form
    OpenNebula's vCenter driver writes and PCI passthrough guides give ("passthrough requires
    the full memory reservation", found with `find_string`); terraform-provider-vsphere PR 2093
    (found with `search`): the locked reservation "will be applied only if memory and
    memory_reservation properties have same values". The VM's reservation is then its
    configured memory, and the VM cannot take more than that: ResourceAllocationInfo (vSphere
    API, found with `search`) bounds usage by the limit, unlimited by default, and the guest
    sees memSize only. hvaudit's HVA-070 asks for a hard limit when memory is locked because
    under libvirt a <locked/> guest without <hard_limit> can pin unbounded host RAM (its own
    docstring: "The configured memory size is always an upper bound for the guest, so the limit
    is only missing when memory is locked without a hard limit"); under VMware the lock is the
    reservation itself, equal to memSize. hvaudit fails "no memory hard limit (memory is locked
    without one)" though the VM has a guarantee (16384 MiB reserved), a limit (its configured
    16 GiB) and a priority (shares normal). Right: pass. (R6-3, fixed on branch rt6: a .vmx's
    sched.mem.pin is a reservation of all guest memory, not libvirt's lock.)

    Session 10 (vmwleads, lead 1): shares `normal` is the level every VM gets unless one is
    chosen, written by ESXi into every .vmx, so it is no priority (hvaudit.parse.vmx_model; the
    vSphere collector already read SharesInfo level normal so). R6-3's point stands: the pinned
    VM lacks no hard limit; as copied it lacks a priority only, and with shares `high` it
    passes."""
    assert _vmx_verdict(tmp_path, capsys, PINNED_VMX) == (
        "fail",
        "no memory priority (memory reservation (MiB) 16384; configured size 16.0 GiB)",
    )
    high = PINNED_VMX.replace('sched.mem.shares = "normal"', 'sched.mem.shares = "high"')
    assert _vmx_verdict(tmp_path / "high", capsys, high) == (
        "pass",
        "memory reservation (MiB) 16384; memory shares high; configured size 16.0 GiB",
    )
    without_min = high.replace('sched.mem.min = "16384"\n', "").replace(
        'sched.mem.minSize = "16384"\n', ""
    )
    assert _vmx_verdict(tmp_path / "pin-only", capsys, without_min) == (
        "pass",
        "all guest memory reserved (sched.mem.pin, 16384 MiB); memory shares high; "
        "configured size 16.0 GiB",
    )


def test_vmware_memory_without_a_reservation_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of R6-3: the same VM without a reservation (and without the lock) has no guarantee:
    fail."""
    text = "\n".join(
        line
        for line in PINNED_VMX.splitlines()
        if not line.startswith(("sched.mem.min", "sched.mem.pin"))
    )
    status, msg = _vmx_verdict(tmp_path, capsys, text + "\n")
    assert status == "fail", msg
    assert msg.startswith("no memory guarantee"), msg


# --- HVA-215: virtlogd's own limit on the files it writes --------------------------------------------


def test_virtlogd_without_a_size_limit(host_scan) -> None:
    """HVA-215 passes `stdio_handler = "logd"` because virtlogd "rolls the files over" (its
    docstring). Whether it does is virtlogd's own setting: libvirt src/logging/log_daemon_config.c
    (found with `find_string`) reads `max_size` with virConfGetValueSizeT and no range check;
    src/logging/log_handler.c hands it to every QEMU log file
    (`virRotatingFileWriterNew(path, handler->max_size, handler->max_backups, ...)`); and
    src/util/virrotatingfile.c virRotatingFileWriterAppend (read with `read_file`) rolls over
    only `if (file->maxlen != 0)`. So /etc/libvirt/virtlogd.conf `max_size = 0` makes virtlogd
    append QEMU's output without limit: the disk-filling guest HVA-215 is about. hvaudit's
    collector does not read virtlogd.conf (host.py FILES: the daemons' own .conf files, not
    virtlogd's), and the check passes 'stdio_handler = "logd" (default)'. Right: fail, naming
    max_size (or, with the file unread, a question; served here, it is read). (R6-4, fixed on
    branch rt6: the collector reads virtlogd.conf.)"""
    a = host_scan({"/etc/libvirt/virtlogd.conf": "max_size = 0\n"})
    assert verdict(a, "HVA-215") == (
        "fail",
        'stdio_handler = "logd" (default), but virtlogd.conf max_size = 0: virtlogd never rolls '
        "QEMU's log files over",
    )


def test_virtlogd_with_its_default_size_passes(host_scan) -> None:
    """Twin of R6-4: no virtlogd.conf on the host: its 2 MB default (log_daemon_config.c
    virLogDaemonConfigNew) rolls the files over: pass."""
    assert verdict(host_scan(), "HVA-215") == (
        "pass",
        'stdio_handler = "logd" (default); virtlogd max_size 2097152 (default)',
    )


# --- HVA-433 (vSphere): the management VLAN shared with another VMkernel adapter ---------------------

SECURE = {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": False}


def _vmknic_host(vmotion_vlan: int) -> dict[str, Any]:
    """A host record as collect/vsphere.py writes it: vmk0 (management) on port group
    "Management Network", VLAN 20; vmk1 (vMotion) on port group "vMotion", `vmotion_vlan`; the
    VMs on "VM Network", VLAN 30."""

    def pg(name: str, vlan: int) -> dict[str, Any]:
        return {
            "name": name,
            "switch": "vSwitch0",
            "vlan": [vlan],
            "trunk": False,
            "security": SECURE,
        }

    return {
        "portgroups": [
            pg("Management Network", 20),
            pg("vMotion", vmotion_vlan),
            pg("VM Network", 30),
        ],
        "vmknics": [
            {"device": "vmk0", "portgroup": "Management Network", "dvs_portgroup": ""},
            {"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": ""},
        ],
        "vmknic_traffic": {"management": ["vmk0"], "vmotion": ["vmk1"]},
    }


def test_management_vlan_shared_with_the_vmotion_vmknic(tmp_path: Path) -> None:
    """vSphere Networking (docs.vmware.com, "Securing System Traffic", found with `search`):
    "isolate the vMotion traffic in a separate network that includes only the ESXi hosts that
    participate in the migration. Isolate the management traffic in a network that only network
    and security administrators can access", and "Dedicate a separate VMkernel adapter for every
    traffic type". HVA-433's title asks for management "on a VLAN of its own" (vSphere 8 STIG
    ESXI-80-000198, its docstring). With vmk1 (vMotion) on VLAN 20 beside vmk0 (management),
    every vMotion stream - guest memory in clear unless encrypted - crosses the management
    segment. hvaudit's own HVA-434 fails the same host ("vmk1 VLAN 20 shared with other
    traffic"), but HVA-433 looks only at VLANs of port groups without a vmknic (_vmknic_vlans
    `others`) and passed "management alone on vmk0 VLAN 20". Right: fail, naming vmk1. (R6-5,
    fixed on branch rt6: other VMkernel adapters' VLANs count.)"""
    a = _esx_scan(tmp_path, _vmknic_host(20))
    assert vm_verdict(a, "HVA-434", "esx1") == ("fail", "vmk1 VLAN 20 shared with other traffic")
    assert vm_verdict(a, "HVA-433", "esx1") == (
        "fail",
        "vmk0 VLAN 20 shared with VMkernel adapter vmk1",
    )


def test_management_and_vmotion_on_their_own_vlans_pass(tmp_path: Path) -> None:
    """Twin of R6-5: vMotion on VLAN 40, management alone on VLAN 20: both pass."""
    a = _esx_scan(tmp_path, _vmknic_host(40))
    assert vm_verdict(a, "HVA-433", "esx1") == ("pass", "management alone on vmk0 VLAN 20")
    assert vm_verdict(a, "HVA-434", "esx1") == ("pass", "vMotion alone on vmk1 VLAN 40")


def test_vmotion_vlan_shared_with_the_vsan_vmknic(tmp_path: Path) -> None:
    """vSphere Networking, "Securing System Traffic" (as for R6-5): "isolate the vMotion traffic
    in a separate network that includes only the ESXi hosts that participate in the migration";
    HVA-434's title: vMotion "on a VLAN of its own". A vSAN adapter vmk2 on vMotion's VLAN 40
    puts vSAN's storage traffic on the migration segment. hvaudit's HVA-434 compared the vMotion
    VLAN with the management vmknic's and the VM port groups' only and passed "vMotion alone on
    vmk1 VLAN 40". Right: fail. (R6-6, the twin of R6-5 for HVA-434, fixed on branch rt6.)"""
    record = _vmknic_host(40)
    record["portgroups"].append(
        {"name": "vSAN", "switch": "vSwitch0", "vlan": [40], "trunk": False, "security": SECURE}
    )
    record["vmknics"].append({"device": "vmk2", "portgroup": "vSAN", "dvs_portgroup": ""})
    record["vmknic_traffic"]["vsan"] = ["vmk2"]
    a = _esx_scan(tmp_path, record)
    assert vm_verdict(a, "HVA-434", "esx1") == ("fail", "vmk1 VLAN 40 shared with other traffic")
    assert vm_verdict(a, "HVA-433", "esx1") == ("pass", "management alone on vmk0 VLAN 20")


# --- HVA-092: an SR-IOV VF's bandwidth is set on its PF, not by libvirt ------------------------------

LIMITED_DISK = (
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='/var/lib/libvirt/images/vf.qcow2'/><target dev='vda' bus='virtio'/>"
    "<iotune><total_bytes_sec>104857600</total_bytes_sec><total_iops_sec>2000</total_iops_sec>"
    "</iotune></disk>"
)
VF_NIC = (
    "<interface type='hostdev' managed='yes'><mac address='52:54:00:6d:90:02'/><source>"
    "<address type='pci' domain='0x0000' bus='0x65' slot='0x00' function='0x1'/></source>"
    "</interface>"
)


def test_sriov_vf_bandwidth_is_a_question(tmp_path: Path) -> None:
    """libvirt shapes only interfaces backed by a host network device (virNetDevSupportBandwidth,
    HVA-092's own docstring); an SR-IOV VF given to the guest (<interface type='hostdev'>)
    bypasses the host's network stack, and its transmit rate is bounded only by the PF's
    per-VF limiter: ip-link(8) (found with `search`): "max_tx_rate TXRATE - change the allowed
    maximum transmit bandwidth, in Mbps, for the specified VF. Setting this parameter to 0
    disables rate limiting"; the kernel's ndo_set_vf_rate (net-next 2014, "max_tx_rate puts cap
    on the VF bandwidth"). Its limit is outside the VM's XML, as a vhost-user port's is in its
    switch, which HVA-092 already asks about. hvaudit filed the VF under "cannot be shaped by
    libvirt" and passed a VM whose only NIC is the VF: "1 disk(s) and 0 interface(s) limited
    (outbound) (hostdev interface(s) cannot be shaped by libvirt)". Right: the question, naming
    the VF. (R6-7, fixed on branch rt6.)"""
    from conftest import build_bundle, run_assessment, write_node
    from test_redteam3_vm_probes import dev

    uri = write_node(tmp_path / "n.xml", [dev("vfvm", LIMITED_DISK + VF_NIC)])
    a = run_assessment(build_bundle(tmp_path, uri, dict(HARDENED_HOST), name="b"))
    assert vm_verdict(a, "HVA-092", "vfvm") == (
        "manual",
        "SR-IOV VF 52:54:00:6d:90:02 is limited by its PF's max_tx_rate, not libvirt",
    )


def test_vdpa_bandwidth_is_a_question(tmp_path: Path) -> None:
    """Twin of R6-7: a vDPA interface (libvirt formatdomain "vDPA devices": the guest's virtio
    queues are served by the device, <interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/>)
    is no type virNetDevSupportBandwidth shapes either; its rate is the NIC's. hvaudit passed it
    beside a limited disk ("vdpa interface(s) cannot be shaped by libvirt"). Right: the
    question."""
    from conftest import build_bundle, run_assessment, write_node
    from test_redteam3_vm_probes import dev

    vdpa = (
        "<interface type='vdpa'><mac address='52:54:00:6d:90:03'/>"
        "<source dev='/dev/vhost-vdpa-0'/><model type='virtio'/></interface>"
    )
    uri = write_node(tmp_path / "n.xml", [dev("vdpavm", LIMITED_DISK + vdpa)])
    a = run_assessment(build_bundle(tmp_path, uri, dict(HARDENED_HOST), name="b"))
    assert vm_verdict(a, "HVA-092", "vdpavm") == (
        "manual",
        "vDPA device 52:54:00:6d:90:03 is limited by the NIC it is carved from (its VF's "
        "max_tx_rate or devlink rate), not libvirt",
    )


# --- HVA-214: the watches' own records excluded ---------------------------------------------------


@pytest.mark.parametrize("kind", ["SYSCALL", "PATH"])
def test_audit_exclude_of_the_watch_records(host_scan, kind: str) -> None:
    """The twin of R6-1 on the kernel side. A watch (`-w /etc/libvirt -p wa`) reports a write as
    an event of kernel records: SYSCALL (the call, auid, uid, exe and the rule's key) and PATH
    (the file). Linux kernel/audit.c audit_log_start (found with `find_string`, as for R6-1)
    returns no buffer for a record whose type the exclude list matches (kernel/auditfilter.c
    audit_filter: a matching exclude rule answers 0 whatever its action), and auditctl(8): the
    exclude list filters "events that you do not want to see". With `-a always,exclude -F
    msgtype=SYSCALL` no write to /etc/libvirt can be traced to anyone (`ausearch -k` finds
    nothing: the key is in the SYSCALL record); excluding PATH drops which file changed. hvaudit
    read the watches only and passed "audit rules watch /etc/libvirt and /etc/polkit-1".
    Right: fail, naming the rule. (R6-8, fixed on branch rt6.)"""
    rule = f"-a always,exclude -F msgtype={kind}"
    a = host_scan({"audit-rules": (AUDIT_RULES + rule + "\n", 0)})
    assert verdict(a, "HVA-214") == (
        "fail",
        "audit rules watch /etc/libvirt and /etc/polkit-1, but the kernel drops the records "
        f"they write: `{rule}`",
    )


def test_audit_exclude_of_other_records_leaves_the_watches_alone(host_scan) -> None:
    """Twin of R6-8: excluding CWD and PROCTITLE records (a common noise filter) keeps the
    SYSCALL and PATH records of every watch: pass."""
    rules = "-a always,exclude -F msgtype=CWD\n-a always,exclude -F msgtype=PROCTITLE\n"
    a = host_scan({"audit-rules": (AUDIT_RULES + rules, 0)})
    assert verdict(a, "HVA-214") == ("pass", "audit rules watch /etc/libvirt and /etc/polkit-1")


@pytest.mark.parametrize(
    ("rules", "status", "message"),
    [
        # auditctl absent: the filter lists were not read, so no pass
        (None, "manual", "evidence unavailable: auditctl is not installed"),
        # auditctl -l failed (e.g. without CAP_AUDIT_CONTROL): an error, never a pass
        (("", 1), "error", "evidence could not be collected: auditctl -l exited 1"),
    ],
    ids=["absent", "failed"],
)
def test_audit_rules_unread_are_not_a_pass(
    host_scan, rules: tuple[str, int] | None, status: str, message: str
) -> None:
    """Twin of R6-1: whether libvirt's records reach auditd is decided by the kernel's exclude
    and user filter lists, which only `auditctl -l` shows; with them unread HVA-201 cannot pass
    on audit_level and a running auditd alone."""
    a = host_scan({"audit-rules": rules})
    got = verdict(a, "HVA-201")
    assert got[0] == status, got
    assert got[1].startswith(message), got
    if status == "manual":
        q = next(r.outcome.question for r in a.results if r.check.id == "HVA-201")
        assert q is not None and q.startswith("Does no loaded audit rule on host ")
