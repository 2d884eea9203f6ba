"""Red-team round 32 probes: Proxmox VE (rt32pve).

Harness: round 18's VM chain (test_pve_leads18._vm_chain): the hardened Proxmox VE tree
(tests/fixtures/proxmox-hardened) copied and scanned live through the real collector, parser
and engine, VM 200 (web-10, one NIC net0) with its 200.fw [RULES] replaced and sections of its
own ([ALIASES], [IPSET ...]) put before them; HVA-303 read. Sources read with `fetch`:
github:proxmox/pve-firewall 6f1311f (src/PVE/Firewall.pm resolve_alias,
generate_ipset_chains, $ip_alias_pattern).

Findings:
- R32P-1 (false pass; a wrong fail and a wording too) HVA-303: an IP set entry may name an
  alias with a scope, `guest/name` or `dc/name` (pve-firewall generate_ipset_chains:
  `$entry->{cidr} =~ m@^(dc/|guest/)?(${ip_alias_pattern})$@`, then resolve_alias with that
  scope: `guest/` the VM's own [ALIASES] alone). The VM chain (`_item_versions`,
  `_fw_networks`) looked the entry up whole (`guest/half0`) in the VM's aliases, found none,
  and read it as no address: `IN ACCEPT -source +anyone` from a VM set of `guest/half0`
  (0.0.0.0/1) and `guest/half1` (128.0.0.0/1), of one `guest/` alias of a /7, or of two
  public /8s together (R29P-3), and `IN ACCEPT -dest` of such a set, passed "1 interface(s)
  behind the VM firewall"; the same set's DROP of every IPv4 source closed nothing, so a
  chain that drops every IPv4 and IPv6 source before `IN ACCEPT` failed, and one that drops
  IPv4 alone said every packet, not every IPv6 packet. Now one resolver reads the scope as
  resolve_alias does (`_scoped_alias`, also `_vm_dest_held`'s, which already did).

- R32P-2 (false pass) HVA-303: a VM rule `GROUP open` jumps to the security group's chain,
  which pve-firewall builds once for every guest from cluster.fw alone (generate_group_rules:
  `ruleset_generate_rule($ruleset, $chain, $ipversion, $rule, $cluster_conf)`, no VM file, so
  ipt_gen_src_or_dst_match finds no `guest` set). `_vm_opened` read the group's rules with
  the VM's own sets first: the group's `IN ACCEPT -source +wide4` (cluster.fw: 10.0.0.0/7)
  took the VM's own narrow `wide4` (192.0.2.10) and passed. Now a group's rules read the
  cluster's sets and aliases alone; the VM's own rules still read its own first.

Held:
- R32P-1: the same sets with unscoped entries (`half0`, `d11`): fail as before.
- R32P-2: the VM's own rule `IN ACCEPT -source +wide4` beside its own narrow `wide4`: pass
  (ipt_gen_src_or_dst_match takes the VM's set first); the group with no VM set: fail.

Probed by script, not kept: none.

Tally: 2 findings (2 false passes, R32P-1 with its wrong fail and wording); 11 test cases in
5 functions, 7 failed on main before their fix (R32P-1 6 of 8 on 0f6efe72: 4 pass, 1 fail, 1
"every inbound packet"; R32P-2 1 of 3 on 0f6de300: pass), 4 held passed before and after.

Leads left:
- The round's leads were not reached in the time: blkiotune / _disk_twins with an incomplete
  storage list, a container's rootfs on a hidden storage, a live node whose storage.cfg is
  missing (asked, R31P-2: whether it should fail is a team decision).
- R32P-2's -dest side: `_vm_dest_held` and `_vm_dest_unknown` still read a group rule's
  -dest with the VM's ipfilter set and aliases (can only ask or fail more, not pass); under
  proxmox-firewall (nftables) the group's scope was not read against proxmox-ve-rs.
- Other readers of alias names with a scope: the host chain and the management check read
  cluster.fw alone (`_resolve_alias`, which strips `dc/`); a cluster set entry `guest/name`
  is refused by the parser (pve-firewall dies "no such alias" at cluster level), not probed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads18 import VM_PASS, _vm_chain, _vm_open

#: the VM's own aliases and an IP set naming them with the `guest/` scope
HALVES = (
    "[ALIASES]\nhalf0 0.0.0.0/1\nhalf1 128.0.0.0/1\n\n[IPSET anyone]\nguest/half0\nguest/half1\n\n"
)
WIDE = "[ALIASES]\nwide 10.0.0.0/7\n\n[IPSET anyone]\nguest/wide\n\n"
CLOUD = "[ALIASES]\nd11 11.0.0.0/8\nd12 12.0.0.0/8\n\n[IPSET anyone]\nguest/d11\nguest/d12\n\n"
IPV4 = "every inbound IPv4 packet before any rule drops or rejects"


@pytest.mark.parametrize(
    ("extra", "rules", "line"),
    [
        (HALVES, "IN ACCEPT -source +anyone", 20),
        (WIDE, "IN ACCEPT -source +anyone", 18),
        (CLOUD, "IN ACCEPT -source +anyone", 20),
        (WIDE, "IN ACCEPT -dest +anyone", 18),
    ],
    ids=["halves", "slash-7", "together", "dest"],
)
def test_r32p_1_vm_set_of_guest_scoped_aliases(
    tmp_path: Path, extra: str, rules: str, line: int
) -> None:
    """Was pass "1 interface(s) behind the VM firewall": the set's `guest/` entries were read
    as no address. pve-firewall generate_ipset_chains resolves them in the VM's own [ALIASES]
    (resolve_alias `$scope ne 'dc/'`): every IPv4 source, a /7, two public /8s together."""
    assert _vm_chain(tmp_path, rules, extra=extra) == _vm_open(
        f"line {line} `{rules}` accepts {IPV4}"
    )


def test_r32p_1_drop_of_a_guest_scoped_set_closes_ipv4(tmp_path: Path) -> None:
    """Was fail "line 22 `IN ACCEPT` accepts every inbound IPv4 packet" (wrong fail): the
    set's DROP of every IPv4 source (`guest/half0`, `guest/half1`) closed nothing."""
    rules = "IN DROP -source +anyone\nIN DROP -source ::/0\nIN ACCEPT"
    assert _vm_chain(tmp_path, rules, extra=HALVES) == VM_PASS


