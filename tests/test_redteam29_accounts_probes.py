"""Red-team round 29 probes: accounts and privileged sockets (rt29acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R29A-n):
- R29A-1 (false pass) HVA-142: containerd's [grpc] tcp_address was not read.
  containerd-config.toml(5) [grpc] tcp_address, tcp_tls_ca, tcp_tls_cert; containerd
  cmd/containerd/server/server.go New builds a tcpServer with TLS only where tcp_tls_cert is
  set and tls.RequireAndVerifyClientCert only where tcp_tls_ca is too, and registers every
  plugin's RegisterTCP on it; criService.RegisterTCP registers the CRI API unless
  disable_tcp_service (DefaultConfig: true). A running containerd with tcp_address and the
  CRI plugin's disable_tcp_service = false (a version 2 or version 1 file), plain or with a
  server certificate and no client CA, passed "2 administrative principal(s)": whoever
  reaches the port creates privileged containers. Now that counts every user.
- R29A-2 (false pass) HVA-142 (and every reader of UNIT_ENABLED_STATES: libvirt's socket
  units, KSM's): a unit a generator wrote was taken for one the boot does not start.
  systemctl(1) is-enabled: "generated ... Generated unit files may not be enabled, they are
  enabled implicitly by their generator"; systemd src/shared/install.c unit_file_lookup_state
  reports UNIT_FILE_GENERATED for a file under a generator directory before it looks at any
  symlink; systemd-sysv-generator(8) wraps /etc/init.d/docker and wants it from the runlevels
  its rc links enable. docker.service or docker.socket "generated" with dockerd stopped and a
  docker group of two passed "2 administrative principal(s)". Now "generated" counts as
  enabled (model.UNIT_ENABLED_STATES).
- R29A-3 (false pass) HVA-142: a socket unit enabled but stopped at scan time was not seen.
  R28A-1 reads `systemctl list-sockets --state=active`, listening units only; an enabled one
  listens again from the next boot (systemctl(1) is-enabled "enabled": "Enabled via .wants/,
  .requires/ or Alias= symlinks"; WantedBy=sockets.target) and its first connection starts the
  container daemon it activates (systemd.socket(5)). docker-tcp.socket (ListenStream=2375,
  Service=docker.service) enabled and stopped with dockerd stopped, or podman-tcp.socket
  enabled-runtime, passed "2 administrative principal(s)". Now `systemctl list-sockets --all`
  (systemd src/systemctl/systemctl-list-units.c get_listening, get_triggered_units: the
  loaded unit's configured Listen and Triggers, stopped or not) and `systemctl
  list-unit-files --type=socket` are collected: a stopped socket unit whose file is enabled
  counts as a listening one (an address no file mode guards counts every user, a file socket
  whose mode is unread is a manual item), and a listing systemctl did not answer is an error.
- R29A-4 (false pass) HVA-142: a running dockerd with no -H and no daemon.json "hosts"
  listens on the default host, which is TCP when TLS is on (moby cmd/dockerd/daemon.go
  normalizeHosts: `config.Hosts = make([]string, 1)` then opts.ParseHost(useTLS, ...);
  opts/hosts.go ParseHost `if defaultToTLS { host = DefaultTLSHost }`, tcp://localhost:2376),
  and TLS is on with --tls or with tlsverify set at all, false included ("Regardless of
  whether the user sets it to true or false, if they specify TLSVerify at all then we need to
  turn on TLS"). `dockerd --tlsverify=false`, daemon.json "tlsverify": false, or `--tls`
  alone passed "2 administrative principal(s)", every local account reaching the API
  unverified (loadListeners: authEnabled only with tls.RequireAndVerifyClientCert). Now that
  counts every user. (`--tls` alone: releases with loadDaemonCliConfig's `if conf.TLSVerify
  == nil && conf.TLS != nil { conf.TLSVerify = conf.TLS }` verify clients; older ones do
  not; the version is not collected, so it counts as R27A-1 counts `--tls` on a -H tcp://.)
- R29A-5 (false pass) HVA-142: `podman system service` run by root on a TCP URI (a unit's
  ExecStart=, a shell) counted no one: only a socket unit's TCP listener did (R28A-1).
  containers/podman cmd/podman/system/service_abi.go restService listens with `case "tcp":`
  on uri.Host or uri.Opaque ("tcp:<host>:<port> and tcp://<host>:<port>"), and
  podman-system-service(1): the API "should be treated as allowing arbitrary code execution
  as the user running the API". Root's podman on tcp://0.0.0.0:8888 or tcp:127.0.0.1:8080
  passed "2 administrative principal(s)". Now it counts every user.
- R29A-6 (false pass) HVA-142: the Kubernetes administrator's kubeconfig was not looked at.
  k3s writes it (system:admin's client certificate and key) to /etc/rancher/k3s/k3s.yaml with
  --write-kubeconfig-mode / --write-kubeconfig-group (docs.k3s.io cli/server; the installer's
  K3S_KUBECONFIG_MODE="644" is a common recipe); RKE2's /etc/rancher/rke2/rke2.yaml and
  kubeadm's /etc/kubernetes/admin.conf are the same. Whoever reads it is cluster-admin and
  schedules a privileged pod with the host's root filesystem on this node (Kubernetes Pod
  Security Standards, "Privileged": "Unrestricted policy ... allows for known privilege
  escalations"). A 0644 k3s.yaml passed "2 administrative principal(s)"; a 0640 one of group
  staff likewise. Now `stat -L` of the four paths is collected: others' read bit counts every
  user, a group's read bit its members, an owner other than root counts, and a path stat could
  not reach is an error.
- R29A-7 (question) HVA-142: dockerd's socket group given as a number (`-G 50`,
  `--group=50`, daemon.json "group": "50") was looked up as a group named "50" and asked
  ("the members of %50 are not in the evidence"), though moby daemon/listeners/group_unix.go
  lookupGID takes the group of that name, else the number as the gid, and /etc/group gives gid
  50 to staff (bob, carol). Now a number no group is named is its gid's group: a fail with 4.
- R29A-8 (false pass) HVA-142: Pacemaker's haclient group counted no one. Red Hat,
  "Configuring and managing high availability clusters" 20.2: "When ACLs are not enabled, any
  user who is a member of the group haclient on all nodes has full local read/write access to
  the cluster configuration"; "root and hacluster user accounts always have full access ...
  even when ACLs are enabled". The cluster configuration defines resources whose agents
  pacemaker-execd runs as root (ocf:heartbeat:anything runs any binfile). bob in haclient
  passed "2 administrative principal(s)". Now haclient is an administrative group
  (ADMIN_GROUPS), hacluster (its primary member) counted with it.

Held (kept as tests): tcp_address with the CRI plugin's TCP service left off (the default), with
a client CA, or with the CRI plugin in disabled_plugins adds no one; a transient docker.service (the running boot's
only) and a disabled one add no one; a stopped docker-tcp.socket disabled or masked adds no
one; a dockerd without TLS, with --tlsverify, or with an explicit unix -H (no default host)
adds no one; root's podman service on a unix URI and a rootless one on TCP add no one; k3s.yaml at its default 0600 root:root adds no one.

Probed by script (not kept, all held): 10 HVA-160 Match shapes (`Match User root`, `User
"root"`, `Group root`, `LocalPort 2222` with forced-commands-only, `Address` with tabs,
lower-case `match user root` / `permitrootlogin=yes`, `User r*t`, `User *,!alice`, a
sshd_config.d drop-in block: each fails; `Match User alice` passes) and 6 HVA-151
AuthenticationMethods lists (`publickey,keyboard-interactive publickey`, `any`,
`publickey,publickey` fail as single-factor; `keyboard-interactive:pam`,
`publickey,password` pass on the two-factor PAM stack; `keyboard-interactive:bsdauth` has no
device on Linux, so that list logs no one in).

Tally: 8 findings (7 false passes, 1 question the evidence answered); 36 cases, 23 failed on
main before the fixes (R29A-1: 3, R29A-2: 2, R29A-3: 4, R29A-4: 3, R29A-5: 2, R29A-6: 4,
R29A-7: 3, R29A-8: 2), 13 held.

Leads left:
- HVA-142: dockerd `--tls` alone: releases with loadDaemonCliConfig's `if conf.TLSVerify ==
  nil && conf.TLS != nil { conf.TLSVerify = conf.TLS }` verify clients, older ones do not; the
  dockerd version is not collected, so `--tls` counts every user (R27A-1, R29A-4): a wrong
  fail on current Docker (team decision: count, or ask for `dockerd --version`).
- HVA-142: DOCKER_TLS_VERIFY in dockerd's environment (turns tlsverify on) is not read (a wrong
  fail at most); podman.service enabled but stopped with a TCP URI in its ExecStart= (the
  service unit is not collected); rootless API sockets of administrators are not weighed.
- HVA-142: k3s `--write-kubeconfig` (another path) and config.yaml `write-kubeconfig-mode`
  (applied at k3s's next start over a 0600 file now) are not read; copies of the admin
  kubeconfig in home directories are not looked for.
- HVA-142: Pacemaker's CIB `enable-acl` is not read (ACLs narrowing haclient's members: a wrong
  fail at most); hacluster's password (pcsd authenticates it over the network, port 2224) is
  not weighed beyond counting the account.
- systemd unit states: "alias" (the queried name is a symlink to another unit file whose
  enablement is not listed), and "static"/"disabled" units wanted from a vendor .wants
  directory (/usr/lib/systemd/system/*.wants: started at boot, though list-unit-files reports
  static or disabled) are not counted as starting; a socket unit enabled with --no-reload (not
  loaded, so absent from `list-sockets --all`) is not seen.
- CRI-O `[crio.api] listen` moved off /var/run/crio/crio.sock and containerd's [ttrpc] socket
  gid are not read.
- HVA-160: an AllowGroups list that refuses root is not weighed on the PermitRootLogin no
  path, so a Match block setting PermitRootLogin yes fails even where AllowGroups keeps root
  out (a wrong fail at most).
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, GROUP, PASS2, PS, _142, _units

# the docker group of two (round 26's is empty)
DOCKER_GROUP = GROUP.replace("docker:x:998:", "docker:x:998:bob,carol")
CONTAINERD = "  950 root     /usr/bin/containerd\n"
CRI_TCP_ON = '\n[plugins."io.containerd.grpc.v1.cri"]\n  disable_tcp_service = false\n'


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('version = 2\n\n[grpc]\n  tcp_address = "0.0.0.0:10010"\n' + CRI_TCP_ON, EVERYONE),
        (
            'version = 2\n\n[grpc]\n  tcp_address = "127.0.0.1:10010"\n'
            '  tcp_tls_cert = "/etc/containerd/tls.crt"\n'
            '  tcp_tls_key = "/etc/containerd/tls.key"\n' + CRI_TCP_ON,
            EVERYONE,
        ),
        (
            'version = 1\n\n[grpc]\n  tcp_address = "[::]:10010"\n'
            "\n[plugins.cri]\n  disable_tcp_service = false\n",
            EVERYONE,
        ),
        # held: the CRI plugin keeps its TCP service off by default, client certificates
        # verified, the CRI plugin disabled
        ('version = 2\n\n[grpc]\n  tcp_address = "0.0.0.0:10010"\n', PASS2),
        (
            'version = 2\n\n[grpc]\n  tcp_address = "0.0.0.0:10010"\n'
            '  tcp_tls_ca = "/etc/containerd/ca.crt"\n'
            '  tcp_tls_cert = "/etc/containerd/tls.crt"\n'
            '  tcp_tls_key = "/etc/containerd/tls.key"\n' + CRI_TCP_ON,
            PASS2,
        ),
        (
            'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n\n[grpc]\n'
            '  tcp_address = "0.0.0.0:10010"\n' + CRI_TCP_ON,
            PASS2,
        ),
    ],
    ids=["plain", "tls-no-client-ca", "v1-config", "cri-tcp-off", "client-ca", "cri-disabled"],
)
def test_containerd_grpc_tcp_address(host_scan, config: str, expected: tuple[str, str]) -> None:
    """R29A-1 (false pass) HVA-142. containerd-config.toml(5) [grpc] tcp_address: containerd
    serves gRPC on TCP too (cmd/containerd/server/server.go New: a tcpServer with TLS only
    where tcp_tls_cert is set, and tls.RequireAndVerifyClientCert only where tcp_tls_ca is),
    and the CRI plugin registers there unless disable_tcp_service (criService.RegisterTCP;
    DefaultConfig DisableTCPService: true). With it off and no client CA, anyone who reaches
    the port creates privileged containers: passed "2 administrative principal(s)"."""
    over = {
        **BASE,
        "processes": (PS + CONTAINERD, 0),
        "/etc/containerd/config.toml": config,
    }
    assert _142(host_scan(over)) == expected


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ("docker.service generated -", FAIL4),
        ("docker.socket generated -", FAIL4),
        # held: a transient unit lives for the running boot only, a disabled one is not started
        ("docker.service transient -", PASS2),
        ("docker.service disabled enabled", PASS2),
    ],
    ids=["service-generated", "socket-generated", "transient", "disabled"],
)
def test_generated_container_unit_starts_at_boot(
    host_scan, units: str, expected: tuple[str, str]
) -> None:
    """R29A-2 (false pass) HVA-142. systemctl(1) is-enabled: "generated" means "The unit file
    was generated dynamically via a generator tool ... Generated unit files may not be enabled,
    they are enabled implicitly by their generator" (systemd src/shared/install.c
    unit_file_lookup_state: a file under a generator directory is UNIT_FILE_GENERATED before
    any symlink is looked at); systemd-sysv-generator(8) wraps /etc/init.d/docker into
    docker.service and wants it from the runlevels its rc links enable. dockerd stopped now,
    the docker group of two passed "2 administrative principal(s)"."""
    over = {**BASE, "/etc/group": DOCKER_GROUP, "container-units": _units(units)}
    assert _142(host_scan(over)) == expected


def _states(*rows: str) -> tuple[str, int]:
    """`systemctl list-unit-files --no-legend --no-pager --type=socket` (UNIT FILE, STATE,
    PRESET)."""
    return "".join(f"{row}\n" for row in rows), 0


def _loaded(*rows: str) -> tuple[str, int]:
    """`systemctl list-sockets --full --no-legend --no-pager --all` (LISTEN, UNIT, ACTIVATES)."""
    return "".join(f"{row}\n" for row in rows), 0


JOURNAL = "/run/systemd/journal/stdout   systemd-journald.socket   systemd-journald.service"
DOCKER_TCP = "[::]:2375                     docker-tcp.socket         docker.service"
PODMAN_TCP = "0.0.0.0:8080                  podman-tcp.socket         podman.service"


@pytest.mark.parametrize(
    ("loaded", "states", "expected"),
    [
        (
            (JOURNAL, DOCKER_TCP),
            ("systemd-journald.socket static -", "docker-tcp.socket enabled enabled"),
            EVERYONE,
        ),
        (
            (JOURNAL, PODMAN_TCP),
            ("systemd-journald.socket static -", "podman-tcp.socket enabled-runtime enabled"),
            EVERYONE,
        ),
        (
            (JOURNAL, "/srv/docker-ci.sock  docker-ci.socket  docker.service"),
            ("systemd-journald.socket static -", "docker-ci.socket enabled enabled"),
            (
                "manual",
                "evidence unavailable: docker-ci.socket (/srv/docker-ci.sock) starts a "
                "container daemon on the first connection; its socket's group and mode were "
                "not collected: who may connect is unknown",
            ),
        ),
        # held: the same units stopped and disabled (or masked) start nothing at the next boot
        (
            (JOURNAL, DOCKER_TCP),
            ("systemd-journald.socket static -", "docker-tcp.socket disabled enabled"),
            PASS2,
        ),
        (
            (JOURNAL, DOCKER_TCP),
            ("systemd-journald.socket static -", "docker-tcp.socket masked enabled"),
            PASS2,
        ),
    ],
    ids=["docker-tcp-enabled", "podman-tcp-runtime", "docker-unix-unread", "disabled", "masked"],
)
def test_enabled_socket_unit_stopped_now(
    host_scan, loaded: tuple[str, ...], states: tuple[str, ...], expected: tuple[str, str]
) -> None:
    """R29A-3 (false pass) HVA-142. A socket unit enabled but stopped at scan time listens
    again at the next boot (systemctl(1) is-enabled "enabled": "Enabled via .wants/,
    .requires/ or Alias= symlinks"; the socket's WantedBy=sockets.target), and its first
    connection starts the container daemon it activates (systemd.socket(5)). `list-sockets
    --state=active` (R28A-1) shows only listening units, so docker-tcp.socket (ListenStream=2375,
    Service=docker.service) enabled and stopped, with dockerd stopped too, passed "2
    administrative principal(s)". `list-sockets --all` lists loaded units, stopped ones with
    their Listen= and Triggers= (systemd src/systemctl/systemctl-list-units.c get_listening,
    get_triggered_units read the unit's configured ports and triggers)."""
    over = {
        **BASE,
        "socket-activations": ("", 0),
        "socket-units-loaded": _loaded(*loaded),
        "socket-unit-states": _states(*states),
    }
    assert _142(host_scan(over)) == expected


def test_socket_unit_states_unanswered(host_scan) -> None:
    """R29A-3 HVA-142. A unit-file listing systemctl did not answer leaves a stopped socket
    unit's next boot unknown: an error, never "nothing enabled"."""
    over = {
        **BASE,
        "socket-activations": ("", 0),
        "socket-units-loaded": _loaded(JOURNAL, DOCKER_TCP),
        "socket-unit-states": ("", 1, "Failed to connect to bus: No such file or directory\n"),
    }
    assert _142(host_scan(over)) == (
        "error",
        "evidence could not be collected: the socket units' enablement was not listed (exit "
        "status 1: Failed to connect to bus: No such file or directory): whether a stopped one "
        "starts a container daemon from the next boot is unknown",
    )


TLS_FILES = (
    "--tlscacert=/etc/docker/ca.pem --tlscert=/etc/docker/cert.pem --tlskey=/etc/docker/key.pem"
)


@pytest.mark.parametrize(
    ("argv", "conf", "expected"),
    [
        (f"--tlsverify=false {TLS_FILES}", None, EVERYONE),
        (TLS_FILES, '{"tlsverify": false}', EVERYONE),
        (f"--tls {TLS_FILES}", None, EVERYONE),
        # held: no TLS (the default unix socket, group docker empty), TLS with client
        # certificates verified, and an explicit -H (the default host is not added)
        ("", None, PASS2),
        (f"--tlsverify {TLS_FILES}", None, PASS2),
        (f"-H unix:///run/docker.sock --tlsverify=false {TLS_FILES}", None, PASS2),
    ],
    ids=["tlsverify-false", "json-tlsverify-false", "tls-only", "plain", "tlsverify", "unix-host"],
)
def test_dockerd_default_host_under_tls(
    host_scan, argv: str, conf: str | None, expected: tuple[str, str]
) -> None:
    """R29A-4 (false pass) HVA-142. dockerd with no -H and no daemon.json "hosts" listens on
    the default host, which is TCP when TLS is on: moby cmd/dockerd/daemon.go normalizeHosts
    (`config.Hosts = make([]string, 1)`, then opts.ParseHost(useTLS, ...)), opts/hosts.go
    ParseHost (`if defaultToTLS { host = DefaultTLSHost }`, "tcp://localhost:2376"). TLS is on
    with --tls, or wherever tlsverify is set at all, false included ("Regardless of whether
    the user sets it to true or false, if they specify TLSVerify at all then we need to turn
    on TLS"), and the client certificate is required only with TLSVerify (loadListeners:
    authEnabled only with tls.RequireAndVerifyClientCert). `dockerd --tlsverify=false` passed
    "2 administrative principal(s)": every local account reaches the API on localhost:2376."""
    over: dict[str, object] = {
        **BASE,
        "processes": (PS + f"  900 root     /usr/bin/dockerd {argv}".rstrip() + "\n", 0),
    }
    if conf is not None:
        over["/etc/docker/daemon.json"] = conf
    assert _142(host_scan(over)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("root     /usr/bin/podman system service --time=0 tcp://0.0.0.0:8888", EVERYONE),
        (
            "root     /usr/bin/podman --log-level=info system service -t 0 tcp:127.0.0.1:8080",
            EVERYONE,
        ),
        # held: a unix socket (root's umask leaves it root's), and a rootless service of an
        # account that administers nothing (an administrator's counts: R30A-2)
        ("root     /usr/bin/podman system service --time=0 unix:///run/podman/api.sock", PASS2),
        ("carol    /usr/bin/podman system service --time=0 tcp://0.0.0.0:8888", PASS2),
    ],
    ids=["tcp-uri", "tcp-opaque-loopback", "unix", "rootless"],
)
def test_podman_service_on_tcp(host_scan, line: str, expected: tuple[str, str]) -> None:
    """R29A-5 (false pass) HVA-142. `podman system service URI` run as root (a unit's
    ExecStart=, a shell) listens where the URI says: containers/podman
    cmd/podman/system/service_abi.go restService, `case "tcp":` net.Listen on uri.Host (or
    uri.Opaque: "support tcp:<host>:<port> and tcp://<host>:<port>"), and the API asks no one
    for anything (podman-system-service(1): "the API grants full access to Podman's
    capabilities, and as such should be treated as allowing arbitrary code execution as the
    user running the API"). Only a socket unit's TCP listener counted (R28A-1): root's
    podman on tcp://0.0.0.0:8888 passed "2 administrative principal(s)"."""
    over = {**BASE, "processes": (PS + f"  960 {line}\n", 0)}
    assert _142(host_scan(over)) == expected


def _kube(*rows: str, rc: int = 0, err: str = "") -> tuple[str, int, str]:
    """`stat -L -c "%a %U %G %n"` of the Kubernetes admin kubeconfigs (exit 1, named on stderr,
    for a path that is not there)."""
    return "".join(f"{row}\n" for row in rows), rc, err


NO_KUBEADM = (
    "stat: cannot statx '/etc/kubernetes/admin.conf': No such file or directory\n"
    "stat: cannot statx '/etc/kubernetes/super-admin.conf': No such file or directory\n"
    "stat: cannot statx '/etc/rancher/rke2/rke2.yaml': No such file or directory\n"
)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("644 root root /etc/rancher/k3s/k3s.yaml", EVERYONE),
        ("640 root staff /etc/rancher/k3s/k3s.yaml", FAIL4),
        (
            "600 bob root /etc/rancher/k3s/k3s.yaml",
            ("pass", "3 administrative principal(s) (limit 3): alice, bob, root"),
        ),
        # held: k3s's default mode (0600, root's)
        ("600 root root /etc/rancher/k3s/k3s.yaml", PASS2),
    ],
    ids=["k3s-644", "k3s-group", "k3s-owner", "k3s-default"],
)
def test_kubernetes_admin_kubeconfig_readers(
    host_scan, row: str, expected: tuple[str, str]
) -> None:
    """R29A-6 (false pass) HVA-142. k3s writes the cluster administrator's kubeconfig (client
    certificate and key of system:admin) to /etc/rancher/k3s/k3s.yaml with the mode and group
    of --write-kubeconfig-mode / --write-kubeconfig-group (docs.k3s.io cli/server; the
    installer's K3S_KUBECONFIG_MODE="644" is a common recipe); kubeadm's /etc/kubernetes/
    admin.conf and RKE2's /etc/rancher/rke2/rke2.yaml are the same. Whoever reads it is
    cluster-admin, and a cluster administrator schedules a privileged pod with the host's
    root filesystem on this node (Kubernetes Pod Security Standards, "Privileged":
    "Unrestricted policy ... allows for known privilege escalations"). A 0644 k3s.yaml passed
    "2 administrative principal(s)"."""
    over = {**BASE, "kube-admin-configs": _kube(row, rc=1, err=NO_KUBEADM)}
    assert _142(host_scan(over)) == expected


