"""Red-team round 16 on VMware: host firewall, NTP and the other host items rounds 10-15
(tests/test_redteam1{0,1,2,3,4,5}_vmw_probes.py) and their leads (tests/test_pvevmw_leads1{4,5}.py)
did not probe. Each probe names the source it rests on (read with `search`, `find_string`,
`read_file`) and asserts the exact verdict; each finding's probe failed on the code before its
fix (main d25c728).

Findings:

- V16-1 (false pass): HVA-412 passed a host whose firewall lets outgoing traffic out by default
  (HostFirewallDefaultPolicy.outgoingBlocked false) on incomingBlocked alone. vSphere 8 STIG
  ESXI-80-000214: "ensuring this is set to deny incoming and outgoing traffic ... If the
  Incoming or Outgoing policies are "True", this is a finding". Now a fail; an outgoingBlocked
  the host does not report is asked.
- V16-2 (false pass): HVA-419 passed "ntpd running (policy on), servers 127.127.1.0" (ntpd's
  "Undisciplined Local Clock ... a fake driver intended for backup and when no outside source of
  synchronized time is available") and likewise 127.0.0.1, `localhost` or `127.1`: the host
  synchronising with its own clock. A server list that is only the host itself now fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from test_redteam11_vmw_probes import _question, _verdict
from test_redteam13_vmw_probes import _vsphere

# --- V16-1: HVA-412 and the outgoing default policy -------------------------------------------------


def _firewall(outgoing: bool | None) -> dict[str, Any]:
    """A host firewall as pyVmomi returns it (vim.host.FirewallInfo), through collect/vsphere.py's
    _host_record: incoming blocked, outgoingBlocked `outgoing`, sshServer limited to
    10.0.0.0/24."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    ip = vim.host.Ruleset.IpList
    info = vim.host.FirewallInfo(
        defaultPolicy=vim.host.FirewallInfo.DefaultPolicy(
            incomingBlocked=True, outgoingBlocked=outgoing
        ),
        ruleset=[
            vim.host.Ruleset(
                key="sshServer",
                label="SSH Server",
                required=False,
                enabled=True,
                rule=[vim.host.Ruleset.Rule(port=22, direction="inbound", protocol="tcp")],
                allowedHosts=ip(
                    allIp=False,
                    ipNetwork=[vim.host.Ruleset.IpNetwork(network="10.0.0.0", prefixLength=24)],
                ),
                ipListUserConfigurable=True,
            ),
        ],
    )
    record = _host_record({"name": "esx1", "config.firewall": info}, {})
    return json.loads(json.dumps({"firewall": record["firewall"]}))


def test_outgoing_traffic_allowed_by_default_fails(tmp_path: Path) -> None:
    """vSphere 8 STIG ESXI-80-000214 (V-258769, read with `find_string`/`read_file`): "ESXi has a
    default firewall rule policy to allow or deny incoming and outgoing traffic. Reduce the risk
    of attack by ensuring this is set to deny incoming and outgoing traffic ... From a PowerCLI
    command prompt ... Get-VMHostFirewallDefaultPolicy. If the Incoming or Outgoing policies are
    "True", this is a finding" (the fix: Set-VMHostFirewallDefaultPolicy -AllowIncoming $false
    -AllowOutgoing $false). The vSphere API keeps both (HostFirewallDefaultPolicy incomingBlocked,
    outgoingBlocked: "Flag indicating whether outgoing traffic should be blocked by default",
    read with `search`). HVA-412 read incomingBlocked only and passed "incoming blocked; every
    enabled ruleset limited to listed networks". Right: fail."""
    a = _vsphere(tmp_path, _firewall(outgoing=False))
    assert _verdict(a, "HVA-412") == ("fail", "outgoing traffic is not blocked by default")


def test_outgoing_policy_not_reported_is_asked(tmp_path: Path) -> None:
    """V16-1, the policy not reported (HostFirewallDefaultPolicy's fields "Need not be set"):
    asked, not passed."""
    a = _vsphere(tmp_path, _firewall(outgoing=None))
    assert _verdict(a, "HVA-412") == (
        "manual",
        "evidence unavailable: config.firewall.defaultPolicy.outgoingBlocked not reported",
    )
    assert _question(a, "HVA-412") == (
        "Does host esx1's firewall block outgoing traffic by default? Evidence: `esxcli network "
        "firewall get` there (Default Action) or PowerCLI Get-VMHostFirewallDefaultPolicy "
        "(OutgoingEnabled). Pass: yes, DROP (OutgoingEnabled False); fail: PASS (OutgoingEnabled "
        "True)."
    )


def test_both_directions_blocked_held(tmp_path: Path) -> None:
    """Held (V16-H1): both directions blocked, sshServer limited: pass (the text now names both
    directions)."""
    a = _vsphere(tmp_path, _firewall(outgoing=True))
    assert _verdict(a, "HVA-412") == (
        "pass",
        "incoming and outgoing blocked; every enabled ruleset limited to listed networks",
    )


# --- V16-2: HVA-419 and an NTP server that is the host itself -----------------------------------------


def _ntp(tmp_path: Path, servers: list[str]) -> tuple[str, str]:
    a = _vsphere(
        tmp_path,
        {
            "ntp": {"servers": servers, "protocol": "ntp"},
            "services": {"ntpd": {"running": True, "policy": "on"}},
        },
    )
    return _verdict(a, "HVA-419")


@pytest.mark.parametrize(
    "servers",
    [["127.127.1.0"], ["127.0.0.1"], ["localhost"], ["127.1", "::1"]],
    ids=["local-clock-driver", "loopback", "localhost", "other-spellings"],
)
def test_ntp_server_that_is_the_host_itself_fails(tmp_path: Path, servers: list[str]) -> None:
    """vSphere 8 STIG ESXI-80-000124: the host "must synchronize internal information system
    clocks to an authoritative time source". ntp's stock ntp.conf (read with `find_string`):
    "server 127.127.1.0 # local clock" under "Undisciplined Local Clock. This is a fake driver
    intended for backup and when no outside source of synchronized time is available"; ntp.org's
    reference clock page: the driver "can simulate a reference clock when no external
    synchronization sources are available". A loopback server (127/8 in any inet_aton(3)
    spelling, ::1, `localhost`) is the host's own ntpd. HVA-419 passed "ntpd running (policy on),
    servers ...". Right: fail."""
    assert _ntp(tmp_path, servers) == (
        "fail",
        f"no NTP server off the host: {', '.join(servers)} (loopback or ntpd's local clock "
        "127.127.1.0: the host's own clock)",
    )


@pytest.mark.parametrize(
    "servers",
    [["ntp1.example.org"], ["ntp1.example.org", "127.127.1.0"], ["127.0.0.1.example.org"]],
    ids=["site-server", "local-clock-as-backup", "name-under-a-domain"],
)
def test_ntp_server_off_the_host_held(tmp_path: Path, servers: list[str]) -> None:
    """Held (V16-H2): a site server, with or without the local clock as a backup beside it (the
    stock configuration's use), and a name that only starts like a loopback address (resolved
    by DNS): pass, as before."""
    assert _ntp(tmp_path, servers) == (
        "pass",
        f"ntpd running (policy on), servers {', '.join(servers)}",
    )
