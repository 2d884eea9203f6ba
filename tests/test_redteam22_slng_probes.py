"""Red team 22 (syslog-ng): HVA-200 on hosts whose log forwarder is syslog-ng.

Harness: conftest `host_scan` replays the hardened Debian host with rsyslog's configuration
absent, syslog-ng running instead of rsyslogd (`processes` rewritten), and the
`syslog-ng-config` probe (`grep -r -H '' /etc/syslog-ng`, so every line, comments included,
as `file:line`) replaced by the configuration under test.

Findings (ID-n):
- R22G-1 (false pass) HVA-200: the syslog-ng reader kept comments, so a commented-out
  `#log { source(s_src); destination(d_tls); };` still marked the TLS destination as used and
  the host passed "logs forwarded over TLS" although no log path sends anything to it.
  syslog-ng's lexer (syslog-ng/syslog-ng lib/cfg-lex.l, read with `read_file`):
  `<INITIAL>\\#  { _process_commented_line(yyscanner, ...) }` skips from a `#` outside a
  string to the end of the line (strings are lexed by the `<INITIAL>\\"` / `<INITIAL>\\'` rules
  first, so a `#` inside "..." is text). Now each line loses its comment (outside quotes)
  before the destinations and log paths are read: fail "no remote log destination configured".

Held (kept as tests):
- the same configuration with the log path live and a trailing `# comment` and a `#` inside a
  quoted template string: still passes (the comment stripper leaves strings alone).

Probed by script, not kept: none beyond the above.

Tally: 3 cases in 1 test function; 2 failed on main d522854 before the fix.

Leads left (not settled in the time):
- a log path whose only source is network()/syslog() (no system()/internal(), so none of the
  host's own logs) passes as forwarding the host's logs.
- a log path with filter() passes (rsyslog's filtered twin asks a MANUAL question).
- a log path after an earlier one with flags(final) that catches everything still passes.
- strings spanning lines (syslog-ng allows embedded newlines in "..."), the comment stripper
  works line by line.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

HEAD = """@version: 3.38
source s_src { system(); internal(); };
destination d_tls {
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-dir("/etc/syslog-ng/ca.d")) template("$ISODATE #host $HOST $MSG\\n"));
};
destination d_local { file("/var/log/messages"); };
log { source(s_src); destination(d_local); };
"""


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            "#log { source(s_src); destination(d_tls); };",
            "fail",
            "no remote log destination configured",
        ),
        (
            "   # log { source(s_src); destination(d_tls); };",
            "fail",
            "no remote log destination configured",
        ),
        (
            "log { source(s_src); destination(d_tls); };  # to the central server",
            "pass",
            "logs forwarded over TLS to logs.example.internal",
        ),
    ],
)
def test_syslog_ng_commented_log_path(host_scan, path: str, status: str, message: str) -> None:
    """R22G-1: syslog-ng lib/cfg-lex.l `<INITIAL>\\#  { _process_commented_line(...) }`: a `#`
    outside a string comments out the rest of the line, so a commented-out log path routes
    nothing to d_tls: fail. Held twin: the live path with a trailing comment (and a `#` inside
    the quoted template) passes."""
    conf = "".join(f"/etc/syslog-ng/syslog-ng.conf:{ln}\n" for ln in (HEAD + path).splitlines())
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    a = host_scan({"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}
