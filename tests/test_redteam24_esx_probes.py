"""Twenty-fourth red-team review, VMware ESXi (rt24esx): HVA-419 for what the host reports of
its time services and what its ntp.conf says, HVA-420/421 for log targets that are the host.

Harness: the collector's own code over real pyVmomi objects (collect.vsphere._ntp over a
vim.host.DateTimeInfo, _vnic_addresses over a HostIpConfig, _dns_names over a HostDnsConfig),
the bundle writer and the engine, through the V21C-2 helper (tests/test_redteam21_vmw3_probes.
_ntp: ntpd running, policy on, outgoing traffic not blocked) or a host record built the same
way (_self_host). Each test asserts the exact status and message.

Findings (V24-n):
- V24-1 (false pass) HVA-419: a host whose own report says its clock is not synchronised passed
  "ntpd running (policy on), servers 10.0.0.5": the collector kept none of HostDateTimeInfo's
  API 7.0.3 run-time fields (pyVmomi's vim.host.DateTimeInfo: enabled, serviceSync,
  lastSyncTime, remoteNtpServer, all vim.version.v7_0_3_0). Their documented meaning (vSphere
  API HostDateTimeInfo, read with `search` and `find_string`): enabled "Present state of the
  time services subsystem"; serviceSync "Report true if time is synchronized with remote time
  source ... For NetworkTimeProtocol this obtained from Leap Indicator value"; lastSyncTime "If
  not set, time services have never established synchronization"; remoteNtpServer "Provides
  the NTP server that the host is synced with from the set of servers configured". Passed
  were: serviceSync false (servers that never answer), enabled false, and ntpd synchronised to
  its LOCAL driver 127.127.1.0 kept as a fallback beside an outside server (the leap indicator
  is then 0: R23T-2 fails the same system peer on Linux). Now each fails naming the field, as
  HVA-202 fails NTPSynchronized=no (checks.vmware._time_service_state); an unset field (a host
  older than 7.0.3) is judged on the configuration as before.
- V24-2 (false pass) HVA-419: ntp.conf `tos` lines that leave ntpd no server to select passed
  "ntpd running (policy on), servers 10.0.0.5": `tos minsane 3` beside one server (or two, one
  marked noselect), `tos floor 16`, `tos ceiling 1`. HostNtpConfig.configFile is ntp.conf "for
  ntpd version 4.2.8", only `restrict` and `drift` "set to fixed defaults" (vSphere API, read
  with `search`); ntp 4.2.8 miscopt.html (nwtime/ntpwww, read with `read_file`): minsane "the
  number of servers used by the selection algorithm as the minimum to set the system clock",
  default 1; ceiling "the maximum stratum (exclusive) for acceptable server packets", default
  16; floor "the minimum stratum (inclusive)", default 1; maxdist "the synchronization distance
  threshold used by the clock selection algorithm", default 1.5 s; ntp_proto.c peer_unfit
  ("peer->stratum < sys_floor || peer->stratum >= sys_ceiling", root distance against
  sys_maxdist, read with `find_string`). Now a minsane above the servers ntpd can select, or a
  floor and ceiling no stratum 1-15 fits, fails; a floor above 1, a ceiling below 16 or a
  maxdist below 1.5 s is asked (`ntpq -pn`), as it rests on the servers' stratum and distance
  (checks.vmware._ntp_tos); a later value replaces an earlier one.

- V24-3 (false pass) HVA-419: ntp.conf's server lines were read only where the server list is
  empty (V21C-2): a list "10.0.0.5" beside a configFile whose server line marks it noselect, or
  names only the LOCAL driver 127.127.1.0, passed "ntpd running (policy on), servers 10.0.0.5".
  HostNtpConfig.configFile is "Content of ntp.conf host configuration file, split by lines for
  ntpd version 4.2.8" (vSphere API, read with `search`): the file ntpd reads. Now where the
  file's server, peer and pool lines name other sources than the list (address, or noselect:
  other options do not count, checks.vmware._ntp_sources), HVA-419 judges the file's and names
  the difference; a file that passes where the list differs is asked.

- V24-4 (false pass) HVA-419 HVA-420 HVA-421: a time or log target that is the host's own
  inventory name (HostSystem.name) or a VMkernel address of its own counted as off the host:
  HVA-419 passed "ntpd running (policy on), servers esx1", HVA-420 passed "logs to
  ssl://esx1:1514, certificates verified", HVA-421 counted the audit records forwarded. Only
  loopback, `localhost` and the unspecified address were the host itself (V16-2, V20-1). ntpd
  polling itself gets an unsynchronised server's replies, unfit (ntp_proto.c peer_unfit: "A
  stratum error occurs if (1) the server has never been synchronized", read with
  `find_string`); ESXI-80-000114 asks for "a site-specific syslog server"; HVA-202 on Linux
  counts the host's own names and addresses as the host itself (R21T-3). The collector now
  keeps each VMkernel adapter's addresses (HostVirtualNicSpec.ip: HostIpConfig.ipAddress and
  ipV6Config.ipV6Address, collect.vsphere._vnic_addresses) and the host's DNS names
  (config.network.dnsConfig: HostDnsConfig hostName, "The host name portion of DNS name", with
  domainName; collect.vsphere._dns_names), and checks.vmware._itself and
  _is_itself compare targets with them and the host's name (any case, trailing dot, canonical
  IP form): where every target is the host itself, the checks fail.

- V24-5 (false pass) HVA-419: ntp.conf `interface ignore all` (or `nic drop all`) passed
  "ntpd running (policy on), servers 10.0.0.5". ntp 4.2.8 miscopt.html (nwtime/ntpwww, read
  with `read_file`): "ignore prevents opening matching addresses, drop causes ntpd to open the
  address and drop all received packets without examination ... The last rule which matches a
  particular address determines the action for it". Now a last `all` rule that ignores or drops,
  with no `listen` rule, fails; other ignore or drop rules are asked (`ntpq -pn`), except an
  ipv4/ipv6 rule where every outside server is a literal address of the other family
  (checks.vmware._ntp_interfaces).

Held (kept as tests): V24-1 serviceSync true, enabled true, remoteNtpServer the outside server:
pass. V24-2 two servers for minsane 2, maxdist 16 beside a commented `# tos minsane 3`, and
`tos minsane 3` then `tos minsane 1`: pass. V24-3 a file naming the list's server with
iburst, a comment or -4, or no server line: pass. V24-4 the host's name beside another
server, and a log host elsewhere: pass. V24-5 `interface listen all`, `interface ignore ipv6`
beside an IPv4 server, a commented rule: pass.

Probed by script, not kept (the verdict was right, or is the existing reading):
- HVA-419: an empty server list beside ntp.conf server lines stays V21C-2's question, but fails
  where the host reports serviceSync false (V24-1); `tos maxdist 16`, `interface ignore ipv6`
  beside IPv4 servers pass; `tos floor 2`, `tos maxdist 0.01`, `interface ignore wildcard` are
  asked.
- .vmx readers, by reading and a few runs: keys compare case-insensitively (ASCII only,
  parse.vmx _ASCII_LOWER), a repeated key keeps its first value with a note (VMware's
  dictionary refuses the repeat: "Variable ... is already defined", V-prior rounds), booleans
  as Dictionary_StringToBool ("TRUE", "true", "1", "yes", "on", "" TRUE; " TRUE" and anything
  else FALSE), numbers as strtol base 0 (tools.setInfo.sizeLimit, RemoteDisplay.maxConnections).
  floppy0.present defaults TRUE (libvirt vmx.c, V14-5); serialN/parallelN default not present;
  serial network endPoint defaults to server (libvirt src/vmx/vmx.c's key table, read with
  `read_file`). No false verdict found there.

Decisions for the team:
- V24-1 trusts HostDateTimeInfo's run-time fields as collected through vCenter's
  PropertyCollector (config.dateTimeInfo); whether vCenter refreshes serviceSync and
  lastSyncTime between host configuration changes was not found. A stale serviceSync false
  would fail a host that has since synchronised (a transient after boot fails too, as HVA-202
  fails NTPSynchronized=no on Linux).
- V24-3 judges ntp.conf's server lines over the server list when they differ (the file is what
  ntpd reads): a file that fails fails even if the list would pass; a file that passes where
  the list differs is asked, not passed.

Tally: 34 cases in 12 test functions; 23 failed before the fixes (run with main's src and this
file; the held cases passed there too): 4 on 57d8239 before V24-1, 6 on b5de5bb before V24-2,
3 on 05d8064 before V24-3, 6 on cc0a583 before V24-4 and 1 (the host's DNS name) on 66325ea,
3 on 7994047 before V24-5.

Leads left (not settled in the time):
- HVA-419: a server entry with ntp.conf's `key N` (or `autokey`) and no `keys`/`trustedkey`
  line in configFile: whether ESXi starts ntpd with a key file of its own (-k) was not found;
  on 7.0.3 and later serviceSync (V24-1) shows the outcome.
- HVA-419: the PTP path ignores serviceSync and inFallbackState (a running ptpd with an active
  port is asked, so no false pass); `interface ignore ipv4` beside IPv4 servers is asked where
  it may be a fail.
- extraConfig entries whose keys differ only in case (render_vmx keeps the first the API
  returns): whether hostd can hold two such entries was not found.
- A NIC without ethernetN.virtualDev: libvirt's vmx.c key table says "default depends on
  guestOS value" (read with `read_file`); the table was not found (R14 lead).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from test_redteam21_vmw3_probes import _ntp


def _info(servers: list[str], **runtime: Any) -> Any:
    from pyVmomi import vim

    return vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=servers), **runtime)


UNSYNCED = (
    "the host reports its clock not synchronised with a remote time source "
    "(config.dateTimeInfo.serviceSync false, from ntpd's leap indicator; "
)


@pytest.mark.parametrize(
    ("servers", "runtime", "message"),
    [
        (
            ["10.0.0.5"],
            {"enabled": True, "serviceSync": False},
            UNSYNCED + "lastSyncTime unset: never synchronised)",
        ),
        (
            ["10.0.0.5"],
            {
                "enabled": True,
                "serviceSync": False,
                "lastSyncTime": datetime.datetime(2026, 11, 1, 4, 0, tzinfo=datetime.UTC),
            },
            UNSYNCED + "last in sync 2026-11-01T04:00:00+00:00)",
        ),
        (
            ["10.0.0.5"],
            {"enabled": False},
            "the host reports its time services down (config.dateTimeInfo.enabled false: "
            '"Present state of the time services subsystem")',
        ),
        (
            ["10.0.0.5", "127.127.1.0"],
            {"enabled": True, "serviceSync": True, "remoteNtpServer": "127.127.1.0"},
            "the host reports ntpd synchronised to 127.127.1.0 (config.dateTimeInfo."
            "remoteNtpServer), the host's own clock (loopback or ntpd's local clock "
            "127.127.1.0), not a time source",
        ),
    ],
    ids=["never-synced", "lost-sync", "time-services-down", "synced-to-local-clock"],
)
def test_v24_1_host_reports_its_clock_unsynchronised(
    tmp_path: Path, servers: list[str], runtime: dict[str, Any], message: str
) -> None:
    """V24-1: HostDateTimeInfo (vSphere API 7.0.3, read with `search`/`find_string`):
    serviceSync "Report true if time is synchronized with remote time source ... For
    NetworkTimeProtocol this obtained from Leap Indicator value", lastSyncTime "If not set,
    time services have never established synchronization", enabled "Present state of the time
    services subsystem", remoteNtpServer "the NTP server that the host is synced with". Was:
    "ntpd running (policy on), servers ..." (pass). Right: fail naming the field."""
    result = _ntp(tmp_path, _info(servers, **runtime))
    assert (result.status.value, result.outcome.message) == ("fail", message)


def test_v24_1_held_host_reporting_sync_to_an_outside_server_passes(tmp_path: Path) -> None:
    """V24-1 held: the same fields saying synchronised to the configured outside server leave
    the pass as it was."""
    info = _info(
        ["10.0.0.5"],
        enabled=True,
        serviceSync=True,
        remoteNtpServer="10.0.0.5",
        lastSyncTime=datetime.datetime(2026, 12, 5, 4, 0, tzinfo=datetime.UTC),
    )
    result = _ntp(tmp_path, info)
    assert (result.status.value, result.outcome.message) == (
        "pass",
        "ntpd running (policy on), servers 10.0.0.5",
    )


# --- V24-2: HVA-419 and ntp.conf's `tos` lines ----------------------------------------------------


def _conf(servers: list[str], conf: list[str]) -> Any:
    from pyVmomi import vim

    return vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=servers, configFile=conf))


TIGHT = "ntpd running (policy on), servers 10.0.0.5; ntp.conf narrows the servers ntpd accepts: "


@pytest.mark.parametrize(
    ("servers", "conf", "status", "message"),
    [
        (
            ["10.0.0.5"],
            ["server 10.0.0.5", "tos minsane 3"],
            "fail",
            "ntp.conf `tos minsane 3`: ntpd sets the clock only with that many servers "
            "selected, and it names 1 it can select",
        ),
        (
            ["10.0.0.5", "10.0.0.6 noselect"],
            ["tos minsane 2"],
            "fail",
            "ntp.conf `tos minsane 2`: ntpd sets the clock only with that many servers "
            "selected, and it names 1 it can select",
        ),
        (
            ["10.0.0.5"],
            ["tos floor 16"],
            "fail",
            "ntp.conf's `tos` floor 16, ceiling 16 (ntp's defaults 1 and 16 where not set) "
            "accept no server stratum (peer_unfit: below the floor or at or above the "
            "ceiling): ntpd selects none",
        ),
        (
            ["10.0.0.5"],
            ["tos ceiling 1"],
            "fail",
            "ntp.conf's `tos` floor 1, ceiling 1 (ntp's defaults 1 and 16 where not set) "
            "accept no server stratum (peer_unfit: below the floor or at or above the "
            "ceiling): ntpd selects none",
        ),
        (
            ["10.0.0.5"],
            ["tos floor 2"],
            "manual",
            TIGHT + "tos floor 2 (servers of a lower stratum refused)",
        ),
        (
            ["10.0.0.5"],
            ["tos maxdist 0.01"],
            "manual",
            TIGHT + "tos maxdist 0.01 (servers farther refused; default 1.5 s)",
        ),
    ],
    ids=[
        "minsane-above-one",
        "minsane-beside-noselect",
        "floor-16",
        "ceiling-1",
        "floor-2",
        "maxdist",
    ],
)
def test_v24_2_tos_lines_that_keep_ntpd_from_selecting(
    tmp_path: Path, servers: list[str], conf: list[str], status: str, message: str
) -> None:
    """V24-2: HostNtpConfig.configFile is ntp.conf "for ntpd version 4.2.8" (only `restrict`
    and `drift` are fixed by the host: vSphere API, read with `search`). ntp 4.2.8 miscopt.html
    (read with `read_file` of nwtime/ntpwww): minsane "the number of servers used by the
    selection algorithm as the minimum to set the system clock" (default 1); ceiling "the
    maximum stratum (exclusive) for acceptable server packets" (16), floor "the minimum stratum
    (inclusive)" (1), maxdist "the synchronization distance threshold" (1.5 s); ntp_proto.c
    peer_unfit: "peer->stratum < sys_floor || peer->stratum >= sys_ceiling" is unfit (read
    with `find_string`). Was: "ntpd running (policy on), servers ..." (pass). Right: no server
    can be selected fails; a tighter limit that rests on the servers' stratum or distance is
    asked."""
    result = _ntp(tmp_path, _conf(servers, conf))
    assert (result.status.value, result.outcome.message) == (status, message)
    if status == "manual":
        assert "`ntpq -pn`" in (result.outcome.question or "")


@pytest.mark.parametrize(
    ("servers", "conf"),
    [
        (["10.0.0.5", "10.0.0.6"], ["tos minsane 2"]),
        (["10.0.0.5"], ["tos maxdist 16", "# tos minsane 3"]),
        (["10.0.0.5"], ["tos minsane 3", "tos minsane 1"]),
    ],
    ids=["minsane-met", "maxdist-looser-and-comment", "later-line-wins"],
)
def test_v24_2_held_tos_that_leaves_a_server_selectable_passes(
    tmp_path: Path, servers: list[str], conf: list[str]
) -> None:
    """V24-2 held: enough servers for minsane, a looser maxdist, a commented line, and a later
    `tos minsane 1` (a later value replaces an earlier one) leave the pass."""
    result = _ntp(tmp_path, _conf(servers, conf))
    assert (result.status.value, result.outcome.message) == (
        "pass",
        f"ntpd running (policy on), servers {', '.join(servers)}",
    )


# --- V24-3: HVA-419 and ntp.conf's server lines beside the server list -----------------------------


@pytest.mark.parametrize(
    ("servers", "conf", "status", "message"),
    [
        (
            ["10.0.0.5"],
            ["restrict default kod nomodify notrap nopeer noquery", "server 10.0.0.5 noselect"],
            "fail",
            'no NTP server ntpd selects: 10.0.0.5 noselect (`noselect`: "discarded by the '
            "selection algorithm\"; any other is the host's own clock); ntp.conf (configFile) "
            "names server 10.0.0.5 noselect, the server list (ntpConfig.server) 10.0.0.5",
        ),
        (
            ["10.0.0.5"],
            ["server 127.127.1.0"],
            "fail",
            "no NTP server off the host: 127.127.1.0 (loopback or ntpd's local clock "
            "127.127.1.0: the host's own clock); ntp.conf (configFile) names server "
            "127.127.1.0, the server list (ntpConfig.server) 10.0.0.5",
        ),
        (
            ["127.127.1.0"],
            ["server 10.0.0.5 iburst"],
            "manual",
            "ntpd running (policy on); ntp.conf (configFile) names server 10.0.0.5 iburst, the "
            "server list (ntpConfig.server) 127.127.1.0",
        ),
    ],
    ids=["file-noselect", "file-local-clock", "file-remote-list-local"],
)
def test_v24_3_ntp_conf_servers_that_differ_from_the_list(
    tmp_path: Path, servers: list[str], conf: list[str], status: str, message: str
) -> None:
    """V24-3: HostNtpConfig.configFile is "Content of ntp.conf host configuration file, split
    by lines for ntpd version 4.2.8" (vSphere API, read with `search`): the file ntpd reads.
    HVA-419 judged the server list (ntpConfig.server) alone, so a file whose only server is
    marked noselect (V22-1) or is the LOCAL driver (V16-2) passed "ntpd running (policy on),
    servers 10.0.0.5". Right: judged on the file's server lines, the difference named; a file
    that passes where the list does not is asked, not passed."""
    result = _ntp(tmp_path, _conf(servers, conf))
    assert (result.status.value, result.outcome.message) == (status, message)
    if status == "manual":
        assert "`ntpq -pn`" in (result.outcome.question or "")


@pytest.mark.parametrize(
    "conf",
    [["server 10.0.0.5 iburst # site"], ["server -4 10.0.0.5"], ["driftfile /etc/ntp.drift"]],
    ids=["options-only", "address-family", "no-server-line"],
)
def test_v24_3_held_file_naming_the_same_sources_passes(tmp_path: Path, conf: list[str]) -> None:
    """V24-3 held: a file whose server lines name the list's sources (options such as iburst, an
    address family flag, a comment aside), or none, leaves the pass on the list."""
    result = _ntp(tmp_path, _conf(["10.0.0.5"], conf))
    assert (result.status.value, result.outcome.message) == (
        "pass",
        "ntpd running (policy on), servers 10.0.0.5",
    )


# --- V24-4: HVA-419, HVA-420, HVA-421 and targets that are the host's own name or address ----------


def _self_host(
    tmp_path: Path, servers: list[str] | None, loghost: str | None, vmk: list[str]
) -> dict[str, tuple[str, str]]:
    """Host esx1 (its inventory name), one VMkernel adapter with the addresses `vmk` as the
    collector's _vnic_addresses reads them, ntpd running with `servers`, and the syslog and
    audit-record options of a hardened host with Syslog.global.logHost `loghost`."""
    from pyVmomi import vim

    from hvaudit.collect import vsphere
    from test_redteam13_vmw_probes import _vsphere

    v4 = [a for a in vmk if ":" not in a]
    ip = vim.host.IpConfig(
        ipAddress=v4[0] if v4 else None,
        ipV6Config=vim.host.IpConfig.IpV6AddressConfiguration(
            ipV6Address=[
                vim.host.IpConfig.IpV6Address(ipAddress=a, prefixLength=64) for a in vmk if ":" in a
            ]
        ),
    )
    host: dict[str, Any] = {
        "firewall": {"incoming_blocked": True, "outgoing_blocked": False, "rulesets": []},
        "services": {"ntpd": {"running": True, "policy": "on"}},
        "vmknics": [
            {
                "device": "vmk0",
                "portgroup": "Management Network",
                "dvs_portgroup": "",
                "netstack": "defaultTcpipStack",
                # the collector's reading where it has one (before V24-4 it kept none)
                "addresses": vsphere._vnic_addresses(ip)
                if hasattr(vsphere, "_vnic_addresses")
                else vmk,
            }
        ],
    }
    if servers is not None:
        info = vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=servers))
        host["ntp"] = vsphere._ntp(info)
    if loghost is not None:
        host["advanced"] = {
            "Syslog.global.logHost": loghost,
            "Syslog.global.certificate.checkSSLCerts": True,
            "Syslog.global.logFiltersEnable": False,
            "Syslog.global.auditRecord.storageEnable": True,
            "Syslog.global.auditRecord.storageCapacity": 100,
            "Syslog.global.auditRecord.remoteEnable": True,
        }
    a = _vsphere(tmp_path, host)
    return {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-419", "HVA-420", "HVA-421")
    }


SELF_NTP = (
    "(the host's own name or address, loopback or ntpd's local clock 127.127.1.0: ntpd would "
    "poll itself)"
)


@pytest.mark.parametrize(
    ("servers", "vmk"),
    [
        (["esx1"], []),
        (["ESX1. iburst"], []),
        (["192.0.2.11"], ["192.0.2.11"]),
        (["2001:db8::0:11"], ["2001:db8::11"]),
    ],
    ids=["inventory-name", "name-any-case-trailing-dot", "vmk-ipv4", "vmk-ipv6-other-spelling"],
)
def test_v24_4_ntp_server_that_is_the_host_itself(
    tmp_path: Path, servers: list[str], vmk: list[str]
) -> None:
    """V24-4: an NTP server that is the host's own inventory name (HostSystem.name) or a
    VMkernel address of its own (HostVirtualNicSpec.ip: HostIpConfig.ipAddress,
    ipV6Config.ipV6Address) passed "ntpd running (policy on), servers esx1". ntpd polling itself
    gets replies from an unsynchronised server, unfit: ntp_proto.c peer_unfit "A stratum error
    occurs if (1) the server has never been synchronized" (read with `find_string`); HVA-202
    counts the host's own addresses and names as the host itself (R21T-3). Right: fail."""
    result = _self_host(tmp_path, servers, None, vmk)["HVA-419"]
    assert result == ("fail", f"no NTP server off the host: {servers[0]} {SELF_NTP}")


