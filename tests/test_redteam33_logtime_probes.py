"""Red-team round 33 probes: logging, audit forwarding and time sync (rt33logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan); for ntpd, chronyd's ps line replaced by ntpd's, /etc/ntp.conf and `ntpq
-pn` answered per case (as round 32's time file does). Each test asserts the exact status and
message.

Findings (R33L-n):
- R33L-1 (false pass) HVA-202: an ntpd whose PPS refclock is the PPS peer ('o' in `ntpq -pn`)
  passed "ntpd running" where an outside server marked '*' was listed before it: _ntp_peer took
  the first line marked '*' or 'o', so the order of the associations decided (the 'o' listed
  first was asked, R32T-1). ntp ntp_proto.c clock_select (ntp 4.2.8 and ntpsec alike, read
  with `find_string`): the prefer peer, or the first survivor, is marked CTL_PST_SEL_SYSPEER
  ('*'); then "If a PPS driver is lit and the combined offset is less than 0.4 s, select the
  driver as the PPS peer": `typesystem = typepps`, CTL_PST_SEL_PPS ('o'), and
  clock_update(typesystem) sets `sys_peer = peer`: the pulse steers the clock, the '*' line
  only numbers its seconds. Now the 'o' line is the system peer wherever one is marked, and the
  PPS question is asked naming it (the kernel-discipline-off pass on an outside peer reads the
  same fact).

Held (kept as tests): R33L-1 a PPS line marked '+' (not lit) beside an outside '*' passes, the
'o' listed first is asked as before, an NMEA receiver marked '*' and 'o' (its own pulse) passes.

Probed by script: the 5 ntpd cases kept here, on main c04d5de9 first.

Tally: 1 finding, 1 false pass, 0 false n/a, 0 wrong fails; 5 cases in 1 test function; 2
failed on main c04d5de9 before the fix (R33L-1 2 of 5; the 3 held pass there too).

Leads left:
- HVA-202: NMEA/GPSD receivers with no fix; chrony `minsources`, ntpd `minsane`; ntpd
  `restrict` and chrony `allow`/`cmdallow` (not reached).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "  402 _chrony   /usr/sbin/chronyd -F 1\n"
NTPD = "  700 ntp      /usr/sbin/ntpd -p /run/ntpd.pid -g -u ntp:ntp\n"
PEERS = (
    "     remote           refid      st t when poll reach   delay   offset  jitter\n"
    "==============================================================================\n"
)
OUTSIDE_STAR = "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
OUTSIDE_PLUS = "+192.0.2.11      193.79.237.14    2 u   40   64  377    0.398   -0.102   0.060\n"
PPS_O = "o127.127.22.0    .PPS.            0 l    5   16  377    0.000    0.002   0.001\n"
PPS_PLUS = "+127.127.22.0    .PPS.            0 l    5   16  377    0.000    0.002   0.001\n"
NMEA_O = "o127.127.20.0    .GPS.            0 l    5   16  377    0.000    0.002   0.001\n"
NMEA_STAR = "*127.127.20.0    .GPS.            0 l    5   16  377    0.000    0.002   0.001\n"
PPS_Q = (
    "What produces the pulse of ntpd's PPS reference clock on host hv1, and which source "
    "outside the host numbers its seconds? Evidence: `ntpq -pn` on hv1 (the peers marked '*' "
    "and 'o', and the `prefer` source) and the device behind /dev/pps* (`ppstest`, the GNSS "
    "receiver). Pass: the pulse comes from a GNSS receiver with a fix or a PTP grandmaster and "
    "a remote NTP server or that receiver numbers the seconds; fail: nothing outside the host "
    "numbers the seconds or produces the pulse."
)


def _pps(line: str, shown: str) -> str:
    return (
        "ntpd running, but its file names a PPS reference clock, the pulse of a device on host "
        f"hv1 ({line}), which needs another source to number the seconds, and which source "
        f"steers the clock is not in the evidence (`ntpq -pn`: {shown})"
    )


def _ntpd(host_scan, conf: str, peers: str):
    a = host_scan(
        {
            "processes": (PROCS.replace(CHRONYD, NTPD), 0),
            "/etc/ntp.conf": conf,
            "ntpq-peers": (PEERS + peers, 0),
        }
    )
    return next(r for r in a.results if r.check.id == "HVA-202").outcome


POOL_PPS = "pool pool.ntp.org iburst prefer\nserver 127.127.22.0\n"


@pytest.mark.parametrize(
    ("conf", "peers", "status", "message"),
    [
        (
            POOL_PPS,
            OUTSIDE_STAR + PPS_O,
            "manual",
            _pps("/etc/ntp.conf: server 127.127.22.0", "o127.127.22.0 .PPS. 0 l"),
        ),
        (
            "server 192.0.2.10 iburst prefer\nserver 192.0.2.11 iburst\nrefclock pps unit 0\n",
            OUTSIDE_STAR + OUTSIDE_PLUS + PPS_O,
            "manual",
            _pps("/etc/ntp.conf: refclock pps", "o127.127.22.0 .PPS. 0 l"),
        ),
        # held: the pulse not lit (a survivor '+', not the PPS peer), the outside '*' steers
        (POOL_PPS, OUTSIDE_STAR + PPS_PLUS, "pass", "ntpd running"),
        # held: the 'o' listed first was already asked
        (
            POOL_PPS,
            PPS_O + OUTSIDE_STAR,
            "manual",
            _pps("/etc/ntp.conf: server 127.127.22.0", "o127.127.22.0 .PPS. 0 l"),
        ),
        # held: a GNSS receiver's own pulse (NMEA driver 20 with its PPS) as the PPS peer
        ("server 127.127.20.0 mode 1 prefer\n", NMEA_STAR + NMEA_O, "pass", "ntpd running"),
    ],
    ids=[
        "pool-star-then-pps-o",
        "ntpsec-servers-then-pps-o",
        "held-pps-plus",
        "held-o-first",
        "held-nmea-o",
    ],
)
def test_r33l_1_pps_peer_listed_after_outside_star(host_scan, conf, peers, status, message):
    """R33L-1 (false pass): was pass "ntpd running". ntp_proto.c clock_select: a lit PPS
    driver becomes typesystem (CTL_PST_SEL_PPS, 'o') after the prefer peer was marked
    CTL_PST_SEL_SYSPEER ('*'), and sys_peer is typesystem: the pulse steers the clock."""
    o = _ntpd(host_scan, conf, peers)
    assert (o.status.value, o.message) == (status, message)
    if status == "manual":
        assert o.question == PPS_Q
