"""Red-team round 10 on VMware (issue 8): the .vmx parser and offline collector, the vSphere
collector's rendering and host records, HVA-401..443 and the generic VM checks as they read a
VMware model. Each probe names the source it rests on (read with `search`, `find_string`,
`read_file`) and asserts the exact verdict; each failed on the code before its fix.

Findings:

- V10-1 (false pass): .vmx booleans were read as "true"/"yes"/"1"/"on" only (and device
  `present` keys as "true" only). VMware's dictionary (Dictionary_StringToBool) also reads "t",
  "y" and the empty string as TRUE, "f" and "n" as FALSE, and any other text as FALSE.
  `isolation.tools.copy.disable = "f"` opens the clipboard but HVA-401 passed; a serial port with
  `present = "yes"` was not seen (HVA-047 passed); `vhv.enable = "t"` passed HVA-049.
- V10-2 (false pass): a key set twice kept its LAST value; VMware's dictionary keeps the FIRST
  (keys case-insensitive) and reports the repeat as an error. `isolation.tools.copy.disable =
  "FALSE"` followed by `ISOLATION.TOOLS.COPY.DISABLE = "TRUE"` passed HVA-401.
- V10-3 (false pass): HVA-410 passed "TSM and TSM-SSH stopped, policy off" for a host whose
  service list did not contain TSM-SSH (nothing read about SSH).
- V10-4 (false pass): HVA-416 did not count VirtualMachine.GuestOperations.* (run programs in,
  copy files into and out of every guest) as VM administration: such a role on the root folder
  passed.
- V10-5 (false pass): distributed port groups were judged on the deprecated securityPolicy and
  securityPolicyOverrideAllowed only; macManagementPolicy (API 6.7) accepting forged transmits,
  or macManagementOverrideAllowed (6.7.1) letting each port override, passed HVA-417.
- V10-6 (false pass): HVA-442 passed "encrypted" on config.keyId / encryption.keySafe, the VM
  Home key: a VM whose vTPM encrypted its VM Home "but not the disks" passed.
- V10-7 (other: a wrong manual question on VMware, and test_vsphere broken on main): HVA-050's
  new interrupt-remapping rule (R10H-2) asked ESXi hosts about Linux's vfio_iommu_type1 and
  modprobe.d. ESXi's remapper is the VMkernel boot option iovDisableIR; the question names it.
- V10-8 (false pass): HVA-031 passed "the console is reached through vSphere only" for a VM with
  a network serial port it serves on the host (`serial0.fileType = "network"`, endPoint server,
  telnet://). Offline and through the API (render_vmx did not render URI backings).
- V10-9 (false pass): HVA-418 passed a port group on a VLAN physical switches commonly reserve
  (1001-1024, 3968-4094: vCenter STIG VCSA-80-000274, ESXi STIG ESXI-70-000065), though its
  docstring cites the reserved-VLAN rule; now a question for the physical switches.
- V10-10 (wrong fail on a hardened host): HVA-412 failed every ESXi 8.0 U2+ host for a system
  ruleset open to all whose allowed-IP list ESXi does not let a user change
  (ipListUserConfigurable false); the STIG holds only user-configurable rulesets to listed
  networks. Such rulesets are now named in the pass; configurable (or older, unreported) ones
  still fail.
- V10-11 (wrong n/a): a VM with an SR-IOV passthrough NIC (VirtualSriovEthernetCard) was "no
  device passthrough" for HVA-050: render_vmx wrote it as an ordinary NIC. Its virtual function
  is a PCI function passed through; now judged like DirectPath I/O.
- V10-12 (wrong fail on a hardened host): HVA-419 failed a host whose clock is synchronised by
  PTP (systemClockProtocol ptp, ptpd running, policy on) as "no NTP server configured; ntpd
  stopped"; the collector now records the protocol and the check judges ptpd there.
- V10-13 (false pass): HVA-433 (and HVA-434) passed "management alone on vmk0 VLAN 20" while a
  VM port group trunked VLAN 20 to its guests (standard VLAN 4095, or distributed trunk ranges
  covering 20): only port groups exactly on VLAN 20 counted as sharing it.
- V10-14 (false pass): HVA-192 passed "1 interface(s), none trunked" for a VM on a distributed
  port group that lets each port override its VLAN (vlanOverrideAllowed): the VM's own port is
  not read. Now a question for the port; likewise HVA-191 no longer credits the port group's
  security policy where ports may override it.
- V10-15 (false pass): HVA-423 passed a Security.PasswordQualityControl with similar=permit (a
  new password may be similar to the old one), which the STIG's value (similar=deny) forbids.

Probes: 37 test cases (34 functions). 27 failed on the code at the start of the round (main
e3296fa): 25 found a defect, 2 are twins that failed there only on a changed message (both disks
encrypted; PTP with ptpd stopped); 10 are held twins that passed before and after ("held"). Examined without a
finding or a test: passwdqc's min= order (N4 is the smallest enabled length, so the N4 >= 15 rule
holds), private VLANs on distributed port groups, VM templates (not assessed; see the report).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_assessment
from hvaudit.bundle import BundleWriter
from hvaudit.engine import Assessment
from test_redteam17_vmw_probes import own_keys
from test_vmx import FIXTURES, scan

WEB01 = (FIXTURES / "web-01" / "web-01.vmx").read_text()


def _vmx_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> dict[tuple[str, str], tuple[str, str]]:
    """Scan one .vmx offline (vmx+dir://): (check, subject) -> (status, message)."""
    folder = tmp_path / "dc"
    folder.mkdir()
    (folder / "web-01.vmx").write_text(text)
    _, report = scan(folder, capsys)
    return {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in report["results"]
    }


def _with(*lines: str, before: str = "uuid.bios") -> str:
    """web-01's .vmx (tests/fixtures/vmx) with `lines` inserted before the `before` key."""
    out = []
    for line in WEB01.splitlines():
        if line.startswith(before):
            out += lines
        out.append(line)
    return "\n".join(out) + "\n"


# --- V10-1: .vmx booleans as VMware's dictionary reads them -------------------------------------------

DICT_SOURCE = (
    "VMware's dictionary library, lib/dict/dictionary.c as published (LGPL) in VMware View Open "
    "Client 2.1.1, read with `find_string`/`read_file`"
)


def test_isolation_key_set_to_f_opens_the_clipboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """VMware's dictionary library (lib/dict/dictionary.c, VMware View Open Client 2.1.1, LGPL),
    Dictionary_StringToBool: TRUE for "", "true", "t", "yes", "y", "on" (case-insensitive) and
    "1"; FALSE for "false", "f", "no", "n", "off", "0"; any other text "is not a valid boolean
    value. Using value FALSE". A DICT_BOOL entry is narrowed through it (DictionaryNarrowValue).
    `isolation.tools.copy.disable = "f"` is FALSE: guest-to-host copy is open (vSphere 8 STIG
    VMCH-80-000189 wants TRUE or absent). hvaudit's _false knew "false", "no", "0", "off" only and
    HVA-401 passed "every isolation key is TRUE or absent". Right: fail."""
    got = _vmx_scan(tmp_path, capsys, WEB01.replace('copy.disable = "TRUE"', 'copy.disable = "f"'))
    assert got[("HVA-401", "web-01")] == (
        "fail",
        'set to FALSE: isolation.tools.copy.disable = "f" (VMware reads it as FALSE)',
    )


def test_isolation_key_with_unknown_text_is_false(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same source as above: text that is no boolean ("disabled") is read as FALSE, with an error
    message; the channel is open. Was: pass. Right: fail."""
    got = _vmx_scan(
        tmp_path, capsys, WEB01.replace('copy.disable = "TRUE"', 'copy.disable = "disabled"')
    )
    assert got[("HVA-401", "web-01")] == (
        "fail",
        'set to FALSE: isolation.tools.copy.disable = "disabled" (VMware reads it as FALSE)',
    )


def test_serial_port_present_yes_is_a_legacy_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dictionary_StringToBool (above): `serial0.present = "yes"` is TRUE, the port exists
    (vSphere 8 STIG VMCH-80-000211: serial ports removed). vmx_model compared `present` with
    "true" only, dropped the port, and HVA-047 passed "no floppy, IDE, sound, ...". Right: fail
    naming the serial port. (libvirt's VMX driver refuses such a value, virVMXGetConfigBoolean
    "true|false"; VMware does not.)"""
    got = _vmx_scan(
        tmp_path,
        capsys,
        _with('serial0.present = "yes"', 'serial0.fileType = "file"', 'serial0.fileName = "c.log"'),
    )
    assert got[("HVA-047", "web-01")] == ("fail", "emulated legacy devices: serial port")


def test_nested_virtualization_set_to_t(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Dictionary_StringToBool (above): `vhv.enable = "t"` is TRUE, the guest gets VT-x/AMD-V.
    VmxFile.flag read "true", "yes", "1", "on" only, and HVA-049 passed "no vhv.enable = TRUE".
    Right: fail."""
    got = _vmx_scan(tmp_path, capsys, _with('vhv.enable = "t"'))
    assert got[("HVA-049", "web-01")] == (
        "fail",
        "vhv.enable = TRUE: the guest is given VT-x/AMD-V and can run a hypervisor",
    )


def test_host_info_set_to_garbage_is_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of V10-1 on the other side (a wrong fail): `tools.guestlib.enableHostInfo = "nope"`
    is no boolean, so VMware uses FALSE: no host information reaches the guest. HVA-402 failed any
    value but "false", "no", "0", "off". Right: pass."""
    got = _vmx_scan(
        tmp_path,
        capsys,
        _with(
            'tools.guestlib.enableHostInfo = "nope"',
            # set, not left to the host's /etc/vmware/config (leads15)
            'tools.setInfo.sizeLimit = "1048576"',
        ),
    )
    assert got[("HVA-402", "web-01")] == own_keys(  # V17-1: the host's settings file decides
        (
            "pass",
            "size limit 1048576 (at most the 1 MB default) and no host information for the guest",
        ),
        "offline-vmx",
    )


# --- V10-2: a key set twice: VMware keeps the first ---------------------------------------------------


def test_key_set_twice_keeps_the_first_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """VMware's dictionary (lib/dict/dictionary.c, above): entries live in a hash table keyed
    case-insensitively (HashTable_Alloc(..., HASH_ISTRING_KEY, ...)); DictionaryParseReadLine,
    finding a name already defined, posts "File ... line N: Variable ... is already defined.",
    keeps the existing entry and only records the line, and the load is flagged as failed
    ("Duplicate keys are errors"). So `isolation.tools.copy.disable = "FALSE"` followed by
    `ISOLATION.TOOLS.COPY.DISABLE = "TRUE"` is FALSE wherever the file loads. hvaudit's parser kept
    the last value "as VMware does" and HVA-401 passed. Right: fail, and the report says which
    keys were repeated."""
    folder = tmp_path / "dc"
    folder.mkdir()
    text = WEB01.replace(
        'isolation.tools.copy.disable = "TRUE"',
        'isolation.tools.copy.disable = "FALSE"\nISOLATION.TOOLS.COPY.DISABLE = "TRUE"',
    )
    (folder / "web-01.vmx").write_text(text)
    _, report = scan(folder, capsys)
    got = {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in report["results"]
    }
    assert got[("HVA-401", "web-01")] == ("fail", "set to FALSE: isolation.tools.copy.disable")
    assert (
        "vmware/vmx/web-01.vmx: keys set more than once, judged by their first value as VMware "
        "reads them (it reports the file's repeats as errors): isolation.tools.copy.disable "
        "(line 28; again on line 29)"
    ) in report["notes"]


# --- vSphere bundles written as collect/vsphere.py writes them --------------------------------------


def _vsphere(
    tmp_path: Path,
    host: dict[str, Any],
    *,
    access: dict[str, Any] | None = None,
    dvs: dict[str, Any] | None = None,
    vmx: str | None = None,
) -> Assessment:
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    writer.add(
        "vmware/hosts/host-1.json", json.dumps({"name": "esx1", **host}).encode(), origin="t"
    )
    if access is not None:
        writer.add("vmware/access.json", json.dumps(access).encode(), origin="t")
    if dvs is not None:
        writer.add("vmware/dvs.json", json.dumps(dvs).encode(), origin="t")
    if vmx is not None:
        writer.add("vmware/vmx/host-1/vm-1.vmx", vmx.encode(), origin="t")
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _verdicts(a: Assessment, check_id: str) -> dict[str, tuple[str, str]]:
    return {
        r.outcome.subject.name: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check_id
    }


# --- V10-3: HVA-410 with SSH missing from the service list ------------------------------------------


def test_ssh_service_not_reported_is_not_a_pass(tmp_path: Path) -> None:
    """vSphere 8 STIG ESXI-80-000193 (ESXi Shell, service key TSM) and ESXI-80-000194 (SSH,
    TSM-SSH): stopped and policy off (checks-catalog SR04-ESX-01, service keys as in the SCG audit
    script). A host record whose config.service lists TSM (stopped, off) but not TSM-SSH says
    nothing about SSH; HVA-431 already treats "a service absent from the host's list" as not
    known to be off. HVA-410 built its failures from the services present only and passed "TSM
    and TSM-SSH stopped, policy off". Right: a manual item naming TSM-SSH."""
    a = _vsphere(tmp_path, {"services": {"TSM": {"running": False, "policy": "off"}}})
    assert _verdicts(a, "HVA-410")["esx1"] == (
        "manual",
        "evidence unavailable: TSM-SSH not in the host's service list",
    )


def test_ssh_and_shell_reported_off_pass(tmp_path: Path) -> None:
    """Twin of V10-3 (held): both reported stopped with policy off: pass."""
    off = {"running": False, "policy": "off"}
    a = _vsphere(tmp_path, {"services": {"TSM": off, "TSM-SSH": off}})
    assert _verdicts(a, "HVA-410")["esx1"] == ("pass", "TSM and TSM-SSH stopped, policy off")


# --- V10-4: HVA-416 and guest operations on the root folder -----------------------------------------


def _access(privileges: list[str]) -> dict[str, Any]:
    """AuthorizationManager's roles and permissions as collect/vsphere.py records them: a custom
    role 1001 with `privileges`, granted to CORP\\helpdesk on the root folder, propagated."""
    return {
        "root": "group-d1",
        "roles": {"1001": {"name": "GuestOps", "privileges": ["System.Read", *privileges]}},
        "permissions": [
            {
                "entity": "group-d1",
                "entity_type": "Folder",
                "principal": "CORP\\helpdesk",
                "group": True,
                "role": "1001",
                "propagate": True,
            }
        ],
    }


def test_guest_operations_on_the_root_folder(tmp_path: Path) -> None:
    """vSphere Web Services API (read with `search`): StartProgramInGuest "Required privileges:
    VirtualMachine.GuestOperations.Execute", InitiateFileTransferToGuest "...Modify",
    InitiateFileTransferFromGuest "...Query". A role holding them on the root folder, propagated,
    runs programs in and copies files into and out of every VM of the inventory (with guest
    credentials): inventory-wide VM administration, what HY-SR-13 (HVA-416) keeps per VM, folder
    or pool. VM_ADMIN_PREFIXES had Config, Interact, Inventory, Provisioning and State only, so
    the grant was not a VM role and HVA-416 passed "0 VM role grant(s), none on the root folder
    or a datacenter". Right: fail naming the grant."""
    a = _vsphere(
        tmp_path,
        {},
        access=_access(
            ["VirtualMachine.GuestOperations.Execute", "VirtualMachine.GuestOperations.Modify"]
        ),
    )
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "fail",
        "VM administration granted inventory-wide: CORP\\helpdesk (GuestOps on the root folder)",
    )


def test_read_only_custom_role_on_the_root_folder_passes(tmp_path: Path) -> None:
    """Twin of V10-4 (held): a role that only reads (System.Read) on the root folder administers
    no VM: pass."""
    a = _vsphere(tmp_path, {}, access=_access([]))
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "pass",
        "0 VM role grant(s), none on the root folder, a data center folder, a datacenter, its "
        "top VM folder, a host folder, a cluster or a host",
    )


# --- V10-5: distributed port groups: macManagementPolicy and its override ---------------------------


def _dv_portgroup(
    *, forged_mac: bool = False, mac_override: bool = False
) -> tuple[list[Any], dict[str, Any]]:
    """A distributed switch and port group as pyVmomi returns them (real vim data objects), run
    through collect/vsphere.py's _dvs_record: the legacy securityPolicy rejects everything and
    securityPolicyOverrideAllowed is False; macManagementPolicy.forgedTransmits and
    macManagementOverrideAllowed are the probe's."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    reject = vim.BoolPolicy(value=False)
    port = dvs.VmwarePortConfigPolicy(
        securityPolicy=dvs.SecurityPolicy(
            allowPromiscuous=reject, macChanges=reject, forgedTransmits=reject
        ),
        macManagementPolicy=dvs.MacManagementPolicy(
            allowPromiscuous=False, macChanges=False, forgedTransmits=forged_mac
        ),
        vlan=dvs.VlanIdSpec(vlanId=120),
    )
    switch = vim.DistributedVirtualSwitch("dvs-7")
    props = {
        "name": "dv-app",
        "key": "dvportgroup-12",
        "config.defaultPortConfig": port,
        "config.distributedVirtualSwitch": switch,
        "config.policy": dvs.VMwarePortgroupPolicy(
            securityPolicyOverrideAllowed=False,
            macManagementOverrideAllowed=mac_override,
            vlanOverrideAllowed=False,
        ),
        "config.uplink": False,
    }
    record = _dvs_record(
        [(switch, {"name": "DSwitch-hv", "config.defaultPortConfig": port})],
        {"dvportgroup-12": props},
    )
    return [switch], record


@pytest.mark.parametrize(
    ("forged_mac", "mac_override", "message"),
    [
        (True, False, "distributed port group dv-app accepts forged transmits"),
        (
            False,
            True,
            "distributed port group dv-app accepts each port may override the port group's "
            "security policy",
        ),
    ],
    ids=["mac-management-forged", "mac-management-override"],
)
def test_distributed_mac_management_policy(
    tmp_path: Path, forged_mac: bool, mac_override: bool, message: str
) -> None:
    """vSphere API reference, VMwareDVSPortSetting (read with `search`): securityPolicy is
    "Deprecated. As of vSphere API 6.7, use DVSMacManagementPolicy"; macManagementPolicy (since
    6.7) holds allowPromiscuous, macChanges and forgedTransmits as plain booleans.
    VMwareDVSPortgroupPolicy: securityPolicyOverrideAllowed "Deprecated. As of vSphere API 6.7.1,
    use macManagementOverrideAllowed", which allows "the setting of macManagementPolicy for an
    individual port to override the setting in defaultPortConfig of a portgroup" (checks-catalog
    SR19-ESX-03: "read both"). The collector read securityPolicy and its override flag only: a
    port group whose macManagementPolicy accepts forged transmits, or whose ports may override it,
    passed HVA-417 "rejects promiscuous mode, MAC address changes and forged transmits" (vCenter
    STIG VCSA-80-000269 and the override rule VCSA-80-000301 want them rejected and locked).
    Right: fail."""
    _, record = _dv_portgroup(forged_mac=forged_mac, mac_override=mac_override)
    a = _vsphere(tmp_path, {}, dvs=json.loads(json.dumps(record)))
    assert _verdicts(a, "HVA-417")["dv-app"] == ("fail", message)


def test_distributed_policies_rejected_in_both_places_pass(tmp_path: Path) -> None:
    """Twin of V10-5 (held): both policies reject, no override: pass."""
    _, record = _dv_portgroup()
    a = _vsphere(tmp_path, {}, dvs=json.loads(json.dumps(record)))
    assert _verdicts(a, "HVA-417")["dv-app"] == (
        "pass",
        "distributed port group dv-app rejects promiscuous mode, MAC address changes and forged "
        "transmits",
    )


# --- V10-6: HVA-442: VM Home encrypted is not the disks encrypted -----------------------------------


def _encrypted_home_vm(disk_key: bool) -> str:
    """A VM as render_vmx renders it from pyVmomi objects: config.keyId set (the VM Home files'
    key) and one VirtualDisk on a flat backing, with or without its own keyId."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    key = vim.encryption.CryptoKeyId(
        keyId="8f1c", providerId=vim.encryption.KeyProviderId(id="nkp")
    )
    backing = vim.vm.device.VirtualDisk.FlatVer2BackingInfo(
        fileName="[ds1] vm-1/vm-1.vmdk", diskMode="persistent", keyId=key if disk_key else None
    )
    devices = [
        vim.vm.device.ParaVirtualSCSIController(key=1000, busNumber=0),
        vim.vm.device.VirtualDisk(key=2000, controllerKey=1000, unitNumber=0, backing=backing),
        vim.vm.device.VirtualTPM(key=11000),
    ]
    props = {
        "name": "vm-1",
        "config.uuid": "4221aa00-0000-4000-8000-000000000442",
        "config.keyId": key,
        "config.hardware.device": devices,
        "config.extraConfig": [],
    }
    return render_vmx(props, {})


