"""Red-team round 48 probes: logging (r48-logtime)

Harness: round 47's (test_redteam47_logtime_probes.scan): conftest's hardened Debian 12 host
replayed through the real collector, parser and engine (host_scan), libvirtd idle
(socket-activated, not running: test_redteam13_host_probes IDLE_PROCS), so the environment its
unit gives its next start decides its log outputs; /etc/systemd/system.conf's
DefaultEnvironment= (TZ=UTC only: no file sets a libvirt variable) and the service manager's
environment as it stands (`systemctl show-environment`, the artefact
systemd-manager-environment) set per case. Each test asserts the exact status and message of
HVA-200 and HVA-213, and the question where one is asked.

Findings (R48L-n):
- R48L-1 (false pass) HVA-213, HVA-200: round 47's team decision, a verdict resting on a
  value set only in the manager's run-time environment. `systemctl set-environment` sets the
  manager's client environment (systemd src/core/manager.c manager_client_environment_modify,
  read with `find_string`), which lives in PID 1's memory only: src/core/manager-serialize.c
  manager_serialize writes it ("env") only to carry it across a daemon-reload or
  daemon-reexec (and not across a switch-root), and manager_free frees it, so the next boot
  starts libvirtd without it. A run-time `LIBVIRT_LOG_OUTPUTS=3:journald` over a libvirtd.conf
  writing only to a file passed both checks ("log_outputs '3:journald'"); a run-time
  `LIBVIRT_DEBUG=3` over `log_level = 1` with a priority-1 output, and a run-time
  `LIBVIRT_LOG_FILTERS=3:qemu` over `log_filters = "1:qemu"`, passed HVA-213: after a boot
  each fails. Now parse.host._log_boot builds the daemons' log outputs and logging variables
  as the next boot gives them (_daemon_unit_env(boot=True): the manager's files, without
  show-environment) where a libvirt logging variable stands only in show-environment and
  changes them (LibvirtHost.log_boot), and _libvirt.judged_at_boot runs HVA-213 and HVA-200
  on both: a pass there that does not pass after a boot is asked, in one question naming the
  value, the verdict without it and what sets it at boot; where both pass, the pass stands; a
  fail or a question stands (the next start before a boot takes the value as it stands:
  R45L-1's fail).

- R48L-2 (wording: a question where the evidence settles a fail) HVA-200, HVA-213: rsyslog's imuxsock with its system
  socket named /dev/log (SysSock.Name, R41L-1) takes the syslog(3) socket from journald and
  reads nothing journald forwards (rsyslog plugins/imuxsock/imuxsock.c activateListeners, as
  R41L-1 read it), so only a libvirt `syslog:` output (libvirt src/util/virlog.c
  virLogOutputToSyslog: syslog(3), docs/logging.rst "Logging in the daemon") reaches it. Where
  libvirt's outputs in force were known to be the journal only (libvirtd.conf unset, a unit's
  `LIBVIRT_LOG_OUTPUTS=3:journald`), HVA-200 still asked "whether journald hands it libvirt's
  messages is open" (round 47's lead), and HVA-213 with journald keeping nothing (Storage=none)
  asked "evidence unavailable". Now _libvirt.libvirt_syslog_free names the daemons' outputs
  in force where all are known and none is `syslog:`, and both checks fail naming them; an
  output unknown or a `syslog:` one asks as before. test_redteam41_logtime_probes' two /dev/log
  cases encoded the asks: changed in a separate commit.

- R48L-3 (wording) HVA-213: round 47's lead. Where libvirtd is idle and its unit's
  environment is unknown (R47L-1's pending DefaultEnvironment=, PassEnvironment=, an
  EnvironmentFile= not collected), that environment decides both the file its next start
  reads (a --config FILE in $LIBVIRTD_ARGS: parse.host._unit_config_unknown) and the
  LIBVIRT_LOG_OUTPUTS that replaces the file's log_outputs (libvirt src/util/virdaemon.c
  virDaemonSetupLogging, "cmdline > environment > config", as R13H-3 read it). HVA-213's
  message named only --config, and its question was the generic "Does this hold for this
  host: libvirt log_outputs include journald or syslog?", which an auditor answers from
  libvirtd.conf (log_outputs file-only there, LIBVIRT_LOG_OUTPUTS pending: the file says
  nothing of the outputs in force); with an ExecStart= without $LIBVIRTD_ARGS the same
  generic question stood. Now hardening._next_start_outputs names both and asks for the
  outputs in force at the next start (`systemctl show-environment`, `systemctl cat`, or
  virt-admin once it has started); a running daemon's outputs unread keep their question.
  Rounds 44, 45 and 47's tests encoded the --config-only message: changed in a separate
  commit.

- R48L-4 (wording: a needless question) HVA-200, HVA-213: round 47's lead. `EnvironmentFile=
  -/etc/default/%N` asked both checks ("which was not collected") where /etc/default/libvirtd
  was collected: R47L-4 left %N out, on systemd.unit(5)'s old "Unescaped full unit name".
  The code never gave that: unit_full_printf's specifier table maps 'N' to
  specifier_prefix_and_instance (unit_name_to_prefix_and_instance of the unit's id, the name
  without its type suffix) in systemd's 2010 src/unit.c, in src/core/unit-printf.c of the
  v2xx releases and today (read with `find_string` and `read_file`), so no `systemctl
  --version` is needed. Now parse.host._unit_specifiers puts %N in: /etc/default/libvirtd,
  which writes only to a file, fails. test_redteam47's held %N case encoded the ask:
  changed in a separate commit.

- R48L-5 (false pass) HVA-213, HVA-200: R48L-1's class in the units. systemctl(1) --runtime
  (read with `find_string`): "make changes only temporarily, so that they are lost on the
  next reboot ... not made in subdirectories of /etc but in /run", for edit and
  set-property alike (the latter in the runtime control directory /run/systemd/system.control:
  systemd's acquire_control_dirs). A drop-in /run/systemd/system/libvirtd.service.d/
  override.conf with `Environment=LIBVIRT_LOG_OUTPUTS=3:journald` over a file-only
  libvirtd.conf passed both checks, where the next boot starts libvirtd with the file only.
  Now parse.host._boot_unit_text drops such drop-ins (/run/systemd/system,
  system.control, transient; not a generator's, which every boot writes again) from the
  units the next boot gives (_daemon_unit_env(boot=True)), _log_boot names them, and
  judged_at_boot asks as for R48L-1. R48L-1's message and question now name either source
  ("..., which the next boot drops"; "set ... again at every boot").

Held (kept as tests): for R48L-1, a run-time journal output over libvirtd.conf's unset one
(the journal both ways: pass), the unit's own Environment= over the run-time value (pass), a
run-time file-only output over libvirtd.conf's journal (fail, R45L-1's); for R48L-2, a
`syslog:` output (HVA-200 asks, HVA-213 passes), the next start's outputs unknown (an
EnvironmentFile= not collected: asked), the journal kept (HVA-213 passes); for R48L-4,
`/etc/default/%H` (the host's name, not put in: asked); for R48L-5, the same drop-in under
/etc (pass), under /run/systemd/generator (pass), a /run drop-in whose removal changes no
verdict (the file-only fail stands).

Probed by script, then as these tests, on main (75c65248): the three R48L-1 cases passed
(HVA-200 "logs forwarded over TLS to logs.example.internal"; HVA-213 "log_outputs
'3:journald'", "log_outputs '1:journald'"); the three held cases give the same there.
The e2e test (tests/test_e2e_libvirtd.py), which R48L-1 can reach (HVA-213 and HVA-200 on
the host's libvirtd), passes with the fix. The R48L-2 cases on main (23bd1972): the two
HVA-200 ones asked ("whether journald hands it libvirt's messages is open"), the HVA-213 one
asked ("evidence unavailable"); the three held cases give the same there. The e2e test passes
with R48L-2 too. The two R48L-3 cases on main (23bd1972) gave the --config-only message and
the generic question (the first), the generic question (the second). The R48L-4 case on
main (8fa190a4) asked ("which was not collected"); the held one asks there too. The R48L-5
case on main (2aa15570) passed both checks ("logs forwarded over TLS to
logs.example.internal"); the three held cases give the same there. The e2e test passes with
R48L-5.

Tally: 5 findings: 2 false passes, 0 false n/a, 0 wrong fail, 3 wording (R48L-2, a settled
fail asked; R48L-3; R48L-4, a needless question); 20 cases in 5 test functions; 10 failed on
main before the fixes (4 passed wrongly, 4 asked where the evidence settles a fail, 2 asked
the wrong question); the 10 held pass there too.

Leads left:
- R48L-5 reads the units' environment only: a /run drop-in's LogLevelMax=, StandardError=,
  LogNamespace= or LogFilterPatterns= (and a main unit file under /run) are judged as they
  stand; other checks reading libvirt's units (its --listen, --config) do not weigh /run
  drop-ins either. A /run/systemd/journald.conf.d drop-in (HVA-213's journal) likewise.
- A running daemon's outputs (virt-admin) are judged as they run; what its restart at the
  next boot takes (a run-time-only variable dropped) is not weighed for LIBVIRT_LOG_OUTPUTS.
- k3s.service's K3S_KUBECONFIG_MODE only set-environment set (HVA-142): not weighed against
  the boot's (R48L-1 covers libvirt's logging variables only).
- A named /dev/log with a libvirt `syslog:` output asks HVA-200 "whether journald hands it
  libvirt's messages", where that output reaches rsyslog directly (could pass: wording).
- %-specifiers in Environment= values and in ExecStart= (not read); %i/%I/%j of libvirt's
  non-instantiated units (empty or the prefix) not put in.
- HVA-200's message where the environment is unknown names the log outputs, not --config.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam13_host_probes import IDLE_PROCS, UNITS
from test_redteam41_logtime_probes import _rsyslog
from test_redteam47_logtime_probes import (
    BASE_ENV,
    DROPIN,
    FILE_CONF,
    FILE_LOG,
    JOURNAL,
    LIBVIRTD_CONF,
    OVER_TLS,
    RUNTIME,
    _default_env,
    _verdicts,
    scan,
)

DEBUG_OUT = 'log_outputs = "1:journald"\n'
JOURNALD1 = "libvirtd.conf: log_outputs '1:journald'"


def _rests(name: str, value: str, now: str, boot: str) -> str:
    """R48L-1's message: the pass `now`, the value it rests on, the verdict after a boot."""
    return _rests_on(
        f"{name}={value!r} in the service manager's environment (systemctl show-environment), "
        "set by `systemctl set-environment` and by no file",
        now,
        boot,
    )


