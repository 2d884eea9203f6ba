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
  fails, an unreadable environment is the question; a valid other level in every environment
  read overrides the file's `log_level = 1` (was a wrong fail). Fixed.
- HL14-4 (wrong reading) Python's `\\d` in a str pattern matches every Unicode decimal digit
  and int() reads them ("\\u0663" is 3), where glibc, dpkg, QEMU's option parser, ps and
  VMware's .vmx reader know only 0-9. The regular expressions that read numbers, versions,
  indices and pids from scanned text now say [0-9] (those with re.ASCII already were); the
  .vmx number reader takes ASCII digits only (textsafe.digits). One test per class: a version
  (glibc's, the question as when unread), a size (a raw QEMU -m), a pid (the collector's ps
  lines), a mode (rsyslog's StreamDriverMode="\u0661" passed HVA-200 as TLS: libestr's
  es_str2num reads ASCII digits only, so rsyslog keeps plain TCP; a false pass). Fixed.
- HL14-5 (false pass) HVA-030 passed a TLS listener whatever the server key's permissions:
  libvirtd.conf.in names /etc/pki/libvirt/private/serverkey.pem "The server private key"
  (key_file moves it); one every local user can read (r for others, every directory above it
  searchable by others: path_resolution(7)) lets any of them pose as the host to libvirt's
  clients. The collector now stats the key and its directories (`stat -L -c '%a %U %G %n'`,
  metadata only, never the key); readable by all fails, a key_file elsewhere is the question.
  Fixed. Certificate expiry and /etc/gnutls/config are left as leads.
- HL14-6 (false pass) HVA-142 counted no one for a group a polkit rule (or a libvirt socket)
  names when /etc/group does not hold it, while nsswitch's group line also asks a directory
  (`group: files sss`): a directory group with members not in the evidence. Now the question,
  as for a sudoers %group; with `group: files` alone the group does not exist (pass). Fixed.
- HL14-3 (held) polkit loads the .rules files of every rules directory ordered by file name,
  /etc's first for one name (polkit_backend_common_rules_file_name_cmp); hvaudit reads a grant
  in any of them, one sorting before 49-polkit-pkla-compat.rules and both files of one name.
- HL14-7 (wrong fail) HVA-132/HVA-142 counted every grant of org.libvirt.unix.manage, even one
  polkit never reaches: rules run in that order "until one of them returns a value" and
  "Returning a result is final" (polkit(8)), so a rule refusing the action to everyone (NO or
  AUTH_ADMIN, the condition testing the action id alone) ends the files after it and the .pkla
  files read through 49-polkit-pkla-compat.rules. Now those grants are not counted. Fixed.
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
#: An output writing debug messages: the default journal output caps itself at info, so a
#: debug priority floods only through an output at priority 1 (HL16-1)
DEBUG_OUT = str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"]) + 'log_outputs = "1:journald"\n'
DEBUG_UNIT = {
    "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--timeout 120"\nLIBVIRT_DEBUG=1\n',
    "/etc/libvirt/libvirtd.conf": DEBUG_OUT,
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
    environ = "LIBVIRT_DEBUG=debug\0"
    a = host_scan({"libvirt-environ-700": (environ, 0), "/etc/libvirt/libvirtd.conf": DEBUG_OUT})
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


# --- HVA-030: the TLS server key (HL14-5) ----------------------------------------------------------

TLS_CONF = str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"]) + "listen_tls = 1\n"


def _tls_scan(host_scan, key_stat: str, conf: str = TLS_CONF):
    from test_redteam12_host_probes import _TLS_LISTEN

    return host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "listeners": (_TLS_LISTEN, 0),
            "libvirt-tls-key": (key_stat, 0),
        }
    )


def _key_stat(key: str = "440 root libvirt-qemu", private: str = "750 root libvirt-qemu") -> str:
    return (
        "755 root root /etc/pki\n755 root root /etc/pki/libvirt\n"
        f"{private} /etc/pki/libvirt/private\n{key} /etc/pki/libvirt/private/serverkey.pem\n"
    )


def test_tls_server_key_readable_by_everyone_fails(host_scan) -> None:
    """HL14-5. The server key (libvirtd.conf.in's default /etc/pki/libvirt/private/
    serverkey.pem) mode 644 under directories others may search: every local user can read it
    and pose as this host to libvirt's TLS clients. hvaudit never looked at it and passed."""
    a = _tls_scan(host_scan, _key_stat(key="644 root root", private="755 root root"))
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030") == {
        "hv1": "TLS with server key /etc/pki/libvirt/private/serverkey.pem readable by every "
        "local user (644 root root)"
    }


@pytest.mark.parametrize(
    ("key", "private"),
    [("440 root libvirt-qemu", "750 root libvirt-qemu"), ("644 root root", "700 root root")],
)
def test_tls_server_key_kept_from_others_passes(host_scan, key: str, private: str) -> None:
    """Mode 440 (libvirt's own instructions), or a 644 key in a directory others cannot search
    (path_resolution(7)): others cannot read it; the pass stands."""
    a = _tls_scan(host_scan, _key_stat(key=key, private=private))
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030") == {
        "hv1": "only TLS 16514 listening, client certificates verified"
    }


