"""Red-team round 21 on VMware: new probes of the kinds rounds 10-20 ran
(tests/test_redteam1{0..8,20}_vmw_probes.py, tests/test_vmw_leads*.py), on the leads they left
open. Harness: the collector's own render_vmx over real pyVmomi objects, the bundle writer and
the engine (tests/test_redteam13_vmw_probes._vsphere); each probe asserts the exact verdict and
names the source it rests on (read with `search` and `find_string`).

Findings (V21-n):

- V21-1 (false pass): render_vmx took every extraConfig entry whose name it had not rendered
  itself, so an entry named like a key it renders from an API property only where that property
  says so stood in for the property. HVA-070 passed "memory reservation (MiB) 1024; memory limit
  (MiB) 1024" and HVA-090 "CPU reservation 1000; CPU limit 2000" for a VM whose
  config.memoryAllocation / cpuAllocation report reservation 0 and limit -1 ("If set to -1,
  then there is no fixed limit on resource usage", vSphere API ResourceAllocationInfo, read
  with `search`), from extraConfig sched.mem.min/max and sched.cpu.min/max (render_vmx writes
  them only for a reservation above 0 and a limit of 0 or more); sched.mem.pin = TRUE passed
  HVA-070's guarantee the same way (the API's memoryReservationLockedToMax, whose reservation
  the allocation reports: pyVmomi callers set both, read with `find_string`). HVA-065 passed
  (withheld by HVA-444 only, so an attestation restored it) "vtpm.present = TRUE: the VM's own
  virtual TPM" for a VM whose device list has no VirtualTPM. And an extraConfig
  ethernet0.dvs.portgroupId naming a hardened distributed port group moved a NIC whose backing
  is the standard port group "Open" (VLAN 4095 trunk, forged transmits accepted) onto it:
  HVA-192 passed "1 interface(s), none trunked" and HVA-191 credited "MAC spoofing stopped at
  the port". The vSphere Automation API (Ovf ExtraConfig, on the extraConfig property of
  VirtualMachineConfigSpec, read with `search`): extraConfig is "transferred directly to the
  .vmx file" and "you cannot set values that could otherwise be set with other properties in
  the VirtualMachineConfigSpec": an entry of such a name is not hostd's report of the VM. The
  class, L18-6's rule for three keys, now covers every key render_vmx renders from a property:
  the allocations' sched.{cpu,mem}.{min,max,shares} and sched.mem.pin, firmware,
  monitor.virtual_exec, vtpm/sound/USB controllers' .present, and every key under a device name
  render_vmx writes from config.hardware.device (ethernetN, scsi/ide/sata/nvme X:Y,
  pciPassthruN, serialN, parallelN, floppyN, usb:N; collect.vsphere.API_OWNED,
  API_DEVICE_KEY). Each now reads as the API reports it.

- V21-2 (false pass): HVA-401 ("VMware Tools cannot ... disconnect devices") read six keys and
  passed "every isolation key is set TRUE in the VM's own settings" (withheld by HVA-444; an
  attestation answering HVA-444 yes turned it into a pass) for a VM that sets
  isolation.device.edit.disable = FALSE: the key was present and unread (lead 4's class). CIS
  VMware ESXi benchmark 8.2.6 "Ensure unauthorized modification or disconnection of devices is
  disabled" ("Without this setting, VMware Tools lets non-privileged guest users disconnect or
  change devices such as network adapters and CD/DVD drives"), the vSphere hardening guide's
  prevent-device-interaction-edit (TRUE, beside isolation.device.connectable.disable), and a
  guest tool that connects devices asks for both FALSE (read with `find_string`). Now a value
  VMware reads as FALSE fails, named as the other keys are (checks.vmware.DEVICE_EDIT_KEY). Its
  built-in default was not found, so a VM that leaves it out is judged as before.

Held (kept as tests): V21-1 the allocations' own reservation and limit still pass HVA-070 and
HVA-090; a NIC on a distributed port group keeps its port group's key from the backing; an
extraConfig key no property renders (isolation.tools.copy.disable) is still read. V21-2
isolation.device.edit.disable absent or TRUE: the six keys' withheld pass, unchanged.

Probed by script, not kept (the verdict was right):
- Lead 1, the same extraConfig key twice in different case (ISOLATION.TOOLS.COPY.DISABLE =
  FALSE, then isolation.tools.copy.disable = TRUE): render_vmx keeps the first in the API's
  order and HVA-401 fails on FALSE; with TRUE first the pass is withheld by HVA-444. VMware's
  dictionary is keyed case-insensitively (HASH_ISTRING_KEY), so hostd's own report cannot hold
  both; which one a hand-made pair would leave was not found (see leads).
- Lead 2, per-port DVS policy: a distributed port group that lets ports override their
  security policy or VLAN already fails HVA-417 and turns the NIC's spoofing and VLAN into
  questions (V16-3, L19-3V); a port's own setting matters only then, so not collecting
  FetchDVPorts leaves no pass.
- HVA-192 on a standard port group the collector records as a trunk (VLAN 4095): fails.
- HVA-065 with extraConfig vtpm.present and a VirtualTPM in the device list: the device
  renders it first (pass withheld by HVA-444, unchanged).

Tally: V21-1 7 cases (5 functions), 5 failed on main 14a2017 (sched.* min/max, sched.mem.pin,
vtpm.present, ethernet0.dvs.portgroupId and its upper-case spelling); the 2 held cases passed
there too. V21-2 5 cases (3 functions), 3 failed on main 63f4759 (FALSE, "no", and the
attested host, which passed there); the 2 held cases passed there too.

Leads left (not settled in the time):
- Lead 1: an extraConfig pair of one key in two cases with different values is judged by the
  first in the API's order (no VMware text on hostd's order found); conflicting values could be
  asked instead.
- HVA-416 for a HostSystem inside a DRS cluster (possible wrong fail) is as round 19 left it.
- HVA-401: whether isolation.device.edit.disable left out should join the host question (its
  built-in default, and whether the vSphere 8 STIG still lists it, were not found), and the
  other isolation.tools.* keys the hardening guides list (ghi.*, unity.*, vixMessage,
  hgfsServerSet, autoInstall) are still unread.
- tools.guest.desktop.autolock is the API's VirtualMachineConfigInfo.guestAutoLockEnabled (a
  property, seen in pyVmomi callers' property lists with `find_string`): no check reads either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam12_vmw_probes import _verdict
from test_redteam13_vmw_probes import _dv_group, _vsphere

ESX = {"product": "VMware ESXi 8.0.2 build-22380479", "build": "22380479"}


def _alloc(reservation: int, limit: int) -> Any:
    from pyVmomi import vim

    return vim.ResourceAllocationInfo(
        reservation=reservation, limit=limit, shares=vim.SharesInfo(level="high", shares=2000)
    )


def _vm(tmp_path: Path, extra: dict[str, str], **props: Any) -> Any:
    """One powered-on VM rendered by the collector (render_vmx) from pyVmomi objects, with
    `extra` as its extraConfig, on one ESXi host."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    ov = vim.option.OptionValue
    vmx = render_vmx(
        {
            "name": "vm-1",
            "runtime.powerState": "poweredOn",
            "config.hardware.memoryMB": 1024,
            "config.hardware.numCPU": 1,
            "config.hardware.device": [],
            "config.extraConfig": [ov(key=k, value=v) for k, v in extra.items()],
            **props,
        },
        {},
    )
    return _vsphere(tmp_path, ESX, vmx=vmx)


