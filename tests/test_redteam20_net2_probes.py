"""Twentieth red-team review, second pass on the KVM/libvirt virtual network side (rt20net2):
what <bandwidth>, <network> forward modes, macvtap modes, Open vSwitch ports and nwfilter variants
mean to HVA-092 and HVA-19x, probed where rounds 17, 18 and 20 (tests/test_redteam20_net_probes.py)
did not reach.

Same harness as rounds 3, 8, 17, 18 and 20 (tests/test_redteam3_vm_probes.py: libvirt's test
driver serves the domains and networks on conftest's replayed hardened host). Every fact a probe
rests on was read with the `search` / `find_string` / `read_file` tools, or measured on this
machine's libvirt 9.0.0 (`virsh -c test:///default` define then dumpxml), and is cited in its
docstring.

Findings (R20N-n): R20N-3 HVA-092 took an interface whose <bandwidth> sets no rate (every average
0, which libvirt's dump shows as an empty `<bandwidth>`) as one without a <bandwidth> of its own,
so it gave it its port group's limits and passed. libvirt keeps it as the interface's own
(virNetDevBandwidthParse keeps a <bandwidth> with an <inbound> or <outbound>), so
networkAllocatePort copies the port group's only `if (!port->bandwidth)`, and virNetDevBandwidthSet
shapes nothing for an average of 0: the VM is unlimited (false pass). Now fail, naming it.
R20N-4 HVA-197 passed isolated ports (`<port isolated='yes'/>`, libvirt honours it for every
forward mode with a bridge) on a libvirt network of forward mode nat, route, open or none whose
bridge holds the host's address. Port isolation stops frames between isolated ports only; a
guest sends a packet for another guest's address to the host's MAC and the host routes it back
into the same bridge: libvirt turns IP forwarding on for nat, route and open and accepts `-i BR
-o BR` for every mode but open. The VMs still exchange packets (false pass). Now the east-west
question naming the routing, when another VM shares the bridge (test_rawargs_unseen's hardened
VMs on the NAT default network are now asked too).

R20N-5 HVA-197 left Open vSwitch ports out: a VM whose NICs are all OVS ports was "no interface
on a Linux host bridge" (wrong n/a), and one with an isolated Linux bridge port beside an OVS
port passed (false pass). libvirt isolates no OVS port; only the Port's `protected` column or
OpenFlow rules set outside it do. Now a question naming the OVS port(s) and what to read
(`ovs-vsctl get Port PORT protected`, `ovs-ofctl dump-flows`); with a port not isolated on a
Linux bridge too, the OVS ports join that item's list.

Held (kept as tests): R20N-3: an interface without <bandwidth> takes its port group's (pass).
R20N-4: a VM alone on the NAT network, and two VMs on a network without an <ip>, pass.

Probed by script, not kept (the verdict was right): HVA-092 on a NAT network whose port group
limits outbound: an interface with only `<inbound floor='100'/>` fails (its own <bandwidth>, so
no port group's; a floor guarantees, it does not limit), one with only an inbound average fails
"inbound limit only" (libvirt does not merge the port group's outbound into it). HVA-191, 192
and 194 on two OVS-attached VMs: OVS questions (right). Read in the code, not probed: HVA-194
passes macvtap vepa, private and passthrough and fails bridge, for `type='direct'` and for
networks whose forward mode is macvtap (bridge_driver.c networkAllocatePort: bridge without
<bridge>, private, vepa, passthrough are VIR_NETWORK_PORT_PLUG_TYPE_DIRECT); libvirt's
virNetDevBandwidthSet direction swap (tap vs macvtap) matches HVA-092's reading of <outbound>
as what the guest sends.

Tally: 3 findings (R20N-3, R20N-4: false passes; R20N-5: wrong n/a and false pass), 11 tests, 3
of them held.

Leads left (not settled in the time): HVA-092's "N of M interface(s) without <bandwidth>" for an
interface whose <bandwidth> has only a floor (wording: it has one, with no limit); the host's
weak-host routing also lets VMs of a NAT network reach any host address (sshd bound to a
management IP) through the bridge, which only HVA-212's firewall reading covers (not probed
against libvirt's LIBVIRT_INP accepts); <dns>/<dhcp> exposure (dnsmasq on the bridge, `<dns
enable='no'>`, <forwarder>) not reached; nwfilter leads of the brief (clean-traffic-gateway,
CTRL_IP_LEARNING spellings and case, priority ties and libvirt's sort, statematch='false', an
inout <stp> with a source MAC, iterator pairing) not reached; OVS `protected` ports are asked,
not read (no probe collects `ovs-vsctl list Port`); an OVS VLAN trunk with nativeMode on a port
group (R5-1's reading) not re-probed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict
from test_redteam18_net_probes import manual_question


def _nic(mac: str, extra: str = "", source: str = "<source network='lan' portgroup='pg'/>") -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/>{source}<model type='virtio'/>{extra}"
        "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.5'/></filterref>"
        "</interface>"
    )


# --- R20N-3 HVA-092: a <bandwidth> of rate 0 is the interface's own -----------------------------

PG_LIMITED = (
    "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/>"
    "<portgroup name='pg'><bandwidth><inbound average='1000'/><outbound average='1000'/>"
    "</bandwidth></portgroup></network>"
)


@pytest.mark.parametrize(
    "bandwidth",
    [
        "<bandwidth><outbound average='0'/></bandwidth>",
        "<bandwidth><inbound average='0'/><outbound average='0'/></bandwidth>",
    ],
    ids=["outbound-0", "both-0"],
)
def test_bandwidth_of_rate_zero_keeps_the_port_group_limit_away(
    tmp_path: Path, bandwidth: str
) -> None:
    """R20N-3. src/conf/netdev_bandwidth_conf.c (libvirt master, read with `read_file`):
    virNetDevBandwidthParseRate takes `average='0'` (an average is mandatory only without a
    floor); virNetDevBandwidthParse keeps the <bandwidth> `if (def->in || def->out)`; and
    virNetDevBandwidthRateFormat writes an <inbound>/<outbound> only `if (def->average ||
    def->floor)`. Measured on libvirt 9.0.0 (`virsh -c test:///default` define, dumpxml): the
    interface dumps as an empty `<bandwidth>\\n</bandwidth>`. src/network/bridge_driver.c
    networkAllocatePort copies the port group's <bandwidth> only `if (!port->bandwidth)`, and
    src/util/virnetdevbandwidth.c virNetDevBandwidthSet adds the htb qdisc only `if (tx &&
    tx->average)`: the guest's traffic is not limited at all. hvaudit read the empty element
    as no <bandwidth>, gave the interface port group pg's limits and passed. Right: fail."""
    a = filtered_node(
        tmp_path, [dev("bw", _nic("52:54:00:20:09:01", bandwidth))], STOCK, [PG_LIMITED]
    )
    assert verdict(a, "HVA-092", "bw") == (
        "fail",
        "52:54:00:20:09:01: <bandwidth> without a rate (every average 0) limits nothing, and as "
        "the interface's own it keeps any port group's <bandwidth> away",
    )


