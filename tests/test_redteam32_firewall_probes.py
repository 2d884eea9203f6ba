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

Tally: 1 finding (1 wording); 8 cases in 2 test functions; 3 failed on main 0f6efe72 before
the fix (R32F-1's 3; PYTHONPATH=/work/main/src).

Leads left: a netdev (or inet) ingress chain of policy drop on every addressed interface
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
