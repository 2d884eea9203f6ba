"""HVA-190 over nftables rules whose matches or statements hvaudit does not read as narrowing.

The twin of tests/test_firewall_opaque_matches.py (iptables) for `nft -j list ruleset`. Some
matches restrict only when or how a packet arrives, never who sends it or to which port
(nftables wiki "Matching packet metainformation", read with `search`: `pkttype` "packet type
(unicast, broadcast, multicast, other)", `time`, `day` "day of week", `hour` "hour of day";
nftables wiki "Limits" and "Meters": a meter or dynamic set update holding `limit rate` is "a
native replacement for the hashlimit match in iptables", one bucket per source): an accept
under them alone opens the host (fail naming them), their drop decides nothing. Others hold
what the evidence does not show (`meta mark`, `ct mark`: set by rules or programs as packets
pass): an accept under them with no narrowing match beside it is a question naming them. A
narrowing match beside either keeps the rule narrow: hardened rulesets keep passing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import NFT_DROP, messages, outcomes

PASS = ("pass", "inbound default policy drops (inet filter input: policy drop)")


def _match(left: dict[str, Any], right: Any, op: str = "==") -> dict[str, Any]:
    return {"match": {"op": op, "left": left, "right": right}}


def _meta(key: str) -> dict[str, Any]:
    return {"meta": {"key": key}}


LO = [_match(_meta("iifname"), "lo"), {"accept": None}]
ESTABLISHED = [
    _match({"ct": {"key": "state"}}, {"set": ["established", "related"]}, "in"),
    {"accept": None},
]
SSH_FROM_MGMT = [
    _match({"payload": {"protocol": "tcp", "field": "dport"}}, 22),
    _match(
        {"payload": {"protocol": "ip", "field": "saddr"}},
        {"prefix": {"addr": "10.0.0.0", "len": 24}},
    ),
    {"accept": None},
]
ICMP = [
    _match(_meta("l4proto"), "icmp"),
    _match({"payload": {"protocol": "icmp", "field": "type"}}, {"set": ["echo-request"]}),
    {"accept": None},
]
ICMPV6 = [
    _match(_meta("l4proto"), "ipv6-icmp"),
    _match(
        {"payload": {"protocol": "icmpv6", "field": "type"}},
        {"set": ["nd-neighbor-solicit", "nd-router-advert", "nd-neighbor-advert"]},
    ),
    {"accept": None},
]
SSH = _match({"payload": {"protocol": "tcp", "field": "dport"}}, 22)
SADDR = _match(
    {"payload": {"protocol": "ip", "field": "saddr"}}, {"prefix": {"addr": "10.0.0.0", "len": 24}}
)

MARK = _match(_meta("mark"), 1)
CT_MARK = _match({"ct": {"key": "mark"}}, 1)
UNICAST = _match(_meta("pkttype"), "host")
HOURS = _match(_meta("hour"), {"range": ["08:00", "18:00"]})
METER = {
    "meter": {
        "name": "m",
        "key": {"payload": {"protocol": "ip", "field": "saddr"}},
        "stmt": {"limit": {"rate": 10, "burst": 5, "per": "second"}},
    }
}
UPDATE = {
    "set": {
        "op": "update",
        "elem": {"payload": {"protocol": "ip", "field": "saddr"}},
        "set": "@ssh_meter",
        "stmt": [{"limit": {"rate": 3, "burst": 5, "per": "minute"}}],
    }
}


def _ruleset(*rules: list[dict[str, Any]]) -> str:
    """The hardened host's inet filter input chain (policy drop): loopback, established and
    related, SSH from the management network and ICMP accepted, then `rules`."""
    ruleset = json.loads(NFT_DROP)
    for handle, exprs in enumerate([LO, ESTABLISHED, SSH_FROM_MGMT, ICMP, ICMPV6, *rules], 4):
        ruleset["nftables"].append(
            {
                "rule": {
                    "family": "inet",
                    "table": "filter",
                    "chain": "input",
                    "handle": handle,
                    "expr": exprs,
                }
            }
        )
    return json.dumps(ruleset)


def _verdict(host_scan, *rules: list[dict[str, Any]]) -> tuple[str, str]:
    a = host_scan({"nft-ruleset": (_ruleset(*rules), 0)})
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


ASK = "evidence unavailable: IPv4: inet filter input: inet filter input rule handle 9 (accept under {}, a match whose share hvaudit cannot read)"
OPEN = "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter input rule handle 9 (matches every IPv4 packet; {} restricts neither source nor port) accepts all traffic)"


@pytest.mark.parametrize(
    ("exprs", "status", "message"),
    [
        ([MARK], "manual", ASK.format("meta mark 1")),
        ([CT_MARK], "manual", ASK.format("ct mark 1")),
        ([UNICAST], "fail", OPEN.format("meta pkttype host")),
        ([HOURS], "fail", OPEN.format('meta hour "08:00"-"18:00"')),
        ([METER], "fail", OPEN.format("meter m")),
        ([UPDATE], "fail", OPEN.format("update @ssh_meter")),
        ([HOURS, UNICAST], "fail", OPEN.format('meta hour "08:00"-"18:00", meta pkttype host')),
        ([HOURS, MARK], "manual", ASK.format("meta mark 1")),
    ],
    ids=[
        "meta-mark",
        "ct-mark",
        "pkttype-unicast",
        "meta-hour",
        "meter",
        "set-update",
        "hour-and-pkttype",
        "hour-and-mark",
    ],
)
def test_accept_under_no_narrowing_match_is_no_pass(host_scan, exprs, status, message) -> None:
    """`meta mark 1 accept`, `ct mark 1 accept` (a question: the mark is set by rules or
    programs hvaudit does not follow), `meta pkttype unicast accept`, `meta hour
    "08:00"-"18:00" accept`, `meter m { ip saddr limit rate 10/second } accept` and its dynamic
    set spelling `update @ssh_meter { ip saddr limit rate 3/minute } accept` (a failure: every
    source, every port) after the hardened rules. Each passed before ("policy drop")."""
    assert _verdict(host_scan, [*exprs, {"accept": None}]) == (status, message)


@pytest.mark.parametrize(
    "exprs",
    [
        [SSH, MARK],
        [MARK, SSH],
        [SADDR, CT_MARK],
        [SSH, UNICAST],
        [SSH, SADDR, HOURS],
        [SSH, METER],
        [SSH, UPDATE],
        [SSH, HOURS, MARK],
    ],
    ids=[
        "dport-then-mark",
        "mark-then-dport",
        "saddr-ct-mark",
        "dport-pkttype",
        "ssh-in-office-hours",
        "ssh-meter",
        "ssh-update",
        "dport-hour-mark",
    ],
)
def test_narrowing_match_beside_keeps_the_rule_narrow(host_scan, exprs) -> None:
    """`tcp dport 22 meta mark 1 accept` is a service rule: the mark can only narrow it
    further, whichever comes first; so are `tcp dport 22 meter ... accept` (the wiki's SSH
    rate limit) and SSH from the management network in office hours."""
    assert _verdict(host_scan, [*exprs, {"accept": None}]) == PASS


@pytest.mark.parametrize(
    "exprs",
    [[MARK], [CT_MARK], [UNICAST], [HOURS], [METER]],
    ids=["meta-mark", "ct-mark", "pkttype-unicast", "meta-hour", "meter"],
)
def test_drop_under_them_keeps_the_pass(host_scan, exprs) -> None:
    """A drop of some share decides nothing; the drop policy after it still does."""
    assert _verdict(host_scan, [*exprs, {"drop": None}]) == PASS


def test_hardened_ruleset_passes(host_scan) -> None:
    assert _verdict(host_scan) == PASS


def test_setting_a_mark_filters_nothing(host_scan) -> None:
    """`meta mark set 1 accept` (`mangle` in `nft -j`) sets a field and accepts every packet:
    it was read as a statement that narrows (pass)."""
    mangle = {"mangle": {"key": {"meta": {"key": "mark"}}, "value": 1}}
    assert _verdict(host_scan, [mangle, {"accept": None}]) == (
        "fail",
        "inbound traffic is accepted by default (inet filter input: policy drop, but inet "
        "filter input rule handle 9 accepts all traffic)",
    )


def test_unknown_statement_is_a_question(host_scan) -> None:
    """A statement hvaudit does not know, with no narrowing match beside it: a question."""
    assert _verdict(host_scan, [{"synproxy": {"mss": 1460}}, {"accept": None}]) == (
        "manual",
        ASK.format("a synproxy statement"),
    )
