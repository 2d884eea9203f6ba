"""Red-team round 48 probes: VM domain XML and raw QEMU arguments, a raw -set turning any
libvirt character device into a TCP socket (r48-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py: the hardened Debian
host replay, with the test-driver node's domains collected by the real LibvirtCollector and
marked as the QEMU driver's, each VM's <qemu:commandline> written into its collected XML) for
HVA-031, and round 10's `_replayed_on` (tests/test_redteam10_vm_probes.py: QEMU-driver domain
XML on the replayed host, its `ss` listeners replaced) for HVA-033 and HVA-210, scanned
through the real parser and engine.

Findings:
- R48D-1 (false n/a, false pass) HVA-031: round 47's lead (1). QEMU takes a chardev's backend
  from the last `backend` value of its QemuOpts (chardev/char.c qemu_chr_new_from_opts:
  qemu_opt_get(opts, "backend")), and libvirt's pty serial is `-chardev pty,id=charserial0`
  (tests/qemuxmlconfdata/serial-pty-chardev.x86_64-latest.args), so a raw `-set
  chardev.charserial0.backend=socket` with host, port and server=on makes it a TCP socket
  (chardev/char-socket.c qemu_chr_parse_socket: host and port needed, server off by
  default). hvaudit modelled a chardev only for libvirt's tcp and udp types: VM web01's pty
  on 0.0.0.0, v1's spicevmc channel on every address (empty host) and v7's pty made a client
  of 192.0.2.9 were "no VNC, SPICE or RDP console and no TCP or UDP character device" (not
  applicable), and v2's UDP serial on the loopback, made a socket on 0.0.0.0, passed
  "reachable only from the host". Now libvirt's pathless devices (Vm.pathless_chardevs) and
  UDP ones are read with the -set (checks._chardevs.set_chardevs, chardev_set): each fails
  without TLS, named "a QEMU argument made it a socket; no tls-creds".
- R48D-2 (false pass) HVA-033, HVA-210: round 47's lead (2). HVA-033 and HVA-210 read the
  devices relaying a guest to the host's loopback (checks._loopback.chardev_guests) from the
  XML alone, without R47D-7's -set: VM web01's pty made a client of 127.0.0.1:6379 (R48D-1)
  and v1's TCP serial to 192.0.2.9 moved to 127.0.0.1 reached redis-server, which passed
  HVA-033 "all approved", and v2's pty made a client of libvirtd's TCP port passed HVA-210.
  Now the three checks share one reading (set_chardevs): both fail, naming the -set.
- R48D-3 (false pass) HVA-031: round 47's lead (3). A raw `-vnc ...,password-secret=s0`
  naming `-object secret,id=s0,data=` gives QEMU's VNC server the empty password
  (crypto/secret.c qcrypto_secret_load_data: `*outputlen = strlen(secret->data)`; ui/vnc.c
  vnc_display_open: `vd->password = qcrypto_secret_lookup_as_utf8(passwordSecret, errp)`),
  which protocol_client_auth_vnc accepts (it refuses only `if (!vs->vd->password)`, the DES
  key being the zero-padded password); a redacted bundle keeps the empty value
  (hvaudit.redact._qemu_prop). VMs web01 (QemuOpts) and v1 (JSON) on 0.0.0.0 passed
  "password-secret"; now they fail (consoles._empty_secret).
- R48D-4 (false pass) HVA-031: round 47's lead (4). A raw dbus display without addr joins
  the session bus (ui/dbus.c dbus_display_complete: g_bus_get_sync(G_BUS_TYPE_SESSION)),
  whose address GLib takes from DBUS_SESSION_BUS_ADDRESS first (gio/gdbusaddress.c
  g_dbus_address_get_for_bus_sync), which libvirt's <qemu:env> sets in QEMU's environment;
  the collection redacts <qemu:env> values. VM web01's `-display dbus` and v1's `-object
  dbus-display` beside a <qemu:env> naming a TCP bus passed "no bus address in the arguments
  (the session bus)". Now each is asked which address the <qemu:env> sets (Vm.session_bus,
  consoles._Verdict.hidden_bus); an unredacted value is judged as an addr is.
- R48D-5 (false n/a) HVA-031: round 47's lead (4), second half. system/vl.c parse_display
  hands every -display but vnc to parse_display_qapi, whose qobject_input_visitor_new_str
  reads JSON as well as keyval, so `-display {"type":"dbus","addr":"tcp:..."}` is R47D-3's
  dbus display; VM web01 was "no VNC, SPICE or RDP console" (not applicable). Now it fails
  as the keyval spelling does (consoles._display_props).

Held (kept as tests): a pty set on the loopback passes (R48D-1, v3, not applicable on
main); a socket backend without host (QEMU refuses to start), a file serial keeping its path
(a UNIX socket) and no -set stay not applicable (R48D-1); a -set moving a loopback client to
another port or onto a UNIX path keeps HVA-033's pass (R48D-2); redacted (so non-empty) secret
data, a file secret (taken at its word) and a secret no raw -object defines keep the VNC's
"password-secret" pass (R48D-3); a dbus display with p2p=on beside the <qemu:env>, and
one without a <qemu:env>, keep their passes (R48D-4); a JSON dbus display with p2p true
passes (not applicable on main) and a JSON display of another type stays not applicable
(R48D-5).

Probed by script: none beyond the kept cases.

Tally: 5 findings (false pass 4, one also a false n/a; false n/a 1), 5 tests holding 24
cases; 12 failed on main before the fixes (R48D-1's web01, v1, v2, v7, R48D-2's three,
R48D-3's two, R48D-4's two and R48D-5's one), plus two held cases not applicable on main
(R48D-1's v3, R48D-5's v1); the 10 other held cases pass on main too.

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, messages, outcomes, run_assessment
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline
from test_redteam41_domain_probes import _questions

PTY = "<devices><serial type='pty'><target port='0'/></serial></devices>"
FILE = (
    "<devices><serial type='file'><source path='/var/log/s.log'/><target port='0'/></serial>"
    "</devices>"
)
UDP = (
    "<devices><serial type='udp'><source mode='bind' host='127.0.0.1' service='5555'/>"
    "<source mode='connect' host='127.0.0.1' service='5556'/><target port='0'/></serial>"
    "</devices>"
)
SPICEVMC = (
    "<devices><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/>"
    "</channel></devices>"
)


def _sets(ident: str, *pairs: str) -> tuple[str, ...]:
    return tuple(a for kv in pairs for a in ("-set", f"chardev.{ident}.{kv}"))


def test_set_backend_socket_makes_a_pathless_chardev_a_listener(tmp_path: Path) -> None:
    """R48D-1: QEMU takes a chardev's backend from its last `backend` value (chardev/char.c
    qemu_chr_new_from_opts), so a raw `-set chardev.charserial0.backend=socket` with host,
    port and server=on makes libvirt's pty serial (`-chardev pty,id=charserial0`) a TCP
    listener: VM web01's on every address was "no VNC, SPICE or RDP console and no TCP or UDP
    character device" (not applicable), as v1's spicevmc channel with an empty host (every
    address) and v2's UDP serial, and v7's pty made a client of 192.0.2.9. Held: the loopback (v3), no host (v4: QEMU refuses "no host
    given"), a file serial keeping its path (v5: a UNIX socket), no -set (v6)."""
    on_any = ("backend=socket", "host=0.0.0.0", "port=4444", "server=on")
    a = _ns_scan(
        tmp_path,
        {
            "web01": (PTY, _commandline(*_sets("charserial0", *on_any))),
            "v1": (
                SPICEVMC,
                _commandline(
                    *_sets("charchannel0", "backend=socket", "host=", "port=4445", "server=on")
                ),
            ),
            "v2": (UDP, _commandline(*_sets("charserial0", *on_any))),
            "v3": (
                PTY,
                _commandline(
                    *_sets(
                        "charserial0", "backend=socket", "host=127.0.0.1", "port=4444", "server=on"
                    )
                ),
            ),
            "v4": (PTY, _commandline(*_sets("charserial0", "backend=socket", "port=4444"))),
            "v5": (FILE, _commandline(*_sets("charserial0", *on_any))),
            "v6": (PTY, ""),
            "v7": (
                PTY,
                _commandline(
                    *_sets("charserial0", "backend=socket", "host=192.0.2.9", "port=4444")
                ),
            ),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "fail",
        "v3": "pass",
        "v4": "not_applicable",
        "v5": "not_applicable",
        "v6": "not_applicable",
        "v7": "fail",
    }
    none = "no VNC, SPICE or RDP console and no TCP or UDP character device"
    raw = "without TLS (a QEMU argument made it a socket; no tls-creds)"

    def made(device: str, ident: str, host: str, port: int) -> str:
        kvs = ("backend=socket", f"host={host}", f"port={port}", "server=on")
        shown = " ".join(f"-set chardev.{ident}.{kv}" for kv in kvs)
        return f"{device} (a QEMU argument {shown}) on {host or '*'} (bound to every address) "

    assert messages(a, "HVA-031") == {
        "web01": made("serial", "charserial0", "0.0.0.0", 4444) + f"port 4444 {raw}",
        "v1": made("channel", "charchannel0", "", 4445) + f"port 4445 {raw}",
        "v2": made("serial", "charserial0", "0.0.0.0", 4444) + f"port 4444 {raw}",
        "v3": "console(s) reachable only from the host",
        "v4": none,
        "v5": none,
        "v6": none,
        "v7": "serial (a QEMU argument -set chardev.charserial0.backend=socket -set "
        "chardev.charserial0.host=192.0.2.9 -set chardev.charserial0.port=4444) to 192.0.2.9 "
        f"port 4444 {raw}: the console travels in cleartext",
    }


def _on_lo(port: int, program: str, pid: int) -> dict[str, tuple[str, int]]:
    return {
        **HARDENED_HOST,
        "listeners": (
            HARDENED_HOST["listeners"][0]
            + f"tcp   LISTEN 0      511        127.0.0.1:{port}      0.0.0.0:*    "
            f'users:(("{program}",pid={pid},fd=6))\n',
            0,
        ),
    }


def test_hva033_and_hva210_read_the_set_chardevs(tmp_path: Path) -> None:
    """R48D-2: HVA-033 and HVA-210 read the character devices that connect to the host's
    loopback (checks._loopback.chardev_guests) from libvirt's XML alone, without the raw -set
    HVA-031 applies (R47D-7): VM web01's pty serial made a client of 127.0.0.1:6379 by `-set
    chardev.charserial0.backend=socket` (R48D-1) and v1's TCP serial to 192.0.2.9 moved to
    127.0.0.1 by `-set chardev.charserial0.host=127.0.0.1` relay their guests to redis-server
    there, which passed HVA-033 as loopback-only; v2's to libvirtd's TCP port passed HVA-210.
    Held: a -set moving the device to another port (v3), and a path -set making libvirt's
    loopback client a UNIX socket (v4), reach no listener."""
    for sub in "abc":
        (tmp_path / sub).mkdir()

    def vm(name: str, body: str, *kvs: str) -> str:
        return _raw_cpu_domain(name, body, *_sets("charserial0", *kvs))

    to_redis = ("backend=socket", "host=127.0.0.1", "port=6379")
    a = run_assessment(
        _replayed_on(
            tmp_path / "a",
            _on_lo(6379, "redis-server", 900),
            {
                "web01": vm("web01", PTY, *to_redis),
                "v1": vm("v1", _tcp_client("192.0.2.9", 6379), "host=127.0.0.1"),
            },
        )
    )
    b = run_assessment(
        _replayed_on(
            tmp_path / "b",
            _on_lo(16509, "libvirtd", 700),
            {"v2": vm("v2", PTY, "backend=socket", "host=127.0.0.1", "port=16509")},
        )
    )
    held = run_assessment(
        _replayed_on(
            tmp_path / "c",
            _on_lo(6379, "redis-server", 900),
            {
                "v3": vm("v3", _tcp_client("127.0.0.1", 6379), "port=6380"),
                "v4": vm("v4", _tcp_client("127.0.0.1", 6379), "path=/run/r.sock"),
            },
        )
    )
    redis = "redis-server on 127.0.0.1:6379 by VM"
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "fail",
        "unapproved listeners: redis-server (tcp/6379) (reached from guests by character "
        f"devices: {redis} v1 (serial (a QEMU argument -set chardev.charserial0.host=127.0.0.1) "
        f"connecting to 127.0.0.1:6379), {redis} web01 (serial (a QEMU argument -set "
        "chardev.charserial0.backend=socket -set chardev.charserial0.host=127.0.0.1 -set "
        "chardev.charserial0.port=6379) connecting to 127.0.0.1:6379))",
    )
    assert (outcomes(b, "HVA-210")["hv1"], messages(b, "HVA-210")["hv1"]) == (
        "fail",
        "on the loopback, but relayed to a guest by its character device: libvirtd (tcp/16509) "
        "on 127.0.0.1 by VM v2 (serial (a QEMU argument -set chardev.charserial0.backend=socket "
        "-set chardev.charserial0.host=127.0.0.1 -set chardev.charserial0.port=16509) "
        "connecting to 127.0.0.1:16509)",
    )
    assert (outcomes(held, "HVA-033")["hv1"], messages(held, "HVA-033")["hv1"]) == (
        "pass",
        "1 non-loopback listener(s), all approved",
    )


def _tcp_client(host: str, port: int) -> str:
    return (
        f"<devices><serial type='tcp'><source mode='connect' host='{host}' service='{port}'/>"
        "<protocol type='raw'/><target port='0'/></serial></devices>"
    )


def test_raw_vnc_password_secret_with_empty_data_is_open(tmp_path: Path) -> None:
    """R48D-3: a raw `-vnc ...,password-secret=s0` naming `-object secret,id=s0,data=` gives
    QEMU's VNC server the empty password (crypto/secret.c qcrypto_secret_load_data takes
    `data` as it is; ui/vnc.c vnc_display_open sets it), which protocol_client_auth_vnc
    accepts (it refuses only where no password is set): VM web01 (QemuOpts) and v1 (JSON)
    passed "password-secret". Held: redacted (so non-empty) data (v2) and a secret no raw
    -object defines (v4) keep the pass; a file secret (v3) no running QEMU names is asked
    since R52D-1 (its size, which tells the empty password, was not collected)."""
    vnc = "0.0.0.0:1,password-secret=s0"
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-object", "secret,id=s0,data=", "-vnc", vnc)),
            "v1": (
                "",
                _commandline("-object", '{"qom-type":"secret","id":"s0","data":""}', "-vnc", vnc),
            ),
            "v2": (
                "",
                _commandline("-object", "secret,id=s0,data=***REDACTED***", "-vnc", vnc),
            ),
            "v3": ("", _commandline("-object", "secret,id=s0,file=/etc/vnc.pw", "-vnc", vnc)),
            "v4": ("", _commandline("-vnc", vnc)),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "pass",
        "v3": "manual",
        "v4": "pass",
    }
    shown = f"QEMU argument -vnc {vnc}"
    open_ = (
        f"{shown}: a VNC server on 0.0.0.0 whose password-secret=s0 names an empty secret "
        "(-object secret s0 with empty data): QEMU's VNC server accepts the empty password, "
        "outside libvirt's <graphics> (qemu.conf's vnc_* do not apply)"
    )
    held = f"{shown}: password-secret"
    assert messages(a, "HVA-031") == {
        "web01": open_,
        "v1": open_,
        "v2": held,
        "v3": f"{shown}: a VNC server on 0.0.0.0 whose password-secret=s0 names -object secret "
        "s0 reading file=/etc/vnc.pw, whose size was not collected (no running QEMU of the scan names it)",
        "v4": held,
    }


