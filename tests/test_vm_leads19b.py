"""Session 19 VM leads, second set (vmleads19b): the leads tests/test_vm_leads19.py left on
KVM/libvirt VMs: HVA-238's backing-chain and mirror layers and ssh disks, a VM's own gdb stub
or console on loopback reached by its own user-mode guest, UDP character devices sending to
0.0.0.0 / ::, HVA-047's legacy list against QEMU's security guide, and clipboard sharing. Same
harness as test_vm_leads18/19: libvirt's test driver serves the domains on conftest's replayed
hardened host (a running VM's live XML replayed where the test driver drops it), assessed by
the real collectors and engine; every fact was read with `read_file` / `find_string` (or
measured on this machine) and is cited in the code or the test's docstring.

Findings (VL19-n): VL19-6 (false pass) HVA-031, HVA-033 and HVA-210: a VM's raw `-gdb
tcp:127.0.0.1:1234` (or `-s`) beside its own user-mode networking passed "loopback only" and
its listener passed (R17-9 leaves the VM's own QEMU out; VL18-2/5 brought back monitors only),
but QEMU's gdb stub runs a human monitor behind gdb's `monitor` command (gdbstub/system.c
gdbserver_start monitor_init_hmp, gdb_handle_query_rcmd), whose `migrate` runs `exec:` host
commands; now it counts as a monitor: VL18-2's fails, the role naming the monitor
(qemu_args.raw_monitor_ports, consoles._chardev_role). VL19-7 (false pass) HVA-238: a network
layer of a disk's `<backingStore>` chain (nbd without TLS, http) and a running block copy's
`<mirror type='network'>` were "no network disks"; now each is judged as a network disk, named
by role and disk (libvirt_xml._network_layers, Disk.network_layers; an nbd layer without a tls
attribute where nbd_tls = 1 is asked). VL19-8 (wording) HVA-033/HVA-210: a character device's
IPv6 peer was shown `:::11211`; now `[::]:11211`. VL19-9 (wording, no test: docstring only)
HVA-047 said QEMU's security documentation "counts only virtio and a few modern devices in its
virtualization use case"; docs/system/security.rst names machine types (x86: microvm, xenfv,
xenpv, xenpvh, pc, q35), no devices, so the check's docstring and LEGACY_MODELS comment now
say the legacy devices are in that use case and are failed as guest-reachable emulation.

Held (kept as tests): VL19-6 the gdb stub beside `-netdev user,restrict=on` keeps "loopback
only" and the listener its passes. VL19-7 an ssh backing layer passes (QEMU's ssh driver
refuses a host not in known_hosts, block/ssh.c; libvirt disables the check only for a `json:`
backing name's host_key_check "no", never from the XML), an nbd layer with tls='yes' passes.
VL19-8 UDP: measured with real sockets, a datagram to 0.0.0.0 reaches 127.0.0.1, to :: reaches
::1, none reaches 127.0.0.2; HVA-033 already failed an unapproved UDP listener so reached (with
and without a bind source, IPv4 and IPv6) and keeps a 127.0.0.2 listener and a TCP listener on
the same port passing.

Probed by script, not kept (the verdict was right or the lead was decided): a VM's own VNC or
SPICE on 127.0.0.1 (libvirt <graphics> and raw `-vnc`) beside its own user-mode guest passes:
the guest reaches its own screen and keyboard, which R17-5 counts as gaining it nothing (kept as
R17-5's rule; see the leads for a monitor console behind a raw `-vnc`). A UDP serial
device sending to chronyd's udp/323 on 127.0.0.1 (the hardened host's listener) keeps HVA-033's
pass: chronyd is approved there. ssh disks: libvirt 9.0's schema has no <knownHosts> (the
nbdkit path of later libvirt passes it to nbdkit); the pass stands. HVA-047's list against
security.rst: the guide lists no devices, so there is no QEMU list to compare omissions with.

Tally: 3 test functions, 15 cases plus 4 socket measurements: VL19-6 3 pinned (2 spellings
on HVA-031/033/210 with exact messages, `-s` on HVA-033) + 1 held (3 checks); VL19-7 4 pinned
(backing nbd, backing http, mirror nbd, backing nbd asked with nbd_tls = 1) + 2 held (ssh,
tls='yes'); VL19-8 1 pinned (IPv6 wording) + 2 UDP fails held + 2 passes held; each pinned
case failed on main before its fix.

Leads left (not settled in the time): clipboard sharing (SPICE `<graphics><clipboard
copypaste>`, qemu-vdagent `<source><clipboard copypaste='yes'/>`, VNC clipboard through
qemu-vdagent): defaults not read, no check owns it (the KVM counterpart of HVA-401 is not
started). Whether libvirt applies qemu.conf nbd_tls to a backing layer or a block copy
destination (VL19-7 asks instead of passing). A `json:` backing name with host_key_check "no"
is in the image header, not the XML: an ssh layer so opened passes unseen (would need
`qemu-img info --backing-chain`). `-gdb chardev:ID` / `-gdb` on a `-chardev` id is not read
as a monitor. HVA-047 legacy devices beyond the list (ib700, ISA panic, lsi SCSI, e1000 on q35)
and machine types outside security.rst's list (isapc, none) are not judged. A raw `-vnc`
beside a VM's own user-mode guest: whether QEMU adds its default `vc` monitor console behind
it (libvirt's -nodefaults not confirmed in qemu_command.c) was not read."""

