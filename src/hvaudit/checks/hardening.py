"""Host hardening around libvirt and QEMU that the other modules do not read: qemu.conf's device
ACL, namespaces, migration and stdio settings, the daemon's log outputs, kernel audit rules,
libvirt's own taint flags, memory overcommit, QEMU processes left on an old binary, and the
layer-2 set-up of VM bridges and bonds.

Every default encoded here names its source in the check's docstring; the values are resolved once
in `hvaudit.parse.libvirt_conf`.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import itertools
import re
import shlex
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from hvaudit.checks._libvirt import (
    audit_disabled_at_start,
    audit_disabled_question,
    audit_elsewhere,
    audit_elsewhere_question,
    audit_off_at_next_boot,
    audit_off_question,
    audit_records_filtered,
    audit_switched_off,
    audit_unregistered,
    auditctl_enable_args,
    conf_fact,
    conf_value,
    daemon_files,
    host_settings_manual,
    is_every_address,
    is_local_address,
    judged_at_boot,
    kernel_audit_off,
    kernel_params,
    libvirt_syslog_free,
    log_destinations,
    log_filter_patterns_question,
    log_namespace_question,
    moved_listener_question,
    moved_remote_listeners,
    remote_ports,
    vm_bridges,
    vm_taps,
)
from hvaudit.checks._loopback import (
    LOCALNET_QUESTION,
    Dial,
    LoopbackScope,
    chardev_guests,
    dials_into,
    dials_named_into,
    guest_families,
    guest_loopback,
    is_ipv4_loopback,
    loopback_guests,
    loopback_scope,
    named_services,
    same_socket,
    unix_guests,
)
from hvaudit.checks._nextboot import audit_at_next_boot, live_word_dropped, mode_of
from hvaudit.checks.base import (
    LINUX_HOST,
    QEMU,
    Context,
    Outcome,
    Severity,
    Status,
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
    unknown,
    unread_peers,
    vm_subject,
)
from hvaudit.checks.management import (
    audit_discards,
    audit_no_log,
    boot_records_filtered,
    pulls_unread,
    tcp_at_next_start,
)
from hvaudit.model import Fact, FactState, Host, QemuProcess, Source, Vm
from hvaudit.parse.host import (
    AUDIT_RULES_NONE,
    DEV_LOG_TAKEN,
    ENV_UNKNOWN,
    LIBVIRT_DEBUG_LEVELS,
    X86_VENDORS,
    sysctl_int,
)
from hvaudit.parse.libvirt_conf import DEFAULT_DEVICE_ACL, HISTORIC_DEVICE_ACL
from hvaudit.parse.qemu_args import raw_file_outputs, raw_incoming
from hvaudit.textsafe import digits

#: Minimum SASL strength for libvirt's TCP transport: 112 bits (NIST SP 800-131A's floor for
#: symmetric keys; the catalog's SR04-KVM-02 target), above libvirt's default of 56.
MIN_SSF = 112


@check(
    id="HVA-035",
    title="libvirt's SASL-protected TCP transport demands strong encryption",
    scope="host",
    severity=Severity.HIGH,
    recommendations={
        "sp800-125a-2014": ["HY-SR-4"],
        "sp800-125a-r1": ["HY-SR-20"],
        "sp800-125b": ["VM-NS-R2"],
    },
    remediation=f"Set tcp_min_ssf = {MIN_SSF} (or higher) in libvirtd.conf / virtproxyd.conf, or "
    "stop listening on TCP and use TLS.",
)
def tcp_min_ssf(ctx: Context) -> Iterator[Outcome]:
    """With auth_tcp = "sasl", libvirt's TCP transport is encrypted by the SASL mechanism only as
    strongly as tcp_min_ssf demands. libvirt's default is 56 ("good enough for kerberos",
    src/remote/remote_daemon_config.c daemonConfigNew; lower values are refused), a DES-era
    strength. The setting matters only where the TCP listener is up or listens from the next
    start as HVA-030 reads it (an enabled -tcp unit that keeps a ListenStream=, one the daemon's
    service pulls in, --listen with the units masked: management.tcp_at_next_start, R23U-2);
    a libvirt daemon on a TCP port its files do not name (a socket unit's ListenStream, libvirt
    docs/remote.rst) may be that listener: a question, not n/a. The strength is the SASL
    mechanism's too: /etc/sasl2/libvirt.conf mech_list (libvirt's libvirtd.sasl ships gssapi: "previously DIGEST-MD5 was set as the default mechanism for
    libvirt. Per RFC 6331 this is vulnerable to many serious security flaws and should no longer
    be used"; its RC4/3DES layer reaches SSF 112-128, so tcp_min_ssf admits it): digest-md5
    fails, a mech_list not read or unset (the installed plugins decide) is a question (R10H-8)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        files = daemon_files(h, "remote")
        gap = first_unknown(*(conf_fact(h, f) for f in files), h.facts.listeners)
        if gap is not None and not (
            # the listening sockets unavailable (`ss` absent) beside TCP from the next start
            # (an enabled -tcp unit, one pulled in, --listen): the files are judged without
            # them; asked first, a "yes" passed auth_tcp = none on an enabled
            # libvirtd-tcp.socket (R35S-8, as HVA-030's R35S-5)
            gap is h.facts.listeners
            and gap.state is FactState.UNAVAILABLE
            and all(conf_fact(h, f).known for f in files)
            and tcp_at_next_start(h, files)[0]
        ):
            yield unknown(s, gap, f"tcp_min_ssf is at least {MIN_SSF} where libvirt listens on TCP")
            continue
        ports = {lst.port for lst in h.facts.listeners.get()} if gap is None else set()
        # TCP from the next start as HVA-030 reads it: an enabled -tcp unit that keeps a
        # ListenStream=, one the daemon's service pulls in, --listen with the units masked
        nxt, nxt_unread = tcp_at_next_start(h, files)
        tcp_unit = bool(nxt)
        tcp_ports = remote_ports(h, files)[0]
        moved = moved_remote_listeners(h, files)
        if moved and not ports & tcp_ports and not tcp_unit:
            yield manual(
                s,
                f"libvirt listens on TCP where its files name no port: {', '.join(moved)} (a "
                "socket unit's ListenStream); on the plain TCP transport tcp_min_ssf decides",
                *h.facts.listeners.sources,
                *h.facts.socket_units.sources,
                question=moved_listener_question(h.name, moved),
            )
            continue
        if not ports & tcp_ports and not tcp_unit and not h.facts.socket_units.known:
            # which socket units are enabled or masked decides the next start's TCP (R23P-2)
            what = f"tcp_min_ssf is at least {MIN_SSF} where libvirt listens on TCP"
            yield unknown(s, h.facts.socket_units, what)
            continue
        gap = None if ports & tcp_ports or tcp_unit else pulls_unread(h, "-tcp.socket")
        if gap is not None:
            # a drop-in in the unread service files may pull in the -tcp unit (R24Q-1)
            yield unknown(s, gap, f"tcp_min_ssf is at least {MIN_SSF} where libvirt listens on TCP")
            continue
        if not ports & tcp_ports and not tcp_unit and nxt_unread:
            yield manual(
                s,
                f"libvirtd's socket units are masked or absent and {nxt_unread}",
                *h.facts.socket_units.sources,
                question=f"Does libvirtd on host {h.name} start without --listen, or with "
                f"listen_tcp = 0, or with tcp_min_ssf = {MIN_SSF} or more? Evidence: `systemctl "
                "cat libvirtd.service` (ExecStart=, Environment=, each EnvironmentFile=), or "
                "without systemd LIBVIRTD_OPTS in /etc/conf.d/libvirtd (OpenRC), and "
                "listen_tcp, auth_tcp, tcp_min_ssf in libvirtd.conf. Pass: yes; fail: --listen "
                f"with listen_tcp = 1 and tcp_min_ssf below {MIN_SSF} or auth_tcp not sasl.",
            )
            continue
        if not ports & tcp_ports and not tcp_unit:
            yield not_applicable(
                s,
                f"libvirt does not listen on TCP {', '.join(map(str, sorted(tcp_ports)))}",
                *h.facts.listeners.sources,
            )
            continue
        weak, refs = [], []
        if tcp_unit and not ports & tcp_ports:
            refs += [*h.facts.socket_units.sources, *h.facts.socket_unit_pulls.sources]
        for file in files:
            ssf, src = conf_value(h, file, "tcp_min_ssf")
            auth, asrc = conf_value(h, file, "auth_tcp")
            refs += [src, asrc]
            if auth == "sasl" and int(str(ssf)) < MIN_SSF:
                weak.append(f"{file}: tcp_min_ssf = {ssf}" + (" (default)" if src.default else ""))
            elif auth != "sasl":
                weak.append(f"{file}: auth_tcp = {auth!r}, no SASL encryption at all")
        mechs = h.facts.libvirt_sasl_mechanisms
        refs += list(mechs.sources)
        historic = [m for m in mechs.get() if m == "digest-md5"] if mechs.known else []
        if historic:
            weak.append(
                "/etc/sasl2/libvirt.conf mech_list offers digest-md5 (RFC 6331, historic; its "
                "security layer is RC4 or 3DES at that strength)"
            )
        if weak:
            when = (
                f" from the next start ({'; '.join(nxt)})"
                if tcp_unit and not ports & tcp_ports
                else ""
            )
            yield failed(
                s, f"TCP transport weaker than SSF {MIN_SSF}{when}: {'; '.join(weak)}", *refs
            )
        elif not mechs.known:
            yield manual(
                s,
                f"SASL on TCP demands SSF >= {MIN_SSF}, but /etc/sasl2/libvirt.conf "
                f"{mechs.reason}: the mechanisms offered are the installed SASL plugins'",
                *refs,
                question=f"Does libvirt's TCP transport on host {h.name} offer only SASL "
                "mechanisms with a strong security layer? Evidence: the mech_list line of "
                f"/etc/sasl2/libvirt.conf on {h.name} (none: every installed plugin, "
                "`pluginviewer -s` or /usr/lib*/sasl2). Pass: gssapi only (Kerberos with AES "
                "enctypes); fail: digest-md5 is offered.",
            )
        else:
            yield passed(
                s,
                f"SASL on TCP demands SSF >= {MIN_SSF} (/etc/sasl2/libvirt.conf mech_list: "
                f"{' '.join(mechs.get())})",
                *refs,
            )


