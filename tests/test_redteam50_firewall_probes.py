"""Red-team round 50 probes: host.fw's rules read alone (checks.proxmox._host_rules_alone,
R36F-1) where the node's firewall daemon refuses its whole update (r50-firewall).

Harness: round 45's (test_redteam45_firewall_probes._node): the live hardened Proxmox VE node
(pve+ssh replayed over tests/fixtures/proxmox-hardened), HVA-301's and HVA-313's verdicts of
pve-h1 under pve-firewall, the node's /etc/services netbase's with lines added, through the
real collector, parser and engine.

Team decision (round 49): a refused whole firewall update (pve-firewall's iptables-restore,
parse.proxmox_model._ipt_update_refused; proxmox-firewall's, _nft_reading) means host.fw as
written is not in force either, so host.fw's rules read alone must ask.

Findings (R50F-n):
- R50F-1 (wrong fail) HVA-313, HVA-301: R49F-1's node (/etc/services `pveui 8006/udp`,
  host.fw `IN DROP -p tcp -dport pveui`) with `IN ACCEPT` after it failed on host.fw line 9
  ("accepts every inbound packet ... whatever cluster.fw holds"): iptables-restore refuses the
  whole update (libxtables xtables.c xtables_parse_port, exit_err PARAMETER_PROBLEM; pve-firewall
  src/PVE/Firewall.pm apply_ruleset dies), so that ACCEPT is not in force, the rules applied
  before (if any) staying. Now ProxmoxHost.firewall_update_refused, set by both refusal paths,
  makes _host_rules_alone read no host.fw rule: both checks ask, naming the refused rule.

Held (kept as tests): the same rules under proxmox-firewall (host.fw `nftables: 1`), which
resolves `pveui` from /etc/services for any protocol and applies them: fail on the ACCEPT.

Probed by script: `IN ACCEPT -p tcp` and `IN ACCEPT -p tcp -dport 22` after the same DROP
(the latter asked on main already: not an unrestricted ACCEPT).

Tally: 1 finding (1 wrong fail); 2 cases in 1 test function; 1 failed on main before the fix.

Leads left: a refused update whose previously applied ruleset was collected (iptables-save /
nft list ruleset) could be judged from that instead of asking; proxmox-firewall's refusal
paths with only `unresolved` names (may or may not refuse) are treated as refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam45_firewall_probes import NETBASE, _node

RULES = "IN DROP -p tcp -dport pveui\nIN ACCEPT"
ASKED = (
    "manual",
    "evidence unavailable: host.fw line 8 `-p tcp -dport pveui`: the node's "
    "/etc/services gives `pveui` no tcp port (iptables getservbyname), so iptables-restore "
    "refuses the whole update of pve-firewall: the rules it applied before (if any) stay, "
    # R51F-1: which iptables-save shows (this harness collects none)
    "which `iptables-save` on the node shows (PVEFW chains; not read: command not found)",
)
NFT_FAIL = {
    "HVA-301": (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT` accepts every "
        "inbound packet that no rule before it drops or rejects before the policy",
    ),
    "HVA-313": (
        "fail",
        "host.fw line 10 `IN ACCEPT` accepts every inbound packet that no rule before it drops "
        "or rejects, management ports included",
    ),
}


@pytest.mark.parametrize(
    ("nft", "expected"),
    [
        pytest.param(False, {"HVA-301": ASKED, "HVA-313": ASKED}, id="pve-firewall-refused"),
        pytest.param(True, NFT_FAIL, id="held-proxmox-firewall-applies"),
    ],
)
def test_r50f_1_refused_update_host_fw_alone(
    tmp_path: Path, nft: bool, expected: dict[str, tuple[str, str]]
) -> None:
    """An unrestricted host.fw ACCEPT in an update pve-firewall's iptables-restore refuses as a
    whole is not in force: both checks ask (was a fail on the ACCEPT)."""
    assert _node(tmp_path, RULES, NETBASE + "pveui\t\t8006/udp\n", nft=nft) == expected
