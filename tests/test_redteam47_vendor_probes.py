"""Red-team round 47 probes: Proxmox VE node addresses that a stanza's commands add, a
bridge's own `bridge-pvid`, and ESXi uplinks without link (r47-vendor).

Harness: the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened: node pve-h1, vmbr1
10.0.0.21/24 with the gateway, VLAN-aware vmbr0 with no address and guests on tags 20 and 30,
`migration: secure,network=10.0.2.0/24`) copied and scanned through the real pve+dir://
collector, parser and engine from the CLI (round 40's `_scan`), /etc/network/interfaces or
guest 200's `net0` edited; a copy never holds the node's `ip -j addr`. The API path:
test_proxmox_api's fake PVE API (`seeded`), GET /nodes/{node}/network answered by the probe
(round 44's `_api_hva308`).

Findings:
- R47E-1 (false pass) HVA-308: an address a stanza's `pre-up`/`up`/`post-up` command adds
  (`post-up ip addr add 10.0.2.21/24 dev vmbr1`, `ip -4 a a ... dev $IFACE`, `ifconfig
  vmbr1:1 10.0.2.21`) was not read as the node's, so a node whose file is read whole with
  no `address` line in `migration: network=` passed "migration type secure on 10.0.2.0/24"
  while that address sat on the bridge guest web-10 is plugged into untagged. ifupdown2 runs
  the commands through the shell at bring-up (addons/usercmds.py `_run_command`, with IFACE
  and LOGICAL in the environment, ifupdown/iface.py generate_env); iproute2's `ip address
  add|change|replace IFADDR dev STRING` matches each word as a prefix (ip/ipaddress.c
  do_ipaddr, `matches(*argv, "add")`); the node receives a migration on the address `ip
  address show to CIDR up` lists (pve-common src/PVE/Network.pm get_local_ip_from_cidr). On
  the API path the commands arrive as `options`/`options6` ("A list of additional interface
  options", pve-manager PVE/API2/Network.pm index; pve-common PVE/Network/Interfaces.pm
  __read_etc_network_interfaces pushes each unknown line whole), which render_interfaces
  dropped. Now `NetworkInterfaces.command_addresses` reads them as the node's addresses
  (`_node_addresses`, which the firewall checks read too) and the API's hook lines are
  written back; HVA-308 fails as for an `address` line. Follow-up: a command run through
  `sh -c '...'` or after an assignment (`LC_ALL=C ip addr add ...`) was still not read.

- R47E-2 (false pass) HVA-440: a standard vSwitch with two uplinks in its teaming order, one
  (or both) with its link down, passed "standard switch vSwitch0 uplinks: vmnic0, vmnic1":
  the collector did not read config.network.pnic, whose HostPhysicalNic.linkSpeed is "The
  current link state of the physical network adapter. If this object is not set, then the
  link is down" (pyVmomi docs vim/host/PhysicalNic.rst). An uplink without link is no second
  path for HY-SR-22. Now the collector records each standard switch's uplinks without link
  (`no_link`), and HVA-440 fails a switch, or a port group with its own order, left with
  fewer than two uplinks with a link. (Harness: the host record from `_host_record` over real
  pyVmomi objects, as round 31's `_standard_host`, through round 11's `_vsphere`.)
- R47E-3 (false n/a) HVA-440: a host's distributed switches were neither judged nor asked
  (the docstring left them "with the auditor", but no outcome said so), and a host with no
  standard vSwitch was "not applicable: no network on this host to evaluate" whatever its
  distributed switch's uplinks there. A distributed switch's part on a host is its
  HostProxySwitch ("the component of a DistributedVirtualSwitch on a particular host"; pnic,
  "The set of physical network adapters associated with this switch": vSphere Web Services
  API). Now the collector reads config.network.proxySwitch, and HVA-440 fails one uplink or
  none other with a link, and asks which uplinks each port group's teaming uses where there
  are two (the distributed port groups' teaming is not collected).
- R47E-4 (false pass) HVA-308: the same pass where vmbr1 holds 10.0.2.21 through ifupdown2's
  `address-virtual 00:00:5e:00:01:02 10.0.2.21/24` or `vrrp 7 10.0.2.21/24`: ifupdown2
  addons/addressvirtual.py "creates a macvlan interface for every mac ip address-virtual
  line" on the interface, with those IPs (`for ip in av_attrs[1:]`), and one per VRRP line
  alike. Now `NetworkInterfaces.virtual_addresses` reads them as the node's addresses on the
  interface (`_node_addresses`).

Held:
- a route (`post-up ip route add 10.0.2.0/24 via 10.0.0.1`), a deletion (`ip addr del`), an
  address in another network namespace (`ip -n ns1 addr add`): "migration type secure on
  10.0.2.0/24", as before.
- `bridge-pvid 20` on VLAN-aware vmbr0 holding the migration address, guests on tags 20 and
  30: the pass. ifupdown2's `bridge-pvid` is a port's ("bridge port pvid. Must be specified
  under the bridge port", addons/bridge.py); under the bridge it is the default of its ports
  (`_get_bridge_pvid` feeds `_apply_bridge_vlan_aware_port_settings_all`), and the bridge's
  own default PVID is never set (IFLA_BR_VLAN_DEFAULT_PVID is commented out there), so the
  node's address stays on the kernel's default VLAN 1, which pve-common gives an untagged
  guest port (`$tag = 1 if !$tag`): round 45's lead, confirmed.
- `source /etc/network/interfaces.d/*` over an empty directory in the copy: the pass (the
  glob matches nothing; round 45's lead: a missing directory is asked, an empty one is read).
- HVA-440: both uplinks with a link pass; config.network.pnic not reported (a record of an
  older collector) leaves the teaming order's verdict, as before.

Probed by script: none beyond these cases.

Tally: 4 findings (3 false pass, 1 false n/a); 23 test cases, 16 failed on main before the
fixes (R47E-1: 5 pass, 1 manual on the API path; R47E-2: 3 pass; R47E-3: 4 not applicable;
R47E-4: 2 pass, 1 manual on the API path), 7 held.

Leads left:
- on the API path GET /nodes/{node}/network gives one `cidr` per stanza: pve-common
  __read_etc_network_interfaces keeps the last `address` line (`$d->{$id} = $value`), so a
  second address of a stanza is lost there (HVA-308 and HVA-313 ask where no address is
  found, as the API path never reads `ip addr`; a lost address beside a found one is not).
- HVA-308 segments through another device: the node's address on a bridge whose port is a
  VLAN device (vmbr2 `bridge-ports bond0.50`) beside VLAN-aware vmbr0 on bond0 carrying a
  guest with tag=50 (one external VLAN 50), or on a macvlan a command creates on a guest's
  bridge (`ip link add link vmbr1 name mig type macvlan`): `_nics_on` looks at the address's
  own bridge (or BRIDGE.N) only. Not probed this round.
- a command that adds an address through a script or a variable other than $IFACE/$LOGICAL
  (`post-up /usr/local/bin/addip.sh`, `ip addr add $ADDR`) is not read; asking for every hook
  command would ask on most nodes (`post-up iptables ...`), so it is not asked either.
- an SDN VNet's gateway (/etc/pve/sdn/subnets.cfg, `gateway`) on a node of a simple/EVPN
  zone is an address of the node on the VNet's bridge; /etc/network/interfaces.d/sdn is read
  where copied, not derived from subnets.cfg.
- HVA-440 with config.network.pnic not reported still passes on the teaming order alone
  (team decision: ask the link state, or judge the configuration only); a distributed
  port group's teaming order (uplinkTeamingPolicy.uplinkPortOrder) and the host's
  uplink-to-vmnic map (HostProxySwitch.uplinkPort, spec.backing.pnicSpec) are not collected,
  so two uplinks of a distributed switch are asked, never passed; a record without
  proxy_switches (an older collector) still leaves them unasked.
- render_firewall drops the API's per-rule `errors` (pve-firewall verify_rule); hvaudit's
  parser re-derives most of them, not pve_verify_iface on a host or cluster rule's -i
  (`^[a-z][a-z0-9_]{1,20}([:.][0-9]+)?$`, pve-common JSONSchema.pm): read, no false pass found,
  as a DROP with -i closes no port in HVA-313 and an ACCEPT with -i of a non-uplink narrows.
- HVA-429's attestation time versus runtime.bootTime: not collected; whether vCenter
  re-attests at every boot is in no API reference found (team decision).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_proxmox_api import seeded  # noqa: F401 - seeded: a fixture
from test_redteam40_vendor_probes import _copy as r40_copy
from test_redteam40_vendor_probes import _scan as r40_scan
from test_redteam44_vendor_probes import VMBR0_API, _api_hva308

IFACES = "etc/network/interfaces"
VM200 = "etc/pve/qemu-server/200.conf"
GATEWAY = "\tgateway 10.0.0.1\n"
VMBR0_VIDS = "\tbridge-vids 2-4094\n"
UNTAGGED_ON_VMBR1 = ("bridge=vmbr0,firewall=1,tag=20", "bridge=vmbr1,firewall=1")
PASS = ("pass", "migration type secure on 10.0.2.0/24", None)


def _shared(addr: str, iface: str, nics: str) -> tuple[str, str, None]:
    return (
        "fail",
        f"migration network 10.0.2.0/24 is shared with guests: node address {addr} on {iface}, "
        f"which {nics} is plugged into",
        None,
    )


WEB10_ON_VMBR1 = _shared("10.0.2.21", "vmbr1", "VM web-10 net0")


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            {IFACES: (GATEWAY, f"{GATEWAY}\tpost-up ip addr add 10.0.2.21/24 dev vmbr1\n")},
            WEB10_ON_VMBR1,
            id="post-up-ip-addr-add",
        ),
        pytest.param(
            {IFACES: (GATEWAY, f"{GATEWAY}\tup /sbin/ip -4 a a 10.0.2.21/24 dev $IFACE\n")},
            WEB10_ON_VMBR1,
            id="up-ip-a-a-dev-IFACE",
        ),
        pytest.param(
            {
                IFACES: (
                    GATEWAY,
                    f"{GATEWAY}\tpre-up ifconfig vmbr1:1 10.0.2.21 netmask 255.255.255.0 up\n",
                )
            },
            WEB10_ON_VMBR1,
            id="pre-up-ifconfig-alias",
        ),
        pytest.param(
            {
                IFACES: (
                    VMBR0_VIDS,
                    f"{VMBR0_VIDS}\tpost-up ip route add 10.0.3.0/24 via 10.0.0.1 && "
                    "ip address replace 10.0.2.21/24 dev vmbr1\n",
                )
            },
            WEB10_ON_VMBR1,
            id="chained-command-in-another-stanza-names-its-dev",
        ),
        pytest.param(
            {
                IFACES: (
                    GATEWAY,
                    f"{GATEWAY}\tpost-up sh -c 'LC_ALL=C /usr/sbin/ip addr add 10.0.2.21/24 dev "
                    "vmbr1'\n",
                )
            },
            WEB10_ON_VMBR1,
            id="sh-c-with-an-assignment",
        ),
        pytest.param(
            {IFACES: (GATEWAY, f"{GATEWAY}\taddress-virtual 00:00:5e:00:01:02 10.0.2.21/24\n")},
            WEB10_ON_VMBR1,
            id="r47e4-address-virtual",
        ),
        pytest.param(
            {IFACES: (GATEWAY, f"{GATEWAY}\tvrrp 7 10.0.2.21/24 fd00:2::21/64\n")},
            WEB10_ON_VMBR1,
            id="r47e4-vrrp",
        ),
    ],
)
def test_r47e1_command_added_migration_address_on_a_guest_bridge_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edits: dict[str, tuple[str, str]],
    expected: tuple[str, str, None],
) -> None:
    """R47E-1 and R47E-4 (false pass): guest web-10 untagged on vmbr1, the node's 10.0.2.21
    added to vmbr1 by a command of the interfaces file (R47E-1) or an address-virtual or vrrp
    line (R47E-4); main passed "migration type secure on 10.0.2.0/24"."""
    got = r40_scan(tmp_path, capsys, edits={**edits, VM200: UNTAGGED_ON_VMBR1})
    assert got == expected


@pytest.mark.parametrize(
    "option",
    [
        pytest.param("post-up\tip addr add 10.0.2.11/24 dev vmbr0", id="r47e1-post-up"),
        pytest.param("address-virtual 00:00:5e:00:01:02 10.0.2.11/24", id="r47e4-address-virtual"),
    ],
)
def test_r47e1_api_hook_option_address_fails(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    option: str,
) -> None:
    """R47E-1 and R47E-4 on the API path: vmbr0 10.0.0.11/24, its `options` line `post-up ip
    addr add 10.0.2.11/24 dev vmbr0` or `address-virtual ... 10.0.2.11/24`; guest 101
    (`trunks=`, no tag) on its VLAN 1. main dropped the line and asked where the node's address
    in 10.0.2.0/24 is."""
    vmbr0 = {**VMBR0_API[0], "cidr": "10.0.0.11/24", "options": [option]}
    got = _api_hva308(
        fakepve,
        seeded,
        fakepve_cafile,
        capsys,
        monkeypatch,
        {"/nodes/{node}/network": [vmbr0, *VMBR0_API[1:]]},
    )
    assert got == _shared("10.0.2.11", "vmbr0", "VM legacy-erp net0")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("post-up ip route add 10.0.2.0/24 via 10.0.0.1", id="a-route"),
        pytest.param("post-up ip addr del 10.0.2.21/24 dev vmbr1", id="a-deletion"),
        pytest.param("post-up ip -n ns1 addr add 10.0.2.21/24 dev vmbr1", id="another-namespace"),
    ],
)
def test_r47e_held_commands_adding_no_node_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Held: a command of vmbr1 that gives the node no address in 10.0.2.0/24."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={IFACES: (GATEWAY, f"{GATEWAY}\t{command}\n"), VM200: UNTAGGED_ON_VMBR1},
    )
    assert got == PASS


def test_r47e_held_bridge_pvid_leaves_the_bridge_on_vlan_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: `bridge-pvid 20` under VLAN-aware vmbr0, the migration address on vmbr0, guests
    on tags 20 and 30 only: the node's address stays on VLAN 1 (ifupdown2 sets the ports'
    PVID, not the bridge's), which no guest port carries."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={
            IFACES: (VMBR0_VIDS, f"{VMBR0_VIDS}\tbridge-pvid 20\n\taddress 10.0.2.21/24\n"),
        },
    )
    assert got == PASS


# --- R47E-2: HVA-440 and an uplink whose link is down ----------------------------------------


def _esx_uplinks(
    linked: dict[str, bool] | None, pg_order: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """A host record as collect/vsphere.py's _host_record writes it from real pyVmomi objects:
    vSwitch0 bridging vmnic0 and vmnic1 (vmnic0 active, vmnic1 standby), port group "VM
    Network" on it (its own order `pg_order` where given), and config.network.pnic with each
    NIC's linkSpeed set where `linked` says so (None: config.network.pnic not reported)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    def teaming(active: list[str], standby: list[str]) -> Any:
        return vim.host.NetworkPolicy(
            nicTeaming=vim.host.NetworkPolicy.NicTeamingPolicy(
                nicOrder=vim.host.NetworkPolicy.NicOrderPolicy(activeNic=active, standbyNic=standby)
            )
        )

    sw = vim.host.VirtualSwitch(
        name="vSwitch0",
        spec=vim.host.VirtualSwitch.Specification(
            bridge=vim.host.VirtualSwitch.BondBridge(nicDevice=["vmnic0", "vmnic1"]),
            policy=teaming(["vmnic0"], ["vmnic1"]),
        ),
        pnic=[],
    )
    # computedPolicy without a teaming order: the vSwitch's applies (the collector's
    # _portgroup_order reads None)
    own = teaming(list(pg_order), []) if pg_order is not None else vim.host.NetworkPolicy()
    pg = vim.host.PortGroup(
        spec=vim.host.PortGroup.Specification(
            name="VM Network", vswitchName="vSwitch0", vlanId=0, policy=own
        ),
        computedPolicy=own,
    )
    props: dict[str, Any] = {
        "name": "esx1",
        "config.network.vswitch": [sw],
        "config.network.portgroup": [pg],
    }
    if linked is not None:
        props["config.network.pnic"] = [
            vim.host.PhysicalNic(
                device=dev,
                linkSpeed=vim.host.PhysicalNic.LinkSpeedDuplex(speedMb=10000, duplex=True)
                if up
                else None,
            )
            for dev, up in linked.items()
        ]
    return _host_record(props, {})


