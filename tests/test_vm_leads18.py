"""Session 18 VM leads (leads18vm): what earlier rounds left (the "Leads left" of
tests/test_redteam17_vm_probes.py, tests/test_loop17_probes.py, tests/test_vm_leads17.py and
tests/test_vm_leads16.py). Same harness: libvirt's test driver serves the domains on conftest's
replayed hardened host, assessed by the real collectors and engine. Every fact a verdict rests
on was read with the `search` / `find_string` / `read_file` tools and is cited in the code or
the test's docstring.

Findings (VL18-n): VL18-1 HVA-033, HVA-030, HVA-210, HVA-036 and HVA-031 counted 127/8 only
as reached by another VM's user-mode guest (R17-5..R17-9); libslirp maps a guest's connection
to any address of its IPv6 prefix to ::1 as well (socket.c sotranslate_out6), QEMU's user
network has IPv6 unless ipv4=on / ipv6=off turns it off (net/slirp.c net_init_slirp), and
passt maps the guest's gateway to 127.0.0.1 or ::1 by default (passt(1) --map-host-loopback,
libvirt passes no --no-map-gw). An unapproved listener, a libvirt-sock relay, a management
listener, a migration address or raw `-incoming`, and a console on ::1 beside such a guest
all passed (false passes; now fails naming the VM; hvaudit.checks._loopback.guest_loopback,
loopback_guests(version=6)). VL18-2 HVA-031 passed a VM's raw `-monitor`/`-qmp`
tcp:127.0.0.1:...,server as "loopback only" beside its own user-mode networking (R17-5 leaves
the VM's own guest out: its own console gains it nothing), but the guest reaches its own
QEMU's monitor through slirp's host address, and the monitor's `migrate` runs `exec:` host
commands (false pass; now the fail naming the VM's own user-mode networking).
VL18-3 (leads18vm2) HVA-033 and HVA-210 passed a listener on 127.0.0.1 that a VM's TCP
character device connects to (a `<serial type='tcp'><source mode='connect'
host='127.0.0.1' service='6379'/>`, a guestfwd `<channel type='tcp'>` to 127.0.0.1:16509):
QEMU dials the port and relays the guest to it both ways, with no user-mode networking
(false passes; now fails naming the VM and the device, hvaudit.checks._loopback
chardev_guests / chardev_reaching, matched by protocol, port and loopback address);
HVA-031's n/a said "no TCP or UDP character device" for such a VM (wording; now names the
device connecting to this host only).
VL18-4 (leads18vm3) HVA-033 and HVA-210 passed a loopback listener that raw QEMU arguments
connect a guest-facing chardev to (VL18-3 read libvirt's chardevs only): `-chardev
socket,host=127.0.0.1,port=N` without server, `-serial tcp:127.0.0.1:N` / `telnet:`, and
`-netdev user,restrict=on,guestfwd=tcp:10.0.2.100:1234-tcp:127.0.0.1:N` (qemu-options.hx
"guestfwd=[tcp]:server:port-dev"; net/slirp.c slirp_guestfwd opens dev with qemu_chr_new, the
short form of chardev/char.c qemu_chr_parse_compat; restrict=on keeps forwarding rules) (false
passes; now VL18-3's fails naming the VM and the QEMU argument:
hvaudit.parse.qemu_args.raw_dials). VL18-5 (leads18vm3) a `-chardev socket,...,server=on`
that `-mon chardev=ID` (or `chardev=ID,mode=control`) takes is QEMU's monitor
(monitor/monitor.c qemu_mon_opts, implied key chardev), but HVA-031 judged it as a plain
chardev: "loopback only" beside the VM's own user-mode networking (false pass; now VL18-2's
fail, naming `-mon`); HVA-033 and HVA-210 left out every listener of the VM's own QEMU (R17-9),
its monitors too (`-mon`, raw `-monitor`/`-qmp tcp:...,server`, `mon:`), though its guest
reaches them through slirp and `migrate` runs `exec:` host commands (false passes; now fails
naming the VM's own user-mode networking: _loopback.monitor_ports, guests_reaching(port,
monitors)). VL18-6 (leads18vm3) a chardev naming its service by name (service='redis',
port=ssh) was skipped, so the listener passed; libvirt passes the name on as QEMU's port and
QEMU resolves it with getaddrinfo (util/qemu-sockets.c inet_parse_connect_saddr), i.e. the
host's /etc/services, which hvaudit does not collect (false pass; now HVA-033's and HVA-210's
question naming the listener and device: _loopback.chardev_named). VL18-7 (leads18vm3) HVA-050
said "no device passthrough" for <rng><backend model='random'>/dev/hwrng</backend> (and raw
`-object rng-random,filename=`): the guest reads a host source raw, libvirt takes any path
since 1.3.4 (formatdomain, "Random number generator device", read with `read_file`), and
virtio-rng reads unbounded without <rate> (wrong n/a; now a question, pass: /dev/hwrng with a
hardware RNG and <rate>; fail: any other file or device, or /dev/hwrng without <rate>).
VL18-8 (leads18vm3) HVA-070 failed a VM whose one gap is the soft_limit on a host whose cgroup
version was not read, though on cgroup v2 memory.low/min (outside the definition) is the
priority (wrong fail; now the VL17-1 question, whose pass names v2 with memory.low/min only).

Held (kept as tests): each ::1 listener with no user-mode guest keeps its pass; a raw
`-netdev user,ipv4=on` (IPv6 off) reaches no ::1; a VM's own raw `-serial tcp:127.0.0.1`
console and a monitor beside `-netdev user,restrict=on` keep "loopback only" (VL18-2's edges). VL18-3: a
device connecting to another port, or to 127.0.0.1 when the listener is on 127.0.0.2, keeps
HVA-033's pass. VL18-4: a `-chardev` client that `-mon` takes (the port gets QEMU's
monitor, not the guest) keeps HVA-033's pass. VL18-5: the same server socket given to `-serial
chardev:m0` (the guest's own console) keeps HVA-031, HVA-033 and HVA-210's passes, and the
`-mon` socket without user-mode networking is loopback only. VL18-6: a named service with no
loopback listener keeps both passes. VL18-7: /dev/urandom, /dev//random and no path (QEMU's
default) keep "no device passthrough". VL18-8: on cgroup v1 the fail stays.

Probed by script, not kept: a guestfwd <channel type='tcp'> connecting to 127.0.0.1:16509
is kept by the test driver and parsed (Chardev tcp/connect/127.0.0.1); HVA-031's n/a for it is
right in substance (a connect to the loopback exposes no listener) but its wording "no TCP or
UDP character device" is inaccurate; HVA-210 fails libvirtd on 127.0.0.1:16509 there only
because the VM's own <interface type='user'> reaches it.
leads18vm2, probed with the test driver and engine, verdict right: <input type='evdev'>
grab='all' and <input type='passthrough'> keep R14-3's HVA-050 n/a ("evdev input devices
stay host-mediated", pinned by tests/test_redteam14_vm_probes.py): QEMU's input-linux sends a
key to the guest only while its grab is active (ui/input-linux.c, "send event to guest when
grab is active", read with `find_string`), and the grab is toggled by the host-side hotkey
(grabToggle, ctrl-ctrl by default), which the guest cannot press, so the guest reads only what
is typed while the operator gave it the keyboard (unlike R17-2's host tty). A listener on
127.0.0.2.. counted as reached by a user-mode guest is right, not a wrong fail: libslirp's
sotranslate_out4 rewrites only the guest's host alias (and 255.255.255.255) to 127.0.0.1 and
leaves any other destination as it is, and tcp_input creates a socket and tcp_fconnect
connect()s for any SYN the guest sends, with no 127/8 filter in ip_input (utmapp/libslirp
src/socket.c, src/tcp_input.c, src/ip_input.c, tcp_subr.c tcp_fconnect, read with
`read_file` / `find_string`): a guest that sends raw frames to 127.0.0.2 reaches it (only
the message's "into one to 127.0.0.1" is loose for it).

Probed by script, not kept (leads18vm3): a raw `-chardev udp,port=N` (host localhost by
default, qemu_chr_parse_udp) is read by raw_dials and matched like VL18-3's UDP devices; not
kept as a test.

Tally: 20 probe cases (8 test functions) before leads18vm3: 13 pin VL18-1..VL18-3, 6 held (see
above). leads18vm3: 5 test functions, 22 pinning cases, each failing on main before its fix:
VL18-4 8 (4 spellings x HVA-033/HVA-210), VL18-5 8 (HVA-031 x2, HVA-033 x3, HVA-210 x3), VL18-6
2, VL18-7 3 (/dev/hwrng, /dev/sda, raw -object), VL18-8 1; 9 held (-mon client, -serial
chardev: and no user-mode networking, named service without a listener, urandom/random/no
path, cgroup v1).

Leads left (not settled in the time): VL18-3/4 read connects to 127/8, ::1 and `localhost`, but
formatdomain's own TCP example connects to 0.0.0.0, which Linux routes to the local host (a
connect to INADDR_ANY reaches 127.0.0.1; kernel source not yet read), and a short-form
`tcp::N` client with an empty host is not read (getaddrinfo("") unconfirmed); a guestfwd
`cmd:` runs a host command per guest connection (HVA-046 fails raw arguments; no check names
it). HVA-070 still fails a simulated host's VM without soft_limit (VL18-8 asks only where a
read host's version is unknown; the simulated case would move golden lines). HVA-050 gives one
outcome: a VM with DMA passthrough or a host tty beside a host RNG source names only the first.
HVA-091 with CPUAffinity (systemd system.conf), nohz_full or isolcpus: not started. HVA-030
(libvirtd's own TCP socket with auth_tcp none reached by a device) names only its own reasons.
UDP connect chardevs are matched but not probed against a UDP listener. A VM's own guest
reaching its own QEMU's gdb stub or VNC on loopback (R17-5's "gains nothing" kept). With
route_localnet = 1 and a ::1 guest listener HVA-033 names only the guest reason. Network disks
(nbd, iscsi, rbd, http) without <auth> or TLS and clipboard sharing (spice/qemu-vdagent
copypaste): probed earlier, no check names them, owner undecided. Proxmox `rng0:
source=/dev/hwrng` is leads18pve3's (VL18-7's verdict, the question, would apply).
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_loop17_probes import PROCS, USER_NIC, _beside, _migration_on
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on
from test_redteam16_vm_probes import _result
from test_vm_leads17 import _cgroups

SLIRP = "VM slirp (<interface type='user'>)"
TO_V6 = (
    f"the user-mode networking of {SLIRP} opens ::1 to its guest (a connection to its host "
    "address becomes one to ::1)"
)
LISTENERS = HARDENED_HOST["listeners"][0]


def _on_v6(port: int, program: str, pid: int) -> tuple[str, int]:
    return (
        LISTENERS + f"tcp   LISTEN 0      5          [::1]:{port}      [::]:*    "
        f'users:(("{program}",pid={pid},fd=5))\n',
        0,
    )


# --- VL18-1: ::1 reached by a user-mode guest -----------------------------------------------


def test_unapproved_listener_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-033 (false pass). redis-server on [::1]:6379 beside VM slirp: libslirp's
    sotranslate_out6 turns the guest's connection to any address of its IPv6 prefix (fec0::2,
    the host) into one to ::1 (`sin->sin6_addr = in6addr_loopback` unless disable_host_loopback,
    read with `find_string`); QEMU's user network has IPv6 on unless ipv4=on/ipv6=off
    (net/slirp.c net_init_slirp). R17-6 counted 127/8 only; ::1 passed as local. Held: the same
    listener with no user-mode guest keeps its pass."""
    over = {"listeners": _on_v6(6379, "redis-server", 900)}
    a = host_scan(over, domains=_beside())
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "fail",
        "unapproved listeners: redis-server (tcp/6379) (::1 is reachable from guests: the "
        f"user-mode networking of {SLIRP} turns a guest's connection to its host address into "
        "one to ::1)",
    )
    held = host_scan(over)
    assert outcomes(held, "HVA-033")["hv1"] == "pass", messages(held, "HVA-033")


