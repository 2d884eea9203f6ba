"""rsyslog's remote destinations, resolved the way rsyslogd resolves them.

HVA-200 needs to know, for every omfwd destination, whether rsyslogd sends over TLS that
authenticates the server. That depends on settings spread over the configuration: the action's own
parameters, the global default stream driver, legacy `$ActionSend...` directives in force where a
legacy `@@host` selector stands, and which files rsyslogd includes at all. This module reads the
configuration in rsyslogd's order (rsyslog.conf, include files spliced in where they are included)
and returns each destination with its verdict; it never guesses a setting it cannot see.

Sources (rsyslog git, tools/omfwd.c, runtime/glbl.c, runtime/netstrms.c, runtime/nsd_*.c,
grammar/rainerscript.c, grammar/lexer.l; confirmed with `search` on the rsyslog tree):
- omfwd action parameters are case-insensitive; `streamdriver.name`, `streamdriver.mode` and
  `streamdriver.authmode` are aliases of `StreamDriver`, `StreamDriverMode` and
  `StreamDriverAuthMode` (omfwd.c actpdescr); `protocol` defaults to udp (setInstParamDefaults:
  `protocol = FORW_UDP`), and UDP never uses a stream driver (use omdtls for TLS over UDP).
- An action without StreamDriver uses the global default driver: netstrms.c loadDrvr "if no drvr
  name is set, use system default" = glbl GetDfltNetstrmDrvr, i.e. `global(DefaultNetstreamDriver=)`
  or the legacy `$DefaultNetstreamDriver` (both set loadConf->globals.pszDfltNetstrmDrvr, the last
  one wins), else "ptcp" (DFLT_NETSTRM_DRVR): plain TCP. TLS-capable drivers are gtls, ossl and
  mbedtls (glbl.c glblIsTlsCapableNetstrmDrvr).
- StreamDriverMode defaults to 0, plain TCP even with a TLS driver ("mode 0 uses plain TCP so TLS
  is not active", omfwd.c warnIfNonTlsForwardingConfigured); rsyslog >= 8.2608 with
  `global(compatibility.defaults.secure="strict")` turns an unset mode into 1 when the effective
  driver is TLS-capable (omfwd.c applySecureDefaultsToForwarding), both as set when the action
  is read (READ_ORDER).
- Without StreamDriverAuthMode omfwd never calls SetAuthMode and the drivers keep authMode 0, which
  is x509/name (nsd_gtls.h GTLS_AUTH_CERTNAME = 0, likewise nsd_ossl and nsd_mbedtls); "anon"
  authenticates no server (omfwd.c: "server identity is not authenticated, so MITM is possible");
  "x509/certvalid" checks the certificate chain but not the server's name (rsyslog's gtls/ossl
  driver documentation: "weak authentication"), so any certificate of the CA poses as the server.
- An authentication mode other than those four (compared case-insensitively) fails the driver's
  SetAuthMode, and omfwd's connection setup with it: such a destination receives nothing.
- Legacy selectors (`*.* @@host`) take the `$ActionSendStreamDriver`, `...DriverMode` and
  `...DriverAuthMode` values set above them (omfwd.c createInstance and parseSelectorAct copy the
  legacy settings; `$ResetConfigVariables` clears them); action() objects start from the defaults
  (newActInst calls setInstParamDefaults after createInstance).
- `$IncludeConfig X` and `include(file="X")` read the files matching X where they stand; X is a
  glob (sorted) or a directory, whose files are read recursively (rainerscript.c cnfDoInclude).
  Files that are never included are not rsyslog's configuration.
- Which messages an action gets (rsyslog "Filter Conditions" and "Conditionals": selectors,
  property-based filters `:property, [!]compare-operation, "value"`, expression-based filters
  `if EXPR then <block> [else <block>]`, where a block is one statement or `{ ... }` and
  conditionals nest; an `&` line runs another action under the previous filter; an action in
  `ruleset(name=...)` sees only the messages of the inputs bound to that ruleset, the default
  one being RSYSLOG_DefaultRuleset). A selector is evaluated (`selects`); `if prifilt("sel")`
  is a selector; any other condition is kept as text (`RsyslogDestination.filters`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from hvaudit.textsafe import digits

__all__ = ["RSYSLOG_TREE", "RsyslogDestination", "RsyslogForwarding", "rsyslog_forwarding"]

RSYSLOG_MAIN = "/etc/rsyslog.conf"
RSYSLOG_TREE = "/etc/rsyslog.d"
"""What the collector reads (`grep -r -H "" /etc/rsyslog.conf /etc/rsyslog.d`)."""

TLS_DRIVERS = ("gtls", "ossl", "mbedtls")
ANON_TLS = "TLS in anon mode: the log server is not authenticated"
CERTVALID_TLS = "x509/certvalid: any certificate of the CA passes as the log server"
#: The authentication modes the TLS drivers know (nsd_gtls.c, nsd_ossl.c and nsd_mbedtls.c
#: SetAuthMode compare with strcasecmp); any other value makes SetAuthMode fail with
#: RS_RET_VALUE_NOT_SUPPORTED ("authentication mode '%s' not supported"), and omfwd.c's
#: connection setup (`CHKiRet(netstrm.SetDrvrAuthMode(...))`) with it: nothing is sent (R17H-3).
AUTH_MODES = ("x509/name", "x509/fingerprint", "x509/certvalid", "anon")
#: omfwd's `streamdriver.permitExpiredCerts` (tools/omfwd.c, the action parameter's only
#: name; no legacy directive) values with which the drivers accept an expired server
#: certificate: nsd_gtls.c, nsd_ossl.c and nsd_mbedtls.c SetPermitExpiredCerts compare with
#: strcasecmp, "off" or unset denies ("default is set to off!"), "warn" only logs a warning and
#: "on" permits; gtlsChkPeerAuth checks validity (expiry) in x509/name mode, not for a pinned
#: fingerprint (HL18-4). A CA may drop a revoked certificate from its CRL once it has expired
#: (RFC 5280 section 3.3: not "until it appears on one regularly scheduled CRL issued beyond the
#: revoked certificate's validity period"), so an expired certificate's key is checked by nothing.
EXPIRED_ACCEPTED = ("on", "warn")
EXPIRED_TLS = (
    "streamdriver.permitExpiredCerts '{}': the server's certificate is accepted after it "
    "expires, so a retired key, which CRLs no longer need to list, passes as the log server"
)
#: The rsyslog releases whose omfwd leaves an unset permitExpiredCerts at the drivers' zero,
#: GTLS_EXPIRED_PERMIT / OSSL_EXPIRED_PERMIT (nsd_gtls.h, nsd_ossl.h: PERMIT = 0; objects are
#: calloc'ed, obj-types.h BEGINobjConstruct): the parameter came with 8.1901.0 (commit 3d9b8df
#: "add new Option StreamDriver.PermitExpiredCerts"; 8.40.0 rejected expired certificates
#: outright), and omfwd called SetDrvrPermitExpiredCerts only when it was given until 8.2012.0
#: (commit b5356f8, ChangeLog 2020-11-03 "omfwd bug: param StreamDriver.PermitExpiredCerts is
#: not 'off' by default ... could lead to permitting sessions which should not be permitted";
#: rsyslog at ee72adc read with `fetch`, `git show` of each tag) (HL18-7).
EXPIRED_DEFAULT_ON = ((8, 1901), (8, 2012))
#: omfwd reads streamdriver.permitExpiredCerts from 8.2001.0 only: from 8.1901.0 to 8.1911.0
#: newActInst compares the name, but actpdescr does not list it (`git show v8.1901.0:tools/
#: omfwd.c`), so nvlstGetParams never sets it and rsyslog reports "parameter ... not known" and
#: ignores it (grammar/rainerscript.c nvlstChkUnused): the driver keeps its default, 'on' in
#: those releases (EXPIRED_DEFAULT_ON). Fixed by commit 80b3fc65d "omfwd: parameter
#: streamdriver.permitexpiredcerts did not work" (ChangeLog 2020-01-12, issue #4098) (R31L-2).
OMFWD_EXPIRED_SINCE = (8, 2001)
EXPIRED_BY_DEFAULT = (
    "streamdriver.permitExpiredCerts unset, which rsyslog {} takes as 'on' (omfwd sets no "
    "default before 8.2012.0): the server's certificate is accepted after it expires, so a "
    "retired key, which CRLs no longer need to list, passes as the log server"
)
UNKNOWN_AUTH = (
    "StreamDriverAuthMode '{}', which no TLS driver knows: rsyslog fails every connection and "
    "sends nothing"
)
#: A stream driver is loaded by the name the configuration gives, as written: runtime/netstrms.c
#: loadDrvr builds "lmnsd_<name>" from it (SetDrvrName keeps it as given), runtime/obj.c
#: FindObjInfo compares object names with strcmp and runtime/modules.c Load() dlopens
#: "<moddir>/lmnsd_<name>.so"; the drivers are installed as lmnsd_gtls.so, lmnsd_ossl.so and
#: lmnsd_mbedtls.so, so `StreamDriver="GTLS"` loads nothing and every connection fails (R29L-6).
#: (omfwd's parameter names are case-insensitive, its values are not.)
DRIVER_CASE = (
    "stream driver '{driver}': rsyslog loads driver modules by the name as written "
    "(lmnsd_{driver}), and only lmnsd_{lower} exists, so it fails every connection and sends "
    "nothing"
)
#: An empty StreamDriver="" is a name: omfwd.c newActInst keeps it (es_str2cstr), TCPSendInitTarget
#: hands it to netstrms.SetDrvrName, which keeps any non-NULL name, and netstrms.c loadDrvr
#: falls back to the global default only for no name (`pBaseDrvrName == NULL`), so it loads
#: "lmnsd_", which does not exist, for every TCP connection: nothing is sent (R30L-7).
EMPTY_DRIVER = (
    'StreamDriver="" names no driver: rsyslog loads the stream driver module "lmnsd_", which '
    "does not exist, so it fails every connection and sends nothing"
)
#: omfwd's streamdriver.name, streamdriver.mode and streamdriver.authmode are aliases of
#: StreamDriver, StreamDriverMode and StreamDriverAuthMode that came with 8.2502.0 (commit
#: 1bb837805 "omfwd: align some parameters with imtcp names"): an older release reports
#: "parameter not known" and ignores them (grammar/rainerscript.c nvlstChkUnused), so the action
#: keeps the defaults (driver from the global default, else ptcp; mode 0: plain TCP). Where
#: both names are given the alias wins: newActInst walks actpdescr in order, and each alias is
#: listed after its parameter and sets the same field (R30L-5, R30L-6).
ALIASES = {
    "streamdriver.name": "driver",
    "streamdriver.mode": "mode",
    "streamdriver.authmode": "auth",
}
ALIASES_SINCE = (8, 2502)
#: omfwd parameters read as a word (tools/omfwd.c actpdescr, eCmdHdlrGetWord; those rsyslog 8
#: has always known): grammar/rainerscript.c doGetWord refuses a value holding whitespace
#: (C isspace: "parameter '%s' contains whitespace, which is not permitted", since 2011, commit
#: 47c961eac), nvlstGetParams then returns no parameters, and newActInst aborts
#: (RS_RET_MISSING_CNFPARAMS): the action is not created and nothing is sent (R30L-9).
#: tcp_framing and compression.mode are words in every release 8 too (`git show v8.1.0:tools/
#: omfwd.c`) (R31L-3).
WORD_PARAMS = (
    "protocol",
    "template",
    "streamdriver",
    "streamdriverauthmode",
    "streamdriverpermittedpeers",
    "tcp_framing",
    "compression.mode",
)
#: The word parameters only some releases read as a word, with the first release that does and
#: the first that no longer does (None: every one); `git show` of each tag's tools/omfwd.c
#: actpdescr (rsyslog ee72adc read with `fetch`): device came with 8.24.0, networknamespace with
#: 8.26.0, address with 8.35.0, streamdriver.permitexpiredcerts is listed from 8.2001.0
#: (OMFWD_EXPIRED_SINCE), the aliases from 8.2502.0 (ALIASES_SINCE); target and port are words
#: until 8.2408.0, arrays (eCmdHdlrArray) from it (commit 1c0f9bba5). A release that does not
#: know a parameter ignores it ("parameter not known", nvlstChkUnused), so whitespace refuses
#: the action only where the release reads it as a word (R31L-3).
WORD_PARAMS_BY_RELEASE: dict[str, tuple[tuple[int, int] | None, tuple[int, int] | None]] = {
    "target": (None, (8, 2408)),
    "port": (None, (8, 2408)),
    "device": ((8, 24), None),
    "networknamespace": ((8, 26), None),
    "address": ((8, 35), None),
    "streamdriver.permitexpiredcerts": ((8, 2001), None),
    "streamdriver.name": ((8, 2502), None),
    "streamdriver.authmode": ((8, 2502), None),
}
WHITESPACE = (
    'parameter {name}="{value}" contains whitespace, which rsyslog does not permit in it: it '
    "refuses the action, so nothing is sent"
)
#: rsyslog reads a binary parameter (eCmdHdlrBinary) with grammar/rainerscript.c doGetBinary:
#: libestr's es_strbufcmp (exact, case-sensitive, whole string) against "on", then "off";
#: anything else ("ON", "yes", "1", "on ") is "must be \"on\" or \"off\" but is neither" and a
#: failed parameter (since 2011, commit 47c961eac), so nvlstGetParams returns NULL and the action
#: is refused: tools/omfwd.c and plugins/omrelp/omrelp.c newActInst abort with
#: RS_RET_MISSING_CNFPARAMS, action.c actionNewInst (runtime/action.c from 8.2606.0) with
#: RS_RET_PARAM_ERROR for the parameters every action() shares (rsyslog ee72adc read with
#: `fetch`, `git show` of each tag) (R33L-2).
NOT_ON_OFF = (
    'parameter {name}="{value}" is neither "on" nor "off", the only values rsyslog reads for '
    "it: it refuses the action, so nothing is sent"
)
#: A numeric parameter (eCmdHdlrInt) is read by doGetInt with libestr's es_str2num, which
#: succeeds only where the whole value is the number: ASCII decimal digits, a leading '-', or
#: octal digits after a leading '0' ("08", "1 ", "+1", "" fail: "parameter '%s' is not a
#: proper number"); doGetNonNegInt and doGetPositiveInt also fail one below 0 or 1: a failed
#: parameter, and the action is refused as for NOT_ON_OFF (R33L-3). A "0x" value is read past
#: its end by es_str2num_hex and not judged.
NOT_A_NUMBER = (
    'parameter {name}="{value}" is not {what}, which rsyslog requires of it: it refuses the '
    "action, so nothing is sent"
)
_NUMBER_KINDS = {
    "int": "a number",
    "nonneg": "a number of 0 or more",
    "positive": "a number above 0",
    "size": "a size (digits, then at most one of k, m, g, t, p, e, K, M, G, T, P, E)",
}
#: The word, binary and numeric parameters of the outputs hvaudit reads (R33L-2, R33L-3), with
#: the first release whose actpdescr lists them (None: every release 8; `git show` of each
#: v8.N.0 tag): the action() parameters every output shares (action.c pblk: name a word,
#: action.* binary or numbers), omrelp's (plugins/omrelp/omrelp.c actpdescr: target, port,
#: template and localclientip words, tls and tls.compression binary, keepalive from 8.2510.0,
#: commit f1de42819, tls.permanentFailureDisablesAction from 8.2606.0, commit cc4efba70) and
#: omfwd's binary and numeric ones (tools/omfwd.c actpdescr; StreamDriverMode a number, which
#: _mode reads as the mode once rsyslog takes it). Each is checked where the release lists it; a
#: release that does not ignores it ("parameter not known"). omfwd's keepalive.probes, .time
#: and .interval are 0 or more from 8.2010.0, positive before it (OMFWD_TYPED_WINDOW); udp.sendbuf
#: (from 8.29.0, commit 79032d68c) a size (eCmdHdlrSize, _rsyslog_size) (R34L-1).
#: iobuffer.maxsize is a module parameter (modpdescr, OMFWD_MODULE_TYPED), which an action()
#: does not know and ignores ("parameter not known") (R34L-5).
ACTION_TYPED: dict[str, tuple[str, tuple[int, int] | None]] = {
    "name": ("word", None),
    "action.execonlywhenpreviousissuspended": ("binary", None),
    "action.repeatedmsgcontainsoriginalmsg": ("binary", None),
    "action.writeallmarkmessages": ("binary", None),
    "action.reportsuspension": ("binary", (8, 2)),
    "action.reportsuspensioncontinuation": ("binary", (8, 2)),
    "action.copymsg": ("binary", (8, 10)),
    "action.execonlyeverynthtime": ("int", None),
    "action.execonlyeverynthtimetimeout": ("int", None),
    "action.execonlyonceeveryinterval": ("int", None),
    "action.resumeinterval": ("int", None),
    "action.resumeretrycount": ("int", None),
    "action.resumeintervalmax": ("positive", (8, 1901)),
    "action.errorfile.maxsize": ("int", (8, 2204)),
}
OMFWD_TYPED: dict[str, tuple[str, tuple[int, int] | None]] = {
    "compression.stream.flushontxend": ("binary", None),
    "resendlastmsgonreconnect": ("binary", None),
    "udp.sendtoall": ("binary", (8, 6)),
    "keepalive": ("binary", (8, 13)),
    "streamdriver.checkextendedkeypurpose": ("binary", (8, 1910)),
    "streamdriver.prioritizesan": ("binary", (8, 1910)),
    "extendedconnectioncheck": ("binary", (8, 2408)),
    "streamdrivermode": ("int", None),
    "streamdriver.mode": ("int", (8, 2502)),
    "rebindinterval": ("int", None),
    "ziplevel": ("int", None),
    "maxerrormessages": ("int", None),
    "udp.senddelay": ("int", (8, 7)),
    "keepalive.probes": ("nonneg", (8, 13)),
    "keepalive.time": ("nonneg", (8, 13)),
    "keepalive.interval": ("nonneg", (8, 13)),
    "tcp_framedelimiter": ("int", (8, 28)),
    "ipfreebind": ("int", (8, 35)),
    "streamdriver.tlsverifydepth": ("positive", (8, 2001)),
    "ratelimit.interval": ("int", (8, 2012)),
    "ratelimit.burst": ("int", (8, 2012)),
    "conerrskip": ("nonneg", (8, 2102)),
    "pool.resumeinterval": ("positive", (8, 2408)),
    "tcp_user_timeout": ("nonneg", (8, 2608)),
    "udp.sendbuf": ("size", (8, 29)),
}
#: omfwd parameters whose kind differs in a window of releases, as (kind, first release, first
#: release that no longer reads it so): keepalive.probes, .time and .interval are
#: eCmdHdlrPositiveInt in tools/omfwd.c actpdescr from v8.13.0 through v8.2008.0 and
#: eCmdHdlrNonNegInt from v8.2010.0 (commit 2e3b767d0 "Replaced eCmdHdlrPositiveInt with
#: eCmdHdlrNonNegInt where default is 0"; `git show` of each tag, rsyslog ee72adc read with
#: `fetch`): grammar/rainerscript.c doGetPositiveInt fails a value below 1 ("cannot be less
#: than one"), so "0" there refuses the action as any failed parameter does (R33L-3, R34L-1).
OMFWD_TYPED_WINDOW: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] = {
    "keepalive.probes": ("positive", (8, 13), (8, 2010)),
    "keepalive.time": ("positive", (8, 13), (8, 2010)),
    "keepalive.interval": ("positive", (8, 13), (8, 2010)),
}
#: omfwd's typed module parameters (tools/omfwd.c modpdescr, `git show` of each v8.N.0 tag):
#: template a word in every release 8, iobuffer.maxsize 0 or more from 8.2408.0. setModCnf
#: aborts where nvlstGetParams fails one (RS_RET_MISSING_CNFPARAMS) before it sets anything,
#: and runtime/modules.c Load marks the built-in module's parameters set all the same
#: (bSetModCnfCalled; a later statement is "already set - ignored"): that module statement
#: gives no CA default (MODULE_DEFAULTS) (R34L-5).
OMFWD_MODULE_TYPED: dict[str, tuple[str, tuple[int, int] | None]] = {
    "template": ("word", None),
    "iobuffer.maxsize": ("nonneg", (8, 2408)),
}
OMRELP_TYPED: dict[str, tuple[str, tuple[int, int] | None]] = {
    "target": ("word", None),
    "port": ("word", None),
    "template": ("word", None),
    "localclientip": ("word", (8, 6)),
    "tls": ("binary", None),
    "tls.compression": ("binary", None),
    "keepalive": ("binary", (8, 2510)),
    "tls.permanentfailuredisablesaction": ("binary", (8, 2606)),
    "rebindinterval": ("int", None),
    "windowsize": ("int", None),
    "timeout": ("int", None),
    "conn.timeout": ("int", (8, 20)),
    "keepalive.probes": ("int", (8, 2510)),
    "keepalive.time": ("int", (8, 2510)),
    "keepalive.interval": ("int", (8, 2510)),
}


#: The typed module parameters of the input modules that carry the host's own messages
#: (LOCAL_INPUTS), with the first release whose modpdescr lists them (`git show` of each v8.N.0
#: tag): plugins/imuxsock/imuxsock.c, plugins/imjournal/imjournal.c, plugins/imklog/imklog.c.
#: Their setModCnf aborts where nvlstGetParams fails a parameter (RS_RET_MISSING_CNFPARAMS,
#: "error processing module config parameters [module(...)]"), and runtime/modules.c Load then
#: aborts the load ("failed processing config parameters", abortCnfUse): the module is not
#: in the configuration, so it reads nothing (R33L-6). syslog-ng and string parameters aside.
ACTION_REFUSED = "it refuses the action, so nothing is sent"
MODULE_REFUSED = "it refuses the module() statement, which loads nothing"
MODULE_TYPED: dict[str, dict[str, tuple[str, tuple[int, int] | None]]] = {
    "imuxsock": {
        "syssock.use": ("binary", None),
        "syssock.name": ("word", None),
        "syssock.annotate": ("binary", None),
        "syssock.flowcontrol": ("binary", None),
        "syssock.ignoreownmessages": ("binary", None),
        "syssock.ignoretimestamp": ("binary", None),
        "syssock.parsetrusted": ("binary", None),
        "syssock.unlink": ("binary", None),
        "syssock.usepidfromsystem": ("binary", None),
        "syssock.usesystimestamp": ("binary", None),
        "syssock.ratelimit.burst": ("int", None),
        "syssock.ratelimit.interval": ("int", None),
        "syssock.ratelimit.severity": ("int", None),
        "syssock.parsehostname": ("binary", (8, 9)),
        "syssock.usespecialparser": ("binary", (8, 9)),
    },
    "imjournal": {
        "ignorepreviousmessages": ("binary", None),
        "persiststateinterval": ("int", None),
        "ratelimit.burst": ("int", None),
        "ratelimit.interval": ("int", None),
        "statefile": ("word", None),
        "usepidfromsystem": ("binary", (8, 6)),
        "ignorenonvalidstatefile": ("binary", (8, 24)),
        "workaroundjournalbug": ("binary", (8, 37)),
        "fsync": ("binary", (8, 1908)),
        "remote": ("binary", (8, 1911)),
        "defaulttag": ("word", (8, 2312)),
    },
    "imklog": {
        "keepkerneltimestamp": ("binary", None),
        "parsekerneltimestamp": ("binary", None),
        "permitnonkernelfacility": ("binary", None),
        "consoleloglevel": ("int", None),
        "logpath": ("word", None),
        "ratelimitburst": ("int", (8, 35)),
        "ratelimitinterval": ("int", (8, 35)),
    },
}


def _module_refused(
    name: str, params: dict[str, str], release: tuple[int, int] | None
) -> str | None:
    """Why rsyslog refuses this module() statement of a LOCAL_INPUTS module (MODULE_TYPED): the
    reason where the release lists the failed parameter (every release 8, or the running one),
    "" where none fails, None where one fails only from a release that is not known (R33L-6)."""
    always, bound = _typed_refusals(params, MODULE_TYPED.get(name, {}))
    if always:
        return always.replace(ACTION_REFUSED, MODULE_REFUSED)
    unsure = False
    for _, since, until, why, _ in bound:
        if release is None:
            unsure = True
        elif _in_window(release, since, until):
            return why.replace(ACTION_REFUSED, MODULE_REFUSED)
    return None if unsure else ""


def _in_window(
    release: tuple[int, int], since: tuple[int, int] | None, until: tuple[int, int] | None
) -> bool:
    """Whether a release reads a typed parameter as its table says: from `since` (None: every
    release 8) and before `until` (None: every later one) (OMFWD_TYPED_WINDOW)."""
    return (since is None or release >= since) and (until is None or release < until)


def _rsyslog_size(value: str) -> bool:
    """Whether rsyslog reads a size parameter (eCmdHdlrSize): grammar/rainerscript.c doGetSize
    (the same from v8.1.0 to ee72adc, `git show`) takes ASCII digits (isdigit), then at most one
    of k, m, g, t, p, e (powers of 1024) or K, M, G, T, P, E (of 1000), and fails anything left
    after them ("parameter '%s' does not contain a valid size"): "64 k", "64kb", "-1" and "0x10"
    fail, "" is 0 (R34L-1)."""
    digits_end = len(value) - len(value.lstrip("0123456789"))
    rest = value[digits_end:]
    return rest == "" or (len(rest) == 1 and rest in "kmgtpeKMGTPE")


def _es_number(value: str) -> int | None:
    """The number libestr's es_str2num reads where it reads the whole value (NOT_A_NUMBER); None
    where it does not; a "0x" value is not judged (read as 0)."""
    ascii_digits = "0123456789"
    if not value:
        return None
    if value[0] == "-":
        rest = value[1:]
        return -int(rest or "0") if all(c in ascii_digits for c in rest) else None
    if value.startswith("0x"):
        return 0
    if value[0] == "0":
        return int(value, 8) if all(c in "01234567" for c in value) else None
    return int(value) if all(c in ascii_digits for c in value) else None


Bound = tuple[str, tuple[int, int] | None, tuple[int, int] | None, str, str]
"""A typed parameter rsyslog refuses in some releases: (name, first release, first release that
no longer does, reason, what a release-unknown question says)."""


def _typed_refusals(
    params: dict[str, str],
    table: dict[str, tuple[str, tuple[int, int] | None]],
    windows: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] | None = None,
) -> tuple[str, tuple[Bound, ...]]:
    """The parameters of `table` rsyslog refuses (a word holding whitespace, a binary that is not
    exactly "on" or "off", a number es_str2num does not read or below its floor, a size doGetSize
    does not read): the reason for one every release 8 lists, and (name, since, until, reason,
    what a release-unknown question says) for the release-bound ones, those of `windows` (read
    so only in a window of releases) among them (R33L-2, R33L-3, R34L-1)."""
    always = ""
    bound: list[Bound] = []
    entries: list[tuple[str, str, tuple[int, int] | None, tuple[int, int] | None]] = [
        (name, kind, since, None) for name, (kind, since) in table.items()
    ]
    entries += [(name, kind, a, b) for name, (kind, a, b) in (windows or {}).items()]
    for name, kind, since, until in entries:
        if name not in params or any(b[0] == name for b in bound):
            continue
        value = _value(params[name])
        shown = value[:60]
        if kind == "binary" and value not in ("on", "off"):
            why = NOT_ON_OFF.format(name=name, value=shown)
            wrong, reads = 'is neither "on" nor "off"', '"on" or "off" only'
        elif kind == "word" and any(c in " \t\n\v\f\r" for c in value):
            why = WHITESPACE.format(name=name, value=shown)
            wrong, reads = "holds whitespace", "a word"
        elif kind in _NUMBER_KINDS and (
            not _rsyslog_size(value)
            if kind == "size"
            else (n := _es_number(value)) is None
            or (kind == "nonneg" and n < 0)
            or (kind == "positive" and n < 1)
        ):
            why = NOT_A_NUMBER.format(name=name, value=shown, what=_NUMBER_KINDS[kind])
            wrong, reads = f"is not {_NUMBER_KINDS[kind]}", _NUMBER_KINDS[kind]
        else:
            continue
        if since is None:
            always = always or why
        else:
            which = f"from {since[0]}.{since[1]}.0"
            if until is not None:
                which += f" before {until[0]}.{until[1]}.0"
            said = (
                f'{name}="{shown}" {wrong} (rsyslog {which} reads it as {reads} and refuses the '
                "action)"
            )
            bound.append((name, since, until, why, said))
    return always, tuple(bound)


#: The typed parameters of global() (runtime/glbl.c cnfparamdescr), with the first release that
#: lists each (None: v8.1.0 on), from `git show` of each v8.N.0 tag (rsyslog ee72adc read with
#: `fetch`); debug.gnutls was eCmdHdlrPositiveInt from 8.8.0 before 8.2010.0
#: (GLOBAL_TYPED_WINDOW). glblProcessCnf reads every global() into one static parameter array,
#: `cnfparamvals = nvlstGetParams(o->nvlst, &paramblk, cnfparamvals)` (v8.1.0 to ee72adc): a
#: parameter rsyslog fails makes nvlstGetParams return NULL ("error processing global config
#: parameters [global(...)]"), so that statement sets nothing and the array of the global()
#: statements before it is dropped with it; glblDoneLoadCnf sets DefaultNetstreamDriverCAFile,
#: NetstreamDriverCAExtraFiles (and, before 8.2608.0, DefaultNetstreamDriver) only from that
#: array at the end of the configuration. The legacy `$DefaultNetstreamDriver...` directives set
#: their values at once and stay (R34L-2). Where the release is not known and a parameter fails
#: only in some releases, a TLS pass that rests on a global() setting is asked.
GLOBAL_TYPED: dict[str, tuple[str, tuple[int, int] | None]] = {
    "abortonfailedqueuestartup": ("binary", (8, 2210)),
    "abortonuncleanconfig": ("binary", (8, 37)),
    "action.reportsuspension": ("binary", (8, 2)),
    "action.reportsuspensioncontinuation": ("binary", (8, 2)),
    "allmessagestostderr": ("binary", (8, 2408)),
    "compactjsonstring": ("binary", (8, 2510)),
    "compatibility.configformat.legacy": ("word", (8, 2606)),
    "compatibility.configformat.property": ("word", (8, 2606)),
    "compatibility.configformat.syslogd": ("word", (8, 2606)),
    "compatibility.defaults.secure": ("word", (8, 2606)),
    "debug.abortonprogramerror": ("binary", (8, 2408)),
    "debug.gnutls": ("nonneg", (8, 2010)),
    "debug.onshutdown": ("binary", (8, 2)),
    "debug.unloadmodules": ("binary", (8, 17)),
    "debug.whitelist": ("binary", (8, 29)),
    "default.action.queue.timeoutactioncompletion": ("int", (8, 1901)),
    "default.action.queue.timeoutenqueue": ("int", (8, 1901)),
    "default.action.queue.timeoutshutdown": ("int", (8, 1901)),
    "default.action.queue.timeoutworkerthreadshutdown": ("int", (8, 1901)),
    "default.ruleset.queue.timeoutactioncompletion": ("int", (8, 1905)),
    "default.ruleset.queue.timeoutenqueue": ("int", (8, 1905)),
    "default.ruleset.queue.timeoutshutdown": ("int", (8, 1905)),
    "default.ruleset.queue.timeoutworkerthreadshutdown": ("int", (8, 1905)),
    "dropmsgswithmaliciousdnsptrrecords": ("binary", None),
    "errormessagestostderr.maxnumber": ("positive", (8, 30)),
    "inputs.timeout.shutdown": ("positive", (8, 37)),
    "internal.developeronly.options": ("int", (8, 35)),
    "internalmsg.ratelimit.burst": ("positive", (8, 29)),
    "internalmsg.ratelimit.interval": ("positive", (8, 29)),
    "janitor.interval": ("positive", (8, 4)),
    "libcapng.default": ("binary", (8, 2306)),
    "libcapng.enable": ("binary", (8, 2310)),
    "localhostname": ("word", None),
    "maxmessagesize": ("size", None),
    "maxopenfiles": ("positive", (8, 2606)),
    "net.acladdhostnameonfail": ("binary", (8, 6)),
    "net.aclresolvehostname": ("binary", (8, 6)),
    "net.enabledns": ("binary", (8, 6)),
    "net.ipprotocol": ("word", (8, 6)),
    "net.permitaclwarning": ("binary", (8, 6)),
    "oversizemsg.errorfile": ("word", (8, 35)),
    "oversizemsg.input.mode": ("word", (8, 35)),
    "oversizemsg.report": ("binary", (8, 35)),
    "parser.droptrailingcronreception": ("binary", (8, 2606)),
    "parser.droptrailinglfonreception": ("binary", (8, 2)),
    "parser.escape8bitcharactersonreceive": ("binary", (8, 2)),
    "parser.escapecontrolcharacterscstyle": ("binary", (8, 2)),
    "parser.escapecontrolcharactersonreceive": ("binary", (8, 2)),
    "parser.escapecontrolcharactertab": ("binary", (8, 2)),
    "parser.parsehostnameandtag": ("binary", (8, 6)),
    "parser.permitslashinprogramname": ("binary", (8, 25)),
    "parser.spacelfonreceive": ("binary", (8, 2)),
    "parser.supportcompressionextension": ("binary", (8, 2106)),
    "preservefqdn": ("binary", None),
    "privdrop.group.id": ("positive", (8, 2110)),
    "privdrop.group.keepsupplemental": ("binary", (8, 18)),
    "privdrop.user.id": ("positive", (8, 2110)),
    "processinternalmessages": ("binary", (8, 2)),
    "reportchildprocessexits": ("word", (8, 1901)),
    "reverselookup.cache.ttl.default": ("nonneg", (8, 1904)),
    "reverselookup.cache.ttl.enable": ("binary", (8, 1904)),
    "security.abortonidresolutionfail": ("binary", (8, 2002)),
    "senders.keeptrack": ("binary", (8, 17)),
    "senders.reportgoneaway": ("binary", (8, 17)),
    "senders.reportnew": ("binary", (8, 17)),
    "senders.timeoutafter": ("positive", (8, 17)),
    "shutdown.enable.ctlc": ("binary", (8, 33)),
    "shutdown.queue.doublesize": ("binary", (8, 2006)),
    "systemd.notifyreadydelay": ("binary", (8, 2608)),
    "variables.casesensitive": ("binary", (8, 30)),
}
GLOBAL_TYPED_WINDOW: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] = {
    "debug.gnutls": ("positive", (8, 8), (8, 2010)),
}
#: The first release whose glblProcessCnf sets DefaultNetstreamDriver where the global() stands
#: (before it, glblDoneLoadCnf set it from the parameter array at the end) (R34L-2).
GLOBAL_DRIVER_AT_ONCE = (8, 2608)
GLOBAL_REFUSED = (
    "it refuses the global() statement, which sets nothing, nor do the global() statements "
    "before it"
)


def _global_refused(params: dict[str, str], release: tuple[int, int] | None) -> tuple[str, str]:
    """Why rsyslog refuses this global() statement (GLOBAL_TYPED), as (reason, what a
    release-unknown question says): ("", "") where no parameter fails, ("", said) where one
    fails only in releases and the release is not known (R34L-2)."""
    always, bound = _typed_refusals(params, GLOBAL_TYPED, GLOBAL_TYPED_WINDOW)
    if always:
        return always.replace(ACTION_REFUSED, GLOBAL_REFUSED), ""
    said = []
    for _, since, until, why, what in bound:
        if release is None:
            said.append(
                what.replace(
                    "refuses the action", "refuses the global() statement and those before it"
                )
            )
        elif _in_window(release, since, until):
            return why.replace(ACTION_REFUSED, GLOBAL_REFUSED), ""
    return "", "; ".join(said)


#: An output module other than the built-in omfwd is found by its configuration name among
#: the modules loaded so far: runtime/action.c actionNewInst (action.c before 8.2606.0, the same
#: in v8.1.0) calls module.FindWithCnfName (runtime/modules.c, strcasecmp of the module's
#: cnfName) and refuses the action with "module name '%s' is unknown" (RS_RET_MOD_UNKNOWN)
#: where none is; rsyslog loads no output module by itself, and grammar/grammar.y instantiates
#: each action as it parses it (s_act: cnfstmtNewAct -> actionNewInst), after the module()
#: statements read before it (`conf obj { cnfDoObj }`). So an omrelp action with no
#: `module(load="omrelp")` or `$ModLoad omrelp` ahead of it sends nothing (R33L-5). Judged only
#: where every file read before it was read (no unread include) and no module() whose
#: config.enabled comes from the environment loads it.
NOT_LOADED = (
    'omrelp is not loaded before the action (no module(load="omrelp") or $ModLoad omrelp ahead '
    "of it): rsyslog refuses the action, \"module name 'omrelp' is unknown\", so nothing is sent"
)


def _module_name(load: str) -> str:
    """A module's name as rsyslog loads it: the file's base name without ".so" (runtime/modules.c
    Load strips the extension; a path names the file)."""
    return load.rsplit("/", 1)[-1].lower().removesuffix(".so")


#: An action's templates are found when rsyslog creates it: runtime/action.c addAction looks
#: each up with tplFind (runtime/template.c: exact, case-sensitive strcmp of the name) among the
#: templates defined so far ("Hint: templates MUST be defined before they are used!") and
#: otherwise logs "Could not find template %d '%s' - action disabled" and aborts
#: (RS_RET_NOT_FOUND): the action is never created. template() objects and legacy `$template`
#: lines define them where they stand (cnfDoObj -> tplProcessCnf, runtime/conf.c doNameLine);
#: runtime/rsconf.c adds BUILTIN_TEMPLATES first (those without a leading blank, the union of
#: every v8.N.0 tag's tplAddLine calls, `git show`; rsyslog ee72adc read with `fetch`). Judged
#: for an action's template= (and a legacy selector's `;NAME`) where every file before it was
#: read and each template() read names itself on its first line (R34L-4).
BUILTIN_TEMPLATES = frozenset(
    {
        "RSYSLOG_DebugFormat",
        "RSYSLOG_FileFormat",
        "RSYSLOG_ForwardFormat",
        "RSYSLOG_PerSourceKey",
        "RSYSLOG_SysklogdFileFormat",
        "RSYSLOG_SyslogProtocol23Format",
        "RSYSLOG_SyslogRFC5424Format",
        "RSYSLOG_TraditionalFileFormat",
        "RSYSLOG_TraditionalForwardFormat",
        "RSYSLOG_omudpspoofDfltSourceTpl",
    }
)
NO_TEMPLATE = (
    'template "{name}" is not defined before the action (no template(name="{name}") or '
    "$template {name} ahead of it, and no built-in of that name): rsyslog disables the action, "
    '"Could not find template", so nothing is sent'
)
#: omfwd's default template, for an omfwd action without template= and a legacy selector without
#: `;NAME`: tools/omfwd.c getDfltTpl (the same in v8.1.0) takes the first builtin:omfwd module
#: statement's template (setModCnf, loadModConf->tplName), else `$ActionForwardDefaultTemplate`
#: (setLegacyDfltTpl, refused once the module's is set), else RSYSLOG_TraditionalForwardFormat,
#: as it creates the action; addAction then looks it up as NO_TEMPLATE says (R34L-6).
NO_DEFAULT_TEMPLATE = "omfwd's default template, set by {source}: " + NO_TEMPLATE
_TEMPLATE_OBJECT = re.compile(r"(?<![\w.$])template\s*\(", re.I)
_TEMPLATE_NAME = re.compile(r"""\bname\s*=\s*("[^"]*"|'[^']*'|[^\s)"']+)""", re.I)
_LEGACY_TEMPLATE = re.compile(r"^\$template\s+([^,\s]+)\s*,", re.I)


