"""Red-team round 45 probes: logging (r45-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), as round 44's probes: libvirtd idle (socket-activated, not running:
test_redteam13_host_probes IDLE_PROCS), so the environment its unit gives its next start
decides its log outputs and debug level. The service manager's environment as it stands is
the new artefact `systemctl show-environment` (systemd-manager-environment); the hardened
host has none (systemctl answers "command not found"), as a bundle collected before it.
Each test asserts the exact status and message of HVA-200 and HVA-213 (HVA-142 for k3s).

Findings (R45L-n):
- R45L-1 (false pass) HVA-200, HVA-213, HVA-142: the service manager's environment changed
  at run time (`systemctl set-environment LIBVIRT_LOG_OUTPUTS=1:file:...`, or
  `import-environment`) was not read (round 44's lead; the team decision: collect it). systemd
  src/core/unit.c unit_set_exec_params gives every service it starts the manager's
  manager_get_effective_environment, the DefaultEnvironment=/systemd.setenv= block merged
  with the client environment set-environment sets, and src/core/dbus-manager.c
  property_get_environment is what show-environment prints (both read with `find_string`).
  So `LIBVIRT_LOG_OUTPUTS=1:file:...` or `LIBVIRT_DEBUG=1` set there passed HVA-200 ("logs
  forwarded over TLS") and HVA-213 ("log_outputs unset (the journal)"), and
  `K3S_KUBECONFIG_MODE=644` passed HVA-142 with "2 administrative principal(s)". Now the
  collector runs `systemctl show-environment` and parse.host._manager_environment lays it
  over DefaultEnvironment= and systemd.setenv= (values in shell_maybe_quote's `$'...'` form
  decoded): these fail, naming "the service manager's environment (systemctl
  show-environment)"; where it gave no answer (exit 1, "Failed to connect to bus") an idle
  libvirtd's next start asks (HVA-200, HVA-213); a bundle without it keeps its old reading.

- R45L-2 (false pass) HVA-142: k3s.service's next-start reader (parse.host._k3s_unit_next)
  took an unknown manager environment as empty (round 44's lead): /etc/systemd/system.conf
  unreadable ("Permission denied"), or show-environment unanswered (R45L-1), passed "2
  administrative principal(s)" with k3s.yaml at 0600 now, where DefaultEnvironment= or
  set-environment may hold K3S_KUBECONFIG_MODE=644 (R44L-2's case: every user reads it after
  the next start). Now it asks, naming the variables k3s (K3S_KUBECONFIG_MODE,
  K3S_KUBECONFIG_GROUP, K3S_CONFIG_FILE) or its ExecStart= ($K3S_ARGS) reads that the unit
  neither sets nor unsets itself (its own win: systemd src/core/execute.c exec_child's
  strv_env_merge order, R44L-1) and why the manager's is unknown (_manager_env_unread).

- R45L-3 (wrong fail) HVA-142, HVA-213: ExecStart='s `:` prefix (round 44's lead) was
  stripped by parse.host._unit_args and _k3s_unit_next, which then put the unit's variables
  into the command line all the same. systemd.service(5): "If the executable path is prefixed
  with ":", environment variable substitution ... is not applied"; systemd
  src/core/load-fragment.c config_parse_exec sets EXEC_COMMAND_NO_ENV_EXPAND for it (read with
  `find_string`). So `ExecStart=:/usr/local/bin/k3s server $K3S_ARGS` with
  K3S_ARGS=--write-kubeconfig-mode=644 failed HVA-142 "ALL (every user)", and
  `ExecStart=:/usr/sbin/libvirtd $LIBVIRTD_ARGS` (also `-:`) with /etc/default/libvirtd's
  `--config OTHER` asked HVA-213 about a file libvirtd is never given. Now _no_env_expand
  keeps such words as written: both pass.

- R45L-4 (false pass) HVA-213: a running libvirtd whose environment was read without
  LIBVIRT_DEBUG, beside a debug-capable `1:journald` output, passed where its unit's next-start
  environment could not be told (system.conf unreadable, R44L-4; show-environment unanswered,
  R45L-1): parse.host._log_debug_env took that unknown environment as setting no
  LIBVIRT_DEBUG (round 44's lead), where the same DefaultEnvironment=LIBVIRT_DEBUG=1 read
  fails (R44L-1). Now the pair holds ENV_UNKNOWN, and HVA-213 asks where an output in force
  writes debug (LIBVIRT_DEBUG) or an output is at priority 1 (LIBVIRT_LOG_FILTERS), as
  checks.hardening._debug_output and _debug_filters judge the values read; R41L-2's `3:stderr`
  cases keep their own question.

Held (kept as tests): the unit's own `Environment=LIBVIRT_LOG_OUTPUTS=3:journald` over the
manager's run-time file output (pass); a show-environment holding only PATH and LANG (pass);
no systemctl (absent, the older bundle's reading: pass); for k3s (R45L-2), a unit that sets
or unsets every variable read (pass) and a k3s.yaml every user reads now (fail); for R45L-3, the same ExecStart= lines without `:`
(HVA-213 asks about the other file, HVA-142 fails "ALL (every user)"); for R45L-4, the
manager's environment read without LIBVIRT_DEBUG (pass) and with LIBVIRT_DEBUG=1 (fail).

Probed by script, then as these tests, on main (39f583f3): the set-environment, quoted and
debug cases passed HVA-200 and HVA-213, the unanswered one passed both, the k3s one passed
HVA-142; the four held cases pass there too. The R45L-2 cases on main (39f583f3): both passed
HVA-142 ("2 administrative principal(s)"); the two held cases pass there too. The R45L-3
cases on main (3a67dee2): the k3s one failed "ALL (every user)", the two libvirtd ones asked
HVA-213 about --config; the two held cases give the same there. The R45L-4 cases on main (64454db4): both passed
"libvirtd.conf: log_outputs '1:journald'"; the two held cases give the same there.

Tally: 4 findings: 3 false passes, 0 false n/a, 1 wrong fail; 22 cases in 8 test functions;
12 failed on main before the fixes (9 passed wrongly, 1 failed wrongly, 2 asked needlessly);
the 10 held pass there too.

Leads left:
- A show-environment that lacks a variable DefaultEnvironment= sets (a file edited since
  boot, or `systemctl unset-environment`): the file's value is kept (the team decision's
  overlay); which one libvirtd's next start gets is the running manager's.
- PassEnvironment=, %-specifiers in Environment= and ExecStart=: still not probed.
- A named /dev/log (SysSock.Name) with libvirt's outputs known to be the journal only still
  asks HVA-200 whether journald forwards (ForwardToSyslog=), a question that cannot settle
  it: nothing of libvirt's reaches that rsyslog; a fail needs the check to weigh the outputs.
- `ExecStartPre=... systemctl set-environment` in a unit (a common idiom) changes the
  manager's environment at the unit's own start, after show-environment was read.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam13_host_probes import IDLE_PROCS, UNITS
from test_redteam26_accounts_probes import BASE, EVERYONE, PASS2, _142
from test_redteam33_accounts_probes import K3S_YAML, _grep
from test_redteam34_accounts_probes import _k3s_unit

LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf"
FILE_LOG = "1:file:/var/log/libvirt/libvirtd.log"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
JOURNAL = "libvirtd.conf: log_outputs unset (the journal)"
UNIT_JOURNAL = (
    "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): log_outputs '3:journald'"
)
RUNTIME = "the service manager's environment (systemctl show-environment)"
BASE_ENV = "LANG=C.UTF-8\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
DROPIN = "\n# /etc/systemd/system/libvirtd.service.d/log.conf\n[Service]\n"
ENV = "systemd-manager-environment"


def scan(host_scan, show_env: object, unit: str = "", conf: str = ""):
    over: dict[str, object] = {
        "processes": IDLE_PROCS,
        "libvirt-units": (str(UNITS[0]) + (DROPIN + unit if unit else ""), 1, UNITS[2]),
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + conf,
        ENV: show_env,
    }
    return host_scan(over)


def _file_only(outputs: str) -> str:
    return (
        f"libvirtd (LIBVIRT_LOG_OUTPUTS in {RUNTIME}): log_outputs {outputs!r} writes only to "
        "files or stderr"
    )


@pytest.mark.parametrize(
    ("show_env", "unit", "outputs"),
    [
        # R45L-1: `systemctl set-environment LIBVIRT_LOG_OUTPUTS=1:file:...`
        ((f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS={FILE_LOG}\n", 0), "", FILE_LOG),
        # R45L-1: a value with a blank, printed in shell_maybe_quote's $'...' form
        (
            (f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=$'{FILE_LOG} 3:file:/var/log/x\\'s.log'\n", 0),
            "",
            f"{FILE_LOG} 3:file:/var/log/x's.log",
        ),
        # held: the unit's own Environment= overrides the manager's
        (
            (f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS={FILE_LOG}\n", 0),
            "Environment=LIBVIRT_LOG_OUTPUTS=3:journald\n",
            None,
        ),
        # held: PATH and LANG only (the manager's own)
        ((BASE_ENV, 0), "", None),
        # held: no systemctl to ask (and a bundle collected before R45L-1: the files alone)
        (None, "", None),
    ],
    ids=["set-environment", "quoted", "unit-wins", "plain", "absent"],
)
def test_r45l1_runtime_environment_outputs(
    host_scan, show_env: object, unit: str, outputs: str | None
) -> None:
    a = scan(host_scan, show_env, unit)
    if outputs is None:
        status, message200, message213 = "pass", OVER_TLS, JOURNAL
        if "LIBVIRT_LOG_OUTPUTS=3:journald" in unit:
            # the variable in force is named where it comes from (R52L-3)
            message213 = UNIT_JOURNAL
    else:
        status, message213 = "fail", _file_only(outputs)
        message200 = f"{OVER_TLS}, but carrying none of libvirt's messages: {message213}"
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-213") == {"hv1": message213}
    assert outcomes(a, "HVA-213") == {"hv1": status}


def test_r45l1_runtime_environment_debug(host_scan) -> None:
    """R45L-1: LIBVIRT_DEBUG=1 set in the manager's environment at run time."""
    a = scan(host_scan, (f"{BASE_ENV}LIBVIRT_DEBUG=1\n", 0), conf='log_outputs = "1:journald"\n')
    assert messages(a, "HVA-213") == {
        "hv1": f"LIBVIRT_DEBUG=1 in {RUNTIME} (debug, floods the log)"
    }
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}


