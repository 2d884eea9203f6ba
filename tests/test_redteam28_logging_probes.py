"""Red-team round 28 probes: logging and audit (rt28log)

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. rsyslog probes replace /etc/rsyslog.d/50-remote.conf
behind Debian's rsyslog.conf (conftest.DEBIAN_RSYSLOG_MAIN).

Findings (R28L-n):
- R28L-1 (false pass) HVA-200: rsyslog TLS forwarding with no CA certificate anywhere passed
  "logs forwarded over TLS". rsyslog (github rsyslog/rsyslog ee72adc, read with `fetch`) takes
  the CA from the action's streamdriver.CAFile, omfwd's module default (tools/omfwd.c
  applyModuleTlsDefaults, for action() and legacy `@@` alike) or the global
  DefaultNetstreamDriverCAFile / $DefaultNetstreamDriverCAFile (runtime/glbl.c); ossl also
  loads CAExtraFiles (runtime/net_ossl.c osslCtxInit). With none, gtls only warns "CA
  certificate is not set" (runtime/nsd_gtls.c gtlsInitCred) and gtlsChkPeerCertValidity
  refuses the server, "signer not found", in x509/name (the default) and certvalid mode; ossl
  sets SSL_VERIFY_PEER for every mode but anon (runtime/nsd_ossl.c osslInitSession) and
  net_ossl_verify_callback fails every error but expiry; mbedtls CheckVerifyResult
  (runtime/nsd_mbedtls.c) aborts on any verify flag. So nothing is sent. Now a fail naming why;
  a question when an include was not collected (it may set the CA). The hardened fixtures
  (conftest RSYSLOG_REMOTE, RSYSLOG_CA) and eleven older test helpers now set a CA.

- R28L-2 (false pass) HVA-200: omrelp with tls="on" and tls.authMode="name" but no tls.caCert
  passed. omrelp takes its CA from tls.caCert only (rsyslog plugins/omrelp/omrelp.c
  relpCltSetCACert, no global default), and librelp's name mode verifies the chain before the
  names (github rsyslog/librelp 6be42f4, src/tcp.c: GnuTLS relpTcpChkPeerName_gtls aborts when
  gnutls_certificate_verify_peers2 reports any status, OpenSSL relpTcpChkPeerAuth when
  SSL_get_verify_result is not X509_V_OK): every server is refused. Now a fail naming why.

Held: the CA given by the global object, the legacy directive, the action's streamdriver.CAFile,
omfwd's module default, ossl CAExtraFiles (global); gtls x509/fingerprint with no CA (gtls
checks no chain for a pinned fingerprint, nsd_gtls.c gtlsChkPeerAuth); omrelp name mode with
tls.caCert; omrelp fingerprint mode with no CA (librelp's GnuTLS path checks no chain there).

Probed by script: the 13 inputs kept here, plus omfwd module CA with a legacy selector and
CA spellings (case of the parameter names): 16 inputs.

Tally: 2 findings, 2 false passes; 16 tests in 3 functions. Failed on main before the fix:
R28L-1 6 of 13 (the 5 no-CA fails and the environment-gated CA; the uncollected include was a
question already, the 6 held pass there too); R28L-2 1 of 3 (the 2 held pass there too).

Leads left: see the round-28 report.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, messages, outcomes

REMOTE = "/etc/rsyslog.d/50-remote.conf"
OMFWD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="{driver}" StreamDriverMode="1" {extra})'
)
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
FP = "SHA256:" + "AB:" * 31 + "CD"
CA = "/etc/ssl/certs/logs-ca.pem"


def _no_ca(auth: str, ossl: bool = False, ignored: str = "") -> str:
    where = "DefaultNetstreamDriverCAFile, streamdriver.CAFile" + (", CAExtraFiles" if ossl else "")
    where += f"; {ignored}" if ignored else ""
    return (
        "logs forwarded without authenticated TLS to logs.example.internal ("
        f"StreamDriverAuthMode {auth} with no CA certificate ({where}): the TLS driver trusts no "
        "issuer, so it refuses every server and nothing is sent)"
    )


def _scan(host_scan, *lines: str, main: str = DEBIAN_RSYSLOG_MAIN):  # type: ignore[no-untyped-def]
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    return host_scan({"rsyslog-config": (main + text, 0)})


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        (  # the hardened host's action without its CA line
            [OMFWD.format(driver="gtls", extra='StreamDriverAuthMode="x509/name"')],
            "fail",
            _no_ca("x509/name"),
        ),
        (  # no auth mode: x509/name is the drivers' default
            [OMFWD.format(driver="gtls", extra="")],
            "fail",
            _no_ca("x509/name (the default)"),
        ),
        (  # a legacy selector: only the global CA applies
            [
                "$DefaultNetstreamDriver gtls",
                "$ActionSendStreamDriverMode 1",
                "$ActionSendStreamDriverAuthMode x509/name",
                "*.* @@logs.example.internal:6514",
            ],
            "fail",
            _no_ca("x509/name"),
        ),
        (  # ossl verifies the chain in fingerprint mode too (SSL_VERIFY_PEER)
            [
                OMFWD.format(
                    driver="ossl",
                    extra=f'StreamDriverAuthMode="x509/fingerprint" '
                    f'StreamDriverPermittedPeers="{FP}"',
                )
            ],
            "fail",
            _no_ca("x509/fingerprint", ossl=True),
        ),
        (  # gtls extra CA files: the driver reads none (SetTlsCAExtraFiles refuses them)
            [
                'global(NetstreamDriverCAExtraFiles="/etc/ssl/certs/extra.pem")',
                OMFWD.format(driver="gtls", extra=""),
            ],
            "fail",
            _no_ca("x509/name (the default)"),
        ),
        # held: the CA from each place rsyslog takes it
        (
            [f'global(DefaultNetstreamDriverCAFile="{CA}")', OMFWD.format(driver="gtls", extra="")],
            "pass",
            OVER_TLS,
        ),
        (
            [f"$DefaultNetstreamDriverCAFile {CA}", OMFWD.format(driver="gtls", extra="")],
            "pass",
            OVER_TLS,
        ),
        (
            [OMFWD.format(driver="gtls", extra=f'streamdriver.CAFile="{CA}"')],
            "pass",
            OVER_TLS,
        ),
        (  # R29L-1: load="omfwd" loads nothing (omfwd is builtin:omfwd; no omfwd.so), and
            # the baseline's rsyslog 8.2302.0 has no module CA default (8.2608.0): no CA
            [
                f'module(load="omfwd" streamdriver.cafile="{CA}")',
                OMFWD.format(driver="gtls", extra=""),
            ],
            "fail",
            _no_ca(
                "x509/name (the default)",
                ignored='module(load="omfwd") sets no default: omfwd is built in as '
                '"builtin:omfwd", and no omfwd.so exists to load',
            ),
        ),
        (
            [
                f'global(NetstreamDriverCAExtraFiles="{CA}")',
                OMFWD.format(driver="ossl", extra=""),
            ],
            "pass",
            OVER_TLS,
        ),
        (  # gtls checks no chain for a pinned fingerprint (gtlsChkPeerAuth)
            [
                OMFWD.format(
                    driver="gtls",
                    extra=f'StreamDriverAuthMode="x509/fingerprint" '
                    f'StreamDriverPermittedPeers="{FP}"',
                )
            ],
            "pass",
            OVER_TLS,
        ),
    ],
    ids=[
        "x509-name",
        "default-auth",
        "legacy",
        "ossl-fingerprint",
        "gtls-extra-only",
        "global-ca",
        "legacy-ca",
        "action-ca",
        "module-ca",
        "ossl-extra-ca",
        "gtls-fingerprint",
    ],
)
def test_tls_forwarding_without_a_ca_sends_nothing(
    host_scan, lines: list[str], status: str, message: str
) -> None:
    """R28L-1: no CA certificate anywhere: the TLS driver refuses every server."""
    a = _scan(host_scan, *lines)
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["$IncludeConfig /etc/rsyslog-extra/*.conf", OMFWD.format(driver="gtls", extra="")],
            "rsyslog includes /etc/rsyslog-extra/*.conf, which was not collected "
            "(destinations read: logs.example.internal)",
        ),
        (
            [
                f'global(config.enabled=`echo $CA_ON` DefaultNetstreamDriverCAFile="{CA}")',
                OMFWD.format(driver="gtls", extra=""),
            ],
            "rsyslog includes global(config.enabled=`echo $CA_ON` DefaultNetstreamDriverCAFile="
            f'"{CA}") (config.enabled from the environment), which was not collected '
            "(destinations read: logs.example.internal)",
        ),
    ],
    ids=["uncollected-include", "env-gated-global"],
)
def test_ca_possibly_set_where_unread_is_asked(host_scan, lines: list[str], message: str) -> None:
    """R28L-1: a CA that a file or object not read may set: a question, not a fail."""
    a = _scan(host_scan, *lines)
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert message in messages(a, "HVA-200")["hv1"]


RELP = 'action(type="omrelp" target="logs.example.internal" port="2514" tls="on" {extra})'


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (
            'tls.authMode="name" tls.permittedPeer=["logs.example.internal"]',
            "fail",
            "logs forwarded without authenticated TLS to logs.example.internal (tls.authMode name "
            "with no CA certificate (tls.caCert): the TLS driver trusts no issuer, so it refuses "
            "every server and nothing is sent)",
        ),
        (  # held: the CA given
            f'tls.caCert="{CA}" tls.authMode="name" tls.permittedPeer=["logs.example.internal"]',
            "pass",
            OVER_TLS,
        ),
        (  # held: librelp's GnuTLS fingerprint mode checks no chain (relpTcpChkPeerFingerprint)
            f'tls.authMode="fingerprint" tls.permittedPeer=["{FP}"]',
            "pass",
            OVER_TLS,
        ),
    ],
    ids=["name-no-ca", "name-ca", "fingerprint-no-ca"],
)
def test_relp_name_mode_without_a_ca_sends_nothing(
    host_scan, extra: str, status: str, message: str
) -> None:
    """R28L-2: omrelp's name mode verifies the chain first; with no tls.caCert it fails."""
    a = _scan(host_scan, 'module(load="omrelp")', RELP.format(extra=extra))
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message
