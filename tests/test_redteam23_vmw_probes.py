"""Red-team round 23 on VMware: the HVA-443 lead round 22 left (tests/test_redteam22_vmw_probes.py)
and a VM whose configuration the vSphere API does not return.

Harness: the collector's own VsphereCollector._collect over a stub service instance whose
property collector answers one host and one VM (pyVmomi's `vim` types select what is retrieved;
the per-host calls and the access read are stubbed), the bundle writer closed as
hvaudit.collect closes it (complete only without collection errors), and the engine
(conftest.run_assessment); tests/test_redteam13_vmw_probes._vsphere for a rendered .vmx. Each
probe asserts the exact verdict and names the source it rests on.

Findings (V23-n):

- V23-1 (false pass) HVA-443 and every VM check: a VM whose configuration vCenter does not
  return was rendered into a .vmx of its name and power state only and assessed: HVA-443 passed
  "0 snapshot(s), none older than 72 hours", HVA-191/192 and HVA-050 were not applicable ("no
  network interface", "no device passthrough"), and HVA-065/066/070/090/403 failed on settings
  nobody read. VirtualMachineConnectionState (vSphere API, read with `search`): "inaccessible:
  One or more of the virtual machine configuration files are inaccessible ... In this case, no
  configuration can be returned for a virtual machine", and the same for "invalid". Now such a
  VM (config.uuid and config.hardware.device both unset) is a VM not collected, as a domain
  whose XML libvirt does not give (collect.libvirt): its .vmx is recorded failed, a collection
  error names it, the bundle is partial (a scan exits with errors) and the report's notes say
  why; no verdict is given on it.
- V23-2 (wrong manual) HVA-443: a VM with more than 3 snapshots whose oldest creation time (or
  the collection time) is unreadable was asked "no snapshot older than 72 hours" and the count's
  fail was dropped (round 22's lead). The count alone breaks the rule (SNAPSHOTS_MAX, VMware KB
  1025279 as quoted in checks.vmware: "use only 2 to 3 snapshots"): it now fails on the count.
  Not reached through the collector (VirtualMachineSnapshotTree.createTime is "Required",
  vSphere API, read with `search`), only through a bundle that lacks the time.

Held (kept as tests): V23-1 a VM whose configuration is returned, with no `snapshot` property
(the API leaves it unset on a VM without snapshots), still passes HVA-443 "0 snapshot(s)".

Probed by script, not kept (the verdict was right, by reading and running the checks):
- HVA-411 (lockdownNormal/lockdownStrict pass, lockdownDisabled fails, unreported asked),
  HVA-414 (_int == 2), HVA-415 (enableMob "false"/"0" only), HVA-424 (DCUI.Access root or empty
  only), HVA-430 (_int == 1), HVA-413 (0 or above the limit fails), HVA-412 (allIp defaults to
  true where allowedHosts is unset; 0.0.0.0/1 + 128.0.0.0/1 is every address).
- HVA-417: a standard port group is judged on computedPolicy, then its own, then its switch's;
  a distributed port's policy is accepted if securityPolicy or macManagementPolicy accepts.

Tally: 3 cases in 3 test functions; 2 failed on main 2099bff before the fixes (the held case
passed there too).

Leads left (not settled in the time):
- HVA-416: a role cloned from Administrator under a new name, granted inventory-wide, fails
  ("VM administration granted inventory-wide") where Administrator, NoCryptoAdmin and
  NoTrustedAdmin are asked: a direction for the team (fail is the stricter reading; a clone is
  no predefined role the STIG names), not a false pass.
- A VM on a disconnected host (connectionState disconnected) keeps vCenter's cached
  configuration; whether `snapshot` is cached with it was not read.
- The collector reads no VirtualMachine property `runtime.connectionState`: a VM that is
  `orphaned` with a cached configuration is assessed as any other.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import pytest

from conftest import run_assessment
from hvaudit.bundle import BundleWriter
from hvaudit.engine import Assessment
from test_redteam11_vmw_probes import _verdict
from test_redteam13_vmw_probes import _vsphere

# --- V23-1: a VM whose configuration the API does not return ----------------------------------


def _collect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vm: dict[str, Any]
) -> tuple[Assessment, bool]:
    """VsphereCollector._collect over one host (esx1) and one VM with properties `vm`; the
    bundle closed complete only without collection errors (hvaudit.collect.collect)."""
    vim = pytest.importorskip("pyVmomi").vim
    from hvaudit.collect.vsphere import VsphereCollector

    collector = VsphereCollector.__new__(VsphereCollector)
    collector.calls = 0
    about = NS(
        fullName="VMware vCenter Server 8.0.3",
        apiType="VirtualCenter",
        apiVersion="8.0.3.0",
        build="24022515",
        productLineId="vpx",
    )
    content = NS(about=about)
    host = NS(_moId="host-1")

    def retrieve(_content: Any, kind: Any, paths: tuple[str, ...]) -> Any:
        if kind is vim.HostSystem and "name" in paths:
            return iter([(host, {"name": "esx1"})])
        if kind is vim.VirtualMachine:
            return iter([(NS(_moId="vm-7"), {**vm, "runtime.host": host})])
        return iter([])

    monkeypatch.setattr(collector, "_retrieve", retrieve)
    for call in ("_access", "_acceptance", "_host_access", "_snmp"):
        monkeypatch.setattr(collector, call, lambda _arg: {})
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    collector._collect(NS(RetrieveContent=lambda: content), writer)
    complete = not writer.meta["errors"]
    bundle = writer.close(complete=complete)
    assert bundle is not None
    return run_assessment(bundle), complete


def test_v23_1_vm_without_configuration_is_not_assessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """V23-1: VirtualMachineConnectionState (vSphere API, read with `search`): "inaccessible:
    One or more of the virtual machine configuration files are inaccessible ... In this case, no
    configuration can be returned for a virtual machine". Such a VM (no config.* property) passed
    HVA-443 "0 snapshot(s), none older than 72 hours" and was n/a "no network interface"; right:
    a VM not collected, a collection error naming it, no verdict on it."""
    a, complete = _collect(
        tmp_path, monkeypatch, {"name": "lost-vm", "runtime.powerState": "poweredOff"}
    )
    assert [r.check.id for r in a.results if r.outcome.subject.name == "lost-vm"] == []
    assert not complete
    reason = "VirtualMachine.config not returned (the VM is inaccessible or invalid)"
    assert [n for n in a.deployment.notes if "vm-7" in n or "lost-vm" in n] == [
        f"vmware/vmx/host-1/vm-7.vmx: collection failed ({reason})",
        f"collection error: VM lost-vm: {reason}",
    ]
    assert [v.name for v in a.deployment.vms] == []


def test_v23_1_held_vm_with_configuration_and_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held: a VM whose configuration is returned and whose `snapshot` is unset (the API leaves
    it unset on a VM without snapshots) is collected and passes HVA-443."""
    vm = {
        "name": "web",
        "runtime.powerState": "poweredOn",
        "config.uuid": "4210c0de-0000-0000-0000-000000000001",
        "config.hardware.device": [],
    }
    a, complete = _collect(tmp_path, monkeypatch, vm)
    assert complete
    assert _verdict(a, "HVA-443", "web") == (
        "pass",
        "0 snapshot(s), none older than 72 hours",
    )


# --- V23-2: HVA-443's count without a creation time ----------------------------------------------


def test_v23_2_snapshot_count_fails_without_creation_time(tmp_path: Path) -> None:
    """V23-2: more than SNAPSHOTS_MAX (3) snapshots break the rule whatever their age; with the
    oldest creation time not in the bundle HVA-443 asked about the age and dropped the count's
    fail. Right: fail on the count."""
    vmx = 'displayName = "web"\nhvaudit.powerState = "poweredOn"\nhvaudit.snapshot.count = "5"\n'
    a = _vsphere(tmp_path, {}, vmx=vmx)
    assert _verdict(a, "HVA-443", "web") == ("fail", "5 snapshots (more than 3)")
