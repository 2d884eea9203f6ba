"""Red-team round 40 probes: Proxmox VE rules whose ports proxmox-firewall drops (r40-firewall).

Harness: round 39's (test_redteam39_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed, test_pve_leads18._node over test_redteam35_proxmox_probes._files), host.fw
`nftables: 1` with both daemons in the process list (test_redteam36_firewall_probes.BOTH) or
pve-firewall alone; HVA-301's, HVA-303's (test_redteam37_firewall_probes._vm) and HVA-313's
verdicts through the real collector, parser and engine.

Findings (R40F-n):
- R40F-1 (false pass) HVA-301, HVA-303, HVA-313: under proxmox-firewall (host.fw
  `nftables: 1`) a rule's -dport and -sport are read only under the exact spellings `tcp`|`6`,
  `udp`|`17`, `dccp`|`33`, `sctp`|`132`, `udplite`|`136` (proxmox-ve-rs
  proxmox-ve-config/src/firewall/types/rule_match.rs Protocol::from_options); any other -p is
  Protocol::Numeric (Rust's u8 parse: `06`, `+6`, `017`) or Protocol::Named (`TCP`, `0x84`,
  `UDPLite`), which proxmox-firewall's rule.rs (ToNftRules for Protocol) writes as a bare
  `meta l4proto <value>` with no port match, and nft resolves the value as a number
  (datatype.c inet_protocol_type_parse, strtoumax base 0) or a name or alias of
  /etc/protocols (nftutils.c nft_getprotobyname, getprotobyname_r; netbase: `tcp 6 TCP`,
  `udplite 136 UDPLite`). A rule with a -dport and no -p gets no protocol and no port match:
  every packet. hvaudit read such rules as pve-firewall does (verify_rule "protocol 'TCP' does
  not support ports", "'dport'/'sport' requires 'proto'": not applied) or as no port-bearing
  protocol (`-p 06`), so `IN ACCEPT -p TCP -dport 22` (every TCP port from everywhere) and
  `IN ACCEPT -dport 22` (every packet) passed the node ("cluster firewall on, input policy
  DROP"), HVA-313 ("no rule opens management ports wider") and the VM. Now those port checks
  are pve-firewall's alone (`pve_refused`), and proxmox._nft_ports_dropped reads such a rule
  under `nftables: 1` as its protocol's every port (or every packet), the message saying why;
  two /8s' `-p TCP -dport 80` pool as R38F-1's (HVA-301) and R37F-3's (HVA-313) do.
- R40F-2 (wrong fail) HVA-301: same cause: `IN DROP -p TCP -dport 80` before `IN ACCEPT -p tcp`
  drops every TCP packet under proxmox-firewall, leaving the ACCEPT none, yet the node failed;
  now it passes.
- R40F-3 (false pass) HVA-301, HVA-303: same class, the ICMP type: proxmox-ve-config reads a
  rule's -icmp-type only under `icmp`|`1` and `ipv6-icmp`|`icmpv6`|`58` (rule_match.rs
  Icmp::from_options, Icmpv6::from_options; Tcp, Udp, Named and Numeric read ports alone, and
  no -p reads nothing), so `IN ACCEPT -p tcp -icmp-type echo-request` is every TCP port and
  `IN ACCEPT -icmp-type echo-request` every packet under `nftables: 1`; hvaudit dropped both
  as pve-firewall does ("missing property - 'icmp-type' requires an icmp 'proto'") and passed
  the node and the VM. Now that check is pve-firewall's alone (`pve_refused`) and
  _nft_ports_dropped drops the -icmp-type, the message saying why.
- R40F-4 (false pass) HVA-301, HVA-303: a rule with -dport and -icmp-type is one
  proxmox-ve-config refuses (RuleMatch::from_options: "dport and icmp-type are mutually
  exclusive"), which fails proxmox-firewall's whole update (common.rs Config::parse bails,
  hvaudit.parse.proxmox_model._nft_reading), so the ruleset in force is not in the evidence;
  the node and the VM passed. Now the line is one of `FirewallFile.nft_lines` (refused): the
  verdict asks.
- R40F-5 (false pass) HVA-301, HVA-303: same shape: IPv4 and IPv6 addresses in one -source or
  -dest list (proxmox-ve-config address.rs IpList::from_str "Incompatible families in
  IPList!", then no set or alias name: IpAddrMatch "invalid IP specification"), or a -source
  and a -dest of two IP versions (rule_match.rs IpMatch::new "src and dst family must be
  equal"), is a rule proxmox-firewall's parser refuses, failing its whole update; hvaudit
  skipped it as pve-firewall does ("detected mixed ipv4/ipv6 addresses in rule") and passed.
  Now such a line is refused in `FirewallFile.nft_lines` (parse.proxmox_firewall
  _literal_families: literal addresses, networks and ranges only; a set or an alias is read
  at generation): the verdict asks.
- R40F-6 (false pass) HVA-301, HVA-303: a -dport or -sport list pve-firewall refuses
  (`22,`, `99999`, `9000:8000`) was read as refused by both daemons (parse.proxmox_firewall
  _port_list, L16-3), but proxmox-ve-config parses it only under tcp, udp, dccp, sctp or
  udplite (rule_match.rs Ports::from_options; port.rs PortList, PortEntry): there a bad list
  fails proxmox-firewall's whole update, and under no -p or a -p it writes bare it is not read
  at all. So `IN ACCEPT -p tcp -dport 22,` (ruleset in force unknown), `IN ACCEPT -dport
  99999` (every packet) and `IN ACCEPT -p TCP -dport 9000:8000` (every TCP port) passed. Now
  the first is a refused `nft_lines` line (the verdict asks) and the others are pve-firewall's
  refusal alone (`pve_refused`), read as R40F-1 reads them.
- R40F-7 (false pass) HVA-301, HVA-303: a -p proxmox-firewall writes as Protocol::Named
  that nft cannot resolve (`Tcp`: glibc's getprotobyname_r matches /etc/protocols names and
  aliases case-sensitively; `300`: datatype.c inet_protocol_type_parse "Protocol out of
  range"; `mptcp`, netbase's 262) fails the one batch proxmox-firewall sends
  (bin/proxmox-firewall.rs handle_firewall, run_json_commands), so no change is applied and
  the ruleset in force is not in the evidence; hvaudit read `-p Tcp -dport 22` as one TCP
  port and `-p 300` as no port-bearing protocol, and passed. Now
  parse.proxmox_firewall.nft_unresolved_protocol makes such a line a refused `nft_lines` one
  (netbase 6.4's names and aliases): the verdict asks.

Held (kept as tests): the same rules under pve-firewall (it refuses them: the node and the VM
pass; R40F-3's to R40F-5's too); one IP version's address beside its range, and an IPv6
-source beside an IP set -dest, under proxmox-firewall (the node passes); `-p gre`, `-p
IPSEC-ESP` (an alias) and `-p 0x2F` under proxmox-firewall (nft resolves them: the node
passes); `IN ACCEPT -p 6 -dport 22` and `-p tcp -dport 22` under proxmox-firewall (the Tcp
variant keeps its port) pass the node.

Probed by script (not kept): each finding's rules under pve-firewall and proxmox-firewall
before the fix (the kept cases' shapes); `IN ACCEPT -p icmp -icmp-type echo-request` under
proxmox-firewall passes (an ICMP -p reads its type).

Tally: 7 findings (6 false pass, 1 wrong fail); 28 cases in 14 test functions; 24 failed on
main before the fixes (6d29779e; R40F-1/2 landed b0994f05, R40F-3/4 5db921a0, R40F-5/6
26ded200, R40F-7 827a7638); 4 held (and the 18 pve-firewall assertions within the failing
cases).

Leads left: other values nft refuses in proxmox-firewall's batch (an -icmp-type name nft
lacks, a -dport service name the node's /etc/services lacks) are not read as refusals; a
node's own /etc/protocols (not collected) may name protocols netbase 6.4 does not; the node's
HVA-301 message says "every tcp port" for `IN ACCEPT -source 0.0.0.0/0 -p tcp` (IPv4 only);
round 39's stand: a one-rule `IN ACCEPT -source
2.0.0.0/8,3.0.0.0/8 -p tcp` quoted without its -source (wording), the node's pooled message
"before the policy" after a narrower DROP; the host nft leads of rounds 33/34.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads18 import _node
from test_pve_leads19b import HOST
from test_redteam35_proxmox_probes import _files
from test_redteam36_firewall_probes import BOTH
from test_redteam37_firewall_probes import VM_HEAD, _vm

NODE_PASS = ("pass", "cluster firewall on, input policy DROP")
VM_PASS = ("pass", "1 interface(s) behind the VM firewall")


def _node_verdicts(tmp_path: Path, host: str, nft: bool) -> dict[str, tuple[str, str]]:
    """HVA-301 and HVA-313 of pve-h1, `host` first in host.fw's [RULES], under proxmox-firewall
    (`nft`: host.fw `nftables: 1`, both daemons running) or pve-firewall."""
    files = _files("enable: 1\nnftables: 1\n" if nft else "enable: 1\n", "enable: 1")
    assert "[RULES]\n" in files[HOST]
    files[HOST] = files[HOST].replace("[RULES]\n", "[RULES]\n" + host, 1)
    got = _node(tmp_path, files, BOTH if nft else None)
    return {check: got[(check, "pve-h1")] for check in ("HVA-301", "HVA-313")}


def _bare(raw: str, written: str, name: str) -> str:
    return (
        f" (-p {raw}: proxmox-firewall writes `meta l4proto {written}`, {name}, with no port match)"
    )


BARE = [
    ("IN ACCEPT -p TCP -dport 22", "TCP", "TCP", "tcp"),
    ("IN ACCEPT -p 06 -dport 22", "06", "6", "tcp"),
    ("IN ACCEPT -p +6 -dport 22", "+6", "6", "tcp"),
    ("IN ACCEPT -p 017 -dport 53", "017", "17", "udp"),
    ("IN ACCEPT -p 0x84 -dport 9", "0x84", "0x84", "sctp"),
    ("IN ACCEPT -p UDPLite -dport 53", "UDPLite", "UDPLite", "udplite"),
    ("IN ACCEPT -p 06", "06", "6", "tcp"),
]


@pytest.mark.parametrize(("rule", "raw", "written", "name"), BARE)
def test_r40f_1_node_bare_protocol(
    tmp_path: Path, rule: str, raw: str, written: str, name: str
) -> None:
    """Was pass under `nftables: 1`: proxmox-firewall writes the -p alone, every port of it;
    pve-firewall refuses the rule (held: the node passes)."""
    why = _bare(raw, written, name)
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `{rule}` accepts every "
        f"{name} port{why} before the policy",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


@pytest.mark.parametrize(("rule", "raw", "written", "name"), BARE[:2])
def test_r40f_1_vm_bare_protocol(
    tmp_path: Path, rule: str, raw: str, written: str, name: str
) -> None:
    """Was the NIC filters' question under `nftables: 1` (the chain read as closed); pve-firewall
    refuses the rule (held: the VM passes)."""
    assert _vm(tmp_path / "nft", rule + "\n", nft=True) == (
        "fail",
        VM_HEAD
        + f"line 11 `{rule}` accepts every {name} port before any rule drops or rejects"
        + _bare(raw, written, name),
    )
    assert _vm(tmp_path / "pve", rule + "\n") == VM_PASS


NO_PROTO = (
    " (-dport 22 with no -p: proxmox-firewall writes no port match for a rule of no protocol)"
)


def test_r40f_1_ports_without_a_protocol(tmp_path: Path) -> None:
    """Was pass: `IN ACCEPT -dport 22` is every packet to proxmox-firewall (no protocol, no
    port match), on the node (HVA-301, HVA-313) and the VM."""
    got = _node_verdicts(tmp_path / "node", "IN ACCEPT -dport 22\n", nft=True)
    assert got == {
        "HVA-301": (
            "fail",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -dport 22` "
            f"accepts every inbound packet{NO_PROTO} before the policy",
        ),
        "HVA-313": (
            "fail",
            f"host.fw line 9 `IN ACCEPT -dport 22` accepts every inbound packet{NO_PROTO}, "
            "management ports included",
        ),
    }
    assert _vm(tmp_path / "vm", "IN ACCEPT -dport 22\n", nft=True) == (
        "fail",
        "1 of 1 interface(s) admit every inbound packet: net0: line 11 `IN ACCEPT -dport 22` "
        f"accepts every inbound packet before any rule drops or rejects{NO_PROTO}",
    )


def test_r40f_1_management_ports(tmp_path: Path) -> None:
    """Was pass "no rule opens management ports wider": `-p TCP -dport 80` is every TCP port,
    22 and 8006 among them."""
    got = _node_verdicts(tmp_path, "IN ACCEPT -p TCP -dport 80\n", nft=True)["HVA-313"]
    assert got == (
        "fail",
        "host.fw line 9 `IN ACCEPT -p TCP -dport 80` accepts every tcp port"
        + _bare("TCP", "TCP", "tcp")
        + ", management ports included",
    )


@pytest.mark.parametrize(
    "rules",
    [
        "IN DROP -p TCP -dport 80\nIN ACCEPT -p tcp\n",
        "IN ACCEPT -p 6 -dport 22\n",
        "IN ACCEPT -p tcp -dport 22\n",
    ],
)
def test_r40f_2_and_held_under_nftables(tmp_path: Path, rules: str) -> None:
    """R40F-2, was fail: the DROP of `meta l4proto TCP` takes every TCP port first. Held: the
    Tcp variant (`6`, `tcp`) keeps its -dport."""
    assert _node_verdicts(tmp_path, rules, nft=True)["HVA-301"] == NODE_PASS


# --- R40F-3: a -icmp-type proxmox-firewall does not read -----------------------------------------

ICMP_TYPE = "-icmp-type echo-request"


@pytest.mark.parametrize(
    ("rule", "what", "why"),
    [
        (
            f"IN ACCEPT -p tcp {ICMP_TYPE}",
            "every tcp port",
            " (-icmp-type echo-request: proxmox-firewall writes no ICMP type match under -p tcp)",
        ),
        (
            f"IN ACCEPT {ICMP_TYPE}",
            "every inbound packet",
            " (-icmp-type echo-request with no -p: proxmox-firewall writes no ICMP type match for "
            "a rule of no protocol)",
        ),
    ],
)
def test_r40f_3_icmp_type_outside_icmp(tmp_path: Path, rule: str, what: str, why: str) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config reads -icmp-type only under an ICMP -p,
    so the rule is every TCP port (every packet); pve-firewall refuses it (held: pass)."""
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `{rule}` accepts {what}"
        f"{why} before the policy",
    )
    head = (
        "1 of 1 interface(s) admit every inbound packet: net0: "
        if what == "every inbound packet"
        else VM_HEAD
    )
    assert _vm(tmp_path / "vm", rule + "\n", nft=True) == (
        "fail",
        head + f"line 11 `{rule}` accepts {what} before any rule drops or rejects{why}",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


def test_r40f_4_dport_beside_icmp_type_refused(tmp_path: Path) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config refuses a rule with -dport and
    -icmp-type (RuleMatch::from_options), so proxmox-firewall applies no change and the ruleset
    in force is not in the evidence; pve-firewall refuses the rule alone (held: pass)."""
    rule = f"IN ACCEPT -p tcp -dport 22 {ICMP_TYPE}"
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f'evidence unavailable: host.fw line 9 `{rule}`: -dport beside -icmp-type ("dport and '
        'icmp-type are mutually exclusive")' + REFUSED,
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


# --- R40F-5: IPv4 and IPv6 addresses in one rule, refused by proxmox-firewall --------------------

# the fixture's nft table inet filter (input policy drop) filters the node, and no table inet
# proxmox-firewall is shown: R52F-2 asks of the admin's own filter
REFUSED = (
    ", which proxmox-firewall (host.fw `nftables: 1`) refuses: it then applies no change, and "
    "nft shows no table inet proxmox-firewall (no ruleset it loaded before is in force), but the "
    "node is filtered by rules proxmox-firewall did not write (nft table inet filter, chain input "
    "(hook input): policy drop): do they restrict the management ports (8006, 22, 3128, "
    "5900-5999) to the management network?"
)


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        (
            "IN ACCEPT -source 0.0.0.0/0,::/0 -p tcp -dport 22",
            'IPv4 and IPv6 addresses in one list ("Incompatible families in IPList!")',
        ),
        (
            "IN ACCEPT -source 198.51.100.7 -dest ::/0",
            'a -source and a -dest of two IP versions ("src and dst family must be equal")',
        ),
    ],
)
def test_r40f_5_mixed_families_refused(tmp_path: Path, rule: str, why: str) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config cannot parse the rule, so
    proxmox-firewall's update fails and the ruleset in force is not in the evidence;
    pve-firewall refuses the rule alone (held: pass)."""
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f"evidence unavailable: host.fw line 9 `{rule}`: {why}{REFUSED}",
    )
    # no table inet proxmox-firewall in force (R52F-2): no VM chain either, a fail
    assert _vm(tmp_path / "vm", rule + "\n", nft=True) == (
        "fail",
        f"1 interface(s) on node pve-h1, where 201.fw line 11 `{rule}`: {why}, which "
        "proxmox-firewall (host.fw `nftables: 1`) refuses: it then applies no change, and nft "
        "shows no table inet proxmox-firewall: no ruleset it loaded before is in force, so no "
        "rule of proxmox-firewall filters the node or its guests",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


def test_r40f_5_held_one_family_and_a_set(tmp_path: Path) -> None:
    """Held: an IPv4 address beside an IPv4 range, and an IPv6 -source beside an IP set -dest
    (its version is its entries'), parse under proxmox-firewall."""
    rules = (
        "IN ACCEPT -source 198.51.100.7,198.51.100.9-198.51.100.12 -p tcp -dport 22\n"
        "IN ACCEPT -source 2001:db8::1 -dest +management -p tcp -dport 22\n"
    )
    assert _node_verdicts(tmp_path, rules, nft=True)["HVA-301"] == NODE_PASS


# --- R40F-6: a port list proxmox-ve-config parses only under a port-bearing -p -------------------


def test_r40f_6_bad_port_list_refused(tmp_path: Path) -> None:
    """Was pass under `nftables: 1`: `-p tcp -dport 22,` is a port list proxmox-ve-config
    cannot parse (PortList, parse_port of an empty element), failing proxmox-firewall's whole
    update; pve-firewall skips the rule alone (held: pass)."""
    rule = "IN ACCEPT -p tcp -dport 22,"
    why = "a port list proxmox-ve-config cannot parse (dport: extraneous commas in list)"
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f"evidence unavailable: host.fw line 9 `{rule}`: {why}{REFUSED}",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


@pytest.mark.parametrize(
    ("rule", "what", "why"),
    [
        ("IN ACCEPT -dport 99999", "every inbound packet", NO_PROTO.replace("22", "99999")),
        ("IN ACCEPT -p TCP -dport 9000:8000", "every tcp port", _bare("TCP", "TCP", "tcp")),
    ],
)
def test_r40f_6_bad_port_list_unread(tmp_path: Path, rule: str, what: str, why: str) -> None:
    """Was pass under `nftables: 1`: under no -p, or a -p proxmox-firewall writes bare, it
    reads no port list at all, so a bad one drops nothing of the rule (R40F-1)."""
    assert _node_verdicts(tmp_path, rule + "\n", nft=True)["HVA-301"] == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `{rule}` accepts {what}"
        f"{why} before the policy",
    )


