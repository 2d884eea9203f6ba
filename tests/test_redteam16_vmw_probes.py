"""Red-team round 16 on VMware: host firewall, NTP and the other host items rounds 10-15
(tests/test_redteam1{0,1,2,3,4,5}_vmw_probes.py) and their leads (tests/test_pvevmw_leads1{4,5}.py)
did not probe. Each probe names the source it rests on (read with `search`, `find_string`,
`read_file`) and asserts the exact verdict; each finding's probe failed on the code before its
fix (main d25c728).

Findings:

- V16-1 (false pass): HVA-412 passed a host whose firewall lets outgoing traffic out by default
  (HostFirewallDefaultPolicy.outgoingBlocked false) on incomingBlocked alone. vSphere 8 STIG
  ESXI-80-000214: "ensuring this is set to deny incoming and outgoing traffic ... If the
  Incoming or Outgoing policies are "True", this is a finding". Now a fail; an outgoingBlocked
  the host does not report is asked.
- V16-2 (false pass): HVA-419 passed "ntpd running (policy on), servers 127.127.1.0" (ntpd's
  "Undisciplined Local Clock ... a fake driver intended for backup and when no outside source of
  synchronized time is available") and likewise 127.0.0.1, `localhost` or `127.1`: the host
  synchronising with its own clock. A server list that is only the host itself now fails.
- V16-3 (false pass): HVA-433/434 took each distributed port group's VLAN for all its ports;
  one with vlanOverrideAllowed ("Allow the setting of vlanId, trunk vlanId, or pvlanId for an
  individual port to override the setting in defaultPortConfig of a portgroup") may have a port
  on the management (vMotion) VLAN, or trunking it, and its ports are not read: "management
  alone on vmk0 VLAN 20" passed. Where nothing else is in doubt, it is now a question.
- V16-4 (false pass): HVA-433/434 looked for six other VMkernel services on the management and
  vMotion adapters; HostVirtualNicManagerNicType also has nvmeTcp, nvmeRdma, vsanWitness,
  vsanExternal, vSphereBackupNFC and ptp, and ESXI-80-000198 finds "any services" beside
  management (DISA's InSpec for it and ESXI-80-000160 counts VSphereBackupNFCEnabled). Every
  other service now fails.
- V16-5 (wrong question): an untagged management (vMotion) adapter beside another untagged port
  group of its own standard vSwitch (ESXi's default layout: "VM Network" beside "Management
  Network" on vSwitch0, VLAN 0 both) was asked about the physical switch port, whose "yes"
  passed it; the vSwitch itself puts those VMs on the management segment. Now a fail naming
  them (vcsim's DC0_C0_H0 in tests/test_vsphere.py follows).

Held (right before and after): V16-H1 (both directions blocked: pass, the text now names both),
V16-H2 (a site NTP server, one beside the local clock as a backup, a name under a domain that
starts like 127.0.0.1), V16-H3 (Tenants' ports held to its VLAN: pass), V16-H4 (NVMe over TCP on
an adapter and VLAN of its own), V16-H5 (VM Network on VLAN 20 or untagged on another vSwitch,
vMotion alone untagged on its own vSwitch: the physical-switch question stays).

Probes: 24 test cases (14 functions). 17 failed on main d25c728, the code before V16-1..5: 16 for
the findings and 1 held probe for its new text (V16-H1); 7 held passed there too.

Leads left (not settled in the time):
- /etc/vmware/settings: DISA's vSphere 8 STIG ESXI-80-000236 (V-258791, read with `read_file`)
  says a VM's vmx process reads the host's settings first and they "take precedence over
  settings in the *.vmx file" (check: `stat -c "%s" /etc/vmware/settings` is 0). Every VM pass
  that rests on a key the VM's own .vmx sets (HVA-401 "every isolation key is set TRUE in the
  VM's own settings", HVA-402, HVA-403, HVA-404, HVA-405, HVA-441, the devices of HVA-047 ...)
  rests on a file neither the vSphere API nor a datastore shows: no check asks it (leads16 works
  on /etc/vmware/config, the lowest-precedence file, for absent keys). One host question, or a
  host check mapping ESXI-80-000236 that the VM passes defer to, is the likely shape.
- HVA-412: the esxcli firewall `Enabled` flag (`esxcli network firewall set --enabled false`, or
  `unload`: "Default Action: PASS, Enabled: false") is not in the vSphere API; the 2024 STIG
  release reads it with esxcli only. Whether hostd's defaultPolicy turns to not-blocked when the
  firewall is disabled was not found: a disabled firewall may still pass.
- HVA-433/434 (V16-3): where an override-allowing port group meets another doubt (untagged,
  VLAN 4095, another host's port group), the existing question is asked and the override is
  only in the message; a distributed switch's untagged port groups (V16-5) stay a physical-switch
  question, since which hosts' adapters they carry is not read.
- HVA-419 with PTP: ptpd running with no PTP port configured (HostPtpConfig.port, API 7.0.3,
  not collected) passes; whether ptpd runs without a port was not settled. The Linux-host NTP
  check (HVA-202) may have V16-2's loopback/local-clock gap too (not reviewed here).
- HVA-428 still trusts HostCapability.uefiSecureBoot; its API description (supported or booted
  with) was again not reached.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from test_redteam11_vmw_probes import _question, _verdict
from test_redteam13_vmw_probes import _mgmt_host, _vsphere

# --- V16-1: HVA-412 and the outgoing default policy -------------------------------------------------


def _firewall(outgoing: bool | None) -> dict[str, Any]:
    """A host firewall as pyVmomi returns it (vim.host.FirewallInfo), through collect/vsphere.py's
    _host_record: incoming blocked, outgoingBlocked `outgoing`, sshServer limited to
    10.0.0.0/24."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    ip = vim.host.Ruleset.IpList
    info = vim.host.FirewallInfo(
        defaultPolicy=vim.host.FirewallInfo.DefaultPolicy(
            incomingBlocked=True, outgoingBlocked=outgoing
        ),
        ruleset=[
            vim.host.Ruleset(
                key="sshServer",
                label="SSH Server",
                required=False,
                enabled=True,
                rule=[vim.host.Ruleset.Rule(port=22, direction="inbound", protocol="tcp")],
                allowedHosts=ip(
                    allIp=False,
                    ipNetwork=[vim.host.Ruleset.IpNetwork(network="10.0.0.0", prefixLength=24)],
                ),
                ipListUserConfigurable=True,
            ),
        ],
    )
    record = _host_record({"name": "esx1", "config.firewall": info}, {})
    return json.loads(json.dumps({"firewall": record["firewall"]}))


