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
import datetime as dt
import os
import re
import socket
import ssl
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

from hvaudit.bundle import BundleWriter, dump_json
from hvaudit.errors import CollectionError, UsageError, one_line, system_cause
from hvaudit.parse.vmx import OWN_PREFIX
from hvaudit.redact import remember

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
    "runtime.connectionState",
    "snapshot",
    "config.keyId",
    "config.migrateEncryption",
    "config.maxMksConnections",
)
HOST_PATHS = (
    "name",
    "hardware.cpuInfo.numCpuCores",
    "hardware.cpuInfo.numCpuThreads",
    "hardware.memorySize",
    "config.product",
    "config.network.vswitch",
    "config.network.portgroup",
    # R47E-2: HostPhysicalNic.linkSpeed, "The current link state of the physical network
    # adapter. If this object is not set, then the link is down" (pyVmomi docs
    # vim/host/PhysicalNic.rst): an uplink without link is no path (HVA-440)
    "config.network.pnic",
    # R47E-3: HostProxySwitch, "the component of a DistributedVirtualSwitch on a particular
    # host" (vSphere Web Services API): dvsName and pnic ("The set of physical network adapters
    # associated with this switch"), the uplinks HVA-440 counts per host
    "config.network.proxySwitch",
    "config.service",
    "config.firewall",
    "config.lockdownMode",
    "configManager.advancedOption",
    "configManager.imageConfigManager",
    "configManager.hostAccessManager",
    "configManager.snmpSystem",
    "runtime.connectionState",
    # R48E-1: HostRuntimeInfo.bootTime, "The time when the host was booted" (vSphere Web
    # Services API vim.host.RuntimeInfo; pyVmomi _typeinfo_vim: "bootTime", "vmodl.DateTime",
    # F_OPTIONAL): an attestation from before it is not of the running boot (HVA-429)
    "runtime.bootTime",
    "config.dateTimeInfo",
    "config.authenticationManagerInfo",
    "config.network.vnic",
    # V24-4: HostDnsConfig hostName ("The host name portion of DNS name") and domainName ("The
    # domain name portion of the DNS name"): the names a time or log target may give the host
    "config.network.dnsConfig",
    "config.virtualNicManagerInfo",
    "config.pciPassthruInfo",
    "capability",
    "hardware.pciDevice",
    "hardware.systemInfo",
    "hardware.cpuFeature",
)
# Retrieved on its own: a server whose answer pyVmomi cannot read (govmomi's simulator) costs
# this item only, recorded as not reported, not the whole host retrieval.
ATTESTATION_PATHS = ("summary.tpmAttestation",)
# The host advanced options the checks read (the full list runs to thousands, some secret-ish).
ADVANCED = (
    "UserVars.ESXiShellInteractiveTimeOut",
    "UserVars.ESXiShellTimeOut",
    "UserVars.DcuiTimeOut",
    "UserVars.HostClientSessionTimeout",
    "Config.HostAgent.plugins.solo.enableMob",
    "Mem.ShareForceSalting",
    "Syslog.global.logHost",
    "Syslog.global.certificate.checkSSLCerts",
    "Syslog.global.auditRecord.storageEnable",
    "Syslog.global.auditRecord.storageCapacity",
    "Syslog.global.auditRecord.remoteEnable",
    "Syslog.global.auditRecord.storageDirectory",
    # HVA-420's log filters (ESXi 7.0 U1 and later; V21B-1: read by the check, never retrieved)
    "Syslog.global.logFiltersEnable",
    "Syslog.global.logFilters",
    "ScratchConfig.CurrentScratchLocation",
    "Net.BlockGuestBPDU",
    "Net.DVFilterBindIpAddress",
    "Security.AccountLockFailures",
    "Security.AccountUnlockTime",
    "Security.PasswordQualityControl",
    "Security.PasswordHistory",
    "DCUI.Access",
    "VMkernel.Boot.execInstalledOnly",
    # HVA-427's runtime option (ESXi 8.0: `esxcli system settings advanced list -o
    # /User/execInstalledOnly`; V21C-3), read where the host reports it
    "User.execInstalledOnly",
    "UserVars.ESXiVPsDisabledProtocols",
    "UserVars.SuppressHyperthreadWarning",
    "Config.HostAgent.plugins.hostsvc.esxAdminsGroup",
)
DVPG_PATHS = (
    "name",
    "key",
    "config.defaultPortConfig",
    "config.distributedVirtualSwitch",
    "config.policy",
    "config.uplink",
)
# R52V-4: the most ports of one port group whose own teaming orders are kept; a port group with
# more is asked (its ports unread), so one dvs.json stays bounded
MAX_DV_PORTS = 4096
DV_PORT_BATCH = 256  # ports per FetchDVPorts (R52V-6)
DVS_PATHS = ("name", "uuid", "config.defaultPortConfig", "config.uplinkPortgroup")
PVLAN_PATHS = ("config.pvlanConfig",)
# The privilege each per-host call needs (pyVmomi's method metadata, privId): the Read-only role
# holds System.Read, not Global.Settings.
ACCEPTANCE_PRIVILEGE = "System.Read"
# HostImageConfigManager.fetchSoftwarePackages' privilege (vSphere API reference, read with
# `search`: "Required privileges: Host.Config.Image")
PACKAGES_PRIVILEGE = "Host.Config.Image"
HOST_ACCESS_PRIVILEGE = "Global.Settings"
# HostSnmpSystem.configuration's privilege (pyVmomi's property metadata)
SNMP_PRIVILEGE = "Global.Settings"

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
        remember(self._password)  # blanked wherever a fault or answer might echo it
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
            # pyVmomi's version discovery opens its HTTPS connection without a time-out (only the
            # SOAP stub takes httpConnectionTimeout): a silent endpoint hung it for good. Sockets
            # opened without one get --api-timeout for as long as the connection is set up.
            with _default_socket_timeout(self.timeout):
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
            raise CollectionError(
                f"{self.uri}: {type(exc).__name__}: {one_line(system_cause(exc))}"
            ) from None
        try:
            self._collect(si, writer)
        except CollectionError:
            raise
        except Exception as exc:
            raise CollectionError(
                f"{self.uri}: {type(exc).__name__}: {one_line(system_cause(exc))}"
            ) from None
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
        switches = [
            (obj, props)
            for obj, props in self._retrieve(content, vim.DistributedVirtualSwitch, DVS_PATHS)
        ]
        # VMwareDVSConfigInfo.pvlanConfig ("The PVLAN configuration", a VMwareDVSPvlanMapEntry
        # list: primaryVlanId, secondaryVlanId, pvlanType): a property of VMware's own
        # distributed switch only, read in bulk beside the others (leads15)
        pvlans = {
            str(obj._moId): props.get("config.pvlanConfig") or []
            for obj, props in self._retrieve(
                content, vim.dvs.VmwareDistributedVirtualSwitch, PVLAN_PATHS
            )
        }
        writer.add(
            "vmware/dvs.json",
            dump_json(_dvs_record(switches, dvpgs, pvlans, self._port_orders(switches, dvpgs))),
            origin=f"DistributedVirtualSwitch: {', '.join(DVS_PATHS)}; "
            f"VmwareDistributedVirtualSwitch: {', '.join(PVLAN_PATHS)}; "
            f"DistributedVirtualPortgroup: {', '.join(DVPG_PATHS)}",
        )
        hosts: dict[str, str] = {}
        records: dict[str, dict[str, Any]] = {}
        managers: dict[str, Any] = {}
        stale: dict[str, str] = {}
        for obj, props in self._retrieve(content, vim.HostSystem, HOST_PATHS):
            hosts[obj._moId] = _safe_id(obj._moId)
            state = str(props.get("runtime.connectionState") or "")
            if state and state != "connected":
                # V23B-1: HostSystemConnectionState (vSphere API, read with `search`):
                # notResponding "VirtualCenter is not receiving heartbeats from the server",
                # disconnected "The user has explicitly taken the host down"; HostSystem.config
                # "might not be available for a disconnected host", and what vCenter returns is
                # its last copy, not the host's state now (its VMs' too). Judged on it, such a
                # host passed HVA-419 "ntpd running" and HVA-411; like a VM whose configuration
                # is not returned (V23-1), it is a host not collected, with an error
                reason = (
                    f"runtime.connectionState {state}: vCenter's cached configuration, "
                    "not the host's"
                )
                stale[obj._moId] = f"{props.get('name') or obj._moId} ({state})"
                writer.record(
                    f"vmware/hosts/{hosts[obj._moId]}.json",
                    status="failed",
                    origin=f"HostSystem {obj._moId}: {', '.join(HOST_PATHS)}",
                    reason=reason,
                )
                writer.error(f"host {props.get('name') or obj._moId}: {reason}")
                continue
            records[obj._moId] = _host_record(props, dvpgs, str(obj._moId))
            records[obj._moId]["acceptance"] = self._acceptance(
                props.get("configManager.imageConfigManager")
            )
            records[obj._moId]["host_access"] = self._host_access(
                props.get("configManager.hostAccessManager")
            )
            records[obj._moId]["snmp"] = self._snmp(props.get("configManager.snmpSystem"))
            if props.get("configManager.advancedOption") is not None:
                managers[obj._moId] = props["configManager.advancedOption"]
        options = self._advanced(content, managers)
        attestation: dict[str, Any] = {}
        try:
            for obj, props in self._retrieve(content, vim.HostSystem, ATTESTATION_PATHS):
                attestation[obj._moId] = _attestation(props.get("summary.tpmAttestation"))
        except Exception as exc:
            reason = f"summary.tpmAttestation: {type(exc).__name__}: {one_line(exc)[:120]}"
            attestation = {key: {"error": reason} for key in records}
        for moid, record in records.items():
            record["advanced"] = options.get(moid)
            record["tpm_attestation"] = attestation.get(moid)
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
            host = props.get("runtime.host")
            hid = hosts.get(host._moId, "unknown-host") if host is not None else "unknown-host"
            path = f"vmware/vmx/{hid}/{_safe_id(obj._moId)}.vmx"
            origin = f"VirtualMachine {obj._moId}: {', '.join(VM_PATHS)}"
            if host is not None and host._moId in stale:
                # V23B-1: a VM of a host vCenter does not reach is vCenter's copy too
                reason = f"its host {stale[host._moId]} is not connected to vCenter"
                writer.record(path, status="failed", origin=origin, reason=reason)
                writer.error(f"VM {props.get('name') or obj._moId}: {reason}")
                continue
            state = str(props.get("runtime.connectionState") or "")
            if state in ("orphaned", "disconnected"):
                # V23B-2: VirtualMachineConnectionState (vSphere API, read with `search`):
                # orphaned "The virtual machine is no longer registered on the host it is
                # associated with. For example, a virtual machine that is unregistered or
                # deleted directly on a host"; disconnected "since its host is disconnected".
                # What vCenter returns is its last copy of a VM the host does not run as such
                reason = (
                    f"runtime.connectionState {state}: vCenter's cached configuration, not the VM's"
                )
                writer.record(path, status="failed", origin=origin, reason=reason)
                writer.error(f"VM {props.get('name') or obj._moId}: {reason}")
                continue
            if props.get("config.uuid") is None and props.get("config.hardware.device") is None:
                # VirtualMachineConnectionState inaccessible and invalid (vSphere API, read with
                # `search`): "no configuration can be returned for a virtual machine". A .vmx
                # rendered from the rest had no devices, no settings and no snapshots, and passed
                # or was not applicable where nothing was read (V23-1: HVA-443 "0 snapshot(s)",
                # HVA-191/192 "no network interface"); like a domain whose XML libvirt does not
                # give, it is a VM not collected, with an error
                reason = "VirtualMachine.config not returned (the VM is inaccessible or invalid)"
                writer.record(path, status="failed", origin=origin, reason=reason)
                writer.error(f"VM {props.get('name') or obj._moId}: {reason}")
                continue
            text = render_vmx(props, dvpgs)
            writer.add(path, text.encode(), origin=origin)

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

    def _port_orders(
        self, switches: list[tuple[Any, dict[str, Any]]], dvpgs: dict[str, dict[str, Any]]
    ) -> dict[str, list[dict[str, Any]] | None]:
        """The ports' own teaming orders of each distributed port group whose ports may override
        the port group's (config.policy.uplinkTeamingOverrideAllowed true, R52V-4): per port
        group, DistributedVirtualSwitch.FetchDVPortKeys with a DistributedVirtualSwitchPortCriteria
        `inside` true and `portgroupKey` its key ("only ports inside portgroupKey ... are
        qualified", vSphere Web Services API, read with `search`), then FetchDVPorts by portKey
        in batches (R52V-6), each port's config.setting.uplinkTeamingPolicy.uplinkPortOrder and
        proxyHost. A port group whose ports exceed MAX_DV_PORTS, or whose fetch failed, maps to
        None (its ports unread)."""
        from pyVmomi import vim

        out: dict[str, list[dict[str, Any]] | None] = {}
        for obj, _ in switches:
            keys = [
                str(key)
                for key, dv in dvpgs.items()
                if getattr(dv.get("config.distributedVirtualSwitch"), "_moId", None) == obj._moId
                and getattr(dv.get("config.policy"), "uplinkTeamingOverrideAllowed", None) is True
            ]
            if not keys:
                continue
            # R52V-6: the transfer is bounded, not only what is kept: each port group's port
            # keys first (FetchDVPortKeys, "the keys of ... the ports" the criteria qualify),
            # then its ports by key (PortCriteria.portKey, "only the ports of which the key is
            # in the array are qualified"), DV_PORT_BATCH at a time; a port group with more
            # than MAX_DV_PORTS ports is not fetched (its ports unread, asked)
            fetched: list[Any] = []
            for key in list(keys):
                try:
                    self.calls += 1
                    port_keys = [
                        str(k)
                        for k in obj.FetchDVPortKeys(
                            criteria=vim.dvs.PortCriteria(inside=True, portgroupKey=[key])
                        )
                        or []
                    ]
                    if len(port_keys) > MAX_DV_PORTS:
                        raise OverflowError(key)
                    for at in range(0, len(port_keys), DV_PORT_BATCH):
                        self.calls += 1
                        fetched += (
                            obj.FetchDVPorts(
                                criteria=vim.dvs.PortCriteria(
                                    portKey=port_keys[at : at + DV_PORT_BATCH]
                                )
                            )
                            or []
                        )
                except Exception:  # a fault (a privilege, a vCenter without it), too many
                    out[key] = None
                    keys.remove(key)
            found: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
            for port in fetched:
                group = found.get(str(getattr(port, "portgroupKey", "")))
                if group is None:
                    continue
                setting = getattr(getattr(port, "config", None), "setting", None)
                teaming = getattr(setting, "uplinkTeamingPolicy", None)
                order = getattr(teaming, "uplinkPortOrder", None)
                # R52V-5: the HostSystem that services the port (DistributedVirtualPort.
                # proxyHost, optional: "HostSystem that services this port", pyVmomi
                # docs/vim/dvs/DistributedVirtualPort.rst, read with `search`)
                proxy = getattr(port, "proxyHost", None)
                group.append(
                    {
                        "key": str(getattr(port, "key", "")),
                        "host": str(getattr(proxy, "_moId", "")) or None
                        if proxy is not None
                        else None,
                        "uplink_order": [
                            str(n) for n in getattr(order, "activeUplinkPort", None) or []
                        ]
                        + [str(n) for n in getattr(order, "standbyUplinkPort", None) or []]
                        if order is not None
                        else None,
                    }
                )
            out.update({k: v if len(v) <= MAX_DV_PORTS else None for k, v in found.items()})
        return out

    def _acceptance(self, manager: Any) -> dict[str, Any]:
        """The host's VIB acceptance level (HostImageConfigGetAcceptance, one call per host) and,
        R33V-4, its installed VIBs with theirs (fetchSoftwarePackages, "Reports the set of
        software packages installed", SoftwarePackage.acceptanceLevel; it needs
        Host.Config.Image, beyond the Read-only role: its fault is recorded as `packages_error`).
        A VIB installed with --force keeps a level below the host's ("your setup is no longer
        consistent", vSphere ESXi Installation and Setup, read with `search`)."""
        if manager is None:
            return {"error": "configManager.imageConfigManager not reported"}
        try:
            self.calls += 1
            out: dict[str, Any] = {"level": str(manager.QueryHostAcceptanceLevel())}
        except Exception as exc:
            return _call_error("HostImageConfigGetAcceptance", exc, ACCEPTANCE_PRIVILEGE)
        try:
            self.calls += 1
            out["packages"] = [
                {"name": str(p.name)[:80], "level": str(p.acceptanceLevel)[:40]}
                for p in manager.FetchSoftwarePackages() or []
            ]
        except Exception as exc:
            out["packages_error"] = _call_error("fetchSoftwarePackages", exc, PACKAGES_PRIVILEGE)
        return out

    def _host_access(self, manager: Any) -> dict[str, Any]:
        """Who may log in to the host directly, and the lockdown exception users."""
        if manager is None:
            return {"error": "configManager.hostAccessManager not reported"}
        try:
            self.calls += 1
            entries = [
                {
                    "principal": str(e.principal),
                    "group": bool(e.group),
                    "mode": str(e.accessMode),
                }
                for e in manager.RetrieveAccessEntries() or []
            ]
            self.calls += 1
            exceptions = sorted(str(u) for u in manager.QueryLockdownExceptions() or [])
        except Exception as exc:
            return _call_error(
                "RetrieveHostAccessControlEntries/QueryLockdownExceptions",
                exc,
                HOST_ACCESS_PRIVILEGE,
            )
        return {"entries": entries, "lockdown_exceptions": exceptions}

    def _snmp(self, system: Any) -> dict[str, Any]:
        """The host's SNMP agent configuration (HostSnmpSystem.configuration, one call per host):
        whether it is enabled, how many v1/v2c read-only communities it has and its trap
        targets. Community strings are shared secrets: only whether one is set is kept."""
        if system is None:
            return {"error": "configManager.snmpSystem not reported"}
        try:
            self.calls += 1
            config = system.configuration
        except Exception as exc:
            return _call_error("HostSnmpSystem.configuration", exc, SNMP_PRIVILEGE)
        if config is None:
            return {"error": "HostSnmpSystem.configuration not reported"}
        return snmp_record(config)

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
        # each datacenter's top VM and host folders: a grant there reaches every VM of the
        # datacenter, through its VM folders or its hosts, clusters and resource pools
        from pyVmomi import vim

        top_folders: dict[str, str] = {}
        for _, dc in self._retrieve(content, vim.Datacenter, ("name", "vmFolder", "hostFolder")):
            for kind, key in (("VM", "vmFolder"), ("host", "hostFolder")):
                if dc.get(key) is not None:
                    top_folders[str(dc[key]._moId)] = (
                        f"the top {kind} folder of datacenter {dc.get('name', '?')}"
                    )
        # a folder of datacenters below the root (vSphere Security, "Hierarchical Inheritance of
        # Permissions": the inventory hierarchy's "data center folder" between the root object
        # and the data centers; Folder.childType lists "Datacenter" for such a folder), and a
        # host folder below a datacenter's top one (childType "ComputeResource": it holds hosts
        # and clusters): a grant there reaches every VM of every datacenter, or of every host
        # and cluster, in it, as a grant on each of them does (V18-1)
        for obj, folder in self._retrieve(content, vim.Folder, ("name", "childType")):
            moid = str(obj._moId)
            kinds = folder.get("childType") or []
            if moid == str(content.rootFolder._moId) or moid in top_folders:
                continue
            if "Datacenter" in kinds:
                top_folders[moid] = f"the data center folder {folder.get('name', '?')}"
            elif "ComputeResource" in kinds:
                top_folders[moid] = f"the host folder {folder.get('name', '?')}"
        return {
            "root": str(content.rootFolder._moId),
            "roles": roles,
            "permissions": permissions,
            "top_folders": top_folders,
        }

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


