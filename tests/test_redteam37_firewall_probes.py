"""Red-team round 37 probes: host firewall and virtual networks (r37-firewall).

Harness: the live hardened Proxmox VE node (pve+ssh replayed: test_pve_leads18._node over
test_redteam3_host_probes.pve_scan), its firewall files edited (test_redteam35_proxmox_probes
._files), both daemons in the process list (test_redteam36_firewall_probes.BOTH; host.fw
without `nftables: 1` is pve-firewall's); HVA-301's and HVA-303's verdicts through the real
collector, parser and engine.

Findings (R37F-n):
- R37F-1 (false pass) HVA-301, HVA-303: each IN ACCEPT of a transport protocol's ports was
  read alone against the "more than half of the ports" line (`_opens`: `-dport 1:40000` fails),
  so `IN ACCEPT -p tcp -dport 1:32768` and `IN ACCEPT -p tcp -dport 32769:65535` (two rules,
  or a security group's two) passed a node (HVA-301 "cluster firewall on, input policy DROP")
  and a VM ("1 interface(s) behind the VM firewall") that admit every TCP port but 0 from
  every source. The chain is first match (pve-firewall ruleset_generate_vm_rules and
  enable_host_firewall add the rules in order; proxmox-firewall create_guest_chain likewise),
  so each port an ACCEPT reaches before any DROP of it is admitted whichever rule admits it;
  the host chains' readers pool them (hvaudit.parse.firewall `_pooled_ports`, R29F-3). Now the
  ACCEPTs' ports, less what the DROPs before each took, are pooled per IP version and protocol
  (`_pooled_accepts`): more than half of them together fails, naming the rules.
- R37F-2 (false pass) HVA-301, HVA-303: IN ACCEPTs of every packet from some sources each
  were read alone against the /7 (IPv6 /32) line, though one rule's list is read together
  (R29P-3: `-source 2.0.0.0/8,3.0.0.0/8` fails), so `IN ACCEPT -source 2.0.0.0/8` and `IN
  ACCEPT -source 3.0.0.0/8` (two /33s of IPv6 space, host.fw's and cluster.fw's) passed a node
  and a VM that admit every packet from a /7's worth of public sources. First match again: the
  host chains' readers pool such sources (hvaudit.parse.firewall `_Pool.accepted`, R28G-1).
  Now the sources of ACCEPTs that restrict nothing else are pooled (`_pooled_sources`, a set's
  `!` exceptions out, public addresses as R29P-3 counts them) and a /7's worth fails.
- R37F-3 (false pass) HVA-313: the same for the management ports: `IN ACCEPT -source
  2.0.0.0/8 -p tcp -dport 22` and the same from 3.0.0.0/8 (host.fw's and cluster.fw's, an
  `SSH(ACCEPT)` macro, an ACCEPT of every TCP port) passed "no rule opens management ports
  wider", though one rule's list of both fails (R29P-3, `_wide_together`). Now each
  management port's narrow sources (the `management` set's aside, less what a DROP of the
  port from every source took first, L17-2) are pooled (`_pooled_management`), and a /7's
  worth fails, the ports named once.

Held (kept as tests): R37F-1: two ACCEPTs of 30000 ports together (not more than half), a
DROP of the upper ports before the second ACCEPT, and an ACCEPT narrowed to one source beside
the other keep their pass. R37F-2: a /8 and a /9 together, the second ACCEPT of one port, and
the private networks (10/8, 172.16/12, 192.168/16) keep the node's and the VM's pass.
R37F-3: a /8 each to different management ports, a DROP of port 22 from every source first,
UDP's port 22 and ICMP keep HVA-313's pass.

Probed by script (held, not kept): `IN ACCEPT -source 0.0.0.0/1,128.0.0.0/1`, `-source
0.0.0.0-255.255.255.255`, `-source ::/1,8000::/1`, `-p 6`, `-p 0`, `-p ip`, `-p udplite`,
`-p tcp -sport 1:65535`, `-dport 1:20000,20001:40000` in one rule (each a fail);
`IN DROP -i net1`, `-source 10.0.0.1`, `-dest 192.0.2.99` before policy ACCEPT (fail).

Tally: 3 findings (3 false passes); 29 cases in 13 test functions; 16 failed on main before
the fixes (R37F-1's 8 on a7abc470, R37F-2's 4 on d4a55773, R37F-3's 4 on R37F-2's commit);
13 held.

Leads left: the round-33/34 network leads (test_redteam34_firewall_probes,
test_redteam34_network_probes) stand; HVA-303 under `nftables: 1` (the NICs' filters under
proxmox-firewall are one question); R36F's wording lead (a VM `IN REJECT -p tcp` before policy
ACCEPT). Sources pooled with every port of a protocol (the nft reader's R29F-2 `_Pool.some`:
`-source 2.0.0.0/8 -p tcp` beside `-source 3.0.0.0/8 -p tcp`) are not pooled on the Proxmox
side (HVA-313 pools a management port's sources, R37F-3).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads18 import _node
from test_pve_leads19b import CLUSTER, HOST, VM201
from test_redteam35_proxmox_probes import _files, _verdicts
from test_redteam36_firewall_probes import BOTH

SPLIT = "IN ACCEPT -p tcp -dport 1:32768\nIN ACCEPT -p tcp -dport 32769:65535\n"


def _vm(tmp_path: Path, rules: str, nft: bool = False, group: str = "") -> tuple[str, str]:
    """HVA-303 of VM 201 (api-11), `rules` first in 201.fw's [RULES] (its input policy DROP),
    `group` appended to cluster.fw; under pve-firewall, or proxmox-firewall with `nft`."""
    files = _files("enable: 1\nnftables: 1\n" if nft else "enable: 1\n")
    assert "[RULES]\n" in files[VM201]
    files[VM201] = files[VM201].replace("[RULES]\n", "[RULES]\n" + rules, 1)
    files[CLUSTER] += group
    return _node(tmp_path, files, BOTH)[("HVA-303", "api-11")]


def _hva301(tmp_path: Path, host: str = "", cluster: str = "") -> tuple[str, str]:
    """HVA-301 of pve-h1 under pve-firewall (running), `host` first in host.fw's [RULES] and
    `cluster` first in cluster.fw's."""
    files = _files("enable: 1\n", "enable: 1")
    for rel, rules in ((HOST, host), (CLUSTER, cluster)):
        assert "[RULES]\n" in files[rel]
        files[rel] = files[rel].replace("[RULES]\n", "[RULES]\n" + rules, 1)
    return _verdicts(_node(tmp_path, files, None))[0]


