"""Twenty-ninth red-team review, KVM/libvirt virtual networks (rt29net): HVA-191 to HVA-230
probed with shapes no earlier round tried.

Harness: libvirt's test driver serves the domains and networks on conftest's replayed hardened
(nesting) host, whose daemon reports the network filters given (tests/test_redteam3_vm_probes
filtered_node, tests/test_checks_vm _with_filters), through the real collector, parser and
engine; `ip -j addr` of the replayed host changed only where a probe says so. Every fact a probe
rests on was read with the `search` / `find_string` / `read_file` tools and is cited in its
docstring.

Findings (R29N-n):
- R29N-1 (false pass) HVA-191: a filter's IP (or IPV6) parameter was compared with the
  addresses the other VMs' filters admit (R17N-1), never with the host's own address on the
  same switch: a VM on network default given `<parameter name='IP' value='192.168.122.1'/>`
  (the network's <ip address>, which formatnetwork says "will be configured on the bridge device
  ... To the guests this IPv4 address will be their IPv4 default route") passed "1 interface(s)
  filtered by clean-traffic", though clean-traffic's no-ip-spoofing and no-arp-ip-spoofing
  return IPv4 and ARP from $IP: the guest answers ARP for its neighbours' gateway and sends as
  it. So did a VM on br0 given the host's own address on br0 (`ip -j addr`). Now the host's
  addresses on the segment (a network's <ip>, the bridge's addresses in `ip -j addr`) are
  compared as the other VMs' are: the fail, naming whose address it is.
- R29N-2 (false pass) HVA-192: a running VM's tap that `bridge -j vlan show` lists in several
  VLANs of a vlan_filtering bridge (a hook script's `bridge vlan add dev vnet0 vid 10-12`,
  R18N-3) passed "1 interface(s), none trunked": the check read the definition only (no
  <vlan>), though Linux br_vlan.c __allowed_ingress admits a tagged frame whose VID the port
  is a member of. The live XML's <target dev> (now Interface.target_dev) names the tap. Now
  such a tap fails, naming the port and its VLANs (checks.network._live_port_trunk).
- R29N-3 (false pass) HVA-195: a VM port was known by its name alone (vnet*, tap*, macvtap*,
  veth*); a tap the definition names otherwise (formatdomain, "Overriding the target element";
  the test driver's testnet0) was taken for an uplink, so a filtering bridge whose only VM
  port it was had "no guests" and its VLANs 10-12 and 20 went unread: "every VM bridge with an
  uplink filters VLANs or carries one VLAN" passed. Now the taps the running VMs' live XML
  names are VM ports too (checks._libvirt.vm_taps): R18N-3's question, naming the port.
- R29N-4 (false pass) HVA-220, R29N-3's class: a bridge counted as a VM bridge only when a
  port's name began vnet, tap, macvtap or veth, so br1, whose one uplink is eno3 and whose only
  VM port is a running VM's tap named by its definition (testnet0), was left out and br0 (on a
  bond of two NICs) passed "1 VM bridge(s), each on a bond of two or more NICs". Now the taps
  the running VMs' live XML names are VM ports there too: the fail naming br1's one uplink.
- R29N-5 (false pass) HVA-191: the filter a running VM's live XML names was taken as in force;
  libvirt keeps what it instantiated as one nwfilter binding per port, and
  virNWFilterBindingDelete (`virsh nwfilter-binding-delete`) "may be used to remove the
  network port binding filter currently in use for the guest while the guest is running"
  (src/libvirt-nwfilter.c; nwfilter_driver.c nwfilterBindingDelete tears the rules down,
  "nothing stops an admin from deleting filter bindings created by the hypervisor drivers"),
  leaving the <filterref> in the live XML: "1 interface(s) filtered by clean-traffic" passed
  for a port no binding held. The collector now lists the bindings
  (virConnectListAllNWFilterBindings: portDev, filterName, XMLDesc; the test driver has none:
  unavailable), and a running VM's port (<target dev>) that the listed bindings do not hold
  fails, naming it (checks.network._unbound).
- R29N-6 (false pass) HVA-194: macvtap passthrough was read as a mode that bridges nothing
  ("macvtap modes: passthrough"), though it "attaches a virtual function of a SRIOV capable NIC
  directly to a VM" (formatdomain, "Direct attachment to physical interface") and a network's
  <forward mode='passthrough'><pf dev> draws that PF's VFs, which its embedded bridge switches
  to each other unless the PF is in VEPA mode: HVA-194's own question for <interface
  type='hostdev'> (R7-6). Now such an interface is that question, whose pass also admits a
  device that is a whole NIC (no physfn).

Held (kept as tests): an IP parameter that is neither the host's nor another VM's keeps the
pass; a running tap in one VLAN keeps HVA-192's and HVA-195's pass; br1 on a bond of two NICs
keeps HVA-220's pass (its message now counts br1: "2 VM bridge(s)", main said 1); a binding
that holds the running VM's port keeps HVA-191's pass; macvtap mode vepa keeps HVA-194's.

Probed by script, not kept: none; the earlier HVA-191/192/195/220 test files pass unchanged
(tests/test_e2e_libvirtd.py needs a libvirtd that this machine does not run).

Tally: 6 findings, all false pass; 18 cases in 7 test functions; 13 failed on main 3722a3b
before the fixes (R29N-1's 5, R29N-2's 1, R29N-3's 1, R29N-4's 1 and its held bond case, whose
pass named one VM bridge for two, R29N-5's 2, R29N-6's 2), the other 5 held cases passed
before and after.

Leads left:
- R29N-5 read bindings only where they were collected; a bundle without them (an older
  collector, a driver without nwfilter, a failed listing) now asks instead of passing
  (tests/test_nwfilter_bindings_unread.py; conftest.from_qemu_driver replays the bindings a
  QEMU-driver daemon holds for the test driver's running domains). A binding that holds the port with a
  filter other than the definition's (`virsh nwfilter-binding-create` by hand) is not compared:
  the filter in force is the binding's, whose coverage is not resolved. Whether the daemon
  answers virConnectListAllNWFilterBindings on a read-only connection: it does (libvirt 9.0.0's
  libvirtd here, `virsh -r -c qemu:///system nwfilter-binding-list`); and the
  firewall itself flushed under a binding (`nft flush ruleset` with no firewalld to signal
  libvirt) is not visible in the bindings at all.
- Other checks still know VM ports by name prefix (checks.network._gateway_bridges `live`,
  HVA-211's bridges, HVA-197's port reading); each also counts the bridges VMs are defined
  on, which covers a running libvirt VM's custom tap, but not a tap another tool names.
- HVA-211 passes with the management address on eno3 while eno3 is a port of br1, a VM
  bridge (R29N-4's probe): the address is on a bridge port, not the bridge; whether a guest on
  br1 reaches it (the bridge's rx handler takes eno3's frames) was not settled.
- HVA-220 counts only bridges with a live VM port: a shut-off VM defined on a bridge with one
  uplink is not asked about (HVA-211 counts defined VMs); whether it should was not settled.
- HVA-191 compares a parameter with the host's addresses on the VM's own segment only; a VM
  on virbr0 given the host's management address (10.0.0.10 on eno3) is not compared
  (routed, not on the segment: whether it can harm is a separate question).
- Proxmox VE: a node address on vmbr0 in the VM's ipfilter set is now compared as libvirt's
  (untagged NICs only: the node's address on a VLAN interface vmbr0.N is not mapped to the
  tag's segment); no PVE case is kept for it.
- A macvtap passthrough device puts its lower NIC in promiscuous mode (Linux macvlan.c
  macvlan_open, unless MACVLAN_FLAG_NOPROMISC, which libvirt was not seen to set): whether
  HVA-193 should ask about it was not settled.
- Whether libvirt >= 9 adds a tap to an Open vSwitch bridge without <virtualport> (then
  HVA-191's filter does not apply) is still unsettled (virnetdevtap.c virNetDevTapAttachBridge
  in the version read calls virNetDevBridgeAddPort without one).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import IP_LINK, domain_xml, run_assessment, write_node
from test_checks_vm import _with_filters
from test_nwfilter_stock import STOCK
from test_redteam2_probes import NESTING_HOST
from test_redteam3_vm_probes import dev, verdict
from test_redteam17_net_probes import DUAL
from test_redteam18_net_probes import manual_question

NAT = (
    "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/>"
    "<ip family='ipv6' address='2001:db8:ca2:2::1' prefix='64'/></network>"
)
LAN = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"


def _nic(kind: str, source: str, ip: str, ip6: str = "") -> str:
    attr = "network" if kind == "network" else "bridge"
    six = f"<parameter name='IPV6' value='{ip6}'/>" if ip6 else ""
    return (
        f"<interface type='{kind}'><mac address='52:54:00:29:01:01'/>"
        f"<source {attr}='{source}'/><model type='virtio'/>"
        f"<filterref filter='{'dual' if ip6 else 'clean-traffic'}'>"
        f"<parameter name='IP' value='{ip}'/>{six}</filterref></interface>"
    )


def _scan(tmp_path: Path, nic: str, network: str, filters: dict[str, str], br0: str = ""):
    host = dict(NESTING_HOST)
    if br0:
        addrs = json.loads(host["ip-addr"][0])
        for d in addrs:
            if d["ifname"] == "br0":
                d["addr_info"] = [{"family": "inet", "local": br0, "scope": "global"}]
        host["ip-addr"] = (json.dumps(addrs), 0)
    uri = write_node(tmp_path / "n.xml", [dev("vm1", nic)], [network])
    return run_assessment(_with_filters(tmp_path, uri, host, "b", filters))


# --- R29N-1 HVA-191: the host's own address on the VM's switch given as the VM's ----------------


@pytest.mark.parametrize(
    ("nic", "network", "filters", "br0", "expected"),
    [
        (
            _nic("network", "default", "192.168.122.1"),
            NAT,
            STOCK,
            "",
            "52:54:00:29:01:01: the filter's IP parameter 192.168.122.1 is host hv1's own "
            "address on virbr0 (network default's <ip>): filter 'clean-traffic' admits it as the "
            "VM's own source, so the guest can send IPv4 and ARP as the host to every machine on "
            "that segment",
        ),
        (
            _nic("network", "default", "192.168.122.001"),
            NAT,
            STOCK,
            "",
            "52:54:00:29:01:01: the filter's IP parameter 192.168.122.001 is host hv1's own "
            "address on virbr0 (network default's <ip>): filter 'clean-traffic' admits it as the "
            "VM's own source, so the guest can send IPv4 and ARP as the host to every machine on "
            "that segment",
        ),
        (
            _nic("network", "default", "192.168.122.7", "2001:DB8:CA2:2:0::1"),
            NAT,
            DUAL,
            "",
            "52:54:00:29:01:01: the filter's IPV6 parameter 2001:DB8:CA2:2:0::1 is host hv1's "
            "own address on virbr0 (network default's <ip>): filter 'dual' admits it as the VM's "
            "own source, so the guest can send IPv6 as the host to every machine on that segment",
        ),
        (
            _nic("bridge", "br0", "10.0.0.20"),
            LAN,
            STOCK,
            "10.0.0.20",
            "52:54:00:29:01:01: the filter's IP parameter 10.0.0.20 is host hv1's own address on "
            "br0: filter 'clean-traffic' admits it as the VM's own source, so the guest can send "
            "IPv4 and ARP as the host to every machine on that segment",
        ),
        (
            _nic("network", "lan", "10.0.0.20"),
            LAN,
            STOCK,
            "10.0.0.20",
            "52:54:00:29:01:01: the filter's IP parameter 10.0.0.20 is host hv1's own address on "
            "br0: filter 'clean-traffic' admits it as the VM's own source, so the guest can send "
            "IPv4 and ARP as the host to every machine on that segment",
        ),
    ],
    ids=["nat-gateway", "nat-gateway-leading-zeros", "nat-gateway-ipv6", "bridge", "bridge-net"],
)
def test_ip_parameter_that_is_the_hosts_own_address_fails(
    tmp_path: Path, nic: str, network: str, filters: dict[str, str], br0: str, expected: str
) -> None:
    """R29N-1. formatnetwork, "Addressing" (read with `search`): the <ip> address "will be
    configured on the bridge device associated with the virtual network. To the guests this
    IPv4 address will be their IPv4 default route"; `ip -j addr` shows the host's address on
    br0. libvirt's no-ip-spoofing returns IPv4 from $IP and no-arp-ip-spoofing ARP whose sender
    is $IP (tests/test_nwfilter_stock.STOCK, libvirt src/nwfilter/xml); the IPV6 tree of
    test_redteam17_net_probes.DUAL returns IPv6 from $IPV6. A parameter naming the host's own
    address lets the guest answer ARP (or send NDP and IPv6) as the host, its neighbours'
    gateway; ebtables reads 192.168.122.001 as 192.168.122.1 (R17N-1). hvaudit compared the
    parameter with the other VMs' only and passed. Right: the fail, naming whose address."""
    a = _scan(tmp_path, nic, network, filters, br0)
    assert verdict(a, "HVA-191", "vm1") == ("fail", expected)