# --- R40F-7: a -p nft cannot resolve fails proxmox-firewall's whole batch ------------------------


@pytest.mark.parametrize("proto", ["Tcp", "300", "mptcp"])
def test_r40f_7_unresolved_protocol(tmp_path: Path, proto: str) -> None:
    """Was pass under `nftables: 1`: proxmox-firewall writes `meta l4proto <value>`, which nft
    cannot resolve (a name /etc/protocols lacks in that case, a number above 255, mptcp's
    262), so its whole batch fails and the ruleset in force is not in the evidence;
    pve-firewall refuses the rule alone (held: pass)."""
    rule = f"IN ACCEPT -p {proto} -dport 22" if proto == "Tcp" else f"IN ACCEPT -p {proto}"
    why = f"-p {proto}, a protocol nft cannot resolve (the whole nft batch fails)"
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f"evidence unavailable: host.fw line 9 `{rule}`: {why}{REFUSED}",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


def test_r40f_7_held_resolved_names(tmp_path: Path) -> None:
    """Held: a first-column name (`gre`) and an alias (`IPSEC-ESP`) nft resolves, and a number
    (`0x2F`), are applied: the node passes (neither opens a port-bearing protocol)."""
    rules = "IN ACCEPT -p gre\nIN ACCEPT -p IPSEC-ESP\nIN ACCEPT -p 0x2F\n"
    assert _node_verdicts(tmp_path, rules, nft=True)["HVA-301"] == NODE_PASS


def test_r40f_1_pooled_bare_protocol(tmp_path: Path) -> None:
    """Was pass under `nftables: 1` (HVA-301 and HVA-313): two /8s' `-p TCP -dport 80` are
    every TCP port from a /7's worth of public sources (R38F-1's pool), the management ports
    among them (R37F-3's)."""
    rules = "IN ACCEPT -source 2.0.0.0/8 -p TCP -dport 80\nIN ACCEPT -source 3.0.0.0/8 -p TCP -dport 80\n"
    a7 = "2^25 (a /7) public IPv4 addresses together, as many as a /7 network or more"
    assert _node_verdicts(tmp_path, rules, nft=True) == {
        "HVA-301": (
            "fail",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -p TCP -dport "
            "80 -source 2.0.0.0/8`, host.fw line 10 `IN ACCEPT -p TCP -dport 80 -source "
            f"3.0.0.0/8` accept every tcp port from their sources ({a7})"
            + _bare("TCP", "TCP", "tcp")
            + " before the policy",
        ),
        "HVA-313": (
            "fail",
            "host.fw:9, host.fw:10 accept management port(s) 22, 3128, 5900-5999, 8006 from "
            f"their sources ({a7})",
        ),
    }