def _rests_on(why: str, now: str, boot: str) -> str:
    return f"{now}, but that rests on {why}, which the next boot drops; without it (after a boot): {boot}"


def _question(name: str) -> str:
    return (
        f"Does a unit or script on host hv1 set {name} again at every boot, before libvirt's "
        "daemons start? Evidence: `systemctl show-environment` and `systemctl cat "
        "libvirtd.service virtqemud.service` after a boot, or `grep -rs -e set-environment -e "
        f"--runtime -e {name} /etc /usr/lib/systemd` on hv1. Pass: yes, at every boot, as it "
        "stands now; fail: no (the next boot starts them without it)."
    )


FILE_FAIL = f"libvirtd.conf: log_outputs {FILE_LOG!r} writes only to files or stderr"
RT_JOURNAL = f"libvirtd (LIBVIRT_LOG_OUTPUTS in {RUNTIME}): log_outputs '3:journald'"


@pytest.mark.parametrize(
    ("show_env", "conf", "unit", "expected", "asked"),
    [
        # R48L-1: a run-time journal output over a file-only libvirtd.conf: the next boot
        # starts libvirtd with the file only
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            FILE_CONF,
            "",
            {
                "HVA-200": (
                    "manual",
                    _rests(
                        "LIBVIRT_LOG_OUTPUTS",
                        "3:journald",
                        OVER_TLS,
                        f"fail: {OVER_TLS}, but carrying none of libvirt's messages: {FILE_FAIL}",
                    ),
                ),
                "HVA-213": (
                    "manual",
                    _rests("LIBVIRT_LOG_OUTPUTS", "3:journald", RT_JOURNAL, f"fail: {FILE_FAIL}"),
                ),
            },
            "LIBVIRT_LOG_OUTPUTS",
        ),
        # R48L-1: a run-time LIBVIRT_DEBUG=3 over libvirtd.conf's log_level = 1 with a debug
        # output: the next boot floods the log (HVA-200 reads no priority)
        (
            f"{BASE_ENV}LIBVIRT_DEBUG=3\n",
            f"{DEBUG_OUT}log_level = 1\n",
            "",
            {
                "HVA-200": ("pass", OVER_TLS),
                "HVA-213": (
                    "manual",
                    _rests(
                        "LIBVIRT_DEBUG",
                        "3",
                        JOURNALD1,
                        "fail: libvirtd.conf: log_level = 1 (debug, floods the log)",
                    ),
                ),
            },
            "LIBVIRT_DEBUG",
        ),
        # R48L-1: a run-time LIBVIRT_LOG_FILTERS over libvirtd.conf's debug filter
        (
            f"{BASE_ENV}LIBVIRT_LOG_FILTERS=3:qemu\n",
            f'{DEBUG_OUT}log_filters = "1:qemu"\n',
            "",
            {
                "HVA-200": ("pass", OVER_TLS),
                "HVA-213": (
                    "manual",
                    _rests(
                        "LIBVIRT_LOG_FILTERS",
                        "3:qemu",
                        JOURNALD1,
                        "fail: libvirtd.conf: log_filters '1:qemu' (debug, floods the log)",
                    ),
                ),
            },
            "LIBVIRT_LOG_FILTERS",
        ),
        # held: the run-time journal output over libvirtd.conf's unset one, the journal too:
        # both pass, the pass stands
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            "",
            "",
            _verdicts("pass", RT_JOURNAL),
            "",
        ),
        # held: the unit's own Environment= over the run-time value (the boot keeps it)
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            FILE_CONF,
            "Environment=LIBVIRT_LOG_OUTPUTS=2:journald\n",
            _verdicts(
                "pass",
                "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): "
                "log_outputs '2:journald'",
            ),
            "",
        ),
        # held: a run-time file-only output over libvirtd.conf's journal: the next start
        # before a boot writes to the file only, a fail (R45L-1's, unchanged)
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS={FILE_LOG}\n",
            'log_outputs = "3:journald"\n',
            "",
            _verdicts(
                "fail",
                f"libvirtd (LIBVIRT_LOG_OUTPUTS in {RUNTIME}): log_outputs {FILE_LOG!r} writes "
                "only to files or stderr",
            ),
            "",
        ),
    ],
    ids=["outputs", "debug", "filters", "both-journal", "unit-wins", "runtime-fails"],
)
def test_r48l1_runtime_only_value(
    host_scan,
    show_env: str,
    conf: str,
    unit: str,
    expected: dict[str, tuple[str, str]],
    asked: str,
) -> None:
    """R48L-1: a pass resting on a value only `systemctl set-environment` set."""
    a = scan(host_scan, show_env, _default_env("TZ=UTC"), unit, conf)
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
        questions = {r.outcome.question for r in a.results if r.check.id == check}
        if status == "manual":
            assert questions == {_question(asked)}


