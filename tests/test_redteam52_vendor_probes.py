"""Red-team round 52 probes: VMware readers and the Proxmox migration network (r52-vendor).

Harness: vSphere host records as collect/vsphere.py's _host_record writes them from real
pyVmomi objects (HostVirtualSwitch with spec.bridge.nicDevice and spec.policy.nicTeaming, its
HostPortGroups, HostPhysicalNic with or without linkSpeed), assessed through the bundle parser
and engine (round 13's `_vsphere`).

Findings:
- R52V-1 (false pass, team decision 1) HVA-440: a standard vSwitch whose `failover` key is
  present but None (spec.policy.nicTeaming.nicOrder not reported) passed "standard switch
  vSwitch0 uplinks: vmnic0, vmnic1" on its bridge NICs alone: an unreported order was read as
  every bridge NIC active. "For a virtual switch, the NicOrderPolicy property is never null
  when retrieved from the server" (vSphere Web Services API HostNicOrderPolicy, read with
  `search`): an order not reported is unread. Now such a switch, where a port group inherits
  its order (or it has none recorded), is asked, naming the inheriting port groups and what
  answers it (`esxcli network vswitch standard policy failover get -v NAME`); a switch whose
  every port group sets its own order is judged on those orders as before. The vcsim profiles
  now give each vSwitch the order ESXi reports (every uplink active), so DC0_H0's vSwitch0
  passes on a reported order.

- R52V-2 (false pass, team decision 2) HVA-427: VMkernel.Boot.execInstalledOnly true as
  configured, with the runtime option User.execInstalledOnly not reported (an ESXi 7.0 host
  has none; or the option without a value), passed "VMkernel.Boot.execInstalledOnly = true":
  the configured boot option takes effect at the next boot ("a previously enabled
  execInstalledOnly boot option overwrites the internal runtime option", vSphere 8.0 Security,
  read with `search` in round 21), so the running kernel's enforcement was unseen. Now it is
  asked, naming `esxcli system settings kernel list -o execInstalledOnly` (its Runtime value)
  and, on 8.0, `esxcli system settings advanced list -o /User/execInstalledOnly`. The vcsim
  hardened host reports the runtime option (1) and passes; test_redteam21_vmw3's held
  "runtime-unreported" pass encoded the false pass and was dropped (a separate commit).

- R52V-3 (wrong fail, team decision 3) HVA-308: beside VM api-11 on tag 30 of VLAN-aware
  vmbr0 (bond0: eno1, eno2), the node's migration address on VLAN 30 of the same link tagged
  802.1ad (`vlan-protocol 802.1ad` on eno1.30, on `mig` over bond0, on vmbr0.30, or bond0.30
  outer to bond0.30.40), or the guests' tag 802.1ad (`bridge-vlan-protocol 802.1ad` on
  vmbr0) beside an 802.1Q eno1.30, failed "migration network 10.0.2.0/24 is shared with
  guests": every tag was read as 802.1Q. ifupdown2 addons/vlan.py `vlan-protocol` and
  addons/bridge.py `bridge-vlan-protocol` (each default 802.1q, validvals 802.1q, 802.1ad;
  read with `find_string`); Proxmox VE tags a guest on a VLAN-unaware bridge through `ip link
  add link IFACE name IFACE.TAG type vlan id TAG` (pve-common Network.pm
  activate_bridge_vlan_slave), 802.1Q. Whether a switch keeps S-VLAN 30 and C-VLAN 30 apart
  is its configuration, which the sources leave open: now asked, naming both protocols and
  the id, never passed and never failed (`_tag_mismatch`).

- R52V-4 (team decision 4) HVA-440: a distributed port group whose order holds two uplinks
  with a link and whose ports may override it (uplinkTeamingOverrideAllowed true) was asked
  (R51V-3) however its ports were set. Now the collector fetches the ports' own orders, one
  DistributedVirtualSwitch.FetchDVPorts per switch with a DistributedVirtualSwitchPortCriteria
  `inside` true and `portgroupKey` those port groups' keys ("If set to true, only ports
  inside portgroupKey ... are qualified", vSphere Web Services API, read with `search`),
  each port's config.setting.uplinkTeamingPolicy.uplinkPortOrder, at most MAX_DV_PORTS per
  port group; HVA-440 judges each port as the port group (`_dv_order`): a port on one uplink
  with a link fails ("port group Web port 5 fails over to no second uplink with a link:
  Uplink 1 (vmnic2) active or standby"), every port on two passes, a port whose order is not
  reported is asked naming it, and ports not read (the fetch failed, too many, an older
  collector) are asked as R51V-3 asked.

Held:
- HVA-440: the order reported, both uplinks active: the pass.
- HVA-440: the order not reported, every port group with its own order of both uplinks: pass.
- HVA-440: the order not reported, a port group's own order holding one uplink: the fail.
- HVA-440: the order not reported, one of two uplinks without a link: the fail.
- HVA-308: both tags 802.1ad, or both 802.1Q spelled out (`vlan-protocol 802.1q`), on VLAN
  30: the fail; an 802.1ad S-VLAN 40 no guest is on: the pass.

Probed by script: none beyond these cases.

Tally: 4 findings (2 false pass, 1 wrong fail, 1 team decision: a question where the
evidence can answer); 21 test cases, 14 failed on main before the fixes (R52V-1: 2, R52V-2: 2,
R52V-3: 5, R52V-4: 5, the collector's fetch missing; by verdict 3 of those changed, the
fetch-failed case keeps R51V-3's question), 7 held.

Leads left:
- HVA-308: a VLAN a stanza's command makes (`ip link add ... type vlan protocol 802.1ad id
  N`) is read as 802.1Q (command_links records no protocol): a possible wrong fail.
- HVA-308: the node's live `ip -d link` vlan_protocol (where collected) is not compared with
  the files' `vlan-protocol`.
- HVA-440: the distributed switch's own default order (config.defaultPortConfig of the
  switch) is still not read; a port's own order is judged against this host's uplink ports
  whatever host the port is on.
- HVA-440: MAX_DV_PORTS bounds what is kept, not what FetchDVPorts returns (the API takes no
  limit; FetchDVPortKeys first, then ports by portKey in batches, would bound the transfer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam13_vmw_probes import _vsphere
from test_redteam40_vendor_probes import _scan as r40_scan
from test_redteam48_vendor_probes import IFACES, _stanza


def _verdict(a: Any, check: str, subject: str) -> tuple[str, str, str | None]:
    (got,) = [
        (r.status.value, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    ]
    return got


# --- R52V-1: HVA-440, a standard vSwitch's teaming order not reported ------------------------


def _standard(
    groups: dict[str, list[str] | None], *, order: bool = False, down: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A host record (collect/vsphere.py _host_record from real pyVmomi objects): vSwitch0
    bridging vmnic0 and vmnic1, its nicTeaming.nicOrder reported (both active) where `order`
    says so and not reported otherwise, a port group per `groups` entry with that own order
    (None: none of its own, spec and computedPolicy alike), both NICs listed with a link
    except those in `down`."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    nics = ["vmnic0", "vmnic1"]
    policy = vim.host.NetworkPolicy(
        security=vim.host.NetworkPolicy.SecurityPolicy(
            allowPromiscuous=False, macChanges=False, forgedTransmits=False
        )
    )
    if order:
        policy.nicTeaming = vim.host.NetworkPolicy.NicTeamingPolicy(
            policy="loadbalance_srcid",
            nicOrder=vim.host.NetworkPolicy.NicOrderPolicy(activeNic=nics),
        )
    switch = vim.host.VirtualSwitch(
        name="vSwitch0",
        key="key-vim.host.VirtualSwitch-vSwitch0",
        pnic=[f"key-vim.host.PhysicalNic-{n}" for n in nics],
        spec=vim.host.VirtualSwitch.Specification(
            numPorts=128,
            bridge=vim.host.VirtualSwitch.BondBridge(nicDevice=nics),
            policy=policy,
        ),
    )

    def own(active: list[str] | None) -> Any:
        pg_policy = vim.host.NetworkPolicy()
        if active is not None:
            pg_policy.nicTeaming = vim.host.NetworkPolicy.NicTeamingPolicy(
                nicOrder=vim.host.NetworkPolicy.NicOrderPolicy(activeNic=active)
            )
        return pg_policy

    portgroups = [
        vim.host.PortGroup(
            key=f"key-vim.host.PortGroup-{pg}",
            spec=vim.host.PortGroup.Specification(
                name=pg, vlanId=0, vswitchName="vSwitch0", policy=own(active)
            ),
            computedPolicy=own(active),
        )
        for pg, active in groups.items()
    ]
    pnics = [
        vim.host.PhysicalNic(
            device=dev,
            linkSpeed=None
            if dev in down
            else vim.host.PhysicalNic.LinkSpeedDuplex(speedMb=10000, duplex=True),
        )
        for dev in nics
    ]
    record = _host_record(
        {
            "name": "esx1",
            "config.network.vswitch": [switch],
            "config.network.portgroup": portgroups,
            "config.network.pnic": pnics,
        },
        {},
    )
    del record["name"]
    return record


def _order_asked(heirs: str) -> tuple[str, str, str]:
    return (
        "manual",
        "standard switch vSwitch0 has uplinks vmnic0, vmnic1; its teaming order "
        f"(spec.policy.nicTeaming.nicOrder) is not reported{heirs and ', which port groups '}"
        f"{heirs}{heirs and ' inherit'}",
        "Does the teaming and failover order of standard switch vSwitch0 on host esx1 hold two "
        "or more of its uplinks (vmnic0, vmnic1) with a link, active or standby"
        f"{heirs and ' (inherited by port groups '}{heirs}{heirs and ')'}? Evidence: the "
        "switch's Active and Standby adapters (Host > Configure > Virtual switches > the "
        "switch > Edit > Teaming and failover, or `esxcli network vswitch standard policy "
        "failover get -v vSwitch0`) and each adapter's link (`esxcfg-nics -l`). Pass: two or "
        "more, each with a link; fail: one, the others unused or without a link.",
    )


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        pytest.param(
            {"VM Network": None, "Management Network": None},
            _order_asked("VM Network, Management Network"),
            id="port-groups-inherit",
        ),
        pytest.param({}, _order_asked(""), id="no-port-group"),
    ],
)
def test_r52v1_unreported_switch_order_is_asked(
    tmp_path: Path, groups: dict[str, list[str] | None], expected: tuple[str, str, str]
) -> None:
    """R52V-1 (false pass) HVA-440: vSwitch0 bridges vmnic0 and vmnic1, both with a link, and
    its nicOrder is not reported (the collector's `failover` None): main passed "standard
    switch vSwitch0 uplinks: vmnic0, vmnic1", reading the unread order as both active."""
    record = _standard(groups)
    assert record["switches"][0]["failover"] is None
    a = _vsphere(tmp_path, record)
    assert _verdict(a, "HVA-440", "vSwitch0") == expected


def test_r52v1_reported_order_passes(tmp_path: Path) -> None:
    """R52V-1's twin: the order reported, both uplinks active: the pass."""
    a = _vsphere(tmp_path, _standard({"VM Network": None}, order=True))
    assert _verdict(a, "HVA-440", "vSwitch0") == (
        "pass",
        "standard switch vSwitch0 uplinks: vmnic0, vmnic1",
        None,
    )


@pytest.mark.parametrize(
    ("groups", "down", "expected"),
    [
        pytest.param(
            {"VM Network": ["vmnic1", "vmnic0"]},
            (),
            (
                "pass",
                "standard switch vSwitch0 uplinks: vmnic0, vmnic1; port group VM Network: "
                "vmnic0, vmnic1",
                None,
            ),
            id="every-group-sets-its-own",
        ),
        pytest.param(
            {"VM Network": ["vmnic1"], "Backup": None},
            (),
            (
                "fail",
                "standard switch vSwitch0: port group VM Network fails over to no second "
                "uplink: vmnic1 active or standby, vmnic0 unused (its own teaming order)",
                None,
            ),
            id="own-order-one-uplink",
        ),
        pytest.param(
            {"VM Network": None},
            ("vmnic1",),
            (
                "fail",
                "standard switch vSwitch0 fails over to no second uplink with a link: vmnic0 "
                "with a link, vmnic1 with none (linkSpeed not set: the link is down)",
                None,
            ),
            id="second-uplink-down",
        ),
    ],
)
def test_r52v1_held_unreported_switch_order(
    tmp_path: Path,
    groups: dict[str, list[str] | None],
    down: tuple[str, ...],
    expected: tuple[str, str, str | None],
) -> None:
    """Held: with the switch's order not reported, every port group's own order of both
    uplinks passes (the switch's order carries no traffic); a port group's own order of one
    uplink, or a second uplink without a link, fails whatever the switch's order."""
    a = _vsphere(tmp_path, _standard(groups, down=down))
    assert _verdict(a, "HVA-440", "vSwitch0") == expected


# --- R52V-2: HVA-427, the boot option configured and the running kernel unseen ---------------


EXEC_QUESTION = (
    "Does host esx1's running kernel enforce execInstalledOnly? Evidence: `esxcli system "
    "settings kernel list -o execInstalledOnly` there (its Runtime value, the boot option the "
    "host booted with, not its Configured one) and, on ESXi 8.0 and later, `esxcli system "
    "settings advanced list -o /User/execInstalledOnly` (its Int Value). Pass: Runtime TRUE and "
    "the runtime option, where the host has it, 1; fail: Runtime FALSE (set since the last "
    "boot, unsigned binaries run until the reboot) or the runtime option 0."
)


@pytest.mark.parametrize(
    "runtime",
    [
        pytest.param({}, id="esxi-7-no-runtime-option"),
        pytest.param({"User.execInstalledOnly": None}, id="runtime-option-without-value"),
    ],
)
def test_r52v2_boot_option_alone_is_asked(tmp_path: Path, runtime: dict[str, object]) -> None:
    """R52V-2 (false pass, team decision 2) HVA-427: VMkernel.Boot.execInstalledOnly true as
    configured, the runtime option User.execInstalledOnly not reported (ESXi 7.0 has none;
    OptionManager.setting without it, or with no value). The configured boot option takes
    effect at the next boot (vSphere 8.0 Security: "a previously enabled execInstalledOnly
    boot option overwrites the internal runtime option"), so whether the running kernel
    enforces it is unseen. Main passed "VMkernel.Boot.execInstalledOnly = true"."""
    from hvaudit.collect.vsphere import _host_record
    from test_redteam21_vmw2_probes import _collected

    options = {"VMkernel.Boot.execInstalledOnly": True, **runtime}
    host = {**_host_record({"name": "esx1"}, {}), "advanced": _collected(options)}
    del host["name"]
    assert _verdict(_vsphere(tmp_path, host), "HVA-427", "esx1") == (
        "manual",
        "VMkernel.Boot.execInstalledOnly = true (configured), but whether the running kernel "
        "enforces it is not in the evidence: the runtime option User.execInstalledOnly (ESXi "
        "8.0 and later) is not reported",
        EXEC_QUESTION,
    )


# --- R52V-3: HVA-308, an 802.1ad S-VLAN beside the guests' 802.1Q VLAN of the same id ---------

TAG_QUESTION = (
    "Does the physical network keep node pve-h1's migration traffic (10.0.2.0/24, datacenter.cfg "
    "`migration: network=`) apart from the guests' VLAN of the same id in the other tag protocol "
    "(802.1ad, TPID 0x88a8, against 802.1Q, TPID 0x8100)? Evidence: the configuration of the "
    "physical switch ports the node's links connect to (the tag protocol each accepts and the "
    "VLANs each carries, a QinQ tunnel port's outer VLAN). Pass: the switch carries the two as "
    "separate segments, or drops one of them; fail: it forwards both into the one VLAN."
)


def _tag_asked(open_: str) -> tuple[str, str, str]:
    return (
        "manual",
        "migration type secure on 10.0.2.0/24, and whether the physical network keeps the "
        "migration VLAN apart from the guests' VLAN of the same id in the other tag protocol is "
        f"not in the evidence: node address 10.0.2.21 on {open_}",
        TAG_QUESTION,
    )


AD = ", tagged 802.1ad VLAN 30 where the guests' tag is 802.1Q VLAN 30"
VMBR0_AD = "\tbridge-vids 2-4094\n\tbridge-vlan-protocol 802.1ad\n"


@pytest.mark.parametrize(
    ("stanza", "bridge_ad", "open_"),
    [
        pytest.param(
            "auto eno1.30\niface eno1.30 inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-protocol 802.1ad\n",
            False,
            f"eno1.30, VLAN 30 of eno1 (a link of bond0){AD}, which VM api-11 net0 reaches "
            "through vmbr0",
            id="s-vlan-on-a-bond-slave",
        ),
        pytest.param(
            "auto mig\niface mig inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-raw-device bond0\n\tvlan-id 30\n\tvlan-protocol 802.1ad\n",
            False,
            f"mig, VLAN 30 of bond0{AD}, which VM api-11 net0 reaches through vmbr0",
            id="s-vlan-raw-device-bond0",
        ),
        pytest.param(
            "auto vmbr0.30\niface vmbr0.30 inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-protocol 802.1ad\n",
            False,
            f"vmbr0.30{AD}, which VM api-11 net0 is plugged into",
            id="s-vlan-of-the-guest-bridge",
        ),
        pytest.param(
            "auto bond0.30\niface bond0.30 inet manual\n\tvlan-protocol 802.1ad\n\n"
            "auto bond0.30.40\niface bond0.30.40 inet static\n\taddress 10.0.2.21/24\n",
            False,
            f"bond0.30.40, VLAN 40 in VLAN 30 of bond0{AD}, which VM api-11 net0 reaches "
            "through vmbr0",
            id="c-vlan-in-s-vlan-30",
        ),
        pytest.param(
            "auto eno1.30\niface eno1.30 inet static\n\taddress 10.0.2.21/24\n",
            True,
            "eno1.30, VLAN 30 of eno1 (a link of bond0), tagged 802.1Q VLAN 30 where the "
            "guests' tag is 802.1ad VLAN 30, which VM api-11 net0 reaches through vmbr0",
            id="guests-on-an-802.1ad-bridge",
        ),
    ],
)
def test_r52v3_other_tag_protocol_same_id_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stanza: str, bridge_ad: bool, open_: str
) -> None:
    """R52V-3 (wrong fail, team decision 3) HVA-308: VM api-11 on tag 30 of VLAN-aware vmbr0
    (bond0: eno1, eno2) and the node's migration address on VLAN 30 of the same link in the
    other tag protocol (`vlan-protocol 802.1ad`, ifupdown2 addons/vlan.py; or the guests' on
    `bridge-vlan-protocol 802.1ad`, ifupdown2 addons/bridge.py). The sources leave the physical
    switch's treatment of S-VLAN 30 and C-VLAN 30 open: main failed "migration network
    10.0.2.0/24 is shared with guests" treating every tag as 802.1Q; now it is asked."""
    edits = (
        {IFACES: ("\tbridge-vids 2-4094\n\nauto vmbr1", f"{VMBR0_AD}\n{stanza}\nauto vmbr1")}
        if bridge_ad
        else _stanza(stanza)
    )
    assert r40_scan(tmp_path, capsys, edits=edits) == _tag_asked(open_)


