"""Leads 18, VMware: leads round 17 left (tests/test_redteam17_vmw_probes.py, tests/
test_vmw_leads16.py "Leads left"): /etc/vmware/settings beyond the eight checks V17-1 withheld.
Sources read with `find_string` / `search`; each finding's test failed on main a43ab20 before
its fix.

Findings:

- L18-3 (false pass): HVA-047 ("no floppy, IDE, sound, ..."), HVA-065 ("vtpm.present = TRUE:
  the VM's own virtual TPM") and HVA-066 ("UEFI Secure Boot with enrolled keys: firmware =
  efi, uefi.secureBoot.enabled = TRUE") passed a VMware VM on keys its own .vmx sets, as the
  eight checks V17-1 withheld did. DISA's vSphere 8 STIG ESXI-80-000236 (V-258791; VCF 9
  VCFE-9X-000232): "a vmx process will look in two locations for configuration items, the
  ESXi host itself and the per-vm *.vmx file ... The settings on the ESXi host are read first
  and take precedence over settings in the *.vmx file": device presence (`sound.present`,
  `floppy0.present`), `vtpm.present`, `firmware` and `uefi.secureBoot.enabled` are such
  configuration items. Now their passes are withheld as HVA-444's question of the host, and
  an attestation answering HVA-444 yes restores them (hvaudit.waivers._answer_host_settings,
  unchanged). Fails stand.

- L18-4 (wrong n/a; session-14 leads helper, second VMware set): HVA-192 said "no network
  interface" for a VM whose only NIC is an Ethernet function passed through with DirectPath I/O
  (VirtualPCIPassthrough; vSphere Networking 8.0: it "allows virtual machine access to physical
  PCI functions"): the collector rendered pciPassthru0 alone and read no device class. Now the
  host record carries each function's HostPciDevice.classId (0x0200 Ethernet, the govmomi
  simulator's ESXi 8.0.2 capture), a Dynamic DirectPath device is rendered with its assignedId,
  and HVA-192 asks the VLAN question for a function of network or unknown class on every
  platform (<hostdev type='pci'> too: network._whole_functions, as HVA-193 reads them). On the
  simulator web-01's X710 function is not among the host's devices: asked (test_vsphere).

- L18-5 (false pass; session-14 third VMware leads helper): HVA-436 ("The hypervisor is
  bare-metal (Type 1)") passed "VMware ESXi ...: bare-metal VMkernel, no host OS" on the product
  name alone, for an ESXi that is itself a VM. VMware KB 2009916: "VMware does not support
  running nested ESXi/ESX servers in production environments" (in Workstation/Fusion, in ESXi,
  in third-party hypervisors); 2014 HY-SR-1 (reference/sp800-125a.md section 3: Type 1, no host
  OS beneath). The collector now retrieves hardware.systemInfo (vim.host.SystemInfo vendor
  "Hardware vendor identification", model "System model identification"); a virtual platform
  (systemd virt.c's DMI prefixes VMware/VMW/QEMU/KVM/Xen/..., VirtualBox, Microsoft Corporation
  Virtual Machine; govmomi's capture "VMware, Inc." / "VMware Virtual Platform") fails, a host
  whose systemInfo was not read is asked, a server passes naming it. tests/vcsim's hardened
  host is now a Dell PowerEdge R750; the weak one keeps the capture (test_vsphere).

- L18-6 (false pass): render_vmx copied an extraConfig entry of a key it renders from an API
  property whenever the property did not render it, so HVA-441 passed "encrypted vMotion
  required" on extraConfig migrate.encryptionMode = "required" for a VM whose
  config.migrateEncryption was not reported; uefi.secureBoot.enabled = TRUE in extraConfig beside
  the API's efiSecureBootEnabled false was HVA-066's withheld pass. Which of the two hostd honours
  was not found in the sources (vSphere API: extraConfig is text "transferred directly to the
  .vmx file"; the properties are hostd's report), so vhv.enable, uefi.secureBoot.enabled and
  migrate.encryptionMode are now taken from the API only (collect.vsphere.API_OWNED): HVA-441
  says the property was not reported, HVA-066 fails as the API says.

Held (kept as tests): HVA-056 ("VM is not given the host's TPM") passes on vtpm.present =
TRUE: ESXi has no host-TPM passthrough, so no host setting turns the pass; the fails stand
(no vtpm.present, BIOS firmware, a floppy). L18-4: a GPU passed through (class 0x0300) stays "no network
interface"; an SR-IOV passthrough adapter (VirtualSriovEthernetCard) takes its port group's VLAN
and passes as its NIC, its VF not asked again.

L18-5: a server (Dell) and an Amazon EC2 metal
instance pass; the collector records vendor and model.

Probed by script, not kept (the verdict was right): a disabled ESXi firewall and HVA-419/420/421.
HostFirewallInfo has defaultPolicy and ruleset only (no enabled flag; HVA-412's docstring), so an
off firewall is HVA-412's question. With outgoing blocked and the syslog/ntpClient rulesets
restricted to lists, HVA-419/420 pass only for targets inside the lists; a firewall that is
off lets that traffic out too, so no pass rests on it being on. HVA-412 stayed manual ("whether
the firewall is enabled is not in the vSphere API"). HVA-441's pass on migrate.encryptionMode was left as it is: the
API's VirtualMachineConfigSpecEncryptedVMotionModes ("required: Allow only encrypted vMotion.
If the source or destination host does not support vMotion encryption, do not allow the
vMotion to occur") is applied to the migration by vCenter and the hosts from the VM's
configuration as hostd reports it; whether the vmx process's reading of the host file takes
part was not found (a lead).

Tally: 5 cases for L18-3; 4 failed on main a43ab20 (the three withheld passes and the
attestation that restores two of them), 1 held. L18-4: 4 cases; 3 failed on main 3e0edd1 (the
network-class and class-not-collected functions, the collector), 1 held. L18-5: 7 cases; 7 failed on main
b858d92 (five platforms, the machine not reported, the collector in the held case). L18-6: 1 case
(three keys), failed on main c7a29d9.

Leads left (not settled in the time): HVA-441 and /etc/vmware/settings (who reads
migrate.encryptionMode). HVA-420/421's "blocked" fail assumes the firewall is on (a host whose
firewall was disabled sends the logs; its HVA-412 asks). L18-5: a virtual platform outside the
prefixes (Nutanix AHV, an unknown vendor) still passes HVA-436. L18-6: other keys render_vmx
takes from the API when set (firmware, monitor.virtual_exec, sched.*) still take an extraConfig
entry when the property is unset. From the second VMware leads
set, not probed:
- render_vmx and extraConfig: vhv.enable, uefi.secureBoot.enabled and migrate.encryptionMode
  are rendered from the API only when set, so an extraConfig entry of the same key speaks
  otherwise (HVA-049/HVA-066); which one hostd honours was not settled.
- config.ptpConfig still not collected (HVA-419 asks; a host with a PTP port could pass).
- a disabled ESXi firewall and HVA-419/420/421's reading of its rulesets (V17-2's lead).
- passwdqc max= / random= in Security.PasswordQualityControl.
- HVA-433/434 and vlanOverrideAllowed (vmware._alone).
- HVA-416: a grant on a host inside a DRS cluster and the VMs of the cluster's resource pools.
- L18-4's edges: a vGPU (VirtualPCIPassthroughVmiopBackingInfo) renders pciPassthruN.id "?",
  so HVA-192 asks about it as a function of unknown class; a powered-off Dynamic DirectPath
  device has no assignedId ("?", asked too); HVA-191 (spoofing) still says "no bridged or
  virtual-network interface" for a VM whose only NIC is passed through whole, on every
  platform.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pvevmw_leads15 import _offline
from test_redteam17_vmw_probes import own_keys

LEGACY_PASS = (
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
    "(VMware SVGA) video or USB tablet, mouse or keyboard"
)
KEYS = (
    'virtualHW.version = "19"\nsound.present = "FALSE"\nfloppy0.present = "FALSE"\n'
    'usb.present = "FALSE"\nvtpm.present = "TRUE"\nfirmware = "efi"\n'
    'uefi.secureBoot.enabled = "TRUE"\n'
)


@pytest.mark.parametrize(
    ("check", "was"),
    [
        ("HVA-047", LEGACY_PASS),
        ("HVA-065", "vtpm.present = TRUE: the VM's own virtual TPM"),
        (
            "HVA-066",
            "UEFI Secure Boot with enrolled keys: firmware = efi, uefi.secureBoot.enabled = TRUE",
        ),
    ],
)
def test_l18_3_own_keys_ask_the_host_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], check: str, was: str
) -> None:
    """Was pass `was`. ESXI-80-000236: the host's /etc/vmware/settings is read first and its
    "configuration items" take precedence over the .vmx's: `sound.present = "TRUE"` there
    adds a sound card, `uefi.secureBoot.enabled = "FALSE"` turns Secure Boot off for every
    VM. Right: the host's question (V17-1's form), the pass withheld."""
    from hvaudit.checks.vmware import settings_question

    got = _offline(tmp_path, capsys, {"a1": KEYS}, check)
    assert got == [
        ("a1", *own_keys(("pass", was), "offline-vmx"), settings_question("offline-vmx"))
    ]


def test_l18_3_held_host_tpm_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: HVA-056's pass does not rest on the key (ESXi passes no host TPM to a VM); a VM
    without the keys still fails HVA-047 (the floppy a .vmx without floppy0.present keeps),
    HVA-065 and HVA-066."""
    got = {}
    for check in ("HVA-056", "HVA-047", "HVA-065", "HVA-066"):
        (tmp_path / check).mkdir()
        for name, status, message, _ in _offline(
            tmp_path / check, capsys, {"a1": KEYS, "b2": 'virtualHW.version = "19"\n'}, check
        ):
            got[(check, name)] = (status, message)
    assert got[("HVA-056", "a1")] == ("pass", "vtpm.present = TRUE: a virtual TPM of the VM's own")
    assert got[("HVA-047", "b2")] == ("fail", "emulated legacy devices: floppy drive")
    assert got[("HVA-065", "b2")] == ("fail", "no virtual TPM (no vtpm.present = TRUE)")
    assert got[("HVA-066", "b2")] == ("fail", "BIOS firmware: no Secure Boot")


