"""Thirty-third red-team review, KVM/libvirt virtual networks (r33-net): HVA-191 probed with
the nwfilter binding shapes round 31 left as leads.

Harness: libvirt's test driver serves the domains and network lan (bridge br0) on conftest's
replayed hardened host, through the real collector, parser and engine; the nwfilter bindings a
daemon would list are written as LibvirtCollector writes them, in the form libvirt formats a
binding (test_redteam31_network_probes._bundle and _binding: owner, portdev, mac, filterref
and its parameters); a shut-off domain is the test driver's <test:runstate>5</test:runstate>.
Every fact a probe rests on was read with the `search` / `find_string` / `read_file` tools and
is cited in its docstring.

Findings (R33N-n):
- R33N-1 (false pass) HVA-191: the IP a running VM's nwfilter binding holds where its
  definition gives none (the address libvirt learned for the port, or one given by hand in
  `virsh nwfilter-binding-create`) was dropped before the comparison and left to the learning
  question, so shut-off db01, defined on lan with 10.0.0.32, passed "1 interface(s) filtered
  by clean-traffic" while web01's binding held 10.0.0.32: web01's filter admits db01's address
  as its own source. libvirt instantiates the binding's filter with binding->filterparams and
  learns no IP that they hold (nwfilter_gentech_driver.c virNWFilterDoInstantiate: learning
  only when IP is the one missing variable), and the learned address joins them
  (virNWFilterInstantiateFilterUpdate: virNWFilterIPAddrMapGetIPAddr(binding->portdevname)
  added as NWFILTER_STD_VAR_IP; virNWFilterBuildAll rebuilds every binding object's own
  definition). Now the binding's IP is compared like a given one (checks.network.
  _binding_values): both VMs fail, db01's message saying that web01 holds it by the binding at
  its port, not its definition (round 31's wording lead); an address nobody read holds keeps
  the learning question, which now names the address the binding holds.

- R33N-2 (false pass) HVA-191: a filter's IP parameter was compared with the host's addresses
  on the VM's bridge device only (R29N-1), not with one on a port of that bridge or on a
  member of a bond that is one: db01 on br0 given 10.0.0.10, which the host holds on bond0
  (br0's port) or on eno1 (bond0's member), passed "1 interface(s) filtered by clean-traffic".
  The bridge takes every frame its port receives and passes the host's up on br0
  (net/bridge/br_input.c br_handle_frame, br_pass_frame_up), and Linux answers ARP for any
  local address there (ip-sysctl.rst arp_ignore 0): R30N-1's reading for HVA-211. Now such an
  address is the host's own on the bridge's segment (checks.network._host_segment_addresses
  through _port_addresses): the fail, naming the port and how it belongs to the bridge.
- R33N-3 (false pass) HVA-197: a running VM's port was isolated by its live XML's <port
  isolated='yes'/> alone; its tap vnet7, which `ip -j -d link` shows as a port of br0 with
  isolated off (`bridge link set dev vnet7 isolated off` after the start, which the live XML
  does not follow), passed "1 bridge port(s) isolated". The kernel forwards between two ports
  unless both carry the flag (net/bridge/br_private.h br_skb_isolated), which iproute2 prints
  from IFLA_BRPORT_ISOLATED (iplink_bridge_slave.c). Now the parser keeps each bridge port's
  flag (HostFacts.bridge_port_isolated, parse.host._port_isolation) and such a port is not
  isolated: the east-west question, naming the port and what `ip -d link` shows. The harness
  gives the tap a vnet name as a QEMU-driver daemon does (virnetdev.h
  VIR_NET_GENERATED_VNET_PREFIX), which the test driver (testnetN) cannot.
- R33N-4 (false pass) HVA-194: a running VM's macvtap device was judged by the definition's
  mode alone; web01's macvtap0 (<source dev='eno3' mode='vepa'/>), which `ip -j -d link` shows
  in mode bridge (`ip link set macvtap0 type macvtap mode bridge` after the start: the kernel
  changes the mode of a live device, drivers/net/macvlan.c macvlan_changelink, refusing only
  passthru), passed "macvtap modes: vepa" while the kernel switches its frames to the other
  macvtap devices of eno3 inside the host. Now the parser keeps each macvtap/macvlan device's
  mode (HostFacts.macvtap_modes, parse.host._macvtap_modes; iproute2 iplink_macvlan.c
  macvlan_print_opt prints "mode"), and a running VM's device in bridge mode fails, naming the
  device and both modes (checks.network._live_mode).
- R33N-5 (false pass) HVA-197: a bridge port named vnetN was taken for a VM's tap whatever
  its kind, so a libvirt LXC container's veth vnet5 on br0, not isolated, was no "port of no
  VM" (parse.host._foreign_ports) and web01, isolated on br0, passed "1 bridge port(s)
  isolated" while it exchanges frames with the container. libvirt names the host end of each
  veth it creates vnetN too (src/util/virnetdevveth.c virNetDevVethCreate,
  VIR_NET_DEV_GEN_NAME_VNET), and a QEMU VM's port is a tap (kind tun). Now a veth named vnetN
  is a port of no VM (parse.host._container_veth): the question naming it.

Held (kept as tests): a binding without IP for a definition without IP keeps the learning
question (web01) and db01's pass; the host's address on eno3, in no bridge, keeps db01's pass
(whether a guest on br0 reaches it is the weak-host question R29N left open); vnet7 with
isolated on, or with no flag in the listing, keeps HVA-197's pass; macvtap0 in vepa mode
keeps HVA-194's; vnet5 as a tap (kind tun) keeps HVA-197's pass.

Probed by script, not kept: an IP parameter written address/mask (10.0.0.0/24), which
libvirt would copy into the rule verbatim (nwfilter_ebiptables_driver.c printVar) and ebtables
takes as a range (ebtables(8), `--ip-source [!] address[/mask]`): held, since libvirt refuses
such a value ("/" is not in VALID_VARVALUE, src/conf/nwfilter_params.h, which
virNWFilterParseParamAttributes checks for a domain's <filterref> and a binding's alike; the
test driver dropped it from the definition). The older test files naming HVA-191, HVA-194 or
HVA-197 (28, 13 and 19 files) and test_golden pass with the fixes (the golden SARIF carries
the two changed check docstrings).

Tally: 5 findings, all false pass; 13 cases in 5 test functions; 7 failed on main before the
fixes (R33N-1 on c04d5de9: IP db01's, where db01 passed and web01 was asked, and IP nobody's,
whose question did not name it; R33N-2 on 307e8b75: bond port and bond member; R33N-3 on
307e8b75: flag off; R33N-4 on e7b58596: live bridge; R33N-5 on e7b58596: the LXC veth), the
6 held cases passed before and after.

Leads left:
- conftest._replay_bindings still writes bindings without <mac> or parameters.
- Round 30's leads on HVA-197 (managed='no' taps), VLAN devices of bridge ports, passt
  portForward dev='lo', OVS tag/trunks and macvtap passthrough's promiscuous lower NIC stand.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

import conftest
from conftest import IP_ADDR, IP_LINK, domain_xml, run_assessment, write_node
from test_redteam3_vm_probes import dev, verdict
from test_redteam31_network_probes import (
    DB01_MAC,
    LAN,
    SHUT_OFF,
    TEST_NS,
    WEB01_MAC,
    _binding,
    _bundle,
    _nic,
)

LEARNING = (
    f"{WEB01_MAC}: filter 'clean-traffic' checks $IP, which no IP parameter sets: "
    "CTRL_IP_LEARNING any takes the first address the guest uses"
)


def _unaddressed_web01_and_db01(tmp_path: Path, binding: str):
    """web01 runs on lan with clean-traffic and no IP parameter; db01, shut off, is defined
    on lan with 10.0.0.32; web01's port testnet0 is held by `binding`."""
    web01 = dev(
        "web01",
        f"<interface type='network'><mac address='{WEB01_MAC}'/><source network='lan'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'/></interface>",
    )
    db01 = domain_xml(
        "db01",
        body=f"<devices>{_nic(DB01_MAC, '10.0.0.32')}</devices>{SHUT_OFF}",
        extra_attrs=TEST_NS,
    )
    uri = write_node(tmp_path / "n.xml", [web01, db01], [LAN])
    return run_assessment(_bundle(tmp_path, uri, {"testnet0": binding}))