@pytest.mark.parametrize(
    ("stanza", "bridge_ad", "expected"),
    [
        pytest.param(
            "auto eno1.30\niface eno1.30 inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-protocol 802.1ad\n",
            True,
            (
                "fail",
                "migration network 10.0.2.0/24 is shared with guests: node address 10.0.2.21 on "
                "eno1.30, VLAN 30 of eno1 (a link of bond0), which VM api-11 net0 reaches "
                "through vmbr0",
                None,
            ),
            id="both-802.1ad",
        ),
        pytest.param(
            "auto eno1.30\niface eno1.30 inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-protocol 802.1q\n",
            False,
            (
                "fail",
                "migration network 10.0.2.0/24 is shared with guests: node address 10.0.2.21 on "
                "eno1.30, VLAN 30 of eno1 (a link of bond0), which VM api-11 net0 reaches "
                "through vmbr0",
                None,
            ),
            id="both-802.1q-spelled-out",
        ),
        pytest.param(
            "auto eno1.40\niface eno1.40 inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-protocol 802.1ad\n",
            False,
            ("pass", "migration type secure on 10.0.2.0/24", None),
            id="s-vlan-no-guest-is-on",
        ),
    ],
)
def test_r52v3_held_same_protocol_or_other_id(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    stanza: str,
    bridge_ad: bool,
    expected: tuple[str, str, str | None],
) -> None:
    """Held: both tags 802.1ad (the guests on `bridge-vlan-protocol 802.1ad`), or both 802.1Q
    spelled out, on VLAN 30: the fail (one segment whatever the switch); an S-VLAN 40 no guest
    is on: the pass."""
    edits = (
        {IFACES: ("\tbridge-vids 2-4094\n\nauto vmbr1", f"{VMBR0_AD}\n{stanza}\nauto vmbr1")}
        if bridge_ad
        else _stanza(stanza)
    )
    assert r40_scan(tmp_path, capsys, edits=edits) == expected


