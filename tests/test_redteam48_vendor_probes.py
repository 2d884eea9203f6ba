"""Red-team round 48 probes: ESXi TPM attestation versus the host's last boot, uplink link
state not reported, and a Proxmox VE node's migration address on a VLAN of a guest bridge's
port (r48-vendor).

Harness: Proxmox VE: test_proxmox_api's fake PVE API (`seeded`), GET /nodes/{node}/network
answered by the probe (round 44's `_api_hva308`); the hardened tree (tests/fixtures/proxmox-hardened: node pve-h1, VLAN-aware
vmbr0 on bond0 with VM web-10 on tag 20 and VM api-11 on tag 30, `migration:
secure,network=10.0.2.0/24`) copied with a stanza added to /etc/network/interfaces and scanned
through the real pve+dir:// collector, parser and engine from the CLI (round 40's `_scan`).
vSphere: host records as collect/vsphere.py's _host_record (and its attestation reader) writes
them from real pyVmomi objects, assessed through the bundle parser and engine (round 11's
`_vsphere`); a record of an older collector is the same record with the new key removed.

Findings:
- R48E-1 (false pass) HVA-429: vCenter's "accepted" summary.tpmAttestation from before the
  host's last boot passed "TPM 2.0; attestation accepted at ...": HostTpmAttestationInfo.time
  is the "Time of TPM attestation" and HostRuntimeInfo.bootTime "The time when the host was
  booted" (vSphere Web Services API vim.host.RuntimeInfo; pyVmomi _typeinfo_vim "bootTime",
  "vmodl.DateTime", F_OPTIONAL), and no API reference found says vCenter attests every boot,
  so such an attestation measured another boot. Now the collector reads runtime.bootTime
  (`boot_time`), and HVA-429 asks one question naming both times where the attestation is
  older than the boot, or where bootTime was asked for and not reported (or a time does not
  read); a record of an older collector (no `boot_time` key) is read as before (team
  decision of round 47).
- R48E-2 (false pass) HVA-440: a standard vSwitch whose two uplinks are in its teaming order
  passed "standard switch vSwitch0 uplinks: vmnic0, vmnic1" where the collector asked for
  config.network.pnic and it was not reported (`no_link` None): an uplink without link is no
  path (HostPhysicalNic.linkSpeed: "If this object is not set, then the link is down",
  pyVmomi docs vim/host/PhysicalNic.rst), and here no link was read at all. Now such a team
  is asked (one question naming each teaming order's uplinks, a port group's own order
  included); a record of an older collector (no `no_link` key) is judged on the teaming order
  alone (team decision of round 47).
- R48E-3 (false pass) HVA-308: the node's migration address on vmbr2 with `bridge-ports
  bond0.30`, or on bond0.30 itself (or `vlan-raw-device bond0`, `vlan-id 30`), beside
  VLAN-aware vmbr0 on bond0 carrying VM api-11 with tag=30 passed "migration type secure on
  10.0.2.0/24": `_nics_on` looked at the address's own bridge or BRIDGE.N only. A VLAN device
  DEVICE.N sends its frames out DEVICE tagged N (ifupdown2 addons/vlan.py, `vlan-raw-device`
  and `vlan-id`), as VLAN-aware vmbr0 sends a guest's tag=N frames out its port DEVICE
  (pve-common src/PVE/Network.pm $bridge_add_interface): one external VLAN. Now
  `_nics_through_vlan` finds the guests of every other bridge with DEVICE as a port (or
  DEVICE itself where it is a bridge) on VLAN N by the BRIDGE.N rule, and HVA-308 fails
  ("..., whose port bond0.30 is VLAN 30 of bond0, which VM api-11 net0 reaches through
  vmbr0").
- R48E-4 (false pass) HVA-308: the migration address on a device a stanza's command creates
  on a guest's bridge (`post-up ip link add link vmbr1 name mig type macvlan && ip addr add
  10.0.2.21/24 dev mig`, `type ipvlan` on `$IFACE`), VM web-10 on vmbr1 untagged, or `type
  vlan id 30` on vmbr0's port bond0 with VM api-11 on tag 30, passed: `_nics_on` looked for
  guests on a bridge named mig. iproute2 ip-link(8): `ip link add [link DEVICE] [name] NAME
  type TYPE`, "link DEVICE specifies the physical device to act operate on"; a macvlan,
  macvtap, ipvlan or ipvtap sits on DEVICE's segment, a vlan on its VLAN `id`. Now
  `NetworkInterfaces.command_links` reads them and `_nics_through_vlan` counts the guests of
  DEVICE's segment ("..., a macvlan of vmbr1, which VM web-10 net0 reaches through vmbr1").
- R48E-5 (false pass) HVA-308: `iface bond0.30 inet dhcp` beside vmbr0 on bond0 with VM
  api-11 on tag 30, no node address read in the migration network, passed, where `iface
  vmbr0.30 inet dhcp` was asked (R45E-1): the leased-address rule used `_nics_on` only. Now it
  counts `_nics_through_vlan` too and asks ("bond0.30 takes a leased address (...), VLAN 30
  of bond0, and VM api-11 net0 reaches it through vmbr0").
- R48E-6 (false pass) HVA-308 on the API path: a custom-named VLAN interface (`mig`,
  vlan-raw-device eno1, vlan-id 30) holding the migration address beside VLAN-aware vmbr0 on
  eno1 with VM legacy-erp (`trunks=10;20;30`) passed: render_interfaces dropped the API's
  `vlan-id` (pve-common PVE/Network/Interfaces.pm __read_etc_network_interfaces keeps it
  beside `vlan-raw-device`), so the interface read as no VLAN. Now it is written back.

Held:
- HVA-429: an attestation accepted after the boot passes, naming both times; a record without
  `boot_time` (an older collector) passes on the attestation as before.
- HVA-440: a switch record without `no_link` (an older collector) passes on its teaming order.
- HVA-308: the migration address on vmbr2 over bond0.40, a VLAN no guest is on: the pass; on
  a macvlan of vmbr1 with no guest on vmbr1: the pass.

Probed by script: none beyond these cases.

Tally: 6 findings (6 false pass); 18 test cases, 13 failed on main before the fixes (R48E-1:
3 pass; R48E-2: 2 pass; R48E-3: 3 pass; R48E-4: 3 pass; R48E-5: 1 pass; R48E-6: 1 pass),
5 held.

Leads left:
- the API path keeps one address per stanza (pve-common __read_etc_network_interfaces,
  `$d->{$id} = $value`): a second `address` line beside a found one is lost and not asked;
  no field of GET /nodes/{node}/network shows it (team decision: ask on every API scan, or
  accept).
- HVA-440: a switch uplink absent from a reported config.network.pnic is counted as linked;
  distributed port groups' teaming (uplinkTeamingPolicy.uplinkPortOrder) is still not
  collected, so two distributed uplinks are asked, never passed.
- HVA-429: an attestation time or boot time without a zone is asked (not ordered); vCenter's
  own re-attestation cadence is in no API reference found.
- `_nics_through_vlan` follows one level: a VLAN of a bond that is itself the slave of another
  bond, a QinQ (802.1ad) device, or a VLAN device on a bridge port other than its raw device
  (eno1.30 where vmbr0's port is bond0 over eno1) are not followed; a command that creates a
  device through a script or a variable other than $IFACE/$LOGICAL is not read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from test_proxmox_api import seeded  # noqa: F401 - seeded: a fixture
from test_redteam11_vmw_probes import _vsphere
from test_redteam40_vendor_probes import _scan as r40_scan
from test_redteam44_vendor_probes import _api_hva308

UTC = dt.UTC


def _verdict(a: Any, check: str, subject: str = "esx1") -> tuple[str, str, str | None]:
    (got,) = [
        (r.status.value, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    ]
    return got


# --- R48E-1: HVA-429, an accepted attestation from before the last boot ----------------------


def _esx_attested(attested: dt.datetime, booted: dt.datetime | None) -> dict[str, Any]:
    """A host record as collect/vsphere.py writes it from real pyVmomi objects: TPM 2.0, vCenter's
    summary.tpmAttestation accepted at `attested`, runtime.bootTime `booted` (None: not
    reported)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _attestation, _host_record

    props: dict[str, Any] = {
        "name": "esx1",
        "capability": vim.host.Capability(tpmSupported=True, tpmVersion="2.0"),
    }
    if booted is not None:
        props["runtime.bootTime"] = booted
    record = _host_record(props, {})
    record["tpm_attestation"] = _attestation(
        vim.host.TpmAttestationInfo(time=attested, status="accepted")
    )
    return record


