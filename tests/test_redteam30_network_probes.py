"""Thirtieth red-team review, KVM/libvirt virtual networks (rt30net): HVA-191, HVA-211 and
HVA-220 probed with the shapes round 29 left as leads.

Harness: libvirt's test driver serves the domains and networks on conftest's replayed hardened
host (`host_scan`), through the real collector, parser and engine, with `ip -j link` / `ip -j
addr` changed only where a probe says so; the nwfilter bindings a daemon would list are written
as LibvirtCollector writes them (test_redteam29_network_probes._bundle_with_bindings); a
shut-off domain is the test driver's <test:runstate>5</test:runstate>. Every fact a probe rests
on was read with the `search` / `find_string` tools and is cited in its docstring.

Findings (R30N-n):
- R30N-1 (false pass) HVA-211: the management address on a port of a VM bridge (eno3 holding
  10.0.0.10 while it is br1's uplink, or a member of bond1 that is br1's port, or bond1 itself)
  passed "no host address on a bridge with VM ports": only addresses on the bridge device were
  read. Linux's bridge takes every frame a port receives (net/bridge/br_input.c
  br_handle_frame) and passes the host's up on the bridge device (br_pass_frame_up: `skb->dev =
  brdev`), and the host answers ARP for any local address on any interface (ip-sysctl.rst
  arp_ignore default 0), so every guest on br1 shares the address's segment. Now such a port
  (or bond member) fails, naming how it belongs to the bridge (checks.network._port_addresses).
- R30N-2 (false pass) HVA-191: an nwfilter binding that holds a running VM's port with a filter
  other than the definition's (`virsh nwfilter-binding-delete`, then `virsh
  nwfilter-binding-create` with allow-incoming-ipv4 or no-mac-spoofing: src/libvirt-nwfilter.c
  virNWFilterBindingCreateXML "may be used to associate a filter with a currently running
  guest"; domain_nwfilter.c keeps an existing binding when libvirt reconnects) passed "1
  interface(s) filtered by clean-traffic". Now the binding's filter is resolved through the
  host's definitions (parse.nwfilter.spoof_coverage): the fail where it misses a kind, a
  question where its definition is not in the evidence or it stops every kind (its parameters
  are the binding's). A port two running VMs name (the test driver's testnet0) is compared
  with neither.
- R30N-3 (false pass) HVA-220: a bridge whose VMs are all shut off (defined, autostart or not)
  was no VM bridge, so br1 with one uplink NIC was left out and br0's bond passed "1 VM
  bridge(s), each on a bond of two or more NICs". libvirt creates the tap in the definition's
  bridge at each start (src/qemu/qemu_interface.c qemuInterfaceBridgeConnect,
  virNetDevTapCreateInBridgePort), and HVA-211 counts defined VMs already: now a bridge with an
  uplink that a VM is defined on counts (the fail naming br1's one uplink).
- R30N-4 (false pass) HVA-211, R29N-3's class: a VM port was known by its name alone (vnet*,
  tap*, macvtap*, veth*) beside the bridges VMs are defined on; a running VM's `<interface
  type='ethernet'>` tap guest0 (its live XML's <target dev>) that a script put on br1, which
  holds the management address, was no VM port, and an ethernet interface names no bridge:
  "no host address on a bridge with VM ports" passed. Now the taps the running VMs' live XML
  names are VM ports there too (checks.network._vm_port, also for _gateway_bridges, HVA-210's
  reading of host bridges), as HVA-195 and HVA-220 read them (R29N-3, R29N-4).
- R30N-5 (wording) HVA-033, HVA-031, HVA-210: "127/8 is reachable from guests" where a
  user-mode guest reaches 127.0.0.1 alone (libslirp slirp.c `loopback_addr.s_addr =
  htonl(INADDR_LOOPBACK)`, socket.c sotranslate_out4; R25O-3); and for systemd-resolved's stub
  alone HVA-033 said the guest's connection to its host address becomes one to 127.0.0.1,
  where no listener named was. Now reach_words names 127.0.0.1 (and ::1), HVA-033 names the
  stub's address and port and only the translation that reaches each listener.
- R30N-6 (false pass) HVA-191, HVA-192: a VM on a bridge the host shows as Open vSwitch
  (`ip -d link`: ovsbr0 of kind openvswitch, the VM's tap `master ovs-system`; or `ovs-vsctl`'s
  Bridge table), directly or through a network in bridge mode, with no <virtualport
  type='openvswitch'/> in its definition or network, was read as a Linux bridge's port:
  HVA-191 passed "1 interface(s) filtered by clean-traffic" though nwfilter's ebtables and
  iptables rules do not see what OVS forwards, and HVA-192 passed "none trunked" though an
  untagged OVS port trunks every VLAN (ovs-vswitchd.conf.db(5), Port vlan_mode). A VM there
  runs as an OVS port or not at all. Now the parser marks such an interface an OVS port
  (hvaudit.parse._ovs_ports), and each check asks its Open vSwitch question.

Held (kept as tests): the management address on a NIC in no bridge keeps HVA-211's pass; br1 on
a bond of two NICs with its VM shut off keeps HVA-220's pass (counting 2 bridges); a binding of
the definition's own filter keeps HVA-191's pass; the address on a NIC in no bridge beside
guest0 on br1 keeps HVA-211's; the same VM on br0, a Linux bridge network, beside ovsbr0 keeps
HVA-191's and HVA-192's passes.

Probed by script, not kept: passt's DNS forwarding (passt conf.c add_dns4: a loopback first
nameserver makes the gateway the guest's DNS server, dns_match, forwarded to dns_host, the
stub's own address) is HVA-033's R26O-2 rule, which loopback_guests applies to passt guests
too: held. `<portForward>` with an address could not be probed through this libvirt 9.0 test
driver (no passt backend); test_network_leads replays it. The 70 test files naming HVA-031,
HVA-033, HVA-210 or HVA-211 pass with R30N-4 and R30N-5 (9 of them had the old "127/8"
wording, updated in their own commit). The 53 older test files naming HVA-191, HVA-211 or HVA-220 pass
unchanged once a port named by two running VMs (the test driver gives every domain's first
tap testnet0) is left uncompared (7 failed before that rule: harness collisions, not verdicts).

Tally: 6 findings: 5 false passes (R30N-1 to R30N-4, R30N-6), 1 wording (R30N-5); 18 cases in
6 test functions; 14 failed on main before the fixes (R30N-1's 3, R30N-2's 3, R30N-3's 2
including the held bond case, whose pass counted one VM bridge for two, R30N-4's 1, R30N-5's
3, R30N-6's 2); the other 4 held cases passed before and after. The 25 test files naming
Open vSwitch and the 60 naming HVA-191 to HVA-197 pass with R30N-6.

Leads left:
- R30N-2 compares the binding's filter name only; a binding of the definition's filter whose
  parameters differ (an IP given by hand in `virsh nwfilter-binding-create`) is not read: the
  collector keeps each binding's XML, the parser reads only its filter name.
- HVA-197 says a managed='no' ethernet tap (guest0) is "outside the definition" while `ip -j
  link` shows it a port of br1: a question the evidence could answer. parse.host
  VM_PORT_NAME still counts a running VM's tap of another name as a foreign port
  (bridge_foreign_ports), and HVA-220 names a container's veth or a VPN tun as an "uplink".
- HVA-211 (R30N-1) reads addresses on a bridge's ports and their bond members, not on a VLAN
  device of a port (eno3.10 with eno3 in br1): tagged frames reach the VLAN device before the
  bridge's rx handler (net/core/dev.c __netif_receive_skb_core, vlan_do_receive); whether a
  guest on br1 reaches it is the weak-host question of _gateway_bridges, not settled.
- A passt `<portForward dev='lo'>` with no address is judged on every address (the parser
  keeps the device only beside an address); passt binds it to lo alone: a possible wrong
  fail, not probed (this libvirt's test driver has no passt backend). passt's IPv6 DNS
  redirect (conf.c add_dns6) was not probed.
- R30N-6 marks a bridge OVS by `ip -d link` kind or `ovs-vsctl`'s Bridge table; a network
  of another forward mode naming an OVS bridge, and a tap on OVS whose bridge is not listed,
  are left as they were. Whether libvirt attaches a tap to an OVS bridge without
  <virtualport> (virnetdevtap.c) stays unread: R30N-6 rests on the host's evidence.
- macvtap passthrough's promiscuous lower NIC (HVA-193) and OVS Port tag/trunks read from
  `ovs-vsctl` (HVA-192 asks) are still open.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import IP_ADDR, IP_LINK, domain_xml, run_assessment, write_node
from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, verdict
from test_redteam18_net_probes import manual_question
from test_redteam29_network_probes import _br1_links, _bundle_with_bindings

#: libvirt's test driver keeps a domain of its node file shut off when it says so
#: (src/test/test_driver.c, the test namespace's <test:runstate>; 5 is VIR_DOMAIN_SHUTOFF).
TEST_NS = " xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
SHUT_OFF = "<test:runstate>5</test:runstate>"


def _on_br1(name: str = "web01", *, running: bool = True) -> str:
    return domain_xml(
        name,
        body="<devices><interface type='bridge'><mac address='52:54:00:30:01:01'/>"
        "<source bridge='br1'/><model type='virtio'/></interface></devices>"
        + ("" if running else SHUT_OFF),
        extra_attrs="" if running else TEST_NS,
    )


def _addresses(**held: str) -> str:
    """The hardened host's `ip -j addr` with the management address (eno3's) on the devices
    named instead."""
    rows = [r for r in json.loads(IP_ADDR) if r["ifname"] != "eno3"]
    rows += [
        {"ifname": d, "addr_info": [{"family": "inet", "local": a, "scope": "global"}]}
        for d, a in held.items()
    ]
    return json.dumps(rows)


# --- R30N-1 HVA-211: the management address on a port of a VM bridge ----------------------------


@pytest.mark.parametrize(
    ("bonded", "held", "expected"),
    [
        (
            False,
            {"eno3": "10.0.0.10"},
            (
                "fail",
                "host address on bridge(s) with VM ports: eno3 (10.0.0.10; a port of bridge br1; "
                "VMs defined on it: web01)",
            ),
        ),
        (
            True,
            {"eno3": "10.0.0.10"},
            (
                "fail",
                "host address on bridge(s) with VM ports: eno3 (10.0.0.10; a member of bond "
                "bond1, a port of bridge br1; VMs defined on it: web01)",
            ),
        ),
        (
            True,
            {"bond1": "10.0.0.10"},
            (
                "fail",
                "host address on bridge(s) with VM ports: bond1 (10.0.0.10; a port of bridge "
                "br1; VMs defined on it: web01)",
            ),
        ),
        (False, {"eno4": "10.0.0.10"}, ("pass", "no host address on a bridge with VM ports")),
    ],
    ids=["nic-port", "bond-member", "bond-port", "held-no-address-on-a-port"],
)
def test_address_on_a_port_of_a_vm_bridge_is_on_its_segment(
    host_scan, bonded, held, expected
) -> None:
    """R30N-1. eno3 holds the management address 10.0.0.10 while it is br1's uplink port (or a
    member of bond1, br1's port; or bond1 holds it), and web01 is on br1. The bridge's rx
    handler takes every frame eno3 receives (Linux net/bridge/br_input.c br_handle_frame; a
    bond's handler passes its members' frames to the bond first) and passes the host's up as
    received on br1 (br_pass_frame_up: `skb->dev = brdev`); Linux answers ARP for any local
    address on any interface (ip-sysctl.rst arp_ignore, "0 - (default)"), so web01 reaches
    10.0.0.10 on its own segment, and so does the management network through eno3. hvaudit
    read addresses on bridges only and passed "no host address on a bridge with VM ports".
    Right: the fail, naming the port and how it belongs to br1. Held: the address on a NIC in
    no bridge keeps the pass."""
    a = host_scan(
        {"ip-link": (_br1_links(bonded), 0), "ip-addr": (_addresses(**held), 0)}, [_on_br1()]
    )
    assert verdict(a, "HVA-211", "hv1") == expected


# --- R30N-3 HVA-220: a bridge whose VMs are all shut off ----------------------------------------


@pytest.mark.parametrize(
    ("bonded", "expected"),
    [
        (False, ("fail", "VM bridge(s) without a redundant uplink: br1 (uplinks: eno3)")),
        (True, ("pass", "2 VM bridge(s), each on a bond of two or more NICs")),
    ],
    ids=["single-nic", "held-bond"],
)
def test_bridge_of_a_shut_off_vm_carries_vms(host_scan, bonded, expected) -> None:
    """R30N-3. db01 is defined on br1, whose one uplink is eno3, and is shut off (web01 runs on
    br0, on bond0 of two NICs). HVA-220 counted a bridge only with a VM port on it now, so
    br1 was left out and "1 VM bridge(s), each on a bond of two or more NICs" passed, though at
    db01's next start libvirt creates its tap in br1 (src/qemu/qemu_interface.c
    qemuInterfaceBridgeConnect, virNetDevTapCreateInBridgePort) and every frame of it goes
    through eno3; HVA-211 counts defined VMs already. Right: the fail naming br1's one uplink.
    Held: br1 on bond1 of two NICs passes, counting both bridges (main said 1)."""
    links = json.loads(_br1_links(bonded))
    links = [x for x in links if x["ifname"] != "testnet0"]
    a = host_scan(
        {"ip-link": (json.dumps(links), 0)},
        [
            domain_xml(
                "web01",
                body="<devices><interface type='bridge'><mac address='52:54:00:30:02:02'/><source bridge='br0'/><model type='virtio'/></interface></devices>",
            ),
            _on_br1("db01", running=False),
        ],
    )
    assert verdict(a, "HVA-220", "hv1") == expected


# --- R30N-2 HVA-191: a binding that holds the port with another filter --------------------------

LAN = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"
REBOUND = (
    "52:54:00:30:03:01: its port testnet0 is bound to filter {name!r}, not the definition's "
    "'clean-traffic' (virConnectListAllNWFilterBindings)"
)


@pytest.mark.parametrize(
    ("bindings", "expected"),
    [
        (
            {"testnet0": "allow-incoming-ipv4"},
            (
                "fail",
                REBOUND.format(name="allow-incoming-ipv4")
                + ", which does not stop ARP/IP/MAC spoofing",
            ),
        ),
        (
            {"testnet0": "no-mac-spoofing"},
            (
                "fail",
                REBOUND.format(name="no-mac-spoofing") + ", which does not stop ARP/IP spoofing",
            ),
        ),
        (
            {"testnet0": "site-filter"},
            (
                "manual",
                REBOUND.format(name="site-filter") + ", whose definition is not in the evidence",
            ),
        ),
        ({"testnet0": "clean-traffic"}, ("pass", "1 interface(s) filtered by clean-traffic")),
    ],
    ids=["no-spoofing-rule", "mac-only", "unread-filter", "held-definitions-filter"],
)
def test_port_bound_to_another_filter_is_judged_by_it(tmp_path: Path, bindings, expected) -> None:
    """R30N-2. web01 runs on network lan with clean-traffic and its own IP, and its port
    (testnet0 in the live XML) is held by a binding of another filter: an admin deleted the
    binding and created one by hand (src/libvirt-nwfilter.c virNWFilterBindingCreateXML: "may
    be used to associate a filter with a currently running guest that does not have a filter
    defined for a specific network port"; nwfilter_driver.c nwfilterBindingCreateXML
    instantiates that binding's filter), which libvirt keeps when it reconnects
    (src/conf/domain_nwfilter.c virDomainConfNWFilterInstantiate, ignoreExists). hvaudit
    checked only that a binding held the port (R29N-5) and passed "1 interface(s) filtered by
    clean-traffic". Right: the binding's filter is judged through the host's definitions: a
    fail where it does not stop every kind, a question where its definition was not read.
    Held: a binding with the definition's filter keeps the pass."""
    nic = (
        "<interface type='network'><mac address='52:54:00:30:03:01'/><source network='lan'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'>"
        "<parameter name='IP' value='10.0.0.31'/></filterref></interface>"
    )
    uri = write_node(tmp_path / "n.xml", [dev("web01", nic)], [LAN])
    a = run_assessment(_bundle_with_bindings(tmp_path, uri, bindings))
    assert verdict(a, "HVA-191", "web01") == expected
    if expected[0] == "manual":
        assert manual_question(a, "HVA-191", "web01").startswith(
            "Does the nwfilter binding of each port named (testnet0) of running VM web01 on host "
            "hv1 stop MAC, IP and ARP spoofing with the VM's own addresses?"
        )


# --- R30N-4 HVA-211: a running VM's tap of its own name on the management bridge ----------------

ETHERNET = (
    "<devices><interface type='ethernet'><mac address='52:54:00:30:05:01'/>"
    "<target dev='guest0' managed='no'/><model type='virtio'/></interface></devices>"
)


def _guest0_on_br1() -> str:
    """The hardened host's links plus br1, whose ports are eno3 (the uplink) and guest0, the
    tap web01's live XML names (a script put it on br1: libvirt adds an `<interface
    type='ethernet'>` tap to no bridge)."""
    links = json.loads(IP_LINK)
    for link in links:
        if link["ifname"] == "eno3":
            link.update({"master": "br1", "linkinfo": {"info_slave_kind": "bridge"}})
    links += [
        {"ifindex": 9, "ifname": "br1", "linkinfo": {"info_kind": "bridge"}},
        {
            "ifindex": 10,
            "ifname": "guest0",
            "master": "br1",
            "linkinfo": {"info_kind": "tun", "info_slave_kind": "bridge"},
        },
    ]
    return json.dumps(links)


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        (
            {"br1": "10.0.0.10"},
            ("fail", "host address on bridge(s) with VM ports: br1 (10.0.0.10; VM ports)"),
        ),
        ({"eno4": "10.0.0.10"}, ("pass", "no host address on a bridge with VM ports")),
    ],
    ids=["address-on-the-bridge", "held-address-elsewhere"],
)
def test_tap_of_its_own_name_makes_a_vm_bridge(host_scan, held, expected) -> None:
    """R30N-4 (R29N-3's class in HVA-211). web01 runs with `<interface type='ethernet'>` whose
    tap guest0 (its live XML's <target dev>, formatdomain "Overriding the target element")
    `ip link` shows as a port of br1, which holds the management address. HVA-211 knew a VM
    port by its name alone (vnet*, tap*, macvtap*, veth*) and counted bridges VMs are defined
    on, which an ethernet interface names none of: "no host address on a bridge with VM ports"
    passed while web01 shares br1 with the address. Right: the fail (checks.network._vm_port,
    as HVA-195 and HVA-220 read vm_taps). Held: the address on a NIC in no bridge passes."""
    a = host_scan(
        {"ip-link": (_guest0_on_br1(), 0), "ip-addr": (_addresses(**held), 0)},
        [domain_xml("web01", body=ETHERNET)],
    )
    assert verdict(a, "HVA-211", "hv1") == expected


