"""The host's input path as netfilter walks it: nftables (`nft -j list ruleset`) and iptables
(`iptables -S`), rule by rule, following jumps, gotos and returns.

HVA-190 asks whether inbound traffic the rules do not admit ends in drop. A drop policy is not
that when a rule before it accepts everything, or a broad share of it (every TCP port, every source
but some, every packet to the host's own address). So each rule's matches get a reach: every
packet of the IP version (_ALL), a broad share (_BROAD) or less (_NARROW). A rule that accepts
with _ALL or _BROAD reach opens the host; a drop decides only with _ALL reach; a jump is followed
(its accept or drop counts within the jump's own reach); a return of _ALL reach ends the chain.

Sources (read with `search`):
- nft(8) PAYLOAD, META, CONNTRACK and FIB expressions, SETS and RELATIONAL operators (`!=`, `<`,
  `>=`, ranges `a-b`); the nftables wiki "Jumping to chain" (jump returns after the chain's end,
  goto does not) and "Nftables families" (an ip table sees IPv4, ip6 IPv6, inet both).
- iptables(8) TARGETS: a jump to a user-defined chain evaluates its rules, RETURN (or the end of
  the chain) resumes the calling chain after the jump, `-g` does not return to the chain that
  jumped; iptables-extensions(8) tcp/udp `[!] --dport port[:port]` ("If the first port is
  omitted, "0" is assumed; if the last is omitted, "65535" is assumed"), multiport `--dports`,
  conntrack/state.
- On the input hook every packet is addressed to the host: a rule that accepts every packet to
  each of the host's own addresses accepts every unicast packet it receives.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from dataclasses import replace as dataclass_replace
from typing import Any

from hvaudit.textsafe import digits

__all__ = [
    "NFT_FAMILIES",
    "Addresses",
    "HostAddresses",
    "IpSet",
    "KernelLists",
    "iptables_dnat",
    "iptables_policy",
    "iptables_untracked",
    "list_adders",
    "nft_dnat_reach",
    "nft_input_verdicts",
    "nft_untracked_reach",
    "parse_ipset_save",
]


@dataclass(frozen=True, slots=True)
class HostAddresses:
    """The host's own addresses of one IP version other than loopback ones, and the interfaces
    that hold them."""

    addresses: tuple[Any, ...]
    interfaces: tuple[str, ...]
    arrival: str | None = None
    """The one interface the packets judged arrive on, or None for every interface: an input
    interface match then holds all of them or none (`iifname "eno3" accept` admits nothing
    that arrives on virbr0)."""
    macs: tuple[tuple[str, str], ...] = ()
    """Each interface's MAC (`ip -j addr` "address", lower case) among `interfaces`, for those
    `ip -j addr` lists one."""


#: The host's own addresses of one IP version (None when `ip -j addr` was not read).
Addresses = HostAddresses | None

#: Statements that filter nothing: they count, log, or set a field (`meta mark set 1` is
#: `mangle` in `nft -j`), assign a conntrack helper, timeout or expectation, or copy the packet.
_NFT_NEUTRAL = (
    "counter",
    "log",
    "comment",
    "notrack",
    "meta_set",
    "mangle",
    "ct helper",
    "ct timeout",
    "ct expectation",
    "secmark",
    "dup",
    "flow",
)
#: Statements that let only some packets through to the verdict: `limit rate [over]` and
#: `quota [over]` (nftables wiki "Limits": a limit matches "only until its rate is exceeded; or
#: only after its rate is exceeded, if defined as an over limit"), `ct count [over]` (nftables
#: wiki "Meters", "Doing connlimit with nft": the number of connections the conntrack table
#: holds). Their drop decides nothing; their accept still opens what the rule's matches reach,
#: up to a rate.
_NFT_SHARE = ("limit", "quota", "ct count")
#: Statements that update a dynamic set, each key (`ip saddr`) with its own stateful statement:
#: `meter NAME { ip saddr limit rate 10/second }` and `update @NAME { ... }` / `add @NAME`
#: (nftables wiki "Meters": "a native replacement for the hashlimit match in iptables ... Note
#: that the meter keyword is obsolete, the dynamic set and map syntax is now preferred"). Under
#: a limit, quota or ct count each source gets its own bucket, so every source still gets in
#: (_NFT_SHARE); with none of them adding an element always matches (a counter only).
_NFT_SET_UPDATES = ("meter", "set", "map")
#: meta selectors that restrict when or how a packet arrives, never who sends it or to which
#: port (nftables wiki "Matching packet metainformation", read with `search`: `pkttype` "packet
#: type (unicast, broadcast, multicast, other)"; `time`, `day` "day of week", `hour` "hour of
#: day"; nft(8) META EXPRESSIONS `random`, `length` "length of the packet in bytes" and `cpu`
#: "cpu number processing the packet": the kernel's skb->len and smp_processor_id(),
#: net/netfilter/nft_meta.c nft_meta_get_eval NFT_META_LEN / NFT_META_CPU; a sender picks its
#: packets' length, and the CPU is where the NIC's receive hash puts the flow): as iptables'
#: -m limit/time/pkttype (_IPT_PACED).
_NFT_META_PACED = frozenset({"pkttype", "time", "day", "hour", "random", "length", "cpu"})
#: meta selectors that narrow who sends or where a packet arrives, read as before: the input
#: interface or bridge port (an output interface: none on the input path), the IP version and
#: transport protocol, the local socket's owner (nft(8) META EXPRESSIONS).
_NFT_META_NARROW = frozenset(
    {"iif", "iifname", "ibrname", "ibrpvid", "ibrvproto"}
    | {"oif", "oifname", "oiftype", "oifgroup", "oifkind", "obrname", "sdif", "sdifname"}
    | {"nfproto", "l4proto", "protocol", "skuid", "skgid"}
)
#: meta selectors of a device the input path leaves unset, whose value is then no device: the
#: output interface (no route is chosen before the input hook) and the VRF slave device
#: (`sdif`, set only for a packet that arrived through a device enslaved to a VRF). The
#: kernel's net/netfilter/nft_meta.c (read with `find_string`) stores them, unlike `oiftype`,
#: `oifgroup` and `oifkind` (which break the rule when there is no device), as a value every
#: such packet holds: nft_meta_store_ifindex `*dest = dev ? dev->ifindex : 0`,
#: nft_meta_store_ifname `dev ? dev->name : ""`, nft_meta_get_eval_sdif 0 when
#: inet_sdif/inet6_sdif has none. So `meta oifname ""`, `meta oif != "eno3"` and `meta sdif 0`
#: match every packet to the host (R31F-1: read as narrow, a pass). Whether a device is a VRF
#: slave the evidence does not show, so a match on a named `sdifname` is not read.
_NFT_META_NO_DEVICE = {"oif": 0, "oifname": "", "sdif": 0, "sdifname": ""}
#: meta selectors of the input interface's class, not its name: its type (`iiftype ether`: the
#: device's dev->type, ARPHRD_ETHER for every Ethernet NIC, bond, bridge and VLAN), its group
#: (`iifgroup default`: dev->group, 0 for every device no one moved) and its kind (`iifkind
#: bridge`): nf_tables.h NFT_META_IIFTYPE "packet input interface type (dev->type)",
#: NFT_META_IIFGROUP "packet input interface group". Which of the host's interfaces they hold
#: the evidence does not show (no `ip -d link` group or type is read), so a match on one is
#: unread, but `iiftype loopback` (lo alone) (R23N-2).
_NFT_META_IFACE_CLASS = frozenset({"iiftype", "iifgroup", "iifkind"})
#: conntrack keys _nft_ct_reach reads (nft(8) CONNTRACK EXPRESSIONS, read with `search`: "ct
#: {state | direction | status | mark | expiration | helper | label | l3proto | protocol | bytes
#: | packets | avgpkt | zone}", "ct {original | reply} {l3proto | protocol | saddr | daddr |
#: proto-src | proto-dst | bytes | packets | avgpkt | zone}"; `nft -j` {"ct": {"key": "ip
#: saddr", "dir": "original"}}, nftables-json tests/statements/ip/ct.t.json): the state (judged
#: by itself), the direction ("Direction of the packet relative to the connection": `original`
#: is every packet a peer sends to open or continue its own connection, read as `ct state new`;
#: `reply` only answers to connections opened from here), the status, the layer 3 and 4
#: protocol of the connection, and its tuple (_NFT_CT_TUPLE). `ct helper` ("Helper associated
#: with the connection") is read by _nft_helper_reach. Others (`ct mark`, `label`, `zone`,
#: `bytes`, `packets`, `expiration` ...) hold what rules, helpers or the traffic itself set as
#: packets pass: the evidence does not show their share.
_NFT_CT_READ = frozenset({"state", "direction", "status", "l3proto", "protocol"})
#: What each conntrack tuple key is to a packet the input hook sees from a peer opening a
#: connection (nf_conntrack_core.c: the reply tuple is the original one inverted, and only a
#: nat rule alters it: a prerouting dnat before the filter hook, an input snat after it,
#: nftables "NAT statements": "snat ... only valid in the postrouting and input chains"):
#: `ct original saddr` and `ct reply daddr` are its source (`iptables-translate` turns
#: `--ctorigsrc` into `ct original saddr`, libxt_conntrack.txlate), `ct original daddr` and
#: `ct reply saddr` its destination (the address asked for, and the host's after a dnat), and
#: the ports likewise. A packet that answers a connection the host opened has the host's
#: address on the other side: a match on a tuple key admits nothing the sender's own address
#: or port would not. A tuple key needs its direction; without one it is not read.
_NFT_CT_TUPLE = {
    ("original", "saddr"): "source",
    ("reply", "daddr"): "source",
    ("original", "daddr"): "destination",
    ("reply", "saddr"): "destination",
    ("original", "proto-src"): "sport",
    ("reply", "proto-dst"): "sport",
    ("original", "proto-dst"): "dport",
    ("reply", "proto-src"): "dport",
}
#: conntrack status flags (nft(8) DATA TYPES, ct_status: expected, seen-reply, assured,
#: confirmed, snat, dnat, dying). None of them is set on the first packet of a connection a
#: peer opens to the host (confirmed and seen-reply come after it, snat from an input nat rule
#: after the filter hook), but dnat where a prerouting nat rule rewrote it and expected where a
#: helper awaited it: a match on one of them (`ct status dnat`, as firewalld's filter_INPUT
#: accepts) holds no such first packet but those, which the nat rules and helpers decide;
#: `ct status != dnat` holds every other one, every new connection to the host.
_NFT_CT_STATUS = frozenset(
    {"expected", "seen-reply", "assured", "confirmed", "snat", "dnat", "dying"}
)
#: Expressions that pick a share of the packets by number or hash, not by who or which port
#: (nft(8) NUMGEN and HASH EXPRESSIONS: `numgen random mod 2`, `jhash ip saddr mod 2`).
_NFT_PACED_EXPRS = frozenset({"numgen", "jhash", "symhash"})
#: nftables table flags (nft(8) TABLES): a dormant table's base chains are unregistered
#: (include/uapi/linux/netfilter/nf_tables.h NFT_TABLE_F_DORMANT "this table is not active").
_NFT_TABLE_FLAGS = frozenset({"dormant", "owner", "persist"})

#: What a payload match on a whole address family looks like in `nft -j` output: the protocol
#: of each IP version and the prefix or range that covers all of its addresses.
_NFT_WHOLE_FAMILY = {
    "IPv4": ("ip", "ipv4", "0.0.0.0", "255.255.255.255"),
    "IPv6": ("ip6", "ipv6", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
}

#: Reach of one match: every packet of the IP version, or a broad share of it (every port of a
#: transport protocol, every source outside some range), or less; _OPAQUE: a match nft does not
#: show (an iptables-nft extension, `xt`), which may take any share.
_ALL, _BROAD, _NARROW, _OPAQUE = 2, 1, 0, -1

#: What the input chains of a family that does not see IPv4 see (nftables wiki "Nftables
#: families": "Tables of this family see IPv6 traffic/packets", arp "ARP-level (i.e, L2)
#: traffic"), named where IPv4 has no input chain (R32F-1).
_NFT_FAMILY_SEES = {"ip6": "IPv6 only", "arp": "ARP only"}

#: Transport protocols whose every port a protocol-only match opens (nft and iptables names and
#: IANA numbers; ICMP is no service port).
_TRANSPORTS = frozenset(
    {"tcp", "udp", "sctp", "dccp", "udplite", "6", "17", "132", "33", "136", "all"}
)

#: nft payload protocols with 16-bit ports (`th`: the transport header of any of them).
_PORT_PROTOCOLS = frozenset({"tcp", "udp", "sctp", "dccp", "udplite", "th"})
_PORTS = 65536
#: A port match admitting more than half of the port numbers is no service match: it opens
#: whatever runs on those ports (`!= 22`, `1024-65535`, `0-65535`). hvaudit's line; the ports
#: of enabled services (HY-SR-19) are a list or a range far below it (libvirt's migration
#: range 49152-49215, VNC 5900-5999).
_BROAD_PORTS = _PORTS // 2


@dataclass(frozen=True, slots=True)
class _Walk:
    """What a chain walk needs besides the chain: every chain's rules, the named sets, the IP
    version and the host's own addresses of that version."""

    rules: Mapping[tuple[str, str, str], list[dict[str, Any]]]
    sets: Mapping[tuple[str, str, str], list[Any]]
    version: str
    own: Addresses
    maps: Mapping[tuple[str, str, str], list[Any]] = dataclass_field(default_factory=dict)
    filled: Mapping[tuple[str, str, str], str] = dataclass_field(default_factory=dict)
    """The named sets a rule fills as packets pass (_nft_filled_sets), each with that rule."""
    legacy_untracked: int | None = _NARROW
    """How much traffic the iptables raw table's NOTRACK / CT --notrack rules exempt from
    connection tracking (iptables_untracked), None when `iptables-save` was not read."""
    outbound: frozenset[tuple[str, str, str]] = frozenset()
    """The chains that never see a packet sent to the host: the base chains of the output,
    forward and postrouting hooks, and the regular chains no prerouting or input chain jumps or
    goes to (R30F-4)."""
    ingress: bool = False
    """An ingress chain is walked: conntrack has not run there (_nft_ingress_ct)."""
    legacy_dnat: int | str = _NARROW
    """How much traffic the iptables nat table's DNAT and REDIRECT rules hand the input hook
    with conntrack's DNAT status (iptables_dnat), or why that is not known (a text)."""


def _nft_values(right: Any, sets: Mapping[str, list[Any]]) -> list[Any] | None:
    """The values a match compares with: a literal, an anonymous set `{ a, b }`, or a named set
    `@name` (its elements; None when the set is not in the ruleset)."""
    if isinstance(right, str) and right.startswith("@"):
        return sets.get(right[1:])
    if isinstance(right, dict) and isinstance(right.get("set"), list):
        return list(right["set"])
    return [right]


def _networks(values: list[Any], version: str) -> list[Any]:
    """The address blocks of the IP version among literal prefixes, ranges and addresses (set
    elements may wrap them in {"elem": {"val": ...}}); a value of another kind adds nothing."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("elem"), dict):
            value = value["elem"].get("val")
        try:
            if isinstance(value, str):
                out.append(ipaddress.ip_network(value, strict=False))
            elif isinstance(value, dict) and isinstance(value.get("prefix"), dict):
                pre = value["prefix"]
                out.append(
                    ipaddress.ip_network(f"{pre.get('addr')}/{pre.get('len')}", strict=False)
                )
            elif isinstance(value, dict) and isinstance(value.get("range"), list):
                lo, hi = (ipaddress.ip_address(str(x)) for x in value["range"])
                out.extend(ipaddress.summarize_address_range(lo, hi))
        except (ValueError, TypeError):
            continue
    want = 4 if version == "IPv4" else 6
    return [n for n in out if n.version == want]


def _cover_all(blocks: list[Any], version: str) -> bool:
    """Do the address blocks together hold every address of the IP version (0.0.0.0/1 and
    128.0.0.0/1 do)?"""
    every = ipaddress.ip_network("0.0.0.0/0" if version == "IPv4" else "::/0")
    return list(ipaddress.collapse_addresses(blocks)) == [every] if blocks else False


#: The senders a positive source match must hold more than half of to be read as broad (R28G-1):
#: every IPv4 address, and for IPv6 the global unicast block, the only one IANA assigns from
#: (IANA "Internet Protocol Version 6 Address Space", 2000::/3 Global Unicast: "IANA unicast
#: address assignments are currently limited to the IPv6 unicast address range of 2000::/3";
#: ietf-ribose/iana-registries ipv6-address-space/ipv6-address-space.xml). hvaudit's line, as
#: _BROAD_PORTS for ports: `ip saddr 11.0.0.0-255.255.255.255` admits the same senders as `ip
#: saddr != 0.0.0.0/5`, read as broad; `ip6 saddr 2000::/3` is every routable IPv6 sender.
_SENDER_SPACE = {
    "IPv4": ipaddress.ip_network("0.0.0.0/0"),
    "IPv6": ipaddress.ip_network("2000::/3"),
}


def _sender_share(blocks: list[Any], version: str) -> int:
    """How many addresses of _SENDER_SPACE the blocks hold together."""
    space = _SENDER_SPACE[version]
    inside: list[Any] = []
    for block in blocks:
        if block.version != space.version:
            continue
        if block.subnet_of(space):
            inside.append(block)
        elif space.subnet_of(block):
            inside.append(space)
    return sum(n.num_addresses for n in ipaddress.collapse_addresses(inside))


def _source_reach(blocks: list[Any], version: str) -> int:
    """The reach of a positive match on these source blocks: _ALL when they hold every address,
    _BROAD when they hold more than half of _SENDER_SPACE (every port, to most senders), else
    _NARROW. R28G-1: only every address was read, so `ip saddr 11.0.0.0-255.255.255.255 accept`
    passed while `ip saddr != 0.0.0.0/5 accept`, the same senders, failed."""
    if _cover_all(blocks, version):
        return _ALL
    half = _SENDER_SPACE[version].num_addresses // 2
    return _BROAD if _sender_share(blocks, version) > half else _NARROW


def _most_senders_text(version: str) -> str:
    """How a message names _SENDER_SPACE's broad line."""
    return (
        "more than half of the IPv4 addresses"
        if version == "IPv4"
        else "more than half of the global unicast IPv6 addresses (2000::/3)"
    )


#: Why a match on the host's own addresses or interfaces is a question when `ip -j addr` was
#: not read (R25G-1).
_OWN_UNREAD = "whose share the host's addresses and interfaces (`ip -j addr`, not read) decide"


def _never_own(block: Any) -> bool:
    """Whether no address of the block can be one of the host's addresses that HostAddresses
    holds (loopback ones are left out there; multicast and the limited broadcast address are
    no interface's address)."""
    if block.is_loopback or block.is_multicast:
        return True
    return bool(block.version == 4 and block == ipaddress.ip_network("255.255.255.255/32"))


def _destination_reach(blocks: list[Any], version: str, own: Addresses) -> int:
    """The reach of a match on these destination blocks: _ALL when they hold every address, or
    every address of the host (on the input hook each packet is addressed to the host); _BROAD
    when they hold one of the host's addresses (every port and protocol to it); else _NARROW.
    When the host's addresses were not read (`ip -j addr` failed: iproute2 before 4.14 has no
    `-j`, added by commit d0e720111aad, 2017-08), blocks that may hold one are _OPAQUE:
    `ip daddr 10.0.0.10 accept` may be every packet (R25G-1: read as narrow, a pass); the caller names the match in its question."""
    if _cover_all(blocks, version):
        return _ALL
    if own is None:
        return _NARROW if all(_never_own(b) for b in blocks) else _OPAQUE
    held = own.addresses if own is not None else ()
    mine = [a for a in held if any(a in b for b in blocks)]
    if mine and len(mine) == len(held):
        return _ALL
    return _BROAD if mine else _NARROW


def _interface_reach(names: list[str], own: Addresses) -> int:
    """The reach of a match on the interfaces packets arrive on (`iifname`, iptables `-i`; a
    trailing `*` or `+` is a wildcard): _ALL when they are every interface holding an address of
    the host (besides lo, where every packet from the network arrives), _BROAD when they are
    some of them (every port on that interface's network), else _NARROW (an interface without
    an address). When the host's interfaces were not read, names other than lo are _OPAQUE:
    `iifname "eno3" accept` may be every packet from the network (R25G-1: read as narrow, a
    pass); the caller names the match in its question."""
    if own is None:
        return _NARROW if all(n == "lo" for n in names) else _OPAQUE
    if own.arrival is not None:
        return _ALL if _iface_hit(own.arrival, names) else _NARROW
    held = own.interfaces if own is not None else ()
    mine = [d for d in held if _iface_hit(d, names)]
    if mine and len(mine) == len(held):
        return _ALL
    return _BROAD if mine else _NARROW


def _iface_hit(dev: str, names: list[str]) -> bool:
    """Whether an interface is one of the names (a trailing `*` or `+` is a wildcard)."""
    return any(dev == n or (n[-1:] in ("*", "+") and dev.startswith(n[:-1])) for n in names if n)


def _negated_interface_reach(names: list[str], own: Addresses) -> int:
    """The reach of a match on every input interface but these (`iifname != "virbr0"`,
    iptables `! -i virbr0`): _ALL when they are lo alone, or none of the interfaces holding an
    address of the host; else _BROAD: every other interface's network, and a packet on an
    interface without an address reaches the host's addresses too (ip-sysctl.rst arp_filter:
    "IP addresses are owned by the complete host on Linux, not by particular interfaces").
    Never _NARROW: `iifname != "virbr0" accept` was read so and passed (R24N-3)."""
    if own is not None and own.arrival is not None:
        return _NARROW if _iface_hit(own.arrival, names) else _ALL
    if set(names) == {"lo"}:
        return _ALL
    if own is None or not names:
        return _BROAD  # the host's interfaces, or the names (a set not listed), not read
    return _ALL if _interface_reach(names, own) == _NARROW and own.interfaces else _BROAD


def _port_count(intervals: list[tuple[int, int]]) -> int:
    """How many port numbers the inclusive intervals hold together."""
    count, end = 0, -1
    for lo, hi in sorted((max(0, a), min(_PORTS - 1, b)) for a, b in intervals):
        if hi <= end:
            continue
        count += hi - max(lo, end + 1) + 1
        end = hi
    return count


def _nft_port_intervals(values: list[Any]) -> tuple[list[tuple[int, int]], int] | None:
    """The port intervals of nft values (a number: one port; a range) and how many service
    names they hold (one port each), or None for a value hvaudit cannot read as ports."""
    out: list[tuple[int, int]] = []
    names = 0
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("elem"), dict):
            value = value["elem"].get("val")
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            out.append((value, value))
        elif isinstance(value, str) and digits(value):
            out.append((int(value), int(value)))
        elif isinstance(value, str):
            names += 1
        elif isinstance(value, dict) and isinstance(value.get("range"), list):
            bounds = value["range"]
            if not (len(bounds) == 2 and all(isinstance(x, int) for x in bounds)):
                return None
            out.append((min(bounds), max(bounds)))
        else:
            return None
    return out, names