def test_interface_without_bandwidth_takes_the_port_group_limit(tmp_path: Path) -> None:
    """R20N-3, held (the fix's other side): an interface with no <bandwidth> element takes port
    group pg's (networkAllocatePort's virNetDevBandwidthCopy): pass, naming where from."""
    a = filtered_node(tmp_path, [dev("bw", _nic("52:54:00:20:09:02"))], STOCK, [PG_LIMITED])
    assert verdict(a, "HVA-092", "bw") == (
        "pass",
        "0 disk(s) and 1 interface(s) limited (outbound) (52:54:00:20:09:02 limited by portgroup "
        "pg of network lan)",
    )


# --- R20N-4 HVA-197: the host routes between isolated ports of a network with its address ------


def _routed_net(mode: str | None, ip: bool = True) -> str:
    fwd = f"<forward mode='{mode}'/>" if mode else ""
    addr = "<ip address='192.168.100.1' netmask='255.255.255.0'/>" if ip else ""
    return (
        f"<network><name>lan</name>{fwd}<bridge name='virbr1'/><port isolated='yes'/>{addr}"
        "</network>"
    )


_NAT_WHY = (
    "libvirt turns IP forwarding on and accepts what is routed from the bridge back into it "
    "(-i virbr1 -o virbr1 -j ACCEPT)"
)


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("nat", _NAT_WHY),
        ("route", _NAT_WHY),
        (
            "open",
            "libvirt turns IP forwarding on and adds no firewall rule: only the host's own "
            "firewall can stop it",
        ),
        (
            None,
            "libvirt accepts what is routed from the bridge back into it (-i virbr1 -o virbr1 -j "
            "ACCEPT), which the host does when IP forwarding is on (another network, sysctl)",
        ),
    ],
    ids=["nat", "route", "open", "isolated"],
)
def test_isolated_ports_of_a_routed_network_still_reach_each_other(
    tmp_path: Path, mode: str | None, why: str
) -> None:
    """R20N-4. Two VMs on network lan, whose <port isolated='yes'/> every port takes
    (bridge_driver.c networkAllocatePort: `if (port->isolatedPort == VIR_TRISTATE_BOOL_ABSENT)
    port->isolatedPort = netdef->isolatedPort`, before the switch on the forward mode, so for
    nat, route, open and none alike) and whose bridge virbr1 holds the host's address
    192.168.100.1. The isolated flag stops frames between isolated ports only (Linux
    net/bridge/br_forward.c should_deliver, `br_skb_isolated`): VM a sends a packet for b's
    address to the host's MAC, the host's IP stack forwards it out of virbr1 to b, from the
    bridge itself, no isolated port. libvirt's bridge_driver.c networkStartNetworkVirtual
    (read with `find_string`): "If forward.type != NONE, turn on global IP forwarding"
    (networkEnableIPForwarding); `if (def->forward.type != VIR_NETWORK_FORWARD_OPEN &&
    networkAddFirewallRules(def) < 0)`, whose general IPv4 rules end with "Allow traffic between
    guests on the same bridge" (iptablesAddForwardAllowCross: `-i virbr1 -o virbr1 -j
    ACCEPT`). hvaudit passed "1 bridge port(s) isolated". Right: the east-west question, naming
    the routing and what to look at (the host's forwarding sysctls and forward rules)."""
    doms = [
        dev(n, _nic(m, source="<source network='lan'/>"))
        for n, m in (("a", "52:54:00:20:0a:01"), ("b", "52:54:00:20:0a:02"))
    ]
    a = filtered_node(tmp_path, doms, STOCK, [_routed_net(mode)])
    status, msg = verdict(a, "HVA-197", "a")
    assert status == "manual", msg
    assert msg == (
        "1 bridge port(s) isolated, but the host has an address on bridge virbr1 of network lan "
        f"(forward mode {mode or 'isolated'}, 192.168.100.1): {why}: isolated ports stop frames "
        "between the VMs, not packets the host routes back into the same bridge"
    )
    q = manual_question(a, "HVA-197", "a")
    assert q.startswith(
        "Does host hv1 keep VM a from reaching the other VMs of bridge(s) virbr1 by routing, or "
        "does VM a have a documented flow to each of them? Evidence: on host hv1, `sysctl "
        "net.ipv4.ip_forward net.ipv6.conf.all.forwarding`"
    ), q
    assert q.endswith(
        "Pass: the host forwards no IP, or drops what is routed from each listed bridge back "
        "into it, or the VM has a documented flow to each peer there; fail: the host routes "
        "between the bridge's guests, so the isolated VMs still exchange packets through it."
    ), q