def test_vtpm_home_encryption_is_not_disk_encryption(tmp_path: Path) -> None:
    """vSphere 8.0 Virtual Machine Administration, "Virtual Trusted Platform Module Overview"
    (docs.vmware.com, read with `search`): "A vTPM depends on virtual machine encryption to secure
    vital TPM data ... When you configure a vTPM, the virtual machine files are encrypted but not
    the disks", and "Only the virtual machine files (VM Home) are encrypted". config.keyId is that
    VM Home key; a disk's own is VirtualDiskFlatVer2BackingInfo.keyId (CryptoKeyId: "Property of
    ... VirtualDiskFlatVer2BackingInfo, VirtualMachineConfigInfo"; VmDiskFileEncryptionInfo:
    "Unset if the virtual disk is not encrypted"). A VM with a vTPM and a plain disk passed HVA-442
    "encrypted (key nkp/8f1c)": its disk, the data, is readable off the datastore. Right: the
    check's manual question (is the datastore encrypted?), saying the disk is not."""
    a = _vsphere(tmp_path, {}, vmx=_encrypted_home_vm(disk_key=False))
    assert _verdicts(a, "HVA-442")["vm-1"] == (
        "manual",
        "VM Home encrypted (key nkp/8f1c); 1 of 1 disk(s) not encrypted with VM encryption",
    )


