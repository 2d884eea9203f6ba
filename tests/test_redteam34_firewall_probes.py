"""Red-team round 34 probes: host firewall (r34firewall)

Harness: conftest's `host_scan` (the replayed hardened Debian host: eno3 10.0.0.10, sshd on
10.0.0.10:22, no IPv6 address) with test_redteam21_net_probes' VM on the NAT network default
(virbr0, 192.168.122.1), given an `nft -j list ruleset` (test_redteam27_firewall_probes'
`_ruleset`: an `inet filter` input chain of policy drop with the rules given) or `iptables -S`
/ `iptables-save` (test_redteam28_firewall_probes' `_iptables`: INPUT policy DROP), through
the real collector, parsers (hvaudit.parse.host, hvaudit.parse.firewall) and engine; HVA-210's
and HVA-190's verdicts and messages.

Findings (R34F-n):
- R34F-1 (false pass) HVA-210: `tcp dport 22 queue num 0` (with or without `bypass`), an
  iptables-nft NFQUEUE target (`nft -j`: {"xt": {"type": "target", "name": "NFQUEUE"}}) and
  iptables `-j NFQUEUE --queue-num 0` / `-j QUEUE` beside a drop policy passed "1 management
  listener(s), none on a wildcard address", though the guests of the NAT network reach sshd
  on 10.0.0.10:22 through virbr0 whenever the program reading the queue (an IPS such as
  Suricata in NFQUEUE mode) accepts: HostFacts.firewall_accepts counted the accept verdict
  only, so the drop policy was read as admitting nothing (R21N-1). Linux
  net/netfilter/nf_queue.c nf_reinject delivers a packet the program gives NF_ACCEPT (okfn),
  nft(8) QUEUE STATEMENT ("Userspace must then drop or re-inject the packet"), and Linux
  commit 94b27cc36123 ("netfilter: allow NFQUEUE bypass if no listener is available": the
  packet goes on through the ruleset) (all read with `search`). Now a queue statement, an
  iptables QUEUE or NFQUEUE target and iptables-nft's `xt` one count as an accept
  (hvaudit.parse.host _firewall_accepts, _nft_queues): R21N-1's question. HVA-190 keeps its
  pass (a queue of one port is no default accept; a broad one was already a question).
- R34F-2 (false pass) HVA-210, found with R34F-1: on a host with nft installed and an empty
  ruleset (iptables-legacy in use: its tables are not in `nft -j`, xtables-legacy(8)), the
  input policy was read from `iptables -S` (INPUT policy DROP) but firewall_accepts from `nft
  -j` alone, so `-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT` passed HVA-210 as if nothing
  were admitted (the same rule with nft absent was R21N-1's question). Now `iptables -S` /
  `ip6tables -S` are read beside `nft -j` where both were collected.
- R34F-3 (wording) HVA-210: R21N-1's question, now also asked for R34F-1's queue rules, asked
  for "every rule that accepts those ports" and passed on "none accepts them", which an
  auditor answers "yes" for a ruleset whose only rule for the port queues it to user space.
  Now it names the rules that queue them too (nft `queue`, iptables NFQUEUE or QUEUE: the
  program may accept them); the older tests asserting the question (test_redteam21_net,
  test_redteam21_net2, test_redteam23_net) follow.

Held (kept as tests): `tcp dport 22 counter`, iptables `-j LOG`, an iptables-nft `xt` LOG
target and a rule-free iptables-legacy DROP beside an empty nft ruleset keep HVA-210's pass
(they admit nothing); HVA-190 keeps its pass under every narrow queue above and the legacy
accept (one port: not a default accept).

Probed by script: none beyond the cases kept.

Tally: 3 findings (2 false passes, 1 wording); 12 cases in 3 test functions; 6 failed on main
before the fixes (R34F-1's 5 and R34F-2's 1 on 6b7763de, PYTHONPATH=/work/main/src; R34F-1's two
iptables cases need R34F-2's fix too; R34F-3's words are in the question those 6 cases assert).

Leads left: the round-33 leads were not reached this round: `ct original proto-dst`
(`--ctorigdstport`) beside a redirect to another port; a dnat to an AnyIP local route (routes
not collected); an iptables-nft DNAT target makes `ct status dnat` a question though
`iptables-save` may print it; a bond's or bridge's ingress chain is not credited to its ports;
VRF (sdifname) devices; ip6tables `! --src-type UNICAST`.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import messages, outcomes
from test_redteam18_net_probes import manual_question
from test_redteam21_net_probes import NAT, NATVM
from test_redteam27_firewall_probes import _m, _ruleset
from test_redteam28_firewall_probes import _iptables

#: `tcp dport 22` (`nft -j`, libnftables-json(5) PAYLOAD)
TCP22 = _m({"payload": {"protocol": "tcp", "field": "dport"}}, 22)
IPT_PASS = ("pass", "inbound default policy drops (policy DROP; no IPv6 address on the host)")
NFT_PASS = ("pass", "inbound default policy drops (inet filter input: policy drop)")
HELD = ("pass", "1 management listener(s), none on a wildcard address")
ASKED = (
    "manual",
    "management listener(s) sshd (tcp/22) on 10.0.0.10: the guests of libvirt network(s) "
    "default (virbr0, 192.168.122.1) reach every host address through the host, their "
    "gateway (Linux takes a packet for any of its addresses on whatever interface it "
    "arrives); host firewall input policy: drop",
)
QUESTION = (
    "Does the input firewall of host hv1 drop connections that arrive on virbr0 (the bridge(s) of "
    "network(s) default (virbr0, 192.168.122.1)) for sshd (tcp/22) on 10.0.0.10? Evidence: `nft "
    "list ruleset` (or `iptables -S`) on the host: every rule that accepts those ports or queues "
    "them to a program in user space (nft `queue`, iptables NFQUEUE or QUEUE: the program may "
    "accept them), with its input-interface and source matches. Pass: yes, none accepts or queues "
    "them from those bridges or the networks' subnets (libvirt's own rules there accept only DHCP, "
    "DNS and TFTP); fail: one does (any interface or source included), so a guest reaches the "
    "management service."
)


def _scan(host_scan: Any, evidence: dict[str, Any]) -> Any:
    return host_scan(evidence, domains=[NATVM], networks=[NAT])


def _verdict(a: Any, check: str) -> tuple[str, str]:
    return outcomes(a, check)["hv1"], messages(a, check)["hv1"]


# --- R34F-1 HVA-210: a rule that queues to user space admits what the program accepts -------


@pytest.mark.parametrize(
    ("evidence", "policy"),
    [
        pytest.param(
            {"nft-ruleset": _ruleset([TCP22, {"queue": {"num": 0}}])},
            NFT_PASS,
            id="nft-queue",
        ),
        pytest.param(
            {"nft-ruleset": _ruleset([TCP22, {"queue": {"num": 0, "flags": ["bypass"]}}])},
            NFT_PASS,
            id="nft-queue-bypass",
        ),
        pytest.param(
            {"nft-ruleset": _ruleset([TCP22, {"xt": {"type": "target", "name": "NFQUEUE"}}])},
            NFT_PASS,
            id="iptables-nft-xt-nfqueue",
        ),
        pytest.param(
            _iptables("-A INPUT -p tcp -m tcp --dport 22 -j NFQUEUE --queue-num 0\n"),
            IPT_PASS,
            id="ipt-nfqueue",
        ),
        pytest.param(
            _iptables("-A INPUT -p tcp -m tcp --dport 22 -j QUEUE\n"),
            IPT_PASS,
            id="ipt-queue",
        ),
    ],
)
def test_queue_to_user_space_is_an_accept_for_the_guests(
    host_scan: Any, evidence: dict[str, Any], policy: tuple[str, str]
) -> None:
    """R34F-1. A drop policy with one rule queueing tcp/22 to a program in user space: the
    program's accept delivers the guests' packets to sshd on 10.0.0.10 (nf_queue.c
    nf_reinject). hvaudit passed HVA-210 ("none on a wildcard address") as if nothing were
    admitted; right: R21N-1's question. HVA-190 keeps its pass (one port, not a default
    accept)."""
    a = _scan(host_scan, evidence)
    assert _verdict(a, "HVA-210") == ASKED
    assert manual_question(a, "HVA-210", "hv1") == QUESTION
    assert _verdict(a, "HVA-190") == policy


# --- R34F-2 HVA-210: iptables-legacy's accepts beside an empty nft ruleset -----------------


def test_iptables_legacy_accept_beside_an_empty_nft_ruleset_is_asked(host_scan: Any) -> None:
    """R34F-2. nft installed with an empty ruleset, iptables-legacy's INPUT policy DROP with
    `-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT` (from any interface: virbr0's guests too).
    The policy came from `iptables -S`, the accepts from `nft -j` alone, so hvaudit passed
    HVA-210; right: R21N-1's question, as with nft absent."""
    a = _scan(host_scan, _iptables("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n"))
    assert _verdict(a, "HVA-210") == ASKED
    assert manual_question(a, "HVA-210", "hv1") == QUESTION
    assert _verdict(a, "HVA-190") == IPT_PASS


# --- held: rules that admit nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "policy"),
    [
        pytest.param(
            {"nft-ruleset": _ruleset([TCP22, {"counter": None}])},
            NFT_PASS,
            id="nft-counter",
        ),
        pytest.param(
            {"nft-ruleset": _ruleset([TCP22, {"xt": {"type": "target", "name": "LOG"}}])},
            NFT_PASS,
            id="iptables-nft-xt-log",
        ),
        pytest.param(
            _iptables("-A INPUT -p tcp -m tcp --dport 22 -j LOG\n"),
            IPT_PASS,
            id="ipt-log",
        ),
        pytest.param(_iptables(""), IPT_PASS, id="ipt-legacy-rule-free-drop"),
    ],
)
def test_rule_admitting_nothing_keeps_the_pass(
    host_scan: Any, evidence: dict[str, Any], policy: tuple[str, str]
) -> None:
    """R34F-1, held: a counter or a LOG target beside the drop policy admits nothing (nft(8)
    COUNTER STATEMENT; iptables-extensions(8) LOG, "a non-terminating target"): HVA-210 and
    HVA-190 keep their passes."""
    a = _scan(host_scan, evidence)
    assert _verdict(a, "HVA-210") == HELD
    assert _verdict(a, "HVA-190") == policy
