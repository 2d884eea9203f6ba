"""Red-team round 32 probes: host firewall (rt32fw)

Harness: conftest's `host_scan` (the replayed hardened Debian host: eno3 10.0.0.10, no IPv6
address), given an `nft -j list ruleset` (test_redteam27_firewall_probes' `_ruleset`: an `inet
filter` input chain of policy drop with the rules given, or here a lone input base chain of
another family) or `iptables -S` / `iptables-save` (test_redteam28_firewall_probes'
`_iptables`: INPUT policy DROP), through the real collector, parsers (hvaudit.parse.firewall)
and engine; HVA-190's verdict and message.

Findings (R32F-n):
- R32F-1 (wording) HVA-190, round 31's lead: a ruleset whose only input base chain is of the
  ip6 (or arp) family failed "no ip or inet input chain", which names neither the IP version
  left open nor why the chain there does not count. nftables wiki "Nftables families": ip6
  tables "see IPv6 traffic/packets", arp tables "ARP-level (i.e, L2) traffic" (read with
  `search`). The verdict (fail: IPv4 reaches the host unfiltered) was right. Now "no ip or
  inet input chain for IPv4 (ip6 tables see IPv6 only)" (_NFT_FAMILY_SEES); a family hvaudit
  names no share of (bridge) gets "for IPv4" alone.
- R32F-2 (false pass) HVA-190: an input-hook base chain of type nat was read as a filter
  chain, so `type nat hook input; policy drop` (alone, or accepting port 22 only, or ending in
  a drop rule) passed "policy drop", though nft(8) CHAINS says of the nat type "Only the first
  packet of a connection actually traverses this chain": a packet conntrack does not track (a
  notrack rule's, or one it finds invalid) never meets that drop. And an accept of every packet
  in such a chain, beside the hardened filter chain, was named in the pass as "accepts all
  traffic" (wording). Now a nat chain's drop is a question (_NftRuleset.nat) and its accept
  ends that chain only: the filter chains judge.

Held (kept as tests): nft `ip daddr 10.0.0.10` (the host's own address), `meta pkttype host`
and `fib daddr type local` accepts fail; `meta iifgroup 0` (every device's default group) is
a question; iptables `-m addrtype --dst-type UNICAST` keeps the pass (a packet at the input
hook is addressed to a LOCAL address, not a UNICAST one).

Probed by script: ~160 inputs: 40 nft single accepts (`ip daddr` of the host and its prefix,
`!= 127.0.0.1`, `meta pkttype`, `iiftype`, `iifgroup`, `iifkind !=`, `fib`, `numgen`, `meta
hour/day/time/cpu`, `limit`, `ct count`, `ct original daddr`/`proto-dst`, `socket`, `rt`,
`ipsec`, `ct mark/zone`, `meta mark/priority/skgid`, `ibrname`/`obrname` (bridge-only keys the
kernel refuses in inet), `iifname "*"`); 115 iptables single accepts (every module of
iptables-extensions(8) in turn, -p by name and number, port ranges `:22`, `22:21`, names
`ssh:https`, two -s, `-i l+`, `! -i lo`); lone input or ingress chains of the ip6, arp, bridge,
netdev and inet families. All failed or asked but the narrow ones (port 22, one protocol, ESP,
GRE, protocol 41) and `-p 0` (iptables -S never prints protocol 0: "all" is stored as 0 and
left out, and `! -p 0` is refused) and the old `-i ! lo` syntax (not printed by iptables 1.4+).

Tally: 2 findings (1 false pass, 1 wording); 13 cases in 3 test functions; 8 failed on main
before the fixes (R32F-1's 3 on 0f6efe72; R32F-2's 5 on e0910eb0: 3 passes, 2 messages;
PYTHONPATH=/work/main/src).

Leads left: a nat chain's drop where every filter chain accepts is a question, not split by
what conntrack tracks; a netdev (or inet) ingress chain of policy drop on every addressed interface
still fails "no input-hook chain" (ingress sees every packet of its device, nftables wiki
"Nftables families" netdev, but no conntrack: its accepts need their own reading, not done);
ip6tables `! --src-type UNICAST`; VRF (sdifname) devices are not collected (`ip -d link`);
iptables-nft beside iptables-legacy; `--ctstate DNAT` accepts with a nat table REDIRECT.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import messages, outcomes
from test_redteam27_firewall_probes import ACCEPT, _m, _pl, _ruleset
from test_redteam28_firewall_probes import _iptables

IPT_PASS = ("pass", "inbound default policy drops (policy DROP; no IPv6 address on the host)")


def _verdict(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


def _lone_chain(family: str) -> tuple[str, int]:
    """`table FAMILY filter { chain input { type filter hook input priority 0; policy drop; }
    }` alone (`nft -j`, libnftables-json(5))."""
    chain = {
        "family": family,
        "table": "filter",
        "name": "input",
        "handle": 1,
        "type": "filter",
        "hook": "input",
        "prio": 0,
        "policy": "drop",
    }
    items = [
        {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
        {"table": {"family": family, "name": "filter", "handle": 1}},
        {"chain": chain},
    ]
    return json.dumps({"nftables": items}), 0


@pytest.mark.parametrize(
    ("family", "message"),
    [
        (
            "ip6",
            "inbound traffic is accepted by default (no ip or inet input chain for IPv4 (ip6 "
            "tables see IPv6 only))",
        ),
        (
            "arp",
            "inbound traffic is accepted by default (no ip or inet input chain for IPv4 (arp "
            "tables see ARP only))",
        ),
        ("bridge", "inbound traffic is accepted by default (no ip or inet input chain for IPv4)"),
    ],
)
def test_input_chain_of_a_family_without_ipv4(host_scan: Any, family: str, message: str) -> None:
    """R32F-1. A lone ip6 (or arp) input chain of policy drop leaves IPv4 open (nftables wiki
    "Nftables families"); the fail said "no ip or inet input chain" without naming IPv4 or what
    the chain there sees. Right: the same fail, naming both."""
    assert _verdict(host_scan({"nft-ruleset": _lone_chain(family)})) == ("fail", message)


def _every(handle_what: str, accepts: str = "all traffic") -> tuple[str, str]:
    return (
        "fail",
        "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter "
        f"input rule handle 10 ({handle_what}) accepts {accepts})",
    )


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (
            {"nft-ruleset": _ruleset([_m(_pl("ip", "daddr"), "10.0.0.10"), ACCEPT])},
            _every("matches every IPv4 packet"),
        ),
        (
            {"nft-ruleset": _ruleset([_m({"meta": {"key": "pkttype"}}, "host"), ACCEPT])},
            _every(
                "matches every IPv4 packet; meta pkttype host restricts neither source nor port"
            ),
        ),
        (
            {
                "nft-ruleset": _ruleset(
                    [_m({"fib": {"result": "type", "flags": ["daddr"]}}, "local"), ACCEPT]
                )
            },
            _every("matches every IPv4 packet"),
        ),
        (
            {"nft-ruleset": _ruleset([_m({"meta": {"key": "iifgroup"}}, 0), ACCEPT])},
            (
                "manual",
                "evidence unavailable: IPv4: inet filter input: inet filter input rule handle "
                "10 (accept under meta iifgroup 0, a match whose share hvaudit cannot read)",
            ),
        ),
        (_iptables("-A INPUT -m addrtype --dst-type UNICAST -j ACCEPT\n"), IPT_PASS),
    ],
)
def test_held_destination_and_device_shapes(
    host_scan: Any, evidence: dict[str, Any], expected: tuple[str, str]
) -> None:
    """Held. The host's own address, `pkttype host` and `fib daddr type local` are every packet
    the input hook sees (fail); the default device group 0 is a question; addrtype UNICAST as a
    destination at the input hook (packets to the host are LOCAL) keeps the pass."""
    assert _verdict(host_scan(evidence)) == expected


def _nat_input(*rules: list[Any], policy: str = "drop", filter_chain: bool = False) -> str:
    """`table inet nat { chain input { type nat hook input priority 100; policy POLICY; } }`
    with the rules given, beside the hardened `inet filter` input chain (policy drop) when
    filter_chain (`nft -j`, libnftables-json(5))."""
    items: list[Any] = [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}]
    if filter_chain:
        items += json.loads(_ruleset()[0])["nftables"][1:]
    items += [
        {"table": {"family": "inet", "name": "nat", "handle": 2}},
        {
            "chain": {
                "family": "inet",
                "table": "nat",
                "name": "input",
                "handle": 1,
                "type": "nat",
                "hook": "input",
                "prio": 100,
                "policy": policy,
            }
        },
    ]
    for n, exprs in enumerate(rules):
        rule = {"family": "inet", "table": "nat", "chain": "input", "handle": 10 + n}
        items.append({"rule": {**rule, "expr": exprs}})
    return json.dumps({"nftables": items})


NAT_ASKED = (
    "manual",
    "evidence unavailable: IPv4: inet nat input is a nat chain: it drops the first packet of a "
    "tracked connection, but packets conntrack does not track (notrack, invalid) never "
    "traverse a nat chain (nft(8) CHAINS)",
)


@pytest.mark.parametrize(
    ("ruleset", "expected"),
    [
        (_nat_input(), NAT_ASKED),
        (_nat_input([_m(_pl("tcp", "dport"), 22), ACCEPT]), NAT_ASKED),
        (
            _nat_input([_m(_pl("tcp", "dport"), 22), ACCEPT], [{"drop": None}], policy="accept"),
            NAT_ASKED,
        ),
        (
            _nat_input([ACCEPT], filter_chain=True),
            ("pass", "inbound default policy drops (inet filter input: policy drop)"),
        ),
        (
            _nat_input(filter_chain=True),
            ("pass", "inbound default policy drops (inet filter input: policy drop)"),
        ),
    ],
)
def test_nat_chain_at_the_input_hook(host_scan: Any, ruleset: str, expected: Any) -> None:
    """R32F-2. A nat chain sees only the first packet of a tracked connection (nft(8) CHAINS,
    type nat); a packet conntrack does not track never traverses it, so its drop is no default
    deny (it passed "policy drop"), and its accept ends that chain only, the filter chain still
    judging (it failed a hardened host). Right: a question, and the filter chain's pass."""
    assert _verdict(host_scan({"nft-ruleset": (ruleset, 0)})) == expected