NO_BUS = "Failed to connect to bus: Permission denied"
ASK200 = (
    f"{OVER_TLS}, but whether libvirt's messages reach them is not in the evidence: its log "
    "outputs are unknown ({unknown})"
)
ASK213 = (
    "evidence unavailable: libvirtd is not running and {unknown}: the LIBVIRT_LOG_OUTPUTS its "
    "next start takes (which replaces log_outputs) is unknown, and so is whether "
    "libvirtd.service starts it with --config FILE (another file than "
    "/etc/libvirt/libvirtd.conf)"
)


def test_r45l1_runtime_environment_unanswered(host_scan) -> None:
    """R45L-1: show-environment without an answer leaves an idle libvirtd's next start unknown
    (set-environment may have set LIBVIRT_LOG_OUTPUTS or LIBVIRTD_ARGS)."""
    a = scan(host_scan, ("", 1, f"{NO_BUS}\n"))
    unknown = (
        "the service manager's environment, which libvirtd.service's environment starts from, "
        f"is unknown: `systemctl show-environment` gave no answer (exit status 1: {NO_BUS})"
    )
    assert messages(a, "HVA-200") == {"hv1": ASK200.format(unknown=unknown)}
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-213") == {"hv1": ASK213.format(unknown=unknown)}
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}


