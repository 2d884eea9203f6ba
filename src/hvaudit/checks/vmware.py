"""Checks for what exists only on VMware ESXi: a VM's advanced settings (.vmx / extraConfig).

Key names and secure values are the ones VMware's vSphere Security Configuration Guide and the
DISA vSphere 8 STIG (VMCH-80-*) check; keys compare case-insensitively (the guides spell some
differently). Where the default is secure an absent key passes, and the evidence says it was absent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from hvaudit.checks._loopback import loopback_version
from hvaudit.checks.base import (
    QEMU,
    Context,
    Outcome,
    Severity,
    Status,
    Subject,
    asked_gap,
    check,
    failed,
    host_subject,
    joined_asks,
    manual,
    not_applicable,
    passed,
    raw_arguments_unseen,
    unknown,
    vm_subject,
)
from hvaudit.checks.devices import raw_3d
from hvaudit.model import Fact, Host, Source, Vm, VmwareHost, VmwareVm
from hvaudit.parse.host import unspecified_address
from hvaudit.parse.pam import pam_tokens
from hvaudit.parse.vmx import vmx_bool, vmx_long
from hvaudit.textsafe import digits

__all__: list[str] = []

ESX = ("vmware-esxi",)

# Guest-to-host channels of VMware Tools that stay closed unless a key opens them (default TRUE).
ISOLATION_KEYS = (
    "isolation.tools.copy.disable",
    "isolation.tools.paste.disable",
    "isolation.tools.dnd.disable",
    "isolation.tools.diskShrink.disable",
    "isolation.tools.diskWiper.disable",
    "isolation.device.connectable.disable",
)
#: Read where a VM sets it (V21-2): "Without this setting, VMware Tools lets non-privileged guest
#: users disconnect or change devices" (CIS VMware ESXi benchmark 8.2.6, "Ensure unauthorized
#: modification or disconnection of devices is disabled"; the vSphere hardening guide's
#: prevent-device-interaction-edit, TRUE beside isolation.device.connectable.disable; a guest
#: tool that connects devices asks for both FALSE; read with `find_string`). FALSE reopens the
#: channel whatever the six keys above say. Its built-in default was not found, so a VM that
#: leaves it out is judged on ISOLATION_KEYS alone, as before.
DEVICE_EDIT_KEY = "isolation.device.edit.disable"
SETINFO_LIMIT = "1048576"


def _vmware(ctx: Context) -> Iterator[tuple[Vm, VmwareVm]]:
    for v in ctx.deployment.vms:
        if v.vmware is not None:
            yield v, v.vmware


def _false(value: str | None) -> bool:
    """A key that is set and reads FALSE to VMware: "false", "f", "no", "n", "off", "0", or any
    text its dictionary does not know as a boolean (vmx_bool: VMware then uses FALSE)."""
    return value is not None and not vmx_bool(value)


#: Where a VM's .vmx leaves a key out, the VMX takes it from the host's /etc/vmware/config before
#: its built-in default: VMware's configuration file hierarchy ("Using a Configuration File
#: Hierarchy", VMware GSX/ESX documentation, read with `search`) puts the VM's own file first and
#: "/etc/vmware/config: Lowest precedence. A host default configuration file"; on ESXi 5.0
#: `vhv.allow = "TRUE"` appended to /etc/vmware/config gave every VM of the host virtualized
#: VT-x/AMD-V (read with `search`). Neither the vSphere API nor a datastore's .vmx files show that
#: file, and no hvaudit collector reads it, so a pass that rests on an absent key rests on a file
#: not seen: one question per host, naming the VMs that rely on it (leads15).
HOST_CONFIG = "/etc/vmware/config"


#: The host file whose settings every VM's vmx process reads first and that "take precedence
#: over settings in the *.vmx file": DISA's vSphere 8 STIG ESXI-80-000236 (V-258791; vSphere 7
#: ESXI-70-000092, VCF 9 VCFE-9X-000232, read with `find_string`), "The ESXi host must not be
#: configured to override virtual machine (VM) configurations ... a vmx process will look in two
#: locations ... /etc/vmware/settings and the per-vm *.vmx file", check `stat -c "%s"
#: /etc/vmware/settings` is 0 ("the ESXi setting cannot be easily queried"); a public ESXi 6.0
#: how-to re-enables copy and paste for every VM there (isolation.tools.copy.disable = "false").
#: Neither the vSphere API nor a datastore shows it, so a VM's pass that rests on a key its own
#: .vmx sets is a question of its host (V17-1): HVA-444 asks it once per host, and an
#: attestation answering HVA-444 yes for a host restores those passes of its VMs
#: (hvaudit.waivers._answer_host_settings).
HOST_SETTINGS = "/etc/vmware/settings"
HOST_SETTINGS_CHECK = "HVA-444"


def settings_question(host: str | None) -> str:
    """HVA-444's question of `host`, asked by every VM pass that rests on its own .vmx keys."""
    where = "this host" if host is None else f"host {host}"
    return (
        f'Is {HOST_SETTINGS} on {where} empty? Evidence: `stat -c "%s" {HOST_SETTINGS}` '
        "on the host (ESXi Shell or SSH; vSphere 8 STIG ESXI-80-000236). Pass: yes, 0, so no "
        "host-wide setting overrides the VMs' own .vmx keys; fail: larger, its settings are read "
        "first and take precedence over every VM's .vmx."
    )


def own_keys_pass(o: Outcome) -> Outcome:
    """A VMware VM's pass `o` that rests on keys its own .vmx sets, withheld as HVA-444's
    question of its host (HOST_SETTINGS): the host's /etc/vmware/settings, not read, overrides
    them. Any other outcome is returned as it is."""
    if o.status is not Status.PASS:
        return o
    host = o.subject.host
    return Outcome(
        o.subject,
        Status.MANUAL,
        f"{o.message}; but {HOST_SETTINGS} on host {host}, not read, takes precedence over the "
        f"VM's own settings ({HOST_SETTINGS_CHECK})",
        o.evidence,
        settings_question(host),
        o,
    )


def host_default_questions(
    ctx: Context, relying: dict[str, list[Vm]], keys: str, passes: str, fails: str, ref: str
) -> Iterator[Outcome]:
    """One manual item per host for the VMs of `relying` (host name -> VMs) whose verdict rests
    on `keys` being absent from their .vmx: does the host's /etc/vmware/config set them, or its
    /etc/vmware/settings (HOST_SETTINGS, which overrides every VM's own keys)?"""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for name in sorted(relying):
        vms = relying[name]
        names = sorted(v.name for v in vms)
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        subject = host_subject(hosts[name]) if name in hosts else Subject("host", name)
        evidence = [v.vmware.at(ref) for v in vms[:5] if v.vmware is not None]
        yield manual(
            subject,
            f"{len(names)} VM(s) ({shown}) do not set {keys} in their .vmx: the host's "
            f"{HOST_SETTINGS} and {HOST_CONFIG}, not read, decide",
            *evidence,
            question=f"Do {HOST_SETTINGS} and {HOST_CONFIG} on host {name} leave {keys} out, or "
            f"set {passes}? Evidence: `grep -i` for these keys in {HOST_SETTINGS} and "
            f"{HOST_CONFIG} on the host (ESXi Shell or SSH). Pass: yes; fail: {fails}.",
        )


def _read_false(key: str, value: str) -> str:
    """A key VMware reads as FALSE, with its value where that is not written "false" (L19-2D:
    "True " with a trailing blank, "disabled", "2" are FALSE to Dictionary_StringToBool, vmx_bool,
    but a message saying only "set to FALSE" hid what the file says)."""
    if value.lower() == "false":
        return key
    # JSON quoting: a control character or quote in the value is shown escaped (`"TRUE\f"`)
    return f"{key} = {json.dumps(value)} (VMware reads it as FALSE)"


def _on(value: str | None) -> bool:
    """A key that is set and reads TRUE to VMware (vmx_bool: "", "true", "t", "yes", "y", "on",
    "1")."""
    return value is not None and vmx_bool(value)


@check(
    id="HVA-401",
    title="VMware Tools cannot copy, paste, drag, shrink or wipe disks, or disconnect devices",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "VMware Tools operations are channels from the guest into the VMX process; hvaudit "
            "files closing them under the 2014 draft's device-emulation recommendation."
        ),
        "sp800-125a-r1:HY-SR-7": (
            "HY-SR-7 limits each VM process to its own devices; hvaudit counts guest-initiated "
            "device disconnects and host I/O (shrink, wipe, clipboard) as device access the VM "
            "should not control."
        ),
    },
    remediation="Remove the listed isolation.* keys from the VM's advanced settings, or set them to "
    "TRUE (VM > Edit Settings > Advanced Parameters; takes effect at the next power-on).",
    platforms=ESX,
)
def tools_isolation(ctx: Context) -> Iterator[Outcome]:
    """Each of these is a channel from the guest into the VMX process on the host: clipboard and
    drag-and-drop transfers, disk shrinking and wiping (host I/O on demand: starvation), and
    unprivileged guest users disconnecting or changing the VM's NIC or CD drive
    (isolation.device.edit.disable FALSE fails too where set, V21-2). A key the VM's .vmx leaves
    out is TRUE by VMware's built-in default only where the host's /etc/vmware/config does not
    set it (HOST_CONFIG): those VMs are one question per host, not a pass."""
    relying: dict[str, list[Vm]] = {}
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        opened = [
            k for k in (*ISOLATION_KEYS, DEVICE_EDIT_KEY) if _false(vm.settings.get(k.lower()))
        ]
        if opened:
            shown = ", ".join(_read_false(k, vm.settings[k.lower()]) for k in opened)
            yield failed(s, f"set to FALSE: {shown}", *(vm.at(k) for k in opened))
        elif all(k.lower() in vm.settings for k in ISOLATION_KEYS):
            yield own_keys_pass(
                passed(
                    s,
                    "every isolation key is set TRUE in the VM's own settings",
                    *(vm.at(k) for k in ISOLATION_KEYS),
                )
            )
        else:
            relying.setdefault(v.host, []).append(v)
    yield from host_default_questions(
        ctx,
        relying,
        "each of isolation.tools.*.disable and isolation.device.connectable.disable",
        "them to TRUE",
        "it sets one to FALSE (or to text VMware does not read as TRUE)",
        "isolation.tools.copy.disable",
    )


@check(
    id="HVA-402",
    title="VMware Tools cannot grow the VM's configuration or read host details",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "VMware Tools' setinfo and host-information calls are channels from the guest into "
            "the VMX process; hvaudit files closing them under the 2014 draft's "
            "device-emulation recommendation."
        ),
        "sp800-125a-r1:HY-SR-7": (
            "HY-SR-7 limits each VM process to what is assigned to it; hvaudit counts the "
            "guest's writes into the VMX state and reads of host details as access beyond that."
        ),
    },
    remediation="Set tools.setInfo.sizeLimit = 1048576 (or remove it) and remove "
    "tools.guestlib.enableHostInfo (or set it to FALSE).",
    platforms=ESX,
)
def tools_information(ctx: Context) -> Iterator[Outcome]:
    """The guest can write name/value pairs into the VMX state (a size limit stops it filling the
    datastore) and, with enableHostInfo, read the host's resource details, which helps an attacker
    plan an escape. vSphere Security guide, "Limit Informational Messages from Virtual Machines to
    VMX Files": the limit is 1 MB by default and applies when the key is absent; a smaller limit
    bounds the file tighter (R50), a larger one lets the guest grow it further. The limit is a
    number as VMware's dictionary reads one (`vmx_long`: strtol base 0, the number before any
    trailing text), so "0x100000" and "04000000" are 1048576. 0 (or text without a number, which
    strtol reads as 0) fails: no VMware text says what a zero limit does, and DISA's vSphere 8
    STIG VMCH-80-000196 (read with `find_string`) makes any set value but 1048576 a finding. A
    key the .vmx leaves out comes from the host's /etc/vmware/config before VMware's default
    (HOST_CONFIG): one question per host, not a pass."""
    relying: dict[str, list[Vm]] = {}
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        limit = vm.settings.get("tools.setinfo.sizelimit")
        host_info = vm.settings.get("tools.guestlib.enablehostinfo")
        bad = []
        size = ""
        if limit is not None:
            value = limit.strip()[:20]
            n, _ = vmx_long(limit)
            read = "" if n is None or value == str(n) else f"VMware reads {n}: "
            if n is None:
                bad.append(f"tools.setInfo.sizeLimit = {value} (beyond a 32-bit number)")
            elif n > int(SETINFO_LIMIT):
                bad.append(f"tools.setInfo.sizeLimit = {value} ({read}above {SETINFO_LIMIT})")
            elif n <= 0:
                bad.append(
                    f"tools.setInfo.sizeLimit = {value} ({read}no documented limit; "
                    f"VMCH-80-000196 asks for {SETINFO_LIMIT})"
                )
            else:
                size = f"{value} ({read}at most the 1 MB default)"
        if host_info is not None and _on(host_info):
            bad.append(f"tools.guestlib.enableHostInfo = {host_info.strip()[:20]}")
        refs = (vm.at("tools.setInfo.sizeLimit"), vm.at("tools.guestlib.enableHostInfo"))
        if bad:
            yield failed(s, "; ".join(bad), *refs)
        elif limit is None or host_info is None:
            relying.setdefault(v.host, []).append(v)
        else:
            yield own_keys_pass(
                passed(s, f"size limit {size} and no host information for the guest", *refs)
            )
    yield from host_default_questions(
        ctx,
        relying,
        "tools.setInfo.sizeLimit and tools.guestlib.enableHostInfo",
        f"the limit to at most {SETINFO_LIMIT} and enableHostInfo to FALSE",
        f"it sets a limit above {SETINFO_LIMIT} or 0, or enableHostInfo TRUE",
        "tools.setInfo.sizeLimit",
    )


@check(
    id="HVA-403",
    title="VM console admits one connection at a time",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-4"]},
    interpretations={
        "sp800-125a-2014:HY-SR-4": (
            "HY-SR-4 asks for few exposed management interfaces; hvaudit counts each additional "
            "console session a VM admits as one more."
        ),
    },
    remediation="Set RemoteDisplay.maxConnections = 1 in the VM's advanced settings.",
    platforms=ESX,
)
def console_connections(ctx: Context) -> Iterator[Outcome]:
    """With more than one console session a second administrator (or an attacker with console
    privilege) can watch or take over a session silently. Absent means unlimited. A vSphere
    collection also reads the VM's own limit, VirtualMachineConfigInfo.maxMksConnections (the
    vSphere Client's "VMware Remote Console Options", "limit the number of simultaneous
    connections"; past it the API refuses a console ticket with MksConnectionLimitReached, read
    with `search`). A positive limit read there decides; -1 and 0 are not documented as a
    number of sessions (the vcenter simulator reports 0 for every VM), so the advanced setting
    decides then. The setting is a number as VMware's dictionary reads one (`vmx_long`: strtol
    base 0, the number before any trailing text), so "0x1", "01" and "1abc" run as 1 and pass,
    "0x2" runs as 2 and fails."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        api = (vm.settings.get("hvaudit.maxmksconnections") or "").strip()
        if digits(api) and int(api) >= 1:
            ref = vm.at("hvaudit.maxMksConnections")
            if api == "1":
                yield own_keys_pass(passed(s, "maxMksConnections = 1 (vSphere API)", ref))
            else:
                yield failed(s, f"maxMksConnections = {api} (vSphere API): {api} sessions", ref)
            continue
        raw = vm.settings.get("remotedisplay.maxconnections") or ""
        value = raw.strip()
        ref = vm.at("RemoteDisplay.maxConnections")
        if not value:
            yield failed(
                s, "RemoteDisplay.maxConnections is not set: unlimited console sessions", ref
            )
            continue
        n, _ = vmx_long(raw)
        if value == "1":
            yield own_keys_pass(passed(s, "RemoteDisplay.maxConnections = 1", ref))
        elif n == 1:
            yield own_keys_pass(
                passed(s, f"RemoteDisplay.maxConnections = {value[:20]} (VMware reads 1)", ref)
            )
        elif n is None:
            yield manual(
                s,
                f"RemoteDisplay.maxConnections = {value[:20]}: beyond a 32-bit number",
                ref,
                question="Does this VM admit one console connection at a time? Evidence: the "
                "VM's vmware.log at its last power-on (the value VMware reports for "
                "RemoteDisplay.maxConnections) or a second console session opened while one is "
                "open. Pass: the second session is refused; fail: it is admitted.",
            )
        else:
            read = "" if value == str(n) else f" (VMware reads {n})"
            yield failed(s, f"RemoteDisplay.maxConnections = {value[:20]}{read}", ref)


@check(
    id="HVA-404",
    title="VM shares memory pages only within itself (no page-sharing salt override)",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
    interpretations={
        "sp800-125a-2014:HY-SR-6": (
            "HY-SR-6 limits memory over-commit; page sharing is the mechanism that makes "
            "over-commit possible (and a cross-VM side channel), so hvaudit counts it against "
            "HY-SR-6."
        ),
        "sp800-125a-r1:HY-SR-3": (
            "HY-SR-3 limits memory over-commit; page sharing is the mechanism that makes "
            "over-commit possible (and a cross-VM side channel), so hvaudit counts it against "
            "HY-SR-3."
        ),
    },
    remediation="Remove sched.mem.pshare.salt from the VM's advanced settings (and keep the host's "
    "Mem.ShareForceSalting at 2).",
    platforms=ESX,
)
def page_sharing_salt(ctx: Context) -> Iterator[Outcome]:
    """A salt shared between VMs re-enables transparent page sharing across them: a side channel
    that has leaked cryptographic keys between VMs.

    ESXi's own description of Mem.ShareForceSalting (the host's advanced option list, 8.0 to
    9.0.1, as lamw/esxi-advanced-and-kernel-settings records it, read with `fetch`): "0 - no
    salting or isolation between VMs; 1 - VMs that have the sched.mem.pshare.salt option set are
    able to share memory with VMs with the same salt; 2 - VMs that do not have the
    sched.mem.pshare.salt option set cannot share memory with any other VM, page sharing is
    possible only inside the VM. If the sched.mem.pshare.salt is present but empty, the VM gets
    its own unique salt." So at 2 a VM without the option shares with no other VM whether or not
    it has a vc.uuid (KB 2097593 names vc.uuid as the default salt, read via `search`), and an
    empty salt at 1 or 2 is a salt of its own. At 1 a VM without the option takes salt 0: vSphere
    8.0 Resource Management, "Advanced Memory Attributes" (GUID-D98E6EC9, read with `search`):
    "Mem.ShareForceSalting 1: by default the salt value is taken from sched.mem.pshare.salt; if
    it is not specified, it falls back to the old (inter-VM) TPS behaviour, treating the VM's
    salt as 0", so it shares pages with every VM of the host that has no salt either (a fail,
    V14-6; it was asked). A salt with text proves an override (fail). A VM whose .vmx leaves the
    salt out on a host at 2 takes it from the host's /etc/vmware/config (HOST_CONFIG), where a
    salt would be every such VM's, so all of them share pages: one question per host, not a pass
    (L16-13)."""
    hosts = {h.name: esx for h, esx in _esx_hosts(ctx)}
    key = "Mem.ShareForceSalting"
    relying: dict[str, list[Vm]] = {}
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        salt = vm.settings.get("sched.mem.pshare.salt")
        ref = vm.at("sched.mem.pshare.salt")
        if salt:
            yield failed(s, "sched.mem.pshare.salt is set: pages may be shared with other VMs", ref)
            continue
        esx = hosts.get(v.host)
        value = None if esx is None or esx.advanced is None else esx.advanced.get(key)
        forced = _int(value) if value is not None else None
        host_src = esx.source if esx is not None else ref
        if salt == "" and forced in (1, 2):
            yield own_keys_pass(
                passed(
                    s,
                    f"sched.mem.pshare.salt is empty, host {key} = {forced}: the VM gets its own "
                    "unique salt",
                    ref,
                    host_src,
                )
            )
        elif forced == 2:
            relying.setdefault(v.host, []).append(v)
        elif forced == 0:
            yield failed(
                s, f"host {key} = 0: pages are shared with every VM of the host", ref, host_src
            )
        elif forced == 1 and salt is None:
            yield failed(
                s,
                f"no sched.mem.pshare.salt, host {key} = 1: the VM's salt is 0, shared with every "
                "VM of the host that has no salt",
                ref,
                host_src,
            )
        else:
            what = "an empty sched.mem.pshare.salt" if salt == "" else "no sched.mem.pshare.salt"
            if esx is None or not esx.source.artefact:
                where = f"host {key} unknown: {OFFLINE}"
            elif value is not None:
                where = f"host {key} = {str(value)[:12]}: a VM without a salt is not settled"
            else:
                where = f"host {key} not reported by the host, or not collected"
            want, bad = ("1 or 2", "0") if salt == "" else ("2", "0 or 1")
            yield manual(
                s,
                f"{what}; {where}",
                ref,
                host_src,
                question=f"Is {key} {want} on the host that runs this VM? Evidence: `esxcli "
                "system settings advanced list -o /Mem/ShareForceSalting` (Int Value) on that "
                f"host. Pass: yes, {want}, so the VM shares pages with no other VM; fail: {bad}.",
            )
    yield from host_default_questions(
        ctx,
        relying,
        "sched.mem.pshare.salt",
        "it empty (each VM then gets a salt of its own)",
        "it sets a salt with text, which every VM leaving the key out shares",
        "sched.mem.pshare.salt",
    )


@check(
    id="HVA-405",
    title="VM has no 3D graphics acceleration",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "The 2014 HY-SR-5 is about uncertified drivers and deprivileged emulation; hvaudit "
            "files the reduction of emulated device code under it (Rev. 1 HY-SR-6A says it in "
            "its text)."
        ),
    },
    remediation={
        "vmware-esxi": "Set mks.enable3d = FALSE (or remove it) unless the VM needs 3D.",
        "kvm-libvirt": "Remove <acceleration accel3d='yes'/> from the VM's <video> model (and "
        "<gl enable='yes'/> or an egl-headless <graphics> it needs no more) unless the VM needs "
        "3D.",
        "proxmox-ve": "Set vga to std or virtio instead of virtio-gl (qm set <vmid> --vga std) "
        "unless the VM needs 3D.",
    },
    platforms=(*QEMU, *ESX),
)
@raw_arguments_unseen(
    "a 3D-accelerated GPU (-device virtio-vga-gl, virtio-gpu-gl or a rutabaga variant)"
)
def no_3d(ctx: Context) -> Iterator[Outcome]:
    """3D acceleration exposes a large emulated GPU stack to the guest; several VM escapes went
    through it. A vSphere collection reads the video card's enable3DSupport ("Flag to indicate
    whether the virtual video card supports 3D functions", VirtualMachineVideoCard, vSphere API,
    read with `search`): the vSphere Client's "Enable 3D Support".

    On QEMU the 3D GPU is virtio-gpu with virglrenderer ("a library used by qemu to implement 3D
    GPU support for the virtio GPU"), which runs the guest's command streams through the host's
    OpenGL driver and GPU (QEMU docs/system/devices/virtio-gpu.rst: "For 3D acceleration QEMU
    must be able to access the hosts GPU"); every such VM of a host opens the same render node.
    libvirt: a <video> model with <acceleration accel3d='yes'> (libvirt builds virtio-vga-gl;
    hvaudit.parse.libvirt_xml._accelerated_3d); Proxmox VE: `vga: virtio-gl` (qemu-server's
    $vga_map, 'virtio-gl' => 'virtio-vga-gl'); raw arguments: `-device virtio-vga-gl`,
    virtio-gpu-gl(-pci), the rutabaga variants (devices.raw_3d). An OpenGL display (<gl
    enable='yes'>, egl-headless) without such a device renders only the framebuffers the guest
    gives it: named in the pass, not failed (leads13). A VMware VM whose .vmx leaves
    mks.enable3d out takes it from the host's /etc/vmware/config (HOST_CONFIG): one question per
    host, not a pass (L16-12); DISA's vSphere 7 STIG VMCH-70-000023 (read with `find_string`)
    makes an absent key a finding too ("does not exist or is not set to "false""). The vSphere
    API's enable3DSupport = false renders an absent key or FALSE alike."""
    relying: dict[str, list[Vm]] = {}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        vm = v.vmware
        if vm is None:
            found = [*v.accelerated_3d, *raw_3d(v)]
            if found:
                yield failed(s, "3D-accelerated GPU: " + ", ".join(found), v.source)
            elif v.gl_displays:
                yield passed(
                    s,
                    "no 3D-accelerated GPU; "
                    + ", ".join(v.gl_displays)
                    + " shows only the framebuffers of a 2D device",
                    v.source,
                )
            else:
                yield passed(s, "no 3D-accelerated GPU", v.source)
            continue
        card = vm.settings.get("hvaudit.video.enable3dsupport")
        if _on(card):
            yield failed(
                s, "the video card has enable3DSupport (vSphere API)", vm.at("hvaudit.video")
            )
            continue
        value = vm.settings.get("mks.enable3d")
        ref = vm.at("mks.enable3d")
        if value is not None and _on(value):
            yield failed(s, f"mks.enable3d = {value.strip()[:20]}", ref)
        elif value is None:
            relying.setdefault(v.host, []).append(v)
        else:
            yield own_keys_pass(passed(s, "3D acceleration off", ref))
    yield from host_default_questions(
        ctx,
        relying,
        "mks.enable3d",
        "it to FALSE",
        "it sets it to TRUE (or to text VMware reads as TRUE)",
        "mks.enable3d",
    )


def _esx_hosts(ctx: Context) -> Iterator[tuple[Host, VmwareHost]]:
    for h in ctx.deployment.hosts:
        if h.vmware is not None:
            yield h, h.vmware


OFFLINE = "offline .vmx files hold no host"


@check(
    id="HVA-444",
    title="The host overrides no VM's settings (/etc/vmware/settings is empty)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "A host-wide setting can reopen the VMware Tools and device channels HVA-401 and "
            "HVA-402 close per VM; hvaudit files the file that overrides them with those checks."
        ),
        "sp800-125a-r1:HY-SR-7": (
            "HY-SR-7 limits each VM process to its own devices; a host file read before each "
            "VM's own settings decides what every VM process is given."
        ),
    },
    remediation="Empty the file from an ESXi shell: `echo -n >/etc/vmware/settings` (vSphere 8 "
    "STIG ESXI-80-000236), and set what a VM needs in that VM's own advanced settings.",
    automation="manual",
    question=settings_question(None),
    platforms=ESX,
)
def host_settings(ctx: Context) -> Iterator[Outcome]:
    """Every VM's vmx process reads the host's /etc/vmware/settings before the VM's own .vmx,
    and its settings "take precedence over settings in the *.vmx file" (HOST_SETTINGS, DISA
    vSphere 8 STIG ESXI-80-000236): a non-empty file can reopen copy and paste, 3D, VNC or page
    sharing for every VM of the host whatever their own settings say. Neither the vSphere API
    nor a datastore shows the file ("the ESXi setting cannot be easily queried"), so it is one
    question per host. The VM checks whose passes rest on keys a VM sets itself (HVA-401 to
    HVA-405, HVA-031, HVA-049, HVA-057; HVA-047's device keys, HVA-065's vtpm.present and
    HVA-066's firmware and uefi.secureBoot.enabled, L18-3: the STIG's "configuration items",
    every key the vmx reads) ask the same question of their VMs and keep their verdict withheld; an attestation answering this check yes for a host restores them
    (hvaudit.waivers._answer_host_settings)."""
    for h, esx in _esx_hosts(ctx):
        yield manual(
            host_subject(h),
            f"{HOST_SETTINGS} is not in the evidence (ESXi Shell only)",
            esx.source,
            question=settings_question(h.name),
        )


def _gap(what: str, src: Source) -> Fact[bool]:
    if not src.artefact:
        return Fact.unavailable(f"{what}: {OFFLINE}", src)
    return Fact.unavailable(f"{what}: not reported by the host, or not collected", src)


@check(
    id="HVA-410",
    title="SSH and the ESXi Shell are stopped and do not start with the host",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-4"]},
    remediation="Host > Configure > Services: stop SSH and ESXi Shell and set their startup policy "
    "to 'Start and stop manually'; start them only for a support session.",
    platforms=ESX,
)
def shell_services(ctx: Context) -> Iterator[Outcome]:
    """A shell on the host bypasses vCenter's roles and its audit trail; HY-SR-4 keeps the
    management interfaces few. vSphere 8 STIG ESXI-80-000193 (ESXi Shell, service TSM) and
    ESXI-80-000194 (SSH, TSM-SSH): stopped, policy off. A service absent from the host's list is
    not known to be off (as HVA-431)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        states = _service_states(esx, ("TSM", "TSM-SSH"))
        if states is None:
            yield unknown(s, _gap("config.service", esx.source), "SSH and the ESXi Shell are off")
            continue
        found, missing = states
        bad = [
            f"{key} ({'running' if svc.get('running') else 'stopped'}, policy {svc.get('policy')})"
            for key, svc in sorted(found.items())
            if svc.get("running") or svc.get("policy") != "off"
        ]
        if bad:
            yield failed(s, "shell access enabled: " + ", ".join(bad), esx.source)
        elif missing:
            gap = Fact[bool].unavailable(
                f"{', '.join(missing)} not in the host's service list", esx.source
            )
            yield unknown(s, gap, f"{', '.join(missing)} stopped and disabled")
        else:
            yield passed(s, "TSM and TSM-SSH stopped, policy off", esx.source)


@check(
    id="HVA-411",
    title="The host is in lockdown mode",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-14"]},
    remediation="Host > Configure > Security Profile > Lockdown Mode: Normal (keep the exception "
    "users list short).",
    platforms=ESX,
)
def lockdown(ctx: Context) -> Iterator[Outcome]:
    """In lockdown mode only vCenter (and the exception users) may manage the host: few accounts
    reach it directly (HY-SR-14)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        if esx.lockdown is None:
            yield unknown(
                s, _gap("config.lockdownMode", esx.source), "the host is in lockdown mode"
            )
        elif esx.lockdown in ("lockdownNormal", "lockdownStrict"):
            yield passed(s, f"lockdown mode {esx.lockdown}", esx.source)
        else:
            yield failed(s, f"lockdown mode {esx.lockdown}", esx.source)


