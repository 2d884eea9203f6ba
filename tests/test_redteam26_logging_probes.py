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
- R26L-2 (false pass) HVA-214, HVA-201: `auditctl -s` printing `pid 0` (no audit daemon
  registered: Linux kernel/audit.c AUDIT_GET `s.pid = auditd_pid_vnr()`, "0 on failure",
  found with `find_string`) beside an auditd in the process list passed both checks "auditd
  running". auditd registers at start only, and not at all with local_events = no
  (audit-userspace src/auditd.c: `opt_aggregate_only = !config.local_events`, "This can only be
  set at start up"; audit_set_pid only `if (!opt_aggregate_only ...)`; fetched
  github:linux-audit/audit-userspace ea85502), so an auditd.conf edited since start misleads;
  the kernel then queues and printk()s the records. Now a fail naming `pid 0`
  (checks._libvirt.audit_unregistered, new fact audit_pid).
- R26L-3 (false pass) HVA-200: StreamDriverMode 2 (any mode but 0 and 1) passed as TLS; the
  drivers refuse it (rsyslog runtime/nsd_gtls.c, nsd_ossl.c, nsd_mbedtls.c SetMode: "driver
  mode %d not supported") and omfwd.c's connection setup stops at
  `CHKiRet(netstrm.SetDrvrMode(...))`: nothing is sent. Now a fail naming why.
- R26L-4 (false pass) HVA-214, HVA-201: auditd's own options were not read: `-f` / cluster
  `-nf` / `--fore` (src/auditd.c: D_FOREGROUND sets `config.write_logs = 0`;
  src/auditd-event.c init_event `log_fd = 1 // stdout`; auditd(8) -f "Messages also go to
  stderr rather than the audit log") keeps no audit log whatever write_logs says, and `-c DIR`
  / `--config_file=DIR` (src/auditd-config.c set_config_dir: `%s/auditd.conf`) reads another
  auditd.conf than the one collected; both passed on /etc/audit/auditd.conf. Now the sink
  question (its wording names the command line).
- R26L-5 (false pass) HVA-200: systemd-journal-upload with trust "-" (`--trust=-`, or
  `TrustedCertificateFile=-` in journal-upload.conf) passed; only `--trust=all` was read.
  journal-upload.c: `if (STRPTR_IN_SET(arg_trust, "-", "all"))` sets CURLOPT_SSL_VERIFYPEER 0
  (systemd PR 15347, v246, found with `search`), and parse_config reads TrustedCertificateFile=
  with config_parse_path_or_ignore, which keeps "-" (src/shared/conf-parser.c, `find_string`;
  "all" there is no absolute path and is ignored). Now a fail naming the setting. On systemd
  245 a file's "-" was ignored (a wrong fail there; the setting's intent is no check).

Held (kept as tests): R26L-1: x509/fingerprint with a fingerprint listed (action and legacy),
x509/name with an exact permitted peer, omrelp name mode with an exact peer. R26L-2: `pid
401`, the listed auditd. R26L-3: StreamDriverMode "01" is 1. R26L-4: `auditd -n`,
`-s enable`, `-c /etc/audit/`. R26L-5: TrustedCertificateFile=all (ignored), `--trust=PATH`
over a file's "-", an empty TrustedCertificateFile= after "-".

Probed by script, not kept: legacy `*.* @@host` with `$ActionSendStreamDriverMode 0` (fail,
held); omrelp name mode with no peer (in R26L-1); 8 auditd command lines (6 kept); omfwd
x509/certvalid or anon with permitted peers (SetPermPeers refuses them: nothing sent, already
a fail as certvalid/anon); 7 journal-upload trust spellings (6 kept). 34 inputs in all.

Tally: 5 findings, 5 false passes; 33 tests in 10 functions. Failed on main before their fix:
R26L-1 10 of 14 (main of 13:05 UTC, before 1a82be6; the 4 held pass there too); R26L-2/3/4
9 of 13 on 1a82be6 (1 + 2 + 6; the 4 held pass there too); R26L-5 3 of 6 on f7abf9f (the 3 held
pass there too).

Leads left (team decisions first):
- rsyslog gtls/ossl with no CA file (no global DefaultNetstreamDriverCAFile, no
  streamdriver.CAFile): nsd_gtls.c gtlsInitCred only warns "CA certificate is not set", and
  gtlsChkPeerCertValidity then aborts on "signer not found", so x509/name sends nothing. The
  hardened fixture (conftest RSYSLOG_REMOTE) sets no CA itself: fixing it moves the baseline.
- auditd.conf disk_full_action / disk_error_action / admin_space_left_action = suspend (the
  upstream defaults) or ignore, max_log_file_action = suspend: the trail stops when the disk
  or file fills; no check claims it and 800-125A names no action. Team decision.
- `auditctl -s` pid naming a non-auditd program (auditbeat, go-audit hold the kernel's
  connection, auditd then exits "Unable to set audit pid"): HVA-214/201 fail "auditd is not
  running" though that program may keep the records (wrong fail at worst).
- `auditd -s disable` (src/auditd.c audit_set_enabled(fd, 0) at start) where `auditctl -s` was
  not read; `lost` > 0 / tiny backlog_limit (cumulative since boot, noisy) not judged.
- /etc/audit/auditd.conf as a symlink without `auditd -l` (open with O_NOFOLLOW fails).
- R25L-4's imfile-only / network-input-only rsyslog (a fail that may be wrong): not re-probed.
"""

from __future__ import annotations

import pytest

from conftest import (
    DEBIAN_RSYSLOG_MAIN,
    HARDENED_HOST,
    RSYSLOG_CA,
    messages,
    outcomes,
    question_line,
)

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
    text = "".join(f"{REMOTE}:{line}\n" for line in (RSYSLOG_CA, *lines))  # the CA: R28L-1
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
                    extra='StreamDriverAuthMode="X509/name" StreamDriverPermittedPeers="*.*.*"'
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
    ids=[
        "fingerprint-listed",
        "legacy-fingerprint-listed",
        "exact-name",
        "omrelp-exact-name",
    ],
)
def test_exact_permitted_peers_keep_the_pass(host_scan, lines: tuple[str, ...]) -> None:
    """R26L-1's held probes: a listed fingerprint or an exact name authenticates the server."""
    a = _rsyslog(host_scan, *lines)
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
    assert messages(a, "HVA-200") == {"hv1": OVER_TLS}


STATUS = (
    "enabled 1\nfailure 1\npid {pid}\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\n"
    "backlog_wait_time 60000\nbacklog_wait_time_actual 0\nloginuid_immutable 0 unlocked\n"
)


def test_auditd_running_but_not_registered_with_the_kernel_fails(host_scan) -> None:
    """R26L-2 (false pass) HVA-214, HVA-201: `auditctl -s` prints `pid 0` (Linux kernel/audit.c
    AUDIT_GET `s.pid = auditd_pid_vnr()`, "0 on failure": no audit daemon connected) while an
    auditd is in the process list, as after one started with local_events = no (audit-userspace
    src/auditd.c: `opt_aggregate_only = !config.local_events`, "This can only be set at start
    up", and only `!opt_aggregate_only` calls audit_set_pid) whose auditd.conf was edited since.
    The kernel then queues and printk()s the records, dropping the rest; both checks passed
    "auditd running"."""
    a = host_scan({"audit-status": (STATUS.format(pid=0), 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1, but no audit daemon receives "
        "their records: auditd runs, yet the kernel has none registered (`auditctl -s` pid 0; "
        "an auditd started with local_events = no never registers), so the kernel only prints "
        "them to its log, rate-limited, and drops the rest"
    }
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}
    assert messages(a, "HVA-201") == {
        "hv1": "audit_level = 2, auditd running, but the kernel has no audit daemon registered "
        "(`auditctl -s` pid 0): libvirt's records reach no auditd"
    }


def test_auditd_registered_with_the_kernel_keeps_the_pass(host_scan) -> None:
    """R26L-2's held probe: `pid 401`, the listed auditd, keeps both passes."""
    a = host_scan({"audit-status": (STATUS.format(pid=401), 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert outcomes(a, "HVA-201") == {"hv1": "pass"}
    assert messages(a, "HVA-201") == {"hv1": "audit_level = 2, auditd running"}


@pytest.mark.parametrize(
    "lines",
    [
        (OMFWD.replace('StreamDriverMode="1"', 'StreamDriverMode="2"').format(extra=""),),
        (
            "$DefaultNetstreamDriver gtls",
            "$ActionSendStreamDriverMode 2",
            "*.* @@logs.example.internal:6514",
        ),
    ],
    ids=["action", "legacy"],
)
def test_stream_driver_mode_no_driver_knows_sends_nothing(
    host_scan, lines: tuple[str, ...]
) -> None:
    """R26L-3 (false pass) HVA-200: the TLS drivers know modes 0 and 1 only (rsyslog
    runtime/nsd_gtls.c, nsd_ossl.c, nsd_mbedtls.c SetMode: "error: driver mode %d not
    supported", RS_RET_INVALID_DRVR_MODE) and omfwd.c's connection setup stops at
    `CHKiRet(netstrm.SetDrvrMode(...))`, so StreamDriverMode 2 sends nothing; every mode but 0
    passed as TLS. Held: "01" is 1 (es_str2num)."""
    a = _rsyslog(host_scan, *lines)
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {
        "hv1": PLAIN.format(
            why="StreamDriverMode 2, which no TLS driver knows: rsyslog fails every connection "
            "and sends nothing"
        )
    }
    held = _rsyslog(
        host_scan,
        OMFWD.replace('StreamDriverMode="1"', 'StreamDriverMode="01"').format(extra=""),
    )
    assert outcomes(held, "HVA-200") == {"hv1": "pass"}
    assert messages(held, "HVA-200") == {"hv1": OVER_TLS}


FOREGROUND = (
    "evidence unavailable: auditd runs in the foreground (`auditd -f`): it writes its records "
    "to its standard output, not to /var/log/audit/audit.log"
)
OTHER_CONF = (
    "evidence unavailable: auditd reads /etc/audit-lab/auditd.conf (`auditd -c`), which was not "
    "collected"
)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("/sbin/auditd -f", FOREGROUND),
        ("/sbin/auditd -nf", FOREGROUND),
        ("/sbin/auditd --fore", FOREGROUND),
        ("/sbin/auditd -c /etc/audit-lab", OTHER_CONF),
        ("/sbin/auditd -l -c/etc/audit-lab", OTHER_CONF),
        ("/sbin/auditd --config_file=/etc/audit-lab", OTHER_CONF),
    ],
    ids=["f", "cluster", "long-prefix", "c", "c-attached", "c-long"],
)
def test_auditd_command_line_that_bypasses_auditd_conf_is_asked(
    host_scan, command: str, message: str
) -> None:
    """R26L-4 (false pass) HVA-214, HVA-201: auditd's own options were not read. `-f`
    (audit-userspace src/auditd.c: D_FOREGROUND, `config.write_logs = 0`; src/auditd-event.c
    init_event: `log_fd = 1 // stdout`; auditd(8) -f: "Messages also go to stderr rather than
    the audit log") writes no audit log whatever write_logs says; `-c DIR` (set_config_dir:
    `%s/auditd.conf`) reads another auditd.conf than the one collected. Both passed on
    /etc/audit/auditd.conf's write_logs. getopt_long "flns:c:" with long options
    (foreground, config_file=) and clusters. Now the sink question. Held: `-n`, `-s enable`,
    `-c /etc/audit/` keep the pass."""
    procs = str(HARDENED_HOST["processes"][0]).replace("/sbin/auditd\n", command + "\n")
    a = host_scan({"processes": (procs, 0)})
    for check in ("HVA-214", "HVA-201"):
        assert outcomes(a, check) == {"hv1": "manual"}
        assert messages(a, check) == {"hv1": message}
    assert "auditd's command line (`-f` writes them to its standard output" in question_line(
        a, "HVA-214", "hv1"
    )


@pytest.mark.parametrize(
    "command",
    ["/sbin/auditd -n", "/sbin/auditd -s enable", "/sbin/auditd -c /etc/audit/"],
)
def test_auditd_options_that_keep_its_log_keep_the_pass(host_scan, command: str) -> None:
    """R26L-4's held probes."""
    procs = str(HARDENED_HOST["processes"][0]).replace("/sbin/auditd\n", command + "\n")
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-201") == {"hv1": "audit_level = 2, auditd running"}


UPLOAD_PROCS = (
    str(HARDENED_HOST["processes"][0])
    + "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state{args}\n"
)
UPLOAD_URL = "[Upload]\nURL=https://logs.example.internal\n"


@pytest.mark.parametrize(
    ("conf", "args", "shown"),
    [
        ("TrustedCertificateFile=-\n", "", "TrustedCertificateFile=-"),
        ("", " --trust=-", "--trust=-"),
        ("", " --trust -", "--trust=-"),
    ],
    ids=["config-dash", "argv-dash", "argv-dash-separate"],
)
def test_journal_upload_trust_dash_checks_no_server(
    host_scan, conf: str, args: str, shown: str
) -> None:
    """R26L-5 (false pass) HVA-200: systemd-journal-upload turns the server check off for
    trust "-" as for "all" (src/journal-remote/journal-upload.c: `if (STRPTR_IN_SET(arg_trust,
    "-", "all")) easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0, ...)`; systemd PR 15347, v246, found
    with `search`), and its config file keeps "-" (parse_config: TrustedCertificateFile= with
    config_parse_path_or_ignore, which stores "-" as given, src/shared/conf-parser.c, found with
    `find_string`). Only `--trust=all` was read: HVA-200 passed "logs forwarded over TLS"."""
    a = host_scan(
        {
            "rsyslog-config": None,
            "/etc/systemd/journal-upload.conf": UPLOAD_URL + conf,
            "processes": (UPLOAD_PROCS.format(args=args), 0),
        }
    )
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}
    assert messages(a, "HVA-200") == {
        "hv1": "logs forwarded without authenticated TLS to https://logs.example.internal "
        f"({shown}: the server is not authenticated)"
    }


@pytest.mark.parametrize(
    ("conf", "args"),
    [
        ("TrustedCertificateFile=all\n", ""),
        ("TrustedCertificateFile=-\n", " --trust=/etc/ssl/ca/trusted.pem"),
        ("TrustedCertificateFile=-\nTrustedCertificateFile=\n", ""),
    ],
    ids=["config-all-ignored", "argv-overrides", "reset"],
)
def test_journal_upload_trusted_ca_keeps_the_pass(host_scan, conf: str, args: str) -> None:
    """R26L-5's held probes: "all" in the file is no absolute path, ignored with a warning
    (config_parse_path_or_ignore), --trust given on the command line overrides the file
    (parse_argv after parse_config), and an empty value resets it to the default CA file."""
    a = host_scan(
        {
            "rsyslog-config": None,
            "/etc/systemd/journal-upload.conf": UPLOAD_URL + conf,
            "processes": (UPLOAD_PROCS.format(args=args), 0),
        }
    )
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}
    assert messages(a, "HVA-200") == {
        "hv1": "logs forwarded over TLS to https://logs.example.internal"
    }
