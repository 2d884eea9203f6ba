"""Red-team round 32 probes: who administers the hypervisor (rt32acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R32A-n):
- R32A-1 (false pass) HVA-142: the controller manager's credentials and k3s's server token
  were not stat'ed. kube-controller-manager's user, system:kube-controller-manager, is bound to
  the ClusterRole of that name, which may `create` serviceaccounts/token in every namespace and
  `list` every resource, secrets included (kubernetes plugin/pkg/auth/authorizer/rbac/
  bootstrappolicy/policy.go); a token it mints for kube-system's daemon-set-controller
  (controller_policy.go: pods create) creates a privileged pod on this node. kubeadm writes
  that identity to /etc/kubernetes/controller-manager.conf (kubernetes.io "Implementation
  details": "controller-manager.conf"), k3s and RKE2 to cred/controller.kubeconfig and
  tls/client-controller.key (k3s pkg/daemons/control/deps/deps.go CreateRuntimeCertFiles,
  genClientCerts factory(user.KubeControllerManager, ...)). k3s's server token
  (/var/lib/rancher/k3s/server/token, its older name node-token, and cred/passwd, which keeps
  its password) joins a server, which is given the cluster's CA keys: docs.k3s.io "k3s token",
  Server: "anyone with access to the server token essentially has full administrator access
  to the cluster". A 0644 one, or one of group staff, passed "2 administrative principal(s)".
  Now the paths are stat'ed with the other cluster-admin credentials (collect.host
  KUBE_ADMIN_CONFIGS).

Held (kept as tests): kubeadm's controller-manager.conf and k3s's server token 0600 root add
no one.

Probed by script: the new paths absent (stat exits 1 naming them on stderr) add no one, as
the round-30 rows do.

Tally: 1 finding (1 false pass); 8 cases, 6 failed on main before the fix (R32A-1: 6), 2 held.

Leads left:
- HVA-142: k3s's config.yaml (and config.yaml.d) `write-kubeconfig-mode` / `-group` and
  K3S_KUBECONFIG_MODE in k3s.service.env are still not read (no YAML reader in the project:
  a restricted top-level `key: value` reader, anything else a manual outcome, is proposed).
- HVA-142: kubeadm's sa.key and k3s's service.key (a forged bound token needs the service
  account's UID, pkg/serviceaccount/claims.go: a question at most); k3s's agent token and
  cred/ipsec.psk, scheduler.conf (system:kube-scheduler cannot create pods: not counted).
- Still open from round 31: podman.service User= of an administrator, rootless user units,
  containerd/crio ExecStart= options, DOCKER_TLS_VERIFY, polkit isInGroup on a second gid
  name, systemd alias units, Pacemaker enable-acl, nss-systemd tss.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, PASS2, _142

K3S = "/var/lib/rancher/k3s/server"
RKE2 = "/var/lib/rancher/rke2/server"


def _stat(*rows: str) -> tuple[str, int, str]:
    """`stat -L -c "%a %U %G %n"` of the Kubernetes cluster-admin credentials."""
    return "".join(f"{row}\n" for row in rows), 0, ""


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # kubeadm's and k3s's/RKE2's system:kube-controller-manager credentials: its ClusterRole
        # mints a token for any service account (serviceaccounts/token create) and lists every
        # secret
        ("644 root root /etc/kubernetes/controller-manager.conf", EVERYONE),
        (f"640 root staff {K3S}/cred/controller.kubeconfig", FAIL4),
        (f"644 root root {RKE2}/tls/client-controller.key", EVERYONE),
        # k3s's and RKE2's server token (and its password in cred/passwd): a server joined with
        # it is handed the cluster CA keys
        (f"644 root root {K3S}/token", EVERYONE),
        (f"640 root staff {RKE2}/node-token", FAIL4),
        (f"644 root root {K3S}/cred/passwd", EVERYONE),
        # held: as kubeadm and k3s write them
        ("600 root root /etc/kubernetes/controller-manager.conf", PASS2),
        (f"600 root root {K3S}/token", PASS2),
    ],
    ids=[
        "kubeadm-controller-manager-conf",
        "k3s-controller-kubeconfig",
        "rke2-controller-key",
        "k3s-server-token",
        "rke2-node-token",
        "k3s-passwd",
        "held-kubeadm-controller-manager-0600",
        "held-k3s-token-0600",
    ],
)
def test_controller_manager_and_server_token(
    host_scan, row: str, expected: tuple[str, str]
) -> None:
    """R32A-1 (false pass) HVA-142. system:kube-controller-manager's ClusterRole `create`s
    serviceaccounts/token in every namespace and `list`s every resource (kubernetes
    plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), so its credential mints a token
    for kube-system's daemon-set-controller, which creates pods (controller_policy.go): a
    privileged pod on this node. kubeadm keeps it in /etc/kubernetes/controller-manager.conf,
    k3s and RKE2 in cred/controller.kubeconfig and tls/client-controller.key (k3s
    pkg/daemons/control/deps/deps.go CreateRuntimeCertFiles). k3s's server token
    (server/token, node-token, cred/passwd): "anyone with access to the server token
    essentially has full administrator access to the cluster" (docs.k3s.io "k3s token"). A
    0644 one or one of group staff passed "2 administrative principal(s)"."""
    over = {**BASE, "kube-admin-configs": _stat(row)}
    assert _142(host_scan(over)) == expected