#: omfwd decides two things by the stream driver in effect when it reads the action (tools/omfwd.c
#: newActInst and parseSelectorAct call applyModuleTlsDefaults and applySecureDefaultsToForwarding,
#: which take glblGetEffectiveNetstrmDrvr: the action's StreamDriver, else the global default as
#: set so far): omfwd's module CA defaults go to an action whose driver is then TLS-capable
#: (ossl for the extra CA files), and strict secure defaults turn an unset mode into 1 only
#: then. `global(DefaultNetstreamDriver=)`, `$DefaultNetstreamDriver` and
#: compatibility.defaults.secure take effect where they stand (runtime/glbl.c glblProcessCnf
#: acts on them "immediately", setDfltNetstrmDrvr), while the connection loads the default
#: driver of the whole configuration (runtime/netstrms.c loadDrvr, runConf). So a default driver
#: set after the action gives it TLS with no module CA, or mode 0 (R30L-8).
READ_ORDER = (
    "{module} gave the action no CA: the stream driver when the action was read was {driver} "
    "(DefaultNetstreamDriver is set after it)"
)
#: The TLS drivers know modes 0 (plain) and 1 (TLS) only: nsd_gtls.c, nsd_ossl.c and
#: nsd_mbedtls.c SetMode refuse any other ("error: driver mode %d not supported",
#: RS_RET_INVALID_DRVR_MODE), and omfwd.c's connection setup stops at
#: `CHKiRet(netstrm.SetDrvrMode(...))`: nothing is sent (R26L-3).
UNKNOWN_MODE = (
    "StreamDriverMode {}, which no TLS driver knows: rsyslog fails every connection and sends "
    "nothing"
)
#: x509/fingerprint compares the server certificate's SHA1/SHA256 fingerprint with each permitted
#: peer and refuses it when none matches (rsyslog runtime/nsd_gtls.c gtlsChkPeerFingerprint,
#: runtime/net_ossl.c the same loop over pPermPeers; librelp src/tcp.c relpTcpChkPeerFingerprint),
#: and librelp's "name" mode checks the certificate's names against the permitted peers only
#: (relpTcpChkOnePeerName; omfwd's x509/name alone falls back to the target's name, nsd_gtls.c
#: gtlsChkOnePeerName `pszConnectHost`): with no permitted peer every server is refused (R26L-1).
NO_PEERS = (
    "{auth} with no {peers}: the TLS driver matches the server's certificate against no "
    "permitted peer and refuses every server, so nothing is sent"
)
#: The CA certificate the TLS drivers check the server's chain against: the action's
#: streamdriver.CAFile, else omfwd's module default (module(load="omfwd" streamdriver.CAFile=),
#: tools/omfwd.c applyModuleTlsDefaults, for action() objects and legacy `@@` selectors alike),
#: else the global DefaultNetstreamDriverCAFile (legacy $DefaultNetstreamDriverCAFile; runtime/
#: glbl.c); the ossl driver also loads CAExtraFiles (action, module or global
#: NetstreamDriverCAExtraFiles; runtime/net_ossl.c osslCtxInit). With none, gtls only warns "CA
#: certificate is not set" (runtime/nsd_gtls.c gtlsInitCred) and gtlsChkPeerCertValidity
#: refuses every server's certificate, "signer not found", in x509/name and x509/certvalid mode
#: (x509/fingerprint checks no chain there); ossl verifies every mode but anon (SSL_VERIFY_PEER,
#: runtime/nsd_ossl.c osslInitSession) and net_ossl_verify_callback fails any error but an
#: expired certificate; mbedtls does the same (runtime/nsd_mbedtls.c CheckVerifyResult aborts
#: on any verify flag): nothing is sent (R28L-1).
NO_CA = (
    "{auth} with no CA certificate ({where}): the TLS driver trusts no issuer, so it refuses "
    "every server and nothing is sent"
)
CA_SETTINGS = "DefaultNetstreamDriverCAFile, streamdriver.CAFile"
#: The releases that brought the CA settings hvaudit reads (rsyslog at ee72adc read with `fetch`,
#: `git show` of each tag; `git log -S` names the commits): the action's streamdriver.CAFile came
#: with 8.2108.0 (commit 39e81e133 "omfwd: add capability for action-specific TLS certificate
#: settings"), the global NetstreamDriverCAExtraFiles with 8.2210.0 (commit 318449ad3 "Add
#: mechanism to include extra CA files parameter"), omfwd's module defaults (streamdriver.CAFile,
#: streamdriver.CAExtraFiles) and the action's streamdriver.CAExtraFiles with 8.2608.0 (commit
#: 2a45fb831 "omfwd: support PKCS#11 URIs with ossl TLS"). An older release does not know the
#: parameter: grammar/rainerscript.c nvlstChkUnused only reports "parameter '%s' not known --
#: typo in config file?" and the object is used without it, so the driver gets no such CA
#: (R29L-2). The mbedtls driver came with 8.2512.0 (commit e4f64a4fc adds runtime/nsd_mbedtls.c):
#: before it netstrms.c loadDrvr finds no lmnsd_mbedtls and every connection fails. omfwd sets
#: an unset StreamDriverMode to 1 under compatibility.defaults.secure="strict" from 8.2608.0
#: (commit 5e320c646 "netstream: secure-default TLS driver mode handling" adds
#: applySecureDefaultsToForwarding); 8.2606.0 reads the parameter (glbl.c cnfparamdescr) but
#: only warns and sets abortOnUncleanConfig, and an older release ignores it ("not known"):
#: the mode stays 0, plain TCP (R34L-3).
SINCE = {
    "action CAFile": (8, 2108),
    "global CAExtraFiles": (8, 2210),
    "module": (8, 2608),
    "action CAExtraFiles": (8, 2608),
    "mbedtls": (8, 2512),
    "strict": (8, 2608),
}
#: omfwd is built into rsyslogd under the name "builtin:omfwd" (runtime/rsconf.c
#: regBuildInModule(modInitFwd, "builtin:omfwd")), and its module parameters are set by
#: `module(load="builtin:omfwd" ...)` only (omfwd's module-parameter docs: "Module parameters
#: are configured by loading the built-in module with module(load="builtin:omfwd" ...)"):
#: runtime/modules.c Load() compares the name with strncmp (findModule), so `load="omfwd"` finds
#: no built-in module and tries to dlopen omfwd.so, which no package ships (rsyslog's
#: rosi-collector README: "omfwd is built-in in rsyslog and does not require
#: module(load="omfwd"). If you see errors about omfwd.so missing, remove any explicit module
#: load"); a second statement for the built-in module is refused ("parameters for built-in
#: module %s already set - ignored"). The defaults are copied into each action when the action
#: is read (tools/omfwd.c newActInst and parseSelectorAct call applyModuleTlsDefaults with
#: loadModConf; grammar/grammar.y handles every object as it is parsed, `conf obj { cnfDoObj }`),
#: so a module statement after an action gives that action nothing; the extra CA files default
#: only to ossl actions (applyModuleTlsDefaults `if (osslDriver)`) (R29L-1).
MODULE_DEFAULTS = 'module(load="builtin:omfwd")'
#: omrelp's module parameter tls.tlslib="openssl" makes librelp use OpenSSL (plugins/omrelp/
#: omrelp.c setModCnf: relpEngineSetTLSLibByName; librelp relp.c, `strcasecmp(name,
#: "openssl")`; Debian's and Ubuntu's librelp build with both libraries, libssl-dev and
#: libgnutls28-dev in Build-Depends). Its client then checks the server's chain before any
#: mode's own check: librelp src/tcp.c relpTcpChkPeerAuth aborts when SSL_get_verify_result is
#: not X509_V_OK (OpenSSL verifies the chain and records the result under SSL_VERIFY_NONE too),
#: and relpTcpInitTLS loads a CA only from tls.caCert (SSL_CTX_load_verify_locations): in
#: fingerprint mode with no tls.caCert every server is refused, where the GnuTLS path checks
#: the fingerprint alone (R29L-7; librelp 6be42f4 read with `fetch`).
RELP_OPENSSL = "openssl"
#: The gtls and mbedtls drivers refuse extra CA files: runtime/nsd_gtls.c and nsd_mbedtls.c
#: SetTlsCAExtraFiles return RS_RET_VALUE_NOT_SUPPORTED ("extra CA Files setting not supported
#: by gtls netstream driver") for any value, and omfwd.c TCPSendInitTarget stops at
#: `CHKiRet(netstrm.SetDrvrTlsCAExtraFiles(...))` before it connects: nothing is sent. Only the
#: action's own setting reaches them (the module default goes to ossl actions only) (R29L-3).
EXTRA_REFUSED = (
    "streamdriver.CAExtraFiles, which the {driver} driver refuses (extra CA files are "
    "supported by ossl only): rsyslog fails every connection and sends nothing"
)
NO_MBEDTLS = (
    "StreamDriver mbedtls, which rsyslog {version} lacks (the mbedtls driver came with "
    "8.2512.0): rsyslog fails every connection and sends nothing"
)
#: A permitted peer holding `*` is a wildcard (rsyslog runtime/net.c PermittedPeerWildcardCompile
#: and PermittedPeerWildcardMatch, one name label per `*` component, `*` alone any label; librelp
#: src/tcp.c relpTcpChkOnePeerWildcard the same): any certificate of the CA whose name has that
#: shape passes as the log server, as under x509/certvalid for those names (R26L-1).
WILDCARD_PEER = (
    "{peers} '{peer}' is a wildcard: any certificate of the CA with a name of that shape "
    "passes as the log server"
)