@pytest.mark.parametrize(
    ("binding", "web01", "db01"),
    [
        (
            _binding(WEB01_MAC, MAC=WEB01_MAC, IP="10.0.0.32"),
            (
                "fail",
                f"{WEB01_MAC}: the filter's IP parameter 10.0.0.32 is VM(s) db01's too on br0: "
                "filter 'clean-traffic' admits it as each one's own source, so each can send "
                "IPv4 and ARP as the other (its port testnet0 is bound to filter "
                "'clean-traffic' with IP 10.0.0.32, not the definition's no IP: the binding's "
                "values are in force)",
            ),
            (
                "fail",
                f"{DB01_MAC}: the filter's IP parameter 10.0.0.32 is VM(s) web01's too on br0 "
                "(web01's by the nwfilter binding at its port, not its definition): filter "
                "'clean-traffic' admits it as each one's own source, so each can send IPv4 and "
                "ARP as the other",
            ),
        ),
        (
            _binding(WEB01_MAC, MAC=WEB01_MAC, IP="10.0.0.99"),
            (
                "manual",
                LEARNING + "; the nwfilter binding of its port testnet0 holds IP 10.0.0.99, "
                "in force",
            ),
            ("pass", "1 interface(s) filtered by clean-traffic"),
        ),
        (
            _binding(WEB01_MAC, MAC=WEB01_MAC),
            ("manual", LEARNING),
            ("pass", "1 interface(s) filtered by clean-traffic"),
        ),
    ],
    ids=["learned-ip-db01s", "learned-ip-nobodys", "held-no-ip"],
)
def test_binding_ip_of_a_definition_without_ip_is_compared(
    tmp_path: Path, binding: str, web01: tuple[str, str], db01: tuple[str, str]
) -> None:
    """R33N-1. The IP in web01's binding, where web01's definition gives none, is the value
    libvirt instantiates clean-traffic with and learns no further
    (nwfilter_gentech_driver.c virNWFilterDoInstantiate learns only a missing IP;
    virNWFilterInstantiateFilterUpdate adds the learned address to binding->filterparams).
    On main db01 passed "1 interface(s) filtered by clean-traffic" though web01's filter
    admits db01's 10.0.0.32 as web01's own source, and web01 was asked whether its learned
    address is its own. Right: both fail, db01's message naming web01's binding; an address
    nobody holds keeps the learning question, naming it. Held: a binding without IP."""
    a = _unaddressed_web01_and_db01(tmp_path, binding)
    assert verdict(a, "HVA-191", "web01") == web01
    assert verdict(a, "HVA-191", "db01") == db01


