"""loop17: R17-5's rule (a VM with user-mode networking reaches the host's 127/8) applied to
the other checks that credit "loopback only" through hvaudit.checks._loopback.

QEMU's user-mode network stack rewrites a guest's connection to its virtual host address
(10.0.2.2 by default) into one to 127.0.0.1 on the host (libslirp socket.c sotranslate_out:
`sin->sin_addr = loopback_addr` unless disable_host_loopback, read with `find_string`);
QEMU's restrict=on is the one switch and libvirt's <interface type='user'> sets none
(hvaudit.checks._loopback.loopback_guests, moved there from consoles.py so every check reads
one rule). Each test below is a false pass on main at 2f22db6 (the R17-5 commit f04f22c and
after): the listener on 127/8 passed while another VM's guest on the host reached it. Held
probes: the same listener with no user-mode guest keeps its pass, and (HVA-210) a listener
held by the user-mode VM's own QEMU (its own guest gains nothing) keeps it too.

Findings: R17-6 HVA-033 (an unapproved listener on 127.0.0.1), R17-7 HVA-030 (a socat relay
of libvirt-sock onto 127.0.0.1), R17-8 HVA-036 (migration_address = 127.0.0.1 and a raw
`-incoming tcp:127.0.0.1:...` of another VM), R17-9 HVA-210 (a management listener, QEMU's
VNC, on 127.0.0.1): all false passes, now fails naming the user-mode VM.

Leads left: libslirp maps the guest's IPv6 host address to ::1 as well (sotranslate_out,
AF_INET6: `sin6->sin6_addr = in6addr_loopback`, read with `find_string`; QEMU's user
network has ipv6=on by default), so ::1 listeners are reached the same way; neither R17-5 nor
this round counts ::1. HVA-308 (Proxmox VE's raw `-incoming`, sharing
raw_migration_listeners) is not given the guests; whether a Proxmox VE `netN` without a
bridge (qemu-server's user-mode network) is parsed as an <interface type='user'> was not
checked. HVA-132 (local users reaching a loopback relay) and HVA-001's listing of loopback
processes do not mention the guests. passt's --map-host-loopback default is still taken as
slirp's, not read with the tools. A guestfwd <channel> to 127.0.0.1 (the guest's own reach
into the host's loopback by design) is not judged by HVA-030/033/210.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

USER_NIC = (
    "<devices><interface type='user'><mac address='52:54:00:17:00:06'/>"
    "<model type='virtio'/></interface></devices>"
)
SLIRP = "VM slirp (<interface type='user'>)"
PROCS = HARDENED_HOST["processes"][0]


def _beside() -> list[str]:
    return [domain_xml("web01"), domain_xml("slirp", body=USER_NIC)]


# --- R17-6 HVA-033 ---------------------------------------------------------------------------

REDIS_127 = (
    HARDENED_HOST["listeners"][0]
    + "tcp   LISTEN 0      511        127.0.0.1:6379      0.0.0.0:*    "
    'users:(("redis-server",pid=900,fd=6))\n',
    0,
)


def test_unapproved_loopback_listener_beside_a_user_mode_guest_fails(host_scan) -> None:
    """R17-6 (false pass). redis-server on 127.0.0.1:6379 is not in allowed_listeners; HVA-033
    passed it as local. VM slirp's guest connects to 10.0.2.2:6379, which slirp turns into
    127.0.0.1:6379 on the host (libslirp sotranslate_out). Right: fail naming the VM."""
    a = host_scan({"listeners": REDIS_127}, domains=_beside())
    assert (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]) == (
        "fail",
        "unapproved listeners: redis-server (tcp/6379) (127.0.0.1 is reachable from guests: the "
        f"user-mode networking of {SLIRP} turns a guest's connection to its host address into "
        "one to 127.0.0.1)",
    )
    held = host_scan({"listeners": REDIS_127})
    assert (outcomes(held, "HVA-033")["hv1"], messages(held, "HVA-033")["hv1"]) == (
        "pass",
        "1 non-loopback listener(s), all approved",
    )


# --- R17-7 HVA-030 ---------------------------------------------------------------------------

RELAY_127 = {
    "processes": (
        PROCS + "  991 root     /usr/bin/socat TCP-LISTEN:16600,bind=127.0.0.1,fork "
        "UNIX-CONNECT:/run/libvirt/libvirt-sock\n",
        0,
    ),
    "listeners": (
        HARDENED_HOST["listeners"][0]
        + "tcp   LISTEN 0      5          127.0.0.1:16600        0.0.0.0:*    "
        'users:(("socat",pid=991,fd=5))\n',
        0,
    ),
}


def test_api_relay_on_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """R17-7 (false pass). socat relays libvirt's read-write socket onto 127.0.0.1:16600
    (socat(1) TCP-LISTEN + UNIX-CONNECT); HVA-030 passed "libvirt listens on local UNIX sockets
    only". VM slirp's guest reaches 127.0.0.1:16600 through slirp's host address, and with it
    the API of every VM. Right: fail naming the relay and the VM."""
    a = host_scan(RELAY_127, domains=_beside())
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "fail",
        "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP 127.0.0.1:16600, on 127/8 "
        f"that the user-mode networking of {SLIRP} opens to its guest (a connection to its "
        "host address becomes one to 127.0.0.1): libvirt's full API without authentication "
        "or encryption",
    )
    held = host_scan(RELAY_127)
    assert (outcomes(held, "HVA-030")["hv1"], messages(held, "HVA-030")["hv1"]) == (
        "pass",
        "libvirt listens on local UNIX sockets only",
    )


# --- R17-8 HVA-036 ---------------------------------------------------------------------------


def _migration_on(addr: str) -> dict[str, object]:
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace(
        'migration_address = "10.0.1.10"', f'migration_address = "{addr}"'
    )
    assert f'"{addr}"' in conf
    return {"/etc/libvirt/qemu.conf": conf}


def test_loopback_migration_address_beside_a_user_mode_guest_fails(host_scan) -> None:
    """R17-8 (false pass). migration_address = 127.0.0.1 (qemu.conf: the address incoming
    migrations listen on) passed as loopback; VM slirp's guest reaches 127.0.0.1 and can be the
    first to send an incoming VM's state. Right: fail naming the VM. R25C-6 changed this:
    libvirt's qemu driver refuses migration_address = 127.0.0.1 (qemu_conf.c "must not be the
    address of the local machine"), an error; 127.0.0.2 is out of slirp's reach (it connects
    to 127.0.0.1 only): the loopback pass."""
    a = host_scan(_migration_on("127.0.0.1"), domains=_beside())
    assert outcomes(a, "HVA-036") == {"hv1": "error"}, messages(a, "HVA-036")
    b = host_scan(_migration_on("127.0.0.2"), domains=_beside())
    assert (outcomes(b, "HVA-036")["hv1"], messages(b, "HVA-036")["hv1"]) == (
        "pass",
        "migration_address = loopback, migrate_tls_x509_verify = 1",
    )
    held = host_scan(_migration_on("127.0.0.2"))
    assert (outcomes(held, "HVA-036")["hv1"], messages(held, "HVA-036")["hv1"]) == (
        "pass",
        "migration_address = loopback, migrate_tls_x509_verify = 1",
    )


def test_raw_incoming_on_loopback_beside_a_user_mode_guest_fails(tmp_path: Path) -> None:
    """R17-8, raw arguments. VM wait's <qemu:commandline> `-incoming tcp:127.0.0.1:4444`
    (qemu-options.hx: "prepare for incoming migration, listen on specified protocol and socket
    address") waits at each start; beside VM slirp its guest can send the state VM wait then
    runs. Held: the user-mode VM's own `-incoming` (its guest does not run while its QEMU
    waits) keeps the loopback pass."""
    (tmp_path / "a").mkdir()
    (tmp_path / "held").mkdir()
    domains = {
        "wait": _raw_cpu_domain("wait", "", "-incoming", "tcp:127.0.0.1:4444"),
        "slirp": _raw_cpu_domain("slirp", USER_NIC),
    }
    a = run_assessment(_replayed_on(tmp_path / "a", HARDENED_HOST, domains))
    assert verdict(a, "HVA-036", "hv1") == (
        "fail",
        "VM wait's QEMU argument -incoming tcp:127.0.0.1:4444: QEMU waits for a migration "
        "stream (main channel) on 127.0.0.1, which the user-mode networking of "
        f"{SLIRP} opens to its guest (a connection to its host address becomes one to "
        "127.0.0.1)",
    )
    own = {"slirp": _raw_cpu_domain("slirp", USER_NIC, "-incoming", "tcp:127.0.0.1:4444")}
    held = run_assessment(_replayed_on(tmp_path / "held", HARDENED_HOST, own))
    assert verdict(held, "HVA-036", "hv1")[0] == "pass"


# --- R17-9 HVA-210 ---------------------------------------------------------------------------


def _vnc_127(pid: int) -> tuple[str, int]:
    return (
        HARDENED_HOST["listeners"][0]
        + "tcp   LISTEN 0      1          127.0.0.1:5900      0.0.0.0:*    "
        f'users:(("qemu-system-x86",pid={pid},fd=20))\n',
        0,
    )


def test_management_listener_on_loopback_beside_a_user_mode_guest_fails(host_scan) -> None:
    """R17-9 (false pass). QEMU's VNC server on 127.0.0.1:5900 (a management interface of its
    VM, HVA-210's docstring) passed "none on a wildcard address"; VM slirp's guest reaches it
    through slirp's host address. Right: fail naming the listener and the VM. Held: the
    listener held by the user-mode VM's own QEMU (pid 1200 runs guest=web01, the baseline's
    process list) keeps the pass: its own guest gains nothing."""
    a = host_scan({"listeners": _vnc_127(1300)}, domains=_beside())
    assert (outcomes(a, "HVA-210")["hv1"], messages(a, "HVA-210")["hv1"]) == (
        "fail",
        f"listening on 127.0.0.1, which the user-mode networking of {SLIRP} opens to its guest (a "
        "connection to its host address becomes one to 127.0.0.1): qemu-system-x86 (tcp/5900) "
        "on 127.0.0.1",
    )
    own = host_scan({"listeners": _vnc_127(1200)}, domains=[domain_xml("web01", body=USER_NIC)])
    assert outcomes(own, "HVA-210")["hv1"] == "pass", messages(own, "HVA-210")
    held = host_scan({"listeners": _vnc_127(1300)})
    assert outcomes(held, "HVA-210")["hv1"] == "pass", messages(held, "HVA-210")
