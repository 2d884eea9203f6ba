"""Red-team round 30 probes: host firewall (rt30fw)

Harness: conftest's `host_scan` (the replayed hardened Debian host: eno3 10.0.0.10, no IPv6
address), given an `nft -j list ruleset` built here (an `inet filter` table whose input base
chain drops by default, with regular chains it jumps or goes to), or `iptables -S` /
`iptables-save` (INPUT policy DROP, test_redteam28_firewall_probes' `_iptables`; ufw's chain
layout); for AF_VSOCK test_vm_leads19c's `_scan` (the same host beside VM vs1 with a <vsock>,
given `ss --vsock` and `systemctl list-sockets`); through the real collector, parsers
(hvaudit.parse.firewall, hvaudit.parse.host) and engine; HVA-190's or HVA-210's verdict and
message.

Findings (R30F-n):
- R30F-1 (false pass) HVA-190: the pooling of accepts (R28G-1's sources, R29F-2's sources to
  every port of a protocol, R29F-3's ports) stopped at a chain's end, so `tcp dport 1-32767
  accept` in input with `tcp dport 32768-65535 accept` in a chain input jumps or goes to (or
  each in a chain of its own, or the second under `meta l4proto tcp jump`), `ip saddr
  0.0.0.0/1 accept` with `ip saddr 128.0.0.0/2 accept` across a jump, and ufw's layout with
  `--dport 1:32767` in ufw-before-input and `--dport 32768:65535` in ufw-user-input (or the
  senders so split) passed "policy drop", though one chain of both rules fails. nft(8)
  VERDICT STATEMENT: "jump: Continue evaluation at the first rule of a chain", "return: ...
  continue at the next rule of the last chain jumped to"; iptables(8) TARGETS the same for a
  user-defined chain: a jump moves the walk, it does not start a new one. Now what the accepts
  opened is carried into the chains jumped or gone to (_Pool), each rule there read with the
  matches of the rules that jumped to it (so `ip saddr 10.0.0.0/8 jump` or `-p udp -j` keep
  them narrow).

- R30F-2 (false pass) HVA-210: a socket systemd holds on AF_VSOCK was never matched with its
  unit in `systemctl list-sockets` (R29F-4 gave units to the TCP and UDP listeners only), nor
  asked about where the listing was not read, so sshd-vsock.socket (systemd-ssh-generator's,
  `vsock::22` activating sshd-vsock@.service: systemd src/ssh-generator/ssh-generator.c
  add_vsock_socket) moved to port 2222 beside a VM with a <vsock> (its guest reaches CID 2 on
  any port, vsock(7)) passed "1 management listener(s)", with the listing and without it.
  systemd lists such a socket as `vsock::PORT` or `vsock:CID:PORT` (src/basic/socket-util.c
  sockaddr_pretty, AF_VSOCK; read with `find_string`). Now the listing's rows are matched by
  family and port (parse.host._socket_units, applied to the vsock listeners too),
  sshd-vsock names sshd (SOCKET_UNIT_SERVICES), and a systemd-held vsock socket on * or CID 2
  of a port hvaudit cannot name, beside a vsock guest, is a question where the listing was
  not read.

- R30F-3 (false pass) HVA-190: a match whose left side is a binary operation other than `&`
  (libnftables-json(5) BINARY OPERATION: `|`, `^`, `<<`, `>>`) or a map lookup (MAP) was read
  as narrow: _nft_match_kind named `&` only, and _nft_reach's fallback is narrow. So `tcp
  dport | 0xffff == 0xffff accept` (every TCP packet), `tcp dport >> 1 >= 0 accept` and `tcp
  dport ^ 22 != 0 accept` (every port but 22) passed "policy drop". nftables src/evaluate.c
  binop_transfer moves `<<`, `>>` and `^` of a constant to the value side where it can, so
  what the ruleset keeps there is what it could not fold (read with `find_string`). Now any
  left side hvaudit does not read is a question (_NFT_BINOPS, _NFT_LEFT_READ), as an unread
  meta key is.

- R30F-4 (wrong fail) HVA-190, R29F-6's lead: the `notrack` rules of every chain but the
  output-hook base chains counted as untracking inbound packets, so a notrack in a regular
  chain only a raw output (or postrouting) chain jumps to, or that nothing jumps to, made
  `ct state { established, related, untracked } accept` in input "every IPv4 packet" and
  failed the host. nft(8) CHAINS: a regular chain is attached to no hook and sees only what a
  jump or goto hands it; nftables wiki "Netfilter hooks": traffic to the host sees the
  prerouting and input hooks only. Now the chains no prerouting or input chain reaches (by
  jump, goto or verdict map) are left out with the output, forward and postrouting base chains
  (_nft_outbound); one prerouting reaches still fails (R24N-5).

- R30F-5 (wrong fail) HVA-190, a lead since round 26: a filter chain of the prerouting hook
  was not read, so one of policy drop accepting port 22 only (or ending in a drop rule) in
  front of an input chain of policy accept failed "policy accept", though every packet to the
  host passes prerouting before input (nftables wiki "Netfilter hooks") and is dropped there
  unless port 22. Now such a chain's drop (by policy, or a rule of every packet after no
  broad accept) is a default deny (_NftRuleset.gates); its accepts decide nothing (the input
  chains still judge what it lets through), and a dormant table's filters nothing.

- R30F-6 (wrong fail) HVA-190, a lead since round 26: ip6tables `--src-type LOCAL,UNICAST
  -j ACCEPT` was read as every sender (any UNICAST was), though the kernel's
  net/netfilter/xt_addrtype.c match_type6 tests the class (UNICAST) and then `mask &
  match_lookup_rt6(...)`, which answers only UNREACHABLE, LOCAL and ANYCAST (read with
  `find_string`): a unicast sender that is one of the host's own addresses, no peer. Now read
  per version (_ipt_src_type_reach): with LOCAL or ANYCAST in the mask an IPv6 sender is the
  host's, with UNREACHABLE (the routes decide, not collected) still broad; IPv4's match_type
  OR-s the types, so its LOCAL,UNICAST stays every sender.

- R30F-7 (false pass) HVA-190, found with R30F-1: a jump of a narrow share was skipped, so
  `ip saddr 0.0.0.0/1 jump x` and `ip saddr 128.0.0.0/2 jump x` (or iptables `-s 0.0.0.0/1 -j
  x` and `-s 128.0.0.0/2 -j x`) to a chain that accepts (three quarters of the senders, to
  every port) passed, though the two accepts in one chain fail (R28G-1). Now such a jump's
  chain is read with the jump's matches, for what it adds to the pool only (`narrow`).

Held (kept as tests): every `held-*` case above: a jump only 10.0.0.0/8 or only UDP takes, port
22 with ports 32769-65535 (half, not more), ufw's `allow 22/tcp`, another service's or an IP
row's socket unit on a vsock port, a binary operation beside one sender or under a drop, a
notrack that prerouting reaches, a prerouting chain that accepts every TCP port, has policy
accept, or is in a dormant table, ip6tables `--src-type` UNICAST, UNREACHABLE,UNICAST and `!
--src-type LOCAL` and iptables' LOCAL,UNICAST (all still fail), and narrow jumps to a chain
accepting port 22 only, or of half of the senders.

Probed by script: 95 inputs (ports and senders split across a jump, a goto, two jumped chains,
a jump under `meta l4proto tcp`, `meta l4proto udp` or `ip saddr 10.0.0.0/8`; ufw's
before/user chains; iptables -g under -p tcp and -j under -p udp; narrow jumps of senders;
systemd-held vsock sockets on 22 and 2222 with and without the listing; 47 single accepts
under header fields and meta keys (`ip version`, `ip hdrlength`, `ip ecn`, `ip dscp`, `ip id
!=`, `ip frag-off`, `meta nfproto`, `meta protocol`, `meta len`, `ct direction`, `ct
l3proto`, `tcp window`, `tcp sequence`, `tcp doff`, `udp length`, `socket transparent`, `meta
skuid !=`, `meta secpath`, `vlan id !=`, `icmp type !=`, masks, `&` on ports, raw payloads
`@th` / `@nh`); binary operations `|`, `^`, `>>` and a map lookup; named interval sets and
verdict maps, and anonymous ones, whose elements are wrapped in `elem` with a counter or
comment (all already failed); notrack in chains reached from output, postrouting, prerouting
or nothing; a prerouting filter chain's drop policy, drop rule, broad accept, policy accept
and dormant table; ip6tables and iptables `--src-type` masks). All the single accepts already
failed or asked but the `>>` one (R30F-3); `meta skuid != 0` (no socket on a new inbound
connection at the input hook), `icmp type != echo-request` and `vlan id != 5` keep the pass.

Tally: 7 findings (4 false passes, 3 wrong fails); 47 cases in 9 test functions; 25 failed
before the fixes (R30F-1's 9 on main 1f23f438; R30F-2's 2, R30F-3's 4 and R30F-4's 3 on main
after bf6aa097; R30F-5's 2 on fd3c8348; R30F-6's 2 on fcddbef9; R30F-7's 3 on 8bd7ecf7;
PYTHONPATH=/work/main/src). tests/golden/report.sarif regenerated for HVA-210's rationale
(separate commit).

Leads left: two input base chains each accepting one protocol still fail (the shares would
have to be intersected); a prerouting chain with no input chain beside it is still "no
input-hook chain"; ip6tables `! --src-type UNICAST` (a multicast or unspecified sender only)
is read as broad. A rule under a narrow jump that has its own source match is not pooled (two
source matches in one rule); the pooled accepts do not subtract what a partial `return` in a
jumped chain takes back (an over-read, as within one chain); a named verdict map is read as
reaching every chain any map of its table names (notrack reachability, an over-read).
iptables-nft and iptables-legacy both loaded (which one `iptables -S` shows) was not probed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import messages, outcomes
from test_redteam3_vm_probes import verdict
from test_redteam27_firewall_probes import ACCEPT, L4, _m, _pl, _ruleset
from test_redteam28_firewall_probes import IP_ADDR6, _iptables, _prefix
from test_vm_leads19c import _scan

DPORT = _pl("tcp", "dport")
SADDR = _pl("ip", "saddr")
PASS = ("pass", "inbound default policy drops (inet filter input: policy drop)")
IPT_PASS = ("pass", "inbound default policy drops (policy DROP; no IPv6 address on the host)")


def _verdict(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


def _jump(target: str) -> dict[str, Any]:
    return {"jump": {"target": target}}


def _goto(target: str) -> dict[str, Any]:
    return {"goto": {"target": target}}


def _ports(lo: int, hi: int) -> dict[str, Any]:
    return {"range": [lo, hi]}


def _chains(**chains: list[list[Any]]) -> tuple[str, int]:
    """`table inet filter` with the chains given: `input` (hook input, policy drop) and
    regular chains, each with its rules (`nft -j`, libnftables-json(5)); the rules of the n-th
    chain have handles 10n+10, 10n+11 ..."""
    items: list[Any] = [
        {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
        {"table": {"family": "inet", "name": "filter", "handle": 1}},
    ]
    for n, (name, rules) in enumerate(chains.items()):
        chain: dict[str, Any] = {"family": "inet", "table": "filter", "name": name, "handle": n}
        if name == "input":
            chain.update(type="filter", hook="input", prio=0, policy="drop")
        items.append({"chain": chain})
        items += [
            {
                "rule": {
                    "family": "inet",
                    "table": "filter",
                    "chain": name,
                    "handle": 10 * n + 10 + k,
                    "expr": exprs,
                }
            }
            for k, exprs in enumerate(rules)
        ]
    return json.dumps({"nftables": items}), 0


def _opened(path: str, what: str) -> tuple[str, str]:
    accepts = "that traffic" if "every port of" in what else "all traffic"
    return (
        "fail",
        f"inbound traffic is accepted by default (inet filter input: policy drop, but {path} "
        f"({what}, with the accepts read before this chain) accepts {accepts})",
    )


LOW = [_m(DPORT, _ports(1, 32767)), ACCEPT]
HIGH = [_m(DPORT, _ports(32768, 65535)), ACCEPT]
TCP_PORTS = "ports that together cover more than half of every port of tcp"
SENDERS = (
    "sources that together cover more than half of the IPv4 addresses, to every port of every "
    "protocol"
)


# --- R30F-1 HVA-190: pooling follows jumps and gotos ----------------------------------------


@pytest.mark.parametrize(
    ("chains", "expected"),
    [
        (
            {"input": [LOW, [_jump("more")]], "more": [HIGH]},
            _opened(
                "inet filter input rule handle 11 -> inet filter more rules up to handle 20",
                TCP_PORTS,
            ),
        ),
        (
            {"input": [LOW, [_goto("more")]], "more": [HIGH]},
            _opened(
                "inet filter input rule handle 11 -> inet filter more rules up to handle 20",
                TCP_PORTS,
            ),
        ),
        (
            {"input": [[_jump("low")], [_jump("high")]], "low": [LOW], "high": [HIGH]},
            _opened(
                "inet filter input rule handle 11 -> inet filter high rules up to handle 30",
                TCP_PORTS,
            ),
        ),
        (
            {"input": [LOW, [_m(L4, "tcp"), _jump("more")]], "more": [HIGH]},
            _opened(
                "inet filter input rule handle 11 (matches every port of a protocol or every "
                "source but some) -> inet filter more rules up to handle 20",
                TCP_PORTS,
            ),
        ),
        (
            {
                "input": [[_m(SADDR, _prefix("0.0.0.0", 1)), ACCEPT], [_jump("more")]],
                "more": [[_m(SADDR, _prefix("128.0.0.0", 2)), ACCEPT]],
            },
            _opened(
                "inet filter input rule handle 11 -> inet filter more rules up to handle 20",
                SENDERS,
            ),
        ),
        (
            {
                "input": [LOW, [_m(SADDR, _prefix("10.0.0.0", 8)), _jump("more")]],
                "more": [HIGH],
            },
            PASS,
        ),
        (
            {"input": [LOW, [_m(L4, "udp"), _jump("more")]], "more": [HIGH]},
            PASS,
        ),
        (
            {
                "input": [[_m(DPORT, 22), ACCEPT], [_jump("more")]],
                "more": [[_m(DPORT, _ports(32769, 65535)), ACCEPT]],
            },
            PASS,
        ),
    ],
    ids=[
        "ports-across-a-jump",
        "ports-across-a-goto",
        "ports-in-two-jumped-chains",
        "ports-across-a-jump-under-tcp",
        "sources-across-a-jump",
        "held-jump-from-one-/8",
        "held-jump-of-udp-only",
        "held-ssh-and-half-the-ports",
    ],
)
def test_nft_pooling_follows_jumps(
    host_scan: Any, chains: dict[str, list[list[Any]]], expected: tuple[str, str]
) -> None:
    """R30F-1. A jump moves the walk to another chain and a return brings it back (nft(8)
    VERDICT STATEMENT): `tcp dport 1-32767 accept` before a jump to a chain that accepts `tcp
    dport 32768-65535` opens every TCP port but 0, as the two in one chain do (R29F-3's fail);
    hvaudit pooled within one chain only and passed. Right: fail. A jump only senders of
    10.0.0.0/8 or only UDP take keeps the rest narrow (`meta l4proto udp` beside `tcp dport`
    matches nothing), and port 22 with ports 32769-65535 is half of the ports, not more: these
    keep the pass."""
    assert _verdict(host_scan({"nft-ruleset": _chains(**chains)})) == expected


UFW = (
    "-N ufw-before-input\n-N ufw-user-input\n-N ufw-after-input\n"
    "-A INPUT -j ufw-before-input\n-A INPUT -j ufw-after-input\n"
    "-A ufw-before-input -i lo -j ACCEPT\n"
    "-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "{before}-A ufw-before-input -j ufw-user-input\n{user}"
)
_VIA = "-A INPUT -j ufw-before-input -> -A ufw-before-input -j ufw-user-input -> "


def _ipt_opened(rule: str, what: str) -> tuple[str, str]:
    return (
        "fail",
        f"inbound traffic is accepted by default ({rule} (with the rules before it, accepts "
        f"{what}, with the accepts read before this chain))",
    )


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            UFW.format(
                before="-A ufw-before-input -p tcp -m tcp --dport 1:32767 -j ACCEPT\n",
                user="-A ufw-user-input -p tcp -m tcp --dport 32768:65535 -j ACCEPT\n",
            ),
            _ipt_opened(
                f"{_VIA}-A ufw-user-input -p tcp -m tcp --dport 32768:65535 -j ACCEPT", TCP_PORTS
            ),
        ),
        (
            UFW.format(
                before="-A ufw-before-input -s 0.0.0.0/1 -j ACCEPT\n",
                user="-A ufw-user-input -s 128.0.0.0/2 -j ACCEPT\n",
            ),
            _ipt_opened(
                f"{_VIA}-A ufw-user-input -s 128.0.0.0/2 -j ACCEPT",
                "sources that together cover more than half of the IPv4 addresses",
            ),
        ),
        (
            UFW.format(
                before="-A ufw-before-input -s 0.0.0.0/1 -p tcp -j ACCEPT\n",
                user="-A ufw-user-input -s 128.0.0.0/2 -p tcp -j ACCEPT\n",
            ),
            _ipt_opened(
                f"{_VIA}-A ufw-user-input -s 128.0.0.0/2 -p tcp -j ACCEPT",
                "sources that together cover more than half of the IPv4 addresses, each to "
                "every port of a protocol or more",
            ),
        ),
        (
            "-N more\n-A INPUT -p tcp -m tcp --dport 1:32767 -j ACCEPT\n-A INPUT -p tcp -g more\n"
            "-A more -p tcp -m tcp --dport 32768:65535 -j ACCEPT\n",
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -p tcp -g more (matches every "
                "port of a protocol or every source but some) -> -A more -p tcp -m tcp --dport "
                "32768:65535 -j ACCEPT (with the rules before it, accepts ports that together "
                "cover more than half of every port of tcp, with the accepts read before this "
                "chain))",
            ),
        ),
        (
            "-N more\n-A INPUT -p tcp -m tcp --dport 1:32767 -j ACCEPT\n-A INPUT -p udp -j more\n"
            "-A more -p tcp -m tcp --dport 32768:65535 -j ACCEPT\n",
            IPT_PASS,
        ),
        (
            UFW.format(before="", user="-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT\n"),
            IPT_PASS,
        ),
    ],
    ids=[
        "ufw-ports-across-chains",
        "ufw-sources-across-chains",
        "ufw-sources-to-tcp-across-chains",
        "goto-under-tcp",
        "held-jump-of-udp-only",
        "held-ufw-ssh",
    ],
)
def test_iptables_pooling_follows_jumps(
    host_scan: Any, rules: str, expected: tuple[str, str]
) -> None:
    """R30F-1 on the iptables path: ufw builds INPUT as jumps to ufw-before-input, which jumps
    to ufw-user-input (`ufw allow` writes there); a before.rules accept of ports 1:32767 with
    `ufw allow 32768:65535/tcp`, or the senders so split, open most of the host, as in one
    chain (R29F-2, R29F-3); hvaudit passed. Right: fail. A jump UDP alone takes cannot pool
    TCP ports, and ufw's `allow 22/tcp` keeps the pass."""
    assert _verdict(host_scan(_iptables(rules))) == expected


# --- R30F-2 HVA-210: a socket systemd holds on AF_VSOCK ---------------------------------------

VSOCK_VM = "VM vs1 (<vsock model='virtio'>)"


def _vsock_held(port: int) -> tuple[str, int]:
    """`ss -H --vsock -l -n -p` with systemd (pid 1) alone holding *:PORT (socket activation;
    VMADDR_CID_ANY)."""
    return (
        f"v_str LISTEN 0      5                *:{port}              *:*     "
        'users:(("systemd",pid=1,fd=50))\n',
        0,
    )


@pytest.mark.parametrize(
    ("port", "listing", "expected"),
    [
        (
            2222,
            "vsock::2222   sshd-vsock.socket   sshd-vsock@.service",
            (
                "fail",
                f"listening on AF_VSOCK, which the vsock device of {VSOCK_VM} connects its "
                "guest to (the host is CID 2 to it, on any port): sshd socket held by systemd "
                "(sshd-vsock.socket, vsock/2222)",
            ),
        ),
        (
            2222,
            None,
            (
                "manual",
                f"socket(s) systemd holds on AF_VSOCK, which the vsock device of {VSOCK_VM} "
                "reaches, for a service the evidence does not name: vsock/2222 (`systemctl "
                "list-sockets` not read)",
            ),
        ),
        (
            2222,
            "vsock::2222   foo.socket   foo.service",
            ("pass", "1 management listener(s), none on a wildcard address"),
        ),
        (
            2222,
            "0.0.0.0:2222   ssh.socket   ssh.service",
            ("pass", "1 management listener(s), none on a wildcard address"),
        ),
    ],
    ids=["sshd-vsock-on-2222", "unlisted-vsock-2222", "held-other-service", "held-tcp-row-only"],
)
def test_socket_systemd_holds_on_vsock(
    tmp_path: Any, port: int, listing: str | None, expected: tuple[str, str]
) -> None:
    """R30F-2. systemd-ssh-generator writes sshd-vsock.socket on `vsock::22` activating
    sshd-vsock@.service (systemd src/ssh-generator/ssh-generator.c add_vsock_socket); a drop-in
    moves it to 2222 as ssh.socket's does (R29F-4). `systemctl list-sockets` lists it as
    `vsock::2222` (systemd socket-util.c sockaddr_pretty), but hvaudit gave units to the TCP
    and UDP listeners only: beside VM vs1 with a <vsock> (its guest reaches CID 2 on any port,
    vsock(7)) HVA-210 passed, with the listing and without it. Right: fail naming the unit,
    and a question where the listing was not read (was a pass). Another service's socket, or
    an ssh.socket row of an IP address on that port, keep the pass."""
    overrides: dict[str, Any] = {"vsock-listeners": _vsock_held(port)}
    if listing is not None:
        overrides["socket-activations"] = (f"{listing}\n", 0)
    a = _scan(tmp_path, overrides)
    assert verdict(a, "HVA-210", "hv1") == expected


# --- R30F-3 HVA-190: a match under a binary operation nft can list ----------------------------


def _unread(what: str) -> tuple[str, str]:
    return (
        "manual",
        "evidence unavailable: IPv4: inet filter input: inet filter input rule handle 10 "
        f"(accept under {what}, a match whose share hvaudit cannot read)",
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ([_m({"|": [DPORT, 65535]}, 65535), ACCEPT], _unread("tcp dport | 65535 65535")),
        ([_m({">>": [DPORT, 1]}, 0, ">="), ACCEPT], _unread("tcp dport >> 1 >= 0")),
        ([_m({"^": [DPORT, 22]}, 0, "!="), ACCEPT], _unread("tcp dport ^ 22 != 0")),
        (
            [
                _m(
                    {"map": {"key": SADDR, "data": {"set": [[_prefix("0.0.0.0", 0), 1]]}}},
                    1,
                ),
                ACCEPT,
            ],
            _unread("map 1"),
        ),
        ([_m({">>": [DPORT, 1]}, 0, ">="), _m(SADDR, "10.0.0.1"), ACCEPT], PASS),
        ([_m({">>": [DPORT, 1]}, 0, ">="), {"drop": None}], PASS),
    ],
    ids=[
        "or-every-port",
        "shift",
        "xor-every-port-but-22",
        "map-lookup",
        "held-one-sender",
        "held-drop",
    ],
)
def test_nft_binary_operations_are_not_narrow(
    host_scan: Any, rule: list[Any], expected: tuple[str, str]
) -> None:
    """R30F-3. libnftables-json(5) BINARY OPERATION: a match's left side may be `|`, `^`, `<<`
    or `>>` of a field (nft(8) lists a kernel bitwise that is no plain mask so), and MAP a
    lookup. hvaudit read `&` only (as a prefix or TCP flags, else a question, R23N-2) and
    took any other left side as narrow: `tcp dport | 0xffff == 0xffff accept` (every TCP
    packet), `tcp dport >> 1 >= 0 accept` and `tcp dport ^ 22 != 0 accept` (every port but
    22) passed "policy drop". Right: a question, as other matches whose share hvaudit cannot
    read; one beside a single sender, or under a drop, keeps the pass."""
    assert _verdict(host_scan({"nft-ruleset": _ruleset(rule)})) == expected