DEV_LOG_RSYSLOG = 'module(load="imuxsock" SysSock.Name="/dev/log")'
TAKEN = (
    'rsyslog\'s imuxsock takes /dev/log itself (its system socket named "/dev/log") and reads '
    "nothing journald forwards (/run/systemd/journal/syslog), so only what libvirt's daemons "
    "log through syslog(3) (a `syslog:` log output) reaches it, not what they write to the "
    "journal"
)
STORAGE_NONE = (
    "journald keeps no journal (Storage=none in /etc/systemd/journald.conf) and forwards to "
    "syslog (Debian's default ForwardToSyslog=yes (journald.conf sets none))"
)


def _taken_fail(outputs: str) -> str:
    return (
        "rsyslog forwards over authenticated TLS to logs.example.internal, but none of "
        f"libvirt's messages: {TAKEN}, and libvirt's daemons have no `syslog:` output "
        f"({outputs})"
    )


TAKEN_ASK = (
    "rsyslog forwards over authenticated TLS, but reads no journal (no imjournal); whether "
    f"journald hands it libvirt's messages is open: {TAKEN} (logs.example.internal)"
)


@pytest.mark.parametrize(
    ("conf", "unit", "journald", "expected"),
    [
        # R48L-2: libvirtd.conf's unset outputs, the journal: nothing reaches rsyslog
        (
            "",
            "",
            "",
            {"HVA-200": ("fail", _taken_fail("libvirtd.conf: log_outputs unset (the journal)"))},
        ),
        # R48L-2: the unit's journald output, named by its source
        (
            "",
            "Environment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            "",
            {
                "HVA-200": (
                    "fail",
                    _taken_fail(
                        "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): "
                        "log_outputs '3:journald'"
                    ),
                )
            },
        ),
        # R48L-2: journald keeps nothing and forwards to the socket rsyslog no longer reads
        (
            "",
            "",
            "[Journal]\nStorage=none\n",
            {"HVA-213": ("fail", f"{JOURNAL}, but {STORAGE_NONE}, but {TAKEN}")},
        ),
        # held: a syslog: output reaches rsyslog's /dev/log (asked, as before)
        (
            'log_outputs = "3:syslog:libvirtd"\n',
            "",
            "",
            {
                "HVA-200": ("manual", TAKEN_ASK),
                "HVA-213": ("pass", "libvirtd.conf: log_outputs '3:syslog:libvirtd'"),
            },
        ),
        # held: the next start's outputs unknown (an EnvironmentFile= not collected): asked
        (
            "",
            "EnvironmentFile=/etc/libvirt/other.env\n",
            "",
            {"HVA-200": ("manual", TAKEN_ASK)},
        ),
        # held: the journal kept (Storage= default): HVA-213 passes
        ("", "", "", {"HVA-213": ("pass", JOURNAL)}),
    ],
    ids=["unset", "unit-journald", "storage-none", "syslog-output", "unknown", "kept"],
)
def test_r48l2_dev_log_taken_journal_only(
    host_scan, conf: str, unit: str, journald: str, expected: dict[str, tuple[str, str]]
) -> None:
    """R48L-2: rsyslog's imuxsock named /dev/log, libvirt's outputs known."""
    over: dict[str, object] = {
        "rsyslog-config": _rsyslog(DEV_LOG_RSYSLOG),
        "processes": IDLE_PROCS,
        "libvirt-units": (str(UNITS[0]) + (DROPIN + unit if unit else ""), 1, UNITS[2]),
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + conf,
    }
    if journald:
        over["/etc/systemd/journald.conf"] = journald
    a = host_scan(over)
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}


