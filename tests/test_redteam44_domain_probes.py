"""Red-team round 44 probes: VM domain XML, the VNC servers of raw QEMU arguments that a
`-set vnc.ID.KEY=` reaches (r44-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py: the hardened Debian
host replay with the test-driver node's domains collected by the real LibvirtCollector and
marked as the QEMU driver's, each VM's <qemu:commandline> written into its collected XML),
scanned through the real parser and engine.

Findings:
- R44D-1 (false pass, wrong fail) HVA-031: `-display vnc=X` is vnc_parse(X) (QEMU system/vl.c
  parse_display: `if (*opts == '=') { vnc_parse(opts + 1); display_remote++; }`), which adds
  X to the same `vnc` QemuOpts list as a -vnc and gives it the next automatic id (ui/vnc.c
  vnc_auto_assign_id: `default`, then vnc2, ...), but hvaudit numbered and let `-set` reach
  the -vnc options only. VM web01's `-display vnc=0.0.0.0:1,password=on -set
  vnc.default.password=off` (no password on every address: vnc_display_open reads `password`
  with qemu_opt_get_bool, the last value winning) and VM v1's same server beside libvirt's
  loopback VNC with `-set vnc.vnc2.password=off` passed on "password"; VM v2's `-display
  vnc=127.0.0.1:1 -vnc 0.0.0.0:2,password=on -set vnc.default.password=off` failed the
  passworded -vnc (QEMU's vnc2), which the -set does not reach. Now a `-display vnc=` is
  read with a -vnc's parameters and counted among the vnc ids (hvaudit.parse.qemu_args
  _group, _vnc_ids): web01 and v1 fail, v2 passes.
- R44D-2 (wrong fail) HVA-031: libvirt's VNC of VM web01 on 0.0.0.0 without a password, on
  the hardened host (vnc_tls = 1, no vnc_sasl), with `-set vnc.default.sasl=on` failed
  "without a password"; the -set reaches libvirt's -vnc (`default`, R41D-6) and ui/vnc.c
  vnc_display_open reads `sasl` with qemu_opt_get_bool (the last value), so
  vnc_display_setup_auth, with no password, takes SASL (VNC_AUTH_SASL, VeNCrypt's X509SASL
  over TLS): whether a client authenticates is the SASL configuration's mechanisms, as for
  vnc_sasl = 1 (R41D-2). libvirt passes QEMU a fixed environment and adds SASL_CONF_PATH only
  for vnc_sasl = 1 (tests/qemuxmlconfdata/graphics-vnc-sasl.x86_64-latest.args
  `SASL_CONF_PATH=/etc/sasl2`; graphics-vnc.x86_64-latest.args has none), so cyrus SASL reads
  its built-in CONFIGDIR (lib/common.c _sasl_getconfpath). Now web01 is the SASL question
  naming that directory, not vnc_sasl_dir (Graphics.sasl_on, consoles._vnc_set,
  _sasl_question).
- R44D-3 (wording) HVA-031: VM v1 of the same test (`sasl=on` then `sasl=off`, no vnc_sasl)
  failed "without a password (a QEMU argument -set vnc.default.sasl= turns qemu.conf's
  vnc_sasl off)", naming a setting the host does not set. The note is now given only where
  qemu.conf sets vnc_sasl = 1 (R43D-1's case keeps it).

- R44D-4 (false pass) HVA-031: a raw -spice beside libvirt's SPICE was judged as a server of
  its own, but QEMU keeps one SPICE server: qemu_spice_opts has `.merge_lists = true`
  (ui/spice-core.c), util/qemu-option.c qemu_opts_create hands every later -spice the
  QemuOpts of the first (libvirt's, before every <qemu:arg>), and qemu_spice_init reads that
  one (QTAILQ_FIRST): `addr` the last value given (qemu_opt_find walks from the last), each
  `plaintext-channel` handed to spice_server_set_channel_security in order (add_channel:
  SPICE_CHANNEL_SECURITY_NONE, `default` the default). VM web01's libvirt SPICE on 0.0.0.0
  with defaultMode='secure' and a password beside `-spice plaintext-channel=main` (the main
  channel in cleartext on libvirt's plaintext port), VM v2's beside `plaintext-channel=default`,
  and VM v1's loopback SPICE (defaultMode any) beside `-spice addr=0.0.0.0` (moved onto every
  address) passed ("with TLS and a password", or "reachable only from the host" and "TLS
  port only, with ticketing" for the raw one). Now libvirt's SPICE is judged as the raw
  -spice leaves it (consoles._spice_merged, Graphics.merged) and all three fail "admits
  plaintext channels", naming the merged argument.

- R44D-5 (wrong fail) HVA-031: R44D-4's class the other way: a raw -spice without `addr` was
  judged on every address ("addr ... Default is any address", qemu-options.hx, for a lone
  -spice), but merged into libvirt's it keeps libvirt's addr (qemu_spice_init reads the one
  merged QemuOpts). VM web01's `-spice disable-ticketing=on` and VM v1's `-spice port=5999`
  beside libvirt's SPICE on 127.0.0.1 failed "a SPICE server on every address"; both are
  reachable only from the host. Now a raw -spice without addr takes the launcher's SPICE
  address (consoles._launcher_spice_address: the listen address, qemu.conf's spice_listen
  where the XML has none; every address where neither is read), so both pass "loopback only",
  and VM v3's beside libvirt's SPICE on 0.0.0.0 fails naming 0.0.0.0 (wording).

Held (kept as tests): VM v3's `-set vnc.vnc2.password=off` beside a lone `-display vnc=`
(no second VNC server) keeps its "password" (R44D-1); `-set vnc.vnc2.sasl=on` (no second
VNC server) keeps libvirt's VNC without a password a fail (R44D-2); libvirt's secure SPICE
alone, beside a raw `-spice tls-channel=main`, and its loopback SPICE alone keep their passes
(R44D-4); a lone raw `-spice disable-ticketing=on` fails on every address (R44D-5).

Probed by script (reasoned from source, not kept): `-set spice.ID.KEY=` reaches no -spice:
qemu_spice_opts has `.merge_lists = true` (ui/spice-core.c) and util/qemu-option.c
qemu_opts_create refuses an `id` on such a list ("Invalid parameter 'id'"), so the one
-spice has no id and qemu_set_option finds none ("there is no spice ... defined": QEMU
exits); hvaudit applies no such -set either.

Tally: 5 findings (false pass 2, one with a wrong fail in the same class; wrong fail 2;
wording 1), 4 tests holding 17 cases; the 11 finding cases failed on main before the fixes
(the 6 held cases pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline
from test_redteam41_domain_probes import _conf_scan, _questions, _sasl_q

VNC = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"
LOOP_VNC = "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>"


def test_set_reaches_a_display_vnc_server(tmp_path: Path) -> None:
    """R44D-1: `-display vnc=X` is vnc_parse(X), a -vnc in QEMU's vnc option list numbered
    with the -vnc options (`default`, then vnc2, ...), so a -set vnc.ID.password=off reaches
    it (web01, v1: no password on every address) and not the -vnc after it (v2). Held: a
    -set of an id no server has (v3)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (
                "",
                _commandline(
                    "-display", "vnc=0.0.0.0:1,password=on", "-set", "vnc.default.password=off"
                ),
            ),
            "v1": (
                LOOP_VNC,
                _commandline(
                    "-display", "vnc=0.0.0.0:1,password=on", "-set", "vnc.vnc2.password=off"
                ),
            ),
            "v2": (
                "",
                _commandline(
                    "-display",
                    "vnc=127.0.0.1:1",
                    "-vnc",
                    "0.0.0.0:2,password=on",
                    "-set",
                    "vnc.default.password=off",
                ),
            ),
            "v3": (
                "",
                _commandline(
                    "-display", "vnc=0.0.0.0:1,password=on", "-set", "vnc.vnc2.password=off"
                ),
            ),
        },
    )
    on = "QEMU argument -display vnc=0.0.0.0:1,password=on"
    off = (
        " -set {}.password=off: a VNC server on 0.0.0.0 with no password, sasl or tls-creds "
        "option, outside libvirt's <graphics> (qemu.conf's vnc_* do not apply)"
    )
    assert outcomes(a, "HVA-031") == {"web01": "fail", "v1": "fail", "v2": "pass", "v3": "pass"}
    assert messages(a, "HVA-031") == {
        "web01": on + off.format("vnc.default"),
        "v1": on + off.format("vnc.vnc2"),
        "v2": "QEMU argument -display vnc=127.0.0.1:1 -set vnc.default.password=off: loopback "
        "only; QEMU argument -vnc 0.0.0.0:2,password=on: password",
        "v3": f"{on}: password",
    }


