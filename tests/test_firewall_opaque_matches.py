"""HVA-190 over iptables/ip6tables rules whose match modules hvaudit does not read as narrowing.

`iptables -S` names every match module of a rule (`-m NAME` and its options). Some restrict who
may connect or to which port (addresses, interfaces, ports, ICMP types, conntrack states: read
as before). Some restrict only when or how often a rule matches (iptables-extensions(8), read
with `search`: limit "matches at a limited rate"; hashlimit "a rate limiting match (like the
limit match) for a group of connections", `--hashlimit-mode srcip` giving each source its own
bucket; time "matches if the packet arrival time/date is within a given range"; pkttype
"matches the link-layer packet type"): an accept under them alone opens the host (fail), their
drop decides nothing. The rest restrict in ways `iptables -S` cannot show (recent `--rcheck`
"Check if the source address of the packet is currently in the list", a list the kernel fills as
packets arrive; mark "matches the netfilter mark field", set by rules of other tables; u32,
bpf, string, geoip, policy ...): an accept under one of them with no narrowing match beside it
is a question naming the match (as R5-10's `-m set` and H88/H89's iptables-nft xt matches),
never skipped. Hardened rules keep passing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import IP_ADDR, messages, outcomes

DROP6 = ("-P INPUT DROP\n", 0)
PASS = ("pass", "inbound default policy drops (policy DROP; ip6tables policy DROP)")
ASK = "evidence unavailable: IPv4: INPUT (policy DROP) hands traffic to what the rules read do not show: "
OPEN = "inbound traffic is accepted by default ("
OPENS = "-A INPUT {} -j ACCEPT (matches every packet or every new connection; {} restricts neither source nor port)"


def _verdict(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


def _ipt(host_scan, rules: str, v6: tuple[str, int] = DROP6) -> tuple[str, str]:
    """The hardened host with no nft ruleset: iptables policy DROP, loopback accepted, then
    `rules`; ip6tables as given (policy DROP by default)."""
    text = "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n" + rules
    overrides = {"nft-ruleset": None, "iptables-input": (text, 0), "ip6tables-input": v6}
    return _verdict(host_scan(overrides))


def _fail(rule: str, paced: str) -> tuple[str, str]:
    return ("fail", f"{OPEN}{OPENS.format(rule, paced)})")


@pytest.mark.parametrize(
    ("matches", "paced"),
    [
        ("-m limit --limit 50/sec -m pkttype --pkt-type unicast", "-m limit, -m pkttype"),
        (
            "-m hashlimit --hashlimit-upto 50/sec --hashlimit-burst 5 --hashlimit-mode srcip "
            "--hashlimit-name flood",
            "-m hashlimit",
        ),
        ("-m time --timestart 08:00:00 --timestop 18:00:00 --kerneltz", "-m time"),
        ("-m pkttype --pkt-type unicast", "-m pkttype"),
        ("-m comment --comment mgmt -m limit --limit 5/min --limit-burst 10", "-m limit"),
    ],
    ids=["limit-unicast", "hashlimit-per-source", "time-window", "pkttype-unicast", "limit"],
)
def test_accept_under_a_pacing_match_alone_opens_the_host(
    host_scan, matches: str, paced: str
) -> None:
    """False passes on the code before this change for every case but the last: limit beside
    pkttype, hashlimit (even per source), time and pkttype were read as narrow and skipped
    (pass). Plain -m limit already failed, but as "every port of a protocol or every source but
    some", which it is not: it matches every packet, up to a rate."""
    rule = f"-A INPUT {matches} -j ACCEPT\n"
    assert _ipt(host_scan, rule) == _fail(matches, paced)