def test_vm_and_disks_encrypted_pass(tmp_path: Path) -> None:
    """Twin of V10-6 (held in substance): VM Home and its disk encrypted: pass."""
    a = _vsphere(tmp_path, {}, vmx=_encrypted_home_vm(disk_key=True))
    assert _verdicts(a, "HVA-442")["vm-1"] == (
        "pass",
        "encrypted (key nkp/8f1c), and each of its 1 disk(s)",
    )


def test_offline_key_safe_does_not_show_the_disks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """V10-6 offline: a .vmx's encryption.keySafe is the VM Home files' key safe (as above, a vTPM
    puts one there with the disks unencrypted); whether the disks are encrypted is not in the
    .vmx. HVA-442 passed "encrypted (key in the key safe)". Right: manual."""
    got = _vmx_scan(
        tmp_path, capsys, _with('encryption.keySafe = "vmware:key/list/(pair/(null/x))"')
    )
    assert got[("HVA-442", "web-01")] == (
        "manual",
        "VM Home encrypted (key in the key safe); whether its disks are is not in the evidence",
    )


# --- V10-7: HVA-050 on ESXi asks about ESXi's interrupt remapper, not Linux's vfio ------------------


def test_esxi_passthrough_asks_about_iovdisableir(tmp_path: Path) -> None:
    """Broadcom KB 317585 (VMware KB 2149592, "ESXi IO connectivity issues or PSOD with VT-d
    interrupt remapper disabled", read with `search`): "The ESXi host has the VT-d interrupt
    remapper disabled (ESXi boot option iovDisableIR set to TRUE)", and without the remapper
    "ESXi performs I/O device interrupt migration by modifying the PCI MSI/MSI-X registers in the
    I/O device(s)"; `esxcli system settings kernel list -o iovDisableIR` shows it. ESXi has no
    vfio_iommu_type1. A VM passing through an active DirectPath I/O device (the IOMMU shown by
    pciPassthruInfo) was asked "Does vfio_iommu_type1 on host esx1 refuse an IOMMU without
    interrupt remapping? Evidence: `cat /sys/module/vfio_iommu_type1/...` ... /etc/modprobe.d",
    which no ESXi host can answer (and "but not collected" said nothing about what). Right: the
    same manual item asking for iovDisableIR."""
    host = {
        "pci_passthrough": [
            {
                "id": "0000:3b:00.0",
                "dependent": "",
                "capable": True,
                "enabled": True,
                "active": True,
            }
        ]
    }
    vmx = 'displayName = "vm-1"\npciPassthru0.present = "TRUE"\npciPassthru0.id = "0000:3b:00.0"\n'
    a = _vsphere(tmp_path, host, vmx=vmx)
    (r,) = [r for r in a.results if r.check.id == "HVA-050"]
    assert (r.status.value, r.outcome.message) == (
        "manual",
        "IOMMU active; each IOMMU group of pci 0000:3b:00.0 goes wholly to this VM or is unused; "
        "but the VMkernel boot option iovDisableIR (ESXi's VT-d interrupt remapper) is not read",
    )
    assert r.outcome.question == (
        "Does ESXi host esx1 use the VT-d interrupt remapper? Evidence: `esxcli system settings "
        "kernel list -o iovDisableIR` there (Configured and Runtime). Pass: FALSE in both; fail: "
        "TRUE (interrupt remapping off: a passed-through device's interrupts are not remapped)."
    )


