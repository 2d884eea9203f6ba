"""Red-team round 35 probes: logging, audit forwarding and time sync (r35-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE), Debian's rsyslog.conf with imjournal in place
of imuxsock or beside it, and /etc/systemd/journald.conf and /proc/cmdline per case; for
systemd-journal-upload, rsyslogd's ps line replaced by the uploader's (as test_host_leads15
does). Each test asserts the exact status and message.

Findings (R35L-n):
- R35L-1 (false pass) HVA-200, HVA-213: journald's `MaxLevelStore=` was not read, so a journal
  capped above err (`MaxLevelStore=crit`, or `systemd.journald.max_level_store=alert` on the
  kernel command line) counted as holding libvirt's messages: rsyslog reading it with imjournal
  (no imuxsock), and systemd-journal-upload, passed "logs forwarded over TLS", and libvirt's
  default journal output passed HVA-213 with ForwardToSyslog=no. systemd
  src/journal/journald-server.c (read with `find_string`) server_dispatch_message: `if
  (LOG_PRI(priority) > s->max_level_store) return;` before the message is written;
  parse_proc_cmdline_item reads systemd.journald.max_level_store=; journald.conf(5)
  MaxLevelStore= "messages equal or below the log level specified are stored/forwarded,
  messages above are dropped. Defaults to debug" (systemd commit 213ba152, read with
  `search`). imjournal and the uploader read only the journal, so they get none of libvirt's
  errors; HVA-200 already judged MaxLevelSyslog= so for the socket. Now such a journal is
  judged as Storage=none is (parse.host _journald_storage "below", _journald_max_level_store):
  the imjournal-only forwarding, the upload and HVA-213's journal output fail naming the
  setting; forwarding to a syslog daemon's imuxsock still carries them (held).
- R35L-2 (false pass) HVA-213: where journald keeps no journal (Storage=none) or none of
  libvirt's errors (R35L-1), forwarding to a running syslog daemon was taken as keeping them
  whatever its `MaxLevelSyslog=`: MaxLevelSyslog=crit, or systemd.journald.max_level_syslog=1
  on the kernel command line, passed "log_outputs unset (the journal)". journald.conf(5)
  MaxLevelSyslog= "messages above are dropped" (systemd commit 213ba152, read with `search`;
  HVA-200 judged it so since H52): libvirt's errors survive neither way. Now a fail naming both
  settings (parse.host _journal_forwarded), and the HVA-213 question asks for both.
- R35L-3 (false pass) HVA-213: a libvirtd.service drop-in's `LogLevelMax=crit` (or `=1`)
  was not read, so libvirt's default journal output passed "log_outputs unset (the journal)".
  systemd.exec(5) LogLevelMax= (systemd commit f0f0fe33 "only messages of level notice and
  lower ... will be processed, all others are dropped", read with `search`); journald tests
  every message of the unit's processes with journald-context.h client_context_test_priority
  (`LOG_PRI(priority) <= c->log_level_max`) before storing or forwarding it, on the native,
  syslog and stdout paths (journald-native.c, journald-syslog.c, journald-stream.c, read with
  `find_string`). Now the last LogLevelMax= of each QEMU-driver daemon's unit (libvirt-units,
  an empty one resetting it) above err fails naming it (parse.host _log_level_cap).
- R35L-4 (false pass) HVA-200: syslog-ng whose only host source is systemd-journal() passed
  "logs forwarded over TLS" where journald keeps no journal (Storage=none) or none of libvirt's
  errors (MaxLevelStore=crit), and one whose only host source is systemd-syslog() passed where
  journald forwards nothing to syslog (ForwardToSyslog=no) or only messages above err
  (MaxLevelSyslog=alert): R35L-1's class through syslog-ng, which hvaudit read as fed by any
  host source. syslog-ng modules/systemd-journal reads the journal's files (sd_journal);
  systemd-syslog() reads /run/systemd/journal/syslog, the socket journald forwards to
  (systemd-journald.service(8)); journald.conf(5) Storage=, ForwardToSyslog=, MaxLevelStore=,
  MaxLevelSyslog= (R35L-1, R35L-2). Now, where every host source driver in the configuration
  is one of them, such destinations are "fed none of the host's logs", the reason named
  (parse.host _syslog_ng_journal_cut).

Held (kept as tests): R35L-1 MaxLevelStore=err with imjournal alone, MaxLevelStore=crit beside
imuxsock with Debian's default ForwardToSyslog=yes (HVA-200 and HVA-213), an upload with
MaxLevelStore=warning pass. R35L-2: Storage=none with MaxLevelSyslog=err passes. R35L-3:
LogLevelMax=err passes (LogLevelMax=crit followed by an empty LogLevelMax= was held as a
reset; R36L-2 found systemd ignores the empty value, and it fails now). R35L-4:
systemd-journal() with ForwardToSyslog=no, systemd-syslog() with Storage=none, and both
sources with Storage=none pass.

Probed by script: the 9 cases of R35L-1, the 3 of R35L-2, the 4 of R35L-3 and the 7 of R35L-4
kept here, on main first (748d99aa); syslog-ng's system() with each journald setting (passes
on main and here: which driver system() expands to depends on the build, not judged).

Tally: 4 findings: 4 false passes, 0 false n/a, 0 wrong fails; 23 cases in 6 test functions;
13 failed on main before the fixes (748d99aa) (R35L-1 5 of 9, R35L-2 2 of 3, R35L-3 2 of 4,
R35L-4 4 of 7, all passed there); the 10 held pass there too.

Leads left:
- journald: LogLevelMax= on libvirt's units is judged for HVA-213 only: HVA-200 (libvirt's
  errors forwarded) does not weigh it; the running daemon's value (`systemctl show -p
  LogLevelMax`) is not collected, only the unit files of its next start.
- journald: LogFilterPatterns= (systemd 253) and per-unit LogRateLimit not read.
- syslog-ng: system() on a systemd host reads systemd-journal() or systemd-syslog() by build
  (scl/system); judged as any host source, so Storage=none or ForwardToSyslog=no beside it is
  not asked; sources mixing a journal driver with another are judged per host, not per log
  path; journald Storage= unknown beside a journal-only syslog-ng not asked.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes

IMUXSOCK = 'module(load="imuxsock") # provides support for local system logging'
IMKLOG = 'module(load="imklog")   # provides kernel logging support'
assert IMUXSOCK in DEBIAN_RSYSLOG_MAIN and IMKLOG in DEBIAN_RSYSLOG_MAIN
#: RHEL's shape: imjournal reads the journal, no system log socket
IMJOURNAL_ONLY = DEBIAN_RSYSLOG_MAIN.replace(IMUXSOCK, 'module(load="imjournal")')
#: imjournal beside Debian's imuxsock
IMJOURNAL_BESIDE = DEBIAN_RSYSLOG_MAIN.replace(IMKLOG, f'module(load="imjournal")\n{IMKLOG}')
JOURNALD = "/etc/systemd/journald.conf"
CMDLINE = str(HARDENED_HOST["/proc/cmdline"])
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"


def _kept(where: str, level: str) -> str:
    return f"{where}: the journal keeps messages of level {level} and above only"


def _starved(how: str, where: str, level: str) -> str:
    return (
        "no running forwarder sends the host's logs to a remote destination (journald hands "
        f"rsyslog nothing: {how}, and rsyslog's imjournal reads none of libvirt's errors "
        f"({_kept(where, level)}), so logs.example.internal get(s) the kernel's messages at "
        "most, not libvirt's)"
    )


NO_SOCKET = "rsyslog reads no system log socket (imuxsock)"
IN_FILE = f"MaxLevelStore=crit in {JOURNALD}"


@pytest.mark.parametrize(
    ("main", "journald", "cmdline", "status", "message"),
    [
        # R35L-1: imjournal alone reads a journal that keeps none of libvirt's errors
        (IMJOURNAL_ONLY, "[Journal]\nMaxLevelStore=crit\n", "", "fail",
         _starved(NO_SOCKET, IN_FILE, "crit")),
        (IMJOURNAL_ONLY, "[Journal]\n", " systemd.journald.max_level_store=alert", "fail",
         _starved(NO_SOCKET, "kernel command line systemd.journald.max_level_store=alert",
                  "alert")),
        # imuxsock beside it, but journald forwards nothing to the socket
        (IMJOURNAL_BESIDE, "[Journal]\nMaxLevelStore=2\nForwardToSyslog=no\n", "", "fail",
         _starved(f"ForwardToSyslog=no in {JOURNALD}", f"MaxLevelStore=2 in {JOURNALD}",
                  "crit")),
        # held: err is kept; the socket carries what the journal drops
        (IMJOURNAL_ONLY, "[Journal]\nMaxLevelStore=err\n", "", "pass", OVER_TLS),
        (IMJOURNAL_BESIDE, "[Journal]\nMaxLevelStore=crit\n", "", "pass", OVER_TLS),
    ],
)  # fmt: skip
def test_r35l1_imjournal_reads_a_capped_journal(
    host_scan, main: str, journald: str, cmdline: str, status: str, message: str
) -> None:
    a = host_scan(
        {
            "rsyslog-config": (main + RSYSLOG_REMOTE, 0),
            JOURNALD: journald,
            "/proc/cmdline": CMDLINE.rstrip("\n") + cmdline + "\n",
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


PROCS = str(HARDENED_HOST["processes"][0])
RSYSLOG_LINE = "  403 root     /usr/sbin/rsyslogd -n -iNONE\n"
assert RSYSLOG_LINE in PROCS
UPLOADER = "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state\n"


@pytest.mark.parametrize(
    ("journald", "status", "message"),
    [
        (
            "[Journal]\nMaxLevelStore=alert\n",
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured "
            "but reading nothing: systemd-journal-upload (https://logs.example.internal) reads "
            "the journal, and journald keeps none of libvirt's errors "
            f"({_kept(f'MaxLevelStore=alert in {JOURNALD}', 'alert')}); configured but not "
            "running: rsyslogd (logs.example.internal))",
        ),
        ("[Journal]\nMaxLevelStore=warning\n", "pass", "logs forwarded over TLS to "
         "https://logs.example.internal"),
    ],
)  # fmt: skip
def test_r35l1_journal_upload_of_a_capped_journal(
    host_scan, journald: str, status: str, message: str
) -> None:
    a = host_scan(
        {
            "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example.internal\n",
            "processes": (PROCS.replace(RSYSLOG_LINE, "") + UPLOADER, 0),
            JOURNALD: journald,
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


@pytest.mark.parametrize(
    ("journald", "status", "message"),
    [
        (
            "[Journal]\nMaxLevelStore=crit\nForwardToSyslog=no\n",
            "fail",
            f"{JOURNAL_OK}, but journald keeps none of libvirt's errors "
            f"({_kept(IN_FILE, 'crit')}) and forwards nothing to syslog (ForwardToSyslog=no "
            f"in {JOURNALD})",
        ),
        # held: Debian's default ForwardToSyslog=yes to rsyslog's imuxsock carries them
        ("[Journal]\nMaxLevelStore=crit\n", "pass", JOURNAL_OK),
    ],
)
def test_r35l1_libvirt_journal_output_capped(
    host_scan, journald: str, status: str, message: str
) -> None:
    a = host_scan({JOURNALD: journald})
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}


@pytest.mark.parametrize(
    ("journald", "cmdline", "status", "message"),
    [
        (
            "[Journal]\nStorage=none\nForwardToSyslog=yes\nMaxLevelSyslog=crit\n",
            "",
            "fail",
            f"{JOURNAL_OK}, but journald keeps no journal (Storage=none in {JOURNALD}) and "
            f"forwards to syslog (ForwardToSyslog=yes in {JOURNALD}) only messages of level "
            f"crit and above (MaxLevelSyslog=crit in {JOURNALD}), none of libvirt's errors",
        ),
        (
            "[Journal]\nMaxLevelStore=alert\n",
            " systemd.journald.max_level_syslog=1",
            "fail",
            f"{JOURNAL_OK}, but journald keeps none of libvirt's errors "
            f"({_kept(f'MaxLevelStore=alert in {JOURNALD}', 'alert')}) and forwards to syslog "
            "(Debian's default ForwardToSyslog=yes (journald.conf sets none)) only messages of "
            "level alert and above (kernel command line systemd.journald.max_level_syslog=1), "
            "none of libvirt's errors",
        ),
        # held: err is forwarded to rsyslog's imuxsock
        ("[Journal]\nStorage=none\nMaxLevelSyslog=err\n", "", "pass", JOURNAL_OK),
    ],
)
def test_r35l2_journal_dropped_and_forwarding_capped(
    host_scan, journald: str, cmdline: str, status: str, message: str
) -> None:
    a = host_scan({JOURNALD: journald, "/proc/cmdline": CMDLINE.rstrip("\n") + cmdline + "\n"})
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}


UNITS = HARDENED_HOST["libvirt-units"]
DROPIN = "/etc/systemd/system/libvirtd.service.d/quiet.conf"


def _units(*dropins: str) -> tuple[object, ...]:
    text = str(UNITS[0]) + "".join(f"\n# {DROPIN}\n[Service]\n{d}\n" for d in dropins)
    return (text, *UNITS[1:])


def _capped(value: str, level: str) -> str:
    return (
        f"{JOURNAL_OK}, but LogLevelMax={value} in {DROPIN}: journald drops libvirtd's messages "
        f"below {level}, its errors among them, before it stores or forwards them"
    )


@pytest.mark.parametrize(
    ("dropins", "status", "message"),
    [
        (("LogLevelMax=crit",), "fail", _capped("crit", "crit")),
        (("LogLevelMax=warning", "LogLevelMax=1"), "fail", _capped("1", "alert")),
        # held: err is kept
        (("LogLevelMax=err",), "pass", JOURNAL_OK),
        # an empty value is refused and ignored (config_parse_log_level), crit stays (R36L-2)
        (("LogLevelMax=crit", "LogLevelMax="), "fail", _capped("crit", "crit")),
    ],
)
def test_r35l3_libvirtd_unit_log_level_max(
    host_scan, dropins: tuple[str, ...], status: str, message: str
) -> None:
    a = host_scan({"libvirt-units": _units(*dropins)})
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}


SLNG = """@version: 4.8
source s_src {{ {src} internal(); }};
destination d_remote {{
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-file("/etc/ssl/certs/logs-ca.pem")));
}};
log {{ source(s_src); destination(d_remote); }};
"""
NG_PROCS = str(HARDENED_HOST["processes"][0]).replace(
    "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
)


def _ng_starved(why: str) -> str:
    return (
        "no running forwarder sends the host's logs to a remote destination (configured but "
        f"fed none of the host's logs: syslog-ng logs.example.internal ({why}))"
    )


@pytest.mark.parametrize(
    ("src", "journald", "status", "message"),
    [
        (
            "systemd-journal();",
            "[Journal]\nStorage=none\n",
            "fail",
            _ng_starved(
                "its only host source, systemd-journal(), reads the journal, and journald keeps "
                f"no journal (Storage=none in {JOURNALD})"
            ),
        ),
        (
            "systemd_journal(max-field-size(65536));",
            "[Journal]\nMaxLevelStore=crit\n",
            "fail",
            _ng_starved(
                "its only host source, systemd-journal(), reads the journal, and journald keeps "
                f"none of libvirt's errors ({_kept(IN_FILE, 'crit')})"
            ),
        ),
        (
            "systemd-syslog();",
            "[Journal]\nForwardToSyslog=no\n",
            "fail",
            _ng_starved(
                "its only host source, systemd-syslog(), reads what journald forwards to syslog, "
                f"and journald forwards nothing (ForwardToSyslog=no in {JOURNALD})"
            ),
        ),
        (
            "systemd-syslog();",
            "[Journal]\nMaxLevelSyslog=warning\nMaxLevelSyslog=alert\n",
            "fail",
            _ng_starved(
                "its only host source, systemd-syslog(), reads what journald forwards to syslog, "
                "and journald forwards only messages of level alert and above "
                f"(MaxLevelSyslog=alert in {JOURNALD}), none of libvirt's errors"
            ),
        ),
        # held: the other route carries them; system() is the build's choice (not judged)
        ("systemd-journal();", "[Journal]\nForwardToSyslog=no\n", "pass", OVER_TLS),
        ("systemd-syslog();", "[Journal]\nStorage=none\n", "pass", OVER_TLS),
        ("systemd-journal(); systemd-syslog();", "[Journal]\nStorage=none\n", "pass", OVER_TLS),
    ],
)
def test_r35l4_syslog_ng_reads_what_journald_drops(
    host_scan, src: str, journald: str, status: str, message: str
) -> None:
    conf = "".join(
        f"/etc/syslog-ng/syslog-ng.conf:{line}\n" for line in SLNG.format(src=src).splitlines()
    )
    a = host_scan(
        {
            "rsyslog-config": None,
            "syslog-ng-config": (conf, 0),
            "processes": (NG_PROCS, 0),
            JOURNALD: journald,
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}
