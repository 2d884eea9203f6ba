"""Red-team round 26 probes: loopback (rt26loop)

Harness: conftest HARDENED_HOST replayed through the real collector, libvirt XML parser and
engine with a second domain beside web01 (test_redteam10_vm_probes._replayed_on, as
tests/test_redteam25_loopback_probes.py does); the host has redis-server on 127.0.0.1:6379
(TCP) and memcached on 127.0.0.1:11211 (UDP), neither approved.

Findings:
- R26O-1 (false pass) HVA-033, HVA-210 and every check reading
  hvaudit.checks._loopback.chardev_guests: a VM whose NIC is a socket tunnel with its remote
  end on the host's loopback was not counted as reaching it. libvirt's `<interface
  type='client'><source address port/>` (formatdomain, "TCP tunnel") and `<interface
  type='udp'><source address port><local .../></source>` ("UDP unicast tunnel") are QEMU's
  `-netdev socket,connect=` and `socket,udp=`; raw `-netdev stream` (a client unless server=on:
  qapi/net.json NetdevStreamOptions "@server: create server socket (default: false)") and
  `-netdev dgram,remote.type=inet,...` are their QEMU 7.2 forms. QEMU writes each frame the
  guest sends to that address: as the whole UDP payload (qemu/qemu net/socket.c
  net_socket_receive_dgram: `sendto(s->fd, buf, size, 0, (struct sockaddr *)&s->dgram_dst,
  ...)`; net/dgram.c net_dgram_receive the same), or on the TCP stream after a 4-byte length
  (net_socket_receive: `send_all(s->fd, &len, sizeof(len)); send_all(s->fd, buf, size)`; read
  with `find_string`). The guest writes those bytes, so it speaks to the listener there as a
  guestfwd channel's guest does (VL18-3). HVA-033 passed redis-server on 127.0.0.1 and
  memcached on UDP 127.0.0.1 as local. Now a fail naming the VM and its NIC or argument; the
  message says "character devices or socket tunnels" when a tunnel is among them.

- R26O-2 (false pass) HVA-033: a user-mode guest's DNS queries go to the host's first
  /etc/resolv.conf nameserver on port 53 (libslirp src/socket.c sotranslate_out4: `if
  (!s->disable_dns && so->so_faddr.s_addr == s->vnameserver_addr.s_addr) { return
  (so->so_fport == htons(53) && get_dns_addr(&sin->sin_addr, &sin->sin_port) >= 0); }`;
  src/slirp.c get_dns_addr_resolv_conf: the first `nameserver%*[ \t]%256s` line inet_pton
  reads; read with `find_string`). On a systemd-resolved host that is 127.0.0.53, which
  R25O-3's 127.0.0.1-only rule left out: HVA-033 passed an unapproved listener there beside a
  user-mode guest. /etc/resolv.conf is now collected (HostFacts.dns_server) and a loopback
  listener on that address, port 53, counts as reached.

Held: a raw `-netdev stream,server=on` on 127.0.0.1 (QEMU's own listener, not a dial: pass
kept); resolv.conf naming an upstream server first; resolved's 127.0.0.54 (not in
resolv.conf).

Probed by script: 2 libvirt tunnel NICs, 5 raw netdev argument sets, 2 resolv.conf files.

Tally: 2 findings (2 false passes), 3 tests, 3 failed before the fixes.

Leads left: a bundle without /etc/resolv.conf (older collector, or a read that failed)
keeps the old reading for a loopback listener on port 53 other than 127.0.0.1 (no question
yet); passt's DNS forwarding to a loopback host resolver (passt conf.c add_dns4 maps it
through --map-host-loopback) is taken as slirp's, not read; HVA-210 (network.py) does not
yet apply the DNS rule; the "127/8 is reachable from guests" wording of R25O-3.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

REDIS_127 = (
    HARDENED_HOST["listeners"][0]
    + "tcp   LISTEN 0      511        127.0.0.1:6379      0.0.0.0:*    "
    'users:(("redis-server",pid=900,fd=6))\n'
    + "udp   UNCONN 0      0          127.0.0.1:11211     0.0.0.0:*    "
    'users:(("memcached",pid=901,fd=7))\n',
    0,
)

CLIENT_NIC = (
    "<devices><interface type='client'><mac address='52:54:00:26:00:01'/>"
    "<source address='127.0.0.1' port='6379'/><model type='virtio'/></interface></devices>"
)
UDP_NIC = (
    "<devices><interface type='udp'><mac address='52:54:00:26:00:02'/>"
    "<source address='127.0.0.1' port='11211'><local address='127.0.0.1' port='5555'/>"
    "</source><model type='virtio'/></interface></devices>"
)
PASS = ("pass", "1 non-loopback listener(s), all approved")
REDIS = "redis-server (tcp/6379)"
MEMC = "memcached (udp/11211)"


def _hva033(tmp_path: Path, domains: dict[str, str]) -> tuple[str, str]:
    host = dict(HARDENED_HOST, listeners=REDIS_127)
    a = run_assessment(_replayed_on(tmp_path, host, {"web01": domain_xml("web01"), **domains}))
    return outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]


def _fail(listener: str, at: str, how: str) -> tuple[str, str]:
    return (
        "fail",
        f"unapproved listeners: {listener} (reached from guests by character devices or "
        f"socket tunnels: {listener.partition(' ')[0]} on {at} by {how})",
    )


def test_socket_tunnel_nic_to_host_loopback(tmp_path: Path) -> None:
    """R26O-1 (false pass). VM tcl's `<interface type='client'>` connects to 127.0.0.1:6379
    and VM tud's `<interface type='udp'>` sends to 127.0.0.1:11211: QEMU writes the guest's
    frames there (net/socket.c net_socket_receive, net_socket_receive_dgram). HVA-033 passed
    both listeners as local. Right: fail naming the VM and its NIC."""
    got = {}
    for name, body in (("tcl", CLIENT_NIC), ("tud", UDP_NIC)):
        (tmp_path / name).mkdir()
        got[name] = _hva033(tmp_path / name, {name: domain_xml(name, body=body)})
    assert got == {
        "tcl": _fail(
            REDIS,
            "127.0.0.1:6379",
            "VM tcl (<interface type='client'> sending its guest's frames to 127.0.0.1:6379)",
        ),
        "tud": _fail(
            MEMC,
            "127.0.0.1:11211",
            "VM tud (<interface type='udp'> sending its guest's frames to 127.0.0.1:11211)",
        ),
    }


RAW = {
    "sconn": (("-netdev", "socket,id=n0,connect=127.0.0.1:6379"), REDIS, "127.0.0.1:6379"),
    "sudp": (
        ("-netdev", "socket,id=n0,udp=127.0.0.1:11211,localaddr=127.0.0.1:5555"),
        MEMC,
        "127.0.0.1:11211",
    ),
    "strm": (
        ("-netdev", "stream,id=n0,addr.type=inet,addr.host=127.0.0.1,addr.port=6379"),
        REDIS,
        "127.0.0.1:6379",
    ),
    "dgrm": (
        (
            "-netdev",
            "dgram,id=n0,remote.type=inet,remote.host=127.0.0.1,remote.port=11211,"
            "local.type=inet,local.host=127.0.0.1,local.port=5555",
        ),
        MEMC,
        "127.0.0.1:11211",
    ),
    # held: QEMU's own server socket, not a connection to the host's listener
    "strsrv": (
        ("-netdev", "stream,id=n0,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=6390"),
        None,
        "",
    ),
}


def test_raw_socket_netdev_to_host_loopback(tmp_path: Path) -> None:
    """R26O-1 (false pass), the raw forms: `-netdev socket,connect=` / `socket,udp=` and QEMU
    7.2's `-netdev stream` (client by default) / `dgram` with an inet remote on 127.0.0.1 hand
    the guest's frames to the listener there. HVA-033 passed. Right: fail naming the
    argument; held for `stream,server=on` (QEMU listens, it dials nothing)."""
    got, want = {}, {}
    for name, (args, listener, at) in RAW.items():
        (tmp_path / name).mkdir()
        got[name] = _hva033(tmp_path / name, {name: _raw_cpu_domain(name, "", *args)})
        shown = " ".join(args)
        want[name] = (
            _fail(listener, at, f"VM {name} (QEMU argument {shown}, sending its guest's frames)")
            if listener
            else PASS
        )
    assert got == want


RESOLVED = (
    HARDENED_HOST["listeners"][0]
    + "udp   UNCONN 0      0       127.0.0.53%lo:53        0.0.0.0:*    "
    'users:(("systemd-resolve",pid=500,fd=13))\n'
    + "tcp   LISTEN 0      4096    127.0.0.54:53        0.0.0.0:*    "
    'users:(("systemd-resolve",pid=500,fd=16))\n',
    0,
)
USER_NIC = (
    "<devices><interface type='user'><mac address='52:54:00:26:00:06'/>"
    "<model type='virtio'/></interface></devices>"
)


def test_user_mode_dns_reaches_host_stub_resolver(tmp_path: Path) -> None:
    """R26O-2 (false pass). VM slirp's `<interface type='user'>` forwards its guest's DNS
    queries (to 10.0.2.3, port 53) to the first nameserver of the host's /etc/resolv.conf
    (libslirp sotranslate_out4 and get_dns_addr_resolv_conf): on a systemd-resolved host that
    is its stub on 127.0.0.53, out of R25O-3's 127.0.0.1 rule, so HVA-033 passed the
    unapproved systemd-resolve there. Right: fail naming the VM and the forwarding; held where
    resolv.conf names an upstream server first, and for 127.0.0.54 (not in resolv.conf)."""
    got = {}
    for name, resolv in (
        ("stub", "# systemd-resolved\nnameserver 127.0.0.53\noptions edns0 trust-ad\n"),
        ("upstream", "nameserver 192.0.2.53\nnameserver 127.0.0.53\n"),
    ):
        (tmp_path / name).mkdir()
        host = dict(HARDENED_HOST, listeners=RESOLVED, **{"/etc/resolv.conf": resolv})
        domains = {"web01": domain_xml("web01"), "slirp": domain_xml("slirp", body=USER_NIC)}
        a = run_assessment(_replayed_on(tmp_path / name, host, domains))
        got[name] = (outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"])
    assert got == {
        "stub": (
            "fail",
            "unapproved listeners: systemd-resolve (udp/53) (127.0.0.53:53 is reachable from "
            "guests: the user-mode networking of VM slirp (<interface type='user'>) turns a DNS "
            "query to its DNS server into one to 127.0.0.53:53 (the first nameserver of "
            "/etc/resolv.conf))",
        ),
        # sshd and chronyd on 127.0.0.1:323, which the guest reaches and the profile approves
        "upstream": ("pass", "2 non-loopback listener(s), all approved"),
    }


def test_user_mode_dns_with_resolv_conf_unread_is_asked(tmp_path: Path) -> None:
    """R26O-2 follow-up (false pass, found in the end-of-session review). With /etc/resolv.conf
    not read (a read that failed, or a bundle of a collector before R26O-2) the first
    nameserver was taken as absent, libslirp's 127.0.0.1 fallback, so systemd-resolve on
    127.0.0.53:53 beside VM slirp passed. Right: one question on the first nameserver; held
    where resolv.conf is absent (libslirp falls back to 127.0.0.1, out of 127.0.0.53)."""
    got = {}
    for name, resolv in (("unread", PermissionError("Permission denied")), ("absent", None)):
        (tmp_path / name).mkdir()
        host = dict(HARDENED_HOST, listeners=RESOLVED, **{"/etc/resolv.conf": resolv})
        domains = {"web01": domain_xml("web01"), "slirp": domain_xml("slirp", body=USER_NIC)}
        a = run_assessment(_replayed_on(tmp_path / name, host, domains))
        r = next(r for r in a.results if r.check.id == "HVA-033")
        got[name] = (r.outcome.status, r.outcome.message, r.outcome.question)
    assert got == {
        "unread": (
            "manual",
            "unapproved listeners on the loopback's DNS port: systemd-resolve on 127.0.0.53:53, "
            "systemd-resolve on 127.0.0.54:53; a user-mode guest's DNS queries go to the first "
            "nameserver of /etc/resolv.conf, which is not known "
            "(host/files/etc/resolv.conf: Permission denied)",
            "Does the first IPv4 `nameserver` line of /etc/resolv.conf on host hv1 name an "
            "address none of these listeners holds (127.0.0.53, 127.0.0.54)? Evidence: `grep "
            "'^nameserver' /etc/resolv.conf` on the host. Pass: yes, another address; fail: one "
            "of them, whose listener the guests with user-mode networking then reach by their "
            "DNS queries.",
        ),
        # sshd and chronyd on 127.0.0.1:323, which the guest reaches and the profile approves
        "absent": ("pass", "2 non-loopback listener(s), all approved", None),
    }
