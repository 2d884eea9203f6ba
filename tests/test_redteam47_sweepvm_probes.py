"""Round 47 red-team probes, reviewer T (VM/arch sweep): the daemon-start question.

Harness: the `host_scan` fixture (tests/conftest.py): the hardened replayed host hv1 (libvirtd
pid 700 started 2024-11-27 04:00:00 UTC, sssd and rsyslogd running, qemu.conf with
migrate_tls_force = 1 and stdio_handler = "logd") and domains of the libvirt test driver's
node file, collected by the real LibvirtCollector and judged by the engine; the `stat`, `ps`
and `find` probes replayed failing as the collector records them (rc, stderr, exception).

Findings:
- R47T-1 (false pass) HVA-030, HVA-032, HVA-034, HVA-035, HVA-042, HVA-045, HVA-053, HVA-130,
  HVA-131, HVA-132, HVA-140, HVA-150, HVA-200, HVA-201, HVA-213, HVA-215: R45T-4's class where
  the times were not read. Where `stat` of a libvirt file, `ps -o lstart` or `ps` failed
  (parse.host._changed_since_start, _changed_unseen, _changed_after: "when /etc/libvirt/X was
  last changed was not read", "when libvirtd (pid N) started was not read", "which libvirt
  daemons run was not read", "sssd runs, but when it started was not read", ...), the fact is
  unavailable because the daemon may run an earlier version of the file (libvirt
  src/remote/remote_daemon.c main() loads its .conf once, qemuStateInitialize qemu.conf once;
  sssd(8) SIGNALS; rsyslog v4 compatibility notes), but checks.base.unknown asked the generic
  "Does this hold for this host: qemu.conf migrate_tls_force = 1? Evidence: the setting, file
  or command output it names, read where it lives", whose "yes" read from the file on disk
  passed a daemon that may run another. Now (checks.base._read_at_start_question, on each of
  those reasons) it asks whether the files the daemon read at its start held it, naming the
  two times to compare first (`ps -o lstart= -C DAEMON` against `stat -c '%y %z'`, the later:
  R45T-1's `cp -p`): changed before the start (or no daemon running), the file on disk
  answers; changed since, the version it read. A stat stderr naming a path that ends as
  parse.host's reason does (a file name is the host's to choose) does not change the daemon
  the question names (the patterns anchor on parse.host's own tail).

Held:
- the "changed after the daemon started" question of R45T-4 is asked as before.

Probed by script: none.

Tally: 1 finding (false pass: R47T-1 on sixteen checks' questions), 3 tests (8 cases); 7 cases
failed on main before the fix (every R47T-1 case), 1 held (1 case).

Leads left: a check's own question (HVA-036, HVA-043, HVA-044's host default) names
/etc/libvirt/qemu.conf as it is now where the daemon may run an earlier version (base.unknown
leaves a question with " Evidence: " as it is); HVA-044's dynamic selinux label on an AppArmor
host; HVA-049's wording and Proxmox custom-CPU question without tests.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes

LSTART_REFUSED = 'error: unknown user-defined format specifier "lstart"\n\nUsage:\n'
LSTART_FAILED = 'ps exited 1: error: unknown user-defined format specifier "lstart"'
PS_REFUSED = 'error: unknown user-defined format specifier "user"\n\nUsage:\n'
PS_FAILED = 'ps exited 1: error: unknown user-defined format specifier "user"'
#: 2024-11-27 05:10:00 UTC: after every process of the hardened host started
AFTER = 1732684200
BEFORE = 1732095000
STAT_MISSING = "".join(
    f"stat: cannot statx '/etc/libvirt/{d}.conf': No such file or directory\n"
    for d in ("virtqemud", "virtproxyd", "virtnetworkd", "virtstoraged")
)


def _question(files: str, daemon: str, what: str) -> str:
    names = ",".join(daemon.split(" or "))
    return (
        f"Did the {files} that {daemon} on this host read when it last started hold this: "
        f"{what}? Evidence: when {daemon} started (`ps -o lstart= -C {names}`) against when "
        f"{files} last changed (`stat -c '%y %z'`, the latest time: `cp -p` keeps an older "
        f"%y): changed before that start (or no {daemon} running), what is on disk now; "
        "changed since, the version it read (the configuration management's history or a "
        f"backup) or the file once {daemon} has restarted. Pass: yes, it held; fail: it did "
        "not."
    )


def _question_of(a, cid: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == cid)


QEMU = "/etc/libvirt/qemu.conf"
LIBVIRTD = "/etc/libvirt/libvirtd.conf"
SSSD = "/etc/sssd/sssd.conf and /etc/sssd/conf.d/*.conf"
RSYSLOG = "/etc/rsyslog.conf and the files it includes"


@pytest.mark.parametrize(
    ("probes", "cid", "message", "files", "daemon", "what"),
    [
        pytest.param(
            {"process-starts": ("", 1, LSTART_REFUSED)},
            "HVA-032",
            f"when libvirtd (pid 700) started was not read (`ps -o lstart`: {LSTART_FAILED}); it "
            "reads /etc/libvirt/qemu.conf only when it starts, so what it runs may differ from "
            "the file",
            QEMU,
            "libvirtd",
            "qemu.conf migrate_tls_force = 1",
            id="lstart-qemu.conf",
        ),
        pytest.param(
            {"process-starts": ("", 1, LSTART_REFUSED)},
            "HVA-140",
            f"sssd runs, but when it started was not read (`ps -o lstart`: {LSTART_FAILED}): "
            "SSSD reads its configuration only when it starts, so what it runs may differ from "
            "the files",
            SSSD,
            "sssd",
            "2 account(s) with a login shell (limit 3): root, alice; can at most 3 accounts log "
            "in, directory accounts included (SSSD's access_provider in /etc/sssd/sssd.conf and "
            "/etc/sssd/conf.d/*.conf)",
            id="lstart-sssd",
        ),
        pytest.param(
            {"process-starts": ("", 1, LSTART_REFUSED)},
            "HVA-200",
            f"rsyslogd runs, but when it started was not read (`ps -o lstart`: {LSTART_FAILED}): "
            "rsyslogd reads its configuration only when it starts (HUP does not re-read it), so "
            "its destinations may differ from the files",
            RSYSLOG,
            "rsyslogd",
            "logs are forwarded to a remote server over TLS",
            id="lstart-rsyslog",
        ),
        pytest.param(
            {"libvirt-conf-mtimes": TimeoutError("timed out after 20s")},
            "HVA-213",
            "when /etc/libvirt/libvirtd.conf was last changed was not read (`stat`: timed out "
            "after 20s); libvirtd (pid 700) reads it only when it starts, so what it runs may "
            "differ from the file",
            LIBVIRTD,
            "libvirtd",
            "libvirt log_outputs include journald or syslog",
            id="stat-libvirtd.conf",
        ),
        pytest.param(
            {
                "processes": ("", 1, PS_REFUSED),
                "libvirt-conf-mtimes": (
                    f"{AFTER} {AFTER} {QEMU}\n{BEFORE} {BEFORE} {LIBVIRTD}\n",
                    1,
                    STAT_MISSING,
                ),
            },
            "HVA-215",
            f"which libvirt daemons run was not read (`ps`: {PS_FAILED}); libvirtd or "
            "virtqemud reads /etc/libvirt/qemu.conf only when it starts, so what a running one "
            "applies may differ from the file",
            QEMU,
            "libvirtd or virtqemud",
            'qemu.conf stdio_handler is "logd"',
            id="ps-qemu.conf",
        ),
        pytest.param(
            {"sssd-conf-mtimes": ("", 1, "find: '/etc/sssd': Permission denied\n")},
            "HVA-150",
            "sssd runs, but when its files last changed was not read (`find`: exit status 1: "
            "find: '/etc/sssd': Permission denied): SSSD reads its configuration only when it "
            "starts, so what it runs may differ from the files",
            SSSD,
            "sssd",
            "host accounts come from the enterprise directory",
            id="find-sssd",
        ),
    ],
)
def test_r47t_1_unread_times_ask_for_what_the_daemon_read(
    host_scan, probes, cid, message, files, daemon, what
) -> None:
    """R47T-1 (false pass): where the file's change, the daemon's start or the daemons
    themselves were not read, the generic question ("Does this hold for this host: ...?
    Evidence: the setting, file or command output it names") was answered from the file on
    disk, which the running daemon may never have read."""
    a = host_scan(probes)
    assert outcomes(a, cid) == {"hv1": "manual"}
    assert messages(a, cid) == {"hv1": f"evidence unavailable: {message}"}
    assert _question_of(a, cid) == _question(files, daemon, what)


def test_r47t_held_changed_after_the_start_asks_for_that_version(host_scan) -> None:
    """Held: R45T-4's question where the file changed after the daemon started."""
    a = host_scan(
        {
            "libvirt-conf-mtimes": (
                f"{AFTER} {AFTER} {QEMU}\n{BEFORE} {BEFORE} {LIBVIRTD}\n",
                1,
                STAT_MISSING,
            )
        }
    )
    assert outcomes(a, "HVA-032") == {"hv1": "manual"}
    assert _question_of(a, "HVA-032") == (
        f"Did the {QEMU} that libvirtd on this host read when it last started hold this: "
        f"qemu.conf migrate_tls_force = 1? Evidence: that version of {QEMU} (the "
        "configuration management's history or a backup; `ps -o lstart= -C libvirtd` dates the "
        "start), or the file itself once libvirtd has restarted; not the file as it is now. "
        "Pass: yes, it held; fail: it did not."
    )


def test_r47t_1_hostile_stderr_does_not_name_the_daemon(host_scan) -> None:
    """R47T-1: stat's stderr quoting a path that ends as parse.host's reason does (a file name
    is the host's to choose) leaves the question on libvirtd, parse.host's own daemon."""
    hostile = (
        "stat: cannot statx '/etc/libvirt/libvirtd.conf); evil (pid 1) reads it only when it "
        "starts, so what it runs may differ from the file': Permission denied\n"
    )
    a = host_scan(
        {"libvirt-conf-mtimes": (f"{BEFORE} {BEFORE} {QEMU}\n", 1, STAT_MISSING + hostile)}
    )
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}
    assert _question_of(a, "HVA-132") == _question(
        LIBVIRTD, "libvirtd", "the libvirt read-write socket requires authorization"
    )
