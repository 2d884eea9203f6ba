"""Red-team round 48 probes: a Proxmox VE node's DROP or REJECT by a service name hvaudit
cannot resolve before an ACCEPT of a management port, and the node's /etc/services changed since pve-firewall started (r48-firewall).

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

import shutil
from pathlib import Path
from typing import Any

import pytest

from test_redteam2_probes import PVE_HARDENED
from test_redteam35_proxmox_probes import HOST, _files
from test_redteam40_firewall_probes import NODE_PASS
from test_redteam45_firewall_probes import MGMT_PASS, NETBASE, _node

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


#: `ps -eo pid=,lstart=` of the hardened host with pve-firewall (pid 950) started on 27
#: November 2024 at 04:00:05 UTC
STARTS = "  950 Wed Nov 27 04:00:05 2024\n"
#: 1 December 2024 00:00:00 UTC, after that start; 20 November 2024, before it
AFTER, BEFORE = 1733011200, 1732095000


def _stale(tmp_path: Path, rules: str, overrides: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """HVA-301 and HVA-313 of pve-h1 under pve-firewall (pid 950), netbase's /etc/services
    read, `rules` first in host.fw's [RULES], the host probes `overrides`."""
    from test_redteam3_host_probes import HARDENED_HOST, PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    files = _files("enable: 1\n", "enable: 1")
    files[HOST] = files[HOST].replace("[RULES]\n", "[RULES]\n" + rules + "\n", 1)
    for rel, text in files.items():
        (tree / rel).write_text(text)
    running: dict[str, Any] = {
        "processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0),
        "process-starts": (HARDENED_HOST["process-starts"][0] + STARTS, 0),
        **overrides,
    }
    a = pve_scan(tmp_path, running, tree)
    return {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-301", "HVA-313") and r.outcome.subject.name == "pve-h1"
    }


def _times(changed: int) -> dict[str, Any]:
    return {"services-mtimes": (f"{BEFORE} {changed} /etc/services\n", 0)}


CHANGED = (
    "(/etc/services changed at 2024-12-01 00:00:00 UTC, after pve-firewall (pid 950) started "
    "at 2024-11-27 04:00:05 UTC: the daemon keeps the names it read then (get_etc_services), "
    "so the file as read is not what it resolves)"
)
STAT_FAILED = (
    "(when /etc/services last changed was not read (`stat`: Permission denied); pve-firewall "
    "(pid 950) reads it only when it starts, so the names it knows may differ from the file)"
)


@pytest.mark.parametrize(
    ("rules", "overrides", "expected"),
    [
        pytest.param(
            "IN ACCEPT -p tcp -dport http",
            _times(AFTER),
            (
                "manual",
                "a rule accepts service names from any source (host.fw line 8: http): the "
                "node's own /etc/services gives their ports, and the file as the running daemon "
                f"read it is not known {CHANGED}",
            ),
            id="accept-http-file-changed-since",
        ),
        pytest.param(
            "IN ACCEPT -p tcp -dport http",
            {"services-mtimes": PermissionError("Permission denied")},
            (
                "manual",
                "a rule accepts service names from any source (host.fw line 8: http): the "
                "node's own /etc/services gives their ports, and the file as the running daemon "
                f"read it is not known {STAT_FAILED}",
            ),
            id="accept-http-stat-failed",
        ),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            _times(AFTER),
            (
                "manual",
                "host.fw:9 accepts port 22 from any source unless a DROP or REJECT before it by "
                "service name takes that port (host.fw line 8 `-dport ssh`): the node's own "
                "/etc/services gives each name (ssh) its port, and pve-firewall refuses the "
                "whole rule where it lacks one; the file as the running daemon read it is not "
                f"known {CHANGED}",
            ),
            id="drop-ssh-file-changed-since",
        ),
        pytest.param("IN ACCEPT -p tcp -dport http", _times(BEFORE), MGMT_PASS, id="held-before"),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            _times(BEFORE),
            MGMT_PASS,
            id="held-drop-ssh-before",
        ),
    ],
)
def test_r48f_2_services_changed_since_pve_firewall_started(
    tmp_path: Path, rules: str, overrides: dict[str, Any], expected: tuple[str, str]
) -> None:
    """Was a pass (netbase's `http` 80 read, the running daemon's names taken from it):
    pve-firewall reads /etc/services once (get_etc_services caches it), so a file changed
    since its start (the later of mtime and ctime), or whose change time was not read, may
    not be what it resolves: the names are asked, as where the file was not read."""
    assert _stale(tmp_path, rules, overrides) == {"HVA-301": NODE_PASS, "HVA-313": expected}