# --- R52V-4: HVA-440, the ports' own teaming orders of a port group they may override ---------


class _Switch:
    """vCenter's DistributedVirtualSwitch dvs-9 as FetchDVPorts answers (real pyVmomi
    DistributedVirtualPort objects, each with its config.setting.uplinkTeamingPolicy), or
    faults where `fault` is set; it records the criteria it was asked with."""

    _moId = "dvs-9"

    def __init__(self, ports: list[Any], fault: Exception | None = None) -> None:
        self.ports, self.fault, self.asked, self.by_key = ports, fault, [], []

    def FetchDVPortKeys(self, criteria: Any) -> list[str]:  # pyVmomi's method name (R52V-6)
        self.asked.append(criteria)
        if self.fault is not None:
            raise self.fault
        return [p.key for p in self.ports]

    def FetchDVPorts(self, criteria: Any) -> list[Any]:  # pyVmomi's method name
        self.by_key.append(list(criteria.portKey))
        return [p for p in self.ports if p.key in criteria.portKey]


def _port(key: str, order: tuple[list[str], list[str]] | None) -> Any:
    from pyVmomi import vim

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    setting = dvs.VmwarePortConfigPolicy()
    if order is not None:
        setting.uplinkTeamingPolicy = dvs.UplinkPortTeamingPolicy(
            uplinkPortOrder=dvs.UplinkPortOrderPolicy(
                activeUplinkPort=order[0], standbyUplinkPort=order[1]
            )
        )
    return vim.dvs.DistributedVirtualPort(
        key=key,
        portgroupKey="dvportgroup-2",
        config=vim.dvs.DistributedVirtualPort.ConfigInfo(setting=setting),
        proxyHost=vim.HostSystem("host-12"),  # esx1 services it (R52V-5)
    )