from __future__ import annotations

import socket
from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, run_assessment
from test_loop17_probes import USER_NIC
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on
from test_redteam19_vm_probes import _running
from test_vm_leads18 import LISTENERS, _on_lo

# --- VL19-6: a VM's own gdb stub on loopback, reached by its own user-mode guest ---------------

GDB = (
    "QEMU's gdb stub (the guest's memory and registers, and QEMU's monitor through gdb's "
    "`monitor` command)"
)
WEB = "VM web01 (<interface type='user'>)"
OWN = (
    f"127.0.0.1 is reachable from guests: the user-mode networking of {WEB} turns a guest's "
    "connection to its host address into one to 127.0.0.1"
)


def _web01(tmp_path: Path, key: str, body: str, *args: str, port: int = 1234):
    (tmp_path / key).mkdir()
    host = {**HARDENED_HOST, "listeners": _on_lo("127.0.0.1", port, "qemu-system-x86", 1200)}
    return run_assessment(
        _replayed_on(tmp_path / key, host, {"web01": _raw_cpu_domain("web01", body, *args)})
    )


def test_own_gdb_stub_on_loopback_reached_by_its_own_user_mode_guest_fails(
    tmp_path: Path,
) -> None:
    """VL19-6, HVA-031, HVA-033 and HVA-210 (false passes; VL19's lead "a VM's own gdb stub
    ... reached by its own guest"). VM web01's raw `-gdb tcp:127.0.0.1:1234` beside its own
    user-mode networking passed HVA-031 "loopback only", and its listener passed HVA-033 and
    HVA-210 (R17-9 leaves a VM's own QEMU out, VL18-2/5 bring back its monitors only), though
    its guest reaches 127.0.0.1 through slirp's host address (VL18-1) and the gdb stub is more
    than the guest's memory: QEMU's gdbstub/system.c gdbserver_start ("Initialize a monitor
    terminal for gdb") gives it a human monitor, `monitor_init_hmp(mon_chr, ...)`, and
    gdb_handle_query_rcmd writes each qRcmd packet (gdb's `monitor CMD`) to that mon_chr
    (read with `read_file`): the monitor's `migrate` runs `exec:` host commands (VL18-2). The
    stub always listens (gdbserver_start appends ",wait=off,nodelay=on,server=on" to a tcp:
    device). Now the gdb stub counts as a monitor (VL18-2's fail, the role naming the
    monitor), `-s` ("Shorthand for -gdb tcp::1234", qemu-options.hx) too. Held: beside
    `-netdev user,restrict=on` (no host address) the stub keeps "loopback only" and the
    listener its passes."""
    cases = {
        "gdb": ("-gdb", "tcp:127.0.0.1:1234"),
        "short": ("-gdb", "tcp:localhost:1234"),
    }
    for key, args in cases.items():
        a = _web01(tmp_path, key, USER_NIC, *args)
        host = args[1].split(":")[1]
        assert verdict(a, "HVA-031", "web01") == (
            "fail",
            f"QEMU argument -gdb {args[1]}: {GDB} as a TCP server on {host}, without "
            f"authentication or TLS; {OWN}",
        ), key
        assert verdict(a, "HVA-033", "hv1") == (
            "fail",
            f"unapproved listeners: qemu-system-x86 (tcp/1234) ({OWN})",
        ), key
        assert verdict(a, "HVA-210", "hv1") == (
            "fail",
            f"listening on 127.0.0.1, which the user-mode networking of {WEB} opens to its guest "
            "(a connection to its host address becomes one to 127.0.0.1): qemu-system-x86 "
            "(tcp/1234) on 127.0.0.1",
        ), key
    s = _web01(tmp_path, "s", USER_NIC, "-s")
    assert verdict(s, "HVA-033", "hv1")[0] == "fail"
    held = _web01(
        tmp_path,
        "restrict",
        "",
        "-netdev",
        "user,id=n0,restrict=on",
        "-gdb",
        "tcp:127.0.0.1:1234",
    )
    assert verdict(held, "HVA-031", "web01") == (
        "pass",
        "QEMU argument -gdb tcp:127.0.0.1:1234: loopback only",
    )
    for check in ("HVA-033", "HVA-210"):
        assert verdict(held, check, "hv1")[0] == "pass", (check, verdict(held, check, "hv1"))