#: The IANA numbers of the transport protocols whose every port a protocol match opens
#: (_TRANSPORTS), and of the names nft prints for protocol numbers (its inet_proto type, from
#: /etc/protocols) that a range may be bounded by.
_TRANSPORT_NUMBERS = frozenset({6, 17, 33, 132, 136})
_PROTOCOL_NUMBERS = {
    **{"hopopt": 0, "icmp": 1, "igmp": 2, "ipencap": 4, "tcp": 6, "egp": 8, "udp": 17},
    **{"dccp": 33, "ipv6": 41, "ipv6-route": 43, "ipv6-frag": 44, "rsvp": 46, "gre": 47},
    **{"esp": 50, "ah": 51, "ipv6-icmp": 58, "icmpv6": 58, "ipv6-nonxt": 59, "ipv6-opts": 60},
    **{"ospf": 89, "ipip": 94, "pim": 103, "comp": 108, "vrrp": 112, "l2tp": 115},
    **{"sctp": 132, "udplite": 136, "mpls-in-ip": 137},
}
#: The relational operators that compare a field with one value (nft(8) RELATIONAL
#: EXPRESSIONS: `<`, `>`, `<=`, `>=`; `nft -j` op "<", ">", "<=", ">=").
_NFT_ORDERED = ("<", "<=", ">", ">=")


def _ordered_interval(op: str, x: int, top: int) -> tuple[int, int] | None:
    """The values 0..top that `field OP x` admits, as an inclusive interval (None: none)."""
    lo, hi = {"<": (0, x - 1), "<=": (0, x), ">": (x + 1, top), ">=": (x, top)}[op]
    return (max(lo, 0), min(hi, top)) if max(lo, 0) <= min(hi, top) else None


def _protocol_number(value: Any) -> int | None:
    """An IP protocol number from an nft value (a number, its digits, or a name)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).lower()
    return int(text) if digits(text) else _PROTOCOL_NUMBERS.get(text)


def _transport_admitted(op: str, right: Any, sets: Mapping[str, list[Any]]) -> bool:
    """Whether a match on the transport protocol (`meta l4proto`, `ip protocol`, `ip6 nexthdr`,
    `ct protocol`) admits one of the transports with service ports (_TRANSPORT_NUMBERS): by
    name or number, a range (`meta l4proto 6-17`), a set of either, every protocol but some
    (`!=`) or a relational operator (`meta l4proto >= 1`). nftables' tests/py/any/meta.t lists
    `meta l4proto 33-45` as `meta l4proto >= 33 meta l4proto <= 45` in its early versions, and
    nft(8) RELATIONAL EXPRESSIONS admits `<`, `>`, `<=`, `>=` on any such field (R27G-1: only
    a name or number compared by == was read, a range or an ordering as narrow). A value
    hvaudit cannot name in a range or ordering admits a transport (an over-read)."""
    values = _nft_values(right, sets)
    if values is None:
        return op == "!="  # a named set not in the ruleset: every protocol but some, or some
    held: set[int] = set()
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("elem"), dict):
            value = value["elem"].get("val")
        bounds = value.get("range") if isinstance(value, dict) else None
        if isinstance(bounds, list) and len(bounds) == 2:
            lo, hi = (_protocol_number(b) for b in bounds)
            if lo is None or hi is None:
                return True
            held |= set(range(min(lo, hi), max(lo, hi) + 1))
            continue
        number = _protocol_number(value)
        if number is None:
            if str(value).lower() in _TRANSPORTS:
                return op != "!="
            if op in _NFT_ORDERED:
                return True
            continue
        held.add(number)
    if op in _NFT_ORDERED:
        if len(held) != 1:
            return True
        span = _ordered_interval(op, next(iter(held)), 255)
        return span is not None and any(span[0] <= t <= span[1] for t in _TRANSPORT_NUMBERS)
    if op == "!=":
        return not held >= _TRANSPORT_NUMBERS
    return bool(held & _TRANSPORT_NUMBERS)


def _ordered_blocks(op: str, right: Any, version: str) -> list[Any] | None:
    """The address blocks `ip saddr >= 10.0.0.0` (nft(8) RELATIONAL EXPRESSIONS `<`, `>`, `<=`,
    `>=` on an address) admits, None when the value is no address of the version. Early nft
    lists a range `ip saddr 192.168.1.3-192.168.33.55` as `ip saddr >= 192.168.1.3 ip saddr <=
    192.168.33.55` (nftables tests/py/ip/ip.t), each match one such block (R27G-1)."""
    try:
        address = ipaddress.ip_address(str(right))
    except ValueError:
        return None
    if address.version != (4 if version == "IPv4" else 6):
        return None
    top = (1 << address.max_prefixlen) - 1
    span = _ordered_interval(op, int(address), top)
    if span is None:
        return []
    lo, hi = (
        ipaddress.ip_address(x) if version == "IPv4" else ipaddress.IPv6Address(x) for x in span
    )
    return list(ipaddress.summarize_address_range(lo, hi))


def _nft_ports_admitted(op: str, right: Any, sets: Mapping[str, list[Any]]) -> int:
    """How many port numbers a port match admits (nft(8) RELATIONAL: ==, !=, <, >, <=, >=;
    values, ranges, anonymous and named sets); 0 when it cannot be read."""
    values = _nft_values(right, sets)
    read = _nft_port_intervals(values) if values is not None else None
    if read is None:
        return 0
    intervals, names = read
    held = _port_count(intervals) + names
    if op in ("==", "in"):
        return held
    if op == "!=":
        return _PORTS - held
    if len(intervals) != 1 or names or intervals[0][0] != intervals[0][1]:
        return 0
    x = intervals[0][0]
    return {"<": x, "<=": x + 1, ">": _PORTS - 1 - x, ">=": _PORTS - x}.get(op, 0)


#: TCP flag bits by nft's names (nft(8) TCP HEADER EXPRESSION: fin, syn, rst, psh, ack, urg,
#: ecn, cwr; the flags byte of RFC 9293 3.1 with RFC 3168's ECE and CWR).
_TCP_FLAG_BITS = {
    "fin": 0x01,
    "syn": 0x02,
    "rst": 0x04,
    "psh": 0x08,
    "ack": 0x10,
    "urg": 0x20,
    "ecn": 0x40,
    "cwr": 0x80,
}

#: The flags bytes of a segment that opens a TCP connection to a listener: SYN without ACK,
#: RST or FIN, with any of PSH, URG, ECE and CWR (an ECN-setup SYN carries ECE and CWR,
#: RFC 3168 6.1.1; Linux's tcp_rcv_state_process in LISTEN drops only ACK, RST and SYN+FIN).
_TCP_OPENING_FLAGS = tuple(
    0x02 | extra for extra in range(256) if extra & ~(0x08 | 0x20 | 0x40 | 0x80) == 0
)


def _nft_tcp_flag_value(value: Any) -> int | None:
    """The bits of a TCP flags value in `nft -j`: a name, a number, a list of names (`syn,ack`)
    or an `{"|": [...]}` of them; None when it cannot be read."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value & 0xFF
    if isinstance(value, str):
        if value in _TCP_FLAG_BITS:
            return _TCP_FLAG_BITS[value]
        try:
            return int(value, 0) & 0xFF
        except ValueError:
            return None
    parts = value.get("|") if isinstance(value, dict) else value
    if isinstance(parts, list) and parts:
        bits = 0
        for part in parts:
            one = _nft_tcp_flag_value(part)
            if one is None:
                return None
            bits |= one
        return bits
    return None


def _nft_tcp_flags_open(
    mask: Any, op: str, right: Any, sets: Mapping[str, list[Any]]
) -> bool | None:
    """Does a `tcp flags` match admit a segment that opens a connection (_TCP_OPENING_FLAGS)?

    nft(8) and nftables' tests/py/inet/tcp.t: `tcp flags syn` (`nft -j` op "in") is
    `tcp flags & syn != 0`; `tcp flags == syn` and `tcp flags != syn` compare the whole byte, so
    an ECN SYN (syn|ecn|cwr) is not `== syn` and is `!= syn`; `tcp flags & (fin|syn|rst|ack)
    != syn` masks first. None when the match cannot be read."""
    bits = 0xFF if mask == [] else _nft_tcp_flag_value(mask)
    values = _nft_values(right, sets)
    if bits is None or values is None:
        return None
    wanted: list[int] = []
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("elem"), dict):
            value = value["elem"].get("val")
        one = _nft_tcp_flag_value(value)
        if one is None:
            return None
        wanted.append(one)
    for flags in _TCP_OPENING_FLAGS:
        seen = flags & bits
        if op == "in" and any(seen & w for w in wanted):
            return True
        if op == "==" and seen in wanted:
            return True
        if op == "!=" and seen not in wanted:
            return True
        if op not in ("in", "==", "!="):
            return None
    return False


def _nft_no_device_reach(key: str, match: Mapping[str, Any]) -> int | None:
    """The reach of a match on a device the input path leaves unset (_NFT_META_NO_DEVICE):
    _ALL when the no-device value (0, "") passes it (`meta oifname ""`, `meta oif != "eno3"`,
    `meta sdif 0`, `meta oif < 5`), _NARROW when it does not (`meta oifname "eno3"`); None
    (not read) for a named VRF slave device (`meta sdifname "eno3"`: every packet arriving
    through eno3 when it is enslaved to a VRF, which the evidence does not show), a named set
    or a value hvaudit cannot compare."""
    op, right = str(match.get("op", "==")), match.get("right")
    none = _NFT_META_NO_DEVICE[key]
    values = _nft_values(right, {})
    if values is None or (isinstance(right, str) and right.startswith("@")):
        return None
    values = [v["elem"].get("val") if isinstance(v, dict) and "elem" in v else v for v in values]
    if op in _NFT_ORDERED:
        if len(values) != 1 or not isinstance(values[0], int) or isinstance(values[0], bool):
            return None
        held = {"<": values[0] > 0, "<=": True, ">": False, ">=": values[0] <= 0}[op]
        return _ALL if held else None if key == "sdif" else _NARROW
    if op not in ("==", "in", "!="):
        return None
    if any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in values):
        return None  # a range, a prefix or an expression: not compared here
    has_none = any(v == none and type(v) is type(none) for v in values)
    if (op == "!=") != has_none:
        return _ALL
    # `sdifname "eno3"`, `sdif != 0`: what arrives through a VRF slave is not in evidence
    return None if key.startswith("sdif") else _NARROW


def _nft_reach(match: Any, walk: _Walk, sets: Mapping[str, list[Any]]) -> int:
    """How much of the IP version's traffic from the network one `match` expression selects.

    _ALL: `ip saddr 0.0.0.0/0` (a /0 prefix, the range of every address, or a set, anonymous or
    named, that holds one), `ip daddr` of every address of the host, `fib daddr type local`,
    `meta nfproto ipv4`, `iifname != "lo"`, and a conntrack state match that admits `new`
    (nft(8) PAYLOAD, META, FIB, CONNTRACK EXPRESSIONS and SETS: a rule that accepts every new
    connection accepts every connection; `ct state established,related` does not).
    _BROAD: a match on the transport protocol alone (`meta l4proto tcp`, `ip protocol udp`,
    `ip6 nexthdr tcp`: every port of that protocol), a port match admitting more than half of
    the ports (`tcp dport != 22`, `tcp dport 0-65535`, `th dport >= 1024`), any source port
    match (`udp sport 53`: the sender chooses it), a negated address match (`ip saddr != 127.0.0.0/8`: every source but those) and `ip daddr` of one of the
    host's addresses (every port to it). Anything else is _NARROW."""
    if not isinstance(match, dict):
        return _NARROW
    version = walk.version
    op, left, right = match.get("op", "=="), match.get("left"), match.get("right")
    if isinstance(left, dict) and isinstance(left.get("concat"), list):
        return _nft_concat_reach(left["concat"], str(op), right, walk, sets)
    if op in ("==", "in") and "*" in (_nft_values(right, sets) or []):
        return _nft_catch_all_reach(left, version)
    meta = left.get("meta") if isinstance(left, dict) else None
    if op == "!=" and isinstance(meta, dict) and meta.get("key") in ("iifname", "iif"):
        names = _nft_values(right, sets) or []
        return _negated_interface_reach([str(n) for n in names if isinstance(n, str)], walk.own)
    if op in ("==", "in") and isinstance(meta, dict) and meta.get("key") in ("iifname", "iif"):
        names = _nft_values(right, sets) or []
        return _interface_reach([str(n) for n in names if isinstance(n, str)], walk.own)
    if isinstance(meta, dict) and meta.get("key") in _NFT_META_NO_DEVICE:
        return _nft_no_device_reach(str(meta["key"]), match) or _NARROW
    if isinstance(meta, dict) and meta.get("key") in ("protocol", "nfproto"):
        # the ethertype (`meta protocol ip`) or the hook's family (`meta nfproto ipv4`): every
        # packet of the version it names; a set of both, or `!=` the other version, names it
        # too (R22N-5)
        kinds = {str(v) for v in _nft_values(right, sets) or []}
        mine = {"protocol": _NFT_WHOLE_FAMILY[version][0], "nfproto": _NFT_WHOLE_FAMILY[version][1]}
        if op in ("==", "in"):
            return _ALL if mine[str(meta.get("key"))] in kinds else _NARROW
        return _ALL if op == "!=" and kinds and mine[str(meta.get("key"))] not in kinds else _NARROW
    flags = left.get("&") if isinstance(left, dict) else None
    if isinstance(flags, list) and (length := _nft_mask_prefix(flags)) is not None:
        # `ip saddr & 255.255.255.0 == 10.0.0.0` is `ip saddr 10.0.0.0/24` (R23N-2)
        prefix = {"prefix": {"addr": right, "len": length}}
        return _nft_reach({"op": op, "left": flags[0], "right": prefix}, walk, sets)
    if isinstance(left, dict) and left.get("payload") == {"protocol": "tcp", "field": "flags"}:
        flags = [left, []]
    if isinstance(flags, list) and flags and isinstance(flags[0], dict):
        # `tcp flags & (fin|syn|rst|ack) == syn`: every segment that opens a TCP connection,
        # to any port (iptables-extensions(8) --syn: "used to request TCP connection
        # initiation")
        field = flags[0].get("payload") or {}
        if field != {"protocol": "tcp", "field": "flags"}:
            return _NARROW
        opens = _nft_tcp_flags_open(flags[1] if len(flags) > 1 else [], str(op), right, sets)
        if opens is not None:
            return _BROAD if opens else _NARROW
        wanted = _nft_values(right, sets) or []
        syn = any("syn" in (v if isinstance(v, list) else [v]) for v in wanted)
        return _BROAD if op in ("==", "in") and syn else _NARROW
    ct = left.get("ct") if isinstance(left, dict) else None
    if isinstance(ct, dict):
        return _nft_ct_reach(ct, str(op), right, walk, sets)
    fib = left.get("fib") if isinstance(left, dict) else None
    if isinstance(fib, dict) and _nft_fib_route_back(fib, str(op), right):
        return _BROAD
    if isinstance(fib, dict) and fib.get("result") == "type":
        return _nft_fib_type_reach(fib, str(op), right, sets)
    if isinstance(fib, dict) and _nft_fib_local_none(fib, str(op), right):
        return _ALL
    if isinstance(fib, dict):
        return _NARROW
    payload = left.get("payload") if isinstance(left, dict) else None
    proto_field = (isinstance(meta, dict) and meta.get("key") == "l4proto") or (
        isinstance(payload, dict)
        and (payload.get("protocol"), payload.get("field"))
        == {"IPv4": ("ip", "protocol"), "IPv6": ("ip6", "nexthdr")}[version]
    )
    ip_field = (
        (payload.get("protocol"), payload.get("field")) if isinstance(payload, dict) else None
    )
    if not proto_field and ip_field in (("ip", "protocol"), ("ip6", "nexthdr")):
        return _NARROW  # the other version's header: none of this version's packets (R22N-4)
    if proto_field:
        return _BROAD if _transport_admitted(str(op), right, sets) else _NARROW
    if (
        isinstance(payload, dict)
        and payload.get("protocol") in _PORT_PROTOCOLS
        and payload.get("field") == "sport"
    ):
        # the sender chooses its source port: `udp sport 53` admits whoever sends from port
        # 53, to every port (P17-1), as the protocol alone does
        return _BROAD
    if isinstance(payload, dict) and payload.get("field") in _NFT_SENDER_FIELDS.get(
        str(payload.get("protocol")), ()
    ):
        # `ip ttl 64`, `ip length > 0`, `ip6 hoplimit 64`: a header field the sender sets as
        # it likes, to every address and port (R22N-3); an IPv6 packet has no `ip` header
        same = payload.get("protocol") == _NFT_WHOLE_FAMILY[version][0]
        return _BROAD if same else _NARROW
    if (
        isinstance(payload, dict)
        and payload.get("protocol") in _PORT_PROTOCOLS
        and payload.get("field") == "dport"
    ):
        admitted = _nft_ports_admitted(str(op), right, sets)
        return _BROAD if admitted > _BROAD_PORTS else _NARROW
    if isinstance(payload, dict) and (payload.get("protocol"), payload.get("field")) == (
        "ether",
        "daddr",
    ):
        return _nft_ether_daddr_reach(str(op), _nft_values(right, sets), walk.own)
    if isinstance(payload, dict) and (payload.get("protocol"), payload.get("field")) == (
        "ether",
        "saddr",
    ):
        # nft(8) ETHERNET HEADER EXPRESSION `ether saddr`: the sender's MAC, as iptables'
        # `--mac-source` (_IPT_WHO_OPTIONS); every MAC but some (`!=`) is every sender but
        # some, to every port, as `! --mac-source` is read (R27G-2: read as narrow)
        return _BROAD if op == "!=" else _NARROW
    proto = _NFT_WHOLE_FAMILY[version][0]
    if isinstance(meta, dict):
        return _NARROW
    if not (isinstance(payload, dict) and payload.get("protocol") == proto):
        return _NARROW
    if payload.get("field") not in ("saddr", "daddr"):
        return _NARROW
    if op == "!=":
        return _BROAD
    if op in _NFT_ORDERED:
        ordered = _ordered_blocks(str(op), right, version)
        if ordered is None:
            return _NARROW
        blocks = ordered
    elif op not in ("==", "in") or (addresses := _nft_values(right, sets)) is None:
        return _NARROW
    else:
        blocks = _networks(addresses, version)
    if payload.get("field") == "daddr":
        return _destination_reach(blocks, version, walk.own)
    return _source_reach(blocks, version)


_ETHER_DADDR = {"protocol": "ether", "field": "daddr"}
#: Why `ether daddr` is a question: the host's MACs are not in the evidence (R28G-3).
_MACS_UNREAD = 'whose share the host\'s MACs (`ip -j addr` "address", not listed) decide'


