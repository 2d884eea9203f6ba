"""Parsing: a verified bundle into the deployment model. Pure and deterministic: no IO but the bundle.

An artefact that cannot be parsed does not stop the rest: it becomes a `ParseProblem`, which the
engine reports as an `error` result on the subject it belongs to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from hvaudit.bundle import Bundle
from hvaudit.collect.host import file_artefact
from hvaudit.errors import BundleError, InputError
from hvaudit.model import (
    Deployment,
    Fact,
    Host,
    HostFacts,
    Interface,
    Network,
    NwFilter,
    Source,
    SpoofProtection,
    definition_differences,
)
from hvaudit.parse.host import parse_host_facts, parse_libvirt_host
from hvaudit.parse.libvirt_xml import (
    SOCKET_TUNNELS,
    parse_domain,
    parse_network,
    parse_pool,
    resolve_network_port,
)
from hvaudit.parse.nwfilter import SPOOF_FILTERS, TREE_TOO_DEEP, spoof_coverage
from hvaudit.safexml import parse_xml

__all__ = ["ParseProblem", "build_deployment"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """An artefact that could not be read into the model."""

    subject_type: str
    subject: str
    artefact: str
    message: str


def _index(bundle: Bundle, kind: str) -> list[dict[str, object]]:
    entry = bundle.entry(f"libvirt/{kind}/index.json")
    if entry is None or entry.status != "ok":
        return []
    try:
        data = json.loads(bundle.text(entry.path)).get(kind, [])
    except (ValueError, AttributeError):
        raise BundleError(f"{bundle.origin}: {entry.path} is not valid JSON") from None
    return [d for d in data if isinstance(d, dict)]


def _unread_domains(bundle: Bundle) -> list[tuple[str, str]]:
    """The domains whose definition the collection did not get (R28D-1, R28D-2): each
    `libvirt/domains/<uuid>.xml` the collector recorded as failed (collect/libvirt.py `_domains`:
    virDomainGetXMLDesc refused or failed, left out of the index), or every domain where the
    listing failed. A persistent twin (`.next.xml`) is not one: its running definition is read
    (what it starts from next is _unread_next's, R29D-3)."""
    index = bundle.entry("libvirt/domains/index.json")
    if index is not None and index.status == "failed":
        return [("every domain", f"{index.path}: collection failed ({index.reason})")]
    return [
        (
            e.path.removeprefix("libvirt/domains/").removesuffix(".xml"),
            f"{e.path}: collection failed ({e.reason})",
        )
        for e in bundle.entries.values()
        if e.status == "failed"
        and e.path.startswith("libvirt/domains/")
        and e.path.endswith(".xml")
        and not e.path.endswith(".next.xml")
    ]


def _unread_next(bundle: Bundle) -> dict[str, str]:
    """Running domains whose persistent definition the collection did not get (R29D-3): each
    `libvirt/domains/<uuid>.next.xml` the collector recorded as failed (collect/libvirt.py
    `_next_boot`: virDomainGetXMLDesc with VIR_DOMAIN_XML_INACTIVE failed), uuid -> why. The
    domain runs from its live definition, which is read, but starts next from that one
    (virsh define/edit on a running domain: "the changes will take effect on the next boot")."""
    return {
        e.path.removeprefix("libvirt/domains/").removesuffix(".next.xml"): (
            f"{e.path}: collection failed ({e.reason})"
        )
        for e in bundle.entries.values()
        if e.status == "failed"
        and e.path.startswith("libvirt/domains/")
        and e.path.endswith(".next.xml")
    }


def _parse_each(
    bundle: Bundle,
    kind: str,
    parse: Callable[[str, str, str], T],
    hostname: str,
    problems: list[ParseProblem],
) -> list[T]:
    """Parse every object of one kind; an unparseable one becomes a ParseProblem."""
    out = []
    for d in _index(bundle, kind):
        path = str(d.get("file", ""))
        if path not in bundle.files:
            continue
        try:
            out.append(parse(bundle.text(path), path, hostname))
        except InputError as exc:
            problems.append(ParseProblem(kind[:-1], str(d.get("name", path)), path, str(exc)))
    return out


def _cpuinfo_cores(bundle: Bundle) -> int:
    """The physical cores /proc/cpuinfo names: distinct (physical id, core id) pairs of its
    processors (x86's show_cpuinfo prints both for each); 0 where it was not read or a processor
    names no core (other architectures)."""
    entry = bundle.entry(file_artefact("/proc/cpuinfo"))
    if entry is None or entry.status != "ok":
        return 0
    pairs: set[tuple[str, str]] = set()
    for block in re.split(r"\n\s*\n", bundle.text(entry.path)):
        if not re.search(r"^processor\s*:", block, re.M):
            continue
        package = re.search(r"^physical id\s*:\s*([0-9]+)", block, re.M)
        core = re.search(r"^core id\s*:\s*([0-9]+)", block, re.M)
        if package is None or core is None:
            return 0
        pairs.add((package.group(1), core.group(1)))
    return len(pairs)


def _domain_args(manifest: Mapping[str, Any], target: str) -> tuple[str, bool, bool]:
    """What every domain of a libvirt bundle is parsed with: the host's name, whether the XML
    was read with secrets (--secure-xml), and whether the driver keeps the QEMU namespace."""
    meta = manifest.get("collector", {}).get("libvirt", {})
    hostname = str(meta.get("hostname") or target)
    if meta.get("simulated"):
        # The test driver reports the scanning machine's hostname; name the simulated host after
        # its node file instead (test:///path/hv-demo-01.xml -> hv-demo-01).
        stem = target.rsplit("/", 1)[-1].removesuffix(".xml")
        hostname = stem if stem and stem != "default" else "test-default"
    # libvirt's test driver keeps no QEMU namespace in domain XML (it has no QEMU driver).
    driver = str(meta.get("uri", "")).partition(":")[0].partition("+")[0]
    return hostname, bool(meta.get("secure_xml")), driver != "test"


SWITCHED = ("network", "bridge", "ethernet")


def _spoofing(
    itf: Interface,
    defs: Fact[dict[str, tuple[str, ...]]],
    networks: dict[str, Network] | None = None,
    filters: dict[str, NwFilter] | None = None,
    coverage: dict[str, tuple[frozenset[str], str]] | None = None,
) -> Fact[SpoofProtection]:
    """What libvirt's nwfilter at this interface stops the guest from forging, resolved once
    through the host's filter definitions (clean-traffic references the three anti-spoofing
    filters; a site filter may wrap clean-traffic).

    `coverage` keeps what `spoof_coverage` found per filter name for one set of definitions
    (`filters`): it is a function of the name and the definitions alone, and on a real host
    (libvirt's 17 stock filters, clean-traffic on every interface) resolving it again for each
    interface was about two thirds of parsing a deployment.

    libvirt instantiates nwfilter rules on tap devices only: docs/formatnwfilter.rst, "Concepts",
    lists the supported interface types as network, ethernet (in bridging mode) and bridge, and
    src/qemu/qemu_interface.c calls virDomainConfNWFilterInstantiate from
    qemuInterfaceEthernetConnect and qemuInterfaceBridgeConnect only. So a macvtap port, whether
    `type='direct'` or a `<network>` whose `<forward>` is macvtap (libvirt formatnetwork), and an
    SR-IOV function have no host filter at all, whatever `<filterref>` says. Neither have a
    vhost-user port, whose frames go through shared memory to a user-space switch (formatdomain,
    "vhost-user connection"; Open vSwitch with DPDK), nor the socket tunnels (`server`, `client`,
    `mcast`, `udp`: formatdomain "Multicast tunnel", "TCP tunnel", "UDP unicast tunnel"), which
    hand the guest's Ethernet frames to other QEMU processes. Nor has a port of an Open vSwitch
    bridge: nwfilter's ebtables and iptables rules hook Linux bridges, and OVS forwards in its own
    datapath ("Historically, Open vSwitch (OVS) could not interact directly with iptables to
    implement security groups. Thus, the OVS agent and Compute service use a Linux bridge between
    each instance (VM) and the OVS integration bridge", openstack-ansible os_neutron release
    note on the openvswitch firewall driver). Those become unavailable facts the
    checks turn into precise manual questions (the physical switch, the VF's spoofchk, the
    user-space switch or the tunnel's peers is what can stop spoofing there); only a user-mode
    (SLIRP) interface, whose frames end in QEMU's own network stack, has no port to spoof from.
    A network whose definition the evidence lacks may be any of these: unavailable (R16-5)."""
    net = (networks or {}).get(itf.source) if itf.type == "network" else None
    if itf.type == "direct" or (net is not None and net.macvtap):
        where = (
            f"macvtap on {itf.source} (mode {itf.macvtap_mode})"
            if net is None
            else f"network {net.name} is macvtap (forward mode {net.forward_mode} over "
            f"{', '.join(net.forward_devices) or 'a pool of devices'})"
        )
        return Fact.unavailable(
            f"{where}: libvirt's nwfilter cannot filter a macvtap port"
            + (f" (filter {itf.filter!r} is not applied)" if itf.filter else ""),
            itf.source_ref,
            *((net.source,) if net is not None else ()),
        )
    if itf.type == "hostdev" or (net is not None and net.forward_mode == "hostdev"):
        return Fact.unavailable(
            "an SR-IOV virtual function bypasses the host's software switch: only the VF's "
            "spoofchk (and trust off) on its physical function can stop spoofing",
            itf.source_ref,
        )
    if itf.type == "network" and networks is not None and net is None:
        # the name is resolved at each start (R16-3): a Linux bridge network takes the filter,
        # a macvtap, SR-IOV or Open vSwitch one does not (R16-5)
        return Fact.unavailable(
            f"network {itf.source}'s definition is not in the evidence: libvirt's nwfilter "
            "applies on a Linux bridge network only, not on a macvtap, SR-IOV or Open vSwitch "
            "one" + (f" (filter {itf.filter!r})" if itf.filter else " (no filter)"),
            itf.source_ref,
        )
    if itf.type == "vhostuser":
        return Fact.unavailable(
            f"vhost-user port {itf.source or '(no socket)'} is served by a user-space switch "
            "(e.g. Open vSwitch with DPDK): libvirt's nwfilter cannot filter it"
            + (f" (filter {itf.filter!r} is not applied)" if itf.filter else ""),
            itf.source_ref,
        )
    if itf.type in SOCKET_TUNNELS:
        return Fact.unavailable(
            f"{itf.type} tunnel {itf.source} carries the guest's frames to other QEMU processes "
            "with no switch port: libvirt's nwfilter cannot filter it"
            + (f" (filter {itf.filter!r} is not applied)" if itf.filter else ""),
            itf.source_ref,
        )
    if itf.type == "vdpa":
        return Fact.unavailable(
            f"vDPA device {itf.source or '(no device)'}: its frames go through the NIC's data "
            "path (a PF, SR-IOV VF or sub-function), past every host bridge: libvirt's nwfilter "
            "cannot filter it",
            itf.source_ref,
        )
    if itf.type not in SWITCHED:
        return Fact.not_applicable(f"a {itf.type} interface is not on a software switch")
    if itf.virtualport == "openvswitch":
        return Fact.unavailable(
            f"Open vSwitch port on {itf.source}: nwfilter's ebtables and iptables rules do not "
            "see what an OVS bridge forwards"
            + (f" (filter {itf.filter!r} is not applied)" if itf.filter else ""),
            itf.source_ref,
        )
    if itf.filter is None:
        return Fact.of(SpoofProtection(frozenset(), "", "no filter"), itf.source_ref)
    if itf.type == "ethernet":
        # formatnwfilter, "Concepts": ethernet "must be used in bridging mode"; libvirt puts a
        # type='ethernet' tap on no bridge, and ebtables sees only bridged frames
        return Fact.unavailable(
            f"ethernet interface {itf.source or '(no tap named)'}: filter {itf.filter!r} "
            "applies only if the tap is a port of a Linux bridge, which libvirt does not set up "
            "for type='ethernet'",
            itf.source_ref,
        )
    own_mac = _mac_key(itf.mac or "")
    given = [v for k, v in itf.filter_parameters if k == "MAC" and _mac_key(v) != own_mac]
    if given and own_mac:
        # nwfilter_gentech_driver.c virNWFilterVarHashmapAddStdValue: the interface's MAC
        # becomes $MAC only when the <filterref> names none (formatnwfilter: "it is possible to
        # specify the MAC parameter ... discouraged")
        return Fact.of(
            SpoofProtection(
                frozenset(),
                itf.filter,
                f"filter {itf.filter!r} is given MAC {', '.join(given)}, not the interface's "
                f"own {own_mac}: its $MAC checks admit frames sent as {given[0]}: ARP/MAC "
                "spoofing is not stopped",
            ),
            itf.source_ref,
        )
    if defs.known:
        if itf.filter not in defs.get():
            return Fact.of(
                SpoofProtection(
                    frozenset(), itf.filter, f"filter {itf.filter!r} is not defined on the host"
                ),
                itf.source_ref,
                *defs.sources,
            )
        found = coverage.get(itf.filter) if coverage is not None else None
        if found is None:
            found = spoof_coverage(itf.filter, filters or {})
            if coverage is not None:
                coverage[itf.filter] = found
        covers, note = found
        if note == TREE_TOO_DEEP:
            # libvirt follows every include (R18N-4): the unread branch may accept anything
            return Fact.unavailable(
                f"the definition of filter {itf.filter!r} {note}", itf.source_ref, *defs.sources
            )
        return Fact.of(SpoofProtection(covers, itf.filter, note), itf.source_ref, *defs.sources)
    if itf.filter in SPOOF_FILTERS:
        return Fact.of(
            SpoofProtection(frozenset({SPOOF_FILTERS[itf.filter]}), itf.filter, "stock definition"),
            itf.source_ref,
        )
    return Fact(
        defs.state,
        None,
        (itf.source_ref, *defs.sources),
        f"the definition of filter {itf.filter!r} is unavailable: {defs.reason}",
    )


_MAC = re.compile(r"[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}")


def _mac_key(value: str) -> str:
    """A MAC address in one form: libvirt puts a MAC parameter on the ebtables command line as
    written (nwfilter_ebiptables_driver.c printVar) and ebtables reads it with ether_aton
    (useful_functions.c ebt_get_mac_and_mask), one
    or two hex digits an octet in either case (R17N-2: 52:54:0:0:8:1 is 52:54:00:00:08:01)."""
    text = value.strip()
    if _MAC.fullmatch(text):
        return ":".join(f"{int(o, 16):02x}" for o in text.split(":"))
    return text.lower()


def build_deployment(bundle: Bundle) -> tuple[Deployment, list[ParseProblem]]:
    """Build the model of a libvirt bundle."""
    if bundle.platform == "proxmox-ve":
        from hvaudit.parse.proxmox_model import build_pve_deployment

        return build_pve_deployment(bundle)
    if bundle.platform == "vmware-esxi":
        from hvaudit.parse.vmx_model import build_vmx_deployment

        return build_vmx_deployment(bundle)
    if bundle.platform != "kvm-libvirt":
        raise BundleError(f"{bundle.origin}: unsupported platform {bundle.platform!r}")
    problems: list[ParseProblem] = []
    meta = bundle.manifest.get("collector", {}).get("libvirt", {})
    simulated = bool(meta.get("simulated"))
    if (
        bundle.entry("libvirt/capabilities.xml") is None
        or bundle.entry("libvirt/nodeinfo.json") is None
    ):
        raise BundleError(
            f"{bundle.origin}: the bundle has no host capabilities (collection failed early)"
        )

    caps = parse_xml(bundle.text("libvirt/capabilities.xml"), "libvirt/capabilities.xml")
    secmodels = tuple((m.text or "").strip() for m in caps.findall("host/secmodel/model"))
    try:
        node = json.loads(bundle.text("libvirt/nodeinfo.json"))
        cores = int(node["nodes"]) * int(node["sockets"]) * int(node["cores"])
        threads = cores * max(int(node["threads"]), 1)
        memory_kib = int(node["memory_mib"]) * 1024
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{bundle.origin}: libvirt/nodeinfo.json is malformed") from None
    hostname, secure_xml, namespace_visible = _domain_args(bundle.manifest, bundle.target)
    facts = parse_host_facts(bundle)
    libvirt_host = parse_libvirt_host(bundle, secmodels, simulated)
    host_source = Source("libvirt/nodeinfo.json")
    fallback = (int(node["nodes"]), int(node["sockets"]), int(node["threads"])) == (1, 1, 1)
    physical = _cpuinfo_cores(bundle) if fallback and not simulated else 0
    if 0 < physical < cores:
        # virhostcpu.c virHostCPUGetInfoPopulateLinux: a topology whose product is not the CPU
        # count is reported as nodes 1, sockets 1, cores = every CPU, threads 1 (virNodeInfo:
        # cores is the "total number of processors in case of unusual NUMA topology"), so its
        # cores may be logical CPUs: /proc/cpuinfo's (physical id, core id) pairs count the
        # physical cores (R10H-4)
        host_source = Source(
            file_artefact("/proc/cpuinfo"),
            f"{physical} (physical id, core id) pairs; libvirt's nodeinfo reports the fallback "
            f"topology (nodes, sockets, threads 1) with cores = {cores} CPUs",
        )
        cores = physical
    host = Host(
        name=hostname,
        platform="kvm-libvirt",
        simulated=simulated,
        hypervisor=str(meta.get("hypervisor", "QEMU")),
        hypervisor_version=str(meta.get("libvirt_version", "")),
        cores=cores,
        threads=threads,
        memory_kib=memory_kib,
        facts=facts,
        libvirt=libvirt_host,
        source=host_source,
    )
    dep = Deployment(
        target=bundle.target,
        platform="kvm-libvirt",
        collected_at=str(bundle.manifest.get("collected_at", "")),
        hosts=[host],
        vms=[],
        networks=[],
        pools=[],
        artefact_digests={p: e.sha256 for p, e in bundle.entries.items() if e.sha256},
    )
    unread = _unread_domains(bundle)
    unread_next = _unread_next(bundle)
    for d in _index(bundle, "domains"):
        path = str(d.get("file", ""))
        if bundle.entry(path) is None or path not in bundle.files:
            unread.append((str(d.get("uuid", path)), f"{path}: not in the bundle"))
            continue
        try:
            vm = parse_domain(
                bundle.text(path),
                path,
                hostname,
                autostart=bool(d.get("autostart")),
                secure_xml=secure_xml,
                namespace_visible=namespace_visible,
            )
        except InputError as exc:
            problems.append(ParseProblem("vm", str(d.get("uuid", path)), path, str(exc)))
            unread.append((str(d.get("uuid", path)), f"{path}: not parsed ({exc})"))
            continue
        dep.vms.append(vm)
        nb = str(d.get("next_boot", ""))
        if not nb or nb not in bundle.files:
            continue
        try:
            twin = parse_domain(
                bundle.text(nb),
                nb,
                hostname,
                autostart=vm.autostart,
                secure_xml=secure_xml,
                namespace_visible=namespace_visible,
            )
        except InputError as exc:
            problems.append(ParseProblem("vm", vm.name, nb, str(exc)))
            unread_next[vm.uuid] = f"{nb}: not parsed ({exc})"
            continue
        if twin.uuid == vm.uuid and twin.name == vm.name:
            # the inactive XML has no id (formatdomain: "Inactive machines have no id value"),
            # but the VM it describes is one that runs: it runs again from it
            twin.running = vm.running
            if definition_differences(vm, twin):
                dep.next_boot[vm.uuid] = twin
        else:
            problems.append(
                ParseProblem(
                    "vm", vm.name, nb, f"{nb}: the persistent definition names another domain"
                )
            )
            unread_next[vm.uuid] = f"{nb}: names another domain"
    # listed domains whose definition was not read: counted by nothing (R28D-1, R28D-2)
    libvirt_host.unread_domains = unread
    libvirt_host.unread_next = unread_next
    dep.networks = _parse_each(bundle, "networks", parse_network, hostname, problems)
    by_name = {n.name: n for n in dep.networks}
    # What a network or its port group hands an interface that does not set it itself.
    if any(
        n.portgroups or n.vlan_tags or n.trust_guest_rx_filters_set or n.virtualport
        for n in dep.networks
    ):
        for vm in (*dep.vms, *dep.next_boot.values()):
            vm.interfaces = tuple(
                resolve_network_port(i, net)
                if i.type == "network" and (net := by_name.get(i.source)) is not None
                else i
                for i in vm.interfaces
            )
    _ovs_ports(dep, facts, by_name)
    if libvirt_host.nwfilters is not None:
        coverage: dict[str, tuple[frozenset[str], str]] = {}  # per filter name, these definitions
        for vm in (*dep.vms, *dep.next_boot.values()):
            for i in vm.interfaces:
                # The interface was built by this parse for its VM and nothing has hashed it
                # yet: finished in place, not copied (dataclasses.replace costs about 25 us per
                # interface); the protection is a function of the interface's own filter.
                object.__setattr__(
                    i,
                    "spoofing",
                    _spoofing(
                        i,
                        libvirt_host.nwfilters,
                        by_name,
                        libvirt_host.nwfilter_defs,
                        coverage,
                    ),
                )
    dep.pools = _parse_each(bundle, "pools", parse_pool, hostname, problems)
    dep.notes += collection_notes(bundle)
    return dep, problems


def _ovs_ports(dep: Deployment, facts: HostFacts, nets: dict[str, Network]) -> None:
    """Mark as Open vSwitch ports the bridge interfaces (and those of a network in bridge mode)
    whose bridge the host shows as an Open vSwitch bridge, though neither the interface nor its
    network names <virtualport type='openvswitch'/> (R30N-6). `ip -d link` gives the bridge's
    own device kind "openvswitch" (the bridge's internal port, whose master is ovs-system,
    ovs-vswitchd's datapath; the tap of a VM on it shows `master ovs-system` too), and
    `ovs-vsctl list Bridge` names it. A VM there runs as an OVS port or not at all (a Linux
    bridge's SIOCBRADDIF does not take a port into an OVS bridge), so what its definition
    implies of a Linux bridge does not hold: nwfilter's ebtables and iptables rules do not see
    what OVS forwards (_spoofing), and an OVS port with no tag trunks every VLAN
    (ovs-vswitchd.conf.db(5), Port vlan_mode). The interfaces were built by this parse and not
    hashed yet: finished in place."""
    kinds = facts.link_info.get() if facts.link_info.known else {}
    ovs = {d for d, (kind, _, _) in kinds.items() if kind == "openvswitch" and d != "ovs-system"}
    if facts.ovs_bridges.known:
        ovs |= set(facts.ovs_bridges.get())
    if not ovs:
        return
    for vm in (*dep.vms, *dep.next_boot.values()):
        for i in vm.interfaces:
            if i.virtualport or i.type not in ("bridge", "network"):
                continue
            net = nets.get(i.source) if i.type == "network" else None
            if i.type == "network" and (net is None or net.forward_mode != "bridge"):
                continue
            bridge = i.source if i.type == "bridge" else (net.bridge if net else None)
            if bridge in ovs and not (net is not None and net.macvtap):
                object.__setattr__(i, "virtualport", "openvswitch")


def collection_notes(bundle: Bundle) -> list[str]:
    """What went wrong or stayed out of reach during collection, for every platform's report."""
    notes = []
    for entry in bundle.entries.values():
        if entry.status == "unavailable":
            notes.append(f"{entry.path}: unavailable ({entry.reason})")
        elif entry.status == "failed":
            notes.append(f"{entry.path}: collection failed ({entry.reason})")
    errors = bundle.manifest.get("errors", [])
    notes += [f"collection error: {e}" for e in errors if isinstance(e, str)]
    if not bundle.manifest.get("complete", False):
        notes.append("the bundle is partial: collection did not complete")
    return notes
