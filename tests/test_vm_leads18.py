"""Session 18 VM leads (leads18vm): what earlier rounds left (the "Leads left" of
tests/test_redteam17_vm_probes.py, tests/test_loop17_probes.py, tests/test_vm_leads17.py and
tests/test_vm_leads16.py). Same harness: libvirt's test driver serves the domains on conftest's
replayed hardened host, assessed by the real collectors and engine. Every fact a verdict rests
on was read with the `search` / `find_string` / `read_file` tools and is cited in the code or
the test's docstring.

Findings (VL18-n): VL18-1 HVA-033, HVA-030, HVA-210, HVA-036 and HVA-031 counted 127/8 only
as reached by another VM's user-mode guest (R17-5..R17-9); libslirp maps a guest's connection
to any address of its IPv6 prefix to ::1 as well (socket.c sotranslate_out6), QEMU's user
network has IPv6 unless ipv4=on / ipv6=off turns it off (net/slirp.c net_init_slirp), and
passt maps the guest's gateway to 127.0.0.1 or ::1 by default (passt(1) --map-host-loopback,
libvirt passes no --no-map-gw). An unapproved listener, a libvirt-sock relay, a management
listener, a migration address or raw `-incoming`, and a console on ::1 beside such a guest
all passed (false passes; now fails naming the VM; hvaudit.checks._loopback.guest_loopback,
loopback_guests(version=6)).

Held (kept as tests): each ::1 listener with no user-mode guest keeps its pass; a raw
`-netdev user,ipv4=on` (IPv6 off) reaches no ::1.

Tally: TALLY

Leads left (not settled in the time): LEADS
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_loop17_probes import PROCS, USER_NIC, _beside, _migration_on
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

SLIRP = "VM slirp (<interface type='user'>)"
TO_V6 = (
    f"the user-mode networking of {SLIRP} opens ::1 to its guest (a connection to its host "
    "address becomes one to ::1)"
)
LISTENERS = HARDENED_HOST["listeners"][0]


def _on_v6(port: int, program: str, pid: int) -> tuple[str, int]:
    return (
        LISTENERS + f"tcp   LISTEN 0      5          [::1]:{port}      [::]:*    "
        f'users:(("{program}",pid={pid},fd=5))\n',
        0,
    )


# --- VL18-1: ::1 reached by a user-mode guest -----------------------------------------------


def test_unapproved_listener_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-033 (false pass). redis-server on [::1]:6379 beside VM slirp: libslirp's
    sotranslate_out6 turns the guest's connection to any address of its IPv6 prefix (fec0::2,
    the host) into one to ::1 (`sin->sin6_addr = in6addr_loopback` unless disable_host_loopback,
    read with `find_string`); QEMU's user network has IPv6 on unless ipv4=on/ipv6=off
    (net/slirp.c net_init_slirp). R17-6 counted 127/8 only; ::1 passed as local. Held: the same
    listener with no user-mode guest keeps its pass."""
    over = {"listeners": _on_v6(6379, "redis-server", 900)}
    a = host_scan(over, domains=_beside())
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "fail",
        "unapproved listeners: redis-server (tcp/6379) (::1 is reachable from guests: the "
        f"user-mode networking of {SLIRP} turns a guest's connection to its host address into "
        "one to ::1)",
    )
    held = host_scan(over)
    assert outcomes(held, "HVA-033")["hv1"] == "pass", messages(held, "HVA-033")


def test_api_relay_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-030 (false pass). socat relays libvirt-sock onto [::1]:16600 (socat(1)
    TCP6-LISTEN); VM slirp's guest reaches ::1 through slirp's IPv6 host address, and with it
    libvirt's full API. Was "libvirt listens on local UNIX sockets only"."""
    over = {
        "processes": (
            PROCS + "  991 root     /usr/bin/socat TCP6-LISTEN:16600,bind=[::1],fork "
            "UNIX-CONNECT:/run/libvirt/libvirt-sock\n",
            0,
        ),
        "listeners": _on_v6(16600, "socat", 991),
    }
    a = host_scan(over, domains=_beside())
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "fail",
        "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP [::1]:16600, on ::1 that "
        f"the user-mode networking of {SLIRP} opens to its guest (a connection to its host "
        "address becomes one to ::1): libvirt's full API without authentication or encryption",
    )
    held = host_scan(over)
    assert outcomes(held, "HVA-030")["hv1"] == "pass", messages(held, "HVA-030")


