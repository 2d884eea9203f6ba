"""Red team 23 (host logging, second pass): HVA-200 with syslog-ng's @include graph.

Harness: conftest `host_scan` replays the hardened Debian 12 host through the real collector,
parser and engine, with rsyslog's configuration absent, syslog-ng running instead of rsyslogd
(`processes` rewritten) and the `syslog-ng-config` probe (`grep -R -H '' /etc/syslog-ng`, one
`path:line` per line, files in the order grep walks the directory) replaced by the files under
test. Each test asserts the exact status and message.

Findings (ID-n):
- R23G-1 (false pass) HVA-200: every file grep listed under /etc/syslog-ng was read as
  configuration, so a log path to a TLS destination in a file no @include reaches
  (`conf.d/remote.conf.disabled` beside Debian's `@include "/etc/syslog-ng/conf.d/*.conf"`, a
  `syslog-ng.conf.dpkg-old`, a conf.d file with no @include of conf.d at all) passed "logs
  forwarded over TLS". syslog-ng lib/cfg-lexer.c (`fetch` github:syslog-ng/syslog-ng):
  cfg_lexer_include_file looks the name up along the include path (lib/cfg.c
  cfg_set_global_paths: sysconfdir, then the SCL include dir), includes the file, a directory's
  files named `[-_a-zA-Z0-9.]+` not starting with "." (cfg_lexer_include_directory), or glob()'s
  matches (cfg_lexer_include_file_glob_at); packaging/debian/syslog-ng.conf ends with
  `@include "/etc/syslog-ng/conf.d/*.conf"`. Now the configuration is syslog-ng.conf with each
  @include replaced by the files it names; an unreached file configures nothing (fail "no remote
  log destination configured").
- R23G-2 (false pass) HVA-200: log paths were taken in grep's order (directory order), so a
  `flags(final)` path in syslog-ng.conf before the @include of conf.d did not take s_src from
  the forwarding path in conf.d when grep listed conf.d first (pass), and, the other way round,
  a final path after the @include took it from the included path (wrong fail).
  cfg_lexer_include_level_file_add: `g_slist_insert_sorted(level->file.files, ..., strcmp)`,
  the files read where the @include stands (cfg_lexer_start_next_include). Now the order is the
  include order, files of one @include sorted by name.
- R23G-3 (false pass) HVA-200: a log path with flags(fallback) to the TLS destination passed
  although another log path without it reads the same system() source unfiltered, so the
  fallback path gets no message. syslog-ng lib/logmpx.c log_multiplexer_queue (`fetch`
  github:syslog-ng/syslog-ng): `for (fallback = 0; (fallback == 0) || (fallback == 1 &&
  self->fallback_exists && !delivered); fallback++)`, branches flagged PIF_BRANCH_FALLBACK
  skipped in the first pass (lib/cfg-tree.c: LC_FALLBACK -> PIF_BRANCH_FALLBACK). Now such a
  path's source is taken (fail, naming why); where only filtered paths read it the fallback
  path gets what their filters leave (asked, as a filtered forward).
- R23G-4 (wrong fail) HVA-200: the rsyslog ruleset holding the TLS forward, reached by
  `call_indirect "fwd";`, `call_indirect $syslogtag;` or the legacy omruleset action
  (`$ActionOmrulesetRulesetName fwd` + `*.* :omruleset:`), failed as "no local input or call
  reaches" it, while its `call fwd` twin is asked. rsyslog docs (read with `search`, docs
  corpus): "The rsyslog "call_indirect" statement is equivalent to "call" statement except
  that the name of the to be called ruleset is not constant but an expression"; omruleset:
  "$ActionOmrulesetRulesetName my_ruleset / *.* :omruleset: It means: Send every message (*.*)
  to the ruleset named my_ruleset. Replace it with: call my_ruleset". Now a constant name
  reaches that ruleset, an expression any ruleset, omruleset its named one: asked as `call`.

Held (kept as tests): `call fwd` (asked); `call_indirect "other";` (fail); a fallback TLS path whose source no other path reads (pass); a fallback
file path beside the unfiltered TLS path (pass); conf.d listed before syslog-ng.conf, included at its end (pass); a relative
directory include `@include "conf.d"` (pass).

Probed by script, not kept: rsyslog `if previous_action_suspended() then { forward }` is
asked as a filter (right); `call fwd` under `if $programname == "cron"` or a selector is asked
(the ruleset is a filter, right).

Tally: 12 cases in 2 test functions; 5 failed on main 14c2746 before R23G-1/R23G-2, and the 3
  R23G-3 cases failed on main 2099bff (R23G-1/R23G-2 landed) before R23G-3; 17 cases in 3
  test functions, the 3 R23G-4 cases failing on main 58e7d52 before R23G-4.

Leads left (not settled in the time):
- rsyslog: a `call fwd` only inside a ruleset that network inputs alone are bound to still
  counts as reaching fwd (asked, where it forwards none of the host's logs: fail); `call` in a
  file no $IncludeConfig reaches counts too (texts of every listed file are read for calls).
- syslog-ng: log paths and destinations inside user-defined `block`s (instantiated) are not
  read (a wrong fail at worst); strings spanning lines are uncommented line by line.
- without /etc/syslog-ng/syslog-ng.conf in the output (another sysconfdir, `-f`), every file is
  still read flat in grep's order; @include of files outside /etc/syslog-ng is not collected.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_CA, messages, outcomes

MAIN = "/etc/syslog-ng/syslog-ng.conf"
HEAD = """@version: 3.38
@include "scl.conf"
source s_src { system(); internal(); };
destination d_local { file("/var/log/messages"); };
"""
REMOTE = """destination d_tls {
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-dir("/etc/syslog-ng/ca.d")));
};
log { source(s_src); destination(d_tls); };
"""
INCLUDE = '@include "/etc/syslog-ng/conf.d/*.conf"\n'
FINAL = "log { source(s_src); destination(d_local); flags(final); };\n"
PASS = "logs forwarded over TLS to logs.example.internal"
NONE = "no remote log destination configured"
TAKEN = (
    "no running forwarder sends the host's logs to a remote destination (configured but fed "
    "none of the host's logs: syslog-ng logs.example.internal (an earlier log path with "
    "flags(final) took s_src))"
)


def _grep(*files: tuple[str, str]) -> str:
    return "".join(f"{path}:{ln}\n" for path, text in files for ln in text.splitlines())


def _scan(host_scan, conf: str):
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    return host_scan(
        {"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)}
    )


@pytest.mark.parametrize(
    ("files", "status", "message"),
    [
        # R23G-1: files no @include reaches
        (
            ((MAIN, HEAD + INCLUDE), ("/etc/syslog-ng/conf.d/remote.conf.disabled", REMOTE)),
            "fail",
            NONE,
        ),
        (
            ((MAIN, HEAD + INCLUDE), ("/etc/syslog-ng/syslog-ng.conf.dpkg-old", HEAD + REMOTE)),
            "fail",
            NONE,
        ),
        (((MAIN, HEAD), ("/etc/syslog-ng/conf.d/remote.conf", REMOTE)), "fail", NONE),
        # R23G-2: the final path in syslog-ng.conf comes before the included files
        (
            (("/etc/syslog-ng/conf.d/remote.conf", REMOTE), (MAIN, HEAD + FINAL + INCLUDE)),
            "fail",
            TAKEN,
        ),
        # ... and after them when the @include stands first (was a wrong fail)
        (
            ((MAIN, HEAD + INCLUDE + FINAL), ("/etc/syslog-ng/conf.d/remote.conf", REMOTE)),
            "pass",
            PASS,
        ),
        # held
        ((("/etc/syslog-ng/conf.d/remote.conf", REMOTE), (MAIN, HEAD + INCLUDE)), "pass", PASS),
        (
            ((MAIN, HEAD + '@include "conf.d"\n'), ("/etc/syslog-ng/conf.d/remote.conf", REMOTE)),
            "pass",
            PASS,
        ),
    ],
)
def test_syslog_ng_include_graph(host_scan, files, status: str, message: str) -> None:
    """R23G-1/R23G-2: syslog-ng lib/cfg-lexer.c reads only what an @include reaches from
    syslog-ng.conf (a file, a directory's `[-_a-zA-Z0-9.]+` files, glob() matches), each
    include's files `g_slist_insert_sorted(..., strcmp)` and read where the @include stands; so
    a `flags(final)` path before the include takes s_src from the included forwarding path, one
    after it does not."""
    a = _scan(host_scan, _grep(*files))
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == ({"hv1": status}, {"hv1": message})


NG = (
    HEAD
    + REMOTE.replace("log { source(s_src); destination(d_tls); };\n", "")
    + (
        'source s_net { network(ip("0.0.0.0") port(514) transport("tcp")); };\n'
        "filter f_auth { facility(auth, authpriv); };\n"
    )
)
FALLBACK = "log { source(s_src); destination(d_tls); flags(fallback); };\n"


@pytest.mark.parametrize(
    ("paths", "status", "message"),
    [
        (
            "log { source(s_src); destination(d_local); };\n" + FALLBACK,
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "fed none of the host's logs: syslog-ng logs.example.internal (log paths without "
            "flags(fallback) take every message of s_src before this flags(fallback) path))",
        ),
        (
            FALLBACK + "log { source(s_net); source(s_src); destination(d_local); };\n",
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "fed none of the host's logs: syslog-ng logs.example.internal (log paths without "
            "flags(fallback) take every message of s_src before this flags(fallback) path))",
        ),
        (
            "log { source(s_src); filter(f_auth); destination(d_local); };\n" + FALLBACK,
            "manual",
            "syslog-ng forwards over authenticated TLS only under a filter: "
            "logs.example.internal gets only what `flags(fallback)` (the messages no other log "
            "path matched) lets through",
        ),
        ("log { source(s_net); destination(d_local); };\n" + FALLBACK, "pass", PASS),
        (
            "log { source(s_src); destination(d_tls); };\n"
            "log { source(s_src); destination(d_local); flags(fallback); };\n",
            "pass",
            PASS,
        ),
    ],
)
def test_syslog_ng_fallback_path(host_scan, paths: str, status: str, message: str) -> None:
    """R23G-3: syslog-ng lib/logmpx.c log_multiplexer_queue runs the PIF_BRANCH_FALLBACK
    branches only `fallback == 1 && self->fallback_exists && !delivered`: a flags(fallback)
    path gets none of a source another path reads unfiltered, what the filters leave where
    only filtered paths read it; held twins: no other path reads the source, or the fallback
    path is not the forward."""
    a = _scan(host_scan, _grep((MAIN, NG + paths)))
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == ({"hv1": status}, {"hv1": message})


RS = "/etc/rsyslog.d/50-remote.conf:"
GOOD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name")'
)
RULESET_ASKED = (
    "rsyslog forwards over authenticated TLS only under a filter: logs.example.internal gets "
    "only what `ruleset fwd` lets through"
)


@pytest.mark.parametrize(
    ("calls", "status", "message"),
    [
        (('call_indirect "fwd";',), "manual", RULESET_ASKED),
        (("call_indirect $syslogtag;",), "manual", RULESET_ASKED),
        (("$ActionOmrulesetRulesetName fwd", "*.* :omruleset:"), "manual", RULESET_ASKED),
        (("call fwd",), "manual", RULESET_ASKED),
        (
            ('call_indirect "other";',),
            "fail",
            "no running forwarder sends the host's logs to a remote destination (selectors "
            "forward no daemon message (libvirt's): logs.example.internal (ruleset fwd, which no "
            "local input (imuxsock, imjournal, imklog) or call reaches))",
        ),
    ],
)
def test_rsyslog_indirect_call_reaches_ruleset(
    host_scan, calls: tuple[str, ...], status: str, message: str
) -> None:
    """R23G-4: rsyslog "The rsyslog call_indirect statement": "equivalent to "call" statement
    except that the name of the to be called ruleset is not constant but an expression";
    omruleset docs: `$ActionOmrulesetRulesetName my_ruleset` + `*.* :omruleset:` "Send every
    message (*.*) to the ruleset named my_ruleset. Replace it with: call my_ruleset". Each
    reaches the forwarding ruleset as `call fwd` does (asked, the ruleset a filter); held
    twins: `call fwd`, and call_indirect of another constant name (fail)."""
    lines = ('ruleset(name="fwd") {', GOOD, "}", *calls)
    text = DEBIAN_RSYSLOG_MAIN + "".join(RS + ln + "\n" for ln in (RSYSLOG_CA, *lines))
    a = host_scan({"rsyslog-config": (text, 0)})
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == ({"hv1": status}, {"hv1": message})
