"""Thirty-fifth red-team review, VMware ESXi (r35-esx): HVA-419 where the time daemon's
service state is not reported; HVA-417 and HVA-418 for a distributed port group whose own
question was asked and whose override flags were not; HVA-422's question where the
administrators group is not reported; HVA-429 where tpmSupported is not reported; HVA-412
where incomingBlocked is not reported; HVA-413 where one time-out is not reported; HVA-436
where config.product is not reported.

Harness: one ESXi host record as collect/vsphere.py writes it (vmware/hosts/host-1.json), its
time record from the collector's own _ntp over a real pyVmomi vim.host.DateTimeInfo, the bundle
writer and the engine (test_redteam11_vmw_probes._vsphere). A yes-probe answers the question
main asked (the unknown's own) in an attestation TOML read by the CLI's loader and applied with
waivers.apply_attestations (test_r34_elif_probes._attest_yes), and asserts the exact status and
message after it. R35E-2: a distributed port group in vCenter's record (vmware/dvs.json as
collect.vsphere writes it) beside a hardened management host, tests/test_vmw_leads19's L19-3V
harness (test_redteam13_vmw_probes._vsphere, test_redteam16_vmw_probes._tenants).

Findings (R35E-n):
- R35E-1 (false pass) HVA-419: a host whose ntpd (or, on a PTP host, ptpd) is missing from
  config.service was asked only "ntpd runs, policy on" and the check stopped there: no NTP
  server at all, ntp.conf's `disable ntp`, servers that are all the host's own clock, a
  firewall blocking ntpClient, the host's own report of an unsynchronised clock
  (HostDateTimeInfo.serviceSync false), and on a PTP host no active PTP port (each a fail
  alone) were never judged, and a "yes" to that question passed HVA-419. Now the service's
  gap is one more ask (checks.base.asked_gap): what does not rest on the daemon's state is
  judged first and fails; what is open is asked in one item with the service's question
  (joined_asks).
- R35E-2 (false pass) HVA-417 HVA-418: a distributed port group whose config.policy (its
  override flags) was not reported was asked the flags only where its own verdict passed
  (L19-3V, `_override_unreported`); where that verdict was a question (a security key or the
  VLAN not reported, a reserved VLAN 1010, untagged VLAN 0) the flags were never asked, and a
  "yes" to the port group's own question passed it though each port may override the policy
  (VMwareDVSPortgroupPolicy vlanOverrideAllowed, "Allow the setting of vlanId, trunk vlanId,
  or pvlanId for an individual port to override the setting in defaultPortConfig of a
  portgroup"). And a port group whose security policy (defaultPortConfig) was not reported
  while securityPolicyOverrideAllowed is true was asked the policy: a fail whatever the policy
  (V16-3) hidden behind a question. Now the flags' question joins the port group's own
  (joined_asks), and an override allowed fails before the policy's gap.
- R35E-3 (false pass, by a question's wording) HVA-422: a host joined to AD whose
  Config.HostAgent.plugins.hostsvc.esxAdminsGroup was not reported was asked "Does this hold
  for this host: the AD group granted host administration?": any group answers that yes, the
  default 'ESX Admins' too (ESXI-80-000241: a finding where it "is set to 'ESX Admins'";
  CVE-2024-37085, the check's docstring), and the "yes" passed HVA-422. Now the question asks
  whether the option names a dedicated group or is empty, and fails 'ESX Admins' in any case or
  qualified by a domain (as the reported value is judged).
- R35E-4 (false pass) HVA-429: a host whose capability.tpmSupported was not reported was asked
  "the host has a TPM 2.0" and the check stopped: vCenter's verdict summary.tpmAttestation
  notAccepted (a fail alone) was never judged, and an attestation not reported never asked; a
  "yes" passed both. Now the attestation is judged without the flag (notAccepted fails), and
  the flag's gap is asked in one item with the attestation's (joined_asks).
- R35E-5 (wrong fail) HVA-412: HostFirewallDefaultPolicy.incomingBlocked "Need not be set"
  (vSphere Web Services API 8.0U3, "Data Object - HostFirewallDefaultPolicy", read with
  `search`), as outgoingBlocked (asked since V16-1); not reported, main failed "incoming
  traffic is not blocked by default". Now it is asked in the item that asks the firewall's
  other open conditions.
- R35E-6 (fail hidden behind a question; wording) HVA-413: one of the four time-out options
  not reported (UserVars.HostClientSessionTimeout, say) made every option unknown (checks.
  vmware._advanced): a reported UserVars.ESXiShellTimeOut = 0 (no time-out, a fail alone) was
  asked, and the message named all four as not reported. Now the reported options are judged
  and a fail wins; only the unreported ones are asked, by name.
- R35E-7 (false pass) HVA-436: a host record without config.product was asked "the host runs
  VMware ESXi (bare-metal)" and the check stopped: hardware.systemInfo naming a virtual
  platform ("VMware, Inc." "VMware7,1") or CPUID's hypervisor-present bit set (each a fail
  alone, L18-5) was never judged, and a "yes" passed a nested hypervisor. A host record is a
  HostSystem, so a virtual platform fails whatever its product; the product is asked only
  where nothing shows one.

Held (kept as tests): ntpd not reported beside servers that are otherwise fine and a firewall
that admits them is the service's question alone; ntpd reported running with policy on and
nothing else open passes as before. R35E-2: a security key not reported with the flags false
is that key's question alone; the flags not reported beside a full policy and VLAN 30 are the
override questions alone; VLAN 1010 with the flags false is the reserved VLAN's question alone.
R35E-3: the group reported is judged as before ('ESX Admins' fails, a site group passes).
R35E-4: tpmSupported not reported beside an accepted attestation is the TPM's question alone;
a reported TPM 2.0 with an accepted attestation passes. R35E-5: incomingBlocked false fails;
both directions blocked is the firewall-enabled question alone. R35E-6: three options within
their limits and one not reported is that option's question; all four pass. R35E-7: a
physical machine with the hypervisor bit clear and no product is the product's question.

Tally: 7 findings (false pass 5, wrong fail 1, a fail hidden behind a question 1; R35E-1,
R35E-2, R35E-4 and R35E-7 each a fail, or a second open condition, hidden behind a question;
R35E-3 by a question's wording); 26 test functions (8 held); 19 failed on main before the
fixes (on 748d99aa R35E-1: 7, R35E-2: 4, R35E-3: 1; on 762e7191 R35E-4: 2, R35E-5: 1, R35E-6:
2, its harness on the message naming all four options, R35E-7: 2), each false pass a pass
after the attested "yes".

Probed by script, not kept (held by reading): HVA-412's firewall not reported (nothing else
to judge); HVA-427/HVA-431/HVA-423/HVA-433 (R34M's joined items); HVA-416's unplaced grants
(R34M's lead); HVA-438 (always a question) and HVA-405's VMware branch (no unknown in its
chain); HVA-440's standard switch teaming order (nicOrder "never null when retrieved from the
server", collect.vsphere._failover_order); host_access entries and exceptions (one call pair,
both or neither).

Leads left:
- HVA-432 (tls_protocols): a host whose config.product is not reported (release unknown) is
  judged on UserVars.ESXiVPsDisabledProtocols, deprecated from 8.0 Update 1; on 8.0.3+ the
  TLS profile governs: whether an unknown release should ask the profile was not settled.
- HVA-419: config.dateTimeInfo not reported asks the NTP question even where ntpd and ptpd
  are both reported stopped (a fail whichever protocol the host uses): not changed, as the
  protocol is unknown.
- The leads of round 33 (R33V-4's privilege, .vmx keys /etc/vmware/settings may override,
  extraConfig keys differing in case, Syslog.global.logLevel, macLearningPolicy unset,
  virtualDev defaults by guestOS, shares naming no level) stand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_r34_elif_probes import _attest_yes
from test_redteam11_vmw_probes import _vsphere

OPEN_NTP = {
    "incoming_blocked": True,
    "outgoing_blocked": True,
    "rulesets": [{"key": "ntpClient", "enabled": True, "all_ip": True, "networks": []}],
}

#: the question main asked of a host whose ntpd is not in config.service
SERVICE_Q = (
    "Does this hold for this host: ntpd runs, policy on? Evidence: the setting, file or command "
    "output it names, read where it lives (the message says why the scan could not). Pass: yes, "
    "it holds; fail: it does not."
)
SERVICE_GAP = "evidence unavailable: the ntpd service: not reported by the host, or not collected"


def _verdict(a: Any, check: str = "HVA-419") -> tuple[str, str]:
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == "esx1"
    ]
    return got


def _host(
    tmp_path: Path,
    servers: list[str],
    conf: list[str] | None = None,
    services: dict[str, Any] | None = None,
    firewall: dict[str, Any] | None = None,
    **info: Any,
) -> Any:
    """An ESXi host whose time record is collect.vsphere._ntp over a real vim.host.DateTimeInfo
    (`servers`, ntp.conf `conf`, further DateTimeInfo properties `info`); its config.service
    `services` (none: ntpd missing from it) and its firewall."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _ntp as collect

    dt = vim.host.DateTimeInfo(
        ntpConfig=vim.host.NtpConfig(server=servers, configFile=conf or []), **info
    )
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(
        tmp_path,
        {
            "ntp": collect(dt),
            "services": services or {},
            "firewall": OPEN_NTP if firewall is None else firewall,
        },
    )