def test_r32p_1_drop_of_a_guest_scoped_set_leaves_ipv6(tmp_path: Path) -> None:
    """Was "accepts every inbound packet" (wording): the set drops every IPv4 source."""
    rules = "IN DROP -source +anyone\nIN ACCEPT"
    assert _vm_chain(tmp_path, rules, extra=HALVES) == _vm_open(
        "line 21 `IN ACCEPT` accepts every inbound IPv6 packet that no rule before it drops or "
        "rejects"
    )


@pytest.mark.parametrize("extra", [HALVES, CLOUD], ids=["halves", "together"])
def test_r32p_1_held_unscoped_entries(tmp_path: Path, extra: str) -> None:
    """Held: the same sets with unscoped entries (the VM's alias first, resolve_alias)."""
    unscoped = extra.replace("guest/", "")
    assert _vm_chain(tmp_path, "IN ACCEPT -source +anyone", extra=unscoped) == _vm_open(
        f"line 20 `IN ACCEPT -source +anyone` accepts {IPV4}"
    )


def _group(tmp_path: Path, group: str, extra: str, rules: str = "GROUP open") -> tuple[str, str]:
    """HVA-303 of web-10 whose 200.fw [RULES] is `rules` after its own sections `extra`, and
    whose cluster.fw (round 18's SETS: wide4 is 10.0.0.0/7) holds security group `open` of
    the rule `group`."""
    from test_pve_leads18 import SETS, VM200_FW, _node
    from test_redteam15_pve_probes import CLUSTER_FW

    fw = VM200_FW.replace("[RULES]", extra + "[RULES]").replace(
        "GROUP webserver -i net0\n", rules + "\n"
    )
    cluster = CLUSTER_FW.replace("[IPSET management]", SETS + "[IPSET management]").replace(
        "[group webserver]", f"[group open]\n{group}\n\n[group webserver]"
    )
    got = _node(tmp_path, {"etc/pve/firewall/200.fw": fw, "etc/pve/firewall/cluster.fw": cluster})
    return got[("HVA-303", "web-10")]


OWN_WIDE4 = "[IPSET wide4] # the VM's own\n192.0.2.10\n\n"


@pytest.mark.parametrize(
    ("extra", "line"), [(OWN_WIDE4, 15), ("", 12)], ids=["vm-set-of-that-name", "held-no-vm-set"]
)
def test_r32p_2_security_group_names_the_cluster_set(tmp_path: Path, extra: str, line: int) -> None:
    """Was pass "1 interface(s) behind the VM firewall" beside the VM's own narrow `wide4`:
    pve-firewall generate_group_rules resolves the group's `+wide4` in cluster.fw alone."""
    assert _group(tmp_path, "IN ACCEPT -source +wide4", extra) == _vm_open(
        f"line {line} (group open line 34) `IN ACCEPT -source +wide4` accepts {IPV4}"
    )


def test_r32p_2_held_vm_rule_names_its_own_set(tmp_path: Path) -> None:
    """Held: the VM's own rule takes its own `wide4` first (ipt_gen_src_or_dst_match)."""
    assert _group(tmp_path, "IN DROP", OWN_WIDE4, "IN ACCEPT -source +wide4") == VM_PASS