# --- R33N-2 HVA-191: the host's address on a port of the VM's bridge ------------------------------


def _br0_nic(mac: str, ip: str) -> str:
    return (
        f"<interface type='bridge'><mac address='{mac}'/><source bridge='br0'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'>"
        f"<parameter name='IP' value='{ip}'/></filterref></interface>"
    )


@pytest.mark.parametrize(
    ("held_on", "expected"),
    [
        (
            "bond0",
            (
                "fail",
                f"{DB01_MAC}: the filter's IP parameter 10.0.0.10 is host hv1's own address on "
                "bond0, a port of bridge br0: filter 'clean-traffic' admits it as the VM's own "
                "source, so the guest can send IPv4 and ARP as the host to every machine on that "
                "segment",
            ),
        ),
        (
            "eno1",
            (
                "fail",
                f"{DB01_MAC}: the filter's IP parameter 10.0.0.10 is host hv1's own address on "
                "eno1, a member of bond bond0, a port of bridge br0: filter 'clean-traffic' "
                "admits it as the VM's own source, so the guest can send IPv4 and ARP as the host "
                "to every machine on that segment",
            ),
        ),
        ("eno3", ("pass", "1 interface(s) filtered by clean-traffic")),
    ],
    ids=["bond-port", "bond-member", "held-nic-in-no-bridge"],
)
def test_host_address_on_a_port_of_the_vms_bridge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_on: str, expected: tuple[str, str]
) -> None:
    """R33N-2. db01 (shut off) is defined on br0 with clean-traffic and IP 10.0.0.10, the
    host's management address, which `ip -j addr` shows on bond0 (br0's port on the hardened
    host) or on eno1 (a member of bond0). The bridge's rx handler takes every frame its port
    receives and passes the host's up on br0 (Linux net/bridge/br_input.c br_handle_frame,
    br_pass_frame_up), a bond's handler its members' frames to the bond first, and Linux
    answers ARP for any local address on any interface (ip-sysctl.rst arp_ignore, "0 -
    (default)"): R30N-1's reading, HVA-211's _port_addresses. So 10.0.0.10 is the host's own
    address on br0's segment, and clean-traffic, admitting $IP as db01's own source, lets the
    guest send IPv4 and answer ARP as the host there. hvaudit compared the addresses on br0
    itself only (R29N-1) and passed "1 interface(s) filtered by clean-traffic". Right: the fail,
    naming the port. Held: the address on eno3, in no bridge, keeps the pass."""
    rows = [r for r in json.loads(IP_ADDR) if r["ifname"] != "eno3"]
    rows.append(
        {
            "ifname": held_on,
            "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
        }
    )
    monkeypatch.setattr(
        conftest, "HARDENED_HOST", {**conftest.HARDENED_HOST, "ip-addr": (json.dumps(rows), 0)}
    )
    web01 = dev("web01", _br0_nic(WEB01_MAC, "10.0.0.31"))
    db01 = domain_xml(
        "db01",
        body=f"<devices>{_br0_nic(DB01_MAC, '10.0.0.10')}</devices>{SHUT_OFF}",
        extra_attrs=TEST_NS,
    )
    uri = write_node(tmp_path / "n.xml", [web01, db01], [LAN])
    binding = _binding(WEB01_MAC, MAC=WEB01_MAC, IP="10.0.0.31")
    a = run_assessment(_bundle(tmp_path, uri, {"testnet0": binding}))
    assert verdict(a, "HVA-191", "db01") == expected
    assert verdict(a, "HVA-191", "web01") == ("pass", "1 interface(s) filtered by clean-traffic")


