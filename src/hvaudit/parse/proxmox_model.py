"""A Proxmox VE bundle into the deployment model, so the platform-neutral checks apply unchanged.

Effective values are resolved here once, with Proxmox's documented defaults: a VM's NIC filters
spoofing only when the cluster firewall, the VM's firewall and the NIC's `firewall=1` are all on
(VM firewall `enable` defaults to 0, `macfilter` to 1, `ipfilter` is off unless set and needs
addresses in `ipfilter-net<N>`); an untagged NIC on a VLAN-aware bridge receives every VLAN.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import TypeVar

from hvaudit.bundle import Bundle
from hvaudit.collect.proxmox import NODE_NAME, in_cluster, node_artefact, pve_artefact
from hvaudit.errors import InputError
from hvaudit.model import (
    Deployment,
    Disk,
    Fact,
    Graphics,
    Host,
    Interface,
    Listen,
    Passthrough,
    Pool,
    ProxmoxHost,
    Setting,
    Source,
    SpoofProtection,
    Vm,
)
from hvaudit.parse import ParseProblem, collection_notes
from hvaudit.parse import proxmox as pve
from hvaudit.parse.host import parse_host_facts

__all__ = ["build_pve_deployment"]

T = TypeVar("T")

NIC_MODELS = (
    "virtio",
    "e1000",
    "e1000e",
    "rtl8139",
    "vmxnet3",
    "i82551",
    "i82557b",
    "i82559er",
    "ne2k_isa",
    "ne2k_pci",
    "pcnet",
    "e1000-82540em",
    "e1000-82544gc",
    "e1000-82545em",
)
DISK_BUSES = ("scsi", "virtio", "sata", "ide")
REMOTE_STORAGE = {
    "nfs": "netfs",
    "cifs": "netfs",
    "cephfs": "netfs",
    "pbs": "netfs",
    "glusterfs": "gluster",
    "rbd": "rbd",
    "iscsi": "iscsi",
    "iscsidirect": "iscsi-direct",
}
DEFAULT_MEMORY_MIB = 512


def _file(
    bundle: Bundle,
    path: str,
    parse: Callable[[str, str], T],
    problems: list[ParseProblem],
    host: str,
    absent: Callable[[], Fact[T]] | None = None,
    *,
    artefact: str | None = None,
) -> Fact[T]:
    artefact = artefact or pve_artefact(path)
    entry = bundle.entry(artefact)
    if entry is None:
        return Fact.unavailable(f"{path} was not collected")
    if entry.status == "absent":
        return absent() if absent else Fact.unavailable(f"{path} does not exist on the node")
    if entry.status == "unavailable":
        return Fact.unavailable(f"{path}: {entry.reason}", Source(artefact))
    if entry.status != "ok":
        return Fact.failed(f"{path}: {entry.reason}", Source(artefact))
    try:
        return Fact.of(parse(bundle.text(artefact), artefact), Source(artefact))
    except InputError as exc:
        problems.append(ParseProblem("host", host, artefact, str(exc)))
        return Fact.failed(str(exc), Source(artefact))


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(float(text or ""))
    except ValueError:
        return default


def _float(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def _cores(bundle: Bundle) -> tuple[int, int, int]:
    """(cores, threads, memory KiB) from the node's /proc files, 0 when unknown."""
    cores = threads = mem = 0
    info = bundle.entry("host/files/proc/cpuinfo")
    if info is not None and info.status == "ok":
        text = bundle.text(info.path)
        pairs = set(re.findall(r"physical id\s*:\s*(\d+)[\s\S]*?core id\s*:\s*(\d+)", text))
        threads = len(re.findall(r"^processor\s*:", text, re.M))
        cores = len(pairs) or threads
    meminfo = bundle.entry("host/files/proc/meminfo")
    if meminfo is not None and meminfo.status == "ok":
        m = re.search(r"MemTotal:\s*(\d+)\s*kB", bundle.text(meminfo.path))
        mem = int(m.group(1)) if m else 0
    return cores, threads, mem


