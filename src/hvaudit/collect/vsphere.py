"""The vSphere collector (vCenter or a standalone ESXi host), read-only, through pyVmomi.

Target `vsphere://HOST[:PORT]`. Credentials come from the environment, never the command line:
`HVAUDIT_VSPHERE_USER` and `HVAUDIT_VSPHERE_PASSWORD` (a user holding the built-in Read-only
role on the root folder, propagated). TLS is verified (against `--ca-file` when given);
`--no-verify-tls` is for labs only.

Collection is in bulk: one container view and one RetrievePropertiesEx (plus its continuation
pages) per object type (hosts, VMs, distributed port groups), never one call per property. Each
VM's configuration is rendered into the `.vmx` format (`vmware/vmx/<host-id>/<vm-id>.vmx`, the
same artefacts, parser and checks as `.vmx` files read offline); each host is a JSON artefact
(`vmware/hosts/<host-id>.json`) with its size, product and port groups (VLAN and effective
security policy). Console passwords and key safes in a VM's advanced settings are redacted.
"""

from __future__ import annotations

import contextlib
import os
import re
import ssl
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

from hvaudit.bundle import BundleWriter, dump_json
from hvaudit.errors import CollectionError, UsageError, one_line

__all__ = ["PASSWORD_ENV", "USER_ENV", "VsphereCollector", "vmx_escape"]

USER_ENV = "HVAUDIT_VSPHERE_USER"
PASSWORD_ENV = "HVAUDIT_VSPHERE_PASSWORD"  # noqa: S105 - the name of an environment variable
PAGE = 500

VM_PATHS = (
    "name",
    "config.uuid",
    "config.template",
    "config.hardware.numCPU",
    "config.hardware.memoryMB",
    "config.hardware.device",
    "config.cpuAllocation",
    "config.memoryAllocation",
    "config.extraConfig",
    "config.nestedHVEnabled",
    "config.firmware",
    "config.bootOptions",
    "config.flags",
    "runtime.powerState",
    "runtime.host",
)
HOST_PATHS = (
    "name",
    "hardware.cpuInfo.numCpuCores",
    "hardware.cpuInfo.numCpuThreads",
    "hardware.memorySize",
    "config.product",
    "config.network.vswitch",
    "config.network.portgroup",
    "config.service",
    "config.firewall",
    "config.lockdownMode",
    "configManager.advancedOption",
    "runtime.connectionState",
)
# The host advanced options the checks read (the full list runs to thousands, some secret-ish).
ADVANCED = (
    "UserVars.ESXiShellInteractiveTimeOut",
    "UserVars.ESXiShellTimeOut",
    "UserVars.DcuiTimeOut",
    "UserVars.HostClientSessionTimeout",
    "Config.HostAgent.plugins.solo.enableMob",
    "Mem.ShareForceSalting",
    "Syslog.global.logHost",
    "Net.BlockGuestBPDU",
    "Security.AccountLockFailures",
)
DVPG_PATHS = ("name", "key", "config.defaultPortConfig")

NIC_MODELS = {
    "VirtualE1000": "e1000",
    "VirtualE1000e": "e1000e",
    "VirtualPCNet32": "vlance",
    "VirtualVmxnet": "vmxnet",
    "VirtualVmxnet2": "vmxnet2",
    "VirtualVmxnet3": "vmxnet3",
    "VirtualVmxnet3Vrdma": "vrdma",
    "VirtualSriovEthernetCard": "sriov",
}
_KEY_OK = re.compile(r"[A-Za-z0-9_.:\-\[\]]{1,200}")
_ID_OK = re.compile(r"[^A-Za-z0-9._-]")


def vmx_escape(value: object) -> str:
    """A value as VMware writes it in a .vmx: `"` and `|` and control characters as |XX."""
    return "".join(
        f"|{ord(c):02X}" if c in '"|#' or ord(c) < 0x20 or ord(c) == 0x7F else c for c in str(value)
    )