# --- R33N-3 HVA-197: a running VM's port whose isolated flag is off ------------------------------


def _daemon_bundle(d: Path, uri: str, host: dict[str, object], tap: str) -> Path:
    """The replayed hardened host (`host`) whose QEMU-driver daemon reports the test driver's
    domains with the running domain's tap named `tap`: libvirt names a tap it creates vnetN
    (virnetdev.h VIR_NET_GENERATED_VNET_PREFIX) and drops such a name from a definition it
    parses, so the test driver, which names its ports testnetN, cannot give one."""
    from conftest import ReplayRunner, _replay_secmodel, from_qemu_driver
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

    writer = BundleWriter(d / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt")
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    assert writer.root is not None
    for path, data in list(writer.files.items()):
        if path.startswith("libvirt/domains/") and b"'testnet0'" in data:
            new = data.replace(b"'testnet0'", f"'{tap}'".encode())
            (writer.root / path).write_bytes(new)
            writer.files[path] = new
            writer.entries[path] = dataclasses.replace(
                writer.entries[path], sha256=hashlib.sha256(new).hexdigest(), size=len(new)
            )
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    from_qemu_driver(writer, uri)
    _replay_secmodel(writer, "apparmor")
    HostCollector(ReplayRunner(host)).collect(writer)
    return writer.close(complete=True)


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        (
            {"isolated": False},
            (
                "manual",
                "port(s) not isolated: 52:54:00:33:01:01 (its port vnet7: `ip -d link` shows "
                "isolated off, though the definition isolates it) on br0",
            ),
        ),
        ({"isolated": True}, ("pass", "1 bridge port(s) isolated (<port isolated='yes'/>)")),
        ({}, ("pass", "1 bridge port(s) isolated (<port isolated='yes'/>)")),
    ],
    ids=["flag-off", "held-flag-on", "held-flag-not-shown"],
)
def test_running_port_whose_isolated_flag_is_off(
    tmp_path: Path, flag: dict[str, bool], expected: tuple[str, str]
) -> None:
    """R33N-3. web01 runs on br0 with <port isolated='yes'/> in its live XML, and its tap vnet7
    is, in `ip -j -d link`, a port of br0 whose isolated flag is off (info_slave_data, iproute2
    iplink_bridge_slave.c: IFLA_BRPORT_ISOLATED): `bridge link set dev vnet7 isolated off` after
    the start, which libvirt's live XML does not follow. The kernel forwards between two ports
    unless both carry the flag (net/bridge/br_private.h br_skb_isolated: "return true if both
    source port and dest port are isolated"), so the port exchanges frames with every other port
    of br0. hvaudit read the definition only and passed "1 bridge port(s) isolated". Right: the
    east-west question, naming the port and what `ip -d link` shows. Held: the flag on, and a
    listing without the flag (a kernel before 4.18), keep the pass."""
    from conftest import HARDENED_HOST

    # conftest's vnet0 on br0 is no running VM's tap here: a port of no VM since R34N-1
    links = [d for d in json.loads(IP_LINK) if d.get("ifname") != "vnet0"]
    links.append(
        {
            "ifindex": 12,
            "ifname": "vnet7",
            "master": "br0",
            "linkinfo": {
                "info_kind": "tun",
                "info_slave_kind": "bridge",
                **({"info_slave_data": flag} if flag else {}),
            },
        }
    )
    host = {**HARDENED_HOST, "ip-link": (json.dumps(links), 0)}
    web01 = domain_xml(
        "web01",
        body="<devices><interface type='bridge'><mac address='52:54:00:33:01:01'/>"
        "<source bridge='br0'/><port isolated='yes'/><model type='virtio'/></interface></devices>",
    )
    uri = write_node(tmp_path / "n.xml", [web01], [])
    a = run_assessment(_daemon_bundle(tmp_path, uri, host, "vnet7"))
    assert verdict(a, "HVA-197", "web01") == expected


# --- R33N-4 HVA-194: a running VM's macvtap device in bridge mode ---------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "bridge",
            (
                "fail",
                "macvtap bridge mode on eno3 (its device macvtap0: `ip -d link` shows mode "
                "bridge, though the definition gives vepa)",
            ),
        ),
        ("vepa", ("pass", "macvtap modes: vepa")),
    ],
    ids=["live-bridge", "held-live-vepa"],
)
def test_running_macvtap_in_bridge_mode(
    tmp_path: Path, mode: str, expected: tuple[str, str]
) -> None:
    """R33N-4. web01 runs with <interface type='direct'><source dev='eno3' mode='vepa'/>, and
    its device macvtap0 (libvirt's name, VIR_NET_GENERATED_MACVTAP_PREFIX) is in mode bridge in
    `ip -j -d link` (info_data "mode", iproute2 iplink_macvlan.c macvlan_print_opt): `ip link
    set macvtap0 type macvtap mode bridge` after the start, which the kernel allows on a live
    device (drivers/net/macvlan.c macvlan_changelink refuses only a change to or from
    passthru) and the live XML does not follow. In bridge mode the kernel switches frames
    between the macvtap devices of eno3 inside the host. hvaudit read the definition and passed
    "macvtap modes: vepa". Right: the fail, naming the device and both modes. Held: the device
    in vepa mode keeps the pass."""
    from conftest import HARDENED_HOST

    links = json.loads(IP_LINK)
    links.append(
        {
            "ifindex": 13,
            "ifname": "macvtap0",
            "link": "eno3",
            "linkinfo": {"info_kind": "macvtap", "info_data": {"mode": mode}},
        }
    )
    host = {**HARDENED_HOST, "ip-link": (json.dumps(links), 0)}
    web01 = domain_xml(
        "web01",
        body="<devices><interface type='direct'><mac address='52:54:00:33:04:01'/>"
        "<source dev='eno3' mode='vepa'/><model type='virtio'/></interface></devices>",
    )
    uri = write_node(tmp_path / "n.xml", [web01], [])
    a = run_assessment(_daemon_bundle(tmp_path, uri, host, "macvtap0"))
    assert verdict(a, "HVA-194", "web01") == expected


# --- R33N-5 HVA-197: a libvirt container's veth named vnetN on an isolated VM's bridge ------------


@pytest.mark.parametrize(
    ("port", "kind", "expected"),
    [
        (
            "vnet5",
            "veth",
            (
                "manual",
                "1 bridge port(s) isolated, but bridge(s) br0 also hold port(s) vnet5 (veth) of "
                "no VM, not isolated: isolated ports still exchange frames with them",
            ),
        ),
        ("vnet5", "tun", ("pass", "1 bridge port(s) isolated (<port isolated='yes'/>)")),
    ],
    ids=["lxc-veth-vnet5", "held-tap-vnet5"],
)
def test_container_veth_with_a_vm_port_name(
    host_scan, port: str, kind: str, expected: tuple[str, str]
) -> None:
    """R33N-5. web01 is on br0 with <port isolated='yes'/>; br0 also holds vnet5 of kind veth,
    not isolated. libvirt names the host end of every veth pair it creates vnetN, as it does a
    QEMU VM's tap (src/util/virnetdevveth.c virNetDevVethCreate:
    `virNetDevGenerateName(veth1, VIR_NET_DEV_GEN_NAME_VNET)`): a libvirt LXC container's
    interface, whose domain the QEMU driver's listing does not show. hvaudit took every port
    named vnetN for a VM's tap, left vnet5 out of the ports of no VM (parse.host
    _foreign_ports) and passed "1 bridge port(s) isolated", though an isolated port still
    exchanges frames with one that is not (Linux commit 7d850abd5f4e). Right: a veth named
    vnetN is no QEMU VM's tap (libvirt opens those as tun devices, virnetdevtap.c
    virNetDevTapCreate): the question naming it. Held: vnet5 as a tap keeps the pass."""
    links = json.loads(IP_LINK)
    links.append(
        {
            "ifindex": 14,
            "ifname": port,
            "master": "br0",
            "linkinfo": {"info_kind": kind, "info_slave_kind": "bridge"},
        }
    )
    web01 = domain_xml(
        "web01",
        body="<devices><interface type='bridge'><mac address='52:54:00:33:05:01'/>"
        "<source bridge='br0'/><port isolated='yes'/><model type='virtio'/></interface></devices>",
    )
    a = host_scan({"ip-link": (json.dumps(links), 0)}, [web01])
    assert verdict(a, "HVA-197", "web01") == expected