def _spoofing(
    nic: dict[str, str],
    index: str,
    cluster: Fact[pve.FirewallFile],
    vm_fw: pve.FirewallFile | None,
    src: Source,
) -> Fact[SpoofProtection]:
    if not cluster.known:
        return Fact(cluster.state, None, cluster.sources, f"cluster firewall: {cluster.reason}")
    if cluster.get().options.get("enable", "0") != "1":
        return Fact.of(
            SpoofProtection(frozenset(), "", "no filter: the cluster firewall is off"),
            src,
            *cluster.sources,
        )
    if vm_fw is None or vm_fw.options.get("enable", "0") != "1":
        return Fact.of(SpoofProtection(frozenset(), "", "no filter: the VM firewall is off"), src)
    if nic.get("firewall", "0") != "1":
        return Fact.of(SpoofProtection(frozenset(), "", "no filter: firewall=0 on the NIC"), src)
    covers = set()
    if vm_fw.options.get("macfilter", "1") == "1":
        covers.add("mac")
    if vm_fw.options.get("ipfilter", "0") == "1" and vm_fw.ipsets.get(f"ipfilter-{index}"):
        covers.add("ip")
    return Fact.of(SpoofProtection(frozenset(covers), "pve-firewall (macfilter, ipfilter)"), src)


def _vm(cfg: pve.QemuConfig, artefact: str, host: str, px: ProxmoxHost) -> Vm:
    v = cfg.values

    def at(key: str) -> Source:
        return Source(artefact, f"line {cfg.lines.get(key, 0)}: {key}")

    cpu = pve.parse_property_string(v.get("cpu", "kvm64"), "cputype")
    sockets, cores = _int(v.get("sockets"), 1) or 1, _int(v.get("cores"), 1) or 1
    memory = _int(v.get("memory"), DEFAULT_MEMORY_MIB)
    bridges = px.interfaces.get().ifaces if px.interfaces.known else {}
    interfaces, passthrough, disks, legacy = [], [], [], []
    for key in sorted(v):
        val = v[key]
        if re.fullmatch(r"net\d+", key):
            nic = pve.parse_property_string(val)
            model = next((m for m in nic if m in NIC_MODELS), None)
            bridge = nic.get("bridge", "")
            tags = tuple(_int(t) for t in nic.get("trunks", "").split(";") if t.strip())
            if nic.get("tag"):
                tags = (_int(nic["tag"]), *tags)
            vlan_aware = bridges.get(bridge, {}).get("bridge-vlan-aware") == "yes"
            trunk = bool(nic.get("trunks")) or (vlan_aware and not nic.get("tag"))
            interfaces.append(
                Interface(
                    type="bridge",
                    source=bridge,
                    mac=nic.get(model) if model else None,
                    model=model,
                    filter="pve-firewall" if nic.get("firewall") == "1" else None,
                    filter_parameters=(),
                    vlan_tags=tags,
                    vlan_trunk=trunk,
                    trust_guest_rx_filters=False,
                    macvtap_mode=None,
                    port_isolated=None,
                    virtualport=None,
                    bandwidth_limited="rate" in nic,
                    source_ref=at(key),
                    spoofing=_spoofing(
                        nic, key, px.cluster_firewall, px.vm_firewalls.get(cfg.vmid), at(key)
                    ),
                )
            )
        elif re.fullmatch(r"hostpci\d+", key):
            passthrough.append(
                Passthrough("pci", pve.parse_property_string(val, "host").get("host", "?"), at(key))
            )
        elif re.fullmatch(r"usb\d+", key) and "host=" in val:
            passthrough.append(
                Passthrough("usb", pve.parse_property_string(val, "host").get("host", "?"), at(key))
            )
        elif (m := re.fullmatch(r"(scsi|virtio|sata|ide)\d+", key)) is not None:
            d = pve.parse_property_string(val, "file")
            media = d.get("media", "disk")
            disks.append(
                Disk(
                    device="cdrom" if media == "cdrom" else "disk",
                    bus=m.group(1),
                    source=d.get("file"),
                    readonly=d.get("ro") == "1",
                    io_limited=any(k.startswith(("mbps", "iops")) for k in d),
                    source_ref=at(key),
                )
            )
            if m.group(1) == "ide":
                legacy.append("IDE bus")
        elif re.fullmatch(r"audio\d+", key):
            legacy.append("sound card")
    vga = pve.parse_property_string(v.get("vga", "std"), "type").get("type", "std")
    graphics = []
    if vga != "none" and not vga.startswith("serial"):
        kind = "spice" if vga.startswith("qxl") else "vnc"
        graphics.append(
            Graphics(
                kind,
                (Listen("socket", f"/var/run/qemu-server/{cfg.vmid}.{kind}"),),
                Fact.not_applicable("reached through pveproxy with a ticket"),
                at("vga"),
            )
        )
    efi = pve.parse_property_string(v.get("efidisk0", ""), "file")
    return Vm(
        name=v.get("name") or f"vm{cfg.vmid}",
        uuid=cfg.vmid,
        host=host,
        running=False,
        autostart=v.get("onboot") == "1",
        hardware_accelerated=Fact.of(v.get("kvm", "1") != "0", at("kvm")),
        accelerator="TCG, kvm: 0" if v.get("kvm") == "0" else "kvm",
        vcpus_max=sockets * cores,
        memory_max_kib=memory * 1024,
        memory_guarantee=Setting(f"hugepages {v['hugepages']}", at("hugepages"))
        if v.get("hugepages")
        else None,
        memory_limit=None,
        memory_priority=Setting(f"memory shares {v['shares']}", at("shares"))
        if "shares" in v
        else None,
        memory_locked=False,
        cpu_reservation=Setting(f"affinity {v['affinity']}", at("affinity"))
        if v.get("affinity")
        else None,
        cpu_limit=Setting(f"cpulimit {v['cpulimit']}", at("cpulimit"))
        if _float(v.get("cpulimit")) > 0
        else None,
        cpu_priority=Setting(f"cpuunits {v['cpuunits']}", at("cpuunits"))
        if "cpuunits" in v
        else None,
        realtime_vcpus=False,
        nested_virtualization=cpu.get("cputype") in ("host", "max"),
        graphics=tuple(graphics),
        interfaces=tuple(interfaces),
        disks=tuple(disks),
        passthrough=tuple(passthrough),
        emulated_legacy_devices=tuple(dict.fromkeys(legacy)),
        confinement=Fact.of(
            "none (Proxmox VE runs QEMU as root without a per-VM label)", Source(artefact)
        ),
        confinement_disabled=True,
        raw_hypervisor_arguments=tuple(v["args"].split()) if v.get("args") else (),
        vtpm="tpmstate0" in v,
        secure_boot=v.get("bios") == "ovmf" and efi.get("pre-enrolled-keys") == "1",
        source=Source(artefact),
    )


