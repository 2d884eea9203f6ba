"""Red-team round 34 probes: logging, audit forwarding and time sync (r34logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan), its rsyslog configuration given a TLS omfwd action in
/etc/rsyslog.d/50-remote.conf and its dpkg list the rsyslog release of each case (as round 33's
file does). Each test asserts the exact status and message.

Findings (R34L-n):
- R34L-1 (false pass) HVA-200: omfwd action() numbers rsyslog refuses were read as given, so
  the action counted as forwarding: KeepAlive.Probes="0", KeepAlive.Time="0" and
  KeepAlive.Interval="0" on 8.13.0 to 8.2008.0 (R33L lead), udp.sendbuf="64 k", "64kb" and
  "-1" from 8.29.0 passed "logs forwarded over TLS". rsyslog (ee72adc read with `fetch`, `git
  show` of each v8.N.0 tag): tools/omfwd.c actpdescr lists keepalive.probes, .time and .interval
  as eCmdHdlrPositiveInt from v8.13.0 through v8.2008.0 (eCmdHdlrNonNegInt from v8.2010.0,
  commit 2e3b767d0), and grammar/rainerscript.c doGetPositiveInt fails a value below 1 ("cannot
  be less than one"); udp.sendbuf (from v8.29.0, commit 79032d68c) is eCmdHdlrSize, and
  doGetSize takes ASCII digits and at most one unit letter (k m g t p e, K M G T P E) and fails
  anything more ("does not contain a valid size"). A failed parameter makes nvlstGetParams
  return NULL and newActInst abort (R33L-3): the action is never created. Now a fail naming the
  parameter where the release reads it so (OMFWD_TYPED_WINDOW, the "size" kind), judged as
  before outside that window, and a TLS pass asked where no release is known.
- R34L-2 (false pass) HVA-200: a global() statement rsyslog refuses was read as setting its
  CA certificate and default driver, and the global() statements before it as keeping theirs:
  `global(DefaultNetstreamDriverCAFile=... maxMessageSize="64 KB")`, a CA global() followed by
  `global(preserveFQDN="yes")`, `global(DefaultNetstreamDriver="gtls" ... net.enableDNS="0")`,
  debug.gnutls="0" on 8.2001.0, localHostName="hv 1" beside the CA passed "logs forwarded over
  TLS" (R33L lead: global() typed parameters not weighed). rsyslog (ee72adc read with `fetch`,
  `git show` of each v8.N.0 tag) runtime/glbl.c glblProcessCnf: `cnfparamvals =
  nvlstGetParams(o->nvlst, &paramblk, cnfparamvals)` from v8.1.0 on, one static array for every
  global(); grammar/rainerscript.c nvlstGetParams returns NULL where a parameter fails
  (doGetBinary, doGetSize, doGetWord, doGetPositiveInt as in R33L-2/3) without freeing an array
  it was handed, so the failing statement sets nothing ("error processing global config
  parameters") and the earlier statements' values are dropped; glblDoneLoadCnf sets
  DefaultNetstreamDriverCAFile, NetstreamDriverCAExtraFiles and, before 8.2608.0 (when
  glblProcessCnf began to set it at once), DefaultNetstreamDriver from that array only. With
  no CA the TLS drivers refuse every server (NO_CA), with ptcp nothing is TLS. Now the global()
  parameters are judged by release (GLOBAL_TYPED, generated from each tag's cnfparamdescr;
  GLOBAL_TYPED_WINDOW), a refused statement drops the global() CA and (before 8.2608.0) driver
  read so far, the legacy `$DefaultNetstreamDriver...` values staying, and the fail names it; a
  TLS pass resting on a global() setting is asked where the release is not known.
- R34L-3 (false pass) HVA-200: `global(compatibility.defaults.secure="strict")` was read as
  turning an unset StreamDriverMode into 1 in every release, so a TLS-driver action with no mode
  passed "logs forwarded over TLS" on 8.2606.0 and 8.2302.0 (the module's docstring said ">=
  8.2608", the code did not ask). rsyslog (ee72adc read with `fetch`, `git show` of the tags):
  tools/omfwd.c applySecureDefaultsToForwarding, which sets iStrmDrvrMode = 1, came with commit
  5e320c646 ("netstream: secure-default TLS driver mode handling"), first in v8.2608.0; v8.2606.0
  lists the parameter in glbl.c but only warns and sets abortOnUncleanConfig (glblDoneLoadCnf),
  and older releases do not know it. Now a fail naming the release before 8.2608.0, and asked
  where no release is known (SINCE["strict"]).
- R34L-4 (false pass) HVA-200: an omfwd or omrelp action (or a legacy `@@host;NAME` selector)
  whose template is not defined before it (not at all, only after it, or in another case)
  passed "logs forwarded over TLS". rsyslog (ee72adc read with `fetch`) runtime/action.c
  addAction looks each template up with runtime/template.c tplFind (exact strcmp of the name)
  among those defined so far ("Hint: templates MUST be defined before they are used!") and
  aborts with "Could not find template %d '%s' - action disabled" (RS_RET_NOT_FOUND); template()
  objects (cnfDoObj) and `$template` lines (runtime/conf.c) define them where they stand, after
  the built-ins runtime/rsconf.c adds (BUILTIN_TEMPLATES, the union of every v8.N.0 tag's).
  Now a fail naming the template, judged where no include before the action went unread and
  every template() read names itself on its first line.
- R34L-5 (false pass; 1 wrong fail) HVA-200: `module(load="builtin:omfwd"
  streamdriver.cafile=...)` with template="Fwd Fmt" or iobuffer.maxsize="-1" beside the CA
  passed "logs forwarded over TLS" on 8.2608.0 with no other CA, and an action() given
  iobuffer.maxsize="-1" on 8.2408.0 failed. rsyslog (ee72adc read with `fetch`, `git show` of
  each tag) tools/omfwd.c: template and iobuffer.maxsize (from 8.2408.0) are modpdescr, module
  parameters, not actpdescr; setModCnf aborts where nvlstGetParams fails one, before it sets
  any default, and runtime/modules.c Load sets bSetModCnfCalled for the built-in module all the
  same (a later statement is "already set - ignored"); an action() parameter it does not list
  is "not known" and ignored (nvlstChkUnused). Now such a module statement gives no CA default
  and the NO_CA fail names it (OMFWD_MODULE_TYPED); iobuffer.maxsize left OMFWD_TYPED.
- R34L-6 (false pass) HVA-200: an omfwd action without template= (or a legacy `@@` selector
  without `;NAME`) whose default template, set by `module(load="builtin:omfwd" template=...)` or
  `$ActionForwardDefaultTemplate`, is not defined before it passed "logs forwarded over TLS"
  (R34L-4's class through the default). rsyslog (ee72adc read with `fetch`; v8.1.0 the same)
  tools/omfwd.c newActInst and parseSelectorAct take getDfltTpl (the module's template, else the
  legacy one, else RSYSLOG_TraditionalForwardFormat) and addAction looks it up as R34L-4 says.
  Now a fail naming the default and what set it (NO_DEFAULT_TEMPLATE).

Held (kept as tests): R34L-1 KeepAlive.Interval="0" on 8.2302.0 (0 or more there) and on 8.12.0
(no such parameter yet), udp.sendbuf="64k" on 8.2302.0, udp.sendbuf="64 k" on 8.28.0 (no such
parameter yet) pass. R34L-2: a legacy `$DefaultNetstreamDriverCAFile` before a refused global()
(set at once, kept), a refused global() followed by one setting the CA (a new array),
libcapng.enable="yes" on 8.2302.0 (from 8.2310.0) and debug.gnutls="0" on 8.2302.0 (0 or more
from 8.2010.0) pass. R34L-3: the strict mode on 8.2608.0, and a mode given on 8.2302.0, pass. R34L-4: a template()
(string or list) or `$template` before the action, before a legacy selector, a built-in name,
and a template() whose name stands on its second line (not judged) pass. R34L-5: a module
statement with iobuffer.maxsize="65536" passes. R34L-6: the default defined before the
selector, and an action naming its own template beside an undefined default, pass.

Probed by script: the 12 omfwd cases of R34L-1, the 11 global() cases of R34L-2, the 5 of
R34L-3, the 11 of R34L-4, the 4 of R34L-5 and the 4 of R34L-6 kept here,
on main first (ad70ea76); glbl.c's cnfparamdescr at every v8.N.0 tag (`git show`) for
GLOBAL_TYPED, and where glblProcessCnf and glblDoneLoadCnf set DefaultNetstreamDriver; rsyslog's
tools/omfwd.c actpdescr at every v8.N.0 tag (`git show`) for the first release of
udp.sendbuf and the window of eCmdHdlrPositiveInt; runtime/action.c actionConstructFinalize
(ee72adc): qqueueApplyCnfParam's result is not checked, so a queue.* parameter rsyslog fails
(queue.type="LinkedList ", queue.size="10 000") leaves the action and its default queue in
place: no finding, and it passes here as on main.

Tally: 6 findings: 6 false passes (R34L-5 also fixes 1 wrong fail), 0 false n/a; 47 cases in
6 test functions; 27 failed on main before the fixes (ad70ea76) (R34L-1 7 of 12, R34L-2 7 of
11, R34L-3 3 of 5: in each the release-unknown case was asked with the expiry question only,
the others passed; R34L-4 5 of 11, all passed; R34L-5 3 of 4: 2 passed, 1 failed; R34L-6 2 of
4, both passed); the 20 held pass there too.

Leads left:
- rsyslog: global() parameters of other kinds (GetChar, Severity, UID/GID, FileCreateMode
  umask, Array environment) not judged. (Held by reading: before 8.2608.0 glblDoneLoadCnf, not
  glblProcessCnf, sets global(DefaultNetstreamDriver=), but what READ_ORDER judges by the
  driver at the action, the module CA defaults and the strict mode, came with 8.2608.0 too.)
- rsyslog: the typed module parameters of other output modules (omrelp's tls.tlslib aside) not
  weighed; omfwd's actpdescr and modpdescr were compared with OMFWD_TYPED tag by tag (R34L-5),
  omrelp's with OMRELP_TYPED (no difference).
- rsyslog: BUILTIN_TEMPLATES is the union of all releases (RSYSLOG_SyslogRFC5424Format and
  RSYSLOG_PerSourceKey are newer); omrelp's default template is not settable, so not judged.
- rsyslog: a "0x" number (libestr es_str2num_hex reads from the third character on for the
  string's whole length, past its end: refused but for what lies beyond it) not judged;
  global() typed parameters and legacy `$Action...` directives with bad values not weighed;
  string module parameters (imjournal defaultfacility, usepid) not weighed; the legacy
  `:omrelp:host:port` selector not read as a destination (a wrong fail at worst).
- syslog-ng: a checked path naming a file that does not exist (a team decision, R30L lead).
- audit: augenrules drops every -b, -f and -e line but the last of each (an `-e 0` in a
  dropped line still asked); '-e 0' after '-e 2'; auditd.conf as a symlink.
- HVA-202: NMEA/GPSD receivers with no fix; chrony `minsources`, ntpd `minsane`.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, messages, outcomes

REMOTE = "/etc/rsyslog.d/50-remote.conf"
CA = "/etc/ssl/certs/logs-ca.pem"
GLOBAL_CA = f'global(DefaultNetstreamDriverCAFile="{CA}")'
OMFWD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" '
    'StreamDriverPermittedPeers="logs.example.internal" {extra})'
)
BASELINE = "8.2302.0-1+deb12u1"
NO_PACKAGE = "no rsyslog package among the installed ones (host/commands/dpkg-packages.txt)"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
PLAIN = "logs forwarded without authenticated TLS to logs.example.internal ({why})"
NOT_EXPIRED = 'streamdriver.permitExpiredCerts="off"'
SIZE = "a size (digits, then at most one of k, m, g, t, p, e, K, M, G, T, P, E)"


def _packages(release: str | None) -> tuple[str, int]:
    """The baseline's dpkg list with rsyslog at `release` (None: no rsyslog package)."""
    text = str(HARDENED_HOST["dpkg-packages"][0])
    if release is None:
        return ("".join(ln + "\n" for ln in text.splitlines() if not ln.startswith("rsyslog")), 0)
    return (text.replace(BASELINE, release), 0)