def test_kubeconfig_stat_unreachable(host_scan) -> None:
    """R29A-6 HVA-142. A kubeconfig stat could not reach (a directory above it not searchable)
    may be readable by anyone: an error, never "no one reads it"."""
    over = {
        **BASE,
        "kube-admin-configs": _kube(
            rc=1, err="stat: cannot statx '/etc/rancher/k3s/k3s.yaml': Permission denied\n"
        ),
    }
    assert _142(host_scan(over)) == (
        "error",
        "evidence could not be collected: the Kubernetes admin kubeconfigs could not all be "
        "stat'ed (exit status 1: stat: cannot statx '/etc/rancher/k3s/k3s.yaml': Permission "
        "denied): the groups that may read them are unknown",
    )


@pytest.mark.parametrize(
    ("argv", "conf"),
    [("-H fd:// -G 50", None), ("-H fd:// --group=50", None), ("-H fd://", '{"group": "50"}')],
    ids=["flag", "long-flag", "daemon-json"],
)
def test_dockerd_numeric_group(host_scan, argv: str, conf: str | None) -> None:
    """R29A-7 (question) HVA-142. dockerd's socket group given as a number is that gid where
    no group bears the name (moby daemon/listeners/group_unix.go lookupGID: the group named so
    first, then `strconv.Atoi(name)` as the gid). `-G 50` was looked up as a group named "50"
    and asked "the members of %50 are not in the evidence", though /etc/group gives gid 50 to
    staff (bob, carol): the answer was in the evidence."""
    over: dict[str, object] = {
        **BASE,
        "processes": (PS + f"  900 root     /usr/bin/dockerd {argv}\n", 0),
    }
    if conf is not None:
        over["/etc/docker/daemon.json"] = conf
    assert _142(host_scan(over)) == FAIL4