def _yes(a: Any, tmp_path: Path) -> tuple[str, str]:
    """The verdict after a "yes" to the service's own question (the one main asked)."""
    _attest_yes(a, "HVA-419", "host", "esx1", tmp_path, question=SERVICE_Q)
    return _verdict(a)


# --- R35E-1: HVA-419, ntpd's state not reported hid every fail -------------------------------


def test_r35e_1_harness_service_gap_alone(tmp_path: Path) -> None:
    """Held: ntpd not in config.service, server 10.0.0.5 admitted by the firewall: the
    service's question alone, the one main asked."""
    a = _host(tmp_path, ["10.0.0.5"])
    assert _verdict(a) == ("manual", SERVICE_GAP)
    ((r,),) = [[r for r in a.results if r.check.id == "HVA-419"]]
    assert r.outcome.question == SERVICE_Q


def test_r35e_1_harness_running_passes(tmp_path: Path) -> None:
    """Held: ntpd running with policy on, server 10.0.0.5 admitted: a pass as before."""
    a = _host(tmp_path, ["10.0.0.5"], services={"ntpd": {"running": True, "policy": "on"}})
    assert _verdict(a) == ("pass", "ntpd running (policy on), servers 10.0.0.5")


def test_r35e_1_no_server_behind_service_gap(tmp_path: Path) -> None:
    """No NTP server at all (ntpConfig.server empty, no ntp.conf source): main asked whether
    ntpd runs, and a "yes" passed HVA-419 for a host that synchronises to nothing."""
    a = _host(tmp_path, [])
    assert _yes(a, tmp_path) == ("fail", "no NTP server configured")


