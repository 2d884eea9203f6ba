"""Red-team round 44 probes: logging (r44-logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), as round 43's probes: libvirtd idle (socket-activated, not running:
test_redteam13_host_probes IDLE_PROCS), so the environment its unit gives its next start
decides its log outputs and debug level; the service manager's environment is set by
/etc/systemd/system.conf's `DefaultEnvironment=`, a system.conf.d drop-in, or the kernel
command line's `systemd.setenv=`. libvirtd.conf's log_outputs is unset (the journal) or
`1:journald` (an output writing debug). Each test asserts the exact status and message of
HVA-200 and HVA-213.

Findings (R44L-n):
- R44L-1 (false pass) HVA-200, HVA-213: the service manager's environment was not read
  (parse.host._daemon_unit_env took the unit's Environment=, EnvironmentFile= and
  UnsetEnvironment= only). systemd-system.conf(5) DefaultEnvironment= "Sets manager
  environment variables passed to all executed processes", systemd.exec(5) names it and the
  kernel's systemd.setenv= "to specify variables globally" (the man page changes of 2013, read
  with `search`); systemd src/core/main.c parse_proc_cmdline_item puts systemd.setenv= into
  the same arg_default_environment after the files, and src/core/execute.c exec_child merges
  the manager's environment first (strv_env_merge(params->environment, ..., context->
  environment, files_env); both read with `find_string`). So
  `DefaultEnvironment="LIBVIRT_LOG_OUTPUTS=1:file:..."` (main file or drop-in) or
  `systemd.setenv=LIBVIRT_LOG_OUTPUTS=1:file:...` passed HVA-200 ("logs forwarded over TLS")
  and HVA-213 ("log_outputs unset (the journal)") where libvirtd's next start writes a file
  only (virdaemon.c "cmdline > environment > config"), and `DefaultEnvironment=LIBVIRT_DEBUG=1`
  passed HVA-213 through a `1:journald` output flooded at debug. Now
  parse.host._manager_environment reads both, and _daemon_unit_env lays the unit's environment
  over it: these fail, naming where the variable is set. The same environment gives the
  unit's `$LIBVIRTD_ARGS` (ExecStart=) its value where /etc/default/libvirtd sets none.
- R44L-2 (false pass) HVA-142: k3s.service's next-start environment (parse.host._k3s_unit_next,
  a reader of its own) did not take the service manager's either: `DefaultEnvironment=
  K3S_KUBECONFIG_MODE=644` in system.conf, or `systemd.setenv=K3S_KUBECONFIG_MODE=644`, passed
  "2 administrative principal(s)" with k3s.yaml at 0600 now, where k3s's next start makes it
  readable by every user (the K3S_KUBECONFIG_MODE variable of R34A-1). Now it lays the unit's
  environment over _manager_environment's: fails "ALL (every user)".
- R44L-3 (wrong fail) HVA-142: the same reader ignored the unit's UnsetEnvironment= (round
  43's lead): `Environment=K3S_KUBECONFIG_MODE=644` with `UnsetEnvironment=K3S_KUBECONFIG_MODE`,
  or an ExecStart= `$K3S_ARGS` whose variable the unit unsets, failed "ALL (every user)".
  systemd src/core/execute.c exec_child (read with `find_string`) deletes
  context->unset_environment from the environment and only then expands the command line
  (replace_env_argv), so neither reaches k3s. Now _k3s_unit_next removes them
  (_unset_environment, shared with _daemon_unit_env) before expanding ExecStart=: both pass.
- R44L-4 (false pass) HVA-200, HVA-213: /etc/systemd/system.conf unreadable ("Permission
  denied") or its system.conf.d drop-ins unanswered (grep exit 2) left the manager's
  environment read as empty, and an idle libvirtd's next start passed both checks from its
  unit alone, where a DefaultEnvironment= there may set LIBVIRT_LOG_OUTPUTS (R44L-1) or
  LIBVIRTD_ARGS, as R41L-2 asks for DefaultStandardError=. Now _daemon_unit_env gives why
  (_manager_defaults_unread) where the unit's environment is otherwise read: HVA-200 asks
  which outputs are in force, HVA-213 asks (through the unit's `$LIBVIRTD_ARGS`).

Held (kept as tests): the unit's own `Environment=LIBVIRT_LOG_OUTPUTS=3:journald` over the
manager's file output (pass); the unit's `UnsetEnvironment=LIBVIRT_LOG_OUTPUTS` removing the
manager's (pass, the file's journal); a drop-in's empty `DefaultEnvironment=` resetting the
main file's list (pass); for k3s (R44L-2), the unit's `Environment=K3S_KUBECONFIG_MODE=600`
over the manager's 644 (pass) and an ExecStart= `$K3S_ARGS` the unit does not unset (fail).

Probed by script, then as these tests, on main (279e8988): the four R44L-1 cases passed both
checks (DefaultEnvironment=LIBVIRTD_ARGS=--listen was seen to give no `--listen` by script as
well, not kept: another area's check); the R44L-2 and R44L-3 cases on main (d2336b85,
R44L-1 landed): the two manager cases passed, the two UnsetEnvironment= cases failed; the
R44L-4 cases on main (c3800a0c): both passed both checks.

Tally: 4 findings: 3 false passes, 0 false n/a, 1 wrong fail; 15 cases in 4 test functions;
10 failed on main before the fixes (8 passed wrongly, 2 failed wrongly); the 5 held pass
there too.

Leads left:
- ExecStart='s `:` prefix (systemd.service(5): no environment variable substitution) is
  stripped by _unit_args and _k3s_unit_next, which then expand `$VAR` all the same: not probed.
- The manager's environment changed at run time (`systemctl set-environment`,
  `systemctl import-environment`) is not collected (`systemctl show-environment` would give
  it); whether a question is due where it is unknown is a team decision.
- R44L-4's question is asked whatever variable is in doubt (even one the unit sets itself,
  which wins): a narrower one per variable would need _daemon_unit_env's callers to weigh it.
  _log_debug_env takes such an unread environment as no LIBVIRT_DEBUG (the file's level
  counts), so LIBVIRT_DEBUG=1 there is not asked about. The k3s reader (R44L-2) does not ask
  either.
- PassEnvironment= (the manager process's own environment) and the %-specifiers in
  Environment= values: still not probed.
- Round 41's legacy imjournal/imklog directives a module() statement drops, and a named
  /dev/log with libvirt's outputs known (journal only): still not probed.
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
DROPIN_D = "/etc/systemd/system.conf.d/50-env.conf"
CMDLINE = str(HARDENED_HOST["/proc/cmdline"]).strip()
FILE_LOG = "1:file:/var/log/libvirt/libvirtd.log"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
JOURNAL = "libvirtd.conf: log_outputs unset (the journal)"
UNIT_JOURNAL = (
    "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): log_outputs '3:journald'"
)
FILE_ONLY = (
    "libvirtd (LIBVIRT_LOG_OUTPUTS in {where}): log_outputs "
    f"'{FILE_LOG}' writes only to files or stderr"
)
DROPIN = "\n# /etc/systemd/system/libvirtd.service.d/log.conf\n[Service]\n"


def scan(
    host_scan,
    system_conf: str | None = None,
    dropins: str | None = None,
    cmdline: str = "",
    unit: str = "",
    conf: str = "",
):
    over: dict[str, object] = {
        "processes": IDLE_PROCS,
        "libvirt-units": (str(UNITS[0]) + (DROPIN + unit if unit else ""), 1, UNITS[2]),
        LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + conf,
        "/proc/cmdline": f"{CMDLINE}{cmdline}\n",
    }
    if system_conf is not None:
        over[SYSTEM_CONF] = system_conf
    if dropins is not None:
        over["system-conf-d"] = (dropins, 0)
    return host_scan(over)


MANAGER_FILE = f'[Manager]\nDefaultEnvironment="LIBVIRT_LOG_OUTPUTS={FILE_LOG}" TZ=UTC\n'


@pytest.mark.parametrize(
    ("system_conf", "dropins", "cmdline", "unit", "where"),
    [
        # R44L-1: system.conf's DefaultEnvironment= is the next start's environment
        (MANAGER_FILE, None, "", "", f"{SYSTEM_CONF} DefaultEnvironment="),
        # R44L-1: so is a system.conf.d drop-in's
        (
            None,
            f"{DROPIN_D}:[Manager]\n{DROPIN_D}:DefaultEnvironment=LIBVIRT_LOG_OUTPUTS={FILE_LOG}\n",
            "",
            "",
            f"{DROPIN_D} DefaultEnvironment=",
        ),
        # R44L-1: and the kernel command line's systemd.setenv=
        (
            None,
            None,
            f" systemd.setenv=LIBVIRT_LOG_OUTPUTS={FILE_LOG}",
            "",
            "the kernel command line's systemd.setenv=",
        ),
        # held: the unit's own Environment= overrides the manager's
        (MANAGER_FILE, None, "", "Environment=LIBVIRT_LOG_OUTPUTS=3:journald\n", None),
        # held: the unit's UnsetEnvironment= removes the manager's too (the file's journal)
        (MANAGER_FILE, None, "", "UnsetEnvironment=LIBVIRT_LOG_OUTPUTS\n", None),
        # held: a drop-in's empty DefaultEnvironment= resets the main file's list
        (MANAGER_FILE, f"{DROPIN_D}:[Manager]\n{DROPIN_D}:DefaultEnvironment=\n", "", "", None),
    ],
    ids=["system-conf", "dropin", "setenv", "unit-wins", "unit-unsets", "dropin-reset"],
)
def test_r44l1_manager_environment_outputs(
    host_scan,
    system_conf: str | None,
    dropins: str | None,
    cmdline: str,
    unit: str,
    where: str | None,
) -> None:
    a = scan(host_scan, system_conf, dropins, cmdline, unit)
    if where is None:
        status, message200, message213 = "pass", OVER_TLS, JOURNAL
        if "LIBVIRT_LOG_OUTPUTS=3:journald" in unit:
            # the variable in force is named where it comes from (R52L-3)
            message213 = UNIT_JOURNAL
    else:
        status, message213 = "fail", FILE_ONLY.format(where=where)
        message200 = f"{OVER_TLS}, but carrying none of libvirt's messages: {message213}"
    assert messages(a, "HVA-200") == {"hv1": message200}
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-213") == {"hv1": message213}
    assert outcomes(a, "HVA-213") == {"hv1": status}


def test_r44l1_manager_environment_debug(host_scan) -> None:
    """R44L-1: LIBVIRT_DEBUG=1 in the manager's DefaultEnvironment= is the next start's level."""
    a = scan(
        host_scan,
        "[Manager]\nDefaultEnvironment=LIBVIRT_DEBUG=1\n",
        conf='log_outputs = "1:journald"\n',
    )
    assert messages(a, "HVA-213") == {
        "hv1": f"LIBVIRT_DEBUG=1 in {SYSTEM_CONF} DefaultEnvironment= (debug, floods the log)"
    }
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}


K3S_644 = "K3S_KUBECONFIG_MODE=644"


@pytest.mark.parametrize(
    ("system_conf", "cmdline", "unit", "expected"),
    [
        # R44L-2: the manager's DefaultEnvironment= gives k3s's next start its mode
        (f"[Manager]\nDefaultEnvironment={K3S_644}\n", "", _k3s_unit(), EVERYONE),
        # R44L-2: so does the kernel command line's systemd.setenv=
        (None, f" systemd.setenv={K3S_644}", _k3s_unit(), EVERYONE),
        # R44L-2: the unit's UnsetEnvironment= removes its own Environment= variable
        (
            None,
            "",
            _k3s_unit(
                extra=f"[Service]\nEnvironment={K3S_644}\nUnsetEnvironment=K3S_KUBECONFIG_MODE\n"
            ),
            PASS2,
        ),
        # R44L-2: and the variable before ExecStart= takes it (exec_child's order)
        (
            None,
            "",
            _k3s_unit(
                "$K3S_ARGS",
                extra='[Service]\nEnvironment="K3S_ARGS=--write-kubeconfig-mode=644"\n'
                "UnsetEnvironment=K3S_ARGS\n",
            ),
            PASS2,
        ),
        # held: the unit's own Environment= over the manager's
        (
            f"[Manager]\nDefaultEnvironment={K3S_644}\n",
            "",
            _k3s_unit(extra="[Service]\nEnvironment=K3S_KUBECONFIG_MODE=600\n"),
            PASS2,
        ),
        # held: the variable the unit passes in ExecStart= without an UnsetEnvironment=
        (
            None,
            "",
            _k3s_unit(
                "$K3S_ARGS", extra='[Service]\nEnvironment="K3S_ARGS=--write-kubeconfig-mode=644"\n'
            ),
            EVERYONE,
        ),
    ],
    ids=["system-conf", "setenv", "unset-environment", "unset-execstart", "unit-wins", "execstart"],
)
def test_r44l2_k3s_manager_environment(
    host_scan,
    system_conf: str | None,
    cmdline: str,
    unit: tuple[str, int, str],
    expected: tuple[str, str],
) -> None:
    """R44L-2: k3s.service's next start (HVA-142's kubeconfig mode) under the manager's
    environment and its UnsetEnvironment=, as libvirtd's (R44L-1, R43L-1)."""
    over: dict[str, object] = {
        **BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(),
        "k3s-service-unit-files": unit,
        "/proc/cmdline": f"{CMDLINE}{cmdline}\n",
    }
    if system_conf is not None:
        over[SYSTEM_CONF] = system_conf
    assert _142(host_scan(over)) == expected