def _nft_ether_daddr_reach(op: str, values: list[Any] | None, own: Addresses) -> int:
    """The reach of `ether daddr` (nft(8) ETHERNET HEADER EXPRESSION: the frame's destination
    MAC). Every unicast frame to the host carries the MAC of the NIC it arrives on, so `ether
    daddr` of that MAC is every packet from that interface's network (_BROAD; _ALL when the
    MACs are those of every interface holding an address, or of the arrival interface), and `!=`
    a MAC not the host's is every such packet (_ALL). A group MAC (the I/G bit, the low bit of
    the first octet: broadcast, multicast) is no NIC's own. When a MAC the values may be is not
    known (`ip -j addr` not read, or without "address"), _OPAQUE. R28G-3: `ether daddr <the
    host's MAC> accept` was read as narrow and passed."""
    if values is None or op not in ("==", "in", "!="):
        return _NARROW
    named = {str(v).lower() for v in values if isinstance(v, str)}
    macs = {m for m in named if re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", m)}
    if len(macs) != len(values):
        return _BROAD if op == "!=" else _NARROW  # a value hvaudit does not read
    unicast = {m for m in macs if not int(m[:2], 16) & 1}
    if op != "!=" and not unicast:
        return _NARROW
    if own is None:
        return _OPAQUE
    devs = (own.arrival,) if own.arrival is not None else own.interfaces
    known = dict(own.macs)
    if any(d not in known for d in devs):
        return _OPAQUE
    hit = [d for d in devs if known[d] in unicast]
    if op == "!=":
        return _NARROW if len(hit) == len(devs) else _ALL if not hit else _BROAD
    return _NARROW if not hit else _ALL if len(hit) == len(devs) else _BROAD


def _nft_ct_field(ct: Mapping[str, Any]) -> tuple[str, str]:
    """The IP family ("" for either) and the key of a conntrack expression: `ct original ip
    saddr` is {"key": "ip saddr"} or {"key": "saddr", "family": "ip"} (libnftables-json(5) CT:
    "family": "ip" | "ip6")."""
    family, _, key = str(ct.get("key")).rpartition(" ")
    return family or str(ct.get("family") or ""), key


def _nft_ct_known(ct: Mapping[str, Any], match: Mapping[str, Any]) -> bool:
    """Whether _nft_ct_reach reads this conntrack match: the state and direction, the status
    flags by name (_NFT_CT_STATUS), the layer 3 and 4 protocol, and a tuple key with its
    direction (_NFT_CT_TUPLE), compared by ==, `in` or !=. Any other key, a tuple key without a
    direction, another operator or a value hvaudit cannot name is not read (R24N-1)."""
    key, direction = str(ct.get("key")), ct.get("dir")
    op = str(match.get("op", "=="))
    if key in ("state", "direction"):
        return True
    if key not in _NFT_CT_READ and key.rpartition(" ")[2] not in (
        "saddr",
        "daddr",
        "proto-src",
        "proto-dst",
    ):
        return False
    if op not in ("==", "in", "!=") or direction not in (None, "original", "reply"):
        return False
    if key == "status":
        flat: list[Any] = []
        for value in _nft_values(match.get("right"), {}) or []:
            flat += value if isinstance(value, list) else [value]
        return bool(flat) and all(str(v) in _NFT_CT_STATUS for v in flat)
    if key in _NFT_CT_READ:
        return True
    family, field = _nft_ct_field(ct)
    return family in ("", "ip", "ip6") and (str(direction), field) in _NFT_CT_TUPLE


def _nft_ct_reach(
    ct: Mapping[str, Any], op: str, right: Any, walk: _Walk, sets: Mapping[str, list[Any]]
) -> int:
    """The reach of a conntrack match _nft_ct_known reads (nft(8) CONNTRACK EXPRESSIONS):
    `ct state` admitting new and `ct direction original` are every packet of the version;
    `ct l3proto` the connection's IP version (nf_proto: ipv4, ipv6), every packet of the one
    it names; `ct protocol` the connection's transport protocol, as `meta l4proto`; `ct
    status` a share the nat rules and helpers decide, or with != every new connection
    (_NFT_CT_STATUS); a tuple key as the packet's own field (_NFT_CT_TUPLE): a source as `ip
    saddr`, a destination as `ip daddr`, a source port as `tcp sport` (the sender picks it), a
    destination port as `tcp dport`. The tuple of the other IP version's connections holds
    none of this version's packets (R24N-1: these were read as narrowing whatever they held,
    so `ct original saddr 0.0.0.0/0 accept` passed)."""
    version = walk.version
    key, direction = str(ct.get("key")), str(ct.get("dir"))
    values = _nft_values(right, sets)
    if key == "direction":
        dirs = {str(x) for x in values or []}
        if op in ("==", "in"):
            return _ALL if "original" in dirs else _NARROW
        return _ALL if op == "!=" and "original" not in dirs else _NARROW
    if key == "state":
        states = right.get("set") if isinstance(right, dict) else right
        named = {str(x) for x in (states if isinstance(states, list) else [states])}
        if op in ("==", "in"):
            return _ALL if "new" in named else _NARROW
        return _ALL if op == "!=" and "new" not in named else _NARROW
    if key == "l3proto":
        kinds = {str(v).lower() for v in values or []}
        mine = {"IPv4": {"ipv4", "ip", "2"}, "IPv6": {"ipv6", "ip6", "10"}}[version]
        if op == "!=":
            return _ALL if kinds and not kinds & mine else _NARROW
        return _ALL if kinds & mine else _NARROW
    if key == "protocol":
        return _BROAD if _transport_admitted(op, right, sets) else _NARROW
    if key == "status":
        return _ALL if op == "!=" else _NARROW
    family, field = _nft_ct_field(ct)
    if family and family != _NFT_WHOLE_FAMILY[version][0]:
        return _NARROW  # `ct original ip saddr`: IPv4 connections only
    role = _NFT_CT_TUPLE.get((direction, field))
    if role == "sport":
        return _BROAD
    if role == "dport":
        return _BROAD if _nft_ports_admitted(op, right, sets) > _BROAD_PORTS else _NARROW
    if values is None:
        return _NARROW  # a named set not in the ruleset
    blocks = _networks(values, version)
    if not family and values and not blocks:
        return _NARROW  # `ct original saddr` of addresses of the other version only
    if op == "!=":
        return _BROAD
    if role == "destination":
        got = _destination_reach(blocks, version, walk.own)
        if direction == "original" and got not in (_ALL, _OPAQUE) and _foreign(blocks, walk.own):
            # a dnat or redirect hands the host packets addressed elsewhere, with their
            # original destination kept in the tuple: nf_nat_core.c nf_nat_setup_info alters
            # the reply tuple only (`nf_conntrack_alter_reply(ct, &reply)`; read with
            # `find_string`) (R33F-3)
            nat = _nft_dnat_reach(walk)
            legacy = walk.legacy_dnat
            rewritten = (
                _BROAD if isinstance(nat, str) or isinstance(legacy, str) else max(nat, legacy)
            )
            return max(got, rewritten)
        return got
    return _source_reach(blocks, version)


def _foreign(blocks: list[Any], own: Addresses) -> bool:
    """Whether the blocks hold an address other than the host's own."""
    held = own.addresses if own is not None else ()
    return any(not (b.num_addresses == 1 and b.network_address in held) for b in blocks)


def _nft_catch_all_reach(left: Any, version: str) -> int:
    """The reach of a match on a set holding the catch-all `*` (`tcp dport @ports` with `elements
    = { 22, * }`; `nft -j` prints it "*", nftables src/json.c set_elem_catchall_expr_json):
    kernel commit aaa31047a6d2, "If the lookup fails to find an element (or range) in the set,
    then the catch-all element is selected", so the match holds for every packet that has the
    field: every port of a transport protocol (_BROAD), every packet of the version for any
    other field, none for the other IP version's header (R23N-3)."""
    payload = left.get("payload") if isinstance(left, dict) else None
    proto = str(payload.get("protocol")) if isinstance(payload, dict) else ""
    if proto in ("ip", "ip6"):
        return _ALL if proto == _NFT_WHOLE_FAMILY[version][0] else _NARROW
    return _BROAD if proto in _PORT_PROTOCOLS | {"icmp", "icmpv6"} else _ALL


def _nft_mask_prefix(masked: list[Any]) -> int | None:
    """The prefix length of an address match under a contiguous mask (`ip saddr & 255.255.0.0`,
    `nft -j` {"&": [payload, "255.255.0.0"]}), None for anything else."""
    left = masked[0] if masked and isinstance(masked[0], dict) else {}
    field, ct = left.get("payload"), left.get("ct")
    if not (len(masked) == 2 and isinstance(masked[1], str)):
        return None
    if isinstance(ct, dict):
        # a conntrack address of the tuple (`ct original saddr & 255.255.0.0`, R24N-1)
        family, name = _nft_ct_field(ct)
        if family not in ("", "ip", "ip6") or (str(ct.get("dir")), name) not in _NFT_CT_TUPLE:
            return None
        if name not in ("saddr", "daddr"):
            return None
    elif not isinstance(field, dict) or (field.get("protocol"), field.get("field")) not in {
        (p, f) for p in ("ip", "ip6") for f in ("saddr", "daddr")
    }:
        return None
    try:
        address = ipaddress.ip_address(masked[1])
    except ValueError:
        return None
    bits, mask = address.max_prefixlen, int(address)
    length = bin(mask).count("1")
    full = (1 << bits) - 1
    return length if mask == (full << (bits - length)) & full else None


def _nft_concat_reach(
    parts: list[Any], op: str, right: Any, walk: _Walk, sets: Mapping[str, list[Any]]
) -> int:
    """The reach of a match on a concatenation (nft(8) CONCATENATIONS: `ip saddr . tcp dport {
    10.0.0.0/8 . 22 }`, in `nft -j` {"concat": [...]} on both sides): an element matches when
    every part matches its value, so each element reaches as far as its narrowest part, and
    the match as far as its widest element, or as the elements' sources together when each of
    them is narrow by its source alone (`ip saddr . meta l4proto { 0.0.0.0/1 . tcp, 128.0.0.0/2
    . tcp }`: three quarters of the senders to every TCP port, as R28G-1 reads two rules). A
    part whose share hvaudit does not read (meta mark ...) narrows nothing here. `!=` holds
    every packet no element holds (the kernel's net/netfilter/nft_lookup.c nft_lookup_eval
    inverts the lookup of the whole concatenated key, `priv->invert`): at least every packet
    whose value of one part is none of the elements' values of it, so as wide as the widest
    part so negated (`ip saddr . tcp dport
    != { 10.0.0.0/8 . 22 }` is every sender outside 10.0.0.0/8, to every port). Values it cannot
    pair are _NARROW, as before (R22N-2; R29F-2: `!=` was _NARROW, and the elements' sources
    were not pooled)."""
    if op not in ("==", "in", "!="):
        return _NARROW
    widest, opaque = _NARROW, False
    pooled: dict[int, list[Any]] = {_ALL: [], _BROAD: []}  # sources by the rest's reach
    columns: list[list[Any]] = [[] for _ in parts]
    for value in _nft_values(right, sets) or []:
        if isinstance(value, dict) and isinstance(value.get("elem"), dict):
            value = value["elem"].get("val")
        values = value.get("concat") if isinstance(value, dict) else None
        if not (isinstance(values, list) and len(values) == len(parts)):
            continue
        for column, val in zip(columns, values, strict=True):
            column.append(val)
        reach, rest, unread, source = _ALL, _ALL, False, None
        for part, val in zip(parts, values, strict=True):
            one = {"op": "==", "left": part, "right": val}
            if _nft_match_kind(one) is None:
                got = _nft_reach(one, walk, sets)
                if got == _OPAQUE:
                    unread = True  # a part on the host's addresses, not read (R25G-1)
                    continue
                reach = min(reach, got)
                if source is None and (blocks := _nft_source_blocks(one, walk.version, sets)):
                    source = blocks
                else:
                    rest = min(rest, got)
        opaque = opaque or (unread and reach != _NARROW)
        widest = max(widest, reach if not unread else _NARROW)
        if source is not None and not unread and rest in pooled:
            pooled[rest] += source
            pooled[_BROAD] += source if rest == _ALL else []
    if op == "!=":
        widest = _NARROW
        for part, column in zip(parts, columns, strict=True):
            one = {"op": "!=", "left": part, "right": {"set": column}}
            if column and _nft_match_kind(one) is None:
                got = _nft_reach(one, walk, sets)
                opaque = opaque or got == _OPAQUE
                widest = max(widest, got)
        return _OPAQUE if opaque and widest == _NARROW else widest
    if _cover_all(pooled[_ALL], walk.version):
        widest = _ALL
    elif _source_reach(pooled[_BROAD], walk.version) != _NARROW:
        widest = max(widest, _BROAD)
    return _OPAQUE if opaque and widest == _NARROW else widest


#: IP header fields a sender sets as it likes, whatever address and port it sends to (nft(8)
#: PAYLOAD EXPRESSIONS, IPV4 HEADER EXPRESSION: version, hdrlength, dscp, ecn, length, id,
#: frag-off, ttl, checksum; IPV6 HEADER EXPRESSION: version, dscp, ecn, flowlabel, length,
#: hoplimit): a match on one of them picks packets by how they are sent, not by who sends them
#: or to which service, as a source port does (R22N-3).
_NFT_SENDER_FIELDS = {
    "ip": frozenset(
        {"version", "hdrlength", "dscp", "ecn", "length", "id", "frag-off", "ttl", "checksum"}
    ),
    "ip6": frozenset({"version", "dscp", "ecn", "flowlabel", "length", "hoplimit"}),
}


def _nft_fib_type_reach(
    fib: Mapping[str, Any], op: str, right: Any, sets: Mapping[str, list[Any]]
) -> int:
    """The reach of a fib address-type match (nft(8) FIB EXPRESSIONS: `fib daddr type local`;
    the types of fib_addrtype: unicast, local, broadcast, multicast ...). The kernel's
    nft_fib4_eval_type (net/ipv4/netfilter/nft_fib_ipv4.c) gives inet_dev_addr_type of the
    address, with the input device when `iif` is among the flags; __inet_dev_addr_type
    (net/ipv4/fib_frontend.c) answers RTN_UNICAST for an address the local table does not hold
    (on that device). So the daddr of every packet the input hook sees is `local` (with `iif`:
    of each packet to an address of its arrival interface, a broad share), and the saddr of
    every sender outside the host is `unicast`. A match admitting `local` on daddr is every
    packet (with `iif`, _BROAD); one admitting `unicast` on saddr every sender (_BROAD);
    anything else _NARROW. R25F-2: only `fib daddr type local` (one value, ==) was read, so
    `fib daddr type { local, broadcast } accept`, `fib daddr type != broadcast accept` and
    `fib saddr type unicast accept` passed."""
    flags = fib.get("flags")
    keys = {str(f) for f in (flags if isinstance(flags, list) else [flags])}
    types = {str(v) for v in _nft_values(right, sets) or []}
    if not (op in ("==", "in") or (op == "!=" and types)):
        return _NARROW

    def admits(kind: str) -> bool:
        return (kind in types) != (op == "!=")

    if "daddr" in keys and not keys - {"daddr", "iif"} and admits("local"):
        return _BROAD if "iif" in keys else _ALL
    if "saddr" in keys and not keys - {"saddr", "iif"} and admits("unicast"):
        return _BROAD
    return _NARROW


def _nft_fib_local_none(fib: Mapping[str, Any], op: str, right: Any) -> bool:
    """Whether a `fib daddr oif` / `oifname` match admits the result the kernel gives a packet
    to one of the host's addresses: none. net/ipv4/netfilter/nft_fib_ipv4.c nft_fib4_eval sets
    `*dest = 0` and returns on RTN_LOCAL ("Should not see RTN_LOCAL here"), and
    net/ipv6/netfilter/nft_fib_ipv6.c nft_fib6_eval likewise on RTF_LOCAL (read with
    `find_string`). So on the input hook `fib daddr oif missing` (`nft -j` false) or `fib daddr
    oifname != "eno3"` holds for every packet (R27G-3: read as narrow)."""
    flags = fib.get("flags")
    flags = flags if isinstance(flags, list) else [flags]
    if "daddr" not in flags or fib.get("result") not in ("oif", "oifname"):
        return False
    none = right in (False, 0, "0", "")
    if isinstance(right, int | str):  # bool is an int
        return none if op == "==" else op == "!=" and not none
    return False


def _nft_fib_route_back(fib: Mapping[str, Any], op: str, right: Any) -> bool:
    """Whether a fib match admits every source the host routes back to (nftables wiki
    "Matching routing information": `fib saddr . iif oif eq 0 drop` is reverse path filtering,
    "Accept if from any valid interface: ... fib saddr oif accept"; `nft -j` prints `exists` as
    true and `!= 0` as "0"): every sender of a routable address, to every port (R22N-3)."""
    flags = fib.get("flags")
    flags = flags if isinstance(flags, list) else [flags]
    if "saddr" not in flags or fib.get("result") not in ("oif", "oifname"):
        return False
    exists = op == "==" and right is True
    not_none = op == "!=" and right in (0, "0", False, "")
    return exists or not_none


#: Why a `fib saddr` output-interface match is a question (R28G-2).
_ROUTES_UNREAD = "whose share the host's routes (not collected) decide"


def _nft_fib_route_unread(fib: Mapping[str, Any], match: Mapping[str, Any]) -> str | None:
    """A `fib saddr [. iif] oif|oifname` match other than _nft_fib_route_back's, as nft lists it
    with _ROUTES_UNREAD, or None. net/ipv4/netfilter/nft_fib_ipv4.c nft_fib4_eval (torvalds/linux;
    nft_fib6_eval alike): without `daddr` it looks up the route back to the sender (`fl4.daddr =
    iph->saddr`) and gives that route's device (`found = FIB_RES_DEV(res)`), with `iif` only
    when the route uses the arrival interface (`if (!fib_info_nh_uses_dev(res.fi, oif))
    return;`, the result left 0). So `fib saddr oif "eno3"` is every sender routed back
    through eno3 (with a default route there, the whole Internet), `fib saddr oif missing`
    every sender without a route back (without a default route, nearly every one), and `fib
    saddr . iif oif missing` every sender whose address, which it chooses, routes through
    another interface: the share lies in the routing table, which hvaudit does not collect.
    R28G-2: all three were read as narrow, so their accept passed "policy drop"."""
    flags = fib.get("flags")
    flags = flags if isinstance(flags, list) else [flags]
    result = fib.get("result")
    if "saddr" not in flags or "daddr" in flags or result not in ("oif", "oifname"):
        return None
    op, right = str(match.get("op", "==")), match.get("right")
    if _nft_fib_route_back(fib, op, right):
        return None  # every routable sender: _BROAD
    keys = " . ".join(str(f) for f in ("saddr", "mark", "iif", "oif") if f in flags)
    value = "missing" if right is False else "exists" if right is True else None
    field = f"fib {keys} {result}"
    text = f"{field} {value}" if value and op == "==" else _nft_match_text(field, match)
    return f"{text}, {_ROUTES_UNREAD}"


#: How many chains deep a walk follows jumps: the kernel's own bound for nftables
#: (include/net/netfilter/nf_tables.h NFT_JUMP_STACK_SIZE 16; a deeper ruleset is refused).
#: A jump past it, or a longer iptables jump chain, hands its traffic to rules not followed:
#: a question (R25F-3: it was skipped, so an accept at the ninth chain passed "policy drop").
_MAX_DEPTH = 16
_TOO_DEEP = f"a jump deeper than the {_MAX_DEPTH} chains hvaudit follows"


@dataclass(frozen=True, slots=True)
class _NftRule:
    """One nft rule read: its final verdict (accept, drop, return, jump:CHAIN ...; None for
    none), the reach of its matches together, the matches and statements that pace it (meta
    hour, limit, a meter ...) with the reach they left uncapped, and the matches whose share
    the evidence does not show (meta mark, ct mark, an unknown statement ...) as named."""

    verdict: str | None
    reach: int
    paced: tuple[str, ...] = ()
    uncapped: int = _NARROW
    unread: tuple[str, ...] = ()
    xt: bool = False


def _nft_match_kind(match: Any) -> tuple[str, str] | None:
    """("paced", name) for a match that restricts only when or how a packet arrives
    (_NFT_META_PACED, _NFT_PACED_EXPRS); ("unread", name) for one whose share the evidence does
    not show (a meta or conntrack key outside _NFT_META_NARROW / _nft_ct_known, a socket, osf,
    ipsec or rt expression); None for the matches _nft_reach reads."""
    left = match.get("left") if isinstance(match, dict) else None
    if not isinstance(left, dict) or len(left) != 1:
        return None
    ((kind, arg),) = left.items()
    flags = _nft_tcp_flags_unread(match)
    if flags is not None:
        return "unread", flags
    if kind == "&" and isinstance(arg, list) and arg:
        # a masked field is read as the field, an address under a contiguous mask as its
        # prefix; any other mask on an address (`ip saddr & 0.0.0.255 == 0.0.0.5`: one in 256
        # of every network) is not read (R23N-2), nor any other masked field but TCP flags
        # (`tcp dport & 0 == 0`, `ct state & new != 0`: R24N-1)
        inner = _nft_match_kind({**match, "left": arg[0]})
        if inner is not None:
            return inner
        if _nft_mask_prefix(arg) is not None:
            return None
        if isinstance(arg[0], dict) and arg[0].get("payload") == {
            "protocol": "tcp",
            "field": "flags",
        }:
            return None
        mask = (
            "?"
            if len(arg) < 2
            else str(arg[1])
            if isinstance(arg[1], str)
            else (_nft_value_text(arg[1]))
        )
        return "unread", _nft_match_text(f"{_nft_left_text(arg[0])} & {mask}", match)
    if kind == "meta" and isinstance(arg, dict):
        key = str(arg.get("key"))
        if key in _NFT_META_PACED:
            return "paced", _nft_match_text(f"meta {key}", match)
        if key in _NFT_META_IFACE_CLASS:
            lo = key == "iiftype" and match.get("op", "==") in ("==", "in")
            lo = lo and {str(v) for v in _nft_values(match.get("right"), {}) or []} == {"loopback"}
            return None if lo else ("unread", _nft_match_text(f"meta {key}", match))
        if key in _NFT_META_NO_DEVICE and _nft_no_device_reach(key, match) is None:
            return "unread", _nft_match_text(f"meta {key}", match)
        return (
            None if key in _NFT_META_NARROW else ("unread", _nft_match_text(f"meta {key}", match))
        )
    if kind == "ct" and isinstance(arg, dict):
        key = str(arg.get("key"))
        named = f"ct {arg['dir']} {key}" if arg.get("dir") else f"ct {key}"
        return None if _nft_ct_known(arg, match) else ("unread", _nft_match_text(named, match))
    if kind in _NFT_PACED_EXPRS:
        return "paced", str(kind)
    if kind in _NFT_BINOPS and isinstance(arg, list) and len(arg) >= 2:
        # `tcp dport | 0xffff == 0xffff`, `tcp dport >> 1 >= 0`: what a field under another
        # bitwise operation or a shift admits is not read (R30F-3: read as narrow)
        written = f" {kind} ".join(
            _nft_left_text(x) if k == 0 else _nft_value_text(x) for k, x in enumerate(arg)
        )
        return "unread", _nft_match_text(written, match)
    if kind not in _NFT_LEFT_READ:
        # an expression _nft_reach does not know (a map lookup, an expression of a newer
        # nft): not knowing what it admits is no narrowing (R30F-3)
        return "unread", _nft_match_text(str(kind), match)
    if kind == "fib" and isinstance(arg, dict) and (routed := _nft_fib_route_unread(arg, match)):
        return "unread", routed
    if kind in ("socket", "osf", "ipsec", "rt", *_NFT_HEADER_OPTIONS):
        return "unread", str(kind)
    if kind == "payload" and isinstance(arg, dict) and not _nft_payload_read(arg):
        field = (
            f"{arg.get('protocol')} {arg.get('field')}"
            if "protocol" in arg
            else f"@{arg.get('base')},{arg.get('offset')},{arg.get('len')}"
        )
        return "unread", _nft_match_text(field, match)
    return None


_NFT_TCP_FLAGS = {"payload": {"protocol": "tcp", "field": "flags"}}
#: The binary operations of libnftables-json(5) BINARY OPERATION besides `&` (read by
#: _nft_mask_prefix and for TCP flags): `|`, `^`, `<<`, `>>`.
_NFT_BINOPS = frozenset({"|", "^", "<<", ">>"})


def _nft_tcp_flags_unread(match: Mapping[str, Any]) -> str | None:
    """A `tcp flags` match (bare or masked) as nft lists it when _nft_tcp_flags_open cannot
    read it (an operator other than ==, !=, `in`; a flag value or mask it cannot name; a named
    set), else None; one whose == or `in` names syn stays every port (the fail). Such a match
    may admit the opening SYN, to every port: its accept is a question (R25F-1: it was read as
    narrow)."""
    left, right = match.get("left"), match.get("right")
    masked = left.get("&") if isinstance(left, dict) else None
    if left == _NFT_TCP_FLAGS:
        mask: Any = []
        written = "tcp flags"
    elif isinstance(masked, list) and masked and masked[0] == _NFT_TCP_FLAGS:
        mask = masked[1] if len(masked) == 2 else None
        written = f"tcp flags & {_nft_value_text(mask)}"
    else:
        return None
    op = str(match.get("op", "=="))
    named = isinstance(right, str) and right.startswith("@")
    if mask is not None and not named and _nft_tcp_flags_open(mask, op, right, {}) is not None:
        return None
    wanted = _nft_values(right, {}) or []
    if op in ("==", "in") and any("syn" in (v if isinstance(v, list) else [v]) for v in wanted):
        return None  # names syn: _nft_reach reads it as every port (the fail)
    return _nft_match_text(written, match)


#: Expressions on extension headers and options (nft(8) EXTENSION HEADER EXPRESSIONS: `exthdr`,
#: `tcp option`, `ip option`, `sctp chunk`, `dccp option`): a sender writes them as it likes,
#: and hvaudit does not judge their share (R22N-6).
_NFT_HEADER_OPTIONS = ("exthdr", "tcp option", "ip option", "sctp chunk", "dccp option")
#: The left-hand expressions of a match _nft_reach reads (payload, meta, ct, fib, a
#: concatenation, a masked field), or that _nft_match_kind names as unread or paced before
#: (socket, osf, ipsec, rt, the header options; numgen and the hashes).
_NFT_LEFT_READ = frozenset(
    {"payload", "meta", "ct", "fib", "concat", "&", "socket", "osf", "ipsec", "rt"}
    | set(_NFT_HEADER_OPTIONS)
    | _NFT_PACED_EXPRS
)


def _nft_payload_read(payload: Mapping[str, Any]) -> bool:
    """Whether _nft_reach judges a payload match on this header field: the IP addresses and
    protocol, the header fields a sender sets (_NFT_SENDER_FIELDS), transport ports, TCP
    flags, ICMP and ICMPv6 fields, Ethernet addresses and the VLAN header. Any other field (a
    raw payload `@nh,0,8`, `ether type`, `udp length`, `tcp window` ...) is one whose share the
    evidence does not show: an accept under it is a question, as iptables' unread modules are
    (R22N-6)."""
    proto, field = str(payload.get("protocol")), str(payload.get("field"))
    if proto in ("ip", "ip6"):
        ip_read = {"saddr", "daddr", "protocol", "nexthdr"} | _NFT_SENDER_FIELDS[proto]
        return field in ip_read
    if proto in _PORT_PROTOCOLS and field in ("sport", "dport"):
        return True
    if proto == "ether":
        return field in ("saddr", "daddr")
    return (proto, field) == ("tcp", "flags") or proto in ("icmp", "icmpv6", "vlan")


def _nft_left_text(left: Any) -> str:
    """The field of a match as nft lists it (`tcp dport`, `ct original saddr`, `meta mark`)."""
    if isinstance(left, dict) and len(left) == 1:
        ((kind, arg),) = left.items()
        if kind == "payload" and isinstance(arg, dict) and "protocol" in arg:
            return f"{arg.get('protocol')} {arg.get('field')}"
        if kind == "concat" and isinstance(arg, list):
            return " . ".join(_nft_left_text(x) for x in arg)
        if kind in ("ct", "meta") and isinstance(arg, dict):
            return " ".join(str(x) for x in (kind, arg.get("dir"), arg.get("key")) if x)
    return json.dumps(left, separators=(",", ":"), sort_keys=True)


def _nft_match_text(name: str, match: Mapping[str, Any]) -> str:
    """A match as nft lists it, its value included (`meta mark 0x1`, `ct helper "ftp"`,
    `meta length != 0-100`, `meta hour "08:00"-"18:00"`): the operator only when not `==`."""
    op = str(match.get("op", "=="))
    value = _nft_value_text(match.get("right"))
    return f"{name} {value}" if op in ("==", "in") else f"{name} {op} {value}"


def _nft_value_text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value if value.startswith("@") or value.replace("-", "").isalnum() else f'"{value}"'
    if isinstance(value, list):
        return ",".join(_nft_value_text(v) for v in value)
    if isinstance(value, dict) and len(value) == 1:
        ((k, v),) = value.items()
        if k == "set" and isinstance(v, list):
            return "{ " + ", ".join(_nft_value_text(x) for x in v) + " }"
        if k == "range" and isinstance(v, list) and len(v) == 2:
            return f"{_nft_value_text(v[0])}-{_nft_value_text(v[1])}"
        if k == "prefix" and isinstance(v, dict):
            return f"{v.get('addr')}/{v.get('len')}"
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _opaque_as_broad(reach: int) -> int:
    """A reach hvaudit cannot read (the host's addresses not read, R25G-1) as _BROAD: how much
    traffic rules that assign something (notrack, a helper) can hold is over-read, not under."""
    return _BROAD if reach == _OPAQUE else reach


def _nft_notrack_reach(walk: _Walk) -> int | None:
    """How much traffic goes untracked: the widest reach of the rules that exempt packets from
    connection tracking (`notrack`, {"notrack": null} in `nft -j`: nft(8) "notrack: Disable
    connection tracking for the packet"; libnftables-json(5) NOTRACK). A match `ct state
    untracked` selects those packets, so it is as narrow as those rules (R24N-5: read as
    narrow whatever they held, so `notrack` in raw prerouting beside `ct state { established,
    related, untracked } accept` passed). _NARROW when no rule of a family that sees the IP
    version exempts any; None when an iptables-nft target (`-j NOTRACK`, `-j CT --notrack`,
    an `xt` target nft shows by name only) may."""
    widest = _NARROW
    for (family, table, name), rules in walk.rules.items():
        if family not in NFT_FAMILIES[walk.version] or (family, table, name) in walk.outbound:
            # an output-hook chain sees only what the host sends (nftables wiki "Netfilter
            # hooks": "Traffic flowing to the local machine in the input path sees the
            # prerouting and input hooks ... traffic that is generated by local processes
            # follows the output and postrouting path"): its notrack untracks none of the
            # packets the input hook judges (R29F-6, was a wrong fail)
            continue
        named = {n: e for (f, t, n), e in walk.sets.items() if (f, t) == (family, table)}
        for rule in rules:
            exprs = [e for e in rule.get("expr") or [] if isinstance(e, dict) and len(e) == 1]
            if any(
                "xt" in e
                and isinstance(e["xt"], dict)
                and str(e["xt"].get("name")).upper() in ("CT", "NOTRACK")
                for e in exprs
            ):
                return None
            if not any("notrack" in e for e in exprs):
                continue
            reach = _ALL
            for e in exprs:
                if "match" in e and _nft_match_kind(e["match"]) is None:
                    # the host's addresses not read (_OPAQUE): as broad, an over-read
                    reach = min(reach, _opaque_as_broad(_nft_reach(e["match"], walk, named)))
            widest = max(widest, reach)
    return widest


def _nft_untracked(match: Any) -> bool:
    """Whether a `ct state` match admits untracked packets and not new ones (a state match
    admitting new is every packet already)."""
    left = match.get("left") if isinstance(match, dict) else None
    if not (isinstance(left, dict) and left.get("ct") == {"key": "state"}):
        return False
    right, op = match.get("right"), str(match.get("op", "=="))
    states = right.get("set") if isinstance(right, dict) else right
    named = {str(x) for x in (states if isinstance(states, list) else [states])}
    if op in ("==", "in"):
        return "untracked" in named and "new" not in named
    return op == "!=" and "untracked" not in named and "new" in named


def _nft_helper_reach(walk: _Walk) -> int | None:
    """How much traffic the connections given a helper can hold: the widest reach of the rules
    that assign one (`ct helper set "ftp-std"`, {"ct helper": ...} in `nft -j`: nft(8) CT
    HELPER; the match `ct helper "ftp"` selects the packets of such connections, so it is as
    narrow as the rules that assign it). None when no nft rule assigns one: the kernel's
    automatic assignment (sysctl net.netfilter.nf_conntrack_helper, by the helper's ports) or
    an iptables `-t raw -j CT --helper` rule, neither in this evidence, decide."""
    widest: int | None = None
    for (family, table, _), rules in walk.rules.items():
        named = {n: e for (f, t, n), e in walk.sets.items() if (f, t) == (family, table)}
        for rule in rules:
            exprs = [e for e in rule.get("expr") or [] if isinstance(e, dict) and len(e) == 1]
            if not any("ct helper" in e for e in exprs):
                continue
            reach = _ALL
            for e in exprs:
                if "match" in e:
                    judged = _nft_match_kind(e["match"])
                    if judged is None:
                        # the host's addresses not read (_OPAQUE): as broad, an over-read
                        reach = min(reach, _opaque_as_broad(_nft_reach(e["match"], walk, named)))
            widest = reach if widest is None else max(widest, reach)
    return widest


#: conntrack's DNAT status (`ct status dnat`, iptables `--ctstate DNAT`): the kernel's
#: net/netfilter/nf_nat_core.c nf_nat_setup_info sets IPS_DST_NAT when a destination rewrite
#: changed the connection's tuple (`if (!nf_ct_tuple_equal(&new_tuple, &curr_tuple)) ...
#: ct->status |= IPS_DST_NAT`; read with `find_string`). A `redirect` (nft(8) NAT
#: STATEMENTS: to the host itself, "the primary address of the incoming interface") or a
#: `dnat` to one of the host's addresses hands the input hook what it rewrote, with the port
#: the packet asked for unless the statement gives one.
_DNAT_UNREAD = "whose packets the nat rules' dnat and redirect decide"


def _nat_expression(value: Any) -> str:
    """A nat statement's address or port as named: a literal as written, an expression by its
    kind (`map`, `range` ...: libnftables-json(5) EXPRESSIONS)."""
    if isinstance(value, dict) and len(value) == 1:
        return f"a {next(iter(value))} expression"
    return _nft_value_text(value)


def _nat_to_host(addr: Any, version: str, own: Addresses) -> bool | str:
    """Whether a dnat to this address delivers to the host (one of its addresses, or a
    loopback one), or why that is not known (a map, a range, the host's addresses unread)."""
    try:
        block = ipaddress.ip_network(str(addr), strict=False) if isinstance(addr, str) else None
    except ValueError:
        block = None
    if block is None:
        return f"to {_nat_expression(addr)}, an address hvaudit cannot read"
    if block.version != (4 if version == "IPv4" else 6):
        return False
    if block.is_loopback:
        return True
    if own is None:
        return False if _never_own(block) else f"to {addr}, {_OWN_UNREAD}"
    return any(a in block for a in own.addresses)


def _nat_port_kept(port: Any) -> bool | str:
    """Whether a nat statement's port (None: none given) leaves the packet more than half of
    the ports it asked for (_BROAD_PORTS): no port, or a range that wide; one port or a narrow
    range is one service. Why not known, for a map or an expression."""
    if port is None:
        return True
    got = _nft_port_intervals([port])
    if got is None:
        return f"to port {_nat_expression(port)}, which hvaudit cannot read"
    intervals, names = got
    return _port_count(intervals) + names > _BROAD_PORTS


def _nft_dnat_reach(walk: _Walk) -> int | str:
    """How much traffic reaches the input hook with conntrack's DNAT status (_DNAT_UNREAD): the
    widest reach of the rules that `redirect` or `dnat` to the host keeping more than half of
    the ports, in chains a prerouting chain reaches (R33F-1: `ct status dnat accept`, as
    firewalld's filter_INPUT accepts, was read as narrow whatever the nat rules held, so
    `meta l4proto tcp redirect` in a prerouting nat chain beside it passed). A dnat to another
    host is forwarded, never input. A text when hvaudit cannot read one: an iptables-nft
    DNAT or REDIRECT target (`nft -j` shows its name only), a map, an address it cannot
    read."""
    widest = _NARROW
    for (family, table, name), rules in walk.rules.items():
        if family not in NFT_FAMILIES[walk.version] or (family, table, name) in walk.outbound:
            continue
        named = {n: e for (f, t, n), e in walk.sets.items() if (f, t) == (family, table)}
        for rule in rules:
            exprs = [e for e in rule.get("expr") or [] if isinstance(e, dict) and len(e) == 1]
            where = f"{family} {table} {name} rule handle {rule.get('handle')}"
            if any(
                "xt" in e
                and isinstance(e["xt"], dict)
                and str(e["xt"].get("name")).upper() in ("DNAT", "REDIRECT", "NETMAP")
                for e in exprs
            ):
                return f"an iptables-nft DNAT or REDIRECT target ({where}, `nft -j` shows its name only)"
            nat = next((e for e in exprs if "dnat" in e or "redirect" in e), None)
            if nat is None:
                continue
            ((kind, arg),) = nat.items()
            at = arg if isinstance(arg, dict) else {}
            to_host: bool | str = True
            if kind == "dnat":
                proto = {"IPv4": "ip", "IPv6": "ip6"}[walk.version]
                if at.get("family", proto) != proto:
                    continue
                to_host = _nat_to_host(at.get("addr"), walk.version, walk.own)
            kept = _nat_port_kept(at.get("port"))
            for why in (to_host, kept):
                if isinstance(why, str):
                    return f"{where}: {kind} {why}"
            if not (to_host and kept):
                continue
            reach = _ALL
            for e in exprs:
                if "match" in e and _nft_match_kind(e["match"]) is None:
                    # the host's addresses not read (_OPAQUE): as broad, an over-read
                    reach = min(reach, _opaque_as_broad(_nft_reach(e["match"], walk, named)))
            widest = max(widest, reach)
    return widest


def _nft_ingress_ct(match: Any) -> bool | None:
    """At the ingress hook, before conntrack has seen the packet: whether a conntrack match
    holds every packet (True) or none (False); None for a match of another kind. The kernel's
    net/netfilter/nft_ct.c nft_ct_get_eval (read with `find_string`): with no conntrack entry
    the state is NF_CT_STATE_INVALID_BIT (`ct state invalid` holds every packet), and any other
    key breaks the rule (`if (ct == NULL) goto err`)."""
    left = match.get("left") if isinstance(match, dict) else None
    ct = left.get("ct") if isinstance(left, dict) else None
    if not isinstance(ct, dict):
        return None
    if ct.get("key") != "state":
        return False
    right = match.get("right")
    states = right.get("set") if isinstance(right, dict) else right
    named = {str(x) for x in (states if isinstance(states, list) else [states])}
    op = str(match.get("op", "=="))
    return ("invalid" in named) == (op in ("==", "in"))


def _nft_dnat_status(match: Any) -> bool:
    """Whether a match is `ct status dnat` (or a set of statuses holding dnat), by == or in."""
    left = match.get("left") if isinstance(match, dict) else None
    if not (isinstance(left, dict) and left.get("ct") == {"key": "status"}):
        return False
    if str(match.get("op", "==")) not in ("==", "in"):
        return False
    flat: list[Any] = []
    for value in _nft_values(match.get("right"), {}) or []:
        flat += value if isinstance(value, list) else [value]
    return "dnat" in (str(v) for v in flat)


def _nft_filled_sets(
    rules: Mapping[tuple[str, str, str], list[dict[str, Any]]],
) -> dict[tuple[str, str, str], str]:
    """The named sets and maps a rule fills from the packets it matches, each with the first
    such rule: the set statement `add @NAME { ip saddr }` / `update @NAME { ... }` (`nft -j`
    {"set": {"op": "add", "elem": ..., "set": "@NAME"}}, libnftables-json(5) SET "Dynamically
    add/update elements to a set"), the map statement likewise ({"map": {..., "map":
    "@NAME"}}) and a meter (`meter NAME { ip saddr ... }`, {"meter": {"name": NAME}}: nftables
    wiki "Meters", a meter is a dynamic set of that name). What such a set holds grows as
    packets arrive (port knocking: `tcp dport 7000 add @knock { ip saddr }`), so the elements
    `nft list ruleset` printed bound nothing (R24N-2), as an iptables recent list a `--set`
    rule fills."""
    out: dict[tuple[str, str, str], str] = {}
    for (family, table, chain), chain_rules in rules.items():
        for rule in chain_rules:
            for e in rule.get("expr") or []:
                if not (isinstance(e, dict) and len(e) == 1):
                    continue
                ((kind, arg),) = e.items()
                if not isinstance(arg, dict):
                    continue
                if kind == "meter":
                    name = str(arg.get("name"))
                elif kind in ("set", "map") and isinstance(arg.get(kind), str):
                    name = str(arg[kind]).removeprefix("@")
                else:
                    continue
                out.setdefault(
                    (family, table, name),
                    f"{family} {table} {chain} rule handle {rule.get('handle')}",
                )
    return out


def _nft_filled_match(match: Any, rule: Mapping[str, Any], walk: _Walk) -> str | None:
    """The match as written when it looks up a set a rule fills as packets arrive, else None."""
    right = match.get("right") if isinstance(match, dict) else None
    if not (isinstance(right, str) and right.startswith("@")):
        return None
    where = walk.filled.get((str(rule.get("family")), str(rule.get("table")), right[1:]))
    if where is None:
        return None
    op = str(match.get("op", "=="))
    written = f"{_nft_left_text(match.get('left'))}{'' if op in ('==', 'in') else ' ' + op} {right}"
    return f"{written}, whose set {where} fills with what the packets it matches carry"


def _nft_update_paced(kind: str, arg: Any) -> bool:
    """Whether a meter or set update statement holds a limit, quota or ct count for its key."""
    if not isinstance(arg, dict):
        return True  # a form hvaudit cannot read: as a limit (some packets get through)
    inner = arg.get("stmt")
    stmts = inner if isinstance(inner, list) else [inner] if inner is not None else []
    return any(isinstance(st, dict) and any(k in _NFT_SHARE for k in st) for st in stmts)


def _nft_verdict(rule: dict[str, Any], walk: _Walk, sets: Mapping[str, list[Any]]) -> _NftRule:
    """The rule's final verdict and the reach of its matches together: the narrowest of the
    matches _nft_reach reads (_ALL with none). A pacing match or statement (meta hour, day,
    time, pkttype, random, numgen, limit, quota, ct count, a meter or set update under a limit)
    caps that reach at _BROAD: its accept opens, its drop decides nothing. A match whose share
    the evidence does not show (an iptables-nft `xt` match, meta mark, ct mark, a statement
    hvaudit does not know) makes the rule _OPAQUE unless a match beside it is _NARROW (then it
    can only narrow further): its accept is a question, never skipped. A rule that reaches only
    some packets has no verdict (None, _NARROW), unless it returns: some packets leave the
    chain there, whatever its reach."""
    verdict, reach = None, _ALL
    paced: list[str] = []
    unread: list[str] = []
    xt = False
    for expr in rule.get("expr") or []:
        if not isinstance(expr, dict) or len(expr) != 1:
            return _NftRule(None, _NARROW)
        ((kind, arg),) = expr.items()
        if kind in ("accept", "drop", "reject", "return"):
            verdict = kind
        elif kind == "queue":
            # nft(8) QUEUE STATEMENT: "passes the packet to userspace ... Userspace must then
            # drop or re-inject the packet" (with `bypass`, accepted when no program listens)
            at = arg if isinstance(arg, dict) else {}
            flags = at.get("flags") or []
            bypass = "bypass" in (flags if isinstance(flags, list) else [flags])
            verdict = f"queue num {_nft_value_text(at.get('num', 0))}" + (" bypass" * bypass)
        elif kind in ("jump", "goto") and isinstance(arg, dict):
            verdict = f"{kind}:{arg.get('target')}"
        elif kind == "match":
            if walk.ingress and (at_ingress := _nft_ingress_ct(arg)) is not None:
                if not at_ingress:
                    return _NftRule(None, _NARROW)  # a conntrack key that breaks the rule
                continue  # `ct state invalid`: every packet there
            judged = _nft_match_kind(arg)
            if judged is not None and judged[1].startswith("ct helper"):
                helped = _nft_helper_reach(walk)
                if helped == _NARROW:
                    judged = None  # as narrow as the rules that assign the helper
                elif helped is None:
                    judged = ("unread", f"{judged[1]}, assigned by no nft rule")
            if judged is None and _nft_untracked(arg):
                untracked = _nft_notrack_reach(walk)
                if untracked is None:
                    judged = (
                        "unread",
                        "ct state untracked, beside an iptables-nft NOTRACK or CT target",
                    )
                elif walk.legacy_untracked is None:
                    # an iptables-legacy raw table's NOTRACK is in `iptables-save`, not in
                    # `nft -j` (R25F-4)
                    judged = (
                        "unread",
                        "ct state untracked, whose untracked packets an iptables raw table "
                        "(`iptables-save`, not read) may pick",
                    )
                else:
                    reach = min(reach, max(untracked, walk.legacy_untracked))
                    continue
            if judged is None and _nft_dnat_status(arg):
                dnat = _nft_dnat_reach(walk)
                if isinstance(dnat, str):
                    judged = ("unread", f"ct status dnat, {_DNAT_UNREAD}: {dnat}")
                elif isinstance(walk.legacy_dnat, str):
                    # an iptables-legacy nat table registers its own hooks, which `nft -j`
                    # does not show; `iptables-save` prints it
                    judged = ("unread", f"ct status dnat, {_DNAT_UNREAD}: {walk.legacy_dnat}")
                else:
                    reach = min(reach, max(dnat, walk.legacy_dnat))
                    continue
            if judged is None and (grown := _nft_filled_match(arg, rule, walk)) is not None:
                judged = ("grown", grown)
            if judged is None and (got := _nft_reach(arg, walk, sets)) == _OPAQUE:
                # a match on the host's addresses or interfaces, not read (R25G-1), or on its
                # MACs, not listed (R28G-3)
                left = arg.get("left")
                why = _MACS_UNREAD if left == {"payload": _ETHER_DADDR} else _OWN_UNREAD
                unread.append(f"{_nft_match_text(_nft_left_text(left), arg)}, {why}")
            elif judged is None:
                reach = min(reach, got)
            elif judged[0] == "grown":
                unread.append(judged[1])
            elif judged[0] == "paced":
                paced.append(judged[1])
            else:
                unread.append(judged[1])
        elif kind in _NFT_SHARE:
            paced.append(str(kind))
        elif kind in _NFT_SET_UPDATES:
            if _nft_update_paced(kind, arg):
                # `meter NAME`, or the set statement as written (`update @NAME`, `add @NAME`)
                at = arg if isinstance(arg, dict) else {}
                if kind == "meter":
                    paced.append(f"meter {at.get('name')}")
                else:
                    paced.append(f"{at.get('op', 'update')} {at.get(kind)}")
        elif kind == "xt":
            # xtables-nft(8): an iptables-nft extension match kept as nft_compat; `nft -j`
            # shows its name only (`-m conntrack --ctstate NEW` as {"xt": {"name":
            # "conntrack"}}), so what it matches is not in this evidence
            xt = True
        elif kind not in _NFT_NEUTRAL:
            unread.append(f"a {kind} statement")  # hvaudit does not judge it: not narrowing
    capped = min(reach, _BROAD) if paced else reach  # a rate or window: the rest goes on
    if (unread or xt) and capped != _NARROW:
        capped = _OPAQUE
    if capped == _NARROW and verdict != "return":
        return _NftRule(None, _NARROW)
    return _NftRule(verdict, capped, tuple(paced), reach, tuple(unread), xt)


def _nft_source_blocks(m: Any, version: str, sets: Mapping[str, list[Any]]) -> list[Any] | None:
    """The source blocks of one `ip saddr` / `ip6 saddr` match (or a conntrack tuple key that is
    the sender, `ct original saddr`) of literal addresses by == or `in`, or None."""
    left = m.get("left") if isinstance(m, dict) else None
    payload = left.get("payload") if isinstance(left, dict) else None
    ct = left.get("ct") if isinstance(left, dict) else None
    proto = _NFT_WHOLE_FAMILY[version][0]
    if isinstance(ct, dict):
        # `ct original saddr` / `ct reply daddr`: the sender, as `ip saddr` (R24N-1)
        family, name = _nft_ct_field(ct)
        role = _NFT_CT_TUPLE.get((str(ct.get("dir")), name))
        if family not in ("", proto) or role != "source":
            return None
    elif not (isinstance(payload, dict) and payload.get("protocol") == proto) or (
        payload.get("field") != "saddr"
    ):
        return None
    if m.get("op", "==") not in ("==", "in"):
        return None
    values = _nft_values(m.get("right"), sets)
    return (_networks(values, version) or None) if values is not None else None


def _nft_source_accept(
    rule: dict[str, Any], walk: _Walk, sets: Mapping[str, list[Any]]
) -> tuple[list[Any], int] | None:
    """The source blocks of a rule that accepts on one `ip saddr` / `ip6 saddr` match of
    literal addresses, and the reach of the rest of the rule (_ALL when nothing else, _BROAD
    when the rest is every port of a protocol, `meta l4proto tcp`), or None. R29F-2: only a
    source match alone was pooled, so `ip saddr 0.0.0.0/1 meta l4proto tcp accept` and the
    same from 128.0.0.0/2 (three quarters of the senders to every TCP port) passed."""
    exprs = [e for e in rule.get("expr") or [] if isinstance(e, dict) and len(e) == 1]
    if len(exprs) != len(rule.get("expr") or []) or not any("accept" in e for e in exprs):
        return None
    found = [
        (k, blocks)
        for k, e in enumerate(exprs)
        if "match" in e and (blocks := _nft_source_blocks(e["match"], walk.version, sets))
    ]
    if len(found) != 1:
        return None
    at, blocks = found[0]
    rest = _nft_verdict(dict(rule, expr=exprs[:at] + exprs[at + 1 :]), walk, sets)
    if rest.verdict != "accept" or rest.reach not in (_ALL, _BROAD):
        return None
    return blocks, rest.reach


def _nft_port_accept(
    rule: dict[str, Any], walk: _Walk, sets: Mapping[str, list[Any]]
) -> tuple[str, list[tuple[int, int]]] | None:
    """The protocol and port intervals of a rule that accepts on one destination port match
    (`tcp dport 1-32767`, by ==, `in` or a set) whose rest reaches every port of the protocol
    or more (nothing, `meta l4proto tcp`), or None. Such rules together open the ports they
    cover, as one rule of them does (R29F-3: `tcp dport 1-32767 accept` and `tcp dport
    32768-65535 accept`, every TCP port but 0, passed)."""
    exprs = [e for e in rule.get("expr") or [] if isinstance(e, dict) and len(e) == 1]
    if len(exprs) != len(rule.get("expr") or []) or not any("accept" in e for e in exprs):
        return None
    found = []
    for k, e in enumerate(exprs):
        m = e.get("match")
        if not isinstance(m, dict):
            continue
        left = m.get("left")
        payload = left.get("payload") if isinstance(left, dict) else None
        if (
            isinstance(payload, dict)
            and payload.get("protocol") in _PORT_PROTOCOLS
            and payload.get("field") == "dport"
            and m.get("op", "==") in ("==", "in")
        ):
            values = _nft_values(m.get("right"), sets)
            read = _nft_port_intervals(values) if values is not None else None
            if read is not None:
                found.append((k, str(payload["protocol"]), read[0]))
    if len(found) != 1:
        return None
    at, protocol, intervals = found[0]
    rest = _nft_verdict(dict(rule, expr=exprs[:at] + exprs[at + 1 :]), walk, sets)
    if rest.verdict != "accept" or rest.reach not in (_ALL, _BROAD):
        return None
    if _nft_other_protocol(exprs[:at] + exprs[at + 1 :], protocol, sets):
        return None
    return protocol, intervals


def _nft_other_protocol(exprs: Sequence[Any], protocol: str, sets: Mapping[str, list[Any]]) -> bool:
    """Whether a match beside a port match of `protocol` admits only other transports: `meta
    l4proto udp` (or `ip protocol`, `ip6 nexthdr` by == or a set of literal names or numbers),
    or a port match of another protocol's header (`udp dport != 53`; nft(8) PAYLOAD
    EXPRESSIONS: a header match implies its protocol). A rule of the chain `meta l4proto udp
    jump` goes to holds it too (R30F-1): its `tcp dport` matches nothing."""
    if protocol == "th":
        return False
    want = _PROTOCOL_NUMBERS[protocol]
    others = _PORT_PROTOCOLS - {"th", protocol}
    for e in exprs:
        m = e.get("match") if isinstance(e, dict) else None
        if not isinstance(m, dict) or not isinstance(m.get("left"), dict):
            continue
        left = m["left"]
        payload = left.get("payload") if isinstance(left.get("payload"), dict) else {}
        field = (payload.get("protocol"), payload.get("field"))
        if field[0] in others and field[1] in ("sport", "dport"):
            return True
        named = left == {"meta": {"key": "l4proto"}} or field in (
            ("ip", "protocol"),
            ("ip6", "nexthdr"),
        )
        if not named or m.get("op", "==") not in ("==", "in"):
            continue
        values = _nft_values(m.get("right"), sets)
        numbers = [_protocol_number(v) for v in values or [None]]
        if all(n is not None for n in numbers) and want not in numbers:
            return True
    return False


def _pooled_ports(pooled: Mapping[str, list[tuple[int, int]]]) -> str | None:
    """The protocol of which the pooled accepts hold more than half of the ports (`th`, the
    transport header of any of them, counts for each), or None."""
    for protocol in sorted(pooled):
        if _port_count(pooled[protocol] + list(pooled.get("th", []))) > _BROAD_PORTS:
            return protocol
    return None


@dataclass(slots=True)
class _Pool:
    """What the accepts read so far have opened, carried into the chains a rule jumps or goes
    to (R30F-1: pooling stopped at a chain's end, so `tcp dport 1-32767 accept` in input and
    `tcp dport 32768-65535 accept` in a chain input jumps to passed, though a jump only moves
    the walk: nft(8) VERDICT STATEMENT "jump: Continue evaluation at the first rule of a
    chain", "return: ... continue at the next rule of the last chain jumped to"; iptables(8)
    TARGETS, the same for `-j` / `-g` of a user-defined chain). Each list is what R28G-1,
    R29F-2 and R29F-3 pool within one chain; `before` counts the entries pooled before the walk
    entered the chain being read."""

    accepted: list[Any] = dataclass_field(default_factory=list)
    """Sources accepted by rules that match on nothing else."""
    some: list[Any] = dataclass_field(default_factory=list)
    """Sources accepted by rules whose rest is every port of a protocol or more (R29F-2)."""
    ports: dict[str, list[tuple[int, int]]] = dataclass_field(default_factory=dict)
    """Ports accepted by rules whose rest is every port of the protocol or more (R29F-3)."""

    def size(self) -> tuple[int, int, int]:
        return len(self.accepted), len(self.some), sum(len(v) for v in self.ports.values())


def _pooled_text(inherited: bool) -> str:
    """How a pooled accept's message says the pool began in a chain that jumped here."""
    return ", with the accepts read before this chain" if inherited else ""


def _vmap_rules(rule: dict[str, Any], maps: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    """A rule whose verdict is a verdict map (nft(8) MAPS, `vmap`: the verdict is the one the
    map holds for the key) as one rule per entry: the rule's matches, `key == value`, and that
    entry's verdict (`ct state vmap { new : accept }` is `ct state new accept`). The catch-all
    element `*` ("If the lookup fails to find an element (or range) in the set, then the
    catch-all element is selected": kernel commit aaa31047a6d2, "netfilter: nftables: add
    catch-all set element support"; nftables src/json.c set_elem_catchall_expr_json prints it
    as "*") is the rule's matches alone, after every keyed entry (R22N-1). A map that is not
    in the ruleset, or an entry hvaudit cannot read, leaves a rule of no verdict."""
    exprs = rule.get("expr") or []
    at = next((k for k, e in enumerate(exprs) if isinstance(e, dict) and "vmap" in e), None)
    if at is None:
        return [rule]
    vmap = exprs[at]["vmap"]
    data = vmap.get("data") if isinstance(vmap, dict) else None
    if isinstance(data, str) and data.startswith("@"):
        entries: Any = maps.get(data[1:])
    else:
        entries = data.get("set") if isinstance(data, dict) else None
    out, last = [], []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("elem"), dict):
            entry = entry["elem"].get("val")
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], dict)):
            continue
        key, verdict = entry
        if key == "*":
            last.append(dict(rule, expr=[*exprs[:at], verdict, *exprs[at + 1 :]], catchall=1))
            continue
        match = {"match": {"op": "==", "left": vmap.get("key"), "right": key}}
        out.append(dict(rule, expr=[*exprs[:at], match, verdict, *exprs[at + 1 :]]))
    out += last
    return out or [dict(rule, expr=[*exprs[:at], {"vmap-unread": None}])]