def test_api_relay_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-030 (false pass). socat relays libvirt-sock onto [::1]:16600 (socat(1)
    TCP6-LISTEN); VM slirp's guest reaches ::1 through slirp's IPv6 host address, and with it
    libvirt's full API. Was "libvirt listens on local UNIX sockets only"."""
    over = {
        "processes": (
            PROCS + "  991 root     /usr/bin/socat TCP6-LISTEN:16600,bind=[::1],fork "
            "UNIX-CONNECT:/run/libvirt/libvirt-sock\n",
            0,
        ),
        "listeners": _on_v6(16600, "socat", 991),
    }
    a = host_scan(over, domains=_beside())
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "fail",
        "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP [::1]:16600, on ::1 that "
        f"the user-mode networking of {SLIRP} opens to its guest (a connection to its host "
        "address becomes one to ::1): libvirt's full API without authentication or encryption",
    )
    held = host_scan(over)
    assert outcomes(held, "HVA-030")["hv1"] == "pass", messages(held, "HVA-030")


def test_management_listener_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-210 (false pass). QEMU's VNC on [::1]:5900 (pid 1300, no VM of the
    baseline's process list) beside VM slirp passed "none on a wildcard address"."""
    a = host_scan({"listeners": _on_v6(5900, "qemu-system-x86", 1300)}, domains=_beside())
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "fail",
        f"listening on ::1, which {TO_V6.replace(' opens ::1 to its guest', ' opens to its guest')}"
        ": qemu-system-x86 (tcp/5900) on [::1]",
    )


