"""Red-team round 34 probes: logging, audit forwarding and time sync (r34logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given a TLS omfwd action in
/etc/rsyslog.d/50-remote.conf and its dpkg list the rsyslog release of each case (as round 33's
file does). Each test asserts the exact status and message.

Findings (R34L-n):
- R34L-1 (false pass) HVA-200: omfwd action() numbers rsyslog refuses were read as given, so
  the action counted as forwarding: KeepAlive.Probes="0", KeepAlive.Time="0" and
  KeepAlive.Interval="0" on 8.13.0 to 8.2008.0 (R33L lead), udp.sendbuf="64 k", "64kb" and
  "-1" from 8.29.0 passed "logs forwarded over TLS". rsyslog (ee72adc read with `fetch`, `git
  show` of each v8.N.0 tag): tools/omfwd.c actpdescr lists keepalive.probes, .time and .interval
  as eCmdHdlrPositiveInt from v8.13.0 through v8.2008.0 (eCmdHdlrNonNegInt from v8.2010.0,
  commit 2e3b767d0), and grammar/rainerscript.c doGetPositiveInt fails a value below 1 ("cannot
  be less than one"); udp.sendbuf (from v8.29.0, commit 79032d68c) is eCmdHdlrSize, and
  doGetSize takes ASCII digits and at most one unit letter (k m g t p e, K M G T P E) and fails
  anything more ("does not contain a valid size"). A failed parameter makes nvlstGetParams
  return NULL and newActInst abort (R33L-3): the action is never created. Now a fail naming the
  parameter where the release reads it so (OMFWD_TYPED_WINDOW, the "size" kind), judged as
  before outside that window, and a TLS pass asked where no release is known.

Held (kept as tests): R34L-1 KeepAlive.Interval="0" on 8.2302.0 (0 or more there) and on 8.12.0
(no such parameter yet), udp.sendbuf="64k" on 8.2302.0, udp.sendbuf="64 k" on 8.28.0 (no such
parameter yet) pass.

Probed by script: the 10 omfwd cases of R34L-1 kept here, on main first (ad70ea76); rsyslog's
tools/omfwd.c actpdescr at every v8.N.0 tag (`git show`) for the first release of
udp.sendbuf and the window of eCmdHdlrPositiveInt; runtime/action.c actionConstructFinalize
(ee72adc): qqueueApplyCnfParam's result is not checked, so a queue.* parameter rsyslog fails
(queue.type="LinkedList ", queue.size="10 000") leaves the action and its default queue in
place: no finding, and it passes here as on main.

Tally: 1 finding, 1 false pass, 0 false n/a, 0 wrong fails; 10 cases in 1 test function; 6
failed on main before the fix (ad70ea76) (R34L-1 6 of 10: 6 passed; the release-unknown one
was asked with the expiry question only there, and now names the release window too); the 4
held pass there too.

Leads left:
- rsyslog: a "0x" number (libestr es_str2num_hex reads from the third character on for the
  string's whole length, past its end: refused but for what lies beyond it) not judged;
  global() typed parameters and legacy `$Action...` directives with bad values not weighed;
  string module parameters (imjournal defaultfacility, usepid) not weighed; the legacy
  `:omrelp:host:port` selector not read as a destination (a wrong fail at worst).
- syslog-ng: a checked path naming a file that does not exist (a team decision, R30L lead).
- audit: augenrules drops every -b, -f and -e line but the last of each (an `-e 0` in a
  dropped line still asked); '-e 0' after '-e 2'; auditd.conf as a symlink.
- HVA-202: NMEA/GPSD receivers with no fix; chrony `minsources`, ntpd `minsane`.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, messages, outcomes

REMOTE = "/etc/rsyslog.d/50-remote.conf"
CA = "/etc/ssl/certs/logs-ca.pem"
GLOBAL_CA = f'global(DefaultNetstreamDriverCAFile="{CA}")'
OMFWD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" '
    'StreamDriverPermittedPeers="logs.example.internal" {extra})'
)
BASELINE = "8.2302.0-1+deb12u1"
NO_PACKAGE = "no rsyslog package among the installed ones (host/commands/dpkg-packages.txt)"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
PLAIN = "logs forwarded without authenticated TLS to logs.example.internal ({why})"
NOT_EXPIRED = 'streamdriver.permitExpiredCerts="off"'
SIZE = "a size (digits, then at most one of k, m, g, t, p, e, K, M, G, T, P, E)"


def _packages(release: str | None) -> tuple[str, int]:
    """The baseline's dpkg list with rsyslog at `release` (None: no rsyslog package)."""
    text = str(HARDENED_HOST["dpkg-packages"][0])
    if release is None:
        return ("".join(ln + "\n" for ln in text.splitlines() if not ln.startswith("rsyslog")), 0)
    return (text.replace(BASELINE, release), 0)