# --- R37F-1: ACCEPTs of some ports each, more than half of them together ------------------------

VM_HEAD = "1 of 1 interface(s) admit every inbound packet or every port of a protocol: net0: "
# after a DROP or REJECT of some packets, the heading says so (R38F-2)
VM_AFTER = (
    "1 of 1 interface(s) admit every inbound packet or every port of a protocol that no earlier "
    "rule drops or rejects: net0: "
)


@pytest.mark.parametrize("nft", [False, True])
def test_r37f_1_vm_split_ports(tmp_path: Path, nft: bool) -> None:
    """Was pass "1 interface(s) behind the VM firewall" under pve-firewall (under
    proxmox-firewall, the NIC filters' question): the two ACCEPTs admit 65535 TCP ports."""
    assert _vm(tmp_path, SPLIT, nft) == (
        "fail",
        VM_HEAD + "line 11 `IN ACCEPT -p tcp -dport 1:32768`, line 12 `IN ACCEPT -p tcp -dport "
        "32769:65535` accept 65535 of the 65536 tcp ports between them before any rule drops or "
        "rejects",
    )


def test_r37f_1_vm_split_ports_in_a_group(tmp_path: Path) -> None:
    """Was pass: a security group's two ACCEPTs, as the VM's own."""
    got = _vm(tmp_path, "GROUP web2\n", group="\n[group web2]\n" + SPLIT)
    assert got == (
        "fail",
        VM_HEAD + "line 11 (group web2 line 28) `IN ACCEPT -p tcp -dport 1:32768`, line 11 "
        "(group web2 line 29) `IN ACCEPT -p tcp -dport 32769:65535` accept 65535 of the 65536 "
        "tcp ports between them before any rule drops or rejects",
    )


def test_r37f_1_vm_split_after_a_narrow_drop(tmp_path: Path) -> None:
    """Was pass: a DROP of one source first leaves the rest of the chain to the ACCEPTs."""
    got = _vm(tmp_path, "IN DROP -source 198.51.100.7\n" + SPLIT)
    assert got == (
        "fail",
        VM_AFTER + "line 12 `IN ACCEPT -p tcp -dport 1:32768`, line 13 `IN ACCEPT -p tcp -dport "
        "32769:65535` accept 65535 of the 65536 tcp ports between them that no rule before them "
        "drops or rejects",
    )


