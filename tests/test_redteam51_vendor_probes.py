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

- R51V-2 (false pass) HVA-308: beside VLAN-aware vmbr0 on bond0 (bond-slaves eno1 eno2) with
  VM api-11 on tag 30, the node's migration address on eno1.30, on `mig` (vlan-raw-device
  eno2, vlan-id 30), on vmbr2 with `bridge-ports eno1.30`, on bond0.30.40 or on vmbr0.30.40
  passed "migration type secure on 10.0.2.0/24", and `iface eno1.30 inet dhcp` passed where
  bond0.30 was asked (R48E-5): `_nics_through_vlan` followed one VLAN level and matched the
  raw device to a bridge port by name. A VLAN device hands its tagged frame to its raw
  device (linux net/8021q/vlan_dev.c vlan_dev_hard_start_xmit: `skb->dev =
  vlan->real_dev`), so eno1.30's frames leave on eno1, a link of bond0 (ifupdown2
  addons/bond.py `bond-slaves`, alias `bond-ports`), tagged 30 as vmbr0 sends api-11's; and
  DEVICE.N.M is VLAN M of DEVICE.N (ifupdown2 addons/vlan.py
  _get_vlan_raw_device_from_ifacename: "Returns eth0.100 for ifname eth0.100.200"), whose
  frames leave DEVICE in VLAN N, the guests' VLAN. Now `_nics_through_vlan` resolves a
  device's VLAN stack down to the device under it and reaches each bridge whose port shares
  a link with that device (bond slaves followed, nested bonds too), on the port's own VLANs
  as a prefix of the stack ("..., VLAN 30 of eno1 (a link of bond0), which VM api-11 net0
  reaches through vmbr0"; "VLAN 40 in VLAN 30 of bond0"; a guest untagged on vmbr3 over
  bond0.30 beside the address on eno1.30: "... reaches through vmbr3", a later probe that
  main before R51V-2 passed too).