def _rsyslog(host_scan, extra: str, release: str | None):  # type: ignore[no-untyped-def]
    lines = (GLOBAL_CA, OMFWD.format(extra=extra))
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    return host_scan(
        {"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0), "dpkg-packages": _packages(release)}
    )


def _not_number(name: str, value: str, what: str) -> str:
    return PLAIN.format(
        why=f'parameter {name}="{value}" is not {what}, which rsyslog requires of it: it refuses '
        "the action, so nothing is sent"
    )


def _release_unknown(why: str) -> str:
    return (
        f"{OVER_TLS}, but which rsyslog release runs is unknown, and it decides: "
        f"logs.example.internal: {why}; {NO_PACKAGE}"
    )


@pytest.mark.parametrize(
    ("extra", "release", "status", "message"),
    [
        (
            f'KeepAlive="on" KeepAlive.Probes="0" {NOT_EXPIRED}',
            "8.2001.0-1",
            "fail",
            _not_number("keepalive.probes", "0", "a number above 0"),
        ),
        (
            'KeepAlive.Time="0"',
            "8.1810.0-1",
            "fail",
            _not_number("keepalive.time", "0", "a number above 0"),
        ),
        (
            'KeepAlive.Interval="0"',
            "8.13.0-1",
            "fail",
            _not_number("keepalive.interval", "0", "a number above 0"),
        ),
        (
            'KeepAlive.Interval="0"',
            None,
            "manual",
            _release_unknown(
                'keepalive.interval="0" is not a number above 0 (rsyslog from 8.13.0 before '
                "8.2010.0 reads it as a number above 0 and refuses the action)"
            ),
        ),
        ('udp.sendbuf="64 k"', BASELINE, "fail", _not_number("udp.sendbuf", "64 k", SIZE)),
        ('udp.sendbuf="64kb"', BASELINE, "fail", _not_number("udp.sendbuf", "64kb", SIZE)),
        ('udp.sendbuf="-1"', BASELINE, "fail", _not_number("udp.sendbuf", "-1", SIZE)),
        # held: 0 or more from 8.2010.0; no such parameter before 8.13.0 (keepalive.*) or
        # 8.29.0 (udp.sendbuf), so rsyslog ignores it; a size with one unit letter
        ('KeepAlive.Interval="0"', BASELINE, "pass", OVER_TLS),
        ('KeepAlive.Interval="0"', "8.12.0-1", "pass", OVER_TLS),
        ('udp.sendbuf="64k"', BASELINE, "pass", OVER_TLS),
        ('udp.sendbuf="64 k"', "8.28.0-1", "pass", OVER_TLS),
        # probed by script: a queue parameter rsyslog fails leaves the action in place
        ('queue.type="LinkedList " queue.size="10 000"', BASELINE, "pass", OVER_TLS),
    ],
    ids=[
        "keepalive-probes-0-8.2001",
        "keepalive-time-0-8.1810",
        "keepalive-interval-0-8.13",
        "keepalive-interval-0-release-unknown",
        "sendbuf-space",
        "sendbuf-two-letters",
        "sendbuf-negative",
        "held-keepalive-0-8.2302",
        "held-keepalive-0-8.12",
        "held-sendbuf-unit",
        "held-sendbuf-8.28",
        "held-queue-parameter",
    ],
)
def test_r34l_1_refused_omfwd_numbers_by_release(
    host_scan, extra: str, release: str | None, status: str, message: str
) -> None:
    """R34L-1 (false pass): was pass "logs forwarded over TLS". tools/omfwd.c actpdescr:
    keepalive.* eCmdHdlrPositiveInt from v8.13.0 through v8.2008.0 (doGetPositiveInt: below 1
    fails), udp.sendbuf eCmdHdlrSize from v8.29.0 (doGetSize: digits and one unit letter); a
    failed parameter refuses the action (nvlstGetParams NULL, newActInst aborts)."""
    a = _rsyslog(host_scan, extra, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}