def test_l18_3_attested_empty_restores_the_passes(tmp_path: Path) -> None:
    """One HVA-444 "yes" for host esx1 restores the withheld passes of L18-3, naming the
    attestation (hvaudit.waivers._answer_host_settings)."""
    from test_redteam13_vmw_probes import _vsphere
    from test_redteam17_vmw_probes import BY, _attest, _host

    a = _vsphere(tmp_path, _host("VMware ESXi 8.0.2"), vmx='displayName = "vm-1"\n' + KEYS)
    before = {r.check.id: r.status.value for r in a.results if r.check.id in ("HVA-065", "HVA-066")}
    assert before == {"HVA-065": "manual", "HVA-066": "manual"}
    _attest(a, tmp_path, "yes")
    said = (
        f"/etc/vmware/settings on host esx1 empty, attested ('yes' to HVA-444) by {BY} on "
        "2026-12-01 (stat -c %s /etc/vmware/settings: 0); observed: "
    )
    got = {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-065", "HVA-066")
    }
    assert got == {
        "HVA-065": ("pass", f"{said}vtpm.present = TRUE: the VM's own virtual TPM"),
        "HVA-066": (
            "pass",
            f"{said}UEFI Secure Boot with enrolled keys: firmware = efi, "
            "uefi.secureBoot.enabled = TRUE",
        ),
    }


