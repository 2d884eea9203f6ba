"""Red-team round 36 probes: VM consoles, raw QEMU arguments and the libvirt daemon's
listeners (r36-domain)

Harness: R36D-3: round 33's (test_redteam33_daemon_probes `_hva033`: the hardened host with
systemd-resolved's stub and dnsmasq listening, VM pt's raw -netdev). The rest: round 35's (tests/test_redteam35_domain_probes.py `_raw_scan`): the hardened Debian
host replay (conftest HARDENED_HOST) with the test-driver node's domains collected by the
real LibvirtCollector and marked as the QEMU driver's, each VM's <qemu:commandline> written
into its collected XML (web01 carries the console, v1 the user-mode network), scanned through
the real parser and engine.

Findings:
- R36D-1 (wrong fail) HVA-031: a SPICE console on `localhost` (<graphics type='spice'
  listen='localhost'>, raw `-spice addr=localhost`) beside a guest reaching one loopback
  family alone (`-netdev user,ipv6=off` reaches 127.0.0.1, `ipv4=off` ::1) failed as VNC's
  does (R35D-3), though spice-server listens on ONE address: server/reds.cpp
  reds_init_socket resolves the name with getaddrinfo (AI_PASSIVE | AI_ADDRCONFIG) and
  `goto listen` at the first result that binds, so whether it is 127.0.0.1 or ::1 is the
  host's getaddrinfo order (/etc/gai.conf, AI_ADDRCONFIG), which no probe reads; raw
  `-spice addr=localhost,ipv6=on` (ui/spice-core.c qemu_spice_init:
  SPICE_ADDR_FLAG_IPV6_ONLY, reds_init_socket `ai.ai_family = family`) listens on ::1 alone
  and failed beside a 127.0.0.1 guest. Now a SPICE server on localhost beside guests of one
  family is a question naming the address to look for (consoles._spice_one_of), beside both
  a fail as before, and raw ipv4=/ipv6= select the address judged; where its pass would be
  127.0.0.1 alone, an unread route_localnet is asked in the same item.
- R36D-2 (false pass) HVA-031, HVA-036 (every rule fed by _loopback.loopback_guests: HVA-030,
  HVA-033, HVA-210 too): VM v1's raw `-netdev stream,server=off,addr.type=unix,addr.path=
  /tmp/passt_1.socket`, QEMU's documented way to connect a guest to a passt started apart
  (qemu-options.hx, -netdev stream: "start QEMU to connect to passt"; docs/system/devices/
  net.rst; passt(1): "connecting to passt by means of a UNIX domain socket"), left web01's VNC
  console without a password on 127.0.0.1 passed "console(s) reachable only from the host"
  and its raw `-incoming tcp:127.0.0.1:4444` passed: passt maps the guest's gateway to the
  host's loopback unless told not to (passt(1) --map-host-loopback), and loopback_guests
  counted QEMU's own slirp and passt backends and libvirt's passt only. Now a stream client
  to a UNIX socket that no VM of the host serves (a raw `-netdev stream,server=on` on the
  same path is QEMU's link between two guests) counts as such a guest, its words naming what
  the verdict rests on.
- R36D-3 (false pass) HVA-033: R36D-2's class in the DNS rule. The same stream guest (VM pt,
  `-netdev stream,...,addr.path=/tmp/passt_1.socket`) beside systemd-resolved's stub on
  127.0.0.53:53, /etc/resolv.conf naming it first, passed "all approved": passt with its
  defaults hands a query to the gateway over to a loopback first nameserver (conf.c
  add_dns_resolv4, R33C-1), and _loopback.dns_guests counted QEMU's and libvirt's backends
  only. Now it counts such a stream as a passt with its defaults, as libvirt's passt.

Held (kept as tests): SPICE on localhost beside a guest of both families fails; raw
`-spice addr=localhost,ipv4=on` beside a 127.0.0.1 guest fails (ipv4 wins over ipv6 in
qemu_spice_init's if/else); a stream to the socket another VM's `-netdev stream,server=on`
serves (/run//q.sock, one file as written) passes (R36D-2).

Probed by script, not kept: SPICE and VNC on ip6-localhost, localhost6 (fail as network
listeners: is_local_address does not know them) and localhost.localdomain (both families,
like localhost); `-netdev user,restrict=yes` and `restrict=y` (QEMU's qapi_bool_parse reads
both as on: no guest), `-netdev {"type":"user"}`, `type=user`, `restrict=on -set
netdev.n0.restrict=off` and `restrict=on,restrict=off` (guests, failed rightly); the JSON
`-netdev {"type":"stream","addr":{"type":"unix",...}}`, `-nic stream` and `type=stream` read
as R36D-2's stream (qemu_options flattens them alike); `-netdev user,ipv4=on` without ipv6= reaches 127.0.0.1 alone (QEMU
net_init_slirp), so SPICE or VNC on ::1 beside it passes rightly.

Tally: 3 findings (false pass 2, wrong fail 1), 10 test cases, 8 failed on main before the
fixes (6 on their verdict; the held raw ipv4=on case on its words alone, "on localhost" where
it now names the 127.0.0.1 it listens on; the held both-families and served-socket cases pass
on main too).

Leads left: see the round's report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam33_daemon_probes import FIRST, STUB, _hva033
from test_redteam35_domain_probes import _raw_scan


def _question(a, check: str, subject: str) -> str | None:
    return next(
        r.outcome.question
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    )


# --- R36D-1: SPICE on localhost listens on one of its addresses ---------------------------------

SPICE_ON = (
    "<devices><graphics type='spice' port='5901' autoport='no' listen='{a}'><listen "
    "type='address' address='{a}'/></graphics></devices>"
)
GUEST = "the user-mode networking of VM v1 (QEMU argument -netdev user,id=n0,{off})"
ASK = (
    "Does the SPICE server of VM web01 ({what}) listen on {other} alone, not on {on}, on host "
    "hv1? Evidence: `ss -ltnp` on host hv1 while the VM runs (the TCP sockets of its QEMU "
    "process; spice-server binds the first of localhost's addresses that binds, in the order "
    "/etc/gai.conf and the host's configured addresses give). Pass: yes, {other} alone; fail: "
    "it listens on {on}, which {guest} opens to its guest."
)


@pytest.mark.parametrize(
    ("off", "on", "other"),
    [("ipv6=off", "127.0.0.1", "::1"), ("ipv4=off", "::1", "127.0.0.1")],
)
def test_spice_on_localhost_beside_a_single_family_guest_is_asked(
    tmp_path: Path, off: str, on: str, other: str
) -> None:
    """R36D-1: spice-server binds the first of localhost's addresses that binds
    (server/reds.cpp reds_init_socket), which the host's getaddrinfo order decides: the
    guest reaching `on` alone reaches it or not. hvaudit failed it as VNC's."""
    a = _raw_scan(
        tmp_path,
        {"web01": ("-name", "web01"), "v1": ("-netdev", f"user,id=n0,{off}")},
        SPICE_ON.format(a="localhost"),
    )
    assert outcomes(a, "HVA-031")["web01"] == "manual", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        "spice on localhost admits plaintext channels (defaultMode='any'), if it listens on "
        f"{on}, one of localhost's two addresses (spice-server binds one)"
    )
    assert _question(a, "HVA-031", "web01") == ASK.format(
        what="spice on localhost", on=on, other=other, guest=GUEST.format(off=off)
    )


