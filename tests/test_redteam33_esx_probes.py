"""Thirty-third red-team review, VMware ESXi (r33-esx): HVA-417 and HVA-191 for distributed
ports that learn MAC addresses.

Harness: the collector's own code over real pyVmomi objects (collect.vsphere._dvs_record,
_host_record and render_vmx over vim.dvs.VmwareDistributedVirtualSwitch port settings and a VM's
NIC), the bundle writer and the engine, through tests/test_redteam13_vmw_probes._vsphere. Each
test asserts the exact status and message.

Findings (R33V-n):
- R33V-1 (false pass) HVA-417 HVA-191: a distributed port group (or a distributed switch's
  default port config) whose macManagementPolicy.macLearningPolicy is enabled passed HVA-417
  "distributed port group Lab rejects promiscuous mode, MAC address changes and forged
  transmits", and HVA-191 credited the VM's NIC with "MAC spoofing stopped at the port": the
  collector never read DVSMacLearningPolicy. vSphere API DVSMacLearningPolicy (read with
  `search`): enabled "The flag to indicate if source MAC address learning is allowed",
  allowUnicastFlooding "The flag to allow flooding of unlearned MAC for ingress traffic";
  vSphere 8 Networking, MAC learning (read with `search`): "the vSwitch inspects the source MAC
  address of every packet coming from the vNIC, learns the MAC address in its MAC table, and
  allows the packet to pass", unknown unicast flooding "is enabled by default, but only if MAC
  learning is enabled"; vCenter STIG VCFA-9X-000345 (DISA's InSpec control, read with
  `find_string`): "If the "MAC Learning" policy is enabled on any port group, this is a
  finding". Now collect.vsphere._dv_security keeps "macLearning" and "unicastFlooding", HVA-417
  fails naming them (checks.vmware._policy_outcome), and the port's MAC filter is not credited
  (parse.vmx_model._port_spoofing).

Held (kept as tests): MAC learning disabled, and no macLearningPolicy at all (a switch before
6.7): HVA-417 passes and HVA-191 credits the MAC filter as before.

Tally: 1 finding (false pass 1); 6 cases in 3 test functions; 4 failed on main before the fix
(c04d5de9); the 2 held cases passed there too.

Leads left:
- A port group reporting macManagementPolicy but no macLearningPolicy is read as not learning
  (the policy is Optional in DVSMacManagementPolicy; whether vCenter 6.7+ always fills it was
  not found).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam11_vmw_probes import _verdict
from test_redteam13_vmw_probes import _vsphere

# --- R33V-1: MAC learning on a distributed port group ----------------------------------------------


def _learning_group(name: str, learning: Any) -> dict[str, Any]:
    """A distributed port group as the collector retrieves it (DVPG_PATHS) over real pyVmomi
    objects: VLAN 20, promiscuous mode, MAC changes and forged transmits rejected, no port may
    override, and macManagementPolicy.macLearningPolicy as given."""
    from pyVmomi import vim

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    mac = dvs.MacManagementPolicy(
        allowPromiscuous=False, macChanges=False, forgedTransmits=False, macLearningPolicy=learning
    )
    policy = dvs.VMwarePortgroupPolicy(
        blockOverrideAllowed=False,
        shapingOverrideAllowed=False,
        vendorConfigOverrideAllowed=False,
        livePortMovingAllowed=False,
        portConfigResetAtDisconnect=True,
        vlanOverrideAllowed=False,
        uplinkTeamingOverrideAllowed=False,
        securityPolicyOverrideAllowed=False,
        ipfixOverrideAllowed=False,
        macManagementOverrideAllowed=False,
    )
    return {
        "name": name,
        "config.defaultPortConfig": dvs.VmwarePortConfigPolicy(
            vlan=dvs.VlanIdSpec(vlanId=20), macManagementPolicy=mac
        ),
        "config.policy": policy,
        "config.uplink": False,
    }


def _learning(tmp_path: Path, learning: Any, switch_learning: Any = None) -> Any:
    """vCenter with one distributed switch dvs-1 (its default port config rejecting all, MAC
    learning as `switch_learning`) and its port group Lab (dvportgroup-20, MAC learning as
    `learning`), one VM's NIC on Lab. The host record (_host_record), dvs.json (_dvs_record) and
    the VM's .vmx (render_vmx) are the collector's own."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record, _host_record, render_vmx

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    switch = vim.dvs.VmwareDistributedVirtualSwitch("dvs-1")
    default = dvs.VmwarePortConfigPolicy(
        vlan=dvs.VlanIdSpec(vlanId=0),
        macManagementPolicy=dvs.MacManagementPolicy(
            allowPromiscuous=False,
            macChanges=False,
            forgedTransmits=False,
            macLearningPolicy=switch_learning,
        ),
    )
    dvpgs = {"dvportgroup-20": _learning_group("Lab", learning)}
    dvpgs["dvportgroup-20"]["config.distributedVirtualSwitch"] = switch
    nic = vim.vm.device.VirtualVmxnet3(
        key=4000,
        macAddress="00:50:56:aa:00:01",
        backing=vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(
            port=vim.dvs.PortConnection(portgroupKey="dvportgroup-20", switchUuid="u")
        ),
    )
    props = {"name": "vm-1", "config.hardware.device": [nic], "config.extraConfig": []}
    host = _host_record({"name": "esx1"}, dvpgs)
    record = _dvs_record([(switch, {"name": "dvs-1", "config.defaultPortConfig": default})], dvpgs)
    return _vsphere(tmp_path, host, dvs=record, vmx=render_vmx(props, dvpgs))


