"""Twenty-third red-team review, host time (rt23time): HVA-202 for an ntpd whose file is absent.

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), with chronyd's ps line replaced by ntpd's (the argv Debian's ntp and ntpsec
wrappers start it with, or servers on its command line) and /etc/ntp.conf, /etc/ntpsec/ntp.conf
answered or left absent; timedatectl says NTPSynchronized=yes as on the hardened host. Each test
asserts the exact status and message.

Findings (ID-n):
- R23T-1 (false pass) HVA-202: an ntpd whose configuration file is absent (no /etc/ntp.conf
  nor /etc/ntpsec/ntp.conf, or the `-c /etc/ntpsec/ntp.conf` Debian's ntpsec reads) passed
  "ntpd running": no file was read, so nothing was judged ("no ntp.conf was read" kept the
  pass). Its sources are then elsewhere: ntpsec reads "the configuration directory, if it
  exists ... Normally this directory is /etc/ntp.d, but if the -c option is specified the /etc
  will be specified by the directory name of the -c argument", each "*.conf" file there
  (ntpsec docs/includes/ntpd-body.adoc; ntpd/ntp_config.c readconfig "parse configs in
  parallel subdirectory if that exists", read with `fetch` of ntpsec/ntpsec fa2a479), which
  hvaudit does not collect, and both ntpds take servers on the command line (ntpsec's synopsis
  "[server...]", ntp_config.c config_peers "add servers named on the command line with iburst
  implied"; ntp's ntpd.c "save list of servers from cmd line for config_peers() use", read
  with `find_string`). NTPSynchronized=yes does not say which source: the LOCAL driver in an
  ntp.d file keeps it yes (R17H-5). Now the question "Does a source outside host hv1 steer
  ntpd there?", naming the absent file and the unread ntp.d. The command line's servers now
  count as `server` lines (an outside one passes, also the reverse, a wrong fail: an ntpd
  given an outside server on its command line failed on an ntp.conf holding only the LOCAL
  driver); the value of a long option (`--user ntp:ntp`, ntpsec's ntpd.c longoptions and
  ntp's ntpd-opts) is no server. A bundle that did not collect the files keeps the pass.

Held (kept as tests): none.

Probed by script, not kept: an own-address server on the command line beside an outside pool
in ntp.conf keeps the pass.

Tally: 6 cases in 2 test functions; 5 failed on main 3fb626d before the fix (run with the old
src and this file: the three absent-file cases, the wrong fail, and the loopback server on the
command line, whose fail named only the file's line); the outside command-line server with no
file passed on main for another reason (no file judged). The SARIF golden carries HVA-202's
docstring (regenerated).

Leads left (not settled in the time): see the round's report.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "_chrony   /usr/sbin/chronyd -F 1"
assert CHRONYD in PROCS


def _ntpd(argv: str) -> str:
    return PROCS.replace(CHRONYD, f"ntp      {argv}")


LOCAL_ONLY = "driftfile /var/lib/ntp/ntp.drift\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n"
QUESTION = (
    "Does a source outside host hv1 steer ntpd there? Evidence: `ntpq -pn` on hv1 (the peer "
    "marked '*') and every configuration file ntpd reads (its -c file and each includefile). "
    "Pass: yes, a remote NTP server, a PTP grandmaster or a GNSS receiver; fail: only the LOCAL "
    "driver (127.127.1.0, `refclock local`), the host itself, or no source."
)
BOTH_ABSENT = (
    "/etc/ntp.conf and /etc/ntpsec/ntp.conf are absent, and /etc/ntp.d/*.conf (which ntpsec "
    "reads too) was not read"
)


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        ("/usr/sbin/ntpd -p /var/run/ntpd.pid -g -u 109:115", BOTH_ABSENT),
        (
            "/usr/sbin/ntpd -p /run/ntpd.pid -c /etc/ntpsec/ntp.conf -u ntpsec:ntpsec",
            "/etc/ntpsec/ntp.conf is absent, and /etc/ntpsec/ntp.d/*.conf (which ntpsec reads "
            "too) was not read",
        ),
        ("/usr/sbin/ntpd -g --user ntp:ntp --pidfile /run/ntpd.pid", BOTH_ABSENT),
    ],
    ids=["debian-ntp-no-file", "ntpsec-c-file-absent", "long-option-values-are-no-servers"],
)
def test_ntpd_with_no_file_is_asked(host_scan, argv: str, reason: str) -> None:
    """R23T-1. ntpsec ntpd-body.adoc: "Then the configuration directory, if it exists, is
    scanned. Normally this directory is /etc/ntp.d, but if the -c option is specified the /etc
    will be specified by the directory name of the -c argument." Was: the pass "ntpd running"
    with no file read. Right: the question, naming the absent file and the unread ntp.d."""
    a = host_scan({"processes": (_ntpd(argv), 0)})
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}
    assert messages(a, "HVA-202") == {
        "hv1": f"ntpd running, but which time source steers it is not in the evidence ({reason})"
    }
    r = next(r for r in a.results if r.check.id == "HVA-202")
    assert r.outcome.question == QUESTION


@pytest.mark.parametrize(
    ("argv", "conf", "status", "message"),
    [
        ("/usr/sbin/ntpd -g -u ntp:ntp 10.1.1.1", None, "pass", "ntpd running"),
        ("/usr/sbin/ntpd -g -u ntp:ntp 10.1.1.1", LOCAL_ONLY, "pass", "ntpd running"),
        (
            "/usr/sbin/ntpd -g -u ntp:ntp 127.0.0.1",
            LOCAL_ONLY,
            "fail",
            "ntpd running, but its only time source is the host's own clock (ntpd's command "
            "line: server 127.0.0.1; /etc/ntp.conf: server 127.127.1.0): the clock runs free, "
            "steered by nothing outside the host",
        ),
    ],
    ids=["outside-no-file", "outside-beside-local-driver", "loopback-beside-local-driver"],
)
def test_ntpd_command_line_servers_count(
    host_scan, argv: str, conf: str | None, status: str, message: str
) -> None:
    """R23T-1: the servers on ntpd's command line are its sources (ntpsec ntp_config.c
    config_peers: "add servers named on the command line with iburst implied"). Was: ignored,
    so an outside one failed beside an ntp.conf holding only the LOCAL driver (wrong fail).
    Right: an outside one passes; one on the host itself counts as the host's own clock."""
    a = host_scan({"processes": (_ntpd(argv), 0), **({"/etc/ntp.conf": conf} if conf else {})})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": status},
        {"hv1": message},
    )
