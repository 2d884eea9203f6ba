"""VM consoles and other sockets QEMU opens for a VM (2014 HY-SR-4): VNC, SPICE and RDP
framebuffers and character devices (serial, console, channel, redirdev) on TCP.

What the domain XML proves (an address, a password, SPICE channel modes, a chardev's `tls`) is
judged from the XML; what only the host settles (qemu.conf's default listen address, default
password, TLS switches) is read from qemu.conf, and on a simulated or offline host becomes one
manual question naming the exact settings.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from hvaudit.checks._chardevs import authenticating_tls as _authenticating_tls
from hvaudit.checks._chardevs import raw_objects as _objects
from hvaudit.checks._chardevs import set_chardevs
from hvaudit.checks._libvirt import conf_fact, conf_value, host_settings_manual, is_local_address
from hvaudit.checks._loopback import (
    LOCALNET_QUESTION,
    LoopbackScope,
    guest_families,
    guest_loopback,
    is_ipv4_loopback,
    loopback_guests,
    loopback_scope,
    reach_words,
    vsock_guests,
)
from hvaudit.checks.base import (
    QEMU,
    Context,
    Outcome,
    Severity,
    Status,
    Subject,
    check,
    failed,
    joint_question,
    manual,
    not_applicable,
    passed,
    qemu_config_unread,
    raw_arguments_unseen,
    unknown,
    unread_peers,
    vm_processes,
    vm_subject,
)
from hvaudit.checks.guest import esxi_version
from hvaudit.checks.vmware import HOST_CONFIG, host_default_questions, own_keys_pass
from hvaudit.model import SPICE_WEBDAV, Chardev, Fact, Graphics, Host, Listen, Source, Vm
from hvaudit.parse.qemu_args import (
    QemuOption,
    monitor_chardevs,
    parse_option,
    parse_opts,
    qemu_options,
    raw_usbredir_rules,
    set_options,
    usbredir_filter_opening,
)
from hvaudit.parse.vmx import vmx_bool
from hvaudit.redact import REDACTED

WILDCARD = ("0.0.0.0", "::", "[::]", "")
#: libvirt's SPICE channel names (formatdomain, "Graphical framebuffers": main, display,
#: inputs, cursor, playback, record, smartcard, usbredir): a channel's `mode` overrides
#: `defaultMode`, so with every one of them `secure` none of these runs in plaintext. spice-server
#: has two more, "port" and "webdav" (server/utils.c channel_names), the channels of a spiceport
#: character device, which libvirt cannot name: `defaultMode` decides them (R22M-1).
SPICE_CHANNELS = (
    "main",
    "display",
    "inputs",
    "cursor",
    "playback",
    "record",
    "smartcard",
    "usbredir",
)


@dataclass(slots=True)
class _Verdict:
    """What one VM's consoles add up to."""

    fails: list[str] = field(default_factory=list)
    proven: list[str] = field(default_factory=list)
    """Facts from the XML behind a question to the host."""
    settings: list[str] = field(default_factory=list)
    """The qemu.conf settings that decide the rest."""
    fine: list[str] = field(default_factory=list)
    asks: list[str] = field(default_factory=list)
    """Console types whose SASL configuration (a host file hvaudit does not read) decides."""
    refs: list[Source] = field(default_factory=list)
    hidden_password: Fact[bool] | None = None
    session_bus: str | None = None
    """The VM's <qemu:env DBUS_SESSION_BUS_ADDRESS> value, None without one (R48D-4)."""
    sasl_env: frozenset[str] = frozenset({"vnc", "spice"})
    """The console types for whose SASL libvirt gives QEMU SASL_CONF_PATH (its own VNC or
    SPICE console under vnc_sasl = 1 or spice_sasl = 1; both where qemu.conf is unread): a raw
    -vnc or -spice with sasl=on reads that directory, else SASL's built-in one (R45D-4)."""
    secret_sizes: Mapping[str, int | str] = field(default_factory=dict)
    """The host's secret files' sizes (HostFacts.secret_file_sizes, R52D-1)."""
    secrets: list[tuple[str, str]] = field(default_factory=list)
    """VNC servers whose password secret may be empty, and what answers it (_unread_secret)."""
    hidden_bus: list[str] = field(default_factory=list)
    """Raw dbus displays on a session bus whose <qemu:env> value the bundle redacts (R48D-4)."""
    opaque: list[str] = field(default_factory=list)
    """Raw network backends on a socket the arguments do not show (fd=): what to confirm."""
    vsock_guests: list[str] = field(default_factory=list)
    """The other VMs on the host whose vsock device reaches a host AF_VSOCK listener."""
    vsock_open: list[str] = field(default_factory=list)
    """AF_VSOCK listeners bound to CID 2 or any, local only while no guest the scan did not
    read has a vsock device (R29D-1)."""
    loop_groups: list[str] = field(default_factory=list)
    """Multicast tunnels joined on a loopback interface: whether other multicast traffic of
    the host reaches them is the question."""
    scope: LoopbackScope = field(default_factory=lambda: LoopbackScope((), None, True, ()))
    """How far 127/8 reaches on the VM's host (hvaudit.checks._loopback)."""
    demoted: list[str] = field(default_factory=list)
    """IPv4 loopback addresses judged as network addresses: route_localnet = 1 was read."""
    credited: list[str] = field(default_factory=list)
    """IPv4 loopback addresses taken as local (route_localnet read as 0, or not collectable)."""
    guests: list[str] = field(default_factory=list)
    """VMs on the host whose user-mode networking reaches its 127/8 (loopback_guests, R17-5)."""
    guests6: list[str] = field(default_factory=list)
    """... and its ::1 (loopback_guests of version 6, VL18-1)."""
    own: tuple[list[str], list[str]] = field(default_factory=lambda: ([], []))
    """The VM's own user-mode guest (127/8, ::1): it reaches its own QEMU's monitor (VL18-2)."""
    own_reached: set[int] = field(default_factory=set)
    """The loopback families on which the VM's own guest reaches its monitor (VL18-2)."""
    reachable: list[str] = field(default_factory=list)
    """Loopback addresses taken as local that a user-mode guest would reach (127.0.0.1, ::1:
    guest_loopback): local only while no guest the scan did not read has one (R29D-1)."""
    spice_ports: list[str] = field(default_factory=list)
    """The VM's spiceport character devices (their SPICE port names): carried on spice-server's
    port and webdav channels, which only `defaultMode` secures (R22M-1)."""
    one_of: list[tuple[str, str, int, list[str]]] = field(default_factory=list)
    """SPICE servers on a name of both loopback families (`localhost`) that others reach on one
    family alone, as (what, the name, that family, why it would fail there): spice-server
    binds one of the name's addresses, which the host decides (_spice_one_of, R36D-1)."""


def _local(r: _Verdict, address: str | None) -> bool:
    """Whether only the host reaches `address` (is_local_address), by the one rule of
    hvaudit.checks._loopback for IPv4 loopback addresses: on a host read with route_localnet
    = 1 on an interface, Linux stops treating 127/8 as martian there (ip-sysctl.rst; the
    mechanism of CVE-2020-8558), so a machine on that network sends to 127.0.0.1 and as
    127.0.0.1. ::1 has no such switch (RFC 4291 2.5.3: never sent outside a node), but a
    user-mode guest reaches it as it reaches 127/8 (loopback_guests, VL18-1)."""
    if not is_local_address(address):
        return False
    a = (address or "").strip("[]")
    if guest_loopback(a) is not None:
        r.reachable.append(a)
    if r.guests6 and 6 in guest_families(a):
        # `localhost` too: QEMU's VNC server listens on each address the name resolves to
        # (ui/vnc.c vnc_display_listen -> io/net-listener.c qio_net_listener_open_sync), ::1
        # among them (guest_families, R35D-3: guest_loopback gives 4 alone for it)
        r.demoted.append(a)
        return False
    if not is_ipv4_loopback(a):
        return True
    # a user-mode guest reaches 127.0.0.1 alone of 127/8 (libslirp sotranslate_out4
    # `sin->sin_addr = loopback_addr`; guest_loopback, R25O-3): a console on 127.0.0.2 beside
    # one is as local as without it (R28O-5, was a wrong fail)
    if r.scope.routed or (r.guests and guest_loopback(a) == 4):
        r.demoted.append(a)
        return False
    r.credited.append(a)
    return True


def _spice_one_of(r: _Verdict, address: str) -> int | None:
    """The loopback family (4, 6) on which others than the host reach a SPICE server on
    `address`, where that decides its verdict and the scan cannot tell which family it
    listens on; None where _local decides. spice-server listens on ONE address: server/reds.cpp
    reds_init_socket calls `getaddrinfo(addr, port, ...)` with AI_PASSIVE | AI_ADDRCONFIG and
    the family QEMU's ipv4=/ipv6= give (ui/spice-core.c qemu_spice_init: none from libvirt's
    <graphics>), then `goto listen` at the first result that binds. For `localhost`, which
    hosts(5) maps to 127.0.0.1 and ::1 (guest_families), that is whichever comes first in the
    order getaddrinfo gives on the host (/etc/gai.conf's precedence, and AI_ADDRCONFIG drops
    ::1 where the host has no IPv6 address but loopback), read by no probe. So beside guests
    (or, for 127.0.0.1, route_localnet) reaching one of the two alone it is a question, not
    VNC's fail (QEMU's VNC server listens on every address, R35D-3); beside both it fails, and
    beside neither it is local (R36D-1, was a wrong fail)."""
    a = address.strip("[]")
    fams = guest_families(a)
    if fams != {4, 6}:
        return None
    reached = [v for v in (4, 6) if (r.guests6 if v == 6 else (r.guests or r.scope.routed))]
    return reached[0] if len(reached) == 1 else None


def _one_of(r: _Verdict, what: str, address: str, family: int, fails_from: int) -> None:
    """Moves the fails a SPICE server on `address` added since `fails_from` (what it would be
    on a network address) into r.one_of: whether it holds depends on the family it listens on
    (_spice_one_of)."""
    why = r.fails[fails_from:]
    del r.fails[fails_from:]
    r.reachable.append(address.strip("[]"))
    if family == 6:
        # its pass is "on 127.0.0.1 alone", local by the 127/8 rule: a route_localnet not
        # read is asked beside it (LOCALNET_QUESTION)
        r.credited.append(address.strip("[]"))
    if why:
        r.one_of.append((what, address, family, why))
    else:
        r.proven.append(f"{what}: protected wherever it listens")


def _one_of_question(h: Host, v: Vm, r: _Verdict) -> str:
    """The question of r.one_of: on which of its name's addresses each SPICE server listens
    (one question for each, joined: an attested "yes" answers all)."""
    asked = []
    for what, addr, family, _ in r.one_of:
        on, other = ("127.0.0.1", "::1") if family == 4 else ("::1", "127.0.0.1")
        hows = r.guests6 if family == 6 else r.guests
        by = (
            f"which the user-mode networking of {', '.join(hows[:5])} opens to its guest"
            if hows
            else f"reachable from the network (route_localnet = 1 on {', '.join(r.scope.routed)})"
        )
        asked.append(
            f"Does the SPICE server of VM {v.name} ({what}) listen on {other} alone, not on "
            f"{on}, on host {h.name}? Evidence: `ss -ltnp` on host {h.name} while the VM runs "
            f"(the TCP sockets of its QEMU process; spice-server binds the first of {addr}'s "
            "addresses that binds, in the order /etc/gai.conf and the host's configured "
            f"addresses give). Pass: yes, {other} alone; fail: it listens on {on}, {by}."
        )
    return asked[0] if len(asked) == 1 else joint_question(asked)


def _local_to_monitor(r: _Verdict, address: str, monitor: bool) -> bool:
    """_local for a listener that hands over QEMU's monitor (`monitor`): the VM's own
    user-mode guest counts too (VL18-2). Its own console gains that guest nothing, but the
    monitor drives QEMU on the host: `migrate` takes the URIs of -incoming, `exec:cmdline`
    among them ("from given external command", qemu-options.hx), a host command run as QEMU's
    user."""
    if not monitor or not (r.own[0] or r.own[1]):
        return _local(r, address)
    kept = r.guests, r.guests6
    r.guests, r.guests6 = [*r.guests, *r.own[0]], [*r.guests6, *r.own[1]]
    try:
        local = _local(r, address)
    finally:
        r.guests, r.guests6 = kept
    ver = guest_loopback(address.strip("[]"))
    if not local and ver is not None and r.own[ver == 6]:
        r.own_reached.add(ver)
    return local


def _where(addr: str) -> str:
    return f"{addr or '*'} (bound to every address)" if addr in WILDCARD else addr


