"""Red-team round 31 probes: who administers the hypervisor (rt31acct)

DOCSTRING-PLACEHOLDER
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

