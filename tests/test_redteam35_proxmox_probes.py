"""Red-team round 35 probes: Proxmox VE (rt35pve).

Harness: the live hardened Proxmox VE node (pve+ssh replayed: test_pve_leads18._node over
test_redteam3_host_probes.pve_scan), its firewall files edited (test_pve_leads19b's HOST,
CLUSTER, VM200, VM201), the process list replaced or unread (test_redteam21_pve4_probes
PS_UNREAD); verdicts through the real collector, parser and engine. Sources read with
`fetch`: github:proxmox/pve-firewall 6f1311f (src/PVE/Firewall.pm compile_iptables_filter
`my $hostfw_enable = !(defined($hostfw_options->{enable}) && ($hostfw_options->{enable} ==
0)); if ($hostfw_enable) {...}`, remove_pvefw_chains).

Findings:
- R35P-1 (false pass) HVA-301, HVA-302, HVA-313: a node whose cluster.fw (or host.fw) fact is
  not known (the two daemons read cluster.fw `enable: yes` otherwise and the process list was
  not read, P21D-1; a line proxmox-firewall refuses under `nftables: 1`, P21F-2; the
  force-disable flag not read, P22-2) was asked that one fact's question, the check ending
  there: host.fw `enable: 0` (no input chain for the node under either daemon:
  compile_iptables_filter `if ($hostfw_enable)`; proxmox-firewall's `host().is_enabled()`)
  and a process list showing neither daemon (no rule in force: R5-13) were never judged, so
  "yes" to cluster.fw's question passed a node whose firewall filters nothing. Now the fails
  that rest on neither file's unknown fact win (`_fw_gap`), and the open conditions (the
  unknown file, the daemon) are asked in one item (joined_asks).

Held:
- R35P-1: both daemons running, host.fw on and a line proxmox-firewall refuses: cluster.fw's
  question alone, as before (the ruleset in force is the one loaded before).

Probed by script: R35P-1's shapes on HVA-303 of the node's VMs (each NIC's spoofing reading
already fails on an absent daemon: proxmox_model `_spoofing`).

Tally: 1 finding (1 false pass); 4 test cases, 3 failed on main 748d99aa before the fix (2
manual where fail, 1 manual without the daemon's question), 1 held.

Leads left:
- `_accepts_everything` (an unrestricted IN ACCEPT in host.fw before any DROP) is not judged
  where cluster.fw is not known: its alias and set lookups read cluster.fw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_pve_leads18 import _node
from test_pve_leads19b import CLUSTER, HOST, REFUSES, VM200, VM201, _text
from test_redteam3_host_probes import PVE_PROCS
from test_redteam21_pve4_probes import PS_UNREAD

FW_CHECKS = ("HVA-301", "HVA-302", "HVA-313")
NO_DAEMON = "neither pve-firewall nor proxmox-firewall runs on this node"


def _files(host: str = "enable: 1\nnftables: 1\n", cluster: str = "enable: 1") -> dict[str, str]:
    """The hardened node's firewall files, host.fw's `enable: 1` line replaced by `host`,
    cluster.fw's by `cluster`."""
    files = {rel: _text(rel) for rel in (HOST, CLUSTER, VM200, VM201)}
    files[HOST] = files[HOST].replace("enable: 1\n", host, 1)
    files[CLUSTER] = files[CLUSTER].replace("enable: 1", cluster, 1)
    return files


def _verdicts(got: dict[tuple[str, str], Any]) -> list[tuple[str, str]]:
    return [got[(c, "pve-h1")] for c in FW_CHECKS]


# --- R35P-1: the node's firewall fails that rest on no unknown file ----------------------------

HOST_OFF = [
    (
        "fail",
        "host.fw sets enable: 0: no input chain is built for this node, so neither an input "
        "policy nor any cluster rule filters its own traffic, whatever cluster.fw holds",
    ),
    ("fail", "host.fw sets enable: 0"),
    (
        "fail",
        "host.fw sets enable: 0: the node's firewall is off, so the management IP set filters "
        "nothing on it",
    ),
]


def test_r35p_1_host_fw_off_with_cluster_fw_read_two_ways(tmp_path: Path) -> None:
    """Were manual "evidence unavailable: cluster.fw `enable: yes` is off as pve-firewall reads
    it ... and on as proxmox-firewall ... reads it" (P21D-1's question): whichever reading
    holds, host.fw `enable: 0` builds no input chain for the node (compile_iptables_filter
    `if ($hostfw_enable)`), so a "yes" passed a node whose own firewall is off."""
    files = _files(host="enable: 0\nnftables: 1\n", cluster="enable: yes")
    assert _verdicts(_node(tmp_path, files, PS_UNREAD)) == HOST_OFF


def test_r35p_1_no_daemon_with_a_line_proxmox_firewall_refuses(tmp_path: Path) -> None:
    """Were manual "evidence unavailable: 200.fw line 13 `FORWARD DROP`: ... refuses ..."
    (P21F-2's question): `ps` shows neither daemon, so no rule of any file is in force
    (pve_firewall.pm shutdown -> remove_pvefw_chains; proxmox-firewall removes its tables when
    it stops), whatever proxmox-firewall would make of the files."""
    files = _files()
    files[VM200] = files[VM200].replace(
        "GROUP webserver -i net0", "GROUP webserver -i net0\nFORWARD DROP"
    )
    got = _node(tmp_path, files, {"processes": (PVE_PROCS, 0)})
    assert _verdicts(got) == [
        ("fail", f"{NO_DAEMON}: no rule is applied, whatever cluster.fw holds"),
        ("fail", f"{NO_DAEMON}: no node rule is applied"),
        ("fail", f"{NO_DAEMON}: the management IP set filters nothing"),
    ]


def test_r35p_1_held_refused_line_with_both_daemons_asks(tmp_path: Path) -> None:
    """Held: both daemons running and host.fw on, the refused line leaves the ruleset in force
    unknown: cluster.fw's question alone, as before."""
    files = _files()
    files[VM200] = files[VM200].replace(
        "GROUP webserver -i net0", "GROUP webserver -i net0\nFORWARD DROP"
    )
    procs = PVE_PROCS + "  950 root     pve-firewall\n  951 root     proxmox-firewall\n"
    got = _node(tmp_path, files, {"processes": (procs, 0)})
    why = "200.fw line 13 `FORWARD DROP`: invalid rule type 'forward' here" + REFUSES
    for status, message in _verdicts(got):
        assert (status, message) == ("manual", f"evidence unavailable: {why}")


def test_r35p_1_host_fw_on_read_two_ways_joins_the_daemon_question(tmp_path: Path) -> None:
    """Was manual with cluster.fw's question alone (P21D-1's shape: host.fw on, cluster.fw
    `enable: yes` read two ways, `ps` unread): the daemon's question is now joined with it, so
    one "yes" answers both (the status stays manual)."""
    got = _node(tmp_path, _files(cluster="enable: yes"), PS_UNREAD)
    for status, message in _verdicts(got):
        assert status == "manual", message
        assert message.startswith("evidence unavailable: cluster.fw `enable: yes` is off"), message
        assert "whether pve-firewall or proxmox-firewall applies" in message, message
