"""Red-team round 33 probes: host firewall (rt33fw)

Harness: conftest's `host_scan` (the replayed hardened Debian host: eno3 10.0.0.10, no IPv6
address), given an `nft -j list ruleset` (test_redteam27_firewall_probes' `_ruleset`: an `inet
filter` input chain of policy drop with the rules given, here beside an `ip nat` prerouting
chain) or `iptables -S` / `iptables-save` (test_redteam28_firewall_probes' `_iptables`: INPUT
policy DROP, here with a nat table in `iptables-save`), through the real collector, parsers
(hvaudit.parse.firewall) and engine; HVA-190's verdict and message.

Findings (R33F-n):
- R33F-1 (false pass) HVA-190, round 32's lead: `ct status dnat accept` (firewalld's
  filter_INPUT accepts it) and iptables `-m conntrack --ctstate DNAT -j ACCEPT` were read as
  narrow whatever the nat rules held, so `meta l4proto tcp redirect` or `dnat ip to
  10.0.0.10` (the host's own address) in a prerouting nat chain, or `-t nat -A PREROUTING -p
  tcp -j REDIRECT` / `-j DNAT --to-destination 10.0.0.10`, beside such an accept passed "policy
  drop", though every packet they rewrite reaches the host with its own port: the kernel's
  net/netfilter/nf_nat_core.c nf_nat_setup_info sets IPS_DST_NAT whenever the rewrite changed
  the tuple (read with `find_string`), and a REDIRECT goes to the host itself
  (iptables-extensions(8) REDIRECT; nft(8) NAT STATEMENTS). Now `ct status dnat` and
  `--ctstate DNAT` are as wide as the dnat, redirect and NETMAP rules of chains packets from
  the network see (not OUTPUT) that deliver to the host keeping more than half of the ports
  (_nft_dnat_reach, iptables_dnat), whichever tool wrote them (nft's rules for iptables'
  match, iptables-save's nat table for nft's); a map, an iptables-nft DNAT target (`nft -j`
  shows its name only) or a nat table not read is a question. Found after the first landing:
  `--ctstate RELATED,ESTABLISHED,UNTRACKED,DNAT` was read by its UNTRACKED share alone (the
  states' shares now add up, xt_conntrack.c conntrack_mt tests any bit of the mask).
- R33F-2 (wrong fail) HVA-190, a lead since round 30: a netdev (or inet) ingress chain of
  policy drop admitting port 22 only, attached to every device the host has but lo, and a
  prerouting filter chain so with no input chain beside it, failed "no input-hook chain",
  though every packet from the network passes it first (nftables wiki "Netfilter hooks",
  Ingress hook: "attached to a particular network interface ... take effect even before
  prerouting"). Now such a chain's drop is a default deny (_ingress_gates, `ip -j -d link`
  naming the devices; a device list not read is a question); conntrack has not run at
  ingress, so `ct state invalid` there is every packet and any other conntrack key breaks the
  rule (net/netfilter/nft_ct.c nft_ct_get_eval, read with `find_string`: with no entry the
  state is NF_CT_STATE_INVALID_BIT, other keys `goto err`; _nft_ingress_ct). Without any
  chain of the input path that drops, the verdict stays "no input-hook chain".
- R33F-3 (false pass) HVA-190, found with R33F-1: `ct original daddr 203.0.113.5 accept`
  and iptables `--ctorigdst 203.0.113.5 -j ACCEPT` (an address not the host's) were read as
  holding no packet to the host, so beside `meta l4proto tcp redirect` (or `-p tcp -j
  REDIRECT`) they passed "policy drop", though what the redirect hands the host keeps its
  original destination in the tuple (nf_nat_core.c nf_nat_setup_info alters the reply tuple
  only, nf_conntrack_alter_reply): whoever sends TCP to 203.0.113.5 through the host reaches
  every TCP port of it. Now such a match is as wide as the dnat and redirect rules
  (_nft_dnat_reach, iptables_dnat; unread ones: broad), where it holds an address not the
  host's (_foreign).

Held (kept as tests): every `held-*` case above (and below): a redirect of port 2222 to port 22 or of
port 8080 only, a dnat of every TCP packet to a guest (192.168.122.10, forwarded, never
input), an iptables OUTPUT redirect (the host's own traffic) and a DNAT to 10.0.0.10:22 keep
the pass; an ingress chain missing one device, accepting `ct state invalid` (every packet
there) or every TCP port still fails; `ct original daddr` / `--ctorigdst` of a foreign address with no
nat rule, or with a dnat to a guest, keeps the pass.

Probed by script: `ct status` by vmap, anonymous set and ==; redirect to a port range of
every port; dnat to the host's address with one port, to 127.0.0.1; iptables DNAT to an IPv6
address (no IPv4 packet), to a range of addresses (a question), NETMAP, REDIRECT in a chain
PREROUTING jumps to, `--to-ports 1-65535`, `--to-destination :22` (all as expected before
being kept or left).

Tally: 3 findings (2 false passes, 1 wrong fail); 25 cases in 3 test functions; 15 failed on
main before the fixes (R33F-1's 7 on c04d5de9: 6 passes, 1 pass now a question, and its
UNTRACKED,DNAT case on fac8247a; R33F-2's 5 on 962f3a94; R33F-3's 2 on fac8247a;
PYTHONPATH=/work/main/src).

Leads left: `ct original proto-dst` (`--ctorigdstport`) of a port the host does not serve,
beside a redirect to another port (the tuple keeps the port asked for; read as the port);
a dnat to an address of a local route that is
not an interface address (AnyIP, routes not collected); an iptables-nft DNAT target (`nft -j` shows its name only) makes `ct status
dnat` a question though `iptables-save` may print it; a bond's or bridge's ingress chain is
not credited to its ports (each device needs its own); VRF (sdifname) devices; ip6tables `!
--src-type UNICAST`; iptables-nft beside iptables-legacy (no false pass found: a legacy
table can only drop more, but its notrack and nat rules, now read).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import messages, outcomes
from test_redteam27_firewall_probes import ACCEPT, _m, _pl, _ruleset
from test_redteam28_firewall_probes import _iptables

IPT_PASS = ("pass", "inbound default policy drops (policy DROP; no IPv6 address on the host)")
NFT_PASS = ("pass", "inbound default policy drops (inet filter input: policy drop)")


def _verdict(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


#: `ct status dnat accept` (firewalld's filter_INPUT holds it; `nft -j`: the status flag by
#: `in`, libnftables-json(5) CT)
DNAT_ACCEPT = [_m({"ct": {"key": "status"}}, "dnat", "in"), ACCEPT]


def _nat(*rules: list[Any], input_rules: tuple[list[Any], ...] = (DNAT_ACCEPT,)) -> tuple[str, int]:
    """The hardened `inet filter` input chain with `input_rules` (none: no filter table), beside
    `table ip nat { chain prerouting { type nat hook prerouting priority dstnat; policy accept;
    } }` with the rules given (`nft -j`, libnftables-json(5); a dnat is {"dnat": {"addr": ...,
    "port": ...}}, a redirect {"redirect": null} or {"redirect": {"port": ...}}, nftables
    src/json.c nat_stmt_json)."""
    items = json.loads(_ruleset(*input_rules)[0])["nftables"]
    if not input_rules:
        items = items[:1]
    items += [
        {"table": {"family": "ip", "name": "nat", "handle": 2}},
        {
            "chain": {
                "family": "ip",
                "table": "nat",
                "name": "prerouting",
                "handle": 1,
                "type": "nat",
                "hook": "prerouting",
                "prio": -100,
                "policy": "accept",
            }
        },
    ]
    for n, exprs in enumerate(rules):
        rule = {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 10 + n}
        items.append({"rule": {**rule, "expr": exprs}})
    return json.dumps({"nftables": items}), 0


def _ipt_nat(
    nat_rules: str, rules: str = "-A INPUT -m conntrack --ctstate DNAT -j ACCEPT\n"
) -> dict[str, Any]:
    """`_iptables(rules)` with a nat table of `nat_rules` in `iptables-save` (every table)."""
    evidence = _iptables(rules)
    save = "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" + nat_rules + "COMMIT\n"
    evidence["iptables-save"] = (save + evidence["iptables-save"][0], 0)
    return evidence


TCP = _m({"meta": {"key": "l4proto"}}, "tcp")
REDIRECT = {"redirect": None}


def _dnat_rule(what: str, accepts: str = "that traffic") -> tuple[str, str]:
    return (
        "fail",
        "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter "
        f"input rule handle 10 ({what}) accepts {accepts})",
    )


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param(
            {"nft-ruleset": _nat([TCP, REDIRECT])},
            _dnat_rule("matches every port of a protocol or every source but some"),
            id="nft-redirect-every-tcp-port",
        ),
        pytest.param(
            {"nft-ruleset": _nat([{"dnat": {"addr": "10.0.0.10"}}])},
            _dnat_rule("matches every IPv4 packet", "all traffic"),
            id="nft-dnat-to-own-address",
        ),
        pytest.param(
            _ipt_nat("-A PREROUTING -p tcp -j REDIRECT\n"),
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -m conntrack --ctstate DNAT -j "
                "ACCEPT (matches every port of a protocol or every source but some))",
            ),
            id="ipt-redirect-every-tcp-port",
        ),
        pytest.param(
            _ipt_nat("-A PREROUTING -j DNAT --to-destination 10.0.0.10\n"),
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -m conntrack --ctstate DNAT -j "
                "ACCEPT (matches every packet or every new connection))",
            ),
            id="ipt-dnat-to-own-address",
        ),
        pytest.param(
            _ipt_nat(
                "-A PREROUTING -p tcp -j REDIRECT\n",
                "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED,UNTRACKED,DNAT -j ACCEPT\n",
            ),
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -m conntrack --ctstate "
                "RELATED,ESTABLISHED,UNTRACKED,DNAT -j ACCEPT (matches every port of a protocol "
                "or every source but some))",
            ),
            id="ipt-dnat-beside-untracked",
        ),
        pytest.param(
            dict(_ipt_nat(""), **{"nft-ruleset": _nat([TCP, REDIRECT], input_rules=())}),
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -m conntrack --ctstate DNAT -j "
                "ACCEPT (matches every port of a protocol or every source but some))",
            ),
            id="ipt-match-of-nft-redirect",
        ),
        pytest.param(
            dict(
                _ipt_nat("-A PREROUTING -p tcp -j REDIRECT\n"),
                **{"nft-ruleset": _ruleset(DNAT_ACCEPT)},
            ),
            _dnat_rule("matches every port of a protocol or every source but some"),
            id="nft-match-of-iptables-legacy-redirect",
        ),
        pytest.param(
            {
                "nft-ruleset": _nat(
                    [
                        {
                            "dnat": {
                                "addr": {
                                    "map": {
                                        "key": _pl("tcp", "dport"),
                                        "data": {"set": [[80, "10.0.0.10"]]},
                                    }
                                }
                            }
                        }
                    ]
                )
            },
            (
                "manual",
                "evidence unavailable: IPv4: inet filter input: inet filter input rule handle 10 "
                "(accept under ct status dnat, whose packets the nat rules' dnat and redirect "
                "decide: ip nat prerouting rule handle 10: dnat to a map expression, an address "
                "hvaudit cannot read, a match whose share hvaudit cannot read)",
            ),
            id="nft-dnat-map-asked",
        ),
        pytest.param(
            {"nft-ruleset": _nat([_m(_pl("tcp", "dport"), 2222), {"redirect": {"port": 22}}])},
            NFT_PASS,
            id="held-nft-redirect-to-one-port",
        ),
        pytest.param(
            {"nft-ruleset": _nat([TCP, {"dnat": {"addr": "192.168.122.10"}}])},
            NFT_PASS,
            id="held-nft-dnat-to-a-guest",
        ),
        pytest.param(
            {"nft-ruleset": _nat([_m(_pl("tcp", "dport"), 8080), REDIRECT])},
            NFT_PASS,
            id="held-nft-redirect-of-one-port",
        ),
        pytest.param(
            _ipt_nat("-A OUTPUT -p tcp -j REDIRECT\n"),
            IPT_PASS,
            id="held-ipt-output-redirect",
        ),
        pytest.param(
            _ipt_nat("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.10:22\n"),
            IPT_PASS,
            id="held-ipt-dnat-to-one-port",
        ),
    ],
)
def test_dnat_status_accept_is_as_wide_as_the_nat_rules(
    host_scan: Any, evidence: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R33F-1. `ct status dnat accept` / `--ctstate DNAT -j ACCEPT` accept what the nat rules
    rewrote to the host: every TCP port under a redirect of every TCP packet, every packet under
    a dnat of all to the host's own address (fail), whichever tool wrote the nat rule; a map is
    a question; a redirect to one port, a dnat to a guest, or an OUTPUT redirect (the host's
    own traffic) keeps the pass."""
    assert _verdict(host_scan(evidence)) == expected


