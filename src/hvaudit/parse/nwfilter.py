"""What libvirt's nwfilter makes of a filter tree at a VM port: which anti-spoofing checks the
frames a guest sends actually reach.

libvirt instantiates a filter tree per interface (src/nwfilter/nwfilter_gentech_driver.c
virNWFilterDefToInst: each filter's rules and references in document order, depth first) and
hands the rules to the ebiptables driver (src/nwfilter/nwfilter_ebiptables_driver.c
ebiptablesApplyNewRules), which

- sorts them, root-chain rules first, then by priority (virNWFilterRuleInstSort); the sort is
  stable, so rules of equal priority keep their document order ("if two rules have the same
  priority, we want to keep them in the order they appear in the XML", libvirt commit switching to
  g_qsort_with_data, devel@lists.libvirt.org; GLib: "guaranteed to be a stable sort");
- puts the rules of every filter with chain X into one sub-chain X, and the jump to that sub-chain
  into the root chain before the root rules of the same or a higher priority ("while
  subchains[j]->priority <= rules[i]->priority"); the jump only takes the frames of the chain's
  protocol (ebtablesCreateTmpSubChainFW: `-p 0x0800` for ipv4*, 0x0806 for arp*, 0x8035 for rarp*,
  0x8100 for vlan*, `-d` the bridge group address for stp*, every frame for mac*), chain priorities
  as libvirt holds them (hvaudit.parse.host._chain_priority: a dump omits a priority of 0; a
  definition without one gets mac -800, vlan -750, ipv4 -700, ipv6 -600, arp -500, rarp -400 by
  prefix, stp 0, R18N-1);
- links the root chain from the nat table's PREROUTING (`-i vnet0 -j libvirt-I-vnet0`, frames the
  guest sends: rules of direction out or inout).

In ebtables ACCEPT ends the evaluation; RETURN leaves the current chain: in a sub-chain the frame
goes on in the root chain (the next sub-chains still see it), in the root chain it leaves the
filter unchecked. formatnwfilter, "Filter rules": accept "accepts the packet with no further
analysis", return "passes the filter, but returns control to the calling filter". Rules for tcp,
udp, icmp, all, ... are iptables rules (virNWFilterRuleIsProtocolEthernet is false for them) and
run after the ebtables chains, so they cannot let a spoofed frame past an ebtables drop.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from hvaudit.model import NwFilter, NwFilterRule
from hvaudit.parse.host import ALL_FRAMES

SPOOF_FILTERS = {"no-mac-spoofing": "mac", "no-ip-spoofing": "ip", "no-arp-spoofing": "arp"}
"""libvirt's anti-spoofing filters (formatnwfilter, "Pre-existing network filters")."""

_Match = frozenset[tuple[str, str]]
OWN_SOURCE: tuple[_Match, ...] = tuple(
    frozenset(m)
    for m in (
        {("srcmacaddr", "$MAC")},
        {("srcipaddr", "$IP")},
        {("srcipaddr", "$IPV6")},
        {("arpsrcmacaddr", "$MAC")},
        {("arpsrcipaddr", "$IP")},
        {("srcipaddr", "0.0.0.0"), ("protocol", "udp")},
        {("srcipaddr", "FE80::"), ("srcipmask", "10"), ("protocol", "udp")},
    )
)
"""Matches that admit only frames sent from the interface's own address ($MAC, $IP, $IPV6:
formatnwfilter "Usage of variables in filters"), or what libvirt's own filters let a DHCP client
send before it has one (no-ip-spoofing returns UDP from 0.0.0.0, no-ipv6-spoofing UDP from
FE80::/10). An accept or return that requires as much as one of an anti-spoofing filter's own
returns lets nothing through that the filter would drop."""

_V6_OWN: _Match = frozenset({("srcipaddr", "$IPV6")})

KIND_FRAMES = {
    "mac": ALL_FRAMES,
    "ip": frozenset({"ipv4"}),
    "arp": frozenset({"arp"}),
}
"""The frames each anti-spoofing filter must check: every frame's source MAC, IPv4 packets'
source address, ARP packets' sender addresses."""

