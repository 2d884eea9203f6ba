"""Red-team round 33 probes: who administers the hypervisor (rt33acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R33A-n):
- R33A-1 (false pass) HVA-142: podman.service's next start (R31A-2) counted every user only
  when its User= was root. A drop-in with `User=alice` (or her uid, `User=1000`; systemd.exec(5)
  User=: "Takes a single user or group name or ID") and `podman system service
  tcp:0.0.0.0:8080` listens from the next boot as alice, and its API asks no one for anything
  (podman-system-service(1): "should be treated as allowing arbitrary code execution as the
  user running the API"; containers/podman cmd/podman/system/service_abi.go restService
  listens on a tcp URI it is given): every user acts as an administrator. R30A-2's chained
  grant was applied to running services (ps) only, so an enabled unit passed "2
  administrative principal(s)". Now the unit's User= (name or uid) is a chained grant from
  every user to that account (parse.host._container_daemon_groups runners).
- R33A-2 (false pass) HVA-142: of MicroK8s's credentials only credentials/client.config and
  certs/ca.key were stat'ed (R30A-1). credentials/known_tokens.csv is the API server's
  --token-auth-file and holds the admin token in "system:masters" and the controller
  manager's (canonical/microk8s snap/hooks/install "Create the known tokens"); basic_auth.csv
  keeps an older install's admin password (actions/common/utils.sh update_configs);
  credentials/controller.config is the controller manager's kubeconfig (R32A-1's power);
  certs/front-proxy-ca.key and front-proxy-client.key sign and hold the front proxy's
  certificate, whose X-Remote-User / X-Remote-Group the API server believes
  (default-args/kube-apiserver --requestheader-client-ca-file, --requestheader-allowed-names=
  front-proxy-client; R31A-1's power); credentials/cluster-tokens.txt keeps `microk8s
  add-node`'s join tokens (scripts/wrappers/add_token.py), with which a joining node is
  handed the admin token and the CA key (scripts/wrappers/join.py: info["admin_token"],
  store_cert("ca.key", info["ca_key"])). A 0644 one, or one of group staff, passed "2
  administrative principal(s)". Now the six paths are stat'ed with the others
  (collect.host KUBE_ADMIN_CONFIGS).
- R33A-3 (false pass) HVA-142: containerd's socket owner was read from /etc/containerd/
  config.toml unless the running containerd named another file (R28A-2). An enabled
  containerd.service whose drop-in's ExecStart= gives `--config /etc/containerd/k8s.toml`
  (containerd cmd/containerd/command/main.go App: flag "config,c", "path to the
  configuration file", default /etc/containerd/config.toml) reads that file from the next
  boot, whose [grpc] gid hvaudit never saw: stopped now, or running now on the default file,
  it passed "2 administrative principal(s)". Now `systemctl cat containerd.service` is
  collected with docker's and podman's, and another --config at the next start is a manual
  outcome naming the file, as a running containerd's is.
- R33A-4 (wrong fail) HVA-142: a docker.service whose environment sets DOCKER_TLS_VERIFY
  (Environment=, or Debian's /etc/default/docker through EnvironmentFile=) and whose
  ExecStart= adds `-H tcp://0.0.0.0:2376` with certificates but no --tlsverify failed with
  "ALL (every user)". moby cmd/dockerd/options.go: `dockerTLSVerify =
  os.Getenv("DOCKER_TLS_VERIFY") != ""`, and installFlags gives --tlsverify the default
  `dockerTLSVerify || DefaultTLSValue`, so dockerd verifies clients (setDefaultOptions turns
  TLS on with it). Now the next start's argv carries the variable as a leading --tlsverify
  (parse.host._container_unit_argv), which an explicit --tlsverify=false after it overrides.
- R33A-5 (false pass) HVA-142: k3s's admin kubeconfig was judged by its mode now only
  (R29A-6). k3s pkg/server/server.go writeKubeConfig chmods /etc/rancher/k3s/k3s.yaml at
  every start to --write-kubeconfig-mode (strconv.ParseInt(mode, 8, 0); none set: 0600) and
  chgrps it to --write-kubeconfig-group; pkg/cli/cmds/server.go gives the flags EnvVar
  K3S_KUBECONFIG_MODE and K3S_KUBECONFIG_GROUP (the installer's k3s.service.env, install.sh
  setup_env FILE_K3S_ENV), and pkg/configfilearg/parser.go readConfigFile makes config.yaml's
  keys, then its config.yaml.d/*.yaml|yml drop-ins' in name order (a later file's value
  replacing), flags placed before the command line's. A kubeconfig chmod'ed 0600 since k3s
  started, with `write-kubeconfig-mode: "0644"` (or 0640 and group staff) in config.yaml, a
  drop-in, or K3S_KUBECONFIG_MODE=644 in k3s.service.env, passed "2 administrative
  principal(s)"; the next restart hands it to every user again. RKE2's rke2.yaml likewise
  (rancher/rke2 pkg/cli/cmds/server.go: `rke2 server` is k3s's server command with config
  and write-kubeconfig-mode copied). Now those files are collected
  (collect.host K3S_CONFIG_FILES) and read with a restricted top-level `key: value` reader
  (parse.host._k3s_kubeconfig_next): a plain mode with a leading 0 is the octal integer YAML
  1.1 makes of it, written in decimal and parsed in base 8 (rancher/rke2#4739: `0640` gives
  0416, which every user reads; `0644` gives 0420; `0600` gives "384": no chmod); any other
  mention of the keys is a manual outcome naming the line, unless every user reads the file
  now.
- R33A-6 (false pass) HVA-142: MicroK8s ships its API server with
  --authorization-mode=AlwaysAllow (canonical/microk8s microk8s-resources/default-args/
  kube-apiserver) and authenticates the kubelet's, kube-proxy's and the scheduler's tokens
  (snap/hooks/install known_tokens.csv; credentials/kubelet.config, proxy.config,
  scheduler.config): every request they make is allowed (kubernetes.io "Authorization": the
  first authorizer to approve or deny decides, RBAC and Node give no opinion otherwise), so
  each is cluster-admin. None was stat'ed: one 0644, or of group staff, passed "2
  administrative principal(s)". Now they are stat'ed with the others and count where
  args/kube-apiserver (collected) lists AlwaysAllow in its last --authorization-mode
  (parse.host._microk8s_always_allow).

Held (kept as tests): the R33A-1 unit as carol, who administers nothing, adds no one;
MicroK8s's known_tokens.csv and front-proxy-ca.key 0600 root add no one; the shipped
containerd.service, and a drop-in naming /etc/containerd/config.toml itself, read the
collected file (uid and gid 0): pass; DOCKER_TLS_VERIFY=1 with an explicit
--tlsverify=false, or DOCKER_TLS_VERIFY empty, still counts every user; k3s's config.yaml
`"600"` over K3S_KUBECONFIG_MODE=644, a drop-in k3s does not read (`.yaml.bak`), and a group
set without a mode (0600 at the next start), a commented-out line, and a plain `0644`
(0420) or `0600` (no chmod) add no one; an unread shape beside a kubeconfig every user reads
now fails as before; MicroK8s's scheduler.config 0644 under `microk8s enable rbac`'s
RBAC,Node adds no one.

Probed by script (not kept): k3s's config.yaml unreadable (grep exit 2, "Permission
denied") is a manual outcome naming the exit status; the files missing (grep's "No such file
or directory") add no one; with no k3s.yaml stat'ed (no server has run) config.yaml is not
read, even a shape hvaudit does not read.

Tally: 6 findings (5 false passes, 1 wrong fail); 38 cases, 23 failed on main before the
fixes (R33A-1: 2, R33A-2: 6, R33A-3: 2, R33A-4: 2, R33A-5: 8, one of them the manual case,
which passed on main, R33A-6: 3), 15 held.

Leads left:
- HVA-142: k3s.service's ExecStart= `--write-kubeconfig-mode` (INSTALL_K3S_EXEC), which
  overrides config.yaml, is not read; nor K3S_CONFIG_FILE / --config naming another file,
  --write-kubeconfig naming another output path, RKE2's environment file and
  write-kubeconfig-group (whether rke2 copies the flag: not read). Old k3s releases chmod'ed
  the kubeconfig 0644 when no mode was set (an older server.go: `os.Chmod(kubeConfig,
  os.FileMode(0644))`): on such a release a 0600 file is widened at the next start (the k3s
  release is not collected).
- HVA-142: MicroK8s's dqlite cluster.key (var/kubernetes/backend, chgrp microk8s by the
  configure hook) and its kine.sock, the API server's datastore: whether the key alone admits
  a client to dqlite (go-dqlite's TLS setup) is not yet read. MicroK8s's args/kube-apiserver
  unread, or without --authorization-mode (kube-apiserver's own default: not relied on),
  adds nothing for its component credentials (R33A-6).
- HVA-142 (team decision): moby's setDefaultOptions now turns verification on for `--tls`
  without --tlsverify ("Enable tls verification unless explicitly disabled"); older dockerd
  did not, and hvaudit counts every user for `--tls` alone: the dockerd release decides.
- Still open: rootless user units, CRI-O's --listen, polkit isInGroup on a second gid
  name, systemd alias units, Pacemaker enable-acl, nss-systemd tss.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import (
    BASE,
    DOCKER_SOCKET,
    EVERYONE,
    FAIL4,
    PASS2,
    PS,
    _142,
    _units,
)
from test_redteam31_accounts_probes import (
    DEBIAN_DOCKER_SERVICE,
    DOCKER_SERVICE,
    PODMAN_SERVICE,
    _service,
)


def _tcp_as(user: str) -> str:
    return PODMAN_SERVICE + _service(
        "podman.service",
        f"[Service]\nUser={user}\nExecStart=\n"
        "ExecStart=/usr/bin/podman system service tcp:0.0.0.0:8080 --time=0\n",
    )


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (_tcp_as("alice"), EVERYONE),
        (_tcp_as("1000"), EVERYONE),
        (_tcp_as("carol"), PASS2),
    ],
    ids=["podman-service-alice", "podman-service-uid-1000", "held-podman-service-carol"],
)
def test_podman_service_user_administrator(
    host_scan, services: str, expected: tuple[str, str]
) -> None:
    """R33A-1 (false pass) HVA-142. An enabled podman.service whose drop-in runs `podman
    system service tcp:0.0.0.0:8080` as User=alice (a name or her uid; systemd.exec(5) User=)
    hands every user alice's rights from the next boot (podman-system-service(1): "arbitrary
    code execution as the user running the API"); only root's counted, so it passed "2
    administrative principal(s)". carol's adds no one: she administers nothing."""
    over = {
        **BASE,
        "container-units": _units("podman.service enabled enabled"),
        "container-socket-unit-files": (DOCKER_SOCKET, 0),
        "container-service-unit-files": (services, 0),
    }
    assert _142(host_scan(over)) == expected