def test_outgoing_traffic_allowed_by_default_fails(tmp_path: Path) -> None:
    """vSphere 8 STIG ESXI-80-000214 (V-258769, read with `find_string`/`read_file`): "ESXi has a
    default firewall rule policy to allow or deny incoming and outgoing traffic. Reduce the risk
    of attack by ensuring this is set to deny incoming and outgoing traffic ... From a PowerCLI
    command prompt ... Get-VMHostFirewallDefaultPolicy. If the Incoming or Outgoing policies are
    "True", this is a finding" (the fix: Set-VMHostFirewallDefaultPolicy -AllowIncoming $false
    -AllowOutgoing $false). The vSphere API keeps both (HostFirewallDefaultPolicy incomingBlocked,
    outgoingBlocked: "Flag indicating whether outgoing traffic should be blocked by default",
    read with `search`). HVA-412 read incomingBlocked only and passed "incoming blocked; every
    enabled ruleset limited to listed networks". Right: fail."""
    a = _vsphere(tmp_path, _firewall(outgoing=False))
    assert _verdict(a, "HVA-412") == ("fail", "outgoing traffic is not blocked by default")


def test_outgoing_policy_not_reported_is_asked(tmp_path: Path) -> None:
    """V16-1, the policy not reported (HostFirewallDefaultPolicy's fields "Need not be set"):
    asked, not passed; with whether the firewall is enabled (V17-2) in the same item (R34M-1:
    asked alone, a "yes" to it passed the host)."""
    a = _vsphere(tmp_path, _firewall(outgoing=None))
    assert _verdict(a, "HVA-412") == (
        "manual",
        "evidence unavailable: config.firewall.defaultPolicy.outgoingBlocked not reported; "
        "incoming blocked; every enabled ruleset limited to listed networks; whether the "
        "firewall is enabled is not in the vSphere API",
    )
    assert _question(a, "HVA-412") == (
        "Does host esx1's firewall block outgoing traffic by default, and is host esx1's "
        "firewall enabled? Evidence: `esxcli network firewall get` there (Default Action) or "
        "PowerCLI Get-VMHostFirewallDefaultPolicy (OutgoingEnabled); `esxcli network firewall "
        "get` on the host (ESXi Shell or SSH; PowerCLI Get-EsxCli -V2 network.firewall.get). "
        "Pass: yes, DROP (OutgoingEnabled False), and Enabled: true; fail: PASS (OutgoingEnabled "
        "True), or Enabled: false (the firewall was disabled or unloaded, and every packet "
        "passes)."
    )


