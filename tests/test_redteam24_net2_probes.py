"""Twenty-fourth red-team review, the host's input firewall, TCP flags (rt24net2): how HVA-190
reads an nft `tcp flags` match, a lead rt24net left.

Harness: conftest's `host_scan` (the replayed hardened Debian host: inet filter input, policy
drop, no rule), its `nft -j list ruleset` given one rule through test_redteam22_net_probes'
_nft / _m / _p, through the real collector, parser (hvaudit.parse.firewall) and engine. The
`nft -j` forms are nftables' own tests/py/inet/tcp.t.json (read with `read_file`,
debiansid/nftables-fullcone): `tcp flags cwr` is {"op": "in", "right": "cwr"}, `tcp flags !=
cwr` {"op": "!=", "right": "cwr"}, `tcp flags == syn` {"op": "==", "right": "syn"}, a mask
{"&": [{"payload": {"field": "flags", "protocol": "tcp"}}, {"|": ["syn", "fin"]}]}.

Findings (R24K-n):
- R24K-1 (false pass) HVA-190: `tcp flags != syn accept` (and `tcp flags != { ... } accept`, any
  `!=` of the flags) was read as narrow, so "policy drop" passed. nftables tests/py/inet/tcp.t
  (read with `find_string`) lists `tcp flags & syn != 0;ok;tcp flags syn` (the bare form tests
  a bit) beside `tcp flags == syn;ok` and `tcp flags != cwr;ok`, which compare the whole flags
  byte: a SYN that also carries ECE and CWR (RFC 3168 6.1.1, the ECN-setup SYN Linux sends
  with net.ipv4.tcp_ecn=1) is not `syn`, so `tcp flags != syn accept` accepts it, a new
  connection to every port. Now a `tcp flags` match (bare, masked, ==, !=, in, sets) is read
  against every flags byte that opens a connection (SYN, no ACK/RST/FIN, any of PSH, URG, ECE,
  CWR: _TCP_OPENING_FLAGS): a match one of them meets is every port (the fail); one none meets
  (`tcp flags & (fin|syn|rst|ack) != syn`, `tcp flags ! syn`) stays narrow.

Held (kept as tests): `tcp flags & (fin|syn|rst|ack) != syn accept` (the masked byte of every
opening SYN is syn) and `tcp flags & syn == 0 accept` keep the pass; `tcp flags syn accept`,
`tcp flags == syn accept`, `tcp flags & (fin|syn|rst|ack) == syn accept` keep the fail.

Probed by script not kept: none.

Tally: 9 cases in 2 test functions; 2 failed before the fixes on main 645c33e.

Leads left:
- Linux's listener also takes a SYN+FIN? tcp_rcv_state_process (LISTEN) discards `th->fin`
  with `th->syn` in current kernels; _TCP_OPENING_FLAGS leaves FIN out on that reading, which
  was not confirmed from the source in the time.
"""

from __future__ import annotations

from typing import Any

import pytest

from test_redteam22_net_probes import ACCEPT, _m, _nft, _p, _verdict

FLAGS = _p("tcp", "flags")
OPEN_SHARE = (
    "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter "
    "input rule handle 20 (matches every port of a protocol or every source but some) accepts "
    "that traffic)"
)
PASS = ("pass", "inbound default policy drops (inet filter input: policy drop)")


def _masked(*bits: str) -> dict[str, Any]:
    return {"&": [FLAGS, {"|": list(bits)}]}


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        (_m(FLAGS, "syn", "!="), ("fail", OPEN_SHARE)),
        (_m(FLAGS, {"set": ["syn", "ack"]}, "!="), ("fail", OPEN_SHARE)),
        (_m(FLAGS, "syn", "in"), ("fail", OPEN_SHARE)),
        (_m(FLAGS, "syn"), ("fail", OPEN_SHARE)),
        (_m(_masked("fin", "syn", "rst", "ack"), "syn"), ("fail", OPEN_SHARE)),
        (_m(_masked("fin", "syn", "rst", "ack"), "syn", "!="), PASS),
        (_m({"&": [FLAGS, "syn"]}, 0), PASS),
        (_m(_masked("syn", "ack"), {"|": ["syn", "ack"]}), PASS),
    ],
    ids=[
        "not-syn",
        "not-in-syn-ack-set",
        "held-bit-syn",
        "held-exactly-syn",
        "held-masked-syn",
        "held-masked-not-syn",
        "held-syn-clear",
        "held-syn-ack",
    ],
)
def test_tcp_flags_accept_read_against_an_opening_syn(host_scan, match, expected) -> None:
    """R24K-1. nftables tests/py/inet/tcp.t: `tcp flags & syn != 0;ok;tcp flags syn` (op "in"
    in tcp.t.json: a bit test), `tcp flags == syn;ok`, `tcp flags != cwr;ok` (the whole flags
    byte), `tcp flags & (fin | syn | rst | ack) != syn;ok` (masked first). RFC 3168 6.1.1: an
    ECN-setup SYN carries ECE and CWR, so its byte is not `syn`: `tcp flags != syn accept` and
    `tcp flags != { syn, ack } accept` accept it, a new connection to every port; hvaudit read
    any `!=` of the flags as narrow and passed. Held: the masked `!= syn`, `& syn == 0` and
    `& (syn|ack) == syn|ack` meet no opening SYN and keep the pass; the SYN matches keep the
    fail."""
    a = host_scan({"nft-ruleset": (_nft([match, ACCEPT]), 0)})
    assert _verdict(a) == expected


def test_tcp_flags_value_hvaudit_cannot_read_keeps_the_old_reading(host_scan) -> None:
    """Held. A flags value that is no flag name or number (`tcp flags @unknown`, a set not in
    the ruleset) is read as before: an `==` naming syn is every port, anything else narrow."""
    a = host_scan({"nft-ruleset": (_nft([_m(FLAGS, ["syn", {"odd": 1}], "in"), ACCEPT]), 0)})
    assert _verdict(a) == ("fail", OPEN_SHARE)
