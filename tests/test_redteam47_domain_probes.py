"""Red-team round 47 probes: VM domain XML and raw QEMU arguments, every listener of a VNC
server (r47-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py: the hardened Debian
host replay, whose qemu.conf sets vnc_tls = 1, with the test-driver node's domains collected
by the real LibvirtCollector and marked as the QEMU driver's, each VM's <qemu:commandline>
written into its collected XML), scanned through the real parser and engine. The change
reaches only a VM with a raw -vnc, -display vnc= or `-set vnc.*`, which no e2e-* domain of
tests/test_e2e_libvirtd.py has.

Findings:
- R47D-1 (false pass) HVA-031: a VNC server listens on every value of its `vnc` key and of
  `websocket` (QEMU ui/vnc.c vnc_display_get_addresses: `qemu_opt_iter_init(&addriter, opts,
  "vnc")`, then the same over "websocket"; the last `vnc` value is read only to see whether
  it is `none`), and a websocket takes its own host, an empty one becoming the display's only
  where the display has one TCP listener with a host named (vnc_display_get_address; the
  "Historical compat" block), else every address. hvaudit read the last `vnc` value alone
  and no websocket of a raw -vnc: VM web01's `-vnc 127.0.0.1:1,websocket=0.0.0.0:5700`
  (and v1's -set of it, v2's `-display vnc=`) passed "loopback only", v3's `-vnc
  0.0.0.0:2,vnc=127.0.0.1:1` "loopback only", v4's `-vnc 0.0.0.0:2 -set
  vnc.default.vnc=unix:...` and v5's `-vnc unix:...,websocket=5700` "no TCP listener", each
  a VNC server on every address without authentication; libvirt's VNC on 0.0.0.0 without a
  password beside `-set vnc.default.vnc=unix:...` (v6, R41D-6 read it as a move) and
  libvirt's loopback VNC with a second `vnc` and a bare websocket (v7) passed "reachable only
  from the host". Now each listener is judged (consoles._vnc_tcp_hosts, consoles._vnc_set):
  all fail.
- R47D-2 (false pass, false n/a) HVA-031, HVA-033, HVA-210: `-qmp-pretty` is -qmp with
  pretty JSON (system/vl.c `case QEMU_OPTION_qmp_pretty: monitor_parse(optarg, "control",
  true)`) and `-debugcon` takes "same devices as the serial port" (qemu-options.hx), `mon:`
  multiplexing QEMU's monitor onto it, but consoles._raw_consoles and
  qemu_args.raw_monitor_ports read -serial, -parallel, -monitor, -qmp and -gdb alone. VM
  web01's `-qmp-pretty tcp::4444,server=on` (QEMU's monitor on every address: a host
  takeover) and v1's `-debugcon tcp:0.0.0.0:4445,server=on` were "no VNC, SPICE or RDP
  console and no TCP or UDP character device" (not applicable); beside the VM's own
  user-mode guest a loopback -qmp-pretty or `-debugcon mon:tcp:127.0.0.1:...` passed HVA-031
  as not applicable and its listener HVA-033 and HVA-210. Now both options are read as the
  others are (consoles._COMPAT_OPTIONS, _chardev_role): the monitor fails as a monitor, the
  debug console as the guest's output.
- R47D-3 (false n/a) HVA-031: a raw `-display dbus,addr=ADDRESS` or `-object
  dbus-display,addr=ADDRESS` connects the VM's screen, keyboard and pointer to the D-Bus bus
  at ADDRESS (ui/dbus.c dbus_display_complete: unless p2p, g_dbus_connection_new_for_
  address_sync), as libvirt's <graphics type='dbus' address> does, which R11-2 fails over
  `tcp:`/`nonce-tcp:` off the loopback (dbus-daemon(1): no integrity or confidentiality
  protection). VMs web01, v1 and v2 (keyval, QemuOpts and JSON spellings) were "no VNC, SPICE
  or RDP console" (not applicable). Now they fail as libvirt's does (consoles._raw_consoles,
  _dbus_entries).
- R47D-4 (wrong fail) HVA-031: round 46's lead. With qemu.conf's vnc_tls = 0, a raw `-set
  vnc.default.tls-creds=x0` naming a raw `-object tls-creds-x509` reaches libvirt's -vnc
  (QEMU's id `default`, R41D-6) and gives its passworded VNC x509 TLS (ui/vnc.c
  vnc_display_setup_auth: VeNCrypt X509VNC for x509 credentials; any but x509 or anonymous
  ones are "Unsupported TLS cred type" and QEMU does not start). VM web01 failed "without
  TLS (vnc_tls = 0)"; now it passes "with TLS and a password", naming the -set and vnc_tls
  (consoles._vnc_set, Graphics.tls_x509).
- R47D-5 (wrong fail) HVA-031: a lone raw `-spice addr=0.0.0.0,tls-port=5901,sasl=on,
  disable-ticketing=on` (VM web01) failed "without authentication (disable-ticketing)", but
  QEMU's qemu_spice_init calls spice_server_set_noauth, which clears the ticket alone
  (ticketing_enabled, taTicket), and with SASL on spice-server admits a client only through
  SASL (server/reds.cpp reds_handle_auth_mechanism: the SPICE ticket only `&&
  !reds->config->sasl_enabled`, "Unknown auth method, disconnecting" otherwise;
  reds_handle_read_link_done: "SASL enabled, but peer supports only spice authentication"),
  as R41D-5 held for an inherited disable-ticketing. Now it is the SASL question.
- R47D-6 (wrong fail) HVA-031: round 46's lead. A raw `-spice tls-channel=...` merged
  into libvirt's SPICE was read as leaving libvirt's modes, but ui/spice-core.c add_channel
  hands it to spice_server_set_channel_security after libvirt's own settings
  (SPICE_CHANNEL_SECURITY_SSL; `default` for every channel without its own), and
  spice-server's reds_set_one_channel_security replaces a channel's earlier setting: VM
  web01's SPICE on 0.0.0.0 with a password and defaultMode 'any' beside `-spice
  tls-channel=default` failed "admits plaintext channels (defaultMode='any')", though its
  plaintext port admits no channel (reds_security_check, R22M-2); v1's fail named channel
  main 'insecure', which its `tls-channel=main` made TLS-only. Now the raw modes are merged
  in order, a channel's last one counting (consoles._spice_merged, _network_console): web01
  passes, v1 fails on defaultMode='any'.
- R47D-7 (false pass, false n/a) HVA-031: R41D-6's class for character devices. libvirt builds a TCP
  serial as QemuOpts with QEMU's id `char` + its alias (tests/qemuxmlconfdata/
  serial-tcp-telnet-chardev.x86_64-latest.args `-chardev socket,id=charserial0,
  host=127.0.0.1,port=9999,...,server=on,wait=off`), before every <qemu:arg>, and QEMU
  creates chardevs only after reading every option (system/vl.c `qemu_opts_foreach(
  qemu_find_opts("chardev"), chardev_init_func, ...)`), so a raw `-set
  chardev.charserial0.host=0.0.0.0` moves libvirt's loopback serial to every address (VM
  web01, which passed "reachable only from the host") and `server=on` with `host=::` turns
  a dialling one into a listener on every address (v1, not applicable: "connecting to this
  host only"). Now libvirt's TCP character devices are judged as the -set
  leaves them (consoles._chardev_set; Chardev.alias, libvirt's <alias name> or the one
  qemuAssignDeviceChrAlias gives at start): both fail without TLS; a `path` -set makes v2's
  serial on 0.0.0.0 a UNIX socket (not applicable: it failed without TLS on main).
- R47D-8 (false pass) HVA-031: R47D-7's -set with `tls-creds`: under chardev_tls = 1
  libvirt's TCP serial on 0.0.0.0 has x509 TLS that verifies clients, but a raw `-set
  chardev.charserial0.tls-creds=ID` naming a raw -object puts those credentials in its place
  (qmp_chardev_open_socket resolves the id), and anonymous ones (VM web01) or x509 ones with
  verify-peer=off (v1) check no client: both passed "with TLS and client certificates". Now
  they fail, judged by consoles._authenticating_tls (Chardev.raw_creds).

Held (kept as tests): a raw loopback -vnc with a bare websocket port (the display's host),
a last `vnc=none` (no listener at all), libvirt's loopback VNC with a bare websocket and
libvirt's VNC on 0.0.0.0 moved to `none` keep their passes (R47D-1); a loopback -debugcon
without `mon:` beside the VM's own user-mode guest keeps its passes (R47D-2); a raw dbus
display on a loopback bus, with p2p=on, on a UNIX bus or without addr passes (R47D-3); with
vnc_tls = 0, no -set, a -set naming libvirt's vnc-tls-creds0 (never created then) or PSK
credentials, and x509 without a password still fail (R47D-4); `disable-ticketing=on`
without sasl still fails (R47D-5); `tls-channel=default` beside libvirt's own insecure
channel or before a raw plaintext-channel, and libvirt's defaultMode 'any' alone, still fail
(R47D-6); a -set keeping libvirt's serial on the loopback or naming another chardev, and
none, keep the pass (R47D-7); raw x509 credentials that verify the peer, no -set, and an
id no raw -object has keep "with TLS and client certificates" (R47D-8).

Probed by script: none beyond the kept cases.

Tally: 8 findings (false pass 4, two also a false n/a; false n/a 1; wrong fail 3), 9 tests
holding 48 cases; 30 failed on main before the fixes (R47D-1's 9 finding cases, R47D-2's 4,
all 7 of R47D-3, whose held cases were not applicable there, R47D-4's 1, R47D-5's 1,
R47D-6's 2, R47D-7's 3 and R47D-8's 2, plus its held v2, whose pass now names the -set);
the 18 other held cases pass on main too.

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import test_redteam41_domain_probes as t41
from conftest import HARDENED_HOST, messages, outcomes
from test_loop17_probes import USER_NIC
from test_redteam3_vm_probes import verdict
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline
from test_redteam41_domain_probes import _questions
from test_vm_leads19b import _web01

VNC_ANY = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"
VNC_LO = "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>"


def _raw_open(shown: str, where: str = "0.0.0.0") -> str:
    return (
        f"QEMU argument {shown}: a VNC server on {where} with no password, sasl or tls-creds "
        "option, outside libvirt's <graphics> (qemu.conf's vnc_* do not apply)"
    )


def test_every_vnc_and_websocket_value_listens(tmp_path: Path) -> None:
    """R47D-1: QEMU's VNC server listens on every `vnc` value and every `websocket` one
    (ui/vnc.c vnc_display_get_addresses), not on the last `vnc` alone: a websocket or a second
    address off the loopback is a VNC server there. Held: a bare websocket port on a loopback
    display, a last `vnc=none`."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-vnc", "127.0.0.1:1,websocket=0.0.0.0:5700")),
            "v1": (
                "",
                _commandline("-vnc", "127.0.0.1:1", "-set", "vnc.default.websocket=0.0.0.0:5700"),
            ),
            "v2": ("", _commandline("-display", "vnc=127.0.0.1:1,websocket=0.0.0.0:5700")),
            "v3": ("", _commandline("-vnc", "0.0.0.0:2,vnc=127.0.0.1:1")),
            "v4": ("", _commandline("-vnc", "0.0.0.0:2", "-set", "vnc.default.vnc=unix:/run/x")),
            "v5": ("", _commandline("-vnc", "unix:/run/v.sock,websocket=5700")),
            "v6": (VNC_ANY, _commandline("-set", "vnc.default.vnc=unix:/run/x")),
            "v7": (
                VNC_LO,
                _commandline(
                    "-set", "vnc.default.vnc=127.0.0.1:3", "-set", "vnc.default.websocket=5700"
                ),
            ),
            "v8": ("", _commandline("-vnc", "127.0.0.1:1,vnc=unix:/run/v.sock,websocket=5700")),
            "v9": ("", _commandline("-vnc", "127.0.0.1:1,websocket=5700")),
            "v10": ("", _commandline("-vnc", "0.0.0.0:1,vnc=none")),
            "v11": (VNC_LO, _commandline("-set", "vnc.default.websocket=5700")),
            "v12": (VNC_ANY, _commandline("-set", "vnc.default.vnc=none")),
        },
    )
    fails = ["web01", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"]
    assert outcomes(a, "HVA-031") == {
        n: "fail" if n in fails else "pass" for n in ["web01", *(f"v{i}" for i in range(1, 13))]
    }
    libvirt_open = "vnc on 0.0.0.0 (bound to every address) without a password"
    assert messages(a, "HVA-031") == {
        "web01": _raw_open("-vnc 127.0.0.1:1,websocket=0.0.0.0:5700"),
        "v1": _raw_open("-vnc 127.0.0.1:1 -set vnc.default.websocket=0.0.0.0:5700"),
        "v2": _raw_open("-display vnc=127.0.0.1:1,websocket=0.0.0.0:5700"),
        "v3": _raw_open("-vnc 0.0.0.0:2,vnc=127.0.0.1:1"),
        "v4": _raw_open("-vnc 0.0.0.0:2 -set vnc.default.vnc=unix:/run/x"),
        "v5": _raw_open("-vnc unix:/run/v.sock,websocket=5700", "every address"),
        "v6": libvirt_open,
        "v7": libvirt_open,
        "v8": _raw_open("-vnc 127.0.0.1:1,vnc=unix:/run/v.sock,websocket=5700", "every address"),
        "v9": "QEMU argument -vnc 127.0.0.1:1,websocket=5700: loopback only",
        "v10": "QEMU argument -vnc 0.0.0.0:1,vnc=none: no TCP listener",
        "v11": "console(s) reachable only from the host",
        "v12": "console(s) reachable only from the host",
    }


GUEST = (
    "127.0.0.1 is reachable from guests: the user-mode networking of VM web01 (<interface "
    "type='user'>) turns a guest's connection to its host address into one to 127.0.0.1"
)


def test_qmp_pretty_and_debugcon_are_read_as_chardev_options(tmp_path: Path) -> None:
    """R47D-2: `-qmp-pretty` is -qmp (system/vl.c monitor_parse(optarg, "control", true)) and
    `-debugcon` takes the serial port's devices, `mon:` too (qemu-options.hx): HVA-031 found no
    console (not applicable) for QEMU's monitor on TCP through either, and HVA-033 and HVA-210
    passed its listener beside the VM's own user-mode guest (raw_monitor_ports left them
    out). Held: a debugcon without `mon:` on the loopback carries the guest's output alone."""
    cases = {
        "qmp": ("-qmp-pretty", "tcp:127.0.0.1:1234,server=on,wait=off"),
        "mon": ("-debugcon", "mon:tcp:127.0.0.1:1234,server=on,wait=off"),
        "dbg": ("-debugcon", "tcp:127.0.0.1:1234,server=on,wait=off"),
    }
    role = {
        "qmp": "QEMU's monitor",
        "mon": "the guest's debug console (what it writes to I/O port 0xe9) and QEMU's monitor "
        "(mon:)",
    }
    for key, args in cases.items():
        a = _web01(tmp_path, key, USER_NIC, *args)
        if key == "dbg":
            assert verdict(a, "HVA-031", "web01") == (
                "pass",
                f"QEMU argument -debugcon {args[1]}: loopback only",
            )
            for check in ("HVA-033", "HVA-210"):
                assert verdict(a, check, "hv1")[0] == "pass", check
            continue
        assert verdict(a, "HVA-031", "web01") == (
            "fail",
            f"QEMU argument {args[0]} {args[1]}: {role[key]} as a TCP server on 127.0.0.1, "
            f"without authentication or TLS; {GUEST}",
        ), key
        assert verdict(a, "HVA-033", "hv1") == (
            "fail",
            f"unapproved listeners: qemu-system-x86 (tcp/1234) ({GUEST})",
        ), key
        assert verdict(a, "HVA-210", "hv1") == (
            "fail",
            "listening on 127.0.0.1, which the user-mode networking of VM web01 (<interface "
            "type='user'>) opens to its guest (a connection to its host address becomes one to "
            "127.0.0.1): qemu-system-x86 (tcp/1234) on 127.0.0.1",
        ), key


def test_qmp_pretty_and_debugcon_on_every_address_fail(tmp_path: Path) -> None:
    """R47D-2: the same options on every address: HVA-031 was not applicable to either VM
    (no console found); now each fails on QEMU's monitor or the guest's debug output."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-qmp-pretty", "tcp::4444,server=on,wait=off")),
            "v1": ("", _commandline("-debugcon", "tcp:0.0.0.0:4445,server=on,wait=off")),
        },
    )
    assert outcomes(a, "HVA-031") == {"web01": "fail", "v1": "fail"}
    assert messages(a, "HVA-031") == {
        "web01": "QEMU argument -qmp-pretty tcp::4444,server=on,wait=off: QEMU's monitor as a "
        "TCP server on every address, without authentication or TLS",
        "v1": "QEMU argument -debugcon tcp:0.0.0.0:4445,server=on,wait=off: the guest's debug "
        "console (what it writes to I/O port 0xe9) as a TCP server on 0.0.0.0, without "
        "authentication or TLS",
    }


def test_raw_dbus_display_on_a_tcp_bus_fails(tmp_path: Path) -> None:
    """R47D-3: a raw `-display dbus,addr=` or `-object dbus-display,addr=` connects the
    screen, keyboard and pointer to the bus at addr (ui/dbus.c dbus_display_complete,
    g_dbus_connection_new_for_address_sync), as libvirt's <graphics type='dbus' address> does
    (R11-2: D-Bus over TCP has no integrity or confidentiality protection): each was "no VNC,
    SPICE or RDP console" (not applicable). Held: a bus on the loopback, p2p=on (no bus), a
    UNIX bus, no addr (the session bus)."""
    tcp = "tcp:host=192.0.2.1,,port=5555"
    a = _ns_scan(
        tmp_path,
        {
            "web01": ("", _commandline("-display", f"dbus,addr={tcp}")),
            "v1": ("", _commandline("-object", f"dbus-display,id=d0,addr={tcp}")),
            "v2": (
                "",
                _commandline(
                    "-object",
                    '{"qom-type":"dbus-display","id":"d0","addr":"nonce-tcp:host=192.0.2.1,'
                    'port=5555"}',
                ),
            ),
            "v3": ("", _commandline("-display", "dbus,addr=tcp:host=127.0.0.1,,port=5555")),
            "v4": ("", _commandline("-display", f"dbus,p2p=on,addr={tcp}")),
            "v5": ("", _commandline("-display", "dbus,addr=unix:path=/run/x")),
            "v6": ("", _commandline("-display", "dbus")),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "fail",
        "v3": "pass",
        "v4": "pass",
        "v5": "pass",
        "v6": "pass",
    }
    bus = (
        "a dbus display connected to the D-Bus bus at 192.0.2.1 port 5555 ({}): D-Bus over TCP "
        "has no integrity or confidentiality protection, so the console travels in cleartext to "
        "that bus's clients"
    )
    assert messages(a, "HVA-031") == {
        "web01": f"QEMU argument -display dbus,addr={tcp}: {bus.format('tcp')}",
        "v1": f"QEMU argument -object dbus-display,id=d0,addr={tcp}: {bus.format('tcp')}",
        "v2": 'QEMU argument -object {"qom-type":"dbus-display","id":"d0","addr":"nonce-tcp:'
        f'host=192.0.2.1,port=5555"}}: {bus.format("nonce-tcp")}',
        "v3": "QEMU argument -display dbus,addr=tcp:host=127.0.0.1,,port=5555: a bus on the "
        "loopback",
        "v4": f"QEMU argument -display dbus,p2p=on,addr={tcp}: no bus address in the arguments "
        "(p2p=on, clients added through QMP)",
        "v5": "console(s) reachable only from the host",
        "v6": "QEMU argument -display dbus: no bus address in the arguments (the session bus)",
    }


X509 = "tls-creds-x509,id=x0,dir=/etc/pki/qemu,endpoint=server"


def test_set_tls_creds_to_x509_credentials_where_vnc_tls_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R47D-4: with qemu.conf's vnc_tls = 0, a raw `-set vnc.default.tls-creds=ID` naming a
    raw `-object tls-creds-x509` gives libvirt's passworded VNC x509 TLS (ui/vnc.c
    vnc_display_setup_auth: VeNCrypt X509VNC), which HVA-031 failed "without TLS (vnc_tls =
    0)". Held: no -set, a -set naming libvirt's vnc-tls-creds0 (which vnc_tls = 0 never
    creates: QEMU does not start) or PSK credentials ("Unsupported TLS cred type"), and the
    x509 -set without a password."""
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace("vnc_tls = 1", "vnc_tls = 0")
    monkeypatch.setattr(t41, "HARDENED_HOST", {**HARDENED_HOST, "/etc/libvirt/qemu.conf": conf})
    pw = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='x'/></devices>"
    psk = "tls-creds-psk,id=p0,dir=/etc/pki/qemu,endpoint=server"
    a = t41._conf_scan(
        tmp_path,
        {
            "web01": (pw, _commandline("-object", X509, "-set", "vnc.default.tls-creds=x0")),
            "v1": (pw, ""),
            "v2": (pw, _commandline("-set", "vnc.default.tls-creds=vnc-tls-creds0")),
            "v3": (pw, _commandline("-object", psk, "-set", "vnc.default.tls-creds=p0")),
            "v4": (VNC_ANY, _commandline("-object", X509, "-set", "vnc.default.tls-creds=x0")),
        },
        "",
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "pass",
        "v1": "fail",
        "v2": "fail",
        "v3": "fail",
        "v4": "fail",
    }
    off = "vnc on 0.0.0.0 (bound to every address) without TLS (vnc_tls = 0)"
    assert messages(a, "HVA-031") == {
        "web01": "vnc on 0.0.0.0 (bound to every address) with TLS and a password (a QEMU "
        "argument -set vnc.default.tls-creds=x0 names a -object tls-creds-x509; vnc_tls = 0)",
        "v1": off,
        "v2": off,
        "v3": off,
        "v4": "vnc on 0.0.0.0 (bound to every address) without a password",
    }


def test_lone_raw_spice_with_sasl_and_disable_ticketing_is_asked(tmp_path: Path) -> None:
    """R47D-5: a raw `-spice ...,sasl=on,disable-ticketing=on` failed "without
    authentication (disable-ticketing)", but spice_server_set_noauth clears the ticket alone,
    and with SASL on spice-server admits a client only through SASL
    (reds_handle_auth_mechanism, reds_handle_read_link_done): it is the SASL question, as
    sasl=on alone is. Held: disable-ticketing=on without sasl still fails."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                "",
                _commandline("-spice", "addr=0.0.0.0,tls-port=5901,sasl=on,disable-ticketing=on"),
            ),
            "v1": ("", _commandline("-spice", "addr=0.0.0.0,tls-port=5901,disable-ticketing=on")),
        },
    )
    assert outcomes(a, "HVA-031") == {"web01": "manual", "v1": "fail"}
    shown = "QEMU argument -spice addr=0.0.0.0,tls-port=5901,sasl=on,disable-ticketing=on"
    assert messages(a, "HVA-031") == {
        "web01": f"{shown}: TLS port only, sasl (SASL authenticates)",
        "v1": "QEMU argument -spice addr=0.0.0.0,tls-port=5901,disable-ticketing=on: a SPICE "
        "server on 0.0.0.0 without authentication (disable-ticketing)",
    }
    assert _questions(a, "HVA-031")["web01"] == (
        f"Does the SASL configuration QEMU uses for spice ({shown}) on host hv1 offer only "
        "mechanisms that authenticate? Evidence: the mech_list line of qemu.conf in the "
        "configuration directory the SASL library on hv1 was built with (libvirt passes QEMU a "
        "SASL_CONF_PATH only with its own VNC or SPICE console under /etc/libvirt/qemu.conf's "
        "vnc_sasl = 1 or spice_sasl = 1, so vnc_sasl_dir and spice_sasl_dir do not apply). "
        "Pass: yes, mech_list names only mechanisms that authenticate the user (gssapi, "
        "scram-sha-256); fail: mech_list is unset or names anonymous."
    )


def _spice(channels: str = "") -> str:
    return (
        "<devices><graphics type='spice' autoport='yes' listen='0.0.0.0' passwd='x'>"
        f"{channels}</graphics></devices>"
    )


def test_raw_tls_channel_merged_into_libvirts_spice(tmp_path: Path) -> None:
    """R47D-6: a raw `-spice tls-channel=default` merged into libvirt's SPICE (defaultMode
    'any') makes every channel libvirt names none for TLS-only (ui/spice-core.c add_channel,
    spice_server_set_channel_security(NULL, SPICE_CHANNEL_SECURITY_SSL)), so its plaintext
    port admits none (reds_security_check, R22M-2): HVA-031 failed it on defaultMode='any'.
    Held: `tls-channel=main` over libvirt's insecure main still leaves the others on 'any',
    `tls-channel=default` leaves libvirt's own insecure main (an explicit channel keeps its
    mode) and a raw plaintext-channel after it, and libvirt's own defaultMode='any'."""
    insecure_main = "<channel name='main' mode='insecure'/>"
    a = _ns_scan(
        tmp_path,
        {
            "web01": (_spice(), _commandline("-spice", "tls-channel=default")),
            "v1": (_spice(insecure_main), _commandline("-spice", "tls-channel=main")),
            "v2": (_spice(insecure_main), _commandline("-spice", "tls-channel=default")),
            "v3": (
                _spice(),
                _commandline("-spice", "tls-channel=default,plaintext-channel=inputs"),
            ),
            "v4": (_spice(), ""),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "pass",
        "v1": "fail",
        "v2": "fail",
        "v3": "fail",
        "v4": "fail",
    }
    where = "spice on 0.0.0.0 (bound to every address)"
    merged = "; QEMU merges the argument -spice {} into libvirt's -spice)"
    assert messages(a, "HVA-031") == {
        "web01": f"{where} with TLS and a password; QEMU argument -spice tls-channel=default: "
        "TLS port only, with ticketing",
        "v1": f"{where} admits plaintext channels (defaultMode='any'"
        + merged.format("tls-channel=main"),
        "v2": f"{where} admits plaintext channels (channel(s) main mode='insecure'"
        + merged.format("tls-channel=default"),
        "v3": f"{where} admits plaintext channels (channel(s) inputs mode='insecure'"
        + merged.format("tls-channel=default,plaintext-channel=inputs"),
        "v4": f"{where} admits plaintext channels (defaultMode='any')",
    }


def _serial(mode: str, host: str) -> str:
    return (
        f"<devices><serial type='tcp'><source mode='{mode}' host='{host}' service='4444'/>"
        "<protocol type='raw'/><target port='0'/></serial></devices>"
    )


def test_set_reaching_libvirts_tcp_chardev_moves_it(tmp_path: Path) -> None:
    """R47D-7: libvirt's TCP serial is `-chardev socket,id=charserial0,...` (QemuOpts, before
    every <qemu:arg>), which QEMU creates only after reading every option, so a raw `-set
    chardev.charserial0.host=0.0.0.0` moves its listener to every address (VM web01), and
    `server=on` with a host turns a dialling one into a listener there (v1): HVA-031 passed
    web01 "reachable only from the host" and found v1 connecting to this host only. `path` makes it a UNIX socket (v2: libvirt's serial
    on 0.0.0.0 failed without TLS, now no TCP character device). Held: a -set keeping it on the
    loopback, one naming another chardev, and no -set."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                _serial("bind", "127.0.0.1"),
                _commandline("-set", "chardev.charserial0.host=0.0.0.0"),
            ),
            "v1": (
                _serial("connect", "127.0.0.1"),
                _commandline(
                    "-set", "chardev.charserial0.server=on", "-set", "chardev.charserial0.host=::"
                ),
            ),
            "v2": (
                _serial("bind", "0.0.0.0"),
                _commandline("-set", "chardev.charserial0.path=/run/s.sock"),
            ),
            "v3": (
                _serial("bind", "127.0.0.1"),
                _commandline("-set", "chardev.charserial0.host=127.0.0.2"),
            ),
            "v4": (
                _serial("bind", "127.0.0.1"),
                _commandline("-set", "chardev.charserial1.host=0.0.0.0"),
            ),
            "v5": (_serial("bind", "127.0.0.1"), ""),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "not_applicable",
        "v3": "pass",
        "v4": "pass",
        "v5": "pass",
    }
    local = "console(s) reachable only from the host"
    assert messages(a, "HVA-031") == {
        "web01": "serial (a QEMU argument -set chardev.charserial0.host=0.0.0.0) on 0.0.0.0 "
        "(bound to every address) port 4444 without TLS (chardev_tls = 0)",
        "v1": "serial (a QEMU argument -set chardev.charserial0.server=on -set "
        "chardev.charserial0.host=::) on :: (bound to every address) port 4444 without TLS "
        "(chardev_tls = 0)",
        "v2": "no VNC, SPICE or RDP console and no TCP or UDP character device",
        "v3": local,
        "v4": local,
        "v5": local,
    }


def test_set_tls_creds_on_libvirts_tcp_chardev(tmp_path: Path) -> None:
    """R47D-8: with chardev_tls = 1 libvirt's TCP serial on 0.0.0.0 has TLS with client
    certificates, but a raw `-set chardev.charserial0.tls-creds=ID` naming a raw -object puts
    those credentials in its place: anonymous ones (VM web01) or x509 ones with verify-peer=off
    (v1) check no client, yet HVA-031 passed both "with TLS and client certificates". Held:
    x509 credentials that verify the peer (v2), no -set (v3), an id no raw -object has (v4:
    libvirt's own or none, QEMU refusing to start)."""
    anon = "tls-creds-anon,id=a0,endpoint=server"
    noverify = "tls-creds-x509,id=x1,dir=/etc/pki/qemu,endpoint=server,verify-peer=off"
    a = t41._conf_scan(
        tmp_path,
        {
            "web01": (
                _serial("bind", "0.0.0.0"),
                _commandline("-object", anon, "-set", "chardev.charserial0.tls-creds=a0"),
            ),
            "v1": (
                _serial("bind", "0.0.0.0"),
                _commandline("-object", noverify, "-set", "chardev.charserial0.tls-creds=x1"),
            ),
            "v2": (
                _serial("bind", "0.0.0.0"),
                _commandline("-object", X509, "-set", "chardev.charserial0.tls-creds=x0"),
            ),
            "v3": (_serial("bind", "0.0.0.0"), ""),
            "v4": (
                _serial("bind", "0.0.0.0"),
                _commandline("-set", "chardev.charserial0.tls-creds=objcharserial0_tls0"),
            ),
        },
        "chardev_tls = 1\n",
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "pass",
        "v3": "pass",
        "v4": "pass",
    }
    where = "serial on 0.0.0.0 (bound to every address) port 4444"
    noauth = (
        "{}: TLS that authenticates no client (a QEMU argument -set chardev.charserial0."
        "tls-creds={} names credentials without client certificate checks): anyone can connect"
    )
    assert messages(a, "HVA-031") == {
        "web01": noauth.format(where, "a0"),
        "v1": noauth.format(where, "x1"),
        "v2": f"{where} with TLS and client certificates (a QEMU argument -set "
        "chardev.charserial0.tls-creds=x0)",
        "v3": f"{where} with TLS and client certificates",
        "v4": f"{where} with TLS and client certificates",
    }
