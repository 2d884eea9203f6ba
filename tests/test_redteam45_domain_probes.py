"""Red-team round 45 probes: VM domain XML, the keys of libvirt's -spice that a raw -spice
merged into it inherits (r45-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py: the hardened Debian
host replay, whose qemu.conf sets spice_tls = 1 and no spice_password, with the test-driver
node's domains collected by the real LibvirtCollector and marked as the QEMU driver's, each
VM's <qemu:commandline> written into its collected XML) and round 41's `_conf_scan` (the same
with qemu.conf extended), scanned through the real parser and engine. The change reaches
only a VM with a raw -spice argument, which no e2e-* domain of tests/test_e2e_libvirtd.py has.

Findings:
- R45D-1 (false pass) HVA-031: a raw -spice merged into libvirt's SPICE (R44D-4) was judged by
  its own keys alone, but QEMU reads the one merged QemuOpts (ui/spice-core.c qemu_spice_init,
  `qemu_opt_get_bool(opts, "disable-ticketing", 0)` then spice_server_set_noauth, after the
  password), and libvirt's -spice carries disable-ticketing=on where the <graphics> has no
  passwd and qemu.conf no spice_password (a libvirt-built `-spice port=0,
  disable-ticketing=on,...` for <listen type='none'>; libvirt's own test data shows none only
  because tests/testutilsqemu.c sets spicePassword "123456"; src/qemu/qemu_hotplug.c
  qemuDomainChangeGraphicsPasswords sets no password then: `if (!auth->passwd &&
  !defaultPasswd)`). VM web01's SPICE with <listen type='none'> beside `-spice
  addr=0.0.0.0,tls-port=5901`, and VM v1's on a UNIX socket beside `-spice unix=off,
  addr=0.0.0.0,tls-port=5901`, passed "TLS port only, with ticketing": a TLS port on every
  address that authenticates no one. libvirt's own console listens on no TCP address, so
  nothing else judged it. Now the raw -spice is judged with the keys it inherits
  (consoles._launcher_spice_keys: `unix`, and `disable-ticketing` where the XML and qemu.conf
  prove no password; an unread password or qemu.conf is asked as for libvirt's own console):
  both fail "without authentication", naming libvirt's disable-ticketing=on. R44D-4's v1
  (libvirt's loopback SPICE without a password moved onto 0.0.0.0 by a raw addr) fails on
  the same ground too (its expected message is updated in a separate commit).
- R45D-2 (wrong fail) HVA-031: the raw -spice's `unix` went unread: qemu_spice_init gives
  spice-server SPICE_ADDR_FLAG_UNIX_ONLY for `unix=on` (the last value), and server/reds.cpp
  reds_init_socket then binds `addr` as a UNIX socket path for the plaintext and the TLS
  listener alike, no port (reds_init_net opens the plaintext one `if (spice_port != -1 ||
  spice_family == AF_UNIX)`). VM web01's `-spice port=5999` merged into libvirt's SPICE on a
  UNIX socket (`unix=on,addr=PATH`, tests/qemuxmlconfdata/graphics-spice-socket.x86_64-
  latest.args) and VM v1's lone `-spice unix=on,addr=/run/x.sock,disable-ticketing=on`
  failed "a SPICE server on every address with a plaintext port" and "on /run/x.sock without
  authentication"; neither has a TCP listener. Now both pass "a UNIX socket, no TCP
  listener".
- R45D-3 (wrong fail) HVA-031: a raw `-spice port=5999` merged into libvirt's SPICE with
  defaultMode='secure' (libvirt's `tls-channel=default`: every channel SPICE_CHANNEL_SECURITY_
  SSL, R44D-4) failed "with a plaintext port" (VM web01), but spice-server server/reds.cpp
  reds_security_check refuses every plaintext link to a channel that must be secured
  (SPICE_LINK_ERR_NEED_SECURED, "spice channels %d should be encrypted"): the port admits no
  channel, as hvaudit already holds for libvirt's own plaintext port (R22M-2). Now it passes
  "every channel over TLS only" (consoles._launcher_spice_keys `secure`).
- R45D-4 (wording) HVA-031: the SASL question of a raw `-vnc 0.0.0.0:1,sasl=on` (or -spice
  sasl=on) named /etc/sasl2/qemu.conf or vnc_sasl_dir (spice_sasl_dir) whatever libvirt gave
  QEMU, but libvirt adds SASL_CONF_PATH to the environment only while building its own -vnc
  under vnc_sasl = 1 or its own -spice under spice_sasl = 1 (tests/qemuxmlconfdata/
  graphics-vnc-sasl.x86_64-latest.args `SASL_CONF_PATH=/etc/sasl2`, graphics-vnc's none), and
  cyrus SASL otherwise reads its built-in CONFIGDIR (lib/common.c _sasl_getconfpath). VM
  web01, with vnc_sasl = 1 but no libvirt VNC, now asks about that built-in directory
  (consoles._sasl_env), as R44D-2 does for a -set; R41D-2's and R41D-4's questions (no libvirt
  console) and R44D-2's wording are updated in a separate commit.
- R45D-5 (false pass) HVA-031: R45D-1's class for SASL: under spice_sasl = 1 libvirt's -spice
  carries sasl=on (tests/qemuxml2argvdata/graphics-spice-sasl.args), which a raw -spice merged
  into it keeps (qemu_spice_init `qemu_opt_get_bool(opts, "sasl", 0)`), and spice-server then
  takes SASL alone (R41D-5). VM web01's SPICE with listen none beside `-spice addr=0.0.0.0,
  tls-port=5901` passed "TLS port only, with ticketing"; whether a client authenticates is
  SASL's mech_list (ANONYMOUS lets anyone in). Now it is the SASL question naming
  spice_sasl_dir (consoles._launcher_spice_keys).

Held (kept as tests): libvirt's SPICE with listen none and a password, beside the same raw
-spice, keeps "TLS port only, with ticketing" (R45D-1: libvirt gives no disable-ticketing);
a raw `sasl=on` there stays the SASL question (spice-server takes SASL whatever the ticket,
R41D-5); qemu.conf's spice_password (libvirt then gives no disable-ticketing) keeps the pass;
a lone `-spice unix=off,addr=0.0.0.0,port=5999` still fails on its plaintext port (R45D-2);
the raw port beside a raw plaintext-channel=main, or beside libvirt's defaultMode 'any', still
fails (R45D-3); a raw -vnc sasl=on beside libvirt's loopback VNC under vnc_sasl = 1 keeps
the question on /etc/sasl2 and vnc_sasl_dir (R45D-4).

Probed by script (reasoned from source, not kept): a raw `password-secret=` does not undo an
inherited disable-ticketing: qemu_spice_init sets the password first and calls
spice_server_set_noauth after it, so no client is asked for it either way.

Tally: 5 findings (false pass 2, wrong fail 2, wording 1), 6 tests holding 16 cases; the 7
finding cases failed on main before the fixes (the 9 held cases pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline
from test_redteam41_domain_probes import ETC_SASL, _conf_scan, _questions, _sasl_q

NONE_SPICE = "<devices><graphics type='spice'><listen type='none'/></graphics></devices>"
NONE_SPICE_PW = (
    "<devices><graphics type='spice' passwd='x'><listen type='none'/></graphics></devices>"
)
SOCK_SPICE = (
    "<devices><graphics type='spice'><listen type='socket' socket='/run/s.sock'/></graphics>"
    "</devices>"
)
TLS_ONLY = "addr=0.0.0.0,tls-port=5901"
NOAUTH = (
    "a SPICE server on 0.0.0.0 without authentication (disable-ticketing=on of libvirt's "
    "-spice, which QEMU merges it into: the <graphics> has no passwd and /etc/libvirt/qemu.conf "
    "no spice_password)"
)


def test_raw_spice_inherits_libvirts_disable_ticketing(tmp_path: Path) -> None:
    """R45D-1: libvirt's SPICE without a password (listen none: web01; a UNIX socket: v1)
    carries disable-ticketing=on, which a raw -spice merged into it keeps: its TLS port on
    0.0.0.0 authenticates no one. Held: with a passwd (v2), with a raw sasl=on (v3)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (NONE_SPICE, _commandline("-spice", TLS_ONLY)),
            "v1": (SOCK_SPICE, _commandline("-spice", f"unix=off,{TLS_ONLY}")),
            "v2": (NONE_SPICE_PW, _commandline("-spice", TLS_ONLY)),
            "v3": (NONE_SPICE, _commandline("-spice", f"{TLS_ONLY},sasl=on")),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "pass",
        "v3": "manual",
    }
    assert messages(a, "HVA-031") == {
        "web01": f"QEMU argument -spice {TLS_ONLY}: {NOAUTH}",
        "v1": f"QEMU argument -spice unix=off,{TLS_ONLY}: {NOAUTH}",
        "v2": f"QEMU argument -spice {TLS_ONLY}: TLS port only, with ticketing",
        "v3": f"QEMU argument -spice {TLS_ONLY},sasl=on: TLS port only, sasl (SASL authenticates)",
    }


