"""Twenty-fourth red-team review, ntpd's included files (rt24ntpinc): HVA-202 and `includefile`.

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), with chronyd's ps line replaced by ntpd's (Debian's ntp wrapper argv, or
ntpsec's with `-c /etc/ntpsec/ntp.conf`) and that file answered, and, where said, `ntpq -pn`
(ntpq-peers) answered with an outside system peer; timedatectl says NTPSynchronized=yes as on
the hardened host. Each test asserts the exact status and message.

Findings (ID-n):
- R24I-1 (false pass) HVA-202: an ntp.conf with an outside server and an `includefile` passed
  "ntpd running", also over an outside system peer in `ntpq -pn`, though the included file
  (not collected) may say `disable ntp`. ntpsec ntp.conf(5): "The syntax is includefile
  followed by whitespace followed by a file or directory name. The configuration is evaluated
  as though the text of the file - or all files of the directory with the extension ".conf" -
  were textually spliced in at the point of the include" (read with `search`,
  manpages.ubuntu.com ntpsec 1.2.3); `disable ntp` anywhere wins (R24T-1, ntp_config.c
  config_system_opts) and leaves ntpd selecting its peer while correcting nothing. The
  discipline fact read only the main file and said "not off". Now what would pass is asked,
  naming the include; fails (`disable ntp` in the main file, NTPSynchronized=no) still fail.

Held (kept as tests): `disable ntp` in the main file beside an `includefile` still fails;
a commented `# includefile` still passes. R17H-5's held case "includefile-beside-a-pool"
(tests/test_redteam17_host_probes.py, a pass) is dropped there: it is R24I-1's first case.

Probed by script, not kept: none.

Tally: 5 cases in 2 test functions; 3 failed on main before the fix (run with
PYTHONPATH=/work/main/src at 645c33e; the two held cases passed).

Leads left (not settled in the time):
- ntpsec's automatic configuration directory (ntpd-body.adoc: "/etc/ntp.d, but if the -c
  option is specified the /etc will be specified by the directory name of the -c argument")
  is still not read and not asked about when the main file has servers: a `disable ntp` in
  /etc/ntpsec/ntp.d/*.conf passes. Debian's ntpsec package ships no ntp.d (packages.debian.org
  file list, bookworm), so asking every ntpsec host would turn hardened passes into questions;
  collecting the directory (the chrony-conf probe reads its directories) is the better fix.
- The included files themselves are not collected; a collector that reads each `includefile`
  target (and a directory's *.conf) would settle R24I-1 instead of asking.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "_chrony   /usr/sbin/chronyd -F 1"
assert CHRONYD in PROCS
ARGV = "/usr/sbin/ntpd -p /var/run/ntpd.pid -g -u 109:115"
NTPD = PROCS.replace(CHRONYD, f"ntp      {ARGV}")
NTPSEC = NTPD.replace(
    ARGV, "/usr/sbin/ntpd -p /run/ntpd.pid -c /etc/ntpsec/ntp.conf -u ntpsec:ntpsec"
)
PEERS = (
    "     remote           refid      st t when poll reach   delay   offset  jitter\n"
    "==============================================================================\n"
    "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
)


def _question(include: str) -> str:
    return (
        # R25T-1/2 widened the question to every file ntpd reads that was not read
        "Does every configuration file ntpd on host hv1 reads leave its clock discipline on? "
        "Evidence: on hv1, the file its -c option names (else /etc/ntp.conf), every *.conf of "
        "the ntp.d directory beside that file where ntpd is ntpsec's, and each file an "
        "`includefile` line names (every *.conf of a directory it names, and the includes those "
        "make). Pass: yes, none says `disable ntp`; fail: one does (ntpd then corrects nothing, "
        "the clock runs free)."
    )


def _asked(daemon: str, path: str, include: str) -> str:
    return (
        f"{daemon} running, but whether its clock discipline is on is not in the evidence "
        f"({path} includes {include}, which was not read)"
    )


@pytest.mark.parametrize(
    ("procs", "path", "include", "peers"),
    [
        (NTPD, "/etc/ntp.conf", "/etc/ntp/site.conf", None),
        (NTPD, "/etc/ntp.conf", "/etc/ntp/site.conf", PEERS),
        (NTPSEC, "/etc/ntpsec/ntp.conf", "/etc/ntpsec/ntp.d/", None),
    ],
    ids=["ntp-include", "ntp-include-outside-peer", "ntpsec-include-dir"],
)
def test_unread_include_is_asked(
    host_scan, procs: str, path: str, include: str, peers: str | None
) -> None:
    """R24I-1. ntpsec ntp.conf(5): "The configuration is evaluated as though the text of the
    file - or all files of the directory with the extension ".conf" - were textually spliced
    in at the point of the include"; a `disable ntp` there opens ntpd's loop (R24T-1). Was:
    "ntpd running" (pass), also over an outside system peer. Right: asked, naming the
    include."""
    conf = f"server 192.0.2.10 iburst\nincludefile {include}\n"
    a = host_scan(
        {
            "processes": (procs, 0),
            path: conf,
            **({"ntpq-peers": (peers, 0)} if peers else {}),
        }
    )
    r = next(r for r in a.results if r.check.id == "HVA-202")
    daemon = r.outcome.message.split(" ", 1)[0]
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "manual"},
        {"hv1": _asked(daemon, path, include)},
    )
    assert daemon in ("ntpd", "ntpsec")
    assert r.outcome.question == _question(include)


@pytest.mark.parametrize(
    ("conf", "status", "message"),
    [
        (
            "server 192.0.2.10 iburst\nincludefile /etc/ntp/site.conf\ndisable ntp\n",
            "fail",
            "ntpd running, but its clock discipline is off (/etc/ntp.conf: disable ntp): it "
            "corrects nothing, the clock runs free",
        ),
        ("server 192.0.2.10 iburst\n# includefile /etc/ntp/site.conf\n", "pass", "ntpd running"),
    ],
    ids=["disable-in-main-file-still-fails", "commented-include-passes"],
)
def test_include_held(host_scan, conf: str, status: str, message: str) -> None:
    """R24I-1 held: a `disable ntp` read in the main file fails whatever it includes (R24T-1);
    a commented include line is no include (ntp.conf(5): "Comments begin with a '#'
    character and extend to the end of the line")."""
    a = host_scan({"processes": (NTPD, 0), "/etc/ntp.conf": conf})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": status},
        {"hv1": message},
    )