BOOT = dt.datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


def _asked(message: str, at: str, boot: str) -> tuple[str, str, str]:
    return (
        "manual",
        message,
        f"Does vCenter's accepted TPM attestation of host esx1 (accepted at {at}) cover the "
        f"host's current boot (booted: {boot})? Evidence: vCenter, Host > Monitor > Security "
        "(the attestation's status and time), and the host's boot time (HostSystem "
        "runtime.bootTime, or its uptime on Host > Summary). Pass: an attestation accepted "
        "after the current boot; fail: none accepted since that boot, or not accepted.",
    )


@pytest.mark.parametrize(
    ("attested", "booted", "expected"),
    [
        pytest.param(
            dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
            BOOT,
            _asked(
                "TPM attestation accepted at 2026-11-30 08:00:00+00:00, before the host's last "
                "boot at 2026-12-05T06:00:00+00:00",
                "2026-11-30 08:00:00+00:00",
                "2026-12-05T06:00:00+00:00",
            ),
            id="attested-before-boot",
        ),
        pytest.param(
            dt.datetime(2026, 12, 5, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            BOOT,
            _asked(
                "TPM attestation accepted at 2026-12-05 06:30:00+01:00, before the host's last "
                "boot at 2026-12-05T06:00:00+00:00",
                "2026-12-05 06:30:00+01:00",
                "2026-12-05T06:00:00+00:00",
            ),
            id="attested-before-boot-other-zone",
        ),
        pytest.param(
            dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
            None,
            _asked(
                "TPM attestation accepted at 2026-11-30 08:00:00+00:00; the host's last boot: "
                "not reported (runtime.bootTime); whether the attestation is of the running "
                "boot is not known",
                "2026-11-30 08:00:00+00:00",
                "not reported (runtime.bootTime)",
            ),
            id="boot-time-not-reported",
        ),
    ],
)
def test_r48e1_attestation_before_the_last_boot_is_asked(
    tmp_path: Path,
    attested: dt.datetime,
    booted: dt.datetime | None,
    expected: tuple[str, str, str],
) -> None:
    """R48E-1 (false pass) HVA-429: main passed "TPM 2.0; attestation accepted at ..." for an
    attestation older than the host's boot, or with the boot time not reported."""
    a = _vsphere(tmp_path, _esx_attested(attested, booted))
    assert _verdict(a, "HVA-429") == expected


def test_r48e_held_attested_after_the_boot_passes(tmp_path: Path) -> None:
    """Held: an attestation accepted after the boot (at it, too) passes, naming both times."""
    a = _vsphere(tmp_path / "after", _esx_attested(BOOT + dt.timedelta(minutes=4), BOOT))
    assert _verdict(a, "HVA-429") == (
        "pass",
        "TPM 2.0; attestation accepted at 2026-12-05 06:04:00+00:00, after the host's last "
        "boot at 2026-12-05T06:00:00+00:00",
        None,
    )


def test_r48e_held_older_collector_keeps_its_reading(tmp_path: Path) -> None:
    """Held (the team's rule for older bundles): a record without `boot_time` is read as
    before, the attestation's time against nothing."""
    record = _esx_attested(dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC), BOOT)
    del record["boot_time"]
    a = _vsphere(tmp_path, record)
    assert _verdict(a, "HVA-429") == (
        "pass",
        "TPM 2.0; attestation accepted at 2026-11-30 08:00:00+00:00",
        None,
    )


