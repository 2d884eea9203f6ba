"""Red-team round 25 probes: host time synchronisation (rt25time)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), with chronyd's ps line replaced by ntpd's (the argv Debian's ntpsec wrapper
starts it with) or by linuxptp's phc2sys, /etc/ntpsec/ntp.conf answered, and, where said, the
new ntpsec-directory probe (ntp-conf-dirs: `grep -R -H` of /etc/ntp.d and /etc/ntpsec/ntp.d),
`ntpq -pn` (ntpq-peers) with an outside system peer, and dpkg's list with ntpsec; timedatectl
says NTPSynchronized=yes as on the hardened host. Each test asserts the exact status and
message.

Findings (ID-n):
- R25T-1 (false pass) HVA-202: ntpsec reads ntp.d beside its configuration file with no
  directive naming it, and a `disable ntp` there (it wins wherever it stands, R24T-1) passed
  "ntpd running": the directory was not collected. ntpsec ntp_config.c readconfig "parse
  configs in parallel subdirectory if that exists" (reparent(dirpath, ..., config_file,
  CONFIG_DIR), include/ntp_config.h CONFIG_DIR "ntp.d"); ntp_scanner.c lex_push_file pushes
  every entry whose name ends in ".conf" (CONF_ENABLE), recursing into such directories (read
  with `fetch` of ntpsec/ntpsec fa2a479). Now the collector reads /etc/ntp.d and
  /etc/ntpsec/ntp.d (*.conf) and HVA-202 fails on a `disable ntp` there where ntpsec is the
  installed ntpd (dpkg/rpm list); ntp's ntpd reads no such directory (its ntpd.c: one -c
  file), so without ntpsec in the list it is asked.
- R25T-2 (false pass) HVA-202: an ntpd started with `-c` naming a file hvaudit does not read
  (Debian's DHCP copy /run/ntpsec/ntp.conf.dhcp, "a copy of the default /etc/ntp.conf with a
  modified server list from the DHCP server", Cumulus Linux docs read with `find_string`)
  passed "ntpd running" on an outside system peer in `ntpq -pn`, though that file may say
  `disable ntp` (ntpd then selects its peer and corrects nothing, R24T-1). The includefile
  case was asked (R24I-1); the unread -c file, the same evidence gap, was not. Now asked.
- R25T-3 (false pass) HVA-202: a phc2sys keeping the system clock on a PTP hardware clock
  passed "phc2sys (PTP) running" with no ptp4l or ts2phc running to steer that clock, and with
  a -f file that may set clock_servo or free_running. linuxptp phc2sys.c (f98cb5d, read with
  `fetch`): a locked servo on CLOCK_REALTIME calls sysclk_set_sync(), which clears STA_UNSYNC
  and holds maxerror (clockadj.c), so NTPSynchronized=yes however freely the PHC runs, as the
  LOCAL driver (R17H-5); phc2sys(8): the PHC "itself is synchronized by the ptp4l(8)
  program". Now asked; ts2phc or ptp4l beside it passes as before.
- R25T-4 (false pass) HVA-202: phc2sys's command line was read word by word: `-am` (getopt
  "arC:c:d:f:s:E:...": -a -m, no -r) and `-E ntpshm` ("to allow another process to
  synchronize the local clock", phc2sys(8)) counted as a phc2sys setting CLOCK_REALTIME, and,
  listed before chronyd, passed over chronyd's own verdict (a SHM refclock, asked L19-1D). Now
  read with phc2sys's getopt letters; such a phc2sys is no daemon.
- R25T-5 (wrong fail) HVA-202: with ntp.d now collected (R25T-1), its sources were still not
  counted: an ntpsec whose file holds only the LOCAL driver while ntp.d names a pool failed
  "its only time source is the host's own clock" where `ntpq -pn` did not answer (R23T lead),
  and the R23T-1/R24T-3 questions said ntp.d "was not read" where it was. ntpsec reads ntp.d
  as if spliced after its file (readconfig, above). Now ntp.d's sources count where ntpsec is
  installed; where no package list answered, a file with only the host's own clock beside an
  ntp.d is asked; ntp's ntpd is judged on its file alone.
- R25T-6 (asked where the evidence fails; no false pass) HVA-419: a PTP host whose own report
  says its clock is not synchronised (HostDateTimeInfo.serviceSync false, or enabled false,
  vSphere API 7.0.3: serviceSync "Report true if time is synchronized with remote time
  source", read with `search`) was asked whether it synchronises with its PTP master (V17-4);
  the NTP branch fails on the same fields (V24-1). Now a fail naming the field.
- R25T-7 (asked where the evidence settles it; no false pass) HVA-202: R25T-2 asked every ntpd
  started on Debian's DHCP copy (`-c /run/ntpsec/ntp.conf.dhcp`, `-c /run/ntp.conf.dhcp`: "a
  copy of the default /etc/ntp.conf with a modified server list from the DHCP server",
  Cumulus Linux docs read with `find_string`), a common set-up. Now those two files (and the
  ntp.d beside them, which ntpsec reads there instead of /etc's) are collected and judged:
  `disable ntp` fails, an outside pool with an outside system peer passes. The R22T-1 and
  R25T-2 cases now use older Debian's /var/lib/ntp/ntp.conf.dhcp, still unread.

Held (kept as tests): a `disable ntp` in a subdirectory of ntp.d whose name does not end in
.conf (ntpsec skips it) and a commented `# disable ntp` in ntp.d pass; phc2sys beside ts2phc
passes, and `--free_running=1` is asked; ntp's ntpd (no ntpsec in dpkg's list) with only the
LOCAL driver in its file fails whatever ntp.d holds; a PTP host reporting serviceSync true is
still asked.

Probed by script: 21 inputs (the DHCP -c file with and without `ntpq -pn`, Debian's ntpsec
argv with and without it, six phc2sys command lines before the fixes; after them an
includefile inside ntp.d (asked, R24I-1), an unreadable and an empty ntp.d, and phc2sys with
-C CLOCK_AUX0, two -c sinks, -rr, -E linreg, --step_threshold, -d PPS). Two became tests of
the last commit: an unreadable ntp.d's reason carried grep's newline, and any long option
(--step_threshold) was asked though only --clock_servo and --free_running turn the servo off.

Tally: 7 findings, 4 false passes, 1 wrong fail, 2 unsettled questions; 24 cases in 7 test
functions; 19 failed on main before the fixes (4 on 54fb3cb before R25T-1/2, 5 on f7a21f7
before R25T-3/4, 4 on 459074d before R25T-5, 2 before R25T-6, 2 before R25T-7, 2 before the
last refinement; the held cases passed).

Leads left:
- ntpd's `includefile` targets are still not collected (asked, R24I-1); ntp.d, the -c file
  and the DHCP copies now are.
- A healthy ntpd with `disable kernel` never calls ntp_adjtime (ntpsec ntp_loopfilter.c:
  start_kern_loop and the maxerror updates only with kern_enable), so the kernel keeps
  STA_UNSYNC and HVA-202 fails it on NTPSynchronized=no (a wrong fail, not fixed).
- phc2sys in manual mode beside a ptp4l that is master only (--serverOnly/--masterOnly 1,
  or its -f file) copies a free-running PHC and passes; any ptp4l counts as the steerer.
- OpenNTPD still passes on presence (servers on the host itself only).
- HVA-419: `server ... key N` whose key is not trusted, and `tos orphan` (ntpd's own leap
  indicator normal with no server), on hosts older than API 7.0.3.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "_chrony   /usr/sbin/chronyd -F 1"
assert CHRONYD in PROCS
NTPSEC = "/usr/sbin/ntpd -p /run/ntpd.pid -c /etc/ntpsec/ntp.conf -u ntpsec:ntpsec"
NTPSEC_PS = PROCS.replace(CHRONYD, f"ntpsec   {NTPSEC}")
PEERS = (
    "     remote           refid      st t when poll reach   delay   offset  jitter\n"
    "==============================================================================\n"
    "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
)
CONF = "driftfile /var/lib/ntpsec/ntp.drift\npool 2.debian.pool.ntp.org iburst\n"
DPKG = str(HARDENED_HOST["dpkg-packages"][0])
WITH_NTPSEC = DPKG + "ntpsec\t1.2.2+dfsg1-1+deb12u1\tii \n"
OFF_QUESTION = (
    "Does every configuration file ntpd on host hv1 reads leave its clock discipline on? "
    "Evidence: on hv1, the file its -c option names (else /etc/ntp.conf), every *.conf of the "
    "ntp.d directory beside that file where ntpd is ntpsec's, and each file an `includefile` "
    "line names (every *.conf of a directory it names, and the includes those make). Pass: "
    "yes, none says `disable ntp`; fail: one does (ntpd then corrects nothing, the clock runs "
    "free)."
)


def _dirs(*lines: str) -> tuple[str, int, str]:
    """`grep -R -H --include=*.conf "" /etc/ntp.d /etc/ntpsec/ntp.d` with /etc/ntp.d absent."""
    return ("".join(f"{ln}\n" for ln in lines), 2, "grep: /etc/ntp.d: No such file or directory\n")


@pytest.mark.parametrize(
    ("dirs", "dpkg", "status", "message"),
    [
        (
            _dirs("/etc/ntpsec/ntp.d/local.conf:disable ntp"),
            WITH_NTPSEC,
            "fail",
            "ntpd running, but its clock discipline is off (/etc/ntpsec/ntp.d/local.conf: "
            "disable ntp): it corrects nothing, the clock runs free",
        ),
        (
            _dirs("/etc/ntpsec/ntp.d/site.conf/10-off.conf:disable monitor ntp"),
            WITH_NTPSEC,
            "fail",
            "ntpd running, but its clock discipline is off (/etc/ntpsec/ntp.d/site.conf/"
            "10-off.conf: disable monitor ntp): it corrects nothing, the clock runs free",
        ),
        (
            _dirs("/etc/ntpsec/ntp.d/local.conf:disable ntp"),
            DPKG,
            "manual",
            "ntpd running, but whether its clock discipline is on is not in the evidence "
            "(/etc/ntpsec/ntp.d/local.conf says `disable ntp`: ntpsec reads that directory, "
            "ntp's ntpd does not, and no package list names ntpsec)",
        ),
        (
            ("", 2, "grep: /etc/ntpsec/ntp.d/a.conf: Permission denied\n"),
            WITH_NTPSEC,
            "manual",
            "ntpd running, but whether its clock discipline is on is not in the evidence "
            "(/etc/ntpsec/ntp.d/*.conf, which ntpsec reads, could not be read: grep: "
            "/etc/ntpsec/ntp.d/a.conf: Permission denied)",
        ),
        (
            _dirs(
                "/etc/ntpsec/ntp.d/old/local.conf:disable ntp",
                "/etc/ntpsec/ntp.d/local.conf:# disable ntp",
            ),
            WITH_NTPSEC,
            "pass",
            "ntpd running",
        ),
    ],
    ids=[
        "ntpsec-ntp-d",
        "ntpsec-ntp-d-subdir",
        "ntpd-unknown",
        "unreadable",
        "held-unread-subdir-comment",
    ],
)
def test_ntp_d_disable_ntp(host_scan, dirs, dpkg: str, status: str, message: str) -> None:
    """R25T-1. ntpsec ntp_config.c readconfig: "parse configs in parallel subdirectory if that
    exists" (CONFIG_DIR "ntp.d"), ntp_scanner.c lex_push_file: every "*.conf" entry, recursing
    into such directories; config_system_opts applies every `disable` after every `enable`.
    Was: "ntpd running" (pass) over an outside system peer. Right: a fail naming the line where
    ntpsec is installed; asked where the package list names no ntpsec (ntp's ntpd reads no
    ntp.d); a subdirectory whose name does not end in .conf and a comment are not read."""
    a = host_scan(
        {
            "processes": (NTPSEC_PS, 0),
            "/etc/ntpsec/ntp.conf": CONF,
            "ntpq-peers": (PEERS, 0),
            "ntp-conf-dirs": dirs,
            "dpkg-packages": (dpkg, 0),
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})
    if status == "manual":
        r = next(r for r in a.results if r.check.id == "HVA-202")
        assert r.outcome.question == OFF_QUESTION


def test_unread_c_file_asked(host_scan) -> None:
    """R25T-2. Older Debian releases start ntpd with `-c /var/lib/ntp/ntp.conf.dhcp` (a public
    service listing read with `find_string`: "/usr/sbin/ntpd -p /var/run/ntpd.pid -g -c
    /var/lib/ntp/ntp.conf.dhcp -u 109:114"), a copy of the main file with the DHCP servers;
    hvaudit does not read it, so a `disable ntp` there is not seen. Was: "ntpd running" (pass)
    on an outside system peer. Right: asked."""
    dhcp = NTPSEC.replace("/etc/ntpsec/ntp.conf", "/var/lib/ntp/ntp.conf.dhcp")
    a = host_scan(
        {
            "processes": (PROCS.replace(CHRONYD, f"ntpsec   {dhcp}"), 0),
            "/etc/ntpsec/ntp.conf": CONF,
            "ntpq-peers": (PEERS, 0),
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "manual"},
        {
            "hv1": "ntpd running, but whether its clock discipline is on is not in the evidence "
            "(ntpd runs with -c /var/lib/ntp/ntp.conf.dhcp, a configuration file hvaudit does "
            "not read)"
        },
    )
    r = next(r for r in a.results if r.check.id == "HVA-202")
    assert r.outcome.question == OFF_QUESTION


@pytest.mark.parametrize(
    ("conf", "status", "message"),
    [
        (
            CONF + "disable ntp\n",
            "fail",
            "ntpd running, but its clock discipline is off (/run/ntpsec/ntp.conf.dhcp: disable "
            "ntp): it corrects nothing, the clock runs free",
        ),
        (CONF, "pass", "ntpd running"),
    ],
    ids=["disable-ntp", "outside-pool"],
)
def test_dhcp_copy_is_read(host_scan, conf: str, status: str, message: str) -> None:
    """R25T-7. Debian's dhclient hook starts ntpd with `-c /run/ntpsec/ntp.conf.dhcp` (`-c
    /run/ntp.conf.dhcp` for ntp), "a copy of the default /etc/ntp.conf with a modified server
    list from the DHCP server" (Cumulus Linux docs, read with `find_string`). Was: asked, the
    file not collected (R25T-2 on a common DHCP host). Right: collected and judged: its
    `disable ntp` fails, its outside pool with an outside system peer passes."""
    dhcp = NTPSEC.replace("/etc/ntpsec/ntp.conf", "/run/ntpsec/ntp.conf.dhcp")
    a = host_scan(
        {
            "processes": (PROCS.replace(CHRONYD, f"ntpsec   {dhcp}"), 0),
            "/etc/ntpsec/ntp.conf": CONF,
            "/run/ntpsec/ntp.conf.dhcp": conf,
            "ntpq-peers": (PEERS, 0),
            "ntp-conf-dirs": ("", 2, "grep: /etc/ntp.d: No such file or directory\n"),
            "dpkg-packages": (WITH_NTPSEC, 0),
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})


NO_CHRONY = PROCS.replace("  402 _chrony   /usr/sbin/chronyd -F 1\n", "")
PHC_QUESTION = (
    "Does a source outside host hv1 steer the clock phc2sys there copies into the system "
    "clock? Evidence: phc2sys's command line and its -f file on hv1 (-s, -c, -E, clock_servo, "
    "free_running) and what keeps its source clock: ptp4l as a PTP client (`pmc -u -b 0 'GET "
    "PORT_DATA_SET'` shows SLAVE) or ts2phc from a GNSS receiver, also in a container. Pass: "
    "yes, phc2sys sets CLOCK_REALTIME (pi or linreg servo, not free_running) from a PTP "
    "hardware clock a PTP grandmaster or GNSS receiver steers; fail: it leaves CLOCK_REALTIME "
    "alone (ntpshm or refclock_sock servo, free_running 1) or nothing steers its source clock."
)
NO_STEERER = (
    "phc2sys sets the system clock from a PTP hardware clock, but no ptp4l or ts2phc runs to "
    "keep that clock on a time source"
)


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (
            "  600 root     /usr/sbin/phc2sys -s eno1 -c CLOCK_REALTIME -O 0 -m\n",
            "manual",
            NO_STEERER,
        ),
        ("  600 root     /usr/sbin/phc2sys -s /dev/ptp0 -w\n", "manual", NO_STEERER),
        (
            "  600 root     /usr/sbin/phc2sys -s eno1 -O 0\n"
            "  601 root     /usr/sbin/ts2phc -f /etc/linuxptp/ts2phc.cfg -s nmea -c eno1\n",
            "pass",
            "phc2sys (PTP) running",
        ),
        (
            "  600 root     /usr/sbin/phc2sys -s eno1 -O 0 -f /etc/linuxptp/phc2sys.conf\n"
            "  601 root     /usr/sbin/ptp4l -i eno1 -s\n",
            "manual",
            "phc2sys runs with a configuration file (-f) or a long option hvaudit does not read, "
            "which may set clock_servo or free_running",
        ),
        (
            "  600 root     /usr/sbin/phc2sys -s eno1 -O 0 --free_running=1\n"
            "  601 root     /usr/sbin/ptp4l -i eno1 -s\n",
            "manual",
            "phc2sys runs with a configuration file (-f) or a long option hvaudit does not read, "
            "which may set clock_servo or free_running",
        ),
        (
            "  600 root     /usr/sbin/phc2sys -s eno1 -O 0 --step_threshold 1\n"
            "  601 root     /usr/sbin/ptp4l -i eno1 -s\n",
            "pass",
            "phc2sys (PTP) running",
        ),
    ],
    ids=[
        "no-ptp4l",
        "no-ptp4l-device",
        "held-ts2phc",
        "config-file",
        "free-running",
        "held-other-long",
    ],
)
def test_phc2sys_source_clock_unsteered(host_scan, extra: str, status: str, message: str) -> None:
    """R25T-3. linuxptp phc2sys.c: a locked servo on CLOCK_REALTIME calls sysclk_set_sync(),
    which clears STA_UNSYNC and keeps maxerror low (clockadj.c), so NTPSynchronized=yes however
    free the PHC runs; phc2sys(8): the PHC "itself is synchronized by the ptp4l(8) program".
    Was: "phc2sys (PTP) running" (pass) with no ptp4l or ts2phc. Right: asked; ts2phc beside it
    passes; a -f file (clock_servo, free_running) is asked."""
    a = host_scan({"processes": (NO_CHRONY + extra, 0)})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})
    if status == "manual":
        r = next(r for r in a.results if r.check.id == "HVA-202")
        assert r.outcome.question == PHC_QUESTION


