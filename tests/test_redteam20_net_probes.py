"""Twentieth red-team review, KVM/libvirt virtual network side (rt20net): HVA-191's reading of
nwfilter protocol elements whose ebtables rule is not what their name suggests, and the leads
round 18 left (empty port group, port group default spelling, HVA-195's one question per host,
iterator pairing, <stp>/<vlan> elements in a mac chain).

Same harness as rounds 3, 8, 17 and 18 (tests/test_redteam3_vm_probes.py: libvirt's test driver
serves the domains and networks on conftest's replayed hardened host, whose daemon reports the
network filters given, as `virsh nwfilter-dumpxml` shows them). Every fact a probe rests on was
read with the `search` / `find_string` / `read_file` tools, or measured on this machine's
libvirt 9.0.0 (`virsh nwfilter-define` then `nwfilter-dumpxml` of throw-away filters), and is
cited in its docstring.

Findings (R20N-n): R20N-1 HVA-191 took an nwfilter `<stp>` rule as one that matches BPDUs only.
libvirt writes every <stp> rule with `-d 01:80:c2:00:00:00` and adds ebtables' stp match (which
requires the BPDU's LLC header) only for an STP field (type, flags, root-priority, ...): a bare
`<stp srcmacaddr='$MAC'/>` accept takes every frame the guest sends to the bridge group address,
IPv4 and ARP from any source address included. In the mac chain (-800) or the root chain ahead
of ipv4-ip (-710) and the ARP chains, it lets spoofed IPv4 and ARP past them; a bridge without
STP forwards such frames to every port and to the host. hvaudit passed (false pass); now fail,
naming the group address. A drop of a bare <stp> is no catch-all (it takes only frames to that
address).

Held (kept as tests): an <stp> accept with an STP field (`type='0x80'`) takes BPDUs only and
passes; a bare `<stp/>` drop is no catch-all drop of IPv6 or tagged frames (fail stays).

Probed by script, not kept (the verdict was right): a `<vlan srcmacaddr='$MAC'>` accept in the
root chain ahead of clean-traffic fails ("inside VLAN tags"). Measured, not kept: libvirt 9.0's
dump drops attributes a protocol element does not have (`<stp dstmacaddr=...>`, `<mac
srcipaddr=...>` dump without them), so an accept cannot look narrower in the evidence than the
rule libvirt runs.

Tally: 1 finding (R20N-1: false passes, in the mac, root and stp chains), 5 tests, 2 of them
held.

Leads left (not settled in the time): none yet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict


def _nic(mac: str, filt: str, ip: str = "10.0.0.5") -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        f"<model type='virtio'/><filterref filter='{filt}'>"
        f"<parameter name='IP' value='{ip}'/></filterref></interface>"
    )


# --- R20N-1 HVA-191: a bare <stp> rule takes every frame sent to the bridge group address ---------

#: A site's filter that lets the guest's own BPDUs through early, in the mac chain (as
#: `virsh nwfilter-dumpxml` shows it: libvirt 9.0 here dumps `<stp srcmacaddr='$MAC'/>`).
STP_IN_MAC = {
    **STOCK,
    "site-bpdu": "<filter name='site-bpdu' chain='mac' priority='-800'>"
    "<uuid>9a1c2b3d-0000-4000-8000-000000002001</uuid>"
    "<rule action='accept' direction='out' priority='100'><stp srcmacaddr='$MAC'/></rule>"
    "</filter>",
    "site": "<filter name='site' chain='root'><filterref filter='site-bpdu'/>"
    "<filterref filter='clean-traffic'/></filter>",
}

STP_IN_ROOT = {
    **STOCK,
    "site": "<filter name='site' chain='root'>"
    "<rule action='accept' direction='out' priority='-900'><stp srcmacaddr='$MAC'/></rule>"
    "<filterref filter='clean-traffic'/></filter>",
}


@pytest.mark.parametrize(
    ("filters", "where"),
    [
        (
            STP_IN_MAC,
            "'site-bpdu' accepts what the guest sends to 01:80:c2:00:00:00 in chain mac "
            "(-800) at priority 100",
        ),
        (STP_IN_ROOT, "'site' accepts what the guest sends to 01:80:c2:00:00:00 at priority -900"),
    ],
    ids=["mac-chain", "root-chain"],
)
def test_bare_stp_accept_takes_every_frame_to_the_group_address(
    tmp_path: Path, filters: dict[str, str], where: str
) -> None:
    """R20N-1. nwfilter_ebiptables_driver.c (libvirt master, read with `read_file`),
    VIR_NWFILTER_RULE_PROTOCOL_STP: the rule is `-s <srcmacaddr>` (ebtablesHandleEthHdr) and
    `"-d", NWFILTER_MAC_BGA` (01:80:c2:00:00:00), then `--stp-type`, `--stp-flags`, ...
    `--stp-forward-delay` only for the fields given (INST_ITEM: HAS_ENTRY_ITEM); no `-p`. The
    kernel's stp match is what insists on a BPDU (net/bridge/netfilter/ebt_stp.c ebt_stp_mt:
    `if (memcmp(sp, header, sizeof(header))) return false;`, the LLC header 42 42 03 00 00 00),
    and without a field it is not added: `<stp srcmacaddr='$MAC'/>` accepts every frame from
    the guest's MAC to 01:80:c2:00:00:00, IPv4 and ARP of any source address included. It runs
    in the mac chain (-800) or the root chain at -900, before the ipv4-ip chain (-710) and the
    ARP chains (-520, -510), so those frames never reach them (accept ends the evaluation,
    formatnwfilter "Filter rules"). A Linux bridge without STP forwards frames to that address
    to every port and passes them up to its own host (net/bridge/br_input.c br_handle_frame,
    `case 0x00: /* Bridge Group Address */` "If STP is turned off, then must forward"); the
    host's IP stack takes a unicast IPv4 packet in a multicast frame. hvaudit read the rule as
    matching BPDUs only and passed. Right: fail, IP and ARP spoofing."""
    a = filtered_node(tmp_path, [dev("bpdu", _nic("52:54:00:20:01:01", "site"))], filters)
    status, msg = verdict(a, "HVA-191", "bpdu")
    assert status == "fail", msg
    assert msg == (
        f"52:54:00:20:01:01: filter {where}, ahead of the ipv4-ip chain (-710), the arp-mac "
        "chain (-520), the arp-ip chain (-510): ARP/IP spoofing is not stopped"
    )


def test_stp_accept_with_an_stp_field_takes_bpdus_only(tmp_path: Path) -> None:
    """R20N-1, held: with an STP field (`type='0x80'`, nwfilter_conf.c stpAttributes "type")
    libvirt adds `--stp-type 0x80`, and ebt_stp_mt matches only a frame with the BPDU's LLC
    header: no IPv4 or ARP frame. The same accept at -900 in the root chain stops nothing the
    checks drop. Pass (as before)."""
    filters = {
        **STOCK,
        "site": "<filter name='site' chain='root'>"
        "<rule action='accept' direction='out' priority='-900'>"
        "<stp srcmacaddr='$MAC' type='0x80'/></rule><filterref filter='clean-traffic'/></filter>",
    }
    a = filtered_node(tmp_path, [dev("bpdu", _nic("52:54:00:20:01:02", "site"))], filters)
    assert verdict(a, "HVA-191", "bpdu") == ("pass", "1 interface(s) filtered by site")


def test_bare_stp_drop_is_no_catch_all(tmp_path: Path) -> None:
    """R20N-1, held (guards the fix's other side): a bare `<stp/>` drop is `-d
    01:80:c2:00:00:00 -j DROP`, it takes only frames to the bridge group address. A site tree
    of no-mac-, no-ip- and no-arp-spoofing whose only other drop is that one leaves IPv6 and
    802.1Q-tagged frames from the guest's MAC to the root chain, unchecked (as
    test_redteam3_vm_probes' site-guard): the return of $MAC in no-mac-spoofing lets them past
    the only drop that takes them. With a bare <stp> now matching frames of every class, it must
    not be read as a catch-all drop of IPv6 and tagged frames (without its destination it
    was: pass). Right: fail (as before)."""
    filters = {
        **STOCK,
        "site": "<filter name='site' chain='root'><filterref filter='no-mac-spoofing'/>"
        "<filterref filter='no-ip-spoofing'/><filterref filter='no-arp-spoofing'/>"
        "<rule action='drop' direction='out' priority='1000'><stp/></rule></filter>",
    }
    a = filtered_node(tmp_path, [dev("six", _nic("52:54:00:20:01:03", "site"))], filters)
    status, msg = verdict(a, "HVA-191", "six")
    assert status == "fail", msg
    assert msg == (
        "52:54:00:20:01:03: filter 'no-mac-spoofing' returns what the guest sends in chain mac "
        "(-800) at priority 500, ahead of no-mac-spoofing's drop at priority 500: IPv6 spoofing "
        "is not stopped; filter 'no-mac-spoofing' returns what the guest sends in chain mac "
        "(-800) at priority 500, ahead of no-mac-spoofing's drop at priority 500: IP/ARP "
        "spoofing is not stopped inside VLAN tags"
    )


def test_bare_stp_accept_in_an_stp_chain_passes_tagged_and_ipv6_frames(tmp_path: Path) -> None:
    """R20N-1 in an stp chain (round 18's R18N-1 probe with a bare `<stp/>`): the chain runs at
    0 (an stp chain has no default priority, R18N-1), after the mac, ipv4-ip and ARP chains but
    before clean-traffic's no-other-l2-traffic root drop at 1000; the jump to it takes every
    frame sent to 01:80:c2:00:00:00 (ebtablesCreateTmpSubChainFW: `-d` the bridge group
    address for stp*), and a bare <stp> accept there takes them all. IPv6 from any source and
    802.1Q-tagged frames (whose IPv4 or ARP no chain reads) sent to that address are accepted
    instead of dropped. hvaudit took the accept for BPDUs only and passed. Right: fail, naming
    the root drop it runs ahead of."""
    filters = {
        **STOCK,
        "site-stp": "<filter name='site-stp' chain='stp'>"
        "<uuid>9a1c2b3d-0000-4000-8000-000000002002</uuid>"
        "<rule action='accept' direction='out' priority='500'><stp/></rule></filter>",
        "site": "<filter name='site' chain='root'><filterref filter='clean-traffic'/>"
        "<filterref filter='site-stp'/></filter>",
    }
    a = filtered_node(tmp_path, [dev("bpdu", _nic("52:54:00:20:01:04", "site"))], filters)
    status, msg = verdict(a, "HVA-191", "bpdu")
    assert status == "fail", msg
    ahead = (
        "filter 'site-stp' accepts what the guest sends to 01:80:c2:00:00:00 in chain stp (0) at "
        "priority 500, ahead of no-other-l2-traffic's drop at priority 1000"
    )
    assert msg == (
        f"52:54:00:20:01:04: {ahead}: IPv6 spoofing is not stopped; {ahead}: IP/ARP spoofing is "
        "not stopped inside VLAN tags"
    )