# --- R30F-4 HVA-190: notrack in a chain no inbound packet reaches -----------------------------

UNTRACKED_ACCEPTED = [
    _m({"ct": {"key": "state"}}, {"set": ["established", "related", "untracked"]}),
    ACCEPT,
]


def _notrack_in(chain: str, **hooks: str) -> tuple[str, int]:
    """`inet filter` with input (policy drop) accepting `ct state { established, related,
    untracked }`, base chains of the hooks given (name=hook, priority -300, each jumping to
    `chain` unless it is `chain`), and `chain` whose one rule is `notrack`."""
    items: list[Any] = json.loads(_ruleset(UNTRACKED_ACCEPTED)[0])["nftables"]
    for n, (name, hook) in enumerate(hooks.items()):
        items.append(
            {
                "chain": {
                    "family": "inet",
                    "table": "filter",
                    "name": name,
                    "handle": 50 + n,
                    "type": "filter",
                    "hook": hook,
                    "prio": -300,
                    "policy": "accept",
                }
            }
        )
        if name != chain:
            items.append(
                {
                    "rule": {
                        "family": "inet",
                        "table": "filter",
                        "chain": name,
                        "handle": 70 + n,
                        "expr": [_jump(chain)],
                    }
                }
            )
    if chain not in hooks:
        items.append({"chain": {"family": "inet", "table": "filter", "name": chain, "handle": 60}})
    items.append(
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": chain,
                "handle": 80,
                "expr": [{"notrack": None}],
            }
        }
    )
    return json.dumps({"nftables": items}), 0