def test_migration_address_ipv6_loopback_beside_a_user_mode_guest_fails(
    host_scan, tmp_path: Path
) -> None:
    """VL18-1, HVA-036 (false pass). migration_address = ::1 (and the spelling
    0:0:0:0:0:0:0:1) passed as "loopback"; VM slirp's guest can be the first to send an
    incoming VM's state. A raw `-incoming tcp:[::1]:4444` of another VM was not even named.
    Held: a raw `-netdev user,ipv4=on` (QEMU's net_init_slirp turns IPv6 off: `user->has_ipv4
    && user->ipv4 && !user->has_ipv6`) reaches no ::1, so the raw listener keeps its pass."""
    # since R25C-6 libvirt's refusal of a local migration_address (qemu_conf.c,
    # virSocketAddrIsNumericLocalhost: 127.0.0.1 and ::1 in any spelling) comes first
    for addr in ("::1", "0:0:0:0:0:0:0:1"):
        a = host_scan(_migration_on(addr), domains=_beside())
        assert outcomes(a, "HVA-036")["hv1"] == "error", messages(a, "HVA-036")
        assert "refuses the file" in messages(a, "HVA-036")["hv1"]
    (tmp_path / "a").mkdir()
    (tmp_path / "held").mkdir()
    domains = {
        "wait": _raw_cpu_domain("wait", "", "-incoming", "tcp:[::1]:4444"),
        "slirp": _raw_cpu_domain("slirp", USER_NIC),
    }
    a = run_assessment(_replayed_on(tmp_path / "a", HARDENED_HOST, domains))
    assert verdict(a, "HVA-036", "hv1") == (
        "fail",
        "VM wait's QEMU argument -incoming tcp:[::1]:4444: QEMU waits for a migration stream "
        f"(main channel) on ::1, which the user-mode networking of {SLIRP} opens to its guest "
        "(a connection to its host address becomes one to ::1)",
    )
    both = {
        "wait": _raw_cpu_domain("wait", "", "-incoming", "tcp:[::1]:4444"),
        "slirp": _raw_cpu_domain("slirp", "", "-netdev", "user,id=n0"),
    }
    (tmp_path / "both").mkdir()
    raw = run_assessment(_replayed_on(tmp_path / "both", HARDENED_HOST, both))
    assert verdict(raw, "HVA-036", "hv1")[0] == "fail"
    v4only = {
        "wait": _raw_cpu_domain("wait", "", "-incoming", "tcp:[::1]:4444"),
        "slirp": _raw_cpu_domain("slirp", "", "-netdev", "user,id=n0,ipv4=on"),
    }
    held = run_assessment(_replayed_on(tmp_path / "held", HARDENED_HOST, v4only))
    assert verdict(held, "HVA-036", "hv1")[0] == "pass"


