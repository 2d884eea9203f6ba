"""Twenty-third red-team review: a probe that failed is not "nothing there" (rt23probe).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. A probe's failure is replayed as systemd's systemctl
gives it: exit 1, nothing on stdout, the error on stderr (`(stdout, rc, stderr)`), which the
bundle records with the artefact. systemd src/systemctl (read with `read_file`): verb_cat
(systemctl-edit.c) first does `r = acquire_bus(BUS_MANAGER, &bus); if (r < 0) return r;` (so a
manager it cannot reach, D-Bus access denied for the collecting user, prints "Failed to connect
to bus: ..." and nothing else, exit 1), and skips a unit with no file: "Skip units which have no
on-disk counterpart, but propagate the error to the user", `rc = -ENOENT`, after
unit_find_paths's `log_error("No files found for %s.", unit_name)` (found with `find_string`);
verb_list_unit_files (systemctl-list-unit-files.c) returns `log_error_errno(r, "Failed to list
unit files: %s", ...)` on a bus error and `if (c == 0) return -ENOENT;` when no unit matches,
printing nothing with --no-legend. So exit 1 is systemctl's normal answer for "a named unit is
not installed" or "no unit matches", and also its answer for "I could not ask": only stderr
tells them apart.

Findings (ID-n):
- R23P-1 (false pass) HVA-030 HVA-035: `systemctl cat libvirtd.service ...` that failed (exit 1,
  "Failed to connect to bus: Access denied" or "Failed to get properties: Access denied" on
  stderr, nothing on stdout) was read as a unit with no ExecStart=, so "no --listen": libvirtd's
  socket units masked, LIBVIRTD_ARGS="--listen" in /etc/default/libvirtd and listen_tcp = 1,
  auth_tcp = "none" passed HVA-030 "libvirt listens on local UNIX sockets only" and HVA-035 said
  n/a, though the next start opens TCP 16509 unauthenticated (R20H-3's case; libvirtd(8) SYSTEM
  SOCKET ACTIVATION, "If the --listen parameter is given, it will also listen on TCP/IP
  socket(s), according to the listen_tcp and listen_tls options"). The readers took the
  artefact's state ("ok": the command ran) for an answer. Now one helper,
  parse.host._systemctl_unanswered, accepts exit 1 only with nothing but "No files found for
  X." (and verb_cat's "# Warning: ... changed on disk" notes) on stderr; the libvirt service
  readers (--listen, the units' environment for HVA-213's log outputs and LIBVIRT_DEBUG, the
  Wants=/Requires= of socket units) and the socket unit readers use it, and HVA-030/HVA-035
  ask (manual, with systemctl's error as the reason).
- R23P-2 (false pass) HVA-030 HVA-035: `systemctl list-unit-files ... libvirtd*.socket ...` that
  failed the same way was read as "no libvirt socket unit installed": an enabled
  libvirtd-tcp.socket (not started yet, so no listener: it opens TCP 16509 at the next boot)
  with auth_tcp = "none" passed HVA-030 and was n/a in HVA-035. Now the socket unit list is a
  failed fact and both checks give an error naming systemctl's error where no listener and no
  other evidence already fails them.
- R23P-3 (false pass) HVA-061: `systemctl list-unit-files ksm.service ksmtuned.service` that
  failed the same way was read as "neither unit installed": KSM off now passed "KSM is off"
  although an enabled ksm.service/ksmtuned.service (R23H-1) may switch it on at the next boot.
  Now the unit list is a failed fact (same helper) and HVA-061 gives an error naming it.
- R23P-4 (false pass) HVA-142 HVA-132: the sudoers and polkit rule greps (`grep -R -H ""`)
  ignored grep's exit status: GNU grep manual, Exit Status (found with `search`): "Normally the
  exit status is 0 if a line is selected, 1 if no lines were selected, and 2 if an error
  occurred". "grep: /etc/sudoers: Permission denied" (a collector without root) left no sudo
  rule, so HVA-142 passed with 2 administrators; "grep: /etc/polkit-1/rules.d: Permission
  denied" left no polkit grant, so HVA-132 passed auth_unix_rw = polkit though a rule there may
  grant org.libvirt.unix.manage to everyone. A second helper, parse.host._grep_unanswered,
  accepts exit 2 only when every error is "No such file or directory"; the sudoers/admins
  fact is then failed (HVA-142 error) and the polkit facts unavailable (HVA-132, HVA-131
  manual).

Held (kept as tests): a timed-out `systemctl cat` (state failed) was already a question;
systemctl cat's exit 1 with "No files found for virtqemud.service." and a
"# Warning: libvirtd.service changed on disk" note on stderr is an answer: the masked units with
--listen still fail HVA-030 (R20H-3); grep's exit 2 with only "No such file or directory"
(polkit rule directories not there) keeps HVA-131's pass (R23P-4).

Probed by script, not kept: systemctl not installed (state absent) keeps "no systemd", as
before (a SysV init script reading /etc/default/libvirtd is R20H-3's lead, not a failed probe);
a failed list-unit-files beside a libvirtd.service Requires= nothing changes nothing else.

Tally: 11 cases in 6 test functions; 8 failed on main before the fixes (R23P-1 2, R23P-2 2,
R23P-3 1 on 81ee4a1; R23P-4 3 on 4ac851c); the 3 held cases (a missing unit's "No files
found", a timed-out probe, which was already a question, missing polkit directories) passed
before and after.

Leads left (not settled in the time):
- _unit_config_options (HVA-030 --config FILE for the next start) and _daemons (daemons in use
  from enabled socket units) still read a failed systemctl as "nothing": they return plain
  dicts/tuples and cannot say "unknown" without a wider change.
- HVA-034 (TLS): a failed socket unit list leaves _tls_enabled at "no -tls unit": an enabled,
  not yet started libvirtd-tls.socket gives n/a "no libvirt TLS listener".
- _log_debug_env: a unit EnvironmentFile= that was not read is taken as an empty value.
- Other probes with the same shape not reached: `systemctl is-active` (sshd-units), `stat`
  of sockets (exit 1 for a missing path and for permission denied alike), the other
  `grep -R` probes (sshd_config.d, rsyslog, audit rules, modprobe.d, journald drop-ins)
  could use _grep_unanswered; `find` exits 1 on any unreadable entry.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

#: the hardened host's processes without libvirtd (stopped: it exits when idle, `--timeout 120`)
NO_LIBVIRTD = (
    HARDENED_HOST["processes"][0].replace("  700 root     /usr/sbin/libvirtd --timeout 120\n", ""),
    0,
)
#: libvirtd(8): "To revert to the traditional mode, all the socket unit files must be masked"
MASKED = (
    "".join(f"libvirtd{u}.socket masked masked\n" for u in ("", "-ro", "-admin", "-tcp", "-tls")),
    0,
)
PLAIN_TCP = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
    'listen_tcp = 1\nauth_tcp = "none"\nlisten_tls = 0\n'
)
BUS = "Failed to connect to bus: Access denied\n"


@pytest.mark.parametrize(
    ("stderr", "error"),
    [
        (BUS, "Failed to connect to bus: Access denied"),
        (
            "Failed to get properties: Access denied\n",
            "Failed to get properties: Access denied",
        ),
        # a failed collection (a timeout): already a question before this round, kept
        (None, "timed out after 20s"),
    ],
)
def test_a_failed_systemctl_cat_is_not_a_unit_without_listen(host_scan, stderr, error) -> None:
    """R23P-1 (false pass) HVA-030 HVA-035: libvirtd's socket units masked, LIBVIRTD_ARGS=
    "--listen" in /etc/default/libvirtd, listen_tcp = 1 and auth_tcp = "none" open TCP 16509
    unauthenticated at libvirtd's next start (libvirtd(8): "If the --listen parameter is given,
    it will also listen on TCP/IP socket(s), according to the listen_tcp and listen_tls
    options"). `systemctl cat libvirtd.service ...` that could not reach the manager (systemd
    systemctl-edit.c verb_cat: `r = acquire_bus(BUS_MANAGER, &bus); if (r < 0) return r;`, read
    with `read_file`) printed nothing and exited 1, as it does for a unit with no file: hvaudit
    read "no ExecStart=, no --listen" and passed. Its stderr holds no "No files found for X."
    (unit_find_paths's `log_error("No files found for %s.", unit_name)`): not an answer."""
    units = RuntimeError(error) if stderr is None else ("", 1, stderr)
    a = host_scan(
        {
            "libvirt-socket-units": MASKED,
            "/etc/libvirt/libvirtd.conf": PLAIN_TCP,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n',
            "processes": NO_LIBVIRTD,
            "libvirt-units": units,
        }
    )
    why = error if stderr is None else f"exit status 1: {error}"
    # R24C-1: the unread unit also leaves the file libvirtd's next start reads unknown
    reason = (
        f"evidence unavailable: libvirtd is not running and libvirt's service units were not "
        f"read ({why}): whether libvirtd.service starts it with --config FILE (another file "
        "than /etc/libvirt/libvirtd.conf) is unknown"
    )
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}
    assert messages(a, "HVA-030") == {"hv1": reason}
    assert outcomes(a, "HVA-035") == {"hv1": "manual"}
    assert messages(a, "HVA-035") == {"hv1": reason}


