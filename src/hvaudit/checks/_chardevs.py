"""libvirt's character devices as raw QEMU arguments leave them: one reading for HVA-031
(consoles.console_exposure), HVA-033 and HVA-210 (_loopback.chardev_guests), so that a raw
`-set chardev.ID.KEY=VALUE` moving, opening or creating a TCP socket is seen by each
(R47D-7, R48D-1, R48D-2)."""

from __future__ import annotations

import dataclasses

from hvaudit.model import Chardev, Vm
from hvaudit.parse.qemu_args import QAPI_FALSE, QAPI_TRUE, qemu_options, set_options


def raw_objects(args: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The `-object` of raw QEMU arguments by id, each with its `qom-type`, in every spelling
    QEMU reads (`TYPE,id=...`, `qom-type=TYPE,...`, JSON: hvaudit.parse.qemu_args)."""
    return {
        o.props["id"]: {**o.props, "qom-type": o.kind}
        for o in qemu_options(args)
        if o.name == "object" and o.props.get("id")
    }


def authenticating_tls(creds: str, objects: dict[str, dict[str, str]]) -> bool:
    """Whether a tls-creds object authenticates the client: x509 credentials with verify-peer
    on (its default); anonymous credentials verify nobody ("a no-op for anonymous credentials",
    qemu-options.hx), and x509 ones with verify-peer=off check no client certificate (R59). An
    object not among the arguments is taken at its word."""
    o = objects.get(creds)
    if o is None:
        return True
    if o["qom-type"] != "tls-creds-x509":
        return False
    return o.get("verify-peer", "on").lower() not in ("off", "no", "false", "n")


def set_chardevs(v: Vm) -> tuple[Chardev, ...]:
    """VM `v`'s network character devices as raw `-set chardev.charALIAS.KEY=VALUE` arguments
    leave them (chardev_set): libvirt's TCP ones moved, opened or closed (R47D-7, R47D-8), a
    UDP one or one whose -chardev has no host, port or path (Vm.pathless_chardevs: a pty
    serial, a spicevmc channel ...) that `backend=socket` with `host` and `port` makes a TCP
    socket (R48D-1), or `backend=udp` (or a UDP key on a UDP one) a UDP device (udp_set,
    R51D-4). HVA-031, HVA-033 and HVA-210 read this one list (R48D-2)."""
    args = v.raw_hypervisor_arguments
    if not any(o.name == "set" for o in qemu_options(args)):
        return v.chardevs
    objects = raw_objects(args)
    out: list[Chardev] = []
    turned: set[str] = set()
    for c in v.chardevs:
        if c.protocol == "udp" and c.alias:
            if c.alias in turned:
                continue
            # libvirt's `-chardev udp,id=charALIAS,host=H,port=P,localaddr=...`: H and P are
            # the connect source's, which a socket backend reads as its own
            peer = next((d for d in v.chardevs if d.alias == c.alias and d.mode == "connect"), c)
            became = chardev_set(peer, args, objects)
            if became.protocol == "tcp":
                turned.add(c.alias)
                out.append(became)
                continue
            group = [d for d in v.chardevs if d.alias == c.alias and d.protocol == "udp"]
            if (datagram := udp_set(group, args)) is not None:
                turned.add(c.alias)
                out.extend(datagram)
                continue
        elif c.protocol == "tcp" and (datagram := udp_set([c], args)) is not None:
            out.extend(datagram)
            continue
        out.append(chardev_set(c, args, objects) if c.protocol == "tcp" else c)
    for c in v.pathless_chardevs:
        became = chardev_set(c, args, objects)
        if became.protocol == "tcp":
            out.append(became)
        elif (datagram := udp_set([c], args)) is not None:
            out.extend(datagram)
    return tuple(out)


def udp_set(group: list[Chardev], args: tuple[str, ...]) -> list[Chardev] | None:
    """libvirt's character device (`group`: its one entry, or a UDP one's bind and connect
    sources) as raw `-set chardev.charALIAS.KEY=` arguments leave it where they make it, or
    keep it, a UDP device with a key changed (R51D-4); None where they do not. QEMU takes the
    backend from the last `backend` value (chardev_set), and chardev/char-udp.c
    qemu_chr_parse_udp reads `host` (the peer, "localhost" when empty), `port` (the peer's:
    "chardev: udp: remote port not specified" where it is empty, and QEMU does not start),
    `localaddr` and `localport` (a local address only where either is given, every address
    else), the last value of each. libvirt's UDP device is `-chardev
    udp,id=charALIAS,host=H,port=P,localaddr=...,localport=...` (its connect source, then its
    bind source), its TCP one has the same `host` and `port`; a pty or spicevmc has none."""
    c = group[0]
    if not c.alias:
        return None
    udp = c.protocol == "udp"
    backend = {"udp": "udp", "tcp": "socket"}.get(c.protocol, c.protocol)
    peer = next((d for d in group if d.mode == "connect"), None) if udp else None
    bind = next((d for d in group if d.mode == "bind"), None) if udp else None
    if c.protocol == "tcp":
        peer = c
    keys = {
        "host": peer.host if peer else "",
        "port": peer.service if peer else "",
        "localaddr": bind.host if bind else "",
        "localport": bind.service if bind else "",
    }
    sets: list[str] = []
    for o, group_, ident, key, value in set_options(args):
        if group_ != "chardev" or ident != f"char{c.alias}":
            continue
        if key == "backend":
            backend = value
        elif key in keys:
            keys[key] = value
        else:
            continue
        sets.append(f"-set {o.text.strip()}")
    if backend != "udp" or not sets:
        return None
    if not keys["port"]:
        return []
    base = dataclasses.replace(
        c, protocol="udp", device=f"{c.device} (a QEMU argument {' '.join(sets)})", tls=False
    )
    out = [
        dataclasses.replace(
            base, mode="connect", host=keys["host"] or "localhost", service=keys["port"]
        )
    ]
    if keys["localaddr"] or keys["localport"]:
        out.append(
            dataclasses.replace(
                base, mode="bind", host=keys["localaddr"], service=keys["localport"] or "0"
            )
        )
    return out


def chardev_set(
    c: Chardev, args: tuple[str, ...], objects: dict[str, dict[str, str]] | None = None
) -> Chardev:
    """libvirt's character device `c` as a raw `-set chardev.charALIAS.KEY=VALUE` leaves it
    (R47D-7). libvirt builds it as QemuOpts with QEMU's id `char` + its alias (tests/
    qemuxmlconfdata/serial-tcp-telnet-chardev.x86_64-latest.args: `-chardev socket,
    id=charserial0,host=127.0.0.1,port=9999,telnet=on,server=on,wait=off`; serial-pty-chardev
    .x86_64-latest.args: `-chardev pty,id=charserial0`), before every <qemu:arg>, and QEMU
    creates the chardevs only after reading every option (system/vl.c
    qemu_create_early_backends, chardev_init_func), so vl.c's `-set` (qemu_set_option) adds
    KEY to its QemuOpts and the last value is read (util/qemu-option.c qemu_opt_find walks
    from the last). chardev/char.c qemu_chr_new_from_opts takes the backend from `backend`
    (qemu_opt_get(opts, "backend")), so `backend=socket` makes a pty, spicevmc or UDP device
    a socket, and another backend makes a TCP one no socket (R48D-1). chardev/char-socket.c
    qemu_chr_parse_socket then reads `path` first (a UNIX socket), else needs `host` and
    `port` ("chardev: socket: no host given": QEMU does not start; an empty host is every
    address), and `server` on listens, off (its default) dials out; `tls-creds` naming a raw
    -object puts those credentials in place of libvirt's (qmp_chardev_open_socket resolves
    the id), judged by authenticating_tls (R47D-8). A device libvirt did not build as a TCP
    socket has no TLS but a raw one (libvirt adds tls-creds to TCP devices alone). Other keys
    are left as they are. The result's protocol is `tcp` where it is a TCP socket."""
    tcp = c.protocol == "tcp"
    if not c.alias:
        return c
    objects = raw_objects(args) if objects is None else objects
    backend = "socket" if tcp else c.protocol
    host: str | None = c.host if c.protocol in ("tcp", "udp") else None
    port: str | None = c.service if c.protocol in ("tcp", "udp") else None
    mode = c.mode if tcp else "connect"
    path = False
    sets: list[str] = []
    creds = ("", False)
    for o, group, ident, key, value in set_options(args):
        if group != "chardev" or ident != f"char{c.alias}":
            continue
        if key == "host":
            host = value
        elif key == "port":
            port = value
        elif key == "server" and value.lower() in QAPI_TRUE | QAPI_FALSE:
            mode = "bind" if value.lower() in QAPI_TRUE else "connect"
        elif key == "tls-creds" and value in objects:
            # raw credentials replace libvirt's (or add TLS where it set none): chardev_tls
            # and chardev_tls_x509_verify no longer decide (R47D-8)
            creds = (f"-set {o.text.strip()}", authenticating_tls(value, objects))
            continue
        elif key == "backend":
            backend = value
        elif key == "path":
            path = True
        else:
            continue
        sets.append(f"-set {o.text.strip()}")
    if backend != "socket" or path or host is None or not port:
        # a UNIX socket, another backend, or a socket QEMU refuses to start: no TCP socket
        return dataclasses.replace(c, protocol="unix") if tcp else c
    if not sets and not creds[0]:
        return c
    moved = f"{c.device} (a QEMU argument {' '.join(sets)})" if sets else c.device
    return dataclasses.replace(
        c,
        protocol="tcp",
        host=host,
        service=port,
        mode=mode,
        device=moved,
        tls=c.tls if tcp else False,
        raw_socket=not tcp,
        raw_creds=creds[0],
        raw_creds_verify=creds[1],
    )