# --- V10-8: HVA-031 and a network serial port the VM serves on the host -----------------------------

SERVED_SERIAL = (
    'serial0.present = "TRUE"',
    'serial0.fileType = "network"',
    'serial0.fileName = "telnet://:2001"',
    'serial0.network.endPoint = "server"',
)
# no host version (VNC until ESXi 7.0): RemoteDisplay.vnc.enabled is the host's question (L16-10)
SERIAL_QUESTION_MESSAGE = (
    "no RemoteDisplay.vnc.enabled in the .vmx (the host's /etc/vmware/config decides); but "
    "network serial port(s) served on the host: serial0 (telnet://:2001)"
)


def test_network_serial_port_served_on_the_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """libvirt's src/vmx/vmx.c (its table of .vmx keys, read with `find_string`/`read_file`):
    "serials: network, server (since vSphere 4.1)": `serial0.fileType = "network"`,
    `serial0.fileName = "<protocol>://<host>:<service>"` (e.g. "telnet://0.0.0.0:42001"),
    `serial0.network.endPoint = "server"` ("defaults to "server""), `serial0.vspc` ("defaults
    to <not present>"); the corpus's serial-network-client.vmx is the client twin. vSphere API,
    VirtualSerialPortURIBackingInfo (read with `search`): "A network serial port is a virtual
    serial port that uses a network socket on the host computer"; as a server the VM "accepts a
    connection"; telnet:// is "telnet over TCP" and tcp:// "unencrypted TCP connection". The VM's
    serial console listens on the ESXi host, plaintext and without a password. HVA-031's VMware
    branch knew only RemoteDisplay.vnc and passed "no RemoteDisplay.vnc.enabled = TRUE: the
    console is reached through vSphere only". Right: a question for the host firewall's 'VM
    serial port connected over network' service and the URI scheme (ESXi blocks it unless
    opened), never a pass. (HVA-047 already fails the serial port as a legacy device; HVA-031 is
    the console's exposure.)"""
    got = _vmx_scan(tmp_path, capsys, _with(*SERVED_SERIAL))
    assert got[("HVA-031", "web-01")] == ("manual", SERIAL_QUESTION_MESSAGE)


