"""Red-team round 25 probes: audit (rt25audit)

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. The `audit-rules-files` probe (`grep -R -H ""
/etc/audit/audit.rules /etc/audit/rules.d`) gets one more rules.d file; the loaded rules
(`auditctl -l`) and `auditctl -s` (enabled 1) stay the hardened host's, as on a host whose
rules file was added after the last boot.

Findings:
- R25U-1 (false pass) HVA-214, HVA-201: the boot's rules files were read as `auditctl -l`
  prints rules (`-e 0`, `-a never,exit -F dir=...`, one option and its argument per word), but
  `auditctl -R` reads each line with getopt_long (audit-userspace src/auditctl.c, fetched
  github:linux-audit/audit-userspace: fileopt splits the line on blanks and calls setopt,
  `getopt_long(count, vars, "hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:", long_opts, ...)`;
  opt_enabled accepts optarg "0"), so an argument may be attached (`-e0`, `-anever,exit`,
  `-Fdir=/etc/libvirt`, `-Fmsgtype=PATH`) and a line may hold several options (`-b 8192 -e 0`),
  and augenrules keeps such a line (init.d/augenrules.in: `match($0, "^\\s*-e")` moves `-e0`
  last). Every such line was missed: `-e0` or `-b 8192 -e 0` in a rules.d file passed both
  checks (auditing off from the next boot), `-Anever,exit -Fdir=/etc/libvirt` passed HVA-214
  (its watch dropped), `-aexclude,always -Fmsgtype=PATH` passed HVA-214 and
  `-anever,user -Fmsgtype=VIRT_CONTROL` HVA-201 (their records dropped). Now
  parse.host._auditctl_words spells each line as auditctl -l does, and
  audit_off_at_next_boot finds `-e 0` anywhere in a line: each case gets the verdict its
  spelled-out form already had (a question).

Held (kept as tests): the spelled-out `-e 0` still asks (R13H-4); the hardened host passes
both checks; a `-a never,exit -F dir=/etc/libvirt` after the watch (the exit list's first
match is the watch) and its attached form keep HVA-214's pass.

Probed by script, not kept: `-e  0` (two blanks) and `-b8192 -e0` ask as `-e 0` does;
14 spellings in all (5 of -e, 9 of never/exclude rules).

Tally: 1 finding (1 false pass), 9 tests; 5 failed on main before the fix.

Leads left:
- No check judges auditd.conf disk_full_action / disk_error_action / admin_space_left_action
  (ignore, suspend, syslog) or max_log_file_action = ignore: auditd runs and HVA-214/201 pass
  while it records nothing once the disk fills. No check claims it; not invented here.
- `auditctl -s` failure 0 with lost > 0 and a small backlog_limit (records dropped now,
  silently) is not read; the kernel's `pid` (0: no auditd registered) is not compared with the
  process list that HVA-214/201 take as "auditd running".
- auditd.conf is read as on disk; the running auditd may hold an older one (no SIGHUP).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

BOOT_RULES = str(HARDENED_HOST["audit-rules-files"][0])
WATCHED = "audit rules watch /etc/libvirt and /etc/polkit-1"
LEVEL = "audit_level = 2, auditd running"


def _scan_with(host_scan, name: str, line: str):  # type: ignore[no-untyped-def]
    return host_scan(
        {"audit-rules-files": (BOOT_RULES + f"/etc/audit/rules.d/{name}.rules:{line}\n", 0)}
    )


@pytest.mark.parametrize(
    ("line", "shown"),
    [("-e0", "-e 0"), ("-b 8192 -e 0", "-b 8192 -e 0"), ("-e 0", "-e 0")],
    ids=["attached", "second-option", "spelled-out-held"],
)
def test_auditing_switched_off_at_boot_however_spelled(host_scan, line: str, shown: str) -> None:
    """R25U-1 (false pass) HVA-214, HVA-201: auditctl -R reads a rules line with getopt_long
    (audit-userspace src/auditctl.c setopt, "e:" takes an argument, opt_enabled accepts "0"), so
    `-e0` and `-b 8192 -e 0` switch auditing off at the next boot as `-e 0` does; augenrules
    keeps them (init.d/augenrules.in `match($0, "^\\s*-e")`, `-b` lines too). Only `-e 0`
    alone on its line was asked about; the others passed both checks."""
    a = _scan_with(host_scan, "99-finalize", line)
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": f"{WATCHED} as loaded now, but a rules file the boot loads switches auditing off "
        f"(`{shown}`)"
    }
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert messages(a, "HVA-201") == {
        "hv1": f"{LEVEL}, but a rules file the boot loads switches auditing off (`{shown}`)"
    }


def test_an_attached_never_rule_added_to_the_front_drops_the_watch(host_scan) -> None:
    """R25U-1 (false pass) HVA-214: `-Anever,exit -Fdir=/etc/libvirt` is `-A never,exit -F
    dir=/etc/libvirt` to getopt_long ("A:" and "F:" take an argument, attached or not); -A adds
    it to the front of the exit list (auditctl(8)), before the watch, so it drops the watch's
    records at the next boot. Read word by word it was no rule: HVA-214 passed."""
    a = _scan_with(host_scan, "zz-late", "-Anever,exit -Fdir=/etc/libvirt")
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": f"{WATCHED} as loaded now, and /etc/audit/audit.rules watches /etc/libvirt, but "
        "in /etc/audit/rules.d/*.rules (`ls -1v` order) `-A never,exit -F dir=/etc/libvirt` "
        "comes before their watch: `augenrules --load` at boot rebuilds audit.rules from those "
        "files and drops the watch"
    }


def test_an_attached_exclude_rule_drops_the_watch_records(host_scan) -> None:
    """R25U-1 (false pass) HVA-214: `-aexclude,always -Fmsgtype=PATH` excludes every PATH
    record (kernel audit_log_start, R6-8) as its spelled-out form does; it passed."""
    a = _scan_with(host_scan, "zz-late", "-aexclude,always -Fmsgtype=PATH")
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": f"{WATCHED} as loaded now, but a rules file the next boot loads holds `-a "
        "exclude,always -F msgtype=PATH`, which drops the records they write (in one of "
        "/etc/audit/audit.rules and /etc/audit/rules.d/*.rules only)"
    }


def test_an_attached_user_never_rule_drops_libvirts_records(host_scan) -> None:
    """R25U-1 (false pass) HVA-201: `-anever,user -Fmsgtype=VIRT_CONTROL` drops libvirt's
    VIRT_CONTROL records at the next boot (kernel audit_receive_msg filters user messages
    with AUDIT_FILTER_USER); word by word it was no rule and HVA-201 passed."""
    a = _scan_with(host_scan, "zz-late", "-anever,user -Fmsgtype=VIRT_CONTROL")
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert messages(a, "HVA-201") == {
        "hv1": f"{LEVEL}, but a rules file the next boot loads holds `-a never,user -F "
        "msgtype=VIRT_CONTROL`, which drops libvirt's VIRT_* records (in one of "
        "/etc/audit/audit.rules and /etc/audit/rules.d/*.rules only)"
    }


@pytest.mark.parametrize(
    "line",
    ["-a never,exit -F dir=/etc/libvirt", "-anever,exit -Fdir=/etc/libvirt"],
    ids=["spelled-out", "attached"],
)
def test_a_never_rule_after_the_watch_keeps_the_pass(host_scan, line: str) -> None:
    """Held (R25U-1): appended after the watch (rules.d/zz-late.rules comes last in `ls -1v`
    order), the never rule is not the exit list's first match for writes under /etc/libvirt:
    HVA-214 still passes, spelled either way."""
    a = _scan_with(host_scan, "zz-late", line)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": WATCHED}


def test_the_hardened_host_still_passes(host_scan) -> None:
    """Held (R25U-1): the hardened host's rules (`-D`, `-b 8192`, `--backlog_wait_time 60000`,
    the watches) pass both checks."""
    a = host_scan({})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": WATCHED}
    assert outcomes(a, "HVA-201") == {"hv1": "pass"}
    assert messages(a, "HVA-201") == {"hv1": LEVEL}