#: The parameters that set a CA certificate outside an action (global, omfwd module).
_CA_PARAMS = {
    "defaultnetstreamdrivercafile",
    "netstreamdrivercaextrafiles",
    "streamdriver.cafile",
    "streamdriver.caextrafiles",
}

_OBJECT = re.compile(r"\b(action|global|include|module)\s*\(", re.I)
_PARAM = re.compile(
    r"""([A-Za-z][\w.]*)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|\[[^\]]*\]|[^\s)"']+)""", re.S
)
_LEGACY_FWD = re.compile(r"(?<![\w$])(@@?)(\([^)]*\))?\[?([\w.\-:]+?)\]?(:[0-9]+)?(;\S+)?\s*$")
_DIRECTIVE = re.compile(r"\$(\w+)\s*(.*)$")


@dataclass(frozen=True, slots=True)
class RsyslogDestination:
    """One remote destination: `name` (with the reason when it is not authenticated TLS)."""

    name: str
    tls: bool
    selector: str = ""
    """The legacy selector in front of the destination; "" for a `*.*` or an action object."""
    carries_host_logs: bool = True
    """False when no `daemon.err` message reaches the destination: libvirt's daemons log to the
    daemon facility (virlog.c's journald output sets SYSLOG_FACILITY=LOG_DAEMON, Debian bug
    799633), so a destination without it forwards none of the hypervisor's management log."""
    why_not: str = ""
    """Why the destination carries no host log (carries_host_logs False): its selector, an
    earlier `stop`, or a ruleset no local input reaches."""
    filters: tuple[str, ...] = ()
    """The conditions the action runs under that are not a facility/priority selector: an
    `if EXPR then` expression, a property-based filter (`:msg, contains, "x"`), the else branch
    of an `if`, a ruleset other than the default one. The action forwards only the messages
    they let through, which the configuration alone does not tell."""
    expiry_unknown: bool = False
    """TLS in x509/name mode with streamdriver.permitExpiredCerts unset, judged for no known
    rsyslog release: whether an expired server certificate is accepted depends on the release
    (EXPIRED_DEFAULT_ON), so the TLS the destination counts as is not settled (HL18-8)."""
    release_unknown: str = ""
    """TLS that rests on settings whose meaning depends on the rsyslog release (SINCE), judged
    for no known release: what the release decides (R29L-2)."""
    driver: str = ""
    """For TLS: the stream driver that carries it (gtls, ossl, mbedtls), "relp" for omrelp."""