def test_spice_on_localhost_asks_route_localnet_where_its_pass_is_127_0_0_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R36D-1: the pass of a SPICE server on localhost beside a guest reaching ::1 alone is
    "127.0.0.1 alone", local only while route_localnet is 0: unread, it is asked in the same
    item (one joint question)."""
    monkeypatch.setitem(HARDENED_HOST, "route-localnet", ("cannot read\n", 2))
    a = _raw_scan(
        tmp_path,
        {"web01": ("-name", "web01"), "v1": ("-netdev", "user,id=n0,ipv4=off")},
        SPICE_ON.format(a="localhost"),
    )
    assert outcomes(a, "HVA-031")["web01"] == "manual", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        "spice on localhost admits plaintext channels (defaultMode='any'), if it listens on "
        "::1, one of localhost's two addresses (spice-server binds one); console(s) or "
        "socket(s) on localhost: whether the kernel routes 127/8 from the network is not known "
        "(net.ipv4.conf.*.route_localnet was not read (exited 2))"
    )
    question = _question(a, "HVA-031", "web01") or ""
    assert question.startswith(
        "Does the SPICE server of VM web01 (spice on localhost) listen on 127.0.0.1 alone, not "
        "on ::1, on host hv1, and is net.ipv4.conf.IFACE.route_localnet 0 for `all` and every "
        "interface of host hv1, now and from the next boot?"
    ), question


def test_spice_on_localhost_beside_a_guest_of_both_families_fails(tmp_path: Path) -> None:
    """Held: whichever address spice-server binds, the guest reaches it."""
    a = _raw_scan(
        tmp_path,
        {"web01": ("-name", "web01"), "v1": ("-netdev", "user,id=n0")},
        SPICE_ON.format(a="localhost"),
    )
    assert outcomes(a, "HVA-031")["web01"] == "fail", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        "spice on localhost admits plaintext channels (defaultMode='any'); 127.0.0.1 and ::1 "
        "are reachable from guests: the user-mode networking of VM v1 (QEMU argument -netdev "
        "user,id=n0) turns a guest's connection to its host address into one to 127.0.0.1 or ::1"
    )


RAW = "port=5930,addr=localhost,{fam}disable-ticketing=on"


def test_raw_spice_on_localhost_beside_a_single_family_guest_is_asked(tmp_path: Path) -> None:
    """R36D-1: the same for a raw `-spice addr=localhost` (no ipv4=/ipv6=)."""
    spice = RAW.format(fam="")
    a = _raw_scan(tmp_path, {"web01": ("-spice", spice), "v1": ("-netdev", "user,id=n0,ipv6=off")})
    assert outcomes(a, "HVA-031")["web01"] == "manual", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        f"QEMU argument -spice {spice}: a SPICE server on localhost without authentication "
        "(disable-ticketing), if it listens on 127.0.0.1, one of localhost's two addresses "
        "(spice-server binds one)"
    )
    assert _question(a, "HVA-031", "web01") == ASK.format(
        what=f"QEMU argument -spice {spice}",
        on="127.0.0.1",
        other="::1",
        guest=GUEST.format(off="ipv6=off"),
    )


@pytest.mark.parametrize(
    ("fam", "status"),
    [
        # R36D-1: ipv6=on resolves localhost to ::1 alone, out of the guest's reach
        ("ipv6=on,", "pass"),
        # held: ipv4=on (it wins over ipv6=on) resolves it to 127.0.0.1, which the guest reaches
        ("ipv4=on,ipv6=on,", "fail"),
    ],
)
def test_raw_spice_on_localhost_with_a_family_flag(tmp_path: Path, fam: str, status: str) -> None:
    """R36D-1: raw `-spice ipv4=on`/`ipv6=on` give spice-server the one family it resolves
    the name in (ui/spice-core.c qemu_spice_init, if/else: ipv4 first)."""
    spice = RAW.format(fam=fam)
    a = _raw_scan(tmp_path, {"web01": ("-spice", spice), "v1": ("-netdev", "user,id=n0,ipv6=off")})
    assert outcomes(a, "HVA-031")["web01"] == status, messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        f"QEMU argument -spice {spice}: loopback only"
        if status == "pass"
        else f"QEMU argument -spice {spice}: a SPICE server on 127.0.0.1 without authentication "
        "(disable-ticketing); 127.0.0.1 is reachable from guests: the user-mode networking of "
        "VM v1 (QEMU argument -netdev user,id=n0,ipv6=off) turns a guest's connection to its "
        "host address into one to 127.0.0.1"
    )


# --- R36D-2: a raw `-netdev stream` to passt's socket is user-mode networking -------------------

VNC_LOOP = (
    "<devices><graphics type='vnc' port='5901' autoport='no' listen='127.0.0.1'><listen "
    "type='address' address='127.0.0.1'/></graphics></devices>"
)
STREAM = "stream,id=n0,server=off,addr.type=unix,addr.path=/tmp/passt_1.socket"


def test_stream_to_an_unserved_socket_reaches_the_loopback(tmp_path: Path) -> None:
    """R36D-2: QEMU's documentation connects a guest to a passt started apart with `-netdev
    stream,...,addr.type=unix,addr.path=/tmp/passt_1.socket` (qemu-options.hx), and passt maps
    the guest's gateway to the host's loopback by default (passt(1) --map-host-loopback).
    hvaudit counted QEMU's own slirp and passt backends only: the VNC console and the raw
    `-incoming` on 127.0.0.1 passed."""
    a = _raw_scan(
        tmp_path,
        {"web01": ("-incoming", "tcp:127.0.0.1:4444"), "v1": ("-netdev", STREAM)},
        VNC_LOOP,
    )
    how = (
        f"VM v1 (QEMU argument -netdev {STREAM}, a stream to a socket no VM serves, as to passt's)"
    )
    assert outcomes(a, "HVA-031")["web01"] == "fail", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == (
        "vnc on 127.0.0.1 without a password; 127.0.0.1 is reachable from guests: the "
        f"user-mode networking of {how} turns a guest's connection to its host address into "
        "one to 127.0.0.1"
    )
    assert outcomes(a, "HVA-036") == {"hv1": "fail"}, messages(a, "HVA-036")
    assert messages(a, "HVA-036")["hv1"] == (
        "VM web01's QEMU argument -incoming tcp:127.0.0.1:4444: QEMU waits for a migration "
        f"stream (main channel) on 127.0.0.1, which the user-mode networking of {how} opens to "
        "its guest (a connection to its host address becomes one to 127.0.0.1)"
    )


def test_stream_to_a_socket_another_vm_serves_passes(tmp_path: Path) -> None:
    """Held: a stream to the socket another VM's `-netdev stream,server=on` listens on (one
    file as written: /run//q.sock) is QEMU's link between two guests, no user-mode stack."""
    a = _raw_scan(
        tmp_path,
        {
            "web01": ("-netdev", "stream,id=n1,server=on,addr.type=unix,addr.path=/run//q.sock"),
            "v1": ("-netdev", "stream,id=n0,addr.type=unix,addr.path=/run/q.sock"),
        },
        VNC_LOOP,
    )
    assert outcomes(a, "HVA-031")["web01"] == "pass", messages(a, "HVA-031")
    assert messages(a, "HVA-031")["web01"] == "console(s) reachable only from the host"


# --- R36D-3: the DNS queries of a guest of passt's socket -----------------------------------------


def test_stream_to_an_unserved_socket_reaches_the_stub_resolver(tmp_path: Path) -> None:
    """R36D-3: passt with its defaults hands a guest's DNS query to its gateway over to a
    loopback first nameserver (passt conf.c add_dns_resolv4, as for libvirt's passt, R33C-1):
    systemd-resolved's stub on 127.0.0.53 is reached by R36D-2's stream guest too. HVA-033
    passed it (dns_guests counted QEMU's and libvirt's backends only)."""
    assert _hva033(tmp_path, STUB, STREAM) == (
        "fail",
        "unapproved listeners: systemd-resolve (udp/53) (127.0.0.53:53 is reachable from "
        "guests: the user-mode networking of VM pt (QEMU argument -netdev "
        f"{STREAM}, a stream to a socket no VM serves, as to passt's) turns a DNS query to its "
        f"DNS server into one to 127.0.0.53:53 ({FIRST}))",
    )