@pytest.mark.parametrize(
    ("net", "vms"),
    [(_routed_net("nat"), ("a",)), (_routed_net(None, ip=False), ("a", "b"))],
    ids=["alone-on-nat", "two-on-isolated-without-address"],
)
def test_isolated_ports_without_routing_between_them_pass(
    tmp_path: Path, net: str, vms: tuple[str, ...]
) -> None:
    """R20N-4, held: a VM alone on the NAT network has no peer to be routed to; on a network
    without an <ip> the host has no address on virbr1 and routes nothing into it (libvirt gives
    the bridge only the <ip> addresses, networkAddAddrToBridge). Pass (as before)."""
    macs = {"a": "52:54:00:20:0a:03", "b": "52:54:00:20:0a:04"}
    doms = [dev(n, _nic(macs[n], source="<source network='lan'/>")) for n in vms]
    a = filtered_node(tmp_path, doms, STOCK, [net])
    assert verdict(a, "HVA-197", "a") == (
        "pass",
        "1 bridge port(s) isolated (<port isolated='yes'/>)",
    )


# --- R20N-5 HVA-197: an Open vSwitch port is isolated by nothing libvirt sets -------------------


def _ovs_nic(mac: str) -> str:
    return (
        f"<interface type='bridge'><mac address='{mac}'/><source bridge='ovsbr2'/>"
        "<virtualport type='openvswitch'/><model type='virtio'/></interface>"
    )