MK8S = "/var/snap/microk8s/current"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # the API server's token file: the admin token in system:masters, the controller
        # manager's too; basic_auth.csv keeps an older install's admin password
        (f"640 root staff {MK8S}/credentials/known_tokens.csv", FAIL4),
        (f"644 root root {MK8S}/credentials/basic_auth.csv", EVERYONE),
        # the controller manager's kubeconfig (R32A-1's power)
        (f"644 root root {MK8S}/credentials/controller.config", EVERYONE),
        # add-node's join tokens: a joining node is handed the admin token and the CA key
        (f"640 root staff {MK8S}/credentials/cluster-tokens.txt", FAIL4),
        # the front proxy's CA key and client key (R31A-1's power)
        (f"644 root root {MK8S}/certs/front-proxy-ca.key", EVERYONE),
        (f"640 root staff {MK8S}/certs/front-proxy-client.key", FAIL4),
        # held: CIS-hardened, 0600 root
        (f"600 root root {MK8S}/credentials/known_tokens.csv", PASS2),
        (f"600 root root {MK8S}/certs/front-proxy-ca.key", PASS2),
    ],
    ids=[
        "microk8s-known-tokens",
        "microk8s-basic-auth",
        "microk8s-controller-config",
        "microk8s-cluster-tokens",
        "microk8s-front-proxy-ca",
        "microk8s-front-proxy-client",
        "held-microk8s-known-tokens-0600",
        "held-microk8s-front-proxy-ca-0600",
    ],
)
def test_microk8s_other_credentials(host_scan, row: str, expected: tuple[str, str]) -> None:
    """R33A-2 (false pass) HVA-142. Only MicroK8s's client.config and CA key were stat'ed
    (R30A-1). Its known_tokens.csv is the API server's --token-auth-file and holds the admin
    token in "system:masters" and the controller manager's (canonical/microk8s snap/hooks/
    install), basic_auth.csv an older install's admin password (actions/common/utils.sh
    update_configs), controller.config the controller manager's token (R32A-1), certs/
    front-proxy-ca.key and front-proxy-client.key the front proxy the API server believes
    (default-args/kube-apiserver --requestheader-*; R31A-1), cluster-tokens.txt the join tokens
    with which a node is handed the admin token and CA key (scripts/wrappers/join.py). One
    of group staff, or 0644, passed "2 administrative principal(s)"."""
    over = {**BASE, "kube-admin-configs": (f"{row}\n", 0, "")}
    assert _142(host_scan(over)) == expected