SHM_TRACKING = (
    "Reference ID    : 53484D30 (SHM0)\nStratum         : 1\n"
    "Ref time (UTC)  : Wed Nov 27 07:58:12 2024\nLeap status     : Normal\n"
)


@pytest.mark.parametrize(
    "phc2sys",
    ["/usr/sbin/phc2sys -s eno1 -E ntpshm -M 0 -w", "/usr/sbin/phc2sys -am"],
    ids=["ntpshm-servo", "clustered-a-m"],
)
def test_phc2sys_that_leaves_the_clock_is_no_daemon(host_scan, phc2sys: str) -> None:
    """R25T-4. phc2sys(8) -E: "ntpshm and refclock_sock for the NTP SHM and chrony SOCK
    reference clocks respectively to allow another process to synchronize the local clock";
    getopt "arC:c:d:f:s:E:..." reads `-am` as -a -m, and -a without -r leaves CLOCK_REALTIME
    (phc2sys.c). Was: "phc2sys (PTP) running" (pass), listed before chronyd, whose tracking
    shows a SHM refclock (asked, L19-1D). Right: chronyd's verdict."""
    procs = PROCS.replace(
        "  402 _chrony   /usr/sbin/chronyd -F 1\n",
        f"  390 root     {phc2sys}\n  391 root     /usr/sbin/ptp4l -i eno1 -s\n"
        "  402 _chrony   /usr/sbin/chronyd -F 1\n",
    )
    a = host_scan({"processes": (procs, 0), "chrony-tracking": (SHM_TRACKING, 0)})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "manual"},
        {
            "hv1": "chronyd running, synchronised to a reference clock on host hv1 "
            "(`chronyc -n tracking`: Reference ID 53484D30 (SHM0))"
        },
    )


