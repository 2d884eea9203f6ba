"""Eighteenth red-team review, KVM/libvirt virtual network side (rt18-net): HVA-191's reading of
nwfilter chain and rule priorities and of the matches an accept needs, probed with cases no
earlier round tried.

Same harness as rounds 3, 8 and 17 (tests/test_redteam3_vm_probes.py: libvirt's test driver
serves the domains and networks on conftest's replayed hardened host, whose daemon reports the
network filters given, as `virsh nwfilter-dumpxml` shows them). Every fact a probe rests on was
read with the `search` / `read_file` tools, or measured on this machine's libvirt 9.0.0
(`virsh nwfilter-define` then `nwfilter-dumpxml` of throw-away filters), and is cited in its
docstring.

Findings (R18N-n): R18N-1 HVA-191 read a non-root chain whose dump shows no priority as the
prefix's default (mac -800, ipv4 -700, stp -810): libvirt's dump omits the priority exactly when
it is 0 (virNWFilterDefFormat `if (def->chainPriority != 0)`), and an stp chain's default is 0
(nwfilter_conf.c chain_priorities has no stp). A site's no-ip-spoofing redefined at priority 0
runs after clean-traffic's root accept of IPv4 at -650: IP spoofing passes, hvaudit passed (false
pass; now fail); an stp chain's accept was put ahead of the mac chain (wrong fail; now pass). In
definitions as written, the default follows libvirt's prefix match (chain 'macfast' is a mac
chain, -800: was 0, a false pass), and a rule priority outside [-1000, 1000] is 500 as libvirt
sets it (was taken as written: a false pass). R18N-2 HVA-191 failed an accept ahead of the
checks that needs the guest's own address exactly, written with a mask of every bit
(`srcmacmask='ff:ff:ff:ff:ff:ff'`, `srcipmask='32'` or '255.255.255.255'), with an element of
$MAC (`$MAC[@0]`), or with a mask on another attribute (`dstipmask='8'`; an IPv6 /32 also failed
MAC): wrong fails, now pass; a mask with a zero bit still widens.

Leads set (helper leads18net) probed HVA-195 on VLAN-filtering bridges and the depth of filter
trees: R18N-3 HVA-195 passed a bridge with vlan_filtering 1 and a plain uplink without reading
its ports' VLANs: a tap a libvirt hook script added to VLANs 10-12 and 20 is a trunk into
each (false pass). hvaudit now runs `bridge -j vlan show` (probe bridge-vlans; iproute2
bridge/vlan.c "ifname"/"vlans"/"vlan"/"vlanEnd"): a VM port in several VLANs is a question
naming them, the VLANs not read (older bundle, old iproute2 shape) a question naming what to
run; never a pass. R18N-4 HVA-191 stopped following <filterref>s at 64 levels and judged the
rest: an IPv4 accept 70 filters down, ahead of clean-traffic, was unseen and passed (false
pass). libvirt has no depth cap (nwfilter_gentech_driver.c virNWFilterDefToInst recurses into
every include; virnwfilterobj.c _virNWFilterObjListDefLoopDetect refuses loops only): a tree
deeper than 64 is now not judged, "evidence unavailable" with the filter-definition question.

Held (kept as tests): a redefined no-ip-spoofing dumped with its nonzero priority (-710) still
runs before clean-traffic's root accept at -650 (pass); masks with a zero bit (`srcipmask='24'`,
`srcmacmask='ff:ff:ff:ff:ff:00'`, an IPv6 `srcipmask='32'`) still widen (fail).
R18N-3: one VLAN per VM port passes; a filtering bridge whose only uplink is a VLAN
sub-interface passes without `bridge vlan show`. R18N-4: the same accept 60 filters down is
read and fails. leads18net2: an interface naming a port group the network does
not define takes the network's level (HVA-192 untagged OVS port not passed, HVA-092 unlimited,
HVA-193 untrusted), not the default='yes' group's.

Probed by script, not kept (the verdict was right): an own-IP, own-MAC IPv4 accept in an
ipv4-fast chain at -750 with `srcipmask='32'` (now pass, in R18N-2's parametrisation by shape).
An `<all/>` accept (an iptables-layer protocol) ahead of clean-traffic passes HVA-191: right,
the ebtables MAC/IP checks still run (probed at depth 0, 1 and 60).
Read in the code, not probed: HVA-197 takes an interface's explicit `<port isolated>` over its network's (as libvirt's
networkAllocatePort fills an absent one from the network); HVA-192 takes a port group named but
not defined as none (network_conf.c virPortGroupFindByName matches a given name only).

Leads set (helper leads18net2), settled, no finding: (1) libvirt up to 10.x does not plug an
`<interface type='bridge'>` without <virtualport> into an Open vSwitch bridge as an OVS port:
src/hypervisor/domain_interface.c virDomainInterfaceBridgeConnect (10.x; qemu_interface.c
qemuInterfaceBridgeConnect before it) hands virNetDevTapCreateInBridgePort the interface's own
virDomainNetGetActualVirtPortProfile, with no look at the bridge's kind; virnetdevtap.c
virNetDevTapAttachBridge calls virNetDevOpenvswitchAddPort only for a virtualport of type
openvswitch and otherwise virNetDevBridgeAddPort, the SIOCBRADDIF ioctl (virnetdevbridge.c,
"Unable to add bridge %1$s port %2$s"), which an OVS bridge refuses: the VM does not start
("Unable to add bridge ovs-br0 port vnet0: Operation not supported", hibiki31/virty#17,
cobbler/koan#43, fixed there by adding `<virtualport type='openvswitch'/>`). The only OVS
detection is virNetDevTapReattachBridge's (`master` "ovs-system", then `ovs-vsctl iface-to-br`),
used to move an existing tap, not to choose how to plug a new one. So HVA-191/192/197 reading
such an interface as a Linux bridge port is right: no change. (2) A port group named but not
defined: libvirt does not refuse it (bridge_driver.c networkAllocatePort does not check
virPortGroupFindByName's NULL), the network's VLAN, trust and virtualport apply and no
<bandwidth> (held test below); a <portgroup> has no <filterref> (network_conf.c
virNetworkPortGroupParseXML reads trustGuestRxFilters, virtualport, bandwidth, vlan only) and no
<port isolated> (networkAllocatePort fills an absent isolatedPort from the network only), so
HVA-191's and HVA-197's per-interface reading has no port-group level to miss.

Tally: 4 findings (R18N-1: 3 false passes, on a dump and in as-written definitions, and 1 wrong
fail; R18N-2: wrong fails; R18N-3, R18N-4: false passes), 21 tests, 8 of them held.

Leads left (not settled in the time): an interface whose <source portgroup=''> is empty (the
network driver re-parses the port's <group> with virXPathString, which returns NULL for an
empty string, so the default group would apply; not measured); a port group's
default='YES' in a hand-written network file (virNetworkPortGroupParseXML compares with
STRCASEEQ with "yes" only; hvaudit's _yes also takes 'on', '1', 'true'; dumps write
'yes'; not probed); R18N-3 asks one
question per host (an OVS question and a VLAN-membership one do not both show); the iterator
`$A[@1]` beside `$B[@1]` pairing values across two list variables (formatnwfilter
"combinations"), not judged; ebtables rules of `<stp>`/`<vlan>` protocol elements inside a mac
chain with srcportstart-like attributes were not probed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import IP_LINK, messages, outcomes
from hvaudit.engine import Assessment
from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict
from test_redteam8_host_probes import _scan_without


def _nic(mac: str, filt: str, ip: str = "10.0.0.5") -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        f"<model type='virtio'/><filterref filter='{filt}'>"
        f"<parameter name='IP' value='{ip}'/></filterref></interface>"
    )


# --- R18N-1 HVA-191: chain and rule priorities as libvirt holds them ------------------------------

#: A site's redefinition of no-ip-spoofing at chain priority 0, as `virsh nwfilter-dumpxml` shows
#: it: with its <uuid>, every rule's priority, and no chain priority (virNWFilterDefFormat writes
#: none for 0).
IP_AT_ZERO = {
    **STOCK,
    "no-ip-spoofing": "<filter name='no-ip-spoofing' chain='ipv4-ip'>"
    "<uuid>9a1c2b3d-0000-4000-8000-000000001801</uuid>"
    "<rule action='return' direction='out' priority='100'><ip srcipaddr='0.0.0.0' protocol='udp'/>"
    "</rule><rule action='return' direction='out' priority='500'><ip srcipaddr='$IP'/></rule>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
}


def test_dumped_chain_without_priority_is_at_zero(tmp_path: Path) -> None:
    """R18N-1. src/conf/nwfilter_conf.c (libvirt master, read with `read_file`):
    virNWFilterDefFormat writes `priority='%d'` only `if (def->chainPriority != 0)`; measured on
    libvirt 9.0.0 here: a filter defined with chain='macfast' priority='0' dumps with no
    priority, one with chain='macfast' and none dumps priority='-800'. So a dumped ipv4-ip chain
    with no priority runs at 0. ebiptablesApplyNewRules puts the jump to a sub-chain before the
    root rules of the same or a higher priority only: clean-traffic's root accept of IPv4 at
    -650 (`<mac protocolid='ipv4'/>`) runs first and ends the evaluation (formatnwfilter,
    "accept ... with no further analysis"), so every IPv4 packet passes, any source. hvaudit
    read the chain at the ipv4 default -700, ahead of the accept, and passed. Right: fail."""
    a = filtered_node(
        tmp_path, [dev("zero", _nic("52:54:00:18:01:01", "clean-traffic"))], IP_AT_ZERO
    )
    status, msg = verdict(a, "HVA-191", "zero")
    assert status == "fail", msg
    assert msg == (
        "52:54:00:18:01:01: filter 'clean-traffic' accepts what the guest sends at priority "
        "-650, ahead of the ipv4-ip chain (0): IP spoofing is not stopped"
    )


def test_stp_chain_defaults_to_zero(tmp_path: Path) -> None:
    """R18N-1, the wrong fail: nwfilter_conf.c `chain_priorities` maps root, mac, vlan, ipv4,
    ipv6, arp and rarp only; virNWFilterDefParseXML gives a chain whose prefix it lacks
    `(NWFILTER_MAX_FILTER_PRIORITY + NWFILTER_MIN_FILTER_PRIORITY) / 2`, 0 (libvirt 9.0 here:
    chain='stp' with no priority dumps with none). A site tree that accepts BPDUs in an stp
    chain after clean-traffic: the jump to it (frames to the bridge group address) comes after
    the mac (-800), ipv4-ip (-710) and arp (-520, -510) checks, so it admits nothing they drop.
    hvaudit put it at formatnwfilter's -810, ahead of the mac chain, and failed ("MAC spoofing
    is not stopped"). Right: pass. (R20N-1: the accept names an STP field, `type='0x80'`, so
    it takes BPDUs only; a bare `<stp/>` takes every frame sent to the bridge group address
    and lets tagged and IPv6 frames past no-other-l2-traffic's drop, tests/
    test_redteam20_net_probes.py.)"""
    filters = {
        **STOCK,
        "site-stp": "<filter name='site-stp' chain='stp'>"
        "<uuid>9a1c2b3d-0000-4000-8000-000000001802</uuid>"
        "<rule action='accept' direction='out' priority='500'><stp type='0x80'/></rule></filter>",
        "site": "<filter name='site' chain='root'><filterref filter='clean-traffic'/>"
        "<filterref filter='site-stp'/></filter>",
    }
    a = filtered_node(tmp_path, [dev("bpdu", _nic("52:54:00:18:01:02", "site"))], filters)
    assert verdict(a, "HVA-191", "bpdu") == ("pass", "1 interface(s) filtered by site")


def test_chain_default_by_libvirt_prefix(tmp_path: Path) -> None:
    """R18N-1, a definition as written: virNWFilterIsAllowedChain returns the first of root,
    mac, vlan, stp, arp, rarp, ipv4, ipv6 the chain name starts with (STRPREFIX, no '-' needed),
    and that prefix picks the default: chain 'macfast' is a mac chain at -800 (dumped as
    priority='-800' here). Its accept of IPv4 from the guest's own MAC runs before the ipv4-ip
    chain (-710): IPv4 from any source address passes. hvaudit split the name at '-', found no
    'macfast' default, took 0 and passed. Right: fail."""
    filters = {
        **STOCK,
        "site-fast": "<filter name='site-fast' chain='macfast'>"
        "<rule action='accept' direction='out'><mac srcmacaddr='$MAC' protocolid='ipv4'/></rule>"
        "</filter>",
        "site": "<filter name='site' chain='root'><filterref filter='site-fast'/>"
        "<filterref filter='clean-traffic'/></filter>",
    }
    a = filtered_node(tmp_path, [dev("fast", _nic("52:54:00:18:01:03", "site"))], filters)
    status, msg = verdict(a, "HVA-191", "fast")
    assert status == "fail", msg
    assert msg == (
        "52:54:00:18:01:03: filter 'site-fast' accepts what the guest sends in chain macfast "
        "(-800) at priority 500, ahead of the ipv4-ip chain (-710): IP spoofing is not stopped"
    )


def test_rule_priority_out_of_range_is_500(tmp_path: Path) -> None:
    """R18N-1, rule priorities: virNWFilterRuleParse sets `ret->priority = MAX_RULE_PRIORITY /
    2` and replaces it only with a value in [-1000, 1000]; anything else is 500, silently
    (libvirt 9.0 here: priority='-1500' and '2000' dump as 500). A redefined no-mac-spoofing
    whose return and drop are at -1600 and -1500 has both at 500, after a site return at 400
    of the VRRP MAC 00:00:5e:00:01:01 in the same mac chain: the guest sends as that router.
    hvaudit ordered -1500 first and passed. Right: fail, naming the return."""
    filters = {
        **STOCK,
        "no-mac-spoofing": "<filter name='no-mac-spoofing' chain='mac' priority='-800'>"
        "<rule action='return' direction='out' priority='-1600'><mac srcmacaddr='$MAC'/></rule>"
        "<rule action='drop' direction='out' priority='-1500'/></filter>",
        "site-vrrp": "<filter name='site-vrrp' chain='mac' priority='-800'>"
        "<rule action='return' direction='out' priority='400'>"
        "<mac srcmacaddr='00:00:5e:00:01:01'/></rule></filter>",
        "site": "<filter name='site' chain='root'><filterref filter='site-vrrp'/>"
        "<filterref filter='clean-traffic'/></filter>",
    }
    a = filtered_node(tmp_path, [dev("vrrp", _nic("52:54:00:18:01:04", "site"))], filters)
    status, msg = verdict(a, "HVA-191", "vrrp")
    assert status == "fail", msg
    assert msg == (
        "52:54:00:18:01:04: filter 'site-vrrp' returns what the guest sends in chain mac (-800) "
        "at priority 400, ahead of no-mac-spoofing's drop at priority 500: MAC spoofing is not "
        "stopped"
    )


def test_dumped_chain_with_its_priority_still_passes(tmp_path: Path) -> None:
    """Held (R18N-1's twin): the same redefinition dumped with priority='-710' (any nonzero
    priority is written) runs before the root accept at -650: pass."""
    filters = dict(IP_AT_ZERO)
    filters["no-ip-spoofing"] = filters["no-ip-spoofing"].replace(
        "chain='ipv4-ip'>", "chain='ipv4-ip' priority='-710'>"
    )
    a = filtered_node(tmp_path, [dev("held", _nic("52:54:00:18:01:05", "clean-traffic"))], filters)
    assert verdict(a, "HVA-191", "held") == ("pass", "1 interface(s) filtered by clean-traffic")


# --- R18N-2 HVA-191: a mask of every bit, or one element of $MAC, admits only the own address -----


def _site(rule: str) -> dict[str, str]:
    """Stock clean-traffic under a site root filter whose first include holds `rule`."""
    return {
        **STOCK,
        "site-fast": f"<filter name='site-fast' chain='root'>{rule}</filter>",
        "site": "<filter name='site' chain='root'><filterref filter='site-fast'/>"
        "<filterref filter='clean-traffic'/></filter>",
    }


@pytest.mark.parametrize(
    "rule",
    [
        # LLDP from the guest's own MAC, the MAC masked with every bit
        "<rule action='accept' direction='out' priority='-900'><mac srcmacaddr='$MAC' "
        "srcmacmask='ff:ff:ff:ff:ff:ff' protocolid='0x88cc'/></rule>",
        # the same with the first element of $MAC
        "<rule action='accept' direction='out' priority='-900'>"
        "<mac srcmacaddr='$MAC[@0]' protocolid='0x88cc'/></rule>",
        # IPv4 from the guest's own MAC and own address /32, ahead of ipv4-ip (-710)
        "<rule action='accept' direction='out' priority='-720'>"
        "<ip srcmacaddr='$MAC' srcipaddr='$IP' srcipmask='32'/></rule>",
        # the same mask written dotted
        "<rule action='accept' direction='out' priority='-720'>"
        "<ip srcmacaddr='$MAC' srcipaddr='$IP' srcipmask='255.255.255.255'/></rule>",
        # own MAC and address to 10/8: a mask on the destination widens no source
        "<rule action='accept' direction='out' priority='-720'><ip srcmacaddr='$MAC' "
        "srcipaddr='$IP' dstipaddr='10.0.0.0' dstipmask='8'/></rule>",
    ],
)
def test_full_mask_or_element_is_the_own_address(tmp_path: Path, rule: str) -> None:
    """R18N-2. An accept ahead of the checks is harmless when it needs the guest's own address
    (R71). nwfilter_conf.c keeps a mask as the bits written (checkValidMask: ones then zeros;
    IP masks dotted or CIDR, "display all masks in CIDR format"), and ebtables matches
    `-s $MAC/ff:ff:ff:ff:ff:ff` or `--ip-src $IP/32` only on that one address; `$MAC[@0]` is an
    element of the MAC variable's list (formatnwfilter, "Usage of variables in filters":
    `$VARIABLE[<index>]`, `$VARIABLE[@<iterator id>]`), a value the plain $MAC admits. hvaudit
    read any mask as widening (one on the destination too) and the indexed variable as another
    value, and failed ("MAC spoofing is not stopped" / "IP spoofing ..."): a wrong fail.
    Right: pass."""
    a = filtered_node(tmp_path, [dev("own", _nic("52:54:00:18:02:01", "site"))], _site(rule))
    assert verdict(a, "HVA-191", "own") == ("pass", "1 interface(s) filtered by site")


@pytest.mark.parametrize(
    ("rule", "kind"),
    [
        # a /24: the guest's neighbours' addresses too
        (
            "<rule action='accept' direction='out' priority='-720'>"
            "<ip srcmacaddr='$MAC' srcipaddr='$IP' srcipmask='24'/></rule>",
            "IP",
        ),
        # a MAC mask that leaves the last octet free
        (
            "<rule action='accept' direction='out' priority='-900'><mac srcmacaddr='$MAC' "
            "srcmacmask='ff:ff:ff:ff:ff:00' protocolid='0x88cc'/></rule>",
            "MAC",
        ),
        # 32 bits of an IPv6 address is a /32 prefix, not one address
        (
            "<rule action='accept' direction='out' priority='-900'>"
            "<ipv6 srcmacaddr='$MAC' srcipaddr='$IPV6' srcipmask='32'/></rule>",
            "IPv6",
        ),
    ],
)
def test_partial_masks_still_widen(tmp_path: Path, rule: str, kind: str) -> None:
    """Held (R18N-2's twins): a mask with a zero bit admits other addresses: fail as before,
    naming the kind it widens (the IPv6 /32 no longer fails MAC: the rule needs $MAC exactly)."""
    a = filtered_node(tmp_path, [dev("wide", _nic("52:54:00:18:02:02", "site"))], _site(rule))
    status, msg = verdict(a, "HVA-191", "wide")
    assert status == "fail", msg
    assert msg.startswith("52:54:00:18:02:02: filter 'site-fast' accepts what the guest sends")
    assert f"{kind} spoofing is not stopped" in msg
    assert kind == "MAC" or "MAC spoofing" not in msg


def manual_question(a: object, check_id: str, subject: str) -> str:
    """The question of one check's outcome for one subject."""
    (q,) = [
        r.outcome.question
        for r in a.results  # type: ignore[attr-defined]
        if r.check.id == check_id and r.outcome.subject.name == subject
    ]
    return str(q)


# --- R18N-3 HVA-195: a VLAN-filtering bridge's VM ports may be trunks ----------------------------


def _port_vlans(vnet0: list[dict[str, object]]) -> tuple[str, int]:
    """`bridge -j vlan show` of the hardened host with vnet0's VLAN entries replaced."""
    return (
        json.dumps(
            [
                {"ifname": "bond0", "vlans": [{"vlan": 10}, {"vlan": 20}, {"vlan": 30}]},
                {"ifname": "br0", "vlans": [{"vlan": 1, "flags": ["PVID", "Egress Untagged"]}]},
                {"ifname": "vnet0", "vlans": vnet0},
            ]
        ),
        0,
    )


def test_hook_trunked_tap_on_a_filtering_bridge_is_asked(host_scan) -> None:
    """R18N-3. br0 filters VLANs (vlan_filtering 1) and its uplink bond0 carries VLANs 10, 20
    and 30; a libvirt hook script ran `bridge vlan add dev vnet0 vid 10-12` and `... vid 20`.
    iproute2 bridge/vlan.c (read with `find_string`: open_vlan_port prints "ifname" and
    "vlans", print_range "vlan" and "vlanEnd") shows vnet0 in 10-12 and 20: the bridge forwards
    the guest's frames tagged 10 or 20 into those VLANs of the uplink (Linux br_vlan.c
    __allowed_ingress admits a tagged frame whose VID the port is a member of). hvaudit read
    vlan_filtering 1 and passed without reading the ports' VLANs. Right: a question naming the
    port and its VLANs."""
    a = host_scan(
        {"bridge-vlans": _port_vlans([{"vlan": 10, "vlanEnd": 12}, {"vlan": 20, "flags": []}])}
    )
    assert outcomes(a, "HVA-195") == {"hv1": "manual"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "VM port(s) in several VLANs of a VLAN-filtering bridge: vnet0 on br0 (VLANs 10-12, "
        "20): each guest can send tagged frames into every VLAN listed"
    )
    assert manual_question(a, "HVA-195", "hv1").startswith(
        "Is each listed VM approved to reach every VLAN its port is in"
    )


def test_port_vlans_not_collected_is_asked(tmp_path: Path) -> None:
    """R18N-3, no evidence: a bundle without `bridge -j vlan show` (an older collector) cannot
    tell an access port from a trunk: a question naming what to run, never the pass it had."""
    a = _scan_without(tmp_path, "host/commands/bridge-vlans.txt")
    assert outcomes(a, "HVA-195") == {"hv1": "manual"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "VM bridge(s) br0 filter VLANs, but the VLANs of their VM ports were not read "
        "(host/commands/bridge-vlans.txt was not collected)"
    )
    assert "`bridge -j vlan show` on the host" in manual_question(a, "HVA-195", "hv1")


def test_port_vlans_old_iproute2_shape_is_asked(host_scan) -> None:
    """R18N-3: iproute2 before 4.20 printed `{"br0": [...]}`, the lists keyed by port name
    (bridge/vlan.c with jsonw_name of the port). Not the shape read: unread, a question."""
    a = host_scan({"bridge-vlans": (json.dumps({"vnet0": [{"vlan": 10}, {"vlan": 20}]}), 0)})
    assert outcomes(a, "HVA-195") == {"hv1": "manual"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"].startswith(
        "VM bridge(s) br0 filter VLANs, but the VLANs of their VM ports were not read"
    )


def test_one_vlan_per_vm_port_passes(host_scan) -> None:
    """Held (R18N-3's twin): vnet0 only in VLAN 10 (its PVID, untagged): pass."""
    a = host_scan({"bridge-vlans": _port_vlans([{"vlan": 10, "flags": ["PVID"]}])})
    assert outcomes(a, "HVA-195") == {"hv1": "pass"}, messages(a, "HVA-195")
    assert messages(a, "HVA-195")["hv1"] == (
        "every VM bridge with an uplink filters VLANs or carries one VLAN"
    )


def test_filtering_bridge_on_a_vlan_subinterface_needs_no_port_vlans(host_scan) -> None:
    """Held (R18N-3's edge): br0's only uplink is bond0.20, a VLAN sub-interface: whatever VLANs
    vnet0 is in, what leaves the bridge goes out in VLAN 20 alone (tagged frames inside it):
    pass without `bridge vlan show`."""
    links = json.loads(IP_LINK)
    for d in links:
        if d["ifname"] == "bond0":
            del d["master"]
            d["linkinfo"] = {"info_kind": "bond"}
    links.append(
        {
            "ifindex": 8,
            "ifname": "bond0.20",
            "link": "bond0",
            "master": "br0",
            "linkinfo": {
                "info_kind": "vlan",
                "info_data": {"protocol": "802.1Q", "id": 20},
                "info_slave_kind": "bridge",
            },
        }
    )
    a = host_scan({"ip-link": (json.dumps(links), 0), "bridge-vlans": ("", 1)})
    assert outcomes(a, "HVA-195") == {"hv1": "pass"}, messages(a, "HVA-195")


# --- R18N-4 HVA-191: a filter tree nested deeper than hvaudit follows ----------------------------


def _nested(depth: int) -> dict[str, str]:
    """Stock clean-traffic under a site root filter whose first include leads through `depth`
    nested filters to one that accepts every IPv4 frame the guest sends, ahead of the mac chain."""
    filters = {
        **STOCK,
        "site": "<filter name='site' chain='root'><filterref filter='hop0'/>"
        "<filterref filter='clean-traffic'/></filter>",
        f"hop{depth}": f"<filter name='hop{depth}' chain='root'>"
        "<rule action='accept' direction='out' priority='-900'><mac protocolid='ipv4'/></rule>"
        "</filter>",
    }
    for n in range(depth):
        filters[f"hop{n}"] = (
            f"<filter name='hop{n}' chain='root'><filterref filter='hop{n + 1}'/></filter>"
        )
    return filters


def test_tree_deeper_than_followed_is_asked(tmp_path: Path) -> None:
    """R18N-4. libvirt follows every <filterref> however deep: nwfilter_gentech_driver.c
    virNWFilterDefToInst / virNWFilterIncludeDefToRuleInst recurse with no depth bound, and
    virnwfilterobj.c _virNWFilterObjListDefLoopDetect refuses only a loop (read with
    `read_file` / `find_string`). hvaudit stopped at 64 includes and judged what it had read:
    an accept of all IPv4 70 filters down, ahead of clean-traffic, was never seen and the
    VM passed. Right: the tree is not judged, a question about the filters."""
    a = filtered_node(tmp_path, [dev("deep", _nic("52:54:00:18:04:01", "site"))], _nested(70))
    status, msg = verdict(a, "HVA-191", "deep")
    assert status == "manual", msg
    assert msg == (
        "evidence unavailable: the definition of filter 'site' nests <filterref>s deeper than "
        "64, beyond what hvaudit follows"
    )


def test_tree_within_the_depth_is_judged(tmp_path: Path) -> None:
    """Held (R18N-4's twin): the same accept 60 filters down is read: fail, naming it."""
    a = filtered_node(tmp_path, [dev("near", _nic("52:54:00:18:04:02", "site"))], _nested(60))
    status, msg = verdict(a, "HVA-191", "near")
    assert status == "fail", msg
    assert msg.startswith("52:54:00:18:04:02: filter 'hop60' accepts what the guest sends")


# --- Leads (helper leads18net2): a port group named but not defined ----------------------------

#: A network whose default='yes' port group sets a VLAN tag, receive-filter trust and a bandwidth
#: limit, and which sets none of them itself (Open vSwitch, so an untagged port trunks).
UNDEFINED_PG_NETWORKS = [
    "<network><name>pgovs</name><forward mode='bridge'/><bridge name='ovsbr9'/>"
    "<virtualport type='openvswitch'/>"
    "<portgroup name='access10' default='yes' trustGuestRxFilters='no'>"
    "<vlan><tag id='10'/></vlan><bandwidth><inbound average='1000'/><outbound average='1000'/>"
    "</bandwidth></portgroup></network>",
    "<network><name>pgtrustdef</name><forward mode='passthrough'><interface dev='eth7'/>"
    "</forward><portgroup name='mon' default='yes' trustGuestRxFilters='yes'/></network>",
]


@pytest.fixture(scope="module")
def undefined_pg(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
    from test_checks_vm_inherited import nic

    d = tmp_path_factory.mktemp("undefined_pg")
    doms = [
        domain_xml("pg_named", body=nic("pgovs", mac="52:54:00:18:05:01", pg="nosuch")),
        domain_xml("pg_default", body=nic("pgovs", mac="52:54:00:18:05:02")),
        domain_xml("pg_trust_named", body=nic("pgtrustdef", mac="52:54:00:18:05:03", pg="x")),
        domain_xml("pg_trust_default", body=nic("pgtrustdef", mac="52:54:00:18:05:04")),
    ]
    uri = write_node(d / "pg.xml", doms, UNDEFINED_PG_NETWORKS)
    return run_assessment(build_bundle(d, uri, HARDENED_HOST, name="undefined_pg"))


def test_undefined_port_group_takes_the_network_level(undefined_pg: Assessment) -> None:
    """Held (leads18net2). libvirt src/network/bridge_driver.c networkAllocatePort (master, read
    with `read_file`): `portgroup = virPortGroupFindByName(netdef, port->group)` and nothing
    checks the result: a port group the interface names but the network does not define is no
    error, the VM starts with no port group; then VLAN, trustGuestRxFilters and the virtualport
    come from the network (`else if (netdef->vlan.nTags > 0)`, `else if
    (netdef->trustGuestRxFilters)`) and <bandwidth> from nowhere (`if (portgroup &&
    portgroup->bandwidth ...)`: a network's own <bandwidth> is the bridge's aggregate).
    network_conf.c virPortGroupFindByName falls back to the default='yes' group only when no
    name is given. So an interface naming 'nosuch' on a network whose default group sets VLAN
    10, a bandwidth limit and trust 'no' is an untagged Open vSwitch port (a trunk of every
    VLAN), unlimited; one naming 'x' where the default group trusts the guest is not trusted.
    hvaudit takes the same level (no check passes on the default group's setting); the
    interface naming no group takes the default group's."""
    o192, m192 = outcomes(undefined_pg, "HVA-192"), messages(undefined_pg, "HVA-192")
    assert o192["pg_default"] == "pass", m192["pg_default"]
    assert o192["pg_named"] != "pass", m192["pg_named"]
    assert "Open vSwitch port(s) without <vlan>: 52:54:00:18:05:01" in m192["pg_named"]
    o092, m092 = outcomes(undefined_pg, "HVA-092"), messages(undefined_pg, "HVA-092")
    assert (o092["pg_named"], m092["pg_named"]) == (
        "fail",
        "1 of 1 interface(s) without <bandwidth>",
    )
    assert o092["pg_default"] == "pass", m092["pg_default"]
    o193, m193 = outcomes(undefined_pg, "HVA-193"), messages(undefined_pg, "HVA-193")
    assert (o193["pg_trust_named"], m193["pg_trust_named"]) == (
        "pass",
        "no interface trusts guest receive filters",
    )
    assert (o193["pg_trust_default"], m193["pg_trust_default"]) == (
        "fail",
        "guest-controlled receive filters on 52:54:00:18:05:04 (from portgroup mon of network "
        "pgtrustdef)",
    )
