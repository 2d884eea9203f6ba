"""Checks for what exists only on VMware ESXi: a VM's advanced settings (.vmx / extraConfig).

Key names and secure values are the ones VMware's vSphere Security Configuration Guide and the
DISA vSphere 8 STIG (VMCH-80-*) check; keys compare case-insensitively (the guides spell some
differently). Where the default is secure an absent key passes, and the evidence says it was absent.
"""

from __future__ import annotations

from collections.abc import Iterator

from hvaudit.checks.base import (
    Context,
    Outcome,
    Severity,
    check,
    failed,
    passed,
    vm_subject,
)
from hvaudit.model import Vm, VmwareVm

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
SETINFO_LIMIT = "1048576"


def _vmware(ctx: Context) -> Iterator[tuple[Vm, VmwareVm]]:
    for v in ctx.deployment.vms:
        if v.vmware is not None:
            yield v, v.vmware


def _false(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("false", "no", "0", "off")


@check(
    id="HVA-401",
    title="VMware Tools cannot copy, paste, drag, shrink or wipe disks, or disconnect devices",
    scope="vm",
    severity=Severity.MEDIUM,
    function="HY-BF2",
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    threats=("HYP-T1",),
    remediation="Remove the listed isolation.* keys from the VM's advanced settings, or set them to "
    "TRUE (VM > Edit Settings > Advanced Parameters; takes effect at the next power-on).",
    platforms=ESX,
)
def tools_isolation(ctx: Context) -> Iterator[Outcome]:
    """Each of these is a channel from the guest into the VMX process on the host: clipboard and
    drag-and-drop transfers, disk shrinking and wiping (host I/O on demand: starvation), and
    unprivileged guest users disconnecting the VM's NIC or CD drive."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        opened = [k for k in ISOLATION_KEYS if _false(vm.settings.get(k.lower()))]
        if opened:
            yield failed(s, f"set to FALSE: {', '.join(opened)}", *(vm.at(k) for k in opened))
        else:
            yield passed(
                s,
                "every isolation key is TRUE or absent (VMware's default is TRUE)",
                *(vm.at(k) for k in ISOLATION_KEYS),
            )


@check(
    id="HVA-402",
    title="VMware Tools cannot grow the VM's configuration or read host details",
    scope="vm",
    severity=Severity.LOW,
    function="HY-BF2",
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    threats=("HYP-T1", "HYP-T3"),
    remediation="Set tools.setInfo.sizeLimit = 1048576 (or remove it) and remove "
    "tools.guestlib.enableHostInfo (or set it to FALSE).",
    platforms=ESX,
)
def tools_information(ctx: Context) -> Iterator[Outcome]:
    """The guest can write name/value pairs into the VMX state (a size limit stops it filling the
    datastore) and, with enableHostInfo, read the host's resource details, which helps an attacker
    plan an escape."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        limit = vm.settings.get("tools.setinfo.sizelimit")
        host_info = vm.settings.get("tools.guestlib.enablehostinfo")
        bad = []
        if limit is not None and limit.strip() != SETINFO_LIMIT:
            bad.append(f"tools.setInfo.sizeLimit = {limit.strip()[:20]} (not {SETINFO_LIMIT})")
        if host_info is not None and not _false(host_info):
            bad.append(f"tools.guestlib.enableHostInfo = {host_info.strip()[:20]}")
        refs = (vm.at("tools.setInfo.sizeLimit"), vm.at("tools.guestlib.enableHostInfo"))
        if bad:
            yield failed(s, "; ".join(bad), *refs)
        else:
            yield passed(
                s, "size limit at its default and no host information for the guest", *refs
            )


@check(
    id="HVA-403",
    title="VM console admits one connection at a time",
    scope="vm",
    severity=Severity.MEDIUM,
    function="HY-BF4",
    recommendations={"sp800-125a-2014": ["HY-SR-4"]},
    threats=("HY-TS1", "HVA-T5"),
    remediation="Set RemoteDisplay.maxConnections = 1 in the VM's advanced settings.",
    platforms=ESX,
)
def console_connections(ctx: Context) -> Iterator[Outcome]:
    """With more than one console session a second administrator (or an attacker with console
    privilege) can watch or take over a session silently. Absent means unlimited."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        value = (vm.settings.get("remotedisplay.maxconnections") or "").strip()
        ref = vm.at("RemoteDisplay.maxConnections")
        if value == "1":
            yield passed(s, "RemoteDisplay.maxConnections = 1", ref)
        elif not value:
            yield failed(
                s, "RemoteDisplay.maxConnections is not set: unlimited console sessions", ref
            )
        else:
            yield failed(s, f"RemoteDisplay.maxConnections = {value[:20]}", ref)


@check(
    id="HVA-404",
    title="VM shares memory pages only within itself (no page-sharing salt override)",
    scope="vm",
    severity=Severity.MEDIUM,
    function="HY-BF4",
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
    threats=("HYP-T1", "HYP-T3"),
    remediation="Remove sched.mem.pshare.salt from the VM's advanced settings (and keep the host's "
    "Mem.ShareForceSalting at 2).",
    platforms=ESX,
)
def page_sharing_salt(ctx: Context) -> Iterator[Outcome]:
    """A salt shared between VMs re-enables transparent page sharing across them: a side channel
    that has leaked cryptographic keys between VMs."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        salt = vm.settings.get("sched.mem.pshare.salt")
        ref = vm.at("sched.mem.pshare.salt")
        if salt is None:
            yield passed(s, "no sched.mem.pshare.salt: pages shared within the VM only", ref)
        else:
            yield failed(s, "sched.mem.pshare.salt is set: pages may be shared with other VMs", ref)


@check(
    id="HVA-405",
    title="VM has no 3D graphics acceleration",
    scope="vm",
    severity=Severity.LOW,
    function="HY-BF2",
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
    threats=("HYP-T1",),
    remediation="Set mks.enable3d = FALSE (or remove it) unless the VM needs 3D.",
    platforms=ESX,
)
def no_3d(ctx: Context) -> Iterator[Outcome]:
    """3D acceleration exposes a large emulated GPU stack to the guest; several VM escapes went
    through it."""
    for v, vm in _vmware(ctx):
        s = vm_subject(v)
        value = vm.settings.get("mks.enable3d")
        ref = vm.at("mks.enable3d")
        if value is not None and not _false(value):
            yield failed(s, f"mks.enable3d = {value.strip()[:20]}", ref)
        else:
            yield passed(s, "3D acceleration off", ref)