def test_both_directions_blocked_held(tmp_path: Path) -> None:
    """Held (V16-H1): both directions blocked, sshServer limited: pass (the text now names both
    directions)."""
    a = _vsphere(tmp_path, _firewall(outgoing=True))
    assert _verdict(a, "HVA-412") == (
        "manual",  # V17-2: whether the firewall is enabled is not in the API
        "incoming and outgoing blocked; every enabled ruleset limited to listed networks; "
        "whether the firewall is enabled is not in the vSphere API",
    )


# --- V16-2: HVA-419 and an NTP server that is the host itself -----------------------------------------


def _ntp(tmp_path: Path, servers: list[str]) -> tuple[str, str]:
    a = _vsphere(
        tmp_path,
        {
            "ntp": {"servers": servers, "protocol": "ntp"},
            "services": {"ntpd": {"running": True, "policy": "on"}},
            # the ntpClient ruleset lets ntpd out (a firewall not read is asked, L16-16)
            "firewall": {
                "incoming_blocked": True,
                "outgoing_blocked": True,
                "rulesets": [{"key": "ntpClient", "enabled": True, "all_ip": True, "networks": []}],
            },
        },
    )
    return _verdict(a, "HVA-419")


@pytest.mark.parametrize(
    "servers",
    [["127.127.1.0"], ["127.0.0.1"], ["localhost"], ["127.1", "::1"]],
    ids=["local-clock-driver", "loopback", "localhost", "other-spellings"],
)
def test_ntp_server_that_is_the_host_itself_fails(tmp_path: Path, servers: list[str]) -> None:
    """vSphere 8 STIG ESXI-80-000124: the host "must synchronize internal information system
    clocks to an authoritative time source". ntp's stock ntp.conf (read with `find_string`):
    "server 127.127.1.0 # local clock" under "Undisciplined Local Clock. This is a fake driver
    intended for backup and when no outside source of synchronized time is available"; ntp.org's
    reference clock page: the driver "can simulate a reference clock when no external
    synchronization sources are available". A loopback server (127/8 in any inet_aton(3)
    spelling, ::1, `localhost`) is the host's own ntpd. HVA-419 passed "ntpd running (policy on),
    servers ...". Right: fail."""
    assert _ntp(tmp_path, servers) == (
        "fail",
        f"no NTP server off the host: {', '.join(servers)} (loopback or ntpd's local clock "
        "127.127.1.0: the host's own clock)",
    )


@pytest.mark.parametrize(
    "servers",
    [["ntp1.example.org"], ["ntp1.example.org", "127.127.1.0"], ["127.0.0.1.example.org"]],
    ids=["site-server", "local-clock-as-backup", "name-under-a-domain"],
)
def test_ntp_server_off_the_host_held(tmp_path: Path, servers: list[str]) -> None:
    """Held (V16-H2): a site server, with or without the local clock as a backup beside it (the
    stock configuration's use), and a name that only starts like a loopback address (resolved
    by DNS): pass, as before."""
    assert _ntp(tmp_path, servers) == (
        "pass",
        f"ntpd running (policy on), servers {', '.join(servers)}",
    )


