"""Red team 23 (host log forwarding): HVA-200 with syslog-ng log paths and rsyslog's discard.

Harness: conftest `host_scan` replays the hardened Debian 12 host through the real collector,
parser and engine. syslog-ng cases: rsyslog's configuration absent, syslog-ng running instead
of rsyslogd (`processes` rewritten) and the `syslog-ng-config` probe (`grep -r -H ''
/etc/syslog-ng`) replaced by the configuration under test. rsyslog cases: Debian's rsyslog.conf
(`$IncludeConfig /etc/rsyslog.d/*.conf`) and /etc/rsyslog.d/50-remote.conf holding the lines
under test before the omfwd action over gtls, mode 1, x509/name. Each test asserts the exact
status and message.

Findings (ID-n):
- R23L-1 (false pass) HVA-200: syslog-ng's reader counted every network()/syslog()/tcp()
  destination that any log path named, whatever that path's sources, so a relay path
  `log { source(s_net); destination(d_tls); };` (s_net a network() listener: other hosts'
  logs) passed "logs forwarded over TLS" on a host that forwards none of its own logs; so did
  a path whose host source an earlier `flags(final)` path had already taken. syslog-ng.conf(5)
  (read with `search`, docs corpus): "log paths define what syslog-ng does with a message,
  connecting the sources to the destinations. A log path consists of one or more sources and
  one or more destinations: messages arriving from a source are sent to every destination
  listed in the log path". syslog-ng lib/cfg-tree.c (`fetch` github:syslog-ng/syslog-ng):
  log_expr_node_lookup_flag maps "final" to LC_FINAL, which
  cfg_tree_propagate_expr_node_properties_to_pipe turns into `PIF_BRANCH_FINAL` (a message a
  final path processed goes to no later path), and "catch-all" to LC_CATCHALL, for which
  cfg_tree_compile adds every source object (`cfg_tree_add_all_sources`). Now a remote
  destination counts only where a log path reading a host source (system(), the /dev/log
  unix sockets, systemd-journal(), systemd-syslog(), or flags(catch-all)) feeds it and no
  earlier unfiltered final path took that source; otherwise fail naming why.
- R23L-2 (false pass) HVA-200: rsyslog's discard action written as the omdiscard module
  (`*.* :omdiscard:` or `action(type="omdiscard")`) before the forward still passed; only
  `stop` and `~` were read as stops. rsyslog grammar/rainerscript.c cnfstmtOptimizeAct
  (`fetch` github:rsyslog/rsyslog): `if (!strcmp((char *)modGetName(pAct->pMod),
  "builtin:omdiscard")) { ... stmt->nodetype = S_STOP; }`, "optimizer: replacing omdiscard by
  STOP" (tools/omdiscard.c doAction returns RS_RET_DISCARDMSG). Now both spellings are a stop
  like `stop`: under a selector only they take its messages from later actions (fail), under a
  filter (`:programname, isequal, "cron" :omdiscard:`, which also passed) they make the later
  actions filtered (asked, as the `stop` twin is).
- R23L-3 (false pass) HVA-200: an omfwd action with action.execOnlyWhenPreviousIsSuspended="on"
  (legacy `$ActionExecOnlyWhenPreviousIsSuspended on` before `& @@host`) after a file action
  passed "logs forwarded over TLS" although it forwards only while the file action is
  suspended. rsyslog docs "$ActionExecOnlyWhenPreviousIsSuspended" (read with `search`, docs
  corpus): "This parameter allows to specify if actions should always be executed ("off," the
  default) or only if the previous action is suspended ("on")", "the secondaries and the local
  log buffer are only used if the one before them does not work"; its modern equivalent is
  action.execOnlyWhenPreviousIsSuspended. Now such a forward carries that setting as a filter:
  over TLS it is asked (filtered), never a pass; a host with an unconditional TLS forward
  before it still passes on that one.
- R23L-4 (false pass) HVA-200: a syslog-ng log path with filter() (or an inline `if (...)`
  filter) in front of the TLS destination passed as forwarding the host's logs, while rsyslog's
  filtered twin asks. syslog-ng.conf(5) (doc/man/syslog-ng.conf.5 in the `fetch`ed
  syslog-ng/syslog-ng): "Optionally, log paths can include filters. Filters are rules that
  select only certain messages ... If a log path includes filters, syslog-ng OSE sends only the
  messages satisfying the filter rules to the destinations set in the log path". Now a TLS
  destination that only filtered paths feed is asked (MANUAL, a syslog-ng-worded question as
  rsyslog's); an unfiltered path to it keeps the pass.

Held (kept as tests):
- the syslog-ng path reading s_src (system(); internal()) passes; a final path before it that
  has a filter() does not take its source (pass; since R25L-3 the later path is filtered, the
  question: the final path keeps what its filter matches); a filtered and an unfiltered path to the same
  TLS destination pass.
- a file action in place of the discard keeps the pass; action.execOnlyWhenPreviousIsSuspended
  "off" keeps the pass.

Probed by script, not kept: flags(catch-all) with no source() and an inline `source {
system(); }` both pass (right).

Tally: 15 cases in 3 test functions; 8 failed on main 3fb626d before R23L-1..3, and the 2
  R23L-4 cases failed on main 6900097 (R23L-1..3 landed) before R23L-4.

Leads left (not settled in the time):
- syslog-ng: a plain (non-TLS) destination behind a filter still counts as plain (fail, as
  rsyslog's); parser() with drop-invalid and junctions/channels are read flat; flags(final) is applied in the order of the grep output, which across
  /etc/syslog-ng files is directory order, not @include order; strings spanning lines (the
  comment stripper works line by line); flags(fallback) paths.
- rsyslog: `call_indirect` into the ruleset holding the forward reads as unbound (maybe a wrong
  fail); the stop message names `*.* stop` for an omdiscard too; `if previous_action_suspended()
  then` around a forward is already a kept-as-text filter (not probed).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_CA, messages, outcomes

NG_HEAD = """@version: 3.38
source s_src { system(); internal(); };
source s_net { network(ip("0.0.0.0") port(514) transport("tcp")); };
filter f_auth { facility(auth, authpriv); };
destination d_tls {
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-dir("/etc/syslog-ng/ca.d")));
};
destination d_local { file("/var/log/messages"); };
"""
NG_PASS = "logs forwarded over TLS to logs.example.internal"


@pytest.mark.parametrize(
    ("paths", "status", "message"),
    [
        (
            "log { source(s_net); destination(d_tls); };",
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "fed none of the host's logs: syslog-ng logs.example.internal (its log path reads "
            "s_net, no system() or /dev/log source))",
        ),
        (
            "log { source(s_src); destination(d_local); flags(final); };\n"
            "log { source(s_src); destination(d_tls); };",
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "fed none of the host's logs: syslog-ng logs.example.internal (an earlier log path "
            "with flags(final) took s_src))",
        ),
        (
            "log { source(s_src); source(s_net); destination(d_local); flags(final); };\n"
            "log { source(s_net); source(s_src); destination(d_tls); };",
            "fail",
            "no running forwarder sends the host's logs to a remote destination (configured but "
            "fed none of the host's logs: syslog-ng logs.example.internal (an earlier log path "
            "with flags(final) took s_src))",
        ),
        ("log { source(s_src); destination(d_tls); };", "pass", NG_PASS),
        (
            "log { source(s_src); filter(f_auth); destination(d_tls); };",
            "manual",
            "syslog-ng forwards over authenticated TLS only under a filter: "
            "logs.example.internal gets only what `filter(f_auth)` lets through",
        ),
        (
            'log { source(s_src); if (program("cron")) { destination(d_tls); }; };',
            "manual",
            "syslog-ng forwards over authenticated TLS only under a filter: "
            "logs.example.internal gets only what an inline filter lets through",
        ),
        (
            "log { source(s_src); filter(f_auth); destination(d_tls); };\n"
            "log { source(s_src); destination(d_tls); };",
            "pass",
            NG_PASS,
        ),
        (
            # R25L-3: the filtered final path keeps what f_auth matches from the later path
            "log { source(s_src); filter(f_auth); destination(d_local); flags(final); };\n"
            "log { source(s_src); destination(d_tls); };",
            "manual",
            "syslog-ng forwards over authenticated TLS only under a filter: "
            "logs.example.internal gets only what an earlier flags(final) log path, which keeps "
            "what `filter(f_auth)` matches, lets through",
        ),
    ],
)
def test_syslog_ng_path_feeds_host_logs(host_scan, paths: str, status: str, message: str) -> None:
    """R23L-1: syslog-ng.conf(5) "messages arriving from a source are sent to every destination
    listed in the log path": a path reading only a network() listener relays other hosts' logs,
    none of this host's; lib/cfg-tree.c `LC_FINAL` -> `PIF_BRANCH_FINAL`: an unfiltered final
    path before takes its sources' messages from the later ones. Held twins: the path reading
    system() passes, and a final path with a filter() takes only what the filter matches
    (since R25L-3 the later path then gets the rest only: the filtered question).
    R23L-4: syslog-ng.conf(5) "If a log path includes filters, syslog-ng OSE sends only the
    messages satisfying the filter rules to the destinations set in the log path": a TLS
    destination only filtered paths feed is asked; with an unfiltered path too it passes."""
    conf = "".join(f"/etc/syslog-ng/syslog-ng.conf:{ln}\n" for ln in (NG_HEAD + paths).splitlines())
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    a = host_scan({"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


R = "/etc/rsyslog.d/50-remote.conf:"
GOOD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name")'
)
STOPPED = (
    "no running forwarder sends the host's logs to a remote destination (selectors forward no "
    "daemon message (libvirt's): logs.example.internal (daemon messages stopped earlier by "
    "`*.* stop`))"
)


@pytest.mark.parametrize(
    ("before", "status", "message"),
    [
        ("*.* :omdiscard:", "fail", STOPPED),
        ('action(type="omdiscard")', "fail", STOPPED),
        (
            ':programname, isequal, "cron" :omdiscard:',
            "manual",
            "rsyslog forwards over authenticated TLS only under a filter: logs.example.internal "
            'gets only what `:programname, isequal, "cron" then stop` lets through',
        ),
        ("*.* /var/log/all.log", "pass", "logs forwarded over TLS to logs.example.internal"),
    ],
)
def test_rsyslog_omdiscard_is_a_stop(host_scan, before: str, status: str, message: str) -> None:
    """R23L-2: rsyslog grammar/rainerscript.c cnfstmtOptimizeAct replaces every action of module
    "builtin:omdiscard" by S_STOP ("optimizer: replacing omdiscard by STOP"), so the legacy
    `:omdiscard:` and action(type="omdiscard") end the message's processing as `stop` does.
    Under a property filter it is a filtered stop (asked); held twin: a file action in its place
    keeps the pass."""
    text = DEBIAN_RSYSLOG_MAIN + "".join(R + ln + "\n" for ln in (RSYSLOG_CA, before, GOOD))
    a = host_scan({"rsyslog-config": (text, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


FAILOVER_ASKED = (
    "rsyslog forwards over authenticated TLS only under a filter: logs.example.internal gets "
    "only what `{}` lets through"
)


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        (
            ("*.* /var/log/all.log", GOOD[:-1] + ' action.execOnlyWhenPreviousIsSuspended="on")'),
            "manual",
            FAILOVER_ASKED.format('action.execOnlyWhenPreviousIsSuspended="on"'),
        ),
        (
            (
                "$ActionSendStreamDriver gtls",
                "$ActionSendStreamDriverMode 1",
                "$ActionSendStreamDriverAuthMode x509/name",
                "*.* /var/log/all.log",
                "$ActionExecOnlyWhenPreviousIsSuspended on",
                "& @@logs.example.internal:6514",
            ),
            "manual",
            FAILOVER_ASKED.format("$ActionExecOnlyWhenPreviousIsSuspended on"),
        ),
        (
            ("*.* /var/log/all.log", GOOD[:-1] + ' action.execOnlyWhenPreviousIsSuspended="off")'),
            "pass",
            "logs forwarded over TLS to logs.example.internal",
        ),
    ],
)
def test_rsyslog_failover_forward_is_asked(
    host_scan, lines: tuple[str, ...], status: str, message: str
) -> None:
    """R23L-3: rsyslog "$ActionExecOnlyWhenPreviousIsSuspended": "actions should always be
    executed ("off," the default) or only if the previous action is suspended ("on")", whose
    modern equivalent is action.execOnlyWhenPreviousIsSuspended: a failover forward after a
    file action forwards nothing while the file is written, so it is a filter the text cannot
    settle (asked, never a pass). Held twin: "off" keeps the pass."""
    text = DEBIAN_RSYSLOG_MAIN + "".join(R + ln + "\n" for ln in (RSYSLOG_CA, *lines))
    a = host_scan({"rsyslog-config": (text, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}
