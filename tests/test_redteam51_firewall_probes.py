"""Red-team round 51 probes: pve-firewall's refused whole update judged from the node's
`iptables-save` (r51-firewall).

Harness: round 18's (test_pve_leads18._node): the live hardened Proxmox VE node (pve+ssh
replayed over tests/fixtures/proxmox-hardened), HVA-301's, HVA-302's and HVA-313's verdicts of
pve-h1 and HVA-303's of its VMs (web-10, api-11) under pve-firewall (pid 950), the node's
/etc/services netbase's with lines added, its `iptables-save` replayed, through the real
collector, parser and engine.

Team decision (round 51, taken first): the first refused whole update since boot (no earlier
applied ruleset seen) means the node may be unfiltered: where the saved ruleset shows no PVEFW
chain, fail (the node is unfiltered); where it shows a ruleset applied before, or was not
read, ask naming it.

Findings (R51F-n):
- R51F-1 (missed fail; the team decision) HVA-301, HVA-302, HVA-313, HVA-303: R49F-1's refused
  update (host.fw `IN DROP -p tcp -dport pveui`, /etc/services `pveui 8006/udp`) on a node
  whose `iptables-save` holds no PVEFW chain asked "the rules it applied before (if any)
  stay", though none is in force: pve-firewall hooks its PVEFW-* chains from INPUT and FORWARD
  (github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm get_ruleset_cmdlist) and loads the
  IPv4 filter table first (apply_ruleset, `iptables-restore -T filter -n`), so a refused first
  update leaves no chain and nothing filters the node or its guests. Now
  parse.proxmox_model._saved_pvefw reads the node's iptables-save: no PVEFW chain in its filter
  table sets ProxmoxHost.firewall_unapplied, on which the node's checks (`_fw_gap`) and its
  VMs' HVA-303 fail; PVEFW chains there, or iptables-save not read, or an iptables-nft output
  warning of iptables-legacy tables it does not show (iptables xtables-save.c), ask naming it.

- R51F-2 (missed fail; over-ask) HVA-301, HVA-313 (HVA-302, HVA-303 asked alike): a rule
  R49F-1's reading refuses (`-p tcp -dport pveui`, `pveui` /udp only) in a security group no
  compiled rule jumps to, in a guest .fw whose firewall is off, or in one whose NICs all say
  firewall=0, was read as refusing pve-firewall's whole update, so every firewall check of the
  node asked, and host.fw's unrestricted `IN ACCEPT` was not failed (R50F-1 reads no host.fw
  rule under a refused update). pve-firewall compiles only what is in force
  (github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm compile_iptables_filter: a guest's
  rules `return if !$vmfw_conf || !$vmfw_conf->{options}->{enable}` and `next if
  !$net->{firewall}`; cluster.fw's and host.fw's through enable_host_firewall only `if
  ($hostfw_enable)`; a group's rules only through ruleset_add_group_rule ->
  generate_group_rules), so those rules never reach iptables-restore. Now
  parse.proxmox_model._ipt_update_refused reads only those rules (`_guest_nic_filtered`).

- R51F-3 (false pass; and an over-ask that hid a fail) HVA-301, HVA-313: R49F-1's reading
  took `-p tcp/udp/sctp` only, lower-cased: `IN DROP -p 6 -dport pveui` (`pveui` /udp only)
  before `IN ACCEPT -p tcp -dport 8006` passed, as did `-p 17 -dport http`, `-p 132 -dport
  http` and `-p dccp`/`-p 33 -dport ssh` under netbase's file, though pve-firewall writes `-p`
  as spelt (src/PVE/Firewall.pm `$PROTOCOLS_WITH_PORTS` keys 6, 17, 132, 33 and dccp) and
  iptables loads a number's match by name (iptables/xshared.c find_proto -> proto_to_name),
  whose port parser asks getservbyname for its own protocol (extensions/libxt_tcp.c
  parse_tcp_ports `xtables_parse_port(buffer, "tcp")`, libxt_dccp.c `"dccp"`): the whole update
  is refused. And `-p TCP -dport pveui`, which pve-firewall refuses alone (verify_rule, the
  rule's `pve_refused`), was read as refusing the whole update, so host.fw's `IN ACCEPT` after
  it was asked, not failed. Now parse.proxmox_model._PORT_MATCH maps the -p as written, and
  a rule pve-firewall refuses alone refuses no update.

- R51F-4 (wrong fail) HVA-190, a lead since round 30: `-A INPUT -m addrtype ! --src-type
  UNICAST -j ACCEPT` (iptables or ip6tables) failed as matching every source but some, though
  the kernel XORs the match with its inversion (linux net/netfilter/xt_addrtype.c
  addrtype_mt_v1 / addrtype_mt6 `^ (info->flags & XT_ADDRTYPE_INVERT_SOURCE)`) and every
  remote unicast sender is of type UNICAST (IPv4 inet_addr_type OR-ed over the types, IPv6's
  class test), so it admits no peer. Now parse.firewall._ipt_src_type_reach reads a negated
  type set every remote unicast sender is of (IPv4: UNICAST among them; IPv6: UNICAST alone)
  as narrow.

- R51F-5 (over-ask; R51F-2's class) HVA-301, HVA-302, HVA-313, HVA-303: a guest rule of one
  NIC (`IN DROP -p tcp -dport pveui -i net1`) whose NIC has no firewall=1 was still read as
  refusing the update (every firewall verdict of the node asked), though pve-firewall compiles
  a guest's rules per NIC with firewall=1 and skips another NIC's (src/PVE/Firewall.pm
  ruleset_generate_vm_rules `next if $rule->{iface} && $rule->{iface} ne $netid`). Now
  `_guest_nic_filtered` returns those NICs and only their rules (and rules of no NIC) are read.

Held (kept as tests): PVEFW chains in the saved filter table (ask: the earlier rules stay);
iptables-save not collected (ask naming it); the legacy-tables warning (ask naming
iptables-legacy-save); PVEFW chains only in the raw table (fail: the filter table holds none).
R51F-2: the same rule in the group VM 200 (firewall on) jumps to, and in VM 201's .fw with its
firewall on: both still refuse the update (asked). R51F-5: the rule with `-i net0` (asked). R51F-3: `-p 6 -dport ssh` under netbase's
file (keyed for tcp: pass). R51F-4: ip6tables `! --src-type UNICAST,LOCAL` (every sender but
the host's own: fail) and iptables `! --src-type MULTICAST` (fail).

Probed by script: `-p 6` in the checks' own readings (host.fw `IN ACCEPT -p 6 -dport 8006`:
HVA-313 fails; `IN ACCEPT -p 6`: every tcp port; `IN DROP -p 6 -dport 8006` before `IN ACCEPT
-p tcp -dport 8006`: pass) under either daemon, and in a VM's chain (HVA-303: `IN ACCEPT -p
6`, `-p 132`, `-p 17 -dport 1:65535` fail; `IN DROP -p 6` before `IN ACCEPT -p tcp` passes
under pve-firewall): held. LXC and snapshot sections for
`_guest_nic_filtered` (the current section's `firewall=` only): held. A macro rule with a
port (`IN SSH(DROP) -sport pveui`): pve-firewall's verify_rule errs "missing property - 'sport'
requires this property" (no -p of its own), the rule refused alone (`pve_refused`), so it
refuses no update since R51F-3: held. A proxmox-firewall
refusal with no table inet proxmox-firewall in `nft -j list ruleset` (proxmox-firewall a752659
handle_firewall builds its config before RULE_BASE `add table inet proxmox-firewall`): the same
fail would apply, but the hardened fixture's own nft table (NFT_DROP) filters the node, so
rounds 45-48's refusal questions would all turn to fails: not landed, a team decision.

Tally: 5 findings (R51F-1 a missed fail, the team decision; R51F-2 an over-ask that hid a
host.fw fail; R51F-3 a false pass, 5 cases, and an over-ask that hid a fail; R51F-4 a wrong
fail; R51F-5 an over-ask); 26 cases in 4 test functions; 20 failed on main before the fixes
(R51F-1's 5, its 3 held questions now naming iptables-save, landed 704697f9; R51F-2's 5,
landed 551ceadb; R51F-3's 6, landed 24837121; R51F-4's 3, landed 64e96584; R51F-5's 1); 9
held. Rounds 49's and 50's refused-update questions now name iptables-save too (their
harness collects none).

Leads left: the API-listener part of the team decision (a stanza naming several addresses,
one read) was not located: `LISTEN_IP` with several words reads as both families, not
loopback (no pass on the first), and ifupdown2 takes one address per `address` value
(addons/address.py IPNetwork of the whole value); `-p udplite -dport` (no iptables udplite
match found: may refuse every such update); a refusal with iptables-save showing other
filtering (INPUT policy DROP of the admin's own) fails HVA-313 on pve-firewall's absence;
proxmox-firewall's refusal judged from `nft list ruleset` (above); AnyIP DNAT (`ip route show
table local`, not collected).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_pve_leads18 import _node
from test_pve_leads19b import CLUSTER, HOST, VM201, _text
from test_redteam28_firewall_probes import IP_ADDR6
from test_redteam30_firewall_probes import V6_PASS, _v6_open
from test_redteam30_firewall_probes import _verdict as _verdict30
from test_redteam45_firewall_probes import NETBASE
from test_redteam45_firewall_probes import _node as _node45

REFUSED_RULE = "IN DROP -p tcp -dport pveui\n"
NFT_EMPTY = '{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}]}'
UDP_ONLY = NETBASE + "pveui\t\t8006/udp\n"
REFUSAL = (
    "host.fw line 8 `-p tcp -dport pveui`: the node's /etc/services gives `pveui` no tcp port "
    "(iptables getservbyname), so iptables-restore refuses the whole update of pve-firewall"
)
SAVE_NONE = (
    "# Generated by iptables-save v1.8.9 (legacy)\n*filter\n:INPUT ACCEPT [0:0]\n"
    ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
)
SAVE_PVEFW = (
    "# Generated by iptables-save v1.8.9 (legacy)\n*filter\n:INPUT ACCEPT [0:0]\n"
    ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:PVEFW-FORWARD - [0:0]\n"
    ":PVEFW-INPUT - [0:0]\n-A INPUT -j PVEFW-INPUT\n-A FORWARD -j PVEFW-FORWARD\n"
    "-A PVEFW-INPUT -j DROP\nCOMMIT\n"
)
SAVE_RAW_ONLY = (
    "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:PVEFW-rps - [0:0]\nCOMMIT\n" + SAVE_NONE
)
SAVE_LEGACY = (
    "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n"
    + SAVE_NONE.replace("(legacy)", "(nf_tables)")
)

UNFILTERED = (
    f"{REFUSAL}, and iptables-save shows no PVEFW chain in its filter table: no earlier update "
    "is in force (the first since boot), so no rule of pve-firewall filters the node or its "
    "guests"
)


def _verdicts(tmp_path: Path, save: Any) -> dict[tuple[str, str], tuple[str, str]]:
    edits = {
        HOST: _text(HOST).replace("[RULES]\n", "[RULES]\n" + REFUSED_RULE, 1),
        "etc/services": UDP_ONLY,
    }
    # no nftables table of the admin's filters the node either (the fixture's inet filter
    # table, policy drop, is asked since round 52's team decision: R52F-1)
    nft = {"nft-ruleset": (NFT_EMPTY, 0)}
    got = _node(tmp_path, edits, nft if save is None else {**nft, "iptables-save": (save, 0)})
    return {
        k: v
        for k, v in got.items()
        if k in (("HVA-301", "pve-h1"), ("HVA-302", "pve-h1"), ("HVA-313", "pve-h1"))
        or k[0] == "HVA-303"
    }


def _all(v: tuple[str, str]) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        ("HVA-301", "pve-h1"): v,
        ("HVA-302", "pve-h1"): v,
        ("HVA-313", "pve-h1"): v,
    }


def _asked(why: str) -> dict[tuple[str, str], tuple[str, str]]:
    vm = ("manual", f"evidence unavailable: cluster firewall: {REFUSAL}: {why}")
    return {
        **_all(("manual", f"evidence unavailable: {REFUSAL}: {why}")),
        ("HVA-303", "web-10"): vm,
        ("HVA-303", "api-11"): vm,
    }


FAILED = {
    **_all(("fail", UNFILTERED)),
    ("HVA-303", "web-10"): ("fail", f"1 interface(s) on node pve-h1, where {UNFILTERED}"),
    ("HVA-303", "api-11"): ("fail", f"1 interface(s) on node pve-h1, where {UNFILTERED}"),
}


@pytest.mark.parametrize(
    ("save", "expected"),
    [
        pytest.param(SAVE_NONE, FAILED, id="no-pvefw-chain-unfiltered"),
        pytest.param(SAVE_RAW_ONLY, FAILED, id="pvefw-chain-in-raw-only"),
        pytest.param(
            SAVE_PVEFW,
            (
                _asked(
                    "the rules it applied before stay (iptables-save shows its PVEFW chains), "
                    "not the files as written"
                )
            ),
            id="held-earlier-ruleset-stays",
        ),
        pytest.param(
            None,
            (
                _asked(
                    "the rules it applied before (if any) stay, which `iptables-save` on the node "
                    "shows (PVEFW chains; not read: command not found)"
                )
            ),
            id="held-iptables-save-unread",
        ),
        pytest.param(
            SAVE_LEGACY,
            (
                _asked(
                    "the rules it applied before (if any) stay: iptables-save shows no PVEFW "
                    "chain, but warns of iptables-legacy tables it does not show "
                    "(`iptables-legacy-save` on the node shows them)"
                )
            ),
            id="held-legacy-tables-unshown",
        ),
    ],
)
def test_r51f_1_refused_update_judged_by_iptables_save(
    tmp_path: Path, save: Any, expected: dict[tuple[str, str], tuple[str, str]]
) -> None:
    """A refused whole update of pve-firewall: no PVEFW chain in the saved filter table fails
    the node and its VMs (was a question); an earlier ruleset, or none read, asks naming it."""
    got = _verdicts(tmp_path, save)
    assert got == expected


# --- R51F-2: only the rules pve-firewall compiles can refuse its update -------------------------

VM201_CONF = "etc/pve/qemu-server/201.conf"
UNUSED = "\n[group unused]\n" + REFUSED_RULE
NODE_PASS = {
    ("HVA-301", "pve-h1"): ("pass", "cluster firewall on, input policy DROP"),
    ("HVA-302", "pve-h1"): ("pass", "on (cluster firewall on, host.fw does not disable it)"),
    ("HVA-313", "pve-h1"): (
        "pass",
        "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports "
        "wider",
    ),
    ("HVA-303", "web-10"): ("pass", "1 interface(s) behind the VM firewall"),
}
API11_PASS = {("HVA-303", "api-11"): ("pass", "1 interface(s) behind the VM firewall")}
API11_OFF = {("HVA-303", "api-11"): ("fail", "BC:24:11:00:00:21: the VM firewall is off")}


def _vm201(rules: str, enable: str = "enable: 1") -> str:
    return _text(VM201).replace("enable: 1", enable).replace("[RULES]\n", "[RULES]\n" + rules)


def _refused_by(where: str) -> dict[tuple[str, str], tuple[str, str]]:
    why = (
        f"{where} `-p tcp -dport pveui`: the node's /etc/services gives `pveui` no tcp port "
        "(iptables getservbyname), so iptables-restore refuses the whole update of "
        "pve-firewall: the rules it applied before (if any) stay, which `iptables-save` on the "
        "node shows (PVEFW chains; not read: command not found)"
    )
    vm = ("manual", f"evidence unavailable: cluster firewall: {why}")
    return {
        **_all(("manual", f"evidence unavailable: {why}")),
        ("HVA-303", "web-10"): vm,
        ("HVA-303", "api-11"): vm,
    }


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            {CLUSTER: _text(CLUSTER) + UNUSED},
            {**NODE_PASS, **API11_PASS},
            id="group-no-rule-jumps-to",
        ),
        pytest.param(
            {CLUSTER: _text(CLUSTER) + UNUSED, VM201: _vm201("GROUP unused\n", "enable: 0")},
            {**NODE_PASS, **API11_OFF},
            id="group-jumped-to-by-a-disabled-vm",
        ),
        pytest.param(
            {VM201: _vm201(REFUSED_RULE, "enable: 0")}, {**NODE_PASS, **API11_OFF}, id="vm-fw-off"
        ),
        pytest.param(
            {
                VM201: _vm201(REFUSED_RULE),
                VM201_CONF: _text(VM201_CONF).replace("firewall=1", "firewall=0"),
            },
            {
                **NODE_PASS,
                ("HVA-303", "api-11"): ("fail", "BC:24:11:00:00:21: firewall=0 on the NIC"),
            },
            id="vm-nic-firewall-0",
        ),
        pytest.param(
            {
                VM201: _vm201(REFUSED_RULE, "enable: 0"),
                HOST: _text(HOST).replace("[RULES]\n", "[RULES]\nIN ACCEPT\n", 1),
            },
            {
                ("HVA-301", "pve-h1"): (
                    "fail",
                    "cluster firewall on, input policy DROP, but host.fw line 8 `IN ACCEPT` "
                    "accepts every inbound packet before the policy",
                ),
                ("HVA-302", "pve-h1"): NODE_PASS[("HVA-302", "pve-h1")],
                ("HVA-313", "pve-h1"): (
                    "fail",
                    "host.fw line 8 `IN ACCEPT` accepts every inbound packet, management ports "
                    "included",
                ),
            },
            id="vm-fw-off-hid-host-accept-fail",
        ),
        pytest.param(
            {VM201: _vm201(REFUSED_RULE.replace("\n", " -i net1\n"))},
            {**NODE_PASS, **API11_PASS},
            id="vm-rule-of-a-nic-without-firewall",
        ),
        pytest.param(
            {VM201: _vm201(REFUSED_RULE.replace("\n", " -i net0\n"))},
            _refused_by("201.fw line 11"),
            id="held-vm-rule-of-net0",
        ),
        pytest.param(
            {CLUSTER: _text(CLUSTER) + REFUSED_RULE},
            _refused_by("cluster.fw line 26"),
            id="held-group-vm200-jumps-to",
        ),
        pytest.param(
            {VM201: _vm201(REFUSED_RULE)}, _refused_by("201.fw line 11"), id="held-vm-fw-on"
        ),
    ],
)
def test_r51f_2_uncompiled_rules_refuse_no_update(
    tmp_path: Path, edits: dict[str, str], expected: dict[tuple[str, str], tuple[str, str]]
) -> None:
    """A refused rule in a security group no compiled rule jumps to, or in a guest .fw
    pve-firewall does not compile (the VM's firewall off, or no NIC with firewall=1), is no
    refused update: the node's checks judge the files (were all questions)."""
    got = _node(tmp_path, {**edits, "etc/services": UDP_ONLY})
    assert {k: v for k, v in got.items() if k in expected} == expected


# --- R51F-3: the -p as iptables reads it: a number loads its protocol's match -----------------


def _refused_p(rule: str, name: str, proto: str) -> dict[str, tuple[str, str]]:
    asked = (
        "manual",
        f"evidence unavailable: host.fw line 8 `{rule}`: the node's /etc/services gives "
        f"`{name}` no {proto} port (iptables getservbyname), so iptables-restore refuses the "
        "whole update of pve-firewall: the rules it applied before (if any) stay, which "
        "`iptables-save` on the node shows (PVEFW chains; not read: command not found)",
    )
    return {"HVA-301": asked, "HVA-313": asked}


HELD_PASS = {
    "HVA-301": NODE_PASS[("HVA-301", "pve-h1")],
    "HVA-313": NODE_PASS[("HVA-313", "pve-h1")],
}


@pytest.mark.parametrize(
    ("rules", "services", "expected"),
    [
        pytest.param(
            "IN DROP -p 6 -dport pveui\nIN ACCEPT -p tcp -dport 8006",
            UDP_ONLY,
            _refused_p("-p 6 -dport pveui", "pveui", "tcp"),
            id="p6-drop-pveui-before-accept-8006",
        ),
        pytest.param(
            "IN DROP -p 17 -dport http",
            NETBASE,
            _refused_p("-p 17 -dport http", "http", "udp"),
            id="p17-http-tcp-only",
        ),
        pytest.param(
            "IN DROP -p 132 -dport http",
            NETBASE,
            _refused_p("-p 132 -dport http", "http", "sctp"),
            id="p132-http",
        ),
        pytest.param(
            "IN DROP -p dccp -dport ssh",
            NETBASE,
            _refused_p("-p dccp -dport ssh", "ssh", "dccp"),
            id="dccp-ssh",
        ),
        pytest.param(
            "IN DROP -p 33 -dport ssh",
            NETBASE,
            _refused_p("-p 33 -dport ssh", "ssh", "dccp"),
            id="p33-ssh",
        ),
        pytest.param(
            "IN DROP -p TCP -dport pveui\nIN ACCEPT",
            UDP_ONLY,
            {
                "HVA-301": (
                    "fail",
                    "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT` "
                    "accepts every inbound packet before the policy",
                ),
                "HVA-313": (
                    "fail",
                    "host.fw line 9 `IN ACCEPT` accepts every inbound packet, management ports "
                    "included",
                ),
            },
            id="TCP-refused-alone-hid-accept-fail",
        ),
        pytest.param("IN DROP -p 6 -dport ssh", NETBASE, HELD_PASS, id="held-p6-ssh-keyed-tcp"),
    ],
)
def test_r51f_3_protocol_as_iptables_reads_it(
    tmp_path: Path, rules: str, services: str, expected: dict[str, tuple[str, str]]
) -> None:
    """`-p 6/17/132/33` load the tcp/udp/sctp/dccp match, whose port parser asks
    getservbyname under that protocol: a name it lacks refuses the whole update (was a pass);
    `-p TCP`, which pve-firewall refuses alone, refuses none (was a question hiding a fail)."""
    assert _node45(tmp_path, rules, services, nft=False) == expected


# --- R51F-4 HVA-190: a negated --src-type that every remote unicast sender is of --------------

V4_OPEN = (
    "fail",
    "inbound traffic is accepted by default (-A INPUT -m addrtype ! --src-type {t} -j ACCEPT "
    "(matches every port of a protocol or every source but some))",
)


@pytest.mark.parametrize(
    ("v4", "v6", "expected"),
    [
        ("", "-A INPUT -m addrtype ! --src-type UNICAST -j ACCEPT\n", V6_PASS),
        ("-A INPUT -m addrtype ! --src-type UNICAST -j ACCEPT\n", "", V6_PASS),
        (
            "-A INPUT -m addrtype ! --src-type UNICAST,LOCAL -j ACCEPT\n",
            "",
            V6_PASS,
        ),
        (
            "",
            (r := "-A INPUT -m addrtype ! --src-type UNICAST,LOCAL -j ACCEPT\n"),
            _v6_open(r),
        ),
        (
            "-A INPUT -m addrtype ! --src-type MULTICAST -j ACCEPT\n",
            "",
            (V4_OPEN[0], V4_OPEN[1].format(t="MULTICAST")),
        ),
    ],
    ids=[
        "v6-not-unicast",
        "v4-not-unicast",
        "v4-not-unicast-or-local",
        "held-v6-not-local-unicast",
        "held-v4-not-multicast",
    ],
)
def test_r51f_4_negated_src_type_unicast_is_no_remote_sender(
    host_scan: Any, v4: str, v6: str, expected: tuple[str, str]
) -> None:
    """R51F-4 (wrong fail), a lead since round 30: `! --src-type UNICAST` matches only senders
    that are not unicast (xt_addrtype.c: the match XOR-ed with XT_ADDRTYPE_INVERT_SOURCE;
    IPv4's inet_addr_type answers UNICAST for every remote sender, IPv6's class test holds for
    every unicast one), so its ACCEPT admits no peer: pass (was a fail). IPv6's
    `! UNICAST,LOCAL` (the class and the lookup AND-ed: every sender but the host's own) and
    IPv4's `! MULTICAST` keep the fail."""
    probes = {
        "nft-ruleset": None,
        "iptables-input": (f"-P INPUT DROP\n{v4}", 0),
        "ip6tables-input": (f"-P INPUT DROP\n{v6}", 0),
        "ip-addr": (IP_ADDR6, 0),
    }
    assert _verdict30(host_scan(probes)) == expected
