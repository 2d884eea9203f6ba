"""Red-team round 36 probes: logging, audit forwarding and time sync (r36-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given the TLS omfwd action of
/etc/rsyslog.d/50-remote.conf (RSYSLOG_REMOTE) and imjournal in place of Debian's imuxsock (as
round 35's file does), with /etc/systemd/journald.conf, /proc/cmdline and a libvirtd.service
drop-in per case. Each test asserts the exact status and message.

Findings (R36L-n):
- R36L-1 (false pass; wrong fail) HVA-200, HVA-213: journald's log levels were read as a
  lower-cased name or plain decimal digits, so a level systemd reads as a number in another
  form was ignored and the default debug assumed: `MaxLevelStore=0x2`, `=+2`, `=0o1`, and
  `systemd.journald.max_level_store=0x1` on the kernel command line, passed HVA-200's "logs
  forwarded over TLS" with rsyslog reading the journal alone (imjournal), and a
  libvirtd.service drop-in's `LogLevelMax=0x2` passed HVA-213's "log_outputs unset (the
  journal)"; while `MaxLevelStore=CRIT` and `LogLevelMax=Crit`, which systemd ignores, failed.
  systemd (read with `find_string`): src/basic/syslog-util.c
  DEFINE_STRING_TABLE_LOOKUP_WITH_FALLBACK(log_level, int, LOG_DEBUG); string-table.c
  string_table_lookup_from_string_fallback compares the names with streq_ptr, then takes
  safe_atou (parse-util.h: safe_atou_full(s, 0, ...)); parse-util.c safe_atou_full hands the
  string to strtoul with base 0 (a sign, "0x" hexadecimal, a leading "0" octal) after
  mangle_base's "0b"/"0o" (systemd PR #16033, v246); config_parse_log_level (conf-parser.c,
  journald.conf and unit files) and journald-server.c parse_proc_cmdline_item ignore what
  log_level_from_string refuses. Now parse.host _log_level reads them so (_systemd_atou):
  those numbers fail naming the setting, a name in other case is ignored.
- R36L-2 (false pass) HVA-213: an empty `LogLevelMax=` in a libvirtd.service drop-in after
  `LogLevelMax=crit` was read as resetting the cap (R35L-3's docstring said so, citing no
  source), so libvirt's default journal output passed "log_outputs unset (the journal)".
  systemd src/shared/conf-parser.c config_parse_log_level (2557246c, read with `read_file`,
  and every older version `find_string` shows; load-fragment-gperf LogLevelMax= names it)
  calls log_level_from_string on the value, which refuses "" (no name, safe_atou: EINVAL), and
  returns "Failed to parse log level, ignoring" with the level before it kept: it has no
  isempty() reset as config_parse_hw_addrs and others do. Now an empty value is ignored
  (parse.host _log_level_cap) and the fail names the crit before it; R35L-3's held case, which
  encoded the reset, now fails (its test changed in a commit of its own).
- R36L-3 (false pass) HVA-200: syslog-ng whose host sources are systemd-journal() and
  systemd-syslog() together passed "logs forwarded over TLS" where journald cuts both of its
  outputs (Storage=none with ForwardToSyslog=no; MaxLevelStore=0x2 with MaxLevelSyslog=alert):
  R35L-4 judged each driver only where it stood alone (R35L lead: "sources mixing a journal
  driver with another are judged per host"). Sources as R35L-4 cites them: syslog-ng
  modules/systemd-journal reads the journal's files (sd_journal); systemd-syslog() reads
  /run/systemd/journal/syslog, which journald feeds only with ForwardToSyslog= on and up to
  MaxLevelSyslog= (systemd-journald.service(8), journald.conf(5)). Now, where every host source
  is one of the two and each is cut, the destination is "fed none of the host's logs", both
  reasons named (parse.host _syslog_ng_journal_cut).

Held (kept as tests): R36L-1 `MaxLevelStore=0x3` (err), `=0x8` (above 7, refused) and `=08`
(not octal, refused) pass; `LogLevelMax=0x3` passes. R36L-2: `LogLevelMax=crit` followed by
`LogLevelMax=err` passes (a later valid value replaces it). R36L-3: both drivers with
Storage=none alone pass (Debian's default ForwardToSyslog=yes feeds systemd-syslog()).

Probed by script: `_log_level` on 26 strings against the strtoul/safe_atou rules above ("-0"
is 0 from v246, "-1" refused, "0x" alone refused, "0b2" refused, non-ASCII digits refused);
the 11 cases of R36L-1 kept here on main first (101a77ad), the 2 of R36L-2 on main after
R36L-1 (768fc6b1), the 3 of R36L-3 on main after R36L-1 (768fc6b1); system() beside
Storage=none and ForwardToSyslog=no passes on main and here (its driver depends on the
build: a lead).

Tally: 3 findings: 3 false passes (R36L-1 also fixes 2 wrong fails), 0 false n/a; 16 cases
in 3 test functions; 10 failed on main before the fixes (R36L-1 7 of 11 on 101a77ad: 5 passed
wrongly, 2 failed wrongly; R36L-2 1 of 2 and R36L-3 2 of 3 on 768fc6b1, all passed wrongly);
the 6 held pass there too.

Leads left:
- journald: "0b"/"0o" and "-0" are read as systemd v246 on reads them (RHEL 8 backports it);
  an older journald ignores them (a wrong fail at worst there): the release is not weighed.
- syslog-ng: system() beside journald cutting both outputs (Storage=none, ForwardToSyslog=no)
  still passes: scl/system picks systemd-journal() or another driver by build and host, not
  read here; a question may be due (a team decision).
- journald: LogLevelMax= on libvirt's units still weighs for HVA-213 only (R35L lead), and a
  unit's LogNamespace= (its logs in a namespace's journal, which rsyslog's imjournal and
  imuxsock do not read) is not read.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes

IMUXSOCK = 'module(load="imuxsock") # provides support for local system logging'
assert IMUXSOCK in DEBIAN_RSYSLOG_MAIN
#: RHEL's shape: imjournal reads the journal, no system log socket
IMJOURNAL_ONLY = DEBIAN_RSYSLOG_MAIN.replace(IMUXSOCK, 'module(load="imjournal")')
JOURNALD = "/etc/systemd/journald.conf"
CMDLINE = str(HARDENED_HOST["/proc/cmdline"])
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"


def _starved(where: str, level: str) -> str:
    return (
        "no running forwarder sends the host's logs to a remote destination (journald hands "
        "rsyslog nothing: rsyslog reads no system log socket (imuxsock), and rsyslog's "
        f"imjournal reads none of libvirt's errors ({where}: the journal keeps messages of "
        f"level {level} and above only), so logs.example.internal get(s) the kernel's messages "
        "at most, not libvirt's)"
    )


@pytest.mark.parametrize(
    ("journald", "cmdline", "status", "message"),
    [
        # R36L-1: numbers systemd's safe_atou reads (strtoul base 0, mangle_base)
        ("MaxLevelStore=0x2", "", "fail", _starved(f"MaxLevelStore=0x2 in {JOURNALD}", "crit")),
        ("MaxLevelStore=+2", "", "fail", _starved(f"MaxLevelStore=+2 in {JOURNALD}", "crit")),
        ("MaxLevelStore=0o1", "", "fail", _starved(f"MaxLevelStore=0o1 in {JOURNALD}", "alert")),
        ("", " systemd.journald.max_level_store=0x1", "fail",
         _starved("kernel command line systemd.journald.max_level_store=0x1", "alert")),
        # R36L-1 (wrong fail): streq, so a name in capitals is no level; journald ignores it
        ("MaxLevelStore=CRIT", "", "pass", OVER_TLS),
        # held: err kept; above 7 and a non-octal "08" refused
        ("MaxLevelStore=0x3", "", "pass", OVER_TLS),
        ("MaxLevelStore=0x8", "", "pass", OVER_TLS),
        ("MaxLevelStore=08", "", "pass", OVER_TLS),
    ],
)  # fmt: skip
def test_r36l1_journal_level_numbers(
    host_scan, journald: str, cmdline: str, status: str, message: str
) -> None:
    a = host_scan(
        {
            "rsyslog-config": (IMJOURNAL_ONLY + RSYSLOG_REMOTE, 0),
            JOURNALD: f"[Journal]\n{journald}\n",
            "/proc/cmdline": CMDLINE.rstrip("\n") + cmdline + "\n",
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}


UNITS = HARDENED_HOST["libvirt-units"]
DROPIN = "/etc/systemd/system/libvirtd.service.d/quiet.conf"


def _capped(value: str, level: str) -> str:
    return (
        f"{JOURNAL_OK}, but LogLevelMax={value} in {DROPIN}: journald drops libvirtd's messages "
        f"below {level}, its errors among them, before it stores or forwards them"
    )


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        (("LogLevelMax=0x2",), "fail", _capped("0x2", "crit")),
        # R36L-1 (wrong fail): config_parse_log_level ignores a name in other case
        (("LogLevelMax=Crit",), "pass", JOURNAL_OK),
        # R36L-2: an empty value is refused and ignored, so crit stays
        (("LogLevelMax=crit", "LogLevelMax="), "fail", _capped("crit", "crit")),
        # held: err kept; a later valid value replaces the cap
        (("LogLevelMax=0x3",), "pass", JOURNAL_OK),
        (("LogLevelMax=crit", "LogLevelMax=err"), "pass", JOURNAL_OK),
    ],
)
def test_r36l1_r36l2_unit_log_level_max(
    host_scan, lines: tuple[str, ...], status: str, message: str
) -> None:
    text = str(UNITS[0]) + f"\n# {DROPIN}\n[Service]\n" + "\n".join(lines) + "\n"
    a = host_scan({"libvirt-units": (text, *UNITS[1:])})
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
BOTH = "systemd-journal(); systemd-syslog();"


@pytest.mark.parametrize(
    ("journald", "status", "message"),
    [
        # R36L-3: both of journald's outputs cut, each its own way
        (
            "Storage=none\nForwardToSyslog=no",
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "fed none of the host's logs: syslog-ng logs.example.internal (its host sources are "
            "systemd-journal(), which reads the journal, and journald keeps no journal "
            f"(Storage=none in {JOURNALD}); and systemd-syslog(), which reads what journald "
            f"forwards to syslog, and journald forwards nothing (ForwardToSyslog=no in "
            f"{JOURNALD})))",
        ),
        (
            "MaxLevelStore=0x2\nMaxLevelSyslog=alert",
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "fed none of the host's logs: syslog-ng logs.example.internal (its host sources are "
            "systemd-journal(), which reads the journal, and journald keeps none of libvirt's "
            f"errors (MaxLevelStore=0x2 in {JOURNALD}: the journal keeps messages of level crit "
            "and above only); and systemd-syslog(), which reads what journald forwards to "
            "syslog, and journald forwards only messages of level alert and above "
            f"(MaxLevelSyslog=alert in {JOURNALD}), none of libvirt's errors))",
        ),
        # held: Debian's default ForwardToSyslog=yes feeds systemd-syslog()
        ("Storage=none", "pass", OVER_TLS),
    ],
)
def test_r36l3_syslog_ng_both_journald_outputs_cut(
    host_scan, journald: str, status: str, message: str
) -> None:
    conf = "".join(
        f"/etc/syslog-ng/syslog-ng.conf:{line}\n" for line in SLNG.format(src=BOTH).splitlines()
    )
    a = host_scan(
        {
            "rsyslog-config": None,
            "syslog-ng-config": (conf, 0),
            "processes": (NG_PROCS, 0),
            JOURNALD: f"[Journal]\n{journald}\n",
        }
    )
    assert messages(a, "HVA-200") == {"hv1": message}
    assert outcomes(a, "HVA-200") == {"hv1": status}