PENDING = (
    "libvirtd.service's environment may take either: /etc/systemd/system.conf "
    "DefaultEnvironment= sets LIBVIRT_LOG_OUTPUTS='3:journald', but the service manager's "
    "environment (systemctl show-environment) lacks LIBVIRT_LOG_OUTPUTS: the manager has not "
    "read it since it changed, or `systemctl set-environment` overrides it until the next boot, "
    "so whether a daemon-reload or a boot comes first decides which one the next start takes"
)
NEXT_START_Q = (
    "Do libvirt's log outputs in force at libvirtd's next start on host hv1 include journald or "
    "syslog? Evidence: `systemctl show-environment` and `systemctl cat libvirtd.service` on hv1 "
    "(LIBVIRT_LOG_OUTPUTS in its environment, which replaces log_outputs; a --config FILE in "
    "its ExecStart=, $LIBVIRTD_ARGS among it, names the file whose log_outputs count "
    "otherwise), or `virt-admin -c libvirtd:///system daemon-log-outputs` once it has started. "
    "Pass: a journald or syslog output is in force; fail: only file or stderr outputs."
)


@pytest.mark.parametrize(
    ("unit", "message", "question"),
    [
        # R48L-3: the environment unknown decides LIBVIRT_LOG_OUTPUTS and --config alike
        (
            "",
            f"evidence unavailable: libvirtd is not running and {PENDING}: the "
            "LIBVIRT_LOG_OUTPUTS its next start takes (which replaces log_outputs) is unknown, "
            "and so is whether libvirtd.service starts it with --config FILE (another file than "
            "/etc/libvirt/libvirtd.conf)",
            NEXT_START_Q,
        ),
        # R48L-3: an ExecStart= without $LIBVIRTD_ARGS: the outputs alone are unknown, and
        # the generic question was answered from libvirtd.conf
        (
            "ExecStart=\nExecStart=/usr/sbin/libvirtd\n",
            f"evidence unavailable: {PENDING}",
            NEXT_START_Q,
        ),
    ],
    ids=["args-and-outputs", "outputs-only"],
)
def test_r48l3_next_start_outputs_named(host_scan, unit: str, message: str, question: str) -> None:
    """R48L-3: HVA-213's question where the idle daemon's environment is unknown."""
    a = scan(host_scan, BASE_ENV, _default_env("LIBVIRT_LOG_OUTPUTS=3:journald"), unit, FILE_CONF)
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}
    assert {r.outcome.question for r in a.results if r.check.id == "HVA-213"} == {question}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # R48L-4: /etc/default/%N is /etc/default/libvirtd in every systemd release
        (
            "-/etc/default/%N",
            _verdicts(
                "fail",
                f"libvirtd (LIBVIRT_LOG_OUTPUTS in /etc/default/libvirtd): log_outputs "
                f"{FILE_LOG!r} writes only to files or stderr",
            ),
        ),
        # held: %H (the host's name) is not put in: asked
        (
            "-/etc/default/%H",
            {
                "HVA-213": (
                    "manual",
                    "evidence unavailable: libvirtd is not running and libvirtd.service reads "
                    "EnvironmentFile=-/etc/default/%H, which was not collected: the "
                    "LIBVIRT_LOG_OUTPUTS its next start takes (which replaces log_outputs) is "
                    "unknown, and so is whether libvirtd.service starts it with --config FILE "
                    "(another file than /etc/libvirt/libvirtd.conf)",
                )
            },
        ),
    ],
    ids=["name", "host"],
)
def test_r48l4_environment_file_n_specifier(
    host_scan, spec: str, expected: dict[str, tuple[str, str]]
) -> None:
    """R48L-4: %N in libvirtd.service's EnvironmentFile= path."""
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "libvirt-units": (
                f"{UNITS[0]}{DROPIN}EnvironmentFile=\nEnvironmentFile={spec}\n",
                1,
                UNITS[2],
            ),
            "/etc/default/libvirtd": f'LIBVIRT_LOG_OUTPUTS="{FILE_LOG}"\n',
        }
    )
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}