# --- R30N-5 HVA-033: the loopback address a user-mode guest reaches, in words --------------------

RESOLVER = (
    "udp   UNCONN 0      0       127.0.0.53%lo:53        0.0.0.0:*    "
    'users:(("systemd-resolve",pid=500,fd=13))\n'
)
REDIS_LINE = (
    "tcp   LISTEN 0      511        127.0.0.1:6379      0.0.0.0:*    "
    'users:(("redis-server",pid=900,fd=6))\n'
)
SLIRP = (
    "<devices><interface type='user'><mac address='52:54:00:30:06:01'/>"
    "<model type='virtio'/></interface></devices>"
)
BY_SLIRP = "the user-mode networking of VM slirp (<interface type='user'>) turns "
TO_LOOPBACK = "a guest's connection to its host address into one to 127.0.0.1"
TO_STUB = (
    "a DNS query to its DNS server into one to 127.0.0.53:53 (the first nameserver of "
    "/etc/resolv.conf)"
)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            REDIS_LINE,
            "unapproved listeners: redis-server (tcp/6379) (127.0.0.1 is reachable from guests: "
            + BY_SLIRP
            + TO_LOOPBACK
            + ")",
        ),
        (
            RESOLVER,
            "unapproved listeners: systemd-resolve (udp/53) (127.0.0.53:53 is reachable from "
            "guests: " + BY_SLIRP + TO_STUB + ")",
        ),
        (
            REDIS_LINE + RESOLVER,
            "unapproved listeners: redis-server (tcp/6379), systemd-resolve (udp/53) (127.0.0.1 "
            "and 127.0.0.53:53 are reachable from guests: "
            + BY_SLIRP
            + TO_LOOPBACK
            + ", and "
            + TO_STUB
            + ")",
        ),
    ],
    ids=["loopback", "stub-resolver", "both"],
)
def test_user_mode_reach_names_the_address_reached(tmp_path: Path, extra, expected) -> None:
    """R30N-5 (wording). A user-mode guest's connection to its host address arrives at
    127.0.0.1 alone (libslirp src/slirp.c slirp_init_once: `loopback_addr.s_addr =
    htonl(INADDR_LOOPBACK)`; socket.c sotranslate_out4 `sin->sin_addr = loopback_addr`), and
    its DNS queries at the first nameserver of /etc/resolv.conf (R26O-2). HVA-033 said "127/8
    is reachable from guests" for both, though a listener on 127.0.0.2 is out of reach
    (R25O-3), and, for systemd-resolved's stub alone, that the guest's connection to its host
    address becomes one to 127.0.0.1, which no listener named was on. Right: the address
    reached (127.0.0.1, the stub's address and port) and only the translation that reaches
    it."""
    from conftest import HARDENED_HOST
    from test_redteam10_vm_probes import _replayed_on

    host = dict(
        HARDENED_HOST,
        listeners=(HARDENED_HOST["listeners"][0] + extra, 0),
        **{"/etc/resolv.conf": "nameserver 127.0.0.53\noptions edns0 trust-ad\n"},
    )
    domains = {"web01": domain_xml("web01"), "slirp": domain_xml("slirp", body=SLIRP)}
    a = run_assessment(_replayed_on(tmp_path, host, domains))
    assert verdict(a, "HVA-033", "hv1") == ("fail", expected)


