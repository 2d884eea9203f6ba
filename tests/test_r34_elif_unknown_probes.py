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

Held: each condition alone keeps its verdict (the harness test).

Tally: 3 false passes (HVA-201), 5 cases; the 3 finding probes failed on main 5be6db2f.

Leads left: every chain fixed this round that yields `unknown(...)` and `continue`s after an
ask was appended has the same shape (a sweep with asked_gap).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.engine import Assessment
from hvaudit.waivers import apply_attestations, load_attestations

TODAY = dt.date(2026, 12, 6)
PS = str(HARDENED_HOST["processes"][0])
FOREGROUND = PS.replace("/sbin/auditd", "/sbin/auditd -f")
WATCHES = str(HARDENED_HOST["audit-rules"][0])
BOOT = str(HARDENED_HOST["audit-rules-files"][0])
VIRT_ALL = "-a always,exclude -F msgtype=VIRT_CONTROL"
BOOT_DROP = BOOT + "".join(
    f"/etc/audit/{f}:{VIRT_ALL}\n" for f in ("audit.rules", "rules.d/05-x.rules")
)


def _question(a: Assessment) -> str:
    (r,) = (r for r in a.results if r.check.id == "HVA-201")
    return r.outcome.question or ""


def _attest_yes(a: Assessment, question: str, tmp_path: Path) -> None:
    f = tmp_path / f"attest-{abs(hash(question))}.toml"
    f.write_text(
        '[[attestation]]\ncheck = "HVA-201"\nsubject = "host:hv1"\nanswer = "yes"\n'
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