# --- L18-4: HVA-192 and a NIC passed through whole (DirectPath I/O) ---------------------------------

WHOLE_QUESTION = (
    "Is the traffic of each PCI function 0000:04:00.0 of VM vm-1 held to one VLAN outside the "
    "hypervisor? Evidence: on host esx1, the function's class and whether it is an SR-IOV VF "
    "(vSphere Client: host > Configure > Hardware > PCI Devices; Linux: `lspci -nn -s ADDR`, "
    "`readlink /sys/bus/pci/devices/ADDR/physfn`), then a VF's port VLAN on its physical "
    "function, or the physical switch port a whole NIC is cabled to. Pass: yes, no network "
    "function, a VF with a port VLAN, or a NIC on an access port; fail: no, a VF without a port VLAN, or a NIC "
    "on a trunk port, so the guest can tag its own frames onto any VLAN the port carries."
)
WHOLE = (
    "passed through whole: a network function is the guest's own NIC, on no port group or "
    "bridge, with every VLAN its physical port carries (a VF: unless its physical function "
    "gives it a port VLAN)"
)
# the host's PCI functions as the collector records HostPciDevice.classId (base class and
# subclass): the govmomi simulator's ESXi 8.0.2 capture gives its E810 Ethernet functions 512
PCI_CLASSES = {"0000:04:00.0": 0x0200, "0000:3b:00.0": 0x0300, "0000:0b:10.0": 0x0200}


