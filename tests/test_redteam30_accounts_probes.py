"""Red-team round 30 probes: who administers the hypervisor (rt30acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R30A-n):
- R30A-1 (false pass) HVA-142: only k3s's, RKE2's and kubeadm's admin kubeconfigs were stat'ed
  (R29A-6). MicroK8s keeps its cluster administrator's kubeconfig at
  /var/snap/microk8s/current/credentials/client.config (canonical/microk8s
  microk8s-resources/actions/common/utils.sh update_configs writes the admin token into it)
  and its CA key under certs/, and its configure hook (snap/hooks/configure) gives both
  directories `chmod -R ug+rwX` and `chgrp -R` microk8s (snap_microk8s when strict), so the
  group is cluster-admin by default; kubeadm's /etc/kubernetes/pki/ca.key (kubernetes.io "PKI
  certificates and requirements": ca.crt,key "Kubernetes general CA") signs a client
  certificate of any group, system:masters included. MicroK8s's group of two, or a 0644
  kubeadm CA key, passed "2 administrative principal(s)". Now the three paths are stat'ed
  with the kubeconfigs (collect.host KUBE_ADMIN_CONFIGS).
- R30A-2 (false pass) HVA-142: a rootless `podman system service tcp://...` run by an
  administrator counted no one (R29A-5 counted root's only, and kept alice's as held).
  podman-system-service(1): the API "should be treated as allowing arbitrary code execution as
  the user running the API"; every user who reaches the port acts as alice (her libvirt
  group without a password, her shell files before her next sudo). HVA-142 already counts
  whoever may act as an administrator (a sudoers Runas of one, the chained rule). Now an
  account's TCP service is a chained grant from every user to that account
  (parse.host._podman_tcp_users): alice's fails with every user, carol's (no rights) adds no
  one. Round 29's held alice case encoded the false pass; it is carol's now (separate commit).
- R30A-3 (false pass) HVA-142: members were counted per group name, so a second /etc/group
  name for an administrative group's gid (`virtmgr:x:108:bob,carol` beside libvirt's 108, or
  `wheelish:x:27:...` beside sudo's 27) added no one. glibc's nss_files initgroups
  (nss/nss_files/files-initgroups.c _nss_files_initgroups_dyn: "We have to iterate over the
  entire file", each entry listing the user adds `grp.gr_gid`) gives them the gid; the kernel
  checks libvirt's socket by gid, and sudo's user_in_group matches `%sudo` against the names
  getgrgid gives the caller's gids (sudo_get_grlist). Both passed "2 administrative
  principal(s)". Now names sharing a gid share their members (parse.host._groups).
- R30A-4 (false pass) HVA-142: the grants that reach a group beside /etc/group's member list
  (gshadow's members and password, newgrp's: R24A-1; pam_group's group.conf: R25A-6) were
  looked up under the administrative group's own name. newgrp(1) "change the current group
  ID" and pam_group grant gids, so `virtmgr:!::bob,carol` in /etc/gshadow, group.conf granting
  virtmgr to bob|carol, or a gshadow password on virtmgr, with virtmgr libvirt's gid 108,
  passed "2 administrative principal(s)". Now a grant of any name of the gid counts
  (parse.host._admins extra).
- R30A-5 (false pass) HVA-142: a k3s server keeps system:admin's own kubeconfig, key and
  signing CA under its data dir (k3s pkg/daemons/control/deps/deps.go: KubeConfigAdmin
  cred/admin.kubeconfig, ClientAdminKey tls/client-admin.key, genClientCerts signing
  "system:admin" in system:masters with ClientCAKey tls/client-ca.key), RKE2 the same under
  /var/lib/rancher/rke2; only /etc/rancher/*/k3s.yaml|rke2.yaml were stat'ed. A 0644
  admin.kubeconfig, or a client-admin key or client CA key of group staff, passed "2
  administrative principal(s)". Now the six paths are stat'ed with the others.

Held (kept as tests): CIS-hardened MicroK8s (credentials 0600) and kubeadm's own 0600 CA key
add no one, and so do k3s's own 0600 server credentials; a rootless TCP service of an account that administers nothing, and alice's on her
own unix socket, add no one; a group of its own gid adds no one. Probed and already right: a
second line of the same name (R17H-1) and a primary gid of libvirt's or sudo's count.

Probed by script (not kept, all held): 9 polkit rules granting org.libvirt.unix.manage to
group staff (action.id.startsWith, a regular-expression test, an array indexOf, a
switch on action.id: fail with bob and carol; an id held in a variable or built by
concatenation, a user array, a result returned through a variable: manual, the rule's
principals unread; no subject test at all: every user); a second /etc/group line of
libvirt's own name and a primary gid of libvirt's or sudo's (counted already).

Tally: 5 findings (5 false passes); 18 cases, 13 failed on main before the fixes (R30A-1: 3,
R30A-2: 2, R30A-3: 2, R30A-4: 3, R30A-5: 3), 5 held.

Leads left:
- HVA-142: k3s's config.yaml (and config.yaml.d) `write-kubeconfig-mode` / `-group` and
  K3S_KUBECONFIG_MODE in /etc/systemd/system/k3s.service.env (k3s pkg/server writeKubeConfig
  applies the mode at every start, over a 0600 file chmod'ed since) are not read.
- HVA-142: kubeadm's front-proxy-ca.key and etcd/ca.key, k3s's request-header-ca.key and the
  service-account signing keys (sa.key, service.key) are not stat'ed (each mints cluster-admin
  by another road; sources not yet read); admin kubeconfig copies in home directories are not
  looked for (their content is a credential: a question at most).
- HVA-142: podman.service enabled but stopped with a TCP URI in its ExecStart= (service unit
  files not collected); administrators' rootless user units (systemctl --user) and a
  rootless dockerd (dockerd-rootless.sh) on TCP are not read (R30A-2's chain would count
  them).
- HVA-142 (wrong fail at most): polkit's subject.isInGroup and sudo's `%name` compare the
  names getgrgid gives a caller's gids (the gid's first /etc/group name), so a rule naming a
  second name of a gid may grant no one; hvaudit counts its members. Same-name lines with
  different gids are not weighed.
- HVA-142: libvirt's TCP listener with auth_tcp = "none" (HVA-030 fails it) is not counted as
  every user here (team decision).
- systemd unit states "alias" and vendor .wants directories (/usr/lib/systemd/system/*.wants),
  a socket unit enabled with --no-reload; CRI-O [crio.api] listen moved, containerd [ttrpc]
  gid; DOCKER_TLS_VERIFY in dockerd's environment; Pacemaker CIB enable-acl; nss-systemd
  userdb records for tss (HVA-042, wrong fail at most): all still open from round 29.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, GROUP, PASS2, PS, _142

# MicroK8s's group (snap/hooks/configure creates it), bob and carol its members
MICROK8S_GROUP = GROUP + "microk8s:x:997:bob,carol\n"
MICROK8S_CONFIG = "/var/snap/microk8s/current/credentials/client.config"
MICROK8S_CA = "/var/snap/microk8s/current/certs/ca.key"
KUBEADM_CA = "/etc/kubernetes/pki/ca.key"


def _stat(*rows: str, err: str = "") -> tuple[str, int, str]:
    """`stat -L -c "%a %U %G %n"` of the Kubernetes cluster-admin credentials (exit 1, each
    path that is not there named on stderr)."""
    return "".join(f"{row}\n" for row in rows), 1 if err else 0, err


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # the snap's configure hook: credentials/ and certs/ ug+rwX, o-rwX, group microk8s
        ((f"660 root microk8s {MICROK8S_CONFIG}", f"660 root microk8s {MICROK8S_CA}"), FAIL4),
        ((f"600 root root {MICROK8S_CONFIG}", f"640 root staff {MICROK8S_CA}"), FAIL4),
        ((f"644 root root {KUBEADM_CA}",), EVERYONE),
        # held: CIS-hardened MicroK8s (g-wr, o-wr) and kubeadm's own 0600 key add no one
        ((f"600 root microk8s {MICROK8S_CONFIG}", f"600 root root {KUBEADM_CA}"), PASS2),
    ],
    ids=["microk8s-default", "microk8s-ca-group", "kubeadm-ca-644", "hardened"],
)
def test_kubernetes_cluster_admin_credentials(
    host_scan, rows: tuple[str, ...], expected: tuple[str, str]
) -> None:
    """R30A-1 (false pass) HVA-142. MicroK8s keeps the cluster administrator's kubeconfig at
    ${SNAP_DATA}/credentials/client.config (canonical/microk8s microk8s-resources/actions/
    common/utils.sh update_configs: `sed -i 's/NAME/admin/g'`, the admin token) and the
    cluster CA key under ${SNAP_DATA}/certs, and its configure hook (snap/hooks/configure)
    gives both directories `chmod -R ug+rwX` and `chgrp ${group} -R` (microk8s, snap_microk8s
    when strict; not under cis-hardening, which runs `chmod -R g-wr`). kubeadm keeps the
    cluster CA's key at /etc/kubernetes/pki/ca.key (kubernetes.io "PKI certificates and
    requirements": ca.crt,key, kubernetes-ca, "Kubernetes general CA"), which signs a client
    certificate of any group, system:masters included. Only k3s's, RKE2's and kubeadm's
    admin kubeconfigs were stat'ed (R29A-6): MicroK8s's group of two passed "2 administrative
    principal(s)"."""
    group = MICROK8S_GROUP if "microk8s" in " ".join(rows) else GROUP
    over = {**BASE, "/etc/group": group, "kube-admin-configs": _stat(*rows)}
    assert _142(host_scan(over)) == expected