@pytest.mark.parametrize(
    ("linked", "pg_order", "expected"),
    [
        pytest.param(
            {"vmnic0": True, "vmnic1": False},
            None,
            (
                "fail",
                "standard switch vSwitch0 fails over to no second uplink with a link: vmnic0 "
                "with a link, vmnic1 with none (linkSpeed not set: the link is down)",
            ),
            id="standby-uplink-without-link",
        ),
        pytest.param(
            {"vmnic0": False, "vmnic1": False},
            None,
            (
                "fail",
                "standard switch vSwitch0 fails over to no second uplink with a link: none "
                "with a link, vmnic0, vmnic1 with none (linkSpeed not set: the link is down)",
            ),
            id="no-uplink-with-link",
        ),
        pytest.param(
            {"vmnic0": False, "vmnic1": True},
            ("vmnic0", "vmnic1"),
            (
                "fail",
                "standard switch vSwitch0: port group VM Network fails over to no second "
                "uplink with a link: vmnic1 with a link, vmnic0 with none (linkSpeed not set: "
                "the link is down)",
            ),
            id="port-group-order-uplink-without-link",
        ),
    ],
)
def test_r47e2_uplink_without_link_is_no_second_path(
    tmp_path: Path,
    linked: dict[str, bool],
    pg_order: tuple[str, ...] | None,
    expected: tuple[str, str],
) -> None:
    """R47E-2 (false pass) HVA-440: vSwitch0's second uplink (or first) has no link
    (HostPhysicalNic.linkSpeed unset); main passed "standard switch vSwitch0 uplinks: vmnic0,
    vmnic1", as it did not read config.network.pnic."""
    from test_redteam11_vmw_probes import _vsphere

    a = _vsphere(tmp_path, _esx_uplinks(linked, pg_order))
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == "HVA-440" and r.outcome.subject.name == "vSwitch0"
    ]
    assert got == expected


