"""HVA-190 and HVA-181 on the hardened twins of the third red team's findings (H4, H5, H15, H16,
H21): what opens the host, and what a hardened rule set or kernel may say without failing.

A rule that accepts a broad share of the traffic (every port of a transport protocol, every
source but some) opens the host whatever the policy says; the same match with drop decides nothing
(the rest goes on to the rules below and the policy). nft(8) META, PAYLOAD and SETS expressions;
iptables(8) and iptables-extensions(8) conntrack/state, all read with `search`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

NFT_DROP = HARDENED_HOST["nft-ruleset"][0]
MITIGATED = HARDENED_HOST["cpu-vulnerabilities"][0]
L4PROTO_TCP = {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}
NOT_MGMT = {
    "match": {
        "op": "!=",
        "left": {"payload": {"protocol": "ip", "field": "saddr"}},
        "right": {"prefix": {"addr": "10.0.0.0", "len": 8}},
    }
}


def _nft(*rules: list[dict[str, Any]], policy: str | None = None) -> str:
    ruleset = json.loads(NFT_DROP)
    for item in ruleset["nftables"]:
        if "chain" in item and policy is not None:
            item["chain"]["policy"] = policy
    for n, exprs in enumerate(rules):
        ruleset["nftables"].append(
            {
                "rule": {
                    "family": "inet",
                    "table": "filter",
                    "chain": "input",
                    "handle": 20 + n,
                    "expr": exprs,
                }
            }
        )
    return json.dumps(ruleset)


def _verdict(a: Any, check_id: str) -> tuple[str, str]:
    return outcomes(a, check_id)["hv1"], messages(a, check_id)["hv1"]


def test_a_broad_drop_does_not_stand_for_a_drop_policy(host_scan) -> None:
    """`meta l4proto tcp drop` under policy accept leaves UDP open: fail (a drop of broad reach
    decides nothing)."""
    a = host_scan({"nft-ruleset": (_nft([L4PROTO_TCP, {"drop": None}], policy="accept"), 0)})
    status, msg = _verdict(a, "HVA-190")
    assert status == "fail", msg


def test_dropping_everyone_outside_management_then_policy_drop_passes(host_scan) -> None:
    a = host_scan({"nft-ruleset": (_nft([NOT_MGMT, {"drop": None}]), 0)})
    status, msg = _verdict(a, "HVA-190")
    assert status == "pass", msg


def test_accepting_every_tcp_port_names_the_rule(host_scan) -> None:
    a = host_scan({"nft-ruleset": (_nft([L4PROTO_TCP, {"counter": None}, {"accept": None}]), 0)})
    status, msg = _verdict(a, "HVA-190")
    assert status == "fail", msg
    assert "every port of a protocol" in msg, msg


def test_a_set_of_another_table_is_not_this_tables_set(host_scan) -> None:
    """`@mgmt` resolves in the rule's own table: a set of the same name holding 0.0.0.0/0 in
    another table does not open this one."""
    ruleset = json.loads(
        _nft(
            [
                {
                    "match": {
                        "op": "==",
                        "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                        "right": "@mgmt",
                    }
                },
                {"accept": None},
            ]
        )
    )
    every = {"prefix": {"addr": "0.0.0.0", "len": 0}}
    mgmt = {"prefix": {"addr": "10.0.0.0", "len": 24}}
    for table, elem in (("filter", mgmt), ("lab", every)):
        ruleset["nftables"].insert(
            1,
            {
                "set": {
                    "family": "inet",
                    "table": table,
                    "name": "mgmt",
                    "type": "ipv4_addr",
                    "flags": ["interval"],
                    "elem": [elem],
                }
            },
        )
    a = host_scan({"nft-ruleset": (json.dumps(ruleset), 0)})
    status, msg = _verdict(a, "HVA-190")
    assert status == "pass", msg


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        ("-A INPUT -p tcp -j ACCEPT\n", "fail"),
        ("-A INPUT -m state --state NEW -j ACCEPT\n", "fail"),
        ("-A INPUT ! -s 10.0.0.0/8 -j ACCEPT\n", "fail"),
        (
            "-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m comment "
            '--comment "ssh from anywhere" -j ACCEPT\n',
            "pass",
        ),
        ("-A INPUT ! -s 10.0.0.0/8 -j DROP\n-A INPUT -p icmp -j ACCEPT\n", "pass"),
        ("-A INPUT -i lo -j ACCEPT\n-A INPUT -p udp -j DROP\n", "pass"),
        # more than half of the senders, to every port, is broad (R28G-1; was "pass")
        ("-A INPUT -s 0.0.0.0/1 -j ACCEPT\n-A INPUT -s 128.0.0.0/2 -j ACCEPT\n", "fail"),
        ("-A INPUT -s 0.0.0.0/2 -j ACCEPT\n-A INPUT -s 128.0.0.0/3 -j ACCEPT\n", "pass"),
        ("-A INPUT -s 0.0.0.0/1 -j ACCEPT\n-A INPUT -s 128.0.0.0/1 -j ACCEPT\n", "fail"),
    ],
    ids=[
        "every-tcp-port",
        "every-new-connection",
        "every-source-but-mgmt",
        "ssh-port",
        "drop-outside",
        "udp-drop",
        "three-quarters",
        "three-eighths",
        "both-halves",
    ],
)
def test_iptables_rules_by_reach(host_scan, rules: str, status: str) -> None:
    a = host_scan(
        {
            "nft-ruleset": None,
            "iptables-input": ("-P INPUT DROP\n" + rules, 0),
            "ip6tables-input": ("-P INPUT DROP\n", 0),
        }
    )
    got, msg = _verdict(a, "HVA-190")
    assert got == status, msg


def test_bhi_cleared_on_vm_exit_counts_as_mitigated(host_scan) -> None:
    """spectre_bhi=vmexit: "BHI: Vulnerable, KVM: SW loop" (bugs.c spectre_bhi_state): the
    branch history is cleared on every VM exit, the guest-to-host path: pass."""
    vulns = MITIGATED.replace(
        "spectre_v2:Mitigation: Enhanced / Automatic IBRS",
        "spectre_v2:Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling; "
        "PBRSB-eIBRS: SW sequence; BHI: Vulnerable, KVM: SW loop",
    )
    a = host_scan({"cpu-vulnerabilities": (vulns, 0)})
    status, msg = _verdict(a, "HVA-181")
    assert status == "pass", msg


def test_l1tf_with_conditional_flushes_and_smt_off_passes(host_scan) -> None:
    """The kernel's default KVM L1TF mode, "conditional cache flushes" (bugs.c
    l1tf_vmx_states[VMENTER_L1D_FLUSH_COND]), with SMT off: pass."""
    vulns = MITIGATED + (
        "/sys/devices/system/cpu/vulnerabilities/l1tf:"
        "Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT disabled\n"
    )
    a = host_scan(
        {"cpu-vulnerabilities": (vulns, 0), "/sys/devices/system/cpu/smt/control": "off\n"}
    )
    status, msg = _verdict(a, "HVA-181")
    assert status == "pass", msg