def test_spice_password_in_qemu_conf_keeps_ticketing(tmp_path: Path) -> None:
    """R45D-1 held: with qemu.conf's spice_password libvirt gives its -spice no
    disable-ticketing (and sets that password), so the raw TLS port keeps ticketing."""
    a = _conf_scan(
        tmp_path,
        {"web01": (NONE_SPICE, _commandline("-spice", TLS_ONLY))},
        'spice_password = "s3cret"\n',
    )
    assert outcomes(a, "HVA-031") == {"web01": "pass"}
    assert messages(a, "HVA-031") == {
        "web01": f"QEMU argument -spice {TLS_ONLY}: TLS port only, with ticketing"
    }


def test_raw_spice_on_a_unix_socket_has_no_tcp_listener(tmp_path: Path) -> None:
    """R45D-2: `unix=on` (a raw one, or libvirt's socket listen merged) makes spice-server
    bind `addr` as a UNIX socket path, every port ignored: web01 and v1 have no TCP
    listener. Held: `unix=off` with an address keeps the plaintext port a fail (v2)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (SOCK_SPICE, _commandline("-spice", "port=5999")),
            "v1": ("", _commandline("-spice", "unix=on,addr=/run/x.sock,disable-ticketing=on")),
            "v2": ("", _commandline("-spice", "unix=off,addr=0.0.0.0,port=5999")),
        },
    )
    assert outcomes(a, "HVA-031") == {"web01": "pass", "v1": "pass", "v2": "fail"}
    assert messages(a, "HVA-031") == {
        "web01": "QEMU argument -spice port=5999: a UNIX socket (unix=on of libvirt's -spice, "
        "merged), no TCP listener",
        "v1": "QEMU argument -spice unix=on,addr=/run/x.sock,disable-ticketing=on: a UNIX "
        "socket, no TCP listener",
        "v2": "QEMU argument -spice unix=off,addr=0.0.0.0,port=5999: a SPICE server on 0.0.0.0 "
        "with a plaintext port",
    }


SECURE_SPICE = (
    "<devices><graphics type='spice' autoport='yes' listen='0.0.0.0' passwd='x' "
    "defaultMode='secure'/></devices>"
)
ANY_SPICE = "<devices><graphics type='spice' autoport='yes' listen='0.0.0.0' passwd='x'/></devices>"


def test_raw_plaintext_port_beside_libvirts_secure_spice(tmp_path: Path) -> None:
    """R45D-3: a raw `-spice port=5999` merged into libvirt's SPICE with defaultMode='secure'
    (`tls-channel=default`) opens a plaintext port on which spice-server refuses every channel
    (reds_security_check): web01 passes. Held: a raw plaintext-channel=main with it (v1), and
    libvirt's defaultMode 'any' (v2), still fail."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (SECURE_SPICE, _commandline("-spice", "port=5999")),
            "v1": (SECURE_SPICE, _commandline("-spice", "port=5999,plaintext-channel=main")),
            "v2": (ANY_SPICE, _commandline("-spice", "port=5999")),
        },
    )
    everywhere = "spice on 0.0.0.0 (bound to every address)"
    assert outcomes(a, "HVA-031") == {"web01": "pass", "v1": "fail", "v2": "fail"}
    assert messages(a, "HVA-031") == {
        "web01": f"{everywhere} with TLS and a password; QEMU argument -spice port=5999: every "
        "channel over TLS only (its plaintext port admits none: libvirt's defaultMode='secure', "
        "which QEMU merges it into), with ticketing",
        "v1": f"{everywhere} admits plaintext channels (channel(s) main mode='insecure'; QEMU "
        "merges the argument -spice port=5999,plaintext-channel=main into libvirt's -spice); "
        "QEMU argument -spice port=5999,plaintext-channel=main: a SPICE server on 0.0.0.0 with "
        "a plaintext port",
        "v2": f"{everywhere} admits plaintext channels (defaultMode='any'); QEMU argument -spice "
        "port=5999: a SPICE server on 0.0.0.0 with a plaintext port",
    }