def test_ip_parameter_of_its_own_keeps_the_pass(tmp_path: Path) -> None:
    """Held (R29N-1's twin): 192.168.122.50 is no address of the host on virbr0 nor another
    VM's; the tree stops spoofing."""
    a = _scan(tmp_path, _nic("network", "default", "192.168.122.50"), NAT, STOCK)
    assert verdict(a, "HVA-191", "vm1") == ("pass", "1 interface(s) filtered by clean-traffic")


# --- R29N-2 HVA-192, R29N-3 HVA-195: a running VM's tap in several VLANs of a filtering bridge ----

#: The test driver names a running domain's tap testnetN (its live XML's <target dev>), as
#: libvirt names one vnetN unless the definition gives another name (formatdomain, "Overriding
#: the target element"); the replayed host shows it as a port of br0 (vlan_filtering 1).
TAP_LINK = json.dumps(
    [
        *json.loads(IP_LINK),
        {
            "ifindex": 8,
            "ifname": "testnet0",
            "master": "br0",
            "linkinfo": {"info_kind": "tun", "info_slave_kind": "bridge"},
        },
    ]
)
BRIDGED = (
    "<devices><interface type='bridge'><mac address='52:54:00:29:02:01'/>"
    "<source bridge='br0'/><model type='virtio'/></interface></devices>"
)
ACCESS = [{"vlan": 10, "flags": ["PVID", "Egress Untagged"]}]
TRUNK = [{"vlan": 10, "vlanEnd": 12}, {"vlan": 20, "flags": []}]