def _dvs_with_ports(switch: _Switch) -> dict[str, Any]:
    """dvs.json as VsphereCollector writes it: switch dvs-prod, port group Web (Uplink 1
    active, Uplink 2 standby) whose ports may override its teaming, and the ports' own orders
    (VsphereCollector._port_orders over `switch`)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import VsphereCollector, _dvs_record

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    groups = {
        "dvportgroup-2": {
            "name": "Web",
            "key": "dvportgroup-2",
            "config.defaultPortConfig": dvs.VmwarePortConfigPolicy(
                uplinkTeamingPolicy=dvs.UplinkPortTeamingPolicy(
                    uplinkPortOrder=dvs.UplinkPortOrderPolicy(
                        activeUplinkPort=["Uplink 1"], standbyUplinkPort=["Uplink 2"]
                    )
                )
            ),
            "config.distributedVirtualSwitch": switch,
            "config.uplink": False,
            "config.policy": dvs.VMwarePortgroupPolicy(uplinkTeamingOverrideAllowed=True),
        }
    }
    collector = VsphereCollector.__new__(VsphereCollector)
    collector.calls = 0
    switches = [(switch, {"name": "dvs-prod", "uuid": "50 1a 2b 3c"})]
    record = _dvs_record(switches, groups, None, collector._port_orders(switches, groups))
    # R52V-6: the port keys, then the ports by key 256 at a time
    assert collector.calls == 1 + (-(-len(switch.ports) // 256) if switch.fault is None else 0)
    return record


def test_r52v4_collector_fetches_the_port_groups_ports() -> None:
    """R52V-4: one FetchDVPorts for the switch, inside port group Web only; each port's own
    order recorded (main recorded none)."""
    switch = _Switch([_port("5", (["Uplink 1"], [])), _port("6", None)])
    record = _dvs_with_ports(switch)
    ((criteria,),) = [switch.asked]
    assert (criteria.inside, list(criteria.portgroupKey)) == (True, ["dvportgroup-2"])
    assert record["portgroups"][0]["port_orders"] == [
        {"key": "5", "host": "host-12", "uplink_order": ["Uplink 1"]},
        {"key": "6", "host": "host-12", "uplink_order": None},
    ]


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        pytest.param(
            _Switch([_port("5", (["Uplink 1"], [])), _port("6", (["Uplink 2"], ["Uplink 1"]))]),
            (
                "fail",
                "distributed switch dvs-prod on host esx1: port group Web port 5 fails over to "
                "no second uplink with a link: Uplink 1 (vmnic2) active or standby",
                None,
            ),
            id="a-port-on-one-uplink",
        ),
        pytest.param(
            _Switch(
                [
                    _port("5", (["Uplink 1", "Uplink 2"], [])),
                    _port("6", (["Uplink 2"], ["Uplink 1"])),
                ]
            ),
            (
                "pass",
                "distributed switch dvs-prod uplinks on host esx1: vmnic2, vmnic3; port group "
                "Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3) (its 2 ports' own orders too)",
                None,
            ),
            id="every-port-on-two-uplinks",
        ),
    ],
)
def test_r52v4_ports_own_orders_are_judged(
    tmp_path: Path, switch: _Switch, expected: tuple[str, str, str | None]
) -> None:
    """R52V-4 (team decision 4) HVA-440: port group Web's order holds both uplinks and its
    ports may override it (R51V-3 asked); the ports' own orders, now collected, answer: a port
    on Uplink 1 alone is one path (fail), every port on both passes. Main asked both."""
    from test_redteam51_vendor_probes import BACKED, LINKED, _host

    a = _vsphere(tmp_path, _host(LINKED, BACKED), dvs=_dvs_with_ports(switch))
    assert _verdict(a, "HVA-440", "dvs-prod") == expected


@pytest.mark.parametrize(
    ("switch", "open_"),
    [
        pytest.param(
            _Switch([_port("5", (["Uplink 1", "Uplink 2"], [])), _port("7", None)]),
            "port group Web port 7: its own teaming order (uplinkPortOrder) is not reported",
            id="a-port-order-not-reported",
        ),
        pytest.param(
            _Switch([], fault=RuntimeError("NoPermission")),
            "port group Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3), but each port may override "
            "this teaming order (uplinkTeamingOverrideAllowed)",
            id="fetch-failed",
        ),
    ],
)
def test_r52v4_ports_unread_are_asked(tmp_path: Path, switch: _Switch, open_: str) -> None:
    """R52V-4 HVA-440: a port whose own order is not reported, or ports the fetch did not
    read, are asked, naming what is open."""
    from test_redteam51_vendor_probes import BACKED, LINKED, _ask, _host

    a = _vsphere(tmp_path, _host(LINKED, BACKED), dvs=_dvs_with_ports(switch))
    assert _verdict(a, "HVA-440", "dvs-prod") == (
        "manual",
        f"distributed switch dvs-prod has uplinks vmnic2, vmnic3 on host esx1; {open_}",
        _ask(open_),
    )
