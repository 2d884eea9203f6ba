"""Red-team round 26 probes: host time synchronisation (rt26time)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), with chronyd's ps line replaced by linuxptp's phc2sys and ptp4l, or by
OpenNTPD's processes (Debian's /usr/sbin/openntpd -f /etc/openntpd/ntpd.conf and its "ntp
engine" and "dns engine" children) with /etc/openntpd/ntpd.conf answered; timedatectl
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

- R26T-2 (false pass) HVA-202: OpenNTPD passed "openntpd running" on presence alone: its
  ntpd.conf was not collected, so `servers 127.0.0.1` (the host itself) passed, where chronyd,
  ntpd and systemd-timesyncd on the host itself are asked (R21T-3). OpenNTPD marks the clock
  synchronised whatever server answered (compat/adjfreq_linux.c update_time_sync_status:
  maxerror 0 once an adjustment completed), so NTPSynchronized=yes proves nothing there.
  openntpd-portable/openntpd-openbsd src/usr.sbin/ntpd (read with `find_string`/`read_file`):
  parse.y lookup (strcmp keywords: `server`, `servers` the NTP servers; `constraint(s)` only
  bound them; `sensor` OpenBSD's hardware sensors, compat/fake-sensors.c elsewhere), ntpd.c
  `conffile = CONFFILE`, getopt "df:nP:sSv". Now /etc/openntpd/ntpd.conf (Debian) and
  /etc/ntpd.conf are collected: an outside server passes, servers only on the host itself are
  asked what answers them, a file with no server, a -f file not collected, neither or both
  default files present are asked which server steers it.

- R26T-3 (wrong fail) HVA-202: an ntpd (ntpsec) whose file says `disable kernel` failed "the
  kernel reports the clock unsynchronised" over an outside system peer in `ntpq -pn`. ntpsec
  ntpd/ntp_loopfilter.c (fa2a479, read with `fetch`): local_clock hands the kernel its
  maximum error (ntp_adjtime MOD_MAXERROR) only with kern_enable; with the kernel discipline
  off ntpd slews with adjtime and the kernel's maximum error grows to 16 s, so
  NTPSynchronized=no (systemd time-util.c ntp_synced) says nothing about ntpd. Now an outside
  system peer passes and anything else (ntpq not answering) is asked.

Held (kept as tests): phc2sys beside `ptp4l -i eno1 --serverOnly 0` and beside `ptp4l -i eno1
--serverOnly 1 --masterOnly 0` (the later value wins) pass; OpenNTPD with `Servers
127.0.0.1` (no keyword: keywords are case-sensitive), `server "127.0.0.1" weight 5` and
`servers pool.ntp.org` passes; a commented `# disable kernel` fails on NTPSynchronized=no as
before.

Probed by script: 6 inputs before the fix (phc2sys beside ptp4l with --serverOnly 1,
--masterOnly=1, --free_running 1 and -f /etc/ptp4l.conf; OpenNTPD; ntpd -x).

Tally: 3 findings, 2 false passes, 1 wrong fail; 12 cases in 3 test functions; 8 failed on
main before the fixes (3 before R26T-1, 3 before R26T-2, 2 before R26T-3; the held cases
passed).

Leads left:
- A ptp4l started with -f (RHEL's ptp4l.service: OPTIONS="-f /etc/ptp4l.conf -i eth0") still
  counts as what steers phc2sys's source clock, though the file may say serverOnly 1 or
  free_running 1: the file is not collected.
- ntpd with a step threshold of 0.5 s or more (`tinker step`, ntp's -x; ntp_loopfilter.c:
  "The kernel discipline is used only if the step threshold is less than 0.5 s") leaves the
  kernel's maximum error growing as `disable kernel` does (R26T-3): still failed on
  NTPSynchronized=no. `disable kernel` in an includefile is not read either.
- OpenNTPD running as /usr/sbin/ntpd (Alpine, Arch) is judged as ntp's ntpd (asked: no
  /etc/ntp.conf); its ntpd.conf is read only for a process named openntpd.
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
        ("/usr/sbin/ptp4l -i eno1 --serverOn 1", "manual", _idle("--serverOnly 1")),
        ("/usr/sbin/ptp4l -i eno1 --serverOnly 0", "pass", "phc2sys (PTP) running"),
        (
            "/usr/sbin/ptp4l -i eno1 --serverOnly 1 --masterOnly 0",
            "pass",
            "phc2sys (PTP) running",
        ),
    ],
    ids=[
        "server-only",
        "master-only",
        "free-running",
        "abbreviated",
        "held-zero",
        "held-later-zero",
    ],
)
def test_phc2sys_beside_idle_ptp4l(host_scan, ptp4l: str, status: str, message: str) -> None:
    """R26T-1. linuxptp f98cb5d ptp4l(8): serverOnly "prevents the port from entering the
    client state ... the local clock will ignore Announce messages", free_running "Don't adjust
    the local clock"; config.c config_alloc_longopts: every item a long option (`--name VALUE`,
    `--name=VALUE`), masterOnly a deprecated name of serverOnly. Was: "phc2sys (PTP) running"
    (pass) on a PHC nothing steers. Right: asked, naming the option; a 0 value passes. getopt_long
    takes an unambiguous abbreviation (`--serverOn 1`) as the option (found in the mend that
    read auditd's options with the shared _getopt)."""
    procs = NO_CHRONY + PHC2SYS + f"  601 root     {ptp4l}\n"
    a = host_scan({"processes": (procs, 0)})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})
    if status == "manual":
        r = next(r for r in a.results if r.check.id == "HVA-202")
        assert r.outcome.question == PHC_QUESTION


