"""Red-team round 38 probes: host firewall and virtual networks (r38-firewall).

Harness: round 37's (test_redteam37_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed: test_pve_leads18._node over test_redteam3_host_probes.pve_scan), its
firewall files edited (test_redteam35_proxmox_probes._files), both daemons in the process list
(test_redteam36_firewall_probes.BOTH); HVA-301's and HVA-303's verdicts through the real
collector, parser and engine.

Findings (R38F-n):
- R38F-1 (false pass) HVA-301, HVA-303: IN ACCEPTs of every port of a transport protocol (or
  more than half of its ports) from some sources each were read alone, though one rule's list
  is read together (`IN ACCEPT -source 2.0.0.0/8,3.0.0.0/8 -p tcp` fails, R29P-3), and only
  ACCEPTs of every packet were pooled (R37F-2), so `IN ACCEPT -source 2.0.0.0/8 -p tcp` beside
  `IN ACCEPT -source 3.0.0.0/8 -p tcp` (or beside an ACCEPT of every packet from 3.0.0.0/8, or
  `-dport 1:40000` beside `-dport 20000:65535`) passed a node (HVA-301 "cluster firewall on,
  input policy DROP") and a VM ("1 interface(s) behind the VM firewall") that admit every TCP
  port from a /7's worth of public sources. The chain is first match (pve-firewall
  enable_host_firewall and ruleset_generate_vm_rules add the rules in order), so each source
  an ACCEPT reaches is admitted to its ports whichever rule admits it; the host chains'
  readers pool such sources (hvaudit.parse.firewall `_Pool.some`, R29F-2). Now
  `_pooled_sources` pools per protocol as well (an ACCEPT of every packet counts toward each
  protocol), the ports the DROPs of every source before an ACCEPT took left out (L18-6P), and
  a /7's worth fails: "accept every tcp port from their sources (...)".

Held (kept as tests): a /8 of TCP beside a /8 of UDP, a /8 of TCP beside a /8 of one TCP
port, a /8 of TCP ports 1:40000 beside a /8 of 40001:65535 (fewer than half), a DROP of every
TCP port or of 1:40000 first (the ACCEPTs reach fewer than half), and private networks (10/8,
172.16/12, 192.168/16) keep the node's and the VM's pass.

Probed by script (held, not kept): `IN ACCEPT -source 2.0.0.0/8,3.0.0.0/8 -p tcp` in one rule
(fail before and after, R29P-3); an ACCEPT's `-sport 53` beside `-dport 1:40000` (fail after
the fix: the sender chooses its source port, P17-1).

Tally: 1 finding (1 false pass); 16 cases in 6 test functions; 10 failed on main before the
fix (b788aaff); 6 held.

Leads left: the round-33/34 network leads (test_redteam34_firewall_probes,
test_redteam34_network_probes) stand; HVA-303 under `nftables: 1`; R36F's wording lead (a VM
`IN REJECT -p tcp` before policy ACCEPT under "admit every inbound packet"). Wording: one
rule's `IN ACCEPT -source 2.0.0.0/8,3.0.0.0/8 -p tcp` is shown as `IN ACCEPT -p tcp` (its
-source dropped) and the VM's reads "accepts IPv4 every tcp port"; an ACCEPT of every packet
pooled toward a protocol does not subtract the ports a DROP of every source took before it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam36_firewall_probes import _vm201
from test_redteam37_firewall_probes import VM_AFTER, VM_HEAD, _hva301, _vm

A7 = "2^25 (a /7) public IPv4 addresses together, as many as a /7 network or more"


# --- R38F-1: ACCEPTs of every port of a protocol from some sources each ------------------------

SPLIT = [
    (
        "IN ACCEPT -source 2.0.0.0/8 -p tcp\nIN ACCEPT -source 3.0.0.0/8 -p tcp\n",
        "`IN ACCEPT -p tcp -source 2.0.0.0/8`",
        "`IN ACCEPT -p tcp -source 3.0.0.0/8`",
    ),
    (
        "IN ACCEPT -source 2.0.0.0/8\nIN ACCEPT -source 3.0.0.0/8 -p tcp\n",
        "`IN ACCEPT -source 2.0.0.0/8`",
        "`IN ACCEPT -p tcp -source 3.0.0.0/8`",
    ),
    (
        "IN ACCEPT -source 3.0.0.0/8 -p tcp\nIN ACCEPT -source 2.0.0.0/8\n",
        "`IN ACCEPT -p tcp -source 3.0.0.0/8`",
        "`IN ACCEPT -source 2.0.0.0/8`",
    ),
    (
        "IN ACCEPT -source 2.0.0.0/8 -p tcp -dport 1:40000\n"
        "IN ACCEPT -source 3.0.0.0/8 -p tcp -dport 20000:65535\n",
        "`IN ACCEPT -p tcp -dport 1:40000 -source 2.0.0.0/8`",
        "`IN ACCEPT -p tcp -dport 20000:65535 -source 3.0.0.0/8`",
    ),
]


@pytest.mark.parametrize(("rules", "first", "second"), SPLIT)
def test_r38f_1_node_sources_split_tcp(tmp_path: Path, rules: str, first: str, second: str) -> None:
    """Was pass "cluster firewall on, input policy DROP": the same sources in one rule fail."""
    assert _hva301(tmp_path, rules) == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 8 {first}, host.fw line 9 "
        f"{second} accept every tcp port from their sources ({A7}) before the policy",
    )


@pytest.mark.parametrize(("rules", "first", "second"), SPLIT)
def test_r38f_1_vm_sources_split_tcp(tmp_path: Path, rules: str, first: str, second: str) -> None:
    """Was pass "1 interface(s) behind the VM firewall"."""
    assert _vm(tmp_path, rules) == (
        "fail",
        VM_HEAD + f"line 11 {first}, line 12 {second} accept every tcp port from their sources "
        f"({A7}) before any rule drops or rejects",
    )


HELD = [
    "IN ACCEPT -source 2.0.0.0/8 -p tcp\nIN ACCEPT -source 3.0.0.0/8 -p udp\n",
    "IN ACCEPT -source 2.0.0.0/8 -p tcp\nIN ACCEPT -source 3.0.0.0/8 -p tcp -dport 443\n",
    "IN DROP -p tcp\nIN ACCEPT -source 2.0.0.0/8 -p tcp\nIN ACCEPT -source 3.0.0.0/8 -p tcp\n",
    "IN ACCEPT -source 10.0.0.0/8 -p tcp\nIN ACCEPT -source 172.16.0.0/12 -p tcp\n"
    "IN ACCEPT -source 192.168.0.0/16 -p tcp\n",
]


@pytest.mark.parametrize("rules", HELD)
def test_r38f_1_held(tmp_path: Path, rules: str) -> None:
    """Held: different protocols, one port, a DROP of every TCP port first, or private
    networks: the node's and the VM's pass stand."""
    node = _hva301(tmp_path / "node", cluster=rules)
    assert node == ("pass", "cluster firewall on, input policy DROP")
    assert _vm(tmp_path / "vm", rules) == ("pass", "1 interface(s) behind the VM firewall")


def test_r38f_1_node_across_files_and_ipv6(tmp_path: Path) -> None:
    """Was pass: host.fw's `-p 6` and cluster.fw's `-p tcp` are one protocol and one chain
    (enable_host_firewall); two IPv6 /33s of UDP are a /32's worth (IPV6_WIDE_PREFIX)."""
    assert _hva301(
        tmp_path / "v4",
        "IN ACCEPT -source 2.0.0.0/8 -p 6\n",
        "IN ACCEPT -source 3.0.0.0/8 -p tcp\n",
    ) == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 8 `IN ACCEPT -p 6 -source "
        "2.0.0.0/8`, cluster.fw line 18 `IN ACCEPT -p tcp -source 3.0.0.0/8` accept every tcp "
        f"port from their sources ({A7}) before the policy",
    )
    assert _hva301(
        tmp_path / "v6",
        "IN ACCEPT -source 2a00::/33 -p udp\n",
        "IN ACCEPT -source 2a00:0:8000::/33 -p udp\n",
    ) == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 8 `IN ACCEPT -p udp -source "
        "2a00::/33`, cluster.fw line 18 `IN ACCEPT -p udp -source 2a00:0:8000::/33` accept every "
        "udp port from their sources (2^96 (a /32) public IPv6 addresses together, as many as a "
        "/32 network or more) before the policy",
    )


