"""HVA-211 beside the fix of H51: an address on an Open vSwitch internal port while VMs sit on an
OVS bridge is a question (which bridge holds the port is only in ovs-vsctl); the twins that keep
passing: no VM on Open vSwitch, or the address on a NIC outside it.

Sources (read with `search`): ovs-vsctl(8) (`add-port BRIDGE PORT -- set Interface PORT
type=internal`, `port-to-br`), Proxmox VE wiki "Open vSwitch" (OVSIntPort: the host's VLAN
interfaces on the VM bridge); `ip -d link` shows OVS ports with `master ovs-system`.
"""

from __future__ import annotations

import json

import pytest

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


# --- with ovs-vsctl's tables read -------------------------------------------------------------

#: What `ovs-vsctl --format=json list Bridge/Port/Interface` (the collector's argv) printed
#: (Open vSwitch 3.1.0, Debian 12) for vmbr0 (uplink eno1, internal port mgmt with tag 10, the
#: VM's vnet0) and vmbr1 (internal port mgmt1, bond0 of eno2 and eno3), built with
#: `ovs-vsctl --no-wait add-br/add-port/add-bond` against a private ovsdb-server.
OVS_TABLES = '{"data":[["vmbr1",["set",[["uuid","08f92272-1d1c-4c89-aa32-698e14c314d3"],["uuid","5216f214-c360-420a-9f53-57122639ea5b"],["uuid","eb10e5c6-a53b-43f3-bce9-1ac7a9b577f8"]]]],["vmbr0",["set",[["uuid","0ac3846d-1a06-4d9c-aef7-344b1faff343"],["uuid","0f1671cf-415a-4c8d-ba35-fbdb53185f45"],["uuid","1f5eed5a-5902-42dc-8b1b-3faf55292b55"],["uuid","dc707f83-01ad-425e-97b2-b93279b0cbfc"]]]]],"headings":["name","ports"]}\n{"data":[[["uuid","5216f214-c360-420a-9f53-57122639ea5b"],"bond0",["set",[["uuid","bf939ac8-ebc7-4789-ba83-70674be05344"],["uuid","ee8f7eea-6f48-4863-8603-5208490baaa3"]]]],[["uuid","0ac3846d-1a06-4d9c-aef7-344b1faff343"],"vmbr0",["uuid","ed7a3d5d-6aaf-4ef2-8ba0-d44dbdb6c414"]],[["uuid","08f92272-1d1c-4c89-aa32-698e14c314d3"],"mgmt1",["uuid","591b6e2c-92f4-4af8-9ae8-904e95210f25"]],[["uuid","1f5eed5a-5902-42dc-8b1b-3faf55292b55"],"vnet0",["uuid","aa7110a2-3985-4b7e-996a-fb2779349e51"]],[["uuid","eb10e5c6-a53b-43f3-bce9-1ac7a9b577f8"],"vmbr1",["uuid","51b493fa-a9fa-46cb-8e42-07e3c9ca200e"]],[["uuid","dc707f83-01ad-425e-97b2-b93279b0cbfc"],"eno1",["uuid","73f18aa4-1a98-478d-92ef-371a12a25f09"]],[["uuid","0f1671cf-415a-4c8d-ba35-fbdb53185f45"],"mgmt",["uuid","1959ea86-5444-49a6-b25c-7a9fe0557a42"]]],"headings":["_uuid","name","interfaces"]}\n{"data":[[["uuid","bf939ac8-ebc7-4789-ba83-70674be05344"],"eno2",""],[["uuid","ee8f7eea-6f48-4863-8603-5208490baaa3"],"eno3",""],[["uuid","51b493fa-a9fa-46cb-8e42-07e3c9ca200e"],"vmbr1","internal"],[["uuid","aa7110a2-3985-4b7e-996a-fb2779349e51"],"vnet0",""],[["uuid","591b6e2c-92f4-4af8-9ae8-904e95210f25"],"mgmt1","internal"],[["uuid","73f18aa4-1a98-478d-92ef-371a12a25f09"],"eno1",""],[["uuid","ed7a3d5d-6aaf-4ef2-8ba0-d44dbdb6c414"],"vmbr0","internal"],[["uuid","1959ea86-5444-49a6-b25c-7a9fe0557a42"],"mgmt","internal"]],"headings":["_uuid","name","type"]}\n'
OVS_LAYOUT = [
    "init",
    "add-br vmbr0 -- add-port vmbr0 eno1 -- add-port vmbr0 mgmt tag=10 -- set Interface mgmt "
    "type=internal -- add-port vmbr0 vnet0",
    "add-br vmbr1 -- add-port vmbr1 mgmt1 -- set Interface mgmt1 type=internal -- add-bond "
    "vmbr1 bond0 eno2 eno3",
]