def _nft_chain_outcome(
    chain: tuple[str, str, str],
    walk: _Walk,
    depth: int,
    pool: _Pool | None = None,
    guard: Sequence[Any] = (),
    narrow: bool = False,
) -> tuple[str | None, str]:
    """The first verdict in a chain that every packet of the IP version meets (following jumps),
    with the rule that gave it. A rule of broad reach (every TCP port, every source but some)
    decides only when it accepts: it opens that share of the host whatever comes after, while
    its drop leaves the rest to the rules below. A return of every packet ends the chain; after
    a return of some packets, a drop of the rest decides nothing for the whole chain. `pool`
    holds what the accepts before the jump here opened, `guard` the matches of the rules that
    jumped here: a rule here is pooled as if it held them too (R30F-1). `narrow`: the rule that
    jumped here matched a narrow share (`ip saddr 0.0.0.0/1 jump x`), so the rules here are read
    with its matches, for what they add to the pool only (R30F-7)."""
    named = {n: e for (f, t, n), e in walk.sets.items() if (f, t) == chain[:2]}
    version = walk.version
    pool = _Pool() if pool is None else pool
    accepted, some, ports = pool.accepted, pool.some, pool.ports
    before = pool.size()
    returned = False  # some packets have left the chain by a return
    unseen: list[str] = []  # rules whose matches nft does not show: the verdict is open
    maps = {n: e for (f, t, n), e in walk.maps.items() if (f, t) == chain[:2]}
    for rule in (r for each in walk.rules.get(chain, []) for r in _vmap_rules(each, maps)):
        if narrow:
            # under a narrow jump every rule here is as narrow: only the pool can open (R30F-7)
            rule = dict(rule, expr=[*guard, *(rule.get("expr") or [])])
        read = _nft_verdict(rule, walk, named)
        verdict, reach = read.verdict, read.reach
        if narrow and verdict not in (None, "return"):
            continue
        if reach == _OPAQUE and verdict is not None:
            if verdict in ("drop", "reject"):
                continue  # a drop of some share decides nothing
            under = ["an iptables-nft match nft does not show"] if read.xt else []
            under += [
                u
                if " fills with " in u or u.endswith((_OWN_UNREAD, _ROUTES_UNREAD, _MACS_UNREAD))
                else f"{u}, a match whose share hvaudit cannot read"
                for u in read.unread
            ]
            unseen.append(
                f"{' '.join(chain)} rule handle {rule.get('handle')} ({verdict} under "
                f"{'; '.join(under)})"
            )
            continue
        if unseen and verdict is not None:
            if verdict == "return" and reach != _ALL:
                continue
            break  # whether any packet gets this far depends on what was not seen
        if verdict is None:
            # as if it held the matches of the rules that jumped here (R30F-1)
            seen = (
                dict(rule, expr=[*guard, *(rule.get("expr") or [])])
                if guard and not narrow
                else rule
            )
            opened = _nft_port_accept(seen, walk, named)
            if opened is not None:
                ports.setdefault(opened[0], []).extend(opened[1])
                if (protocol := _pooled_ports(ports)) is not None:
                    return "accept", (
                        f"{' '.join(chain)} rules up to handle {rule.get('handle')} (ports "
                        f"that together cover more than half of every port of {protocol}"
                        f"{_pooled_text(before[2] > 0)})"
                    )
            pooled = _nft_source_accept(seen, walk, named)
            if pooled is not None:
                blocks, rest = pooled
                accepted += blocks if rest == _ALL else []
                some += blocks
                if _cover_all(accepted, version):
                    return "accept", (
                        f"{' '.join(chain)} rules up to handle {rule.get('handle')} accept "
                        f"sources that together cover every {version} address"
                        f"{_pooled_text(before[0] > 0)}"
                    )
                if _source_reach(accepted, version) == _BROAD:
                    return "accept", (  # R28G-1
                        f"{' '.join(chain)} rules up to handle {rule.get('handle')} (sources "
                        f"that together cover {_most_senders_text(version)}, to every port of "
                        f"every protocol{_pooled_text(before[0] > 0)})"
                    )
                if _source_reach(some, version) != _NARROW:
                    return "accept", (  # R29F-2
                        f"{' '.join(chain)} rules up to handle {rule.get('handle')} (sources "
                        f"that together cover {_most_senders_text(version)}, each to every "
                        f"port of a protocol or more{_pooled_text(before[1] > 0)})"
                    )
            hop = next(
                (
                    (k, e[k].get("target"))
                    for e in rule.get("expr") or []
                    if isinstance(e, dict)
                    for k in ("jump", "goto")
                    if isinstance(e.get(k), dict)
                ),
                None,
            )
            if hop is not None and isinstance(hop[1], str) and depth < _MAX_DEPTH:
                # a jump of a narrow share: what the chain it jumps to accepts of that share
                # still adds to the pool (R30F-7: `ip saddr 0.0.0.0/1 jump x` and `ip saddr
                # 128.0.0.0/2 jump x` to a chain that accepts, three quarters of the senders,
                # passed)
                held = [
                    *(() if narrow else guard),
                    *(e for e in rule.get("expr") or [] if not ("jump" in e or "goto" in e)),
                ]
                sub, sub_where = _nft_chain_outcome(
                    (chain[0], chain[1], hop[1]), walk, depth + 1, pool, held, narrow=True
                )
                if sub == "accept":
                    return "accept", (
                        f"{' '.join(chain)} rule handle {rule.get('handle')} -> {sub_where}"
                    )
            continue
        if verdict == "return":
            if reach == _ALL:
                return None, ""
            returned = True
            continue
        where = f"{' '.join(chain)} rule handle {rule.get('handle')}"
        if verdict.startswith("queue"):
            # as iptables' NFQUEUE: what the program does with the packet is not in evidence
            unseen.append(f"{where} ({verdict}: a program in user space decides)")
            continue
        if read.paced:
            # meta hour, pkttype, limit, a meter ...: when or how often, not who
            what = (
                f"matches every {version} packet"
                if read.uncapped == _ALL
                else "matches every port of a protocol or every source but some"
            )
            where += f" ({what}; {', '.join(read.paced)} restricts neither source nor port)"
        elif reach == _BROAD:
            where += " (matches every port of a protocol or every source but some)"
        elif rule.get("catchall"):
            where += " (its verdict map's catch-all `*`: every packet no other key holds)"
        elif any(isinstance(e, dict) and "match" in e for e in rule.get("expr") or []):
            where += f" (matches every {version} packet)"
        if verdict == "accept":
            return verdict, where
        if verdict in ("drop", "reject"):
            if reach == _ALL:
                return (None, "") if returned else (verdict, where)
            continue
        if depth >= _MAX_DEPTH:
            unseen.append(f"{where} ({_TOO_DEEP})")
            continue
        target = (chain[0], chain[1], verdict.split(":", 1)[1])
        # the jump's own matches guard what the chain it jumps to accepts (R30F-1)
        held = [
            *guard,
            *(e for e in rule.get("expr") or [] if not ("jump" in e or "goto" in e)),
        ]
        sub, sub_where = _nft_chain_outcome(target, walk, depth + 1, pool, held)
        if sub == "unknown":
            unseen.append(sub_where)
        elif sub == "accept" or (sub is not None and reach == _ALL and not returned):
            return sub, f"{where} -> {sub_where}"
        elif verdict.startswith("goto") and reach == _ALL:
            break
    if unseen:
        return "unknown", "; ".join(unseen)
    return None, ""


