"""R34 elif probes, unknowns: a chain that asks its open conditions in one item (joined_asks) but
yields an UNAVAILABLE fact's question alone and stops (`yield unknown(...); continue`) drops the
asks it made before and hides the fails after it: "yes" to that one question passes the check.

Harness: the conftest host_scan replay (hardened host plus overrides) through the real collector,
parser and engine; attestations written as TOML, read by the CLI's loader (load_attestations) and
applied with apply_attestations, as `hvaudit scan --attestations` does.

Findings:
- R34U-1 (false pass) HVA-201: auditd in the foreground (`auditd -f`: audit_sink unavailable,
  parse.host._audit_sink) beside a loaded rule that drops every VIRT_CONTROL record (a fail
  alone, R6-1) asked only whether auditd keeps its records; "yes" passed the host while the
  kernel drops libvirt's records. Now the drop fails.
- R34U-2 (false pass) HVA-201: `auditd -s disable` (a question) beside `auditd -f` asked the
  sink's question alone (the `-s disable` ask was dropped); "yes" to it passed the host. Now one
  item asks both (checks.base.asked_gap joins an unavailable fact's question to the asks).
- R34U-3 (false pass) HVA-201: `auditctl` absent (the loaded rules unavailable) beside the next
  boot's rules dropping every VIRT_CONTROL record in both rules sets (a fail alone, R24L-4)
  asked only whether a loaded rule drops the records; "yes" passed. Now the drop fails.

- R34U-4 (false pass) HVA-030: the socket unit listing not collected (a bundle of an older
  collector: unavailable) was asked alone, after the fails, and the open conditions collected
  before it (here tls_priority @CUSTOM) were dropped: "yes" passed the host. Now one item asks
  both (asked_gap); a listing whose collection failed is an error, as before.

- R34U-5 (false pass) HVA-201: libvirtd.conf missing from the bundle beside auditd not running
  asked the configuration's question alone (first_unknown ran before every fail): "yes"
  passed. Now the fail wins and an unread configuration is an ask like the others.
- R34U-6 (false pass) HVA-214: auditctl absent (the loaded rules unavailable) beside auditd
  not running asked the rules' question alone: "yes" passed. Now what becomes of the records
  (_audit_records_kept) and the next boot's never rule (_boot_drops) are judged first and their
  questions join the rules' one.

Held: each condition alone keeps its verdict (the harness tests).

Tally: 6 false passes (HVA-201, HVA-030, HVA-214), 10 cases; the 7 finding probes failed on
main (5be6db2f for R34U-1..3, 21d1efe7 for R34U-4, e0f2f39d for R34U-5 and R34U-6).

Leads left: a LEADING unknown (a check's first `gap = first_unknown(...)`; `yield unknown`;
`continue`) hides every later fail that does not rest on the unknown fact (R34U-5, R34U-6 are
two such): most checks open this way; each needs its independent fails judged first.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import command_artefact, file_artefact
from hvaudit.engine import Assessment
from hvaudit.waivers import apply_attestations, load_attestations
from test_host_leads13 import CONF, VERIFIED
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_redteam12_host_probes import _TLS_LISTEN

TODAY = dt.date(2026, 12, 6)
PS = str(HARDENED_HOST["processes"][0])
FOREGROUND = PS.replace("/sbin/auditd", "/sbin/auditd -f")
WATCHES = str(HARDENED_HOST["audit-rules"][0])
BOOT = str(HARDENED_HOST["audit-rules-files"][0])
VIRT_ALL = "-a always,exclude -F msgtype=VIRT_CONTROL"
BOOT_DROP = BOOT + "".join(
    f"/etc/audit/{f}:{VIRT_ALL}\n" for f in ("audit.rules", "rules.d/05-x.rules")
)


def _question(a: Assessment, check: str = "HVA-201") -> str:
    (r,) = (r for r in a.results if r.check.id == check)
    return r.outcome.question or ""


def _attest_yes(a: Assessment, question: str, tmp_path: Path, check: str = "HVA-201") -> None:
    f = tmp_path / f"attest-{abs(hash(question))}.toml"
    f.write_text(
        f'[[attestation]]\ncheck = "{check}"\nsubject = "host:hv1"\nanswer = "yes"\n'
        'attested_by = "auditor"\nattested_at = 2026-12-01\nvalid_days = 90\n'
        f'evidence = "looked"\nquestion = {json.dumps(question)}\n',
        encoding="utf-8",
    )
    apply_attestations(a, load_attestations(f), TODAY)


def test_harness_each_condition_alone(host_scan) -> None:
    """Held: auditd -f alone asks whether auditd keeps its records; the loaded drop of every
    VIRT_CONTROL record alone fails; -s disable alone asks; auditctl absent alone asks; the next
    boot's drop alone fails."""
    a = host_scan({"processes": (FOREGROUND, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert messages(a, "HVA-201")["hv1"].startswith("evidence unavailable: auditd runs in the")
    a = host_scan({"audit-rules": (WATCHES + VIRT_ALL + "\n", 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")
    a = host_scan({"processes": (PS.replace("/sbin/auditd", "/sbin/auditd -s disable"), 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert "`-s disable`" in messages(a, "HVA-201")["hv1"]
    a = host_scan({"audit-rules": None})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert messages(a, "HVA-201")["hv1"] == "evidence unavailable: auditctl is not installed"
    a = host_scan({"audit-rules-files": (BOOT_DROP, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")


def test_r34u1_foreground_auditd_does_not_hide_a_loaded_drop(host_scan) -> None:
    """R34U-1: the loaded drop fails though auditd.conf's reading is unavailable; on main the
    sink's question alone was asked and a "yes" passed."""
    a = host_scan({"processes": (FOREGROUND, 0), "audit-rules": (WATCHES + VIRT_ALL + "\n", 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")
    assert messages(a, "HVA-201")["hv1"].endswith(
        f"the kernel drops libvirt's VIRT_* records before auditd sees them: `{VIRT_ALL}`"
    )


def test_r34u2_sink_question_joins_the_disable_question(host_scan, tmp_path) -> None:
    """R34U-2: `-s disable` and `-f`: one item asks both; "yes" to either question alone (the
    question each asks by itself) passes nothing."""
    disable = PS.replace("/sbin/auditd", "/sbin/auditd -s disable")
    alone = {
        "disable": _question(host_scan({"processes": (disable, 0)})),
        "sink": _question(host_scan({"processes": (FOREGROUND, 0)})),
    }
    both = PS.replace("/sbin/auditd", "/sbin/auditd -f -s disable")
    a = host_scan({"processes": (both, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    msg = messages(a, "HVA-201")["hv1"]
    assert "`-s disable`" in msg and "auditd runs in the foreground" in msg, msg
    for name, q in alone.items():
        a = host_scan({"processes": (both, 0)})
        _attest_yes(a, q, tmp_path)
        assert outcomes(a, "HVA-201") == {"hv1": "manual"}, (name, messages(a, "HVA-201"))
    a = host_scan({"processes": (both, 0)})
    _attest_yes(a, _question(a), tmp_path)
    assert outcomes(a, "HVA-201") == {"hv1": "pass"}  # the joint question answers both


def test_r34u3_unread_loaded_rules_do_not_hide_the_next_boots_drop(host_scan) -> None:
    """R34U-3: auditctl absent and the next boot dropping every VIRT_CONTROL record: a fail; on
    main the loaded rules' question alone was asked."""
    a = host_scan({"audit-rules": None, "audit-rules-files": (BOOT_DROP, 0)})
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")
    assert (
        "the rules the next boot loads drop libvirt's VIRT_* records"
        in (messages(a, "HVA-201")["hv1"])
    )


#: libvirtd.conf on TLS with verified client certificates and a tls_priority naming an
#: /etc/gnutls/config entry, whose content is not read (a question, test_hva030_joint_question).
CUSTOM = {CONF: VERIFIED + 'tls_priority = "@CUSTOM"\n', "listeners": (_TLS_LISTEN, 0)}
UNITS = command_artefact("libvirt-socket-units")


def test_r34u4_harness_each_condition_alone(host_scan, older_bundle_scan) -> None:  # noqa: F811
    """Held: tls_priority @CUSTOM alone asks; the socket unit listing missing from a bundle (an
    older collector) alone asks whether libvirt listens on no unauthenticated TCP port."""
    a = host_scan(CUSTOM)
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "manual"},
        {"hv1": "tls_priority = '@CUSTOM': what @CUSTOM enables is not read"},
    )
    a = older_bundle_scan({}, gone=UNITS)
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "manual"},
        {"hv1": f"evidence unavailable: {UNITS} was not collected"},
    )


def test_r34u4_unit_listing_question_joins_tls_priority(
    host_scan,
    older_bundle_scan,  # noqa: F811
    tmp_path,
) -> None:
    """R34U-4 (false pass) HVA-030: with the socket unit listing not collected, the unit
    question alone was asked and tls_priority's never: "yes" to it passed the host. Now both are
    in one item and "yes" to either alone passes nothing."""
    alone = {
        "tls": _question(host_scan(CUSTOM), "HVA-030"),
        "units": _question(older_bundle_scan({}, gone=UNITS), "HVA-030"),
    }
    a = older_bundle_scan(CUSTOM, gone=UNITS)
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}
    assert messages(a, "HVA-030")["hv1"] == (
        "tls_priority = '@CUSTOM': what @CUSTOM enables is not read; "
        f"evidence unavailable: {UNITS} was not collected"
    )
    for name, q in alone.items():
        a = older_bundle_scan(CUSTOM, gone=UNITS)
        _attest_yes(a, q, tmp_path, "HVA-030")
        assert outcomes(a, "HVA-030") == {"hv1": "manual"}, name


#: The hardened host's processes without auditd (test_redteam8_host_probes' auditd-less host).
NO_AUDITD = "\n".join(ln for ln in PS.splitlines() if "auditd" not in ln) + "\n"


def test_r34u5_u6_harness_each_condition_alone(host_scan, older_bundle_scan) -> None:  # noqa: F811
    """Held: libvirtd.conf missing from the bundle alone asks (HVA-201); auditctl absent alone
    asks (HVA-214); auditd not running alone fails both."""
    a = older_bundle_scan({}, gone=file_artefact(CONF))
    assert (outcomes(a, "HVA-201"), messages(a, "HVA-201")) == (
        {"hv1": "manual"},
        {"hv1": f"evidence unavailable: {CONF}: not in this bundle"},
    )
    a = host_scan({"audit-rules": None})
    assert (outcomes(a, "HVA-214"), messages(a, "HVA-214")) == (
        {"hv1": "manual"},
        {"hv1": "evidence unavailable: auditctl is not installed"},
    )
    a = host_scan({"processes": (NO_AUDITD, 0)})
    assert outcomes(a, "HVA-201") == outcomes(a, "HVA-214") == {"hv1": "fail"}


def test_r34u5_unread_daemon_config_does_not_hide_auditd_not_running(
    older_bundle_scan,  # noqa: F811
) -> None:
    """R34U-5 (false pass) HVA-201: libvirtd.conf not in the bundle and auditd not running: the
    configuration's question alone was asked (first_unknown over the daemon files and auditd)
    and a "yes" passed a host where no auditd receives libvirt's records. Now the fail."""
    a = older_bundle_scan({"processes": (NO_AUDITD, 0)}, gone=file_artefact(CONF))
    assert (outcomes(a, "HVA-201"), messages(a, "HVA-201")) == (
        {"hv1": "fail"},
        {"hv1": "libvirt's audit_level not read but auditd is not running"},
    )


def test_r34u6_unread_loaded_rules_do_not_hide_auditd_not_running(host_scan) -> None:
    """R34U-6 (false pass) HVA-214: auditctl absent (the loaded rules unavailable) and auditd
    not running: the rules' question alone was asked and a "yes" passed a host whose watches'
    records no auditd receives. Now the fail _audit_records_kept gives."""
    a = host_scan({"processes": (NO_AUDITD, 0), "audit-rules": None})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"].endswith(
        "but auditd is not running: the kernel only "
        "prints their records to its log, rate-limited, and drops the rest"
    )


def test_r34u6_rules_question_joins_the_sink_question(host_scan, tmp_path) -> None:
    """R34U-6's twin: auditctl absent and auditd in the foreground (its sink unavailable): one
    item asks both; "yes" to the rules' question alone passes nothing."""
    rules_alone = _question(host_scan({"audit-rules": None}), "HVA-214")
    a = host_scan({"processes": (FOREGROUND, 0), "audit-rules": None})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert "auditd runs in the foreground" in messages(a, "HVA-214")["hv1"]
    _attest_yes(a, rules_alone, tmp_path, "HVA-214")
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
