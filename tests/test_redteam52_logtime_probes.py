"""Red-team round 52 probes: logging (r52-logtime)

Harness: conftest's hardened Debian 12 host (rsyslog with imuxsock forwarding over TLS,
libvirtd.conf's log_outputs unset: the journal) replayed through the real collector, parser
and engine (host_scan), with the log daemons' own units (the log-daemon-units artefact,
`systemctl cat --no-pager systemd-journald.service rsyslog.service`) set per case. Each test
asserts the exact status and message of HVA-200 and HVA-213, and the question where one is
asked.

Findings (R52L-n):
- R52L-1 (false pass) HVA-200, HVA-213: round 52's team decision 2, R48L-5's class in the log
  daemons' own units. A drop-in of rsyslog.service or systemd-journald.service under /run
  (`systemctl edit --runtime`: systemctl(1) --runtime, "make changes only temporarily, so
  that they are lost on the next reboot ... not made in subdirectories of /etc but in /run")
  decides how the daemon runs now and the next boot drops it. hvaudit did not collect these
  units at all: a /run drop-in's `ExecStart=/usr/sbin/rsyslogd -n -iNONE` over an /etc
  drop-in's `-f /etc/rsyslog-local.conf` (rsyslogd(8) -f: "Specify an alternative
  configuration file instead of /etc/rsyslog.conf") passed HVA-200 ("logs forwarded over
  TLS") and HVA-213 on the running rsyslogd, where the next boot starts rsyslogd on a
  configuration hvaudit does not read; likewise a /run drop-in of systemd-journald.service.
  Now the collector reads both units (log-daemon-units), parse.host._log_daemon_runtime names
  their files under /run that set anything (HostFacts.log_daemon_runtime; a whole unit
  `systemctl edit --runtime --full` writes there too; generators' /run/systemd/generator*
  are written again at every boot and do not count), and _libvirt.judged_at_boot asks a pass
  resting on them, naming the files; a fail stands.

- R52L-2 (false pass) HVA-213, HVA-200: round 52's lead, %-specifiers in Environment=.
  systemd's config_parse_environ (src/core/load-fragment.c) resolves each word's specifiers
  and skips the word ("Failed to resolve specifiers in %s, ignoring") where
  src/shared/specifier.c specifier_printf fails: -EBADSLT, "Oops, an unknown specifier", for
  a letter or digit its table lacks; the table differs between releases (both read with
  `find_string`, `read_file`). parse.host._unit_environment took the word as written, so
  libvirtd.service's `Environment="LIBVIRT_LOG_OUTPUTS=3:journald 1:file:/var/log/libvirt/
  %z.log"` over a file-only libvirtd.conf passed both checks, where systemd skips it and
  libvirtd starts with the file only; and "%%" (a single "%") was shown doubled. Now each
  word's unit-name specifiers and "%%" are resolved (_unit_specifiers), and a word with a
  letter outside those every release's unit_full_printf holds leaves the variable unknown
  (_unit_environment_unresolved): _daemon_unit_env asks, naming the assignment; a later
  assignment without one settles it.

- R52L-3 (wording) HVA-213: round 52's team decision 4. With LIBVIRT_LOG_OUTPUTS=3:journald
  in force through a system.conf.d drop-in's DefaultEnvironment= (or the unit's Environment=,
  or the run-time environment) over libvirtd.conf's unset log_outputs, the pass named
  "libvirtd.conf: log_outputs unset (the journal)": checks.hardening took any journal-only
  override as the default's spelling. Now only a running daemon's virt-admin answer is (it
  prints the default's outputs for an unset log_outputs); a variable is named with where it
  comes from. Older tests that encoded the old wording (R44L-1, R45L-1, R47L-2, R47L-3,
  R48L-1 and R51L-4's held journal cases) now expect the variable's name.

Held (kept as tests): the same drop-in under /etc (pass); a /run drop-in holding only
comments (pass); a generator's drop-in under /run/systemd/generator (pass); a fail with a /run
drop-in stays a fail (rsyslogd not running: HVA-200). For R52L-2: %H (in every release's
table: the word stands, pass), a later assignment without a specifier (pass). For R52L-3: a
running daemon (virt-admin's answer keeps libvirtd.conf's name).

Probed by script, then as these tests, on main (351af6ff): the three R52L-1 cases passed
HVA-200 and HVA-213, the fourth HVA-213 (the artefact was never collected nor read); the held
cases give the same there. The R52L-2 cases on main (58e51589): the two %z ones passed both
checks, the %% one passed showing "%%z"; the two held give the same there. The R52L-3 idle
case on main (ab017bab) named libvirtd.conf's unset log_outputs; the running one gives the
same there.

Tally: 3 findings: 2 false passes, 0 false n/a, 0 wrong fail, 1 wording; 14 cases in 3 test
functions; 8 failed on main before the fixes (6 passed wrongly, 2 with a wrong message); the
6 held pass there too.

Leads left:
- The /run drop-in's start is asked, not judged: the next boot's ExecStart= (-f) and
  journald's credentials (LoadCredential=/SetCredential= of journal.*) could be read from the
  units without it, so that a pass where both pass stands.
- k3s.service's Environment= (parse.host._k3s_unit_next) now resolves "%%" but does not ask
  on an unknown specifier (K3S_KUBECONFIG_MODE); `%i` on a non-template unit is empty in
  systemd and is read as written (a value that then looks invalid: fail or ask, not pass).
- `systemctl enable --runtime rsyslog` (a /run/systemd/system/*.wants link) and an rsyslog
  disabled for the next boot are not weighed; a whole libvirtd.service unit under
  /run/systemd/system (not a drop-in) is not dropped by _boot_unit_text (".d/" only).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import messages, outcomes
from test_redteam13_host_probes import IDLE_PROCS
from test_redteam47_logtime_probes import BASE_ENV, FILE_CONF, scan

OVER_TLS = "logs forwarded over TLS to logs.example.internal"
JOURNAL = "libvirtd.conf: log_outputs unset (the journal)"
RSYSLOG_UNIT = (
    "# /lib/systemd/system/rsyslog.service\n[Unit]\nDescription=System Logging Service\n"
    "Requires=syslog.socket\n\n[Service]\nType=notify\n"
    "ExecStart=/usr/sbin/rsyslogd -n -iNONE\nStandardOutput=null\nRestart=on-failure\n\n"
    "[Install]\nWantedBy=multi-user.target\nAlias=syslog.service\n"
)
JOURNALD_UNIT = (
    "# /lib/systemd/system/systemd-journald.service\n[Unit]\nDescription=Journal Service\n\n"
    "[Service]\nExecStart=/lib/systemd/systemd-journald\nType=notify\nRestart=always\n"
)
LOCAL_ONLY = (
    "[Service]\nExecStart=\nExecStart=/usr/sbin/rsyslogd -n -iNONE -f /etc/rsyslog-local.conf\n"
)
DEFAULT_START = "[Service]\nExecStart=\nExecStart=/usr/sbin/rsyslogd -n -iNONE\n"
RUN_RS = "/run/systemd/system/rsyslog.service.d/override.conf"
ETC_RS = "/etc/systemd/system/rsyslog.service.d/override.conf"
RUN_JD = "/run/systemd/system/systemd-journald.service.d/override.conf"
GEN_RS = "/run/systemd/generator/rsyslog.service.d/50-x.conf"


def _units(*files: tuple[str, str]) -> tuple[str, int]:
    """log-daemon-units: Debian 12's units, each followed by its drop-ins, as `systemctl cat`
    prints them."""
    journald = "".join(f"\n# {p}\n{t}" for p, t in files if "journald" in p)
    rsyslog = "".join(f"\n# {p}\n{t}" for p, t in files if "rsyslog" in p)
    return f"{JOURNALD_UNIT}{journald}\n{RSYSLOG_UNIT}{rsyslog}", 0


def _rests(message: str, paths: str) -> str:
    return (
        f"{message}, but that rests on the log daemons as {paths} (systemd-journald's or "
        "rsyslog's unit under /run) starts them, which the next boot drops; hvaudit does not "
        "judge their start without it"
    )


def _question(paths: str) -> str:
    return (
        f"Does a unit or script on host hv1 write {paths} again at every boot, before "
        "systemd-journald and rsyslog start, or do they start without it with the same "
        "command line, environment and logging settings? Evidence: `systemctl cat "
        "systemd-journald.service rsyslog.service` after a boot on hv1. Pass: yes, at every "
        "boot, as it stands now; fail: no (the next boot starts them otherwise)."
    )


NOT_RUNNING = (
    "no running forwarder sends the host's logs to a remote destination (configured but not "
    "running: rsyslogd (logs.example.internal))"
)


@pytest.mark.parametrize(
    ("drops", "processes", "expected", "asked"),
    [
        # R52L-1: a /run drop-in's default start over /etc's -f local-only configuration
        (
            [(ETC_RS, LOCAL_ONLY), (RUN_RS, DEFAULT_START)],
            None,
            {
                "HVA-200": ("manual", _rests(OVER_TLS, RUN_RS)),
                "HVA-213": ("manual", _rests(JOURNAL, RUN_RS)),
            },
            RUN_RS,
        ),
        # R52L-1: a /run drop-in of journald's own unit
        (
            [(RUN_JD, "[Service]\nLogLevelMax=info\nStandardOutput=null\n")],
            None,
            {
                "HVA-200": ("manual", _rests(OVER_TLS, RUN_JD)),
                "HVA-213": ("manual", _rests(JOURNAL, RUN_JD)),
            },
            RUN_JD,
        ),
        # R52L-1: a whole rsyslog unit under /run (`systemctl edit --runtime --full`)
        (
            [("/run/systemd/system/rsyslog.service", RSYSLOG_UNIT.split("\n", 1)[1])],
            None,
            {
                "HVA-200": ("manual", _rests(OVER_TLS, "/run/systemd/system/rsyslog.service")),
                "HVA-213": ("manual", _rests(JOURNAL, "/run/systemd/system/rsyslog.service")),
            },
            "/run/systemd/system/rsyslog.service",
        ),
        # held: the same drop-ins under /etc, which the boot keeps
        (
            [(ETC_RS, DEFAULT_START)],
            None,
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # held: a /run drop-in holding only comments sets nothing
        (
            [(RUN_RS, "# ExecStart=/usr/sbin/rsyslogd -f /etc/x.conf\n[Service]\n")],
            None,
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # held: a generator's drop-in, written again at every boot
        (
            [(GEN_RS, DEFAULT_START)],
            None,
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # R52L-1 (HVA-213) and held (HVA-200): a fail with a /run drop-in stays a fail
        # (rsyslogd not running), the journal's pass is asked
        (
            [(RUN_RS, DEFAULT_START)],
            (
                "    1 root     /sbin/init\n  401 root     /sbin/auditd\n"
                "  700 root     /usr/sbin/libvirtd --timeout 120\n"
                "  402 _chrony   /usr/sbin/chronyd -F 1\n",
                0,
            ),
            {"HVA-200": ("fail", NOT_RUNNING), "HVA-213": ("manual", _rests(JOURNAL, RUN_RS))},
            RUN_RS,
        ),
    ],
)
def test_log_daemon_units_under_run(
    host_scan: Any,
    drops: list[tuple[str, str]],
    processes: tuple[str, int] | None,
    expected: dict[str, tuple[str, str]],
    asked: str,
) -> None:
    overrides: dict[str, Any] = {"log-daemon-units": _units(*drops)}
    if processes is not None:
        overrides["processes"] = processes
    a = host_scan(overrides)
    for check, (status, message) in expected.items():
        assert outcomes(a, check)["hv1"] == status, check
        assert messages(a, check)["hv1"] == message, check
    questions = {
        r.outcome.question
        for r in a.results
        if r.outcome.subject.type == "host" and r.check.id in expected and r.outcome.question
    }
    assert questions == ({_question(asked)} if asked else set())


UNKNOWN_Z = "LIBVIRT_LOG_OUTPUTS=3:journald 1:file:/var/log/libvirt/%z.log"


def _unresolved(word: str) -> dict[str, tuple[str, str]]:
    why = (
        f"libvirtd.service's Environment= sets {word!r}, whose specifier not every systemd "
        "release knows (one that does not skips the assignment), so the value in force is "
        "unknown"
    )
    return {
        "HVA-200": (
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            f"log outputs are unknown ({why})",
        ),
        "HVA-213": (
            "manual",
            f"evidence unavailable: libvirtd is not running and {why}: the LIBVIRT_LOG_OUTPUTS "
            "its next start takes (which replaces log_outputs) is unknown, and so is whether "
            "libvirtd.service starts it with --config FILE (another file than "
            "/etc/libvirt/libvirtd.conf)",
        ),
    }


def _in_unit(value: str) -> dict[str, tuple[str, str]]:
    return {
        "HVA-200": ("pass", OVER_TLS),
        "HVA-213": (
            "pass",
            "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): log_outputs "
            f"{value!r}",
        ),
    }


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        # R52L-2: a specifier systemd may not know: the word may be skipped, leaving
        # libvirtd.conf's file-only log_outputs
        (f'Environment="{UNKNOWN_Z}"\n', _unresolved(UNKNOWN_Z)),
        # R52L-2: the same over an earlier file-only assignment of the unit's
        (
            f"Environment=LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/libvirtd.log\n"
            f'Environment="{UNKNOWN_Z}"\n',
            _unresolved(UNKNOWN_Z),
        ),
        # R52L-2 (wording): "%%" is a single "%" in the value systemd hands libvirtd
        (
            'Environment="LIBVIRT_LOG_OUTPUTS=3:journald 1:file:/var/log/libvirt/%%z.log"\n',
            _in_unit("3:journald 1:file:/var/log/libvirt/%z.log"),
        ),
        # held: %H is in every release's table (the host name): the word stands
        (
            'Environment="LIBVIRT_LOG_OUTPUTS=3:journald 1:file:/var/log/%H.log"\n',
            _in_unit("3:journald 1:file:/var/log/%H.log"),
        ),
        # held: a later assignment without one settles it
        (
            f'Environment="{UNKNOWN_Z}"\nEnvironment=LIBVIRT_LOG_OUTPUTS=3:journald\n',
            _in_unit("3:journald"),
        ),
    ],
)
def test_environment_specifiers(host_scan: Any, unit: str, expected: dict[str, Any]) -> None:
    a = scan(host_scan, BASE_ENV, "", unit, FILE_CONF)
    for check, (status, message) in expected.items():
        assert outcomes(a, check)["hv1"] == status, check
        assert messages(a, check)["hv1"] == message, check


SC_ETC = "/etc/systemd/system.conf.d/50-log.conf"


@pytest.mark.parametrize("running", [False, True], ids=["idle", "running"])
def test_variable_named_where_it_is_in_force(host_scan: Any, running: bool) -> None:
    """R52L-3: LIBVIRT_LOG_OUTPUTS=3:journald from a system.conf.d drop-in over libvirtd.conf's
    unset log_outputs is named, not libvirtd.conf; a running daemon's virt-admin answer (the
    default's spelling) keeps libvirtd.conf's name (held)."""
    over: dict[str, Any] = {
        "/etc/systemd/system.conf": "[Manager]\n",
        "system-conf-d": (
            f"{SC_ETC}:[Manager]\n{SC_ETC}:DefaultEnvironment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            0,
        ),
        "systemd-manager-environment": (f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n", 0),
    }
    if not running:
        over["processes"] = IDLE_PROCS
    a = host_scan(over)
    named = (
        JOURNAL
        if running
        else f"libvirtd (LIBVIRT_LOG_OUTPUTS in {SC_ETC} DefaultEnvironment=): "
        "log_outputs '3:journald'"
    )
    assert messages(a, "HVA-213") == {"hv1": named}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}
    assert messages(a, "HVA-200") == {"hv1": OVER_TLS}
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
