"""Red-team round 41 probes: logging, audit forwarding and time sync (r41-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan): Debian's /etc/rsyslog.conf (DEBIAN_RSYSLOG_MAIN) with its
`module(load="imuxsock")` line replaced as named, beside the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE), no imjournal, libvirtd.conf's log_outputs
unset (the journal) and Debian's default ForwardToSyslog=yes; for HVA-213,
/etc/systemd/journald.conf sets Storage=none. Each test asserts the exact status and message of
HVA-200 or HVA-213.

Findings (R41L-n):
- R41L-1 (false pass) HVA-200, HVA-213: rsyslog's imuxsock with its system socket named
  (`module(load="imuxsock" SysSock.Name="/run/rsyslog/local.sock")`, or legacy
  `$SystemLogSocketName` with imuxsock loaded by `$ModLoad`) on a systemd host with no imjournal
  passed HVA-200 "logs forwarded over TLS", and HVA-213 passed the journal where journald keeps
  none (Storage=none) and forwards to syslog: parse.host read "imuxsock" among the inputs as
  reading journald's forwarding socket. rsyslog plugins/imuxsock/imuxsock.c activateListeners
  takes /run/systemd/journal/syslog only where no name is set ("if (runModConf->pLogSockName
  != NULL) ... else if (sd_booted())") and createLogSocket binds the named path itself, so it
  reads nothing journald forwards (the SysSock.Use page's "the value of SysSock.Name is
  ignored" on systemd is not what the code does). Now parse.rsyslog records the name
  (RsyslogForwarding.syssock_name; the legacy directive only where no module() statement loads
  imuxsock: modules.c Load calls setModCnf, which sets configSetViaV2Method, and endCnfLoad
  then drops the legacy settings), and parse.host._imuxsock_elsewhere makes both fail; named
  /dev/log it takes the syslog(3) socket from journald, which a libvirt `syslog:` output still
  reaches: both ask.

Held (kept as tests): SysSock.Name="/run/systemd/journal/syslog" passes both;
`module(load="imuxsock")` with a legacy `$SystemLogSocketName` beside it (dropped) passes.

Probed by script: the R41L-1 cases on main (3f6d238b) first: all passed (HVA-200 "logs
forwarded over TLS", HVA-213 "log_outputs unset (the journal)").

Tally: 1 finding: 1 false pass, 0 false n/a, 0 wrong fails; 8 cases in 2 test functions;
5 failed on main before the fix (all passed wrongly); the 3 held pass there too.

Leads left:
- `$OmitLocalLogging on` beside `module(load="imuxsock")` is read as turning the system socket
  off, though by the same imuxsock.c endCnfLoad a module() statement drops every legacy
  system-socket setting (a wrong fail at worst).
- A named /dev/log with libvirt's outputs known (the journal only) could fail rather than ask.
- A non-systemd host (no journald) whose imuxsock names a socket other than /dev/log reads no
  syslog(3) message: not probed.
- system.conf or drop-ins collected but unreadable still assume the built-in defaults; a
  running daemon's environment read without LIBVIRT_LOG_OUTPUTS takes the units' next-start
  environment (the R40L leads, not reached).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, RSYSLOG_REMOTE, messages, outcomes

IMUXSOCK = 'module(load="imuxsock") # provides support for local system logging'
MAIN = "/etc/rsyslog.conf"
JOURNALD = "/etc/systemd/journald.conf"
OWN = "/run/rsyslog/local.sock"
FORWARD = "/run/systemd/journal/syslog"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
ELSEWHERE = f'rsyslog\'s imuxsock reads its system socket named "{OWN}", not {FORWARD} where journald forwards'
DEV_LOG = (
    'rsyslog\'s imuxsock takes /dev/log itself (its system socket named "/dev/log") and reads '
    f"nothing journald forwards ({FORWARD}), so only what libvirt's daemons log through "
    "syslog(3) (a `syslog:` log output) reaches it, not what they write to the journal"
)
JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"
DEBIAN_FWD = "Debian's default ForwardToSyslog=yes (journald.conf sets none)"
DROPPED = (
    f"journald keeps no journal (Storage=none in {JOURNALD}) and forwards to syslog ({DEBIAN_FWD})"
)


def _rsyslog(*lines: str) -> tuple[str, int]:
    main = DEBIAN_RSYSLOG_MAIN.replace(
        f"{MAIN}:{IMUXSOCK}\n", "".join(f"{MAIN}:{x}\n" for x in lines)
    )
    assert main != DEBIAN_RSYSLOG_MAIN
    return main + RSYSLOG_REMOTE, 0


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        # R41L-1: a socket of its own: nothing journald forwards reaches rsyslog
        (
            (f'module(load="imuxsock" SysSock.Name="{OWN}")',),
            "fail",
            "no running forwarder sends the host's logs to a remote destination (journald hands "
            f"rsyslog nothing: {ELSEWHERE}, and rsyslog reads no journal (no imjournal), so "
            "logs.example.internal get(s) the kernel's messages at most, not libvirt's)",
        ),
        # R41L-1: the legacy directive, imuxsock loaded the legacy way
        (
            ("$ModLoad imuxsock", f"$SystemLogSocketName {OWN}"),
            "fail",
            "no running forwarder sends the host's logs to a remote destination (journald hands "
            f"rsyslog nothing: {ELSEWHERE}, and rsyslog reads no journal (no imjournal), so "
            "logs.example.internal get(s) the kernel's messages at most, not libvirt's)",
        ),
        # R41L-1: /dev/log taken from journald: a libvirt syslog: output would still arrive
        (
            ('module(load="imuxsock" SysSock.Name="/dev/log")',),
            "manual",
            "rsyslog forwards over authenticated TLS, but reads no journal (no imjournal); "
            f"whether journald hands it libvirt's messages is open: {DEV_LOG} "
            "(logs.example.internal)",
        ),
        # held: the socket journald forwards to, named
        ((f'module(load="imuxsock" SysSock.Name="{FORWARD}")',), "pass", OVER_TLS),
        # held: a module() statement drops the legacy name (imuxsock.c endCnfLoad)
        (('module(load="imuxsock")', f"$SystemLogSocketName {OWN}"), "pass", OVER_TLS),
    ],
    ids=[
        "syssock-name-own",
        "legacy-name-own",
        "syssock-name-dev-log",
        "named-forward",
        "legacy-dropped",
    ],
)
def test_r41l1_imuxsock_socket_named_hva200(
    host_scan, lines: tuple[str, ...], status: str, message: str
) -> None:
    a = host_scan({"rsyslog-config": _rsyslog(*lines)})
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        # R41L-1: journald keeps nothing, and what it forwards goes unread
        (OWN, "fail", f"{JOURNAL_OK}, but {DROPPED}, but {ELSEWHERE}"),
        (
            "/dev/log",
            "manual",
            f"evidence unavailable: {DROPPED}, but {DEV_LOG}",
        ),
        # held: the socket journald forwards to
        (FORWARD, "pass", JOURNAL_OK),
    ],
    ids=["own", "dev-log", "forward"],
)
def test_r41l1_imuxsock_socket_named_hva213(
    host_scan, name: str, status: str, message: str
) -> None:
    over = {
        "rsyslog-config": _rsyslog(f'module(load="imuxsock" SysSock.Name="{name}")'),
        JOURNALD: "[Journal]\nStorage=none\n",
    }
    a = host_scan(over)
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}
