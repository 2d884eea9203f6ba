"""Known leads on the KVM/libvirt host side (issue 8, session 12), taken up by leads-host.

Same harness as tests/test_host_leads13.py: conftest's hardened Debian host replayed through the
real collector, parser and engine, changed only where a test says so; each test asserts the
exact status and message.

- HL14-2 (false pass) HVA-142 passed "2 administrative principal(s) (limit 3): alice, root"
  with `group: files [SUCCESS=merge] sss` in nsswitch.conf: glibc's NSS_ACTION_MERGE ("nsswitch:
  Add group merging support", libc-alpha 2016: "If the group is also found in the next entry
  ..., the member list of the second entry will be added to the group object"; nss_action_parse
  reads MERGE case-insensitively) gives the local sudo and libvirt groups the directory's
  members too. Now the question naming the merged groups (their directory members are not
  counted: there may be none). Fixed.
- HL14-1 (false pass) HVA-213 judged log_level in libvirtd.conf only: libvirt's
  virLogSetFromEnv (src/util/virlog.c) sets the default priority from LIBVIRT_DEBUG after the
  file (virdaemon.c virDaemonSetupLogging, "cmdline > environment > config"), so
  `LIBVIRT_DEBUG=1` in /etc/default/libvirtd (or a running daemon started with it) logs at
  debug as `log_level = 1` does. The collector now keeps, per running libvirtd/virtqemud, the
  LIBVIRT_DEBUG, LIBVIRT_LOG_FILTERS and LIBVIRT_LOG_OUTPUTS of /proc/PID/environ (grep -z on
  the host: no other variable leaves it); "1" or "debug" there or in the unit's environment
  fails, an unreadable environment is the question. Fixed.
- HL14-4 (wrong reading) Python's `\\d` in a str pattern matches every Unicode decimal digit
  and int() reads them ("\\u0663" is 3), where glibc, dpkg, QEMU's option parser, ps and
  VMware's .vmx reader know only 0-9. The regular expressions that read numbers, versions,
  indices and pids from scanned text now say [0-9] (those with re.ASCII already were); the
  .vmx number reader takes ASCII digits only (textsafe.digits). One test per class: a version
  (glibc's, the question as when unread), a size (a raw QEMU -m), a pid (the collector's ps
  lines). Fixed.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

NSSWITCH = str(HARDENED_HOST["/etc/nsswitch.conf"])
GROUP_LINE = "group:          files sss"
assert GROUP_LINE in NSSWITCH


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


# --- HVA-142: nsswitch group merging (HL14-2) ------------------------------------------------------

MERGED_MSG = (
    "2 administrative principal(s) (limit 3): alice, root; nsswitch merges the members sss "
    "holds into %libvirt, %sudo, which are not in the evidence"
)


@pytest.mark.parametrize(
    "line", ["group: files [SUCCESS=merge] sss", "group: files [ success = MERGE ] sss systemd"]
)
def test_group_merge_with_the_directory_is_asked(host_scan, line: str) -> None:
    """`group: files [SUCCESS=merge] sss`: the directory's members of sudo and libvirt join the
    local groups' (glibc NSS_ACTION_MERGE). hvaudit passed on /etc/group alone."""
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH.replace(GROUP_LINE, line)})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}, messages(a, "HVA-142")
    msg = MERGED_MSG.replace("sss holds", "sss, systemd holds") if "systemd" in line else MERGED_MSG
    assert messages(a, "HVA-142") == {"hv1": msg}
    where = "sss, systemd" if "systemd" in line else "sss"
    assert _question(a, "HVA-142") == (
        "Do the members of %libvirt, %sudo as the host resolves them, together with the other "
        "principals listed, number at most 3 named administrators? Evidence: `getent group` for "
        f"each on the host (nsswitch.conf's group line merges {where}'s members into the local "
        "groups). Pass: at most 3 principals in all; fail: more."
    )