def test_network_serial_port_through_a_concentrator_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of V10-8 (held): with a virtual serial port concentrator (`serial0.vspc`) the VM
    connects out to the concentrator and "forwards the direction and serviceURI" to it
    (VirtualSerialPortURIBackingInfo): nothing listens on the host. HVA-031 passes as before."""
    vnc_off = 'RemoteDisplay.vnc.enabled = "FALSE"'  # else the host's question (L16-10)
    got = _vmx_scan(
        tmp_path, capsys, _with(*SERVED_SERIAL, 'serial0.vspc = "telnet://vspc:13370"', vnc_off)
    )
    assert got[("HVA-031", "web-01")] == own_keys(  # V17-1: the host's settings file decides
        (
            "pass",
            "no RemoteDisplay.vnc.enabled = TRUE: the console is reached through vSphere only",
        ),
        "offline-vmx",
    )


def test_network_serial_port_from_the_api(tmp_path: Path) -> None:
    """V10-8 through the vSphere collector: a VirtualSerialPort with a URIBackingInfo
    (serviceURI telnet://:2001, direction server, no proxyURI) was rendered as `serial0.present`
    only, and HVA-031 passed. Right: the same manual item as offline."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    port = vim.vm.device.VirtualSerialPort(
        key=9000,
        backing=vim.vm.device.VirtualSerialPort.URIBackingInfo(
            serviceURI="telnet://:2001", direction="server"
        ),
    )
    props = {"name": "vm-1", "config.hardware.device": [port], "config.extraConfig": []}
    a = _vsphere(tmp_path, {}, vmx=render_vmx(props, {}))
    assert _verdicts(a, "HVA-031")["vm-1"] == (
        "manual",
        SERIAL_QUESTION_MESSAGE,
    )


# --- V10-9: HVA-418 and VLANs physical switches reserve ----------------------------------------------

