"""Virtual-network isolation and the management network (2014 HY-SR-19 at the VM port, 21, 22;
Rev. 1 HY-SR-20; SP 800-125B).

The 2014 draft names VLAN hopping, spoofing and snooping (HYP-T2) but has no recommendation at the
VM port; these checks file them under HY-SR-19 (the hypervisor's own firewall) and SP 800-125B.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import replace
from pathlib import PurePosixPath

from hvaudit.checks._libvirt import is_every_address, sshd_ports, unseen_networks, vm_taps
from hvaudit.checks._libvirt import vm_bridges as defined_bridges
from hvaudit.checks._loopback import (
    LOCALNET_QUESTION,
    chardev_guests,
    chardev_named,
    chardev_reaching,
    dial_words,
    guest_loopback,
    guests_reaching,
    is_ipv4_loopback,
    loopback_guests,
    loopback_scope,
    monitor_ports,
    named_question,
    reach_words,
    unread_reach,
    vsock_guests,
)
from hvaudit.checks.base import (
    ANY,
    LINUX_HOST,
    QEMU,
    Context,
    Outcome,
    Severity,
    asked_gap,
    check,
    failed,
    first_unknown,
    host_subject,
    joined_asks,
    joint_question,
    manual,
    not_applicable,
    passed,
    raw_arguments_unseen,
    unknown,
    unread_ask,
    unread_peers,
    vm_subject,
)
from hvaudit.checks.hardening import _vlan_ranges
from hvaudit.model import (
    VGPU,
    Fact,
    FactState,
    Host,
    Interface,
    Listener,
    Network,
    NwFilter,
    Source,
    SpoofProtection,
    Vm,
)
from hvaudit.parse.nwfilter import spoof_coverage
from hvaudit.parse.proxmox_model import DAEMON_ASKED, DAEMON_QUESTION, firewall_daemon
from hvaudit.parse.qemu_args import RawNic, raw_nics, raw_taps

SPOOF_KINDS = frozenset({"mac", "ip", "arp"})
SWITCHED = ("network", "bridge", "ethernet")
MANAGEMENT_PROCESSES = (
    "sshd",
    "dropbear",  # dropbear(8), "a small SSH server"
    "libvirtd",
    "virtproxyd",
    "cockpit-ws",
    "cockpit",
    "spiceproxy",
    "pveproxy",
    "pvedaemon",
    # PVE::Daemon names each forked worker `$0 = "$self->{name} worker"`, which the kernel keeps
    # as the first 15 characters (comm): `ss -p` may name a worker first (L18-2)
    "pveproxy worker",
    "spiceproxy work",
    "pvedaemon worke",
)
"""Management services, as `ss -p` names them (spiceproxy, pveproxy and pvedaemon: Proxmox VE's
SPICE proxy, web interface and its privileged API daemon, which runs as root on 127.0.0.1:85:
pve-manager PVE/Service/pvedaemon.pm `create_reusable_socket(85, '127.0.0.1')`)."""


def _is_qemu(process: str) -> bool:
    """A QEMU process as `ss -p` names it (the name is cut at 15 characters: qemu-system-x86)."""
    return process.startswith("qemu") or process == "kvm"


SOCKET_ACTIVATED_PORTS = {16509: "libvirt", 16514: "libvirt", 9090: "cockpit"}
"""Ports of management services that systemd listens on for them: libvirt's TCP and TLS ports
(libvirtd-tcp.socket.in / -tls.socket.in ListenStream=16509 / 16514, the same in virtproxyd's
units) and Cockpit's web console (cockpit's src/systemd/cockpit.socket.in ListenStream=9090)."""


SOCKET_UNIT_SERVICES = {
    "ssh": "sshd",
    "sshd": "sshd",
    "libvirtd": "libvirt",
    "libvirtd-tcp": "libvirt",
    "libvirtd-tls": "libvirt",
    "virtproxyd": "libvirt",
    "virtproxyd-tcp": "libvirt",
    "virtproxyd-tls": "libvirt",
    "cockpit": "cockpit",
    "sshd-vsock": "sshd",
}
"""Management services by the stem of a socket unit or of a service it activates (`systemctl
list-sockets`), before any `@`: Debian's and Ubuntu's ssh.socket ("OpenBSD Secure Shell server
socket", ListenStream=22, Accept=no activating ssh.service; Accept=yes in older releases,
activating ssh@.service; admins move the port by editing its ListenStream, or add an
ssh@2222.socket, while sshd_config keeps Port 22: read with `find_string`), sshd.socket /
sshd.service elsewhere, libvirt's libvirtd.socket, libvirtd-tcp.socket and -tls.socket
(Service=libvirtd.service) and virtproxyd's the same (libvirt src/remote/libvirtd-tcp.socket.in),
Cockpit's cockpit.socket (R29F-4), and systemd-ssh-generator's sshd-vsock.socket activating
sshd-vsock@.service (systemd src/ssh-generator/ssh-generator.c add_vsock_socket: "vsock::22",
AF_VSOCK; a drop-in moves its port as ssh.socket's; R30F-2)."""


def _vsock_management(vf: Fact[tuple[Listener, ...]], ssh_ports: set[int]) -> list[str]:
    """HVA-210's management services listening on AF_VSOCK bound to any CID or to the host's
    CID 2, which a vsock guest reaches (R21V-2); none where the vsock listeners are not known."""
    if not vf.known:
        return []
    return sorted(
        {
            name
            for lst in vf.get()
            if lst.address in ("*", "2")
            and lst.protocol == "vsock"
            and (name := _management_listener(lst, ssh_ports)) is not None
        }
    )


def _vsock_question(h: Host, near_v: list[str]) -> str:
    """HVA-210's question where the host's AF_VSOCK listeners are not known beside vsock
    guests `near_v` (R21V-2)."""
    return (
        f"Is host {h.name} free of management services (sshd, libvirt's daemons, a web "
        "console) listening on AF_VSOCK, bound to any CID (*) or to the host's CID 2? Evidence: "
        "`modprobe vsock_diag; ss --vsock -l -n -p` on the host (without vsock_diag ss prints "
        f"nothing). Pass: yes, none listens there; fail: one does, which the guest of "
        f"{_first(near_v)} reaches by connecting to CID 2 on its port."
    )


def _vsock_part(near_v: list[str], on_vsock: list[str]) -> str:
    """HVA-210's message part for the management services `on_vsock` beside vsock guests."""
    return (
        f"listening on AF_VSOCK, which the vsock device of {_first(near_v)} connects its guest "
        "to (the host is CID 2 to it, on any port): " + ", ".join(on_vsock)
    )


def _management_listener(lst: Listener, ssh_ports: set[int]) -> str | None:
    """How HVA-210 names a listener that is a management interface, or None when it is not one.

    A socket held by systemd alone is socket activation: systemd listens and starts the service on
    the first connection (systemd.socket(5)), so `ss -p` names systemd, not the service. The
    service is known by its port: SOCKET_ACTIVATED_PORTS and the SSH server's ports from
    `sshd -T` (ssh.socket): its `port` lines and the ports of its `listenaddress` lines
    (sshd_ports); or, on any port, by the socket unit listening there or a service it
    activates (`systemctl list-sockets`, SOCKET_UNIT_SERVICES; R29F-4)."""
    if lst.process in MANAGEMENT_PROCESSES or _is_qemu(lst.process):
        return f"{lst.process} ({lst.protocol}/{lst.port})"
    if lst.process == "systemd" and lst.port in SOCKET_ACTIVATED_PORTS:
        service = SOCKET_ACTIVATED_PORTS[lst.port]
        return f"{service} socket held by systemd ({lst.protocol}/{lst.port})"
    if lst.process == "systemd" and lst.port in ssh_ports:
        return f"sshd socket held by systemd ({lst.protocol}/{lst.port})"
    for unit in (lst.units or ()) if lst.process == "systemd" else ():
        # the socket unit that listens on the port, or a service it activates (R29F-4)
        by_unit = SOCKET_UNIT_SERVICES.get(unit.split("@")[0].rsplit(".", 1)[0])
        if by_unit is not None:
            return f"{by_unit} socket held by systemd ({unit}, {lst.protocol}/{lst.port})"
    return None


def _first(hows: list[str]) -> str:
    """The first five of `hows`, and how many more."""
    return ", ".join(hows[:5]) + (f" and {len(hows) - 5} more" if len(hows) > 5 else "")


#: libvirt network forward modes whose bridge holds a host address (formatnetwork: the guests'
#: gateway in nat, route and open, their one host address in an isolated network)
GATEWAY_MODES = ("nat", "route", "isolated", "open")


def _libvirt_internal_bridges(ctx: Context, host: str) -> set[str]:
    """Bridges of libvirt NAT, routed or isolated networks: host-internal, no physical uplink."""
    return {
        n.bridge
        for n in ctx.deployment.networks
        if n.host == host and n.bridge and n.forward_mode in GATEWAY_MODES
    }


def _gateway_networks(ctx: Context, host: str) -> dict[int, list[str]]:
    """The libvirt networks of `host` whose bridge holds a host address (an <ip>: the guests'
    gateway in a nat, route or open network, their one host address in an isolated one) and
    that a VM is defined on, by the IP version of that address ("NAME (BRIDGE, ADDRESS)").
    libvirt disables IPv6 on such a bridge when the network has no IPv6 <ip>
    (bridge_driver.c networkSetIPv6Sysctls: disable_ipv6 "1" unless an AF_INET6 <ip>), so
    its guests reach the host over the versions of its addresses only (R21N-1)."""
    on = {
        (i.type, i.source)
        for v in ctx.deployment.vms
        if v.host == host
        for i in v.interfaces
        if i.type in ("network", "bridge")
    }
    out: dict[int, list[str]] = {}
    for n in ctx.deployment.networks:
        # an <interface type='bridge'> on the network's bridge is a port of it too
        if n.host != host or not n.bridge or not on & {("network", n.name), ("bridge", n.bridge)}:
            continue
        if n.forward_mode not in GATEWAY_MODES:
            continue
        for a in n.host_addresses:
            try:
                version = ipaddress.ip_address(a).version
            except ValueError:
                continue
            out.setdefault(version, []).append(f"{n.name} ({n.bridge}, {a})")
    return out


def _gateway_bridges(ctx: Context, h: Host) -> dict[int, list[str]]:
    """The host's own bridges (br0: no libvirt NAT, routed, open or isolated network's) that
    hold a host address and carry a VM (a port now, an <interface type='bridge'>, a libvirt
    network in bridge mode, a raw QEMU tap), by the IP version of that address ("BRIDGE
    (ADDRESS)"). A guest there sends to any host address through the host's address on the
    bridge, as a guest of a NAT network does through its gateway: Linux takes a packet for any
    of its addresses on whatever interface it arrives (ip-sysctl.rst arp_filter, "IP addresses
    are owned by the complete host on Linux"; R23N-1). An Open vSwitch bridge's ports are
    not its members in `ip -d link` (each shows `master ovs-system`, the datapath), only in
    ovs-vsctl's Bridge/Port/Interface tables (ovs-vsctl(8) `list-ports`, _ovs_bridges): a VM
    tap a script put on one (`ovs-vsctl add-port vmbr0 vnet0` for an <interface
    type='ethernet'>) carries a VM there as a Linux bridge's port does (R47S-4)."""
    if not (h.facts.bridges.known and h.facts.addresses.known):
        return {}
    internal = _libvirt_internal_bridges(ctx, h.name)
    carried = defined_bridges(ctx, h.name)
    named = vm_taps(ctx, h.name)  # a running VM's tap of another name (R30N-4)
    ovs = h.facts.ovs_bridges.get() if h.facts.ovs_bridges.known else {}
    out: dict[int, list[str]] = {}
    linux = h.facts.bridges.get()
    for b in sorted({*linux, *ovs}):
        live = any(_vm_port(m, named) for m in (*linux.get(b, ()), *ovs.get(b, ())))
        if b in internal or not (live or b in carried):
            continue
        for a in h.facts.addresses.get().get(b, ()):
            version = _address_version(a)
            if version is not None:
                out.setdefault(version, []).append(f"{b} ({a})")
    return out


def _ovs_bridges_unread(
    ctx: Context, h: Host, known: dict[int, list[str]]
) -> tuple[dict[int, list[str]], list[str], str]:
    """Where ovs-vsctl's tables were not read (_ovs_bridges unknown) but a VM's tap is a port
    of Open vSwitch's datapath (master ovs-system in `ip -d link`: vport-netdev.c
    ovs_netdev_link), the Open vSwitch interfaces holding a host address that may share its
    bridge, by IP version ("INTERFACE (ADDRESS)"), the VM ports, and why the tables are
    unread. An OVS bridge's own interface and its other internal ports are datapath ports of
    kind openvswitch (vport-internal_dev.c), so `ip -d link` shows them, but which bridge holds
    which port only ovs-vsctl shows (ovs-vsctl(8) `port-to-br`, `iface-to-br`): a guest
    there reaches every host address through that address as on R47S-4's bridge (R48S-3)."""
    tables, dp = h.facts.ovs_bridges, h.facts.ovs_datapath_ports
    if tables.known or not (dp.known and h.facts.bridges.known and h.facts.addresses.known):
        return {}, [], ""
    named = vm_taps(ctx, h.name)
    ports = [p for p in dp.get() if _vm_port(p, named)]
    if not ports:
        return {}, [], ""
    internal = _libvirt_internal_bridges(ctx, h.name)
    seen = {b for bs in known.values() for b in bs}
    out: dict[int, list[str]] = {}
    for b in sorted(h.facts.bridges.get()):
        if b not in dp.get() or b in internal:
            continue
        for a in h.facts.addresses.get().get(b, ()):
            version = _address_version(a)
            if version is not None and f"{b} ({a})" not in seen:
                out.setdefault(version, []).append(f"{b} ({a})")
    return out, ports, tables.reason


def _vm_port(dev: str, named: frozenset[str]) -> bool:
    """Whether a bridge port is a VM's: a tap libvirt names (vnetN, macvtapN; tap* and veth*
    of other tools), or one a running VM's live XML names otherwise (`<target dev>`,
    formatdomain "Overriding the target element"; an `<interface type='ethernet'>` tap a
    script puts on a bridge: checks._libvirt.vm_taps, R29N-3, R30N-4)."""
    return dev.startswith(("vnet", "tap", "macvtap", "veth")) or dev in named


def _address_version(address: str) -> int | None:
    """The IP version a listener's address receives on (an IPv4-mapped IPv6 address: IPv4),
    None for a link-local address (its own link only) or one that is no address."""
    try:
        ip = ipaddress.ip_address(address.strip("[] "))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return None if ip.is_link_local else ip.version


def _bridge_helper(n: RawNic) -> bool:
    """Whether qemu-bridge-helper puts the raw NIC's tap on its bridge: `-netdev bridge` runs
    it unless helper= names another (qemu-options.hx, "the default helper"); it only adds the
    tap to the bridge (SIOCBRADDIF), setting no filter or flag on the port."""
    return PurePosixPath(n.helper or "").name == "qemu-bridge-helper"


@check(
    id="HVA-191",
    title="VM interface filters MAC, IP and ARP spoofing",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125b": ["VM-FW-R2"]},
    interpretations={
        "sp800-125b:VM-FW-R2": (
            "VM-FW-R2 prefers a kernel-based virtual firewall between vNIC and virtual switch; "
            "hvaudit takes MAC/IP/ARP anti-spoofing at the VM port as the least such a firewall "
            "must do (the spoofing half of HYP-T2)."
        ),
    },
    remediation={
        "*": "Add <filterref filter='clean-traffic'> (with an IP parameter) to every bridged or network "
        "interface of the VM.",
        "proxmox-ve": "Enable the cluster and the VM firewall, set firewall=1 on each NIC, keep "
        "macfilter on, and enable ipfilter with the VM's addresses in ipset ipfilter-net<N>.",
    },
    platforms=ANY,
    peers=("interfaces",),
)
@raw_arguments_unseen("a network interface no filter covers (-netdev tap or bridge, -nic, -net)")
def anti_spoofing(ctx: Context) -> Iterator[Outcome]:
    """Without a filter at the VM port, a rogue guest can send with another VM's MAC or IP address
    and poison ARP caches: the spoofing half of HYP-T2. Filtering in the host kernel, between vNIC
    and switch, is SP 800-125B's kernel-based virtual firewall. The parser has already resolved
    what each interface's filter covers (for libvirt, through the host's nwfilter definitions; for
    Proxmox VE, from the rules pve-firewall generates, src/PVE/Firewall.pm: MAC and IP in
    `ruleset_create_vm_chain` and `generate_tap_rules_direction`, ARP only in
    `compile_ebtables_filter` / `generate_tap_layer2filter`, for the IPv4 entries of IP set
    ipfilter-net<N>: `ipfilter: 1` alone does not filter ARP). libvirt's anti-spoofing filters
    compare each frame with the interface's own address ($MAC is "the MAC address of the network
    interface", formatnwfilter "Usage of variables in filters"): two interfaces with one MAC on
    one switch can each send as the other, so the filter protects neither; so can two given one
    $IP or $IPV6 where both trees read the variable (a parameter no rule reads admits nothing),
    and so can one given the host's own address on its switch (a network's <ip>, the guests'
    gateway; the bridge's address in `ip -j addr`): it sends and answers ARP as the host
    (R29N-1, _host_segment_addresses).
    A filter that checks $IP with no IP parameter leaves the address to libvirt's learning
    (CTRL_IP_LEARNING, "any" by default: the first address the guest uses; "dhcp": a DHCP
    server's lease): a question about the learned address, not a pass. On a Proxmox VE node
    whose processes were not read (an offline copy, an API scan), filters the configuration
    gives are not observed in force (pve-firewall applies them and removes them when it stops):
    HVA-301's question about the daemon, in its words, never a pass. A tap that raw QEMU
    arguments open (`-netdev bridge`, `-netdev tap`) has no filter at all (qemu_args.raw_taps, R10-11):
    on a named bridge by qemu-bridge-helper a fail (it only adds the tap, _bridge_helper), through
    a script, a passed fd or another helper= program (which may filter the port, qemu-options.hx
    "configure the TAP interface") a question, never "no interface". An interface on a libvirt
    network whose definition the evidence lacks may be on a macvtap, SR-IOV or Open vSwitch
    network, where no filter applies: asked about the network, its filter or none (R16-5)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    bridges = {(n.host, n.name): n.bridge or n.name for n in ctx.deployment.networks}
    holders: dict[tuple[str, str, str], list[str]] = {}  # (host, segment, MAC) -> VMs
    ip_holders: dict[tuple[str, str, str], list[str]] = {}  # (host, segment, $IP) -> VMs
    # a port device two running VMs name (a test driver's testnet0) is no one VM's: its
    # binding is not compared with either definition (R30N-2)
    claimed: dict[tuple[str, str], int] = {}
    for v in ctx.deployment.vms:
        for i in v.interfaces if v.running else ():
            if i.target_dev:
                claimed[(v.host, i.target_dev)] = claimed.get((v.host, i.target_dev), 0) + 1
    # (host, VM, port) -> the interface as its binding of the definition's filter holds it, where
    # the binding's MAC or parameters are not the definition's (R31N-1)
    in_force: dict[tuple[str, str, str], tuple[Interface, str]] = {}
    # (host, segment, MAC or address, VM) a VM holds by its port's binding alone (R33N-1)
    by_binding: set[tuple[str, str, str, str]] = set()
    for v in ctx.deployment.vms:
        for i in v.interfaces:
            if claimed.get((v.host, i.target_dev or ""), 0) == 1 and (
                bound_as := _binding_values(v, i, hosts[v.host])
            ):
                in_force[(v.host, v.name, str(i.target_dev))] = bound_as
    for v in ctx.deployment.vms:
        if hosts[v.host].platform == "proxmox-ve":
            for i in v.interfaces:  # the ipfilter sets' addresses, per bridge and VLAN (R63)
                for ip in _own_ips(i, hosts[v.host]):
                    key = (v.host, _pve_segment(i), _address_key(ip))
                    ip_holders.setdefault(key, []).append(v.name)
        if hosts[v.host].platform != "kvm-libvirt":
            continue  # $MAC is libvirt nwfilter's variable
        for d in v.interfaces:
            i = in_force.get((v.host, v.name, d.target_dev or ""), (d, ""))[0]
            if seg := _segment(v.host, i, bridges):
                mac = (i.mac or "").lower()
                holders.setdefault((v.host, seg, mac), []).append(v.name)
                if i is not d and mac != (d.mac or "").lower():
                    by_binding.add((v.host, seg, mac, v.name))
                given_ips = {_address_key(ip) for ip in _own_ips(d, hosts[v.host])}
                for ip in _own_ips(i, hosts[v.host]):
                    ip_holders.setdefault((v.host, seg, _address_key(ip)), []).append(v.name)
                    if _address_key(ip) not in given_ips:
                        by_binding.add((v.host, seg, _address_key(ip), v.name))
    host_ips = _host_segment_addresses(ctx, hosts)  # (host, segment, address) -> whose (R29N-1)
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        nics = [i for i in v.interfaces if i.spoofing.state is not FactState.NOT_APPLICABLE]
        on_bridge, set_up = raw_taps(raw_nics(v.raw_hypervisor_arguments))
        raw_unsure = [f"QEMU argument {n.shown}" for n in set_up]
        # a helper other than qemu-bridge-helper may filter the port it sets up (as HVA-192 asks)
        raw_helped = [f"QEMU argument {n.shown}" for n in on_bridge if not _bridge_helper(n)]
        raw_known = [(n.shown, str(n.bridge)) for n in on_bridge if _bridge_helper(n)]
        if not nics and not raw_known and not raw_unsure and not raw_helped:
            yield not_applicable(s, "no bridged or virtual-network interface")
            continue
        vfs = hosts[v.host].facts.sriov_vfs
        bad: list[str] = []
        gaps: list[Fact[SpoofProtection]] = []
        asks: list[tuple[str, str]] = []
        fine: list[str] = []
        refs: list[Source] = []
        beyond: list[SpoofProtection] = []  # parts the platform cannot enforce at the port
        learned: list[str] = []  # $IP left to libvirt's address learning
        unbound_unread: list[str] = []  # ports whose binding the evidence does not show (R29N-5)
        unbound_by: list[str] = []  # the filters of those ports
        rebound: list[str] = []  # ports bound to another filter that may stop spoofing (R30N-2)
        rebound_ports: list[str] = []
        compared: list[str] = []  # addresses on a segment no other VM read holds (R30D-3)
        for i in nics:
            refs.extend(i.spoofing.sources or (i.source_ref,))
            nic = i.mac or i.source
            if not i.spoofing.known:
                vf = _vf(i.mac, vfs) if "SR-IOV" in i.spoofing.reason else None
                if vf is not None:
                    pf, idx, _, spoof, trust = vf
                    refs.extend(vfs.sources)
                    if spoof is False or trust is True:
                        bad.append(
                            f"{nic}: VF {idx} of {pf} has "
                            + " and ".join(
                                x
                                for x, on in (("spoofchk off", spoof is False), ("trust on", trust))
                                if on
                            )
                        )
                        continue
                    if spoof is True and trust is False:
                        fine.append(f"VF {idx} of {pf} (spoofchk on, trust off)")
                        continue
                gaps.append(i.spoofing)
                asks.append(_where_asked(i))
                continue
            p = i.spoofing.get()
            if p.via and (gone := _unbound(v, i, hosts[v.host])) is not None:
                bad.append(f"{nic}: {gone}")
                refs.extend(_bindings(hosts[v.host]).sources)
                continue
            if (
                p.via
                and claimed.get((v.host, i.target_dev or ""), 0) == 1
                and (other := _rebound(v, i, hosts[v.host])) is not None
            ):
                held_by, known_bad = other  # the filter in force is the binding's (R30N-2)
                (bad if known_bad else rebound).append(f"{nic}: {held_by}")
                rebound_ports.append(str(i.target_dev))
                refs.extend(_bindings(hosts[v.host]).sources)
                continue
            if p.via and _binding_unread(v, i, hosts[v.host]):
                unbound_unread.append(f"{i.target_dev or nic} (filter {i.filter!r})")
                unbound_by.append(p.via)
            as_defined = i  # the definition's interface: what it leaves to learning (R33N-1)
            i, held_as = in_force.get((v.host, v.name, i.target_dev or ""), (i, ""))
            before = len(bad)
            lacking = sorted(SPOOF_KINDS - p.covers - p.beyond)
            if p.beyond:
                beyond.append(p)
            if not p.via or p.note.startswith("filter "):
                bad.append(f"{nic}: {p.note or 'no filter'}")
            elif lacking:
                how = f" ({p.note})" if p.note else ""
                bad.append(
                    f"{nic}: filter {p.via!r} does not stop {'/'.join(lacking).upper()} spoofing{how}"
                )
            elif clones := [
                n
                for n in holders.get(
                    (v.host, _segment(v.host, i, bridges) or "", (i.mac or "").lower()), []
                )
                if n != v.name
            ]:
                seg = _segment(v.host, i, bridges) or ""
                bad.append(
                    f"{nic}: the same MAC is VM(s) {', '.join(sorted(set(clones))[:5])}'s on "
                    f"{seg}{_bound_words(by_binding, v.host, seg, [(i.mac or '').lower()], clones)}"
                    f": filter {p.via!r} checks frames against $MAC, so each can send as the other"
                )
            elif shared := [
                (ip, n)
                for ip in _own_ips(i, hosts[v.host])
                for n in ip_holders.get(
                    (v.host, _seg_key(v.host, i, bridges, hosts), _address_key(ip)), []
                )
                if n != v.name
            ]:
                ips = sorted({ip for ip, _ in shared})
                others = sorted({n for _, n in shared})
                what, sends = _admitted_words(ips, hosts[v.host].platform)
                seg = _seg_key(v.host, i, bridges, hosts)
                keys = [_address_key(ip) for ip in ips]
                bad.append(
                    f"{nic}: the {what} {', '.join(ips)} is VM(s) "
                    f"{', '.join(others[:5])}'s too on {seg}"
                    f"{_bound_words(by_binding, v.host, seg, keys, others)}: "
                    f"filter {p.via!r} admits it as each one's own source, so each can send "
                    f"{sends} as the other"
                )
            elif hosted := sorted(
                {
                    (ip, whose)
                    for ip in _own_ips(i, hosts[v.host])
                    if (
                        whose := host_ips.get(
                            (v.host, _seg_key(v.host, i, bridges, hosts), _address_key(ip))
                        )
                    )
                }
            ):
                ips = [ip for ip, _ in hosted]
                what, sends = _admitted_words(ips, hosts[v.host].platform)
                bad.append(
                    f"{nic}: the {what} {', '.join(ips)} is {hosted[0][1]}: filter {p.via!r} "
                    f"admits it as the VM's own source, so the guest can send {sends} as the host "
                    "to every machine on that segment"
                )
            elif (learn := _learned_ip(as_defined, _filter_defs(hosts[v.host]))) is not None:
                holds = [val for k, val in i.filter_parameters if k == "IP"] if held_as else []
                learned.append(
                    f"{nic}: filter {p.via!r} checks $IP, which no IP parameter sets: "
                    f"CTRL_IP_LEARNING {learn}"
                    + (
                        f"; the nwfilter binding of its port {i.target_dev} holds IP "
                        f"{', '.join(holds)}, in force"
                        if holds
                        else ""
                    )
                )
            elif held_as:
                rebound.append(f"{nic}: {held_as}")
                rebound_ports.append(str(i.target_dev))
                refs.extend(_bindings(hosts[v.host]).sources)
            else:
                fine.append(p.via)
                # compared with the VMs read only (R30D-3)
                if seg := _seg_key(v.host, i, bridges, hosts):
                    libvirt = hosts[v.host].platform == "kvm-libvirt"  # $MAC is libvirt's
                    held = [
                        *([i.mac.lower()] if i.mac and libvirt else []),
                        *_own_ips(i, hosts[v.host]),
                    ]
                    if held:
                        compared.append(f"{' or '.join(held)} on {seg}")
            if held_as and len(bad) > before:
                bad[-1] += f" ({held_as})"
                refs.extend(_bindings(hosts[v.host]).sources)
        refs = list(dict.fromkeys(refs or [v.source]))
        cannot = "/".join(sorted({k for p in beyond for k in p.beyond})).upper()
        bad += [
            f"QEMU argument {shown}: a tap on bridge {br} that no libvirt nwfilter covers"
            for shown, br in raw_known
        ]
        if bad:
            extra = f" ({cannot} spoofing: not enforceable at the port)" if cannot else ""
            yield failed(s, "; ".join(bad) + extra, *refs)
            continue
        # every open condition of the VM's interfaces is asked in one item, so that a "yes" to
        # one interface's question never passes another's unasked (joined_asks; R34 elif site 4)
        items: list[Outcome] = []
        if raw_unsure or raw_helped:
            by = " or ".join(
                x
                for x, on in (
                    ("a script or a passed file descriptor", raw_unsure),
                    ("a helper other than qemu-bridge-helper", raw_helped),
                )
                if on
            )
            taps = ", ".join(raw_unsure + raw_helped)
            runs = " or ".join(
                x
                for x, on in (
                    (
                        "the script each runs (/etc/qemu-ifup unless script= names another) or the "
                        "process passing its fd",
                        raw_unsure,
                    ),
                    ("the helper= program each names", raw_helped),
                )
                if on
            )
            items.append(
                manual(
                    s,
                    f"host tap(s) opened by raw arguments, configured by {by}: {taps}",
                    *refs,
                    question=f"What stops spoofing from the tap(s) that {taps} of "
                    f"VM {v.name} open on host {v.host}? Evidence: {runs}, "
                    f"and the switch's ebtables, nftables or OpenFlow rules for that tap on "
                    f"{v.host}. Pass: a rule on the tap's port admits only the VM's own MAC, IP "
                    "and ARP; fail: none, so the guest can send as another machine.",
                )
            )
        if (gaps and any(g.state is FactState.FAILED for g in gaps)) or (
            gaps and all(g.reason.startswith("the definition of filter") for g in gaps)
        ):
            names = sorted({i.filter for i in nics if i.filter})
            stop = asked_gap(s, gaps[0], _filter_definition_question(v.host, names), items)
            if stop is not None:
                yield stop  # an error: evidence whose collection failed, never a pass
                continue
        elif gaps:
            items.append(
                manual(
                    s,
                    "; ".join(dict.fromkeys(g.reason for g in gaps)),
                    *refs,
                    question=_spoof_question(v.host, asks),
                )
            )
        if rebound:
            items.append(
                manual(
                    s,
                    "; ".join(rebound),
                    *refs,
                    question=f"Does the nwfilter binding of each port named "
                    f"({', '.join(rebound_ports)}) "
                    f"of running VM {v.name} on host {v.host} stop MAC, IP and ARP spoofing with "
                    "the VM's own addresses? Evidence: `virsh nwfilter-binding-dumpxml PORT` (the "
                    "filter and its parameters: IP, IPV6, MAC) and `virsh nwfilter-dumpxml` of "
                    "that filter and each it references. Pass: its rules drop what the guest "
                    "sends from any MAC or IP that is not the VM's own, and its IP parameter is "
                    "the VM's address; fail: a kind of spoofing passes, or a parameter is another "
                    "machine's address.",
                )
            )
        if beyond:
            stops = "/".join(sorted({k for p in beyond for k in p.covers})).upper() or "nothing"
            controls = "; ".join(sorted({p.compensating for p in beyond if p.compensating}))
            items.append(
                manual(
                    s,
                    f"{stops} spoofing stopped at the port; {cannot} spoofing cannot be stopped "
                    "there by the platform",
                    *refs,
                    question=f"Is {cannot} spoofing from this VM stopped outside its port? "
                    "Evidence: the configuration of "
                    f"{controls or 'the controls upstream of the port'} for this VM's network. "
                    "Pass: yes, one of them covers this VM's addresses; fail: none does, so the "
                    "VM can send as another machine.",
                )
            )
        if learned:
            dhcp = any("CTRL_IP_LEARNING dhcp" in x for x in learned)
            items.append(
                manual(
                    s,
                    "; ".join(learned),
                    *refs,
                    question=f"Is the address libvirt learned for each interface of VM {v.name} "
                    "the one assigned to it"
                    + (
                        ", and can no machine but the site's DHCP server lease the VM an address "
                        "(CTRL_IP_LEARNING dhcp)"
                        if dhcp
                        else ""
                    )
                    + "? Evidence: the VM's assigned addresses (IPAM or DHCP "
                    f"reservations) against `virsh nwfilter-binding-dumpxml` of its interfaces on "
                    f"host {v.host} (the IP variable libvirt filled in), or an IP parameter in its "
                    "<filterref>"
                    + (
                        "; for dhcp, the DHCP servers reachable on the VM's segment (a filter that "
                        "drops DHCP replies not from $DHCPSERVER, or no other machine there able "
                        "to answer DHCP)"
                        if dhcp
                        else ""
                    )
                    + ". Pass: yes, each learned address is the VM's own"
                    + (" and only the site's server leases" if dhcp else "")
                    + "; fail: one is another machine's (the guest took it first"
                    + (", or another guest's DHCP server leased it" if dhcp else "")
                    + ").",
                )
            )
        # a Proxmox VE NIC's filters not resolved (a subnet in its IP set, proxmox-firewall's,
        # a cluster.fw gap) rest on the daemon as resolved ones do: asked alone, their question
        # passed the VM on a "yes" with the daemon never observed (R37S-4, R37S-6); only
        # P21D-1's cluster.fw gap asks which daemon runs itself
        pve_gaps = [g for g in gaps if DAEMON_ASKED not in g.reason]
        if (fine or pve_gaps) and (why := _pve_daemon_unobserved(hosts[v.host])) is not None:
            by = (
                f"{len(fine)} interface(s) filtered by {', '.join(sorted(set(fine)))} in the "
                "configuration, but whether"
                if fine
                else "whether"
            )
            items.append(
                manual(
                    s,
                    f"{by} pve-firewall or proxmox-firewall applies the "
                    f"rules on node {v.host} is not in the evidence ({why})",
                    *refs,
                    *hosts[v.host].facts.programs.sources,
                    question=DAEMON_QUESTION.format(node=v.host),
                )
            )
        if unbound_unread:
            bound = _bindings(hosts[v.host])
            items.append(
                manual(
                    s,
                    f"{len(unbound_unread)} interface(s) filtered by "
                    f"{', '.join(sorted(set(unbound_by)))} in the definition, but whether a "
                    "filter is in force at each running port is not in the evidence (nwfilter "
                    f"bindings: {bound.reason or bound.state.value})",
                    *refs,
                    *bound.sources,
                    question=f"Does `virsh nwfilter-binding-list` on host {v.host} list each port "
                    f"of running VM {v.name} with the filter its definition names: "
                    f"{', '.join(unbound_unread)}? Evidence: that listing (or `virsh "
                    "nwfilter-binding-dumpxml PORT`). Pass: every port is listed with its "
                    "filter; fail: a port is missing (its filter's rules were removed while the "
                    "VM runs, `virsh nwfilter-binding-delete`), so nothing stops spoofing there.",
                )
            )
        # a guest not read may hold the same address on the segment: the filter checks frames
        # against each interface's own $MAC and $IP, so each can send as the other (asked with
        # the VM's other open conditions where it has some: unread_peers joins them)
        outcome = (
            joined_asks(s, items)
            if items
            else passed(
                s, f"{len(nics)} interface(s) filtered by {', '.join(sorted(set(fine)))}", *refs
            )
        )
        yield (
            unread_peers(
                outcome,
                hosts[v.host],
                f"have an interface holding {'; '.join(compared[:4])} (the MAC or IP address "
                "of an interface of this VM on that segment, which its filter admits as each "
                "one's own source, so each can send as the other)",
            )
            if compared
            else outcome
        )


def _bound_words(
    by_binding: set[tuple[str, str, str, str]],
    host: str,
    seg: str,
    values: list[str],
    others: list[str],
) -> str:
    """Which of the other VMs named hold the MAC or address by the nwfilter binding at their
    port alone, not by their definition (R31N-1's other side, R33N-1), as words to follow the
    segment; "" where none does."""
    bound = sorted({n for n in others for x in values if (host, seg, x, n) in by_binding})
    if not bound:
        return ""
    return f" ({', '.join(bound[:5])}'s by the nwfilter binding at its port, not its definition)"


def _admitted_words(ips: list[str], platform: str) -> tuple[str, str]:
    """(what admits these addresses as a guest's own source, what it can send from them):
    a Proxmox VE IP set entry or a libvirt filter's IP/IPV6 parameter; IPv4 and ARP, IPv6."""
    v6 = [":" in ip for ip in ips]
    what = (
        "IP set entry"
        if platform == "proxmox-ve"
        else "filter's "
        + " and ".join(p for p, on in (("IP", not all(v6)), ("IPV6", any(v6))) if on)
        + " parameter"
    )
    sends = " and ".join(x for x, on in (("IPv4 and ARP", not all(v6)), ("IPv6", any(v6))) if on)
    return what, sends


def _bindings(h: Host) -> Fact[dict[str, str]]:
    if h.libvirt is None:
        return Fact.not_applicable("no libvirt daemon")
    return h.libvirt.nwfilter_bindings


def _unbound(v: Vm, i: Interface, h: Host) -> str | None:
    """Why the filter a running libvirt VM's interface names is not in force at its port, None
    where it is or the evidence does not say (R29N-5). libvirt keeps what it instantiated as
    an nwfilter binding per port (libvirt-nwfilter: "a binding between a network filter and a
    network port device", virConnectListAllNWFilterBindings). virNWFilterBindingDelete (`virsh
    nwfilter-binding-delete`) "may be used to remove the network port binding filter currently
    in use for the guest while the guest is running" (src/libvirt-nwfilter.c, read with
    `find_string`), and the driver tears the rules down (nwfilter_driver.c
    nwfilterBindingDelete: virNWFilterTeardownFilter; "nothing stops an admin from deleting
    filter bindings created by the hypervisor drivers"), while the running VM's live XML keeps
    its <filterref>. A running VM's port (its live XML's <target dev>) that no binding lists
    has no filter in force, whatever the definition says."""
    if not v.running or h.platform != "kvm-libvirt" or not i.target_dev or not i.filter:
        return None
    bound = _bindings(h)
    if not bound.known or i.target_dev in bound.get():
        return None
    return (
        f"filter {i.filter!r} is in its definition, but no nwfilter binding holds its port "
        f"{i.target_dev} (virConnectListAllNWFilterBindings): no filter is in force there"
    )


def _rebound(v: Vm, i: Interface, h: Host) -> tuple[str, bool] | None:
    """Why the filter in force at a running libvirt VM's port is not the one its definition
    names, and whether it is known not to stop spoofing; None where the binding holds the
    port with the definition's filter or the evidence does not say (R30N-2). An admin may
    delete the binding (`virsh nwfilter-binding-delete`) and create another for the same port
    (virNWFilterBindingCreateXML, src/libvirt-nwfilter.c: "may be used to associate a filter
    with a currently running guest that does not have a filter defined for a specific network
    port"; nwfilter_driver.c nwfilterBindingCreateXML instantiates the binding's own filter);
    libvirt keeps it when it reconnects to the VM (src/conf/domain_nwfilter.c
    virDomainConfNWFilterInstantiate: with ignoreExists, a binding found by
    virNWFilterBindingLookupByPortDev is left as it is). Its filter is then the one in force:
    resolved through the host's filter definitions as the definition's is, and asked where it
    stops every kind, since its parameters (IP) are the binding's and not read here."""
    if not v.running or h.platform != "kvm-libvirt" or not i.target_dev or not i.filter:
        return None
    bound = _bindings(h)
    name = bound.get().get(i.target_dev) if bound.known else None
    if not name or name == i.filter:
        return None
    held = (
        f"its port {i.target_dev} is bound to filter {name!r}, not the definition's {i.filter!r} "
        "(virConnectListAllNWFilterBindings)"
    )
    defs = _filter_defs(h)
    if name not in defs:
        return f"{held}, whose definition is not in the evidence", False
    covers, why = spoof_coverage(name, defs)
    if lacking := sorted(SPOOF_KINDS - covers):
        return (
            f"{held}, which does not stop {'/'.join(lacking).upper()} spoofing"
            + (f" ({why})" if why else ""),
            True,
        )
    return f"{held}, which stops MAC/IP/ARP spoofing with the binding's own parameters", False


def _binding_values(v: Vm, i: Interface, h: Host) -> tuple[Interface, str] | None:
    """A running libvirt VM's interface as the nwfilter binding of its definition's filter
    holds it at its port, with the words saying how, where the binding's MAC or parameters are
    not the definition's; None where they are, or no such binding was read (R31N-1). libvirt
    instantiates a binding's filter with the binding's own variables: $MAC is its MAC
    parameter or else its <mac address>, every other variable its <filterref>'s parameter
    (nwfilter_gentech_driver.c virNWFilterInstantiateFilterUpdate,
    virNWFilterVarHashmapAddStdValue, virNWFilterDoInstantiate reads binding->filterparams).
    A binding made by hand (`virsh nwfilter-binding-create`, src/libvirt-nwfilter.c
    virNWFilterBindingCreateXML) or kept from an earlier start (src/conf/domain_nwfilter.c
    virDomainConfNWFilterInstantiate, ignoreExists) may give another machine's MAC or IP while
    the live XML keeps the definition's. An IP the definition leaves to learning is in force
    as the binding holds it too: the address learned for the port joins the binding's own
    parameters (virNWFilterInstantiateFilterUpdate: `virNWFilterIPAddrMapGetIPAddr(binding->
    portdevname)` added to binding->filterparams as NWFILTER_STD_VAR_IP), which
    virNWFilterDoInstantiate reads and learns no further, as it does an IP given by hand; so
    it is compared with the other VMs' and the host's addresses like a given one (R33N-1)."""
    if not v.running or h.platform != "kvm-libvirt" or not i.target_dev or not i.filter:
        return None
    if h.libvirt is None:
        return None
    b = h.libvirt.nwfilter_binding_defs.get(i.target_dev)
    if b is None or b.filter != i.filter:
        return None  # another filter is _rebound's (R30N-2)

    def values(params: tuple[tuple[str, str], ...], mac: str | None) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for k, val in params:
            key = _address_key(val) if k in ("IP", "IPV6") else val.lower() if k == "MAC" else val
            out.setdefault(k, set()).add(key)
        if "MAC" not in out and mac:
            out["MAC"] = {mac.lower()}
        return out

    given = values(i.filter_parameters, i.mac)
    held = values(b.parameters, b.mac)
    if given == held:
        return None
    differ = sorted(k for k in given.keys() | held.keys() if given.get(k) != held.get(k))

    def shown(vals: dict[str, set[str]]) -> str:
        return ", ".join(
            f"{k} {'/'.join(sorted(vals[k])) or 'none'}" if k in vals else f"no {k}" for k in differ
        )

    params = tuple((k, val) for k, val in b.parameters if k != "MAC")
    mac = sorted(held["MAC"])[0] if held.get("MAC") else i.mac
    words = (
        f"its port {i.target_dev} is bound to filter {b.filter!r} with {shown(held)}, not the "
        f"definition's {shown(given)}: the binding's values are in force"
    )
    return replace(i, mac=mac, filter_parameters=params), words


def _binding_unread(v: Vm, i: Interface, h: Host) -> bool:
    """Whether the filter a running libvirt VM's interface names may not be in force because the
    bindings that would show it were not read (R29N-5's other half): listing them failed, the
    driver answered none (the test driver implements no nwfilter driver: a simulated host's
    ports exist only in its definitions), or an older bundle never listed them. The definition
    alone does not show the filter is instantiated at the port (`_unbound`), so the pass is
    asked."""
    if not v.running or h.platform != "kvm-libvirt" or not i.filter:
        return False
    return not _bindings(h).known


def _host_segment_addresses(
    ctx: Context, hosts: dict[str, Host]
) -> dict[tuple[str, str, str], str]:
    """The host's own addresses on each software switch its VMs are ports of, keyed as HVA-191
    keys a filter's admitted sources (host, segment, address), each with whose it is (R29N-1).
    A libvirt network's <ip address> "will be configured on the bridge device associated with
    the virtual network. To the guests this IPv4 address will be their IPv4 default route"
    (formatnetwork, "Addressing", read with `search`); `ip -j addr` shows every address the
    host holds on a bridge (br0 of an <interface type='bridge'> or of a network in bridge
    mode; vmbr0 of a Proxmox VE node, whose untagged guests share its segment). A filter that
    admits one of them as the guest's own source (libvirt's no-ip-spoofing and
    no-arp-ip-spoofing return IPv4 and ARP from $IP) lets the guest answer ARP for the host
    and send as it: the other guests' gateway or the host itself, as a shared address lets two
    guests send as each other (R17N-1). So does an address on a port of the bridge, or on a
    member of a bond that is one (bond0 under br0): the bridge's rx handler takes the port's
    frames and passes the host's up on the bridge, where Linux answers ARP for any local
    address (arp_ignore 0; R30N-1's reading, _port_addresses), so it is on the bridge's
    segment too (R33N-2)."""
    out: dict[tuple[str, str, str], str] = {}
    for n in ctx.deployment.networks:
        seg = n.bridge or n.name
        for a in n.host_addresses:
            out.setdefault(
                (n.host, seg, _address_key(a)),
                f"host {n.host}'s own address on {seg} (network {n.name}'s <ip>)",
            )
    for h in hosts.values():
        if not h.facts.addresses.known:
            continue
        held = h.facts.addresses.get()
        for dev, addrs in held.items():
            for a in addrs:
                out.setdefault(
                    (h.name, dev, _address_key(a)), f"host {h.name}'s own address on {dev}"
                )
        # an address on a port of a Linux bridge, or on a member of a bond that is one, is on
        # the bridge's segment: the bridge takes every frame the port receives and Linux
        # answers ARP for it there (R30N-1, _port_addresses; R33N-2)
        teams = h.facts.bonds.get() if h.facts.bonds.known else {}
        for bridge, members in (h.facts.bridges.get() if h.facts.bridges.known else {}).items():
            for dev, how in _port_addresses(bridge, members, teams, held):
                for a in held[dev]:
                    out.setdefault(
                        (h.name, bridge, _address_key(a)),
                        f"host {h.name}'s own address on {dev}, {how} bridge {bridge}",
                    )
    return out


def _pve_daemon_unobserved(h: Host) -> str | None:
    """Why the daemon that applies a Proxmox VE node's firewall rules is not known to run (its
    processes were not read: an offline copy, an API scan), None when it is known or the host
    is no Proxmox VE node. pve-firewall's ebtables and iptables filters exist only while it runs
    (hvaudit.parse.proxmox_model.firewall_daemon); a node known not to run it has no filter
    already (the parser's `no filter`)."""
    if h.proxmox is None:
        return None
    fw = h.proxmox.host_firewall
    nftables = fw.get().options.get("nftables") == "1" if fw.known else None
    state, why = firewall_daemon(
        h.facts.programs, nftables, fw.get().daemons_off if fw.known else ""
    )
    return why if state == "unknown" else None


def _own_ips(i: Interface, h: Host) -> list[str]:
    """The source addresses an interface's filter admits as the VM's own: libvirt's $IP and
    $IPV6 values where the filter tree reads the variable (a parameter is a value of a variable
    the rules reference, formatnwfilter "Usage of variables in filters": shipped
    no-ip-spoofing and no-arp-ip-spoofing return IPv4 and ARP from `$IP`, no-ipv6-spoofing IPv6
    from `$IPV6`, /usr/share/libvirt/nwfilter/*.xml; IPV6 is no reserved variable, so only a
    parameter gives it, R69; a tree none of whose rules reads one, such as clean-traffic for
    IPV6 or a tree whose IPv4 checks drop every packet, admits nothing by it), Proxmox VE's
    ipfilter set entries."""
    if h.platform == "proxmox-ve":
        return list(i.spoofing.get().allowed) if i.spoofing.known else []
    defs = _filter_defs(h)
    return [
        ip
        for var in ("IP", "IPV6")
        if _reads(i.filter, defs, var)
        for ip in _ip_values(i, defs, var)
    ]


_OCTETS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def _address_key(value: str) -> str:
    """One form of an address however it is written, so that two VMs given one address are seen
    to share it (R17N-1). libvirt puts a parameter's value on the ebtables command line as
    written (nwfilter_ebiptables_driver.c printVar); ebtables reads an IPv4 address's octets
    with strtol base 10 (ebtables useful_functions.c and iptables extensions/libebt_ip.c
    undot_ip: 10.0.0.005 is 10.0.0.5) and an IPv6 address with inet_pton (libebt_ip6.c
    xtables_numeric_to_ip6addr: 2001:DB8:0::10 is 2001:db8::10). Anything else (a Proxmox VE
    IP set's subnet) is kept as written."""
    text = value.strip()
    if _OCTETS.fullmatch(text):
        octets = [int(o) for o in text.split(".")]
        if max(octets) <= 255:
            return ".".join(str(o) for o in octets)
        return text
    if ":" in text and text.isascii():
        try:
            return ipaddress.IPv6Address(text).compressed
        except ValueError:
            return text
    return text


def _reads(name: str | None, defs: dict[str, NwFilter], var: str) -> bool:
    """Whether a rule of filter `name`'s tree compares an attribute with variable `var` (its
    value, or an element of it: `$VAR[@1]`, formatnwfilter "Usage of variables in filters")."""
    ref = re.compile(rf"\${var}(?![A-Za-z0-9_])")
    seen: set[str] = set()
    todo = [name] if name else []
    while todo:
        cur = todo.pop()
        if cur in seen or cur not in defs:
            continue
        seen.add(cur)
        for e in defs[cur].entries:
            if isinstance(e, str):
                todo.append(e)
            elif any(ref.match(value) for _, value in e.constraints):
                return True
    return False


def _pve_segment(i: Interface) -> str:
    tags = ",".join(str(t) for t in i.vlan_tags)
    return f"{i.source} VLAN {tags}" if tags and not i.vlan_trunk else i.source


def _seg_key(
    host: str, i: Interface, bridges: dict[tuple[str, str], str], hosts: dict[str, Host]
) -> str:
    if hosts[host].platform == "proxmox-ve":
        return _pve_segment(i)
    return _segment(host, i, bridges) or ""


def _learned_ip(i: Interface, defs: dict[str, NwFilter]) -> str | None:
    """How libvirt fills $IP for an interface whose filter tree checks $IP with no IP parameter
    given (none on the interface or on an include), when the guest or a machine beside it picks
    the address; None when an IP parameter is given, the tree does not check $IP, or learning
    cannot pick a foreign address (R49). nwfilter_gentech_driver.c (read with `find_string`):
    `#define NWFILTER_DFLT_LEARN "any"`; virNWFilterDoInstantiate, when IP is the one variable
    missing: "any" starts virNWFilterLearnIPAddress(DETECT_DHCP|DETECT_STATIC), so the first
    address the guest uses becomes $IP; "dhcp" snoops the DHCP exchange
    (virNWFilterDHCPSnoopReq): formatnwfilter, "only honor DHCP server-assigned addresses with
    valid leases", additional security "especially when combined with a filter allowing only
    trusted DHCP servers ... set the variable DHCPSERVER ... and provide filters that use this
    variable to filter incoming DHCP responses": the snooping itself takes a DHCPACK from any
    server (nwfilter_dhcpsnoop.c virNWFilterSnoopDHCPDecode checks only its direction), so which
    servers reach the VM (a DHCPSERVER filter that drops the others, or another guest able to
    answer) decides, a question too; "none" refuses to instantiate the filter. Only a tree whose
    rules read $IP learns it (virNWFilterDetermineMissingVarsRec collects the variables the
    rules reference): libvirt's own no-ip-spoofing and no-arp-ip-spoofing read it
    (src/nwfilter/xml), a rule of any filter may; a redefinition that reads none learns
    nothing."""
    if not i.filter or _ip_values(i, defs):
        return None
    if not _reads(i.filter, defs, "IP"):
        return None
    # the interface's own parameter only: `virHashLookup(binding->filterparams,
    # NWFILTER_VARNAME_CTRL_IP_LEARNING)`, NWFILTER_DFLT_LEARN when absent
    learn = next((v for k, v in i.filter_parameters if k == "CTRL_IP_LEARNING"), None)
    mode = (learn or "any").lower()
    if mode == "any":
        return "any takes the first address the guest uses"
    if mode == "dhcp":
        return "dhcp takes the address of the lease a DHCP server on the segment gives it"
    return None


def _filter_defs(h: Host) -> dict[str, NwFilter]:
    return h.libvirt.nwfilter_defs if h.libvirt is not None else {}


def _ip_values(i: Interface, defs: dict[str, NwFilter], var: str = "IP") -> list[str]:
    """The values of $IP (or another variable) an interface's filter tree is instantiated with
    at the rules that read it; [] when one of them has none (for IP, libvirt then learns it).
    nwfilter_gentech_driver.c: an included filter's subtree gets `virNWFilterCreateVarsFrom(
    inc->params, vars)` (virNWFilterIncludeDefToRuleInst, virNWFilterDetermineMissingVarsRec):
    the caller's variables win and that <filterref>'s parameters fill the ones it lacks, for
    that include alone, not its siblings (R17N-3). A variable missing at any rule that reads
    it is missing for the interface (virNWFilterDoInstantiate learns IP), and the learned
    address joins the interface's own variables (virNWFilterInstantiateFilterUpdate,
    virNWFilterVarHashmapAddStdValue), which win over every include's."""
    own = tuple(v for k, v in i.filter_parameters if k == var and v)
    if not i.filter:
        return list(own)
    ref = re.compile(rf"\${var}(?![A-Za-z0-9_])")
    memo: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], bool]] = {}

    def walk(
        name: str, env: tuple[str, ...], path: tuple[str, ...]
    ) -> tuple[tuple[str, ...], bool]:
        f = defs.get(name)
        if f is None or name in path or len(path) > 64:
            return (), False
        if (name, env) in memo:
            return memo[(name, env)]
        found: list[str] = []
        missing = False
        refs = iter(f.ref_params)
        for e in f.entries:
            if isinstance(e, str):
                given = next(refs, (e, ()))[1]
                values, lacks = walk(
                    e, env or tuple(v for k, v in given if k == var and v), (*path, name)
                )
                found += values
                missing = missing or lacks
            elif any(ref.match(value) for _, value in e.constraints):
                found += env
                missing = missing or not env
        memo[(name, env)] = (tuple(found), missing)
        return memo[(name, env)]

    values, missing = walk(i.filter, own, ())
    if own:
        return list(own)
    return [] if missing else list(dict.fromkeys(values))