# containerd/containerd containerd.service (abridged to its [Service] keys)
CONTAINERD_SERVICE = (
    "# /lib/systemd/system/containerd.service\n"
    "[Unit]\nDescription=containerd container runtime\n\n"
    "[Service]\nExecStartPre=-/sbin/modprobe overlay\nExecStart=/usr/bin/containerd\n"
    "Type=notify\nDelegate=yes\nKillMode=process\n\n[Install]\nWantedBy=multi-user.target\n"
)
CONTAINERD_DEFAULT = 'version = 2\n\n[grpc]\n  address = "/run/containerd/containerd.sock"\n'
OTHER_CONFIG = (
    "[Service]\nExecStart=\nExecStart=/usr/bin/containerd --config /etc/containerd/k8s.toml\n"
)


@pytest.mark.parametrize(
    ("ps", "services", "expected"),
    [
        # stopped now, enabled: the drop-in's --config names the file the next start reads
        (
            "",
            CONTAINERD_SERVICE + _service("containerd.service", OTHER_CONFIG),
            (
                "manual",
                "evidence unavailable: containerd.service's next start gives containerd "
                "--config /etc/containerd/k8s.toml, which is not collected: the uid and gid "
                "containerd gives its API socket ([grpc] uid, gid) are unknown",
            ),
        ),
        # running now with the default file, the drop-in's file from the next start on
        (
            "  950 root     /usr/bin/containerd\n",
            CONTAINERD_SERVICE
            + _service("containerd.service", OTHER_CONFIG.replace("--config ", "-c ")),
            (
                "manual",
                "evidence unavailable: containerd.service's next start gives containerd "
                "--config /etc/containerd/k8s.toml, which is not collected: the uid and gid "
                "containerd gives its API socket ([grpc] uid, gid) are unknown",
            ),
        ),
        # held: the shipped unit reads /etc/containerd/config.toml (uid and gid 0)
        ("", CONTAINERD_SERVICE, PASS2),
        (
            "",
            CONTAINERD_SERVICE
            + _service(
                "containerd.service",
                "[Service]\nExecStart=\nExecStart=/usr/bin/containerd --config "
                "/etc/containerd/config.toml\n",
            ),
            PASS2,
        ),
    ],
    ids=[
        "enabled-stopped-other-config",
        "running-default-next-other",
        "held-shipped",
        "held-default-named",
    ],
)
def test_containerd_service_next_start_config(
    host_scan, ps: str, services: str, expected: tuple[str, str]
) -> None:
    """R33A-3 (false pass) HVA-142. containerd.service's ExecStart= as its drop-ins leave it
    gives containerd the file it reads from the next boot (`--config`/`-c`, containerd
    cmd/containerd/command/main.go); one other than /etc/containerd/config.toml, whose [grpc]
    gid owns the socket, passed "2 administrative principal(s)" with containerd stopped, or
    running now on the default file. Now a manual outcome naming it; the shipped unit, or one
    naming the default file, still passes."""
    over = {
        **BASE,
        "processes": (PS + ps, 0),
        "container-units": _units("containerd.service enabled enabled"),
        "container-service-unit-files": (services, 0),
        "/etc/containerd/config.toml": CONTAINERD_DEFAULT,
    }
    assert _142(host_scan(over)) == expected


