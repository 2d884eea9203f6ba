"""Whether a loopback address is local on a host: the one rule every check that credits
"loopback only" (a console, a listener, a relay, a migration address on 127/8) applies.

Linux drops a packet for or from 127/8 that arrives on a real interface as martian, unless
net.ipv4.conf.IFACE.route_localnet (or `all`) is 1: Documentation/networking/ip-sysctl.rst,
"route_localnet - BOOLEAN: Do not consider loopback addresses as martian source or destination
while routing. This enables the use of 127/8 for local routing purposes. default FALSE"
(confirmed with `find_string`). kube-proxy set it, and neighbours reached services bound to
127.0.0.1 (CVE-2020-8558, kubernetes issues 90259 and 92315). ::1 has no such switch (RFC 4291
2.5.3: never sent outside a node).

The rule (README, "Defaults"):
- read, 1 on `all` or an interface: an IPv4 loopback address is on that interface's network,
  for every check;
- read, 0 everywhere: 127/8 is local;
- the probe ran and did not answer (its error is in the bundle): the check asks the host's
  question instead of passing on it;
- not collectable here (a simulated host, a platform or API path without the host's /proc, a
  bundle made by a collector older than the probe): the kernel's documented default (0) is
  taken, and a pass that rests on it says so in its message.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import posixpath
import re
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from hvaudit.checks._chardevs import set_chardevs
from hvaudit.checks.base import overridden_devices
from hvaudit.model import FactState, Host, Listener, Source, Vm
from hvaudit.parse.qemu_args import (
    QemuOption,
    monitor_chardevs,
    qemu_options,
    raw_dials,
    raw_monitor_ports,
)

__all__ = [
    "LOCALNET_QUESTION",
    "Dial",
    "DnsGuest",
    "LoopbackScope",
    "chardev_guests",
    "chardev_named",
    "chardev_reaching",
    "dial_words",
    "dials_into",
    "dials_named_into",
    "dns_guests",
    "guest_families",
    "guest_loopback",
    "guests_reaching",
    "is_ipv4_loopback",
    "loopback_guests",
    "loopback_scope",
    "loopback_version",
    "monitor_ports",
    "named_question",
    "named_services",
    "reach_words",
    "same_socket",
    "unix_guests",
    "unread_reach",
    "vsock_guests",
]

LOCALNET_QUESTION = (
    "Is net.ipv4.conf.IFACE.route_localnet 0 for `all` and every interface of this host, now "
    "and from the next boot? Evidence: `grep -r . /proc/sys/net/ipv4/conf/*/route_localnet` and "
    "`systemd-sysctl --cat-config | grep route_localnet` (sysctl.d, which systemd-sysctl applies "
    "at every boot). Pass: 0 everywhere and no sysctl.d line sets 1 (127/8 stays local); fail: "
    "1 on `all` or an interface, now or from sysctl.d, so its neighbours reach what listens on "
    "127/8."
)


@dataclass(frozen=True, slots=True)
class LoopbackScope:
    """How far an IPv4 loopback address reaches on one host."""

    routed: tuple[str, ...]
    """The interfaces (or `all`) read with route_localnet = 1: 127/8 is on their networks."""
    unread: str | None
    """Why route_localnet is not known although the probe ran: a question, never a pass."""
    assumed: bool
    """route_localnet was not collectable: the kernel's default (0) is taken."""
    sources: tuple[Source, ...]

    @property
    def note(self) -> str:
        """What a pass that credits 127/8 adds when it rests on the kernel's default."""
        return "127/8 taken as local: route_localnet not read, the kernel's default is 0"

    def why_unread(self) -> str:
        """The reason a question gives for 127/8 not being settled."""
        return f"whether the kernel routes 127/8 from the network is not known ({self.unread})"


def unread_reach(what: str) -> str:
    """What a guest whose definition was not read (hvaudit.checks.base.unread_peers) may do to a
    listener `what` on the host's loopback: its user-mode networking reaches 127.0.0.1 and ::1
    (loopback_guests), a TCP or UDP character device or socket tunnel any loopback port
    (chardev_guests). The checks that credit a loopback listener because no VM read reaches it
    (HVA-030, HVA-033, HVA-036, HVA-210) ask this beside such a guest (R30D-1)."""
    return (
        f"reach {what} (user-mode networking, QEMU's slirp or passt, connects its guest to the "
        "host's 127.0.0.1 and ::1; a TCP or UDP character device or socket tunnel to any "
        "loopback port)"
    )


def loopback_scope(h: Host) -> LoopbackScope:
    """The rule of this module applied to host `h`'s route_localnet fact. A fact with no
    source was never collected (a simulated host is not applicable; a bundle without the
    artefact predates the probe); one with a source is a probe that ran and failed."""
    f = h.facts.route_localnet
    if f.known:
        return LoopbackScope(f.get(), None, False, f.sources)
    if f.state is FactState.NOT_APPLICABLE or (f.state is FactState.UNAVAILABLE and not f.sources):
        return LoopbackScope((), None, True, f.sources)
    return LoopbackScope((), f.reason, False, f.sources)


