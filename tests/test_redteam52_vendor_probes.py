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

Held:
- HVA-440: the order reported, both uplinks active: the pass.
- HVA-440: the order not reported, every port group with its own order of both uplinks: pass.
- HVA-440: the order not reported, a port group's own order holding one uplink: the fail.
- HVA-440: the order not reported, one of two uplinks without a link: the fail.

Probed by script: none beyond these cases.

Tally: 2 findings (2 false pass); 8 test cases, 4 failed on main before the fixes (R52V-1: 2,
R52V-2: 2), 4 held.

Leads left: see the report of round 52.
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