def _docker_env(env: str, flags: str) -> str:
    return DOCKER_SERVICE + _service(
        "docker.service",
        f"[Service]\n{env}ExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2376 "
        f"--tlscacert=/etc/docker/ca.pem --tlscert=/etc/docker/cert.pem "
        f"--tlskey=/etc/docker/key.pem{flags}\n",
    )


@pytest.mark.parametrize(
    ("services", "extra", "expected"),
    [
        # the unit's Environment= turns client verification on
        (_docker_env("Environment=DOCKER_TLS_VERIFY=1\n", ""), {}, PASS2),
        # so does Debian's /etc/default/docker, the unit's EnvironmentFile=
        (
            DEBIAN_DOCKER_SERVICE,
            {
                "/etc/default/docker": "DOCKER_TLS_VERIFY=1\n"
                'DOCKER_OPTS="-H tcp://0.0.0.0:2376 --tlscacert=/etc/docker/ca.pem"\n'
            },
            PASS2,
        ),
        # held: an explicit --tlsverify=false overrides the variable's default; an empty
        # variable sets nothing (moby: `!= ""`)
        (_docker_env("Environment=DOCKER_TLS_VERIFY=1\n", " --tlsverify=false"), {}, EVERYONE),
        (_docker_env("Environment=DOCKER_TLS_VERIFY=\n", ""), {}, EVERYONE),
    ],
    ids=["unit-environment", "debian-default-file", "held-explicit-false", "held-empty"],
)
def test_docker_tls_verify_environment(
    host_scan, services: str, extra: dict[str, object], expected: tuple[str, str]
) -> None:
    """R33A-4 (wrong fail) HVA-142. moby cmd/dockerd/options.go makes a non-empty
    DOCKER_TLS_VERIFY the default of --tlsverify (installFlags: `dockerTLSVerify ||
    DefaultTLSValue`): docker.service's Environment= or its EnvironmentFile= (Debian's
    /etc/default/docker) turns client verification on for a TCP host, which failed with every
    user. An explicit --tlsverify=false still wins, and an empty variable sets nothing."""
    over = {
        **BASE,
        "container-units": _units("docker.service enabled enabled"),
        "container-socket-unit-files": (DOCKER_SOCKET, 0),
        "container-service-unit-files": (services, 0),
        **extra,
    }
    assert _142(host_scan(over)) == expected


