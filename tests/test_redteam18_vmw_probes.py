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
  cluster; the Administrator role there is the existing question.

Held (kept as tests): V18-H1 VmOperator on a resource pool (a team's own slice of a cluster)
still passes.

Tally: 6 cases (4 functions) for V18-1; 5 failed on main 65d4708 (the host and standalone-host
grants, the Administrator question, the held pass on its new text, and the simulator's data
center folder); the data-center-folder case of the check passes there too, as it feeds the
record the collector now writes.

Leads left (not settled in the time):
- HVA-416 and a HostSystem inside a DRS cluster: whether its VMs (children of the cluster's
  resource pools) inherit a grant on the host was not settled; the figure's "parent host" is
  taken for every host.
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
        ("domain-s17", "ComputeResource", "standalone host domain-s17, every VM it runs"),
        ("host-21", "HostSystem", "host host-21, every VM it runs"),
    ],
    ids=["datacenter-folder", "standalone-host", "host"],
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
    standalone host or a host every VM it runs. HVA-416 passed "1 VM role grant(s), none on the
    root folder, a datacenter, its top VM or host folder, or a cluster". Right: fail naming the
    grant. (The data center folder is as the collector now records it: the vcsim probe below.)"""
    access = _grants(*ESXI_OWN, ("CORP\\ops", "1001", entity, kind, True))
    access["top_folders"]["group-d7"] = "the data center folder EU"
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
        "top VM or host folder, a cluster or a host; Administrator inventory-wide to ESXi's own "
        "accounts only (dcui, root, vpxuser)",
    )


@pytest.mark.vcsim
def test_datacenter_folder_is_collected(
    vcsim: Vcsim,  # noqa: F811 - test_vsphere's fixture
    credentials: None,  # noqa: F811 - test_vsphere's fixture
    tmp_path: Path,
) -> None:
    """V18-1 on a vCenter (the govmomi simulator): DC0 moved into a folder EU created under the
    root (Folder.CreateFolder, MoveIntoFolder_Task). The collector recorded the datacenter's top
    VM and host folders only, so a grant on EU was not placed as reaching every VM. Right: EU is
    recorded as a data center folder (its childType lists Datacenter); the root folder, which
    HVA-416 names itself, is not."""
    from pyVim import connect as pyVim_connect
    from pyVmomi import vim

    si = vcsim.connect()
    content = si.RetrieveContent()
    eu = content.rootFolder.CreateFolder("EU")
    (dc,) = _objects(content, vim.Datacenter)
    _wait(eu.MoveIntoFolder_Task([dc]))
    assert "Datacenter" in eu.childType
    folders = {dc.vmFolder._moId: "VM", dc.hostFolder._moId: "host"}
    moid = eu._moId
    pyVim_connect.Disconnect(si)
    bundle = tmp_path / "b"
    assert (
        main(["collect", "--connect", vcsim.target, "--ca-file", vcsim.cert, "-o", str(bundle)])
        == 0
    )
    access = json.loads((bundle / "vmware" / "access.json").read_text())
    assert access["top_folders"] == {
        moid: "the data center folder EU",
        **{m: f"the top {kind} folder of datacenter DC0" for m, kind in folders.items()},
    }
