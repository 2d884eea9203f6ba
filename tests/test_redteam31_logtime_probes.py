"""Red-team round 31 probes: logging and audit, time and host resources (rt31logtime)

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian 12 host, changed only where a probe says so), through the real
collector, bundle, parser and engine (host_scan). syslog-ng probes run `/usr/sbin/syslog-ng -F`
in place of rsyslogd (rsyslog-config not collected) with /etc/syslog-ng/syslog-ng.conf sending
the host's logs to one network() destination with transport("tls") and the tls() options under
test (as round 30's file does); rsyslog probes add /etc/rsyslog.d/50-remote.conf with a global
CA and one omfwd action over gtls in x509/name mode, the rsyslog package's release replaced in
the dpkg list (or removed: release unknown).

Findings (R31L-n):
- R31L-1 (false pass) HVA-200: a syslog-ng tls() whose CA option names nothing passed "logs
  forwarded over TLS": `ca-file("")`, `ca-dir("")` (also after a ca-dir() that named one) and
  `pkcs12-file("")` counted as a CA (strings are masked, presence only). syslog-ng (github
  syslog-ng/syslog-ng b55e8d0, read with `fetch`) modules/afsocket/afsocket-grammar.ym
  tls_option: ca-file() and pkcs12-file() take `path_check`, which lib/cfg-grammar.y `path`
  stat()s while parsing (CHECK_ERROR "File \"%s\" not found"; commit fff457274, 3.23; ca-file()
  came with it, 7c8beea71, 3.27.1), so ca-file("") stops the file loading; ca-dir() takes a
  string, and lib/transport/tls-context.c tls_context_setup_context loads it only where
  _is_file_accessible (access(R_OK)) succeeds, which fails for "": no CA, every server refused
  (R30L-3). Each option replaces the last (tls_context_set_ca_dir). Now ca-file("") fails naming
  the refusal (in any peer-verify mode), an empty ca-dir()/pkcs12-file() names no CA (R30L-3's
  fail, naming it).
- R31L-2 (false pass) HVA-200: rsyslog 8.1901.0 to 8.1911.x with omfwd
  `streamdriver.permitExpiredCerts="off"` passed. Those releases' tools/omfwd.c newActInst
  compares the name but actpdescr does not list it (`git show v8.1901.0:tools/omfwd.c`, rsyslog
  ee72adc read with `fetch`), so rsyslog reports "parameter not known" and ignores it
  (grammar/rainerscript.c nvlstChkUnused) and the driver keeps its 'on' default (HL18-7,
  EXPIRED_DEFAULT_ON): an expired server certificate is accepted. Fixed upstream by 80b3fc65d
  "omfwd: parameter streamdriver.permitexpiredcerts did not work" (ChangeLog 2020-01-12, issue
  #4098, 8.2001.0); Debian 10 ships 8.1901.0. Now a fail naming the ignored setting; with no
  release known, the explicit "off" no longer settles it (asked, release_unknown).
- R31L-3 (false pass; 2 wordings) HVA-200: omfwd word parameters R30L-9 did not list were read
  with whitespace in them: tcp_framing and compression.mode (words in every release 8,
  `git show v8.1.0:tools/omfwd.c`), device (8.24.0), networknamespace (8.26.0), address
  (8.35.0), streamdriver.permitexpiredcerts (8.2001.0) passed; grammar/rainerscript.c doGetWord
  refuses the value and omfwd.c newActInst aborts, so nothing is sent. The aliases
  streamdriver.name / streamdriver.authmode (8.2502.0) with whitespace already failed, but as an
  unknown driver or auth mode (wording). Now a fail naming the parameter where the release reads
  it as a word, judged as before where it does not know it, asked where no release is known
  (WORD_PARAMS_BY_RELEASE; target and port are words until 8.2408.0).

Held (kept as tests): R31L-1 an empty ca-dir() replaced by a later one, an empty ca-dir() beside
a ca-file(), a bare-word ca-dir(), `ca-file("")` inside another option's string; R31L-2
permitExpiredCerts="off" on 8.2001.0 and on 8.40.0 (which rejects expired certificates
outright), "on" on 8.2001.0 (fails as before); R31L-3 device with a space on 8.16.0 and address
on 8.33.0 (unknown there, ignored), tcp_framing without a space.

Probed by script: `target="logs.example.internal "` on 8.2408.0 (an array there: passes, and
the message shows the space; not kept, see leads); the round-30 timeres and audit leads read in
the code: systemd-timesyncd is judged by the server it uses (ServerAddress), so FallbackNTP= with
an empty NTP= is already settled (no finding).

Tally: 3 findings, 3 false passes (R31L-3 also fixes 2 wordings), 0 false n/a, 0 wrong fails;
29 cases in 3 test functions; 19 failed on main 99fead02 before the fixes (R31L-1 7 of 11,
R31L-2 3 of 6, R31L-3 9 of 12, 2 of them the wordings); the 10 held cases pass there too.

Leads left:
- rsyslog target/port from 8.2408.0 are arrays (eCmdHdlrArray): whether a value with
  whitespace is refused there or reaches getaddrinfo is not read.
- syslog-ng cert-file("") / key-file("") / dhparam-file("") are refused from 3.23 (path_check)
  and skipped before it: not judged (hvaudit reads no syslog-ng release).
- omrelp's word parameters (tls.authmode, target) with whitespace; omrelp tls.permittedpeer.
- HVA-202: ntpd PPS/NMEA refclocks, chrony `minsources`, ntpd `restrict` defaults (R30T leads,
  not reached this round); audit `-e 0` after `-e 2` (a needless question), auditd.conf as a
  symlink, RPM audit packages (not reached).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, messages, outcomes

SLNG = """@version: 4.8
source s_src {{ system(); internal(); }};
destination d_remote {{
    network("logs.example.internal" port(6514) transport("tls")
        tls({tls}));
}};
log {{ source(s_src); destination(d_remote); }};
"""
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
PLAIN = "logs forwarded without authenticated TLS to logs.example.internal ({why})"
REFUSED = PLAIN.format(
    why='ca-file("") names no file: syslog-ng refuses the file, "File not found"'
)


def _syslog_ng(host_scan, tls: str):  # type: ignore[no-untyped-def]
    conf = "".join(
        f"/etc/syslog-ng/syslog-ng.conf:{line}\n" for line in SLNG.format(tls=tls).splitlines()
    )
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    return host_scan(
        {"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)}
    )


def _no_ca(empty: str, mode: str = "peer-verify(required-trusted), the default,") -> str:
    return PLAIN.format(
        why=f"tls() names no CA certificate (ca-file(), ca-dir(), pkcs12-file(); {empty} names "
        f"none) and {mode} checks the server's chain: OpenSSL trusts no issuer, so syslog-ng "
        "refuses every server and nothing is sent"
    )


@pytest.mark.parametrize(
    ("tls", "status", "message"),
    [
        ('ca-file("")', "fail", REFUSED),
        ("ca-dir(\"/etc/syslog-ng/ca.d\") ca_file('')", "fail", REFUSED),
        ('ca-file("") peer-verify(optional-untrusted)', "fail", REFUSED),
        ('ca-dir("")', "fail", _no_ca('ca-dir("")')),
        ('ca-dir("") peer-verify(yes)', "fail", _no_ca('ca-dir("")', "peer-verify(yes)")),
        ('ca-dir("/etc/syslog-ng/ca.d") ca-dir("")', "fail", _no_ca('ca-dir("")')),
        # R33L-4: pkcs12-file() takes a path_check too, so "" stops the file loading (3.23.1)
        (
            'pkcs12-file("")',
            "fail",
            PLAIN.format(
                why='pkcs12-file("") names no file: syslog-ng refuses the file, "File not found"'
            ),
        ),
        # held
        ('ca-dir("") ca-dir("/etc/syslog-ng/ca.d")', "pass", OVER_TLS),
        ('ca-dir("") ca-file("/etc/ssl/certs/ca-certificates.crt")', "pass", OVER_TLS),
        ("ca-dir(/etc/syslog-ng/ca.d)", "pass", OVER_TLS),
        (
            'cert-file("/etc/syslog-ng/ca-file(\\"\\").pem") ca-dir("/etc/syslog-ng/ca.d")',
            "pass",
            OVER_TLS,
        ),
    ],
    ids=[
        "ca-file-empty",
        "ca-file-empty-beside-dir",
        "ca-file-empty-untrusted",
        "ca-dir-empty",
        "ca-dir-empty-yes",
        "ca-dir-emptied-later",
        "pkcs12-empty",
        "held-ca-dir-set-later",
        "held-ca-file-beside",
        "held-bare-word",
        "held-in-a-string",
    ],
)
def test_r31l1_syslog_ng_ca_naming_nothing(host_scan, tls: str, status: str, message: str) -> None:
    a = _syslog_ng(host_scan, tls)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


REMOTE = "/etc/rsyslog.d/50-remote.conf"
GLOBAL_CA = 'global(DefaultNetstreamDriverCAFile="/etc/ssl/certs/logs-ca.pem")'
OMFWD = 'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" {extra})'
TLS = (
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" '
    'StreamDriverPermittedPeers="logs.example.internal" '
)
BASELINE = "8.2302.0-1+deb12u1"
NO_PACKAGE = "no rsyslog package among the installed ones (host/commands/dpkg-packages.txt)"


def _packages(release: str | None) -> tuple[str, int]:
    """The baseline's dpkg list with rsyslog at `release` (None: no rsyslog package)."""
    text = str(HARDENED_HOST["dpkg-packages"][0])
    if release is None:
        return ("".join(ln + "\n" for ln in text.splitlines() if not ln.startswith("rsyslog")), 0)
    return (text.replace(BASELINE, release), 0)


