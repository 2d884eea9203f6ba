"""Red-team round 52 probes, second turn: an ACCEPT of every packet reached through a chain
INPUT jumps or goes to, under a refused first pve-firewall update (r52-firewall2).

Harness: round 52's first turn (test_redteam52_firewall_probes._pvefw over
test_pve_leads18._node: the live hardened Proxmox VE node, pve+ssh replayed over
tests/fixtures/proxmox-hardened, pve-firewall running, host.fw's R49F-1 rule refused under
/etc/services `pveui 8006/udp`, no PVEFW chain in `iptables-save`), its `iptables-save` and
`nft -j list ruleset` replayed, through the real collector, parser and engine.

Team decision (round 52, second turn): HVA-303 keeps failing the VMs under a refused first
update with only the admin's own filter (no VM chain of either daemon is in force) - no
change; the probes below keep that fail.

Findings (R52F-n, continuing R52F-1..4 of tests/test_redteam52_firewall_probes.py):
- R52F-5 (missed fail; the brief's lead 1) HVA-301, HVA-302, HVA-313: R52F-4 cut only at an
  unconditional ACCEPT in INPUT itself (or the nft base chain), so an unconditional `-j ADMIN`
  (`-g ADMIN`, nft `jump` / `goto`) to a chain whose first unconditional rule is `-j ACCEPT`
  still counted INPUT's later DROPs and its drop policy, and asked of rules that filter
  nothing: a terminal ACCEPT in a called chain ends the packet's traversal of INPUT too, only
  RETURN goes back (iptables(8) TARGETS: "ACCEPT means to let the packet through ... RETURN
  means stop traversing this chain and resume at the next rule in the previous (calling)
  chain"; nft(8) VERDICT STATEMENT: accept "Terminate ruleset evaluation and accept the
  packet", return resumes the calling chain, goto does not return to it). An unconditional
  `-m comment --comment TEXT -j ACCEPT` (the comment match matches every packet,
  iptables-extensions(8) comment) was not cut either. Now parse.proxmox_model's
  `_ipt_input_filters` cuts every chain after its first rule that ends every packet's walk
  (ACCEPT, RETURN, or a jump/goto to a chain that accepts all with no RETURN or goto before)
  and drops INPUT's policy where INPUT accepts all; `_nft_cut` does the same per nft table.
  The DROPs before the accept still count (asked).

Held (kept as tests): a conditional RETURN (iptables `-s ... -j RETURN`, nft `ip saddr ...
return`) before the called chain's ACCEPT sends those packets back to INPUT's DROP and
policy (asked); a DROP in the called chain before its ACCEPT is asked, naming it alone.

Probed by script: none beyond the tests.

Tally: 1 finding (R52F-5, a missed fail); 8 cases in 1 test function; 6 failed on main
before the fix (the 5 fails asked, and the called chain's DROP asked with INPUT's policy and
dead DROP too); 2 held.

Leads left: filter INPUT listed twice under iptables-nft (in iptables-save and in nft's `ip
filter` table: the brief's lead 2, a wording); an unconditional `-g` to a chain that does
not accept all (rules after it are dead, its RETURN applies INPUT's policy) still counts
INPUT's later rules (a question, not a pass); IPv6 (ip6tables-save not collected); AnyIP DNAT.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam52_firewall_probes import (
    ADMIN_TABLE,
    NFT_EMPTY,
    TCP_8006,
    UNFILTERED,
    _chain,
    _nft,
    _own,
    _pvefw,
    _rule,
    _save,
)

ADMIN = ":INPUT DROP [0:0]\n:ADMIN - [0:0]\n"
INPUT_DROP = "-A INPUT -s 192.0.2.0/24 -j DROP\n"
COUNTER = {"counter": {"packets": 0, "bytes": 0}}
SADDR = {
    "match": {
        "op": "==",
        "left": {"payload": {"protocol": "ip", "field": "saddr"}},
        "right": {"prefix": {"addr": "10.0.0.0", "len": 8}},
    }
}


def _nft_mgmt(verb: str, *mgmt: Any) -> str:
    return _nft(
        ADMIN_TABLE,
        _chain("input", "input", "drop"),
        _chain("mgmt"),
        _rule("input", {verb: {"target": "mgmt"}}),
        _rule("input", TCP_8006, {"drop": None}),
        *(_rule("mgmt", *expr) for expr in mgmt),
    )


@pytest.mark.parametrize(
    ("save", "nft", "expected"),
    [
        pytest.param(
            _save(ADMIN, f"-A INPUT -j ADMIN\n{INPUT_DROP}-A ADMIN -j ACCEPT\n"),
            NFT_EMPTY,
            UNFILTERED,
            id="ipt-jump-to-accept-all",
        ),
        pytest.param(
            _save(ADMIN, f"-A INPUT -g ADMIN\n{INPUT_DROP}-A ADMIN -j ACCEPT\n"),
            NFT_EMPTY,
            UNFILTERED,
            id="ipt-goto-accept-all",
        ),
        pytest.param(
            _save(
                ":INPUT DROP [0:0]\n",
                f'-A INPUT -m comment --comment "allow all" -j ACCEPT\n{INPUT_DROP}',
            ),
            NFT_EMPTY,
            UNFILTERED,
            id="ipt-commented-accept-all",
        ),
        pytest.param(
            _save(
                ADMIN,
                f"-A INPUT -j ADMIN\n{INPUT_DROP}-A ADMIN -p tcp -m tcp --dport 8006 -j DROP\n"
                "-A ADMIN -j ACCEPT\n",
            ),
            NFT_EMPTY,
            _own("iptables-save's filter table: `-A ADMIN -p tcp -m tcp --dport 8006 -j DROP`"),
            id="ipt-drop-before-the-called-accept",
        ),
        pytest.param(
            _save(
                ADMIN,
                f"-A INPUT -j ADMIN\n{INPUT_DROP}-A ADMIN -s 10.0.0.0/8 -j RETURN\n"
                "-A ADMIN -j ACCEPT\n",
            ),
            NFT_EMPTY,
            _own(
                "iptables-save's filter table: INPUT policy DROP; iptables-save's filter table: "
                "`-A INPUT -s 192.0.2.0/24 -j DROP`"
            ),
            id="held-ipt-return-before-the-called-accept",
        ),
        pytest.param(
            _save(),
            _nft_mgmt("jump", [COUNTER, {"accept": None}]),
            UNFILTERED,
            id="nft-jump-to-accept-all",
        ),
        pytest.param(
            _save(),
            _nft_mgmt("goto", [{"accept": None}]),
            UNFILTERED,
            id="nft-goto-accept-all",
        ),
        pytest.param(
            _save(),
            _nft_mgmt("jump", [SADDR, {"return": None}], [{"accept": None}]),
            _own(
                "nft table inet admin, chain input (hook input): policy drop; nft table inet "
                "admin, chain input (hook input): a drop or reject rule"
            ),
            id="held-nft-return-before-the-called-accept",
        ),
    ],
)
def test_r52f_5_accept_all_in_a_called_chain_filters_nothing(
    tmp_path: Path, save: str, nft: str, expected: dict[tuple[str, str], tuple[str, str]]
) -> None:
    """R52F-5 (missed fail): an unconditional jump or goto from INPUT (or the nft input base
    chain) to a chain that accepts every packet ends every packet's traversal: INPUT's later
    DROPs and its drop policy filter nothing, so R51F-1's fail stands (was R52F-1's question);
    a conditional RETURN before the accept keeps them counted."""
    assert _pvefw(tmp_path, save, nft) == expected