@pytest.mark.parametrize(
    ("loghost", "vmk"),
    [("ssl://esx1:1514", []), ("ssl://[2001:db8::11]:1514", ["2001:db8::11"])],
    ids=["inventory-name", "vmk-ipv6"],
)
def test_v24_4_log_host_that_is_the_host_itself(
    tmp_path: Path, loghost: str, vmk: list[str]
) -> None:
    """V24-4: Syslog.global.logHost naming only the host itself (its inventory name, a
    VMkernel address) passed HVA-420 "logs to ssl://esx1:1514, certificates verified"; V20-1
    fails loopback targets ("no log host off the host": ESXI-80-000114 asks for "a
    site-specific syslog server"). Right: fail, and HVA-421's forwarding likewise."""
    result = _self_host(tmp_path, None, loghost, vmk)
    assert result["HVA-420"] == (
        "fail",
        f"no log host off the host: Syslog.global.logHost = {loghost} (the host's own name or "
        "address, loopback or unspecified address: the host itself, not a remote log server)",
    )
    assert result["HVA-421"][0] == "fail"
    assert (
        f"audit records not forwarded off the host: Syslog.global.logHost = {loghost}"
        in result["HVA-421"][1]
    )


def test_v24_4_held_targets_off_the_host_pass(tmp_path: Path) -> None:
    """V24-4 held: another host's address beside the host's own, and a log host elsewhere,
    keep their passes."""
    result = _self_host(tmp_path, ["esx1", "192.0.2.12"], "ssl://log.example:1514", ["192.0.2.11"])
    assert result["HVA-419"] == ("pass", "ntpd running (policy on), servers esx1, 192.0.2.12")
    assert result["HVA-420"] == ("pass", "logs to ssl://log.example:1514, certificates verified")