# --- V21-1: extraConfig entries named like keys render_vmx takes from API properties ----------


@pytest.mark.parametrize(
    ("extra", "hva070", "hva090"),
    [
        (
            {
                "sched.mem.min": "1024",
                "sched.mem.max": "1024",
                "sched.cpu.min": "1000",
                "sched.cpu.max": "2000",
            },
            "no memory guarantee (memory shares high; configured size 1.0 GiB)",
            "no CPU reservation, limit (priority: CPU shares high)",
        ),
        (
            {"sched.mem.pin": "TRUE", "sched.mem.max": "1024"},
            "no memory guarantee (memory shares high; configured size 1.0 GiB)",
            "no CPU reservation, limit (priority: CPU shares high)",
        ),
    ],
    ids=["min-max", "pin"],
)
def test_v21_1_allocation_keys_in_extraconfig_are_not_the_vms(
    tmp_path: Path, extra: dict[str, str], hva070: str, hva090: str
) -> None:
    """V21-1: config.memoryAllocation and cpuAllocation report reservation 0 and limit -1 ("no
    fixed limit", ResourceAllocationInfo); extraConfig carries sched.* entries of the same
    names. HVA-070 passed "memory reservation (MiB) 1024; memory limit (MiB) 1024; ..." (or
    "all guest memory reserved (sched.mem.pin ...)") and HVA-090 "reservation: CPU reservation
    1000; limit: CPU limit 2000". extraConfig "cannot set values that could otherwise be set
    with other properties" (vSphere Automation API, Ovf ExtraConfig). Right: both fail as the
    allocations say."""
    a = _vm(
        tmp_path,
        extra,
        **{"config.memoryAllocation": _alloc(0, -1), "config.cpuAllocation": _alloc(0, -1)},
    )
    assert _verdict(a, "HVA-070", "vm-1") == ("fail", hva070)
    assert _verdict(a, "HVA-090", "vm-1") == ("fail", hva090)