def build_pve_deployment(bundle: Bundle) -> tuple[Deployment, list[ParseProblem]]:
    """Build the model of a Proxmox VE bundle: one node, or every node of a cluster (API path)."""
    problems: list[ParseProblem] = []
    meta = bundle.manifest.get("collector", {}).get("proxmox", {})
    members = meta.get("nodes") if isinstance(meta, dict) else None
    cluster = [n for n in members or [] if isinstance(n, str) and NODE_NAME.fullmatch(n)]
    if cluster:
        first = cluster[0]
    else:
        entry = bundle.entry(pve_artefact("/etc/hostname"))
        first = (
            bundle.text(entry.path).strip() if entry and entry.status == "ok" else ""
        ) or bundle.target
    shared = _cluster_facts(bundle, problems, first)
    dep = Deployment(
        target=bundle.target,
        platform="proxmox-ve",
        collected_at=str(bundle.manifest.get("collected_at", "")),
        hosts=[],
        vms=[],
        networks=[],
        pools=[],
        artefact_digests={p: e.sha256 for p, e in bundle.entries.items() if e.sha256},
    )
    if cluster:
        for node in cluster:
            _add_node(
                bundle,
                dep,
                problems,
                shared,
                node,
                functools.partial(in_cluster, node),
                vm_dir=pve_artefact(f"/etc/pve/nodes/{node}/qemu-server/"),
                status=node_artefact(node, "/status.json"),
            )
    else:
        _add_node(
            bundle,
            dep,
            problems,
            shared,
            first,
            pve_artefact,
            vm_dir=pve_artefact("/etc/pve/qemu-server/"),
            status="pve/api/node-status.json",
        )
    storage = _file(bundle, "/etc/pve/storage.cfg", pve.parse_storage, problems, first)
    if storage.known:
        for sid, opts in storage.get().items():
            kind = REMOTE_STORAGE.get(opts["type"], opts["type"])
            dep.pools.append(
                Pool(
                    sid,
                    first,
                    kind,
                    opts.get("path") or opts.get("export"),
                    Source(pve_artefact("/etc/pve/storage.cfg"), sid),
                )
            )
    for host in dep.hosts:
        assert host.proxmox is not None
        for path, key, line in host.proxmox.unknown_keys:
            dep.notes.append(
                f"{path}:{line}: unknown VM configuration key {key!r} kept, not assessed"
            )
    dep.notes += collection_notes(bundle)
    return dep, problems


