"""R34 elif-chain probes, vmware.py and proxmox.py (letter M): further sites where a check asked
the FIRST open condition of a host and stopped, leaving a later fail, unknown or question of
the same host unasked, so that an attested "yes" to the one question asked passed the check
(the class of tests/test_r34_elif_probes.py, whose sites 7c and 7d were fixed with these).

Harness: one ESXi host record as collect/vsphere.py writes it (vmware/hosts/host-1.json), the
bundle writer and the engine (test_redteam11_vmw_probes._vsphere); HVA-419's host through the
collector's own _ntp over a real pyVmomi vim.host.DateTimeInfo. A yes-probe answers the first
condition's own question (the one main asked) in an attestation TOML read by the CLI's loader
and applied with waivers.apply_attestations (test_r34_elif_probes._attest_yes), and asserts the
exact status and message after it. Each test_*_harness_* holds a condition alone.

Findings (R34M-n; each a false pass by attestation, some also a fail hidden behind a question):
- R34M-1 HVA-412: a firewall whose outgoing default policy is not reported asked only that
  policy (an unknown); "yes, DROP" passed the host while whether the firewall is enabled at all
  (V17-2: not in the vSphere API) was never asked. Now both are asked in one item.
- R34M-2 HVA-419: an NTP host whose firewall (ntpClient ruleset) was not read asked only the
  firewall's question; "yes" passed while the key of a server ntpd authenticates (R31V-1) or
  ntp.conf's narrowed limits (V24-2/V24-5) were never asked. Now asked in one item.
- R34M-3 HVA-420: a Syslog.global.logHost outside the documented form (L16-17) was asked and
  the chain stopped: Syslog.global.certificate.checkSSLCerts false (a fail), dropping log
  filters (a fail), filters or the certificate option not reported were never judged or asked;
  and checkSSLCerts not reported (an unknown) hid a blocked firewall or dropping filters (fails).
  Now a fail found anywhere wins; the open conditions are asked in one item.
- R34M-4 HVA-421: an audit option not reported (an unknown) hid every fail of the others (the
  store on the RAM disk, storage off, capacity below 100 MiB); Syslog.global.logHost not
  reported hid the store's durability question. Now the fails are judged first, and the gaps
  are asked in one item with the firewall's and the store's questions.

Held: HVA-412 with the outgoing policy reported asks only whether the firewall is enabled;
HVA-419 with the firewall read and a keyed server asks the keys alone; HVA-420 with an odd
target and nothing else open asks the target alone; HVA-421 with the store on a datastore and
logHost not reported asks the log host alone.

Tally: 4 sites (false pass 4; R34M-3 and R34M-4 also a fail reported as a question); 10 cases
in 10 test functions here (4 held); 6 failed on main 14bce602 before the fixes (R34M-1 1,
R34M-2 1, R34M-3 2, R34M-4 2: each a pass after the attested "yes").

Leads left:
- HVA-416: VM role grants without their object (an unknown) hide the Administrator
  inventory-wide question; joining them asks a contradictory pair (the unknown's "none on the
  root folder" is answered no by the Administrator grants themselves): a team decision how to
  word the joint item.
- The sweep of proxmox.py found no manual followed by a skipped condition of the same subject
  in the time (its chains that ask carry on to the fail conditions first, or ask one joined
  question by hand); not every helper-returned question (_gateway_question, _dest_question)
  was traced to the end of its caller.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_r34_elif_probes import _attest_yes, _items
from test_redteam11_vmw_probes import _vsphere
from test_vmw_leads16 import TLS


def _verdict(a: Any, check: str) -> tuple[str, str]:
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == "esx1"
    ]
    return got


# --- R34M-1: HVA-412, the outgoing policy asked, whether the firewall runs never -----------------

OUTGOING_Q = (
    "Does host esx1's firewall block outgoing traffic by default? Evidence: `esxcli network "
    "firewall get` there (Default Action) or PowerCLI Get-VMHostFirewallDefaultPolicy "
    "(OutgoingEnabled). Pass: yes, DROP (OutgoingEnabled False); fail: PASS (OutgoingEnabled "
    "True)."
)


def _firewall(tmp_path: Path, outgoing: bool | None) -> Any:
    fw: dict[str, Any] = {"incoming_blocked": True, "rulesets": []}
    if outgoing is not None:
        fw["outgoing_blocked"] = outgoing
    return _vsphere(tmp_path, {"firewall": fw})


def test_r34m_1_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the outgoing policy reported, the host is the firewall-enabled question alone
    (V17-2)."""
    a = _firewall(tmp_path, True)
    assert _verdict(a, "HVA-412") == (
        "manual",
        "incoming and outgoing blocked; every enabled ruleset limited to listed networks; "
        "whether the firewall is enabled is not in the vSphere API",
    )
    assert _items(a, "HVA-412")[("host", "esx1")][1] != OUTGOING_Q