def _segment(host: str, i: Interface, bridges: dict[tuple[str, str], str]) -> str | None:
    """The software switch an interface with a MAC is on: its network's bridge, or the bridge it
    names; None for other interface types or one without a MAC."""
    if not i.mac:
        return None
    if i.type == "network":
        return bridges.get((host, i.source), i.source)
    return i.source if i.type == "bridge" else None


def _vf(
    mac: str | None, vfs: Fact[tuple[tuple[str, int, str, bool | None, bool | None], ...]]
) -> tuple[str, int, str, bool | None, bool | None] | None:
    """The SR-IOV VF the host reports with this MAC (libvirt sets a hostdev VF's MAC)."""
    if not mac or not vfs.known:
        return None
    return next((vf for vf in vfs.get() if vf[2] == mac.lower()), None)


def _where_asked(i: Interface) -> tuple[str, str]:
    """What stops spoofing from an interface the host cannot filter: ("vf", its MAC) for an
    SR-IOV function, ("switch", the socket) for the user-space switch behind a vhost-user port,
    ("tunnel", the address) for the peers of a socket tunnel, ("port", the device) for the
    switch port behind a macvtap device."""
    if i.type == "network" and "definition is not in the evidence" in i.spoofing.reason:
        return ("network", f"network {i.source}")  # R16-5
    if "SR-IOV" in i.spoofing.reason:
        return ("vf", f"the VF behind {i.mac or i.source}")
    if i.spoofing.reason.startswith("IP set ipfilter-"):  # Proxmox VE: a subnet in the set
        return ("ipset", i.spoofing.reason.split(":", 1)[0])
    if i.spoofing.reason.startswith("port group "):  # an ESXi port group seen from a .vmx only
        return ("portgroup", f"port group {i.source!r} and beyond it")
    if i.type == "vhostuser":
        return ("switch", f"the user-space switch port behind vhost-user socket {i.source}")
    if i.virtualport == "openvswitch" and i.type in ("network", "bridge", "ethernet"):
        return ("switch", f"the Open vSwitch port of {i.mac or 'the interface'} on {i.source}")
    if i.type == "vdpa":
        return ("vdpa", f"the NIC port behind vDPA device {i.source or '(none named)'}")
    if i.type == "ethernet":
        return ("tap", f"tap device {i.source or '(none named)'}")
    if i.type in ("server", "client", "mcast", "udp"):
        return ("tunnel", f"every peer of {i.type} tunnel {i.source}")
    dev = i.source if i.type == "direct" else f"the forward device(s) of network {i.source}"
    return ("port", f"the physical switch port behind {dev}")


