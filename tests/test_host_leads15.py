"""Known leads on the KVM/libvirt host side (issue 8, session 12), taken up by leads2-host.

Same harness as tests/test_host_leads14.py: conftest's hardened Debian host replayed through the
real collector, parser and engine, changed only where a test says so; each test asserts the
exact status and message.

- HL15-1 (false pass) HVA-213 passed "log_outputs unset (the journal)" with journald.conf
  `Storage=none` ("all log data received will be dropped", journald.conf(5)) and ForwardToSyslog
  off (RHEL's compiled-in default): the journal, stderr and syslog(3) (/dev/log is journald's
  socket on a systemd host) all end in journald, which keeps and forwards nothing. Now a fail;
  forwarding to syslog with no syslog daemon running fails too, and an unknown forwarding is
  asked. HVA-200 counted systemd-journal-upload, which reads the journal's files, as forwarding
  the host's logs: with Storage=none it sends nothing, now "configured but reading nothing".
- HL15-2 (false pass) HVA-213 ignored log filters: libvirt gives a source the priority of the
  first filter whose match is in its name (virlog.c virLogSourceUpdate, `foo` read as `*foo*`),
  so `log_filters = "1:*"` (or LIBVIRT_LOG_FILTERS, which replaces it: virLogSetFromEnv) logs
  every source at debug as `log_level = 1` does. It floods the log through an output at
  priority 1 (each output drops messages below its own priority); the default output never is
  one (journald's default is at most info). Now a fail naming the filter's place.
- HL15-3 (false pass) HVA-033 took any listener `ss -p` names "sshd" for the approved SSH
  server: the name is the task's, which any program (or an sshd run with its own -f
  configuration) can carry. A listener named sshd on a port `sshd -T` does not list (its
  `port` lines and the ports of its `listenaddress` lines: OpenSSH servconf.c dump_config) is
  now the question; on a listed port it passes as before.
- HL15-4 (wrong fail) HVA-132/HVA-142: a rule refusing org.libvirt.unix.manage to every
  subject outside one group or user (`action.id == ... && !subject.isInGroup("G")` or
  `subject.user != "u"`, NO or AUTH_ADMIN) opening its function ends polkit's rules for the
  others ("Returning a result is final", polkit(8)): a later grant to every account reaches G
  (or u) only, and is now read as a grant to them (other later grants are kept whole). HL14-7's
  refusal to everyone is read only where it opens its function too (HL15-5, false pass: a
  statement before it may return first, e.g. `if (subject.local) return;`, and leave the later
  grant reachable).
- HL15-6 (false pass) HVA-210 (and HVA-033's socket activation) knew sshd's ports by `sshd -T`'s
  `port` lines only: a socket systemd holds on the port of a `listenaddress` line (the port that
  address resolved to) was not named sshd's, so a wildcard SSH socket passed. One helper,
  sshd_ports, now reads both for HVA-033 and HVA-210.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"
PROCS = str(HARDENED_HOST["processes"][0])
RSYSLOG_LINE = "  403 root     /usr/sbin/rsyslogd -n -iNONE\n"
assert RSYSLOG_LINE in PROCS
RHEL = 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n'
# RHEL 9's shipped journald.conf: the compile time defaults as comments
RHEL_JOURNALD = "[Journal]\n#Storage=auto\n#ForwardToSyslog=no\nStorage=none\n"
DROPPED = (
    "journald keeps no journal (Storage=none in /etc/systemd/journald.conf) and forwards "
    "nothing to syslog (the compiled-in default ForwardToSyslog=no (/etc/systemd/journald.conf "
    "shows the compile time defaults; nothing sets it))"
)


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


# --- HVA-213: a journal that keeps nothing (HL15-1) ---------------------------------------------


@pytest.mark.parametrize(
    ("conf", "entry"),
    [
        ("", JOURNAL_OK),
        ('log_outputs = "3:syslog:libvirtd"\n', "libvirtd.conf: log_outputs '3:syslog:libvirtd'"),
        (
            'log_outputs = "3:stderr"\n',
            "libvirtd.conf: log_outputs '3:stderr' (stderr goes to the journal)",
        ),
    ],
    ids=["unset", "syslog", "stderr"],
)
def test_journal_that_keeps_and_forwards_nothing_fails(host_scan, conf: str, entry: str) -> None:
    """HL15-1. RHEL 9: journald.conf `Storage=none`, ForwardToSyslog at its compiled-in `no`.
    libvirt's journal output, its stderr and its syslog(3) (through /dev/log, journald's
    socket) all reach journald, which drops them. hvaudit passed "the journal"."""
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": RHEL_JOURNALD,
            "/etc/libvirt/libvirtd.conf": str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"]) + conf,
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {"hv1": f"{entry}, but {DROPPED}"}


def test_journal_forwarding_to_no_syslog_daemon_fails(host_scan) -> None:
    """HL15-1. Debian forwards to syslog by default, but with no syslog daemon running nothing
    reads the socket journald forwards to: dropped all the same. With rsyslogd running the
    forwarded messages are kept (held: a pass)."""
    journald = {"/etc/systemd/journald.conf": "[Journal]\nStorage=none\n"}
    a = host_scan(journald)
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}
    a = host_scan({**journald, "processes": (PROCS.replace(RSYSLOG_LINE, ""), 0)})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": f"{JOURNAL_OK}, but journald keeps no journal (Storage=none in "
        "/etc/systemd/journald.conf) and forwards to syslog (Debian's default "
        "ForwardToSyslog=yes (journald.conf sets none)), but no syslog daemon runs (rsyslogd, "
        "syslog-ng, syslogd)"
    }


def test_journal_forwarded_to_an_rsyslog_without_the_socket_fails(host_scan) -> None:
    """HL15-1. RHEL's rsyslog.conf turns imuxsock's system socket off and reads the journal
    (imjournal), which Storage=none leaves empty: journald forwarding to syslog
    (ForwardToSyslog=yes) reaches no reader. hvaudit passed the journal output."""
    rsyslog = (
        '/etc/rsyslog.conf:module(load="imuxsock" SysSock.Use="off")\n'
        '/etc/rsyslog.conf:module(load="imjournal" StateFile="imjournal.state")\n'
        "/etc/rsyslog.conf:*.info /var/log/messages\n"
    )
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": RHEL_JOURNALD + "ForwardToSyslog=yes\n",
            "rsyslog-config": (rsyslog, 0),
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": f"{JOURNAL_OK}, but journald keeps no journal (Storage=none in "
        "/etc/systemd/journald.conf) and forwards to syslog (ForwardToSyslog=yes in "
        "/etc/systemd/journald.conf), but rsyslog, the only syslog daemon running, reads no "
        "system log socket (imuxsock)"
    }


def test_journal_forwarding_unknown_is_asked(host_scan) -> None:
    """HL15-1. Storage=none on a distribution whose default forwarding is not known and with no
    setting: whether libvirt's messages survive is unknown, never a pass."""
    a = host_scan(
        {
            "/etc/os-release": 'ID="plan9"\n',
            "/etc/systemd/journald.conf": "[Journal]\nStorage=none\n",
        }
    )
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": "evidence unavailable: journald keeps no journal (Storage=none in "
        "/etc/systemd/journald.conf) and whether it forwards to syslog is unknown: no file sets "
        "ForwardToSyslog and this distribution's default is not known"
    }


