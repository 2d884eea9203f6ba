r"""Red-team round 25 probes: Proxmox VE (rt25pve).

Harness: the live hardened Proxmox VE node (tests/fixtures/proxmox-hardened scanned as pve+ssh
with its commands replayed and pve-firewall running: test_redteam14_pve_probes._live), one rule
appended to host.fw (line 9); the verdict of the named check on node pve-h1 through the real
collector, parser and engine. Sources read with `fetch`: github:proxmox/pve-firewall 6f1311f
(src/PVE/Firewall.pm).

Findings:
- R25P-1 (false pass) HVA-313: a host.fw or cluster.fw `IN ACCEPT -dest 10.0.0.21 -i vmbr0 -p
  tcp` (a -dest holding one of the node's addresses: an address, a network, an IP set) passed
  "no rule opens management ports wider", while its twin without -dest failed (P24-2): the
  every-port test skipped any rule with a -dest. pve-firewall 6f1311f src/PVE/Firewall.pm
  enable_host_firewall compiles host.fw's and cluster.fw's rules into PVEFW-HOST-IN (INPUT:
  packets for the node's own addresses), and ipt_rule_to_cmds writes a port match only `if
  defined($rule->{dport})`: the rule accepts every TCP port of that address, the web UI's
  and SSH's included (pveproxy and sshd listen on every address), from whoever reaches it
  on that interface. Now fail, naming the rule and the address its -dest holds; a -dest
  holding none of the node's addresses (no packet of the chain matches it) still passes.

Held:
- R25P-1: `-dest 192.0.2.99` (no address of the node) and `-p udp` (the management ports are
  TCP) pass as before.

Probed by script: see Tally.

Tally: 1 finding (1 false pass); 6 cases in 2 test functions, 4 failed on main 54fb3cb (pass
there), 2 held passed before and after.

Leads left:
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam14_pve_probes import _host_rule, _live

MGMT_PASS = (
    "pass",
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider",
)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "IN ACCEPT -dest 10.0.0.21 -p tcp -i vmbr0",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -p tcp "
            "-dest 10.0.0.21`: every TCP port, management ports included; -dest 10.0.0.21 "
            "holds 10.0.0.21, the node's address on vmbr1)",
        ),
        (
            "IN ACCEPT -dest 10.0.0.0/24 -i vmbr0",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -dest "
            "10.0.0.0/24`: every TCP port, management ports included; -dest 10.0.0.0/24 holds "
            "10.0.0.10, the node's address on eno3)",
        ),
        (
            "IN ACCEPT -dest +management -p tcp -i vmbr0",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -p tcp "
            "-dest +management`: every TCP port, management ports included; -dest +management "
            "holds 10.0.0.10, the node's address on eno3)",
        ),
        (
            "IN ACCEPT -dest 192.0.2.9,10.0.0.21 -i vmbr0 -p tcp -sport 1024:65535",
            "host.fw:9 accepts management ports from any source (`IN ACCEPT -i vmbr0 -p tcp "
            "-sport 1024:65535 -dest 192.0.2.9,10.0.0.21`: every TCP port, management ports "
            "included; -dest 10.0.0.21 holds 10.0.0.21, the node's address on vmbr1)",
        ),
    ],
    ids=["address", "network", "ipset", "list-sport"],
)
def test_r25p_1_dest_of_the_node_accepts_every_port(
    tmp_path: Path, rule: str, message: str
) -> None:
    """R25P-1: was pass. PVEFW-HOST-IN sees only packets for the node's own addresses
    (pve-firewall 6f1311f src/PVE/Firewall.pm enable_host_firewall), and ipt_rule_to_cmds
    writes a port match only for a -dport: a -dest holding one of them narrows which address,
    not which port, as `-i` does (P24-2)."""
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == ("fail", message)


@pytest.mark.parametrize(
    "rule",
    ["IN ACCEPT -dest 192.0.2.99 -p tcp -i vmbr0", "IN ACCEPT -dest 10.0.0.21 -p udp -i vmbr0"],
    ids=["not-the-node", "udp"],
)
def test_r25p_1_held_dest_elsewhere_or_udp(tmp_path: Path, rule: str) -> None:
    """Held: a -dest holding none of the node's addresses matches no packet of PVEFW-HOST-IN;
    UDP reaches no management port (all TCP)."""
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == MGMT_PASS