OWN_ONLY = "driftfile /var/lib/ntpsec/ntp.drift\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n"
POOL_D = "/etc/ntpsec/ntp.d/pool.conf:pool 2.debian.pool.ntp.org iburst"
LOCAL_D = "/etc/ntpsec/ntp.d/local.conf:server 127.127.1.0"
ASKED = "ntpd running, but which time source steers it is not in the evidence ({})"


@pytest.mark.parametrize(
    ("conf", "dirs", "dpkg", "status", "message"),
    [
        (
            # R28T-3: the LOCAL driver beside ntp.d's pool, no `ntpq -pn`: asked
            OWN_ONLY,
            _dirs(POOL_D),
            (WITH_NTPSEC, 0),
            "manual",
            "ntpd running, but its file names the LOCAL driver, the host's own clock "
            "(/etc/ntpsec/ntp.conf: server 127.127.1.0), beside its other sources, and which "
            "one steers the clock is not in the evidence (`ntpq -pn` was not collected)",
        ),
        (
            OWN_ONLY,
            _dirs(POOL_D),
            None,
            "manual",
            ASKED.format(
                "the only sources read are the host's own clock (/etc/ntpsec/ntp.conf: server "
                "127.127.1.0), and /etc/ntpsec/ntp.d/*.conf, which ntpsec reads and ntp's ntpd "
                "does not, is not counted: no package list names ntpsec"
            ),
        ),
        (
            "driftfile /var/lib/ntpsec/ntp.drift\n",
            _dirs(),
            (WITH_NTPSEC, 0),
            "manual",
            ASKED.format(
                "/etc/ntpsec/ntp.conf names no time source ntpd selects, and /etc/ntpsec/ntp.d "
                "holds no *.conf file"
            ),
        ),
        (
            None,
            _dirs(LOCAL_D),
            (WITH_NTPSEC, 0),
            "fail",
            "ntpd running, but its only time source is the host's own clock "
            "(/etc/ntpsec/ntp.d/local.conf: server 127.127.1.0): the clock runs free, steered "
            "by nothing outside the host",
        ),
        (
            OWN_ONLY,
            _dirs(POOL_D),
            (DPKG, 0),
            "fail",
            "ntpd running, but its only time source is the host's own clock "
            "(/etc/ntpsec/ntp.conf: server 127.127.1.0): the clock runs free, steered by "
            "nothing outside the host",
        ),
    ],
    ids=["ntp-d-pool", "ntp-d-no-package-list", "ntp-d-empty", "ntp-d-local-only", "held-ntp"],
)
def test_ntp_d_sources(host_scan, conf, dirs, dpkg, status: str, message: str) -> None:
    """R25T-5. ntpsec reads ntp.d as if spliced after its file (ntp_config.c readconfig, R25T-1),
    so its sources are ntpsec's too. Was (no `ntpq -pn`): a fail "only time source is the host's
    own clock" over a file with only the LOCAL driver while ntp.d names a pool; a question whose
    reason said ntp.d "was not read" where it was read and empty; the question where ntp.d names
    only the LOCAL driver. Right: the pool passes (asked where no package list says ntpsec runs),
    the empty directory is named, the LOCAL driver alone fails; ntp's ntpd (no ntpsec in dpkg's
    list) is judged on its file alone."""
    a = host_scan(
        {
            "processes": (NTPSEC_PS, 0),
            "/etc/ntpsec/ntp.conf": conf,
            "ntp-conf-dirs": dirs,
            "dpkg-packages": dpkg,
            "rpm-packages": None,
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": status}, {"hv1": message})


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        (
            {"serviceSync": False},
            "fail",
            "clock protocol PTP, ptpd running, policy on, but the host reports its clock not "
            "synchronised with a remote time source (config.dateTimeInfo.serviceSync false; "
            "lastSyncTime unset: never synchronised)",
        ),
        (
            {"enabled": False},
            "fail",
            "clock protocol PTP, ptpd running, policy on, but the host reports its time "
            'services down (config.dateTimeInfo.enabled false: "Present state of the time '
            'services subsystem")',
        ),
        (
            {"serviceSync": True, "enabled": True},
            "manual",
            "clock protocol PTP, ptpd running, policy on; PTP port(s) vmk1 (virtualNic)",
        ),
    ],
    ids=["not-synchronised", "services-down", "held-synchronised"],
)
def test_esx_ptp_reported_unsynchronised_fails(
    tmp_path, fields: dict[str, bool], status: str, message: str
) -> None:
    """R25T-6. HostDateTimeInfo (vSphere API 7.0.3, read with `search`): serviceSync "Report
    true if time is synchronized with remote time source", enabled "Present state of the time
    services subsystem", lastSyncTime "If not set, time services have never established
    synchronization". HVA-419 read them for NTP (V24-1) only; a PTP host reporting its clock
    unsynchronised was asked whether it synchronises (V17-4). Right: a fail naming the field;
    a synchronised one is still asked (the API names no master)."""
    import json

    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record
    from test_redteam10_vmw_probes import _vsphere
    from test_vmw_leads19 import _ptp

    info = vim.host.DateTimeInfo(
        ntpConfig=vim.host.NtpConfig(server=[]),
        systemClockProtocol="ptp",
        ptpConfig=_ptp(("virtualNic", "vmk1")),
        **fields,
    )
    service = vim.host.ServiceInfo(
        service=[
            vim.host.Service(
                key=k, label=k, required=False, uninstallable=False, running=r, policy=p
            )
            for k, r, p in (("ntpd", False, "off"), ("ptpd", True, "on"))
        ]
    )
    record = _host_record(
        {"name": "esx1", "config.dateTimeInfo": info, "config.service": service}, {}
    )
    host = json.loads(json.dumps({k: record[k] for k in ("ntp", "services")}))
    a = _vsphere(tmp_path, host)
    (r,) = [x for x in a.results if x.check.id == "HVA-419"]
    assert (r.status.value, r.outcome.message) == (status, message)
