"""Red-team round 25 probes: remote logging and audit (rt25log).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. For syslog-ng the `processes` probe runs
`/usr/sbin/syslog-ng -F` in place of rsyslogd and `rsyslog-config` is not collected (as
tests/test_redteam24_log2_probes.py does).

Findings (R25L-n):
- R25L-1 (false pass) HVA-200: a syslog-ng destination whose address is unquoted or in single
  quotes (`udp(loghost port(514))`, `network(10.1.2.3 transport(udp))`, `udp('loghost')`,
  `syslog-ng(server(loghost))`) was not read: beside a TLS destination the host passed "logs
  forwarded over TLS to ..." while its logs also crossed the network in plain text (and a TLS
  destination written so was missed: "no remote log destination", a wrong fail). syslog-ng's
  grammar takes the address as `string: LL_IDENTIFIER | LL_STRING` (lib/cfg-grammar.y;
  dest_afinet_udp_params, dest_afnetwork_params in modules/afsocket/afsocket-grammar.ym), and
  its lexer (lib/cfg-lex.l) reads `'...'` as a string and `({word}+(\\.)?)*{word}+` as an
  identifier (`fetch` github:syslog-ng/syslog-ng, b55e8d0). Now parse.host._SYSLOG_NG_REMOTE
  reads all three forms.
- R25L-2 (false pass) HVA-200: a syslog-ng network()/syslog() destination without
  transport() counted as TLS whenever "tls" appeared anywhere in its options: in
  persist-name("fwd-tls"), in a template, or in tls() options. network() and syslog() default to
  transport "tcp" (transport-mapper-inet.c transport_mapper_network_new / _syslog_new:
  `transport_mapper_inet_new_instance("tcp")`), only transport("tls") sets
  `require_tls_configuration`, and tls() options under "tcp" are refused ("tls() options
  specified for a transport that doesn't allow TLS encryption"); before syslog-ng 3.16 they
  were accepted and unused (commit f2d0d97bd). The legacy tcp()/tcp6() drivers with tls()
  options do start TLS (transport_mapper_tcp_new, since f2d0d97bd "when legacy tcp driver used
  with tls options require TLS"). Now the options are read with their strings emptied
  (transport() and peer-verify() arguments kept), and TLS needs transport("tls") or tcp()/tcp6()
  with tls().

- R25L-3 (false pass) HVA-200: an earlier syslog-ng log path with a filter and flags(final)
  (`log { source(s_src); filter(f_auth); destination(d_auth); flags(final); };`) keeps the
  messages its filter matches from every later path, so the forwarding path after it gets only
  the rest (here none of the logins' auth/authpriv records); it passed "logs forwarded over TLS".
  syslog-ng lib/logmpx.c log_multiplexer_queue: a PIF_BRANCH_FINAL branch stops the later ones
  only `if (matched)`. Only an unfiltered final path was read (it starves the later ones). Now
  the later TLS destination is filtered, HVA-200's filter question (R23L-4), unless the final
  path sends to it too.

- R25L-4 (false pass) HVA-200: an rsyslog that reads neither the system log socket (imuxsock
  not loaded, `module(load="imuxsock" SysSock.Use="off")`, legacy `$OmitLocalLogging on`) nor
  the journal (no imjournal) gets the kernel's messages (imklog) at most, none of libvirt's nor
  the logins'; its TLS forwarding passed (only imjournal without imuxsock was judged, R14H-1).
  rsyslog loads no input unasked (tools/rsyslogd.c, `fetch` github:rsyslog/rsyslog ee72adc),
  and its imuxsock SysSock.Use docs: "If this parameter is not enabled, then imuxsock will only
  be of use if a custom input is configured". Now a fail naming why; an imuxsock socket of its
  own (input(type="imuxsock" Socket=...), $AddUnixListenSocket) keeps the pass, a plain
  destination still fails as plain. Fixtures of test_verdict_fixes.py, test_host_verdicts2.py
  and test_checks_host.py that forwarded from a main file loading no input now load imuxsock.

- R25L-5 (false pass) HVA-200: a syslog-ng destination with transport("tls") and no tls()
  options passed "logs forwarded over TLS"; syslog-ng refuses such a file ("transport(tls) was
  specified, but tls() options missing", transport-mapper-inet.c
  transport_mapper_inet_validate_tls_options; in afinet.c already in 2011, e6c54bf02), so
  the daemon runs another file, or none after a restart. Now a fail naming why.

Held (kept as tests): tcp() with tls() options passes; a quoted peer-verify("required-untrusted")
still fails; an unquoted TLS destination alone now passes;
a filtered final path that also sends to the TLS destination passes; an imuxsock
input socket of rsyslog's own keeps the pass.

Probed by script, not kept: 33 inputs. syslog-ng: unquoted/single-quoted addresses (6),
persist-name/template "tls" (2), tls() without transport (3), peer-verify quoted, final paths
(2). rsyslog: `if ... then { omfile; stop }` around libvirt (asked, held), legacy mode set after
the @@ line (fail, held), legacy @@(o)...;RSYSLOG_SyslogProtocol23Format (pass, held),
x509/certvalid and anon (fail, held), StreamDriver.Name, PermittedPeers="*", x509/fingerprint,
CheckExtendedKeyPurpose (pass), `*.* stop` before $IncludeConfig (fail, held), imuxsock
missing/off/OmitLocalLogging/own socket/imfile (R25L-4), omrelp tls without authMode (fail),
with name or fingerprint (pass), permitExpiredCerts="on" (fail), authpriv stops (see leads).
HVA-201/214: audit-rules-files uncollected (pass, see leads), timeout and grep missing (asked).

Tally: 5 findings, 5 false passes (one wrong-fail twin); 18 tests in 6 functions, 15 failed on
main before their fixes (R25L-1/2: 10 of 12 on 54fb3cb, the held tcp() and peer-verify cases
pass there too; R25L-3: 1 of 1 on 0040417; R25L-4: 3 of 4 on a6f7ee4, the own-socket twin
held; R25L-5: 1 of 1 on 5e2bf59).

Leads left (team decisions first):
- HVA-200 authpriv: a selector stop (`authpriv.* stop`, `auth,authpriv.* ~`) before the
  forward, or `*.*;auth,authpriv.none` on it, passes (selectors are judged for daemon.err only),
  while `if $syslogfacility-text == 'authpriv' then stop` is asked with a question whose Pass
  needs auth and authpriv through: the two disagree. Decide whether the forward must carry
  auth/authpriv (then a fail for the selector forms).
- HVA-201/HVA-214 pass when audit-rules-files is not in the bundle (R11H-6, held by
  test_redteam11_host_probes as "a bundle of an older collector"); a timeout, a missing grep
  or Permission denied are asked.
- auditd.conf disk_full_action / disk_error_action / admin_space_left_action = ignore or
  suspend (records dropped when the disk fills) are judged by no check.
- rsyslog StreamDriverPermittedPeers wildcards (`*`, `*.*.*`: runtime/net.c
  PermittedPeerWildcardMatch, one label per `*`) accept any CA-signed name of that shape under
  x509/name; not judged.
- R25L-4 does not weigh imfile or network inputs (a local relay into imtcp) feeding rsyslog:
  a fail there may be wrong.
- syslog-ng transport("auto") with tls() (TLS from 4.9.0, commit 87e8dfad8) and proxied-tls are
  read as plain (wrong fail at worst); tcp() with tls() is read as TLS on releases before 3.16
  too (f2d0d97bd).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes

SYSLOG_NG = """@version: 3.38
source s_src {{ system(); internal(); }};
destination d_tls {{
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-dir("/etc/syslog-ng/ca.d")));
}};
{extra}
"""
TLS_PATH = "log { source(s_src); destination(d_tls); };"


def _syslog_ng(host_scan, text: str):
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    conf = "".join(f"/etc/syslog-ng/syslog-ng.conf:{ln}\n" for ln in text.splitlines())
    return host_scan(
        {"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)}
    )


@pytest.mark.parametrize(
    ("dest", "target"),
    [
        ("udp(loghost port(514));", "loghost"),
        ("network(10.1.2.3 port(514) transport(udp));", "10.1.2.3"),
        ("udp('loghost' port(514));", "loghost"),
        ("syslog-ng(server(loghost) port(514));", "loghost"),
        ("tcp(loghost.example.internal, port(601));", "loghost.example.internal"),
    ],
)
def test_syslog_ng_unquoted_plain_destination_beside_tls_fails(
    host_scan, dest: str, target: str
) -> None:
    """R25L-1 (false pass) HVA-200: a plain syslog-ng destination whose address is unquoted or
    single-quoted (lib/cfg-grammar.y `string: LL_IDENTIFIER | LL_STRING`; lib/cfg-lex.l) beside
    a TLS one passed "logs forwarded over TLS to logs.example.internal"."""
    extra = (
        f"destination d_plain {{ {dest} }};\n"
        "log { source(s_src); destination(d_tls); destination(d_plain); };"
    )
    a = _syslog_ng(host_scan, SYSLOG_NG.format(extra=extra))
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {
        "hv1": f"logs forwarded without authenticated TLS to {target}"
    }


def test_syslog_ng_unquoted_tls_destination_passes(host_scan) -> None:
    """R25L-1 (wrong fail, the twin): a TLS destination with an unquoted address was not read,
    so the host failed "no remote log destination configured"."""
    text = """@version: 3.38