UNTRACKED_OPEN = (
    "fail",
    "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter "
    "input rule handle 10 (matches every IPv4 packet) accepts all traffic)",
)


@pytest.mark.parametrize(
    ("ruleset", "expected"),
    [
        (_notrack_in("untrack", rawout="output"), PASS),
        (_notrack_in("untrack", rawpost="postrouting"), PASS),
        (_notrack_in("untrack"), PASS),
        (_notrack_in("untrack", rawpre="prerouting"), UNTRACKED_OPEN),
        (_notrack_in("untrack", rawout="output", rawpre="prerouting"), UNTRACKED_OPEN),
        (_notrack_in("rawpre", rawpre="prerouting"), UNTRACKED_OPEN),
    ],
    ids=[
        "jumped-from-output",
        "jumped-from-postrouting",
        "jumped-from-nowhere",
        "held-jumped-from-prerouting",
        "held-jumped-from-output-and-prerouting",
        "held-prerouting-base",
    ],
)
def test_notrack_in_a_chain_no_inbound_packet_reaches(
    host_scan: Any, ruleset: tuple[str, int], expected: tuple[str, str]
) -> None:
    """R30F-4 (wrong fail), R29F-6's lead. A regular chain sees only the packets a jump or goto
    hands it (nft(8) CHAINS), and output and postrouting chains only what the host sends or
    forwards (nftables wiki "Netfilter hooks"): a `notrack` in a chain only they jump to, or
    none does, leaves every inbound packet tracked, so `ct state { established, related,
    untracked } accept` in input admits no new connection. hvaudit counted it and failed.
    Right: pass. Jumped to from prerouting (alone or as well), or a prerouting base chain of
    its own, it still fails (R24N-5)."""
    assert _verdict(host_scan({"nft-ruleset": ruleset})) == expected