def _safe_id(text: str) -> str:
    return _ID_OK.sub("_", text)[:80] or "_"


class VsphereCollector:
    """Reads hosts, VMs and port groups of a vCenter or an ESXi host."""

    def __init__(
        self,
        uri: str,
        *,
        ca_file: str | None = None,
        verify_tls: bool = True,
        timeout: float = 60.0,
    ) -> None:
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme != "vsphere" or not parts.hostname:
            raise UsageError(f"{uri}: expected vsphere://HOST[:PORT]")
        self.user = os.environ.get(USER_ENV, "")
        self._password = os.environ.get(PASSWORD_ENV, "")
        if not self.user or not self._password:
            raise UsageError(
                f"set {USER_ENV} and {PASSWORD_ENV} (a user with the Read-only role on the root folder)"
            )
        self.uri, self.host, self.port = uri, parts.hostname, parts.port or 443
        self.ca_file, self.verify_tls, self.timeout = ca_file, verify_tls, timeout
        self.calls = 0
        """Round trips to the API during collection (shown by the benchmark)."""

    def _context(self) -> ssl.SSLContext:
        if not self.verify_tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        return ssl.create_default_context(cafile=self.ca_file)

    def collect(self, writer: BundleWriter) -> None:
        """Collect; a refused login or an unreachable endpoint raises CollectionError (one line)."""
        try:
            from pyVim.connect import Disconnect, SmartConnect
            from pyVmomi import vim
        except ImportError:
            raise CollectionError(
                "the vSphere path needs pyVmomi: pip install 'hvaudit[vsphere]'"
            ) from None
        writer.meta["collector"]["vmware"] = {
            "uri": self.uri,
            "mode": "api",
            "user": self.user,
            "verify_tls": self.verify_tls,
        }
        started = time.perf_counter()
        try:
            si = SmartConnect(
                host=self.host,
                port=self.port,
                user=self.user,
                pwd=self._password,
                sslContext=self._context(),
                connectionPoolTimeout=30,
                httpConnectionTimeout=self.timeout,
            )
        except vim.fault.InvalidLogin:
            raise CollectionError(f"{self.uri}: login refused for {self.user}") from None
        except Exception as exc:
            raise CollectionError(f"{self.uri}: {type(exc).__name__}: {one_line(exc)}") from None
        try:
            self._collect(si, writer)
        except CollectionError:
            raise
        except Exception as exc:
            raise CollectionError(f"{self.uri}: {type(exc).__name__}: {one_line(exc)}") from None
        finally:
            with contextlib.suppress(Exception):  # the session ends anyway
                Disconnect(si)
        writer.meta["collector"]["vmware"]["api_calls"] = self.calls
        writer.meta["collector"]["vmware"]["seconds"] = round(time.perf_counter() - started, 3)

    def _collect(self, si: Any, writer: BundleWriter) -> None:
        from pyVmomi import vim

        content = si.RetrieveContent()
        self.calls += 2  # service version discovery and RetrieveServiceContent
        about = content.about
        writer.add(
            "vmware/about.json",
            dump_json(
                {
                    "fullName": about.fullName,
                    "apiType": about.apiType,
                    "apiVersion": about.apiVersion,
                    "build": about.build,
                    "productLineId": about.productLineId,
                }
            ),
            origin="ServiceInstance.content.about",
        )
        dvpgs = {
            props.get("key", obj._moId): props
            for obj, props in self._retrieve(
                content, vim.dvs.DistributedVirtualPortgroup, DVPG_PATHS
            )
        }
        hosts: dict[str, str] = {}
        records: dict[str, dict[str, Any]] = {}
        managers: dict[str, Any] = {}
        for obj, props in self._retrieve(content, vim.HostSystem, HOST_PATHS):
            hosts[obj._moId] = _safe_id(obj._moId)
            records[obj._moId] = _host_record(props, dvpgs)
            if props.get("configManager.advancedOption") is not None:
                managers[obj._moId] = props["configManager.advancedOption"]
        options = self._advanced(content, managers)
        for moid, record in records.items():
            record["advanced"] = options.get(moid)
            writer.add(
                f"vmware/hosts/{hosts[moid]}.json",
                dump_json(record),
                origin=f"HostSystem {moid}: {', '.join(HOST_PATHS)}; OptionManager.setting",
            )
        writer.add(
            "vmware/access.json",
            dump_json(self._access(content)),
            origin="AuthorizationManager.roleList, RetrieveAllPermissions",
        )
        for obj, props in self._retrieve(content, vim.VirtualMachine, VM_PATHS):
            if props.get("config.template"):
                continue
            host = props.get("runtime.host")
            hid = hosts.get(host._moId, "unknown-host") if host is not None else "unknown-host"
            text = render_vmx(props, dvpgs)
            writer.add(
                f"vmware/vmx/{hid}/{_safe_id(obj._moId)}.vmx",
                text.encode(),
                origin=f"VirtualMachine {obj._moId}: {', '.join(VM_PATHS)}",
            )

    def _retrieve(
        self, content: Any, kind: Any, paths: tuple[str, ...]
    ) -> Iterator[tuple[Any, dict[str, Any]]]:
        """Every object of `kind` with `paths`, in pages of PAGE objects."""
        from pyVmomi import vim, vmodl

        pc = content.propertyCollector
        view = content.viewManager.CreateContainerView(content.rootFolder, [kind], True)
        self.calls += 1
        query = vmodl.query.PropertyCollector
        spec = query.FilterSpec(
            objectSet=[
                query.ObjectSpec(
                    obj=view,
                    skip=True,
                    selectSet=[
                        query.TraversalSpec(
                            name="view", path="view", skip=False, type=vim.view.ContainerView
                        )
                    ],
                )
            ],
            propSet=[query.PropertySpec(type=kind, pathSet=list(paths))],
        )
        try:
            result = pc.RetrievePropertiesEx([spec], query.RetrieveOptions(maxObjects=PAGE))
            self.calls += 1
            while result is not None:
                for item in result.objects:
                    yield item.obj, {p.name: p.val for p in item.propSet}
                if not result.token:
                    break
                result = pc.ContinueRetrievePropertiesEx(result.token)
                self.calls += 1
        finally:
            view.Destroy()
            self.calls += 1

    def _access(self, content: Any) -> dict[str, Any]:
        """Roles (with their privileges) and every permission: who may do what, where."""
        auth = content.authorizationManager
        roles = {
            str(r.roleId): {
                "name": str(r.name),
                "privileges": sorted(str(p) for p in r.privilege or []),
            }
            for r in auth.roleList or []
        }
        self.calls += 1
        root = content.rootFolder

        def record(p: Any, where: Any) -> dict[str, Any]:
            entity = p.entity if p.entity is not None else where
            return {
                "entity": str(entity._moId) if entity is not None else "",
                "entity_type": type(entity).__name__.rsplit(".", 1)[-1]
                if entity is not None
                else "",
                "principal": str(p.principal),
                "group": bool(p.group),
                "role": str(p.roleId),
                "propagate": bool(p.propagate),
            }

        # The root folder's own grants, asked for by entity (so each is placed even where a server
        # leaves `entity` unset), then every other grant.
        at_root = [record(p, root) for p in auth.RetrieveEntityPermissions(root, False) or []]
        self.calls += 1
        seen = {(r["principal"], r["group"], r["role"], r["propagate"]) for r in at_root}
        others = [record(p, None) for p in auth.RetrieveAllPermissions() or []]
        self.calls += 1
        permissions = at_root + [
            r
            for r in others
            if r["entity"] or (r["principal"], r["group"], r["role"], r["propagate"]) not in seen
        ]
        return {"root": str(content.rootFolder._moId), "roles": roles, "permissions": permissions}

    def _advanced(self, content: Any, managers: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The ADVANCED options of every host, in one retrieval over all option managers."""
        from pyVmomi import vmodl

        if not managers:
            return {}
        query = vmodl.query.PropertyCollector
        host_of = {m._moId: host for host, m in managers.items()}
        spec = query.FilterSpec(
            objectSet=[query.ObjectSpec(obj=m, skip=False) for m in managers.values()],
            propSet=[
                query.PropertySpec(type=type(next(iter(managers.values()))), pathSet=["setting"])
            ],
        )
        wanted = {k.lower(): k for k in ADVANCED}
        out: dict[str, dict[str, Any]] = {}
        result = content.propertyCollector.RetrievePropertiesEx([spec], query.RetrieveOptions())
        self.calls += 1
        while result is not None:
            for item in result.objects:
                found: dict[str, Any] = dict.fromkeys(ADVANCED)
                for prop in item.propSet:
                    for option in prop.val or []:
                        key = wanted.get(str(getattr(option, "key", "")).lower())
                        if key is not None:
                            found[key] = getattr(option, "value", None)
                out[host_of.get(item.obj._moId, item.obj._moId)] = found
            if not result.token:
                break
            result = content.propertyCollector.ContinueRetrievePropertiesEx(result.token)
            self.calls += 1
        return out


def _policy(security: Any) -> dict[str, bool | None]:
    if security is None:
        return {"allowPromiscuous": None, "macChanges": None, "forgedTransmits": None}
    return {
        k: getattr(security, k, None) for k in ("allowPromiscuous", "macChanges", "forgedTransmits")
    }


def _host_record(props: dict[str, Any], dvpgs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    product = props.get("config.product")
    switches = {
        s.name: _policy(getattr(getattr(s.spec, "policy", None), "security", None))
        for s in props.get("config.network.vswitch") or []
    }
    portgroups = []
    for pg in props.get("config.network.portgroup") or []:
        own = _policy(getattr(getattr(pg.spec, "policy", None), "security", None))
        computed = _policy(getattr(getattr(pg, "computedPolicy", None), "security", None))
        inherited = switches.get(pg.spec.vswitchName, _policy(None))
        # ESXi reports the effective policy as computedPolicy; where it does not (older builds,
        # the simulator), an unset port-group field inherits the switch's.
        effective = {
            k: computed[k]
            if computed[k] is not None
            else own[k]
            if own[k] is not None
            else inherited[k]
            for k in own
        }
        vlan_id = int(pg.spec.vlanId or 0)
        portgroups.append(
            {
                "name": pg.spec.name,
                "switch": pg.spec.vswitchName,
                "vlan": [vlan_id] if 0 < vlan_id < 4095 else [],
                "trunk": vlan_id == 4095,
                "security": effective,
            }
        )
    for key, dv in sorted(dvpgs.items()):
        port = dv.get("config.defaultPortConfig")
        sec = getattr(port, "securityPolicy", None)
        security = {
            "allowPromiscuous": _bool_policy(getattr(sec, "allowPromiscuous", None)),
            "macChanges": _bool_policy(getattr(sec, "macChanges", None)),
            "forgedTransmits": _bool_policy(getattr(sec, "forgedTransmits", None)),
        }
        vlan_spec = getattr(port, "vlan", None)
        dv_vlan = getattr(vlan_spec, "vlanId", None)
        vlan: list[int] = []
        trunk = False
        if isinstance(dv_vlan, int):
            vlan = [dv_vlan] if dv_vlan else []
        elif dv_vlan:  # trunk ranges
            vlan, trunk = [int(r.start) for r in dv_vlan], True
        portgroups.append(
            {
                "name": dv.get("name", key),
                "switch": "dvs",
                "vlan": vlan,
                "trunk": trunk,
                "security": security,
            }
        )
    service = props.get("config.service")
    firewall = props.get("config.firewall")
    policy = getattr(firewall, "defaultPolicy", None)
    return {
        "services": {
            str(svc.key): {"running": bool(svc.running), "policy": str(svc.policy)}
            for svc in getattr(service, "service", None) or []
        }
        if service is not None
        else None,
        "firewall": {
            "incoming_blocked": getattr(policy, "incomingBlocked", None),
            "outgoing_blocked": getattr(policy, "outgoingBlocked", None),
            "rulesets": [
                {
                    "key": str(r.key),
                    "enabled": bool(r.enabled),
                    "all_ip": bool(getattr(r.allowedHosts, "allIp", True)),
                    "networks": [
                        f"{n.network}/{n.prefixLength}"
                        for n in getattr(r.allowedHosts, "ipNetwork", None) or []
                    ],
                }
                for r in getattr(firewall, "ruleset", None) or []
            ],
        }
        if firewall is not None
        else None,
        "lockdown": str(props["config.lockdownMode"]) if props.get("config.lockdownMode") else None,
        "name": props.get("name", ""),
        "cores": props.get("hardware.cpuInfo.numCpuCores") or 0,
        "threads": props.get("hardware.cpuInfo.numCpuThreads") or 0,
        "memory_bytes": props.get("hardware.memorySize") or 0,
        "product": getattr(product, "fullName", "") if product is not None else "",
        "build": getattr(product, "build", "") if product is not None else "",
        "connection": str(props.get("runtime.connectionState", "")),
        "portgroups": portgroups,
    }


def _bool_policy(value: Any) -> bool | None:
    inner = getattr(value, "value", None)
    return inner if isinstance(inner, bool) else None


def _shares(alloc: Any) -> str | None:
    shares = getattr(alloc, "shares", None)
    level = str(getattr(shares, "level", "") or "")
    if not level or level == "normal":
        return None  # the default: not a configured priority (as in a .vmx without the key)
    return str(getattr(shares, "shares", "")) if level == "custom" else level


def render_vmx(props: dict[str, Any], dvpgs: dict[str, dict[str, Any]]) -> str:
    """A .vmx from a VM's API properties (the keys hvaudit's parser reads, plus extraConfig)."""
    out: dict[str, object] = {
        "displayName": props.get("name", ""),
        "uuid.bios": props.get("config.uuid", ""),
        "numvcpus": props.get("config.hardware.numCPU", 1),
        "memsize": props.get("config.hardware.memoryMB", 0),
        "floppy0.present": "FALSE",
    }
    if props.get("runtime.powerState") is not None:
        out["hvaudit.powerState"] = str(props["runtime.powerState"])
    for prefix, alloc in (
        ("cpu", props.get("config.cpuAllocation")),
        ("mem", props.get("config.memoryAllocation")),
    ):
        if alloc is None:
            continue
        if alloc.reservation:
            out[f"sched.{prefix}.min"] = alloc.reservation
        if alloc.limit is not None and alloc.limit >= 0:
            out[f"sched.{prefix}.max"] = alloc.limit
        shares = _shares(alloc)
        if shares:
            out[f"sched.{prefix}.shares"] = shares
    if props.get("config.nestedHVEnabled"):
        out["vhv.enable"] = "TRUE"
    flags = props.get("config.flags")
    if getattr(flags, "virtualExecUsage", None) == "hvOff":
        out["monitor.virtual_exec"] = "software"
    if props.get("config.firmware"):
        out["firmware"] = props["config.firmware"]
    boot = props.get("config.bootOptions")
    if getattr(boot, "efiSecureBootEnabled", False):
        out["uefi.secureBoot.enabled"] = "TRUE"
    devices = props.get("config.hardware.device") or []
    controllers = {d.key: d for d in devices}
    counts: dict[str, int] = {}

    def next_id(kind: str) -> int:
        counts[kind] = counts.get(kind, -1) + 1
        return counts[kind]

    for d in devices:
        kind = type(d).__name__.rsplit(".", 1)[-1]
        backing = getattr(d, "backing", None)
        if kind in NIC_MODELS:
            n = next_id("ethernet")
            out[f"ethernet{n}.present"] = "TRUE"
            out[f"ethernet{n}.virtualDev"] = NIC_MODELS[kind]
            port = getattr(backing, "port", None)
            if port is not None:
                name = dvpgs.get(getattr(port, "portgroupKey", ""), {}).get(
                    "name", port.portgroupKey
                )
            else:
                name = getattr(backing, "deviceName", "") or ""
            out[f"ethernet{n}.networkName"] = name
            if getattr(d, "macAddress", None):
                out[f"ethernet{n}.address"] = d.macAddress
        elif kind in ("VirtualDisk", "VirtualCdrom"):
            ctrl = controllers.get(getattr(d, "controllerKey", None))
            bus = _bus(type(ctrl).__name__.rsplit(".", 1)[-1] if ctrl is not None else "")
            if bus is None:
                continue
            unit = int(getattr(d, "unitNumber", 0) or 0)
            at = f"{bus}{getattr(ctrl, 'busNumber', 0)}:{unit}"
            while f"{at}.present" in out:  # a unit number reported twice: keep both devices
                unit += 1
                at = f"{bus}{getattr(ctrl, 'busNumber', 0)}:{unit}"
            out[f"{at}.present"] = "TRUE"
            backing_kind = type(backing).__name__.rsplit(".", 1)[-1]
            if kind == "VirtualCdrom":
                # the host's own drive; a client's drive (Remote*) is not a host device
                raw = "Remote" not in backing_kind and (
                    "PassthroughBacking" in backing_kind or "AtapiBacking" in backing_kind
                )
                out[f"{at}.deviceType"] = "cdrom-raw" if raw else "cdrom-image"
            file_name = getattr(backing, "fileName", None) or getattr(backing, "deviceName", None)
            if file_name:
                out[f"{at}.fileName"] = file_name
        elif kind == "VirtualPCIPassthrough":
            n = next_id("pciPassthru")
            out[f"pciPassthru{n}.present"] = "TRUE"
            out[f"pciPassthru{n}.id"] = getattr(backing, "id", "") or "?"
        elif kind in ("VirtualSerialPort", "VirtualParallelPort", "VirtualFloppy"):
            name = {
                "VirtualSerialPort": "serial",
                "VirtualParallelPort": "parallel",
                "VirtualFloppy": "floppy",
            }[kind]
            n = next_id(name)
            out[f"{name}{n}.present"] = "TRUE"
            if "DeviceBackingInfo" in type(backing).__name__:
                out[f"{name}{n}.fileType"] = "device"
                out[f"{name}{n}.fileName"] = getattr(backing, "deviceName", "") or "?"
        elif kind in ("VirtualEnsoniq1371", "VirtualHdAudioCard", "VirtualSoundBlaster16"):
            out["sound.present"] = "TRUE"
        elif kind == "VirtualTPM":
            out["vtpm.present"] = "TRUE"
    rendered = {k.lower() for k in out}
    for option in props.get("config.extraConfig") or []:
        key = str(getattr(option, "key", ""))
        if _KEY_OK.fullmatch(key) and key.lower() not in rendered:
            rendered.add(key.lower())
            out[key] = getattr(option, "value", "")
    return "".join(f'{k} = "{vmx_escape(v)}"\n' for k, v in out.items())


def _bus(controller: str) -> str | None:
    if controller == "VirtualIDEController":
        return "ide"
    if controller == "VirtualAHCIController":
        return "sata"
    if controller == "VirtualNVMEController":
        return "nvme"
    if "SCSI" in controller or controller == "VirtualLsiLogicController":
        return "scsi"
    return None
