"""Red-team round 33 probes: Proxmox VE (rt33pve).

Harness: round 32's security-group chain (test_redteam32_proxmox_probes._group's shape): the
hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and scanned live through the
real collector, parser and engine (test_pve_leads18._node), VM 200 (web-10, one NIC net0,
`ipfilter: 1`, IP set ipfilter-net0 holding 192.0.2.10) whose 200.fw [RULES] is `GROUP open`
after sections of its own, cluster.fw holding security group `open` and the sets and aliases
of the probe; HVA-303 read. Sources read with `fetch`: github:proxmox/pve-firewall 6f1311f
(src/PVE/Firewall.pm generate_group_rules, ipt_gen_src_or_dst_match, resolve_alias),
proxmox-firewall a752659 (proxmox-firewall/src/firewall.rs create_group_chain,
proxmox-firewall/src/config.rs FirewallConfig::ipset/alias).

Findings:
- R33P-1 (false pass; a wrong fail too) HVA-303: R32P-2's -dest side. A security group's
  chain is built once for every guest from cluster.fw alone (pve-firewall generate_group_rules:
  `ruleset_generate_rule($ruleset, $chain, $ipversion, $rule, $cluster_conf)`, no VM file, so
  ipt_gen_src_or_dst_match and its alias lookup find no guest set or alias; proxmox-firewall
  create_group_chain: `vmid: None`, so FirewallConfig::ipset/alias read the cluster's alone).
  `_vm_dest_held` read a group rule's -dest with the VM's own sets and aliases first: the
  group's `IN ACCEPT -dest +web` (cluster.fw: 192.0.2.0/24, holding the guest's 192.0.2.10)
  took the VM's own `web` (198.51.100.7) and passed "1 interface(s) behind the VM firewall";
  the same with an alias `webhost`; and the VM's own `web` holding the guest's address failed
  a group whose cluster `web` does not. (proxmox-firewall reads the group alike; HVA-303 asks
  there anyway, its MAC/IP filters not resolved, so only pve-firewall is probed.)
  Now the -dest reads the rule's own scope: the VM's file first for its own rules, the
  cluster's alone for a group's (`_vm_dest_held(..., rule)`).

Held:
- R33P-1: the VM's own rule `IN ACCEPT -dest +web` with its own `web` holding 192.0.2.10
  fails (ipt_gen_src_or_dst_match takes the VM's set first); with its own `web` not holding
  it and the cluster's holding it, passes.

Probed by script, not kept: none yet.

Tally: 1 finding (1 false pass, with a wrong fail); 5 test cases in 3 functions, 3 failed on
main (c04d5de9) before the fix (R33P-1: 2 pass, 1 fail), 2 held passed before and after.

Leads left: see the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads18 import VM200_FW, VM_PASS, _node, _vm_open
from test_redteam15_pve_probes import CLUSTER_FW

IPV4 = "every inbound IPv4 packet before any rule drops or rejects"


def _scoped(
    tmp_path: Path,
    vm: str,
    cluster: str,
    group: str = "IN ACCEPT -dest +web",
    rules: str = "GROUP open",
    aliases: str = "",
) -> tuple[str, str]:
    """HVA-303 of web-10 whose 200.fw [RULES] is `rules` after its own sections `vm`, and
    whose cluster.fw holds the sections `cluster` (before its [IPSET management]) and security
    group `open` of the rule `group`, its [ALIASES] extended by `aliases`."""
    fw = VM200_FW.replace("[RULES]", vm + "[RULES]").replace(
        "GROUP webserver -i net0\n", rules + "\n"
    )
    cl = (
        CLUSTER_FW.replace("[IPSET management]", cluster + "[IPSET management]")
        .replace("vpn-pool 10.0.8.0/24\n", "vpn-pool 10.0.8.0/24\n" + aliases)
        .replace("[group webserver]", f"[group open]\n{group}\n\n[group webserver]")
    )
    edits = {"etc/pve/firewall/200.fw": fw, "etc/pve/firewall/cluster.fw": cl}
    return _node(tmp_path, edits)[("HVA-303", "web-10")]


#: the VM's own `web` and `webhost`, not the guest's address; the cluster's, holding it
VM_NARROW = "[ALIASES]\nwebhost 198.51.100.7\n\n[IPSET web] # the VM's own\n198.51.100.7\n\n"
CLUSTER_HOLDS = "[IPSET web] # the cluster's\n192.0.2.0/24\n\n"
#: the VM's own `web` holding the guest's address; the cluster's, not
VM_HOLDS = "[IPSET web] # the VM's own\n192.0.2.10\n\n"
CLUSTER_NARROW = "[IPSET web] # the cluster's\n198.51.100.0/24\n\n"


def _held(line: int, group: int, dest: str, held: str = "192.0.2.10") -> tuple[str, str]:
    where = f"line {line}" + (f" (group open line {group})" if group else "")
    return _vm_open(
        f"{where} `IN ACCEPT` accepts {IPV4} (-dest {dest}: holds {held}, the guest's address in "
        "IP set ipfilter-net0)"
    )


@pytest.mark.parametrize(
    ("group", "cluster", "aliases", "want"),
    [
        ("IN ACCEPT -dest +web", CLUSTER_HOLDS, "", _held(18, 27, "+web")),
        (
            "IN ACCEPT -dest webhost",
            "",
            "webhost 192.0.2.10\n",
            _held(18, 25, "webhost"),
        ),
    ],
    ids=["ipset", "alias"],
)
def test_r33p_1_group_dest_names_the_cluster_set(
    tmp_path: Path, group: str, cluster: str, aliases: str, want: tuple[str, str]
) -> None:
    """Was pass "1 interface(s) behind the VM firewall": the group's -dest was read with the
    VM's own `web` (or `webhost`), 198.51.100.7; pve-firewall generate_group_rules (and
    proxmox-firewall create_group_chain, `vmid: None`) resolve it in cluster.fw alone, where it
    holds the guest's 192.0.2.10, so the group's ACCEPT admits every packet to the guest."""
    got = _scoped(tmp_path, VM_NARROW, cluster, group, aliases=aliases)
    assert got == want


def test_r33p_1_group_dest_of_a_narrow_cluster_set(tmp_path: Path) -> None:
    """Was fail "(-dest +web: holds 192.0.2.10, ...)" (wrong fail): the VM's own `web` holds
    the guest's address, but the group's `+web` is the cluster's 198.51.100.0/24, to which
    the ACCEPT is narrowed."""
    assert _scoped(tmp_path, VM_HOLDS, CLUSTER_NARROW) == VM_PASS


@pytest.mark.parametrize(
    ("vm", "cluster", "want"),
    [(VM_HOLDS, CLUSTER_NARROW, _held(15, 0, "+web")), (VM_NARROW, CLUSTER_HOLDS, VM_PASS)],
    ids=["own-set-holds", "own-set-narrow"],
)
def test_r33p_1_held_vm_rule_names_its_own_set(
    tmp_path: Path, vm: str, cluster: str, want: tuple[str, str]
) -> None:
    """Held: the VM's own rule takes its own `web` first (ipt_gen_src_or_dst_match)."""
    assert _scoped(tmp_path, vm, cluster, "IN DROP", "IN ACCEPT -dest +web") == want