def test_v21_1_held_the_allocations_own_values_pass(tmp_path: Path) -> None:
    """Held: the allocations' own reservation and limit still render and pass both checks."""
    a = _vm(
        tmp_path,
        {},
        **{
            "config.memoryAllocation": _alloc(1024, 1024),
            "config.cpuAllocation": _alloc(1000, 2000),
        },
    )
    assert _verdict(a, "HVA-070", "vm-1") == (
        "pass",
        "memory reservation (MiB) 1024; memory limit (MiB) 1024; memory shares high; "
        "configured size 1.0 GiB",
    )
    assert _verdict(a, "HVA-090", "vm-1") == (
        "pass",
        "reservation: CPU reservation 1000; limit: CPU limit 2000; priority: CPU shares high",
    )


def test_v21_1_vtpm_in_extraconfig_without_the_device(tmp_path: Path) -> None:
    """V21-1: a device list with no VirtualTPM and extraConfig vtpm.present = TRUE. HVA-065's
    pass "vtpm.present = TRUE: the VM's own virtual TPM" was withheld by HVA-444 only (an
    attestation of the host's settings file restored it). A vTPM is a device of the API
    (VirtualTPM), which render_vmx renders as vtpm.present. Right: fail, no virtual TPM."""
    a = _vm(tmp_path, {"vtpm.present": "TRUE"})
    assert _verdict(a, "HVA-065", "vm-1") == ("fail", "no virtual TPM (no vtpm.present = TRUE)")


def _nic_on_open(tmp_path: Path, extra: dict[str, str], *, dvs: bool = False) -> Any:
    """A VM whose one NIC is backed by the standard port group "Open" (a trunk: VLAN 4095,
    forged transmits and MAC changes accepted) or, with `dvs`, by dvportgroup-20 ("Prod", VLAN
    20, rejecting all); vCenter has dvportgroup-20. Host record, dvs.json and .vmx are the
    collector's own (_host_record, _dvs_record, render_vmx)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record, _host_record, render_vmx

    dvpgs = {"dvportgroup-20": _dv_group("Prod", trunk=False, forged=False)}
    card = vim.vm.device.VirtualEthernetCard
    backing = (
        card.DistributedVirtualPortBackingInfo(
            port=vim.dvs.PortConnection(portgroupKey="dvportgroup-20", switchUuid="u")
        )
        if dvs
        else card.NetworkBackingInfo(deviceName="Open")
    )
    nic = vim.vm.device.VirtualVmxnet3(key=4000, macAddress="00:50:56:aa:00:01", backing=backing)
    ov = vim.option.OptionValue
    props = {
        "name": "vm-1",
        "runtime.powerState": "poweredOn",
        "config.hardware.device": [nic],
        "config.extraConfig": [ov(key=k, value=v) for k, v in extra.items()],
    }
    host = _host_record({"name": "esx1"}, dvpgs)
    host["portgroups"] = [
        *host.get("portgroups", []),
        {
            "name": "Open",
            "switch": "vSwitch0",
            "vlan": [],
            "trunk": True,
            "security": {"allowPromiscuous": False, "macChanges": True, "forgedTransmits": True},
        },
    ]
    return _vsphere(tmp_path, host, dvs=_dvs_record([], dvpgs), vmx=render_vmx(props, dvpgs))


@pytest.mark.parametrize("key", ["ethernet0.dvs.portgroupId", "ETHERNET0.DVS.PORTGROUPID"])
def test_v21_1_device_keys_in_extraconfig_do_not_move_a_nic(tmp_path: Path, key: str) -> None:
    """V21-1: the NIC's backing is the standard port group Open (the collector records VLAN
    4095 as a trunk); extraConfig names dvportgroup-20 under the NIC's .vmx key. The NIC was
    judged on dvportgroup-20: HVA-192 passed "1 interface(s), none trunked" and HVA-191 said
    "MAC spoofing stopped at the port". Right: the device list decides, both fail on Open."""
    a = _nic_on_open(tmp_path, {key: "dvportgroup-20"})
    assert _verdict(a, "HVA-192", "vm-1") == (
        "fail",
        "00:50:56:aa:00:01: inherits trunk of VLANs [] from network Open",
    )
    assert _verdict(a, "HVA-191", "vm-1") == (
        "fail",
        "00:50:56:aa:00:01: filter 'port group Open security policy' does not stop MAC "
        "spoofing (ARP/IP spoofing: not enforceable at the port)",
    )


def test_v21_1_held_a_distributed_nic_and_an_unrendered_key(tmp_path: Path) -> None:
    """Held: a NIC backed by dvportgroup-20 is judged on it (VLAN 20: HVA-192 passes), and an
    extraConfig key no property renders (isolation.tools.copy.disable = FALSE) is still read:
    HVA-401 fails on it."""
    a = _nic_on_open(tmp_path, {"isolation.tools.copy.disable": "FALSE"}, dvs=True)
    assert _verdict(a, "HVA-192", "vm-1") == ("pass", "1 interface(s), none trunked")
    assert _verdict(a, "HVA-401", "vm-1") == ("fail", "set to FALSE: isolation.tools.copy.disable")


# --- V21-2: HVA-401 and isolation.device.edit.disable set FALSE -------------------------------

SIX = (
    "isolation.tools.copy.disable",
    "isolation.tools.paste.disable",
    "isolation.tools.dnd.disable",
    "isolation.tools.diskShrink.disable",
    "isolation.tools.diskWiper.disable",
    "isolation.device.connectable.disable",
)


def _isolation(tmp_path: Path, edit: str | None) -> Any:
    from test_redteam17_vmw_probes import _host

    vmx = 'displayName = "vm-1"\nhvaudit.powerState = "poweredOn"\n'
    vmx += "".join(f'{k} = "TRUE"\n' for k in SIX)
    if edit is not None:
        vmx += f'isolation.device.edit.disable = "{edit}"\n'
    return _vsphere(tmp_path, _host("VMware ESXi 8.0.2"), vmx=vmx)


@pytest.mark.parametrize(
    ("edit", "shown"),
    [
        ("FALSE", "isolation.device.edit.disable"),
        ("no", 'isolation.device.edit.disable = "no" (VMware reads it as FALSE)'),
    ],
)
def test_v21_2_device_edit_open_fails(tmp_path: Path, edit: str, shown: str) -> None:
    """V21-2: the six keys HVA-401 reads set TRUE and isolation.device.edit.disable set FALSE
    ("Without this setting, VMware Tools lets non-privileged guest users disconnect or change
    devices such as network adapters and CD/DVD drives", CIS 8.2.6; the hardening guide's
    prevent-device-interaction-edit; read with `find_string`). HVA-401 said "every isolation
    key is set TRUE" (withheld by HVA-444; an attestation of the host's settings file made it
    a pass, see the next test). Right: fail, naming the key."""
    a = _isolation(tmp_path, edit)
    assert _verdict(a, "HVA-401", "vm-1") == ("fail", f"set to FALSE: {shown}")


def test_v21_2_attested_host_does_not_restore_the_pass(tmp_path: Path) -> None:
    """V21-2 through the attestation: HVA-444 answered yes for esx1 restored HVA-401's pass
    for the VM with isolation.device.edit.disable = FALSE. Right: still a fail."""
    from test_redteam17_vmw_probes import _attest

    a = _isolation(tmp_path, "FALSE")
    _attest(a, tmp_path, "yes")
    assert _verdict(a, "HVA-401", "vm-1") == (
        "fail",
        "set to FALSE: isolation.device.edit.disable",
    )


@pytest.mark.parametrize("edit", [None, "TRUE"], ids=["absent", "true"])
def test_v21_2_held_edit_absent_or_true(tmp_path: Path, edit: str | None) -> None:
    """Held: the key left out (its built-in default was not found: judged on the six keys, as
    before) or TRUE: the pass on the six keys, withheld by HVA-444."""
    from test_redteam17_vmw_probes import but

    a = _isolation(tmp_path, edit)
    assert _verdict(a, "HVA-401", "vm-1") == (
        "manual",
        "every isolation key is set TRUE in the VM's own settings" + but("esx1"),
    )
