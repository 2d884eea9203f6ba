"""Leads 17, Proxmox VE: the firewall chains read rule by rule, first match.

Findings (sources from github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm and
proxmox-ve-rs 840d1ed proxmox-ve-config, read with `fetch`):

- L17-1 (false pass): HVA-303 passed "1 interface(s) behind the VM firewall" for a VM whose
  own rules (or security group) start with an unrestricted `IN ACCEPT` under `policy_in:
  DROP`. ruleset_generate_vm_rules adds the VM's rules to the NIC's chain in order (`next if
  $rule->{iface} && $rule->{iface} ne $netid`, a group rule jumping to its group's chain),
  then generate_tap_rules_direction the policy: the first rule that matches decides, so the
  ACCEPT admits every inbound packet and the DROP policy filters nothing. HVA-303 asserts the
  NIC is behind a firewall that filters (L16-5 failed the ACCEPT policy without a DROP for the
  same reason); `_vm_opened` walks each NIC's chain up to the first DROP or REJECT.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_pve_leads16 import VM200_FW
from test_redteam2_probes import PVE_HARDENED
from test_redteam15_pve_probes import CLUSTER_FW


def _vm(tmp_path: Path, rules: str, cluster: str | None = None) -> tuple[str, str]:
    """HVA-303 of VM 200 (web-10, one NIC net0) on the live node (pve-firewall running), its
    200.fw [RULES] (line 12 on: `GROUP webserver -i net0`) replaced by `rules`."""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / "etc/pve/firewall/200.fw").write_text(
        VM200_FW.replace("GROUP webserver -i net0\n", rules)
    )
    if cluster is not None:
        (tree / "etc/pve/firewall/cluster.fw").write_text(cluster)
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-303", "web-10"))
    return r.status.value, r.outcome.message


HELD_VM = ("pass", "1 interface(s) behind the VM firewall")


# --- L17-1: an unrestricted IN ACCEPT ahead of every DROP admits everything -------------------------


@pytest.mark.parametrize(
    ("rules", "where"),
    [
        (
            "IN ACCEPT -log info\nGROUP webserver -i net0\n",
            "line 12 `IN ACCEPT` accepts every inbound packet",
        ),
        ("IN ACCEPT -i net0\n", "line 12 `IN ACCEPT` accepts every inbound packet"),
        (
            "IN DROP -source ::/0\nIN ACCEPT\n",
            "line 13 `IN ACCEPT` accepts every inbound IPv4 packet",
        ),
        ("IN ACCEPT -source 0.0.0.0/0\n", "line 12 `IN ACCEPT` accepts every inbound IPv4 packet"),
    ],
    ids=["first-rule", "own-nic", "after-ipv6-drop", "every-ipv4-source"],
)
def test_l17_1_vm_accept_before_any_drop(tmp_path: Path, rules: str, where: str) -> None:
    """Was pass "1 interface(s) behind the VM firewall". The NIC's chain holds the VM's rules in
    order before the `policy_in: DROP` (ruleset_generate_vm_rules, generate_tap_rules_direction):
    an IN ACCEPT that restricts nothing (`-log` only logs; `-i net0` is this NIC) admits every
    inbound packet first. A rule of one IP version (`-source ::/0`, `0.0.0.0/0`) goes to that
    version's chain only (`next if $rule->{ipversion} && ($rule->{ipversion} != $ipversion)`),
    so an IPv6 DROP filters nothing of IPv4."""
    assert _vm(tmp_path, rules) == (
        "fail",
        f"1 of 1 interface(s) admit every inbound packet: net0: {where} before any rule drops "
        "or rejects",
    )


def test_l17_1_security_group_accept_first(tmp_path: Path) -> None:
    """Was pass. The group rule jumps to the group's chain (ruleset_add_group_rule), whose rules
    come in order: webserver's first rule, an unrestricted IN ACCEPT, admits every packet."""
    cluster = CLUSTER_FW.replace(
        "[group webserver] # public web servers\n", "[group webserver]\nIN ACCEPT\n"
    )
    assert _vm(tmp_path, "GROUP webserver -i net0\n", cluster) == (
        "fail",
        "1 of 1 interface(s) admit every inbound packet: net0: line 12 (group webserver line "
        "24) `IN ACCEPT` accepts every inbound packet before any rule drops or rejects",
    )


@pytest.mark.parametrize(
    "rules",
    [
        "IN DROP -p tcp -dport 23\nIN ACCEPT\n",
        "IN ACCEPT -i net1\n",
        "|IN ACCEPT\n",
        "IN ACCEPT -source 192.0.2.0/24\n",
        "IN ACCEPT -p tcp -dport 443\n",
        "IN HTTPS(ACCEPT)\n",
    ],
    ids=["deny-list", "other-nic", "disabled", "narrow-source", "one-port", "macro"],
)
def test_l17_1_held_vm_chain_that_filters(tmp_path: Path, rules: str) -> None:
    """Held twins: a DROP before the ACCEPT (a deny-list, as L16-5's held twin), a rule of
    another NIC (skipped for net0's chain), a disabled rule, and ACCEPTs narrowed by source,
    port or macro leave the DROP policy filtering the rest."""
    assert _vm(tmp_path, rules) == HELD_VM