@pytest.mark.parametrize(
    ("show_env", "unit", "expected"),
    [
        # R45L-1: `systemctl set-environment K3S_KUBECONFIG_MODE=644`
        ((f"{BASE_ENV}K3S_KUBECONFIG_MODE=644\n", 0), _k3s_unit(), EVERYONE),
        # held: the unit's own Environment= over it
        (
            (f"{BASE_ENV}K3S_KUBECONFIG_MODE=644\n", 0),
            _k3s_unit(extra="[Service]\nEnvironment=K3S_KUBECONFIG_MODE=600\n"),
            PASS2,
        ),
    ],
    ids=["set-environment", "unit-wins"],
)
def test_r45l1_k3s_runtime_environment(
    host_scan, show_env: object, unit: tuple[str, int, str], expected: tuple[str, str]
) -> None:
    over: dict[str, object] = {
        **BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": unit,
        ENV: show_env,
    }
    assert _142(host_scan(over)) == expected


SYSTEM_CONF = "/etc/systemd/system.conf"
WANTED = "K3S_KUBECONFIG_MODE, K3S_KUBECONFIG_GROUP, K3S_CONFIG_FILE"


def _k3s_ask(missing: str, why: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: k3s.service may take {missing} from the service manager's "
        f"environment, which is unknown ({why}): the mode and group k3s gives {K3S_YAML} at "
        "its next start are unknown",
    )