LOOP_VNC = "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>"


def test_raw_sasl_question_names_the_directory_qemu_reads(tmp_path: Path) -> None:
    """R45D-4: a raw `-vnc 0.0.0.0:1,sasl=on` reads the SASL_CONF_PATH libvirt sets only for
    its own VNC under vnc_sasl = 1: without one (web01, vnc_sasl = 1 but no libvirt VNC) the
    question names SASL's built-in directory, not /etc/sasl2 or vnc_sasl_dir. Held: beside
    libvirt's loopback VNC under vnc_sasl = 1 (v1) it keeps vnc_sasl_dir."""
    raw = _commandline("-vnc", "0.0.0.0:1,sasl=on")
    a = _conf_scan(tmp_path, {"web01": ("", raw), "v1": (LOOP_VNC, raw)}, "vnc_sasl = 1\n")
    assert outcomes(a, "HVA-031") == {"web01": "manual", "v1": "manual"}
    assert _questions(a, "HVA-031") == {
        "web01": _sasl_q(
            "the mech_list line of qemu.conf in the configuration directory the SASL library on "
            "hv1 was built with (libvirt passes QEMU a SASL_CONF_PATH only with its own VNC or "
            "SPICE console under /etc/libvirt/qemu.conf's vnc_sasl = 1 or spice_sasl = 1, so "
            "vnc_sasl_dir and spice_sasl_dir do not apply)"
        ).replace("for vnc on", "for vnc (QEMU argument -vnc 0.0.0.0:1,sasl=on) on"),
        "v1": _sasl_q(ETC_SASL),
    }


def test_raw_spice_inherits_libvirts_sasl(tmp_path: Path) -> None:
    """R45D-5: under spice_sasl = 1 libvirt's -spice carries sasl=on, which a raw -spice merged
    into it keeps: SASL's mechanisms decide who reaches its TLS port on 0.0.0.0 (web01, beside
    libvirt's SPICE with listen none), the question libvirt's own SPICE asks."""
    a = _conf_scan(
        tmp_path, {"web01": (NONE_SPICE, _commandline("-spice", TLS_ONLY))}, "spice_sasl = 1\n"
    )
    assert outcomes(a, "HVA-031") == {"web01": "manual"}
    assert messages(a, "HVA-031") == {
        "web01": f"QEMU argument -spice {TLS_ONLY}: TLS port only, sasl (SASL authenticates)"
    }
    assert _questions(a, "HVA-031") == {
        "web01": _sasl_q(ETC_SASL.replace("vnc_sasl_dir", "spice_sasl_dir")).replace(
            " for vnc ", " for spice "
        )
    }
