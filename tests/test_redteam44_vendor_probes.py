"""Red-team round 44 probes: Proxmox VE's migration network shared with guests or with the
corosync links' segment (r44-vendor).

Harness: the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened: node pve-h1, vmbr1
10.0.0.21/24 with the gateway and no guest, VLAN-aware vmbr0 with no address and guests on
tags 20 and 30, `migration: secure,network=10.0.2.0/24`) copied and scanned through the real
pve+dir:// collector, parser and engine from the CLI (round 40's `_scan`), datacenter.cfg,
/etc/network/interfaces or a guest's `netN` edited. The API path: test_proxmox_api's fake PVE
API (`seeded`: fakepve on loopback, HTTPS, the files fixture's guests 100 `tag=20` and 101
`trunks=10;20;30` on VLAN-aware vmbr0), GET /nodes/{node}/network or /cluster/config/nodes
answered by the probe, scanned from the CLI (`hvaudit scan --connect pve+api://...`), as
round 43's vendor probes.

Findings:
- R44E-1 (false pass) HVA-308: a `migration: network=` whose node address is on the bridge a
  guest's NIC is plugged into passed "migration type secure on <CIDR>": the node receives a
  migration on its one address in that network (pve-cluster src/PVE/Cluster.pm
  get_local_migration_ip: PVE::Network::get_local_ip_from_cidr), so the interface holding it
  is the node's end of the migration segment, and Rev. 1 HY-SR-13 wants that segment
  dedicated at both ends (HVA-434 fails a VM port group on the vMotion VLAN, R6-6). Cases: a
  VM's or a container's untagged NIC on vmbr1 beside `network=10.0.0.0/24`; a NIC with
  `trunks=` and no `tag=` on VLAN-aware vmbr0 given an address (pve-common
  src/PVE/Network.pm $bridge_add_interface: `$tag = 1 if !$tag`, `pvid untagged`, and the
  bridge's own address sits in VLAN 1: ifupdown2 leaves its default_pvid at 1,
  CumulusNetworks/ifupdown2 issue 243); a NIC with `tag=50` beside the address on vmbr0.50;
  the API path's vmbr0 address beside guest 101's trunk port. Now each such NIC fails,
  named with the node address and interface (`_guests_on_migration`); containers' NICs are
  read into the model for it (Container.nics, pve-container $netconf_desc), and a Proxmox
  VE port's untagged VLAN (Interface.vlan_untagged).

- R44E-2 (false pass) HVA-308: a migration address on the interface of a corosync link,
  a second subnet of the same segment (vmbr1 holding ring0 10.0.1.21 and 10.0.2.21 beside
  `network=10.0.2.0/24`; on the API path vmbr2 holding ring0 10.0.1.11 and fd00:2::11
  beside `network=fd00:2::/64`), passed "migration type secure on <CIDR>": R40E-2 compares
  the link addresses with the network's prefix alone, but migration then crosses the segment
  "in which cluster communication takes place" (pve-docs pvecm.adoc, "Migration Network"),
  whatever its prefix. Now such an interface fails, naming the address and the link
  (`_links_beside_migration`); a VLAN interface (vmbr1.50) is a segment of its own.
- R44E-3 (false pass) HVA-308 (R44E-1's class): the node address on a VLAN interface named
  other than DEVICE.N (`iface vlan50` or `iface migr` with `vlan-id 50`, both with
  `vlan-raw-device vmbr0`; ifupdown2 addons/vlan.py _get_vlan_id, vlan-interfaces(5)) beside
  VM web-10 on tag 50 passed: R44E-1 read the VLAN from the name's `.N` alone. Now the
  stanza's raw device and id are read (`_vlan_of`).

Held:
- R44E-3: `iface vlan50` on vmbr0 beside the guests on tags 20 and 30: the pass.
- R44E-2: the migration address on vmbr1.50 with ring0 on vmbr1: the pass.
- R44E-1: the hardened copy with an address on vmbr0 and the guests on tags 20 and 30, or on
  vmbr0.50 beside the same guests: "migration type secure on 10.0.2.0/24", as before; a
  tagged NIC (`tag=20`) on VLAN-unaware vmbr1 (qemu-server moves it to a bridge of its own,
  activate_bridge_vlan): the pass, as before.
- R43E-2 on the API path (round 43's lead): GET /cluster/config/nodes with ring0_addr host
  names (pve1-link, pve2-link) is asked as the files path asks, never passed.
- corosync.conf(5) (corosync man/corosync.conf.5, nodelist, read with `fetch`): "ringX_addr
  This specifies IP or network hostname address of the particular node. X is a link number",
  as HVA-308's docstrings quote it (round 43's lead).

Probed by script: none beyond these cases.

Tally: 3 findings (3 false passes); 16 test cases, 9 failed on main before the fixes
(5529dad5: R44E-1 5: pass; 135c0ca7: R44E-2 2: pass; R44E-3 2: pass), 7 held.

Leads left:
- HVA-308 passes where the node's interfaces were not read or hold no address in `network=`
  (a migration to the node then fails: "could not get migration ip"); where the address is on
  an SDN VNet or an Open vSwitch bridge, guests on it are not judged; a bridge's own PVID set
  by `bridge-pvid` is taken as 1.
- HVA-308 versus the node's management address (the gateway's interface without guests, the
  API or SSH target): whether a migration network that is also the management network fails
  HY-SR-13 is a team decision (HVA-434 fails the management vmknic's VLAN; HVA-036 does not
  compare libvirt's migration_address with it).
- a copy bundle whose listed /etc/pve/firewall lacks a guest's <vmid>.fw (rounds 40-43's
  lead, not probed).
- the API's GET .../firewall/rules reports each rule's `errors` (pve-firewall
  copy_list_with_digest keeps them), which render_firewall drops: hvaudit re-derives them,
  and pve_verify_iface (`-i` names) is not among the checks it repeats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_proxmox_api import SECRET, TOKEN, seeded  # noqa: F401 - seeded: a fixture
from test_proxmox_api import scan as api_scan
from test_redteam40_vendor_probes import DC, HARDENED_MIGRATION
from test_redteam40_vendor_probes import _scan as r40_scan

IFACES = "etc/network/interfaces"
VM200 = "etc/pve/qemu-server/200.conf"
VM201 = "etc/pve/qemu-server/201.conf"
CT300 = "etc/pve/lxc/300.conf"
ON_VMBR1 = "migration: secure,network=10.0.0.0/24\n"
VMBR0_MANUAL = "iface vmbr0 inet manual\n"
VMBR0_ADDRESSED = "iface vmbr0 inet static\n\taddress 10.0.2.21/24\n"
VMBR1 = "auto vmbr1\n"
VLAN50 = "auto vmbr0.50\niface vmbr0.50 inet static\n\taddress 10.0.2.21/24\n\nauto vmbr1\n"
SHARED = "migration network {net} is shared with guests: node address {addr} on {iface}, which "
PASS = ("pass", "migration type secure on 10.0.2.0/24", None)


def _fail(net: str, addr: str, iface: str, nics: str, verb: str = "is") -> tuple[str, str, None]:
    return (
        "fail",
        SHARED.format(net=net, addr=addr, iface=iface) + f"{nics} {verb} plugged into",
        None,
    )


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            {
                DC: (HARDENED_MIGRATION, ON_VMBR1),
                VM200: ("bridge=vmbr0,firewall=1,tag=20", "bridge=vmbr1,firewall=1"),
            },
            _fail("10.0.0.0/24", "10.0.0.21", "vmbr1", "VM web-10 net0"),
            id="vm-untagged-on-the-gateway-bridge",
        ),
        pytest.param(
            {
                DC: (HARDENED_MIGRATION, ON_VMBR1),
                CT300: (
                    "bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:03:00,ip=192.0.2.53/24,tag=20,",
                    "bridge=vmbr1,firewall=1,hwaddr=BC:24:11:00:03:00,ip=192.0.2.53/24,",
                ),
            },
            _fail("10.0.0.0/24", "10.0.0.21", "vmbr1", "container dns-01 net0"),
            id="container-untagged-on-the-gateway-bridge",
        ),
        pytest.param(
            {IFACES: (VMBR0_MANUAL, VMBR0_ADDRESSED), VM201: ("tag=30", "trunks=30")},
            _fail("10.0.2.0/24", "10.0.2.21", "vmbr0", "VM api-11 net0"),
            id="trunk-port-without-tag-on-vlan-1",
        ),
        pytest.param(
            {IFACES: (VMBR1, VLAN50), VM200: ("tag=20", "tag=50"), VM201: ("tag=30", "trunks=50")},
            _fail("10.0.2.0/24", "10.0.2.21", "vmbr0.50", "VM web-10 net0, VM api-11 net0", "are"),
            id="tag-on-the-address-vlan",
        ),
    ],
)
def test_r44e1_migration_network_on_a_guest_bridge_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edits: dict[str, tuple[str, str]],
    expected: tuple[str, str, None],
) -> None:
    """R44E-1 (false pass): main passed "migration type secure on <CIDR>" with a guest's NIC on
    the node's end of the migration segment."""
    assert r40_scan(tmp_path, capsys, edits=edits) == expected


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param({IFACES: (VMBR0_MANUAL, VMBR0_ADDRESSED)}, id="tagged-guests-beside-vmbr0"),
        pytest.param({IFACES: (VMBR1, VLAN50)}, id="tagged-guests-beside-vmbr0.50"),
    ],
)
def test_r44e_held_tagged_guests_beside_the_migration_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, tuple[str, str]]
) -> None:
    """Held: the guests on tags 20 and 30 are off the node's migration segment."""
    assert r40_scan(tmp_path, capsys, edits=edits) == PASS


