"""Red-team round 26 probes: log forwarding and audit (rt26log)

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. rsyslog probes replace /etc/rsyslog.d/50-remote.conf
behind Debian's rsyslog.conf (conftest.DEBIAN_RSYSLOG_MAIN).

Findings (R26L-n):
- R26L-1 (false pass) HVA-200: rsyslog's permitted peers were never read. (a) omfwd
  StreamDriverAuthMode="x509/fingerprint" (action or legacy `$ActionSendStreamDriverAuthMode`)
  with no StreamDriverPermittedPeers, and omrelp tls.authMode "fingerprint" or "name" with no
  tls.permittedPeer, refuse every server, so nothing is sent: rsyslog runtime/nsd_gtls.c
  gtlsChkPeerFingerprint and runtime/net_ossl.c loop over pPermPeers only and abort with
  RS_RET_INVALID_FINGERPRINT when none matches; librelp src/tcp.c relpTcpChkPeerFingerprint and
  relpTcpChkOnePeerName (name mode) compare with the permitted peers only (omfwd's x509/name
  alone falls back to the target's name, nsd_gtls.c gtlsChkOnePeerName `pszConnectHost`).
  (b) a permitted peer holding `*` (`*.example.internal`, `*`, `*.*.*`) under x509/name (set
  or default) or omrelp name mode is a wildcard (runtime/net.c PermittedPeerWildcardCompile /
  PermittedPeerWildcardMatch: one name label per `*` component, `*` alone any label; librelp
  relpTcpChkOnePeerWildcard the same): any certificate the CA issued to a name of that shape
  passes as the log server, which is what x509/certvalid already fails for. All passed "logs
  forwarded over TLS". rsyslog ee72adc and librelp 6be42f4 read with `fetch`. The legacy
  `$ActionSendStreamDriverPermittedPeer` is handed to the next `@@` action only (omfwd.c
  parseSelectorAct: `pData->pPermPeers = cs.pPermPeers; cs.pPermPeers = NULL`). Now a fail
  naming why. Two older fixtures that pinned a fingerprint without listing it
  (test_checks_host "fingerprint", test_host_leads18 "pinned-fingerprint") now list one.

Held (kept as tests): x509/fingerprint with a fingerprint listed, x509/name with an exact
permitted peer, omrelp name mode with an exact peer (test_redteam3_host_probes RELP_TLS).

Probed by script: see the tally.

Tally: see the end of the findings.

Leads left: see the report.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, messages, outcomes

REMOTE = "/etc/rsyslog.d/50-remote.conf"
OMFWD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="gtls" StreamDriverMode="1" {extra})'
)
RELP = (
    'action(type="omrelp" target="logs.example.internal" port="2514" tls="on" '
    'tls.caCert="/etc/rsyslog.d/ca.pem" {extra})'
)
PLAIN = "logs forwarded without authenticated TLS to logs.example.internal ({why})"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
FP = "SHA256:" + "AB:" * 31 + "CD"


def _rsyslog(host_scan, *lines: str):  # type: ignore[no-untyped-def]
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    return host_scan({"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0)})


def _nothing(auth: str, peers: str) -> str:
    return PLAIN.format(
        why=f"{auth} with no {peers}: the TLS driver matches the server's certificate against "
        "no permitted peer and refuses every server, so nothing is sent"
    )


def _wild(peers: str, peer: str) -> str:
    return PLAIN.format(
        why=f"{peers} '{peer}' is a wildcard: any certificate of the CA with a name of that "
        "shape passes as the log server"
    )


LEGACY = (
    "$DefaultNetstreamDriver gtls",
    "$ActionSendStreamDriverMode 1",
)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            (OMFWD.format(extra='StreamDriverAuthMode="x509/fingerprint"'),),
            _nothing("StreamDriverAuthMode x509/fingerprint", "StreamDriverPermittedPeers"),
        ),
        (
            (
                *LEGACY,
                "$ActionSendStreamDriverAuthMode x509/fingerprint",
                "*.* @@logs.example.internal:6514",
            ),
            _nothing("StreamDriverAuthMode x509/fingerprint", "StreamDriverPermittedPeers"),
        ),
        (
            # the legacy peer is used up by the first @@ action: the second has none
            (
                *LEGACY,
                "$ActionSendStreamDriverAuthMode x509/fingerprint",
                f"$ActionSendStreamDriverPermittedPeer {FP}",
                "*.* @@logs.example.internal:6514",
                "*.* @@logs.example.internal:6515",
            ),
            _nothing("StreamDriverAuthMode x509/fingerprint", "StreamDriverPermittedPeers"),
        ),
        (
            ('module(load="omrelp")', RELP.format(extra='tls.authMode="fingerprint"')),
            _nothing("tls.authMode fingerprint", "tls.permittedPeer"),
        ),
        (
            ('module(load="omrelp")', RELP.format(extra='tls.authMode="name"')),
            _nothing("tls.authMode name", "tls.permittedPeer"),
        ),
    ],
    ids=["omfwd", "legacy", "legacy-used-up", "omrelp-fingerprint", "omrelp-name"],
)
def test_pinned_mode_with_no_permitted_peer_sends_nothing(
    host_scan, lines: tuple[str, ...], message: str
) -> None:
    """R26L-1 (false pass) HVA-200: x509/fingerprint with no permitted peer (rsyslog
    nsd_gtls.c gtlsChkPeerFingerprint, net_ossl.c: only pPermPeers is compared, none matches,
    RS_RET_INVALID_FINGERPRINT), and omrelp's fingerprint or name mode with no tls.permittedPeer
    (librelp src/tcp.c relpTcpChkPeerFingerprint, relpTcpChkOnePeerName: the permitted peers
    only, "no permited name found") refuse every log server; HVA-200 passed "logs forwarded
    over TLS". A legacy `$ActionSendStreamDriverPermittedPeer` goes to the next `@@` action
    only (omfwd.c parseSelectorAct)."""
    a = _rsyslog(host_scan, *lines)
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {"hv1": message}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            (OMFWD.format(extra='StreamDriverPermittedPeers="*.example.internal"'),),
            _wild("StreamDriverPermittedPeers", "*.example.internal"),
        ),
        (
            (
                OMFWD.format(
                    extra='StreamDriverAuthMode="x509/name" '
                    'StreamDriverPermittedPeers="logs.example.internal,*"'
                ),
            ),
            _wild("StreamDriverPermittedPeers", "*"),
        ),
        (
            (
                OMFWD.format(
                    extra='streamdriver.authmode="X509/name" StreamDriverPermittedPeers="*.*.*"'
                ),
            ),
            _wild("StreamDriverPermittedPeers", "*.*.*"),
        ),
        (
            (
                *LEGACY,
                "$ActionSendStreamDriverAuthMode x509/name",
                "$ActionSendStreamDriverPermittedPeer logs*.example.internal",
                "*.* @@logs.example.internal:6514",
            ),
            _wild("StreamDriverPermittedPeers", "logs*.example.internal"),
        ),
        (
            (
                'module(load="omrelp")',
                RELP.format(extra='tls.authMode="name" tls.permittedPeer=["*.example.internal"]'),
            ),
            _wild("tls.permittedPeer", "*.example.internal"),
        ),
    ],
    ids=["domain", "star-beside-exact", "three-labels", "legacy-prefix", "omrelp"],
)
def test_wildcard_permitted_peer_authenticates_no_one_server(
    host_scan, lines: tuple[str, ...], message: str
) -> None:
    """R26L-1 (false pass) HVA-200: a permitted peer holding `*` is a wildcard (rsyslog
    runtime/net.c PermittedPeerWildcardMatch, one label per `*` component; librelp
    relpTcpChkOnePeerWildcard), so any certificate of the CA with a name of that shape passes
    as the log server, as x509/certvalid (already a fail) lets any of them; one wildcard in the
    list is enough. HVA-200 passed "logs forwarded over TLS"."""
    a = _rsyslog(host_scan, *lines)
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {"hv1": message}


@pytest.mark.parametrize(
    "lines",
    [
        (
            OMFWD.format(
                extra=f'StreamDriverAuthMode="x509/fingerprint" StreamDriverPermittedPeers="{FP}"'
            ),
        ),
        (
            *LEGACY,
            "$ActionSendStreamDriverAuthMode x509/fingerprint",
            f"$ActionSendStreamDriverPermittedPeer {FP}",
            "*.* @@logs.example.internal:6514",
        ),
        (OMFWD.format(extra='StreamDriverPermittedPeers="logs.example.internal"'),),
        (
            'module(load="omrelp")',
            RELP.format(extra='tls.authMode="name" tls.permittedPeer=["logs.example.internal"]'),
        ),
    ],
    ids=["fingerprint-listed", "legacy-fingerprint-listed", "exact-name", "omrelp-exact-name"],
)
def test_exact_permitted_peers_keep_the_pass(host_scan, lines: tuple[str, ...]) -> None:
    """R26L-1's held probes: a listed fingerprint or an exact name authenticates the server."""
    a = _rsyslog(host_scan, *lines)
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
    assert messages(a, "HVA-200") == {"hv1": OVER_TLS}