def test_management_listener_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-210 (false pass). QEMU's VNC on [::1]:5900 (pid 1300, no VM of the
    baseline's process list) beside VM slirp passed "none on a wildcard address"."""
    a = host_scan({"listeners": _on_v6(5900, "qemu-system-x86", 1300)}, domains=_beside())
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "fail",
        f"listening on ::1, which {TO_V6.replace(' opens ::1 to its guest', ' opens to its guest')}"
        ": qemu-system-x86 (tcp/5900) on [::1]",
    )


def test_migration_address_ipv6_loopback_beside_a_user_mode_guest_fails(
    host_scan, tmp_path: Path
) -> None:
    """VL18-1, HVA-036 (false pass). migration_address = ::1 (and the spelling
    0:0:0:0:0:0:0:1) passed as "loopback"; VM slirp's guest can be the first to send an
    incoming VM's state. A raw `-incoming tcp:[::1]:4444` of another VM was not even named.
    Held: a raw `-netdev user,ipv4=on` (QEMU's net_init_slirp turns IPv6 off: `user->has_ipv4
    && user->ipv4 && !user->has_ipv6`) reaches no ::1, so the raw listener keeps its pass."""
    for addr in ("::1", "0:0:0:0:0:0:0:1"):
        a = host_scan(_migration_on(addr), domains=_beside())
        assert (outcomes(a, "HVA-036")["hv1"], messages(a, "HVA-036")["hv1"]) == (
            "fail",
            f"migration_address = {addr}: {TO_V6}, which can send an incoming VM's state",
        )
    (tmp_path / "a").mkdir()
    (tmp_path / "held").mkdir()
    domains = {
        "wait": _raw_cpu_domain("wait", "", "-incoming", "tcp:[::1]:4444"),
        "slirp": _raw_cpu_domain("slirp", USER_NIC),
    }
    a = run_assessment(_replayed_on(tmp_path / "a", HARDENED_HOST, domains))
    assert verdict(a, "HVA-036", "hv1") == (
        "fail",
        "VM wait's QEMU argument -incoming tcp:[::1]:4444: QEMU waits for a migration stream "
        f"(main channel) on ::1, which the user-mode networking of {SLIRP} opens to its guest "
        "(a connection to its host address becomes one to ::1)",
    )
    both = {
        "wait": _raw_cpu_domain("wait", "", "-incoming", "tcp:[::1]:4444"),
        "slirp": _raw_cpu_domain("slirp", "", "-netdev", "user,id=n0"),
    }
    (tmp_path / "both").mkdir()
    raw = run_assessment(_replayed_on(tmp_path / "both", HARDENED_HOST, both))
    assert verdict(raw, "HVA-036", "hv1")[0] == "fail"
    v4only = {
        "wait": _raw_cpu_domain("wait", "", "-incoming", "tcp:[::1]:4444"),
        "slirp": _raw_cpu_domain("slirp", "", "-netdev", "user,id=n0,ipv4=on"),
    }
    held = run_assessment(_replayed_on(tmp_path / "held", HARDENED_HOST, v4only))
    assert verdict(held, "HVA-036", "hv1")[0] == "pass"


def test_console_on_ipv6_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """VL18-1, HVA-031 (false pass). A password-less VNC console on ::1 beside VM slirp passed
    "console(s) reachable only from the host" (R17-5 demoted 127/8 only)."""
    vnc = (
        "<devices><graphics type='vnc' port='5901' autoport='no' listen='::1'>"
        "<listen type='address' address='::1'/></graphics></devices>"
    )
    a = host_scan(domains=[domain_xml("web01", body=vnc), domain_xml("slirp", body=USER_NIC)])
    assert (outcomes(a, "HVA-031")["web01"], messages(a, "HVA-031")["web01"]) == (
        "fail",
        "vnc on ::1 without a password; ::1 is reachable from guests: the user-mode networking "
        f"of {SLIRP} turns a guest's connection to its host address into one to ::1",
    )
    held = host_scan(domains=[domain_xml("web01", body=vnc)])
    assert outcomes(held, "HVA-031")["web01"] == "pass", messages(held, "HVA-031")
