"""VMware .vmx files into the deployment model, so the platform-neutral checks apply unchanged.

Defaults are VMware's for a key that is absent: one vCPU (`numvcpus`), 32 MiB (`memsize`, as
libvirt's VMX driver assumes), no reservation (`sched.cpu.min`, `sched.mem.min` = 0), no limit
(`sched.*.max` = unlimited), shares `normal`. Shares `normal` is no priority, written or not: it
is the level every VM gets unless one is chosen (vSphere Resource Management, "Resource Allocation
Shares": "the default CPU and memory share values for a virtual machine", Normal = 1000 per vCPU,
10 per MB of memory; SharesInfo.Level), ESXi and vCenter write `sched.cpu.shares = "normal"` and
`sched.mem.shares = "normal"` into the .vmx of every VM they create, and shares are relative
("you always specify the priority for that virtual machine relative to other powered-on virtual
machines"): normal everywhere gives no VM precedence. The vSphere collector's rendering of
SharesInfo level normal reads the same. A NIC's port-group security policy and VLAN live on the host or the
distributed switch, never in the .vmx, so they are unavailable evidence here, not a pass.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import PurePosixPath
from typing import Any

from hvaudit.bundle import Bundle
from hvaudit.errors import InputError
from hvaudit.model import (
    VGPU,
    Deployment,
    Disk,
    Fact,
    Graphics,
    Host,
    HostFacts,
    Interface,
    Listen,
    Network,
    Passthrough,
    Setting,
    Source,
    SpoofProtection,
    Vm,
    VmwareHost,
    VmwareVm,
)
from hvaudit.parse import ParseProblem, collection_notes
from hvaudit.parse.host import parse_host_facts
from hvaudit.parse.vmx import OWN_PREFIX, VmxFile, parse_vmx, vmx_bool
from hvaudit.textsafe import digits

__all__ = ["ESXI_INTERRUPT_REMAPPING", "OFFLINE_HOST", "build_vmx_deployment", "vmx_to_vm"]

OFFLINE_HOST = "offline-vmx"
ESXI_INTERRUPT_REMAPPING = (
    "the VMkernel boot option iovDisableIR (ESXi's VT-d interrupt remapper) is not read"
)
DEFAULT_MEMORY_MIB = 32
HOST_USB_BACKINGS = ("VirtualUSBUSBBackingInfo", "VirtualUSBRemoteHostBackingInfo")
DISK_BUS = re.compile(r"(scsi|ide|sata|nvme)[0-9]+:[0-9]+")


def _setting(
    vmx: VmxFile, artefact: str, key: str, label: str, *, unset: tuple[str, ...]
) -> Setting | None:
    value = vmx.get(key)
    if value is None or value.strip().lower() in unset:
        return None
    return Setting(f"{label} {value.strip()}", Source(artefact, f"line {vmx.lines[key]}: {key}"))


SHARES_LEVELS = ("low", "high")
"""The share levels other than normal (SharesInfo.Level; `custom` is written as its number)."""


def _shares(
    vmx: VmxFile, artefact: str, key: str, label: str, normal: tuple[int, str]
) -> tuple[Setting | None, str]:
    """A VM's CPU or memory shares as a priority (HVA-090, HVA-070), and why they are none where
    they give the VM no precedence (R33V-2). SharesInfo.Level (vSphere API, read with
    `search`): normal is "For CPU: Shares = 1000 * number of virtual CPUs For Memory: Shares =
    10 * virtual machine memory size in megabytes", low 500 and 5, high 2000 and 20; custom
    shares are that number. Shares are relative, so a custom number equal to the VM's normal
    level (`normal`: the number, and how it is reckoned) is the share of every VM left at
    normal, as a cgroup weight equal to the default is on Linux (R30T-2). A value that is
    neither a level nor a number of shares ("", "medium") names no priority."""
    raw = vmx.get(key)
    value = (raw or "").strip().lower()
    if raw is None or value == "normal":
        return None, ""
    if value in SHARES_LEVELS or (digits(value) and int(value) != normal[0]):
        return _setting(vmx, artefact, key, label, unset=()), ""
    if digits(value):
        return None, (
            f"{key} = {raw.strip()} is the normal level ({normal[1]}), the share of every VM "
            "left at normal"
        )
    return None, f"{key} = {raw.strip()[:40]!r} names no share level or number of shares"


def _json_object(bundle: Bundle, path: str) -> dict[str, Any]:
    data = json.loads(bundle.text(path))
    return data if isinstance(data, dict) else {}


def _is_template(vmx: VmxFile, artefact: str) -> bool:
    """A VM template: a .vmtx file, or a .vmx the vSphere collector marked (config.template)."""
    return artefact.lower().endswith(".vmtx") or vmx.flag(f"{OWN_PREFIX}template")


def vmx_to_vm(
    vmx: VmxFile, artefact: str, host: str, portgroups: dict[str, str] | None = None
) -> Vm:
    """One VM from its .vmx. `portgroups`: the host's distributed port groups, key -> the name
    of their Network, for a NIC whose `dvs.portgroupId` names one (V13-3)."""

    def at(key: str) -> Source:
        return Source(artefact, f"line {vmx.lines.get(key.lower(), 0)}: {key}")

    name = vmx.get("displayname") or PurePosixPath(artefact).stem
    # A template (config.template from the API, a .vmtx file offline) "cannot be powered on"
    # (vSphere Web Services SDK Programming Guide, "Creating Virtual Machine Templates"), and a VM
    # deployed from it gets its virtual hardware and properties: assessed as a powered-off VM,
    # named as a template so the report says which subjects are templates.
    template = _is_template(vmx, artefact)
    if template:
        name = f"{name} (template)"
    memory = vmx.number("memsize") or DEFAULT_MEMORY_MIB
    vcpus = vmx.number("numvcpus") or 1
    interfaces, disks, passthrough, legacy, unnamed = [], [], [], [], []
    for nic_id, nic in sorted(vmx.prefixed(r"ethernet[0-9]+").items()):
        if not vmx_bool(nic.get("present", "FALSE")):
            continue
        kind = nic.get("connectiontype", "bridged").lower()
        source = nic.get("networkname") or nic.get("dvs.portgroupid") or kind
        if portgroups and nic.get("dvs.portgroupid") in portgroups:
            source = portgroups[nic["dvs.portgroupid"]]
        if nic.get("virtualdev", "").lower() in ("vlance", "flexible"):
            # VMware KB 1001805: "Vlance: An emulated version of the AMD 79C970 PCnet32 LANCE
            # NIC"; "Flexible" boots as a Vlance adapter. The pcnet model HVA-047 names legacy.
            legacy.append("pcnet NIC (vlance)")
        elif not nic.get("virtualdev", "").strip():
            # R33V-3: libvirt's src/vmx/vmx.c key table (read with `read_file`): `ethernet0.
            # virtualDev = "<model>"  # default depends on guestOS value`; the table of those
            # defaults was not found, and a NIC without the key may be the vlance (pcnet) one
            unnamed.append(f"{nic_id} (no virtualDev; guestOS {vmx.get('guestos') or 'unset'})")
        function = vmx.get(f"{OWN_PREFIX}{nic_id}.sriovFunction")
        if function is not None:
            # an SR-IOV passthrough NIC (vSphere API VirtualSriovEthernetCard, rendered by the
            # collector): its virtual function is a PCI function passed through to the VM
            passthrough.append(Passthrough("pci", function, at(f"{nic_id}.present")))
        mac = nic.get("generatedaddress") or nic.get("address")
        interfaces.append(
            Interface(
                type="network",
                source=source,
                mac=mac,
                model=nic.get("virtualdev", "vlance").lower(),
                filter=None,
                filter_parameters=(),
                vlan_tags=(),
                vlan_trunk=False,
                trust_guest_rx_filters=False,
                macvtap_mode=None,
                port_isolated=None,
                virtualport=None,
                bandwidth_limited=False,
                source_ref=at(f"{nic_id}.present"),
                spoofing=Fact[SpoofProtection].unavailable(
                    f"port group {source!r}: its security policy (forged transmits, MAC address "
                    "changes, promiscuous mode) is kept by the ESXi host or vCenter, not the .vmx",
                    at(f"{nic_id}.present"),
                ),
            )
        )
    for dev_id, dev in sorted(vmx.prefixed(DISK_BUS.pattern).items()):
        if not vmx_bool(dev.get("present", "FALSE")):
            continue
        kind = dev.get("devicetype", "disk").lower()
        disks.append(
            Disk(
                device="cdrom" if kind.startswith("cdrom") or kind == "atapi-cdrom" else "disk",
                bus=dev_id.rstrip("0123456789:").rstrip("0123456789"),
                source=dev.get("filename"),
                readonly=False,
                io_limited=False,
                source_ref=at(f"{dev_id}.present"),
            )
        )
        if dev_id.startswith("ide"):
            legacy.append("IDE bus")
        # the host's CD drive in passthrough mode (cdrom-raw: "Raw passthru device access",
        # vSphere Automation API Cdrom.DeviceAccessType) is passed through; atapi-cdrom is the
        # same drive emulated ("ATAPI or SCSI device emulation"), an ordinary CD-ROM to the guest
        if kind in ("cdrom-raw", "scsi-passthru", "rawdisk"):
            passthrough.append(
                Passthrough("block", dev.get("filename", "?"), at(f"{dev_id}.present"))
            )
    for pci_id, pci in sorted(vmx.prefixed(r"pcipassthru[0-9]+").items()):
        if vmx_bool(pci.get("present", "FALSE")):
            # a vGPU names its profile (pciPassthruN.vgpu), no host function (L19-3D)
            vgpu = pci.get("vgpu")
            address = pci.get("id") or pci.get("deviceid") or "?"
            if vgpu and address == "?":
                address = f"{VGPU}{vgpu}"
            passthrough.append(Passthrough("pci", address, at(f"{pci_id}.present")))
    for kind, pattern, label in (
        ("serial", r"serial[0-9]+", "serial port"),
        ("parallel", r"parallel[0-9]+", "parallel port"),
        ("floppy", r"floppy[0-9]+", "floppy drive"),
    ):
        found = vmx.prefixed(pattern)
        if kind == "floppy":
            # "floppy0.present defaults to true. Therefore, it needs to be explicitly set to
            # false when the XML config doesn't specify the corresponding floppy device"
            # (libvirt commit 4a39762, src/vmx/vmx.c virVMXFormatConfig: "floppy[0..1].present
            # defaults to true, disable it explicitly"; read with `search`/`read_file`); ESXi
            # writes floppy0.present = "FALSE" into the .vmx of a VM without one. A .vmx with no
            # floppy0 key at all has the drive (V14-5).
            found.setdefault("floppy0", {})
        for dev_id, dev in sorted(found.items()):
            # floppy0 is present unless switched off; serial and parallel ports only when on
            default = "TRUE" if kind == "floppy" else "FALSE"
            if not vmx_bool(dev.get("present", default)):
                continue
            legacy.append(label)
            if dev.get("filetype", "").lower() == "device" and kind != "floppy":
                passthrough.append(
                    Passthrough(kind, dev.get("filename", "?"), at(f"{dev_id}.present"))
                )
    if vmx.flag("sound.present"):
        legacy.append("sound card")
    # USB: a controller (usb = UHCI, ehci = USB 2, usb_xhci = USB 3) and devices usb:N
    if any(vmx.flag(k) for k in ("usb.present", "ehci.present", "usb_xhci.present")):
        legacy.append("USB controller")
    if any(vmx_bool(d.get("present", "FALSE")) for d in vmx.prefixed(r"usb:[0-9]+").values()):
        legacy.append("USB device")
    for usb_id, usb in sorted(vmx.prefixed(r"usb:[0-9]+").items()):
        # a USB device attached to the ESXi host, given to this VM (the vSphere collector writes
        # the backing's API type): VirtualUSBUSBBackingInfo, "a local connection where the
        # virtual machine will remain on the host to which the USB device is attached", and
        # VirtualUSBRemoteHostBackingInfo, "a host and a USB device that is attached to the
        # host" (vSphere API, read with `search`; VirtualUSB: "The device is available to only
        # one virtual machine at a time"). A client's device (RemoteClient) is not the host's.
        backing = usb.get("devicetype", "")
        if vmx_bool(usb.get("present", "FALSE")) and backing in HOST_USB_BACKINGS:
            device = vmx.get(f"{OWN_PREFIX}{usb_id}.deviceName") or backing
            passthrough.append(Passthrough("usb", device, at(f"{usb_id}.present")))
    graphics = []
    if vmx.flag("remotedisplay.vnc.enabled"):
        port = vmx.get("remotedisplay.vnc.port", "")
        graphics.append(
            Graphics(
                "vnc",
                (Listen("address", vmx.get("remotedisplay.vnc.ip", "0.0.0.0")),),
                Fact.of(
                    vmx.get("remotedisplay.vnc.password") is not None,
                    at("RemoteDisplay.vnc.password"),
                ),
                Source(artefact, f"line {vmx.lines['remotedisplay.vnc.enabled']}: VNC port {port}"),
            )
        )
    exec_mode = (vmx.get("monitor.virtual_exec") or "automatic").lower()
    cpu_shares = _shares(
        vmx, artefact, "sched.cpu.shares", "CPU shares", (1000 * vcpus, f"1000 x {vcpus} vCPU(s)")
    )
    mem_shares = _shares(
        vmx, artefact, "sched.mem.shares", "memory shares", (10 * memory, f"10 x {memory} MB")
    )
    return Vm(
        name=name,
        uuid=(vmx.get("uuid.bios") or "").replace(" ", "").replace("-", "")
        or artefact.removeprefix("vmware/vmx/"),
        host=host,
        running=not template and (vmx.get("hvaudit.powerState") or "") == "poweredOn",
        running_unknown=""
        if template or vmx.get("hvaudit.powerState")
        else "runtime.powerState not reported (a .vmx file does not hold it)",
        autostart=False,
        hardware_accelerated=Fact.of(exec_mode != "software", at("monitor.virtual_exec")),
        accelerator="binary translation" if exec_mode == "software" else "hardware",
        vcpus_max=vcpus,
        memory_max_kib=memory * 1024,
        # sched.mem.pin = TRUE is "Reserve all guest memory (All locked)": the reservation is
        # held at memSize (memoryReservationLockedToMax), a guarantee bounded by the configured
        # size, not libvirt's <locked/> that needs a hard limit (R6-3)
        memory_guarantee=_setting(
            vmx, artefact, "sched.mem.min", "memory reservation (MiB)", unset=("0",)
        )
        or (
            Setting(
                f"all guest memory reserved (sched.mem.pin, {memory} MiB)",
                Source(artefact, f"line {vmx.lines['sched.mem.pin']}: sched.mem.pin"),
            )
            if vmx.flag("sched.mem.pin")
            else None
        ),
        memory_limit=_setting(
            vmx, artefact, "sched.mem.max", "memory limit (MiB)", unset=("unlimited", "-1")
        ),
        memory_priority=mem_shares[0],
        memory_priority_none=mem_shares[1],
        memory_locked=False,
        cpu_reservation=_setting(vmx, artefact, "sched.cpu.min", "CPU reservation", unset=("0",)),
        cpu_limit=_setting(vmx, artefact, "sched.cpu.max", "CPU limit", unset=("unlimited", "-1")),
        cpu_priority=cpu_shares[0],
        cpu_priority_none=cpu_shares[1],
        realtime_vcpus=False,
        nested_virtualization=vmx.flag("vhv.enable"),
        graphics=tuple(graphics),
        interfaces=tuple(interfaces),
        disks=tuple(disks),
        passthrough=tuple(passthrough),
        emulated_legacy_devices=tuple(dict.fromkeys(legacy)),
        unnamed_emulation=tuple(unnamed),
        confinement=Fact.of(
            "the VMX process runs in its own sandboxed user world", Source(artefact)
        ),
        raw_hypervisor_arguments=(),
        vtpm=vmx.flag("vtpm.present"),
        secure_boot=(vmx.get("firmware") or "").lower() == "efi"
        and vmx.flag("uefi.secureboot.enabled"),
        # a .vmx without `firmware` boots BIOS; EFI firmware enforces Secure Boot only with
        # uefi.secureBoot.enabled = TRUE (Boot Options > Secure Boot)
        firmware_efi=(vmx.get("firmware") or "").lower() == "efi",
        secure_boot_detail="firmware = efi, uefi.secureBoot.enabled = TRUE"
        if (vmx.get("firmware") or "").lower() == "efi" and vmx.flag("uefi.secureboot.enabled")
        else None,
        source=Source(artefact),
        vmware=VmwareVm(dict(vmx.values), dict(vmx.lines), artefact),
    )


def _dict(record: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = record.get(key)
    return value if isinstance(value, dict) else None


def _list(record: dict[str, Any], key: str) -> list[Any] | None:
    value = record.get(key)
    return value if isinstance(value, list) else None


def _iommu(record: dict[str, Any], src: Source) -> Fact[bool]:
    """ESXi assigns a PCI device to a VM (DirectPath I/O) only through the IOMMU (Intel VT-d or
    AMD-Vi; vSphere's DirectPath I/O requirements): a device the host reports passthruActive is
    behind an active IOMMU."""
    devices = _list(record, "pci_passthrough")
    if devices is None:
        return Fact.unavailable(
            "config.pciPassthruInfo not reported: is Intel VT-d / AMD-Vi enabled in this host's "
            "firmware and the device marked for passthrough (Host > Configure > PCI Devices)?",
            src,
        )
    active = sorted(str(d.get("id")) for d in devices if isinstance(d, dict) and d.get("active"))
    if active:
        return Fact.of(
            True, Source(src.artefact, f"pciPassthruInfo: active for {', '.join(active)}")
        )
    return Fact.unavailable(
        "config.pciPassthruInfo lists no device with passthruActive: is Intel VT-d / AMD-Vi "
        "enabled in this host's firmware?",
        src,
    )


def _passthrough_groups(record: dict[str, Any], src: Source) -> Fact[dict[str, str]]:
    """ESXi's counterpart of IOMMU groups: pciPassthruInfo.dependentDevice names the device each
    one must be passed through with (the vSphere API's HostPciPassthruInfo); devices that share it
    share a group."""
    devices = _list(record, "pci_passthrough")
    if devices is None:
        return Fact.unavailable("config.pciPassthruInfo not reported", src)
    return Fact.of(
        {
            str(d.get("id")).lower(): str(d.get("dependent") or d.get("id")).lower()
            for d in devices
            if isinstance(d, dict) and d.get("id")
        },
        Source(src.artefact, "pciPassthruInfo: dependentDevice"),
    )


def _pci_classes(record: dict[str, Any], src: Source) -> Fact[dict[str, int]]:
    """The class of each of the host's PCI functions by address, as sysfs spells a class (base,
    subclass, programming interface: 0x020000 an Ethernet controller), from the collector's
    HostPciDevice.classId (base class and subclass, 0x0200; the interface is not reported,
    taken as 0)."""
    classes = _dict(record, "pci_classes")
    if classes is None:
        return Fact.unavailable("hardware.pciDevice not reported", src)
    return Fact.of(
        {str(a).lower(): int(c) << 8 for a, c in classes.items() if isinstance(c, int)},
        Source(src.artefact, "hardware.pciDevice: classId"),
    )


def _distributed_pg(pg: dict[str, Any], standard: set[str]) -> bool:
    """A port group record of a distributed switch. The collector gives each its vCenter key
    (dvportgroup-N) and `"distributed": true`; a standard port group has neither, only its
    vSwitch's name in "switch". Bundles from before the key marked a distributed one by
    "switch": "dvs" alone, which a standard vSwitch may also be named (R31V-2): such a record is
    taken as distributed only where the host has no standard vSwitch of that name."""
    if pg.get("distributed") is True or pg.get("key"):
        return True
    return pg.get("switch") == "dvs" and "dvs" not in standard


def _standard_switch_names(record: dict[str, Any]) -> set[str]:
    """The names of the host's standard vSwitches (its "switches" record)."""
    return {str(s.get("name")) for s in record.get("switches") or [] if isinstance(s, dict)}


def _portgroup_names(records: list[Any], standard: set[str]) -> list[str]:
    """The name each port group of a host record takes as a Network: its own, or, for a
    distributed port group whose name another port group of the record also has, "NAME (KEY)".
    vCenter keeps distributed port groups apart by key (dvportgroup-N); their names repeat
    across datacenters (each datacenter has its own network folder), and the collector records
    every distributed port group of vCenter on each host, so two named "Prod" may both be there,
    or one may share a standard port group's name (V13-3)."""
    names = [str(pg.get("name", "")) if isinstance(pg, dict) else "" for pg in records]
    out = []
    for pg, name in zip(records, names, strict=True):
        key = pg.get("key") if isinstance(pg, dict) else None
        if key and _distributed_pg(pg, standard) and names.count(name) > 1:
            out.append(f"{name} ({key})")
        else:
            out.append(name)
    return out


def _host(
    bundle: Bundle,
    path: str,
    access: dict[str, Any] | None,
    distributed: dict[str, Any] | None = None,
) -> tuple[Host, list[Network], dict[str, str]]:
    """A host, its port groups, and its distributed port groups' Network names by key, from a
    vSphere host artefact."""
    record = _json_object(bundle, path)
    name = str(record.get("name") or PurePosixPath(path).stem)
    src = Source(path)
    host = Host(
        name=name,
        platform="vmware-esxi",
        simulated=False,
        hypervisor=str(record.get("product") or "VMware ESXi"),
        hypervisor_version=str(record.get("build") or ""),
        cores=int(record.get("cores") or 0),
        threads=int(record.get("threads") or 0),
        memory_kib=int(record.get("memory_bytes") or 0) // 1024,
        facts=HostFacts(
            iommu_active=_iommu(record, src),
            iommu_groups=_passthrough_groups(record, src),
            pci_drivers=Fact.unavailable(
                "ESXi does not report which VMkernel driver holds a PCI device "
                "(pciPassthruInfo.passthruEnabled only says it is reserved for passthrough)",
                src,
            ),
            # ESXi has no vfio_iommu_type1: its VT-d interrupt remapper is the VMkernel boot
            # option iovDisableIR (Broadcom KB 317585 / 2149592: "ESXi boot option iovDisableIR
            # set to TRUE" disables it), which hvaudit does not read
            vfio_unsafe_interrupts=Fact.unavailable(ESXI_INTERRUPT_REMAPPING, src),
            pci_classes=_pci_classes(record, src),
        ),
        source=src,
        vmware=VmwareHost(
            services=_dict(record, "services"),
            firewall=_dict(record, "firewall"),
            lockdown=str(record["lockdown"]) if record.get("lockdown") else None,
            advanced=_dict(record, "advanced"),
            source=src,
            access=access,
            access_source=Source("vmware/access.json"),
            switches=_list(record, "switches"),
            proxy_switches=_list(record, "proxy_switches"),
            distributed=distributed,
            distributed_source=Source("vmware/dvs.json"),
            ntp=_dict(record, "ntp"),
            directory=_list(record, "directory"),
            vmknics=_list(record, "vmknics"),
            dns_names=[str(x) for x in _list(record, "dns_names") or []],
            vmknic_traffic=_dict(record, "vmknic_traffic"),
            pci_passthrough=_list(record, "pci_passthrough"),
            capability=_dict(record, "capability"),
            tpm_attestation=_dict(record, "tpm_attestation"),
            boot_time=str(record["boot_time"])[:64] if record.get("boot_time") else None,
            boot_time_asked="boot_time" in record,
            acceptance=_dict(record, "acceptance"),
            host_access=_dict(record, "host_access"),
            snmp=_dict(record, "snmp"),
            system=_dict(record, "system"),
            cpuid_hypervisor=(
                str(record["cpuid_hypervisor"])
                if record.get("cpuid_hypervisor") in ("0", "1", "-")
                else None
            ),
        ),
    )
    networks = []
    by_key: dict[str, str] = {}
    records = record.get("portgroups") or []
    standard = _standard_switch_names(record)
    for pg, pg_name in zip(records, _portgroup_names(records, standard), strict=True):
        if not isinstance(pg, dict):
            continue
        on_dvs = _distributed_pg(pg, standard)
        if pg.get("key") and on_dvs:
            by_key[str(pg["key"])] = pg_name
        raw = pg.get("security")
        security: dict[str, object] = raw if isinstance(raw, dict) else {}
        networks.append(
            Network(
                name=pg_name,
                host=name,
                forward_mode="bridge",
                bridge=str(pg.get("switch", "")),
                port_isolated=False,
                virtualport=None,
                vlan_tags=tuple(int(v) for v in pg.get("vlan") or [] if isinstance(v, int)),
                vlan_trunk=bool(pg.get("trunk")),
                forward_devices=(),
                trust_guest_rx_filters=security.get("macChanges") is True,
                source=Source(path, f"port group {pg_name}"),
                guest_policy={k: v for k, v in security.items() if isinstance(v, bool)},
                distributed=on_dvs,
            )
        )
    return host, networks, by_key


SPOOF_COMPENSATING = (
    "NSX SpoofGuard (IP), or dynamic ARP inspection and IP source guard on the physical switch"
)


def _port_overrides(itf: Interface, over: dict[str, Any] | None) -> Interface:
    """A NIC on a distributed port group that lets each port override its policies
    (VMwareDVSPortgroupPolicy vlanOverrideAllowed; securityPolicyOverrideAllowed, or
    macManagementOverrideAllowed since API 6.7.1: "Allow the setting of ... for an individual port
    to override the setting in defaultPortConfig of a portgroup"): the VM's own port
    (DistributedVirtualPort) is not read, so the port group's VLAN and security policy are not
    known to be the port's."""
    if not over:
        return itf
    if over.get("vlanOverrideAllowed") is True and itf.vlan_unknown is None:
        itf = dataclasses.replace(
            itf,
            vlan_unknown=f"distributed port group {itf.source} lets each port override its VLAN "
            "(vlanOverrideAllowed); the VM's own port is not read",
        )
    if (
        over.get("securityPolicyOverrideAllowed") is True
        or over.get("macManagementOverrideAllowed") is True
    ):
        itf = dataclasses.replace(
            itf,
            spoofing=Fact[SpoofProtection].unavailable(
                f"distributed port group {itf.source} lets each port override its security "
                "policy; the VM's own port is not read",
                itf.source_ref,
            ),
        )
    return itf


def _port_spoofing(itf: Interface, net: Network | None) -> Fact[SpoofProtection]:
    """What the port group stops: with forged transmits and MAC changes rejected, frames from any
    MAC but the VM's own. No vSphere switch (standard or distributed) filters a forged IP or ARP
    reply at the port: that part is beyond the platform and needs a compensating control."""
    if net is None:
        return Fact.unavailable(
            f"port group {itf.source!r} was not found on the VM's host", itf.source_ref
        )
    policy = net.guest_policy or {}
    if "forgedTransmits" not in policy or "macChanges" not in policy:
        return Fact.unavailable(
            f"port group {net.name!r}: the effective security policy is not reported",
            itf.source_ref,
            net.source,
        )
    # R33V-1: a distributed port that learns MAC addresses passes frames from every source MAC it
    # learns (collect.vsphere._dv_security "macLearning"): no MAC filter at the port
    covers = (
        frozenset({"mac"})
        if not policy["forgedTransmits"]
        and not policy["macChanges"]
        and not policy.get("macLearning")
        else frozenset()
    )
    return Fact.of(
        SpoofProtection(
            covers,
            f"port group {net.name} security policy",
            beyond=frozenset({"ip", "arp"}),
            compensating=SPOOF_COMPENSATING,
        ),
        itf.source_ref,
        net.source,
    )


def build_vmx_deployment(bundle: Bundle) -> tuple[Deployment, list[ParseProblem]]:
    """Build the model of a VMware bundle: .vmx files read offline, or a vSphere collection."""
    problems: list[ParseProblem] = []
    hosts: list[Host] = []
    networks: list[Network] = []
    host_by_id: dict[str, str] = {}
    dv_names: dict[str, dict[str, str]] = {}
    access_entry = bundle.entry("vmware/access.json")
    access = (
        _json_object(bundle, access_entry.path)
        if access_entry is not None and access_entry.status == "ok"
        else None
    )
    dvs_entry = bundle.entry("vmware/dvs.json")
    distributed = (
        _json_object(bundle, dvs_entry.path)
        if dvs_entry is not None and dvs_entry.status == "ok"
        else None
    )
    for entry in bundle.under("vmware/hosts/"):
        if entry.status != "ok":
            continue
        try:
            host, found, keyed = _host(bundle, entry.path, access, distributed)
        except (ValueError, TypeError) as exc:
            problems.append(
                ParseProblem("host", entry.path, entry.path, f"unreadable host record: {exc}")
            )
            continue
        hosts.append(host)
        networks += found
        host_by_id[PurePosixPath(entry.path).stem] = host.name
        dv_names[host.name] = keyed
    live = bool(host_by_id)
    if not live:
        hosts.append(
            Host(
                name=OFFLINE_HOST,
                platform="vmware-esxi",
                simulated=False,
                hypervisor="VMware ESXi (offline .vmx files)",
                hypervisor_version="",
                cores=0,
                threads=0,
                memory_kib=0,
                facts=parse_host_facts(bundle),
                source=Source(""),
                vmware=VmwareHost(
                    None, None, None, None, Source("", "offline .vmx files: no host")
                ),
            )
        )
    dep = Deployment(
        target=bundle.target,
        platform="vmware-esxi",
        collected_at=str(bundle.manifest.get("collected_at", "")),
        hosts=hosts,
        vms=[],
        networks=networks,
        pools=[],
        artefact_digests={p: e.sha256 for p, e in bundle.entries.items() if e.sha256},
    )
    by_port = {(n.host, n.name): n for n in networks}
    dv_groups = [
        pg
        for pg in (distributed or {}).get("portgroups") or []
        if isinstance(pg, dict) and isinstance(pg.get("overrides"), dict)
    ]
    # by key where the host record names it (V13-3), else by name (a bundle from before keys)
    overrides_by_key = {str(pg.get("key")): pg.get("overrides") for pg in dv_groups}
    overrides = {str(pg.get("name")): pg.get("overrides") for pg in dv_groups}
    templates: list[str] = []
    for entry in bundle.under("vmware/vmx/"):
        if entry.status != "ok":
            continue
        try:
            vmx = parse_vmx(bundle.text(entry.path), entry.path)
        except InputError as exc:
            problems.append(
                ParseProblem("vm", PurePosixPath(entry.path).stem, entry.path, str(exc))
            )
            continue
        if live:
            host_id = entry.path.removeprefix("vmware/vmx/").split("/", 1)[0]
            host_name = host_by_id.get(host_id, host_id)
            keyed = dv_names.get(host_name, {})
            vm = vmx_to_vm(vmx, entry.path, host_name, keyed)
            key_of = {name: key for key, name in keyed.items()}
            vm.interfaces = tuple(
                _port_overrides(
                    dataclasses.replace(
                        i, spoofing=_port_spoofing(i, by_port.get((host_name, i.source)))
                    ),
                    overrides_by_key.get(key_of.get(i.source, ""))
                    if keyed
                    else overrides.get(i.source),
                )
                for i in vm.interfaces
            )
        else:
            # a file read from disk: keys of hvaudit's own names were written by whoever wrote
            # the file, not by hvaudit's collector from the API, so they prove nothing
            forged = sorted(k for k in vmx.values if k.startswith(OWN_PREFIX))
            for k in forged:
                del vmx.values[k]
                vmx.lines.pop(k, None)
                vmx.duplicates.pop(k, None)
            if forged:
                dep.notes.append(
                    f"{entry.path}: {', '.join(forged)} ignored: hvaudit's collector writes those "
                    "names from the vSphere API; in a .vmx file read offline they prove nothing"
                )
            vm = vmx_to_vm(vmx, entry.path, OFFLINE_HOST)
        if vmx.duplicates:
            # VMware's dictionary keeps a key's first value and refuses the repeat ("Variable
            # ... is already defined"): the first value is what the VM runs with, if it loads
            repeated = ", ".join(
                f"{k} (line {vmx.lines[k]}; again on line {', '.join(map(str, n))})"
                for k, n in sorted(vmx.duplicates.items())
            )
            dep.notes.append(
                f"{entry.path}: keys set more than once, judged by their first value as VMware "
                f"reads them (it reports the file's repeats as errors): {repeated}"
            )
        dep.vms.append(vm)
        if _is_template(vmx, entry.path):
            templates.append(vm.name)
    if templates:
        dep.notes.append(
            f"{len(templates)} VM template(s) assessed as powered-off VMs (a template cannot be "
            "powered on; the VMs deployed from it start with its settings): "
            + ", ".join(sorted(templates)[:20])
            + (f" and {len(templates) - 20} more" if len(templates) > 20 else "")
        )
    dep.notes += collection_notes(bundle)
    return dep, problems