# --- R48E-2: HVA-440, uplinks whose link state was asked for and not reported ----------------


def _link_q(orders: str) -> str:
    return (
        "Do two or more uplinks of each teaming order of standard switch vSwitch0 on host esx1 "
        f"({orders}) have a link? Evidence: each physical adapter's link on the host (Host > "
        "Configure > Physical adapters, its actual speed, or `esxcfg-nics -l`; "
        "HostPhysicalNic.linkSpeed, not set where the link is down). Pass: yes, two or more of "
        "each order with a link; fail: an order with one or none with a link."
    )


@pytest.mark.parametrize(
    ("pg_order", "expected"),
    [
        pytest.param(
            None,
            (
                "manual",
                "standard switch vSwitch0 uplinks: vmnic0, vmnic1; their link state is not in "
                "the evidence (config.network.pnic not reported)",
                _link_q("vmnic0, vmnic1"),
            ),
            id="switch-order",
        ),
        pytest.param(
            ("vmnic1", "vmnic0"),
            (
                "manual",
                "standard switch vSwitch0 uplinks: vmnic0, vmnic1; port group VM Network: "
                "vmnic0, vmnic1; their link state is not in the evidence (config.network.pnic "
                "not reported)",
                _link_q("vmnic0, vmnic1; port group VM Network: vmnic1, vmnic0"),
            ),
            id="port-group-order",
        ),
    ],
)
def test_r48e2_link_state_not_reported_is_asked(
    tmp_path: Path, pg_order: tuple[str, ...] | None, expected: tuple[str, str, str]
) -> None:
    """R48E-2 (false pass) HVA-440: the collector asked for config.network.pnic and it was not
    reported (`no_link` None): main passed "standard switch vSwitch0 uplinks: vmnic0, vmnic1"
    on the teaming order, whatever the links."""
    from test_redteam47_vendor_probes import _esx_uplinks

    record = _esx_uplinks(None, pg_order)
    assert record["switches"][0]["no_link"] is None
    a = _vsphere(tmp_path, record)
    assert _verdict(a, "HVA-440", "vSwitch0") == expected


