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
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from hvaudit.model import FactState, Host, Source, Vm
from hvaudit.parse.qemu_args import qemu_options

__all__ = [
    "LOCALNET_QUESTION",
    "LoopbackScope",
    "guests_reaching",
    "is_ipv4_loopback",
    "loopback_guests",
    "loopback_scope",
    "loopback_version",
]

LOCALNET_QUESTION = (
    "Is net.ipv4.conf.IFACE.route_localnet 0 for `all` and every interface of this host? "
    "Evidence: `grep -r . /proc/sys/net/ipv4/conf/*/route_localnet`. Pass: 0 everywhere (127/8 "
    "stays local); fail: 1 on `all` or an interface, so its neighbours reach what listens on "
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


def loopback_guests(vms: Iterable[Vm]) -> dict[str, list[tuple[str, str]]]:
    """host -> the VMs there whose guests reach the host's 127/8, as (VM, how) (R17-5). QEMU's user-mode
    network stack rewrites a guest connection to its virtual host address (10.0.2.2 by
    default) to 127.0.0.1 on the host (libslirp socket.c sotranslate_out4: `if
    (so->so_faddr.s_addr == s->vhost_addr.s_addr ...) { if (s->disable_host_loopback) return
    false; sin->sin_addr = loopback_addr; }`, read with `find_string`); QEMU's `restrict=on`
    ("the guest will be isolated, i.e. it will not be able to contact the host",
    qemu-options.hx) is the one switch, and libvirt's `<interface type='user'>` sets none (its
    passt backend maps the gateway to the host's loopback by default too: passt(1)
    --map-host-loopback, not read with the tools: counted the same). A VM's own guest reaching
    its own console or port forward gains nothing it lacks, so a check counts the others
    (guests_reaching). HVA-031, HVA-030, HVA-033, HVA-036 and HVA-210 apply it (R17-5 to R17-9)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for v in vms:
        for i in v.interfaces:
            if i.type == "user":
                # a Proxmox VE NIC without `bridge` is `-netdev type=user` (qemu-server
                # print_netdev_full, L18-1), named by its key
                pve = re.fullmatch(r"line [0-9]+: (net[0-9]+)", i.source_ref.locator)
                how = f"{pve.group(1)} without a bridge" if pve else "<interface type='user'>"
                out.setdefault(v.host, []).append((v.name, f"VM {v.name} ({how})"))
        for o in qemu_options(v.raw_hypervisor_arguments):
            if o.name in ("netdev", "nic", "net") and o.kind == "user" and not o.flag("restrict"):
                out.setdefault(v.host, []).append(
                    (v.name, f"VM {v.name} (QEMU argument {o.shown()})")
                )
    return out


def guests_reaching(guests: list[tuple[str, str]], h: Host, pid: int | None = None) -> list[str]:
    """How each VM of `guests` (loopback_guests of host `h`) reaches a listener on 127/8 held by
    process `pid`: every one but the VM whose QEMU holds it (its own guest gains nothing)."""
    q = h.facts.qemu_processes
    owner = (
        next((p.guest for p in q.get() if p.pid == pid), None)
        if pid is not None and q.known
        else None
    )
    return [how for vm, how in guests if vm != owner]