RUN_DROPIN = "/run/systemd/system/libvirtd.service.d/override.conf"
RUN_WHY = (
    f"{RUN_DROPIN}, under /run (where `systemctl edit --runtime` and `set-property --runtime` "
    "write)"
)


@pytest.mark.parametrize(
    ("path", "env", "expected", "asked"),
    [
        # R48L-5: a runtime drop-in's journal output over a file-only libvirtd.conf: the next
        # boot starts libvirtd without it
        (
            RUN_DROPIN,
            "Environment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            {
                "HVA-200": (
                    "manual",
                    _rests_on(
                        RUN_WHY,
                        OVER_TLS,
                        f"fail: {OVER_TLS}, but carrying none of libvirt's messages: {FILE_FAIL}",
                    ),
                ),
                "HVA-213": (
                    "manual",
                    _rests_on(
                        RUN_WHY,
                        "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): "
                        "log_outputs '3:journald'",
                        f"fail: {FILE_FAIL}",
                    ),
                ),
            },
            RUN_DROPIN,
        ),
        # held: the same drop-in under /etc (the boot keeps it)
        (
            "/etc/systemd/system/libvirtd.service.d/override.conf",
            "Environment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            _verdicts(
                "pass",
                "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): "
                "log_outputs '3:journald'",
            ),
            "",
        ),
        # held: a generator's drop-in, written again at every boot
        (
            "/run/systemd/generator/libvirtd.service.d/override.conf",
            "Environment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            _verdicts(
                "pass",
                "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): "
                "log_outputs '3:journald'",
            ),
            "",
        ),
        # held: a runtime drop-in whose removal changes no verdict
        (RUN_DROPIN, "Environment=TZ=UTC\n", _verdicts("fail", FILE_FAIL), ""),
    ],
    ids=["runtime-dropin", "etc-dropin", "generator", "no-change"],
)
def test_r48l5_runtime_dropin(
    host_scan, path: str, env: str, expected: dict[str, tuple[str, str]], asked: str
) -> None:
    """R48L-5: a pass resting on a libvirtd.service drop-in under /run."""
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "libvirt-units": (f"{UNITS[0]}\n# {path}\n[Service]\n{env}", 1, UNITS[2]),
            LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + FILE_CONF,
        }
    )
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
        if status == "manual":
            assert {r.outcome.question for r in a.results if r.check.id == check} == {
                _question(asked)
            }
