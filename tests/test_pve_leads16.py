"""Leads 16, Proxmox VE: the node's input chain as pve-firewall builds it.

Findings (sources from github:proxmox/pve-firewall 6f1311f, proxmox-firewall a752659 and
proxmox-ve-rs 840d1ed, read with `fetch`; Net::IP 1.26 run on the refused values):

- L16-1 (wrong fail): pve-firewall enable_host_firewall compiles host.fw's rules before
  cluster.fw's ("add host rules first, so that cluster wide rules can be overwritten":
  `foreach my $rule (@$rules, @$cluster_rules)`), and proxmox-firewall's input chain jumps to
  host-in before cluster-in (resources/proxmox-firewall.nft). hvaudit read cluster.fw first
  and each file on its own, so an unrestricted host.fw `IN DROP` did not close the cluster.fw
  rules after it (HVA-301 and HVA-313 failed on a cluster.fw `IN ACCEPT` it shadows), and
  HVA-313's management-port loop saw no DROP at all. One chain now (`_input_chain`), walked
  up to the DROP that closes it.
- L16-2 (false pass): rules pve-firewall refuses were kept, and a refused unrestricted DROP
  closed the chain before an `IN ACCEPT`: verify_rule's parse_address_list takes each list
  element with Net::IP->new, which refuses a network with host bits set (`0.0.0.1/0`:
  "Invalid prefix"), a name (`0.0.0.0/0,admin-lan`), a list mixing IPv4 and IPv6
  (`0.0.0.0/0,::/0`: "detected mixed ipv4/ipv6 addresses"); a set must be the whole value
  (`+management,0.0.0.0/0`: check_ipset_or_alias_property "invalid ipset name").
  proxmox-ve-config's IpList refuses mixed families too. The parser now refuses them
  (`_address_list`), so the `IN ACCEPT` after them fails HVA-301 and HVA-313.
- L16-3 (wrong fail): refused ACCEPT rules failed HVA-301/313: `-p TCP` (pve_fw_verify_protocol_
  spec looks names up in /etc/protocols' first column, case-sensitively: "unknown protocol"),
  `-dport :8006` and `-dport 9000:8000` (parse_port_name_number_or_range: "invalid port",
  "backwards range"), `-source 0.0.0.0/0,::/0`. `-p TCP` stays applied under
  proxmox-firewall (Protocol::Named, which nft resolves through /etc/protocols' alias `TCP`):
  recorded as `pve_refused`, left out only under pve-firewall.
- L16-4 (false pass): pve-firewall applies a rule with an IP version only to that version's
  chain (enable_host_firewall `next if $rule->{ipversion} && ($rule->{ipversion} !=
  $ipversion)`), so `IN DROP -source ::/0` closes IPv6 only; hvaudit read it as closing the
  chain, and the `IN ACCEPT` after it, which admits every IPv4 packet, passed. The closing
  DROP now closes its IP version; a rule of both after it opens the other ("every inbound
  IPv4 packet").

- L16-5 (false pass): HVA-303 passed "behind the VM firewall" for a VM firewall with
  `policy_in: ACCEPT` and no IN rule that drops or rejects (its security groups' rules
  included): the VM chain ends in that policy (generate_tap_rules_direction `$options->
  {policy_in} || 'DROP'`), so it admits every inbound packet. Fails now (`_admits_everything`).
- L16-6 (false pass): `-source 00.0.0.0/0` is 0.0.0.0/0 to Net::IP and to iptables, which
  reads each octet with strtoumax base 0 (libxtables __numeric_to_ipaddr, octal after a
  leading zero); Python's ipaddress refused it and the rule was dropped. `net_ip` reads it as
  iptables does (`010.0.0.21` is 8.0.0.21).
- L16-7 (false pass): generate_ipset_chains resolves aliases and keys the kernel set by
  network, the later entry overwriting the earlier: an alias after a `!` literal of the same
  address makes it a match. `_holds` takes the later of equally specific entries; the parser
  refuses a `/32` duplicate of an address as parse_ip_or_cidr does (s|/32$||).
- L16-8 (false pass): a rule's `-i` goes through PVE::Network altname_mapping (pve-common:
  `ip -details -json link show` altnames), so `-i uplink0` may be the default gateway's
  interface; a name neither /etc/network/interfaces declares nor the node reported addresses
  on is a question now (`_unplaced`, `_altname_question`), not a narrowing.
- L16-9 (wrong fail): `-dport SSH` was read as port 22 (hvaudit lower-cased service names);
  pve-firewall's get_etc_services and proxmox-ve-config's NamedPorts key /etc/services
  case-sensitively, so pve-firewall refuses the rule ("invalid port 'SSH'") and HVA-313 failed
  on a rule that opens nothing.

Probes that held (pinned): a cluster.fw `IN DROP` before a host.fw `IN ACCEPT` (host.fw's
rules come first); `-p TCP` under proxmox-firewall; a DROP of each IP version closes both; a
VM firewall with a deny-list (policy ACCEPT and an IN DROP), or a DROP or REJECT policy;
`-dest 010.0.0.21` (8.0.0.21 to iptables); a `/32` duplicate after `!10.0.0.21`; `-i eno1`
and `-i vmbr0` (declared, no gateway). Read, not pinned: VM firewalls default `policy_in`
to DROP (generate_tap_rules_direction); pmxcfs/corosync crypto reload was not settled.

Tally: 29 cases; 19 failed on main (d25c728 for L16-1..4, then main before each landing),
10 held.

Leads left: IPv6 wideness is still judged by IPv4's /7 (`2000::/4` wide, `2001::/16` not): a
threshold for IPv6 needs a source (IANA gives RIRs /12s; LIRs hold /19../32), not settled;
a narrow DROP before an ACCEPT of the same ports (host.fw `IN DROP -p tcp -dport 8006`, then
cluster.fw's ACCEPT of 8006 from anywhere) is still a wrong fail of HVA-313 (only an
unrestricted DROP closes the chain); a port list of more than 15 numbers is refused by
pve-firewall ("too many entries in port list") but not by proxmox-firewall, so hvaudit keeps
it; a service name hvaudit does not know (anything but `ssh`) counts as no port; whether
proxmox-firewall maps `-i` altnames as pve-firewall does (L16-8 asks the same question of
both); corosync crypto changed in /etc/pve/corosync.conf but not applied (HVA-309 passes on
the file; whether corosync 3 reloads crypto_* at runtime was not settled); an unrestricted
`IN ACCEPT` early in a VM's own rules under policy DROP still passes HVA-303; container NIC
`firewall=1` / <vmid>.fw and hookscripts remain unchecked; the migration ports 60000:60050 of
the management set (they listen only under `migration: insecure`, which HVA-308 fails).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED
from test_redteam14_pve_probes import HOST_FW, _host_rule, _live
from test_redteam15_pve_probes import CLUSTER_FW, _node


def _cluster_rule(rule: str) -> str:
    """cluster.fw with `rule` the last of its [RULES] (line 23)."""
    return CLUSTER_FW.replace("\n[group webserver]", f"{rule}\n\n[group webserver]")


# --- L16-1: host.fw's rules come before cluster.fw's ------------------------------------------------


@pytest.mark.parametrize(
    ("check_id", "rule", "message"),
    [
        ("HVA-301", "IN ACCEPT", "cluster firewall on, input policy DROP"),
        (
            "HVA-313",
            "IN ACCEPT -p tcp -dport 8006",
            "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management "
            "ports wider",
        ),
    ],
    ids=["accept-all", "web-ui"],
)
def test_l16_1_host_drop_closes_the_cluster_rules_after_it(
    tmp_path: Path, check_id: str, rule: str, message: str
) -> None:
    """Was fail "... cluster.fw line 23 `IN ACCEPT` accepts every inbound packet ..." (and
    "cluster.fw:23 accepts management ports from any source"). pve-firewall
    enable_host_firewall adds host.fw's rules before cluster.fw's to PVEFW-HOST-IN (`foreach
    my $rule (@$rules, @$cluster_rules)`: "add host rules first, so that cluster wide rules
    can be overwritten"), so host.fw's unrestricted `IN DROP` drops every packet before
    cluster.fw's ACCEPT."""
    edits = {**_host_rule("IN DROP"), "etc/pve/firewall/cluster.fw": _cluster_rule(rule)}
    assert _live(tmp_path, edits, check_id) == ("pass", message)


def test_l16_1_held_cluster_drop_does_not_close_host_rules(tmp_path: Path) -> None:
    """Held twin: cluster.fw's `IN DROP` comes after host.fw's rules, so host.fw's `IN ACCEPT`
    admits every packet first."""
    edits = {**_host_rule("IN ACCEPT"), "etc/pve/firewall/cluster.fw": _cluster_rule("IN DROP")}
    assert _live(tmp_path, edits, "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT` accepts every "
        "inbound packet before the policy",
    )


# --- L16-2: a DROP pve-firewall refuses closes nothing -----------------------------------------------


@pytest.mark.parametrize(
    "source",
    ["0.0.0.1/0", "0.0.0.0/0,::/0", "+management,0.0.0.0/0", "0.0.0.0/0,admin-lan"],
    ids=["host-bits", "mixed-versions", "set-in-list", "alias-in-list"],
)
def test_l16_2_refused_drop_closes_nothing(tmp_path: Path, source: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). verify_rule
    refuses the DROP (parse_address_list: Net::IP->new('0.0.0.1/0') is "Invalid prefix"; a
    list mixing versions is "detected mixed ipv4/ipv6 addresses"; a set in a list is an
    "invalid ipset name", a name in a list no IP address), so it is not applied and the
    `IN ACCEPT` after it admits every packet."""
    rule = f"IN DROP -source {source}\nIN ACCEPT"
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT` accepts every "
        "inbound packet before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        "host.fw line 10 `IN ACCEPT` accepts every inbound packet, management ports included",
    )


def test_l16_2_refusals_are_noted() -> None:
    """The parser says why pve-firewall leaves each rule out."""
    from hvaudit.parse.proxmox_firewall import parse_firewall

    cluster = parse_firewall(CLUSTER_FW, "cluster.fw")
    rules = [
        "IN DROP -source 0.0.0.1/0",
        "IN DROP -source 0.0.0.0/0,::/0",
        "IN DROP -source +management,0.0.0.0/0",
        "IN ACCEPT -p tcp -dport :8006",
        "IN ACCEPT -p tcp -dport 9000:8000",
        "IN ACCEPT -source 10.0.0.0/8 -dest ::1",
        "IN ACCEPT -p TCP",
    ]
    host = parse_firewall(HOST_FW + "\n".join(rules) + "\n", "host.fw", cluster=cluster)
    assert host.warnings == [
        "host.fw:9: rule not applied: source: invalid IP address '0.0.0.1/0'",
        "host.fw:10: rule not applied: source: detected mixed ipv4/ipv6 addresses in address "
        "list '0.0.0.0/0,::/0'",
        "host.fw:11: rule not applied: source: invalid ipset name '+management,0.0.0.0/0'",
        "host.fw:12: rule not applied: dport: invalid port ':8006'",
        "host.fw:13: rule not applied: dport: backwards range '9000:8000' not allowed",
        "host.fw:14: rule not applied: detected mixed ipv4/ipv6 addresses in rule",
        "host.fw:15: rule not applied by pve-firewall: unknown protocol 'TCP'",
    ]


# --- L16-3: an ACCEPT pve-firewall refuses opens nothing ---------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "IN ACCEPT -p TCP",
        "IN ACCEPT -p tcp -dport :8006",
        "IN ACCEPT -p tcp -dport 9000:8000",
        "IN ACCEPT -source 0.0.0.0/0,::/0",
    ],
    ids=["proto-case", "open-range", "backwards-range", "mixed-versions"],
)
def test_l16_3_refused_accept_opens_nothing(tmp_path: Path, rule: str) -> None:
    """Was fail "... `IN ACCEPT -p TCP` accepts every tcp port ..." (HVA-313: "host.fw:9
    accepts management ports from any source" or "accepts every inbound packet"). pve-firewall
    refuses the rule: pve_fw_verify_protocol_spec keys /etc/protocols by its first column
    (`tcp`, not the alias `TCP`), parse_port_name_number_or_range takes `N:M` with N <= M, a
    number or a service name (`:8006` is none), parse_address_list no mixed versions."""
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "pass",
        "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports "
        "wider",
    )


def test_l16_3_held_protocol_case_under_proxmox_firewall(tmp_path: Path) -> None:
    """Held twin: proxmox-firewall (host.fw `nftables: 1`) makes `-p TCP` Protocol::Named
    (proxmox-ve-config rule_match.rs), `meta l4proto TCP`, which nft resolves through
    /etc/protocols' alias column to tcp: every TCP port is accepted."""
    host = HOST_FW.replace("enable: 1\n", "enable: 1\nnftables: 1\n") + "IN ACCEPT -p TCP\n"
    edits = {"etc/pve/nodes/pve-h1/host.fw": host}
    assert _node(tmp_path, edits, "HVA-301", "proxmox-firewall") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT -p TCP` accepts "
        "every tcp port before the policy",
    )


# --- L16-4: a DROP of one IP version closes that version only ----------------------------------------


def test_l16_4_ipv6_drop_leaves_ipv4_open(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). `-source ::/0`
    gives the rule IP version 6 (verify_rule $set_ip_version), and enable_host_firewall skips
    it in the IPv4 chain (`next if $rule->{ipversion} && ($rule->{ipversion} !=
    $ipversion)`): the `IN ACCEPT` after it admits every IPv4 packet."""
    rule = "IN DROP -source ::/0\nIN ACCEPT"
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT` accepts every "
        "inbound IPv4 packet before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        "host.fw line 10 `IN ACCEPT` accepts every inbound IPv4 packet, management ports included",
    )


def test_l16_4_held_drops_of_both_versions_close(tmp_path: Path) -> None:
    """Held twin: a DROP of each version closes both chains before the `IN ACCEPT`."""
    rule = "IN DROP -source ::/0\nIN DROP -source 0.0.0.0/0\nIN ACCEPT"
    assert _live(tmp_path, _host_rule(rule), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- L16-5: a VM firewall that admits every inbound packet -------------------------------------------

VM200_FW = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()


def _vm(tmp_path: Path, fw: str) -> tuple[str, str]:
    """HVA-303 of VM 200 (web-10) on the live node, its 200.fw replaced."""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / "etc/pve/firewall/200.fw").write_text(fw)
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-303", "web-10"))
    return r.status.value, r.outcome.message


@pytest.mark.parametrize(
    "rules",
    ["", "IN ACCEPT -p tcp -dport 443\n", "GROUP webserver -i net0\n|IN DROP\n"],
    ids=["no-rule", "accept-only", "group-of-accepts"],
)
def test_l16_5_vm_policy_accept_without_a_drop(tmp_path: Path, rules: str) -> None:
    """Was pass "1 interface(s) behind the VM firewall". pve-firewall's VM chain ends in the
    VM's policy_in (generate_tap_rules_direction: `$policy = $options->{policy_in} ||
    'DROP'`); with ACCEPT and no IN rule (its security group's included: webserver holds
    HTTPS and HTTP ACCEPTs; a disabled `|IN DROP` is not applied) that drops or rejects, the
    firewall admits every inbound packet: the NIC is behind a firewall that filters nothing."""
    fw = VM200_FW.replace("policy_in: DROP", "policy_in: ACCEPT").replace(
        "GROUP webserver -i net0\n", rules
    )
    assert _vm(tmp_path, fw) == (
        "fail",
        "the VM firewall's input policy is ACCEPT and no IN rule drops or rejects anything: 1 "
        "interface(s) admit every inbound packet",
    )


@pytest.mark.parametrize(
    ("policy", "rules"),
    [("ACCEPT", "IN DROP -source 0.0.0.0/0\nIN DROP -source ::/0\n"), ("DROP", ""), ("REJECT", "")],
    ids=["drops-every-source", "drop", "reject"],
)
def test_l16_5_held_vm_firewall_that_filters(tmp_path: Path, policy: str, rules: str) -> None:
    """Held twins: policy ACCEPT after DROPs of every IPv4 and every IPv6 source, and the DROP
    or REJECT policy without rules, filter inbound traffic. (A deny-list, policy ACCEPT after
    `IN DROP -p tcp -dport 23`, was held here; it admits every other packet and fails since
    L18-7P: tests/test_pve_leads18.py.)"""
    fw = VM200_FW.replace("policy_in: DROP", f"policy_in: {policy}").replace(
        "GROUP webserver -i net0\n", rules
    )
    assert _vm(tmp_path, fw) == ("pass", "1 interface(s) behind the VM firewall")


# --- L16-6: an octet with a leading zero is octal to iptables ----------------------------------------


def test_l16_6_leading_zero_network_is_every_source(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too), the rule dropped
    as not applied. Net::IP->new('00.0.0.0/0') is 0.0.0.0/0 (Net::IP 1.26, run), so
    verify_rule keeps the rule, and pve-firewall writes it as written (ipt_gen_src_or_dst_match
    `-s $adr`); iptables reads each octet with strtoumax base 0 (libxtables
    __numeric_to_ipaddr -> xtables_strtoui): every source. Python's ipaddress refuses leading
    zeros, so hvaudit refused the rule."""
    rule = "IN ACCEPT -source 00.0.0.0/0"
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -source "
        "00.0.0.0/0` accepts every inbound IPv4 packet before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        "host.fw line 9 `IN ACCEPT -source 00.0.0.0/0` accepts every inbound IPv4 packet, "
        "management ports included",
    )


def test_l16_6_held_octal_octet_is_another_address(tmp_path: Path) -> None:
    """Held twin: iptables reads `010.0.0.21` as 8.0.0.21 (octal 010), not the node's
    10.0.0.21, so `-dest 010.0.0.21` narrows the rule to a foreign address."""
    assert _live(tmp_path, _host_rule("IN ACCEPT -dest 010.0.0.21"), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- L16-7: of two entries of the same network, pve-firewall loads the later ------------------------


@pytest.mark.parametrize(
    "entries",
    ["!10.0.0.21\nnode21\n", "!10.0.0.21\n10.0.0.21/32\n"],
    ids=["alias-after-nomatch", "host-prefix-duplicate"],
)
def test_l16_7_later_entry_of_the_same_network_decides(tmp_path: Path, entries: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" (alias case). generate_ipset_chains
    resolves aliases and keys the set by network, the later entry overwriting the earlier
    (`$nethash->{$ver}->{$cidr} = { cidr => $cidr, nomatch => ... }`): `node21` (10.0.0.21)
    after `!10.0.0.21` loads 10.0.0.21 as a match, so `-dest +nodes` holds the node's address.
    hvaudit took the first of equally specific entries. `10.0.0.21/32` after `!10.0.0.21` is a
    duplicate to pve-firewall's parser (parse_ip_or_cidr drops /32 first: "duplicate ipset
    entry"), so `!10.0.0.21` stays and the rule narrows: its held twin."""
    cluster = CLUSTER_FW.replace("[ALIASES]\n", "[ALIASES]\nnode21 10.0.0.21\n").replace(
        "[RULES]", f"[IPSET nodes]\n{entries}\n[RULES]"
    )
    edits = {"etc/pve/firewall/cluster.fw": cluster, **_host_rule("IN ACCEPT -dest +nodes")}
    why = (
        "(-dest +nodes: holds 10.0.0.21, the node's address on vmbr1, the default gateway's "
        "interface)"
    )
    expected = (
        ("pass", "cluster firewall on, input policy DROP")
        if "/32" in entries
        else (
            "fail",
            "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT` accepts "
            f"every inbound IPv4 packet {why} before the policy",
        )
    )
    assert _live(tmp_path, edits, "HVA-301") == expected


# --- L16-8: `-i` of a name no file declares may be the uplink's altname -------------------------------


def test_l16_8_undeclared_interface_may_be_an_altname(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). pve-firewall
    enable_host_firewall maps a rule's `-i` through PVE::Network altname_mapping (`ip -details
    -json link show` altnames -> the interface): `-i uplink0` may be vmbr1, the default
    gateway's interface, under another name, and then admits every packet. Neither
    /etc/network/interfaces nor the node's addresses place `uplink0`: a question."""
    ((status, message),) = [_live(tmp_path, _host_rule("IN ACCEPT -i uplink0"), "HVA-301")]
    assert (status, message) == (
        "manual",
        "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -i uplink0` "
        "accepts every inbound packet if that interface is an alternative name (altname) of "
        "the default gateway's interface, which pve-firewall maps to it (PVE::Network "
        "altname_mapping): /etc/network/interfaces declares no such interface and the node "
        "reported no address on it",
    )