_CHAIN_FRAMES = (
    ("ipv4", frozenset({"ipv4"})),
    ("ipv6", frozenset({"ipv6"})),
    ("arp", frozenset({"arp"})),
    ("rarp", frozenset({"rarp"})),
    ("vlan", frozenset({"vlan"})),
    ("stp", ALL_FRAMES),  # by destination (the bridge group address), any EtherType
    ("mac", ALL_FRAMES),
)


def _chain_frames(chain: str) -> frozenset[str]:
    """The frames the root chain passes to a sub-chain (ebtablesGetProtoIdxByFiltername matches
    the chain name's prefix); a chain of another name gets no jump."""
    if chain == "root":
        return ALL_FRAMES
    return next((f for prefix, f in _CHAIN_FRAMES if chain.startswith(prefix)), frozenset())


@dataclass(frozen=True, slots=True)
class _Inst:
    """One rule as instantiated at the interface."""

    rule: NwFilterRule
    filter: str
    chain: str
    order: int

    @property
    def frames(self) -> frozenset[str]:
        return self.rule.frames & _chain_frames(self.chain)

    @property
    def cons(self) -> frozenset[tuple[str, str]]:
        """What the rule requires, as narrow as it is written (R18N-2): a variable's element
        or iterator (`$MAC[@0]`, `$IP[1]`: formatnwfilter "Usage of variables in filters",
        one value of the list, or each in turn) is one of the values the plain `$MAC`
        admits, so it is kept as the variable; a mask of every bit (`srcmacmask=
        'ff:ff:ff:ff:ff:ff'`, `srcipmask='32'` on IPv4, '128' on IPv6; nwfilter_conf.c keeps
        a mask as the bits given, dotted or CIDR, and ebtables compares `addr & mask`) narrows
        nothing away and is dropped."""
        out = set()
        for k, v in self.rule.constraints:
            if k.lstrip("!").endswith("mask") and _full_mask(k.lstrip("!"), v, self.rule.frames):
                continue
            out.add((k, _INDEXED.sub(r"\1", v)))
        return frozenset(out)


#: A variable with an element index or an iterator id (formatnwfilter: `$VARIABLE[<index>]`,
#: `$VARIABLE[@<iterator id>]`).
_INDEXED = re.compile(r"^(\$[A-Za-z_][A-Za-z0-9_]*)\[@?[0-9]+\]$")
_MAC_MASKS = frozenset({"srcmacmask", "dstmacmask"})


def _full_mask(key: str, value: str, frames: frozenset[str]) -> bool:
    """Whether a mask keeps every bit of its address: a MAC mask of ff:ff:ff:ff:ff:ff, an IP
    mask of 32 (or 255.255.255.255) on an IPv4 or ARP rule, of 128 (or all ones) on an IPv6
    rule; a rule of other frames, or any other mask, is taken as widening."""
    text = value.strip().lower()
    if key in _MAC_MASKS:
        return text == "ff:ff:ff:ff:ff:ff"
    bits = 32 if frames and frames <= {"ipv4", "arp"} else 128 if frames == {"ipv6"} else 0
    if not bits:
        return False
    if text.isascii() and text.isdigit():
        return int(text) == bits
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return False
    return addr.max_prefixlen == bits and int(addr) == (1 << bits) - 1


#: How deep hvaudit follows <filterref>s. libvirt has no cap of its own (nwfilter_gentech_driver.c
#: virNWFilterDefToInst and virNWFilterIncludeDefToRuleInst recurse into every include;
#: virnwfilterobj.c _virNWFilterObjListDefLoopDetect only refuses a loop when a filter is
#: defined), so a tree nested deeper is not judged: spoof_coverage returns TREE_TOO_DEEP.
MAX_FILTER_DEPTH = 64
#: spoof_coverage's note for a tree nested deeper than MAX_FILTER_DEPTH (R18N-4).
TREE_TOO_DEEP = f"nests <filterref>s deeper than {MAX_FILTER_DEPTH}, beyond what hvaudit follows"


