"""Red-team round 36 probes: host firewall and virtual networks (r36-firewall).

Harness: the live hardened Proxmox VE node (pve+ssh replayed: test_pve_leads18._node over
test_redteam3_host_probes.pve_scan), its firewall files edited (test_redteam35_proxmox_probes
._files: host.fw `nftables: 1`, cluster.fw's `enable` line replaced), the process list unread
(test_redteam21_pve4_probes PS_UNREAD); HVA-301's, HVA-302's and HVA-313's verdicts through the
real collector, parser and engine. Sources read with `fetch`: github:proxmox/pve-firewall
6f1311f src/PVE/Firewall.pm (load_hostfw_conf, parse_address_list, enable_host_firewall,
$pve_fw_macros).

Findings (R36F-n):
- R36F-1 (false pass) HVA-301, HVA-313: where cluster.fw is not known (P21D-1's `enable: yes`
  read two ways with `ps` unread; unread; a line proxmox-firewall refuses), host.fw's rules were
  never read (`_input_chain` returned nothing and `_accepts_everything` stopped), so a host.fw
  `IN ACCEPT` or `IN ACCEPT -p tcp` first in the node's chain was asked cluster.fw's question,
  and a "yes" (the firewall on, policy DROP) passed a node that admits every packet (every TCP
  port, the management ports included). pve-firewall applies host.fw's rules before
  cluster.fw's and its policy (enable_host_firewall "add host rules first"), and host.fw holds
  only [OPTIONS] and [RULES] (load_hostfw_conf `$empty_conf = { rules => [], options => {} }`):
  its rules name cluster.fw only through a security group, an IP set (`+name`) or an alias
  (parse_address_list's `(dc/|guest/)?$ip_alias_pattern`). Now host.fw's rules before the
  first such name are read without cluster.fw (`_host_rules_alone`) and an opening one fails
  (`_fw_gap`'s `opened`): on with the rule, or off, the node is open.
- R36F-2 (wrong fail) HVA-313: an `IN ACCEPT -p udp` (or `-p sctp -dport 1:60000`, every port of
  another protocol) failed "accepts every udp port, management ports included", though the
  management ports are TCP's: SSH, PMG (8006), SPICEproxy and VNC are `proto => 'tcp'` in
  $pve_fw_macros. Now `_accepts_everything(tcp=True)` counts only a rule reaching TCP ports
  and walks on past the others; HVA-301 keeps its fail (a default accept of a protocol).
- R36F-3 (false pass) HVA-303: a VM whose NIC filters are not resolved (proxmox-firewall's
  generated MAC/IP filters under `nftables: 1`; a subnet in ipfilter-net0, R48) was asked
  that question alone, so an `IN ACCEPT` (or `IN ACCEPT -p tcp`) first in its chain, and
  under proxmox-firewall an input policy ACCEPT with no IN rule that drops, were never judged:
  a "yes" about what the guest sends passed a VM that admits every packet. proxmox-firewall
  builds the guest chain as pve-firewall does, the VM's rules in order and then its policy
  (a752659 src/firewall.rs create_guest_chain; proxmox-ve-rs 840d1ed guest.rs
  GUEST_POLICY_IN_DEFAULT Drop), and applies the rules only pve-firewall refuses (`IN drop`,
  P21F-1), which `_admits_everything` now counts there. Now the input chain's fails
  (`_admits_everything`, `_vm_opened`) are judged before the filters' question under either
  daemon.

Held (kept as tests): a host.fw `IN ACCEPT -source +management` (a set cluster.fw defines)
keeps cluster.fw's question; a host.fw `IN DROP` before the `IN ACCEPT` closes the chain first
(cluster.fw's question); HVA-302 is not about rules and keeps its question. R36F-3: `IN drop`
(proxmox-firewall) or `IN DROP` (pve-firewall) before the `IN ACCEPT` keeps the filters'
question.

Probed by script: none beyond the cases kept.

Tally: 3 findings (2 false passes, 1 wrong fail); 14 cases in 6 test functions; 9 failed on
main before the fixes (R36F-1's 2 and R36F-2's 2 on 101a77ad, R36F-3's 5 on e2b77696); 5 held.
test_redteam17_pve_probes' P17-1 udp case asserted R36F-2's wrong fail (a separate commit).

Leads left: the network leads of rounds 33 and 34 (test_redteam34_firewall_probes,
test_redteam34_network_probes) were not reached this round; HVA-303 under `nftables: 1`
beyond R36F-3 stands (the NICs' filters under proxmox-firewall are still one question). A
VM `IN REJECT -p tcp` before policy ACCEPT fails "the input policy ACCEPT accepts every inbound
packet no rule before it drops or rejects": a wording lead (the REJECT took TCP; every other
protocol is what the policy admits).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads18 import _node
from test_pve_leads19b import HOST, VM201
from test_redteam3_host_probes import PVE_PROCS
from test_redteam21_pve4_probes import PS_UNREAD
from test_redteam35_proxmox_probes import _files, _verdicts

P21D_1 = "evidence unavailable: cluster.fw `enable: yes` is off as pve-firewall reads it"


def _host_rules(tmp_path: Path, rules: str, pve: bool = False) -> list[tuple[str, str]]:
    """HVA-301, HVA-302 and HVA-313 of pve-h1, `rules` first in host.fw's [RULES]: P21D-1's
    shape (host.fw `nftables: 1`, cluster.fw `enable: yes`, the process list unread), or with
    `pve` the hardened node's files under pve-firewall (running)."""
    files = _files("enable: 1\n", "enable: 1") if pve else _files(cluster="enable: yes")
    assert "[RULES]\n" in files[HOST]
    files[HOST] = files[HOST].replace("[RULES]\n", "[RULES]\n" + rules, 1)
    return _verdicts(_node(tmp_path, files, None if pve else PS_UNREAD))