@dataclass(slots=True)
class _Trust:
    """The CA certificates configured outside the actions (NO_CA): the global ones
    (DefaultNetstreamDriverCAFile, NetstreamDriverCAExtraFiles) and omfwd's module defaults
    (MODULE_DEFAULTS: the first `module(load="builtin:omfwd")` only, read where it stands);
    `unsure` when a file or object that may set one was not read."""

    ca: bool = False
    extra: bool = False
    unsure: bool = False
    module_ca: bool = False
    module_extra: bool = False
    module_seen: bool = False
    """A `module(load="builtin:omfwd")` was read (a later one is ignored)."""
    module_ignored: str = ""
    """Why a module statement that sets a CA default sets none (MODULE_DEFAULTS)."""
    module_late: bool = False
    """A CA default was set by a module statement after some action had been read."""
    relp_openssl: bool = False
    """`module(load="omrelp" tls.tlslib="openssl")`: librelp's OpenSSL path (RELP_OPENSSL)."""
    global_refused: str = ""
    """The last global() statement rsyslog refuses, with why (GLOBAL_TYPED): it and the global()
    statements before it set no CA certificate."""
    global_unsure: str = ""
    """A global() statement's parameter that fails in some releases, the release not known."""


@dataclass(frozen=True, slots=True)
class RsyslogForwarding:
    """Every destination rsyslogd forwards to, and the include patterns whose files were not
    collected (their destinations are unknown)."""

    destinations: tuple[RsyslogDestination, ...]
    unread: tuple[str, ...]
    inputs: tuple[str, ...] = ()
    """The input modules the configuration read loads (`module(load=...)`, `$ModLoad`), imuxsock
    only when it reads the system socket (its `SysSock.Use` is on, the default)."""
    main_read: bool = False
    """Whether /etc/rsyslog.conf was among the files read (else `inputs` may be incomplete)."""
    read_files: tuple[str, ...] = ()
    """The collected files rsyslogd reads (rsyslog.conf and what its includes name)."""
    refused_modules: tuple[str, ...] = ()
    """module() statements of LOCAL_INPUTS rsyslog refuses, with why (MODULE_TYPED): they load
    nothing, so they are not among `inputs` (R33L-6)."""
    syssock_name: str | None = None
    """The path the configuration names for imuxsock's system socket (`module(load="imuxsock"
    SysSock.Name=...)`, legacy `$SystemLogSocketName`), None where it names none. rsyslog
    plugins/imuxsock/imuxsock.c activateListeners takes journald's /run/systemd/journal/syslog
    on a systemd host only where no name is set ("if (runModConf->pLogSockName != NULL) ...
    else if (sd_booted())"), and createLogSocket binds a named path of its own (R41L-1). The
    legacy directive counts only where no module(load="imuxsock") statement loads imuxsock:
    modules.c Load calls its setModCnf with the statement's parameters, which sets
    configSetViaV2Method, and endCnfLoad then drops every legacy system-socket setting."""