def _filter_definition_question(host: str, names: list[str]) -> str:
    """The one question of a VM whose interfaces name filters the scan could not read."""
    shown = ", ".join(repr(n) for n in names) or "of the VM's interfaces"
    return (
        f"Do the network filters {shown} on host {host}, with every filter they reference, stop "
        "MAC, IP and ARP spoofing at this VM's interfaces? Evidence: `virsh nwfilter-dumpxml "
        f"NAME` on host {host} for each of them and each filter it references, and the "
        "parameters of the VM's <filterref> (IP, IPV6). Pass: yes, they drop what the guest "
        "sends from a MAC, IP or ARP sender address that is not the interface's own, and the "
        "IP parameter names the VM's address (or `virsh nwfilter-binding-dumpxml` shows the "
        "address libvirt learned is the VM's own); fail: a kind of spoofing passes, or the "
        "address is another machine's."
    )


def _spoof_question(host: str, asks: list[tuple[str, str]]) -> str:
    """The one question of a VM whose interfaces the host's filters cannot reach."""
    places = list(dict.fromkeys(where for _, where in asks))
    kinds = {k for k, _ in asks}
    evidence = []
    if "network" in kinds:
        evidence.append(
            f"`virsh net-dumpxml NAME` on host {host} for each such network (<forward mode>, "
            "<bridge>, <virtualport>: the <filterref> of an interface on a Linux bridge network "
            "applies, on a macvtap, hostdev or Open vSwitch network it does not) and `virsh "
            "nwfilter-dumpxml` of that filter and each filter it references"
        )
    if "vf" in kinds:
        evidence.append(
            f"`ip link show PF` on host {host} (the 'vf N' line with the VM's MAC: spoof "
            "checking on, trust off)"
        )
    if "portgroup" in kinds:
        evidence.append(
            "the port group's security policy on its ESXi host (vSphere Client: Configure > "
            "Virtual switches > the port group > Edit > Security: Forged transmits and MAC "
            "address changes Reject), and for IP and ARP, which a port group cannot check, "
            "NSX SpoofGuard or dynamic ARP inspection and IP source guard on the physical switch"
        )
    if "port" in kinds:
        evidence.append(
            "the switch's configuration of that port (port security, IP source guard, dynamic "
            "ARP inspection)"
        )
    if "switch" in kinds:
        evidence.append(
            f"the Open vSwitch (or other software switch) flows for that port on host {host} "
            "(e.g. `ovs-ofctl dump-flows BRIDGE`: rules that drop frames whose source MAC or IP "
            "is not the VM's)"
        )
    if "vdpa" in kinds:
        evidence.append(
            f"the vDPA device's function on host {host} (`vdpa dev show`, then `ip link show "
            "PF` for its VF: spoof checking on, trust off; or the NIC's embedded-switch rules for "
            "a sub-function)"
        )
    if "tap" in kinds:
        evidence.append(
            f"`bridge link show dev TAP` on host {host} (the tap is a port of a Linux bridge, "
            "so libvirt's filter chains apply) and `ebtables -t nat -L libvirt-I-TAP` (they are "
            "loaded)"
        )
    if "ipset" in kinds:
        evidence.append(
            "the addresses this VM holds (its network configuration, DHCP or IPAM reservations) "
            "against each entry of that IP set in /etc/pve/firewall/<vmid>.fw"
        )
    if "tunnel" in kinds:
        evidence.append(
            "what runs at the tunnel's other end (the peer QEMU's or host's filtering of the "
            "frames it receives)"
        )
    return (
        f"Is MAC, IP and ARP spoofing from this VM stopped at {' and at '.join(places)}? "
        f"Evidence: {'; '.join(evidence)}. Pass: yes, at every one; fail: any forwards frames "
        "whose source MAC or IP is not this VM's."
    )


def _unread_sourced(h: Host | None) -> str:
    """The files a Proxmox VE node's /etc/network/interfaces sources that were not read (the
    first three), "" when there are none."""
    f = h.proxmox.interfaces if h is not None and h.proxmox is not None else None
    unread = f.get().unread if f is not None and f.known else []
    return ", ".join(p for p, _ in unread[:3]) + (" ..." if len(unread) > 3 else "")