def test_set_sasl_on_without_vnc_sasl_is_asked(tmp_path: Path) -> None:
    """R44D-2: `-set vnc.default.sasl=on` gives libvirt's VNC (no password, no vnc_sasl) SASL
    authentication (ui/vnc.c vnc_display_setup_auth), so web01 is the SASL question, not
    "without a password"; libvirt set no SASL_CONF_PATH, so the question names SASL's
    built-in directory. Held: on then off (the last value wins), another server's id."""
    a = _conf_scan(
        tmp_path,
        {
            "web01": (VNC, _commandline("-set", "vnc.default.sasl=on")),
            "v1": (
                VNC,
                _commandline("-set", "vnc.default.sasl=on", "-set", "vnc.default.sasl=off"),
            ),
            "v2": (VNC, _commandline("-set", "vnc.vnc2.sasl=on")),
        },
        "",
    )
    everywhere = "vnc on 0.0.0.0 (bound to every address)"
    assert outcomes(a, "HVA-031") == {"web01": "manual", "v1": "fail", "v2": "fail"}
    assert messages(a, "HVA-031") == {
        "web01": f"{everywhere}: no password, a QEMU argument -set vnc.default.sasl=on (SASL "
        "authenticates)",
        "v1": f"{everywhere} without a password",
        "v2": f"{everywhere} without a password",
    }
    assert _questions(a, "HVA-031") == {
        "web01": _sasl_q(
            "the mech_list line of qemu.conf in the configuration directory the SASL library on "
            "hv1 was built with (libvirt passes QEMU a SASL_CONF_PATH only with its own VNC or "
            "SPICE console under /etc/libvirt/qemu.conf's vnc_sasl = 1 or spice_sasl = 1, so "
            "vnc_sasl_dir and spice_sasl_dir do not apply)"
        ).replace("for vnc on", "for vnc (-set vnc.default.sasl=on) on")
    }