def test_tls_server_key_elsewhere_is_asked(host_scan) -> None:
    """key_file moves the key where the collector does not look: the question, never a pass."""
    conf = TLS_CONF + 'key_file = "/srv/pki/key.pem"\n'
    a = _tls_scan(host_scan, _key_stat(), conf)
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030") == {
        "hv1": "key_file = '/srv/pki/key.pem': its permissions were not collected"
    }
    assert _question(a, "HVA-030") == (
        "Can only root (and the daemon's own group) read libvirt's TLS server key on host hv1? "
        "Evidence: `stat -L -c '%a %U %G %n'` of the key_file libvirtd.conf names and of each "
        "directory above it. Pass: the key has no permission for others, or a directory above it "
        "denies others search (x); fail: every local user can read it."
    )


def test_tls_server_key_not_listening_is_not_judged(host_scan) -> None:
    """No TLS listener: a readable key serves no one; the hardened host's pass stands."""
    a = host_scan({"libvirt-tls-key": (_key_stat(key="644 root root", private="755 root root"), 0)})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}, messages(a, "HVA-030")


# --- HVA-142 / HVA-132: polkit rule files across directories (HL14-3, held) -----------------------


def _rules(path: str, body: str) -> str:
    return "".join(f"{path}:{line}\n" for line in body.splitlines())


def _group_rule(group: str) -> str:
    return (
        "polkit.addRule(function(action, subject) {\n"
        f'  if (action.id == "org.libvirt.unix.manage" && subject.isInGroup("{group}"))\n'
        "    return polkit.Result.YES;\n});"
    )


def test_polkit_rules_of_one_name_in_both_directories_both_count(host_scan) -> None:
    """HL14-3 (held). polkit loads every .rules file of /etc/polkit-1/rules.d and
    /usr/share/polkit-1/rules.d, ordered by file name, /etc's first for one name
    (polkit_backend_common_rules_file_name_cmp: "/etc wins over /usr" only orders the two, read
    with `find_string`), and runs them until one returns a result: a rule in a file sorting
    before 49-polkit-pkla-compat.rules, and both files of one name, each grant their group."""
    rules = str(HARDENED_HOST["polkit-rules"][0])
    rules += _rules("/etc/polkit-1/rules.d/10-ops.rules", _group_rule("ops"))
    rules += _rules("/usr/share/polkit-1/rules.d/10-ops.rules", _group_rule("devs"))
    group = str(HARDENED_HOST["/etc/group"]) + "ops:x:1500:bob\ndevs:x:1501:carol,dave\n"
    a = host_scan({"polkit-rules": (rules, 0), "/etc/group": group})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"
    }


def test_polkit_group_only_in_the_directory_is_asked(host_scan) -> None:
    """HL14-6. A polkit rule grants org.libvirt.unix.manage to group ops, which /etc/group does
    not hold, while nsswitch's group line also asks SSSD (`group: files sss`): ops is a
    directory group whose members are not in the evidence. hvaudit counted no one for it and
    passed. Now the question, as for a sudoers %group whose members are not read; with
    `group: files` alone no such group exists and the pass stands."""
    rules = str(HARDENED_HOST["polkit-rules"][0])
    rules += _rules("/etc/polkit-1/rules.d/10-ops.rules", _group_rule("ops"))
    a = host_scan({"polkit-rules": (rules, 0)})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "3 administrative principal(s) (limit 3): %ops (members not read), alice, root; "
        "the members of %ops are not in the evidence"
    }
    local = NSSWITCH.replace(GROUP_LINE, "group: files")
    a = host_scan({"polkit-rules": (rules, 0), "/etc/nsswitch.conf": local})
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}