def _devices() -> dict[str, object]:
    from pyVmomi import vim

    d = vim.vm.device
    nic = d.VirtualPCIPassthrough(
        key=13000,
        backing=d.VirtualPCIPassthrough.DeviceBackingInfo(
            id="0000:04:00.0", deviceId="4735", vendorId=-32634, systemId="s", deviceName="E810"
        ),
    )
    gpu = d.VirtualPCIPassthrough(
        key=13001,
        backing=d.VirtualPCIPassthrough.DeviceBackingInfo(
            id="0000:3b:00.0", deviceId="1", vendorId=1, systemId="s", deviceName="GPU"
        ),
    )
    sriov = d.VirtualSriovEthernetCard(
        key=4000,
        macAddress="00:50:56:aa:bb:cc",
        backing=d.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network"),
        sriovBacking=d.VirtualSriovEthernetCard.SriovBackingInfo(
            virtualFunctionBacking=d.VirtualPCIPassthrough.DeviceBackingInfo(id="0000:0b:10.0")
        ),
    )
    return {"nic": nic, "gpu": gpu, "sriov": sriov}


def _hva192(tmp_path: Path, devices: list[object], host: dict[str, object]) -> tuple[str, ...]:
    from hvaudit.collect.vsphere import render_vmx
    from test_redteam13_vmw_probes import _vsphere as vsphere13

    vmx = render_vmx({"name": "vm-1", "config.hardware.device": devices}, {})
    a = vsphere13(tmp_path, {"product": "VMware ESXi 8.0.2", **host}, vmx=vmx)
    (r,) = [x for x in a.results if x.check.id == "HVA-192"]
    return (r.status.value, r.outcome.message, r.outcome.question or "")


@pytest.mark.parametrize(
    ("classes", "what"),
    [
        (PCI_CLASSES, "network class 0x020000"),
        (None, "class not collected: hardware.pciDevice not reported"),
    ],
    ids=["network-class", "class-not-collected"],
)
def test_l18_4_nic_passed_through_whole_is_asked(
    tmp_path: Path, classes: dict[str, int] | None, what: str
) -> None:
    """L18-4: vSphere Networking 8.0, "DirectPath I/O": it "allows virtual machine access to
    physical PCI functions", "Enable Passthrough for a Network Device on a Host" (read with
    `search`): a VirtualPCIPassthrough of an Ethernet function is the guest's own NIC, on no
    port group, carrying what its physical port carries. The collector rendered it as
    pciPassthru0 only and HVA-192 said "no network interface" (n/a). Right: the function's
    class is read (HostPciDevice.classId, "The class of this PCI": 0x0200 Ethernet, the
    govmomi simulator's ESXi 8.0.2 capture esx/host_hardware_info.go, read with `read_file`)
    and a network function, or one whose class is not known, is the question of its VLAN."""
    host = {"pci_classes": classes} if classes is not None else {}
    assert _hva192(tmp_path, [_devices()["nic"]], host) == (
        "manual",
        f"PCI function(s) 0000:04:00.0 ({what}) {WHOLE}",
        WHOLE_QUESTION,
    )


def test_l18_4_held_gpu_and_sriov_adapter(tmp_path: Path) -> None:
    """Held: a GPU passed through (class 0x0300) is no network interface (n/a stands); an SR-IOV
    passthrough adapter (VirtualSriovEthernetCard) takes its port group's VLAN (vSphere
    Networking 6.5/6.7, "Networking Options for the Traffic Related to an SR-IOV Enabled Virtual
    Machine": VLAN tagging mode is configured "in the standard or distributed switch"; "The host
    validates all properties of the virtual machine adapter and the underlying virtual function
    against the settings of the port group", read with `search`): its VF is not asked again."""
    dev = _devices()
    host = {
        "pci_classes": PCI_CLASSES,
        "portgroups": [{"name": "VM Network", "switch": "vSwitch0", "vlan": [10], "trunk": False}],
    }
    (tmp_path / "g").mkdir()
    assert _hva192(tmp_path / "g", [dev["gpu"]], host) == (
        "not_applicable",
        "no network interface",
        "",
    )
    assert _hva192(tmp_path, [dev["sriov"]], host) == ("pass", "1 interface(s), none trunked", "")


