"""Red-team round 11 on VMware: the ESXi host records, HVA-401..443 and the generic VM checks as
they read a VMware model, beyond rounds 10 (tests/test_redteam10_vmw_probes.py) and its leads
(tests/test_vmw_leads.py). Each probe names the source it rests on (read with `search`,
`find_string`, `read_file`) and asserts the exact verdict; each finding's probe failed on the code
before its fix (main e38dc2c).

Findings:

- V11-1 (false pass): HVA-425 passed a host whose lockdown exception users list named accounts,
  as long as they and the host administrators numbered at most the profile's limit. vSphere 8
  STIG ESXI-80-000201 makes any exception user that does not need special permissions a finding
  (the list is empty by default); whether each does is not in the evidence, so a non-empty list
  within the limit is now a question naming the users.
- V11-2 (wrong fail on a hardened host): HVA-422 failed a joined host whose
  Config.HostAgent.plugins.hostsvc.esxAdminsGroup is empty as "the default 'ESX Admins'". The
  vSphere 8 STIG (ESXI-80-000241) finds only the value 'ESX Admins', and its first release's fix
  sets the option to the empty string.
- V11-3 (other: a false reason in an n/a): a VM given a USB device attached to its ESXi host
  (VirtualUSB with VirtualUSBUSBBackingInfo or VirtualUSBRemoteHostBackingInfo) was "no device
  passthrough" for HVA-050: the collector wrote the backing's type, the .vmx model did not read
  it. The device is now a USB passthrough of the model (HVA-050 stays n/a, with the reason that
  USB stays host-mediated); a client's device (RemoteClient backing) is not one.

Probes: 14 test cases (7 functions). 3 failed on the code before their fix (one per finding);
11 held, passing before and after: the three twins marked "(held)" (an empty exception list,
'ESX Admins' in another case, a client's USB device) and 8 insecure extremes of ESXi advanced
settings (shell time-out 0, lock-out 0 and unlock 0, Mem.ShareForceSalting 0, the MOB on,
Net.BlockGuestBPDU 0, a UDP syslog target among TLS ones, checkSSLCerts false,
execInstalledOnly false), each already failed.

Examined without a test, left as leads: tools.setInfo.sizeLimit = 0 passes HVA-402 as "at most
the 1 MB default" (what 0 means to the VMX is not settled by the sources read); no check reads
tools.guest.desktop.autolock, log.keepOld / log.rotateSize, ethernetN.filterN.name (VMCH dvFilter
rule) or Net.DVFilterBindIpAddress as a verdict (ESXI-80-000219: shown only as HVA-438's
evidence); HVA-427 reads the configured VMkernel.Boot.execInstalledOnly, not
whether the running boot has it nor its TPM enforcement (ESXI-80-000244's note); HVA-428 trusts
HostCapability.uefiSecureBoot as the boot state (its API description was not found).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_assessment
from hvaudit.bundle import BundleWriter
from hvaudit.collect.vsphere import render_vmx
from hvaudit.engine import Assessment


def _vsphere(tmp_path: Path, host: dict[str, Any]) -> Assessment:
    """One ESXi host record as collect/vsphere.py writes it (vmware/hosts/*.json)."""
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    writer.add(
        "vmware/hosts/host-1.json", json.dumps({"name": "esx1", **host}).encode(), origin="t"
    )
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _verdict(a: Assessment, check_id: str, subject: str = "esx1") -> tuple[str, str]:
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check_id and r.outcome.subject.name == subject
    ]
    return got


def _question(a: Assessment, check_id: str, subject: str = "esx1") -> str:
    (got,) = [
        r.outcome.question
        for r in a.results
        if r.check.id == check_id and r.outcome.subject.name == subject
    ]
    return str(got)


# --- V11-1: HVA-425 and the lockdown exception users -----------------------------------------------


def _access(exceptions: list[str]) -> dict[str, Any]:
    return {
        "host_access": {
            "entries": [{"principal": "root", "group": False, "mode": "accessAdmin"}],
            "lockdown_exceptions": exceptions,
        }
    }


def test_lockdown_exception_user_is_asked(tmp_path: Path) -> None:
    """vSphere 8 STIG ESXI-80-000201 (V-258760, read with `search`): "If the Exception Users list
    contains accounts that do not require special permissions, this is a finding. Note: The
    Exception Users list is empty by default and should remain that way except under
    site-specific circumstances" (a service account such as a backup agent). root plus one
    exception user (2, within the default limit of 3) passed HVA-425 whoever the user is.
    Right: a question naming the user."""
    a = _vsphere(tmp_path, _access(["CORP\\jsmith"]))
    assert _verdict(a, "HVA-425") == (
        "manual",
        "1 principal(s) with host administration (root); lockdown exceptions: CORP\\jsmith: "
        "whether each exception user needs to keep its permissions is not seen",
    )
    assert _question(a, "HVA-425").startswith(
        "Does each lockdown exception user of host esx1 (CORP\\jsmith) need to keep its "
        "permissions in lockdown mode"
    )


def test_empty_lockdown_exception_list_passes(tmp_path: Path) -> None:
    """Twin of V11-1 (held): the list empty, as ESXi ships it, and root alone: pass."""
    a = _vsphere(tmp_path, _access([]))
    assert _verdict(a, "HVA-425") == ("pass", "1 principal(s) with host administration (root)")


# --- V11-2: HVA-422 and an empty esxAdminsGroup --------------------------------------------------

GROUP = "Config.HostAgent.plugins.hostsvc.esxAdminsGroup"


def _joined(group: str) -> dict[str, Any]:
    ad = {"type": "ActiveDirectoryInfo", "enabled": True, "domain": "corp.example", "status": "ok"}
    return {"directory": [ad], "advanced": {GROUP: group}}


def test_empty_esx_admins_group_is_not_the_default(tmp_path: Path) -> None:
    """vSphere 8 STIG ESXI-80-000241 (V-258796, read with `search`): "If the
    "Config.HostAgent.plugins.hostsvc.esxAdminsGroup" setting is set to "ESX Admins", this is a
    finding"; the fix text of its first release (C-62536r933447_chk, SV-258796r933449_rule) runs
    `Set-AdvancedSetting -Value ""`. HVA-422 counted the empty value as the default group and
    failed the host so hardened. Right: pass."""
    a = _vsphere(tmp_path, _joined(""))
    assert _verdict(a, "HVA-422") == (
        "pass",
        f"joined to corp.example; {GROUP} is empty, not the default 'ESX Admins'",
    )


def test_esx_admins_group_in_other_case_fails(tmp_path: Path) -> None:
    """Twin of V11-2 (held): the default group, spelt in another case, still fails."""
    a = _vsphere(tmp_path, _joined("esx ADMINS"))
    assert _verdict(a, "HVA-422") == (
        "fail",
        f"joined to corp.example, but {GROUP} is the default 'ESX Admins'",
    )


# --- V11-3: a host USB device given to a VM ---------------------------------------------------------


def _usb_vm(tmp_path: Path, backing: Any) -> Assessment:
    from pyVmomi import vim

    usb = vim.vm.device.VirtualUSB(key=4000, backing=backing)
    props = {
        "name": "vm1",
        "config.uuid": "4211aabb-ccdd-eeff-0011-223344556677",
        "config.hardware.device": [vim.vm.device.VirtualUSBXHCIController(key=14000), usb],
    }
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    host = {"name": "esx1", "product": "VMware ESXi 8.0.2 build-22380479"}
    writer.add("vmware/hosts/host-1.json", json.dumps(host).encode(), origin="t")
    writer.add("vmware/vmx/host-1/vm-1.vmx", render_vmx(props, {}).encode(), origin="t")
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def test_host_usb_device_is_passthrough(tmp_path: Path) -> None:
    """vSphere API (read with `search`): VirtualUSB, "You can attach a USB device to an ESX host.
    The device is available to only one virtual machine at a time"; VirtualUSBUSBBackingOption,
    "a local connection where the virtual machine will remain on the host to which the USB
    device is attached". HVA-050 said "no device passthrough" for such a VM. Right: the USB
    device is passed through (not DMA-capable, so still n/a, with that reason)."""
    from pyVmomi import vim

    backing = vim.vm.device.VirtualUSB.USBBackingInfo(deviceName="path:1/0/3 version:2")
    a = _usb_vm(tmp_path, backing)
    assert _verdict(a, "HVA-050", "vm1") == (
        "not_applicable",
        "no DMA-capable (PCI) passthrough: usb devices stay host-mediated",
    )
    (vm,) = [v for v in a.deployment.vms if v.name == "vm1"]
    assert [(p.kind, p.address) for p in vm.passthrough] == [("usb", "path:1/0/3 version:2")]


def test_client_usb_device_is_not_the_hosts(tmp_path: Path) -> None:
    """Twin of V11-3 (held): a USB device of the vSphere Client's machine (RemoteClient backing,
    "Hostname of the remote client where the physical USB device resides") is no host device."""
    from pyVmomi import vim

    backing = vim.vm.device.VirtualUSB.RemoteClientBackingInfo(deviceName="x", hostname="pc1")
    a = _usb_vm(tmp_path, backing)
    assert _verdict(a, "HVA-050", "vm1") == ("not_applicable", "no device passthrough")


# --- held: ESXi advanced settings at their insecure extremes -------------------------------------


@pytest.mark.parametrize(
    ("check_id", "advanced", "want"),
    [
        # UserVars.ESXiShellInteractiveTimeOut 0 = never (vSphere 8 STIG ESXI-80-000068: 900)
        (
            "HVA-413",
            {
                "UserVars.ESXiShellInteractiveTimeOut": 0,
                "UserVars.ESXiShellTimeOut": 600,
                "UserVars.DcuiTimeOut": 600,
                "UserVars.HostClientSessionTimeout": 900,
            },
            ("fail", "UserVars.ESXiShellInteractiveTimeOut = 0 (want 1..900)"),
        ),
        # Security.AccountLockFailures 0 = never locks (ESXI-80-000005: 3); unlock 0 is no
        # automatic unlock (PAM's never), no longer a "want >= 900" fail (L16-15)
        (
            "HVA-423",
            {
                "Security.AccountLockFailures": 0,
                "Security.AccountUnlockTime": 0,
                "Security.PasswordHistory": 5,
                "Security.PasswordQualityControl": "similar=deny retry=3 "
                "min=disabled,disabled,disabled,disabled,15 max=64",
            },
            ("fail", "Security.AccountLockFailures = 0 (want 1..3)"),
        ),
        # KB 2097593: Mem.ShareForceSalting 0 = page sharing between every VM of the host
        ("HVA-414", {"Mem.ShareForceSalting": 0}, ("fail", "Mem.ShareForceSalting = 0")),
        (
            "HVA-415",
            {"Config.HostAgent.plugins.solo.enableMob": True},
            ("fail", "Config.HostAgent.plugins.solo.enableMob = True"),
        ),
        ("HVA-430", {"Net.BlockGuestBPDU": 0}, ("fail", "Net.BlockGuestBPDU = 0")),
        # "The protocol must be one of TCP, UDP, or SSL" (vSphere 7.0 ESXi upgrade guide,
        # Syslog.global.logHost, read with `search`): one UDP target among TLS ones fails
        (
            "HVA-420",
            {
                "Syslog.global.logHost": "ssl://log1:1514, udp://log2:514",
                "Syslog.global.certificate.checkSSLCerts": True,
            },
            ("fail", "not over TLS: udp://log2:514"),
        ),
        (
            "HVA-420",
            {
                "Syslog.global.logHost": "SSL://log1:1514",
                "Syslog.global.certificate.checkSSLCerts": False,
            },
            ("fail", "Syslog.global.certificate.checkSSLCerts = False: any server is trusted"),
        ),
        (
            "HVA-427",
            {"VMkernel.Boot.execInstalledOnly": False},
            ("fail", "VMkernel.Boot.execInstalledOnly = False"),
        ),
    ],
)
def test_insecure_advanced_settings_fail(
    tmp_path: Path, check_id: str, advanced: dict[str, Any], want: tuple[str, str]
) -> None:
    """Held probes: each value is the insecure extreme of a setting (0 = never, 0 = share
    across VMs, UDP among TLS targets, certificates unchecked), each failed before this round."""
    a = _vsphere(tmp_path, {"advanced": advanced})
    assert _verdict(a, check_id) == want