@functools.lru_cache(maxsize=4096)
def loopback_version(literal: str) -> int | None:
    """4 for an IPv4 127/8 address in any spelling inet_aton(3) reads ("127.1") or its
    IPv4-mapped IPv6 form, 6 for ::1, None for anything else (a host name included). `literal`
    is already stripped of brackets and zone; the one parser behind is_ipv4_loopback and
    hvaudit.checks._libvirt.is_local_address. A function of the text alone, cached: a scan asks
    it about each VM's listen addresses, a few distinct ones among thousands of VMs."""
    if not literal or any(c.isspace() for c in literal):
        return None
    try:
        return 4 if socket.inet_aton(literal)[0] == 127 else None
    except OSError:
        pass
    try:
        ip = ipaddress.ip_address(literal)
    except ValueError:
        return None
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    if mapped is not None:
        return 4 if mapped.is_loopback else None
    return 6 if ip.is_loopback else None


def is_ipv4_loopback(address: str | None) -> bool:
    """True for an address that is (or may be) IPv4's 127/8: any inet_aton(3) spelling
    ("127.1"), its IPv4-mapped IPv6 form, `ss`'s "127.0.0.53%lo", or `localhost` (which
    hosts(5) files map to 127.0.0.1 as well as ::1). ::1 alone is not."""
    a = (address or "").strip("[]").lower().partition("%")[0]
    if a in ("localhost", "localhost.localdomain"):
        return True
    return loopback_version(a) == 4


def guest_loopback(address: str | None) -> int | None:
    """4 when `address` names 127.0.0.1 (any spelling, `localhost`), 6 when it is ::1 (any
    spelling, in brackets or with a zone), None for any other address: the loopback family a
    user-mode guest reaches a listener on (loopback_guests). Its connection to its host
    address arrives at 127.0.0.1 alone (libslirp sotranslate_out4 `sin->sin_addr =
    loopback_addr`; passt(1) --map-host-loopback: "such packets will appear to have both
    source and destination of 127.0.0.1 or ::1"), so a listener on 127.0.0.2 is out of its
    reach (R25O-3)."""
    if is_ipv4_loopback(address):
        return 4 if "127.0.0.1" in _loopback_ips(address or "") else None
    a = (address or "").strip("[]").lower().partition("%")[0]
    return 6 if loopback_version(a) == 6 else None


def guest_families(address: str | None) -> frozenset[int]:
    """The loopback families (4, 6) of a listener on `address` that a user-mode guest reaches:
    4 for 127.0.0.1, 6 for ::1, both for `localhost`, which hosts(5) files map to 127.0.0.1
    and ::1 (_loopback_ips) and on which QEMU's migration listener listens on every address
    the name resolves to (io/net-listener.c qio_net_listener_open_sync: "for (i = 0; i <
    nresaddrs; i++) ... qio_channel_socket_listen_sync", called by migration/socket.c
    socket_start_incoming_migration), so a guest reaching ::1 alone reaches it too (R35D-3:
    guest_loopback gives 4 alone for it)."""
    ips = _loopback_ips(address or "")
    return frozenset(v for v, ip in ((4, "127.0.0.1"), (6, "::1")) if ip in ips)


def reach_words(versions: Iterable[int]) -> tuple[str, str]:
    """(the host's loopback address a user-mode guest reaches, what a guest's connection to its
    host address becomes) for the loopback families `versions` (4, 6) in a message:
    ("127.0.0.1", "127.0.0.1"), ("::1", "::1"), or both joined. Of 127/8 the guest reaches
    127.0.0.1 alone (guest_loopback, R25O-3: libslirp sotranslate_out4 `sin->sin_addr =
    loopback_addr`; passt --map-host-loopback), so a message saying "127/8 is reachable"
    claims listeners on 127.0.0.2 and up that the guest does not reach (R30N-5)."""
    vs = set(versions)
    nets = [n for v, n in ((4, "127.0.0.1"), (6, "::1")) if v in vs]
    to = [t for v, t in ((4, "127.0.0.1"), (6, "::1")) if v in vs]
    return " and ".join(nets), " or ".join(to)


def _slirp_families(o: QemuOption) -> tuple[bool, bool]:
    """(IPv4, IPv6) of a raw `-netdev user` / `-net user`: QEMU's net/slirp.c net_init_slirp
    turns IPv4 off for `ipv6=on` without ipv4= or for `ipv4=off`, and IPv6 off for `ipv4=on`
    without ipv6= or for `ipv6=off` (both on when neither is given; qemu-options.hx "If
    neither is specified both protocols are enabled"; read with `find_string`)."""
    has4, has6 = "ipv4" in o.props, "ipv6" in o.props
    v4 = not ((has6 and o.flag("ipv6") and not has4) or (has4 and not o.flag("ipv4")))
    v6 = not ((has4 and o.flag("ipv4") and not has6) or (has6 and not o.flag("ipv6")))
    return v4, v6


def _stream_client_path(o: QemuOption) -> str:
    """The socket path of a raw `-netdev stream` (or `-nic stream`) that connects to a UNIX
    socket (QEMU net/stream.c net_init_stream: a client unless server=on), else ''."""
    if o.name not in ("netdev", "nic") or o.kind != "stream" or o.flag("server"):
        return ""
    if o.props.get("addr.type") != "unix":
        return ""
    return o.props.get("addr.path", "")