def test_journal_kept_still_passes(host_scan) -> None:
    """Held: Storage=volatile keeps the journal (in /run) with forwarding off."""
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": RHEL_JOURNALD.replace("=none", "=volatile"),
        }
    )
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


# --- HVA-200: journal-upload reads an empty journal (HL15-1) --------------------------------------


def test_journal_upload_reads_nothing_when_journald_stores_nothing(host_scan) -> None:
    """HL15-1. systemd-journal-upload uploads journal entries it reads from the journal's files;
    Storage=none leaves none. With rsyslog idle, hvaudit passed HVA-200 on the https URL."""
    procs = PROCS.replace(RSYSLOG_LINE, "") + (
        "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state\n"
    )
    upload = {
        "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example.internal\n",
        "processes": (procs, 0),
    }
    a = host_scan(upload)
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")
    a = host_scan({**upload, "/etc/systemd/journald.conf": "[Journal]\nStorage=none\n"})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "no running forwarder sends the host's logs to a remote destination (configured "
        "but reading nothing: systemd-journal-upload (https://logs.example.internal) reads the "
        "journal, and journald keeps none (Storage=none in /etc/systemd/journald.conf); "
        "configured but not running: rsyslogd (logs.example.internal))"
    }


# --- HVA-213: debug log filters (HL15-2) ----------------------------------------------------------