# --- VL19-7: HVA-238, a network layer of a disk's backing chain or mirror ----------------------

IMG = "/var/lib/libvirt/images/top.qcow2"


def _layered(layer: str) -> str:
    return (
        "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='{IMG}'/>{layer}<target dev='vda' bus='virtio'/></disk></devices>"
    )


def _net(tag: str, proto: str, name: str, host: str, attrs: str = "", inner: str = "") -> str:
    job = " job='copy'" if tag == "mirror" else ""
    return (
        f"<{tag} type='network'{job}><format type='raw'/>"
        f"<source protocol='{proto}' name='{name}'{attrs}>{host}{inner}</source></{tag}>"
    )


NBD = "<host name='10.0.0.5' port='10809'/>"
SSH = "<host name='store.example' port='22'/>"


def test_network_layer_of_a_backing_chain_or_mirror_fails(host_scan, tmp_path: Path) -> None:
    """VL19-7, HVA-238 (false pass; VL19-1's lead "reads no <backingStore type='network'>
    layer"). HVA-238 judged a disk's own `<source>` only: a local qcow2 overlay whose backing
    layer QEMU reads from an NBD server without TLS or from plain HTTP (the chain libvirt's
    live XML records, formatdomain "Hard drives": backingStore "describes the backing store
    used by the disk specified by sibling source element"), and a running block copy into an
    NBD server (`<mirror type='network' job='copy'>`, whose source "will eventually have the
    same contents as the source": QEMU writes the whole disk to it, and it is the VM's disk
    after a pivot) were "no network disks". libvirt's schema gives both the disk's network
    source (domaincommon.rng: diskBackingStore and diskMirror's preferred form hold
    `<ref name="diskSource"/>`, read on this machine's libvirt 9.0 schemas). Now each network
    layer is judged as a network disk, named by its role and the disk above it. libvirt's
    test driver drops <mirror> ("only valid in output"), so that case is replayed as a
    running VM's live XML (test_redteam19_vm_probes._running). Held until R21V-3 (now asked,
    as the name is in the image, not the XML): an ssh backing layer passed: QEMU's ssh driver checks the server's key against known_hosts and refuses an
    unknown or changed one (block/ssh.c check_host_key_knownhosts: SSH_KNOWN_HOSTS_UNKNOWN
    "no host key was found in known_hosts", -EINVAL; read with `find_string`), and libvirt
    turns that off (host-key-check mode none, qemu_block.c
    qemuBlockStorageSourceGetSshProps) only for `ssh_host_key_check_disabled`, set from a
    `json:` backing name's "host_key_check": "no" ("ssh config passthrough for libguestfs",
    storage_source_conf.c / virStorageSourceParseBackingJSONSSH), never from the domain XML;
    an nbd layer without a tls attribute on a host with nbd_tls = 1 is asked (libvirt's
    applying the host default below the top was not confirmed)."""
    cases = {
        "bnbd": _layered(_net("backingStore", "nbd", "base", NBD)),
        "bhttp": _layered(
            _net("backingStore", "http", "/base.qcow2", "<host name='img.example' port='80'/>")
        ),
        "bssh": _layered(_net("backingStore", "ssh", "/srv/base.qcow2", SSH)),
        "btls": _layered(_net("backingStore", "nbd", "base", NBD, " tls='yes'")),
    }
    a = host_scan(domains=[domain_xml(n, body=b) for n, b in cases.items()])
    layer = f"backing file of disk {IMG}: "
    assert verdict(a, "HVA-238", "bnbd") == (
        "fail",
        layer + "nbd disk base (10.0.0.5:10809): no tls attribute, qemu.conf nbd_tls = 0: "
        "cleartext",
    )
    assert verdict(a, "HVA-238", "bhttp") == (
        "fail",
        layer + "http disk /base.qcow2 (img.example:80): cleartext, unauthenticated",
    )
    # R21V-3 (tests/test_redteam21_vm2_probes.py): the ssh layer's host key check is set by
    # the backing file name in the image above it, unseen in the XML: now the question
    assert verdict(a, "HVA-238", "bssh") == (
        "manual",
        layer + "ssh disk /srv/base.qcow2 (store.example:22): SSH, but whether QEMU checks the "
        "server's host key is set by the backing file name in the image above it, which the "
        'definition does not show (a `json:` name with "host_key_check": "no" turns the check '
        "off)",
    )
    assert verdict(a, "HVA-238", "btls") == (
        "pass",
        layer + "nbd disk base (10.0.0.5:10809): tls='yes'",
    )
    live = run_assessment(
        _replayed_on(
            tmp_path,
            HARDENED_HOST,
            {"copier": _running("copier", 11, _layered(_net("mirror", "nbd", "dst", NBD)))},
        )
    )
    assert verdict(live, "HVA-238", "copier") == (
        "fail",
        f"mirror of disk {IMG}: nbd disk dst (10.0.0.5:10809): no tls attribute, qemu.conf "
        "nbd_tls = 0: cleartext",
    )
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"] + "\nnbd_tls = 1\n"
    b = host_scan(
        overrides={"/etc/libvirt/qemu.conf": conf},
        domains=[domain_xml("bnbd", body=cases["bnbd"])],
    )
    assert verdict(b, "HVA-238", "bnbd") == (
        "manual",
        layer + "nbd disk base (10.0.0.5:10809): no tls attribute (qemu.conf nbd_tls = 1)",
    )


