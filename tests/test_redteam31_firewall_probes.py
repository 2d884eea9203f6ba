"""Red-team round 31 probes: host firewall (rt31fw)

Harness: conftest's `host_scan` (the replayed hardened Debian host: eno3 10.0.0.10, no IPv6
address), given an `nft -j list ruleset` (test_redteam27_firewall_probes' `_ruleset`: an `inet
filter` input chain of policy drop with the rules given) or `iptables -S` / `iptables-save`
(test_redteam28_firewall_probes' `_iptables`: INPUT policy DROP), through the real collector,
parsers (hvaudit.parse.firewall) and engine; HVA-190's verdict and message.

Findings (R31F-n):
- R31F-1 (false pass) HVA-190: `meta oif`, `oifname`, `sdif` and `sdifname` were read as narrow
  (_NFT_META_NARROW), though on the input path the kernel stores no device as a value every
  packet holds (net/netfilter/nft_meta.c nft_meta_store_ifindex `dev ? dev->ifindex : 0`,
  nft_meta_store_ifname `dev ? dev->name : ""`, nft_meta_get_eval_sdif 0 without a VRF slave;
  read with `find_string`): `meta oifname "" accept`, `meta oifname != "eno3" accept`, `meta
  oif 0 accept` and `meta sdif 0 accept` passed "policy drop". Now _nft_no_device_reach: every
  packet when the no-device value passes the match; a named sdifname (a VRF slave, not in
  evidence) is a question.
- R31F-2 (false pass) HVA-190: iptables `! -f` (head fragments and unfragmented packets: every
  packet but a later fragment) was read as `-f`, and `! -o eno3` / `-o +` in a chain INPUT
  jumps to (iptables refuses -o in INPUT itself only, xshared.c do_parse) as narrow, though
  ip_packet_match compares the output name with nulldevname at the input hook. Now `! -f`,
  `! -o NAME` and `-o +` narrow nothing.

Held (kept as tests): `meta oifname "eno3"`, `meta oifkind != ""` (no device: the rule
breaks), `meta oifname ""` beside `tcp dport 22`, iptables `-f`, `-o eno3` in a jumped chain.

Probed by script: ~120 inputs: concatenations of sender and port with intervals, `th dport`,
`ct zone/mark/bytes/expiration/helper`, `meta mark`, `ether type`, `tcp option maxseg`, `ct
status != dnat`, `ct state != invalid`, vmaps of ports and states, `queue ... bypass`,
`continue`, ct tuple keys, `meta iifname "eno*"`, ipsec, rt, socket, osf, xfrm, inner (all
failed or asked); iptables conntrack --ctstatus/--ctdir/--ctexpire, length, ttl, policy,
rpfilter, mark, connmark, devgroup, statistic, tcpmss, u32, iprange, addrtype, --syn,
--tcp-flags, multiport --sports, negated -s/-d, -i +, -p all, NFQUEUE --queue-bypass, goto
(all failed or asked); base chains of the arp, bridge, netdev and ip6 families, ingress and
forward/output hooks (all "no ... input chain" fails).

Tally: 2 findings (2 false passes); 14 cases in 2 test functions; 9 failed on main 99fead02
before the fixes (R31F-1 6, R31F-2 3; PYTHONPATH=/work/main/src). Landed by the lead after the deadline.

Leads left: an `ip6` table's input drop on a host without IPv6 fails "no ip or inet input
chain" (wording: the IPv4 path is what is open); a netdev/inet ingress chain of policy drop on
every addressed interface still fails "no input-hook chain" (a wrong fail); the round-30 leads
(two input base chains, partial return, ! --src-type UNICAST, named vmap reachability,
iptables-nft with iptables-legacy loaded) were not reached.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import messages, outcomes
from test_redteam27_firewall_probes import ACCEPT, _m, _pl, _ruleset
from test_redteam28_firewall_probes import _iptables

PASS = ("pass", "inbound default policy drops (inet filter input: policy drop)")
IPT_PASS = ("pass", "inbound default policy drops (policy DROP; no IPv6 address on the host)")
EVERY = (
    "fail",
    "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter "
    "input rule handle 10 (matches every IPv4 packet) accepts all traffic)",
)


def _meta(key: str) -> dict[str, Any]:
    return {"meta": {"key": key}}


def _verdict(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([[_m(_meta("oifname"), ""), ACCEPT]], EVERY),
        ([[_m(_meta("oifname"), "eno3", "!="), ACCEPT]], EVERY),
        ([[_m(_meta("oif"), 0), ACCEPT]], EVERY),
        ([[_m(_meta("sdif"), 0), ACCEPT]], EVERY),
        ([[_m(_meta("sdifname"), ""), ACCEPT]], EVERY),
        (
            [[_m(_meta("sdifname"), "eno3"), ACCEPT]],
            (
                "manual",
                "evidence unavailable: IPv4: inet filter input: inet filter input rule handle "
                "10 (accept under meta sdifname eno3, a match whose share hvaudit cannot read)",
            ),
        ),
        ([[_m(_meta("oifname"), "eno3"), ACCEPT]], PASS),
        ([[_m(_meta("oifkind"), "", "!="), ACCEPT]], PASS),
        ([[_m(_meta("oifname"), ""), _m(_pl("tcp", "dport"), 22), ACCEPT]], PASS),
    ],
)
def test_nft_device_the_input_path_leaves_unset(
    host_scan: Any, rules: list[list[Any]], expected: tuple[str, str]
) -> None:
    """R31F-1. At the input hook no output interface is chosen and, without a VRF, no slave
    device is set; nft_meta.c stores that as 0 / "" (nft_meta_store_ifindex,
    nft_meta_store_ifname, nft_meta_get_eval_sdif), so `meta oifname ""`, `oifname != "eno3"`,
    `oif 0`, `sdif 0` and `sdifname ""` match every packet; hvaudit read them as narrow and
    passed. Right: fail. A named sdifname (a VRF slave) is a question; `oifname "eno3"`,
    `oifkind` (the rule breaks without a device) and port 22 alone keep the pass."""
    assert _verdict(host_scan({"nft-ruleset": _ruleset(*rules)})) == expected


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            "-A INPUT ! -f -j ACCEPT\n",
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT ! -f -j ACCEPT (matches every "
                "packet or every new connection))",
            ),
        ),
        (
            "-N x\n-A INPUT -j x\n-A x ! -o eno3 -j ACCEPT\n",
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -j x -> -A x ! -o eno3 -j "
                "ACCEPT (matches every packet or every new connection))",
            ),
        ),
        (
            "-N x\n-A INPUT -j x\n-A x -o + -j ACCEPT\n",
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -j x -> -A x -o + -j ACCEPT "
                "(matches every packet or every new connection))",
            ),
        ),
        ("-A INPUT -f -j ACCEPT\n", IPT_PASS),
        ("-N x\n-A INPUT -j x\n-A x -o eno3 -j ACCEPT\n", IPT_PASS),
    ],
)
def test_iptables_fragment_and_output_interface(
    host_scan: Any, rules: str, expected: tuple[str, str]
) -> None:
    """R31F-2. ip_packet_match: `! -f` holds head fragments and unfragmented packets (every
    packet but a later fragment), and the output name at the input hook is nulldevname, so `!
    -o eno3` and `-o +` in a chain INPUT jumps to hold every packet; hvaudit read all three as
    narrow and passed. Right: fail. `-f` and `-o eno3` keep the pass."""
    assert _verdict(host_scan(_iptables(rules))) == expected