OPENNTPD_PS = NO_CHRONY + (
    "  600 root     /usr/sbin/openntpd -f /etc/openntpd/ntpd.conf\n"
    "  601 ntpd     openntpd: ntp engine\n"
    "  602 ntpd     openntpd: dns engine\n"
)
OPENNTPD_ASKED = (
    "Does an NTP server outside host hv1 steer OpenNTPD there? Evidence: `ntpctl -s peers` and "
    "the ntpd.conf openntpd reads on hv1 (its -f file, else /etc/openntpd/ntpd.conf on Debian, "
    "/etc/ntpd.conf elsewhere: server and servers lines). Pass: yes, a remote NTP server; "
    "fail: no server, or only the host itself."
)
ON_HOST_ASKED = (
    "What answers NTP on host hv1 for OpenNTPD, and does a source outside the host steer it? "
    "Evidence: `ss -ulpn 'sport = :123'` on hv1 and that program's own sources (`chronyc -n "
    "tracking`, `ntpq -pn`, its configuration). Pass: a remote NTP server, a PTP grandmaster "
    "or a GNSS receiver steers it; fail: nothing outside the host does (no upstream, a local "
    "reference, the host's own clock)."
)


@pytest.mark.parametrize(
    ("procs", "conf", "status", "message", "question"),
    [
        (
            OPENNTPD_PS,
            'servers 127.0.0.1\nconstraints from "https://www.google.com"\n',
            "manual",
            "openntpd running, but every NTP server it is given is host hv1 itself "
            "(/etc/openntpd/ntpd.conf: servers 127.0.0.1)",
            ON_HOST_ASKED,
        ),
        (
            OPENNTPD_PS,
            '# servers pool.ntp.org\nsensor *\nconstraint from "9.9.9.9"\n',
            "manual",
            "openntpd running, but which NTP server steers it is not in the evidence "
            "(/etc/openntpd/ntpd.conf names no NTP server (server, servers))",
            OPENNTPD_ASKED,
        ),
        (
            OPENNTPD_PS.replace("/etc/openntpd/ntpd.conf", "/srv/ntpd.conf"),
            "servers pool.ntp.org\n",
            "manual",
            "openntpd running, but which NTP server steers it is not in the evidence "
            "(openntpd runs with -f /srv/ntpd.conf, a file hvaudit does not read)",
            OPENNTPD_ASKED,
        ),
        (
            OPENNTPD_PS,
            'Servers 127.0.0.1\nserver "127.0.0.1" weight 5\nservers pool.ntp.org\n',
            "pass",
            "openntpd running",
            "",
        ),
    ],
    ids=["servers-loopback", "no-server", "unread-f-file", "held-outside-pool"],
)
def test_openntpd_servers(
    host_scan, procs: str, conf: str, status: str, message: str, question: str
) -> None:
    """R26T-2. openntpd-portable/openntpd-openbsd src/usr.sbin/ntpd: parse.y lookup (strcmp
    keywords; `server`, `servers` the NTP servers, `constraint` only bounds them), ntpd.c
    getopt "df:nP:sSv" (-f conffile); compat/adjfreq_linux.c update_time_sync_status sets the
    kernel's maxerror to 0 once an adjustment completes, whatever server answered. Was:
    "openntpd running" (pass) on presence alone. Right: the host itself and an unread or
    serverless file asked; an outside pool passes (`Servers` is no keyword)."""
    a = host_scan({"processes": (procs, 0), "/etc/openntpd/ntpd.conf": conf})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})
    if status == "manual":
        r = next(r for r in a.results if r.check.id == "HVA-202")
        assert r.outcome.question == question


