"""Red-team round 29 probes: logging and audit (rt29log)

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. rsyslog probes replace /etc/rsyslog.d/50-remote.conf
behind Debian's rsyslog.conf (conftest.DEBIAN_RSYSLOG_MAIN) and set the installed rsyslog
release in `dpkg-packages` (the baseline's is 8.2302.0).

Findings (R29L-n):
- R29L-1 (false pass) HVA-200: omfwd's module CA default was counted however it was set.
  omfwd is built into rsyslogd as "builtin:omfwd" (runtime/rsconf.c regBuildInModule) and its
  module parameters are set by `module(load="builtin:omfwd" ...)` only (omfwd module-parameter
  docs); runtime/modules.c Load() finds no module "omfwd" (findModule, strncmp) and dlopens
  omfwd.so, which does not exist (rsyslog's rosi-collector README: "If you see errors about
  omfwd.so missing, remove any explicit module load"); a second statement is refused
  ("parameters for built-in module %s already set - ignored"); the defaults are copied into an
  action when it is read (tools/omfwd.c newActInst / parseSelectorAct call
  applyModuleTlsDefaults; grammar.y `conf obj { cnfDoObj }`), so a later statement gives it
  none; and the module parameters streamdriver.CAFile / CAExtraFiles came with 8.2608.0
  (commit 2a45fb831), so the baseline's 8.2302.0 reports "parameter not known" and ignores
  them (grammar/rainerscript.c nvlstChkUnused). rsyslog ee72adc read with `fetch`. In each case
  the gtls driver trusts no CA and sends nothing, yet it passed "logs forwarded over TLS" (R28's
  held "module-ca", `load="omfwd"` on 8.2302.0, encoded it). Now a fail naming why.
- R29L-2 (false pass) HVA-200: CA settings and a driver newer than the installed rsyslog
  counted: the action's streamdriver.CAFile came with 8.2108.0 (commit 39e81e133), the global
  NetstreamDriverCAExtraFiles with 8.2210.0 (318449ad3), the action's
  streamdriver.CAExtraFiles (ossl) with 8.2608.0 (2a45fb831), the mbedtls driver with
  8.2512.0 (e4f64a4fc); an older release ignores the parameter (Debian 11 and RHEL 8 ship
  8.2102) or loads no driver, and nothing is sent. Now a fail naming the release; with no
  rsyslog release known, a question (`rsyslogd -v`).
- R29L-3 (false pass) HVA-200: streamdriver.CAExtraFiles on a gtls or mbedtls action
  passed; runtime/nsd_gtls.c and nsd_mbedtls.c SetTlsCAExtraFiles refuse any value
  (RS_RET_VALUE_NOT_SUPPORTED, "extra CA Files setting not supported by gtls netstream
  driver"), and omfwd.c TCPSendInitTarget calls it for every connection before Connect
  (`CHKiRet(netstrm.SetDrvrTlsCAExtraFiles(...))`), in every auth mode: nothing is sent.
  Now a fail (8.2608.0 and later; older releases ignore the parameter, held).
- R29L-4 (false pass) HVA-200: Debian ships rsyslog's TLS stream drivers and omrelp in
  packages of their own (packages.debian.org file lists, bullseye to sid: rsyslog-gnutls holds
  lmnsd_gtls.so, rsyslog-openssl lmnsd_ossl.so, rsyslog-relp omrelp.so), and rsyslog loads the
  driver when it connects (runtime/netstrms.c loadDrvr, obj.UseObj of "lmnsd_<driver>"; its
  failure fails TCPSendInitTarget): a dpkg-installed rsyslog without the driver's package sends
  nothing, yet it passed "logs forwarded over TLS" (the hardened baseline itself listed no
  rsyslog-gnutls). Now a fail naming the package; an rsyslog dpkg does not manage, or an RPM
  host (Fedora's rsyslog-gnutls, SUSE's rsyslog-module-gtls, spec files keeping the drivers in
  the main package), is not judged so. The baseline (conftest) now lists the three packages.
- R29L-5 (false pass) HVA-214, HVA-201: `auditctl -s` naming a pid that is not the running
  auditd (auditbeat, go-audit, or a process gone) passed both "auditd running" and "audit rules
  watch ...". The kernel keeps one receiver and refuses to replace a live one (Linux
  kernel/audit.c audit_receive_msg AUDIT_SET: "replacing a healthy auditd is not allowed",
  -EEXIST; found with `find_string`), so auditd's log holds none of the records. Now a question
  naming the receiver (it may keep or ship them); R26L-2's `pid 0` stays a fail, the listed
  auditd's pid a pass (held there).
- R29L-6 (false pass) HVA-200: a stream driver named in another case (`StreamDriver="GTLS"`,
  `DefaultNetstreamDriver="Ossl"`, `$ActionSendStreamDriver GTLS`) counted as TLS (hvaudit
  lower-cased it). rsyslog loads the driver by the name as written: runtime/netstrms.c loadDrvr
  builds "lmnsd_<name>" (SetDrvrName keeps it as given), runtime/obj.c FindObjInfo compares
  with strcmp and runtime/modules.c Load() dlopens lmnsd_<name>.so, while the drivers are
  installed as lmnsd_gtls.so, lmnsd_ossl.so, lmnsd_mbedtls.so: nothing is sent. Now a fail;
  parameter names stay case-insensitive (held).
- R29L-7 (false pass) HVA-200: omrelp in fingerprint mode with no tls.caCert passed whatever
  TLS library librelp used (R28 held it for GnuTLS). With `module(load="omrelp"
  tls.tlslib="openssl")` (omrelp.c setModCnf, librelp relpEngineSetTLSLibByName, strcasecmp;
  Debian's and Ubuntu's librelp build with libssl-dev and libgnutls28-dev) the client checks
  the chain first: librelp src/tcp.c relpTcpChkPeerAuth aborts unless SSL_get_verify_result is
  X509_V_OK, and relpTcpInitTLS loads a CA from tls.caCert only: every server is refused. Now
  a fail; GnuTLS (named or default) and a given CA keep the pass (held).
- R29L-8 (false pass) HVA-200: a CA parameter set to an empty value
  (`DefaultNetstreamDriverCAFile=""`, `streamdriver.CAFile=" "`, omrelp `tls.caCert=""`)
  counted as a CA. It names no file: gtls fails on it (runtime/nsd_gtls.c gtlsInitCred:
  GNUTLS_E_FILE_ERROR, "error reading certificate file", the connection aborts), ossl too
  (net_ossl.c osslCtxInit "CA certificate '%s' could not be accessed"), and librelp's
  SSL_CTX_load_verify_locations / gnutls trust file fail: nothing is sent. Now no CA.
- R29L-9 (false pass) HVA-214, HVA-201: auditd started with `-s disable` (any prefix, `-sd`,
  `--enable_state=dis`: audit-userspace src/auditd.c matches startup_states with
  `strncmp(optarg, state, strlen(optarg))`) switches kernel auditing off at its start
  (audit_set_enabled(fd, startup_disable = 0) unless the kernel is locked); where `auditctl -s`
  was not read both checks passed "auditd running". Now a question asking for the enabled
  flag; with the flag read it decides (held), as do `-s enable` and `-s nochange` (held).

Held (kept as tests): `builtin:omfwd` before the action on 8.2608.0, for action() and a
legacy `@@` selector; the action's CAFile on 8.2108.0; ossl CAExtraFiles (action) on 8.2608.0;
global CAExtraFiles on 8.2210.0; mbedtls with a global CA on 8.2512.0; gtls CAExtraFiles on
8.2302.0 (ignored there); R29L-4: the gtls package installed while the others are missing; no
rsyslog package (then the release is unknown: the expiry question); R29L-6: a parameter name
in upper case; R29L-7: omrelp with a CA, with GnuTLS named or by default; R29L-9: `-s enable`,
`-s nochange`, `-s disable` with `auditctl -s` read (enabled 1). R29L-5's `pid 401` and
`pid 0` are R26L-2's (test_redteam26_logging_probes), rerun.

Probed by script: the 43 inputs kept here (module name, release, order and repetition; each
CA setting at the release before and at the one that brought it; gtls/mbedtls extra CA files;
driver packages; the audit receiver; driver name case; omrelp TLS library; empty CA values; auditd -s).

Tally: 9 findings, 9 false passes; 43 tests in 10 functions, 27 failed on main before the
fix (3722a3b: R29L-1 4 of 6, R29L-2 5 of 9, R29L-3 3 of 4; 188b9fd: R29L-4 3 of 5; 44daa32:
R29L-5 2 of 2; db3e30f: R29L-6 3 of 4; 02e472f: R29L-7 1 of 4; 5a4d6cd: R29L-8 3 of 3;
fc922cc: R29L-9 3 of 6; the 16 held pass there too).

Leads left:
- A CA file named but absent on the host (8.2302.0 glbl.c drops an unreadable
  DefaultNetstreamDriverCAFile; HEAD keeps it and gtls fails with "error reading certificate
  file"): nothing is sent either way, but the collector reads no CA file, so it is not judged.
- RPM hosts: driver packages are not judged (Fedora/RHEL rsyslog-gnutls / rsyslog-openssl,
  SUSE rsyslog-module-gtls, some spec files keep the drivers in the main package), nor a Debian
  mbedtls driver package; an rsyslog built from source has no release: the release question.
- applyModuleTlsDefaults copies a module CA only when the action's effective driver is TLS at
  the time the action is read; a global DefaultNetstreamDriver set after the action is not
  modelled; an empty StreamDriver="" (loads "lmnsd_") falls back to the default here.
- auditd.conf as a symlink (auditd opens it with O_NOFOLLOW unless `-l`), `lost` / backlog
  counters, disk_full_action / disk_error_action = suspend or ignore (team decision, R26).
- `auditctl -s` pid from a PID namespace (auditd_pid_vnr is 0 where the receiver is not
  visible): the collector runs in the host's namespace, not re-probed.
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, messages, outcomes

REMOTE = "/etc/rsyslog.d/50-remote.conf"
OMFWD = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="{driver}" StreamDriverMode="1" {extra})'
)
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
CA = "/etc/ssl/certs/logs-ca.pem"
FP = "SHA256:" + "AB:" * 31 + "CD"
GLOBAL_CA = f'global(DefaultNetstreamDriverCAFile="{CA}")'


def _packages(release: str | None) -> tuple[str, int]:
    """The baseline's dpkg list with rsyslog at `release` (None: no rsyslog package)."""
    text = HARDENED_HOST["dpkg-packages"][0]
    if release is None:
        return ("".join(ln + "\n" for ln in text.splitlines() if not ln.startswith("rsyslog")), 0)
    return (text.replace("8.2302.0-1+deb12u1", release), 0)


