"""Red-team round 29 probes: host firewall (rt29fw)

Harness: conftest's `host_scan` (the replayed hardened Debian host: eno3 10.0.0.10, no IPv6
address), given `iptables -S` / `iptables-save` (INPUT policy DROP, loopback accepted, the rule
probed) with `ipset list -output save` (test_network_leads' `_ipt_lists`), through the real
collector, parser (hvaudit.parse.firewall) and engine; HVA-190's verdict and message.

Findings (R29F-n):
- R29F-1 (false pass) HVA-190: an ipset's `nomatch` entries were counted as members, and a
  set holding one was read as narrow whatever it held, so `-m set --match-set admins src -j
  ACCEPT` over hash:net {0.0.0.0/1, 128.0.0.0/2, 10.0.0.0/8 nomatch} (three quarters of the
  senders less one /8) passed "policy DROP"; so did `--return-nomatch` (libxt_set.man: "the
  matching is reversed: a match with an element flagged with nomatch returns true, while a
  match with a plain element returns false") over {10.0.0.0/8, 0.0.0.0/1 nomatch, 128.0.0.0/2
  nomatch}, which matches the three quarters. The kernel takes each address's most specific
  entry (ipset tests/nethash.t: `add 1.1.1.0/30` inside `add 1.1.1.0/28 nomatch` inside `add
  1.1.1.0/26`: 1.1.1.3 and 1.1.1.16 match, 1.1.1.4 does not; read with `search`). Now the set's
  matched addresses are computed so (_ipset_matched), reversed under --return-nomatch, and read
  by _source_reach (R28G-1's line); negated, the addresses it does not match. Two wrong fails
  of the same reading went with it: `! --match-set` of a set matching every sender but
  10.0.0.0/8 admits that /8 only, and `--return-nomatch` over a set with no nomatch entry
  matches nothing (both failed, now pass).
"""

from __future__ import annotations

from typing import Any

import pytest

from test_network_leads import IPT_PASS, _ipt_lists


def _set(*entries: str) -> str:
    """`ipset list -output save` of hash:net admins with these `add` entries."""
    return "create admins hash:net family inet hashsize 1024 maxelem 65536\n" + "".join(
        f"add admins {e}\n" for e in entries
    )


def _opened(rule: str) -> tuple[str, str]:
    return (
        "fail",
        f"inbound traffic is accepted by default ({rule.strip()} (matches every port of a "
        "protocol or every source but some))",
    )


MATCH = "-A INPUT -m set --match-set admins src -j ACCEPT\n"
REVERSED = "-A INPUT -m set --match-set admins src --return-nomatch -j ACCEPT\n"
NEGATED = "-A INPUT -m set ! --match-set admins src -j ACCEPT\n"


# --- R29F-1 HVA-190: ipset nomatch entries ----------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "entries", "expected"),
    [
        (MATCH, ("0.0.0.0/1", "128.0.0.0/2", "10.0.0.0/8 nomatch"), _opened(MATCH)),
        (MATCH, ("0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8 nomatch"), _opened(MATCH)),
        (
            REVERSED,
            ("10.0.0.0/8", "0.0.0.0/1 nomatch", "128.0.0.0/2 nomatch"),
            _opened(REVERSED),
        ),
        (REVERSED, ("0.0.0.0/1", "128.0.0.0/2"), IPT_PASS),
        (MATCH, ("0.0.0.0/1", "0.0.0.0/2 nomatch", "64.0.0.0/3", "128.0.0.0/2"), IPT_PASS),
        (MATCH, ("10.0.0.0/8", "10.1.0.0/16 nomatch"), IPT_PASS),
        (NEGATED, ("0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8 nomatch"), IPT_PASS),
        (NEGATED, ("10.0.0.0/8", "10.1.0.0/16 nomatch"), _opened(NEGATED)),
    ],
    ids=[
        "three-quarters-less-a-/8",
        "held-every-sender-less-a-/8",
        "return-nomatch-of-three-quarters",
        "return-nomatch-none-flagged-matches-nothing",
        "held-nomatch-cuts-below-half",
        "held-/8-less-a-/16",
        "negated-every-sender-but-a-/8",
        "held-negated-/8-fails",
    ],
)
def test_ipset_nomatch_entries_are_taken_out(
    host_scan: Any, rule: str, entries: tuple[str, ...], expected: tuple[str, str]
) -> None:
    """R29F-1. ipset(8) hash:net `nomatch`: "the element is excluded from the set"; the kernel
    answers from each address's most specific entry (ipset tests/nethash.t), and
    `--return-nomatch` reverses the answer (libxt_set.man). A set of 0.0.0.0/1 and 128.0.0.0/2
    less 10.0.0.0/8 matches about three quarters of the senders, as the same set reversed over
    those blocks flagged nomatch does; hvaudit read any set with a nomatch entry as narrow (and
    the nomatch entries as members) and passed. Right: fail, as R28G-1 reads such a share; a
    nomatch entry that cuts the share to half or less, or a /8 less a /16, keep the pass. A
    reversed set with nothing flagged matches nothing, and a negated set matching every sender
    but 10.0.0.0/8 admits that /8 only: both pass (both failed)."""
    assert _ipt_lists(host_scan, rule, _set(*entries)) == expected