# --- V16-3: HVA-433/434 and distributed ports that may override their VLAN ---------------------------


def _tenants(override: bool) -> dict[str, Any]:
    return {
        "key": "dvportgroup-9",
        "name": "Tenants",
        "switch": "dvs1",
        "uplink": False,
        "security": {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": False},
        "vlan": {"kind": "vlan", "id": 30},
        "overrides": {"vlanOverrideAllowed": override},
    }


def _beside_tenants(tmp_path: Path, override: bool) -> Any:
    """A host whose vmk0 carries management alone on a standard port group of VLAN 20 and whose
    vmk1 carries vMotion alone on VLAN 40, with vCenter's distributed port group Tenants on VLAN
    30 (its ports allowed to override their VLAN when `override`)."""
    host = _mgmt_host("esx1", 20)
    del host["name"]
    host["portgroups"].append(
        {"name": "vMotion", "switch": "vSwitch0", "vlan": [40], "trunk": False, "security": {}}
    )
    host["vmknics"].append({"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": ""})
    host["vmknic_traffic"]["vmotion"] = ["vmk1"]
    return _vsphere(tmp_path, host, dvs={"switches": [], "portgroups": [_tenants(override)]})


@pytest.mark.parametrize(
    ("check_id", "service", "where"),
    [("HVA-433", "management", "vmk0 VLAN 20"), ("HVA-434", "vMotion", "vmk1 VLAN 40")],
)
def test_ports_that_may_override_their_vlan_are_asked(
    tmp_path: Path, check_id: str, service: str, where: str
) -> None:
    """vSphere API, VMwareDVSPortgroupPolicy.vlanOverrideAllowed (read with `search`): "Allow the
    setting of vlanId, trunk vlanId, or pvlanId for an individual port to override the setting in
    defaultPortConfig of a portgroup". A port of Tenants may then sit on VLAN 20 (or trunk it)
    whatever the port group's VLAN 30 says, and the ports are not collected; HVA-418 already
    fails the port group for it ("each port may override its VLAN"), and HVA-192 does not credit
    a VM's NIC there (vlan_unknown). HVA-433/434 took the port group's VLAN for every port and
    passed "management alone on vmk0 VLAN 20" ("vMotion alone on vmk1 VLAN 40"). Right: the
    question whether any port of Tenants is on that VLAN."""
    a = _beside_tenants(tmp_path, True)
    label = "management" if service == "management" else "vMotion"
    assert _verdict(a, check_id) == (
        "manual",
        f"{label} alone on {where} by the port groups' VLANs; distributed port group(s) Tenants "
        "let each port override its VLAN (vlanOverrideAllowed), and their ports are not read",
    )
    vlan = where.rsplit(" ", 1)[1]
    assert _question(a, check_id) == (
        f"Is every port of distributed port group(s) Tenants off VLAN(s) {vlan} of host esx1's "
        f"{service} VMkernel adapter(s), none set to that VLAN or to a trunk or private VLAN that "
        f"carries it, and does each {service} adapter's own port keep its port group's VLAN? "
        "Evidence: the vSphere Client, each listed port group's Ports tab (the VLAN ID of each "
        "port, VMs' and VMkernel adapters'), or each port's config.setting.vlan "
        "(DistributedVirtualSwitch.FetchDVPorts). Pass: yes; fail: a port of theirs is on, or "
        f"trunks, that VLAN, or a {service} adapter's port is on another."
    )


@pytest.mark.parametrize(
    ("check_id", "want"),
    [("HVA-433", "management alone on vmk0 VLAN 20"), ("HVA-434", "vMotion alone on vmk1 VLAN 40")],
)
def test_ports_held_to_their_port_group_vlan_held(tmp_path: Path, check_id: str, want: str) -> None:
    """Held (V16-H3): Tenants' ports keep its VLAN (vlanOverrideAllowed false): pass, as
    before."""
    assert _verdict(_beside_tenants(tmp_path, False), check_id) == ("pass", want)


# --- V16-4: HVA-433/434 and the VMkernel services beyond the six they listed --------------------------


def _services(tmp_path: Path, mgmt: list[str], vmotion: list[str]) -> Any:
    """The V16-3 host (vmk0 management on VLAN 20, vmk1 vMotion on VLAN 40, Tenants held to VLAN
    30), with the further services `mgmt` selected on vmk0 and `vmotion` on vmk1, and NVMe over
    TCP on a vmk2 of its own (VLAN 50)."""
    host = _mgmt_host("esx1", 20)
    del host["name"]
    host["portgroups"] += [
        {"name": "vMotion", "switch": "vSwitch0", "vlan": [40], "trunk": False, "security": {}},
        {"name": "NVMe", "switch": "vSwitch0", "vlan": [50], "trunk": False, "security": {}},
    ]
    host["vmknics"] += [
        {"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": ""},
        {"device": "vmk2", "portgroup": "NVMe", "dvs_portgroup": ""},
    ]
    traffic: dict[str, list[str]] = {
        "management": ["vmk0"],
        "vmotion": ["vmk1"],
        "nvmeTcp": ["vmk2"],
    }
    for service in mgmt:
        traffic.setdefault(service, []).append("vmk0")
    for service in vmotion:
        traffic.setdefault(service, []).append("vmk1")
    host["vmknic_traffic"] = traffic
    return _vsphere(tmp_path, host, dvs={"switches": [], "portgroups": [_tenants(False)]})


@pytest.mark.parametrize("service", ["nvmeTcp", "vSphereBackupNFC", "vsanWitness", "ptp"])
def test_management_vmknic_with_another_service_fails(tmp_path: Path, service: str) -> None:
    """vSphere 8 STIG ESXI-80-000198 (read with `read_file`): "If any services are enabled on
    any Management VMkernel adapter, this is a finding"; DISA's InSpec for it counts
    VSphereBackupNFCEnabled among them. HostVirtualNicManagerNicType (vSphere API, read with
    `search`) lists nvmeTcp ("NVMe over TCP traffic"), vSphereBackupNFC, vsanWitness and ptp
    besides the six HVA-433 looked for (OTHER_TRAFFIC), so a management adapter also carrying
    one passed "management alone on vmk0 VLAN 20". Right: fail naming it."""
    a = _services(tmp_path, [service], [])
    assert _verdict(a, "HVA-433") == ("fail", f"vmk0 also carries {service}")


def test_vmotion_vmknic_with_backup_nfc_fails(tmp_path: Path) -> None:
    """V16-4 for HVA-434: DISA's InSpec for ESXI-80-000160 (read with `read_file`) finds a vMotion
    adapter with "VSphereBackupNFCEnabled" (or management, FT, vSAN, replication) enabled. It
    passed "vMotion alone on vmk1 VLAN 40". Right: fail."""
    a = _services(tmp_path, [], ["vSphereBackupNFC"])
    assert _verdict(a, "HVA-434") == ("fail", "vmk1 also carries vSphereBackupNFC")


def test_services_on_adapters_of_their_own_held(tmp_path: Path) -> None:
    """Held (V16-H4): NVMe over TCP on an adapter and VLAN of its own: management and vMotion
    still pass."""
    a = _services(tmp_path, [], [])
    assert _verdict(a, "HVA-433") == ("pass", "management alone on vmk0 VLAN 20")
    assert _verdict(a, "HVA-434") == ("pass", "vMotion alone on vmk1 VLAN 40")


def test_known_services_come_first(tmp_path: Path) -> None:
    """V16-4, the message: the six services HVA-433 listed keep their order, the others follow."""
    a = _services(tmp_path, ["vSphereBackupNFC", "vmotion"], [])
    assert _verdict(a, "HVA-433") == ("fail", "vmk0 also carries vmotion, vSphereBackupNFC")


# --- V16-5: HVA-433/434 and an untagged adapter beside untagged port groups of its own switch ---------


def _untagged(tmp_path: Path, vm_vlan: int, vm_switch: str = "vSwitch0") -> Any:
    """ESXi's default layout (govmomi's simulator esx.HostConfigInfo, as the vcsim cluster hosts
    show it): "Management Network" (vmk0, management) and "VM Network" on vSwitch0, both VLAN 0;
    here VM Network is on VLAN `vm_vlan` of `vm_switch`, and vMotion has vmk1 on an untagged
    port group of vSwitch1."""
    return _vsphere(
        tmp_path,
        {
            "portgroups": [
                {"name": "Management Network", "switch": "vSwitch0", "vlan": [], "trunk": False},
                {
                    "name": "VM Network",
                    "switch": vm_switch,
                    "vlan": [vm_vlan] if vm_vlan else [],
                    "trunk": False,
                },
                {"name": "vMotion", "switch": "vSwitch1", "vlan": [], "trunk": False},
            ],
            "vmknics": [
                {"device": "vmk0", "portgroup": "Management Network", "dvs_portgroup": ""},
                {"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": ""},
            ],
            "vmknic_traffic": {"management": ["vmk0"], "vmotion": ["vmk1"]},
        },
    )


def test_untagged_management_beside_an_untagged_vm_port_group_fails(tmp_path: Path) -> None:
    """vSphere API HostPortGroupSpec.vlanId (read with `search`): "A value of 0 specifies that you
    do not want the port group associated with a VLAN": two such port groups of one standard
    vSwitch exchange untagged frames inside it, before any physical switch sees them. ESXi's
    default layout (govmomi's simulator esx.HostConfigInfo) has "VM Network" and "Management
    Network" both so on vSwitch0: VMs on the management segment (ESXI-80-000198: "If there are
    any other systems or devices such as VMs on the ESXi management segment, this is a
    finding"). HVA-433 asked whether the physical switch port keeps the untagged segment to
    management (a "yes" there passed it). Right: fail naming VM Network."""
    a = _untagged(tmp_path, 0)
    assert _verdict(a, "HVA-433") == (
        "fail",
        "vmk0 untagged, shared on its switch with port group VM Network",
    )


def test_untagged_adapters_on_switches_of_their_own_held(tmp_path: Path) -> None:
    """Held (V16-H5): VM Network on VLAN 20, or untagged on another vSwitch (other uplinks, so
    possibly another physical network): the physical-switch question stays; vMotion alone
    untagged on vSwitch1 is asked too."""
    for n, (vlan, switch) in enumerate(((20, "vSwitch0"), (0, "vSwitch2"))):
        a = _untagged(tmp_path / str(n), vlan, switch)
        assert _verdict(a, "HVA-433") == (
            "manual",
            "vmk0 (port group Management Network): untagged",
        )
        assert _verdict(a, "HVA-434") == ("manual", "vmk1 (port group vMotion): VLAN 0")


def test_untagged_vmotion_beside_untagged_port_groups_fails(tmp_path: Path) -> None:
    """V16-5 for HVA-434: vmk1 (vMotion) untagged on vSwitch0 beside the untagged Management
    Network (vmk0, another service) and VM Network: fail naming both."""
    b = _vsphere(
        tmp_path,
        {
            "portgroups": [
                {"name": "Management Network", "switch": "vSwitch0", "vlan": [], "trunk": False},
                {"name": "VM Network", "switch": "vSwitch0", "vlan": [], "trunk": False},
                {"name": "vMotion", "switch": "vSwitch0", "vlan": [], "trunk": False},
            ],
            "vmknics": [
                {"device": "vmk0", "portgroup": "Management Network", "dvs_portgroup": ""},
                {"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": ""},
            ],
            "vmknic_traffic": {"management": ["vmk0"], "vmotion": ["vmk1"]},
        },
    )
    assert _verdict(b, "HVA-434") == (
        "fail",
        "vmk1 untagged, shared on its switch with port group Management Network, port group VM "
        "Network",
    )