@dataclass(slots=True)
class _Legacy:
    """The legacy `$ActionSend...` settings in force (omfwd.c configSettings_t)."""

    driver: str | None = None
    mode: int = 0
    mode_set: bool = False
    auth: str | None = None
    failover: bool = False
    """$ActionExecOnlyWhenPreviousIsSuspended on (action.c cs.bActExecWhenPrevSusp)."""
    peers: tuple[str, ...] = ()
    """`$ActionSendStreamDriverPermittedPeer` values given since the last `@@` action: omfwd.c
    setPermittedPeer adds each to cs.pPermPeers, and parseSelectorAct hands them to the next TCP
    action (`pData->pPermPeers = cs.pPermPeers; cs.pPermPeers = NULL`)."""


#: rsyslog "Actions", action.execOnlyWhenPreviousIsSuspended (legacy
#: $ActionExecOnlyWhenPreviousIsSuspended): "actions should always be executed ("off," the
#: default) or only if the previous action is suspended ("on")", a failover destination that
#: gets nothing while the action before it works (R23L-3)
FAILOVER = 'action.execOnlyWhenPreviousIsSuspended="on"'


def _value(raw: str) -> str:
    if raw[:1] in "\"'" and raw[-1:] == raw[:1] and len(raw) >= 2:
        return raw[1:-1]
    return raw


def _given(params: dict[str, str], name: str) -> bool:
    """A CA parameter set to a file: an empty value names none, and the drivers fail on it
    (runtime/nsd_gtls.c gtlsInitCred: gnutls_certificate_set_x509_trust_file of "" returns
    GNUTLS_E_FILE_ERROR, "error reading certificate file", and the connection aborts; ossl
    runtime/net_ossl.c osslCtxInit: "CA certificate '%s' could not be accessed"; librelp
    relpTcpInitTLS: SSL_CTX_load_verify_locations fails), so it counts as no CA (R29L-8)."""
    return bool(_value(params.get(name, "")).strip())


def _params(body: str) -> dict[str, str]:
    """An object's parameters, names lower-cased (RainerScript names are case-insensitive)."""
    return {m.group(1).lower(): m.group(2) for m in _PARAM.finditer(body)}


def _enabled(params: dict[str, str]) -> str:
    """An object's `config.enabled`: "on" when it is used, "off" when rsyslogd ignores it, "env"
    when a backtick takes it from the environment rsyslogd starts in. rsyslog "configuration
    objects" (8.33.0+): "All configuration objects have a config.enabled parameter ... If set to
    on or not specified, the construct will be used, if set to any other value, it will be
    ignored"; a backtick value is `echo $VAR` of rsyslogd's environment."""
    raw = params.get("config.enabled")
    if raw is None:
        return "on"
    if raw.startswith("`"):
        return "env"
    return "on" if _value(raw) == "on" else "off"


def _uncomment(lines: list[str]) -> str:
    """The file's text without `#` line comments (outside quotes) and `/* */` comments."""
    out = []
    for line in lines:
        quote = ""
        for i, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                line = line[:i]
                break
        out.append(line)
    return re.sub(r"/\*.*?\*/", " ", "\n".join(out), flags=re.S)


def _close(text: str, start: int) -> int:
    """The index of the ')' closing the object whose '(' is just before `start`."""
    quote = ""
    depth = 1
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def _statements(text: str) -> Iterator[tuple[str, str]]:
    """("object:NAME", parameters) for action/global/include objects and ("line", text) for the
    legacy lines between them, in file order."""
    pos = 0
    while True:
        m = _OBJECT.search(text, pos)
        between = text[pos : m.start() if m else len(text)]
        for line in between.splitlines():
            if line.strip():
                yield "line", line.strip()
        if m is None:
            return
        end = _close(text, m.end())
        yield f"object:{m.group(1).lower()}", text[m.end() : end]
        pos = end + 1


def _segments_match(pattern: list[str], path: list[str]) -> bool:
    return all(
        fnmatch.fnmatchcase(p, pat) and (pat.startswith(".") or not p.startswith("."))
        for pat, p in zip(pattern, path, strict=True)
    )


def _expand(pattern: str, files: list[str]) -> list[str]:
    """The collected files an include of `pattern` reads, in rsyslogd's order: glob(3) matches
    sorted, a matched directory read recursively (its hidden entries skipped, as glob does)."""
    pat = pattern.rstrip("/") + ("/*" if pattern.endswith("/") else "")
    pat_parts = pat.split("/")
    out = []
    for f in files:
        parts = f.split("/")
        if len(parts) < len(pat_parts) or not _segments_match(pat_parts, parts[: len(pat_parts)]):
            continue
        if any(p.startswith(".") for p in parts[len(pat_parts) :]):
            continue
        out.append(f)
    return sorted(out, key=lambda p: p.split("/"))


def _collected(pattern: str) -> bool:
    """Whether the collector reads every file `pattern` can name."""
    pat = pattern.rstrip("/")
    if pat == RSYSLOG_MAIN:
        return True
    return pat.startswith(RSYSLOG_TREE + "/") or pat == RSYSLOG_TREE


def _mode(raw: str | None) -> int | None:
    """A StreamDriverMode value: rsyslog reads it with libestr's es_str2num (ASCII `isdigit`),
    so anything but ASCII digits ("\u0661", a fullwidth one, which int() reads as 1) is no
    number: in an action() that refuses the action (NOT_A_NUMBER, judged first, R33L-3); the
    legacy directive's is read here as plain TCP (0)."""
    if raw is None:
        return None
    value = _value(raw).strip()
    return int(value) if digits(value) else 0


@dataclass(slots=True)
class _Pending:
    """A destination whose verdict needs the config-wide global settings."""

    name: str
    tcp: bool
    driver: str | None
    mode: int
    mode_set: bool
    auth: str | None
    tls_asked: bool
    selector: str = ""
    filters: tuple[str, ...] = ()
    stopped: tuple[str, ...] = ()
    """Selectors of the `stop` / `~` actions of the default ruleset before this action."""
    stopped_if: tuple[str, ...] = ()
    """`stop` / `~` actions of the same ruleset before this one under a filter hvaudit keeps as
    text (`if $programname startswith "libvirt" then stop`): they take what they match."""
    expired: str = ""
    """omfwd's streamdriver.permitExpiredCerts as given ("" unset: off)."""
    peers: tuple[str, ...] = ()
    """The permitted peers (omfwd StreamDriverPermittedPeers, comma-separated, or the legacy
    directive; omrelp tls.permittedPeer)."""
    relp: bool = False
    """An omrelp action (librelp checks names against the permitted peers only)."""
    ca: bool = False
    """The action sets streamdriver.CAFile."""
    extra_ca: bool = False
    """The action sets streamdriver.CAExtraFiles (read by the ossl driver only)."""
    module_ca: bool = False
    """omfwd's module default streamdriver.CAFile was in force when the action was read."""
    module_extra: bool = False
    """omfwd's module default streamdriver.CAExtraFiles was in force then (ossl only)."""
    read_driver: str | None = None
    """The global default stream driver when the action was read (READ_ORDER)."""
    read_strict: bool = False
    """compatibility.defaults.secure="strict" was set when the action was read (READ_ORDER)."""
    refused: str = ""
    """Why rsyslog refuses the action ("" when it does not): WHITESPACE."""
    spaced: tuple[tuple[str, str], ...] = ()
    """The WORD_PARAMS_BY_RELEASE given with whitespace in their value (name, value)."""
    bound: tuple[Bound, ...] = ()
    """Release-bound parameters of ACTION_TYPED, OMFWD_TYPED (OMFWD_TYPED_WINDOW) or
    OMRELP_TYPED rsyslog refuses where it reads them so (Bound) (R33L-2, R34L-1)."""
    aliases: tuple[tuple[str, str], ...] = ()
    """The alias parameters given (ALIASES: streamdriver.name, .mode, .authmode) with their raw
    values; driver, mode and auth hold the values of the original names only."""


_IF = re.compile(r"^if\b(.*?)\bthen\b\s*(.*)$", re.I | re.S)
_ELSE = re.compile(r"^else\b\s*(.*)$", re.I | re.S)
_RULESET = re.compile(r"^ruleset\s*\(([^)]*)\)\s*(.*)$", re.I | re.S)
_PROPFILTER = re.compile(r'^:\s*([^,\s]+)\s*,\s*(!?[\w-]+)\s*,\s*("(?:[^"\\]|\\.)*")\s*(.*)$')
_SELECTOR = re.compile(
    r"^([\w*]+(?:,[\w*]+)*\.[!=]*[\w*]+(?:;\s*[\w*]+(?:,[\w*]+)*\.[!=]*[\w*]+)*)(?:\s+(.*))?$"
)
_PRIFILT = re.compile(r"""^\s*prifilt\s*\(\s*["']([^"']+)["']\s*\)\s*$""", re.I)
DEFAULT_RULESET = "rsyslog_defaultruleset"


@dataclass(slots=True)
class _Filters:
    """Where a statement stands: the filters of the enclosing blocks (`if ... then {`,
    `ruleset(...) {`), those waiting for the next action (a selector, property filter or an
    `if ... then` without a block, rsyslog "Filter Conditions"), and the last action's, which an
    `&` line repeats (multiple actions for one filter)."""

    blocks: list[tuple[str, ...]]
    waiting: list[str]
    selector: str = ""
    last: tuple[str, tuple[str, ...]] = ("", ())
    popped: str = ""
    condition: str = ""
    """An `if` whose `then` is on a later line."""

    def current(self) -> tuple[str, tuple[str, ...]]:
        """(selector, filters) of the next action; it uses up the waiting ones."""
        flat = tuple(f for block in self.blocks for f in block) + tuple(self.waiting)
        out = (self.selector, flat)
        self.waiting, self.selector, self.last = [], "", out
        return out


def _release(version: str | None) -> tuple[int, int] | None:
    """(major, minor) of an rsyslog package version (Debian's `8.2001.0-1ubuntu1`, RPM's
    `8.1911.0-3.el8`, an epoch dropped); None when unknown or not of that form."""
    upstream = (version or "").rpartition(":")[2].split("-")[0].split(".")
    if len(upstream) < 2 or not all(digits(x) for x in upstream[:2]):
        return None
    return (int(upstream[0]), int(upstream[1]))


def expired_by_default(version: str | None) -> bool:
    """Whether this rsyslog package version is one whose omfwd accepts expired certificates when
    permitExpiredCerts is unset (EXPIRED_DEFAULT_ON). Unknown: False (expiry_unknown asks)."""
    found = _release(version)
    return found is not None and EXPIRED_DEFAULT_ON[0] <= found < EXPIRED_DEFAULT_ON[1]