def test_r35e_1_disable_ntp_behind_service_gap(tmp_path: Path) -> None:
    """ntp.conf `disable ntp` (the clock runs free, R24T-4) behind ntpd's unreported state."""
    a = _host(tmp_path, ["10.0.0.5"], ["server 10.0.0.5", "disable ntp"])
    assert _yes(a, tmp_path) == (
        "fail",
        "ntpd's clock discipline is off (ntp.conf: disable ntp): it corrects nothing, the clock "
        "runs free",
    )


def test_r35e_1_own_clock_behind_service_gap(tmp_path: Path) -> None:
    """The only server ntpd's local clock 127.127.1.0 (V16-2) behind ntpd's unreported state."""
    a = _host(tmp_path, ["127.127.1.0"])
    assert _yes(a, tmp_path) == (
        "fail",
        "no NTP server off the host: 127.127.1.0 (loopback or ntpd's local clock 127.127.1.0: "
        "the host's own clock)",
    )


def test_r35e_1_unsynchronised_behind_service_gap(tmp_path: Path) -> None:
    """The host's own report that its clock is not synchronised (serviceSync false, V24-1)."""
    a = _host(tmp_path, ["10.0.0.5"], serviceSync=False)
    assert _yes(a, tmp_path) == (
        "fail",
        "the host reports its clock not synchronised with a remote time source "
        "(config.dateTimeInfo.serviceSync false, from ntpd's leap indicator; lastSyncTime "
        "unset: never synchronised)",
    )


