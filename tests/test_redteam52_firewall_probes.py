"""Red-team round 52 probes: a firewall daemon's refused whole update where rules it did not
write filter the node (r52-firewall).

Harness: round 51's (test_redteam51_firewall_probes._verdicts over test_pve_leads18._node:
the live hardened Proxmox VE node, pve+ssh replayed over tests/fixtures/proxmox-hardened,
pve-firewall running, host.fw's R49F-1 rule `IN DROP -p tcp -dport pveui` refused under
/etc/services `pveui 8006/udp`), its `iptables-save` and `nft -j list ruleset` replayed; and
round 45's (test_redteam45_firewall_probes._node: host.fw `nftables: 1`, both daemons
running) for proxmox-firewall, through the real collector, parser and engine.

Team decisions (round 52, taken first, in the order given):
1. A refused pve-firewall update with no PVEFW chain fails the node only where its input is
   filtered by nothing else: INPUT policy ACCEPT and no DROP/REJECT rule in INPUT or a chain
   it jumps to, and (nft collected) no other table's input-hook chain that drops; otherwise
   ask, naming the rules pve-firewall did not write, whether they restrict the management
   ports (8006, 22, 3128, 5900-5999) to the management network.
2. proxmox-firewall's refused update with no `inet proxmox-firewall` table in `nft list
   ruleset`: the same rule; the table shown keeps the question of the ruleset loaded before;
   nft not collected asks naming it.

Findings (R52F-n):
- R52F-1 (wrong fail; the team's decision 1) HVA-301, HVA-302, HVA-313: R51F-1 failed the
  node ("no rule of pve-firewall filters the node or its guests") where `iptables-save`'s
  filter table had INPUT policy DROP, or a DROP/REJECT rule in INPUT or in a chain INPUT jumps
  to, or `nft -j list ruleset` an input-hook chain with policy drop or a drop/reject verdict
  (in a chain it jumps to, a verdict map): the node is filtered, by rules pve-firewall did not
  write (iptables-save writes a built-in chain as `:INPUT DROP [0:0]`; libnftables-json(5)
  CHAIN "hook"/"policy", the `drop`/`reject` statements, `jump`/`goto`). Now
  parse.proxmox_model._ipt_input_filters and _nft_input_filters read them:
  ProxmoxHost.firewall_own_rules keeps the node's checks asking that question (`_fw_gap`); its
  VMs' HVA-303 still fail (no VM chain of pve-firewall is in force).
- R52F-2 (missed fail; the team's decision 2) HVA-301, HVA-313 (HVA-302, HVA-303 alike):
  proxmox-firewall's refused whole update asked "the ruleset it loaded before (if any)
  stays" where `nft -j list ruleset` showed no table inet proxmox-firewall and nothing else
  filtering input: no ruleset of it is in force (github:proxmox/proxmox-firewall a752659
  resources/proxmox-firewall.nft, RULE_BASE `add table inet proxmox-firewall`, loaded by
  handle_firewall only after its config is built). Now `_nft_unapplied` fails the node and its
  VMs there, asks as in R52F-1 where rules it did not write filter input (the hardened
  fixture's `inet filter` table, policy drop: rounds 40-45's and L19-12P's questions stay
  questions, now naming it), keeps the old question where the table is shown, and names
  `nft list ruleset` where it was not read.

- R52F-3 (false pass; round 51's lead) HVA-301, HVA-313 (HVA-302, HVA-303 alike): under
  pve-firewall a compiled rule `-p udplite` (or `-p 136`) with one port, range or name
  (`IN DROP -p udplite -dport 53`) passed, though pve-firewall writes it as `-p udplite
  --dport 53` (src/PVE/Firewall.pm ipt_rule_to_cmds: `--match multiport` only for a list,
  parse_port_name_number_or_range) and iptables parses `--dport` only through the protocol's
  own match (iptables/xshared.c command_default, "Try loading protocol": load_proto ->
  find_proto XTF_TRY_LOAD), and it has none for udplite (extensions/libxt_udp.c registers
  "udp" alone; no libxt_udplite in any stored iptables; the kernel's xt_tcpudp.c has a
  "udplite" match userspace does not parse for): iptables-restore fails on the option and
  pve-firewall's whole update with it. A list goes to multiport, which takes udplite
  (libxt_multiport.c check_proto -> proto_to_name) and asks getservbyname(NAME, "udplite"),
  which netbase's file answers for no name. Now parse.proxmox_model._ipt_update_refused reads
  both (`_PORT_MATCH` udplite/136); R39F's held `-p 136 -dport 443` becomes a list.

- R52F-4 (missed fail; found in R52F-1's own reading) HVA-301, HVA-302, HVA-313: an
  unconditional `-A INPUT -j ACCEPT` first (or an nft input base chain's `counter accept`)
  accepts every packet, so the admin's DROPs and drop policy after it filter nothing
  (iptables(8): ACCEPT "means to let the packet through"; nft(8) VERDICT STATEMENT accept
  ends the evaluation), yet R52F-1 asked of them. Now `_ipt_input_filters` and
  `_nft_input_filters` stop at such a rule and drop the policy: the node fails as in R51F-1.

Held (kept as tests): R52F-4: `-A INPUT -p tcp -j ACCEPT` before a drop policy (asked).
R52F-1: a DROP only in a chain INPUT does not reach and in FORWARD
(iptables-save), a forward-hook nft chain with policy drop and an input chain whose rule
matches an interface named "drop" (a value, not a verdict) and accepts: nothing filters
input, R51F-1's fail stands. R52F-2: the table inet proxmox-firewall shown keeps the
question of the ruleset loaded before. R37S-6 (the process list unread under `nftables: 1`)
keeps its question: which daemon applies the files is not known, so nft's missing table
proves nothing.

Probed by script: none beyond the tests.

Tally: 4 findings (R52F-1 a wrong fail, the team's decision 1; R52F-2 a missed fail, the
team's decision 2; R52F-3 a false pass, 3 cases; R52F-4 a missed fail, 2 cases); 18 cases in 4
test functions; 13 failed on main before the fixes (R52F-1's 5 and R52F-2's 3, landed
dd08a927; R52F-3's 3, landed 88f56543; R52F-4's 2, asked on main); 5 held.
Older tests follow in separate commits: R51F-1's fails now collect an empty nft ruleset (the
fixture's inet filter table is the admin's own filter), rounds 40/41/45's and
L19-8P/L19-12P's proxmox-firewall questions name that table, R40F-5's VM fails (no table inet
proxmox-firewall: no VM chain), and R39F's held one udplite port is a list (R52F-3).

Leads left: a VM's HVA-303 fails under the admin's own filter (no VM chain of the daemon is
in force) even where the admin's forward-hook rules filter guests: a team decision; IPv6
under pve-firewall (ip6tables-save not collected: an `ip6tables` INPUT policy DROP alone is
not read); `-p udplite` under proxmox-firewall (not probed); AnyIP DNAT (`ip route show table local`, not collected).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from test_pve_leads18 import _node
from test_pve_leads19b import HOST, _text
from test_redteam35_proxmox_probes import _files
from test_redteam36_firewall_probes import BOTH
from test_redteam45_firewall_probes import NETBASE
from test_redteam45_firewall_probes import _node as _node45
from test_redteam51_firewall_probes import HELD_PASS, NFT_EMPTY, REFUSAL, REFUSED_RULE, UDP_ONLY

NODE_CHECKS = ("HVA-301", "HVA-302", "HVA-313")
ASK = (
    "but the node is filtered by rules {daemon} did not write ({rules}): do they restrict the "
    "management ports (8006, 22, 3128, 5900-5999) to the management network?"
)
NONE_SAVED = (
    "iptables-save shows no PVEFW chain in its filter table: no earlier update is in force "
    "(the first since boot), so no rule of pve-firewall filters the node or its guests"
)
VM_FAIL = ("fail", f"1 interface(s) on node pve-h1, where {REFUSAL}, and {NONE_SAVED}")


def _save(chains: str = ":INPUT ACCEPT [0:0]\n", rules: str = "") -> str:
    return (
        "# Generated by iptables-save v1.8.9 (legacy)\n*filter\n"
        f"{chains}:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n{rules}COMMIT\n"
    )


def _nft(*items: dict[str, Any]) -> str:
    meta = {"metainfo": {"version": "1.0.6", "json_schema_version": 1}}
    return json.dumps({"nftables": [meta, *items]})


def _chain(name: str, hook: str = "", policy: str = "accept", table: str = "admin") -> Any:
    base = {"type": "filter", "hook": hook, "prio": 0, "policy": policy} if hook else {}
    return {"chain": {"family": "inet", "table": table, "name": name, "handle": 1, **base}}


def _rule(chain: str, *expr: Any, table: str = "admin") -> Any:
    return {"rule": {"family": "inet", "table": table, "chain": chain, "handle": 2, "expr": expr}}


TCP_8006 = {
    "match": {
        "op": "==",
        "left": {"payload": {"protocol": "tcp", "field": "dport"}},
        "right": 8006,
    }
}
IIF_DROP = {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "drop"}}
ADMIN_TABLE = {"table": {"family": "inet", "name": "admin", "handle": 1}}


def _pvefw(tmp_path: Path, save: str, nft: str | None) -> dict[tuple[str, str], tuple[str, str]]:
    edits = {
        HOST: _text(HOST).replace("[RULES]\n", "[RULES]\n" + REFUSED_RULE, 1),
        "etc/services": UDP_ONLY,
    }
    over: dict[str, Any] = {"iptables-save": (save, 0)}
    if nft is not None:
        over["nft-ruleset"] = (nft, 0)
    got = _node(tmp_path, edits, over)
    return {k: v for k, v in got.items() if (k[0] in NODE_CHECKS and k[1] == "pve-h1") or k == VM}


VM = ("HVA-303", "web-10")


def _own(rules: str) -> dict[tuple[str, str], tuple[str, str]]:
    ask = (
        "manual",
        f"evidence unavailable: {REFUSAL}: iptables-save shows no PVEFW chain in its filter "
        "table (no earlier update is in force), " + ASK.format(daemon="pve-firewall", rules=rules),
    )
    return {**{(c, "pve-h1"): ask for c in NODE_CHECKS}, VM: VM_FAIL}


UNFILTERED = {
    **{(c, "pve-h1"): ("fail", f"{REFUSAL}, and {NONE_SAVED}") for c in NODE_CHECKS},
    VM: VM_FAIL,
}


@pytest.mark.parametrize(
    ("save", "nft", "expected"),
    [
        pytest.param(
            _save(":INPUT DROP [0:0]\n"),
            NFT_EMPTY,
            _own("iptables-save's filter table: INPUT policy DROP"),
            id="input-policy-drop",
        ),
        pytest.param(
            _save(rules="-A INPUT -s 192.0.2.0/24 -j REJECT --reject-with icmp-port-unreachable\n"),
            NFT_EMPTY,
            _own(
                "iptables-save's filter table: `-A INPUT -s 192.0.2.0/24 -j REJECT "
                "--reject-with icmp-port-unreachable`"
            ),
            id="input-reject-rule",
        ),
        pytest.param(
            _save(
                ":INPUT ACCEPT [0:0]\n:ADMIN - [0:0]\n",
                "-A INPUT -j ADMIN\n-A ADMIN -p tcp -m tcp --dport 8006 -j DROP\n",
            ),
            NFT_EMPTY,
            _own("iptables-save's filter table: `-A ADMIN -p tcp -m tcp --dport 8006 -j DROP`"),
            id="drop-in-a-chain-input-jumps-to",
        ),
        pytest.param(
            _save(),
            None,
            _own("nft table inet filter, chain input (hook input): policy drop"),
            id="fixture-nft-input-policy-drop",
        ),
        pytest.param(
            _save(),
            _nft(
                ADMIN_TABLE,
                _chain("input", "input"),
                _chain("mgmt"),
                _rule("input", {"jump": {"target": "mgmt"}}),
                _rule(
                    "mgmt",
                    {
                        "vmap": {
                            "key": {"payload": {"protocol": "tcp", "field": "dport"}},
                            "data": {"set": [[8006, {"drop": None}]]},
                        }
                    },
                ),
            ),
            _own(
                "nft table inet admin, chain input (hook input): a drop or reject rule in chain mgmt"
            ),
            id="nft-vmap-drop-in-a-jumped-chain",
        ),
        pytest.param(
            _save(
                ":INPUT ACCEPT [0:0]\n:OTHER - [0:0]\n",
                "-A INPUT -j ACCEPT\n-A OTHER -j DROP\n-A FORWARD -j DROP\n",
            ),
            NFT_EMPTY,
            UNFILTERED,
            id="held-drop-in-no-chain-input-reaches",
        ),
        pytest.param(
            _save(),
            _nft(
                ADMIN_TABLE,
                _chain("forward", "forward", "drop"),
                _chain("input", "input"),
                _rule("input", IIF_DROP, TCP_8006, {"accept": None}),
            ),
            UNFILTERED,
            id="held-forward-drop-and-iifname-drop-accept",
        ),
    ],
)
def test_r52f_1_refused_update_with_the_admins_own_filter(
    tmp_path: Path, save: str, nft: str | None, expected: dict[tuple[str, str], tuple[str, str]]
) -> None:
    """R52F-1 (wrong fail): a refused first pve-firewall update on a node whose input the
    admin's own iptables or nftables rules filter asks what they restrict (was a fail of the
    node); its VMs still fail. Nothing filtering input keeps R51F-1's fail."""
    assert _pvefw(tmp_path, save, nft) == expected