def snmp_record(config: Any) -> dict[str, Any]:
    """A HostSnmpConfigSpec as the host record keeps it: enabled, the number of read-only
    (v1/v2c) communities, and each trap target with whether it carries a community (vSphere API
    HostSnmpDestination.community). Community strings are shared secrets and are not kept."""
    return {
        "enabled": getattr(config, "enabled", None),
        "communities": len([c for c in getattr(config, "readOnlyCommunities", None) or [] if c]),
        "trap_targets": [
            {
                "host": str(t.hostName or ""),
                "port": int(t.port or 0),
                "community": bool(t.community),
            }
            for t in getattr(config, "trapTargets", None) or []
        ],
    }


def _call_error(method: str, exc: Exception, privilege: str) -> dict[str, Any]:
    """A per-host call that did not answer: the fault, and the privilege the call needs."""
    name = type(exc).__name__.rsplit(".", 1)[-1]
    return {
        "error": f"{method}: {name}: {one_line(exc)[:200]}",
        "privilege": privilege,
        "denied": name in ("NoPermission", "NotAuthenticated"),
    }


def _dv_security(port: Any) -> dict[str, bool | None]:
    """A distributed port's security policy from both places the API keeps it: securityPolicy
    (BoolPolicy values; "Deprecated. As of vSphere API 6.7, use DVSMacManagementPolicy") and
    macManagementPolicy (DVSMacManagementPolicy, plain booleans, since 6.7; VMwareDVSPortSetting
    in the vSphere API reference, read with `search`). A policy either one accepts is accepted;
    a key neither reports is None.

    R33V-1: macManagementPolicy.macLearningPolicy (DVSMacLearningPolicy, since 6.7) as
    "macLearning" (enabled: "if source MAC address learning is allowed") and "unicastFlooding"
    (allowUnicastFlooding: "flooding of unlearned MAC for ingress traffic"; vSphere API, read
    with `search`). The vSphere 8 Networking guide's MAC learning page (read with `search`):
    "the vSwitch inspects the source MAC address of every packet coming from the vNIC, learns
    the MAC address in its MAC table, and allows the packet to pass", and with unknown unicast
    flooding "the port floods unknown unicast traffic to every port on the switch that has MAC
    learning and unknown unicast flooding enabled". Unset where the port reports no MAC learning
    policy (a vCenter or switch before 6.7 has none to enable)."""
    sec = getattr(port, "securityPolicy", None)
    mac = getattr(port, "macManagementPolicy", None)
    out: dict[str, bool | None] = {}
    for k in ("allowPromiscuous", "macChanges", "forgedTransmits"):
        legacy = _bool_policy(getattr(sec, k, None))
        current = getattr(mac, k, None)
        seen = [v for v in (legacy, current) if isinstance(v, bool)]
        out[k] = any(seen) if seen else None
    learning = getattr(mac, "macLearningPolicy", None)
    enabled = getattr(learning, "enabled", None)
    if isinstance(enabled, bool):
        out["macLearning"] = enabled
        flooding = getattr(learning, "allowUnicastFlooding", None)
        out["unicastFlooding"] = flooding if isinstance(flooding, bool) else None
    return out