@check(
    id="HVA-031",
    title="VM console is not exposed to the network unprotected",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-4"]},
    interpretations={
        "sp800-125a-2014:HY-SR-4": (
            "HY-SR-4 asks for few exposed management interfaces; hvaudit reads a VM console "
            "reachable from the network without a password or TLS as an exposed one."
        ),
    },
    remediation={
        "kvm-libvirt": "Make VNC/SPICE listen on 127.0.0.1 or a UNIX socket and reach it through "
        "SSH; if it must listen on the network, set vnc_tls/spice_tls = 1 in qemu.conf, a console "
        "password, and defaultMode='secure' for SPICE. Bind TCP serial/console/channel/redirdev "
        "sources to 127.0.0.1 or a UNIX socket, or set chardev_tls = 1 with client certificates "
        "(chardev_tls_x509_verify = 1).",
        "proxmox-ve": "Remove -vnc (and other listening chardev) options from the VM's args: "
        "and use the console through the Proxmox VE web UI or API (VNC over a ticketed proxy).",
        "vmware-esxi": "Remove RemoteDisplay.vnc.enabled (and RemoteDisplay.vnc.*) from the VM and "
        "use the vSphere console (VMware Remote Console or the web console).",
    },
    platforms=(*QEMU, "vmware-esxi"),
    peers=("interfaces", "raw_hypervisor_arguments", "vsock"),
)
@qemu_config_unread(
    "a console that listens on the network (a [vnc] or [spice] section, a socket, udp or telnet [chardev] server, a [device] or [chardev] exposing the monitor or gdb)"
)
@raw_arguments_unseen(
    "a console or listener on the network (-vnc, -spice, -gdb, a TCP, UDP or telnet server of -chardev, -serial, -monitor or -qmp, a -netdev hostfwd or listen)"
)
def console_exposure(ctx: Context) -> Iterator[Outcome]:
    """A VNC or SPICE console gives keyboard, screen and often boot control of the VM; a TCP
    serial console or channel gives its text console or agent. Listening on a network address
    without TLS sends it in cleartext; without a password (or a client certificate) anyone can
    take it. Defaults, all from libvirt's qemu.conf comments (src/qemu/qemu.conf.in): VNC,
    SPICE and RDP listen on 127.0.0.1 unless `vnc_listen`/`spice_listen`/`rdp_listen` say
    otherwise, and `vnc_auto_unix_socket` / `spice_auto_unix_socket` = 1 put a console without a
    listen address on a UNIX socket instead; `vnc_password`/`spice_password` is the password of
    every console whose XML has none (libvirt hands QEMU the XML's passwd when the attribute
    is there, even empty: qemuDomainChangeGraphicsPasswords). qemu.conf says an empty one "will
    still enable passwords, but be rejected by QEMU"; QEMU's VNC server does not reject it: it
    refuses only when no password was set (ui/vnc.c protocol_client_auth_vnc, `if
    (!vs->vd->password)`) and builds the DES key from the zero-padded password, and
    qmp_set_password notes "setting an empty password will not disable login", so a VNC console
    with passwd='' opens to an empty password: a fail;
    `vnc_tls`, `spice_tls` and `chardev_tls` default to off; `chardev_tls_x509_verify` defaults
    to `default_tls_x509_verify`, else 1. SPICE: formatdomain, "Graphical framebuffers":
    `defaultMode` is secure, insecure "and the default any (which is secure if possible, but
    falls back to insecure ...)", and a `<channel mode=...>` overrides it; so SPICE admits
    plaintext unless defaultMode is secure (or every channel is set secure) and no channel is
    insecure. RDP (the QEMU driver's qemu-rdp helper): libvirt starts it with the server
    certificate and key of `rdp_tls_x509_cert_dir` and refuses to start it without them
    (src/qemu/qemu_rdp.c, qemuRdpStart), and "RDP server will not allow password-less
    connections" (qemu.conf, rdp_password), so an RDP console is TLS with credentials whatever
    the host sets. A TCP chardev's own `tls='yes'|'no'` overrides chardev_tls (formatdomain,
    "TCP"). A UDP chardev has neither TLS nor authentication: QEMU reads input on the bind
    address, or on 0.0.0.0 when the XML has no bind source (QEMU qemu-system(1), `-chardev
    udp`: "localaddr ... If not specified it defaults to 0.0.0.0"), from the connect peer only
    (the socket is connected, connect(2)): a network peer is a source address anyone on the
    path can forge, and gets the console in cleartext; a loopback peer (or 0.0.0.0, this host)
    is the host's own processes whatever the bind address (_udp_exposure).

    Proxmox VE: qemu-server starts every VM's VNC server on a UNIX socket with a password
    (`-vnc unix:/var/run/qemu-server/<vmid>.vnc,password=on`) and SPICE on localhost with TLS
    (`-spice tls-port=...,addr=<localhost>,tls-ciphers=HIGH`); a `serialN: socket` is a UNIX
    socket too (QemuServer.pm config_to_command, read with `search`). So only raw QEMU
    arguments (`args: -vnc ...`) can put a console on the network, judged as above. VMware: the
    .vmx's `RemoteDisplay.vnc.enabled = "TRUE"` starts a VNC server on the ESXi host's addresses
    at `RemoteDisplay.vnc.port` (admitted by the host firewall's gdbserver or a custom rule),
    speaking plain RFB with at most an 8-character password ("not encrypted when it is sent",
    VMware's remote display help); ESXi 7.0 removed that VNC server ("VNC has been removed in
    7.0", the Ansible vmware_guest_vnc deprecation), so the host's version decides.

    libvirt's TCP server and UDP tunnel interfaces (`<interface type='server'>`, `'udp'`) and
    raw network backends (-netdev, -nic, -net in <qemu:commandline> or `args:`) open host
    sockets for the VM too (_tunnel_listeners): a user-mode `hostfwd` on every address when hostaddr is left out,
    a `socket` listen= or udp= socket, a `stream` server, a `dgram` local address
    (_raw_net_listeners cites the QEMU source). None authenticates: off the loopback, whoever
    reaches one reaches the VM's network or a guest service (fail); a socket handed over by
    fd= is a question about where it listens.

    "Loopback only" holds while the kernel treats 127/8 as martian on the host's real
    interfaces: where the host was read with net.ipv4.conf.IFACE.route_localnet = 1 (or `all`),
    a machine on that network reaches 127.0.0.1 and sends as it (ip-sysctl.rst; CVE-2020-8558),
    so an IPv4 loopback console or UDP peer is judged as a network one there (_local); ::1 has
    no such switch. Where the probe ran and did not answer, such a console is the host's
    question; where route_localnet was not collectable (a simulated host, a bundle older than
    the probe) the loopback stands on the kernel's default, ip-sysctl.rst "route_localnet -
    BOOLEAN ... default FALSE", and the pass says so: the one rule of hvaudit.checks._loopback,
    as in HVA-033, HVA-210, HVA-030 and HVA-036. Another VM on the host with user-mode
    networking reaches 127/8 as well (QEMU's slirp maps the guest's host address to
    127.0.0.1; loopback_guests), so beside one a loopback console is judged as a network one
    too, naming that VM (R17-5); ::1 as well, which slirp maps the guest's IPv6 host address
    to (VL18-1). A VM's own guest counts for its own QEMU's monitor (-monitor, -qmp, `mon:`)
    on the loopback: the monitor runs host commands (`migrate "exec:..."`), which the guest
    lacks (VL18-2).

    A dbus display (<graphics type='dbus' address=...>) connects QEMU's screen, keyboard and
    pointer to the D-Bus bus at that address; over a `tcp:` or `nonce-tcp:` address off the
    loopback they travel without "integrity or confidentiality protection" (dbus-daemon(1)): a
    fail (_dbus_display, R11-2). A SPICE server on `localhost` listens on one of its two addresses,
    the first that binds in the host's getaddrinfo order (spice-server server/reds.cpp
    reds_init_socket), so beside guests reaching one loopback family alone it is a question,
    not VNC's fail (_spice_one_of, R36D-1). A SPICE console with passwd='' admits no one
    ("SPICE access is disabled", formatdomain; spice-server refuses a link while its ticket is
    empty) unless spice_sasl = 1 authenticates instead: a pass, not the plaintext-channel fail
    (R11-3).
    Proxmox VE's qxl and virtio displays add a SPICE TLS port on the node's localhost whose
    ticket spiceproxy sets (qemu-server `-spice tls-port=...,tls-ciphers=HIGH`): judged with
    TLS and a password where a guest reaches the loopback (L19-15P)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    relying: dict[str, list[Vm]] = {}
    guests = loopback_guests(ctx.deployment.vms)
    guests6 = loopback_guests(ctx.deployment.vms, version=6)
    vsocks = vsock_guests(ctx.deployment.vms)
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        if hosts[v.host].platform == "vmware-esxi":
            if _vnc_left_to_host(v, hosts[v.host]):
                relying.setdefault(v.host, []).append(v)
            outcome = _vmx_console(v, hosts[v.host])
            if outcome is not None:
                yield outcome
            continue
        consoles = [
            _vnc_set(g, v.raw_hypervisor_arguments, hosts[v.host])
            if g.type == "vnc"
            else _spice_merged(g, v.raw_hypervisor_arguments)
            if g.type == "spice" and g.tls is None
            else g
            for g in v.graphics
            if g.type in ("vnc", "spice", "rdp")
        ]
        buses = [(g, b) for g in v.graphics if g.type == "dbus" for b in _dbus_tcp(g)]
        # as raw `-set chardev.*` leave them, one reading with HVA-033 and HVA-210 (R48D-2)
        chardevs = list(set_chardevs(v))
        sockets = [c for c in chardevs if c.protocol == "tcp" and c.mode == "bind"]
        outbound = [
            c
            for c in chardevs
            if c.protocol == "tcp" and c.mode == "connect" and not is_local_address(c.host)
        ]
        datagrams: dict[Source, list[Chardev]] = {}
        for c in chardevs:
            if c.protocol == "udp":
                datagrams.setdefault(c.source, []).append(c)
        raw = _raw_consoles(v.raw_hypervisor_arguments, any(g.type == "vnc" for g in v.graphics))
        netl = [*_tunnel_listeners(v), *_raw_net_listeners(v.raw_hypervisor_arguments)]
        if not (consoles or buses or sockets or outbound or datagrams or raw or netl):
            # a TCP device connecting to this host listens nowhere (VL18-3: the listener it
            # reaches is HVA-033's and HVA-210's)
            local = [
                f"{c.device} to {c.host}:{c.service}"
                for c in chardevs
                if c.protocol == "tcp" and c.mode == "connect"
            ]
            yield not_applicable(
                s,
                "no VNC, SPICE or RDP console and no listening TCP or UDP character device; "
                f"TCP character device(s) connecting to this host only: {', '.join(local)}"
                if local
                else "no VNC, SPICE or RDP console and no TCP or UDP character device",
            )
            continue
        h = hosts[v.host]
        others = [how for vm, how in guests.get(v.host, []) if vm != v.name]
        others6 = [how for vm, how in guests6.get(v.host, []) if vm != v.name]
        own = (
            [how for vm, how in guests.get(v.host, []) if vm == v.name],
            [how for vm, how in guests6.get(v.host, []) if vm == v.name],
        )
        r = _Verdict(scope=loopback_scope(h), guests=others, guests6=others6, own=own)
        r.vsock_guests = [how for vm, how in vsocks.get(v.host, []) if vm != v.name]
        r.sasl_env = _sasl_env(h, v)
        r.secret_sizes = h.facts.secret_file_sizes
        r.session_bus = v.session_bus
        # a <console> repeating a <serial> names the same spiceport
        r.spice_ports = list(
            dict.fromkeys(a.name or "(unnamed)" for a in v.agent_channels if a.kind == "spiceport")
        )
        for g in consoles:
            _graphics(h, g, r)
        for g, (transport, host, port) in buses:
            _dbus_display(g, transport, host, port, r)
        for c in sockets:
            _chardev(h, c, r)
        for c in outbound:
            _chardev_out(h, c, r)
        for group in datagrams.values():
            _udp(group, r)
        objects = _objects(v.raw_hypervisor_arguments)
        mons = monitor_chardevs(qemu_options(v.raw_hypervisor_arguments)) if raw else {}
        spice_addr = _launcher_spice_address(h, consoles)
        inherited = _launcher_spice_keys(h, consoles)
        for opt, value, q in raw:
            _raw_console_verdict(opt, value, q, r, v.source, objects, mons, spice_addr, inherited)
        # a guest that reaches another VM's port forward on 127/8 reaches that VM's network,
        # as any network peer does: the guests demote consoles only (R17-5)
        kept, r.guests, r.guests6 = (r.guests, r.guests6), [], []
        for listener in netl:
            _raw_net_verdict(listener, r, v.source)
        r.guests, r.guests6 = kept
        if r.demoted or r.credited:
            refs_localnet = list(r.scope.sources)
            if r.fails and r.demoted and r.scope.routed:
                r.fails.append(
                    f"127/8 is reachable from the network: route_localnet = 1 on "
                    f"{', '.join(r.scope.routed)}"
                )
            reached = sorted(
                {
                    ver
                    for a in r.demoted
                    for ver in guest_families(a)
                    if (r.guests if ver == 4 else r.guests6)
                }
                | r.own_reached
            )
            if r.fails and reached:
                hows = list(
                    dict.fromkeys(
                        [
                            *(r.guests if 4 in reached else []),
                            *(r.guests6 if 6 in reached else []),
                            *(r.own[0] if 4 in r.own_reached else []),
                            *(r.own[1] if 6 in r.own_reached else []),
                        ]
                    )
                )
                nets, to = reach_words(reached)
                r.fails.append(
                    f"{nets} {'are' if len(reached) > 1 else 'is'} reachable from guests: the "
                    f"user-mode networking of {', '.join(hows[:5])} turns a guest's connection "
                    f"to its host address into one to {to}"
                )
        else:
            refs_localnet = []
        refs = list(dict.fromkeys([*r.refs, *refs_localnet]))
        qc = conf_fact(h, "qemu.conf")
        if r.fails:
            yield failed(s, "; ".join(r.fails), *refs)
            continue
        # every open condition of the VM is asked in one item (_joined): the chain asked the
        # first alone, so a "yes" to the host's settings passed a console socket handed over
        # by fd, a hidden password or a QEMU older than qemu.conf, never asked (R34H)
        asks: list[Outcome] = []
        if r.settings:
            held = host_settings_manual(
                s, h, qc, "; ".join(r.proven), _settings_question(h, r.settings), *refs
            )
            if held.status is not Status.MANUAL:
                yield held
                continue
            asks.append(held)
        if r.asks:
            asks.append(
                manual(s, "; ".join(r.proven), *refs, question=_sasl_question(h, v, r.asks))
            )
        if r.one_of:
            asks.append(
                manual(
                    s,
                    "; ".join(
                        [
                            *r.proven,
                            *(
                                f"{'; '.join(why)}, if it listens on "
                                f"{'127.0.0.1' if fam == 4 else '::1'}, one of {addr}'s two "
                                "addresses (spice-server binds one)"
                                for _, addr, fam, why in r.one_of
                            ),
                        ]
                    ),
                    *refs,
                    *(r.scope.sources if r.scope.routed else ()),
                    question=_one_of_question(h, v, r),
                )
            )
        if r.opaque or r.loop_groups:
            asked = []
            if r.opaque:
                asked.append(
                    f"On which address does the socket handed to QEMU for VM {v.name} "
                    f"({_and(r.opaque)}) listen? Evidence: `ss -ltnup` on host {h.name} while "
                    "the VM runs (the QEMU process's sockets). Pass: a loopback address or a "
                    "UNIX socket; fail: any other address, where whoever connects reaches the "
                    "VM's network without authentication."
                )
            if r.loop_groups:
                asked.append(
                    f"Does any other socket on host {h.name} join the multicast group(s) of VM "
                    f"{v.name} ({_and(r.loop_groups)}) on a network interface? Evidence: `ip "
                    f"maddr show` on host {h.name} (Linux hands a datagram to every socket "
                    "bound to its group and port once any socket joined the group on the "
                    "interface it arrived on). Pass: the group is joined on lo only; fail: it "
                    "is joined on a network interface, where any machine on that segment "
                    "sends the VM frames."
                )
            asks.append(
                manual(
                    s,
                    "; ".join([*r.proven, *r.opaque, *r.loop_groups]),
                    *refs,
                    question=asked[0] if len(asked) == 1 else f"(1) {asked[0]} (2) {asked[1]}",
                )
            )
        if r.secrets:
            asks.append(
                manual(
                    s,
                    "; ".join(r.proven),
                    *refs,
                    question=f"Is the password of the VNC server(s) of VM {v.name} "
                    f"({_and([w for w, _ in r.secrets])}) non-empty? Evidence: "
                    f"{_and(list(dict.fromkeys(e for _, e in r.secrets)))} on host {h.name}. "
                    "Pass: the secret holds a non-empty password; fail: it is empty, the "
                    "empty password, which QEMU's VNC server accepts from any client.",
                )
            )
        if r.hidden_bus:
            asks.append(
                manual(
                    s,
                    "; ".join(r.proven),
                    *refs,
                    question="Which D-Bus address does <qemu:env name='DBUS_SESSION_BUS_"
                    f"ADDRESS'> of VM {v.name} set (the session bus its dbus display, "
                    f"{_and(r.hidden_bus)}, joins)? Evidence: `virsh dumpxml {v.uuid}` on host "
                    f"{h.name} (the value of that <qemu:env>, which the bundle redacts). Pass: a "
                    "unix: address, or tcp: or nonce-tcp: with a loopback host; fail: tcp: or "
                    "nonce-tcp: with another host, where the VM's screen and keyboard travel in "
                    "cleartext to that bus's clients.",
                )
            )
        if r.hidden_password is not None:
            hidden = unknown(
                s,
                r.hidden_password,
                "Does each network-facing console of this VM have a password? Evidence: "
                f"`virsh dumpxml --security-info {v.uuid}` on host {h.name} (the passwd "
                "attribute of each <graphics>; `hvaudit scan --secure-xml` reads it as set or "
                "not), else vnc_password / spice_password in /etc/libvirt/qemu.conf there. Pass: "
                "yes, each has a non-empty password; fail: one has none or an empty one.",
            )
            if hidden.status is not Status.MANUAL:
                yield hidden
                continue
            asks.append(hidden)
        if r.credited and r.scope.unread is not None:
            on = f"console(s) or socket(s) on {_and(r.credited)}"
            asks.append(
                manual(
                    s,
                    "; ".join([*r.proven, f"{on}: {r.scope.why_unread()}"]),
                    *refs,
                    question=LOCALNET_QUESTION.replace("this host", f"host {h.name}"),
                )
            )
        if (consoles or sockets) and (older := _predates_qemu_conf(h, v)):
            # R11H-1/2: libvirt applies qemu.conf's console settings when it starts QEMU; a
            # console whose password is hidden proves nothing, but faces the network
            what = "; ".join(r.proven) or (
                "network-facing console(s)"
                if r.hidden_password is not None
                else "console(s) reachable only from the host"
            )
            asks.append(
                manual(
                    s,
                    f"{what}, as /etc/libvirt/qemu.conf says now; but {older}",
                    *refs,
                    *h.facts.qemu_processes.sources,
                    question=f"Does the running QEMU of VM {v.name} serve its consoles with the "
                    "listen address, TLS and password /etc/libvirt/qemu.conf sets now? Evidence: "
                    f"`ps -o args= -p PID` of its QEMU on host {h.name} (the -vnc, -spice and "
                    "-chardev options: address, tls-creds, password), or the VM restarted since "
                    "the change. Pass: yes, each console runs as the file says; fail: a console "
                    "runs on a network address without the TLS or password the file now sets.",
                )
            )
        if asks:
            outcome = _joined(s, asks)
        else:
            what = "; ".join(r.proven) or "console(s) reachable only from the host"
            note = f" ({r.scope.note})" if r.credited and r.scope.assumed else ""
            outcome = passed(s, what + note, *refs)
        # a guest not read may have user-mode networking, or a vsock device (R29D-1)
        may = [
            *(
                [
                    "have user-mode networking (QEMU's slirp or passt), whose guest reaches "
                    f"the host's {_and(sorted(set(r.reachable)))}, where this VM's console(s) "
                    "or socket(s) listen"
                ]
                if r.reachable
                else []
            ),
            *(
                [
                    "have a vsock device, whose guest connects to the host (CID 2) on "
                    f"{_and(r.vsock_open)}, where this VM's network backend listens"
                ]
                if r.vsock_open
                else []
            ),
        ]
        if may:
            outcome = unread_peers(outcome, h, ", or ".join(may))
        yield outcome
    yield from host_default_questions(
        ctx,
        relying,
        "RemoteDisplay.vnc.enabled",
        "it to FALSE",
        "it sets it to TRUE (or to text VMware reads as TRUE) and the host runs ESXi 6.7 or "
        "older, which serve VNC",
        "RemoteDisplay.vnc.enabled",
    )


def _joined(s: Subject, asks: list[Outcome]) -> Outcome:
    """The manual outcomes `asks` of one VM as one item (checks.base.joined_asks): their
    messages' parts once each (each repeats what the XML proves), their evidence, and one
    joint_question, so that an attested "yes" answers every condition (R34H)."""
    if len(asks) == 1:
        return asks[0]
    parts = dict.fromkeys(part for o in asks for part in o.message.split("; "))
    return manual(
        s,
        "; ".join(parts),
        *dict.fromkeys(e for o in asks for e in o.evidence),
        question=joint_question(o.question for o in asks if o.question),
    )


def _predates_qemu_conf(h: Host, v: Vm) -> str:
    """Why VM `v`'s running QEMU may run console settings older than qemu.conf: it started
    before the file's last change. libvirt applies qemu.conf's console settings when it starts
    the VM (read with `find_string`: qemu_domain.c qemuDomainSecretGraphicsPrepare gives a VNC
    console its TLS credentials "vnc-tls-creds0" only `if (cfg->vncTLS)`; a listen address left
    out takes cfg->vncListen), so a VM started before the change keeps the old ones until it
    is started again. "" when it did not, or the times were not read."""
    return next((p.predates_qemu_conf for p in vm_processes(h, v) if p.predates_qemu_conf), "")


def _vmx_network_serials(v: Vm) -> list[tuple[str, str]]:
    """The VM's network serial ports it serves itself on its ESXi host, as (port, URI): present,
    `serialN.fileType = "network"`, `serialN.network.endPoint` "server" (its default) and no
    virtual serial port concentrator (`serialN.vspc`, "defaults to <not present>"): libvirt's
    src/vmx/vmx.c table of .vmx serial keys, read with `find_string`. The vSphere API's
    VirtualSerialPortURIBackingInfo: "A network serial port is a virtual serial port that uses a
    network socket on the host computer"; as server "it accepts a connection"; telnet:// and
    tcp:// are plaintext; with a proxyURI the VM connects out to the concentrator instead."""
    if v.vmware is None:
        return []
    settings = v.vmware.settings
    out = []
    for key, value in sorted(settings.items()):
        m = re.fullmatch(r"(serial[0-9]+)\.present", key)
        if m is None or not vmx_bool(value):
            continue
        port = m.group(1)
        if (
            settings.get(f"{port}.filetype", "").lower() == "network"
            and settings.get(f"{port}.network.endpoint", "server").lower() == "server"
            and not settings.get(f"{port}.vspc")
        ):
            out.append((port, settings.get(f"{port}.filename", "?")[:80]))
    return out


