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
- L17-2 (wrong fail): HVA-313 failed "cluster.fw:22 accepts management ports from any source"
  when host.fw's `IN DROP -p tcp -dport 8006` came first. enable_host_firewall adds host.fw's
  rules, then cluster.fw's, then the `management` set's ACCEPTs of 8006, 5900:5999, 3128 and
  22 (`$mngmntsrc -p tcp --dport 8006`), then the policy: the DROP takes every packet to 8006
  before the ACCEPT sees one. Only an unrestricted DROP closed the walk; now a DROP or REJECT
  of every source (no -source, -dest, -i, -sport or macro) takes the management ports of its
  protocol and IP version out of the ACCEPTs after it.
- L17-5 (wrong fail; false pass for the DROP): a -dport list of more than 15 numbers (a range
  counts 2) is refused by pve-firewall's parse_port_name_number_or_range ("too many entries in
  port list (> 15 numbers)", verify_rule: the rule gets errors and enable_host_firewall skips
  it), while proxmox-ve-config's PortList has no limit and proxmox-firewall applies it.
  hvaudit kept the rule under both: an ACCEPT of 16 ports with 8006 failed HVA-313 under
  pve-firewall, which never applies it. Now `pve_refused`, left out under pve-firewall only
  (as `-p TCP`, L16-3), so such a DROP closes nothing there and its ACCEPT opens 8006 under
  proxmox-firewall.
- L17-4 (false pass): a -dport service name other than `ssh` counted as no port. Both
  daemons take names from the node's /etc/services (pve-firewall get_etc_services, first
  column of tcp/udp/sctp lines; proxmox-ve-config NamedPorts, names and aliases); of netbase
  6.4's (Debian 12, Proxmox VE 8's base, read on such a system) only `ssh` is a management
  port, so netbase names (`https`) stay no management port. A name netbase does not define
  (`pveui`) is one the node's own /etc/services may give 8006: an ACCEPT of it from any
  source is a question now (the file is not in the evidence), not a pass.
- L17-3 (false pass): IPv6 wideness was judged by IPv4's /7, so `IN ACCEPT -source 2001::/16`
  and a `management` entry `2001:db8::/32` passed HVA-301/313. An IPv6 network of /32 or
  wider is wide now (IPV6_WIDE_PREFIX): /32 is the registries' minimum allocation to an LIR
  (APNIC prop-111 "IPv6 minimum allocation size to LIRs is defined as /32"; prop-164: RIPE
  NCC, LACNIC and AFRINIC list /32), space an ISP delegates to other organisations, a site
  getting a /48 (RFC 6177); 2001::/16 holds several registries' legacy /23 blocks.

Read, not pinned: proxmox-firewall a752659 create_guest_rules adds a guest's rules in order,
then its default policy (as pve-firewall; L17-1 holds under both daemons).

Probes that held (pinned): a DROP before the VM's ACCEPT (deny-list), an ACCEPT of another
NIC, disabled, narrowed by source, port or macro; a DROP of some sources, of udp, of one
interface, of other ports or by macro before an ACCEPT of 8006 (still fails), and a DROP after
it; 16 port numbers under proxmox-firewall (fails), 15 under pve-firewall (fails); netbase
names (`https`, `http-alt`), a name from `+management` only, an ICMP type in -dport, `ssh`
(fails); a /33, a /48 and IPv4's /8 stay narrow.

Tally: 36 cases; 14 failed on main 50472df, 1 more (the refused DROP of L17-5) on bb79dc2
(L17-2 landed, L17-5 not yet), 21 held. test_l16_9 (`-dport SSH`) is the L17-4 question now.

