"""Red-team round 39 probes: Proxmox VE firewall rules naming a protocol by number (r39-firewall).

Harness: round 38's (test_redteam38_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed, test_redteam37_firewall_probes._hva301 and ._vm over the node's and VM 201's
firewall files); HVA-301's and HVA-303's verdicts through the real collector, parser and engine.

Findings (R39F-n):
- R39F-1 (false pass) HVA-301, HVA-303: a rule's -p as the IANA number of dccp (33), sctp (132)
  or udplite (136) was not read as that protocol (only tcp 6 and udp 17 were), so
  `IN ACCEPT -p 132` (every SCTP port from every source), `-p 33`, `-p 136`, and two /8s'
  `IN ACCEPT -source ... -p 132` passed the node ("cluster firewall on, input policy DROP") and
  the VM ("1 interface(s) behind the VM firewall"), though `-p sctp` fails. pve-firewall takes
  a -p as any name or number of /etc/protocols (Firewall.pm parse_protocol_file `byid`,
  pve_fw_verify_protocol_spec; netbase's file: dccp 33, sctp 132, udplite 136). Now
  proxmox._port_protocol reads the numbers as the names in _opens, the pool (_pooled_sources,
  _pooled_accepts) and the DROPs' taken ports, and the message names the protocol.
- R39F-2 (wrong fail) HVA-301, HVA-303: same cause: `IN DROP -p 136` before
  `IN ACCEPT -p udplite` took no udplite port (first match leaves the ACCEPT nothing), so the
  node and the VM failed; now they pass.

Held (kept as tests): `IN ACCEPT -p 136 -dport 443` (one port) passes; `IN REJECT -p 33`
before a /8 of `-p dccp` and a /8 of `-p 33` passes (the REJECT takes every DCCP port).

Probed by script (not kept): `-p 132 -dport 1:40000` fails as `-p sctp -dport 1:40000` does
(more than half of the ports, L18-6P), after the fix only; HVA-313's `-p 132 -dport 22` reads
as before (its _OTHER_PORT_PROTOCOLS held the numbers already).

Tally: 2 findings (1 false pass, 1 wrong fail); 9 cases in 4 test functions; 7 failed on main
before the fix; 2 held.

Leads left: round 38's stand: a one-rule `IN ACCEPT -source 2.0.0.0/8,3.0.0.0/8 -p tcp` is
quoted without its -source (wording); the node's pooled message says "before the policy" after
a narrower DROP; HVA-303 under `nftables: 1` with numbered protocols (proxmox-firewall writes
`meta l4proto N`) was not probed; host nft leads of rounds 33/34 (a bond's or bridge's ingress
chain, ip6tables `! --src-type UNICAST`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam37_firewall_probes import VM_HEAD, _hva301, _vm

A7 = "2^25 (a /7) public IPv4 addresses together, as many as a /7 network or more"

NUMBERED = [("33", "dccp"), ("132", "sctp"), ("136", "udplite")]


@pytest.mark.parametrize(("number", "name"), NUMBERED)
def test_r39f_1_every_port_by_number(tmp_path: Path, number: str, name: str) -> None:
    """Was pass on the node and the VM: `-p 132` is `-p sctp` (netbase /etc/protocols)."""
    rule = f"`IN ACCEPT -p {number}` accepts every {name} port"
    assert _hva301(tmp_path / "node", f"IN ACCEPT -p {number}\n") == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 8 {rule} before the policy",
    )
    assert _vm(tmp_path / "vm", f"IN ACCEPT -p {number}\n") == (
        "fail",
        VM_HEAD + f"line 11 {rule} before any rule drops or rejects",
    )


@pytest.mark.parametrize(("number", "name"), NUMBERED)
def test_r39f_1_pooled_by_number_and_name(tmp_path: Path, number: str, name: str) -> None:
    """Was pass: a /8 of `-p 136` and a /8 of `-p udplite` are one protocol's pool (R38F-1)."""
    rules = f"IN ACCEPT -source 2.0.0.0/8 -p {number}\nIN ACCEPT -source 3.0.0.0/8 -p {name}\n"
    pair = f"`IN ACCEPT -p {number} -source 2.0.0.0/8`, "
    tail = f"`IN ACCEPT -p {name} -source 3.0.0.0/8` accept every {name} port from their sources"
    assert _hva301(tmp_path / "node", rules) == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 8 {pair}host.fw line 9 "
        f"{tail} ({A7}) before the policy",
    )
    assert _vm(tmp_path / "vm", rules) == (
        "fail",
        VM_HEAD + f"line 11 {pair}line 12 {tail} ({A7}) before any rule drops or rejects",
    )


def test_r39f_2_drop_by_number_takes_the_named_ports(tmp_path: Path) -> None:
    """Was fail: `IN DROP -p 136` first leaves `IN ACCEPT -p udplite` no packet."""
    rules = "IN DROP -p 136\nIN ACCEPT -p udplite\n"
    assert _hva301(tmp_path / "node", rules) == ("pass", "cluster firewall on, input policy DROP")
    assert _vm(tmp_path / "vm", rules) == ("pass", "1 interface(s) behind the VM firewall")


@pytest.mark.parametrize(
    "rules",
    [
        # a list (iptables' multiport): one port under udplite refuses pve-firewall's whole
        # update, iptables having no udplite match for `--dport` (R52F-3)
        "IN ACCEPT -p 136 -dport 443,444\n",
        "IN REJECT -p 33\nIN ACCEPT -source 2.0.0.0/8 -p dccp\nIN ACCEPT -source 3.0.0.0/8 -p 33\n",
    ],
)
def test_r39f_held(tmp_path: Path, rules: str) -> None:
    """Held: two ports by number, and a REJECT by number before the pool by name and number."""
    assert _hva301(tmp_path / "node", rules) == ("pass", "cluster firewall on, input policy DROP")
    assert _vm(tmp_path / "vm", rules) == ("pass", "1 interface(s) behind the VM firewall")