K3S_YAML = "/etc/rancher/k3s/k3s.yaml"
K3S_CONFIG = "/etc/rancher/k3s/config.yaml"
K3S_ENV = "/etc/systemd/system/k3s.service.env"


def _grep(*files: tuple[str, str]) -> tuple[str, int, str]:
    """`grep -R -D skip -H ""` of k3s's configuration files (the others missing: exit 2)."""
    return "".join(f"{path}:{line}\n" for path, body in files for line in body.splitlines()), 2, ""


def test_rke2_kubeconfig_next_start(host_scan) -> None:
    """R33A-5 (false pass) HVA-142. `rke2 server` is k3s's server command with its config and
    write-kubeconfig-mode flags copied (rancher/rke2 pkg/cli/cmds/server.go k3sServerBase), so
    /etc/rancher/rke2/config.yaml's mode is what rke2.yaml gets at the next start: chmod'ed
    0600 since, it passed "2 administrative principal(s)"."""
    over = {
        **BASE,
        "kube-admin-configs": ("600 root root /etc/rancher/rke2/rke2.yaml\n", 0, ""),
        "k3s-config": _grep(("/etc/rancher/rke2/config.yaml", 'write-kubeconfig-mode: "0644"\n')),
    }
    assert _142(host_scan(over)) == EVERYONE