def _cluster_facts(bundle: Bundle, problems: list[ParseProblem], label: str) -> ProxmoxHost:
    """What /etc/pve holds for the whole cluster, read once and shared by every node."""
    px = ProxmoxHost()
    px.datacenter = _file(
        bundle,
        "/etc/pve/datacenter.cfg",
        pve.parse_datacenter,
        problems,
        label,
        lambda: Fact.of({}, Source(pve_artefact("/etc/pve/datacenter.cfg"), "absent: defaults")),
    )
    px.users = _file(bundle, "/etc/pve/user.cfg", pve.parse_user_config, problems, label)
    px.cluster_firewall = _file(
        bundle,
        "/etc/pve/firewall/cluster.fw",
        pve.parse_firewall,
        problems,
        label,
        lambda: Fact.of(
            pve.FirewallFile(),
            Source(pve_artefact("/etc/pve/firewall/cluster.fw"), "absent: firewall off"),
        ),
    )
    px.corosync = _file(
        bundle,
        "/etc/pve/corosync.conf",
        pve.parse_corosync,
        problems,
        label,
        lambda: Fact.not_applicable("a single node: no corosync.conf"),
    )
    for entry in bundle.under(pve_artefact("/etc/pve/firewall/")):
        vmid = entry.path.rsplit("/", 1)[-1].removesuffix(".fw")
        if vmid.isdigit() and entry.status == "ok":
            try:
                px.vm_firewalls[vmid] = pve.parse_firewall(bundle.text(entry.path), entry.path)
            except InputError as exc:
                problems.append(ParseProblem("vm", vmid, entry.path, str(exc)))
    return px


def _add_node(
    bundle: Bundle,
    dep: Deployment,
    problems: list[ParseProblem],
    shared: ProxmoxHost,
    hostname: str,
    at: Callable[[str], str],
    *,
    vm_dir: str,
    status: str,
) -> None:
    """One node: its own firewall, network, web proxy settings, size and VMs."""
    px = ProxmoxHost(
        datacenter=shared.datacenter,
        users=shared.users,
        cluster_firewall=shared.cluster_firewall,
        corosync=shared.corosync,
        vm_firewalls=shared.vm_firewalls,
    )
    host_fw = f"/etc/pve/nodes/{hostname}/host.fw"
    px.host_firewall = _file(
        bundle,
        host_fw,
        pve.parse_firewall,
        problems,
        hostname,
        lambda: Fact.of(pve.FirewallFile(), Source(at(host_fw), "absent: defaults")),
        artefact=at(host_fw),
    )
    px.interfaces = _file(
        bundle,
        "/etc/network/interfaces",
        pve.parse_interfaces,
        problems,
        hostname,
        artefact=at("/etc/network/interfaces"),
    )
    px.pveproxy = _file(
        bundle,
        "/etc/default/pveproxy",
        pve.parse_pveproxy_defaults,
        problems,
        hostname,
        lambda: Fact.of({}, Source(at("/etc/default/pveproxy"), "absent: defaults")),
        artefact=at("/etc/default/pveproxy"),
    )
    cores, threads, mem = _cores(bundle)
    entry = bundle.entry(status)
    if entry is not None and entry.status == "ok" and not cores:
        node = json.loads(bundle.text(entry.path))
        cpu = node.get("cpuinfo", {}) if isinstance(node, dict) else {}
        cores = int(cpu.get("cores", 0) or 0) * max(int(cpu.get("sockets", 1) or 1), 1)
        threads = int(cpu.get("cpus", 0) or 0)
        mem = int((node.get("memory", {}) or {}).get("total", 0) or 0) // 1024
    dep.hosts.append(
        Host(
            name=hostname,
            platform="proxmox-ve",
            simulated=False,
            hypervisor="QEMU/KVM (Proxmox VE)",
            hypervisor_version="",
            cores=cores,
            threads=threads,
            memory_kib=mem,
            facts=parse_host_facts(bundle),
            source=Source(entry.path if entry is not None else "host/files/proc/cpuinfo"),
            proxmox=px,
        )
    )
    for vm_entry in bundle.under(vm_dir):
        if vm_entry.status != "ok" or "/" in vm_entry.path.removeprefix(vm_dir):
            continue
        try:
            cfg = pve.parse_qemu_config(bundle.text(vm_entry.path), vm_entry.path)
        except InputError as exc:
            name = vm_entry.path.rsplit("/", 1)[-1]
            problems.append(ParseProblem("vm", name, vm_entry.path, str(exc)))
            continue
        px.unknown_keys += [(vm_entry.path, k, n) for k, n in cfg.unknown]
        dep.vms.append(_vm(cfg, vm_entry.path, hostname, px))