def test_r34m_1_hva412_yes_to_outgoing_question_passes_a_firewall_never_asked(
    tmp_path: Path,
) -> None:
    """The outgoing policy not reported: main asked it alone; "yes, DROP" passed HVA-412 while
    whether the firewall runs (`esxcli network firewall get`, Enabled) was never asked."""
    a = _firewall(tmp_path, None)
    _attest_yes(a, "HVA-412", "host", "esx1", tmp_path, question=OUTGOING_Q)
    assert _verdict(a, "HVA-412") == (
        "manual",
        "evidence unavailable: config.firewall.defaultPolicy.outgoingBlocked not reported; "
        "incoming blocked; every enabled ruleset limited to listed networks; whether the "
        "firewall is enabled is not in the vSphere API",
    )


# --- R34M-2: HVA-419, the ntpClient firewall asked, an authenticated server's key never ----------


def _ntp(tmp_path: Path, conf: list[str], firewall_read: bool) -> Any:
    """ntpd running, policy on, server 10.0.0.5 with ntp.conf `conf` (collect.vsphere._ntp over
    a real vim.host.DateTimeInfo); outgoing traffic blocked by default and the ntpClient ruleset
    open to all (`firewall_read`) or not reported."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _ntp as collect

    info = vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=["10.0.0.5"], configFile=conf))
    rules = [{"key": "ntpClient", "enabled": True, "all_ip": True, "networks": []}]
    host = {
        "ntp": collect(info),
        "services": {"ntpd": {"running": True, "policy": "on"}},
        "firewall": {
            "incoming_blocked": True,
            "outgoing_blocked": True,
            "rulesets": rules if firewall_read else [],
        },
    }
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(tmp_path, host)


KEYED = ["server 10.0.0.5 key 7"]


def test_r34m_2_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the ruleset not reported alone is the firewall question (L16-16); the keyed server
    with the firewall read is the keys' question (R31V-1)."""
    a = _ntp(tmp_path / "a", ["server 10.0.0.5 iburst"], firewall_read=False)
    assert _verdict(a, "HVA-419") == (
        "manual",
        "ntpd running (policy on), servers 10.0.0.5; the ntpClient firewall ruleset is not "
        "reported",
    )
    a = _ntp(tmp_path / "b", KEYED, firewall_read=True)
    assert _verdict(a, "HVA-419")[0] == "manual"
    assert "authenticated" in _verdict(a, "HVA-419")[1]


def test_r34m_2_hva419_yes_to_firewall_question_passes_over_unread_keys(tmp_path: Path) -> None:
    """The ruleset not reported and server 10.0.0.5 authenticated (`key 7`, no key file in the
    evidence): main asked only whether the firewall lets ntpd's queries out; "yes" passed
    HVA-419 with the key never asked."""
    first = _items(_ntp(tmp_path / "f", ["server 10.0.0.5 iburst"], False), "HVA-419")
    a = _ntp(tmp_path / "a", KEYED, firewall_read=False)
    _attest_yes(a, "HVA-419", "host", "esx1", tmp_path, question=first[("host", "esx1")][1])
    assert _verdict(a, "HVA-419") == (
        "manual",
        "ntpd running (policy on), servers 10.0.0.5; the ntpClient firewall ruleset is not "
        "reported; 10.0.0.5 key 7 authenticated (ntp.conf `key`/`autokey`): the keys ntpd holds "
        "and trusts are not in the evidence, and the host does not report its clock "
        "synchronised (config.dateTimeInfo.serviceSync)",
    )


# --- R34M-3: HVA-420, an odd log host asked, checkSSLCerts false never judged -------------------

ODD = "ssl://log1:1514 ssl://log2:1514"
TLS_KEY = "Syslog.global.certificate.checkSSLCerts"
OPEN_SYSLOG = {
    "incoming_blocked": True,
    "outgoing_blocked": True,
    "rulesets": [{"key": "syslog", "enabled": True, "all_ip": True, "networks": []}],
}


def _syslog(tmp_path: Path, log_host: str, firewall: dict[str, Any] | None, **adv: Any) -> Any:
    host: dict[str, Any] = {"advanced": TLS | {"Syslog.global.logHost": log_host} | adv}
    if firewall is not None:
        host["firewall"] = firewall
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(tmp_path, host)


