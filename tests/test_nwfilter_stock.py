"""HVA-191 on libvirt 9.0's own clean-traffic tree (as `virsh nwfilter-dumpxml` shows it on this
machine's libvirtd): its accept rules (IPv4 frames at -650, ARP frames at -500) run after the
chains that check those frames (ipv4-ip at -710; arp-mac at -520 and arp-ip at -510 under the
root-chain container no-arp-spoofing), so the tree stops spoofing. An accept that runs ahead of
a check, for the frames that check sees, bypasses it (formatnwfilter, "Filter chain
priorities", "Filter rules": accept ends the evaluation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import messages, outcomes, run_assessment, write_node
from test_redteam2_probes import LAN, _bundle_with_filters, dev

STOCK = {
    "clean-traffic": "<filter name='clean-traffic' chain='root'>"
    "<filterref filter='no-mac-spoofing'/><filterref filter='no-ip-spoofing'/>"
    "<rule action='accept' direction='out' priority='-650'><mac protocolid='ipv4'/></rule>"
    "<filterref filter='allow-incoming-ipv4'/><filterref filter='no-arp-spoofing'/>"
    "<rule action='accept' direction='inout' priority='-500'><mac protocolid='arp'/></rule>"
    "<filterref filter='no-other-l2-traffic'/><filterref filter='qemu-announce-self'/></filter>",
    "no-mac-spoofing": "<filter name='no-mac-spoofing' chain='mac' priority='-800'>"
    "<rule action='return' direction='out' priority='500'><mac srcmacaddr='$MAC'/></rule>"
    "<rule action='drop' direction='out' priority='500'><mac/></rule></filter>",
    "no-ip-spoofing": "<filter name='no-ip-spoofing' chain='ipv4-ip' priority='-710'>"
    "<rule action='return' direction='out' priority='100'><ip srcipaddr='0.0.0.0' protocol='udp'/>"
    "</rule><rule direction='out' action='return' priority='500'><ip srcipaddr='$IP'/></rule>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
    "allow-incoming-ipv4": "<filter name='allow-incoming-ipv4' chain='ipv4' priority='-700'>"
    "<rule action='accept' direction='in' priority='500'/></filter>",
    "no-arp-spoofing": "<filter name='no-arp-spoofing' chain='root'>"
    "<filterref filter='no-arp-mac-spoofing'/><filterref filter='no-arp-ip-spoofing'/></filter>",
    "no-arp-mac-spoofing": "<filter name='no-arp-mac-spoofing' chain='arp-mac' priority='-520'>"
    "<rule action='return' direction='out' priority='350'><arp match='yes' arpsrcmacaddr='$MAC'/>"
    "</rule><rule action='drop' direction='out' priority='1000'/></filter>",
    "no-arp-ip-spoofing": "<filter name='no-arp-ip-spoofing' chain='arp-ip' priority='-510'>"
    "<rule action='return' direction='out' priority='400'><arp match='yes' arpsrcipaddr='$IP'/>"
    "</rule><rule action='drop' direction='out' priority='1000'/></filter>",
    "no-other-l2-traffic": "<filter name='no-other-l2-traffic' chain='root'>"
    "<rule action='drop' direction='inout' priority='1000'/></filter>",
    "qemu-announce-self": "<filter name='qemu-announce-self' chain='root'/>",
}


@pytest.mark.parametrize(
    ("rule", "status", "part"),
    [
        ("", "pass", ""),
        # IPv4 frames accepted before ipv4-ip (-710) checks them
        ("<rule action='accept' direction='out' priority='-750'><ip/></rule>", "fail", "IP"),
        # ARP accepted after arp-mac (-520) but before arp-ip (-510)
        ("<rule action='accept' direction='out' priority='-515'><arp/></rule>", "fail", "ARP"),
        # IPv6 frames accepted before the mac chain (-800): their source MAC goes unchecked
        (
            "<rule action='accept' direction='out' priority='-900'><mac protocolid='ipv6'/></rule>",
            "fail",
            "MAC",
        ),
    ],
)
def test_stock_clean_traffic_and_early_accepts(
    tmp_path: Path, rule: str, status: str, part: str
) -> None:
    filters = dict(STOCK)
    filters["site"] = (
        f"<filter name='site' chain='root'>{rule}<filterref filter='clean-traffic'/></filter>"
    )
    nic = (
        "<interface type='network'><source network='lan'/><model type='virtio'/>"
        "<filterref filter='site'><parameter name='IP' value='10.0.0.31'/></filterref>"
        "</interface>"
    )
    uri = write_node(tmp_path / "n.xml", [dev("vm1", nic)], [LAN])
    a = run_assessment(_bundle_with_filters(tmp_path, uri, filters))
    assert outcomes(a, "HVA-191") == {"vm1": status}, messages(a, "HVA-191")
    assert part in messages(a, "HVA-191")["vm1"]


def _verdict(tmp_path: Path, filters: dict[str, str], top: str = "site") -> tuple[str, str]:
    nic = (
        "<interface type='network'><mac address='52:54:00:0a:00:01'/><source network='lan'/>"
        f"<model type='virtio'/><filterref filter='{top}'>"
        # an IP parameter: the address is not left to libvirt's learning (R49)
        "<parameter name='IP' value='10.0.0.31'/></filterref></interface>"
    )
    uri = write_node(tmp_path / "n.xml", [dev("vm1", nic)], [LAN])
    a = run_assessment(_bundle_with_filters(tmp_path, uri, {**STOCK, **filters}))
    return outcomes(a, "HVA-191")["vm1"], messages(a, "HVA-191")["vm1"]


def _site(*entries: str) -> dict[str, str]:
    return {"site": f"<filter name='site' chain='root'>{''.join(entries)}</filter>"}


CT = "<filterref filter='clean-traffic'/>"
NIC = "52:54:00:0a:00:01: "


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        # an accept in an ARP sub-chain whose priority (-530) puts it ahead of arp-mac (-520)
        (
            {
                **_site("<filterref filter='site-arp'/>", CT),
                "site-arp": "<filter name='site-arp' chain='arp-early' priority='-530'>"
                "<rule action='accept' direction='out'/></filter>",
            },
            "filter 'site-arp' accepts what the guest sends in chain arp-early (-530) at priority "
            "500, ahead of the arp-mac chain (-520), the arp-ip chain (-510): ARP spoofing is not "
            "stopped",
        ),
        # an accept inside the anti-spoofing filter's own chain, ahead of its drop (1000)
        (
            {
                **_site(CT, "<filterref filter='site-ip'/>"),
                "site-ip": "<filter name='site-ip' chain='ipv4-ip' priority='-710'>"
                "<rule action='accept' direction='out' priority='800'><ip protocol='tcp'/></rule>"
                "</filter>",
            },
            "filter 'site-ip' accepts what the guest sends in chain ipv4-ip (-710) at priority 800, "
            "ahead of no-ip-spoofing's drop at priority 1000: IP spoofing is not stopped",
        ),
        # a return of ARP replies in the arp-ip chain: they skip no-arp-ip-spoofing's drop
        (
            {
                **_site(CT, "<filterref filter='site-reply'/>"),
                "site-reply": "<filter name='site-reply' chain='arp-ip' priority='-510'>"
                "<rule action='return' direction='out' priority='200'><arp opcode='Reply'/>"
                "</rule></filter>",
            },
            "filter 'site-reply' returns what the guest sends in chain arp-ip (-510) at priority "
            "200, ahead of no-arp-ip-spoofing's drop at priority 1000: ARP spoofing is not stopped",
        ),
        # a return from the root chain leaves the filter: ARP frames skip every check
        (
            _site(
                "<rule action='return' direction='out' priority='-900'>"
                "<mac protocolid='arp'/></rule>",
                CT,
            ),
            "filter 'site' returns what the guest sends at priority -900, ahead of the mac chain "
            "(-800), the arp-mac chain (-520), the arp-ip chain (-510): ARP/MAC spoofing is not "
            "stopped",
        ),
        # equal priorities keep document order: LLDP accepted in the mac chain before the drop
        (
            {
                **_site("<filterref filter='site-lldp'/>", CT),
                "site-lldp": "<filter name='site-lldp' chain='mac' priority='-800'>"
                "<rule action='accept' direction='out'><mac protocolid='0x88cc'/></rule></filter>",
            },
            "filter 'site-lldp' accepts what the guest sends in chain mac (-800) at priority 500, "
            "ahead of no-mac-spoofing's drop at priority 500: MAC spoofing is not stopped",
        ),
        # a site copy of no-ip-spoofing without its drop rule
        (
            {
                **_site(CT),
                "no-ip-spoofing": "<filter name='no-ip-spoofing' chain='ipv4-ip' priority='-710'>"
                "<rule direction='out' action='return'><ip srcipaddr='$IP'/></rule></filter>",
            },
            "filter 'no-ip-spoofing' drops nothing the guest sends: IP spoofing is not stopped",
        ),
        # a site copy of no-mac-spoofing that returns every frame before its drop
        (
            {
                **_site(CT),
                "no-mac-spoofing": "<filter name='no-mac-spoofing' chain='mac' priority='-800'>"
                "<rule direction='out' action='return' priority='100'/>"
                "<rule direction='out' action='drop'><mac/></rule></filter>",
            },
            "filter 'no-mac-spoofing' returns what the guest sends in chain mac (-800) at priority "
            "100, ahead of no-mac-spoofing's drop at priority 500: MAC spoofing is not stopped",
        ),
    ],
)
def test_accepts_and_returns_inside_sub_chains_bypass_the_checks(
    tmp_path: Path, filters: dict[str, str], message: str
) -> None:
    """Rules of every filter with one chain name share one sub-chain, sorted by priority and, at
    equal priority, kept in document order; accept ends the evaluation anywhere, return in a
    sub-chain skips the rest of that sub-chain, return in the root chain leaves the filter
    (hvaudit/parse/nwfilter.py names the libvirt sources). Each of these lets spoofed frames past
    a drop of libvirt's stock clean-traffic: fail."""
    assert _verdict(tmp_path, filters) == ("fail", NIC + message)


