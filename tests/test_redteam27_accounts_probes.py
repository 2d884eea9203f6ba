"""Red-team round 27 probes: privileged accounts and container sockets (rt27acct)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R27A-n):
- R27A-1 (false pass) HVA-142: a dockerd address without a scheme is TCP (moby opts/hosts.go
  parseDockerDaemonHost: `if len(addrParts) == 1 && addrParts[0] != "" { addrParts =
  []string{"tcp", addrParts[0]} }`), but only `tcp://` prefixes counted: `dockerd -H
  0.0.0.0:2375`, `-H :2375`, `--host=10.0.0.5:2375`, daemon.json "hosts": ["0.0.0.0:2375"], or
  `--tls` without --tlsverify passed "2 administrative principal(s)". Now any address without
  "://" is TCP and, without --tlsverify, counts every user.
- R27A-2 (false pass) HVA-142: a docker.socket ListenStream= abstract address ("@docker":
  systemd.socket(5) "read as abstract namespace socket in the AF_UNIX family", no file mode
  applies, unix(7)) or AF_VSOCK address ("vsock:2:2375", reachable from guests) passed. Now
  such an address of a daemon that serves it unauthenticated counts every user, as a TCP one.

Held: none kept beyond round 26's.

Probed by script: 14 inputs (6 dockerd host forms, 4 ListenStream= forms, and 4 that held:
`-H unix:///srv/d.sock` counts group docker's bob, with `-G staff` counts staff (moby
listeners_linux.go gives every unix:// socket the -G group), and `-H tcp://...` or a bare
address under --tlsverify/--tlsverify=true adds no one); an upper-case `TCP://` is rejected by
dockerd (the switch is case sensitive) and counts (safe side).

Tally: 2 findings (2 false passes); 9 cases, 9 failed before their fixes (R27A-1: 5, R27A-2: 4).

Leads left: a docker-tcp.socket (any socket unit name) held by systemd alone with dockerd
stopped (needs `systemctl list-sockets --all` to tie a listener to docker.service);
DOCKER_TLS_VERIFY in dockerd's environment (moby cmd/dockerd options: tlsverify defaults on
when set; a wrong fail); containerd config.toml [grpc] gid/address and containerd/CRI-O
enablement with the daemon stopped; Incus/LXD core.https_address (TLS client certs, likely held).
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, DOCKER_SOCKET, EVERYONE, PS, _142, _dropin, _units


@pytest.mark.parametrize(
    ("args", "daemon_json"),
    [
        ("-H 0.0.0.0:2375", None),
        ("-H fd:// -H :2375", None),
        ("--host=10.0.0.5:2375", None),
        ("-H fd://", '{"hosts": ["0.0.0.0:2375"]}'),
        ("-H unix:///srv/d.sock -H 0.0.0.0:2376 --tls", None),
    ],
    ids=["bare-any", "bare-port", "host-eq", "json-hosts", "tls-no-verify"],
)
def test_dockerd_host_without_scheme_is_tcp(host_scan, args: str, daemon_json: str | None) -> None:
    """R27A-1 (false pass) HVA-142. moby opts/hosts.go parseDockerDaemonHost reads an address
    without "://" as tcp; dockerd without --tlsverify serves it to anyone (cmd/dockerd
    loadListeners: "Binding to IP address without --tlsverify is insecure and gives root
    access on this machine to everyone who has access to your network"). Passed "2
    administrative principal(s)"."""
    over = {**BASE, "processes": (PS + f"  900 root     /usr/bin/dockerd {args}\n", 0)}
    if daemon_json:
        over["/etc/docker/daemon.json"] = daemon_json
    assert _142(host_scan(over)) == EVERYONE


@pytest.mark.parametrize(
    "listen",
    ["@docker", "@/run/docker.sock", "vsock:2:2375", "vsock::2375"],
    ids=["abstract", "abstract-path", "vsock-host", "vsock-any"],
)
def test_docker_socket_abstract_or_vsock_address(host_scan, listen: str) -> None:
    """R27A-2 (false pass) HVA-142. systemd.socket(5) ListenStream=: "@" is an abstract
    AF_UNIX socket (no file, so no SocketMode=/SocketGroup= check, unix(7)), "vsock:x:y" an
    AF_VSOCK one; dockerd `-H fd://` serves every passed socket (moby daemon/listeners
    listeners_linux.go listenFD). Passed "2 administrative principal(s)"."""
    over = {
        **BASE,
        "container-units": _units("docker.service enabled enabled"),
        "container-socket-unit-files": (
            DOCKER_SOCKET + _dropin("docker.socket", f"[Socket]\nListenStream={listen}\n"),
            0,
        ),
    }
    assert _142(host_scan(over)) == EVERYONE