# --- VL19-8: UDP character devices sending to the unspecified address ---------------------------


def _udp_on(address: str, port: int, program: str) -> tuple[str, int]:
    return (
        LISTENERS + f"udp   UNCONN 0      0          {address}:{port}      0.0.0.0:*    "
        f'users:(("{program}",pid=900,fd=6))\n',
        0,
    )


def _udp(host: str, port: int, bind: str = "") -> str:
    local = f"<source mode='bind' host='{bind}' service='{port + 1}'/>" if bind else ""
    return (
        f"<devices><serial type='udp'>{local}<source mode='connect' host='{host}' "
        f"service='{port}'/><target port='0'/></serial></devices>"
    )


def _sent_to(any_address: str, listener: str) -> tuple[str, int] | None:
    """Where a datagram sent to `any_address` arrives: a UDP socket bound to `listener` on this
    machine's loopback receives it, or not (None)."""
    family = socket.AF_INET6 if ":" in listener else socket.AF_INET
    with (
        socket.socket(family, socket.SOCK_DGRAM) as rx,
        socket.socket(family, socket.SOCK_DGRAM) as tx,
    ):
        rx.bind((listener, 0))
        rx.settimeout(1)
        tx.sendto(b"vl19-8", (any_address, rx.getsockname()[1]))
        try:
            return rx.recvfrom(16)[1][:2]
        except TimeoutError:
            return None