# --- R30N-6 HVA-191, HVA-192: a bridge the host shows as Open vSwitch, no <virtualport> ----------

#: `ip -j -d link` of an Open vSwitch host: the datapath ovs-system, the bridge's internal port
#: ovsbr0 and the running VM's tap testnet0, each of kind or master openvswitch / ovs-system.
OVS_LINKS = [
    {"ifindex": 20, "ifname": "ovs-system", "linkinfo": {"info_kind": "openvswitch"}},
    {
        "ifindex": 21,
        "ifname": "ovsbr0",
        "master": "ovs-system",
        "linkinfo": {"info_kind": "openvswitch", "info_slave_kind": "openvswitch"},
    },
    {
        "ifindex": 22,
        "ifname": "testnet0",
        "master": "ovs-system",
        "linkinfo": {"info_kind": "tun", "info_slave_kind": "openvswitch"},
    },
]
OVS_NET = "<network><name>ovs</name><forward mode='bridge'/><bridge name='ovsbr0'/></network>"
BR0_NET = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"
OVS_ASK = (
    "manual",
    "Open vSwitch port on {on}: nwfilter's ebtables and iptables rules do not see what an OVS "
    "bridge forwards (filter 'clean-traffic' is not applied)",
)


def _ovs_nic(kind: str, source: str) -> str:
    attr = "network" if kind == "network" else "bridge"
    return (
        f"<interface type='{kind}'><mac address='52:54:00:30:07:01'/><source {attr}='{source}'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'>"
        "<parameter name='IP' value='10.0.0.77'/></filterref></interface>"
    )