#: The nftables families whose input hook sees each IP version (nftables wiki, "Nftables
#: families": ip tables see IPv4 only, ip6 tables IPv6, inet tables both; arp, bridge and netdev
#: tables filter other layers or other hooks).
NFT_FAMILIES = {"IPv4": ("ip", "inet"), "IPv6": ("ip6", "inet")}


@dataclass(frozen=True, slots=True)
class _NftRuleset:
    """An `nft -j list ruleset` read into its input-hook base chains (each with its policy),
    every chain's rules, the named sets and maps (by family, table, name) and the tables'
    flags."""

    bases: list[tuple[tuple[str, str, str], str]]
    rules: dict[tuple[str, str, str], list[dict[str, Any]]]
    sets: dict[tuple[str, str, str], list[Any]]
    maps: dict[tuple[str, str, str], list[Any]]
    table_flags: dict[tuple[str, str], list[str]]
    outbound: frozenset[tuple[str, str, str]] = frozenset()
    gates: tuple[tuple[tuple[str, str, str], str], ...] = ()
    """The filter-type base chains of the prerouting hook, each with its policy (R30F-5)."""
    nat: frozenset[tuple[str, str, str]] = frozenset()
    """The input-hook base chains of a type other than filter (nat: R32F-2)."""
    ingress: tuple[tuple[tuple[str, str, str], str, tuple[str, ...]], ...] = ()
    """The filter base chains of the ingress hook (netdev, inet), each with its policy and the
    devices it is attached to (R33F-2)."""