def test_r38f_1_vm_group_and_after_a_partial_drop(tmp_path: Path) -> None:
    """Was pass: a security group's two ACCEPTs, and the two after a DROP of fewer than half
    of the TCP ports (more than half of them left to each ACCEPT, L18-6P)."""
    two = "IN ACCEPT -source 2.0.0.0/8 -p tcp\nIN ACCEPT -source 3.0.0.0/8 -p tcp\n"
    assert _vm(tmp_path / "g", "GROUP web2\n", group="\n[group web2]\n" + two) == (
        "fail",
        VM_HEAD + "line 11 (group web2 line 28) `IN ACCEPT -p tcp -source 2.0.0.0/8`, line 11 "
        "(group web2 line 29) `IN ACCEPT -p tcp -source 3.0.0.0/8` accept every tcp port from "
        f"their sources ({A7}) before any rule drops or rejects",
    )
    assert _vm(tmp_path / "d", "IN DROP -p tcp -dport 1:30000\n" + two) == (
        "fail",
        VM_AFTER + "line 12 `IN ACCEPT -p tcp -source 2.0.0.0/8`, line 13 `IN ACCEPT -p tcp "
        f"-source 3.0.0.0/8` accept every tcp port from their sources ({A7}) that no rule "
        "before them drops or rejects",
    )