def test_console_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-031 (false pass). A password-less VNC console on ::1 beside VM slirp passed
    "console(s) reachable only from the host" (R17-5 demoted 127/8 only)."""
    vnc = (
        "<devices><graphics type='vnc' port='5901' autoport='no' listen='::1'>"
        "<listen type='address' address='::1'/></graphics></devices>"
    )
    a = host_scan(domains=[domain_xml("web01", body=vnc), domain_xml("slirp", body=USER_NIC)])
    assert (outcomes(a, "HVA-031")["web01"], messages(a, "HVA-031")["web01"]) == (
        "fail",
        "vnc on ::1 without a password; ::1 is reachable from guests: the user-mode networking "
        f"of {SLIRP} turns a guest's connection to its host address into one to ::1",
    )
    held = host_scan(domains=[domain_xml("web01", body=vnc)])
    assert outcomes(held, "HVA-031")["web01"] == "pass", messages(held, "HVA-031")


# --- VL18-2: a VM's own monitor on loopback, reached by its own user-mode guest -------------

OWN_GUEST = (
    "; 127.0.0.1 is reachable from guests: the user-mode networking of {how} turns a guest's "
    "connection to its host address into one to 127.0.0.1"
)


def test_own_monitor_on_loopback_reached_by_its_own_user_mode_guest_fails(tmp_path: Path) -> None:
    """VL18-2, HVA-031 (false pass). VM slirp's raw `-monitor tcp:127.0.0.1:4444,server=on`
    (and `-qmp`) passed "loopback only": R17-5 leaves out the VM's own guest, which gains
    nothing from its own console, but through slirp's host address (10.0.2.2 -> 127.0.0.1) it
    reaches its own QEMU's monitor, whose `migrate` takes `exec:cmdline` ("from given external
    command", qemu-options.hx -incoming): a host command as QEMU's user. Held: a raw
    `-serial tcp:127.0.0.1:...,server=on` (the guest's own console) keeps the pass, and a
    `-netdev user,restrict=on` guest reaches no host address."""
    cases = {
        "mon": (USER_NIC, ("-monitor", "tcp:127.0.0.1:4444,server=on,wait=off"), SLIRP),
        "qmp": (USER_NIC, ("-qmp", "tcp:127.0.0.1:4445,server=on,wait=off"), SLIRP),
        "raw": (
            "",
            ("-netdev", "user,id=n0", "-monitor", "tcp:127.0.0.1:4444,server=on,wait=off"),
            "VM slirp (QEMU argument -netdev user,id=n0)",
        ),
    }
    for key, (body, args, how) in cases.items():
        (tmp_path / key).mkdir()
        a = run_assessment(
            _replayed_on(
                tmp_path / key, HARDENED_HOST, {"slirp": _raw_cpu_domain("slirp", body, *args)}
            )
        )
        opt = " ".join(args[-2:])
        assert verdict(a, "HVA-031", "slirp") == (
            "fail",
            f"QEMU argument {opt}: QEMU's monitor as a TCP server on 127.0.0.1, without "
            "authentication or TLS" + OWN_GUEST.format(how=how),
        )
    held = {
        "serial": (USER_NIC, ("-serial", "tcp:127.0.0.1:4446,server=on,wait=off")),
        "restrict": (
            "",
            ("-netdev", "user,id=n0,restrict=on", "-monitor", "tcp:127.0.0.1:4444,server=on"),
        ),
    }
    for key, (body, args) in held.items():
        (tmp_path / key).mkdir()
        a = run_assessment(
            _replayed_on(
                tmp_path / key, HARDENED_HOST, {"slirp": _raw_cpu_domain("slirp", body, *args)}
            )
        )
        assert verdict(a, "HVA-031", "slirp") == (
            "pass",
            f"QEMU argument {' '.join(args[-2:])}: loopback only",
        )


# --- VL18-3: a character device connecting to a loopback port relays its guest there ---------


def _on_lo(address: str, port: int, program: str, pid: int) -> tuple[str, int]:
    return (
        LISTENERS + f"tcp   LISTEN 0      511        {address}:{port}      0.0.0.0:*    "
        f'users:(("{program}",pid={pid},fd=6))\n',
        0,
    )


def _dial(tag: str, host: str, port: int) -> str:
    target = (
        "<target type='guestfwd' address='10.0.2.1' port='4600'/>"
        if tag == "channel"
        else "<target port='0'/>"
    )
    return (
        f"<devices><{tag} type='tcp'><source mode='connect' host='{host}' service='{port}'/>"
        f"<protocol type='raw'/>{target}</{tag}></devices>"
    )


def test_loopback_listener_a_character_device_connects_to_fails(host_scan) -> None:
    """VL18-3, HVA-033 and HVA-210 (false passes). VM dial's `<serial type='tcp'><source
    mode='connect' host='127.0.0.1' service='6379'/>` makes QEMU a TCP client of
    127.0.0.1:6379 and relays the guest's serial line to it both ways (formatdomain, "TCP":
    the device "acts as a TCP client connecting to a remote server"), and a guestfwd
    `<channel type='tcp'>` forwards each connection the guest opens to 10.0.2.1:4600 to the
    host's 127.0.0.1:16509 (formatdomain, "Guest forwarding"); neither needs user-mode
    networking. The unapproved redis-server and libvirtd's TCP socket (a management
    listener) passed as loopback-only. Held: a device connecting to another port, or to
    127.0.0.1 when the listener is on 127.0.0.2, keeps the pass."""
    dial = "VM dial (<serial type='tcp'> connecting to 127.0.0.1:6379)"
    a = host_scan(
        {"listeners": _on_lo("127.0.0.1", 6379, "redis-server", 900)},
        domains=[domain_xml("dial", body=_dial("serial", "127.0.0.1", 6379))],
    )
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "fail",
        "unapproved listeners: redis-server (tcp/6379) (reached from guests by character "
        f"devices: redis-server on 127.0.0.1:6379 by {dial})",
    )
    b = host_scan(
        {"listeners": _on_lo("127.0.0.1", 16509, "libvirtd", 700)},
        domains=[domain_xml("dial", body=_dial("channel", "localhost", 16509))],
    )
    assert (outcomes(b, "HVA-210")["hv1"], messages(b, "HVA-210")["hv1"]) == (
        "fail",
        "on the loopback, but relayed to a guest by its character device: libvirtd "
        "(tcp/16509) on 127.0.0.1 by VM dial (<channel type='tcp'> connecting to "
        "localhost:16509)",
    )
    for address, port in (("127.0.0.1", 6380), ("127.0.0.2", 6379)):
        held = host_scan(
            {"listeners": _on_lo(address, 6379, "redis-server", 900)},
            domains=[domain_xml("dial", body=_dial("serial", "127.0.0.1", port))],
        )
        assert outcomes(held, "HVA-033")["hv1"] == "pass", messages(held, "HVA-033")


def test_console_na_names_a_device_connecting_to_this_host(host_scan) -> None:
    """VL18-3, HVA-031 (wording; leads18vm's lead). A TCP device connecting to 127.0.0.1
    listens nowhere, so HVA-031's n/a is right, but it said "no TCP or UDP character device"
    for a VM that has one: now it names it (what it reaches is HVA-033's and HVA-210's)."""
    a = host_scan(domains=[domain_xml("dial", body=_dial("serial", "127.0.0.1", 6379))])
    assert (outcomes(a, "HVA-031")["dial"], messages(a, "HVA-031")["dial"]) == (
        "not_applicable",
        "no VNC, SPICE or RDP console and no listening TCP or UDP character device; TCP "
        "character device(s) connecting to this host only: serial to 127.0.0.1:6379",
    )


# --- VL18-4: raw QEMU arguments that connect a guest's chardev to a loopback port -------------


def _raw_on(tmp_path: Path, key: str, listeners: tuple[str, int], *args: str, body: str = ""):
    (tmp_path / key).mkdir()
    host = {**HARDENED_HOST, "listeners": listeners}
    return run_assessment(
        _replayed_on(tmp_path / key, host, {"dial": _raw_cpu_domain("dial", body, *args)})
    )


def test_raw_arguments_connecting_a_guest_to_a_loopback_listener_fail(tmp_path: Path) -> None:
    """VL18-4, HVA-033 and HVA-210 (false passes). VL18-3 read libvirt's chardevs only; raw
    arguments that have QEMU dial a loopback port for a guest-facing device passed: `-chardev
    socket,host=127.0.0.1,port=N` without server (char-socket.c: a client unless server=on),
    `-serial tcp:127.0.0.1:N` and `telnet:` (qemu_chr_parse_compat `%64[^:]:%32[^,]`, a
    client without `,server`), and a `-netdev user` guestfwd rule
    `tcp:10.0.2.100:1234-tcp:127.0.0.1:N` ("Forward guest TCP connections to the IP address
    server on port port to the character device dev", qemu-options.hx; net/slirp.c
    slirp_guestfwd opens the device with qemu_chr_new, and restrict=on leaves forwarding rules
    working). Held: a `-chardev` client that `-mon chardev=` takes hands the port QEMU's
    monitor, not the guest, and keeps the pass."""
    cases = {
        "chardev": (
            "-chardev",
            "socket,id=c0,host=127.0.0.1,port={p}",
            "-device",
            "isa-serial,chardev=c0",
        ),
        "serial": ("-serial", "tcp:127.0.0.1:{p}"),
        "telnet": ("-serial", "telnet:localhost:{p}"),
        "guestfwd": (
            "-netdev",
            "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:1234-tcp:127.0.0.1:{p}",
        ),
    }
    for key, args in cases.items():
        a = _raw_on(
            tmp_path,
            key,
            _on_lo("127.0.0.1", 6379, "redis-server", 900),
            *(x.format(p=6379) for x in args),
        )
        shown = {
            "chardev": "-chardev socket,id=c0,host=127.0.0.1,port=6379",
            "serial": "-serial tcp:127.0.0.1:6379",
            "telnet": "-serial telnet:localhost:6379",
            "guestfwd": "-netdev user,...,guestfwd=tcp:10.0.2.100:1234-tcp:127.0.0.1:6379",
        }[key]
        assert verdict(a, "HVA-033", "hv1") == (
            "fail",
            "unapproved listeners: redis-server (tcp/6379) (reached from guests by character "
            f"devices: redis-server on 127.0.0.1:6379 by VM dial (QEMU argument {shown}))",
        ), key
        b = _raw_on(
            tmp_path,
            f"{key}-mgmt",
            _on_lo("127.0.0.1", 16509, "libvirtd", 700),
            *(x.format(p=16509) for x in args),
        )
        assert verdict(b, "HVA-210", "hv1") == (
            "fail",
            "on the loopback, but relayed to a guest by its character device: libvirtd "
            f"(tcp/16509) on 127.0.0.1 by VM dial (QEMU argument {shown.replace('6379', '16509')})",
        ), key
    held = _raw_on(
        tmp_path,
        "mon",
        _on_lo("127.0.0.1", 6379, "redis-server", 900),
        "-chardev",
        "socket,id=c0,host=127.0.0.1,port=6379",
        "-mon",
        "chardev=c0",
    )
    assert verdict(held, "HVA-033", "hv1")[0] == "pass", verdict(held, "HVA-033", "hv1")


# --- VL18-5: a -chardev server taken by -mon is QEMU's monitor --------------------------------


def test_mon_chardev_on_loopback_reached_by_its_own_user_mode_guest_fails(tmp_path: Path) -> None:
    """VL18-5, HVA-031, HVA-033 and HVA-210 (false passes). `-chardev
    socket,id=m0,host=127.0.0.1,port=4444,server=on -mon chardev=m0` (and
    `mode=control`, QMP) runs QEMU's monitor on that socket (monitor/monitor.c qemu_mon_opts,
    implied key chardev), but HVA-031 judged it as a plain chardev server: "loopback only"
    beside the VM's own user-mode networking, whose guest reaches it through slirp's host
    address (VL18-2 read -monitor, -qmp and mon: only). HVA-033 and HVA-210 left the VM's own
    QEMU's listeners out (R17-9: its own guest gains nothing from its own console), the
    monitor included (raw `-monitor tcp:...,server` too), though the monitor's `migrate`
    runs `exec:` host commands. Held: the same socket given to `-serial chardev:m0` (the
    guest's own console) keeps every pass, and without user-mode networking the monitor is
    loopback only."""
    web = "VM web01 (<interface type='user'>)"
    own = (
        f"127.0.0.1 is reachable from guests: the user-mode networking of {web} turns a guest's "
        "connection to its host address into one to 127.0.0.1"
    )
    chardev = "socket,id=m0,host=127.0.0.1,port=4444,server=on,wait=off"
    qemu = _on_lo("127.0.0.1", 4444, "qemu-system-x86", 1200)
    cases = {
        "hmp": ("-chardev", chardev, "-mon", "chardev=m0"),
        "qmp": ("-chardev", chardev, "-mon", "chardev=m0,mode=control"),
        "raw": ("-monitor", "tcp:127.0.0.1:4444,server=on,wait=off"),
    }
    for key, args in cases.items():
        (tmp_path / key).mkdir()
        a = run_assessment(
            _replayed_on(
                tmp_path / key,
                {**HARDENED_HOST, "listeners": qemu},
                {"web01": _raw_cpu_domain("web01", USER_NIC, *args)},
            )
        )
        if key != "raw":  # VL18-2 pins the raw -monitor's HVA-031
            assert verdict(a, "HVA-031", "web01") == (
                "fail",
                f"QEMU argument -chardev {chardev}: QEMU's monitor (-mon {args[-1]}) as a TCP "
                f"server on 127.0.0.1 port 4444, without authentication; {own}",
            ), key
        assert verdict(a, "HVA-033", "hv1") == (
            "fail",
            f"unapproved listeners: qemu-system-x86 (tcp/4444) ({own})",
        ), key
        assert verdict(a, "HVA-210", "hv1") == (
            "fail",
            f"listening on 127.0.0.1, which the user-mode networking of {web} opens to its guest "
            "(a connection to its host address becomes one to 127.0.0.1): qemu-system-x86 "
            "(tcp/4444) on 127.0.0.1",
        ), key
    held = {
        "serial": (USER_NIC, ("-chardev", chardev, "-serial", "chardev:m0")),
        "nonet": ("", ("-chardev", chardev, "-mon", "chardev=m0")),
    }
    for key, (body, args) in held.items():
        (tmp_path / key).mkdir()
        a = run_assessment(
            _replayed_on(
                tmp_path / key,
                {**HARDENED_HOST, "listeners": qemu},
                {"web01": _raw_cpu_domain("web01", body, *args)},
            )
        )
        assert verdict(a, "HVA-031", "web01") == (
            "pass",
            f"QEMU argument -chardev {chardev}: loopback only",
        ), key
        for check in ("HVA-033", "HVA-210"):
            assert verdict(a, check, "hv1")[0] == "pass", (key, verdict(a, check, "hv1"))


# --- VL18-6: a character device naming its service by name -----------------------------------


def _named(service: str) -> str:
    return (
        "<devices><serial type='tcp'><source mode='connect' host='127.0.0.1' "
        f"service='{service}'/><protocol type='raw'/><target port='0'/></serial></devices>"
    )


def test_character_device_naming_its_service_by_name_asks(host_scan) -> None:
    """VL18-6, HVA-033 and HVA-210 (false passes). `<source mode='connect' host='127.0.0.1'
    service='redis'/>` was skipped (VL18-3 matched numbers only), so an unapproved
    redis-server on 127.0.0.1:6379 passed. libvirt hands the service to QEMU as the chardev's
    port (qemuBuildChrChardevStr: `host=%s,port=%s` of data.tcp.service), and QEMU resolves it
    when it connects (util/qemu-sockets.c inet_parse_connect_saddr: `getaddrinfo(saddr->host,
    saddr->port, &ai, &res)`, SOCK_STREAM): the host's /etc/services decides the port.
    hvaudit does not collect that file, so each check asks, naming the listener and the
    device. Held: a named device with no loopback listener of its protocol keeps the pass."""
    dial = "VM dial (<serial type='tcp'> connecting to 127.0.0.1:{s})"
    a = host_scan(
        {"listeners": _on_lo("127.0.0.1", 6379, "redis-server", 900)},
        domains=[domain_xml("dial", body=_named("redis"))],
    )
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "manual",
        "unapproved listeners on the loopback that a character device may reach by a service "
        "name, which QEMU resolves with the host's /etc/services (not collected): redis-server "
        f"(tcp/6379) on 127.0.0.1: {dial.format(s='redis')}",
    )
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-033")
    assert q is not None and q.startswith(
        "Does /etc/services on hv1 map none of redis/tcp to tcp/6379? Evidence: `getent "
        "services NAME/PROTOCOL` on the host"
    )
    b = host_scan(
        {"listeners": _on_lo("127.0.0.1", 16509, "libvirtd", 700)},
        domains=[domain_xml("dial", body=_named("libvirt-tcp"))],
    )
    assert (outcomes(b, "HVA-210")["hv1"], messages(b, "HVA-210")["hv1"]) == (
        "manual",
        "on the loopback, and a character device may reach them by a service name, which QEMU "
        "resolves with the host's /etc/services (not collected): libvirtd (tcp/16509) on "
        f"127.0.0.1 by {dial.format(s='libvirt-tcp')}",
    )
    held = host_scan(domains=[domain_xml("dial", body=_named("redis"))])
    assert outcomes(held, "HVA-033")["hv1"] == "pass", messages(held, "HVA-033")
    assert outcomes(held, "HVA-210")["hv1"] == "pass", messages(held, "HVA-210")


