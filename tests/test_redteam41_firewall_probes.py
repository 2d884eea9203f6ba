"""Red-team round 41 probes: Proxmox VE rule lines the two firewall daemons read apart:
-icmp-type values, repeated options, service names, a lone `#` (r41-firewall).

Harness: round 40's (test_redteam40_firewall_probes): the live hardened Proxmox VE node
(pve+ssh replayed, test_pve_leads18._node over test_redteam35_proxmox_probes._files), host.fw
`nftables: 1` with both daemons in the process list (test_redteam36_firewall_probes.BOTH) or
pve-firewall alone; HVA-301's verdict (test_redteam40_firewall_probes._node_verdicts) and
HVA-303's (test_redteam37_firewall_probes._vm) through the real collector, parser and engine;
hvaudit.parse.proxmox_firewall.parse_firewall for the warnings.

Findings (R41F-n):
- R41F-1 (false pass) HVA-301: under proxmox-firewall (host.fw `nftables: 1`) a rule's
  -icmp-type is read under -p icmp|1 and ipv6-icmp|icmpv6|58 (proxmox-ve-rs
  proxmox-ve-config/src/firewall/types/rule_match.rs Protocol::from_options,
  Icmp::from_options, Icmpv6::from_options) as a key of IPTABLES_ICMP(V6)_TYPES_MAPPING, then
  `any` (eq_ignore_ascii_case), a u8, or a name of ICMP_TYPES / ICMPV6_TYPES, matched
  case-sensitively; anything else bails ("supplied string is neither a valid icmp type nor
  code"), and one rule that fails to parse fails the whole file (common.rs Config::parse),
  disabled (`|`) rules included (rule.rs Rule::from_str parses them too). So `-icmp-type
  bogus`, `Echo-Request`, `256`, an ICMPv6 name under `-p 1`, and `-p icmpv6 -icmp-type
  reject-route` (the mapping spells its key `reject-route'`) leave proxmox-firewall applying
  no change: the ruleset in force is not in the evidence. hvaudit read no -icmp-type value and
  passed the node ("cluster firewall on, input policy DROP"). Now
  parse.proxmox_firewall.nft_icmp_type_refused makes such a line a refused `nft_lines` one:
  the verdict asks, naming the line and why.
- R41F-2 (wording) HVA-303: pve-firewall's verify_rule takes an -icmp-type under -p icmp,
  icmpv6 or ipv6-icmp only from its iptables tables (PVE/Firewall.pm $icmp_type_names,
  $icmpv6_type_names: "invalid icmp-type '$icmp_type' for proto 'icmp'"; a number such as `8`
  too), leaving the rule out; hvaudit applied `IN DROP -p icmp -icmp-type bogus`, so the VM's
  heading said "that no earlier rule drops or rejects" of an ACCEPT no applied rule precedes.
  Now the rule is refused (both daemons: `errors`; pve-firewall alone, e.g. `8` or `any` under
  icmpv6, which proxmox-ve-config reads: `pve_refused`) and the heading is the plain one.
- R41F-3 (false pass) HVA-301: same class, an option given twice (`-dport 9 -dport 9`, `-p
  udp --proto udp`, `-log` twice, disabled lines too): pve-firewall's parse_fw_rule loop keeps
  the last, proxmox-ve-config's RuleOptions::from_str bails ("duplicate option in rule"; `-p`
  beside `--proto` is serde's duplicate field of `proto`, alias "p"), failing the whole file;
  hvaudit kept the last and passed. Now parse.proxmox_firewall._rule records the repetition
  (`repeated`) and the line is a refused `nft_lines` one: the verdict asks.
- R41F-4 (false pass) HVA-301: same class, a -dport/-sport service name under a -p whose ports
  proxmox-ve-config parses (tcp, udp, dccp, sctp, udplite by name or number):
  proxmox-ve-config resolves it from the node's /etc/services (ports.rs NamedPorts, names and
  aliases; port.rs parse_port "invalid port specification") and fails the whole file on a
  name it lacks; hvaudit collects no /etc/services, and `IN DROP -p tcp -dport bogus` passed
  the node. Now a name netbase's /etc/services lacks (parse.proxmox_firewall
  NETBASE_SERVICES, moved from checks.proxmox) is an `nft_lines` line not settled (refused
  or applied): the verdict asks.
- R41F-5 (false pass) HVA-301: same class, a rule line ending in a lone `#` (`IN DROP -p udp
  -dport 9 #`, disabled lines too): pve-firewall's parse_fw_rule strips it as an empty comment
  (its `#` regex), proxmox-ve-rs rule.rs Rule::from_str splits a comment off only when text
  follows the first `#` (`if !comment.is_empty()`), so the `#` reaches RuleOptions::from_str
  ("expected an option starting with '-'") and the whole file fails; hvaudit passed. Now
  parse.proxmox_firewall._rule marks it (`bare_hash`) and the line is a refused `nft_lines`
  one: the verdict asks.
- R41F-6 (false pass) HVA-301: same class, a guest file's -i: proxmox-ve-config's
  common.rs parse_rule (guest.rs sets guest_iface_names) takes `net` and a u16 only
  ("interface name must be of the form net<number>"), where pve-firewall's verify_rule
  takes `net` and any digits (`net70000`) and checks no `-i 0` (Perl's false); proxmox-firewall parses
  every guest .fw on the node, so 201.fw's `IN DROP -i net70000 ...` failed the node's whole
  update while hvaudit passed the node. Now such a -i in a guest file is a refused
  `nft_lines` line: the verdict asks.

Held (kept as tests): the same R41F-1 lines under pve-firewall (it refuses them: the node
passes); `-icmp-type 8`, `+8`, `info-request` under -p icmp, `any` and `reject-route'` under
-p icmpv6, `-icmp-type 0` (Perl's false: pve-firewall checks nothing) under proxmox-firewall
and pve-firewall (the node passes; proxmox-ve-config reads them); R41F-3's lines under
pve-firewall, and distinct options (-dport, -sport, -log; -i, -p, -dport) under
proxmox-firewall (the node passes); R41F-4's lines under pve-firewall, netbase's names
(`http`, the alias `www`) and `+22` under proxmox-firewall (pass), a name under `-p TCP`
(every TCP port: R40F-1's fail); R41F-5's lines under pve-firewall, and `#c`, `##`, `# x #`
under proxmox-firewall (comments to both: pass); R41F-6's lines under pve-firewall, and
`net65535`, `net007` under proxmox-firewall (pass).

Probed by script (not kept): each finding's rules on main (3f6d238b, the kept cases' shapes);
the VM under `nftables: 1` (it asks already: the NIC filters); `IN DROP -p icmp -icmp-type
bogus` before `IN ACCEPT` on the node (the fail is unchanged).

Tally: 6 findings (5 false pass, 1 wording); 26 cases in 12 test functions; 20 failed on
main before the fixes (3f6d238b: R41F-1's 6 cases, R41F-2's 3; f57465b3: R41F-3's 3;
078907f3: R41F-4's 3; b3d8370c: R41F-5's 3; 904ac1d4: R41F-6's 2; R41F-1/2 landed f57465b3,
R41F-3 078907f3, R41F-4 b3d8370c, R41F-5 904ac1d4); 6 held (and the 17 pve-firewall
assertions within the failing cases).

Leads left: a guest -i `net+1` is refused by pve-firewall (net and digits) but a u16 to
proxmox-ve-config, which hvaudit reads as refused by both (the verdict asks; wording);
`-dport ssh:http` is read as refused by both daemons (_port_list: "invalid
port"), but proxmox-ve-config's PortEntry takes a name on each side of the `:` (the verdict
asks; the message is wrong); pve-firewall's is_icmp is `icmp`, `icmpv6`, `ipv6-icmp` only, so `-p 1
-icmp-type echo-request` and `-p 58 -dport 128` are rules it refuses ("missing property",
"does not support ports") that hvaudit reads as applied; proxmox-firewall ignores a -dport
under an ICMP -p (Icmp::from_options reads the type alone: `IN ACCEPT -p icmp -dport
echo-request` is every ICMP packet to it); the round 40 wording leads (HVA-301 "every tcp
port" for an IPv4-only -source, a one-rule pooled -source quoted without it, "before the
policy" after a narrower DROP) and the host nft leads of rounds 33/34.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hvaudit.parse.proxmox_firewall import parse_firewall
from test_pve_leads18 import _node
from test_pve_leads19b import VM201
from test_redteam35_proxmox_probes import _files
from test_redteam36_firewall_probes import BOTH
from test_redteam37_firewall_probes import VM_HEAD, _vm
from test_redteam40_firewall_probes import NODE_PASS, REFUSED, _node_verdicts

REFUSED_TYPES = [
    ("IN ACCEPT -p icmp -icmp-type bogus", "bogus", "icmp"),
    ("IN ACCEPT -p icmp -icmp-type Echo-Request", "Echo-Request", "icmp"),
    ("IN ACCEPT -p icmp -icmp-type 256", "256", "icmp"),
    ("IN ACCEPT -p 1 -icmp-type nd-router-advert", "nd-router-advert", "1"),
    ("IN DROP -p icmpv6 -icmp-type reject-route", "reject-route", "icmpv6"),
    ("|IN ACCEPT -p icmp -icmp-type bogus", "bogus", "icmp"),
]


@pytest.mark.parametrize(("rule", "value", "proto"), REFUSED_TYPES)
def test_r41f_1_icmp_type_refused(tmp_path: Path, rule: str, value: str, proto: str) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config cannot parse the -icmp-type, so
    proxmox-firewall applies no change and the ruleset in force is not in the evidence;
    pve-firewall refuses the rule alone (held: the node passes)."""
    why = f"-icmp-type {value}, an ICMP type proxmox-ve-config does not know under -p {proto}"
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f"evidence unavailable: host.fw line 9 `{rule}`: {why}{REFUSED}",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