def test_udp_device_sending_to_the_unspecified_address_reaches_loopback(host_scan) -> None:
    """VL19-8 (VL19-2's lead "UDP chardevs to 0.0.0.0 are matched like TCP but not probed
    against a UDP listener"), HVA-033, held, and a wording fix. A `<serial type='udp'>`
    whose connect source is 0.0.0.0 (optionally beside a bind source) sends the guest's serial
    output there. Measured here against real UDP sockets (_sent_to): a datagram sent to 0.0.0.0
    arrives at a socket bound to 127.0.0.1 (from 127.0.0.1), one sent to :: at one bound to
    ::1, and none reaches a socket on 127.0.0.2 (the same route as TCP's:
    ip_route_output_key_hash_rcu, VL19-2). HVA-033 already fails an unapproved UDP listener
    (memcached, udp/11211) on 127.0.0.1 or ::1 that such a device sends to, with or without a
    bind source, and keeps a listener on 127.0.0.2 and a TCP listener on the same port
    passing (the protocol is matched). Wording (VL19-8): the device's IPv6 peer was shown
    `:::11211`; now `[::]:11211`, as listeners are shown."""
    v4, v6 = _sent_to("0.0.0.0", "127.0.0.1"), _sent_to("::", "::1")
    assert v4 is not None and v4[0] == "127.0.0.1"
    assert v6 is not None and v6[0] == "::1"
    assert _sent_to("0.0.0.0", "127.0.0.2") is None
    reached = (
        "unapproved listeners: memcached (udp/11211) (reached from guests by character "
        "devices: memcached on {lst}:11211 by VM dial (<serial type='udp'> connecting to "
        "{peer}:11211))"
    )
    cases = {
        "v4": ("127.0.0.1", _udp("0.0.0.0", 11211), "0.0.0.0"),
        "bound": ("127.0.0.1", _udp("0.0.0.0", 11211, bind="0.0.0.0"), "0.0.0.0"),
        "v6": ("[::1]", _udp("::", 11211), "[::]"),
    }
    for key, (address, body, peer) in cases.items():
        a = host_scan(
            {"listeners": _udp_on(address, 11211, "memcached")},
            domains=[domain_xml("dial", body=body)],
        )
        assert verdict(a, "HVA-033", "hv1") == (
            "fail",
            reached.format(lst=address, peer=peer),
        ), key
    held = {
        "lo2": _udp_on("127.0.0.2", 11211, "memcached"),
        "tcp": _on_lo("127.0.0.1", 11211, "memcached", 900),
    }
    for key, listeners in held.items():
        a = host_scan(
            {"listeners": listeners}, domains=[domain_xml("dial", body=_udp("0.0.0.0", 11211))]
        )
        assert verdict(a, "HVA-033", "hv1")[0] == "pass", (key, verdict(a, "HVA-033", "hv1"))