def test_r44e_held_tagged_nic_on_a_vlan_unaware_bridge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a tagged NIC on VLAN-unaware vmbr1 is moved to vmbr1v20 (pve-common
    activate_bridge_vlan), off vmbr1's own segment."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={DC: (HARDENED_MIGRATION, ON_VMBR1), VM200: ("bridge=vmbr0", "bridge=vmbr1")},
    )
    assert got == ("pass", "migration type secure on 10.0.0.0/24", None)


# --- the API path ----------------------------------------------------------------------------


def _api_hva308(
    fakepve: Any,
    target: str,
    cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, object],
) -> tuple[str, str, str | None]:
    """HVA-308 of pve1 where each GET template of `answers` is answered by its value."""
    stateful = fakepve.answer

    async def answer(request: Any, match: Any, params: Any, user: Any, call: Any = None) -> Any:
        if request.method == "GET" and match is not None and match.template in answers:
            return answers[match.template]
        return await stateful(request, match, params, user, call)

    fakepve.answer = answer
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = api_scan(target, capsys, "--ca-file", cafile)
    ((got,),) = [
        [
            (r["status"], r["message"], r.get("question"))
            for r in report["results"]
            if r["check_id"] == "HVA-308" and r["subject"]["name"] == "pve1"
        ]
    ]
    return got