@pytest.mark.parametrize(
    ("stat", "config", "expected"),
    [
        # chmod'ed 0600 since k3s started; its next start applies the configured mode again
        ("600 root root", _grep((K3S_CONFIG, 'write-kubeconfig-mode: "0644"\n')), EVERYONE),
        (
            "600 root root",
            _grep((K3S_CONFIG, "write-kubeconfig-mode: '644'  # kubectl\n")),
            EVERYONE,
        ),
        (
            "600 root root",
            _grep((K3S_CONFIG, 'write-kubeconfig-mode: "0640"\nwrite-kubeconfig-group: staff\n')),
            FAIL4,
        ),
        # the installer's environment file (K3S_KUBECONFIG_MODE, _GROUP)
        ("600 root root", _grep((K3S_ENV, "K3S_KUBECONFIG_MODE=644\n")), EVERYONE),
        # a drop-in overrides config.yaml
        (
            "600 root root",
            _grep(
                (K3S_CONFIG, 'write-kubeconfig-mode: "0600"\n'),
                (f"{K3S_CONFIG}.d/50-access.yaml", "write-kubeconfig-mode: 644\n"),
            ),
            EVERYONE,
        ),
        # held: config.yaml's 0600 overrides the environment's 644; a drop-in of another suffix
        # is not read by k3s; no mode set is 0600 at the next start
        (
            "600 root root",
            _grep(
                (K3S_ENV, "K3S_KUBECONFIG_MODE=644\n"),
                (K3S_CONFIG, 'write-kubeconfig-mode: "600"\n'),
            ),
            PASS2,
        ),
        (
            "600 root root",
            _grep((f"{K3S_CONFIG}.d/50-access.yaml.bak", "write-kubeconfig-mode: 644\n")),
            PASS2,
        ),
        ("600 root root", _grep((K3S_CONFIG, "write-kubeconfig-group: staff\n")), PASS2),
        ("600 root root", _grep((K3S_CONFIG, '# write-kubeconfig-mode: "0644"\n')), PASS2),
        # a plain mode with a leading 0 is YAML 1.1's octal integer, read back in base 8:
        # 0640 is 416, mode 0416, which every user reads (rancher/rke2#4739)
        ("600 root root", _grep((K3S_CONFIG, "write-kubeconfig-mode: 0640\n")), EVERYONE),
        # held: 0644 is 420, mode 0420 (no one but root reads it); 0600 is 384, no octal
        # number: no chmod
        ("600 root root", _grep((K3S_CONFIG, "write-kubeconfig-mode: 0644\n")), PASS2),
        ("600 root root", _grep((K3S_CONFIG, "write-kubeconfig-mode: 0600\n")), PASS2),
        # an unread shape (a flow mapping): a question, unless every user reads it now
        (
            "600 root root",
            _grep((K3S_CONFIG, '{"write-kubeconfig-mode": "0644"}\n')),
            (
                "manual",
                f'evidence unavailable: {K3S_CONFIG} sets \'{{"write-kubeconfig-mode": '
                f'"0644"}}\', which hvaudit does not read: the mode and group k3s gives '
                f"{K3S_YAML} at its next start are unknown",
            ),
        ),
        ("644 root root", _grep((K3S_CONFIG, '{"write-kubeconfig-mode": "0600"}\n')), EVERYONE),
    ],
    ids=[
        "config-quoted-0644",
        "config-single-quoted-644-comment",
        "config-0640-group-staff",
        "env-file-mode",
        "dropin-overrides",
        "held-config-over-env",
        "held-dropin-other-suffix",
        "held-group-without-mode",
        "held-commented-out",
        "plain-leading-zero-0640",
        "held-plain-leading-zero-0644",
        "held-plain-leading-zero-0600",
        "unread-flow-mapping",
        "held-unread-world-readable-now",
    ],
)
def test_k3s_kubeconfig_next_start(
    host_scan, stat: str, config: tuple[str, int, str], expected: tuple[str, str]
) -> None:
    """R33A-5 (false pass) HVA-142. k3s chmods /etc/rancher/k3s/k3s.yaml to
    --write-kubeconfig-mode (base 8) and chgrps it to --write-kubeconfig-group at every start
    (k3s pkg/server/server.go writeKubeConfig), their values from K3S_KUBECONFIG_MODE and
    _GROUP (pkg/cli/cmds/server.go EnvVar; k3s.service.env), overridden by config.yaml and its
    config.yaml.d drop-ins in name order (pkg/configfilearg/parser.go readConfigFile). A file
    chmod'ed 0600 since passed "2 administrative principal(s)" though the next start makes it
    0644 or 0640 group staff. A plain `0640` is YAML 1.1's octal 416, mode 0416
    (rancher/rke2#4739). Shapes hvaudit does not read are a manual outcome unless every user
    reads the file now."""
    over = {
        **BASE,
        "kube-admin-configs": (f"{stat} {K3S_YAML}\n", 0, ""),
        "k3s-config": config,
    }
    assert _142(host_scan(over)) == expected


