"""Red-team round 44 probes: how a Proxmox VE node's and VM's wide IN ACCEPT is quoted and which
IP version it is said to open (r44-firewall).

Harness: round 43's (test_redteam43_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed, test_pve_leads18._node over test_redteam35_proxmox_probes._files), HVA-301's
and HVA-313's verdicts of pve-h1 (test_redteam40_firewall_probes._node_verdicts) under
pve-firewall and under `nftables: 1` (both daemons running), HVA-303's of VM 201
(test_redteam37_firewall_probes._vm), through the real collector, parser and engine.

Findings (R44F-n):
- R44F-1 (wording) HVA-301, HVA-313, HVA-303: a wide IN ACCEPT was quoted without its -source
  (and a -dest no "(-dest ...: holds ...)" names), so `IN ACCEPT -source 0.0.0.0/0 -p tcp`
  was quoted `IN ACCEPT -p tcp`, a text not on that line, and the node's message gave no IP
  version for a rule of one: "accepts every tcp port" and "accepts every inbound packet" for a
  rule pve-firewall applies to IPv4 alone (verify_rule sets the rule's ipversion from its
  addresses, and the chain loops skip it in the other version's chain: `next if
  $rule->{ipversion} && ($rule->{ipversion} != $ipversion)`, github:proxmox/pve-firewall
  src/PVE/Firewall.pm, read with `find_string`), a -dest holding the node's IPv4 address
  included; a pooled -source
  (`2.0.0.0/8,3.0.0.0/8`, a /7 together: R29P-3) was quoted without it. The VM's message read
  "accepts IPv4 every tcp port". Now checks.proxmox._accepts_everything and the VM's chain
  quote the rule's -i, -source and -dest as written (a -dest `why` names is left to it), and
  name the one IP version the rule opens, "every IPv4 tcp port", "every inbound IPv6 packet";
  the older tests asserting the old words follow (leads16-18, redteam8/13/14/15/17/25/26/29/
  32/33).
- R44F-2 (wording) HVA-301, HVA-313: the node's message for an IN ACCEPT of more than half of
  a protocol's ports said "accepts every tcp port" where DROPs or REJECTs of every source
  before it had taken some (`IN DROP -p tcp -dport 22` then `IN ACCEPT -p tcp`: port 22 is
  dropped first, iptables and nftables taking the first rule that matches; L18-6P counts those
  ports before failing, and the VM's message says "that no rule before it drops or rejects").
  Now it says "65535 of the 65536 tcp ports (those no rule before it drops or rejects)" (with
  a -dport: "those of its -dport ..."), where every IP version it opens lost the same ports.

Held (kept as tests): a rule of both IP versions (`IN ACCEPT -p tcp`) names none on the node,
under both daemons; each verdict is unchanged (fail). R44F-2: a DROP of another protocol
(`-p udp`), or of one IP version's port 22 (IPv6 keeps every port), leaves "every tcp port".

Probed by script (not kept): `-dest 10.0.0.20-10.0.0.30` holding the node's address (now
"every inbound IPv4 packet" too: the held address's version); iptables `-m addrtype !
--src-type UNICAST -j ACCEPT` fails HVA-190 ("every source but some"; a sender in the local
table only, unless AnyIP routes, not collected: an over-read, left); the same in ip6tables on
the replayed host passes (no IPv6 address).

Tally: 2 findings (2 wording); 19 cases in 3 test functions; 15 failed on main before the
fixes (R44F-1's 12, the VM's `IN ACCEPT -i net0 -p tcp` of both versions too: its quote
lacked the -i; R44F-2's 3; R44F-1 landed 6862307a); 4 held (the node's `IN ACCEPT -p tcp`
under each daemon, R44F-2's two).

Leads left: the node's "every inbound packet" after a DROP of some packets (the VM says
"that no rule before it drops or rejects"), and R44F-2 where the IP versions lost different
ports; `-dport ssh:http` under `nftables: 1` still
asks where a table of netbase's ports could fail it (checks.proxmox._PVE_SERVICES knows `ssh`
only); a guest `-i net+1` (wording); the host nft leads of rounds 33/34 (a bond's or bridge's
ingress chain not credited to its ports: Linux __netif_receive_skb_core runs the master's
ingress hook on `another_round`, but a bridge's broute sends frames up on the port; ip6tables
`! --src-type UNICAST` is :: or a multicast sender, both refused by ip6_rcv_core, read as
broad: a wrong fail; a dnat to an AnyIP local route, routes not collected).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam37_firewall_probes import _vm
from test_redteam40_firewall_probes import _node_verdicts

VM_HEAD = "1 of 1 interface(s) admit every inbound packet or every port of a protocol: net0: "
VM_ALL = "1 of 1 interface(s) admit every inbound packet: net0: "


def _node_fail(line: int, quoted: str, what: str) -> dict[str, tuple[str, str]]:
    return {
        "HVA-301": (
            "fail",
            f"cluster firewall on, input policy DROP, but host.fw line {line} `{quoted}` accepts "
            f"{what} before the policy",
        ),
        "HVA-313": (
            "fail",
            f"host.fw line {line} `{quoted}` accepts {what}, management ports included",
        ),
    }


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        pytest.param("IN ACCEPT -source 0.0.0.0/0 -p tcp", "every IPv4 tcp port", id="ipv4-source"),
        pytest.param("IN ACCEPT -source ::/0 -p tcp", "every IPv6 tcp port", id="ipv6-source"),
        pytest.param(
            "IN ACCEPT -source 2.0.0.0/8,3.0.0.0/8 -p tcp",
            "every IPv4 tcp port",
            id="pooled-source",
        ),
        pytest.param("IN ACCEPT -source ::/0", "every inbound IPv6 packet", id="ipv6-every-packet"),
        pytest.param("IN ACCEPT -p tcp", "every tcp port", id="held-both-versions"),
    ],
)
@pytest.mark.parametrize("nft", [False, True], ids=["pve-firewall", "proxmox-firewall"])
def test_r44f_1_node_quotes_the_source_and_names_the_version(
    tmp_path: Path, rule: str, what: str, nft: bool
) -> None:
    """Was "`IN ACCEPT -p tcp` accepts every tcp port" (and "every inbound packet"): the
    -source left out of the quote, the rule's one IP version unnamed. A rule of both versions
    names none (held)."""
    line = 9 if nft else 8
    assert _node_verdicts(tmp_path, rule + "\n", nft) == _node_fail(line, rule, what)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param(
            "IN ACCEPT -source 0.0.0.0/0 -p tcp",
            VM_HEAD + "line 11 `IN ACCEPT -source 0.0.0.0/0 -p tcp` accepts every IPv4 tcp port "
            "before any rule drops or rejects",
            id="ipv4-source",
        ),
        pytest.param(
            "IN ACCEPT -source 2.0.0.0/8,3.0.0.0/8 -p tcp",
            VM_HEAD + "line 11 `IN ACCEPT -source 2.0.0.0/8,3.0.0.0/8 -p tcp` accepts every IPv4 "
            "tcp port before any rule drops or rejects",
            id="pooled-source",
        ),
        pytest.param(
            "IN ACCEPT -source ::/0",
            VM_ALL + "line 11 `IN ACCEPT -source ::/0` accepts every inbound IPv6 packet before "
            "any rule drops or rejects",
            id="ipv6-every-packet",
        ),
        pytest.param(
            "IN ACCEPT -i net0 -p tcp",
            VM_HEAD + "line 11 `IN ACCEPT -i net0 -p tcp` accepts every tcp port before any rule "
            "drops or rejects",
            id="held-own-nic-both-versions",
        ),
    ],
)
def test_r44f_1_vm_quotes_the_source_and_names_the_version(
    tmp_path: Path, rule: str, expected: str
) -> None:
    """Was "`IN ACCEPT -p tcp` accepts IPv4 every tcp port" and "`IN ACCEPT` accepts every
    inbound IPv6 packet": the -source left out of the quote. `-i net0` (this NIC) is quoted,
    and a rule of both versions names none."""
    assert _vm(tmp_path, rule + "\n") == ("fail", expected)


@pytest.mark.parametrize(
    ("rules", "line", "what"),
    [
        pytest.param(
            "IN DROP -p tcp -dport 22\nIN ACCEPT -p tcp",
            9,
            "65535 of the 65536 tcp ports (those no rule before it drops or rejects)",
            id="one-port-dropped",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 1:20000\nIN ACCEPT -p tcp",
            9,
            "45536 of the 65536 tcp ports (those no rule before it drops or rejects)",
            id="20000-ports-dropped",
        ),
        pytest.param(
            "IN REJECT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 1:65535",
            9,
            "65534 of the 65536 tcp ports (those of its -dport no rule before it drops or rejects)",
            id="dport-less-the-dropped",
        ),
        pytest.param(
            "IN DROP -p udp\nIN ACCEPT -p tcp", 9, "every tcp port", id="held-other-protocol"
        ),
        pytest.param(
            "IN DROP -source 0.0.0.0/0 -p tcp -dport 22\nIN ACCEPT -p tcp",
            9,
            # each version's count since R45F-3 (was "every tcp port")
            "65535 of the 65536 IPv4 and 65536 of the 65536 IPv6 tcp ports (those no rule "
            "before it drops or rejects)",
            id="held-ipv6-keeps-every-port",
        ),
    ],
)
def test_r44f_2_node_ports_an_earlier_drop_took(
    tmp_path: Path, rules: str, line: int, what: str
) -> None:
    """Was "accepts every tcp port" (wording): the DROPs or REJECTs of every source before the
    ACCEPT took some of its ports (L18-6P counts them before failing). A DROP of another
    protocol, or of one IP version's port (IPv6 keeps every port), leaves the words (held)."""
    got = _node_verdicts(tmp_path, rules + "\n", False)
    assert got["HVA-301"] == _node_fail(line, rules.rsplit("\n", 1)[1], what)["HVA-301"]
    if "dport 1:65535" not in rules:
        assert got["HVA-313"] == _node_fail(line, rules.rsplit("\n", 1)[1], what)["HVA-313"]