@pytest.mark.parametrize(
    ("system_conf", "show_env", "stat", "unit", "expected"),
    [
        # R45L-2: system.conf not read (R44L-4's case, for k3s)
        (
            PermissionError("Permission denied"),
            None,
            "600",
            _k3s_unit(),
            _k3s_ask(WANTED, f"{SYSTEM_CONF} was not read (Permission denied)"),
        ),
        # R45L-2: show-environment unanswered (R45L-1's case, for k3s); the unit's own
        # K3S_KUBECONFIG_MODE leaves the others in doubt, and ExecStart='s $K3S_ARGS
        (
            None,
            ("", 1, f"{NO_BUS}\n"),
            "600",
            _k3s_unit("$K3S_ARGS", extra="[Service]\nEnvironment=K3S_KUBECONFIG_MODE=600\n"),
            _k3s_ask(
                "K3S_KUBECONFIG_GROUP, K3S_CONFIG_FILE, K3S_ARGS",
                f"`systemctl show-environment` gave no answer (exit status 1: {NO_BUS})",
            ),
        ),
        # held: every variable read set or unset by the unit itself
        (
            None,
            ("", 1, f"{NO_BUS}\n"),
            "600",
            _k3s_unit(
                extra="[Service]\nEnvironment=K3S_KUBECONFIG_MODE=600 K3S_KUBECONFIG_GROUP=root\n"
                "UnsetEnvironment=K3S_CONFIG_FILE\n"
            ),
            PASS2,
        ),
        # held: readable by every user now, whatever the next start does
        (
            PermissionError("Permission denied"),
            None,
            "644",
            _k3s_unit(),
            EVERYONE,
        ),
    ],
    ids=["system-conf-denied", "show-environment-unanswered", "unit-sets-all", "world-now"],
)
def test_r45l2_k3s_manager_environment_unknown(
    host_scan,
    system_conf: object,
    show_env: object,
    stat: str,
    unit: tuple[str, int, str],
    expected: tuple[str, str],
) -> None:
    """R45L-2: k3s's next start where the manager's environment is unknown (R44L-4, R45L-1)."""
    over: dict[str, object] = {
        **BASE,
        "kube-admin-configs": (f"{stat} root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": unit,
        ENV: show_env,
    }
    if system_conf is not None:
        over[SYSTEM_CONF] = system_conf
    assert _142(host_scan(over)) == expected


OTHER = "/etc/libvirt/libvirtd-other.conf"
ASK_CONFIG = (
    f"evidence unavailable: libvirtd.service starts it with --config {OTHER} "
    f"(LIBVIRTD_ARGS='--config {OTHER}' in /etc/default/libvirtd), a file hvaudit does not "
    "collect: /etc/libvirt/libvirtd.conf is not what its next start reads"
)


@pytest.mark.parametrize(
    ("exec_start", "status", "message"),
    [
        # R45L-3: `:` before the program: $LIBVIRTD_ARGS reaches libvirtd as written
        (":/usr/sbin/libvirtd $LIBVIRTD_ARGS", "pass", JOURNAL),
        # R45L-3: with the other prefixes
        ("-:/usr/sbin/libvirtd $LIBVIRTD_ARGS", "pass", JOURNAL),
        # held: without it the variable is put in
        ("/usr/sbin/libvirtd $LIBVIRTD_ARGS", "manual", ASK_CONFIG),
    ],
    ids=["colon", "dash-colon", "expanded"],
)
def test_r45l3_exec_start_no_env_expand_libvirtd(
    host_scan, exec_start: str, status: str, message: str
) -> None:
    """R45L-3: ExecStart='s `:` prefix: no variable substitution (systemd.service(5))."""
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "libvirt-units": (
                f"{UNITS[0]}{DROPIN}ExecStart=\nExecStart={exec_start}\n",
                1,
                UNITS[2],
            ),
            "/etc/default/libvirtd": f'LIBVIRTD_ARGS="--config {OTHER}"\n',
        }
    )
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}