def _bus_env(address: str, *args: str) -> str:
    body = "".join(f"<qemu:arg value='{a}'/>" for a in args)
    env = f"<qemu:env name='DBUS_SESSION_BUS_ADDRESS' value='{address}'/>"
    return f"<qemu:commandline>{body}{env}</qemu:commandline>"


def test_raw_dbus_display_on_a_session_bus_named_by_qemu_env_is_asked(tmp_path: Path) -> None:
    """R48D-4: a raw dbus display without addr joins the session bus (ui/dbus.c
    dbus_display_complete: g_bus_get_sync(G_BUS_TYPE_SESSION)), whose address GLib takes from
    DBUS_SESSION_BUS_ADDRESS (gio/gdbusaddress.c g_dbus_address_get_for_bus_sync), which
    <qemu:env> sets for QEMU, and the collection redacts its value: VM web01's `-display dbus`
    and v1's `-object dbus-display` beside a TCP session bus passed "no bus address in the
    arguments (the session bus)". Now each is asked which address the <qemu:env> sets. Held:
    p2p=on (v2: no bus), no <qemu:env> (v3)."""
    tcp = "tcp:host=192.0.2.1,port=5555"
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _bus_env(tcp, "-display", "dbus")),
            "v1": ("", _bus_env(f"nonce-{tcp}", "-object", "dbus-display,id=d0")),
            "v2": ("", _bus_env(tcp, "-display", "dbus,p2p=on")),
            "v3": ("", _commandline("-display", "dbus")),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "manual",
        "v1": "manual",
        "v2": "pass",
        "v3": "pass",
    }
    on_bus = ": on the session bus <qemu:env DBUS_SESSION_BUS_ADDRESS> sets"
    assert messages(a, "HVA-031") == {
        "web01": f"QEMU argument -display dbus{on_bus}",
        "v1": f"QEMU argument -object dbus-display,id=d0{on_bus}",
        "v2": "QEMU argument -display dbus,p2p=on: no bus address in the arguments (p2p=on, "
        "clients added through QMP)",
        "v3": "QEMU argument -display dbus: no bus address in the arguments (the session bus)",
    }
    asked = (
        "Which D-Bus address does <qemu:env name='DBUS_SESSION_BUS_ADDRESS'> of VM {} set (the "
        "session bus its dbus display, QEMU argument {}, joins)? Evidence: `virsh dumpxml {}` on "
        "host hv1 (the value of that <qemu:env>, which the bundle redacts). Pass: a unix: "
        "address, or tcp: or nonce-tcp: with a loopback host; fail: tcp: or nonce-tcp: with "
        "another host, where the VM's screen and keyboard travel in cleartext to that bus's "
        "clients."
    )
    uuids = {v.name: v.uuid for v in a.deployment.vms}
    assert _questions(a, "HVA-031") == {
        "web01": asked.format("web01", "-display dbus", uuids["web01"]),
        "v1": asked.format("v1", "-object dbus-display,id=d0", uuids["v1"]),
    }


