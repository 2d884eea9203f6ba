"""Red-team round 42 probes: VM domain XML, a raw `-set vnc.default.password=` on libvirt's
VNC server, and a Proxmox VE `args: -set vnc.default.vnc=` (r42-domain)

Harness: round 41's (tests/test_redteam41_domain_probes.py: round 37's `_ns_scan`, a
test-driver node marked as the QEMU driver's with <qemu:commandline> arguments, on the
hardened host whose qemu.conf sets vnc_tls = 1), and round 2's copied hardened Proxmox VE
node `pve_scan` with VM 200 (web-10).

Findings:
- R42D-1 (false pass) HVA-031: R41D-6 judged a raw `-set vnc.default.KEY=` on libvirt's VNC
  server only for `vnc` and `websocket`, so `-set vnc.default.password=off` was dropped:
  libvirt's VNC with passwd='x' on 0.0.0.0 (VM web01), or on the loopback moved to 0.0.0.0
  by `-set vnc.default.vnc=` (VM v1), passed "with TLS and a password". QEMU's ui/vnc.c
  vnc_display_open reads `password` with qemu_opt_get_bool (util/qemu-option.c qemu_opt_find
  walks from the last value, so the -set after libvirt's `password=on` wins; off, no, false
  and n are false: qapi/qapi-util.c qapi_bool_parse), and vnc_display_setup_auth then sets
  no password authentication: without TLS client certificates anyone reaching the port gets
  the console. Now the -set is kept (Graphics.password_off, consoles._vnc_set) and neither
  the XML's password nor qemu.conf's vnc_password applies: both fail "without a password
  (a QEMU argument -set vnc.default.password= turns it off)".
- R42D-2 (wording) HVA-031: Proxmox VE VM web-10's `args: -set vnc.default.vnc=0.0.0.0:5`
  moves qemu-server's VNC (`-vnc unix:/var/run/qemu-server/200.vnc,password=on`, no
  tls-creds: QemuServer.pm config_to_command, cited in parse/proxmox_model.py) onto every
  address (R41D-6's `default` id), and HVA-031 asked about "no password in the domain XML"
  and qemu.conf's vnc_tls, neither of which exists for a qemu-server VM. Its -vnc has no
  TLS whatever qemu.conf says, so it now fails "without TLS (its launcher's -vnc sets no
  tls-creds ...)" (Graphics.tls False for qemu-server's VNC); with `password=off` too it
  fails on R42D-1's message.

Held (kept as tests): `-set vnc.default.password=on` and `-set vnc.vnc2.password=off` (no
second VNC server) leave libvirt's passworded VNC as it was; a later `password=on` after
`password=off` restores it (the last value wins); a passworded VNC kept on the loopback with
`password=off` stays "reachable only from the host"; web-10 without `args:`, or moved onto
127.0.0.1, passes as before (R42D-2).

Probed by script: none beyond the kept cases.

Tally: 2 findings (false pass 1, wording 1), 2 tests holding 10 cases; the 4 finding cases
failed on main before the fixes (main gave web-10 the manual question in both; the 6 held
cases pass on main too).

Leads left: the other -set vnc.default keys (tls-creds to another object, sasl=on/off
against qemu.conf's vnc_sasl, share, authz, password-secret); `-display vnc=` gets a QEMU id
the VNC numbering ignores; a Proxmox VE `args: -vnc` beside qemu-server's (its id `vnc2`,
launcher_vnc) with `-set vnc.default.tls-creds=`; the ticket of a moved qemu-server VNC
(set only while vncproxy runs: is a VNC with password=on and no ticket closed to all?).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import messages, outcomes
from test_redteam2_probes import VM200, pve_result
from test_redteam2_probes import pve_scan as dir_scan
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline


def test_set_password_off_on_libvirts_vnc(tmp_path: Path) -> None:
    """R42D-1: `-set vnc.default.password=off` turns libvirt's VNC password authentication off
    (ui/vnc.c vnc_display_open reads the last `password` value), so libvirt's passworded VNC
    on every address, or moved there by `-set vnc.default.vnc=`, fails without a password.
    Held: `password=on`, another server's id, off then on, and the loopback."""
    pw = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='x'/></devices>"
    pw_lo = "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='x'/></devices>"
    a = _ns_scan(
        tmp_path,
        {
            "web01": (pw, _commandline("-set", "vnc.default.password=off")),
            "v1": (
                pw_lo,
                _commandline(
                    "-set", "vnc.default.vnc=0.0.0.0:5", "-set", "vnc.default.password=no"
                ),
            ),
            "v2": (pw, _commandline("-set", "vnc.default.password=on")),
            "v3": (pw, _commandline("-set", "vnc.vnc2.password=off")),
            "v4": (
                pw,
                _commandline("-set", "vnc.default.password=off", "-set", "vnc.default.password=on"),
            ),
            "v5": (pw_lo, _commandline("-set", "vnc.default.password=off")),
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
    off = (
        "vnc on 0.0.0.0 (bound to every address) without a password (a QEMU argument -set "
        "vnc.default.password= turns it off)"
    )
    kept = "vnc on 0.0.0.0 (bound to every address) with TLS and a password"
    assert messages(a, "HVA-031") == {
        "web01": off,
        "v1": off,
        "v2": kept,
        "v3": kept,
        "v4": kept,
        "v5": "console(s) reachable only from the host",
    }


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (
            "args: -set vnc.default.vnc=0.0.0.0:5\n",
            "fail",
            "vnc on 0.0.0.0 (bound to every address) without TLS (its launcher's -vnc sets no "
            "tls-creds; qemu.conf's vnc_tls does not apply)",
        ),
        (
            "args: -set vnc.default.vnc=0.0.0.0:5 -set vnc.default.password=off\n",
            "fail",
            "vnc on 0.0.0.0 (bound to every address) without a password (a QEMU argument -set "
            "vnc.default.password= turns it off)",
        ),
        ("", "pass", "console(s) reachable only from the host"),
        (
            "args: -set vnc.default.vnc=127.0.0.1:5\n",
            "pass",
            "console(s) reachable only from the host (127/8 taken as local: route_localnet not "
            "read, the kernel's default is 0)",
        ),
    ],
)
def test_set_moving_qemu_servers_vnc_onto_tcp(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, status: str, message: str
) -> None:
    """R42D-2: an `args:` -set moving qemu-server's socket VNC (no tls-creds) onto every
    address fails without TLS; HVA-031 asked about the domain XML's password and qemu.conf's
    vnc_tls, which a qemu-server VM has neither of. Held: no `args:`, and the loopback."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": VM200 + extra})
    assert pve_result(report, "HVA-031", "web-10") == (status, message)