def _dv_vlan(port: Any) -> dict[str, Any]:
    """A distributed port's VLAN: an id (0 = none), trunk ranges, or a private VLAN."""
    spec = getattr(port, "vlan", None)
    if spec is None:
        return {"kind": None}
    value = getattr(spec, "vlanId", None)
    if isinstance(value, int):
        return {"kind": "vlan", "id": value}
    if isinstance(value, list) or hasattr(value, "__iter__"):
        return {"kind": "trunk", "ranges": [[int(r.start), int(r.end)] for r in value or []]}
    pvlan = getattr(spec, "pvlanId", None)
    if isinstance(pvlan, int):
        return {"kind": "pvlan", "id": pvlan}
    return {"kind": None}


def _dvs_record(
    switches: list[tuple[Any, dict[str, Any]]],
    dvpgs: dict[str, dict[str, Any]],
    pvlans: dict[str, list[Any]] | None = None,
    port_orders: dict[str, list[dict[str, Any]] | None] | None = None,
) -> dict[str, Any]:
    """Distributed switches and their port groups, each with its security policy and VLAN. A
    port group on a private VLAN names its switch's primary VLAN and PVLAN type where the
    switch's pvlanConfig maps its secondary id (`pvlans`: switch moId -> map entries)."""
    maps: dict[str, dict[int, tuple[int, str]]] = {
        key: {
            int(e.secondaryVlanId): (int(e.primaryVlanId), str(e.pvlanType))
            for e in entries
            if isinstance(getattr(e, "secondaryVlanId", None), int)
            and isinstance(getattr(e, "primaryVlanId", None), int)
        }
        for key, entries in (pvlans or {}).items()
    }
    uplinks: set[str] = set()
    out_switches = []
    for obj, props in switches:
        port = props.get("config.defaultPortConfig")
        uplinks.update(str(r._moId) for r in props.get("config.uplinkPortgroup") or [])
        out_switches.append(
            {
                "key": str(obj._moId),
                "name": str(props.get("name", obj._moId)),
                # DistributedVirtualSwitch.uuid, the switch a HostProxySwitch's dvsUuid names
                # (R51V-4: names may repeat across datacenters)
                "uuid": str(props.get("uuid") or ""),
                "security": _dv_security(port) if port is not None else None,
                "vlan": _dv_vlan(port) if port is not None else {"kind": None},
            }
        )
    names = {str(obj._moId): str(props.get("name", obj._moId)) for obj, props in switches}
    uuids = {str(obj._moId): str(props.get("uuid") or "") for obj, props in switches}
    out_groups = []
    for key, dv in sorted(dvpgs.items()):
        port = dv.get("config.defaultPortConfig")
        policy = dv.get("config.policy")
        switch = dv.get("config.distributedVirtualSwitch")
        switch_id = str(switch._moId) if switch is not None else ""
        uplink = dv.get("config.uplink")
        teaming = getattr(port, "uplinkTeamingPolicy", None) if port is not None else None
        order = getattr(teaming, "uplinkPortOrder", None)
        vlan: dict[str, Any] = _dv_vlan(port) if port is not None else {"kind": None}
        if vlan.get("kind") == "pvlan" and switch_id in maps and vlan["id"] in maps[switch_id]:
            vlan["primary"], vlan["type"] = maps[switch_id][vlan["id"]]
        out_groups.append(
            {
                "key": key,
                "name": str(dv.get("name", key)),
                "switch": names.get(switch_id, switch_id),
                "switch_uuid": uuids.get(switch_id, ""),
                "uplink": bool(uplink) if uplink is not None else key in uplinks,
                "security": _dv_security(port) if port is not None else None,
                "vlan": vlan,
                # R51V-1: the uplink ports the port group's traffic uses, active then standby
                # (VMwareUplinkPortOrderPolicy activeUplinkPort, standbyUplinkPort; as an
                # InheritablePolicy in a configuration information object, "the values of the
                # properties in the subclass are the effective values", inherited or not);
                # None where not reported or naming none
                "uplink_order": (
                    [str(n) for n in getattr(order, "activeUplinkPort", None) or []]
                    + [str(n) for n in getattr(order, "standbyUplinkPort", None) or []]
                )
                or None
                if order is not None
                else None,
                "overrides": {
                    k: getattr(policy, k, None)
                    for k in (
                        "securityPolicyOverrideAllowed",
                        "macManagementOverrideAllowed",
                        "vlanOverrideAllowed",
                        # R51V-3: "Allow the setting of uplinkTeamingPolicy for an individual
                        # port to override the setting in defaultPortConfig of a portgroup"
                        # (VMwareDVSPortgroupPolicy, vSphere Web Services API)
                        "uplinkTeamingOverrideAllowed",
                    )
                }
                if policy is not None
                else None,
                # R52V-4: the ports' own orders where they may override this one (None: not
                # read); absent where not fetched (the ports may not override, or an older
                # collector)
                **(
                    {"port_orders": port_orders[key]}
                    if port_orders is not None and key in port_orders
                    else {}
                ),
            }
        )
    return {"switches": out_switches, "portgroups": out_groups}