HELD = (
    "IN ACCEPT -p icmp -icmp-type 8\nIN ACCEPT -p icmp -icmp-type +8\n"
    "IN ACCEPT -p icmp -icmp-type info-request\nIN ACCEPT -p icmpv6 -icmp-type any\n"
    "IN ACCEPT -p icmpv6 -icmp-type reject-route'\nIN ACCEPT -p icmp -icmp-type 0\n"
)


@pytest.mark.parametrize("nft", [True, False])
def test_r41f_1_held_known_types(tmp_path: Path, nft: bool) -> None:
    """Held: types proxmox-ve-config reads (a u8, `any`, its own table's names) are no
    refusal: the node passes under either daemon."""
    assert _node_verdicts(tmp_path, HELD, nft=nft)["HVA-301"] == NODE_PASS


def test_r41f_2_refusals_warned() -> None:
    """The parser's reading: a type both daemons refuse is an error, one pve-firewall alone
    refuses is `pve_refused`; `-icmp-type 0` is Perl's false (no check)."""
    fw = parse_firewall("[RULES]\n" + HELD + "IN DROP -p icmp -icmp-type bogus\n", "host.fw")
    assert fw.warnings == [
        "host.fw:2: rule not applied by pve-firewall: invalid icmp-type '8' for proto 'icmp'",
        "host.fw:3: rule not applied by pve-firewall: invalid icmp-type '+8' for proto 'icmp'",
        "host.fw:4: rule not applied by pve-firewall: invalid icmp-type 'info-request' for "
        "proto 'icmp'",
        "host.fw:5: rule not applied by pve-firewall: invalid icmp-type 'any' for proto 'icmpv6'",
        "host.fw:6: rule not applied by pve-firewall: invalid icmp-type 'reject-route'' for "
        "proto 'icmpv6'",
        "host.fw:8: rule not applied: invalid icmp-type 'bogus' for proto 'icmp'",
    ]
    assert [line for line, _, _ in fw.nft_lines] == [8]


