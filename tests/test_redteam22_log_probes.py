"""Twenty-second red-team review, host logging (rt22log): HVA-200 and rsyslog's config.enabled.

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan): Debian's rsyslog.conf (`$IncludeConfig /etc/rsyslog.d/*.conf`) and
/etc/rsyslog.d/50-remote.conf holding the omfwd action over gtls, mode 1, x509/name, with the
rsyslog 8.2302.0 package and rsyslogd running. Only the rsyslog configuration is changed. Each
test asserts the exact status and message.

Findings (ID-n):
- R22L-1 (false pass) HVA-200: an omfwd action (or the include() that reads it) carrying
  `config.enabled="off"` passed "logs forwarded over TLS to logs.example.internal": hvaudit read
  the parameter as any other and kept the action. rsyslog "configuration objects" (rsyslog docs,
  read with `search`, docs corpus): "config.enabled ... Added in version 8.33.0. All
  configuration objects have a config.enabled parameter ... If set to on or not specified, the
  construct will be used, if set to any other value, it will be ignored", and its value may come
  from the environment with a backtick (`echo $VAR`). Now an action, include, global or module
  object whose config.enabled is not "on" is ignored as rsyslogd ignores it (the host has no
  remote destination: fail); an action whose config.enabled is a backtick is a filter the text
  cannot settle (asked), an include of that kind is an unread include (unknown).

Held (kept as tests): `config.enabled="on"` keeps the pass.

Probed by script, not kept (verdicts already right): `if false`/`if $msg contains` around the
action (filtered: asked), `*.* stop`/`~`/`& stop` before it (no daemon message: fail), a stop in
an earlier-sorted rsyslog.d file (fail), x509/certvalid and anon (RainerScript and legacy:
fail), `$DefaultNetstreamDriver gtls` without `$ActionSendStreamDriverMode 1` (plain: fail),
StreamDriverMode 0, protocol udp, an unbound ruleset, `$RuleSet other`, kern-only, *.!info
and daemon.!=err selectors (fail), syslog-ng peer-verify(optional-untrusted) (fail).

Tally: 6 cases in 3 test functions; 5 failed on main 42dfe19 before the fix (the "on" case
held).

Leads left (not settled in the time):
- `*.* :omdiscard:` / `action(type="omdiscard")` before the forwarding action still passes;
  rsyslog's `~` is the omdiscard action, which ends processing of the message (rsyslog
  "Discard" docs); not confirmed from omdiscard.c in the time (RS_RET_DISCARDMSG).
- action.execOnlyWhenPreviousIsSuspended="on" (a failover action that forwards only while the
  previous action is suspended) passes as a plain forward.
- `call_indirect` into the ruleset holding the forward reads as an unbound ruleset (fail):
  maybe a wrong fail.
- syslog-ng (probed with `_syslog_ng_used`/`_syslog_ng_tls`, likely false passes, not fixed in
  the time): the collector greps /etc/syslog-ng with its comments, so a `#log { ...
  destination(d); };` commented out still marks `d` as used and passes (syslog-ng comments
  start with `#`: not confirmed from syslog-ng's own docs in the time); a log path whose only
  source is network() (not system()/internal(), so none of the host's logs), a log path with
  filter() (rsyslog's filtered twin asks), and an earlier path with flags(final) all pass.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, RSYSLOG_CA, messages, outcomes

R = "/etc/rsyslog.d/50-remote.conf:"
GOOD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name"'
)


def _rsyslog(main: str, remote: str) -> dict[str, tuple[str, int]]:
    lines = [RSYSLOG_CA, *remote.splitlines()]  # the CA: R28L-1
    return {"rsyslog-config": (main + "".join(R + ln + "\n" for ln in lines), 0)}


@pytest.mark.parametrize(
    ("enabled", "status", "message"),
    [
        ('"off"', "fail", "no remote log destination configured"),
        ('"On"', "fail", "no remote log destination configured"),
        ('"0"', "fail", "no remote log destination configured"),
        ('"on"', "pass", "logs forwarded over TLS to logs.example.internal"),
    ],
)
def test_action_config_enabled(host_scan, enabled: str, status: str, message: str) -> None:
    """rsyslog configuration objects: "If set to on or not specified, the construct will be
    used, if set to any other value, it will be ignored" (R22L-1)."""
    a = host_scan(_rsyslog(DEBIAN_RSYSLOG_MAIN, f"{GOOD} config.enabled={enabled})"))
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


def test_action_config_enabled_from_environment_is_asked(host_scan) -> None:
    """A backtick value is `echo $VAR` of rsyslogd's environment, which the configuration does
    not show: whether the action exists is open, never a pass (R22L-1)."""
    a = host_scan(_rsyslog(DEBIAN_RSYSLOG_MAIN, f"{GOOD} config.enabled=`echo $FORWARD`)"))
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-200") == {
        "hv1": "rsyslog forwards over authenticated TLS only under a filter: "
        "logs.example.internal gets only what `config.enabled=`echo $FORWARD`` lets through"
    }


def test_include_config_enabled_off(host_scan) -> None:
    """include() is a configuration object too: disabled, its files are not read (R22L-1)."""
    main = DEBIAN_RSYSLOG_MAIN.replace(
        "$IncludeConfig /etc/rsyslog.d/*.conf",
        'include(file="/etc/rsyslog.d/*.conf" config.enabled="off")',
    )
    assert main != DEBIAN_RSYSLOG_MAIN
    a = host_scan(_rsyslog(main, f"{GOOD})"))
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {"hv1": "no remote log destination configured"}
