"""Red-team round 51 probes: VM domain XML and raw QEMU arguments, a VNC password read from
a secret file that is always empty, the `password` flag against `password-secret`, and
libvirt's websocket beside a raw listener, a raw `-set` making a character device a UDP one,
smartcard and rng character devices, qemu.conf's empty default passwords, and qemu-server's
`password=on` (r51-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py: the hardened Debian
host replay, whose qemu.conf sets vnc_tls = 1, with the test-driver node's domains collected
by the real LibvirtCollector and marked as the QEMU driver's, each VM's <qemu:commandline>
written into its collected XML), scanned through the real parser and engine. The change
reaches only a VM with a raw -vnc or `-set vnc.*`, which no e2e-* domain of
tests/test_e2e_libvirtd.py has.

Findings:
- R51D-1 (false pass) HVA-031: round 50's lead. A `-object secret,file=PATH` is the file's
  whole content (QEMU crypto/secret.c qcrypto_secret_load_data: `g_file_get_contents(
  secret->file, &data, &length, ...)`, `*outputlen = length`), and /dev/null always reads as
  end of file (null(4)), so `file=/dev/null` is the empty password, which QEMU's VNC server
  accepts (ui/vnc.c protocol_client_auth_vnc refuses only `if (!vs->vd->password)`; R48D-3).
  libvirt's VNC on 0.0.0.0 given it by `-set vnc.default.password-secret=s0` (VM web01)
  passed "with TLS and a password", and a raw `-vnc 0.0.0.0:1,password-secret=s0` naming it
  (v1 JSON, v2 a path that normalises to /dev/null) passed "password-secret". Now the secret
  is read as empty data is (consoles._empty_secret): all three fail.

- R51D-2 (wrong fail, wording) HVA-031: the team's decision. libvirt's -vnc has
  `password=on` for a passwd or qemu.conf's vnc_password, and sets a password over the
  monitor only then (src/qemu/qemu_hotplug.c qemuDomainChangeGraphicsPasswords returns at
  `if (!auth->passwd && !defaultPasswd)`). A raw `-set vnc.default.password=on` without
  either leaves QEMU's `vd->password` unset, and ui/vnc.c protocol_client_auth_vnc rejects
  every client (`if (!vs->vd->password)`, "password is not set"; vnc_display_setup_auth
  takes the password before SASL): VM web01 failed "without a password" and v1 (with
  `sasl=on`) asked about SASL; both now pass, "refuses every client", as a SPICE console
  with passwd='' does (R11-3). vnc_display_open refuses `password` on beside
  `password-secret` ("'password' flag is redundant with 'password-secret'": QEMU does not
  start): v2 (libvirt's password=on for its passwd) and v5 (a -set's) passed "with TLS and a
  password" and now pass saying QEMU does not start. With `password=off` the secret still
  sets the password (`password = true` after reading it): v3 and v4 failed "without a
  password (... turns it off)" and now pass "with TLS and a password"
  (consoles._vnc_set, _libvirt_vnc_password, Graphics.closed).
- R51D-3 (false pass) HVA-031: round 50's lead. hvaudit did not read the XML's `websocket`
  at all. libvirt gives its -vnc on an address a bare `websocket=PORT` (tests/
  qemuxmlconfdata/graphics-vnc-websocket.x86_64-latest.args `-vnc
  127.0.0.1:0,websocket=5700`), which QEMU puts on the display's host only while the display
  has that one TCP listener (ui/vnc.c vnc_display_get_addresses, R47D-1), else on every
  address. A raw `-set vnc.default.vnc=unix:...` (VM web01) or `vnc=127.0.0.1:7` (v1, with
  an allocated websocket='-1') beside libvirt's loopback VNC passed "reachable only from the
  host" with the websocket on every address, without a password. Now the websocket is read
  (Graphics.websocket) and counted as a -set websocket is: both fail.
- R51D-4 (false n/a, false pass) HVA-031: round 50's lead. R48D-1 read a `-set
  chardev.charALIAS.backend=` only for `socket`; any other backend left a TCP device "unix"
  and a pty as it was, and a UDP device's keys were not read. chardev/char-udp.c
  qemu_chr_parse_udp reads `host` (the peer, "localhost" when empty), `port` (none: "remote
  port not specified", QEMU does not start), `localaddr` and `localport` (every address
  where neither is given). `backend=udp,host=192.0.2.9,port=5555` made libvirt's loopback
  TCP serial (VM web01) and a pty (v1) a console sent in cleartext to 192.0.2.9 and read
  from whoever sends as it: both were "no ... TCP or UDP character device" (not
  applicable); v2's UDP serial with its peer and local address moved to the network passed
  "reachable only from the host". Now the -set is read (checks._chardevs.udp_set, one
  reading with HVA-033 and HVA-210): all three fail.
- R51D-5 (false pass, false n/a) HVA-031: round 50's lead. libvirt's passthrough smartcard
  and EGD rng backend are `-chardev ...,id=charsmartcard0` and `id=charrng0` (tests/
  qemuxmlconfdata/smartcard-passthrough-tcp.x86_64-latest.args, virtio-rng-egd.x86_64-
  latest.args), which a raw -set reaches as a serial's, but the parser gave them no alias
  and no pathless entry: VM web01's loopback smartcard server moved to 0.0.0.0 by `-set
  chardev.charsmartcard0.host=` passed "reachable only from the host", v1's spicevmc
  smartcard made a TCP server on every address (R48D-1's class) and v2's rng client made
  a server there (R47D-7's) were not applicable. Now both carry libvirt's alias (<alias>,
  else `smartcard`/`rng` + index) and a pathless entry (parse.libvirt_xml): all fail.
- R51D-6 (false pass, wording) HVA-031: qemu.conf's `vnc_password = ""` (read with
  virConfGetValueString, empty too; qemu.conf.in: "An empty string will still enable
  passwords") is handed to QEMU for every console without passwd (src/qemu/qemu_hotplug.c
  qemuDomainChangeGraphicsPasswords: `auth->passwd ? auth->passwd : defaultPasswd`, early
  return only where both are NULL), and QEMU's VNC server accepts the empty password (the
  reading hvaudit holds for passwd='': ui/vnc.c protocol_client_auth_vnc, qmp_set_password
  "setting an empty password will not disable login"). VM openvnc on 0.0.0.0 passed "with
  TLS and a password"; it now fails "with an empty password". `spice_password = ""` is
  SPICE's empty ticket, which spice-server refuses every link with (R11-3): openspice
  passed with the same wrong message and now says so (consoles._network_console).
- R51D-7 (wrong fail, wording) HVA-031: R51D-2 for Proxmox VE. qemu-server's -vnc has
  `password=on` (`-vnc unix:...,password=on`, R42D-2), so `args: -set
  vnc.default.password-secret=s0` beside it stops QEMU; VM web-10 moved onto 0.0.0.0 failed
  "without TLS" and now passes saying QEMU does not start (_libvirt_vnc_password). With
  `password=off` before the secret it failed "without a password (... turns it off)" and
  now fails on the missing TLS alone, the secret being its password (R51D-2).
- R51D-8 (false pass) HVA-031: the collection's redaction (hvaudit.redact.redact_argv, for
  Proxmox VE's `args:` and process lists) judged `-set vnc.vnc2.password-secret=s0` by the
  whole dotted name, whose `password` made it a secret: the id became ***REDACTED***, and
  web-10's raw `-vnc 0.0.0.0:1` given an empty secret by it passed "password-secret"
  (R48D-3 could not tie the id to its -object). QEMU's `-set GROUP.ID.ARG=VALUE` sets option
  ARG (qemu-options.hx), so ARG alone is now judged: `password-secret` is a reference (the
  rule that keeps `-vnc ...,password-secret=s0`), `data` and `password` are secrets.

Held (kept as tests): a secret file elsewhere (v3 raw, v4 libvirt's) is taken at its word
(a lead; R51D-1); `password=off` after `password=on` (v6), `password=on` over libvirt's
passwd (v7) and `password=off` with an empty secret (v8) keep their verdicts (R51D-2); no
websocket (v2), a websocket without a -set (v3) and a socket display, which libvirt gives
no websocket (v4), stay loopback (R51D-3); a `backend=udp` without a port (v4: QEMU does
not start) stays not applicable, the TCP serial's own loopback peer (v5) and a peer moved
with the loopback bind kept (v6: the kernel drops network datagrams to 127/8) pass, and
every local address with the loopback peer (v3) passes naming the peer (R51D-4); the
smartcard without a -set stays loopback (R51D-5, v3); a console's own passwd wins over
qemu.conf's empty one (R51D-6, pwvnc).

Probed by script: none beyond the kept cases.

Tally: 8 findings (false pass 6, two also false n/a, one with wording; wrong fail 2 with
wording), 9 tests holding 38 cases (R51D-8's three failed on main before the fix: the second
PVE case on its message, which showed the blanked id; R51D-7's message showed it too); the 21 finding cases failed on main before the fixes
(R51D-1's three; R51D-2's web01, v1, v3 and v4 on their verdicts, v2 and v5 on their
messages; R51D-3's two; R51D-4's three; R51D-5's three; R51D-6's openvnc on its verdict,
openspice on its message; R51D-7's first on its verdict, its second on its message before
R51D-2 landed, which already changed it); of the
14 held cases R51D-4's v3 changed message only (main did not read its -set), the others pass
on main too.

Leads left: a `file=` secret other than /dev/null (and a `keyid=` one) is taken at its
word though its content is unread (a team decision: question or pass); `-set
chardev.charmonitor.*` on libvirt's fd-passed monitor (QEMU wants exactly one of path, fd,
host: probably no start); libvirt's websocket where the listen address comes from an unread
qemu.conf is counted as on an address; other redaction forms that judge a dotted QEMU name
whole (`-global`, `-set` inside JSON).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from hvaudit.redact import redact_command_line
from test_redteam2_probes import VM200, pve_result
from test_redteam2_probes import pve_scan as dir_scan
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline
from test_redteam48_domain_probes import PTY, UDP

VNC = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"


def _sets(*pairs: str) -> tuple[str, ...]:
    return tuple(a for kv in pairs for a in ("-set", f"vnc.default.{kv}"))


def test_secret_file_dev_null_is_the_empty_password(tmp_path: Path) -> None:
    """R51D-1: a secret read from /dev/null is the empty password (crypto/secret.c
    qcrypto_secret_load_data: the file's whole content), which QEMU's VNC server accepts:
    libvirt's VNC given it by a -set (web01) and a raw -vnc naming it (v1 JSON, v2 a path
    normalising to /dev/null) passed. Another secret file (v3, v4), taken at its word here,
    is asked since R52D-1 (its size, which tells the empty password, was not collected)."""
    raw = ("-vnc", "0.0.0.0:1,password-secret=s0")
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                VNC,
                _commandline(
                    "-object", "secret,id=s0,file=/dev/null", *_sets("password-secret=s0")
                ),
            ),
            "v1": (
                "",
                _commandline("-object", '{"qom-type":"secret","id":"s0","file":"/dev/null"}', *raw),
            ),
            "v2": ("", _commandline("-object", "secret,id=s0,file=/dev/../dev//null", *raw)),
            "v3": ("", _commandline("-object", "secret,id=s0,file=/etc/qemu/vnc.pw", *raw)),
            "v4": (
                VNC,
                _commandline(
                    "-object", "secret,id=s0,file=/etc/qemu/vnc.pw", *_sets("password-secret=s0")
                ),
            ),
        },
    )
    shown = "QEMU argument -vnc 0.0.0.0:1,password-secret=s0"

    def empty(path: str) -> str:
        return (
            f"{shown}: a VNC server on 0.0.0.0 whose password-secret=s0 names an empty secret "
            f"(-object secret s0 reading file={path}, which is always empty): QEMU's VNC "
            "server accepts the empty password, outside libvirt's <graphics> (qemu.conf's "
            "vnc_* do not apply)"
        )

    where = "vnc on 0.0.0.0 (bound to every address)"
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "fail",
        "v3": "manual",
        "v4": "manual",
    }
    assert messages(a, "HVA-031") == {
        "web01": f"{where} without a password",
        "v1": empty("/dev/null"),
        "v2": empty("/dev/../dev//null"),
        "v3": f"{shown}: a VNC server on 0.0.0.0 whose password-secret=s0 names -object "
        "secret s0 reading file=/etc/qemu/vnc.pw, whose size was not collected (no running QEMU of the scan names it)",
        "v4": f"{where} with TLS, its password a QEMU argument -set "
        "vnc.default.password-secret=s0 naming -object secret s0 reading file=/etc/qemu/vnc.pw, "
        "whose size was not collected (no running QEMU of the scan names it)",
    }


PASSWD = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='pw1'/></devices>"


def test_set_password_flag_against_password_secret(tmp_path: Path) -> None:
    """R51D-2 (the team's decision): `password=on` with nothing setting a password (no
    passwd, no vnc_password: qemuDomainChangeGraphicsPasswords sets none) leaves QEMU's
    `vd->password` unset, and protocol_client_auth_vnc refuses every client, before SASL too
    (web01, v1: failed, or asked about SASL, on main); `password=on` (libvirt's for a passwd,
    v2, or a -set's, v5) beside `password-secret` stops QEMU ("'password' flag is redundant
    with 'password-secret'"); `password=off` beside a secret with data leaves the secret's
    password (v3, v4: failed on main). Held: off after on (v6), on over libvirt's passwd
    (v7), off with an empty secret (v8)."""
    pw = ("-object", "secret,id=s0,data=pw")
    a = _ns_scan(
        tmp_path,
        {
            "web01": (VNC, _commandline(*_sets("password=on"))),
            "v1": (VNC, _commandline(*_sets("password=on", "sasl=on"))),
            "v2": (PASSWD, _commandline(*pw, *_sets("password-secret=s0"))),
            "v3": (VNC, _commandline(*pw, *_sets("password=off", "password-secret=s0"))),
            "v4": (PASSWD, _commandline(*pw, *_sets("password=off", "password-secret=s0"))),
            "v5": (VNC, _commandline(*pw, *_sets("password-secret=s0", "password=on"))),
            "v6": (VNC, _commandline(*_sets("password=on", "password=off"))),
            "v7": (PASSWD, _commandline(*_sets("password=on"))),
            "v8": (
                VNC,
                _commandline(
                    "-object", "secret,id=s0,data=", *_sets("password=off", "password-secret=s0")
                ),
            ),
        },
    )
    where = "vnc on 0.0.0.0 (bound to every address)"
    refused = (
        f"{where}: a QEMU argument -set vnc.default.password=on asks for a password that "
        "nothing sets (no passwd in the domain XML, no vnc_password in /etc/libvirt/qemu.conf): "
        "QEMU's VNC server refuses every client"
    )

    def no_start(flag: str) -> str:
        return (
            f"{where}: QEMU does not start it (ui/vnc.c: \"'password' flag is redundant with "
            "'password-secret'\"): a QEMU argument -set vnc.default.password-secret=s0 beside "
            f"password=on ({flag})"
        )

    off = f"{where} without a password (a QEMU argument -set vnc.default.password= turns it off)"
    assert outcomes(a, "HVA-031") == {
        "web01": "pass",
        "v1": "pass",
        "v2": "pass",
        "v3": "pass",
        "v4": "pass",
        "v5": "pass",
        "v6": "fail",
        "v7": "pass",
        "v8": "fail",
    }
    assert messages(a, "HVA-031") == {
        "web01": refused,
        "v1": refused,
        "v2": no_start("libvirt's, for the passwd of the domain XML"),
        "v3": f"{where} with TLS and a password",
        "v4": f"{where} with TLS and a password",
        "v5": no_start("the argument -set vnc.default.password=on"),
        "v6": off,
        "v7": f"{where} with TLS and a password",
        "v8": off,
    }


def _ws(attrs: str) -> str:
    return f"<devices><graphics type='vnc' {attrs}/></devices>"


def test_libvirts_websocket_beside_a_set_vnc_listener(tmp_path: Path) -> None:
    """R51D-3: the XML's websocket is a bare `websocket=PORT` on libvirt's -vnc (tests/
    qemuxmlconfdata/graphics-vnc-websocket.x86_64-latest.args), on the display's host only
    while the display has that one listener (ui/vnc.c, R47D-1): a -set adding a UNIX
    (web01) or loopback (v1, an allocated websocket) listener puts it on every address, and
    both passed "reachable only from the host". Held: no websocket (v2), no -set (v3), a
    socket display, which libvirt gives no websocket (v4)."""
    sock = _sets("vnc=unix:/run/v.sock")
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                _ws("port='5901' autoport='no' websocket='5701' listen='127.0.0.1'"),
                _commandline(*sock),
            ),
            "v1": (
                _ws("autoport='yes' websocket='-1' listen='127.0.0.1'"),
                _commandline(*_sets("vnc=127.0.0.1:7")),
            ),
            "v2": (_ws("port='5901' autoport='no' listen='127.0.0.1'"), _commandline(*sock)),
            "v3": (_ws("port='5901' autoport='no' websocket='5701' listen='127.0.0.1'"), ""),
            "v4": (
                "<devices><graphics type='vnc' websocket='5701'><listen type='socket' "
                "socket='/run/g.sock'/></graphics></devices>",
                _commandline(*_sets("vnc=unix:/run/v.sock")),
            ),
        },
    )
    local = "console(s) reachable only from the host"
    where = "vnc on 0.0.0.0 (bound to every address)"
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "pass",
        "v3": "pass",
        "v4": "pass",
    }
    assert messages(a, "HVA-031") == {
        "web01": f"{where} without a password",
        "v1": f"{where} without a password",
        "v2": local,
        "v3": local,
        "v4": local,
    }


TCP_SERIAL = (
    "<devices><serial type='tcp'><source mode='bind' host='127.0.0.1' service='4555'/>"
    "<protocol type='raw'/><target port='0'/></serial></devices>"
)


def _chr(*pairs: str) -> str:
    return _commandline(*(a for kv in pairs for a in ("-set", f"chardev.charserial0.{kv}")))


def test_set_backend_udp_makes_a_chardev_a_udp_console(tmp_path: Path) -> None:
    """R51D-4: chardev/char-udp.c qemu_chr_parse_udp reads host (the peer), port, localaddr
    and localport, the last value of each, and `backend=udp` makes libvirt's TCP serial (web01)
    or pty (v1) a UDP console sent to 192.0.2.9 and read on 0.0.0.0 from whoever sends as it
    (not applicable on main); a -set moving libvirt's UDP serial's peer to the network and its
    local address to every address (v2) passed "reachable only from the host". Held: no port
    (v4: QEMU does not start), the TCP serial's own loopback host and port (v5), a peer moved
    with the loopback bind kept (v6), every local address with the loopback peer (v3)."""
    to_net = ("backend=udp", "host=192.0.2.9", "port=5555")
    a = _ns_scan(
        tmp_path,
        {
            "web01": (TCP_SERIAL, _chr(*to_net)),
            "v1": (PTY, _chr(*to_net)),
            "v2": (UDP, _chr("host=192.0.2.9", "localaddr=0.0.0.0")),
            "v3": (UDP, _chr("localaddr=0.0.0.0")),
            "v4": (PTY, _chr("backend=udp", "host=192.0.2.9")),
            "v5": (TCP_SERIAL, _chr("backend=udp")),
            "v6": (UDP, _chr("host=192.0.2.9")),
        },
    )
    sets = " ".join(f"-set chardev.charserial0.{kv}" for kv in to_net)
    to_peer = (
        f"serial (a QEMU argument {sets}) over UDP to 192.0.2.9 port 5555: the console travels "
        "in cleartext, and QEMU takes input on 0.0.0.0 from anyone sending as that address"
    )
    local = "console(s) reachable only from the host"
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "fail",
        "v3": "pass",
        "v4": "not_applicable",
        "v5": "pass",
        "v6": "pass",
    }
    assert messages(a, "HVA-031") == {
        "web01": to_peer,
        "v1": to_peer,
        "v2": "serial (a QEMU argument -set chardev.charserial0.host=192.0.2.9 -set "
        "chardev.charserial0.localaddr=0.0.0.0) over UDP on 0.0.0.0 (bound to every address) "
        "port 5555: no TLS or authentication, whoever can send to it types into the VM",
        "v3": "serial (a QEMU argument -set chardev.charserial0.localaddr=0.0.0.0) over UDP "
        "bound to 0.0.0.0 (bound to every address) port 5555, connected to 127.0.0.1 port "
        "5556: QEMU takes input only from that peer, which no other machine can send as",
        "v4": "no VNC, SPICE or RDP console and no TCP or UDP character device",
        "v5": local,
        "v6": local,
    }


SMARTCARD = (
    "<devices><controller type='ccid' index='0'/><smartcard mode='passthrough' type='tcp'>"
    "<source mode='bind' host='127.0.0.1' service='2001'/><protocol type='raw'/></smartcard>"
    "</devices>"
)
SMARTCARD_SPICEVMC = (
    "<devices><controller type='ccid' index='0'/><smartcard mode='passthrough' "
    "type='spicevmc'/></devices>"
)
RNG_EGD = (
    "<devices><rng model='virtio'><backend model='egd' type='tcp'><source mode='connect' "
    "host='127.0.0.1' service='1234'/><protocol type='raw'/></backend></rng></devices>"
)


def test_set_reaches_smartcard_and_rng_chardevs(tmp_path: Path) -> None:
    """R51D-5: a passthrough smartcard's and an EGD rng's -chardev ids are `charsmartcard0`
    and `charrng0` (tests/qemuxmlconfdata/smartcard-passthrough-tcp, virtio-rng-egd), which a
    raw -set reaches, but hvaudit gave them no alias: web01's loopback smartcard moved to
    0.0.0.0 passed "reachable only from the host", v1's spicevmc smartcard made a socket
    on every address (R48D-1) and v2's rng client made a server there were not applicable.
    Held: no -set (v3)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                SMARTCARD,
                _commandline("-set", "chardev.charsmartcard0.host=0.0.0.0"),
            ),
            "v1": (
                SMARTCARD_SPICEVMC,
                _commandline(
                    *(
                        a
                        for kv in ("backend=socket", "host=0.0.0.0", "port=4444", "server=on")
                        for a in ("-set", f"chardev.charsmartcard0.{kv}")
                    )
                ),
            ),
            "v2": (
                RNG_EGD,
                _commandline(
                    "-set", "chardev.charrng0.host=0.0.0.0", "-set", "chardev.charrng0.server=on"
                ),
            ),
            "v3": (SMARTCARD, ""),
        },
    )
    where = "on 0.0.0.0 (bound to every address)"
    assert outcomes(a, "HVA-031") == {"web01": "fail", "v1": "fail", "v2": "fail", "v3": "pass"}
    assert messages(a, "HVA-031") == {
        "web01": "smartcard (a QEMU argument -set chardev.charsmartcard0.host=0.0.0.0) "
        f"{where} port 2001 without TLS (chardev_tls = 0)",
        "v1": "smartcard (a QEMU argument -set chardev.charsmartcard0.backend=socket -set "
        "chardev.charsmartcard0.host=0.0.0.0 -set chardev.charsmartcard0.port=4444 -set "
        f"chardev.charsmartcard0.server=on) {where} port 4444 without TLS (a QEMU argument "
        "made it a socket; no tls-creds)",
        "v2": "rng (a QEMU argument -set chardev.charrng0.host=0.0.0.0 -set "
        f"chardev.charrng0.server=on) {where} port 1234 without TLS (chardev_tls = 0)",
        "v3": "console(s) reachable only from the host",
    }