@pytest.mark.parametrize("iface", ["eno1", "vmbr0"])
def test_l16_8_held_declared_interface_narrows(tmp_path: Path, iface: str) -> None:
    """Held twins: eno1 and vmbr0 are declared in /etc/network/interfaces and carry no default
    gateway (vmbr1 does): `-i` of either narrows the rule."""
    assert _live(tmp_path, _host_rule(f"IN ACCEPT -i {iface}"), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- L16-9: /etc/services names are case-sensitive ---------------------------------------------------


def test_l16_9_service_name_in_other_case_is_no_port(tmp_path: Path) -> None:
    """Was fail "host.fw:9 accepts management ports from any source". parse_port_name_number_
    or_range looks a name up in get_etc_services' `byname` hash, keyed as /etc/services writes
    it (`ssh`), so `-dport SSH` is an "invalid port" on a stock /etc/services and the rule is
    not applied. Since L17-4 (test_pve_leads17) a name netbase does not define was a question
    (the node's own /etc/services not collected); since R47F-2 the node's file is read as
    pve-firewall keys it, and it defines no `SSH`: the rule is not applied (pass)."""
    assert _live(tmp_path, _host_rule("IN ACCEPT -p tcp -dport SSH"), "HVA-313") == (
        "pass",
        "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports "
        "wider",
    )