source s_src { system(); internal(); };
destination d_tls {
    network(logs.example.internal port(6514) transport(tls) tls(ca-dir("/etc/syslog-ng/ca.d")));
};
log { source(s_src); destination(d_tls); };
"""
    a = _syslog_ng(host_scan, text)
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
    assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}


PLAIN_TCP = "logs forwarded without authenticated TLS to logs.example.internal"
NO_TRANSPORT = (
    PLAIN_TCP + ' (tls() options without transport("tls"): {d}() sends plain TCP, or syslog-ng '
    "refuses the file)"
)


@pytest.mark.parametrize(
    ("dest", "status", "message"),
    [
        ('network("logs.example.internal" port(514) persist-name("fwd-tls"));', "fail", PLAIN_TCP),
        (
            'network("logs.example.internal" port(514) template("$ISODATE tls $MSG\\n"));',
            "fail",
            PLAIN_TCP,
        ),
        (
            'network("logs.example.internal" port(6514) tls(ca-dir("/etc/syslog-ng/ca.d")));',
            "fail",
            NO_TRANSPORT.format(d="network"),
        ),
        (
            'syslog("logs.example.internal" port(6514) tls(ca-dir("/etc/syslog-ng/ca.d")));',
            "fail",
            NO_TRANSPORT.format(d="syslog"),
        ),
        (
            'tcp("logs.example.internal" port(6514) tls(ca-dir("/etc/syslog-ng/ca.d")));',
            "pass",
            "logs forwarded over TLS to logs.example.internal",
        ),
        (
            'network("logs.example.internal" port(6514) transport("tls") '
            'tls(ca-dir("/etc/syslog-ng/ca.d") peer-verify("required-untrusted")));',
            "fail",
            PLAIN_TCP + " (peer-verify(required-untrusted): the log server is not authenticated)",
        ),
    ],
    ids=["persist-name", "template", "network-tls-opts", "syslog-tls-opts", "tcp", "peer-verify"],
)
def test_syslog_ng_tls_needs_transport_tls(host_scan, dest: str, status: str, message: str) -> None:
    """R25L-2 (false pass) HVA-200: a network()/syslog() destination without transport("tls")
    passed "logs forwarded over TLS" when "tls" appeared anywhere in its options. syslog-ng
    modules/afsocket/transport-mapper-inet.c: network() and syslog() default to transport
    "tcp", only transport("tls") requires TLS, tls() options under "tcp" are refused. Held:
    tcp() with tls() (transport_mapper_tcp_new, since 3.16) passes; a quoted
    peer-verify("required-untrusted") fails."""
    text = f"""@version: 3.38
