"""VMware leads left by red-team round 10 (tests/test_redteam10_vmw_probes.py), settled in session
10: the .vmx parser and the vSphere collector read the same VM alike. Each test names the source
its rule rests on (read with `search`, `find_string`, `read_file`) and asserts the exact verdict;
each failed on the code before its fix.

- L1 (false pass offline): `sched.mem.shares = "normal"` / `sched.cpu.shares = "normal"` counted
  as a priority for HVA-070 / HVA-090 offline, while the vSphere path read SharesInfo level normal
  as none: the same VM passed offline and failed through the API.
- L2 (wrong n/a: subjects dropped): VM templates were not assessed at all, and the report did not
  mention them: the vSphere collector skipped config.template VMs and the offline collector read
  `*.vmx` only, not a template's `.vmtx`. A template is what VMs are deployed from; each is now
  assessed as a powered-off VM named "<name> (template)", and a note lists them.
- L3 (other: the two paths disagreed on a verdict's reason): the vSphere collector rendered a
  host CD drive in ATAPI emulation (VirtualCdromAtapiBackingInfo) as `cdrom-raw`, passthrough;
  the .vmx of that drive says `atapi-cdrom`, an emulated CD-ROM. HVA-050 said "block devices
  stay host-mediated" through the API and "no device passthrough" offline.
- L4 (false pass): HVA-416 left the Administrator role out entirely (granted on the root folder to
  any team it passed), and a VM role granted on a datacenter's top VM or host folder, or on a
  cluster, passed though it reaches every VM of the datacenter or cluster.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_redteam10_vmw_probes import WEB01, _verdicts, _vmx_scan, _vsphere, _with
from test_vmx import scan
from test_vsphere import (  # noqa: F401 - fixtures
    Vcsim,
    _objects,
    _wait,
    credentials,
    vcsim,
    vcsim_binary,
)

# --- L1: shares "normal" is the default level, no priority -------------------------------------------


def _normal(text: str) -> str:
    return text.replace('sched.cpu.shares = "high"', 'sched.cpu.shares = "normal"').replace(
        'sched.mem.shares = "high"', 'sched.mem.shares = "normal"'
    )


def _api_vm(level: str) -> str:
    """web-01's allocation as pyVmomi returns it, rendered by collect/vsphere.py's render_vmx."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    def alloc(reservation: int, limit: int, shares: int) -> vim.ResourceAllocationInfo:
        return vim.ResourceAllocationInfo(
            reservation=reservation, limit=limit, shares=vim.SharesInfo(level=level, shares=shares)
        )

    props = {
        "name": "vm-1",
        "config.uuid": "4221aa00-0000-4000-8000-000000000070",
        "config.hardware.numCPU": 2,
        "config.hardware.memoryMB": 4096,
        "config.cpuAllocation": alloc(1000, 4000, 2000),
        "config.memoryAllocation": alloc(4096, 4096, 40960),
        "config.hardware.device": [],
        "config.extraConfig": [],
    }
    return render_vmx(props, {})


NO_MEMORY_PRIORITY = (
    "fail",
    "no memory priority (memory reservation (MiB) 4096; memory limit (MiB) 4096; "
    "configured size 4.0 GiB)",
)
NO_CPU_PRIORITY = (
    "fail",
    "no CPU priority (reservation: CPU reservation 1000; limit: CPU limit 4000)",
)