CONF = str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"])
DEBUG_OUT = 'log_outputs = "1:journald"\n'


def _filters_scan(host_scan, conf: str = "", unit: str = "", environ: str = ""):
    return host_scan(
        {
            "/etc/libvirt/libvirtd.conf": CONF + conf,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--timeout 120"\n' + unit,
            "libvirt-environ-700": (environ, 0 if environ else 1),
        }
    )


@pytest.mark.parametrize(
    ("conf", "unit", "environ", "expected"),
    [
        (DEBUG_OUT + 'log_filters = "1:*"\n', "", "", "libvirtd.conf: log_filters '1:*'"),
        (
            DEBUG_OUT + 'log_filters = "3:remote 4:event 1:+qemu"\n',
            "",
            "",
            "libvirtd.conf: log_filters '3:remote 4:event 1:+qemu'",
        ),
        (
            DEBUG_OUT,
            'LIBVIRT_LOG_FILTERS="1:*"\n',
            "",
            "LIBVIRT_LOG_FILTERS=1:* in /etc/default/libvirtd",
        ),
        (
            DEBUG_OUT,
            "",
            "LIBVIRT_LOG_FILTERS=1:qemu\0",
            "running libvirtd's environment: LIBVIRT_LOG_FILTERS=1:qemu",
        ),
    ],
    ids=["file", "file-narrow", "unit-environment", "running-environment"],
)
def test_debug_log_filter_with_a_debug_output_fails(
    host_scan, conf: str, unit: str, environ: str, expected: str
) -> None:
    """HL15-2. A filter at priority 1 in libvirtd.conf or the daemon's environment, with an
    output at priority 1: the sources it matches log at debug. hvaudit passed."""
    a = _filters_scan(host_scan, conf, unit, environ)
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {"hv1": f"{expected} (debug, floods the log)"}


@pytest.mark.parametrize(
    ("conf", "unit", "environ"),
    [
        ('log_filters = "1:*"\n', "", ""),
        ('log_outputs = "3:journald"\nlog_filters = "1:*"\n', "", ""),
        (DEBUG_OUT + 'log_filters = "3:* 1:qemu"\n', "", ""),
        (DEBUG_OUT + 'log_filters = "1:* 0:qemu"\n', "", ""),
        (
            DEBUG_OUT + 'log_filters = "1:*"\n',
            "LIBVIRT_LOG_FILTERS=3:*\n",
            "LIBVIRT_LOG_FILTERS=3:*\0",
        ),
    ],
    ids=["default-output", "output-at-warning", "shadowed", "rejected", "environment-replaces"],
)
def test_debug_log_filter_that_writes_no_debug_passes(
    host_scan, conf: str, unit: str, environ: str
) -> None:
    """Held: no output at priority 1 (the default journald output is at most info), a debug
    filter after one matching every source, a value libvirt rejects (priority 0), and a file
    filter every environment replaces: no debug message is written."""
    a = _filters_scan(host_scan, conf, unit, environ)
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}, messages(a, "HVA-213")
    level = "3" if "3:journald" in conf else "1"
    expected = f"libvirtd.conf: log_outputs '{level}:journald'" if "outputs" in conf else JOURNAL_OK
    assert messages(a, "HVA-213") == {"hv1": expected}


# --- HVA-033: a listener named sshd on a port sshd does not use (HL15-3) ---------------------------

LISTENERS = str(HARDENED_HOST["listeners"][0])
SSHD_2222 = (
    "tcp   LISTEN 0      128        0.0.0.0:2222        0.0.0.0:*    "
    'users:(("sshd",pid=900,fd=3))\n'
)
SSHD_T = str(HARDENED_HOST["sshd-effective"][0])


def test_sshd_named_listener_on_another_port_is_asked(host_scan) -> None:
    """HL15-3. A process named sshd listens on 2222; `sshd -T` lists port 22 only (listenaddress
    10.0.0.10:22). It may be another binary under that name or an sshd with a configuration of
    its own. hvaudit passed "2 non-loopback listener(s), all approved"."""
    a = host_scan({"listeners": (LISTENERS + SSHD_2222, 0)})
    assert outcomes(a, "HVA-033") == {"hv1": "manual"}, messages(a, "HVA-033")
    assert messages(a, "HVA-033") == {
        "hv1": 'a listener named "sshd" on tcp/2222 (pid 900), a port `sshd -T` does not list '
        "(22): not shown to be the SSH server hvaudit read"
    }
    assert _question(a, "HVA-033") == (
        'Is each process listening as "sshd" on tcp/2222 (pid 900) the distribution\'s OpenSSH '
        "server, run with the configuration the SSH checks read? Evidence: `ls -l /proc/900/exe` "
        "and `tr '\\0' ' ' < /proc/900/cmdline` on the host. Pass: /usr/sbin/sshd with no -f "
        "(its -p or -o Port naming that port); fail: another binary named sshd, or an sshd with "
        "a configuration of its own (-f), which is an unreviewed SSH service."
    )


