"""Red-team round 33 probes: user-mode networking's DNS forwarding to the host (r33-daemon)

Harness: the hardened Debian host replay (test_redteam10_vm_probes._replayed_on: conftest's
HARDENED_HOST with a daemon's QEMU domains), its listeners plus systemd-resolve on
127.0.0.53:53 and dnsmasq on 127.0.0.2:53 (both unapproved), /etc/resolv.conf naming the stub
or an upstream server first, and one VM pt whose `<qemu:commandline>` adds QEMU 10.1's
`-netdev passt` with passt options as param= words (net/passt.c net_passt_decode_args hands
each to passt as one argument). Verdicts of HVA-033 through the real parser and engine.

Findings:
- R33C-1 (false pass) HVA-033: passt's DNS forwarding was read as libslirp's (every user-mode
  guest reaches the first nameserver, and only while passt maps the host's loopback). passt
  (fwd.c fwd_nat_from_tap: a DNS flow to dns_match goes to dns_host) takes dns_host from
  `--dns-host ADDR` or else the first nameserver of /etc/resolv.conf (conf.c
  add_dns_resolv4), and dns_match from `--dns-forward ADDR` or, for a loopback nameserver,
  the mapped gateway; conf.c: "No general host mapping, but requested for DNS (--dns-forward
  and --no-map-gw) ... map that to loopback". So `param=--no-map-gw,param=--dns-forward,...`
  and `map-host-loopback=none,param=--dns-forward=...` left systemd-resolve on 127.0.0.53:53
  passed, and `--dns-host 127.0.0.2` left dnsmasq on 127.0.0.2:53 passed (while the stub,
  which that guest no longer reaches, failed). Now _loopback.dns_guests gives each user-mode
  guest's DNS target (slirp: the first nameserver; passt: --dns-host or it, where
  --dns-forward or the mapping asks for it; `--dns ADDR|none` turns off the nameserver
  reading, conf.c get_dns), HVA-033 fails the listener there naming where it comes from, and
  an unread resolv.conf asks only for the guests whose target depends on it.

Held (kept as tests): passt's defaults with a stub first nameserver fail as R26O-2 has it;
--no-map-gw alone reaches neither resolver; `--dns none` with --dns-forward but no --dns-host
forwards nothing IPv4 can reach; --dns-forward with an upstream first nameserver reaches no
loopback resolver; --dns-forward with --dns-host 127.0.0.2 fails though resolv.conf was not
read (the target is on the command line).

Probed by script: none beyond the cases kept (they cover --opt VALUE, --opt=VALUE and the
getopt_long prefix --dns-f).

Tally: 1 finding: 1 false pass (R33C-1); 1 test (9 cases), 5 cases failed on main before the fix.

Leads left:
- HVA-210 (network.py) does not apply the DNS rule at all (slirp or passt).
- passt's IPv6 DNS forwarding (--dns-host ::1 or a ::1 first nameserver to a listener on ::1
  port 53 other than through the mapping) is not read; nor passt `--dns-forward` with no
  nameserver and no --dns-host (dns_host unspecified, 0.0.0.0).
- passt reads resolv.conf with `strstr(line, "nameserver ") == line` (a space, not a tab) and
  the last word, libslirp with sscanf's `nameserver%*[ \t]`: hvaudit reads libslirp's way for both.
- With resolv.conf unread, a passt guest with --dns-host but no --dns-forward is asked the
  first-nameserver question, whose words fit the stub case only.
- security_driver naming a driver the host cannot give, and the pre-retirement -sandbox
  releases (R29Q leads), were not reached.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

STUB = "# systemd-resolved\nnameserver 127.0.0.53\noptions edns0 trust-ad\n"
UPSTREAM = "nameserver 192.0.2.53\n"
# systemd-resolved's stub on 127.0.0.53, and a second resolver (dnsmasq) on 127.0.0.2:53
RESOLVERS = (
    HARDENED_HOST["listeners"][0]
    + "udp   UNCONN 0      0       127.0.0.53%lo:53        0.0.0.0:*    "
    'users:(("systemd-resolve",pid=500,fd=13))\n'
    + "udp   UNCONN 0      0       127.0.0.2:53        0.0.0.0:*    "
    'users:(("dnsmasq",pid=510,fd=4))\n',
    0,
)
UNREAD = PermissionError("Permission denied")


def _hva033(tmp_path: Path, resolv: str | Exception, netdev: str) -> tuple[str, str]:
    host = dict(HARDENED_HOST, listeners=RESOLVERS, **{"/etc/resolv.conf": resolv})
    domains = {
        "web01": domain_xml("web01"),
        "pt": _raw_cpu_domain("pt", "", "-netdev", netdev, "-device", "virtio-net-pci,netdev=n0"),
    }
    a = run_assessment(_replayed_on(tmp_path, host, domains))
    return outcomes(a, "HVA-033")["hv1"], messages(a, "HVA-033")["hv1"]


def _dns_fail(listener: str, at: str, netdev: str, why: str) -> tuple[str, str]:
    return (
        "fail",
        f"unapproved listeners: {listener} (udp/53) ({at}:53 is reachable from guests: the "
        f"user-mode networking of VM pt (QEMU argument -netdev {netdev}) turns a DNS query to "
        f"its DNS server into one to {at}:53 ({why}))",
    )


FIRST = "the first nameserver of /etc/resolv.conf"
HOST = "the --dns-host its passt forwards DNS to"
STUBBED = ("systemd-resolve", "127.0.0.53", FIRST)
# chronyd on 127.0.0.1:323 (approved) counts as exposed where passt maps the loopback
MAPPED = ("pass", "2 non-loopback listener(s), all approved")
UNMAPPED = ("pass", "1 non-loopback listener(s), all approved")
CASES = {
    # held: passt's defaults map the stub through the gateway (R26O-2's rule)
    "default": ("passt,id=n0", STUB, STUBBED),
    # R33C-1: --dns-forward keeps the stub reached with the mapping off
    "nomap-forward": (
        "passt,id=n0,param=--no-map-gw,param=--dns-forward,param=10.0.2.3",
        STUB,
        STUBBED,
    ),
    "none-forward=": (
        "passt,id=n0,map-host-loopback=none,param=--dns-f=10.0.2.3",
        STUB,
        STUBBED,
    ),
    # held: no mapping, no forwarding
    "nomap": ("passt,id=n0,param=--no-map-gw", STUB, UNMAPPED),
    # held: --dns none drops the nameserver; --dns-forward alone has no IPv4 host side
    "dns-none": (
        "passt,id=n0,param=--no-map-gw,param=--dns,param=none,param=--dns-forward,param=10.0.2.3",
        STUB,
        UNMAPPED,
    ),
    # held: the forwarding goes to an upstream server
    "upstream-forward": ("passt,id=n0,param=--dns-forward=10.0.2.3", UPSTREAM, MAPPED),
    # R33C-1: --dns-host moves the queries to 127.0.0.2 (and off the stub)
    "forward-host": (
        "passt,id=n0,param=--dns-forward,param=10.0.2.3,param=--dns-host,param=127.0.0.2",
        UPSTREAM,
        ("dnsmasq", "127.0.0.2", HOST),
    ),
    "stub-host": ("passt,id=n0,param=--dns-host=127.0.0.2", STUB, ("dnsmasq", "127.0.0.2", HOST)),
    # held: the target is on the command line, resolv.conf unread changes nothing
    "unread-forward-host": (
        "passt,id=n0,param=--no-map-gw,param=--dns-forward=10.0.2.3,param=--dns-host=127.0.0.2",
        UNREAD,
        ("dnsmasq", "127.0.0.2", HOST),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_passt_dns_forwarding_reaches_host_resolver(tmp_path: Path, case: str) -> None:
    """R33C-1 (false pass): passt hands a guest's DNS flow to dns_match over to dns_host
    (passt fwd.c fwd_nat_from_tap); dns_host is --dns-host or the first nameserver of
    /etc/resolv.conf, dns_match --dns-forward or, for a loopback nameserver, the mapped
    gateway (conf.c add_dns_resolv4: "No general host mapping, but requested for DNS
    (--dns-forward and --no-map-gw) ... map that to loopback"); `--dns none` or an IPv4
    --dns makes passt read no IPv4 nameserver (conf.c get_dns). HVA-033 passed the resolver a
    --dns-forward guest reaches with the mapping off, and the --dns-host one."""
    netdev, resolv, want = CASES[case]
    got = _hva033(tmp_path, resolv, netdev)
    assert got == (want if want[0] == "pass" else _dns_fail(*want[:2], netdev, want[2]))