@pytest.mark.parametrize(
    ("save", "nft", "expected"),
    [
        pytest.param(
            _save(":INPUT DROP [0:0]\n", "-A INPUT -j ACCEPT\n-A INPUT -s 192.0.2.0/24 -j DROP\n"),
            NFT_EMPTY,
            UNFILTERED,
            id="ipt-accept-all-before-drop-and-policy",
        ),
        pytest.param(
            _save(),
            _nft(
                ADMIN_TABLE,
                _chain("input", "input", "drop"),
                _rule("input", {"counter": {"packets": 0, "bytes": 0}}, {"accept": None}),
                _rule("input", TCP_8006, {"drop": None}),
            ),
            UNFILTERED,
            id="nft-counter-accept-before-drop-and-policy",
        ),
        pytest.param(
            _save(":INPUT DROP [0:0]\n", "-A INPUT -p tcp -j ACCEPT\n"),
            NFT_EMPTY,
            _own("iptables-save's filter table: INPUT policy DROP"),
            id="held-accept-of-tcp-only",
        ),
    ],
)
def test_r52f_4_accept_everything_first_filters_nothing(
    tmp_path: Path, save: str, nft: str, expected: dict[tuple[str, str], tuple[str, str]]
) -> None:
    """R52F-4 (missed fail): an unconditional ACCEPT first in INPUT (iptables) or in the
    input-hook base chain (nft, after a counter) accepts every packet: the DROPs and the drop
    policy after it filter nothing, so R51F-1's fail stands (was R52F-1's question)."""
    assert _pvefw(tmp_path, save, nft) == expected