@check(
    id="HVA-192",
    title="VM receives no VLAN trunk",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125b": ["VM-NS-R3"]},
    interpretations={
        "sp800-125b:VM-NS-R3": (
            "VM-NS-R3 keeps VLAN membership to a host's VLAN profile at the physical port; SP "
            "800-125B has no VLAN-hopping text, and hvaudit applies the same rule to the VM's "
            "port: a VM gets its VLAN, not a trunk."
        ),
    },
    remediation={
        "*": "Give the VM a single access VLAN (<vlan><tag id='N'/></vlan>, no trunk='yes') unless it "
        "is an approved router or firewall appliance.",
        "proxmox-ve": "Give every NIC on a VLAN-aware bridge a tag= (and no trunks=) unless the VM is an "
        "approved router or firewall appliance.",
    },
    platforms=ANY,
    per_vm=True,
)
@raw_arguments_unseen(
    "a network interface (-netdev tap or bridge, -nic, -net) on more than one VLAN"
)
def no_vlan_trunk(ctx: Context) -> Iterator[Outcome]:
    """A guest that receives a trunk can tag its own frames and reach every VLAN on it: VLAN
    hopping (HYP-T2 in the 2014 draft). On libvirt the interface's own <vlan> wins, then that of
    the port group it names (or the network's default='yes' one), then the network's
    (formatnetwork.rst, "Setting VLAN tag" and "Portgroups"; bridge_driver.c networkAllocatePort);
    the parser resolves that chain, so a trunk handed down by a port group fails here. A
    running VM's tap (its live XML's <target dev>) that `bridge -j vlan show` lists in several
    VLANs of a vlan_filtering bridge is a trunk whatever the definition says (a hook script's
    `bridge vlan add`; R29N-2, _live_port_trunk). An Open
    vSwitch port without a tag is a trunk of every VLAN (ovs-vswitchd.conf.db(5), Port
    vlan_mode: "If tag contains a value, the port is an access port ... Otherwise, the port is a
    trunk port"; trunks: "if it is empty, then the port trunks all VLANs"), but its tag may be set
    outside libvirt (OpenStack Neutron's OVS agent sets Port tag on br-int when it binds the
    port), so an OVS interface without <vlan> is a manual item naming the port to read. A
    vhost-user port is such a port too (an OVS-DPDK port of type dpdkvhostuser[client]; libvirt
    sets no <vlan> on it, formatdomain lists VLAN tags for openvswitch, SR-IOV and macvtap
    passthrough interfaces only): the same question, never "none trunked". An SR-IOV VF
    (<interface type='hostdev'>, or a network with <forward mode='hostdev'>) without <vlan> gets
    no port VLAN from libvirt; with none set on the PF the VF sees and sends tagged traffic (Linux
    i40e "Add VF VLAN pruning": "VFs by default are able to see all tagged traffic ... only
    effective when no PVID is set"): a question naming the VF. So is a macvtap interface in
    passthrough mode (<interface type='direct'> mode='passthrough', or a network with <forward
    mode='passthrough'>) without <vlan>: formatdomain names "SRIOV VFs used via type='direct'
    with mode='passthrough' (macvtap "passthru" mode)" among the connections whose VLAN
    libvirt can set (read with `find_string`), and without one the guest has the VF, or the
    whole NIC, with whatever VLANs its port carries (R15-4, was "none trunked"). On Proxmox VE an untagged NIC on a
    VLAN-aware (or Open vSwitch) bridge receives every VLAN (pve-common PVE::Network tap_plug);
    a bridge the node's interfaces file does not declare may be an SDN VNet, VLAN-aware by its
    `vlanaware` option (qemu-server plugs through PVE::Network::SDN::Zones::tap_plug, which looks
    the name up as a VNet first; Proxmox API /cluster/sdn/vnets `vlanaware`), and is a question.
    The interfaces file is read with the files its `source` lines name, as ifupdown2 reads them
    (Proxmox SDN writes its VNets to /etc/network/interfaces.d/sdn, `bridge-vlan-aware yes` for
    a `vlanaware` one); a sourced file that was not read may make any bridge VLAN-aware, so an
    untagged NIC is then a question naming it. Through the Proxmox API the interfaces file is the
    main one alone (its sourced files are unread: the same question), and its bridge_vlan_aware 1
    stands for any bridge-vlan-aware line, `no` included (pve-common
    __read_etc_network_interfaces), so it proves nothing; the kernel's own vlan_filtering, which
    pve-network's GET /nodes/{node}/sdn/zones/{zone}/bridges reports, settles a bridge either
    way. On vSphere a NIC takes its port group's VLAN; on a distributed port group that lets each
    port override it (vlanOverrideAllowed: "for an individual port to override the setting in
    defaultPortConfig") the VM's own port, which is not read, decides: a question. A NIC raw
    QEMU arguments add is an interface too, never "no network interface" (_raw_vlans): a tap
    qemu-bridge-helper puts on a Linux bridge gets the bridge's default PVID only, a user-mode
    NIC has no port, and any other's port VLANs are a question. So is a PCI function of network
    class (0x02) or unknown class passed through whole (`<hostdev type='pci'>`, Proxmox hostpciN,
    ESXi DirectPath I/O: "allows virtual machine access to physical PCI functions", vSphere
    Networking 8.0): the guest's own NIC, on no port group or bridge, with whatever VLANs its
    physical port carries (L18-4, was "no network interface"); an ESXi SR-IOV adapter takes its
    port group's VLAN (vSphere Networking, "Networking Options for the Traffic Related to an
    SR-IOV Enabled Virtual Machine") and is judged as its NIC."""
    nets = {(n.host, n.name): n for n in ctx.deployment.networks}
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        raw = raw_nics(v.raw_hypervisor_arguments)
        # a network function passed through whole (<hostdev type='pci'>, ESXi DirectPath I/O)
        # is a NIC of the guest's own, on no port group or bridge (L18-4); an ESXi SR-IOV
        # adapter's function is its NIC's, which takes its port group's VLAN
        own = {i.source_ref for i in v.interfaces}
        whole = [f for f in _whole_functions(v, hosts[v.host]) if f[2] not in own]
        if not v.interfaces and not raw and not whole:
            yield not_applicable(s, "no network interface")
            continue
        raw_fine, raw_ask = _raw_vlans(raw)
        bad, refs, unseen, ovs, vfs, unread = [], [], [], [], [], []
        passthru: list[str] = []
        for i in v.interfaces:
            refs.append(i.source_ref)
            net = nets.get((v.host, i.source)) if i.type == "network" else None
            if i.type == "network" and net is None and not (i.vlan_trunk or i.vlan_tags):
                unseen.append(i.source)
            origin = i.inherited_from("vlan")
            if live := _live_port_trunk(v, i, hosts[v.host]):
                bad.append(f"{i.mac or i.source}: {live}")
                refs.extend(hosts[v.host].facts.bridge_port_vlans.sources)
            elif i.vlan_trunk and i.vlan_tags and origin:
                bad.append(
                    f"{i.mac or i.source}: inherits trunk of VLANs {list(i.vlan_tags)} from {origin}"
                )
                if net is not None:
                    refs.append(net.source)
            elif i.vlan_trunk and i.vlan_tags:
                bad.append(f"{i.mac or i.source}: trunk of VLANs {list(i.vlan_tags)}")
            elif i.vlan_trunk:
                bad.append(
                    f"{i.mac or i.source}: untagged on VLAN-aware bridge {i.source}: receives every VLAN"
                )
            elif net is not None and net.vlan_trunk and not i.vlan_tags:
                bad.append(
                    f"{i.mac or i.source}: inherits trunk of VLANs {list(net.vlan_tags)} "
                    f"from network {net.name}"
                )
                refs.append(net.source)
            elif i.virtualport == "openvswitch" and not i.vlan_tags:
                ovs.append(i.mac or i.source)
            elif i.type == "vhostuser" and not i.vlan_tags:
                ovs.append(f"vhost-user port {i.source}")
            elif (
                i.type == "hostdev" or (net is not None and net.forward_mode == "hostdev")
            ) and not i.vlan_tags:
                vfs.append(i.mac or i.source)
            elif (
                i.macvtap_mode == "passthrough"
                or (net is not None and net.forward_mode == "passthrough")
            ) and not i.vlan_tags:
                passthru.append(f"{i.mac or i.source} on {i.source or 'a device of its network'}")
            elif i.vlan_unknown is not None and not i.vlan_tags:
                unread.append((f"{i.mac or i.source} on bridge {i.source}", i.vlan_unknown))
        if bad:
            yield failed(s, "; ".join(bad), *refs)
            continue
        # every open condition of the VM's interfaces is asked in one item, so that a "yes" to
        # one interface's question never passes another's unasked (joined_asks; R34 elif site 5)
        items: list[Outcome] = []
        if ovs:
            items.append(
                manual(
                    s,
                    f"Open vSwitch port(s) without <vlan>: {', '.join(ovs)}: an untagged OVS port "
                    "trunks every VLAN unless its tag is set outside libvirt",
                    *refs,
                    question="Is the Open vSwitch port of each listed interface given a VLAN tag "
                    "outside libvirt (as OpenStack Neutron's OVS agent does on br-int)? Evidence: "
                    f"`ovs-vsctl list Port PORT` on host {v.host} for each (tag, trunks, vlan_mode; "
                    "a vhost-user port is the OVS-DPDK port on the listed socket). Pass: yes, tag is "
                    "set (an access port), or trunks lists only VLANs this VM is approved for; fail: "
                    "tag and trunks are empty, so the port trunks every VLAN.",
                )
            )
        if vfs:
            items.append(
                manual(
                    s,
                    f"SR-IOV VF(s) without <vlan>: {', '.join(vfs)}: a VF with no port VLAN sees "
                    "and sends tagged traffic unless one is set outside libvirt",
                    *refs,
                    question="Does each listed VF have a port VLAN set on its physical function? "
                    f"Evidence: `ip link show PF` on host {v.host} (the 'vf N' line with the VF's "
                    "MAC: 'vlan N'). Pass: yes, every one shows a vlan (the NIC tags and filters for "
                    "it); fail: one shows none, so the guest can tag its own frames onto any VLAN "
                    "the physical port carries.",
                )
            )
        if passthru:
            items.append(
                manual(
                    s,
                    "macvtap passthrough interface(s) without <vlan>: "
                    + "; ".join(passthru)
                    + ": the guest has the device to itself, and an SR-IOV VF with no port VLAN (or "
                    "a whole NIC) sees and sends tagged traffic unless a VLAN is set outside libvirt",
                    *refs,
                    question="Is the traffic of each listed device held to one VLAN outside "
                    f"libvirt? Evidence: on host {v.host}, `readlink /sys/class/net/DEV/device/"
                    "physfn` (a VF: then `ip link show PF`, the 'vf N' line with the guest's MAC: "
                    "'vlan N'), else the physical switch port the NIC is cabled to. Pass: each VF "
                    "shows a vlan, each whole NIC is on an access port; fail: a VF shows none, or a "
                    "NIC's switch port is a trunk, so the guest can tag its own frames onto any VLAN "
                    "the port carries.",
                )
            )
        if whole:
            items.append(
                manual(
                    s,
                    f"PCI function(s) {_functions_text(whole)} passed through whole: a network "
                    "function is the guest's own NIC, on no port group or bridge, with every VLAN "
                    "its physical port carries (a VF: unless its physical function gives it a port "
                    "VLAN)",
                    *[ref for _, _, ref in whole],
                    question=f"Is the traffic of each PCI function {', '.join(a for a, _, _ in whole)} "
                    f"of VM {v.name} held to one VLAN outside the hypervisor? Evidence: on host "
                    f"{v.host}, the function's class and whether it is an SR-IOV VF (vSphere Client: "
                    "host > Configure > Hardware > PCI Devices; Linux: `lspci -nn -s ADDR`, "
                    "`readlink /sys/bus/pci/devices/ADDR/physfn`), then a VF's port VLAN on its "
                    "physical function, or the physical switch port a whole NIC is cabled to. Pass: "
                    "yes, no network function, a VF with a port VLAN, or a NIC on an access port; fail: no, a "
                    "VF without a port VLAN, or a NIC on a trunk port, so the guest can tag its own "
                    "frames onto any VLAN the port carries.",
                )
            )
        if unread and hosts.get(v.host) is not None and hosts[v.host].platform == "vmware-esxi":
            # a distributed port group that lets each port override its VLAN (vmx_model)
            items.append(
                manual(
                    s,
                    "; ".join(
                        f"{i.mac or i.source}: {i.vlan_unknown}"
                        for i in v.interfaces
                        if i.vlan_unknown is not None and not i.vlan_tags
                    ),
                    *refs,
                    question=f"Does the distributed port of each listed NIC of VM {v.name} keep its "
                    "port group's VLAN? Evidence: the vSphere Client, the distributed switch > Ports "
                    "(the VLAN of this VM's ports), or PowerCLI `Get-VDPort -VM VM | Select Name, "
                    "VlanConfiguration`. Pass: yes, each port has its port group's single VLAN; "
                    "fail: a port overrides it with a trunk or another VLAN.",
                )
            )
        elif unread:
            bridge = unread[0][0].rsplit(" ", 1)[-1]
            sourced = _unread_sourced(hosts.get(v.host))
            items.append(
                manual(
                    s,
                    "untagged NIC(s) on a bridge whose VLAN setting is not in the evidence: "
                    + "; ".join(f"{nic}: {why}" for nic, why in unread),
                    *refs,
                    question=f"Is bridge {bridge} (and every other bridge listed) on host {v.host} "
                    "not VLAN-aware, so the untagged NIC gets one VLAN? Evidence: `ip -d link show "
                    f"{bridge}` there (vlan_filtering 1 is VLAN-aware; an Open vSwitch bridge is "
                    f"`ovs-vsctl br-exists {bridge}`), and for an SDN VNet its `vlanaware` in "
                    "/etc/pve/sdn/vnets.cfg"
                    + (
                        f"; the file(s) /etc/network/interfaces sources that were not read: {sourced} "
                        f"(a stanza `iface {bridge}` there with `bridge-vlan-aware` yes, on, 1 or "
                        "fast makes it VLAN-aware)"
                        if sourced
                        else ""
                    )
                    + ". Pass: yes, vlan_filtering 0 and no Open vSwitch bridge; fail: no, VLAN-aware or "
                    "Open vSwitch, where a port without a tag receives every VLAN of the bridge.",
                )
            )
        if raw_ask:
            items.append(
                manual(
                    s,
                    "host port(s) of raw QEMU NIC(s) whose VLANs the evidence does not show: "
                    + "; ".join(raw_ask),
                    *(refs or [v.source]),
                    question=f"Does the host port of each listed raw QEMU NIC of VM {v.name} carry "
                    f"a single VLAN? Evidence: on host {v.host}, the script or helper that sets up "
                    "each tap (/etc/qemu-ifup unless script= names another) or the process passing "
                    "its fd, and `bridge vlan show dev TAP` (a Linux bridge) or `ovs-vsctl list Port "
                    "TAP` (Open vSwitch: tag, trunks); for a vhost-user or other backend, its "
                    "switch's port settings. Pass: one VLAN (an access port or the bridge's PVID "
                    "only); fail: a trunk, or an Open vSwitch port with no tag, which trunks every "
                    "VLAN.",
                )
            )
        if unseen:
            names = ", ".join(sorted(set(unseen)))
            gap = Fact[bool].unavailable(
                f"the VLAN settings of network(s) {names} were not collected", *refs
            )
            # an unavailable fact: a question (unknown's confirm_question), joined with the rest
            items.append(unknown(s, gap, f"the network(s) {names} give the VM no VLAN trunk"))
        if items:
            yield joined_asks(s, items)
            continue
        yield passed(
            s,
            f"{len(v.interfaces) + len(raw)} interface(s), none trunked"
            + (f" ({'; '.join(raw_fine)})" if raw_fine else ""),
            *(refs or [v.source]),
        )


def _live_port_trunk(v: Vm, i: Interface, h: Host) -> str | None:
    """How the host's bridge makes a running libvirt VM's tap a trunk whatever its <vlan>
    says (R29N-2), None where it does not or the evidence does not show it. A hook script
    (/etc/libvirt/hooks/qemu) or an operator's `bridge vlan add dev vnet0 vid 10-12` makes the
    tap a member of several VLANs of a vlan_filtering bridge, and the bridge admits a tagged
    frame whose VID the port is a member of (Linux net/bridge/br_vlan.c __allowed_ingress;
    R18N-3, HVA-195). The running domain's live XML names its tap (`<target dev>`, vnet0) and
    `bridge -j vlan show` lists that port's VLANs (iproute2 bridge/vlan.c: "ifname", "vlans")."""
    if not v.running or h.platform != "kvm-libvirt" or not i.target_dev:
        return None
    if i.type not in ("bridge", "network") or i.virtualport == "openvswitch":
        return None
    f = h.facts
    if not (f.bridges.known and f.bridge_vlan_filtering.known and f.bridge_port_vlans.known):
        return None
    br = next((b for b, members in f.bridges.get().items() if i.target_dev in members), None)
    if br is None or not f.bridge_vlan_filtering.get().get(br):
        return None  # a bridge that does not filter forwards every tag: HVA-195's fail
    ids = tuple(sorted(set(f.bridge_port_vlans.get().get(i.target_dev, ()))))
    if len(ids) < 2:
        return None
    return (
        f"its port {i.target_dev} on VLAN-filtering bridge {br} is in VLANs {_vlan_ranges(ids)} "
        "(`bridge vlan show`): a trunk set outside the definition"
    )


def _raw_vlans(nics: list[RawNic]) -> tuple[list[str], list[str]]:
    """The raw QEMU NICs (hvaudit.parse.qemu_args.raw_nics) that receive one VLAN, and those
    whose port's VLANs the evidence does not show, each as a message part. A tap that
    qemu-bridge-helper (`-netdev bridge`, the default helper; qemu-options.hx) adds to a Linux
    bridge joins it with the bridge's default PVID alone: the helper adds the port (SIOCBRADDIF:
    br_add_if) and the kernel gives a new port that one VLAN, untagged (net/bridge/br_vlan.c
    nbp_vlan_init: `nbp_vlan_add(p, p->br->default_pvid, BRIDGE_VLAN_INFO_PVID |
    BRIDGE_VLAN_INFO_UNTAGGED, ...)`), not the every-VLAN membership qemu-server's tap_plug
    gives its own ports. A user-mode NIC ends in QEMU's own network stack, with no switch port.
    Another helper=, a script= or fd= tap, a vhost-user socket and any other backend are set up
    outside the arguments: a question."""
    fine: list[str] = []
    ask: list[str] = []
    for n in nics:
        if n.bridge is not None and PurePosixPath(n.helper or "").name == "qemu-bridge-helper":
            fine.append(
                f"QEMU argument {n.shown}: a tap on Linux bridge {n.bridge} with the bridge's "
                "default PVID only"
            )
        elif n.backend == "user":
            fine.append(f"QEMU argument {n.shown}: user-mode, no switch port")
        else:
            ask.append(f"QEMU argument {n.shown}")
    return fine, ask


@check(
    id="HVA-193",
    title="VM cannot change its own receive filters (promiscuous mode)",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125b": ["VM-TM-R2"]},
    interpretations={
        "sp800-125b:VM-TM-R2": (
            "VM-TM-R2 allows promiscuous mode only on the port group that needs it; a guest "
            "trusted to set its own receive filters turns it on for its port without anyone "
            "deciding that it is needed."
        ),
    },
    remediation={
        "*": "Remove trustGuestRxFilters='yes' from the interface (and the network) unless the "
        "guest is an approved monitoring appliance.",
        "proxmox-ve": "Turn trust off for an SR-IOV VF passed through to the VM (ip link set PF vf "
        "N trust off) unless the guest is an approved monitoring appliance.",
    },
    platforms=QEMU,
    per_vm=True,
)
def no_trusted_rx_filters(ctx: Context) -> Iterator[Outcome]:
    """trustGuestRxFilters passes the guest's MAC and promiscuous-mode changes to the host device:
    the guest can then snoop traffic not meant for it. SP 800-125B allows promiscuous mode only
    where it is required. On libvirt an explicit setting on the interface overrides its port
    group's, which overrides the network's (formatnetwork.rst, "trustGuestRxFilters" and
    "Portgroups": "an explicit setting in the individual domain interface will override the
    setting in the portgroup"; bridge_driver.c networkAllocatePort); the parser resolves that
    chain. Where the platform keeps the policy on the port group only (VMware macChanges), the
    network's setting is the interface's. An SR-IOV virtual function has its own trust flag on
    its physical function (ip-link(8) `vf N trust on`: the VF user "can set a specific feature
    which may impact security and/or performance. (e.g. VF multicast promiscuous mode)"), which
    can be on whatever the XML says: the host's `ip -d link` report of the VF with the VM's MAC
    decides, and where it was not read the VF is one question. So is a PCI function passed
    through whole (`<hostdev type='pci'>`, Proxmox hostpciN) whose sysfs class is a network
    controller (0x02) or unknown: an SR-IOV VF is a PCI function like any other, and the guest's
    VF driver asks its PF for promiscuous or all-multicast mode, which the PF grants only with
    trust on (ip-link(8) above); the XML names no PF (R7-5). Each function is named with what
    the evidence says of its class (network class, not collected, not among the host's
    devices), and a VM with both such a function and an unread VF gets one question covering
    both. On Proxmox VE a VM's NIC is a tap device qemu-server plugs into a Linux or Open vSwitch
    bridge (`-netdev type=tap` with /var/lib/qemu-server/pve-bridge, pve-common
    PVE::Network::tap_plug); qemu-server has no setting that hands the guest's receive filter
    to a host device (no macvtap, no NIC_RX_FILTER_CHANGED handling: github:proxmox/qemu-server
    searched), so only its hostpciN functions can be such VFs, a cluster mapping's (mapping=:
    this node's entries of /etc/pve/mapping/pci.cfg, P21C-1) included. A NIC raw QEMU arguments add (`-netdev`,
    `-nic`, `-net`: hvaudit.parse.qemu_args.raw_nics) is an interface, never "no network
    interface": it has no trustGuestRxFilters (formatdomain, `<rxfilters trustGuest>`: the host
    trusts the guest's "changes to the interface mac address and receive filters" only when it
    is set, "currently it is only supported for the virtio device model and for macvtap
    connections on the host"), so a tap, bridge, user-mode, socket or vhost-user backend passes;
    a raw `-netdev vhost-vdpa` hands the guest's virtio control commands (promiscuous mode
    among them) to the vDPA device: a question. So does an `<interface type='vdpa'>`, which
    libvirt starts as the same backend (`-netdev vhost-vdpa,vhostdev=/dev/fdset/N` for
    `<source dev='/dev/vhost-vdpa-0'/>`, the command line quoted on qemu-devel, "vdpa: set
    the mac address", read with `find_string`) and which has no trustGuestRxFilters (R12-2,
    was a pass). An interface on a libvirt network whose definition the evidence lacks takes
    that network's trust, unknown: asked (unseen_networks, R16-3, was a pass)."""
    nets = {(n.host, n.name): n for n in ctx.deployment.networks}
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        h = hosts[v.host]
        # a <hostdev type='pci'> (Proxmox hostpciN) of a network function may be an SR-IOV VF
        # whose trust flag is on; which PF it hangs off is sysfs physfn, not collected (R7-5)
        functions = _whole_functions(v, h)
        raw = raw_nics(v.raw_hypervisor_arguments)
        if not v.interfaces and not functions and not raw:
            yield not_applicable(s, "no network interface")
            continue
        bad, unread = [], []
        vfs = hosts[v.host].facts.sriov_vfs
        for i in v.interfaces:
            net = nets.get((v.host, i.source)) if i.type == "network" else None
            origin = i.inherited_from("trust")
            own = i.trust_guest_rx_filters_set or origin is not None
            if i.trust_guest_rx_filters:
                bad.append(f"{i.mac or i.source}" + (f" (from {origin})" if origin else ""))
            elif not own and net is not None and net.trust_guest_rx_filters:
                bad.append(f"{i.mac or i.source} (from network {net.name})")
            elif i.type == "hostdev" or (net is not None and net.forward_mode == "hostdev"):
                vf = _vf(i.mac, vfs)
                if vf is not None and vf[4] is True:
                    bad.append(f"{i.mac}: VF {vf[1]} of {vf[0]} has trust on")
                elif vf is None or vf[4] is None:
                    unread.append(i.mac or i.source)
        refs = [i.source_ref for i in v.interfaces] + [ref for _, _, ref in functions]
        refs = refs or [v.source]
        # a vDPA device takes the guest's receive-filter commands itself (R10-11 lead)
        vdpa = [f"QEMU argument {n.shown}" for n in raw if n.backend == "vhost-vdpa"]
        # libvirt opens an <interface type='vdpa'> as that same `-netdev vhost-vdpa` (R12-2)
        vdpa_def = [i.source or "(no device named)" for i in v.interfaces if i.type == "vdpa"]
        whole = (
            f"PCI function(s) {_functions_text(functions)} passed through whole: a network "
            "function that is an SR-IOV VF sets its receive filters through its PF's trust "
            "flag, not read"
        )
        addrs = ", ".join(a for a, _, _ in functions)
        ask_whole = (
            f"is each PCI function {addrs} of VM {v.name} either no network function, a whole "
            "physical function, or an SR-IOV VF with trust off"
        )
        find_whole = (
            f"on host {v.host}, `cat "
            "/sys/bus/pci/devices/ADDR/class` (0x02xxxx is a network function), `readlink "
            "/sys/bus/pci/devices/ADDR/physfn` (a VF names its PF) and `ip link show PF` (the "
            "'vf N' line of that VF)"
        )
        if bad:
            yield failed(s, f"guest-controlled receive filters on {', '.join(bad)}", *refs)
            continue
        # every open condition is asked in one item, so that a "yes" to one never passes another
        # unasked (joined_asks; R34 elif): a function's or VF's question no longer hides a vDPA
        # device or an unseen network
        items: list[Outcome] = []
        if unread:
            why = vfs.reason if not vfs.known else "the host's `ip -d link` shows no such VF"
            vf_text = (
                f"SR-IOV VF(s) {', '.join(unread)}: the VF's trust flag is a host setting not "
                f"read ({why})"
            )
            if functions:
                items.append(
                    manual(
                        s,
                        f"{vf_text}; {whole}",
                        *refs,
                        *vfs.sources,
                        *h.facts.pci_classes.sources,
                        question=f"Is trust off for the VF behind each of {', '.join(unread)} on "
                        f"host {v.host}, and {ask_whole}? Evidence: `ip link show PF` on {v.host} "
                        f"(the 'vf N' line with the VM's MAC); {find_whole}. Pass: yes, trust off "
                        "for every VF, and each PCI function is no network function, has no physfn "
                        "or has trust off; fail: any VF with trust on, so the guest can turn on "
                        "promiscuous mode.",
                    )
                )
            else:
                items.append(
                    manual(
                        s,
                        vf_text,
                        *refs,
                        *vfs.sources,
                        question=f"Is trust off for the VF behind each of {', '.join(unread)} on host "
                        f"{v.host}? Evidence: `ip link show PF` on {v.host} (the 'vf N' line with the "
                        "VM's MAC: trust off). Pass: yes, trust off for every one; fail: trust on, so "
                        "the guest can turn on promiscuous mode.",
                    )
                )
        elif functions:
            items.append(
                manual(
                    s,
                    whole,
                    *refs,
                    *h.facts.pci_classes.sources,
                    question=f"{ask_whole[0].upper()}{ask_whole[1:]}? Evidence: {find_whole}. Pass: "
                    "yes, not a network function, no physfn, or trust off; fail: no, a VF with trust on, so "
                    "the guest can turn on promiscuous mode.",
                )
            )
        if vdpa or vdpa_def:
            parts = [f"vDPA device(s) opened by raw arguments: {', '.join(vdpa)}"] if vdpa else []
            if vdpa_def:
                parts.append(f"vDPA interface(s) {', '.join(vdpa_def)}")
            items.append(
                manual(
                    s,
                    "; ".join(parts) + ": the guest's receive-filter commands reach the device",
                    *refs,
                    question=f"Does the vDPA device behind each of {', '.join(vdpa + vdpa_def)} of VM "
                    f"{v.name} keep the guest from turning on promiscuous or all-multicast mode? "
                    f"Evidence: on host {v.host}, `vdpa dev show` (the device and its parent) and, "
                    "for a VF's vDPA device, `ip link show PF` (the 'vf N' line: trust). Pass: yes, "
                    "trust off or the device ignores those commands; fail: no, so the guest can "
                    "receive traffic not meant for it.",
                )
            )
        if unseen := unseen_networks(v, nets, h.platform):
            # a network whose definition the scan lacks may trust the guest's filters (R16-3)
            names = ", ".join(unseen)
            items.append(
                manual(
                    s,
                    f"interface(s) on network(s) {names}, whose definition is not in the evidence: "
                    "the network's (or its port group's) trustGuestRxFilters and forward mode decide",
                    *refs,
                    question=f"Does network(s) {names} on host {v.host} leave the guest's receive "
                    f"filters untrusted? Evidence: `virsh net-dumpxml NAME` on {v.host} "
                    "(trustGuestRxFilters on <network> and on the <portgroup> the interface names, "
                    "<forward mode>), and for a forward mode hostdev `ip link show PF` (the 'vf N' "
                    "line with the VM's MAC: trust). Pass: trustGuestRxFilters unset or 'no' and "
                    "no VF with trust on; fail: 'yes' on a macvtap network, or a VF with trust on, "
                    "so the guest can turn on promiscuous mode.",
                )
            )
        if items:
            yield joined_asks(s, items)
            continue
        shown = [f"QEMU argument {n.shown}" for n in raw]
        yield passed(
            s,
            "no interface trusts guest receive filters"
            + (
                f" ({', '.join(shown)}: a raw NIC has no trustGuestRxFilters; only the host "
                "device of a macvtap or SR-IOV interface takes the guest's filter)"
                if shown
                else ""
            ),
            *refs,
        )