def _instantiate(name: str, defs: dict[str, NwFilter]) -> tuple[list[_Inst], set[str], bool]:
    """The rules of the tree, in instantiation order, the names of the filters reached, and
    whether a branch nested deeper than MAX_FILTER_DEPTH was left unread (libvirt refuses
    reference loops when a filter is defined; a loop here is cut)."""
    out: list[_Inst] = []
    reached: set[str] = set()
    cut = False

    def walk(n: str, path: tuple[str, ...]) -> None:
        nonlocal cut
        f = defs.get(n)
        if f is None or n in path:
            return
        if len(path) > MAX_FILTER_DEPTH:
            cut = True
            return
        reached.add(n)
        for e in f.entries:
            if isinstance(e, str):
                walk(e, (*path, n))
            else:
                out.append(_Inst(e, n, f.chain, len(out)))

    walk(name, ())
    return out, reached, cut


def _subtree(name: str, defs: dict[str, NwFilter]) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        cur = todo.pop()
        if cur not in seen and cur in defs:
            seen.add(cur)
            todo.extend(e for e in defs[cur].entries if isinstance(e, str))
    return seen


def _own_sources(d: _Inst, sent: list[_Inst]) -> tuple[_Match, ...]:
    """The own-address matches under which the filter that holds drop `d` lets a frame past it
    (its accept or return rules in the same chain)."""
    return tuple(
        m
        for m in OWN_SOURCE
        if m == _spares(d)
        or any(
            a.filter == d.filter
            and a.chain == d.chain
            and a.rule.action in ("accept", "return")
            and m <= a.cons
            for a in sent
        )
    )


def _harmless(r: _Inst, own: tuple[_Match, ...]) -> bool:
    """Whether rule r requires one of these matches, unwidened by a mask of its own on the
    match's address."""
    masks = {k for k, _ in r.cons if k.endswith("mask")}
    # a mask widens the address it is written for (srcipmask srcipaddr's, srcmacmask
    # srcmacaddr's), not the others the rule matches exactly (R18N-2)
    return any(
        m <= r.cons and not any(k not in keys and k[: -len("mask")] + "addr" in keys for k in masks)
        for m in own
        if (keys := {k for k, _ in m})
    )


def _ahead(r: _Inst, d: _Inst, rank: dict[int, int], chain_priority: dict[str, int]) -> bool:
    """Whether r lets a frame leave the filter before drop d sees it."""
    if r.chain == d.chain:  # one chain: the sorted order
        return r.rule.action in ("accept", "return") and rank[r.order] < rank[d.order]
    if r.chain == "root":  # a root rule runs before the jump to a chain of higher priority
        return r.rule.action in ("accept", "return") and r.rule.priority < chain_priority[d.chain]
    if r.rule.action != "accept":  # a return in another sub-chain goes back to the root chain
        return False
    if d.chain == "root":
        return chain_priority[r.chain] <= d.rule.priority
    # sub-chains of one priority have no defined order: one may run first
    return chain_priority[r.chain] <= chain_priority[d.chain]