def rsyslog_forwarding(
    files: dict[str, list[str]], version: str | None = None
) -> RsyslogForwarding:
    """The destinations of the configuration `files` (path -> lines, as collected), judged for
    the installed rsyslog `version` (its package's, None when unknown)."""
    paths = list(files)
    texts = {p: _uncomment(lines) for p, lines in files.items()}
    pending: list[_Pending] = []
    unread: list[str] = []
    default_driver: str | None = None
    strict = False
    legacy = _Legacy()
    seen: set[str] = set()
    scope = _Filters([], [])
    stops: list[str] = []
    filtered_stops: list[tuple[tuple[str, ...], str]] = []  # (rulesets, the stop as text)
    inputs: list[str] = []
    env_loads: set[str] = set()
    modules_refused: list[str] = []  # module() statements rsyslog refuses (R33L-6)
    # imuxsock's system socket name: SysSock.Name of a module() statement loading it, the
    # legacy $SystemLogSocketName (RsyslogForwarding.syssock_name)
    sock_name: dict[str, str | None] = {}
    legacy_ruleset = ""  # `$RuleSet NAME` in force (rsyslog legacy multiple rulesets)
    trust = _Trust()
    # what the legacy $DefaultNetstreamDriver... directives set, which a refused global()
    # does not drop (GLOBAL_TYPED)
    legacy_driver: str | None = None
    legacy_ca = legacy_extra = False
    templates: set[str] = set()  # defined so far (NO_TEMPLATE)
    default_tpl: list[str] = []  # omfwd's default template and what set it (NO_DEFAULT_TEMPLATE)
    templates_unsure = False  # a template() whose name is not on its first line

    def current() -> tuple[str, tuple[str, ...]]:
        """The next action's selector and filters, the legacy ruleset it stands in included."""
        selector, filters = scope.current()
        if legacy_ruleset:
            filters = (*filters, f"ruleset {legacy_ruleset}")
        return selector, filters

    def stops_before(filters: tuple[str, ...]) -> tuple[str, ...]:
        """The filtered stops before an action of these filters that run in its ruleset."""
        here = tuple(f for f in filters if f.startswith("ruleset "))
        return tuple(text for where, text in filtered_stops if where == here)

    def module_defaults(load: str, params: dict[str, str]) -> None:
        """omfwd's module CA defaults (MODULE_DEFAULTS): the first `builtin:omfwd` statement's,
        for the actions read after it; why a statement setting one gives none."""
        sets = {"streamdriver.cafile", "streamdriver.caextrafiles"} & set(params)
        if load != "builtin:omfwd":
            if sets:
                trust.module_ignored = (
                    f'module(load="{load[:20]}") sets no default: omfwd is built in as '
                    '"builtin:omfwd", and no omfwd.so exists to load'
                )
            return
        if trust.module_seen:
            if sets:
                trust.module_ignored = (
                    f"a second {MODULE_DEFAULTS} is ignored (its parameters are already set)"
                )
            return
        trust.module_seen = True
        always, bound = _typed_refusals(params, OMFWD_MODULE_TYPED)
        release = _release(version)
        why = always or next(
            (w for _, a, b, w, _ in bound if release is not None and _in_window(release, a, b)),
            "",
        )
        if why:
            # setModCnf aborts: no default is set, and a later statement is ignored (R34L-5)
            if sets:
                refused = why.replace(ACTION_REFUSED, "setModCnf sets nothing")
                trust.module_ignored = f'module(load="builtin:omfwd") sets no default: {refused}'
            return
        trust.module_ca = _given(params, "streamdriver.cafile")
        trust.module_extra = _given(params, "streamdriver.caextrafiles")
        trust.module_late = bool(sets) and bool(pending)
        if "template" in params:
            default_tpl[:] = [_value(params["template"]), 'module(load="builtin:omfwd") template=']

    def snapshot(act: _Pending) -> _Pending:
        """The module defaults in force when the action is read (MODULE_DEFAULTS)."""
        act.module_ca, act.module_extra = trust.module_ca, trust.module_extra
        act.read_driver, act.read_strict = default_driver, strict
        return act

    def read(path: str, depth: int) -> None:
        nonlocal default_driver, strict, legacy, legacy_ruleset
        nonlocal legacy_driver, legacy_ca, legacy_extra
        if path in seen or depth > 16:
            return
        seen.add(path)
        nonlocal templates_unsure
        for kind, body in _statements(texts.get(path, "")):
            if kind == "line":
                # the templates defined so far (NO_TEMPLATE)
                for t in _TEMPLATE_OBJECT.finditer(body):
                    named = _TEMPLATE_NAME.search(body[t.end() : _close(body, t.end())])
                    if named is None:
                        templates_unsure = True
                    else:
                        templates.add(_value(named.group(1)))
                if legacy_tpl := _LEGACY_TEMPLATE.match(body):
                    templates.add(legacy_tpl.group(1))
            if kind == "line" and (scope.condition or not body.startswith("$")):
                rule(body)
                continue
            enabled = _enabled(_params(body)) if kind.startswith("object:") else "on"
            if (
                enabled == "env"
                and kind in ("object:global", "object:module")
                and set(_params(body)) & _CA_PARAMS
            ):
                # a CA certificate set or not depending on rsyslogd's environment (NO_CA)
                unread.append(
                    f"{kind[7:]}({' '.join(body.split())[:160]}) (config.enabled "
                    "from the environment)"
                )
            if enabled == "env" and kind == "object:module":
                # loaded or not depending on rsyslogd's environment (NOT_LOADED)
                env_loads.add(_module_name(_value(_params(body).get("load", ""))))
            if enabled == "env" and kind == "object:include":
                unread.append(
                    f"include({' '.join(body.split())}) (config.enabled from the environment)"
                )
                continue
            if enabled != "on" and not (enabled == "env" and kind == "object:action"):
                continue
            if kind == "object:global":
                params = _params(body)
                refusal, unsure = _global_refused(params, _release(version))
                if refusal:
                    # this statement sets nothing, and the parameters of the global()
                    # statements before it are dropped with it (GLOBAL_TYPED)
                    shown = " ".join(body.split())[:160]
                    trust.global_refused = f"global({shown}) is refused: {refusal}"
                    trust.ca, trust.extra = legacy_ca, legacy_extra
                    release = _release(version)
                    if release is None or release < GLOBAL_DRIVER_AT_ONCE:
                        default_driver = legacy_driver
                    continue
                if unsure:
                    trust.global_unsure = "; ".join(x for x in (trust.global_unsure, unsure) if x)
                if "defaultnetstreamdriver" in params:
                    default_driver = _value(params["defaultnetstreamdriver"])
                if "compatibility.defaults.secure" in params:
                    strict = _value(params["compatibility.defaults.secure"]).lower() == "strict"
                trust.ca = trust.ca or _given(params, "defaultnetstreamdrivercafile")
                trust.extra = trust.extra or _given(params, "netstreamdrivercaextrafiles")
            elif kind == "object:module":
                params = _params(body)
                load = _value(params.get("load", "")).lower()
                if load.removeprefix("builtin:") == "omfwd":
                    module_defaults(_value(params.get("load", "")), params)
                if load == "omrelp" and "tls.tlslib" in params:
                    # librelp relp.c relpEngineSetTLSLibByName compares with strcasecmp
                    trust.relp_openssl = _value(params["tls.tlslib"]).lower() == RELP_OPENSSL
                # doGetBinary: "off" exactly (any other spelling refuses the module, R33L-6)
                off = _value(params.get("syssock.use", "on")) == "off"
                # refused or not by a release that is not known (None): loaded, as before
                refused = _module_refused(_module_name(load), params, _release(version))
                if refused:
                    modules_refused.append(f'module(load="{load[:40]}") ({refused})')
                elif load and not (load == "imuxsock" and off):
                    inputs.append(load)
                if load == "imuxsock" and not refused:
                    sock_name["module"] = (
                        _value(params["syssock.name"]) if "syssock.name" in params else None
                    )
            elif kind == "object:include":
                params = _params(body)
                if "file" in params:
                    include(_value(params["file"]), depth)
                elif "text" in params:
                    unread.append("include(text=...)")
            elif kind == "object:action":
                params = _params(body)
                selector, filters = current()
                kind = _value(params.get("type", "")).lower()
                if kind == "omdiscard" and enabled == "on":
                    stop(selector, filters)
                if kind not in ("omfwd", "omrelp"):
                    continue
                if enabled == "env":
                    filters = (*filters, f"config.enabled={params['config.enabled']}")
                act = snapshot((_relp if kind == "omrelp" else _action)(params, selector, filters))
                if (
                    kind == "omrelp"
                    and not act.refused
                    and not unread
                    and "omrelp" not in env_loads
                    and "omrelp" not in {_module_name(i) for i in inputs}
                ):
                    act.refused = NOT_LOADED
                tpl = _value(params.get("template", "")).strip()
                dflt = kind == "omfwd" and "template" not in params and bool(default_tpl)
                if dflt:
                    tpl = default_tpl[0]
                if (
                    tpl
                    and not act.refused
                    and not unread
                    and not templates_unsure
                    and tpl not in templates | BUILTIN_TEMPLATES
                ):
                    act.refused = (
                        NO_DEFAULT_TEMPLATE.format(name=tpl[:60], source=default_tpl[1])
                        if dflt
                        else NO_TEMPLATE.format(name=tpl[:60])
                    )
                act.stopped = tuple(stops) if not filters else ()
                act.stopped_if = stops_before(filters)
                failover = params.get("action.execonlywhenpreviousissuspended", "off")
                if _value(failover).lower() not in ("off", "no", "0"):
                    act.filters = (*act.filters, FAILOVER)
                pending.append(act)
            elif body.startswith("$"):
                d = _DIRECTIVE.match(body)
                if d is None:
                    continue
                name, arg = d.group(1).lower(), d.group(2).strip()
                word = arg.split()[0] if arg.split() else ""
                if name == "includeconfig":
                    include(word, depth)
                elif name == "ruleset":
                    # rsyslog "Multiple Rulesets" (legacy format): the rules after `$RuleSet
                    # NAME` belong to NAME until the next one; RSYSLOG_DefaultRuleset is the
                    # default one
                    legacy_ruleset = "" if word.lower() == DEFAULT_RULESET else word
                elif name == "modload":
                    inputs.append(word.lower().removesuffix(".so"))
                elif name == "omitlocallogging" and word.lower() == "on":
                    inputs.append("-imuxsock")
                elif name == "systemlogsocketname" and word:
                    sock_name["legacy"] = word
                elif name == "actionforwarddefaulttemplate" and word:
                    if not default_tpl or default_tpl[1].startswith("$"):
                        default_tpl[:] = [word, "$ActionForwardDefaultTemplate"]
                elif name == "defaultnetstreamdriver":
                    default_driver = legacy_driver = word or None
                elif name == "defaultnetstreamdrivercafile" and word:
                    trust.ca = legacy_ca = True
                elif name == "netstreamdrivercaextrafiles" and word:
                    trust.extra = legacy_extra = True
                elif name == "actionsendstreamdriver":
                    legacy.driver = word or None
                elif name == "actionsendstreamdrivermode":
                    legacy.mode, legacy.mode_set = _mode(word) or 0, True
                elif name == "actionsendstreamdriverauthmode":
                    legacy.auth = word.lower() or None
                elif name == "actionsendstreamdriverpermittedpeer" and word:
                    legacy.peers = (*legacy.peers, word)
                elif name == "actionexeconlywhenpreviousissuspended":
                    legacy.failover = word.lower() in ("on", "yes", "1")
                elif name == "resetconfigvariables":
                    legacy = _Legacy()

    def rule(text: str) -> None:
        """One line of rules: block braces, `if`/`else`/`ruleset` heads, filters and legacy
        actions, each filter recorded for the action(s) it governs."""
        text = text.strip()
        while text:
            if scope.condition:  # an `if` or `ruleset(` head that goes on over lines
                text = f"{scope.condition} {text}"
                scope.condition = ""
            if text.startswith("}"):
                popped = scope.blocks.pop() if scope.blocks else ()
                scope.popped = popped[-1] if popped else ""
                text = text[1:].strip()
            elif text.startswith("{"):
                sel = scope.selector
                head = [f'prifilt("{sel}")'] if sel and sel != "*.*" else []
                scope.blocks.append((*scope.waiting, *head))
                scope.waiting, scope.selector = [], ""
                text = text[1:].strip()
            elif m := _IF.match(text):
                cond = " ".join(m.group(1).split())
                pri = _PRIFILT.match(cond)
                if pri:
                    scope.selector = pri.group(1)
                else:
                    scope.waiting.append(f"if {cond}")
                text = m.group(2).strip()
            elif (m := _ELSE.match(text)) and scope.popped:
                scope.waiting.append(f"else of `{scope.popped}`")
                scope.popped = ""
                text = m.group(1).strip()
            elif m := _RULESET.match(text):
                name = _value(_params(m.group(1)).get("name", "")).strip()
                scope.waiting.append("" if name.lower() == DEFAULT_RULESET else f"ruleset {name}")
                scope.waiting = [w for w in scope.waiting if w]
                text = m.group(2).strip()
            elif re.match(r"^(if\b|ruleset\s*\()", text, re.I):
                scope.condition = text
                return
            elif m := _PROPFILTER.match(text):
                scope.waiting.append(f":{m.group(1)}, {m.group(2)}, {m.group(3)}")
                text = m.group(4).strip()
            elif text.startswith("&"):
                scope.selector, filters = scope.last
                scope.waiting.extend(filters[len(_flat(scope.blocks)) :])
                text = text[1:].strip()
            elif (m := _SELECTOR.match(text)) and not text.startswith(("@", "/", "-", "|")):
                scope.selector = m.group(1)
                text = (m.group(2) or "").strip()
            else:
                action(text)
                return

    def stop(selector: str, filters: tuple[str, ...]) -> None:
        """A `stop` under these filters (rsyslog "stop": processing of the message ends here)."""
        if not filters:
            # a stop under a selector only (`daemon.* /var/log/daemon.log` then `& stop`) drops
            # those messages for every later action of the ruleset.
            stops.append(selector or "*.*")
        else:
            # a stop under a filter kept as text drops what that filter matches (libvirt's
            # messages, perhaps): the later actions of its ruleset forward only the rest
            shown = [f for f in filters if not f.startswith("ruleset ")]
            if shown:
                sel = f"{selector} " if selector and selector != "*.*" else ""
                rulesets = tuple(f for f in filters if f.startswith("ruleset "))
                filtered_stops.append((rulesets, f"{sel}{' and '.join(shown)} then stop"))

    def action(text: str) -> None:
        """A legacy action (`@@host`, a file, `stop` ...): it uses up the waiting filters. The
        discard action, `~` or the omdiscard module's `:omdiscard:`, is a stop: rsyslog's
        optimizer (grammar/rainerscript.c cnfstmtOptimizeAct) replaces every action of module
        "builtin:omdiscard" by S_STOP (R23L-2)."""
        selector, filters = current()
        if re.match(r"^(stop|~|:omdiscard:(;\S*)?)\s*;?\s*$", text):
            stop(selector, filters)
        if text.endswith("{"):  # a block hvaudit does not read (foreach ... do {): its own filter
            scope.blocks.append((f"the block `{' '.join(text.split())[:60]}`",))
        m = _LEGACY_FWD.search(text)
        if m is None:
            return
        tcp = m.group(1) == "@@"
        # `;NAME` after the destination: runtime/conf.c cflineParseTemplateName reads the name up
        # to a blank or '#', looked up as an action() template is (NO_TEMPLATE)
        tpl = (m.group(5) or ";")[1:]
        dflt = not tpl and bool(default_tpl)
        if dflt:
            tpl = default_tpl[0]
        missing = tpl and not unread and not templates_unsure
        pending.append(
            snapshot(
                _Pending(
                    m.group(3),
                    tcp,
                    legacy.driver if tcp else None,
                    legacy.mode if tcp else 0,
                    legacy.mode_set if tcp else False,
                    legacy.auth if tcp else None,
                    tls_asked=False,
                    selector=selector,
                    filters=(*filters, "$ActionExecOnlyWhenPreviousIsSuspended on")
                    if legacy.failover
                    else filters,
                    stopped=tuple(stops) if not filters else (),
                    stopped_if=stops_before(filters),
                    peers=legacy.peers if tcp else (),
                    refused=(
                        NO_DEFAULT_TEMPLATE.format(name=tpl[:60], source=default_tpl[1])
                        if dflt
                        else NO_TEMPLATE.format(name=tpl[:60])
                    )
                    if missing and tpl not in templates | BUILTIN_TEMPLATES
                    else "",
                )
            )
        )
        if tcp:
            legacy.peers = ()

    def include(pattern: str, depth: int) -> None:
        if not pattern:
            return
        if not _collected(pattern) or pattern.endswith((".yaml", ".yml")):
            unread.append(pattern)
            return
        for f in _expand(pattern, paths):
            read(f, depth + 1)

    # rsyslogd reads its main file only (tools/rsyslogd.c ConfFile = PATH_CONFFILE,
    # "/etc/rsyslog.conf", or -f) and /etc/rsyslog.d only where an include in it names the files:
    # no rsyslog.d file is read without one. A main file that is absent (grep printed none of its
    # lines) stops rsyslogd at start, and so does one without actions: runtime/rsconf.c load()
    # aborts with RS_RET_CONF_FILE_NOT_FOUND ("could not open config file") or RS_RET_NO_ACTIONS
    # ("there are no active actions configured"), hard errors on which tools/rsyslogd.c gives up
    # (R18H-4). So without the main file nothing is read.
    if RSYSLOG_MAIN in files:
        read(RSYSLOG_MAIN, 0)
    local = _local_rulesets(texts)
    loaded = [i for i in inputs if not i.startswith("-")]
    if "-imuxsock" in inputs and "module" not in sock_name:
        # legacy $OmitLocalLogging on: imuxsock reads no system socket, where no module()
        # statement loads imuxsock: modules.c Load calls its setModCnf with the statement's
        # parameters, which sets configSetViaV2Method, and imuxsock.c endCnfLoad then drops
        # every legacy system-socket setting (regCfSysLineHdlr2 refuses one after it) (R41L-5)
        loaded = [i for i in loaded if i != "imuxsock"]
    trust.unsure = bool(unread)
    return RsyslogForwarding(
        tuple(_judge(p, default_driver, strict, local, version, trust) for p in pending),
        tuple(dict.fromkeys(unread)),
        tuple(dict.fromkeys(loaded)),
        RSYSLOG_MAIN in files,
        tuple(sorted(seen)),
        tuple(modules_refused),
        sock_name["module"] if "module" in sock_name else sock_name.get("legacy"),
    )