@pytest.mark.parametrize(
    ("host", "cluster", "rules"),
    [
        (SPLIT, "", "host.fw line 8 `IN ACCEPT -p tcp -dport 1:32768`, host.fw line 9"),
        ("", SPLIT, "cluster.fw line 18 `IN ACCEPT -p tcp -dport 1:32768`, cluster.fw line 19"),
        (
            "IN ACCEPT -p tcp -dport 1:32768\n",
            "IN ACCEPT -p tcp -dport 32769:65535\n",
            "host.fw line 8 `IN ACCEPT -p tcp -dport 1:32768`, cluster.fw line 18",
        ),
    ],
)
def test_r37f_1_node_split_ports(tmp_path: Path, host: str, cluster: str, rules: str) -> None:
    """Was pass "cluster firewall on, input policy DROP": host.fw's and cluster.fw's rules are
    one chain (host.fw's first, enable_host_firewall), so the split spans the two files too."""
    assert _hva301(tmp_path, host, cluster) == (
        "fail",
        f"cluster firewall on, input policy DROP, but {rules} `IN ACCEPT -p tcp -dport "
        "32769:65535` accept 65535 of the 65536 tcp ports between them before the policy",
    )


def test_r37f_1_node_split_udp(tmp_path: Path) -> None:
    """Was pass: every UDP port but 0 in three ACCEPTs (HVA-301 counts every protocol)."""
    rules = "".join(
        f"IN ACCEPT -p udp -dport {r}\n" for r in ("1:20000", "20001:40000", "40001:65535")
    )
    got = _hva301(tmp_path, rules)
    assert got == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 8 `IN ACCEPT -p udp -dport "
        "1:20000`, host.fw line 9 `IN ACCEPT -p udp -dport 20001:40000` accept 40000 of the 65536 "
        "udp ports between them before the policy",
    )


HELD = [
    "IN ACCEPT -p tcp -dport 1:15000\nIN ACCEPT -p tcp -dport 15001:30000\n",
    "IN DROP -p tcp -dport 30001:65535\n" + SPLIT,
    "IN ACCEPT -p tcp -dport 1:32768\nIN ACCEPT -p tcp -dport 32769:65535 -source 198.51.100.7\n",
]


@pytest.mark.parametrize("rules", HELD)
def test_r37f_1_held_vm(tmp_path: Path, rules: str) -> None:
    """Held: not more than half of the ports together, a DROP taking the upper ones first, or
    the second ACCEPT of one source: the VM's pass stands."""
    assert _vm(tmp_path, rules) == ("pass", "1 interface(s) behind the VM firewall")


@pytest.mark.parametrize("rules", HELD)
def test_r37f_1_held_node(tmp_path: Path, rules: str) -> None:
    """Held: the node's pass stands on the same rules."""
    assert _hva301(tmp_path, cluster=rules) == ("pass", "cluster firewall on, input policy DROP")


# --- R37F-2: ACCEPTs of every packet from some sources each, a /7's worth together ---------------

TWO_8 = "IN ACCEPT -source 2.0.0.0/8\nIN ACCEPT -source 3.0.0.0/8\n"
A7 = "2^25 (a /7) public IPv4 addresses together, as many as a /7 network or more"


def test_r37f_2_node_sources_split(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP": one rule's `-source
    2.0.0.0/8,3.0.0.0/8` failed (R29P-3), the same sources in two rules passed."""
    assert _hva301(tmp_path, TWO_8) == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 8 `IN ACCEPT -source "
        "2.0.0.0/8`, host.fw line 9 `IN ACCEPT -source 3.0.0.0/8` accept every inbound packet "
        f"from their sources ({A7}) before the policy",
    )


def test_r37f_2_node_sources_split_ipv6(tmp_path: Path) -> None:
    """Was pass: two /33s are a /32's worth (IPV6_WIDE_PREFIX), host.fw's and cluster.fw's."""
    got = _hva301(tmp_path, "IN ACCEPT -source 2a00::/33\n", "IN ACCEPT -source 2a00:0:8000::/33\n")
    assert got == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 8 `IN ACCEPT -source "
        "2a00::/33`, cluster.fw line 18 `IN ACCEPT -source 2a00:0:8000::/33` accept every inbound "
        "packet from their sources (2^96 (a /32) public IPv6 addresses together, as many as a "
        "/32 network or more) before the policy",
    )


@pytest.mark.parametrize(
    ("rules", "lines", "before"),
    [
        (TWO_8, (11, 12), "before any rule drops or rejects"),
        (
            "IN DROP -source 198.51.100.7\n" + TWO_8,
            (12, 13),
            "that no rule before them drops or rejects",
        ),
    ],
)
def test_r37f_2_vm_sources_split(
    tmp_path: Path, rules: str, lines: tuple[int, int], before: str
) -> None:
    """Was pass "1 interface(s) behind the VM firewall"."""
    assert _vm(tmp_path, rules) == (
        "fail",
        (VM_AFTER if "no rule before" in before else VM_HEAD)
        + f"line {lines[0]} `IN ACCEPT -source 2.0.0.0/8`, line {lines[1]} `IN ACCEPT "
        f"-source 3.0.0.0/8` accept every inbound packet from their sources ({A7}) {before}",
    )


