"""Red-team round 31 probes: who administers the hypervisor (rt31acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R31A-n):
- R31A-1 (false pass) HVA-142: only the admin kubeconfigs and the client CA keys were stat'ed
  (R29A-6, R30A-1, R30A-5). A control-plane node keeps other credentials of the same power:
  kubeadm's etcd/ca.key ("etcd-ca, For all etcd-related functions", kubernetes.io "PKI
  certificates and requirements"; kubeadm's etcd trusts every client certificate it signs, and
  etcd holds the whole cluster state) and apiserver-etcd-client.key, its front-proxy-ca.key and
  front-proxy-client.key (kubernetes.io "Authenticating", "Authenticating Proxy": the user and
  groups in X-Remote-User / X-Remote-Group are believed from a client certificate that CA
  signed); k3s's and RKE2's supervisor and API-server kubeconfigs and keys (both in
  system:masters), request-header CA key and system:auth-proxy key, etcd server CA key and etcd
  client key (k3s pkg/daemons/control/deps/deps.go CreateRuntimeCertFiles, genClientCerts,
  genRequestHeaderCerts, genETCDCerts). A 0644 one, or one of group staff, passed "2
  administrative principal(s)". Now the 20 paths are stat'ed with the others
  (collect.host KUBE_ADMIN_CONFIGS).
- R31A-2 (false pass) HVA-142: dockerd's socket group and TCP hosts were read from the running
  dockerd's argv (and daemon.json) only. An enabled docker.service stopped now, or running with
  other flags, starts dockerd at the next boot with its unit's ExecStart= as the drop-ins leave
  it and its EnvironmentFile='s variables (systemd.service(5), systemd.exec(5)): a drop-in's
  `-H tcp://0.0.0.0:2375` or `-G staff`, or Debian's DOCKER_OPTS in /etc/default/docker, passed
  "2 administrative principal(s)". podman.service (containers/podman contrib/systemd/system/
  podman.service, WantedBy=default.target) was not listed at all: an enabled one whose drop-in
  runs `podman system service tcp:0.0.0.0:8080` as root (service_abi.go restService listens on
  a URI it is given) passed. Now `systemctl cat docker.service podman.service`,
  /etc/default/docker and /etc/sysconfig/docker are collected; each argv dockerd runs or will
  start with is judged (parse.host _dockerd_reach), podman.service's next-start URI counts every
  user when it runs as root, and an EnvironmentFile= hvaudit does not read is a manual outcome.

Held (kept as tests): kubeadm's etcd CA key and k3s's request-header CA key 0600 root add no one;
the shipped docker.service (`-H fd://`), a drop-in TCP host under --tlsverify, the shipped
podman.service (no URI: socket-activated), a podman TCP service with User=carol (who
administers nothing) and a disabled podman.service with a TCP drop-in add no one.

Probed by script: an unanswered `systemctl cat` of the services (bus down) is an error naming
docker.service, not a pass.

Tally: 2 findings (2 false passes); 25 cases, 18 failed on main before the fixes (R31A-1: 12,
R31A-2: 5 and the manual case, which passed on main), 7 held.

Leads left:
- HVA-142: k3s's config.yaml (and config.yaml.d) `write-kubeconfig-mode` / `-group` and
  K3S_KUBECONFIG_MODE in k3s.service.env (applied over k3s.yaml at every start) are still not
  read; kubeadm's sa.key and k3s's service.key (they sign service-account tokens: whether one
  reaches cluster-admin depends on the cluster's bindings and the token validator's UID check:
  sources not read) and controller-manager.conf are not stat'ed.
- HVA-142: podman.service with User= of an administrator (R30A-2's chain is applied to running
  services only); rootless user units (systemctl --user) and dockerd-rootless.sh on TCP;
  containerd.service / crio.service ExecStart= (`--config` elsewhere, CRI-O `--listen`).
- HVA-142 (wrong fail at most): DOCKER_TLS_VERIFY in dockerd's environment (moby
  cmd/dockerd/options.go reads it as --tlsverify's default) is not read, so a unit's TCP host
  under that variable counts every user.
- Still open from round 30: polkit isInGroup / sudo %name on a second name of a gid (wrong fail
  at most); libvirt auth_tcp = "none" listener not counted as every user (team decision);
  systemd "alias" unit states and vendor .wants links; Pacemaker enable-acl; nss-systemd
  userdb records for tss (HVA-042).
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

K3S = "/var/lib/rancher/k3s/server"
RKE2 = "/var/lib/rancher/rke2/server"
PKI = "/etc/kubernetes/pki"


def _stat(*rows: str) -> tuple[str, int, str]:
    """`stat -L -c "%a %U %G %n"` of the Kubernetes cluster-admin credentials."""
    return "".join(f"{row}\n" for row in rows), 0, ""


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # kubeadm: the etcd CA key and the API server's etcd client key (etcd trusts every
        # client certificate its CA signs: the whole cluster state, secrets included)
        (f"640 root staff {PKI}/etcd/ca.key", FAIL4),
        (f"644 root root {PKI}/apiserver-etcd-client.key", EVERYONE),
        # kubeadm: the front proxy's CA key and client key (the API server believes the user
        # and groups a front-proxy-client certificate asserts in X-Remote-User/-Group)
        (f"644 root root {PKI}/front-proxy-ca.key", EVERYONE),
        (f"640 root staff {PKI}/front-proxy-client.key", FAIL4),
        # k3s: the supervisor's and the API server's own system:masters credentials
        (f"644 root root {K3S}/cred/supervisor.kubeconfig", EVERYONE),
        (f"640 root staff {K3S}/tls/client-supervisor.key", FAIL4),
        (f"644 root root {K3S}/cred/api-server.kubeconfig", EVERYONE),
        (f"640 root staff {K3S}/tls/client-kube-apiserver.key", FAIL4),
        # k3s: the request-header CA key and the auth proxy's client key
        (f"644 root root {K3S}/tls/request-header-ca.key", EVERYONE),
        (f"640 root staff {K3S}/tls/client-auth-proxy.key", FAIL4),
        # k3s and RKE2: the etcd server CA key and the etcd client key
        (f"640 root staff {K3S}/tls/etcd/server-ca.key", FAIL4),
        (f"644 root root {RKE2}/tls/etcd/client.key", EVERYONE),
        # held: the same keys 0600 root, as kubeadm and k3s write them
        (f"600 root root {PKI}/etcd/ca.key", PASS2),
        (f"600 root root {K3S}/tls/request-header-ca.key", PASS2),
    ],
    ids=[
        "kubeadm-etcd-ca",
        "kubeadm-etcd-client",
        "kubeadm-front-proxy-ca",
        "kubeadm-front-proxy-client",
        "k3s-supervisor-kubeconfig",
        "k3s-supervisor-key",
        "k3s-apiserver-kubeconfig",
        "k3s-apiserver-key",
        "k3s-request-header-ca",
        "k3s-auth-proxy-key",
        "k3s-etcd-ca",
        "rke2-etcd-client",
        "held-kubeadm-etcd-ca-0600",
        "held-k3s-request-header-ca-0600",
    ],
)
def test_kubernetes_other_roads_to_cluster_admin(
    host_scan, row: str, expected: tuple[str, str]
) -> None:
    """R31A-1 (false pass) HVA-142. Rounds 29 and 30 stat'ed the admin kubeconfigs and the
    client CA keys; a node keeps other credentials of the same power. kubeadm: etcd/ca.key
    ("etcd-ca, For all etcd-related functions", kubernetes.io "PKI certificates and
    requirements"), whose etcd trusts every client certificate it signs, and
    apiserver-etcd-client.key; front-proxy-ca.key and front-proxy-client.key, with which a
    request's X-Remote-User / X-Remote-Group are believed (kubernetes.io "Authenticating",
    "Authenticating Proxy"). k3s and RKE2 (k3s pkg/daemons/control/deps/deps.go): the
    supervisor's and the API server's kubeconfigs and keys, both in system:masters
    (genClientCerts), the request-header CA key and system:auth-proxy's key
    (genRequestHeaderCerts), the etcd server CA key and etcd client key (genETCDCerts). A
    0644 key or one of group staff passed "2 administrative principal(s)"."""
    over = {**BASE, "kube-admin-configs": _stat(row)}
    assert _142(host_scan(over)) == expected


# moby contrib/init/systemd/docker.service as installed (abridged to its [Service] keys)
DOCKER_SERVICE = (
    "# /lib/systemd/system/docker.service\n"
    "[Unit]\nDescription=Docker Application Container Engine\nRequires=docker.socket\n\n"
    "[Service]\nType=notify\n"
    "ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n\n"
    "[Install]\nWantedBy=multi-user.target\n"
)
# Debian's docker.io unit: its flags come from /etc/default/docker
DEBIAN_DOCKER_SERVICE = (
    "# /lib/systemd/system/docker.service\n"
    "[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\n"
    "ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\n"
)
# containers/podman contrib/systemd/system/podman.service
PODMAN_SERVICE = (
    "# /lib/systemd/system/podman.service\n"
    "[Unit]\nDescription=Podman API Service\nRequires=podman.socket\n\n"
    "[Service]\nDelegate=true\nType=exec\nKillMode=process\n"
    'Environment=LOGGING="--log-level=info"\nExecStart=/usr/bin/podman $LOGGING system service\n\n'
    "[Install]\nWantedBy=default.target\n"
)
TCP_DROPIN = "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n"
DOCKERD = "  900 root     /usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n"


def _service(unit: str, body: str) -> str:
    return f"\n# /etc/systemd/system/{unit}.d/override.conf\n{body}"


@pytest.mark.parametrize(
    ("units", "services", "extra", "expected"),
    [
        # stopped now, enabled: a drop-in's TCP host or group applies at the next boot
        (
            "docker.service enabled enabled",
            DOCKER_SERVICE + _service("docker.service", TCP_DROPIN),
            {},
            EVERYONE,
        ),
        (
            "docker.service enabled enabled",
            DOCKER_SERVICE
            + _service(
                "docker.service",
                "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -G staff\n",
            ),
            {},
            FAIL4,
        ),
        # Debian's DOCKER_OPTS in /etc/default/docker
        (
            "docker.service enabled enabled",
            DEBIAN_DOCKER_SERVICE,
            {"/etc/default/docker": 'DOCKER_OPTS="-H tcp://0.0.0.0:2375"\n'},
            EVERYONE,
        ),
        # running with the shipped flags now, the drop-in's TCP host from the next start on
        (
            "docker.service enabled enabled",
            DOCKER_SERVICE + _service("docker.service", TCP_DROPIN),
            {"processes": (PS + DOCKERD, 0)},
            EVERYONE,
        ),
        # podman.service enabled with a TCP URI, as root (no User=)
        (
            "podman.service enabled enabled",
            PODMAN_SERVICE
            + _service(
                "podman.service",
                "[Service]\nExecStart=\nExecStart=/usr/bin/podman system service tcp:0.0.0.0:8080 --time=0\n",
            ),
            {},
            EVERYONE,
        ),
        # held: the shipped units, a TCP host under --tlsverify, carol's own TCP service
        ("docker.service enabled enabled", DOCKER_SERVICE, {}, PASS2),
        (
            "docker.service enabled enabled",
            DOCKER_SERVICE
            + _service(
                "docker.service",
                "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// --tlsverify "
                "-H tcp://0.0.0.0:2376\n",
            ),
            {},
            PASS2,
        ),
        ("podman.service enabled enabled", PODMAN_SERVICE, {}, PASS2),
        (
            "podman.service enabled enabled",
            PODMAN_SERVICE
            + _service(
                "podman.service",
                "[Service]\nUser=carol\nExecStart=\n"
                "ExecStart=/usr/bin/podman system service tcp:0.0.0.0:8080\n",
            ),
            {},
            PASS2,
        ),
        (
            "podman.service disabled enabled",
            PODMAN_SERVICE
            + _service(
                "podman.service",
                "[Service]\nExecStart=\nExecStart=/usr/bin/podman system service tcp::8080\n",
            ),
            {},
            PASS2,
        ),
    ],
    ids=[
        "docker-tcp-dropin",
        "docker-group-dropin",
        "debian-docker-opts",
        "docker-running-dropin-next-start",
        "podman-service-tcp",
        "held-docker-shipped",
        "held-docker-tlsverify",
        "held-podman-shipped",
        "held-podman-carol",
        "held-podman-disabled",
    ],
)
def test_container_service_next_start_flags(
    host_scan, units: str, services: str, extra: dict[str, object], expected: tuple[str, str]
) -> None:
    """R31A-2 (false pass) HVA-142. dockerd's group and TCP hosts were read from the running
    dockerd's argv alone (or daemon.json); an enabled docker.service that is stopped now, or
    runs with other flags, starts dockerd at the next boot with its unit's ExecStart= as the
    drop-ins leave it (systemd.service(5): an empty ExecStart= resets the list) and the
    variables of its EnvironmentFile= (Debian's /etc/default/docker DOCKER_OPTS). `-H
    tcp://0.0.0.0:2375` (moby cmd/dockerd/daemon.go loadListeners: "gives root access on this
    machine to everyone who has access to your network" without --tlsverify) or `-G staff`
    there passed "2 administrative principal(s)". podman.service (containers/podman
    contrib/systemd/system/podman.service, WantedBy=default.target) was not listed: a drop-in's
    `podman system service tcp:0.0.0.0:8080` listens at the next boot as root
    (cmd/podman/system/service_abi.go restService listens on a URI it is given,
    socket-activated or not). Now `systemctl cat docker.service podman.service` is read."""
    over = {
        **BASE,
        "container-units": _units(units),
        "container-socket-unit-files": (DOCKER_SOCKET, 0),
        "container-service-unit-files": (services, 0),
        **extra,
    }
    assert _142(host_scan(over)) == expected


def test_container_service_environment_file_unread(host_scan) -> None:
    """R31A-2: a docker.service whose ExecStart= uses a variable from an EnvironmentFile=
    hvaudit does not collect leaves dockerd's next-start flags unknown: a manual outcome
    naming the file, never a pass."""
    service = DEBIAN_DOCKER_SERVICE.replace("-/etc/default/docker", "/etc/docker/env")
    over = {
        **BASE,
        "container-units": _units("docker.service enabled enabled"),
        "container-socket-unit-files": (DOCKER_SOCKET, 0),
        "container-service-unit-files": (service, 0),
    }
    assert _142(host_scan(over)) == (
        "manual",
        "evidence unavailable: docker.service reads EnvironmentFile=/etc/docker/env, which was "
        "not collected: the flags docker.service's next start gives dockerd are unknown",
    )
