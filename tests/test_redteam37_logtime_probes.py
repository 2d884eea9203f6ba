"""Red-team round 37 probes: logging, audit forwarding and time sync (r37-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE), Debian's imuxsock or imjournal in its place (as
round 36's file does), or syslog-ng with system() in rsyslogd's place, and a libvirtd.service
(or virtqemud.service) drop-in per case in `systemctl cat` (libvirt-units). Each test asserts
the exact status and message.

Findings (R37L-n):
- R37L-1 (false pass) HVA-200: a libvirtd.service drop-in's `LogLevelMax=crit` (or `=0x1`,
  `=2`) weighed for HVA-213 only (R35L lead), so rsyslog reading journald's socket (imuxsock)
  or the journal (imjournal), and syslog-ng's system(), passed "logs forwarded over TLS" while
  journald drops every libvirt error before it stores or forwards it. systemd (read with
  `find_string`): journald-context.h client_context_test_priority (`LOG_PRI(priority) <=
  c->log_level_max`) is tested in journald-syslog.c before the message is stored or
  forwarded, in journald-stream.c before server_forward_syslog, and in journald-native.c;
  systemd.exec(5) LogLevelMax= (R35L-3). Now, where journald runs and a running QEMU-driver
  daemon's unit (or any, where neither runs) caps above err, every forwarder's destinations
  are "configured but carrying none of libvirt's errors", the setting named
  (parse.host _forwarding_capped, reusing _log_level_cap).

- R37L-2 (false pass) HVA-200, HVA-213: a libvirtd.service drop-in's `LogFilterPatterns=~.`
  (or an allow pattern `^virNetlink` beside `~error`) was not read, so libvirt's default
  journal output passed HVA-213 "log_outputs unset (the journal)" and rsyslog's TLS
  forwarding passed HVA-200, while journald keeps only the messages the patterns let
  through. systemd (read with `find_string`): journald-client.c client_context_check_keep_log
  returns false where a deny pattern (a leading "~") matches the message and, where allow
  patterns are set, where none matches; journald-stream.c calls it beside
  client_context_test_priority before storing or forwarding; src/test/test-load-fragment.c
  TEST(config_parse_log_filter_patterns): "" resets both lists, "~.*" is a deny pattern, a
  pattern that does not compile is ignored. Which messages a regular expression keeps is not
  judged: now both checks ask one question naming the patterns (parse.host
  _log_filter_patterns; checks._libvirt log_filter_patterns_question, which passes a systemd
  before 253, where the key is unknown and ignored); a plain destination still fails.

- R37L-3 (false pass) HVA-200, HVA-213: a libvirtd.service drop-in's `LogNamespace=virt` was
  not read, so libvirt's default journal output passed HVA-213 and rsyslog's TLS forwarding
  (imuxsock or imjournal) passed HVA-200, while the unit's messages go to the namespace's own
  journald. systemd-journald.service(8) "Journal Namespaces" (systemd 255's page, read with
  `read_file`): a unit's syslog, native and stdout logging all go to its namespace, whose
  systemd-journald@NAMESPACE is "configured through /etc/systemd/journald@NAMESPACE.conf"
  (not collected) and stores under /var/log/journal/MACHINE_ID.NAMESPACE; "log data from
  other namespaces is not visible" where the default is read; the kernel command line's
  settings are "only honoured by the default namespace". Now both checks ask one question
  naming the namespace and its file (parse.host _log_namespace; checks._libvirt
  log_namespace_question); an empty LogNamespace= after one is not taken as a reset (its
  parsing not confirmed: asked, never passed).

- R37L-4 (false pass) HVA-213: `log_outputs = "3:stderr"` passed "(stderr goes to the
  journal)" where a libvirtd.service drop-in's `StandardError=null` (or
  `StandardOutput=file:/var/log/libvirtd.out`, inherited by StandardError=) sends standard
  error elsewhere: HVA-213 assumed libvirt's units' defaults without reading the units.
  systemd.exec(5): StandardError= defaults to inherit, which takes StandardOutput=, whose
  default is journal (systemd commit 706343f4, DefaultStandardOutput=journal,
  DefaultStandardError=inherit, read with `search`); null, file:, tty and the like are not
  the journal; kmsg is stored in the journal too (the same commit), and the obsolete syslog
  is rewritten to journal (systemd PR 15812). Now the unit's last StandardError= (else
  StandardOutput=) is read (parse.host _stderr_elsewhere) and a stderr-only output to
  elsewhere fails naming it.

Held (kept as tests): R37L-4 StandardError=journal+console, and StandardError=journal beside
StandardOutput=null, pass. R37L-3 a namespace on virtqemud.service while libvirtd runs passes
both. R37L-2 `LogFilterPatterns=~.` followed by an empty one (a reset) passes
both. R37L-1 `LogLevelMax=err`, `=crit` followed by `=warning`, `=Crit`
(refused by systemd, ignored), `=debug` beside syslog-ng, and a cap on virtqemud.service while
libvirtd is the daemon that runs, pass.

Probed by script: the 8 cases of R37L-1, the 3 of R37L-2 and the 3 of R37L-3 on main first
(a7abc470 to 99c7d1db, none touching these checks); the 4 of R37L-4 on 0f1f6bd0.

Tally: 4 findings: 4 false passes, 0 false n/a, 0 wrong fails; 18 cases in 5 test functions; 9
failed on main before the fixes (R37L-1 3 of 8, R37L-2 2 of 3, R37L-3 2 of 3, R37L-4 2 of 4,
all passed wrongly); the 9 held pass there too.

Leads left:
- journald: how systemd parses an empty LogNamespace= (a reset or refused) is not confirmed:
  asked here; a unit's LogRateLimitIntervalSec=/Burst= not weighed; journald@NAMESPACE.conf
  not collected.
- HVA-213: system.conf's DefaultStandardOutput=/DefaultStandardError= not collected (the
  shipped journal/inherit assumed); HVA-200 does not weigh a stderr-only libvirt output.
- HVA-200's cap and patterns read the units of the daemon's next start, not the running
  daemon's (`systemctl show -p LogLevelMax,LogFilterPatterns` is not collected).
- journald: "0b"/"0o" and "-0" read as systemd v246+ reads them (R36L lead).
- syslog-ng: system() beside journald cutting both outputs still passes (R36L lead; a team
  decision).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes

IMUXSOCK = 'module(load="imuxsock") # provides support for local system logging'
assert IMUXSOCK in DEBIAN_RSYSLOG_MAIN
#: RHEL's shape: imjournal reads the journal, no system log socket
IMJOURNAL_ONLY = DEBIAN_RSYSLOG_MAIN.replace(IMUXSOCK, 'module(load="imjournal")')
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
UNITS = HARDENED_HOST["libvirt-units"]
DROPIN = "/etc/systemd/system/libvirtd.service.d/quiet.conf"


def _units(*lines: str) -> tuple[object, ...]:
    text = str(UNITS[0]) + f"\n# {DROPIN}\n[Service]\n" + "\n".join(lines) + "\n"
    return (text, *UNITS[1:])


def _uncapped(value: str, level: str) -> str:
    return (
        "no running forwarder sends the host's logs to a remote destination (configured but "
        "carrying none of libvirt's errors: logs.example.internal (rsyslog): "
        f"LogLevelMax={value} in {DROPIN}: journald drops libvirtd's messages below {level}, "
        "its errors among them, before it stores or forwards them)"
    )


@pytest.mark.parametrize(
    ("main", "lines", "status", "message"),
    [
        # R37L-1: journald drops libvirtd's errors before it forwards them (imuxsock) or
        # stores them (imjournal): the forwarding carries none of them
        (DEBIAN_RSYSLOG_MAIN, ("LogLevelMax=crit",), "fail", _uncapped("crit", "crit")),
        (IMJOURNAL_ONLY, ("LogLevelMax=0x1",), "fail", _uncapped("0x1", "alert")),
        # held: err kept; a later value replaces the cap; a name systemd refuses is ignored
        (DEBIAN_RSYSLOG_MAIN, ("LogLevelMax=err",), "pass", OVER_TLS),
        (DEBIAN_RSYSLOG_MAIN, ("LogLevelMax=crit", "LogLevelMax=warning"), "pass", OVER_TLS),
        (IMJOURNAL_ONLY, ("LogLevelMax=Crit",), "pass", OVER_TLS),
        # held: virtqemud's unit capped, but libvirtd is the QEMU driver's daemon that runs
        (
            DEBIAN_RSYSLOG_MAIN,
            (
                "",
                "# /etc/systemd/system/virtqemud.service.d/quiet.conf",
                "[Service]",
                "LogLevelMax=crit",
            ),
            "pass",
            OVER_TLS,
        ),
    ],
)
def test_r37l1_unit_log_level_max_forwarding(
    host_scan, main: str, lines: tuple[str, ...], status: str, message: str
) -> None:
    a = host_scan({"rsyslog-config": (main + RSYSLOG_REMOTE, 0), "libvirt-units": _units(*lines)})
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


SLNG = """@version: 4.8
source s_src { system(); internal(); };
destination d_remote {
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-file("/etc/ssl/certs/logs-ca.pem")));
};
log { source(s_src); destination(d_remote); };
"""
NG_PROCS = str(HARDENED_HOST["processes"][0]).replace(
    "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
)


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        # R37L-1 through syslog-ng: whichever driver system() picks, journald feeds it
        (
            ("LogLevelMax=2",),
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "carrying none of libvirt's errors: logs.example.internal (syslog-ng): "
            f"LogLevelMax=2 in {DROPIN}: journald drops libvirtd's messages below crit, its "
            "errors among them, before it stores or forwards them)",
        ),
        # held: no cap
        (("LogLevelMax=debug",), "pass", OVER_TLS),
    ],
)
def test_r37l1_unit_log_level_max_syslog_ng(
    host_scan, lines: tuple[str, ...], status: str, message: str
) -> None:
    conf = "".join(f"/etc/syslog-ng/syslog-ng.conf:{line}\n" for line in SLNG.splitlines())
    a = host_scan(
        {
            "rsyslog-config": None,
            "syslog-ng-config": (conf, 0),
            "processes": (NG_PROCS, 0),
            "libvirt-units": _units(*lines),
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"
PATTERNS_ASKED = (
    "Do the LogFilterPatterns= of libvirt's daemon units on host hv1 let every libvirt error "
    "message through? Evidence: `systemctl cat libvirtd.service virtqemud.service` and "
    "`systemctl --version` on hv1. Pass: systemd older than 253 (it ignores the key), or no "
    "pattern with a leading ~ matches a libvirt error and any pattern without it matches every "
    "one; fail: a pattern drops some of libvirt's errors."
)


def _patterned(shown: str) -> tuple[str, str]:
    return (
        f"{JOURNAL_OK}, but journald matches its messages against {shown} in {DROPIN} before "
        "it stores or forwards them",
        "logs forwarded over authenticated TLS, but journald matches libvirt's messages "
        f"against its unit's patterns before it stores or forwards them: libvirtd: {shown} in "
        f"{DROPIN} (logs.example.internal (rsyslog))",
    )


@pytest.mark.parametrize(
    ("lines", "status", "messages213", "message200"),
    [
        # R37L-2: journald keeps only what the patterns let through (a `~` pattern drops
        # what it matches; any other keeps only what one matches)
        (("LogFilterPatterns=~.",), "manual", *_patterned("LogFilterPatterns=~.")),
        (
            ("LogFilterPatterns=^virNetlink", "LogFilterPatterns=~error"),
            "manual",
            *_patterned("LogFilterPatterns=^virNetlink LogFilterPatterns=~error"),
        ),
        # held: an empty value resets the list (test-load-fragment.c)
        (("LogFilterPatterns=~.", "LogFilterPatterns="), "pass", JOURNAL_OK, OVER_TLS),
    ],
)
def test_r37l2_unit_log_filter_patterns(
    host_scan, lines: tuple[str, ...], status: str, messages213: str, message200: str
) -> None:
    a = host_scan(
        {
            "rsyslog-config": (DEBIAN_RSYSLOG_MAIN + RSYSLOG_REMOTE, 0),
            "libvirt-units": _units(*lines),
        }
    )
    assert messages(a, "HVA-213") == {"hv1": messages213}
    assert outcomes(a, "HVA-213") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}
    if status == "manual":
        for check in ("HVA-200", "HVA-213"):
            (o,) = (r.outcome for r in a.results if r.check.id == check)
            assert o.question == PATTERNS_ASKED


NAMESPACE_ASKED = (
    "Do libvirt's messages, which its daemon unit's LogNamespace= sends to a journal namespace "
    "of their own on host hv1, reach the log server? Evidence: `systemctl cat libvirtd.service "
    "virtqemud.service`, `systemd-analyze cat-config systemd/journald@NAMESPACE.conf` and the "
    "log forwarder's configuration on hv1. Pass: the namespace's journald keeps them (Storage= "
    "other than none) and the forwarder reads that namespace (an imjournal or "
    "systemd-journal-upload pointed at it), or it forwards them (ForwardToSyslog=yes) to a "
    "syslog daemon that forwards them over authenticated TLS; fail: nothing reads or forwards "
    "that namespace."
)


@pytest.mark.parametrize(
    ("main", "lines", "status", "message213", "message200"),
    [
        # R37L-3: a namespace's own journald takes libvirtd's messages
        (
            DEBIAN_RSYSLOG_MAIN,
            ("LogNamespace=virt",),
            "manual",
            f"{JOURNAL_OK}, but LogNamespace=virt in {DROPIN} sends them to that journal "
            "namespace, whose own journald (journald@NAMESPACE.conf, not collected) decides "
            "whether they are kept or forwarded",
            "logs forwarded over authenticated TLS, but libvirt's messages go to a journal "
            f"namespace of their own: libvirtd: LogNamespace=virt in {DROPIN} "
            "(logs.example.internal (rsyslog))",
        ),
        (
            IMJOURNAL_ONLY,
            ("LogNamespace=virt",),
            "manual",
            f"{JOURNAL_OK}, but LogNamespace=virt in {DROPIN} sends them to that journal "
            "namespace, whose own journald (journald@NAMESPACE.conf, not collected) decides "
            "whether they are kept or forwarded",
            "logs forwarded over authenticated TLS, but libvirt's messages go to a journal "
            f"namespace of their own: libvirtd: LogNamespace=virt in {DROPIN} "
            "(logs.example.internal (rsyslog))",
        ),
        # held: virtqemud's unit in a namespace, but libvirtd is the daemon that runs
        (
            DEBIAN_RSYSLOG_MAIN,
            (
                "",
                "# /etc/systemd/system/virtqemud.service.d/ns.conf",
                "[Service]",
                "LogNamespace=virt",
            ),
            "pass",
            JOURNAL_OK,
            OVER_TLS,
        ),
    ],
)
def test_r37l3_unit_log_namespace(
    host_scan, main: str, lines: tuple[str, ...], status: str, message213: str, message200: str
) -> None:
    a = host_scan({"rsyslog-config": (main + RSYSLOG_REMOTE, 0), "libvirt-units": _units(*lines)})
    assert messages(a, "HVA-213") == {"hv1": message213}
    assert outcomes(a, "HVA-213") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}
    if status == "manual":
        for check in ("HVA-200", "HVA-213"):
            (o,) = (r.outcome for r in a.results if r.check.id == check)
            assert o.question == NAMESPACE_ASKED


LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        # R37L-4: the unit sends standard error elsewhere than the journal
        (
            ("StandardError=null",),
            "fail",
            "libvirtd.conf: log_outputs '3:stderr' writes only to files or stderr, and "
            f"StandardError=null in {DROPIN} sends stderr elsewhere than the journal",
        ),
        (
            ("StandardOutput=file:/var/log/libvirtd.out",),
            "fail",
            "libvirtd.conf: log_outputs '3:stderr' writes only to files or stderr, and "
            f"StandardOutput=file:/var/log/libvirtd.out in {DROPIN} sends stderr elsewhere than "
            "the journal",
        ),
        # held: journal+console and the obsolete syslog reach the journal; StandardError=
        # set to the journal beside StandardOutput=null
        (
            ("StandardError=journal+console",),
            "pass",
            "libvirtd.conf: log_outputs '3:stderr' (stderr goes to the journal)",
        ),
        (
            ("StandardOutput=null", "StandardError=journal"),
            "pass",
            "libvirtd.conf: log_outputs '3:stderr' (stderr goes to the journal)",
        ),
    ],
)
def test_r37l4_unit_standard_error(
    host_scan, lines: tuple[str, ...], status: str, message: str
) -> None:
    conf = str(HARDENED_HOST[LIBVIRTD_CONF]) + 'log_outputs = "3:stderr"\n'
    a = host_scan({LIBVIRTD_CONF: conf, "libvirt-units": _units(*lines)})
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}