def _policy(security: Any) -> dict[str, bool | None]:
    if security is None:
        return {"allowPromiscuous": None, "macChanges": None, "forgedTransmits": None}
    return {
        k: getattr(security, k, None) for k in ("allowPromiscuous", "macChanges", "forgedTransmits")
    }


def _host_record(
    props: dict[str, Any], dvpgs: dict[str, dict[str, Any]], moid: str | None = None
) -> dict[str, Any]:
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
        security = _dv_security(port)
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
                # the port group's key: names repeat across datacenters, keys are vCenter-wide
                "key": key,
                # "switch" is a standard port group's vSwitch name, which may be "dvs" too
                # (R31V-2): "distributed" is what marks this one
                "switch": "dvs",
                "distributed": True,
                "vlan": vlan,
                "trunk": trunk,
                "security": security,
            }
        )
    pnics = props.get("config.network.pnic")
    linkless = (
        {str(n.device) for n in pnics if getattr(n, "linkSpeed", None) is None}
        if pnics is not None
        else None
    )
    # the adapters config.network.pnic reported: an uplink not among them has no linkSpeed
    # read, so its link is unknown, not up (R49E-1)
    seen = {str(n.device) for n in pnics} if pnics is not None else None
    standard = [
        {
            "name": str(s.name),
            "security": switches[s.name],
            "nics": sorted(
                str(n)
                for n in getattr(getattr(s.spec, "bridge", None), "nicDevice", None)
                or [str(k).rsplit("-", 1)[-1] for k in s.pnic or []]
            ),
            "failover": _failover_order(s),
            # the switch's uplinks whose link is down; None where config.network.pnic is not
            # reported (R47E-2)
            "no_link": sorted(
                str(n)
                for n in getattr(getattr(s.spec, "bridge", None), "nicDevice", None)
                or [str(k).rsplit("-", 1)[-1] for k in s.pnic or []]
                if str(n) in linkless
            )
            if linkless is not None
            else None,
            # the switch's uplinks config.network.pnic does not list (their link is unknown);
            # None where config.network.pnic is not reported (R49E-1)
            "no_report": sorted(
                str(n)
                for n in getattr(getattr(s.spec, "bridge", None), "nicDevice", None)
                or [str(k).rsplit("-", 1)[-1] for k in s.pnic or []]
                if str(n) not in seen
            )
            if seen is not None
            else None,
            "portgroups": [
                {"name": str(pg.spec.name), "failover": _portgroup_order(pg)}
                for pg in props.get("config.network.portgroup") or []
                if pg.spec.vswitchName == s.name
            ],
        }
        for s in props.get("config.network.vswitch") or []
    ]
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
                    # HostFirewallRulesetIpList.ipAddress: the single addresses of the allowed
                    # list beside its networks (L16-16: they were dropped)
                    "addresses": [str(a) for a in getattr(r.allowedHosts, "ipAddress", None) or []],
                    # HostFirewallRuleset.ipListUserConfigurable (API 8.0.2): "whether user can
                    # modify the allowed IP list"; None on older hosts
                    "ip_list_configurable": getattr(r, "ipListUserConfigurable", None),
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
        "switches": standard if props.get("config.network.vswitch") is not None else None,
        "proxy_switches": _proxy_switches(
            props.get("config.network.proxySwitch"), linkless, seen, moid
        ),
        "ntp": _ntp(props.get("config.dateTimeInfo")),
        "dns_names": _dns_names(props.get("config.network.dnsConfig")),
        "directory": _directory(props.get("config.authenticationManagerInfo")),
        "vmknics": [
            {
                "device": str(n.device),
                "portgroup": str(n.portgroup or ""),
                "dvs_portgroup": str(getattr(n.spec.distributedVirtualPort, "portgroupKey", ""))
                if getattr(n.spec, "distributedVirtualPort", None) is not None
                else "",
                # HostVirtualNicSpec.netStackInstanceKey: the TCP/IP stack, `vmotion` "Stack
                # key used for vMotion applications" (HostNetStackInstanceSystemStackKey)
                "netstack": str(getattr(n.spec, "netStackInstanceKey", None) or ""),
                # V24-4: HostVirtualNicSpec.ip (HostIpConfig: ipAddress, ipV6Config.
                # ipV6Address[].ipAddress): the host's own addresses, so a time or log target
                # that is one of them is known for the host itself
                "addresses": _vnic_addresses(getattr(n.spec, "ip", None)),
            }
            for n in props.get("config.network.vnic") or []
        ]
        if props.get("config.network.vnic") is not None
        else None,
        "vmknic_traffic": {
            str(c.nicType): sorted(str(k).rsplit("-", 1)[-1] for k in c.selectedVnic or [])
            for c in getattr(props.get("config.virtualNicManagerInfo"), "netConfig", None) or []
        }
        if props.get("config.virtualNicManagerInfo") is not None
        else None,
        "pci_passthrough": [
            {
                "id": str(d.id),
                "dependent": str(getattr(d, "dependentDevice", "") or ""),
                "capable": bool(d.passthruCapable),
                "enabled": bool(d.passthruEnabled),
                "active": bool(d.passthruActive),
            }
            for d in props.get("config.pciPassthruInfo") or []
        ]
        if props.get("config.pciPassthruInfo") is not None
        else None,
        # HostPciDevice.classId, "The class of this PCI" (xsd:short): the base class and
        # subclass, 0x0200 an Ethernet controller (govmomi simulator esx/host_hardware_info.go,
        # captured from an ESXi 8.0.2 host with `govc object.collect ... hardware`: ClassId 512
        # for "Ethernet Controller E810-XXV for SFP", 263 for a SAS RAID controller); a value
        # above 32767 is sent as its two's complement, as vendorId is (vSphere API HostPciDevice)
        "pci_classes": {
            str(d.id).lower(): int(d.classId) & 0xFFFF
            for d in props.get("hardware.pciDevice") or []
            if getattr(d, "id", None) and getattr(d, "classId", None) is not None
        }
        if props.get("hardware.pciDevice") is not None
        else None,
        # HostSystemInfo (vSphere Web Services API 7.0U3 vim.host.SystemInfo): vendor "Hardware
        # vendor identification", model "System model identification": the machine ESXi boots
        # on, a VM's virtual platform for a nested ESXi (HVA-436; the govmomi simulator's
        # capture, esx/host_hardware_info.go: "VMware, Inc." / "VMware Virtual Platform")
        "system": {
            "vendor": str(getattr(props["hardware.systemInfo"], "vendor", "") or ""),
            "model": str(getattr(props["hardware.systemInfo"], "model", "") or ""),
        }
        if props.get("hardware.systemInfo") is not None
        else None,
        # HostHardwareInfo.cpuFeature, "CPU feature set that is supported by the hardware. This
        # is the intersection of the feature sets supported by the individual CPU packages";
        # HostCpuIdInfo: each register a bit mask "????:????:...", bit 31 first, each bit "'0'
        # or '1', or '-' for unknown/unspecified" (vSphere Web Services API 7.0U3). CPUID leaf 1
        # ECX bit 31 is the hypervisor-present bit (Linux cpufeatures.h X86_FEATURE_HYPERVISOR
        # (4*32+31) "Running on a hypervisor"; systemd virt.c detect_vm_cpuid: ecx & 0x80000000):
        # govmomi's simulator, captured from a nested ESXi (esx/host_hardware_info.go), reports
        # level 1 ecx "1001:0111:..." (HVA-436)
        "cpuid_hypervisor": _cpuid_hypervisor(props["hardware.cpuFeature"])
        if props.get("hardware.cpuFeature") is not None
        else None,
        # R48E-1: ISO 8601; None where runtime.bootTime is not reported (a record without the
        # key is an older collector's, which did not ask for it)
        "boot_time": _iso_time(props.get("runtime.bootTime")),
        "capability": {
            k: getattr(props["capability"], k, None)
            for k in ("uefiSecureBoot", "tpmSupported", "tpmVersion")
        }
        if props.get("capability") is not None
        else None,
    }