def _vnc_left_to_host(v: Vm, h: Host) -> bool:
    """A VMware VM whose .vmx leaves RemoteDisplay.vnc.enabled out on a host that may serve VNC
    (ESXi before 7.0, or a version not in the evidence): the key then comes from the host's
    /etc/vmware/config (vmware.HOST_CONFIG), which is not read (L16-10)."""
    if v.vmware is None or "remotedisplay.vnc.enabled" in v.vmware.settings:
        return False
    version = esxi_version(h)
    return version is None or version[0] < 7


def _vmx_console(v: Vm, h: Host) -> Outcome | None:
    """HVA-031 for a VMware VM: its network consoles of its own are RemoteDisplay.vnc and a
    network serial port it serves on the host; a pass on the first stands only without the
    second, which is a question for the host's firewall and the port's protocol. None: the VNC
    key is the host's question (_vnc_left_to_host) and there is no network serial port."""
    outcome = _vmx_vnc(v, h)
    served = _vmx_network_serials(v)
    if outcome is None and not served:
        return None
    if outcome is not None and (outcome.status is not Status.PASS or not served):
        # a pass on the VM's own key holds only where ESXi serves no VNC (7.0 and later);
        # before that the host's /etc/vmware/settings overrides the key (V17-1)
        version = esxi_version(h)
        return outcome if version is not None and version[0] >= 7 else own_keys_pass(outcome)
    ports = ", ".join(f"{port} ({uri})" for port, uri in served)
    assert v.vmware is not None
    first = (
        outcome.message
        if outcome is not None
        else f"no RemoteDisplay.vnc.enabled in the .vmx (the host's {HOST_CONFIG} decides)"
    )
    return manual(
        vm_subject(v),
        f"{first}; but network serial port(s) served on the host: {ports}",
        *(outcome.evidence if outcome is not None else (v.vmware.at("RemoteDisplay.vnc.enabled"),)),
        *(v.vmware.at(f"{port}.fileType") for port, _ in served),
        question=f"Can only administrators reach the network serial port(s) {ports} that VM "
        f"{v.name} serves on ESXi host {h.name}? Evidence: the host's firewall (vSphere Client, "
        f"host {h.name} > Configure > Firewall: the 'VM serial port connected over network' "
        "service and its allowed IP addresses) and each port's URI scheme. Pass: that service is "
        "disabled, or admits only the management network and each URI is ssl:// or telnets://; "
        "fail: it admits other networks, or a URI is telnet://, tcp:// or bare host:port "
        "(plaintext, no password).",
    )


def _vmx_vnc(v: Vm, h: Host) -> Outcome | None:
    """HVA-031 for a VMware VM's RemoteDisplay.vnc; None where the .vmx leaves the key to the
    host's /etc/vmware/config on a host that may serve VNC (_vnc_left_to_host)."""
    s = vm_subject(v)
    vnc = [g for g in v.graphics if g.type == "vnc"]
    if not vnc:
        if _vnc_left_to_host(v, h):
            return None
        ref = v.vmware.at("RemoteDisplay.vnc.enabled") if v.vmware is not None else v.source
        return passed(
            s,
            "no RemoteDisplay.vnc.enabled = TRUE: the console is reached through vSphere only",
            ref,
        )
    g = vnc[0]
    port = v.vmware.settings.get("remotedisplay.vnc.port", "?") if v.vmware else "?"
    where = _where(g.listens[0].address or "") if g.listens else "every address"
    has_pw = g.password.known and g.password.get()
    pw = "a password of at most 8 characters" if has_pw else "no password"
    version = esxi_version(h)
    major = version[0] if version else None
    what = f"RemoteDisplay.vnc.enabled = TRUE: VNC on {where} port {port}, no TLS, {pw}"
    if major is not None and major >= 7:
        return passed(s, f"{what}, but ESXi {major} has no VNC server", g.source)
    if major is not None:
        return failed(s, what, g.source)
    return manual(
        s,
        f"{what}; the host's ESXi version is not in the evidence",
        g.source,
        question=f"Does the ESXi host running VM {v.name} run version 7.0 or later? Evidence: "
        "the host's version (vSphere Client, host Summary, or `vmware -v` on the host). Pass: "
        "yes, 7.0 or later, which has no VNC server; fail: an older version, so the VM's VNC "
        f"console on port {port} is reachable without TLS.",
    )


def _raw_consoles(
    args: tuple[str, ...], launcher_vnc: bool = False
) -> list[tuple[str, str, QemuOption]]:
    """The console servers raw QEMU arguments (<qemu:commandline>, Proxmox `args:`) start, which
    libvirt neither configures nor knows of: (option, value, the option as QEMU reads it) of
    `-vnc`, `-display vnc=...` ("-vnc <display>" is "shorthand for -display vnc=<display>",
    qemu-options.hx), `-spice`, `-serial`/`-parallel`/`-debugcon`/`-monitor`/`-qmp`/
    `-qmp-pretty` with a network backend (_COMPAT_OPTIONS, R47D-2), `-chardev socket` on TCP
    and `-chardev udp`, and QEMU's gdb stub (`-gdb tcp:...`; `-s` is "Shorthand for -gdb
    tcp::1234", R58). Options are read by hvaudit.parse.qemu_args in every spelling QEMU
    takes (`--chardev`, `-chardev backend=socket,...`: qemu_chardev_opts' implied key is
    backend, R5-5). The short backend spellings are QEMU's chardev/char.c
    qemu_chr_parse_compat (read with `find_string`): `mon:` multiplexes QEMU's monitor onto
    what follows (`mux=on`); tcp:, telnet:, tn3270: and websocket: are the socket backend,
    `udp:[remote_host]:remote_port[@[src_ip]:src_port]` the UDP one ("UDP Net Console",
    qemu-options.hx; R66). A dbus display, `-display dbus,addr=ADDRESS` or `-object
    dbus-display,addr=ADDRESS`, is one too (ui/dbus.c dbus_display_complete: unless `p2p`,
    QEMU connects the display to the bus at `addr`, g_dbus_connection_new_for_address_sync,
    as for libvirt's <graphics type='dbus' address>: _dbus_display, R47D-3). Where the
    launcher starts a VNC server of its own (`launcher_vnc`: libvirt's <graphics type='vnc'>,
    qemu-server's `-vnc unix:...`), its -vnc comes first and takes QEMU's id `default`
    (ui/vnc.c vnc_auto_assign_id), so the raw ones are vnc2, vnc3, ... for a `-set
    vnc.ID.KEY=` (R41D-7; libvirt's own is consoles._vnc_set's)."""
    out: list[tuple[str, str, QemuOption]] = []
    options = qemu_options(("-vnc", "none", *args))[1:] if launcher_vnc else qemu_options(args)
    for o in options:
        opt, b = "-" + o.name, o.text
        if opt == "-s":
            out.append(("-gdb", "tcp::1234", parse_option("gdb", "-gdb", "tcp::1234")))
        elif opt == "-vnc":
            out.append(("-vnc", b, o))
        elif opt == "-display" and b.startswith("vnc="):
            # system/vl.c parse_display: `-display vnc=X` is vnc_parse(X), as -vnc X, its
            # parameters (and the -set reaching it, R44D-1) read by hvaudit.parse.qemu_args
            out.append(("-display vnc=", b.removeprefix("vnc="), o))
        elif opt == "-spice":
            out.append(("-spice", b, o))
        elif (
            (opt == "-display" and _display_props(b).get("type") == "dbus")
            or (opt == "-object" and o.kind == "dbus-display")
            or (
                opt in _COMPAT_OPTIONS
                and b.removeprefix("mon:").startswith((*_TCP_BACKENDS, "udp:"))
            )
        ) or (
            opt == "-chardev"
            and ((o.kind == "socket" and "path" not in o.props) or o.kind == "udp")
        ):
            out.append((opt, b, o))
    return out


def _display_props(value: str) -> dict[str, str]:
    """A -display argument's properties, `type` its first word: system/vl.c parse_display
    hands all but `vnc...` to parse_display_qapi, whose qobject_input_visitor_new_str reads
    JSON (`{"type":"dbus","addr":...}`) as well as keyval (R48D-5); a JSON boolean is read
    as on/off, a value QEMU refuses as no property."""
    if not value.lstrip().startswith("{"):
        return dict(parse_opts(value, "type", flags=False))
    try:
        data = json.loads(value)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, str] = {}
    for k, v in data.items():
        if isinstance(v, bool):
            out[str(k)] = "on" if v else "off"
        elif isinstance(v, str | int):
            out[str(k)] = str(v)
    return out


#: qemu_chr_parse_compat's spellings of the socket backend on TCP (chardev/char.c)
_TCP_BACKENDS = ("tcp:", "telnet:", "tn3270:", "websocket:")

#: The options whose argument is a character device in qemu_chr_parse_compat's short form:
#: `-qmp-pretty` is -qmp with pretty JSON (system/vl.c `case QEMU_OPTION_qmp_pretty:
#: monitor_parse(optarg, "control", true)`), and `-debugcon` takes the "same devices as the
#: serial port" (qemu-options.hx), `mon:` too (R47D-2)
_COMPAT_OPTIONS = ("-serial", "-parallel", "-debugcon", "-monitor", "-qmp", "-qmp-pretty", "-gdb")


@dataclass(frozen=True, slots=True)
class _NetListener:
    """A socket a raw network backend (-netdev, -nic, -net) opens on the host."""

    shown: str
    what: str
    host: str | None
    """The address it listens on ("" every address), None when a passed fd decides it."""
    port: str
    group: str | None = None
    """A multicast tunnel's group (host is then the interface address it joins on, "" the
    one the kernel's route picks)."""
    cid: str | None = None
    """An AF_VSOCK listener's CID (host is then None and port the vsock port)."""


def _raw_net_listeners(args: tuple[str, ...]) -> list[_NetListener]:
    """The host sockets raw network backends open for a VM, which take traffic for the guest
    from whoever reaches them (QEMU source, read with `read_file`; options read by
    hvaudit.parse.qemu_args, -nic and -net alike, JSON too):
    - `user,hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport` (qemu-options.hx:
      "Redirect incoming TCP or UDP connections to the host port hostport to the guest ...
      If no connection type is set, TCP is used. This option can be given multiple times"):
      net/slirp.c slirp_hostfwd sets `host_addr.in.sin_addr.s_addr = INADDR_ANY` and
      replaces it only when hostaddr is not empty; `unix:` forwards a UNIX socket path.
    - `socket,listen=[host]:port`: net/socket.c net_socket_listen_init binds a TCP socket at
      parse_host_port's address (net/net.c: an empty host is `s_addr = 0`, every address)
      and carries the NIC's frames to whoever connects; `socket,udp=...,localaddr=host:port`
      (net_socket_udp_init) binds localaddr and reads datagrams without connecting, so from
      any source.
    - `stream,server=on,addr.type=inet,addr.host=H,addr.port=P` (net/stream.c
      net_init_stream: server=on is net_stream_server_init; util/qemu-sockets.c
      inet_listen_saddr: `getaddrinfo(strlen(saddr->host) ? saddr->host : NULL, ...)` with
      AI_PASSIVE, every address when empty); `addr.type=fd` listens on a socket the caller
      opened, which the arguments do not show.
    - `socket,fd=N` (net_init_socket: net_socket_fd_init of a socket the caller opened,
      datagram or stream): where it is bound is not in the arguments, a question.
    - `dgram,local.type=inet,local.host=H,local.port=P,remote...` (net/dgram.c net_init_dgram:
      the unicast socket is bound to local and never connected, so it reads datagrams from
      any source); `local.type=fd` as above.
    - `socket,mcast=GROUP:PORT[,localaddr=A]` and a `dgram` whose remote is a multicast
      address (net/socket.c net_socket_mcast_create, net/dgram.c net_dgram_mcast_create: bind
      GROUP:PORT, IP_ADD_MEMBERSHIP on localaddr's interface or INADDR_ANY, the one the
      kernel's route picks): every machine on that segment that sends to the group reaches
      the VM. Joined on a loopback address, whether the group is joined on a network
      interface by another socket of the host is a question (Linux delivers to every socket
      bound to the group once the interface joined it).
    None of them authenticates or encrypts."""
    out: list[_NetListener] = []
    for o in qemu_options(args):
        if o.name not in ("netdev", "nic", "net"):
            continue
        shown = f"QEMU argument {o.shown()}"
        p = o.props
        if o.kind == "user":
            for rule in o.values("hostfwd"):
                proto, _, rest = rule.partition(":")
                if proto not in ("", "tcp", "udp"):
                    continue  # unix: a UNIX socket path (or a rule QEMU refuses)
                host, _, rest = rest.partition(":")
                hport, _, guest = rest.partition("-")
                what = (
                    f"host forwarding {rule} ({(proto or 'tcp').upper()} port {hport} to "
                    f"the guest's port {guest.rpartition(':')[2]})"
                )
                out.append(_NetListener(shown, what, host, hport))
        elif o.kind == "socket" and p.get("listen"):
            host, _, port = p["listen"].partition(":")
            out.append(_NetListener(shown, "a TCP server carrying the VM's network", host, port))
        elif o.kind == "socket" and p.get("udp") and p.get("localaddr"):
            host, _, port = p["localaddr"].partition(":")
            out.append(_NetListener(shown, "a UDP socket carrying the VM's network", host, port))
        elif o.kind == "stream" and o.flag("server"):
            _socket_address(out, shown, "a TCP server carrying the VM's network", p, "addr")
        elif o.kind == "socket" and p.get("fd"):
            # net/socket.c net_init_socket: fd= (exclusive of listen=, connect=, mcast= and
            # localaddr=) is net_socket_fd_init of a socket the caller opened, datagram (its
            # bound address, multicast ones cloned by net_socket_fd_init_dgram) or stream;
            # where it is bound is not in the arguments
            out.append(_NetListener(shown, "a socket carrying the VM's network", None, p["fd"]))
        elif o.kind == "socket" and p.get("mcast"):
            group, _, port = p["mcast"].partition(":")
            local = p.get("localaddr", "")
            out.append(_NetListener(shown, "a multicast tunnel", local, port, group))
        elif o.kind == "dgram" and _multicast(p.get("remote.host", "")):
            local = p.get("local.host", "") if p.get("local.type") == "inet" else ""
            group, port = p["remote.host"], p.get("remote.port", "?")
            out.append(_NetListener(shown, "a multicast tunnel", local, port, group))
        elif o.kind == "dgram":
            _socket_address(out, shown, "a UDP socket carrying the VM's network", p, "local")
    return out


def _tunnel_listeners(v: Vm) -> list[_NetListener]:
    """The sockets libvirt's own tunnel interfaces open on the host (formatdomain, "TCP
    tunnel": the VM with `<interface type='server'>` "provides the server end of the
    network"; "UDP unicast tunnel": `<source address port><local address port/></source>`).
    libvirt's qemu_command.c qemuBuildHostNetProps builds `-netdev socket,listen=ADDR:PORT`
    for a server (qemuBuildHostNetSocketAddr: `NULLSTR_EMPTY(net->data.socket.address)`, so no
    address is every address, as parse_host_port reads it) and `socket,udp=...,localaddr=
    LOCAL:PORT` for a UDP tunnel, `socket,mcast=GROUP:PORT` for a multicast one ("Any VMs
    whose network devices are in the same multicast group can talk to each other even across
    hosts"): judged as the raw backends below. A passt user interface's `<portForward>`
    (hvaudit.parse.libvirt_xml._port_forwards) has passt listen on the host's ports: with no
    address on every one (passt conf.c usage: "-t 22 Forward local port 22 to 22 on guest",
    "-t 192.0.2.1/5 Bind port 5 of 192.0.2.1 to guest")."""
    out: list[_NetListener] = []
    for i in v.interfaces:
        shown = f"interface {i.mac or '(no MAC)'} (type='{i.type}')"
        if i.type == "server":
            host, _, port = i.source.rpartition(":")
            out.append(_NetListener(shown, "a TCP server carrying the VM's network", host, port))
        elif i.type == "udp" and i.tunnel_local is not None:
            host, _, port = i.tunnel_local.rpartition(":")
            out.append(_NetListener(shown, "a UDP socket carrying the VM's network", host, port))
        for proto, addr, ports in i.port_forwards:
            host = addr.split("%", 1)[0]
            what = f"passt forwarding {proto.upper()} {ports} to the guest"
            listened = ",".join(p.split(":", 1)[0] for p in ports.split(","))
            out.append(_NetListener(shown, what, host, listened))
        if i.type == "mcast":
            group, _, port = i.source.rpartition(":")
            out.append(_NetListener(shown, "a multicast tunnel", "", port, group))
    return out