def _stream_servers(vms: Iterable[Vm]) -> dict[str, list[str]]:
    """host -> the UNIX socket paths a VM's raw `-netdev stream,server=on` listens on: a
    stream to one of them is QEMU's link between two guests, not a user-mode stack."""
    out: dict[str, list[str]] = {}
    for v in vms:
        for o in qemu_options(v.raw_hypervisor_arguments):
            if (
                o.name in ("netdev", "nic")
                and o.kind == "stream"
                and o.flag("server")
                and o.props.get("addr.type") == "unix"
            ):
                out.setdefault(v.host, []).append(o.props.get("addr.path", ""))
    return out


def loopback_guests(vms: Iterable[Vm], version: int = 4) -> dict[str, list[tuple[str, str]]]:
    """host -> the VMs there whose guests reach the host's loopback of IP `version` (4: 127/8,
    6: ::1), as (VM, how) (R17-5, VL18-1). QEMU's user-mode network stack rewrites a guest
    connection to its virtual host address (10.0.2.2 by default) to 127.0.0.1 on the host
    (libslirp socket.c sotranslate_out4: `if (so->so_faddr.s_addr == s->vhost_addr.s_addr ...)
    { if (s->disable_host_loopback) return false; sin->sin_addr = loopback_addr; }`, read with
    `find_string`), and one to any address of its IPv6 prefix (fec0::/64 by default) to ::1
    (sotranslate_out6: `in6_equal_net(&so->so_faddr6, &s->vprefix_addr6, ...)` ...
    `sin->sin6_addr = in6addr_loopback`); QEMU's user network has both families unless
    ipv4=/ipv6= turn one off (_slirp_families). QEMU's `restrict=on` ("the guest will be
    isolated, i.e. it will not be able to contact the host", qemu-options.hx) is the one
    switch, and libvirt's `<interface type='user'>` sets none; its passt backend maps the
    guest's gateway to the host's loopback too (passt(1) --map-host-loopback: "Packets from
    the guest to addr will be redirected to the host ... both source and destination of
    127.0.0.1 or ::1 ... Default is to translate the guest's default gateway address, unless
    --no-map-gw is given", quoted from the man page in a public repository, read with
    `find_string`; libvirt's qemu_passt.c qemuPasstBuildCommand passes neither option, read
    with `find_string`), so it counts for both families, on type='vhostuser' as well
    (libvirt 11.1.0: Interface.passt, R25O-1), and so does QEMU 10.1's own `-netdev passt`
    unless its passt is told not to map (_passt_maps_loopback, R25O-2), and so does a raw
    `-netdev stream` to a UNIX socket no VM of the host serves (server=on): QEMU's own way of
    connecting a guest to a passt started apart (qemu-options.hx, -netdev stream: "start QEMU
    to connect to passt ... addr.type=unix,addr.path=/tmp/passt_1.socket"; docs/system/devices
    /net.rst, passt(1) "connecting to passt by means of a UNIX domain socket", read with
    `find_string` and `search`), a passt whose options no probe reads (R36D-2). A VM's own guest reaching its own
    console or port forward gains nothing it lacks, so a check counts the others
    (guests_reaching). HVA-031, HVA-030, HVA-033, HVA-036 and HVA-210 apply it (R17-5 to
    R17-9, VL18-1)."""
    out: dict[str, list[tuple[str, str]]] = {}
    vms = list(vms)
    served = _stream_servers(vms)
    for v in vms:
        for i in v.interfaces:
            if i.type == "user":
                # a Proxmox VE NIC without `bridge` is `-netdev type=user` (qemu-server
                # print_netdev_full, L18-1), named by its key
                pve = re.fullmatch(r"line [0-9]+: (net[0-9]+)", i.source_ref.locator)
                how = f"{pve.group(1)} without a bridge" if pve else "<interface type='user'>"
                out.setdefault(v.host, []).append((v.name, f"VM {v.name} ({how})"))
            elif i.passt:
                # libvirt 11.1.0's passt backend on a vhost-user NIC runs the same passt
                # (Interface.passt, R25O-1)
                how = f"<interface type='{i.type}'> with <backend type='passt'/>"
                out.setdefault(v.host, []).append((v.name, f"VM {v.name} ({how})"))
        for o in qemu_options(v.raw_hypervisor_arguments):
            if o.name in ("netdev", "nic", "net") and o.kind == "user" and not o.flag("restrict"):
                if not _slirp_families(o)[version == 6]:
                    continue
                out.setdefault(v.host, []).append(
                    (v.name, f"VM {v.name} (QEMU argument {o.shown()})")
                )
            elif (
                o.name in ("netdev", "nic", "net")
                and o.kind == "passt"
                and _passt_maps_loopback(o)
                and _passt_families(o)[version == 6]
            ):
                out.setdefault(v.host, []).append(
                    (v.name, f"VM {v.name} (QEMU argument {o.shown()})")
                )
            elif (path := _stream_client_path(o)) and not any(
                same_socket(path, p) for p in served.get(v.host, ())
            ):
                # a stream to a UNIX socket no VM of the host serves: passt's, as QEMU's
                # documentation connects a guest to passt (R36D-2)
                out.setdefault(v.host, []).append(
                    (
                        v.name,
                        f"VM {v.name} (QEMU argument {o.shown()}, a stream to a socket no VM "
                        "serves, as to passt's)",
                    )
                )
    return out


