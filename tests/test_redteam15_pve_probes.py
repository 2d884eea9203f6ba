"""Red team 15, Proxmox VE: firewall protocols, security groups, aliases and sets.

Findings (each pinned below; sources from github:proxmox/pve-firewall 6f1311f3,
proxmox-ve-rs 840d1ed and proxmox-firewall a752659, read with `fetch`):

- P15-1 (false pass): HVA-301/313 read any `-p` as narrowing a rule; pve-firewall writes no
  protocol match for `-p 0` (Perl's false "0": `if (my $proto = $rule->{proto})`), and `-p ip`
  or `-p hopopt` (/etc/protocols names of number 0) become iptables' protocol 0, "all": `IN
  ACCEPT -p ip` admits every packet. Fails now under pve-firewall; proxmox-firewall's `meta
  l4proto 0` (host.fw `nftables: 1`) stays narrow.
- P15-2 (false pass): a `-dest +set` holding the node's address was read as excluded by any
  `!` (nomatch) entry holding it too; pve-firewall's kernel hash:net ipset stops at the most
  specific entry, so `10.0.0.21` beside `!10.0.0.0/24` matches and `IN ACCEPT -dest +nodes`
  admits every packet to the node. Fails now under pve-firewall; proxmox-firewall's `@set` and
  `!= @set-nomatch` keeps the old reading.
- P15-3 (false pass): a rule's `-source 0/0` (or `0/1,128/1`) was refused by hvaudit's address
  check (Python's ipaddress) and the rule dropped as not applied; pve-firewall's
  parse_address_list reads each element with Net::IP (`0/0` is pveproxy's own "all") and
  iptables completes `-s 0/0` with zero octets: every source. Short IPv4 networks are read as
  Net::IP reads them now (`net_ip`), so `IN ACCEPT -source 0/0` fails HVA-301/313 and `10.1/16`
  is an applied, narrow rule.
- P15-4 (false pass): an option of value `0` is Perl's false, which pve-firewall's verify_rule
  never checks and ipt_rule_to_cmds never writes: `IN ACCEPT -p 0`, `-dport 0` (alone or with
  `-p tcp`), `-source 0` restrict nothing there, where hvaudit read them as narrowing (or
  dropped `-dport 0` without a protocol as not applied). Read as unset now under pve-firewall
  (`perl_false`); proxmox-firewall reads them as written.
- P15-5 (false pass): `GROUP Lockdown` was expanded as `[group lockdown]`; pve-firewall
  lower-cases the section's name but not the rule's (ruleset_add_group_rule `my $group =
  $rule->{action}`), so the rule finds no group and its chain is empty. A group's unrestricted
  DROP read as closing host.fw hid the `IN ACCEPT` after it. The name is matched as written now.
- P15-6 (false pass): likewise a rule's `+Name` IP set: pve-firewall looks it up as written
  among lower-cased set names ("no such ipset"), so `IN DROP -source +Everyone` is not applied;
  hvaudit's lower-cased lookup made it close host.fw before an `IN ACCEPT`. Matched as written.

Probes that held (pinned): `-p IP` (no /etc/protocols name: pve-firewall refuses the rule) and
`-p 0` under proxmox-firewall (`meta l4proto 0`); an IP set whose most specific entry holding
the node's address is the `!` one, and any `!` entry under proxmox-firewall; `-dport 0` under
proxmox-firewall; `GROUP lockdown` and `+everyone` named as defined. Read, not pinned: pveproxy's PROXY_REAL_IP_HEADER never reaches
check_host_access (pve-http-server AnyEvent.pm checks the socket's peer), so it bypasses no
ALLOW_FROM; an unset POLICY is `allow` there (`$self->{policy} = 'allow' if !...`), as HVA-305
reads it; macros whose template has no port take no -dport that would widen them (apply_macro
dies on a parameter the template defines); `-i` takes no `+` wildcard (pve_verify_iface); /etc/
services (netbase 6.4) names no management port but ssh; VNet `isolate-ports` is applied by every
zone's tap_plug (Zones/Plugin.pm); an ipfilter set's alias entry already fails HVA-191 (no ARP
filter).

Tally: 20 cases; 13 failed on main (edd8ace) before this round's fixes (P15-3's applied-rule case
by its note only), 7 held.

Leads left: enable_host_firewall compiles host.fw's rules before cluster.fw's ("add host rules
first, so that cluster wide rules can be overwritten"), where _accepts_everything reads
cluster.fw first: an unrestricted host.fw `IN DROP` before a cluster.fw `IN ACCEPT` is a wrong
fail (and HVA-313's port loop never sees a DROP); hvaudit keeps rules pve-firewall refuses
(`-p TCP`: protocol names are case-sensitive; `-source +a,+b` or `+set,CIDR`: a set reference
cannot be in a list; `:8006` or a backwards range; a non-aligned `10.0.0.1/8`, which Net::IP
refuses) and fails them (wrong fails); `-i` of an altname of the gateway interface
(PVE::Network::altname_mapping) reads as narrowing; IPv6 wideness is judged by the same /7 as
IPv4 (`2000::/4` is wide, `2001::/16` not); a VM firewall with `policy_in: ACCEPT` and no rule
passes HVA-303 ("behind the VM firewall"); pve-firewall's ipset dedupe keeps the later of an
alias and a literal of the same network (its nomatch flag wins); corosync crypto changed in
the file but not restarted (remove_ro_entries in older corosync) passes HVA-309 on the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED
from test_redteam14_pve_probes import HOST_FW, _host_rule, _live


def _node(tmp_path: Path, edits: dict[str, str], check_id: str, daemon: str) -> tuple[str, str]:
    """_live with `daemon` (pve-firewall or proxmox-firewall) the firewall daemon running."""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    for rel, text in edits.items():
        (tree / rel).write_text(text)
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + f"  950 root     {daemon}\n", 0)}, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == (check_id, "pve-h1"))
    return r.status.value, r.outcome.message


# --- P15-1: a protocol pve-firewall reads as every protocol -----------------------------------------


@pytest.mark.parametrize("proto", ["ip", "hopopt"])
def test_p15_1_protocol_zero_accepts_everything(tmp_path: Path, proto: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). `ip` and `hopopt` are /etc/protocols names of number 0 (pve_fw_verify_protocol_spec takes
    any name of parse_protocol_file), and iptables' `-p` of protocol 0 is "all" (iptables(8):
    "The number zero is equivalent to all"). `IN ACCEPT -p ip` admits every packet."""
    rule = f"IN ACCEPT -p {proto}"
    why = (
        f"(-p {proto}: protocol number 0, which pve-firewall's iptables rules read as every "
        "protocol)"
    )
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -p {proto}` "
        f"accepts every inbound packet {why} before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        f"host.fw line 9 `IN ACCEPT -p {proto}` accepts every inbound packet {why}, management "
        "ports included",
    )


@pytest.mark.parametrize("proto", ["IP", "0"])
def test_p15_1_held_protocol_zero_under_proxmox_firewall_or_refused(
    tmp_path: Path, proto: str
) -> None:
    """Held twins: `IP` is no /etc/protocols name (parse_protocol_file keys the first column
    only, case-sensitively): pve-firewall refuses the rule. proxmox-firewall (host.fw
    `nftables: 1`) makes `-p 0` `meta l4proto 0` (proxmox-ve-config Protocol::Numeric,
    proxmox-firewall rule.rs), which matches protocol 0 only."""
    host = HOST_FW + f"IN ACCEPT -p {proto}\n"
    daemon = "pve-firewall"
    if proto == "0":
        host = host.replace("enable: 1\n", "enable: 1\nnftables: 1\n")
        daemon = "proxmox-firewall"
    assert _node(tmp_path, {"etc/pve/nodes/pve-h1/host.fw": host}, "HVA-301", daemon) == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- P15-2: an IP set's most specific entry decides under pve-firewall ------------------------------

CLUSTER_FW = (PVE_HARDENED / "etc/pve/firewall/cluster.fw").read_text()


def _nodes_set(entries: str) -> str:
    return CLUSTER_FW.replace("[RULES]", f"[IPSET nodes]\n{entries}\n[RULES]")


def test_p15_2_address_inside_a_nomatch_network_still_matches(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). hvaudit took any
    `!` entry holding the node's address as excluding it, but pve-firewall loads the set into a
    kernel hash:net ipset (generate_ipset_chains: `add NAME CIDR nomatch`), whose lookup stops
    at the most specific entry holding the address: 10.0.0.21 inside `!10.0.0.0/24` is matched
    by its own /32, so `IN ACCEPT -dest +nodes` admits every packet to the node."""
    edits = {
        "etc/pve/firewall/cluster.fw": _nodes_set("!10.0.0.0/24\n10.0.0.21\n"),
        **_host_rule("IN ACCEPT -dest +nodes"),
    }
    why = (
        "(-dest +nodes: holds 10.0.0.21, the node's address on vmbr1, the default gateway's "
        "interface)"
    )
    assert _live(tmp_path / "a", edits, "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT` accepts every "
        f"inbound IPv4 packet {why} before the policy",
    )
    assert _live(tmp_path / "b", edits, "HVA-313") == (
        "fail",
        f"host.fw line 9 `IN ACCEPT` accepts every inbound IPv4 packet {why}, management ports "
        "included",
    )