def _mac_learning(enabled: bool, flooding: bool | None = None) -> Any:
    from pyVmomi import vim

    return vim.dvs.VmwareDistributedVirtualSwitch.MacLearningPolicy(
        inherited=False, enabled=enabled, allowUnicastFlooding=flooding, limit=4096
    )


def _results(a: Any, check: str) -> dict[str, tuple[str, str]]:
    return {
        r.outcome.subject.name: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check
    }


LEARNS = "accepts MAC learning (frames from any source MAC the port learns)"
FLOODED = ", with unknown unicast flooded to the port"
NO_MAC_FILTER = (
    "00:50:56:aa:00:01: filter 'port group Lab security policy' does not stop MAC spoofing "
    "(ARP/IP spoofing: not enforceable at the port)"
)


@pytest.mark.parametrize(
    ("enabled", "flooding", "message"),
    [
        (True, True, f"distributed port group Lab {LEARNS}{FLOODED}"),
        (True, None, f"distributed port group Lab {LEARNS}{FLOODED}"),
        (True, False, f"distributed port group Lab {LEARNS}"),
    ],
    ids=["learning-flooding", "learning-flooding-unset", "learning-no-flooding"],
)
def test_r33v_1_mac_learning_port_group_fails(
    tmp_path: Path, enabled: bool, flooding: bool | None, message: str
) -> None:
    """R33V-1: DVSMacLearningPolicy enabled ("if source MAC address learning is allowed"),
    allowUnicastFlooding ("flooding of unlearned MAC for ingress traffic", default on with
    learning: vSphere 8 Networking, MAC learning). The learning port "allows the packet to
    pass" from every source MAC it learns; VCFA-9X-000345 makes an enabled policy a finding.
    Was: HVA-417 "distributed port group Lab rejects promiscuous mode, MAC address changes and
    forged transmits" (pass) and HVA-191 "MAC spoofing stopped at the port". Right: both fail."""
    a = _learning(tmp_path, _mac_learning(enabled, flooding))
    assert _results(a, "HVA-417")["Lab"] == ("fail", message)
    assert _verdict(a, "HVA-191", "vm-1") == ("fail", NO_MAC_FILTER)


def test_r33v_1_mac_learning_switch_default_fails(tmp_path: Path) -> None:
    """R33V-1: the distributed switch's default port config learning MAC addresses (the
    PowerCLI `ReconfigureDvs_Task` shape): its ports learn. Was: pass. Right: fail."""
    a = _learning(tmp_path, _mac_learning(False), _mac_learning(True, True))
    assert _results(a, "HVA-417")["dvs-1"] == (
        "fail",
        f"distributed switch dvs-1 (default port policy) {LEARNS}{FLOODED}",
    )
    assert _results(a, "HVA-417")["Lab"] == (
        "pass",
        "distributed port group Lab rejects promiscuous mode, MAC address changes and forged "
        "transmits",
    )


@pytest.mark.parametrize("learning", [False, None], ids=["learning-off", "no-learning-policy"])
def test_r33v_1_held_learning_off_passes(tmp_path: Path, learning: bool | None) -> None:
    """R33V-1 held: MAC learning disabled, or no macLearningPolicy (a switch before 6.7 has
    none): the port group passes and HVA-191 credits the MAC filter as before."""
    a = _learning(tmp_path, None if learning is None else _mac_learning(learning))
    assert _results(a, "HVA-417")["Lab"] == (
        "pass",
        "distributed port group Lab rejects promiscuous mode, MAC address changes and forged "
        "transmits",
    )
    assert _verdict(a, "HVA-191", "vm-1") == (
        "manual",
        "MAC spoofing stopped at the port; ARP/IP spoofing cannot be stopped there by the platform",
    )
