"""HVA-190 beside the fourth-session fixes of H4, H47, H48 and H49: port matches by how many ports
they admit, accepts to the host's own addresses, and iptables user chains followed the way
iptables walks them (jump, goto, RETURN), with the hardened twins that must keep passing.

Sources (read with `search`): nft(8) PAYLOAD/RELATIONAL/FIB expressions and the nftables wiki
"Jumping to chain"; iptables(8) TARGETS (RETURN resumes the calling chain; a user chain's ACCEPT
accepts the packet) and iptables-extensions(8) tcp `[!] --dport port[:port]`, multiport.
The ufw layout below is real `iptables -S` output, printed by iptables 1.8.9 in a network
namespace from the commands of `_UFW_COMMANDS` (and rebuilt live by the test that needs
iptables).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import COMMANDS

NFT_DROP = HARDENED_HOST["nft-ruleset"][0]


def _verdict(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


def _nft(*rules: list[dict[str, Any]], sets: tuple[dict[str, Any], ...] = ()) -> str:
    ruleset = json.loads(NFT_DROP)
    for s in sets:
        ruleset["nftables"].insert(2, {"set": s})
    for n, exprs in enumerate(rules):
        ruleset["nftables"].append(
            {
                "rule": {
                    "family": "inet",
                    "table": "filter",
                    "chain": "input",
                    "handle": 20 + n,
                    "expr": exprs,
                }
            }
        )
    return json.dumps(ruleset)


def _port(op: str, right: Any, proto: str = "tcp") -> dict[str, Any]:
    return {
        "match": {
            "op": op,
            "left": {"payload": {"protocol": proto, "field": "dport"}},
            "right": right,
        }
    }


ACCEPT = {"accept": None}


@pytest.mark.parametrize(
    ("match", "status"),
    [
        (_port("==", {"set": [22, 16514]}), "pass"),
        (_port("==", {"range": [49152, 49215]}), "pass"),
        (_port("==", {"range": [5900, 5999]}), "pass"),
        (_port("==", "ssh"), "pass"),
        (_port(">=", 1024), "fail"),
        (_port("<", 1024), "pass"),
        (_port("!=", {"set": [22, 80]}, proto="th"), "fail"),
        (_port("==", {"range": [1024, 65535]}, proto="udp"), "fail"),
        (_port("==", "@high"), "fail"),
    ],
    ids=[
        "ssh-and-libvirt-tls",
        "migration-range",
        "vnc-range",
        "service-name",
        "every-port-from-1024",
        "privileged-ports",
        "any-transport-but-two",
        "udp-high-ports",
        "named-set-of-high-ports",
    ],
)
def test_nft_port_matches_by_what_they_admit(host_scan, match, status: str) -> None:
    """A port match is a service match while it admits at most half of the port numbers; more
    (every port but some, every port from 1024) opens whatever listens there."""
    high = {
        "family": "inet",
        "table": "filter",
        "name": "high",
        "type": "inet_service",
        "flags": ["interval"],
        "elem": [{"range": [1024, 65535]}],
    }
    a = host_scan({"nft-ruleset": (_nft([match, ACCEPT], sets=(high,)), 0)})
    got, msg = _verdict(a)
    assert got == status, msg
    if status == "fail":
        assert msg == (
            "inbound traffic is accepted by default (inet filter input: policy drop, but inet "
            "filter input rule handle 20 (matches every port of a protocol or every source but "
            "some) accepts that traffic)"
        )


def test_nft_every_port_but_ssh_names_the_rule(host_scan) -> None:
    """H47's nft spelling, with the exact message."""
    a = host_scan({"nft-ruleset": (_nft([_port("!=", 22), {"counter": None}, ACCEPT]), 0)})
    assert _verdict(a) == (
        "fail",
        "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter "
        "input rule handle 20 (matches every port of a protocol or every source but some) "
        "accepts that traffic)",
    )


def _daddr(addr: str, proto: str = "ip") -> dict[str, Any]:
    return {
        "match": {
            "op": "==",
            "left": {"payload": {"protocol": proto, "field": "daddr"}},
            "right": addr,
        }
    }