# --- VL18-7: a random-number device reading a host source other than the kernel's pools ------


def _rng(path: str, rate: str = "") -> str:
    return (
        f"<devices><rng model='virtio'>{rate}<backend model='random'>{path}</backend></rng>"
        "</devices>"
    )


def test_rng_reading_a_host_device_asks(host_scan, tmp_path: Path) -> None:
    """VL18-7, HVA-050 (wrong n/a). `<rng><backend model='random'>/dev/hwrng</backend>` said
    "no device passthrough", but QEMU reads the host's hardware RNG for the guest, whose
    virtio-rng is a hw_random device it reads raw; libvirt takes any path since 1.3.4
    (formatdomain, "Random number generator device": "Since 1.3.4 any path is accepted. Before
    that /dev/random and /dev/hwrng were the only accepted paths"), so `/dev/sda` hands the
    guest a disk's bytes; virtio-rng reads as fast as the guest asks unless <rate> bounds it.
    No DMA, so no IOMMU, but a host device: the question of what the source is and whether
    <rate> bounds it (as R17-2's host lines), never "no device passthrough". The same for raw
    `-object rng-random,filename=/dev/hwrng`. Held: /dev/urandom, /dev/random (in any
    spelling) and no path (QEMU's default, one of them) are the kernel's shared pools and keep
    the n/a."""
    msg = (
        "random-number device reading host source(s) {p} for the guest: no DMA, but the guest "
        "reads a device or file of the host (only /dev/random and /dev/urandom are the "
        "kernel's shared pools)"
    )
    for path in ("/dev/hwrng", "/dev/sda"):
        a = host_scan(domains=[domain_xml("rng", body=_rng(path))])
        assert verdict(a, "HVA-050", "rng") == ("manual", msg.format(p=path))
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-050")
    assert q is not None and q.startswith(
        "Is each source VM rng's random-number device reads on host hv1 (/dev/sda) the host's "
        "hardware RNG, with the guest's reads bounded? Evidence:"
    )
    assert "fail: any other file or device (the guest reads its content)" in q
    (tmp_path / "raw").mkdir()
    raw = {
        "raw": _raw_cpu_domain(
            "raw",
            "",
            "-object",
            "rng-random,id=r0,filename=/dev/hwrng",
            "-device",
            "virtio-rng-pci,rng=r0",
        )
    }
    b = run_assessment(_replayed_on(tmp_path / "raw", HARDENED_HOST, raw))
    assert verdict(b, "HVA-050", "raw") == ("manual", msg.format(p="/dev/hwrng"))
    for path in ("/dev/urandom", "/dev//random", ""):
        held = host_scan(domains=[domain_xml("rng", body=_rng(path))])
        assert verdict(held, "HVA-050", "rng") == ("not_applicable", "no device passthrough")