def test_r35e_1_firewall_blocks_behind_service_gap(tmp_path: Path) -> None:
    """The ntpClient ruleset disabled with outgoing traffic blocked (V15-4)."""
    fw = OPEN_NTP | {"rulesets": [{"key": "ntpClient", "enabled": False, "networks": []}]}
    a = _host(tmp_path, ["10.0.0.5"], firewall=fw)
    assert _yes(a, tmp_path) == (
        "fail",
        "ntpd cannot reach its servers: outgoing traffic is blocked by default and the "
        "ntpClient firewall ruleset is disabled",
    )


def test_r35e_1_unread_firewall_joins_service_gap(tmp_path: Path) -> None:
    """The ntpClient ruleset not reported beside ntpd's unreported state: both asked in one
    item; main asked the service alone, and its "yes" passed with the firewall never asked."""
    fw = OPEN_NTP | {"rulesets": []}
    a = _host(tmp_path, ["10.0.0.5"], firewall=fw)
    assert _yes(a, tmp_path) == (
        "manual",
        f"{SERVICE_GAP}; servers 10.0.0.5; the ntpClient firewall ruleset is not reported",
    )


def test_r35e_1_ptp_no_active_port_behind_service_gap(tmp_path: Path) -> None:
    """A PTP host (systemClockProtocol ptp) whose ptpConfig has no port (L19-2V), ptpd not in
    config.service: main asked whether ptpd runs, and a "yes" passed HVA-419."""
    from pyVmomi import vim

    a = _host(tmp_path, [], systemClockProtocol="ptp", ptpConfig=vim.host.PtpConfig(domain=0))
    _attest_yes(
        a,
        "HVA-419",
        "host",
        "esx1",
        tmp_path,
        question=SERVICE_Q.replace("ntpd runs", "ptpd runs"),
    )
    assert _verdict(a) == (
        "fail",
        "clock protocol PTP, ptpd state not reported, but no active PTP port "
        "(config.dateTimeInfo.ptpConfig: no port, or every port's device type none): no master "
        "reaches it",
    )


# --- R35E-2: HVA-417/HVA-418, a distributed port group's own question hid its override flags ----


def _tenants(tmp_path: Path, **change: Any) -> Any:
    """vCenter's distributed port group Tenants (VLAN 30, the three policies rejected: tests/
    test_redteam16_vmw_probes._tenants) with `change` applied, beside a hardened management
    host (test_vmw_leads19's L19-3V harness)."""
    from test_redteam13_vmw_probes import _vsphere as _with_dvs
    from test_redteam16_vmw_probes import _mgmt_host
    from test_redteam16_vmw_probes import _tenants as tenants

    pg = tenants(False) | change
    host = _mgmt_host("esx1", 20)
    del host["name"]
    tmp_path.mkdir(exist_ok=True)
    return _with_dvs(tmp_path, host, dvs={"switches": [], "portgroups": [pg]})