def test_shares_normal_in_a_vmx_is_no_priority(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """vSphere Resource Management, "Resource Allocation Shares" (docs.vmware.com GUID-C0D2EFAE,
    read with `search`): High, Normal and Low are "the default CPU and memory share values for a
    virtual machine" in a 4:2:1 ratio, and "When you assign shares to a virtual machine, you
    always specify the priority for that virtual machine relative to other powered-on virtual
    machines"; SharesInfo.Level (vSphere API): normal = 1000 per vCPU, 10 per MB. Every VM gets
    normal unless a level is chosen, and ESXi/vCenter write `sched.cpu.shares = "normal"` and
    `sched.mem.shares = "normal"` into each .vmx they create (vCenter-written .vmx files and
    templates found with `find_string`: vc.uuid beside sched.mem.shares = "normal"). So the key
    written says no more than the key absent: no VM is put ahead of another. The vSphere path
    read level normal as no priority; the .vmx path passed HVA-070 "memory shares normal" and
    HVA-090 "priority: CPU shares normal" for the same VM. Right: both fail on the priority
    alone."""
    got = _vmx_scan(tmp_path, capsys, _normal(_with()))
    assert got[("HVA-070", "web-01")] == NO_MEMORY_PRIORITY
    assert got[("HVA-090", "web-01")] == NO_CPU_PRIORITY


def test_shares_normal_from_the_api_reads_the_same(tmp_path: Path) -> None:
    """Twin of L1 (held): through the vSphere collector SharesInfo level normal is rendered as
    ESXi writes it and read as no priority, the verdicts of the .vmx path."""
    a = _vsphere(tmp_path, {}, vmx=_api_vm("normal"))
    assert 'sched.mem.shares = "normal"' in _api_vm("normal")
    assert _verdicts(a, "HVA-070")["vm-1"] == NO_MEMORY_PRIORITY
    assert _verdicts(a, "HVA-090")["vm-1"] == NO_CPU_PRIORITY


def test_shares_high_is_a_priority_on_both_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of L1 (held): a level chosen (high) is a priority, offline and through the API."""
    got = _vmx_scan(tmp_path, capsys, _with())
    assert got[("HVA-070", "web-01")] == (
        "pass",
        "memory reservation (MiB) 4096; memory limit (MiB) 4096; memory shares high; "
        "configured size 4.0 GiB",
    )
    a = _vsphere(tmp_path / "api", {}, vmx=_api_vm("high"))
    assert _verdicts(a, "HVA-070")["vm-1"] == got[("HVA-070", "web-01")]
    assert _verdicts(a, "HVA-090")["vm-1"] == got[("HVA-090", "web-01")]


# --- L2: VM templates are subjects ----------------------------------------------------------------

TEMPLATE_NOTE = (
    "1 VM template(s) assessed as powered-off VMs (a template cannot be powered on; the VMs "
    "deployed from it start with its settings): {}"
)


def test_offline_template_is_assessed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """vSphere Virtual Machine Administration, "Virtual Machine Files" (docs.vmware.com, read with
    `search`): "A .vmtx file is created when you convert a virtual machine to a template. The
    .vmtx file replaces the virtual machine configuration file (.vmx file)"; vSphere Web Services
    SDK Programming Guide, "Creating Virtual Machine Templates": a template "is a virtual machine
    that cannot be powered on", used "to create multiple clones of the same configuration". A
    datastore copy holding a template's .vmtx with the clipboard open: the offline collector
    read `*.vmx` only, and the template was in no result and no note. Right: assessed like a
    powered-off VM (HVA-401 fails its copy/paste), named as a template, listed in a note."""
    folder = tmp_path / "ds"
    (folder / "web-01").mkdir(parents=True)
    (folder / "base").mkdir()
    (folder / "web-01" / "web-01.vmx").write_text(WEB01)
    (folder / "base" / "base.vmtx").write_text(
        WEB01.replace('displayName = "web-01"', 'displayName = "base-linux"')
        .replace('isolation.tools.copy.disable = "TRUE"', 'isolation.tools.copy.disable = "FALSE"')
        .replace("41 b8 90 aa", "41 b8 90 ab")
    )
    _, report = scan(folder, capsys)
    got = {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] == "HVA-401"
    }
    assert got == {
        # web-01 leaves some isolation keys to its host's /etc/vmware/config (leads15)
        ("HVA-401", "offline-vmx"): (
            "manual",
            "1 VM(s) (web-01) do not set each of isolation.tools.*.disable and "
            "isolation.device.connectable.disable in their .vmx: the host's /etc/vmware/settings "
            "and /etc/vmware/config, not read, decide",
        ),
        ("HVA-401", "base-linux (template)"): (
            "fail",
            "set to FALSE: isolation.tools.copy.disable",
        ),
    }
    assert TEMPLATE_NOTE.format("base-linux (template)") in report["notes"]


def test_api_template_is_rendered_and_assessed(tmp_path: Path) -> None:
    """L2 through the vSphere API's properties: config.template ("Flag indicating whether or not
    a virtual machine is a template", VirtualMachineConfigInfo) is rendered as hvaudit's own key,
    and the template is judged as a VM that does not run (HVA-070 as for any VM)."""
    from hvaudit.collect.vsphere import render_vmx

    props = {
        "name": "tmpl-1",
        "config.uuid": "4221aa00-0000-4000-8000-000000000002",
        "config.template": True,
        "config.hardware.numCPU": 1,
        "config.hardware.memoryMB": 1024,
        "runtime.powerState": "poweredOff",
        "config.hardware.device": [],
        "config.extraConfig": [],
    }
    text = render_vmx(props, {})
    assert 'hvaudit.template = "TRUE"' in text
    a = _vsphere(tmp_path, {}, vmx=text)
    assert _verdicts(a, "HVA-070") == {
        "tmpl-1 (template)": (
            "fail",
            "no memory guarantee, priority (configured size 1.0 GiB)",
        )
    }
    assert TEMPLATE_NOTE.format("tmpl-1 (template)") in a.deployment.notes


@pytest.mark.vcsim
def test_vcenter_template_is_collected(
    vcsim: Vcsim,  # noqa: F811 - test_vsphere's fixture
    credentials: None,  # noqa: F811 - test_vsphere's fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """L2 on a vCenter (the govmomi simulator): a VM marked as a template (MarkAsTemplate, on a
    powered-off VM) was skipped by the collector (`if props.get("config.template"): continue`)
    and vanished from the report. Right: a subject of every VM check, named as a template. The
    same collection records each datacenter's top VM and host folders (L4)."""
    from pyVim import connect as pyVim_connect
    from pyVmomi import vim

    si = vcsim.connect()
    content = si.RetrieveContent()
    (vm,) = [v for v in _objects(content, vim.VirtualMachine) if v.name == "DC0_H0_VM1"]
    if vm.runtime.powerState != "poweredOff":
        _wait(vm.PowerOffVM_Task())
    vm.MarkAsTemplate()
    (dc,) = _objects(content, vim.Datacenter)
    folders = {dc.vmFolder._moId: "VM", dc.hostFolder._moId: "host"}
    pyVim_connect.Disconnect(si)
    bundle = tmp_path / "b"
    assert (
        main(["collect", "--connect", vcsim.target, "--ca-file", vcsim.cert, "-o", str(bundle)])
        == 0
    )
    access = json.loads((bundle / "vmware" / "access.json").read_text())
    assert access["top_folders"] == {
        moid: f"the top {kind} folder of datacenter DC0" for moid, kind in folders.items()
    }
    capsys.readouterr()
    main(["assess", str(bundle), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    names = {r["subject"]["name"] for r in report["results"] if r["check_id"] == "HVA-070"}
    assert "DC0_H0_VM1 (template)" in names and "DC0_H0_VM1" not in names
    assert TEMPLATE_NOTE.format("DC0_H0_VM1 (template)") in report["notes"]


# --- L3: the host's CD drive, emulated or passed through ---------------------------------------------


def _cdrom_vm(backing: object) -> str:
    """A VM with one CD-ROM on IDE 1:0, as render_vmx renders it from pyVmomi objects."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    devices = [
        vim.vm.device.VirtualIDEController(key=201, busNumber=1),
        vim.vm.device.VirtualCdrom(key=3000, controllerKey=201, unitNumber=0, backing=backing),
    ]
    props = {"name": "web-01", "config.hardware.device": devices, "config.extraConfig": []}
    return render_vmx(props, {})


HOST_DRIVE = "/vmfs/devices/cdrom/mpx.vmhba0:C0:T0:L0"


@pytest.mark.parametrize(
    ("mode", "verdict"),
    [
        ("atapi-cdrom", ("not_applicable", "no device passthrough")),
        (
            "cdrom-raw",
            (
                "not_applicable",
                "no DMA-capable (PCI) passthrough: block devices stay host-mediated",
            ),
        ),
    ],
)
def test_host_cd_drive_reads_alike_on_both_paths(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    verdict: tuple[str, str],
) -> None:
    """vSphere Automation API, Cdrom.DeviceAccessType (read with `search`): a physical CD-ROM
    backing is EMULATION, "ATAPI or SCSI device emulation", or PASSTHRU, "Raw passthru device
    access"; the Web Services API names them VirtualCdromAtapiBackingInfo and
    VirtualCdromPassthroughBackingInfo ("a device pass-through backing for a virtual CD-ROM").
    A .vmx writes them `atapi-cdrom` and `cdrom-raw` (libvirt src/vmx/vmx.c reads both as the
    host's CD drive, found with `find_string`). render_vmx wrote the ATAPI backing as cdrom-raw,
    so the API path counted an emulated drive as passthrough where the .vmx path did not.
    Right: both paths read the emulated drive as a CD-ROM and the raw one as passed through."""
    from pyVmomi import vim

    cdrom = vim.vm.device.VirtualCdrom
    backing = (
        cdrom.AtapiBackingInfo(deviceName=HOST_DRIVE)
        if mode == "atapi-cdrom"
        else cdrom.PassthroughBackingInfo(deviceName=HOST_DRIVE, exclusive=False)
    )
    text = _cdrom_vm(backing)
    assert f'ide1:0.deviceType = "{mode}"' in text
    api = _verdicts(_vsphere(tmp_path, {}, vmx=text), "HVA-050")["web-01"]
    (tmp_path / "offline").mkdir()
    offline = _vmx_scan(
        tmp_path / "offline",
        capsys,
        _with(
            'ide1:0.present = "TRUE"',
            f'ide1:0.deviceType = "{mode}"',
            f'ide1:0.fileName = "{HOST_DRIVE}"',
        ),
    )[("HVA-050", "web-01")]
    assert api == offline == verdict


# --- L4: HVA-416: the Administrator role, top folders and clusters -----------------------------------


def _grants(*grants: tuple[str, str, str, str, bool]) -> dict[str, Any]:
    """AuthorizationManager's roles and permissions as collect/vsphere.py records them: the
    Administrator role (-1, every privilege), a VmOperator role (1001) and `grants` of
    (principal, role, entity, entity type, group), each propagating; datacenter-1's top VM
    folder group-v3 and top host folder group-h4."""
    return {
        "root": "group-d1",
        "roles": {
            "-1": {
                "name": "Admin",
                "privileges": ["System.Read", "VirtualMachine.Config.Settings"],
            },
            "1001": {"name": "VmOperator", "privileges": ["VirtualMachine.Interact.PowerOn"]},
        },
        "permissions": [
            {
                "entity": entity,
                "entity_type": kind,
                "principal": principal,
                "group": group,
                "role": role,
                "propagate": True,
            }
            for principal, role, entity, kind, group in grants
        ],
        "top_folders": {
            "group-v3": "the top VM folder of datacenter dc1",
            "group-h4": "the top host folder of datacenter dc1",
        },
    }


ESXI_OWN = [
    ("root", "-1", "group-d1", "Folder", False),
    ("vpxuser", "-1", "group-d1", "Folder", False),
    ("dcui", "-1", "group-d1", "Folder", False),
]


def test_administrator_granted_to_a_team_on_the_root_folder_is_asked_about(
    tmp_path: Path,
) -> None:
    """vSphere Security, "Predefined ESXi Users and Privileges" (read with `search`): root "with
    the Administrator role", vpxuser (vCenter's; "Do not change its permissions"), dcui "acts
    with Administrator rights": ESXi grants the Administrator role (every privilege, every VM
    administration privilege among them) on the root folder to its own accounts. HVA-416 left
    role -1 out of the VM roles altogether, so CORP\\app-team holding Administrator on the root
    folder, propagated, passed "0 VM role grant(s)". Whether a holder is one of the platform's
    administrators (who hold it so by design: "assign the administrator role to a limited number
    of users", vSphere Security) only the organisation knows. Right: a question naming it; ESXi's
    own accounts named in the pass (the twin below)."""
    a = _vsphere(
        tmp_path,
        {},
        access=_grants(*ESXI_OWN, ("CORP\\app-team", "-1", "group-d1", "Folder", True)),
    )
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "manual",
        "Administrator role granted inventory-wide: group CORP\\app-team (Administrator on the "
        "root folder)",
    )
    (r,) = [r for r in a.results if r.check.id == "HVA-416"]
    assert r.outcome.question.startswith("Are CORP\\app-team the platform's administrators")


def test_esxi_own_administrators_pass(tmp_path: Path) -> None:
    """Twin of L4 (held, message): root, vpxuser and dcui only: pass, naming them."""
    a = _vsphere(tmp_path, {}, access=_grants(*ESXI_OWN))
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "pass",
        "0 VM role grant(s), none on the root folder, a data center folder, a datacenter, its "
        "top VM folder, a host folder, a cluster or a host; Administrator inventory-wide to ESXi's own accounts only (dcui, root, vpxuser)",
    )


@pytest.mark.parametrize(
    ("entity", "kind", "where"),
    [
        ("group-v3", "Folder", "the top VM folder of datacenter dc1 (group-v3)"),
        ("group-h4", "Folder", "the top host folder of datacenter dc1 (group-h4)"),
        ("domain-c7", "ClusterComputeResource", "cluster domain-c7, every VM it runs"),
    ],
)
def test_vm_role_on_a_top_folder_or_a_cluster_fails(
    tmp_path: Path, entity: str, kind: str, where: str
) -> None:
    """vSphere Security, "Hierarchical Inheritance of Permissions" (read with `search`): a
    permission propagates down the hierarchy; a VM inherits from its VM folder and from its
    host, cluster and resource pool. A datacenter's top VM folder holds every VM folder of the
    datacenter, its top host folder every host and cluster (and so every resource pool and VM),
    a cluster every VM it runs. HVA-416 counted only the root folder and the Datacenter object,
    and passed VmOperator granted there. Right: fail naming the grant."""
    a = _vsphere(tmp_path, {}, access=_grants(*ESXI_OWN, ("CORP\\ops", "1001", entity, kind, True)))
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "fail",
        f"VM administration granted inventory-wide: CORP\\ops (VmOperator on {where})",
    )


def test_vm_role_on_a_sub_folder_passes(tmp_path: Path) -> None:
    """Twin of L4 (held): VmOperator on a team's own VM folder below the top one: pass."""
    a = _vsphere(
        tmp_path, {}, access=_grants(*ESXI_OWN, ("CORP\\ops", "1001", "group-v9", "Folder", True))
    )
    assert _verdicts(a, "HVA-416")["esx1"][0] == "pass"