# --- R30F-5 HVA-190: a drop policy in a prerouting filter chain -------------------------------


def _prerouting(
    rules: list[list[Any]],
    policy: str = "drop",
    kind: str = "filter",
    flags: list[str] | None = None,
) -> tuple[str, int]:
    """`_ruleset`'s input chain with policy accept and no rule, and a `pre` base chain of the
    prerouting hook (type `kind`, priority -150, the policy given) with the rules given."""
    items: list[Any] = json.loads(_ruleset(policy="accept")[0])["nftables"]
    if flags:
        items[1]["table"]["flags"] = flags
    items.append(
        {
            "chain": {
                "family": "inet",
                "table": "filter",
                "name": "pre",
                "handle": 50,
                "type": kind,
                "hook": "prerouting",
                "prio": -150,
                "policy": policy,
            }
        }
    )
    items += [
        {"rule": {"family": "inet", "table": "filter", "chain": "pre", "handle": 60 + k, "expr": e}}
        for k, e in enumerate(rules)
    ]
    return json.dumps({"nftables": items}), 0


INPUT_ACCEPTS = (
    "fail",
    "inbound traffic is accepted by default (inet filter input: policy accept)",
)


@pytest.mark.parametrize(
    ("ruleset", "expected"),
    [
        (
            _prerouting([[_m(DPORT, 22), ACCEPT]]),
            (
                "pass",
                "inbound default policy drops (inet filter input: policy accept; inet filter pre "
                "(prerouting, before input): policy drop)",
            ),
        ),
        (
            _prerouting([[_m(DPORT, 22), ACCEPT], [{"drop": None}]], policy="accept"),
            (
                "pass",
                "inbound default policy drops (inet filter input: policy accept; inet filter pre "
                "(prerouting, before input): inet filter pre rule handle 61 drops the rest)",
            ),
        ),
        (_prerouting([[_m(L4, "tcp"), ACCEPT]]), INPUT_ACCEPTS),
        (_prerouting([[_m(DPORT, 22), ACCEPT]], policy="accept"), INPUT_ACCEPTS),
        (
            _prerouting([[_m(DPORT, 22), ACCEPT]], flags=["dormant"]),
            (
                "fail",
                "inbound traffic is accepted by default (inet filter input: table inet filter is "
                "dormant, filters nothing)",
            ),
        ),
    ],
    ids=[
        "policy-drop",
        "drop-rule",
        "held-every-tcp-port-accepted",
        "held-policy-accept",
        "held-dormant-table",
    ],
)
def test_prerouting_drop_is_a_default_deny(
    host_scan: Any, ruleset: tuple[str, int], expected: tuple[str, str]
) -> None:
    """R30F-5 (wrong fail), a lead since round 26. nftables wiki "Netfilter hooks": traffic to
    the host sees the prerouting hook, then input; a filter chain there whose policy (or last
    rule) drops what its narrow accepts leave drops it before input, so an input chain of
    policy accept behind it opens nothing. hvaudit read the input chains only and failed
    "policy accept". Right: pass. A prerouting chain accepting every TCP port, one of policy
    accept, or one in a dormant table keep the fail."""
    assert _verdict(host_scan({"nft-ruleset": ruleset})) == expected


