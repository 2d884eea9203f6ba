"""Twenty-third red-team review: an unreadable audit rules file is not an empty one (rt23audit).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. The `audit-rules-files` probe (`grep -R -H ""
/etc/audit/audit.rules /etc/audit/rules.d`) is replayed as GNU grep gives a file it could not
read: `(stdout, rc, stderr)`, exit 2 with the error named on stderr. GNU grep manual, Exit
Status (found with `search` in R23P-4): "Normally the exit status is 0 if a line is selected, 1
if no lines were selected, and 2 if an error occurred". R23P-4's parse.host._grep_unanswered
tells a missing path ("No such file or directory": no rule) from an unread one.

Findings (ID-n):
- R23Y-1 (false pass) HVA-214: _audit_rules_files and _audit_rules_d accepted grep's exit 2
  whenever some text was read, so /etc/audit/rules.d/10-x.rules that grep could not read
  ("Permission denied", a collector without root) was taken as no file, and HVA-214 passed
  "audit rules watch /etc/libvirt and /etc/polkit-1", though augenrules cats that file before
  the others (audit-userspace init.d/augenrules, read with `read_file` in R14H-4: `for rules in
  $(/bin/ls -1v ${SourceRulesDir} | grep "\\.rules$")`) and a `-a never,exit` rule there wins
  over the watches (the exit list stops at the first match), a `-D` deletes them, and an
  `-e 0` switches auditing off (augenrules(8): "The last processed -e directive ... is always
  emitted as the last line"). Now both readers use _grep_unanswered: any error but "No such
  file or directory" makes the boot rules failed, and HVA-214 asks (manual), naming grep's
  error, where it passed before.

Held (kept as tests): the hardened host (every rules file read, grep exit 0) still passes
HVA-214; grep's exit 2 with only "No such file or directory" (rules.d absent) is an answer.

Probed by script, not kept: HVA-215 and HVA-212 did not change with the unread file.

Tally: 3 cases in 3 test functions; 1 failed on main a8608c1 before the fix.

Leads left (not settled in the time):
- HVA-214 with audit.rules and rules.d both unread (grep exit 2, "Permission denied", no text)
  now also asks; a host with no /etc/audit at all (only "No such file") stays unavailable and
  the check still skips the boot branches: whether it should ask there was not settled.
- the audit-enabled check's audit_off_at_next_boot reads audit_rules_persistent only when known:
  with the file list failed an `-e 0` unseen is not asked about there (only HVA-214 asks).
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes


def test_an_unreadable_rules_d_file_is_not_no_file(host_scan) -> None:
    """R23Y-1 (false pass) HVA-214: augenrules cats /etc/audit/rules.d/*.rules in `ls -1v`
    order (audit-userspace init.d/augenrules: `for rules in $(/bin/ls -1v ${SourceRulesDir} |
    grep "\\.rules$")`), so 10-x.rules comes before libvirt.rules, and a never rule there wins
    over the watches. grep exited 2 with "Permission denied" on it and the rest was taken as
    complete: HVA-214 passed. Now the boot rules are unread and HVA-214 asks with grep's error."""
    a = host_scan(
        {
            "audit-rules-files": (
                HARDENED_HOST["audit-rules-files"][0],
                2,
                "grep: /etc/audit/rules.d/10-x.rules: Permission denied\n",
            )
        }
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but the audit "
        "rules files were not all read (exit status 2: grep: /etc/audit/rules.d/10-x.rules: "
        "Permission denied), so whether the next boot loads them is unknown"
    }


def test_readable_audit_rules_files_still_pass(host_scan) -> None:
    """Held (R23Y-1): the hardened host, every rules file read (grep exit 0), passes HVA-214."""
    a = host_scan({})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": "audit rules watch /etc/libvirt and /etc/polkit-1"}


def test_a_missing_path_in_the_audit_rules_probe_is_an_answer(host_scan) -> None:
    """Held (R23Y-1): grep's exit 2 naming only "No such file or directory" (a path that does
    not exist holds no rule) leaves the files read: HVA-214 still passes."""
    a = host_scan(
        {
            "audit-rules-files": (
                HARDENED_HOST["audit-rules-files"][0],
                2,
                "grep: /etc/audit/rules.d/old.rules: No such file or directory\n",
            )
        }
    )
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": "audit rules watch /etc/libvirt and /etc/polkit-1"}