# --- R52F-2: proxmox-firewall's refused update judged from `nft list ruleset` ------------------

NFT_RULE = "IN DROP -p tcp -dport http"
NFT_REFUSED = (
    f'host.fw line 9 `{NFT_RULE}`: -dport http: unknown port name "http" (the node\'s '
    "/etc/services does not define it), which proxmox-firewall (host.fw `nftables: 1`) refuses: "
    "it then applies no change"
)
NFT_NONE = (
    ", and nft shows no table inet proxmox-firewall: no ruleset it loaded before is in force, so "
    "no rule of proxmox-firewall filters the node or its guests"
)
PMXFW_TABLE = {"table": {"family": "inet", "name": "proxmox-firewall", "handle": 9}}


def _pmxfw(
    tmp_path: Path, nft: str | None, save: str | None = None
) -> dict[tuple[str, str], tuple[str, str]]:
    edits = _files()
    edits[HOST] = edits[HOST].replace("[RULES]\n", f"[RULES]\n{NFT_RULE}\n", 1)
    edits["etc/services"] = "ssh\t\t22/tcp\n"
    over: dict[str, Any] = {**BOTH, "nft-ruleset": None if nft is None else (nft, 0)}
    if save is not None:
        over["iptables-save"] = (save, 0)
    got = _node(tmp_path, edits, over)
    return {k: v for k, v in got.items() if (k[0] in NODE_CHECKS and k[1] == "pve-h1") or k == VM}