@pytest.mark.parametrize("icmp_type", ["bogus", "8"])
def test_r41f_2_vm_refused_drop(tmp_path: Path, icmp_type: str) -> None:
    """Was "that no earlier rule drops or rejects" under pve-firewall: it refuses the ICMP
    DROP, so no applied rule precedes the ACCEPT."""
    rules = f"IN DROP -p icmp -icmp-type {icmp_type}\nIN ACCEPT -p tcp\n"
    assert _vm(tmp_path, rules) == (
        "fail",
        VM_HEAD + "line 12 `IN ACCEPT -p tcp` accepts every tcp port before any rule drops or "
        "rejects",
    )


# --- R41F-3: an option given twice, refused by proxmox-firewall -----------------------------------

REPEATED = [
    ("IN DROP -p udp -dport 9 -dport 9", "-dport"),
    ("IN DROP -p udp --proto udp -dport 9", "-p"),
    ("|IN DROP -p udp -log nolog -log nolog", "-log"),
]


@pytest.mark.parametrize(("rule", "opt"), REPEATED)
def test_r41f_3_repeated_option(tmp_path: Path, rule: str, opt: str) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config refuses an option given twice
    (RuleOptions::from_str "duplicate option in rule"; `-p` beside `--proto`: serde's duplicate
    field), so proxmox-firewall applies no change; pve-firewall keeps the last (held: pass)."""
    why = f'{opt} given twice ("duplicate option in rule")'
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f"evidence unavailable: host.fw line 9 `{rule}`: {why}{REFUSED}",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


def test_r41f_3_held_distinct_options(tmp_path: Path) -> None:
    """Held: -dport beside -sport and -log, and -i beside -p and -dport, repeat no option: the
    node passes under `nftables: 1`."""
    rules = "IN DROP -p udp -dport 9 -sport 9 -log nolog\nIN DROP -i vmbr0 -p udp -dport 7\n"
    assert _node_verdicts(tmp_path, rules, nft=True)["HVA-301"] == NODE_PASS


# --- R41F-4: a service name the stock /etc/services lacks, under proxmox-firewall ---------------


@pytest.mark.parametrize(
    ("rule", "names"),
    [
        ("IN DROP -p tcp -dport bogus", "-dport bogus"),
        ("IN DROP -p udp -sport 53,nosuch -dport 9", "-sport nosuch"),
        ("IN DROP -p 6 -dport bogus,other", "-dport bogus"),
    ],
)
def test_r41f_4_unknown_service_name(tmp_path: Path, rule: str, names: str) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config resolves the name from the node's
    /etc/services (ports.rs parse_named_port) and fails the whole file on one it lacks. Since
    R45F-1 the node's file (the fixture's, netbase's) is read: it lacks the name, so the file
    is refused (the first name it meets) and the verdict asks. pve-firewall refuses the rule
    alone where its /etc/services lacks the name (held: the DROP drops nothing: pass)."""
    name = names.split()[1]
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f'evidence unavailable: host.fw line 9 `{rule}`: {names}: unknown port name "{name}" '
        "(the node's /etc/services does not define it)" + REFUSED,
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