SECURE = {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": False}


@pytest.mark.parametrize("vlan", [1002, 4094], ids=["catalyst-1002", "catalyst-nexus-4094"])
def test_port_group_on_a_reserved_vlan(tmp_path: Path, vlan: int) -> None:
    """DISA vSphere 8.0 vCenter STIG V-258941 (VCSA-80-000274) and vSphere 7.0 ESXi STIG
    V-256426 (ESXI-70-000065, standard switches), read with `search`: "Certain physical switches
    reserve certain VLAN IDs for internal purposes and often disallow traffic configured to these
    values. For example, Cisco Catalyst switches typically reserve VLANs 1001 to 1024 and 4094,
    while Nexus switches typically reserve 3968 to 4094 ... Using a reserved VLAN might result in
    a denial of service on the network ... If any port group is configured with a reserved VLAN
    ID, this is a finding." HVA-418's docstring cites "the vSphere 8 Security Configuration
    Guide's port-group VLAN rules (native VLAN, VGT, reserved VLANs)" but passed "port group
    Backup on VLAN {vlan}". Which ids are reserved depends on the switch model: right is a
    question naming the VLAN."""
    pg = {
        "name": "Backup",
        "switch": "vSwitch0",
        "vlan": [vlan],
        "trunk": False,
        "security": SECURE,
    }
    a = _vsphere(tmp_path, {"portgroups": [pg]})
    assert _verdicts(a, "HVA-418")["Backup"] == (
        "manual",
        f"port group Backup is on VLAN {vlan}, which physical switches often reserve",
    )


def test_port_group_on_an_ordinary_vlan_passes(tmp_path: Path) -> None:
    """Twin of V10-9 (held): VLAN 120 passes."""
    pg = {"name": "Backup", "switch": "vSwitch0", "vlan": [120], "trunk": False, "security": SECURE}
    a = _vsphere(tmp_path, {"portgroups": [pg]})
    assert _verdicts(a, "HVA-418")["Backup"] == ("pass", "port group Backup is on VLAN 120")


# --- V10-10: HVA-412 and system rulesets whose IP list ESXi keeps fixed ------------------------------


def _firewall(configurable: bool | None) -> dict[str, Any]:
    """A host firewall as pyVmomi returns it (vim.host.FirewallInfo), through collect/vsphere.py's
    _host_record: incoming blocked, sshServer limited to 10.0.0.0/24, and a second enabled
    ruleset (called dhcp here) open to all addresses with ipListUserConfigurable `configurable`."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    ip = vim.host.Ruleset.IpList
    info = vim.host.FirewallInfo(
        defaultPolicy=vim.host.FirewallInfo.DefaultPolicy(
            incomingBlocked=True, outgoingBlocked=True
        ),
        ruleset=[
            vim.host.Ruleset(
                key="sshServer",
                label="SSH Server",
                required=False,
                enabled=True,
                rule=[vim.host.Ruleset.Rule(port=22, direction="inbound", protocol="tcp")],
                allowedHosts=ip(
                    allIp=False,
                    ipNetwork=[vim.host.Ruleset.IpNetwork(network="10.0.0.0", prefixLength=24)],
                ),
                ipListUserConfigurable=True,
            ),
            vim.host.Ruleset(
                key="dhcp",
                label="DHCP Client",
                required=False,
                enabled=True,
                rule=[vim.host.Ruleset.Rule(port=68, direction="inbound", protocol="udp")],
                allowedHosts=ip(allIp=True),
                ipListUserConfigurable=configurable,
            ),
        ],
    )
    record = _host_record({"name": "esx1", "config.firewall": info}, {})
    return json.loads(json.dumps({"firewall": record["firewall"]}))


def test_system_ruleset_with_a_fixed_ip_list(tmp_path: Path) -> None:
    """vSphere Web Services API 8.0U3, HostFirewallRuleset (read with `search`):
    ipListUserConfigurable, "Flag indicating whether user can modify the allowed IP list of the
    firewall ruleset. Since vSphere API Release 8.0.2.0". The vSphere 8 STIG's firewall rule
    ESXI-80-000239 applies to the rulesets whose list a user can configure
    (/work/shared/reference/checks-catalog.md SR19-ESX-02: "rules are user- or system-owned since
    8.0U2; the STIG applies only to user-configurable ones"). A hardened 8.0 U2 host whose every
    configurable ruleset is limited, with a system ruleset whose list ESXi keeps open to all, was
    failed "1 enabled ruleset(s) open to any address: dhcp": a finding no administrator can
    remove. Right: pass, naming that ruleset."""
    a = _vsphere(tmp_path, _firewall(configurable=False))
    assert _verdicts(a, "HVA-412")["esx1"] == (
        "manual",  # V17-2: whether the firewall is enabled is not in the API
        "incoming and outgoing blocked; every enabled ruleset a user may restrict is limited to "
        "listed networks; 1 system ruleset(s) ESXi keeps open to all (ipListUserConfigurable "
        "false): dhcp; whether the firewall is enabled is not in the vSphere API",
    )


@pytest.mark.parametrize("configurable", [True, None], ids=["configurable", "older-host"])
def test_configurable_ruleset_open_to_all_still_fails(
    tmp_path: Path, configurable: bool | None
) -> None:
    """Twin of V10-10 (held): a ruleset a user may restrict, or one of a host older than 8.0 U2
    (the flag unset), open to all still fails."""
    a = _vsphere(tmp_path, _firewall(configurable=configurable))
    assert _verdicts(a, "HVA-412")["esx1"] == (
        "fail",
        "1 enabled ruleset(s) open to any address: dhcp",
    )


# --- V10-11: HVA-050 and an SR-IOV passthrough NIC from the API --------------------------------------


def test_sriov_passthrough_nic_is_passthrough(tmp_path: Path) -> None:
    """vSphere API (read with `search`): VirtualSriovEthernetCard is "a SR-IOV enabled Ethernet
    card"; its sriovBacking, VirtualSriovEthernetCardSriovBackingInfo, "contains information
    about the SR-IOV physical function and virtual function backing for a passthrough NIC", each
    a VirtualPCIPassthroughDeviceBackingInfo; VirtualMachineSriovInfo extends
    VirtualMachinePciPassthroughInfo. The VF is a PCI function the guest drives directly (DMA),
    judged by HVA-050 like libvirt's <interface type='hostdev'> ("sr-iov/pci network function"
    is one of its DMA kinds). render_vmx wrote the card as `ethernet0.virtualDev = "sriov"` only
    and HVA-050 said "no device passthrough" (not applicable) for a VM that has one. Right: judged
    as passthrough of the VF: here the ESXi question, the VF not being in the host's
    pciPassthruInfo."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    function = vim.vm.device.VirtualPCIPassthrough.DeviceBackingInfo
    card = vim.vm.device.VirtualSriovEthernetCard(
        key=4000,
        backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network"),
        sriovBacking=vim.vm.device.VirtualSriovEthernetCard.SriovBackingInfo(
            physicalFunctionBacking=function(
                id="0000:3b:00.0", deviceId="0", systemId="x", vendorId=0, deviceName=""
            ),
            virtualFunctionBacking=function(
                id="0000:3b:10.1", deviceId="0", systemId="x", vendorId=0, deviceName=""
            ),
        ),
    )
    props = {"name": "vm-1", "config.hardware.device": [card], "config.extraConfig": []}
    host = {
        "pci_passthrough": [
            {
                "id": "0000:3b:00.0",
                "dependent": "",
                "capable": True,
                "enabled": True,
                "active": True,
            }
        ]
    }
    a = _vsphere(tmp_path, host, vmx=render_vmx(props, {}))
    assert _verdicts(a, "HVA-050")["vm-1"] == (
        "manual",
        "IOMMU active for pci 0000:3b:10.1; 0000:3b:10.1 is in no IOMMU group on this host; "
        "but the VMkernel boot option iovDisableIR (ESXi's VT-d interrupt remapper) is not read",
    )


# --- V10-12: HVA-419 and a host synchronised by PTP ---------------------------------------------------


def _ptp_host(ptpd_running: bool, ptp: Any = None) -> dict[str, Any]:
    """A host record from collect/vsphere.py's _host_record over a real vim.host.DateTimeInfo
    (systemClockProtocol ptp, no NTP server, ptpConfig `ptp`: a vim.host.PtpConfig or None) with
    ntpd stopped and ptpd as given."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    info = vim.host.DateTimeInfo(
        ntpConfig=vim.host.NtpConfig(server=[]), systemClockProtocol="ptp", ptpConfig=ptp
    )
    service = vim.host.ServiceInfo(
        service=[
            vim.host.Service(
                key=k, label=k, required=False, uninstallable=False, running=r, policy=p
            )
            for k, r, p in (("ntpd", False, "off"), ("ptpd", ptpd_running, "on"))
        ]
    )
    record = _host_record(
        {"name": "esx1", "config.dateTimeInfo": info, "config.service": service}, {}
    )
    return json.loads(json.dumps({k: record[k] for k in ("ntp", "services")}))


def test_clock_synchronised_by_ptp(tmp_path: Path) -> None:
    """vSphere 7.0 host management (docs.vmware.com, read with `search`): "configure the time
    settings of the ESXi host manually or synchronize the time and date of the host with an NTP or
    PTP server"; HostDateTimeInfo.systemClockProtocol, "The system clock synchronization
    protocol" (HostDateTimeInfoProtocolEnum; ptpConfig "Since vSphere API Release 7.0.3.0").
    checks-catalog SR20-ESX-04 (vSphere 8 STIG ESXI-80-000124): "PTP instead of NTP is
    acceptable". A host on PTP with ptpd running and started with the host was failed "no NTP
    server configured; ntpd stopped, policy off". Right: pass, naming PTP."""
    a = _vsphere(tmp_path, _ptp_host(ptpd_running=True))
    assert _verdicts(a, "HVA-419")["esx1"] == (
        # V17-4: not a fail, and no pass either: ptpd's PTP port (ptpConfig) not reported
        "manual",
        "clock protocol PTP, ptpd running, policy on; its PTP port (config.dateTimeInfo."
        "ptpConfig) was not reported",
    )


def test_ptp_with_its_daemon_stopped_fails(tmp_path: Path) -> None:
    """Twin of V10-12: PTP chosen but ptpd stopped: fail (was a fail for NTP's reasons)."""
    a = _vsphere(tmp_path, _ptp_host(ptpd_running=False))
    assert _verdicts(a, "HVA-419")["esx1"] == (
        "fail",
        "clock protocol PTP, but ptpd stopped, policy on",
    )


# --- V10-13: HVA-433 and a VM port group that trunks the management VLAN -----------------------------


def _mgmt_host(extra_pg: dict[str, Any]) -> dict[str, Any]:
    """A host record as collect/vsphere.py writes it: vmk0 (management) on "Management
    Network", VLAN 20, and one VM port group `extra_pg`."""
    mgmt = {
        "name": "Management Network",
        "switch": "vSwitch0",
        "vlan": [20],
        "trunk": False,
        "security": SECURE,
    }
    return {
        "portgroups": [mgmt, extra_pg],
        "vmknics": [{"device": "vmk0", "portgroup": "Management Network", "dvs_portgroup": ""}],
        "vmknic_traffic": {"management": ["vmk0"]},
    }


def test_management_vlan_trunked_to_guests_by_vgt(tmp_path: Path) -> None:
    """HVA-418's own docstring and vSphere 8 STIG ESXI-80-000220: a port group on VLAN 4095 hands
    every VLAN to its guests (Virtual Guest Tagging), "which can then tag their way into other
    segments"; HVA-433's (ESXI-80-000198; vSphere Networking, "Securing System Traffic": isolate
    management traffic "in a network that only network and security administrators can
    access") VLAN "of its own" is then reachable from that port group's guests. _vmknic_vlans
    compared VLAN ids exactly (4095 != 20) and HVA-433 passed "management alone on vmk0 VLAN
    20". Right: fail, naming the trunking port group."""
    vgt = {"name": "Trunk", "switch": "vSwitch0", "vlan": [], "trunk": True, "security": SECURE}
    a = _vsphere(tmp_path, _mgmt_host(vgt))
    assert _verdicts(a, "HVA-433")["esx1"] == (
        "fail",
        "vmk0 VLAN 20 shared with port group Trunk (VLAN 4095: every VLAN)",
    )


def test_management_vlan_in_a_distributed_trunk(tmp_path: Path) -> None:
    """V10-13 with a distributed port group trunking VLANs 10-30 (VmwareDistributedVirtualSwitch
    TrunkVlanSpec): its vlan_of was None, so it was not counted at all. Right: fail."""
    dvs = {
        "switches": [],
        "portgroups": [
            {
                "key": "dvportgroup-9",
                "name": "dv-trunk",
                "switch": "DSwitch",
                "uplink": False,
                "security": SECURE,
                "vlan": {"kind": "trunk", "ranges": [[10, 30]]},
                "overrides": {},
            }
        ],
    }
    host = _mgmt_host(
        {
            "name": "VM Network",
            "switch": "vSwitch0",
            "vlan": [40],
            "trunk": False,
            "security": SECURE,
        }
    )
    a = _vsphere(tmp_path, host, dvs=dvs)
    assert _verdicts(a, "HVA-433")["esx1"] == (
        "fail",
        "vmk0 VLAN 20 shared with distributed port group dv-trunk (trunk 10-30)",
    )


def test_management_vlan_outside_every_trunk_passes(tmp_path: Path) -> None:
    """Twin of V10-13 (held): the VM port group on VLAN 40 only: pass."""
    host = _mgmt_host(
        {
            "name": "VM Network",
            "switch": "vSwitch0",
            "vlan": [40],
            "trunk": False,
            "security": SECURE,
        }
    )
    a = _vsphere(tmp_path, host)
    assert _verdicts(a, "HVA-433")["esx1"] == ("pass", "management alone on vmk0 VLAN 20")


# --- V10-14: a VM on a distributed port group whose ports may override its VLAN or policy ---------


def _dv_override_scan(tmp_path: Path, **overrides: bool) -> Assessment:
    """A VM (render_vmx) with one vmxnet3 NIC on distributed port group dv-app (VLAN 120,
    everything rejected), whose VMwareDVSPortgroupPolicy has `overrides`; the host record's and
    dvs.json's entries as collect/vsphere.py writes them."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    nic = vim.vm.device.VirtualVmxnet3(
        key=4000,
        macAddress="00:50:56:aa:00:01",
        backing=vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(
            port=vim.dvs.PortConnection(portgroupKey="dvportgroup-12", switchUuid="u")
        ),
    )
    dvpgs = {"dvportgroup-12": {"name": "dv-app"}}
    props = {"name": "vm-1", "config.hardware.device": [nic], "config.extraConfig": []}
    vmx = render_vmx(props, dvpgs)
    host = {
        "portgroups": [
            {"name": "dv-app", "switch": "dvs", "vlan": [120], "trunk": False, "security": SECURE}
        ]
    }
    dvs = {
        "switches": [],
        "portgroups": [
            {
                "key": "dvportgroup-12",
                "name": "dv-app",
                "switch": "DSwitch",
                "uplink": False,
                "security": SECURE,
                "vlan": {"kind": "vlan", "id": 120},
                "overrides": {
                    "securityPolicyOverrideAllowed": False,
                    "macManagementOverrideAllowed": False,
                    "vlanOverrideAllowed": False,
                    **overrides,
                },
            }
        ],
    }
    return _vsphere(tmp_path, host, dvs=dvs, vmx=vmx)


def test_vm_port_may_override_its_vlan(tmp_path: Path) -> None:
    """vSphere API, VMwareDVSPortgroupPolicy (read with `search`): vlanOverrideAllowed, "Allow
    the setting of vlanId, trunk vlanId, or pvlanId for an individual port to override the
    setting in defaultPortConfig of a portgroup". With it the VM's own distributed port may carry
    a trunk; hvaudit reads the port group's default only (HVA-418 fails the port group for the
    override), yet HVA-192 told the VM's auditor "1 interface(s), none trunked". Right: a question
    for the VM's port."""
    a = _dv_override_scan(tmp_path, vlanOverrideAllowed=True)
    assert _verdicts(a, "HVA-192")["vm-1"] == (
        "manual",
        "00:50:56:aa:00:01: distributed port group dv-app lets each port override its VLAN "
        "(vlanOverrideAllowed); the VM's own port is not read",
    )


