"""Red-team round 34 probes: who administers the hypervisor (r34accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R34A-n):
- R34A-1 (false pass) HVA-142: k3s's admin kubeconfig was judged by the mode its next start
  gives it from config.yaml and k3s.service.env only (R33A-5). The installer writes
  INSTALL_K3S_EXEC's words into k3s.service's ExecStart= (k3s install.sh
  create_systemd_service_file: `ExecStart=${BIN_DIR}/k3s \\` then CMD_K3S_EXEC, the words
  quoted, one a line), and the command line's flags override config.yaml's
  (pkg/configfilearg/parser.go Parse: the file's flags are put "directly after" the
  subcommand, "the non-config file flags will override"); the unit's environment
  (Environment=, EnvironmentFile=-/etc/default/%N and -/etc/sysconfig/%N: systemd.unit(5)
  "%N": "Same as "%n", but with the type suffix removed") gives K3S_KUBECONFIG_MODE and
  K3S_CONFIG_FILE (pkg/cli/cmds/server.go EnvVar; pkg/cli/cmds/config.go ConfigFlag
  `config,c`, EnvVar K3S_CONFIG_FILE; parser.go findConfigFileFlag: the variable first, then
  `--config`/`-c`, else /etc/rancher/k3s/config.yaml). A kubeconfig chmod'ed 0600 since k3s
  started, with `--write-kubeconfig-mode 644` (or `=0640` and `--write-kubeconfig-group
  staff`) in ExecStart=, or K3S_KUBECONFIG_MODE=644 in Environment= or /etc/default/k3s,
  passed "2 administrative principal(s)"; so did a 0644 mode in a configuration file the
  unit names with --config or K3S_CONFIG_FILE, which hvaudit never read. Now `systemctl cat
  k3s.service` is collected (collect.host "k3s-service-unit-files") with /etc/default/k3s
  and /etc/sysconfig/k3s, the unit's environment and flags are applied over config.yaml
  (parse.host._k3s_unit_next), and another configuration file, or an EnvironmentFile= not
  collected, is a manual outcome naming it, unless every user reads the kubeconfig now.
- R34A-2 (false pass) HVA-142: of RKE2's next start only config.yaml's write-kubeconfig-mode
  was read (R33A-5). `rke2 server` copies k3s's write-kubeconfig-group flag too (rancher/rke2
  pkg/cli/cmds/server.go k3sServerBase: "write-kubeconfig-group": copyFlag), and its flags'
  variables take RKE2's name (`rke2 server --help`: [$RKE2_KUBECONFIG_MODE],
  [$RKE2_KUBECONFIG_GROUP], [$RKE2_CONFIG_FILE]), which rke2-server.service's environment files
  give it (bundle/lib/systemd/system/rke2-server.service: EnvironmentFile=-/etc/default/
  rke2-server, -/etc/sysconfig/rke2-server, -/usr/local/lib/systemd/system/rke2-server.env).
  An rke2.yaml chmod'ed 0600 since, with config.yaml's `"0640"` and group staff, or
  RKE2_KUBECONFIG_MODE=0644 in /etc/sysconfig/rke2-server (the RPM install's place), or a
  drop-in's ExecStart= `--write-kubeconfig-mode=644`, passed "2 administrative
  principal(s)". Now rke2-server.service is read as R34A-1 reads k3s.service (collect.host
  "k3s-service-unit-files" cats both; its three environment files are collected with
  k3s's configuration), with the group key and RKE2's variable names.
- R34A-3 (false pass) HVA-142: MicroK8s's kubelet, kube-proxy and scheduler kubeconfigs
  counted only where args/kube-apiserver said `--authorization-mode=...AlwaysAllow` on a line
  of its own, the last such line winning (R33A-6). Without the flag (and without
  --authorization-config) kube-apiserver allows every request (kubernetes
  pkg/kubeapiserver/options/authorization.go Complete: `if len(o.AuthorizationConfigurationFile)
  == 0 && len(o.Modes) == 0 { o.Modes = []string{authzmodes.ModeAlwaysAllow} }`); kubelite
  splits each line of the file at spaces (canonical/microk8s kubelite options ReadArgsFromFile),
  so `--authorization-mode AlwaysAllow` is the flag and its value; and the flag is a pflag
  string slice whose later uses append (spf13/pflag string_slice.go stringSliceValue.Set:
  `*s.value = append(*s.value, v...)` once changed), so `=AlwaysAllow` then `=RBAC,Node` keeps
  AlwaysAllow first. A 0644 scheduler.config passed "2 administrative principal(s)" in each.
  Now the file is read as kubelite reads it and the flag as pflag does
  (parse.host._microk8s_always_allow).
- R34A-4 (false pass) HVA-142: where args/kube-apiserver could not be read, or named an
  --authorization-config file (structured authorization, which hvaudit does not collect),
  MicroK8s's component kubeconfigs were not counted and nothing was asked: a 0644
  scheduler.config, or a kubelet.config of group staff, passed "2 administrative
  principal(s)" though the API server may allow every request (R34A-3). Now a manual outcome
  names the file and who reads the kubeconfigs (parse.host._microk8s_authz_unknown), unless
  only root reads them.

Held (kept as tests): the installer's unit without a mode flag and config.yaml's "0600" add
no one; `-c /etc/rancher/k3s/config.yaml` (the default file itself) reads the collected file;
a configuration file hvaudit does not read beside a kubeconfig every user reads now fails as
before; RKE2's shipped unit with config.yaml's "0600" adds no one, nor does k3s's variable
name (K3S_KUBECONFIG_MODE) in rke2-server's environment; MicroK8s's `--authorization-mode
RBAC,Node` (space-separated) and a commented-out AlwaysAllow line add no one, nor does an
unreadable args file where only root reads the component kubeconfigs.

Probed by script (not kept): `systemctl cat` with no k3s.service ("No files found for
k3s.service.", exit 1) keeps R33A-5's reading of k3s.service.env; a bundle of an older
hvaudit (no k3s-service-unit-files artefact) likewise; a failed bus connection ("Failed to
connect to bus", exit 1) is a manual outcome naming it.

Tally: 4 findings (4 false passes, R34A-1 with one wrong fail of the same cause: config.yaml's
0644 counted where ExecStart='s `--write-kubeconfig-mode 600` wins); 30 cases, 22 failed on main
before the fixes (R34A-1: 11, 10 false passes or missing questions and 1 wrong fail; R34A-2: 6;
R34A-3: 3; R34A-4: 2), 8 held.

Leads left:
- HVA-142: OpenRC's k3s (/etc/init.d/k3s command_args, /etc/rancher/k3s/k3s.env) is not
  read; the RPM's rke2-server.service under /usr/lib/systemd/system names its own environment
  file (an uncollected EnvironmentFile= is a question). An older rke2 without the group flag
  skips the key (configfilearg stripInvalidFlags): counted, the release is not collected.
- HVA-142: k3s's `--write-kubeconfig`/K3S_KUBECONFIG_OUTPUT: k3s.yaml becomes a symlink to the
  output (pkg/server/server.go writeConfigSymlink) and `stat -L` follows it; a plain k3s.yaml
  left beside a new output path (the flag added since the last start) is not weighed.
- HVA-142: MicroK8s's --authorization-config file is asked about, not read (its authorizers
  in order, an AlwaysAllow-like webhook).
- From round 33: old k3s releases' 0644 default, MicroK8s's dqlite cluster.key and kine.sock, dockerd
  `--tls` alone (team decision), rootless user units, CRI-O's --listen, polkit isInGroup on a
  second gid name, systemd alias units, Pacemaker enable-acl, nss-systemd tss.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, PASS2, _142
from test_redteam33_accounts_probes import K3S_CONFIG, K3S_YAML, _grep

# k3s install.sh create_systemd_service_file, with INSTALL_K3S_EXEC's words as the installer
# quotes them (quote_indent: one a line, single-quoted, each line ending in a backslash)
K3S_SERVICE_HEAD = (
    "# /etc/systemd/system/k3s.service\n"
    "[Unit]\nDescription=Lightweight Kubernetes\nDocumentation=https://k3s.io\n"
    "Wants=network-online.target\nAfter=network-online.target\n\n"
    "[Install]\nWantedBy=multi-user.target\n\n"
    "[Service]\nType=notify\nEnvironmentFile=-/etc/default/%N\n"
    "EnvironmentFile=-/etc/sysconfig/%N\n"
    "EnvironmentFile=-/etc/systemd/system/k3s.service.env\n"
    "KillMode=process\nDelegate=yes\nTimeoutStartSec=0\nRestart=always\nRestartSec=5s\n"
    "ExecStartPre=-/sbin/modprobe br_netfilter\nExecStartPre=-/sbin/modprobe overlay\n"
    "ExecStart=/usr/local/bin/k3s \\\n    server \\\n"
)


def _k3s_unit(*words: str, extra: str = "") -> tuple[str, int, str]:
    body = K3S_SERVICE_HEAD + "".join(f"\t'{w}' \\\n" for w in words) + "\n" + extra
    return body, 0, ""


def _scan(host_scan, stat: str, config: tuple[str, int, str], unit: tuple[str, int, str]):
    over = {
        **BASE,
        "kube-admin-configs": (f"{stat} {K3S_YAML}\n", 0, ""),
        "k3s-config": config,
        "k3s-service-unit-files": unit,
    }
    return _142(host_scan(over))


NO_CONFIG = _grep()
DEFAULT_K3S = "/etc/default/k3s"
OTHER_CONFIG = "/srv/k3s/config.yaml"


def _unread(what: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: {what}, which hvaudit does not read: the mode and group k3s "
        f"gives {K3S_YAML} at its next start are unknown",
    )


@pytest.mark.parametrize(
    ("stat", "config", "unit", "expected"),
    [
        # INSTALL_K3S_EXEC="--write-kubeconfig-mode 644": the next start chmods it 0644
        ("600 root root", NO_CONFIG, _k3s_unit("--write-kubeconfig-mode", "644"), EVERYONE),
        ("600 root root", NO_CONFIG, _k3s_unit("--write-kubeconfig-mode=0644"), EVERYONE),
        # Go's flag package takes one dash as two
        ("600 root root", NO_CONFIG, _k3s_unit("-write-kubeconfig-mode", "644"), EVERYONE),
        (
            "600 root root",
            NO_CONFIG,
            _k3s_unit("--write-kubeconfig-mode=0640", "--write-kubeconfig-group", "staff"),
            FAIL4,
        ),
        # the command line overrides config.yaml's 0600
        (
            "600 root root",
            _grep((K3S_CONFIG, 'write-kubeconfig-mode: "0600"\n')),
            _k3s_unit("--write-kubeconfig-mode", "644"),
            EVERYONE,
        ),
        # the unit's own environment: Environment=, and /etc/default/%N
        (
            "600 root root",
            NO_CONFIG,
            _k3s_unit(extra='[Service]\nEnvironment="K3S_KUBECONFIG_MODE=644"\n'),
            EVERYONE,
        ),
        (
            "600 root root",
            _grep((DEFAULT_K3S, "K3S_KUBECONFIG_MODE=644\n")),
            _k3s_unit(),
            EVERYONE,
        ),
        # another configuration file: not collected, a question
        (
            "600 root root",
            NO_CONFIG,
            _k3s_unit("--config", OTHER_CONFIG),
            _unread(f"k3s.service's next start reads its configuration from {OTHER_CONFIG}"),
        ),
        (
            "600 root root",
            NO_CONFIG,
            _k3s_unit(extra=f"[Service]\nEnvironment=K3S_CONFIG_FILE={OTHER_CONFIG}\n"),
            _unread(f"k3s.service's next start reads its configuration from {OTHER_CONFIG}"),
        ),
        # an EnvironmentFile= hvaudit does not collect
        (
            "600 root root",
            NO_CONFIG,
            _k3s_unit(extra="[Service]\nEnvironmentFile=/srv/k3s/env\n"),
            _unread("k3s.service reads EnvironmentFile=/srv/k3s/env"),
        ),
        # held: the installer's unit without a mode, config.yaml's 0600: no one
        (
            "600 root root",
            _grep((K3S_CONFIG, 'write-kubeconfig-mode: "0600"\n')),
            _k3s_unit(),
            PASS2,
        ),
        # the command line's 600 over config.yaml's 0644 (a wrong fail on main)
        (
            "600 root root",
            _grep((K3S_CONFIG, 'write-kubeconfig-mode: "0644"\n')),
            _k3s_unit("--write-kubeconfig-mode", "600"),
            PASS2,
        ),
        # held: --config naming the default file reads the collected one
        (
            "600 root root",
            _grep((K3S_CONFIG, 'write-kubeconfig-mode: "0600"\n')),
            _k3s_unit("-c", K3S_CONFIG),
            PASS2,
        ),
        # held: an unread file beside a kubeconfig every user reads now fails as before
        ("644 root root", NO_CONFIG, _k3s_unit("--config", OTHER_CONFIG), EVERYONE),
    ],
    ids=[
        "execstart-mode-644",
        "execstart-mode-equals-0644",
        "execstart-one-dash",
        "execstart-0640-group-staff",
        "execstart-over-config-yaml",
        "unit-environment",
        "etc-default-k3s",
        "other-config-flag",
        "other-config-env",
        "unread-environment-file",
        "held-installer-unit-0600",
        "execstart-600-over-config",
        "held-config-flag-default-path",
        "held-unread-world-readable-now",
    ],
)
def test_k3s_unit_next_start(
    host_scan,
    stat: str,
    config: tuple[str, int, str],
    unit: tuple[str, int, str],
    expected: tuple[str, str],
) -> None:
    """R34A-1 (false pass) HVA-142. k3s.service's ExecStart= flags (the installer's
    INSTALL_K3S_EXEC) override config.yaml (k3s pkg/configfilearg/parser.go Parse), and its
    environment (Environment=, /etc/default/%N) gives K3S_KUBECONFIG_MODE and K3S_CONFIG_FILE
    (pkg/cli/cmds/server.go, config.go): a kubeconfig chmod'ed 0600 since passed "2
    administrative principal(s)" though the next start makes it 0644 or 0640 group staff.
    Another configuration file, or an environment file not collected, is a question unless
    every user reads the kubeconfig now."""
    assert _scan(host_scan, stat, config, unit) == expected


RKE2_YAML = "/etc/rancher/rke2/rke2.yaml"
RKE2_CONFIG = "/etc/rancher/rke2/config.yaml"
# rancher/rke2 bundle/lib/systemd/system/rke2-server.service (abridged)
RKE2_SERVICE = (
    "# /usr/local/lib/systemd/system/rke2-server.service\n"
    "[Unit]\nDescription=Rancher Kubernetes Engine v2 (server)\nConflicts=rke2-agent.service\n\n"
    "[Install]\nWantedBy=multi-user.target\n\n"
    "[Service]\nEnvironmentFile=-/etc/default/rke2-server\n"
    "EnvironmentFile=-/etc/sysconfig/rke2-server\n"
    "EnvironmentFile=-/usr/local/lib/systemd/system/rke2-server.env\n"
    "KillMode=process\nDelegate=yes\nTimeoutStartSec=0\nRestart=always\nRestartSec=5s\n"
    "ExecStartPre=-/sbin/modprobe br_netfilter\nExecStartPre=-/sbin/modprobe overlay\n"
    "ExecStart=/usr/local/bin/rke2 server\n"
)


def _rke2_unit(extra: str = "") -> tuple[str, int, str]:
    """`systemctl cat k3s.service rke2-server.service` on an RKE2 server (no k3s.service)."""
    return RKE2_SERVICE + extra, 1, "No files found for k3s.service.\n"


@pytest.mark.parametrize(
    ("config", "unit", "expected"),
    [
        # rke2 copies k3s's write-kubeconfig-group flag: the next start chgrps it to staff
        (
            _grep((RKE2_CONFIG, 'write-kubeconfig-mode: "0640"\nwrite-kubeconfig-group: staff\n')),
            _rke2_unit(),
            FAIL4,
        ),
        # RKE2_KUBECONFIG_MODE in the unit's environment files (the RPM's /etc/sysconfig)
        (
            _grep(("/etc/sysconfig/rke2-server", "RKE2_KUBECONFIG_MODE=0644\n")),
            _rke2_unit(),
            EVERYONE,
        ),
        (
            _grep(("/usr/local/lib/systemd/system/rke2-server.env", "RKE2_KUBECONFIG_MODE=644\n")),
            _rke2_unit(),
            EVERYONE,
        ),
        (
            _grep(
                (
                    "/etc/default/rke2-server",
                    "RKE2_KUBECONFIG_MODE=0640\nRKE2_KUBECONFIG_GROUP=staff\n",
                )
            ),
            _rke2_unit(),
            FAIL4,
        ),
        # a drop-in's ExecStart= flag over config.yaml's 0600
        (
            _grep((RKE2_CONFIG, 'write-kubeconfig-mode: "0600"\n')),
            _rke2_unit(
                "\n# /etc/systemd/system/rke2-server.service.d/override.conf\n[Service]\n"
                "ExecStart=\nExecStart=/usr/local/bin/rke2 server --write-kubeconfig-mode=644\n"
            ),
            EVERYONE,
        ),
        # another configuration file (RKE2_CONFIG_FILE): a question
        (
            NO_CONFIG,
            _rke2_unit(
                "\n# /etc/systemd/system/rke2-server.service.d/cfg.conf\n[Service]\n"
                "Environment=RKE2_CONFIG_FILE=/srv/rke2.yaml\n"
            ),
            (
                "manual",
                "evidence unavailable: rke2-server.service's next start reads its "
                "configuration from /srv/rke2.yaml, which hvaudit does not read: the mode and "
                f"group RKE2 gives {RKE2_YAML} at its next start are unknown",
            ),
        ),
        # held: the shipped unit, config.yaml's 0600, no environment: no one
        (_grep((RKE2_CONFIG, 'write-kubeconfig-mode: "0600"\n')), _rke2_unit(), PASS2),
        # held: k3s's variable names mean nothing to rke2
        (
            _grep(("/etc/sysconfig/rke2-server", "K3S_KUBECONFIG_MODE=644\n")),
            _rke2_unit(),
            PASS2,
        ),
    ],
    ids=[
        "rke2-config-group-staff",
        "rke2-sysconfig-mode",
        "rke2-unit-env-file-mode",
        "rke2-default-mode-group",
        "rke2-dropin-execstart",
        "rke2-other-config-env",
        "held-rke2-shipped",
        "held-rke2-k3s-variable",
    ],
)
def test_rke2_unit_next_start(
    host_scan, config: tuple[str, int, str], unit: tuple[str, int, str], expected: tuple[str, str]
) -> None:
    """R34A-2 (false pass) HVA-142. `rke2 server` copies k3s's write-kubeconfig-group flag
    (rancher/rke2 pkg/cli/cmds/server.go k3sServerBase) and its variables take RKE2's name
    (RKE2_KUBECONFIG_MODE, _GROUP, RKE2_CONFIG_FILE), which rke2-server.service's environment
    files give it (bundle/lib/systemd/system/rke2-server.service): an rke2.yaml chmod'ed 0600
    since passed "2 administrative principal(s)" though the next start makes it 0644, or 0640
    group staff."""
    over = {
        **BASE,
        "kube-admin-configs": (f"600 root root {RKE2_YAML}\n", 0, ""),
        "k3s-config": config,
        "k3s-service-unit-files": unit,
    }
    assert _142(host_scan(over)) == expected


MK8S_SCHEDULER = "644 root root /var/snap/microk8s/current/credentials/scheduler.config"
MK8S_ARGS_FILE = "/var/snap/microk8s/current/args/kube-apiserver"
MK8S_BASE_ARGS = "--cert-dir=${SNAP_DATA}/certs\n--secure-port=16443\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # no --authorization-mode: kube-apiserver's own default is AlwaysAllow
        (MK8S_BASE_ARGS, EVERYONE),
        # the flag and its value split at a space, as kubelite splits each line
        (MK8S_BASE_ARGS + "--authorization-mode AlwaysAllow\n", EVERYONE),
        # a later use of the string-slice flag appends to the first: AlwaysAllow stays first
        (
            MK8S_BASE_ARGS + "--authorization-mode=AlwaysAllow\n--authorization-mode=RBAC,Node\n",
            EVERYONE,
        ),
        # held: RBAC,Node given with a space; a commented-out AlwaysAllow
        (MK8S_BASE_ARGS + "--authorization-mode RBAC,Node\n", PASS2),
        (
            MK8S_BASE_ARGS + "--authorization-mode=RBAC,Node\n#--authorization-mode=AlwaysAllow\n",
            PASS2,
        ),
    ],
    ids=[
        "no-authorization-mode",
        "space-separated-always-allow",
        "later-flag-appends",
        "held-space-separated-rbac",
        "held-commented-out",
    ],
)
def test_microk8s_authorization_default(host_scan, args: str, expected: tuple[str, str]) -> None:
    """R34A-3 (false pass) HVA-142. MicroK8s's component kubeconfigs count where its API
    server allows every request (R33A-6), which it does without --authorization-mode
    (kubernetes pkg/kubeapiserver/options/authorization.go: no mode and no
    --authorization-config is AlwaysAllow), with `--authorization-mode AlwaysAllow` (kubelite
    ReadArgsFromFile splits each line at spaces), and with AlwaysAllow in a later use of the
    flag (pflag's string slice appends). A 0644 scheduler.config passed "2 administrative
    principal(s)" in each."""
    over = {**BASE, "kube-admin-configs": (f"{MK8S_SCHEDULER}\n", 0, ""), MK8S_ARGS_FILE: args}
    assert _142(host_scan(over)) == expected


MK8S_AUTHZ = "/var/snap/microk8s/authz.yaml"


def _authz_unknown(why: str, readers: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: {why}: whether MicroK8s's kubelet, kube-proxy and scheduler "
        f"kubeconfigs, which {readers} read, hold cluster-admin (an API server allowing every "
        "request) is unknown",
    )


@pytest.mark.parametrize(
    ("row", "args", "expected"),
    [
        # the API server's arguments unreadable: a question, not a pass
        (
            MK8S_SCHEDULER,
            PermissionError("Permission denied"),
            _authz_unknown(f"{MK8S_ARGS_FILE} could not be read (Permission denied)", "every user"),
        ),
        # structured authorization: its file is not collected
        (
            "640 root staff /var/snap/microk8s/current/credentials/kubelet.config",
            MK8S_BASE_ARGS + f"--authorization-config={MK8S_AUTHZ}\n",
            _authz_unknown(
                f"{MK8S_ARGS_FILE} takes its authorizers from --authorization-config "
                f"{MK8S_AUTHZ}, which hvaudit does not read",
                "group staff",
            ),
        ),
        # held: unreadable, but no one but root reads the component kubeconfigs
        (
            "600 root root /var/snap/microk8s/current/credentials/scheduler.config",
            PermissionError("Permission denied"),
            PASS2,
        ),
    ],
    ids=["args-unreadable", "authorization-config", "held-unreadable-components-root-only"],
)
def test_microk8s_authorization_unknown(
    host_scan, row: str, args: object, expected: tuple[str, str]
) -> None:
    """R34A-4 (false pass) HVA-142. Where MicroK8s's API server arguments were not read, or
    name an --authorization-config file (structured authorization, not collected), whether its
    component kubeconfigs are cluster-admin is unknown (R33A-6, R34A-3); a 0644
    scheduler.config, or a kubelet.config of group staff, passed "2 administrative
    principal(s)". Now a manual outcome naming the file and the readers, unless only root
    reads them."""
    over = {**BASE, "kube-admin-configs": (f"{row}\n", 0, ""), MK8S_ARGS_FILE: args}
    assert _142(host_scan(over)) == expected