TWO_ADDRESSES = json.dumps(
    [
        {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}]},
        {
            "ifname": "eno3",
            "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
        },
        {
            "ifname": "eno4",
            "addr_info": [{"family": "inet", "local": "192.168.50.10", "scope": "global"}],
        },
    ]
)


@pytest.mark.parametrize(
    ("exprs", "addrs", "status", "part"),
    [
        ([_daddr("10.0.0.10"), ACCEPT], None, "fail", "(matches every IPv4 packet) accepts all"),
        ([_daddr("10.0.0.10"), ACCEPT], TWO_ADDRESSES, "fail", "every source but some"),
        ([_daddr("10.0.0.10"), _port("==", 22), ACCEPT], None, "pass", "policy drop"),
        ([_daddr("224.0.0.251"), ACCEPT], None, "pass", "policy drop"),
        (
            [
                {
                    "match": {
                        "op": "==",
                        "left": {"fib": {"result": "type", "flags": ["daddr"]}},
                        "right": "local",
                    }
                },
                ACCEPT,
            ],
            None,
            "fail",
            "(matches every IPv4 packet) accepts all",
        ),
    ],
    ids=["only-address", "one-of-two", "with-a-port", "multicast", "fib-local"],
)
def test_nft_accepts_to_the_hosts_own_addresses(
    host_scan, exprs, addrs: str | None, status: str, part: str
) -> None:
    """H48 beside its twins: every packet to the host's only address (or `fib daddr type
    local`, nft(8) FIB EXPRESSIONS) is every packet; to one of two addresses it is every port on
    that address (broad); with a port, or to a multicast group, it is a service match."""
    over: dict[str, Any] = {"nft-ruleset": (_nft(exprs), 0)}
    if addrs is not None:
        over["ip-addr"] = (addrs, 0)
    got, msg = _verdict(a := host_scan(over))
    assert got == status, msg
    assert part in messages(a, "HVA-190")["hv1"], msg


def test_nft_return_of_every_packet_ends_the_chain(host_scan) -> None:
    """nftables wiki "Jumping to chain": a return leaves the chain; a return of every packet
    leaves nothing for the rules below it, so the accept after it opens nothing."""
    rules = json.loads(NFT_DROP)
    rules["nftables"] += [
        {"chain": {"family": "inet", "table": "filter", "name": "extra", "handle": 3}},
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": "input",
                "handle": 20,
                "expr": [{"jump": {"target": "extra"}}],
            }
        },
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": "extra",
                "handle": 21,
                "expr": [{"return": None}],
            }
        },
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": "extra",
                "handle": 22,
                "expr": [ACCEPT],
            }
        },
    ]
    a = host_scan({"nft-ruleset": (json.dumps(rules), 0)})
    assert _verdict(a) == ("pass", "inbound default policy drops (inet filter input: policy drop)")


# --- iptables: every chain of the filter table --------------------------------------------------

IPT_HOST = {"nft-ruleset": None, "ip6tables-input": ("-P INPUT DROP\n", 0)}

#: ufw's layout in miniature (ufw's before.rules/user.rules chains), as iptables prints it.
UFW = """\
-P INPUT DROP
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N ufw-before-input
-N ufw-not-local
-N ufw-reject-input
-N ufw-user-input
-A INPUT -j ufw-before-input
-A INPUT -j ufw-reject-input
-A ufw-before-input -i lo -j ACCEPT
-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-input -m conntrack --ctstate INVALID -j DROP
-A ufw-before-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT
-A ufw-before-input -j ufw-not-local
-A ufw-before-input -d 224.0.0.251/32 -p udp -m udp --dport 5353 -j ACCEPT
-A ufw-before-input -j ufw-user-input
-A ufw-not-local -m addrtype --dst-type LOCAL -j RETURN
-A ufw-not-local -m addrtype --dst-type MULTICAST -j RETURN
-A ufw-not-local -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW BLOCK] "
-A ufw-not-local -j DROP
-A ufw-reject-input -j REJECT --reject-with icmp-port-unreachable
-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT
"""

