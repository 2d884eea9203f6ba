"""Red-team round 18 on VMware: new probes of the kinds rounds 10-17 ran
(tests/test_redteam1{0..7}_vmw_probes.py, tests/test_vmw_leads*.py, tests/test_pvevmw_leads*.py),
on ground they did not cover. Each probe names the source it rests on (read with `search`,
`find_string`, `read_file`) and asserts the exact verdict; each finding's probe failed on main
65d4708, the code before its fix.

Findings:

- V18-1 (false pass): HVA-416 counted a propagating VM-administration grant as inventory-wide
  on the root folder, a datacenter, its top VM or host folder and a cluster only. The vSphere
  inventory hierarchy has a "data center folder" between the root object and the data centers
  (vSphere Security 6.0-8.0, "Hierarchical Inheritance of Permissions", figure "vSphere
  Inventory Hierarchy"), and "Virtual machines inherit permissions from both the parent virtual
  machine folder and the parent host, cluster, or resource pool simultaneously" (same page); a
  standalone host's root resource pool "always inherit[s] the permissions of [its] parent"
  (PowerCLI New-VIPermission reference). VmOperator granted to CORP\\ops on a folder holding
  every datacenter, on a standalone host's compute resource or on a host passed "1 VM role
  grant(s), none on the root folder, a datacenter ...". The collector now records every folder
  whose Folder.childType lists Datacenter (below the root) beside the top folders, and the
  check counts a host (HostSystem) and a standalone host (ComputeResource) as it counts a
  cluster; the Administrator role there is the existing question. A host folder below a
  datacenter's top one (Folder.childType ComputeResource: hosts and clusters) is the same class
  and is recorded too.

Held (kept as tests): V18-H1 VmOperator on a resource pool (a team's own slice of a cluster)
still passes (its text now names the new places).

Probed by script, not kept (the verdict was right): the .vmx reader against open-vm-tools'
DictLL_UnmarshalLine (names are not unescaped, only values: a `|65` in a key does not fold onto
another key); HVA-403 with " 1", "1 " and "+1" (strtol reads 1: pass); HVA-404 with a one-space
salt (fails as set); HVA-440 with a port group order naming a NIC outside its switch; vCenter
global permissions (they appear on the root folder to RetrieveAllPermissions, the vSphere
Client showing them "defined in Global Permission"; not separately collected).

Tally: 7 cases (4 functions) for V18-1; 5 failed on main 65d4708 (the host and standalone-host
grants, the Administrator question, the held pass on its new text, and the simulator's data
center folder), and the simulator's host folder failed again on f5b0ede (the first half of the
fix); the two folder cases of the check pass on both, as they feed the record the collector
now writes.

Leads left (not settled in the time):
- HVA-416 and a HostSystem inside a DRS cluster: whether its VMs (children of the cluster's
  resource pools) inherit a grant on the host was not settled; the hierarchy figure's "parent
  host" is taken for every host.
- render_vmx renders some API properties only when set (vhv.enable from nestedHVEnabled,
  uefi.secureBoot.enabled from bootOptions.efiSecureBootEnabled, migrate.encryptionMode),
  letting an extraConfig entry of the same key through otherwise; whether hostd ever reports
  such a key in extraConfig beside a property saying the opposite was not found (a possible
  false pass of HVA-066/HVA-049 if it does).
- HVA-436 passes "bare-metal VMkernel" for an ESXi host that is itself a VM (nested ESXi:
  hardware.systemInfo model "VMware Virtual Platform"/"VMware7,1"), which is not read.
- A VM with a whole physical NIC passed through (VirtualPCIPassthrough of a network function)
  and no virtual NIC is "no network interface" for HVA-192; the device class is not rendered.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hvaudit.cli import main
from test_redteam10_vmw_probes import _verdicts, _vsphere
from test_vmw_leads import ESXI_OWN, _grants
from test_vsphere import (  # noqa: F401 - fixtures
    Vcsim,
    _objects,
    _wait,
    credentials,
    vcsim,
    vcsim_binary,
)

# --- V18-1: HVA-416 and grants on a data center folder or a host -------------------------------------


@pytest.mark.parametrize(
    ("entity", "kind", "where"),
    [
        ("group-d7", "Folder", "the data center folder EU (group-d7)"),
        ("group-h12", "Folder", "the host folder Prod (group-h12)"),
        ("domain-s17", "ComputeResource", "standalone host domain-s17, every VM it runs"),
        ("host-21", "HostSystem", "host host-21, every VM it runs"),
    ],
    ids=["datacenter-folder", "host-folder", "standalone-host", "host"],
)
def test_vm_role_on_a_datacenter_folder_or_a_host_fails(
    tmp_path: Path, entity: str, kind: str, where: str
) -> None:
    """V18-1: vSphere Security, "Hierarchical Inheritance of Permissions" (read with `search`):
    the inventory hierarchy runs root object > data center folder > data center > host folder >
    cluster or host > resource pool > VM, and "Virtual machines inherit permissions from both
    the parent virtual machine folder and the parent host, cluster, or resource pool
    simultaneously"; PowerCLI's New-VIPermission reference: the "root resource pools of
    clusters and standalone hosts ... always inherit the permissions of their parent". A
    propagating VmOperator grant on a folder of datacenters reaches every VM of each, one on a
    host folder below the top one every VM of its hosts and clusters, one on a standalone host
    or a host every VM it runs. HVA-416 passed "1 VM role grant(s), none on the
    root folder, a datacenter, its top VM or host folder, or a cluster". Right: fail naming the
    grant. (The two folders are as the collector now records them: the vcsim probe below.)"""
    access = _grants(*ESXI_OWN, ("CORP\\ops", "1001", entity, kind, True))
    access["top_folders"]["group-d7"] = "the data center folder EU"
    access["top_folders"]["group-h12"] = "the host folder Prod"
    a = _vsphere(tmp_path, {}, access=access)
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "fail",
        f"VM administration granted inventory-wide: CORP\\ops (VmOperator on {where})",
    )


def test_administrator_on_a_host_is_asked_about(tmp_path: Path) -> None:
    """V18-1: the Administrator role granted to a team on a host reaches every VM it runs, as
    on a cluster: the question whether the team is the platform's administrators (L4's rule),
    no longer a pass."""
    access = _grants(*ESXI_OWN, ("CORP\\app-team", "-1", "host-21", "HostSystem", True))
    a = _vsphere(tmp_path, {}, access=access)
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "manual",
        "Administrator role granted inventory-wide: group CORP\\app-team (Administrator on host "
        "host-21, every VM it runs)",
    )


def test_vm_role_on_a_resource_pool_passes(tmp_path: Path) -> None:
    """V18-H1 (held): VmOperator on a resource pool, a team's own slice of a cluster: pass."""
    access = _grants(*ESXI_OWN, ("CORP\\ops", "1001", "resgroup-9", "ResourcePool", True))
    a = _vsphere(tmp_path, {}, access=access)
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "pass",
        "1 VM role grant(s), none on the root folder, a data center folder, a datacenter, its "
        "top VM folder, a host folder, a cluster or a host; Administrator inventory-wide to ESXi's own "
        "accounts only (dcui, root, vpxuser)",
    )


