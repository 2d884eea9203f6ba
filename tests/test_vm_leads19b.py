"""DOCSTRING-PLACEHOLDER"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, run_assessment
from test_loop17_probes import USER_NIC
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on
from test_vm_leads18 import _on_lo

# --- VL19-6: a VM's own gdb stub on loopback, reached by its own user-mode guest ---------------

GDB = (
    "QEMU's gdb stub (the guest's memory and registers, and QEMU's monitor through gdb's "
    "`monitor` command)"
)
WEB = "VM web01 (<interface type='user'>)"
OWN = (
    f"127/8 is reachable from guests: the user-mode networking of {WEB} turns a guest's "
    "connection to its host address into one to 127.0.0.1"
)


def _web01(tmp_path: Path, key: str, body: str, *args: str, port: int = 1234):
    (tmp_path / key).mkdir()
    host = {**HARDENED_HOST, "listeners": _on_lo("127.0.0.1", port, "qemu-system-x86", 1200)}
    return run_assessment(
        _replayed_on(tmp_path / key, host, {"web01": _raw_cpu_domain("web01", body, *args)})
    )


def test_own_gdb_stub_on_loopback_reached_by_its_own_user_mode_guest_fails(
    tmp_path: Path,
) -> None:
    """VL19-6, HVA-031, HVA-033 and HVA-210 (false passes; VL19's lead "a VM's own gdb stub
    ... reached by its own guest"). VM web01's raw `-gdb tcp:127.0.0.1:1234` beside its own
    user-mode networking passed HVA-031 "loopback only", and its listener passed HVA-033 and
    HVA-210 (R17-9 leaves a VM's own QEMU out, VL18-2/5 bring back its monitors only), though
    its guest reaches 127.0.0.1 through slirp's host address (VL18-1) and the gdb stub is more
    than the guest's memory: QEMU's gdbstub/system.c gdbserver_start ("Initialize a monitor
    terminal for gdb") gives it a human monitor, `monitor_init_hmp(mon_chr, ...)`, and
    gdb_handle_query_rcmd writes each qRcmd packet (gdb's `monitor CMD`) to that mon_chr
    (read with `read_file`): the monitor's `migrate` runs `exec:` host commands (VL18-2). The
    stub always listens (gdbserver_start appends ",wait=off,nodelay=on,server=on" to a tcp:
    device). Now the gdb stub counts as a monitor (VL18-2's fail, the role naming the
    monitor), `-s` ("Shorthand for -gdb tcp::1234", qemu-options.hx) too. Held: beside
    `-netdev user,restrict=on` (no host address) the stub keeps "loopback only" and the
    listener its passes."""
    cases = {
        "gdb": ("-gdb", "tcp:127.0.0.1:1234"),
        "short": ("-gdb", "tcp:localhost:1234"),
    }
    for key, args in cases.items():
        a = _web01(tmp_path, key, USER_NIC, *args)
        host = args[1].split(":")[1]
        assert verdict(a, "HVA-031", "web01") == (
            "fail",
            f"QEMU argument -gdb {args[1]}: {GDB} as a TCP server on {host}, without "
            f"authentication or TLS; {OWN}",
        ), key
        assert verdict(a, "HVA-033", "hv1") == (
            "fail",
            f"unapproved listeners: qemu-system-x86 (tcp/1234) ({OWN})",
        ), key
        assert verdict(a, "HVA-210", "hv1") == (
            "fail",
            f"listening on 127/8, which the user-mode networking of {WEB} opens to its guest "
            "(a connection to its host address becomes one to 127.0.0.1): qemu-system-x86 "
            "(tcp/1234) on 127.0.0.1",
        ), key
    s = _web01(tmp_path, "s", USER_NIC, "-s")
    assert verdict(s, "HVA-033", "hv1")[0] == "fail"
    held = _web01(
        tmp_path,
        "restrict",
        "",
        "-netdev",
        "user,id=n0,restrict=on",
        "-gdb",
        "tcp:127.0.0.1:1234",
    )
    assert verdict(held, "HVA-031", "web01") == (
        "pass",
        "QEMU argument -gdb tcp:127.0.0.1:1234: loopback only",
    )
    for check in ("HVA-033", "HVA-210"):
        assert verdict(held, check, "hv1")[0] == "pass", (check, verdict(held, check, "hv1"))