@pytest.mark.parametrize(
    "rules",
    [
        "IN ACCEPT -source 2.0.0.0/8 -p tcp -dport 1:40000\n"
        "IN ACCEPT -source 3.0.0.0/8 -p tcp -dport 40001:65535\n",
        "IN DROP -p tcp -dport 1:40000\nIN ACCEPT -source 2.0.0.0/8 -p tcp\n"
        "IN ACCEPT -source 3.0.0.0/8 -p tcp\n",
    ],
)
def test_r38f_1_held_ports(tmp_path: Path, rules: str) -> None:
    """Held: the second /8 gets fewer than half of the TCP ports, or a DROP of every source
    took more than half of them first: the node's and the VM's pass stand."""
    node = _hva301(tmp_path / "node", rules)
    assert node == ("pass", "cluster firewall on, input policy DROP")
    assert _vm(tmp_path / "vm", rules) == ("pass", "1 interface(s) behind the VM firewall")


# --- R38F-2: the heading of an ACCEPT after a DROP or REJECT of some packets (wording) -----------


@pytest.mark.parametrize(
    ("rules", "nft"),
    [
        ("IN REJECT -p tcp\n", False),
        ("IN DROP -p tcp\nIN DROP -p udp\n", False),
        ("IN DROP -source 198.51.100.7\n", False),
        ("IN REJECT -p tcp\n", True),
    ],
)
def test_r38f_2_policy_accept_after_a_narrow_reject(tmp_path: Path, rules: str, nft: bool) -> None:
    """Was "1 of 1 interface(s) admit every inbound packet: ..." though TCP is rejected: the
    heading now says what the interface's words say (under either daemon)."""
    assert _vm201(tmp_path, rules, nft, "ACCEPT") == (
        "fail",
        "1 of 1 interface(s) admit every inbound packet that no earlier rule drops or rejects: "
        "net0: the input policy ACCEPT accepts every inbound packet no rule before it drops or "
        "rejects",
    )


def test_r38f_2_held_open_first(tmp_path: Path) -> None:
    """Held: an ACCEPT of every packet before any DROP keeps the plain heading."""
    assert _vm201(tmp_path, "IN ACCEPT\nIN REJECT -p tcp\n", False, "ACCEPT") == (
        "fail",
        "1 of 1 interface(s) admit every inbound packet: net0: line 11 `IN ACCEPT` accepts "
        "every inbound packet before any rule drops or rejects",
    )