@check(
    id="HVA-194",
    title="macvtap interfaces do not bridge VM-to-VM traffic on the host",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125b": ["VM-FW-R2"]},
    interpretations={
        "sp800-125b:VM-FW-R2": (
            "VM-FW-R2 puts a kernel-based firewall between vNIC and virtual switch; macvtap "
            "bypasses the host's bridge, so traffic between VMs on the same device passes no "
            "such firewall."
        ),
    },
    remediation={
        "*": "Use mode='vepa' (with reflective relay on the switch) or 'private' for macvtap "
        "interfaces of VMs that must not talk to each other directly.",
        "proxmox-ve": "Put the physical function of SR-IOV VFs passed through in VEPA mode "
        "(bridge link set dev PF hwmode vepa, with reflective relay on the switch), or give VMs "
        "that must not talk to each other VFs of different NICs.",
    },
    platforms=QEMU,
    per_vm=True,
)
def macvtap_mode(ctx: Context) -> Iterator[Outcome]:
    """In macvtap 'bridge' mode, VMs on the same physical device exchange frames inside the host,
    past any firewall on the network. A `<network>` whose `<forward>` is mode bridge over
    devices without a `<bridge>` is macvtap in bridge mode too, and modes private, vepa and
    passthrough are macvtap in those modes (libvirt formatnetwork, "Direct attachment to
    physical interface"). SR-IOV functions of one physical NIC are switched by the NIC's own
    embedded bridge unless the PF is in VEPA mode, which only the host shows; a PCI function of
    network class (0x02) or unknown class passed through whole (`<hostdev type='pci'>`, Proxmox
    hostpciN, a cluster mapping's included) may be such a VF too (R7-6), and so is the device of
    a macvtap in passthrough mode, which "attaches a virtual function of a SRIOV capable NIC
    directly to a VM" (formatdomain, "Direct attachment to physical interface"; a network
    with <forward mode='passthrough'><pf dev> draws a pool of that PF's VFs): asked, the
    device may also be a whole NIC (R29N-6, was "macvtap modes: passthrough"). Proxmox VE plugs
    every VM NIC into a bridge as a tap device (no macvtap: HVA-193), so only its passed-through
    functions are judged there. An interface on a libvirt network whose definition the evidence
    lacks may be macvtap in any mode: asked (unseen_networks, R16-3; was "no macvtap or SR-IOV
    interface").
    A running VM's macvtap device (its live XML's <target dev>) that `ip -j -d link` shows in
    mode bridge bridges, whatever mode its definition gave: the mode of a live device can be
    changed (drivers/net/macvlan.c macvlan_changelink; R33N-4, _live_mode)."""
    nets = {(n.host, n.name): n for n in ctx.deployment.networks}
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        modes: list[tuple[str, str]] = []
        vfs: list[str] = []
        refs = []
        h = hosts[v.host]
        # a network function passed through whole may be a VF of a NIC whose embedded bridge
        # switches it to the other VFs, as <interface type='hostdev'> (R7-6); so may the
        # function a Proxmox cluster mapping gives
        for addr, what, ref in _whole_functions(v, h):
            vfs.append(f"PCI function {addr} ({what})")
            refs.append(ref)
        passthru: list[str] = []  # macvtap passthrough: the device may be a VF (R29N-6)
        for i in v.interfaces:
            net = nets.get((v.host, i.source)) if i.type == "network" else None
            if i.type == "direct" and i.macvtap_mode == "passthrough":
                passthru.append(f"{i.mac or i.source} (macvtap passthrough on {i.source})")
                refs.append(i.source_ref)
            elif net is not None and net.forward_mode == "passthrough":
                devs = ", ".join(net.forward_devices) or "a pool of devices"
                passthru.append(
                    f"{i.mac or i.source} (macvtap passthrough on network {net.name}, over {devs})"
                )
                refs += [i.source_ref, net.source]
            elif i.type == "direct":
                modes.append(_live_mode(v, i, h, i.source, i.macvtap_mode or "vepa"))
                refs.append(i.source_ref)
            elif net is not None and net.macvtap:
                modes.append(_live_mode(v, i, h, f"network {net.name}", net.forward_mode))
                refs += [i.source_ref, net.source]
            elif i.type == "hostdev" or (net is not None and net.forward_mode == "hostdev"):
                vfs.append(i.mac or i.source)
                refs.append(i.source_ref)
        unseen = unseen_networks(v, nets, h.platform)
        if not modes and not vfs and not unseen and not passthru:
            yield not_applicable(s, "no macvtap or SR-IOV interface")
            continue
        bridged = [where for where, mode in modes if mode == "bridge"]
        if any("`ip -d link` shows mode bridge" in where for where in bridged):
            refs.extend(h.facts.macvtap_modes.sources)
        if bridged:
            yield failed(s, f"macvtap bridge mode on {', '.join(bridged)}", *refs)
            continue
        # every open condition is asked in one item: an unseen network's question no longer
        # waits for the VM to have no VF or passthrough device, nor hides them (R34 elif)
        items: list[Outcome] = []
        if unseen:
            # a network whose definition the scan lacks may be macvtap in bridge mode (R16-3)
            names = ", ".join(unseen)
            items.append(
                manual(
                    s,
                    f"interface(s) on network(s) {names}, whose definition is not in the evidence: "
                    "its <forward> decides whether it is macvtap, and in which mode"
                    + (
                        f" (macvtap modes: {', '.join(sorted({m for _, m in modes}))})"
                        if modes
                        else ""
                    ),
                    *refs,
                    *(i.source_ref for i in v.interfaces if i.type == "network"),
                    question=f"Is network(s) {names} on host {v.host} other than macvtap in bridge "
                    f"mode? Evidence: `virsh net-dumpxml NAME` on {v.host} (<forward mode> and its "
                    "<interface dev> or <pf>, and whether it has a <bridge>). Pass: a network over a "
                    "host bridge (NAT, routed, open, isolated, or mode bridge with <bridge>), or "
                    "macvtap mode vepa, private or passthrough; fail: mode bridge over devices "
                    "without a <bridge>, so VMs on one device talk past the host's firewall (a "
                    "forward mode hostdev is the VEPA question of its physical function).",
                )
            )
        if passthru:
            items.append(
                manual(
                    s,
                    f"{'; '.join(passthru + vfs)}: macvtap passthrough hands the guest an SR-IOV "
                    "VF (or a whole NIC), and VFs of one NIC reach each other through its embedded "
                    "bridge unless the PF is in VEPA mode",
                    *refs,
                    question="Is each device behind "
                    f"{', '.join(passthru + vfs)} either no SR-IOV VF, or a VF whose physical "
                    f"function is in VEPA mode? Evidence: on host {v.host}, `readlink "
                    "/sys/class/net/DEV/device/physfn` for each device (a VF names its PF; a "
                    "network's <pf dev> pool is always VFs of that PF) and `bridge link show dev "
                    "PF` (hwmode vepa or veb). Pass: yes, a whole NIC the guest has to itself (it has "
                    "no physfn), or hwmode vepa, so the VFs' traffic goes through the switch; fail: "
                    "hwmode veb "
                    "(the embedded bridge), so VMs on VFs of that NIC talk to each other past the "
                    "network's filters (VMs allowed to do so are a waiver, not a pass).",
                )
            )
        elif vfs:
            items.append(
                manual(
                    s,
                    f"SR-IOV function(s) {', '.join(vfs)}: VFs of one NIC reach each other through "
                    "its embedded bridge unless the PF is in VEPA mode",
                    *refs,
                    question="Is the physical function behind "
                    f"{', '.join(vfs)} in VEPA mode? Evidence: `bridge link show dev PF` on host "
                    f"{v.host} (hwmode vepa or veb). Pass: yes, hwmode vepa, so the VFs' traffic "
                    "goes through the switch; fail: hwmode veb (the embedded bridge), so VMs on VFs "
                    "of that NIC talk to each other past the network's filters (VMs allowed to do "
                    "so are a waiver, not a pass).",
                )
            )
        if items:
            yield joined_asks(s, items)
            continue
        yield passed(s, "macvtap modes: " + ", ".join(sorted({mode for _, mode in modes})), *refs)


@check(
    id="HVA-210",
    title="Management services listen only on management addresses",
    scope="host",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-21"],
        "sp800-125a-r1": ["HY-SR-20"],
        "sp800-125b": ["VM-NS-R2"],
    },
    remediation="Bind sshd (ListenAddress), libvirt and any web console to the management interface's "
    "address instead of all addresses.",
    platforms=LINUX_HOST,
)
def management_bound(ctx: Context) -> Iterator[Outcome]:
    """A management service listening on every address is reachable from every network the host
    touches, including networks its VMs can reach. QEMU's own listeners (VNC and SPICE consoles,
    incoming migration, TCP character devices) are management interfaces of their VM and count
    too, and so does a socket systemd holds for a management service (socket activation:
    libvirtd-tcp.socket's ListenStream=16509 has no address, so it is every address). An address
    that is a libvirt network's <ip address> is the host's address on the guests' bridge (their
    gateway in a NAT or routed network; formatnetwork), so a service bound there faces the VMs;
    so does one bound to that bridge itself, which `ss` shows as ADDR%BRIDGE (a link-local
    address of the bridge, or SO_BINDTODEVICE; iproute2 ss.c sock_addr_print, R22O-1).
    Every address in any spelling counts as such: `ss` shows an IPv6 socket bound to the
    v4-mapped ::ffff:0.0.0.0 as [::ffff:0.0.0.0], and it receives on every IPv4 address (Linux
    net/ipv6/af_inet6.c __inet6_bind, see is_every_address). A listener on 127/8 is local
    only while the kernel drops 127/8 arriving on a real interface; net.ipv4.conf.IFACE.
    route_localnet = 1 (or `all`) stops that (Linux ip-sysctl.rst, "Do not consider loopback
    addresses as martian source or destination while routing"; CVE-2020-8558), so a management
    service on 127/8 then faces that interface's network (R9H-7); route_localnet unread is a
    question, not collectable the kernel's default (hvaudit.checks._loopback, the one rule).
    Another VM on the host with user-mode networking reaches 127/8 as well (QEMU's slirp turns
    its guest's connection to the host address into one to 127.0.0.1; loopback_guests), so
    beside one a management service on 127/8 faces that guest: a fail naming the VM, unless
    the listener is that VM's own QEMU (R17-9); one on ::1 too, which slirp maps the guest's
    IPv6 host address to (VL18-1). A VM's TCP or UDP character device that connects to the
    port of a management service on the loopback (a <serial type='tcp' mode='connect'>, a
    guestfwd <channel>) relays its guest to that service: a fail naming the VM and the device
    (chardev_guests, VL18-3).

    AF_VSOCK (R21V-2, was a pass): a VM with a vsock device connects its guest to the host as
    CID 2 on any port a host socket bound to CID 2 or VMADDR_CID_ANY listens on (vsock(7);
    vsock_guests, VL19-20), so a management service there (sshd on a systemd socket of
    `ListenStream=vsock::22`, as systemd-ssh-generator(8) binds it where told to by
    systemd.ssh_listen=) faces that guest: a fail naming the VM. Where the host's vsock
    listeners are not known beside such a VM (an older collector, or `ss` without vsock_diag)
    the check asks instead of passing. Datagram sockets are not reached: the virtio transport
    vhost-vsock serves has no datagrams (net/vmw_vsock/virtio_transport_common.c
    virtio_transport_dgram_bind returns -EOPNOTSUPP).

    A guest of a libvirt network whose bridge holds a host address
    (nat, route, open, isolated) reaches the host's other addresses through it as well: Linux
    takes a packet for any of its addresses on whatever interface it arrives (ip-sysctl.rst,
    arp_filter: "IP addresses are owned by the complete host on Linux"), and libvirt adds only
    accepts to the host's input path (DHCP, DNS, TFTP). A management service bound to another
    host address of a version the network has fails where the input firewall accepts by
    default, and is a question about the rules that accept its port where it drops by default
    and some rule accepts (R21N-1). A host with several of these questions gets them as one
    item whose one question asks each (R21Q-1): an attestation answers the host's item, and a
    "yes" to the first question alone would pass the others unasked. A host bridge (br0,
    Proxmox VE's vmbr0) that holds a host address and carries a VM is such a way in too: its
    guests send to any host address through the host's address there (R23N-1). The input
    policy counts as it is for what arrives on the guests' bridge: an accept on another input
    interface (`iifname "eno3" accept`) takes none of their packets (R24N-4).

    A socket systemd holds is its service's (systemd.socket(5)): the socket unit listening on
    its port and the services it activates (`systemctl list-sockets`) name it on any port
    (R29F-4); where that listing was not read (an older bundle), one on every address on a port
    hvaudit cannot name is a question, not a pass. So is an AF_VSOCK socket systemd holds on *
    or CID 2 beside a vsock guest, whose unit the listing names as `vsock::PORT` (systemd
    src/basic/socket-util.c sockaddr_pretty; R30F-2: never matched with its unit, so
    sshd-vsock.socket moved to port 2222 passed)."""
    guests = loopback_guests(ctx.deployment.vms)
    guests6 = loopback_guests(ctx.deployment.vms, version=6)
    dials = chardev_guests(ctx.deployment.vms)
    monitors = monitor_ports(ctx.deployment.vms)
    vsocks = vsock_guests(ctx.deployment.vms)
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.listeners
        ssh_ports = sshd_ports(h)
        if not f.known:
            # the AF_VSOCK listeners are `ss --vsock`'s own listing: a management service there
            # beside a vsock guest fails without the TCP/UDP one, whose gap asked alone (or its
            # error) hid that fail (R40S-5, the leading-unknown shape of R38S-1)
            near_v = sorted({how for _, how in vsocks.get(h.name, [])})
            vf = h.facts.vsock_listeners
            on_vsock = _vsock_management(vf, ssh_ports) if near_v else []
            gap = unknown(s, f, "management services listen only on management addresses")
            if on_vsock:
                yield failed(s, _vsock_part(near_v, on_vsock), *vf.sources)
            elif near_v and not vf.known and gap.question:
                # the gap's question names no AF_VSOCK socket: "yes" to it passed a vsock
                # guest's way to the host unasked (ss not installed reads neither; R40S-8)
                yield manual(
                    s,
                    f"{gap.message}; the host's AF_VSOCK listeners, which the vsock device of "
                    f"{_first(near_v)} reaches, are not known ({vf.reason or vf.state.value})",
                    *dict.fromkeys([*gap.evidence, *vf.sources]),
                    question=joint_question([gap.question, _vsock_question(h, near_v)]),
                )
            else:
                yield gap
            continue
        scope = loopback_scope(h)
        routed = scope.routed
        named = [(lst, _management_listener(lst, ssh_ports)) for lst in f.get()]
        wild = sorted(
            {
                name
                for lst, name in named
                if name is not None
                and (lst.address in ("*", "[::]", "::") or is_every_address(lst.address))
            }
        )
        vm_nets = {
            a: n.name for n in ctx.deployment.networks if n.host == h.name for a in n.host_addresses
        }
        # a socket bound to a VM network's bridge (`ss`: ADDR%virbr0; a link-local address
        # there, or SO_BINDTODEVICE) receives on that bridge whatever its address (R22O-1)
        vm_bridges = {
            n.bridge: n.name
            for n in ctx.deployment.networks
            if n.host == h.name and n.bridge and n.host_addresses
        }
        on_vm_net = sorted(
            {
                f"{name} on {lst.address}%{lst.device} (network {bound})"
                if (bound := vm_bridges.get(lst.device or ""))
                else f"{name} on {lst.address} (network {vm_nets[lst.address.strip('[]')]})"
                for lst, name in named
                if name is not None
                and (lst.address.strip("[]") in vm_nets or (lst.device or "") in vm_bridges)
            }
        )
        local4 = sorted(
            {
                f"{name} on {lst.address}"
                for lst, name in named
                if name is not None and lst.loopback and is_ipv4_loopback(lst.address)
            }
        )
        on_loop = local4 if routed else []
        # a user-mode guest reaches 127/8 (R17-9) and ::1 (VL18-1) too, but for its own QEMU's
        # listeners
        reached: dict[str, list[str]] = {}
        versions: set[int] = set()
        for lst, name in named:
            ver = guest_loopback(lst.address) if name is not None and lst.loopback else None
            if ver == 6 or (ver == 4 and not routed):
                near = (guests if ver == 4 else guests6).get(h.name, [])
                hows = guests_reaching(near, h, lst.pid, lst.port, monitors)
                if hows:
                    reached.setdefault(f"{name} on {lst.address}", []).extend(hows)
                    versions.add(ver)
        # a character device connecting to a loopback port relays its guest there (VL18-3)
        dialled = sorted(
            {
                f"{name} on {lst.address} by {how}"
                for lst, name in named
                if name is not None and lst.loopback
                for how in chardev_reaching(dials.get(h.name, []), h, lst)
            }
        )
        by_guest = sorted(reached)
        # a vsock guest reaches the host's AF_VSOCK listeners bound to * or CID 2 (R21V-2)
        near_v = sorted({how for _, how in vsocks.get(h.name, [])})
        vf = h.facts.vsock_listeners
        on_vsock = _vsock_management(vf, ssh_ports) if near_v else []
        # a guest of a libvirt network whose bridge holds a host address sends to any host
        # address through that bridge, and Linux takes it (R21N-1): what stops it is the
        # host's input firewall, which libvirt leaves open (it adds accepts only)
        gateways = _gateway_networks(ctx, h.name)
        # so does a guest on a host bridge (br0) holding a host address (R23N-1)
        host_brs = _gateway_bridges(ctx, h)
        # or on an Open vSwitch bridge whose ports ovs-vsctl did not show (R48S-3)
        ovs_maybe, ovs_ports, ovs_why = _ovs_bridges_unread(ctx, h, host_brs)
        through = _bridge_reached(named, {*gateways, *host_brs}, vm_nets)
        maybe_through = sorted(_bridge_reached(named, ovs_maybe, vm_nets).keys() - through)
        gw_nets = sorted({n for v in set(through.values()) for n in gateways.get(v, [])})
        gw_brs = sorted({b for v in set(through.values()) for b in host_brs.get(v, [])})
        who = " and ".join(
            ([f"libvirt network(s) {', '.join(gw_nets[:5])}"] if gw_nets else [])
            + ([f"host bridge(s) {', '.join(gw_brs[:5])}"] if gw_brs else [])
        )
        via = "the host's address on their bridge" if gw_brs else "the host, their gateway"
        policy = h.facts.firewall_input_policy
        # the policy for what arrives on the guests' bridges: an input-interface match holds
        # all of it or none, so `iifname "eno3" accept` opens nothing on virbr0 (R24N-4)
        ways = sorted(
            {n.split(" (")[1].split(",")[0] for n in gw_nets} | {b.split(" (")[0] for b in gw_brs}
        )
        on = h.facts.firewall_input_on
        by_way = {w: on.get()[w] for w in ways if on.known and w in on.get()}
        whole = policy.get() if policy.known else None
        open_input = bool(through) and any(by_way.get(w, whole) == "accept" for w in ways or [""])
        if wild or on_vm_net or on_loop or by_guest or dialled or on_vsock or open_input:
            parts = [f"listening on all addresses: {', '.join(wild)}"] if wild else []
            if on_loop:
                parts.append(
                    f"listening on 127/8, which route_localnet = 1 on {', '.join(routed)} "
                    f"opens to the network: {', '.join(on_loop)}"
                )
            if by_guest:
                hows = sorted({how for hs in reached.values() for how in hs})
                nets, to = reach_words(versions)
                parts.append(
                    f"listening on {nets}, which the user-mode networking of "
                    f"{', '.join(hows[:5])} opens to its guest (a connection to its host "
                    f"address becomes one to {to}): {', '.join(by_guest)}"
                )
            if dialled:
                parts.append(
                    f"on the loopback, but relayed to a guest by its {dial_words(dialled, True)}: "
                    + ", ".join(dialled[:5])
                )
            if on_vm_net:
                parts.append(
                    "listening on a VM network's host address (every guest on it reaches it): "
                    + ", ".join(on_vm_net)
                )
            if on_vsock:
                parts.append(_vsock_part(near_v, on_vsock))
            if open_input:
                parts.append(
                    f"listening on host addresses that the guests of {who} reach through "
                    f"{via} (Linux takes a packet for any of its addresses on whatever "
                    "interface it arrives), and the host's input firewall accepts by default: "
                    + ", ".join(sorted(through)[:8])
                )
            yield failed(
                s,
                "; ".join(parts),
                *f.sources,
                *(scope.sources if on_loop else ()),
                *(h.facts.qemu_processes.sources if by_guest or dialled else ()),
                *(vf.sources if on_vsock else ()),
                *(policy.sources if open_input else ()),
            )
        else:
            # every open condition in the one item: an attestation answers the host's item, so
            # a "yes" to the first question alone would pass the others unasked (R21Q-1)
            asks: list[str] = []
            questions: list[str] = []
            refs = [*f.sources]
            if through and not (
                policy.known
                and policy.get() == "drop"
                and h.facts.firewall_accepts.known
                and h.facts.firewall_accepts.get() is False
            ):
                listed = ", ".join(sorted(through)[:8])
                bridges = ", ".join(
                    sorted(
                        {n.split(" (")[1].split(",")[0] for n in gw_nets}
                        | {b.split(" (")[0] for b in gw_brs}
                    )
                )
                seen = policy.get() if policy.known else f"not read ({policy.reason})"
                if any(p != whole for p in by_way.values()):
                    seen += (
                        " ("
                        + ", ".join(f"{p} for what arrives on {w}" for w, p in by_way.items())
                        + ")"
                    )
                asks.append(
                    f"management listener(s) {listed}: the guests of {who} reach every host "
                    f"address through {via} (Linux takes a packet for any of its addresses on "
                    f"whatever interface it arrives); host firewall input policy: {seen}"
                )
                of = "; ".join(
                    ([f"the bridge(s) of network(s) {', '.join(gw_nets[:5])}"] if gw_nets else [])
                    + ([f"host bridge(s) {', '.join(gw_brs[:5])}"] if gw_brs else [])
                )
                refs += [*policy.sources, *h.facts.firewall_accepts.sources]
                questions.append(
                    f"Does the input firewall of host {h.name} drop connections that "
                    f"arrive on {bridges} ({of}) "
                    f"for {listed}? Evidence: `nft list ruleset` (or `iptables -S`) on the host: "
                    "every rule that accepts those ports or queues them to a program in user "
                    "space (nft `queue`, iptables NFQUEUE or QUEUE: the program may accept "
                    "them), with its input-interface and source matches. Pass: yes, none "
                    "accepts or queues them from those bridges or the networks' subnets "
                    "(libvirt's own rules there accept only DHCP, DNS and TFTP); fail: one does "
                    "(any interface or source included), so a guest reaches the management "
                    "service."
                )
            if maybe_through and not (
                policy.known
                and policy.get() == "drop"
                and h.facts.firewall_accepts.known
                and h.facts.firewall_accepts.get() is False
            ):
                listed = ", ".join(maybe_through[:8])
                ifaces = sorted({i for v in ovs_maybe.values() for i in v})
                names = ", ".join(i.split(" (")[0] for i in ifaces[:5])
                vm_ports = ", ".join(ovs_ports[:5])
                asks.append(
                    f"management listener(s) {listed}: VM port(s) {vm_ports} are on Open "
                    f"vSwitch, beside its interface(s) {', '.join(ifaces[:5])} holding host "
                    f"addresses, and which bridge holds each is unknown ({ovs_why}): a guest "
                    "on the bridge of such an interface reaches every "
                    "host address through it"
                )
                refs += [
                    *h.facts.ovs_bridges.sources,
                    *policy.sources,
                    *h.facts.firewall_accepts.sources,
                ]
                questions.append(
                    f"Is each of VM port(s) {vm_ports} on host {h.name} on an Open vSwitch "
                    f"bridge other than those of {names}, or does the host's input firewall "
                    f"drop connections that arrive on {names} for {listed}? Evidence: "
                    f"`ovs-vsctl port-to-br PORT` and `ovs-vsctl iface-to-br INTERFACE` on "
                    f"{h.name} for each, and `nft list ruleset` (or `iptables -S`). Pass: yes, "
                    "no VM port shares a bridge with them, or no rule accepts or queues those "
                    "ports from them; fail: a VM port shares one and a rule accepts them (or "
                    "the policy does), so a guest reaches the management service."
                )
            if named_at := {
                (lst.protocol, lst.port): f"{name} on {lst.address} by {', '.join(hows)}"
                for lst, name in named
                if name is not None
                and lst.loopback
                and (hows := chardev_named(dials.get(h.name, []), h, lst))
            }:
                # a device naming its service by name reaches the port /etc/services gives
                # it, which hvaudit does not read (chardev_named, VL18-6)
                asks.append(
                    "on the loopback, and a character device may reach them by a service "
                    "name, which QEMU resolves with the host's /etc/services (not collected): "
                    + "; ".join(sorted(named_at.values())[:5])
                )
                refs += h.facts.qemu_processes.sources
                questions.append(named_question(h, dials.get(h.name, []), named_at))
            if local4 and scope.unread is not None:
                asks.append(f"listening on 127/8: {', '.join(local4)}; {scope.why_unread()}")
                refs += scope.sources
                questions.append(LOCALNET_QUESTION)
            unheld = sorted(
                {
                    f"{lst.protocol}/{lst.port}"
                    for lst, name in named
                    if name is None
                    and lst.process == "systemd"
                    and lst.units is None
                    and (lst.address in ("*", "[::]", "::") or is_every_address(lst.address))
                }
            )
            # and on AF_VSOCK beside a vsock guest, which reaches * and CID 2 (R30F-2)
            unheld_v = sorted(
                {
                    f"vsock/{lst.port}"
                    for lst in (vf.get() if near_v and vf.known else ())
                    if lst.process == "systemd"
                    and lst.units is None
                    and lst.address in ("*", "2")
                    and _management_listener(lst, ssh_ports) is None
                }
            )
            if unheld or unheld_v:
                # which service a socket systemd holds on another port starts is in the
                # socket units' listing, not read (R29F-4)
                where = [("on every address", unheld)] if unheld else []
                if unheld_v:
                    where.append(
                        (
                            f"on AF_VSOCK, which the vsock device of {_first(near_v)} reaches,",
                            unheld_v,
                        )
                    )
                asks.append(
                    "; ".join(
                        f"socket(s) systemd holds {on} for a service the evidence does not name: "
                        f"{_first(ports)}"
                        for on, ports in where
                    )
                    + " (`systemctl list-sockets` not read)"
                )
                unheld += unheld_v
                questions.append(
                    f"Is each socket systemd holds on {_first(unheld)} on host {h.name} one that "
                    "starts a service other than a management service (sshd, libvirt's daemons, "
                    "a web console)? Evidence: `systemctl list-sockets --full` on the host (the "
                    "UNIT and ACTIVATES of each LISTEN address). Pass: yes, each starts another "
                    "service; fail: one starts a management service, which then listens there for "
                    "whoever reaches that address (a guest, for an AF_VSOCK one)."
                )
            if near_v and not vf.known:
                # the listeners a vsock guest reaches are not known (R21V-2)
                mgmt = [lst for lst, name in named if name is not None and not lst.loopback]
                asks.append(
                    f"{len(mgmt)} management listener(s), none on a wildcard address; the "
                    f"host's AF_VSOCK listeners, which the vsock device of {_first(near_v)} "
                    f"reaches, are not known ({vf.reason or vf.state.value})"
                )
                refs += vf.sources
                questions.append(_vsock_question(h, near_v))
            may = _unread_ways(
                ctx, h, named, gateways, host_brs, vm_nets, bool(near_v) and not vf.known
            )
            unread = unread_ask(h, ", or ".join(may)) if may else None
            if asks and unread is not None:
                asks.append(unread[0])
                questions.append(unread[1])
            if asks:
                yield manual(
                    s,
                    "; ".join(asks),
                    *dict.fromkeys(refs),
                    question=joint_question(questions),
                )
                continue
            mgmt = [lst for lst, name in named if name is not None and not lst.loopback]
            note = f"; {scope.note}: {', '.join(local4)}" if local4 and scope.assumed else ""
            outcome = passed(
                s,
                f"{len(mgmt)} management listener(s), none on a wildcard address{note}",
                *f.sources,
            )
            yield unread_peers(outcome, h, ", or ".join(may)) if may else outcome


