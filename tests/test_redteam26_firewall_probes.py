"""Red-team round 26 probes: host firewall (rt26fw)

Harness: conftest's `host_scan` (the replayed hardened Debian host: eno3 10.0.0.10, no IPv6
address), given `iptables -S` / `iptables-save` (test_network_leads' layout: INPUT policy DROP,
`-i lo -j ACCEPT`) and an `nft -j list ruleset` built here (a raw table's prerouting chain, an
iptables-nft `ip filter` table), through the real collector, parser (hvaudit.parse.firewall)
and engine; HVA-190's verdict and message.

Findings (R26F-n):
- R26F-1 (false pass) HVA-190, R25F-4's mirror: iptables' `--ctstate
  RELATED,ESTABLISHED,UNTRACKED -j ACCEPT` was read as wide as the NOTRACK / CT --notrack
  rules of `iptables-save` alone, though nft's own `notrack` (a native table, which
  `iptables-save` does not show) leaves its packets untracked as well: the kernel's
  net/netfilter/nft_ct.c nft_notrack_eval (read with `find_string`) sets `nf_ct_set(skb, ct,
  IP_CT_UNTRACKED)`, the state xt_conntrack's UNTRACKED matches. With `notrack` for every
  packet in an nft raw prerouting chain, the host passed "policy DROP", on the iptables path
  (no nft input chain) and on iptables-nft's `ip filter` table read from `iptables -S` alike.
  Now the untracked share is also that of nft's notrack rules, and a question where `nft
  list ruleset` did not answer.
- R26F-2 (false pass) HVA-190, R25F's lead: addrtype `--dst-type` was read as every packet
  whenever it named LOCAL or UNICAST, for both IP versions and whatever `--limit-iface-in`
  said. The kernel's net/netfilter/xt_addrtype.c (read with `find_string`): IPv4 match_type
  `!!(mask & (1 << inet_dev_addr_type(net, dev, addr)))` (the host's address is LOCAL, never
  UNICAST; with `--limit-iface-in` an address of another interface is UNICAST); IPv6
  match_type6 tests MULTICAST, UNICAST and UNSPEC on the address's class, all of them, then
  LOCAL by match_lookup_rt6 (with a dev, `nf_ipv6_chk_addr(net, addr, dev, true)`). So
  `--dst-type UNICAST -j DROP` (IPv4: drops nothing on the input hook), `--dst-type LOCAL
  --limit-iface-in -j DROP` (not the packets to another interface's address) and ip6tables
  `--dst-type LOCAL,MULTICAST -j DROP` (a unicast address is not multicast: nothing) passed
  "drops" under policy ACCEPT. Now read per version as the kernel tests it
  (_ipt_dst_type_reach); with `--limit-iface-in` a share (_BROAD), as `fib daddr . iif`.
- R26F-3 (wrong fail) HVA-190, R25F's lead: the NOTRACK / CT --notrack rules of
  `iptables-save` and `ip6tables-save` were pooled, so an ip6tables raw `-A PREROUTING -j
  NOTRACK` made iptables' `--ctstate RELATED,ESTABLISHED,UNTRACKED -j ACCEPT` every IPv4
  packet and failed the host. iptables(8): iptables and ip6tables set up the tables of IPv4
  and IPv6 packet filter rules. Now each output's notrack rules count for its own version.

Held (kept as tests): nft `notrack` of port 22 only keeps the pass, and no nft at all.
ip6tables `--dst-type UNICAST -j DROP` (every unicast IPv6 address) and iptables `--dst-type
LOCAL -j DROP` keep the pass; an IPv4 `--dst-type UNICAST -j ACCEPT` (admits nothing) passes
now. An iptables-save NOTRACK keeps the IPv4 fail. By script (not kept): `ip saddr @allowed
accept` of a set holding 0.0.0.0/0, a vmap `{ 0.0.0.0/0 : accept }`, a goto to a chain
accepting ports 1-65535 and `meta l4proto udp jump` to a chain that accepts all each fail.

Probed by script: 14 inputs (nft notrack beside iptables UNTRACKED on both paths, ip6tables
NOTRACK, addrtype UNICAST and --limit-iface-in, nft sets, a vmap, jump and goto, a negated
source drop under policy accept).

Tally: 3 findings (2 false passes, 1 wrong fail); 13 cases in 3 test functions; 8 failed
before the fixes (R26F-1's 3 on main 2f30312, R26F-2's 4 on 8166ffc, R26F-3's 1 on the main
R26F-2 landed on; PYTHONPATH=/work/main/src).

Leads left (not settled in the time):
- (wrong fail, probed, team decision) `ip saddr != 10.0.0.0/8 drop` (or iptables `! -s
  10.0.0.0/8 -j DROP`) under policy accept fails "policy accept", while `ip saddr 10.0.0.0/8
  accept` under policy drop, which admits the same, passes: a drop of every source but some
  leaves only those sources, as a narrow accept would.
- Several input base chains each accepting a different broad share (one TCP, one UDP, each
  policy drop) are read as "accept" though a packet must pass both (a wrong fail); a drop
  policy in a prerouting filter chain is not read (a wrong fail).
- `notrack` rules in an nft output-hook chain, or in a chain no prerouting chain jumps to, are
  counted as untracking inbound traffic (an over-read); `--src-type` under `--limit-iface-in`
  and IPv6 `--src-type` class tests (match_type6 AND-s the class bits) were not reread.
- HVA-210's R21N-1 question (firewall_accepts: any accept verdict anywhere) and `fib daddr
  oif` / `oifname` results (read as narrow) were not reached.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import messages, outcomes

IPT = "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n"
UNTRACKED_ACCEPT = "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED,UNTRACKED -j ACCEPT\n"
IPT_PASS = ("pass", "inbound default policy drops (policy DROP; ip6tables policy DROP)")
IPT_OPEN = (
    "fail",
    "inbound traffic is accepted by default (-A INPUT -m conntrack --ctstate "
    "RELATED,ESTABLISHED,UNTRACKED -j ACCEPT (matches every packet or every new connection))",
)


def _verdict(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


def _raw(*exprs: Any) -> list[dict[str, Any]]:
    """`table inet raw { chain pre { type filter hook prerouting priority raw; ... } }` with one
    rule of the expressions (`nft -j`: {"notrack": null}, libnftables-json(5) NOTRACK)."""
    return [
        {"table": {"family": "inet", "name": "raw", "handle": 3}},
        {
            "chain": {
                "family": "inet",
                "table": "raw",
                "name": "pre",
                "handle": 1,
                "type": "filter",
                "hook": "prerouting",
                "prio": -300,
                "policy": "accept",
            }
        },
        {
            "rule": {
                "family": "inet",
                "table": "raw",
                "chain": "pre",
                "handle": 2,
                "expr": list(exprs),
            }
        },
    ]


#: iptables-nft's `ip filter` table as `nft -j` shows it: INPUT policy drop, the conntrack
#: match by name only (xtables-nft(8)).
IP_FILTER = [
    {"table": {"family": "ip", "name": "filter", "handle": 9}},
    {
        "chain": {
            "family": "ip",
            "table": "filter",
            "name": "INPUT",
            "handle": 1,
            "type": "filter",
            "hook": "input",
            "prio": 0,
            "policy": "drop",
        }
    },
    {
        "rule": {
            "family": "ip",
            "table": "filter",
            "chain": "INPUT",
            "handle": 4,
            "expr": [{"xt": {"type": "match", "name": "conntrack"}}, {"accept": None}],
        }
    },
]


def _ruleset(*items: Any) -> str:
    meta = {"metainfo": {"version": "1.0.6", "json_schema_version": 1}}
    return json.dumps({"nftables": [meta, *items]})


def _host(nft: Any) -> dict[str, Any]:
    """iptables INPUT policy DROP accepting untracked packets; `iptables-save` of that filter
    table and no raw table; the nft ruleset as given."""
    return {
        "nft-ruleset": nft,
        "iptables-input": (IPT + UNTRACKED_ACCEPT, 0),
        "ip6tables-input": ("-P INPUT DROP\n", 0),
        "iptables-save": (f"*filter\n:INPUT DROP [0:0]\n{UNTRACKED_ACCEPT}COMMIT\n", 0),
        "ip6tables-save": ("*filter\n:INPUT DROP [0:0]\nCOMMIT\n", 0),
        "xt-recent": ("", 1),
    }


NOTRACK_ALL = _raw({"notrack": None})
NOTRACK_22 = _raw(
    {
        "match": {
            "op": "==",
            "left": {"payload": {"protocol": "tcp", "field": "dport"}},
            "right": 22,
        }
    },
    {"notrack": None},
)


# --- R26F-1 HVA-190: iptables' UNTRACKED beside nft's notrack ----------------------------------


@pytest.mark.parametrize(
    ("nft", "expected"),
    [
        ((_ruleset(*NOTRACK_ALL), 0), IPT_OPEN),
        (
            (_ruleset(*NOTRACK_ALL, *IP_FILTER), 0),
            (
                "fail",
                "inbound traffic is accepted by default (ip filter INPUT: policy drop, but "
                "(iptables-nft, read from `iptables -S`) -A INPUT -m conntrack --ctstate "
                "RELATED,ESTABLISHED,UNTRACKED -j ACCEPT (matches every packet or every new "
                "connection) accepts all traffic)",
            ),
        ),
        (
            ("Error: cache initialization failed: Operation not permitted\n", 1),
            (
                "manual",
                "evidence unavailable: IPv4: INPUT (policy DROP) hands traffic to what the rules "
                "read do not show: -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED,UNTRACKED "
                "-j ACCEPT (under --ctstate RELATED,ESTABLISHED,UNTRACKED, whose untracked packets "
                "nftables' notrack rules (`nft list ruleset`, not read) may pick, a match whose "
                "share hvaudit cannot read)",
            ),
        ),
        ((_ruleset(*NOTRACK_22), 0), IPT_PASS),
        (None, IPT_PASS),
    ],
    ids=["nft-notrack-all", "iptables-nft-filter", "nft-unread", "held-port-22", "held-no-nft"],
)
def test_iptables_untracked_accept_beside_nft_notrack(
    host_scan: Any, nft: Any, expected: tuple[str, str]
) -> None:
    """R26F-1 (R25F-4's mirror). nft_ct.c nft_notrack_eval: `nf_ct_set(skb, ct,
    IP_CT_UNTRACKED)`; xt_conntrack's `--ctstate UNTRACKED` matches such a packet, whichever
    tool untracked it. `notrack` for every packet in an nft raw table, which `iptables-save`
    does not show, with `--ctstate RELATED,ESTABLISHED,UNTRACKED -j ACCEPT` accepts every
    packet; hvaudit read the untracked share from iptables-save alone and passed, with no nft
    input chain (the iptables path) and in iptables-nft's `ip filter` table alike. Right: fail;
    nft unread, a question; a port-22 notrack, or no nft, keeps the pass."""
    assert _verdict(host_scan(_host(nft))) == expected


# --- R26F-2 HVA-190: addrtype --dst-type read per IP version ------------------------------------

#: The hardened host's addresses with an IPv6 one on eno3 (`ip -j addr`).
IP_ADDR6 = json.dumps(
    [
        {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}]},
        {
            "ifname": "eno3",
            "addr_info": [
                {"family": "inet", "local": "10.0.0.10", "scope": "global"},
                {"family": "inet6", "local": "2001:db8::10", "scope": "global"},
            ],
        },
    ]
)


@pytest.mark.parametrize(
    ("v4", "v6", "expected"),
    [
        (
            "-P INPUT ACCEPT\n-A INPUT -m addrtype --dst-type UNICAST -j DROP\n",
            "-P INPUT DROP\n",
            ("fail", "inbound traffic is accepted by default (policy ACCEPT)"),
        ),
        (
            "-P INPUT ACCEPT\n-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j DROP\n",
            "-P INPUT DROP\n",
            ("fail", "inbound traffic is accepted by default (policy ACCEPT)"),
        ),
        (
            "-P INPUT DROP\n",
            "-P INPUT ACCEPT\n-A INPUT -m addrtype --dst-type LOCAL,MULTICAST -j DROP\n",
            (
                "fail",
                "inbound traffic is accepted by default (policy DROP; but IPv6 (ip6tables policy "
                "ACCEPT) is accepted on 2001:db8::10)",
            ),
        ),
        (
            "-P INPUT DROP\n-A INPUT -m addrtype --dst-type UNICAST -j ACCEPT\n",
            "-P INPUT DROP\n",
            ("pass", "inbound default policy drops (policy DROP; ip6tables policy DROP)"),
        ),
        (
            "-P INPUT DROP\n",
            "-P INPUT ACCEPT\n-A INPUT -m addrtype --dst-type UNICAST -j DROP\n",
            (
                "pass",
                "inbound default policy drops (policy DROP; ip6tables -A INPUT -m addrtype "
                "--dst-type UNICAST -j DROP (matches every packet or every new connection))",
            ),
        ),
        (
            "-P INPUT ACCEPT\n-A INPUT -m addrtype --dst-type LOCAL -j DROP\n",
            "-P INPUT DROP\n",
            (
                "pass",
                "inbound default policy drops (-A INPUT -m addrtype --dst-type LOCAL -j DROP "
                "(matches every packet or every new connection); ip6tables policy DROP)",
            ),
        ),
    ],
    ids=[
        "v4-unicast-drop",
        "v4-local-iface-drop",
        "v6-local-and-multicast-drop",
        "held-v4-unicast-accept",
        "held-v6-unicast-drop",
        "held-v4-local-drop",
    ],
)
def test_addrtype_dst_type_read_as_the_kernel_tests_it(
    host_scan: Any, v4: str, v6: str, expected: tuple[str, str]
) -> None:
    """R26F-2. xt_addrtype.c match_type (IPv4): `mask & (1 << inet_dev_addr_type(net, dev,
    addr))`: the host's address is LOCAL, never UNICAST, and with `--limit-iface-in` an
    address of another interface is UNICAST; match_type6 (IPv6): MULTICAST, UNICAST and UNSPEC
    test the address's class and must all hold, LOCAL is then a route lookup. hvaudit read
    UNICAST, and any mask naming LOCAL, as every packet, and `--limit-iface-in` as nothing, so
    each drop above passed "drops" while it drops nothing, or the packets to eno3's own
    addresses only. Right: fail; IPv6 UNICAST (every unicast address) and IPv4 LOCAL keep
    their drop, an IPv4 UNICAST accept admits nothing."""
    probes = {
        "nft-ruleset": None,
        "iptables-input": (v4, 0),
        "ip6tables-input": (v6, 0),
        "ip-addr": (IP_ADDR6, 0),
    }
    assert _verdict(host_scan(probes)) == expected


# --- R26F-3 HVA-190: ip6tables' NOTRACK counted for IPv4 ----------------------------------------


@pytest.mark.parametrize(
    ("save4", "save6", "expected"),
    [
        ("", "-A PREROUTING -j NOTRACK\n", IPT_PASS),
        ("-A PREROUTING -j NOTRACK\n", "", IPT_OPEN),
    ],
    ids=["ip6tables-notrack", "held-iptables-notrack"],
)
def test_ipv6_notrack_rules_untrack_no_ipv4_packet(
    host_scan: Any, save4: str, save6: str, expected: tuple[str, str]
) -> None:
    """R26F-3. iptables(8): iptables and ip6tables set up the tables of IPv4 and IPv6 packet
    filter rules; an `ip6tables-save` raw `-A PREROUTING -j NOTRACK` untracks IPv6 packets
    only. hvaudit pooled the notrack rules of both outputs, so iptables' `--ctstate
    RELATED,ESTABLISHED,UNTRACKED -j ACCEPT` was read as every IPv4 packet and failed a host
    whose IPv4 packets are all tracked. Right: pass; the NOTRACK in iptables-save keeps the
    fail."""
    raw = "*raw\n:PREROUTING ACCEPT [0:0]\n{}COMMIT\n"
    probes = dict(_host(None))
    probes["iptables-save"] = (raw.format(save4) + probes["iptables-save"][0], 0)
    probes["ip6tables-save"] = (raw.format(save6) + probes["ip6tables-save"][0], 0)
    assert _verdict(host_scan(probes)) == expected
