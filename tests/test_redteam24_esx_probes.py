"""Twenty-fourth red-team review, VMware ESXi time sync (rt24esx): HVA-419 for what the host
reports of its time services now.

Harness: the collector's own code over real pyVmomi objects (collect.vsphere._ntp over a
vim.host.DateTimeInfo), the bundle writer and the engine, through the V21C-2 helper
(tests/test_redteam21_vmw3_probes._ntp: ntpd running, policy on, outgoing traffic not blocked).
Each test asserts the exact status and message.

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

Held (kept as tests): V24-1 serviceSync true, enabled true, remoteNtpServer the outside server:
pass.

Probed by script, not kept: (filled in as findings land)

Tally: 5 cases in 2 test functions; 4 failed before the fixes on main 57d8239 (the held case
passed there too).

Leads left: (filled in as findings land)
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