def _cpuid_hypervisor(features: Any) -> str | None:
    """CPUID leaf 1 ECX bit 31 of a host's hardware.cpuFeature: "1", "0" or "-" (unknown); None
    when no leaf-1 entry or no well-formed ECX mask (32 bits, bit 31 first) is reported."""
    for f in features or []:
        if getattr(f, "level", None) != 1:
            continue
        bits = str(getattr(f, "ecx", "") or "").replace(":", "")
        if len(bits) == 32 and set(bits) <= {"0", "1", "-"}:
            return bits[0]
        return None
    return None


def _proxy_switches(
    proxies: list[Any] | None,
    linkless: set[str] | None,
    seen: set[str] | None = None,
    moid: str | None = None,
) -> list[dict[str, Any]] | None:
    """The host's parts of distributed switches (HostProxySwitch): the switch's name, the
    physical NICs it has on this host (`pnic`, PhysicalNic keys ending in the device), those
    of them without link and those config.network.pnic does not list (`seen`, R49E-1; each None
    where config.network.pnic is not reported); None where config.network.proxySwitch is not
    reported (R47E-3). `host` is the HostSystem's managed object id (R52V-5: the ports of the
    switch this host services carry it as their proxyHost; None where not known)."""
    if proxies is None:
        return None
    out = []
    for p in proxies:
        nics = sorted(str(k).rsplit("-", 1)[-1] for k in getattr(p, "pnic", None) or [])
        out.append(
            {
                "name": str(getattr(p, "dvsName", "") or getattr(p, "dvsUuid", "")),
                "uuid": str(getattr(p, "dvsUuid", "") or ""),
                "nics": nics,
                "no_link": [n for n in nics if n in linkless] if linkless is not None else None,
                "no_report": [n for n in nics if n not in seen] if seen is not None else None,
                "uplink_ports": _uplink_ports(p),
                "host": moid,
            }
        )
    return out