def _pg(a: Any, check: str) -> tuple[str, str, str | None]:
    (got,) = [
        (r.status.value, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == "Tenants"
    ]
    return got


FORGED_GAP = (
    "evidence unavailable: distributed port group Tenants: security.forgedTransmits not reported"
)
SECURITY_OVERRIDE = (
    "whether each port may override its security policy (config.policy."
    "securityPolicyOverrideAllowed / macManagementOverrideAllowed) was not reported"
)
VLAN_OVERRIDE = (
    "whether each port may override its VLAN (config.policy.vlanOverrideAllowed) was not reported"
)
REJECTS = "rejects promiscuous mode, MAC address changes and forged transmits"
RESERVED = "distributed port group Tenants is on VLAN 1010, which physical switches often reserve"
UNTAGGED = "distributed port group Tenants sends untagged frames: they take the native VLAN of the physical port"
NOT_OVERRIDABLE = {"securityPolicyOverrideAllowed": False, "vlanOverrideAllowed": False}


def _attest(a: Any, check: str, tmp_path: Path, question: str | None) -> None:
    _attest_yes(a, check, "network", "Tenants", tmp_path, question=question)


def test_r35e_2_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: forgedTransmits not reported with the flags false is that key's question alone;
    the flags not reported beside a full policy and VLAN 30 are the override questions alone
    (L19-3V); VLAN 1010 with the flags false is the reserved VLAN's question alone."""
    sec = {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": None}
    a = _tenants(tmp_path / "a", security=sec, overrides=NOT_OVERRIDABLE)
    assert _pg(a, "HVA-417")[:2] == ("manual", FORGED_GAP)
    a = _tenants(tmp_path / "b", overrides=None)
    assert _pg(a, "HVA-417")[:2] == (
        "manual",
        f"distributed port group Tenants {REJECTS}; {SECURITY_OVERRIDE}",
    )
    assert _pg(a, "HVA-418")[:2] == (
        "manual",
        f"distributed port group Tenants is on VLAN 30; {VLAN_OVERRIDE}",
    )
    a = _tenants(tmp_path / "c", vlan={"kind": "vlan", "id": 1010}, overrides=NOT_OVERRIDABLE)
    assert _pg(a, "HVA-418")[:2] == ("manual", RESERVED)


def test_r35e_2_hva417_key_question_hides_override_flags(tmp_path: Path) -> None:
    """forgedTransmits not reported and config.policy not reported: main asked the key alone,
    and a "yes, forged transmits rejected" passed HVA-417 with whether each port may override
    the policy never asked."""
    sec = {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": None}
    alone = _pg(_tenants(tmp_path / "q", security=sec, overrides=NOT_OVERRIDABLE), "HVA-417")[2]
    a = _tenants(tmp_path / "a", security=sec, overrides=None)
    _attest(a, "HVA-417", tmp_path, alone)
    assert _pg(a, "HVA-417")[:2] == ("manual", f"{FORGED_GAP}; {SECURITY_OVERRIDE}")


def test_r35e_2_hva418_reserved_vlan_question_hides_override_flag(tmp_path: Path) -> None:
    """VLAN 1010 and config.policy not reported: main asked whether 1010 is reserved, and a
    "yes, an ordinary VLAN" passed HVA-418 with vlanOverrideAllowed never asked."""
    alone = _pg(
        _tenants(tmp_path / "q", vlan={"kind": "vlan", "id": 1010}, overrides=NOT_OVERRIDABLE),
        "HVA-418",
    )[2]
    a = _tenants(tmp_path / "a", vlan={"kind": "vlan", "id": 1010}, overrides=None)
    _attest(a, "HVA-418", tmp_path, alone)
    assert _pg(a, "HVA-418")[:2] == ("manual", f"{RESERVED}; {VLAN_OVERRIDE}")


def test_r35e_2_hva418_untagged_question_hides_override_flag(tmp_path: Path) -> None:
    """Untagged (VLAN 0) and config.policy not reported: main asked the physical port alone."""
    alone = _pg(
        _tenants(tmp_path / "q", vlan={"kind": "vlan", "id": 0}, overrides=NOT_OVERRIDABLE),
        "HVA-418",
    )[2]
    a = _tenants(tmp_path / "a", vlan={"kind": "vlan", "id": 0}, overrides=None)
    _attest(a, "HVA-418", tmp_path, alone)
    assert _pg(a, "HVA-418")[:2] == ("manual", f"{UNTAGGED}; {VLAN_OVERRIDE}")


def test_r35e_2_hva417_policy_gap_hides_override_allowed(tmp_path: Path) -> None:
    """defaultPortConfig not reported (no security policy) while config.policy says each port
    may override it: a fail whatever the policy is (V16-3); main asked the policy, and a "yes"
    passed HVA-417."""
    a = _tenants(
        tmp_path,
        security=None,
        overrides={"securityPolicyOverrideAllowed": True, "vlanOverrideAllowed": False},
    )
    _attest(a, "HVA-417", tmp_path, None)
    assert _pg(a, "HVA-417")[:2] == (
        "fail",
        "distributed port group Tenants: each port may override the port group's security policy",
    )


# --- R35E-3: HVA-422, the administrators group not reported asked a question without a condition --

ADMINS_KEY = "Config.HostAgent.plugins.hostsvc.esxAdminsGroup"
JOINED = [
    {"type": "ActiveDirectoryInfo", "enabled": True, "domain": "corp.example", "status": "OK"}
]
#: the question main asked (confirm_question of "the AD group granted host administration")
VAGUE_Q = (
    "Does this hold for this host: the AD group granted host administration? Evidence: the "
    "setting, file or command output it names, read where it lives (the message says why the "
    "scan could not). Pass: yes, it holds; fail: it does not."
)


def _joined(tmp_path: Path, group: str | None) -> Any:
    tmp_path.mkdir(exist_ok=True)
    adv = {} if group is None else {ADMINS_KEY: group}
    return _vsphere(tmp_path, {"directory": JOINED, "advanced": adv})


def test_r35e_3_harness_group_reported(tmp_path: Path) -> None:
    """Held: the group reported is judged as before: 'ESX Admins' fails, a site group passes."""
    assert _verdict(_joined(tmp_path / "a", "ESX Admins"), "HVA-422") == (
        "fail",
        f"joined to corp.example, but {ADMINS_KEY} is the default 'ESX Admins'",
    )
    assert _verdict(_joined(tmp_path / "b", "vsphere-admins"), "HVA-422") == (
        "pass",
        "joined to corp.example; administrators group vsphere-admins",
    )


def test_r35e_3_hva422_unreported_group_question_names_the_condition(tmp_path: Path) -> None:
    """The group option not reported: main asked whether "the AD group granted host
    administration" holds, which any group answers yes, the default 'ESX Admins'
    (ESXI-80-000241, CVE-2024-37085) too, and the "yes" passed HVA-422. Now the question asks
    for a dedicated group and fails 'ESX Admins'; main's "yes" no longer answers it."""
    a = _joined(tmp_path, None)
    _attest_yes(a, "HVA-422", "host", "esx1", tmp_path, question=VAGUE_Q)
    ((r,),) = [[r for r in a.results if r.check.id == "HVA-422"]]
    assert (r.status.value, r.outcome.message, r.outcome.question) == (
        "manual",
        f"evidence unavailable: advanced option(s) {ADMINS_KEY} not reported by the host",
        f"Does {ADMINS_KEY} on host esx1 name a dedicated administrators group, or is it empty? "
        "Evidence: the vSphere Client, host esx1 > Configure > System > Advanced System Settings "
        f"({ADMINS_KEY}), or PowerCLI Get-AdvancedSetting -Name {ADMINS_KEY}. Pass: yes, a group "
        "of the site's own or empty; fail: 'ESX Admins' (in any case, or qualified by a domain "
        "as 'DOMAIN\\ESX Admins' or 'ESX Admins@domain').",
    )


# --- R35E-4: HVA-429, capability.tpmSupported not reported hid the attestation -----------------

NO_TPM_FLAG = {"uefiSecureBoot": True}
TPM_GAP = (
    "evidence unavailable: capability.tpmSupported: not reported by the host, or not collected"
)
#: the question main asked of a host whose tpmSupported was not reported
TPM_Q = (
    "Does this hold for this host: the host has a TPM 2.0? Evidence: the setting, file or command "
    "output it names, read where it lives (the message says why the scan could not). Pass: yes, "
    "it holds; fail: it does not."
)


def _tpm(tmp_path: Path, attestation: dict[str, Any] | None) -> Any:
    tmp_path.mkdir(exist_ok=True)
    host: dict[str, Any] = {"capability": NO_TPM_FLAG}
    if attestation is not None:
        host["tpm_attestation"] = attestation
    return _vsphere(tmp_path, host)


def test_r35e_4_harness_tpm_flag_alone(tmp_path: Path) -> None:
    """Held: tpmSupported not reported beside an accepted attestation is the TPM's question
    alone, the one main asked; a reported TPM 2.0 with an accepted attestation passes."""
    a = _tpm(tmp_path / "a", {"status": "accepted", "time": "2026-12-01T00:00:00Z"})
    ((r,),) = [[r for r in a.results if r.check.id == "HVA-429"]]
    assert (r.status.value, r.outcome.message, r.outcome.question) == ("manual", TPM_GAP, TPM_Q)
    tmp_path.joinpath("b").mkdir()
    a = _vsphere(
        tmp_path / "b",
        {
            "capability": {"tpmSupported": True, "tpmVersion": "2.0"},
            "tpm_attestation": {"status": "accepted", "time": "2026-12-01T00:00:00Z"},
        },
    )
    assert _verdict(a, "HVA-429") == (
        "pass",
        "TPM 2.0; attestation accepted at 2026-12-01T00:00:00Z",
    )


def test_r35e_4_hva429_tpm_question_hides_attestation_not_accepted(tmp_path: Path) -> None:
    """vCenter did not accept the host's attestation (summary.tpmAttestation notAccepted), a
    fail alone; main asked whether the host has a TPM 2.0, and a "yes" passed HVA-429."""
    a = _tpm(tmp_path, {"status": "notAccepted", "message": "PCR 0 mismatch"})
    _attest_yes(a, "HVA-429", "host", "esx1", tmp_path, question=TPM_Q)
    assert _verdict(a, "HVA-429") == ("fail", "TPM attestation not accepted: PCR 0 mismatch")


def test_r35e_4_hva429_tpm_question_hides_unread_attestation(tmp_path: Path) -> None:
    """summary.tpmAttestation not reported either: main asked the TPM alone, and its "yes"
    passed HVA-429 with the attestation never asked. Now both are asked in one item."""
    a = _tpm(tmp_path, None)
    _attest_yes(a, "HVA-429", "host", "esx1", tmp_path, question=TPM_Q)
    assert _verdict(a, "HVA-429") == (
        "manual",
        f"{TPM_GAP}; evidence unavailable: summary.tpmAttestation (reported by vCenter): not "
        "reported by the host, or not collected",
    )


# --- R35E-5: HVA-412, an unreported incomingBlocked failed as "not blocked" -------------------

ENABLED_Q_PART = "whether the firewall is enabled is not in the vSphere API"


def _firewall(tmp_path: Path, **policy: bool) -> Any:
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(tmp_path, {"firewall": {**policy, "rulesets": []}})


def test_r35e_5_harness_incoming_reported(tmp_path: Path) -> None:
    """Held: incomingBlocked false fails; both directions blocked is the firewall-enabled
    question alone (V17-2), as before."""
    a = _firewall(tmp_path / "a", incoming_blocked=False, outgoing_blocked=True)
    assert _verdict(a, "HVA-412") == ("fail", "incoming traffic is not blocked by default")
    a = _firewall(tmp_path / "b", incoming_blocked=True, outgoing_blocked=True)
    assert _verdict(a, "HVA-412") == (
        "manual",
        f"incoming and outgoing blocked; every enabled ruleset limited to listed networks; "
        f"{ENABLED_Q_PART}",
    )


def test_r35e_5_hva412_unreported_incoming_policy_is_asked(tmp_path: Path) -> None:
    """HostFirewallDefaultPolicy.incomingBlocked "Need not be set" (vSphere Web Services API):
    not reported, main failed HVA-412 "incoming traffic is not blocked by default" for a host
    whose firewall may block it. Now it is asked with the firewall-enabled question."""
    a = _firewall(tmp_path, outgoing_blocked=True)
    assert _verdict(a, "HVA-412") == (
        "manual",
        "evidence unavailable: config.firewall.defaultPolicy.incomingBlocked not reported; "
        f"outgoing blocked; every enabled ruleset limited to listed networks; {ENABLED_Q_PART}",
    )


# --- R35E-6: HVA-413, one time-out not reported hid the others' fails ---------------------------

TIMEOUTS_OK = {
    "UserVars.ESXiShellInteractiveTimeOut": 900,
    "UserVars.ESXiShellTimeOut": 600,
    "UserVars.DcuiTimeOut": 600,
}
HOST_CLIENT = "UserVars.HostClientSessionTimeout"


def _timeouts(tmp_path: Path, **change: Any) -> Any:
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(tmp_path, {"advanced": TIMEOUTS_OK | change})


def test_r35e_6_harness_unreported_option_alone(tmp_path: Path) -> None:
    """Held: the three reported within their limits and HostClientSessionTimeout not reported
    is a question naming that option alone; all four within their limits pass."""
    a = _timeouts(tmp_path / "a")
    assert _verdict(a, "HVA-413") == (
        "manual",
        f"evidence unavailable: advanced option(s) {HOST_CLIENT} not reported by the host",
    )
    a = _timeouts(tmp_path / "b", **{HOST_CLIENT: 900})
    assert _verdict(a, "HVA-413") == ("pass", "every time-out set within its limit")


def test_r35e_6_hva413_unreported_option_hides_no_timeout(tmp_path: Path) -> None:
    """UserVars.ESXiShellTimeOut = 0 (no time-out, a fail alone) beside HostClientSessionTimeout
    not reported: main asked all four options as "not reported", the fail hidden behind the
    question."""
    a = _timeouts(tmp_path, **{"UserVars.ESXiShellTimeOut": 0})
    assert _verdict(a, "HVA-413") == ("fail", "UserVars.ESXiShellTimeOut = 0 (want 1..600)")


# --- R35E-7: HVA-436, config.product not reported hid a host inside a VM ------------------------

NO_PRODUCT = "evidence unavailable: config.product: not reported by the host, or not collected"
#: the question main asked of a host whose config.product was not reported
PRODUCT_Q = (
    "Does this hold for this host: the host runs VMware ESXi (bare-metal)? Evidence: the "
    "setting, file or command output it names, read where it lives (the message says why the "
    "scan could not). Pass: yes, it holds; fail: it does not."
)


def _machine(tmp_path: Path, vendor: str, model: str, cpuid: str) -> Any:
    """A host record without config.product (product ""), its hardware.systemInfo and CPUID
    leaf 1 ECX bit 31 as the collector keeps them."""
    tmp_path.mkdir(exist_ok=True)
    system = {"vendor": vendor, "model": model}
    return _vsphere(tmp_path, {"product": "", "system": system, "cpuid_hypervisor": cpuid})


def test_r35e_7_harness_bare_machine_is_the_product_question(tmp_path: Path) -> None:
    """Held: a physical machine with the hypervisor bit clear and no product reported is the
    product's question, as on main."""
    a = _machine(tmp_path, "Dell Inc.", "PowerEdge R750", "0")
    ((r,),) = [[r for r in a.results if r.check.id == "HVA-436"]]
    assert (r.status.value, r.outcome.message, r.outcome.question) == (
        "manual",
        NO_PRODUCT,
        PRODUCT_Q,
    )


def test_r35e_7_hva436_product_gap_hides_virtual_machine(tmp_path: Path) -> None:
    """hardware.systemInfo "VMware, Inc." "VMware7,1" (a VMware VM) and no product: main asked
    whether the host runs ESXi bare-metal, and a "yes" passed a nested hypervisor."""
    a = _machine(tmp_path, "VMware, Inc.", "VMware7,1", "1")
    _attest_yes(a, "HVA-436", "host", "esx1", tmp_path, question=PRODUCT_Q)
    assert _verdict(a, "HVA-436") == (
        "fail",
        "VMware ESXi runs in a virtual machine (hardware.systemInfo: VMware, Inc. VMware7,1): a "
        "nested hypervisor on another hypervisor, not bare metal (VMware KB 2009916: not "
        "supported in production)",
    )


def test_r35e_7_hva436_product_gap_hides_hypervisor_bit(tmp_path: Path) -> None:
    """A physical-looking systemInfo but CPUID's hypervisor-present bit set: the same fail."""
    a = _machine(tmp_path, "Dell Inc.", "PowerEdge R750", "1")
    _attest_yes(a, "HVA-436", "host", "esx1", tmp_path, question=PRODUCT_Q)
    assert _verdict(a, "HVA-436") == (
        "fail",
        "VMware ESXi runs in a virtual machine (hardware.cpuFeature: CPUID leaf 1 ECX bit 31, "
        "hypervisor present, is set): a nested hypervisor on another hypervisor, not bare metal "
        "(VMware KB 2009916: not supported in production)",
    )