@pytest.mark.parametrize(
    "sshd_t",
    [
        SSHD_T.replace("listenaddress 10.0.0.10:22\n", "port 2222\n"),
        SSHD_T.replace("listenaddress 10.0.0.10:22", "listenaddress 0.0.0.0:2222"),
    ],
    ids=["port-line", "listenaddress-port"],
)
def test_sshd_listener_on_a_port_sshd_lists_passes(host_scan, sshd_t: str) -> None:
    """Held: a second Port line, or a ListenAddress with its own port (`sshd -T` prints the port
    each address resolved to): the listener is on a port sshd's configuration names."""
    a = host_scan({"listeners": (LISTENERS + SSHD_2222, 0), "sshd-effective": (sshd_t, 0)})
    assert outcomes(a, "HVA-033") == {"hv1": "pass"}, messages(a, "HVA-033")
    assert messages(a, "HVA-033") == {"hv1": "2 non-loopback listener(s), all approved"}


def test_unapproved_listener_still_fails_beside_a_doubtful_sshd(host_scan) -> None:
    """Held: an unapproved program fails whatever the sshd-named listener is."""
    other = (
        "tcp   LISTEN 0      128        0.0.0.0:8080        0.0.0.0:*    "
        'users:(("python3",pid=901,fd=3))\n'
    )
    a = host_scan({"listeners": (LISTENERS + SSHD_2222 + other, 0)})
    assert outcomes(a, "HVA-033") == {"hv1": "fail"}, messages(a, "HVA-033")
    assert messages(a, "HVA-033") == {"hv1": "unapproved listeners: python3 (tcp/8080)"}


# --- HVA-132/HVA-142: polkit gates by subject (HL15-4, HL15-5) -----------------------------------

POLKIT = str(HARDENED_HOST["polkit-rules"][0])
MANAGE = 'action.id == "org.libvirt.unix.manage"'
EVERYONE_FAIL = (
    "libvirtd.conf: auth_unix_rw = polkit, but /usr/share/polkit-1/rules.d/60-libvirt.rules "
    "grant(s) org.libvirt.unix.manage with no subject test: every local user controls every VM"
)


def _rule(path: str, body: str) -> str:
    text = "polkit.addRule(function(action, subject) {\n" + body + "});"
    return "".join(f"{path}:{line}\n" for line in text.splitlines())


def _if(condition: str, result: str) -> str:
    return f"  if ({condition}) {{\n    return polkit.Result.{result};\n  }}\n"


GRANT_ALL = _rule("/usr/share/polkit-1/rules.d/60-libvirt.rules", _if(MANAGE, "YES"))


