"""Twenty-fourth red-team review, host time (rt24time2): HVA-202 reads only the file ntpd reads.

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), with chronyd's ps line replaced by ntpd's (the argv Debian's ntp wrapper
starts it with, no -c) and /etc/ntp.conf and /etc/ntpsec/ntp.conf answered; timedatectl says
NTPSynchronized=yes as on the hardened host. Each test asserts the exact status and message.

Findings (ID-n):
- R24U-1 (wrong fail, false pass) HVA-202: without `-c` on ntpd's command line both
  /etc/ntp.conf and /etc/ntpsec/ntp.conf were read, though an ntpd started without -c reads one
  file: ntp's ntpd.c "-c conffile: Specify the name and path of the configuration file,
  default /etc/ntp.conf" (read with `find_string`), ntpsec's include/ntp_config.h `#define
  CONFIG_FILE "/etc/ntp.conf"` and ntp_config.c `config_file = CONFIG_FILE` (read with `fetch`
  of ntpsec/ntpsec fa2a479); Debian's ntpsec wrapper passes `-c /etc/ntpsec/ntp.conf` (R22T-1),
  which the argv shows. So a stale /etc/ntpsec/ntp.conf with `disable ntp` failed an ntpd that
  never reads it (wrong fail), and a stale /etc/ntpsec/ntp.conf naming an outside pool passed
  an /etc/ntp.conf whose only source is the LOCAL driver (false pass). Now without -c only
  /etc/ntp.conf counts (`NTP_DEFAULT_CONF`); where it is absent the R23T-1 question is asked.

Held (kept as tests): with `-c /etc/ntpsec/ntp.conf` the same `disable ntp` there still fails.

Probed by script, not kept: none beyond the kept cases.

Tally: 3 cases in 2 test functions; 2 failed on main before the fix (run with the old src and
this file; the held case passed), on main 746e10d. Existing probes that gave ntpsec's file to an
ntpd started without -c now start it with Debian ntpsec's `-c /etc/ntpsec/ntp.conf` (R17H-5,
R24T-3), and R23T-1's absent-file reason names /etc/ntp.conf alone.

Leads left (not settled in the time):
- Whether Debian's ntpsec binary is built with another CONFIG_FILE than upstream's
  /etc/ntp.conf was not found (its wrapper always passes -c, so it matters only for a unit
  an administrator rewrote without -c); nothing tells ntp's ntpd from ntpsec's in the argv
  (both are /usr/sbin/ntpd), the dpkg-packages probe would. Debian's ntpsec ships only
  /etc/ntpsec/ntp.conf (packages.debian.org file list, bookworm), so such a unit with no
  /etc/ntp.conf is asked (R23T-1); only a leftover /etc/ntp.conf beside it is judged.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "_chrony   /usr/sbin/chronyd -F 1"
assert CHRONYD in PROCS
NO_C = "/usr/sbin/ntpd -p /var/run/ntpd.pid -g -u 109:115"
NTPSEC = "/usr/sbin/ntpd -p /run/ntpd.pid -c /etc/ntpsec/ntp.conf -u ntpsec:ntpsec"
OUTSIDE = "driftfile /var/lib/ntp/ntp.drift\npool 2.debian.pool.ntp.org iburst\n"
STALE_OFF = "pool 2.debian.pool.ntp.org iburst\ndisable monitor ntp\n"
LOCAL_ONLY = "driftfile /var/lib/ntp/ntp.drift\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n"


def _ntpd(argv: str) -> str:
    return PROCS.replace(CHRONYD, f"ntp      {argv}")


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (NO_C, "pass", "ntpd running"),
        (
            NTPSEC,
            "fail",
            "ntpd running, but its clock discipline is off (/etc/ntpsec/ntp.conf: disable "
            "monitor ntp): it corrects nothing, the clock runs free",
        ),
    ],
    ids=["no-c-stale-ntpsec-file", "held-ntpsec-reads-it"],
)
def test_disable_ntp_in_a_file_ntpd_does_not_read(
    host_scan, argv: str, status: str, message: str
) -> None:
    """R24U-1 (wrong fail). ntp's ntpd.c: "-c conffile ... default /etc/ntp.conf"; ntpsec
    include/ntp_config.h `#define CONFIG_FILE "/etc/ntp.conf"`. Was: an ntpd without -c failed
    on `disable ntp` in /etc/ntpsec/ntp.conf, which it never reads. Right: pass on its own
    /etc/ntp.conf; with -c /etc/ntpsec/ntp.conf (held) the line still fails."""
    a = host_scan(
        {
            "processes": (_ntpd(argv), 0),
            "/etc/ntp.conf": OUTSIDE,
            "/etc/ntpsec/ntp.conf": STALE_OFF,
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": status},
        {"hv1": message},
    )


def test_stale_ntpsec_file_hides_local_driver(host_scan) -> None:
    """R24U-1 (false pass). An ntpd without -c reads /etc/ntp.conf only (ntp_config.h
    CONFIG_FILE); a stale /etc/ntpsec/ntp.conf with an outside pool steers nothing. Was:
    "ntpd running" (pass) over /etc/ntp.conf's LOCAL driver. Right: the LOCAL-driver fail."""
    a = host_scan(
        {
            "processes": (_ntpd(NO_C), 0),
            "/etc/ntp.conf": LOCAL_ONLY,
            "/etc/ntpsec/ntp.conf": OUTSIDE,
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "fail"},
        {
            "hv1": "ntpd running, but its only time source is the host's own clock "
            "(/etc/ntp.conf: server 127.127.1.0): the clock runs free, steered by nothing "
            "outside the host"
        },
    )