@pytest.mark.parametrize(
    ("linked", "expected"),
    [
        pytest.param(
            {"vmnic0": True, "vmnic1": True},
            "standard switch vSwitch0 uplinks: vmnic0, vmnic1",
            id="both-linked",
        ),
        pytest.param(
            None, "standard switch vSwitch0 uplinks: vmnic0, vmnic1", id="pnic-not-reported"
        ),
    ],
)
def test_r47e_held_uplinks_with_link_pass(
    tmp_path: Path, linked: dict[str, bool] | None, expected: str
) -> None:
    """Held: both uplinks with a link pass; with config.network.pnic not reported the verdict
    is the teaming order's, as before (see Leads left)."""
    from test_redteam11_vmw_probes import _vsphere

    record = _esx_uplinks(linked)
    if linked is None:
        # a record of an older collector has no `no_link` key; the current collector's None
        # (config.network.pnic asked for and not reported) is asked (R48E-2)
        del record["switches"][0]["no_link"]
    a = _vsphere(tmp_path, record)
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == "HVA-440" and r.outcome.subject.name == "vSwitch0"
    ]
    assert got == ("pass", expected)


SOURCE_ALL = ("auto lo\n", "source /etc/network/interfaces.d/*\n\nauto lo\n")


def test_r47e_held_an_empty_sourced_directory_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held (round 45's lead): `source /etc/network/interfaces.d/*` over an empty directory of
    the copy matches nothing and nothing is asked; the directory missing from the copy is
    asked (test_redteam45_vendor_probes), as an unread one may hold the address."""
    tree = r40_copy(tmp_path, (), {IFACES: SOURCE_ALL})
    (tree / "etc/network/interfaces.d").mkdir()
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    got = [
        (r["status"], r["message"])
        for r in json.loads(out)["results"]
        if r["check_id"] == "HVA-308" and r["subject"] == {"type": "host", "name": "pve-h1"}
    ]
    assert got == [PASS[:2]]


# --- R47E-3: HVA-440 and a host's distributed switches ---------------------------------------


def _esx_proxy(nics: dict[str, bool]) -> dict[str, Any]:
    """A host record as collect/vsphere.py's _host_record writes it from real pyVmomi objects:
    no standard vSwitch, distributed switch dvs-prod's part on the host (HostProxySwitch) with
    physical NICs `nics`, each with its linkSpeed set where the value says so."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    proxy = vim.host.HostProxySwitch(
        dvsUuid="50 1a 2b 3c",
        dvsName="dvs-prod",
        key="dvs-key",
        numPorts=512,
        numPortsAvailable=500,
        pnic=[f"key-vim.host.PhysicalNic-{n}" for n in nics],
        spec=vim.host.HostProxySwitch.Specification(),
    )
    pnics = [
        vim.host.PhysicalNic(
            device=dev,
            linkSpeed=vim.host.PhysicalNic.LinkSpeedDuplex(speedMb=25000, duplex=True)
            if up
            else None,
        )
        for dev, up in nics.items()
    ]
    props: dict[str, Any] = {
        "name": "esx1",
        "config.network.vswitch": [],
        "config.network.portgroup": [],
        "config.network.pnic": pnics,
        "config.network.proxySwitch": [proxy],
    }
    return _host_record(props, {})