# alice in libvirt too: what runs as alice manages every VM without a password
LIBVIRT_ALICE = GROUP.replace("libvirt:x:108:", "libvirt:x:108:alice")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("alice    /usr/bin/podman system service --time=0 tcp://0.0.0.0:8888", EVERYONE),
        ("1000     podman --log-level=info system service -t 0 tcp:127.0.0.1:8080", EVERYONE),
        # held: a rootless service of an account that administers nothing, and alice's on her
        # own unix socket (under $XDG_RUNTIME_DIR, 0700: hers alone)
        ("carol    /usr/bin/podman system service --time=0 tcp://0.0.0.0:8888", PASS2),
        ("alice    /usr/bin/podman system service --time=0 unix:///run/user/1000/p.sock", PASS2),
    ],
    ids=["admin-tcp", "admin-uid-opaque", "non-admin-tcp", "admin-unix"],
)
def test_rootless_podman_service_of_an_administrator(
    host_scan, line: str, expected: tuple[str, str]
) -> None:
    """R30A-2 (false pass) HVA-142. `podman system service tcp://...` run by an account asks
    no one who connects for anything and runs what they send as that account
    (podman-system-service(1): the API "should be treated as allowing arbitrary code execution
    as the user running the API"; containers/podman cmd/podman/system/service_abi.go
    restService listens on uri.Host or uri.Opaque for `case "tcp":`). Run by alice, whose
    groups (libvirt here, sudo) administer the host, every user who reaches the port acts as
    alice: libvirt's socket without a password, and alice's shell files, which her next sudo
    runs. HVA-142 counts whoever may act as an administrator (a sudoers Runas of one, the
    chained rule), but only root's service counted (R29A-5): passed "2 administrative
    principal(s)"."""
    over = {**BASE, "/etc/group": LIBVIRT_ALICE, "processes": (PS + f"  960 {line}\n", 0)}
    assert _142(host_scan(over)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("virtmgr:x:108:bob,carol\n", FAIL4),  # libvirt's gid under another name
        ("wheelish:x:27:bob,carol\n", FAIL4),  # sudo's gid: %sudo matches the gid's name
        # held: a group of its own gid administers nothing
        ("virtmgr:x:109:bob,carol\n", PASS2),
    ],
    ids=["libvirt-gid", "sudo-gid", "own-gid"],
)
def test_second_name_of_an_administrative_gid(
    host_scan, line: str, expected: tuple[str, str]
) -> None:
    """R30A-3 (false pass) HVA-142. A process's groups are gids: glibc's nss_files
    initgroups (nss/nss_files/files-initgroups.c _nss_files_initgroups_dyn: "We have to
    iterate over the entire file", and every entry listing the user adds `grp.gr_gid`) gives
    bob and carol gid 108 from `virtmgr:x:108:bob,carol` as from libvirt's own line; the
    kernel checks libvirt's socket by gid, and sudo's user_in_group matches `%sudo` against
    the names of the caller's gids (sudo_get_grlist: getgrgid(27) is the file's first gid-27
    entry, sudo). Members were counted per name only: a second name for libvirt's (or
    sudo's) gid holding two more accounts passed "2 administrative principal(s)"."""
    over = {**BASE, "/etc/group": GROUP + line}
    assert _142(host_scan(over)) == expected