def _bridge_reached(
    named: list[tuple[Listener, str | None]], versions: Collection[int], vm_nets: Mapping[str, str]
) -> dict[str, int]:
    """The management listeners of `named` a guest reaches through a bridge holding a host
    address of an IP version in `versions` (R21N-1, R23N-1): each on a host address of that
    version, not the loopback, not every address and not a libvirt network's own host address
    (`vm_nets`), as "NAME on ADDRESS" with its IP version."""
    out: dict[str, int] = {}
    for lst, name in named:
        version = _address_version(lst.address)
        if (
            name is not None
            and version is not None
            and not lst.loopback
            and version in versions
            and lst.address.strip("[]") not in vm_nets
            and not is_every_address(lst.address)
        ):
            out[f"{name} on {lst.address}"] = version
    return out


def _unread_ways(
    ctx: Context,
    h: Host,
    named: list[tuple[Listener, str | None]],
    gateways: dict[int, list[str]],
    host_brs: dict[int, list[str]],
    vm_nets: dict[str, str],
    vsock_asked: bool,
) -> list[str]:
    """The ways a guest of host `h` whose definition was not read (unread_peers) may reach one
    of its management listeners `named` that HVA-210 credits because no VM read reaches it
    (R30D-1): on the loopback (unread_reach), on AF_VSOCK bound to any CID or CID 2 (a vsock
    device, R21V-2), and on another host address through a libvirt network or host bridge
    holding a host address that no VM read is on (R21N-1, R23N-1: `gateways` and `host_brs`
    are those some VM read is on; `vm_nets` the networks' host addresses) unless the input
    firewall drops by default and accepts nothing. `vsock_asked`: the host's AF_VSOCK listeners
    are not known and asked already (beside a vsock guest read)."""
    ssh_ports = sshd_ports(h)
    may: list[str] = []
    loop = sorted({f"{name} on {lst.address}" for lst, name in named if name and lst.loopback})
    if loop:
        may.append(unread_reach(", ".join(loop[:8])))
    vf = h.facts.vsock_listeners
    vsock = sorted(
        {
            f"{name} (vsock/{lst.port})"
            for lst in (vf.get() if vf.known else ())
            if lst.address in ("*", "2")
            and lst.protocol == "vsock"
            and (name := _management_listener(lst, ssh_ports)) is not None
        }
    )
    if vsock:
        may.append(
            "have a vsock device, whose guest connects to the host (CID 2) on AF_VSOCK, where "
            f"{', '.join(vsock[:8])} listen"
        )
    elif not vf.known and not vsock_asked:
        may.append(
            "have a vsock device, whose guest connects to the host (CID 2) on any AF_VSOCK "
            f"listener, and the host's are not known ({vf.reason or vf.state.value})"
        )
    policy, accepts = h.facts.firewall_input_policy, h.facts.firewall_accepts
    if policy.known and policy.get() == "drop" and accepts.known and accepts.get() is False:
        return may
    # the networks and host bridges holding a host address that no VM read is on
    ways: dict[int, list[str]] = {}
    for n in ctx.deployment.networks:
        if n.host != h.name or not n.bridge or n.forward_mode not in GATEWAY_MODES:
            continue
        for a in n.host_addresses:
            way = f"{n.name} ({n.bridge}, {a})"
            version = _address_version(a)
            if version is not None and way not in gateways.get(version, []):
                ways.setdefault(version, []).append(f"libvirt network {way}")
    if h.facts.bridges.known and h.facts.addresses.known:
        internal = _libvirt_internal_bridges(ctx, h.name)
        for b in sorted(h.facts.bridges.get()):
            for a in h.facts.addresses.get().get(b, ()) if b not in internal else ():
                version = _address_version(a)
                if version is not None and f"{b} ({a})" not in host_brs.get(version, []):
                    ways.setdefault(version, []).append(f"host bridge {b} ({a})")
    through = sorted(_bridge_reached(named, ways, vm_nets))
    if through:
        on = sorted({w for v, ws in ways.items() for w in ws})
        may.append(
            f"be on {', '.join(on[:5])}, through which its guest reaches every host address "
            f"(Linux takes a packet for any of its addresses on whatever interface it arrives), "
            f"{', '.join(through[:8])} among them"
        )
    return may