DVS_QUESTION = (
    "Does every port group of distributed switch dvs-prod use two or more of its uplinks on "
    "host esx1 (vmnic2, vmnic3), active or standby? Evidence: each distributed port group's "
    "teaming and failover order (the port group > Configure > Policies, or "
    "config.defaultPortConfig.uplinkTeamingPolicy.uplinkPortOrder) and which vmnic backs each "
    "uplink on the host (Host > Configure > Virtual switches). Pass: yes, two or more, each "
    "with a link; fail: a port group has one uplink active or standby, the others unused."
)


@pytest.mark.parametrize(
    ("nics", "expected"),
    [
        pytest.param(
            {"vmnic2": True},
            ("fail", "distributed switch dvs-prod has one uplink on host esx1 (vmnic2)", None),
            id="one-uplink",
        ),
        pytest.param(
            {"vmnic2": True, "vmnic3": False},
            (
                "fail",
                "distributed switch dvs-prod has no second uplink with a link on host esx1: "
                "vmnic2 with a link, vmnic3 with none (linkSpeed not set: the link is down)",
                None,
            ),
            id="second-uplink-without-link",
        ),
        pytest.param(
            {"vmnic2": True, "vmnic3": True},
            (
                "manual",
                "distributed switch dvs-prod has uplinks vmnic2, vmnic3 on host esx1; which of "
                "them each of its port groups' teaming uses is not in the evidence",
                DVS_QUESTION,
            ),
            id="two-uplinks-asked",
        ),
        pytest.param(
            {},
            (
                "not_applicable",
                "distributed switch dvs-prod has no uplink on host esx1 (internal only)",
                None,
            ),
            id="no-uplink",
        ),
    ],
)
def test_r47e3_distributed_switch_uplinks_on_the_host(
    tmp_path: Path, nics: dict[str, bool], expected: tuple[str, str, str | None]
) -> None:
    """R47E-3 (false n/a) HVA-440: a host whose networks are on distributed switch dvs-prod
    alone; main said "no network on this host to evaluate" whatever its uplinks there (and
    a host with standard switches too had its distributed ones neither judged nor asked)."""
    from test_redteam11_vmw_probes import _vsphere

    a = _vsphere(tmp_path, _esx_proxy(nics))
    got = [
        (r.status.value, r.outcome.subject.name, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id == "HVA-440"
    ]
    assert got == [(expected[0], "dvs-prod", expected[1], expected[2])]