def test_r41f_4_held_known_names(tmp_path: Path) -> None:
    """Held: netbase's names (a first column, `http`; an alias, `www`; `+22`, a u16 to Rust)
    and a name under a -p whose ports proxmox-ve-config does not parse (`-p TCP`: every TCP
    port, R40F-1, a fail, not a question) are no refusal."""
    rules = "IN DROP -p tcp -dport http,www,+22\n"
    assert _node_verdicts(tmp_path / "a", rules, nft=True)["HVA-301"] == NODE_PASS
    rule = "IN ACCEPT -p TCP -dport bogus"
    assert _node_verdicts(tmp_path / "b", rule + "\n", nft=True)["HVA-301"] == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `{rule}` accepts every tcp "
        "port (-p TCP: proxmox-firewall writes `meta l4proto TCP`, tcp, with no port match) "
        "before the policy",
    )


# --- R41F-5: a lone trailing `#`, refused by proxmox-firewall -------------------------------------

BARE_HASH = "a `#` with no comment after it (\"expected an option starting with '-'\")"


@pytest.mark.parametrize("rule", ["IN DROP -p udp -dport 9 #", "|IN DROP #", "IN DROP -p udp #"])
def test_r41f_5_bare_hash(tmp_path: Path, rule: str) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config's Rule::from_str splits off a comment
    only when text follows the `#`, so the `#` is an option it refuses and proxmox-firewall
    applies no change; pve-firewall strips it (held: pass)."""
    assert _node_verdicts(tmp_path / "nft", rule + "\n", nft=True)["HVA-301"] == (
        "manual",
        f"evidence unavailable: host.fw line 9 `{rule}`: {BARE_HASH}{REFUSED}",
    )
    assert _node_verdicts(tmp_path / "pve", rule + "\n", nft=False)["HVA-301"] == NODE_PASS


def test_r41f_5_held_comments(tmp_path: Path) -> None:
    """Held: a `#` with text after it (`#c`, `##`, `# x #`) is a comment to both daemons."""
    rules = "IN DROP -p udp -dport 9 #c\nIN DROP -p udp -dport 9 ##\nIN DROP -p udp # x #\n"
    assert _node_verdicts(tmp_path, rules, nft=True)["HVA-301"] == NODE_PASS


# --- R41F-6: a guest file's -i proxmox-firewall refuses ------------------------------------------


def _guest_node(tmp_path: Path, rule: str, nft: bool) -> tuple[str, str]:
    """HVA-301 of pve-h1 with `rule` first in VM 201's 201.fw [RULES]."""
    files = _files("enable: 1\nnftables: 1\n" if nft else "enable: 1\n")
    assert "[RULES]\n" in files[VM201]
    files[VM201] = files[VM201].replace("[RULES]\n", "[RULES]\n" + rule + "\n", 1)
    return _node(tmp_path, files, BOTH if nft else None)[("HVA-301", "pve-h1")]


@pytest.mark.parametrize("iface", ["net70000", "0"])
def test_r41f_6_guest_iface(tmp_path: Path, iface: str) -> None:
    """Was pass under `nftables: 1`: proxmox-ve-config takes a guest rule's -i only as `net`
    and a u16, so 201.fw fails and proxmox-firewall applies no change; pve-firewall takes
    `net70000` (its `net\\d+`) and reads `-i 0` as unset (held: pass)."""
    rule = f"IN DROP -i {iface} -p udp -dport 9"
    assert _guest_node(tmp_path / "nft", rule, nft=True) == (
        "manual",
        f"evidence unavailable: 201.fw line 11 `{rule}`: -i {iface}, no `net` and u16 "
        '("interface name must be of the form net<number>")' + REFUSED,
    )
    assert _guest_node(tmp_path / "pve", rule, nft=False) == NODE_PASS


def test_r41f_6_held_u16(tmp_path: Path) -> None:
    """Held: `net65535` and `net007` are u16 numbers: the node passes under `nftables: 1`."""
    rule = "IN DROP -i net65535 -p udp -dport 9\nIN DROP -i net007 -p udp -dport 9"
    assert _guest_node(tmp_path, rule, nft=True) == NODE_PASS