@check(
    id="HVA-211",
    title="Management address is not on a bridge shared with VMs",
    scope="host",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-21"],
        "sp800-125a-r1": ["HY-SR-20"],
        "sp800-125b": ["VM-NS-R2"],
    },
    remediation="Move the host's management address to a dedicated NIC (or VLAN interface) that no VM "
    "is attached to.",
    platforms=LINUX_HOST,
)
def management_segment(ctx: Context) -> Iterator[Outcome]:
    """When the host's own address sits on a bridge that VMs are plugged into, every guest shares a
    segment with the management interface (Rev. 1 HY-SR-20 wants a dedicated NIC or segment).
    A bridge counts when a VM port is on it now or when a defined VM (running or not) attaches to
    it, directly or through a libvirt network in bridge mode. So does a NIC a VM attaches to by
    macvtap (`<interface type='direct'>`, or a network whose forward mode is macvtap): the
    guest's frames leave on that NIC itself (formatdomain, "Direct attachment to physical
    interface"), on the segment of the host address it holds. An Open vSwitch internal port
    holding an address (Proxmox VE's wiki "Open vSwitch": OVSIntPort, the host's VLAN
    interfaces on the VM bridge; ovs-vsctl(8) `add-port BRIDGE PORT -- set Interface PORT
    type=internal`) is a port of some OVS bridge, but `ip -d link` shows every OVS port as
    `master ovs-system`, the datapath: ovs-vsctl's Bridge/Port/Interface tables tell which bridge
    holds it; where they were not read and VMs sit on an OVS bridge (one defined there, or a VM
    tap the link list shows under ovs-system whose bridge no running VM read names: R44S-1), it
    is a question (`ovs-vsctl port-to-br PORT`), never a pass. A host with several of these questions (OVS
    ports, VFs whose PF is not in the evidence, VLAN interfaces) gets them as one item whose
    one question asks each, every port named (R21Q-1)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        bridges, addrs = h.facts.bridges, h.facts.addresses
        if not addrs.known:
            gap = first_unknown(bridges, addrs) or addrs
            yield unknown(s, gap, "the management address is not on a bridge with VM ports")
            continue
        # The link list unread hides the bridges, not the macvtap NICs and SR-IOV pools a VM
        # definition names: those fail on the addresses alone, and the bridges' gap joins the
        # other questions, never standing before them (R38S-1: a "yes" to the bridges' question
        # passed a VM attached by macvtap to the NIC holding the host address).
        bridge_gap = (
            None
            if bridges.known
            else unknown(s, bridges, "the management address is not on a bridge with VM ports")
        )
        bridge_map = bridges.get() if bridges.known else {}
        named = vm_taps(ctx, h.name)  # a running VM's tap of another name (R30N-4)
        internal = _libvirt_internal_bridges(ctx, h.name)
        net_bridges = {
            n.name: n.bridge for n in ctx.deployment.networks if n.host == h.name and n.bridge
        }
        defined: dict[str, list[str]] = {}
        for v in ctx.deployment.vms:
            if v.host != h.name:
                continue
            for itf in v.interfaces:
                br = itf.source if itf.type == "bridge" else None
                if itf.type == "network":
                    br = net_bridges.get(itf.source)
                if br:
                    defined.setdefault(br, []).append(v.name)
            # a tap raw QEMU arguments put on a named bridge joins it at the VM's start (L13-5)
            for n in raw_taps(raw_nics(v.raw_hypervisor_arguments))[0]:
                defined.setdefault(str(n.bridge), []).append(v.name)
        shared = []
        on_bridge: set[str] = set()  # bridges whose own address is reported from the link list
        teams = h.facts.bonds.get() if h.facts.bonds.known else {}
        for b, members in bridge_map.items():
            if b in internal:
                continue
            live = any(_vm_port(m, named) for m in members)
            if not (live or b in defined):
                continue
            vms = sorted(set(defined.get(b, [])))
            what = f"VMs defined on it: {', '.join(vms[:6])}" if vms else "VM ports"
            if addrs.get().get(b):
                shared.append(f"{b} ({', '.join(addrs.get()[b])}; {what})")
                on_bridge.add(b)
            # an address on a port of the bridge (or on a member of a bond that is one): the
            # bridge takes every frame the port receives and passes the host's up as received
            # on the bridge device (R30N-1, _port_addresses)
            shared += [
                f"{dev} ({', '.join(addrs.get()[dev])}; {how} bridge {b}; {what})"
                for dev, how in _port_addresses(b, members, teams, addrs.get())
            ]
        # An 802.1Q interface on such a bridge (br0.10: kind vlan, lower link br0): without
        # vlan_filtering the bridge forwards every tagged frame ("the switch must accept any
        # 802.1Q frames irrespective of their VLAN ID", kernel dsa.rst), so a guest that tags
        # its frames reaches the address; with filtering, the VM ports' VLANs decide. Filtering
        # of vlan_protocol 802.1ad forwards 802.1Q-tagged frames as untagged, tag intact
        # (net/bridge/br_vlan.c __allowed_ingress, protocol mismatch): no filtering for them.
        links = h.facts.link_info.get() if h.facts.link_info.known else {}
        filtering = (
            h.facts.bridge_vlan_filtering.get() if h.facts.bridge_vlan_filtering.known else {}
        )
        vlan_q: list[str] = []
        for dev, (kind, _, lower) in sorted(links.items()):
            if kind != "vlan" or not addrs.get().get(dev) or lower not in bridge_map:
                continue
            if lower in internal:
                continue
            live = any(_vm_port(m, named) for m in bridge_map[lower])
            if not (live or lower in defined):
                continue
            where = f"{dev} ({', '.join(addrs.get()[dev])}; a VLAN interface of {lower}"
            qinq = h.facts.bridge_qinq.get() if h.facts.bridge_qinq.known else ()
            if filtering.get(lower):
                vlan_q.append(f"{where}, vlan_filtering on)")
            elif lower in qinq:
                shared.append(
                    f"{where}, which forwards every 802.1Q tag: vlan_filtering of 802.1ad only)"
                )
            else:
                shared.append(f"{where}, which forwards every VLAN tag: no vlan_filtering)")
        # macvtap: the guest's frames leave on the named device itself (formatdomain, "Direct
        # attachment to physical interface"; a <network> with a macvtap <forward> likewise).
        nets = {n.name: n for n in ctx.deployment.networks if n.host == h.name}
        # A hostdev network hands each guest an SR-IOV VF of its <pf dev> (formatnetwork,
        # "Forward mode hostdev"): the VF sends on the PF's physical port, and the NIC's embedded
        # bridge switches between the VFs and the PF unless the PF is in VEPA mode.
        # A VF named only by its PCI address (the pool's <address type='pci'> list, or an
        # <interface type='hostdev'>) belongs to a PF the evidence does not name: which one is
        # /sys/bus/pci/devices/<vf>/physfn on the host, not collected (R40).
        direct: dict[str, list[str]] = {}
        pooled: dict[str, list[str]] = {}
        orphan: dict[str, list[str]] = {}
        known_classes = h.facts.pci_classes.known
        classes = h.facts.pci_classes.get() if known_classes else {}
        for v in ctx.deployment.vms:
            if v.host != h.name:
                continue
            for itf in v.interfaces:
                net = nets.get(itf.source) if itf.type == "network" else None
                if itf.type == "direct":
                    direct.setdefault(itf.source, []).append(v.name)
                elif net is not None and net.macvtap:
                    for d in net.forward_devices:
                        direct.setdefault(d, []).append(v.name)
                elif net is not None and net.forward_mode == "hostdev":
                    for d in net.forward_devices:
                        pooled.setdefault(d, []).append(v.name)
                    for a in net.forward_addresses:
                        orphan.setdefault(f"{a} (pool of network {net.name})", []).append(v.name)
            for p in v.passthrough:
                if p.kind == "sr-iov/pci network function":
                    orphan.setdefault(f"{p.address} (<interface type='hostdev'>)", []).append(
                        v.name
                    )
                elif p.kind == "pci" and (m := _MAPPING.fullmatch(p.address)) is not None:
                    # Proxmox VE hostpci mapping=<id> the model could not resolve: pci.cfg not
                    # collected, or no entry of this node there (R62, P21C-1)
                    orphan.setdefault(
                        f"cluster mapping {m[1]} (/etc/pve/mapping/pci.cfg: a PCI function this "
                        "node maps it to)",
                        [],
                    ).append(v.name)
                elif p.kind == "pci":
                    # a network-class function (PCI class 02, from sysfs) passed through whole,
                    # or one whose class the evidence does not give (R62)
                    for addr, cls in _pci_functions(classes, p.address, known_classes):
                        if cls is None:
                            what = "PCI passthrough of a function of unknown class"
                        elif cls >> 16 == 0x02:
                            what = "PCI passthrough of a network function"
                        else:
                            continue
                        orphan.setdefault(f"{addr} ({what})", []).append(v.name)

        held = addrs.get()
        macvtap, vf_pools = (
            [
                f"{d} ({', '.join(held[d])}; VMs: {', '.join(sorted(set(vms))[:6])})"
                for d, vms in sorted(devices.items())
                if held.get(d)
            ]
            for devices in (direct, pooled)
        )
        # Open vSwitch: which bridge an internal port holding an address belongs to is only in
        # ovs-vsctl; while any OVS bridge carries VMs, each such port is a question.
        ovs_vm_bridges = sorted(
            {b for b in defined if links.get(b, ("", "", ""))[0] == "openvswitch"}
            | {
                i.source
                for v in ctx.deployment.vms
                if v.host == h.name
                for i in v.interfaces
                if i.virtualport == "openvswitch" and i.type == "bridge" and i.source
            }
        )
        ovs_q = [
            f"{d} ({', '.join(held[d])})"
            for d, (kind, _, _) in sorted(links.items())
            if kind == "openvswitch"
            and d != "ovs-system"
            and held.get(d)
            and d not in defined
            and d not in internal
        ]
        # A VM's tap on an Open vSwitch bridge shows master ovs-system, the datapath, in the link
        # list (ovs_datapath_ports): with ovs-vsctl's tables unread it is a live VM port on a
        # bridge only they name, which no definition read may tie to one (a domain of another
        # libvirt connection, a guest started by hand), so an address on an OVS port or bridge
        # is asked whether that bridge is its own, never passed (R44S-1).
        dp = h.facts.ovs_datapath_ports
        placed = {
            i.target_dev
            for v in ctx.deployment.vms
            if v.host == h.name and v.running
            for i in v.interfaces
            if i.target_dev
            and (i.source if i.type == "bridge" else net_bridges.get(i.source)) in ovs_vm_bridges
        }
        stray = sorted(
            p for p in (dp.get() if dp.known else ()) if _vm_port(p, named) and p not in placed
        )
        if not ovs_vm_bridges and not stray:
            ovs_q = []
        if h.facts.ovs_bridges.known:
            ovs_q = []
            for b, ports in sorted(h.facts.ovs_bridges.get().items()):
                live = any(_vm_port(p, named) for p in ports)
                if b in internal or not (live or b in defined):
                    continue
                vms = sorted(set(defined.get(b, [])))
                what = f"VMs defined on it: {', '.join(vms[:6])}" if vms else "VM ports"
                shared += [
                    f"{p} ({', '.join(held[p])}; a port of Open vSwitch bridge {b}; {what})"
                    for p in ports
                    if p != b and held.get(p)
                ]
                # the bridge's own address (its internal interface of the same name): with the
                # link list unread, ovs-vsctl's tables are what name it a bridge VMs are on, and
                # a VM defined on it fails it as the link list's bridge would (R40S-2)
                if held.get(b) and b not in on_bridge:
                    shared.append(f"{b} ({', '.join(held[b])}; Open vSwitch; {what})")
        parts = [f"host address on bridge(s) with VM ports: {', '.join(shared)}"] if shared else []
        if macvtap:
            parts.append(f"host address on NIC(s) VMs attach to by macvtap: {', '.join(macvtap)}")
        if vf_pools:
            parts.append(f"host address on NIC(s) whose SR-IOV VFs VMs get: {', '.join(vf_pools)}")
        vf_q = [
            f"{vf}: VMs {', '.join(sorted(set(vms))[:6])}" for vf, vms in sorted(orphan.items())
        ]
        if parts:
            yield failed(s, "; ".join(parts), *bridges.sources, *addrs.sources)
        else:
            # every open condition in the one item, each port or VLAN interface named: an
            # attestation answers the host's item, so a "yes" to the first question alone
            # would pass the others unasked (R21Q-1)
            if bridge_gap is not None and bridges.state is not FactState.UNAVAILABLE:
                yield bridge_gap  # the link list's collection failed: an error
                continue
            asks: list[str] = [bridge_gap.message] if bridge_gap is not None else []
            questions: list[str] = (
                [bridge_gap.question] if bridge_gap is not None and bridge_gap.question else []
            )
            if ovs_q:
                held_by = [q.split(" ")[0] for q in ovs_q]
                port = held_by[0] if len(held_by) == 1 else "PORT"
                which = (
                    f"the Open vSwitch port {held_by[0]}"
                    if len(held_by) == 1
                    else f"each of the Open vSwitch ports {', '.join(held_by)}"
                )
                on = ", ".join(ovs_vm_bridges)
                taps = ", ".join(stray[:8]) + (" and more" if len(stray) > 8 else "")
                vms_on, nots, looks = [], list(ovs_vm_bridges), []
                if on:
                    vms_on.append(f"VMs are on Open vSwitch bridge(s) {on}")
                    looks.append(f"`ovs-vsctl list-ports BRIDGE` for {on}")
                if stray:
                    vms_on.append(f"VM port(s) {taps} are on Open vSwitch bridge(s) it names")
                    nots.append(f"the bridge of {taps}")
                    looks.append(f"`ovs-vsctl port-to-br` for {taps}")
                asks.append(
                    f"host address on Open vSwitch port(s) {', '.join(ovs_q)}, whose bridge only "
                    f"ovs-vsctl shows; {'; '.join(vms_on)}"
                )
                questions.append(
                    f"Is {which} on a bridge that no VM port is on (not {' or '.join(nots)})? "
                    f"Evidence: `ovs-vsctl port-to-br {port}` and {' and '.join(looks)} "
                    "on the host. Pass: yes, its bridge carries no VM port; fail: it is a port "
                    "of a bridge VMs are on."
                )
            if vlan_q:
                asks.append(
                    "host address on a VLAN interface of a bridge with VM ports: "
                    + ", ".join(vlan_q)
                )
                devs = [q.split(" ")[0] for q in vlan_q]
                of = devs[0] if len(devs) == 1 else f"each of {', '.join(devs)}"
                questions.append(
                    f"Is the VLAN of {of} kept off every VM port of that bridge? Evidence: "
                    "`bridge vlan show` on the host (the VLANs of each vnet/tap port and of the "
                    "management interface's VLAN). Pass: yes, no VM port carries that VLAN; "
                    "fail: a VM port carries it (tagged or as PVID)."
                )
            if vf_q:
                nics = sorted(d for d in held if held[d] and d != "lo")
                mapped = [
                    k.split(" ")[2] for k in sorted(orphan) if k.startswith("cluster mapping ")
                ]
                listed = [k.split(" ")[0] for k in sorted(orphan) if not k.startswith("cluster ")]
                first = listed[0] if listed else "<that address>"
                find = (
                    f"for mapping {mapped[0]}, the path= of its `map` entry with node={h.name} "
                    f"in /etc/pve/mapping/pci.cfg (`pvesh get /cluster/mapping/pci/{mapped[0]}`); "
                    if mapped
                    else ""
                )
                what = f"VF {listed[0]}" if listed else f"the function mapping {mapped[0]} gives"
                asks.append(
                    (
                        "also SR-IOV VF(s) named only by PCI address, their PF not in the evidence: "
                        if asks
                        else "PCI function(s) VMs get whose physical function is not in the "
                        "evidence: "
                    )
                    + "; ".join(vf_q)
                )
                questions.append(
                    f"Is the physical function of {what} (and of every other VF or mapped "
                    "function listed; a function that is no VF is its own PF) a NIC that holds "
                    f"none of the host's addresses ({', '.join(nics[:6]) or 'none reported'})? "
                    f"Evidence: {find}`readlink /sys/bus/pci/devices/{first}/physfn` on the "
                    "host, then `ls /sys/bus/pci/devices/<that PF>/net` and `ip -br addr`. "
                    "Pass: yes, each VF's PF holds no host address; fail: a VF's PF holds one "
                    "(the guest shares the management NIC's port)."
                )
            # a guest not read may attach to a device holding a host address: credited as no
            # VM read does (R30D-2)
            holding = sorted(
                f"{d} ({', '.join(a)})"
                for d, a in held.items()
                if a and d != "lo" and d not in internal
            )
            may = (
                f"attach to a bridge or NIC holding a host address ({', '.join(holding[:6])}"
                f"{' and more' if len(holding) > 6 else ''}): an <interface type='bridge'> or "
                "'direct' (macvtap), a network forwarding to it, or an SR-IOV VF of it"
            )
            unread = unread_ask(h, may) if holding else None
            if asks and unread is not None:
                asks.append(unread[0])
                questions.append(unread[1])
            if asks:
                yield manual(
                    s,
                    "; ".join(asks),
                    *bridges.sources,
                    *addrs.sources,
                    *(h.facts.link_info.sources if ovs_q or vlan_q else ()),
                    question=joint_question(questions),
                )
                continue
            outcome = passed(
                s, "no host address on a bridge with VM ports", *bridges.sources, *addrs.sources
            )
            yield unread_peers(outcome, h, may) if holding else outcome


def _port_addresses(
    bridge: str,
    members: tuple[str, ...],
    teams: dict[str, tuple[str, ...]],
    held: dict[str, tuple[str, ...]],
) -> list[tuple[str, str]]:
    """The ports of a Linux bridge that hold a host address, and the members of a bond that is a
    port, each with how it belongs to the bridge (R30N-1). The bridge registers an rx handler
    on each port that takes every frame the port receives (Linux net/bridge/br_input.c
    br_handle_frame); a frame for the host goes up with the bridge as its device
    (br_pass_frame_up: `skb->dev = brdev`), as a bond's handler passes its members' frames to
    the bond first. Linux owns an address on behalf of the whole host: it answers ARP for any
    local address on any interface (ip-sysctl.rst arp_ignore, "0 - (default): reply for any
    local target IP address, configured on any interface") and takes a packet for it on the
    bridge, so the address a port holds is on the bridge's segment with every guest there:
    the one the management network reaches through that port's uplink, too."""
    out: list[tuple[str, str]] = []
    for port in members:
        if port == bridge:
            continue
        if held.get(port):
            out.append((port, "a port of"))
        out += [
            (m, f"a member of bond {port}, a port of")
            for m in teams.get(port, ())
            if m != port and held.get(m)
        ]
    return out


#: Proxmox VE's display of a hostpci `mapping=<id>` (parse/proxmox_model.py)
_MAPPING = re.compile(r"of cluster mapping (\S+) \(/etc/pve/mapping/pci\.cfg\)")


def _pci_functions(
    classes: dict[str, int], address: str, known: bool
) -> list[tuple[str, int | None]]:
    """Each PCI function an address names with its sysfs class code (None: not in the
    evidence). Proxmox VE's hostpci may omit the domain (3b:02.1: 0000) and the function (3b:00:
    every function of the device, qemu-server PCI.pm), and join several ids with `;`."""
    out: list[tuple[str, int | None]] = []
    for part in address.lower().split(";"):
        addr = part.strip()
        if not addr or addr.startswith("of cluster mapping"):
            continue
        if addr.count(":") == 1:
            addr = f"0000:{addr}"
        if "." in addr.rsplit(":", 1)[-1]:
            out.append((addr, classes.get(addr) if known else None))
        else:
            found = sorted((a, c) for a, c in classes.items() if a.startswith(f"{addr}."))
            out += found if found else [(addr, None)]
    return out


def _whole_functions(v: Vm, h: Host) -> list[tuple[str, str, Source]]:
    """The PCI functions VM `v` gets whole (`<hostdev type='pci'>`) that may be network functions,
    so possibly SR-IOV VFs: sysfs class 0x02, or a class the evidence does not give (pci-classes
    not collected, or the address not among the host's devices). Each as (address, what the
    evidence says of its class, source)."""
    f = h.facts.pci_classes
    classes = f.get() if f.known else {}
    out: list[tuple[str, str, Source]] = []
    for p in v.passthrough:
        if p.kind != "pci":
            continue
        if (m := _MAPPING.fullmatch(p.address)) is not None:
            # Proxmox VE hostpci mapping=<id> the model could not resolve against
            # /etc/pve/mapping/pci.cfg (as HVA-211 reads it; P21C-1)
            out.append(
                (
                    f"cluster mapping {m[1]}",
                    "its function is in /etc/pve/mapping/pci.cfg, not read",
                    p.source_ref,
                )
            )
            continue
        if p.address.startswith(VGPU):
            # a vGPU names its profile, not the card's function (L19-3D): a GPU share, asked
            out.append(
                (
                    p.address,
                    "a share of a physical GPU: the card's PCI function is not named",
                    p.source_ref,
                )
            )
            continue
        for addr, cls in _pci_functions(classes, p.address, f.known):
            if cls is None:
                what = (
                    f"class not collected: {f.reason}"
                    if not f.known
                    else "not among the host's PCI devices: class unknown"
                )
                out.append((addr, what, p.source_ref))
            elif cls >> 16 == 0x02:
                out.append((addr, f"network class 0x{cls:06x}", p.source_ref))
    return out


def _foreign_ports(
    h: Host,
    ports: list[tuple[Interface, Network | None, bool, str]],
    placed: dict[tuple[str, str], set[str]],
) -> list[str]:
    """The ports of no VM, not isolated, on the bridges of `ports`, where the host's links were
    read (hvaudit.parse.host._foreign_ports, VL16-4). On a libvirt daemon's host (not the test
    driver, whose port names are its own) so is a port named as a VM's tap (vnetN) that no
    running VM's live XML puts on that bridge (`placed`: the <target dev> of each running VM's
    interface there): libvirt names every tap it creates vnetN, whatever the VM or the daemon
    (virnetdev.h VIR_NET_GENERATED_VNET_PREFIX; a session daemon's VM, a tap a hook script or
    `ip link set vnetN master br0` moved there, a plain <interface type='ethernet'> tap, which
    libvirt puts on no bridge), so the name proves no VM of this scan holds it, and the kernel
    forwards between it and every isolated port (br_skb_isolated: both must be isolated) (R34N-1).
    Only where the listing shows every running VM's tap on the bridge its live XML names: a
    listing that does not is of another moment or naming, and its vnetN ports match no VM."""
    fact = h.facts.bridge_foreign_ports
    got = fact.get() if fact.known else {}
    out = {p for _, _, _, b in ports for p in got.get(b, ())}
    members, flags = h.facts.bridges, h.facts.bridge_port_isolated
    # the listing and the live XML name the same taps only where each running VM's tap is a
    # port of the bridge its live XML puts it on (a test driver's testnetN is in no listing)
    agree = members.known and all(
        t in members.get().get(b, ())
        for (host, b), taps in placed.items()
        if host == h.name
        for t in taps
    )
    named = any(taps for (host, _), taps in placed.items() if host == h.name)
    if h.platform == "kvm-libvirt" and not h.simulated and fact.known and named and agree:
        listed = {p.split(" ", 1)[0] for p in out}
        for b in {b for _, _, _, b in ports}:
            for dev in members.get().get(b, ()):
                if (
                    re.fullmatch(r"vnet[0-9]+", dev)
                    and dev not in listed
                    and dev not in placed.get((h.name, b), set())
                    and (flags.get().get(dev) if flags.known else None) is not True
                ):
                    out.add(f"{dev} (a VM tap name, but no running VM's live XML puts it on {b})")
    return sorted(out)


def _functions_text(functions: list[tuple[str, str, Source]]) -> str:
    return ", ".join(f"{a} ({what})" for a, what, _ in functions)


_SOURCES_QUESTION = (
    "Do the host's firewall and the firewalls upstream of it admit this host's "
    "management ports only from the designated management subnets? Evidence: the list of "
    "designated subnets and every rule that admits a management port, on the host (`nft list "
    "ruleset`; on Proxmox VE also /etc/pve/firewall/cluster.fw and "
    "/etc/pve/nodes/<node>/host.fw) and upstream (the network firewall's policy for the host's "
    "management address). The ports: SSH 22, libvirt TLS 16514, VNC/SPICE consoles from 5900 and "
    "migration 49152-49215 (qemu.conf remote_display_port_min, migration_port_min/max); on "
    "Proxmox VE SSH 22, web UI and API 8006, VNC web consoles 5900-5999, SPICE proxy 3128 and "
    "migration 60000-60050. Pass: every rule admitting them is limited to the designated "
    "subnets; fail: any rule admits another source, or no firewall filters them."
)
"""HVA-212's declared question."""


@check(
    id="HVA-212",
    title="Management ports admit only designated subnets",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-21"], "sp800-125a-r1": ["HY-SR-20"]},
    remediation="Restrict the firewall rules for SSH, libvirt TLS and consoles to the enterprise "
    "management subnets, upstream and on the host.",
    automation="manual",
    question=_SOURCES_QUESTION,
    platforms=LINUX_HOST,
)
def management_sources(ctx: Context) -> Iterator[Outcome]:
    """Which subnets are 'designated' is the site's decision and the upstream firewall is not on
    the host; the report shows what it saw and asks. The guests of a libvirt network whose
    bridge holds a host address (nat, route, open, isolated; a VM defined on it) are a source
    on the host itself, past every upstream firewall: they reach every host address through
    that bridge (Linux takes a packet for any of its addresses on whatever interface it
    arrives, ip-sysctl.rst arp_filter; libvirt adds only DHCP, DNS and TFTP accepts to the
    input path: R21N-1). The question names those networks and their bridges as well, in the
    one item (R21Q-4), where the declared question left them to the auditor."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        if h.simulated:
            yield not_applicable(s, "simulated host (libvirt test driver)")
            continue
        f = h.facts.firewall_input_policy
        seen = f.get() if f.known else f"unknown ({f.reason})"
        gateways = _gateway_networks(ctx, h.name)
        nets = sorted({n for ns in gateways.values() for n in ns})
        if not nets:
            yield manual(s, f"host firewall input policy: {seen}", *f.sources)
            continue
        listed = ", ".join(nets[:5])
        bridges = ", ".join(sorted({n.split(" (")[1].split(",")[0] for n in nets}))
        yield manual(
            s,
            f"host firewall input policy: {seen}; the guests of libvirt network(s) {listed} are "
            "a source on the host: they reach every host address through the host, their "
            "gateway (Linux takes a packet for any of its addresses on whatever interface it "
            "arrives)",
            *f.sources,
            question=joint_question(
                [
                    _SOURCES_QUESTION,
                    f"Does the input firewall of host {h.name} drop connections to its "
                    f"management ports that arrive on {bridges} (the bridge(s) of libvirt "
                    f"network(s) {listed})? Evidence: every rule of `nft list ruleset` (or "
                    "`iptables -S`) on the host that accepts a management port, with its "
                    "input-interface and source matches. Pass: yes, none accepts one from those "
                    "bridges or the networks' subnets (libvirt's own rules there accept only "
                    "DHCP, DNS and TFTP); fail: one does (any interface or source included), so "
                    "a guest reaches the management port.",
                ]
            ),
        )


def _live_mode(v: Vm, i: Interface, h: Host, where: str, defined: str) -> tuple[str, str]:
    """(where, mode) of a macvtap interface: the definition's mode, or bridge where the running
    VM's device (its live XML's <target dev>, libvirt's macvtapN) is in bridge mode in `ip -j -d
    link`. The mode can be changed on a live device (`ip link set DEV type macvtap mode bridge`;
    drivers/net/macvlan.c macvlan_changelink refuses only a change to or from passthru), and the
    kernel's mode is what bridges frames between the devices of one lower NIC (R33N-4)."""
    live = h.facts.macvtap_modes
    if not v.running or not i.target_dev or not live.known:
        return where, defined
    mode = live.get().get(i.target_dev)
    if mode == "bridge" and defined != "bridge":
        return (
            f"{where} (its device {i.target_dev}: `ip -d link` shows mode bridge, though the "
            f"definition gives {defined})",
            "bridge",
        )
    return where, defined


def _below_vlans(dev: str, info: dict[str, tuple[str, str, str]]) -> str:
    """The device a VLAN device (or a stack of them, 802.1ad over 802.1Q) sends through: its
    `link` (ip-link(8), type vlan); any other device is itself."""
    seen = {dev}
    kind, _, lower = info.get(dev, ("", "", ""))
    while kind == "vlan" and lower and lower not in seen:
        dev = lower
        seen.add(dev)
        kind, _, lower = info.get(dev, ("", "", ""))
    return dev


@check(
    id="HVA-220",
    title="VM networks have redundant physical uplinks",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-22"]},
    remediation="Attach VM bridges to a bond or team of at least two physical NICs (on different "
    "adapters and switches).",
    platforms=LINUX_HOST,
)
def redundant_uplinks(ctx: Context) -> Iterator[Outcome]:
    """One physical NIC per VM bridge is a single point of failure for every VM on it; SP 800-125B
    asks for teams whose members differ in driver, PCI bus and switch (this check sees the team,
    not those differences). An Open vSwitch bridge VMs are defined on lists its ports only in
    `ovs-vsctl` (each shows `master ovs-system` in `ip link`): asked. A VLAN device in the bridge
    (`bond0.20`) sends and receives through its `link` device (ip-link(8), type vlan; `ip -j
    link` reports it as "link"), so the bridge is as redundant as that device: a bridge on a
    VLAN of a two-member bond (Proxmox VE's admin guide runs `bridge-ports bond0.5`) is teamed.
    A Linux bond with link monitoring off (miimon 0 and arp_interval 0 in `ip -d link`) never
    notices that a member's link failed and keeps sending through it (the kernel's bonding.rst:
    "It is critical that either the miimon or arp_interval and arp_ip_target parameters be
    specified, otherwise serious network degradation will occur during link failures"; miimon
    "A value of zero disables MII link monitoring"): two members, but no failover. A member
    that is down now (operstate DOWN or LOWERLAYERDOWN, or not administratively UP: the kernel's
    operstates.rst) carries nothing, so a bond left with one working member is one NIC today.
    A VM port is a tap libvirt names (vnet*, macvtap*; tap* and veth* of other tools) or one a
    running VM's live XML names otherwise (`<target dev>`, formatdomain "Overriding the target
    element"): a bridge whose only VM port has such a name carries VMs too (R29N-4). So does a
    bridge with an uplink that a VM is defined on and no VM port is on now (a VM shut off,
    autostart or not, or raw QEMU arguments' tap): at its next start its frames go through
    that uplink (libvirt's src/qemu/qemu_interface.c qemuInterfaceBridgeConnect creates the
    tap in the bridge the definition or its network names, virNetDevTapCreateInBridgePort, at
    each start), as HVA-211 counts defined VMs (R30N-3)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        bridges, bonds, info = h.facts.bridges, h.facts.bonds, h.facts.link_info
        blind = h.facts.bonds_unmonitored
        down = set(h.facts.links_down.get()) if h.facts.links_down.known else set()
        gap = first_unknown(bridges, bonds, info)
        if gap is not None:
            yield unknown(s, gap, "VM bridges are uplinked through a bond of two or more NICs")
            continue
        named = vm_taps(ctx, h.name)  # taps a running VM's live XML names (R29N-4)

        def vm_port(m: str, named: frozenset[str] = named) -> bool:
            return m.startswith(("vnet", "tap", "macvtap", "veth")) or m in named

        internal = _libvirt_internal_bridges(ctx, h.name)
        defined = defined_bridges(ctx, h.name)
        ovs = sorted(
            b
            for b in bridges.get()
            if info.get().get(b, ("", "", ""))[0] == "openvswitch" and b in defined
        )
        # a bridge a VM is defined on (running or not: it attaches at the VM's next start)
        # carries VMs when it has an uplink, as HVA-211 counts it (R30N-3)
        vm_bridges = {
            b: m
            for b, m in bridges.get().items()
            if b not in internal
            and b not in ovs
            and (
                any(vm_port(x) for x in m)
                or (b in defined and any(not vm_port(x) and x != b for x in m))
            )
        }
        # the Open vSwitch bridges' question waits for the Linux bridges' verdict: one of them
        # without a redundant uplink fails the host whatever the answer (R34W-5)
        ovs_ask = (
            manual(
                s,
                f"VMs are on Open vSwitch bridge(s) {', '.join(ovs)}, whose uplinks only Open "
                "vSwitch lists",
                *bridges.sources,
                question=f"Is each Open vSwitch bridge {', '.join(ovs)} uplinked through a bond "
                "of two or more physical NICs? Evidence: `ovs-vsctl list-ports BRIDGE` and "
                "`ovs-appctl bond/show` on the host. Pass: yes for every bridge; fail: a bridge "
                "with one physical port or none.",
            )
            if ovs
            else None
        )
        if not vm_bridges:
            yield ovs_ask or not_applicable(
                s, "no bridge with a physical uplink carries VM ports", *bridges.sources
            )
            continue
        weak = []
        unmonitored = set(blind.get()) if blind.known else set()
        for b, members in vm_bridges.items():
            uplinks = [m for m in members if not vm_port(m)]
            below = {u: _below_vlans(u, info.get()) for u in uplinks}
            teamed = [u for u in uplinks if len(bonds.get().get(below[u], ())) >= 2]
            watched = [u for u in teamed if below[u] not in unmonitored]
            working = {u: [m for m in bonds.get()[below[u]] if m not in down] for u in watched}
            live = [u for u in watched if len(working[u]) >= 2]
            if watched and not live:
                bond = below[watched[0]]
                dead = [m for m in bonds.get()[bond] if m in down]
                weak.append(
                    f"{b} (uplink {bond}: member(s) {', '.join(dead)} down, "
                    f"{len(working[watched[0]])} working)"
                )
            elif teamed and not watched:
                bond = below[teamed[0]]
                weak.append(
                    f"{b} (uplink {bond}: miimon 0 and arp_interval 0, the bond detects no "
                    "link failure and never fails over)"
                )
            elif not teamed:
                weak.append(f"{b} (uplinks: {', '.join(uplinks) or 'none'})")
        if weak:
            yield failed(
                s,
                f"VM bridge(s) without a redundant uplink: {', '.join(weak)}",
                *bridges.sources,
                *bonds.sources,
            )
        elif ovs_ask is not None:
            yield ovs_ask
        else:
            yield passed(
                s,
                f"{len(vm_bridges)} VM bridge(s), each on a bond of two or more NICs",
                *bridges.sources,
                *bonds.sources,
            )


#: HVA-197's question, given with each manual item of its own so that raw_arguments_unseen can
#: ask it together with whether unobservable raw QEMU arguments add a bridge port.
EAST_WEST_NEED = (
    "Does this VM need layer-2 traffic with another VM on its bridge? Evidence: the "
    "application's data-flow or network design naming the peer VM(s) on that bridge. Pass: yes, "
    "a documented flow to a named peer VM there; fail: no such flow (then set "
    "<port isolated='yes'/> on its interface, or on Proxmox VE put it on a VNet with "
    "isolate-ports)."
)


#: What libvirt does about routing between the guests of a network with its own bridge and an
#: address on it, by forward mode (R20N-4).
_ROUTED_BY = {
    "nat": "libvirt turns IP forwarding on and accepts what is routed from the bridge back "
    "into it (-i {br} -o {br} -j ACCEPT)",
    "route": "libvirt turns IP forwarding on and accepts what is routed from the bridge back "
    "into it (-i {br} -o {br} -j ACCEPT)",
    "open": "libvirt turns IP forwarding on and adds no firewall rule: only the host's own "
    "firewall can stop it",
    "isolated": "libvirt accepts what is routed from the bridge back into it (-i {br} -o {br} "
    "-j ACCEPT), which the host does when IP forwarding is on (another network, sysctl)",
}


def _routed_networks(
    ports: list[tuple[Interface, Network | None, bool, str]],
) -> list[tuple[str, str]]:
    """The bridges (with why) of a VM's isolated ports on a libvirt network of forward mode nat,
    route, open or none whose bridge has an address of the host (<ip address>): the host routes
    one guest's packets to another through it. A bridge port's isolated flag stops frames
    between isolated ports only (Linux br_forward.c should_deliver, `br_skb_isolated`); the
    packet VM A sends to the host's MAC for VM B's address enters the host's stack, and the host
    forwards it out of the same bridge to B, from no isolated port. libvirt's bridge_driver.c
    networkStartNetworkVirtual: "If forward.type != NONE, turn on global IP forwarding"
    (networkEnableIPForwarding, for nat, route and open); its firewall (network_iptables.c
    iptablesAddGeneralIPv4FirewallRules, "Allow traffic between guests on the same bridge":
    iptablesAddForwardAllowCross, `-i BR -o BR -j ACCEPT`) is added for every mode but open."""
    out: dict[str, str] = {}
    for _, n, iso, _ in ports:
        if not iso or n is None or n.macvtap or not n.host_addresses:
            continue
        how = _ROUTED_BY.get(n.forward_mode)
        if how is None:
            continue
        br = n.bridge or n.name
        out[br] = (
            f"bridge {br} of network {n.name} (forward mode {n.forward_mode}, "
            f"{', '.join(n.host_addresses)}): {how.format(br=br)}"
        )
    return sorted(out.items())


def _routed_question(vm: str, host: str, routed: list[tuple[str, str]]) -> str:
    bridges = ", ".join(br for br, _ in routed)
    return (
        f"Does host {host} keep VM {vm} from reaching the other VMs of bridge(s) {bridges} by "
        "routing, or does VM "
        f"{vm} have a documented flow to each of them? Evidence: on host {host}, `sysctl "
        "net.ipv4.ip_forward net.ipv6.conf.all.forwarding` and the forward rules (`iptables -S "
        "FORWARD`, `iptables -S LIBVIRT_FWX`, `ip6tables -S ...`, or `nft list ruleset`) for a "
        "drop of what enters and leaves the same bridge, ahead of libvirt's accept; the "
        "VM's nwfilter; the application's data-flow design. Pass: the host forwards no IP, or "
        "drops what is routed from each listed bridge back into it, or the VM has a documented "
        "flow to each peer there; fail: the host routes between the bridge's guests, so the "
        "isolated VMs still exchange packets through it."
    )