@pytest.mark.parametrize(
    "gate",
    [
        _rule(
            "/etc/polkit-1/rules.d/00-gate.rules",
            _if(MANAGE + ' && !subject.isInGroup("sudo")', "NO"),
        ),
        _rule(
            "/etc/polkit-1/rules.d/00-gate.rules",
            _if("!subject.isInGroup('sudo') && " + MANAGE.replace("==", "==="), "AUTH_ADMIN"),
        ),
    ],
    ids=["no", "auth-admin-reversed"],
)
def test_polkit_gate_before_a_grant_to_everyone_passes(host_scan, gate: str) -> None:
    """HL15-4 (wrong fail). 00-gate.rules refuses org.libvirt.unix.manage to everyone outside
    %sudo; 60-libvirt.rules' grant to every account, run after it, reaches %sudo's members
    only. hvaudit failed HVA-132 "every local user controls every VM"."""
    a = host_scan({"polkit-rules": (POLKIT + gate + GRANT_ALL, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == messages(host_scan(), "HVA-132")
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}


def test_polkit_gate_to_one_user_counts_that_user(host_scan) -> None:
    """HL15-4. A gate letting user carol alone through: the grant to everyone makes carol an
    administrator (HVA-142 counts her) and HVA-132 no longer fails."""
    gate = _rule(
        "/etc/polkit-1/rules.d/00-gate.rules", _if(MANAGE + ' && subject.user != "carol"', "NO")
    )
    a = host_scan({"polkit-rules": (POLKIT + gate + GRANT_ALL, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
    assert messages(a, "HVA-142") == {
        "hv1": "3 administrative principal(s) (limit 3): alice, carol, root"
    }


@pytest.mark.parametrize(
    "gate",
    [
        _rule(
            "/etc/polkit-1/rules.d/90-gate.rules",
            _if(MANAGE + ' && !subject.isInGroup("sudo")', "NO"),
        ),
        _rule(
            "/etc/polkit-1/rules.d/00-gate.rules",
            "  if (subject.local) {\n    return;\n  }\n"
            + _if(MANAGE + ' && !subject.isInGroup("sudo")', "NO"),
        ),
        _rule(
            "/etc/polkit-1/rules.d/00-gate.rules",
            _if(MANAGE + ' && !subject.isInGroup("sudo") && subject.user == "x"', "NO"),
        ),
    ],
    ids=["gate-later", "return-before-gate", "refusal-to-one-outsider"],
)
def test_polkit_gate_not_reached_first_still_fails(host_scan, gate: str) -> None:
    """Held: a gate in a file run after the grant, one a statement before it may pre-empt
    (`return;` ends the function and polkit goes on to the next rule), or a condition that
    refuses one subject alone (x outside %sudo): the grant to everyone stands, the fail too."""
    a = host_scan({"polkit-rules": (POLKIT + gate + GRANT_ALL, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": EVERYONE_FAIL}


def test_polkit_refusal_after_an_early_return_does_not_end_the_grant(host_scan) -> None:
    """HL15-5 (false pass). HL14-7 read a refusal of org.libvirt.unix.manage to everyone
    anywhere in its function; `if (subject.local) { return; }` before it lets every local
    subject (libvirt's socket clients are local) go on to 60-libvirt.rules' grant. hvaudit
    passed HVA-132; the grant to everyone is counted again."""
    deny = _rule(
        "/etc/polkit-1/rules.d/00-deny.rules",
        "  if (subject.local) {\n    return;\n  }\n" + _if(MANAGE, "NO"),
    )
    a = host_scan({"polkit-rules": (POLKIT + deny + GRANT_ALL, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": EVERYONE_FAIL}


def test_ssh_socket_on_a_listenaddress_port_is_a_management_listener(host_scan) -> None:
    """HL15-6 (false pass). Socket activation: systemd holds 0.0.0.0:2222, the port sshd_config's
    ListenAddress names (`sshd -T`: listenaddress 0.0.0.0:2222; Port stays 22). HVA-210 knew
    sshd's sockets by the `port` lines only and passed a wildcard SSH socket."""
    held = (
        "tcp   LISTEN 0      128        0.0.0.0:2222        0.0.0.0:*    "
        'users:(("systemd",pid=1,fd=40))\n'
        "udp   UNCONN 0      0          127.0.0.1:323       0.0.0.0:*    "
        'users:(("chronyd",pid=402,fd=5))\n'
    )
    sshd_t = SSHD_T.replace("listenaddress 10.0.0.10:22", "listenaddress 0.0.0.0:2222")
    a = host_scan({"listeners": (held, 0), "sshd-effective": (sshd_t, 0)})
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}, messages(a, "HVA-210")
    assert messages(a, "HVA-210") == {
        "hv1": "listening on all addresses: sshd socket held by systemd (tcp/2222)"
    }


def test_sshd_listener_on_its_command_line_port_passes(host_scan) -> None:
    """HL15-3 twin (wrong question): sshd(8) -p: the listener started with `-p 2222` listens
    there whatever Port says (`sshd -T`, run without it, lists 22): its own port, a pass."""
    procs = PROCS.replace("/usr/sbin/sshd -D [listener]", "/usr/sbin/sshd -D -p 2222 [listener]")
    assert procs != PROCS
    a = host_scan({"listeners": (LISTENERS + SSHD_2222, 0), "processes": (procs, 0)})
    assert outcomes(a, "HVA-033") == {"hv1": "pass"}, messages(a, "HVA-033")
    assert messages(a, "HVA-033") == {"hv1": "2 non-loopback listener(s), all approved"}