def test_r34m_3_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the odd target alone is its question (L16-17); checkSSLCerts false alone fails."""
    a = _syslog(tmp_path / "a", ODD, OPEN_SYSLOG)
    assert _verdict(a, "HVA-420") == (
        "manual",
        f"Syslog.global.logHost = {ODD}: {ODD} is not one proto://host[:port] target of a "
        "comma-separated list",
    )
    a = _syslog(tmp_path / "b", "ssl://log1:1514", OPEN_SYSLOG, **{TLS_KEY: False})
    assert _verdict(a, "HVA-420") == (
        "fail",
        "Syslog.global.certificate.checkSSLCerts = False: any server is trusted",
    )


def test_r34m_3_hva420_odd_target_hides_certificates_unchecked(tmp_path: Path) -> None:
    """An odd target and checkSSLCerts false: vmsyslogd trusts any server whatever the targets
    are, a fail; main asked the target's question, and a "yes" passed HVA-420."""
    a = _syslog(tmp_path, ODD, OPEN_SYSLOG, **{TLS_KEY: False})
    _attest_yes(a, "HVA-420", "host", "esx1", tmp_path)
    assert _verdict(a, "HVA-420") == (
        "fail",
        "Syslog.global.certificate.checkSSLCerts = False: any server is trusted",
    )


def test_r34m_3_hva420_unreported_certificate_option_hides_blocked_firewall(
    tmp_path: Path,
) -> None:
    """checkSSLCerts not reported (an unknown) and the syslog ruleset disabled while outgoing
    traffic is blocked: no log leaves the host, a fail; main asked the option alone."""
    fw = OPEN_SYSLOG | {"rulesets": [{"key": "syslog", "enabled": False, "networks": []}]}
    a = _vsphere(
        tmp_path,
        {
            "advanced": {k: v for k, v in TLS.items() if k != TLS_KEY}
            | {"Syslog.global.logHost": "ssl://log1:1514"},
            "firewall": fw,
        },
    )
    _attest_yes(a, "HVA-420", "host", "esx1", tmp_path)
    assert _verdict(a, "HVA-420") == (
        "fail",
        "logs to ssl://log1:1514 are blocked: outgoing traffic is blocked by default and the "
        "syslog firewall ruleset is disabled",
    )


# --- R34M-4: HVA-421, an option not reported asked, the RAM disk never judged -------------------

AUDIT = {
    "Syslog.global.auditRecord.storageEnable": True,
    "Syslog.global.auditRecord.storageCapacity": 100,
    "Syslog.global.auditRecord.remoteEnable": True,
}
RAMDISK = {
    "Syslog.global.auditRecord.storageDirectory": "[] /scratch/auditLog",
    "ScratchConfig.CurrentScratchLocation": "/tmp/scratch",
}


def test_r34m_4_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: logHost not reported with the store on a datastore is the log host's gap alone
    (V12-1); the store on the RAM disk alone fails (L13-4)."""
    store = {"Syslog.global.auditRecord.storageDirectory": "[datastore1] audit"}
    a = _vsphere(tmp_path / "a", {"advanced": AUDIT | store, "firewall": OPEN_SYSLOG})
    assert _verdict(a, "HVA-421") == (
        "manual",
        "evidence unavailable: advanced option(s) Syslog.global.logHost not reported by the host",
    )
    host = {"advanced": AUDIT | RAMDISK | {"Syslog.global.logHost": "ssl://log1:1514"}}
    a = _vsphere(tmp_path / "b", host | {"firewall": OPEN_SYSLOG})
    assert _verdict(a, "HVA-421") == (
        "fail",
        "audit records on the RAM disk, lost at reboot: /scratch/auditLog, scratch at /tmp/scratch",
    )


def test_r34m_4_hva421_unreported_option_hides_ramdisk(tmp_path: Path) -> None:
    """storageEnable not reported (an unknown) and the records' directory on the RAM disk: kept
    there or not kept at all, they are gone at reboot, a fail; main asked the option alone, and
    a "yes" passed HVA-421."""
    adv = {k: v for k, v in AUDIT.items() if not k.endswith("storageEnable")} | RAMDISK
    a = _vsphere(tmp_path, {"advanced": adv | {"Syslog.global.logHost": "ssl://log1:1514"}})
    _attest_yes(a, "HVA-421", "host", "esx1", tmp_path)
    assert _verdict(a, "HVA-421") == (
        "fail",
        "audit records on the RAM disk, lost at reboot: /scratch/auditLog, scratch at /tmp/scratch",
    )


def test_r34m_4_hva421_yes_to_log_host_gap_passes_an_unknown_store(tmp_path: Path) -> None:
    """logHost and the storage directory not reported: main asked the log host alone; "yes"
    passed HVA-421 with whether the records survive a reboot never asked."""
    store = {"Syslog.global.auditRecord.storageDirectory": "[datastore1] audit"}
    first = _items(_vsphere(tmp_path / "f", {"advanced": AUDIT | store}), "HVA-421")
    a = _vsphere(tmp_path / "a", {"advanced": AUDIT})
    _attest_yes(a, "HVA-421", "host", "esx1", tmp_path, question=first[("host", "esx1")][1])
    assert _verdict(a, "HVA-421") == (
        "manual",
        "evidence unavailable: advanced option(s) Syslog.global.logHost not reported by the "
        "host; whether the store survives a reboot is not known: "
        "Syslog.global.auditRecord.storageDirectory not reported",
    )
