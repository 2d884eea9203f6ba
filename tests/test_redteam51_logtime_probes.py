"""Red-team round 51 probes: logging (r51-logtime)

Harness: conftest's hardened Debian 12 host (rsyslog with imuxsock forwarding over TLS,
libvirtd.conf's log_outputs unset: the journal) replayed through the real collector, parser
and engine (host_scan), with journald's files set per case: the main journald.conf in /etc,
/run or /usr/lib, and the drop-ins of journald.conf.d (the journald-conf-d artefact, `grep -r
-H` output) under /etc and /run; rsyslog reading the journal with imjournal alone where the
case says so. Each test asserts the exact status and message of HVA-200 and HVA-213, and the
question where one is asked.

Findings (R51L-n):
- R51L-1 (false pass) HVA-213, HVA-200: round 51's team decision, a journald drop-in under
  /run/systemd/journald.conf.d (or /run/systemd/journald.conf, the main file where /etc has
  none) is runtime-only: /run is a tmpfs "flushed at boot" (systemd file-hierarchy(7) /run/;
  Debian's tmpfs(5): "The contents of /run will always be lost on system reboot", both read
  with `search`), and journald.conf(5) "Configuration Directories and Precedence" reads it
  beside /etc and /usr/lib. parse.host._journald_files read it as any other file, so a
  /run drop-in with `Storage=persistent` over /etc's `Storage=none` and `ForwardToSyslog=no`
  passed HVA-213 ("log_outputs unset (the journal)"); `MaxLevelStore=err` over /etc's `crit`
  with rsyslog's imjournal alone passed both checks; `ForwardToSyslog=yes` over /etc's `no`
  passed HVA-200 ("logs forwarded over TLS"); a /run main file over /usr/lib's `Storage=none`
  passed HVA-213: after a boot each fails. Now parse.host._journald_boot judges
  HostFacts.log_forwarding and journal_discards also without journald's files under /run
  (_JournaldBootEvidence: HostFacts.journald_boot), and _libvirt.judged_at_boot (R48L-1's)
  runs both checks on both: a pass that does not pass after a boot is asked, naming the files,
  the verdict without them, and what would write them again at every boot; where both pass
  the pass stands, however they differ; a fail on them stays a fail.

- R51L-2 (false pass) HVA-213, HVA-200: round 48's lead, R48L-5's class in the units'
  journald settings. R48L-5 dropped libvirt's unit drop-ins under /run (systemctl(1)
  --runtime: "lost on the next reboot ... not made in subdirectories of /etc but in /run")
  from their environment only: LogLevelMax= (systemd.exec(5); journald-context.h
  client_context_test_priority, R35L-3), StandardError= (R37L-4) and LogFilterPatterns=
  (journald-client.c client_context_check_keep_log, R37L-2) in such a drop-in were judged as
  they stand. So /run's `LogLevelMax=info` over an /etc drop-in's `crit` passed HVA-213,
  `StandardError=journal` over /etc's `null` with log_outputs `3:stderr` passed both checks,
  and an empty `LogFilterPatterns=` resetting /etc's `~libvirt` passed HVA-213: after a boot
  each fails or asks. Now parse.host._log_boot also reads them without those drop-ins
  (_UnitBootEvidence, LogBoot's log_level_cap, log_filter_patterns, log_namespace,
  stderr_elsewhere, stderr_unsettled), and judged_at_boot asks as for R48L-5.

- R51L-3 (false pass) HVA-142: round 51's lead, R48L-5's class for k3s.service (and
  rke2-server.service): parse.host._k3s_unit_next read a drop-in under /run
  (/run/systemd/system/k3s.service.d, which `systemctl edit --runtime` writes and the next
  boot drops) as any other, so its `Environment=K3S_KUBECONFIG_MODE=600` over an /etc
  drop-in's `644` passed "2 administrative principal(s)", where k3s's start after a boot
  chmods k3s.yaml to 0644 (k3s pkg/server/server.go writeKubeConfig, as R33A-5 read it).
  Now _k3s_boot_row reads the unit also without such drop-ins (_boot_unit_text): where that
  start lets every user read the kubeconfig (or leaves it unknown) and the next start now
  does not, HVA-142 asks, naming the drop-in and the mode after a boot; a fail stands.

- R51L-4 (false pass) HVA-213, HVA-200: R48L-1's class in the service manager's files.
  systemd-system.conf(5) reads /run/systemd/system.conf and /run/systemd/system.conf.d beside
  /etc's (SYSTEM_CONF_MAINS, SYSTEM_CONF_D), and /run is emptied at every boot (R51L-1's
  sources). parse.host._log_boot took a DefaultEnvironment= there as a file the boot keeps: a
  /run/systemd/system.conf.d drop-in's `LIBVIRT_LOG_OUTPUTS=3:journald` (show-environment
  holding it, a daemon-reload having read it) over a file-only libvirtd.conf passed both
  checks, where the next boot starts libvirtd with the file only. Now the next boot's
  environment is read without the manager's files under /run (_UnitBootEvidence), _log_boot
  names them, and judged_at_boot asks as for R48L-1.

- R51L-5 (false pass) HVA-142: R51L-4's class in k3s's reader. A /run/systemd/system.conf.d
  drop-in's `DefaultEnvironment=K3S_KUBECONFIG_MODE=600` over an /etc drop-in's `644`
  (show-environment holding 600) passed "2 administrative principal(s)", where the next boot
  gives k3s 644. Now _k3s_boot_row also reads k3s.service's start after a boot without the
  manager's files under /run and without the run-time environment (R48L-1: not kept), and
  HVA-142 asks as for R51L-3.

Held (kept as tests): round 51's team decision, "several configs differ but none widens"
passes, one probe per shape: a /run drop-in's `Storage=volatile` over /etc's `persistent`
(both keep a journal), a /run drop-in an /etc drop-in sorted after it overrides (`Storage=
none` then `persistent`), a /run drop-in an /etc one of the same name hides, a /run main
journald.conf over /usr/lib's where both keep a journal; the same files under /etc (pass);
a fail resting on /run stays a fail: `Storage=none` with `ForwardToSyslog=no` (HVA-213), and
`ForwardToSyslog=no` beside rsyslog's imuxsock alone (HVA-200).
For R51L-2 (team decision): /run's `LogLevelMax=debug` over /etc's `info` (both pass), and
/run's `StandardError=null` over /etc's `journal` (the fail stays).
For R51L-3: /run's `UnsetEnvironment=K3S_KUBECONFIG_MODE` (0600 either way: pass), /run's
644 over /etc's 600 (the fail stays), a generator's drop-in's 600 over /etc's 644 (pass).
For R51L-4: the same drop-in under /etc (pass), the /run drop-in's journal over
libvirtd.conf's unset journal (pass), its file-only output over the journal (the fail stays).
For R51L-5: /run's 644 over /etc's 644 (the fail stays).

Probed by script, then as these tests, on main (71a82fec): the four R51L-1 cases passed
HVA-213 (the first, second and fourth) and HVA-200 (the second, third and fourth); the held cases
give the same there. The e2e test (tests/test_e2e_libvirtd.py) passes with the fix. The
three R51L-2 cases on main (1c713aa3) passed HVA-213 (all three) and HVA-200 (the
StandardError= one); the two held give the same there. The R51L-3 case on main (5f5bef5f)
passed HVA-142; the three held give the same there. The R51L-4 case on main (b07e66c0)
passed both checks; the three held give the same there. The R51L-5 case on main (5768b691)
passed HVA-142; the held one gives the same there.

Tally: 5 findings: 5 false passes, 0 false n/a, 0 wrong fail, 0 wording; 26 cases in 5 test
functions; 10 failed on main before the fixes (all passed wrongly); the 16 held pass there too.

Leads left:
- A /run drop-in on systemd-journald.service or rsyslog.service (their LogLevelMax=,
  StandardOutput=, ExecStart=) is not weighed; an empty `LogNamespace=` in a drop-in is read
  as no reset (systemd's config_parse for it may reset: not checked this round).
- k3s.service's K3S_KUBECONFIG_MODE set only by `systemctl set-environment` (HVA-142) is not
  weighed against the boot's (it widens nothing unless the files set a wider one: R47L-1
  asks); OpenRC's k3s (no unit) has no /run counterpart read.
- A /run rsyslog or chrony configuration (rsyslog reads /etc only; chrony's confdir may name
  /run) is not looked at; journal-upload.conf under /run likewise (its own facts, HVA-200).
- A /run/systemd/system.conf main file is dropped at boot (R51L-4, R51L-5) but not probed
  here; RKE2's rke2-server.service shares R51L-3/5's reader, not probed.
- With a `LIBVIRT_LOG_OUTPUTS=3:journald` in force, HVA-213's pass message names libvirtd.conf's
  unset log_outputs, not the variable (wording, as on main).
- %-specifiers in Environment= values (a `%%` taken literally?) and `systemctl
  set-environment` in another unit started before libvirtd: not probed this round.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes
from test_redteam13_host_probes import IDLE_PROCS, UNITS
from test_redteam34_accounts_probes import BASE as K3S_BASE
from test_redteam34_accounts_probes import K3S_YAML, _142, _grep, _k3s_unit
from test_redteam35_logtime_probes import IMJOURNAL_ONLY
from test_redteam47_logtime_probes import BASE_ENV, ENV, FILE_CONF, FILE_LOG, SYSTEM_CONF
from test_redteam48_logtime_probes import FILE_FAIL

LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"

ETC = "/etc/systemd/journald.conf"
RUN_MAIN = "/run/systemd/journald.conf"
VENDOR = "/usr/lib/systemd/journald.conf"
RUN = "/run/systemd/journald.conf.d/50-x.conf"
ETC_D = "/etc/systemd/journald.conf.d/50-x.conf"
ETC_LATER = "/etc/systemd/journald.conf.d/60-keep.conf"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
JOURNAL = "libvirtd.conf: log_outputs unset (the journal)"


def _dropins(*files: tuple[str, str]) -> tuple[str, int]:
    """journald-conf-d's `grep -r -H` output for (path, text) drop-ins."""
    return "".join(f"{path}:{line}\n" for path, text in files for line in text.splitlines()), 0


