"""Red-team round 50 probes: VM domain XML, libvirt's VNC given a password by a raw
`-set vnc.default.password-secret=` (r50-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py: the hardened Debian
host replay with the test-driver node's domains collected by the real LibvirtCollector and
marked as the QEMU driver's, each VM's <qemu:commandline> written into its collected XML),
scanned through the real parser and engine.

Findings:
- R50D-1 (wrong fail) HVA-031: libvirt's VNC on 0.0.0.0 without passwd, on the hardened host
  (vnc_tls = 1), with `-object secret,id=s0,data=pw -set vnc.default.password-secret=s0`
  (VM web01) or a `file=` secret (VM v2) failed "without a password", but the -set reaches
  libvirt's -vnc (`default`, R41D-6) and QEMU's ui/vnc.c vnc_display_open reads
  `password-secret` with qemu_opt_get and sets `vd->password =
  qcrypto_secret_lookup_as_utf8(passwordSecret, errp)`, `password = true` (QEMU refuses to
  start where `password` is given too: "'password' flag is redundant with
  'password-secret'"). consoles._vnc_set now reads the secret as the raw -vnc's is
  (_empty_secret, R48D-3): both pass "with TLS and a password".

Held (kept as tests): a secret with empty data (VM v1: no password, R48D-3) and a -set of an
id no server has (VM v3, `vnc.vnc2`) keep libvirt's VNC without a password a fail.

Probed by script: none beyond the kept cases.

Tally: 1 finding (wrong fail 1), 1 test holding 4 cases; the 2 finding cases failed on main
before the fix (the 2 held cases pass on main too).

Leads left: `-set vnc.default.password-secret=` together with a `password` key (QEMU does not
start) is judged by `password` alone; a keyid= (encrypted) secret is taken at its word.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline

VNC = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"


def test_set_password_secret_gives_libvirts_vnc_a_password(tmp_path: Path) -> None:
    """R50D-1: a -set vnc.default.password-secret naming a raw secret with data (web01) gives
    libvirt's VNC that password; a file (v2) no running QEMU names is asked since R52D-1 (its
    size, which tells the empty password, was not collected). Held: empty data is no password
    (v1); a -set of vnc2 reaches no server (v3)."""

    def secret(obj: str, ident: str = "default") -> str:
        return _commandline("-object", obj, "-set", f"vnc.{ident}.password-secret=s0")

    a = _ns_scan(
        tmp_path,
        {
            "web01": (VNC, secret("secret,id=s0,data=pw")),
            "v1": (VNC, secret("secret,id=s0,data=")),
            "v2": (VNC, secret("secret,id=s0,file=/etc/pw")),
            "v3": (VNC, secret("secret,id=s0,data=pw", "vnc2")),
        },
    )
    where = "vnc on 0.0.0.0 (bound to every address)"
    assert outcomes(a, "HVA-031") == {"web01": "pass", "v1": "fail", "v2": "manual", "v3": "fail"}
    assert messages(a, "HVA-031") == {
        "web01": f"{where} with TLS and a password",
        "v1": f"{where} without a password",
        "v2": f"{where} with TLS, its password a QEMU argument -set "
        "vnc.default.password-secret=s0 naming -object secret s0 reading file=/etc/pw, "
        "whose size was not collected (no running QEMU of the scan names it)",
        "v3": f"{where} without a password",
    }