def test_v24_4_ntp_server_that_is_the_hosts_dns_name(tmp_path: Path) -> None:
    """V24-4: a host added to vCenter by its address (HostSystem.name 192.0.2.11) whose NTP
    server is its own DNS name (HostDnsConfig hostName "The host name portion of DNS name",
    domainName "The domain name portion of the DNS name"; vSphere API) passed "ntpd running
    (policy on), servers esx-a.corp.example". Right: fail, as for its inventory name."""
    from pyVmomi import vim

    from hvaudit.collect import vsphere
    from test_redteam13_vmw_probes import _vsphere

    dns = vim.host.DnsConfig(hostName="esx-a", domainName="corp.example")
    host: dict[str, Any] = {
        "name": "192.0.2.11",
        "firewall": {"incoming_blocked": True, "outgoing_blocked": False, "rulesets": []},
        "services": {"ntpd": {"running": True, "policy": "on"}},
        "ntp": vsphere._ntp(
            vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=["esx-a.corp.example"]))
        ),
        # the collector's reading where it has one (before V24-4 it kept none)
        "dns_names": vsphere._dns_names(dns) if hasattr(vsphere, "_dns_names") else [],
    }
    (result,) = [r for r in _vsphere(tmp_path, host).results if r.check.id == "HVA-419"]
    assert (result.status.value, result.outcome.message) == (
        "fail",
        f"no NTP server off the host: esx-a.corp.example {SELF_NTP}",
    )