def test_l18_4_collector_reads_classes_and_dynamic_directpath() -> None:
    """L18-4, the collector: the host record carries each PCI function's classId (a negative
    xsd:short is the unsigned value, as the API says of vendorId), and a Dynamic DirectPath I/O
    device (VirtualPCIPassthroughDynamicBackingInfo, vSphere API 7.0: assignedId "The id of the
    device assigned when the VM is powered on", no id) is rendered with the function it was
    given, not "?"."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record, render_vmx

    record = _host_record(
        {
            "hardware.pciDevice": [
                vim.host.PciDevice(id="0000:04:00.0", classId=512),
                vim.host.PciDevice(id="0000:AF:00.0", classId=-1),
            ]
        },
        {},
    )
    assert record["pci_classes"] == {"0000:04:00.0": 0x0200, "0000:af:00.0": 0xFFFF}
    d = vim.vm.device
    dyn = d.VirtualPCIPassthrough(
        key=13002,
        backing=d.VirtualPCIPassthrough.DynamicBackingInfo(
            assignedId="0000:04:00.1", deviceName=""
        ),
    )
    vmx = render_vmx({"name": "vm-1", "config.hardware.device": [dyn]}, {})
    assert 'pciPassthru0.id = "0000:04:00.1"\n' in vmx


# --- L18-5: HVA-436 and a nested ESXi (hardware.systemInfo) ------------------------------------------

NESTED_FAIL = (
    "VMware ESXi 8.0.2 build-22380479 runs in a virtual machine (hardware.systemInfo: {}): a "
    "nested hypervisor on another hypervisor, not bare metal (VMware KB 2009916: not supported "
    "in production)"
)


def _hva436(
    tmp_path: Path, system: dict[str, str] | None, cpuid: str | None = "0"
) -> tuple[str, str, str | None]:
    """HVA-436 on one host record; cpuid is hardware.cpuFeature's hypervisor-present bit
    (L19-1V: a pass rests on it being clear)."""
    from test_redteam13_vmw_probes import _vsphere

    host: dict[str, object] = {
        "product": "VMware ESXi 8.0.2 build-22380479",
        "build": "22380479",
        "cpuid_hypervisor": cpuid,
    }
    if system is not None:
        host["system"] = system
    a = _vsphere(tmp_path, host)
    (r,) = [r for r in a.results if r.check.id == "HVA-436"]
    return r.status.value, r.outcome.message, r.outcome.question


@pytest.mark.parametrize(
    ("vendor", "model"),
    [
        ("VMware, Inc.", "VMware Virtual Platform"),
        ("VMware, Inc.", "VMware7,1"),
        ("VMware, Inc.", "VMware20,1"),
        ("QEMU", "Standard PC (Q35 + ICH9, 2009)"),
        ("Microsoft Corporation", "Virtual Machine"),
    ],
)
def test_l18_5_nested_esxi_fails(tmp_path: Path, vendor: str, model: str) -> None:
    """Was pass "VMware ESXi 8.0.2 build-22380479: bare-metal VMkernel, no host OS": HVA-436
    read config.product alone. VMware KB 2009916: "VMware does not support running nested
    ESXi/ESX servers in production environments" (in Workstation/Fusion, in ESXi, in
    third-party hypervisors); SP 800-125A (2014) HY-SR-1 wants a Type 1 hypervisor with no
    host OS beneath it, and a nested ESXi has a whole hypervisor beneath it. hardware.systemInfo
    (vim.host.SystemInfo vendor/model) names the VM's virtual platform (govmomi's capture:
    "VMware, Inc." / "VMware Virtual Platform"; systemd virt.c's DMI prefixes). Right: fail."""
    got = _hva436(tmp_path, {"vendor": vendor, "model": model})
    assert got == ("fail", NESTED_FAIL.format(f"{vendor} {model}"), None)