HACLUSTER = "hacluster:x:189:189:cluster user:/var/lib/pacemaker:/sbin/nologin\n"


@pytest.mark.parametrize(
    ("group_line", "expected"),
    [
        (
            "haclient:x:189:bob\n",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, hacluster, root"),
        ),
        # Pacemaker's own account (haclient its primary group) counts by itself
        (
            "haclient:x:189:\n",
            ("pass", "3 administrative principal(s) (limit 3): alice, hacluster, root"),
        ),
    ],
    ids=["member", "hacluster-only"],
)
def test_pacemaker_haclient(host_scan, group_line: str, expected: tuple[str, str]) -> None:
    """R29A-8 (false pass) HVA-142. Pacemaker (the usual HA manager of KVM guests,
    ocf:heartbeat:VirtualDomain): Red Hat's "Configuring and managing high availability
    clusters", 20.2 "Setting local permissions using ACLs": "By default, ACLs are not enabled.
    When ACLs are not enabled, any user who is a member of the group haclient on all nodes has
    full local read/write access to the cluster configuration ... root and hacluster user
    accounts always have full access to the cluster configuration, even when ACLs are
    enabled". Whoever writes the cluster configuration defines resources whose agents
    pacemaker-execd runs as root (ocf:heartbeat:anything runs the binfile it is given), and
    every VM's placement. bob in haclient passed "2 administrative principal(s)"."""
    over = {
        **BASE,
        "/etc/passwd": BASE["/etc/passwd"] + HACLUSTER,
        "/etc/group": BASE["/etc/group"] + group_line,
    }
    assert _142(host_scan(over)) == expected