def test_empty_default_password_of_qemu_conf(host_scan) -> None:
    """R51D-6: qemu.conf's `vnc_password = ""` is handed to QEMU as the password of a console
    without passwd (qemuDomainChangeGraphicsPasswords returns early only where both are NULL),
    which QEMU's VNC server accepts (as passwd='': the class of R11-3): VM openvnc passed
    "with TLS and a password". `spice_password = ""` is SPICE's empty ticket, which refuses
    every link (openspice passed with the same wrong message). Held: the XML's passwd wins
    (pwvnc)."""
    base = HARDENED_HOST["/etc/libvirt/qemu.conf"]
    domains = [
        domain_xml("openvnc", body=VNC),
        domain_xml(
            "openspice",
            body="<devices><graphics type='spice' autoport='yes' defaultMode='secure' "
            "listen='0.0.0.0'/></devices>",
        ),
        domain_xml("pwvnc", body=PASSWD),
    ]
    a = host_scan(
        {"/etc/libvirt/qemu.conf": base + 'vnc_password = ""\nspice_password = ""\n'},
        domains=domains,
    )
    where = "on 0.0.0.0 (bound to every address)"
    assert outcomes(a, "HVA-031") == {"openvnc": "fail", "openspice": "pass", "pwvnc": "pass"}
    assert messages(a, "HVA-031") == {
        "openvnc": f'vnc {where} with an empty password (qemu.conf\'s vnc_password = "", the '
        "password of consoles without one): QEMU accepts an empty one, so anyone can log in",
        "openspice": f'spice {where} with an empty password (qemu.conf\'s spice_password = ""): '
        "SPICE refuses every connection",
        "pwvnc": f"vnc {where} with TLS and a password",
    }


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (
            "args: -object secret,id=s0,data=pw -set vnc.default.vnc=0.0.0.0:5 "
            "-set vnc.default.password-secret=s0\n",
            "pass",
            "vnc on 0.0.0.0 (bound to every address): QEMU does not start it (ui/vnc.c: "
            "\"'password' flag is redundant with 'password-secret'\"): a QEMU argument -set "
            "vnc.default.password-secret=s0 beside password=on (qemu-server's)",
        ),
        (
            "args: -object secret,id=s0,data=pw -set vnc.default.vnc=0.0.0.0:5 "
            "-set vnc.default.password=off -set vnc.default.password-secret=s0\n",
            "fail",
            "vnc on 0.0.0.0 (bound to every address) without TLS (its launcher's -vnc sets no "
            "tls-creds; qemu.conf's vnc_tls does not apply)",
        ),
    ],
)
def test_password_secret_on_qemu_servers_vnc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, status: str, message: str
) -> None:
    """R51D-7: qemu-server's -vnc has `password=on` (R42D-2), so a `-set
    vnc.default.password-secret=` beside it stops QEMU, as libvirt's passworded one does
    (R51D-2): web-10 moved onto 0.0.0.0 failed "without TLS". Held: with `password=off`
    the secret is the password, and the missing TLS fails."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": VM200 + extra})
    assert pve_result(report, "HVA-031", "web-10") == (status, message)


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (
            "args: -object secret,id=s0,data= -vnc 0.0.0.0:1 -set vnc.vnc2.password-secret=s0\n",
            "fail",
            "QEMU argument -vnc 0.0.0.0:1 -set vnc.vnc2.password-secret=s0: a VNC server on "
            "0.0.0.0 whose password-secret=s0 names an empty secret (-object secret s0 with "
            "empty data): QEMU's VNC server accepts the empty password, outside libvirt's "
            "<graphics> (qemu.conf's vnc_* do not apply)",
        ),
        (
            "args: -object secret,id=s0,data=pw -vnc 0.0.0.0:1 -set vnc.vnc2.password-secret=s0\n",
            "pass",
            "QEMU argument -vnc 0.0.0.0:1 -set vnc.vnc2.password-secret=s0: password-secret",
        ),
    ],
)
def test_redaction_keeps_the_secret_id_of_a_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, status: str, message: str
) -> None:
    """R51D-8: the collection's redaction of `args:` blanked `-set
    vnc.vnc2.password-secret=s0` (the whole dotted name read as a secret's), so the raw
    -vnc's secret could not be tied to its empty -object: web-10 passed "password-secret";
    with a secret that has data it passed naming the blanked id."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": VM200 + extra})
    assert pve_result(report, "HVA-031", "web-10") == (status, message)


def test_redaction_of_set_judges_the_option_name() -> None:
    """R51D-8: `-set GROUP.ID.ARG=VALUE` is judged by ARG: a reference keeps its id, a secret
    ARG is blanked, a boolean flag stays."""
    line = (
        "qemu -set vnc.default.password-secret=s0 -set object.s0.data=hunter2 "
        "-set vnc.default.password=on -set drive.d0.password=pw"
    )
    assert redact_command_line(line) == (
        "qemu -set vnc.default.password-secret=s0 -set object.s0.data=***REDACTED*** "
        "-set vnc.default.password=on -set drive.d0.password=***REDACTED***"
    )
