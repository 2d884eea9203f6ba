"""Red-team round 51 probes: VM domain XML and raw QEMU arguments, a VNC password read from
a secret file that is always empty (r51-domain)

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

Held (kept as tests): a secret file elsewhere (v3 raw, v4 libvirt's) is taken at its word
(a lead).

Probed by script: none beyond the kept cases.

Tally: 1 finding (false pass 1), 1 test holding 5 cases; the 3 finding cases failed on main
before the fix (the 2 held cases pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline

VNC = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"


def _sets(*pairs: str) -> tuple[str, ...]:
    return tuple(a for kv in pairs for a in ("-set", f"vnc.default.{kv}"))


def test_secret_file_dev_null_is_the_empty_password(tmp_path: Path) -> None:
    """R51D-1: a secret read from /dev/null is the empty password (crypto/secret.c
    qcrypto_secret_load_data: the file's whole content), which QEMU's VNC server accepts:
    libvirt's VNC given it by a -set (web01) and a raw -vnc naming it (v1 JSON, v2 a path
    normalising to /dev/null) passed. Held: another secret file is taken at its word (v3,
    v4)."""
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
        "v3": "pass",
        "v4": "pass",
    }
    assert messages(a, "HVA-031") == {
        "web01": f"{where} without a password",
        "v1": empty("/dev/null"),
        "v2": empty("/dev/../dev//null"),
        "v3": f"{shown}: password-secret",
        "v4": f"{where} with TLS and a password",
    }
