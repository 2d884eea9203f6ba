"""Red-team round 13 on VMware: ground rounds 10-12 (tests/test_redteam1{0,1,2}_vmw_probes.py) and
their leads (tests/test_vmw_leads.py) did not probe. Each probe names the source it rests on (read
with `search`, `find_string`, `read_file`) and asserts the exact verdict; each finding's probe
failed on the code before its fix (main 47c8398).

Findings:

- V13-1 (false pass): HVA-423 passed a Security.PasswordQualityControl with passwdqc's
  enforce=none (weak passwords only warned about) or enforce=users (not enforced for root); the
  check read min= and similar= only. Either now fails.
- V13-2 (false pass): HVA-425 counted accessAdmin entries only; a principal of access mode
  accessOther (a custom role on the host, which may hold every privilege) was neither counted nor
  named. Where counting them would exceed the limit, the count is now a question naming them.
- V13-3 (false pass): a VM's NIC on a distributed port group was rendered and matched by the
  port group's name, which repeats across datacenters, and the collector records every
  distributed port group of vCenter on each host: the last one of that name read stood for the
  VM's. A VM on a trunk named like a VLAN-20 port group elsewhere passed HVA-192 ("none
  trunked") and was credited by HVA-191 with stopping MAC spoofing; its port-override flags were
  looked up by name too. The collector now renders `ethernetN.dvs.portgroupId` (the key, as a
  .vmx records it) and keys the host record's distributed port groups; a name shared on a host
  becomes "NAME (KEY)", and the NIC and its override flags are matched by key.
- V13-4 (robustness): HVA-402 crashed on `tools.setInfo.sizeLimit = "²"` (str.isdigit() is true
  of it, int() refuses it); only ASCII digits are read as a number now.
- V13-5 (wrong fail on a hardened host): HVA-431 failed every running SNMP agent; vSphere 8 STIG
  ESXI-80-000212 finds SNMP only when unused or not on v3 targets with authentication, which
  only esxcli shows. SLP and CIM stay strict (ESXI-80-000231, ESXI-80-000228); an SNMP agent
  that runs beside them stopped is now a question for its versions and targets.
- V13-6 (false pass): HVA-433 and HVA-434 counted every distributed port group of vCenter on the
  management (vMotion) VLAN but only this host's standard port groups: esx1's management passed
  "alone on vmk0 VLAN 20" while esx2's VM port group was on VLAN 20. Another host's VM port
  group on that VLAN id (or on VLAN 4095) is now a question for the physical network (in the
  vcsim world, DC0_H1's VLAN 4095 Sniffer makes DC0_H0's HVA-433/434 that question).
- V13-7 (false pass): HVA-425 counted a directory group with the Admin role on the host as one
  principal: root plus CORP\\vsphere-admins passed "2 principal(s)" whatever the group holds.
  HY-SR-14 counts accounts; an administrators' group within the limit is now a question for its
  members.
- V13-8 (wrong n/a): a .vmx saved with a UTF-8 byte order mark was refused at its first line and
  the whole VM dropped (every VM check n/a "no vm on this host to evaluate", one parse error);
  the mark is now skipped.

Held (passing before and after): the twins of V13-1 (enforce=users then everyone), V13-2
(accessOther within the limit), V13-3 (the VM on the VLAN-20 one of two "Prod"), V13-5 (CIM
beside SNMP fails), V13-6 (another host's port group on another VLAN), V13-7 (an admin group
beyond the limit fails); V13-H1..H6 (TSM-SSH policy automatic, ntpd policy automatic, a ruleset
open to ::/0, AD membership clientTrustBroken, DCUI.Access beyond root, CommunitySupported VIBs);
V13-H7 (an extraConfig isolation key in another case); V13-H8 (a network serial port spelled
NETWORK/SERVER).

Probes: 24 test cases (18 functions). 10 failed on the code at the start of the round (main
47c8398), at least one per finding; 14 held.

Leads left (not settled in the time):
- HVA-434: a vmknic on the vMotion TCP/IP stack may carry vMotion without being listed under
  virtualNicManagerInfo's vmotion nicType; the check would then be n/a "no vmknic is tagged for
  vMotion" (not verified against an ESXi host).
- HVA-433/434 count every distributed port group of vCenter and (V13-6) other hosts' standard
  ones; hosts in separate physical networks (another site) are not told apart: the host's switch
  membership (config.network.proxySwitch; vcsim records DvsName only) is not read.
- SNMP (V13-5): through a direct host connection HostSnmpSystem.configuration shows
  readOnlyCommunities (v1/v2c); reading it would turn the question into a fail where a community
  is set.
- str.isdigit() accepts "²", which int() refuses (V13-4): the same guard appears outside the
  VMware checks (checks/resources.py, hardening.py, devices.py, management.py, network.py,
  proxmox.py, parse/host.py); each may crash on such a value (not checked one by one).
- HVA-425 counts an exception user who also holds accessAdmin twice (a wrong fail only where the
  distinct accounts are within the limit).
- HVA-422 passes a domain-qualified 'CORP\\ESX Admins' as a dedicated group; whether ESXi resolves
  it to the group CVE-2024-37085 abuses was not settled.
- The .vmx parser drops a whole VM for any line it cannot read; what VMware's dictionary does
  with such a line (skip it, or refuse the file) was not read.
- Not read by any check: VM fault-tolerance encryption (config.ftEncryptionMode), VM logging
  (logging, log.keepOld, log.rotateSize), tools.guest.desktop.autolock, ethernetN.filterN.name,
  the ESXi SSH daemon settings (ESXI-80-000202..211), key persistence and the dcui account's
  shell (vSphere 8 STIG V2R1 additions V-265975, V-265976).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_assessment
from hvaudit.bundle import BundleWriter
from hvaudit.engine import Assessment
from test_redteam11_vmw_probes import _question, _verdict
from test_vmx import scan


def _vsphere(
    tmp_path: Path,
    host: dict[str, Any],
    *,
    dvs: dict[str, Any] | None = None,
    vmx: str | None = None,
) -> Assessment:
    """One ESXi host record as collect/vsphere.py writes it (vmware/hosts/host-1.json), with
    vCenter's distributed switches and one VM's rendered .vmx when given."""
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    writer.add(
        "vmware/hosts/host-1.json", json.dumps({"name": "esx1", **host}).encode(), origin="t"
    )
    if dvs is not None:
        writer.add("vmware/dvs.json", json.dumps(dvs).encode(), origin="t")
    if vmx is not None:
        writer.add("vmware/vmx/host-1/vm-1.vmx", vmx.encode(), origin="t")
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


# --- V13-1: HVA-423 and passwdqc's enforce= ---------------------------------------------------------

LOCKOUT = {
    "Security.AccountLockFailures": 3,
    "Security.AccountUnlockTime": 900,
    "Security.PasswordHistory": 5,
}
STIG_QUALITY = "similar=deny retry=3 min=disabled,disabled,disabled,disabled,15 max=64"


@pytest.mark.parametrize(
    ("enforce", "who"),
    [("none", "anyone"), ("users", "root")],
)
def test_password_quality_not_enforced(tmp_path: Path, enforce: str, who: str) -> None:
    """passwdqc.conf(5), PAM module options (github:openwall/passwdqc, read with `read_file`):
    "enforce=none|users|everyone (default: enforce=everyone) The PAM module can be configured to
    warn of weak passwords only, but not actually enforce strong passwords. The users setting
    will enforce strong passwords for invocations by non-root users only"; pam_passwdqc.c (read
    with `find_string`): `if (am_root(pamh)) enforce = params.pam.flags & F_ENFORCE_ROOT`.
    ESXi passes Security.PasswordQualityControl to pam_passwdqc (vSphere 8.0 Security, "See the
    man page for pam_passwdqc for details", read with `search`). The STIG's value with
    enforce=none appended accepts `password` as root's password with a warning; HVA-423 read
    min= and similar= only and passed "locks after 3 failures for 900 s; history 5". Right:
    fail naming enforce=."""
    quality = f"{STIG_QUALITY} enforce={enforce}"
    a = _vsphere(tmp_path, {"advanced": LOCKOUT | {"Security.PasswordQualityControl": quality}})
    assert _verdict(a, "HVA-423") == (
        "fail",
        f"Security.PasswordQualityControl has enforce={enforce}: weak passwords are only "
        f"warned about when {who} sets them",
    )


def test_password_quality_enforced_for_everyone(tmp_path: Path) -> None:
    """Twin of V13-1 (held): enforce=users then enforce=everyone (passwdqc_parse.c clears the
    mode at each enforce=, so the last one holds): pass, as before."""
    quality = f"enforce=users {STIG_QUALITY} enforce=everyone"
    a = _vsphere(tmp_path, {"advanced": LOCKOUT | {"Security.PasswordQualityControl": quality}})
    assert _verdict(a, "HVA-423") == ("pass", "locks after 3 failures for 900 s; history 5")


# --- V13-2: HVA-425 and principals with other roles on the host (accessOther) -----------------------


def _host_access(*others: str) -> dict[str, Any]:
    entries = [
        {"principal": "root", "group": False, "mode": "accessAdmin"},
        {"principal": "vpxuser", "group": False, "mode": "accessAdmin"},
        {"principal": "dcui", "group": False, "mode": "accessAdmin"},
    ]
    entries += [{"principal": p, "group": False, "mode": "accessOther"} for p in others]
    return {"host_access": {"entries": entries, "lockdown_exceptions": []}}


def test_custom_role_principals_are_not_left_out(tmp_path: Path) -> None:
    """vSphere API, HostAccessMode (read with `search`): accessAdmin "Describes a propagating
    Admin role on the root inventory object (root folder) on the host, and no other non-Admin
    role on any other object"; accessOther "Describes a combination of one or more
    roles/permissions which are none of the above": a custom role holding every privilege is
    accessOther. root, vpxuser and dcui (3, the default limit) plus `ops` with such a role
    passed HVA-425 as "3 principal(s) with host administration": ops was not counted nor
    named. Right: a question naming ops."""
    a = _vsphere(tmp_path, _host_access("ops"))
    assert _verdict(a, "HVA-425") == (
        "manual",
        "3 principal(s) with host administration (dcui, root, vpxuser); with other roles on "
        "the host (accessOther): ops: whether they administer it is not read",
    )
    assert _question(a, "HVA-425").startswith(
        "Do the roles of ops on host esx1 (access mode accessOther: custom roles) leave them "
        "without administration of the host"
    )


def test_custom_role_within_the_limit_passes(tmp_path: Path) -> None:
    """Twin of V13-2 (held): root plus `ops` with a custom role: 2 even if ops administers the
    host, within the limit of 3: pass, as before."""
    access = _host_access("ops")
    access["host_access"]["entries"] = [
        e for e in access["host_access"]["entries"] if e["principal"] in ("root", "ops")
    ]
    a = _vsphere(tmp_path, access)
    assert _verdict(a, "HVA-425") == ("pass", "1 principal(s) with host administration (root)")


# --- V13-4: HVA-402 and a size limit of non-ASCII digits -------------------------------------------


def test_setinfo_size_limit_in_superscript_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's str.isdigit() is true of "²" (Unicode digit, not decimal), which int() refuses:
    HVA-402 crashed on `tools.setInfo.sizeLimit = "²"` ("check crashed: ValueError", the
    scan's exit code 3). VMware reads the limit as a number (strtol reads no digit there); what
    it then uses is not settled, so the value is not known to be at most 1 MB. Right: fail
    naming the value, as for any other text."""
    folder = tmp_path / "dc"
    folder.mkdir()
    (folder / "v1.vmx").write_text(
        'displayName = "v1"\ntools.setInfo.sizeLimit = "\u00b2"\nRemoteDisplay.maxConnections = "1"\n'
    )
    _, report = scan(folder, capsys)
    (got,) = [
        (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] == "HVA-402" and r["subject"]["name"] == "v1"
    ]
    # strtol reads no digit: 0 (leads15: a zero limit is a fail of its own)
    assert got == (
        "fail",
        "tools.setInfo.sizeLimit = \u00b2 (VMware reads 0: no documented limit; VMCH-80-000196 "
        "asks for 1048576)",
    )


# --- V13-3: two distributed port groups of one name (two datacenters) ------------------------------


def _dv_group(name: str, *, trunk: bool, forged: bool, override: bool = False) -> dict[str, Any]:
    """A distributed port group's properties as the collector retrieves them (DVPG_PATHS), over
    real pyVmomi objects: on a trunk of every VLAN or on VLAN 20; forged transmits as given."""
    from pyVmomi import vim

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    vlan = (
        dvs.TrunkVlanSpec(vlanId=[vim.NumericRange(start=0, end=4094)])
        if trunk
        else dvs.VlanIdSpec(vlanId=20)
    )
    mac = dvs.MacManagementPolicy(allowPromiscuous=False, macChanges=False, forgedTransmits=forged)
    policy = dvs.VMwarePortgroupPolicy(
        blockOverrideAllowed=False,
        shapingOverrideAllowed=False,
        vendorConfigOverrideAllowed=False,
        livePortMovingAllowed=False,
        portConfigResetAtDisconnect=True,
        vlanOverrideAllowed=False,
        uplinkTeamingOverrideAllowed=False,
        securityPolicyOverrideAllowed=False,
        ipfixOverrideAllowed=False,
        macManagementOverrideAllowed=override,
    )
    return {
        "name": name,
        "config.defaultPortConfig": dvs.VmwarePortConfigPolicy(vlan=vlan, macManagementPolicy=mac),
        "config.policy": policy,
        "config.uplink": False,
    }


def _two_prods(tmp_path: Path, key: str, *, first: dict[str, bool] | None = None) -> Assessment:
    """vCenter with two datacenters, each with a distributed port group named Prod:
    dvportgroup-10 (trunks every VLAN, accepts forged transmits) and dvportgroup-20 (VLAN 20,
    rejects all). One VM on `key`. The host record (_host_record), dvs.json (_dvs_record) and
    the VM's .vmx (render_vmx) are the collector's own, over pyVmomi objects."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record, _host_record, render_vmx

    dvpgs = {
        "dvportgroup-10": _dv_group("Prod", **(first or {"trunk": True, "forged": True})),
        "dvportgroup-20": _dv_group("Prod", trunk=False, forged=False),
    }
    nic = vim.vm.device.VirtualVmxnet3(
        key=4000,
        macAddress="00:50:56:aa:00:01",
        backing=vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(
            port=vim.dvs.PortConnection(portgroupKey=key, switchUuid="u")
        ),
    )
    props = {"name": "vm-1", "config.hardware.device": [nic], "config.extraConfig": []}
    host = _host_record({"name": "esx1"}, dvpgs)
    return _vsphere(tmp_path, host, dvs=_dvs_record([], dvpgs), vmx=render_vmx(props, dvpgs))


def test_vm_on_a_trunk_named_like_another_port_group(tmp_path: Path) -> None:
    """vSphere API: a distributed port group is known by its key ("dvportgroup-N", the
    PortConnection.portgroupKey of a VM's NIC); a .vmx records that key
    (`ethernet0.dvs.portgroupId = "dvportgroup-75"`, VMware .vmx files read with
    `find_string`). Its name is unique only within its datacenter's network folder, and the
    collector records every distributed port group of vCenter on every host. The VM's NIC was
    rendered by name only and matched by (host, name): the last "Prod" read (dvportgroup-20,
    VLAN 20) stood for the VM's dvportgroup-10, which trunks every VLAN, and HVA-192 passed
    "1 interface(s), none trunked", and HVA-191 asked about IP and ARP only, saying "MAC
    spoofing stopped at the port" of a port group that accepts forged transmits. Right: the NIC
    is matched by key, and both fail."""
    a = _two_prods(tmp_path, "dvportgroup-10")
    assert _verdict(a, "HVA-192", "vm-1") == (
        "fail",
        "00:50:56:aa:00:01: inherits trunk of VLANs [0] from network Prod (dvportgroup-10)",
    )
    assert _verdict(a, "HVA-191", "vm-1") == (
        "fail",
        "00:50:56:aa:00:01: filter 'port group Prod (dvportgroup-10) security policy' does not "
        "stop MAC spoofing (ARP/IP spoofing: not enforceable at the port)",
    )


def test_vm_on_the_secure_one_of_two_port_groups_named_alike(tmp_path: Path) -> None:
    """Twin of V13-3 (held in verdict): the VM on dvportgroup-20 (VLAN 20): HVA-192 passes."""
    a = _two_prods(tmp_path, "dvportgroup-20")
    assert _verdict(a, "HVA-192", "vm-1") == ("pass", "1 interface(s), none trunked")


def test_vm_port_override_read_from_its_own_port_group(tmp_path: Path) -> None:
    """V13-3, the port-override flags (VMwareDVSPortgroupPolicy macManagementOverrideAllowed,
    V10-14): both Prod port groups on VLAN 20 rejecting forged transmits, dvportgroup-10 (the
    VM's) letting each port override its policy. dvs.json's overrides were looked up by name, so
    dvportgroup-20's (no override) stood for the VM's and HVA-191 credited the port group with
    stopping MAC spoofing. Right: the port's policy is not known."""
    a = _two_prods(
        tmp_path, "dvportgroup-10", first={"trunk": False, "forged": False, "override": True}
    )
    assert _verdict(a, "HVA-191", "vm-1") == (
        "manual",
        "distributed port group Prod (dvportgroup-10) lets each port override its security "
        "policy; the VM's own port is not read",
    )


# --- V13-5: HVA-431 and an SNMP agent on SNMPv3 ----------------------------------------------------

OFF = {"running": False, "policy": "off"}
ON = {"running": True, "policy": "on"}


def test_snmp_agent_running_is_a_question(tmp_path: Path) -> None:
    """vSphere 8 STIG ESXI-80-000212 (SV-258767, the DISA check text as published in an InSpec
    profile, read with `find_string`/`read_file`): "If SNMP is not in use and is enabled, this is
    a finding. If SNMP is enabled and is not using v3 targets with authentication, this is a
    finding. Note: SNMP v3 targets can only be viewed and configured via the esxcli command."
    A host whose SNMP agent runs for its monitoring system on SNMPv3 with authentication meets
    it; HVA-431 failed every running snmpd ("enabled: SNMP (snmpd: running, policy on)"), a
    wrong fail on such a host. Right: a question for its SNMP configuration (SLP and CIM stay
    strict: ESXI-80-000231, ESXI-80-000228 "does not have a Policy of off or is running")."""
    a = _vsphere(tmp_path, {"services": {"slpd": OFF, "sfcbd-watchdog": OFF, "snmpd": ON}})
    assert _verdict(a, "HVA-431") == (
        "manual",
        "slpd and sfcbd-watchdog stopped, policy off; enabled: SNMP (snmpd: running, policy "
        "on): its SNMP versions and targets are not read",
    )
    assert _question(a, "HVA-431").startswith(
        "Is SNMP on host esx1 in use, with v3 targets with authentication only?"
    )


def test_cim_running_beside_snmp_still_fails(tmp_path: Path) -> None:
    """Twin of V13-5 (held): CIM running as well: fail, naming both, as before."""
    a = _vsphere(tmp_path, {"services": {"slpd": OFF, "sfcbd-watchdog": ON, "snmpd": ON}})
    assert _verdict(a, "HVA-431") == (
        "fail",
        "enabled: CIM (sfcbd-watchdog: running, policy on), SNMP (snmpd: running, policy on)",
    )


# --- held: probes of the same kinds that hvaudit already answered right ----------------------------

SSH_OFF = {"TSM": OFF}


@pytest.mark.parametrize(
    ("check_id", "host", "want"),
    [
        # ESXI-80-000194: SSH stopped AND policy off; "automatic" starts it with its ports
        (
            "HVA-410",
            {"services": SSH_OFF | {"TSM-SSH": {"running": False, "policy": "automatic"}}},
            ("fail", "shell access enabled: TSM-SSH (stopped, policy automatic)"),
        ),
        # ESXI-80-000124: ntpd running with policy on ("Start and stop with host")
        (
            "HVA-419",
            {
                "ntp": {"servers": ["ntp1.example"], "protocol": "ntp"},
                "services": {"ntpd": {"running": True, "policy": "automatic"}},
            },
            ("fail", "ntpd running, policy automatic"),
        ),
        # HostFirewallRulesetIpNetwork ::/0 admits every IPv6 source, as allIp does
        (
            "HVA-412",
            {
                "firewall": {
                    "incoming_blocked": True,
                    "rulesets": [
                        {
                            "key": "sshServer",
                            "enabled": True,
                            "all_ip": False,
                            "networks": ["10.0.0.0/24", "::/0"],
                            "ip_list_configurable": True,
                        }
                    ],
                }
            },
            ("fail", "1 enabled ruleset(s) open to any address: sshServer"),
        ),
        # domainMembershipStatus other than ok (HostActiveDirectoryInfo)
        (
            "HVA-422",
            {
                "directory": [
                    {
                        "type": "ActiveDirectoryInfo",
                        "enabled": True,
                        "domain": "corp.example",
                        "status": "clientTrustBroken",
                    }
                ],
                "advanced": {"Config.HostAgent.plugins.hostsvc.esxAdminsGroup": "esx-ops"},
            },
            ("fail", "joined to corp.example, membership clientTrustBroken"),
        ),
        # ESXI-80-000189: DCUI.Access lists root only
        (
            "HVA-424",
            {"advanced": {"DCUI.Access": "root, ops"}},
            ("fail", "DCUI.Access = ops, root"),
        ),
        # ESXI-80-000133: CommunitySupported installs unsigned VIBs
        (
            "HVA-426",
            {"acceptance": {"level": "community"}},
            ("fail", "acceptance level community: unsigned VIBs install"),
        ),
    ],
)
def test_host_settings_held(
    tmp_path: Path, check_id: str, host: dict[str, Any], want: tuple[str, str]
) -> None:
    """Held probes (V13-H1..H6): each an insecure value of a kind earlier rounds did not try;
    each already failed before this round."""
    assert _verdict(_vsphere(tmp_path, host), check_id) == want


def test_extra_config_key_in_another_case_held(tmp_path: Path) -> None:
    """Held (V13-H7): an advanced setting whose key the API reports in another case
    (`Isolation.Tools.Paste.Disable = FALSE`, extraConfig "transferred directly to the .vmx
    file"; VMware's dictionary is case-insensitive) is read by render_vmx and the parser as the
    key HVA-401 checks: fail."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    props = {
        "name": "vm-1",
        "config.extraConfig": [
            vim.option.OptionValue(key="Isolation.Tools.Paste.Disable", value="FALSE")
        ],
    }
    a = _vsphere(tmp_path, {}, vmx=render_vmx(props, {}))
    assert _verdict(a, "HVA-401", "vm-1") == (
        "fail",
        "set to FALSE: isolation.tools.paste.disable",
    )


def test_network_serial_port_in_upper_case_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held (V13-H8): a network serial port it serves, spelled `NETWORK` / `SERVER` (VMware's
    string values compared without case by hvaudit, as V10-8's libvirt vmx.c table reads them):
    HVA-031 asks about it, as for the lower-case spelling."""
    folder = tmp_path / "dc"
    folder.mkdir()
    (folder / "v1.vmx").write_text(
        'displayName = "v1"\nserial0.present = "TRUE"\nserial0.fileType = "NETWORK"\n'
        'serial0.fileName = "telnet://:2323"\nserial0.network.endPoint = "SERVER"\n'
    )
    _, report = scan(folder, capsys)
    (got,) = [
        (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] == "HVA-031" and r["subject"]["name"] == "v1"
    ]
    assert got == (
        "manual",
        # no host version: RemoteDisplay.vnc.enabled is the host's question too (L16-10)
        "no RemoteDisplay.vnc.enabled in the .vmx (the host's /etc/vmware/config decides); but "
        "network serial port(s) served on the host: serial0 (telnet://:2323)",
    )


# --- V13-6: HVA-433 and another host's VM port group on the management VLAN ------------------------

SECURE = {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": False}


def _mgmt_host(name: str, mgmt_vlan: int, *extra: dict[str, Any]) -> dict[str, Any]:
    """A host record (collect/vsphere.py) whose vmk0 carries management alone on a standard port
    group of VLAN `mgmt_vlan`, with the `extra` port groups beside it."""
    return {
        "name": name,
        "portgroups": [
            {
                "name": "Management Network",
                "switch": "vSwitch0",
                "vlan": [mgmt_vlan],
                "trunk": False,
                "security": SECURE,
            },
            *extra,
        ],
        "vmknics": [{"device": "vmk0", "portgroup": "Management Network", "dvs_portgroup": ""}],
        "vmknic_traffic": {"management": ["vmk0"]},
    }


def _two_hosts(tmp_path: Path, legacy_vlan: int) -> Assessment:
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    legacy = {
        "name": "Legacy",
        "switch": "vSwitch0",
        "vlan": [legacy_vlan],
        "trunk": False,
        "security": SECURE,
    }
    for hid, record in (
        ("host-1", _mgmt_host("esx1", 20)),
        ("host-2", _mgmt_host("esx2", 30, legacy)),
    ):
        writer.add(f"vmware/hosts/{hid}.json", json.dumps(record).encode(), origin="t")
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def test_management_vlan_on_another_hosts_vm_port_group(tmp_path: Path) -> None:
    """vSphere API HostPortGroupSpec.vlanId (read with `search`): "The VLAN ID for ports using
    this port group": the id tags the frames on the physical network the host's uplinks reach,
    where it is one segment for every host that network carries it to. HVA-433 counts every
    distributed port group of vCenter (R10-13) but only this host's standard ones: esx1's
    management on VLAN 20 passed "management alone on vmk0 VLAN 20" while esx2's VM port group
    Legacy is on VLAN 20 (esx2's own management on VLAN 30 passed too). Whether one physical
    network carries VLAN 20 to both is not in the evidence. Right: a question naming it."""
    a = _two_hosts(tmp_path, 20)
    assert _verdict(a, "HVA-433") == (
        "manual",
        "vmk0 VLAN 20 is also on port group Legacy of host esx2",
    )
    assert _question(a, "HVA-433").startswith(
        "Do the listed port groups of other hosts reach a different physical network from host "
        "esx1's management VMkernel adapter"
    )


def test_management_vlan_not_on_another_hosts_port_groups(tmp_path: Path) -> None:
    """Twin of V13-6 (held): esx2's Legacy on VLAN 40: esx1 passes, as before."""
    a = _two_hosts(tmp_path, 40)
    assert _verdict(a, "HVA-433") == ("pass", "management alone on vmk0 VLAN 20")


# --- V13-7: HVA-425 and a group with the Admin role ------------------------------------------------


def test_admin_group_members_are_not_counted_as_one(tmp_path: Path) -> None:
    """vSphere API HostAccessControlEntry (read with `search`): principal "User or group having
    the described access mode", group "True if 'principal' describes a group account"; HY-SR-14
    counts the accounts with direct host access (two or three). root plus the directory group
    CORP\\vsphere-admins with accessAdmin (every member an administrator of the host) passed
    HVA-425 as "2 principal(s) with host administration", within the limit of 3, whatever the
    group holds. Right: a question for the group's members."""
    access = {
        "host_access": {
            "entries": [
                {"principal": "root", "group": False, "mode": "accessAdmin"},
                {"principal": "CORP\\vsphere-admins", "group": True, "mode": "accessAdmin"},
            ],
            "lockdown_exceptions": [],
        }
    }
    a = _vsphere(tmp_path, access)
    assert _verdict(a, "HVA-425") == (
        "manual",
        "2 principal(s) with host administration (CORP\\vsphere-admins, root): group(s) "
        "CORP\\vsphere-admins among them, whose members are not read",
    )
    assert _question(a, "HVA-425").startswith(
        "Do at most 3 accounts administer host esx1 directly, the members of group(s) "
        "CORP\\vsphere-admins and the lockdown exception users included?"
    )


def test_admin_group_beyond_the_limit_fails(tmp_path: Path) -> None:
    """Twin of V13-7 (held): root, vpxuser, dcui and an admin group: 4 principals, more than 3,
    fail, as before (the group counts at least once)."""
    access = _host_access()
    access["host_access"]["entries"].append(
        {"principal": "CORP\\vsphere-admins", "group": True, "mode": "accessAdmin"}
    )
    a = _vsphere(tmp_path, access)
    assert _verdict(a, "HVA-425") == (
        "fail",
        "4 principal(s) with host administration (CORP\\vsphere-admins, dcui, root, vpxuser) "
        "(more than 3)",
    )


# --- V13-8: a .vmx saved with a UTF-8 byte order mark -----------------------------------------------


def test_vmx_with_a_byte_order_mark_is_assessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .vmx edited and saved by an editor that writes a UTF-8 byte order mark (U+FEFF, the
    encoding's signature) began `\\ufeff.encoding = "UTF-8"`; the parser refused that first line
    as "not a 'key = "value"' line" and dropped the whole VM, so every VM check was n/a "no vm on
    this host to evaluate" (with one parse error) for a VM whose clipboard is open. Right: the
    mark is skipped and the VM assessed."""
    folder = tmp_path / "dc"
    folder.mkdir()
    (folder / "v3.vmx").write_bytes(
        b'\xef\xbb\xbf.encoding = "UTF-8"\ndisplayName = "bom"\n'
        b'isolation.tools.copy.disable = "FALSE"\n'
    )
    _, report = scan(folder, capsys)
    (got,) = [
        (r["subject"]["name"], r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] == "HVA-401"
    ]
    assert got == ("bom", "fail", "set to FALSE: isolation.tools.copy.disable")