DENIED = "grep: /etc/systemd/system.conf.d/50-env.conf: Permission denied"
UNKNOWN = (
    "the service manager's DefaultEnvironment=, which libvirtd.service's environment starts "
    "from, is unknown: {why}"
)
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


@pytest.mark.parametrize(
    ("system_conf", "dropins", "why"),
    [
        # R44L-4: system.conf not read: its DefaultEnvironment= may set the outputs
        (
            PermissionError("Permission denied"),
            None,
            f"{SYSTEM_CONF} was not read (Permission denied)",
        ),
        # R44L-4: the drop-ins not read (grep exit 2)
        (
            "[Manager]\n",
            ("", 2, f"{DENIED}\n"),
            f"the system.conf.d drop-ins were not read (exit status 2: {DENIED})",
        ),
    ],
    ids=["system-conf-denied", "dropins-denied"],
)
def test_r44l4_manager_environment_unread(
    host_scan, system_conf: object, dropins: tuple[object, ...] | None, why: str
) -> None:
    """R44L-4: the manager's environment not read leaves an idle libvirtd's next start
    unknown (its DefaultEnvironment= may set LIBVIRT_LOG_OUTPUTS or LIBVIRTD_ARGS)."""
    over: dict[str, object] = {"processes": IDLE_PROCS, "libvirt-units": UNITS}
    over[SYSTEM_CONF] = system_conf
    if dropins is not None:
        over["system-conf-d"] = dropins
    a = host_scan(over)
    unknown = UNKNOWN.format(why=why)
    assert messages(a, "HVA-200") == {"hv1": ASK200.format(unknown=unknown)}
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-213") == {"hv1": ASK213.format(unknown=unknown)}
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}
