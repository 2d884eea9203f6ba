"""Twenty-third red-team review, second pass: an unreadable drop-in is not an empty one (rt23probe2).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. A probe's failure is replayed as GNU grep gives it:
`(stdout, rc, stderr)`, exit 2 with each error named on stderr. GNU grep manual, Exit Status
(found with `search` in R23P-4): "Normally the exit status is 0 if a line is selected, 1 if no
lines were selected, and 2 if an error occurred". A directory that does not exist ("No such
file or directory") holds no setting; a file grep could not read ("Permission denied") holds
settings unseen. R23P-4's parse.host._grep_unanswered tells the two apart; this round applies
it to the sshd_config.d and journald.conf.d readers.

Findings (ID-n):
- R23Q-1 (false pass) HVA-160 HVA-161 HVA-151: `grep -R -H "" /etc/ssh/sshd_config.d` was
  accepted whenever its stderr held "No such file" anywhere: a dangling symbolic link in
  sshd_config.d ("No such file or directory") beside a drop-in grep could not read
  ("Permission denied") left the Match blocks of the unread file unseen, and HVA-160
  "PermitRootLogin no", HVA-161 "allowgroups sshadmins" and HVA-151 (two factors) passed,
  though a `Match` block there may permit root or any user with a password only (`sshd -T`
  applies no Match block; sshd_config(5) Include, OpenSSH 8.2: Debian's sshd_config includes
  /etc/ssh/sshd_config.d/*.conf, found with `search`: cloud-init issue 3645 "In OpenSSH 8.2,
  support for Include directives in ssh_config and sshd_config was introduced. In
  Debian/Ubuntu version 1:8.2p1-1, Include directives were added to the config files shipped
  in the package"). Now the reader uses _grep_unanswered: any error other than "No such file
  or directory" leaves the drop-ins unread, and the checks ask (manual) with grep's error.
- R23Q-2 (false pass) HVA-213: `grep -R -H "" ...journald.conf.d` that exited 2 with
  "Permission denied" was read as "no drop-in", so "no file sets Storage=" and HVA-213 passed
  "log_outputs unset (the journal)", though a drop-in there may set Storage=none, which
  "turns off all storage, all log data received will be dropped" (journald.conf(5), found with
  `search`: manpages.ubuntu.com journald.conf.5), and drop-ins "have higher precedence and
  override the main configuration file". Now the drop-ins are unread (same helper) and
  HVA-213 asks, naming grep's error.
- R23Q-3 (false pass) HVA-200: `grep -R -H "" /etc/rsyslog.conf /etc/rsyslog.d` that exited 2
  with "Permission denied" on /etc/rsyslog.d/10-local.conf was read as complete: the TLS
  forwarding in 50-remote.conf passed HVA-200, though 10-local.conf is read first and a
  `stop` there discards every message before it. rsyslog $IncludeConfig (found with
  `search`, rsyslog.com rsconf1_includeconfig): "if multiple files are included, they are
  processed in ascending sort order of the file name"; include(): "This is especially
  important if you use statements like stop". Now the forwarding fact is failed (same
  helper) and HVA-200 gives an error naming grep's error.

Held (kept as tests): grep's exit 2 with only "No such file or directory" (journald.conf.d
directories absent: the hardened host's case, and sshd_config.d absent) is an answer: HVA-213
and HVA-160 still pass.

Probed by script, not kept: an sshd_config.d drop-in that alone could not be read was already
a question on main (the old reader looked for "No such file" in stderr) and stays one;
`audit-rules-files` (grep over /etc/audit/audit.rules and
rules.d) with one rules.d file unreadable beside readable ones: read as complete on main, but
no verdict changed on the hardened host (the audit watch check skips an unknown file list),
see Leads.

Tally: 7 cases in 5 test functions; 5 failed on main before the fixes (R23Q-1 3, R23Q-2 1
on 4373f41; R23Q-3 1 on e6eb6ff); the 2 held cases passed before and after.

Leads left (not settled in the time):
- _audit_rules_files/_audit_rules_d accept exit 2 whenever some text was read: a
  /etc/audit/rules.d file grep could not read (a `-a never,exit` rule ordered before the
  watches by augenrules' `ls -1v`) is unseen; the audit watch check passes. Needs the check to
  ask when audit_rules_persistent/audit_rules_d are unknown, not only to skip the branch.
- the other rsyslog-config readers (journald's imuxsock check, the rsyslog mtimes/main-file
  readers) and syslog-ng-config still take exit 2 as complete; chrony-conf, modprobe-d and the
  `find -exec grep` readers (_found_files) already reject it.
- `stat` of sockets (exit 1 for a missing path and for permission denied alike), `find` exit
  1 on an unreadable entry, _unit_config_options/_daemons reading a failed systemctl as
  nothing, HVA-034 with a failed socket unit list (R23P's leads): not reached.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

SSHD_D = (
    "",
    2,
    "grep: /etc/ssh/sshd_config.d/00-old.conf: No such file or directory\n"
    "grep: /etc/ssh/sshd_config.d/50-admins.conf: Permission denied\n",
)
SSHD_WHY = (
    "/etc/ssh/sshd_config.d/ was not read (exit status 2: grep: "
    "/etc/ssh/sshd_config.d/50-admins.conf: Permission denied)"
)
MISSING = (
    "grep: /run/systemd/journald.conf.d: No such file or directory\n"
    "grep: /usr/local/lib/systemd/journald.conf.d: No such file or directory\n"
    "grep: /usr/lib/systemd/journald.conf.d: No such file or directory\n"
)


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("HVA-160", f"evidence unavailable: {SSHD_WHY}"),
        ("HVA-161", f"evidence unavailable: {SSHD_WHY}"),
        (
            "HVA-151",
            "evidence unavailable: every login outside Match blocks needs two factors, but the "
            f"Match blocks of sshd_config were not read ({SSHD_WHY})",
        ),
    ],
)
def test_an_unreadable_sshd_dropin_beside_a_dangling_link_is_not_read(
    host_scan, check, message
) -> None:
    """R23Q-1 (false pass) HVA-160 HVA-161 HVA-151: sshd_config(5) Include (OpenSSH 8.2;
    Debian's sshd_config includes /etc/ssh/sshd_config.d/*.conf) reads every drop-in, and `sshd
    -T` applies none of their Match blocks, so the drop-ins are read with `grep -R -H ""`. GNU
    grep exits 2 when "an error occurred", naming each on stderr: a dangling link's "No such
    file or directory" beside "Permission denied" on 50-admins.conf (a collector without root)
    was accepted because "No such file" appeared somewhere in stderr; 50-admins.conf's Match
    blocks (PermitRootLogin yes, password only) went unseen and the checks passed. Now any error
    but "No such file or directory" leaves the drop-ins unread."""
    a = host_scan({"sshd-config-d": SSHD_D})
    assert outcomes(a, check) == {"hv1": "manual"}
    assert messages(a, check) == {"hv1": message}


def test_a_missing_sshd_dropin_directory_is_an_answer(host_scan) -> None:
    """Held (R23Q-1): sshd_config.d not there (grep exit 2, only "No such file or directory")
    holds no Match block: HVA-160 still passes."""
    a = host_scan(
        {"sshd-config-d": ("", 2, "grep: /etc/ssh/sshd_config.d: No such file or directory\n")}
    )
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}
    assert messages(a, "HVA-160") == {"hv1": "PermitRootLogin no"}


def test_an_unreadable_journald_dropin_is_not_no_dropin(host_scan) -> None:
    """R23Q-2 (false pass) HVA-213: journald.conf(5): Storage=none "turns off all storage, all
    log data received will be dropped", and the drop-ins of journald.conf.d override the main
    file. A drop-in grep could not read (exit 2, "Permission denied" on stderr) was taken as no
    drop-in: no file set Storage=, so libvirt's messages to the journal were taken as kept and
    HVA-213 passed. Now the drop-ins are not read and HVA-213 asks, with grep's error."""
    a = host_scan(
        {
            "journald-conf-d": (
                "",
                2,
                MISSING + "grep: /etc/systemd/journald.conf.d/90-local.conf: Permission denied\n",
            )
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}
    assert messages(a, "HVA-213") == {
        "hv1": "evidence unavailable: journald.conf.d was not read (exit status 2: grep: "
        "/etc/systemd/journald.conf.d/90-local.conf: Permission denied), so whether journald "
        "keeps libvirt's messages is unknown"
    }


def test_missing_journald_dropin_directories_are_an_answer(host_scan) -> None:
    """Held (R23Q-2): none of journald.conf.d's directories there (grep exit 2, only "No such
    file or directory") is no drop-in: HVA-213 still passes."""
    a = host_scan({"journald-conf-d": ("", 2, MISSING)})
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}
    assert messages(a, "HVA-213") == {"hv1": "libvirtd.conf: log_outputs unset (the journal)"}


def test_an_unreadable_rsyslog_dropin_is_not_no_dropin(host_scan) -> None:
    """R23Q-3 (false pass) HVA-200: rsyslog reads /etc/rsyslog.d/*.conf "in ascending sort order
    of the file name" ($IncludeConfig) and a `stop` in an earlier file discards the message
    before a later file's forwarding action (include(): "especially important if you use
    statements like stop"). 10-local.conf grep could not read (exit 2, "Permission denied")
    was taken as no file: 50-remote.conf's TLS forwarding passed HVA-200. Now an error."""
    a = host_scan(
        {
            "rsyslog-config": (
                HARDENED_HOST["rsyslog-config"][0],
                2,
                "grep: /etc/rsyslog.d/10-local.conf: Permission denied\n",
            )
        }
    )
    assert outcomes(a, "HVA-200") == {"hv1": "error"}
    assert messages(a, "HVA-200") == {
        "hv1": "evidence could not be collected: rsyslog configuration could not be read (exit "
        "status 2: grep: /etc/rsyslog.d/10-local.conf: Permission denied)"
    }