# --- V24-5: HVA-419 and ntp.conf's `interface` rules ----------------------------------------------

IFACE = "ntpd running (policy on), servers 10.0.0.5; ntp.conf narrows the servers ntpd accepts: "


@pytest.mark.parametrize(
    ("conf", "status", "message"),
    [
        (
            ["interface ignore all"],
            "fail",
            "ntp.conf `interface ignore all`: ntpd opens no network address, so no server's "
            "reply reaches it",
        ),
        (
            ["nic drop all"],
            "fail",
            "ntp.conf `nic drop all`: ntpd drops every packet it receives, so no server's reply "
            "reaches it",
        ),
        (
            ["interface ignore wildcard", "interface listen 127.0.0.1"],
            "manual",
            IFACE + "interface ignore wildcard (addresses ntpd ignores or drops)",
        ),
    ],
    ids=["ignore-all", "nic-drop-all", "ignore-wildcard-listen-loopback"],
)
def test_v24_5_interface_rules_that_close_ntpd(
    tmp_path: Path, conf: list[str], status: str, message: str
) -> None:
    """V24-5: ntp 4.2.8 miscopt.html (read with `read_file` of nwtime/ntpwww): "interface
    [listen | ignore | drop] [all | ipv4 | ipv6 | wildcard | name | address[/prefixlen]]":
    "ignore prevents opening matching addresses, drop causes ntpd to open the address and drop
    all received packets without examination ... The last rule which matches a particular
    address determines the action for it"; `nic` is its alias. configFile lines other than
    `restrict` and `drift` reach ntp.conf (vSphere API HostNtpConfig). Was: "ntpd running
    (policy on), servers 10.0.0.5" (pass). Right: every address ignored or dropped fails; a
    narrower rule is asked."""
    result = _ntp(tmp_path, _conf(["10.0.0.5"], conf))
    assert (result.status.value, result.outcome.message) == (status, message)


@pytest.mark.parametrize(
    "conf",
    [["interface listen all"], ["interface ignore ipv6"], ["# interface ignore all"]],
    ids=["listen-all", "ipv6-ignored-ipv4-server", "commented"],
)
def test_v24_5_held_interface_rules_that_leave_the_server_reachable(
    tmp_path: Path, conf: list[str]
) -> None:
    """V24-5 held: `listen all`, IPv6 ignored beside an IPv4 server, and a commented rule
    leave the pass."""
    result = _ntp(tmp_path, _conf(["10.0.0.5"], conf))
    assert (result.status.value, result.outcome.message) == (
        "pass",
        "ntpd running (policy on), servers 10.0.0.5",
    )
