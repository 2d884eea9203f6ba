"""Twenty-first red-team review, host time (rt21time): HVA-202 from what the time daemon uses now.

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan); its chronyd now answers `chronyc -n tracking` (synchronised to 10.0.0.2,
not the host: 10.0.0.10 on eno3). A systemd-timesyncd host is the hardened one with chronyd's ps
line replaced and `timedatectl show-timesync` answered; chrony's files through the real grep of
test_leads19d.chrony_probe; ntpd as test_redteam17_host_probes does. The collector's own argv
are checked with a recording replay runner. Each test asserts the exact status and message.

Findings (ID-n):
- R21T-1 (false pass) HVA-202: a systemd-timesyncd passed "systemd-timesyncd running" on
  NTPSynchronized=yes whatever server it used: NTP= / FallbackNTP= of timesyncd.conf and its
  drop-ins and networkd's per-link servers (NTP=, DHCP) were not collected, so a timesyncd
  pointed at 127.0.0.1 or at the host's own address (answered by some other program on the
  host) passed. Now the collector asks, only while systemd-timesyncd runs, `timedatectl
  show-timesync --all --property=ServerName --property=ServerAddress` (systemd timedatectl.c
  verb_show_timesync / map_server_address, in_addr_to_string; read with `read_file`): the
  server it uses settles every one of those files. Not run while timesyncd is stopped: the bus
  would start it (org.freedesktop.timesync1.service SystemdService=dbus-org.freedesktop.
  timesync1.service, read with `read_file`). The host itself: a question (what answers NTP
  there and what steers it; timesyncd serves no NTP, so another program answers, as L19-1D
  reasons for chronyd); ServerAddress empty or the probe unanswered: a question; an outside
  server: the pass. A bundle without the probe keeps the pass.
- R21T-2 (false pass) HVA-202: chronyd passed on its files (an outside `server`) or on the
  hardened host's process list alone while `chronyc -n tracking` says it follows its own
  `local` reference ("Reference ID : 7F7F0101 ()"), no reference ("00000000 ()", Leap status
  Not synchronised), a server on the host itself, or a refclock. chrony (mlichvar/chrony
  8f2db83, read with `fetch`): client.c process_cmd_tracking prints "Reference ID    : %R (%s)"
  (8 hex digits, then format_name: the address with -n, else the refid's printable
  characters); reference.c REF_GetTrackingReport gives the address only while synchronised;
  ntp.h NTP_REFID_LOCAL 0x7F7F0101, NTP_REFID_UNSYNC 0; refclock.c names a refclock after its
  driver ("PHC0"). Now the collector runs `chronyc -n tracking` while chronyd runs: local or no
  reference fails, the host itself or a refclock is asked, an outside server passes (and
  settles R21H-1's and L19-1D's questions: a pass where the files gave a loopback source or
  none). Unanswered ("506 Cannot talk to daemon"), the files decide as before.
- R21T-3 (false pass) HVA-202: a time source at the host's own address or name (`server
  10.0.0.10`, `server hv1` in chrony.conf, ntpd's `server 10.0.0.10`) counted as outside:
  _this_host knew only loopback and unspecified addresses. Now the host's addresses (`ip -j
  addr`, every scope but host) and names (`_host_names`) are the host itself too, for chrony's
  files (L19-1D's question), chronyd's tracking and timesyncd's server (the question) and
  ntpd's ntp.conf (R17H-5's fail: ntpd serves itself there).

Held (kept as tests): timesyncd with an outside server, and a bundle without the timesyncd
probe, keep "systemd-timesyncd running"; `chronyc` unanswered keeps the files' verdict (the
hardened host's pass, R21H-1's question); chronyd with an RTC-only refclock file and a refclock
reference keeps L19-1D's fail; the collector runs neither probe while its daemon is not running.

Probed by script, not kept (the verdict was right): NTPSynchronized=no still fails before the
new probes; a tracking answer with an IPv6 outside server passes, an IPv4-mapped own address
is asked, timesyncd's ServerAddress 0.0.0.0 is asked, a tracking answer without a Reference ID
line leaves the files' verdict.

Tally: 18 cases in 7 test functions; 15 failed on main fe9ae00 before the fixes (R21T-1 4,
R21T-2 5, R21T-3 4, the collector's probes 2: run with the old src and tests); the 3 held
cases passed before and after. test_leads19d's and test_redteam21_host_probes' chrony helpers
now leave the tracking probe unanswered (they test the files). The SARIF golden carries
HVA-202's docstring (regenerated).

Leads left (not settled in the time):
- timesyncd.conf / networkd files are still not collected: a stopped-then-started timesyncd, or
  a bundle where show-timesync did not answer, is only asked; FallbackNTP= alone (the distro's
  public pool) passes as an outside server, as chrony's default pool does.
- the host itself as the NTP server (chronyd's tracking, timesyncd) is asked, not failed: the
  brief said fail, but chronyd never takes itself (ntp_core.c check_sync_loop) and timesyncd
  serves no NTP, so another program answers; chaining to that program's own verdict (ntpd's
  ntp.conf, a second chronyd) is not done. ntpd's own-address server still fails (R17H-5).
- `chronyc -n sources` (every source, not only the one in use) is not collected; a refclock
  reference is asked whatever its driver (the refid may be set by `refid`).
- ntpd/ntpsec/openntpd have no run-time probe (`ntpq -pn`, `ntpctl -s status`).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, ReplayRunner, messages, outcomes
from hvaudit.bundle import BundleWriter
from hvaudit.collect.host import HostCollector
from test_leads19d import DEBIAN, chrony_probe

PROCS = str(HARDENED_HOST["processes"][0])
TIMESYNCD = PROCS.replace(
    "_chrony   /usr/sbin/chronyd -F 1", "systemd-timesync /lib/systemd/systemd-timesyncd"
)
NTPD = PROCS.replace(
    "_chrony   /usr/sbin/chronyd -F 1", "ntp      /usr/sbin/ntpd -p /run/ntpd.pid -g -u 106:112"
)
assert PROCS != TIMESYNCD != NTPD


def _result(a: Any) -> tuple[str, str, str | None]:
    r = next(r for r in a.results if r.check.id == "HVA-202")
    return outcomes(a, "HVA-202")["hv1"], messages(a, "HVA-202")["hv1"], r.outcome.question


def _tracking(refid: str, name: str, leap: str = "Normal") -> tuple[str, int]:
    """`chronyc -n tracking` as chrony 4.3 prints it (client.c process_cmd_tracking)."""
    return (
        f"Reference ID    : {refid} ({name})\nStratum         : 2\n"
        "Ref time (UTC)  : Wed Nov 27 07:58:12 2024\n"
        "System time     : 0.000012345 seconds fast of NTP time\n"
        f"Update interval : 64.2 seconds\nLeap status     : {leap}\n",
        0,
    )


# --- R21T-1: systemd-timesyncd's server ---------------------------------------------------------


def _timesyncd(host_scan, server: Any) -> Any:
    return host_scan({"processes": (TIMESYNCD, 0), "timesync-server": server})


@pytest.mark.parametrize(
    ("server", "message", "starts"),
    [
        (
            ("ServerName=127.0.0.1\nServerAddress=127.0.0.1\n", 0),
            "systemd-timesyncd running, but the NTP server it uses is host hv1 itself (127.0.0.1)",
            "What answers NTP on host hv1 for systemd-timesyncd",
        ),
        (
            ("ServerName=hv1.corp.example\nServerAddress=10.0.0.10\n", 0),
            "systemd-timesyncd running, but the NTP server it uses is host hv1 itself "
            "(hv1.corp.example (10.0.0.10))",
            "What answers NTP on host hv1 for systemd-timesyncd",
        ),
        (
            ("ServerName=0.debian.pool.ntp.org\nServerAddress=\n", 0),
            "systemd-timesyncd running, but which NTP server it uses is not in the evidence "
            "(systemd-timesyncd names no server it uses (ServerAddress empty, ServerName "
            "0.debian.pool.ntp.org))",
            "Which NTP server does systemd-timesyncd on host hv1 use",
        ),
        (
            (
                "",
                1,
                "Failed to query server: Connection timed out\n",
            ),
            "systemd-timesyncd running, but which NTP server it uses is not in the evidence "
            "(`timedatectl show-timesync` did not answer (Failed to query server: Connection "
            "timed out))",
            "Which NTP server does systemd-timesyncd on host hv1 use",
        ),
    ],
    ids=["loopback", "own-address", "no-server", "unanswered"],
)
def test_r21t_1_timesyncd_server_on_the_host_or_unknown_is_asked(
    host_scan, server, message, starts
) -> None:
    """R21T-1 (false pass): was pass "systemd-timesyncd running" on NTPSynchronized=yes."""
    status, msg, question = _result(_timesyncd(host_scan, server))
    assert (status, msg) == ("manual", message)
    assert question is not None and question.startswith(starts)


def test_r21t_1_held_outside_server_and_older_bundle(host_scan) -> None:
    """Held: an outside server, and a bundle without the probe, keep the pass."""
    for server in (("ServerName=ntp.corp.example\nServerAddress=10.0.0.2\n", 0), None):
        status, msg, _ = _result(_timesyncd(host_scan, server))
        assert (status, msg) == ("pass", "systemd-timesyncd running")


# --- R21T-2: what chronyd is synchronised to now ------------------------------------------------


@pytest.mark.parametrize(
    ("tracking", "status", "message"),
    [
        (
            _tracking("7F7F0101", ""),
            "fail",
            "chronyd running, but its reference is its own `local` clock (`chronyc -n "
            "tracking`: Reference ID 7F7F0101 ()): the clock runs free, steered by nothing "
            "outside the host",
        ),
        (
            _tracking("00000000", "", "Not synchronised"),
            "fail",
            "chronyd running, but it is synchronised to no source (`chronyc -n tracking`: "
            "Reference ID 00000000 (), Not synchronised): nothing steers the clock",
        ),
        (
            _tracking("7F000001", "127.0.0.1"),
            "manual",
            "chronyd running, but the NTP server it is synchronised to is host hv1 itself "
            "(`chronyc -n tracking`: Reference ID 7F000001 (127.0.0.1))",
        ),
        (
            _tracking("50484330", "PHC0"),
            "manual",
            "chronyd running, synchronised to a reference clock on host hv1 (`chronyc -n "
            "tracking`: Reference ID 50484330 (PHC0))",
        ),
    ],
    ids=["local", "unsync", "loopback", "phc"],
)
def test_r21t_2_chronyd_tracking_decides(host_scan, tracking, status, message) -> None:
    """R21T-2 (false pass): the hardened host (no chrony-conf) passed "chronyd running"."""
    assert _result(host_scan({"chrony-tracking": tracking}))[:2] == (status, message)


def test_r21t_2_tracking_overrides_the_files(host_scan, tmp_path) -> None:
    """R21T-2: an outside server in the file was a pass though chronyd follows its `local`
    reference; a file with only a loopback source (L19-1D's question) is settled by an outside
    reference: the pass."""
    conf = chrony_probe(tmp_path, {DEBIAN: "server ntp.example.org iburst\nlocal stratum 10\n"})
    a = host_scan({"chrony-conf": conf, "chrony-tracking": _tracking("7F7F0101", "")})
    assert _result(a)[0] == "fail"
    conf = chrony_probe(tmp_path / "b", {DEBIAN: "server 127.0.0.1 port 11123\n"})
    a = host_scan({"chrony-conf": conf, "chrony-tracking": _tracking("0A000002", "10.0.0.2")})
    assert _result(a)[:2] == ("pass", "chronyd running")


def test_r21t_2_held_unanswered_and_rtc(host_scan, tmp_path) -> None:
    """Held: chronyc unanswered leaves the files' verdict (the hardened host's pass, R21H-1's
    question); an RTC-only file with a refclock reference keeps L19-1D's fail."""
    down = ("", 1, "506 Cannot talk to daemon\n")
    assert _result(host_scan({"chrony-tracking": down}))[:2] == ("pass", "chronyd running")
    conf = chrony_probe(tmp_path, {DEBIAN: "driftfile x\n"})
    status, msg, _ = _result(host_scan({"chrony-conf": conf, "chrony-tracking": down}))
    assert status == "manual" and msg.startswith("chronyd running, but which time source")
    conf = chrony_probe(tmp_path / "rtc", {DEBIAN: "refclock RTC /dev/rtc0\n"})
    a = host_scan({"chrony-conf": conf, "chrony-tracking": _tracking("52544330", "RTC0")})
    assert _result(a)[:2] == (
        "fail",
        f"chronyd running, but its only time source is the host's own clock ({DEBIAN}: "
        "refclock RTC /dev/rtc0): the clock runs free, steered by nothing outside the host",
    )