def test_systemctl_cat_of_a_missing_unit_still_answers(host_scan) -> None:
    """Held (R20H-3, R23P-1): exit 1 with only "No files found for virtqemud.service." (systemd
    unit_find_paths, a unit not installed: verb_cat's `rc = -ENOENT`, "Skip units which have no
    on-disk counterpart, but propagate the error to the user") and verb_cat's stderr note "#
    Warning: libvirtd.service changed on disk" is systemctl's answer: libvirtd.service's
    ExecStart= with $LIBVIRTD_ARGS="--listen" and masked sockets still fail HVA-030."""
    a = host_scan(
        {
            "libvirt-socket-units": MASKED,
            "/etc/libvirt/libvirtd.conf": PLAIN_TCP,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n',
            "processes": NO_LIBVIRTD,
            "libvirt-units": (
                HARDENED_HOST["libvirt-units"][0],
                1,
                "# Warning: libvirtd.service changed on disk, the version systemd has loaded is "
                "outdated.\n# Run 'systemctl daemon-reload' to reload units.\n"
                "No files found for virtqemud.service.\nNo files found for virtproxyd.service.\n",
            ),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030") == {
        "hv1": "libvirtd starts with --listen (LIBVIRTD_ARGS='--listen' in "
        "/etc/default/libvirtd), its socket units masked: TCP 16509 with listen_tcp = 1 and "
        "auth_tcp = 'none' (no authentication, cleartext) from the next start"
    }


@pytest.mark.parametrize("check", ["HVA-030", "HVA-035"])
def test_a_failed_socket_unit_list_is_not_no_socket_unit(host_scan, check) -> None:
    """R23P-2 (false pass) HVA-030 HVA-035: an enabled libvirtd-tcp.socket not started yet (no
    listener now) opens TCP 16509 at the next boot, with auth_tcp = "none" unauthenticated.
    `systemctl list-unit-files ... libvirtd*.socket ...` that could not reach the manager (systemd
    systemctl-list-unit-files.c: `return log_error_errno(r, "Failed to list unit files: %s",
    ...)`, and acquire_bus's "Failed to connect to bus"; read with `read_file`) printed nothing
    and exited 1, as it does when no unit matches (`if (c == 0) return -ENOENT;`, nothing on
    stderr): hvaudit read "no socket unit" and passed HVA-030 (HVA-035: n/a). Now an error with
    systemctl's message."""
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": HARDENED_HOST["/etc/libvirt/libvirtd.conf"]
            + 'auth_tcp = "none"\n',
            "libvirt-socket-units": ("", 1, BUS),
        }
    )
    assert outcomes(a, check) == {"hv1": "error"}
    assert messages(a, check) == {
        "hv1": "evidence could not be collected: libvirt's socket units were not listed (exit "
        "status 1: Failed to connect to bus: Access denied)"
    }