#: Inputs that carry the host's own messages: the local log socket, the journal and the kernel
#: log (rsyslog imuxsock, imjournal, imklog).
LOCAL_INPUTS = ("imuxsock", "imjournal", "imklog")


def _local_rulesets(texts: dict[str, str]) -> dict[str, bool]:
    """Ruleset name (lower case) -> whether the host's own messages can reach it: an input or
    module of LOCAL_INPUTS bound to it (`ruleset=`), or a `call` of it. rsyslog "Basic
    Structure": inputs submit messages to rulesets; "if the ruleset is not specifically bound,
    the default ruleset is used", so a ruleset only network inputs are bound to and that no
    rule calls never sees a local message. rsyslog "The rsyslog call_indirect statement": it
    "is equivalent to "call" statement except that the name of the to be called ruleset is not
    constant but an expression" (`call_indirect "fwd";` calls fwd; `call_indirect $syslogtag;`
    any ruleset, key "*"), and the deprecated omruleset (`$ActionOmrulesetRulesetName fwd`,
    `*.* :omruleset:`) does what `call fwd` does (R23G-4)."""
    out: dict[str, bool] = {}
    for text in texts.values():
        for m in re.finditer(r"\b(input|module)\s*\(([^)]*)\)", text, re.I):
            params = _params(m.group(2))
            name = _value(params.get("ruleset", "")).lower()
            kind = _value(params.get("type", params.get("load", ""))).lower()
            if name:
                out[name] = out.get(name, False) or kind in LOCAL_INPUTS
        for m in re.finditer(r"\bcall\s+([\w.-]+)", text):
            out[m.group(1).lower()] = True
        # `call_indirect EXPR;` calls the ruleset the expression names (a constant string: that
        # one, else any: "*"); the legacy omruleset action calls $ActionOmrulesetRulesetName's
        for m in re.finditer(r"\bcall_indirect\s+([^;]*);", text):
            const = re.fullmatch(r"\"([^\"\\]*)\"|'([^'\\]*)'", m.group(1).strip())
            out[(const.group(1) or const.group(2) or "").lower() if const else "*"] = True
        for m in re.finditer(r"^\s*\$ActionOmrulesetRulesetName\s+(\S+)", text, re.M | re.I):
            out[m.group(1).lower()] = True
        # legacy bindings: `$InputTCPServerBindRuleset relay` (imtcp, a network input),
        # `$InputUnixListenSocketBindRuleset X` (imuxsock, the local socket), and
        # `$DefaultRuleset X`, the ruleset of every input bound to none
        for m in re.finditer(
            r"^\s*\$(\w*?)(BindRuleset|DefaultRuleset)\s+(\S+)", text, re.M | re.I
        ):
            local = m.group(2).lower() == "defaultruleset" or m.group(1).lower().startswith(
                "inputunixlistensocket"
            )
            name = m.group(3).lower()
            out[name] = out.get(name, False) or local
    return out


def _relp(params: dict[str, str], selector: str, filters: tuple[str, ...]) -> _Pending:
    """An omrelp action (rsyslog "omrelp: RELP Output Module"): RELP over TCP, TLS when `tls`
    is "on" (default off); TLS.AuthMode "name" checks the server's certificate names against
    TLS.PermittedPeer, "fingerprint" its fingerprint, "certvalid" the chain only; unset means
    anonymous (the parameter's default is none). Mapped onto the omfwd terms `_judge_tls` reads."""
    tls = _value(params.get("tls", "off")) == "on"  # doGetBinary: exactly "on" (NOT_ON_OFF)
    auth = _value(params.get("tls.authmode", "")).lower()
    mapped = {"name": "x509/name", "fingerprint": "x509/fingerprint", "certvalid": "x509/certvalid"}
    refused, bound = _typed_refusals(params, ACTION_TYPED | OMRELP_TYPED)
    return _Pending(
        _value(params.get("target", "")) or "(unnamed)",
        True,
        "gtls" if tls else "ptcp",
        1 if tls else 0,
        True,
        mapped.get(auth, "anon") if tls else None,
        tls_asked=False,
        selector=selector,
        filters=filters,
        peers=_peers(params.get("tls.permittedpeer", "")),
        relp=True,
        ca=_given(params, "tls.cacert"),
        refused=refused,
        bound=bound,
    )


def _peers(raw: str) -> tuple[str, ...]:
    """Permitted peers as given: omfwd's StreamDriverPermittedPeers is one string split at commas
    (omfwd.c newActInst, empty names ignored); omrelp's tls.permittedPeer an array or a string."""
    raw = raw.strip()
    if raw.startswith("["):
        raw = raw[1:-1]
    return tuple(v for part in raw.split(",") if (v := _value(part.strip()).strip()))