def spoof_coverage(name: str, defs: dict[str, NwFilter]) -> tuple[frozenset[str], str]:
    """The spoofing kinds (mac, ip, arp) filter `name` stops at an interface, and why the others
    of its anti-spoofing filters do not ('' when every one it holds works)."""
    insts, reached, cut = _instantiate(name, defs)
    if cut:
        return frozenset(), TREE_TOO_DEEP
    sent = [
        i
        for i in insts
        if i.rule.direction in ("out", "inout") and i.rule.frames and _chain_frames(i.chain)
    ]
    ordered = sorted(sent, key=lambda i: (i.chain != "root", i.rule.priority))
    rank = {i.order: n for n, i in enumerate(ordered)}
    chain_priority: dict[str, int] = {}
    for i in ordered:  # the hash of chains keeps the priority of the last rule sorted
        chain_priority[i.chain] = defs[i.filter].chain_priority
    covers: set[str] = set()
    lacking: dict[str, list[str]] = {}  # anti-spoofing filter with no drop -> kinds
    partial: list[str] = []  # anti-spoofing filters whose drops take only some frames
    bypassed: dict[int, tuple[_Inst, list[str], list[str]]] = {}  # rule -> (it, wheres, kinds)
    for spoof, kind in SPOOF_FILTERS.items():
        if spoof not in reached:
            continue
        tree = _subtree(spoof, defs)
        drops = [i for i in ordered if i.filter in tree and i.rule.action in ("drop", "reject")]
        if not drops:
            lacking.setdefault(spoof, []).append(kind)
            continue
        taken = frozenset().union(*(d.frames for d in drops if _whole(d)))
        if not KIND_FRAMES[kind] <= taken:
            partial.append(
                f"filter {spoof!r} drops only "
                + ("/".join(sorted(taken & KIND_FRAMES[kind])).upper() or "some")
                + f" frames it does not admit: {kind.upper()} spoofing is not stopped"
            )
            continue
        found = _bypass(drops, ordered, rank, chain_priority)
        if found is None:
            covers.add(kind)
            continue
        r, wheres = found
        entry = bypassed.setdefault(r.order, (r, [], []))
        entry[1].extend(w for w in wheres if w not in entry[1])
        entry[2].append(kind)
    notes = [
        f"filter {spoof!r} drops nothing the guest sends: {'/'.join(k).upper()} spoofing is not "
        "stopped"
        for spoof, k in lacking.items()
    ]
    notes += partial
    for r, wheres, kinds in sorted(bypassed.values(), key=lambda b: rank[b[0].order]):
        notes.append(
            f"{_describe(r, wheres, chain_priority)}: {'/'.join(sorted(kinds)).upper()} spoofing "
            "is not stopped"
        )
    if "ip" in covers and (gap := _frame_gap("ipv6", defs, reached, ordered, rank, chain_priority)):
        covers.discard("ip")
        notes.append(gap)
    if covers & {"ip", "arp"} and (
        gap := _frame_gap("vlan", defs, reached, ordered, rank, chain_priority)
    ):
        covers -= {"ip", "arp"}
        notes.append(gap)
    return frozenset(covers), "; ".join(notes)


def _describe(r: _Inst, wheres: list[str], chain_priority: dict[str, int]) -> str:
    verb = "accepts" if r.rule.action == "accept" else "returns"
    at = (
        f"at priority {r.rule.priority}"
        if r.chain == "root"
        else f"in chain {r.chain} ({chain_priority[r.chain]}) at priority {r.rule.priority}"
    )
    to = next((v for k, v in sorted(r.cons) if k == "dstmacaddr"), None)
    sends = f"sends to {to}" if to else "sends"
    return f"filter {r.filter!r} {verb} what the guest {sends} {at}, ahead of {', '.join(wheres)}"


def _whole(i: _Inst) -> bool:
    """A drop that takes every frame of its class: it matches on nothing but the protocol, or
    spares only the guest's own address (the old no-mac-spoofing's lone drop of `<mac
    match='no' srcmacaddr='$MAC'/>`, RHEL 6 guide 18.12.2: every frame not from $MAC). Any
    other negated attribute spares more than the guest's own frames (R71)."""
    plain = [k for k, _ in i.cons if not k.startswith("!")]
    negated = len(plain) < len(i.cons)
    return all(k == "protocolid" for k in plain) and (not negated or _spares(i) is not None)


def _spares(i: _Inst) -> _Match | None:
    """The own-address match a drop negates, when that is all it negates (`match='no'` on one
    own-source attribute: it drops every frame not from the guest's own address), else None.
    Only a single attribute: ebtables ANDs the negated matches, so `! A ! B` spares what A or B
    matches, more than the own address."""
    negated = frozenset((k[1:], v) for k, v in i.cons if k.startswith("!"))
    return negated if len(negated) == 1 and negated in OWN_SOURCE else None


