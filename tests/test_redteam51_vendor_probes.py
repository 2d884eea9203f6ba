"""Red-team round 51 probes: distributed port groups' teaming order (r51-vendor).

Harness: vSphere host records as collect/vsphere.py's _host_record writes them from real
pyVmomi objects (a HostProxySwitch of distributed switch dvs-prod with its uplinkPort names
and spec.backing.pnicSpec), and vCenter's dvs.json as _dvs_record writes it from real
DistributedVirtualPortgroup properties (config.defaultPortConfig with its
uplinkTeamingPolicy.uplinkPortOrder), assessed through the bundle parser and engine (round
13's `_vsphere`); a record of an older collector is the same record with the new key removed.

Findings:
- R51V-1 (team decision) HVA-440: distributed port groups' teaming was not collected, so a
  host with two distributed uplinks with a link was always asked. Now the collector records
  each distributed port group's `uplink_order` (VMwareUplinkPortOrderPolicy activeUplinkPort
  then standbyUplinkPort; an InheritablePolicy in a configuration information object carries
  "the effective values", inherited or not: vSphere Web Services API InheritablePolicy, read
  with `search`) and each proxy switch's `uplink_ports` (HostProxySwitch.uplinkPort, "the keys
  and names of such ports", joined to spec.backing.pnicSpec pnicDevice and uplinkPortKey).
  HVA-440 judges each port group as a standard one: two or more of its uplinks backed by a
  NIC with a link pass; fewer fail ("port group Web fails over to no second uplink with a
  link: Uplink 1 (vmnic2), Uplink 3 (no NIC on this host) active or standby"); an order not
  reported, an uplink name that is no uplink port of the host (a LAG), a NIC config.network.pnic
  or the proxy switch's pnic does not list, an uplink port without NIC beside a NIC on no
  recorded port (pnicSpec.uplinkPortKey is optional), or a host record without
  `uplink_ports` asks, naming what is open; a dvs.json without `uplink_order` (an older
  collector) is asked as before.

Held:
- HVA-440: a dvs.json of an older collector (no `uplink_order`): the R47E-3 question.

Probed by script: none beyond these cases.

Tally: 1 finding (team decision, a false "manual" where the evidence answers); 12 test cases,
11 failed on main before the fix (R51V-1: 1 collector keys missing, 3 fail, 1 pass, 6 asked
with the open item named), 1 held.

Leads left:
- the distributed switch's own default order (config.defaultPortConfig of the switch) is not
  read: a switch with no port group of its own is still asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam13_vmw_probes import _vsphere


def _verdict(a: Any, check: str, subject: str) -> tuple[str, str, str | None]:
    (got,) = [
        (r.status.value, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    ]
    return got


UPLINKS = {"10": "Uplink 1", "11": "Uplink 2", "12": "Uplink 3"}


def _host(
    nics: dict[str, bool], backing: dict[str, str] | None, *, pnic_listed: bool = True
) -> dict[str, Any]:
    """A host record (collect/vsphere.py _host_record from real pyVmomi objects): no standard
    vSwitch, distributed switch dvs-prod's part on the host with physical NICs `nics` (linkSpeed
    set where the value says so), uplink ports Uplink 1..3 (keys 10..12) and `backing` mapping
    each NIC to the uplink port key it is connected to (None: no backing reported)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    spec = vim.host.HostProxySwitch.Specification()
    if backing is not None:
        spec.backing = vim.dvs.HostMember.PnicBacking(
            pnicSpec=[
                vim.dvs.HostMember.PnicSpec(pnicDevice=nic, uplinkPortKey=key)
                for nic, key in backing.items()
            ]
        )
    proxy = vim.host.HostProxySwitch(
        dvsUuid="50 1a 2b 3c",
        dvsName="dvs-prod",
        key="dvs-key",
        numPorts=512,
        numPortsAvailable=500,
        pnic=[f"key-vim.host.PhysicalNic-{n}" for n in nics],
        uplinkPort=[vim.KeyValue(key=k, value=v) for k, v in UPLINKS.items()],
        spec=spec,
    )
    pnics = [
        vim.host.PhysicalNic(
            device=dev,
            linkSpeed=vim.host.PhysicalNic.LinkSpeedDuplex(speedMb=25000, duplex=True)
            if up
            else None,
        )
        for dev, up in nics.items()
        if pnic_listed or dev != "vmnic3"
    ]
    props: dict[str, Any] = {
        "name": "esx1",
        "config.network.vswitch": [],
        "config.network.portgroup": [],
        "config.network.pnic": pnics,
        "config.network.proxySwitch": [proxy],
    }
    record = _host_record(props, {})
    del record["name"]
    return record