@check(
    id="HVA-197",
    title="VM ports on a host bridge are isolated from each other where VMs need no east-west traffic",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125b": ["VM-FW-R2"]},
    interpretations={
        "sp800-125b:VM-FW-R2": "port isolation is a filter in the host kernel at the VM port, "
        "the place SP 800-125B gives kernel-based virtual firewalls",
    },
    remediation={
        "*": "Add <port isolated='yes'/> to the interface (or to the <network>) of VMs that need "
        "no layer-2 traffic with the other VMs on the same bridge.",
        "proxmox-ve": "Attach VMs that need no layer-2 traffic with each other to an SDN VNet with "
        "Isolate Ports on (Datacenter > SDN > VNets: isolate-ports), apply the SDN configuration "
        "and restart the VMs so their ports are plugged isolated.",
    },
    automation="manual",
    question=EAST_WEST_NEED,
    platforms=QEMU,
    peers=("interfaces", "raw_hypervisor_arguments"),
)
@raw_arguments_unseen("a port on a host bridge (-netdev tap or bridge)")
def isolated_ports(ctx: Context) -> Iterator[Outcome]:
    """`<port isolated='yes'/>` (libvirt >= 6.1, on the interface or inherited from its network)
    sets the Linux bridge port's isolated flag: isolated ports cannot exchange frames with each
    other, only with the uplink (libvirt formatdomain, "Isolating guests's network traffic from
    each other"; bridge(8) `isolated on`). It applies to tap devices on a Linux host bridge only;
    whether a VM needs east-west traffic is a policy question, so a port without it is a manual
    item, never a failure. Isolated ports "cannot communicate between each other, but they can
    still communicate with non-isolated ports" (Linux commit 7d850abd5f4e, "net: bridge: add
    support for port isolation"): an isolated VM beside a VM whose port on the same bridge is not
    isolated still talks to that VM, so it is the same question, naming that VM. On Proxmox VE
    a port is isolated when its bridge is an SDN VNet with `isolate-ports` in the applied SDN
    configuration (pve-network Zones/Plugin.pm tap_plug `$opts->{isolation} = 1 if
    $vnet->{'isolate-ports'}`; pve-common PVE::Network::tap_plug `bridge link set dev <port>
    isolated on`), read from /etc/pve/sdn/.running-config or the API's
    /cluster/sdn/vnets?running=1; the flag is set when the port is plugged (VM start, NIC
    hot-plug), so for a running VM whether it was started after the option was applied is a
    question (`bridge -d link show`), never a pass. A tap that raw QEMU arguments put on a
    bridge (`-netdev bridge,br=`) is a port there that nothing isolates (qemu_args.raw_taps,
    R10-11).
    An <interface type='ethernet'> tap is put on no bridge by libvirt, but one created outside
    it (`<target dev managed='no'>`, as KubeVirt hands over a tap its pod bridge holds) or
    handed to an ifup `<script>` ("whatever extra host network integration is required",
    formatdomain "Generic ethernet connection") may be a bridge port: a question, not n/a
    (R12-1). So may the raw form, a `-netdev tap` set up by its script (qemu-options.hx: "The
    default network configure script is /etc/qemu-ifup"), by the process passing its fd=, or
    made beforehand (script=no, ifname=): the same question (qemu_args.raw_taps, leads13). Such
    a tap of another VM may also be a port, not isolated, of the bridge an isolated VM is on:
    the isolated VM is then asked about it, not passed (R15-6). So may a port of the bridge
    that is no VM's: a container's veth, a tap or dummy of the host (`ip -j -d link`, its
    master, kind and bridge-port `isolated`; hvaudit.parse.host._foreign_ports): named in a
    question (VL16-4). Where the host's links were not read, the definitions cannot show such
    a port: the same question, never a pass (lead VL16-4). An interface on a libvirt network whose definition the
    evidence lacks is a port of that network's bridge, if it has one, whose isolation is not
    known (unseen_networks, R16-3; was "no interface on a Linux host bridge"). Isolated ports
    of a libvirt network of forward mode nat, route, open or none whose bridge holds the host's
    address, shared with other VMs, still reach them through the host's routing, which libvirt
    turns on and accepts (_routed_networks): the east-west question naming it, never a pass
    (R20N-4). libvirt isolates no Open vSwitch port (virnetdevtap.c virNetDevTapAttachBridge
    sets the isolated flag on Linux bridge ports only); OVS isolates a port by its Port
    `protected` column (ovs-vswitchd.conf.db(5): "Traffic between protected ports is blocked",
    default false) or OpenFlow rules, both outside libvirt: a question, not n/a (R20N-5).
    The flag is the kernel's, on the port: the bridge forwards between two ports only where not
    both carry it (net/bridge/br_private.h br_skb_isolated), and `bridge link set dev PORT
    isolated off` clears it on a running VM's port while its live XML keeps <port
    isolated='yes'/>. A running VM's port (its live XML's <target dev>) that `ip -j -d link`
    shows with isolated off is not isolated, whatever the definition says (R33N-3)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    nets = {(n.host, n.name): n for n in ctx.deployment.networks}
    # (host, bridge) -> the VMs with a port there that is not isolated
    open_on: dict[tuple[str, str], set[str]] = {}
    # VM -> its Open vSwitch ports and their bridges (R20N-5)
    ovs_of: dict[str, list[tuple[Interface, str]]] = {}
    # (host, bridge) -> the VMs with a port there, isolated or not (R20N-4)
    every_on: dict[tuple[str, str], set[str]] = {}
    ports_of: dict[str, list[tuple[Interface, Network | None, bool, str]]] = {}
    # (host, VM, port) -> why the running port its definition isolates is not (R33N-3)
    flag_off: dict[tuple[str, str, str], str] = {}
    # (host, bridge) -> the taps the running VMs' live XML puts there (R34N-1)
    placed_taps: dict[tuple[str, str], set[str]] = {}
    for v in ctx.deployment.vms:
        ports = []
        for i in v.interfaces:
            net = nets.get((v.host, i.source)) if i.type == "network" else None
            if i.virtualport == "openvswitch" or (
                net is not None and net.virtualport == "openvswitch" and not net.macvtap
            ):
                # libvirt isolates no Open vSwitch port; only the Port's `protected` flag or
                # OpenFlow rules set outside it do (R20N-5)
                br = (net.bridge or net.name) if net is not None else i.source
                ovs_of.setdefault(v.name + "\0" + v.host, []).append((i, br))
                continue
            if net is not None and net.virtualport:
                continue
            # a network whose definition the scan lacks may be a Linux bridge (R16-3)
            unseen = i.type == "network" and net is None and hosts[v.host].platform == "kvm-libvirt"
            if (
                i.type == "bridge"
                or unseen
                or (net is not None and not net.macvtap and net.forward_mode != "hostdev")
            ):
                isolated = bool(i.port_isolated) or (
                    i.port_isolated is None and net is not None and net.port_isolated
                )
                live = hosts[v.host].facts.bridge_port_isolated
                if (
                    isolated
                    and v.running
                    and i.target_dev
                    and live.known
                    and live.get().get(i.target_dev) is False
                ):
                    # the kernel's flag on the running port decides (br_skb_isolated), not the
                    # definition that plugged it (R33N-3)
                    isolated = False
                    flag_off[(v.host, v.name, i.target_dev)] = (
                        f" (its port {i.target_dev}: `ip -d link` shows isolated off, though the "
                        "definition isolates it)"
                    )
                bridge = (
                    (net.bridge or net.name)
                    if net is not None
                    else f"network {i.source} (its definition is not in the evidence)"
                    if unseen
                    else i.source
                )
                ports.append((i, net, isolated, bridge))
                if v.running and i.target_dev:
                    placed_taps.setdefault((v.host, bridge), set()).add(i.target_dev)
                every_on.setdefault((v.host, bridge), set()).add(v.name)
                if not isolated:
                    open_on.setdefault((v.host, bridge), set()).add(v.name)
        ports_of[v.name + "\0" + v.host] = ports
        # a tap raw QEMU arguments put on a bridge is a port there, not isolated (R10-11)
        for n in raw_taps(raw_nics(v.raw_hypervisor_arguments))[0]:
            open_on.setdefault((v.host, str(n.bridge)), set()).add(v.name)
    # the VMs whose taps are set up outside libvirt (R12-1, leads13): each may be a port, not
    # isolated, of any bridge on its host (R15-6)
    placed_on: dict[str, set[str]] = {}
    for v in ctx.deployment.vms:
        if raw_taps(raw_nics(v.raw_hypervisor_arguments))[1] or any(
            i.type == "ethernet" and i.tap_placed_outside and i.virtualport != "openvswitch"
            for i in v.interfaces
        ):
            placed_on.setdefault(v.host, set()).add(v.name)
    first_open: dict[tuple[str, str], list[str]] = {}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        ports = ports_of[v.name + "\0" + v.host]
        on_bridge, set_up = raw_taps(raw_nics(v.raw_hypervisor_arguments))
        raw_ports = [(f"QEMU argument {n.shown}", str(n.bridge)) for n in on_bridge]
        # an ethernet tap libvirt did not create, or handed to an ifup script, may be a port of
        # a host bridge nothing in the definition names (R12-1)
        outside = [
            i
            for i in v.interfaces
            if i.type == "ethernet" and i.tap_placed_outside and i.virtualport != "openvswitch"
        ]
        # so may a raw tap its script, a passed fd or a tap made beforehand sets up (leads13)
        placed = [str(i.tap_placed_outside) for i in outside] + [
            f"QEMU argument {n.shown}: a tap {n.setup} sets up" for n in set_up
        ]
        ovs = ovs_of.get(v.name + "\0" + v.host, [])
        if not ports and not raw_ports and placed and not ovs:
            taps = [i.source or "(named at start)" for i in outside] + [
                f"the one QEMU argument {n.shown} opens" for n in set_up
            ]
            yield manual(
                s,
                "; ".join(placed)
                + ": whether it is a port of a host bridge is outside the definition",
                *(i.source_ref for i in outside),
                *([v.source] if set_up else []),
                question=f"Is each of tap device(s) {', '.join(taps)} of VM {v.name} either no "
                f"port of a Linux bridge on host {v.host} or an isolated one? Evidence: `bridge -d link "
                f"show dev TAP` on host {v.host} for each (a `master` bridge, and `isolated "
                "on`). Pass: yes, none is a bridge port, or each shows `isolated on`, or the VM has a "
                "documented layer-2 flow to a named VM on that bridge; fail: no, one is a port of a "
                "bridge without `isolated on` and the VM needs no layer-2 traffic there.",
            )
            continue
        raw_ports += [
            (i.mac or i.source, f"the host bridge, if any, of {i.tap_placed_outside}")
            for i in outside
        ] + [
            (f"QEMU argument {n.shown}", f"the host bridge, if any, {n.setup} puts it on")
            for n in set_up
        ]
        if not ports and not raw_ports and not ovs:
            yield not_applicable(s, "no interface on a Linux host bridge")
            continue
        refs = [i.source_ref for i, _, _, _ in ports] + [n.source for _, n, _, _ in ports if n]
        refs += [i.source_ref for i, _ in ovs]
        refs = refs or [v.source]
        open_ = [
            (
                (i.mac or i.source) + flag_off.get((v.host, v.name, i.target_dev or ""), ""),
                n.bridge if n else b if i.type == "network" else i.source,
            )
            for i, n, iso, b in ports
            if not iso
        ] + raw_ports
        if ovs and open_:
            open_ += [(i.mac or i.source, f"Open vSwitch bridge {br}") for i, br in ovs]
        peers: list[str] = []
        # every open condition of an isolated VM is asked in one item, so that a "yes" to one
        # never passes another unasked (joined_asks; R34W-6)
        items: list[Outcome] = []
        if ovs and not open_:
            where = ", ".join(f"{i.mac or i.source} on {br}" for i, br in ovs)
            bridges = ", ".join(sorted({br for _, br in ovs}))
            items.append(
                manual(
                    s,
                    f"Open vSwitch port(s) {where}: libvirt isolates no Open vSwitch port (only "
                    "the Port's `protected` flag or OpenFlow rules set outside it do)",
                    *refs,
                    question=f"Is each Open vSwitch port of VM {v.name} on bridge(s) {bridges} "
                    "kept from the other VMs' ports there, or does the VM need layer-2 traffic "
                    f"with them? Evidence: on host {v.host}, `ovs-vsctl get Port PORT protected` for "
                    f"the VM's port and each other VM port of the bridge (`ovs-vsctl list-ports "
                    "BRIDGE`), `ovs-ofctl dump-flows BRIDGE`, and the application's data-flow "
                    "design. Pass: the VM's port and the other VM ports there are protected, or "
                    "flows drop traffic between them, or the VM has a documented flow to each VM "
                    "there; fail: the ports exchange frames and the VM needs no east-west traffic.",
                )
            )
        if not open_:
            # the first names of each bridge's sorted list are enough for the six named here
            # (sorting every bridge's list once, not once per VM: thousands of VMs share one)
            for _, _, _, b in ports:
                if (v.host, b) not in first_open:
                    first_open[(v.host, b)] = sorted(open_on.get((v.host, b), ()))[:7]
            peers = sorted(
                {p for _, _, _, b in ports for p in first_open[(v.host, b)] if p != v.name}
            )
        unobserved = [
            i.isolation_unobserved for i, _, iso, _ in ports if iso and i.isolation_unobserved
        ]
        if ports and not open_ and peers:
            items.append(
                manual(
                    s,
                    f"{len(ports)} bridge port(s) isolated, but VM(s) {', '.join(peers[:6])} on the "
                    "same bridge are not: isolated ports still exchange frames with them",
                    *refs,
                    question=EAST_WEST_NEED,
                )
            )
        if ports and not open_ and unobserved:
            items.append(
                manual(
                    s,
                    "; ".join(unobserved),
                    *refs,
                    question=f"Is each listed port of this VM isolated on host {v.host} now? "
                    "Evidence: `bridge -d link show` there (the VM's port: fwpr<vmid>p<n> with the "
                    "firewall, else tap<vmid>i<n>), or the VM's start time against the SDN apply. "
                    "Pass: every one shows `isolated on`; fail: one does not (restart the VM to "
                    "plug it isolated).",
                )
            )
        if ports and not open_ and (maybe := sorted(placed_on.get(v.host, set()) - {v.name})):
            bridges = ", ".join(sorted({b for _, _, _, b in ports}))
            names = ", ".join(maybe[:6])
            items.append(
                manual(
                    s,
                    f"{len(ports)} bridge port(s) isolated, but VM(s) {names} have taps set up "
                    "outside libvirt, which may be ports of the same bridge without isolation",
                    *refs,
                    question=f"Does every tap of VM(s) {names} on host {v.host} that is a port of "
                    f"bridge(s) {bridges} have port isolation? Evidence: `bridge -d link show` on host "
                    f"{v.host} (each tap's `master` and `isolated on`). Pass: yes, none is a port of "
                    f"{bridges}, or each that is shows `isolated on`; fail: no, one is a port there "
                    f"without `isolated on`, so VM {v.name}'s isolated port still exchanges frames "
                    "with it.",
                )
            )
        if ports and not open_ and (foreign := _foreign_ports(hosts[v.host], ports, placed_taps)):
            bridges = ", ".join(sorted({b for _, _, _, b in ports}))
            items.append(
                manual(
                    s,
                    f"{len(ports)} bridge port(s) isolated, but bridge(s) {bridges} also hold "
                    f"port(s) {', '.join(foreign[:6])} of no VM, not isolated: isolated ports still "
                    "exchange frames with them",
                    *refs,
                    *hosts[v.host].facts.bridge_foreign_ports.sources,
                    question=f"Is each port {', '.join(foreign[:6])} of bridge(s) {bridges} on host "
                    f"{v.host} isolated, or one this VM may exchange frames with? Evidence: `bridge "
                    f"-d link show` on host {v.host} (`isolated on`) and what holds each port (`ip "
                    "-d link show DEV`; a container's veth: `ip netns identify` or the container "
                    "runtime). Pass: each shows `isolated on`, or belongs to a documented peer of "
                    f"VM {v.name}; fail: one does not, so VM {v.name}'s isolated port still "
                    "exchanges frames with it.",
                )
            )
        elif ports and not open_ and not hosts[v.host].facts.bridge_foreign_ports.known:
            # the definitions show no other port; only the host's links show the bridge's
            # ports of no VM (a container's veth, a host tap): unread, they are a question
            bridges = ", ".join(sorted({b for _, _, _, b in ports}))
            items.append(
                manual(
                    s,
                    f"{len(ports)} bridge port(s) isolated, but the ports of bridge(s) {bridges} "
                    f"on host {v.host} were not read: a port of no VM there, not isolated, still "
                    "exchanges frames with them",
                    *refs,
                    question=f"Does every port of bridge(s) {bridges} on host {v.host} that is no "
                    f"VM's show port isolation, or belong to a documented peer of VM {v.name}? "
                    f"Evidence: `bridge -d link show` on host {v.host} (each "
                    "port's `master` and `isolated on`) and what holds each port (`ip -d link show "
                    "DEV`). Pass: yes, every port of no VM there shows `isolated on`, or belongs to "
                    f"a documented peer of VM {v.name}; fail: no, one does not, so VM {v.name}'s isolated "
                    "port still exchanges frames with it.",
                )
            )
        if (
            ports
            and not open_
            and (
                routed := [
                    (br, why)
                    for br, why in _routed_networks(ports)
                    if every_on.get((v.host, br), set()) - {v.name}
                ]
            )
        ):
            items.append(
                manual(
                    s,
                    f"{len(ports)} bridge port(s) isolated, but the host has an address on "
                    + "; ".join(why for _, why in routed)
                    + ": isolated ports stop frames between the VMs, not packets the host routes "
                    "back into the same bridge",
                    *refs,
                    question=_routed_question(v.name, v.host, routed),
                )
            )
        if not open_:
            pve = any(h.name == v.host and h.proxmox for h in ctx.deployment.hosts)
            how = "SDN VNet isolate-ports" if pve else "<port isolated='yes'/>"
            outcome = (
                joined_asks(s, items)
                if items
                else passed(s, f"{len(ports)} bridge port(s) isolated ({how})", *refs)
            )
            # compared with the VMs read only (R30D-3); asked with the VM's other open
            # conditions where it has some (unread_peers joins them)
            bridges = ", ".join(sorted({b for _, _, _, b in ports}))
            yield (
                unread_peers(
                    outcome,
                    hosts[v.host],
                    f"have a port on bridge(s) {bridges} without isolation (a stopped guest's "
                    "port is in no listing of the bridge until it starts), with which this VM's "
                    "isolated port(s) exchange frames",
                )
                if ports
                else outcome
            )
        else:
            where = ", ".join(f"{mac} on {br or 'its bridge'}" for mac, br in open_)
            yield manual(s, f"port(s) not isolated: {where}", *refs, question=EAST_WEST_NEED)