def _frame_gap(
    frame: str,
    defs: dict[str, NwFilter],
    reached: set[str],
    ordered: list[_Inst],
    rank: dict[int, int],
    chain_priority: dict[str, int],
) -> str | None:
    """Why frames of this class leave the filter unchecked, or None. no-ip-spoofing checks IPv4
    only (chain ipv4-ip) and no-arp-spoofing ARP only: the jumps to ipv4* and arp* chains take
    EtherType 0x0800 and 0x0806 only (ebtablesCreateTmpSubChainFW), so IPv6 needs
    no-ipv6-spoofing (chain ipv6-ip), and IPv6 as well as 802.1Q-tagged frames (0x8100, whose
    IPv4 or ARP payload no chain reads) need a drop that every such frame reaches, as
    clean-traffic's no-other-l2-traffic ("drop all other than arp and ipv4 traffic": a
    root-chain drop at 1000). A frame no rule drops leaves the root chain accepted
    (formatnwfilter, "Filtering chains")."""
    label = {"ipv6": "IPv6", "vlan": "802.1Q-tagged"}[frame]
    what = "IPv6" if frame == "ipv6" else "IP/ARP"
    if frame == "ipv6" and "no-ipv6-spoofing" in reached:
        tree = _subtree("no-ipv6-spoofing", defs)
        drops = [i for i in ordered if i.filter in tree and i.rule.action in ("drop", "reject")]
        if (
            any(_whole(d) and "ipv6" in d.frames for d in drops)
            and _bypass(drops, ordered, rank, chain_priority) is None
        ):
            return None
    # a drop that spares the guest's own address catches this class only when that address is
    # the class's own source (its IPv6 address): one that spares the guest's MAC lets every
    # frame from that MAC through, IPv6 from any source and tagged frames alike (R71)
    catch = [
        i
        for i in ordered
        if i.rule.action in ("drop", "reject")
        and _whole(i)
        and frame in i.frames
        and (_spares(i) is None or (frame == "ipv6" and _spares(i) == _V6_OWN))
    ]
    if not catch:
        return (
            f"{label} frames reach no drop ("
            + ("no no-ipv6-spoofing, and " if frame == "ipv6" else "")
            + "no rule drops what the others leave, as clean-traffic's no-other-l2-traffic "
            f"does): {what} spoofing is not stopped"
            + (" inside VLAN tags" if frame == "vlan" else "")
        )
    # one drop that every such frame reaches is enough; only a match on the guest's own IPv6
    # source (not its MAC) lets an IPv6 frame past it harmlessly, and nothing a tagged one
    own = (
        tuple(m for m in OWN_SOURCE if ("srcipaddr", "$IPV6") in m or ("srcipmask", "10") in m)
        if frame == "ipv6"
        else ()
    )
    hits = [
        f
        for d in catch
        if (f := _bypass([d], ordered, rank, chain_priority, frozenset({frame}), own))
    ]
    if len(hits) < len(catch):
        return None
    return (
        f"{_describe(hits[0][0], hits[0][1], chain_priority)}: {what} spoofing is not stopped"
        + (" inside VLAN tags" if frame == "vlan" else "")
    )


def _bypass(
    drops: list[_Inst],
    ordered: list[_Inst],
    rank: dict[int, int],
    chain_priority: dict[str, int],
    frames: frozenset[str] = ALL_FRAMES,
    own: tuple[_Match, ...] | None = None,
) -> tuple[_Inst, list[str]] | None:
    """The first rule (in sorted order) that lets frames past one of these drops, and the drops
    it bypasses."""
    hits: list[tuple[_Inst, str]] = []
    for d in drops:
        allowed = _own_sources(d, ordered) if own is None else own
        for r in ordered:
            if r is d or not (r.frames & d.frames & frames) or _harmless(r, allowed):
                continue
            if _ahead(r, d, rank, chain_priority):
                where = (
                    f"{d.filter}'s drop at priority {d.rule.priority}"
                    if r.chain == d.chain or d.chain == "root"
                    else f"the {d.chain} chain ({chain_priority[d.chain]})"
                )
                hits.append((r, where))
                break
    if not hits:
        return None
    first = min((r for r, _ in hits), key=lambda r: rank[r.order])
    return first, list(dict.fromkeys(w for r, w in hits if r is first))