def test_raw_dbus_display_in_json_is_read(tmp_path: Path) -> None:
    """R48D-5: system/vl.c parse_display hands a -display other than vnc to
    parse_display_qapi, whose qobject_input_visitor_new_str reads JSON as well as keyval, so
    `-display {"type":"dbus","addr":"tcp:..."}` is a dbus display on that bus (R47D-3): VM
    web01 was "no VNC, SPICE or RDP console" (not applicable). Held: JSON p2p true (v1: no
    bus) and a JSON display of another type (v2)."""
    tcp = "tcp:host=192.0.2.1,port=5555"
    on_tcp = f'{{"type":"dbus","addr":"{tcp}"}}'
    p2p = f'{{"type":"dbus","p2p":true,"addr":"{tcp}"}}'
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-display", on_tcp)),
            "v1": ("", _commandline("-display", p2p)),
            "v2": ("", _commandline("-display", '{"type":"none"}')),
        },
    )
    assert outcomes(a, "HVA-031") == {"web01": "fail", "v1": "pass", "v2": "not_applicable"}
    assert messages(a, "HVA-031") == {
        "web01": f"QEMU argument -display {on_tcp}: a dbus display connected to the D-Bus bus at "
        "192.0.2.1 port 5555 (tcp): D-Bus over TCP has no integrity or confidentiality "
        "protection, so the console travels in cleartext to that bus's clients",
        "v1": f"QEMU argument -display {p2p}: no bus address in the arguments (p2p=on, clients "
        "added through QMP)",
        "v2": "no VNC, SPICE or RDP console and no TCP or UDP character device",
    }