# --- R33F-2 HVA-190: ingress chains of policy drop on every device --------------------------

DEVICES = ["eno1", "eno2", "bond0", "br0", "eno3", "vnet0"]  # conftest's IP_LINK but lo


def _ingress(*rules: list[Any], devs: list[str] = DEVICES, family: str = "netdev") -> str:
    """`table FAMILY filter { chain in { type filter hook ingress devices = { DEVS } priority
    0; policy drop; } }` with the rules given, alone (`nft -j`: "dev" is one name or a list,
    nftables src/json.c chain_print_json)."""
    chain = {
        "family": family,
        "table": "filter",
        "name": "in",
        "handle": 1,
        "dev": devs[0] if len(devs) == 1 else devs,
        "type": "filter",
        "hook": "ingress",
        "prio": 0,
        "policy": "drop",
    }
    items: list[Any] = [
        {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
        {"table": {"family": family, "name": "filter", "handle": 1}},
        {"chain": chain},
    ]
    for n, exprs in enumerate(rules):
        rule = {"family": family, "table": "filter", "chain": "in", "handle": 10 + n}
        items.append({"rule": {**rule, "expr": exprs}})
    return json.dumps({"nftables": items})


SSH = [_m(_pl("tcp", "dport"), 22), ACCEPT]


def _prerouting_alone(*rules: list[Any]) -> tuple[str, int]:
    """`table inet filter { chain pre { type filter hook prerouting priority 0; policy drop; }
    }` with the rules given, and no input chain."""
    items = json.loads(_ruleset(*rules)[0])["nftables"]
    for item in items:
        if "chain" in item:
            item["chain"].update(name="pre", hook="prerouting")
        if "rule" in item:
            item["rule"]["chain"] = "pre"
    return json.dumps({"nftables": items}), 0


NO_INPUT = ("fail", "inbound traffic is accepted by default (no input-hook chain)")


def _ingress_pass(family: str = "netdev") -> tuple[str, str]:
    return (
        "pass",
        f"inbound default policy drops ({family} filter in (ingress of {', '.join(DEVICES)}, "
        "before input): policy drop)",
    )


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param({"nft-ruleset": (_ingress(SSH), 0)}, _ingress_pass(), id="netdev-ssh-only"),
        pytest.param(
            {"nft-ruleset": (_ingress(SSH, family="inet"), 0)},
            _ingress_pass("inet"),
            id="inet-ssh-only",
        ),
        pytest.param(
            {
                "nft-ruleset": (
                    _ingress(
                        [_m({"ct": {"key": "state"}}, {"set": ["established", "related"]}), ACCEPT],
                        SSH,
                    ),
                    0,
                )
            },
            _ingress_pass(),
            id="netdev-established-matches-nothing-there",
        ),
        pytest.param(
            {"nft-ruleset": (_ingress(SSH), 0), "ip-link": ("", 1)},
            (
                "manual",
                "evidence unavailable: IPv4: netdev filter in (ingress of "
                + ", ".join(DEVICES)
                + ", before input): policy drop, but which devices the host has (`ip -j -d "
                "link`, not read) decides whether every packet passes it",
            ),
            id="links-unread-asked",
        ),
        pytest.param(
            {"nft-ruleset": _prerouting_alone(SSH)},
            (
                "pass",
                "inbound default policy drops (inet filter pre (prerouting, before input): "
                "policy drop)",
            ),
            id="prerouting-alone-ssh-only",
        ),
        pytest.param(
            {"nft-ruleset": (_ingress(SSH, devs=DEVICES[1:]), 0)},
            NO_INPUT,
            id="held-one-device-without-a-chain",
        ),
        pytest.param(
            {"nft-ruleset": (_ingress([_m({"ct": {"key": "state"}}, "invalid"), ACCEPT]), 0)},
            NO_INPUT,
            id="held-ct-state-invalid-is-every-packet-there",
        ),
        pytest.param(
            {"nft-ruleset": (_ingress([_m({"meta": {"key": "l4proto"}}, "tcp"), ACCEPT]), 0)},
            NO_INPUT,
            id="held-every-tcp-port",
        ),
    ],
)
def test_drop_before_input_without_an_input_chain(
    host_scan: Any, evidence: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R33F-2. A netdev (or inet) ingress chain of policy drop admitting port 22 only, on every
    device the host has but lo, or a prerouting filter chain so with no input chain beside it,
    is a default deny (pass; it failed "no input-hook chain");
    `ct state established` there matches nothing (no conntrack yet), and a device list not read
    is a question. One device without the chain, `ct state invalid` (every packet there) or
    every TCP port accepted still fail."""
    assert _verdict(host_scan(evidence)) == expected


# --- R33F-3 HVA-190: the original destination of what a nat rule rewrote ---------------------

#: `ct original ip daddr 203.0.113.5 accept` (libnftables-json(5) CT: "key": "ip daddr",
#: "dir": "original")
ORIGINAL_DST = [_m({"ct": {"key": "ip daddr", "dir": "original"}}, "203.0.113.5"), ACCEPT]
IPT_ORIGINAL_DST = "-A INPUT -m conntrack --ctorigdst 203.0.113.5 -j ACCEPT\n"


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param(
            {"nft-ruleset": _nat([TCP, REDIRECT], input_rules=(ORIGINAL_DST,))},
            _dnat_rule("matches every port of a protocol or every source but some"),
            id="nft-original-daddr-of-redirected",
        ),
        pytest.param(
            _ipt_nat("-A PREROUTING -p tcp -j REDIRECT\n", IPT_ORIGINAL_DST),
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -m conntrack --ctorigdst "
                "203.0.113.5 -j ACCEPT (matches every port of a protocol or every source but "
                "some))",
            ),
            id="ipt-ctorigdst-of-redirected",
        ),
        pytest.param(
            {"nft-ruleset": _nat(input_rules=(ORIGINAL_DST,))},
            NFT_PASS,
            id="held-nft-original-daddr-no-nat",
        ),
        pytest.param(
            _ipt_nat(
                "-A PREROUTING -p tcp -j DNAT --to-destination 192.168.122.10\n", IPT_ORIGINAL_DST
            ),
            IPT_PASS,
            id="held-ipt-ctorigdst-dnat-to-a-guest",
        ),
    ],
)
def test_original_destination_of_rewritten_packets(
    host_scan: Any, evidence: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R33F-3. `ct original daddr` / `--ctorigdst` of an address not the host's admits what a
    redirect or a dnat to the host rewrote from it: every TCP port under a redirect of every
    TCP packet (fail); without such a rule, or with a dnat to a guest, the match holds no
    packet to the host (pass)."""
    assert _verdict(host_scan(evidence)) == expected