def _flat(blocks: list[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(f for block in blocks for f in block)


def _action(params: dict[str, str], selector: str, filters: tuple[str, ...]) -> _Pending:
    target = params.get("target", "")
    if target.startswith("["):
        name = ", ".join(_value(t.strip()) for t in target[1:-1].split(",") if t.strip())
    else:
        name = _value(target)
    driver = params.get("streamdriver")
    mode = _mode(params.get("streamdrivermode"))
    auth = params.get("streamdriverauthmode")
    typed, bound = _typed_refusals(params, ACTION_TYPED | OMFWD_TYPED, OMFWD_TYPED_WINDOW)
    return _Pending(
        name or "(unnamed)",
        _value(params.get("protocol", "udp")).lower() == "tcp",
        _value(driver) if driver is not None else None,
        mode or 0,
        mode is not None,
        _value(auth).lower() if auth is not None else None,
        tls_asked=driver is not None or mode is not None or auth is not None,
        selector=selector,
        filters=filters,
        expired=_value(params.get("streamdriver.permitexpiredcerts", "")).lower(),
        peers=_peers(_value(params.get("streamdriverpermittedpeers", ""))),
        ca=_given(params, "streamdriver.cafile"),
        extra_ca=_given(params, "streamdriver.caextrafiles"),
        aliases=tuple((name, params[name]) for name in ALIASES if name in params),
        spaced=tuple(
            (name, _value(params[name])[:60])
            for name in WORD_PARAMS_BY_RELEASE
            if name in params and any(c in " \t\n\v\f\r" for c in _value(params[name]))
        ),
        refused=next(
            (
                WHITESPACE.format(name=name, value=_value(params[name])[:60])
                for name in WORD_PARAMS
                if name in params and any(c in " \t\n\v\f\r" for c in _value(params[name]))
            ),
            typed,
        ),
        bound=bound,
    )


def _aliased(p: _Pending) -> _Pending:
    """The action as a release that knows the ALIASES reads it: each alias given overrides its
    parameter (it comes later in omfwd's actpdescr)."""
    given = {ALIASES[name]: raw for name, raw in p.aliases}
    driver = _value(given["driver"]) if "driver" in given else p.driver
    mode = _mode(given["mode"]) if "mode" in given else (p.mode if p.mode_set else None)
    auth = _value(given["auth"]).lower() if "auth" in given else p.auth
    return replace(
        p,
        driver=driver,
        mode=mode or 0,
        mode_set=mode is not None,
        auth=auth,
        tls_asked=True,
        aliases=(),
    )


#: Priority names of syslog selectors, most severe first (syslog.h; rsyslog "Filter Conditions").
_PRIORITIES = {
    "emerg": 0, "panic": 0, "alert": 1, "crit": 2, "err": 3, "error": 3,
    "warning": 4, "warn": 4, "notice": 5, "info": 6, "debug": 7,
}  # fmt: skip


def selects(selector: str, facility: str, priority: str) -> bool | None:
    """Does a legacy selector (`fac[,fac].[!][=]prio;...`) let this message through? None when a
    part cannot be read. rsyslog "Filter Conditions" (sysklogd semantics): `*` is every facility
    or priority, `none` no priority, `=` that priority only, `!` negates; a priority alone means
    it and every more severe one; a later part overrides an earlier one for its facilities."""
    level = _PRIORITIES[priority]
    verdict = False
    for part in selector.split(";"):
        facs, dot, spec = part.strip().rpartition(".")
        if not dot or not facs or not spec:
            return None
        if "*" not in facs.split(",") and facility not in facs.split(","):
            continue
        negate, spec = spec.startswith("!"), spec.lstrip("!")
        exact, spec = spec.startswith("="), spec.lstrip("=")
        if spec == "none":
            verdict = False
            continue
        if spec == "*":
            hit = True
        elif spec.lower() in _PRIORITIES:
            want = _PRIORITIES[spec.lower()]
            hit = level == want if exact else level <= want
        else:
            return None
        verdict = (verdict and not hit) if negate else hit
    return verdict


def _judge(
    p: _Pending,
    default_driver: str | None,
    strict: bool,
    local: dict[str, bool],
    version: str | None = None,
    trust: _Trust | None = None,
) -> RsyslogDestination:
    """A destination carries the host's logs when libvirt's daemons' errors (daemon.err: libvirt
    logs to the daemon facility, virlog.c) reach it: its selector lets them through and no
    earlier `stop` under a selector took them (rsyslog "stop": processing of the message ends).
    An earlier stop under a filter kept as text joins the destination's filters."""
    dest = _judge_tls(p, default_driver, strict, version, trust)
    filters = tuple(dict.fromkeys((*p.filters, *p.stopped_if)))

    def judged(selector: str, why: str | None = None) -> RsyslogDestination:
        # the TLS verdict stands; the selector, filters and whether host logs reach it are set
        return replace(
            dest,
            selector=selector,
            carries_host_logs=why is None,
            why_not=why or "",
            filters=filters,
        )

    for f in filters:
        if f.startswith("ruleset ") and not (
            local.get(f[len("ruleset ") :].lower(), False) or local.get("*", False)
        ):
            return judged(
                p.selector,
                f"{f}, which no local input (imuxsock, imjournal, imklog) or call reaches",
            )
    sel = p.selector if p.selector and p.selector != "*.*" else ""
    if p.name == "(unnamed)" or not p.name.strip():
        # omfwd.c actpdescr: {"target", eCmdHdlrArray, CNFPARAM_REQUIRED}: an action without
        # one is refused ("parameter 'target' required but not specified"), and an empty name
        # resolves to no host: nothing is sent (R24L-6)
        return judged(sel, "no target host: omfwd sends nothing without one")
    if selects(sel or "*.*", "daemon", "err") is False:
        return judged(sel, sel)
    taken = next((st for st in p.stopped if selects(st, "daemon", "err") is True), None)
    if taken is not None:
        return judged(sel, f"daemon messages stopped earlier by `{taken} stop`")
    return judged(sel)


def _judge_aliases(
    p: _Pending,
    default_driver: str | None,
    strict: bool,
    version: str | None,
    trust: _Trust | None,
) -> RsyslogDestination:
    """_judge_tls of an action that gives an alias parameter (ALIASES): from 8.2502.0 the alias
    counts (and wins over its parameter), before it the action is judged without it, naming the
    ignored alias; for no known release, TLS that rests on the alias is asked (release_unknown)."""
    release = _release(version)
    newer = _judge_tls(_aliased(p), default_driver, strict, version, trust)
    if release is not None and release >= ALIASES_SINCE:
        return newer
    older = _judge_tls(replace(p, aliases=()), default_driver, strict, version, trust)
    names = ", ".join(name for name, _ in p.aliases)
    if release is None:
        if newer.tls and not older.tls:
            why = f"{names} (aliases that came with 8.2502.0: an older release ignores them)"
            return replace(
                newer, release_unknown="; ".join(x for x in (newer.release_unknown, why) if x)
            )
        return newer
    if older.tls:
        return older
    shown = (version or "").rpartition(":")[2][:40]
    inner = older.name[len(p.name) :].strip()[1:-1]
    return replace(
        older,
        name=f"{p.name} ({names} unknown to rsyslog {shown} (the aliases came with 8.2502.0), "
        f"which ignores them: {inner or 'the action sends plain TCP'})",
    )


def _judge_bound(
    p: _Pending,
    default_driver: str | None,
    strict: bool,
    version: str | None,
    trust: _Trust | None,
) -> RsyslogDestination:
    """_judge_tls of an action whose release-bound typed parameter rsyslog refuses where it
    lists it (R33L-2): refused from that release, judged as before on an older one (the
    parameter is not known and ignored), and for no known release a TLS pass is asked
    (release_unknown), as _judge_spaced does for WORD_PARAMS_BY_RELEASE."""
    release = _release(version)
    rest = _judge_tls(replace(p, bound=()), default_driver, strict, version, trust)
    for _, since, until, why, said in p.bound:
        if since is None or (release is not None and _in_window(release, since, until)):
            return RsyslogDestination(f"{p.name} ({why})", False)
        if release is None and rest.tls:
            rest = replace(
                rest, release_unknown="; ".join(x for x in (rest.release_unknown, said) if x)
            )
    return rest


def _judge_spaced(
    p: _Pending,
    default_driver: str | None,
    strict: bool,
    version: str | None,
    trust: _Trust | None,
) -> RsyslogDestination:
    """_judge_tls of an action that gives a WORD_PARAMS_BY_RELEASE parameter with whitespace in
    it: refused where the running release reads it as a word (WHITESPACE); judged as before
    where it does not (the parameter is ignored or read another way), and for no known release
    a TLS pass is asked (release_unknown) (R31L-3)."""
    release = _release(version)
    rest = _judge_tls(replace(p, spaced=()), default_driver, strict, version, trust)
    for name, value in p.spaced:
        since, until = WORD_PARAMS_BY_RELEASE[name]
        if release is None:
            if rest.tls:
                span = (
                    f"from {since[0]}.{since[1]}.0"
                    if since
                    else f"before {until[0]}.{until[1]}.0"
                    if until
                    else "8"
                )
                why = (
                    f'{name}="{value}" holds whitespace (rsyslog {span} reads it as a word and '
                    "refuses the action)"
                )
                rest = replace(
                    rest, release_unknown="; ".join(x for x in (rest.release_unknown, why) if x)
                )
        elif (since is None or release >= since) and (until is None or release < until):
            why = WHITESPACE.format(name=name, value=value)
            return RsyslogDestination(f"{p.name} ({why})", False)
    return rest


def _judge_tls(
    p: _Pending,
    default_driver: str | None,
    strict: bool,
    version: str | None = None,
    trust: _Trust | None = None,
) -> RsyslogDestination:
    if p.refused:
        return RsyslogDestination(f"{p.name} ({p.refused})", False)
    if p.bound:
        return _judge_bound(p, default_driver, strict, version, trust)
    if p.spaced:
        return _judge_spaced(p, default_driver, strict, version, trust)
    if p.aliases:
        return _judge_aliases(p, default_driver, strict, version, trust)
    if p.tcp and p.driver == "":
        return RsyslogDestination(f"{p.name} ({EMPTY_DRIVER})", False)
    driver = p.driver or default_driver or "ptcp"
    # glbl.c glblIsTlsCapableNetstrmDrvr compares with strcasecmp (the strict defaults), but
    # the driver is loaded by its name as given (DRIVER_CASE)
    tls_driver = driver.lower() in TLS_DRIVERS
    # the driver omfwd saw when it read the action decides the strict mode and the module CA
    # defaults (READ_ORDER)
    at_read = p.driver if p.driver is not None else (p.read_driver or "ptcp")
    read_tls = at_read.lower() in TLS_DRIVERS
    secure = strict and p.read_strict and p.tcp and read_tls and not p.mode_set
    release = _release(version)
    # the strict defaults set the mode from 8.2608.0 only (SINCE["strict"], R34L-3)
    strict_old = release is not None and release < SINCE["strict"]
    mode = 1 if secure and not strict_old else p.mode
    if not p.tcp:
        why = " (UDP: omfwd's protocol defaults to udp, which has no TLS)" if p.tls_asked else ""
        return RsyslogDestination(p.name + why, False)
    if not tls_driver and p.driver is None and trust is not None and trust.global_refused:
        # the default driver a refused global() names is not set (GLOBAL_TYPED)
        why = f"the default stream driver is {driver[:20]}, not TLS: {trust.global_refused}"
        return RsyslogDestination(f"{p.name} ({why})", False)
    if not tls_driver:
        return RsyslogDestination(p.name, False)
    if mode == 0 and secure and strict_old:
        why = (
            ' (StreamDriverMode unset, so mode 0: plain TCP; compatibility.defaults.secure="strict" '
            f"sets 1 only from rsyslog 8.2608.0, and {(version or '').rpartition(':')[2][:40]} "
            "runs)"
        )
        return RsyslogDestination(p.name + why, False)
    if mode == 0 and strict and not p.mode_set:
        # strict secure defaults read after the action, or a default driver set after it
        # (READ_ORDER)
        why = (
            ' (StreamDriverMode unset, so mode 0: plain TCP; compatibility.defaults.secure="strict" '
            + (
                f"sets 1 only where the stream driver is TLS-capable when omfwd reads the action, "
                f"and it was {at_read[:20]} (DefaultNetstreamDriver is set after it))"
                if p.read_strict
                else "is set after the action, and omfwd applies it to the actions it reads later)"
            )
        )
        return RsyslogDestination(p.name + why, False)
    if mode == 0:
        why = f" (stream driver {driver} in mode 0: plain TCP)" if p.tls_asked else ""
        return RsyslogDestination(p.name + why, False)
    if mode != 1:
        return RsyslogDestination(f"{p.name} ({UNKNOWN_MODE.format(mode)})", False)
    if driver not in TLS_DRIVERS:
        why = DRIVER_CASE.format(driver=driver[:20], lower=driver.lower())
        return RsyslogDestination(f"{p.name} ({why})", False)
    if p.auth is not None and p.auth not in AUTH_MODES:
        return RsyslogDestination(f"{p.name} ({UNKNOWN_AUTH.format(p.auth[:40])})", False)
    if p.auth == "anon":
        return RsyslogDestination(f"{p.name} ({ANON_TLS})", False)
    if p.auth == "x509/certvalid":
        return RsyslogDestination(f"{p.name} ({CERTVALID_TLS})", False)
    trust = trust or _Trust()
    ossl = driver == "ossl"
    shown = (version or "").rpartition(":")[2][:40]

    def since(key: str) -> bool | None:
        """Whether the running release knows SINCE[key]; None when the release is unknown."""
        return None if release is None else release >= SINCE[key]

    unknown: list[str] = []
    if secure and release is None:
        unknown.append(
            'StreamDriverMode unset under compatibility.defaults.secure="strict" (rsyslog sets '
            "it to 1 from 8.2608.0; before, mode 0 is plain TCP)"
        )
    if not p.relp and driver == "mbedtls":
        if since("mbedtls") is False:
            return RsyslogDestination(f"{p.name} ({NO_MBEDTLS.format(version=shown)})", False)
        if since("mbedtls") is None:
            unknown.append("StreamDriver mbedtls (the driver came with 8.2512.0)")
    if not p.relp and p.extra_ca and driver != "ossl":
        if since("action CAExtraFiles"):
            why = EXTRA_REFUSED.format(driver=driver)
            return RsyslogDestination(f"{p.name} ({why})", False)
        if since("action CAExtraFiles") is None:
            unknown.append(
                f"the action's streamdriver.CAExtraFiles (from 8.2608.0 the {driver} driver "
                "refuses it and nothing is sent)"
            )
    # (given, SINCE key or "" for every release, as the message names it)
    sources = (
        (trust.ca, "", "DefaultNetstreamDriverCAFile"),
        (p.ca, "action CAFile", "the action's streamdriver.CAFile"),
        (ossl and trust.extra, "global CAExtraFiles", "the global NetstreamDriverCAExtraFiles"),
        (ossl and p.extra_ca, "action CAExtraFiles", "the action's streamdriver.CAExtraFiles"),
        (p.module_ca and read_tls, "module", "omfwd's module streamdriver.CAFile"),
        (
            ossl and p.module_extra and at_read.lower() == "ossl",
            "module",
            "omfwd's module streamdriver.CAExtraFiles",
        ),
    )
    has_ca = any(given and (not key or since(key)) for given, key, _ in sources)
    maybe = [name for given, key, name in sources if given and key and since(key) is None]
    ignored = [
        f"{name} is unknown to rsyslog {shown} (it came with {'.'.join(map(str, SINCE[key]))}.0)"
        for given, key, name in sources
        if given and key and since(key) is False
    ]
    if trust.module_ignored:
        ignored.append(trust.module_ignored)
    if trust.global_refused:
        ignored.append(trust.global_refused)
    if (p.module_ca or (ossl and p.module_extra)) and not read_tls:
        ignored.append(READ_ORDER.format(module=MODULE_DEFAULTS, driver=at_read[:20]))
    if trust.module_late and not (p.module_ca or p.module_extra):
        ignored.append(f"{MODULE_DEFAULTS} stands after the action, which took no default")
    chain = p.auth in (None, "x509/name") or driver in ("ossl", "mbedtls")
    if not p.relp and chain and not has_ca and not trust.unsure and maybe:
        unknown.append(f"{', '.join(maybe)}, the only CA certificate given")
    elif not p.relp and chain and not has_ca and not trust.unsure:
        where = CA_SETTINGS + (", CAExtraFiles" if ossl else "")
        if ignored:
            where += f"; {'; '.join(ignored)}"
        auth = f"StreamDriverAuthMode {p.auth or 'x509/name (the default)'}"
        return RsyslogDestination(f"{p.name} ({NO_CA.format(auth=auth, where=where)})", False)
    if p.relp and p.auth == "x509/name" and not p.ca:
        # omrelp takes its CA from tls.caCert only (plugins/omrelp/omrelp.c relpCltSetCACert;
        # no global default), and librelp's name mode verifies the chain first: GnuTLS
        # relpTcpChkPeerName_gtls aborts when gnutls_certificate_verify_peers2 reports any
        # status, OpenSSL relpTcpChkPeerAuth when SSL_get_verify_result is not X509_V_OK
        # (librelp src/tcp.c): with no CA every server is refused (R28L-2)
        auth = "tls.authMode name"
        return RsyslogDestination(
            f"{p.name} ({NO_CA.format(auth=auth, where='tls.caCert')})", False
        )
    if p.relp and p.auth == "x509/fingerprint" and not p.ca and trust.relp_openssl:
        # RELP_OPENSSL: librelp's OpenSSL path checks the chain in every mode but anon
        auth = "tls.authMode fingerprint with tls.tlslib openssl"
        return RsyslogDestination(
            f"{p.name} ({NO_CA.format(auth=auth, where='tls.caCert')})", False
        )
    peers = "tls.permittedPeer" if p.relp else "StreamDriverPermittedPeers"
    if not p.peers and (p.auth == "x509/fingerprint" or (p.relp and p.auth == "x509/name")):
        auth = f"tls.authMode {p.auth[5:]}" if p.relp else f"StreamDriverAuthMode {p.auth}"
        return RsyslogDestination(f"{p.name} ({NO_PEERS.format(auth=auth, peers=peers)})", False)
    wild = next((x for x in p.peers if "*" in x), None)
    if wild is not None and p.auth in (None, "x509/name"):
        why = WILDCARD_PEER.format(peers=peers, peer=wild[:60])
        return RsyslogDestination(f"{p.name} ({why})", False)
    unread = ""
    if p.expired and not p.relp and release is not None and release < OMFWD_EXPIRED_SINCE:
        # omfwd does not read the parameter before 8.2001.0 (OMFWD_EXPIRED_SINCE)
        unread = (
            f'streamdriver.permitExpiredCerts="{p.expired[:20]}" unknown to rsyslog {shown} '
            "(omfwd reads it from 8.2001.0), which ignores it: "
        )
        p = replace(p, expired="")
    if p.expired in EXPIRED_ACCEPTED and p.auth in (None, "x509/name"):
        return RsyslogDestination(f"{p.name} ({EXPIRED_TLS.format(p.expired)})", False)
    if not p.expired and p.auth in (None, "x509/name") and expired_by_default(version):
        why = unread + EXPIRED_BY_DEFAULT.format((version or "").rpartition(":")[2])
        return RsyslogDestination(f"{p.name} ({why})", False)
    if (
        p.expired
        and not p.relp
        and p.expired not in EXPIRED_ACCEPTED
        and p.auth in (None, "x509/name")
        and release is None
    ):
        unknown.append(
            f'streamdriver.permitExpiredCerts="{p.expired[:20]}" (omfwd ignores it before '
            "8.2001.0, and 8.1901.0 to 8.1911.0 then accept an expired server certificate)"
        )
    own_ca = p.ca or (ossl and p.extra_ca) or (p.module_ca and read_tls)
    if not p.relp and trust.global_unsure and (p.driver is None or not own_ca):
        # a global() statement the release may refuse, dropping a default driver or CA the
        # action rests on (GLOBAL_TYPED)
        unknown.append(trust.global_unsure)
    # no known release: an unset permitExpiredCerts is not taken as "off" (HL18-8)
    expiry = not p.expired and p.auth in (None, "x509/name") and release is None
    return RsyslogDestination(
        p.name,
        True,
        expiry_unknown=expiry,
        release_unknown="; ".join(unknown),
        driver="relp" if p.relp else driver,
    )