VMBR0_API = [
    {
        "iface": "vmbr0",
        "type": "bridge",
        "method": "static",
        "families": ["inet"],
        "cidr": "10.0.2.11/24",
        "bridge_ports": "eno1",
        "bridge_vlan_aware": 1,
        "autostart": 1,
    },
    {"iface": "eno1", "type": "eth", "method": "manual", "families": ["inet"]},
]


def test_r44e1_api_trunk_guest_on_the_migration_bridge_fails(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R44E-1 (false pass) on the API path: guest 101 (`trunks=10;20;30`, no tag) is on
    vmbr0's VLAN 1 beside the node's migration address 10.0.2.11."""
    got = _api_hva308(
        fakepve,
        seeded,
        fakepve_cafile,
        capsys,
        monkeypatch,
        {"/nodes/{node}/network": VMBR0_API},
    )
    assert got == _fail("10.0.2.0/24", "10.0.2.11", "vmbr0", "VM legacy-erp net0")


def test_r44e_held_api_named_corosync_links_are_asked(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Held (R43E-2 on the API path): ring0_addr host names from GET /cluster/config/nodes."""
    nodes = [
        {"node": n, "name": n, "nodeid": str(i), "quorum_votes": "1", "ring0_addr": f"{n}-link"}
        for i, n in ((1, "pve1"), (2, "pve2"))
    ]
    got = _api_hva308(
        fakepve,
        seeded,
        fakepve_cafile,
        capsys,
        monkeypatch,
        {"/cluster/config/nodes": nodes},
    )
    named = "pve1-link (pve1 ring0_addr), pve2-link (pve2 ring0_addr)"
    # R45E-1 joins the ask of the node's address in 10.0.2.0/24, in no file the API answers
    assert got[:2] == (
        "manual",
        "migration type secure on 10.0.2.0/24, and corosync link address(es) "
        f"{named} are host names whose addresses are not known; "
        "migration type secure on 10.0.2.0/24, and node pve1's address in it is not in the "
        "evidence: sourced file(s) /etc/network/interfaces.d/* or any other file it sources not "
        "read, and VM web-01 net0 on vmbr0, VM legacy-erp net0 on vmbr0, VM legacy-erp net1 on "
        "vmbr1 are on the node's bridges",
    )
    assert got[2] is not None and got[2].startswith(
        "Does the migration network 10.0.2.0/24 (datacenter.cfg `migration: network=`) hold "
        f"none of the addresses of the corosync links given as host names ({named})"
    )
    assert "`getent ahosts NAME` as root, as corosync resolves it" in got[2]


# --- R44E-2: a migration address beside a corosync link on one interface ---------------------

VMBR1_ADDRESS = "\taddress 10.0.0.21/24\n"
VMBR1_TAIL = "\tgateway 10.0.0.1\n\tbridge-ports eno3\n\tbridge-stp off\n\tbridge-fd 0\n"


def test_r44e2_migration_address_beside_a_corosync_link_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R44E-2 (false pass): main passed "migration type secure on 10.0.2.0/24" with vmbr1
    holding ring0 10.0.1.21 and the migration address 10.0.2.21."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={
            IFACES: (
                VMBR1_ADDRESS,
                f"{VMBR1_ADDRESS}\taddress 10.0.1.21/24\n\taddress 10.0.2.21/24\n",
            )
        },
    )
    assert got == (
        "fail",
        "migration network 10.0.2.0/24 shares the cluster communication segment: node address "
        "10.0.2.21 on vmbr1, which holds corosync link address 10.0.1.21 (pve-h1 ring0_addr)",
        None,
    )