def test_open_vswitch_ports_are_asked_not_na(tmp_path: Path) -> None:
    """R20N-5. Two VMs on Open vSwitch bridge ovsbr2 (`<virtualport type='openvswitch'/>`).
    libvirt's <port isolated> sets the Linux bridge port flag only (virnetdevtap.c
    virNetDevTapAttachBridge calls virNetDevBridgePortSetIsolated in the non-OVS branch; the
    OVS branch runs virNetDevOpenvswitchAddPort, which sets no isolation). Open vSwitch isolates
    a port only by its Port `protected` column (vswitchd/vswitch.xml, read with `find_string`:
    "Traffic between protected ports is blocked ... Default is false") or by OpenFlow rules, both
    set outside libvirt; with neither, the NORMAL action switches frames between the two VMs.
    hvaudit said "no interface on a Linux host bridge" (n/a), hiding the east-west question.
    Right: a question naming the OVS port and what to look at."""
    doms = [dev("a", _ovs_nic("52:54:00:20:0b:01")), dev("b", _ovs_nic("52:54:00:20:0b:02"))]
    a = filtered_node(tmp_path, doms, STOCK)
    assert verdict(a, "HVA-197", "a") == (
        "manual",
        "Open vSwitch port(s) 52:54:00:20:0b:01 on ovsbr2: libvirt isolates no Open vSwitch "
        "port (only the Port's `protected` flag or OpenFlow rules set outside it do)",
    )
    q = manual_question(a, "HVA-197", "a")
    assert q.startswith(
        "Is each Open vSwitch port of VM a on bridge(s) ovsbr2 kept from the other VMs' ports "
        "there, or does the VM need layer-2 traffic with them? Evidence: on host hv1, "
        "`ovs-vsctl get Port PORT protected`"
    ), q


def test_open_vswitch_port_beside_an_isolated_linux_port_is_not_passed(tmp_path: Path) -> None:
    """R20N-5, the mixed case: VM a's Linux bridge port is isolated and its other NIC is an OVS
    port. hvaudit passed "1 bridge port(s) isolated", leaving the OVS port out. Right: the OVS
    question (the isolated port alone does not settle the VM)."""
    iso = (
        "<interface type='bridge'><mac address='52:54:00:20:0b:03'/><source bridge='br0'/>"
        "<model type='virtio'/><port isolated='yes'/></interface>"
    )
    doms = [dev("a", iso + _ovs_nic("52:54:00:20:0b:04")), dev("b", _ovs_nic("52:54:00:20:0b:05"))]
    a = filtered_node(tmp_path, doms, STOCK)
    assert verdict(a, "HVA-197", "a") == (
        "manual",
        "Open vSwitch port(s) 52:54:00:20:0b:04 on ovsbr2: libvirt isolates no Open vSwitch "
        "port (only the Port's `protected` flag or OpenFlow rules set outside it do)",
    )