def test_l18_5_machine_not_reported_is_asked(tmp_path: Path) -> None:
    """Was the same pass with hardware.systemInfo not in the record (a bundle of an older
    collector, or a server that did not answer): the product says nothing of the machine.
    Right: the question of the machine, not a pass."""
    status, message, question = _hva436(tmp_path, None)
    assert (status, message) == (
        "manual",
        "VMware ESXi 8.0.2 build-22380479: VMkernel without a host OS; the machine it runs on "
        "(hardware.systemInfo) was not reported",
    )
    assert question is not None
    assert question.startswith(
        "Does host esx1's ESXi run directly on server hardware, not in a virtual machine? "
        "Evidence: the vSphere Client, host esx1 > Summary > Hardware (Manufacturer, Model), or "
        "`esxcli hardware platform get`"
    )


def test_l18_5_held_server_passes_and_collector_reads_system_info(tmp_path: Path) -> None:
    """Held: a server (Dell Inc. PowerEdge R750; Amazon EC2 metal, on which VMware Cloud on AWS
    runs ESXi, is not taken for a VM) passes naming the machine. The collector records
    hardware.systemInfo's vendor and model."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import HOST_PATHS, _host_record

    (tmp_path / "d").mkdir()
    assert _hva436(tmp_path / "d", {"vendor": "Dell Inc.", "model": "PowerEdge R750"}) == (
        "pass",
        "VMware ESXi 8.0.2 build-22380479: bare-metal VMkernel, no host OS, on Dell Inc. "
        "PowerEdge R750",
        None,
    )
    assert _hva436(tmp_path, {"vendor": "Amazon EC2", "model": "i4i.metal"})[0] == "pass"
    assert "hardware.systemInfo" in HOST_PATHS
    info = vim.host.SystemInfo(vendor="VMware, Inc.", model="VMware7,1", uuid="u")
    record = _host_record({"hardware.systemInfo": info}, {})
    assert record["system"] == {"vendor": "VMware, Inc.", "model": "VMware7,1"}
    assert _host_record({}, {})["system"] is None


# --- L18-6: API-owned keys in extraConfig -----------------------------------------------------------


def test_l18_6_extra_config_does_not_speak_for_api_properties(tmp_path: Path) -> None:
    """Was pass "encrypted vMotion required": config.migrateEncryption not reported, an
    extraConfig entry migrate.encryptionMode = "required" rendered in its place; HVA-441 passed
    on it alone. Which of the two hostd honours is not documented (the API's
    VirtualMachineConfigSpecEncryptedVMotionModes is applied from the VM's configuration as
    hostd reports it; extraConfig is text "transferred directly to the .vmx file"). Right: the
    key is the API's only; HVA-441 says the property was not reported. The same for
    uefi.secureBoot.enabled (API efiSecureBootEnabled false: HVA-066 fails as the API says,
    was a withheld pass) and vhv.enable (never rendered from extraConfig)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx
    from test_redteam13_vmw_probes import _vsphere

    ov = vim.option.OptionValue
    extra = [
        ov(key="migrate.encryptionMode", value="required"),
        ov(key="uefi.secureBoot.enabled", value="TRUE"),
        ov(key="vhv.enable", value="FALSE"),
    ]
    props = {
        "name": "vm-1",
        "config.firmware": "efi",
        "config.bootOptions": vim.vm.BootOptions(efiSecureBootEnabled=False),
        "config.extraConfig": extra,
    }
    vmx = render_vmx(props, {})
    assert "migrate.encryptionMode" not in vmx and "uefi.secureBoot" not in vmx
    assert "vhv.enable" not in vmx
    a = _vsphere(tmp_path, {"product": "VMware ESXi 8.0.2 build-1", "build": "1"}, vmx=vmx)
    got = {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-441", "HVA-066")
    }
    assert got["HVA-441"] == (
        "manual",
        "evidence unavailable: config.migrateEncryption (migrate.encryptionMode) not reported",
    )
    assert got["HVA-066"][0] == "fail"
    # the API's own values still render
    vmx = render_vmx({**props, "config.migrateEncryption": "required"}, {})
    assert 'migrate.encryptionMode = "required"\n' in vmx
