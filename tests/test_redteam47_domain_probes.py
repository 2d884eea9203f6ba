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

Held (kept as tests): a raw loopback -vnc with a bare websocket port (the display's host),
a last `vnc=none` (no listener at all), libvirt's loopback VNC with a bare websocket and
libvirt's VNC on 0.0.0.0 moved to `none` keep their passes.

Probed by script: none beyond the kept cases.

Tally: 1 finding (false pass 1), 1 test holding 13 cases; the 9 finding cases failed on main
before the fix (the 4 held cases pass on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from test_redteam37_domain_probes import _ns_scan
from test_redteam40_domain_probes import _commandline

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
