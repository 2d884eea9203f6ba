"""Red-team round 45 probes: Proxmox VE's migration network where the node's address in it is
not in the evidence (r45-vendor).

Harness: the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened: node pve-h1, vmbr1
10.0.0.21/24 with the gateway and no guest, VLAN-aware vmbr0 with no address and guests on
tags 20 and 30, `migration: secure,network=10.0.2.0/24`) copied and scanned through the real
pve+dir:// collector, parser and engine from the CLI (round 40's `_scan`), datacenter.cfg,
/etc/network/interfaces or a guest's `netN` edited; a copy never holds the node's `ip -j
addr`. The API path: test_proxmox_api's fake PVE API (`seeded`), GET /nodes/{node}/network
answered by the probe (round 44's `_api_hva308`).

Findings:
- R45E-1 (false pass) HVA-308: a `migration: network=` none of whose addresses the evidence
  shows on the node passed "migration type secure on <CIDR>" while the node's address in it
  could be on a guest's segment: a DHCP bridge (`iface vmbr1 inet dhcp`, or inet6 `auto`)
  that a guest's untagged NIC is plugged into, an /etc/network/interfaces not read, or a file
  it sources not read. The node receives a migration on the address `ip address show to CIDR
  up` lists (pve-common src/PVE/Network.pm get_local_ip_from_cidr, from pve-cluster
  src/PVE/Cluster.pm get_local_migration_ip), which R44E-1 fails where a guest shares its
  segment; R44E-1 judged only the addresses written in the file. Now each is asked, naming
  where the address may be (`_unseen_migration_address`); a node whose file is read whole
  with static addresses only passes as before (get_local_migration_ip dies "could not get
  migration ip: no IP address configured on local node", so no migration reaches it).

Held:
- a DHCP vmbr1 whose only guest NIC is tagged (qemu-server moves it to vmbr1v20,
  activate_bridge_vlan): the pass; a DHCP vmbr1 beside a static address in `network=` on
  vmbr0.50: the pass (the address is known and judged by R44E-1).
- the hardened copy (static addresses only, none in 10.0.2.0/24): "migration type secure on
  10.0.2.0/24", as before.
- a copy bundle whose /etc/pve/firewall lacks guest 200's 200.fw (rounds 40-44's lead):
  HVA-191 and HVA-303 fail web-10 "the VM firewall is off" (pve-firewall src/PVE/Firewall.pm
  compile: `next if !$vmfw_conf`), never pass.

Probed by script: none beyond these cases.

Tally: 1 finding (1 false pass); 9 test cases, 5 failed on main before the fix (7971b5bc:
R45E-1 5: pass), 4 held. Older tests whose HVA-308 pass the evidence did not prove (the
proxmox-node copy and the fake API's node hold no address in 10.0.2.0/24 in a file read, and
/etc/network/interfaces.d/* is unread) now expect the ask (f7870f99).

Leads left:
- `_unseen_migration_address` asks for an unread sourced file whatever it holds; the file's
  absence from a copy (a glob matching nothing) is not told apart from an unread one here.
- an address added by `post-up ip addr add` or by an SDN VNet's gateway (`/etc/network/
  interfaces.d/sdn`, read where copied) is not read as the node's: the former is not asked.
- HVA-308 versus the node's management address (round 44's team decision) stands; a
  bridge's own PVID set by `bridge-pvid` is still taken as 1 (ifupdown2's handling of it on
  the bridge itself, versus pve-common's `$tag = 1 if !$tag` for a port, not yet read).
- the ESXi checks HVA-411, 414, 415, 425, 429, 430: read, not probed this round.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_proxmox_api import seeded  # noqa: F401 - seeded: a fixture
from test_redteam40_vendor_probes import DC, HARDENED_MIGRATION
from test_redteam40_vendor_probes import _copy as r40_copy
from test_redteam40_vendor_probes import _scan as r40_scan
from test_redteam44_vendor_probes import _api_hva308

IFACES = "etc/network/interfaces"
VM200 = "etc/pve/qemu-server/200.conf"
VMBR1_STATIC = "iface vmbr1 inet static\n\taddress 10.0.0.21/24\n\tgateway 10.0.0.1\n"
VMBR1_DHCP = "iface vmbr1 inet dhcp\n"
VM200_ON_VMBR1 = ("bridge=vmbr0,firewall=1,tag=20", "bridge=vmbr1,firewall=1")
MIG9 = "migration: secure,network=10.0.9.0/24\n"
PASS = ("pass", "migration type secure on 10.0.2.0/24", None)


def _question(network: str, node: str = "pve-h1") -> str:
    return (
        f"Is node {node}'s address in the migration network {network} (datacenter.cfg "
        "`migration: network=`) on an interface whose segment no guest NIC is plugged into? "
        f"Evidence: `ip address show to {network} up` on node {node} "
        "(the address Proxmox VE receives a migration on) with /etc/network/interfaces, and "
        "each guest's `netN` `bridge=` and `tag=`/`trunks=` (`qm config VMID`, `pct config "
        "CTID`). Pass: yes, the address is on an interface no guest NIC shares (no untagged NIC on "
        "its bridge, none on its VLAN), or the node has no address in it (a migration to it "
        'fails: "could not get migration ip"); fail: a guest NIC is plugged into that '
        "interface's segment."
    )


def _asked(network: str, where: str, node: str = "pve-h1") -> tuple[str, str, str]:
    return (
        "manual",
        f"migration type secure on {network}, and node {node}'s address in it is not in the "
        f"evidence: {where}",
        _question(network, node),
    )


ALL_GUESTS = "VM web-10 net0 on vmbr0, VM api-11 net0 on vmbr0, container dns-01 net0 on vmbr0"


@pytest.mark.parametrize(
    ("edits", "removed", "expected"),
    [
        pytest.param(
            {
                DC: (HARDENED_MIGRATION, MIG9),
                IFACES: (VMBR1_STATIC, VMBR1_DHCP),
                VM200: VM200_ON_VMBR1,
            },
            (),
            _asked(
                "10.0.9.0/24",
                "vmbr1 takes a leased address (`iface vmbr1 inet dhcp`), and VM web-10 net0 is "
                "plugged into it",
            ),
            id="dhcp-bridge-with-an-untagged-guest",
        ),
        pytest.param(
            {
                DC: (HARDENED_MIGRATION, "migration: secure,network=fd00:9::/64\n"),
                IFACES: (VMBR1_STATIC, f"{VMBR1_STATIC}\niface vmbr1 inet6 auto\n"),
                VM200: VM200_ON_VMBR1,
            },
            (),
            _asked(
                "fd00:9::/64",
                "vmbr1 takes a leased address (`iface vmbr1 inet6 auto`), and VM web-10 net0 is "
                "plugged into it",
            ),
            id="slaac-bridge-with-an-untagged-guest",
        ),
        pytest.param(
            {},
            (IFACES,),
            _asked(
                "10.0.2.0/24",
                "/etc/network/interfaces is not in the evidence (/etc/network/interfaces: the "
                f"copied tree has no /etc/network/interfaces), and {ALL_GUESTS} are on the "
                "node's bridges",
            ),
            id="interfaces-not-read",
        ),
        pytest.param(
            {IFACES: ("auto lo\n", "source /etc/network/interfaces.d/migration\n\nauto lo\n")},
            (),
            _asked(
                "10.0.2.0/24",
                "sourced file(s) /etc/network/interfaces.d/migration not read, and "
                f"{ALL_GUESTS} are on the node's bridges",
            ),
            id="sourced-file-not-read",
        ),
    ],
)
def test_r45e1_migration_address_not_in_the_evidence_is_asked(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edits: dict[str, tuple[str, str]],
    removed: tuple[str, ...],
    expected: tuple[str, str, str],
) -> None:
    """R45E-1 (false pass): main passed "migration type secure on <CIDR>" with the node's
    address in it nowhere in the evidence and a guest possibly on its segment."""
    assert r40_scan(tmp_path, capsys, edits=edits, removed=removed) == expected


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param(
            {
                DC: (HARDENED_MIGRATION, MIG9),
                IFACES: (VMBR1_STATIC, VMBR1_DHCP),
                VM200: ("bridge=vmbr0", "bridge=vmbr1"),
            },
            id="dhcp-bridge-with-a-tagged-guest",
        ),
        pytest.param(
            {
                IFACES: (
                    VMBR1_STATIC,
                    f"{VMBR1_DHCP}\nauto vmbr0.50\niface vmbr0.50 inet static\n"
                    "\taddress 10.0.2.21/24\n\n",
                ),
                VM200: VM200_ON_VMBR1,
            },
            id="dhcp-bridge-beside-a-known-migration-address",
        ),
        pytest.param({}, id="hardened-static-addresses-only"),
    ],
)
def test_r45e_held_known_or_unshared_migration_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, tuple[str, str]]
) -> None:
    """Held: no guest on a segment whose address is unknown, or the address is known."""
    got = r40_scan(tmp_path, capsys, edits=edits)
    net = "10.0.9.0/24" if DC in edits else "10.0.2.0/24"
    assert got == ("pass", f"migration type secure on {net}", None)


def test_r45e1_api_dhcp_bridge_of_a_trunk_guest_is_asked(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R45E-1 on the API path: GET /nodes/{node}/network gives VLAN-aware vmbr0 `method: dhcp`,
    guest 101 (`trunks=`, no tag) on its VLAN 1."""
    network = [
        {
            "iface": "vmbr0",
            "type": "bridge",
            "method": "dhcp",
            "families": ["inet"],
            "bridge_ports": "eno1",
            "bridge_vlan_aware": 1,
            "autostart": 1,
        },
        {"iface": "eno1", "type": "eth", "method": "manual", "families": ["inet"]},
    ]
    got = _api_hva308(
        fakepve, seeded, fakepve_cafile, capsys, monkeypatch, {"/nodes/{node}/network": network}
    )
    assert got == _asked(
        "10.0.2.0/24",
        "vmbr0 takes a leased address (`iface vmbr0 inet dhcp`), and VM legacy-erp net0 is "
        "plugged into it; sourced file(s) /etc/network/interfaces.d/* or any other file it "
        "sources not read, and VM web-01 net0 on vmbr0, VM legacy-erp net0 on vmbr0, "
        "VM legacy-erp net1 on vmbr1 are on the node's bridges",
        node="pve1",
    )


def test_r45e_held_guest_without_its_fw_file_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held (rounds 40-44's lead): a copy whose /etc/pve/firewall holds cluster.fw and 201.fw
    but no 200.fw: VM web-10's `firewall=1` NIC is filtered by no VM rule (pve-firewall
    src/PVE/Firewall.pm compile: `next if !$vmfw_conf` for a VM without its <vmid>.fw), so
    HVA-303 fails it, never passes."""
    tree = r40_copy(tmp_path, ("etc/pve/firewall/200.fw",), None)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    got = {
        r["check_id"]: (r["status"], r["message"])
        for r in json.loads(out)["results"]
        if r["check_id"] in ("HVA-191", "HVA-303") and r["subject"]["name"] == "web-10"
    }
    assert got == {
        "HVA-191": ("fail", "BC:24:11:00:00:20: no filter: the VM firewall is off"),
        "HVA-303": ("fail", "BC:24:11:00:00:20: the VM firewall is off"),
    }
