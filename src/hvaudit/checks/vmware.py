"""Checks for what exists only on VMware ESXi: a VM's advanced settings (.vmx / extraConfig).

Key names and secure values are the ones VMware's vSphere Security Configuration Guide and the
DISA vSphere 8 STIG (VMCH-80-*) check; keys compare case-insensitively (the guides spell some
differently). Where the default is secure an absent key passes, and the evidence says it was absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hvaudit.checks.base import (
    Context,
    Outcome,
    Severity,
    Subject,
    check,
    failed,
    host_subject,
    passed,
    unknown,
    vm_subject,
)
from hvaudit.model import Fact, Host, Source, Vm, VmwareHost, VmwareVm

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
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
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
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
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
    recommendations={"sp800-125a-2014": ["HY-SR-4"]},
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
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
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
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
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


def _esx_hosts(ctx: Context) -> Iterator[tuple[Host, VmwareHost]]:
    for h in ctx.deployment.hosts:
        if h.vmware is not None:
            yield h, h.vmware


def _gap(what: str, src: Source) -> Fact[bool]:
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
    management interfaces few."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        if esx.services is None:
            yield unknown(s, _gap("its services", esx.source), "SSH and the ESXi Shell are off")
            continue
        bad = [
            f"{key} ({'running' if svc.get('running') else 'stopped'}, policy {svc.get('policy')})"
            for key, svc in sorted(esx.services.items())
            if key in ("TSM", "TSM-SSH") and (svc.get("running") or svc.get("policy") != "off")
        ]
        if bad:
            yield failed(s, "shell access enabled: " + ", ".join(bad), esx.source)
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
            yield unknown(s, _gap("its lockdown mode", esx.source), "the host is in lockdown mode")
        elif esx.lockdown in ("lockdownNormal", "lockdownStrict"):
            yield passed(s, f"lockdown mode {esx.lockdown}", esx.source)
        else:
            yield failed(s, f"lockdown mode {esx.lockdown}", esx.source)


@check(
    id="HVA-412",
    title="Host firewall blocks by default and admits designated networks only",
    scope="host",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-19"],
        "sp800-125a-r1": ["HY-SR-20"],
        "sp800-125b": ["VM-FW-R3"],
    },
    remediation="Host > Configure > Firewall: for every enabled service untick 'Allow connections "
    "from any IP address' and list the management networks.",
    platforms=ESX,
)
def host_firewall(ctx: Context) -> Iterator[Outcome]:
    """Every enabled ruleset open to any address exposes a service beyond the management
    network."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        fw = esx.firewall
        if fw is None:
            yield unknown(s, _gap("its firewall", esx.source), "the host firewall's rulesets")
            continue
        open_to_all = sorted(
            str(r.get("key"))
            for r in fw.get("rulesets") or []
            if r.get("enabled") and r.get("all_ip")
        )
        problems = []
        if fw.get("incoming_blocked") is not True:
            problems.append("incoming traffic is not blocked by default")
        if open_to_all:
            shown = ", ".join(open_to_all[:8]) + (" ..." if len(open_to_all) > 8 else "")
            problems.append(f"{len(open_to_all)} enabled ruleset(s) open to any address: {shown}")
        if problems:
            yield failed(s, "; ".join(problems), esx.source)
        else:
            yield passed(
                s, "incoming blocked; every enabled ruleset limited to listed networks", esx.source
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
    remediation="Set UserVars.ESXiShellInteractiveTimeOut and UserVars.HostClientSessionTimeout to "
    "900 or less, UserVars.ESXiShellTimeOut and UserVars.DcuiTimeOut to 600 or less (0 disables "
    "the time-out).",
    platforms=ESX,
)
def session_timeouts(ctx: Context) -> Iterator[Outcome]:
    """An idle session left open is a session someone else can use."""
    for s, values, src in _advanced(ctx, tuple(TIMEOUTS)):
        if values is None:
            yield unknown(s, _gap("its session time-out options", src), "the session time-outs")
            continue
        bad = []
        for key, limit in TIMEOUTS.items():
            n = _int(values[key])
            if n is None or n <= 0 or n > limit:
                bad.append(f"{key} = {str(values[key])[:12]} (want 1..{limit})")
        if bad:
            yield failed(s, "; ".join(bad), src)
        else:
            yield passed(s, "every time-out set within its limit", src)


@check(
    id="HVA-414",
    title="Memory pages are shared within a VM only (Mem.ShareForceSalting = 2)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
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


# Privileges that administer VMs (beyond looking at them).
VM_ADMIN_PREFIXES = (
    "VirtualMachine.Config.",
    "VirtualMachine.Interact.",
    "VirtualMachine.Inventory.",
    "VirtualMachine.Provisioning.",
    "VirtualMachine.State.",
)
ADMIN_ROLE = "-1"


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
    propagate from the root folder or a datacenter reach every VM below them."""
    for h, esx in _esx_hosts(ctx):
        s = host_subject(h)
        access = esx.access
        if not access or not isinstance(access.get("permissions"), list):
            yield unknown(
                s, _gap("its roles and permissions", esx.access_source), "VM roles are scoped"
            )
            continue
        roles = access.get("roles") or {}
        vm_roles = {
            rid
            for rid, role in roles.items()
            if rid != ADMIN_ROLE
            and any(str(p).startswith(VM_ADMIN_PREFIXES) for p in role.get("privileges", []))
        }
        root = access.get("root")
        broad = sorted(
            f"{p['principal']} ({roles.get(p['role'], {}).get('name', p['role'])} on "
            f"{'the root folder' if p['entity'] == root else p['entity_type'] + ' ' + p['entity']})"
            for p in access["permissions"]
            if p.get("role") in vm_roles
            and p.get("propagate")
            and (p.get("entity") == root or p.get("entity_type") == "Datacenter")
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
            yield unknown(s, gap, "where the VM roles are granted")
        else:
            yield passed(
                s,
                f"{len(scoped)} VM role grant(s), none on the root folder or a datacenter",
                esx.access_source,
            )