# --- R30F-6 HVA-190: ip6tables `--src-type LOCAL,UNICAST` -------------------------------------

V6_PASS = ("pass", "inbound default policy drops (policy DROP; ip6tables policy DROP)")


def _v6_open(rule: str) -> tuple[str, str]:
    return (
        "fail",
        "inbound traffic is accepted by default (policy DROP; but IPv6 (ip6tables "
        f"{rule.strip()} (matches every port of a protocol or every source but some)) is "
        "accepted on 2001:db8::10)",
    )


@pytest.mark.parametrize(
    ("v4", "v6", "expected"),
    [
        ("", "-A INPUT -m addrtype --src-type LOCAL,UNICAST -j ACCEPT\n", V6_PASS),
        ("", "-A INPUT -m addrtype --src-type ANYCAST,UNICAST -j ACCEPT\n", V6_PASS),
        (
            "",
            (r := "-A INPUT -m addrtype --src-type UNICAST -j ACCEPT\n"),
            _v6_open(r),
        ),
        (
            "",
            (r := "-A INPUT -m addrtype --src-type UNREACHABLE,UNICAST -j ACCEPT\n"),
            _v6_open(r),
        ),
        ("", (r := "-A INPUT -m addrtype ! --src-type LOCAL -j ACCEPT\n"), _v6_open(r)),
        (
            "-A INPUT -m addrtype --src-type LOCAL,UNICAST -j ACCEPT\n",
            "",
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -m addrtype --src-type "
                "LOCAL,UNICAST -j ACCEPT (matches every port of a protocol or every source but "
                "some))",
            ),
        ),
    ],
    ids=[
        "v6-local-and-unicast",
        "v6-anycast-and-unicast",
        "held-v6-unicast",
        "held-v6-unreachable",
        "held-v6-not-local",
        "held-v4-local-or-unicast",
    ],
)
def test_ip6tables_src_type_classes_and_lookup_both_hold(
    host_scan: Any, v4: str, v6: str, expected: tuple[str, str]
) -> None:
    """R30F-6 (wrong fail), a lead since round 26. xt_addrtype.c match_type6: UNICAST tests the
    sender's class, then `mask & match_lookup_rt6(...)`, which answers only UNREACHABLE, LOCAL
    and ANYCAST: ip6tables `--src-type LOCAL,UNICAST` admits a unicast sender that is one of
    the host's own addresses, no peer. hvaudit read any UNICAST as every sender and failed.
    Right: pass. UNICAST alone, UNREACHABLE (which the routes decide), a negated LOCAL, and
    IPv4's LOCAL,UNICAST (match_type OR-s the types) keep the fail."""
    probes = {
        "nft-ruleset": None,
        "iptables-input": (f"-P INPUT DROP\n{v4}", 0),
        "ip6tables-input": (f"-P INPUT DROP\n{v6}", 0),
        "ip-addr": (IP_ADDR6, 0),
    }
    assert _verdict(host_scan(probes)) == expected