@check(
    id="HVA-412",
    title="Host firewall blocks by default and admits designated networks only",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-19"], "sp800-125a-r1": ["HY-SR-20"]},
    remediation="Host > Configure > Firewall: for every enabled service untick 'Allow connections "
    "from any IP address' and list the management networks.",
    platforms=ESX,
)
def host_firewall(ctx: Context) -> Iterator[Outcome]:
    """Every enabled ruleset open to any address exposes a service beyond the management
    network. vSphere API HostFirewallRulesetIpList: allIp ("the ruleset works for all ip
    addresses") or ipNetwork entries (HostFirewallRulesetIpNetwork, network and prefixLength);
    networks that together cover every IPv4 or every IPv6 address (0.0.0.0/0, or 0.0.0.0/1 with
    128.0.0.0/1) admit every source of that family as allIp does. Since API 8.0.2 a ruleset says
    whether a user may change its list (ipListUserConfigurable: "Flag indicating whether user can
    modify the allowed IP list of the firewall ruleset"); vSphere 8 STIG ESXI-80-000239 holds only
    those to listed networks (checks-catalog SR19-ESX-02): a system ruleset open to all whose list
    ESXi keeps fixed is named in the message, not failed.

    The default policy must block both directions: vSphere 8 STIG ESXI-80-000214 (V-258769,
    read with `find_string`), "ESXi has a default firewall rule policy to allow or deny incoming
    and outgoing traffic. Reduce the risk of attack by ensuring this is set to deny incoming and
    outgoing traffic ... If the Incoming or Outgoing policies are "True", this is a finding"
    (PowerCLI's Get-VMHostFirewallDefaultPolicy, whose IncomingEnabled/OutgoingEnabled are the
    API's HostFirewallDefaultPolicy incomingBlocked/outgoingBlocked negated). A host that lets
    outgoing traffic out by default passed on incomingBlocked alone (V16-1); one whose
    outgoingBlocked or incomingBlocked is not reported (both "Need not be set") is asked (an
    unreported incomingBlocked failed as "not blocked", R35E-5).

    Whether the firewall runs at all is not in the vSphere API: `esxcli network firewall set
    --enabled false` (or `unload`) turns it off, `esxcli network firewall get` then reports
    "Enabled: false", and HostFirewallInfo has no such flag (pyVmomi _typeinfo_vim:
    defaultPolicy and ruleset only), so a default policy and rulesets that would pass are the
    question whether it is enabled (V17-2), never a pass. An outgoing policy not reported is
    asked in the same item (joined_asks): asked alone, a "yes" to it passed the host with
    whether the firewall is enabled never asked (R34M-1)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        fw = esx.firewall
        if fw is None:
            yield unknown(
                s,
                _gap("config.firewall", esx.source),
                f"Does every enabled firewall ruleset of host {h.name} admit only listed "
                "networks? Evidence: the vSphere Client, host "
                f"{h.name} > Configure > Firewall (each enabled service's 'Allow connections "
                "from any IP address'), or `esxcli network firewall ruleset list` and `esxcli "
                "network firewall ruleset allowedip list` there. Pass: yes, no enabled ruleset "
                "allows all addresses; fail: one does.",
            )
            continue
        open_all = [
            r
            for r in fw.get("rulesets") or []
            if r.get("enabled") and (r.get("all_ip") or _every_address(r.get("networks") or []))
        ]
        fixed = sorted(
            str(r.get("key")) for r in open_all if r.get("ip_list_configurable") is False
        )
        open_to_all = sorted(
            str(r.get("key")) for r in open_all if r.get("ip_list_configurable") is not False
        )
        problems = []
        # R35E-5: incomingBlocked "Need not be set" (HostFirewallDefaultPolicy, vSphere Web
        # Services API 8.0U3, read with `search`), as outgoingBlocked: not reported is asked,
        # not failed as "not blocked"
        if fw.get("incoming_blocked") is False:
            problems.append("incoming traffic is not blocked by default")
        if fw.get("outgoing_blocked") is False:
            problems.append("outgoing traffic is not blocked by default")
        if open_to_all:
            shown = ", ".join(open_to_all[:8]) + (" ..." if len(open_to_all) > 8 else "")
            problems.append(f"{len(open_to_all)} enabled ruleset(s) open to any address: {shown}")
        if problems:
            yield failed(s, "; ".join(problems), esx.source)
            continue
        # the outgoing policy not reported is asked beside whether the firewall is enabled, in
        # one item: asked alone, a "yes" passed a firewall that may be off (R34M-1)
        asks = []
        if fw.get("incoming_blocked") is not True:
            gap = Fact[bool].unavailable(
                "config.firewall.defaultPolicy.incomingBlocked not reported", esx.source
            )
            asks.append(
                unknown(
                    s,
                    gap,
                    f"Does host {h.name}'s firewall block incoming traffic by default? Evidence: "
                    "`esxcli network firewall get` there (Default Action) or PowerCLI "
                    "Get-VMHostFirewallDefaultPolicy (IncomingEnabled). Pass: yes, DROP "
                    "(IncomingEnabled False); fail: PASS (IncomingEnabled True).",
                )
            )
        if fw.get("outgoing_blocked") is not True:
            gap = Fact[bool].unavailable(
                "config.firewall.defaultPolicy.outgoingBlocked not reported", esx.source
            )
            asks.append(
                unknown(
                    s,
                    gap,
                    f"Does host {h.name}'s firewall block outgoing traffic by default? Evidence: "
                    "`esxcli network firewall get` there (Default Action) or PowerCLI "
                    "Get-VMHostFirewallDefaultPolicy (OutgoingEnabled). Pass: yes, DROP "
                    "(OutgoingEnabled False); fail: PASS (OutgoingEnabled True).",
                )
            )
        what = "every enabled ruleset limited to listed networks"
        if fixed:
            shown = ", ".join(fixed[:8]) + (" ..." if len(fixed) > 8 else "")
            what = (
                "every enabled ruleset a user may restrict is limited to listed networks; "
                f"{len(fixed)} system ruleset(s) ESXi keeps open to all "
                f"(ipListUserConfigurable false): {shown}"
            )
        ways = [w for w in ("incoming", "outgoing") if fw.get(f"{w}_blocked") is True]
        blocked = " and ".join(ways) + " blocked" if ways else ""
        asks.append(
            manual(
                s,
                f"{blocked + '; ' if blocked else ''}{what}; whether the firewall is enabled is "
                "not in the vSphere API",
                esx.source,
                question=f"Is host {h.name}'s firewall enabled? Evidence: `esxcli network "
                "firewall get` on the host (ESXi Shell or SSH; PowerCLI Get-EsxCli -V2 "
                "network.firewall.get). Pass: yes, Enabled: true; fail: Enabled: false (the "
                "firewall was disabled or unloaded, and every packet passes).",
            )
        )
        yield joined_asks(s, asks)


def _every_address(networks: list[Any]) -> bool:
    """Whether the allowed networks cover every IPv4 or every IPv6 address."""
    blocks: dict[int, list[Any]] = {4: [], 6: []}
    for n in networks:
        try:
            net = ipaddress.ip_network(str(n), strict=False)
        except ValueError:
            continue
        blocks[net.version].append(net)
    return any(
        any(b.prefixlen == 0 for b in ipaddress.collapse_addresses(nets))
        for nets in blocks.values()
    )


# option -> (what a secure value is, a predicate over the reported value)
TIMEOUTS = {
    "UserVars.ESXiShellInteractiveTimeOut": 900,
    "UserVars.ESXiShellTimeOut": 600,
    "UserVars.DcuiTimeOut": 600,
    "UserVars.HostClientSessionTimeout": 900,
}


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _advanced(
    ctx: Context, keys: tuple[str, ...]
) -> Iterator[tuple[Subject, dict[str, Any] | None, Source]]:
    for h, esx in _esx_hosts(ctx):
        values = esx.advanced
        if values is not None and any(values.get(k) is None for k in keys):
            values = None
        yield host_subject(h), values, esx.source


@check(
    id="HVA-413",
    title="Shell, console and web client sessions time out",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-16"]},
    interpretations={
        "sp800-125a-2014:HY-SR-16": (
            "HY-SR-16 restricts remote access to the console (disable, deny root, named "
            "administrators); it does not mention time-outs, which hvaudit counts as part of "
            "keeping that access closed."
        ),
    },
    remediation="Set UserVars.ESXiShellInteractiveTimeOut and UserVars.HostClientSessionTimeout to "
    "900 or less, UserVars.ESXiShellTimeOut and UserVars.DcuiTimeOut to 600 or less (0 disables "
    "the time-out).",
    platforms=ESX,
)
def session_timeouts(ctx: Context) -> Iterator[Outcome]:
    """An idle session left open is a session someone else can use. The options the host
    reports are judged, and a fail among them wins; the ones it does not report are asked by
    name (R35E-6: one option not reported, UserVars.HostClientSessionTimeout on a host older
    than the Host Client's, hid a reported ESXiShellTimeOut = 0 behind the question)."""
    for h, esx in _esx_hosts(ctx):
        s, src = host_subject(h), esx.source
        values = esx.advanced or {}
        missing = [k for k in TIMEOUTS if values.get(k) is None]
        bad = []
        for key, limit in TIMEOUTS.items():
            if key in missing:
                continue
            n = _int(values[key])
            if n is None or n <= 0 or n > limit:
                bad.append(f"{key} = {str(values[key])[:12]} (want 1..{limit})")
        if bad:
            yield failed(s, "; ".join(bad), src)
        elif missing:
            what = (
                "Are this host's session time-outs set? Evidence: its advanced settings "
                + ", ".join(f"{k} (at most {TIMEOUTS[k]})" for k in missing)
                + " (vSphere Client: Configure > System > Advanced System Settings). Pass: yes, "
                "each is at most its limit and not 0; fail: one is 0 (no time-out) or above it."
            )
            if esx.advanced is None:
                yield unknown(s, _gap("advanced option(s) " + ", ".join(missing), src), what)
            else:
                yield _no_option(s, esx, missing, what)
        else:
            yield passed(s, "every time-out set within its limit", src)


@check(
    id="HVA-414",
    title="Memory pages are shared within a VM only (Mem.ShareForceSalting = 2)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
    interpretations={
        "sp800-125a-2014:HY-SR-6": (
            "HY-SR-6 limits memory over-commit; page sharing is the mechanism that makes "
            "over-commit possible (and a cross-VM side channel), so hvaudit counts it against "
            "HY-SR-6."
        ),
        "sp800-125a-r1:HY-SR-3": (
            "HY-SR-3 limits memory over-commit; page sharing is the mechanism that makes "
            "over-commit possible (and a cross-VM side channel), so hvaudit counts it against "
            "HY-SR-3."
        ),
    },
    remediation="Set the advanced option Mem.ShareForceSalting to 2.",
    platforms=ESX,
)
def share_salting(ctx: Context) -> Iterator[Outcome]:
    """Transparent page sharing across VMs is a side channel; salting 2 limits it to one VM
    (unless a VM overrides its salt, HVA-404)."""
    for s, values, src in _advanced(ctx, ("Mem.ShareForceSalting",)):
        if values is None:
            yield unknown(s, _gap("Mem.ShareForceSalting", src), "Mem.ShareForceSalting is 2")
        elif _int(values["Mem.ShareForceSalting"]) == 2:
            yield passed(s, "Mem.ShareForceSalting = 2", src)
        else:
            yield failed(
                s, f"Mem.ShareForceSalting = {str(values['Mem.ShareForceSalting'])[:12]}", src
            )


@check(
    id="HVA-415",
    title="The Managed Object Browser is off",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-4"]},
    remediation="Set Config.HostAgent.plugins.solo.enableMob to false.",
    platforms=ESX,
)
def mob_off(ctx: Context) -> Iterator[Outcome]:
    """The MOB is a web interface to the host's whole object model: one more management surface."""
    key = "Config.HostAgent.plugins.solo.enableMob"
    for s, values, src in _advanced(ctx, (key,)):
        if values is None:
            yield unknown(s, _gap(key, src), f"{key} is false")
        elif str(values[key]).lower() in ("false", "0"):
            yield passed(s, f"{key} = false", src)
        else:
            yield failed(s, f"{key} = {str(values[key])[:12]}", src)


# Privileges that administer VMs (beyond looking at them). Guest operations run programs and
# move files inside the guest (StartProgramInGuest needs VirtualMachine.GuestOperations.Execute,
# InitiateFileTransferToGuest .Modify: vSphere API reference, read with `search`).
VM_ADMIN_PREFIXES = (
    "VirtualMachine.Config.",
    "VirtualMachine.GuestOperations.",
    "VirtualMachine.Interact.",
    "VirtualMachine.Inventory.",
    "VirtualMachine.Provisioning.",
    "VirtualMachine.State.",
)
ADMIN_ROLE = "-1"
#: vCenter's predefined roles that are the Administrator role less one privilege group: "No
#: cryptography administrator" (NoCryptoAdmin, "Full access without Cryptographic operations
#: privileges") and "No Trusted Infrastructure administrator" (NoTrustedAdmin). vSphere STIG
#: VCSA-70-000284 / SV-256364 (read with `find_string`): "normal vSphere administrators are
#: assigned the 'No Cryptography Administrator' role": a hardened vCenter grants them there.
ADMIN_EQUIVALENT_ROLES = ("NoCryptoAdmin", "NoTrustedAdmin")
#: ESXi's own accounts, each given the Administrator role on the host's root folder by ESXi
#: itself (vSphere Security, "Predefined ESXi Users and Privileges": root "with the Administrator
#: role", vpxuser "Do not change its permissions", dcui "acts with Administrator rights").
ESXI_OWN_ADMINS = ("root", "vpxuser", "dcui")


def _reaches_every_vm(p: dict[str, Any], root: object, tops: dict[str, str]) -> str | None:
    """Where a propagating grant reaches every VM of an inventory, a cluster or a host, else
    None."""
    entity, kind = p.get("entity"), str(p.get("entity_type") or "")
    if not p.get("propagate") or not entity:
        return None
    if entity == root:
        return "the root folder"
    if kind == "Datacenter":
        return f"Datacenter {entity}"
    if entity in tops:
        return f"{tops[entity]} ({entity})"
    if kind == "ClusterComputeResource":
        return f"cluster {entity}, every VM it runs"
    # "Virtual machines inherit permissions from both the parent virtual machine folder and the
    # parent host, cluster, or resource pool simultaneously" (vSphere Security, "Hierarchical
    # Inheritance of Permissions"); a standalone host's root resource pool "always inherit[s] the
    # permissions of [its] parent" (PowerCLI New-VIPermission): a grant on a host, or on a
    # standalone host's compute resource, reaches every VM it runs, as one on a cluster (V18-1)
    if kind == "ComputeResource":
        return f"standalone host {entity}, every VM it runs"
    if kind == "HostSystem":
        return f"host {entity}, every VM it runs"
    return None


@check(
    id="HVA-416",
    title="VM administration is granted per VM, folder or resource pool, not inventory-wide",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-13"], "sp800-125a-r1": ["HY-SR-18"]},
    remediation="Grant roles that administer VMs on the VM folders or resource pools each team owns, "
    "not on the vCenter root or a datacenter; keep the Administrator role to a small group.",
    platforms=ESX,
)
def granular_permissions(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-13: an operator of some VMs should not hold rights over every VM. Permissions that
    propagate from the root folder, a folder of datacenters (the hierarchy's "data center
    folder") or a datacenter reach every VM below them, and so do those on a datacenter's top VM
    folder or top host folder (a VM inherits from its VM folder and from its resource pool,
    inside its host or cluster: vSphere Security, "Hierarchical Inheritance of Permissions"),
    those on a host folder below it (every VM of its hosts and clusters) and those on a cluster
    or a host, every VM it runs (V18-1: a data center folder, a lower host folder and a host
    passed). The Administrator role holds every
    privilege: its grants are VM administration too, and so are those of NoCryptoAdmin and
    NoTrustedAdmin, the Administrator role less the cryptographic or Trusted Infrastructure
    privileges (ADMIN_EQUIVALENT_ROLES), which the vCenter STIG gives normal administrators
    instead of Administrator: the same question, not a fail. ESXi gives it to its own accounts root,
    vpxuser and dcui on the root folder ("Predefined ESXi Users and Privileges"), named in the
    pass; granted inventory-wide to anyone else it is a question, as the platform's
    administrators hold it so by design ("assign the administrator role to a limited number of
    users") and only the organisation knows whether a holder is one of them."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        access = esx.access
        if not access or not isinstance(access.get("permissions"), list):
            yield unknown(
                s,
                _gap("AuthorizationManager roleList and permissions", esx.access_source),
                "VM roles are scoped",
            )
            continue
        roles = access.get("roles") or {}
        admin_roles = {ADMIN_ROLE} | {
            rid for rid, role in roles.items() if role.get("name") in ADMIN_EQUIVALENT_ROLES
        }
        vm_roles = {
            rid
            for rid, role in roles.items()
            if rid not in admin_roles
            and any(str(p).startswith(VM_ADMIN_PREFIXES) for p in role.get("privileges", []))
        }
        root = access.get("root")
        found = access.get("top_folders")
        tops: dict[str, str] = (
            {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}
        )
        reach = {
            id(p): where
            for p in access["permissions"]
            if isinstance(p, dict) and (where := _reaches_every_vm(p, root, tops))
        }
        broad = sorted(
            f"{p['principal']} ({roles.get(p['role'], {}).get('name', p['role'])} on {where})"
            for p in access["permissions"]
            if p.get("role") in vm_roles and (where := reach.get(id(p)))
        )
        admins = [
            p for p in access["permissions"] if p.get("role") in admin_roles and id(p) in reach
        ]

        def own_account(p: dict[str, Any]) -> bool:
            return (
                p.get("role") == ADMIN_ROLE
                and p["principal"] in ESXI_OWN_ADMINS
                and not p.get("group")
            )

        own = sorted({str(p["principal"]) for p in admins if own_account(p)})
        others = sorted(
            f"{'group ' if p.get('group') else ''}{p['principal']} "
            f"({'Administrator' if p['role'] == ADMIN_ROLE else roles[p['role']]['name']} on "
            f"{reach[id(p)]})"
            for p in admins
            if not own_account(p)
        )
        scoped = [p for p in access["permissions"] if p.get("role") in vm_roles]
        unplaced = [p for p in scoped if not p.get("entity")]
        if broad:
            yield failed(
                s,
                "VM administration granted inventory-wide: " + "; ".join(broad),
                esx.access_source,
            )
        elif unplaced:
            gap = Fact[bool].unavailable(
                f"{len(unplaced)} VM role grant(s) reported without the object they apply to",
                esx.access_source,
            )
            yield unknown(
                s,
                gap,
                "Are the roles that administer VMs granted on VM folders, resource pools or "
                "VMs only? Evidence: vCenter's Administration > Access Control > Global "
                "Permissions and each grant's object (Permissions tab of the root folder and "
                "datacenters). Pass: yes, none on the vCenter root, a data center folder, a "
                "datacenter, its top VM folder, a host folder, a cluster or a host with "
                "propagation; fail: one is.",
            )
        elif others:
            yield manual(
                s,
                "Administrator role granted inventory-wide: " + "; ".join(others),
                esx.access_source,
                question="Are "
                + ", ".join(sorted({str(p["principal"]) for p in admins if not own_account(p)}))
                + " the platform's administrators, a small group that administers every VM "
                "by design? Evidence: the organisation's list of vSphere administrators against "
                "the Administrator grants (vCenter Administration > Access Control > Global "
                "Permissions, the root folder's Permissions tab). Pass: yes, each is; fail: any "
                "is a team or account that operates only some VMs.",
            )
        else:
            yield passed(
                s,
                f"{len(scoped)} VM role grant(s), none on the root folder, a data center "
                "folder, a datacenter, its top VM folder, a host folder, a cluster or a host"
                + (
                    f"; Administrator inventory-wide to ESXi's own accounts only ({', '.join(own)})"
                    if own
                    else ""
                ),
                esx.access_source,
            )


# ---------------------------------------------------------------------------------------------
# Switches and port groups, each its own subject (whether or not a VM is on it)

POLICY_KEYS = ("allowPromiscuous", "macChanges", "forgedTransmits")
POLICY_WORDS = {
    "allowPromiscuous": "promiscuous mode",
    "macChanges": "MAC address changes",
    "forgedTransmits": "forged transmits",
}


def _switch_subject(name: str, host: str | None, kind: str) -> Subject:
    return Subject("network", name, host, f"{kind}:{name}")


def _distributed(ctx: Context) -> tuple[dict[str, Any], Source] | None:
    """vCenter's distributed switches (one artefact, the same on every host record)."""
    for _, esx in _esx_hosts(ctx):
        if esx.distributed is not None:
            return esx.distributed, esx.distributed_source
    return None


def _policy_outcome(
    s: Subject, security: Any, what: str, src: Source, override: object = None
) -> Outcome:
    if not isinstance(security, dict):
        if override is True:
            # R35E-2: a port that may override the port group's policy fails whatever the
            # policy is; the policy's gap hid it
            return failed(
                s, f"{what}: each port may override the port group's security policy", src
            )
        gap = Fact[bool].unavailable(f"{what}: its security policy is not reported", src)
        return unknown(s, gap, "promiscuous mode, MAC changes and forged transmits are rejected")
    missing = [k for k in POLICY_KEYS if not isinstance(security.get(k), bool)]
    accepted = [POLICY_WORDS[k] for k in POLICY_KEYS if security.get(k) is True]
    if security.get("macLearning") is True:
        # R33V-1: a learning port passes frames from every source MAC it learns (vSphere 8
        # Networking, MAC learning; VCFA-9X-000345: "If the "MAC Learning" policy is enabled on
        # any port group, this is a finding"); flooding hands it other ports' unknown unicast
        accepted.append(
            "MAC learning (frames from any source MAC the port learns)"
            + (
                ", with unknown unicast flooded to the port"
                if security.get("unicastFlooding") is not False
                else ""
            )
        )
    if override is True:
        accepted.append("each port may override the port group's security policy")
    if accepted:
        return failed(s, f"{what} accepts " + ", ".join(accepted), src)
    if missing:
        gap = Fact[bool].unavailable(
            f"{what}: security.{', security.'.join(missing)} not reported", src
        )
        return unknown(s, gap, f"{what} rejects {', '.join(POLICY_WORDS[k] for k in missing)}")
    return passed(
        s, f"{what} rejects promiscuous mode, MAC address changes and forged transmits", src
    )


@check(
    id="HVA-417",
    title="Every switch and port group rejects promiscuous mode, MAC changes and forged transmits",
    scope="network",
    severity=Severity.HIGH,
    recommendations={"sp800-125b": ["VM-FW-R2", "VM-TM-R2"]},
    interpretations={
        "sp800-125b:VM-FW-R2": (
            "VM-FW-R2 puts filtering in the hypervisor between vNIC and virtual switch; hvaudit "
            "takes rejecting forged transmits and MAC changes at the port as the anti-spoofing "
            "such a filter must do."
        ),
        "sp800-125b:VM-TM-R2": (
            "VM-TM-R2 allows promiscuous mode on the port group that needs it; this check holds "
            "every switch and port group to rejecting it, and judges MAC changes and forged "
            "transmits with it."
        ),
    },
    remediation="Set Promiscuous mode, MAC address changes and Forged transmits to Reject on every "
    "standard vSwitch and port group (Host > Configure > Virtual switches > Edit > Security) and "
    "on every distributed switch and port group; do not allow ports to override the security "
    "policy; disable MAC learning on every distributed switch and port group. Enable "
    "promiscuous mode only on the one port group a monitoring appliance needs.",
    platforms=ESX,
)
def switch_security(ctx: Context) -> Iterator[Outcome]:
    """A port that accepts forged transmits or MAC changes lets a guest send as another machine;
    promiscuous mode lets it read every frame of its switch or port group (SP 800-125B VM-TM-R2:
    only on the port group that needs it, never on the whole switch). Judged on every standard
    vSwitch and port group of every host and every distributed switch and port group, used by a
    VM or not: an unused port group is one reconfiguration away from carrying a VM. vSphere 8 STIG
    ESXI-80-000216 (forged transmits), ESXI-80-000217 (MAC changes), ESXI-80-000218 (promiscuous
    mode); the vSphere 8 Security Configuration Guide's vSwitch and vDS security-policy rules.
    A standard port group's policy is the effective one (its override over the switch's).
    A distributed port that learns MAC addresses (DVSMacLearningPolicy enabled, R33V-1) sends
    from every source MAC it learns and, with unknown unicast flooding, receives others' frames:
    vCenter STIG VCFA-9X-000345 "must disable the distributed port group Media Access Control
    (MAC) learning policy" (DISA's InSpec control, read with `find_string`)."""
    for h, esx in _esx_hosts(ctx):
        if esx.switches is None:
            s = _switch_subject("(standard switches)", h.name, "vswitch")
            gap = _gap("config.network.vswitch", esx.source)
            yield unknown(s, gap, "every standard vSwitch rejects the three policies")
        for sw in esx.switches or []:
            name = str(sw.get("name", ""))
            yield _policy_outcome(
                _switch_subject(name, h.name, "vswitch"),
                sw.get("security"),
                f"standard switch {name}",
                Source(esx.source.artefact, f"vswitch {name}"),
            )
    for n in ctx.deployment.networks:
        if n.distributed or ctx.deployment.platform != "vmware-esxi":
            continue
        yield _policy_outcome(
            _switch_subject(n.name, n.host, "portgroup"),
            n.guest_policy if n.guest_policy else None,
            f"port group {n.name} (effective policy)",
            n.source,
        )
    dist = _distributed(ctx)
    if dist is None:
        return
    data, src = dist
    for sw in data.get("switches") or []:
        yield _policy_outcome(
            _switch_subject(str(sw.get("name")), None, "dvswitch"),
            sw.get("security"),
            f"distributed switch {sw.get('name')} (default port policy)",
            Source(src.artefact, f"dvs {sw.get('name')}"),
        )
    for pg in data.get("portgroups") or []:
        if pg.get("uplink"):
            continue
        overrides = pg.get("overrides") or {}
        flags = [
            overrides.get(k)
            for k in ("securityPolicyOverrideAllowed", "macManagementOverrideAllowed")
        ]
        outcome = _policy_outcome(
            Subject("network", str(pg.get("name")), str(pg.get("switch")), str(pg.get("key"))),
            pg.get("security"),
            f"distributed port group {pg.get('name')}",
            Source(src.artefact, f"dvportgroup {pg.get('name')}"),
            # securityPolicyOverrideAllowed is "Deprecated. As of vSphere API 6.7.1, use
            # macManagementOverrideAllowed" (VMwareDVSPortgroupPolicy): either lets a port
            # override the port group's policy
            True in flags,
        )
        if outcome.status in (Status.PASS, Status.MANUAL) and not any(
            isinstance(f, bool) for f in flags
        ):
            # L19-3V: the port group's policy holds for its ports only where they may not
            # override it; neither flag reported (config.policy missing) is no pass, and is
            # asked beside a policy key that is asked (R35E-2)
            outcome = _override_unreported(
                outcome,
                str(pg.get("name")),
                "securityPolicyOverrideAllowed / macManagementOverrideAllowed",
                "security policy",
                "Security (MAC management)",
            )
        yield outcome


NATIVE_VLAN = 1
"""The native (untagged) VLAN of most physical switches as shipped: a port group on it mixes
with every untagged frame of the uplink."""
RESERVED_VLANS = ((1001, 1024), (3968, 4094))
"""VLAN ids physical switches commonly reserve: vSphere 8 vCenter STIG VCSA-80-000274
(V-258941) and vSphere 7 ESXi STIG ESXI-70-000065, read with `search`: "Cisco Catalyst switches
typically reserve VLANs 1001 to 1024 and 4094, while Nexus switches typically reserve 3968 to
4094 ... If any port group is configured with a reserved VLAN ID, this is a finding". Which are
reserved depends on the switch: a port group on one is a question."""


def _vlan_outcome(s: Subject, what: str, kind: str | None, vlan: Any, src: Source) -> Outcome:
    if kind == "trunk":
        ranges = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in vlan)
        return failed(s, f"{what} trunks VLANs {ranges} to its guests", src)
    if kind == "vgt":
        return failed(s, f"{what} is on VLAN 4095: every VLAN trunked to the guest (VGT)", src)
    # a private VLAN's id is the secondary VLAN id, a VLAN id like any other on the uplinks
    # (VmwareDistributedVirtualSwitchPvlanSpec.pvlanId "The secondaryVlanId"; VMwareDVSPvlanMapEntry:
    # only 0 and 4095 are reserved): on the native VLAN or a reserved one it is judged as a VLAN
    # port group is (V14-8: it passed)
    label = "private VLAN" if kind == "pvlan" else "VLAN"
    if kind not in ("vlan", "pvlan") or not isinstance(vlan, int):
        gap = Fact[bool].unavailable(f"{what}: its VLAN is not reported", src)
        return unknown(s, gap, f"{what} is on one VLAN of its own")
    if vlan == NATIVE_VLAN:
        return failed(
            s,
            f"{what} is on {label} {NATIVE_VLAN}, the physical switches' default native VLAN",
            src,
        )
    if vlan == 0:
        return manual(
            s,
            f"{what} sends untagged frames: they take the native VLAN of the physical port",
            src,
            question=f"Is the physical switch port under {what} an access port of one VLAN "
            "reserved for it? Evidence: the physical switch's configuration of the ports its "
            "uplinks are cabled to (the vSphere Client shows the neighbour by CDP or LLDP under "
            "the host's Physical adapters). Pass: yes, an access port whose VLAN carries only "
            "this port group; fail: a trunk whose native VLAN other traffic shares.",
        )
    if any(lo <= vlan <= hi for lo, hi in RESERVED_VLANS):
        return manual(
            s,
            f"{what} is on {label} {vlan}, which physical switches often reserve",
            src,
            question=f"Is VLAN {vlan} an ordinary VLAN (not reserved) on the physical switches "
            f"{what}'s uplinks reach? Evidence: those switches' model and documentation and "
            "their VLAN table (`show vlan`; Cisco Catalyst typically reserves 1001-1024 and "
            "4094, Nexus 3968-4094). Pass: yes, not reserved there; fail: reserved.",
        )
    return passed(s, f"{what} is on {label} {vlan}", src)


@check(
    id="HVA-418",
    title="Every port group is on one VLAN: no trunk to guests, not the native VLAN",
    scope="network",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125b": ["VM-NS-R3"]},
    interpretations={
        "sp800-125b:VM-NS-R3": (
            "VM-NS-R3 keeps VLAN membership to a host's VLAN profile at the physical port; SP "
            "800-125B has no VLAN-hopping text, and hvaudit applies the same rule to the port "
            "group: its guests get one VLAN, not a trunk."
        ),
    },
    remediation="Give every port group one VLAN id of its own (2..4094, not the native VLAN); use "
    "VLAN 4095 or a distributed trunk only for an approved router or firewall appliance; do not "
    "allow distributed ports to override the VLAN.",
    platforms=ESX,
)
def portgroup_vlans(ctx: Context) -> Iterator[Outcome]:
    """A port group on VLAN 4095 (standard) or with trunk ranges (distributed) hands every VLAN to
    its guests, which can then tag their way into other segments; one on the native VLAN mixes with
    the uplink's untagged traffic. vSphere 8 STIG ESXI-80-000220 (VGT on standard switches); the
    vSphere 8 Security Configuration Guide's port-group VLAN rules (native VLAN, VGT, reserved
    VLANs: an id in RESERVED_VLANS is a question for the physical switches, vCenter STIG
    VCSA-80-000274). Uplink port groups carry trunks by design and are not judged."""
    for h, esx in _esx_hosts(ctx):
        if esx.switches is None:
            s = _switch_subject("(port groups)", h.name, "portgroup")
            yield unknown(
                s,
                _gap("config.network.portgroup", esx.source),
                f"Is every standard port group of host {h.name} on one VLAN of its own? "
                f"Evidence: the vSphere Client, host {h.name} > Configure > Virtual switches "
                "(each port group's VLAN ID), or `esxcli network vswitch standard portgroup "
                "list` there, and for an untagged one (VLAN 0) the physical switch port it "
                "leaves through. Pass: yes, each has a VLAN ID from 2 to 4094, or is untagged on "
                "an access port reserved for it; fail: one is on VLAN 4095 (every VLAN trunked "
                "to its guests), on VLAN 1, or untagged on a native VLAN other traffic shares.",
            )
    for n in ctx.deployment.networks:
        if n.distributed or ctx.deployment.platform != "vmware-esxi":
            continue
        s = _switch_subject(n.name, n.host, "portgroup")
        what = f"port group {n.name}"
        if n.vlan_trunk:
            yield _vlan_outcome(s, what, "vgt", 4095, n.source)
        else:
            yield _vlan_outcome(s, what, "vlan", n.vlan_tags[0] if n.vlan_tags else 0, n.source)
    dist = _distributed(ctx)
    if dist is None:
        return
    data, src = dist
    for pg in data.get("portgroups") or []:
        if pg.get("uplink"):
            continue
        s = Subject("network", str(pg.get("name")), str(pg.get("switch")), str(pg.get("key")))
        what = f"distributed port group {pg.get('name')}"
        vlan = pg.get("vlan") or {}
        ref = Source(src.artefact, f"dvportgroup {pg.get('name')}")
        loose = (pg.get("overrides") or {}).get("vlanOverrideAllowed")
        if loose is True:
            yield failed(s, f"{what}: each port may override its VLAN", ref)
            continue
        outcome = _vlan_outcome(
            s,
            what,
            vlan.get("kind"),
            vlan.get("ranges") if vlan.get("kind") == "trunk" else vlan.get("id"),
            ref,
        )
        if outcome.status in (Status.PASS, Status.MANUAL) and not isinstance(loose, bool):
            # R35E-2: asked beside the VLAN's own question (reserved, untagged, not reported)
            outcome = _override_unreported(
                outcome, str(pg.get("name")), "vlanOverrideAllowed", "VLAN", "VLAN"
            )
        yield outcome


def _override_unreported(
    outcome: Outcome, name: str, flags: str, policy: str, setting: str
) -> Outcome:
    """A distributed port group's pass turned into its question where config.policy did not
    report whether its ports may override the port group's `policy` (L19-3V): the port group's
    setting holds for a port only where the port may not override it (VMwareDVSPortgroupPolicy
    vlanOverrideAllowed, "Allow the setting of vlanId, trunk vlanId, or pvlanId for an
    individual port to override the setting in defaultPortConfig of a portgroup";
    securityPolicyOverrideAllowed / macManagementOverrideAllowed for the security policy). A port
    group's own question (a policy key or its VLAN not reported, a reserved or untagged VLAN)
    is asked in one item with this one (joined_asks): asked alone, a "yes" to it passed the port
    group with whether its ports may override the policy never asked (R35E-2)."""
    ask = dataclasses.replace(
        outcome,
        status=Status.MANUAL,
        message=f"{outcome.message}; whether each port may override its {policy} "
        f"(config.policy.{flags}) was not reported",
        question=f"Does distributed port group {name} keep its {policy} for every port (no "
        "port may override it)? "
        "Evidence: the vSphere Client, the port group > Configure > Settings > Properties or "
        f"Edit Settings > Advanced (Override port policies: {setting}), or its config.policy."
        f"{flags}. Pass: yes, override not allowed, the port group's setting holds for "
        "every port; fail: no, override allowed.",
    )
    if outcome.status is Status.PASS:
        return ask
    return joined_asks(
        outcome.subject,
        [
            outcome,
            dataclasses.replace(
                ask,
                message=f"whether each port may override its {policy} "
                f"(config.policy.{flags}) was not reported",
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# ESXi host items. An option or property the host did not report is a manual item naming it.


def _option(esx: VmwareHost, key: str) -> Any:
    return None if esx.advanced is None else esx.advanced.get(key)


def _no_option(s: Subject, esx: VmwareHost, keys: list[str], what: str) -> Outcome:
    if not esx.source.artefact:
        return unknown(s, _gap(f"advanced option(s) {', '.join(keys)}", esx.source), what)
    gap = Fact[bool].unavailable(
        f"advanced option(s) {', '.join(keys)} not reported by the host", esx.source
    )
    return unknown(s, gap, what)


def _true(value: object) -> bool | None:
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    return None


def _service_states(
    esx: VmwareHost, keys: tuple[str, ...]
) -> tuple[dict[str, dict[str, Any]], list[str]] | None:
    if esx.services is None:
        return None
    found = {k: esx.services[k] for k in keys if k in esx.services}
    return found, [k for k in keys if k not in esx.services]


@check(
    id="HVA-419",
    title="The host synchronises its clock with NTP servers (ntpd running, started with the host)",
    scope="host",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-20"]},
    interpretations={
        "sp800-125a-2014:HY-SR-20": (
            "HY-SR-20 asks for standard, forwarded logs; hvaudit counts a synchronised clock as "
            "what makes such logs usable across hosts."
        ),
    },
    remediation="Host > Configure > Time Configuration: add the site's NTP servers, start the NTP "
    "service and set its startup policy to 'Start and stop with host'.",
    platforms=ESX,
)
def ntp(ctx: Context) -> Iterator[Outcome]:
    """Log records from hosts whose clocks disagree cannot be correlated. vSphere 8 STIG
    ESXI-80-000124 (ntpd running, policy on, site NTP servers; PTP instead of NTP acceptable,
    checks-catalog SR20-ESX-04); property config.dateTimeInfo.ntpConfig.server and the service
    ntpd. vSphere documents both ("synchronize the time and date of the host with an NTP or PTP
    server"); a host whose config.dateTimeInfo.systemClockProtocol is ptp (API 7.0.3) is judged
    on its PTP daemon (service ptpd) instead. ntpd behind a firewall that blocks it (outgoing
    blocked, ruleset ntpClient disabled or not admitting a server: `_outbound`) synchronises
    nothing (V15-4); a firewall not read is asked (L16-16).

    A server that is the host itself is no time source (V16-2: "servers 127.127.1.0" passed): a
    loopback address or `localhost` is the host's own ntpd, and 127.127.1.u is ntpd's reference
    clock address of its "Undisciplined Local Clock. This is a fake driver intended for backup
    and when no outside source of synchronized time is available" (ntp's stock ntp.conf; ntp.org,
    "Reference Clock Drivers": it "can simulate a reference clock when no external
    synchronization sources are available", read with `find_string`), inside 127/8 as every
    127.127.t.u refclock address is. ESXI-80-000124 asks for "an authoritative time source":
    where every server is the host itself, it fails (`_own_clock`), and so does one that is the
    unspecified address 0.0.0.0 or :: (`unspecified_address`, as V20-1 reads syslog targets: L19-2V).
    A PTP host whose ptpConfig (HostDateTimeInfo.ptpConfig, API 7.0.3) has no active port
    (deviceType none: "this port is inactive") fails; one with a port is asked (L19-2V). A
    server entry may carry ntp.conf `server` options and a comment after its address
    (HostNtpConfig.server): it is judged by its address (`_ntp_address`, V21B-3: "127.127.1.0
    prefer" passed). One marked `noselect` is "discarded by the selection algorithm" (ntp's
    Server Options): where every server is the host's own clock or such an entry, it fails
    (V22-1: "10.0.0.5 noselect" passed). HostNtpConfig.configFile is the host's ntp.conf
    ("Content of ntp.conf host configuration file, split by lines for ntpd version 4.2.8",
    vSphere API, read with `search`): a `disable ntp` there turns ntpd's clock discipline off
    ("If disabled, the local clock free-runs at its intrinsic time and frequency offset", ntp's
    miscopt.html, read with `find_string`): a fail whatever the servers (R24T-4). What the host
    reports of its time services now (HostDateTimeInfo, API 7.0.3: enabled, serviceSync from
    ntpd's leap indicator, remoteNtpServer) settles its configuration: time services down, the
    clock not synchronised, or synchronised to the host's own clock fails, as HVA-202 fails
    NTPSynchronized=no; a host older than 7.0.3, which reports none of them, is judged on its
    configuration as before (V24-1, `_time_service_state`); a PTP host's enabled and
    serviceSync settle it the same way (R25T-6). ntp.conf's `tos` lines set what
    ntpd's selection accepts: a minsane above the servers ntpd can select, or a floor and
    ceiling no stratum fits, fail; a floor, ceiling or maxdist tighter than ntp's defaults is
    asked, as it rests on the servers' stratum and distance (V24-2, `_ntp_tos`); `interface`
    rules that ignore or drop every address fail, narrower ones are asked (V24-5,
    `_ntp_interfaces`). Where the
    file's server, peer and pool lines name other sources than the server list (an address, or
    noselect), ntpd's sources are the file's: judged on them, the difference named; a file that
    passes where the list differs is asked (V24-3, `_ntp_sources`). A server that is the
    host's own inventory name or a VMkernel address of its own is the host itself too (V24-4,
    `_itself`). A firewall not read and authenticated servers or narrowed limits are asked in
    one item (joined_asks): the firewall's question alone passed on a "yes" with the others
    never asked (R34M-2). Where config.dateTimeInfo is not reported (the protocol not known),
    ntpd and ptpd both reported not running with policy on fail whichever protocol (R36E-4)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        if esx.ntp is None:
            # R36E-4: with config.dateTimeInfo not reported the protocol is not known, but each
            # protocol fails where its daemon is not running with policy on (below): ntpd and
            # ptpd both reported so fail whichever the host uses, asked, a "yes" passed them
            both = _service_states(esx, ("ntpd", "ptpd"))
            down = [
                f"{k} {'running' if v.get('running') else 'stopped'}, policy {v.get('policy')}"
                for k, v in sorted((both or ({}, []))[0].items())
                if not (v.get("running") and v.get("policy") == "on")
            ]
            if len(down) == 2:
                yield failed(
                    s,
                    f"{'; '.join(down)}: neither time daemon runs and starts with the host, "
                    "whichever protocol the host uses (config.dateTimeInfo, which names it, "
                    "not reported)",
                    esx.source,
                )
                continue
            yield unknown(s, _gap("config.dateTimeInfo", esx.source), _ntp_question(h))
            continue
        if esx.ntp.get("protocol") == "ptp":
            ptp = _service_states(esx, ("ptpd",))
            # R35E-1: ptpd's state not reported is asked beside the ports and the host's own
            # report, which are judged first: its question alone hid a PTP host with no active
            # port or an unsynchronised clock, and a "yes" passed it
            gap = (
                []
                if ptp and not ptp[1]
                else [unknown(s, _gap("the ptpd service", esx.source), "ptpd runs, policy on")]
            )
            # unreported, ptpd is judged as running: what fails beside it is judged, and its
            # question joins the item that is asked
            ptpd = ptp[0]["ptpd"] if ptp and not gap else {"running": True, "policy": "on"}
            state = (
                "state not reported"
                if gap
                else f"{'running' if ptpd.get('running') else 'stopped'}, policy {ptpd.get('policy')}"
            )
            config = esx.ntp.get("ptp")
            ports = config.get("ports") if isinstance(config, dict) else None
            active = [
                p
                for p in ports or []
                if isinstance(p, dict) and str(p.get("device_type") or "").lower() != "none"
            ]
            if (
                ptpd.get("running")
                and ptpd.get("policy") == "on"
                and ports is not None
                and not active
            ):
                # L19-2V: config.dateTimeInfo.ptpConfig (HostPtpConfig, API 7.0.3) reported
                # with no port, or every port's deviceType none ("A device type of
                # DeviceType#none indicates that this port is inactive"): ptpd has no network
                # to its master and keeps no time
                yield failed(
                    s,
                    f"clock protocol PTP, ptpd {state}, but no active PTP port "
                    "(config.dateTimeInfo.ptpConfig: no port, or every port's device type "
                    "none): no master reaches it",
                    esx.source,
                )
            elif (
                ptpd.get("running")
                and ptpd.get("policy") == "on"
                and (unsynced := _time_service_state(esx.ntp, "ptpd"))
            ):
                # R25T-6: the host's own report (HostDateTimeInfo, API 7.0.3) that its time
                # services are down or its clock is not synchronised settles PTP as it does NTP
                # (V24-1)
                yield failed(
                    s, f"clock protocol PTP, ptpd {state}, but {'; '.join(unsynced)}", esx.source
                )
            elif ptpd.get("running") and ptpd.get("policy") == "on":
                # V17-4: ptpd synchronises over the PTP port(s) of ptpConfig (deviceType
                # virtualNic or pciPassthruNic); whether the master answers there, and whether
                # the firewall lets PTP through, is not in the API: asked, the ports named
                where = (
                    "its PTP port (config.dateTimeInfo.ptpConfig) was not reported"
                    if ports is None
                    else "PTP port(s) "
                    + ", ".join(
                        f"{p.get('device') or '?'} ({p.get('device_type') or '?'})" for p in active
                    )[:120]
                )
                yield joined_asks(
                    s,
                    [
                        *gap,
                        manual(
                            s,
                            f"clock protocol PTP, ptpd {state}; {where}",
                            esx.source,
                            question=f"Does host {h.name} synchronise its clock with the site's PTP "
                            "master? Evidence: the vSphere Client, host "
                            f"{h.name} > Configure > Time Configuration (Precision Time Protocol: its "
                            "network adapter), or `esxcli system ptp get` and `esxcli system ptp stats "
                            "get` there. Pass: yes, a PTP port on a VMkernel or passthrough adapter, "
                            "synchronised to the master; fail: no port (device type none), or not "
                            "synchronised.",
                        ),
                    ],
                )
            else:
                yield failed(s, f"clock protocol PTP, but ptpd {state}", esx.source)
            continue
        states = _service_states(esx, ("ntpd",))
        # R35E-1: ntpd's state not reported is one more ask (asked_gap), judged after what
        # does not rest on it (the servers, ntp.conf, the host's own report, the firewall): its
        # question alone hid no server, `disable ntp` or an unsynchronised clock, and a "yes"
        # to it passed them
        svc_asks: list[Outcome] = []
        if states is None or states[1]:
            asked_gap(s, _gap("the ntpd service", esx.source), "ntpd runs, policy on", svc_asks)
        svc = states[0]["ntpd"] if states and not svc_asks else None
        lead = "ntpd running (policy on), " if svc is not None else ""
        stopped = (
            ""
            if svc is None or (svc.get("running") and svc.get("policy") == "on")
            else f"ntpd {'running' if svc.get('running') else 'stopped'}, policy {svc.get('policy')}"
        )
        # V24-1: what the host reports of its time services now (HostDateTimeInfo, API 7.0.3)
        unsynced = _time_service_state(esx.ntp)
        if stopped and esx.ntp.get("servers") is None:
            # ntpd not running (or not started with the host) fails whatever its servers
            yield failed(s, "; ".join([stopped, *unsynced]), esx.source)
            continue
        if unsynced and not esx.ntp.get("servers"):
            # no server list to judge (not reported, or empty beside ntp.conf lines): the
            # host's own report that its clock is not synchronised settles it
            yield failed(s, "; ".join(unsynced), esx.source)
            continue
        if esx.ntp.get("servers") is None:
            # V21C-2: HostDateTimeInfo.ntpConfig "Need not be set" (vSphere API, read with
            # `search`): not reported is no empty server list
            yield unknown(s, _gap("config.dateTimeInfo.ntpConfig", esx.source), _ntp_question(h))
            continue
        entries = [str(x) for x in esx.ntp.get("servers") or []]
        conf = [
            line.strip()
            for line in esx.ntp.get("config_file") or []
            if str(line).split("#")[0].split()[:1] in (["server"], ["pool"], ["peer"])
        ]
        if not entries and conf and not stopped:
            # V21C-2: HostNtpConfig.configFile ("Content of ntp.conf host configuration file,
            # split by lines", API 6.0) names time sources the server list does not: whether
            # ntpd uses them is asked, not failed as "no NTP server configured"
            yield manual(
                s,
                "config.dateTimeInfo.ntpConfig.server is empty but its ntp.conf (configFile) "
                f"holds {'; '.join(conf)[:160]}",
                esx.source,
                question=_ntp_question(h),
            )
            continue
        # V24-3: configFile is the ntp.conf ntpd reads ("Content of ntp.conf host configuration
        # file", vSphere API); where its server, peer and pool lines name other addresses, or
        # mark one noselect the list does not, ntpd's sources are the file's: judged on them
        in_file = [" ".join(w[1:]) for x in conf if len(w := x.partition("#")[0].split()) > 1]
        differs = ""
        if entries and in_file and _ntp_sources(in_file) != _ntp_sources(entries):
            differs = (
                f"ntp.conf (configFile) names {'; '.join(conf)[:120]}, the server list "
                f"(ntpConfig.server) {', '.join(entries)[:80]}"
            )
            entries = in_file
        # V21B-3: an entry is the address followed by ntp.conf `server` options (`127.127.1.0
        # prefer` passed as a remote server); judged by its address, shown as written
        address = {x: _ntp_address(x) for x in entries}
        servers = [x for x in entries if address[x]]
        own = [x for x in servers if _own_clock(address[x]) or unspecified_address(address[x])]
        # V24-4: the host's own name or address: ntpd would poll itself, whose replies carry
        # "the server has never been synchronized" until it is, unfit (ntp_proto.c peer_unfit)
        itself = _itself(h, esx)
        selfs = [x for x in servers if x not in own and _is_itself(address[x], itself)]
        own += selfs
        # V22-1: an entry's `noselect` option ("Marks the server as unused, except for display
        # purposes. The server is discarded by the selection algorithm", ntp's Server Options,
        # read with `find_string`) keeps ntpd from synchronising to it
        unused = [x for x in servers if x not in own and _ntp_noselect(x)]
        bad = []
        if not servers:
            bad.append("no NTP server configured")
        elif unused and len(own) + len(unused) == len(servers):
            bad.append(
                f'no NTP server ntpd selects: {", ".join(servers)[:120]} (`noselect`: "discarded '
                "by the selection algorithm\"; any other is the host's own clock)"
            )
        elif len(own) == len(servers) and any(unspecified_address(address[x]) for x in own):
            # L19-2V: the unspecified address is no time source (RFC 1122 3.2.1.3: 0.0.0.0
            # "MUST NOT be sent, except as a source address"), as V20-1 reads it for syslog
            bad.append(
                f"no NTP server off the host: {', '.join(own)[:120]} (the unspecified address "
                "0.0.0.0 or ::, loopback or ntpd's local clock 127.127.1.0: no time source but "
                "the host's own clock)"
            )
        elif len(own) == len(servers) and selfs:
            bad.append(
                f"no NTP server off the host: {', '.join(own)[:120]} (the host's own name or "
                "address, loopback or ntpd's local clock 127.127.1.0: ntpd would poll itself)"
            )
        elif len(own) == len(servers):
            bad.append(
                f"no NTP server off the host: {', '.join(own)[:120]} (loopback or ntpd's local "
                "clock 127.127.1.0: the host's own clock)"
            )
        off = [
            line.strip()
            for line in esx.ntp.get("config_file") or []
            if (w := str(line).split("#")[0].split())[:1] == ["disable"] and "ntp" in w[1:]
        ]
        if off:
            # R24T-4: configFile is the host's ntp.conf ("Content of ntp.conf host configuration
            # file, split by lines for ntpd version 4.2.8", vSphere API); its `disable ntp` opens
            # ntpd's loop ("the local clock free-runs", ntp's miscopt.html), whatever the servers
            bad.append(
                f"ntpd's clock discipline is off (ntp.conf: {off[0]}): it corrects nothing, the "
                "clock runs free"
            )
        if svc is not None and (not svc.get("running") or svc.get("policy") != "on"):
            bad.append(
                f"ntpd {'running' if svc.get('running') else 'stopped'}, policy {svc.get('policy')}"
            )
        # V24-2: ntp.conf `tos` sets what ntpd's selection accepts
        selection, tight = _ntp_tos(esx.ntp.get("config_file") or [], servers, unused)
        bad.extend(selection)
        # V24-5: ntp.conf `interface` rules that leave ntpd no address to talk on
        closed, narrowed = _ntp_interfaces(
            esx.ntp.get("config_file") or [],
            [address[x] for x in servers if x not in own and x not in unused],
        )
        bad.extend(closed)
        tight.extend(narrowed)
        bad.extend(unsynced)
        remote = [x for x in servers if x not in own and x not in unused]
        # R31V-1: the outside servers ntpd authenticates, as the list or ntp.conf names them
        targets = {address[x].lower() for x in remote}
        keyed = [
            x
            for x in dict.fromkeys([*remote, *in_file])
            if _ntp_keyed(x) and _ntp_address(x).lower() in targets
        ]
        reach, why = (
            _outbound(esx, "ntpClient", [address[x] for x in remote]) if remote else ("open", "")
        )
        if reach == "blocked":
            bad.append(f"ntpd cannot reach its servers: {why}")
        if bad:
            yield failed(s, "; ".join([*bad, differs] if differs else bad), esx.source)
            continue
        if differs:
            # V24-3: the file passes where the list says otherwise: which one ntpd runs with is
            # asked, not passed
            yield joined_asks(
                s,
                [
                    *svc_asks,
                    manual(
                        s,
                        f"ntpd running (policy on); {differs}" if svc is not None else differs,
                        esx.source,
                        question=f"Which NTP servers does ntpd on host {h.name} use, and is it "
                        "synchronised to one off the host? Evidence: `cat /etc/ntp.conf` and `ntpq "
                        "-pn` on the host (ESXi Shell or SSH), or `esxcli system ntp get`. Pass: "
                        "ntp.conf's servers are the site's, one marked '*' in `ntpq -pn`; fail: the "
                        "host's own clock, `noselect`, or none marked '*'.",
                    ),
                ],
            )
            continue
        # the firewall's question and the keys' or the limits' question are asked in one item:
        # the firewall's alone passed on a "yes" with the keys or the `tos` limits never asked
        # (R34M-2); the last two each ask whether ntpd is synchronised, which answers both
        asks = [*svc_asks]
        if reach == "unknown":
            asks.append(
                manual(
                    s,
                    f"{lead}servers {', '.join(servers)}; {why}",
                    esx.source,
                    question=_reach_question(h, "ntpClient", "ntpd's queries", remote),
                )
            )
        # a later part leaves out what the first says
        head = f"{lead}servers {', '.join(servers)[:120]}; " if asks == svc_asks else ""
        if keyed and esx.ntp.get("service_sync") is not True:
            # R31V-1: a server ntpd authenticates (ntp.conf `key N`, `autokey`) is selected only
            # on replies that authenticate: ntp_proto.c receive() marks a reply whose digest
            # "fails or it's missing for authenticated associations" TEST5 ("bad auth") and
            # drops it; the key must be in ntpd's key file (`keys`, "the key file containing
            # the keys and key identifiers used by ntpd") and trusted (`trustedkey`, "the key
            # identifiers which are trusted for the purposes of authenticating peers"; ntp's
            # authopt.html, read with `find_string`). Neither file is in the evidence: asked,
            # unless the host reports its clock synchronised (serviceSync true, V24-1)
            asks.append(
                manual(
                    s,
                    head
                    + f"{', '.join(keyed)[:120]} authenticated (ntp.conf `key`/`autokey`): the keys "
                    "ntpd holds and trusts are not in the evidence, and the host does not report "
                    "its clock synchronised (config.dateTimeInfo.serviceSync)",
                    esx.source,
                    question=f"Does ntpd on host {h.name} hold and trust the key of each "
                    "authenticated NTP server, and is it synchronised to one? Evidence: `ntpq -pn` "
                    "on the host (ESXi Shell or SSH: the line marked '*', its `auth` state in `ntpq "
                    "-c associations`), and the `keys` file and `trustedkey` line ntpd runs with "
                    "(`esxcli system ntp get`). Pass: the server's key id is in the key file and "
                    "trusted, and a server is marked '*'; fail: a key missing or not trusted "
                    "(`auth` bad), or none marked '*'.",
                )
            )
        elif tight:
            asks.append(
                manual(
                    s,
                    head + f"ntp.conf narrows the servers ntpd accepts: {'; '.join(tight)}",
                    esx.source,
                    question=f"Do host {h.name}'s NTP servers pass its ntp.conf limits (`tos`, "
                    "`interface`), ntpd "
                    f"synchronised to one of them? Evidence: `ntpq -pn` on the host (ESXi Shell or "
                    "SSH: the line marked '*', its stratum `st` and its distance), or the vSphere "
                    f"Client, host {h.name} > Configure > Time Configuration (service status). "
                    "Pass: yes, an outside server marked '*'; fail: none selected, every server's "
                    "stratum or distance outside the limits, or no reply reaching ntpd.",
                )
            )
        if asks:
            yield joined_asks(s, asks)
        else:
            yield passed(s, f"ntpd running (policy on), servers {', '.join(servers)}", esx.source)


#: ntp 4.2.8's `tos` defaults (miscopt.html, read with `read_file` of nwtime/ntpwww): ceiling
#: "The default is 16", floor "The default is 1", maxdist "The default is 1.5 s", minsane "The
#: default is 1"
_TOS_DEFAULTS = {"ceiling": 16.0, "floor": 1.0, "maxdist": 1.5, "minsane": 1.0}


def _ntp_tos(
    lines: list[Any], servers: list[str], unused: list[str]
) -> tuple[list[str], list[str]]:
    """V24-2: what ntp.conf's `tos` lines (HostNtpConfig.configFile, "for ntpd version 4.2.8";
    only `restrict` and `drift` are fixed by the host) leave of ntpd's selection, as (why no
    server can be selected, limits whose effect rests on the servers). ntp 4.2.8's miscopt.html:
    minsane "the number of servers used by the selection algorithm as the minimum to set the
    system clock"; ceiling "the maximum stratum (exclusive) for acceptable server packets",
    floor "the minimum stratum (inclusive)", maxdist "the synchronization distance threshold
    used by the clock selection algorithm"; ntp_proto.c peer_unfit marks a peer unfit where
    "peer->stratum < sys_floor || peer->stratum >= sys_ceiling" or its root distance reaches
    sys_maxdist (read with `find_string`). A later value replaces an earlier one; a value that
    is no number is left to ntpd."""
    tos: dict[str, float] = {}
    for line in lines:
        words = str(line).partition("#")[0].split()
        if words[:1] != ["tos"]:
            continue
        for key, value in zip(words[1::2], words[2::2], strict=False):
            try:
                tos[key.lower()] = float(value)
            except ValueError:
                continue
    get = {k: tos.get(k, d) for k, d in _TOS_DEFAULTS.items()}
    bad: list[str] = []
    tight: list[str] = []
    floor, ceiling = get["floor"], get["ceiling"]
    if ceiling <= max(floor, 1.0) or floor >= 16:
        # a synchronised server's stratum is 1 to 15: none is at or above the floor and below
        # the ceiling
        bad.append(
            f"ntp.conf's `tos` floor {floor:g}, ceiling {ceiling:g} (ntp's defaults 1 and 16 "
            "where not set) accept no server stratum (peer_unfit: below the floor or at or "
            "above the ceiling): ntpd selects none"
        )
    else:
        if floor > 1:
            tight.append(f"tos floor {floor:g} (servers of a lower stratum refused)")
        if ceiling < 16:
            tight.append(f"tos ceiling {ceiling:g} (servers of this stratum or higher refused)")
    if get["maxdist"] < _TOS_DEFAULTS["maxdist"]:
        tight.append(f"tos maxdist {get['maxdist']:g} (servers farther refused; default 1.5 s)")
    selectable = [x for x in servers if x not in unused]
    # a `pool` line mobilises as many servers as the pool's name gives (up to tos maxclock):
    # not counted here
    pools = [x for x in lines if str(x).partition("#")[0].split()[:1] == ["pool"]]
    if get["minsane"] > len(selectable) and not pools and selectable:
        bad.append(
            f"ntp.conf `tos minsane {get['minsane']:g}`: ntpd sets the clock only with that "
            f"many servers selected, and it names {len(selectable)} it can select"
        )
    elif get["minsane"] > 1 and pools:
        tight.append(f"tos minsane {get['minsane']:g} (servers of a pool, counted at run time)")
    return bad, tight


def _ntp_interfaces(lines: list[Any], remote: list[str]) -> tuple[list[str], list[str]]:
    """V24-5: what ntp.conf's `interface` (alias `nic`) rules leave of ntpd's network, as (why
    it has none, rules whose effect rests on the host's addresses). ntp 4.2.8 miscopt.html (read
    with `read_file` of nwtime/ntpwww): "interface [listen | ignore | drop] [all | ipv4 | ipv6 |
    wildcard | name | address[/prefixlen]]": "ignore prevents opening matching addresses, drop
    causes ntpd to open the address and drop all received packets without examination ... The
    last rule which matches a particular address determines the action for it". A last `all`
    rule that ignores or drops, with no `listen` rule, leaves ntpd nothing to reach its servers
    on (no socket, or every reply dropped): a fail; an `ipv4` or `ipv6` rule where every
    outside server (`remote`) is an address of the other family changes nothing; any other
    ignore or drop rule is asked."""
    families = set()
    for a in remote:
        try:
            families.add(f"ipv{ipaddress.ip_address(a.strip('[]').partition('%')[0]).version}")
        except ValueError:
            families.add("name")
    rules = []
    for line in lines:
        words = str(line).partition("#")[0].lower().split()
        if words[:1] in (["interface"], ["nic"]) and len(words) >= 3:
            rules.append((words[1], words[2], str(line).strip()))
    closing = [
        r
        for r in rules
        if r[0] in ("ignore", "drop")
        and not (
            r[1] in ("ipv4", "ipv6")
            and families
            and r[1] not in families
            and "name" not in families
        )
    ]
    if not closing:
        return [], []
    alls = [r for r in rules if r[1] == "all"]
    if alls and alls[-1][0] in ("ignore", "drop") and not any(r[0] == "listen" for r in rules):
        return [
            f"ntp.conf `{alls[-1][2][:60]}`: ntpd "
            + (
                "opens no network address"
                if alls[-1][0] == "ignore"
                else "drops every packet it receives"
            )
            + ", so no server's reply reaches it"
        ], []
    return [], ["; ".join(r[2][:60] for r in closing[:3]) + " (addresses ntpd ignores or drops)"]


def _time_service_state(ntp: dict[str, Any], daemon: str = "ntpd") -> list[str]:
    """V24-1: why the host's own report of its time services (HostDateTimeInfo, vSphere API
    7.0.3: unset on older hosts, so nothing is read from an absent field) says its clock is not
    synchronised: enabled false ("Present state of the time services subsystem"), serviceSync
    false ("Report true if time is synchronized with remote time source ... For
    NetworkTimeProtocol this obtained from Leap Indicator value"; lastSyncTime unset: "time
    services have never established synchronization"), or remoteNtpServer ("the NTP server
    that the host is synced with from the set of servers configured") the host's own clock
    (the LOCAL driver 127.127.1.0, loopback: ntpd's leap indicator is then 0, so serviceSync
    says true). Empty where none of these says so. For ptpd (`daemon`) the first two only:
    remoteNtpServer names an NTP server (R25T-6)."""
    out = []
    if ntp.get("enabled") is False:
        out.append(
            "the host reports its time services down (config.dateTimeInfo.enabled false: "
            '"Present state of the time services subsystem")'
        )
    if ntp.get("service_sync") is False:
        last = ntp.get("last_sync")
        out.append(
            "the host reports its clock not synchronised with a remote time source "
            "(config.dateTimeInfo.serviceSync false"
            + (", from ntpd's leap indicator; " if daemon == "ntpd" else "; ")
            + (f"last in sync {last})" if last else "lastSyncTime unset: never synchronised)")
        )
    remote = _ntp_address(str(ntp.get("remote_server") or "")) if daemon == "ntpd" else ""
    if remote and (_own_clock(remote) or unspecified_address(remote)):
        out.append(
            f"the host reports ntpd synchronised to {remote} (config.dateTimeInfo."
            "remoteNtpServer), the host's own clock (loopback or ntpd's local clock "
            "127.127.1.0), not a time source"
        )
    return out


def _ntp_question(h: Host) -> str:
    """HVA-419's question of a host whose NTP configuration is not (wholly) in the evidence."""
    return (
        f"Does host {h.name} synchronise its clock with the site's NTP servers, ntpd "
        "running and started with the host? Evidence: the vSphere Client, host "
        f"{h.name} > Configure > Time Configuration (NTP servers, service status and "
        "startup policy), or `esxcli system ntp get` there. Pass: yes, servers set, "
        "running, 'Start and stop with host'; fail: no server, stopped, or another "
        "policy."
    )


def _ntp_address(entry: str) -> str:
    """The address of a HostNtpConfig.server entry: "List of time servers, specified as either
    IP addresses or fully qualified domain names (FQDNs). Each entry may optionally specify one
    or more space separated 'server' ntp.conf command options. Any comments appended to an entry
    after a '#' will not be retained" (vSphere API, read with `search`): the first word before
    any '#', after an address family flag (-4, -6: ntp.conf `server [-4|-6] address`, as
    L19-9V reads Linux's ntp.conf); "" for an entry with none."""
    words = entry.partition("#")[0].split()
    while words and words[0] in ("-4", "-6"):
        words = words[1:]
    return words[0] if words else ""


def _ntp_sources(entries: list[str]) -> set[tuple[str, bool]]:
    """The time sources a list of ntp.conf `server` entries names, as (address, noselect):
    what HVA-419 judges of them, so options such as `iburst` do not tell two lists apart."""
    return {(_ntp_address(x).lower(), _ntp_noselect(x)) for x in entries if _ntp_address(x)}


def _ntp_noselect(entry: str) -> bool:
    """Whether a HostNtpConfig.server entry carries ntp.conf's `noselect` option among the
    words after its address (before any '#')."""
    words = entry.partition("#")[0].lower().split()
    return "noselect" in words[1:]


def _ntp_keyed(entry: str) -> bool:
    """Whether a `server` entry carries ntp.conf's `key N` or `autokey` option among the words
    after its address (before any '#'): ntpd then accepts only replies that authenticate."""
    words = entry.partition("#")[0].lower().split()
    return "autokey" in words[1:] or "key" in words[1:]


def _own_clock(server: str) -> bool:
    """Whether an NTP server is the host itself: `localhost`, or a loopback address in any
    spelling the resolver reads (127/8 by inet_aton(3), ::1, IPv4-mapped), which takes in ntpd's
    refclock addresses 127.127.t.u."""
    a = server.strip().strip("[]").lower().partition("%")[0]
    return (
        a.rstrip(".") in ("localhost", "localhost.localdomain") or loopback_version(a) is not None
    )


@check(
    id="HVA-420",
    title="Logs go to a remote syslog server over TLS, with its certificate verified",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-20"]},
    remediation="Set Syslog.global.logHost to ssl://LOGHOST:1514 (every target over ssl://) and "
    "Syslog.global.certificate.checkSSLCerts to true; open the syslog firewall ruleset to the "
    "log host only.",
    platforms=ESX,
)
def remote_syslog(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-20: logs leave the host in real time, over a secure channel (TLS where possible), so
    that an intruder cannot erase them. vSphere 8 STIG ESXI-80-000114 (Syslog.global.logHost set),
    ESXI-80-000224 (Syslog.global.certificate.checkSSLCerts true). A target without a scheme is
    UDP (ESXi's default, udp://HOST:514). Logs blocked by the host's own firewall (outgoing
    blocked, syslog ruleset disabled or not admitting the target: `_outbound`) do not leave it
    (V15-3: passed); a firewall not read is asked (L16-16). A target outside the documented form
    is asked (LOG_TARGET, L16-17); log filters that drop messages fail (_log_filters, L16-18).
    A fail found anywhere wins over every question, and a host's questions are asked in one item
    (joined_asks): an odd target's question alone passed on a "yes" over checkSSLCerts false
    (R34M-3)."""
    keys = ["Syslog.global.logHost", "Syslog.global.certificate.checkSSLCerts"]
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        log_host = _option(esx, keys[0])
        if log_host is None:
            yield _no_option(s, esx, keys[:1], "a remote syslog target over TLS is set")
            continue
        targets = [t.strip() for t in str(log_host).split(",") if t.strip()]
        if not targets:
            yield failed(s, "Syslog.global.logHost is empty: logs stay on the host", esx.source)
            continue
        if own := _own_log_hosts(targets):
            yield failed(
                s,
                f"no log host off the host: Syslog.global.logHost = {own} (loopback or "
                "unspecified address: the host itself, not a remote log server)",
                esx.source,
            )
            continue
        if own := _own_log_hosts(targets, _itself(h, esx)):
            # V24-4: every target the host's own name or a VMkernel address of its own
            yield failed(
                s,
                f"no log host off the host: Syslog.global.logHost = {own} (the host's own name "
                "or address, loopback or unspecified address: the host itself, not a remote "
                "log server)",
                esx.source,
            )
            continue
        plain = [t for t in targets if not t.lower().startswith("ssl://")]
        if plain:
            yield failed(s, f"not over TLS: {', '.join(plain)[:200]}", esx.source)
            continue
        odd = [t for t in targets if not LOG_TARGET.fullmatch(t)]
        if odd and all(not _target_host(t).strip("[]") for t in targets):
            yield failed(
                s, f"Syslog.global.logHost = {str(log_host)[:120]} names no log host", esx.source
            )
            continue
        # a fail anywhere wins over every question, and the open conditions are asked in one
        # item: a target outside the documented form was asked alone, over checkSSLCerts
        # false, a blocked firewall, dropping filters and the certificate check not reported
        # (R34M-3)
        filters, unread = _log_filters(esx)
        verify = _option(esx, keys[1])
        reach = ("open", "") if odd else _outbound(esx, "syslog", targets)
        bad = []
        if verify is not None and _true(verify) is not True:
            bad.append(f"{keys[1]} = {str(verify)[:12]}: any server is trusted")
        if reach[0] == "blocked":
            bad.append(f"logs to {', '.join(targets)[:200]} are blocked: {reach[1]}")
        if filters:
            bad.append(filters)
        if bad:
            yield failed(s, "; ".join(bad), esx.source)
            continue
        asks = []
        if odd:
            shown = str(log_host)[:200]
            asks.append(
                manual(
                    s,
                    f"Syslog.global.logHost = {shown}: {', '.join(odd)[:200]} is not one "
                    "proto://host[:port] target of a comma-separated list",
                    esx.source,
                    question=f"To which servers does host {h.name}'s vmsyslogd send its logs "
                    f"with Syslog.global.logHost = {shown}? Evidence: `esxcli system syslog "
                    "reload`, then /var/log/.vmsyslogd.err and the log servers' receipt of the "
                    "host's messages. Pass: each intended server receives them over ssl:// with "
                    "its certificate verified; fail: a target is refused, receives nothing, or "
                    "is sent plain text.",
                )
            )
        if verify is None:
            asks.append(
                _no_option(s, esx, keys[1:], "syslog verifies the server's TLS certificate")
            )
        head = "" if asks else f"logs to {', '.join(targets)[:200]}, certificates verified; "
        if reach[0] == "unknown":
            asks.append(
                manual(
                    s,
                    head + reach[1] + (f"; {unread}" if unread else ""),
                    esx.source,
                    question=_reach_question(h, "syslog", "syslog messages", targets)
                    + (
                        f" And {_filters_question(h)[0].lower()}{_filters_question(h)[1:]}"
                        if unread
                        else ""
                    ),
                )
            )
        elif unread:
            # V21B-1: log filters not reported are no pass (they drop messages before forwarding)
            asks.append(manual(s, head + unread, esx.source, question=_filters_question(h)))
        if asks:
            yield joined_asks(s, asks)
        else:
            yield passed(
                s, f"logs to {', '.join(targets)[:200]}, certificates verified", esx.source
            )


#: Syslog.global.logHost as ESXi documents it (the host's option list, read with `find_string`):
#: "Comma (,) separated list of remote hosts to transmit messages to. Format is:
#: proto://hostname|ipv4|'['ipv6']'[:port]. Protocol must be one of (tcp|udp|ssl)". A target in
#: any other form (spaces or semicolons between targets, no host) is not documented: vmsyslogd's
#: reading of it is asked (L16-17), and a value naming no host at all forwards to no server.
LOG_TARGET = re.compile(r"(?i)(?:tcp|udp|ssl)://(?:\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::[0-9]{1,5})?")


def _own_log_hosts(targets: list[str], itself: set[str] | None = None) -> str:
    """The targets of Syslog.global.logHost, where every one is the host itself, or "" (V20-1).
    vSphere 8 STIG ESXI-80-000114 (DISA's InSpec control, read with `find_string`): "Remote
    logging to a central log host provides a secure, centralized store for ESXi logs. By
    gathering host log files onto a central host ..."; check: "verify it is set to a
    site-specific syslog server"; ESXi's option list: "Comma (,) separated list of remote
    hosts". A loopback target (127/8 in any spelling, ::1, `localhost`: `_own_clock`, V16-2's
    reading of NTP servers) is the host itself, and the unspecified address is no destination
    (RFC 1122 3.2.1.3: 0.0.0.0 "This host on this network. MUST NOT be sent, except as a source
    address"; read with `search`): where every target is one, no log leaves the host, and an
    intruder who owns it erases them (HY-SR-20). One remote target among them still forwards.
    With `itself` (`_itself`), a target that is the host's own name or address counts as the
    host too (V24-4)."""
    own = [
        t
        for t in targets
        if _own_clock(h := _target_host(t))
        or unspecified_address(h)
        or _is_itself(h, itself or set())
    ]
    return ", ".join(own)[:120] if own and len(own) == len(targets) else ""


def _itself(h: Host, esx: VmwareHost) -> set[str]:
    """V24-4: the host's own names and addresses: its inventory name (HostSystem.name, the name
    or address vCenter knows it by), its DNS names (HostDnsConfig hostName, and with its
    domainName) and its VMkernel adapters' addresses (HostVirtualNicSpec.ip),
    as `_is_itself` compares them. A time or log target among them is the host itself, as the
    host's own addresses and names are for HVA-202 on Linux (R21T-3)."""
    out = {_self_key(h.name)} if h.name else set()
    out.update(_self_key(n) for n in esx.dns_names)
    for n in esx.vmknics or []:
        out.update(_self_key(str(a)) for a in n.get("addresses") or [])
    return out - {""}


def _self_key(name: str) -> str:
    """A name or address as `_itself` keeps it: lower case, no trailing dot, no brackets or
    zone, an IP address in its canonical form."""
    a = name.strip().strip("[]").lower().rstrip(".").partition("%")[0]
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def _is_itself(target: str, itself: set[str]) -> bool:
    """Whether a target host (a name or address) is one of the host's own (`_itself`)."""
    return bool(target) and _self_key(target) in itself


def _log_filters(esx: VmwareHost) -> tuple[str, str]:
    """Why the host's log filters drop messages, and what of them is not reported (each "" when
    none). ESXi 7.0 U1 and later (vSphere ESXi upgrade guide, syslog options, read with
    `find_string`): Syslog.global.logFilters holds filters "numLogs | ident | logRegexp"
    (separated by "||"): once numLogs entries matched, the matching messages "are filtered and
    ignored"; Syslog.global.logFiltersEnable "Enable the use of log filters" (default false).
    CIS ESXi 8 "Host must deactivate log filtering" (L1) and the VCF 9 STIG (VCFE-9X-000235, log
    filtering; vSphere 8 STIG ESXI-80-000246, V-258800, read with `find_string`: "If
    "LogFilteringEnabled" is not set to "false", this is a finding") keep it off (L16-18). An option the host did not report is no "off" (V21B-1: the
    collector did not retrieve either, so filters on passed): logFiltersEnable not reported is
    the question of the filters. Enabled fails with no filter set or the filters not reported
    too, as ESXI-80-000246 reads it (V21C-1, a team decision: it passed with none set)."""
    enable = _option(esx, "Syslog.global.logFiltersEnable")
    rules = _option(esx, "Syslog.global.logFilters")
    if enable is None:
        return (
            "",
            "whether log filters drop messages (Syslog.global.logFiltersEnable) is not reported",
        )
    if _true(enable) is not True:
        if _true(enable) is None:
            return "", f"Syslog.global.logFiltersEnable = {str(enable)[:12]} is not a boolean"
        return "", ""
    if rules is None or not str(rules).strip():
        # V21C-1 (team decision: the STIG's reading): ESXI-80-000246 finds log filtering
        # enabled by itself ("If "LogFilteringEnabled" is not set to "false", this is a
        # finding"), with or without a filter set; a filter added later drops messages silently
        return (
            "log filtering enabled (Syslog.global.logFiltersEnable), Syslog.global.logFilters "
            + ("not reported" if rules is None else "empty")
            + ": vSphere 8 STIG ESXI-80-000246 wants LogFilteringEnabled false"
        ), ""
    return (
        "log filters on (Syslog.global.logFiltersEnable): messages matching Syslog.global."
        f"logFilters = {str(rules).strip()[:120]} are dropped once counted, never forwarded"
    ), ""


def _filters_question(h: Host) -> str:
    """HVA-420's question of a host whose log filters were not reported (V21B-1)."""
    return (
        f"Are log filters off on host {h.name}? Evidence: `esxcli system syslog config "
        "logfilter get` there (Log Filtering Enabled) and `esxcli system syslog config "
        "logfilter list`, or its advanced settings Syslog.global.logFiltersEnable and "
        "Syslog.global.logFilters (ESXi 7.0 Update 1 and later). Pass: LogFilteringEnabled "
        "false; fail: enabled, with or without a filter (vSphere 8 STIG ESXI-80-000246; "
        "matching messages are dropped, never forwarded)."
    )


def _outbound(esx: VmwareHost, ruleset: str, targets: list[str]) -> tuple[str, str]:
    """Whether the host's firewall, as reported, lets a service's traffic out to `targets` (host
    names or addresses): ("open" | "blocked" | "unknown", why). Outgoing traffic blocked by
    default (HostFirewallDefaultPolicy.outgoingBlocked) leaves only through an enabled ruleset:
    vSphere 8.0 ESXCLI Concepts and Examples, "Enable the Transmission of Audit Records to a
    Remote Host" (read with `search`): "Configure the firewall to permit outbound syslog
    transmissions. esxcli network firewall ruleset set --ruleset-id=syslog --enabled=true";
    vSphere 8.0 ESXi Installation: "When configuring remote hosts for syslog, you also need to
    open some specified ports in the ESXi host firewall to allow the transmission of log
    messages" (V15-3); vSphere 5.5 Security: "The NTP service ... only works when required ports
    are opened in the firewall" (ruleset ntpClient, V15-4). An outbound ruleset's allowed IP list
    names the destinations it admits (vSphere 6.5 Security, "ESXi Firewall Configuration": "When
    the NFS Client rule set is enabled, all outbound TCP ports are open for the destination hosts
    in the list of allowed IP addresses"), so a target outside the list is blocked (L16-16). A
    firewall, default policy or ruleset not reported, a list whose single addresses
    (allowedHosts.ipAddress) were not collected, or a target named by DNS against a list is
    unknown: the question, not a pass."""
    fw = esx.firewall
    if not isinstance(fw, dict):
        return "unknown", "the host's firewall (config.firewall) was not read"
    outgoing = fw.get("outgoing_blocked")
    if outgoing is False:
        return "open", ""
    if outgoing is not True:
        return "unknown", "the firewall's outgoing default policy is not reported"
    found = [r for r in fw.get("rulesets") or [] if isinstance(r, dict) and r.get("key") == ruleset]
    if not found:
        return "unknown", f"the {ruleset} firewall ruleset is not reported"
    rule = found[0]
    if rule.get("enabled") is not True:
        return (
            "blocked",
            f"outgoing traffic is blocked by default and the {ruleset} firewall ruleset is "
            "disabled",
        )
    networks = [str(n) for n in rule.get("networks") or []]
    if rule.get("all_ip") or _every_address(networks):
        return "open", ""
    listed = [*networks, *(str(a) for a in rule.get("addresses") or [])]
    shown = ", ".join(listed)[:120] or "no address"
    if "addresses" not in rule:
        return (
            "unknown",
            f"the {ruleset} ruleset admits only {shown} and its single addresses "
            "(allowedHosts.ipAddress) were not collected",
        )
    allowed = []
    for n in listed:
        try:
            allowed.append(ipaddress.ip_network(n, strict=False))
        except ValueError:
            continue
    outside, named = [], []
    for t in targets:
        try:
            ip = ipaddress.ip_address(_target_host(t))
        except ValueError:
            named.append(t)
            continue
        if not any(ip.version == n.version and ip in n for n in allowed):
            outside.append(t)
    if outside:
        return (
            "blocked",
            f"outgoing traffic is blocked by default and the {ruleset} firewall ruleset admits "
            f"only {shown}, not {', '.join(outside)[:120]}",
        )
    if named:
        return (
            "unknown",
            f"the {ruleset} ruleset admits only {shown}; {', '.join(named)[:120]} named by DNS",
        )
    return "open", ""


def _target_host(target: str) -> str:
    """The host of a log or time target: `proto://host[:port]`, `[v6]:port`, or a bare name."""
    scheme, sep, rest = target.strip().partition("://")
    rest = rest if sep else scheme
    if rest.startswith("["):
        return rest[1:].partition("]")[0]
    return rest.rpartition(":")[0] if rest.count(":") == 1 else rest


def _reach_question(h: Host, ruleset: str, what: str, targets: list[str]) -> str:
    return (
        f"Does host {h.name}'s firewall let {what} out to {', '.join(targets)[:200]}? Evidence: "
        f"`esxcli network firewall get` (Default Action), `esxcli network firewall ruleset list "
        f"-r {ruleset}` and `esxcli network firewall ruleset allowedip list -r {ruleset}` on the "
        "host (and the targets' addresses where they are names). Pass: outgoing traffic is not "
        f"blocked by default, or the {ruleset} ruleset is enabled and admits all addresses or "
        "each target's; fail: it is disabled while outgoing traffic is blocked, or its list "
        "leaves a target out."
    )


AUDIT_CAPACITY_MIB = 100
"""vSphere 8 STIG ESXI-80-000113: Syslog.global.auditRecord.storageCapacity = 100 (MiB)."""


@check(
    id="HVA-421",
    title="Audit records are kept on the host and forwarded to the syslog server",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-20"], "sp800-125a-r1": ["HY-SR-17"]},
    interpretations={
        "sp800-125a-r1:HY-SR-17": (
            "HY-SR-17 wants VM configuration changes logged and alerted; ESXi's audit records "
            "log configuration changes (whether anyone is alerted is not seen)."
        ),
    },
    remediation="Set Syslog.global.auditRecord.storageEnable = true, "
    "Syslog.global.auditRecord.storageCapacity = 100 and Syslog.global.auditRecord.remoteEnable "
    "= true (esxcli system auditrecords local enable / remote enable), and keep "
    "Syslog.global.auditRecord.storageDirectory on persistent storage (a datastore, or /scratch "
    "where the host has a persistent scratch location, not the /tmp/scratch RAM disk).",
    platforms=ESX,
)
def audit_records(ctx: Context) -> Iterator[Outcome]:
    """ESXi's audit records (logins, configuration changes) are off by default. vSphere 8 STIG
    ESXI-80-000232 (storageEnable), ESXI-80-000113 (storageCapacity 100 MiB), ESXI-80-000233
    (remoteEnable). Forwarded records go to "the global syslog servers configured elsewhere"
    (ESXI-80-000233's discussion, read with `search`): Syslog.global.logHost, and "If the
    loghost=<str> field is blank, no logs are forwarded" (vSphere 7.0 ESXi syslog options, read
    with `search`). remoteEnable with no log host forwards nothing, nor does one the host's
    firewall blocks (`_outbound`, V15-3); a firewall not read is asked (L16-16).

    Records kept on the host must outlive a reboot (vSphere 8 Security Configuration Guide
    esxi-8.logs-audit-persistent, "Syslog.global.auditRecord.storageDirectory=<persistent>", as
    public SCG tables give it, read with `find_string`). The directory defaults to
    "[] /scratch/auditLog" (the host's advanced option list, read with `fetch`), and /scratch is
    wherever the host put its scratch space: without a persistent location "a ramdisk at
    /tmp/scratch/", and "Information stored on a ramdisk does not persist across reboots"
    (VMware KB 1033696, read with `search`). ScratchConfig.CurrentScratchLocation ("The directory
    currently being used for scratch space") tells which: a directory on a datastore or under
    /vmfs/volumes persists, one under /tmp/scratch is the RAM disk (fail); anything else, or
    either option not reported, is asked. An option not reported leaves the others' fails
    judged, and is asked in one item with the firewall's and the store's questions
    (joined_asks): asked alone it hid a store on the RAM disk (R34M-4)."""
    keys = [
        "Syslog.global.auditRecord.storageEnable",
        "Syslog.global.auditRecord.storageCapacity",
        "Syslog.global.auditRecord.remoteEnable",
    ]
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        values = {k: _option(esx, k) for k in keys}
        missing = [k for k, v in values.items() if v is None]
        # an option not reported leaves what the others show: their fails are judged (a fail
        # wins), and the gap is asked in one item with every other open condition; the gap
        # alone was asked over a store on the RAM disk (a fail) or its durability (R34M-4)
        bad = []
        if values[keys[0]] is not None and _true(values[keys[0]]) is not True:
            bad.append("local audit record storage off")
        capacity = _int(values[keys[1]])
        if values[keys[1]] is not None and (capacity is None or capacity < AUDIT_CAPACITY_MIB):
            bad.append(
                f"storage capacity {str(values[keys[1]])[:12]} MiB (want {AUDIT_CAPACITY_MIB})"
            )
        loghost = _option(esx, "Syslog.global.logHost")
        log_targets = [t.strip() for t in str(loghost or "").split(",") if t.strip()]
        reach = _outbound(esx, "syslog", log_targets) if log_targets else ("open", "")
        if values[keys[2]] is not None and _true(values[keys[2]]) is not True:
            bad.append("audit records not forwarded")
        elif loghost is not None and not str(loghost).strip():
            # forwarding off or on, nothing is forwarded to an empty log host
            bad.append("audit records not forwarded: Syslog.global.logHost is empty")
        elif own := _own_log_hosts(log_targets, _itself(h, esx)):
            bad.append(f"audit records not forwarded off the host: Syslog.global.logHost = {own}")
        elif reach[0] == "blocked":
            bad.append(f"audit records not forwarded: {reach[1]}")
        store = _audit_store(esx)
        if store is not None and store[0] == "ramdisk":
            bad.append(f"audit records on the RAM disk, lost at reboot: {store[1]}")
        if bad:
            yield failed(s, "; ".join(bad), esx.source)
            continue
        unread = missing + (["Syslog.global.logHost"] if loghost is None else [])
        durable = store is not None and store[0] == "persistent"
        where = store[1] if store is not None else f"{AUDIT_DIRECTORY} not reported"
        kept = (
            f"Are host {h.name}'s audit records stored on persistent storage? "
            "Evidence: `esxcli system auditrecords get` (the storage directory) and "
            "`esxcli system syslog config get` (Local Log Output Is Persistent) on the "
            "host, or its advanced options Syslog.global.auditRecord.storageDirectory "
            "and ScratchConfig.CurrentScratchLocation. Pass: the directory is on a "
            "datastore or under a scratch location on /vmfs/volumes; fail: it is on the "
            "RAM disk (/tmp/scratch), lost at reboot."
        )
        if unread:
            asks = [_no_option(s, esx, unread, "audit records are stored and forwarded")]
            if reach[0] == "unknown":
                asks.append(
                    manual(
                        s,
                        f"audit records forwarded to {', '.join(log_targets)[:200]}; {reach[1]}",
                        esx.source,
                        question=_reach_question(h, "syslog", "audit records", log_targets),
                    )
                )
            if not durable:
                asks.append(
                    manual(
                        s,
                        f"whether the store survives a reboot is not known: {where}",
                        esx.source,
                        question=kept,
                    )
                )
            yield joined_asks(s, asks)
            continue
        asked = []
        stored = f"audit records stored ({capacity} MiB"
        stored += f", {store[1]})" if durable and store is not None else ")"
        message = f"{stored} and forwarded"
        if reach[0] == "unknown":
            message += f" to {', '.join(log_targets)[:200]}; {reach[1]}"
            asked.append(_reach_question(h, "syslog", "audit records", log_targets))
        if not durable:
            message += f"; whether the store survives a reboot is not known: {where}"
            asked.append(kept)
        if asked:
            question = asked[0] if len(asked) == 1 else f"(1) {asked[0]} (2) {asked[1]}"
            yield manual(s, message, esx.source, question=question)
        else:
            yield passed(s, message, esx.source)


AUDIT_DIRECTORY = "Syslog.global.auditRecord.storageDirectory"
SCRATCH = "ScratchConfig.CurrentScratchLocation"
RAMDISK_SCRATCH = "/tmp/scratch"  # noqa: S108 - a path on the ESXi host, named, not opened
"""ESXi's scratch space when it has no persistent location: "A ramdisk at /tmp/scratch/" (KB
1033696)."""
_DATASTORE_PATH = re.compile(r"\s*\[([^\]]*)\]\s*(.*)")


def _under(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def _audit_store(esx: VmwareHost) -> tuple[str, str] | None:
    """Where the host keeps its audit records: ("persistent" | "ramdisk" | "unknown", what was
    read), or None where the directory is not reported."""
    directory = _option(esx, AUDIT_DIRECTORY)
    if directory is None:
        return None
    text = str(directory)
    shown = f"{AUDIT_DIRECTORY} = {text[:80]}"
    m = _DATASTORE_PATH.fullmatch(text)
    datastore, path = (m[1].strip(), m[2].strip()) if m else ("", text.strip())
    if datastore:
        return "persistent", f"datastore {datastore}"
    path = "/" + "/".join(p for p in path.split("/") if p not in ("", "."))
    if ".." in path.split("/"):
        return "unknown", shown
    if _under(path, "/vmfs/volumes"):
        return "persistent", path
    if _under(path, RAMDISK_SCRATCH):
        return "ramdisk", path
    if not _under(path, "/scratch"):
        return "unknown", shown
    scratch = _option(esx, SCRATCH)
    if scratch is None:
        return "unknown", f"{shown}; {SCRATCH} not reported"
    current = "/" + "/".join(p for p in str(scratch).split("/") if p not in ("", "."))
    if ".." in current.split("/") or current == "/":
        return "unknown", f"{shown}; {SCRATCH} = {str(scratch)[:80]}"
    if _under(current, RAMDISK_SCRATCH):
        return "ramdisk", f"{path}, scratch at {current}"
    if _under(current, "/vmfs/volumes"):
        return "persistent", f"{path}, scratch at {current}"
    return "unknown", f"{shown}; {SCRATCH} = {str(scratch)[:80]}"


DEFAULT_ESX_ADMINS = "esx admins"


@check(
    id="HVA-422",
    title="The host is joined to the directory, without the default 'ESX Admins' group",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-15"]},
    remediation="Join the host to Active Directory (Host > Configure > Authentication Services) "
    "and set Config.HostAgent.plugins.hostsvc.esxAdminsGroup to a dedicated group (not "
    "'ESX Admins').",
    platforms=ESX,
)
def directory_membership(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-15: host accounts come from the enterprise directory (central password policy and
    account removal). vSphere 8 STIG ESXI-80-000049 (joined to AD), ESXI-80-000241 (not the default
    'ESX Admins' group: anyone who may create that group in AD becomes host administrator,
    CVE-2024-37085). Property config.authenticationManagerInfo.authConfig. ESXI-80-000241's
    check (V-258796, read with `search`) is a finding only where the setting "is set to 'ESX
    Admins'" (double quotes in the STIG), and its first release's fix sets it with
    `Set-AdvancedSetting -Value ""`: an empty group is that hardened value, not the default.
    CVE-2024-37085 abuses the group's NAME: whoever may create a group called
    'ESX Admins' in the domain becomes host administrator, whether or not the group existed when
    the host joined. A domain-qualified value ('CORP\\ESX Admins', 'ESX Admins@corp.example')
    names that same group in that domain: were ESXi to resolve the qualified form, the abused
    group is the one granted; were it not, no group is granted and the setting is no
    site-specific group either. Either way it is not the dedicated group ESXI-80-000241 asks
    for: a fail (L14-6; it passed as a dedicated group)."""
    key = "Config.HostAgent.plugins.hostsvc.esxAdminsGroup"
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        if esx.directory is None:
            yield unknown(
                s,
                _gap("config.authenticationManagerInfo", esx.source),
                f"Is host {h.name} joined to the directory, with an administrators group other "
                f"than 'ESX Admins'? Evidence: the vSphere Client, host {h.name} > Configure > "
                f"Authentication Services (domain and status) and the advanced setting {key}. "
                "Pass: yes, joined with status OK and a dedicated group; fail: not joined, or "
                "the group is 'ESX Admins'.",
            )
            continue
        ad = [
            d for d in esx.directory if d.get("type") == "ActiveDirectoryInfo" and d.get("enabled")
        ]
        if not ad:
            yield failed(s, "not joined to a directory: local accounts only", esx.source)
            continue
        if str(ad[0].get("status", "")).lower() != "ok":
            yield failed(
                s, f"joined to {ad[0].get('domain')}, membership {ad[0].get('status')}", esx.source
            )
            continue
        group = _option(esx, key)
        if group is None:
            # R35E-3: the question names the condition: "Does this hold: the AD group granted
            # host administration?" was answered yes of any group, the default 'ESX Admins'
            # (ESXI-80-000241) too, and passed the host
            yield _no_option(
                s,
                esx,
                [key],
                f"Does {key} on host {h.name} name a dedicated administrators group, or is it "
                "empty? Evidence: the vSphere Client, host "
                f"{h.name} > Configure > System > Advanced System Settings ({key}), or "
                f"PowerCLI Get-AdvancedSetting -Name {key}. Pass: yes, a group of the site's "
                "own or empty; fail: 'ESX Admins' (in any case, or qualified by a domain as "
                "'DOMAIN\\ESX Admins' or 'ESX Admins@domain').",
            )
        elif not str(group).strip():
            yield passed(
                s,
                f"joined to {ad[0].get('domain')}; {key} is empty, not the default 'ESX Admins'",
                esx.source,
            )
        elif str(group).strip().lower() == DEFAULT_ESX_ADMINS:
            yield failed(
                s,
                f"joined to {ad[0].get('domain')}, but {key} is the default 'ESX Admins'",
                esx.source,
            )
        elif _group_name(str(group)) == DEFAULT_ESX_ADMINS:
            yield failed(
                s,
                f"joined to {ad[0].get('domain')}, but {key} is {str(group).strip()[:80]!r}: "
                "the default group name 'ESX Admins', qualified by a domain",
                esx.source,
            )
        else:
            yield passed(
                s,
                f"joined to {ad[0].get('domain')}; administrators group {str(group)[:60]}",
                esx.source,
            )


def _group_name(value: str) -> str:
    """The group name of an esxAdminsGroup value without a domain qualifier (`DOMAIN\\name`,
    `name@domain`), case-folded: Active Directory compares names case-insensitively."""
    name = value.strip().rsplit("\\", 1)[-1]
    return name.split("@", 1)[0].strip().lower()


LOCK_FAILURES_MAX = 3
UNLOCK_SECONDS_MIN = 900
PASSWORD_HISTORY_MIN = 5
PASSWORD_LENGTH_MIN = 15
RANDOM_BITS_DEFAULT = 47
"""passwdqc's random= default, which the STIG's Security.PasswordQualityControl value keeps:
47 since passwdqc 1.2.0 (openwall/passwdqc b148e0a, 2010: "Encode one additional bit per word
in randomly-generated "passphrases" by altering the case of the first character. This expands
their default size to 47 bits"; passwdqc_parse.c's defaults "47, /* random_bits */",
passwdqc.conf(5) "(default: random=47)"), 42 in 1.1 and earlier (L19-8V)."""
PASSWDQC_JUDGED = ("min=", "similar=", "enforce=", "random=", "match=")
MATCH_DEFAULT = 4
"""passwdqc's match= default (passwdqc.conf(5): "default: match=4"), which the STIG's value keeps."""


@check(
    id="HVA-423",
    title="Local accounts lock after failed logins and passwords follow the STIG policy",
    scope="host",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-15"]},
    interpretations={
        "sp800-125a-2014:HY-SR-15": (
            "HY-SR-15 puts host accounts in the enterprise directory for central password "
            "policy; hvaudit holds the local accounts the directory does not cover to the same "
            "policy."
        ),
    },
    remediation="Set Security.AccountLockFailures = 3, Security.AccountUnlockTime = 900, "
    "Security.PasswordHistory = 5 and Security.PasswordQualityControl = 'similar=deny retry=3 "
    "min=disabled,disabled,disabled,disabled,15 max=64'.",
    platforms=ESX,
)
def password_policy(ctx: Context) -> Iterator[Outcome]:
    """The host's own accounts (root, the exception users) are the ones a directory does not
    protect. vSphere 8 STIG ESXI-80-000005 (3 failures), ESXI-80-000111 (unlock after 900 s),
    ESXI-80-000043 (history 5), ESXI-80-000035 (password quality "similar=deny retry=3
    min=disabled,disabled,disabled,disabled,15 max=64": 15 characters, and no new password
    similar to the old, passwdqc's similar=deny, its default; an explicit similar=permit fails).
    ESXi hands the option to pam_passwdqc ("See the man page for pam_passwdqc for details",
    vSphere 8.0 Security, "Changing Default Password Restrictions"), whose enforce= option
    (passwdqc.conf(5), PAM module options, and passwdqc_parse.c, read with `read_file` in
    github:openwall/passwdqc) turns enforcement off: enforce=none only warns of a weak password,
    and enforce=users enforces it for non-root users only (pam_passwdqc.c: when am_root() the
    module enforces only with F_ENFORCE_ROOT, which "users" lacks), so a password root sets
    (its own, or any local account's) is only warned about. Either fails; the STIG's value
    leaves the default, everyone.

    A config=FILE option loads more options from FILE (passwdqc.conf(5): "Load the specified
    configuration FILE in the passwdqc.conf format. This file may define any options described in
    this manual"; passwdqc_parse.c parses it in place, so what it sets overrides the options
    before it): the length, similar= and enforce= then rest on a file the API does not show, and
    the password part is asked unless each option judged here is set again after it (V15-1: it
    passed on the options around it). random=N below the default 47 fails (V15-2): the offered
    random passphrase is accepted "regardless of other possible restrictions" (passwdqc.conf(5)),
    and 24 bits are two short words. An option not reported leaves the others judged (their
    fails win) and is asked in one item with their questions (joined_asks): asked alone, it hid
    a weaker reported setting (R34M-5)."""
    keys = [
        "Security.AccountLockFailures",
        "Security.AccountUnlockTime",
        "Security.PasswordHistory",
        "Security.PasswordQualityControl",
    ]
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        values = {k: _option(esx, k) for k in keys}
        missing = [k for k, v in values.items() if v is None]
        # an option not reported leaves the others judged: their fails win, and the gap is
        # asked in one item with their questions (R34M-5: the gap alone was asked over a lockout
        # after 10 failures, a fail, and a "yes" passed it)
        given = {k: v for k, v in values.items() if v is not None}
        bad: list[str] = []
        failures = _int(values[keys[0]])
        if keys[0] in given and (failures is None or not 0 < failures <= LOCK_FAILURES_MAX):
            bad.append(f"{keys[0]} = {str(values[keys[0]])[:12]} (want 1..{LOCK_FAILURES_MAX})")
        unlock = _int(values[keys[1]])
        # 0: no automatic unlock (L16-15), a question below, not "want >= 900"
        if keys[1] in given and (unlock is None or 0 < unlock < UNLOCK_SECONDS_MIN or unlock < 0):
            bad.append(f"{keys[1]} = {str(values[keys[1]])[:12]} (want >= {UNLOCK_SECONDS_MIN})")
        history = _int(values[keys[2]])
        if keys[2] in given and (history is None or history < PASSWORD_HISTORY_MIN):
            bad.append(f"{keys[2]} = {str(values[keys[2]])[:12]} (want >= {PASSWORD_HISTORY_MIN})")
        # the option's words as libpam hands them to pam_passwdqc (_pam_args, V20-2)
        tokens = _pam_args(str(values[keys[3]])) if keys[3] in given else []
        # passwdqc config=FILE (V15-1): its options are parsed in place and override the ones
        # before it; the file is not in the evidence
        loaded = [part[7:] for part in tokens if part.startswith("config=")]
        if loaded:
            tail = tokens[_last_index(tokens, "config=") + 1 :]
            if all(any(t.startswith(o) for t in tail) for o in PASSWDQC_JUDGED):
                loaded = []  # every option judged here is set again after the file
        account_bad = list(bad)
        lengths = [
            _int(x) for part in tokens if part.startswith("min=") for x in part[4:].split(",")
        ]
        refused = _passwdqc_refused(tokens)
        if keys[3] in given and refused is not None:
            # a parse error ends the reading wherever it is, config= or not
            bad.append(
                f"{keys[3]} has {refused[0][:80]}, which pam_passwdqc refuses ({refused[1]}): it "
                "aborts every password change it checks, so no length is enforced as set"
            )
            account_bad.append(bad[-1])
        elif keys[3] in given:
            if not lengths or lengths[-1] is None or lengths[-1] < PASSWORD_LENGTH_MIN:
                bad.append(f"{keys[3]} does not require {PASSWORD_LENGTH_MIN} characters")
            bad.extend(_passwdqc_weak(tokens, keys[3]))
        locks = (
            f"locks after {failures} failures; {keys[1]} = 0 (PAM's unlock_time never)"
            if unlock == 0
            else f"locks after {failures} failures for {unlock} s"
        )
        asked = []
        files = ", ".join(f[:80] for f in loaded)
        if loaded:
            asked.append(
                f"Do the options host {h.name}'s {keys[3]} loads from {files} keep "
                f"passwords to at least {PASSWORD_LENGTH_MIN} characters, with similar=deny, "
                f"enforce=everyone and match= from 1 to {MATCH_DEFAULT}? Evidence: that file on "
                "the host (`cat` it in the ESXi Shell) and the option's value, read in order (a "
                "later option overrides an earlier one). Pass: the last min= ends in "
                f"{PASSWORD_LENGTH_MIN} or more and no similar=permit, enforce=none|users, "
                f"match=0 or match= above {MATCH_DEFAULT} follows; fail: otherwise."
            )
        if unlock == 0:
            asked.append(UNLOCK_ZERO_QUESTION.format(host=h.name, key=keys[1]))
        if loaded and account_bad:
            yield failed(s, "; ".join(account_bad), esx.source)
        elif bad and not loaded:
            yield failed(s, "; ".join(bad), esx.source)
        elif missing:
            asks = [
                _no_option(
                    s,
                    esx,
                    missing,
                    f"Do this host's local accounts lock after at most {LOCK_FAILURES_MAX} "
                    f"failed logins, for at least {UNLOCK_SECONDS_MIN} s, with a password history "
                    f"of at least {PASSWORD_HISTORY_MIN} and passwords of at least "
                    f"{PASSWORD_LENGTH_MIN} characters? Evidence: the advanced settings "
                    + ", ".join(missing)
                    + " (vSphere Client: Configure > System > Advanced System Settings). Pass: "
                    "yes, every one; fail: any setting is weaker.",
                )
            ]
            if loaded:
                asks.append(
                    manual(
                        s,
                        f"{keys[3]} loads options from {files} (config=), not in the evidence",
                        esx.source,
                        question=asked[0],
                    )
                )
            if unlock == 0:
                asks.append(
                    manual(
                        s,
                        f"{keys[1]} = 0 (PAM's unlock_time never)",
                        esx.source,
                        question=asked[-1],
                    )
                )
            yield joined_asks(s, asks)
        elif asked:
            shown = f"{locks}; history {history}"
            if loaded:
                shown += f"; {keys[3]} loads options from {files} (config=), not in the evidence"
            yield manual(
                s,
                shown,
                esx.source,
                question=asked[0] if len(asked) == 1 else f"(1) {asked[0]} (2) {asked[1]}",
            )
        else:
            yield passed(s, f"{locks}; history {history}", esx.source)


#: Security.AccountUnlockTime = 0 (L16-15): VMware documents the option as "Duration in seconds to
#: lock out a user's account" (the host's option list, lamw/esxi-advanced-and-kernel-settings,
#: read with `fetch`) and says nothing of 0. The PAM lockout modules read unlock_time=0 as never
#: (pam_faillock(8): "The value 0 has the same meaning as value never - the access will not be
#: re-enabled without resetting the faillock entries by the faillock(8) command"; read with
#: `find_string`): locked until an administrator resets it, stricter than 900 s and what
#: SP 800-53 AC-7 names ("lock the account or node until released by an administrator"). Which
#: module ESXi feeds the option to, and whether it hands 0 through, is not in the evidence: a
#: question, not the "want >= 900" fail.
UNLOCK_ZERO_QUESTION = (
    "Does host {host} keep a locked account locked until an administrator resets it, with {key} "
    "= 0? Evidence: the unlock_time the host gives its PAM lockout module (`grep -r unlock_time "
    "/etc/pam.d` in the ESXi Shell), or a test account locked by failed logins and tried again "
    "after 15 minutes. Pass: unlock_time=0 (never) or the test account stays locked; fail: no "
    "lockout, or the account is unlocked within 900 s."
)


def _passwdqc_weak(tokens: list[str], key: str) -> list[str]:
    """What a passwdqc option string pam_passwdqc accepts weakens beside its length: similar=,
    enforce=, random= and match= (the STIG's value keeps their defaults)."""
    weak: list[str] = []
    # passwdqc similar=permit|deny ("whether a new password is allowed to be similar to the
    # old one", default deny); the STIG's value has similar=deny
    similar = [part[8:] for part in tokens if part.startswith("similar=")]
    if similar and similar[-1].lower() == "permit":
        weak.append(f"{key} lets a new password be similar to the old (similar=permit)")
    # passwdqc enforce=none|users|everyone (V13-1): "The PAM module can be configured to warn
    # of weak passwords only, but not actually enforce strong passwords. The users setting
    # will enforce strong passwords for invocations by non-root users only" (default
    # everyone); the last enforce= wins (passwdqc_parse.c clears the mode at each one)
    enforce = [part[8:] for part in tokens if part.startswith("enforce=")]
    if enforce and enforce[-1] != "everyone":
        who = "anyone" if enforce[-1] == "none" else "root"
        weak.append(
            f"{key} has enforce={enforce[-1][:12]}: weak passwords are only warned "
            f"about when {who} sets them"
        )
    # passwdqc random=N[,only] (V15-2): "Any passphrase that contains the offered
    # randomly-generated string will be allowed regardless of other possible restrictions"
    # (passwdqc.conf(5); pam_passwdqc.c skips _passwdqc_check when the new password contains
    # it). N bits are words of 3 to 6 letters, 13 bits each with the first letter's case
    # (passwdqc_random.c WORD_BITS 13, wordset_4k.c): random=24 offers two words, 7
    # characters and up. The STIG's value keeps the default, 47 (RANDOM_BITS_DEFAULT); fewer
    # bits admit a shorter, weaker passphrase. 0 offers none.
    random = [part[7:] for part in tokens if part.startswith("random=")]
    bits = _int(random[-1].removesuffix(",only")) if random else None
    if bits is not None and 0 < bits < RANDOM_BITS_DEFAULT:
        weak.append(
            f"{key} has random={bits}: the offered {bits}-bit passphrase is accepted "
            "whatever its length"
        )
    # passwdqc match=N (V20-2): "The length of common substring required to conclude that a
    # password is at least partially based on information found in a character string, or
    # 0 to disable the substring search" (passwdqc.conf(5)); is_based() in passwdqc_check.c
    # returns "not based" at once for 0, and similar=deny, the user-name and the word-list
    # checks all rest on it: match=0 admits the old password with a character added. A
    # longer N lets a longer reused part count as strength. The STIG's value keeps 4.
    match = [part[6:] for part in tokens if part.startswith("match=")]
    length = _strtoul(match[-1])[0] if match else None
    if length is not None and not 0 < length <= MATCH_DEFAULT:
        weak.append(
            f"{key} has match={match[-1][:12]}: "
            + (
                "the substring search is off, so no new password is found similar to the "
                "old or based on the user name"
                if length == 0
                else f"a reused part shorter than {min(length, 10**6)} characters counts "
                f"as strength (want 1..{MATCH_DEFAULT})"
            )
        )
    return weak


def _pam_args(value: str) -> list[str]:
    """A module's option string split as libpam splits a pam.d line's arguments
    (linux-pam libpam/pam_misc.c, read with `read_file`: _pam_mkargv calls `_pam_StrTok(sbuf, "
    \\n\\t", &tmp)`, so only space, tab and newline separate words, not the other characters
    str.split() takes; "[...]" is one word with its brackets stripped and "\\]" read as "]").
    ESXi writes Security.PasswordQualityControl onto the pam_passwdqc.so line of /etc/pam.d/passwd
    (vSphere 8.0 Security, "Changing Default Password Restrictions": the option replaces editing
    that file). A word joined to the next by another blank is one option to passwdqc (V20-2)."""
    return pam_tokens(value)


_INT_MAX = 2**31 - 1
_ULONG_MAX = 2**64 - 1


def _strtoul(text: str) -> tuple[int, str]:
    """strtoul(text, &end, 10) as passwdqc_parse.c calls it: leading C white space, a sign, ASCII
    digits; a minus negates modulo 2**64 (a value past INT_MAX); no digits read 0 and leave the
    text as it was. Returns the value and the text after it."""
    rest = text.lstrip(" \t\n\v\f\r")
    sign = rest[:1] if rest[:1] in "+-" else ""
    m = re.match(r"[0-9]*", rest[len(sign) :])
    digits = m.group(0) if m else ""
    if not digits:
        return 0, text
    v = min(int(digits), _ULONG_MAX)
    if sign == "-" and v:
        v = _ULONG_MAX + 1 - v
    return v, rest[len(sign) + len(digits) :]


def _passwdqc_refused(tokens: list[str]) -> tuple[str, str] | None:
    """The first option pam_passwdqc refuses, with why, or None. passwdqc_parse.c's parse_option
    (github:openwall/passwdqc, read with `fetch`): min= takes five values, each "disabled" or a
    number no larger than the one before (L16-14: "min=15" passed on its last number); max= a
    number from 8; passphrase=, match= and retry= a number; similar= permit|deny, enforce=
    none|users|everyone, exactly; random= 0 or 24..136, with an optional ",only"; wordlist=,
    denylist=, filter= and config= a path; non-unix, ask_oldauthtok[=update], check_oldauthtok,
    use_first_pass, use_authtok and noaudit bare (non-unix with check_oldauthtok, and
    ask_oldauthtok with use_first_pass, refuse each other); any other word is "Invalid
    parameter". On any of these pam_sm_chauthtok (pam_passwdqc.c) says the module is
    misconfigured and returns PAM_ABORT: no password is checked at all (V20-2: "max=7",
    "minlen=15" or "similar=Deny" passed)."""
    number = "a number"
    flags: set[str] = set()
    for token in tokens:
        name, eq, value = token.partition("=")
        why = ""
        if name == "min" and eq:
            why = _min_refused(value)
        elif name in ("max", "passphrase", "match", "retry") and eq:
            v, rest = _strtoul(value)
            if rest or v > _INT_MAX or (name == "max" and v < 8):
                why = f"max= takes {number} from 8" if name == "max" else f"{name}= takes {number}"
        elif name == "similar" and eq:
            why = "" if value in ("permit", "deny") else "similar= takes permit or deny"
        elif name == "enforce" and eq:
            why = (
                ""
                if value in ("none", "users", "everyone")
                else ("enforce= takes none, users or everyone")
            )
        elif name == "random" and eq:
            v, rest = _strtoul(value)
            if rest not in ("", ",only") or (v and v < 24) or v > 136:
                why = "random= takes 0 or 24 to 136 bits"
        elif name in ("wordlist", "denylist", "filter", "config") and eq:
            why = ""
        elif token in ("non-unix", "check_oldauthtok", "use_first_pass") or token.startswith(
            "ask_oldauthtok"
        ):
            kind = "ask_oldauthtok" if token.startswith("ask_oldauthtok") else token
            if kind == "ask_oldauthtok" and token not in (
                "ask_oldauthtok",
                "ask_oldauthtok=update",
            ):
                why = "ask_oldauthtok takes nothing or =update"
            elif {kind, *flags} >= {"non-unix", "check_oldauthtok"} or {kind, *flags} >= {
                "ask_oldauthtok",
                "use_first_pass",
            }:
                why = f"{kind} with an option it excludes"
            flags.add(kind)
        elif token not in ("use_authtok", "noaudit"):
            why = "not an option it knows"
        if why:
            return token, why
    return None


def _min_refused(rest: str) -> str:
    """Why passwdqc refuses the value of a min= option, or "" (L16-14): five values, each
    "disabled" or strtoul base 10, separated by commas, each no larger than the one before
    (`if (i && (int)v > params->qc.min[i - 1]) goto parse_error`), nothing after the fifth."""
    why = "min= takes five values, each at most the one before"
    values: list[int] = []
    for i in range(5):
        if rest.startswith("disabled"):
            v, rest = _INT_MAX, rest[8:]
        else:
            v, rest = _strtoul(rest)
        if i < 4:
            if not rest.startswith(","):
                return why
            rest = rest[1:]
        if v > _INT_MAX or (values and v > values[-1]):
            return why
        values.append(v)
    return why if rest else ""


def _last_index(tokens: list[str], prefix: str) -> int:
    """The index of the last token that starts with `prefix` (-1: none)."""
    return max((i for i, t in enumerate(tokens) if t.startswith(prefix)), default=-1)


@check(
    id="HVA-424",
    title="Only root may use the DCUI when lockdown mode is on",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-14"]},
    remediation="Set DCUI.Access to root.",
    platforms=ESX,
)
def dcui_access(ctx: Context) -> Iterator[Outcome]:
    """Users in DCUI.Access keep console access in lockdown mode: every extra name is an account
    that bypasses lockdown. vSphere 8 STIG ESXI-80-000189."""
    key = "DCUI.Access"
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        value = _option(esx, key)
        if value is None:
            yield _no_option(s, esx, [key], "DCUI.Access lists root only")
            continue
        users = sorted({u.strip() for u in str(value).split(",") if u.strip()})
        if users in ([], ["root"]):
            yield passed(s, f"{key} = {','.join(users) or '(empty)'}", esx.source)
        else:
            yield failed(s, f"{key} = {', '.join(users)[:200]}", esx.source)


@check(
    id="HVA-425",
    title="Few principals may log in to the host directly; lockdown has no extra exceptions",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-14"]},
    remediation="Host > Configure > Permissions: remove direct host permissions not needed; keep "
    "the lockdown exception users list empty (or to the service accounts that need it).",
    platforms=ESX,
)
def host_access(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-14 keeps the accounts with direct host access to two or three. The local accounts
    holding a host role (HostAccessManager.RetrieveHostAccessControlEntries) and the lockdown
    exception users (QueryLockdownExceptions, vSphere 8 STIG ESXI-80-000201) are read per host;
    both calls need the Global.Settings privilege on the host (pyVmomi's method metadata), which
    the Read-only role does not hold. vSphere 8 STIG ESXI-80-000201 (read with `search`): "If the
    Exception Users list contains accounts that do not require special permissions, this is a
    finding"; the list "is empty by default and should remain that way except under
    site-specific circumstances" (a service account such as a backup agent). Whether a listed
    user needs it is not in the evidence: a non-empty list within the limit is asked. An entry
    of access mode accessOther holds "a combination of one or more roles/permissions which are
    none of the above" (HostAccessMode, vSphere API, read with `search`): accessAdmin is the
    propagating Admin role on the root folder "and no other non-Admin role on any other
    object", so a custom role with every privilege, or the Admin role with another role beside
    it, is accessOther. Which privileges it holds is
    not read: where counting such principals as administrators would exceed the limit, the
    count is a question (V13-2). HY-SR-14 counts accounts: an entry for a group
    (HostAccessControlEntry.group, "True if 'principal' describes a group account") admits all
    its members, which the host does not list, so an administrators' group within the limit is
    a question for its membership (V13-7), as directory accounts are on Linux hosts (HVA-140).
    A lockdown exception user who also holds a host role is one account, counted once (L14-5:
    root listed in both was counted twice, a wrong fail within the limit). The group's, the
    custom roles' and the exception users' questions of one host are asked in one item
    (joined_asks): the first alone passed on a "yes" with the others never asked (R34 elif
    probes site 7c)."""
    limit = ctx.profile.max_interactive_accounts
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        info = esx.host_access
        if info is None or "entries" not in info:
            reason = (info or {}).get("error", "host access entries not collected")
            privilege = (info or {}).get("privilege", "Global.Settings")
            gap = Fact[bool].unavailable(f"{reason} (the calls need {privilege})", esx.source)
            yield unknown(
                s,
                gap,
                f"Do at most {limit} principals, lockdown exception users included, have "
                f"administrative access to host {h.name} directly? Evidence: the host client's "
                "Manage > Security & users > Users and roles (principals with the Administrator "
                "role), and the vSphere Client, host > Configure > Security Profile > Lockdown "
                f"Mode > Exception Users. Pass: yes, {limit} or fewer together; fail: more.",
            )
            continue
        admins = sorted(
            str(e.get("principal"))
            for e in info.get("entries") or []
            if str(e.get("mode")) in ("accessAdmin", "admin")
        )
        exceptions = list(info.get("lockdown_exceptions") or [])
        # accessOther: "a combination of one or more roles/permissions which are none of the
        # above" (HostAccessMode): a custom role on the host, which may hold every privilege
        custom = sorted(
            str(e.get("principal"))
            for e in info.get("entries") or []
            if str(e.get("mode")) == "accessOther"
        )
        msg = f"{len(admins)} principal(s) with host administration ({', '.join(admins)[:120]})"
        if exceptions:
            msg += f"; lockdown exceptions: {', '.join(exceptions)[:120]}"
        # a group holding the Admin role admits every member, which the entry does not list
        groups = sorted(
            str(e.get("principal"))
            for e in info.get("entries") or []
            if str(e.get("mode")) in ("accessAdmin", "admin") and e.get("group") is True
        )
        # HY-SR-14 counts accounts: an exception user who also holds the Admin role is one
        # account, not two (HVA-425 counted it twice)
        accounts = len(set(admins) | set(exceptions))
        if accounts > limit:
            yield failed(s, msg + f" (more than {limit})", esx.source)
            continue
        # every open condition is asked in one item: the group's question alone passed the
        # check on a "yes" with the custom-role principals and the exception users never asked
        # (R34 elif probes site 7c)
        asks: list[tuple[str, str, str]] = []  # (separator from msg, part, question)
        if groups:
            shown = ", ".join(groups)[:120]
            asks.append(
                (
                    ": ",
                    f"group(s) {shown} among them, whose members are not read",
                    f"Do at most {limit} accounts administer host {h.name} directly, the "
                    f"members of group(s) {shown} and the lockdown exception users included? "
                    "Evidence: each group's members in the directory (Active Directory Users and "
                    "Computers, or `Get-ADGroupMember -Recursive GROUP`) and the host client's "
                    "Manage > Security & users > Users and roles. Pass: yes, at most "
                    f"{limit} accounts in all; fail: more.",
                )
            )
        if custom and len(set(admins) | set(exceptions) | set(custom)) > limit and groups:
            # the group's members and the custom roles' holders are counted together ("at most
            # N in all"): asked apart, "at most N accounts, the group's members included" and
            # "at most N principals, the custom roles' holders included" each passed where
            # together they exceed it (R35T-5)
            shown = ", ".join(custom)[:120]
            asks[-1] = (
                ": ",
                f"group(s) {', '.join(groups)[:120]} among them, whose members are not read; "
                f"with other roles on the host (accessOther): {shown}: whether they "
                "administer it is not read",
                f"Do at most {limit} accounts administer host {h.name} directly in all, the "
                f"members of group(s) {', '.join(groups)[:120]}, those of {shown} whose roles "
                "(access mode accessOther: custom roles) hold host configuration, shell or VM "
                "administration privileges, and the lockdown exception users counted together? "
                "Evidence: each group's members in the directory (Active Directory Users and "
                "Computers, or `Get-ADGroupMember -Recursive GROUP`) and the host client's "
                "Manage > Security & users > Users and roles (each listed principal's role and "
                f"its privileges). Pass: yes, at most {limit} accounts in all; fail: more.",
            )
        elif custom and len(set(admins) | set(exceptions) | set(custom)) > limit:
            shown = ", ".join(custom)[:120]
            asks.append(
                (
                    "; ",
                    f"with other roles on the host (accessOther): {shown}: whether they "
                    "administer it is not read",
                    f"Do the roles of {shown} on host {h.name} (access mode accessOther: "
                    "custom roles) leave them without administration of the host, so that at most "
                    f"{limit} principals, lockdown exception users included, administer it? "
                    "Evidence: the host client's Manage > Security & users > Users and roles (each "
                    "listed principal's role and its privileges) or vCenter's permissions on the "
                    f"host. Pass: yes, none of them holds host configuration, shell or VM "
                    f"administration privileges; fail: enough of them do to exceed {limit}.",
                )
            )
        if exceptions:
            shown = ", ".join(exceptions)[:120]
            asks.append(
                (
                    ": ",
                    "whether each exception user needs to keep its permissions is not seen",
                    f"Does each lockdown exception user of host {h.name} ({shown}) need to "
                    "keep its permissions in lockdown mode, as a service account such as a backup "
                    "agent does? Evidence: the vSphere Client, host > Configure > System > Security "
                    "Profile > Lockdown Mode > Exception Users, and the site's record of why each "
                    "was added. Pass: yes, every one is a service account that needs it; fail: one "
                    "is not (a person's account, or one no longer needed).",
                )
            )
        if asks:
            yield joined_asks(
                s,
                [
                    manual(s, (msg + sep if n == 0 else "") + part, esx.source, question=q)
                    for n, (sep, part, q) in enumerate(asks)
                ],
            )
        else:
            yield passed(s, msg, esx.source)


ACCEPTED_LEVELS = ("vmware_certified", "vmware_accepted", "partner")


@check(
    id="HVA-426",
    title="The host accepts only VMware- or partner-signed VIBs",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"]},
    remediation="Set the image acceptance level to PartnerSupported or higher (esxcli software "
    "acceptance set --level=PartnerSupported) and remove CommunitySupported VIBs.",
    platforms=ESX,
)
def vib_acceptance(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-5 (a): no uncertified drivers. At CommunitySupported the host installs unsigned,
    untested VIBs. vSphere 8 STIG ESXI-80-000133. Read with HostImageConfigGetAcceptance
    (pyVmomi QueryHostAcceptanceLevel), which needs System.Read (in the Read-only role). A VIB
    installed with --force may sit below the host's level: the installed VIBs' levels decide
    the pass, and where they were not read it is asked (_installed_vibs, R33V-4)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        info = esx.acceptance or {}
        level = info.get("level")
        if not level:
            reason = info.get("error", "the acceptance level was not collected")
            gap = Fact[bool].unavailable(
                f"{reason} (HostImageConfigGetAcceptance needs {info.get('privilege', 'System.Read')})",
                esx.source,
            )
            yield unknown(
                s,
                gap,
                f"Does host {h.name} accept only VMware- or partner-signed VIBs? Evidence: "
                "`esxcli software acceptance get` there (or the vSphere Client, host > Configure "
                "> Security Profile > Host Image Profile Acceptance Level). Pass: yes, "
                "VMwareCertified, VMwareAccepted or PartnerSupported; fail: CommunitySupported.",
            )
        elif str(level) in ACCEPTED_LEVELS:
            yield _installed_vibs(h, info, passed(s, f"acceptance level {level}", esx.source))
        else:
            yield failed(
                s, f"acceptance level {str(level)[:30]}: unsigned VIBs install", esx.source
            )


def _installed_vibs(h: Host, info: dict[str, Any], ok: Outcome) -> Outcome:
    """R33V-4: the host's acceptance level bounds what installs from now on, not what is
    installed: "If the host has a higher acceptance level than the VIB ... you can run commands
    in the esxcli software vib or esxcli software profile namespace with the --force option ...
    you enforce a VIB or image profile with lower acceptance level than the acceptance level of
    the host and your setup is no longer consistent" (vSphere ESXi Installation and Setup,
    "Change the Host Acceptance Level", read with `search`). The installed VIBs' own levels
    (fetchSoftwarePackages, collect.vsphere._acceptance) decide: one at CommunitySupported
    fails; where they were not read the pass is the question."""
    packages = info.get("packages")
    if isinstance(packages, list):
        low = [
            f"{str(p.get('name'))[:40]} ({str(p.get('level'))[:20]})"
            for p in packages
            if isinstance(p, dict) and str(p.get("level")) not in ACCEPTED_LEVELS
        ]
        if low:
            shown = ", ".join(low[:5]) + (f" and {len(low) - 5} more" if len(low) > 5 else "")
            return failed(
                ok.subject,
                f"{ok.message}, but installed VIB(s) below PartnerSupported: {shown} (installed "
                "with --force, or before the level was raised)",
                *ok.evidence,
            )
        return dataclasses.replace(
            ok, message=f"{ok.message}; every installed VIB at PartnerSupported or above"
        )
    err = info.get("packages_error")
    why = (
        f"{': '.join(str(err.get('error')).split(': ')[:2])[:80]} (it needs "
        f"{str(err.get('privilege'))[:40]})"
        if isinstance(err, dict)
        else "the installed VIBs were not collected"
    )
    return dataclasses.replace(
        ok,
        status=Status.MANUAL,
        message=f"{ok.message}; the installed VIBs' levels were not read: {why}",
        question=f"Is every VIB installed on host {h.name} at PartnerSupported or above? "
        "Evidence: `esxcli software vib list` there (its Acceptance Level column), or a "
        "collection by an account with Host.Config.Image. Pass: every VIB VMwareCertified, "
        "VMwareAccepted or PartnerSupported; fail: one CommunitySupported (installed with "
        "--force, or before the host's level was raised).",
    )


@check(
    id="HVA-427",
    title="Only binaries from installed, signed VIBs may run (execInstalledOnly)",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "HY-SR-5(a) refuses uncertified drivers; hvaudit extends it to any binary the "
            "VMkernel runs outside a signed VIB."
        ),
    },
    remediation="Set VMkernel.Boot.execInstalledOnly = true (and reboot).",
    platforms=ESX,
)
def exec_installed_only(ctx: Context) -> Iterator[Outcome]:
    """Ransomware on ESXi copies its own binary to the host and runs it; with execInstalledOnly the
    VMkernel runs only what came in a signed VIB. vSphere 8 STIG ESXI-80-000244 (default false on
    8.0 Update 3, true on 9.0, per the vSphere Security Configuration Guide).

    ESXi 8.0 adds an internal runtime option beside the boot option (vSphere 8.0 Security,
    "execInstalledOnly ... is both a boot and an internal runtime option ... a previously
    enabled execInstalledOnly boot option overwrites the internal runtime option if you set
    both", read with `search`), turned off at once by `esxcli system settings advanced set -o
    /User/execInstalledOnly -i 0` (no reboot; read with `find_string`). The boot option the API
    reports is the configured one: set true since the last boot, it does not yet overwrite a
    runtime option that is off, and unsigned binaries run until the reboot. Where the host
    reports the runtime option (User.execInstalledOnly) off beside the boot option true, whether
    the host booted with it is asked (V21C-3: it passed); off with the boot option off fails.
    The runtime option off beside a boot option not reported joins that question to the gap's
    in one item (R34M-10: the gap alone was asked, and a "yes" passed). The boot option true
    with no runtime option reported (ESXi 7.0 has none, or it was not read) is asked: a pass
    never rests on a configured value whose effect on the running host is unseen (R52V-2, the
    team's decision of round 52: it passed "VMkernel.Boot.execInstalledOnly = true")."""
    key = "VMkernel.Boot.execInstalledOnly"
    runtime_key = "User.execInstalledOnly"
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        value = _option(esx, key)
        runtime = _option(esx, runtime_key)
        off = runtime is not None and _true(runtime) is not True
        if value is not None and _true(value) is not True:
            yield failed(s, f"{key} = {str(value)[:12]}", esx.source)
        elif value is None and not off:
            yield _no_option(s, esx, [key], f"{key} is true")
        elif off:
            # the boot option not reported joins the runtime option's question in one item:
            # asked alone, a "yes" passed a runtime option that lets unsigned binaries run
            # (R34M-10)
            runs = (
                f"the runtime option {runtime_key} = {str(runtime)[:12]}: unsigned binaries run "
                "unless the host booted with the boot option on"
            )
            yield joined_asks(
                s,
                [
                    *([_no_option(s, esx, [key], f"{key} is true")] if value is None else []),
                    manual(
                        s,
                        runs if value is None else f"{key} = true, but {runs}",
                        esx.source,
                        question=f"Does host {h.name}'s running kernel enforce "
                        "execInstalledOnly? Evidence: `esxcli system settings kernel list -o "
                        "execInstalledOnly` there (its Runtime value: the boot option the host "
                        "booted with). Pass: Runtime TRUE (a boot option the host booted with "
                        "overwrites the runtime option, vSphere 8.0 Security); fail: Runtime "
                        f"FALSE ({runtime_key} 0 lets unsigned binaries run until the reboot).",
                    ),
                ],
            )
        elif runtime is None:
            # R52V-2: the configured boot option alone; whether the running kernel enforces it
            # (the host booted with it, or on 8.0 the runtime option) is not in the evidence
            yield manual(
                s,
                f"{key} = true (configured), but whether the running kernel enforces it is "
                f"not in the evidence: the runtime option {runtime_key} (ESXi 8.0 and later) is "
                "not reported",
                esx.source,
                question=f"Does host {h.name}'s running kernel enforce execInstalledOnly? "
                "Evidence: `esxcli system settings kernel list -o execInstalledOnly` there (its "
                "Runtime value, the boot option the host booted with, not its Configured one) "
                "and, on ESXi 8.0 and later, `esxcli system settings advanced list -o "
                "/User/execInstalledOnly` (its Int Value). Pass: Runtime TRUE and the runtime "
                "option, where the host has it, 1; fail: Runtime FALSE (set since the last "
                "boot, unsigned binaries run until the reboot) or the runtime option 0.",
            )
        else:
            yield passed(s, f"{key} = true", esx.source)


@check(
    id="HVA-428",
    title="The host boots with UEFI Secure Boot",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-2014:HY-SR-3": (
            "The recommendation asks for measured launch and attestation; Secure Boot verifies "
            "signatures rather than measuring, and hvaudit counts it as a link of the same "
            "chain of trust."
        ),
        "sp800-125a-r1:HY-SR-1": (
            "The recommendation asks for measured launch and attestation; Secure Boot verifies "
            "signatures rather than measuring, and hvaudit counts it as a link of the same "
            "chain of trust."
        ),
    },
    remediation="Enable UEFI Secure Boot in the server's firmware (after checking "
    "/usr/lib/vmware/secureboot/bin/secureBoot.py -c) and, on 8.0 Update 2 and later, "
    "esxcli system settings encryption set --require-secure-boot=T.",
    platforms=ESX,
)
def secure_boot(ctx: Context) -> Iterator[Outcome]:
    """With Secure Boot the firmware, the boot loader, the VMkernel and every VIB must be signed: the
    first link of the chain of trust HY-SR-3 asks for. vSphere 8 STIG ESXI-80-000094 (property
    HostSystem.capability.uefiSecureBoot, vSphere API 8.0); ESXI-80-000085 (TPM-based enforcement)
    is read by esxcli only and stays with the auditor."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        cap = esx.capability
        if cap is None or cap.get("uefiSecureBoot") is None:
            what = "capability" if cap is None else "capability.uefiSecureBoot"
            yield unknown(
                s,
                _gap(f"{what} (reported by vSphere API 8.0 and later)", esx.source),
                "the host booted with UEFI Secure Boot (esxcli system settings encryption get)",
            )
        elif cap["uefiSecureBoot"] is True:
            yield passed(s, "booted with UEFI Secure Boot", esx.source)
        else:
            yield failed(s, "UEFI Secure Boot is off", esx.source)


@check(
    id="HVA-429",
    title="The host has a TPM 2.0 and vCenter accepted its attestation",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    remediation="Fit and enable a TPM 2.0 (SHA-256, TIS/FIFO), boot with Secure Boot, and resolve "
    "the attestation alarm in vCenter (Host > Monitor > Security).",
    platforms=ESX,
)
def tpm_attestation(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-3: measured launch into a TPM and an attestation of those measurements. vCenter
    attests each host with a TPM 2.0 and reports the result as summary.tpmAttestation (accepted,
    notAccepted); capability.tpmSupported and tpmVersion say whether there is a TPM at all.
    tpmSupported not reported is asked beside the attestation (joined_asks), which is judged
    without it: asked alone, "yes, the host has a TPM 2.0" passed a host whose attestation
    vCenter did not accept, or that was never asked (R35E-4). tpmVersion is optional in the API
    (pyVmomi _typeinfo_vim: HostCapability "tpmVersion", "string", F_OPTIONAL, since API 6.7):
    not reported, it is asked the same way, never failed as an unknown version (R45V-1).
    summary.tpmAttestation is vCenter's last attestation (HostTpmAttestationInfo.time, "Time
    of TPM attestation"); the host's last boot is runtime.bootTime ("The time when the host was
    booted", vSphere Web Services API vim.host.RuntimeInfo). No API reference found says
    vCenter attests again at every boot, so an accepted attestation from before the last boot
    measured another boot: it is asked, naming both times, as it is where bootTime was asked
    for and not reported; a record of an older collector, which did not ask for bootTime, is
    read as before (R48E-1, the team's decision of round 47)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        cap = esx.capability
        asks: list[Outcome] = []
        if cap is None or cap.get("tpmSupported") is None:
            gap = _gap("capability.tpmSupported", esx.source)
            asked_gap(s, gap, "the host has a TPM 2.0", asks)
        elif cap["tpmSupported"] is not True:
            yield failed(s, "no TPM", esx.source)
            continue
        elif cap.get("tpmVersion") is None:
            # R45V-1: tpmVersion is optional (pyVmomi _typeinfo_vim, HostCapability
            # "tpmVersion" F_OPTIONAL, since vim.version.version12): not reported is asked
            # beside the attestation, not failed as "TPM version ?"
            # (the Automation API's TPM summary: major_version, minor_version, "added in
            # vSphere API 8.0.0.1", read with `search`)
            gap = _gap("capability.tpmVersion", esx.source)
            asked_gap(
                s,
                gap,
                f"Is host {h.name}'s TPM version 2.0? Evidence: the vSphere Automation API, GET "
                "/api/vcenter/trusted-infrastructure/hosts/HOST/hardware/tpm and each TPM's "
                "major_version and minor_version (vSphere API 8.0.0.1 and later), or the "
                "server's firmware setup. Pass: yes, 2.0; fail: 1.2, or no TPM.",
                asks,
            )
        elif str(cap["tpmVersion"]) != "2.0":
            yield failed(s, f"TPM version {cap.get('tpmVersion') or '?'} (want 2.0)", esx.source)
            continue
        att = esx.tpm_attestation
        if att is not None and "error" in att:
            gap = Fact[bool].unavailable(f"{str(att['error'])[:160]}", esx.source)
            asks.append(unknown(s, gap, "vCenter accepted this host's TPM attestation"))
        elif att is None:
            gap = _gap("summary.tpmAttestation (reported by vCenter)", esx.source)
            asks.append(unknown(s, gap, "vCenter accepted this host's TPM attestation"))
        elif att.get("status") == "notAccepted":
            # vCenter's verdict on the host's measurements: a fail whatever the TPM's version
            yield failed(
                s, f"TPM attestation not accepted: {str(att.get('message'))[:120]}", esx.source
            )
            continue
        elif att.get("status") != "accepted":
            gap = Fact[bool].unavailable(f"attestation status {att.get('status')}", esx.source)
            asks.append(unknown(s, gap, "vCenter accepted this host's TPM attestation"))
        else:
            asks += _attested_before_boot(s, h.name, esx, att)
        if asks:
            yield joined_asks(s, asks)
        else:
            when = (att or {}).get("time")
            after = (
                f", after the host's last boot at {esx.boot_time}" if esx.boot_time_asked else ""
            )
            yield passed(s, f"TPM 2.0; attestation accepted at {when}{after}", esx.source)


def _aware_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time with its zone (pyVmomi's vmodl.DateTime is one); None where it does
    not read or has no zone (a time without one cannot be ordered against one with)."""
    try:
        when = dt.datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _attested_before_boot(
    s: Subject, host: str, esx: VmwareHost, att: dict[str, Any]
) -> list[Outcome]:
    """HVA-429's ask where vCenter's accepted attestation is not known to be of the running
    boot: its time before runtime.bootTime, or either time not read, where the collector asked
    for bootTime (R48E-1); nothing where it is after the boot, or the record is an older
    collector's."""
    if not esx.boot_time_asked:
        return []
    when = str(att.get("time") or "")[:64]
    attested, booted = _aware_time(when), _aware_time(esx.boot_time)
    if attested is not None and booted is not None and attested >= booted:
        return []
    at = when or "an unreported time"
    boot = esx.boot_time or "not reported (runtime.bootTime)"
    if attested is not None and booted is not None:
        message = f"TPM attestation accepted at {when}, before the host's last boot at {boot}"
    else:
        message = (
            f"TPM attestation accepted at {at}; the host's last boot: {boot}; whether the "
            "attestation is of the running boot is not known"
        )
    return [
        manual(
            s,
            message,
            esx.source,
            question=f"Does vCenter's accepted TPM attestation of host {host} (accepted at "
            f"{at}) cover the host's current boot (booted: {boot})? Evidence: vCenter, Host > "
            "Monitor > Security (the attestation's status and time), and the host's boot time "
            "(HostSystem runtime.bootTime, or its uptime on Host > Summary). Pass: an "
            "attestation accepted after the current boot; fail: none accepted since that "
            "boot, or not accepted.",
        )
    ]


@check(
    id="HVA-430",
    title="Guests cannot send BPDUs to the physical switch (Net.BlockGuestBPDU = 1)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125b": ["VM-FW-R2"]},
    interpretations={
        "sp800-125b:VM-FW-R2": (
            "VM-FW-R2 puts filtering in the hypervisor between vNIC and virtual switch; "
            "Net.BlockGuestBPDU is such a filter, dropping guest BPDUs before they shut an "
            "uplink down. (The 2014 HY-SR-19 is the host's own packet filter.)"
        ),
    },
    remediation="Set Net.BlockGuestBPDU = 1.",
    platforms=ESX,
)
def bpdu_filter(ctx: Context) -> Iterator[Outcome]:
    """A guest's BPDU reaching a physical port with BPDU Guard shuts that uplink down, for every VM
    behind it: one guest denies service to the others. vSphere 8 STIG ESXI-80-000215."""
    key = "Net.BlockGuestBPDU"
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        value = _option(esx, key)
        if value is None:
            yield _no_option(s, esx, [key], f"{key} = 1")
        elif _int(value) == 1:
            yield passed(s, f"{key} = 1", esx.source)
        else:
            yield failed(s, f"{key} = {str(value)[:12]}", esx.source)


UNNEEDED_SERVICES = {"slpd": "SLP", "sfcbd-watchdog": "CIM", "snmpd": "SNMP"}
#: Services the STIG finds whenever they run or start with the host; SNMP it finds only when
#: unused or not on v3 with authentication (ESXI-80-000212)
ALWAYS_OFF = ("slpd", "sfcbd-watchdog")


@check(
    id="HVA-431",
    title="SLP, CIM and SNMP are stopped and do not start with the host",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-4"]},
    remediation="Host > Configure > Services: stop SLP (slpd), CIM Server (sfcbd-watchdog) and "
    "SNMP Server (snmpd) and set each to 'Start and stop manually' unless a monitored use needs "
    "it (then SNMPv3 only).",
    platforms=ESX,
)
def unneeded_services(ctx: Context) -> Iterator[Outcome]:
    """Each is a network service on the management plane: OpenSLP was the ESXiArgs ransomware's
    way in (CVE-2021-21974). vSphere 8 STIG ESXI-80-000231 (SLP), ESXI-80-000228 (CIM),
    ESXI-80-000212 (SNMP v1/v2c). A service absent from the host's list is not known to be off.
    SLP and CIM fail when running or not policy off (ESXI-80-000228: "If the CIM Server service
    does not have a Policy of off or is running, this is a finding"). SNMP does not: ESXI-80-000212
    (SV-258767, read with `find_string`) finds it only "If SNMP is not in use and is enabled" or
    "If SNMP is enabled and is not using v3 targets with authentication", and "SNMP v3 targets
    can only be viewed and configured via the esxcli command", which hvaudit does not run: an
    SNMP agent that runs is a question (V13-5; it failed, a host on SNMPv3 included). Where the
    host answers HostSnmpSystem.configuration (configManager.snmpSystem; HostSnmpConfigSpec
    readOnlyCommunities and trapTargets, each HostSnmpDestination with its `community`, vSphere
    API, read with `search`; the hardening guides configure it over a single host connection),
    a read-only community or a trap target with a community is SNMP v1/v2c: a running agent with
    one fails ("If SNMP is enabled and is not using v3 targets with authentication, this is a
    finding"), and one with neither is still asked about its v3 targets (L14-8). A service
    missing from the list leaves the others judged, and joins SNMP's question in one item
    (R34M-9)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        states = _service_states(esx, tuple(UNNEEDED_SERVICES))
        if states is None:
            yield unknown(s, _gap("config.service", esx.source), "SLP, CIM and SNMP are off")
            continue
        found, missing = states
        enabled = {
            k: f"{UNNEEDED_SERVICES[k]} ({k}: {'running' if v.get('running') else 'stopped'}, "
            f"policy {v.get('policy')})"
            for k, v in sorted(found.items())
            if v.get("running") or v.get("policy") != "off"
        }
        # a service missing from the list leaves the others judged: SNMP v1/v2c fails, and
        # the gap joins SNMP's question in one item (R34M-9: the gap alone was asked over an
        # enabled snmpd with a community, a fail, and a "yes" passed it)
        head = "" if missing else "slpd and sfcbd-watchdog stopped, policy off; "
        if any(k in ALWAYS_OFF for k in enabled):
            yield failed(s, "enabled: " + ", ".join(enabled.values()), esx.source)
        elif enabled and (v1 := _snmp_v1(esx.snmp)):
            yield failed(
                s,
                f"{head}enabled: {enabled['snmpd']} with "
                f"{v1} (SNMP v1/v2c: a community string is the only credential)",
                esx.source,
            )
        elif missing or enabled:
            asks = []
            if missing:
                gap = Fact[bool].unavailable(
                    f"{', '.join(missing)} not in the host's service list", esx.source
                )
                asks.append(unknown(s, gap, f"{', '.join(missing)} stopped and disabled"))
            if enabled:
                asks.append(
                    manual(
                        s,
                        f"{head}enabled: {enabled['snmpd']}: "
                        + (
                            "no v1/v2c community or trap target (HostSnmpSystem.configuration); "
                            "its v3 targets are not read"
                            if esx.snmp is not None and "communities" in esx.snmp
                            else "its SNMP versions and targets are not read"
                        ),
                        esx.source,
                        question=f"Is SNMP on host {h.name} in use, with v3 targets with "
                        "authentication only? Evidence: `esxcli system snmp get` on that host "
                        "(communities, v3targets, authentication, privacy) and the site's "
                        "monitoring system that polls it. Pass: yes, SNMP is in use, no community "
                        "is set (no v1 or v2c) and every target is v3 with authentication; fail: a "
                        "community is set, a v3 target has no authentication, or nothing uses "
                        "SNMP (then it must be off).",
                    )
                )
            yield joined_asks(s, asks)
        else:
            yield passed(s, "slpd, sfcbd-watchdog and snmpd stopped, policy off", esx.source)


def _snmp_v1(snmp: dict[str, Any] | None) -> str:
    """What of the SNMP configuration is v1/v2c (read-only communities, trap targets sent with
    a community), or "" when none is or the configuration was not read."""
    if snmp is None or "communities" not in snmp:
        return ""
    count = snmp.get("communities")
    parts = [f"{count} read-only communit{'y' if count == 1 else 'ies'}"] if count else []
    targets = [
        f"{str(t.get('host'))[:60]}:{t.get('port')}"
        for t in snmp.get("trap_targets") or []
        if isinstance(t, dict) and t.get("community")
    ]
    if targets:
        parts.append(f"trap target(s) {', '.join(targets)} with a community")
    return " and ".join(parts)


OLD_PROTOCOLS = ("sslv3", "tlsv1", "tlsv1.1")
TLS_PROFILES = (8, 0, 3)
"""The first ESXi release that sets TLS by profile (8.0 Update 3)."""
TLS_RELEASE = re.compile(r"\bESXi\s+([0-9]+)\.([0-9]+)\.([0-9]+)\b", re.IGNORECASE)


def _esxi_release(product: str) -> tuple[int, int, int] | None:
    """The release in the host's config.product.fullName ("VMware ESXi 8.0.3 build-24022510")."""
    m = TLS_RELEASE.search(product)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


@check(
    id="HVA-432",
    title="The host's management endpoints refuse SSLv3, TLS 1.0 and TLS 1.1",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-16"]},
    interpretations={
        "sp800-125a-2014:HY-SR-16": (
            "HY-SR-16 governs the remote-access protocol to the console but names no protocol "
            "versions; hvaudit counts refusing obsolete TLS as part of securing that access."
        ),
    },
    remediation="Set UserVars.ESXiVPsDisabledProtocols = sslv3,tlsv1,tlsv1.1 (ESXi 7 and 8.0 "
    "before Update 3) or the TLS profile NIST_2024 (esxcli system tls server set --profile "
    "NIST_2024, 8.0 Update 3); reboot.",
    platforms=ESX,
)
def tls_protocols(ctx: Context) -> Iterator[Outcome]:
    """Remote management sessions should use current TLS only. vSphere 7 STIG ESXI-70-000074
    and vSphere 8 STIG ESXI-80-000161 (UserVars.ESXiVPsDisabledProtocols = sslv3,tlsv1,tlsv1.1).
    From 8.0 Update 3 TLS is set by profile: "Starting in 8.0 Update 3, vSphere supports TLS 1.3
    and 1.2 through the use of TLS profiles" (vSphere 8.0 Security, "TLS profiles", read with
    `search`); the host describes the option as "(Deprecated). All protocols prior to tlsv1.2
    are no longer supported" from 8.0 Update 1 (its advanced option list, as
    lamw/esxi-advanced-and-kernel-settings records it, read with `fetch`), and vSphere 8 STIG
    ESXI-80-000247 reads the profile (`esxcli system tls server get`). The profile is not
    collected and a MANUAL profile sets its own protocol versions, so on 8.0.3 and later
    (config.product.fullName) the stale option is not judged: the profile is asked for. Where
    the release is not known (config.product not reported, or no x.y.z in it), an option that
    would pass is the question of the release or the profile (R36E-3); one that leaves an old
    protocol enabled still fails."""
    key = "UserVars.ESXiVPsDisabledProtocols"
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        value = _option(esx, key)
        release = _esxi_release(h.hypervisor)
        if release is not None and release >= TLS_PROFILES:
            shown = "not reported" if value is None else f"= {str(value)[:60]}"
            yield manual(
                s,
                f"{h.hypervisor[:60]} sets TLS by profile (8.0 Update 3 and later); the profile "
                f"is not collected, and {key} {shown} is deprecated",
                esx.source,
                question=f"Does host {h.name}'s TLS server profile refuse SSLv3, TLS 1.0 and TLS "
                "1.1? Evidence: `esxcli system tls server get --show-current-boot-profile` on "
                "the host (Profile and Protocol Versions; vSphere 8 STIG ESXI-80-000247). Pass: "
                "yes, the current boot profile is NIST_2024 or COMPATIBLE, or MANUAL with "
                "protocol versions tls1.2 and tls1.3 only; fail: a protocol version below "
                "tls1.2.",
            )
            continue
        if value is None:
            yield _no_option(
                s,
                esx,
                [key],
                "the host's TLS profile (esxcli system tls server get) is NIST_2024 or "
                "refuses TLS < 1.2",
            )
            continue
        off = {p.strip().lower() for p in str(value).split(",")}
        still = [p for p in OLD_PROTOCOLS if p not in off]
        if still:
            yield failed(
                s, f"{key} = {str(value)[:60]}: {', '.join(still)} still enabled", esx.source
            )
        elif release is None:
            # the option governs only before 8.0 Update 3 (above): with no release read from
            # config.product, its pass rested on a release the evidence does not give (R36E-3)
            yield manual(
                s,
                f"{key} = {str(value)[:60]}, but the host's release is not known (no x.y.z "
                f"in {h.hypervisor[:60]!r}): from 8.0 Update 3 the TLS profile, not this "
                "deprecated option, sets the protocols",
                esx.source,
                question=f"Does host {h.name} run an ESXi release before 8.0 Update 3, or does "
                "its TLS server profile refuse SSLv3, TLS 1.0 and TLS 1.1? Evidence: `vmware "
                "-vl` on the host (or its config.product.fullName), and on 8.0 Update 3 or later "
                "`esxcli system tls server get --show-current-boot-profile` (Profile and "
                "Protocol Versions; vSphere 8 STIG ESXI-80-000247). Pass: a release before 8.0 "
                f"Update 3 (where {key}, reported disabling all three, governs), or a current "
                "boot profile NIST_2024 or COMPATIBLE, or MANUAL with protocol versions tls1.2 "
                "and tls1.3 only; fail: 8.0 Update 3 or later with a protocol version below "
                "tls1.2.",
            )
        else:
            yield passed(s, f"{key} = {str(value)[:60]}", esx.source)


OTHER_TRAFFIC = (
    "vmotion",
    "vsan",
    "faultToleranceLogging",
    "vSphereReplication",
    "vSphereReplicationNFC",
    "vSphereProvisioning",
)


def _other_services(esx: VmwareHost, nic: str, own: str) -> list[str]:
    """Every VMkernel service but `own` selected on `nic`, the long-known ones first in their
    order. HostVirtualNicManagerNicType (vSphere API, read with `search`) has more than
    OTHER_TRAFFIC: vsanWitness, vsanExternal, vSphereBackupNFC, nvmeTcp, nvmeRdma, ptp.
    ESXI-80-000198 (read with `read_file`): "If any services are enabled on any Management
    VMkernel adapter, this is a finding"; DISA's InSpec for it and for ESXI-80-000160 (vMotion)
    counts VSphereBackupNFCEnabled among them. A management or vMotion adapter that also carried
    NVMe over TCP or backup NFC traffic passed (V16-4)."""
    traffic = esx.vmknic_traffic or {}
    found = [
        t for t, nics in traffic.items() if t != own and isinstance(nics, list) and nic in nics
    ]
    order = ("management", *OTHER_TRAFFIC)
    return sorted(found, key=lambda t: (order.index(t) if t in order else len(order), t))


def _vmknic_vlans(
    ctx: Context, h: Host, esx: VmwareHost
) -> tuple[
    dict[str, tuple[str, int | None]],
    dict[int, list[str]],
    list[tuple[str, list[tuple[int, int]]]],
]:
    """Each vmknic's port group and VLAN (None: not known), the VLANs of the port groups that
    carry no vmknic (VM port groups) -> their names, and those of them that trunk VLANs to their
    guests with the ranges they trunk: a standard port group on VLAN 4095 hands every VLAN to
    the guest (VGT, HVA-418), a distributed one its trunk ranges; a guest there can tag its
    frames onto any VLAN in them."""
    standard = {
        n.name: n for n in ctx.deployment.networks if n.host == h.name and not n.distributed
    }
    dist = _distributed(ctx)
    dvpgs = {str(pg.get("key")): pg for pg in (dist[0].get("portgroups") or [])} if dist else {}

    def vlan_of(pg: Any) -> int | None:
        if pg is None:
            return None
        if isinstance(pg, dict):
            v = pg.get("vlan") or {}
            # a private VLAN port group's id is a VLAN id too: VmwareDistributedVirtualSwitch
            # PvlanSpec.pvlanId "The secondaryVlanId", and VMwareDVSPvlanMapEntry's primary and
            # secondary ids are VLAN ids ("The VLAN IDs of 0 and 4095 are reserved"; vSphere
            # API, read with `search`): its guests' frames carry it on the uplinks (V14-7)
            return v.get("id") if v.get("kind") in ("vlan", "pvlan") else None
        return 4095 if pg.vlan_trunk else (pg.vlan_tags[0] if pg.vlan_tags else 0)

    nics: dict[str, tuple[str, int | None]] = {}
    used: set[str] = set()
    for n in esx.vmknics or []:
        if n.get("dvs_portgroup"):
            pg = dvpgs.get(str(n["dvs_portgroup"]))
            name = str(pg.get("name")) if pg else str(n["dvs_portgroup"])
            nics[str(n.get("device"))] = (name, vlan_of(pg))
            used.add(str(n["dvs_portgroup"]))
        else:
            name = str(n.get("portgroup"))
            nics[str(n.get("device"))] = (name, vlan_of(standard.get(name)))
            used.add(name)
    others: dict[int, list[str]] = {}
    for name, net in standard.items():
        v = vlan_of(net)
        if name not in used and v is not None:
            others.setdefault(v, []).append(name)
    for key, pg in dvpgs.items():
        v = vlan_of(pg)
        if key not in used and not pg.get("uplink") and v is not None:
            vlan = pg.get("vlan") or {}
            private = vlan.get("kind") == "pvlan"
            others.setdefault(v, []).append(
                f"{pg.get('name')} (private VLAN)" if private else str(pg.get("name"))
            )
            # an isolated or community secondary VLAN lives inside its primary: the switch's
            # pvlanConfig maps it (VMwareDVSPvlanMapEntry primaryVlanId), and its guests'
            # frames reach the promiscuous ports of the primary VLAN (leads15)
            primary = vlan.get("primary")
            if private and isinstance(primary, int) and primary != v:
                others.setdefault(primary, []).append(
                    f"{pg.get('name')} (private VLAN {v}, {vlan.get('type')} in primary {primary})"
                )
    trunks: list[tuple[str, list[tuple[int, int]]]] = [
        (f"port group {name} (VLAN 4095: every VLAN)", [(1, 4094)])
        for name, net in standard.items()
        if name not in used and net.vlan_trunk
    ]
    for key, pg in dvpgs.items():
        vlan = pg.get("vlan") or {}
        if key not in used and not pg.get("uplink") and vlan.get("kind") == "trunk":
            ranges = [(int(r[0]), int(r[1])) for r in vlan.get("ranges") or []]
            shown = ", ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in ranges)
            trunks.append((f"distributed port group {pg.get('name')} (trunk {shown})", ranges))
    return nics, others, trunks


def _untagged_beside(ctx: Context, h: Host, esx: VmwareHost, nic: str, own: list[str]) -> list[str]:
    """What shares `nic`'s untagged segment inside its own switch: the other port groups of that
    standard vSwitch without a VLAN, and the other VMkernel adapters on them or on its own port
    group, except those of the same service (`own`). HostPortGroupSpec
    .vlanId: "A value of 0 specifies that you do not want the port group associated with a
    VLAN" (vSphere API, read with `search`): such port groups of one switch exchange untagged
    frames inside it before any physical switch sees them, as ESXi's own default layout puts
    "VM Network" beside "Management Network" on vSwitch0 (V16-5: asked about the physical
    switch only)."""
    record = next((n for n in esx.vmknics or [] if str(n.get("device")) == nic), None)
    if record is None:
        return []
    standard = {
        n.name: n for n in ctx.deployment.networks if n.host == h.name and not n.distributed
    }
    on: dict[str, list[str]] = {}  # port group (key or name) -> other services' vmknics on it
    for n in esx.vmknics or []:
        if str(n.get("device")) not in own:
            where = str(n.get("dvs_portgroup") or n.get("portgroup"))
            on.setdefault(where, []).append(str(n.get("device")))
    mine = str(record.get("dvs_portgroup") or record.get("portgroup"))
    peers = [f"VMkernel adapter {d}" for d in on.get(mine, [])]
    if record.get("dvs_portgroup"):
        # a distributed switch spans hosts: whose adapters its other untagged port groups carry
        # is not read here, so the physical-switch question stays
        return peers
    net = standard.get(mine)
    if net is None:
        return peers
    used = {str(x.get("portgroup")) for x in esx.vmknics or [] if not x.get("dvs_portgroup")}
    peers += [
        f"port group {name}"
        for name, other in sorted(standard.items())
        if name != mine
        and other.bridge == net.bridge
        and not other.vlan_tags
        and not other.vlan_trunk
        and (name in on or name not in used)
    ]
    return peers


def _sharing(
    vlan: int, others: dict[int, list[str]], trunks: list[tuple[str, list[tuple[int, int]]]]
) -> list[str]:
    """The port groups with `vlan`: on it, or trunking it to their guests."""
    return sorted(others.get(vlan, [])) + [
        name for name, ranges in trunks if any(lo <= vlan <= hi for lo, hi in ranges)
    ]


def _elsewhere(ctx: Context, h: Host) -> list[tuple[str, list[tuple[int, int]]]]:
    """The VM port groups of the OTHER hosts' standard switches, each with the VLANs it carries
    (its VLAN, or every VLAN for VLAN 4095): a standard port group lives on one host, but its
    VLAN id tags frames on the physical network the host's uplinks reach, where the same id is
    the same segment for every host trunked to it (HostPortGroupSpec.vlanId: "The VLAN ID for
    ports using this port group"). Distributed port groups are already counted vCenter-wide
    (_vmknic_vlans). Only hosts whose VMkernel adapters were read are looked at, so that a port
    group carrying that host's own vmknic (its management or vMotion) is not taken for a VM's
    (V13-6)."""
    out: list[tuple[str, list[tuple[int, int]]]] = []
    for other, esx in _esx_hosts(ctx):
        if other.name == h.name or esx.vmknics is None:
            continue
        used = {str(n.get("portgroup")) for n in esx.vmknics if not n.get("dvs_portgroup")}
        for n in ctx.deployment.networks:
            if n.host != other.name or n.distributed or n.name in used:
                continue
            if n.vlan_trunk:
                out.append((f"port group {n.name} of host {other.name} (VLAN 4095)", [(1, 4094)]))
            elif n.vlan_tags:
                v = n.vlan_tags[0]
                out.append((f"port group {n.name} of host {other.name}", [(v, v)]))
    return out


def _overridable(ctx: Context) -> list[str]:
    """The distributed port groups (not uplinks) whose ports may each set their own VLAN:
    VMwareDVSPortgroupPolicy.vlanOverrideAllowed, "Allow the setting of vlanId, trunk vlanId, or
    pvlanId for an individual port to override the setting in defaultPortConfig of a portgroup"
    (vSphere API, read with `search`). Their ports (VMs' and VMkernel adapters') are not read, so
    the port group's VLAN does not say which VLAN, or trunk, each port is on (V16-3)."""
    dist = _distributed(ctx)
    out = []
    for pg in dist[0].get("portgroups") or [] if dist else []:
        if not isinstance(pg, dict) or pg.get("uplink"):
            continue
        loose = (pg.get("overrides") or {}).get("vlanOverrideAllowed")
        if loose is True:
            out.append(str(pg.get("name")))
        elif not isinstance(loose, bool):
            # L19-3V: not reported is no "may not"
            out.append(f"{pg.get('name')} (vlanOverrideAllowed not reported)")
    return sorted(out)


def _alone(
    s: Subject,
    host: str,
    ref: Source,
    service: str,
    vmks: Iterable[str],
    nics: dict[str, tuple[str, int | None]],
    loose: list[str],
) -> Outcome:
    """HVA-433/434 where the port groups' VLANs leave `service` alone on its VMkernel adapters
    `vmks`: a pass, or a question where distributed port groups `loose` let each port override
    its VLAN (vlanOverrideAllowed) and their ports are not read (V16-3)."""
    where = ", ".join(f"{n} VLAN {nics[n][1]}" for n in vmks if n in nics)
    if not loose:
        return passed(s, f"{service} alone on {where}", ref)
    return manual(
        s,
        f"{service} alone on {where} by the port groups' VLANs; distributed port group(s) "
        f"{', '.join(loose)[:160]} let each port override its VLAN (vlanOverrideAllowed), and "
        "their ports are not read",
        ref,
        question=_override_question(
            host, service, "VLAN(s) " + ", ".join(str(nics[n][1]) for n in vmks if n in nics), loose
        ),
    )


def _open_vmks(
    s: Subject,
    host: str,
    ref: Source,
    service: str,
    vmks: Iterable[str],
    nics: dict[str, tuple[str, int | None]],
    loose: list[str],
    unsure: list[str],
    unsure_question: str,
    remote: list[str],
) -> Outcome:
    """HVA-433/434 where no adapter of `service` fails: `_alone`'s pass or question, or, where an
    adapter's segment is not shown dedicated (`unsure`: untagged, VLAN 4095 or not reported) or
    its VLAN is on other hosts' VM port groups (`remote`, V13-6), every open condition in one
    item (joined_asks), the override question of `loose` (V16-3) among them: the first asked
    alone passed on a "yes" with the others never asked (R34 elif probes site 7d)."""
    if not unsure and not remote:
        return _alone(s, host, ref, service, vmks, nics, loose)
    asks = []
    if unsure:
        asks.append(manual(s, "; ".join(unsure), ref, question=unsure_question))
    if remote:
        asks.append(manual(s, "; ".join(remote), ref, question=_remote_question(host, service)))
    if loose:
        vlans = [nics.get(n, ("?", None))[1] for n in vmks]
        where = []
        if tagged := sorted({v for v in vlans if v is not None and v not in (0, 4095)}):
            where.append("VLAN(s) " + ", ".join(map(str, tagged)))
        if 0 in vlans:
            where.append("the untagged segment")
        if None in vlans or 4095 in vlans:
            where.append("the VLAN(s) not reported or trunked")
        asks.append(
            manual(
                s,
                f"distributed port group(s) {', '.join(loose)[:160]} let each port override its "
                "VLAN (vlanOverrideAllowed), and their ports are not read",
                ref,
                question=_override_question(host, service, " and ".join(where), loose),
            )
        )
    return joined_asks(s, asks)


def _override_question(host: str, service: str, where: str, names: list[str]) -> str:
    """The question of a VMkernel VLAN that ports of `names` may override their way onto."""
    return (
        f"Is every port of distributed port group(s) {', '.join(names)[:160]} off {where} of host "
        f"{host}'s {service} VMkernel adapter(s), none set to that VLAN or to a trunk or private "
        f"VLAN that carries it, and does each {service} adapter's own port keep its port group's "
        "VLAN? Evidence: the vSphere Client, each listed port group's Ports tab (the VLAN ID of "
        "each port, VMs' and VMkernel adapters'), or each port's config.setting.vlan "
        "(DistributedVirtualSwitch.FetchDVPorts). Pass: yes; fail: a port of theirs is on, or "
        f"trunks, that VLAN, or a {service} adapter's port is on another."
    )


def _remote_question(host: str, service: str) -> str:
    """The question of a VMkernel VLAN that other hosts' VM port groups carry (V13-6)."""
    return (
        f"Do the listed port groups of other hosts reach a different physical network from "
        f"host {host}'s {service} VMkernel adapter, so that their VMs are not on its VLAN? "
        "Evidence: the physical switches' configuration of the ports each host's uplinks are "
        "cabled to (the VLANs trunked to them) and the vSphere Client's CDP/LLDP neighbours "
        "under each host's Physical adapters. Pass: yes, that VLAN id is a separate segment "
        f"there (another site or fabric); fail: the same physical network carries it, so those "
        f"VMs share the {service} segment."
    )


def _every_vmknic_shared(
    ctx: Context, h: Host, esx: VmwareHost, only: Iterable[str] | None = None
) -> list[str]:
    """Where the host's VMkernel adapters were read but not which services each carries
    (config.virtualNicManagerInfo): each adapter's (of `only`, else every one) VLAN shared with
    VM port groups (on it, trunking it, or beside it untagged on its own switch), or [] where
    one adapter is not shown shared so (R37E-2). HVA-433 fails then whichever adapter carries
    management: the one that does shares its VLAN, and with none tagged its question ("a
    VMkernel adapter of its own, on a VLAN no VM port group uses?") has no yes either; HVA-434
    fails an adapter of the vMotion TCP/IP stack so, a vMotion adapter whatever the nicTypes
    say (L14-7). Only VM port groups count here: another adapter on the VLAN may carry the
    same service."""
    devices = [str(n.get("device")) for n in esx.vmknics or []]
    nics, others, trunks = _vmknic_vlans(ctx, h, esx)
    out = []
    for nic in devices if only is None else only:
        pg, vlan = nics.get(nic, ("?", None))
        if vlan == 0:
            beside = _untagged_beside(ctx, h, esx, nic, devices)
            if not beside:
                return []
            out.append(f"{nic} (port group {pg}) untagged, on its switch with {', '.join(beside)}")
        elif vlan is None or vlan == 4095:
            return []
        elif shared_with := _sharing(vlan, others, trunks):
            out.append(f"{nic} (port group {pg}) VLAN {vlan} shared with {', '.join(shared_with)}")
        else:
            return []
    return out


def _alone_question(host: str, service: str) -> str:
    """The question of a host whose VMkernel adapters were not read (HVA-433, HVA-434)."""
    return (
        f"Does {service} traffic of host {host} have a VMkernel adapter of its own, on a VLAN "
        f"nothing else uses? Evidence: the vSphere Client, host {host} > Configure > VMkernel "
        f"adapters (the adapter with {service} enabled, its other services, its port group "
        "and VLAN) and the VLANs of the host's other port groups. Pass: yes; fail: the adapter "
        "carries other services, or its VLAN is shared."
    )


@check(
    id="HVA-433",
    title="Management traffic has its own vmknic on a VLAN of its own",
    scope="host",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-21"],
        "sp800-125a-r1": ["HY-SR-20"],
        "sp800-125b": ["VM-NS-R2"],
    },
    remediation="Give management its own VMkernel adapter (no vMotion, vSAN, FT, replication or "
    "provisioning traffic on it) on a port group whose VLAN no VM port group uses.",
    platforms=ESX,
)
def management_vmknic(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-21: the management interface sits on a dedicated segment. vSphere 8 STIG
    ESXI-80-000198 (the management vmknic carries no other traffic type and is on the management
    VLAN). Properties config.network.vnic and config.virtualNicManagerInfo.netConfig. The VLAN is
    shared when a VM port group or another VMkernel adapter (vMotion, vSAN, storage) is on it, or
    a VM port group trunks it to its guests (VLAN 4095 on a standard switch, trunk ranges on a
    distributed one: the guest tags its own frames, HVA-418); a distributed port group on a
    private VLAN whose (secondary) id is that VLAN shares it too (V14-7: it was not counted)
    (vSphere Networking, "Securing System Traffic": isolate management and vMotion traffic each
    in a network of its own). A VM port group of ANOTHER host's standard switch on the same VLAN
    id is the same segment where one physical network carries that VLAN to both hosts, which the
    evidence does not show: a question (V13-6; it passed). An untagged management adapter is a
    question for the physical switch unless its own switch already puts another port group or
    adapter on its untagged segment (`_untagged_beside`: a fail, V16-5). A distributed port group
    that lets each
    port override its VLAN (`_overridable`) may put any of its ports on the management VLAN, or
    the management adapter's own port elsewhere: a question (V16-3; it passed on the port
    groups' VLANs). The open conditions of one host (an untagged or unreported segment, another
    host's VLAN, overridable ports) are asked in one item: the untagged adapter's question alone
    passed on a "yes" with another host's VM port group on the other adapter's VLAN never asked
    (R34 elif probes site 7d). Where config.virtualNicManagerInfo was not reported but every
    VMkernel adapter shares its VLAN with VM port groups, the host fails whichever adapter
    carries management (`_every_vmknic_shared`, R37E-2; it was the whole question)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        if esx.vmknic_traffic is None and (shared_all := _every_vmknic_shared(ctx, h, esx)):
            yield failed(
                s,
                "every VMkernel adapter shares its VLAN with VM port groups, so the management "
                "one does, whichever it is (config.virtualNicManagerInfo, which names it, not "
                f"reported): {'; '.join(shared_all)}",
                esx.source,
            )
            continue
        if esx.vmknics is None or esx.vmknic_traffic is None:
            what = "config.network.vnic" if esx.vmknics is None else "config.virtualNicManagerInfo"
            yield unknown(s, _gap(what, esx.source), _alone_question(h.name, "Management"))
            continue
        mgmt = esx.vmknic_traffic.get("management") or []
        if not mgmt:
            gap = Fact[bool].unavailable("no vmknic is tagged for management traffic", esx.source)
            yield unknown(
                s,
                gap,
                f"Does management traffic of host {h.name} have a VMkernel adapter of its own, on "
                "a VLAN no VM port group uses? Evidence: the vSphere Client, host "
                f"{h.name} > Configure > VMkernel adapters (the adapter with Management enabled, "
                "its other services, its port group and VLAN). Pass: yes, management alone on "
                "that adapter and VLAN; fail: it shares the adapter with other traffic or the "
                "VLAN with VMs.",
            )
            continue
        nics, others, trunks = _vmknic_vlans(ctx, h, esx)
        # the other VMkernel adapters' VLANs: their traffic (vMotion, vSAN, IP storage) on the
        # management segment is sharing it as much as a VM port group is (HVA-434 counts the
        # management vmknic's VLAN the same way, R6-5)
        for other, (_, other_vlan) in sorted(nics.items()):
            if other not in mgmt and other_vlan is not None:
                others.setdefault(other_vlan, []).append(f"VMkernel adapter {other}")
        bad, unsure, remote = [], [], []
        elsewhere = _elsewhere(ctx, h)
        for nic in mgmt:
            shared = _other_services(esx, nic, "management")
            if shared:
                bad.append(f"{nic} also carries {', '.join(shared)}")
            pg, vlan = nics.get(nic, ("?", None))
            if vlan is None:
                unsure.append(f"{nic} (port group {pg}): VLAN not reported")
            elif vlan == 0 and (beside := _untagged_beside(ctx, h, esx, nic, mgmt)):
                bad.append(f"{nic} untagged, shared on its switch with {', '.join(beside)}")
            elif vlan in (0, 4095):
                unsure.append(
                    f"{nic} (port group {pg}): {'untagged' if vlan == 0 else 'VLAN 4095'}"
                )
            elif shared_with := _sharing(vlan, others, trunks):
                bad.append(f"{nic} VLAN {vlan} shared with {', '.join(shared_with)}")
            elif far := [n for n, ranges in elsewhere if any(a <= vlan <= b for a, b in ranges)]:
                remote.append(f"{nic} VLAN {vlan} is also on {', '.join(far)}")
        if bad:
            yield failed(s, "; ".join(bad), esx.source)
        else:
            yield _open_vmks(
                s,
                h.name,
                esx.source,
                "management",
                mgmt,
                nics,
                _overridable(ctx),
                unsure,
                "Is the management vmknic's untagged or trunked segment dedicated to "
                "management at the physical switch? Evidence: the physical switch's "
                "configuration of the ports the management uplinks are cabled to (their access "
                "or native VLAN, and what else uses it). Pass: yes, no VM or other traffic is on "
                "that segment; fail: VMs or other traffic share it.",
                remote,
            )


@check(
    id="HVA-434",
    title="vMotion has its own vmknic on a VLAN of its own",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-r1": ["HY-SR-13"]},
    remediation="Put vMotion on a VMkernel adapter of its own (not the management one) on a port "
    "group whose VLAN nothing else uses.",
    platforms=ESX,
)
def vmotion_vmknic(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-13: a VM's memory travels over a dedicated segment. vSphere 8 STIG
    ESXI-80-000160 (the vMotion vmknic carries no other traffic type, on its own VLAN). The VLAN
    is shared when a VM port group, the management vmknic or any other VMkernel adapter is on it
    (R6-6), or a VM port group trunks it to its guests (as HVA-433); another host's VM port
    group on that VLAN id is a question (V13-6, as HVA-433). A VMkernel adapter on the vMotion
    TCP/IP stack (HostVirtualNicSpec.netStackInstanceKey `vmotion`, "Stack key used for vMotion
    applications", HostNetStackInstanceSystemStackKey, read with `search`) carries vMotion
    whether or not virtualNicManagerInfo lists it under the vmotion nicType: the vMotion
    service is selected per adapter only on the default stack, and no adapter is selected for
    it once one is on the vMotion stack (community.vmware vmware_vmkernel, enable_vmotion:
    "only allowed if the default TCP/IP stack is used. You cannot enable vMotion on an
    additional adapter if you already have an adapter with the vMotion TCP/IP stack
    configured", read with `read_file`). Such an adapter is judged as a tagged one (L14-7: was
    not applicable "no vmknic is tagged for vMotion"). A distributed port group whose ports may
    override their VLAN is a question, as in HVA-433 (V16-3); a host's open conditions are asked
    in one item, as in HVA-433 (R34 elif probes site 7d)."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        stacked = [
            str(n.get("device")) for n in esx.vmknics or [] if n.get("netstack") == "vmotion"
        ]
        if (
            esx.vmknic_traffic is None
            and stacked
            and (shared_all := _every_vmknic_shared(ctx, h, esx, stacked))
        ):
            yield failed(
                s,
                f"{'; '.join(shared_all)}: on the vMotion TCP/IP stack, a vMotion adapter "
                "(config.virtualNicManagerInfo, which names the others, not reported)",
                esx.source,
            )
            continue
        if esx.vmknics is None or esx.vmknic_traffic is None:
            what = "config.network.vnic" if esx.vmknics is None else "config.virtualNicManagerInfo"
            yield unknown(s, _gap(what, esx.source), _alone_question(h.name, "vMotion"))
            continue
        tagged = esx.vmknic_traffic.get("vmotion") or []
        stack = [
            str(n.get("device"))
            for n in esx.vmknics
            if n.get("netstack") == "vmotion" and str(n.get("device")) not in tagged
        ]
        vmotion = [*tagged, *stack]
        if not vmotion:
            yield not_applicable(
                s, "no vmknic is tagged for vMotion or on the vMotion TCP/IP stack"
            )
            continue
        nics, others, trunks = _vmknic_vlans(ctx, h, esx)
        mgmt_vlans = {nics[n][1] for n in esx.vmknic_traffic.get("management") or [] if n in nics}
        # any other VMkernel adapter (vSAN, IP storage, FT) on the vMotion VLAN shares it too
        for other, (_, other_vlan) in sorted(nics.items()):
            if other not in vmotion and other_vlan is not None:
                others.setdefault(other_vlan, []).append(f"VMkernel adapter {other}")
        bad, unsure, remote = [], [], []
        elsewhere = _elsewhere(ctx, h)
        for nic in vmotion:
            shared = _other_services(esx, nic, "vmotion")
            if shared:
                bad.append(f"{nic} also carries {', '.join(shared)}")
                continue
            pg, vlan = nics.get(nic, ("?", None))
            if vlan == 0 and (beside := _untagged_beside(ctx, h, esx, nic, vmotion)):
                bad.append(f"{nic} untagged, shared on its switch with {', '.join(beside)}")
            elif vlan is None or vlan in (0, 4095):
                unsure.append(f"{nic} (port group {pg}): VLAN {vlan if vlan is not None else '?'}")
            elif vlan in mgmt_vlans or _sharing(vlan, others, trunks):
                bad.append(f"{nic} VLAN {vlan} shared with other traffic")
            elif far := [n for n, ranges in elsewhere if any(a <= vlan <= b for a, b in ranges)]:
                remote.append(f"{nic} VLAN {vlan} is also on {', '.join(far)}")
        if bad:
            yield failed(s, "; ".join(bad), esx.source)
        else:
            yield _open_vmks(
                s,
                h.name,
                esx.source,
                "vMotion",
                vmotion,
                nics,
                _overridable(ctx),
                unsure,
                "Is the vMotion vmknic's segment dedicated to vMotion at the physical "
                "switch? Evidence: the physical switch's configuration of the ports the vMotion "
                "uplinks are cabled to (their access or native VLAN, and what else uses it). "
                "Pass: yes, only vMotion is on that segment; fail: management, VMs or other "
                "traffic share it.",
                remote,
            )


@check(
    id="HVA-435",
    title="The ESXi build is the latest approved patch release",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-18"]},
    remediation="Patch the host to the latest ESXi release approved for the site (vSphere "
    "Lifecycle Manager).",
    automation="manual",
    question="Is this host's ESXi build the latest patch release approved for this site? "
    "Evidence: the approved release (the vSphere Lifecycle Manager image or baseline of the "
    "host's cluster, and its compliance check for this host) and Broadcom's VMware Security "
    "Advisories (VMSA) for this ESXi version. Pass: yes, the host is compliant with the approved "
    "image or baseline and every VMSA for this version is fixed in the approved build; fail: a "
    "newer approved build is not installed, or a VMSA is fixed only in a build not yet approved.",
    platforms=ESX,
)
def patch_level(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-18: keep the hypervisor current. The host reports its build (config.product.build);
    which build is current and approved is site knowledge (vSphere 8 STIG ESXI-80-000221), so a
    person compares it with the approved vSphere Lifecycle Manager image or baseline and
    Broadcom's security advisories. The message names the build; the question stays the check's
    own, so that a report grouping hosts shows it true for each of them."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        if not h.hypervisor_version:
            # the check's own question, not "verify by hand": the attestation answers it
            gap = unknown(s, _gap("config.product.build", esx.source), "the host's ESXi build")
            yield dataclasses.replace(gap, question=None)
            continue
        yield manual(s, f"{h.hypervisor} (build {h.hypervisor_version})", esx.source)


@check(
    id="HVA-436",
    title="The hypervisor is bare-metal (Type 1)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-1"]},
    remediation="None: ESXi runs on the hardware without a general-purpose host OS.",
    platforms=ESX,
)
def type1(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-1 prefers a Type 1 hypervisor without a host OS. ESXi's VMkernel runs on the hardware
    and has no general-purpose operating system; classic ESX (4.1 and earlier) ran a Linux service
    console beside it, the host OS HY-SR-1 wants gone. The product name the host reports
    (config.product.fullName) is the evidence for the product.

    Bare metal is the machine's: an ESXi installed in a VM (nested ESXi) runs on the virtual
    hardware of another hypervisor, below which sits whatever that one is. VMware KB 2009916
    ("Support for running ESXi/ESX as a nested virtualization solution", read with `search`):
    "VMware does not support running nested ESXi/ESX servers in production environments",
    naming ESXi in Workstation or Fusion, in ESXi, and "in other third-party hypervisor
    solutions". The host's hardware.systemInfo (vendor "Hardware vendor identification", model
    "System model identification": vSphere Web Services API vim.host.SystemInfo) names a VM's
    virtual platform there: govmomi's simulator, captured from a nested ESXi, reports "VMware,
    Inc." / "VMware Virtual Platform" (simulator/esx/host_hardware_info.go). Virtual platforms
    are the DMI vendor prefixes systemd's detect_vm_dmi_vendor matches (src/basic/virt.c,
    read with `find_string`: KVM, QEMU, VMware, VMW, innotek GmbH, Xen, Bochs, Parallels,
    BHYVE; "Amazon EC2" left out, its bare-metal instances run ESXi on the machine) and the
    models VirtualBox and Hyper-V's "Virtual Machine" by "Microsoft Corporation". A host whose
    systemInfo was not read is asked (L18-5), never passed on the product alone.

    A list of names cannot know every virtual platform (Nutanix AHV, OpenStack Nova, Google
    Compute Engine: L19-1V), so the pass also rests on the CPU: hardware.cpuFeature's CPUID leaf
    1 ECX bit 31, the hypervisor-present bit (Linux arch/x86 cpufeatures.h X86_FEATURE_HYPERVISOR
    "Running on a hypervisor"; systemd virt.c detect_vm_cpuid, `hypervisor = ecx & 0x80000000U`,
    its first test). A set bit fails whatever the DMI says (govmomi's nested-ESXi capture reports
    it set: level 1 ecx "1001:..."); a clear bit with a machine that is no known virtual platform
    passes; a bit not reported ("-" or no cpuFeature) is asked, the machine named."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        product = h.hypervisor.lower()
        esxi = "esxi" in product and bool(h.hypervisor_version)
        classic = product.startswith("vmware esx ") and bool(h.hypervisor_version)
        system = esx.system
        platform = _virtual_platform(system)
        if not esxi and not classic and not platform and esx.cpuid_hypervisor != "1":
            # R35E-7: the product not reported is asked only where nothing shows a virtual
            # platform: a host record is a HostSystem, and one inside a VM fails whatever its
            # product (the unknown alone hid it, and "yes, ESXi bare-metal" passed it)
            yield unknown(
                s, _gap("config.product", esx.source), "the host runs VMware ESXi (bare-metal)"
            )
            continue
        problems = []
        if classic:
            problems.append(f"{h.hypervisor}: classic ESX with a Linux service console")
        if not platform and esx.cpuid_hypervisor == "1":
            platform = "hardware.cpuFeature: CPUID leaf 1 ECX bit 31, hypervisor present, is set"
        if platform:
            problems.append(
                f"{h.hypervisor} runs in a virtual machine ({platform}): a nested hypervisor on "
                "another hypervisor, not bare metal (VMware KB 2009916: not supported in "
                "production)"
            )
        if problems:
            yield failed(s, "; ".join(problems), esx.source)
        elif (
            not isinstance(system, dict)
            or not (system.get("vendor") or system.get("model"))
            or esx.cpuid_hypervisor != "0"
        ):
            if isinstance(system, dict) and (system.get("vendor") or system.get("model")):
                machine = f"{system.get('vendor') or '?'} {system.get('model') or '?'}"[:80]
                message = (
                    f"{h.hypervisor}: VMkernel without a host OS on {machine}; whether a "
                    "hypervisor lies beneath (hardware.cpuFeature, CPUID leaf 1 ECX bit 31) was "
                    "not reported"
                )
            else:
                message = (
                    f"{h.hypervisor}: VMkernel without a host OS; the machine it runs on "
                    "(hardware.systemInfo) was not reported"
                )
            yield manual(
                s,
                message,
                esx.source,
                question=f"Does host {h.name}'s ESXi run directly on server hardware, not in a "
                "virtual machine? Evidence: the vSphere Client, host "
                f"{h.name} > Summary > Hardware (Manufacturer, Model), or `esxcli hardware "
                "platform get` on the host (Vendor Name, Product Name). Pass: a server "
                "vendor's model; fail: a virtual platform (VMware, Inc. VMware Virtual "
                "Platform or VMware7,1/VMware20,1, QEMU, Microsoft Corporation Virtual Machine, "
                "VirtualBox, Nutanix AHV, OpenStack Nova, Google Compute Engine, or any other "
                "hypervisor's virtual machine): a nested ESXi.",
            )
        else:
            machine = f"{system.get('vendor') or '?'} {system.get('model') or '?'}"
            yield passed(
                s,
                f"{h.hypervisor}: bare-metal VMkernel, no host OS, on {machine[:80]}",
                esx.source,
            )


#: DMI vendor prefixes of virtual platforms (systemd src/basic/virt.c dmi_vendor_table, less
#: "Amazon EC2", whose metal instances are physical machines; "Google Compute Engine", GCE's
#: product name, from VMAware's DMI table).
VIRTUAL_VENDORS = (
    "KVM",
    "OpenStack",
    "KubeVirt",
    "QEMU",
    "VMware",
    "VMW",
    "innotek GmbH",
    "Xen",
    "Bochs",
    "Parallels",
    "BHYVE",
    "Hyper-V",
    "Apple Virtualization",
    "VirtualBox",
    "Google Compute Engine",
)


def _virtual_platform(system: object) -> str:
    """The virtual platform a host's hardware.systemInfo names ("vendor model"), or ""."""
    if not isinstance(system, dict):
        return ""
    vendor = str(system.get("vendor") or "").strip()
    model = str(system.get("model") or "").strip()
    virtual = (
        any(x.startswith(VIRTUAL_VENDORS) for x in (vendor, model))
        or model == "VirtualBox"
        or (vendor == "Microsoft Corporation" and model == "Virtual Machine")
    )
    return f"hardware.systemInfo: {vendor} {model}"[:120] if virtual else ""


def _manual_each(ctx: Context, message: str) -> Iterator[Outcome]:
    """One manual item per ESXi host, asking the check's own question."""
    for h, esx in _esx_hosts(ctx):
        yield manual(host_subject(h), message, esx.source)


@check(
    id="HVA-437",
    title="VM activity is monitored and policy enforced (VMware)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={
        "sp800-125a-2014": ["HY-SR-11"],
        "sp800-125a-r1": ["HY-SR-14", "HY-SR-16"],
        "sp800-125b": ["VM-TM-R1"],
    },
    remediation="Deploy malware and intrusion detection for the VMs (for example NSX Distributed "
    "IDS/IPS and Malware Prevention, or an EDR in each guest) with automatic updates and "
    "alerting.",
    automation="manual",
    question="Does a monitoring mechanism detect malicious processes and traffic for every VM on "
    "this host, with signatures updated automatically? Evidence: the tool (NSX Distributed "
    "IDS/IPS and NSX Malware Prevention, or an EDR in each guest), its coverage list of this "
    "host's VMs (the NSX rules' applied-to groups, or the EDR console's inventory) and its last "
    "signature update. Pass: every VM covered and updates automatic; fail: any VM uncovered or "
    "signatures updated by hand.",
    platforms=ESX,
)
def vm_monitoring(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-11: a mechanism detects malicious processes in VMs and malicious traffic in and out of
    them. Nothing in the vSphere inventory says whether one is deployed."""
    yield from _manual_each(ctx, "the vSphere API does not show security monitoring of the VMs")


@check(
    id="HVA-438",
    title="VM monitoring runs outside the guests through introspection (VMware)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-12"], "sp800-125a-r1": ["HY-SR-15"]},
    remediation="Use hypervisor-level monitoring (NSX Guest Introspection with a partner "
    "Service VM) rather than in-guest agents alone; keep the dvFilter API unbound "
    "(Net.DVFilterBindIpAddress empty) unless such an appliance uses it.",
    automation="manual",
    question="Is every VM on this host monitored from outside its guest through NSX Guest "
    "Introspection (the partner's Service VM on the host scans; the thin agent in the guest only "
    "forwards file, process and network events)? Evidence: the NSX endpoint protection service "
    "deployment for this host's cluster with its Service VM on this host, the rule that applies "
    "it to the VMs, and each VM's thin agent reported running (the NSX File Introspection driver "
    "of VMware Tools on Windows; the separate Guest Introspection package on Linux). Pass: every "
    "VM is covered by a rule served by the Service VM on its host; fail: any VM is not, or "
    "monitoring runs only inside the guests.",
    platforms=ESX,
)
def introspection(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-12: monitoring from outside the VMs (a security virtual appliance using the
    hypervisor's introspection API) survives a compromised guest. On vSphere that is NSX Guest
    Introspection; the legacy dvFilter network API (Net.DVFilterBindIpAddress, vSphere 8 STIG
    ESXI-80-000219) is shown as evidence."""
    for h, esx in _esx_hosts(ctx):
        bound = _option(esx, "Net.DVFilterBindIpAddress")
        state = (
            "Net.DVFilterBindIpAddress not reported"
            if bound is None
            else f"dvFilter API bound to {bound}"
            if str(bound).strip()
            else "dvFilter API not bound"
        )
        yield manual(
            host_subject(h),
            f"introspection is not visible in the vSphere API ({state})",
            esx.source,
        )


@check(
    id="HVA-480",
    title="The introspection Service VM is itself isolated, least-privileged and patched (VMware)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-12"], "sp800-125a-r1": ["HY-SR-15"]},
    remediation="Keep the partner Service VM at the partner's current release (upgrade it through "
    "NSX Manager), give it no adapter on VM networks beyond what the partner requires, and let "
    "only the security team change it or open its console.",
    automation="manual",
    question="Is the partner Service VM that introspects this host's VMs hardened: at the "
    "partner's current release, connected only to the networks the partner requires, and "
    "changeable only by the security team? Evidence: the service deployment's status and version "
    "in NSX Manager against the partner's latest release, the Service VM's network adapters, and "
    "the vCenter roles that may change it or open its console. Pass: yes, all three; fail: it is "
    "out of date, reachable from VM networks it does not need, or administered by others.",
    platforms=ESX,
)
def introspection_appliance_hardened(ctx: Context) -> Iterator[Outcome]:
    """2014 HY-SR-12 and Rev. 1 HY-SR-15 put the monitoring in a security virtual appliance in a
    hardened, trusted VM. On vSphere that is the partner's Service VM that NSX Manager deploys on
    each host through the ESX Agent Manager (NSX administration guide, "Key Concepts" of the
    Guest Introspection platform); it sees every protected guest's events, so its own compromise
    reaches them all. Its version, networks and administrators are not read."""
    yield from _manual_each(
        ctx, "the partner Service VM's version, networks and roles are not read"
    )


@check(
    id="HVA-439",
    title="A gold host configuration is applied and checked (Host Profiles / Configuration Profiles)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-17"], "sp800-125a-r1": ["HY-SR-19"]},
    remediation="Attach a Host Profile (or a vSphere Configuration Profile on 8.0 Update 1 and "
    "later) holding the hardened settings to every cluster and check compliance on a schedule.",
    automation="manual",
    question="Is this host compliant, at a scheduled compliance check, with a Host Profile or "
    "vSphere Configuration Profile that holds the site's hardened settings? Evidence: the profile "
    "attached to this host or its cluster and its latest compliance result with its date (Host "
    "Profiles: Policies and Profiles > Host Profiles > Check Host Profile Compliance; "
    "Configuration Profiles: the cluster's desired configuration and its host compliance), and "
    "the schedule of the check. Pass: compliant at the latest scheduled check; fail: no profile, "
    "non-compliant or unknown, or no scheduled check.",
    platforms=ESX,
)
def gold_configuration(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-17: define a gold configuration, apply it automatically and check compliance. vSphere
    does this with Host Profiles or vSphere Configuration Profiles; hvaudit does not read their
    compliance state."""
    yield from _manual_each(ctx, "Host Profile or Configuration Profile compliance is not read")


@check(
    id="HVA-440",
    title="Every standard vSwitch with port groups has two or more physical uplinks",
    scope="network",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-22"]},
    remediation="Add a second physical NIC (on another physical switch) to the vSwitch and make it "
    "active or standby in the teaming policy.",
    platforms=ESX,
)
def redundant_uplinks(ctx: Context) -> Iterator[Outcome]:
    """HY-SR-22: more than one path from a VM to the enterprise network. The vSwitch's bridge
    (spec.bridge.nicDevice) lists its physical uplinks; of those, only the ones in its teaming
    order (spec.policy.nicTeaming.nicOrder, active or standby) ever carry traffic: an uplink in
    neither list is unused (HostNicOrderPolicy, R6-2). A port group may set its own order
    (HostPortGroupSpec.policy.nicTeaming.nicOrder; HostNetworkPolicy: what a port group leaves
    unset it inherits from its vSwitch), and ESXi reports the one its traffic uses as
    HostPortGroup.computedPolicy: each port group's VMs have two paths only if its effective
    order holds two of the switch's uplinks. An uplink whose link is down carries nothing
    (HostPhysicalNic.linkSpeed: "If this object is not set, then the link is down", pyVmomi
    docs vim/host/PhysicalNic.rst; the collector's `no_link`): it is no second path (R47E-2:
    two uplinks, one unplugged, passed). A distributed switch's uplinks on the host are its
    HostProxySwitch's `pnic` (config.network.proxySwitch): one, or none other with a link,
    fails (R47E-3: such a host's distributed switches were neither judged nor asked, and a host
    with no standard switch was "not applicable"); with two or more, each distributed port
    group's teaming order (uplinkPortOrder) is judged through the uplink ports' NICs on the
    host, as a standard port group's is (R51V-1, `_dv_portgroup_teams`), and asked where a
    bundle of an older collector does not hold it. Where the collector asked
    for config.network.pnic and it was not reported (`no_link` None), a team that passes on its
    order is asked about its links; a record of an older collector, without `no_link`, is judged
    on the teaming order alone (R48E-2, the team's decision of round 47). An uplink that a
    reported config.network.pnic does not list has no linkSpeed read: its link is unknown, and
    a team whose second uplink with a link rests on one is asked the same question (R49E-1:
    such a switch passed; the collector's `no_report`, absent in an older collector's record,
    which is read as before). A switch's own order not reported (the collector's `failover`
    None) is unread, not every bridge NIC active: "For a virtual switch, the NicOrderPolicy
    property is never null when retrieved from the server" (HostNicOrderPolicy); where a port
    group inherits it, the switch is asked (R52V-1: such a switch passed on its bridge)."""
    for h, esx in _esx_hosts(ctx):
        if esx.switches is None:
            s = _switch_subject("(standard switches)", h.name, "vswitch")
            gap = _gap("config.network.vswitch", esx.source)
            yield unknown(s, gap, "each vSwitch has two uplinks")
            continue
        for sw in esx.switches:
            name = str(sw.get("name", ""))
            s = _switch_subject(name, h.name, "vswitch")
            src = Source(esx.source.artefact, f"vswitch {name}")
            nics = [str(n) for n in sw.get("nics") or []]
            order = sw.get("failover")
            unused = (
                [n for n in nics if n not in {str(x) for x in order}]
                if isinstance(order, list)
                else []
            )
            used = [n for n in nics if n not in unused]
            no_link = sw.get("no_link")
            down = {str(n) for n in no_link} if isinstance(no_link, list) else set()
            no_report = sw.get("no_report")
            unseen = {str(n) for n in no_report} if isinstance(no_report, list) else set()
            own = _portgroup_orders(sw)
            short = [
                f"port group {pg} fails over to no second uplink: "
                f"{', '.join(n for n in nics if n in pg_order) or 'none'} active or standby, "
                f"{', '.join(n for n in nics if n not in pg_order)} unused (its own teaming order)"
                for pg, pg_order in own
                if sum(n in pg_order for n in nics) < 2
            ] + [
                f"port group {pg} fails over to no second uplink with a link: "
                + _linkless(nics, pg_order, down, unseen)
                for pg, pg_order in own
                if sum(n in pg_order for n in nics) >= 2
                and sum(n in pg_order and n not in down for n in nics) < 2
            ]
            if nics and len(nics) > 1 and isinstance(sw.get("portgroups"), list):
                groups = [str(pg.get("name")) for pg in sw["portgroups"] if isinstance(pg, dict)]
                overridden = {pg for pg, _ in own}
                if len(used) < 2 and groups and not set(groups) - overridden:
                    used = nics  # every port group sets its own order: the switch's is unused
                if short:
                    yield failed(s, f"standard switch {name}: {'; '.join(short)}", src)
                    continue
            if not nics:
                yield not_applicable(s, f"standard switch {name} has no uplink (internal only)")
            elif len(nics) == 1:
                yield failed(s, f"standard switch {name} has one uplink ({nics[0]})", src)
            elif len(used) < 2:
                yield failed(
                    s,
                    f"standard switch {name} fails over to no second uplink: "
                    f"{', '.join(used) or 'none'} active or standby, {', '.join(unused)} unused",
                    src,
                )
            elif sum(n not in down for n in used) < 2:
                yield failed(
                    s,
                    f"standard switch {name} fails over to no second uplink with a link: "
                    + _linkless(nics, used, down, unseen),
                    src,
                )
            else:
                extra = "".join(
                    f"; port group {pg}: {', '.join(n for n in nics if n in pg_order)}"
                    for pg, pg_order in own
                )
                heirs = _heirs(sw, own)
                if "failover" in sw and order is None and heirs is not None:
                    # R52V-1: the collector read the switch and its nicOrder was not reported;
                    # "For a virtual switch, the NicOrderPolicy property is never null when
                    # retrieved from the server" (vSphere Web Services API HostNicOrderPolicy):
                    # an order not reported is unread, not "every bridge NIC active", and the
                    # port groups that set none inherit it
                    yield manual(
                        s,
                        f"standard switch {name} has uplinks {', '.join(nics)}{extra}; its "
                        "teaming order (spec.policy.nicTeaming.nicOrder) is not reported"
                        + (f", which port groups {', '.join(heirs)} inherit" if heirs else ""),
                        src,
                        question=f"Does the teaming and failover order of standard switch "
                        f"{name} on host {h.name} hold two or more of its uplinks ("
                        f"{', '.join(nics)}) with a link, active or standby"
                        + (f" (inherited by port groups {', '.join(heirs)})" if heirs else "")
                        + "? Evidence: the switch's Active and Standby adapters (Host > "
                        "Configure > Virtual switches > the switch > Edit > Teaming and "
                        f"failover, or `esxcli network vswitch standard policy failover get -v "
                        f"{name}`) and each adapter's link (`esxcfg-nics -l`). Pass: two or "
                        "more, each with a link; fail: one, the others unused or without a link.",
                    )
                    continue
                if "no_link" in sw and no_link is None:
                    # R48E-2: the collector asked for config.network.pnic and it was not
                    # reported: whether these uplinks have a link is not known (a record of an
                    # older collector, without the key, is judged on the teaming as before)
                    yield manual(
                        s,
                        f"standard switch {name} uplinks: {', '.join(used)}{extra}; their link "
                        "state is not in the evidence (config.network.pnic not reported)",
                        src,
                        question=_link_question(f"standard switch {name}", h.name, used, own),
                    )
                    continue
                gaps = _unreported_teams(nics, used, own, down, sw.get("no_report"))
                if gaps:
                    # R49E-1: a second uplink with a link rests on one config.network.pnic
                    # does not list, whose link was never read
                    yield manual(
                        s,
                        f"standard switch {name} uplinks: {', '.join(used)}{extra}; "
                        f"{', '.join(gaps)} not among the host's reported physical adapters "
                        "(config.network.pnic): their link state is not in the evidence",
                        src,
                        question=_link_question(f"standard switch {name}", h.name, used, own),
                    )
                    continue
                yield passed(s, f"standard switch {name} uplinks: {', '.join(used)}{extra}", src)
        yield from _distributed_uplinks(h.name, esx, _distributed(ctx))


def _link_question(
    switch: str, host: str, used: list[str], own: list[tuple[str, list[str]]]
) -> str:
    """HVA-440's question where the uplinks' link state was asked for and not reported
    (R48E-2): two or more of each teaming order with a link."""
    orders = "".join(f"; port group {pg}: {', '.join(n for n in pg_order)}" for pg, pg_order in own)
    return (
        f"Do two or more uplinks of each teaming order of {switch} on host {host} ("
        f"{', '.join(used)}{orders}) have a link? Evidence: each physical adapter's link on "
        "the host (Host > Configure > Physical adapters, its actual speed, or `esxcfg-nics -l`; "
        "HostPhysicalNic.linkSpeed, not set where the link is down). Pass: yes, two or more of "
        "each order with a link; fail: an order with one or none with a link."
    )


def _distributed_uplinks(
    host: str, esx: VmwareHost, dvs: tuple[dict[str, Any], Source] | None
) -> Iterator[Outcome]:
    """HVA-440 of each distributed switch the host is part of (the collector's
    `proxy_switches`, HostProxySwitch dvsName and pnic; R47E-3). Where two or more have a
    link, each of the switch's port groups (vCenter's dvs.json, the uplink port group aside)
    is judged as a standard port group is (R51V-1, the team's decision of round 51): its
    `uplink_order` (uplinkPortOrder, active then standby uplink port names, the effective
    values) mapped to this host's NICs through the proxy switch's `uplink_ports`; a port
    group with fewer than two of them with a link fails, and one whose order or mapping is not
    in the evidence (an older collector's bundle, an uplink name such as a LAG's that is no
    uplink port of the host, a NIC config.network.pnic does not list) is asked. Where the
    ports may override the port group's order (uplinkTeamingOverrideAllowed), each port's own
    order the collector fetched (`port_orders`) is judged the same way (R52V-4); ports not
    read are asked (R51V-3)."""
    for ps in esx.proxy_switches or []:
        if not isinstance(ps, dict):
            continue
        name = str(ps.get("name", ""))
        s = _switch_subject(name, host, "dvs")
        src = Source(esx.source.artefact, f"proxy switch {name}")
        nics = [str(n) for n in ps.get("nics") or []]
        no_link = ps.get("no_link")
        down = {str(n) for n in no_link} if isinstance(no_link, list) else set()
        no_report = ps.get("no_report")
        unseen = {str(n) for n in no_report} if isinstance(no_report, list) else set()
        if not nics:
            yield not_applicable(
                s, f"distributed switch {name} has no uplink on host {host} (internal only)"
            )
        elif len(nics) == 1:
            yield failed(
                s, f"distributed switch {name} has one uplink on host {host} ({nics[0]})", src
            )
        elif sum(n not in down for n in nics) < 2:
            yield failed(
                s,
                f"distributed switch {name} has no second uplink with a link on host {host}: "
                + _linkless(nics, nics, down, unseen),
                src,
            )
        elif judged := _dv_portgroup_teams(s, name, host, nics, down, unseen, ps, dvs, src):
            yield judged
        else:
            yield manual(
                s,
                f"distributed switch {name} has uplinks {', '.join(nics)} on host {host}; which "
                "of them each of its port groups' teaming uses is not in the evidence",
                src,
                question=f"Does every port group of distributed switch {name} use two or more "
                f"of its uplinks on host {host} ({', '.join(nics)}), active or standby? "
                "Evidence: each distributed port group's teaming and failover order (the "
                "port group > Configure > Policies, or config.defaultPortConfig."
                "uplinkTeamingPolicy.uplinkPortOrder) and which vmnic backs each uplink on the "
                "host (Host > Configure > Virtual switches). Pass: yes, two or more, each with "
                "a link; fail: a port group has one uplink active or standby, the others unused.",
            )


def _dv_portgroup_teams(
    s: Subject,
    name: str,
    host: str,
    nics: list[str],
    down: set[str],
    unseen: set[str],
    ps: dict[str, Any],
    dvs: tuple[dict[str, Any], Source] | None,
    src: Source,
) -> Outcome | None:
    """HVA-440 of distributed switch `name` on `host` from its port groups' teaming (R51V-1):
    None where the evidence holds no port group order to judge (an older collector: asked as
    before)."""
    ports = ps.get("uplink_ports")
    uuid = str(ps.get("uuid") or "")
    # R51V-4: the port groups of this switch by its uuid (HostProxySwitch.dvsUuid, "The uuid of
    # the DistributedVirtualSwitch that the HostProxySwitch is a part of"), a switch of the
    # same name in another datacenter aside; by name where either record has no uuid
    groups = [
        pg
        for pg in (dvs[0].get("portgroups") if dvs is not None else None) or []
        if isinstance(pg, dict)
        and (
            str(pg.get("switch_uuid")) == uuid
            if uuid and pg.get("switch_uuid")
            else str(pg.get("switch", "")) == name
        )
        and pg.get("uplink") is not True
    ]
    if not groups or not any("uplink_order" in pg for pg in groups):
        return None
    short: list[str] = []
    unknown_: list[str] = []
    teams: list[str] = []
    for pg in groups:
        pg_name = str(pg.get("name", ""))
        order = pg.get("uplink_order")
        if not isinstance(order, list) or not isinstance(ports, dict):
            what = (
                "its teaming order (uplinkPortOrder) is not reported"
                if not isinstance(order, list)
                else "which NIC backs each uplink port on the host (HostProxySwitch.uplinkPort, "
                "spec.backing.pnicSpec) is not reported"
            )
            unknown_.append(f"port group {pg_name}: {what}")
            continue
        kind, text = _dv_order(order, ports, nics, down, unseen)
        overrides = pg.get("overrides")
        free = (
            overrides.get("uplinkTeamingOverrideAllowed") if isinstance(overrides, dict) else None
        )
        port_orders = pg.get("port_orders")
        if kind == "ok" and free is False:
            teams.append(f"port group {pg_name}: {text}")
        elif kind == "ok" and free is True and isinstance(port_orders, list):
            # R52V-4: the ports' own orders, collected (FetchDVPorts inside the port group,
            # each DistributedVirtualPort's config.setting.uplinkTeamingPolicy), each judged as
            # the port group's is
            own: list[tuple[str, str, str]] = []
            # R52V-5: a port is this host's evidence only where this host services it
            # (DistributedVirtualPort.proxyHost, "HostSystem that services this port", pyVmomi
            # docs/vim/dvs/DistributedVirtualPort.rst): a port on another host is judged on
            # that host; one whose host (or this host's id) is not reported is asked
            this = ps.get("host")
            for port in port_orders:
                if not isinstance(port, dict):
                    continue
                key = str(port.get("key", ""))[:40]
                p_order = port.get("uplink_order")
                p_host = port.get("host")
                if not isinstance(this, str) or not isinstance(p_host, str):
                    own.append(
                        (
                            key,
                            "unread",
                            "the host that services it (DistributedVirtualPort.proxyHost) is "
                            "not reported"
                            if not isinstance(p_host, str)
                            else "this host's managed object id is not recorded",
                        )
                    )
                elif p_host != this:
                    continue
                else:
                    own.append(
                        (key, *_dv_order(p_order, ports, nics, down, unseen))
                        if isinstance(p_order, list)
                        else (
                            key,
                            "unread",
                            "its own teaming order (uplinkPortOrder) is not reported",
                        )
                    )
            short += [
                f"port group {pg_name} port {key} fails over to no second uplink with a link: "
                + p_text
                for key, p_kind, p_text in own
                if p_kind == "short"
            ]
            unknown_ += [
                f"port group {pg_name} port {key}: {p_text}"
                for key, p_kind, p_text in own
                if p_kind in ("open", "unread")
            ]
            if all(p_kind == "ok" for _, p_kind, _ in own):
                teams.append(f"port group {pg_name}: {text} (its {len(own)} ports' own orders too)")
        elif kind == "ok":
            # R51V-3: a port that may override the port group's teaming order may use one
            # uplink whatever the order (VMwareDVSPortgroupPolicy.uplinkTeamingOverrideAllowed);
            # the ports' own settings were not collected (R52V-4: an older collector, or the
            # fetch failed or was cut at MAX_DV_PORTS)
            unknown_.append(
                f"port group {pg_name}: {text}, but "
                + (
                    "each port may override this teaming order (uplinkTeamingOverrideAllowed)"
                    if free is True
                    else "whether its ports may override this teaming order "
                    "(uplinkTeamingOverrideAllowed) is not reported"
                )
            )
        elif kind == "open":
            unknown_.append(f"port group {pg_name}: {text}")
        else:
            short.append(f"port group {pg_name} fails over to no second uplink with a link: {text}")
    if short:
        return failed(s, f"distributed switch {name} on host {host}: {'; '.join(short)}", src)
    if unknown_:
        return manual(
            s,
            f"distributed switch {name} has uplinks {', '.join(nics)} on host {host}; "
            + "; ".join(unknown_),
            src,
            question=f"Does every port group of distributed switch {name} use two or more "
            f"of its uplinks with a link on host {host} ({', '.join(nics)}), active or standby? "
            f"Open: {'; '.join(unknown_)}. Evidence: each distributed port group's teaming and "
            "failover order (the port group > Configure > Policies, or config.defaultPortConfig."
            "uplinkTeamingPolicy.uplinkPortOrder) and, where its ports may override it (config."
            "policy.uplinkTeamingOverrideAllowed), each port's own order, which vmnic backs each "
            "uplink or LAG on the host (Host > Configure > Virtual switches) and each vmnic's "
            "link. Pass: yes, two or more, each with a link; fail: a port group or port has one "
            "uplink with a link active or standby.",
        )
    return passed(
        s,
        f"distributed switch {name} uplinks on host {host}: {', '.join(nics)}; " + "; ".join(teams),
        src,
    )


def _dv_order(
    order: list[Any], ports: dict[str, Any], nics: list[str], down: set[str], unseen: set[str]
) -> tuple[str, str]:
    """A distributed teaming order (uplink port names, active then standby) on the host whose
    uplink ports' NICs are `ports`: ("ok", the uplinks named) where two or more are backed by
    a NIC with a link; ("open", what is unknown) where the rest rests on an uplink name or a
    link not in the evidence; ("short", the uplinks named and their links) otherwise."""
    # an uplink port with no NIC recorded where a NIC of the switch maps to no uplink port
    # (pnicSpec.uplinkPortKey is optional) may be backed by that NIC
    loose = [n for n in nics if n not in ports.values()]
    gap = "no NIC recorded" if loose else "no NIC on this host"
    names = [str(x) for x in order]
    named = [
        f"{u} ({ports[u] or gap})" if u in ports else f"{u} (no uplink port of the host)"
        for u in names
    ]
    team = list(dict.fromkeys(str(ports[u]) for u in names if ports.get(u)))
    # a NIC the backing names that the proxy switch's pnic does not list has no link read
    up = [n for n in team if n in nics and n not in down and n not in unseen]
    strange = [u for u in names if u not in ports or (loose and not ports[u])]
    hidden = [n for n in team if (n in unseen or n not in nics) and n not in down]
    if len(up) >= 2:
        return "ok", ", ".join(named)
    if strange or hidden:
        return "open", ", ".join(named) + (
            f"; {', '.join(loose)} on no recorded uplink port"
            if loose and any(u in ports for u in strange)
            else ""
        ) + (
            f"; {', '.join(hidden)} not among the host's reported physical adapters "
            "(config.network.pnic, HostProxySwitch.pnic): link unknown"
            if hidden
            else ""
        )
    return "short", f"{', '.join(named) or 'none'} active or standby" + (
        f" ({_linkless(nics, team, down, unseen)})" if set(team) & down else ""
    )


def _unreported_teams(
    nics: list[str],
    used: list[str],
    own: list[tuple[str, list[str]]],
    down: set[str],
    no_report: object,
) -> list[str]:
    """HVA-440's uplinks whose link is unknown where a team needs them (R49E-1): the switch's
    uplinks config.network.pnic does not list (the collector's `no_report`; no linkSpeed was
    read for them, and linkSpeed unset is the only link state the API gives, HostPhysicalNic,
    pyVmomi docs vim/host/PhysicalNic.rst), each of a team (the switch's order or a port
    group's own) with fewer than two uplinks known to have a link. None of them where the
    record has no `no_report` (an older collector: judged as before)."""
    if not isinstance(no_report, list):
        return []
    unseen = {str(n) for n in no_report}
    gaps: list[str] = []
    for order in [used, *(pg_order for _, pg_order in own)]:
        team = [n for n in nics if n in order and n not in down]
        if sum(n not in unseen for n in team) < 2:
            gaps += [n for n in team if n in unseen and n not in gaps]
    return [n for n in nics if n in gaps]


def _linkless(
    nics: list[str], order: list[str], down: set[str], unseen: set[str] | None = None
) -> str:
    """HVA-440's account of a team whose second uplink has no link: the uplinks of `order` with
    a link, then those whose link is down (R47E-2), then those config.network.pnic does not
    list, whose link is unknown (`unseen`; R49E-2: they were named "with a link")."""
    unseen = unseen or set()
    up = [n for n in nics if n in order and n not in down and n not in unseen]
    gone = [n for n in nics if n in order and n in down]
    unknown = [n for n in nics if n in order and n not in down and n in unseen]
    return (
        f"{', '.join(up) or 'none'} with a link, {', '.join(gone)} with none "
        "(linkSpeed not set: the link is down)"
        + (
            f", {', '.join(unknown)} not among the reported physical adapters (link unknown)"
            if unknown
            else ""
        )
    )


def _heirs(switch: dict[str, Any], own: list[tuple[str, list[str]]]) -> list[str] | None:
    """The port groups of a standard switch record that inherit the switch's teaming order
    (those not in `own`); None where every one of its port groups sets its own, so that the
    switch's order carries no traffic (R52V-1)."""
    groups = [
        str(pg.get("name", "")) for pg in switch.get("portgroups") or [] if isinstance(pg, dict)
    ]
    mine = {pg for pg, _ in own}
    heirs = [pg for pg in groups if pg not in mine]
    return None if groups and not heirs else heirs


def _portgroup_orders(switch: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The port groups of a standard switch record that set their own teaming order, each with
    that order (the collector's `portgroups`, failover None where the switch's applies)."""
    return [
        (str(pg.get("name", "")), [str(n) for n in pg["failover"]])
        for pg in switch.get("portgroups") or []
        if isinstance(pg, dict) and isinstance(pg.get("failover"), list)
    ]


# ---------------------------------------------------------------------------------------------
# Per VM: vMotion encryption, encryption at rest, snapshots


@check(
    id="HVA-441",
    title="The VM's vMotion is encrypted",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-r1": ["HY-SR-13"]},
    remediation="VM > Edit Settings > VM Options > Encryption: set Encrypted vMotion to Required "
    "(or Opportunistic).",
    platforms=ESX,
)
def encrypted_vmotion(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-13: a migrating VM's memory travels over a secure connection. vSphere 8 STIG
    VMCH-80-000203 (config.migrateEncryption opportunistic or required; the API's default is
    opportunistic). Rendered into the .vmx as migrate.encryptionMode; absent = not reported."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        mode = vm.settings.get("migrate.encryptionmode")
        ref = vm.at("migrate.encryptionMode")
        if mode is None:
            gap = Fact[bool].unavailable(
                "config.migrateEncryption (migrate.encryptionMode) not reported", ref
            )
            yield unknown(s, gap, "encrypted vMotion is opportunistic or required")
        elif mode.strip().lower() in ("opportunistic", "required"):
            yield passed(s, f"encrypted vMotion {mode.strip()}", ref)
        else:
            yield failed(s, f"encrypted vMotion {mode.strip()[:20]}", ref)


@check(
    id="HVA-442",
    title="The VM is encrypted at rest (VM encryption)",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-10"]},
    interpretations={
        "sp800-125a-2014:HY-SR-10": (
            "HY-SR-10 protects the image library (off the host, access control, signatures); "
            "hvaudit applies the same protection to a VM's own files on the datastore."
        ),
    },
    remediation="Apply a VM encryption storage policy (a key provider must be configured), or "
    "record the storage-level encryption that protects the VM's files.",
    automation="manual",
    question="Are the files of this VM (disks, .vmx, swap, snapshots) encrypted at rest by the "
    "datastores that hold them? Evidence: the VM's datastores and, for each, vSAN's data-at-rest "
    "encryption setting (the cluster's vSAN Services) or the storage array's encryption report. "
    "Pass: yes for every datastore holding its files; fail: any datastore unencrypted (apply a VM "
    "encryption storage policy, or record the accepted risk as a waiver).",
    platforms=ESX,
)
def vm_encryption(ctx: Context) -> Iterator[Outcome]:
    """VM files (disks, memory snapshots, the .vmx) copied off a datastore are readable unless the
    VM is encrypted. An encrypted VM reports config.keyId (rendered hvaudit.encryption.keyId; an
    offline .vmx carries encryption.keySafe). Unencrypted is not a failure by itself: the files may
    be protected by vSAN or array encryption, which the API does not show per VM.

    config.keyId and encryption.keySafe are the VM Home files' key: a vTPM "depends on virtual
    machine encryption ... When you configure a vTPM, the virtual machine files are encrypted but
    not the disks" (vSphere 8.0 Virtual Machine Administration, "Virtual Trusted Platform Module
    Overview", read with `search`). Each disk has its own key (VirtualDiskFlatVer2BackingInfo.keyId,
    rendered as the counts hvaudit.encryption.disks and .disksEncrypted): the VM passes only when
    every disk is encrypted too; an offline .vmx does not show its disks' keys."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        key = vm.settings.get("hvaudit.encryption.keyid")
        if key is None and vm.settings.get("encryption.keysafe") is None:
            yield manual(s, "not encrypted with VM encryption", vm.at("hvaudit.encryption.keyId"))
            continue
        ref = vm.at("hvaudit.encryption.keyId" if key is not None else "encryption.keySafe")
        disks = _int(vm.settings.get("hvaudit.encryption.disks") or "")
        sealed = _int(vm.settings.get("hvaudit.encryption.disksencrypted") or "")
        home = f"VM Home encrypted (key {key or 'in the key safe'})"
        if key is None or disks is None or sealed is None:
            yield manual(s, f"{home}; whether its disks are is not in the evidence", ref)
        elif sealed < disks:
            yield manual(
                s,
                f"{home}; {disks - sealed} of {disks} disk(s) not encrypted with VM encryption",
                ref,
                vm.at("hvaudit.encryption.disks"),
            )
        else:
            yield passed(s, f"encrypted (key {key}), and each of its {disks} disk(s)", ref)


SNAPSHOTS_MAX = 3
SNAPSHOT_AGE_HOURS = 72
"""VMware KB 1025279, "Best practices for virtual machine snapshots in the VMware environment",
as quoted by sites that follow it (e.g. California State University San Bernardino ITS KB
222831; University of Toronto EIS VSS "Snapshot Management"): "VMware recommends only a maximum
of 32 snapshots in a chain. However, for a better performance, use only 2 to 3 snapshots" and
"Do not use a single snapshot for more than 24-72 hours". hvaudit takes the upper ends: at most
3 snapshots, none older than 72 hours. (The KB itself was not reachable from this project's
sources; the two quotes agree with each other.)"""


@check(
    id="HVA-443",
    title="The VM keeps few snapshots, none older than 72 hours",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-10"]},
    interpretations={
        "sp800-125a-2014:HY-SR-10": (
            "HY-SR-10 keeps images and dormant VMs controlled; hvaudit counts old snapshots, "
            "which keep outdated disk and memory contents beside the VM, against it."
        ),
    },
    remediation="Delete (consolidate) snapshots older than 72 hours and keep at most three; use "
    "backups, not snapshots, for retention.",
    platforms=ESX,
)
def snapshots(ctx: Context) -> Iterator[Outcome]:
    """Snapshots grow until they fill the datastore (every VM on it stops) and keep old disk and
    memory contents, patched vulnerabilities and removed data included, beside the running VM.
    The age is taken at collection time. A creation time after the collection (vCenter's
    VirtualMachineSnapshotTree.createTime against the collector's clock) shows the two clocks
    disagree by an amount not in the evidence: the age is asked, not passed (R45V-2)."""
    collected = _utc(ctx.deployment.collected_at)
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        count = _int(vm.settings.get("hvaudit.snapshot.count") or "")
        ref = vm.at("hvaudit.snapshot.count")
        if count is None:
            gap = Fact[bool].unavailable(
                "the VM's snapshots (VirtualMachine.snapshot; a .vmx does not list them)", ref
            )
            yield unknown(s, gap, f"at most {SNAPSHOTS_MAX} snapshots, none over 72 hours")
            continue
        oldest = _utc(vm.settings.get("hvaudit.snapshot.oldest") or "")
        bad = []
        if count > SNAPSHOTS_MAX:
            bad.append(f"{count} snapshots (more than {SNAPSHOTS_MAX})")
        if count and oldest is not None and collected is not None and oldest > collected:
            # R45V-2: a snapshot "taken" after the collection proves the clocks disagree, by an
            # amount the evidence does not give: its age is unknown, not under 72 hours
            if not bad:
                gap = Fact[bool].unavailable(
                    f"the oldest snapshot's creation time {oldest.isoformat()} is after the "
                    f"collection ({collected.isoformat()}): the clocks disagree",
                    ref,
                )
                yield unknown(
                    s,
                    gap,
                    "Is every snapshot of this VM younger than 72 hours? Evidence: the vSphere "
                    "Client, the VM's Snapshots > Manage Snapshots (each snapshot's creation "
                    "time) read against the vCenter and host clocks (their NTP state). Pass: "
                    "yes; fail: one is older.",
                )
                continue
        elif count and oldest is not None and collected is not None:
            hours = (collected - oldest).total_seconds() / 3600
            if hours > SNAPSHOT_AGE_HOURS:
                bad.append(f"oldest snapshot {hours / 24:.0f} days old")
        elif count and (oldest is None or collected is None) and not bad:
            gap = Fact[bool].unavailable("the snapshots' creation time", ref)
            yield unknown(s, gap, "no snapshot older than 72 hours")
            continue
        if bad:
            yield failed(s, "; ".join(bad), ref)
        else:
            yield passed(s, f"{count} snapshot(s), none older than {SNAPSHOT_AGE_HOURS} hours", ref)


def _utc(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
