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

Held (kept as tests): tcp_address with the CRI plugin's TCP service left off (the default), with
a client CA, or with the CRI plugin in disabled_plugins adds no one.

Tally: 1 finding (1 false pass); 6 cases, 3 failed on main before the fix, 3 held.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, PASS2, PS, _142

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
