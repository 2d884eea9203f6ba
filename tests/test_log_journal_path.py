"""HVA-200 beside the fixes of H52 (journald hands rsyslog nothing) and H61 (a filtered stop before
the forwarding): what reaches rsyslog on a systemd host, and what an earlier stop takes.

Sources (read with `search`): journald.conf(5) ForwardToSyslog= ("By default, only forwarding to
wall is enabled"; overridden at boot by `systemd.journald.forward_to_syslog=`; drop-ins sorted by
file name, the last wins), Debian's systemd patch "Re-enable journal forwarding to syslog";
systemd-journald.service(8) (journald forwards to /run/systemd/journal/syslog, which imuxsock
reads); rsyslog imuxsock (`SysSock.Use`), imjournal and "stop"; libvirt virlog.c (its journald
output sets SYSLOG_FACILITY=LOG_DAEMON).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, RSYSLOG_REMOTE
from hvaudit.engine import Assessment
from test_manual_questions import shape_problems

REMOTE = RSYSLOG_REMOTE
DEBIAN_MAIN = (
    '/etc/rsyslog.conf:module(load="imuxsock") # provides support for local system logging\n'
    '/etc/rsyslog.conf:module(load="imklog")   # provides kernel logging support\n'
    "/etc/rsyslog.conf:$IncludeConfig /etc/rsyslog.d/*.conf\n"
)
#: RHEL 9's stock inputs: imuxsock off the system socket, the journal read by imjournal.
RHEL_MAIN = (
    '/etc/rsyslog.conf:module(load="imuxsock" SysSock.Use="off")\n'
    '/etc/rsyslog.conf:module(load="imjournal" StateFile="imjournal.state")\n'
    '/etc/rsyslog.conf:include(file="/etc/rsyslog.d/*.conf" mode="optional")\n'
)
#: An older Debian rsyslog.conf: legacy directives.
LEGACY_MAIN = (
    "/etc/rsyslog.conf:$ModLoad imuxsock\n/etc/rsyslog.conf:$ModLoad imklog\n"
    "/etc/rsyslog.conf:$IncludeConfig /etc/rsyslog.d/*.conf\n"
)
UPSTREAM_JOURNALD = (
    "#  Entries in this file show the compile time defaults.\n[Journal]\n#Storage=auto\n"
    "#ForwardToSyslog=no\n#ForwardToWall=yes\n"
)
RHEL_OS = 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n'


def _hva200(a: Assessment) -> tuple[str, str, str | None]:
    (r,) = [r for r in a.results if r.check.id == "HVA-200"]
    return r.status.value, r.outcome.message, r.outcome.question


def _scan(host_scan, main: str, journald: str | None) -> Assessment:
    return host_scan({"rsyslog-config": (main + REMOTE, 0), "/etc/systemd/journald.conf": journald})


def test_forwarding_off_and_no_imjournal_fails(host_scan) -> None:
    a = _scan(host_scan, DEBIAN_MAIN, "[Journal]\nForwardToSyslog=no\n")
    assert _hva200(a)[:2] == (
        "fail",
        "no running forwarder sends the host's logs to a remote destination (journald hands "
        "rsyslog nothing: ForwardToSyslog=no in /etc/systemd/journald.conf, and rsyslog reads "
        "no journal (no imjournal), so logs.example.internal get(s) the kernel's messages at "
        "most, not libvirt's)",
    )


def test_legacy_modload_is_read_too(host_scan) -> None:
    a = _scan(host_scan, LEGACY_MAIN, "[Journal]\nForwardToSyslog=no\n")
    assert _hva200(a)[0] == "fail"


@pytest.mark.parametrize(
    ("main", "journald", "drop_ins", "cmdline", "status", "part"),
    [
        # RHEL's inputs: the journal is read directly, forwarding does not matter
        (RHEL_MAIN, "[Journal]\nForwardToSyslog=no\n", None, None, "pass", "TLS"),
        # no journald.conf at all: no systemd journal owns /dev/log
        (DEBIAN_MAIN, None, None, None, "pass", "TLS"),
        # a drop-in sorted last turns it off
        (
            DEBIAN_MAIN,
            "[Journal]\nForwardToSyslog=yes\n",
            "/etc/systemd/journald.conf.d/90-quiet.conf:[Journal]\n"
            "/etc/systemd/journald.conf.d/90-quiet.conf:ForwardToSyslog=no\n",
            None,
            "fail",
            "ForwardToSyslog=no in /etc/systemd/journald.conf.d/90-quiet.conf",
        ),
        # /etc hides the vendor drop-in of the same name
        (
            DEBIAN_MAIN,
            "[Journal]\n",
            "/etc/systemd/journald.conf.d/50-x.conf:[Journal]\n"
            "/etc/systemd/journald.conf.d/50-x.conf:ForwardToSyslog=yes\n"
            "/usr/lib/systemd/journald.conf.d/50-x.conf:[Journal]\n"
            "/usr/lib/systemd/journald.conf.d/50-x.conf:ForwardToSyslog=no\n",
            None,
            "pass",
            "TLS",
        ),
        # the kernel command line overrides the files, both ways
        (
            DEBIAN_MAIN,
            "[Journal]\nForwardToSyslog=yes\n",
            None,
            "quiet systemd.journald.forward_to_syslog=0\n",
            "fail",
            "kernel command line systemd.journald.forward_to_syslog=0",
        ),
        (
            DEBIAN_MAIN,
            "[Journal]\nForwardToSyslog=no\n",
            None,
            "quiet systemd.journald.forward_to_syslog\n",
            "pass",
            "TLS",
        ),
        # Debian's default (its patch) when nothing sets it
        (DEBIAN_MAIN, "[Journal]\n#ForwardToSyslog=yes\n", None, None, "pass", "TLS"),
    ],
    ids=[
        "rhel-imjournal",
        "no-systemd",
        "drop-in-off",
        "etc-hides-vendor",
        "cmdline-off",
        "cmdline-on",
        "debian-default",
    ],
)
def test_what_journald_hands_rsyslog(
    host_scan,
    main: str,
    journald: str | None,
    drop_ins: str | None,
    cmdline: str | None,
    status: str,
    part: str,
) -> None:
    over: dict[str, Any] = {}
    if drop_ins is not None:
        over["journald-conf-d"] = (drop_ins, 0)
    if cmdline is not None:
        over["/proc/cmdline"] = cmdline
    a = host_scan(
        {"rsyslog-config": (main + REMOTE, 0), "/etc/systemd/journald.conf": journald, **over}
    )
    got, msg, _ = _hva200(a)
    assert got == status, msg
    assert part in msg, msg


def test_upstream_default_on_another_distribution(host_scan) -> None:
    """Nothing sets it on a RHEL host reading /dev/log through imuxsock: the shipped file's
    comment shows the compiled-in default (upstream's no), so rsyslog gets nothing."""
    a = host_scan(
        {
            "rsyslog-config": (DEBIAN_MAIN + REMOTE, 0),
            "/etc/systemd/journald.conf": UPSTREAM_JOURNALD,
            "/etc/os-release": RHEL_OS,
        }
    )
    got, msg, _ = _hva200(a)
    assert got == "fail", msg
    assert "the compiled-in default ForwardToSyslog=no" in msg, msg


def test_unknown_default_is_one_question(host_scan) -> None:
    a = host_scan(
        {
            "rsyslog-config": (DEBIAN_MAIN + REMOTE, 0),
            "/etc/systemd/journald.conf": "[Journal]\n",
            "/etc/os-release": RHEL_OS,
        }
    )
    got, msg, question = _hva200(a)
    assert got == "manual", msg
    assert msg == (
        "rsyslog forwards over authenticated TLS, but reads no journal (no imjournal); whether "
        "journald hands it libvirt's messages is open: no file sets ForwardToSyslog and this "
        "distribution's default is not known (logs.example.internal)"
    )
    assert question is not None and "ForwardToSyslog=yes" in question
    assert shape_problems(question) == []


def test_journald_files_not_collected_is_a_question(host_scan) -> None:
    """A bundle without the journald files (an older hvaudit): never a pass on them."""
    a = host_scan(
        {
            "rsyslog-config": (DEBIAN_MAIN + REMOTE, 0),
            "/etc/systemd/journald.conf": RuntimeError("read timed out"),
        }
    )
    got, msg, _ = _hva200(a)
    assert got == "manual", msg
    assert "were not read" in msg, msg


# --- H61: a stop before the forwarding action -----------------------------------------------------


def test_expression_stop_is_a_question_naming_it(host_scan) -> None:
    pre = '/etc/rsyslog.d/10-quiet.conf:if $programname startswith "libvirt" then stop\n'
    a = host_scan({"rsyslog-config": (DEBIAN_MAIN + pre + REMOTE, 0)})
    got, msg, question = _hva200(a)
    assert (got, msg) == (
        "manual",
        "rsyslog forwards over authenticated TLS only under a filter: logs.example.internal "
        'gets only what `if $programname startswith "libvirt" then stop` lets through',
    )
    assert shape_problems(question) == []


def test_stop_in_another_ruleset_takes_nothing_here(host_scan) -> None:
    pre = (
        '/etc/rsyslog.d/10-relay.conf:input(type="imtcp" port="514" ruleset="relay")\n'
        '/etc/rsyslog.d/10-relay.conf:ruleset(name="relay") {\n'
        '/etc/rsyslog.d/10-relay.conf:  if $programname startswith "libvirt" then stop\n'
        "/etc/rsyslog.d/10-relay.conf:}\n"
    )
    a = host_scan({"rsyslog-config": (DEBIAN_MAIN + pre + REMOTE, 0)})
    assert _hva200(a)[:2] == ("pass", "logs forwarded over TLS to logs.example.internal")


def test_stop_after_the_forwarding_takes_nothing(host_scan) -> None:
    post = '/etc/rsyslog.d/90-quiet.conf:if $programname startswith "libvirt" then stop\n'
    a = host_scan({"rsyslog-config": (DEBIAN_MAIN + REMOTE + post, 0)})
    assert _hva200(a)[:2] == ("pass", "logs forwarded over TLS to logs.example.internal")


# --- H79, H80: a legacy ruleset; syslog-ng TLS that verifies no server -------------------------

SYSLOG_NG = """@version: 3.38
source s_src { system(); internal(); };
destination d_remote {
    network("logs.example.internal" port(6514) transport("TRANSPORT")
        tls(ca-dir("/etc/syslog-ng/ca.d")VERIFY));
};
log { source(s_src); destination(d_remote); };
"""


def _syslog_ng(host_scan, transport: str, verify: str) -> Assessment:
    conf = "".join(
        f"/etc/syslog-ng/syslog-ng.conf:{line}\n"
        for line in SYSLOG_NG.replace("TRANSPORT", transport).replace("VERIFY", verify).splitlines()
    )
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    return host_scan(
        {"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)}
    )


@pytest.mark.parametrize(
    ("transport", "verify", "status", "message"),
    [
        (
            "tls",
            " peer-verify(required-untrusted)",
            "fail",
            "logs forwarded without authenticated TLS to logs.example.internal "
            "(peer-verify(required-untrusted): the log server is not authenticated)",
        ),
        ("tls", " peer-verify(optional-trusted)", "pass", "logs.example.internal"),
        ("tls", "", "pass", "logs forwarded over TLS to logs.example.internal"),
        (
            "tcp",
            "",
            "fail",
            "logs forwarded without authenticated TLS to logs.example.internal",
        ),
    ],
    ids=["required-untrusted", "optional-trusted", "default", "tcp-transport-with-tls-options"],
)
def test_syslog_ng_tls_by_transport_and_peer_verify(
    host_scan, transport: str, verify: str, status: str, message: str
) -> None:
    got, msg, _ = _hva200(_syslog_ng(host_scan, transport, verify))
    assert got == status, msg
    assert message in msg, msg


def test_legacy_ruleset_of_a_network_input_names_it(host_scan) -> None:
    lines = [
        "$ModLoad imuxsock",
        "$ModLoad imtcp",
        "$DefaultNetstreamDriver gtls",
        "$DefaultNetstreamDriverCAFile /etc/ssl/certs/logs-ca.pem",  # R28L-1
        "$RuleSet relay",
        "$ActionSendStreamDriverMode 1",
        "$ActionSendStreamDriverAuthMode x509/name",
        "*.* @@logs.example.internal:6514",
        "$RuleSet RSYSLOG_DefaultRuleset",
        "$InputTCPServerBindRuleset relay",
        "$InputTCPServerRun 10514",
    ]
    conf = "".join(f"/etc/rsyslog.conf:{line}\n" for line in lines)
    got, msg, _ = _hva200(host_scan({"rsyslog-config": (conf, 0)}))
    assert (got, msg) == (
        "fail",
        "no running forwarder sends the host's logs to a remote destination (selectors forward "
        "no daemon message (libvirt's): logs.example.internal (ruleset relay, which no local "
        "input (imuxsock, imjournal, imklog) or call reaches))",
    )
    # the same ruleset made the default one of the inputs: the host's messages reach it, under
    # the ruleset's own filter (as for ruleset(name=...) bound to a local input): a question
    conf += "/etc/rsyslog.conf:$DefaultRuleset relay\n"
    assert _hva200(host_scan({"rsyslog-config": (conf, 0)}))[0] == "manual"


@pytest.mark.parametrize(
    ("journald", "cmdline", "status"),
    [
        ("[Journal]\nMaxLevelSyslog=crit\n", None, "fail"),
        ("[Journal]\nMaxLevelSyslog=err\n", None, "pass"),
        (
            "[Journal]\nMaxLevelSyslog=debug\n",
            "quiet systemd.journald.max_level_syslog=1\n",
            "fail",
        ),
        (
            "[Journal]\nMaxLevelSyslog=2\n",
            "quiet systemd.journald.max_level_syslog=warning\n",
            "pass",
        ),
    ],
    ids=["crit", "err", "cmdline-alert", "cmdline-warning"],
)
def test_journald_max_level_syslog(
    host_scan, journald: str, cmdline: str | None, status: str
) -> None:
    """H94: journald.conf(5) MaxLevelSyslog= ("messages above are dropped", by name or number,
    default debug; `systemd.journald.max_level_syslog=` at boot): below err, libvirt's errors
    never reach rsyslog's imuxsock."""
    over: dict[str, Any] = {
        "rsyslog-config": (DEBIAN_MAIN + REMOTE, 0),
        "/etc/systemd/journald.conf": journald,
    }
    if cmdline is not None:
        over["/proc/cmdline"] = cmdline
    got, msg, _ = _hva200(host_scan(over))
    assert got == status, msg
    if journald.endswith("crit\n") and cmdline is None:
        assert msg == (
            "no running forwarder sends the host's logs to a remote destination (journald hands "
            "rsyslog only messages of level crit and above (MaxLevelSyslog=crit in "
            "/etc/systemd/journald.conf), and rsyslog reads no journal (no imjournal), so "
            "logs.example.internal get(s) none of libvirt's errors)"
        )