# --- R21T-3: the host's own address or name as a time source -----------------------------------


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        (
            {"chrony-tracking": _tracking("0A00000A", "10.0.0.10")},
            "manual",
            "chronyd running, but the NTP server it is synchronised to is host hv1 itself "
            "(`chronyc -n tracking`: Reference ID 0A00000A (10.0.0.10))",
        ),
        (
            {"chrony-tracking": None, "chrony-files": "server 10.0.0.10 iburst\n"},
            "manual",
            "chronyd running, but every time source it is given is on host hv1 itself "
            f"({DEBIAN}: server 10.0.0.10)",
        ),
        (
            {"chrony-tracking": None, "chrony-files": "server HV1. iburst\n"},
            "manual",
            f"chronyd running, but every time source it is given is on host hv1 itself "
            f"({DEBIAN}: server HV1.)",
        ),
        (
            {"processes": (NTPD, 0), "/etc/ntp.conf": "server 10.0.0.10 iburst\n"},
            "fail",
            "ntpd running, but its only time source is the host's own clock (/etc/ntp.conf: "
            "server 10.0.0.10): the clock runs free, steered by nothing outside the host",
        ),
    ],
    ids=["chrony-tracking", "chrony-conf-address", "chrony-conf-name", "ntpd"],
)
def test_r21t_3_own_address_is_the_host_itself(
    host_scan, tmp_path, overrides, status, message
) -> None:
    """R21T-3 (false pass): the host's LAN address (eno3 10.0.0.10) or name (hv1) counted as
    an outside source: pass "chronyd running" / "ntpd running"."""
    more = dict(overrides)
    if "chrony-files" in more:
        more["chrony-conf"] = chrony_probe(tmp_path, {DEBIAN: more.pop("chrony-files")})
    assert _result(host_scan(more))[:2] == (status, message)