def _tap_vlans(vlans: list[dict[str, object]]) -> tuple[str, int]:
    """`bridge -j vlan show` (iproute2 bridge/vlan.c: "ifname", "vlans", "vlanEnd" for a range)
    with the running VM's tap in `vlans`."""
    return (
        json.dumps(
            [
                {"ifname": "bond0", "vlans": [{"vlan": 10}, {"vlan": 20}, {"vlan": 30}]},
                {"ifname": "br0", "vlans": [{"vlan": 1, "flags": ["PVID", "Egress Untagged"]}]},
                {"ifname": "testnet0", "vlans": vlans},
            ]
        ),
        0,
    )


@pytest.mark.parametrize(
    ("vlans", "expected"),
    [
        (
            TRUNK,
            (
                "fail",
                "52:54:00:29:02:01: its port testnet0 on VLAN-filtering bridge br0 is in VLANs "
                "10-12, 20 (`bridge vlan show`): a trunk set outside the definition",
            ),
        ),
        (ACCESS, ("pass", "1 interface(s), none trunked")),
    ],
    ids=["tap-in-several-vlans", "held-tap-in-one-vlan"],
)
def test_running_tap_in_several_vlans_is_a_trunk(host_scan, vlans, expected) -> None:
    """R29N-2. web01 runs with `<interface type='bridge'>` on br0 and no <vlan>; its tap
    (testnet0 in the live XML) is a member of VLANs 10-12 and 20 of br0, which filters VLANs (a
    hook script's `bridge vlan add dev TAP vid 10-12`, R18N-3). Linux br_vlan.c
    __allowed_ingress admits a tagged frame whose VID the port is a member of, so the guest
    sends into each of those VLANs of the uplink. hvaudit read the definition alone and passed
    "none trunked" while `bridge -j vlan show` showed the trunk. Right: the fail, naming the
    port and its VLANs. Held: the tap in VLAN 10 alone keeps the pass."""
    a = host_scan(
        {"ip-link": (TAP_LINK, 0), "bridge-vlans": _tap_vlans(vlans)},
        [domain_xml("web01", body=BRIDGED)],
    )
    assert verdict(a, "HVA-192", "web01") == expected