def _socket_address(
    out: list[_NetListener], shown: str, what: str, p: Mapping[str, str], key: str
) -> None:
    """A QAPI SocketAddress (`key.type` inet, unix, vsock or fd) a backend listens on."""
    kind = p.get(f"{key}.type", "")
    if kind == "inet":
        out.append(_NetListener(shown, what, p.get(f"{key}.host", ""), p.get(f"{key}.port", "?")))
    elif kind == "fd":
        out.append(_NetListener(shown, what, None, p.get(f"{key}.str", "?")))
    elif kind == "vsock":
        what = what.replace("a TCP server", "an AF_VSOCK server")
        out.append(
            _NetListener(shown, what, None, p.get(f"{key}.port", "?"), cid=p.get(f"{key}.cid", ""))
        )


def _multicast(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_multicast
    except ValueError:
        return False


def _raw_net_verdict(n: _NetListener, r: _Verdict, src: Source) -> None:
    """A raw network backend's host socket: on a loopback address only the host reaches it (as
    a raw chardev there); on any other address whoever reaches it sends the VM's network
    traffic (or reaches a guest service through QEMU) with no authentication; on a passed
    socket, what it is bound to is not in the arguments."""
    r.refs.append(src)
    if n.cid is not None:
        _vsock_net_verdict(n, r)
        return
    if n.group is not None:
        where = f"group {n.group} port {n.port}"
        if n.host and _local(r, n.host):
            r.loop_groups.append(f"{n.shown}: {n.what}, {where} joined on {n.host}")
        else:
            on = f"the interface of {n.host}" if n.host else "the interface its route picks"
            r.fails.append(
                f"{n.shown}: {n.what} on multicast {where}, joined on {on}, without "
                "authentication: every machine on that segment that sends to the group reaches "
                "the VM"
            )
        return
    if n.host is None:
        r.opaque.append(f"{n.shown}: {n.what} on passed socket (fd {n.port})")
    elif n.host and _local(r, n.host):
        r.proven.append(f"{n.shown}: loopback only")
    else:
        r.fails.append(
            f"{n.shown}: {n.what} on {n.host or 'every address'} port {n.port}, without "
            "authentication: whoever reaches it reaches the VM"
        )


def _vsock_net_verdict(n: _NetListener, r: _Verdict) -> None:
    """A raw network backend's AF_VSOCK server (`-netdev stream,server=on,addr.type=vsock`:
    QEMU's net/stream.c listens on any QAPI SocketAddress, vsock included, and whoever
    connects sends and receives the VM's network traffic with no authentication). Bound to
    CID 1 (VMADDR_CID_LOCAL, vsock(7)) only the host's own processes reach it, as on a
    loopback address. Bound to 2 (VMADDR_CID_HOST) or VMADDR_CID_ANY (-1, 4294967295), the
    guest of every VM on the host with a vhost-vsock device reaches it: "a host vsock server
    may want to be bound with VMADDR_CID_ANY, so that a guest vsock client can connect to the
    host server with CID=VMADDR_CID_HOST" (Linux commit 1db8f5fc2e5c, virtio/vsock, read with
    `search`); af_vsock.c __vsock_find_bound_socket matches a VMADDR_CID_ANY socket for any
    address (checks._loopback.vsock_guests). With no such guest, only host processes do."""
    where = f"vsock CID {n.cid or '(none)'} port {n.port}"
    if n.cid == "1":
        r.proven.append(f"{n.shown}: {n.what} on {where}: the host's own processes only")
    elif r.vsock_guests:
        r.fails.append(
            f"{n.shown}: {n.what} on {where}, without authentication: the vsock device of "
            f"{', '.join(r.vsock_guests[:5])} connects its guest to the host (CID 2) on any "
            "port, so that guest sends and receives this VM's network traffic"
        )
    else:
        r.vsock_open.append(f"vsock port {n.port}")
        r.proven.append(
            f"{n.shown}: {n.what} on {where}: no other VM the scan read on the host has a "
            "vsock device, so the host's own processes only"
        )


def _host_port(text: str) -> tuple[str, str]:
    """`[host]:port` as qemu_chr_parse_compat scans it (`%64[^:]:%32[^@,]`, else `:%32[...]`):
    the host ends at the first colon, and may be empty."""
    host, sep, port = text.partition(":")
    return (host, port) if sep else ("", host)


def _on(opts: Mapping[str, str], key: str) -> bool:
    """A QEMU boolean option: present alone or on/yes/true (QemuOpts' bool parser; y too, read
    generously: a word QEMU refuses stops QEMU, so reading it as on never hides a listener)."""
    return key in opts and opts[key].lower() in ("", "on", "yes", "true", "y")


def _launcher_spice_address(h: Host, consoles: list[Graphics]) -> str:
    """The address the launcher's SPICE server (libvirt's <graphics type='spice'>, qemu-server's
    -spice) listens on, which a raw -spice without `addr` keeps: QEMU merges every -spice into
    the launcher's (consoles._spice_merged, R44D-5). "" (every address, as a lone raw -spice
    without addr) where there is none or it is not an address the scan read."""
    for g in consoles:
        if g.type != "spice":
            continue
        for lst in g.listens:
            if lst.kind not in ("address", "network"):
                return ""
            if lst.address is None:
                qc = conf_fact(h, "qemu.conf")
                if not qc.known:
                    return ""
                value, _ = conf_value(h, "qemu.conf", "spice_listen")
                return "" if value is None else str(value)
            return "" if lst.address.startswith("network:") else lst.address
    return ""


@dataclass(frozen=True, slots=True)
class _Inherited:
    """What the launcher's -spice gives a raw -spice merged into it (_launcher_spice_keys)."""

    opts: Mapping[str, str] = field(default_factory=dict)
    """QEMU options of libvirt's -spice that the raw one inherits: `unix` (a socket listen),
    `disable-ticketing` (no password anywhere), `sasl` (spice_sasl = 1)."""
    why: str = ""
    """Where the inherited disable-ticketing comes from, for the message."""
    hidden: Fact[bool] | None = None
    """The <graphics> password, where the XML was read without it: whether libvirt gave its
    -spice disable-ticketing=on is then that question."""
    conf_unread: bool = False
    """qemu.conf was not read: its spice_password decides the same."""
    secure: bool = False
    """libvirt's SPICE (with the raw -spice's channel modes merged) runs every channel over TLS
    only: a plaintext port admits no channel (R45D-3)."""


def _launcher_spice_keys(h: Host, consoles: list[Graphics]) -> _Inherited:
    """The keys of libvirt's -spice that a raw -spice merged into it keeps (R45D-1). QEMU merges
    every -spice into the first (qemu_spice_opts `.merge_lists = true`, consoles._spice_merged)
    and qemu_spice_init reads that one QemuOpts: `unix` with qemu_opt_get_bool (the last value;
    SPICE_ADDR_FLAG_UNIX_ONLY, and spice-server server/reds.cpp reds_init_socket then binds
    `addr` as a UNIX socket path for the plaintext and the TLS socket alike, no port: no TCP
    listener), `disable-ticketing` with qemu_opt_get_bool, after the password
    (`spice_server_set_noauth`: no client authenticates, whatever the ticket). libvirt's
    -spice has `unix=on,addr=PATH` for <listen type='socket'> (tests/qemuxmlconfdata/
    graphics-spice-socket.x86_64-latest.args `-spice unix=on,addr=/tmp/spice.sock,...`) and
    `disable-ticketing=on` where the <graphics> has no passwd and qemu.conf no spice_password
    (src/qemu/qemu_command.c qemuBuildGraphicsSPICECommandLine: "In the password case we set it
    via monitor command", `if (!graphics->data.spice.auth.passwd && !cfg->spicePassword)` it
    adds disable-ticketing, read with `read_file`; its tests' .args show none only because
    tests/testutilsqemu.c sets spicePassword "123456"), and then sets no password either (src/qemu/qemu_hotplug.c qemuDomainChangeGraphicsPasswords
    returns at `if (!auth->passwd && !defaultPasswd)`). Under spice_sasl = 1 libvirt's -spice
    has `sasl=on`, which the raw one inherits: SASL authenticates (R41D-5, R45D-5), and no
    disable-ticketing is inherited. A launcher whose
    command line sets TLS (Proxmox VE's qemu-server, whose spiceproxy ticket is always set)
    gives none."""
    spice = next((g for g in consoles if g.type == "spice"), None)
    if spice is None or spice.tls is not None:
        return _Inherited()
    opts: dict[str, str] = {}
    if spice.listens and spice.listens[0].kind == "socket":
        opts["unix"] = "on"
    # defaultMode='secure' is libvirt's `tls-channel=default` (R44D-4: consoles._spice_merged
    # has merged the raw plaintext-channel= into the modes): spice-server reds_security_check
    # then refuses every plaintext link (SPICE_LINK_ERR_NEED_SECURED, "spice channels %d
    # should be encrypted"), so a raw plaintext `port=` admits no channel (R45D-3)
    # a channel's last mode counts (R47D-6)
    modes = dict(spice.channel_modes).values()
    secure = spice.default_mode == "secure" and all(m != "insecure" for m in modes)
    if spice.empty_password or (spice.password.known and spice.password.get()):
        return _Inherited(opts, secure=secure)
    qc = conf_fact(h, "qemu.conf")
    if not qc.known:
        return _Inherited(
            opts,
            hidden=None if spice.password.known else spice.password,
            conf_unread=True,
            secure=secure,
        )
    sasl, _ = conf_value(h, "qemu.conf", "spice_sasl")
    default_pw, _ = conf_value(h, "qemu.conf", "spice_password")
    if sasl == 1:
        # libvirt adds `sasl=on` to its -spice for spice_sasl = 1 (tests/qemuxml2argvdata/
        # graphics-spice-sasl.args): the merged server takes SASL alone (R41D-5, R45D-5)
        return _Inherited({**opts, "sasl": "on"}, secure=secure)
    if default_pw is not None:
        return _Inherited(opts, secure=secure)
    if not spice.password.known:
        return _Inherited(opts, hidden=spice.password, secure=secure)
    opts["disable-ticketing"] = "on"
    return _Inherited(
        opts,
        secure=secure,
        why="disable-ticketing=on of libvirt's -spice, which QEMU merges it into: the "
        "<graphics> has no passwd and /etc/libvirt/qemu.conf no spice_password",
    )


def _raw_console_verdict(
    opt: str,
    value: str,
    q: QemuOption,
    r: _Verdict,
    src: Source,
    objects: dict[str, dict[str, str]],
    monitors: Mapping[str, str],
    spice_addr: str = "",
    inherited: _Inherited | None = None,
) -> None:
    """A console server from raw QEMU arguments: qemu.conf's vnc_*, spice_* and chardev_tls
    apply only to what libvirt builds, so only its own options count (qemu-options.hx).
    -vnc HOST:DISPLAY[,options]: a host part left empty listens on every address ("host ... can
    be omitted, in which case the server will accept connections from any host"); `password`
    and `sasl` are on/off flags (ui/vnc.c: `password = qemu_opt_get_bool(opts, "password",
    false)`), `password-secret=` and `tls-creds=` name objects. -spice: `addr` "Default is any
    address", `port=` is the plaintext port, `disable-ticketing=on` "Allow client connects
    without authentication", `password-secret=`/`sasl=on` authenticate. -serial tcp:[HOST]:PORT,
    server: "If host is omitted, 0.0.0.0 is assumed", no authentication or TLS at all (and a
    -monitor or -qmp on TCP hands over QEMU itself). The parameters are QEMU's reading of them
    (hvaudit.parse.qemu_args: `,,`, flags, the implied first key, a key given twice)."""
    r.refs.append(src)
    shown = f"QEMU argument {opt}{'' if opt.endswith('=') else ' '}{value}" + "".join(
        f" -set {s}" for s in q.set_by
    )
    if opt == "-spice":
        # the keys of the launcher's -spice it merges into, its own given later (R45D-1)
        inherited = inherited or _Inherited()
        o: Mapping[str, str] = {**inherited.opts, **q.props}
        if _on(o, "sasl"):
            # SASL authenticates whatever disable-ticketing says (R41D-5), the raw -spice's
            # own too: qemu_spice_init's spice_server_set_noauth clears the ticket alone
            # (ticketing_enabled, taTicket), and spice-server's reds_handle_auth_mechanism
            # takes the SPICE ticket only `&& !reds->config->sasl_enabled`, starting SASL for
            # SPICE_COMMON_CAP_AUTH_SASL and refusing any other ("Unknown auth method"),
            # while reds_handle_read_link_done refuses a client without auth selection
            # ("SASL enabled, but peer supports only spice authentication"): no client gets
            # past SASL (R47D-5)
            o = {**o, "disable-ticketing": "off"}
        if _on(o, "unix"):
            # reds_init_socket binds `addr` as a UNIX socket path, every port ignored
            via = "" if _on(q.props, "unix") else " (unix=on of libvirt's -spice, merged)"
            r.proven.append(f"{shown}: a UNIX socket{via}, no TCP listener")
            return
        # without addr, the launcher's (the one SPICE server it merges into, R44D-5)
        host = o.get("addr", "") or spice_addr
        if host and len(guest_families(host)) > 1 and (_on(o, "ipv4") or _on(o, "ipv6")):
            # ipv4=on (else ipv6=on) gives spice-server the family its getaddrinfo resolves
            # the name in (ui/spice-core.c qemu_spice_init: SPICE_ADDR_FLAG_IPV4_ONLY, else
            # _IPV6_ONLY; server/reds.cpp reds_init_socket `ai.ai_family = family`): one of
            # localhost's two addresses (R36D-1)
            host = "127.0.0.1" if _on(o, "ipv4") else "::1"
        one = _spice_one_of(r, host) if host else None
        if one is not None:
            # spice-server binds one of localhost's addresses (_spice_one_of, R36D-1)
            n = len(r.fails)
            _raw_spice(r, shown, o, host, inherited, q.props)
            _one_of(r, shown, host, one, n)
        elif host and _local(r, host):
            r.proven.append(f"{shown}: loopback only")
        else:
            _raw_spice(r, shown, o, host, inherited, q.props)
        return
    if opt in ("-display", "-object"):
        # a raw dbus display (_raw_dbus): QEMU connects it to the bus at `addr`
        o = _display_props(value) if opt == "-display" else q.props
        addr = o.get("addr", "")
        if not _on(o, "p2p") and not addr and r.session_bus and REDACTED in r.session_bus:
            # the collection redacts <qemu:env> values (hvaudit.redact): asked (R48D-4)
            r.proven.append(f"{shown}: on the session bus <qemu:env DBUS_SESSION_BUS_ADDRESS> sets")
            r.hidden_bus.append(shown)
            return
        if not _on(o, "p2p") and not addr and r.session_bus:
            # no addr: g_bus_get_sync(G_BUS_TYPE_SESSION), whose address GLib takes from
            # DBUS_SESSION_BUS_ADDRESS first (gio/gdbusaddress.c g_dbus_address_get_for_bus_sync:
            # `g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"))`), which libvirt's
            # <qemu:env> sets in QEMU's environment (R48D-4)
            addr = r.session_bus
            shown = f"{shown} (its session bus: <qemu:env DBUS_SESSION_BUS_ADDRESS>)"
        if _on(o, "p2p") or not addr:
            # p2p: clients come through QMP add_client (dbus_display_complete waits for
            # dbus_display_add_client); no addr and no <qemu:env>: the session bus libvirt's
            # environment for QEMU leaves, which the arguments do not name
            why = "p2p=on, clients added through QMP" if _on(o, "p2p") else "the session bus"
            r.proven.append(f"{shown}: no bus address in the arguments ({why})")
            return
        for transport, host, port in _dbus_entries(addr):
            if host and _local(r, host):
                r.proven.append(f"{shown}: a bus on the loopback")
                continue
            r.fails.append(
                f"{shown}: a dbus display connected to the D-Bus bus at {host or '(no host named)'} "
                f"port {port or '?'} ({transport}): D-Bus over TCP has no integrity or "
                "confidentiality protection, so the console travels in cleartext to that bus's "
                "clients"
            )
        return
    if opt == "-chardev" and q.kind == "udp":
        # char-udp.c qemu_chr_parse_udp: host defaults to localhost, and a local address is
        # bound only when localaddr or localport is given (localaddr "" is every address)
        o = q.props
        binds_local = "localaddr" in o or "localport" in o
        binds = [(o.get("localaddr", ""), o.get("localport") or "0")] if binds_local else []
        peer = (o.get("host") or "localhost", o.get("port") or "?")
        if note := _udp_exposure(f"{shown}: a character device", binds, peer, r):
            r.proven.append(f"{shown}: {note}")
        return
    if opt == "-chardev":
        # a socket that `-mon chardev=ID` takes is QEMU's monitor (monitor_chardevs): the VM's
        # own user-mode guest counts too (_local_to_monitor, VL18-5)
        o = q.props
        host = o.get("host", "")
        mon = monitors.get(o.get("id", ""))
        if not _on(o, "server"):
            r.proven.append(f"{shown}: connects out, no listener")
        elif host and _local_to_monitor(r, host, mon is not None):
            r.proven.append(f"{shown}: loopback only")
        elif o.get("tls-creds") and _authenticating_tls(o["tls-creds"], objects):
            r.proven.append(f"{shown}: TLS with client certificates")
        else:
            what = f"QEMU's monitor ({mon}) as a TCP server" if mon else "a TCP server"
            r.fails.append(
                f"{shown}: {what} on {host or 'every address'} port {o.get('port', '?')}, "
                "without authentication"
            )
        return
    if opt in _COMPAT_OPTIONS and value.removeprefix("mon:").startswith("udp:"):
        # udp:[remote_host]:remote_port[@[src_ip]:src_port] (qemu_chr_parse_compat): the `@`
        # part is the local address QEMU binds, src_ip empty being every address
        remote, sep, local = value.removeprefix("mon:").removeprefix("udp:").partition("@")
        peer_host, peer_port = _host_port(remote.split(",")[0])
        binds = [_host_port(local.split(",")[0])] if sep else []
        peer = (peer_host or "localhost", peer_port or "?")
        if note := _udp_exposure(f"{shown}: {_chardev_role(opt, value)}", binds, peer, r):
            r.proven.append(f"{shown}: {note}")
        return
    if opt in _COMPAT_OPTIONS:
        # qemu_chr_parse_compat: what follows the address's first comma is QemuOpts (no
        # implied key)
        spec, _, rest = value.removeprefix("mon:").partition(",")
        o = parse_opts(rest)
        host = _host_port(spec.split(":", 1)[1])[0]
        # the gdb stub always listens ("-gdb dev: Accept a gdb connection on device dev")
        if opt != "-gdb" and not _on(o, "server"):
            r.proven.append(f"{shown}: connects out, no listener")
        elif host and _local_to_monitor(r, host, "QEMU's monitor" in _chardev_role(opt, value)):
            r.proven.append(f"{shown}: loopback only")
        else:
            r.fails.append(
                f"{shown}: {_chardev_role(opt, value)} as a TCP server on "
                f"{host or 'every address'}, without authentication or TLS"
            )
        return
    # -vnc (and -display vnc=): qemu_vnc_opts' implied key is vnc, the display; every `vnc`
    # and `websocket` value listens (_vnc_tcp_hosts, R47D-1)
    o = q.props
    hosts = _vnc_tcp_hosts(q.values("vnc"), q.values("websocket"))
    if not hosts:
        r.proven.append(f"{shown}: no TCP listener")
        return
    # judged where it is reachable from the network: its first listener off the loopback
    off = [h for h in hosts if not (h and _local(r, h))]
    auth = [k for k in ("password", "sasl") if _on(o, k)]
    # a secret object whose data is empty gives the server the empty password, which it
    # accepts (_empty_secret, R48D-3): no authentication
    empty = _empty_secret(o.get("password-secret", ""), objects, r.secret_sizes)
    # a secret the bundle does not show empty or set is asked (_unread_secret, R52D-1)
    unread, answers = _unread_secret(o.get("password-secret", ""), objects, r.secret_sizes)
    auth += ["password-secret"] if o.get("password-secret") and not (empty or unread) else []
    if empty:
        # the (empty) password comes before SASL: ui/vnc.c vnc_display_setup_auth takes
        # `if (password)` VNC authentication, `else if (sasl)` SASL, so `sasl=on` does not
        # authenticate beside it (R52D-3)
        auth = [a for a in auth if a != "sasl"]
    if o.get("tls-creds") and _authenticating_tls(o["tls-creds"], objects):
        auth.append("tls-creds")
    if not off:
        r.proven.append(f"{shown}: loopback only")
    elif unread and not [a for a in auth if a != "sasl"]:
        # the password comes before SASL (vnc_display_setup_auth), so only it decides
        r.proven.append(
            f"{shown}: a VNC server on {off[0] or 'every address'} whose "
            f"password-secret={o['password-secret']} names {unread}"
        )
        r.secrets.append((shown, answers))
    elif auth == ["sasl"]:
        # SASL alone: which mechanisms it offers is the SASL configuration's, asked as for
        # libvirt's vnc_sasl (R41D-2): ui/vnc.c vnc_display_setup_auth takes the password
        # before SASL, and authenticating TLS client certificates stand on their own
        r.proven.append(f"{shown}: sasl (SASL authenticates)")
        r.asks.append("vnc" if "vnc" in r.sasl_env else f"vnc ({shown})")
    elif auth:
        r.proven.append(f"{shown}: {', '.join(sorted(auth))}")
    else:
        where = off[0] or "every address"
        what = (
            f"whose password-secret={o['password-secret']} names an empty secret ({empty}): "
            "QEMU's VNC server accepts the empty password"
            if empty
            else "with TLS credentials that authenticate no client and no password or sasl"
            if o.get("tls-creds")
            else "with no password, sasl or tls-creds option"
        )
        r.fails.append(
            f"{shown}: a VNC server on {where} {what}, outside libvirt's <graphics> "
            "(qemu.conf's vnc_* do not apply)"
        )


def _empty_secret(
    secret: str, objects: dict[str, dict[str, str]], sizes: Mapping[str, int | str]
) -> str:
    """How the raw `-object secret` named `secret` holds an empty password ("" where it does
    not, is not known to, or is not among the arguments: _unread_secret). QEMU's
    crypto/secret.c qcrypto_secret_load_data takes `data` as it is (`*outputlen =
    strlen(secret->data)`), so `data=` (a redacted bundle keeps an empty value:
    hvaudit.redact._qemu_prop) is the empty password, and ui/vnc.c vnc_display_open sets it
    (`vd->password = qcrypto_secret_lookup_as_utf8(passwordSecret, errp)`);
    protocol_client_auth_vnc refuses only where no password is set (`if (!vs->vd->password)`)
    and builds the DES key from the zero-padded password, so any client answering for the
    empty password gets in (R48D-3). A `file=` secret is the file's whole content
    (qcrypto_secret_load_data: `g_file_get_contents(secret->file, &data, &length, ...)`,
    `*outputlen = length`), so `file=/dev/null`, which reads as end of file at once (null(4):
    "Reads from /dev/null always return end of file"), is the empty password as well
    (R51D-1), and so is any file the collector's `stat` found 0 bytes long (R52D-1)."""
    o = objects.get(secret) if secret else None
    if o is None or o.get("qom-type") != "secret" or o.get("keyid"):
        return ""
    if "data" in o and o["data"] == "" and not o.get("file"):
        return f"-object secret {secret} with empty data"
    if "data" not in o and posixpath.normpath(o.get("file") or "x") in _EMPTY_FILES:
        return f"-object secret {secret} reading file={o['file']}, which is always empty"
    if "data" not in o and sizes.get(o.get("file") or "") == 0:
        return f"-object secret {secret} reading file={o['file']}, which `stat` found 0 bytes long"
    return ""


def _unread_secret(
    secret: str, objects: dict[str, dict[str, str]], sizes: Mapping[str, int | str]
) -> tuple[str, str]:
    """(what leaves it open, what answers it) where the raw `-object secret` named `secret`
    may hold the empty password and the bundle does not show whether it does; ("", "") where
    it shows (_empty_secret). hvaudit never reads a secret file, only its size on a running
    QEMU (hvaudit.collect.host.SECRET_SIZE_ARGV): a file not stat'ed, or that `stat` did not
    read, is asked (R52D-1). An encrypted secret (`keyid=`): QEMU's crypto/secret_common.c
    qcrypto_secret_decrypt decrypts the (base64-decoded, `format=base64`) ciphertext with
    AES-256-CBC and strips as many bytes as the last one says, refusing more than 16 or more
    than the ciphertext ("Incorrect number of padding bytes"), so one 16-byte block can
    decrypt to the empty password and a longer ciphertext cannot: the ciphertext's length
    decides, which a redacted `data` hides and a file's size shows (24 base64 characters
    hold one block). A base64 `data` without keyid is taken at its word (a lead)."""
    o = objects.get(secret) if secret else None
    if o is None or o.get("qom-type") != "secret":
        return "", ""
    path = o.get("file") or ""
    if "data" in o and o.get("keyid"):
        data = o["data"]
        block = 24 if o.get("format") == "base64" else 16
        if data != REDACTED and len(data) > block:
            return "", ""
        return (
            f"-object secret {secret} encrypted with keyid={o['keyid']}, whose ciphertext "
            + ("the bundle redacts" if data == REDACTED else f"is {len(data)} characters long"),
            "the length of its data= in the VM's QEMU arguments (one 16-byte AES block, 24 "
            "base64 characters, can decrypt to the empty password; QEMU's crypto/"
            "secret_common.c strips up to 16 padding bytes)",
        )
    if "data" in o or not path or posixpath.normpath(path) in _EMPTY_FILES:
        return "", ""
    size = sizes.get(path)
    block = 24 if o.get("format") == "base64" else 16
    if isinstance(size, int) and (size > block if o.get("keyid") else size > 0):
        return "", ""
    if size == 0 and not o.get("keyid"):
        return "", ""
    why = (
        "was not collected (no running QEMU of the scan names it)"
        if size is None
        else f"is {size} bytes (one 16-byte AES block can decrypt to the empty password)"
        if isinstance(size, int)
        else size
    )
    keyid = f" encrypted with keyid={o['keyid']}" if o.get("keyid") else ""
    return (
        f"-object secret {secret} reading file={path}{keyid}, whose size {why}",
        f"`stat -L -c %s {path}` (the file's size, never its content)",
    )


#: files that read as end of file at once, whatever the host (null(4)): a secret read from
#: one is the empty password (_empty_secret, R51D-1)
_EMPTY_FILES = frozenset({"/dev/null"})


def _vnc_tcp_hosts(vncs: list[str], websockets: list[str]) -> list[str]:
    """The hosts a VNC server's TCP listeners bind ("" every address), given every value of
    its `vnc` key (the implied first one, each `vnc=` and `-set ....vnc=` after it, in order)
    and of `websocket`. QEMU's ui/vnc.c vnc_display_get_addresses (read with `find_string`)
    reads the last `vnc` value only to see whether it is `none` (no listener at all, nor a
    websocket one), then listens on every one of them (`qemu_opt_iter_init(&addriter, opts,
    "vnc")`), a `unix:` one being a socket, and on every `websocket` value the same way;
    vnc_display_get_address takes a websocket's host from before its last `:` (none when it
    has none: `websocket=5700`, `on`), and only where the display has exactly one listener,
    on TCP with a host named, does an empty websocket host become the display's ("Historical
    compat"); otherwise the websocket listens on every address. So a later `vnc=` adds a
    listener rather than moving the display, and a websocket carries the server to its own
    address (R47D-1)."""
    if not vncs or vncs[-1] == "none":
        return []
    # a value without `:` (nor unix:) is refused ("no vnc port specified"): QEMU does not start
    hosts = [
        v.rsplit(":", 1)[0].strip("[]") for v in vncs if ":" in v and not v.startswith("unix:")
    ]
    for w in websockets:
        host = w.rsplit(":", 1)[0].strip("[]") if ":" in w else ""
        if not host and len(vncs) == 1 and hosts and hosts[0]:
            host = hosts[0]
        hosts.append(host)
    return list(dict.fromkeys(hosts))


def _chardev_role(opt: str, value: str) -> str:
    """What a raw -serial/-parallel/-monitor/-qmp/-gdb device hands whoever reaches it; `mon:`
    adds QEMU's monitor to the device (qemu_chr_parse_compat: `mux=on`)."""
    what = {
        "-monitor": "QEMU's monitor",
        "-qmp": "QEMU's monitor",
        "-qmp-pretty": "QEMU's monitor",
        # qemu-options.hx -debugcon: "writing to that I/O port sends output to this device"
        "-debugcon": "the guest's debug console (what it writes to I/O port 0xe9)",
        # gdbstub/system.c gdbserver_start gives the stub a human monitor (monitor_init_hmp),
        # which gdb's `monitor` command drives (gdb_handle_query_rcmd, VL19-6)
        "-gdb": "QEMU's gdb stub (the guest's memory and registers, and QEMU's monitor through "
        "gdb's `monitor` command)",
    }.get(opt, "the guest's console")
    if value.startswith("mon:") and opt in ("-serial", "-parallel", "-debugcon"):
        what += " and QEMU's monitor (mon:)"
    return what


def _and(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c` (each item once, in order)."""
    xs = list(dict.fromkeys(items))
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def _settings_question(h: Host, settings: list[str]) -> str:
    """The one question a console on a host whose qemu.conf was not read asks."""
    return (
        f"Does /etc/libvirt/qemu.conf on host {h.name} set {_and(settings)}? Evidence: the "
        f"first uncommented line of each of these keys in /etc/libvirt/qemu.conf on {h.name} "
        "(libvirt reads the first; a key left out takes the default named here). Pass: yes, "
        "every one is set so; fail: any is missing or set otherwise, so a console or socket "
        "listed is reachable without it."
    )


def _sasl_env(h: Host, v: Vm) -> frozenset[str]:
    """The console types whose SASL_CONF_PATH libvirt puts in the environment of the VM's QEMU
    (R45D-4): it adds the variable while building its own -vnc under vnc_sasl = 1 (tests/
    qemuxmlconfdata/graphics-vnc-sasl.x86_64-latest.args `SASL_CONF_PATH=/etc/sasl2`;
    graphics-vnc's has none) or its own -spice under spice_sasl = 1, and the one environment
    serves every SASL server of that process, a raw -vnc or -spice too. Both where qemu.conf
    was not read (the question then names the setting)."""
    if not conf_fact(h, "qemu.conf").known:
        return frozenset({"vnc", "spice"})
    out = set()
    for t in ("vnc", "spice"):
        if any(g.type == t and g.tls is None for g in v.graphics):
            value, _ = conf_value(h, "qemu.conf", f"{t}_sasl")
            if value == 1:
                out.add(t)
    return frozenset(out)


def _sasl_question(h: Host, v: Vm, types: list[str]) -> str:
    """The one question a password-less console that SASL authenticates asks. Cyrus SASL reads
    its configuration from the directory of the SASL_CONF_PATH environment variable, else its
    built-in one (lib/common.c _sasl_getconfpath: `_sasl_get_default_unix_path(context,
    SASL_CONF_PATH_ENV_VAR, CONFIGDIR)`; config.h SASL_CONF_PATH_ENV_VAR "SASL_CONF_PATH"),
    which libvirt sets to qemu.conf's vnc_sasl_dir (tests/qemuxml2argvtest.c graphics-vnc-sasl:
    vncSASLdir /root/.sasl2 in SASL_CONF_PATH). A domain's <qemu:env name='SASL_CONF_PATH'>
    replaces that: libvirt's qemuBuildCommandLine adds the namespace's variables after its own
    (`virCommandAddEnvPair(cmd, qemucmd->env_name[i], ...)`, the def->namespaceData block), and
    src/util/vircommand.c virCommandAddEnv "If the named environment variable is already set,
    then it is replaced in the list" (R41D-3). Its value is redacted in the bundle. A console
    whose SASL only a `-set vnc.default.sasl=on` asks for (type `vnc (-set ...)`, R44D-2) has
    no SASL_CONF_PATH from libvirt, which sets it only beside vnc_sasl = 1 or spice_sasl = 1
    (tests/qemuxmlconfdata/graphics-vnc-sasl.x86_64-latest.args has it, graphics-vnc's does
    not): cyrus SASL reads its built-in CONFIGDIR then."""
    conf = [t for t in dict.fromkeys(types) if " " not in t]
    dirs = " or ".join(f"{t}_sasl_dir" for t in conf) or "vnc_sasl_dir"
    where = (
        f"the mech_list line of qemu.conf in the directory that the <qemu:env "
        f"name='SASL_CONF_PATH'> of VM {v.name} names (QEMU reads that one, not /etc/sasl2 or "
        f"{dirs}; `virsh dumpxml {v.name}` on {h.name} shows its value)"
        if "env SASL_CONF_PATH" in v.raw_hypervisor_arguments
        else f"the mech_list line of /etc/sasl2/qemu.conf on {h.name} (or of qemu.conf in the "
        f"directory that /etc/libvirt/qemu.conf's {dirs} names)"
        if conf
        else f"the mech_list line of qemu.conf in the configuration directory the SASL library "
        f"on {h.name} was built with (libvirt passes QEMU a SASL_CONF_PATH only with its own "
        "VNC or SPICE console under /etc/libvirt/qemu.conf's vnc_sasl = 1 or spice_sasl = 1, "
        "so vnc_sasl_dir and spice_sasl_dir do not apply)"
    )
    return (
        f"Does the SASL configuration QEMU uses for {_and(types)} on host {h.name} offer only "
        f"mechanisms that authenticate? Evidence: {where}. Pass: yes, mech_list names only "
        "mechanisms that authenticate the user (gssapi, scram-sha-256); fail: mech_list is "
        "unset or names anonymous."
    )


def _raw_spice(
    r: _Verdict,
    shown: str,
    o: Mapping[str, str],
    host: str,
    inherited: _Inherited | None = None,
    own: Mapping[str, str] | None = None,
) -> None:
    """A raw -spice server as one on a network address `host` ('' for every address), `o` its
    options merged with those of the launcher's -spice (`inherited`), `own` its own."""
    inherited = inherited or _Inherited()
    own = o if own is None else own
    if _on(o, "disable-ticketing"):
        why = "disable-ticketing" if "disable-ticketing" in own else inherited.why
        r.fails.append(
            f"{shown}: a SPICE server on {host or 'every address'} without authentication ({why})"
        )
        return
    if "disable-ticketing" not in own and not _on(o, "sasl"):
        # whether libvirt's -spice, merged, carries disable-ticketing=on (_launcher_spice_keys)
        if inherited.hidden is not None:
            r.hidden_password = inherited.hidden
        if inherited.conf_unread:
            r.settings.append("spice_password (the default password of consoles without one)")
    # every channel TLS-only (libvirt's defaultMode='secure', merged): no channel runs on a
    # plaintext port (R45D-3)
    tls = (
        "every channel over TLS only (its plaintext port admits none: libvirt's "
        "defaultMode='secure', which QEMU merges it into)"
        if o.get("port") and inherited.secure
        else "TLS port only"
    )
    if o.get("port") and not inherited.secure:
        r.fails.append(
            f"{shown}: a SPICE server on {host or 'every address'} with a plaintext port"
        )
    elif _on(o, "sasl"):
        # qemu-options.hx -spice `sasl=on`: "Require that the client use SASL to authenticate
        # with the spice", its mechanisms being the SASL configuration's: asked as libvirt's
        # spice_sasl is (R41D-2)
        r.proven.append(f"{shown}: {tls}, sasl (SASL authenticates)")
        r.asks.append("spice" if "spice" in r.sasl_env else f"spice ({shown})")
    else:
        r.proven.append(f"{shown}: {tls}, with ticketing")


def _graphics(h: Host, g: Graphics, r: _Verdict) -> None:
    qc = conf_fact(h, "qemu.conf")
    r.refs.append(g.source)
    t = g.type
    for lst in g.listens:
        if lst.kind in ("socket", "none"):
            continue
        addr = lst.address
        if addr is None:
            if t == "rdp" and not qc.known:
                # TLS with credentials wherever it listens: no host setting changes the verdict.
                _network_console(h, g, "rdp_listen (qemu.conf decides)", r)
                continue
            if not qc.known:
                r.proven.append(f"{t} has no listen address (qemu.conf decides)")
                r.settings.append(
                    # the default 127.0.0.1 is on the network where route_localnet = 1
                    f"{t}_auto_unix_socket = 1 (the default {t}_listen, 127.0.0.1, is "
                    f"reachable from the network: route_localnet = 1 on "
                    f"{', '.join(r.scope.routed)})"
                    if r.scope.routed
                    else f"{t}_listen = 127.0.0.1 (its default) or {t}_auto_unix_socket = 1"
                )
                continue
            if t != "rdp":
                auto, asrc = conf_value(h, "qemu.conf", f"{t}_auto_unix_socket")
                r.refs.append(asrc)
                if auto == 1:
                    continue
            value, src = conf_value(h, "qemu.conf", f"{t}_listen")
            r.refs.append(src)
            addr = str(value)
        if lst.kind != "network" and t == "spice" and (one := _spice_one_of(r, addr)):
            # spice-server binds one of localhost's addresses (_spice_one_of, R36D-1)
            n = len(r.fails)
            _network_console(h, g, addr, r)
            _one_of(r, f"spice on {addr}", addr, one, n)
            continue
        if lst.kind != "network" and _local(r, addr):
            continue
        where = (
            f"the address of network {addr.removeprefix('network:')}"
            if addr.startswith("network:")
            else _where(addr)
        )
        _network_console(h, g, where, r)


def _vnc_set(g: Graphics, args: tuple[str, ...], h: Host) -> Graphics:
    """libvirt's VNC console as a raw `-set vnc.default.KEY=VALUE` leaves it (R41D-6). QEMU's
    vnc_parse gives a -vnc without an id the id `default` as it reads it (ui/vnc.c
    vnc_auto_assign_id: the first `default`), libvirt's -vnc (it sets no id: tests/
    qemuxmlconfdata/graphics-vnc.x86_64-latest.args `-vnc '[2001:...]:3,audiodev=audio1'`)
    comes before every <qemu:arg> (qemu_command.c qemuBuildCommandLine adds
    the namespace's arguments last), and vl.c's `-set` (qemu_set_option) then sets KEY on
    that QemuOpts, the later value being the one read (util/qemu-option.c qemu_opt_find
    walks the options from the last). `vnc` adds a listener beside libvirt's ("-vnc
    [host]:display"; `unix:` a socket), a last `none` leaving none at all, and `websocket`
    adds a listener with the same authentication ("websocket=[host:]port"; one without a host
    on the display's host where libvirt's is its one TCP listener, else on every address):
    ui/vnc.c vnc_display_get_addresses listens on every value of both (_vnc_tcp_hosts,
    R47D-1; R41D-6 read the last `vnc` alone, a move). `password`
    off (qapi/qapi-util.c qapi_bool_parse: off, no, false, n) leaves libvirt's server without
    the password it asked for: ui/vnc.c vnc_display_open reads `password` with
    qemu_opt_get_bool, the last value winning, and vnc_display_setup_auth then sets no
    password authentication (R42D-1). `sasl` off likewise leaves the server libvirt builds
    with qemu.conf's vnc_sasl = 1 (`sasl=on` on its -vnc: qemu_command.c
    qemuBuildGraphicsVNCCommandLine; tests/qemuxmlconfdata/graphics-vnc-sasl.x86_64-latest.args
    `-vnc 127.0.0.1:3,sasl=on`) without SASL:
    vnc_display_open reads `sasl` with qemu_opt_get_bool, and vnc_display_setup_auth, given
    neither password nor sasl, sets VNC_AUTH_NONE (or VeNCrypt's TLSNONE/X509NONE over TLS),
    so no client authenticates (R43D-1); `sasl` on, where qemu.conf's vnc_sasl did not ask for
    it, makes vnc_display_setup_auth take SASL when no password is set (VNC_AUTH_SASL, or
    VeNCrypt's X509SASL/TLSSASL over TLS): SASL authenticates, whatever vnc_sasl says (R44D-2).
    `tls-creds` naming a raw `-object tls-creds-anon` replaces libvirt's x509 credentials
    (vnc_display_open reads the last `tls-creds`) with anonymous TLS: QEMU's docs/system/
    vnc-security.rst ("With x509 certificates") strongly recommends x509 certificates "because
    TLS on its own is susceptible to man-in-the-middle attacks", and include/crypto/
    tlscredsanon.h (QCryptoTLSCredsAnon) discourages anonymous credentials, "lacking MITM
    attack protection": no certificate authenticates the server, so the console is judged
    as one without TLS (R46D-1); naming a raw `-object tls-creds-x509` it gives libvirt's
    VNC x509 TLS where qemu.conf's vnc_tls = 0 gave it none (vnc_display_setup_auth: a
    VeNCrypt X509 subauth for x509 credentials; anything but x509 or anonymous ones is
    "Unsupported TLS cred type" and QEMU does not start), so vnc_tls does not decide then
    (R47D-4). `password-secret` naming a raw `-object secret` gives libvirt's VNC that
    secret's password: vnc_display_open reads it with qemu_opt_get (the last value) and sets
    `vd->password = qcrypto_secret_lookup_as_utf8(passwordSecret, errp)`, `password = true`
    (QEMU refuses to start where `password` is given too: "'password' flag is redundant with
    'password-secret'"), so the secret is read as the raw -vnc's is: one whose data is empty
    is no password (_empty_secret, R48D-3), any other is a password (R50D-1). The XML's
    `websocket` port is a bare `websocket=PORT` on libvirt's -vnc, which libvirt adds only to
    a display on an address (tests/qemuxmlconfdata/graphics-vnc-websocket.x86_64-latest.args
    `-vnc 127.0.0.1:0,websocket=5700`; qemu_command.c has built it only for an address
    listen since "qemu_command: move websocket code into else part for address listen",
    libvir-list 2016-06): it listens on the display's host while that is the display's one
    listener, and on every address once a `vnc` -set adds another (R51D-3). Whether QEMU
    reads the secret at all turns on `password`, libvirt's `password=on` (which its -vnc has
    for a passwd, even an empty one, or qemu.conf's vnc_password, the password it then sets
    over the monitor: qemu_hotplug.c qemuDomainChangeGraphicsPasswords returns at `if
    (!auth->passwd && !defaultPasswd)`) or the last -set's (R51D-2): vnc_display_open refuses
    `password` on with `password-secret` ("'password' flag is redundant with
    'password-secret'", QEMU does not start), and with `password` off the secret is the
    password, whatever an earlier -set turned off. `password` on with no secret and nothing
    setting a password (no passwd, no vnc_password) leaves `vd->password` unset, and
    protocol_client_auth_vnc then rejects every client (`if (!vs->vd->password)`, "password
    is not set"): no client gets in, as a SPICE console with passwd='' (R11-3); vnc_display_
    setup_auth takes that password before SASL, so `sasl` does not open it. Other keys are
    left as they are (a lead)."""
    listens = list(g.listens)
    password = g.password
    secret_unread: tuple[str, ...] = ()
    secret = ""
    secret_set = ""
    password_set = ""
    password_off = g.password_off
    sasl_off = g.sasl_off
    sasl_on = g.sasl_on
    tls_anon = g.tls_anon
    tls_x509 = g.tls_x509
    objects = _objects(args)
    vncs: list[str] = []
    websockets: list[str] = []
    if g.websocket and _libvirt_vnc_on_address(g, h):
        # libvirt's own bare websocket, first among the values (R51D-3)
        websockets.append("")
    for o, group, ident, key, value in set_options(args):
        if group != "vnc" or ident != "default":
            continue
        if key == "vnc":
            # another listener beside libvirt's, not a move (_vnc_tcp_hosts, R47D-1)
            vncs.append(value)
            if value.startswith("unix:"):
                listens.append(Listen("socket", value.removeprefix("unix:")))
            elif value != "none":
                host = value.rsplit(":", 1)[0].strip("[]") if ":" in value else value
                listens.append(Listen("address", host or "0.0.0.0"))
        elif key == "websocket":
            websockets.append(value)
        elif key == "password-secret":
            secret, secret_set = value, f"-set {o.text.strip()}"
        elif key == "password" and value in ("off", "no", "false", "n", "on", "yes", "true", "y"):
            password_off = value in ("off", "no", "false", "n")
            password_set = f"-set {o.text.strip()}"
        elif key == "sasl" and value in ("off", "no", "false", "n", "on", "yes", "true", "y"):
            sasl_off = value in ("off", "no", "false", "n")
            sasl_on = not sasl_off
        elif key == "tls-creds":
            # an id among the raw objects is read for its type; another (libvirt's own
            # vnc-tls-creds0) is taken at its word
            qom = objects.get(value, {}).get("qom-type")
            tls_anon = f"-set {o.text.strip()}" if qom == "tls-creds-anon" else ""
            tls_x509 = f"-set {o.text.strip()}" if qom == "tls-creds-x509" else ""
    closed = g.closed
    asked = _libvirt_vnc_password(g, h)
    if secret and ((password_set and not password_off) or (not password_set and asked)):
        # password on beside password-secret: QEMU does not start (R51D-2)
        flag = f"the argument {password_set}" if password_set else asked
        closed = (
            f"QEMU does not start it (ui/vnc.c: \"'password' flag is redundant with "
            f"'password-secret'\"): a QEMU argument {secret_set} beside password=on ({flag})"
        )
    elif secret and not _empty_secret(secret, objects, h.facts.secret_file_sizes):
        # the secret's password, read as the raw -vnc's password-secret is (R50D-1), whatever
        # an earlier -set turned off (R51D-2); one the bundle does not show set is asked
        # (_unread_secret, R52D-1)
        password, password_off = Fact.of(True), False
        unread, answers = _unread_secret(secret, objects, h.facts.secret_file_sizes)
        secret_unread = (f"a QEMU argument {secret_set} naming {unread}", answers) if unread else ()
    elif password_set and not password_off and not secret and asked == "":
        # password on and nothing sets one: every client refused (R51D-2)
        closed = (
            f"a QEMU argument {password_set} asks for a password that nothing sets (no passwd "
            "in the domain XML, no vnc_password in /etc/libvirt/qemu.conf): QEMU's VNC server "
            "refuses every client"
        )
    none = any(lst.kind == "none" for lst in g.listens)  # libvirt's `-vnc none`
    if vncs[-1:] == ["none"]:
        # the last `vnc` value none: no listener at all, a websocket's neither (R47D-1)
        listens, websockets = [Listen("none", None)], []
    elif none and not vncs:
        websockets = []
    for w in websockets:
        # a websocket without a host takes the display's only where the display has one
        # listener, on TCP with a host named (libvirt's, alone): else every address (R47D-1)
        host = w.rsplit(":", 1)[0].strip("[]") if ":" in w else ""
        if host or vncs or any(lst.kind == "socket" for lst in g.listens):
            listens.append(Listen("address", host or "0.0.0.0"))
    if (listens, password, password_off, sasl_off, sasl_on, tls_anon, tls_x509, closed) == (
        list(g.listens),
        g.password,
        g.password_off,
        g.sasl_off,
        g.sasl_on,
        g.tls_anon,
        g.tls_x509,
        g.closed,
    ) and not secret_unread:
        return g
    return dataclasses.replace(
        g,
        closed=closed,
        secret_unread=secret_unread,
        listens=tuple(listens),
        password=password,
        password_off=password_off,
        sasl_off=sasl_off,
        sasl_on=sasl_on,
        tls_anon=tls_anon,
        tls_x509=tls_x509,
    )


def _libvirt_vnc_on_address(g: Graphics, h: Host) -> bool:
    """Whether libvirt's -vnc listens on an address (so carries the XML's websocket, R51D-3):
    a <listen> address or network, or none given where qemu.conf's vnc_auto_unix_socket = 1
    does not make it a UNIX socket (qemu.conf: "automatically use a UNIX socket"); an unread
    qemu.conf counts as an address."""
    kinds = {lst.kind for lst in g.listens}
    if g.tls is not None or not kinds & {"address", "network"}:
        return False
    if any(lst.address is not None for lst in g.listens) or not conf_fact(h, "qemu.conf").known:
        return True
    auto, _ = conf_value(h, "qemu.conf", "vnc_auto_unix_socket")
    return bool(auto != 1)


def _libvirt_vnc_password(g: Graphics, h: Host) -> str | None:
    """What makes libvirt's -vnc ask for a password (`password=on`, R51D-2): the XML's passwd
    (even an empty one) or qemu.conf's vnc_password; "" where neither does, None where the
    evidence does not say (a passwd read without secure information, qemu.conf unread). A
    launcher's -vnc (Proxmox VE qemu-server's `password=on`, whose ticket vncproxy sets)
    counts as one with a password."""
    if g.tls is False:
        # Proxmox VE qemu-server's `-vnc unix:...,password=on` (QemuServer.pm config_to_command,
        # cited in parse/proxmox_model.py; R42D-2)
        return "qemu-server's"
    if g.empty_password or (g.password.known and g.password.get()):
        return "libvirt's, for the passwd of the domain XML"
    if g.tls is not None:
        return None
    if not g.password.known or not conf_fact(h, "qemu.conf").known:
        return None
    default_pw, _ = conf_value(h, "qemu.conf", "vnc_password")
    return "libvirt's, for qemu.conf's vnc_password" if default_pw is not None else ""


def _spice_merged(g: Graphics, args: tuple[str, ...]) -> Graphics:
    """libvirt's SPICE console as a raw `-spice` leaves it (R44D-4). QEMU keeps one SPICE
    server: qemu_spice_opts has `.merge_lists = true` (ui/spice-core.c), so util/qemu-option.c
    qemu_opts_create hands every later -spice the QemuOpts of the first (libvirt's, which comes
    before every <qemu:arg>), its keys added after libvirt's, and qemu_spice_init reads that one
    (QTAILQ_FIRST). `addr` is read with qemu_opt_get, the last value winning (util/qemu-option.c
    qemu_opt_find walks from the last), so a raw addr moves libvirt's network listener; each
    `plaintext-channel=NAME` is handed to spice_server_set_channel_security in order (add_channel,
    SPICE_CHANNEL_SECURITY_NONE; `default` sets the default), after libvirt's own
    tls-channel/plaintext-channel, so NAME (or every channel libvirt names none for) runs
    without TLS on libvirt's plaintext port. A raw `tls-channel=NAME` is handed over the same
    way (SPICE_CHANNEL_SECURITY_SSL) and spice-server's reds_set_one_channel_security replaces
    a channel's earlier setting (`security_options->options = security` where the channel
    has one), so NAME (or, for `default`, every channel libvirt names none for) runs over TLS
    only whatever libvirt's mode said: reds_security_check refuses it on the plaintext port
    (R22M-2, R47D-6)."""
    listens = list(g.listens)
    modes = list(g.channel_modes)
    default_mode = g.default_mode
    merged: list[str] = []
    for o in qemu_options(args):
        if o.name != "spice":
            continue
        merged.append(o.shown())
        for key, value in o.pairs:
            if key == "addr" and value:
                listens = [
                    Listen("address", value) if lst.kind in ("address", "network") else lst
                    for lst in listens
                ]
            elif key in ("plaintext-channel", "tls-channel") and value == "default":
                default_mode = "insecure" if key == "plaintext-channel" else "secure"
            elif key in ("plaintext-channel", "tls-channel") and value:
                # the later setting of a channel replaces the earlier (R47D-6)
                modes.append((value, "insecure" if key == "plaintext-channel" else "secure"))
    if (listens, modes, default_mode) == (list(g.listens), list(g.channel_modes), g.default_mode):
        return g
    return dataclasses.replace(
        g,
        listens=tuple(listens),
        channel_modes=tuple(modes),
        default_mode=default_mode,
        merged=tuple(merged),
    )


def _dbus_tcp(g: Graphics) -> list[tuple[str, str, str]]:
    """The TCP entries (transport, host, port) of the D-Bus address a dbus display connects
    to. D-Bus specification, "Server Addresses": entries are separated by `;` and tried in
    turn, each `transport:key=value,...` with values %-escaped; `tcp` and `nonce-tcp` reach a
    bus over TCP (R11-2)."""
    out = []
    for lst in g.listens:
        if lst.kind == "dbus" and lst.address:
            out.extend(_dbus_entries(lst.address))
    return out


def _dbus_entries(address: str) -> list[tuple[str, str, str]]:
    """The TCP entries (transport, host, port) of a D-Bus address (_dbus_tcp)."""
    out = []
    for entry in address.split(";"):
        transport, _, rest = entry.strip().partition(":")
        if transport.strip() not in ("tcp", "nonce-tcp"):
            continue
        keys = dict(kv.partition("=")[::2] for kv in rest.split(",") if kv)
        out.append(
            (transport.strip(), unquote(keys.get("host", "")), unquote(keys.get("port", "")))
        )
    return out


def _dbus_display(g: Graphics, transport: str, host: str, port: str, r: _Verdict) -> None:
    """A dbus display that QEMU connects to a bus over TCP (formatdomain: the `address` of
    <graphics type='dbus'> "will connect to the specified bus address"): the bus's clients
    get the screen, keyboard and pointer (QEMU's org.qemu.Display1 interfaces), and
    dbus-daemon(1) says of the `tcp` and `nonce-tcp` transports that they "have no integrity
    or confidentiality protection, so they should normally only be used across the local
    loopback interface". Off the loopback: a fail (R11-2)."""
    r.refs.append(g.source)
    if host and _local(r, host):
        return
    r.fails.append(
        f"dbus display connected to the D-Bus bus at {host or '(no host named)'} port "
        f"{port or '?'} ({transport}): D-Bus over TCP has no integrity or confidentiality "
        "protection, so the console travels in cleartext to that bus's clients"
    )


def _network_console(h: Host, g: Graphics, where: str, r: _Verdict) -> None:
    """A console listening on a network address: password, TLS and (SPICE) channel modes."""
    qc = conf_fact(h, "qemu.conf")
    t = g.type
    if t == "rdp":
        r.proven.append(
            f"rdp on {where}: always TLS (qemu-rdp runs with the server certificate) and no "
            "password-less connection"
        )
        return
    if t == "vnc" and g.closed:
        # no client gets in: QEMU does not start, or refuses every client (_vnc_set, R51D-2)
        r.proven.append(f"vnc on {where}: {g.closed}")
        return
    if t == "spice" and g.empty_password and qc.known:
        # formatdomain: "If the passwd attribute is set to an empty string, then SPICE access
        # is disabled"; spice-server reds_handle_ticket refuses every link whose ticket is
        # empty ("Ticketing is enabled, but no password is set") unless SASL authenticated it
        # (link->skip_auth), so only spice_sasl = 1 lets a client in (R11-3)
        sasl, ssrc = conf_value(h, "qemu.conf", "spice_sasl")
        r.refs.append(ssrc)
        if sasl != 1:
            r.proven.append(
                f"spice on {where} with an empty password (passwd=''): SPICE refuses every "
                "connection"
            )
            return
    if t == "spice" and g.plain_port:
        # without a plaintext port (a tlsPort only) every channel runs over TLS (R22M-2)
        # a channel's last mode is its mode (a raw -spice's, merged after libvirt's: R47D-6)
        modes = dict(g.channel_modes)
        plain = [n for n, m in modes.items() if m == "insecure"]
        every_secure = all(modes.get(c) == "secure" for c in SPICE_CHANNELS)
        if (g.default_mode != "secure" and not (every_secure and not r.spice_ports)) or plain:
            why = (
                f"channel(s) {', '.join(plain)} mode='insecure'"
                if plain
                else f"defaultMode='{g.default_mode}'"
                + (
                    f", which alone decides the channel of spiceport {', '.join(r.spice_ports)}"
                    if every_secure
                    else ""
                )
            )
            merged = (
                f"; QEMU merges {_and([f'the argument {m}' for m in g.merged])} into libvirt's "
                "-spice"
                if g.merged
                else ""
            )
            r.fails.append(f"spice on {where} admits plaintext channels ({why}{merged})")
            return
    if g.tls and g.password.known and g.password.get() and not g.password_off:
        # a console whose TLS and password its manager sets on QEMU's command line and monitor
        # (Proxmox VE's SPICE: qemu-server `-spice tls-port=...` and spiceproxy's ticket,
        # L19-15P): no qemu.conf setting applies
        r.proven.append(f"{t} on {where} with TLS and a password")
        return
    if t == "vnc" and g.password_off:
        # a -set turned the password off: neither the XML's nor qemu.conf's applies (R42D-1)
        has_pw: bool | None = False
    elif t == "vnc" and g.tls is False:
        # a launcher's -vnc without tls-creds (Proxmox VE qemu-server's, moved onto TCP by an
        # `args:` -set, consoles._vnc_set): no qemu.conf setting applies (R42D-2)
        r.fails.append(
            f"vnc on {where} without TLS (its launcher's -vnc sets no tls-creds; qemu.conf's "
            "vnc_tls does not apply)"
        )
        return
    elif t == "vnc" and g.empty_password:
        r.fails.append(
            f"vnc on {where} with an empty password (passwd=''): QEMU accepts an empty one, so "
            "anyone can log in"
        )
        return
    else:
        # The password: the XML's, else qemu.conf's default one.
        has_pw = True if g.password.known and g.password.get() else None
    if has_pw is None and qc.known:
        default_pw, psrc = conf_value(h, "qemu.conf", f"{t}_password")
        r.refs.append(psrc)
        if default_pw == "" and t in ("vnc", "spice"):
            # libvirt hands QEMU qemu.conf's empty password as it does an empty passwd=''
            # (qemuDomainChangeGraphicsPasswords: `auth->passwd ? auth->passwd :
            # defaultPasswd`, returning early only where both are NULL; a redacted bundle
            # keeps the empty value: hvaudit.redact._conf_line; qemu_conf.c reads the setting
            # with virConfGetValueString, empty too, and qemu.conf.in says "An empty string will
            # still enable passwords"): VNC accepts it, SPICE refuses
            # every link without SASL (R51D-6, as passwd='': R11-3)
            sasl, ssrc = conf_value(h, "qemu.conf", "spice_sasl")
            if t == "spice" and sasl != 1:
                r.refs.append(ssrc)
                r.proven.append(
                    f'spice on {where} with an empty password (qemu.conf\'s spice_password = ""): '
                    "SPICE refuses every connection"
                )
                return
            if t == "vnc":
                r.fails.append(
                    f'vnc on {where} with an empty password (qemu.conf\'s vnc_password = "", the '
                    "password of consoles without one): QEMU accepts an empty one, so anyone can "
                    "log in"
                )
                return
        if default_pw is not None:
            has_pw = True
        elif g.password.known:
            has_pw = False
    sasl = conf_sasl = None
    if qc.known:
        conf_sasl, ssrc = conf_value(h, "qemu.conf", f"{t}_sasl")
        r.refs.append(ssrc)
        # a -set vnc.default.sasl=off turns qemu.conf's vnc_sasl off for this VM (R43D-1)
        sasl = None if t == "vnc" and g.sasl_off else conf_sasl
    if t == "vnc" and g.sasl_on and has_pw is False and sasl != 1:
        # a -set vnc.default.sasl=on asks QEMU for SASL where qemu.conf did not, so libvirt set
        # no SASL_CONF_PATH (its environment holds it only for vnc_sasl = 1: tests/
        # qemuxmlconfdata/graphics-vnc-sasl.x86_64-latest.args `SASL_CONF_PATH=/etc/sasl2`,
        # graphics-vnc.x86_64-latest.args none): SASL's built-in directory decides (R44D-2)
        r.proven.append(
            f"vnc on {where}: no password, a QEMU argument -set vnc.default.sasl=on (SASL "
            "authenticates)"
        )
        r.asks.append("vnc (-set vnc.default.sasl=on)")
        return
    if has_pw is not True and sasl == 1:
        # SASL authenticates instead of a password; which mechanisms it offers is set in
        # /etc/sasl2/qemu.conf, and with TLS QEMU lets SASL offer even ANONYMOUS.
        r.proven.append(f"{t} on {where}: no password, {t}_sasl = 1 (SASL authenticates)")
        r.asks.append(t)
        return
    if t == "spice" and sasl == 1:
        # libvirt adds `sasl=on` to -spice for spice_sasl = 1 (tests/qemuxml2argvdata/
        # graphics-spice-sasl.args), and spice-server then refuses the password ticket:
        # server/reds.c reds_handle_auth_mechanism takes SPICE_COMMON_CAP_AUTH_SPICE only
        # `&& !reds->config->sasl_enabled`, and reds_handle_read_link_done rejects a client
        # without auth selection ("SASL enabled, but peer supports only spice
        # authentication"): SASL alone authenticates, whatever the password (R41D-5)
        r.proven.append(
            f"spice on {where}: spice_sasl = 1 (SASL authenticates; spice-server takes no "
            "password once SASL is on)"
        )
        r.asks.append(t)
        return
    if has_pw is False:
        off = " (a QEMU argument -set vnc.default.password= turns it off)" if g.password_off else ""
        if t == "vnc" and g.sasl_off and conf_sasl == 1:
            # only where qemu.conf asked for SASL is there a vnc_sasl to turn off (R44D-3)
            off += " (a QEMU argument -set vnc.default.sasl= turns qemu.conf's vnc_sasl off)"
        r.fails.append(f"{t} on {where} without a password{off}")
        return
    if t == "vnc" and g.tls_anon:
        # anonymous TLS authenticates no server: judged as no TLS, whatever vnc_tls (R46D-1)
        r.fails.append(
            f"vnc on {where} without TLS that authenticates the server (a QEMU argument "
            f"{g.tls_anon} names a -object tls-creds-anon: anonymous TLS, which an active "
            "man-in-the-middle defeats)"
        )
        return
    if not qc.known:
        r.proven.append(
            f"{t} on {where}"
            + ("" if has_pw else ", no password in the domain XML")
            + (f" (defaultMode='{g.default_mode}')" if t == "spice" else "")
        )
        if not (t == "vnc" and g.tls_x509):
            r.settings.append(f"{t}_tls = 1")
        if not has_pw:
            r.settings.append(f"{t}_password (the default password of consoles without one)")
        elif g.secret_unread:
            r.proven.append(f"{t} on {where}: its password {g.secret_unread[0]}")
            r.secrets.append((f"{t} on {where}", g.secret_unread[1]))
        return
    tls, tsrc = conf_value(h, "qemu.conf", f"{t}_tls")
    r.refs.append(tsrc)
    # a -set naming raw x509 credentials gives TLS where vnc_tls did not (_vnc_set, R47D-4)
    raw_x509 = tls != 1 and t == "vnc" and g.tls_x509
    if tls != 1 and not raw_x509:
        r.fails.append(f"{t} on {where} without TLS ({t}_tls = {tls})")
        return
    if has_pw is None:
        r.hidden_password = g.password
        return
    if g.secret_unread:
        # the password a -set's secret gives: whether it is empty is asked (R52D-1)
        r.proven.append(f"{t} on {where} with TLS, its password {g.secret_unread[0]}")
        r.secrets.append((f"{t} on {where}", g.secret_unread[1]))
        return
    r.proven.append(
        f"{t} on {where} with TLS and a password"
        + (
            f" (a QEMU argument {g.tls_x509} names a -object tls-creds-x509; {t}_tls = {tls})"
            if raw_x509
            else ""
        )
    )


def _chardev(h: Host, c: Chardev, r: _Verdict) -> None:
    """A character device QEMU listens for on TCP: no password, so TLS with client
    certificates is the only protection."""
    r.refs.append(c.source)
    if _local(r, c.host):
        return
    what = f"{c.device} on {_where(c.host)} port {c.service}"
    if c.raw_creds and c.raw_creds_verify:
        r.proven.append(f"{what} with TLS and client certificates (a QEMU argument {c.raw_creds})")
        return
    if c.raw_creds:
        # anonymous credentials, or x509 ones with verify-peer off, check no client (R47D-8)
        r.fails.append(
            f"{what}: TLS that authenticates no client (a QEMU argument {c.raw_creds} names "
            "credentials without client certificate checks): anyone can connect"
        )
        return
    if c.tls is False:
        r.fails.append(f"{what} without TLS ({_no_tls(c)})")
        return
    qc = conf_fact(h, "qemu.conf")
    if not qc.known:
        r.proven.append(what + (" with tls='yes'" if c.tls else ""))
        if c.tls is None:
            r.settings.append("chardev_tls = 1")
        r.settings.append("chardev_tls_x509_verify = 1 (client certificates required)")
        return
    if c.tls is None:
        tls, tsrc = conf_value(h, "qemu.conf", "chardev_tls")
        r.refs.append(tsrc)
        if tls != 1:
            r.fails.append(f"{what} without TLS (chardev_tls = {tls})")
            return
    verify, vsrc = conf_value(h, "qemu.conf", "chardev_tls_x509_verify")
    if vsrc.default:
        fallback, fsrc = conf_value(h, "qemu.conf", "default_tls_x509_verify")
        if fallback is not None:
            verify, vsrc = fallback, fsrc
    r.refs.append(vsrc)
    if verify != 1:
        r.fails.append(
            f"{what}: TLS without client certificates (chardev_tls_x509_verify = {verify}): "
            "anyone can connect"
        )
    else:
        r.proven.append(f"{what} with TLS and client certificates")


def _udp(group: list[Chardev], r: _Verdict) -> None:
    """One UDP character device (its bind and connect sources): no TLS, no authentication."""
    first = group[0]
    r.refs.append(first.source)
    peers = [c for c in group if c.mode == "connect"]
    note = _udp_exposure(
        first.device,
        [(c.host or "", c.service or "?") for c in group if c.mode == "bind"],
        (peers[0].host or "localhost", peers[0].service or "?") if peers else ("localhost", "?"),
        r,
    )
    if note is not None and note != _UDP_LOOPBACK:
        r.proven.append(f"{first.device} over {note}")


_UDP_LOOPBACK = "UDP on the host's loopback only"


def _udp_exposure(
    what: str, binds: list[tuple[str, str]], peer: tuple[str, str], r: _Verdict
) -> str | None:
    """A UDP character device, built by libvirt (<serial type='udp'>) or by raw arguments
    (`udp:` or `-chardev udp`): QEMU binds the local address (every address when none is given)
    and connect()s the socket to the peer (host `localhost` when none is given; QEMU
    util/qemu-sockets.c inet_dgram_saddr: bind, then connect), whom it sends the console to.
    connect(2): for a datagram socket the peer is "the only address from which datagrams are
    received", so the peer, not the bind address, decides who types into the VM. A loopback
    peer is the host's own processes: Linux drops an IPv4 packet with a 127/8 source that
    arrives on another interface as martian (net/ipv4/route.c: `ipv4_is_loopback(saddr) &&
    !IN_DEV_NET_ROUTE_LOCALNET`, sysctl route_localnet, off by default) and IPv6 one from ::1
    (RFC 4291 2.5.3). A peer of 0.0.0.0 or :: is this host: route.c
    ip_route_output_key_hash_rcu sets the destination to the socket's own source address, else
    127.0.0.1 over the loopback device; ipv6/datagram.c "connect() to INADDR_ANY means
    loopback" (so the loopback when the socket is bound to every address or a loopback one;
    bound to one network address, the peer is that address, judged as a bind there). A
    network peer is anyone on the path who sends as its address. None when it failed, else
    what it is."""
    before = len(r.fails)
    carried, sender = _carries(what)
    unspecified = peer[0] in WILDCARD and all(h in WILDCARD or _local(r, h) for h, _ in binds)
    if unspecified and peer[0] not in ("::", "[::]"):
        # connect() to 0.0.0.0 is 127.0.0.1, which route_localnet lets the network send as
        if r.scope.routed:
            unspecified = False
            r.demoted.append(peer[0])
        else:
            r.credited.append(f"{peer[0] or '0.0.0.0'} (127.0.0.1)")
    if _local(r, peer[0]) or unspecified:
        if all(_local(r, h) for h, _ in binds):
            return _UDP_LOOPBACK
        shown = f"{peer[0]} (this host: the loopback)" if unspecified else peer[0]
        return (
            "UDP bound to "
            + ", ".join(f"{_where(h)} port {p}" for h, p in binds)
            + f", connected to {shown} port {peer[1]}: QEMU takes input only from that peer, "
            "which no other machine can send as"
        )
    for host, port in binds:
        if not _local(r, host):
            r.fails.append(
                f"{what} over UDP on {_where(host)} port {port}: no TLS or "
                f"authentication, whoever can send to it {sender}"
            )
    if not binds:
        r.fails.append(
            f"{what} over UDP to {peer[0]} port {peer[1]}: "
            f"{carried} travels in cleartext, and QEMU takes input on 0.0.0.0 from anyone "
            "sending as that address"
        )
    return None if len(r.fails) > before else _UDP_LOOPBACK


#: What a libvirt character device's socket carries and what whoever reaches it does, by the
#: device's element (R20-7; a console otherwise). formatdomain, "Redirected devices": "USB
#: device redirection through a character device", its type describing "the host side of the
#: tunnel; type='tcp' or type='spicevmc' (which uses the usbredir channel of a SPICE graphics
#: device) are typical", "the consumer of the character device is the hypervisor itself"
#: (virt-install --usbredir: "a USB redirected device provided by the TCP server"): the peer
#: exports USB devices into the guest and carries their traffic. A <channel> carries the
#: protocol of its target, the QEMU guest agent's for org.qemu.guest_agent.0, which "allows
#: the hypervisor host to perform various operations in the guest, such as ... read/write a
#: file ... set user's password" (QEMU docs/interop/qemu-ga.rst).
_CARRIES = {
    "redirdev": ("the traffic of the USB devices it redirects", "plugs USB devices into the VM"),
    "channel": ("the channel's traffic", "writes into the VM's channel"),
}


def _carries(device: str) -> tuple[str, str]:
    """What a character device named `device` carries, and what a sender does (R20-7); a
    device a raw -set moved is named with it ("serial (a QEMU argument ...)", R48D-1)."""
    return _CARRIES.get(device.split(" (", 1)[0], ("the console", "types into the VM"))


def _no_tls(c: Chardev) -> str:
    """Why character device `c` has no TLS: its tls='no', or a raw -set made it a socket
    libvirt never gave TLS (it adds tls-creds to its own TCP devices alone, R48D-1)."""
    return "a QEMU argument made it a socket; no tls-creds" if c.raw_socket else "tls='no'"


def _chardev_out(h: Host, c: Chardev, r: _Verdict) -> None:
    """A TCP character device QEMU connects out with: the console travels to the peer, in
    cleartext unless TLS (tls='yes', else qemu.conf chardev_tls)."""
    r.refs.append(c.source)
    what = f"{c.device} to {c.host or '?'} port {c.service}"
    carried = _carries(c.device)[0]
    if c.tls is False:
        r.fails.append(f"{what} without TLS ({_no_tls(c)}): {carried} travels in cleartext")
        return
    if c.tls:
        r.proven.append(f"{what} with tls='yes'")
        return
    qc = conf_fact(h, "qemu.conf")
    if not qc.known:
        r.proven.append(what)
        r.settings.append("chardev_tls = 1")
        return
    tls, tsrc = conf_value(h, "qemu.conf", "chardev_tls")
    r.refs.append(tsrc)
    if tls != 1:
        r.fails.append(f"{what} without TLS (chardev_tls = {tls}): {carried} travels in cleartext")
    else:
        r.proven.append(f"{what} over TLS (chardev_tls = 1)")


#: Displays of `-display` that give no client a clipboard: none, the OpenGL renderer without a
#: window (egl-headless), the text console of the host's terminal (curses).
_NO_CLIENT_DISPLAYS = ("none", "egl-headless", "curses")


@dataclass
class _Sharing:
    """What a VM's definition and raw arguments give a console client (HVA-239)."""

    consoles: list[str] = field(default_factory=list)
    spice: list[str] = field(default_factory=list)
    """The SPICE server's spellings (libvirt <graphics type='spice'>, raw -spice)."""
    copypaste: tuple[bool, str] = (True, "no <clipboard copypaste='no'/>: spice-server's default")
    filetransfer: tuple[bool, str] = (
        True,
        "no <filetransfer enable='no'/>: spice-server's default",
    )
    refs: list[Source] = field(default_factory=list)


def _spice_setting(o: QemuOption, key: str) -> tuple[bool, str] | None:
    """A raw -spice's disable-copy-paste / disable-agent-file-xfer, as (sharing on, why)."""
    if key not in o.props:
        return None
    off = _on(o.props, key)
    return (not off, f"-spice {key}={o.props[key] or 'on'}")


def _sharing(v: Vm) -> tuple[_Sharing, list[tuple[str, str, bool | None, bool, str, Source]]]:
    """The consoles, the SPICE server with its effective copy-paste and file-transfer settings,
    and the agent channels (kind, name, clipboard, where) of `v`, from its definition and its
    raw arguments. QEMU keeps one SPICE server: `-spice` is merge_lists (ui/spice-core.c
    qemu_spice_opts, `.merge_lists = true`, `.allow_flag_options = true`), so a raw -spice
    after libvirt's or qemu-server's (raw arguments come last: libvirt's <qemu:commandline>,
    qemu-server config_to_command `push @$cmd, @$aa`) sets its keys for that one server, the
    last one given winning (qemu_opt_get_bool reads the last)."""
    s = _Sharing()
    agents = [
        (a.kind, a.name, a.clipboard, a.filtered, a.filter_opens, a.source)
        for a in v.agent_channels
    ]
    # a raw usb-redir with `filter=` accepts only what its rules allow (hw/usb/redirect.c),
    # all of USB storage where a rule for any device of its class allows it (R22V-2)
    raw_filters = [
        o.props["filter"]
        for o in qemu_options(v.raw_hypervisor_arguments)
        if o.name == "device" and o.kind == "usb-redir" and "filter" in o.props
    ]
    raw_filter = bool(raw_filters)
    raw_opens = next(
        (
            opens
            for f in raw_filters
            if (rules := raw_usbredir_rules(f)) is not None
            and (opens := usbredir_filter_opening(rules))
        ),
        "",
    )
    for g in v.graphics:
        if g.type == "egl-headless":
            continue
        s.consoles.append(f"<graphics type='{g.type}'>")
        s.refs.append(g.source)
        if g.type == "spice":
            s.spice.append("<graphics type='spice'>")
            if g.copypaste is False:
                s.copypaste = (False, "<clipboard copypaste='no'/>")
            elif g.copypaste:
                s.copypaste = (True, "<clipboard copypaste='yes'/>")
            if g.filetransfer is False:
                s.filetransfer = (False, "<filetransfer enable='no'/>")
            elif g.filetransfer:
                s.filetransfer = (True, "<filetransfer enable='yes'/>")
    for o in qemu_options(v.raw_hypervisor_arguments):
        kind = o.text.split(",", 1)[0]
        if o.name == "vnc" and kind != "none":
            s.consoles.append(o.shown())
        elif o.name == "display" and kind.split("=", 1)[0] not in _NO_CLIENT_DISPLAYS:
            s.consoles.append(o.shown())
            if kind == "spice-app":  # ui/spice-app.c: a SPICE server on a UNIX socket
                s.spice.append(o.shown())
        elif o.name == "spice":
            s.consoles.append(o.shown())
            s.spice.append(o.shown())
            s.copypaste = _spice_setting(o, "disable-copy-paste") or s.copypaste
            s.filetransfer = _spice_setting(o, "disable-agent-file-xfer") or s.filetransfer
        elif o.name == "chardev" and o.kind == "qemu-vdagent":
            agents.append(("qemu-vdagent", o.shown(), o.flag("clipboard"), False, "", v.source))
        elif o.name == "chardev" and o.kind == "spicevmc" and o.props.get("name") == "vdagent":
            agents.append(("spicevmc", o.shown(), None, False, "", v.source))
        elif o.name == "chardev" and o.kind == "spicevmc" and o.props.get("name") == "usbredir":
            agents.append(("usbredir", o.shown(), None, raw_filter, raw_opens, v.source))
        elif o.name == "chardev" and o.kind == "spiceport":
            agents.append(("spiceport", o.props.get("name", ""), None, False, "", v.source))
    return s, agents


@check(
    id="HVA-239",
    title="Console clients share no clipboard or files with the guest",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "The SPICE agent and QEMU's vdagent are channels from the guest into the QEMU "
            "process and on to the console client; hvaudit files closing them under the 2014 "
            "draft's device-emulation recommendation, as it does VMware Tools' (HVA-401)."
        ),
        "sp800-125a-r1:HY-SR-7": (
            "HY-SR-7 limits each VM process to its own devices; hvaudit counts clipboard and "
            "file transfer between the guest and a console client's host as device access the "
            "VM should not have (HVA-401's KVM and Proxmox VE twin)."
        ),
    },
    remediation={
        "*": "In <graphics type='spice'> add <clipboard copypaste='no'/> and <filetransfer "
        "enable='no'/> (or remove the <channel type='spicevmc'> agent channel); give a <channel "
        "type='qemu-vdagent'> no <clipboard copypaste='yes'/>; remove a <channel "
        "type='spiceport'> org.spice-space.webdav.0; remove <redirdev type='spicevmc'> (or add a "
        "<redirfilter> rejecting USB storage); in raw arguments, drop clipboard=on and "
        "give -spice disable-copy-paste=on,disable-agent-file-xfer=on.",
        "proxmox-ve": "For a SPICE display (vga: qxl*, virtio*) use `vga: std` (noVNC) or a "
        "serial console (`vga: serial0`); remove clipboard=vnc from vga:, foldersharing from "
        "spice_enhancements: and `usbN: spice`. `args: -spice "
        "disable-copy-paste=on,disable-agent-file-xfer=on` also closes SPICE's clipboard and "
        "file transfer, but raw arguments fail HVA-046.",
    },
    platforms=QEMU,
    per_vm=True,
)
@qemu_config_unread(
    "a clipboard or file channel ([chardev] qemu-vdagent with clipboard=on, spicevmc, spiceport, a [spice] section)"
)
@raw_arguments_unseen(
    "a clipboard or file channel (-chardev qemu-vdagent,clipboard=on, -chardev spicevmc or spiceport, -spice without disable-copy-paste)"
)
def console_clipboard(ctx: Context) -> Iterator[Outcome]:
    """The KVM and Proxmox VE twin of HVA-401: a console client's clipboard and files reach
    the guest only through an agent channel. SPICE: spice-server turns copy-paste and file
    transfer on by default (server/reds.c `agent_copypaste = TRUE`, `agent_file_xfer = TRUE`,
    read with `find_string`; formatdomain: both "enabled by default"), carried by the
    `<channel type='spicevmc'>` agent port (com.redhat.spice.0) of a VM with a SPICE server
    ("The domain must also have a SPICE server"); libvirt's <clipboard copypaste='no'/> and
    <filetransfer enable='no'/> (QEMU's -spice disable-copy-paste, disable-agent-file-xfer,
    ui/spice-core.c) turn them off. A `spiceport` named org.spice-space.webdav.0 serves the
    client's folder to the guest (SPICE folder sharing) whatever those say. QEMU's own vdagent
    (`<channel type='qemu-vdagent'>`, `-chardev qemu-vdagent`) shares the clipboard with VNC,
    D-Bus and GTK clients only with clipboard on: "Default is off" (QEMU f0349f4, ui/vdagent.c
    VDAGENT_CLIPBOARD_DEFAULT false; formatdomain: "disabled by default"). Proxmox VE
    (qemu-server config_to_command): vga qxl* and virtio* start SPICE with the spicevmc agent
    and no disable option; `vga: ...,clipboard=vnc` puts qemu-vdagent with clipboard=on in its
    place; spice_enhancements foldersharing=1 adds the webdav port. A VM without a console a
    client connects to (no graphics, or egl-headless alone) is n/a.

    SPICE USB redirection (<redirdev type='spicevmc'>, `-chardev spicevmc,name=usbredir`,
    Proxmox VE `usbN: spice`) plugs a client's USB device, a storage stick among them, into
    the guest: a file path whatever the agent settings (R21M-1). QEMU's usb-redir accepts every
    device unless it has filter rules (hw/usb/redirect.c usbredir_check_filter `if
    (dev->filter_rules)`; libvirt's <redirfilter> becomes that filter), and with them rejects a
    device no rule matches (usbredirfilter.h: "-ENOENT None of the rules matched"), so a
    filter is the question of which classes its rules allow, and a fail where the first rule
    matching a mass-storage (0x08) or MTP/PTP (0x06) device of any vendor allows it, such as a
    leading `<usbdev allow='yes'/>` (qemu_args.usbredir_filter_opening, R22V-2)."""
    for v in ctx.deployment.vms:
        subj = vm_subject(v)
        s, agents = _sharing(v)
        if not s.consoles:
            yield not_applicable(
                subj,
                "no graphical console (no <graphics>, vga: none or serialN): no console client "
                "to share a clipboard or files with",
                v.source,
            )
            continue
        fails: list[str] = []
        goods: list[str] = []
        filters: list[str] = []
        refs = list(s.refs)
        spice = " and ".join(dict.fromkeys(s.spice))
        for kind, name, clip, filtered, opens, where in agents:
            refs.append(where)
            if kind == "usbredir":
                what = f"SPICE USB redirection ({name})"
                if not s.spice:
                    goods.append(f"{what} without a SPICE server")
                elif filtered and opens:
                    # R22V-2: the first rule for a storage device of any vendor allows it
                    fails.append(
                        f"{what} with {spice} and a USB filter whose rule {opens} (class:vendor:"
                        "product:version:allow) is the first to match USB mass storage (0x08) or "
                        "MTP/PTP (0x06) devices of any vendor and allows them: the client plugs "
                        "them into the guest, and files pass both ways"
                    )
                elif filtered:
                    filters.append(f"{what} with {spice}, limited by a USB filter")
                else:
                    fails.append(
                        f"{what} with {spice} and no USB filter: the client plugs its USB "
                        "devices, a USB storage stick among them, into the guest, and files pass "
                        "both ways"
                    )
            elif kind == "spicevmc":
                what = f"SPICE agent channel (spicevmc, {name})"
                if not s.spice:
                    goods.append(f"{what} without a SPICE server")
                    continue
                on = [
                    f"{label} on ({why})"
                    for label, (shared, why) in (
                        ("clipboard copy-paste", s.copypaste),
                        ("file transfer", s.filetransfer),
                    )
                    if shared
                ]
                if on:
                    fails.append(f"{what} with {spice}: {', '.join(on)}")
                else:
                    goods.append(
                        f"{what} with copy-paste and file transfer off ({s.copypaste[1]}, "
                        f"{s.filetransfer[1]})"
                    )
            elif kind == "qemu-vdagent":
                what = f"qemu-vdagent channel ({name})"
                if clip:
                    fails.append(
                        f"{what} with its clipboard on (<clipboard copypaste='yes'/>, "
                        "clipboard=on): the guest's clipboard is shared with VNC, D-Bus and GTK "
                        "console clients"
                    )
                else:
                    goods.append(f"{what} with its clipboard off (QEMU's default)")
            elif name == SPICE_WEBDAV and s.spice:
                fails.append(
                    f"SPICE folder sharing (spiceport {name}): the client's folder is served to "
                    "the guest"
                )
            else:
                goods.append(f"spiceport {name or '(unnamed)'} (a named SPICE port, not the agent)")
        consoles = ", ".join(dict.fromkeys(s.consoles))
        if fails:
            yield failed(subj, "; ".join(fails), *refs)
        elif filters:
            yield manual(
                subj,
                "; ".join(filters)
                + ": whether it rejects USB storage is in its rules"
                + (f" ({'; '.join(goods)})" if goods else ""),
                *refs,
                question=f"Does the USB redirection filter of VM {v.name} (libvirt <devices>"
                "<redirfilter>, QEMU usb-redir filter=) reject every USB device that carries "
                "files, mass storage (class 0x08) and phones or cameras (MTP/PTP, class 0x06) "
                "among them? Evidence: `virsh dumpxml` <redirfilter>: QEMU takes the first "
                "<usbdev> rule matching the device and each of its interfaces, and rejects one "
                "no rule matches. Pass: yes, no allow='yes' rule matches such a device (no class "
                "-1, 0x08 or 0x06 allowed beyond approved vendor/product ids); fail: one does.",
            )
        else:
            yield passed(
                subj,
                f"{consoles}: "
                + ("; ".join(goods) if goods else "no SPICE agent or qemu-vdagent channel"),
                *refs,
            )