VIRTMGR = GROUP + "virtmgr:x:108:\n"  # libvirt's gid under a second name, no members


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"/etc/gshadow": "virtmgr:!::bob,carol\n"}, FAIL4),
        (
            {"/etc/security/group.conf": "*;*;bob|carol;Al0000-2400;virtmgr\n"},
            FAIL4,
        ),
        (
            {"/etc/gshadow": "virtmgr:$6$salt$hash::\n"},
            (
                "manual",
                "3 administrative principal(s) (limit 3): %virtmgr (group password set in "
                "/etc/gshadow), alice, root; /etc/gshadow sets a password on %virtmgr: newgrp "
                "admits whoever knows it to the group, member or not",
            ),
        ),
    ],
    ids=["gshadow-members", "pam-group", "gshadow-password"],
)
def test_grant_of_a_second_name_of_an_administrative_gid(
    host_scan, over: dict[str, str], expected: tuple[str, str]
) -> None:
    """R30A-4 (false pass) HVA-142. newgrp (newgrp(1): "change the current group ID") admits
    a gshadow entry's members, or whoever knows its password (R24A-1), to the entry's gid,
    and pam_group grants group.conf's groups at login (R25A-6) as gids; named `virtmgr`,
    gid 108 is libvirt's group all the same (R30A-3). The grants were looked up by the
    administrative group's own name only: bob and carol reaching gid 108 through newgrp or
    pam_group passed "2 administrative principal(s)"."""
    assert _142(host_scan({**BASE, "/etc/group": VIRTMGR, **over})) == expected


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("644 root root /var/lib/rancher/k3s/server/cred/admin.kubeconfig", EVERYONE),
        ("640 root staff /var/lib/rancher/k3s/server/tls/client-admin.key", FAIL4),
        ("640 root staff /var/lib/rancher/rke2/server/tls/client-ca.key", FAIL4),
        # held: k3s's own modes (the files 0600 root's)
        ("600 root root /var/lib/rancher/k3s/server/tls/client-ca.key", PASS2),
    ],
    ids=["k3s-admin-kubeconfig", "k3s-admin-key", "rke2-client-ca-key", "k3s-default"],
)
def test_k3s_server_admin_credentials(host_scan, row: str, expected: tuple[str, str]) -> None:
    """R30A-5 (false pass) HVA-142. Beside /etc/rancher/k3s/k3s.yaml (R29A-6), a k3s server
    keeps system:admin's own kubeconfig, key and signing CA under its data dir (k3s
    pkg/daemons/control/deps/deps.go: KubeConfigAdmin cred/admin.kubeconfig, ClientAdminKey
    tls/client-admin.key; genClientCerts signs "system:admin" in user.SystemPrivilegedGroup,
    system:masters, with ClientCAKey tls/client-ca.key); RKE2 runs the same code under
    /var/lib/rancher/rke2. Whoever reads one is cluster-admin; a 0644 admin.kubeconfig or a
    client CA key of group staff passed "2 administrative principal(s)"."""
    over = {**BASE, "kube-admin-configs": _stat(row)}
    assert _142(host_scan(over)) == expected