@pytest.mark.parametrize(
    ("colon", "expected"),
    [
        # R45L-3: `ExecStart=:/usr/local/bin/k3s server $K3S_ARGS`: k3s gets "$K3S_ARGS"
        (True, PASS2),
        # held: without `:` the variable's flag reaches k3s
        (False, EVERYONE),
    ],
    ids=["colon", "expanded"],
)
def test_r45l3_exec_start_no_env_expand_k3s(
    host_scan, colon: bool, expected: tuple[str, str]
) -> None:
    body, rc, err = _k3s_unit(
        "$K3S_ARGS", extra='[Service]\nEnvironment="K3S_ARGS=--write-kubeconfig-mode=644"\n'
    )
    if colon:
        body = body.replace("ExecStart=/", "ExecStart=:/")
    over: dict[str, object] = {
        **BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": (body, rc, err),
    }
    assert _142(host_scan(over)) == expected


JOURNAL_1 = "libvirtd.conf: log_outputs '1:journald'"
DEBUG_UNKNOWN = (
    "libvirtd.conf: log_outputs '1:journald' writes debug messages, and LIBVIRT_DEBUG at "
    "libvirtd.service's next start is unknown: {why}; LIBVIRT_LOG_FILTERS at libvirtd.service's "
    "next start is unknown: {why}"
)


@pytest.mark.parametrize(
    ("system_conf", "show_env", "status", "message"),
    [
        # R45L-4: the running daemon's environment read, its next start's unknown
        (
            PermissionError("Permission denied"),
            None,
            "manual",
            DEBUG_UNKNOWN.format(
                why="the service manager's DefaultEnvironment=, which libvirtd.service's "
                f"environment starts from, is unknown: {SYSTEM_CONF} was not read (Permission "
                "denied)"
            ),
        ),
        (
            None,
            ("", 1, f"{NO_BUS}\n"),
            "manual",
            DEBUG_UNKNOWN.format(
                why="the service manager's environment, which libvirtd.service's environment "
                "starts from, is unknown: `systemctl show-environment` gave no answer (exit "
                f"status 1: {NO_BUS})"
            ),
        ),
        # held: read, and setting no LIBVIRT_DEBUG
        ("[Manager]\n", (BASE_ENV, 0), "pass", JOURNAL_1),
        # held: read, LIBVIRT_DEBUG=1 there
        (
            "[Manager]\n",
            (f"{BASE_ENV}LIBVIRT_DEBUG=1\n", 0),
            "fail",
            f"LIBVIRT_DEBUG=1 in {RUNTIME} (debug, floods the log)",
        ),
    ],
    ids=["system-conf-denied", "show-environment-unanswered", "read", "read-debug"],
)
def test_r45l4_running_daemon_next_start_debug(
    host_scan, system_conf: object, show_env: object, status: str, message: str
) -> None:
    """R45L-4: a running libvirtd (its environment read, no LIBVIRT_DEBUG) whose next start's
    environment is unknown, through a debug-capable `1:journald` output."""
    over: dict[str, object] = {
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + 'log_outputs = "1:journald"\n',
        "libvirt-environ-700": ("", 1),
        ENV: show_env,
    }
    if system_conf is not None:
        over[SYSTEM_CONF] = system_conf
    a = host_scan(over)
    assert messages(a, "HVA-213") == {"hv1": message}
    assert outcomes(a, "HVA-213") == {"hv1": status}
