"""Red-team round 48 probes: a Proxmox VE node's DROP or REJECT by a service name hvaudit
cannot resolve before an ACCEPT of a management port (r48-firewall).

Harness: round 45's (test_redteam45_firewall_probes._node): the live hardened Proxmox VE node
(pve+ssh replayed over tests/fixtures/proxmox-hardened), HVA-301's and HVA-313's verdicts of
pve-h1 under pve-firewall, the node's /etc/services netbase's, edited, or its read refused,
through the real collector, parser and engine.

Team decision (settled first): under pve-firewall with the node's /etc/services unread, a
DROP or REJECT by service name before an ACCEPT of a management port is a question naming the
name and the port, not a fail. github:proxmox/pve-firewall src/PVE/Firewall.pm
get_etc_services ("unable to read" returns no names) and parse_port_name_number_or_range
("invalid port" for a name it does not key): the daemon may give the name that port (the
DROP then takes it) or lack it (the whole DROP refused).

Findings (R48F-n):
- R48F-1 (false pass; the decision's wrong fail) HVA-313: with the node's /etc/services
  unread, `IN DROP -p tcp -dport 8006,ssh` took 8006 from a later `IN ACCEPT -p tcp -dport
  8006` from any source (pass), though pve-firewall refuses the whole DROP where the node's
  file lacks `ssh` (parse_port_name_number_or_range "invalid port"), so 8006 is open; and a
  DROP of `-dport ssh` before `IN ACCEPT -p tcp -dport 22` failed where the file may give
  `ssh` 22 (also with the file read giving `ssh` two ports). Now checks.proxmox
  `_pve_unresolved` marks such a DROP, which takes no port for certain (with the file read
  its numbers do: the rule is applied), and `_doubted` asks where the names and the numbers
  beside them may take every management port the ACCEPT leaves open (a name is one port).

Held (kept as tests): one name cannot take two ports (`-dport 22,8006` after a DROP of
`ssh`: fail); a UDP DROP by name takes no TCP port (fail); a DROP by number (pass).

Probed by script: none beyond the tests.

Tally: 1 finding (1 false pass); 7 cases in 1 test function; 4 failed on main before the
fix; 3 held. Round 47's `pve-unread-drop-ssh` case (a fail) is superseded by R48F-1.

Leads left: the pooled narrow-source ACCEPTs (`_pooled_management`) still count a doubtful
DROP's ports as open (a possible wrong fail); a VM chain (`_vm_opened`) DROP by an unresolved
name beside numbers, file unread, may be read as applied (HVA-303, not probed); a names
question and a doubted DROP in one file give only the doubted one's question.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam40_firewall_probes import NODE_PASS
from test_redteam45_firewall_probes import NETBASE, _node

UNREAD = "(/etc/services: Permission denied)"


def _asked(accept: str, drop: str, names: str, read: bool) -> tuple[str, str]:
    why = (
        f"the node's /etc/services gives a name ({names}) more than one port: iptables takes "
        "the port of the first line of the rule's protocol"
        if read
        else f"the node's own /etc/services gives each name ({names}) its port, and "
        "pve-firewall refuses the whole rule where it lacks one; the file was not read "
        f"{UNREAD}"
    )
    return (
        "manual",
        f"{accept} from any source unless a DROP or REJECT before it by service name takes "
        f"that port ({drop}): {why}",
    )


@pytest.mark.parametrize(
    ("rules", "services", "unread", "expected"),
    [
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            None,
            True,
            _asked("host.fw:9 accepts port 22", "host.fw line 8 `-dport ssh`", "ssh", False),
            id="unread-drop-ssh-accept-22",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 8006,ssh\nIN ACCEPT -p tcp -dport 8006",
            None,
            True,
            _asked("host.fw:9 accepts port 8006", "host.fw line 8 `-dport 8006,ssh`", "ssh", False),
            id="unread-number-beside-a-name",
        ),
        pytest.param(
            "IN REJECT -p tcp -dport ssh\nIN DROP -p tcp -dport webui\n"
            "IN ACCEPT -p tcp -dport 22,8006",
            None,
            True,
            _asked(
                "host.fw:10 accepts port 22, 8006",
                "host.fw line 8 `-dport ssh`, host.fw line 9 `-dport webui`",
                "ssh, webui",
                False,
            ),
            id="unread-two-names-two-ports",
        ),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            NETBASE + "ssh\t\t2222/tcp\n",
            False,
            _asked("host.fw:9 accepts port 22", "host.fw line 8 `-dport ssh`", "ssh", True),
            id="read-name-of-two-ports",
        ),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22,8006",
            None,
            True,
            ("fail", "host.fw:9 accepts management ports from any source"),
            id="held-one-name-two-ports",
        ),
        pytest.param(
            "IN DROP -p udp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            None,
            True,
            ("fail", "host.fw:9 accepts management ports from any source"),
            id="held-udp-drop",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 8006",
            None,
            True,
            (
                "pass",
                "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens "
                "management ports wider",
            ),
            id="held-number-drop",
        ),
    ],
)
def test_r48f_1_pve_drop_by_unresolved_name(
    tmp_path: Path, rules: str, services: str | None, unread: bool, expected: tuple[str, str]
) -> None:
    """Under pve-firewall a DROP whose -dport names a service hvaudit cannot resolve may take
    any management port (the team's decision: a question naming the name and the port, not
    a fail), and with the node's file unread the daemon refuses it where the file lacks the
    name, the number beside it included (was a pass: `-dport 8006,ssh` closed 8006)."""
    assert _node(tmp_path, rules, services, nft=False, unread=unread) == {
        "HVA-301": NODE_PASS,
        "HVA-313": expected,
    }