def _rests(paths: str, now: str, boot: str) -> str:
    return (
        f"{now}, but that rests on {paths} (journald's configuration under /run), which the "
        f"next boot drops; without it (after a boot): {boot}"
    )


def _question(paths: str) -> str:
    return (
        f"Does a unit or script on host hv1 write {paths} again at every boot, before "
        "systemd-journald starts? Evidence: `systemd-analyze cat-config systemd/journald.conf` "
        "after a boot, or `grep -rs journald.conf /etc/tmpfiles.d /usr/lib/tmpfiles.d "
        "/etc/systemd /usr/lib/systemd` on hv1. Pass: yes, at every boot, as it stands now; "
        "fail: no (the next boot starts them without it)."
    )


NONE_NO = "[Journal]\nStorage=none\nForwardToSyslog=no\n"
NO_FORWARD = "ForwardToSyslog=no in /etc/systemd/journald.conf"
NOT_KEPT = (
    f"{JOURNAL}, but journald keeps no journal (Storage=none in {{where}}) and forwards "
    "nothing to syslog (ForwardToSyslog=no in {where})"
)
STARVED_SOCKET = (
    "no running forwarder sends the host's logs to a remote destination (journald hands "
    f"rsyslog nothing: {NO_FORWARD}, and rsyslog reads no journal (no imjournal), so "
    "logs.example.internal get(s) the kernel's messages at most, not libvirt's)"
)
CAPPED = f"MaxLevelStore=crit in {ETC}: the journal keeps messages of level crit and above only"
STARVED_JOURNAL = (
    "no running forwarder sends the host's logs to a remote destination (journald hands "
    "rsyslog nothing: rsyslog reads no system log socket (imuxsock), and rsyslog's imjournal "
    f"reads none of libvirt's errors ({CAPPED}), so logs.example.internal get(s) the kernel's "
    "messages at most, not libvirt's)"
)
CAPPED_213 = (
    f"{JOURNAL}, but journald keeps none of libvirt's errors ({CAPPED}) and forwards to syslog "
    "(Debian's default ForwardToSyslog=yes (journald.conf sets none)), but rsyslog, the only "
    "syslog daemon running, reads no system log socket (imuxsock)"
)