@pytest.mark.parametrize(
    ("entries", "daemon"),
    [("10.0.0.0/16\n!10.0.0.0/24\n", "pve-firewall"), ("!10.0.0.0/24\n10.0.0.21\n", "nft")],
    ids=["specific-nomatch", "proxmox-firewall"],
)
def test_p15_2_held_nomatch_that_decides(tmp_path: Path, entries: str, daemon: str) -> None:
    """Held twins: the most specific entry holding 10.0.0.21 is the `!` /24 (pve-firewall); and
    proxmox-firewall (host.fw `nftables: 1`) matches `@nodes` and `!= @nodes-nomatch`
    (src/rule.rs), so any `!` entry excludes the address."""
    host = HOST_FW + "IN ACCEPT -dest +nodes\n"
    running = "pve-firewall"
    if daemon == "nft":
        host = host.replace("enable: 1\n", "enable: 1\nnftables: 1\n")
        running = "proxmox-firewall"
    edits = {
        "etc/pve/firewall/cluster.fw": _nodes_set(entries),
        "etc/pve/nodes/pve-h1/host.fw": host,
    }
    assert _node(tmp_path, edits, "HVA-301", running) == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- P15-3: a short IPv4 network in a rule, as Net::IP and iptables read it --------------------------


@pytest.mark.parametrize("source", ["0/0", "0/1,128/1"])
def test_p15_3_short_ipv4_network_is_every_source(tmp_path: Path, source: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too), with a note that
    the rule is not applied. pve-firewall verify_rule checks -source with parse_address_list,
    which takes each element with Net::IP->new (`0/0` is Net::IP's "all": pveproxy's own
    read_proxy_config builds "all" as `Net::IP->new('0/0')`), and ipt_rule_to_cmds writes it
    as `-s 0/0`, which iptables completes with zero octets (libxtables numeric_to_ipaddr:
    "autocomplete, this is a network address"): every source. hvaudit read `0/0` with Python's
    ipaddress, refused it, and dropped the rule as pve-firewall would not apply it."""
    rule = f"IN ACCEPT -source {source}"
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `{rule}` accepts every "
        "inbound IPv4 packet before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        f"host.fw line 9 `{rule}` accepts every inbound IPv4 packet, management ports included",
    )


def test_p15_3_short_dest_network_holding_the_nodes_address(tmp_path: Path) -> None:
    """The same reading for -dest: `10.0/16` is 10.0.0.0/16 and holds 10.0.0.21, the node's
    address on its gateway interface, so the rule admits every packet to the node (P14-2)."""
    why = "(-dest 10.0/16: holds 10.0.0.21, the node's address on vmbr1, the default gateway's interface)"
    assert _live(tmp_path, _host_rule("IN ACCEPT -dest 10.0/16"), "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT` accepts every "
        f"inbound IPv4 packet {why} before the policy",
    )


def test_p15_3_short_network_that_narrows_is_applied() -> None:
    """Was a note "rule not applied" (failed on main too). `10.1/16` is 10.1.0.0/16 to Net::IP and iptables, a narrow network: the rule
    is applied (no warning) and narrows."""
    from hvaudit.parse.proxmox_firewall import parse_firewall

    cluster = parse_firewall(CLUSTER_FW, "cluster.fw")
    host = parse_firewall(HOST_FW + "IN ACCEPT -source 10.1/16\n", "host.fw", cluster=cluster)
    assert host.warnings == []
    assert host.effective_rules()[-1]["options"] == {"source": "10.1/16"}


# --- P15-4: an option of value 0 is unset to pve-firewall --------------------------------------------


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        (
            "IN ACCEPT -p 0",
            "`IN ACCEPT -p 0` accepts every inbound packet (-p 0: Perl's false, which "
            "pve-firewall reads as no value and writes no match for)",
        ),
        (
            "IN ACCEPT -dport 0",
            "`IN ACCEPT -dport 0` accepts every inbound packet (-dport 0: Perl's false, which "
            "pve-firewall reads as no value and writes no match for)",
        ),
        ("IN ACCEPT -p tcp -dport 0", "`IN ACCEPT -p tcp -dport 0` accepts every tcp port"),
    ],
    ids=["proto", "dport-alone", "tcp-dport"],
)
def test_p15_4_zero_option_restricts_nothing(tmp_path: Path, rule: str, what: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too; `-dport 0` alone
    was dropped as "dport requires proto"). A value `0` is Perl's false: verify_rule checks
    an option only `if ($rule->{dport})` (`proto`, `sport`, `source`, `dest`, `iface` alike)
    and ipt_rule_to_cmds writes none for it (`if (my $proto = $rule->{proto})`, `return if
    !$rule->{dport}`), so `IN ACCEPT -p tcp -dport 0` is `-p tcp -j ACCEPT`: every TCP port."""
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 {what} before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        f"host.fw line 9 {what}, management ports included",
    )


