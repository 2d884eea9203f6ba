"""HVA-211 beside the fix of H51: an address on an Open vSwitch internal port while VMs sit on an
OVS bridge is a question (which bridge holds the port is only in ovs-vsctl); the twins that keep
passing: no VM on Open vSwitch, or the address on a NIC outside it.

Sources (read with `search`): ovs-vsctl(8) (`add-port BRIDGE PORT -- set Interface PORT
type=internal`, `port-to-br`), Proxmox VE wiki "Open vSwitch" (OVSIntPort: the host's VLAN
interfaces on the VM bridge); `ip -d link` shows OVS ports with `master ovs-system`.
"""

from __future__ import annotations

import json

from conftest import domain_xml, messages, outcomes
from hvaudit.engine import Assessment

OVS = {"info_kind": "openvswitch"}


def _links(*extra: dict[str, object]) -> str:
    return json.dumps(
        [
            {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"]},
            {"ifindex": 2, "ifname": "ovs-system", "linkinfo": dict(OVS)},
            {"ifindex": 3, "ifname": "vmbr0", "master": "ovs-system", "linkinfo": dict(OVS)},
            {"ifindex": 4, "ifname": "mgmt", "master": "ovs-system", "linkinfo": dict(OVS)},
            {
                "ifindex": 5,
                "ifname": "eno1",
                "master": "ovs-system",
                "linkinfo": {"info_slave_kind": "openvswitch"},
            },
            {"ifindex": 6, "ifname": "eno2", "parentbus": "pci", "parentdev": "0000:3b:00.1"},
            *extra,
        ]
    )


def _addrs(on: str) -> str:
    return json.dumps(
        [
            {
                "ifname": "lo",
                "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}],
            },
            {
                "ifname": on,
                "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
            },
        ]
    )


def _vm(bridge: str, ovs: bool) -> str:
    port = "<virtualport type='openvswitch'/>" if ovs else ""
    return domain_xml(
        "web01",
        "<devices><interface type='bridge'><mac address='52:54:00:00:01:01'/>"
        f"<source bridge='{bridge}'/>{port}<model type='virtio'/></interface></devices>",
    )


def _verdict(a: Assessment) -> tuple[str, str]:
    return outcomes(a, "HVA-211")["hv1"], messages(a, "HVA-211")["hv1"]


def test_address_on_an_internal_port_beside_ovs_vms_is_a_question(host_scan) -> None:
    a = host_scan(
        {"ip-link": (_links(), 0), "ip-addr": (_addrs("mgmt"), 0)}, domains=[_vm("vmbr0", True)]
    )
    assert _verdict(a) == (
        "manual",
        "host address on Open vSwitch port(s) mgmt (10.0.0.10), whose bridge only ovs-vsctl "
        "shows; VMs are on Open vSwitch bridge(s) vmbr0",
    )
    (r,) = [r for r in a.results if r.check.id == "HVA-211"]
    assert r.outcome.question is not None
    assert "`ovs-vsctl port-to-br mgmt`" in r.outcome.question


def test_address_on_the_vm_bridge_itself_fails(host_scan) -> None:
    a = host_scan(
        {"ip-link": (_links(), 0), "ip-addr": (_addrs("vmbr0"), 0)}, domains=[_vm("vmbr0", True)]
    )
    got, msg = _verdict(a)
    assert got == "fail", msg
    assert "vmbr0 (10.0.0.10; VMs defined on it: web01)" in msg, msg


def test_address_on_a_nic_outside_open_vswitch_passes(host_scan) -> None:
    a = host_scan(
        {"ip-link": (_links(), 0), "ip-addr": (_addrs("eno2"), 0)}, domains=[_vm("vmbr0", True)]
    )
    assert _verdict(a) == ("pass", "no host address on a bridge with VM ports")


def test_internal_port_without_vms_on_open_vswitch_passes(host_scan) -> None:
    """No VM is on an OVS bridge (web01 is on the Linux bridge br0): the port shares nothing."""
    br0 = {"ifindex": 7, "ifname": "br0", "linkinfo": {"info_kind": "bridge"}}
    a = host_scan(
        {"ip-link": (_links(br0), 0), "ip-addr": (_addrs("mgmt"), 0)}, domains=[_vm("br0", False)]
    )
    assert _verdict(a) == ("pass", "no host address on a bridge with VM ports")
