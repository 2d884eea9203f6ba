"""Red-team round 43 probes: VM domain XML, a raw `-set vnc.default.sasl=` on the VNC server
libvirt builds with qemu.conf vnc_sasl = 1 (r43-domain)

Harness: round 41's `_conf_scan` (tests/test_redteam41_domain_probes.py: round 37's
`_ns_scan`, a test-driver node marked as the QEMU driver's with <qemu:commandline>
arguments, on the hardened host whose qemu.conf sets vnc_tls = 1, extended here by
vnc_sasl = 1).

Findings:
- R43D-1 (false pass) HVA-031: R41D-6/R42D-1 judged a raw `-set vnc.default.KEY=` on
  libvirt's VNC server for `vnc`, `websocket` and `password` only, so `-set
  vnc.default.sasl=off` was dropped: VM web01's VNC on 0.0.0.0 without a password, on a host
  whose qemu.conf sets vnc_sasl = 1, was "no password, vnc_sasl = 1 (SASL authenticates)" and
  asked whether /etc/sasl2/qemu.conf's mech_list names only authenticating mechanisms, whose
  "yes" passed it. libvirt adds `sasl=on` to its -vnc for vnc_sasl = 1
  (tests/qemuxmlconfdata/graphics-vnc-sasl.x86_64-latest.args `-vnc 127.0.0.1:3,sasl=on`);
  the -set after it wins (util/qemu-option.c qemu_opt_find walks from the last value), QEMU's
  ui/vnc.c vnc_display_open reads `sasl` with qemu_opt_get_bool, and vnc_display_setup_auth
  with neither password nor sasl sets no authentication (VNC_AUTH_NONE, or VeNCrypt's
  TLSNONE/X509NONE over TLS): anyone reaching the port gets the console. Now the -set is kept
  (Graphics.sasl_off, consoles._vnc_set), qemu.conf's vnc_sasl does not apply, and web01
  fails "without a password (a QEMU argument -set vnc.default.sasl= turns qemu.conf's
  vnc_sasl off)".

Held (kept as tests): `sasl=off` then `sasl=on` (the last value wins) and `-set
vnc.vnc2.sasl=off` (no second VNC server) keep the SASL question; a password beside
`sasl=no` still passes "with TLS and a password" (vnc_display_setup_auth takes the password
first).

Probed by script: `-set vnc.default.sasl=on` without vnc_sasl (see Leads left).

Tally: 1 finding (false pass 1), 1 test holding 4 cases; the finding case (web01) failed on
main before the fix (main asked the SASL question); the 3 held cases pass on main too.

Leads left: `-set vnc.default.sasl=on` on libvirt's VNC without a password on a host without
vnc_sasl = 1 (SASL authenticates) fails "without a password": a wrong fail reproduced by
script on main 2ea5d700, not fixed (its SASL question must name the directory QEMU reads when
libvirt sets no vnc_sasl: whether libvirt still sets SASL_CONF_PATH is unconfirmed); `-set
vnc.default.tls-creds=` pointed at a tls-creds-anon object (TLS without server
authentication beside a password: does HVA-031 require x509?); `-set vnc.default.share`,
`authz`, `password-secret`; `-set spice.*` keys on libvirt's -spice (sasl, disable-ticketing);
round 42's leads on `-display vnc=` ids and a Proxmox VE `args: -vnc` beside qemu-server's.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam40_domain_probes import _commandline
from test_redteam41_domain_probes import ETC_SASL, _conf_scan, _questions, _sasl_q

VNC = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"
VNC_PW = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='x'/></devices>"


def test_set_sasl_off_on_libvirts_sasl_vnc(tmp_path: Path) -> None:
    """R43D-1: `-set vnc.default.sasl=off` turns off the SASL libvirt asks for with qemu.conf's
    vnc_sasl = 1 (ui/vnc.c vnc_display_setup_auth: neither password nor sasl is no
    authentication), so a VNC without a password on every address fails instead of asking
    about SASL's mechanisms. Held: off then on (the last value wins), another server's id,
    and a password beside it (the password authenticates)."""
    a = _conf_scan(
        tmp_path,
        {
            "web01": (VNC, _commandline("-set", "vnc.default.sasl=off")),
            "v1": (
                VNC,
                _commandline("-set", "vnc.default.sasl=off", "-set", "vnc.default.sasl=on"),
            ),
            "v2": (VNC, _commandline("-set", "vnc.vnc2.sasl=off")),
            "v3": (VNC_PW, _commandline("-set", "vnc.default.sasl=no")),
        },
        "vnc_sasl = 1\n",
    )
    everywhere = "vnc on 0.0.0.0 (bound to every address)"
    asked = f"{everywhere}: no password, vnc_sasl = 1 (SASL authenticates)"
    assert outcomes(a, "HVA-031") == {"web01": "fail", "v1": "manual", "v2": "manual", "v3": "pass"}
    assert messages(a, "HVA-031") == {
        "web01": f"{everywhere} without a password (a QEMU argument -set vnc.default.sasl= "
        "turns qemu.conf's vnc_sasl off)",
        "v1": asked,
        "v2": asked,
        "v3": f"{everywhere} with TLS and a password",
    }
    assert _questions(a, "HVA-031") == {"v1": _sasl_q(ETC_SASL), "v2": _sasl_q(ETC_SASL)}