def _with_tables(tables: str, on: str) -> dict[str, object]:
    mgmt1 = {"ifindex": 8, "ifname": "mgmt1", "master": "ovs-system", "linkinfo": dict(OVS)}
    return {
        "ip-link": (_links(mgmt1), 0),
        "ip-addr": (_addrs(on), 0),
        "ovs-ports": (tables, 0),
    }


def test_internal_port_of_the_vm_bridge_fails(host_scan) -> None:
    a = host_scan(_with_tables(OVS_TABLES, "mgmt"), domains=[_vm("vmbr0", True)])
    assert _verdict(a) == (
        "fail",
        "host address on bridge(s) with VM ports: mgmt (10.0.0.10; a port of Open vSwitch "
        "bridge vmbr0; VMs defined on it: web01)",
    )


def test_internal_port_of_another_ovs_bridge_passes(host_scan) -> None:
    a = host_scan(_with_tables(OVS_TABLES, "mgmt1"), domains=[_vm("vmbr0", True)])
    assert _verdict(a) == ("pass", "no host address on a bridge with VM ports")


def test_live_ovsdb_through_the_collectors_argv(host_scan, tmp_path) -> None:
    """The layout above built in an ovsdb-server of this test's own (OVS_RUNDIR points
    ovs-vsctl at its socket), read with the collector's argv unchanged."""
    import os
    import shutil
    import subprocess

    from hvaudit.collect.host import COMMANDS

    schema = "/usr/share/openvswitch/vswitch.ovsschema"
    if not (shutil.which("ovsdb-server") and shutil.which("ovs-vsctl") and os.path.exists(schema)):
        pytest.skip("Open vSwitch (openvswitch-switch) is not installed")
    env = dict(os.environ, OVS_RUNDIR=str(tmp_path))
    subprocess.run(["ovsdb-tool", "create", str(tmp_path / "conf.db"), schema], check=True)
    subprocess.run(
        [
            "ovsdb-server",
            f"--remote=punix:{tmp_path / 'db.sock'}",
            f"--unixctl={tmp_path / 'ovsdb.ctl'}",
            f"--pidfile={tmp_path / 'ovsdb.pid'}",
            "--detach",
            "--no-chdir",
            str(tmp_path / "conf.db"),
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=30,
    )
    try:
        for cmd in OVS_LAYOUT:
            subprocess.run(
                ["ovs-vsctl", "--no-wait", *cmd.split()], check=True, env=env, timeout=30
            )
        argv = next(c.argv for c in COMMANDS if c.name == "ovs-ports")
        run = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=30)
    finally:
        pid = int((tmp_path / "ovsdb.pid").read_text())
        os.kill(pid, 15)
    assert run.returncode == 0, run.stderr
    a = host_scan(_with_tables(run.stdout, "mgmt"), domains=[_vm("vmbr0", True)])
    assert _verdict(a)[0] == "fail"
    b = host_scan(_with_tables(run.stdout, "mgmt1"), domains=[_vm("vmbr0", True)])
    assert _verdict(b)[0] == "pass"