def _scan(host_scan, lines: list[str], release: str | None):  # type: ignore[no-untyped-def]
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    return host_scan(
        {"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0), "dpkg-packages": _packages(release)}
    )


def _no_ca(ignored: str, ossl: bool = False) -> str:
    where = "DefaultNetstreamDriverCAFile, streamdriver.CAFile" + (", CAExtraFiles" if ossl else "")
    return (
        "logs forwarded without authenticated TLS to logs.example.internal (StreamDriverAuthMode "
        f"x509/name (the default) with no CA certificate ({where}; {ignored}): the TLS driver "
        "trusts no issuer, so it refuses every server and nothing is sent)"
    )


def _refused(driver: str) -> str:
    return (
        f"logs forwarded without authenticated TLS to logs.example.internal (streamdriver."
        f"CAExtraFiles, which the {driver} driver refuses (extra CA files are supported by ossl "
        "only): rsyslog fails every connection and sends nothing)"
    )


MODULE = f'module(load="builtin:omfwd" streamdriver.cafile="{CA}")'
NAMED = 'module(load="omfwd") sets no default: omfwd is built in as "builtin:omfwd", and no omfwd.so exists to load'


@pytest.mark.parametrize(
    ("lines", "release", "status", "message"),
    [
        (
            [
                f'module(load="omfwd" streamdriver.cafile="{CA}")',
                OMFWD.format(driver="gtls", extra=""),
            ],
            "8.2608.0-1",
            "fail",
            _no_ca(NAMED),
        ),
        (
            [MODULE, OMFWD.format(driver="gtls", extra="")],
            "8.2302.0-1+deb12u1",
            "fail",
            _no_ca(
                "omfwd's module streamdriver.CAFile is unknown to rsyslog 8.2302.0-1+deb12u1 "
                "(it came with 8.2608.0)"
            ),
        ),
        (  # read after the action: the action took the (empty) defaults already
            [OMFWD.format(driver="gtls", extra=""), MODULE],
            "8.2608.0-1",
            "fail",
            _no_ca('module(load="builtin:omfwd") stands after the action, which took no default'),
        ),
        (  # a second statement for the built-in module is refused
            [
                'module(load="builtin:omfwd" template="RSYSLOG_SyslogProtocol23Format")',
                MODULE,
                OMFWD.format(driver="gtls", extra=""),
            ],
            "8.2608.0-1",
            "fail",
            _no_ca(
                'a second module(load="builtin:omfwd") is ignored (its parameters are already set)'
            ),
        ),
        # held: the built-in module's default, read before the action, on 8.2608.0
        ([MODULE, OMFWD.format(driver="gtls", extra="")], "8.2608.0-1", "pass", OVER_TLS),
        (
            [
                MODULE,
                "$DefaultNetstreamDriver gtls",
                "$ActionSendStreamDriverMode 1",
                "*.* @@logs.example.internal:6514",
            ],
            "8.2608.0-1",
            "pass",
            OVER_TLS,
        ),
    ],
    ids=["load-omfwd", "release-8.2302", "after-action", "second-module", "builtin", "legacy"],
)
def test_omfwd_module_ca_default(
    host_scan, lines: list[str], release: str, status: str, message: str
) -> None:
    """R29L-1: omfwd's module CA default counts only as rsyslog applies it."""
    a = _scan(host_scan, lines, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


@pytest.mark.parametrize(
    ("lines", "release", "status", "message"),
    [
        (
            [OMFWD.format(driver="gtls", extra=f'streamdriver.CAFile="{CA}"')],
            "8.2102.0-2+deb11u1",
            "fail",
            _no_ca(
                "the action's streamdriver.CAFile is unknown to rsyslog 8.2102.0-2+deb11u1 (it "
                "came with 8.2108.0)"
            ),
        ),
        (
            [OMFWD.format(driver="ossl", extra=f'streamdriver.CAExtraFiles="{CA}"')],
            "8.2302.0-1+deb12u1",
            "fail",
            _no_ca(
                "the action's streamdriver.CAExtraFiles is unknown to rsyslog 8.2302.0-1+deb12u1 "
                "(it came with 8.2608.0)",
                ossl=True,
            ),
        ),
        (
            [f'global(NetstreamDriverCAExtraFiles="{CA}")', OMFWD.format(driver="ossl", extra="")],
            "8.2204.0-1",
            "fail",
            _no_ca(
                "the global NetstreamDriverCAExtraFiles is unknown to rsyslog 8.2204.0-1 (it "
                "came with 8.2210.0)",
                ossl=True,
            ),
        ),
        (
            [GLOBAL_CA, OMFWD.format(driver="mbedtls", extra="")],
            "8.2302.0-1+deb12u1",
            "fail",
            "logs forwarded without authenticated TLS to logs.example.internal (StreamDriver "
            "mbedtls, which rsyslog 8.2302.0-1+deb12u1 lacks (the mbedtls driver came with "
            "8.2512.0): rsyslog fails every connection and sends nothing)",
        ),
        (  # no rsyslog release known: a question, not a pass
            [
                OMFWD.format(
                    driver="gtls",
                    extra=f'streamdriver.CAFile="{CA}" streamdriver.permitExpiredCerts="off"',
                )
            ],
            None,
            "manual",
            "logs forwarded over TLS to logs.example.internal, but which rsyslog release runs is "
            "unknown, and it decides: logs.example.internal: the action's streamdriver.CAFile, "
            'the only CA certificate given; streamdriver.permitExpiredCerts="off" (omfwd '
            "ignores it before 8.2001.0, and 8.1901.0 to 8.1911.0 then accept an expired server "
            "certificate); no rsyslog package among the installed ones "
            "(host/commands/dpkg-packages.txt)",
        ),
        # held: each setting on the release that brought it
        (
            [OMFWD.format(driver="gtls", extra=f'streamdriver.CAFile="{CA}"')],
            "8.2108.0-1",
            "pass",
            OVER_TLS,
        ),
        (
            [OMFWD.format(driver="ossl", extra=f'streamdriver.CAExtraFiles="{CA}"')],
            "8.2608.0-1",
            "pass",
            OVER_TLS,
        ),
        (
            [f'global(NetstreamDriverCAExtraFiles="{CA}")', OMFWD.format(driver="ossl", extra="")],
            "8.2210.0-1",
            "pass",
            OVER_TLS,
        ),
        ([GLOBAL_CA, OMFWD.format(driver="mbedtls", extra="")], "8.2512.0-1", "pass", OVER_TLS),
    ],
    ids=[
        "action-ca-8.2102",
        "ossl-action-extra-8.2302",
        "global-extra-8.2204",
        "mbedtls-8.2302",
        "release-unknown",
        "action-ca-8.2108",
        "ossl-action-extra-8.2608",
        "global-extra-8.2210",
        "mbedtls-8.2512",
    ],
)
def test_ca_settings_newer_than_the_release(
    host_scan, lines: list[str], release: str | None, status: str, message: str
) -> None:
    """R29L-2: a release older than a CA setting ignores it; with none known, a question."""
    a = _scan(host_scan, lines, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


EXTRA = f'streamdriver.CAFile="{CA}" streamdriver.CAExtraFiles="/etc/ssl/certs/extra.pem"'


@pytest.mark.parametrize(
    ("driver", "extra", "release", "status", "message"),
    [
        ("gtls", EXTRA, "8.2608.0-1", "fail", _refused("gtls")),
        ("mbedtls", EXTRA, "8.2608.0-1", "fail", _refused("mbedtls")),
        (  # every auth mode: the setting is refused before the connection
            "gtls",
            'StreamDriverAuthMode="x509/fingerprint" '
            f'StreamDriverPermittedPeers="{FP}" streamdriver.CAExtraFiles="/etc/ssl/x.pem"',
            "8.2608.0-1",
            "fail",
            _refused("gtls"),
        ),
        # held: before 8.2608.0 the parameter is unknown and ignored
        ("gtls", EXTRA, "8.2302.0-1+deb12u1", "pass", OVER_TLS),
    ],
    ids=["gtls", "mbedtls", "gtls-fingerprint", "gtls-8.2302"],
)
def test_extra_ca_files_refused_by_gtls_and_mbedtls(
    host_scan, driver: str, extra: str, release: str, status: str, message: str
) -> None:
    """R29L-3: gtls and mbedtls refuse streamdriver.CAExtraFiles: nothing is sent."""
    a = _scan(host_scan, [OMFWD.format(driver=driver, extra=extra)], release)
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


def _without(*packages: str) -> tuple[str, int]:
    """The baseline's dpkg list without these packages."""
    text = HARDENED_HOST["dpkg-packages"][0]
    kept = [ln for ln in text.splitlines() if ln.split("\t")[0] not in packages]
    return ("".join(ln + "\n" for ln in kept), 0)


def _missing(what: str, package: str) -> str:
    return (
        f"logs forwarded without authenticated TLS to logs.example.internal ({what} comes with "
        f"the package {package}, which is not installed: rsyslog fails every connection and "
        "sends nothing)"
    )


RELP_NAME = (
    'action(type="omrelp" target="logs.example.internal" port="2514" tls="on" '
    f'tls.caCert="{CA}" tls.authMode="name" tls.permittedPeer=["logs.example.internal"])'
)


@pytest.mark.parametrize(
    ("lines", "packages", "status", "message"),
    [
        (  # the hardened host's own forwarding without rsyslog-gnutls
            [GLOBAL_CA, OMFWD.format(driver="gtls", extra='StreamDriverAuthMode="x509/name"')],
            _without("rsyslog-gnutls"),
            "fail",
            _missing("the gtls driver (lmnsd_gtls.so)", "rsyslog-gnutls"),
        ),
        (  # the default driver, named globally
            [
                'global(DefaultNetstreamDriver="ossl")',
                GLOBAL_CA,
                'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
                'StreamDriverMode="1")',
            ],
            _without("rsyslog-openssl"),
            "fail",
            _missing("the ossl driver (lmnsd_ossl.so)", "rsyslog-openssl"),
        ),
        (
            ['module(load="omrelp")', RELP_NAME],
            _without("rsyslog-relp"),
            "fail",
            _missing("omrelp (omrelp.so)", "rsyslog-relp"),
        ),
        # held: the driver's package installed; another driver's missing does not matter
        (
            [GLOBAL_CA, OMFWD.format(driver="gtls", extra="")],
            _without("rsyslog-openssl", "rsyslog-relp"),
            "pass",
            OVER_TLS,
        ),
        (  # an rsyslog that dpkg does not manage: its drivers' packaging is unknown
            [GLOBAL_CA, OMFWD.format(driver="gtls", extra="")],
            _without("rsyslog", "rsyslog-gnutls"),
            "manual",
            "logs forwarded over TLS to logs.example.internal, but "
            "streamdriver.permitExpiredCerts is unset and which rsyslog release runs is unknown "
            "(logs.example.internal; no rsyslog package among the installed ones "
            "(host/commands/dpkg-packages.txt)): releases 8.1901.0 to 8.2010.0 take unset as "
            "'on' and accept an expired server certificate",
        ),
    ],
    ids=["gtls", "ossl-default-driver", "omrelp", "other-driver-missing", "no-rsyslog-package"],
)
def test_tls_driver_package_not_installed(
    host_scan, lines: list[str], packages: tuple[str, int], status: str, message: str
) -> None:
    """R29L-4: Debian ships rsyslog's TLS drivers and omrelp apart; without them nothing is sent."""
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    a = host_scan({"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0), "dpkg-packages": packages})
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


STATUS = (
    "enabled 1\nfailure 1\npid {pid}\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\n"
    "backlog_wait_time 60000\nbacklog_wait_time_actual 0\nloginuid_immutable 0 unlocked\n"
)
AUDITBEAT = "  905 root     /usr/share/auditbeat/bin/auditbeat -c /etc/auditbeat/auditbeat.yml\n"


@pytest.mark.parametrize(
    ("pid", "extra_ps", "receiver"),
    [
        (905, AUDITBEAT, "auditbeat (pid 905)"),
        (906, "", "pid 906, not in the process list"),
    ],
    ids=["auditbeat", "gone"],
)
def test_audit_records_handed_to_another_program_are_asked(
    host_scan, pid: int, extra_ps: str, receiver: str
) -> None:
    """R29L-5: the kernel's one audit receiver is not the running auditd."""
    ps = HARDENED_HOST["processes"][0] + extra_ps
    a = host_scan({"audit-status": (STATUS.format(pid=pid), 0), "processes": (ps, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"] == (
        "audit rules watch /etc/libvirt and /etc/polkit-1, but the kernel hands their records "
        f"to {receiver}, not to the running auditd (`auditctl -s` pid): auditd's log holds none "
        "of them"
    )
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}, messages(a, "HVA-201")
    assert messages(a, "HVA-201")["hv1"] == (
        f"audit_level = 2, auditd running, but the kernel hands the audit records to {receiver}, "
        "not to auditd (`auditctl -s` pid): auditd's log holds none of libvirt's"
    )


def _case(driver: str) -> str:
    return (
        f"logs forwarded without authenticated TLS to logs.example.internal (stream driver "
        f"'{driver}': rsyslog loads driver modules by the name as written (lmnsd_{driver}), and "
        f"only lmnsd_{driver.lower()} exists, so it fails every connection and sends nothing)"
    )


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        ([GLOBAL_CA, OMFWD.format(driver="GTLS", extra="")], "fail", _case("GTLS")),
        (
            [
                'global(DefaultNetstreamDriver="Ossl")',
                GLOBAL_CA,
                'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
                'StreamDriverMode="1")',
            ],
            "fail",
            _case("Ossl"),
        ),
        (
            [
                GLOBAL_CA,
                "$ActionSendStreamDriver GTLS",
                "$ActionSendStreamDriverMode 1",
                "*.* @@logs.example.internal:6514",
            ],
            "fail",
            _case("GTLS"),
        ),
        # held: the parameter's name in any case, its value as the module is named
        (
            [
                GLOBAL_CA,
                OMFWD.format(driver="gtls", extra="").replace("StreamDriver=", "STREAMDRIVER="),
            ],
            "pass",
            OVER_TLS,
        ),
    ],
    ids=["action", "global-default", "legacy", "name-case"],
)
def test_stream_driver_names_are_case_sensitive(
    host_scan, lines: list[str], status: str, message: str
) -> None:
    """R29L-6: rsyslog loads lmnsd_<name> by the name as written; `GTLS` loads nothing."""
    a = _scan(host_scan, lines, "8.2302.0-1+deb12u1")
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


RELP_FP = (
    'action(type="omrelp" target="logs.example.internal" port="2514" tls="on" '
    f'tls.authMode="fingerprint" tls.permittedPeer=["{FP}"] {{extra}})'
)


@pytest.mark.parametrize(
    ("module", "extra", "status", "message"),
    [
        (
            'module(load="omrelp" tls.tlslib="OpenSSL")',
            "",
            "fail",
            "logs forwarded without authenticated TLS to logs.example.internal (tls.authMode "
            "fingerprint with tls.tlslib openssl with no CA certificate (tls.caCert): the TLS "
            "driver trusts no issuer, so it refuses every server and nothing is sent)",
        ),
        # held: the CA given; GnuTLS (named or the default) checks the fingerprint alone
        ('module(load="omrelp" tls.tlslib="openssl")', f'tls.caCert="{CA}"', "pass", OVER_TLS),
        ('module(load="omrelp" tls.tlslib="gnutls")', "", "pass", OVER_TLS),
        ('module(load="omrelp")', "", "pass", OVER_TLS),
    ],
    ids=["openssl-no-ca", "openssl-ca", "gnutls", "default-lib"],
)
def test_relp_openssl_fingerprint_mode_needs_a_ca(
    host_scan, module: str, extra: str, status: str, message: str
) -> None:
    """R29L-7: librelp's OpenSSL path verifies the chain before the fingerprint."""
    a = _scan(host_scan, [module, RELP_FP.format(extra=extra)], "8.2302.0-1+deb12u1")
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ['global(DefaultNetstreamDriverCAFile="")', OMFWD.format(driver="gtls", extra="")],
            "logs forwarded without authenticated TLS to logs.example.internal (StreamDriverAuthMode "
            "x509/name (the default) with no CA certificate (DefaultNetstreamDriverCAFile, "
            "streamdriver.CAFile): the TLS driver trusts no issuer, so it refuses every server "
            "and nothing is sent)",
        ),
        (
            [OMFWD.format(driver="gtls", extra='streamdriver.CAFile=" "')],
            "logs forwarded without authenticated TLS to logs.example.internal (StreamDriverAuthMode "
            "x509/name (the default) with no CA certificate (DefaultNetstreamDriverCAFile, "
            "streamdriver.CAFile): the TLS driver trusts no issuer, so it refuses every server "
            "and nothing is sent)",
        ),
        (
            [
                'module(load="omrelp")',
                'action(type="omrelp" target="logs.example.internal" port="2514" tls="on" '
                'tls.caCert="" tls.authMode="name" tls.permittedPeer=["logs.example.internal"])',
            ],
            "logs forwarded without authenticated TLS to logs.example.internal (tls.authMode name "
            "with no CA certificate (tls.caCert): the TLS driver trusts no issuer, so it refuses "
            "every server and nothing is sent)",
        ),
    ],
    ids=["global-empty", "action-blank", "omrelp-empty"],
)
def test_empty_ca_file_is_no_ca(host_scan, lines: list[str], message: str) -> None:
    """R29L-8: a CA parameter set to "" names no file; the driver fails on it."""
    a = _scan(host_scan, lines, "8.2302.0-1+deb12u1")
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == message


@pytest.mark.parametrize(
    ("auditd", "status214", "status201"),
    [
        ("/sbin/auditd -s disable", "manual", "manual"),
        ("/sbin/auditd -n -sd", "manual", "manual"),  # a prefix of "disable", clustered
        ("/sbin/auditd --enable_state=dis", "manual", "manual"),
        # held: enable (the default) and nochange
        ("/sbin/auditd -s enable", "pass", "pass"),
        ("/sbin/auditd -s nochange", "pass", "pass"),
    ],
    ids=["disable", "cluster-prefix", "long-prefix", "enable", "nochange"],
)
def test_auditd_disabling_auditing_at_start_is_asked(
    host_scan, auditd: str, status214: str, status201: str
) -> None:
    """R29L-9: `auditd -s disable` switches auditing off at start; `auditctl -s` unread."""
    ps = HARDENED_HOST["processes"][0].replace("/sbin/auditd", auditd)
    a = host_scan({"processes": (ps, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": status214}, messages(a, "HVA-214")
    assert outcomes(a, "HVA-201") == {"hv1": status201}, messages(a, "HVA-201")
    if status214 == "manual":
        assert messages(a, "HVA-214")["hv1"] == (
            "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd was started with "
            "`-s disable`, which switches kernel auditing off, and the kernel's enabled flag "
            "(`auditctl -s`) was not read: the rules may record nothing"
        )
        assert messages(a, "HVA-201")["hv1"] == (
            "audit_level = 2, auditd running, but auditd was started with `-s disable`, which "
            "switches kernel auditing off, and the kernel's enabled flag (`auditctl -s`) was not "
            "read: libvirt's audit records may go nowhere"
        )


def test_auditd_disable_with_the_flag_read_is_judged_by_it(host_scan) -> None:
    """R29L-9 held: with `auditctl -s` read, its enabled flag decides (1: pass)."""
    ps = HARDENED_HOST["processes"][0].replace("/sbin/auditd", "/sbin/auditd -s disable")
    a = host_scan({"processes": (ps, 0), "audit-status": (STATUS.format(pid=401), 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
    assert outcomes(a, "HVA-201") == {"hv1": "pass"}, messages(a, "HVA-201")