_UFW_COMMANDS = [
    line.replace("-P ", "iptables -P ", 1)
    .replace("-N ", "iptables -N ", 1)
    .replace("-A ", "iptables -A ", 1)
    for line in UFW.splitlines()
]

UFW_DROPS = (
    "inbound default policy drops (-A INPUT -j ufw-reject-input -> -A ufw-reject-input -j REJECT "
    "--reject-with icmp-port-unreachable (first unconditional rule); ip6tables policy DROP)"
)


def test_ufw_layout_passes(host_scan) -> None:
    """ufw's stock chains: ufw-not-local returns the host's own traffic before its DROP (a
    RETURN hvaudit cannot judge leaves that DROP deciding nothing), ufw-user-input admits ssh,
    ufw-reject-input rejects the rest."""
    a = host_scan(dict(IPT_HOST, **{"iptables-input": (UFW, 0)}))
    assert _verdict(a) == ("pass", UFW_DROPS)


def test_ufw_allow_every_tcp_port_fails(host_scan) -> None:
    """`ufw allow proto tcp from any` in ufw-user-input (H49) opens every TCP port."""
    text = UFW + "-A ufw-user-input -p tcp -j ACCEPT\n"
    a = host_scan(dict(IPT_HOST, **{"iptables-input": (text, 0)}))
    assert _verdict(a) == (
        "fail",
        "inbound traffic is accepted by default (-A INPUT -j ufw-before-input -> -A "
        "ufw-before-input -j ufw-user-input -> -A ufw-user-input -p tcp -j ACCEPT (matches every "
        "port of a protocol or every source but some))",
    )


def test_input_chain_alone_is_a_question(host_scan) -> None:
    """A bundle of an older hvaudit holds `iptables -S INPUT` only: the jumps show, the chains
    do not. What they do is open: manual naming them, never the policy's pass."""
    text = "".join(
        line + "\n"
        for line in UFW.splitlines()
        if line.split()[:2] in (["-P", "INPUT"], ["-A", "INPUT"])
    )
    a = host_scan(dict(IPT_HOST, **{"iptables-input": (text, 0)}))
    got, msg = _verdict(a)
    assert got == "manual", msg
    assert msg == (
        "evidence unavailable: IPv4: INPUT (policy DROP) hands traffic to what the rules read do "
        "not show: -A INPUT -j ufw-before-input (chain ufw-before-input, whose rules the output "
        "does not show); -A INPUT -j ufw-reject-input (chain ufw-reject-input, whose rules the "
        "output does not show)"
    )


#: firewalld's iptables back end (FirewallBackend=iptables), public zone with ssh: INPUT's
#: policy stays ACCEPT and its last rule rejects; the zone chain is reached by a goto.
FIREWALLD = """\
-P INPUT ACCEPT
-N INPUT_ZONES
-N IN_public
-N IN_public_allow
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -j INPUT_ZONES
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -j REJECT --reject-with icmp-host-prohibited
-A INPUT_ZONES -i eno3 -g IN_public
-A INPUT_ZONES -g IN_public
-A IN_public -j IN_public_allow
-A IN_public -p icmp -j ACCEPT
-A IN_public_allow -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW,UNTRACKED -j ACCEPT
"""


def test_firewalld_iptables_backend_passes(host_scan) -> None:
    """The final REJECT carries its options after the target (`--reject-with`); a goto returns
    to INPUT after the zone chain. A hardened firewalld host drops the rest: pass (the old
    reader skipped a target with options and failed it on `policy ACCEPT`)."""
    a = host_scan(dict(IPT_HOST, **{"iptables-input": (FIREWALLD, 0)}))
    assert _verdict(a) == (
        "pass",
        "inbound default policy drops (-A INPUT -j REJECT --reject-with icmp-host-prohibited "
        "(first unconditional rule); ip6tables policy DROP)",
    )