def _uplink_ports(proxy: Any) -> dict[str, str] | None:
    """Which physical NIC backs each uplink port of a distributed switch on this host (R51V-1):
    HostProxySwitch.uplinkPort ("The list of ports that can be potentially used by physical
    nics. This property contains the keys and names of such ports", KeyValue key and value)
    and spec.backing.pnicSpec (DistributedVirtualSwitchHostMemberPnicSpec: pnicDevice, "Name of
    the physical NIC", and uplinkPortKey, "Key of the port to be connected to the physical
    NIC"; vSphere Web Services API, read with `search`). Each uplink port's name (the name a
    port group's uplinkPortOrder lists) maps to its NIC, "" where no NIC backs it here; None
    where the host reports no uplink port or no physical NIC backing."""
    ports = getattr(proxy, "uplinkPort", None) or []
    backing = getattr(getattr(proxy, "spec", None), "backing", None)
    specs = getattr(backing, "pnicSpec", None)
    if not ports or specs is None:
        return None
    by_key = {
        str(s.uplinkPortKey): str(s.pnicDevice)
        for s in specs
        if getattr(s, "uplinkPortKey", None) and getattr(s, "pnicDevice", None)
    }
    return {str(kv.value): by_key.get(str(kv.key), "") for kv in ports if kv.value}


def _failover_order(switch: Any) -> list[str] | None:
    """The uplinks a standard vSwitch's team uses, active then standby (HostNicOrderPolicy: "A
    physical network adapter can be in the active list, the standby list, or neither"; "For a
    virtual switch, the NicOrderPolicy property is never null when retrieved from the server");
    None when the switch reports no order."""
    policy = getattr(getattr(switch, "spec", None), "policy", None)
    order = getattr(getattr(policy, "nicTeaming", None), "nicOrder", None)
    if order is None:
        return None
    return [str(n) for n in (getattr(order, "activeNic", None) or [])] + [
        str(n) for n in (getattr(order, "standbyNic", None) or [])
    ]


def _portgroup_order(pg: Any) -> list[str] | None:
    """The teaming order a standard port group's traffic uses, active then standby, where the port
    group sets one: HostPortGroup.computedPolicy ("Computed network policies that are applicable
    for a port group", the switch's policy with the port group's overrides applied) when it
    carries one, else the port group's own spec.policy.nicTeaming.nicOrder (HostNetworkPolicy:
    a port group's unset policy is inherited from its vSwitch). None: the vSwitch's order."""
    for policy in (
        getattr(pg, "computedPolicy", None),
        getattr(getattr(pg, "spec", None), "policy", None),
    ):
        order = getattr(getattr(policy, "nicTeaming", None), "nicOrder", None)
        if order is not None:
            return [str(n) for n in (getattr(order, "activeNic", None) or [])] + [
                str(n) for n in (getattr(order, "standbyNic", None) or [])
            ]
    return None


def _iso_time(value: Any) -> str | None:
    """A vmodl.DateTime (pyVmomi: a datetime) as ISO 8601; None where not reported."""
    if value is None:
        return None
    iso = getattr(value, "isoformat", None)
    return str(iso()) if callable(iso) else str(value)


def _attestation(info: Any) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "status": str(getattr(info, "status", "") or ""),
        "time": str(getattr(info, "time", "") or ""),
        "message": str(getattr(getattr(info, "message", None), "message", "") or ""),
    }


def _dns_names(dns: Any) -> list[str]:
    """The host's own DNS names (HostDnsConfig): its host name, and that name in its domain."""
    name = str(getattr(dns, "hostName", None) or "").strip()
    domain = str(getattr(dns, "domainName", None) or "").strip().strip(".")
    if not name:
        return []
    return [name, f"{name}.{domain}"] if domain and "." not in name else [name]


def _vnic_addresses(ip: Any) -> list[str]:
    """A VMkernel adapter's IPv4 and IPv6 addresses (HostIpConfig), empty where none is set."""
    if ip is None:
        return []
    out = [str(ip.ipAddress)] if getattr(ip, "ipAddress", None) else []
    v6 = getattr(ip, "ipV6Config", None)
    out += [
        str(a.ipAddress)
        for a in getattr(v6, "ipV6Address", None) or []
        if getattr(a, "ipAddress", None)
    ]
    return out


def _opt_bool(value: Any) -> bool | None:
    """A boolean property that need not be set: None where it is not."""
    return None if value is None else bool(value)


def _iso(value: Any) -> str | None:
    """A dateTime property that need not be set, as ISO 8601 text (None where it is not)."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _ntp(info: Any) -> dict[str, Any] | None:
    if info is None:
        return None
    # systemClockProtocol (HostDateTimeInfoProtocolEnum ntp | ptp; vSphere API 7.0.3): the
    # protocol the host's clock is synchronised by
    protocol = getattr(info, "systemClockProtocol", None)
    # HostDateTimeInfo.ptpConfig (HostPtpConfig, vSphere API 7.0.3: domain, port[]); each
    # HostPtpConfigPtpPort has index, deviceType ("A device type of DeviceType#none indicates
    # that this port is inactive"; virtualNic, pciPassthruNic) and device (the vmknic or the
    # PCI function): the network ptpd reaches its master over (HVA-419, L19-2V)
    ptp = getattr(info, "ptpConfig", None)
    return {
        # HostDateTimeInfo.ntpConfig "Need not be set" (vSphere API): not reported is None, no
        # empty list (V21C-2: it was read as "no NTP server configured"); HostNtpConfig.configFile
        # (API 6.0: "Content of ntp.conf host configuration file, split by lines") is kept for
        # the `server` lines it may hold beside an empty server list
        "servers": None
        if getattr(info, "ntpConfig", None) is None
        else [str(s) for s in getattr(info.ntpConfig, "server", None) or []],
        "config_file": None
        if getattr(info, "ntpConfig", None) is None
        else [str(x) for x in getattr(info.ntpConfig, "configFile", None) or []],
        "protocol": str(protocol) if protocol else None,
        # V24-1: the time services' state (HostDateTimeInfo, vSphere API 7.0.3; unset on older
        # hosts, kept as None): enabled "Present state of the time services subsystem",
        # serviceSync "Report true if time is synchronized with remote time source ... For
        # NetworkTimeProtocol this obtained from Leap Indicator value", lastSyncTime "If not
        # set, time services have never established synchronization", remoteNtpServer "the NTP
        # server that the host is synced with from the set of servers configured"
        "enabled": _opt_bool(getattr(info, "enabled", None)),
        "service_sync": _opt_bool(getattr(info, "serviceSync", None)),
        "last_sync": _iso(getattr(info, "lastSyncTime", None)),
        "remote_server": str(getattr(info, "remoteNtpServer", None) or "") or None,
        "ptp": {
            "domain": getattr(ptp, "domain", None),
            "ports": [
                {
                    "index": getattr(p, "index", None),
                    "device_type": str(getattr(p, "deviceType", "") or "") or None,
                    "device": str(getattr(p, "device", "") or "") or None,
                }
                for p in getattr(ptp, "port", None) or []
            ],
        }
        if ptp is not None
        else None,
    }


def _directory(info: Any) -> list[dict[str, Any]] | None:
    """The host's directory stores (Active Directory membership), as authConfig lists them."""
    if info is None:
        return None
    out = []
    for store in info.authConfig or []:
        kind = type(store).__name__.rsplit(".", 1)[-1]
        out.append(
            {
                "type": kind,
                "enabled": bool(getattr(store, "enabled", False)),
                "domain": str(getattr(store, "joinedDomain", "") or ""),
                "status": str(getattr(store, "domainMembershipStatus", "") or ""),
            }
        )
    return out


