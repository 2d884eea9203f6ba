"""Red-team round 42 probes: Proxmox VE rules pve-firewall does not read as ICMP: `-p 1`,
`-p 58`, and a -sport under an ICMP -p (r42-firewall).

Harness: round 41's (test_redteam41_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed, test_pve_leads18._node over test_redteam35_proxmox_probes._files), HVA-303's
verdict of VM 201 (test_redteam37_firewall_probes._vm) and HVA-301's
(test_redteam40_firewall_probes._node_verdicts) through the real collector, parser and engine;
hvaudit.parse.proxmox_firewall.parse_firewall for the warnings.

Findings (R42F-n):
- R42F-1 (wording) HVA-303: pve-firewall's $proto_is_icmp is `icmp`, `icmpv6` and
  `ipv6-icmp` by name (pve-firewall src/PVE/Firewall.pm), and verify_rule takes an -icmp-type
  only under those ("missing property - 'icmp-type' requires this property"), a -dport only
  under $PROTOCOLS_WITH_PORTS or those, a -sport only under $PROTOCOLS_WITH_PORTS ("protocol
  '$proto' does not support ports"); hvaudit counted `-p 1` and `-p 58` as ICMP to it and let a
  -sport pass under any ICMP -p, so it applied `IN DROP -p 1 -icmp-type echo-request`,
  `IN DROP -p 58 -dport 128` and `IN DROP -p icmp -sport 5`, rules pve-firewall leaves out,
  and the VM's heading said "that no earlier rule drops or rejects" of an ACCEPT no applied rule
  precedes. Now parse.proxmox_firewall._rule marks them `pve_refused` (proxmox-ve-config reads
  them: pve-firewall alone) and the heading is the plain one.
- R42F-2 (wording) HVA-303: same class, a -dport under an ICMP -p that verify_rule takes but
  pve-firewall's ruleset generation refuses (Firewall.pm ruleset_generate_match $add_dport:
  one type by $is_valid_icmp_type, digits up to 255 or a name of the -p's own table, under
  `icmp`/`icmpv6`; "protocol ipv6-icmp does not have ports"; the die is caught by an `eval`
  that warns and adds no line): `-p ipv6-icmp -dport 128`, `-p icmp -dport 300`, a list of
  names, an ICMPv6 name under `icmp` were applied DROPs to hvaudit. Now `pve_refused`.

Held (kept as tests): `-p icmp -dport echo-request` (pve-firewall reads the -dport as the ICMP
type: Firewall.pm "we re-use dport to store --icmp-type") before the ACCEPT keeps "that no
earlier rule drops or rejects"; the R42F-1 lines under `nftables: 1` on the node (pass);
`-p icmp -dport 255`, `-p icmpv6 -dport neighbour-solicitation` (one type: the DROP applies).

Probed by script (not kept): `IN ACCEPT -p 1`, `IN ACCEPT -p 1 -icmp-type echo-request`,
`IN ACCEPT -p 58 -dport 22` on VM and node (pass: HVA-301/303 judge every port of a port
protocol or every packet, not ICMP); `IN DROP -p 1 -icmp-type echo-request` before `IN ACCEPT
-p 1` (pass either way); no R42F-1 shape changed a pass or fail, only the heading.

Tally: 2 findings (2 wording); 13 cases in 6 test functions; 8 failed on main before the
fixes (5a31bfea: R42F-1's 3 VM cases and the parser's warnings; 73a2448c: R42F-2's 4; R42F-1
landed 73a2448c); 5 held.

Leads left: whether proxmox-ve-config reads the R42F-2 -dports (the lead below says it ignores
them; not confirmed this round); proxmox-firewall ignores a -dport under an ICMP -p
(`IN ACCEPT -p icmp -dport echo-request` would accept every ICMP packet there; HVA-301/303 do
not judge ICMP); `-dport ssh:http` is read as refused by both daemons though proxmox-ve-config's
PortEntry takes a name on each side; the round 40/41 wording leads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hvaudit.parse.proxmox_firewall import parse_firewall
from test_redteam37_firewall_probes import VM_AFTER, VM_HEAD, _vm
from test_redteam40_firewall_probes import NODE_PASS, _node_verdicts

NOT_ICMP_TO_PVE = [
    "IN DROP -p 1 -icmp-type echo-request",
    "IN DROP -p 58 -dport 128",
    "IN DROP -p icmp -sport 5",
]


@pytest.mark.parametrize("rule", NOT_ICMP_TO_PVE)
def test_r42f_1_vm_refused_drop(tmp_path: Path, rule: str) -> None:
    """Was "that no earlier rule drops or rejects" under pve-firewall: it refuses the DROP
    (`-p 1`/`-p 58` are no ICMP to its $proto_is_icmp; a -sport needs a port protocol), so no
    applied rule precedes the ACCEPT."""
    assert _vm(tmp_path, rule + "\nIN ACCEPT -p tcp\n") == (
        "fail",
        VM_HEAD + "line 12 `IN ACCEPT -p tcp` accepts every tcp port before any rule drops or "
        "rejects",
    )


def test_r42f_1_refusals_warned() -> None:
    """The parser's reading: pve-firewall alone refuses each line (proxmox-ve-config reads
    them: no `nft_lines`)."""
    fw = parse_firewall("[RULES]\n" + "\n".join(NOT_ICMP_TO_PVE) + "\n", "host.fw")
    assert fw.warnings == [
        "host.fw:2: rule not applied by pve-firewall: missing property - 'icmp-type' requires "
        "an icmp 'proto'",
        "host.fw:3: rule not applied by pve-firewall: protocol '58' does not support ports",
        "host.fw:4: rule not applied by pve-firewall: protocol 'icmp' does not support ports",
    ]
    assert fw.nft_lines == []


def test_r42f_1_held_icmp_dport(tmp_path: Path) -> None:
    """Held: pve-firewall reads `-dport echo-request` under -p icmp as the ICMP type and
    applies the DROP, so the heading keeps "that no earlier rule drops or rejects"."""
    rules = "IN DROP -p icmp -dport echo-request\nIN ACCEPT -p tcp\n"
    assert _vm(tmp_path, rules) == (
        "fail",
        VM_AFTER + "line 12 `IN ACCEPT -p tcp` accepts every tcp port that no rule before it "
        "drops or rejects",
    )


@pytest.mark.parametrize("rule", NOT_ICMP_TO_PVE[:2])
def test_r42f_1_held_nft_node(tmp_path: Path, rule: str) -> None:
    """Held: under `nftables: 1` proxmox-ve-config reads the lines (Icmp/Icmpv6 from -p 1/58):
    no refusal, the node passes."""
    assert _node_verdicts(tmp_path, rule + "\n", nft=True)["HVA-301"] == NODE_PASS


# --- R42F-2: an ICMP -dport pve-firewall's ruleset generation refuses ------------------------------

GEN_REFUSED = [
    ("IN DROP -p ipv6-icmp -dport 128", "protocol ipv6-icmp does not have ports"),
    ("IN DROP -p icmp -dport 300", "invalid icmp-type '300'"),
    (
        "IN DROP -p icmp -dport echo-request,echo-reply",
        "unknown icmp-type 'echo-request,echo-reply'",
    ),
    ("IN DROP -p icmp -dport neighbour-solicitation", "unknown icmp-type 'neighbour-solicitation'"),
]


@pytest.mark.parametrize(("rule", "why"), GEN_REFUSED)
def test_r42f_2_vm_generation_refused(tmp_path: Path, rule: str, why: str) -> None:
    """Was "that no earlier rule drops or rejects" under pve-firewall: verify_rule takes the
    -dport, but ruleset_generate_match's $add_dport dies (one type of the -p's own table, digits
    up to 255; no ports under ipv6-icmp) in an eval that adds no line, so no applied rule
    precedes the ACCEPT."""
    assert _vm(tmp_path / "vm", rule + "\nIN ACCEPT -p tcp\n") == (
        "fail",
        VM_HEAD + "line 12 `IN ACCEPT -p tcp` accepts every tcp port before any rule drops or "
        "rejects",
    )
    fw = parse_firewall("[RULES]\n" + rule + "\n", "host.fw")
    assert fw.warnings == [f"host.fw:2: rule not applied by pve-firewall: {why}"]


@pytest.mark.parametrize(
    "rule", ["IN DROP -p icmp -dport 255", "IN DROP -p icmpv6 -dport neighbour-solicitation"]
)
def test_r42f_2_held_icmp_dport(tmp_path: Path, rule: str) -> None:
    """Held: a number up to 255, or a name of the -p's own table, is one ICMP type to
    $is_valid_icmp_type: the DROP applies and the heading keeps "that no earlier rule"."""
    assert _vm(tmp_path, rule + "\nIN ACCEPT -p tcp\n") == (
        "fail",
        VM_AFTER + "line 12 `IN ACCEPT -p tcp` accepts every tcp port that no rule before it "
        "drops or rejects",
    )