def _nft_ruleset(items: Sequence[Any]) -> _NftRuleset:
    """The ruleset of `nft -j list ruleset` items (_NftRuleset)."""
    bases: list[tuple[tuple[str, str, str], str]] = []
    rules: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    sets: dict[tuple[str, str, str], list[Any]] = {}
    maps: dict[tuple[str, str, str], list[Any]] = {}
    table_flags: dict[tuple[str, str], list[str]] = {}
    hooks: dict[tuple[str, str, str], str | None] = {}  # every chain, with its hook
    nat: set[tuple[str, str, str]] = set()
    gates: list[tuple[tuple[str, str, str], str]] = []
    ingress: list[tuple[tuple[str, str, str], str, tuple[str, ...]]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        chain, rule, nset = item.get("chain"), item.get("rule"), item.get("set")
        table, nmap = item.get("table"), item.get("map")
        if isinstance(table, dict):
            flags = table.get("flags") or []
            table_flags[(str(table.get("family")), str(table.get("name")))] = [
                str(f) for f in (flags if isinstance(flags, list) else [flags])
            ]
        # an empty set or map is listed without "elem" (nftables src/json.c set_print_json:
        # `if (!nft_output_terse(octx) && set->init && expr_set(set->init)->size > 0)`): it
        # holds nothing, so `tcp dport != @empty` is every port (R25F-5: read as a set not in
        # the ruleset, narrow)
        if isinstance(nset, dict) and isinstance(nset.get("elem", []), list):
            skey = (str(nset.get("family")), str(nset.get("table")), str(nset.get("name")))
            sets[skey] = list(nset.get("elem", []))
        if isinstance(nmap, dict) and isinstance(nmap.get("elem", []), list):
            mkey = (str(nmap.get("family")), str(nmap.get("table")), str(nmap.get("name")))
            maps[mkey] = list(nmap.get("elem", []))
        if isinstance(chain, dict):
            key = (str(chain.get("family")), str(chain.get("table")), str(chain.get("name")))
            hook = chain.get("hook")
            hooks[key] = str(hook) if hook is not None else None
            if hook == "input":
                bases.append((key, str(chain.get("policy", "accept"))))
                if chain.get("type", "filter") != "filter":
                    nat.add(key)
            elif hook == "prerouting" and chain.get("type", "filter") == "filter":
                gates.append((key, str(chain.get("policy", "accept"))))
            elif (
                hook == "ingress"
                and key[0] in ("netdev", "inet")
                and chain.get("type", "filter") == "filter"
            ):
                # nftables src/json.c chain_print_json: "dev" is the one device's name, or a
                # list of them
                dev = chain.get("dev")
                devs = tuple(str(d) for d in (dev if isinstance(dev, list) else [dev]) if d)
                ingress.append((key, str(chain.get("policy", "accept")), devs))
        elif isinstance(rule, dict):
            key = (str(rule.get("family")), str(rule.get("table")), str(rule.get("chain")))
            rules.setdefault(key, []).append(rule)
    outbound = _nft_outbound(hooks, rules, maps)
    return _NftRuleset(
        bases,
        rules,
        sets,
        maps,
        table_flags,
        outbound,
        tuple(gates),
        frozenset(nat),
        tuple(ingress),
    )


#: Hooks whose chains never see a packet sent to the host (nftables wiki "Netfilter hooks":
#: "Traffic flowing to the local machine in the input path sees the prerouting and input
#: hooks ... traffic that is generated by local processes follows the output and postrouting
#: path"; forwarded traffic sees prerouting, forward and postrouting).
_NFT_NOT_INBOUND_HOOKS = frozenset({"output", "forward", "postrouting"})


def _nft_targets(value: Any) -> set[str]:
    """The chains a rule's verdicts, or a verdict map's entries, jump or go to."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("jump", "goto") and isinstance(v, dict) and isinstance(v.get("target"), str):
                out.add(v["target"])
            else:
                out |= _nft_targets(v)
    elif isinstance(value, list):
        for v in value:
            out |= _nft_targets(v)
    return out


def _nft_outbound(
    hooks: Mapping[tuple[str, str, str], str | None],
    rules: Mapping[tuple[str, str, str], list[dict[str, Any]]],
    maps: Mapping[tuple[str, str, str], list[Any]],
) -> frozenset[tuple[str, str, str]]:
    """The chains that never see a packet sent to the host (_NftRuleset.outbound): those no
    chain of another hook reaches. A regular chain sees only what a jump or goto hands it
    (nft(8) CHAINS: a regular chain "is not attached to any hook"), so one only an output
    chain jumps to, or none, untracks nothing inbound (R30F-4, was a wrong fail, R29F-6's
    lead). A rule naming a verdict map (`vmap @NAME`) reaches the chains of every map of
    its table, an over-read."""
    seen = {
        key
        for key, hook in hooks.items()
        if hook is not None and hook not in _NFT_NOT_INBOUND_HOOKS
    }
    todo = list(seen)
    while todo:
        family, table, name = todo.pop()
        targets = _nft_targets(rules.get((family, table, name), []))
        named_map = any(
            isinstance(e, dict)
            and isinstance(e.get("vmap"), dict)
            and isinstance(e["vmap"].get("data"), str)
            for r in rules.get((family, table, name), [])
            for e in r.get("expr") or []
        )
        if named_map:
            for (f, t, _), elems in maps.items():
                if (f, t) == (family, table):
                    targets |= _nft_targets(elems)
        for target in targets:
            key = (family, table, target)
            if key not in seen:
                seen.add(key)
                todo.append(key)
    return frozenset(key for key in hooks if key not in seen)


def nft_untracked_reach(items: Sequence[Any], own: Mapping[str, Addresses]) -> dict[str, int | str]:
    """Per IP version, how much traffic the `notrack` rules of an `nft -j list ruleset` exempt
    from connection tracking (_nft_notrack_reach), or why that is not known: an iptables-nft
    NOTRACK or CT target, which `nft -j` shows by name only. For iptables' `--ctstate
    UNTRACKED`, which matches those packets whichever tool untracked them (R26F-1)."""
    read = _nft_ruleset(items)
    out: dict[str, int | str] = {}
    for version in NFT_FAMILIES:
        walk = _Walk(
            read.rules, read.sets, version, own.get(version), read.maps, outbound=read.outbound
        )
        reach = _nft_notrack_reach(walk)
        out[version] = (
            "an iptables-nft NOTRACK or CT target (which `nft -j` shows by name only)"
            if reach is None
            else reach
        )
    return out


def nft_dnat_reach(items: Sequence[Any], own: Mapping[str, Addresses]) -> dict[str, int | str]:
    """Per IP version, how much traffic the dnat and redirect rules of an `nft -j list ruleset`
    hand the input hook with conntrack's DNAT status (_nft_dnat_reach), or why that is not
    known. For iptables' `--ctstate DNAT`, which matches those packets whichever tool rewrote
    them (R33F-1)."""
    read = _nft_ruleset(items)
    return {
        version: _nft_dnat_reach(
            _Walk(
                read.rules, read.sets, version, own.get(version), read.maps, outbound=read.outbound
            )
        )
        for version in NFT_FAMILIES
    }


def nft_input_verdicts(
    items: Sequence[Any],
    own: Mapping[str, Addresses],
    xtables: Mapping[str, tuple[str, str] | None] | None = None,
    untracked: Mapping[str, int | None] | None = None,
    dnat: Mapping[str, int | str] | None = None,
    links: Sequence[str] | None = None,
) -> dict[str, tuple[str, str]] | None:
    """Per IP version, ("drop", "accept" or "unknown", why) of the input-hook base chains of an
    `nft -j list ruleset`, or None when the ruleset has no input-hook chain. Every base chain of
    a family that sees the version is read in rule order; an accept of _ALL or _BROAD reach
    before any drop of _ALL reach opens the host whatever the chain's policy says. A packet must
    pass every base chain of the hook, so one chain that drops the rest is a default deny. A
    dormant table filters nothing; a table with a flag hvaudit cannot name (nftables 1.0.6
    prints a dormant table's flags wrongly, as "filter") may or may not: its drop decides only
    as a question. The `ip filter` / `ip6 filter` tables iptables-nft keeps (their rules hold
    `xt` matches, which `nft -j` shows by name only) are judged from `iptables -S` /
    `ip6tables -S` instead (`xtables`, per version: the verdict of iptables_policy, None when
    not read); without it, an accept under such a match is a question. `untracked`, per
    version: what the iptables raw table's notrack rules exempt from connection tracking
    (iptables_untracked; an iptables-legacy table is not in `nft -j`), which `ct state
    untracked` then matches too (R25F-4). A filter chain of the prerouting hook, which every
    packet to the host passes before input, counts where it drops the rest (R30F-5). `dnat`,
    per version: what the iptables nat table's rules hand the input hook with conntrack's DNAT
    status (iptables_dnat), which `ct status dnat` matches too (R33F-1). An ingress chain that
    drops the rest is a default deny where such chains are attached to every device the host
    has but lo (`links`: the devices of `ip -j -d link`; None when not read) (R33F-2). Without an input chain, None unless a prerouting
    or ingress chain drops the rest."""
    read = _nft_ruleset(items)
    bases, rules, sets, maps = read.bases, read.rules, read.sets, read.maps
    table_flags = read.table_flags
    if not bases and not read.gates and not read.ingress:
        return None
    xt_tables = {
        key[:2]
        for key, chain_rules in rules.items()
        for r in chain_rules
        if any(isinstance(e, dict) and "xt" in e for e in r.get("expr") or [])
    }
    verdicts: dict[str, tuple[str, str]] = {}
    filled = _nft_filled_sets(rules)
    for version, families in NFT_FAMILIES.items():
        legacy = _NARROW if untracked is None else untracked.get(version, _NARROW)
        walk = _Walk(
            rules,
            sets,
            version,
            own.get(version),
            maps,
            filled,
            legacy,
            read.outbound,
            legacy_dnat=_NARROW if dnat is None else dnat.get(version, _NARROW),
        )
        findings = []
        effective = "accept"
        unsure: list[str] = []
        for key, policy in bases:
            if key[0] not in families:
                continue
            name = " ".join(key)
            flags = table_flags.get(key[:2], [])
            if "dormant" in flags:
                findings.append(f"{name}: table {key[0]} {key[1]} is dormant, filters nothing")
                continue
            odd = [f for f in flags if f not in _NFT_TABLE_FLAGS]
            verdict: str | None
            if key in read.nat:
                # nft(8) CHAINS, type nat: "Only the first packet of a connection actually
                # traverses this chain": a packet conntrack does not track (a notrack rule's,
                # or one it finds invalid) never does, and its accept ends this chain only, the
                # filter chains still judging (R32F-2: read as a filter chain, its drop policy
                # passed with every packet untracked). Its drop is a question, its accept
                # nothing.
                verdict, where = _nft_chain_outcome(key, walk, 0)
                if verdict in ("drop", "reject") or (verdict is None and policy == "drop"):
                    unsure.append(
                        f"{name} is a nat chain: it drops the first packet of a tracked "
                        "connection, but packets conntrack does not track (notrack, invalid) "
                        "never traverse a nat chain (nft(8) CHAINS)"
                    )
                continue
            from_ipt = (xtables or {}).get(version)
            own_family = {"IPv4": "ip", "IPv6": "ip6"}[version]
            if key[:2] == (own_family, "filter") and key[:2] in xt_tables and from_ipt:
                verdict, where = from_ipt
                tool = "iptables" if version == "IPv4" else "ip6tables"
                where = f"(iptables-nft, read from `{tool} -S`) {where}"
                if verdict == "drop":
                    effective = "drop"
                    findings.append(f"{name} {where}")
                    continue
                if verdict == "accept" and "policy ACCEPT" in where:
                    findings.append(f"{name} {where}: nothing drops the rest")
                    continue
            else:
                verdict, where = _nft_chain_outcome(key, walk, 0)
            if verdict == "accept":
                what = "that traffic" if "every port of" in where else "all traffic"
                findings.append(f"{name}: policy {policy}, but {where} accepts {what}")
            elif verdict == "unknown":
                unsure.append(f"{name}: {where}")
            elif odd and (verdict in ("drop", "reject") or policy == "drop"):
                unsure.append(
                    f"{name} would drop the rest, but its table has flags {', '.join(odd)}, "
                    "which nft does not name (a dormant table filters nothing)"
                )
            elif verdict in ("drop", "reject"):
                effective = "drop"
                findings.append(f"{name}: {where} drops the rest")
            elif policy == "drop":
                effective = "drop"
                findings.append(f"{name}: policy drop")
            else:
                findings.append(f"{name}: policy {policy}")
        for key, policy in read.gates:
            # every packet to the host passes the prerouting hook before input (nftables wiki
            # "Netfilter hooks"), so a prerouting filter chain that drops the rest is a default
            # deny too (R30F-5, was a wrong fail: only input chains were read). Its accepts end
            # that chain only, and the input chains still judge what it lets through: only its
            # drop counts, in a table that filters (not dormant, no flag hvaudit cannot name).
            flags = table_flags.get(key[:2], [])
            if key[0] not in families or any(
                f not in _NFT_TABLE_FLAGS - {"dormant"} for f in flags
            ):
                continue
            verdict, where = _nft_chain_outcome(key, walk, 0)
            name = " ".join(key)
            if verdict in ("drop", "reject"):
                effective = "drop"
                findings.append(f"{name} (prerouting, before input): {where} drops the rest")
            elif verdict is None and policy == "drop":
                effective = "drop"
                findings.append(f"{name} (prerouting, before input): policy drop")
        if _ingress_gates(read, walk, families, links, findings, unsure):
            effective = "drop"
        if effective != "drop" and unsure:
            effective = "unknown"
            findings = unsure
        if not findings and version == "IPv6":
            findings.append(f"no {' or '.join(families)} input chain (ip tables see IPv4 only)")
        elif not findings:
            # R32F-1 (wording): the input chains here are all of families that do not see IPv4
            # (nftables wiki "Nftables families": ip6 tables see IPv6 traffic, arp tables
            # ARP-level traffic); name the version left open and what those chains see
            seen = dict.fromkeys(k[0] for k, _ in bases if k[0] in _NFT_FAMILY_SEES)
            findings.append(
                f"no {' or '.join(families)} input chain for IPv4"
                + "".join(f" ({f} tables see {_NFT_FAMILY_SEES[f]})" for f in seen)
            )
        verdicts[version] = (effective, "; ".join(dict.fromkeys(findings)))
    if not bases and all(v == "accept" for v, _ in verdicts.values()):
        return None  # no chain of the input path drops: as before, no input-hook chain
    return verdicts


def _ingress_gates(
    read: _NftRuleset,
    walk: _Walk,
    families: Sequence[str],
    links: Sequence[str] | None,
    findings: list[str],
    unsure: list[str],
) -> bool:
    """Whether the ingress chains that drop the rest together cover every device the host has
    but lo: then named in `findings`; named in `unsure` when the devices were not read (R33F-2,
    was a wrong fail: a netdev ingress chain of policy drop on every interface failed "no
    input-hook chain"). An ingress chain sees the packets of the device it is attached to,
    before prerouting (nftables wiki "Netfilter hooks", Ingress hook: "Unlike the other
    netfilter hooks, the ingress hook is attached to a particular network interface ... very
    early filtering policies that take effect even before prerouting"; read with `search`), so
    every device but lo needs one: a device none is attached to (an interface without an
    address still delivers to the host's addresses, ip-sysctl.rst arp_filter; a bond's or
    bridge's port, whose master hvaudit does not credit with its ports' chains) leaves them
    deciding nothing. Conntrack has not run there (_nft_ingress_ct)."""
    covered: dict[str, str] = {}
    at_ingress = dataclass_replace(walk, ingress=True)
    for key, policy, devs in read.ingress:
        flags = read.table_flags.get(key[:2], [])
        if (key[0] != "netdev" and key[0] not in families) or any(
            f not in _NFT_TABLE_FLAGS - {"dormant"} for f in flags
        ):
            continue
        verdict, where = _nft_chain_outcome(key, at_ingress, 0)
        if verdict in ("drop", "reject"):
            text = f"{where} drops the rest"
        elif verdict is None and policy == "drop":
            text = "policy drop"
        else:
            continue
        name = f"{' '.join(key)} (ingress of {', '.join(devs)}, before input)"
        for dev in devs:
            covered.setdefault(dev, f"{name}: {text}")
    if not covered:
        return False
    if links is None and (walk.own is None or walk.own.arrival is None):
        unsure.append(
            f"{'; '.join(dict.fromkeys(covered.values()))}, but which devices the host has "
            "(`ip -j -d link`, not read) decides whether every packet passes it"
        )
        return False
    arrival = walk.own.arrival if walk.own is not None else None
    devices = [arrival] if arrival else list(links or ())
    gates = [covered.get(dev) for dev in devices if dev != "lo"]
    if not gates or not all(gates):
        return False
    findings.extend(dict.fromkeys(g for g in gates if g))
    return True


# --- iptables -------------------------------------------------------------------------------

#: Options of iptables-extensions(8) that match ports: tcp, udp, sctp, dccp (`--dport`,
#: `--sport` and their long forms) and multiport (`--dports`, `--sports`, `--ports`).
_IPT_PORT_OPTIONS = frozenset(
    {
        "--dport",
        "--destination-port",
        "--sport",
        "--source-port",
        "--dports",
        "--destination-ports",
        "--sports",
        "--source-ports",
        "--ports",
    }
)
#: Those of them a sender satisfies by choosing its source port: iptables-extensions(8) tcp/udp
#: "--source-port,--sport port[:port]", multiport "--source-ports" and "--ports port[,port]
#: ... Match if either the source or destination ports are equal to one of the given ports".
_IPT_SENDER_PORT_OPTIONS = frozenset(
    {"--sport", "--source-port", "--sports", "--source-ports", "--ports"}
)
#: Targets that end a packet's walk in the filter table's INPUT path (iptables(8) TARGETS,
#: iptables-extensions(8) REJECT), and those that hand it to a program in user space.
_IPT_ACCEPT, _IPT_DROP = frozenset({"ACCEPT"}), frozenset({"DROP", "REJECT"})
_IPT_USERSPACE = frozenset({"QUEUE", "NFQUEUE"})
#: Extension targets that do not end the walk (the packet goes on to the next rule).
_IPT_CONTINUE = frozenset(
    {
        "LOG",
        "NFLOG",
        "ULOG",
        "MARK",
        "CONNMARK",
        "CT",
        "NOTRACK",
        "TRACE",
        "AUDIT",
        "CHECKSUM",
        "CLASSIFY",
        "DSCP",
        "TOS",
        "TCPMSS",
        "SET",
        "TEE",
        "SECMARK",
        "CONNSECMARK",
        "LED",
        "IDLETIMER",
        "RATEEST",
        "HMARK",
        "SYNPROXY",
        "TTL",
        "HL",
        "ECN",
    }
)


#: Options of iptables-extensions(8) set that take no value, and those that compare the set
#: element's counters with a value (libxt_set.man: `--return-nomatch`, `! --update-counters`,
#: `! --update-subcounters`, `[!] --packets-eq value`, `--packets-lt value` ...).
_IPT_SET_OPTIONS = frozenset({"--return-nomatch", "--update-counters", "--update-subcounters"})
_IPT_SET_COUNTERS = frozenset(
    {"--packets-eq", "--packets-lt", "--packets-gt", "--bytes-eq", "--bytes-lt", "--bytes-gt"}
)


#: Matches that restrict when or how often a packet matches, never who sends it or to which
#: port (iptables-extensions(8), read with `search`): limit ("matches at a limited rate"),
#: hashlimit ("a rate limiting match (like the limit match) for a group of connections";
#: `--hashlimit-mode srcip` gives each source its own bucket, so every source still gets in),
#: time ("matches if the packet arrival time/date is within a given range") and pkttype
#: ("matches the link-layer packet type": unicast, broadcast or multicast, each of them a
#: share of every source and port). Their accept opens what the rule's other matches reach, at
#: that rate or in that window; their drop decides nothing (as nft's `limit`, _NFT_SHARE).
_IPT_PACED = frozenset({"limit", "hashlimit", "time", "pkttype"})
#: Options of those modules that take no value (libxt_hashlimit.c, libxt_time.c option tables).
_IPT_PACED_FLAGS = frozenset(
    {"--hashlimit-rate-match", "--contiguous", "--kerneltz", "--localtz", "--utc"}
)
#: iptables-extensions(8) recent: `--rcheck`, `--update` and `--remove` match the sources the
#: kernel's list holds (/proc/net/xt_recent/NAME, filled by `--set` rules as packets arrive),
#: which `iptables -S` does not show; "[!] --set ... will always return success (or failure if
#: ! is passed in)". Options without a value beside them (libxt_recent.c).
_IPT_RECENT_CHECKS = frozenset({"--rcheck", "--update", "--remove"})
_IPT_RECENT_FLAGS = frozenset({"--set", "--rsource", "--rdest", "--reap", "--rttl"})
#: Options that narrow who sends or what is asked for, as the address, interface and port
#: options do: ICMP types (icmp, icmp6), a source MAC (mac), a bridge port (physdev), the
#: connection's original source (conntrack `--ctorigsrc`). addrtype's `--src-type` is read on
#: its own (R25F-2), as the output interface (-o) and -f are (R31F-2).
_IPT_WHO_OPTIONS = frozenset({"--mac-source", "--physdev-in"})
#: iptables-extensions(8) conntrack's tuple options, read as the packet's own (_NFT_CT_TUPLE):
#: `[!] --ctorigsrc address[/mask]` and `--ctrepldst` the sender, `--ctorigdst` and
#: `--ctreplsrc` the address asked for, `--ctproto` the protocol, `--ctorigsrcport` and
#: `--ctrepldstport` the sender's port, `--ctorigdstport` and `--ctreplsrcport` the port asked
#: for (R24N-1: `--ctorigsrc 0.0.0.0/0` was read as narrow)
_IPT_CT_SOURCE = frozenset({"--ctorigsrc", "--ctrepldst"})
_IPT_CT_DESTINATION = frozenset({"--ctorigdst", "--ctreplsrc"})
_IPT_NARROW_OPTIONS = _IPT_WHO_OPTIONS | {"--icmp-type", "--icmpv6-type"}


#: Modules whose options are read above, one by one (`-m` of none: the basic options).
_IPT_READ_MODULES = frozenset(
    {"", "tcp", "udp", "sctp", "dccp", "udplite", "multiport", "conntrack", "state"}
    | {"addrtype", "iprange", "set", "comment", "icmp", "icmp6", "mac", "physdev", "recent"}
    | _IPT_PACED
)


@dataclass(frozen=True, slots=True)
class IpSet:
    """One ipset as `ipset list -output save` prints it (ipset(8): `create NAME TYPE options`,
    then `add NAME ENTRY [options]`)."""

    type: str
    members: tuple[str, ...]
    excluded: frozenset[str] = frozenset()
    """The members added with `nomatch` (ipset(8) hash:*net* types: "the element is excluded
    from the set"): an address whose most specific member is one of them is not matched
    (_ipset_matched)."""


@dataclass(frozen=True, slots=True)
class KernelLists:
    """What the kernel's address lists hold and who adds to them, for the iptables matches that
    name them: the ipsets (`ipset list -output save`; None when not read), whether
    /proc/net/xt_recent was read, and the rules of every table that add to a set (`-j SET
    --add-set NAME`) or a recent list (`-m recent --set --name NAME`), by ("set" | "recent",
    NAME), from `iptables-save` / `ip6tables-save` (None when not read)."""

    ipsets: Mapping[str, IpSet] | None
    recent_read: bool
    adders: Mapping[tuple[str, str], tuple[_IptRule, ...]] | None
    nft_untracked: Mapping[str, int | str] = dataclass_field(default_factory=dict)
    """Per IP version, how much traffic nftables' own `notrack` rules exempt from connection
    tracking (nft_untracked_reach), or why that is not known (a text); a version not named: none.
    An iptables `--ctstate UNTRACKED` matches those packets too (R26F-1)."""
    nft_dnat: Mapping[str, int | str] = dataclass_field(default_factory=dict)
    """Per IP version, how much traffic nftables' own dnat and redirect rules hand the input
    hook with conntrack's DNAT status (_nft_dnat_reach), or why that is not known; a version
    not named: none. An iptables `--ctstate DNAT` matches those packets too (R33F-1)."""
    save_absent: bool = False
    """Whether `iptables-save` is not installed (then no iptables table holds a rule; with
    `adders` None otherwise, it was not read)."""


def parse_ipset_save(text: str) -> dict[str, IpSet]:
    """`ipset list -output save` (or `ipset save`) read into sets by name."""
    types: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    nomatch: dict[str, set[str]] = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == "create":
            types[words[1]] = words[2]
            members.setdefault(words[1], [])
        elif len(words) >= 3 and words[0] == "add":
            members.setdefault(words[1], []).append(words[2])
            if "nomatch" in words[3:]:
                nomatch.setdefault(words[1], set()).add(words[2])
    return {
        n: IpSet(types.get(n, "?"), tuple(members.get(n, [])), frozenset(nomatch.get(n, ())))
        for n in types
    }


def list_adders(texts: Sequence[str]) -> dict[tuple[str, str], tuple[_IptRule, ...]]:
    """The rules of `iptables-save` / `ip6tables-save` output (every table) that add sources to
    an ipset (iptables-extensions(8) SET: `--add-set setname flag[,flag...]`) or to a recent
    list (recent: `--set`, "This will add the source address of the packet to the list"; the
    list is DEFAULT without `--name`), and the NOTRACK / CT --notrack rules by the IP version
    of the output they are in (`texts`: iptables-save's, then ip6tables-save's; iptables(8):
    "iptables and ip6tables are used to set up ... the tables of IPv4 and IPv6 packet filter
    rules": an ip6tables raw rule untracks IPv6 packets only, R26F-3)."""
    out: dict[tuple[str, str], list[_IptRule]] = {}
    versions = ("IPv4", "IPv6")
    for version, line in (
        (versions[min(k, 1)], x) for k, text in enumerate(texts) for x in text.splitlines()
    ):
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        if len(words) < 2 or words[0] != "-A":
            continue
        body = words[2:]
        at = next((k for k, w in enumerate(body) if w in ("-j", "--jump", "-g", "--goto")), None)
        conds = body[:at] if at is not None else body
        target = body[at + 1] if at is not None and at + 1 < len(body) else ""
        rule = _IptRule(line.strip(), conds, "-j", target)
        if target == "NOTRACK" or (target == "CT" and "--notrack" in body):
            # iptables-extensions(8) CT `--notrack`: "Disables connection tracking for this
            # packet" (NOTRACK: its older alias); what it exempts is `--ctstate UNTRACKED`
            out.setdefault(("notrack", version), []).append(rule)
        if target in ("DNAT", "REDIRECT", "NETMAP") and words[1] not in _IPT_NOT_INBOUND:
            # iptables-extensions(8) DNAT, REDIRECT ("redirects the packet to the machine
            # itself"), NETMAP: nat-table targets; an OUTPUT chain's rewrite is the host's own
            # traffic (R33F-1)
            out.setdefault(("dnat", version), []).append(
                _IptRule(
                    line.strip(), conds, "-j", " ".join(body[at + 1 :] if at is not None else [])
                )
            )
        if target == "SET" and "--add-set" in body[:-1]:
            out.setdefault(("set", body[body.index("--add-set") + 1]), []).append(rule)
        if "--set" in conds and "recent" in conds:
            at = conds.index("--name") if "--name" in conds[:-1] else -1
            out.setdefault(("recent", conds[at + 1] if at >= 0 else "DEFAULT"), []).append(rule)
    return {k: tuple(v) for k, v in out.items()}


#: ipset types of one address dimension (ipset(8) SET TYPES: bitmap:ip, hash:ip, hash:net):
#: a `--match-set NAME src` of them matches the sources they hold.
_IPSET_ADDRESS_TYPES = frozenset({"bitmap:ip", "hash:ip", "hash:net"})
#: ipset types whose first dimension is an IP address or network and whose others are a port,
#: an interface, a second address or a mark (ipset(8) SET TYPES: "hash:net,iface ... IP network
#: address and interface name pairs", hash:ip,port, hash:net,port, hash:ip,port,ip,
#: hash:ip,port,net, hash:net,port,net, hash:net,net, hash:ip,mark; an element is written
#: `ADDRESS,OTHER[,OTHER]`, and `--match-set NAME src,dst[,...]` gives one flag per dimension,
#: iptables-extensions(8) set). A packet matches only where its address is a member's, so
#: the members' addresses bound the set's share.
_IPSET_FIRST_ADDRESS_TYPES = frozenset(
    {
        "hash:ip,port",
        "hash:net,port",
        "hash:net,iface",
        "hash:ip,port,ip",
        "hash:ip,port,net",
        "hash:net,port,net",
        "hash:net,net",
        "hash:ip,mark",
    }
)


def _first_adder(rules: Sequence[_IptRule]) -> str | None:
    """The first rule that adds to a list, or None. Whoever can send a packet that rule matches
    is added, so its port or protocol bounds nothing about who ends up in the list: with one,
    the list's share is open."""
    return rules[0].line if rules else None


_Spans = list[tuple[int, int]]


def _spans(blocks: Sequence[Any]) -> _Spans:
    """Address blocks as sorted, merged (first, last) integer spans."""
    return _merged([(int(b.network_address), int(b.broadcast_address)) for b in blocks])


def _merged(spans: _Spans) -> _Spans:
    """Integer spans sorted, overlapping and adjacent ones merged."""
    out: _Spans = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _spans_minus(keep: _Spans, cut: _Spans) -> _Spans:
    """The addresses of `keep` that are not in `cut` (both sorted and merged)."""
    out: _Spans = []
    k = 0
    for lo, hi in keep:
        while k < len(cut) and cut[k][1] < lo:
            k += 1
        j = k
        while j < len(cut) and cut[j][0] <= hi:
            if cut[j][0] > lo:
                out.append((lo, cut[j][0] - 1))
            lo = max(lo, cut[j][1] + 1)
            j += 1
        if lo <= hi:
            out.append((lo, hi))
    return out


def _span_blocks(spans: _Spans, version: str) -> list[Any]:
    """Integer spans of the IP version back to address blocks."""
    make = ipaddress.IPv4Address if version == "IPv4" else ipaddress.IPv6Address
    return [n for lo, hi in spans for n in ipaddress.summarize_address_range(make(lo), make(hi))]


def _ipset_matched(
    entries: list[tuple[Any, bool]], version: str, return_nomatch: bool
) -> list[Any]:
    """The addresses of the IP version a set of (block, flagged nomatch) entries matches: each
    address as its most specific entry says, an entry flagged `nomatch` excluding it (the
    kernel's hash:*net* lookup tries the set's prefix lengths from the longest and stops at the
    first entry found, answering "no match" for a nomatch one: ipset tests/nethash.t, `add
    1.1.1.0/30` inside `add 1.1.1.0/28 nomatch` inside `add 1.1.1.0/26`: 1.1.1.3 and 1.1.1.16
    match, 1.1.1.4 does not). With `--return-nomatch` the answer is reversed (libxt_set.man:
    "a match with an element flagged with nomatch returns true, while a match with a plain
    element returns false"). R29F-1: the nomatch entries were counted as members."""
    want = 4 if version == "IPv4" else 6
    mine = [(b, f) for b, f in entries if b.version == want]
    held: _Spans = []
    # one prefix length at a time, from the least specific: each decides inside its blocks
    for length in sorted({b.prefixlen for b, _ in mine}):
        layer = [(b, f) for b, f in mine if b.prefixlen == length]
        won = _spans([b for b, f in layer if f == return_nomatch])
        lost = _spans([b for b, f in layer if f != return_nomatch])
        held = _merged(_spans_minus(held, lost) + won)
    return _span_blocks(held, version)


def _ipset_entries(s: IpSet, combined: bool) -> list[tuple[Any, bool]] | str:
    """Each member's address block(s) (the first dimension of a `combined` type's element; a
    range `a-b` as the blocks it spans) and whether it is flagged nomatch, or the member that
    could not be read."""
    entries: list[tuple[Any, bool]] = []
    for element in s.members:
        m = element.split(",", 1)[0] if combined else element
        first, _, last = m.partition("-")
        flagged = element in s.excluded
        try:
            if last:
                lo, hi = ipaddress.ip_address(first), ipaddress.ip_address(last)
                entries += [(n, flagged) for n in ipaddress.summarize_address_range(lo, hi)]
            else:
                entries.append((ipaddress.ip_network(m, strict=False), flagged))
        except (ValueError, TypeError):
            return m
    return entries


def _ipset_sources(
    name: str, lists: KernelLists | None, version: str, return_nomatch: bool
) -> list[Any] | None:
    """The source addresses `--match-set NAME src` matches, for a set of addresses
    (_IPSET_ADDRESS_TYPES) listed, read and filled by no rule (_ipset_matched), else None."""
    s = lists.ipsets.get(name) if lists is not None and lists.ipsets is not None else None
    if s is None or lists is None or lists.adders is None or s.type not in _IPSET_ADDRESS_TYPES:
        return None
    if _first_adder(lists.adders.get(("set", name), ())) is not None:
        return None
    entries = _ipset_entries(s, False)
    return None if isinstance(entries, str) else _ipset_matched(entries, version, return_nomatch)


def _ipset_reach(
    name: str,
    flags: str,
    negate: bool,
    lists: KernelLists,
    version: str,
    own: Addresses,
    return_nomatch: bool = False,
) -> int | str:
    """How much traffic `[!] --match-set NAME FLAGS [--return-nomatch]` selects, from the set's
    members (_ipset_matched), or why it stays open (a text)."""
    if lists.ipsets is None or lists.adders is None:
        return f"ipset {name}, whose members only `ipset list {name}` shows"
    s = lists.ipsets.get(name)
    if s is None:
        return f"ipset {name}, which `ipset list` does not show"
    dims = flags.split(",")
    unread = f"ipset {name} ({s.type}, {flags}), a set type hvaudit does not read"
    # a set whose first dimension is an address and whose others (port, interface, a second
    # address, a mark) only narrow it: its members' addresses bound what it matches
    combined = (
        s.type in _IPSET_FIRST_ADDRESS_TYPES
        and len(dims) == s.type.count(",") + 1
        and dims[0] in ("src", "dst")
        and not negate
    )
    if not combined and (
        s.type not in _IPSET_ADDRESS_TYPES or len(dims) != 1 or dims[0] not in ("src", "dst")
    ):
        return unread
    rule = _first_adder(lists.adders.get(("set", name), ()))
    if rule is not None:
        return f"ipset {name}, to which `{rule}` adds the addresses of the packets it matches"
    entries = _ipset_entries(s, combined)
    if isinstance(entries, str):
        return f"ipset {name} entry {entries}, which hvaudit does not read"
    want = 4 if version == "IPv4" else 6
    if combined:
        # every member's address, flagged or not, bounds what the set matches
        blocks = [n for n, _ in entries if n.version == want]
        # the other dimensions may narrow a wide address dimension further: only a narrow one
        # settles the share (the set matches no more than its members' addresses)
        by_address = (
            _destination_reach(blocks, version, own)
            if dims[0] == "dst"
            else _source_reach(blocks, version)
        )
        return _NARROW if by_address == _NARROW else unread
    blocks = _ipset_matched(entries, version, return_nomatch)
    if negate:
        # every address the set does not match: none, all, or what is left of the space
        if _cover_all(blocks, version):
            return _NARROW
        if not blocks or dims[0] == "dst":
            return _ALL if not blocks else _BROAD
        every = ipaddress.ip_network("0.0.0.0/0" if version == "IPv4" else "::/0")
        rest = _spans_minus(_spans([every]), _spans(blocks))
        return _source_reach(_span_blocks(rest, version), version)
    if dims[0] == "dst":
        got = _destination_reach(blocks, version, own)
        return f"ipset {name} of destinations, {_OWN_UNREAD}" if got == _OPAQUE else got
    # what the set matches once its nomatch entries are taken out: more than half of the
    # senders is broad (R28G-1)
    return _source_reach(blocks, version)


def _ipt_untracked_reach(lists: KernelLists | None, version: str, own: Addresses) -> int | None:
    """How much traffic goes untracked in iptables: the widest reach of the rules of every
    table (`iptables-save`: the raw table's PREROUTING) whose target is NOTRACK or `CT
    --notrack` (iptables-extensions(8) CT "--notrack: Disables connection tracking for this
    packet"); _NARROW when none does; None when `iptables-save` was not read or such a rule
    holds a match hvaudit does not read."""
    if lists is None or lists.adders is None:
        return None
    widest = _NARROW
    for rule in lists.adders.get(("notrack", version), ()):
        reach = _iptables_reach(rule.conds, version, own).reach
        if reach == _OPAQUE:
            return None
        widest = max(widest, reach)
    return widest


#: Built-in chains that never see a packet sent to the host from the network (nftables wiki
#: "Netfilter hooks"; iptables(8) TABLES: nat "PREROUTING (for altering packets as soon as they
#: come in), INPUT ..., OUTPUT (for altering locally-generated packets before routing), and
#: POSTROUTING").
_IPT_NOT_INBOUND = frozenset({"OUTPUT", "POSTROUTING", "FORWARD"})


def _ipt_nat_to(words: Sequence[str], version: str, own: Addresses) -> tuple[bool, bool] | str:
    """Whether a DNAT, REDIRECT or NETMAP target (`-j NAME OPTIONS...`) delivers to the host
    and keeps more than half of the ports the packet asked for, or why that is not known.
    iptables-extensions(8): REDIRECT "--to-ports port[-port]" (the host itself); DNAT
    "--to-destination [ipaddr[-ipaddr]][:port[-port]]" (IPv6 in brackets); NETMAP "--to
    address[/mask]" (the ports kept)."""
    name, opts = (words[0], list(words[1:])) if words else ("", [])
    if name == "REDIRECT":
        ports = opts[opts.index("--to-ports") + 1] if "--to-ports" in opts[:-1] else None
        return True, ports is None or _ipt_ports_kept(ports)
    flag = "--to-destination" if name == "DNAT" else "--to"
    if opts.count(flag) != 1 or flag not in opts[:-1]:
        return f"-j {' '.join(words)}, whose destination hvaudit cannot read"
    spec = opts[opts.index(flag) + 1]
    if spec.startswith("["):
        addr, _, rest = spec[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    elif name == "DNAT" and spec.count(":") == 1:
        addr, _, port = spec.partition(":")
    else:
        addr, port = spec, None
    if "-" in addr:
        return f"-j {' '.join(words)}, a range of destinations hvaudit does not read"
    to_host = _nat_to_host(addr, version, own) if addr else True
    if isinstance(to_host, str):
        return f"-j {name} {to_host}"
    return to_host, port is None or _ipt_ports_kept(port)


def _ipt_ports_kept(spec: str) -> bool:
    """Whether `port[-port]` of a nat target spans more than half of the ports."""
    lo, _, hi = spec.partition("-")
    if not (digits(lo) and digits(hi or lo)):
        return True  # not a port range hvaudit reads: as kept, an over-read
    return abs(int(hi or lo) - int(lo)) + 1 > _BROAD_PORTS


def iptables_dnat(lists: KernelLists, version: str, own: Addresses, save_absent: bool) -> int | str:
    """How much traffic the nat table's DNAT, REDIRECT and NETMAP rules of `iptables-save` hand
    the input hook with conntrack's DNAT status (_DNAT_UNREAD): the widest reach of those in
    the chains packets from the network see that deliver to the host keeping more than half of
    the ports; _NARROW when none does or iptables-save is not installed; a text when it was
    not read, or a rule holds what hvaudit does not read. For nft's `ct status dnat` and
    iptables' `--ctstate DNAT` (R33F-1)."""
    if save_absent:
        return _NARROW
    if lists.adders is None:
        return "the iptables nat table's rules (`iptables-save`, not read)"
    widest = _NARROW
    for rule in lists.adders.get(("dnat", version), ()):
        to = _ipt_nat_to(rule.target.split(), version, own)
        if isinstance(to, str):
            return f"`{rule.line}`: {to}"
        if not all(to):
            continue
        reach = _iptables_reach(rule.conds, version, own).reach
        if reach == _OPAQUE:
            return f"`{rule.line}`, a match hvaudit does not read"
        widest = max(widest, reach)
    return widest


def iptables_untracked(
    lists: KernelLists, version: str, own: Addresses, save_absent: bool
) -> int | None:
    """How much traffic the notrack rules of `iptables-save` exempt from connection tracking
    (_ipt_untracked_reach), for nft's `ct state untracked`: an iptables-legacy raw table
    (`-t raw -A PREROUTING -j NOTRACK`) registers its own hook, which `nft -j list ruleset`
    does not show (xtables-legacy(8): "the legacy ... tools use the old kernel interface";
    R25F-4). Nothing when iptables-save is not installed; None when it was not read."""
    return _NARROW if save_absent else _ipt_untracked_reach(lists, version, own)


@dataclass(frozen=True, slots=True)
class _IptMatches:
    """What the matches of one `iptables -S` rule select: its reach (_OPAQUE when a match whose
    share the evidence does not show is not narrowed by another), the unread matches as
    written, and the matches that pace the rule (-m limit ...) with the reach they left
    uncapped (_ALL: every packet, up to a rate or in a time window)."""

    reach: int
    unread: tuple[str, ...] = ()
    paced: tuple[str, ...] = ()
    uncapped: int = _NARROW
    sets: tuple[str, ...] = ()
    """The ipset matches whose share stays open, each with why."""


def _ipt_port_intervals(spec: str) -> list[tuple[int, int]] | None:
    """The ports of `port[:port]` (a missing first port is 0, a missing last one 65535,
    iptables-extensions(8) tcp) or a multiport list `a,b:c`; None for a name or a typo."""
    out = []
    for part in spec.split(","):
        lo, sep, hi = part.partition(":")
        try:
            a = int(lo) if lo else 0
            b = (int(hi) if hi else _PORTS - 1) if sep else a
        except ValueError:
            return None
        out.append((min(a, b), max(a, b)))
    return out


#: iptables' TCP flag names (iptables extensions/libxt_tcp.c tcp_flag_names).
_IPT_TCP_FLAGS = {
    "FIN": 0x01,
    "SYN": 0x02,
    "RST": 0x04,
    "PSH": 0x08,
    "ACK": 0x10,
    "URG": 0x20,
    "ALL": 0x3F,
    "NONE": 0,
}


def _ipt_tcp_flag_bits(names: str) -> int | None:
    """The bits of a `--tcp-flags` list (`FIN,SYN,RST,ACK`), None for a name iptables does not
    know or an empty list."""
    bits = 0
    for name in names.upper().split(","):
        if name not in _IPT_TCP_FLAGS:
            return None
        bits |= _IPT_TCP_FLAGS[name]
    return bits


def _ipt_dst_type_reach(types: set[str], negate: bool, iface: bool, version: str) -> int:
    """The reach of `[!] --dst-type TYPES [--limit-iface-in]` (iptables-extensions(8) addrtype)
    on the packets the input hook sees, addressed to the host, as the kernel's
    net/netfilter/xt_addrtype.c tests them (read with `find_string`).

    IPv4, match_type: `!!(mask & (1 << inet_dev_addr_type(net, dev, addr)))`, one type per
    address, the types OR-ed: the host's own address is LOCAL, never UNICAST
    (net/ipv4/fib_frontend.c __inet_dev_addr_type answers the local table's type); with
    `--limit-iface-in` (dev: the input device) an address of another interface is UNICAST.
    IPv6, match_type6: MULTICAST, UNICAST and UNSPEC test the address's class
    (ipv6_addr_type: every unicast address, the host's own among them) and must all hold;
    with LOCAL, ANYCAST or UNREACHABLE in the mask, match_lookup_rt6 then decides: LOCAL for
    the host's address (with a dev, `nf_ipv6_chk_addr(net, addr, dev, true)`: an address of
    that interface only).

    A match admitting the packets to every address of the host is _ALL; with
    `--limit-iface-in`, to the arrival interface's addresses or to the others' only, _BROAD
    (as `fib daddr . iif type local`); neither, _NARROW. R26F-2: UNICAST was read as every
    IPv4 packet, so `--dst-type UNICAST -j DROP` (none on the input hook) passed "drops"."""
    if version == "IPv4":
        own, other = "LOCAL" in types, "UNICAST" in types
    else:
        held = not types & {"MULTICAST", "UNSPEC"}
        lookup = bool(types & {"LOCAL", "ANYCAST", "UNREACHABLE"})
        own = held and (not lookup or "LOCAL" in types)
        other = held and not lookup
    if negate:
        own, other = not own, not other
    if not iface:
        return _ALL if own else _NARROW
    return _ALL if own and other else _BROAD if own or other else _NARROW


def _ipt_src_type_reach(types: set[str], negate: bool, version: str) -> int:
    """The reach of `[!] --src-type TYPES` (iptables-extensions(8) addrtype) on the senders of
    the packets the input hook sees. IPv4 (xt_addrtype.c match_type): inet_addr_type answers
    UNICAST for every address the local table does not hold, the types OR-ed, so UNICAST is
    every sender outside the host (R25F-2). IPv6 (match_type6): MULTICAST, UNICAST and UNSPEC
    test the address's class and must all hold; with LOCAL, ANYCAST or UNREACHABLE in the mask
    `mask & match_lookup_rt6(...)` then decides, and match_lookup_rt6 answers only
    UNREACHABLE, LOCAL and ANYCAST (read with `find_string`), never UNICAST: `--src-type
    LOCAL,UNICAST` is a unicast sender that is also one of the host's own addresses (R30F-6:
    read as every sender, a wrong fail). UNREACHABLE is a sender the host has no route back
    to, which its routes (not collected) decide: as broad, an over-read. Negated, the match
    is XOR-ed (addrtype_mt_v1 / addrtype_mt6: `match_type(...) ^ (info->flags &
    XT_ADDRTYPE_INVERT_SOURCE)`): every sender but those of the types, so where every remote
    unicast sender is of them (IPv4: UNICAST among the OR-ed types; IPv6: UNICAST alone, the
    class tests AND-ed and LOCAL, ANYCAST or UNREACHABLE narrowing it) it matches none of them,
    only the host's own, broadcast or multicast sources (R51F-4: `! --src-type UNICAST` read as
    every sender, a wrong fail); otherwise every sender but some types, as before."""
    if negate:
        if version == "IPv4":
            return _NARROW if "UNICAST" in types else _BROAD
        return _NARROW if types == {"UNICAST"} else _BROAD
    if version == "IPv4":
        return _BROAD if "UNICAST" in types else _NARROW
    if types & {"MULTICAST", "UNSPEC"}:
        return _NARROW  # a sender's address is no multicast one, :: only before DAD
    if types & {"LOCAL", "ANYCAST", "UNREACHABLE"}:
        return _BROAD if "UNREACHABLE" in types else _NARROW
    return _BROAD if "UNICAST" in types else _NARROW


def _iptables_reach(
    words: list[str], version: str, own: Addresses, lists: KernelLists | None = None
) -> _IptMatches:
    """How much traffic the matches of one `iptables -S` rule select (iptables(8),
    iptables-extensions(8)): no match, `! -i lo`, a /0 source or destination, every address of
    the host as destination, or a conntrack or state match that admits NEW (every new
    connection) is _ALL (an iprange `--src-range`/`--dst-range` counts as the addresses it spans);
    `-p tcp` alone (every port of the protocol), ports admitting more than
    half of the port numbers (`! --dport 22`, `--dport 0:65535`, `--dports 1024:65535`), any
    source port (`--sport 53`, multiport `--ports`: the sender chooses it), one of
    the host's addresses as destination, or a negated address or protocol is _BROAD; ports,
    addresses, interfaces, ICMP types, a source MAC or ESTABLISHED/RELATED only are _NARROW. A
    pacing match (_IPT_PACED: -m limit, hashlimit, time, pkttype) caps the reach at
    _BROAD: its accept opens, its drop decides nothing. An ipset match (`-m set [!] --match-set
    NAME src`), a recent list check (`-m recent --rcheck`) and any match or option hvaudit does
    not read (-m u32, bpf, string, geoip, mark, connmark, policy, an unknown option of a known
    module ...) make the rule _OPAQUE unless another match of it is _NARROW: what they admit is
    not in the evidence, so their accept is a question, never skipped (as nft's xt matches).
    With `lists` read (KernelLists), an ipset of addresses is read from its members (every
    address, some, every one but some) unless a rule of any table adds to it (then whoever
    sends what that rule matches is in it: still a question, naming the rule), and a recent
    list no rule fills holds only addresses written by hand, one each: narrow."""
    reach = _ALL
    opaque = False  # a match on an ipset, whose members `iptables -S` does not show
    sets: list[str] = []  # why each undecided ipset match stays open
    unread: list[str] = []  # other matches whose share the evidence does not show, as written
    paced: list[str] = []  # -m limit ... : when or how often, not who
    module = ""  # the module whose options follow (`-m NAME`)
    i, negate = 0, False
    while i < len(words):
        w = words[i]
        arg = words[i + 1] if i + 1 < len(words) else ""
        if w == "!":
            negate = True
            i += 1
            continue
        if w in ("-m", "--match"):
            module = arg
            i += 2  # a module's name: its options are judged below
        elif w in ("--comment", "-c", "--set-counters"):
            i += 2
        elif w in ("-i", "--in-interface"):
            got = (_negated_interface_reach if negate else _interface_reach)([arg], own)
            if got == _OPAQUE:
                unread.append(f"{w} {arg}, {_OWN_UNREAD}")  # R25G-1
            else:
                reach = min(reach, got)
            i += 2
        elif w == "--syn":
            # iptables-extensions(8) tcp: "Only match TCP packets with the SYN bit set and the
            # ACK,RST and FIN bits cleared. Such packets are used to request TCP connection
            # initiation": a new connection to every port
            reach = min(reach, _NARROW if negate else _BROAD)
            i += 1
        elif w == "--tcp-flags":
            # iptables-extensions(8) tcp "[!] --tcp-flags mask comp": the kernel's xt_tcpudp.c
            # tcp_mt tests `(flags & flg_mask) == flg_cmp`, inverted by `!`; libxt_tcp.c names
            # the bits (FIN 0x01 ... URG 0x20, ALL 0x3F, NONE 0). A match some opening SYN meets
            # (`--tcp-flags ACK NONE`, `! --tcp-flags FIN,SYN,RST,ACK ACK`) is every port; a
            # mask or comp hvaudit cannot name is not read (R25F-1: read as narrow unless comp
            # held SYN without ACK)
            comp = words[i + 2] if i + 2 < len(words) else ""
            bits = (_ipt_tcp_flag_bits(arg), _ipt_tcp_flag_bits(comp))
            if bits[0] is None or bits[1] is None:
                unread.append(f"{'! ' if negate else ''}--tcp-flags {arg} {comp}")
            else:
                mask, want = bits[0], bits[1]
                opens = any(((f & mask) == want) != negate for f in _TCP_OPENING_FLAGS)
                reach = min(reach, _BROAD if opens else _NARROW)
            i += 3
        elif w == "--dst-type":
            # iptables-extensions(8) addrtype: "--dst-type type: Matches if the destination
            # address is of given type" (R25F-2: `! --dst-type BROADCAST` was read as narrow,
            # though it admits LOCAL); read per IP version as the kernel tests it
            # (_ipt_dst_type_reach, R26F-2)
            types = {t.upper() for t in arg.split(",")}
            iface = "--limit-iface-in" in words
            reach = min(reach, _ipt_dst_type_reach(types, negate, iface, version))
            i += 2
        elif w == "--src-type":
            # addrtype "--src-type type: Matches if the source address is of given type": the
            # kernel's xt_addrtype.c asks inet_addr_type, which answers UNICAST for every
            # address the local table does not hold (net/ipv4/fib_frontend.c
            # __inet_dev_addr_type: `ret = RTN_UNICAST` unless the lookup finds one), so
            # UNICAST is every sender outside the host (R25F-2: read as narrow); negated, every
            # sender but some types, as before
            types = {t.upper() for t in arg.split(",")}
            reach = min(reach, _ipt_src_type_reach(types, negate, version))
            i += 2
        elif w == "--limit-iface-in":
            i += 1  # the incoming interface's own addresses: still every packet addressed so
        elif module in _IPT_PACED and w.startswith("--"):
            # iptables-extensions(8) limit, hashlimit, time, pkttype: when or how often the
            # rule matches, up to a rate or in a window; the rest goes on (_IPT_PACED)
            if f"-m {module}" not in paced:
                paced.append(f"-m {module}")
            i += 1 if w in _IPT_PACED_FLAGS else 2
        elif w in ("-p", "--protocol", "--ctproto"):
            reach = min(reach, _BROAD if negate or arg.lower() in _TRANSPORTS else _NARROW)
            i += 2
        elif w in ("-s", "--source", "-d", "--destination", *_IPT_CT_SOURCE, *_IPT_CT_DESTINATION):
            try:
                blocks = [ipaddress.ip_network(x, strict=False) for x in arg.split(",")]
            except ValueError:
                blocks = []
            every = arg in ("0/0",) or _cover_all(blocks, version)
            if negate:
                reach = min(reach, _BROAD)
            elif every:
                pass
            elif w in ("-d", "--destination", *_IPT_CT_DESTINATION):
                got = _destination_reach(blocks, version, own)
                if (
                    w == "--ctorigdst"
                    and lists is not None
                    and got not in (_ALL, _OPAQUE)
                    and _foreign(blocks, own)
                ):
                    # the original destination of a packet a DNAT or REDIRECT handed the host
                    # (R33F-3)
                    nat = iptables_dnat(lists, version, own, lists.save_absent)
                    by_nft = lists.nft_dnat.get(version, _NARROW)
                    wide = isinstance(nat, str) or isinstance(by_nft, str)
                    got = max(got, _BROAD if wide else max(int(nat), int(by_nft)))
                if got == _OPAQUE:
                    unread.append(f"{w} {arg}, {_OWN_UNREAD}")  # R25G-1
                else:
                    reach = min(reach, got)
            else:
                reach = min(reach, _source_reach(blocks, version))  # R28G-1
            i += 2
        elif w in ("--src-range", "--dst-range"):
            # iptables-extensions(8) iprange: "[!] --src-range from[-to] Match source IP in the
            # specified range" (xt_iprange.c: min <= address <= max): the same blocks as -s/-d
            first, _, last = arg.partition("-")
            try:
                low = ipaddress.ip_address(first)
                high = ipaddress.ip_address(last or first)
                blocks = list(ipaddress.summarize_address_range(low, high))
            except (ValueError, TypeError):
                return _IptMatches(_NARROW)
            if negate:
                reach = min(reach, _BROAD)
            elif _cover_all(blocks, version):
                pass
            elif w == "--dst-range":
                got = _destination_reach(blocks, version, own)
                if got == _OPAQUE:
                    unread.append(f"{w} {arg}, {_OWN_UNREAD}")  # R25G-1
                else:
                    reach = min(reach, got)
            else:
                reach = min(reach, _source_reach(blocks, version))  # R28G-1
            i += 2
        elif w in _IPT_SENDER_PORT_OPTIONS or w in ("--ctorigsrcport", "--ctrepldstport"):
            # the sender chooses its source port (`nmap --source-port 53`): `--sport 53`, and
            # multiport `--ports` (source or destination port), admit whoever sends from it,
            # to every port the rest of the rule leaves (P17-1)
            reach = min(reach, _BROAD)
            i += 2
        elif w in _IPT_PORT_OPTIONS or w in ("--ctorigdstport", "--ctreplsrcport"):
            intervals = _ipt_port_intervals(arg)
            held = _port_count(intervals) if intervals is not None else 0
            admitted = _PORTS - held if negate and intervals is not None else held
            reach = min(reach, _BROAD if admitted > _BROAD_PORTS else _NARROW)
            i += 2
        elif w in ("--ctstate", "--state"):
            states = {x.upper() for x in arg.split(",")}
            admits_new = ("NEW" not in states) if negate else ("NEW" in states)
            untracked = ("UNTRACKED" not in states) if negate else ("UNTRACKED" in states)
            # a packet matches when its state bits hold any of the states given (the kernel's
            # xt_conntrack.c conntrack_mt: `!!(info->state_mask & statebit) ^ !(invert)`; read
            # with `find_string`): the shares of UNTRACKED and DNAT add up (R33F-1:
            # UNTRACKED,DNAT was read by its UNTRACKED share alone)
            share, undecided = _NARROW, False
            if admits_new:
                share = _ALL
            if untracked and not admits_new:
                # the packets the raw table's NOTRACK / CT --notrack rules exempt (R24N-6)
                exempt = _ipt_untracked_reach(lists, version, own)
                # nft's own `notrack` rules (a native table `nft -j` shows, `iptables-save` does
                # not) leave their packets untracked too (R26F-1)
                by_nft = _NARROW if lists is None else lists.nft_untracked.get(version, _NARROW)
                if exempt is None:
                    undecided = True
                    unread.append(
                        f"{'! ' if negate else ''}{w} {arg}, whose untracked packets the raw "
                        "table's rules (iptables-save, not read) pick"
                    )
                elif isinstance(by_nft, str):
                    undecided = True
                    unread.append(
                        f"{'! ' if negate else ''}{w} {arg}, whose untracked packets {by_nft} "
                        "may pick"
                    )
                else:
                    share = max(share, exempt, by_nft)
            if "DNAT" in states and not negate and not admits_new and lists is not None:
                # conntrack's DNAT state is the IPS_DST_NAT status bit (the kernel's
                # net/netfilter/xt_conntrack.c: `if (test_bit(IPS_DST_NAT_BIT, &ct->status))
                # statebit |= XT_CONNTRACK_STATE_DNAT`; read with `search`): what the nat rules
                # of iptables and of nftables rewrote to the host (R33F-1: read as narrow)
                own_nat = iptables_dnat(lists, version, own, lists.save_absent)
                by_nft_nat = lists.nft_dnat.get(version, _NARROW)
                why = [x for x in (own_nat, by_nft_nat) if isinstance(x, str)]
                if why:
                    undecided = True
                    unread.append(f"{w} {arg}, {_DNAT_UNREAD}: {why[0]}")
                else:
                    share = max(share, int(own_nat), int(by_nft_nat))
            if not undecided:
                reach = min(reach, share)
            i += 2
        elif w == "--match-set":
            # iptables-extensions(8) set (libxt_set.man): "[!] --match-set setname
            # flag[,flag]... where flags are the comma separated list of src and/or dst
            # specifications" (`iptables -S` prints --match-set): the rule matches the
            # addresses the kernel's ipset holds, which `ipset list` shows and `iptables -S`
            # does not. A set may hold every address (hash:net takes 0.0.0.0/1 and
            # 128.0.0.0/1), or none; negated, every address but its members
            flags = words[i + 2] if i + 2 < len(words) else ""
            # this `-m set`'s own options run to the next module (`-m`) or target
            after = words[i + 3 :]
            ends = [k for k, x in enumerate(after) if x in ("-m", "--match", "-j", "-g")]
            reverse = "--return-nomatch" in after[: ends[0] if ends else len(after)]
            judged = (
                _ipset_reach(arg, flags, negate, lists, version, own, reverse)
                if lists is not None
                else f"ipset {arg}, whose members only `ipset list {arg}` shows"
            )
            if isinstance(judged, str):
                opaque = True
                sets.append(judged)
            else:
                reach = min(reach, judged)
            i += 3
        elif w in _IPT_SET_OPTIONS:
            i += 1  # --return-nomatch, ! --update-counters ...: still the set's members
        elif w in _IPT_SET_COUNTERS:
            opaque = True  # --packets-gt N: some packets of the set's members
            i += 2
        elif module == "recent" and w.startswith("--"):
            # iptables-extensions(8) recent: --rcheck/--update/--remove match the sources of a
            # list the kernel fills as packets arrive (/proc/net/xt_recent/NAME); `--set`
            # always matches, `! --set` never does
            if w in _IPT_RECENT_CHECKS:
                name = words[words.index("--name", i) + 1] if "--name" in words[i:-1] else ""
                known = lists is not None and lists.adders is not None and lists.recent_read
                fill = (
                    _first_adder(lists.adders.get(("recent", name or "DEFAULT"), ()))
                    if lists is not None and lists.adders is not None
                    else None
                )
                if known and fill is None and not negate:
                    # no rule of any table adds to the list: it holds the sources written to
                    # /proc/net/xt_recent/NAME by hand, one address each
                    reach = _NARROW
                elif known and fill is not None:
                    unread.append(
                        f"-m recent {'! ' if negate else ''}{w}, whose list "
                        f"{name or 'DEFAULT'} `{fill}` fills with the sources of the packets it "
                        "matches"
                    )
                else:
                    unread.append(
                        f"-m recent {'! ' if negate else ''}{w}, whose sources only "
                        f"/proc/net/xt_recent/{name or 'DEFAULT'} shows"
                    )
            elif w == "--set" and negate:
                reach = _NARROW
            i += 1 if w in _IPT_RECENT_CHECKS | _IPT_RECENT_FLAGS else 2
        elif w in _IPT_NARROW_OPTIONS:
            # an ICMP type, a source MAC, bridge port or address type: narrow; every one but
            # some (`! --mac-source`) is broad, as a negated address
            reach = min(reach, _BROAD if negate and w in _IPT_WHO_OPTIONS else _NARROW)
            i += 2
        elif w in ("-o", "--out-interface"):
            # no output interface is chosen before the input hook: the kernel's ip_tables.c
            # ipt_do_table compares `outdev = state->out ? state->out->name : nulldevname` in
            # ip_packet_match (ifname_compare_aligned), so `-o eno3` holds no packet and `! -o
            # eno3` every one, and `-o +` (a trailing "+" is a wildcard for every name that
            # begins so, here an empty mask) every one too. iptables refuses -o in INPUT itself
            # ("Can't use -o with INPUT", iptables/xshared.c do_parse, read with `find_string`),
            # not in a chain INPUT jumps to (R31F-2: `! -o eno3` there was read as narrow)
            if negate == (arg == "+"):
                reach = _NARROW
            i += 2
        elif w in ("-f", "--fragment"):
            # iptables(8) -f: second and further fragments only; with "!" before it, head
            # fragments and unfragmented packets only (Red Hat Security Guide "IPTables
            # Parameter Options": "only unfragmented packets are matched"; the kernel's
            # ip_packet_match `NF_INVF(ipinfo, IPT_INV_FRAG, (ipinfo->flags & IPT_F_FRAG) &&
            # !isfrag)`). So `! -f` holds every packet but a later fragment (R31F-2: read as
            # narrow, a pass)
            if not negate:
                reach = min(reach, _NARROW)
            i += 1
        else:
            # a match hvaudit does not read (-m u32, bpf, string, geoip, mark, policy ...): its
            # options up to the next -m go with it (`iptables -S` prints each module's options
            # after its -m, the basic options first); an option of a module read above that
            # hvaudit does not judge (-m tcp --tcp-option 8): it and its values. What either
            # admits is not in the evidence
            read = module in _IPT_READ_MODULES
            end = next(
                (
                    k
                    for k in range(i + 1, len(words))
                    if (words[k].startswith(("-", "!")) if read else words[k] in ("-m", "--match"))
                ),
                len(words),
            )
            start = i - 1 if negate else i
            written = " ".join(words[start:end])
            unread.append(f"-m {module} {written}" if module else written)
            i = end
        negate = False
    capped = min(reach, _BROAD) if paced else reach  # a rate or window: the rest goes on
    if (opaque or unread) and capped != _NARROW:
        return _IptMatches(_OPAQUE, tuple(unread), tuple(paced), reach, tuple(sets))
    return _IptMatches(capped, tuple(unread), tuple(paced), reach, tuple(sets))


@dataclass(frozen=True, slots=True)
class _IptRule:
    line: str
    conds: list[str]
    jump: str  # "-j" or "-g"
    target: str


def _iptables_chains(text: str) -> tuple[dict[str, list[_IptRule]], dict[str, str], set[str]]:
    """The rules of each chain in `iptables -S` output, the built-in chains' policies and the
    user-defined chains (`-N`)."""
    rules: dict[str, list[_IptRule]] = {}
    policies: dict[str, str] = {}
    declared: set[str] = set()
    for line in text.splitlines():
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        if len(words) >= 3 and words[0] == "-P":
            policies[words[1]] = words[2]
        elif len(words) >= 2 and words[0] == "-N":
            declared.add(words[1])
        elif len(words) >= 2 and words[0] == "-A":
            body = words[2:]
            at = next(
                (k for k, w in enumerate(body) if w in ("-j", "--jump", "-g", "--goto")), None
            )
            if at is None or at + 1 >= len(body):
                continue  # no target: a rule that only counts
            jump = "-g" if body[at] in ("-g", "--goto") else "-j"
            rules.setdefault(words[1], []).append(
                _IptRule(line.strip(), body[:at], jump, body[at + 1])
            )
    return rules, policies, declared


def _ipt_port_rest(
    conds: list[str], version: str, own: Addresses, lists: KernelLists | None
) -> tuple[str, list[tuple[int, int]]] | None:
    """The protocol (`-p`) and destination ports of a rule with one destination port option
    (tcp/udp `--dport`, multiport `--dports`) whose other matches reach every port of that
    protocol or more, or None (R29F-3, as _nft_port_accept)."""
    dest = ("--dport", "--destination-port", "--dports", "--destination-ports")
    at = [k for k, w in enumerate(conds[:-1]) if w in dest]
    # one protocol, named once or again by the rule that jumped here (R30F-1)
    proto = list(
        dict.fromkeys(conds[k + 1] for k, w in enumerate(conds[:-1]) if w in ("-p", "--protocol"))
    )
    if len(at) != 1 or len(proto) != 1 or (at[0] > 0 and conds[at[0] - 1] == "!"):
        return None
    k = at[0]
    intervals = _ipt_port_intervals(conds[k + 1])
    rest = _iptables_reach(conds[:k] + conds[k + 2 :], version, own, lists)
    if intervals is None or rest.reach not in (_ALL, _BROAD):
        return None
    return proto[0], intervals


def _ipt_source_rest(
    conds: list[str], version: str, own: Addresses, lists: KernelLists | None
) -> list[Any]:
    """The source blocks of a rule with one source match, `-s` (iptables -S prints `-s a,b` as
    one rule per address), iprange `--src-range from-to` or `--match-set NAME src` of an ipset
    of addresses read from `ipset list` (_ipset_sources), whose other matches reach every port
    of a protocol or more (`-s 0.0.0.0/1 -p tcp`), else nothing: such rules together open the
    senders they cover, as R28G-1 reads `-s` alone (R29F-2: `-s 0.0.0.0/1 -p tcp` and `-s
    128.0.0.0/2 -p tcp`, three quarters of the senders to every TCP port, passed; R29F-5: so did
    two `--src-range`s, or two ipsets, of the same senders)."""
    terms = [
        (k, w)
        for k, w in enumerate(conds[:-1])
        if w in ("-s", "--source", "--src-range")
        or (w == "--match-set" and conds[k + 2 : k + 3] == ["src"])
    ]
    if len(terms) != 1 or (terms[0][0] > 0 and conds[terms[0][0] - 1] == "!"):
        return []
    k, w = terms[0]
    width = 3 if w == "--match-set" else 2
    reverse = w == "--match-set" and "--return-nomatch" in conds
    rest_words = [x for x in conds[:k] + conds[k + width :] if x != "--return-nomatch"]
    rest = _iptables_reach(rest_words, version, own, lists)
    if rest.reach not in (_ALL, _BROAD):
        return []
    want = 4 if version == "IPv4" else 6
    try:
        if w == "--match-set":
            blocks = _ipset_sources(conds[k + 1], lists, version, reverse) or []
        elif w == "--src-range":
            lo, _, hi = conds[k + 1].partition("-")
            first, last = ipaddress.ip_address(lo), ipaddress.ip_address(hi or lo)
            blocks = list(ipaddress.summarize_address_range(first, last))
        else:
            blocks = [ipaddress.ip_network(x, strict=False) for x in conds[k + 1].split(",")]
    except (ValueError, TypeError):
        return []
    return [n for n in blocks if n.version == want]


def _ipt_chain_outcome(
    chain: str,
    chains: tuple[dict[str, list[_IptRule]], set[str]],
    depth: int,
    version: str,
    own: Addresses,
    lists: KernelLists | None = None,
    pool: _Pool | None = None,
    guard: Sequence[str] = (),
    narrow: bool = False,
) -> tuple[str | None, str]:
    """The first verdict of the chain that every packet meets (accept, drop, or "unknown" when
    a rule hands a broad share of the traffic to a chain the output does not show or to a
    program in user space), as `_nft_chain_outcome` judges nftables; `pool` and `guard` as
    there: what the accepts before the jump here opened, and the matches of the rules that
    jumped here (R30F-1); `narrow` as there: a narrow jump's chain adds to the pool only
    (R30F-7)."""
    rules, declared = chains
    pool = _Pool() if pool is None else pool
    accepted, some, ports = pool.accepted, pool.some, pool.ports
    before = pool.size()
    returned = False
    unseen: list[str] = []  # what the evidence cannot follow: the verdict is open from there
    for rule in rules.get(chain, []):
        # as if it held the matches of the rules that jumped here (R30F-1)
        seen = [*guard, *rule.conds]
        matches = _iptables_reach(seen if narrow else rule.conds, version, own, lists)
        target, reach = rule.target, matches.reach
        alone = rule.conds[2:] if rule.conds[:2] == ["-m", "conntrack"] else rule.conds
        source = ("-s", "--source") if alone is rule.conds else tuple(_IPT_CT_SOURCE)
        if target == "ACCEPT" and not guard and len(alone) == 2 and alone[0] in source:
            try:
                accepted += [ipaddress.ip_network(x, strict=False) for x in alone[1].split(",")]
            except ValueError:
                pass
            else:
                mine = [n for n in accepted if n.version == (4 if version == "IPv4" else 6)]
                if _cover_all(mine, version) and not unseen:
                    return "accept", (
                        f"{rule.line} (with the rules before it, accepts every source"
                        f"{_pooled_text(before[0] > 0)})"
                    )
                if _source_reach(mine, version) == _BROAD and not unseen:
                    return "accept", (  # R28G-1
                        f"{rule.line} (with the rules before it, accepts sources that together "
                        f"cover {_most_senders_text(version)}{_pooled_text(before[0] > 0)})"
                    )
        if (
            target == "ACCEPT"
            and reach == _NARROW
            and (opened := _ipt_port_rest(seen, version, own, lists)) is not None
        ):
            ports.setdefault(opened[0], []).extend(opened[1])
            if (protocol := _pooled_ports(ports)) is not None and not unseen:
                return "accept", (  # R29F-3
                    f"{rule.line} (with the rules before it, accepts ports that together cover "
                    f"more than half of every port of {protocol}{_pooled_text(before[2] > 0)})"
                )
        if (
            target == "ACCEPT"
            and reach == _NARROW
            and (pooled := _ipt_source_rest(seen, version, own, lists))
        ):
            some += pooled
            if _source_reach(some, version) != _NARROW and not unseen:
                return "accept", (  # R29F-2
                    f"{rule.line} (with the rules before it, accepts sources that together "
                    f"cover {_most_senders_text(version)}, each to every port of a protocol "
                    f"or more{_pooled_text(before[1] > 0)})"
                )
        if target == "RETURN":
            if reach == _ALL:
                break
            returned = True
            continue
        if reach == _NARROW and (target in declared or target in rules) and depth < _MAX_DEPTH:
            # a jump of a narrow share still adds what its chain accepts to the pool (R30F-7:
            # `-s 0.0.0.0/1 -j x` and `-s 128.0.0.0/2 -j x` to a chain that accepts passed)
            sub, sub_where = _ipt_chain_outcome(
                target, chains, depth + 1, version, own, lists, pool, seen, narrow=True
            )
            if sub == "accept" and not unseen:
                return sub, f"{rule.line} -> {sub_where}"
        if reach == _NARROW or narrow:
            continue
        if reach == _OPAQUE:
            # the share of the traffic an ipset or an unread match admits is open: its accept is
            # a question, never skipped, as nft's opaque xt matches (a drop of some share
            # decides nothing)
            under = list(matches.sets)
            under += [
                u
                if u.startswith("-m recent") or u.endswith(_OWN_UNREAD)
                else f"{u}, a match whose share hvaudit cannot read"
                for u in matches.unread
            ]
            why = f"{rule.line} (under {'; '.join(under)})"
            if target in _IPT_ACCEPT or target in _IPT_USERSPACE:
                unseen.append(why)
            elif (target in declared or target in rules) and depth >= _MAX_DEPTH:
                unseen.append(f"{why} ({_TOO_DEEP})")
            elif target in declared or target in rules:
                sub, sub_where = _ipt_chain_outcome(
                    target, chains, depth + 1, version, own, lists, pool, seen
                )
                if sub in ("accept", "unknown"):
                    unseen.append(f"{why} -> {sub_where}")
            elif target not in (*_IPT_DROP, *_IPT_CONTINUE, *rules, *declared):
                unseen.append(f"{rule.line} (chain {target}, whose rules the output does not show)")
            continue
        what = (
            "first unconditional rule"
            if not rule.conds
            else "matches every packet or every new connection"
            if reach == _ALL
            else "matches every port of a protocol or every source but some"
        )
        if matches.paced and matches.uncapped == _ALL:
            what = "matches every packet or every new connection"
        if matches.paced:
            # -m limit, hashlimit, time, pkttype: when or how often, not who (_IPT_PACED)
            what += f"; {', '.join(matches.paced)} restricts neither source nor port"
        where = f"{rule.line} ({what})"
        if target in _IPT_USERSPACE:
            unseen.append(f"{rule.line} (a program in user space decides)")
        elif target in declared or target in rules:
            if depth >= _MAX_DEPTH:
                unseen.append(f"{where} ({_TOO_DEEP})")
                continue
            sub, sub_where = _ipt_chain_outcome(
                target, chains, depth + 1, version, own, lists, pool, seen
            )
            via = f"{rule.line} ({what})" if rule.conds else rule.line
            if sub == "unknown":
                unseen.append(sub_where)
            elif unseen:
                continue
            elif sub == "accept" or (sub is not None and reach == _ALL and not returned):
                return sub, f"{via} -> {sub_where}"
            elif rule.jump == "-g" and reach == _ALL:
                break
        elif target not in (*_IPT_ACCEPT, *_IPT_DROP, *_IPT_CONTINUE):
            unseen.append(f"{rule.line} (chain {target}, whose rules the output does not show)")
        elif unseen:
            break  # whether any packet gets this far depends on what was not seen
        elif target in _IPT_ACCEPT:
            return "accept", where
        elif target in _IPT_DROP and reach == _ALL:
            return (None, "") if returned else ("drop", where)
    if unseen:
        return "unknown", "; ".join(unseen)
    return None, ""


def iptables_policy(
    text: str, version: str, own: Addresses, lists: KernelLists | None = None
) -> tuple[str, str]:
    """("drop", "accept" or "unknown", why) of `iptables -S` / `ip6tables -S` output (every chain
    of the filter table; older bundles hold INPUT's rules only): the INPUT chain's policy,
    unless a rule decides first. A rule that accepts every packet, every new connection, every
    port of a transport protocol (`-p tcp -j ACCEPT`) or every packet to the host opens the host
    whatever the policy says, in INPUT or in a chain INPUT jumps to (ufw's and firewalld's
    chains); a drop decides only when it matches every packet."""
    rules, policies, declared = _iptables_chains(text)
    policy, where = "accept", "policy ACCEPT"
    if policies.get("INPUT") in ("DROP", "REJECT"):
        policy, where = "drop", "policy DROP"
    verdict, why = _ipt_chain_outcome("INPUT", (rules, declared), 0, version, own, lists)
    if verdict is None:
        return policy, where
    if verdict == "unknown":
        return verdict, f"INPUT ({where}) hands traffic to what the rules read do not show: {why}"
    return verdict, why