@pytest.mark.parametrize("mode", ["\u0661", "\uff11"])
def test_rsyslog_stream_driver_mode_in_other_digits_is_not_tls(host_scan, mode: str) -> None:
    """HL14-4, a mode number (false pass). rsyslog reads StreamDriverMode with libestr's
    es_str2num (ASCII `isdigit`, read with `find_string`), so "\u0661" (Arabic-Indic one) or a
    fullwidth one is "not a proper number" and TLS is not switched on; int() read it as 1 and
    HVA-200 passed "logs forwarded over TLS". Now a fail: rsyslog's doGetInt fails the
    parameter and refuses the action, so nothing is sent (R33L-3; it said plain TCP before)."""
    conf = str(HARDENED_HOST["rsyslog-config"][0]).replace(
        'StreamDriverMode="1"', f'StreamDriverMode="{mode}"'
    )
    a = host_scan({"rsyslog-config": (conf, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "logs forwarded without authenticated TLS to logs.example.internal (parameter "
        f'streamdrivermode="{mode}" is not a number, which rsyslog requires of it: it refuses '
        "the action, so nothing is sent)"
    }


def _js(path: str, condition: str, result: str) -> str:
    return _rules(
        path,
        "polkit.addRule(function(action, subject) {\n"
        f"  if ({condition}) {{\n    return polkit.Result.{result};\n  }}\n}});",
    )


MANAGE = 'action.id == "org.libvirt.unix.manage"'
GRANT_ALL = _js("/usr/share/polkit-1/rules.d/60-libvirt.rules", MANAGE, "YES")
EVERYONE_FAIL = (
    "libvirtd.conf: auth_unix_rw = polkit, but /usr/share/polkit-1/rules.d/60-libvirt.rules "
    "grant(s) org.libvirt.unix.manage with no subject test: every local user controls every VM"
)


@pytest.mark.parametrize(
    ("deny", "status"),
    [
        (_js("/etc/polkit-1/rules.d/00-deny.rules", MANAGE, "NO"), "pass"),
        (
            _js("/etc/polkit-1/rules.d/00-deny.rules", MANAGE.replace('"', "'"), "AUTH_ADMIN"),
            "pass",
        ),
        (_js("/etc/polkit-1/rules.d/90-deny.rules", MANAGE, "NO"), "fail"),
        (
            _js("/etc/polkit-1/rules.d/00-deny.rules", MANAGE + ' && subject.user == "x"', "NO"),
            "fail",
        ),
        (_js("/etc/polkit-1/rules.d/00-deny.rules.off", MANAGE, "NO"), "fail"),
    ],
    ids=["refused-first", "admin-first", "refused-later", "refused-to-some", "not-a-rules-file"],
)
def test_polkit_refusal_before_a_grant_ends_it(host_scan, deny: str, status: str) -> None:
    """HL14-7 (wrong fail). polkit runs the .rules files in name order until a rule returns a
    result, "Returning a result is final" (polkit(8)): a rule in 00-deny.rules that refuses
    org.libvirt.unix.manage to everyone (NO, or AUTH_ADMIN: only administrators) leaves the
    grant of 60-libvirt.rules unreached. hvaudit counted every grant and failed HVA-132. A
    refusal after the grant, one that tests the subject, or one in a file polkit does not load
    (not *.rules) changes nothing: the fail stands."""
    rules = str(HARDENED_HOST["polkit-rules"][0]) + deny + GRANT_ALL
    a = host_scan({"polkit-rules": (rules, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": status}, messages(a, "HVA-132")
    if status == "fail":
        assert messages(a, "HVA-132") == {"hv1": EVERYONE_FAIL}
    else:
        assert messages(a, "HVA-132") == messages(host_scan(), "HVA-132")


def test_polkit_refusal_before_the_pkla_compat_rule_ends_a_pkla_grant(host_scan) -> None:
    """HL14-7. The .pkla files are read through 49-polkit-pkla-compat.rules, in its turn: a
    refusal in 00-deny.rules leaves a .pkla grant to every account unreached."""
    pkla = (
        "/etc/polkit-1/localauthority/50-local.d/libvirt.pkla:[libvirt]\n"
        "/etc/polkit-1/localauthority/50-local.d/libvirt.pkla:Identity=unix-user:*\n"
        "/etc/polkit-1/localauthority/50-local.d/libvirt.pkla:Action=org.libvirt.unix.manage\n"
        "/etc/polkit-1/localauthority/50-local.d/libvirt.pkla:ResultActive=yes\n"
    )
    rules = str(HARDENED_HOST["polkit-rules"][0]) + pkla
    a = host_scan({"polkit-rules": (rules, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    deny = _js("/etc/polkit-1/rules.d/00-deny.rules", MANAGE, "NO")
    a = host_scan({"polkit-rules": (rules + deny, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")


@pytest.mark.parametrize(
    ("environ", "unit", "status"),
    [
        ("LIBVIRT_DEBUG=3\0", "LIBVIRT_DEBUG=warning\n", "pass"),
        ("LIBVIRT_DEBUG=3\0", "", "fail"),
        ("", "LIBVIRT_DEBUG=3\n", "fail"),
        ("LIBVIRT_DEBUG=DEBUG\0", "LIBVIRT_DEBUG=3\n", "fail"),
    ],
    ids=["both-override", "next-start-keeps-file", "running-keeps-file", "invalid-value"],
)
def test_libvirt_debug_overrides_the_files_log_level(
    host_scan, environ: str, unit: str, status: str
) -> None:
    """HL14-1 twin (wrong fail): LIBVIRT_DEBUG at another valid level replaces the file's
    `log_level = 1` (virLogSetFromEnv runs after it). Only where every environment read (the
    running daemon's, the unit's for the next start) overrides it does the file's debug level
    not count; a value libvirt does not parse ("DEBUG": STREQ) overrides nothing."""
    conf = DEBUG_OUT + "log_level = 1\n"
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--timeout 120"\n' + unit,
            "libvirt-environ-700": (environ, 0 if environ else 1),
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": status}, messages(a, "HVA-213")
    expected = (
        "libvirtd.conf: log_outputs '1:journald'"
        if status == "pass"
        else "libvirtd.conf: log_level = 1 (debug, floods the log)"
    )
    assert messages(a, "HVA-213") == {"hv1": expected}
