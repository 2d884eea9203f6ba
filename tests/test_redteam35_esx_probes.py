"""Thirty-fifth red-team review, VMware ESXi (r35-esx): HVA-419 where the time daemon's
service state is not reported.

Harness: one ESXi host record as collect/vsphere.py writes it (vmware/hosts/host-1.json), its
time record from the collector's own _ntp over a real pyVmomi vim.host.DateTimeInfo, the bundle
writer and the engine (test_redteam11_vmw_probes._vsphere). A yes-probe answers the question
main asked (the unknown's own) in an attestation TOML read by the CLI's loader and applied with
waivers.apply_attestations (test_r34_elif_probes._attest_yes), and asserts the exact status and
message after it.

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

Held (kept as tests): ntpd not reported beside servers that are otherwise fine and a firewall
that admits them is the service's question alone; ntpd reported running with policy on and
nothing else open passes as before.

Tally: 1 finding (false pass 1; each case also a fail, or a second open condition, hidden
behind a question); 9 cases in 9 test functions (2 held); 7 failed on main 748d99aa before the
fix, each a pass after the attested "yes".

Leads left: see the report of round 35 (r35-esx).
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
