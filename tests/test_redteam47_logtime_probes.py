"""Red-team round 47 probes: logging (r47-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), as rounds 44 and 45's probes: libvirtd idle (socket-activated, not running:
test_redteam13_host_probes IDLE_PROCS), so the environment its unit gives its next start
decides its log outputs. The service manager's files (/etc/systemd/system.conf's
DefaultEnvironment=) and its environment as it stands (`systemctl show-environment`, the
artefact systemd-manager-environment) are set per case. Each test asserts the exact status and
message of HVA-200 and HVA-213 (HVA-142 for k3s).

Findings (R47L-n):
- R47L-1 (false pass) HVA-200, HVA-213, HVA-142: round 46's team decision, show-environment
  replacing versus overlaying DefaultEnvironment=. systemd src/core/main.c
  set_manager_defaults (read with `find_string`) rebuilds the manager's transient environment
  from scratch (src/core/manager.c manager_default_environment frees it, then
  manager_transient_environment_add of arg_default_environment) at the manager's start and at
  each daemon-reload (invoke_main_loop's MANAGER_RELOAD: parse_configuration, then
  set_manager_defaults); manager_get_effective_environment merges the client environment
  (`systemctl set-environment`) over it, and `unset-environment` removes only from that client
  environment (manager_client_environment_modify: strv_env_delete of m->client_environment).
  So show-environment is the whole environment the manager's next start of a unit takes (it
  replaces the files' reading), and a variable the files set that it lacks or holds otherwise
  is one the manager has not read since the files changed (or one set-environment overrides
  until the next boot): the next start takes either, as a daemon-reload or boot comes first.
  parse.host._manager_environment laid show-environment over the files, keeping the files'
  value where show-environment lacked it: `DefaultEnvironment=LIBVIRT_LOG_OUTPUTS=3:journald`
  added to system.conf (not yet read) over a libvirtd.conf writing only to a file passed both
  checks ("log_outputs '3:journald'"), where the manager starts libvirtd with the file only;
  and a run-time `LIBVIRT_LOG_OUTPUTS=3:journald` over the files' file-only value passed,
  where the next boot gives the file; for k3s, the files' `K3S_KUBECONFIG_MODE=644` is kept
  as it was (its show-environment-lacks case failed on main and fails here only through the
  files: now it asks). Now show-environment, where it answered, is the manager's environment
  (where a variable holds the files' value, the files are named); _manager_env_pending names
  each variable the files set otherwise, and a daemon's next start that may take one libvirt
  reads (LIBVIRT_DEBUG, LIBVIRT_LOG_OUTPUTS, LIBVIRT_LOG_FILTERS) or its ExecStart= takes,
  which its unit neither sets nor unsets, is asked (_unit_pending; k3s: its variables, in
  _k3s_unit_next), naming both values.

- R47L-2 (false pass) HVA-200, HVA-213, HVA-142: `ExecStartPre=systemctl set-environment
  NAME=VALUE` in libvirtd.service (or k3s.service) itself (round 46's lead; a common idiom) was not read. systemd
  src/core/service.c service_spawn (read with `find_string`) calls unit_set_exec_params, the
  manager's environment as it stands, for each command it spawns, so ExecStart= takes what an
  ExecStartPre= (or ExecCondition=) command set just before it. `ExecStartPre=/usr/bin/systemctl
  set-environment LIBVIRT_LOG_OUTPUTS=1:file:...` (also `-@`-prefixed, quoted) passed both
  checks with "log_outputs unset (the journal)"; a shell around it or `import-environment`
  likewise; in k3s.service, `K3S_KUBECONFIG_MODE=644` passed HVA-142 "2 administrative
  principal(s)". Now parse.host._unit_pre_set_environment reads plain `systemctl set-environment`
  assignments into the daemon's next-start environment (under its own Environment=, over the
  manager's; an empty ExecStartPre= resets the list): these fail, naming "`systemctl
  set-environment` in libvirtd.service ExecStartPre=" (k3s: "ALL (every user)"); any other
  command naming set-/unset-/import-environment asks, quoting the line and its file.

- R47L-3 (false pass) HVA-200, HVA-213: PassEnvironment= (round 46's lead) was not read.
  systemd.exec(5) PassEnvironment=: "Pass environment variables set for the system service
  manager to executed processes"; src/core/execute.c build_pass_environment takes each with
  getenv(3), PID 1's own environment (where the kernel command line's unrecognised NAME=VALUE
  words go: systemd commit e21fea24), which neither show-environment nor any other artefact
  holds, and exec_child merges it over the manager's environment, under the unit's own. So
  `PassEnvironment=LIBVIRT_LOG_OUTPUTS` (or LIBVIRT_DEBUG, or a variable ExecStart= takes)
  passed both checks on the unit's other settings. Now parse.host._unit_pass_environment names
  those the unit neither sets itself nor unsets, and the next start asks, naming them and
  `tr '\\0' '\\n' </proc/1/environ`, which answers it.

- R47L-4 (wording) HVA-200, HVA-213: a specifier in libvirtd.service's EnvironmentFile= path
  (round 46's lead) was compared as written: `EnvironmentFile=-/etc/default/%p` asked both
  checks with "reads EnvironmentFile=-/etc/default/%p, which was not collected", where
  /etc/default/libvirtd was collected and writes only to a file. systemd.unit(5) Specifiers
  (read with `find_string`): "%p" for a non-instantiated unit "refers to the name of the unit
  with the type suffix removed", "%n" the full unit name, "%%" a "%". Now
  parse.host._unit_specifiers puts those in: it fails, naming /etc/default/libvirtd. "%N"
  (the unescaped full name before systemd took it as the name without its suffix) and the
  host's directories ("%h", "%t") stay asked.

Held (kept as tests): the files and show-environment holding the same value (pass, the file
named); a pending variable neither libvirt nor ExecStart= reads (LANG: pass); the unit's own
Environment= over a pending variable (pass); a variable set-environment sets that the files do
not (R45L-1's fail, unchanged); for k3s, the unit's own K3S_KUBECONFIG_MODE over a pending one
(pass) and the files and the manager both at 644 ("ALL (every user)"); for R47L-2, the unit's
Environment= over ExecStartPre='s value, an empty ExecStartPre= resetting it, another
ExecStartPre= command, k3s.service's Environment= over its ExecStartPre= (pass); for R47L-3, the unit's Environment= over a passed name, an empty
PassEnvironment= resetting it and a name libvirt does not read (TERM), UnsetEnvironment= of
it, and a passed name the unit's Environment= sets (LIBVIRTD_ARGS, left out of the question);
for R47L-4, `/etc/default/%N` (asked, as before).

Probed by script, then as these tests, on main (12954476): the two R47L-1 libvirtd cases passed
HVA-200 and HVA-213 ("log_outputs '3:journald'", "log_outputs unset (the journal)"); the
files' file-only output the manager lacks failed both (its next start before a daemon-reload
takes the journal: now asked); the k3s case failed HVA-142 "ALL (every user)" on the files'
644 the manager lacks (now asked); the six held cases give the same there. The e2e test
(tests/test_e2e_libvirtd.py) passes with the fix (its host has no systemd manager to answer
show-environment, so the files alone are read, as before). The R47L-2 cases on main
(9d3bb573): the two set-environment ones, the shell and the import-environment ones passed
HVA-200 and HVA-213 ("log_outputs unset (the journal)"); the three held cases pass there too. The R47L-4 case on main (335e6ca1) asked
("which was not collected"); the held one asks there too.
The two k3s R47L-2 cases on main (9d3bb573) passed HVA-142 ("2 administrative principal(s)").
The R47L-3 cases on main (9d3bb573): the three passed both checks ("log_outputs unset (the
journal)"); the three held cases pass there too.

Tally: 4 findings: 3 false passes, 0 false n/a, 0 wrong fail, 1 wording; 28 cases in 6 test
functions; 14 failed on main before the fixes (11 passed wrongly, 2 failed where the next start
is undecided, 1 asked needlessly); the 14 held pass there too.

Leads left:
- A variable set-environment alone sets (the files do not) is taken as the next start's: the
  next boot drops it (R45L-1's fail holds; a run-time-only good value over a bad file passes).
- HVA-213's question where the next start's environment is unknown names --config (through
  _unit_args' $LIBVIRTD_ARGS), not the pending LIBVIRT_LOG_OUTPUTS it is about.
- ExecStartPre=systemctl set-environment in another unit started just before libvirtd.service
  (show-environment holds it only where that unit ran before the scan): not read.
- PassEnvironment= asks; PID 1's environment could be read from /proc/cmdline's NAME=VALUE
  words the kernel does not take (its rules: init/main.c unknown_bootoption), or collected.
- %N in EnvironmentFile= (its meaning depends on the systemd release: the collected
  `systemctl --version` could settle it), %-specifiers in Environment= values: not read.
- A named /dev/log (SysSock.Name) with libvirt's outputs known to be the journal only still
  asks HVA-200 (a fail needs the check to weigh HVA-213's outputs: no `syslog:` output).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam13_host_probes import IDLE_PROCS, UNITS
from test_redteam26_accounts_probes import BASE, EVERYONE, PASS2, _142
from test_redteam33_accounts_probes import K3S_YAML, _grep
from test_redteam34_accounts_probes import _k3s_unit

LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"
SYSTEM_CONF = "/etc/systemd/system.conf"
FILE_LOG = "1:file:/var/log/libvirt/libvirtd.log"
FILE_CONF = f'log_outputs = "{FILE_LOG}"\n'
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
JOURNAL = "libvirtd.conf: log_outputs unset (the journal)"
UNIT_JOURNAL = (
    "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): log_outputs '3:journald'"
)
RUNTIME = "the service manager's environment (systemctl show-environment)"
BASE_ENV = "LANG=C.UTF-8\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
DROPIN = "\n# /etc/systemd/system/libvirtd.service.d/log.conf\n[Service]\n"
ENV = "systemd-manager-environment"


def _default_env(assignment: str) -> str:
    return f"[Manager]\nDefaultEnvironment={assignment}\n"


def scan(host_scan, show_env: str, system_conf: str, unit: str = "", conf: str = ""):
    over: dict[str, object] = {
        "processes": IDLE_PROCS,
        "libvirt-units": (str(UNITS[0]) + (DROPIN + unit if unit else ""), 1, UNITS[2]),
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + conf,
        SYSTEM_CONF: system_conf,
        ENV: (show_env, 0),
    }
    return host_scan(over)


def _pending(name: str, files: str, now: str) -> str:
    return (
        f"{SYSTEM_CONF} DefaultEnvironment= sets {name}={files!r}, but the service manager's "
        f"environment (systemctl show-environment) {now}: the manager has not read it since it "
        "changed, or `systemctl set-environment` overrides it until the next boot, so whether "
        "a daemon-reload or a boot comes first decides which one the next start takes"
    )


def _ask(why: str) -> dict[str, tuple[str, str]]:
    unknown = f"libvirtd.service's environment may take either: {why}"
    return {
        "HVA-200": (
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            f"log outputs are unknown ({unknown})",
        ),
        "HVA-213": (
            "manual",
            f"evidence unavailable: libvirtd is not running and {unknown}: the "
            "LIBVIRT_LOG_OUTPUTS its next start takes (which replaces log_outputs) is unknown, "
            "and so is whether libvirtd.service starts it with --config FILE (another file "
            "than /etc/libvirt/libvirtd.conf)",
        ),
    }


def _verdicts(status: str, message213: str) -> dict[str, tuple[str, str]]:
    message200 = OVER_TLS
    if status == "fail":
        message200 = f"{OVER_TLS}, but carrying none of libvirt's messages: {message213}"
    return {"HVA-200": (status, message200), "HVA-213": (status, message213)}


@pytest.mark.parametrize(
    ("show_env", "system_conf", "unit", "conf", "expected"),
    [
        # R47L-1: the files' journal output, not yet read by the manager, over a file-only
        # libvirtd.conf: the manager starts libvirtd without it
        (
            BASE_ENV,
            _default_env("LIBVIRT_LOG_OUTPUTS=3:journald"),
            "",
            FILE_CONF,
            _ask(_pending("LIBVIRT_LOG_OUTPUTS", "3:journald", "lacks LIBVIRT_LOG_OUTPUTS")),
        ),
        # R47L-1: a run-time journal output over the files' file-only one, which the next
        # boot (or a daemon-reload, where it is stale) gives libvirtd
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            _default_env(f"LIBVIRT_LOG_OUTPUTS={FILE_LOG}"),
            "",
            "",
            _ask(
                _pending("LIBVIRT_LOG_OUTPUTS", FILE_LOG, "holds LIBVIRT_LOG_OUTPUTS='3:journald'")
            ),
        ),
        # R47L-1: the files' file-only output the manager does not hold (main: fail on it)
        (
            BASE_ENV,
            _default_env(f"LIBVIRT_LOG_OUTPUTS={FILE_LOG}"),
            "",
            "",
            _ask(_pending("LIBVIRT_LOG_OUTPUTS", FILE_LOG, "lacks LIBVIRT_LOG_OUTPUTS")),
        ),
        # held: the files and the manager agree (the file is named)
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            _default_env("LIBVIRT_LOG_OUTPUTS=3:journald"),
            "",
            FILE_CONF,
            _verdicts(
                "pass",
                f"libvirtd (LIBVIRT_LOG_OUTPUTS in {SYSTEM_CONF} DefaultEnvironment=): "
                "log_outputs '3:journald'",
            ),
        ),
        # held: a pending variable libvirt does not read
        (BASE_ENV, _default_env("LANG=de_DE.UTF-8"), "", "", _verdicts("pass", JOURNAL)),
        # held: the unit's own Environment= over the pending variable
        (
            BASE_ENV,
            _default_env("LIBVIRT_LOG_OUTPUTS=3:journald"),
            "Environment=LIBVIRT_LOG_OUTPUTS=2:journald\n",
            FILE_CONF,
            _verdicts(
                "pass",
                "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): "
                "log_outputs '2:journald'",
            ),
        ),
        # held: set-environment's file-only output, which the files do not set (R45L-1)
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS={FILE_LOG}\n",
            _default_env("TZ=UTC"),
            "",
            "",
            _verdicts(
                "fail",
                f"libvirtd (LIBVIRT_LOG_OUTPUTS in {RUNTIME}): log_outputs {FILE_LOG!r} writes "
                "only to files or stderr",
            ),
        ),
    ],
    ids=[
        "files-unread",
        "runtime-over-files",
        "files-bad-unread",
        "agree",
        "lang",
        "unit-wins",
        "runtime-only",
    ],
)
def test_r47l1_show_environment_replaces_files(
    host_scan,
    show_env: str,
    system_conf: str,
    unit: str,
    conf: str,
    expected: dict[str, tuple[str, str]],
) -> None:
    a = scan(host_scan, show_env, system_conf, unit, conf)
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}


@pytest.mark.parametrize(
    ("show_env", "system_conf", "unit", "expected"),
    [
        # R47L-1: the files' 644 the manager does not hold
        (
            BASE_ENV,
            _default_env("K3S_KUBECONFIG_MODE=644"),
            _k3s_unit(),
            (
                "manual",
                "evidence unavailable: k3s.service's environment may take either: "
                + _pending("K3S_KUBECONFIG_MODE", "644", "lacks K3S_KUBECONFIG_MODE")
                + f": the mode and group k3s gives {K3S_YAML} at its next start are unknown",
            ),
        ),
        # held: the unit's own K3S_KUBECONFIG_MODE over it
        (
            BASE_ENV,
            _default_env("K3S_KUBECONFIG_MODE=644"),
            _k3s_unit(extra="[Service]\nEnvironment=K3S_KUBECONFIG_MODE=600\n"),
            PASS2,
        ),
        # held: the manager's 644, the files' too
        (
            f"{BASE_ENV}K3S_KUBECONFIG_MODE=644\n",
            _default_env("K3S_KUBECONFIG_MODE=644"),
            _k3s_unit(),
            EVERYONE,
        ),
    ],
    ids=["files-unread", "unit-wins", "agree"],
)
def test_r47l1_k3s_show_environment_replaces_files(
    host_scan, show_env: str, system_conf: str, unit: tuple[str, int, str], expected
) -> None:
    over: dict[str, object] = {
        **BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": unit,
        SYSTEM_CONF: system_conf,
        ENV: (show_env, 0),
    }
    assert _142(host_scan(over)) == expected


PRE = "ExecStartPre=/usr/bin/systemctl set-environment"
PRE_WHERE = "`systemctl set-environment` in libvirtd.service ExecStartPre="
UNIT_FILE = "/etc/systemd/system/libvirtd.service.d/log.conf"


def _pre_ask(line: str) -> dict[str, tuple[str, str]]:
    unknown = (
        f"libvirtd.service's {line} (in {UNIT_FILE}) changes the service manager's environment "
        "at its start, in a way hvaudit does not read"
    )
    return {
        "HVA-200": (
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            f"log outputs are unknown ({unknown})",
        ),
        "HVA-213": (
            "manual",
            f"evidence unavailable: libvirtd is not running and {unknown}: the "
            "LIBVIRT_LOG_OUTPUTS its next start takes (which replaces log_outputs) is unknown, "
            "and so is whether libvirtd.service starts it with --config FILE (another file "
            "than /etc/libvirt/libvirtd.conf)",
        ),
    }


def _pre_fail(outputs: str) -> dict[str, tuple[str, str]]:
    return _verdicts(
        "fail",
        f"libvirtd (LIBVIRT_LOG_OUTPUTS in {PRE_WHERE}): log_outputs {outputs!r} writes only "
        "to files or stderr",
    )


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        # R47L-2: the unit's own ExecStartPre= sets the manager's environment before ExecStart=
        (f"{PRE} LIBVIRT_LOG_OUTPUTS={FILE_LOG}\n", _pre_fail(FILE_LOG)),
        # R47L-2: with the `-` and `@` prefixes, quoted, among other assignments
        (
            f"ExecStartPre=-@/bin/systemctl systemctl set-environment TZ=UTC "
            f'"LIBVIRT_LOG_OUTPUTS={FILE_LOG} 3:file:/var/log/x.log"\n',
            _pre_fail(f"{FILE_LOG} 3:file:/var/log/x.log"),
        ),
        # R47L-2: through a shell: asked
        (
            "ExecStartPre=/bin/sh -c 'systemctl set-environment LIBVIRT_DEBUG=1'\n",
            _pre_ask("ExecStartPre=/bin/sh -c 'systemctl set-environment LIBVIRT_DEBUG=1'"),
        ),
        # R47L-2: import-environment takes the command's own environment: asked
        (
            "ExecStartPre=/usr/bin/systemctl import-environment LIBVIRT_LOG_OUTPUTS\n",
            _pre_ask("ExecStartPre=/usr/bin/systemctl import-environment LIBVIRT_LOG_OUTPUTS"),
        ),
        # held: the unit's own Environment= over what ExecStartPre= sets
        (
            f"{PRE} LIBVIRT_LOG_OUTPUTS={FILE_LOG}\nEnvironment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            _verdicts("pass", UNIT_JOURNAL),
        ),
        # held: an empty ExecStartPre= resets the list
        (f"{PRE} LIBVIRT_LOG_OUTPUTS={FILE_LOG}\nExecStartPre=\n", _verdicts("pass", JOURNAL)),
        # held: another ExecStartPre= command
        ("ExecStartPre=/usr/bin/mkdir -p /run/libvirt\n", _verdicts("pass", JOURNAL)),
    ],
    ids=["set-environment", "prefixed-quoted", "shell", "import", "unit-wins", "reset", "other"],
)
def test_r47l2_exec_start_pre_set_environment(
    host_scan, unit: str, expected: dict[str, tuple[str, str]]
) -> None:
    """R47L-2: ExecStartPre=systemctl set-environment in libvirtd.service itself."""
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "libvirt-units": (str(UNITS[0]) + DROPIN + unit, 1, UNITS[2]),
        }
    )
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}


def _pass_ask(names: str) -> dict[str, tuple[str, str]]:
    unknown = (
        f"libvirtd.service's PassEnvironment= passes {names} from the service manager's own "
        "process environment (PID 1's, to which the kernel command line's NAME=VALUE words go; "
        "`tr '\\0' '\\n' </proc/1/environ` shows it), which was not collected"
    )
    return {
        "HVA-200": (
            "manual",
            f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its "
            f"log outputs are unknown ({unknown})",
        ),
        "HVA-213": (
            "manual",
            f"evidence unavailable: libvirtd is not running and {unknown}: the "
            "LIBVIRT_LOG_OUTPUTS its next start takes (which replaces log_outputs) is unknown, "
            "and so is whether libvirtd.service starts it with --config FILE (another file "
            "than /etc/libvirt/libvirtd.conf)",
        ),
    }


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        # R47L-3: PID 1's LIBVIRT_LOG_OUTPUTS (a kernel command line word) passed through
        ("PassEnvironment=LIBVIRT_LOG_OUTPUTS\n", _pass_ask("LIBVIRT_LOG_OUTPUTS")),
        # R47L-3: among other names, in two assignments (ExecStart='s $LIBVIRTD_ARGS the
        # unit's Environment= sets itself); a drop-in's ExecStart='s $OPTS too
        (
            "PassEnvironment=TERM LIBVIRT_DEBUG\nPassEnvironment=LIBVIRTD_ARGS OPTS\n"
            "ExecStart=\nExecStart=/usr/sbin/libvirtd $LIBVIRTD_ARGS ${OPTS}\n",
            _pass_ask("LIBVIRT_DEBUG, OPTS"),
        ),
        # R47L-3: over a value ExecStartPre= sets in the manager's environment
        (
            f"{PRE} LIBVIRT_LOG_OUTPUTS=3:journald\nPassEnvironment=LIBVIRT_LOG_OUTPUTS\n",
            _pass_ask("LIBVIRT_LOG_OUTPUTS"),
        ),
        # held: the unit's own Environment= over it
        (
            "PassEnvironment=LIBVIRT_LOG_OUTPUTS\nEnvironment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            _verdicts("pass", UNIT_JOURNAL),
        ),
        # held: reset by an empty PassEnvironment=; a name libvirt does not read
        (
            "PassEnvironment=LIBVIRT_DEBUG\nPassEnvironment=\nPassEnvironment=TERM\n",
            _verdicts("pass", JOURNAL),
        ),
        # held: unset by UnsetEnvironment=
        (
            "PassEnvironment=LIBVIRT_LOG_OUTPUTS\nUnsetEnvironment=LIBVIRT_LOG_OUTPUTS\n",
            _verdicts("pass", JOURNAL),
        ),
    ],
    ids=["pass", "several", "over-pre", "unit-wins", "reset", "unset"],
)
def test_r47l3_pass_environment(host_scan, unit: str, expected: dict[str, tuple[str, str]]) -> None:
    """R47L-3: PassEnvironment= takes PID 1's own environment, which no artefact holds."""
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "libvirt-units": (str(UNITS[0]) + DROPIN + unit, 1, UNITS[2]),
        }
    )
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}