def _dvs(orders: dict[str, tuple[list[str], list[str]] | None]) -> dict[str, Any]:
    """vCenter's dvs.json (collect/vsphere.py _dvs_record from real pyVmomi objects): switch
    dvs-prod, its uplink port group, and a port group per `orders` entry with that active and
    standby uplink port order (None: no uplinkTeamingPolicy reported)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    switch = dvs("dvs-9")
    groups: dict[str, dict[str, Any]] = {
        "dvportgroup-1": {
            "name": "dvs-prod-uplinks",
            "key": "dvportgroup-1",
            "config.defaultPortConfig": dvs.VmwarePortConfigPolicy(),
            "config.distributedVirtualSwitch": switch,
            "config.uplink": True,
        }
    }
    for n, (pg, order) in enumerate(orders.items(), start=2):
        port = dvs.VmwarePortConfigPolicy()
        if order is not None:
            port.uplinkTeamingPolicy = dvs.UplinkPortTeamingPolicy(
                uplinkPortOrder=dvs.UplinkPortOrderPolicy(
                    inherited=True, activeUplinkPort=order[0], standbyUplinkPort=order[1]
                )
            )
        groups[f"dvportgroup-{n}"] = {
            "name": pg,
            "key": f"dvportgroup-{n}",
            "config.defaultPortConfig": port,
            "config.distributedVirtualSwitch": switch,
            "config.uplink": False,
        }
    return _dvs_record([(switch, {"name": "dvs-prod"})], groups)


BACKED = {"vmnic2": "10", "vmnic3": "11"}
LINKED = {"vmnic2": True, "vmnic3": True}


def test_r51v1_collector_records_order_and_uplink_ports() -> None:
    """R51V-1: the collector records each distributed port group's uplink order (active then
    standby) and the NIC behind each uplink port on the host (main recorded neither)."""
    record = _dvs({"Web": (["Uplink 1"], ["Uplink 2"]), "Old": None})
    assert [(pg["name"], pg["uplink_order"]) for pg in record["portgroups"]] == [
        ("dvs-prod-uplinks", None),
        ("Web", ["Uplink 1", "Uplink 2"]),
        ("Old", None),
    ]
    assert _host(LINKED, BACKED)["proxy_switches"][0]["uplink_ports"] == {
        "Uplink 1": "vmnic2",
        "Uplink 2": "vmnic3",
        "Uplink 3": "",
    }


def _ask(open_: str) -> str:
    return (
        "Does every port group of distributed switch dvs-prod use two or more of its uplinks "
        "with a link on host esx1 (vmnic2, vmnic3), active or standby? "
        f"Open: {open_}. Evidence: each distributed port group's teaming and failover order "
        "(the port group > Configure > Policies, or config.defaultPortConfig.uplinkTeamingPolicy"
        ".uplinkPortOrder), which vmnic backs each uplink or LAG on the host (Host > Configure > "
        "Virtual switches) and each vmnic's link. Pass: yes, two or more, each with a link; "
        "fail: a port group has one uplink with a link active or standby."
    )


@pytest.mark.parametrize(
    ("nics", "backing", "orders", "expected"),
    [
        pytest.param(
            LINKED,
            BACKED,
            {"Web": (["Uplink 1"], ["Uplink 3"])},
            (
                "fail",
                "distributed switch dvs-prod on host esx1: port group Web fails over to no "
                "second uplink with a link: Uplink 1 (vmnic2), Uplink 3 (no NIC on this host) "
                "active or standby",
                None,
            ),
            id="standby-uplink-without-nic",
        ),
        pytest.param(
            LINKED,
            BACKED,
            {"Web": (["Uplink 1", "Uplink 2"], []), "Db": (["Uplink 2"], [])},
            (
                "fail",
                "distributed switch dvs-prod on host esx1: port group Db fails over to no "
                "second uplink with a link: Uplink 2 (vmnic3) active or standby",
                None,
            ),
            id="one-port-group-one-uplink",
        ),
        pytest.param(
            {"vmnic2": True, "vmnic3": True, "vmnic4": False},
            {"vmnic2": "10", "vmnic3": "11", "vmnic4": "12"},
            {"Web": (["Uplink 1"], ["Uplink 3"])},
            (
                "fail",
                "distributed switch dvs-prod on host esx1: port group Web fails over to no "
                "second uplink with a link: Uplink 1 (vmnic2), Uplink 3 (vmnic4) active or "
                "standby (vmnic2 with a link, vmnic4 with none (linkSpeed not set: the link is "
                "down))",
                None,
            ),
            id="standby-nic-without-link",
        ),
    ],
)
def test_r51v1_port_group_without_second_uplink_fails(
    tmp_path: Path,
    nics: dict[str, bool],
    backing: dict[str, str],
    orders: dict[str, tuple[list[str], list[str]] | None],
    expected: tuple[str, str, str | None],
) -> None:
    """R51V-1 (team decision) HVA-440: a distributed port group whose order holds one uplink
    backed by a NIC with a link on the host is one path; main asked whatever the order."""
    a = _vsphere(tmp_path, _host(nics, backing), dvs=_dvs(orders))
    assert _verdict(a, "HVA-440", "dvs-prod") == expected


def test_r51v1_two_uplinks_each_port_group_pass(tmp_path: Path) -> None:
    """R51V-1 HVA-440: every port group uses both uplinks, each backed by a NIC with a link."""
    a = _vsphere(
        tmp_path,
        _host(LINKED, BACKED),
        dvs=_dvs({"Web": (["Uplink 1"], ["Uplink 2"]), "Db": (["Uplink 2", "Uplink 1"], [])}),
    )
    assert _verdict(a, "HVA-440", "dvs-prod") == (
        "pass",
        "distributed switch dvs-prod uplinks on host esx1: vmnic2, vmnic3; port group Web: "
        "Uplink 1 (vmnic2), Uplink 2 (vmnic3); port group Db: Uplink 2 (vmnic3), Uplink 1 "
        "(vmnic2)",
        None,
    )


@pytest.mark.parametrize(
    ("host", "orders", "open_"),
    [
        pytest.param(
            {"backing": BACKED},
            {"Web": (["Uplink 1", "Uplink 2"], []), "Old": None},
            "port group Old: its teaming order (uplinkPortOrder) is not reported",
            id="order-not-reported",
        ),
        pytest.param(
            {"backing": BACKED},
            {"Web": (["lag1"], ["Uplink 1"])},
            "port group Web: lag1 (no uplink port of the host), Uplink 1 (vmnic2)",
            id="lag-name",
        ),
        pytest.param(
            {"backing": BACKED, "pnic_listed": False},
            {"Web": (["Uplink 1", "Uplink 2"], [])},
            "port group Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3); vmnic3 not among the host's "
            "reported physical adapters (config.network.pnic, HostProxySwitch.pnic): link "
            "unknown",
            id="nic-not-listed",
        ),
        pytest.param(
            {"backing": {"vmnic2": "10", "vmnic3": "11", "vmnic5": "12"}},
            {"Web": (["Uplink 1"], ["Uplink 3"])},
            "port group Web: Uplink 1 (vmnic2), Uplink 3 (vmnic5); vmnic5 not among the host's "
            "reported physical adapters (config.network.pnic, HostProxySwitch.pnic): link "
            "unknown",
            id="backing-nic-not-on-switch",
        ),
        pytest.param(
            {"backing": {"vmnic2": "10", "vmnic3": ""}},
            {"Web": (["Uplink 1"], ["Uplink 3"])},
            "port group Web: Uplink 1 (vmnic2), Uplink 3 (no NIC recorded); vmnic3 on no "
            "recorded uplink port",
            id="nic-without-port-key",
        ),
        pytest.param(
            {"backing": None},
            {"Web": (["Uplink 1", "Uplink 2"], [])},
            "port group Web: which NIC backs each uplink port on the host "
            "(HostProxySwitch.uplinkPort, spec.backing.pnicSpec) is not reported",
            id="backing-not-reported",
        ),
    ],
)
def test_r51v1_unknown_team_is_asked(
    tmp_path: Path,
    host: dict[str, Any],
    orders: dict[str, tuple[list[str], list[str]] | None],
    open_: str,
) -> None:
    """R51V-1 HVA-440: where a port group's order, an uplink name's NIC or a NIC's link is not
    in the evidence and no two known paths are, the question names what is open."""
    a = _vsphere(tmp_path, _host(LINKED, **host), dvs=_dvs(orders))
    status, message, question = _verdict(a, "HVA-440", "dvs-prod")
    assert (status, message, question) == (
        "manual",
        f"distributed switch dvs-prod has uplinks vmnic2, vmnic3 on host esx1; {open_}",
        _ask(open_),
    )


def test_r51v_held_older_collector_asked_as_before(tmp_path: Path) -> None:
    """Held (the team's rule for older bundles): a dvs.json without `uplink_order` is asked the
    R47E-3 question."""
    from test_redteam47_vendor_probes import DVS_QUESTION

    record = _dvs({"Web": (["Uplink 1"], [])})
    for pg in record["portgroups"]:
        pg.pop("uplink_order", None)
    a = _vsphere(tmp_path, _host(LINKED, BACKED), dvs=record)
    assert _verdict(a, "HVA-440", "dvs-prod") == (
        "manual",
        "distributed switch dvs-prod has uplinks vmnic2, vmnic3 on host esx1; which of them "
        "each of its port groups' teaming uses is not in the evidence",
        DVS_QUESTION,
    )