# --- R30F-7 HVA-190: senders split across narrow jumps ----------------------------------------

HALF_JUMP = [_m(SADDR, _prefix("0.0.0.0", 1)), _jump("x")]
QUARTER_JUMP = [_m(SADDR, _prefix("128.0.0.0", 2)), _jump("x")]


@pytest.mark.parametrize(
    ("chains", "expected"),
    [
        (
            {"input": [HALF_JUMP, QUARTER_JUMP], "x": [[ACCEPT]]},
            _opened(
                "inet filter input rule handle 11 -> inet filter x rules up to handle 20",
                SENDERS,
            ),
        ),
        (
            {"input": [HALF_JUMP, QUARTER_JUMP], "x": [[_jump("y")]], "y": [[ACCEPT]]},
            _opened(
                "inet filter input rule handle 11 -> inet filter x rule handle 20 -> inet "
                "filter y rules up to handle 30",
                SENDERS,
            ),
        ),
        ({"input": [HALF_JUMP, QUARTER_JUMP], "x": [[_m(DPORT, 22), ACCEPT]]}, PASS),
        ({"input": [HALF_JUMP], "x": [[ACCEPT]]}, PASS),
    ],
    ids=["two-narrow-jumps", "narrow-jumps-through-a-chain", "held-to-ssh", "held-half"],
)
def test_nft_narrow_jumps_pool_their_senders(
    host_scan: Any, chains: dict[str, list[list[Any]]], expected: tuple[str, str]
) -> None:
    """R30F-7. `ip saddr 0.0.0.0/1 jump x` and `ip saddr 128.0.0.0/2 jump x` to a chain that
    accepts admit three quarters of the senders to every port, as the two accepts in one chain
    do (R28G-1's fail); each jump alone is narrow, and hvaudit skipped narrow jumps and passed.
    Right: fail. The same to port 22 only, or half of the senders, keep the pass."""
    assert _verdict(host_scan({"nft-ruleset": _chains(**chains)})) == expected


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            "-N x\n-A INPUT -s 0.0.0.0/1 -j x\n-A INPUT -s 128.0.0.0/2 -j x\n-A x -j ACCEPT\n",
            (
                "fail",
                "inbound traffic is accepted by default (-A INPUT -s 128.0.0.0/2 -j x -> -A x -j "
                "ACCEPT (with the rules before it, accepts sources that together cover more "
                "than half of the IPv4 addresses, each to every port of a protocol or more, "
                "with the accepts read before this chain))",
            ),
        ),
        (
            "-N x\n-A INPUT -s 0.0.0.0/1 -j x\n-A INPUT -s 128.0.0.0/2 -j x\n"
            "-A x -p tcp -m tcp --dport 22 -j ACCEPT\n",
            IPT_PASS,
        ),
    ],
    ids=["two-narrow-jumps", "held-to-ssh"],
)
def test_iptables_narrow_jumps_pool_their_senders(
    host_scan: Any, rules: str, expected: tuple[str, str]
) -> None:
    """R30F-7 on the iptables path: `-s 0.0.0.0/1 -j x` and `-s 128.0.0.0/2 -j x` to a chain
    whose rule is `-j ACCEPT` passed; right: fail. To port 22 only keeps the pass."""
    assert _verdict(host_scan(_iptables(rules))) == expected
