"""Red-team round 46 probes: VM domain XML, a raw `-set vnc.default.tls-creds=` naming
anonymous TLS credentials on libvirt's VNC (r46-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py: the hardened Debian
host replay, whose qemu.conf sets vnc_tls = 1, with the test-driver node's domains collected
by the real LibvirtCollector and marked as the QEMU driver's, each VM's <qemu:commandline>
written into its collected XML), scanned through the real parser and engine. The change
reaches only a VM with a raw `-set vnc.default.tls-creds=` naming a raw -object, which no
e2e-* domain of tests/test_e2e_libvirtd.py has.

Findings:
- R46D-1 (false pass) HVA-031: team decision: TLS on a VNC console counts only where the
  server is authenticated. A raw `-set vnc.default.tls-creds=ID` naming a raw `-object
  tls-creds-anon` replaces libvirt's x509 credentials on its -vnc (ui/vnc.c
  vnc_display_open reads the last `tls-creds`; -set targets the id `default`, R41D-6), giving
  anonymous TLS: QEMU's docs/system/vnc-security.rst ("With x509 certificates") strongly
  recommends x509 certificates "because TLS on its own is susceptible to man-in-the-middle
  attacks", and include/crypto/tlscredsanon.h keeps anonymous credentials for backwards
  compatibility, their use discouraged. VM web01's passworded VNC on 0.0.0.0 with vnc_tls = 1
  (and VM v1's, the object in QEMU's JSON spelling) passed "with TLS and a password". Now
  both fail "without TLS that authenticates the server", naming the -set
  (consoles._vnc_set, Graphics.tls_anon).

Held (kept as tests): `-set vnc.default.tls-creds=` naming an x509 object, anonymous then
libvirt's own vnc-tls-creds0 (the last value wins), `-set vnc.vnc2.tls-creds=` (no second
VNC server) keep "with TLS and a password"; a loopback VNC with anonymous TLS stays
"reachable only from the host".

Probed by script: none beyond the kept cases.

Tally: 1 finding (false pass 1), 1 test holding 6 cases; the 2 finding cases failed on main
before the fix (main passed both "with TLS and a password"; the 4 held cases pass on main too).

Leads left: `-set vnc.default.tls-creds=` naming an x509 object where vnc_tls = 0 (TLS added
to a console qemu.conf left without: today a fail "without TLS", a possible wrong fail), or on
a Proxmox VE qemu-server VNC moved onto TCP (R42D-2's message says its -vnc sets no
tls-creds); a raw `-vnc ...,tls-creds=ANON,password=on` is judged by its password alone, as
every raw -vnc is (no TLS asked of a raw -vnc: a team decision); spice_auto_unix_socket = 1
with a raw -spice port=; a lone -spice sasl=on,disable-ticketing=on.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline

ANON = "tls-creds-anon,id=anon0,endpoint=server"
ANON_JSON = '{"qom-type":"tls-creds-anon","id":"anon0","endpoint":"server"}'
X509 = "tls-creds-x509,id=x0,dir=/etc/pki/qemu,endpoint=server"


def test_set_tls_creds_to_anonymous_credentials(tmp_path: Path) -> None:
    """R46D-1: `-set vnc.default.tls-creds=` naming a raw tls-creds-anon object gives libvirt's
    VNC anonymous TLS, which authenticates no server: a passworded VNC on every address fails
    as one without TLS. Held: x509, anonymous then libvirt's own, another id, the loopback."""
    pw = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='x'/></devices>"
    pw_lo = "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='x'/></devices>"
    a = _ns_scan(
        tmp_path,
        {
            "web01": (pw, _commandline("-object", ANON, "-set", "vnc.default.tls-creds=anon0")),
            "v1": (pw, _commandline("-object", ANON_JSON, "-set", "vnc.default.tls-creds=anon0")),
            "v2": (pw, _commandline("-object", X509, "-set", "vnc.default.tls-creds=x0")),
            "v3": (
                pw,
                _commandline(
                    "-object",
                    ANON,
                    "-set",
                    "vnc.default.tls-creds=anon0",
                    "-set",
                    "vnc.default.tls-creds=vnc-tls-creds0",
                ),
            ),
            "v4": (pw, _commandline("-object", ANON, "-set", "vnc.vnc2.tls-creds=anon0")),
            "v5": (pw_lo, _commandline("-object", ANON, "-set", "vnc.default.tls-creds=anon0")),
        },
    )
    assert outcomes(a, "HVA-031") == {
        "web01": "fail",
        "v1": "fail",
        "v2": "pass",
        "v3": "pass",
        "v4": "pass",
        "v5": "pass",
    }
    anon = (
        "vnc on 0.0.0.0 (bound to every address) without TLS that authenticates the server (a "
        "QEMU argument -set vnc.default.tls-creds=anon0 names a -object tls-creds-anon: "
        "anonymous TLS, which an active man-in-the-middle defeats)"
    )
    kept = "vnc on 0.0.0.0 (bound to every address) with TLS and a password"
    assert messages(a, "HVA-031") == {
        "web01": anon,
        "v1": anon,
        "v2": kept,
        "v3": kept,
        "v4": kept,
        "v5": "console(s) reachable only from the host",
    }