# --- VL18-8: HVA-070, no soft_limit on a host whose cgroup version is not known ---------------


def test_no_soft_limit_on_a_host_of_unknown_cgroup_version_asks(tmp_path: Path) -> None:
    """VL18-8, HVA-070 (wrong fail; test_vm_leads17's lead). A VM whose one gap is the
    <memtune><soft_limit> failed "no memory priority" on a host whose cgroup version was not
    read, though on cgroup v2 the priority is the VM cgroup's memory.low or memory.min, set
    outside the definition (VL17-1: v2 hosts ask). One of the two versions could pass, so the
    unknown version asks, with a pass only for v2 with memory.low/min (v1 without soft_limit
    has no priority: the fail). Held: on cgroup v1 (conftest's hardened host) the fail stays,
    and the known-v2 question keeps its words."""
    (tmp_path / "unknown").mkdir()
    a = _cgroups(tmp_path / "unknown", None)
    assert verdict(a, "HVA-070", "nosoft") == (
        "manual",
        "backed by pre-reserved huge pages; memtune hard_limit 2097152 KiB; configured size "
        "1.0 GiB; the cgroup version of host hv1 is not known (the cgroup mounts were not "
        "read: command not found): no <memtune><soft_limit>: no priority on cgroup v1, and on "
        "cgroup v2 the priority is the VM cgroup's memory.low or memory.min, which the "
        "definition does not set",
    )
    q = _result(a, "HVA-070", "nosoft").outcome.question
    assert q is not None and q.endswith(
        "Pass: cgroup v2 with a memory.low or memory.min above 0; fail: cgroup v1 (no "
        "soft_limit: no priority) or cgroup v2 with neither, so under contention the VM yields "
        "like any other."
    )
    (tmp_path / "v1").mkdir()
    held = _cgroups(tmp_path / "v1", HARDENED_HOST["cgroup-mounts"])
    assert verdict(held, "HVA-070", "nosoft")[0] == "fail"