def test_r48e_held_older_collector_judges_the_teaming(tmp_path: Path) -> None:
    """Held (the team's rule for older bundles): a switch record without `no_link` (a collector
    before round 47) is judged on its teaming order alone."""
    from test_redteam47_vendor_probes import _esx_uplinks

    record = _esx_uplinks(None)
    del record["switches"][0]["no_link"]
    a = _vsphere(tmp_path, record)
    assert _verdict(a, "HVA-440", "vSwitch0") == (
        "pass",
        "standard switch vSwitch0 uplinks: vmnic0, vmnic1",
        None,
    )


# --- R48E-3: HVA-308, the migration address on a VLAN of a guest bridge's port ---------------

IFACES = "etc/network/interfaces"


def _stanza(text: str) -> dict[str, tuple[str, str]]:
    """/etc/network/interfaces of the hardened tree with `text` before vmbr1's stanza."""
    return {IFACES: ("\nauto vmbr1", f"\n{text}\nauto vmbr1")}


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
            "auto vmbr2\niface vmbr2 inet static\n\taddress 10.0.2.21/24\n"
            "\tbridge-ports bond0.30\n\tbridge-stp off\n\tbridge-fd 0\n",
            _through("vmbr2", "whose port bond0.30 is VLAN 30 of bond0"),
            id="bridge-port-bond0.30",
        ),
        pytest.param(
            "auto bond0.30\niface bond0.30 inet static\n\taddress 10.0.2.21/24\n",
            _through("bond0.30", "VLAN 30 of bond0"),
            id="address-on-bond0.30",
        ),
        pytest.param(
            "auto mig\niface mig inet static\n\taddress 10.0.2.21/24\n"
            "\tvlan-raw-device bond0\n\tvlan-id 30\n",
            _through("mig", "VLAN 30 of bond0"),
            id="vlan-raw-device-bond0",
        ),
    ],
)
def test_r48e3_migration_address_on_a_vlan_of_a_guest_bridge_port_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stanza: str, expected: tuple[str, str, None]
) -> None:
    """R48E-3 (false pass) HVA-308: the node's migration address on VLAN 30 of bond0 (a
    bridge's port bond0.30, or the VLAN device itself), beside VLAN-aware vmbr0 on bond0 with
    VM api-11 on tag 30: main passed "migration type secure on 10.0.2.0/24"."""
    assert r40_scan(tmp_path, capsys, edits=_stanza(stanza)) == expected


def test_r48e_held_a_vlan_no_guest_is_on_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: the migration address on vmbr2 over bond0.40, a VLAN no guest is on: the pass."""
    stanza = (
        "auto vmbr2\niface vmbr2 inet static\n\taddress 10.0.2.21/24\n"
        "\tbridge-ports bond0.40\n\tbridge-stp off\n\tbridge-fd 0\n"
    )
    assert r40_scan(tmp_path, capsys, edits=_stanza(stanza)) == (
        "pass",
        "migration type secure on 10.0.2.0/24",
        None,
    )


# --- R48E-4: HVA-308, the migration address on a device a command creates on a guest bridge --

GATEWAY = "\tgateway 10.0.0.1\n"


def _made(command: str) -> dict[str, tuple[str, str]]:
    """vmbr1's stanza (the bridge VM web-10 is plugged into untagged, once guest 200's net0 is
    moved there) with `post-up COMMAND`."""
    return {
        IFACES: (GATEWAY, f"{GATEWAY}\tpost-up {command}\n"),
        "etc/pve/qemu-server/200.conf": (
            "bridge=vmbr0,firewall=1,tag=20",
            "bridge=vmbr1,firewall=1",
        ),
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param(
            "ip link add link vmbr1 name mig type macvlan mode bridge && ip link set mig up "
            "&& ip addr add 10.0.2.21/24 dev mig",
            (
                "fail",
                "migration network 10.0.2.0/24 is shared with guests: node address 10.0.2.21 "
                "on mig, a macvlan of vmbr1, which VM web-10 net0 reaches through vmbr1",
                None,
            ),
            id="macvlan-on-vmbr1",
        ),
        pytest.param(
            "/sbin/ip link add link $IFACE mig type ipvlan mode l2; ip a a 10.0.2.21/24 dev mig",
            (
                "fail",
                "migration network 10.0.2.0/24 is shared with guests: node address 10.0.2.21 "
                "on mig, an ipvlan of vmbr1, which VM web-10 net0 reaches through vmbr1",
                None,
            ),
            id="ipvlan-on-IFACE",
        ),
    ],
)
def test_r48e4_migration_address_on_a_device_made_on_a_guest_bridge_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    expected: tuple[str, str, None],
) -> None:
    """R48E-4 (false pass) HVA-308: vmbr1's `post-up` creates macvlan (or ipvlan) `mig` on
    vmbr1 and adds the migration address to it; VM web-10 is on vmbr1 untagged: main passed
    "migration type secure on 10.0.2.0/24" (`_nics_on` looked at a bridge named mig)."""
    assert r40_scan(tmp_path, capsys, edits=_made(command)) == expected


def test_r48e4_vlan_device_made_on_a_guest_bridge_port(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R48E-4: `ip link add link bond0 name mig type vlan id 30` (VLAN 30 of vmbr0's port
    bond0, VM api-11 on tag 30) holding the migration address: main passed."""
    command = "ip link add link bond0 name mig type vlan id 30; ip addr add 10.0.2.21/24 dev mig"
    assert r40_scan(
        tmp_path, capsys, edits={IFACES: (GATEWAY, f"{GATEWAY}\tpost-up {command}\n")}
    ) == _through("mig", "a vlan of bond0 on VLAN 30")