HELD_SOURCES = [
    "IN ACCEPT -source 2.0.0.0/8\nIN ACCEPT -source 4.0.0.0/9\n",
    "IN ACCEPT -source 2.0.0.0/8\nIN ACCEPT -source 3.0.0.0/8 -p tcp -dport 22\n",
    "IN ACCEPT -source 10.0.0.0/8\nIN ACCEPT -source 172.16.0.0/12\nIN ACCEPT -source 192.168.0.0/16\n",
]


@pytest.mark.parametrize("rules", HELD_SOURCES)
def test_r37f_2_held(tmp_path: Path, rules: str) -> None:
    """Held: less than a /7's worth together, the second ACCEPT of one port, or private
    networks (_PRIVATE, as R29P-3 counts): the node's and the VM's pass stand."""
    node = _hva301(tmp_path / "node", cluster=rules)
    assert node == ("pass", "cluster firewall on, input policy DROP")
    assert _vm(tmp_path / "vm", rules) == ("pass", "1 interface(s) behind the VM firewall")


# --- R37F-3: ACCEPTs of a management port from narrow sources each (HVA-313) ---------------------

MGMT_OK = (
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider"
)


def _hva313(tmp_path: Path, host: str = "", cluster: str = "") -> tuple[str, str]:
    """HVA-313 of pve-h1 under pve-firewall (running), `host` first in host.fw's [RULES] and
    `cluster` first in cluster.fw's."""
    files = _files("enable: 1\n", "enable: 1")
    for rel, rules in ((HOST, host), (CLUSTER, cluster)):
        files[rel] = files[rel].replace("[RULES]\n", "[RULES]\n" + rules, 1)
    return _verdicts(_node(tmp_path, files, None))[2]


@pytest.mark.parametrize(
    ("host", "cluster", "rules", "ports"),
    [
        (
            "IN ACCEPT -source 2.0.0.0/8 -p tcp -dport 22\n",
            "IN ACCEPT -source 3.0.0.0/8 -p tcp -dport 22\n",
            "host.fw:8, cluster.fw:18",
            "22",
        ),
        (
            "IN SSH(ACCEPT) -source 2.0.0.0/8\nIN ACCEPT -source 3.0.0.0/8 -p tcp -dport 22,8006\n",
            "",
            "host.fw:8, host.fw:9",
            "22",
        ),
        (
            "IN ACCEPT -source 2.0.0.0/8\nIN ACCEPT -source 3.0.0.0/8 -p tcp -dport 5900:5999\n",
            "",
            "host.fw:8, host.fw:9",
            "5900-5999",
        ),
        (
            "IN ACCEPT -source 2.0.0.0/8 -p tcp\nIN ACCEPT -source 3.0.0.0/8 -p tcp\n",
            "",
            "host.fw:8, host.fw:9",
            "22, 3128, 5900-5999, 8006",
        ),
    ],
)
def test_r37f_3_management_port_from_split_sources(
    tmp_path: Path, host: str, cluster: str, rules: str, ports: str
) -> None:
    """Were pass "... no rule opens management ports wider": one rule's `-source
    2.0.0.0/8,3.0.0.0/8 -dport 22` fails (R29P-3), two rules of a /8 each passed; a macro
    (SSH) and an ACCEPT of every TCP port reach the management ports as a -dport does."""
    assert _hva313(tmp_path, host, cluster) == (
        "fail",
        f"{rules} accept management port(s) {ports} from their sources ({A7})",
    )


@pytest.mark.parametrize(
    "rules",
    [
        "IN ACCEPT -source 2.0.0.0/8 -p tcp -dport 22\nIN ACCEPT -source 3.0.0.0/8 -p tcp -dport 8006\n",
        "IN DROP -p tcp -dport 22\nIN ACCEPT -source 2.0.0.0/8 -p tcp -dport 22\n"
        "IN ACCEPT -source 3.0.0.0/8 -p tcp -dport 22\n",
        "IN ACCEPT -source 2.0.0.0/8 -p udp -dport 22\nIN ACCEPT -source 3.0.0.0/8 -p udp -dport 22\n",
        "IN ACCEPT -source 2.0.0.0/8 -p icmp\nIN ACCEPT -source 3.0.0.0/8 -p icmp\n",
    ],
)
def test_r37f_3_held(tmp_path: Path, rules: str) -> None:
    """Held: a /8 each to different ports, a DROP of port 22 from every source first, UDP's
    port 22, and ICMP: no management port from a /7's worth."""
    assert _hva313(tmp_path, rules) == ("pass", MGMT_OK)
