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
address). R20N-2 HVA-195 asked one question per host, the first of: plain uplinks without
vlan_filtering, Open vSwitch bridges, VM ports whose VLANs were not read, VM ports in several
VLANs. An attestation answers a check's item per subject, so a "yes" about an uplink's switch
port passed the host with a hook-trunked VM port or an OVS bridge never asked (false pass by
attestation). Now every condition is named in the one item and its one question asks each
(house form: pass only when each part passes).

Held (kept as tests): an <stp> accept with an STP field (`type='0x80'`) takes BPDUs only and
passes; a bare `<stp/>` drop is no catch-all drop of IPv6 or tagged frames (fail stays).
R20N-2: a host with one condition keeps that question alone. leads18: an interface with
`<source portgroup=''>` takes the network's default group, in libvirt (the port's empty <group>
is re-read as none) and in hvaudit (HVA-193 fails on the default group's trust).

Read in the code, not probed: a port group's default='on' / '1' / 'true' (hvaudit's _yes takes
them, libvirt's virNetworkPortGroupParseXML only "yes") never reaches hvaudit: the collector
reads networks with XMLDesc (collect/libvirt.py), and libvirt writes default='yes' only for a
group it holds as default, so a hand-written 'on' dumps with no default at all.

Probed by script, not kept (the verdict was right): a `<vlan srcmacaddr='$MAC'>` accept in the
root chain ahead of clean-traffic fails ("inside VLAN tags"). Measured, not kept: libvirt 9.0's
dump drops attributes a protocol element does not have (`<stp dstmacaddr=...>`, `<mac
srcipaddr=...>` dump without them), so an accept cannot look narrower in the evidence than the
rule libvirt runs.

Tally: 2 findings (R20N-1: false passes, in the mac, root and stp chains; R20N-2: false pass
by attestation), 9 tests, 4 of them held.

Leads left (not settled in the time): the nwfilter iterator pairing (`$A[@1]` beside `$B[@1]`,
formatnwfilter "combinations"; nwfilter_params.c refuses lists of unequal length, so a mismatch
fails the VM's start rather than widening a rule; not probed); hvaudit keeps every attribute of
a protocol element as a match, also ones libvirt ignores for that element (`<mac
srcipaddr=...>`): harmless for API dumps (libvirt 9.0 drops them, measured) but a definition
read as written would look narrower than libvirt's rule; an <stp> rule in an `inout` rule's
reverse direction with a source MAC is refused by libvirt ("STP filtering in inout direction
with source MAC address set is not supported"), so the interface gets no filter at all (the VM
does not start): not probed; HVA-197 with `<port isolated>` on a network of forward mode 'open'
or 'route', and the <bandwidth> floor/peak, <dns>/<dhcp> exposure and macvtap-mode leads of the
brief were not reached.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import IP_LINK, domain_xml, messages, outcomes
from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict
from test_redteam18_net_probes import _port_vlans, manual_question


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


# --- R20N-2 HVA-195: every question of a host in its one item -----------------------------------


def _with_links(*extra: dict[str, object], filtering: int = 1) -> str:
    """The hardened host's `ip -j -d link` with br0's vlan_filtering set and links added."""
    links = json.loads(IP_LINK)
    for link in links:
        if link["ifname"] == "br0":
            link["linkinfo"]["info_data"] = {"vlan_filtering": filtering}
    return json.dumps([*links, *extra])


def test_plain_uplink_and_trunked_vm_port_are_asked_together(host_scan) -> None:
    """R20N-2 (round 18's lead: R18N-3 asks one HVA-195 question per host). br0 filters VLANs
    and a hook script put vnet0 in VLANs 10-12 (R18N-3's trunk); br1 has no vlan_filtering and
    a plain uplink eno4. hvaudit gave the host one manual item asking only whether eno4's switch
    port is an access port. waivers.py: an attestation answers a manual item "for a subject",
    per check and subject: a "yes" about eno4 passed HVA-195 with vnet0's trunk into VLANs
    10-12 never asked (false pass by attestation). Right: one item naming both, its one
    question asking both, passed only when both pass (the house form, as
    base.raw_unseen_also joins two questions)."""
    a = host_scan(
        {
            "ip-link": (
                _with_links(
                    {"ifindex": 20, "ifname": "eno4", "master": "br1"},
                    {"ifindex": 21, "ifname": "br1", "linkinfo": {"info_kind": "bridge"}},
                    {
                        "ifindex": 22,
                        "ifname": "vnet1",
                        "master": "br1",
                        "linkinfo": {"info_kind": "tun", "info_slave_kind": "bridge"},
                    },
                ),
                0,
            ),
            "bridge-vlans": _port_vlans([{"vlan": 10, "vlanEnd": 12}]),
        }
    )
    assert outcomes(a, "HVA-195") == {"hv1": "manual"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "VM bridge(s) without vlan_filtering on a plain uplink: br1 (uplink eno4); VM port(s) in "
        "several VLANs of a VLAN-filtering bridge: vnet0 on br0 (VLANs 10-12): each guest can "
        "send tagged frames into every VLAN listed"
    )
    assert manual_question(a, "HVA-195", "hv1") == (
        "Is the switch port of each listed uplink an access port (one untagged VLAN), and is "
        "each listed VM approved to reach every VLAN its port is in (a router or firewall VM)? "
        "Evidence: the physical switch's configuration of the port each uplink is cabled to "
        "(`lldpctl` or `networkctl lldp` on the host names the switch and port); the port's "
        "VLANs (`bridge -j vlan show dev PORT` on the host), the hook script or tool that added "
        "them (/etc/libvirt/hooks) and the site's VLAN plan. Pass: every listed uplink's switch "
        "port is an access port, and every listed port's VLANs are ones its VM is approved to "
        "reach; fail: a listed uplink's switch port is a trunk, so VMs on its bridge can send "
        "tagged frames into other VLANs, or a port is a member of a VLAN its VM must not reach."
    )


def test_plain_uplink_and_open_vswitch_are_asked_together(host_scan) -> None:
    """R20N-2, the Open vSwitch twin: br0 without vlan_filtering on its plain uplink bond0, and
    web02 on the Open vSwitch bridge vmbr1 (`<virtualport type='openvswitch'/>`; its ports show
    `master ovs-system`, ovs-vsctl(8)). The item asked about bond0 only; a "yes" passed the
    host with vmbr1's ports (ovs-vswitchd.conf.db(5): a port with neither tag nor trunks
    "trunks all VLANs") never asked. Right: both in the one question."""
    ovs = {"info_kind": "openvswitch"}
    web02 = domain_xml(
        "web02",
        "<devices><interface type='bridge'><mac address='52:54:00:20:02:01'/>"
        "<source bridge='vmbr1'/><virtualport type='openvswitch'/><model type='virtio'/>"
        "</interface></devices>",
    )
    a = host_scan(
        {
            "ip-link": (
                _with_links(
                    {"ifindex": 30, "ifname": "ovs-system", "linkinfo": dict(ovs)},
                    {"ifindex": 31, "ifname": "vmbr1", "master": "ovs-system", "linkinfo": ovs},
                    filtering=0,
                ),
                0,
            )
        },
        domains=[domain_xml("web01"), web02],
    )
    assert outcomes(a, "HVA-195") == {"hv1": "manual"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "VM bridge(s) without vlan_filtering on a plain uplink: br0 (uplink bond0); VMs are on "
        "Open vSwitch bridge(s) vmbr1, whose uplinks and VLAN tags only Open vSwitch lists"
    )
    question = manual_question(a, "HVA-195", "hv1")
    assert question.startswith(
        "Is the switch port of each listed uplink an access port (one untagged VLAN), and does "
        "every port of Open vSwitch bridge(s) vmbr1 that carries VMs or leads to the physical "
        "network have a VLAN tag or a list of approved trunks? Evidence: "
    ), question
    assert question.endswith(
        "Pass: every listed uplink's switch port is an access port, and every such Open vSwitch "
        "port has a tag or approved trunks; fail: a listed uplink's switch port is a trunk, so "
        "VMs on its bridge can send tagged frames into other VLANs, or such a port has neither, "
        "so it forwards every VLAN (ovs-vswitchd.conf.db(5))."
    ), question


def test_one_condition_keeps_its_own_question(host_scan) -> None:
    """R20N-2, held: a host with one condition (vnet0 trunked, R18N-3's probe) keeps that
    question alone."""
    a = host_scan({"bridge-vlans": _port_vlans([{"vlan": 10, "vlanEnd": 12}, {"vlan": 20}])})
    assert outcomes(a, "HVA-195") == {"hv1": "manual"}, messages(a, "HVA-195")
    assert manual_question(a, "HVA-195", "hv1").startswith(
        "Is each listed VM approved to reach every VLAN its port is in (a router or firewall VM)? "
        "Evidence: the port's VLANs"
    )


# --- leads18: an empty <source portgroup=''> ------------------------------------------------------


def test_empty_portgroup_takes_the_default_group(tmp_path: Path) -> None:
    """Held (round 18's lead). The domain keeps `portgroup=''` as the empty string, which the
    port handed to the network driver carries as its group; the driver re-reads the port XML
    with `def->group = virXPathString("string(./group)", ctxt)` (src/conf/virnetworkportdef.c
    virNetworkPortDefParseXML, read with `read_file`), and virXPathString returns NULL for an
    empty string (src/util/virxml.c: `(obj->stringval[0] == 0)` -> NULL, read with
    `find_string`); with no group networkAllocatePort takes the default='yes' one
    (virPortGroupFindByName). hvaudit reads '' as no name too: the default group's
    trustGuestRxFilters='yes' applies, HVA-193 fails naming it (right, as before)."""
    net = (
        "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/>"
        "<portgroup name='guests' default='yes' trustGuestRxFilters='yes'/></network>"
    )
    nic = (
        "<interface type='network'><mac address='52:54:00:20:03:01'/>"
        "<source network='lan' portgroup=''/><model type='virtio'/>"
        "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.5'/></filterref>"
        "</interface>"
    )
    a = filtered_node(tmp_path, [dev("pg", nic)], STOCK, [net])
    assert verdict(a, "HVA-193", "pg") == (
        "fail",
        "guest-controlled receive filters on 52:54:00:20:03:01 (from portgroup guests of "
        "network lan)",
    )