def _pmx_asked(why: str) -> dict[tuple[str, str], tuple[str, str]]:
    ask = ("manual", f"evidence unavailable: {NFT_REFUSED}{why}")
    return {
        **{(c, "pve-h1"): ask for c in NODE_CHECKS},
        VM: ("manual", f"evidence unavailable: cluster firewall: {NFT_REFUSED}{why}"),
    }


def _pmx_own(rules: str) -> dict[tuple[str, str], tuple[str, str]]:
    why = (
        ", and nft shows no table inet proxmox-firewall (no ruleset it loaded before is in "
        "force), " + ASK.format(daemon="proxmox-firewall", rules=rules)
    )
    return {
        **_pmx_asked(why),
        VM: ("fail", f"1 interface(s) on node pve-h1, where {NFT_REFUSED}{NFT_NONE}"),
    }


@pytest.mark.parametrize(
    ("nft", "save", "expected"),
    [
        pytest.param(
            NFT_EMPTY,
            None,
            {
                **{(c, "pve-h1"): ("fail", f"{NFT_REFUSED}{NFT_NONE}") for c in NODE_CHECKS},
                VM: ("fail", f"1 interface(s) on node pve-h1, where {NFT_REFUSED}{NFT_NONE}"),
            },
            id="no-table-nothing-filters",
        ),
        pytest.param(
            NFT_EMPTY,
            _save(":INPUT DROP [0:0]\n"),
            _pmx_own("iptables-save's filter table: INPUT policy DROP"),
            id="no-table-iptables-input-drop",
        ),
        pytest.param(
            None,
            None,
            _pmx_asked(
                " and the ruleset it loaded before (if any) stays, which `nft list ruleset` on "
                "the node shows (table inet proxmox-firewall; not read: command not found)"
            ),
            id="nft-not-collected",
        ),
        pytest.param(
            _nft(PMXFW_TABLE),
            None,
            _pmx_asked(" and the ruleset it loaded before (if any) stays"),
            id="held-table-shown",
        ),
    ],
)
def test_r52f_2_proxmox_firewall_refusal_judged_by_nft(
    tmp_path: Path, nft: str | None, save: str | None, expected: dict[tuple[str, str], Any]
) -> None:
    """R52F-2 (missed fail): proxmox-firewall's refused update with no table inet
    proxmox-firewall in `nft list ruleset` and nothing else filtering input fails the node and
    its VMs (was a question); the admin's own filter asks as in R52F-1; nft unread names it."""
    assert _pmxfw(tmp_path, nft, save) == expected


