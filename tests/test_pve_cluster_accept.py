"""HVA-301 and HVA-313 beside the fix of H83: an IN ACCEPT rule that restricts nothing, ahead of
the DROP policy, accepts every inbound packet of every node (pve-firewall compiles the rules in
order and the policy last; a rule's options only narrow it, pve-firewall.adoc "Firewall Rules").
Twins: a rule narrowed by a source or a macro, and an unrestricted DROP before the ACCEPT.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import messages, outcomes
from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

RUNNING = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}


def _scan(tmp_path: Path, rules: str) -> tuple[dict[str, str], dict[str, str]]:
    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    fw = tree / "etc/pve/firewall/cluster.fw"
    fw.write_text(fw.read_text().replace("[RULES]\n", "[RULES]\n\n" + rules, 1))
    a = pve_scan(tmp_path, RUNNING, tree)
    return (
        {c: outcomes(a, c)["pve-h1"] for c in ("HVA-301", "HVA-313")},
        {c: messages(a, c)["pve-h1"] for c in ("HVA-301", "HVA-313")},
    )


def test_unrestricted_accept_fails_both_naming_the_rule(tmp_path: Path) -> None:
    status, msg = _scan(tmp_path, "IN ACCEPT -log nolog\n")
    assert status == {"HVA-301": "fail", "HVA-313": "fail"}, msg
    line = msg["HVA-301"].split("cluster.fw line ")[1].split(" ")[0]
    assert msg["HVA-301"] == (
        f"cluster firewall on, input policy DROP, but cluster.fw line {line} `IN ACCEPT` "
        "accepts every inbound packet before the policy"
    )
    assert msg["HVA-313"].endswith(
        f"cluster.fw line {line} `IN ACCEPT` accepts every inbound packet, management ports "
        "included"
    ), msg


@pytest.mark.parametrize(
    "rules",
    [
        "IN ACCEPT -source 192.0.2.0/24 -log nolog\n",
        "IN Ping(ACCEPT) -log nolog\n",
        "IN DROP -log nolog\nIN ACCEPT -log nolog\n",
        "|IN ACCEPT -log nolog\n",
    ],
    ids=["narrowed-by-source", "macro", "drop-first", "disabled"],
)
def test_restricted_or_unreached_accept_passes(tmp_path: Path, rules: str) -> None:
    status, msg = _scan(tmp_path, rules)
    assert status["HVA-301"] == "pass", msg
    assert "accepts every inbound packet" not in msg["HVA-313"], msg


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        ("IN ACCEPT -p tcp\n", "fail"),
        ("IN ACCEPT -p tcp -dport 1024:65535\n", "fail"),
        ("IN ACCEPT -p tcp -dport 22,8006\n", "pass"),
        ("IN ACCEPT -p udp -dport 5405:5412\n", "pass"),
    ],
    ids=["every-tcp-port", "every-port-from-1024", "ssh-and-web", "corosync"],
)
def test_every_port_of_a_protocol(tmp_path: Path, rules: str, status: str) -> None:
    """H91: a rule naming only a transport protocol (or ports admitting more than half of
    them) opens every port of it on every node, as HVA-190 judges `-p tcp -j ACCEPT`."""
    got, msg = _scan(tmp_path, rules)
    assert got["HVA-301"] == status, msg
    if status == "fail":
        line = msg["HVA-301"].split("cluster.fw line ")[1].split(" ")[0]
        text = rules.strip()
        # a -dport of more than half of the ports is counted (R45F-2)
        what = (
            "64512 of the 65536 tcp ports (those of its -dport)"
            if "-dport" in text
            else "every tcp port"
        )
        assert msg["HVA-301"] == (
            f"cluster firewall on, input policy DROP, but cluster.fw line {line} `{text}` "
            f"accepts {what} before the policy"
        )
        assert got["HVA-313"] == "fail", msg


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        ("IN ACCEPT -p tcp -dport 8000:8010\n", "fail"),
        ("IN ACCEPT -p tcp -dport ssh\n", "fail"),
        ("IN ACCEPT -p tcp -dport 8007:8010\n", "pass"),
        ("IN ACCEPT -p tcp -sport 1024:65535\n", "fail"),
    ],
    ids=["range-over-8006", "ssh-by-name", "range-beside-8006", "client-source-ports"],
)
def test_management_ports_by_range_name_and_source_port(
    tmp_path: Path, rules: str, status: str
) -> None:
    """H107/H108: pve-firewall -dport takes ranges and /etc/services names; a -sport of every
    ephemeral port restricts nothing a client controls."""
    got, msg = _scan(tmp_path, rules)
    assert got["HVA-313"] == status, msg
    if rules.startswith("IN ACCEPT -p tcp -dport 8000"):
        line = msg["HVA-313"].split("cluster.fw:")[1].split(" ")[0]
        assert f"cluster.fw:{line} accepts management ports from any source" in msg["HVA-313"]