# --- R36F-1: host.fw's rules with cluster.fw not known -----------------------------------------


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        ("IN ACCEPT", "every inbound packet"),
        ("IN ACCEPT -p tcp", "every tcp port"),
    ],
)
def test_r36f_1_host_fw_accept_first_with_cluster_fw_unknown(
    tmp_path: Path, rule: str, what: str
) -> None:
    """Were manual with cluster.fw's question (P21D-1's), whose "yes" passed HVA-301 and
    HVA-313 of a node whose host.fw admits every packet (every TCP port) before cluster.fw's
    rules and policy (enable_host_firewall "add host rules first")."""
    got = _host_rules(tmp_path, rule + "\n")
    head = f"host.fw line 9 `{rule}` accepts {what} before cluster.fw's rules and input policy: "
    assert got[0] == (
        "fail",
        head + "the node admits it whatever cluster.fw holds (with the firewall off, nothing is "
        "filtered at all)",
    )
    assert got[1][0] == "manual" and got[1][1].startswith(P21D_1), got[1]
    assert got[2] == (
        "fail",
        head + "the management ports are open beyond the management IP set whatever cluster.fw "
        "holds",
    )


@pytest.mark.parametrize(
    "rules",
    [
        "IN ACCEPT -source +management\n",
        "IN DROP\nIN ACCEPT\n",
        "IN DROP -source admin-lan\nIN ACCEPT -p tcp\n",
    ],
)
def test_r36f_1_held_set_alias_or_drop_first_asks(tmp_path: Path, rules: str) -> None:
    """Held: a rule naming cluster.fw's set, an unrestricted DROP before the ACCEPT, or a DROP
    of cluster.fw's alias (it may hold every address) before it: cluster.fw's question."""
    for status, message in _host_rules(tmp_path, rules):
        assert status == "manual", message
        assert message.startswith(P21D_1), message


# --- R36F-2: every port of a protocol other than TCP reaches no management port -----------------


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        ("IN ACCEPT -p udp", "every udp port"),
        # a -dport of more than half of the ports is counted (R45F-2)
        ("IN ACCEPT -p sctp -dport 1:60000", "60000 of the 65536 sctp ports (those of its -dport)"),
    ],
)
def test_r36f_2_every_udp_port_is_no_management_port(tmp_path: Path, rule: str, what: str) -> None:
    """HVA-313 was fail "... accepts every udp port, management ports included": SSH, PMG,
    SPICEproxy and VNC are TCP ($pve_fw_macros `proto => 'tcp'`). HVA-301 keeps its fail."""
    got = _host_rules(tmp_path, rule + "\n", pve=True)
    assert got[0] == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 8 `{rule}` accepts {what} "
        "before the policy",
    )
    assert got[1:] == [
        ("pass", "on (cluster firewall on, host.fw does not disable it)"),
        (
            "pass",
            "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management "
            "ports wider",
        ),
    ]


