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

Held (kept as tests): tcp_address with the CRI plugin's TCP service left off (the default), with
a client CA, or with the CRI plugin in disabled_plugins adds no one; a transient docker.service (the running boot's
only) and a disabled one add no one.

Tally: 2 findings (2 false passes); 10 cases, 5 failed on main before the fixes (R29A-1: 3,
R29A-2: 2), 5 held.
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