def _bool_policy(value: Any) -> bool | None:
    inner = getattr(value, "value", None)
    return inner if isinstance(inner, bool) else None


def _shares(alloc: Any) -> str | None:
    shares = getattr(alloc, "shares", None)
    level = str(getattr(shares, "level", "") or "")
    if not level:
        return None
    # level normal is rendered as ESXi writes it; the parser reads it as no priority (the
    # default level, hvaudit.parse.vmx_model)
    return str(getattr(shares, "shares", "")) if level == "custom" else level


#: .vmx keys render_vmx takes from API properties only, never from extraConfig (L18-6): the
#: properties' own keys (nestedHVEnabled, bootOptions.efiSecureBootEnabled, migrateEncryption),
#: and (V21-1) those of the resource allocations (config.cpuAllocation, config.memoryAllocation:
#: reservation, limit "-1 ... no fixed limit", shares; memoryReservationLockedToMax, whose
#: reservation the allocation reports), of config.firmware and config.flags.virtualExecUsage, and
#: of the devices (config.hardware.device: vTPM, sound, USB controllers). extraConfig is text
#: "transferred directly to the .vmx file" that "cannot set values that could otherwise be set
#: with other properties in the VirtualMachineConfigSpec" (vSphere Automation API, Ovf
#: ExtraConfig, on the extraConfig property); an entry of one of these names is not hostd's
#: report of the VM.
API_OWNED = frozenset(
    (
        "vhv.enable",
        "uefi.secureboot.enabled",
        "migrate.encryptionmode",
        *(f"sched.{r}.{k}" for r in ("cpu", "mem") for k in ("min", "max", "shares")),
        "sched.mem.pin",
        "firmware",
        "monitor.virtual_exec",
        "vtpm.present",
        "sound.present",
        "usb.present",
        "ehci.present",
        "usb_xhci.present",
    )
)
#: The .vmx names of the devices render_vmx writes from config.hardware.device (NICs, disks and
#: CD-ROMs on each bus, PCI passthrough, serial and parallel ports, floppies, USB devices): an
#: extraConfig entry under one (`ethernet0.dvs.portgroupId` naming another port group, V21-1) is
#: never evidence of the VM's devices.
API_DEVICE_KEY = re.compile(
    r"(?:ethernet[0-9]+|(?:scsi|ide|sata|nvme)[0-9]+:[0-9]+|pcipassthru[0-9]+|serial[0-9]+"
    r"|parallel[0-9]+|floppy[0-9]+|usb:[0-9]+)\..*",
    re.S,
)


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
    if props.get("config.template"):
        out[f"{OWN_PREFIX}template"] = "TRUE"  # a template: assessed as a VM, named as one
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
    if props.get("config.migrateEncryption"):
        out["migrate.encryptionMode"] = props["config.migrateEncryption"]
    key = props.get("config.keyId")
    if key is not None:
        provider = getattr(getattr(key, "providerId", None), "id", "") or ""
        out["hvaudit.encryption.keyId"] = f"{provider}/{getattr(key, 'keyId', '')}"
    # VirtualMachineConfigInfo.maxMksConnections: the remote console (MKS) sessions the VM
    # admits, past which the API refuses a ticket (MksConnectionLimitReached, vSphere API 5.0)
    if props.get("config.maxMksConnections") is not None:
        out["hvaudit.maxMksConnections"] = props["config.maxMksConnections"]
    # the API leaves `snapshot` unset on a VM without snapshots
    snapshots = _snapshots(getattr(props.get("snapshot"), "rootSnapshotList", None) or [])
    out["hvaudit.snapshot.count"] = len(snapshots)
    if snapshots:
        out["hvaudit.snapshot.oldest"] = min(snapshots)
    devices = props.get("config.hardware.device") or []
    controllers = {d.key: d for d in devices}
    counts: dict[str, int] = {}
    disks = encrypted_disks = 0

    def next_id(kind: str) -> int:
        counts[kind] = counts.get(kind, -1) + 1
        return counts[kind]

    for d in devices:
        kind = wsdl_type(d)
        backing = getattr(d, "backing", None)
        if kind in NIC_MODELS:
            n = next_id("ethernet")
            out[f"ethernet{n}.present"] = "TRUE"
            out[f"ethernet{n}.virtualDev"] = NIC_MODELS[kind]
            port = getattr(backing, "port", None)
            group = getattr(port, "portgroupKey", None) if port is not None else None
            # V21B-2: a backing that names no port group (a distributed port connected on its
            # own: DistributedVirtualSwitchPortConnection.portgroupKey is Optional, portKey
            # "represents a connection ... between an individual DistributedVirtualPort and a
            # Virtual NIC"; an NSX opaque network, VirtualEthernetCardOpaqueNetworkBackingInfo;
            # a network backing without deviceName) is written under a name no port group has
            # (parenthesised): it was "None", or "" which the parser reads as the .vmx default
            # connection "bridged", and a port group of that name on the host was taken for it
            if group:
                name = dvpgs.get(group, {}).get("name", group)
            elif port is not None:
                name = (
                    f"(distributed port {getattr(port, 'portKey', None) or '?'} of switch "
                    f"{getattr(port, 'switchUuid', None) or '?'}, in no port group)"
                )
            elif wsdl_type(backing) == "VirtualEthernetCardOpaqueNetworkBackingInfo":
                name = (
                    f"(opaque network {getattr(backing, 'opaqueNetworkId', None) or '?'} of "
                    f"type {getattr(backing, 'opaqueNetworkType', None) or '?'})"
                )
            else:
                name = getattr(backing, "deviceName", "") or "(no network named by the backing)"
            out[f"ethernet{n}.networkName"] = name
            if group:
                # the key a .vmx itself records (`ethernet0.dvs.portgroupId = "dvportgroup-75"`
                # beside dvs.switchId and dvs.portId in VMware .vmx files, read with
                # `find_string`): the key, not the name, says which port group it is (V13-3)
                out[f"ethernet{n}.dvs.portgroupId"] = group
            if getattr(d, "macAddress", None):
                out[f"ethernet{n}.address"] = d.macAddress
            if kind == "VirtualSriovEthernetCard":
                # "SR-IOV physical function and virtual function backing for a passthrough NIC"
                # (VirtualSriovEthernetCardSriovBackingInfo): a PCI function given to the VM
                sriov = getattr(d, "sriovBacking", None)
                vf = getattr(getattr(sriov, "virtualFunctionBacking", None), "id", None)
                pf = getattr(getattr(sriov, "physicalFunctionBacking", None), "id", None)
                out[f"{OWN_PREFIX}ethernet{n}.sriovFunction"] = vf or pf or "?"
        elif kind in ("VirtualDisk", "VirtualCdrom"):
            if kind == "VirtualDisk":
                # the disk's own key (VirtualDiskFlatVer2BackingInfo.keyId, CryptoKeyId: set on
                # an encrypted disk); config.keyId alone is the VM Home files (a vTPM encrypts
                # those "but not the disks", vSphere VM Administration 8.0)
                disks += 1
                encrypted_disks += getattr(backing, "keyId", None) is not None
            ctrl = controllers.get(getattr(d, "controllerKey", None))
            bus = _bus(wsdl_type(ctrl) if ctrl is not None else "")
            if bus is None:
                continue
            unit = int(getattr(d, "unitNumber", 0) or 0)
            at = f"{bus}{getattr(ctrl, 'busNumber', 0)}:{unit}"
            while f"{at}.present" in out:  # a unit number reported twice: keep both devices
                unit += 1
                at = f"{bus}{getattr(ctrl, 'busNumber', 0)}:{unit}"
            out[f"{at}.present"] = "TRUE"
            backing_kind = wsdl_type(backing)
            if kind == "VirtualCdrom":
                # the host's own drive, as the .vmx spells it: in passthrough mode ("Raw passthru
                # device access", vSphere Automation API Cdrom.DeviceAccessType PASSTHRU)
                # cdrom-raw, emulated ("ATAPI or SCSI device emulation", EMULATION: the
                # AtapiBacking) atapi-cdrom; a client's drive (Remote*) is not a host device
                host_drive = "Remote" not in backing_kind
                out[f"{at}.deviceType"] = (
                    "cdrom-raw"
                    if host_drive and "PassthroughBacking" in backing_kind
                    else "atapi-cdrom"
                    if host_drive and "AtapiBacking" in backing_kind
                    else "cdrom-image"
                )
            file_name = getattr(backing, "fileName", None) or getattr(backing, "deviceName", None)
            if file_name:
                out[f"{at}.fileName"] = file_name
        elif kind == "VirtualPCIPassthrough":
            n = next_id("pciPassthru")
            out[f"pciPassthru{n}.present"] = "TRUE"
            # a Dynamic DirectPath I/O device (VirtualPCIPassthroughDynamicBackingInfo, vSphere
            # 7.0) names the host function it was given as assignedId ("The id of the device
            # assigned when the VM is powered on"), not id
            out[f"pciPassthru{n}.id"] = (
                getattr(backing, "id", None) or getattr(backing, "assignedId", None) or "?"
            )
            # a vGPU (VirtualPCIPassthroughVmiopBackingInfo: "At present, this interface is only
            # used to implement vGPU"; vgpu "The vGPU configuration type exposed by a VMIOP
            # plugin", vSphere API reference, read with `search`) names no host function: its
            # profile is what the VM is given (L19-3D)
            if vgpu := getattr(backing, "vgpu", None):
                out[f"pciPassthru{n}.vgpu"] = str(vgpu)
        elif kind in ("VirtualSerialPort", "VirtualParallelPort", "VirtualFloppy"):
            name = {
                "VirtualSerialPort": "serial",
                "VirtualParallelPort": "parallel",
                "VirtualFloppy": "floppy",
            }[kind]
            n = next_id(name)
            out[f"{name}{n}.present"] = "TRUE"
            if "DeviceBackingInfo" in wsdl_type(backing):
                out[f"{name}{n}.fileType"] = "device"
                out[f"{name}{n}.fileName"] = getattr(backing, "deviceName", "") or "?"
            elif wsdl_type(backing) == "VirtualSerialPortURIBackingInfo":
                # a network serial port (serviceURI, direction server|client, proxyURI of a
                # concentrator), written as a .vmx has it (libvirt src/vmx/vmx.c: fileType
                # "network", fileName the URI, network.endPoint, vspc)
                out[f"{name}{n}.fileType"] = "network"
                out[f"{name}{n}.fileName"] = getattr(backing, "serviceURI", "") or "?"
                out[f"{name}{n}.network.endPoint"] = getattr(backing, "direction", "") or "server"
                proxy = getattr(backing, "proxyURI", None)
                if proxy:
                    out[f"{name}{n}.vspc"] = proxy
        elif kind in ("VirtualEnsoniq1371", "VirtualHdAudioCard", "VirtualSoundBlaster16"):
            out["sound.present"] = "TRUE"
        elif kind == "VirtualMachineVideoCard":
            # VirtualMachineVideoCard.enable3DSupport: "Flag to indicate whether the virtual
            # video card supports 3D functions" (vSphere API)
            out["hvaudit.video.enable3DSupport"] = (
                "TRUE" if getattr(d, "enable3DSupport", False) else "FALSE"
            )
        elif kind == "VirtualTPM":
            out["vtpm.present"] = "TRUE"
        elif kind == "VirtualUSBController":
            out["usb.present"] = "TRUE"
            if getattr(d, "ehciEnabled", False):
                out["ehci.present"] = "TRUE"
        elif kind == "VirtualUSBXHCIController":
            out["usb_xhci.present"] = "TRUE"
        elif kind == "VirtualUSB":
            n = next_id("usb:")
            out[f"usb:{n}.present"] = "TRUE"
            out[f"usb:{n}.deviceType"] = wsdl_type(backing) or "?"
            device_name = getattr(backing, "deviceName", None)
            if device_name:
                out[f"{OWN_PREFIX}usb:{n}.deviceName"] = device_name
    if props.get("config.hardware.device") is not None:
        out["hvaudit.encryption.disks"] = disks
        out["hvaudit.encryption.disksEncrypted"] = encrypted_disks
    rendered = {k.lower() for k in out}
    for option in props.get("config.extraConfig") or []:
        key = str(getattr(option, "key", ""))
        # `hvaudit.*` names what this function renders from API properties (power state,
        # config.keyId, snapshots); an advanced setting of that name is anyone's text, "transferred
        # directly to the .vmx file" (vSphere API, OptionValue extraConfig): never evidence
        if key.lower().startswith(OWN_PREFIX):
            continue
        # A key rendered above from its API property (nestedHVEnabled, bootOptions.
        # efiSecureBootEnabled, migrateEncryption) is hostd's report of that setting; an
        # extraConfig entry of the same name where the property is unset or not reported is a
        # second, unreconciled word which one hostd honours is not documented, so it is never
        # evidence (L18-6): migrate.encryptionMode = "required" in extraConfig passed HVA-441
        # on a host that did not report config.migrateEncryption
        if key.lower() in API_OWNED or API_DEVICE_KEY.fullmatch(key.lower()):
            continue
        if _KEY_OK.fullmatch(key) and key.lower() not in rendered:
            rendered.add(key.lower())
            out[key] = getattr(option, "value", "")
    return "".join(f'{k} = "{vmx_escape(v)}"\n' for k, v in out.items())