# --- R36F-3: the NICs' filter question hid the VM's input chain (HVA-303) ----------------------

BOTH = {
    "processes": (PVE_PROCS + "  950 root     pve-firewall\n  951 root     proxmox-firewall\n", 0)
}
NFT_FILTERS = (
    "evidence unavailable: the node runs proxmox-firewall (host.fw nftables: 1), whose generated "
    "MAC, IP and ARP filters hvaudit does not resolve"
)
SUBNET = (
    "evidence unavailable: IP set ipfilter-net0 admits the subnet(s) 192.0.2.0/24: whether every "
    "address in them is this VM's own is not in the evidence"
)


def _vm201(tmp_path: Path, rules: str, nft: bool, policy: str = "DROP") -> tuple[str, str]:
    """HVA-303 of VM 201 (api-11), `rules` first in 201.fw's [RULES] and its input policy
    `policy`, under proxmox-firewall (`nft`: host.fw `nftables: 1`, both daemons running; the
    NIC's filters are its question) or pve-firewall (ipfilter-net0 holding the subnet
    192.0.2.0/24: the set's question, R48)."""
    files = _files("enable: 1\nnftables: 1\n" if nft else "enable: 1\n")
    fw = files[VM201].replace("policy_in: DROP", f"policy_in: {policy}", 1)
    if not nft:
        fw = fw.replace("192.0.2.11\n", "192.0.2.0/24\n", 1)
    assert "[RULES]\n" in fw
    files[VM201] = fw.replace("[RULES]\n", "[RULES]\n" + rules, 1)
    return _node(tmp_path, files, BOTH)[("HVA-303", "api-11")]


@pytest.mark.parametrize("nft", [True, False])
@pytest.mark.parametrize(
    ("rule", "what"),
    [
        ("IN ACCEPT", "packet: net0: line 11 `IN ACCEPT` accepts every inbound packet"),
        (
            "IN ACCEPT -p tcp",
            "packet or every port of a protocol: net0: line 11 `IN ACCEPT -p tcp` accepts every "
            "tcp port",
        ),
    ],
)
def test_r36f_3_open_input_chain_beside_unresolved_filters(
    tmp_path: Path, nft: bool, rule: str, what: str
) -> None:
    """Were manual with the NIC's filter question alone (proxmox-firewall's filters, or the
    subnet in ipfilter-net0), whose "yes" passed a VM whose chain accepts every packet (every
    TCP port) first: the filters are what the guest sends, the chain what reaches it."""
    assert _vm201(tmp_path, rule + "\n", nft) == (
        "fail",
        f"1 of 1 interface(s) admit every inbound {what} before any rule drops or rejects",
    )


def test_r36f_3_accept_policy_under_proxmox_firewall(tmp_path: Path) -> None:
    """Was manual (the filters' question): under proxmox-firewall too the guest chain is the
    VM's rules, then its policy (create_guest_chain), and no IN rule drops or rejects."""
    assert _vm201(tmp_path, "", True, "ACCEPT") == (
        "fail",
        "the VM firewall's input policy is ACCEPT and no IN rule drops or rejects anything: 1 "
        "interface(s) admit every inbound packet",
    )


@pytest.mark.parametrize(("nft", "question"), [(True, NFT_FILTERS), (False, SUBNET)])
def test_r36f_3_held_drop_first_asks(tmp_path: Path, nft: bool, question: str) -> None:
    """Held: `IN drop` (which proxmox-firewall applies, P21F-1) or `IN DROP` before the ACCEPT
    closes the chain first: the filters' question, as before."""
    assert _vm201(tmp_path, "IN drop\nIN ACCEPT\n" if nft else "IN DROP\nIN ACCEPT\n", nft) == (
        "manual",
        question,
    )