SPICE = (
    "<devices><graphics type='spice' autoport='yes' listen='0.0.0.0' passwd='x' "
    "defaultMode='secure'/></devices>"
)
LOOP_SPICE = "<devices><graphics type='spice' autoport='yes' listen='127.0.0.1'/></devices>"


def test_raw_spice_merges_into_libvirts_spice(tmp_path: Path) -> None:
    """R44D-4: QEMU merges every -spice into the first (qemu_spice_opts `.merge_lists`), so a
    raw `-spice plaintext-channel=main` (web01) or `plaintext-channel=default` (v2) lets that
    channel of libvirt's SPICE run without TLS on its plaintext port, and a raw `-spice
    addr=0.0.0.0` (v1) moves libvirt's loopback SPICE onto every address. Held: libvirt's
    SPICE alone (v3, v5) and beside a raw tls-channel (v4)."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (SPICE, _commandline("-spice", "plaintext-channel=main")),
            "v1": (LOOP_SPICE, _commandline("-spice", "addr=0.0.0.0")),
            "v2": (SPICE, _commandline("-spice", "plaintext-channel=default")),
            "v3": (SPICE, ""),
            "v4": (SPICE, _commandline("-spice", "tls-channel=main")),
            "v5": (LOOP_SPICE, ""),
        },
    )
    everywhere = "spice on 0.0.0.0 (bound to every address)"
    merged = "; QEMU merges the argument -spice {} into libvirt's -spice)"
    secure = f"{everywhere} with TLS and a password"
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "fail",
        "v3": "pass",
        "v4": "pass",
        "v5": "pass",
    }
    assert messages(a, "HVA-031") == {
        "web01": f"{everywhere} admits plaintext channels (channel(s) main mode='insecure'"
        + merged.format("plaintext-channel=main"),
        # libvirt's -spice, without a password, carries disable-ticketing=on, which the raw
        # -spice merged into it keeps (R45D-1)
        "v1": f"{everywhere} admits plaintext channels (defaultMode='any'"
        + merged.format("addr=0.0.0.0")
        + "; QEMU argument -spice addr=0.0.0.0: a SPICE server on 0.0.0.0 without "
        "authentication (disable-ticketing=on of libvirt's -spice, which QEMU merges it into: "
        "the <graphics> has no passwd and /etc/libvirt/qemu.conf no spice_password)",
        "v2": f"{everywhere} admits plaintext channels (defaultMode='insecure'"
        + merged.format("plaintext-channel=default"),
        "v3": secure,
        "v4": f"{secure}; QEMU argument -spice tls-channel=main: TLS port only, with ticketing",
        "v5": "console(s) reachable only from the host",
    }


def test_raw_spice_without_addr_keeps_libvirts_address(tmp_path: Path) -> None:
    """R44D-5: a raw -spice without `addr` merges into libvirt's SPICE (R44D-4) and listens on
    its address: beside libvirt's loopback SPICE, `disable-ticketing=on` (web01) and a
    plaintext `port=` (v1) are reachable only from the host, not "on every address"; beside
    libvirt's SPICE on 0.0.0.0 (v3) the message names that address. Held: a lone raw -spice
    without addr (v2) listens on every address and fails."""
    a = _ns_scan(
        tmp_path,
        {
            "web01": (LOOP_SPICE, _commandline("-spice", "disable-ticketing=on")),
            "v1": (LOOP_SPICE, _commandline("-spice", "port=5999")),
            "v2": ("", _commandline("-spice", "disable-ticketing=on")),
            "v3": (SPICE, _commandline("-spice", "disable-ticketing=on")),
        },
    )
    open_ = "QEMU argument -spice disable-ticketing=on: a SPICE server on {} without " + (
        "authentication (disable-ticketing)"
    )
    assert outcomes(a, "HVA-031") == {"web01": "pass", "v1": "pass", "v2": "fail", "v3": "fail"}
    assert messages(a, "HVA-031") == {
        "web01": "QEMU argument -spice disable-ticketing=on: loopback only",
        "v1": "QEMU argument -spice port=5999: loopback only",
        "v2": open_.format("every address"),
        "v3": open_.format("0.0.0.0"),
    }