# --- R52F-3: `-p udplite` with one port: iptables has no udplite match ------------------------

NOT_READ = (
    ", so iptables-restore refuses the whole update of pve-firewall: the rules it applied "
    "before (if any) stay, which `iptables-save` on the node shows (PVEFW chains; not read: "
    "command not found)"
)


def _udplite(why: str) -> dict[str, tuple[str, str]]:
    asked = ("manual", f"evidence unavailable: host.fw line 8 {why}{NOT_READ}")
    return {"HVA-301": asked, "HVA-313": asked}


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(
            "IN DROP -p udplite -dport 53",
            _udplite(
                "`-p udplite -dport 53`: iptables has no udplite match to read `--dport` (its "
                "udp match is `udp` only)"
            ),
            id="udplite-one-port",
        ),
        pytest.param(
            "IN DROP -p 136 -sport 53:60",
            _udplite(
                "`-p 136 -sport 53:60`: iptables has no udplite match to read `--sport` (its "
                "udp match is `udp` only)"
            ),
            id="p136-one-range",
        ),
        pytest.param(
            "IN DROP -p udplite -dport domain,53",
            _udplite(
                "`-p udplite -dport domain,53`: the node's /etc/services gives `domain` no "
                "udplite port (iptables getservbyname)"
            ),
            id="udplite-multiport-name",
        ),
        pytest.param("IN DROP -p udplite -dport 53,54", HELD_PASS, id="held-udplite-multiport"),
    ],
)
def test_r52f_3_udplite_port_refuses_the_update(
    tmp_path: Path, rules: str, expected: dict[str, tuple[str, str]]
) -> None:
    """R52F-3 (false pass): `-p udplite`/`-p 136` with one port, range or name makes
    pve-firewall write `--dport X`, which iptables parses only through a udplite match it does
    not have (libxt_udp registers `udp` alone): the whole update is refused (was a pass); a
    list goes to multiport, which takes udplite and asks getservbyname(NAME, "udplite")."""
    assert _node45(tmp_path, rules, NETBASE, nft=False) == expected