def test_firewalld_zone_opening_every_port_fails(host_scan) -> None:
    text = FIREWALLD + "-A IN_public_allow -p udp -m udp --dport 1024:65535 -j ACCEPT\n"
    got, msg = _verdict(host_scan(dict(IPT_HOST, **{"iptables-input": (text, 0)})))
    assert got == "fail", msg
    assert "-A IN_public_allow -p udp -m udp --dport 1024:65535 -j ACCEPT" in msg, msg


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        ("-A INPUT -d 10.0.0.10/32 -p tcp -m tcp --dport 22 -j ACCEPT\n", "pass"),
        ("-A INPUT -p tcp -m multiport --dports 22,16514,49152:49215 -j ACCEPT\n", "pass"),
        ("-A INPUT -p tcp -m multiport ! --dports 22,80 -j ACCEPT\n", "fail"),
        ("-A INPUT -p udp -m udp --dport 1024: -j ACCEPT\n", "fail"),
        ("-A INPUT -p tcp -m tcp --dport :1023 -j ACCEPT\n", "pass"),
        ("-N x\n-A INPUT -j x\n-A x -j RETURN\n-A x -j ACCEPT\n", "pass"),
        ("-N x\n-A INPUT -p tcp -j x\n-A x -j ACCEPT\n", "fail"),
        ("-N x\n-A INPUT -p tcp --dport 22 -j x\n-A x -j ACCEPT\n", "pass"),
        ("-A INPUT -j NFQUEUE --queue-num 0\n", "manual"),
    ],
    ids=[
        "ssh-to-own-address",
        "service-list",
        "every-port-but-two",
        "open-ended-range",
        "privileged-range",
        "return-before-accept",
        "chain-reached-by-every-tcp-port",
        "chain-reached-by-ssh-only",
        "user-space-queue",
    ],
)
def test_iptables_chains_and_ports(host_scan, rules: str, status: str) -> None:
    a = host_scan(dict(IPT_HOST, **{"iptables-input": ("-P INPUT DROP\n" + rules, 0)}))
    got, msg = _verdict(a)
    assert got == status, msg


def test_live_ufw_layout_through_the_collectors_argv(host_scan) -> None:
    """The ufw layout built with the real iptables in a network namespace of this test's own,
    read with the collector's own argv: the parser reads what iptables prints."""
    if shutil.which("iptables") is None or shutil.which("unshare") is None:
        pytest.skip("iptables or unshare is not installed")
    argv = next(c.argv for c in COMMANDS if c.name == "iptables-input")
    script = "set -e\n" + "\n".join(_UFW_COMMANDS) + '\nexec "$@"\n'
    run = subprocess.run(
        ["unshare", "-n", "sh", "-c", script, "sh", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if run.returncode != 0 and "Operation not permitted" in run.stderr:
        pytest.skip(f"no network namespace here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    assert run.stdout == UFW
    a = host_scan(dict(IPT_HOST, **{"iptables-input": (run.stdout, 0)}))
    assert _verdict(a) == ("pass", UFW_DROPS)


# --- iptables-nft: nft shows extension matches by name only ------------------------------------

#: iptables-nft's `ip filter` table as `nft -j` lists it (nftables 1.0.6, iptables 1.8.9): INPUT
#: policy drop, loopback accepted, and `-m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT`
#: kept as an opaque xt match.
XT_RULESET = json.dumps(
    {
        "nftables": [
            {"table": {"family": "ip", "name": "filter", "handle": 1}},
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
                    "handle": 3,
                    "expr": [
                        {"xt": {"type": "match", "name": "conntrack"}},
                        {"counter": {"packets": 0, "bytes": 0}},
                        {"accept": None},
                    ],
                }
            },
        ]
    }
)
NO_V6 = json.dumps(
    [
        {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}]},
        {
            "ifname": "eno3",
            "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
        },
    ]
)


