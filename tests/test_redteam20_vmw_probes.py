"""Red-team round 20 on VMware: new probes of the kinds rounds 10-18 ran
(tests/test_redteam1{0..8}_vmw_probes.py, tests/test_vmw_leads*.py), on the leads they left
open. Each probe names the source it rests on (read with `search`, `find_string`, `read_file`,
`fetch`) and asserts the exact verdict; each finding's probe failed on main 334ee42, the code
before its fix.

Findings:

- V20-1 (false pass): HVA-420 passed "logs to ssl://127.0.0.1:1514, certificates verified" and
  HVA-421 "audit records ... forwarded" for a Syslog.global.logHost whose every target is the
  host itself (127.0.0.1, localhost, [::1]) or the unspecified address 0.0.0.0. vSphere 8 STIG
  ESXI-80-000114: "Remote logging to a central log host ... verify it is set to a site-specific
  syslog server"; RFC 1122 3.2.1.3: 0.0.0.0 "MUST NOT be sent, except as a source address".
  Logs sent there never leave the host (HY-SR-20). Now both fail naming the targets; one remote
  target among them still forwards (V16-2's rule for NTP servers).
"""

from pathlib import Path
from typing import Any

import pytest

from test_redteam12_vmw_probes import _verdict, _vsphere
from test_redteam15_vmw_probes import TLS_SYSLOG

# --- V20-1: HVA-420/421 and a log host that is the host itself ---------------------------------------

SYSLOG_OPEN = {
    "incoming_blocked": True,
    "outgoing_blocked": True,
    "rulesets": [{"key": "syslog", "enabled": True, "all_ip": True, "networks": []}],
}


def _syslog(tmp_path: Path, log_host: str) -> Any:
    host = {"advanced": {**TLS_SYSLOG, "Syslog.global.logHost": log_host}, "firewall": SYSLOG_OPEN}
    return _vsphere(tmp_path, host)


@pytest.mark.parametrize(
    "log_host",
    ["ssl://127.0.0.1:1514", "ssl://localhost:1514", "ssl://[::1]:1514", "ssl://0.0.0.0:1514"],
    ids=["127.0.0.1", "localhost", "ipv6-loopback", "unspecified"],
)
def test_v20_1_log_host_on_the_host_itself_fails(tmp_path: Path, log_host: str) -> None:
    """V20-1: DISA's vSphere 8 STIG ESXI-80-000114 (InSpec control, read with `find_string`):
    "Remote logging to a central log host provides a secure, centralized store for ESXi logs
    ... verify it is set to a site-specific syslog server"; ESXi's option list: "Comma (,)
    separated list of remote hosts". A loopback target is the host itself; RFC 1122 3.2.1.3
    (read with `search`): 0.0.0.0, "This host on this network. MUST NOT be sent, except as a
    source address". HVA-420 passed "logs to ssl://127.0.0.1:1514, certificates verified" (the
    syslog ruleset open to all) and HVA-421 "audit records stored ... and forwarded". Right:
    both fail, naming the target."""
    a = _syslog(tmp_path, log_host)
    assert _verdict(a, "HVA-420") == (
        "fail",
        f"no log host off the host: Syslog.global.logHost = {log_host} (loopback or unspecified "
        "address: the host itself, not a remote log server)",
    )
    assert _verdict(a, "HVA-421") == (
        "fail",
        f"audit records not forwarded off the host: Syslog.global.logHost = {log_host}",
    )


def test_v20_1_held_one_remote_target_beside_loopback(tmp_path: Path) -> None:
    """Held: a loopback target beside a remote one (ssl://log1:1514) still forwards there: pass,
    as before (V16-2 reads NTP servers the same way)."""
    a = _syslog(tmp_path, "ssl://127.0.0.1:1514,ssl://log1:1514")
    assert _verdict(a, "HVA-420") == (
        "pass",
        "logs to ssl://127.0.0.1:1514, ssl://log1:1514, certificates verified",
    )
    assert _verdict(a, "HVA-421")[0] == "pass"