@pytest.mark.parametrize(
    ("vlans", "expected"),
    [
        (
            TRUNK,
            (
                "manual",
                "VM port(s) in several VLANs of a VLAN-filtering bridge: testnet0 on br0 (VLANs "
                "10-12, 20): each guest can send tagged frames into every VLAN listed",
            ),
        ),
        (ACCESS, ("pass", "every VM bridge with an uplink filters VLANs or carries one VLAN")),
    ],
    ids=["named-tap-in-several-vlans", "held-named-tap-in-one-vlan"],
)
def test_tap_of_another_name_is_a_vm_port(host_scan, vlans, expected) -> None:
    """R29N-3. HVA-195 took a bridge port for a VM's by its name alone (vnet*, tap*, macvtap*,
    veth*): a tap the definition names otherwise (formatdomain, "Overriding the target element";
    the test driver's testnet0) was an uplink, so br0's only VM port was none and its VLANs
    10-12 and 20 went unread: "every VM bridge with an uplink filters VLANs" passed. Now the
    taps the running VMs' live XML names are VM ports too: R18N-3's question, naming it.
    Held: the tap in one VLAN keeps the pass."""
    a = host_scan(
        {"ip-link": (TAP_LINK, 0), "bridge-vlans": _tap_vlans(vlans)},
        [domain_xml("web01", body=BRIDGED)],
    )
    assert verdict(a, "HVA-195", "hv1") == expected


