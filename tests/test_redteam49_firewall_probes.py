"""Red-team round 49 probes: under pve-firewall, a rule's -p PROTO -dport NAME where the node's
/etc/services keys NAME for another protocol only (r49-firewall).

Harness: round 45's (test_redteam45_firewall_probes._node): the live hardened Proxmox VE node
(pve+ssh replayed over tests/fixtures/proxmox-hardened), HVA-301's and HVA-313's verdicts of
pve-h1 under pve-firewall (pid 950), the node's /etc/services netbase's with lines added,
through the real collector, parser and engine.

Team decision (settled first): where an update of pve-firewall fails as a whole, every
firewall check on that node (HVA-301/302/303/313) asks what rules are in force, as
proxmox-firewall's refused update does (parse.proxmox_model._nft_reading sets the node's
cluster.fw fact unavailable).

Findings (R49F-n):
- R49F-1 (false pass) HVA-313 (HVA-301 through the same reading): with the node's
  /etc/services giving `pveui 8006/udp` only, `IN DROP -p tcp -dport pveui` before `IN ACCEPT
  -p tcp -dport 8006` read as closing TCP 8006 (pass: parse_iptables_services merges the
  protocols). pve-firewall keys the name for any of tcp/udp/sctp (github:proxmox/pve-firewall
  src/PVE/Firewall.pm get_etc_services) and writes it into the iptables rule as spelt, whose
  port iptables takes from getservbyname(NAME, PROTO) (iptables libxtables/xtables.c
  xtables_parse_port via xtables_service_to_port: "invalid port/service `%s' specified",
  exit_err PARAMETER_PROBLEM), which fails for a name no line of that protocol gives; so
  iptables-restore fails the whole update and the rules applied before stay. Now
  parse.proxmox.parse_service_protocols reads each name's and alias's protocols as glibc's
  nss_files does, and parse.proxmox_model._ipt_update_refused makes the node's cluster.fw fact
  unavailable (every firewall check asks what rules are in force) naming each such rule.

Held (kept as tests): the name given for tcp as an alias of a tcp line (`pveui` alias of
`8006/tcp`: pass); the name keyed for tcp and udp (pass); a `-p udp -dport pveui` rule with
pveui only /udp (pass); a disabled rule (`|IN DROP ...`: pass).

Probed by script: none.

Tally: 1 finding (1 false pass); 5 cases in 1 test function; 1 failed on main before the fix.

Leads left: the same failure for guest .fw rules and security groups (scanned here, not
probed with a VM verdict); `-p 6` (a protocol number: iptables passes the number to
getservbyname's proto, proto_to_name) not read; -sport names on a rule whose -p is sctp/udplite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam40_firewall_probes import NODE_PASS
from test_redteam45_firewall_probes import MGMT_PASS, NETBASE, _node

ACCEPT = "IN ACCEPT -p tcp -dport 8006"
ASKED = (
    "manual",
    "evidence unavailable: host.fw line 8 `-p tcp -dport pveui`: the node's "
    "/etc/services gives `pveui` no tcp port (iptables getservbyname), so iptables-restore "
    "refuses the whole update of pve-firewall: the rules it applied before (if any) stay, "
    # R51F-1: which iptables-save shows (this harness collects none)
    "which `iptables-save` on the node shows (PVEFW chains; not read: command not found)",
)


@pytest.mark.parametrize(
    ("rules", "services", "expected"),
    [
        pytest.param(
            f"IN DROP -p tcp -dport pveui\n{ACCEPT}",
            NETBASE + "pveui\t\t8006/udp\n",
            {"HVA-301": ASKED, "HVA-313": ASKED},
            id="udp-only-name-in-tcp-drop",
        ),
        pytest.param(
            f"IN DROP -p tcp -dport pveui\n{ACCEPT}",
            NETBASE + "pveui\t\t8006/udp\nwebui\t\t8006/tcp pveui\n",
            {"HVA-301": NODE_PASS, "HVA-313": MGMT_PASS},
            id="held-tcp-alias",
        ),
        pytest.param(
            f"IN DROP -p tcp -dport pveui\n{ACCEPT}",
            NETBASE + "pveui\t\t8006/udp\npveui\t\t8006/tcp\n",
            {"HVA-301": NODE_PASS, "HVA-313": MGMT_PASS},
            id="held-both-protocols",
        ),
        pytest.param(
            "IN DROP -p udp -dport pveui",
            NETBASE + "pveui\t\t8006/udp\n",
            {"HVA-301": NODE_PASS, "HVA-313": MGMT_PASS},
            id="held-udp-rule",
        ),
        pytest.param(
            "|IN DROP -p tcp -dport pveui",
            NETBASE + "pveui\t\t8006/udp\n",
            {"HVA-301": NODE_PASS, "HVA-313": MGMT_PASS},
            id="held-disabled-rule",
        ),
    ],
)
def test_r49f_1_name_of_another_protocol(
    tmp_path: Path, rules: str, services: str, expected: dict[str, tuple[str, str]]
) -> None:
    """A -p tcp rule naming a service the node's /etc/services gives for udp only fails
    iptables-restore's whole update: every firewall verdict of the node asks (was a pass:
    the DROP read as closing TCP 8006)."""
    assert _node(tmp_path, rules, services, nft=False) == expected