def _rsyslog(host_scan, extra: str, release: str | None):  # type: ignore[no-untyped-def]
    text = "".join(f"{REMOTE}:{line}\n" for line in (GLOBAL_CA, OMFWD.format(extra=extra)))
    return host_scan(
        {"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0), "dpkg-packages": _packages(release)}
    )


def _ignored_expiry(value: str, release: str) -> str:
    return PLAIN.format(
        why=f'streamdriver.permitExpiredCerts="{value}" unknown to rsyslog {release} (omfwd reads '
        f"it from 8.2001.0), which ignores it: streamdriver.permitExpiredCerts unset, which "
        f"rsyslog {release} takes as 'on' (omfwd sets no default before 8.2012.0): the server's "
        "certificate is accepted after it expires, so a retired key, which CRLs no longer need to "
        "list, passes as the log server"
    )


def _release_unknown(*why: str) -> str:
    return (
        f"{OVER_TLS}, but which rsyslog release runs is unknown, and it decides: "
        + "; ".join(f"logs.example.internal: {w}" if i == 0 else w for i, w in enumerate(why))
        + f"; {NO_PACKAGE}"
    )


EXPIRY_NOTE = (
    'streamdriver.permitExpiredCerts="off" (omfwd ignores it before 8.2001.0, and 8.1901.0 to '
    "8.1911.0 then accept an expired server certificate)"
)


@pytest.mark.parametrize(
    ("extra", "release", "status", "message"),
    [
        (
            TLS + 'streamdriver.permitExpiredCerts="off"',
            "8.1901.0-1",
            "fail",
            _ignored_expiry("off", "8.1901.0-1"),
        ),
        (
            TLS + 'streamdriver.permitexpiredcerts="OFF"',
            "8.1911.0-1",
            "fail",
            _ignored_expiry("off", "8.1911.0-1"),
        ),
        (
            TLS + 'streamdriver.permitExpiredCerts="off"',
            None,
            "manual",
            _release_unknown(EXPIRY_NOTE),
        ),
        # held: the releases that read it, one before the 'on' default
        (TLS + 'streamdriver.permitExpiredCerts="off"', "8.2001.0-1", "pass", OVER_TLS),
        (TLS + 'streamdriver.permitExpiredCerts="off"', "8.40.0-1", "pass", OVER_TLS),
        (
            TLS + 'streamdriver.permitExpiredCerts="on"',
            "8.2001.0-1",
            "fail",
            PLAIN.format(
                why="streamdriver.permitExpiredCerts 'on': the server's certificate is accepted "
                "after it expires, so a retired key, which CRLs no longer need to list, passes "
                "as the log server"
            ),
        ),
    ],
    ids=["off-8.1901", "off-8.1911", "off-release-unknown", "held-8.2001", "held-8.40", "held-on"],
)
def test_r31l2_permit_expired_certs_before_omfwd_read_it(
    host_scan, extra: str, release: str | None, status: str, message: str
) -> None:
    a = _rsyslog(host_scan, extra, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


def _whitespace(name: str, value: str) -> str:
    return PLAIN.format(
        why=f'parameter {name}="{value}" contains whitespace, which rsyslog does not permit in '
        "it: it refuses the action, so nothing is sent"
    )


@pytest.mark.parametrize(
    ("extra", "release", "status", "message"),
    [
        (
            TLS + 'tcp_framing="octet-counted "',
            BASELINE,
            "fail",
            _whitespace("tcp_framing", "octet-counted "),
        ),
        (TLS + 'compression.mode="none "', None, "fail", _whitespace("compression.mode", "none ")),
        (TLS + 'device="eth0 "', BASELINE, "fail", _whitespace("device", "eth0 ")),
        (TLS + 'address="192.0.2.1 "', BASELINE, "fail", _whitespace("address", "192.0.2.1 ")),
        (
            TLS + 'networknamespace="mgmt net"',
            BASELINE,
            "fail",
            _whitespace("networknamespace", "mgmt net"),
        ),
        (
            TLS + 'streamdriver.permitExpiredCerts="off "',
            BASELINE,
            "fail",
            _whitespace("streamdriver.permitexpiredcerts", "off "),
        ),
        (
            TLS.replace('StreamDriver="gtls"', 'streamdriver.name="gtls "'),
            "8.2502.0-1",
            "fail",
            _whitespace("streamdriver.name", "gtls "),
        ),
        (
            TLS.replace('StreamDriverAuthMode="x509/name"', 'streamdriver.authmode="x509/name "'),
            "8.2502.0-1",
            "fail",
            _whitespace("streamdriver.authmode", "x509/name "),
        ),
        (
            TLS + 'device="eth0 "',
            None,
            "manual",
            _release_unknown(
                'device="eth0 " holds whitespace (rsyslog from 8.24.0 reads it as a word and '
                "refuses the action)"
            ),
        ),
        # held: a release that does not know the parameter ignores it
        (TLS + 'device="eth0 "', "8.16.0-1", "pass", OVER_TLS),
        (TLS + 'address="192.0.2.1 "', "8.33.0-1", "pass", OVER_TLS),
        (TLS + 'tcp_framing="octet-counted"', BASELINE, "pass", OVER_TLS),
    ],
    ids=[
        "tcp-framing",
        "compression-release-unknown",
        "device",
        "address",
        "netns",
        "permit-expired",
        "alias-name",
        "alias-authmode",
        "device-release-unknown",
        "held-device-8.16",
        "held-address-8.33",
        "held-no-space",
    ],
)
def test_r31l3_more_word_parameters_with_whitespace(
    host_scan, extra: str, release: str | None, status: str, message: str
) -> None:
    a = _rsyslog(host_scan, extra, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}