# --- R29N-4 HVA-220: a bridge whose only VM port has a name of the definition's -----------------


def _br1_links(bonded: bool) -> str:
    """The hardened host's links plus br1, whose uplink is eno3 alone or bond1 (eno3 and eno4),
    with the running VM's tap testnet0 as its only VM port."""
    links = json.loads(IP_LINK)
    for link in links:
        if link["ifname"] == "eno3":
            link.update(
                {
                    "master": "bond1" if bonded else "br1",
                    "linkinfo": {"info_slave_kind": "bond" if bonded else "bridge"},
                    "parentbus": "pci",
                    "parentdev": "0000:af:00.0",
                }
            )
    links += [
        {
            "ifindex": 9,
            "ifname": "br1",
            "linkinfo": {"info_kind": "bridge", "info_data": {"vlan_filtering": 1}},
        },
        {
            "ifindex": 8,
            "ifname": "testnet0",
            "master": "br1",
            "linkinfo": {"info_kind": "tun", "info_slave_kind": "bridge"},
        },
    ]
    if bonded:
        links += [
            {
                "ifindex": 10,
                "ifname": "eno4",
                "master": "bond1",
                "linkinfo": {"info_slave_kind": "bond"},
                "parentbus": "pci",
                "parentdev": "0000:d8:00.0",
            },
            {
                "ifindex": 11,
                "ifname": "bond1",
                "master": "br1",
                "linkinfo": {"info_kind": "bond", "info_slave_kind": "bridge"},
            },
        ]
    return json.dumps(links)