def _rsyslog(host_scan, extra: str, release: str | None):  # type: ignore[no-untyped-def]
    lines = (GLOBAL_CA, OMFWD.format(extra=extra))
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    return host_scan(
        {"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0), "dpkg-packages": _packages(release)}
    )


def _not_number(name: str, value: str, what: str) -> str:
    return PLAIN.format(
        why=f'parameter {name}="{value}" is not {what}, which rsyslog requires of it: it refuses '
        "the action, so nothing is sent"
    )


def _release_unknown(why: str) -> str:
    return (
        f"{OVER_TLS}, but which rsyslog release runs is unknown, and it decides: "
        f"logs.example.internal: {why}; {NO_PACKAGE}"
    )


@pytest.mark.parametrize(
    ("extra", "release", "status", "message"),
    [
        (
            f'KeepAlive="on" KeepAlive.Probes="0" {NOT_EXPIRED}',
            "8.2001.0-1",
            "fail",
            _not_number("keepalive.probes", "0", "a number above 0"),
        ),
        (
            'KeepAlive.Time="0"',
            "8.1810.0-1",
            "fail",
            _not_number("keepalive.time", "0", "a number above 0"),
        ),
        (
            'KeepAlive.Interval="0"',
            "8.13.0-1",
            "fail",
            _not_number("keepalive.interval", "0", "a number above 0"),
        ),
        (
            'KeepAlive.Interval="0"',
            None,
            "manual",
            _release_unknown(
                'keepalive.interval="0" is not a number above 0 (rsyslog from 8.13.0 before '
                "8.2010.0 reads it as a number above 0 and refuses the action)"
            ),
        ),
        ('udp.sendbuf="64 k"', BASELINE, "fail", _not_number("udp.sendbuf", "64 k", SIZE)),
        ('udp.sendbuf="64kb"', BASELINE, "fail", _not_number("udp.sendbuf", "64kb", SIZE)),
        ('udp.sendbuf="-1"', BASELINE, "fail", _not_number("udp.sendbuf", "-1", SIZE)),
        # held: 0 or more from 8.2010.0; no such parameter before 8.13.0 (keepalive.*) or
        # 8.29.0 (udp.sendbuf), so rsyslog ignores it; a size with one unit letter
        ('KeepAlive.Interval="0"', BASELINE, "pass", OVER_TLS),
        ('KeepAlive.Interval="0"', "8.12.0-1", "pass", OVER_TLS),
        ('udp.sendbuf="64k"', BASELINE, "pass", OVER_TLS),
        ('udp.sendbuf="64 k"', "8.28.0-1", "pass", OVER_TLS),
        # probed by script: a queue parameter rsyslog fails leaves the action in place
        ('queue.type="LinkedList " queue.size="10 000"', BASELINE, "pass", OVER_TLS),
    ],
    ids=[
        "keepalive-probes-0-8.2001",
        "keepalive-time-0-8.1810",
        "keepalive-interval-0-8.13",
        "keepalive-interval-0-release-unknown",
        "sendbuf-space",
        "sendbuf-two-letters",
        "sendbuf-negative",
        "held-keepalive-0-8.2302",
        "held-keepalive-0-8.12",
        "held-sendbuf-unit",
        "held-sendbuf-8.28",
        "held-queue-parameter",
    ],
)
def test_r34l_1_refused_omfwd_numbers_by_release(
    host_scan, extra: str, release: str | None, status: str, message: str
) -> None:
    """R34L-1 (false pass): was pass "logs forwarded over TLS". tools/omfwd.c actpdescr:
    keepalive.* eCmdHdlrPositiveInt from v8.13.0 through v8.2008.0 (doGetPositiveInt: below 1
    fails), udp.sendbuf eCmdHdlrSize from v8.29.0 (doGetSize: digits and one unit letter); a
    failed parameter refuses the action (nvlstGetParams NULL, newActInst aborts)."""
    a = _rsyslog(host_scan, extra, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


ACT = OMFWD.format(extra="")
ACT_NO_DRIVER = ACT.replace('StreamDriver="gtls" ', "")
SET_CA = f'DefaultNetstreamDriverCAFile="{CA}"'
GLOBAL_REFUSED = (
    "it refuses the global() statement, which sets nothing, nor do the global() statements "
    "before it"
)


def _global_refused(statement: str, why: str) -> str:
    return f"{statement} is refused: parameter {why}: {GLOBAL_REFUSED}"


def _no_ca(refused: str) -> str:
    return PLAIN.format(
        why="StreamDriverAuthMode x509/name with no CA certificate (DefaultNetstreamDriverCAFile, "
        f"streamdriver.CAFile; {refused}): the TLS driver trusts no issuer, so it refuses every "
        "server and nothing is sent"
    )


def _rsyslog_lines(host_scan, lines: list[str], release: str | None):  # type: ignore[no-untyped-def]
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    return host_scan(
        {"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0), "dpkg-packages": _packages(release)}
    )


NOT_ON_OFF = 'is neither "on" nor "off", the only values rsyslog reads for it'


@pytest.mark.parametrize(
    ("lines", "release", "status", "message"),
    [
        (
            [f'global({SET_CA} maxMessageSize="64 KB")', ACT],
            BASELINE,
            "fail",
            _no_ca(
                _global_refused(
                    f'global({SET_CA} maxMessageSize="64 KB")',
                    f'maxmessagesize="64 KB" is not {SIZE}, which rsyslog requires of it',
                )
            ),
        ),
        (
            [f"global({SET_CA})", 'global(preserveFQDN="yes")', ACT],
            BASELINE,
            "fail",
            _no_ca(
                _global_refused('global(preserveFQDN="yes")', f'preservefqdn="yes" {NOT_ON_OFF}')
            ),
        ),
        (
            [f'global(DefaultNetstreamDriver="gtls" {SET_CA} net.enableDNS="0")', ACT_NO_DRIVER],
            BASELINE,
            "fail",
            PLAIN.format(
                why="the default stream driver is ptcp, not TLS: "
                + _global_refused(
                    f'global(DefaultNetstreamDriver="gtls" {SET_CA} net.enableDNS="0")',
                    f'net.enabledns="0" {NOT_ON_OFF}',
                )
            ),
        ),
        (
            [f'global({SET_CA} debug.gnutls="0")', ACT.replace(")", f" {NOT_EXPIRED})")],
            "8.2001.0-1",
            "fail",
            _no_ca(
                _global_refused(
                    f'global({SET_CA} debug.gnutls="0")',
                    'debug.gnutls="0" is not a number above 0, which rsyslog requires of it',
                )
            ),
        ),
        (
            [
                'global(DefaultNetstreamDriver="gtls")',
                f'global({SET_CA} localHostName="hv 1")',
                ACT_NO_DRIVER,
            ],
            "8.2608.0-1",
            "fail",
            _no_ca(
                _global_refused(
                    f'global({SET_CA} localHostName="hv 1")',
                    'localhostname="hv 1" contains whitespace, which rsyslog does not permit in it',
                )
            ),
        ),
        (
            [
                'global(DefaultNetstreamDriver="gtls")',
                f'global({SET_CA} localHostName="hv 1")',
                ACT_NO_DRIVER,
            ],
            BASELINE,
            "fail",
            PLAIN.format(
                why="the default stream driver is ptcp, not TLS: "
                + _global_refused(
                    f'global({SET_CA} localHostName="hv 1")',
                    'localhostname="hv 1" contains whitespace, which rsyslog does not permit in it',
                )
            ),
        ),
        (
            [f"global({SET_CA})", 'global(senders.timeoutAfter="0")', ACT],
            None,
            "manual",
            _release_unknown(
                'senders.timeoutafter="0" is not a number above 0 (rsyslog from 8.17.0 reads it '
                "as a number above 0 and refuses the global() statement and those before it)"
            ),
        ),
        # held: the legacy directive sets the CA at once; a later global() sets it afresh; a
        # parameter the release does not know yet (libcapng.enable from 8.2310.0) or reads as
        # 0 or more (debug.gnutls from 8.2010.0)
        (
            [f"$DefaultNetstreamDriverCAFile {CA}", 'global(preserveFQDN="yes")', ACT],
            BASELINE,
            "pass",
            OVER_TLS,
        ),
        (['global(preserveFQDN="yes")', f"global({SET_CA})", ACT], BASELINE, "pass", OVER_TLS),
        ([f'global({SET_CA} libcapng.enable="yes")', ACT], BASELINE, "pass", OVER_TLS),
        ([f'global({SET_CA} debug.gnutls="0")', ACT], BASELINE, "pass", OVER_TLS),
    ],
    ids=[
        "maxmessagesize-unit-word",
        "later-global-refused-drops-ca",
        "refused-global-driver-not-set",
        "debug-gnutls-0-8.2001",
        "earlier-driver-kept-8.2608",
        "earlier-driver-dropped-8.2302",
        "release-unknown",
        "held-legacy-ca",
        "held-later-global-ca",
        "held-libcapng-8.2302",
        "held-debug-gnutls-8.2302",
    ],
)
def test_r34l_2_refused_global_statement(
    host_scan, lines: list[str], release: str | None, status: str, message: str
) -> None:
    """R34L-2 (false pass): was pass "logs forwarded over TLS". runtime/glbl.c glblProcessCnf:
    `cnfparamvals = nvlstGetParams(o->nvlst, &paramblk, cnfparamvals)`, NULL where a parameter
    fails, so the statement and every global() before it set nothing; glblDoneLoadCnf sets the
    CA file (and before 8.2608.0 the default driver) from that array only."""
    a = _rsyslog_lines(host_scan, lines, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


STRICT = f'global(DefaultNetstreamDriverCAFile="{CA}" compatibility.defaults.secure="strict")'
ACT_NO_MODE = ACT.replace('StreamDriverMode="1" ', "")


def _strict_too_old(release: str) -> str:
    return PLAIN.format(
        why='StreamDriverMode unset, so mode 0: plain TCP; compatibility.defaults.secure="strict" '
        f"sets 1 only from rsyslog 8.2608.0, and {release} runs"
    )


@pytest.mark.parametrize(
    ("lines", "release", "status", "message"),
    [
        ([STRICT, ACT_NO_MODE], "8.2606.0-1", "fail", _strict_too_old("8.2606.0-1")),
        ([STRICT, ACT_NO_MODE], BASELINE, "fail", _strict_too_old(BASELINE)),
        (
            [STRICT, ACT_NO_MODE],
            None,
            "manual",
            _release_unknown(
                'StreamDriverMode unset under compatibility.defaults.secure="strict" (rsyslog '
                "sets it to 1 from 8.2608.0; before, mode 0 is plain TCP)"
            ),
        ),
        # held: 8.2608.0 sets the mode; a mode given is read as before
        ([STRICT, ACT_NO_MODE], "8.2608.0-1", "pass", OVER_TLS),
        ([STRICT, ACT], BASELINE, "pass", OVER_TLS),
    ],
    ids=["strict-8.2606", "strict-8.2302", "strict-release-unknown", "held-8.2608", "held-mode-1"],
)
def test_r34l_3_strict_defaults_by_release(
    host_scan, lines: list[str], release: str | None, status: str, message: str
) -> None:
    """R34L-3 (false pass): was pass "logs forwarded over TLS". tools/omfwd.c
    applySecureDefaultsToForwarding (from 8.2608.0, commit 5e320c646) sets an unset mode to 1
    under compatibility.defaults.secure="strict"; before it the mode stays 0, plain TCP."""
    a = _rsyslog_lines(host_scan, lines, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


TPL_ACT = OMFWD.format(extra='template="LogFwd"')
TPL_RELP = (
    'action(type="omrelp" target="logs.example.internal" port="2514" tls="on" '
    f'tls.caCert="{CA}" tls.authMode="name" tls.permittedPeer=["logs.example.internal"] '
    'template="LogFwd")'
)
TPL = 'template(name="LogFwd" type="string" string="<%PRI%>%TIMESTAMP% %HOSTNAME% %msg%\\n")'

LEGACY_TLS = (
    "$DefaultNetstreamDriver gtls",
    "$ActionSendStreamDriverMode 1",
    "$ActionSendStreamDriverAuthMode x509/name",
    "$ActionSendStreamDriverPermittedPeer logs.example.internal",
)


def _template_why(name: str) -> str:
    return (
        f'template "{name}" is not defined before the action (no template(name="{name}") or '
        f"$template {name} ahead of it, and no built-in of that name): rsyslog disables the "
        'action, "Could not find template", so nothing is sent'
    )


def _no_template(name: str) -> str:
    return PLAIN.format(why=_template_why(name))


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        ([GLOBAL_CA, TPL_ACT], "fail", _no_template("LogFwd")),
        ([GLOBAL_CA, TPL_ACT, TPL], "fail", _no_template("LogFwd")),
        ([GLOBAL_CA, 'module(load="omrelp")', TPL_RELP], "fail", _no_template("LogFwd")),
        ([GLOBAL_CA, TPL, TPL_ACT.replace("LogFwd", "logfwd")], "fail", _no_template("logfwd")),
        (
            [GLOBAL_CA, *LEGACY_TLS, "*.* @@logs.example.internal:6514;LogFwd"],
            "fail",
            _no_template("LogFwd"),
        ),
        # held: defined before the action (template(), legacy $template, a list template), a
        # built-in; a template() whose name is not on its first line is not judged
        ([GLOBAL_CA, TPL, TPL_ACT], "pass", OVER_TLS),
        ([GLOBAL_CA, '$template LogFwd,"%msg%\\n"', TPL_ACT], "pass", OVER_TLS),
        (
            [GLOBAL_CA, *LEGACY_TLS, TPL, "*.* @@logs.example.internal:6514;LogFwd"],
            "pass",
            OVER_TLS,
        ),
        (
            [
                GLOBAL_CA,
                'template(name="LogFwd" type="list") {',
                'property(name="msg")',
                "}",
                TPL_ACT,
            ],
            "pass",
            OVER_TLS,
        ),
        (
            [GLOBAL_CA, TPL_ACT.replace("LogFwd", "RSYSLOG_SyslogProtocol23Format")],
            "pass",
            OVER_TLS,
        ),
        (
            [GLOBAL_CA, "template(", 'name="LogFwd" type="string" string="%msg%")', TPL_ACT],
            "pass",
            OVER_TLS,
        ),
    ],
    ids=[
        "undefined",
        "defined-after",
        "omrelp-undefined",
        "case-differs",
        "legacy-selector-undefined",
        "held-defined-before",
        "held-legacy-template",
        "held-legacy-selector",
        "held-list-template",
        "held-builtin",
        "held-name-on-second-line",
    ],
)
def test_r34l_4_action_template_not_defined_before_it(
    host_scan, lines: list[str], status: str, message: str
) -> None:
    """R34L-4 (false pass): was pass "logs forwarded over TLS". runtime/action.c addAction
    looks up each template with tplFind (exact strcmp) among those defined so far and disables
    the action when none is found ("Could not find template %d '%s' - action disabled")."""
    a = _rsyslog_lines(host_scan, lines, BASELINE)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


MOD_CA = f'module(load="builtin:omfwd" streamdriver.cafile="{CA}" {{extra}})'


def _module_refused(why: str) -> str:
    return _no_ca(f'module(load="builtin:omfwd") sets no default: parameter {why}')


@pytest.mark.parametrize(
    ("lines", "release", "status", "message"),
    [
        (
            [MOD_CA.format(extra='template="Fwd Fmt"'), ACT],
            "8.2608.0-1",
            "fail",
            _module_refused(
                'template="Fwd Fmt" contains whitespace, which rsyslog does not permit in it: '
                "setModCnf sets nothing"
            ),
        ),
        (
            [MOD_CA.format(extra='iobuffer.maxsize="-1"'), ACT],
            "8.2608.0-1",
            "fail",
            _module_refused(
                'iobuffer.maxsize="-1" is not a number of 0 or more, which rsyslog requires of '
                "it: setModCnf sets nothing"
            ),
        ),
        # wrong fail: iobuffer.maxsize is no action() parameter, so the action ignores it
        ([GLOBAL_CA, OMFWD.format(extra='iobuffer.maxsize="-1"')], "8.2408.0-1", "pass", OVER_TLS),
        # held: a module statement rsyslog takes
        ([MOD_CA.format(extra='iobuffer.maxsize="65536"'), ACT], "8.2608.0-1", "pass", OVER_TLS),
    ],
    ids=["module-template-space", "module-iobuffer-negative", "action-iobuffer", "held-module"],
)
def test_r34l_5_omfwd_module_parameters(
    host_scan, lines: list[str], release: str | None, status: str, message: str
) -> None:
    """R34L-5 (false pass, wrong fail): tools/omfwd.c modpdescr holds template and
    iobuffer.maxsize: setModCnf aborts on a failed one and sets no CA default; an action() does
    not know iobuffer.maxsize and ignores it."""
    a = _rsyslog_lines(host_scan, lines, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


LEGACY_FWD = "*.* @@logs.example.internal:6514"


def _no_default_template(source: str) -> str:
    return PLAIN.format(why=f"omfwd's default template, set by {source}: {_template_why('LogFwd')}")


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        (
            [GLOBAL_CA, *LEGACY_TLS, "$ActionForwardDefaultTemplate LogFwd", LEGACY_FWD],
            "fail",
            _no_default_template("$ActionForwardDefaultTemplate"),
        ),
        (
            [GLOBAL_CA, 'module(load="builtin:omfwd" template="LogFwd")', ACT],
            "fail",
            _no_default_template('module(load="builtin:omfwd") template='),
        ),
        # held: the default defined before the selector; an action naming its own template
        (
            [GLOBAL_CA, *LEGACY_TLS, TPL, "$ActionForwardDefaultTemplate LogFwd", LEGACY_FWD],
            "pass",
            OVER_TLS,
        ),
        (
            [
                GLOBAL_CA,
                'module(load="builtin:omfwd" template="LogFwd")',
                OMFWD.format(extra='template="RSYSLOG_ForwardFormat"'),
            ],
            "pass",
            OVER_TLS,
        ),
    ],
    ids=["legacy-default", "module-default", "held-default-defined", "held-own-template"],
)
def test_r34l_6_omfwd_default_template_not_defined(
    host_scan, lines: list[str], status: str, message: str
) -> None:
    """R34L-6 (false pass): was pass "logs forwarded over TLS". tools/omfwd.c getDfltTpl gives
    an action without a template the module's or the legacy default, which addAction looks up
    among the templates defined so far."""
    a = _rsyslog_lines(host_scan, lines, BASELINE)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}
