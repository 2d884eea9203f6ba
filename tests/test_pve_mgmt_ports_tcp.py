"""HVA-313: a management port number under another transport protocol is not a management port
(round 29's rt29pve lead, a wrong fail).

pve-firewall's management services listen on TCP only: pveproxy's web UI and API (8006),
sshd (22), spiceproxy (3128) and the VNC consoles (5900:5999) (checks.proxmox MGMT_PORTS; the
macros SSH, PMG, SPICEproxy, Squid and VNC of src/PVE/Firewall.pm $pve_fw_macros give them as
tcp). `IN ACCEPT -p udp -dport 8006` from every source failed HVA-313 "accepts management
ports from any source", though it admits no packet to any of them: HVA-313 read the port and
not the protocol. Harness: round 14's live hardened Proxmox VE node (pve+ssh, pve-firewall
running) with one host.fw rule added. The udp cases failed on main before the fix; the tcp
twin still fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam14_pve_probes import _host_rule, _live

PASS = (
    "pass",
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider",
)
FAIL = ("fail", "host.fw:9 accepts management ports from any source")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("IN ACCEPT -p udp -dport 8006", PASS),
        ("IN ACCEPT -p 17 -dport 22", PASS),
        ("IN ACCEPT -p sctp -dport 5900:5999", PASS),
        ("IN ACCEPT -p tcp -dport 8006", FAIL),
        ("IN ACCEPT -p 6 -dport 8006", FAIL),
    ],
    ids=["udp-8006", "proto-17-ssh", "sctp-vnc", "held-tcp", "held-proto-6"],
)
def test_management_port_numbers_under_another_protocol(tmp_path: Path, rule, expected) -> None:
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == expected