@pytest.mark.parametrize(
    ("rules", "under"),
    [
        (
            "-A INPUT -m recent --rcheck --seconds 60 --name knock --mask 255.255.255.255 "
            "--rsource -j ACCEPT\n",
            "-m recent --rcheck, whose sources only /proc/net/xt_recent/knock shows",
        ),
        (
            "-A INPUT -m recent ! --update --seconds 60 --name DEFAULT --rsource -j ACCEPT\n",
            "-m recent ! --update, whose sources only /proc/net/xt_recent/DEFAULT shows",
        ),
        (
            "-A INPUT -m limit --limit 5/sec -m recent --rcheck --name knock -j ACCEPT\n",
            "-m recent --rcheck, whose sources only /proc/net/xt_recent/knock shows",
        ),
        (
            '-A INPUT -m u32 --u32 "0x0>>0x16&0x3c@0xc>>0x1a&0x3f=0x10" -j ACCEPT\n',
            "-m u32 --u32 0x0>>0x16&0x3c@0xc>>0x1a&0x3f=0x10, a match whose share hvaudit "
            "cannot read",
        ),
        (
            '-A INPUT -m bpf --bytecode "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0" -j ACCEPT\n',
            "-m bpf --bytecode 4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0, a match whose share "
            "hvaudit cannot read",
        ),
        (
            "-A INPUT -m string --string knock --algo bm --to 65535 -j ACCEPT\n",
            "-m string --string knock --algo bm --to 65535, a match whose share hvaudit cannot "
            "read",
        ),
        (
            "-A INPUT -m geoip --src-cc DE,AT -j ACCEPT\n",
            "-m geoip --src-cc DE,AT, a match whose share hvaudit cannot read",
        ),
        (
            "-A INPUT -m mark --mark 0x1/0xff -j ACCEPT\n",
            "-m mark --mark 0x1/0xff, a match whose share hvaudit cannot read",
        ),
        (
            "-A INPUT -m connmark --mark 0x2 -j ACCEPT\n",
            "-m connmark --mark 0x2, a match whose share hvaudit cannot read",
        ),
        (
            "-A INPUT -m policy --dir in --pol ipsec -j ACCEPT\n",
            "-m policy --dir in --pol ipsec, a match whose share hvaudit cannot read",
        ),
        (
            "-A INPUT -p tcp -m tcp --tcp-option 8 -j ACCEPT\n",
            "-m tcp --tcp-option 8, a match whose share hvaudit cannot read",
        ),
    ],
    ids=[
        "recent-rcheck",
        "recent-not-updated",
        "recent-beside-limit",
        "u32",
        "bpf",
        "string",
        "geoip",
        "mark",
        "connmark",
        "ipsec-policy",
        "tcp-option",
    ],
)
def test_accept_under_an_unread_match_alone_is_a_question(
    host_scan, rules: str, under: str
) -> None:
    """False passes on the code before this change: each accept was skipped as a narrow
    service rule. Now a question naming the match."""
    line = rules.strip()
    assert _ipt(host_scan, rules) == ("manual", f"{ASK}{line} (under {under})")


def test_jump_under_an_unread_match_to_an_accepting_chain_is_a_question(host_scan) -> None:
    """A port-knocking layout: sources in the kernel's `knock` list jump to a chain that accepts
    everything. Was a pass (the jump was skipped as narrow)."""
    rules = (
        "-N knocked\n-A INPUT -m recent --rcheck --name knock -j knocked\n-A knocked -j ACCEPT\n"
    )
    assert _ipt(host_scan, rules) == (
        "manual",
        ASK + "-A INPUT -m recent --rcheck --name knock -j knocked (under -m recent --rcheck, "
        "whose sources only /proc/net/xt_recent/knock shows) -> -A knocked -j ACCEPT (first "
        "unconditional rule)",
    )


def test_recent_set_always_matches(host_scan) -> None:
    """iptables-extensions(8) recent: "[!] --set ... This will always return success": an
    accept under `-m recent --set` alone accepts every packet."""
    rule = "-A INPUT -m recent --set --name seen --mask 255.255.255.255 --rsource -j ACCEPT"
    assert _ipt(host_scan, rule + "\n") == (
        "fail",
        f"{OPEN}{rule} (matches every packet or every new connection))",
    )


def _ip6(host_scan, rule: str) -> tuple[str, str]:
    """The hardened host with a global IPv6 address (so IPv6 counts), iptables dropping, and
    ip6tables: policy DROP, loopback accepted, then `rule`."""
    links = json.loads(IP_ADDR)
    links[-1]["addr_info"].append({"family": "inet6", "local": "2001:db8::10", "scope": "global"})
    text = f"-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n{rule}\n"
    overrides = {
        "nft-ruleset": None,
        "iptables-input": ("-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n", 0),
        "ip6tables-input": (text, 0),
        "ip-addr": (json.dumps(links), 0),
    }
    return _verdict(host_scan(overrides))


def test_ip6tables_accept_under_a_pacing_match_opens_the_host(host_scan) -> None:
    """ip6tables -S goes through the same reader: a paced accept of every packet fails."""
    rule = "-A INPUT -m pkttype --pkt-type multicast -m limit --limit 20/sec -j ACCEPT"
    assert _ip6(host_scan, rule) == (
        "fail",
        f"inbound traffic is accepted by default (policy DROP; but IPv6 (ip6tables {rule} "
        "(matches every packet or every new connection; -m pkttype, -m limit restricts neither "
        "source nor port)) is accepted on 2001:db8::10)",
    )