@pytest.mark.parametrize(
    "filters",
    [
        # libvirt's own allow-arp / allow-dhcp run after the checks (chains arp -500, ipv4 -700)
        {
            **_site(CT, "<filterref filter='allow-arp'/>", "<filterref filter='allow-dhcp'/>"),
            "allow-arp": "<filter name='allow-arp' chain='arp'>"
            "<rule direction='inout' action='accept'/></filter>",
            "allow-dhcp": "<filter name='allow-dhcp' chain='ipv4'>"
            "<rule action='accept' direction='out' priority='100'><ip srcipaddr='0.0.0.0' "
            "dstipaddr='255.255.255.255' protocol='udp' srcportstart='68' dstportstart='67'/>"
            "</rule></filter>",
        },
        # a return in another sub-chain goes back to the root chain: the checks still run
        {
            **_site("<filterref filter='site-ret'/>", CT),
            "site-ret": "<filter name='site-ret' chain='ipv4-early' priority='-750'>"
            "<rule action='return' direction='out'/></filter>",
        },
        # tcp and all are iptables rules: they run after the ebtables drops
        _site(
            "<rule action='accept' direction='out' priority='-900'><tcp dstportstart='22'/></rule>"
            "<rule action='accept' direction='out' priority='-900'><all/></rule>",
            CT,
        ),
        # an accept of the guest's own source MAC ahead of no-mac-spoofing's drop
        {
            **_site("<filterref filter='site-own'/>", CT),
            "site-own": "<filter name='site-own' chain='mac' priority='-800'>"
            "<rule action='accept' direction='out' priority='100'>"
            "<mac srcmacaddr='$MAC' protocolid='0x88cc'/></rule></filter>",
        },
        # the same LLDP accept as above, referenced after clean-traffic: the drop comes first
        {
            **_site(CT, "<filterref filter='site-lldp'/>"),
            "site-lldp": "<filter name='site-lldp' chain='mac' priority='-800'>"
            "<rule action='accept' direction='out'><mac protocolid='0x88cc'/></rule></filter>",
        },
    ],
)
def test_rules_that_leave_the_checks_in_place_pass(tmp_path: Path, filters: dict[str, str]) -> None:
    """Accepts that run after the checks, returns out of other sub-chains, iptables rules and
    accepts of the guest's own source address let nothing spoofed through: pass."""
    status, message = _verdict(tmp_path, filters)
    assert (status, message) == ("pass", "1 interface(s) filtered by site")
