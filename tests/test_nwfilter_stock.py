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
    "<rule action='drop' direction='out' priority='1000'/></filter>",
    "allow-incoming-ipv4": "<filter name='allow-incoming-ipv4' chain='ipv4' priority='-700'>"
    "<rule action='accept' direction='in' priority='500'/></filter>",
    "no-arp-spoofing": "<filter name='no-arp-spoofing' chain='root'>"
    "<filterref filter='no-arp-mac-spoofing'/><filterref filter='no-arp-ip-spoofing'/></filter>",
    "no-arp-mac-spoofing": "<filter name='no-arp-mac-spoofing' chain='arp-mac' priority='-520'>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
    "no-arp-ip-spoofing": "<filter name='no-arp-ip-spoofing' chain='arp-ip' priority='-510'>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
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
        "<filterref filter='site'/></interface>"
    )
    uri = write_node(tmp_path / "n.xml", [dev("vm1", nic)], [LAN])
    a = run_assessment(_bundle_with_filters(tmp_path, uri, filters))
    assert outcomes(a, "HVA-191") == {"vm1": status}, messages(a, "HVA-191")
    assert part in messages(a, "HVA-191")["vm1"]