def test_a_failed_ksm_unit_list_is_not_no_ksm_unit(host_scan) -> None:
    """R23P-3 (false pass) HVA-061: KSM off now (run = 0, no merged page, no ksmtuned running),
    but an enabled ksm.service or ksmtuned.service switches it on at the next boot (R23H-1).
    `systemctl list-unit-files ksm.service ksmtuned.service` that could not reach the manager
    (systemd systemctl-list-unit-files.c: acquire_bus's "Failed to connect to bus", `return
    log_error_errno(r, "Failed to list unit files: %s", ...)`; read with `read_file`) printed
    nothing and exited 1, as it does when neither unit is installed (`if (c == 0) return
    -ENOENT;`, nothing on stderr, the hardened host's answer): hvaudit passed "KSM is off". Now
    an error with systemctl's message."""
    a = host_scan({"ksm-units": ("", 1, BUS)})
    assert outcomes(a, "HVA-061") == {"hv1": "error"}
    assert messages(a, "HVA-061") == {
        "hv1": "evidence could not be collected: the KSM units were not listed (exit status 1: "
        "Failed to connect to bus: Access denied)"
    }


@pytest.mark.parametrize(
    ("over", "check", "status", "message"),
    [
        (
            {"sudoers": ("", 2, "grep: /etc/sudoers: Permission denied\n")},
            "HVA-142",
            "error",
            "evidence could not be collected: sudoers could not be read (exit status 2: grep: "
            "/etc/sudoers: Permission denied)",
        ),
        (
            {"polkit-rules": ("", 2, "grep: /etc/polkit-1/rules.d: Permission denied\n")},
            "HVA-142",
            "error",
            "evidence could not be collected: the polkit rules could not be read (exit status 2: "
            "grep: /etc/polkit-1/rules.d: Permission denied): who they let manage libvirt or run "
            "pkexec is unknown",
        ),
        (
            {"polkit-rules": ("", 2, "grep: /etc/polkit-1/rules.d: Permission denied\n")},
            "HVA-132",
            "manual",
            "libvirtd.conf: auth_unix_rw = polkit, but the polkit rules were not read (the polkit "
            "rules could not be read (exit status 2: grep: /etc/polkit-1/rules.d: Permission "
            "denied))",
        ),
    ],
)
def test_an_unreadable_rule_directory_is_not_an_empty_one(
    host_scan, over, check, status, message
) -> None:
    """R23P-4 (false pass) HVA-142 HVA-132: `grep -R -H "" /etc/sudoers /etc/sudoers.d` and the
    polkit rules grep ignored grep's exit status: GNU grep manual, Exit Status, "Normally the
    exit status is 0 if a line is selected, 1 if no lines were selected, and 2 if an error
    occurred" (found with `search`), each error named on stderr. A collector without root
    cannot read /etc/sudoers (mode 0440) or polkit's /etc/polkit-1/rules.d (not for every
    user): grep exited 2 with "Permission denied" and printed nothing from there, and hvaudit
    counted no sudo rule (HVA-142 passed with 2 administrators though sudoers may make every
    user one) and no polkit grant (HVA-132 passed though a rule there may grant
    org.libvirt.unix.manage to everyone). Now exit 2 is an answer only when every error is "No
    such file or directory" (a directory not there holds no rule); otherwise the evidence is
    not known."""
    a = host_scan(over)
    assert outcomes(a, check) == {"hv1": status}
    assert messages(a, check) == {"hv1": message}


def test_a_missing_rule_directory_is_an_answer(host_scan) -> None:
    """Held (R23P-4): grep's exit 2 with only "No such file or directory" (most of the seven
    polkit rule directories do not exist on a host) is an answer: the hardened host's per-VM
    rule in /etc/polkit-1/rules.d still passes HVA-131."""
    a = host_scan(
        {
            "polkit-rules": (
                HARDENED_HOST["polkit-rules"][0],
                2,
                "grep: /run/polkit-1/rules.d: No such file or directory\n"
                "grep: /etc/polkit-1/localauthority: No such file or directory\n",
            )
        }
    )
    assert outcomes(a, "HVA-131") == {"hv1": "pass"}
    assert messages(a, "HVA-131") == {
        "hv1": "per-VM rules in /etc/polkit-1/rules.d/80-libvirt-acl.rules"
    }