K3S_PRE = "[Service]\nExecStartPre=/usr/bin/systemctl set-environment K3S_KUBECONFIG_MODE=644\n"


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        # R47L-2: k3s.service's own ExecStartPre= sets K3S_KUBECONFIG_MODE before ExecStart=
        (_k3s_unit(extra=K3S_PRE), EVERYONE),
        # R47L-2: through a shell: asked
        (
            _k3s_unit(
                extra="[Service]\nExecStartPre=/bin/sh -c 'systemctl set-environment "
                "K3S_KUBECONFIG_MODE=644'\n"
            ),
            (
                "manual",
                "evidence unavailable: k3s.service's ExecStartPre=/bin/sh -c 'systemctl "
                "set-environment K3S_KUBECONFIG_MODE=644' (in /etc/systemd/system/k3s.service) "
                "changes the service manager's environment at its start, in a "
                f"way hvaudit does not read: the mode and group k3s gives {K3S_YAML} at its next "
                "start are unknown",
            ),
        ),
        # held: the unit's own Environment= over it
        (_k3s_unit(extra=f"{K3S_PRE}Environment=K3S_KUBECONFIG_MODE=600\n"), PASS2),
    ],
    ids=["set-environment", "shell", "unit-wins"],
)
def test_r47l2_k3s_exec_start_pre(host_scan, unit: tuple[str, int, str], expected) -> None:
    """R47L-2: ExecStartPre=systemctl set-environment in k3s.service itself."""
    over: dict[str, object] = {
        **BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": unit,
    }
    assert _142(host_scan(over)) == expected


