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
- R34M-5 HVA-423: an account option not reported (an unknown) hid every reported option's
  fail (Security.AccountLockFailures = 10 passed on a "yes" to the gap's question). Now the
  reported options are judged first; the gap joins the config= and unlock-time questions.
- R34M-6 HVA-301 (proxmox.py): cluster.fw's anti-lockout time stamp (P18-6) was asked and the
  chain stopped: policy_in ACCEPT, host.fw `enable: 0`, no firewall daemon or a rule accepting
  everything (each a fail) were never judged; host.fw not read (an unknown) hid the daemon's
  and the gateway's questions. Now a fail wins, and the open conditions join in one item.
- R34M-7 HVA-306 (proxmox.py): the named administrators' second-factor question (or the
  OpenID realms') was asked, and where the user list may be incomplete (R29P-4) the question
  of the users it leaves out (`_users_passed`'s) was never asked: a "yes" passed. Now joined
  (`_with_unlisted`).
- R34M-8 HVA-308 (proxmox.py): a raw `-incoming` question (a socket handed to QEMU, a named
  service) was yielded without unread_peers, so the guests not read (R30D-6) were never asked
  while the pass branch asked them. Now joined as in the pass.
- R34M-9 HVA-431: a service missing from config.service (an unknown) hid snmpd running with a
  read-only community (SNMP v1/v2c, a fail) and SNMP's v3 question. Now the fail wins; the gap
  joins SNMP's question in one item.
- R34M-10 HVA-427: VMkernel.Boot.execInstalledOnly not reported (an unknown) hid the runtime
  option User.execInstalledOnly 0 (V21C-3's question): a "yes, the boot option is true"
  passed while unsigned binaries run unless the host booted with it. Now joined in one item.

Held: HVA-412 with the outgoing policy reported asks only whether the firewall is enabled;
HVA-419 with the firewall read and a keyed server asks the keys alone; HVA-420 with an odd
target and nothing else open asks the target alone; HVA-421 with the store on a datastore and
logHost not reported asks the log host alone; HVA-423's gap alone and a weak lockout alone;
HVA-301's stamp alone and policy_in ACCEPT alone; HVA-308's raw `-incoming fd:3` alone and a
guest not read alone. HVA-312's root@pam question (a user list partial) is not a site: its
evidence is the whole user list (`pveum user list`), which answers the unlisted users too.

Tally: 10 sites (false pass 10; R34M-3, R34M-4, R34M-5, R34M-6 and R34M-9 also a fail
reported as a question); 21 cases in 21 test functions here (9 held); 12 failed on main before
the fixes (R34M-1..4: 6 on 14bce602; R34M-5..9: 1 each on bb817db5; R34M-10: 1 on e59390df),
each a pass after the attested "yes" or a question where the check now fails.

Leads left:
- HVA-416: VM role grants without their object (an unknown) hide the Administrator
  inventory-wide question; joining them asks a contradictory pair (the unknown's "none on the
  root folder" is answered no by the Administrator grants themselves): a team decision how to
  word the joint item.
- Swept by reading (vmware.py: every manual, unknown and _no_option yield; proxmox.py: every
  manual yield and the checks calling _users_passed): HVA-403, HVA-404, HVA-432, HVA-436,
  HVA-442, HVA-305, HVA-309, HVA-314 hold (one question that covers the rest, or a fail
  first). HVA-405, HVA-438 (vmware), HVA-307, HVA-311, HVA-313 (proxmox)
  were not traced to the end of every branch in the time; HVA-313's `_dest_question` and
  HVA-301's `_gateway_question` return one question each.
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


# --- R34M-5: HVA-423, an option not reported asked, a weaker reported one never judged ---------


def _accounts(tmp_path: Path, **adv: Any) -> Any:
    from test_redteam13_vmw_probes import LOCKOUT, STIG_QUALITY

    options = LOCKOUT | {"Security.PasswordQualityControl": STIG_QUALITY} | adv
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(tmp_path, {"advanced": {k: v for k, v in options.items() if v is not None}})


def test_r34m_5_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: Security.PasswordHistory not reported alone is its gap; a lockout after 10
    failures alone fails (ESXI-80-000005: 3)."""
    a = _accounts(tmp_path / "a", **{"Security.PasswordHistory": None})
    assert _verdict(a, "HVA-423") == (
        "manual",
        "evidence unavailable: advanced option(s) Security.PasswordHistory not reported by the "
        "host",
    )
    a = _accounts(tmp_path / "b", **{"Security.AccountLockFailures": 10})
    assert _verdict(a, "HVA-423") == ("fail", "Security.AccountLockFailures = 10 (want 1..3)")


def test_r34m_5_hva423_unreported_history_hides_weak_lockout(tmp_path: Path) -> None:
    """The history not reported and the lockout after 10 failures: a fail whatever the
    history is; main asked the history's gap alone, and a "yes" passed HVA-423."""
    a = _accounts(
        tmp_path, **{"Security.PasswordHistory": None, "Security.AccountLockFailures": 10}
    )
    _attest_yes(a, "HVA-423", "host", "esx1", tmp_path)
    assert _verdict(a, "HVA-423") == ("fail", "Security.AccountLockFailures = 10 (want 1..3)")


# --- R34M-6: proxmox.py HVA-301, the anti-lockout stamp asked, an ACCEPT input policy never ------

STAMP = "enable: 4102444800"  # 2100-01-01: on when collected, off 60 s after it (P18-6)


def test_r34m_6_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the stamp alone is its question (P18-6); policy_in ACCEPT alone fails."""
    from test_redteam8_pve_probes import _fw_scan

    assert _fw_scan(tmp_path / "a", lambda t: t.replace("enable: 1", STAMP))[0] == "manual"
    assert _fw_scan(
        tmp_path / "b", lambda t: t.replace("policy_in: DROP", "policy_in: ACCEPT")
    ) == (
        "fail",
        "cluster firewall on, input policy ACCEPT",
    )


def test_r34m_6_hva301_stamp_question_hides_accept_policy(tmp_path: Path) -> None:
    """The stamp in force and policy_in ACCEPT: every packet no rule drops reaches the node
    while the firewall is on, and nothing when it is off: a fail either way. Main asked only
    whether the firewall is enabled for good, and a "yes" passed HVA-301."""
    from test_redteam8_pve_probes import _fw_scan

    def rewrite(t: str) -> str:
        return t.replace("enable: 1", STAMP).replace("policy_in: DROP", "policy_in: ACCEPT")

    assert _fw_scan(tmp_path, rewrite) == ("fail", "cluster firewall on, input policy ACCEPT")


# --- R34M-7: proxmox.py HVA-306, named administrators asked, the users a partial list hides never


def _pve_api(
    monkeypatch: Any, capsys: Any, tmp_path: Path, attest: str | None = None
) -> tuple[str, str, str | None]:
    """HVA-306 of pve1 through the real API collector, parser and engine (round 29's R29P-4
    table: ops@pve, an administrator, hidden from a token without Sys.Audit on /access/groups,
    test_redteam29_proxmox_probes), answered "yes" to `attest` by `hvaudit scan
    --attestations`: (status, message, question)."""
    import json

    from hvaudit.cli import main
    from test_redteam28_proxmox_probes import (
        AUDITOR,
        SECRET,
        TOKEN,
        TOP,
        USER_ACL,
        _acl,
        _answers,
        proxmoxer,
    )

    ops = {"path": "/", "type": "user", "ugid": "ops@pve", "roleid": "Administrator"}
    answers = _answers(
        {**dict.fromkeys(TOP, AUDITOR), "/access/groups": {"VM.Audit": 1}},
        [USER_ACL, ops | {"propagate": 1}, _acl("/", "PVEAuditor")],
        ["qemu/100"],
    )
    answers["access/users"] = [u for u in answers["access/users"] if u["userid"] == "audit@pve"]

    class FakeApi:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def get(self, path: str, **params: Any) -> Any:
            if path in answers:
                return json.loads(json.dumps(answers[path]))
            raise proxmoxer.core.ResourceException(501, "Not Implemented", "")

    monkeypatch.setattr(proxmoxer, "ProxmoxAPI", FakeApi)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    argv = ["scan", "--connect", "pve+api://pve.example:8006/pve1", "--format", "json"]
    if attest is not None:
        f = tmp_path / "attest.toml"
        f.write_text(
            '[[attestation]]\ncheck = "HVA-306"\nsubject = "host:pve1"\nanswer = "yes"\n'
            'attested_by = "auditor"\nattested_at = 2026-12-01\nvalid_days = 90\n'
            f'evidence = "looked"\nquestion = {json.dumps(attest)}\n',
            encoding="utf-8",
        )
        argv += ["--attestations", str(f), "--as-of", "2026-12-06"]
    main(argv)
    out, err = capsys.readouterr()
    assert out, err
    (r,) = [
        r
        for r in json.loads(out)["results"]
        if r["check_id"] == "HVA-306" and r["subject"]["name"] == "pve1"
    ]
    return r["status"], r["message"], r.get("question")


NAMED = (
    "administrators whose second factor is not in the evidence: ops@pve (not listed by GET "
    "/access/users, nor its GET /access/tfa entries); root@pam (not listed by GET "
    "/access/users, nor its GET /access/tfa entries)"
)
NAMED_Q = (
    "Does each of ops@pve, root@pam have a second factor Proxmox VE asks for at login? Evidence: "
    "`pveum user tfa list USER` (or GET /access/tfa) for each, and datacenter.cfg "
    "`webauthn`/`u2f` for a WebAuthn or U2F entry. Pass: each has an entry of type totp, yubico "
    "or recovery, or a webauthn/u2f one datacenter.cfg configures, that is not disabled; fail: "
    "any has none, or only disabled ones (proxmox-tfa then asks for no second factor and the "
    "password alone logs in)."
)


def test_r34m_7_hva306_yes_to_named_admins_passes_users_the_list_hides(
    monkeypatch: Any, capsys: Any, tmp_path: Path
) -> None:
    """The user list partial (R29P-4) and ops@pve, root@pam not listed (R29P-5): main asked
    only whether those two have a second factor; "yes" passed HVA-306 while the other users
    and API tokens the list may hide (held alone: HVA-311/HVA-307's question) were never asked.
    Held: the named administrators' question is the first part as before."""
    _, _, question = _pve_api(monkeypatch, capsys, tmp_path)
    status, message, _ = _pve_api(monkeypatch, capsys, tmp_path, attest=NAMED_Q)
    assert (status, message) == (
        "manual",
        NAMED + "; the user list may be incomplete: the API token holds neither Sys.Audit nor "
        "User.Modify on /access/groups, so GET /access/users lists only the members of the "
        "groups it holds them on and its own user (pve-access-control API2/User.pm index): an "
        "administrator, or an API token of one, may be missing",
    )
    assert question is not None and question.startswith(
        "Does each of ops@pve, root@pam have a second factor Proxmox VE asks for at login, and "
        'does every user and API token of the cluster of node pve1 meet "Administrators log in '
        'with a second factor"?'
    ), question


# --- R34M-8: proxmox.py HVA-308, a raw -incoming asked, the guests not read never ---------------


def _pve_dir(
    tmp_path: Path, capsys: Any, *, fd: bool, unread: bool, attest: str | None = None
) -> tuple[str, str, str | None, Path]:
    """HVA-308 of pve-h1 through `hvaudit scan --connect pve+dir://` over the hardened tree:
    VM 200 with `args: -incoming fd:3` (`fd`, a socket handed to QEMU: asked, raw.opaque), VM
    201's .conf a FIFO the reader refuses (`unread`, R27P-1's harness), answered "yes" to
    `attest` by `--attestations`: (status, message, question, tree)."""
    import json
    import os
    import shutil

    from hvaudit.cli import main
    from test_redteam2_probes import PVE_HARDENED

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    conf = tree / "etc/pve/qemu-server/200.conf"
    if fd:
        conf.write_text(conf.read_text() + "args: -incoming fd:3\n")
    if unread:
        (tree / "etc/pve/qemu-server/201.conf").unlink()
        os.mkfifo(tree / "etc/pve/qemu-server/201.conf")
    argv = ["scan", "--connect", f"pve+dir://{tree}", "--format", "json"]
    if attest is not None:
        f = tmp_path / "attest.toml"
        f.write_text(
            '[[attestation]]\ncheck = "HVA-308"\nsubject = "host:pve-h1"\nanswer = "yes"\n'
            'attested_by = "auditor"\nattested_at = 2026-12-01\nvalid_days = 90\n'
            f'evidence = "looked"\nquestion = {json.dumps(attest)}\n',
            encoding="utf-8",
        )
        argv += ["--attestations", str(f), "--as-of", "2026-12-06"]
    main(argv)
    out, err = capsys.readouterr()
    assert out, err
    (r,) = [r for r in json.loads(out)["results"] if r["check_id"] == "HVA-308"]
    return r["status"], r["message"], r.get("question"), tree


FD_ASKED = (
    "migration type secure on 10.0.2.0/24; VM web-10's QEMU argument -incoming fd:3: QEMU waits "
    "for a migration stream (main channel) on a socket handed to QEMU"
)


def test_r34m_8_harness_each_condition_alone(tmp_path: Path, capsys: Any) -> None:
    """Held: the raw `-incoming fd:3` alone is the listener question; VM 201 not read alone is
    the unread guests' question (R30D-6)."""
    status, message, question, _ = _pve_dir(tmp_path / "a", capsys, fd=True, unread=False)
    assert (status, message) == ("manual", FD_ASKED)
    assert question is not None and question.startswith("Who can connect to the migration")
    status, message, question, _ = _pve_dir(tmp_path / "b", capsys, fd=False, unread=True)
    assert status == "manual", message
    assert "not compared with the guests whose definition was not read" in message


def test_r34m_8_hva308_yes_to_listener_question_passes_unread_guests(
    tmp_path: Path, capsys: Any
) -> None:
    """Both open: main asked only who can connect to VM 200's listener; "yes" passed HVA-308
    while VM 201, not read, may wait for a plaintext stream on every address: never asked."""
    first = _pve_dir(tmp_path / "f", capsys, fd=True, unread=False)[2]
    status, message, _, tree = _pve_dir(tmp_path / "a", capsys, fd=True, unread=True, attest=first)
    assert (status, message) == (
        "manual",
        FD_ASKED + "; not compared with the guests whose definition was not read, any of which "
        "may have raw QEMU arguments (args:) that make its QEMU wait for a migration stream "
        "(-incoming) on every address or another network: VM 201 "
        f"(/etc/pve/qemu-server/201.conf collection failed: {tree}/etc/pve/qemu-server/201.conf: "
        "a FIFO, not read)",
    )


# --- R34M-9: HVA-431, a service missing from the list asked, SNMP v1 never judged --------------


def _services(tmp_path: Path, slpd: bool, community: bool) -> Any:
    """slpd listed (off) or missing from config.service; sfcbd-watchdog off; snmpd running with
    a read-only community (`community`, through the collector's snmp_record over a real pyVmomi
    HostSnmpConfigSpec) or none."""
    from pyVmomi import vim

    from test_pvevmw_leads14 import OFF, ON, _snmp

    spec = vim.host.SnmpSystem.SnmpConfigSpec(
        enabled=True, readOnlyCommunities=["public"] if community else []
    )
    services = {"sfcbd-watchdog": OFF, "snmpd": ON} | ({"slpd": OFF} if slpd else {})
    tmp_path.mkdir(exist_ok=True)
    return _vsphere(tmp_path, {"services": services, "snmp": _snmp(spec)})


def test_r34m_9_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: every service listed and snmpd with a community fails (L14-8); slpd missing with
    snmpd and no community is the gap and SNMP's question."""
    a = _services(tmp_path / "b", slpd=True, community=True)
    assert _verdict(a, "HVA-431") == (
        "fail",
        "slpd and sfcbd-watchdog stopped, policy off; enabled: SNMP (snmpd: running, policy on) "
        "with 1 read-only community (SNMP v1/v2c: a community string is the only credential)",
    )
    a = _services(tmp_path / "a", slpd=False, community=False)
    assert _verdict(a, "HVA-431")[0] == "manual"
    assert _verdict(a, "HVA-431")[1].startswith("evidence unavailable: slpd not in the host's")


def test_r34m_9_hva431_missing_service_hides_snmp_community(tmp_path: Path) -> None:
    """slpd missing from the service list (an unknown) and snmpd running with a read-only
    community (a fail alone): main asked whether slpd is stopped, and a "yes" passed HVA-431
    with SNMP v1/v2c on the host."""
    a = _services(tmp_path, slpd=False, community=True)
    _attest_yes(a, "HVA-431", "host", "esx1", tmp_path)
    assert _verdict(a, "HVA-431") == (
        "fail",
        "enabled: SNMP (snmpd: running, policy on) with 1 read-only community (SNMP v1/v2c: a "
        "community string is the only credential)",
    )


# --- R34M-10: HVA-427, the boot option's gap asked, the runtime option off never ----------------

BOOT_KEY = "VMkernel.Boot.execInstalledOnly"
RUNTIME_KEY = "User.execInstalledOnly"


def test_r34m_10_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the boot option not reported alone is its gap; the runtime option off beside the
    boot option true is the running kernel's question (V21C-3)."""
    a = _vsphere(tmp_path / "a", {"advanced": {}})
    assert _verdict(a, "HVA-427") == (
        "manual",
        f"evidence unavailable: advanced option(s) {BOOT_KEY} not reported by the host",
    )
    a = _vsphere(tmp_path / "b", {"advanced": {BOOT_KEY: True, RUNTIME_KEY: 0}})
    assert _verdict(a, "HVA-427") == (
        "manual",
        f"{BOOT_KEY} = true, but the runtime option {RUNTIME_KEY} = 0: unsigned binaries run "
        "unless the host booted with the boot option on",
    )


def test_r34m_10_hva427_yes_to_boot_gap_passes_runtime_off(tmp_path: Path) -> None:
    """The boot option not reported and the runtime option 0: main asked whether the boot
    option is true; "yes" passed HVA-427 while the runtime option lets unsigned binaries run
    unless the host booted with it, never asked."""
    first = _items(_vsphere(tmp_path / "f", {"advanced": {}}), "HVA-427")[("host", "esx1")][1]
    a = _vsphere(tmp_path / "a", {"advanced": {RUNTIME_KEY: 0}})
    _attest_yes(a, "HVA-427", "host", "esx1", tmp_path, question=first)
    assert _verdict(a, "HVA-427") == (
        "manual",
        f"evidence unavailable: advanced option(s) {BOOT_KEY} not reported by the host; the "
        f"runtime option {RUNTIME_KEY} = 0: unsigned binaries run unless the host booted with "
        "the boot option on",
    )