def test_p15_4_zero_source_admits_management_from_anywhere(tmp_path: Path) -> None:
    """Was pass "IP set `management`: ...; no rule opens management ports wider". `-source 0`
    writes no `-s` (`if ($rule->{source})`): the web UI is admitted from every source."""
    rule = "IN ACCEPT -p tcp -dport 8006 -source 0"
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == (
        "fail",
        "host.fw:9 accepts management ports from any source",
    )


def test_p15_4_held_zero_port_under_proxmox_firewall(tmp_path: Path) -> None:
    """Held twin: proxmox-firewall (host.fw `nftables: 1`) reads `-dport 0` as port 0
    (proxmox-ve-config Ports), which no connection uses."""
    host = HOST_FW.replace("enable: 1\n", "enable: 1\nnftables: 1\n")
    host += "IN ACCEPT -p tcp -dport 0\n"
    edits = {"etc/pve/nodes/pve-h1/host.fw": host}
    assert _node(tmp_path, edits, "HVA-301", "proxmox-firewall") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- P15-5: a GROUP rule names its security group case-sensitively ---------------------------------


def test_p15_5_group_named_in_other_case_is_empty(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). pve-firewall
    lower-cases a `[group NAME]` section's name (generic_fw_config_parser `$group = lc($1)`)
    but not a `GROUP Name` rule's (parse_fw_rule keeps the action; ruleset_add_group_rule
    `my $group = $rule->{action}`), so `GROUP Lockdown` finds no group: generate_group_rules
    warns "no such security group" and builds an empty chain. hvaudit lower-cased the rule's
    name, read the group's unrestricted DROP as closing host.fw, and missed the `IN ACCEPT`
    after it, which admits every packet."""
    cluster = CLUSTER_FW.replace("[RULES]", "[group lockdown]\nIN DROP\n\n[RULES]")
    edits = {
        "etc/pve/firewall/cluster.fw": cluster,
        **_host_rule("GROUP Lockdown\nIN ACCEPT"),
    }
    assert _live(tmp_path / "a", edits, "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT` accepts every "
        "inbound packet before the policy",
    )
    assert _live(tmp_path / "b", edits, "HVA-313") == (
        "fail",
        "host.fw line 10 `IN ACCEPT` accepts every inbound packet, management ports included",
    )


def test_p15_5_held_group_named_as_defined_closes(tmp_path: Path) -> None:
    """Held twin: `GROUP lockdown` is the group: its DROP comes first and closes host.fw."""
    cluster = CLUSTER_FW.replace("[RULES]", "[group lockdown]\nIN DROP\n\n[RULES]")
    edits = {
        "etc/pve/firewall/cluster.fw": cluster,
        **_host_rule("GROUP lockdown\nIN ACCEPT"),
    }
    assert _live(tmp_path, edits, "HVA-301") == ("pass", "cluster firewall on, input policy DROP")


# --- P15-6: a rule names its IP set case-sensitively -----------------------------------------------


def _everyone(name: str) -> dict[str, str]:
    cluster = CLUSTER_FW.replace("[RULES]", "[IPSET everyone]\n0.0.0.0/1\n128.0.0.0/1\n\n[RULES]")
    return {
        "etc/pve/firewall/cluster.fw": cluster,
        **_host_rule(f"IN DROP -source +{name}\nIN ACCEPT"),
    }


def test_p15_6_ip_set_named_in_other_case_is_no_set(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP". pve-firewall keys IP sets by their
    lower-cased section name but looks a rule's `+Name` up as written (verify_rule
    check_ipset_or_alias_property `$cluster_conf->{ipset}->{$2}`: "no such ipset"), so `IN
    DROP -source +Everyone` is not applied and the `IN ACCEPT` after it admits every packet;
    hvaudit lower-cased the name and read the DROP as closing host.fw."""
    assert _live(tmp_path, _everyone("Everyone"), "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT` accepts every "
        "inbound packet before the policy",
    )


def test_p15_6_held_ip_set_named_as_defined(tmp_path: Path) -> None:
    """Held twin: `+everyone` is the set; the DROP of every IPv4 source comes first. The set
    holds IPv4 entries only, so its DROP matches no IPv6 packet (pve-firewall
    generate_ipset_chains, one ipset per version) and the ACCEPT admits every IPv6 one: was
    pass, a fail since L18-5P (tests/test_pve_leads18.py)."""
    assert _live(tmp_path, _everyone("everyone"), "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT` accepts every "
        "inbound IPv6 packet before the policy",
    )