@pytest.mark.parametrize(
    ("bonded", "expected"),
    [
        (False, ("fail", "VM bridge(s) without a redundant uplink: br1 (uplinks: eno3)")),
        (True, ("pass", "2 VM bridge(s), each on a bond of two or more NICs")),
    ],
    ids=["single-nic", "held-bond"],
)
def test_bridge_whose_only_vm_port_has_another_name_carries_vms(
    host_scan, bonded, expected
) -> None:
    """R29N-4. HVA-220 counted a bridge as a VM bridge only when a port's name began vnet, tap,
    macvtap or veth; web01 runs on br1 through a tap its definition names otherwise
    (formatdomain, "Overriding the target element"; the test driver's testnet0), br1's one
    uplink is eno3, and br0 (on bond0 of two NICs) kept "1 VM bridge(s), each on a bond of two
    or more NICs": a pass while every frame of web01 goes through one NIC. Now the taps the
    running VMs' live XML names are VM ports too (checks._libvirt.vm_taps). Held: br1 on bond1
    of two NICs passes with br0."""
    a = host_scan(
        {"ip-link": (_br1_links(bonded), 0)},
        [
            domain_xml(
                "web01",
                body="<devices><interface type='bridge'><mac address='52:54:00:29:03:01'/>"
                "<source bridge='br1'/><model type='virtio'/></interface></devices>",
            )
        ],
    )
    assert verdict(a, "HVA-220", "hv1") == expected


# --- R29N-5 HVA-191: a filter the definition names but no binding holds -------------------------