@pytest.mark.parametrize(
    ("iptables", "status", "message"),
    [
        (
            "-P INPUT DROP\n-A INPUT -m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT\n",
            "fail",
            "inbound traffic is accepted by default (ip filter INPUT: policy drop, but "
            "(iptables-nft, read from `iptables -S`) -A INPUT -m conntrack --ctstate "
            "NEW,RELATED,ESTABLISHED -j ACCEPT (matches every packet or every new connection) "
            "accepts all traffic)",
        ),
        (
            "-P INPUT DROP\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n",
            "pass",
            "inbound default policy drops (ip filter INPUT (iptables-nft, read from `iptables "
            "-S`) policy DROP; no IPv6 address on the host)",
        ),
        (
            None,
            "manual",
            "evidence unavailable: IPv4: ip filter INPUT: ip filter INPUT rule handle 3 (accept "
            "under an iptables-nft match nft does not show)",
        ),
    ],
    ids=["ctstate-new", "established-only", "iptables-not-read"],
)
def test_iptables_nft_tables_are_read_from_iptables(
    host_scan, iptables: str | None, status: str, message: str
) -> None:
    over: dict[str, Any] = {
        "nft-ruleset": (XT_RULESET, 0),
        "ip-addr": (NO_V6, 0),
        "iptables-input": (iptables, 0) if iptables is not None else RuntimeError("timed out"),
    }
    assert _verdict(host_scan(over)) == (status, message)


@pytest.mark.parametrize(
    ("rule", "status"),
    [
        ("-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT\n", "fail"),
        ("-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT\n", "fail"),
        ("-A INPUT -m addrtype ! --dst-type LOCAL -j ACCEPT\n", "pass"),
        ("-A INPUT -m addrtype --dst-type MULTICAST -j ACCEPT\n", "pass"),
    ],
    ids=["local", "local-on-its-interface", "not-local", "multicast"],
)
def test_iptables_addrtype(host_scan, rule: str, status: str) -> None:
    """H98: iptables-extensions(8) addrtype `--dst-type LOCAL`: every packet addressed to the
    host, the iptables spelling of nft `fib daddr type local`."""
    text = "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n" + rule
    got, msg = _verdict(host_scan(dict(IPT_HOST, **{"iptables-input": (text, 0)})))
    assert got == status, msg


_SET_ASK = (
    "evidence unavailable: IPv4: INPUT (policy DROP) hands traffic to what the rules read do not "
    "show: "
)


@pytest.mark.parametrize(
    ("rules", "status", "message"),
    [
        (
            "-A INPUT -m set --match-set admins src -j ACCEPT\n",
            "manual",
            _SET_ASK + "-A INPUT -m set --match-set admins src -j ACCEPT (under ipset admins, "
            "whose members only `ipset list admins` shows)",
        ),
        (
            "-A INPUT -m set ! --match-set banned src -j ACCEPT\n",
            "manual",
            _SET_ASK + "-A INPUT -m set ! --match-set banned src -j ACCEPT (under ipset banned, "
            "whose members only `ipset list banned` shows)",
        ),
        (
            "-N mgmt\n-A INPUT -m set --match-set admins src --return-nomatch -j mgmt\n"
            "-A mgmt -j ACCEPT\n",
            "manual",
            _SET_ASK + "-A INPUT -m set --match-set admins src --return-nomatch -j mgmt (under "
            "ipset admins, whose members only `ipset list admins` shows) -> -A mgmt -j ACCEPT "
            "(first unconditional rule)",
        ),
        (
            "-A INPUT -p tcp -m set --match-set admins src -m tcp --dport 22 -j ACCEPT\n",
            "pass",
            "inbound default policy drops (policy DROP; ip6tables policy DROP)",
        ),
        (
            "-A INPUT -m set --match-set banned src -j DROP\n",
            "pass",
            "inbound default policy drops (policy DROP; ip6tables policy DROP)",
        ),
    ],
    ids=["accept-set", "accept-all-but-set", "jump-under-set", "ssh-from-set", "drop-set"],
)
def test_iptables_ipset_match(host_scan, rules: str, status: str, message: str) -> None:
    """R5-10: iptables-extensions(8) set (libxt_set.man, read with `search`): "[!] --match-set
    setname flag[,flag]... where flags are the comma separated list of src and/or dst
    specifications": the rule matches the addresses the ipset holds, which `iptables -S` does
    not show. An accept (or a jump to an accept) under it alone is a question, as an accept
    under an iptables-nft match nft does not show (H88/H89); narrowed by a port it is a service
    rule (pass), and a drop of some share decides nothing."""
    text = "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n" + rules
    got = _verdict(host_scan(dict(IPT_HOST, **{"iptables-input": (text, 0)})))
    assert got == (status, message)