def test_r44e_held_migration_address_on_a_vlan_of_the_link_bridge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: the migration address on vmbr1.50, ring0 on vmbr1: segments of their own."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={
            IFACES: (
                VMBR1_TAIL,
                f"\taddress 10.0.1.21/24\n{VMBR1_TAIL}\n"
                "auto vmbr1.50\niface vmbr1.50 inet static\n\taddress 10.0.2.21/24\n",
            )
        },
    )
    assert got == PASS


def test_r44e2_api_ipv6_migration_address_beside_the_ring0_link_fails(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R44E-2 (false pass) on the API path: vmbr2 (no guest on it) holds ring0 10.0.1.11 and
    fd00:2::11 in the migration network fd00:2::/64."""
    got = _api_hva308(
        fakepve,
        seeded,
        fakepve_cafile,
        capsys,
        monkeypatch,
        {
            "/nodes/{node}/network": [
                {
                    "iface": "vmbr2",
                    "type": "bridge",
                    "method": "static",
                    "method6": "static",
                    "families": ["inet", "inet6"],
                    "cidr": "10.0.1.11/24",
                    "cidr6": "fd00:2::11/64",
                    "bridge_ports": "eno3",
                    "autostart": 1,
                }
            ],
            "/cluster/options": {
                "keyboard": "en-us",
                "migration": {"type": "secure", "network": "fd00:2::/64"},
            },
        },
    )
    assert got == (
        "fail",
        "migration network fd00:2::/64 shares the cluster communication segment: node address "
        "fd00:2::11 on vmbr2, which holds corosync link address 10.0.1.11 (pve1 ring0_addr)",
        None,
    )


# --- R44E-3: the migration address on a VLAN interface named by vlan-raw-device --------------


@pytest.mark.parametrize(
    ("stanza", "iface"),
    [
        pytest.param("auto vlan50\niface vlan50 inet static\n", "vlan50", id="vlanN-name"),
        pytest.param(
            "auto migr\niface migr inet static\n\tvlan-id 50\n", "migr", id="vlan-id-attribute"
        ),
    ],
)
def test_r44e3_guest_on_the_vlan_of_a_raw_device_interface_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stanza: str, iface: str
) -> None:
    """R44E-3 (false pass): main passed "migration type secure on 10.0.2.0/24" with the node
    address on a VLAN interface of vmbr0 given by `vlan-raw-device`, and VM web-10 on tag 50."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={
            IFACES: (
                VMBR1,
                f"{stanza}\taddress 10.0.2.21/24\n\tvlan-raw-device vmbr0\n\n{VMBR1}",
            ),
            VM200: ("tag=20", "tag=50"),
        },
    )
    assert got == _fail("10.0.2.0/24", "10.0.2.21", iface, "VM web-10 net0")


def test_r44e_held_raw_device_vlan_beside_other_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: vlan50 on vmbr0 beside the guests on tags 20 and 30."""
    got = r40_scan(
        tmp_path,
        capsys,
        edits={
            IFACES: (
                VMBR1,
                "auto vlan50\niface vlan50 inet static\n\taddress 10.0.2.21/24\n"
                f"\tvlan-raw-device vmbr0\n\n{VMBR1}",
            )
        },
    )
    assert got == PASS
