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

Held (kept as tests): the management address on a NIC in no bridge keeps HVA-211's pass; br1 on
a bond of two NICs with its VM shut off keeps HVA-220's pass (counting 2 bridges); a binding of
the definition's own filter keeps HVA-191's pass.

Probed by script, not kept: the 53 older test files naming HVA-191, HVA-211 or HVA-220 pass
unchanged once a port named by two running VMs (the test driver gives every domain's first
tap testnet0) is left uncompared (7 failed before that rule: harness collisions, not verdicts).

Tally: 3 findings, all false pass; 10 cases in 3 test functions; 8 failed on main before the
fixes (R30N-1's 3, R30N-2's 3, R30N-3's 2 including the held bond case, whose pass counted one
VM bridge for two); the other 2 held cases passed before and after.

Leads left:
- R30N-2 compares the binding's filter name; a binding of the definition's filter whose
  parameters differ (an IP set by hand in `virsh nwfilter-binding-create`) is not read: the
  collector keeps each binding's XML, the parser reads only its filter name.
- Other checks still know VM ports by name prefix (checks.network._gateway_bridges `live`,
  HVA-211's bridges, HVA-197's port reading): a tap another tool names is missed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import IP_ADDR, domain_xml, run_assessment, write_node
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