class DnsGuest(NamedTuple):
    """A VM whose guest's DNS queries its user-mode network stack hands to the host, port 53
    (dns_guests)."""

    vm: str
    how: str
    host_address: str | None
    """The host's address the queries go to, None for the host's first nameserver."""
    forwarded: bool
    """Whether the forwarding holds whatever the first nameserver is; False: only where it is
    a loopback address (passt's default, through its mapping of the host's loopback)."""

    def target(self, resolver: str) -> str | None:
        """The IPv4 address on the host the guest's DNS queries reach with `resolver` the
        host's first nameserver ("" for none), or None where they reach none."""
        if not self.forwarded and not is_ipv4_loopback(resolver):
            return None
        return self.host_address or resolver or None


def dns_guests(vms: Iterable[Vm]) -> dict[str, list[DnsGuest]]:
    """host -> the VMs there whose user-mode networking hands their guest's DNS queries to the
    host, port 53 (R26O-2, R33C-1). libslirp sends a query to its virtual nameserver to the
    host's first nameserver (sotranslate_out4 get_dns_addr), a loopback stub such as
    systemd-resolved's 127.0.0.53 included, unless `restrict=on` (loopback_guests' slirp
    guests). passt does the same through its flow table (passt fwd.c fwd_nat_from_tap: `if
    (is_dns_flow(proto, ini) && inany_equals4(&ini->oaddr, &c->ip4.dns_match)) tgt->eaddr =
    inany_from_v4(c->ip4.dns_host)`, read with `find_string`): dns_host is `--dns-host ADDR`
    or else the first nameserver of /etc/resolv.conf (conf.c add_dns_resolv4: `if
    (IN4_IS_ADDR_UNSPECIFIED(&c->ip4.dns_host)) c->ip4.dns_host = *ns;`), and dns_match is
    `--dns-forward ADDR`, or, for a loopback first nameserver, the mapped gateway (conf.c
    add_dns_resolv4: "Guest or container can only access local addresses via redirect",
    `c->ip4.dns_match = c->ip4.map_host_loopback`, which --no-map-gw and --map-host-loopback
    none leave unset). So --dns-forward keeps the stub reached with the mapping off ("No
    general host mapping, but requested for DNS (--dns-forward and --no-map-gw) ... map that
    to loopback"), and --dns-host moves the queries to another address, 127.0.0.2 as well
    (conf.c: any address but unspecified and broadcast). QEMU 10.1's `-netdev passt` hands each
    param= to passt as one argument (net/passt.c net_passt_decode_args); libvirt's passt
    backend passes neither option (qemu_passt.c qemuPasstBuildCommand), and a raw `-netdev
    stream` to a socket no VM serves is taken for a passt with its defaults (loopback_guests,
    R36D-3)."""
    out: dict[str, list[DnsGuest]] = {}
    vms = list(vms)
    served = _stream_servers(vms)
    for v in vms:
        for i in v.interfaces:
            if i.type == "user" or i.passt:
                pve = re.fullmatch(r"line [0-9]+: (net[0-9]+)", i.source_ref.locator)
                if i.type == "user":
                    how = f"{pve.group(1)} without a bridge" if pve else "<interface type='user'>"
                else:
                    how = f"<interface type='{i.type}'> with <backend type='passt'/>"
                # libvirt's passt runs with passt's defaults: a loopback first nameserver only
                out.setdefault(v.host, []).append(
                    DnsGuest(v.name, f"VM {v.name} ({how})", None, not i.passt)
                )
        for o in qemu_options(v.raw_hypervisor_arguments):
            if o.name not in ("netdev", "nic", "net"):
                continue
            how = f"VM {v.name} (QEMU argument {o.shown()})"
            if o.kind == "user" and not o.flag("restrict") and _slirp_families(o)[0]:
                out.setdefault(v.host, []).append(DnsGuest(v.name, how, None, True))
            elif o.kind == "passt" and _passt_families(o)[0]:
                forward, host, own = _passt_dns(o)
                if own:
                    # --dns ADDR or none: passt reads no IPv4 nameserver (conf.c get_dns,
                    # `dns_set`), so only --dns-forward with --dns-host forwards
                    if forward and host:
                        out.setdefault(v.host, []).append(DnsGuest(v.name, how, host, True))
                elif forward or _passt_maps_loopback(o):
                    out.setdefault(v.host, []).append(DnsGuest(v.name, how, host, forward))
            elif (path := _stream_client_path(o)) and not any(
                same_socket(path, p) for p in served.get(v.host, ())
            ):
                # a stream to a socket no VM serves, as to passt's (loopback_guests, R36D-2):
                # its defaults, as libvirt's passt runs with (R36D-3)
                out.setdefault(v.host, []).append(
                    DnsGuest(
                        v.name,
                        f"VM {v.name} (QEMU argument {o.shown()}, a stream to a socket no VM "
                        "serves, as to passt's)",
                        None,
                        False,
                    )
                )
    return out