def wsdl_type(obj: object) -> str:
    """The vSphere API (WSDL) type name of a pyVmomi data object, the name the API reference
    documents and render_vmx matches on. pyVmomi's class is named by its binding, which is not
    always the WSDL name: `CreateDataType("vim.vm.device.VirtualVideoCard",
    "VirtualMachineVideoCard", ...)` (pyVmomi _typeinfo_vim.py; the API reference's "Data Object -
    VirtualMachineVideoCard(vim.vm.device.VirtualVideoCard)", read with `search`), and a backing
    is vim.vm.device.VirtualCdrom.AtapiBackingInfo for VirtualCdromAtapiBackingInfo. pyVmomi keeps
    the WSDL name as the class's `_wsdlName` (R72); an object from elsewhere (a test's stand-in)
    is named by the last part of its class name."""
    name = getattr(type(obj), "_wsdlName", None)
    return name if isinstance(name, str) and name else type(obj).__name__.rsplit(".", 1)[-1]


def _snapshots(trees: list[Any]) -> list[str]:
    """The creation time (UTC, ISO 8601) of every snapshot in the trees."""
    out: list[str] = []
    stack = list(trees)
    while stack:
        tree = stack.pop()
        created = getattr(tree, "createTime", None)
        if created is not None:
            if created.tzinfo is not None:
                created = created.astimezone(dt.UTC)
            out.append(created.replace(tzinfo=None, microsecond=0).isoformat() + "Z")
        stack.extend(getattr(tree, "childSnapshotList", None) or [])
    return out


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


@contextlib.contextmanager
def _default_socket_timeout(seconds: float) -> Iterator[None]:
    """Give sockets created without a time-out this one, for the duration of the block."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)