Leads left: a DROP narrowed by -source/-dest/-i closes nothing for HVA-313 (conservative: a
DROP from 0.0.0.0/0 written out, or of the gateway interface, still leaves the ACCEPT
failing), nor does a macro DROP (`SSH(DROP)`); HVA-301's "every tcp port" (`IN ACCEPT -p
tcp`) is not shadowed by an earlier `IN DROP -p tcp` (same class as L17-2, management ports
only were done); an ACCEPT of a management port by udp counts as opening it; a name
netbase defines may be redefined later in the node's /etc/services (both daemons keep the
last line); collecting /etc/services (and /etc/protocols) from the node would settle L17-4's
question; an IPv6 /32 that is the organisation's own LIR allocation fails (a wrong fail if
it is one site's management plane; a question may suit better); a VM rule's `-dest` of the
VM's own address reads as narrowing (it is every packet to that NIC), and `-p tcp` (every
tcp port) in a VM chain is not judged; a set holding only IPv4 entries is read as wide for both
IP versions; container <vmid>.fw and `firewall=1` remain unchecked (L16 lead).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_pve_leads16 import VM200_FW
from test_redteam2_probes import PVE_HARDENED
from test_redteam14_pve_probes import HOST_FW, _host_rule, _live
from test_redteam15_pve_probes import CLUSTER_FW, _node


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
        ("IN ACCEPT -i net0\n", "line 12 `IN ACCEPT -i net0` accepts every inbound packet"),
        (
            "IN DROP -source ::/0\nIN ACCEPT\n",
            "line 13 `IN ACCEPT` accepts every inbound IPv4 packet",
        ),
        (
            "IN ACCEPT -source 0.0.0.0/0\n",
            "line 12 `IN ACCEPT -source 0.0.0.0/0` accepts every inbound IPv4 packet",
        ),
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
        "IN DROP -p tcp\nIN ACCEPT -p tcp\n",
        "IN ACCEPT -i net1\n",
        "|IN ACCEPT\n",
        "IN ACCEPT -source 192.0.2.0/24\n",
        "IN ACCEPT -p tcp -dport 443\n",
        "IN HTTPS(ACCEPT)\n",
    ],
    ids=["protocol-dropped-first", "other-nic", "disabled", "narrow-source", "one-port", "macro"],
)
def test_l17_1_held_vm_chain_that_filters(tmp_path: Path, rules: str) -> None:
    """Held twins: a DROP of every tcp port before the ACCEPT of tcp (L18-6P's reading; a
    deny-list, `IN DROP -p tcp -dport 23` before `IN ACCEPT`, was held here and fails since
    L18-7P: tests/test_pve_leads18.py), a rule of
    another NIC (skipped for net0's chain), a disabled rule, and ACCEPTs narrowed by source,
    port or macro leave the DROP policy filtering the rest."""
    assert _vm(tmp_path, rules) == HELD_VM


# --- L17-2: a DROP of the management ports from every source shadows their later ACCEPT ---------------

PASS_313 = (
    "pass",
    "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports wider",
)


def _cluster_rule(rule: str) -> str:
    """cluster.fw with `rule` the last of its [RULES] (line 22)."""
    return CLUSTER_FW.replace("\n[group webserver]", f"{rule}\n\n[group webserver]")


@pytest.mark.parametrize(
    ("drop", "accept"),
    [
        ("IN DROP -p tcp -dport 8006", "IN ACCEPT -p tcp -dport 8006"),
        ("IN REJECT -p tcp -dport 22,8006 -log info", "IN ACCEPT -p 6 -dport 8006,22"),
        ("IN DROP -p tcp -dport 5900:5999\nIN DROP -p tcp", "IN ACCEPT -p tcp -dport 3128,5901"),
    ],
    ids=["same-port", "list-reject", "range-then-protocol"],
)
def test_l17_2_drop_before_accept_of_the_same_ports(tmp_path: Path, drop: str, accept: str) -> None:
    """Was fail "cluster.fw:22 accepts management ports from any source". host.fw's rules come
    first (enable_host_firewall `foreach my $rule (@$rules, @$cluster_rules)`), and iptables
    takes the first rule that matches: a DROP or REJECT of tcp 8006 from every source leaves
    cluster.fw's ACCEPT of 8006 no packet (`-p 6` is tcp; a DROP of `-p tcp` without ports
    takes every tcp port)."""
    edits = {**_host_rule(drop), "etc/pve/firewall/cluster.fw": _cluster_rule(accept)}
    assert _live(tmp_path, edits, "HVA-313") == PASS_313


@pytest.mark.parametrize(
    ("drop", "accept"),
    [
        ("IN DROP -p tcp -dport 8006 -source 10.0.0.0/8", "IN ACCEPT -p tcp -dport 8006"),
        ("IN DROP -p udp -dport 8006", "IN ACCEPT -p tcp -dport 8006"),
        ("IN DROP -p tcp -dport 8006", "IN ACCEPT -p tcp -dport 8006,22"),
        ("IN DROP -p tcp -dport 8006 -i vmbr0", "IN ACCEPT -p tcp -dport 8006"),
        ("IN SSH(DROP)", "IN ACCEPT -p tcp -dport 8006"),
    ],
    ids=["narrow-source", "other-protocol", "port-left", "one-interface", "other-macro"],
)
def test_l17_2_held_drop_that_leaves_the_accept_open(
    tmp_path: Path, drop: str, accept: str
) -> None:
    """Held twins: a DROP of some sources, of udp, of some interface, or of other ports leaves
    the ACCEPT admitting management ports from every other source."""
    edits = {**_host_rule(drop), "etc/pve/firewall/cluster.fw": _cluster_rule(accept)}
    status, message = _live(tmp_path, edits, "HVA-313")
    assert (status, message) == ("fail", "cluster.fw:22 accepts management ports from any source")


def test_l17_2_held_drop_after_the_accept(tmp_path: Path) -> None:
    """Held twin: cluster.fw's DROP comes after host.fw's ACCEPT."""
    edits = {
        **_host_rule("IN ACCEPT -p tcp -dport 8006"),
        "etc/pve/firewall/cluster.fw": _cluster_rule("IN DROP -p tcp -dport 8006"),
    }
    assert _live(tmp_path, edits, "HVA-313") == (
        "fail",
        "host.fw:9 accepts management ports from any source",
    )


# --- L17-5: more than 15 port numbers: pve-firewall refuses, proxmox-firewall applies ---------------

#: 16 port numbers (seven ranges of two, then two numbers), 8006 among them
SIXTEEN = "1:2,3:4,5:6,7:8,9:10,11:12,13:14,443,8006"
#: 15 port numbers: pve-firewall's limit
FIFTEEN = "1:2,3:4,5:6,7:8,9:10,11:12,13:14,8006"


def test_l17_5_long_port_list_is_refused_by_pve_firewall(tmp_path: Path) -> None:
    """Was fail "host.fw:9 accepts management ports from any source". parse_port_name_number_or_
    range counts a range 2 and dies above 15 ("too many entries in port list (> 15 numbers)");
    verify_rule records it and enable_host_firewall skips a rule with errors."""
    from hvaudit.parse.proxmox_firewall import parse_firewall

    rule = f"IN ACCEPT -p tcp -dport {SIXTEEN}"
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == PASS_313
    host = parse_firewall(
        HOST_FW + rule + "\n", "host.fw", cluster=parse_firewall(CLUSTER_FW, "cluster.fw")
    )
    assert host.warnings == [
        "host.fw:9: rule not applied by pve-firewall: dport: too many entries in port list "
        "(> 15 numbers)"
    ]


def test_l17_5_long_port_list_under_proxmox_firewall(tmp_path: Path) -> None:
    """Held twin: proxmox-ve-config's PortList takes any number of entries, so proxmox-firewall
    (host.fw `nftables: 1`) accepts 8006 from any source."""
    host = HOST_FW.replace("enable: 1\n", "enable: 1\nnftables: 1\n")
    edits = {"etc/pve/nodes/pve-h1/host.fw": host + f"IN ACCEPT -p tcp -dport {SIXTEEN}\n"}
    assert _node(tmp_path, edits, "HVA-313", "proxmox-firewall") == (
        "fail",
        "host.fw:10 accepts management ports from any source",
    )


def test_l17_5_refused_drop_closes_nothing_under_pve_firewall(tmp_path: Path) -> None:
    """The same list in a DROP: pve-firewall leaves it out, so cluster.fw's ACCEPT of 8006
    after it admits every source (would pass by L17-2 if it were applied)."""
    edits = {
        **_host_rule(f"IN DROP -p tcp -dport {SIXTEEN}"),
        "etc/pve/firewall/cluster.fw": _cluster_rule("IN ACCEPT -p tcp -dport 8006"),
    }
    assert _live(tmp_path, edits, "HVA-313") == (
        "fail",
        "cluster.fw:22 accepts management ports from any source",
    )


def test_l17_5_held_fifteen_numbers_are_applied(tmp_path: Path) -> None:
    """Held twin: 15 numbers are within the limit, the rule is applied."""
    assert _live(tmp_path, _host_rule(f"IN ACCEPT -p tcp -dport {FIFTEEN}"), "HVA-313") == (
        "fail",
        "host.fw:9 accepts management ports from any source",
    )


# --- L17-4: a service name the stock /etc/services does not define --------------------------------


def test_l17_4_local_service_name_is_a_question(tmp_path: Path) -> None:
    """Was pass "IP set `management`: ...; no rule opens management ports wider". pve-firewall
    resolves `pveui` only through the node's /etc/services (get_etc_services; it refuses the
    rule when the name is missing), which may map it to 8006; netbase defines no such name.
    Since R47F-2 the node's file (the fixture's netbase) is read as pve-firewall keys it: no
    `pveui`, so pve-firewall refuses the rule ("invalid port") and it opens nothing; where the
    file gives it 8006 it fails (test_redteam47_firewall_probes)."""
    status, message = _live(tmp_path, _host_rule("IN ACCEPT -p tcp -dport 443,pveui"), "HVA-313")
    assert (status, message) == PASS_313


@pytest.mark.parametrize(
    "rule",
    [
        "IN ACCEPT -p tcp -dport https,http-alt",
        "IN ACCEPT -p tcp -dport pveui -source +management",
        "IN ACCEPT -p icmp -dport echo-request",
    ],
    ids=["netbase-names", "management-source", "icmp-type"],
)
def test_l17_4_held_names_that_open_no_management_port(tmp_path: Path, rule: str) -> None:
    """Held twins: netbase's `https` (443) and `http-alt` (8080) are no management port; a name
    admitted from the `management` set only, and an ICMP type in -dport (pve-firewall's
    $icmp_type_names), are no question."""
    assert _live(tmp_path, _host_rule(rule), "HVA-313") == PASS_313


def test_l17_4_held_ssh_name_opens_port_22(tmp_path: Path) -> None:
    """Held twin: `ssh` is 22/tcp in netbase, a management port."""
    assert _live(tmp_path, _host_rule("IN ACCEPT -p tcp -dport ssh"), "HVA-313") == (
        "fail",
        "host.fw:9 accepts management ports from any source",
    )


# --- L17-3: IPv6 networks of /32 or wider are wide ---------------------------------------------------


@pytest.mark.parametrize(
    "source", ["2001::/16", "2001:db8::/32", "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"]
)
def test_l17_3_wide_ipv6_source_accepts_everything(tmp_path: Path, source: str) -> None:
    """Was pass "cluster firewall on, input policy DROP": only a /7 or wider counted, IPv4's
    line, under which 2001::/16 (several registries' blocks) was narrow."""
    assert _live(tmp_path, _host_rule(f"IN ACCEPT -source {source}"), "HVA-301") == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -source {source}` "
        "accepts every inbound IPv6 packet before the policy",
    )


def test_l17_3_management_set_with_an_lir_allocation(tmp_path: Path) -> None:
    """Was pass. A `management` entry of a /32 admits a whole LIR allocation to the management
    ports."""
    cluster = CLUSTER_FW.replace(
        "!10.0.8.13 # shared kiosk\n", "!10.0.8.13 # shared kiosk\n2001:db8::/32\n"
    )
    status, message = _live(tmp_path, {"etc/pve/firewall/cluster.fw": cluster}, "HVA-313")
    assert (status, message) == ("fail", "IP set `management` admits 2001:db8::/32")


@pytest.mark.parametrize("source", ["2001:db8::/33", "2001:db8:1::/48", "10.0.0.0/8"])
def test_l17_3_held_narrower_networks(tmp_path: Path, source: str) -> None:
    """Held twins: a /33 and a site's /48 are narrower than an LIR allocation; IPv4 keeps its
    /7 line (a /8 narrows)."""
    assert _live(tmp_path, _host_rule(f"IN ACCEPT -source {source}"), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )
