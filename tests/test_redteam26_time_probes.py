"""Red-team round 26 probes: host time synchronisation (rt26time)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), with chronyd's ps line replaced by linuxptp's phc2sys and ptp4l; timedatectl
says NTPSynchronized=yes as on the hardened host. Each test asserts the exact status and
message.

Findings (ID-n):
- R26T-1 (false pass) HVA-202: a phc2sys copying a PTP hardware clock into the system clock
  beside a ptp4l whose command line makes it server only (`--serverOnly 1`, the deprecated
  `--masterOnly 1`) or free running (`--free_running 1`) passed "phc2sys (PTP) running": any
  ptp4l counted as what steers that clock (R25T-3). ptp4l(8) serverOnly "prevents the port
  from entering the client state. In addition, the local clock will ignore Announce messages
  received on this port" (it follows no master, its PHC runs free); free_running "Don't adjust
  the local clock if enabled"; config.c config_alloc_longopts makes every configuration item a
  long option with a required value, masterOnly mapped to serverOnly by
  check_deprecated_options (richardcochran/linuxptp f98cb5d, read with `fetch`). phc2sys's
  locked servo still reports the system clock synchronised (sysclk_set_sync, R25T-3). Now
  asked, naming the option; `--serverOnly 0`, or a later `--masterOnly 0`, passes as before.

Held (kept as tests): phc2sys beside `ptp4l -i eno1 --serverOnly 0` and beside `ptp4l -i eno1
--serverOnly 1 --masterOnly 0` (the later value wins) pass.

Probed by script: 6 inputs before the fix (phc2sys beside ptp4l with --serverOnly 1,
--masterOnly=1, --free_running 1 and -f /etc/ptp4l.conf; OpenNTPD; ntpd -x).

Tally: 1 finding, 1 false pass; 5 cases in 1 test function; 3 failed on main before the fix
(the held cases passed).

Leads left:
- A ptp4l started with -f (RHEL's ptp4l.service: OPTIONS="-f /etc/ptp4l.conf -i eth0") still
  counts as what steers phc2sys's source clock, though the file may say serverOnly 1 or
  free_running 1: the file is not collected.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "  402 _chrony   /usr/sbin/chronyd -F 1\n"
assert CHRONYD in PROCS
NO_CHRONY = PROCS.replace(CHRONYD, "")
PHC2SYS = "  600 root     /usr/sbin/phc2sys -s eno1 -O 0 -w\n"
PHC_QUESTION = (
    "Does a source outside host hv1 steer the clock phc2sys there copies into the system "
    "clock? Evidence: phc2sys's command line and its -f file on hv1 (-s, -c, -E, clock_servo, "
    "free_running) and what keeps its source clock: ptp4l as a PTP client (`pmc -u -b 0 'GET "
    "PORT_DATA_SET'` shows SLAVE) or ts2phc from a GNSS receiver, also in a container. Pass: "
    "yes, phc2sys sets CLOCK_REALTIME (pi or linreg servo, not free_running) from a PTP "
    "hardware clock a PTP grandmaster or GNSS receiver steers; fail: it leaves CLOCK_REALTIME "
    "alone (ntpshm or refclock_sock servo, free_running 1) or nothing steers its source clock."
)


def _idle(option: str) -> str:
    return (
        "phc2sys sets the system clock from a PTP hardware clock, but the ptp4l beside it "
        f"adjusts no clock ({option}) and no ts2phc runs: nothing keeps that clock on a time "
        "source"
    )


@pytest.mark.parametrize(
    ("ptp4l", "status", "message"),
    [
        ("/usr/sbin/ptp4l -i eno1 --serverOnly 1 -m", "manual", _idle("--serverOnly 1")),
        ("/usr/sbin/ptp4l -i eno1 --masterOnly=1", "manual", _idle("--masterOnly 1")),
        ("/usr/sbin/ptp4l -2 -i eno1 --free_running 1", "manual", _idle("--free_running 1")),
        ("/usr/sbin/ptp4l -i eno1 --serverOnly 0", "pass", "phc2sys (PTP) running"),
        (
            "/usr/sbin/ptp4l -i eno1 --serverOnly 1 --masterOnly 0",
            "pass",
            "phc2sys (PTP) running",
        ),
    ],
    ids=["server-only", "master-only", "free-running", "held-zero", "held-later-zero"],
)
def test_phc2sys_beside_idle_ptp4l(host_scan, ptp4l: str, status: str, message: str) -> None:
    """R26T-1. linuxptp f98cb5d ptp4l(8): serverOnly "prevents the port from entering the
    client state ... the local clock will ignore Announce messages", free_running "Don't adjust
    the local clock"; config.c config_alloc_longopts: every item a long option (`--name VALUE`,
    `--name=VALUE`), masterOnly a deprecated name of serverOnly. Was: "phc2sys (PTP) running"
    (pass) on a PHC nothing steers. Right: asked, naming the option; a 0 value passes."""
    procs = NO_CHRONY + PHC2SYS + f"  601 root     {ptp4l}\n"
    a = host_scan({"processes": (procs, 0)})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})
    if status == "manual":
        r = next(r for r in a.results if r.check.id == "HVA-202")
        assert r.outcome.question == PHC_QUESTION
