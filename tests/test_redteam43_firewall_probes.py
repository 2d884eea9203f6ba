"""Red-team round 43 probes: a Proxmox VE -dport/-sport range with a service name for a bound
(`ssh:http`), which proxmox-firewall reads and pve-firewall refuses (r43-firewall).

Harness: round 42's (test_redteam42_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed, test_pve_leads18._node over test_redteam35_proxmox_probes._files), HVA-301's
verdict (test_redteam40_firewall_probes._node_verdicts) through the real collector, parser and
engine, under `nftables: 1` (both daemons running) and under pve-firewall;
hvaudit.parse.proxmox_firewall.parse_firewall for the warnings and `nft_lines`.

Findings (R43F-n):
- R43F-1 (wording) HVA-301 and every node firewall verdict under `nftables: 1`: a port range
  with a service name for a bound (`-dport ssh:http`, `-dport 1:ssh`) was read as refused by
  both daemons ("a port list proxmox-ve-config cannot parse ... which proxmox-firewall
  refuses"), but proxmox-ve-config's PortEntry::from_str (port.rs) splits at the `:` and reads
  each side by parse_port, a u16 or a name of the node's /etc/services (parse_named_port), and
  refuses only a backwards range ("start port is greater than end port!"); pve-firewall's
  parse_port_name_number_or_range (Firewall.pm) takes `N:M` of digits only and refuses it
  ("invalid port 'ssh:http'"). Now parse.proxmox_firewall._port_list(named_ranges=True) reads
  it as proxmox-ve-config does: the rule is `pve_refused` (pve-firewall alone), and an
  unsettled `nft_lines` entry names the range and the node's /etc/services (not collected),
  so the verdicts under `nftables: 1` still ask, with the right reason.

Held (kept as tests): under pve-firewall the ACCEPT of `ssh:http` is left out and the node
passes; `-dport ssh:` (an empty side) and `-dport ssh:70000` (no u16, no name) stay refused by
both daemons (a settled `nft_lines` entry); under -p icmp the range stays refused by both (not
read as a port list: L16-3's reading kept). `-sport 1:domain,70000` stays refused by both,
its reason now the element proxmox-ve-config refuses (`70000`; was `1:domain`).

Probed by script (not kept): `IN DROP -p tcp -dport ssh:http` before `IN ACCEPT -p tcp` (fail
either way: the ACCEPT admits every tcp port); `IN ACCEPT -p tcp -dport 20:25` (pass either
way); `IN ACCEPT -dport ssh:http` with no -p (pve-firewall refuses: "requires 'proto'",
unchanged).

Tally: 1 finding (1 wording); 9 cases in 5 test functions; 5 failed on main before the fix
(the 2 nftables verdicts, the 2 parser readings, `1:domain,70000`'s reason); 4 held.

Leads left: hvaudit has no port table for netbase's names, so `ssh:http` under `nftables: 1`
(22-80 with the stock /etc/services, management port 22 inside) asks where HVA-313 could fail
it with a table of netbase's ports (checks.proxmox._PVE_SERVICES knows `ssh` only, and
_pve_port_intervals drops a range with a name side: it must learn them before a named range
stops asking); the round 33/34 host nftables/iptables leads (a bond's or bridge's ingress
chain, ip6tables `! --src-type UNICAST`, ct original proto-dst, DNAT to a local address).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hvaudit.parse.proxmox_firewall import parse_firewall
from test_redteam40_firewall_probes import NODE_PASS, _node_verdicts

NAMED_RANGES = [
    ("IN ACCEPT -p tcp -dport ssh:http", "-dport ssh:http", "dport: invalid port 'ssh:http'"),
    ("IN ACCEPT -p tcp -dport 1:ssh", "-dport 1:ssh", "dport: invalid port '1:ssh'"),
]


@pytest.mark.parametrize(("rule", "what", "why"), NAMED_RANGES)
def test_r43f_1_node_named_range_nft(tmp_path: Path, rule: str, what: str, why: str) -> None:
    """Was "a port list proxmox-ve-config cannot parse ... which proxmox-firewall refuses":
    PortEntry::from_str reads a name on each side of the `:`; the ports are the node's
    /etc/services to tell. Since R45F-1 the node's file (the fixture's, netbase's) is read:
    22-80 and 1-22 are fewer than half the tcp ports, so HVA-301 passes (HVA-313 fails them:
    test_redteam45_firewall_probes); an unread file keeps the question (test_r45f_1_held_unread_file_asks)."""
    assert _node_verdicts(tmp_path, rule + "\n", nft=True)["HVA-301"] == NODE_PASS


@pytest.mark.parametrize(("rule", "what", "why"), NAMED_RANGES)
def test_r43f_1_parser_pve_refused(rule: str, what: str, why: str) -> None:
    """Was "rule not applied" (both daemons) and a settled nft refusal: pve-firewall alone
    refuses the range; proxmox-ve-config's reading is unsettled (`False`)."""
    fw = parse_firewall("[RULES]\n" + rule + "\n", "host.fw")
    assert fw.warnings == [f"host.fw:2: rule not applied by pve-firewall: {why}"]
    assert [(n, sure) for n, _, sure in fw.nft_lines] == [(2, False)]


@pytest.mark.parametrize(("rule", "what", "why"), NAMED_RANGES[:1])
def test_r43f_1_held_pve(tmp_path: Path, rule: str, what: str, why: str) -> None:
    """Held: pve-firewall leaves the ACCEPT out; the node passes."""
    assert _node_verdicts(tmp_path, rule + "\n", nft=False)["HVA-301"] == NODE_PASS


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("IN ACCEPT -p tcp -dport ssh:", "dport: invalid port 'ssh:'"),
        ("IN ACCEPT -p tcp -dport ssh:70000", "dport: invalid port 'ssh:70000'"),
        ("IN ACCEPT -p udp -sport 1:domain,70000", "sport: invalid port '70000'"),
    ],
)
def test_r43f_1_held_both_refuse(rule: str, why: str) -> None:
    """Held: an empty side or a number above 65535 is no u16 and no name to parse_port: both
    daemons refuse, a settled refusal under `nftables: 1`."""
    fw = parse_firewall("[RULES]\n" + rule + "\n", "host.fw")
    assert fw.warnings == [f"host.fw:2: rule not applied: {why}"]
    assert fw.nft_lines == [
        (2, f"`{rule}`: a port list proxmox-ve-config cannot parse ({why})", True)
    ]


def test_r43f_1_held_icmp() -> None:
    """Held: under -p icmp the -dport is no port list to proxmox-ve-config (an ICMP type);
    both daemons refuse the range, and no nft line is added (L16-3's reading)."""
    fw = parse_firewall("[RULES]\nIN ACCEPT -p icmp -dport ssh:http\n", "host.fw")
    assert fw.warnings == ["host.fw:2: rule not applied: dport: invalid port 'ssh:http'"]
    assert fw.nft_lines == []
