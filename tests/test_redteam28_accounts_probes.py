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

Held (kept as tests): a docker-tcp.socket under daemon.json "tlsverify": true (pass, 2).

Probed by script: 9 inputs (the 7 kept cases, and 2 that held by existing code: a listening snap.lxd.daemon.unix.socket whose stat'ed socket is
group lxd, and `/run/docker.sock docker-custom.socket docker.service`, stat'ed already).

Tally: 1 finding (1 false pass); 7 cases, 6 failed before the fix (R28A-1: 6), 1 held.

Leads left: a socket unit that is enabled but not listening now (list-sockets --state=active
shows only live ones; its ACTIVATES is unknown until loaded); containerd's
/etc/containerd/config.toml [grpc] address/gid (not collected; a moved socket is not
stat'ed) and containerd/CRI-O enabled while stopped; DOCKER_TLS_VERIFY in docker.service's
Environment= (moby cmd/dockerd: tlsverify defaults on when set; a wrong fail at most).
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, PASS2, _142, _units


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