def test_openntpd_conf_uncollected_is_asked(tmp_path) -> None:
    """R26T-2 follow-up (false pass, found in the end-of-session review). A bundle of a
    collector before R26T-2 holds neither /etc/openntpd/ntpd.conf nor /etc/ntpd.conf: OpenNTPD
    fell back to its presence and passed "openntpd running", the pass R26T-2 took away (its
    NTPSynchronized=yes says nothing of the server). Right: the OpenNTPD question."""
    from test_host_leads19b import _scan_without

    files = ("/etc/openntpd/ntpd.conf", "/etc/ntpd.conf")
    over = {"processes": (OPENNTPD_PS, 0), "/etc/openntpd/ntpd.conf": "servers 127.0.0.1\n"}
    a = _scan_without(tmp_path, files, (), over)
    r = next(r for r in a.results if r.check.id == "HVA-202")
    assert (r.outcome.status, r.outcome.message, r.outcome.question) == (
        "manual",
        "openntpd running, but which NTP server steers it is not in the evidence (OpenNTPD's "
        "configuration was not collected (a bundle of an older hvaudit))",
        OPENNTPD_ASKED,
    )


NTPSEC_PS = PROCS.replace(
    CHRONYD,
    "  402 ntpsec   /usr/sbin/ntpd -p /run/ntpd.pid -c /etc/ntpsec/ntp.conf -u ntpsec:ntpsec\n",
)
PEERS = (
    "     remote           refid      st t when poll reach   delay   offset  jitter\n"
    "==============================================================================\n"
    "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
)
KERNEL_OFF = "pool 2.debian.pool.ntp.org iburst\ndisable kernel\n"
KERNEL_QUESTION = (
    "Is ntpd on host hv1 synchronised to a source outside the host? Evidence: `ntpq -pn` on hv1 "
    "(the peer marked '*') and `ntpq -c rv` (leap, sync_ntp). Pass: yes, its system peer is a "
    "remote NTP server, a PTP grandmaster or a GNSS receiver; fail: no system peer, or the "
    "LOCAL driver or the host itself."
)


@pytest.mark.parametrize(
    ("conf", "peers", "status", "message"),
    [
        (KERNEL_OFF, (PEERS, 0), "pass", "ntpd running"),
        (
            KERNEL_OFF,
            ("", 1, "ntpq: read: Connection refused\n"),
            "manual",
            "ntpd running with its kernel discipline off (/etc/ntpsec/ntp.conf: disable "
            "kernel), so the kernel's NTPSynchronized=no does not say whether it steers the "
            "clock",
        ),
        (
            "pool 2.debian.pool.ntp.org iburst\n# disable kernel\n",
            (PEERS, 0),
            "fail",
            "ntpd running, but the kernel reports the clock unsynchronised (timedatectl "
            "NTPSynchronized=no: its maximum error has reached 16 s, no source is steering it)",
        ),
    ],
    ids=["kernel-off-outside-peer", "kernel-off-no-ntpq", "held-comment"],
)
def test_ntpd_kernel_discipline_off(host_scan, conf, peers, status: str, message: str) -> None:
    """R26T-3. ntpsec ntpd/ntp_loopfilter.c (fa2a479, read with `fetch`): local_clock hands the
    kernel its maximum error (ntp_adjtime MOD_MAXERROR) only `if (clock_ctl.pll_control &&
    clock_ctl.kern_enable && freq_cnt == 0)`; start_kern_loop leaves STA_UNSYNC with a maximum
    error of sys_maxdisp. With `disable kernel` ntpd slews with adjtime and NTPSynchronized
    (systemd time-util.c ntp_synced: maxerror < 16 s) says no however well it steers. Was:
    "the kernel reports the clock unsynchronised" (fail) over an outside system peer. Right:
    that peer passes; without `ntpq -pn`, asked; a commented line fails as before."""
    a = host_scan(
        {
            "processes": (NTPSEC_PS, 0),
            "/etc/ntpsec/ntp.conf": conf,
            "ntpq-peers": peers,
            "time-synchronized": ("no\n", 0),
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})
    if status == "manual":
        r = next(r for r in a.results if r.check.id == "HVA-202")
        assert r.outcome.question == KERNEL_QUESTION