def test_ip6tables_accept_under_a_recent_check_is_a_question(host_scan) -> None:
    rule = "-A INPUT -m recent --rcheck --name knock -j ACCEPT"
    assert _ip6(host_scan, rule) == (
        "manual",
        "evidence unavailable: IPv4 input drops (policy DROP), but IPv6: ip6tables INPUT (policy "
        f"DROP) hands traffic to what the rules read do not show: {rule} (under -m recent "
        "--rcheck, whose sources only /proc/net/xt_recent/knock shows)",
    )


@pytest.mark.parametrize(
    "rule",
    [
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 133 -m hl --hl-eq 255 -j ACCEPT",
        "-A INPUT -s fe80::/10 -p udp -m udp --sport 547 --dport 546 -j ACCEPT",
        "-A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --name knock -j ACCEPT",
        "-A INPUT -m rt --rt-type 0 -j DROP",
    ],
    ids=["established", "icmpv6-router-advert", "dhcpv6-client", "ssh-after-knock", "rh0-drop"],
)
def test_ip6tables_hardened_rules_keep_passing(host_scan, rule: str) -> None:
    """ufw6's before6.rules lines and a narrowed knock: each narrows who or which port (or
    drops), so the host stays default-deny."""
    assert _ip6(host_scan, rule) == (
        "pass",
        "inbound default policy drops (policy DROP; ip6tables policy DROP)",
    )


#: A hardened iptables INPUT path: loopback, replies, SSH and libvirt TLS from the management
#: subnet, ICMP echo at a rate, an SSH brute-force brake (ufw's `limit` rule shape: recent
#: --set, then --update ... -j DROP), logging of the rest at a rate, and drops under unread
#: matches (which decide nothing either way).
HARDENED = """-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 1/sec -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 3 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource
-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --update --seconds 30 --hitcount 6 --name DEFAULT --mask 255.255.255.255 --rsource -j DROP
-A INPUT -s 10.0.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -s 10.0.0.0/24 -p tcp -m multiport --dports 16514,5900:5999 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 443 -m time --timestart 08:00:00 --timestop 18:00:00 -j ACCEPT
-A INPUT -m recent --rcheck --seconds 3600 --name banned -j DROP
-A INPUT -m u32 --u32 "0x6&0xff=0x6" -m string --string evil --algo bm -j DROP
-A INPUT -m limit --limit 5/min -j DROP
-A INPUT -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[INPUT DROP] "
-A INPUT -p tcp -m tcp --tcp-flags SYN,RST,ACK SYN -m hashlimit --hashlimit-above 20/sec --hashlimit-mode srcip --hashlimit-name synflood -j DROP
"""


def test_hardened_iptables_keeps_passing(host_scan) -> None:
    """No manual flood: the standard rules (replies, loopback, SSH from a subnet, ICMP) and
    drops, logs or narrowed accepts under pacing or unread matches leave the verdict a pass."""
    assert _ipt(host_scan, HARDENED) == PASS


@pytest.mark.parametrize(
    "rule",
    [
        "-A INPUT -p tcp -m tcp --dport 22 -m limit --limit 10/min -j ACCEPT",
        "-A INPUT -s 10.0.0.0/24 -m recent --rcheck --name knock -j ACCEPT",
        "-A INPUT -m mac --mac-source 52:54:00:12:34:56 -j ACCEPT",
        "-A INPUT -i lo -m mark --mark 0x1 -j ACCEPT",
        "-A INPUT -m pkttype --pkt-type broadcast -j DROP",
        "-A INPUT -m geoip ! --src-cc DE -j DROP",
    ],
    ids=[
        "ssh-at-a-rate",
        "knock-from-subnet",
        "one-mac",
        "loopback-marked",
        "broadcast-drop",
        "geoip-drop",
    ],
)
def test_twins_that_narrow_or_drop_keep_passing(host_scan, rule: str) -> None:
    """Twins of the probes above: a narrowing match beside a pacing or unread one keeps today's
    reading (a service rule), and a drop under them decides nothing."""
    assert _ipt(host_scan, rule + "\n") == PASS


def test_negated_mac_source_is_every_sender_but_one(host_scan) -> None:
    """iptables-extensions(8) mac: "[!] --mac-source address": negated, every sender but one."""
    rule = "-A INPUT -m mac ! --mac-source 52:54:00:12:34:56 -j ACCEPT"
    assert _ipt(host_scan, rule + "\n") == (
        "fail",
        f"{OPEN}{rule} (matches every port of a protocol or every source but some))",
    )