def test_r48e_held_macvlan_on_a_bridge_no_guest_is_on_untagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: the same macvlan on vmbr1 with no guest on vmbr1 (the hardened tree's guests are
    on vmbr0, tags 20 and 30): the pass."""
    command = "ip link add link vmbr1 name mig type macvlan; ip addr add 10.0.2.21/24 dev mig"
    assert r40_scan(
        tmp_path, capsys, edits={IFACES: (GATEWAY, f"{GATEWAY}\tpost-up {command}\n")}
    ) == ("pass", "migration type secure on 10.0.2.0/24", None)


# --- R48E-5: HVA-308, a leased address on a VLAN of a guest bridge's port --------------------


def test_r48e5_leased_address_on_a_vlan_of_a_guest_bridge_port_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R48E-5 (false pass) HVA-308: `iface bond0.30 inet dhcp` (VLAN 30 of vmbr0's port bond0,
    VM api-11 on tag 30), no address of the node read in 10.0.2.0/24: main passed "migration
    type secure on 10.0.2.0/24", where `iface vmbr0.30 inet dhcp` is asked."""
    got = r40_scan(tmp_path, capsys, edits=_stanza("auto bond0.30\niface bond0.30 inet dhcp\n"))
    assert got[:2] == (
        "manual",
        "migration type secure on 10.0.2.0/24, and node pve-h1's address in it is not in the "
        "evidence: bond0.30 takes a leased address (`iface bond0.30 inet dhcp`), VLAN 30 of "
        "bond0, and VM api-11 net0 reaches it through vmbr0",
    )
    assert got[2] is not None
    assert got[2].startswith(
        "Is node pve-h1's address in the migration network 10.0.2.0/24 (datacenter.cfg "
        "`migration: network=`) on an interface whose segment no guest NIC is plugged into?"
    )


# --- R48E-6: HVA-308 on the API path, a custom-named VLAN interface's `vlan-id` --------------

MIG_API = [
    {
        "iface": "vmbr0",
        "type": "bridge",
        "method": "manual",
        "families": ["inet"],
        "bridge_ports": "eno1",
        "bridge_vlan_aware": 1,
        "autostart": 1,
    },
    {"iface": "eno1", "type": "eth", "method": "manual", "families": ["inet"]},
    {
        "iface": "mig",
        "type": "vlan",
        "method": "static",
        "families": ["inet"],
        "cidr": "10.0.2.11/24",
        "vlan-raw-device": "eno1",
        "vlan-id": 30,
        "autostart": 1,
    },
]


def test_r48e6_api_custom_named_vlan_interface_keeps_its_id(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R48E-6 (false pass) HVA-308 on the API path: `mig` (vlan-raw-device eno1, vlan-id 30)
    holds the migration address, VM legacy-erp (`trunks=10;20;30`) on vmbr0 over eno1."""
    got = _api_hva308(
        fakepve, seeded, fakepve_cafile, capsys, monkeypatch, {"/nodes/{node}/network": MIG_API}
    )
    assert got == (
        "fail",
        "migration network 10.0.2.0/24 is shared with guests: node address 10.0.2.11 on mig, "
        "VLAN 30 of eno1, which VM legacy-erp net0 reaches through vmbr0",
        None,
    )
