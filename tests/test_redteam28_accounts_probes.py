"""Red-team round 28 probes: accounts and privileged sockets (rt28acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R28A-n):
- R28A-1 (false pass) HVA-142: only the container daemons' own unit names were read
  (docker.service/.socket, podman.socket, incus, lxd). A socket unit of any other name that
  systemd holds for a container daemon's service (the common docker-tcp.socket recipe:
  ListenStream=2375, Service=docker.service) starts that daemon on the first connection and
  passes it the socket (systemd.socket(5)); dockerd `-H fd://` serves every passed listener,
  over TLS only with --tlsverify (moby daemon/listeners/listeners_linux.go listenFD), and
  podman's API asks no one for anything (podman-system-service(1)). With dockerd stopped, ss
  shows the listener held by systemd alone, so R26A-2's check (dockerd and pid 1 holding it)
  did not fire: `[::]:2375 docker-tcp.socket docker.service` with docker.service disabled, or
  beside an enabled docker.socket, an abstract `@docker` socket, or `0.0.0.0:8080
  podman-tcp.socket podman.service` passed "2 administrative principal(s)". Now `systemctl
  list-sockets --full --no-legend --state=active` is collected (systemd
  src/systemctl/systemctl-list-units.c output_sockets_list: LISTEN, UNIT, ACTIVATES): a
  listening socket for a container daemon's service counts that daemon (its group), an
  address that is no file path counts every user (docker unless --tlsverify), and a file
  socket of a unit whose group and mode hvaudit does not read (not one of the stat'ed
  paths) makes the evidence unavailable, a manual item, never a pass; a listing systemctl
  did not answer ("Failed to connect to bus") is an error, never "no socket unit".

- R28A-2 (false pass) HVA-142: containerd's socket counted only as stat saw it at
  /run/containerd/containerd.sock. containerd-config.toml(5) [grpc] `address`, `uid`, `gid`
  (0 by default) place and own it, and containerd chmods it 0660 and chowns it to uid:gid
  wherever it is (containerd pkg/sys/socket_unix.go GetLocalListener). `gid = 50` (staff)
  with the socket moved to /run/containerd/alt.sock, or with containerd stopped and
  containerd.service enabled, passed "2 administrative principal(s)". Now
  /etc/containerd/config.toml and containerd.service's state are collected; where containerd
  runs or is enabled, a non-zero gid's group and uid's account count; a config given with
  -c/--config, `imports`, or a file that could not be read is a manual item.

Held (kept as tests): a docker-tcp.socket under daemon.json "tlsverify": true (pass, 2);
containerd with the default [grpc] (uid, gid 0: pass, 2).

Probed by script: 13 inputs (the 11 kept cases, and 2 that held by existing code: a listening snap.lxd.daemon.unix.socket whose stat'ed socket is
group lxd, and `/run/docker.sock docker-custom.socket docker.service`, stat'ed already).

Tally: 2 findings (2 false passes); 11 cases, 9 failed before the fixes (R28A-1: 6, R28A-2:
3), 2 held.

Leads left: a socket unit that is enabled but not listening now (list-sockets --state=active
shows only live ones; its ACTIVATES is unknown until loaded); CRI-O enabled while stopped
and crio.conf [crio.api] listen moved (the socket is stat'ed at the default path only);
containerd's [grpc] tcp_address and k3s's own containerd config; DOCKER_TLS_VERIFY in docker.service's
Environment= (moby cmd/dockerd: tlsverify defaults on when set; a wrong fail at most).
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, PASS2, PS, _142, _units


def _sockets(*rows: str) -> tuple[str, int]:
    """`systemctl list-sockets --full --no-legend --state=active` (LISTEN, UNIT, ACTIVATES)."""
    return "".join(f"{row}\n" for row in rows), 0


JOURNAL = "/run/systemd/journal/stdout   systemd-journald.socket   systemd-journald.service"
DOCKER_TCP = "[::]:2375                     docker-tcp.socket         docker.service"


@pytest.mark.parametrize(
    ("units", "rows"),
    [
        ("docker.service disabled enabled", (JOURNAL, DOCKER_TCP)),
        (
            "docker.socket enabled enabled",
            (JOURNAL, "/run/docker.sock  docker.socket  docker.service", DOCKER_TCP),
        ),
        (
            "docker.service disabled enabled",
            (JOURNAL, "@docker  docker-abs.socket  docker.service"),
        ),
        (
            "podman.socket disabled enabled",
            (JOURNAL, "0.0.0.0:8080  podman-tcp.socket  podman.service"),
        ),
    ],
    ids=["docker-tcp-alone", "docker-tcp-with-docker-socket", "abstract", "podman-tcp"],
)
def test_listening_socket_unit_of_any_name_starts_daemon(
    host_scan, units: str, rows: tuple[str, ...]
) -> None:
    """R28A-1 (false pass) HVA-142. systemd.socket(5): the socket unit starts its Service= on
    the first connection and passes it the socket; moby daemon/listeners/listeners_linux.go
    listenFD serves every passed listener (TLS only with --tlsverify); podman-system-service(1)
    "the API grants full access to Podman's capabilities". dockerd stopped, the listener held by
    systemd alone: passed "2 administrative principal(s)"."""
    over = {**BASE, "container-units": _units(units), "socket-activations": _sockets(*rows)}
    assert _142(host_scan(over)) == EVERYONE


def test_custom_unix_socket_unit_of_docker_unread(host_scan) -> None:
    """R28A-1 (false pass) HVA-142. A socket unit of another name listening on a file socket
    for docker.service: its SocketGroup=/SocketMode= (systemd.socket(5), default 0666) are not
    collected and the path is not stat'ed, so who may connect is unknown: a manual item, not
    the pass of "2 administrative principal(s)"."""
    over = {
        **BASE,
        "socket-activations": _sockets(
            JOURNAL, "/srv/docker-ci.sock  docker-ci.socket  docker.service"
        ),
    }
    assert _142(host_scan(over)) == (
        "manual",
        "evidence unavailable: docker-ci.socket (/srv/docker-ci.sock) starts a container daemon "
        "on the first connection; its socket's group and mode were not collected: who may "
        "connect is unknown",
    )


def test_docker_tcp_socket_under_tlsverify_held(host_scan) -> None:
    """Held. daemon.json "tlsverify": true (moby cmd/dockerd: authorization by client
    certificate, tls.RequireAndVerifyClientCert) serves the passed TCP socket to certificate
    holders only."""
    over = {
        **BASE,
        "container-units": _units("docker.service disabled enabled"),
        "socket-activations": _sockets(JOURNAL, DOCKER_TCP),
        "/etc/docker/daemon.json": '{"tlsverify": true, "tlscacert": "/etc/docker/ca.pem"}',
    }
    assert _142(host_scan(over)) == PASS2


def test_socket_listing_unanswered(host_scan) -> None:
    """R28A-1 HVA-142 (passed on main). systemctl that cannot reach the manager (acquire_bus: "Failed to connect to bus",
    exit 1) listed nothing: an error, never "no socket unit"."""
    over = {
        **BASE,
        "socket-activations": ("", 1, "Failed to connect to bus: No such file or directory\n"),
    }
    assert _142(host_scan(over)) == (
        "error",
        "evidence could not be collected: the listening socket units were not listed (exit "
        "status 1: Failed to connect to bus: No such file or directory): whether one starts a "
        "container daemon on the first connection is unknown",
    )


CONTAINERD_GID = 'version = 2\n\n[grpc]\n  address = "/run/containerd/alt.sock"\n  gid = 50\n'


@pytest.mark.parametrize(
    ("ps", "units"),
    [
        ("  950 root     /usr/bin/containerd\n", "docker.service disabled enabled"),
        ("", "containerd.service enabled enabled"),
    ],
    ids=["running-moved-socket", "enabled-stopped"],
)
def test_containerd_grpc_gid(host_scan, ps: str, units: str) -> None:
    """R28A-2 (false pass) HVA-142. containerd-config.toml(5) [grpc] gid owns the API socket,
    which containerd chmods 0660 at whatever `address` (containerd pkg/sys/socket_unix.go
    GetLocalListener: os.Chmod(path, 0660); os.Chown(path, uid, gid)): group staff (gid 50,
    bob and carol) may create privileged containers. The socket moved off the stat'ed path, or
    containerd stopped with containerd.service enabled: passed "2 administrative
    principal(s)"."""
    over = {
        **BASE,
        "processes": (PS + ps, 0),
        "container-units": _units(units),
        "/etc/containerd/config.toml": CONTAINERD_GID,
    }
    assert _142(host_scan(over)) == FAIL4


def test_containerd_default_config_held(host_scan) -> None:
    """Held. containerd's [grpc] uid and gid default to 0 (containerd-config.toml(5)): root
    only."""
    over = {
        **BASE,
        "processes": (PS + "  950 root     /usr/bin/containerd\n", 0),
        "/etc/containerd/config.toml": 'version = 2\n\n[grpc]\n  address = "/run/containerd/containerd.sock"\n',
    }
    assert _142(host_scan(over)) == PASS2


def test_containerd_other_config_unread(host_scan) -> None:
    """R28A-2 (false pass) HVA-142. containerd -c/--config names the file it reads
    (containerd-config.toml(5)); hvaudit collects only /etc/containerd/config.toml, so the
    socket's gid is unknown: a manual item, not the pass of "2 administrative principal(s)"."""
    over = {
        **BASE,
        "processes": (PS + "  950 root     /usr/bin/containerd --config /srv/ctrd.toml\n", 0),
    }
    assert _142(host_scan(over)) == (
        "manual",
        "evidence unavailable: containerd runs with --config /srv/ctrd.toml, which is not "
        "collected: the uid and gid containerd gives its API socket ([grpc] uid, gid) are unknown",
    )