DEFAULT_FILE = 'LIBVIRT_LOG_OUTPUTS="1:file:/var/log/libvirt/libvirtd.log"\n'


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # R47L-4: /etc/default/%p is /etc/default/libvirtd, which was collected
        (
            "-/etc/default/%p",
            _verdicts(
                "fail",
                f"libvirtd (LIBVIRT_LOG_OUTPUTS in /etc/default/libvirtd): log_outputs "
                f"{FILE_LOG!r} writes only to files or stderr",
            ),
        ),
        # %N: asked here until R48L-4 (the name without its suffix in every systemd
        # release's code): /etc/default/libvirtd, a fail
        (
            "-/etc/default/%N",
            _verdicts(
                "fail",
                f"libvirtd (LIBVIRT_LOG_OUTPUTS in /etc/default/libvirtd): log_outputs "
                f"{FILE_LOG!r} writes only to files or stderr",
            ),
        ),
    ],
    ids=["prefix", "name"],
)
def test_r47l4_environment_file_specifiers(
    host_scan, spec: str, expected: dict[str, tuple[str, str]]
) -> None:
    """R47L-4: specifiers in libvirtd.service's EnvironmentFile= path."""
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "libvirt-units": (
                f"{UNITS[0]}{DROPIN}EnvironmentFile=\nEnvironmentFile={spec}\n",
                1,
                UNITS[2],
            ),
            "/etc/default/libvirtd": DEFAULT_FILE,
        }
    )
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