def _bundle_with_bindings(d: Path, uri: str, bindings: dict[str, str]) -> Path:
    """The hardened replayed host whose daemon reports libvirt's stock clean-traffic tree and
    these nwfilter bindings (port device -> filter), as LibvirtCollector writes them
    (libvirt/nwfilter-bindings/index.json: name = virNWFilterBindingGetPortDev, filter =
    virNWFilterBindingGetFilterName); the test driver has no nwfilter driver."""
    from conftest import HARDENED_HOST, ReplayRunner, from_qemu_driver
    from hvaudit.bundle import BundleWriter, dump_json
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    writer = BundleWriter(d / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    for kind, items in (("nwfilters", STOCK), ("nwfilter-bindings", bindings)):
        writer.entries.pop(f"libvirt/{kind}/index.json", None)
        index = []
        for i, (name, value) in enumerate(items.items()):
            path = f"libvirt/{kind}/{i:05d}-{name}.xml"
            if kind == "nwfilters":
                xml = value
            else:
                xml = (
                    f"<filterbinding><portdev name='{name}'/>"
                    f"<filterref filter='{value}'/></filterbinding>"
                )
            writer.add(path, xml.encode(), origin="test")
            index.append({"name": name, "file": path, **({"filter": value} if value else {})})
        writer.add(f"libvirt/{kind}/index.json", dump_json({kind: index}), origin="test")
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    from_qemu_driver(writer, uri)
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    return writer.close(complete=True)


UNBOUND = (
    "fail",
    "52:54:00:29:01:01: filter 'clean-traffic' is in its definition, but no nwfilter binding "
    "holds its port testnet0 (virConnectListAllNWFilterBindings): no filter is in force there",
)


@pytest.mark.parametrize(
    ("bindings", "expected"),
    [
        ({"testnet9": "clean-traffic"}, UNBOUND),
        ({}, UNBOUND),
        ({"testnet0": "clean-traffic"}, ("pass", "1 interface(s) filtered by clean-traffic")),
    ],
    ids=["other-port-bound", "no-binding", "held-port-bound"],
)
def test_running_port_without_a_binding_has_no_filter(tmp_path: Path, bindings, expected) -> None:
    """R29N-5. web01 runs on network lan with clean-traffic and its own IP; its tap (testnet0 in
    the live XML) is held by no nwfilter binding: an admin ran `virsh nwfilter-binding-delete`
    (src/libvirt-nwfilter.c virNWFilterBindingDelete: "may be used to remove the network port
    binding filter currently in use for the guest while the guest is running"; nwfilter_driver.c
    nwfilterBindingDelete tears the rules down with virNWFilterTeardownFilter), and the live XML
    still names the filter. hvaudit read the definition and passed "1 interface(s) filtered by
    clean-traffic". Right: the fail, naming the port. Held: a binding for testnet0 keeps the
    pass."""
    nic = (
        "<interface type='network'><mac address='52:54:00:29:01:01'/><source network='lan'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'>"
        "<parameter name='IP' value='10.0.0.31'/></filterref></interface>"
    )
    uri = write_node(tmp_path / "n.xml", [dev("web01", nic)], [LAN])
    a = run_assessment(_bundle_with_bindings(tmp_path, uri, bindings))
    assert verdict(a, "HVA-191", "web01") == expected


# --- R29N-6 HVA-194: macvtap passthrough is an SR-IOV VF (or a whole NIC) -----------------------

PASSTHRU_NIC = (
    "<devices><interface type='{kind}'><mac address='52:54:00:29:05:01'/>{source}"
    "<model type='virtio'/></interface></devices>"
)
PASSTHRU_ASK = (
    ": macvtap passthrough hands the guest an SR-IOV VF (or a whole NIC), and VFs of one NIC "
    "reach each other through its embedded bridge unless the PF is in VEPA mode"
)


@pytest.mark.parametrize(
    ("kind", "source", "networks", "expected"),
    [
        (
            "network",
            "<source network='sriov'/>",
            [
                "<network><name>sriov</name><forward mode='passthrough'><pf dev='eth3'/></forward>"
                "</network>"
            ],
            (
                "manual",
                "52:54:00:29:05:01 (macvtap passthrough on network sriov, over eth3)"
                + PASSTHRU_ASK,
            ),
        ),
        (
            "direct",
            "<source dev='eth3' mode='passthrough'/>",
            [],
            ("manual", "52:54:00:29:05:01 (macvtap passthrough on eth3)" + PASSTHRU_ASK),
        ),
        (
            "direct",
            "<source dev='eth3' mode='vepa'/>",
            [],
            ("pass", "macvtap modes: vepa"),
        ),
    ],
    ids=["network-pf-pool", "direct-passthrough", "held-direct-vepa"],
)
def test_macvtap_passthrough_is_asked_as_a_vf(host_scan, kind, source, networks, expected) -> None:
    """R29N-6. formatdomain, "Direct attachment to physical interface" (read with
    `find_string`): passthrough "attaches a virtual function of a SRIOV capable NIC directly to a
    VM ... All packets are sent to the VF/IF of the configured network device"; a network's
    <forward mode='passthrough'><pf dev='eth3'/> draws its devices from that PF's VFs. VFs of
    one NIC are switched by its embedded bridge unless the PF is in VEPA mode, HVA-194's own
    reading of <interface type='hostdev'> (R7-6), but hvaudit took passthrough for a mode that
    bridges nothing and passed "macvtap modes: passthrough". Right: the VF question, whose pass
    also admits a whole NIC. Held: mode vepa keeps the pass."""
    a = host_scan(
        {},
        [domain_xml("web01", body=PASSTHRU_NIC.format(kind=kind, source=source))],
        networks,
    )
    assert verdict(a, "HVA-194", "web01") == expected
    if expected[0] == "manual":
        assert manual_question(a, "HVA-194", "web01").startswith(
            "Is each device behind 52:54:00:29:05:01 (macvtap passthrough on "
        )