@pytest.mark.parametrize(
    ("kind", "source", "hva191", "hva192"),
    [
        (
            "bridge",
            "ovsbr0",
            (OVS_ASK[0], OVS_ASK[1].format(on="ovsbr0")),
            (
                "manual",
                "Open vSwitch port(s) without <vlan>: 52:54:00:30:07:01: an untagged OVS port "
                "trunks every VLAN unless its tag is set outside libvirt",
            ),
        ),
        (
            "network",
            "ovs",
            (OVS_ASK[0], OVS_ASK[1].format(on="ovs")),
            (
                "manual",
                "Open vSwitch port(s) without <vlan>: 52:54:00:30:07:01: an untagged OVS port "
                "trunks every VLAN unless its tag is set outside libvirt",
            ),
        ),
        (
            "network",
            "lan",
            ("pass", "1 interface(s) filtered by clean-traffic"),
            ("pass", "1 interface(s), none trunked"),
        ),
    ],
    ids=["bridge", "bridge-network", "held-linux-bridge"],
)
def test_bridge_the_host_shows_as_open_vswitch(tmp_path: Path, kind, source, hva191, hva192):
    """R30N-6. web01 runs with clean-traffic on ovsbr0 (an `<interface type='bridge'>`, or a
    network in bridge mode naming it), with no <virtualport type='openvswitch'/>; `ip -d link`
    shows ovsbr0 of kind openvswitch and web01's tap with `master ovs-system`. A running VM
    there is an Open vSwitch port (a Linux bridge's SIOCBRADDIF takes no port into an OVS
    bridge, so it runs as one or not at all), where nwfilter's ebtables and iptables rules do
    not see what OVS forwards (the openstack-ansible note _spoofing cites) and a port with no
    tag trunks every VLAN (ovs-vswitchd.conf.db(5), Port vlan_mode). hvaudit read the
    definition as a Linux bridge's and passed HVA-191 "filtered by clean-traffic" and HVA-192
    "none trunked". Right: the Open vSwitch questions each check asks of a <virtualport>
    port (hvaudit.parse._ovs_ports). Held: the same VM on br0, a Linux bridge, keeps both
    passes."""
    from conftest import HARDENED_HOST
    from test_checks_vm import _with_filters

    host = dict(HARDENED_HOST)
    host["ip-link"] = (json.dumps([*json.loads(IP_LINK), *OVS_LINKS]), 0)
    uri = write_node(tmp_path / "n.xml", [dev("web01", _ovs_nic(kind, source))], [OVS_NET, BR0_NET])
    a = run_assessment(_with_filters(tmp_path, uri, host, "b", STOCK))
    assert (verdict(a, "HVA-191", "web01"), verdict(a, "HVA-192", "web01")) == (hva191, hva192)