@pytest.mark.parametrize(
    "line", ["group: files sss [SUCCESS=merge]", "group: files [NOTFOUND=return] sss"]
)
def test_group_merge_with_nothing_after_it_still_passes(host_scan, line: str) -> None:
    """A merge after the last source merges nothing; other actions are not merges."""
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH.replace(GROUP_LINE, line)})
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}


def test_group_merge_over_the_limit_still_fails(host_scan) -> None:
    """The local members alone already exceed the limit: a fail, as without the merge."""
    group = str(HARDENED_HOST["/etc/group"]).replace("sudo:x:27:alice", "sudo:x:27:alice,bob,carol")
    a = host_scan(
        {
            "/etc/nsswitch.conf": NSSWITCH.replace(GROUP_LINE, "group: files [SUCCESS=merge] sss"),
            "/etc/group": group,
        }
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}
    assert messages(a, "HVA-142") == {
        "hv1": "4 administrative principal(s) (limit 3): alice, bob, carol, root"
    }


# --- HVA-213: LIBVIRT_DEBUG (HL14-1) ---------------------------------------------------------------

JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"
DEBUG_UNIT = {
    "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--timeout 120"\nLIBVIRT_DEBUG=1\n',
}


def test_libvirt_debug_in_the_units_environment_file_fails(host_scan) -> None:
    """HL14-1. /etc/default/libvirtd `LIBVIRT_DEBUG=1`: virLogSetFromEnv sets the default log
    priority to debug after the file's log_level, as `log_level = 1` does. hvaudit read only
    libvirtd.conf and passed."""
    a = host_scan(DEBUG_UNIT)
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": "LIBVIRT_DEBUG=1 in /etc/default/libvirtd (debug, floods the log)"
    }


def test_libvirt_debug_in_the_running_daemons_environment_fails(host_scan) -> None:
    """HL14-1. The running libvirtd started with LIBVIRT_DEBUG=debug (a `systemctl
    set-environment`, a drop-in since removed): its /proc/PID/environ shows it, the units do
    not. Only libvirt's logging variables are collected (grep -z on the host)."""
    environ = "LIBVIRT_LOG_OUTPUTS=3:journald\0LIBVIRT_DEBUG=debug\0"
    a = host_scan({"libvirt-environ-700": (environ, 0)})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": "running libvirtd's environment: LIBVIRT_DEBUG=debug (debug, floods the log)"
    }


@pytest.mark.parametrize("value", ["3", "warning", " 1", "DEBUG"])
def test_libvirt_debug_at_another_level_passes(host_scan, value: str) -> None:
    """Only "1" and "debug" set the debug priority (virLogParseDefaultPriority compares
    exactly; a value it does not know is refused)."""
    a = host_scan(
        {
            "/etc/default/libvirtd": f"LIBVIRT_DEBUG={value!r}\n".replace("'", '"'),
            "libvirt-environ-700": (f"LIBVIRT_DEBUG={value}\0", 0),
        }
    )
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


def test_running_daemons_environment_unreadable_is_asked(host_scan) -> None:
    """grep could not read /proc/PID/environ (exit 2): whether the daemon logs at debug is
    unknown, never a pass."""
    a = host_scan({"libvirt-environ-700": ("", 2, "grep: /proc/700/environ: Permission denied\n")})
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": "evidence unavailable: the running libvirtd's environment was not read "
        "(/proc/PID/environ: grep: /proc/700/environ: Permission denied)"
    }
    assert _question(a, "HVA-213") == (
        "Does this hold for this host: libvirt log_outputs include journald or syslog? "
        "Evidence: the setting, file or command output it names, read where it lives (the "
        "message says why the scan could not). Pass: yes, it holds; fail: it does not."
    )