MK8S_ARGS = f"{MK8S}/args/kube-apiserver"
# canonical/microk8s microk8s-resources/default-args/kube-apiserver (abridged)
MK8S_ARGS_SHIPPED = (
    "--cert-dir=${SNAP_DATA}/certs\n--service-cluster-ip-range=10.152.183.0/24\n"
    "--authorization-mode=AlwaysAllow\n--secure-port=16443\n"
)


@pytest.mark.parametrize(
    ("row", "args", "expected"),
    [
        # shipped AlwaysAllow: the scheduler's, kube-proxy's and the kubelet's tokens are
        # cluster-admin
        (f"644 root root {MK8S}/credentials/scheduler.config", MK8S_ARGS_SHIPPED, EVERYONE),
        (f"640 root staff {MK8S}/credentials/kubelet.config", MK8S_ARGS_SHIPPED, FAIL4),
        (
            f"644 root root {MK8S}/credentials/proxy.config",
            MK8S_ARGS_SHIPPED.replace("=AlwaysAllow", "=RBAC,Node,AlwaysAllow"),
            EVERYONE,
        ),
        # held: `microk8s enable rbac` (RBAC,Node): the components' own rights only
        (
            f"644 root root {MK8S}/credentials/scheduler.config",
            MK8S_ARGS_SHIPPED.replace("=AlwaysAllow", "=RBAC,Node"),
            PASS2,
        ),
    ],
    ids=[
        "always-allow-scheduler",
        "always-allow-kubelet-staff",
        "rbac-then-always-allow",
        "held-rbac",
    ],
)
def test_microk8s_always_allow_components(
    host_scan, row: str, args: str, expected: tuple[str, str]
) -> None:
    """R33A-6 (false pass) HVA-142. MicroK8s ships its API server with
    --authorization-mode=AlwaysAllow (canonical/microk8s microk8s-resources/default-args/
    kube-apiserver) and authenticates the kubelet's, kube-proxy's and the scheduler's tokens
    (snap/hooks/install known_tokens.csv; credentials/*.config): every request they make is
    allowed, so each is cluster-admin. One 0644, or of group staff, passed "2 administrative
    principal(s)". Under RBAC,Node they hold their components' rights only."""
    over = {**BASE, "kube-admin-configs": (f"{row}\n", 0, ""), MK8S_ARGS: args}
    assert _142(host_scan(over)) == expected