@check(
    id="HVA-036",
    title="Migration is bound to the migration network and verifies TLS clients",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-r1": ["HY-SR-13"]},
    remediation="Set migration_address in qemu.conf to the host's address on the dedicated "
    "migration network, and keep migrate_tls_x509_verify = 1 (client certificates checked).",
)
def migration_binding(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-13 wants migration on a dedicated segment with authenticated endpoints.
    qemu.conf's migration_address defaults to 0.0.0.0 (every address; qemu.conf comments), so an
    incoming migration listens on every network the host touches; "0" or "0.0" is the same
    address (inet_aton(3), read by getaddrinfo). migrate_tls_x509_verify
    defaults to default_tls_x509_verify when that is set, else 1 (libvirt src/qemu/qemu_conf.c,
    virQEMUDriverConfigSetDefaults); 0 lets any TLS client send a VM's state. A migration
    address on 127/8 is local by the one rule of hvaudit.checks._loopback: on the network of an
    interface read with route_localnet = 1 (ip-sysctl.rst; CVE-2020-8558), a question where
    the probe ran and did not answer, the kernel's default (0) where it was not collectable;
    beside a VM with user-mode networking, whose guest reaches 127.0.0.1 through QEMU's slirp
    (loopback_guests: its host address is rewritten to 127.0.0.1), a fail naming the VM, as
    that guest can send an incoming VM's state (R17-8); a migration address or raw `-incoming`
    on ::1 too, which slirp maps the guest's IPv6 host address to (VL18-1). A VM's TCP
    character device or socket tunnel that dials the loopback migration address on a port of
    libvirt's migration range (qemu.conf migration_port_min..migration_port_max, 49152-49215
    unset: src/qemu/qemu_conf.c QEMU_MIGRATION_PORT_MIN/MAX) has QEMU relay its guest's bytes
    to an incoming migration there (formatdomain, "TCP": the device "acts as a TCP client
    connecting to a remote server"; chardev_guests, VL18-3), on any 127/8 address it names,
    127.0.0.2 too, which libvirt accepts (it refuses 127.0.0.1 and ::1 only): a fail naming
    the device, unless migrate_tls_force = 1 with client verification, where the stream is TLS
    whose client certificate the guest lacks (R31D-3). A device naming its service by name
    (service='migration'), or a raw `-incoming` naming its port, reaches the port the host's
    /etc/services gives the name (QEMU's getaddrinfo, both when it connects and when it
    listens: util/qemu-sockets.c inet_parse_connect_saddr, inet_listen_saddr), a file hvaudit
    does not collect: a question naming the names, never a pass (dials_named_into, R33D-1). A
    raw `-incoming unix:PATH` that another VM's UNIX character device connects to (`<serial
    type='unix'><source mode='connect' path=PATH>`, or a raw `-chardev socket,path=PATH`
    client) fails the same way: QEMU relays that guest's bytes into the stream (unix_guests,
    R33D-3).

    A VM's raw QEMU arguments (<qemu:commandline>) can make its QEMU wait for a migration stream
    at every start, beside libvirt's own: `-incoming tcp:0.0.0.0:4444` (qemu-options.hx,
    "prepare for incoming migration, listen on specified protocol and socket address"; read by
    hvaudit.parse.qemu_args.raw_incoming, the channel forms of QEMU 10 too). qemu.conf's
    migration_address does not reach it, and it listens until a stream comes, whatever runs;
    whoever connects first sends the state the VM then runs. So it is judged here as
    migration_address is: on every address (an empty host too) a fail, on 127/8 the loopback
    rule (another VM's character device dialling its port a fail, R31D-1), on another address
    the host's migration address (named in the pass); a socket handed
    over (`fd:`) or a vsock port (`vsock:`, which the host's guests connect to) is a question
    about who reaches it (leads13: HVA-210 reads such a listener only from `ss` while the VM
    waits, HVA-046 only says raw arguments are there)."""
    vms_of: dict[str, list[Vm]] = {}
    for v in ctx.deployment.vms:
        vms_of.setdefault(v.host, []).append(v)
    guests = loopback_guests(ctx.deployment.vms)
    guests6 = loopback_guests(ctx.deployment.vms, version=6)
    dials = chardev_guests(ctx.deployment.vms)
    sockets = unix_guests(ctx.deployment.vms)
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        scope = loopback_scope(h)
        near = guests.get(h.name, [])
        near6 = guests6.get(h.name, [])
        raw = raw_migration_listeners(
            vms_of.get(h.name, []),
            scope,
            near,
            near6,
            dials.get(h.name, []),
            sockets.get(h.name, []),
        )
        qc = conf_fact(h, "qemu.conf")
        if not qc.known:
            if raw.fails:
                yield failed(s, "; ".join(raw.fails), *raw.refs, *raw.scope_refs(scope))
                continue
            yield unknown(
                s,
                qc,
                f"Does /etc/libvirt/qemu.conf on host {h.name} bind migrations to the migration "
                "network and verify TLS clients? Evidence: its migration_address and "
                "migrate_tls_x509_verify (else default_tls_x509_verify) lines. Pass: yes, "
                "migration_address is the host's address on the migration network and "
                "migrate_tls_x509_verify is unset or 1; fail: migration_address is unset or "
                "0.0.0.0 (every address), or verification is 0.",
            )
            continue
        addr, asrc = conf_value(h, "qemu.conf", "migration_address")
        verify, vsrc = conf_value(h, "qemu.conf", "migrate_tls_x509_verify")
        raw.settle_remote(functools.partial(same_address, b="" if addr is None else str(addr)))
        problems = []
        if is_every_address(None if addr is None else str(addr)):
            problems.append(
                f"migration_address = {addr or '0.0.0.0'}"
                + (" (default)" if asrc.default else "")
                + ": incoming migrations listen on every address"
            )
        loop4 = addr is not None and is_ipv4_loopback(str(addr))
        if loop4 and scope.routed:
            problems.append(
                f"migration_address = {addr}: route_localnet = 1 on {', '.join(scope.routed)} "
                "opens 127/8 to the network"
            )
        elif loop4 and near and str(addr) == "127.0.0.1":
            # slirp turns a connection to its host address into one to 127.0.0.1 only
            # (libslirp socket.c sotranslate_out: `sin->sin_addr = loopback_addr`), so a
            # listener on another 127/8 address is out of its guest's reach (R25C-6; libvirt
            # refuses migration_address = 127.0.0.1 itself, see libvirt_conf._local_address)
            problems.append(
                f"migration_address = {addr}: the user-mode networking of "
                f"{', '.join(how for _, how in near[:5])} opens 127/8 to its guest (a connection "
                "to its host address becomes one to 127.0.0.1), which can send an incoming VM's "
                "state"
            )
        force, fsrc = conf_value(h, "qemu.conf", "migrate_tls_force")
        span, psrc = _migration_ports(h)
        plain = not (force == 1 and verify != 0)
        hits = (
            dials_into(dials.get(h.name, []), str(addr), *span)
            if addr is not None and plain and is_local_address(str(addr))
            else []
        )
        if hits:
            # a device dials the migration address itself: any 127/8 address it names, not
            # 127.0.0.1 alone (R31D-3)
            verb = "connects its guest" if len(hits) == 1 else "connect their guests"
            problems.append(
                f"migration_address = {addr}: {', '.join(d.how for d in hits[:5])} {verb} to "
                f"a port of libvirt's migration range {span[0]}-{span[1]} there, where an "
                "incoming migration listens without TLS (migrate_tls_force = "
                f"{force}): that guest can send the state an incoming VM runs"
            )
        # a device naming its service by name may dial into the range: /etc/services decides
        # (dials_named_into, R33D-1)
        by_name = (
            dials_named_into(dials.get(h.name, []), str(addr), *span)
            if addr is not None and plain and is_local_address(str(addr))
            else []
        )
        named = [*raw.named]
        if by_name:
            named.insert(
                0,
                f"migration_address = {addr}: {', '.join(d.how for d in by_name[:5])} may "
                f"connect to a port of libvirt's migration range {span[0]}-{span[1]} there, where "
                f"an incoming migration listens without TLS (migrate_tls_force = {force}; the "
                "host's /etc/services, not collected, resolves the service name)",
            )
        loop6 = addr is not None and guest_loopback(str(addr)) == 6
        if loop6 and near6:
            problems.append(
                f"migration_address = {addr}: the user-mode networking of "
                f"{', '.join(how for _, how in near6[:5])} opens ::1 to its guest (a connection "
                "to its host address becomes one to ::1), which can send an incoming VM's state"
            )
        if verify == 0:
            problems.append("migrate_tls_x509_verify = 0: TLS migration clients are not verified")
        problems += raw.fails
        loop_refs = scope.sources if loop4 or raw.loop4 else ()
        near_refs = [
            v.source
            for v in vms_of.get(h.name, [])
            if (loop4 and near and v.name in {vm for vm, _ in near})
            or (loop6 and v.name in {vm for vm, _ in near6})
        ]
        if hits or by_name:
            near_refs += [
                v.source
                for v in vms_of.get(h.name, [])
                if v.name in {d.vm for d in [*hits, *by_name]}
            ]
        refs = (asrc, vsrc, *raw.refs, *loop_refs, *near_refs)
        if hits or by_name:
            refs = (*refs, fsrc, *psrc)
        localnet = (loop4 or raw.loop4) and scope.unread is not None
        if problems:
            yield failed(s, "; ".join(problems), *refs)
        elif raw.opaque or raw.fed or named or localnet:
            # each open condition asked in one question (joint_question, R21Q-1): a "yes" to
            # one of them alone passed the others unasked
            parts = (
                [named[0]]
                if by_name
                else [f"migration_address = {addr}"]
                if raw.opaque or raw.fed or raw.named or loop4
                else []
            )
            parts += [*raw.opaque, *raw.fed, *raw.named]
            questions = []
            if raw.opaque:
                questions.append(
                    "Who can connect to the migration listener(s) raw QEMU arguments give "
                    f"VMs on host {h.name} ({'; '.join(raw.opaque)})? Evidence: `ss -ltnp` and "
                    f"`ss -l --vsock -p` on host {h.name} while the VM waits for its stream (the "
                    "QEMU process's sockets), or the program that hands QEMU the socket. Pass: "
                    "only the host (a loopback address or a UNIX socket) or the host's address "
                    "on the migration network; fail: every address, another network, or a vsock "
                    "port the host's guests connect to."
                )
            if raw.fed:
                questions.append(fed_migration_question(f"host {h.name}", raw.fed))
            if named:
                names = sorted({*raw.names, *named_services(by_name)})
                questions.append(named_migration_question(f"host {h.name}", named, names))
            if localnet:
                parts += [*raw.loop4, scope.why_unread()]
                questions.append(LOCALNET_QUESTION)
            yield manual(s, "; ".join(parts), *refs, question=joint_question(questions))
        else:
            where = "loopback" if is_local_address(str(addr)) else str(addr)
            note = f" ({scope.note})" if (loop4 or raw.loop4) and scope.assumed else ""
            outcome = passed(
                s,
                f"migration_address = {where}, migrate_tls_x509_verify = {verify}{note}"
                + "".join(f"; {n}" for n in raw.notes),
                *refs,
            )
            # a guest not read may wait for a stream itself, or have user-mode networking:
            # credited as no VM read has (R30D-1, R30D-6); libvirt refuses migration_address =
            # 127.0.0.1 or ::1 (R25C-6)
            at = (
                f"{addr} ports {span[0]}-{span[1]}"
                if addr is not None and plain and is_local_address(str(addr))
                else ""
            )
            yield unread_peers(outcome, h, unread_incoming(raw, migration=at))


def _migration_ports(h: Host) -> tuple[tuple[int, int], tuple[Source, ...]]:
    """The ports libvirt gives an incoming migration on host `h` (qemu.conf migration_port_min
    and migration_port_max; unset, 49152 and 49215: src/qemu/qemu_conf.c
    QEMU_MIGRATION_PORT_MIN/MAX), and the lines that set them. A value that is not a port
    number is taken as the default (libvirt refuses the file then, libvirt_conf)."""
    span, refs = [49152, 49215], []
    for i, key in enumerate(("migration_port_min", "migration_port_max")):
        value, src = conf_value(h, "qemu.conf", key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
            span[i] = value
            refs.append(src)
    return (span[0], span[1]), tuple(refs)


def unread_incoming(
    raw: RawMigration, args: str = "<qemu:commandline>", migration: str = ""
) -> str:
    """What a guest not read may do that HVA-036 (HVA-308: Proxmox VE's `args:`) fails where
    it reads it (R30D-6): raw arguments `args` that make its QEMU wait for a migration stream
    on every address or another network; beside libvirt's plaintext migration listener on a
    loopback address (`migration`: the address and its ports), a TCP character device or
    socket tunnel dialling it (R31D-3); and, beside a raw `-incoming` on 127.0.0.1 or ::1 of
    a VM read (raw.reachable), user-mode networking, whose guest sends that VM its state
    (R30D-1)."""
    may = (
        f"have raw QEMU arguments ({args}) that make its QEMU wait for a migration stream "
        "(-incoming) on every address or another network"
    )
    if migration:
        may += (
            ", or have a TCP character device or socket tunnel that connects its guest to the "
            f"incoming migrations on {migration}"
        )
    if raw.reachable:
        may += (
            ", or have user-mode networking (QEMU's slirp or passt), whose guest reaches the "
            "host's 127.0.0.1 and ::1 and can send the state an incoming VM runs to "
            + "; ".join(raw.reachable[:5])
        )
    return may


def named_migration_question(where: str, named: Sequence[str], names: Sequence[str]) -> str:
    """The question for character devices or socket tunnels that may reach a loopback migration
    listener on `where` (host NAME, node NAME) by a service name (dials_named_into, R33D-1):
    `named` says which device and listener, `names` the NAME/tcp to resolve."""
    return (
        f"Does /etc/services on {where} resolve {', '.join(names)} to no port that puts a "
        f"character device or socket tunnel on the migration listener it names ("
        + "; ".join(named[:5])
        + f")? Evidence: `getent services NAME/tcp` on {where} for each name (QEMU resolves a "
        "service name with getaddrinfo when it connects or listens). Pass: yes, no device "
        "connects to a port of the listener; fail: one does, and QEMU relays that VM's guest "
        "to the incoming migration, which can send the state the VM then runs."
    )


@dataclass
class RawMigration:
    """The incoming-migration listeners raw QEMU arguments give the VMs of one host, sorted by
    verdict (HVA-036, and HVA-308 for Proxmox VE's `args:`)."""

    fails: list[str] = dataclasses.field(default_factory=list)
    opaque: list[str] = dataclasses.field(default_factory=list)
    fed: list[str] = dataclasses.field(default_factory=list)
    """Those reading the stream from a command's output or a file (R34D-1): a question."""
    loop4: list[str] = dataclasses.field(default_factory=list)
    """Those on IPv4 loopback, local by the route_localnet rule."""
    notes: list[str] = dataclasses.field(default_factory=list)
    refs: list[Source] = dataclasses.field(default_factory=list)
    reachable: list[str] = dataclasses.field(default_factory=list)
    """Those on 127.0.0.1 or ::1 that no VM read reaches by user-mode networking, which a guest
    not read may (R30D-1)."""
    named: list[str] = dataclasses.field(default_factory=list)
    """Those on loopback that another VM's TCP device dials where a service name leaves the
    port open (dials_named_into, R33D-1): a question."""
    names: list[str] = dataclasses.field(default_factory=list)
    """The service names (NAME/tcp) those questions turn on."""

    remote: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """Those on another address than loopback, each with its address: a note where it is the
    host's on the migration network (settle_remote), else a question (R34D-2)."""

    def settle_remote(self, on_network: Callable[[str], bool]) -> None:
        """Note each remote listener on the migration network (`on_network` of its address),
        ask about every other one: an address the host's migration settings do not name (or a
        host name /etc/hosts resolves) may be on the management or a guest network (R34D-2)."""
        for address, text in self.remote:
            (self.notes if on_network(address) else self.opaque).append(text)
        self.remote = []

    def scope_refs(self, scope: LoopbackScope) -> tuple[Source, ...]:
        return tuple(scope.sources) if self.loop4 else ()


def raw_migration_listeners(
    vms: list[Vm],
    scope: LoopbackScope,
    guests: Sequence[tuple[str, str]] = (),
    guests6: Sequence[tuple[str, str]] = (),
    dials: Sequence[Dial] = (),
    sockets: Sequence[Dial] = (),
) -> RawMigration:
    """Each raw `-incoming` of the host's VMs judged as migration_address is (HVA-036,
    HVA-308). `guests` (loopback_guests of the host) reach 127.0.0.1, `guests6` ::1: one on
    either beside another VM's user-mode guest fails (VL18-1 for ::1); the VM's own guest does
    not run while its QEMU waits. `dials` (chardev_guests of the host) are the character
    devices and socket tunnels whose QEMU connects to a loopback port and relays the guest's
    bytes both ways (formatdomain, "TCP": the device "acts as a TCP client connecting to a
    remote server"; VL18-3): one of another VM connecting to a TCP `-incoming`'s address (any
    of 127/8 it names, not 127.0.0.1 alone) and port, or a port of its `to=` range (QEMU
    listens on the first free one: util/qemu-sockets.c inet_listen_saddr), hands its guest the
    stream the waiting VM then runs (R31D-1; HVA-030, HVA-033, HVA-210 apply the rule)."""
    out = RawMigration()
    for v in vms:
        others = [how for vm, how in guests if vm != v.name]
        others6 = [how for vm, how in guests6 if vm != v.name]
        for r in raw_incoming(v.raw_hypervisor_arguments):
            shown = f"VM {v.name}'s QEMU argument {r.shown}"
            waits = f"{shown}: QEMU waits for a migration stream ({r.channel} channel)"
            first = int(r.port) if r.port.isascii() and r.port.isdigit() else None
            last = int(r.to) if r.to.isascii() and r.to.isdigit() else first
            hits = (
                [d for d in dials_into(list(dials), r.host, first, last or first) if d.vm != v.name]
                if first is not None and r.transport == "socket"
                else []
            )
            named = (
                [d for d in dials_named_into(list(dials), r.host, first, last) if d.vm != v.name]
                if r.transport == "socket" and r.port.strip()
                else []
            )
            settled = len(out.fails)
            if r.kind == "inet":
                out.refs.append(v.source)
                if is_every_address(r.host):
                    out.fails.append(
                        f"{waits} on every address (port {r.port}) at each start of the VM, "
                        "outside the host's migration settings"
                    )
                elif is_ipv4_loopback(r.host) and scope.routed:
                    out.fails.append(
                        f"{waits} on {r.host}, which route_localnet = 1 on "
                        f"{', '.join(scope.routed)} opens to the network"
                    )
                elif hits:
                    out.refs.extend(o.source for o in vms if o.name in {d.vm for d in hits})
                    verb = "connects its guest" if len(hits) == 1 else "connect their guests"
                    out.fails.append(
                        f"{waits} on {r.host}, which {', '.join(d.how for d in hits[:5])} "
                        f"{verb} to: QEMU relays the guest's bytes, which can send the state the "
                        "VM then runs"
                    )
                elif guest_loopback(r.host) == 4 and others:
                    # 127.0.0.1 alone of 127/8 is a user-mode guest's (R25O-3, R28O-5)
                    out.fails.append(
                        f"{waits} on {r.host}, which the user-mode networking of "
                        f"{', '.join(others[:5])} opens to its guest (a connection to its host "
                        "address becomes one to 127.0.0.1)"
                    )
                elif 6 in guest_families(r.host) and others6:
                    # `localhost` too: QEMU listens on its ::1 as well (guest_families, R35D-3)
                    out.fails.append(
                        f"{waits} on {r.host}, which the user-mode networking of "
                        f"{', '.join(others6[:5])} opens to its guest (a connection to its host "
                        "address becomes one to ::1)"
                    )
                elif is_ipv4_loopback(r.host):
                    out.loop4.append(f"{waits} on {r.host}")
                    if guest_loopback(r.host) == 4:
                        out.reachable.append(f"{shown} on {r.host}")
                elif guest_loopback(r.host) == 6:
                    out.reachable.append(f"{shown} on {r.host}")
                elif not is_local_address(r.host):
                    out.remote.append((r.host, f"{waits} on {r.host} port {r.port}"))
                if named and len(out.fails) == settled:
                    # a service name on either side: /etc/services decides (R33D-1)
                    out.refs.extend(o.source for o in vms if o.name in {d.vm for d in named})
                    out.named.append(
                        f"{waits} on {r.host} port {r.port}, which "
                        f"{', '.join(d.how for d in named[:5])} may connect to (the host's "
                        "/etc/services, not collected, resolves the service name)"
                    )
                    out.names = sorted({*out.names, *named_services(named, r.port)})
            elif r.kind == "unix" and (
                near := [d for d in sockets if d.vm != v.name and same_socket(d.host, r.host)]
            ):
                # another VM's character device connects to the socket (unix_guests, R33D-3)
                out.refs.append(v.source)
                out.refs.extend(o.source for o in vms if o.name in {d.vm for d in near})
                verb = "connects its guest" if len(near) == 1 else "connect their guests"
                out.fails.append(
                    f"{waits} on UNIX socket {r.host}, which {', '.join(d.how for d in near[:5])} "
                    f"{verb} to: QEMU relays the guest's bytes, which can send the state the VM "
                    "then runs"
                )
            elif r.kind in ("fd", "vsock"):
                out.refs.append(v.source)
                what = "a socket handed to QEMU" if r.kind == "fd" else "a vsock port"
                out.opaque.append(f"{waits} on {what}")
            elif r.transport in ("exec", "file"):
                # QEMU reads the stream from a command's output or a file, whose source the
                # scan cannot see: a command may listen on every address itself (R34D-1)
                out.refs.append(v.source)
                out.fed.append(
                    f"{shown}: QEMU reads a migration stream ({r.channel} channel) from "
                    + (
                        f"the output of command `{r.host or '(none named)'}`"
                        if r.transport == "exec"
                        else f"file {r.host or '(none named)'}"
                    )
                )
    return out


def same_address(a: str, b: str) -> bool:
    """Whether two listener addresses are one IP address (any spelling ipaddress reads, in
    brackets or not), or one host name as written."""
    x, y = a.strip("[] "), b.strip("[] ")
    if not x or not y:
        return False
    try:
        return ipaddress.ip_address(x) == ipaddress.ip_address(y)
    except ValueError:
        return x.lower() == y.lower()


def in_network(address: str, network: str | None) -> bool:
    """Whether IP address `address` lies in CIDR `network` (False for a host name or no
    network)."""
    try:
        return network is not None and ipaddress.ip_address(
            address.strip("[] ")
        ) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def fed_migration_question(where: str, fed: Sequence[str]) -> str:
    """The question for raw `-incoming exec:` and `-incoming file:` (R34D-1): QEMU reads the
    stream the VM then runs from a command's standard output (migration/exec.c
    exec_start_incoming_migration spawns it, a URI as `/bin/sh -c COMMAND`: migration.c
    migrate_uri_parse) or from a file (migration/file.c file_start_incoming_migration), so
    whoever feeds the command or can write the file decides the state; `where` is host NAME
    or node NAME."""
    return (
        f"Who can send the migration stream raw QEMU arguments have VMs on {where} read from a "
        f"command or a file ({'; '.join(fed[:5])})? Evidence: what each command reads (a "
        f"listener it opens: `ss -ltnp` on {where} while the VM waits) and `ls -l` of each "
        "file and its directories. Pass: only the host itself or its address on the migration "
        "network feeds the command, and only root can write the file; fail: the command "
        "listens on every address or another network, or a guest (a character device writing "
        "the file) or another user can write it."
    )


@check(
    id="HVA-053",
    title="QEMU keeps libvirt's device ACL and its private mount namespace",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    remediation="Remove cgroup_device_acl from qemu.conf (or keep it to the default list) and "
    'remove namespaces = [] so each QEMU gets its own /dev (namespaces = [ "mount" ]).',
)
def device_acl(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-7 asks that each VM process reach only its own devices. libvirt builds that
    with a per-VM cgroup device ACL and a private mount namespace holding only the VM's devices.
    Defaults: cgroup_device_acl is libvirt's built-in list (/dev/null, /dev/full, /dev/zero,
    /dev/random, /dev/urandom, /dev/ptmx, /dev/kvm; src/qemu/qemu_cgroup.c defaultDeviceACL,
    older releases added /dev/kqemu, /dev/rtc, /dev/hpet, /dev/vfio/vfio, /dev/net/tun);
    namespaces is [ "mount" ] for the system daemon (src/qemu/qemu_conf.c
    virQEMUDriverConfigNew). Every extra ACL entry is a host device every VM's QEMU may open.
    The ACL needs the devices controller: qemu.conf.in, cgroup_controllers ("'devices' - use for
    device whitelisting"; unset, libvirt uses every controller the host has), so a list that
    leaves it out applies no device ACL at all."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        if not qc.known:
            yield unknown(s, qc, "qemu.conf cgroup_device_acl and namespaces are the defaults")
            continue
        acl, asrc = conf_value(h, "qemu.conf", "cgroup_device_acl")
        ns, nsrc = conf_value(h, "qemu.conf", "namespaces")
        ctl, csrc = conf_value(h, "qemu.conf", "cgroup_controllers")
        problems = []
        if isinstance(ctl, list) and "devices" not in [str(c) for c in ctl]:
            problems.append(
                f"cgroup_controllers = {ctl} leaves out 'devices': no device ACL is applied"
            )
            asrc = csrc
        if acl is not None:
            allowed = set(DEFAULT_DEVICE_ACL) | set(HISTORIC_DEVICE_ACL)
            extra = [str(d) for d in acl if str(d) not in allowed]
            if extra:
                problems.append(f"cgroup_device_acl adds {', '.join(extra[:8])} for every VM")
        if "mount" not in (ns or []):
            problems.append(f"namespaces = {ns}: QEMU sees the host's /dev")
        if problems:
            yield failed(s, "; ".join(problems), asrc, nsrc)
        else:
            what = "default" if acl is None else "only default entries"
            yield passed(s, f"cgroup_device_acl {what}, namespaces = {ns}", asrc, nsrc)


#: libvirt's taint flags (src/conf/domain_conf.h, enum virDomainTaintFlags, with the reasons
#: its comments give) that another check already judges from the configuration itself, so
#: HVA-054 does not report the same condition a second time:
#: - custom-argv ("Custom ARGV passthrough from XML": <qemu:commandline> args or env) and
#:   custom-device ("hypervisor device config customized": <qemu:override>) are HVA-046;
#: - high-privileges ("Running with undesirably high privileges": qemu.conf user or group root,
#:   src/qemu/qemu_domain.c qemuDomainObjCheckTaint) is HVA-042; libvirt sets it also for
#:   clear_emulator_capabilities = 0, harmless unless QEMU runs as root (virSetUIDGIDWithCaps
#:   clears every capability of a non-root uid), and for a rawio='yes' disk or SCSI host device
#:   (qemuDomainObjCheckDiskTaint, qemuDomainObjCheckHostdevTaint), which HVA-059 judges (R9-5);
#: - host-cpu is the configuration <cpu mode='host-passthrough'>, no weakening of its own:
#:   qemuDomainObjCheckTaint taints it `if (obj->def->cpu && obj->def->cpu->mode ==
#:   VIR_CPU_MODE_HOST_PASSTHROUGH)` ("Host CPU passthrough in use"; newer domain_conf.h "Host
#:   CPU passthrough in use after migration", the check then given incomingMigration): the
#:   guest sees the host's exact CPU, whose migration to other hardware libvirt cannot vouch
#:   for. What that exposes to the guest (VT-x/AMD-V for nesting) is HVA-049's (leads10, was a
#:   fail 'tainted: host-cpu').
TAINTS_JUDGED_ELSEWHERE = {
    "custom-argv": "HVA-046",
    "custom-device": "HVA-046",
    "high-privileges": "HVA-042",
    "host-cpu": "HVA-049",
}


@check(
    id="HVA-054",
    title="libvirt reports no taint for the VM that no other check judges",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    remediation="Remove what libvirt flags (custom monitor or guest-agent commands, hook scripts "
    "that rewrite the domain, host CD-ROM passthrough, deprecated configuration ...) and restart "
    "the VM.",
    platforms=("kvm-libvirt",),
    per_vm=True,
)
def vm_taint(ctx: Context) -> Iterator[Outcome]:
    """libvirt taints a VM it starts with a configuration it cannot vouch for and writes
    "Domain id=N is tainted: FLAG" into /var/log/libvirt/qemu/NAME.log. The flags of the VM's last
    start (the lines after the log's last "starting up") are read; a VM never started on this host
    has no run to judge. Some taints restate a condition another check judges from the
    configuration itself: custom-argv and custom-device (HVA-046, raw QEMU arguments and
    overrides) and high-privileges (HVA-042, QEMU as root). Those are named in the message but
    not failed here, so one condition is reported once; every other flag (custom-monitor,
    custom-ga-command, hook-script, cdrom-passthrough, custom-dtb, custom-hypervisor-feature,
    deprecated-config, shell-scripts, disk-probing, external-launch, nbdkit-restart, and any
    flag a newer libvirt adds) fails this check. host-cpu marks a host-passthrough CPU
    (qemu_domain.c qemuDomainObjCheckTaint; domain_conf.h "Host CPU passthrough in use"), a
    migration-compatibility warning whose security side, nesting, HVA-049 judges: named, not
    failed. The subject is the VM, as in every per-VM
    check. The log is "%s/%s.log" of logDir and the VM's name (qemu_domain.c
    qemuDomainLogContextNew), and a name may hold a colon (the drivers refuse only a newline
    and a slash: virXMLCheckIllegalChars, domain_conf.c), so grep's FILE:LINE output is split
    at the ".log:" that ends the file name, not at its first colon (R8-2). libvirt taints
    high-privileges also for a rawio='yes' disk or SCSI host device (qemu_domain.c
    qemuDomainObjCheckDiskTaint), which HVA-059 judges: the message names it (R9-5)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        h = hosts[v.host]
        f = h.facts.qemu_taints
        if not f.known:
            yield host_settings_manual(
                s,
                h,
                f,
                "libvirt writes a VM's taint flags into the host's QEMU log",
                _taint_question(h.name, v.name),
                v.source,
            )
            continue
        if v.name not in f.get():
            if v.running:
                yield manual(
                    s,
                    "running, but no QEMU log start for it on the host",
                    *f.sources,
                    question=_taint_question(h.name, v.name),
                )
            else:
                yield not_applicable(
                    s, "no logged start of this VM on the host (taints are per run)", *f.sources
                )
            continue
        flags = f.get()[v.name]
        when = "current run" if v.running else "last run"
        own = [x for x in flags if x not in TAINTS_JUDGED_ELSEWHERE]
        # a rawio='yes' LUN or SCSI host device taints high-privileges too (R9-5), and HVA-059
        # judges rawio
        rawio = any(d.rawio for d in v.disks) or any(p.rawio for p in v.passthrough)
        judges = dict(TAINTS_JUDGED_ELSEWHERE)
        if rawio:
            judges["high-privileges"] = "HVA-042 and HVA-059"
        elsewhere = [f"{x} (judged by {judges[x]})" for x in flags if x not in own]
        also = f"; also {', '.join(elsewhere)}" if elsewhere else ""
        if own:
            yield failed(s, f"tainted ({when}): {', '.join(own)}{also}", *f.sources)
        elif elsewhere:
            yield passed(
                s, f"no taint of its own in the {when}'s log; {', '.join(elsewhere)}", *f.sources
            )
        else:
            yield passed(s, f"no taint flag in the {when}'s log", *f.sources)


def _taint_question(host: str, vm: str) -> str:
    """The one question of a VM whose last start's taint flags the scan could not read."""
    return (
        f"Is this VM's last start on host {host} free of libvirt taint flags other than "
        "custom-argv, custom-device and high-privileges? Evidence: the lines 'Domain id=N is "
        f"tainted: FLAG' after the last 'starting up' line of /var/log/libvirt/qemu/{vm}.log on "
        f"{host} (or the journal of its QEMU driver). Pass: yes, no such line, or only those "
        "three flags (HVA-046 and HVA-042 judge them); fail: any other flag."
    )


@check(
    id="HVA-062",
    title="The kernel does not overcommit memory unconditionally",
    scope="host",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
    remediation="Set vm.overcommit_memory = 0 (heuristic) or 2 (strict accounting) in "
    "/etc/sysctl.d/ and size swap for the VMs' committed memory.",
    platforms=LINUX_HOST,
)
def overcommit_memory(ctx: Context) -> Iterator[Outcome]:
    """vm.overcommit_memory = 1 makes the kernel pretend there is always enough memory until it
    runs out, when the OOM killer picks a process (usually the largest: a QEMU). 0, the default,
    refuses obvious overcommits; 2 never overcommits (kernel Documentation/mm/
    overcommit-accounting.rst, admin-guide/sysctl/vm.rst).

    The live value holds until the next boot, when systemd-sysctl writes sysctl.d's (sysctl.d(5);
    hvaudit.model.SysctlD): a file setting 1 fails although the live value is 0 or 2, and
    sysctl.d unread, a value not read as a number or one only an /etc/sysctl.conf no sysctl.d
    file includes sets asks (R21S-1). A bundle older than the sysctl-d probe has the live value
    alone."""
    key = "vm/overcommit_memory"
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.overcommit_memory
        if not f.known:
            yield unknown(s, f, "vm.overcommit_memory is 0 or 2")
            continue
        if f.get() == 1:
            yield failed(
                s,
                "vm.overcommit_memory = 1: allocations always succeed, the OOM killer "
                "decides which VM dies",
                *f.sources,
            )
            continue
        mode = {0: "heuristic", 2: "strict accounting"}.get(f.get(), "unknown mode")
        now = f"vm.overcommit_memory = {f.get()} ({mode})"
        cfg = h.facts.sysctl_d
        if not cfg.known and not cfg.sources:
            yield passed(s, now, *f.sources)
            continue
        later = cfg.get().next_boot(key) if cfg.known else None
        conf = cfg.get().conf_only(key) if cfg.known else None
        value = sysctl_int(later.value) if later and later.value is not None else None
        if later is not None and value == 1:
            yield failed(
                s,
                f"{now} now, but {later.path} sets it to 1 from the next boot ({later.line}): "
                "allocations will always succeed, the OOM killer decides which VM dies",
                *f.sources,
                *cfg.sources,
            )
            continue
        if not cfg.known:
            doubt = cfg.reason
        elif later is not None and value is None:
            doubt = f"{later.line} ({later.path}) is not a number the kernel reads"
        elif later is None and conf is not None and sysctl_int(conf.value or "") != 0:
            doubt = (
                f"{conf.line} ({conf.path}, which no sysctl.d file includes: procps `sysctl "
                "--system` applies it at boot, systemd-sysctl does not)"
            )
        else:
            yield passed(s, now, *f.sources, *cfg.sources)
            continue
        yield manual(
            s,
            f"{now} now; the value from the next boot is not known: {doubt}",
            *f.sources,
            *cfg.sources,
            question=f"Which vm.overcommit_memory does {h.name} boot with? Evidence: "
            "`systemd-sysctl --cat-config | grep overcommit_memory` (the last assignment wins; "
            "/etc/sysctl.conf counts only where a sysctl.d file links to it or procps `sysctl "
            "--system` runs at boot). Pass: 0 or 2, or none (the kernel's 0); fail: 1.",
        )


@check(
    id="HVA-182",
    title="Running QEMU processes use the installed QEMU",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-18"]},
    remediation="Restart or live-migrate the listed VMs so they run the updated QEMU.",
    platforms=QEMU,
)
def stale_qemu(ctx: Context) -> Iterator[Outcome]:
    """An update replaces QEMU's binary, but a running VM keeps the old one until it is
    restarted or migrated: the patch is installed and not in effect. /proc/PID/exe of such a
    process points to a deleted file ("(deleted)"). The same holds for the shared libraries it
    maps (proc(5) /proc/pid/maps, " (deleted)" after a replaced file's path; what needrestart
    reads): a process on an unlinked libgnutls keeps the unpatched TLS of its consoles and
    migration (R9H-8). A bundle without the maps asks about the libraries; where a binary is
    unread too, one question asks about both (R23R-1): a "yes" about the binaries alone would
    pass the libraries unasked. The same holds for the helpers libvirt starts with a VM and
    which emulate part of its devices (swtpm, its TPM: qemu_tpm.c qemuTPMEmulatorStart "start
    the external TPM Emulator and sync with it before QEMU start"; virtiofsd, its shared
    filesystem: qemu_virtiofs.c qemuVirtioFSStart; passt, libvirt's dbus-daemon): an swtpm
    update is not in effect until the VM restarts either, so their binaries and maps are
    judged alike (R23R-2)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.qemu_processes
        if not f.known:
            yield unknown(s, f, "every QEMU process runs the installed QEMU binary")
            continue
        qemus = f.get()
        if not qemus:
            yield not_applicable(s, "no QEMU process running", *f.sources)
            continue
        pids = {p.pid for p in qemus}
        vh = h.facts.vm_helpers
        helpers = [p for p in (vh.get() if vh.known else ()) if p.pid not in pids]
        refs = [*f.sources, *(vh.sources if helpers else ())]
        procs = [*qemus, *helpers]

        stale = [p for p in procs if p.binary_replaced]
        unread = [p for p in procs if p.binary_replaced is None]
        libs = [p for p in procs if p.replaced_libraries]
        maps_unread = [p for p in procs if p.replaced_libraries is None]
        if stale:
            names = ", ".join(_proc_name(p, pids) for p in stale[:8])
            yield failed(
                s,
                f"{len(stale)} {_proc_kind(stale, pids)} run a binary replaced by an update: {names}",
                *refs,
            )
        elif libs:
            names = ", ".join(
                f"{_proc_name(p, pids)} ({', '.join((p.replaced_libraries or ())[:4])})"
                for p in libs[:8]
            )
            yield failed(
                s,
                f"{len(libs)} {_proc_kind(libs, pids)} run shared libraries replaced by an update: {names}",
                *refs,
            )
        elif not unread and maps_unread:
            names = ", ".join(_proc_name(p, pids) for p in maps_unread[:8])
            yield manual(
                s,
                f"{len(procs)} {_proc_kind(procs, pids)} run the installed binary; the libraries "
                f"{len(maps_unread)} of them map were not read: {names}",
                *refs,
                question=f"Do the {_proc_listed(maps_unread, pids)} listed map only the shared libraries "
                "installed now? Evidence: `grep -F ' (deleted)' /proc/PID/maps` on the host for "
                "each listed process (or `needrestart -b`). Pass: yes, no .so path ends in "
                "'(deleted)'; fail: no, one does, so that VM still runs a library an update "
                "replaced.",
            )
        elif unread and maps_unread:
            # one item asks both: a "yes" about the binaries alone would pass the libraries
            # unasked (R23R-1)
            names = ", ".join(_proc_name(p, pids) for p in unread[:8])
            libs_names = ", ".join(_proc_name(p, pids) for p in maps_unread[:8])
            yield manual(
                s,
                f"the binary of {len(unread)} {_proc_kind(unread, pids)} could not be read: {names}; the "
                f"libraries {len(maps_unread)} of them map were not read: {libs_names}",
                *refs,
                question=f"Do the {_proc_listed(unread + maps_unread, pids)} listed run the "
                f"{_proc_binary(unread + maps_unread, pids)} installed now and map only the shared libraries "
                "installed now? Evidence: `ls -l /proc/PID/exe` and `grep -F ' (deleted)' "
                "/proc/PID/maps` on the host for each listed process (or `needrestart -b`). "
                "Pass: yes, no link and no .so path ends in '(deleted)'; fail: no, one does, so "
                f"that VM still runs the {_proc_program(unread + maps_unread, pids)} or a library an update "
                "replaced.",
            )
        elif unread:
            names = ", ".join(_proc_name(p, pids) for p in unread[:8])
            yield manual(
                s,
                f"the binary of {len(unread)} {_proc_kind(unread, pids)} could not be read: {names}",
                *refs,
                question=f"Do the {_proc_listed(unread, pids)} listed run the {_proc_binary(unread, pids)} installed "
                "now? Evidence: `ls -l /proc/PID/exe` on the host for each listed process. Pass: "
                "yes, no link ends in '(deleted)'; fail: one does, so that VM still runs the "
                f"{_proc_program(unread, pids)} an update replaced.",
            )
        else:
            also = f"; so do {len(helpers)} VM helper process(es)" if helpers else ""
            yield passed(s, f"{len(qemus)} QEMU process(es) run the installed binary{also}", *refs)


def _proc_name(p: QemuProcess, pids: set[int]) -> str:
    """A QEMU process by its guest (else its pid), a VM helper by its program and pid."""
    if p.pid in pids:
        return p.guest or str(p.pid)
    return f"{p.binary.rsplit('/', 1)[-1]} (pid {p.pid})"


def _proc_kind(ps: list[QemuProcess], pids: set[int]) -> str:
    """What the processes listed are: QEMU (pids), VM helpers, or both."""
    helper = any(p.pid not in pids for p in ps)
    qemu = any(p.pid in pids for p in ps)
    if helper and qemu:
        return "QEMU and VM helper process(es)"
    return "VM helper process(es)" if helper else "QEMU process(es)"


def _proc_listed(ps: list[QemuProcess], pids: set[int]) -> str:
    return _proc_kind(ps, pids).replace("process(es)", "processes")


def _proc_binary(ps: list[QemuProcess], pids: set[int]) -> str:
    return "QEMU binary" if _proc_kind(ps, pids) == "QEMU process(es)" else "binary"


def _proc_program(ps: list[QemuProcess], pids: set[int]) -> str:
    return "QEMU" if _proc_kind(ps, pids) == "QEMU process(es)" else "QEMU or helper"


@check(
    id="HVA-213",
    title="libvirt's own log reaches the system log",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-20"], "sp800-125a-r1": ["HY-SR-17"]},
    remediation='Leave log_outputs unset on a systemd host, or include "journald" or "syslog:" '
    "outputs in libvirtd.conf / virtqemud.conf; keep log_level at 3 or 4 and no debug (1:) "
    "log filter in production; let journald keep its journal (Storage= other than none) or "
    "forward to a syslog daemon that reads its socket.",
)
def libvirt_log_outputs(ctx: Context) -> Iterator[Outcome]:
    """What libvirt logs only reaches the forwarding path when it goes to the journal or syslog.
    Unset, log_outputs means the systemd journal when the host runs systemd, else
    /var/log/libvirt/libvirtd.log (libvirt docs/logging.rst; checks-catalog SR20-KVM-01). The QEMU
    driver's daemon is read: libvirtd, or virtqemud with the modular daemons. A `stderr` output
    reaches the journal on a systemd host: libvirt's units set no StandardError, which then
    inherits StandardOutput, the journal by default (systemd.exec(5)), unless the service
    manager's DefaultStandardError=/DefaultStandardOutput= (system.conf, its drop-ins, or the
    kernel command line's systemd.default_standard_error=/_output=) send it elsewhere
    (systemd-system.conf(5), R40L-3); without systemd it does not. The file is not the last
    word (R13H-3): libvirt's virDaemonSetupLogging applies
    "cmdline > environment > config", so LIBVIRT_LOG_OUTPUTS in the unit's environment
    (Environment=, EnvironmentFile=-/etc/default/<daemon> or /etc/sysconfig/<daemon>) replaces
    log_outputs, and `virt-admin daemon-log-outputs OUTPUTS` replaces a running daemon's outputs
    until it restarts (libvirt docs/kbase/debuglogs.rst): a running daemon's outputs are read
    with `virt-admin daemon-log-outputs` (without virt-admin, from the environment it started
    with, /proc/PID/environ: HL16-6), an idle one's environment from its units. Likewise
    LIBVIRT_DEBUG sets the log priority over log_level (virlog.c virLogSetFromEnv), so
    `LIBVIRT_DEBUG=1` (or `debug`) in the running daemon's environment (/proc/PID/environ) or
    its unit's floods the log as `log_level = 1` does. On a systemd host the journal, stderr
    and syslog(3) (/dev/log is journald's socket: systemd-journald.service(8)) all end in
    journald, so journald.conf `Storage=none` ("all log data received will be dropped",
    journald.conf(5)) without ForwardToSyslog to a running syslog daemon drops libvirt's log:
    a fail (HL15-1); so does a `MaxLevelStore=` above err, under which journald writes none of
    libvirt's errors (journald-server.c server_dispatch_message returns for a message above
    max_level_store; R35L-1), and forwarding that a `MaxLevelSyslog=` above err limits carries
    none of them either (R35L-2). A log filter at priority 1 (`log_filters = "1:*"`, or LIBVIRT_LOG_FILTERS
    in the daemon's environment, which replaces it) logs the sources it matches at debug and
    floods the log through an output at priority 1 (HL15-2, see _debug_filters). So does a
    debug default priority: the journal output libvirt picks when log_outputs is unset caps
    itself at info, so `log_level = 1` with the default output floods nothing (HL16-1, see
    _debug_output). A daemon unit's `LogLevelMax=` above err (systemd.exec(5); journald
    drops the unit's messages above it before storing or forwarding any: journald-context.h
    client_context_test_priority) keeps libvirt's errors out of the journal and syslog alike:
    a fail naming the setting (R35L-3). Its `LogFilterPatterns=` (systemd 253) has journald
    keep only the messages its regular expressions let through (journald-client.c
    client_context_check_keep_log): which those are is not judged, so it is asked (R37L-2).
    Its `LogNamespace=` sends its messages to that namespace's own journald, configured by
    /etc/systemd/journald@NAMESPACE.conf (not collected): asked too (systemd-journald.service(8)
    "Journal Namespaces", R37L-3). A `stderr` output reaches the journal only where the unit
    leaves standard error there: its StandardError= (or, inherited, StandardOutput=) set to
    null, a file, a tty or a socket fails (systemd.exec(5), R37L-4)."""
    yield from judged_at_boot(ctx, _libvirt_log_outputs)


def _libvirt_log_outputs(ctx: Context) -> Iterator[Outcome]:
    """HVA-213 on the deployment as `ctx` gives it (libvirt_log_outputs; judged_at_boot: R48L-1)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        files = daemon_files(h, "driver")
        units = h.facts.socket_units
        overrides = h.libvirt.log_outputs_override if h.libvirt else {}
        debug_env = h.libvirt.log_debug_env if h.libvirt else {}
        filters_env = h.libvirt.log_filters_env if h.libvirt else {}
        # each daemon's file with its unit's overrides and environment: one daemon's unread
        # is an ask beside the others, judged whatever it says; asked first and alone, a "yes"
        # to it passed a read file writing only to files (R36S-6). An error, the socket units
        # (whether systemd runs, which every file's verdict rests on) and n/a stand alone.
        facts_of = {
            f: [
                conf_fact(h, f),
                *(
                    x
                    for x in (
                        overrides.get(f.removesuffix(".conf")),
                        debug_env.get(f.removesuffix(".conf")),
                        filters_env.get(f.removesuffix(".conf")),
                    )
                    if x is not None
                ),
            ]
            for f in files
        }
        gap = first_unknown(*(x for fs in facts_of.values() for x in fs), units)
        if gap is not None and (gap.state is not FactState.UNAVAILABLE or not units.known):
            yield unknown(s, gap, "libvirt log_outputs include journald or syslog")
            continue
        unread = [(f, g) for f in files if (g := first_unknown(*facts_of[f])) is not None]
        problems, ok, refs = [], [], []
        malformed: list[tuple[str, str]] = []
        journalled: list[str] = []  # the ok entries whose messages go through journald
        patterned: list[str] = []  # the ok entries filtered by their unit's patterns
        spaced: list[str] = []  # the ok entries whose unit logs to a journal namespace
        stderr_unknown: list[str] = []  # stderr outputs whose destination is unknown (R41L-2)
        debug_unknown: list[str] = []  # debug outputs under an environment unknown (R45L-4)
        systemd = bool(units.get()) or not any(src.locator == "no systemd" for src in units.sources)
        for file in files:
            if any(file == f for f, _ in unread):
                continue
            outputs, src = conf_value(h, file, "log_outputs")
            level, lsrc = conf_value(h, file, "log_level")
            refs += [src, lsrc]
            name = file
            live = outputs  # the outputs in force, even one the default's spelling
            override = overrides.get(file.removesuffix(".conf"))
            if override is not None:
                value, where = override.get()
                live = value
                refs += list(override.sources)
                # a running daemon's virt-admin answer for libvirtd.conf's unset log_outputs is
                # the default's spelling; LIBVIRT_LOG_OUTPUTS set to it is named (R52L-3)
                default = (
                    outputs is None
                    and log_destinations(value) == ["journald"]
                    and systemd
                    and not where.startswith("LIBVIRT_LOG_OUTPUTS in ")
                )
                if value != outputs and not default:
                    # the outputs in force are not the file's: judge them, named by their source
                    name, outputs = f"{file.removesuffix('.conf')} ({where})", value
            dests = None if outputs is None else log_destinations(str(outputs))
            if outputs is None or dests == []:
                if systemd:
                    ok.append(f"{name}: log_outputs unset (the journal)")
                    journalled.append(ok[-1])
                else:
                    problems.append(f"{name}: log_outputs unset on a host without systemd (a file)")
            elif dests is None:
                malformed.append((name, str(outputs)))
            elif "journald" in dests or "syslog" in dests:
                ok.append(f"{name}: log_outputs {outputs!r}")
                journalled += ok[-1:] if systemd else []
            elif (
                "stderr" in dests
                and systemd
                and (
                    away := (h.libvirt.stderr_elsewhere if h.libvirt else {}).get(
                        file.removesuffix(".conf")
                    )
                )
            ):
                # the unit sends standard error elsewhere than the journal (R37L-4)
                problems.append(
                    f"{name}: log_outputs {outputs!r} writes only to files or stderr, and "
                    f"{away} sends stderr elsewhere than the journal"
                )
            elif (
                "stderr" in dests
                and systemd
                and (
                    unsure := (h.libvirt.stderr_unsettled if h.libvirt else {}).get(
                        file.removesuffix(".conf")
                    )
                )
            ):
                # where stderr goes rests on a manager default in a file not read (R41L-2)
                stderr_unknown.append(
                    f"{name}: log_outputs {outputs!r} writes only to files or stderr, and {unsure}"
                )
            elif "stderr" in dests and systemd:
                ok.append(f"{name}: log_outputs {outputs!r} (stderr goes to the journal)")
                journalled.append(ok[-1])
            else:
                problems.append(f"{name}: log_outputs {outputs!r} writes only to files or stderr")
            cap = (h.libvirt.log_level_cap if h.libvirt else {}).get(file.removesuffix(".conf"))
            if cap and ok and ok[-1].startswith(f"{name}: ") and systemd:
                # the unit's LogLevelMax= drops the daemon's errors in journald whatever
                # outputs it writes them to (R35L-3)
                entry = ok.pop()
                journalled = [j for j in journalled if j != entry]
                problems.append(f"{entry}, but {cap}")
            pats = (h.libvirt.log_filter_patterns if h.libvirt else {}).get(
                file.removesuffix(".conf")
            )
            if pats and ok and ok[-1].startswith(f"{name}: ") and systemd:
                # journald keeps only the messages the unit's patterns let through (R37L-2)
                patterned.append(f"{ok[-1]}, but journald matches its messages against {pats}")
            space = (h.libvirt.log_namespace if h.libvirt else {}).get(file.removesuffix(".conf"))
            if space and ok and ok[-1].startswith(f"{name}: ") and systemd:
                # a namespace's own journald takes its messages (R37L-3)
                spaced.append(f"{ok[-1]}, but {space} sends them to that journal namespace")
            debug = debug_env.get(file.removesuffix(".conf"))
            envs = debug.get() if debug is not None else ()
            refs += list(debug.sources) if debug is not None else []
            # LIBVIRT_DEBUG at another valid level in every environment read overrides the file
            overridden = bool(envs) and all(LIBVIRT_DEBUG_LEVELS.get(v, 1) > 1 for _, v in envs)
            # a debug priority floods the log only through an output writing debug (HL16-1)
            floods = _debug_output(h, live, systemd)
            if level == 1 and not overridden and floods:
                problems.append(f"{file}: log_level = 1 (debug, floods the log)")
            problems += [
                f"{where} (debug, floods the log)"
                for where, v in envs
                if LIBVIRT_DEBUG_LEVELS.get(v) == 1 and floods
            ]
            problems += _debug_filters(h, file, filters_env, live, refs)
            # the next start's LIBVIRT_DEBUG / LIBVIRT_LOG_FILTERS unknown (R45L-4): asked
            # where an output in force writes debug
            found = filters_env.get(file.removesuffix(".conf"))
            priority1 = live is not None and any(
                o.split(":")[0] == "1" for o in str(live).split(" ") if o
            )
            doubts = [where for where, v in envs if v == ENV_UNKNOWN and floods]
            doubts += [
                where
                for where, v in (found.get() if found is not None and found.known else ())
                if v == ENV_UNKNOWN and priority1
            ]
            if doubts:
                shown = f"log_outputs {live!r}" if live is not None else "its default output"
                debug_unknown.append(
                    f"{name}: {shown} writes debug messages, and {'; '.join(doubts)}"
                )
        drops = h.facts.journal_discards
        # the journal's unknown and a malformed file's question are asked in one item
        # (joined_asks): the journal's question alone, answered "yes", passed a file whose
        # outputs libvirt rejects, never asked (R34H)
        asks: list[Outcome] = []
        if (
            journalled
            and drops.state is FactState.UNAVAILABLE
            and DEV_LOG_TAKEN in (drops.reason or "")
            and libvirt_syslog_free(h)[0]
        ):
            # rsyslog took /dev/log from journald and reads nothing it forwards: with no
            # `syslog:` output in force none of libvirt's messages reach it (R48L-2)
            problems += [f"{entry}, but {drops.reason}" for entry in journalled]
            refs += list(drops.sources)
        if journalled and not problems and drops.state in (FactState.UNAVAILABLE, FactState.FAILED):
            kept = asked_gap(
                s,
                drops,
                "does systemd-journald keep or forward libvirt's messages? Evidence: "
                "`systemd-analyze cat-config systemd/journald.conf` on the host (the main file in "
                "use, the first found of /etc, /run, /usr/local/lib and /usr/lib/systemd/"
                "journald.conf, then its drop-ins) and the syslog daemons running. Pass: "
                "Storage= is not none and MaxLevelStore= keeps err (its default debug does), or "
                "ForwardToSyslog=yes (MaxLevelSyslog= keeping err) to a running syslog daemon "
                "that reads journald's socket; fail: Storage=none (or a MaxLevelStore= above "
                "err) and nothing forwarded",
                asks,
            )
            if kept is not None:
                yield kept  # an error: evidence whose collection failed, never a pass
                continue
        if journalled and drops.known and drops.get():
            problems += [f"{entry}, but {drops.get()}" for entry in journalled]
            refs += list(drops.sources)
        if problems:
            yield failed(s, "; ".join(problems), *refs)
            continue
        for file, g in unread:
            asked_gap(s, *_next_start_outputs(h, file, g, overrides), asks)
        for file, value in malformed:
            asks.append(
                manual(
                    s,
                    f"{file}: log_outputs {value!r} is not a list of outputs libvirt accepts",
                    *refs,
                    question=f"Does the daemon reading {file} log to the journal or syslog? "
                    "Evidence: `virt-admin daemon-log-outputs` on the host (libvirt rejects a "
                    "malformed log_outputs and keeps its default output). Pass: yes, a journald "
                    "or syslog output is listed; fail: only file or stderr outputs.",
                )
            )
        if stderr_unknown:
            asks.append(
                manual(
                    s,
                    "; ".join(stderr_unknown),
                    *refs,
                    question=f"Does standard error of libvirt's daemons on host {h.name} go to "
                    "the journal? Evidence: `systemctl show -p StandardError -p StandardOutput "
                    f"libvirtd.service virtqemud.service` on {h.name}. Pass: StandardError= "
                    "journal, kmsg or syslog (with or without +console), or inherit with "
                    "StandardOutput= one of those; fail: null, tty, a file or a socket.",
                )
            )
        if debug_unknown:
            asks.append(
                manual(
                    s,
                    "; ".join(debug_unknown),
                    *refs,
                    question=f"Do libvirt's daemons on host {h.name} start without LIBVIRT_DEBUG=1 "
                    "(or debug) and without a priority-1 filter in LIBVIRT_LOG_FILTERS? "
                    "Evidence: `systemctl show-environment` and `systemctl show -p Environment "
                    "-p EnvironmentFiles libvirtd.service virtqemud.service` on "
                    f"{h.name}. Pass: yes, neither is set; fail: no, either is (debug floods "
                    "the log).",
                )
            )
        if patterned:
            asks.append(
                manual(
                    s,
                    "; ".join(patterned) + " before it stores or forwards them",
                    *refs,
                    question=log_filter_patterns_question(h.name),
                )
            )
        if spaced:
            asks.append(
                manual(
                    s,
                    "; ".join(spaced)
                    + ", whose own journald (journald@NAMESPACE.conf, not collected) decides "
                    "whether they are kept or forwarded",
                    *refs,
                    question=log_namespace_question(h.name),
                )
            )
        if asks:
            yield joined_asks(s, asks)
        else:
            yield passed(s, "; ".join(ok), *refs)


def _next_start_outputs(
    h: Host, file: str, gap: Fact[Any], overrides: dict[str, Fact[tuple[str, str]]]
) -> tuple[Fact[Any], str]:
    """The gap HVA-213 asks of a daemon's file `file` and what it asks. Where the daemon is
    idle and its unit's environment is unknown, that environment decides both the file its
    next start reads (a --config FILE in $LIBVIRTD_ARGS: parse.host._unit_config_unknown) and
    the LIBVIRT_LOG_OUTPUTS that replaces the file's log_outputs (libvirt virdaemon.c
    virDaemonSetupLogging, "cmdline > environment > config"): the file's gap named only the
    first, and its generic question ("libvirt log_outputs include journald or syslog") was
    answered from the file, as it was where the environment alone is unknown (R48L-3). It
    names both, and asks for the outputs in force at the next start (a running daemon's
    outputs unread keep the generic question)."""
    daemon = file.removesuffix(".conf")
    override = overrides.get(daemon)
    what = "libvirt log_outputs include journald or syslog"
    config = (
        f"whether {daemon}.service starts it with --config FILE (another file than "
        f"/etc/libvirt/{file}) is unknown"
    )
    if (
        override is None
        or override.state is not FactState.UNAVAILABLE
        or gap.state is not FactState.UNAVAILABLE
        or override.reason.startswith("the running ")
    ):
        return gap, what
    if gap is not override:
        if not gap.reason.endswith(config) or override.reason not in gap.reason:
            return gap, what
        reason = gap.reason.removesuffix(config) + (
            "the LIBVIRT_LOG_OUTPUTS its next start takes (which replaces log_outputs) is "
            f"unknown, and so is {config.removesuffix(' is unknown')}"
        )
        gap = Fact.unavailable(reason, *gap.sources, *override.sources)
    return gap, (
        f"do libvirt's log outputs in force at {daemon}'s next start on host {h.name} include "
        "journald or syslog? Evidence: `systemctl show-environment` and `systemctl cat "
        f"{daemon}.service` on {h.name} (LIBVIRT_LOG_OUTPUTS in its environment, which "
        "replaces log_outputs; a --config FILE in its ExecStart=, $LIBVIRTD_ARGS among it, "
        f"names the file whose log_outputs count otherwise), or `virt-admin -c "
        f"{daemon}:///system daemon-log-outputs` once it has started. Pass: a journald or "
        "syslog output is in force; fail: only file or stderr outputs."
    )


def _debug_output(h: Host, outputs: object, systemd: bool) -> bool:
    """Whether an output in force writes debug messages (priority 1), so that a debug default
    priority (`log_level = 1`, LIBVIRT_DEBUG=1) floods the log (HL16-1).

    libvirt src/util/virlog.c (read with `find_string`/`read_file`): each output writes only
    messages at or above its own priority (virLogVMessage). An explicit output says its
    priority. With none in force (log_outputs unset or empty, or a value libvirt rejects:
    virDaemonSetupLogging then sets virLogGetDefaultOutput()) the default output is computed
    after the priority is set: on a systemd host (the journal's socket, stdin not a tty) it is
    the journal, and virLogSetDefaultOutputToJournald lowers a debug priority to info ("By
    default we don't want to log too much stuff into journald"; docs/kbase/debuglogs.rst:
    `virt-admin daemon-log-outputs ""` gives "2:journald"). That branch for a daemon started
    without --daemon, as the systemd units start it, is in libvirt's 6.x-era tree; the older
    virLogSetDefaultOutput gave such a daemon `stderr` at the default priority, and without
    systemd the default file output takes it too. So the journal default spares debug only
    where the installed libvirt is 7.0 or later; an older or unknown one is taken to flood."""
    value = "" if outputs is None else str(outputs)
    if log_destinations(value):
        return any(o.split(":")[0] == "1" for o in value.split(" ") if o)
    return not (systemd and (libvirt_major(h) or 0) >= 7)


def libvirt_major(h: Host) -> int | None:
    """The major version of the installed libvirt daemon package (Debian/Ubuntu and RPM
    libvirt-daemon, Arch libvirt; an epoch `N:` dropped), None when no package list says."""
    pk = h.facts.packages
    found = pk.get() if pk.known else {}
    version = found.get("libvirt-daemon") or found.get("libvirt") or ""
    major = version.rpartition(":")[2].split(".")[0]
    return int(major) if digits(major) else None


def _debug_filters(
    h: Host,
    file: str,
    filters_env: dict[str, Fact[tuple[tuple[str, str], ...]]],
    outputs: object,
    refs: list[Source],
) -> list[str]:
    """The debug filters in force for the daemon of `file` when an output in force writes
    debug messages, each "where (debug, floods the log)".

    libvirt src/util/virlog.c (read with `read_file`): a message is kept when its priority
    reaches its source's, which is that of the first filter whose match is in the source's name
    (virLogSourceUpdate; virLogFilterNew makes `foo` the glob `*foo*`), else the default
    priority (log_level); each output then writes only messages at or above its own priority
    (virLogVMessage). So `1:*` gives every source the debug priority as `log_level = 1` does, and
    floods the log only through an output at priority 1: the default output never is one (the
    journald default is at most info: virLogSetDefaultOutputToJournald; the file default takes
    log_level). LIBVIRT_LOG_FILTERS, when not empty, replaces the file's log_filters
    (virLogSetFromEnv after virDaemonSetupLogging's virLogSetFilters)."""
    if (
        outputs is None
        or not any(o.split(":")[0] == "1" for o in str(outputs).split(" ") if o)
        or log_destinations(str(outputs)) is None
    ):
        return []
    found = filters_env.get(file.removesuffix(".conf"))
    envs = found.get() if found is not None else ()
    refs += list(found.sources) if found is not None else []
    value, src = conf_value(h, file, "log_filters")
    refs.append(src)
    candidates = [(where, v) for where, v in envs if v]
    if value and (not envs or any(not v for _, v in envs)):
        candidates.append((f"{file}: log_filters {value!r}", str(value)))
    return [f"{where} (debug, floods the log)" for where, v in candidates if debug_filters(v)]


def debug_filters(value: str) -> list[str]:
    """The matches a libvirt log_filters value logs at debug (priority 1) and no earlier filter
    takes for every source, [] when libvirt would reject the value.

    libvirt virlog.c virLogParseFilters / virLogParseFilter: filters separated by spaces, each
    `priority:match` with a priority of 1 to 4 and a match not empty once a leading '+' is
    dropped (tokens after a second ':' are ignored); one malformed filter rejects the value.
    The first filter matching a source decides (virLogSourceUpdate), so after a match of only
    '*' (every source) no later filter is reached."""
    debug: list[str] = []
    reached = True
    for f in value.split(" "):
        if not f:
            continue
        tokens = f.split(":")
        match = tokens[1].removeprefix("+") if len(tokens) > 1 else ""
        if not (digits(tokens[0]) and 1 <= int(tokens[0]) <= 4) or not match:
            return []
        if reached and int(tokens[0]) == 1:
            debug.append(match)
        reached = reached and match.strip("*") != ""
    return debug


#: Architectures of 64-bit syscall tables (auditctl(8) `arch`): a rule limited to b32 misses the
#: 64-bit syscalls every native program makes.
_ARCH64 = ("b64", "x86_64", "aarch64", "ppc64", "ppc64le", "s390x", "riscv64")

#: System calls that change a file or a directory entry, the ones a watch with perm=wa records:
#: the kernel's write, directory-write and attribute classes (include/asm-generic/
#: audit_write.h, audit_dir_write.h, audit_change_attr.h, read with `read_file`: rename, mkdir,
#: rmdir, creat, link, unlink, symlink, mknod and their *at forms, truncate, chmod, chown,
#: *xattr ...) and the opens that a perm= rule judges by their flags (audit_classify_syscall:
#: open, openat, openat2). A never rule naming none of them (`-S adjtimex`, `-S mount`) drops
#: no record of a write (R20H-6).
_FILE_WRITE_SYSCALLS = frozenset(
    [
        "open",
        "openat",
        "openat2",
        "open_by_handle_at",
        "creat",
        "truncate",
        "truncate64",
        "ftruncate",
        "ftruncate64",
        "rename",
        "renameat",
        "renameat2",
        "mkdir",
        "mkdirat",
        "rmdir",
        "link",
        "linkat",
        "unlink",
        "unlinkat",
        "symlink",
        "symlinkat",
        "mknod",
        "mknodat",
        "chmod",
        "fchmod",
        "fchmodat",
        "fchmodat2",
        "chown",
        "fchown",
        "lchown",
        "fchownat",
        "chown32",
        "fchown32",
        "lchown32",
        "setxattr",
        "lsetxattr",
        "fsetxattr",
        "setxattrat",
        "removexattr",
        "lremovexattr",
        "fremovexattr",
        "removexattrat",
        "utime",
        "utimes",
        "utimensat",
        "futimesat",
    ]
)


def _rule_arches(opts: dict[str, list[str]]) -> frozenset[str]:
    """The system-call ABIs an exit rule applies to: "64" (native) and "32" (compat). Without an
    arch field a rule matches every ABI; `-F arch=b64` only the native calls: the kernel
    compares the field with the call's own arch (kernel/auditsc.c audit_filter_rules,
    `case AUDIT_ARCH: result = audit_comparator(ctx->arch, f->op, f->val)`), and a 32-bit
    program's calls on a 64-bit kernel carry the 32-bit arch (ausyscall(8): "If they are
    different, you will have to write two auditctl rules to get complete coverage", b32 and
    b64; DISA's RHEL STIG: "On dual-architecture systems, two separate rules must exist - one
    for each architecture supported"; both found with `search`). A -w watch has no arch."""
    for field in opts.get("-F", []):
        if field.startswith("arch="):
            return frozenset({"64" if field[5:] in _ARCH64 else "32"})
        if field.startswith("arch!="):
            return frozenset({"32" if field[6:] in _ARCH64 else "64"})
    return frozenset({"64", "32"})


#: An -F field as auditctl -l prints it: name, operator (auditctl(8) -F: =, !=, <, >, <=, >=,
#: & and &=), value.
_FIELD_OP = re.compile(r"([A-Za-z_0-9]+)(!=|<=|>=|&=|=|<|>|&)(.*)")


def _result_fields(opts: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """The rule's comparisons of a call's result (success, exit) as (name, operator, value),
    whatever the operator: `-F success!=1` or `-F exit<0` limit a rule to some calls as much as
    `success=0` does (R21A-5)."""
    out = []
    for field in opts.get("-F", []):
        m = _FIELD_OP.fullmatch(field)
        if m is not None and m.group(1) in ("success", "exit"):
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def _only_failures(opts: dict[str, list[str]]) -> bool:
    """The rule matches failed system calls only: `success=0` or `success!=1`, or `exit=` a
    negative errno, `exit<0`, `exit<=-1` (auditctl(8) -F success, exit). The kernel compares
    with the field's own operator (kernel/auditsc.c audit_filter_rules: `case AUDIT_EXIT:
    result = audit_comparator(ctx->return_code, f->op, f->val)`, and for AUDIT_SUCCESS the
    call's return_valid against AUDITSC_SUCCESS where the value is non-zero, AUDITSC_FAILURE
    where it is 0; read with `find_string`), and a rule's fields are ANDed, so one such field
    is enough. `success=1` or `exit=0` match the successful calls, the changes themselves
    (R20H-6); `exit!=0` matches an open's returned descriptor too (R21A-5)."""
    for name, op, value in _result_fields(opts):
        if name == "success":
            nonzero = value.strip() not in ("0", "")
            if (op == "=" and not nonzero) or (op == "!=" and nonzero):
                return True
            continue
        if value.startswith("-E"):
            number = -1  # an errno name: auditctl -l prints a negative result so
        else:
            try:
                number = int(value, 0)
            except ValueError:
                continue
        if (op == "=" and number < 0) or (op == "<" and number <= 0) or (op == "<=" and number < 0):
            return True
    return False


def _audit_rule(rule: str) -> dict[str, list[str]] | None:
    """The options of one `auditctl -l` line: -w/-p/-a/-S values and -F fields (as "name=value",
    "name!=value" ...), or None when the line cannot be split."""
    try:
        words = shlex.split(rule)
    except ValueError:
        return None
    opts: dict[str, list[str]] = {}
    for flag, value in itertools.pairwise(words):
        if flag in ("-w", "-p", "-a", "-A", "-S", "-F", "-k", "-d", "-W"):
            opts.setdefault(flag, []).append(value)
    return opts


def _rule_key(opts: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A rule's options compared as auditctl's -d/-W do ("The rule is deleted only if it exactly
    matches syscall name(s) and every field name and value", auditctl(8)): -d as -a, -W as -w."""
    alias = {"-d": "-a", "-A": "-a", "-W": "-w"}
    out: dict[str, list[str]] = {}
    for flag, values in opts.items():
        out.setdefault(alias.get(flag, flag), []).extend(values)
    return tuple(sorted((k, tuple(sorted(v))) for k, v in out.items()))


def _augenrules_built(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The audit.rules `augenrules` builds from the rules.d files' lines (audit-userspace
    init.d/augenrules, read with `read_file`): its awk keeps, in this order of tests, the last
    line starting with -e, the last bare -D, the last line starting with -f and the last starting
    with -b, drops their earlier ones, and prints the -D, -b and -f lines first, every other line
    in order, the -e line last. A line is matched on its first option only, so `-b 8192 -e 2`
    goes second and its -e applies there (R33L-8). The lines come as _auditctl_words spells
    them, which keeps the first option's letter."""
    minus_e = minus_d = minus_f = minus_b = ""
    rules: list[str] = []
    for line in lines:
        first = line.split()[0] if line.split() else ""
        if first.startswith("-e"):
            minus_e = line
        elif first == "-D" and len(line.split()) == 1:
            minus_d = line
        elif first.startswith("-f"):
            minus_f = line
        elif first.startswith("-b"):
            minus_b = line
        else:
            rules.append(line)
    return tuple(x for x in (minus_d, minus_b, minus_f, *rules, minus_e) if x)


def _load_order(lines: tuple[str, ...], augenrules: bool) -> tuple[str, ...]:
    """The rules a rules file leaves loaded, in the kernel's list order, as `auditctl -R` reads
    it line by line (auditctl(8)): `-A list,action` adds a rule "to the beginning" of its list
    (an `-A never,exit` after a watch comes before it), `-D` deletes all rules and watches
    (with `-k KEY`, those of that key), `-d`/`-W` delete the rule or watch that matches
    exactly. augenrules (audit-userspace init.d/augenrules.in, fetched) emits "the last
    processed -D directive without an option ... as the first line" of the rebuilt
    audit.rules, so with `augenrules` a bare -D deletes none of the set's rules; a hand-loaded
    audit.rules (`auditctl -R`) deletes where it stands (R21D-3). In a hand-loaded audit.rules
    `-e 2` locks the rules where it stands: the kernel refuses every rule change after it (Linux
    kernel/audit.c audit_receive_msg, AUDIT_ADD_RULE / AUDIT_DEL_RULE with audit_enabled ==
    AUDIT_LOCKED: -EPERM) and `auditctl -R` stops at the first error unless told to ignore it
    (audit-userspace src/auditctl.c fileopt); augenrules emits the last -e as the last line, so
    there it locks nothing early (R30L-4, _locked_early). The `-e 2` may stand anywhere in its
    line (`-b 8192 -e 2`: auditctl's getopt loop applies each option of the line in turn,
    R33L-7). With `augenrules` the lines are loaded as augenrules builds them
    (_augenrules_built), where a -b or -f line holding `-e 2` goes before every rule (R33L-8)."""
    if augenrules:
        lines, augenrules = _augenrules_built(lines), False
    out: list[str] = []
    for line in lines:
        words = line.split()
        if not words:
            continue
        flag = words[0]
        if not augenrules and "2" in auditctl_enable_args(line):
            break
        opts = _audit_rule(line)
        if flag == "-D":
            keys = (opts or {}).get("-k", [])
            if not keys:
                if not augenrules:
                    out = []
                continue
            out = [
                r
                for r in out
                if not (
                    (o := _audit_rule(r)) is not None
                    and set(keys)
                    & {*o.get("-k", []), *(f[4:] for f in o.get("-F", []) if f.startswith("key="))}
                )
            ]
        elif flag in ("-d", "-W") and opts is not None:
            gone = _rule_key(opts)
            out = [r for r in out if (o := _audit_rule(r)) is None or _rule_key(o) != gone]
        elif flag == "-A":
            out.insert(0, line)
        else:
            out.append(line)
    return tuple(out)


def _covers(watched: str, path: str) -> bool:
    """A recursive watch of directory `watched` covers `path` (the same or a descendant)."""
    w = watched.rstrip("/") or "/"
    return path == w or path.startswith(w.rstrip("/") + "/")


def _watch_of_writes(opts: dict[str, list[str]], path: str, arch: str = "64") -> str | None:
    """ "always" when the rule records writes anywhere under directory `path` made with system
    calls of ABI `arch` ("64" native, "32" compat, _rule_arches), "never" when it is a
    suppression (never action) of such events, None when it does neither."""
    fields = dict(f.split("=", 1) for f in opts.get("-F", []) if "=" in f and "!" not in f)
    if "-w" in opts:  # a watch: -w DIR is a dir= rule, perms default to rwxa (auditctl(8) -w, -p)
        if not any(_covers(w, path) for w in opts["-w"]):
            return None
        return "always" if "w" in (opts.get("-p") or ["rwxa"])[0] else None
    if arch not in _rule_arches(opts):
        return None  # another ABI's calls (a b32 rule records no 64-bit call, and the reverse)
    lists = (opts.get("-a") or opts.get("-A") or [""])[0].split(",")
    if "exit" in lists and "never" in lists and _matches_every_syscall(opts, fields):
        return "never"  # `-a never,exit -F arch=b64 -S all`: the first match of every call
    if "exit" not in lists or not _covers(fields.get("dir", "\0"), path):
        return None  # path= is one inode: a file watch, not the tree (auditctl(8) dir, path)
    if "never" in lists:
        return "never" if _drops_writes(opts, fields) else None
    if "always" not in lists:
        return None
    if _result_fields(opts):
        return None  # only failed / particular results, whatever the operator (R21A-5)
    if _writer_fields(opts):
        return None  # only some writers' changes (auid>=1000, exe=...): part of the writes
    if "perm" in fields and "w" not in fields["perm"]:
        return None
    # every syscall only without -S or with -S all: a -S list limits the rule to the calls it
    # names, perm= or not (kernel/auditsc.c audit_filter_syscall: a rule matches where
    # `audit_in_mask(&e->rule, ctx->major) && audit_filter_rules(...)`, the syscall list ANDed
    # with the fields, perm= among them), so `-S chmod -F perm=wa` records no open for writing
    # (R20H-1)
    return "always" if opts.get("-S", ["all"]) == ["all"] else None


#: -F fields of an exit rule that do not narrow which writes it records: the architecture (judged
#: on its own), the watched tree, the access kinds (judged on their own) and the key.
_WHOLE_TREE_FIELDS = ("arch", "dir", "perm", "key", "success", "exit")


def _writer_fields(opts: dict[str, list[str]]) -> list[str]:
    """The -F comparisons of a rule that limit it to some processes or files. auditctl(8) -F:
    the fields of one rule are ANDed, so a rule with `auid>=1000` (a CIS benchmark pattern),
    `auid!=-1` (RHEL's auditctl examples: "used to exclude users whose login UID is not set"),
    `uid=`, `exe=`, `pid=`, `subj_type=` ... records only the writes of the processes that
    match: root's own logins (auid 0), daemons started at boot (auid unset) or every other
    program then edit the tree unrecorded (auditctl(8) and RHEL's "Examples of audit rules
    defined with auditctl", found with `search`)."""
    out = []
    for field in opts.get("-F", []):
        name = re.match(r"[A-Za-z_0-9]*", field)
        if name and name.group(0) not in _WHOLE_TREE_FIELDS:
            out.append(field)
    return out


def _matches_every_syscall(opts: dict[str, list[str]], fields: dict[str, str]) -> bool:
    """An exit-list rule that matches every 64-bit system call: no field but the arch (64-bit or
    none given, auditctl(8) -F arch) and no -S or -S all. As a never rule listed first it
    suppresses every event of that list, the watches' included (auditctl(8) never: "the event
    triggers on the first matching rule")."""
    raw = list(opts.get("-F", []))
    others = [f for f in raw if not f.startswith("arch=")]
    if others or "-w" in opts:
        return False
    return opts.get("-S", ["all"]) == ["all"]


def _rule_dirs(opts: dict[str, list[str]]) -> list[str]:
    """The trees a rule watches (-w DIR, -F dir=DIR)."""
    return opts.get("-w", []) + [f[4:] for f in opts.get("-F", []) if f.startswith("dir=")]


def _suppressed(
    rules: tuple[str, ...], path: str, arch: str = "64"
) -> tuple[str, str, bool] | None:
    """A `never` exit rule that drops the records of some writes under directory `path` which
    its watch would record: (the rule, what it drops, whether it drops them for every process).
    The exit list triggers on the first matching rule (auditctl(8) `never`), so a never rule for
    a part of the tree (`-F dir=/etc/libvirt/qemu`, the VM definitions) listed before the watch
    wins there; a `-F path=` rule is an inode rule (kernel/auditfilter.c audit_add_rule puts a
    watch rule in audit_inode_hash), which audit_filter_inodes applies after the exit list
    (kernel/auditsc.c audit_take_context / __audit_syscall_exit: audit_filter_syscall, then
    audit_filter_inodes, each setting ctx->current_state), so it wins wherever it is listed. A
    never rule with process fields and no tree (`-F subj_type=crond_t`, `-F exe=...`,
    `-F auid=unset`) before the watch drops the writes of the processes it matches. Rules
    limited to failed calls (success=, exit=), to accesses other than writes (perm= without w)
    or to calls that change no file are not taken as suppressing writes (R20H-2, R20H-6). Only
    the rules matching system calls of ABI `arch` ("64", "32": _rule_arches) count, so a never
    rule limited to `-F arch=b32` drops 32-bit programs' writes only (R20H-11)."""
    seen = False  # the watch of `path` listed already
    for rule in rules:
        opts = _audit_rule(rule)
        if opts is None:
            continue
        if _watch_of_writes(opts, path, arch) == "always":
            seen = True
            continue
        lists = (opts.get("-a") or opts.get("-A") or [""])[0].split(",")
        if "exit" not in lists or "never" not in lists:
            continue
        fields = dict(f.split("=", 1) for f in opts.get("-F", []) if "=" in f and "!" not in f)
        if arch not in _rule_arches(opts) or not _drops_writes(opts, fields):
            continue
        procs = [f for f in _writer_fields(opts) if not f.startswith("path=")]
        calls = "" if (named := _named_syscalls(opts)) is None else f" ({','.join(named)})"
        target = fields.get("dir") or fields.get("path")
        if target is not None:
            if "path" in fields and target.rstrip("/") == path:
                # an inode rule on the watched directory itself: fs/namei.c filename_parentat
                # and open_last_lookups (O_CREAT) record the parent directory's inode
                # (audit_inode(..., AUDIT_INODE_PARENT)) for every create, unlink, rename,
                # mkdir in it, and audit_filter_inodes matches any name of the call (R20H-6)
                what = f"files created, renamed or removed in {path}{calls}"
                return rule, what, not procs
            inside = target.rstrip("/") != path and _covers(path, target)
            if inside and ("path" in fields or not seen):
                return rule, f"writes to {target.rstrip('/')}{calls}", not procs
        elif procs and not seen:
            return rule, f"writes by the processes it matches ({' '.join(procs)}){calls}", False
    return None


def _named_syscalls(opts: dict[str, list[str]]) -> list[str] | None:
    """The system calls a rule's -S options name (`-S unlink,rename -S chmod`), None for every
    call (no -S, or -S all)."""
    names = [n for v in opts.get("-S", []) for n in v.split(",") if n]
    return None if not names or "all" in names else names


def _drops_writes(opts: dict[str, list[str]], fields: dict[str, str]) -> bool:
    """A never exit rule can drop the record of a successful write: it is not limited to failed
    calls (_only_failures), its -S list (if any) names a call that changes files
    (_FILE_WRITE_SYSCALLS: `-S unlink,rename` drops the removal and rename records the watch
    makes, R20H-6), and its perm= (if any) has w or a."""
    named = _named_syscalls(opts)
    if _only_failures(opts):
        return False
    if named is not None and not _FILE_WRITE_SYSCALLS.intersection(named):
        return False
    return not ("perm" in fields and "w" not in fields["perm"])


def _watched(rules: tuple[str, ...], path: str, arch: str = "64") -> bool:
    """An audit rule records writes anywhere under directory `path` made with system calls of
    ABI `arch`, and no earlier never-rule suppresses them (the exit list triggers on the first
    matching rule, auditctl(8) `never`)."""
    for rule in rules:
        opts = _audit_rule(rule)
        verdict = _watch_of_writes(opts, path, arch) if opts is not None else None
        if verdict is not None:
            return verdict == "always"
    return False


@check(
    id="HVA-214",
    title="Kernel audit rules watch the virtualization configuration",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-20"], "sp800-125a-r1": ["HY-SR-17"]},
    remediation="Add audit rules such as `-w /etc/libvirt -p wa -k libvirt-config` and "
    "`-w /etc/polkit-1 -p wa -k polkit` (e.g. /etc/audit/rules.d/libvirt.rules) and load them.",
    platforms=("kvm-libvirt",),
)
def audit_rules(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-17 wants configuration changes logged. auditd loads no custom rules by default
    (checks-catalog SR20-KVM-03), so a change to libvirt's configuration or to who may administer
    it (polkit) leaves no record unless a watch covers /etc/libvirt and /etc/polkit-1.

    Rules are read as auditctl(8) defines them: `-w DIR` (or `-F dir=DIR`) watches the whole tree,
    so only a watch of the directory itself or of a parent covers it (`-w /etc/libvirt/qemu.conf`
    covers one file, `-F path=` one inode); `-p`/`-F perm=` say which accesses trigger it and
    must include w (`-w` without -p means rwxa); an -F rule records only the -S syscalls, all of
    them only without -S or with -S all, perm= or not (kernel/auditsc.c audit_filter_syscall
    ANDs the syscall list with the fields: `-S chmod -F perm=wa` records no write, R20H-1); a
    b32-only or success/exit-limited rule records
    part of the writes, and so does one limited to some processes (auditctl(8) -F fields are
    ANDed: `-F auid>=1000 -F auid!=-1` misses root's logins and boot-started daemons, `-F exe=`
    every other program); the exit list triggers on the first matching rule, so an earlier
    `never` rule for the tree suppresses the watch, one for a part of it (a `-F dir=` below it,
    or a `-F path=` inode rule wherever it is listed) fails naming it, and one before the
    watch limited to some processes (`-F subj_type=crond_t`, `-F exe=`: the common "Cron jobs
    fill the logs" rule) is a question (R20H-2, _suppressed); a never rule drops writes unless
    it matches failed calls only (success=0, exit=-E...) or names no call that changes a file
    (`-S unlink,rename` or `success=1` do, and a `-F path=` rule on the watched directory itself
    drops every create, rename and removal in it, R20H-6); a rule of one ABI (`-F arch=b64`)
    misses a 32-bit program's calls, a fail on x86 unless ia32_emulation=0 (a question where
    the running kernel predates the parameter, Linux 6.7, or its release was not read, R35B-2,
    or where the next boot drops the word, R35B-3), a question elsewhere (R20H-7,
    _compat_unwatched), and a never rule limited to `-F arch=b32` drops a
    32-bit program's writes where the host runs them (R20H-11, _drops); an exclude rule matching the
    SYSCALL or PATH record type drops what the watches write (kernel audit_log_start, R6-8).

    The records must also be kept (R9H-1, the twin of HVA-201's R8H-12): with no auditd
    connected the kernel holds them in a queue bounded by the backlog limit and prints them via
    printk_ratelimit() only, "audit_log_lost(\"printk limit exceeded\")" otherwise (Linux
    kernel/audit.c kauditd_hold_skb, kauditd_printk_skb), so a stopped auditd fails; auditd
    keeps them only where it writes its log (auditd.conf(5) write_logs, default yes) or hands
    them to an active dispatcher plugin (auditd-plugins(5)): write_logs = no with no plugin
    active fails, with one a question naming it. The watches must outlive a reboot: auditctl(8)
    changes only the running kernel's rules, and the boot loads /etc/audit/audit.rules, which
    augenrules(8) builds from /etc/audit/rules.d/*.rules; watches loaded but in neither are a
    question (a boot unit of its own may load them), the files unread keep the pass (R11H-6);
    a boot rules file that switches auditing off (`-e 0`, which augenrules(8) applies last) is
    a question too (R13H-4). A watch in /etc/audit/audit.rules that no rules.d/*.rules file
    holds, where rules.d has such files, is a question as well: augenrules (audit-userspace
    init.d/augenrules) rebuilds audit.rules from rules.d and replaces it whenever the two
    differ, and audit-rules.service runs `augenrules --load` at boot (R14H-4). A never rule in
    the rules the next boot loads that drops the watched writes (_drops over the rules.d files
    in `ls -1v` order, and over audit.rules) fails where every such set holds it, and is a
    question where one does (R21A-4, _boot_drops). The boot's rule files are read as they
    load (_load_order): an `-A` rule goes to the front of its list and a `-D` deletes the rules
    before it in a hand-loaded audit.rules (augenrules hoists a bare -D), so a watch they hide
    or delete is no watch (R21D-3)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for o in _audit_rules_now(ctx):
        yield audit_at_next_boot(o, hosts[o.subject.name])


def _audit_rules_now(ctx: Context) -> Iterator[Outcome]:
    """HVA-214 on the running boot (audit_rules; audit_at_next_boot adds the next one's)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.audit_rules
        if (off := kernel_audit_off(h)) is not None:
            word, src = off
            yield failed(
                s,
                f"the kernel booted with {word}: kernel auditing is off until a reboot, no rule "
                "records anything",
                *f.sources,
                src,
            )
            continue
        if (off := audit_switched_off(h)) is not None:
            word, src = off
            yield failed(
                s,
                f"kernel auditing is switched off at run time ({word}): the loaded rules "
                "record nothing",
                *f.sources,
                src,
            )
            continue
        if not f.known:
            # the loaded rules not read: their question joins the open conditions of what
            # becomes of the records, and a fail that does not rest on the loaded rules (auditd
            # not running or none registered, a sink discarding every record, the next boot's
            # never rule) wins; the rules' question alone hid those, and a "yes" to it passed
            # them (R34U-6)
            kept = _audit_records_kept(h, f.sources)
            later = _boot_drops(h)
            lost = next((o for o in (*kept, later) if o and o.status is Status.FAIL), None)
            if lost is not None:
                yield lost
                continue
            open_asks: list[Outcome] = []
            stop = asked_gap(
                s, f, "audit rules watch /etc/libvirt and /etc/polkit-1 for writes", open_asks
            )
            stop = stop or next(
                (o for o in kept if o.status not in (Status.FAIL, Status.MANUAL)), None
            )
            if stop is not None:
                yield stop  # an error: evidence whose collection failed, never a pass
                continue
            open_asks += [o for o in kept if o.status is Status.MANUAL]
            yield joined_asks(s, open_asks)
            continue

        missing = [p for p in ("/etc/libvirt", "/etc/polkit-1") if not _watched(f.get(), p)]
        if missing:
            limited = [
                f"{' '.join(_writer_fields(o))}"
                for rule in f.get()
                if (o := _audit_rule(rule)) is not None
                and _writer_fields(o)
                and any(_covers(o_dir, p) for p in missing for o_dir in _rule_dirs(o))
            ]
            # an always rule for the tree limited to named syscalls (R20H-1)
            named = [
                f"-S {','.join(o['-S'])}"
                for rule in f.get()
                if (o := _audit_rule(rule)) is not None
                and o.get("-S", ["all"]) != ["all"]
                and "always" in (o.get("-a") or o.get("-A") or [""])[0].split(",")
                and any(_covers(o_dir, p) for p in missing for o_dir in _rule_dirs(o))
            ]
            yield failed(
                s,
                f"no audit watch for writes to {', '.join(missing)} "
                f"({len(f.get())} rule(s) loaded)"
                + (
                    f"; the rules for it record only some writers ({'; '.join(limited[:3])})"
                    if limited
                    else ""
                )
                + (
                    f"; the rules for it record only the system calls they name "
                    f"({'; '.join(dict.fromkeys(named[:3]))})"
                    if named
                    else ""
                ),
                *f.sources,
            )
            continue
        # every open condition of the host is asked in one item (joined_asks), a fail found
        # anywhere wins over the questions, and an unknown that asks nothing (an error) over
        # them too: the chain asked its first question alone, so an attested "yes" to it passed
        # the check with a later fail or question never put (R34 elif probes site 3, R34H)
        asks: list[Outcome] = []
        compat = _compat_unwatched(h, f.get())
        if compat is not None and compat.status is Status.FAIL:
            yield compat
            continue
        if compat is not None:
            asks.append(compat)
        if dropping := _drops(h, f.get(), every=True):
            yield failed(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1, but "
                + "; ".join(
                    f"`{rule}` drops the records of {what}" for _, rule, what, _ in dropping
                )
                + " (a never rule wins over the watch: the exit list stops at the first match, "
                "an inode rule of -F path= is applied after it)",
                *f.sources,
            )
            continue
        kept = _audit_records_kept(h, f.sources)
        if (lost := next((o for o in kept if o.status is Status.FAIL), None)) is not None:
            yield lost
            continue
        asks += [o for o in kept if o.status is Status.MANUAL]
        gap = next((o for o in kept if o.status not in (Status.FAIL, Status.MANUAL)), None)
        dropped = audit_records_filtered(f.get(), WATCH_RECORD_TYPES, user=False)
        if dropped is not None and dropped[1]:
            yield failed(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1, but the kernel drops the "
                f"records they write: `{dropped[0]}`",
                *f.sources,
            )
            continue
        if dropped is not None:
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1; the rule "
                    f"`{dropped[0]}` drops their records for the processes it matches",
                    *f.sources,
                    question="Does the listed exclude audit rule leave the records of writes to "
                    "/etc/libvirt and /etc/polkit-1 alone? Evidence: `auditctl -l` on the host "
                    "and the processes its other fields match. Pass: yes, no administrator's or "
                    "daemon's write is excluded; fail: it excludes writers of those trees.",
                )
            )
        if partial := _drops(h, f.get(), every=False):
            _, rule, what, _ = partial[0]
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1, but the never rule "
                    f"`{rule}`, listed before the watch of "
                    f"{' and '.join(p for p, *_ in partial)}, drops the records of {what}",
                    *f.sources,
                    question=f"Does the never audit rule `{rule}` on host {h.name} leave the "
                    "writes to /etc/libvirt and /etc/polkit-1 recorded? Evidence: `auditctl -l` "
                    "(the rules listed before the watches) and the processes and files its "
                    "fields match (cron jobs, libvirt's daemons, configuration tools). Pass: "
                    "nothing that changes those trees matches it; fail: an administrator's, "
                    "daemon's or job's writes there do.",
                )
            )
        # whether the next boot loads the watches: a tree no boot set watches (gone), one only
        # /etc/audit/audit.rules watches (rebuilt by augenrules), one only rules.d's set keeps
        # (hand-loaded audit.rules): a tree is in one of them at most
        boot = h.facts.audit_rules_persistent
        gone = (
            [
                p
                for p in ("/etc/libvirt", "/etc/polkit-1")
                if not any(_watched(rules, p) for _, rules in _boot_sets(h))
            ]
            if boot.known
            else []
        )
        if gone:
            ahead = next(
                (x for _, rules in _boot_sets(h) if (x := _first_never(rules, gone))), None
            )
            none = any(x.locator == AUDIT_RULES_NONE for x in boot.sources)
            locked = _locked_early(h, gone)
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but "
                    + (
                        f"{AUDIT_RULES_NONE}, the files the boot loads its rules from"
                        if none
                        else "neither /etc/audit/audit.rules nor /etc/audit/rules.d/*.rules watches "
                        f"{', '.join(gone)}"
                    )
                    + (
                        f" ({locked}: it locks the rules, and the kernel refuses every rule loaded "
                        "after it)"
                        if locked
                        else f" (`{ahead}` comes before the watch as the rules load: an -A rule goes "
                        "to the front of its list)"
                        if ahead
                        else ": a rule loaded with auditctl alone is gone at the next boot"
                    ),
                    *f.sources,
                    *boot.sources,
                    question="Does the host load the audit watches of "
                    f"{' and '.join(gone)} again at every boot? Evidence: the files "
                    "/etc/audit/rules.d/*.rules and /etc/audit/audit.rules, and any unit or script "
                    "that runs auditctl at boot (`systemctl cat auditd.service`). Pass: yes, a rule "
                    "file or boot unit loads them; fail: they were loaded by hand only.",
                )
            )
        rules_d = h.facts.audit_rules_d
        d_rules = (
            _load_order(tuple(r for rs in rules_d.get().values() for r in rs), augenrules=True)
            if rules_d.known and rules_d.get()
            else None
        )
        rebuilt = (
            [
                p
                for p in ("/etc/libvirt", "/etc/polkit-1")
                if p not in gone and not _watched(d_rules, p)
            ]
            if d_rules is not None
            else []
        )
        if rebuilt and d_rules is not None:
            first = _first_never(d_rules, rebuilt)
            locked = "" if first else _locked_early(h, rebuilt)
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, and "
                    f"/etc/audit/audit.rules watches {', '.join(rebuilt)}, but "
                    + (
                        f"in /etc/audit/rules.d/*.rules (`ls -1v` order) `{first}` comes before "
                        "their watch"
                        if first
                        else f"{locked} and locks the rules"
                        if "rules.d" in locked
                        else "no /etc/audit/rules.d/*.rules file does"
                    )
                    + ": `augenrules --load` at boot rebuilds audit.rules from those files and "
                    "drops the watch",
                    *f.sources,
                    *rules_d.sources,
                    question=f"Does host {h.name} load /etc/audit/audit.rules itself at boot "
                    "rather than through augenrules? Evidence: `systemctl cat audit-rules.service "
                    "auditd.service` (ExecStart or ExecStartPost running `augenrules --load`, or "
                    "`auditctl -R /etc/audit/audit.rules`) and `augenrules --check`. Pass: "
                    "auditctl -R loads audit.rules as it is, or augenrules --check reports no "
                    f"change; fail: augenrules --load runs, so the watch of {' and '.join(rebuilt)} "
                    "is gone after the next boot.",
                )
            )
        sets = _boot_sets(h)
        hand = (
            [
                p
                for p in ("/etc/libvirt", "/etc/polkit-1")
                if p not in gone
                and _watched(_audit_rules_file(h), p)
                and not _watched(sets[0][1], p)
            ]
            if len(sets) > 1
            else []
        )
        if hand:
            first = _first_never(sets[0][1], hand)
            locked = _locked_early(h, hand)
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, and "
                    f"/etc/audit/audit.rules holds the watch of {', '.join(hand)}, but as `auditctl "
                    "-R` loads it (an -A rule goes to the front of its list, a -D deletes the rules "
                    "before it) "
                    + (
                        f"`{first}` comes before the watch"
                        if first
                        else locked.replace(" in /etc/audit/audit.rules", "")
                        + " and locks the rules, so the kernel refuses every rule after it"
                        if locked.endswith("in /etc/audit/audit.rules")
                        else "the watch is deleted"
                    )
                    + "; /etc/audit/rules.d/*.rules as `augenrules --load` builds it keeps the watch",
                    *f.sources,
                    *boot.sources,
                    question=f"Does host {h.name} build its boot audit rules with `augenrules --load`? "
                    "Evidence: `systemctl cat audit-rules.service auditd.service` (ExecStart or "
                    "ExecStartPost running `augenrules --load`, or `auditctl -R "
                    "/etc/audit/audit.rules`). Pass: augenrules --load runs at boot; fail: audit.rules "
                    f"is loaded as it is, so the watch of {' and '.join(hand)} is gone after the next "
                    "boot.",
                )
            )
        if (later := _boot_drops(h)) is not None and later.status is Status.FAIL:
            yield later
            continue
        if later is not None:
            asks.append(later)
        if (
            excluded := boot_records_filtered(h, WATCH_RECORD_TYPES, user=False)
        ) is not None and excluded[1]:
            yield failed(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but the rules "
                f"the next boot loads drop the records they write: `{excluded[0]}`",
                *f.sources,
                *h.facts.audit_rules_persistent.sources,
            )
            continue
        if excluded is not None:
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but a rules "
                    f"file the next boot loads holds `{excluded[0]}`, which drops the records they "
                    "write"
                    + (
                        " (in one of /etc/audit/audit.rules and /etc/audit/rules.d/*.rules only)"
                        if excluded[2]
                        else " for the processes it matches"
                    ),
                    *f.sources,
                    *h.facts.audit_rules_persistent.sources,
                    question=f"Does the audit rule `{excluded[0]}` leave the records of writes to "
                    f"/etc/libvirt and /etc/polkit-1 on host {h.name} alone after the next boot? "
                    "Evidence: /etc/audit/audit.rules, /etc/audit/rules.d/*.rules, how the boot "
                    "loads them (`systemctl cat audit-rules.service auditd.service`: `augenrules "
                    "--load` or `auditctl -R`) and the processes its other fields match. Pass: yes, the "
                    "rule is not loaded, or excludes no writer of those trees; fail: it is loaded "
                    "and drops their SYSCALL or PATH records.",
                )
            )
        if (next_boot := audit_off_at_next_boot(h)) is not None:
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but a rules "
                    f"file the boot loads switches auditing off (`{next_boot[0]}`)",
                    *f.sources,
                    next_boot[1],
                    question=audit_off_question(h.name),
                )
            )
        if boot.state is FactState.FAILED:
            asks.append(
                manual(
                    s,
                    "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but "
                    f"{boot.reason}, so whether the next boot loads them is unknown",
                    *f.sources,
                    *boot.sources,
                    question=f"Do /etc/audit/audit.rules and /etc/audit/rules.d/*.rules on host "
                    f"{h.name} keep the audit watches of /etc/libvirt and /etc/polkit-1 at the next "
                    "boot? Evidence: the files read as root (`augenrules --check`; a never rule "
                    "listed before the watches, -D after them or -e 0 in any file). Pass: yes, every "
                    "file loads the watches and nothing drops them; fail: a file drops the watches "
                    "or their records.",
                )
            )
        if gap is not None:
            yield gap
        elif asks:
            yield joined_asks(s, asks)
        else:
            yield passed(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1",
                *f.sources,
                *h.facts.audit_daemon.sources,
                *h.facts.audit_sink.sources,
            )


def _first_never(rules: tuple[str, ...], paths: list[str]) -> str | None:
    """The never rule that decides _watched for one of `paths` in `rules` (listed before any
    watch of it: the exit list stops at the first match), where a later rule does watch it;
    None where no rule watches (R21A-8: the message names the rule rather than "no file")."""
    for path in paths:
        verdicts = [
            (v, rule)
            for rule in rules
            if (o := _audit_rule(rule)) is not None and (v := _watch_of_writes(o, path))
        ]
        if verdicts and verdicts[0][0] == "never" and any(v == "always" for v, _ in verdicts):
            return verdicts[0][1]
    return None


def _locked_early(host: Host, paths: list[str]) -> str:
    """Where an `-e 2` line stands before a watch of one of `paths` ("" for none), for a
    message: in /etc/audit/audit.rules, or in /etc/audit/rules.d/*.rules as augenrules builds
    audit.rules from them (_augenrules_built, R33L-8): `auditctl -R` loads nothing after it
    (_load_order, R30L-4)."""
    rules_d = host.facts.audit_rules_d
    from_d = (
        tuple(r for rs in rules_d.get().values() for r in rs)
        if rules_d.known and rules_d.get()
        else ()
    )
    for name, lines in (
        ("/etc/audit/audit.rules", _audit_rules_file(host)),
        (
            "/etc/audit/rules.d/*.rules as `augenrules` builds audit.rules",
            _augenrules_built(from_d),
        ),
    ):
        for i, line in enumerate(lines):
            if "2" in auditctl_enable_args(line):
                rest = _load_order(lines[i + 1 :], augenrules=False)
                if any(_watched(rest, p) for p in paths):
                    return f"`{line.strip()}` comes before the watch in {name}"
                break
    return ""


def _audit_rules_file(host: Host) -> tuple[str, ...]:
    """/etc/audit/audit.rules' rule lines in file order (audit_rules_persistent holds them, then
    the rules.d files' lines, _audit_rules_files); empty when unread."""
    boot, rules_d = host.facts.audit_rules_persistent, host.facts.audit_rules_d
    if not boot.known:
        return ()
    n = sum(len(rs) for rs in rules_d.get().values()) if rules_d.known else 0
    return boot.get()[: len(boot.get()) - n]


def _boot_sets(host: Host) -> list[tuple[str, tuple[str, ...]]]:
    """The rule sets the next boot may load, each in the kernel's list order (_load_order):
    /etc/audit/audit.rules as `auditctl -R` loads it, then (where rules.d holds files) the
    /etc/audit/rules.d/*.rules files in `ls -1v` order as `augenrules --load` builds them.
    audit_rules_persistent holds audit.rules' lines, then the rules.d files'
    (_audit_rules_files); empty when unread."""
    boot, rules_d = host.facts.audit_rules_persistent, host.facts.audit_rules_d
    if not boot.known:
        return []
    from_d = (
        tuple(r for rs in rules_d.get().values() for r in rs)
        if rules_d.known and rules_d.get()
        else ()
    )
    sets = [("/etc/audit/audit.rules", _load_order(_audit_rules_file(host), augenrules=False))]
    if from_d:
        sets.append(("/etc/audit/rules.d/*.rules", _load_order(from_d, augenrules=True)))
    return sets


def _boot_drops(host: Host) -> Outcome | None:
    """HVA-214's outcome when the rules the next boot loads hold a never rule that drops writes
    the watches record (_drops over the boot's rule set, R21A-4): augenrules (audit-userspace
    init.d/augenrules) cats /etc/audit/rules.d/*.rules in `ls -1v` order into audit.rules, and
    `augenrules --load` (audit-rules.service, older auditd.service units' ExecStartPost) loads
    it at boot; a host loading /etc/audit/audit.rules itself (`auditctl -R`) loads that file as
    it is. A never rule listed before the watch in each set the boot may load fails; one in a
    single set (a rules.d file not yet compiled into audit.rules, or an audit.rules line that
    augenrules would replace) is a question. None when no boot set drops writes."""
    boot, rules_d = host.facts.audit_rules_persistent, host.facts.audit_rules_d
    if not boot.known:
        return None
    sets = _boot_sets(host)
    found = [(name, d) for name, rules in sets if (d := _drops(host, rules, every=True))]
    if not found:
        return None
    _, rule, what, _ = found[0][1][0]
    s = host_subject(host)
    refs = (*host.facts.audit_rules.sources, *boot.sources, *rules_d.sources)
    tail = (
        f"hold `{rule}`, which drops the records of {what} (a never rule wins over the watch: the "
        "exit list stops at the first match, an inode rule of -F path= is applied after it)"
    )
    if len(found) == len(sets):
        names = " and ".join(name for name, _ in sets)
        return failed(
            s,
            "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but "
            f"{names}, which the boot loads, {tail}",
            *refs,
        )
    name = found[0][0]
    how = "`augenrules --load` loads" if name.endswith("*.rules") else "`auditctl -R` loads"
    return manual(
        s,
        f"audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but {name}, which "
        f"{how} at boot, {tail}",
        *refs,
        question=f"Does host {host.name} load the never audit rule `{rule}` at boot? Evidence: "
        "`systemctl cat audit-rules.service auditd.service` (`augenrules --load` compiles "
        "/etc/audit/rules.d/*.rules into audit.rules and loads it; `auditctl -R "
        "/etc/audit/audit.rules` loads that file as it is) and `augenrules --check`. Pass: the "
        f"boot loads the rule set without it; fail: it loads {name}, so after the next boot "
        f"the records of {what} are dropped.",
    )


#: The first Linux release whose kernel reads ia32_emulation= (R35B-2): Nikolay Borisov's "x86:
#: Make IA32_EMULATION boot time configurable" (arch/x86/entry/common.c, `early_param(
#: "ia32_emulation", ia32_emulation_override_cmdline)`) went into Linux 6.7 (read with `search`).
#: An older kernel does not know the word: init/main.c unknown_bootoption hands it to init
#: ("Unknown kernel command line parameters ..., will be passed to user space",
#: print_unknown_bootoptions) and the kernel keeps running 32-bit programs.
IA32_EMULATION_SINCE = (6, 7)


def _ia32_emulation(host: Host) -> tuple[bool | None, str]:
    """Whether the running x86 kernel refuses 32-bit system calls by `ia32_emulation=` false on
    its command line (arch/x86/entry/common.c, Linux 6.7+, read with `find_string`: an
    early_param setting __ia32_enabled with kstrtobool, whose false spellings start with n, N,
    f, F, 0 or are off; the last word that parses stands), with that word: True on a kernel of
    6.7 or later; None where the running kernel's release is older or was not read (R35B-2: a
    vendor's kernel may carry the parameter, a mainline one does not know it); False where no
    word turns it off."""
    cmdline = host.facts.kernel_cmdline
    if not cmdline.known:
        return False, ""
    off = ""
    for word in kernel_params(cmdline.get()):
        name, eq, value = word.partition("=")
        if name == "ia32_emulation" and eq:
            low = value.strip('"').lower()
            if low[:1] in ("n", "f", "0") or low.startswith("of"):
                off = word
            elif low[:1] in ("y", "t", "1") or low.startswith("on"):
                off = ""
    if not off:
        return False, ""
    release = host.facts.kernel_release
    m = re.match(r"([0-9]+)\.([0-9]+)", release.get()) if release.known else None
    if m and (int(m.group(1)), int(m.group(2))) >= IA32_EMULATION_SINCE:
        return True, off
    return None, off


def _abis(host: Host, asked: bool = False) -> list[tuple[str, str]]:
    """The system-call ABIs whose writes HVA-214 judges on `host`, each with the words naming it
    in a message: the native one, and the 32-bit one on an x86 host that runs 32-bit programs
    (ia32_emulation not off, _compat_unwatched's rule); with `asked`, also on a host whose CPU
    was not read as x86 (the question asks which programs the never rule matches)."""
    out = [("64", "")]
    vendor = host.facts.cpu_vendor
    if vendor.known and vendor.get() in X86_VENDORS:
        # R35B-2: an ia32_emulation= the running kernel may not know counts where asked
        ia32_off = _ia32_emulation(host)[0]
        if ia32_off and live_word_dropped(host, _ia32_off_word) is not None:
            ia32_off = None  # R35B-3: off this boot only
        if ia32_off is False or (ia32_off is None and asked):
            out.append(("32", " made with 32-bit system calls (-F arch=b32)"))
    elif asked:
        out.append(("32", " made with 32-bit system calls (-F arch=b32)"))
    return out


def _drops(host: Host, rules: tuple[str, ...], every: bool) -> list[tuple[str, str, str, bool]]:
    """The never rules that drop writes to /etc/libvirt or /etc/polkit-1 (_suppressed): (tree,
    rule, what it drops, whether for every process), those of every process only with `every`;
    a rule limited to 32-bit calls counts where the host runs 32-bit programs (_abis, R20H-11),
    each rule once (its native reading first)."""
    out: dict[tuple[str, str], tuple[str, str, str, bool]] = {}
    for p in ("/etc/libvirt", "/etc/polkit-1"):
        for arch, bits in _abis(host, asked=not every):
            x = _suppressed(rules, p, arch)
            if x is not None and (x[2] or not every) and (p, x[0]) not in out:
                out[p, x[0]] = (p, x[0], x[1] + bits, x[2])
    return list(out.values())


def _compat_unwatched(host: Host, rules: tuple[str, ...]) -> Outcome | None:
    """HVA-214's outcome when the trees are watched for native (64-bit) system calls only: a
    rule with `-F arch=b64` matches no call of a 32-bit program, whose calls carry the compat
    arch (_rule_arches), so `-a always,exit -F arch=b64 -F dir=/etc/libvirt -F perm=wa` alone
    lets a 32-bit program (a static i386 binary) rewrite the tree unrecorded (R20H-7). An x86
    kernel runs them (IA32 emulation) unless `ia32_emulation=0` is on its command line: a fail;
    where it is, but the running kernel predates 6.7 or its release was not read, a question
    (_ia32_emulation, R35B-2);
    on another CPU (arm64 runs AArch32 programs only where the CPU and CONFIG_COMPAT allow) a
    question. None when both ABIs are watched."""
    compat = [p for p in ("/etc/libvirt", "/etc/polkit-1") if not _watched(rules, p, "32")]
    if not compat:
        return None
    f = host.facts.audit_rules
    s = host_subject(host)
    what = (
        f"audit rules watch {' and '.join(compat)} for 64-bit system calls only (-F arch=b64): "
        "the writes of a 32-bit program (its calls are audited as arch=b32) are not recorded"
    )
    vendor = host.facts.cpu_vendor
    if vendor.known and vendor.get() in X86_VENDORS:
        ia32_off, word = _ia32_emulation(host)
        if ia32_off:
            return _ia32_dropped(host, what, (*f.sources, *vendor.sources))
        if ia32_off is None:
            return _ia32_unsure(host, what, word, (*f.sources, *vendor.sources))
        return failed(s, what, *f.sources, *vendor.sources)
    return manual(
        s,
        what,
        *f.sources,
        question=f"Is host {host.name} unable to run 32-bit programs? Evidence: `uname -m`, "
        "CONFIG_COMPAT / CONFIG_IA32_EMULATION in /boot/config-$(uname -r) and the kernel "
        "command line (ia32_emulation=). Pass: yes, the kernel has no 32-bit system calls; "
        "fail: no, it can: add the same audit rules with -F arch=b32.",
    )


def _ia32_off_word(word: str) -> bool:
    """A kernel command-line word that turns 32-bit system calls off (ia32_emulation= false)."""
    return mode_of(word) == "off" and word.startswith("ia32_emulation=")


def _ia32_dropped(host: Host, what: str, refs: tuple[Source, ...]) -> Outcome | None:
    """HVA-214's question where the running line's ia32_emulation= false, which the running
    kernel takes, is missing from the next boot's line or not shown there (live_word_dropped,
    R35B-3): 32-bit programs run after the next boot, unwatched by a b64-only rule. None where
    every source keeps it."""
    lost = live_word_dropped(host, _ia32_off_word)
    if lost is None:
        return None
    return manual(
        host_subject(host),
        f"{what} after the next boot: the running kernel has 32-bit programs off from "
        f"`{lost.word}`, {lost.where()}",
        *refs,
        *host.facts.kernel_cmdline.sources,
        *host.facts.kernel_cmdline_next_boot.sources,
        question=f"Does host {host.name} boot next with 32-bit programs off, although "
        f"`{lost.word}` is {lost.where()}? Evidence: the boot loader's default entry (`bootctl "
        "status`, `proxmox-boot-tool status`, the `linux` line of /boot/grub/grub.cfg"
        f"{lost.evidence()}) and CONFIG_IA32_EMULATION_DEFAULT_DISABLED in the /boot/config-* "
        "of the kernel it boots. Pass: yes, the entry it boots carries ia32_emulation=0, or "
        "its kernel has 32-bit emulation off by default and the entry no ia32_emulation=1; "
        "fail: no, 32-bit programs run after the next boot: add the same audit rules with -F "
        "arch=b32.",
    )


def _ia32_unsure(host: Host, what: str, word: str, refs: tuple[Source, ...]) -> Outcome:
    """HVA-214's question where the running line's `word` turns 32-bit system calls off but the
    running kernel may not know it (_ia32_emulation's None, R35B-2): released before Linux 6.7,
    or its release not read."""
    release = host.facts.kernel_release
    kernel = (
        f"the running kernel {release.get()} predates Linux 6.7, which brought "
        "ia32_emulation=, unless its vendor added it"
        if release.known
        else "the running kernel's release was not read (ia32_emulation= came with Linux 6.7)"
    )
    return manual(
        host_subject(host),
        f"{what}, unless `{word}` on the kernel's command line turns 32-bit programs off: {kernel}",
        *refs,
        *host.facts.kernel_cmdline.sources,
        *release.sources,
        question=f"Does the running kernel of host {host.name} take `{word}` from its command "
        "line, so that it runs no 32-bit program? Evidence: `uname -r`, the kernel's symbols "
        "(`grep -w ia32_emulation_override_cmdline /boot/System.map-$(uname -r)`: the handler "
        "of ia32_emulation=) and the kernel's log of this boot (`journalctl -k -b`: a kernel "
        'that prints them lists the parameters it does not know as "Unknown kernel command '
        'line parameters"). Pass: yes, the kernel has the handler and does not list the word '
        "as unknown; fail: no, it runs 32-bit programs: add the same audit rules with -F "
        "arch=b32.",
    )


def _audit_records_kept(host: Host, rule_sources: tuple[Source, ...]) -> list[Outcome]:
    """The outcomes of HVA-214 where the watches' records are not (or not known to be) kept, in
    the order of HVA-201's chain (management._libvirt_audit_now): a fail (no auditd running, none
    registered, auditd writing no log and no plugin active) alone; else every question (auditd
    started with `-s disable`, the records handed to another receiver, a plugin-only sink), and
    an unknown last where auditd or its configuration is unread (what follows it depends on
    it). Empty when auditd runs and writes its log: the questions are asked with the check's
    others (joined_asks), so a fail behind a question is no longer hidden (R34H-2)."""
    s = host_subject(host)
    auditd, sink = host.facts.audit_daemon, host.facts.audit_sink
    if not auditd.known:
        return [unknown(s, auditd, "auditd runs and keeps the records the audit watches write")]
    if not auditd.get():
        return [
            failed(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd is not running: the "
                "kernel only prints their records to its log, rate-limited, and drops the rest",
                *rule_sources,
                *auditd.sources,
            )
        ]
    if (unregistered := audit_unregistered(host)) is not None:
        return [
            failed(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1, but no audit daemon receives "
                "their records: auditd runs, yet the kernel has none registered (`auditctl -s` "
                "pid 0; an auditd started with local_events = no never registers), so the kernel "
                "only prints them to its log, rate-limited, and drops the rest",
                *rule_sources,
                *auditd.sources,
                unregistered,
            )
        ]
    asks: list[Outcome] = []
    if (at_start := audit_disabled_at_start(host)) is not None:
        asks.append(
            manual(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd was started with "
                "`-s disable`, which switches kernel auditing off, and the kernel's enabled flag "
                "(`auditctl -s`) was not read: the rules may record nothing",
                *rule_sources,
                *auditd.sources,
                at_start,
                question=audit_disabled_question(host.name),
            )
        )
    if (other := audit_elsewhere(host)) is not None:
        receiver, src = other
        asks.append(
            manual(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1, but the kernel hands their "
                f"records to {receiver}, not to the running auditd (`auditctl -s` pid): auditd's "
                "log holds none of them",
                *rule_sources,
                *auditd.sources,
                src,
                question=audit_elsewhere_question(
                    host.name, receiver, "the records of writes to /etc/libvirt and /etc/polkit-1"
                ),
            )
        )
    if not sink.known:
        return [
            *asks,
            unknown(
                s,
                sink,
                f"Does auditd on host {host.name} keep the records it receives? Evidence: "
                "auditd's command line (`-f` writes them to its standard output, `-c DIR` reads "
                "DIR/auditd.conf), write_logs in /etc/audit/auditd.conf (default yes) and the "
                "`active` lines of /etc/audit/plugins.d/*.conf. Pass: write_logs is yes or unset "
                "(or, with -f, its output goes to a kept log); fail: it is no and no plugin is "
                "active",
            ),
        ]
    write, plugins = sink.get()
    if write:
        return asks
    if not plugins:
        return [
            failed(
                s,
                "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd "
                f"{audit_discards(sink)}: their records are discarded",
                *rule_sources,
                *sink.sources,
            )
        ]
    names = ", ".join(plugins)
    return [
        *asks,
        manual(
            s,
            "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd writes no log "
            f"({audit_no_log(sink)}); only its active plugin(s) {names} receive their records",
            *rule_sources,
            *sink.sources,
            question=f"Do the active audit plugins ({names}) on host {host.name} store or forward "
            "the records of writes to /etc/libvirt and /etc/polkit-1 to a log that is kept? "
            "Evidence: /etc/audit/plugins.d/*.conf (path, args) and the receiving end's "
            "configuration (syslog rules, au-remote's remote server). Pass: yes; fail: they "
            "discard them or send them nowhere kept.",
        ),
    ]


#: The records a watch writes that say what changed and who changed it (libaudit.h AUDIT_SYSCALL
#: 1300: the syscall, auid, uid, exe and the rule's key; AUDIT_PATH 1302: the file). An exclude
#: rule matching either drops it from every event (audit_log_start, R6-8).
WATCH_RECORD_TYPES = {"SYSCALL": 1300, "PATH": 1302}


@check(
    id="HVA-215",
    title="QEMU's output goes through virtlogd",
    scope="host",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-20"]},
    remediation='Set stdio_handler = "logd" in qemu.conf (or remove the line).',
)
def stdio_handler(ctx: Context) -> Iterator[Outcome]:
    """With stdio_handler = "file" QEMU writes its output straight to its log file with no size
    limit, so a guest that makes QEMU print fills the host's disk; "logd" (the default,
    src/qemu/qemu_conf.c stdioLogD = true; qemu.conf comments) sends it through virtlogd, which
    rolls the files over at virtlogd.conf's max_size (2 MB by default); max_size = 0 turns the
    rollover off (src/util/virrotatingfile.c rolls over only `if (file->maxlen != 0)`, R6-4).
    A VM's raw QEMU arguments that write what its guest sends straight to a host file (`-chardev
    file`, `-serial file:`, a chardev's `logfile=`, `-D` with `-d` or `-trace`, `-trace file=`
    (R25R-3), `-object filter-dump`'s pcap of a NIC's traffic: qemu_args.raw_file_outputs,
    R24F-1)
    bypass virtlogd whatever stdio_handler says, as HVA-036 judges a raw `-incoming`: a fail
    naming them (R24M-2). So does a libvirt `<audio type='file'>` and a raw `-audiodev wav`:
    QEMU's wav backend opens the file itself and writes what the guest plays, with no
    size limit (Vm.audio_files, R24O-1)."""
    raw: dict[str, list[tuple[Vm, list[str]]]] = {}
    for v in ctx.deployment.vms:
        if outs := [*v.audio_files, *raw_file_outputs(v.raw_hypervisor_arguments)]:
            raw.setdefault(v.host or "", []).append((v, outs))
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        direct = raw.get(h.name, [])
        if direct and qc.state is not FactState.NOT_APPLICABLE:
            yield failed(
                s,
                ("audio backends or " if any(v.audio_files for v, _ in direct) else "")
                + "raw QEMU arguments write what the guest sends straight to a host file, "
                "outside virtlogd (no size limit, no rollover): "
                + "; ".join(f"VM {v.name}: {', '.join(outs)}" for v, outs in direct),
                *(v.source for v, _ in direct),
            )
            continue
        logd = h.libvirt.virtlogd_conf if h.libvirt is not None else qc
        # qemu.conf unread is an ask beside virtlogd's max_size, judged whatever it says: with
        # max_size = 0 neither handler rolls QEMU's output over ("file" never does), and asked
        # alone, a "yes" to stdio_handler passed that fail (R36S-5)
        asks: list[Outcome] = []
        src: Source | None = None
        if not qc.known:
            stop = asked_gap(s, qc, 'qemu.conf stdio_handler is "logd"', asks)
            if stop is not None:
                yield stop  # an error or n/a: evidence whose collection failed, never a pass
                continue
            shown = f"stdio_handler not known ({qc.reason})"
        else:
            handler, src = conf_value(h, "qemu.conf", "stdio_handler")
            if handler != "logd":
                yield failed(s, f"stdio_handler = {handler!r}: QEMU output is not rolled over", src)
                continue
            shown = 'stdio_handler = "logd"' + (" (default)" if src.default else "")
        if not logd.known:
            stop = asked_gap(
                s, logd, "virtlogd.conf max_size is not 0 (virtlogd rolls files over)", asks
            )
            yield stop if stop is not None else joined_asks(s, asks)
            continue
        size = logd.get().get("max_size")
        assert h.libvirt is not None
        msrc = h.libvirt.conf_sources.get("virtlogd.conf.max_size", logd.sources[0])
        srcs = (src, msrc) if src is not None else (*qc.sources, msrc)
        if size == 0:
            yield failed(
                s,
                f"{shown}, but virtlogd.conf max_size = 0: virtlogd never rolls QEMU's log "
                "files over"
                + (' (and with stdio_handler = "file" nothing does)' if src is None else ""),
                *srcs,
            )
        elif asks:
            yield joined_asks(s, asks)
        else:
            # the raw arguments and audio backends judged are the VMs read (R30D-6)
            yield unread_peers(
                passed(
                    s,
                    f"{shown}; virtlogd max_size {size}" + (" (default)" if msrc.default else ""),
                    *srcs,
                ),
                h,
                "have raw QEMU arguments or an <audio type='file'> backend that write what its "
                "guest sends straight to a host file, outside virtlogd",
            )


@check(
    id="HVA-195",
    title="VM bridges with a physical uplink filter VLAN tags",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125b": ["VM-NS-R3"]},
    remediation="Turn on vlan_filtering on the bridge (ip link set BR type bridge vlan_filtering 1) "
    "with each VM port untagged in its VLAN, or use one bridge per VLAN on a VLAN sub-interface.",
    platforms=LINUX_HOST,
)
def bridge_vlan_filtering(ctx: Context) -> Iterator[Outcome]:
    """A Linux bridge without vlan_filtering forwards 802.1Q-tagged frames from a VM as they are;
    when its uplink reaches a switch trunk, a guest can send into any VLAN of that trunk. A bridge
    whose uplink is a VLAN sub-interface carries one VLAN only. An uplink that also carries the
    host's own VLAN sub-interfaces (eno1.20) is a trunk; whether any other plain uplink's switch
    port is a trunk is outside the host: that case is asked. An Open vSwitch bridge's ports all
    show `master ovs-system` (the datapath), so its uplinks and VLAN tags are only in
    `ovs-vsctl`: a VM bridge of that kind is asked too. A bridge that filters 802.1ad (QinQ,
    `vlan_protocol 802.1ad`) does not filter 802.1Q: Linux net/bridge/br_vlan.c
    __allowed_ingress takes a frame tagged with the other protocol as untagged ("Protocol-
    mismatch") and forwards it in the port's PVID with the guest's 802.1Q tag still in it, so
    it counts as a bridge without vlan_filtering.

    A VM port is a tap libvirt names (vnet*, macvtap*; tap* and veth* of other tools) or one a
    running VM's live XML names otherwise (`<target dev>`, R29N-3).

    A bridge that filters VLANs keeps a guest to its port's VLANs only: a tap the kernel adds
    gets the bridge's default_pvid alone, but a hook script (/etc/libvirt/hooks/qemu, `bridge
    vlan add dev vnet0 vid 10-20`) may make it a member of several, a trunk into each
    (R18N-3). The ports' VLANs are `bridge -j vlan show`'s (iproute2 bridge/vlan.c: per port
    "ifname" and "vlans", each {"vlan", "vlanEnd" for a range, "flags"}); not read, a
    filtering bridge with a plain uplink and VM ports is a question, never a pass; a VM port
    in several VLANs, a question whether its VM is approved to reach each. A filtering bridge
    whose uplinks are all VLAN sub-interfaces carries one VLAN whatever its ports' VLANs are.
    A host with several of these questions gets them as one (R20N-2): an attestation answers
    the host's item, and a "yes" to the first question alone would pass the others unasked."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        bridges, vf, info = h.facts.bridges, h.facts.bridge_vlan_filtering, h.facts.link_info
        gap = first_unknown(bridges, vf, info)
        if gap is not None:
            yield unknown(s, gap, "VM bridges with a trunk uplink filter VLAN tags")
            continue
        named = vm_taps(ctx, h.name)  # taps a running VM's live XML names (R29N-3)

        def vm_port(m: str, named: frozenset[str] = named) -> bool:
            return m.startswith(("vnet", "tap", "macvtap", "veth")) or m in named

        defined = vm_bridges(ctx, h.name)
        refs: list[Source] = [*bridges.sources]
        unfiltered: list[str] = []
        trunks: list[str] = []
        ovs: list[str] = []
        unread: list[str] = []  # filtering bridges whose VM ports' VLANs were not read
        trunked: list[str] = []  # VM ports of filtering bridges in several VLANs
        port_vlans = h.facts.bridge_port_vlans
        for br, members in sorted(bridges.get().items()):
            if not (br in defined or any(vm_port(m) for m in members)):
                continue
            if info.get().get(br, ("", "", ""))[0] == "openvswitch":
                ovs.append(br)  # its ports (uplinks, VM taps) show master ovs-system only
                continue
            uplinks = [m for m in members if not vm_port(m)]
            plain = [u for u in uplinks if info.get().get(u, ("", "", ""))[0] != "vlan"]
            if vf.get().get(br):
                guests = [m for m in members if vm_port(m)]
                if not plain or not guests:
                    continue
                if not port_vlans.known:
                    unread.append(br)
                    continue
                refs.extend(port_vlans.sources)
                for m in guests:
                    ids = port_vlans.get().get(m, ())
                    if len(ids) > 1:
                        trunked.append(f"{m} on {br} (VLANs {_vlan_ranges(ids)})")
                continue
            if not uplinks:
                continue
            for u in plain:
                tagged = sorted(
                    n for n, (kind, _, lower) in info.get().items() if kind == "vlan" and lower == u
                )
                ad = (
                    ", vlan_filtering of 802.1ad only: 802.1Q tags pass"
                    if br in (h.facts.bridge_qinq.get() if h.facts.bridge_qinq.known else ())
                    else ""
                )
                if tagged:
                    trunks.append(f"{br} (uplink {u} also carries VLAN {', '.join(tagged)}{ad})")
                else:
                    unfiltered.append(f"{br} (uplink {u}{ad})")
        if trunks:
            yield failed(
                s,
                "VM bridge(s) without vlan_filtering on a trunk: "
                f"{', '.join(trunks)}: VMs can send tagged frames into those VLANs",
                *refs,
            )
        else:
            # every condition that is asked, in one item: an attestation answers the host's one
            # item, so a "yes" to the first question alone would pass the others unasked (R20N-2)
            asks: list[tuple[str, str, str, str, str]] = []  # message, asked, evidence, pass, fail
            if unfiltered:
                asks.append(
                    (
                        "VM bridge(s) without vlan_filtering on a plain uplink: "
                        + ", ".join(unfiltered),
                        "Is the switch port of each listed uplink an access port (one untagged "
                        "VLAN)",
                        "the physical switch's configuration of the port each uplink is cabled "
                        "to (`lldpctl` or `networkctl lldp` on the host names the switch and port)",
                        "every listed uplink's switch port is an access port",
                        "a listed uplink's switch port is a trunk, so VMs on its bridge can send "
                        "tagged frames into other VLANs",
                    )
                )
            if ovs:
                names = ", ".join(ovs)
                asks.append(
                    (
                        f"VMs are on Open vSwitch bridge(s) {names}, whose uplinks and VLAN tags "
                        "only Open vSwitch lists",
                        f"Does every port of Open vSwitch bridge(s) {names} that carries VMs or "
                        "leads to the physical network have a VLAN tag or a list of approved "
                        "trunks",
                        "`ovs-vsctl list-ports BRIDGE` and `ovs-vsctl list Port PORT` (tag, "
                        "trunks, vlan_mode) on the host",
                        "every such Open vSwitch port has a tag or approved trunks",
                        "such a port has neither, so it forwards every VLAN "
                        "(ovs-vswitchd.conf.db(5))",
                    )
                )
            if unread:
                names = ", ".join(unread)
                asks.append(
                    (
                        f"VM bridge(s) {names} filter VLANs, but the VLANs of their VM ports were "
                        f"not read ({port_vlans.reason or 'no `bridge vlan show`'})",
                        f"Is each VM port (vnet*, tap*) of bridge(s) {names} a member of one "
                        "VLAN only",
                        "`bridge -j vlan show` on the host (each port's VLAN ids; a hook script "
                        "may add a VM's tap to more)",
                        "every VM port is in one VLAN (or in those its VM is approved to reach)",
                        "a VM port is in several VLANs, a trunk that lets the guest send tagged "
                        "frames into each of them",
                    )
                )
                refs.extend(port_vlans.sources)
            if trunked:
                asks.append(
                    (
                        "VM port(s) in several VLANs of a VLAN-filtering bridge: "
                        f"{', '.join(trunked)}: each guest can send tagged frames into every "
                        "VLAN listed",
                        "Is each listed VM approved to reach every VLAN its port is in (a router "
                        "or firewall VM)",
                        "the port's VLANs (`bridge -j vlan show dev PORT` on the host), the hook "
                        "script or tool that added them (/etc/libvirt/hooks) and the site's VLAN "
                        "plan",
                        "every listed port's VLANs are ones its VM is approved to reach",
                        "a port is a member of a VLAN its VM must not reach",
                    )
                )
            if asks:
                yield manual(s, "; ".join(a[0] for a in asks), *refs, question=_joint(asks))
                continue
            yield passed(
                s,
                "every VM bridge with an uplink filters VLANs or carries one VLAN",
                *refs,
            )


def _joint(asks: list[tuple[str, str, str, str, str]]) -> str:
    """One question in the house form ("A? Evidence: E. Pass: P; fail: F.") asking every one of
    `asks` (message, asked, evidence, pass, fail): passed only when each part passes."""
    asked = ", and ".join(
        a[1] if n == 0 else a[1][0].lower() + a[1][1:] for n, a in enumerate(asks)
    )
    return (
        f"{asked}? Evidence: {'; '.join(a[2] for a in asks)}. Pass: "
        f"{', and '.join(a[3] for a in asks)}; fail: {', or '.join(a[4] for a in asks)}."
    )


def _vlan_ranges(ids: tuple[int, ...]) -> str:
    """VLAN ids as runs: (10, 11, 12, 20) -> "10-12, 20"."""
    runs: list[list[int]] = []
    for i in sorted(set(ids)):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _one_slot(chains: list[tuple[str, ...]], slots: Fact[dict[str, str]]) -> str | None:
    """The physical slot every member's card sits in, when they share one: the slot whose
    address is the device below each root port (drivers/pci/slot.c: /sys/bus/pci/slots/<name>/
    address, domain:bus:device or domain:bus), with a duplicate's "-N" (drivers/pci/slot.c
    make_slot_name: a slot number the firmware gives twice) read as its first's. None when
    the slots were not read, a member is in none, or they differ."""
    if not slots.known:
        return None
    names = slots.get()
    by_address = {a: n for n, a in names.items()}
    found = set()
    for c in chains:
        if len(c) < 2:
            return None
        below = c[1]
        name = by_address.get(below[:10]) or by_address.get(below[:7])
        if name is None:
            return None
        m = re.match(r"(.+)-[0-9]+\Z", name)
        found.add(m.group(1) if m and m.group(1) in names else name)
    return found.pop() if len(found) == 1 else None


#: The question where Open vSwitch's bond ports are unread (R51S-3): ovs-vswitchd(8) BOND
#: COMMANDS `bond/show [port]` lists each bond port's members (ovs-appctl talks to the
#: running ovs-vswitchd, in its container where it is containerised); ethtool(8) -i prints
#: an interface's bus-info, its PCI address (domain:bus:device.function), as `ip -d link`'s
#: parentdev does for the Linux bonds.
OVS_BOND_QUESTION = (
    "Are the members of each Open vSwitch bond port on this host ports of different network "
    "adapters? Evidence: `ovs-appctl bond/show` (each bond and its members), run where "
    "ovs-vswitchd runs (inside its container where Open vSwitch is containerised), and "
    "`ethtool -i MEMBER` (bus-info: the PCI device) for each member. Pass: each bond's "
    "members are on different adapters (PCI devices other than by function number), or Open "
    "vSwitch has none; fail: two members of a bond are on one adapter."
)


@check(
    id="HVA-230",
    title="Bond members sit on different network adapters",
    scope="host",
    severity=Severity.LOW,
    recommendations={
        "sp800-125a-2014": ["HY-SR-22"],
        "sp800-125b": ["VM-NPR-R1", "VM-NPR-R2", "VM-NPR-R3"],
    },
    remediation="Build each bond from ports of two different adapters (different PCI devices), so "
    "one failed card does not take the bond down.",
    platforms=LINUX_HOST,
)
def bond_diversity(ctx: Context) -> Iterator[Outcome]:
    """Two ports of one dual-port card fail together: the bond is redundant against a cable, not
    against the adapter (checks-catalog SR22-KVM-02). Members are told apart by their PCI device
    (bus:device, ignoring the function number) as `ip -d link` reports it (parentdev). Open
    vSwitch bonds (a port of two or more interfaces, `ovs-vsctl add-bond`) count as bonds: the
    kernel lists their members under ovs-system, not under a bond device; where ovs-system is
    up and ovs-vsctl was not found (a containerised Open vSwitch) or failed, their members are
    unread: a question naming `ovs-appctl bond/show` and `ethtool -i` (R51S-3, R51S-4).

    A card may carry its own PCIe switch (dual-controller cards with a PLX or PEX bridge) and
    then its ports sit on two buses behind one upstream bridge in one slot (R9H-4, round 8's
    lead (b)): members on different devices pass only where the sysfs paths of the interfaces
    (`ls -l /sys/class/net`, sysfs-class-net: each a symlink into /sys/devices through the
    bridges above the device) hang below different root ports; members all below one root port
    may be one card, a question; paths not read, a question. A slot split by bifurcation
    (x8x8) gives one card two root ports: where the firmware's slots (/sys/bus/pci/slots,
    drivers/pci/slot.c) put every member's root port in one physical slot (the kernel names a
    number given twice "<n>-1", drivers/pci/slot.c make_slot_name), that is the same question
    (leads10); slots not read, or none described, leave the root ports to decide."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        bonds, info, ovs = h.facts.bonds, h.facts.link_info, h.facts.ovs_bonds
        gap = first_unknown(bonds, info)
        if gap is not None:
            yield unknown(s, gap, "bond members are on different adapters")
            continue
        # Open vSwitch's datapath up with its ports not read is one more ask, after the Linux
        # bonds are judged: asked first and alone, it hid a Linux bond on one card, and "yes"
        # to it passed that bond (R36S-3)
        ovs_asks: list[Outcome] = []
        if not ovs.known and "ovs-system" in info.get():
            stop = asked_gap(s, ovs, OVS_BOND_QUESTION, ovs_asks)
            if stop is not None:
                yield stop  # an error: evidence whose collection failed, never a pass
                continue
        ovs_bonds = ovs.get() if ovs.known else {}
        multi = {b: m for b, m in {**ovs_bonds, **bonds.get()}.items() if len(m) >= 2}
        if not multi:
            yield (
                joined_asks(s, ovs_asks)
                if ovs_asks
                else not_applicable(s, "no bond with two or more members", *bonds.sources)
            )
            continue
        same, unknown_dev, one_port, untold, one_slot = [], [], [], [], []
        paths = h.facts.net_device_paths
        for bond, members in sorted(multi.items()):
            devs = [info.get().get(m, ("", "", ""))[1] for m in members]
            if not all(devs):
                unknown_dev.append(bond)
                continue
            cards = {d.rsplit(".", 1)[0] for d in devs}
            if len(cards) < 2:
                same.append(f"{bond} ({', '.join(members)} on {sorted(cards)[0]})")
                continue
            chains = [paths.get().get(m, ()) if paths.known else () for m in members]
            if not all(chains):
                untold.append(bond)
                continue
            # the root port above each member (a device on the root complex is its own)
            roots = {c[0] if len(c) > 1 else c[0].rsplit(".", 1)[0] for c in chains}
            if len(roots) < 2:
                one_port.append(f"{bond} ({', '.join(members)} below {sorted(roots)[0]})")
                continue
            slot = _one_slot(chains, h.facts.pci_slots)
            if slot is not None:
                one_slot.append(f"{bond} ({', '.join(members)} in slot {slot})")
        if same:
            yield failed(s, f"bond members on one adapter: {', '.join(same)}", *bonds.sources)
            continue
        # each bond's open condition is asked in the host's one item (joined_asks): the chain
        # asked the first kind alone, so "yes" to bond0's root port passed bond1's unreported
        # adapter unasked (R34 elif probes site 6)
        asks: list[Outcome] = []
        if one_port:
            asks.append(
                manual(
                    s,
                    "bond members on different PCI devices, all below one PCIe root port: "
                    + ", ".join(one_port),
                    *bonds.sources,
                    *paths.sources,
                    question="Are the members of each listed bond ports of different network "
                    "adapters, though they sit below one PCIe root port (a card with its own PCIe "
                    "switch shows its ports on two buses)? Evidence: `lspci -tv` on the host and the "
                    "cards in the server's slots. Pass: the ports belong to different cards (behind "
                    "a switch on the main board); fail: they are ports of one card.",
                )
            )
        if one_slot:
            asks.append(
                manual(
                    s,
                    "bond members below different PCIe root ports of one physical slot: "
                    + ", ".join(one_slot),
                    *bonds.sources,
                    *paths.sources,
                    *h.facts.pci_slots.sources,
                    question="Are the members of each listed bond ports of different network "
                    "adapters, though their root ports lead to one physical slot (a slot split "
                    "x8x8 by bifurcation gives one card two root ports)? Evidence: the server's "
                    "slot map and `lspci -tv` / `lspci -vv` (Physical Slot) on the host. Pass: "
                    "the ports belong to different cards (the firmware numbers two slots alike); "
                    "fail: they are ports of one card.",
                )
            )
        if untold:
            asks.append(
                manual(
                    s,
                    f"bond members of {', '.join(untold)} are on different PCI devices, but the "
                    f"PCI bridges above them were not read ({paths.reason or 'no sysfs path'})",
                    *bonds.sources,
                    *paths.sources,
                    question="Are the members of each listed bond ports of different network "
                    "adapters? Evidence: `ls -l /sys/class/net` (each interface's path through the "
                    "PCI bridges) or `lspci -tv` on the host. Pass: the members hang below different "
                    "PCIe root ports or are ports of different cards; fail: they are ports of one "
                    "card (a card with its own PCIe switch shows its ports on two buses).",
                )
            )
        if unknown_dev:
            asks.append(
                manual(
                    s,
                    f"the adapter of the members of {', '.join(unknown_dev)} is not reported",
                    *bonds.sources,
                    question="Are the members of each listed bond ports of different network "
                    "adapters? Evidence: `ethtool -i MEMBER` on the host for each member (its "
                    "bus-info, a PCI address: the part before the function number names the "
                    "adapter). Pass: yes, no two members of a bond share an adapter; fail: two "
                    "members of a bond are ports of one adapter.",
                )
            )
        asks += ovs_asks
        if asks:
            yield joined_asks(s, asks)
        else:
            yield passed(
                s,
                f"{len(multi)} bond(s), members on different adapters",
                *bonds.sources,
                *paths.sources,
            )
