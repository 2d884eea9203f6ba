"""Twenty-fourth red-team review: syslog-ng's older network drivers and syslog-ng() (rt24slng).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host), through the real collector, bundle, parser and engine. The
`processes` probe runs `/usr/sbin/syslog-ng -F` in place of rsyslogd and `rsyslog-config` is not
collected (as tests/test_redteam24_log2_probes.py does); /etc/syslog-ng/syslog-ng.conf holds a
TLS network() destination to a remote log server and, beside it in the same log path, a second
destination under test.

Findings (ID-n):
- R24Y-1 (false pass) HVA-200: parse.host read syslog-ng's network(), syslog() and tcp()
  destinations only. A plain `udp("10.0.0.9")`, `udp6(...)`, `tcp6(...)` or
  `syslog-ng(server("10.0.0.9"))` destination fed with the host's logs beside a TLS network()
  one was unread, so the host passed "logs forwarded over TLS to logs.example.internal" while
  the same logs crossed the network in clear text (a plain network("10.0.0.9") there fails).
  Sources (found with `search`): syslog-ng 3.0 admin guide, "tcp(), tcp6(), udp(), and udp6()"
  destinations: "send messages to another host ... using the UDP or TCP protocol", "Declaration:
  tcp(host [options]); udp(host [options]); tcp6(host [options]); udp6(host [options]);" and the
  OSE 3.22 guide's "Change an old destination driver to the network() driver" (still accepted);
  syslog-ng OSE guide, syslog-ng() destination: "you have to set the address of the destination
  server using the server() parameter", "a special version of the network() destination
  driver: by default, it sends EWMM-formatted log messages to the TCP514 port"; network(): "The
  syslog-ng application supports TLS ... over TCP" (so udp()/udp6() are never TLS). Now
  parse.host._SYSLOG_NG_REMOTE reads all six drivers (syslog-ng() by its server()); udp() and
  udp6() count as plain whatever their options; HVA-200 fails on the plain one as it does for
  network().

Held (kept as tests): a `syslog-ng(server(...) transport("tls") tls(...))` and a
`tcp6(... tls(...))` destination beside the TLS one still pass.

Probed by script, not kept: none.

Tally: 6 cases in 1 test function; 4 failed before the fix on main 645c33e.

Leads left: unquoted addresses (`udp(loghost)`) are not read by any of the syslog-ng patterns.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

NG = """@version: 3.38
source s_src { system(); internal(); };
destination d_tls {
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-dir("/etc/syslog-ng/ca.d")));
};
destination d_two {
    DEST
};
log { source(s_src); destination(d_tls); destination(d_two); };
"""
PASS = "logs forwarded over TLS to logs.example.internal"


@pytest.mark.parametrize(
    ("dest", "plain"),
    [
        ('udp("10.0.0.9");', True),
        ('udp6("fd00::9" port(514));', True),
        ('tcp6("fd00::9" port(601));', True),
        ('syslog-ng(server("10.0.0.9"));', True),
        (
            'syslog-ng(server("logs2.example.internal") transport("tls") port(6514)\n'
            '        tls(ca-dir("/etc/syslog-ng/ca.d")));',
            False,
        ),
        ('tcp6("fd00::9" port(6514) tls(ca-dir("/etc/syslog-ng/ca.d")));', False),
    ],
)
def test_syslog_ng_older_drivers_and_syslog_ng_server_are_read(
    host_scan, dest: str, plain: bool
) -> None:
    """R24Y-1 (false pass) HVA-200: a plain udp()/udp6()/tcp6()/syslog-ng(server()) destination
    beside a TLS network() one passed "logs forwarded over TLS to logs.example.internal". Now
    it fails, naming the plain destination. Held: TLS syslog-ng() and tcp6() still pass."""
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    text = NG.replace("DEST", dest)
    conf = "".join(f"/etc/syslog-ng/syslog-ng.conf:{ln}\n" for ln in text.splitlines())
    a = host_scan({"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)})
    msg = messages(a, "HVA-200")["hv1"]
    if plain:
        assert outcomes(a, "HVA-200") == {"hv1": "fail"}, msg
        address = dest.split('"')[1] if "server" not in dest else "10.0.0.9"
        assert address in msg, msg
    else:
        assert outcomes(a, "HVA-200") == {"hv1": "pass"}, msg
        assert msg.startswith(PASS), msg
