"""Twenty-fourth red-team review, host time (rt24time): HVA-202 for what ntpd's file turns off.

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), with chronyd's ps line replaced by ntpd's (the argv Debian's ntp wrapper
starts it with) and /etc/ntp.conf or /etc/ntpsec/ntp.conf answered, and, where said, `ntpq -pn`
(ntpq-peers) answered with the peer table ntpq prints; timedatectl says NTPSynchronized=yes as
on the hardened host. Each test asserts the exact status and message.

Findings (ID-n):
- R24T-1 (false pass) HVA-202: an ntp.conf with `disable ntp` passed "ntpd running", also
  with `ntpq -pn` showing an outside system peer (R23T-2 passed it). The flag opens ntpd's
  loop: ntpsec misc-options.adoc `ntp`: "Enables time and frequency discipline. In effect,
  this switch opens and closes the feedback loop"; ntp's miscopt.html: "If disabled, the
  local clock free-runs at its intrinsic time and frequency offset" (read with
  `find_string`); ntpsec ntp_loopfilter.c: "If ntp_enable is false, the discipline loop is
  unlocked and no corrections of any kind are made", local_clock "monitor and record the
  offsets anyway ... and then go home"; ntp_config.c config_system_opts applies every
  `enable`, then every `disable`, so the `disable` wins wherever it stands (read with
  `fetch` of ntpsec/ntpsec fa2a479). ntpd still selects its peer, and the kernel's maximum
  error grows for hours (500 ppm) before NTPSynchronized says no. Now a fail naming the
  line, as chronyd -x is no daemon that steers the clock.
- R24T-2 (false pass) HVA-202: a `noselect` server counted as an outside source, so an
  ntp.conf whose only selectable source is the LOCAL driver (`server 192.0.2.10 noselect`
  beside `server 127.127.1.0`) passed. ntpsec assoc-options.adoc `noselect`: "Marks the server
  as unused, except for display purposes. The server is discarded by the selection
  algorithm" (read with `fetch`; HVA-419 reads ESXi's entries so, V22-1, and chrony's
  `noselect` is skipped, L19-1D). Now such a line is no source: the LOCAL driver alone fails.
- R24T-3 (false pass) HVA-202: an ntp.conf that names no source ntpd selects (ntpsec's
  /etc/ntpsec/ntp.conf with its servers in ntp.d, only `noselect` servers, or sources added
  at run time with ntpq's :config) passed "ntpd running": the docstring said "no outside
  source in what was read ... is asked" (R22T-1), the code returned "no own clock". ntpsec
  reads "the configuration directory ... /etc/ntp.d, but if the -c option is specified the
  /etc will be specified by the directory name of the -c argument" (ntpd-body.adoc, R23T-1),
  which hvaudit does not collect, and NTPSynchronized=yes does not say which source (the
  LOCAL driver keeps it yes, R17H-5). Now the R22T-1 question, naming the file and ntp.d;
  an outside system peer in `ntpq -pn` still passes (R23T-2).
- R24T-4 (false pass) HVA-419: an ESXi host whose HostNtpConfig.configFile holds `disable
  ntp` beside a server list passed "ntpd running (policy on), servers ...". configFile is
  the host's ntp.conf: "Content of ntp.conf host configuration file, split by lines for ntpd
  version 4.2.8" (vSphere API HostNtpConfig, read with `search`), and ntp 4.2.8's `disable
  ntp` lets "the local clock free-run at its intrinsic time and frequency offset" (ntp's
  miscopt.html, read with `find_string`). Harness: the V21C-2 helper (collector's _ntp over
  a pyVmomi DateTimeInfo, ntpd running, policy on). Now a fail naming the line.

Held (kept as tests): R24T-3's file with no source beside `ntpq -pn` showing an outside
system peer passes (the peer settles the files); R24T-4's configFile with `disable monitor`
and a commented `# disable ntp` passes.

Probed by script, not kept: an OpenNTPD (`/usr/sbin/openntpd -f /etc/openntpd/ntpd.conf`)
passes on its presence ("openntpd running"; Leads left).

Tally: 8 cases in 4 test functions; 6 failed on main before the fixes (run with the old src
and this file; the two held cases passed): 5 on beaf619 before R24T-1..3, 1 on 5c85dd4 before
R24T-4. The SARIF golden carries HVA-202's docstring (regenerated); HVA-419's is not in it.

Leads left (not settled in the time):
- OpenNTPD is still judged on its presence: /etc/openntpd/ntpd.conf (`server`, `servers`,
  `sensor`, `constraint(s)`) is not collected; NTPSynchronized covers a daemon that reaches
  nothing (R23T lead), so the false pass left is servers on the host itself only.
- ntpsec's ntp.d directory is still not collected (R24T-3 asks rather than reads it); a
  `disable ntp` there, or in an includefile, is not seen.
- `server ... key N` whose key is not in the keys file (or not in `trustedkey`) never
  authenticates and is not selected; the keys file is not collected. `restrict default
  ignore` without a restrict for the server drops its replies (ntp's access-control docs);
  both end in NTPSynchronized=no after hours, not probed beyond that.
- HVA-419 (ESXi): HostNtpConfig.configFile's other lines beside a server list (the LOCAL
  driver as a fallback, `server ... noselect`, `key N`) and HostDateTimeInfo's API 7.0.3
  run-time fields (inFallbackState, lastSyncTime) were not probed; whether ESXi keeps
  configFile and the server list apart was not found.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "_chrony   /usr/sbin/chronyd -F 1"
assert CHRONYD in PROCS
ARGV = "/usr/sbin/ntpd -p /var/run/ntpd.pid -g -u 109:115"
NTPD = PROCS.replace(CHRONYD, f"ntp      {ARGV}")
NTPSEC = "/usr/sbin/ntpd -p /run/ntpd.pid -c /etc/ntpsec/ntp.conf -u ntpsec:ntpsec"
PEERS = (
    "     remote           refid      st t when poll reach   delay   offset  jitter\n"
    "==============================================================================\n"
    "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
)
QUESTION = (
    "Does a source outside host hv1 steer ntpd there? Evidence: `ntpq -pn` on hv1 (the peer "
    "marked '*') and every configuration file ntpd reads (its -c file and each includefile). "
    "Pass: yes, a remote NTP server, a PTP grandmaster or a GNSS receiver; fail: only the LOCAL "
    "driver (127.127.1.0, `refclock local`), the host itself, or no source."
)
OFF = (
    "ntpd running, but its clock discipline is off (/etc/ntp.conf: disable monitor ntp): it "
    "corrects nothing, the clock runs free"
)
DISABLED = "enable ntp\npool 2.debian.pool.ntp.org iburst\ndisable monitor ntp\n"


@pytest.mark.parametrize("peers", [None, PEERS], ids=["no-peer-table", "outside-system-peer"])
def test_disable_ntp_fails(host_scan, peers: str | None) -> None:
    """R24T-1. ntpsec misc-options.adoc, `ntp`: "Enables time and frequency discipline. In
    effect, this switch opens and closes the feedback loop"; ntp_config.c config_system_opts
    applies the `enable` lines, then the `disable` ones. Was: "ntpd running" (pass), also over
    an outside system peer. Right: a fail naming the line."""
    a = host_scan(
        {
            "processes": (NTPD, 0),
            "/etc/ntp.conf": DISABLED,
            **({"ntpq-peers": (peers, 0)} if peers else {}),
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == ({"hv1": "fail"}, {"hv1": OFF})


def test_noselect_server_is_no_source(host_scan) -> None:
    """R24T-2. ntpsec assoc-options.adoc `noselect`: "The server is discarded by the selection
    algorithm". Was: the noselect server counted as outside, a pass over the LOCAL driver as
    the only selectable source. Right: the LOCAL driver alone fails."""
    conf = "server 192.0.2.10 iburst noselect\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n"
    a = host_scan({"processes": (NTPD, 0), "/etc/ntp.conf": conf})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "fail"},
        {
            "hv1": "ntpd running, but its only time source is the host's own clock "
            "(/etc/ntp.conf: server 127.127.1.0): the clock runs free, steered by nothing "
            "outside the host"
        },
    )


@pytest.mark.parametrize(
    ("path", "conf", "peers", "status", "message"),
    [
        (
            "/etc/ntpsec/ntp.conf",
            "driftfile /var/lib/ntpsec/ntp.drift\nleapfile /usr/share/zoneinfo/leap-seconds.list\n",
            None,
            "manual",
            "ntpd running, but which time source steers it is not in the evidence "
            "(/etc/ntpsec/ntp.conf names no time source ntpd selects, and "
            "/etc/ntpsec/ntp.d/*.conf (which ntpsec reads too) was not read)",
        ),
        (
            "/etc/ntp.conf",
            "driftfile /var/lib/ntp/ntp.drift\nserver 192.0.2.10 noselect\n",
            None,
            "manual",
            "ntpd running, but which time source steers it is not in the evidence "
            "(/etc/ntp.conf names no time source ntpd selects, and /etc/ntp.d/*.conf (which "
            "ntpsec reads too) was not read)",
        ),
        (
            "/etc/ntpsec/ntp.conf",
            "driftfile /var/lib/ntpsec/ntp.drift\n",
            PEERS,
            "pass",
            "ntpd running",
        ),
    ],
    ids=["ntpsec-sources-in-ntp-d", "only-noselect", "outside-peer-settles"],
)
def test_file_without_source_is_asked(
    host_scan, path: str, conf: str, peers: str | None, status: str, message: str
) -> None:
    """R24T-3. ntpsec ntpd-body.adoc: "Then the configuration directory, if it exists, is
    scanned. Normally this directory is /etc/ntp.d" (not collected). Was: "ntpd running"
    (pass) on a file naming no source ntpd selects. Right: the R22T-1 question; an outside
    system peer (`ntpq -pn`) still settles it."""
    a = host_scan(
        {
            # ntpsec reads /etc/ntpsec/ntp.conf only with Debian's `-c` (R24U-1)
            "processes": (NTPD if path == "/etc/ntp.conf" else NTPD.replace(ARGV, NTPSEC), 0),
            path: conf,
            **({"ntpq-peers": (peers, 0)} if peers else {}),
        }
    )
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": status},
        {"hv1": message},
    )
    if status == "manual":
        r = next(r for r in a.results if r.check.id == "HVA-202")
        assert r.outcome.question == QUESTION


@pytest.mark.parametrize(
    ("conf", "status", "message"),
    [
        (
            ["server 10.0.0.5 iburst", "enable ntp", "disable monitor ntp # no discipline"],
            "fail",
            "ntpd's clock discipline is off (ntp.conf: disable monitor ntp # no discipline): it "
            "corrects nothing, the clock runs free",
        ),
        (
            ["server 10.0.0.5 iburst", "disable monitor", "# disable ntp"],
            "pass",
            "ntpd running (policy on), servers 10.0.0.5",
        ),
    ],
    ids=["disable-ntp", "held-other-flags"],
)
def test_esx_ntp_conf_disable_ntp_fails(
    tmp_path, conf: list[str], status: str, message: str
) -> None:
    """R24T-4. HostNtpConfig.configFile: "Content of ntp.conf host configuration file, split by
    lines for ntpd version 4.2.8" (vSphere API); ntp's miscopt.html `ntp`: "If disabled, the
    local clock free-runs at its intrinsic time and frequency offset". Was: "ntpd running
    (policy on), servers 10.0.0.5" (pass). Right: a fail naming the line; other flags pass."""
    from pyVmomi import vim

    from test_redteam21_vmw3_probes import _ntp

    info = vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=["10.0.0.5"], configFile=conf))
    result = _ntp(tmp_path, info)
    assert (result.status.value, result.outcome.message) == (status, message)
