"""Red-team round 46 probes: a Proxmox VE rule's stock (netbase) -dport service name where
the node's /etc/services was not read (r46-firewall).

Harness: round 45's (test_redteam45_firewall_probes._node): the live hardened Proxmox VE node
(pve+ssh replayed over tests/fixtures/proxmox-hardened), HVA-301's and HVA-313's verdicts of
pve-h1 under `nftables: 1` (both daemons running) or pve-firewall, the node's /etc/services
netbase 6.4's or its read refused, through the real collector, parser and engine.

Findings (R46F-n):
- R46F-1 (false pass) HVA-313: where the node's /etc/services was not read (the API path, a
  copy whose read was refused), an ACCEPT from any source of a stock netbase name (`IN
  ACCEPT -p tcp -dport http`, `-dport 80,https`) passed, read as netbase's port (80, 443),
  not a management one. Both daemons take the name's port from the node's own file
  (pve-firewall.adoc: "You can use service names or simple numbers (0-65535), as defined in
  '/etc/services'"; proxmox-ve-config ports.rs NamedPorts::new, R45F-1), which may give
  `http` port 8006. The team's decision: now a question naming the names and asking the
  node's /etc/services (`getent services NAME`), saying the file was not read and why; and
  the nftables questions' "not collected" (a name netbase lacks, a named range) now says
  "not read" (R45F-1's held tests follow).

Held (kept as tests): with netbase's file read, `-dport http` still passes under pve-firewall
and under proxmox-firewall; HVA-301 (a named port is one port, no wide rule) passes unread.

Probed by script: none beyond the cases kept.

Tally: 1 finding (1 false pass); 5 cases in 2 test functions; 3 failed on main before the fix
(R46F-1's three questions).

Leads left: under proxmox-firewall with the file unread, a stock name the node's file lacks
makes proxmox-firewall refuse the whole update (R45F-1), so HVA-301's pass of `-dport http`
rests on netbase too (the parser's nft question asks only names netbase lacks); pve-firewall's
own reading of names (get_etc_services, then iptables' getservbyname) with the file read still
uses netbase (`_port_names` returns None, `_PVE_SERVICES` = ssh): confirm which port a name
gets there and read the node's file under pve-firewall too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam40_firewall_probes import NODE_PASS
from test_redteam45_firewall_probes import MGMT_PASS, NETBASE, _node

UNREAD = "(/etc/services: Permission denied)"


def _asked(line: int, names: str) -> tuple[str, str]:
    return (
        "manual",
        f"a rule accepts service names from any source (host.fw line {line}: {names}): the "
        f"node's own /etc/services gives their ports, and it was not read {UNREAD}",
    )


@pytest.mark.parametrize(
    ("rule", "nft", "line", "names"),
    [
        pytest.param("IN ACCEPT -p tcp -dport http", True, 9, "http", id="nft-http"),
        pytest.param("IN ACCEPT -p tcp -dport http", False, 8, "http", id="pve-http"),
        pytest.param("IN ACCEPT -p tcp -dport 80,https", True, 9, "https", id="nft-list"),
    ],
)
def test_r46f_1_stock_name_unread_file_asks(
    tmp_path: Path, rule: str, nft: bool, line: int, names: str
) -> None:
    """Was a pass (netbase's `http` is port 80): the node's file, not read, gives the port.
    Under `nftables: 1` since R47F-1 (the team's decision) the name is unresolved for
    proxmox-firewall too, which refuses the whole update on a name the file lacks: both
    checks ask, one list per file (test_redteam47_firewall_probes)."""
    if nft:
        asked = (
            "manual",
            f"evidence unavailable: service names (host.fw line {line}: -dport {names}) "
            "whose ports proxmox-firewall (host.fw `nftables: 1`) takes from the node's "
            f"/etc/services alone, which was not read {UNREAD}: a name the file lacks makes it "
            "refuse the whole update, and the file may give any name any port (`getent services "
            "NAME` on the node for each)",
        )
        expected = {"HVA-301": asked, "HVA-313": asked}
    else:
        expected = {"HVA-301": NODE_PASS, "HVA-313": _asked(line, names)}
    assert _node(tmp_path, rule, None, nft=nft, unread=True) == expected


@pytest.mark.parametrize("nft", [True, False], ids=["nft", "pve"])
def test_r46f_1_held_stock_name_read_file_passes(tmp_path: Path, nft: bool) -> None:
    """Held: with netbase's file read, `http` is port 80 under either daemon."""
    assert _node(tmp_path, "IN ACCEPT -p tcp -dport http", NETBASE, nft=nft) == {
        "HVA-301": NODE_PASS,
        "HVA-313": MGMT_PASS,
    }