def _passt_dns(o: QemuOption) -> tuple[bool, str | None, bool]:
    """(whether an IPv4 `--dns-forward` is given, the IPv4 address `--dns-host` names, whether
    `--dns` / `-D` is given with an IPv4 address or `none`) among the param= words of a
    `-netdev passt`, as passt's getopt_long reads them in order (`--opt VALUE`, `--opt=VALUE`,
    an unambiguous prefix such as `--dns-f`; the last one wins; `--dns none` clears both,
    conf.c "case 'D'"). An IPv6 value sets passt's IPv6 fields only (conf.c tries AF_INET6
    first); a value passt refuses stops it from starting."""
    params = [p.strip() for p in o.values("param")]
    forward, host, own = False, None, False
    for n, p in enumerate(params):
        name, eq, value = p.partition("=")
        if name.startswith("-D") and not name.startswith("--") and len(name) > 2:
            name, value, eq = "-D", p[2:], "="
        if not eq:
            value = params[n + 1] if n + 1 < len(params) else ""
        value = value.strip()
        try:
            v4: str | None = str(ipaddress.IPv4Address(value))
        except ValueError:
            v4 = None
        if name.startswith("--dns-f") and "--dns-forward".startswith(name):
            forward = forward or v4 is not None
        elif name.startswith("--dns-h") and "--dns-host".startswith(name):
            host = v4 or host
        elif name in ("--dns", "-D"):
            if value == "none":
                forward, host = False, None
            own = own or value == "none" or v4 is not None
    return forward, host, own


def _passt_maps_loopback(o: QemuOption) -> bool:
    """Whether the passt QEMU 10.1's `-netdev passt` starts maps the guest's gateway to the
    host's loopback (R25O-2): net/passt.c net_passt_decode_args passes `--map-host-loopback`
    only for map-host-loopback= and each param= as given (read with `find_string`), and
    passt(1) --map-host-loopback: "Default is to translate the guest's default gateway
    address, unless --no-map-gw is given"; `none` turns it off."""
    params = [p.strip().lower() for p in o.values("param")]
    if o.props.get("map-host-loopback", "").strip().lower() == "none":
        return False
    if "--no-map-gw" in params or "--map-host-loopback=none" in params:
        return False
    return not any(
        a == "--map-host-loopback" and b == "none" for a, b in itertools.pairwise(params)
    )


def _passt_families(o: QemuOption) -> tuple[bool, bool]:
    """(IPv4, IPv6) of a `-netdev passt`: ipv4=off starts passt with --ipv6-only, ipv6=off
    with --ipv4-only (net/passt.c net_passt_decode_args); both by default, as are
    param=--ipv4-only / -4 and --ipv6-only / -6 read."""
    params = {p.strip().lower() for p in o.values("param")}
    v4 = not ("ipv4" in o.props and not o.flag("ipv4")) and not params & {"--ipv6-only", "-6"}
    v6 = not ("ipv6" in o.props and not o.flag("ipv6")) and not params & {"--ipv4-only", "-4"}
    return v4, v6