source s_src {{ system(); internal(); }};
destination d_fwd {{ {dest} }};
log {{ source(s_src); destination(d_fwd); }};
"""
    a = _syslog_ng(host_scan, text)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


FINAL_FIRST = """@version: 3.38
source s_src {{ system(); internal(); }};
filter f_auth {{ facility(auth, authpriv); }};
destination d_auth {{ file("/var/log/auth.log"); }};
destination d_tls {{
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-dir("/etc/syslog-ng/ca.d")));
}};
log {{ source(s_src); filter(f_auth); destination(d_auth); {also}flags(final); }};
log {{ source(s_src); destination(d_tls); }};
"""


def test_syslog_ng_filtered_final_path_before_the_forwarding_is_asked(host_scan) -> None:
    """R25L-3 (false pass) HVA-200: an earlier log path with a filter and flags(final) keeps the
    messages its filter matches (the logins' auth and authpriv here) from every later path, so
    the forwarding path gets only the rest; it passed "logs forwarded over TLS". syslog-ng
    lib/logmpx.c log_multiplexer_queue: a branch with PIF_BRANCH_FINAL stops the later ones only
    `if (matched)`, i.e. for the messages its filters let through. Now the filtered question
    (R23L-4). Held: the same final path also sending to the TLS destination passes."""
    a = _syslog_ng(host_scan, FINAL_FIRST.format(also=""))
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-200") == {
        "hv1": "syslog-ng forwards over authenticated TLS only under a filter: "
        "logs.example.internal gets only what an earlier flags(final) log path, which keeps "
        "what `filter(f_auth)` matches, lets through"
    }
    a = _syslog_ng(host_scan, FINAL_FIRST.format(also="destination(d_tls); "))
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
    assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}


UXSOCK = 'module(load="imuxsock") # provides support for local system logging'
NEITHER = (
    "no running forwarder sends the host's logs to a remote destination (rsyslog reads neither "
    "the system log socket (no imuxsock with SysSock.Use on) nor the journal (no imjournal), so "
    "logs.example.internal get(s) the kernel's messages at most, not libvirt's)"
)


@pytest.mark.parametrize(
    ("module", "status"),
    [
        ("", "fail"),
        ('module(load="imuxsock" SysSock.Use="off")', "fail"),
        # imuxsock loaded the legacy way: a module() statement drops the directive (R41L-5)
        ("$ModLoad imuxsock\n/etc/rsyslog.conf:$OmitLocalLogging on", "fail"),
        (
            'module(load="imuxsock" SysSock.Use="off")\n'
            '/etc/rsyslog.conf:input(type="imuxsock" Socket="/run/systemd/journal/syslog")',
            "pass",
        ),
    ],
    ids=["not-loaded", "syssock-off", "omit-local-logging", "own-socket"],
)
def test_rsyslog_reading_no_local_socket_nor_journal_forwards_no_host_logs(
    host_scan, module: str, status: str
) -> None:
    """R25L-4 (false pass) HVA-200: an rsyslog that loads neither imuxsock reading the system
    log socket nor imjournal (imuxsock not loaded, `SysSock.Use="off"`, legacy
    `$OmitLocalLogging on`) gets the kernel's messages (imklog) at most, none of libvirt's nor
    the logins'; its TLS forwarding passed. rsyslog loads no input unasked (tools/rsyslogd.c,
    `fetch` github:rsyslog/rsyslog ee72adc: no imuxsock there), and rsyslog's imuxsock
    SysSock.Use docs: "If this parameter is not enabled, then imuxsock will only be of use if a
    custom input is configured". Held: with an imuxsock socket of its own (input(type="imuxsock"
    Socket=...)) the pass stays (what that socket gets is not judged)."""
    main = DEBIAN_RSYSLOG_MAIN.replace(UXSOCK, module)
    assert main != DEBIAN_RSYSLOG_MAIN
    a = host_scan({"rsyslog-config": (main + RSYSLOG_REMOTE, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {
        "hv1": NEITHER if status == "fail" else "logs forwarded over TLS to logs.example.internal"
    }


def test_syslog_ng_transport_tls_without_tls_options_fails(host_scan) -> None:
    """R25L-5 (false pass) HVA-200: a syslog-ng destination with transport("tls") and no tls()
    options passed "logs forwarded over TLS"; syslog-ng refuses such a file ("transport(tls) was
    specified, but tls() options missing", modules/afsocket/transport-mapper-inet.c
    transport_mapper_inet_validate_tls_options), so the running daemon read another, and a
    restart stops the forwarding."""
    text = """@version: 3.38
source s_src { system(); internal(); };
destination d_fwd { network("logs.example.internal" port(6514) transport("tls")); };
log { source(s_src); destination(d_fwd); };
"""
    a = _syslog_ng(host_scan, text)
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {
        "hv1": PLAIN_TCP + ' (transport("tls") without tls() options: syslog-ng refuses the file)'
    }