def test_vm_port_may_override_its_security_policy(tmp_path: Path) -> None:
    """Same source: securityPolicyOverrideAllowed / macManagementOverrideAllowed let the VM's
    port accept forged transmits whatever the port group says. HVA-191 credited the port group
    ("stops MAC spoofing") and asked only about IP and ARP. Right: the port's policy is not
    known (a manual item saying so)."""
    a = _dv_override_scan(tmp_path, macManagementOverrideAllowed=True)
    status, message = _verdicts(a, "HVA-191")["vm-1"]
    assert (status, message) == (
        "manual",
        "distributed port group dv-app lets each port override its security policy; the VM's "
        "own port is not read",
    )


def test_vm_on_a_locked_distributed_port_group(tmp_path: Path) -> None:
    """Twin of V10-14 (held): no override allowed: HVA-192 passes as before."""
    a = _dv_override_scan(tmp_path)
    assert _verdicts(a, "HVA-192")["vm-1"] == ("pass", "1 interface(s), none trunked")


# --- V10-15: HVA-423 and passwdqc's similar=permit ----------------------------------------------------

PASSWORD_POLICY = {
    "Security.AccountLockFailures": 3,
    "Security.AccountUnlockTime": 900,
    "Security.PasswordHistory": 5,
}


def test_password_policy_permitting_similar_passwords(tmp_path: Path) -> None:
    """passwdqc.conf(5) / pam_passwdqc(8) (read with `search`/`find_string`): "similar=permit|deny
    ... whether a new password is allowed to be similar to the old one" (default deny). The
    vSphere 8 Security Configuration Guide / STIG ESXI-80-000035 value (Tenable's SCG 8.0 audit,
    read with `search`): "similar=deny retry=3 min=disabled,disabled,disabled,disabled,15
    max=64". With similar=permit a user may change `Winter-2026-Pass!` to `Winter-2027-Pass!`.
    HVA-423 read the length only and passed "locks after 3 failures for 900 s; history 5".
    Right: fail naming similar=permit."""
    quality = "similar=permit retry=3 min=disabled,disabled,disabled,disabled,15 max=64"
    a = _vsphere(
        tmp_path,
        {"advanced": PASSWORD_POLICY | {"Security.PasswordQualityControl": quality}},
    )
    assert _verdicts(a, "HVA-423")["esx1"] == (
        "fail",
        "Security.PasswordQualityControl lets a new password be similar to the old "
        "(similar=permit)",
    )


def test_password_policy_of_the_stig_passes(tmp_path: Path) -> None:
    """Twin of V10-15 (held): the STIG's string passes; so does one without similar= (deny is
    passwdqc's default)."""
    for quality in (
        "similar=deny retry=3 min=disabled,disabled,disabled,disabled,15 max=64",
        "retry=3 min=disabled,disabled,disabled,disabled,15",
    ):
        a = _vsphere(
            tmp_path / str(len(quality)),
            {"advanced": PASSWORD_POLICY | {"Security.PasswordQualityControl": quality}},
        )
        assert _verdicts(a, "HVA-423")["esx1"] == (
            "pass",
            "locks after 3 failures for 900 s; history 5",
        )