- R51V-3 (false pass) HVA-440: a distributed port group whose order holds two uplinks with a
  link, whose ports may override it (VMwareDVSPortgroupPolicy.uplinkTeamingOverrideAllowed:
  "Allow the setting of uplinkTeamingPolicy for an individual port to override the setting in
  defaultPortConfig of a portgroup", vSphere Web Services API, read with `search`), passed on
  the port group's order as R51V-1 first landed it; the ports' own orders are not collected.
  Now the collector records the flag with the other overrides, and such a port group, or one
  whose flag is not reported, is asked ("..., but each port may override this teaming order
  (uplinkTeamingOverrideAllowed)"), the question naming each port's own order as evidence.

- R51V-4 (wrong fail) HVA-440: a distributed switch of the same name in another datacenter
  (its port group Other on one uplink) failed a host whose own dvs-prod's port groups use
  both: port groups were matched to the host's proxy switch by name. Now the collector
  records each switch's uuid (DistributedVirtualSwitch.uuid), each port group's switch uuid
  and each proxy switch's dvsUuid ("The uuid of the DistributedVirtualSwitch that the
  HostProxySwitch is a part of", vSphere Web Services API HostProxySwitch), and HVA-440
  matches by uuid where both records carry one (by name otherwise).

Held:
- HVA-440: two same-named switches without uuids in the records: both judged by name.
- HVA-440: a dvs.json of an older collector (no `uplink_order`): the R47E-3 question.
- HVA-308: eno1.40 (a VLAN no guest is on) and bond0.40.30 (VLAN 30 inside VLAN 40, no guest
  on VLAN 40): the pass.

Probed by script: none beyond these cases.

Tally: 4 findings (1 team decision, a "manual" where the evidence answers; 2 false pass; 1
wrong fail); 25 test cases, 21 failed on main before the fixes (R51V-1: 1 collector keys
missing, 3 fail, 1 pass, 6 asked with the open item named; R51V-2: 6 pass, 1 leased address
passed; R51V-3: 2 pass on main with R51V-1; R51V-4: 1, keys missing and the fail), 4 held.

Leads left:
- HVA-308: an 802.1ad (`vlan-protocol 802.1ad`) outer tag is treated as 802.1Q (one VLAN
  with a guest's tag=N on a bridge whose vlan_protocol is 802.1Q): a possible wrong fail, a
  team decision whether an S-VLAN and a C-VLAN of one id are one segment.
- the distributed switch's own default order (config.defaultPortConfig of the switch) is not
  read: a switch with no port group of its own is still asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam13_vmw_probes import _vsphere
from test_redteam40_vendor_probes import _scan as r40_scan
from test_redteam48_vendor_probes import _stanza


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
    record = _host_record(props, {}, "host-12")  # HostSystem host-12 (R52V-5)
    del record["name"]
    return record


def _dvs(
    orders: dict[str, tuple[list[str], list[str]] | None], override: bool | None = False
) -> dict[str, Any]:
    """vCenter's dvs.json (collect/vsphere.py _dvs_record from real pyVmomi objects): switch
    dvs-prod, its uplink port group, and a port group per `orders` entry with that active and
    standby uplink port order (None: no uplinkTeamingPolicy reported), its ports allowed to
    override the teaming order as `override` says (None: config.policy not reported)."""
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
        if override is not None:
            groups[f"dvportgroup-{n}"]["config.policy"] = dvs.VMwarePortgroupPolicy(
                uplinkTeamingOverrideAllowed=override
            )
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
    free = _dvs({"Web": (["Uplink 1"], [])}, override=True)["portgroups"][1]["overrides"]
    assert free["uplinkTeamingOverrideAllowed"] is True  # R51V-3
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
        ".uplinkPortOrder) and, where its ports may override it (config.policy."
        "uplinkTeamingOverrideAllowed), each port's own order, which vmnic backs each uplink or "
        "LAG on the host (Host > Configure > Virtual switches) and each vmnic's link. Pass: yes, "
        "two or more, each with a link; fail: a port group or port has one uplink with a link "
        "active or standby."
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


@pytest.mark.parametrize(
    ("override", "open_"),
    [
        pytest.param(
            True,
            "port group Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3), but each port may override "
            "this teaming order (uplinkTeamingOverrideAllowed)",
            id="ports-may-override",
        ),
        pytest.param(
            None,
            "port group Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3), but whether its ports may "
            "override this teaming order (uplinkTeamingOverrideAllowed) is not reported",
            id="override-not-reported",
        ),
    ],
)
def test_r51v3_port_override_of_the_teaming_order_is_asked(
    tmp_path: Path, override: bool | None, open_: str
) -> None:
    """R51V-3 (false pass) HVA-440: port group Web's order holds both uplinks, but its ports
    may override the teaming policy (uplinkTeamingOverrideAllowed true, or not reported): a
    port of a VM may use one uplink, and the ports' own settings are not collected. R51V-1 as
    first landed passed "port group Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3)"."""
    a = _vsphere(
        tmp_path,
        _host(LINKED, BACKED),
        dvs=_dvs({"Web": (["Uplink 1"], ["Uplink 2"])}, override=override),
    )
    assert _verdict(a, "HVA-440", "dvs-prod") == (
        "manual",
        f"distributed switch dvs-prod has uplinks vmnic2, vmnic3 on host esx1; {open_}",
        _ask(open_),
    )


def _two_switches(uuids: bool) -> dict[str, Any]:
    """dvs.json with two switches named dvs-prod (datacenters DC1 and DC2): the host's (uuid
    "50 1a 2b 3c", port group Web on both uplinks) and another (uuid "50 ff", port group
    Other on Uplink 1 alone); without their uuid where `uuids` is false."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    ours, theirs = dvs("dvs-9"), dvs("dvs-10")

    def group(name: str, switch: Any, active: list[str]) -> dict[str, Any]:
        return {
            "name": name,
            "config.defaultPortConfig": dvs.VmwarePortConfigPolicy(
                uplinkTeamingPolicy=dvs.UplinkPortTeamingPolicy(
                    uplinkPortOrder=dvs.UplinkPortOrderPolicy(activeUplinkPort=active)
                )
            ),
            "config.distributedVirtualSwitch": switch,
            "config.uplink": False,
            "config.policy": dvs.VMwarePortgroupPolicy(uplinkTeamingOverrideAllowed=False),
        }

    return _dvs_record(
        [
            (ours, {"name": "dvs-prod", **({"uuid": "50 1a 2b 3c"} if uuids else {})}),
            (theirs, {"name": "dvs-prod", **({"uuid": "50 ff"} if uuids else {})}),
        ],
        {
            "dvportgroup-2": group("Web", ours, ["Uplink 1", "Uplink 2"]),
            "dvportgroup-3": group("Other", theirs, ["Uplink 1"]),
        },
    )


def test_r51v4_same_named_switch_elsewhere_is_not_this_hosts(tmp_path: Path) -> None:
    """R51V-4 (wrong fail) HVA-440: a switch named dvs-prod in another datacenter (uuid 50 ff)
    with port group Other on one uplink; the host's dvs-prod (uuid 50 1a 2b 3c) has Web on
    both. Matched by name, main failed the host on Other."""
    record = _two_switches(uuids=True)
    assert [pg["switch_uuid"] for pg in record["portgroups"]] == ["50 1a 2b 3c", "50 ff"]
    assert _host(LINKED, BACKED)["proxy_switches"][0]["uuid"] == "50 1a 2b 3c"
    a = _vsphere(tmp_path, _host(LINKED, BACKED), dvs=record)
    assert _verdict(a, "HVA-440", "dvs-prod") == (
        "pass",
        "distributed switch dvs-prod uplinks on host esx1: vmnic2, vmnic3; port group Web: "
        "Uplink 1 (vmnic2), Uplink 2 (vmnic3)",
        None,
    )


def test_r51v4_held_without_uuids_both_are_judged(tmp_path: Path) -> None:
    """Held: where the records carry no uuid, the switches are matched by name and both port
    groups are judged (the fail on Other stands: nothing tells them apart)."""
    a = _vsphere(tmp_path, _host(LINKED, BACKED), dvs=_two_switches(uuids=False))
    assert _verdict(a, "HVA-440", "dvs-prod") == (
        "fail",
        "distributed switch dvs-prod on host esx1: port group Other fails over to no second "
        "uplink with a link: Uplink 1 (vmnic2) active or standby",
        None,
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


# --- R51V-2: HVA-308, the migration address on a VLAN under a bond or inside a VLAN ----------


def _through(iface: str, how: str) -> tuple[str, str, None]:
    return (
        "fail",
        "migration network 10.0.2.0/24 is shared with guests: node address 10.0.2.21 on "
        f"{iface}, {how}, which VM api-11 net0 reaches through vmbr0",
        None,
    )


@pytest.mark.parametrize(
    ("stanza", "expected"),
    [
        pytest.param(
            "auto eno1.30\niface eno1.30 inet static\n\taddress 10.0.2.21/24\n",
            _through("eno1.30", "VLAN 30 of eno1 (a link of bond0)"),
            id="vlan-of-a-bond-slave",
        ),
        pytest.param(
            "auto mig\niface mig inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-raw-device eno2\n\tvlan-id 30\n",
            _through("mig", "VLAN 30 of eno2 (a link of bond0)"),
            id="vlan-raw-device-a-bond-slave",
        ),
        pytest.param(
            "auto vmbr2\niface vmbr2 inet static\n\taddress 10.0.2.21/24\n"
            "\tbridge-ports eno1.30\n\tbridge-stp off\n\tbridge-fd 0\n",
            _through("vmbr2", "whose port eno1.30 is VLAN 30 of eno1 (a link of bond0)"),
            id="bridge-port-vlan-of-a-bond-slave",
        ),
        pytest.param(
            "auto bond0.30\niface bond0.30 inet manual\n\n"
            "auto bond0.30.40\niface bond0.30.40 inet static\n\taddress 10.0.2.21/24\n",
            _through("bond0.30.40", "VLAN 40 in VLAN 30 of bond0"),
            id="vlan-in-a-vlan-of-bond0",
        ),
        pytest.param(
            "auto vmbr0.30\niface vmbr0.30 inet manual\n\n"
            "auto vmbr0.30.40\niface vmbr0.30.40 inet static\n\taddress 10.0.2.21/24\n",
            _through("vmbr0.30.40", "VLAN 40 in VLAN 30 of vmbr0"),
            id="vlan-in-a-vlan-of-vmbr0",
        ),
    ],
)
def test_r51v2_migration_address_under_a_bond_or_in_a_vlan_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stanza: str, expected: tuple[str, str, None]
) -> None:
    """R51V-2 (false pass) HVA-308: beside VLAN-aware vmbr0 on bond0 (slaves eno1, eno2) with
    VM api-11 on tag 30, the node's migration address on VLAN 30 of a slave of bond0, or on
    VLAN 40 inside VLAN 30 (bond0.30.40, vmbr0.30.40): main passed "migration type secure on
    10.0.2.0/24"."""
    assert r40_scan(tmp_path, capsys, edits=_stanza(stanza)) == expected


def test_r51v2_guest_bridge_over_a_vlan_of_the_bond(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R51V-2 (false pass) HVA-308: VM api-11 untagged on VLAN-unaware vmbr3 over bond0.30 (its
    frames leave bond0 in VLAN 30), the node's migration address on eno1.30 (a slave of
    bond0): main passed; the guest bridge's port's own VLAN now counts as the prefix."""
    edits = {
        "etc/network/interfaces": (
            "\nauto vmbr1",
            "\nauto vmbr3\niface vmbr3 inet manual\n\tbridge-ports bond0.30\n\tbridge-stp off\n"
            "\tbridge-fd 0\n\nauto eno1.30\niface eno1.30 inet static\n\taddress 10.0.2.21/24\n"
            "\nauto vmbr1",
        ),
        "etc/pve/qemu-server/201.conf": (
            "bridge=vmbr0,firewall=1,tag=30",
            "bridge=vmbr3,firewall=1",
        ),
    }
    assert r40_scan(tmp_path, capsys, edits=edits) == (
        "fail",
        "migration network 10.0.2.0/24 is shared with guests: node address 10.0.2.21 on "
        "eno1.30, VLAN 30 of eno1 (a link of bond0), which VM api-11 net0 reaches through "
        "vmbr3",
        None,
    )


def test_r51v2_leased_address_on_a_vlan_of_a_bond_slave_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R51V-2 (false pass) HVA-308: `iface eno1.30 inet dhcp` (eno1 a slave of vmbr0's bond0,
    VM api-11 on tag 30), no node address read in the migration network: main passed, as
    R48E-5's bond0.30 was asked."""
    status, message, question = r40_scan(
        tmp_path, capsys, edits=_stanza("auto eno1.30\niface eno1.30 inet dhcp\n")
    )
    assert (status, message) == (
        "manual",
        "migration type secure on 10.0.2.0/24, and node pve-h1's address in it is not in the "
        "evidence: eno1.30 takes a leased address (`iface eno1.30 inet dhcp`), VLAN 30 of eno1 (a link "
        "of bond0), and VM api-11 net0 reaches it through vmbr0",
    )
    assert question is not None


@pytest.mark.parametrize(
    "stanza",
    [
        pytest.param(
            "auto eno1.40\niface eno1.40 inet static\n\taddress 10.0.2.21/24\n",
            id="vlan-40-of-a-bond-slave",
        ),
        pytest.param(
            "auto bond0.40\niface bond0.40 inet manual\n\n"
            "auto bond0.40.30\niface bond0.40.30 inet static\n\taddress 10.0.2.21/24\n",
            id="vlan-30-in-vlan-40",
        ),
    ],
)
def test_r51v2_held_a_vlan_no_guest_is_on_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stanza: str
) -> None:
    """Held: VLAN 40 of a slave of bond0, VLAN 30 inside VLAN 40 of bond0 (no guest on outer
    VLAN 40): the pass."""
    assert r40_scan(tmp_path, capsys, edits=_stanza(stanza)) == (
        "pass",
        "migration type secure on 10.0.2.0/24",
        None,
    )