def test_collector_keeps_only_libvirts_logging_variables() -> None:
    """The probe's argv keeps the three variables virLogSetFromEnv reads and nothing else of
    the daemon's environment (run here with grep on a real NUL-separated environment)."""
    import subprocess
    import tempfile

    from hvaudit.collect.host import LIBVIRT_ENVIRON_ARGV

    env = b"PATH=/usr/bin\0LIBVIRT_DEBUG=1\0LIBVIRT_AUTH_FILE=/root/.auth\0AWS_SECRET=x\0"
    env += b"LIBVIRT_LOG_OUTPUTS=1:file:/var/log/l.log\0XLIBVIRT_DEBUG=1\0"
    with tempfile.NamedTemporaryFile() as f:
        f.write(env)
        f.flush()
        got = subprocess.run([*LIBVIRT_ENVIRON_ARGV, f.name], capture_output=True, check=True)
    assert got.stdout == b"LIBVIRT_DEBUG=1\0LIBVIRT_LOG_OUTPUTS=1:file:/var/log/l.log\0"


# --- Numbers and indices in scanned text are ASCII digits (HL14-4) -------------------------------
# Python's `\d` in a str pattern matches every Unicode decimal digit ("\u0663", Arabic-Indic
# three, is one; int() reads it as 3); the programs whose text hvaudit reads (glibc, dpkg, VMware's
# .vmx reader, QEMU's option parser, ps) know only 0-9. Each class below: the hostile value gets
# the verdict of text the program does not understand, never that of the ASCII number.

ARABIC_231 = "\u0662.\u0663\u0661"  # "2.31" in Arabic-Indic digits


def test_glibc_version_in_other_digits_is_not_a_version(host_scan) -> None:
    """A version string: glibc's release decides which of two passwd lines holds. "2.31"
    written in Arabic-Indic digits was read as 2.31 (the first line: sss, a pass); dpkg has no
    such version, so the release is unknown and the two lines are the question, as without it."""
    from test_redteam13_host_probes import NIS_PROCS

    packages = str(HARDENED_HOST["dpkg-packages"][0]) + f"libc6\t{ARABIC_231}-13\tii \n"
    a = host_scan(
        {
            "/etc/nsswitch.conf": NSSWITCH + "passwd: files nis\n",
            "processes": NIS_PROCS,
            "dpkg-packages": (packages, 0),
        }
    )
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == (
        "root is the only uid-0 account in /etc/passwd; which sources nsswitch passwd resolves "
        "accounts through is unknown: /etc/nsswitch.conf names passwd on 2 lines with different "
        "sources (line 1: files sss; line 4: files nis); glibc 2.33 and later use the last, "
        "earlier releases the first, and the glibc version was not read"
    )


def test_qemu_memory_size_in_other_digits_is_not_a_size() -> None:
    """A number: a raw `-m size=` in Arabic-Indic digits is no size QEMU reads (qemu_strtosz:
    strtoull, ASCII digits), so it does not raise the VM's maximum memory (int() read it as
    65536 MiB)."""
    from types import SimpleNamespace

    from hvaudit.checks.resources import memory_of

    arabic = "\u0666\u0665\u0665\u0663\u0666"  # 65536
    vm = SimpleNamespace(memory_max_kib=1024 * 1024, raw_hypervisor_arguments=("-m", arabic))
    assert memory_of(vm) == 1024 * 1024
    vm = SimpleNamespace(memory_max_kib=1024 * 1024, raw_hypervisor_arguments=("-m", "65536"))
    assert memory_of(vm) == 65536 * 1024


def test_process_line_with_other_digits_is_not_probed() -> None:
    """A process id: ps prints ASCII pids; a line starting with other digits is no process of
    the listing, and the collector reads nothing of /proc for it (int() made it pid 700)."""
    from hvaudit.collect.host import _LOG_DAEMON, _QEMU

    line = "\u0667\u0660\u0660 root     /usr/sbin/libvirtd --timeout 120"
    assert _LOG_DAEMON.match(line) is None
    assert _QEMU.match(line.replace("libvirtd", "qemu-system-x86_64")) is None
    assert _LOG_DAEMON.match(" 700 root     /usr/sbin/libvirtd --timeout 120") is not None
