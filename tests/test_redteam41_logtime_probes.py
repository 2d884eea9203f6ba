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

- R41L-2 (false pass) HVA-200, HVA-213: a `3:stderr` libvirt output passed both ("stderr goes
  to the journal") where libvirtd.service sets no StandardError= and /etc/systemd/system.conf
  could not be read ("Permission denied") or the system.conf.d drop-ins were unanswered (grep
  exit 2): parse.host._manager_std_defaults took the compiled-in defaults (journal, inherit)
  for files not read (the R40L-3 lead). systemd-system.conf(5): DefaultStandardError= and
  DefaultStandardOutput= there set the default of a unit's StandardError=/StandardOutput=, so
  such a file may send stderr nowhere (null). Now _stderr_elsewhere names the daemons whose
  deciding setting rests on a default in a file not read (LibvirtHost.stderr_unsettled, via
  _manager_defaults_unread), HVA-213 asks where their standard error goes and HVA-200 asks
  (_libvirt.libvirt_log_unread); the kernel command line's default, read after the files,
  still settles it.

- R41L-3 (false pass) HVA-200, HVA-213: where virt-admin is not installed and the running
  libvirtd's /proc/PID/environ was read without a LIBVIRT_LOG_OUTPUTS (grep exit 1, or one set
  empty), parse.host._log_outputs_override took its units' environment of the next start
  (/etc/default/libvirtd's LIBVIRT_LOG_OUTPUTS="3:journald", edited since the daemon started)
  over libvirtd.conf's file-only `1:file:...`, and both checks passed. libvirt
  src/util/virdaemon.c virDaemonSetupLogging ("cmdline > environment > config") with
  virLogSetFromEnv (a non-empty LIBVIRT_LOG_OUTPUTS only): the environment it started with
  set none, so its file's outputs are in force (the R40L lead). Now the file decides there:
  both fail as file-only.

- R41L-4 (false pass) HVA-200: on a host without systemd-journald (no journald file or drop-in,
  no systemctl) with libvirt's `3:syslog:libvirtd` output, rsyslog's imuxsock with its system
  socket named elsewhere than /dev/log (SysSock.Name="/run/rsyslog/local.sock", or
  "/run/systemd/journal/syslog") passed "logs forwarded over TLS": R41L-1's reading applies on
  systemd hosts only. syslog(3) writes to /dev/log (sys/syslog.h _PATH_LOG on Linux; libvirt
  virlog.c virLogOutputToSyslog calls syslog), and imuxsock.c createLogSocket binds the named
  path instead, so nothing of libvirt's reaches rsyslog. Now HVA-200 fails there naming the
  socket (an imuxsock input of its own on /dev/log, _rsyslog_own_sockets, still keeps it).

- R41L-5 (wrong fail) HVA-200: `$OmitLocalLogging on` beside `module(load="imuxsock")` was
  read as turning the system socket off, and the TLS forwarding failed "rsyslog reads neither
  the system log socket ... nor the journal". By imuxsock.c, the legacy system-socket settings
  count only where no module() statement loads imuxsock (R41L-1's reading: setModCnf sets
  configSetViaV2Method, endCnfLoad then drops them; before the statement the directive is not
  yet registered, after it regCfSysLineHdlr2 refuses it). Now it passes there; R25L-4's legacy
  case (test_redteam25_logging_probes.py) now loads imuxsock with `$ModLoad`, where the
  directive holds and it still fails.

Held (kept as tests): SysSock.Name="/run/systemd/journal/syslog" passes both;
`module(load="imuxsock")` with a legacy `$SystemLogSocketName` beside it (dropped) passes;
an unreadable system.conf beside `systemd.default_standard_error=journal` on the kernel command
line passes `3:stderr` in both checks; the running environment's own
`LIBVIRT_LOG_OUTPUTS=3:journald` passes; without journald, SysSock.Name="/dev/log" and no
name pass; `$ModLoad imuxsock` with `$OmitLocalLogging on` still fails.

Probed by script: the R41L-1 cases on main (3f6d238b) first: all passed (HVA-200 "logs
forwarded over TLS", HVA-213 "log_outputs unset (the journal)"); the R41L-2 cases on main
(9dad409c): all passed ("stderr goes to the journal"); the R41L-3 cases on main (65941d2b):
both passed (HVA-213 "libvirtd (LIBVIRT_LOG_OUTPUTS in /etc/default/libvirtd): log_outputs
'3:journald'"); `LIBVIRT_DEBUG=1` alone in the running environment gave the same; the R41L-4 cases on main
(080ff119): both passed; the R41L-5 cases on main (959e3c18): both failed.

Tally: 5 findings: 4 false passes, 0 false n/a, 1 wrong fail; 21 cases in 6 test functions;
13 failed on main before the fixes (11 passed wrongly, 2 failed wrongly); the 8 held pass
there too.

Leads left:
- Other legacy module-global directives a module() statement drops the same way (imjournal's
  `$imjournal...`, imklog's) are not probed.
- A named /dev/log with libvirt's outputs known (the journal only) could fail rather than ask.
- Without journald, HVA-213 still passes a `syslog:` output whatever rsyslog reads (it judges
  the outputs, HVA-200 the route); a libvirt `journald` output there is not probed.
- system.conf and its drop-ins not collected at all (an older collector) still leave the
  compiled-in defaults assumed; the manager's defaults read are those of its next start
  (daemon-reexec), not of the running daemon.
- The same next-start reading may remain for LIBVIRT_LOG_FILTERS and LIBVIRT_DEBUG
  (_log_debug_env) where the running environment is read without them: not probed.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes

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
        # R41L-1: /dev/log taken from journald: a libvirt syslog: output would still arrive;
        # libvirtd.conf's outputs unset, the journal only, none does (R48L-2: a fail)
        (
            ('module(load="imuxsock" SysSock.Name="/dev/log")',),
            "fail",
            "rsyslog forwards over authenticated TLS to logs.example.internal, but none of "
            f"libvirt's messages: {DEV_LOG}, and libvirt's daemons have no `syslog:` output "
            f"({JOURNAL_OK})",
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
        # (R48L-2: libvirtd.conf's outputs unset, the journal only: a fail)
        (
            "/dev/log",
            "fail",
            f"{JOURNAL_OK}, but {DROPPED}, but {DEV_LOG}",
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


LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"
SYSTEM_CONF = "/etc/systemd/system.conf"
CMDLINE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet"
DENIED = "grep: /etc/systemd/system.conf.d/50-log.conf: Permission denied"
NO_DEFAULT = "libvirtd.service sets no StandardError=, whose service manager default (DefaultStandardError=) is unknown: "


@pytest.mark.parametrize(
    ("system_conf", "dropins", "cmdline", "unknown"),
    [
        # R41L-2: the main file unreadable: its DefaultStandardError= may be null
        (
            PermissionError("Permission denied"),
            None,
            "",
            f"{SYSTEM_CONF} was not read (Permission denied)",
        ),
        # R41L-2: a drop-in unreadable (grep exit 2)
        (
            "[Manager]\n",
            ("", 2, f"{DENIED}\n"),
            "",
            f"the system.conf.d drop-ins were not read (exit status 2: {DENIED})",
        ),
        # held: the kernel command line, read after the files, settles the default
        (
            PermissionError("Permission denied"),
            None,
            " systemd.default_standard_error=journal",
            None,
        ),
    ],
    ids=["main-unreadable", "dropin-unreadable", "cmdline-settles"],
)
def test_r41l2_manager_defaults_unread(
    host_scan,
    system_conf: object,
    dropins: tuple[object, ...] | None,
    cmdline: str,
    unknown: str | None,
) -> None:
    over: dict[str, object] = {
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + 'log_outputs = "3:stderr"\n',
        SYSTEM_CONF: system_conf,
        "/proc/cmdline": f"{CMDLINE}{cmdline}\n",
    }
    if dropins is not None:
        over["system-conf-d"] = dropins
    a = host_scan(over)
    if unknown is None:
        status, message200 = "pass", OVER_TLS
        message213 = "libvirtd.conf: log_outputs '3:stderr' (stderr goes to the journal)"
    else:
        status = "manual"
        message200 = (
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its log "
            f"outputs are unknown (libvirtd.conf: log_outputs '3:stderr' writes to stderr, and "
            f"{NO_DEFAULT}{unknown})"
        )
        message213 = f"libvirtd.conf: log_outputs '3:stderr' writes only to files or stderr, and {NO_DEFAULT}{unknown}"
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-213") == {"hv1": message213}
    assert outcomes(a, "HVA-213") == {"hv1": status}


FILE_ONLY = "libvirtd.conf: log_outputs '1:file:/var/log/libvirt/libvirtd.log' writes only to files or stderr"


@pytest.mark.parametrize(
    ("environ", "status", "message200", "message213"),
    [
        # R41L-3: the running libvirtd started without LIBVIRT_LOG_OUTPUTS: its file decides
        (
            ("", 1),
            "fail",
            f"{OVER_TLS}, but carrying none of libvirt's messages: {FILE_ONLY}",
            FILE_ONLY,
        ),
        # R41L-3: an empty one is skipped (virLogSetFromEnv)
        (
            ("LIBVIRT_LOG_OUTPUTS=\0", 0),
            "fail",
            f"{OVER_TLS}, but carrying none of libvirt's messages: {FILE_ONLY}",
            FILE_ONLY,
        ),
        # held: the environment it started with sends its outputs to the journal
        (
            ("LIBVIRT_LOG_OUTPUTS=3:journald\0", 0),
            "pass",
            OVER_TLS,
            "libvirtd (running libvirtd's environment: LIBVIRT_LOG_OUTPUTS): log_outputs '3:journald'",
        ),
    ],
    ids=["environ-none", "environ-empty", "environ-journald"],
)
def test_r41l3_running_environment_without_outputs(
    host_scan, environ: tuple[object, ...], status: str, message200: str, message213: str
) -> None:
    a = host_scan(
        {
            LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF])
            + 'log_outputs = "1:file:/var/log/libvirt/libvirtd.log"\n',
            # edited since libvirtd started: its next start takes the journal
            "/etc/default/libvirtd": 'LIBVIRT_LOG_OUTPUTS="3:journald"\n',
            "libvirt-environ-700": environ,
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-213") == {"hv1": message213}
    assert outcomes(a, "HVA-213") == {"hv1": status}


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        # R41L-4: without journald, syslog(3) writes /dev/log, which rsyslog no longer binds
        (
            OWN,
            "fail",
            "no running forwarder sends the host's logs to a remote destination (rsyslog reads "
            "neither the system log socket /dev/log, where syslog(3) writes on a host without "
            f'systemd-journald (its imuxsock reads "{OWN}" instead), nor a journal, so '
            "logs.example.internal get(s) the kernel's messages at most, not libvirt's)",
        ),
        (
            FORWARD,
            "fail",
            "no running forwarder sends the host's logs to a remote destination (rsyslog reads "
            "neither the system log socket /dev/log, where syslog(3) writes on a host without "
            f'systemd-journald (its imuxsock reads "{FORWARD}" instead), nor a journal, so '
            "logs.example.internal get(s) the kernel's messages at most, not libvirt's)",
        ),
        # held: /dev/log named, or no name (the default /dev/log)
        ("/dev/log", "pass", OVER_TLS),
        (None, "pass", OVER_TLS),
    ],
    ids=["own", "journald-path", "dev-log", "unnamed"],
)
def test_r41l4_imuxsock_socket_named_without_journald(
    host_scan, name: str | None, status: str, message: str
) -> None:
    line = f'module(load="imuxsock" SysSock.Name="{name}")' if name else 'module(load="imuxsock")'
    a = host_scan(
        {
            "rsyslog-config": _rsyslog(line),
            # no systemctl, and no journald file or drop-in: a host without systemd-journald
            "ksm-units": None,
            LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF])
            + 'log_outputs = "3:syslog:libvirtd"\n',
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


NEITHER = (
    "no running forwarder sends the host's logs to a remote destination (rsyslog reads neither "
    "the system log socket (no imuxsock with SysSock.Use on) nor the journal (no imjournal), so "
    "logs.example.internal get(s) the kernel's messages at most, not libvirt's)"
)


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        # R41L-5: a module() statement loads imuxsock: the legacy directive is dropped
        (('module(load="imuxsock")', "$OmitLocalLogging on"), "pass", OVER_TLS),
        (("$OmitLocalLogging on", 'module(load="imuxsock")'), "pass", OVER_TLS),
        # held: loaded the legacy way, the directive turns the system socket off
        (("$ModLoad imuxsock", "$OmitLocalLogging on"), "fail", NEITHER),
    ],
    ids=["after-module", "before-module", "modload"],
)
def test_r41l5_omit_local_logging_beside_module(
    host_scan, lines: tuple[str, ...], status: str, message: str
) -> None:
    a = host_scan({"rsyslog-config": _rsyslog(*lines)})
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}