@pytest.mark.parametrize(
    ("files", "drops", "rsyslog", "expected", "asked"),
    [
        # R51L-1: a /run drop-in keeps the journal /etc's Storage=none drops
        (
            {ETC: NONE_NO},
            [(RUN, "[Journal]\nStorage=persistent\n")],
            None,
            {
                "HVA-200": ("fail", STARVED_SOCKET),
                "HVA-213": (
                    "manual",
                    _rests(RUN, JOURNAL, "fail: " + NOT_KEPT.format(where=ETC)),
                ),
            },
            RUN,
        ),
        # R51L-1: a /run drop-in lifts /etc's MaxLevelStore=crit for imjournal alone
        (
            {ETC: "[Journal]\nMaxLevelStore=crit\n"},
            [(RUN, "[Journal]\nMaxLevelStore=err\n")],
            IMJOURNAL_ONLY,
            {
                "HVA-200": ("manual", _rests(RUN, OVER_TLS, "fail: " + STARVED_JOURNAL)),
                "HVA-213": ("manual", _rests(RUN, JOURNAL, "fail: " + CAPPED_213)),
            },
            RUN,
        ),
        # R51L-1: a /run drop-in turns forwarding to rsyslog's imuxsock back on
        (
            {ETC: "[Journal]\nForwardToSyslog=no\n"},
            [(RUN, "[Journal]\nForwardToSyslog=yes\n")],
            None,
            {
                "HVA-200": ("manual", _rests(RUN, OVER_TLS, "fail: " + STARVED_SOCKET)),
                "HVA-213": ("pass", JOURNAL),
            },
            RUN,
        ),
        # R51L-1: /run's main journald.conf (no /etc one) over /usr/lib's Storage=none
        (
            {ETC: None, RUN_MAIN: "[Journal]\nStorage=auto\n", VENDOR: NONE_NO},
            [],
            None,
            {
                "HVA-200": (
                    "manual",
                    _rests(
                        RUN_MAIN,
                        OVER_TLS,
                        "fail: "
                        + STARVED_SOCKET.replace(NO_FORWARD, f"ForwardToSyslog=no in {VENDOR}"),
                    ),
                ),
                "HVA-213": (
                    "manual",
                    _rests(RUN_MAIN, JOURNAL, "fail: " + NOT_KEPT.format(where=VENDOR)),
                ),
            },
            RUN_MAIN,
        ),
        # held (team decision): differ, none widens: volatile now, persistent after a boot
        (
            {ETC: "[Journal]\nStorage=persistent\n"},
            [(RUN, "[Journal]\nStorage=volatile\n")],
            None,
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # held (team decision): a /run drop-in an /etc one sorted after it overrides
        (
            {ETC: "[Journal]\n"},
            [(RUN, NONE_NO), (ETC_LATER, "[Journal]\nStorage=persistent\nForwardToSyslog=yes\n")],
            None,
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # held: a /run drop-in an /etc one of the same name hides (never read)
        (
            {ETC: "[Journal]\n"},
            [(ETC_D, "[Journal]\nStorage=persistent\n"), (RUN, NONE_NO)],
            None,
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # held (team decision): /run's main file over /usr/lib's, both keeping a journal
        (
            {ETC: None, RUN_MAIN: "[Journal]\nStorage=volatile\n", VENDOR: "[Journal]\n"},
            [],
            None,
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # held: the same drop-in under /etc, which the boot keeps
        (
            {ETC: NONE_NO},
            [(ETC_D, "[Journal]\nStorage=persistent\n")],
            None,
            {"HVA-200": ("fail", STARVED_SOCKET), "HVA-213": ("pass", JOURNAL)},
            "",
        ),
        # held (team decision): a fail resting on /run stays a fail
        (
            {ETC: "[Journal]\nForwardToSyslog=no\n"},
            [(RUN, "[Journal]\nStorage=none\n")],
            None,
            {
                "HVA-200": ("fail", STARVED_SOCKET),
                "HVA-213": (
                    "fail",
                    f"{JOURNAL}, but journald keeps no journal (Storage=none in {RUN}) and "
                    f"forwards nothing to syslog ({NO_FORWARD})",
                ),
            },
            "",
        ),
        (
            {ETC: "[Journal]\n"},
            [(RUN, "[Journal]\nForwardToSyslog=no\n")],
            None,
            {
                "HVA-200": (
                    "fail",
                    STARVED_SOCKET.replace(NO_FORWARD, f"ForwardToSyslog=no in {RUN}"),
                ),
                "HVA-213": ("pass", JOURNAL),
            },
            "",
        ),
    ],
)
def test_r51l1_journald_runtime_files(
    host_scan,
    files: dict[str, str | None],
    drops: list[tuple[str, str]],
    rsyslog: str | None,
    expected: dict[str, tuple[str, str]],
    asked: str,
) -> None:
    """R51L-1: a pass resting on journald's configuration under /run, which no boot keeps."""
    over: dict[str, object] = {
        "journald-conf-d": _dropins(*drops) if drops else ("", 2),
        "rsyslog-config": ((rsyslog or DEBIAN_RSYSLOG_MAIN) + RSYSLOG_REMOTE, 0),
    }
    over.update({path: text for path, text in files.items() if text is not None})
    a = host_scan(over)
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
        questions = {r.outcome.question for r in a.results if r.check.id == check}
        if status == "manual":
            assert questions == {_question(asked)}


UNIT_ETC = "/etc/systemd/system/libvirtd.service.d/10-log.conf"
UNIT_RUN = "/run/systemd/system/libvirtd.service.d/override.conf"
UNIT_WHY = (
    f"{UNIT_RUN}, under /run (where `systemctl edit --runtime` and `set-property --runtime` write)"
)
STDERR_CONF = 'log_outputs = "3:stderr"\n'
STDERR_FAIL = (
    "libvirtd.conf: log_outputs '3:stderr' writes only to files or stderr, and "
    f"StandardError=null in {UNIT_ETC} sends stderr elsewhere than the journal"
)
STDERR_OK = "libvirtd.conf: log_outputs '3:stderr' (stderr goes to the journal)"


def _unit_question() -> str:
    return (
        f"Does a unit or script on host hv1 set {UNIT_RUN} again at every boot, before "
        "libvirt's daemons start? Evidence: `systemctl show-environment` and `systemctl cat "
        "libvirtd.service virtqemud.service` after a boot, or `grep -rs -e set-environment -e "
        f"--runtime -e {UNIT_RUN} /etc /usr/lib/systemd` on hv1. Pass: yes, at every boot, as "
        "it stands now; fail: no (the next boot starts them without it)."
    )


def _unit_rests(now: str, boot: str) -> str:
    return f"{now}, but that rests on {UNIT_WHY}, which the next boot drops; without it (after a boot): {boot}"


@pytest.mark.parametrize(
    ("etc", "run", "conf", "expected"),
    [
        # R51L-2: a /run drop-in's LogLevelMax=info over /etc's crit
        (
            "LogLevelMax=crit\n",
            "LogLevelMax=info\n",
            "",
            {
                "HVA-200": ("pass", OVER_TLS),
                "HVA-213": (
                    "manual",
                    _unit_rests(
                        JOURNAL,
                        f"fail: {JOURNAL}, but LogLevelMax=crit in {UNIT_ETC}: journald drops "
                        "libvirtd's messages below crit, its errors among them, before it "
                        "stores or forwards them",
                    ),
                ),
            },
        ),
        # R51L-2: a /run drop-in's StandardError=journal over /etc's null, libvirt on stderr
        (
            "StandardError=null\n",
            "StandardError=journal\n",
            STDERR_CONF,
            {
                "HVA-200": (
                    "manual",
                    _unit_rests(
                        OVER_TLS,
                        f"fail: {OVER_TLS}, but carrying none of libvirt's messages: {STDERR_FAIL}",
                    ),
                ),
                "HVA-213": ("manual", _unit_rests(STDERR_OK, f"fail: {STDERR_FAIL}")),
            },
        ),
        # R51L-2: a /run drop-in's empty LogFilterPatterns= resetting /etc's deny pattern
        (
            "LogFilterPatterns=~libvirt\n",
            "LogFilterPatterns=\n",
            "",
            {
                "HVA-200": ("pass", OVER_TLS),
                "HVA-213": (
                    "manual",
                    _unit_rests(
                        JOURNAL,
                        f"manual: {JOURNAL}, but journald matches its messages against "
                        f"LogFilterPatterns=~libvirt in {UNIT_ETC} before it stores or forwards "
                        "them",
                    ),
                ),
            },
        ),
        # held (team decision): differ, none widens: debug now, info after a boot
        (
            "LogLevelMax=info\n",
            "LogLevelMax=debug\n",
            "",
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)},
        ),
        # held (team decision): a fail resting on the /run drop-in stays a fail
        (
            "StandardError=journal\n",
            "StandardError=null\n",
            STDERR_CONF,
            {
                "HVA-200": (
                    "fail",
                    f"{OVER_TLS}, but carrying none of libvirt's messages: "
                    + STDERR_FAIL.replace(UNIT_ETC, UNIT_RUN),
                ),
                "HVA-213": ("fail", STDERR_FAIL.replace(UNIT_ETC, UNIT_RUN)),
            },
        ),
    ],
    ids=["loglevelmax", "standarderror", "logfilterpatterns", "no-widening", "fail-stays"],
)
def test_r51l2_unit_journald_settings_under_run(
    host_scan, etc: str, run: str, conf: str, expected: dict[str, tuple[str, str]]
) -> None:
    """R51L-2: a pass resting on a libvirtd.service drop-in under /run's journald settings."""
    a = host_scan(
        {
            "libvirt-units": (
                f"{UNITS[0]}\n# {UNIT_ETC}\n[Service]\n{etc}\n# {UNIT_RUN}\n[Service]\n{run}",
                1,
                UNITS[2],
            ),
            LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + conf,
        }
    )
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
        if status == "manual":
            assert {r.outcome.question for r in a.results if r.check.id == check} == {
                _unit_question()
            }


K3S_RUN = "/run/systemd/system/k3s.service.d/override.conf"
K3S_ETC = "/etc/systemd/system/k3s.service.d/mode.conf"
K3S_GEN = "/run/systemd/generator/k3s.service.d/override.conf"
K3S_PASS = ("pass", "2 administrative principal(s) (limit 3): alice, root")
K3S_EVERYONE = ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root")


def _mode(path: str, line: str) -> str:
    return f"\n# {path}\n[Service]\n{line}\n"


def _k3s_rests(path: str) -> str:
    return (
        f"evidence unavailable: k3s.service's next start rests on {path}, under /run (where "
        "`systemctl edit --runtime` and `set-property --runtime` write, and which every boot "
        f"empties), which the next boot drops; without it k3s leaves {K3S_YAML} readable by "
        "every user (mode 644): whether a unit or script writes it again at every boot is not "
        "in the evidence"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # R51L-3: /run's 600 over an /etc drop-in's 644: the next boot gives 644
        (
            _mode(K3S_ETC, "Environment=K3S_KUBECONFIG_MODE=644")
            + _mode(K3S_RUN, "Environment=K3S_KUBECONFIG_MODE=600"),
            (
                "manual",
                _k3s_rests(K3S_RUN),
            ),
        ),
        # held: /run's UnsetEnvironment= over nothing: 0600 either way (none widens)
        (_mode(K3S_RUN, "UnsetEnvironment=K3S_KUBECONFIG_MODE"), K3S_PASS),
        # held: /run's 644 over /etc's 600: the fail on it stays a fail
        (
            _mode(K3S_ETC, "Environment=K3S_KUBECONFIG_MODE=600")
            + _mode(K3S_RUN, "Environment=K3S_KUBECONFIG_MODE=644"),
            K3S_EVERYONE,
        ),
        # held: a generator's drop-in, written again at every boot
        (
            _mode(K3S_ETC, "Environment=K3S_KUBECONFIG_MODE=644")
            + _mode(K3S_GEN, "Environment=K3S_KUBECONFIG_MODE=600"),
            K3S_PASS,
        ),
    ],
    ids=["run-over-etc", "no-widening", "fail-stays", "generator"],
)
def test_r51l3_k3s_dropin_under_run(host_scan, extra: str, expected: tuple[str, str]) -> None:
    """R51L-3: HVA-142 passing on a k3s.service drop-in under /run."""
    over = {
        **K3S_BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": _k3s_unit(extra=extra),
    }
    assert _142(host_scan(over)) == expected


SC_RUN = "/run/systemd/system.conf.d/50-log.conf"
SC_ETC = "/etc/systemd/system.conf.d/50-log.conf"
SC_WHY = (
    f"DefaultEnvironment= in {SC_RUN} (the service manager's configuration under /run, which "
    "every boot empties)"
)


def _sc_question() -> str:
    return (
        f"Does a unit or script on host hv1 set {SC_RUN} again at every boot, before libvirt's "
        "daemons start? Evidence: `systemctl show-environment` and `systemctl cat "
        "libvirtd.service virtqemud.service` after a boot, or `grep -rs -e set-environment -e "
        f"--runtime -e {SC_RUN} /etc /usr/lib/systemd` on hv1. Pass: yes, at every boot, as it "
        "stands now; fail: no (the next boot starts them without it)."
    )


SC_JOURNAL = (
    f"libvirtd (LIBVIRT_LOG_OUTPUTS in {SC_RUN} DefaultEnvironment=): log_outputs '3:journald'"
)


@pytest.mark.parametrize(
    ("path", "value", "conf", "expected"),
    [
        # R51L-4: a /run system.conf.d drop-in's journal output over a file-only libvirtd.conf
        (
            SC_RUN,
            "3:journald",
            FILE_CONF,
            {
                "HVA-200": (
                    "manual",
                    f"{OVER_TLS}, but that rests on {SC_WHY}, which the next boot drops; "
                    f"without it (after a boot): fail: {OVER_TLS}, but carrying none of "
                    f"libvirt's messages: {FILE_FAIL}",
                ),
                "HVA-213": (
                    "manual",
                    f"{SC_JOURNAL}, but that rests on {SC_WHY}, which the next boot drops; "
                    f"without it (after a boot): fail: {FILE_FAIL}",
                ),
            },
        ),
        # held: the same drop-in under /etc, which the boot keeps
        (
            SC_ETC,
            "3:journald",
            FILE_CONF,
            {
                "HVA-200": ("pass", OVER_TLS),
                "HVA-213": ("pass", SC_JOURNAL.replace(SC_RUN, SC_ETC)),
            },
        ),
        # held (team decision): the /run drop-in's journal over libvirtd.conf's unset journal
        (
            SC_RUN,
            "3:journald",
            "",
            {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", SC_JOURNAL)},
        ),
        # held (team decision): a fail resting on the /run drop-in stays a fail
        (
            SC_RUN,
            FILE_LOG,
            "",
            {
                "HVA-200": (
                    "fail",
                    f"{OVER_TLS}, but carrying none of libvirt's messages: libvirtd "
                    f"(LIBVIRT_LOG_OUTPUTS in {SC_RUN} DefaultEnvironment=): log_outputs "
                    f"{FILE_LOG!r} writes only to files or stderr",
                ),
                "HVA-213": (
                    "fail",
                    f"libvirtd (LIBVIRT_LOG_OUTPUTS in {SC_RUN} DefaultEnvironment=): "
                    f"log_outputs {FILE_LOG!r} writes only to files or stderr",
                ),
            },
        ),
    ],
    ids=["run-dropin", "etc-dropin", "no-widening", "fail-stays"],
)
def test_r51l4_manager_dropin_under_run(
    host_scan, path: str, value: str, conf: str, expected: dict[str, tuple[str, str]]
) -> None:
    """R51L-4: a pass resting on DefaultEnvironment= in a system.conf.d drop-in under /run."""
    over: dict[str, object] = {
        "processes": IDLE_PROCS,
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + conf,
        SYSTEM_CONF: "[Manager]\n",
        "system-conf-d": (
            f"{path}:[Manager]\n{path}:DefaultEnvironment=LIBVIRT_LOG_OUTPUTS={value}\n",
            0,
        ),
        ENV: (f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS={value}\n", 0),
    }
    a = host_scan(over)
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
        if status == "manual":
            assert {r.outcome.question for r in a.results if r.check.id == check} == {
                _sc_question()
            }


K3S_SC_ETC = "/etc/systemd/system.conf.d/40-k3s.conf"
K3S_SC_RUN = "/run/systemd/system.conf.d/50-k3s.conf"


@pytest.mark.parametrize(
    ("run_mode", "expected"),
    [
        # R51L-5: /run's DefaultEnvironment= 600 over /etc's 644: the next boot gives 644
        ("600", ("manual", _k3s_rests(K3S_SC_RUN))),
        # held: /run's 644 over /etc's 644: the fail stays
        ("644", K3S_EVERYONE),
    ],
    ids=["run-over-etc", "fail-stays"],
)
def test_r51l5_k3s_manager_dropin_under_run(
    host_scan, run_mode: str, expected: tuple[str, str]
) -> None:
    """R51L-5: HVA-142 passing on DefaultEnvironment= in a system.conf.d drop-in under /run."""
    e, r = K3S_SC_ETC, K3S_SC_RUN
    over = {
        **K3S_BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": _k3s_unit(),
        SYSTEM_CONF: "[Manager]\n",
        "system-conf-d": (
            f"{e}:[Manager]\n{e}:DefaultEnvironment=K3S_KUBECONFIG_MODE=644\n"
            f"{r}:[Manager]\n{r}:DefaultEnvironment=K3S_KUBECONFIG_MODE={run_mode}\n",
            0,
        ),
        ENV: (f"{BASE_ENV}K3S_KUBECONFIG_MODE={run_mode}\n", 0),
    }
    assert _142(host_scan(over)) == expected
