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

Held: a raw `-netdev stream,server=on` on 127.0.0.1 (QEMU's own listener, not a dial: pass
kept).

Probed by script: 2 libvirt tunnel NICs, 5 raw netdev argument sets.

Tally: 1 finding (1 false pass), 2 tests, 2 failed before the fix.

Leads left: see the final report.
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