def vsock_guests(vms: Iterable[Vm]) -> dict[str, list[tuple[str, str]]]:
    """host -> the VMs there with a vsock device, as (VM, how) (VL19-20): a libvirt <vsock>
    (Vm.vsock) or a raw `-device vhost-vsock-*` (vhost-vsock-pci, -ccw, -device: QEMU's
    vhost-vsock devices). Their guests connect to the host as CID 2, VMADDR_CID_HOST ("the
    well-known address of the host", vsock(7)), on any port a host socket bound to CID 2 or
    to VMADDR_CID_ANY ("any address for binding") listens on: af_vsock.c
    __vsock_find_bound_socket takes a socket whose local CID is VMADDR_CID_ANY for any
    address with its port (read with `find_string`). A vhost-user-vsock device is served by
    a user-space daemon, not the host's AF_VSOCK, and is not counted. A <qemu:override> whose
    `driver` makes one of libvirt's devices vhost-vsock-pci adds one as the raw argument does
    (libvirt qemu_command.c qemuBuildDeviceCommandlineHandleOverrides replaces the key;
    checks.base.overridden_devices, R40D-4)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for v in vms:
        for dev in dict.fromkeys(v.vsock):
            out.setdefault(v.host, []).append((v.name, f"VM {v.name} ({dev})"))
        for o in qemu_options(v.raw_hypervisor_arguments):
            if o.name == "device" and o.kind.startswith("vhost-vsock"):
                out.setdefault(v.host, []).append(
                    (v.name, f"VM {v.name} (QEMU argument {o.shown()})")
                )
        for o, how in overridden_devices(v):
            if o.kind.startswith("vhost-vsock"):
                out.setdefault(v.host, []).append((v.name, f"VM {v.name} ({how})"))
    return out


def guests_reaching(
    guests: list[tuple[str, str]],
    h: Host,
    pid: int | None = None,
    port: int | None = None,
    monitors: Mapping[str, frozenset[int]] | None = None,
) -> list[str]:
    """How each VM of `guests` (loopback_guests of host `h`) reaches a listener on 127/8 held by
    process `pid`: every one but the VM whose QEMU holds it (its own guest gains nothing), unless
    the listener's `port` is one of that VM's own monitors (`monitors`, monitor_ports: its
    guest then drives its own QEMU, whose `migrate` runs `exec:` host commands; VL18-2,
    VL18-5)."""
    q = h.facts.qemu_processes
    owner = (
        next((p.guest for p in q.get() if p.pid == pid), None)
        if pid is not None and q.known
        else None
    )
    if owner is not None and port is not None and port in (monitors or {}).get(owner, ()):
        owner = None
    return [how for vm, how in guests if vm != owner]


def monitor_ports(vms: Iterable[Vm]) -> dict[str, frozenset[int]]:
    """VM -> the TCP ports its raw arguments have its QEMU's monitor listen on
    (hvaudit.parse.qemu_args.raw_monitor_ports; libvirt's own monitor is a UNIX socket)."""
    return {
        v.name: ports
        for v in vms
        if v.raw_hypervisor_arguments and (ports := raw_monitor_ports(v.raw_hypervisor_arguments))
    }


def _loopback_ips(address: str) -> frozenset[str]:
    """The loopback addresses `address` names, in canonical form: an inet_aton(3) spelling of
    127/8 or its IPv4-mapped form as dotted quad, ::1 as "::1", `localhost` as both (hosts(5)
    maps it to 127.0.0.1 and ::1); empty for any other address."""
    a = (address or "").strip().strip("[]").lower().partition("%")[0]
    if a in ("localhost", "localhost.localdomain"):
        return frozenset({"127.0.0.1", "::1"})
    ver = loopback_version(a)
    if ver == 6:
        return frozenset({"::1"})
    if ver != 4:
        return frozenset()
    try:
        return frozenset({socket.inet_ntoa(socket.inet_aton(a))})
    except OSError:
        mapped = ipaddress.ip_address(a)
        assert isinstance(mapped, ipaddress.IPv6Address) and mapped.ipv4_mapped is not None
        return frozenset({str(mapped.ipv4_mapped)})


def _dialled_ips(address: str) -> frozenset[str]:
    """The loopback addresses a connection QEMU opens to `address` arrives at: _loopback_ips,
    and for the unspecified address 127.0.0.1 (0.0.0.0 in any inet_aton(3) spelling) or ::1
    (::). Linux routes a connect to INADDR_ANY to the loopback device as 127.0.0.1 (net/ipv4/
    route.c ip_route_output_key_hash_rcu: `if (!fl4->daddr) { fl4->daddr = fl4->saddr; if
    (!fl4->daddr) fl4->daddr = fl4->saddr = htonl(INADDR_LOOPBACK); dev_out =
    net->loopback_dev; ...}`, read with `find_string`), and a connect to :: reaches a listener
    on ::1 (measured here: a socket connected to ("0.0.0.0", P) and ("::", P) had the peers
    127.0.0.1 and ::1). formatdomain's own TCP chardev example connects to 0.0.0.0 (VL19-2).
    An empty host is no dial: QEMU resolves it with getaddrinfo("", port), which glibc refuses
    ("Name or service not known", measured), so the device does not start."""
    a = (address or "").strip().strip("[]").lower().partition("%")[0]
    try:
        if socket.inet_aton(a) == bytes(4):
            return frozenset({"127.0.0.1"})
    except OSError:
        try:
            ip = ipaddress.ip_address(a)
        except ValueError:
            ip = None
        if isinstance(ip, ipaddress.IPv6Address):
            if ip.ipv4_mapped is not None and ip.ipv4_mapped.is_unspecified:
                return frozenset({"127.0.0.1"})
            if ip.is_unspecified:
                return frozenset({"::1"})
    return _loopback_ips(address)


class Dial(NamedTuple):
    """A connection QEMU opens to a host port for a guest's character device (chardev_guests)."""

    vm: str
    how: str
    """The VM and its device, for a message."""
    protocol: str
    host: str
    service: str


def chardev_guests(vms: Iterable[Vm]) -> dict[str, list[Dial]]:
    """host -> the character devices of the VMs there that connect to the host's loopback
    (VL18-3, VL18-4). QEMU dials the port itself and relays the guest's serial line, console or
    channel to it both ways: a `<serial type='tcp'><source mode='connect' host='127.0.0.1'
    service='6379'/>` hands the guest a byte stream to what listens on 127.0.0.1:6379
    (formatdomain, "TCP": "the character device acts as a TCP client connecting to a remote
    server"; a TCP source without mode connects), and a guestfwd `<channel type='tcp'><target
    type='guestfwd' address=... port=.../>` does so for every connection the guest opens to
    that address and port (formatdomain, "Guest forwarding": "TCP traffic sent by the guest to
    a given IP address and port is forwarded to the channel device on the host"). So the guest
    reaches that one port of the host's loopback, whatever its networking (read with
    `search`). Raw QEMU arguments do the same (hvaudit.parse.qemu_args.raw_dials: a `-chardev
    socket` client, `-serial tcp:H:P`, a `-netdev user` guestfwd rule; VL18-4)."""
    out: dict[str, list[Dial]] = {}
    for v in vms:
        # as raw `-set chardev.*` leave them, HVA-031's reading (R48D-2)
        for c in set_chardevs(v):
            if c.protocol not in ("tcp", "udp"):
                continue
            if c.mode == "connect" and _dialled_ips(c.host):
                service = c.service.strip()
                # an IPv6 address in brackets, as the listener is shown (VL19-8: ":::11211")
                host = f"[{c.host.strip('[]')}]" if ":" in c.host else c.host
                # a device a raw -set moved names it (chardev_set: "serial (a QEMU ...)")
                what = c.device if " (" in c.device else f"<{c.device} type='{c.protocol}'>"
                how = f"VM {v.name} ({what} connecting to {host}:{service})"
                out.setdefault(v.host, []).append(Dial(v.name, how, c.protocol, c.host, service))
        for i in v.interfaces:
            # a socket tunnel NIC whose remote end is the host's loopback sends the guest's
            # frames there (R26O-1): `<interface type='udp'>` as datagrams to <source address
            # port> (net/socket.c net_socket_receive_dgram: `sendto(s->fd, buf, size, 0,
            # (struct sockaddr *)&s->dgram_dst, ...)`, the frame as the whole payload), and
            # `<interface type='client'>` as a TCP stream to it (net_socket_receive: a 4-byte
            # length, then the frame); the guest writes those bytes
            if i.type in ("udp", "client"):
                host, _, service = i.source.rpartition(":")
                if _dialled_ips(host):
                    proto = "udp" if i.type == "udp" else "tcp"
                    shown = f"[{host.strip('[]')}]" if ":" in host else host
                    how = (
                        f"VM {v.name} (<interface type='{i.type}'> sending its guest's frames "
                        f"to {shown}:{service})"
                    )
                    out.setdefault(v.host, []).append(Dial(v.name, how, proto, host, service))
        if v.raw_hypervisor_arguments:
            for d in raw_dials(v.raw_hypervisor_arguments):
                if _dialled_ips(d.host):
                    frames = ", sending its guest's frames" if d.frames else ""
                    how = f"VM {v.name} (QEMU argument {d.shown}{frames})"
                    out.setdefault(v.host, []).append(
                        Dial(v.name, how, d.protocol, d.host, d.port.strip())
                    )
    return out


def unix_guests(vms: Iterable[Vm]) -> dict[str, list[Dial]]:
    """host -> the character devices of the VMs there that connect to a UNIX socket of the
    host, its path as `host` (R33D-3): QEMU connects and relays the guest's serial line,
    console or channel to it both ways, as for a TCP client (chardev_guests): libvirt's
    `<serial type='unix'><source mode='connect' path=...>` (Vm.unix_dials) and a raw `-chardev
    socket,path=P` without server=on (char-socket.c: a client unless server=on), unless `-mon`
    takes it (monitor_chardevs: QEMU's monitor talks to it, not the guest)."""
    out: dict[str, list[Dial]] = {}
    for v in vms:
        for tag, path in v.unix_dials:
            how = f"VM {v.name} (<{tag} type='unix'> connecting to {path})"
            out.setdefault(v.host, []).append(Dial(v.name, how, "unix", path, ""))
        if v.raw_hypervisor_arguments:
            options = qemu_options(v.raw_hypervisor_arguments)
            monitors = monitor_chardevs(options)
            for o in options:
                p = o.props
                if (
                    o.name == "chardev"
                    and o.kind == "socket"
                    and p.get("path")
                    and not o.flag("server")
                    and p.get("id", "") not in monitors
                ):
                    how = f"VM {v.name} (QEMU argument {o.shown()})"
                    out.setdefault(v.host, []).append(Dial(v.name, how, "unix", p["path"], ""))
    return out


def same_socket(a: str, b: str) -> bool:
    """Whether two UNIX socket paths name one file as written ("/run//x" and "/run/x" do:
    posixpath.normpath); a symbolic link between them is not resolved (not collected)."""
    return bool(a) and bool(b) and posixpath.normpath(a) == posixpath.normpath(b)


def dial_words(hows: Iterable[str], one: bool = False) -> str:
    """What a message calls the devices `hows` (chardev_guests) are: character devices, or
    with a socket tunnel NIC among them (R26O-1) character devices or socket tunnels; `one`
    for the singular."""
    words = "character device" + (" or socket tunnel" if any(_FRAMES in w for w in hows) else "")
    return words if one else words.replace("device", "devices").replace("tunnel", "tunnels")


_FRAMES = "its guest's frames"


def chardev_reaching(chardevs: list[Dial], h: Host, lst: Listener) -> list[str]:
    """How each character device of `chardevs` (chardev_guests of host `h`) reaches loopback
    listener `lst`: one of its protocol connecting to its port on its address (`localhost`
    names 127.0.0.1 and ::1), but for the VM whose QEMU holds the listener (its guest reaches
    its own QEMU's socket: guests_reaching's rule)."""
    return _dials_reaching(chardevs, h, lst, lambda port: port == lst.port)


def dials_into(chardevs: list[Dial], address: str, first: int, last: int) -> list[Dial]:
    """The TCP character devices and socket tunnels of `chardevs` (chardev_guests of one host)
    that connect to a port first..last of loopback address `address`, which a listener that no
    Listener records holds (a raw `-incoming` waiting for a migration stream, R31D-1): the
    connection arrives where _dialled_ips says (0.0.0.0 at 127.0.0.1, `localhost` at both)."""
    at = _loopback_ips(address)
    return [
        d
        for d in chardevs
        if d.protocol == "tcp"
        and (port := _port_number(d.service)) is not None
        and first <= port <= last
        and _dialled_ips(d.host) & at
    ]


def dials_named_into(
    chardevs: list[Dial], address: str, first: int | None, last: int | None
) -> list[Dial]:
    """The TCP character devices and socket tunnels of `chardevs` connecting to loopback
    address `address` whose port a name leaves open against a listener there on ports
    first..last (R33D-1): a device naming its service by name (service='migration'), or, where
    the listener's own port is a name (`first` None: a raw `-incoming tcp:127.0.0.2:krb524`),
    every device on that address with a port up to `last` (its `to=`). QEMU resolves a name
    both when it connects (util/qemu-sockets.c inet_parse_connect_saddr, chardev_named) and
    when it listens (inet_listen_saddr: `getaddrinfo(strlen(addr) ? addr : NULL, port, &ai,
    &res)` with the port as written when port_offset is 0, as for `-incoming`; read with
    `find_string`), so the host's /etc/services, which hvaudit does not collect, decides
    whether the device reaches the listener: a question, never a pass (VL18-6)."""
    at = _loopback_ips(address)
    out = []
    for d in chardevs:
        if d.protocol != "tcp" or not _dialled_ips(d.host) & at:
            continue
        port = _port_number(d.service)
        if (port is None and d.service) or (
            first is None and port is not None and (last is None or port <= last)
        ):
            out.append(d)
    return out


def named_services(dials: Iterable[Dial], *ports: str) -> list[str]:
    """The service names among `dials`' ports and `ports` (a listener's), as NAME/tcp for
    `getent services` (dials_named_into's question)."""
    got = [d.service for d in dials] + list(ports)
    return sorted(
        {f"{p.strip()}/tcp" for p in got if p.strip() and _port_number(p.strip()) is None}
    )


def _port_number(service: str) -> int | None:
    """A service given as a port number (ASCII digits), else None: a name."""
    return int(service) if re.fullmatch("[0-9]{1,5}", service) else None


def chardev_named(chardevs: list[Dial], h: Host, lst: Listener) -> list[str]:
    """How each character device of `chardevs` that names its service by name (service='redis',
    port=ssh) may reach loopback listener `lst` (VL18-6): QEMU resolves the name when it
    connects (util/qemu-sockets.c inet_parse_connect_saddr: `getaddrinfo(saddr->host,
    saddr->port, &ai, &res)` with SOCK_STREAM, read with `find_string`; libvirt passes
    <source service> on as the chardev's port), so the host's /etc/services decides the port,
    and hvaudit does not collect that file: whether it is `lst`'s port is the question, never
    a pass. Same protocol and loopback address, and guests_reaching's rule for the VM whose
    QEMU holds it."""
    return _dials_reaching([d for d in chardevs if d.service], h, lst, lambda port: port is None)


def _dials_reaching(
    chardevs: list[Dial], h: Host, lst: Listener, port_matches: Callable[[int | None], bool]
) -> list[str]:
    """chardev_reaching's and chardev_named's common part: the devices of `lst`'s protocol
    connecting to one of its loopback addresses whose port (a number, or None for a name)
    `port_matches`, less the VM whose QEMU holds the listener (guests_reaching's rule)."""
    at = _loopback_ips(lst.address)
    if not at:
        return []
    mine = [
        (d.vm, d.how)
        for d in chardevs
        if d.protocol == lst.protocol
        and port_matches(_port_number(d.service))
        and _dialled_ips(d.host) & at
    ]
    return guests_reaching(mine, h, lst.pid)


def named_question(h: Host, dials: list[Dial], ports: Iterable[tuple[str, int]]) -> str:
    """The question for character devices naming their service by name that may reach the
    loopback listeners on `ports` (protocol, port) of host `h` (chardev_named, VL18-6)."""
    names = sorted({f"{d.service}/{d.protocol}" for d in dials if _port_number(d.service) is None})
    at = ", ".join(f"{p}/{n}" for p, n in sorted(set(ports)))
    return (
        f"Does /etc/services on {h.name} map none of {', '.join(names)} to {at}? Evidence: "
        "`getent services NAME/PROTOCOL` on the host for each name (QEMU resolves the name "
        f"with getaddrinfo when it connects). Pass: yes, none maps to {at}; fail: one does, "
        "and QEMU relays that VM's guest to the listener on that port."
    )