@pytest.mark.vcsim
def test_datacenter_folder_is_collected(
    vcsim: Vcsim,  # noqa: F811 - test_vsphere's fixture
    credentials: None,  # noqa: F811 - test_vsphere's fixture
    tmp_path: Path,
) -> None:
    """V18-1 on a vCenter (the govmomi simulator): DC0 moved into a folder EU created under the
    root (Folder.CreateFolder, MoveIntoFolder_Task), and a folder Prod created in DC0's top host
    folder. The collector recorded the datacenter's top VM and host folders only, so a grant on
    EU or Prod was not placed as reaching every VM. Right: EU is recorded as a data center
    folder (its childType lists Datacenter), Prod as a host folder (ComputeResource); the root
    folder, which HVA-416 names itself, is not, nor a VM folder below the top one (a team's
    own: V18-H1's kind)."""
    from pyVim import connect as pyVim_connect
    from pyVmomi import vim

    si = vcsim.connect()
    content = si.RetrieveContent()
    eu = content.rootFolder.CreateFolder("EU")
    (dc,) = _objects(content, vim.Datacenter)
    _wait(eu.MoveIntoFolder_Task([dc]))
    assert "Datacenter" in eu.childType
    prod = dc.hostFolder.CreateFolder("Prod")
    team = dc.vmFolder.CreateFolder("Team")
    assert "ComputeResource" in prod.childType and "ComputeResource" not in team.childType
    folders = {dc.vmFolder._moId: "VM", dc.hostFolder._moId: "host"}
    moid, prod_id = eu._moId, prod._moId
    pyVim_connect.Disconnect(si)
    bundle = tmp_path / "b"
    assert (
        main(["collect", "--connect", vcsim.target, "--ca-file", vcsim.cert, "-o", str(bundle)])
        == 0
    )
    access = json.loads((bundle / "vmware" / "access.json").read_text())
    assert access["top_folders"] == {
        moid: "the data center folder EU",
        prod_id: "the host folder Prod",
        **{m: f"the top {kind} folder of datacenter DC0" for m, kind in folders.items()},
    }