# --- the collector: the probes run only while their daemon runs ---------------------------------


class _Recording(ReplayRunner):
    def __init__(self, artefacts: dict[str, Any]) -> None:
        super().__init__(artefacts)
        self.argvs: list[tuple[str, ...]] = []

    def run(self, argv: tuple[str, ...], timeout: float) -> Any:
        self.argvs.append(argv)
        return super().run(argv, timeout)


@pytest.mark.parametrize(
    ("processes", "expected"),
    [
        (PROCS, [("chronyc", "-n", "tracking")]),
        (
            TIMESYNCD,
            [
                (
                    "timedatectl",
                    "show-timesync",
                    "--all",
                    "--property=ServerName",
                    "--property=ServerAddress",
                )
            ],
        ),
        (NTPD, []),
    ],
    ids=["chronyd", "timesyncd", "neither"],
)
def test_r21t_time_probes_run_only_beside_their_daemon(tmp_path, processes, expected) -> None:
    """The collector asks chronyc and timedatectl show-timesync only while chronyd or
    systemd-timesyncd runs (a stopped timesyncd would be started by the bus)."""
    runner = _Recording(dict(HARDENED_HOST, processes=(processes, 0)))
    writer = BundleWriter(
        tmp_path / "b", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    HostCollector(runner).collect(writer)
    asked = [
        a for a in runner.argvs if a[0] == "chronyc" or a[:2] == ("timedatectl", "show-timesync")
    ]
    assert asked == expected
