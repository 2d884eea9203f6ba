"""Thirty-first red-team review, VMware ESXi (r31-esx): HVA-419 for NTP servers ntpd
authenticates.

Harness: the collector's own code over real pyVmomi objects (collect.vsphere._ntp over a
vim.host.DateTimeInfo), the bundle writer and the engine, through the V21C-2 helper
(tests/test_redteam21_vmw3_probes._ntp: ntpd running, policy on, outgoing traffic not
blocked). Each test asserts the exact status and message.

Findings (R31V-n):
- R31V-1 (false pass) HVA-419: a server ntpd authenticates (ntp.conf `key N` or `autokey`, in
  the server list or in HostNtpConfig.configFile) passed "ntpd running (policy on), servers
  10.0.0.5" with no `keys` file, with the key not trusted, or with nothing to show ntpd holds
  the key. ntp_proto.c receive() (ntp 4.2.8, read with `find_string`): "If the digest fails or
  it's missing for authenticated associations, the client cannot authenticate a server reply"
  and the reply is marked TEST5 ("bad auth"); ntp's authopt.html: `keys` names "the key file
  containing the keys and key identifiers used by ntpd", `trustedkey` "the key identifiers
  which are trusted for the purposes of authenticating peers". The key file is not in the
  evidence, and whether ESXi starts ntpd with one of its own was not found (V24's lead): now
  asked (checks.vmware._ntp_keyed), unless the host reports serviceSync true (V24-1).

Held (kept as tests): an authenticated server on a host reporting serviceSync true: pass; a
server without key options: pass.

Probed by script: `disable ntp` followed by `enable ntp` fails "clock discipline is off"
(ntp's miscopt: the later line re-enables it; a wrong fail at worst, left as a lead);
InheritablePolicy "When used in a configuration information object, The values of the
properties in the subclass are the effective values" (vSphere API, read with `search`): a
distributed port group's inherited security values are already effective, the collector's
reading holds; HostSystemPowerState (vSphere API, read with `search`): "unknown: If the host is
disconnected, or notResponding", so a standBy or poweredOff host reports connected.

Tally: 1 finding (false pass); 7 cases in 2 test functions; 5 failed on main before the fix
(all R31V-1 cases; the 2 held cases passed there too).

Leads left:
- HVA-419: `disable ntp` then `enable ntp` (last wins) fails; a `trustedkey` line that leaves
  out a server's key could fail rather than ask.
- A host in standby or powered off through vCenter (runtime.powerState standBy/poweredOff,
  connectionState connected per the enum text) is assessed on vCenter's copy, its run-time
  fields (serviceSync, running services) stale: a team decision whether it is "not collected".
- DVSMacLearningPolicy (enabled, allowUnicastFlooding) on distributed ports is not read: a
  port learning several MACs and flooded with unknown unicast may receive others' frames.
- extraConfig keys differing only in case; a NIC without ethernetN.virtualDev (R24 leads).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam21_vmw3_probes import _ntp


def _info(servers: list[str], conf: list[str] | None = None, **runtime: Any) -> Any:
    from pyVmomi import vim

    return vim.host.DateTimeInfo(
        ntpConfig=vim.host.NtpConfig(server=servers, configFile=conf or []), **runtime
    )


def _asked(servers: str, keyed: str) -> str:
    return (
        f"ntpd running (policy on), servers {servers}; {keyed} authenticated (ntp.conf "
        "`key`/`autokey`): the keys ntpd holds and trusts are not in the evidence, and the host "
        "does not report its clock synchronised (config.dateTimeInfo.serviceSync)"
    )


@pytest.mark.parametrize(
    ("servers", "conf", "message"),
    [
        (["10.0.0.5"], ["server 10.0.0.5 key 7"], _asked("10.0.0.5", "10.0.0.5 key 7")),
        (
            ["10.0.0.5"],
            ["keys /etc/ntp.keys", "server 10.0.0.5 key 7"],
            _asked("10.0.0.5", "10.0.0.5 key 7"),
        ),
        (
            ["10.0.0.5"],
            ["keys /etc/ntp.keys", "trustedkey 3", "server 10.0.0.5 key 7"],
            _asked("10.0.0.5", "10.0.0.5 key 7"),
        ),
        (["10.0.0.5"], ["server 10.0.0.5 autokey"], _asked("10.0.0.5", "10.0.0.5 autokey")),
        (["10.0.0.5 key 7"], [], _asked("10.0.0.5 key 7", "10.0.0.5 key 7")),
    ],
    ids=["no-keys-file", "key-not-trusted", "other-key-trusted", "autokey", "list-key"],
)
def test_r31v_1_authenticated_server_without_evidence_of_its_key_is_asked(
    tmp_path: Path, servers: list[str], conf: list[str], message: str
) -> None:
    """R31V-1: ntp_proto.c receive(): a reply whose digest "fails or it's missing for
    authenticated associations" is TEST5 ("bad auth"); authopt.html `keys`, `trustedkey`. Was:
    "ntpd running (policy on), servers ..." (pass). Right: asked, the keys named."""
    result = _ntp(tmp_path, _info(servers, conf))
    assert (result.status.value, result.outcome.message) == ("manual", message)
    assert result.outcome.question is not None
    assert "`trustedkey`" in result.outcome.question


@pytest.mark.parametrize(
    ("servers", "conf", "runtime"),
    [
        (["10.0.0.5"], ["server 10.0.0.5 key 7"], {"enabled": True, "serviceSync": True}),
        (["10.0.0.5"], ["server 10.0.0.5 iburst"], {}),
    ],
    ids=["keyed-but-host-reports-sync", "no-key"],
)
def test_r31v_1_held_reported_sync_or_no_key_passes(
    tmp_path: Path, servers: list[str], conf: list[str], runtime: dict[str, Any]
) -> None:
    """R31V-1 held: the host's own serviceSync true (V24-1) settles an authenticated server;
    a server without key options passes as before."""
    result = _ntp(tmp_path, _info(servers, conf, **runtime))
    assert (result.status.value, result.outcome.message) == (
        "pass",
        "ntpd running (policy on), servers 10.0.0.5",
    )
