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
  by prefix when unset (formatnwfilter, "Filter chain priorities": stp -810, mac -800, vlan -750,
  ipv4 -700, ipv6 -600, arp -500, rarp -400);
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

from dataclasses import dataclass

from hvaudit.model import NwFilter, NwFilterRule
from hvaudit.parse.host import ALL_FRAMES

SPOOF_FILTERS = {"no-mac-spoofing": "mac", "no-ip-spoofing": "ip", "no-arp-spoofing": "arp"}
"""libvirt's anti-spoofing filters (formatnwfilter, "Pre-existing network filters")."""

OWN_SOURCE = frozenset(
    {
        ("srcmacaddr", "$MAC"),
        ("srcipaddr", "$IP"),
        ("srcipaddr", "0.0.0.0"),
        ("arpsrcmacaddr", "$MAC"),
        ("arpsrcipaddr", "$IP"),
    }
)
"""Matches that admit only frames sent from the interface's own address ($MAC, $IP: formatnwfilter
"Usage of variables in filters") or from the unspecified address a DHCP client starts from (stock
no-ip-spoofing returns UDP from 0.0.0.0). An accept or return that requires the same source as an
anti-spoofing filter's own return lets nothing through that the filter would drop."""

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


def _instantiate(name: str, defs: dict[str, NwFilter]) -> tuple[list[_Inst], set[str]]:
    """The rules of the tree, in instantiation order, and the names of the filters reached
    (libvirt refuses reference loops when a filter is defined; a loop here is cut)."""
    out: list[_Inst] = []
    reached: set[str] = set()

    def walk(n: str, path: tuple[str, ...]) -> None:
        f = defs.get(n)
        if f is None or n in path or len(path) > 64:
            return
        reached.add(n)
        for e in f.entries:
            if isinstance(e, str):
                walk(e, (*path, n))
            else:
                out.append(_Inst(e, n, f.chain, len(out)))

    walk(name, ())
    return out, reached


def _subtree(name: str, defs: dict[str, NwFilter]) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        cur = todo.pop()
        if cur not in seen and cur in defs:
            seen.add(cur)
            todo.extend(e for e in defs[cur].entries if isinstance(e, str))
    return seen


def _own_sources(d: _Inst, sent: list[_Inst]) -> frozenset[tuple[str, str]]:
    """The own-address matches under which the anti-spoofing filter that holds drop `d` lets a
    frame past it (its accept or return rules in the same chain)."""
    return frozenset(
        c
        for a in sent
        if a.filter == d.filter and a.chain == d.chain and a.rule.action in ("accept", "return")
        for c in a.rule.constraints & OWN_SOURCE
    )


def _harmless(r: _Inst, own: frozenset[tuple[str, str]]) -> bool:
    """Whether rule r requires one of the filter's own-address matches, unwidened by a mask."""
    keys = {k for k, _ in r.rule.constraints}
    return any(k.replace("addr", "mask") not in keys for k, _ in r.rule.constraints & own)


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
    insts, reached = _instantiate(name, defs)
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
    bypassed: dict[int, tuple[_Inst, list[str], list[str]]] = {}  # rule -> (it, wheres, kinds)
    for spoof, kind in SPOOF_FILTERS.items():
        if spoof not in reached:
            continue
        tree = _subtree(spoof, defs)
        drops = [i for i in ordered if i.filter in tree and i.rule.action in ("drop", "reject")]
        if not drops:
            lacking.setdefault(spoof, []).append(kind)
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
    for r, wheres, kinds in sorted(bypassed.values(), key=lambda b: rank[b[0].order]):
        verb = "accepts" if r.rule.action == "accept" else "returns"
        at = (
            f"at priority {r.rule.priority}"
            if r.chain == "root"
            else f"in chain {r.chain} ({chain_priority[r.chain]}) at priority {r.rule.priority}"
        )
        notes.append(
            f"filter {r.filter!r} {verb} what the guest sends {at}, ahead of {', '.join(wheres)}: "
            f"{'/'.join(sorted(kinds)).upper()} spoofing is not stopped"
        )
    return frozenset(covers), "; ".join(notes)


def _bypass(
    drops: list[_Inst],
    ordered: list[_Inst],
    rank: dict[int, int],
    chain_priority: dict[str, int],
) -> tuple[_Inst, list[str]] | None:
    """The first rule (in sorted order) that lets frames past one of these drops, and the drops
    it bypasses."""
    hits: list[tuple[_Inst, str]] = []
    for d in drops:
        own = _own_sources(d, ordered)
        for r in ordered:
            if r is d or not (r.frames & d.frames) or _harmless(r, own):
                continue
            if _ahead(r, d, rank, chain_priority):
                where = (
                    f"{d.filter}'s drop at priority {d.rule.priority}"
                    if r.chain == d.chain
                    else f"the {d.chain} chain ({chain_priority[d.chain]})"
                )
                hits.append((r, where))
                break
    if not hits:
        return None
    first = min((r for r, _ in hits), key=lambda r: rank[r.order])
    return first, list(dict.fromkeys(w for r, w in hits if r is first))
