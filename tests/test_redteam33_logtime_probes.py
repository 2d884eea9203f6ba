"""Red-team round 33 probes: logging, audit forwarding and time sync (rt33logtime)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan); for ntpd, chronyd's ps line replaced by ntpd's, /etc/ntp.conf and `ntpq
-pn` answered per case (as round 32's time file does). Each test asserts the exact status and
message.

Findings (R33L-n):
- R33L-1 (false pass) HVA-202: an ntpd whose PPS refclock is the PPS peer ('o' in `ntpq -pn`)
  passed "ntpd running" where an outside server marked '*' was listed before it: _ntp_peer took
  the first line marked '*' or 'o', so the order of the associations decided (the 'o' listed
  first was asked, R32T-1). ntp ntp_proto.c clock_select (ntp 4.2.8 and ntpsec alike, read
  with `find_string`): the prefer peer, or the first survivor, is marked CTL_PST_SEL_SYSPEER
  ('*'); then "If a PPS driver is lit and the combined offset is less than 0.4 s, select the
  driver as the PPS peer": `typesystem = typepps`, CTL_PST_SEL_PPS ('o'), and
  clock_update(typesystem) sets `sys_peer = peer`: the pulse steers the clock, the '*' line
  only numbers its seconds. Now the 'o' line is the system peer wherever one is marked, and the
  PPS question is asked naming it (the kernel-discipline-off pass on an outside peer reads the
  same fact).

- R33L-2 (false pass) HVA-200: rsyslog action() parameters rsyslog refuses were read as given,
  so the action counted as forwarding: omrelp `tls="ON"` (hvaudit lower-cased it) passed "logs
  forwarded over TLS", as did omrelp tls.compression, keepalive (8.2510.0) and omfwd KeepAlive,
  ResendLastMSGOnReconnect, action.reportSuspension, action.copyMsg given "yes", "On" or "true",
  omrelp's word parameters target and template with whitespace (R31L lead), and an action
  name="forward logs". rsyslog (ee72adc read with `fetch`, `git show` of each v8.N.0 tag):
  grammar/rainerscript.c doGetBinary compares with libestr es_strbufcmp (exact, case-sensitive)
  against "on" and "off" and fails the parameter otherwise ("must be \"on\" or \"off\" but
  is neither", since 47c961eac, 2011), doGetWord refuses whitespace; nvlstGetParams then
  returns NULL, and omrelp.c / omfwd.c newActInst abort (RS_RET_MISSING_CNFPARAMS), action.c
  actionNewInst for the shared action.* and name parameters (RS_RET_PARAM_ERROR): the action is
  never created and nothing is sent. Now a fail naming the parameter where the release lists it
  (ACTION_TYPED, OMFWD_TYPED, OMRELP_TYPED with the first release of each), judged as before
  on an older release (ignored, "parameter not known"), and a TLS pass asked where no release
  is known (release_unknown); omrelp's `tls` is "on" only as written.
- R33L-3 (false pass; 1 wording) HVA-200: numeric action() parameters rsyslog refuses were read
  as given: `StreamDriverMode="1 "` (and " 1", the alias streamdriver.mode="1<tab>" on
  8.2502.0) passed as TLS, _mode read it stripped; omrelp timeout="90 ",
  action.resumeInterval="30s", KeepAlive.Probes="-1" and streamdriver.TlsVerifyDepth="0" on
  8.2302.0 passed. rsyslog (ee72adc, `git show` of each tag) grammar/rainerscript.c doGetInt
  reads with libestr es_str2num (read with `find_string`), which succeeds only where the whole
  value is the number (ASCII digits, a leading '-', octal after a leading '0'), and
  doGetNonNegInt / doGetPositiveInt fail one below 0 or 1 ("cannot be less than zero/one"):
  a failed parameter, nvlstGetParams NULL, the action refused as in R33L-2. Now a fail naming
  the parameter (the numeric entries of ACTION_TYPED, OMFWD_TYPED, OMRELP_TYPED, by release);
  HL14-4's StreamDriverMode="\u0661" now says the action is refused, not plain TCP (wording;
  its test changed in a separate commit).
- R33L-4 (false pass) HVA-200: a syslog-ng tls() with cert-file(""), key-file(""),
  dhparam-file(""), pkcs12-file("") beside a CA, or ca-file("") followed by one naming a file
  (R31L-1 read the last ca-file() only) passed "logs forwarded over TLS" (R31L lead).
  syslog-ng (b55e8d0 read with `fetch`) modules/afsocket/afsocket-grammar.ym tls_option:
  ca-file(), pkcs12-file(), cert-file(), dhparam-file() take `path_check`, key-file()
  `path_secret`, both lib/cfg-grammar.y `path`, which stat()s each value while parsing
  (CHECK_ERROR "File \"%s\" not found", since fff457274, 3.23.1): any of them given "" stops
  the file loading. Before 3.23 (lib/tlscontext.c at syslog-ng-3.22.1) a key-file("") or
  cert-file("") failed tls_context_load_key_and_cert (access(R_OK) of ""): no TLS context,
  nothing sent. Now a fail naming the option (_syslog_ng_empty_path), as R31L-1's ca-file("");
  R31L-1's pkcs12-file("") alone now says the file is refused, not "names no CA" (wording; its
  test changed in a separate commit).
- R33L-5 (false pass) HVA-200: an omrelp action with no `module(load="omrelp")` or `$ModLoad
  omrelp` ahead of it (none at all, one after it, one with config.enabled="off") passed "logs
  forwarded over TLS". rsyslog (ee72adc read with `fetch`) runtime/action.c actionNewInst
  (action.c in v8.1.0 the same): module.FindWithCnfName looks among the modules loaded so far
  (runtime/modules.c, strcasecmp of the cnfName) and refuses the action, "module name '%s' is
  unknown" (RS_RET_MOD_UNKNOWN); grammar/grammar.y instantiates each action as it parses it
  (s_act: cnfstmtNewAct -> actionNewInst) and loads modules where module() stands (cnfDoObj).
  Now a fail naming it (NOT_LOADED), judged only where no include before the action went
  unread and no module() with config.enabled from the environment loads omrelp.
- R33L-6 (false pass) HVA-200: a module() statement of an input that carries the host's own
  messages that rsyslog refuses counted as loaded: `module(load="imuxsock"
  SysSock.Use="yes")` (or "On": hvaudit read "0", "no" and any case as off, everything else as
  on), SysSock.RateLimit.Interval="5s", imjournal StateFile="imjournal state" passed "logs
  forwarded over TLS" where no other input reads the host's logs. rsyslog (ee72adc, `git show`
  of each tag) plugins/imuxsock/imuxsock.c, imjournal.c, imklog.c setModCnf abort where
  nvlstGetParams fails a parameter (the typed reads of R33L-2/3: "error processing module
  config parameters [module(...)]", RS_RET_MISSING_CNFPARAMS), and runtime/modules.c Load
  aborts the load ("module '%s', failed processing config parameters", abortCnfUse): the
  module is not in the configuration and reads nothing. Now such a statement loads nothing
  (MODULE_TYPED, by release; a parameter only some releases list is not judged where the
  release is unknown) and the fail names it; SysSock.Use is off only as "off".
- R33L-7 (false pass) HVA-214: a hand-loaded /etc/audit/audit.rules whose `-e 2` shares a line
  with another option (`-b 8192 -e 2`, `-f 1 -e 2`) before the watches passed "audit rules
  watch ...": R30L-4 read the lock only as a line's first two words. audit-userspace
  src/auditctl.c (read with `find_string`) fileopt hands each line's words to setopt, whose
  getopt_long loop ("...e:f:r:b:...") applies each option in turn, `-e 2` locking the rules
  (audit_set_enabled 2) and the kernel refusing every rule after it (R30L-4). Now the -e
  arguments are read anywhere in the line (auditctl_enable_args, shared with R25U-1's `-e 0`),
  and the next-boot question names the line.
- R33L-8 (false pass) HVA-214: a rules.d file whose -b or -f line also holds `-e 2` (`-b 8192
  -e 2`, `-f 1 -e 2`) passed "audit rules watch ...": hvaudit read augenrules' output as the
  files in order with the -e lines last. audit-userspace init.d/augenrules (read with
  `read_file`): its awk matches a line on how it starts only (-e, a bare -D, -f, -b, blanks
  before them allowed), keeps the last of each, and prints -D, -b, -f first, the rules in
  order, -e last: the -b line goes second and its `-e 2` locks every rule after it (R30L-4).
  Now the rules.d set is built as augenrules builds it (_augenrules_built) and loaded as
  `auditctl -R` loads it; the question names the line, also where the compiled audit.rules
  holds it (R33L-7: it said "the watch is deleted").

Held (kept as tests): R33L-1 a PPS line marked '+' (not lit) beside an outside '*' passes, the
'o' listed first is asked as before, an NMEA receiver marked '*' and 'o' (its own pulse) passes. R33L-2: omfwd KeepAlive="on"
with ResendLastMSGOnReconnect="off", omrelp keepalive="yes" on 8.2302.0 (no such parameter
there), omfwd KeepAlive="yes" on 8.12.0 (before 8.13.0 lists it), omrelp tls.compression="off"
with a one-word name pass. R33L-3: StreamDriverMode="01" (octal 1), action.resumeInterval="30"
with RebindInterval="-1" (any number), ratelimit.burst="x" on 8.2010.0 (before 8.2012.0 lists
it) pass. R33L-4: ca-file() with cert-file() and key-file() naming files, an empty ca-dir()
replaced by a later one, pass. R33L-5: `$ModLoad omrelp.so` and module(load=) of omrelp.so by
its path ahead of the action pass. R33L-6: SysSock.Use="on", SysSock.ParseHostname="1" on
8.4.0 (before 8.9.0 lists it) pass. R33L-7: `-e2` (read as `-e 2`) before the watches is
asked as before, `-b 8192 -e 2` after them passes. R33L-8: a rules.d `-e 2` line before the
watches (augenrules puts it last) and a `-b 8192 -e 2` line followed by a later -b line
(augenrules keeps the last) pass.

Probed by script: the 5 ntpd cases (R33L-1), the 16 rsyslog cases (R33L-2), the 11 (R33L-3),
the 7 syslog-ng cases (R33L-4), the 5 omrelp cases (R33L-5), the 6 module cases (R33L-6) and
the 4 audit cases (R33L-7) and the 6 (R33L-8) kept here, on main first (R33L-6, R33L-7 on
2cbdc90f, R33L-8 on eabcc222);
rsyslog's actpdescr of omfwd, omrelp and action.c at every v8.N.0 tag (`git show`), for the
first release of each typed parameter.

Tally: 8 findings, 8 false passes (R33L-3, R33L-4 and R33L-8 each also fix 1 wording), 0 false
n/a, 0 wrong fails; 60 cases in 8 test functions; 40 failed on main before the fixes
(c04d5de9; R33L-6, R33L-7 on 2cbdc90f; R33L-8 on eabcc222) (R33L-1 2 of 5; R33L-2 12 of 16:
9 passed, the two release-unknown refusals and the release-unknown CheckExtendedKeyPurpose
were asked with the expiry question only; R33L-3 8 of 11: 6 passed, the release-unknown
StreamDriverMode and conErrSkip were asked with the expiry question only; R33L-4 5 of 7, all
passed; R33L-5 3 of 5, all passed; R33L-6 4 of 6: 3 passed, the release-unknown one was
asked with the expiry question only; R33L-7 2 of 4, both passed; R33L-8 4 of 6, all passed);
the 20 held pass there too.

Leads left:
- rsyslog: omfwd keepalive.probes/.time/.interval are positive from 8.13.0 to 8.2008.0 (a "0"
  there refused) and read as 0 or more; udp.sendbuf (eCmdHdlrSize) and "0x" numbers not
  judged; target/port from 8.2408.0 are arrays (eCmdHdlrArray): a value with whitespace
  refused or reaching getaddrinfo is not read; global() typed parameters, queue.* parameters
  and legacy `$Action...` directives with bad values not weighed; a LOCAL_INPUTS module()
  whose failed parameter only some releases list is not judged where the release is unknown
  (R33L-6), and string module parameters (imjournal defaultfacility, usepid) are not weighed;
  the legacy `:omrelp:host:port` selector is not read as a destination (a wrong fail at
  worst); an omrelp action after an unread include is not judged for its module (R33L-5).
- syslog-ng: a checked path naming a file that does not exist is refused as "" is (the
  collector stats no configured path: R30L lead, a team decision).
- audit: augenrules also drops every -b, -f and -e line but the last of each (R33L-8 models
  it for the lock; an `-e 0` in a dropped line is still read as switching auditing off by
  audit_off_at_next_boot, a needless question at worst); '-e 0' after '-e 2', auditd.conf as a
  symlink, RPM audit packages (not reached).
- HVA-202: NMEA/GPSD receivers with no fix; chrony `minsources`, ntpd `minsane`; ntpd
  `restrict` and chrony `allow`/`cmdallow` (not reached).
"""

from __future__ import annotations

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, messages, outcomes

PROCS = str(HARDENED_HOST["processes"][0])
CHRONYD = "  402 _chrony   /usr/sbin/chronyd -F 1\n"
NTPD = "  700 ntp      /usr/sbin/ntpd -p /run/ntpd.pid -g -u ntp:ntp\n"
PEERS = (
    "     remote           refid      st t when poll reach   delay   offset  jitter\n"
    "==============================================================================\n"
)
OUTSIDE_STAR = "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
OUTSIDE_PLUS = "+192.0.2.11      193.79.237.14    2 u   40   64  377    0.398   -0.102   0.060\n"
PPS_O = "o127.127.22.0    .PPS.            0 l    5   16  377    0.000    0.002   0.001\n"
PPS_PLUS = "+127.127.22.0    .PPS.            0 l    5   16  377    0.000    0.002   0.001\n"
NMEA_O = "o127.127.20.0    .GPS.            0 l    5   16  377    0.000    0.002   0.001\n"
NMEA_STAR = "*127.127.20.0    .GPS.            0 l    5   16  377    0.000    0.002   0.001\n"
PPS_Q = (
    "What produces the pulse of ntpd's PPS reference clock on host hv1, and which source "
    "outside the host numbers its seconds? Evidence: `ntpq -pn` on hv1 (the peers marked '*' "
    "and 'o', and the `prefer` source) and the device behind /dev/pps* (`ppstest`, the GNSS "
    "receiver). Pass: the pulse comes from a GNSS receiver with a fix or a PTP grandmaster and "
    "a remote NTP server or that receiver numbers the seconds; fail: nothing outside the host "
    "numbers the seconds or produces the pulse."
)


def _pps(line: str, shown: str) -> str:
    return (
        "ntpd running, but its file names a PPS reference clock, the pulse of a device on host "
        f"hv1 ({line}), which needs another source to number the seconds, and which source "
        f"steers the clock is not in the evidence (`ntpq -pn`: {shown})"
    )


def _ntpd(host_scan, conf: str, peers: str):
    a = host_scan(
        {
            "processes": (PROCS.replace(CHRONYD, NTPD), 0),
            "/etc/ntp.conf": conf,
            "ntpq-peers": (PEERS + peers, 0),
        }
    )
    return next(r for r in a.results if r.check.id == "HVA-202").outcome


POOL_PPS = "pool pool.ntp.org iburst prefer\nserver 127.127.22.0\n"


@pytest.mark.parametrize(
    ("conf", "peers", "status", "message"),
    [
        (
            POOL_PPS,
            OUTSIDE_STAR + PPS_O,
            "manual",
            _pps("/etc/ntp.conf: server 127.127.22.0", "o127.127.22.0 .PPS. 0 l"),
        ),
        (
            "server 192.0.2.10 iburst prefer\nserver 192.0.2.11 iburst\nrefclock pps unit 0\n",
            OUTSIDE_STAR + OUTSIDE_PLUS + PPS_O,
            "manual",
            _pps("/etc/ntp.conf: refclock pps", "o127.127.22.0 .PPS. 0 l"),
        ),
        # held: the pulse not lit (a survivor '+', not the PPS peer), the outside '*' steers
        (POOL_PPS, OUTSIDE_STAR + PPS_PLUS, "pass", "ntpd running"),
        # held: the 'o' listed first was already asked
        (
            POOL_PPS,
            PPS_O + OUTSIDE_STAR,
            "manual",
            _pps("/etc/ntp.conf: server 127.127.22.0", "o127.127.22.0 .PPS. 0 l"),
        ),
        # held: a GNSS receiver's own pulse (NMEA driver 20 with its PPS) as the PPS peer
        ("server 127.127.20.0 mode 1 prefer\n", NMEA_STAR + NMEA_O, "pass", "ntpd running"),
    ],
    ids=[
        "pool-star-then-pps-o",
        "ntpsec-servers-then-pps-o",
        "held-pps-plus",
        "held-o-first",
        "held-nmea-o",
    ],
)
def test_r33l_1_pps_peer_listed_after_outside_star(host_scan, conf, peers, status, message):
    """R33L-1 (false pass): was pass "ntpd running". ntp_proto.c clock_select: a lit PPS
    driver becomes typesystem (CTL_PST_SEL_PPS, 'o') after the prefer peer was marked
    CTL_PST_SEL_SYSPEER ('*'), and sys_peer is typesystem: the pulse steers the clock."""
    o = _ntpd(host_scan, conf, peers)
    assert (o.status.value, o.message) == (status, message)
    if status == "manual":
        assert o.question == PPS_Q


REMOTE = "/etc/rsyslog.d/50-remote.conf"
CA = "/etc/ssl/certs/logs-ca.pem"
GLOBAL_CA = f'global(DefaultNetstreamDriverCAFile="{CA}")'
OMFWD = 'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" {extra})'
FWD_TLS = (
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" '
    'StreamDriverPermittedPeers="logs.example.internal" '
)
RELP = (
    'action(type="omrelp" target="logs.example.internal" port="2514" tls="on" '
    f'tls.caCert="{CA}" tls.authMode="name" tls.permittedPeer=["logs.example.internal"] {{extra}})'
)
BASELINE = "8.2302.0-1+deb12u1"
NO_PACKAGE = "no rsyslog package among the installed ones (host/commands/dpkg-packages.txt)"
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
PLAIN = "logs forwarded without authenticated TLS to logs.example.internal ({why})"


def _packages(release: str | None) -> tuple[str, int]:
    """The baseline's dpkg list with rsyslog at `release` (None: no rsyslog package)."""
    text = str(HARDENED_HOST["dpkg-packages"][0])
    if release is None:
        return ("".join(ln + "\n" for ln in text.splitlines() if not ln.startswith("rsyslog")), 0)
    return (text.replace(BASELINE, release), 0)


def _rsyslog(host_scan, action: str, release: str | None):  # type: ignore[no-untyped-def]
    lines = (GLOBAL_CA, 'module(load="omrelp")', action)
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    return host_scan(
        {"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0), "dpkg-packages": _packages(release)}
    )


def _on_off(name: str, value: str) -> str:
    return PLAIN.format(
        why=f'parameter {name}="{value}" is neither "on" nor "off", the only values rsyslog '
        "reads for it: it refuses the action, so nothing is sent"
    )


def _whitespace(name: str, value: str) -> str:
    return PLAIN.format(
        why=f'parameter {name}="{value}" contains whitespace, which rsyslog does not permit in '
        "it: it refuses the action, so nothing is sent"
    )


def _release_unknown(why: str) -> str:
    return (
        f"{OVER_TLS}, but which rsyslog release runs is unknown, and it decides: "
        f"logs.example.internal: {why}; {NO_PACKAGE}"
    )


@pytest.mark.parametrize(
    ("action", "release", "status", "message"),
    [
        (
            RELP.format(extra="").replace('tls="on"', 'tls="ON"'),
            BASELINE,
            "fail",
            _on_off("tls", "ON"),
        ),
        (RELP.format(extra="").replace('tls="on"', 'TLS="On"'), None, "fail", _on_off("tls", "On")),
        (
            RELP.format(extra='tls.compression="yes"'),
            BASELINE,
            "fail",
            _on_off("tls.compression", "yes"),
        ),
        (
            RELP.format(extra="").replace(
                'target="logs.example.internal"', 'target="logs.example.internal "'
            ),
            BASELINE,
            "fail",
            _whitespace("target", "logs.example.internal ").replace(
                "to logs.example.internal (", "to logs.example.internal  ("
            ),
        ),
        (
            RELP.format(extra='template="RSYSLOG_SyslogProtocol23Format "'),
            BASELINE,
            "fail",
            _whitespace("template", "RSYSLOG_SyslogProtocol23Format "),
        ),
        (RELP.format(extra='keepalive="yes"'), "8.2510.0-1", "fail", _on_off("keepalive", "yes")),
        (
            OMFWD.format(extra=FWD_TLS + 'KeepAlive="yes"'),
            BASELINE,
            "fail",
            _on_off("keepalive", "yes"),
        ),
        (
            OMFWD.format(extra=FWD_TLS + 'ResendLastMSGOnReconnect="On"'),
            None,
            "fail",
            _on_off("resendlastmsgonreconnect", "On"),
        ),
        (
            OMFWD.format(extra=FWD_TLS + 'name="forward logs"'),
            BASELINE,
            "fail",
            _whitespace("name", "forward logs"),
        ),
        (
            OMFWD.format(extra=FWD_TLS + 'action.reportSuspension="yes"'),
            BASELINE,
            "fail",
            _on_off("action.reportsuspension", "yes"),
        ),
        (
            RELP.format(extra='action.copyMsg="true"'),
            BASELINE,
            "fail",
            _on_off("action.copymsg", "true"),
        ),
        (
            OMFWD.format(extra=FWD_TLS + 'streamdriver.CheckExtendedKeyPurpose="ON"'),
            None,
            "manual",
            _release_unknown(
                'streamdriver.checkextendedkeypurpose="ON" is neither "on" nor "off" (rsyslog '
                'from 8.1910.0 reads it as "on" or "off" only and refuses the action)'
            ),
        ),
        # held: "on" and "off" as rsyslog spells them; a release that does not know the
        # parameter ignores it
        (
            OMFWD.format(extra=FWD_TLS + 'KeepAlive="on" ResendLastMSGOnReconnect="off"'),
            BASELINE,
            "pass",
            OVER_TLS,
        ),
        (RELP.format(extra='keepalive="yes"'), BASELINE, "pass", OVER_TLS),
        (OMFWD.format(extra=FWD_TLS + 'KeepAlive="yes"'), "8.12.0-1", "pass", OVER_TLS),
        (RELP.format(extra='tls.compression="off" name="relp-out"'), BASELINE, "pass", OVER_TLS),
    ],
    ids=[
        "relp-tls-upper",
        "relp-tls-mixed-release-unknown",
        "relp-compression-yes",
        "relp-target-space",
        "relp-template-space",
        "relp-keepalive-8.2510",
        "fwd-keepalive-yes",
        "fwd-resend-On",
        "fwd-name-space",
        "fwd-reportsuspension-yes",
        "relp-copymsg-true",
        "fwd-eku-release-unknown",
        "held-fwd-on-off",
        "held-relp-keepalive-8.2302",
        "held-fwd-keepalive-8.12",
        "held-relp-off-name",
    ],
)
def test_r33l_2_refused_binary_and_word_parameters(
    host_scan, action: str, release: str | None, status: str, message: str
) -> None:
    """R33L-2 (false pass): was pass "logs forwarded over TLS". rsyslog grammar/rainerscript.c
    doGetBinary takes exactly "on" or "off", doGetWord no whitespace; a failed parameter makes
    nvlstGetParams return NULL and newActInst / actionNewInst refuse the action."""
    a = _rsyslog(host_scan, action, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


def _not_number(name: str, value: str, what: str = "a number") -> str:
    return PLAIN.format(
        why=f'parameter {name}="{value}" is not {what}, which rsyslog requires of it: it refuses '
        "the action, so nothing is sent"
    )


@pytest.mark.parametrize(
    ("action", "release", "status", "message"),
    [
        (
            OMFWD.format(extra=FWD_TLS.replace('Mode="1"', 'Mode="1 "')),
            BASELINE,
            "fail",
            _not_number("streamdrivermode", "1 "),
        ),
        (
            OMFWD.format(extra=FWD_TLS.replace('Mode="1"', 'Mode=" 1"')),
            None,
            "fail",
            _not_number("streamdrivermode", " 1"),
        ),
        (
            OMFWD.format(extra=FWD_TLS.replace('StreamDriverMode="1"', 'streamdriver.mode="1\t"')),
            "8.2502.0-1",
            "fail",
            _not_number("streamdriver.mode", "1\t"),
        ),
        (RELP.format(extra='timeout="90 "'), BASELINE, "fail", _not_number("timeout", "90 ")),
        (
            OMFWD.format(extra=FWD_TLS + 'action.resumeInterval="30s"'),
            BASELINE,
            "fail",
            _not_number("action.resumeinterval", "30s"),
        ),
        (
            OMFWD.format(extra=FWD_TLS + 'KeepAlive.Probes="-1"'),
            BASELINE,
            "fail",
            _not_number("keepalive.probes", "-1", "a number of 0 or more"),
        ),
        (
            OMFWD.format(extra=FWD_TLS + 'streamdriver.TlsVerifyDepth="0"'),
            BASELINE,
            "fail",
            _not_number("streamdriver.tlsverifydepth", "0", "a number above 0"),
        ),
        (
            OMFWD.format(extra=FWD_TLS + 'conErrSkip="ten"'),
            None,
            "manual",
            _release_unknown(
                'conerrskip="ten" is not a number of 0 or more (rsyslog from 8.2102.0 reads it '
                "as a number of 0 or more and refuses the action)"
            ),
        ),
        # held: octal "01" is 1, negative numbers where any number is read, a parameter the
        # release does not know yet (ratelimit.* from 8.2012.0)
        (OMFWD.format(extra=FWD_TLS.replace('Mode="1"', 'Mode="01"')), BASELINE, "pass", OVER_TLS),
        (
            OMFWD.format(extra=FWD_TLS + 'action.resumeInterval="30" RebindInterval="-1"'),
            BASELINE,
            "pass",
            OVER_TLS,
        ),
        (
            OMFWD.format(
                extra=FWD_TLS + 'ratelimit.burst="x" streamdriver.permitExpiredCerts="off"'
            ),
            "8.2010.0-1",
            "pass",
            OVER_TLS,
        ),
    ],
    ids=[
        "mode-trailing-space",
        "mode-leading-space-release-unknown",
        "alias-mode-tab-8.2502",
        "relp-timeout-space",
        "resumeinterval-unit",
        "keepalive-probes-negative",
        "verifydepth-zero",
        "conerrskip-release-unknown",
        "held-octal-mode",
        "held-numbers",
        "held-ratelimit-8.2010",
    ],
)
def test_r33l_3_refused_numeric_parameters(
    host_scan, action: str, release: str | None, status: str, message: str
) -> None:
    """R33L-3 (false pass): was pass "logs forwarded over TLS". rsyslog grammar/rainerscript.c
    doGetInt reads with libestr es_str2num, the whole value or a failed parameter
    (doGetNonNegInt / doGetPositiveInt add a floor); nvlstGetParams returns NULL and the action
    is refused. StreamDriverMode="1 " was read stripped (_mode)."""
    a = _rsyslog(host_scan, action, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


SLNG = """@version: 4.8
source s_src {{ system(); internal(); }};
destination d_remote {{
    network("logs.example.internal" port(6514) transport("tls")
        tls({tls}));
}};
log {{ source(s_src); destination(d_remote); }};
"""
SLNG_CA = 'ca-file("/etc/ssl/certs/logs-ca.pem")'


def _syslog_ng(host_scan, tls: str):  # type: ignore[no-untyped-def]
    conf = "".join(
        f"/etc/syslog-ng/syslog-ng.conf:{line}\n" for line in SLNG.format(tls=tls).splitlines()
    )
    procs = str(HARDENED_HOST["processes"][0]).replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    return host_scan(
        {"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)}
    )


def _no_file(option: str) -> str:
    return PLAIN.format(
        why=f'{option}("") names no file: syslog-ng refuses the file, "File not found"'
    )


@pytest.mark.parametrize(
    ("tls", "status", "message"),
    [
        (
            f'{SLNG_CA} cert-file("") key-file("/etc/syslog-ng/client.key")',
            "fail",
            _no_file("cert-file"),
        ),
        ('ca-dir("/etc/ssl/certs") key_file("")', "fail", _no_file("key-file")),
        (f'{SLNG_CA} dhparam-file("")', "fail", _no_file("dhparam-file")),
        (f'ca-file("") {SLNG_CA}', "fail", _no_file("ca-file")),
        ('pkcs12-file("") ca-dir("/etc/ssl/certs")', "fail", _no_file("pkcs12-file")),
        # held: the files named; a ca-dir() is a string, replaced by the later one (R31L-1)
        (
            f'{SLNG_CA} cert-file("/etc/syslog-ng/client.crt") '
            'key-file("/etc/syslog-ng/client.key")',
            "pass",
            OVER_TLS,
        ),
        ('ca-dir("") ca-dir("/etc/ssl/certs")', "pass", OVER_TLS),
    ],
    ids=[
        "cert-file-empty",
        "key-file-empty",
        "dhparam-empty",
        "ca-file-empty-then-named",
        "pkcs12-empty-beside-ca-dir",
        "held-files-named",
        "held-ca-dir-replaced",
    ],
)
def test_r33l_4_syslog_ng_empty_checked_path(host_scan, tls: str, status: str, message: str):
    """R33L-4 (false pass): was pass "logs forwarded over TLS". syslog-ng lib/cfg-grammar.y
    `path` stat()s every ca-file(), pkcs12-file(), cert-file(), dhparam-file() (path_check) and
    key-file() (path_secret) as it parses: "" stops the file loading."""
    a = _syslog_ng(host_scan, tls)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


NOT_LOADED = PLAIN.format(
    why='omrelp is not loaded before the action (no module(load="omrelp") or $ModLoad omrelp '
    "ahead of it): rsyslog refuses the action, \"module name 'omrelp' is unknown\", so nothing "
    "is sent"
)


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        ((GLOBAL_CA, RELP.format(extra="")), "fail", NOT_LOADED),
        ((GLOBAL_CA, RELP.format(extra=""), 'module(load="omrelp")'), "fail", NOT_LOADED),
        (('module(load="omrelp" config.enabled="off")', RELP.format(extra="")), "fail", NOT_LOADED),
        # held: loaded ahead of it, by the legacy directive with ".so", by a path
        (("$ModLoad omrelp.so", RELP.format(extra="")), "pass", OVER_TLS),
        (
            (
                'module(load="/usr/lib/x86_64-linux-gnu/rsyslog/omrelp.so")',
                RELP.format(extra=""),
            ),
            "pass",
            OVER_TLS,
        ),
    ],
    ids=["no-load", "load-after", "load-disabled", "held-modload-so", "held-load-path"],
)
def test_r33l_5_omrelp_action_without_the_module(host_scan, lines, status: str, message: str):
    """R33L-5 (false pass): was pass "logs forwarded over TLS". rsyslog runtime/action.c
    actionNewInst: module.FindWithCnfName finds no omrelp among the modules loaded so far,
    "module name '%s' is unknown", and the action is refused."""
    text = "".join(f"{REMOTE}:{line}\n" for line in lines)
    a = host_scan({"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + text, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


def _modules(host_scan, modules: tuple[str, ...], release: str | None):  # type: ignore[no-untyped-def]
    main = DEBIAN_RSYSLOG_MAIN.replace(
        '/etc/rsyslog.conf:module(load="imuxsock") # provides support for local system logging\n',
        "".join(f"/etc/rsyslog.conf:{m}\n" for m in modules),
    )
    assert main != DEBIAN_RSYSLOG_MAIN
    text = "".join(f"{REMOTE}:{line}\n" for line in (GLOBAL_CA, OMFWD.format(extra=FWD_TLS)))
    return host_scan({"rsyslog-config": (main + text, 0), "dpkg-packages": _packages(release)})


def _no_local_input(module: str, why: str) -> str:
    return (
        "no running forwarder sends the host's logs to a remote destination (rsyslog reads "
        "neither the system log socket (no imuxsock with SysSock.Use on) nor the journal (no "
        "imjournal), so logs.example.internal get(s) the kernel's messages at most, not "
        f'libvirt\'s: module(load="{module}") ({why}: it refuses the module() statement, which '
        "loads nothing))"
    )


def _module_on_off(name: str, value: str) -> str:
    return f'parameter {name}="{value}" is neither "on" nor "off", the only values rsyslog reads for it'


@pytest.mark.parametrize(
    ("modules", "release", "status", "message"),
    [
        (
            ('module(load="imuxsock" SysSock.Use="yes")',),
            BASELINE,
            "fail",
            _no_local_input("imuxsock", _module_on_off("syssock.use", "yes")),
        ),
        (
            ('module(load="imuxsock" SysSock.Use="On")',),
            None,
            "fail",
            _no_local_input("imuxsock", _module_on_off("syssock.use", "On")),
        ),
        (
            ('module(load="imuxsock" SysSock.RateLimit.Interval="5s")',),
            BASELINE,
            "fail",
            _no_local_input(
                "imuxsock",
                'parameter syssock.ratelimit.interval="5s" is not a number, which rsyslog '
                "requires of it",
            ),
        ),
        (
            (
                'module(load="imuxsock" SysSock.Use="off")',
                'module(load="imjournal" StateFile="imjournal state")',
            ),
            BASELINE,
            "fail",
            _no_local_input(
                "imjournal",
                'parameter statefile="imjournal state" contains whitespace, which rsyslog does '
                "not permit in it",
            ),
        ),
        # held: "on" as rsyslog spells it; a parameter the release does not list yet
        (('module(load="imuxsock" SysSock.Use="on")',), BASELINE, "pass", OVER_TLS),
        (
            ('module(load="imuxsock" SysSock.ParseHostname="1")',),
            "8.4.0-1",
            "pass",
            OVER_TLS,
        ),
    ],
    ids=[
        "imuxsock-use-yes",
        "imuxsock-use-On-release-unknown",
        "imuxsock-ratelimit-unit",
        "imjournal-statefile-space",
        "held-use-on",
        "held-parsehostname-8.4",
    ],
)
def test_r33l_6_refused_local_input_module(
    host_scan, modules: tuple[str, ...], release: str | None, status: str, message: str
) -> None:
    """R33L-6 (false pass): was pass "logs forwarded over TLS". imuxsock/imjournal setModCnf
    abort where nvlstGetParams fails a parameter, and runtime/modules.c Load drops the module
    ("failed processing config parameters"): it reads nothing."""
    a = _modules(host_scan, modules, release)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}


LIBVIRT_WATCH = "-w /etc/libvirt -p wa -k libvirt-config"
POLKIT_WATCH = "-w /etc/polkit-1 -p wa -k polkit"


def _locked(line: str, gone: str) -> str:
    return (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but neither "
        f"/etc/audit/audit.rules nor /etc/audit/rules.d/*.rules watches {gone} (`{line}` comes "
        "before the watch in /etc/audit/audit.rules: it locks the rules, and the kernel refuses "
        "every rule loaded after it)"
    )


@pytest.mark.parametrize(
    ("boot", "status", "message"),
    [
        (
            ["-D", "-b 8192 -e 2", LIBVIRT_WATCH, POLKIT_WATCH],
            "manual",
            _locked("-b 8192 -e 2", "/etc/libvirt, /etc/polkit-1"),
        ),
        (
            ["-D", LIBVIRT_WATCH, "-f 1 -e 2", POLKIT_WATCH],
            "manual",
            _locked("-f 1 -e 2", "/etc/polkit-1"),
        ),
        # held: an attached argument (read as auditctl's getopt does), the lock after the
        # watches
        (
            ["-D", "-e2", LIBVIRT_WATCH, POLKIT_WATCH],
            "manual",
            _locked("-e 2", "/etc/libvirt, /etc/polkit-1"),
        ),
        (
            ["-D", LIBVIRT_WATCH, POLKIT_WATCH, "-b 8192 -e 2"],
            "pass",
            "audit rules watch /etc/libvirt and /etc/polkit-1",
        ),
    ],
    ids=["b-then-e2-first", "f-then-e2-between", "held-attached", "held-last"],
)
def test_r33l_7_lock_anywhere_in_its_line(host_scan, boot: list[str], status: str, message: str):
    """R33L-7 (false pass): was pass "audit rules watch ...". auditctl -R hands each line's
    words to setopt, whose getopt_long loop applies every option of the line: `-e 2` after
    `-b 8192` locks the rules as a line of its own does (R30L-4)."""
    text = "".join(f"/etc/audit/audit.rules:{line}\n" for line in boot)
    a = host_scan({"audit-rules-files": (text, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": status}
    assert messages(a, "HVA-214") == {"hv1": message}


RULES_D = "/etc/audit/rules.d/audit.rules"


def _locked_d(line: str) -> str:
    return (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but neither "
        "/etc/audit/audit.rules nor /etc/audit/rules.d/*.rules watches /etc/libvirt, "
        f"/etc/polkit-1 (`{line}` comes before the watch in /etc/audit/rules.d/*.rules as "
        "`augenrules` builds audit.rules: it locks the rules, and the kernel refuses every rule "
        "loaded after it)"
    )


@pytest.mark.parametrize(
    ("files", "status", "message"),
    [
        (
            {RULES_D: ["-D", "-b 8192 -e 2", LIBVIRT_WATCH, POLKIT_WATCH]},
            "manual",
            _locked_d("-b 8192 -e 2"),
        ),
        ({RULES_D: [LIBVIRT_WATCH, POLKIT_WATCH, "-f 1 -e 2"]}, "manual", _locked_d("-f 1 -e 2")),
        (
            {
                "/etc/audit/audit.rules": ["-D", "-b 8192", LIBVIRT_WATCH, POLKIT_WATCH],
                RULES_D: ["-D", "-b 8192 -e 2", LIBVIRT_WATCH, POLKIT_WATCH],
            },
            "manual",
            "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, and "
            "/etc/audit/audit.rules watches /etc/libvirt, /etc/polkit-1, but `-b 8192 -e 2` "
            "comes before the watch in /etc/audit/rules.d/*.rules as `augenrules` builds "
            "audit.rules and locks the rules: `augenrules --load` at boot rebuilds audit.rules "
            "from those files and drops the watch",
        ),
        # the compiled audit.rules locks too (R33L-7), the message names the lock
        (
            {
                "/etc/audit/audit.rules": ["-D", "-b 8192 -e 2", LIBVIRT_WATCH, POLKIT_WATCH],
                RULES_D: ["-D", "-b 8192", LIBVIRT_WATCH, POLKIT_WATCH],
            },
            "manual",
            "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, and "
            "/etc/audit/audit.rules holds the watch of /etc/libvirt, /etc/polkit-1, but as "
            "`auditctl -R` loads it (an -A rule goes to the front of its list, a -D deletes the "
            "rules before it) `-b 8192 -e 2` comes before the watch and locks the rules, so the "
            "kernel refuses every rule after it; /etc/audit/rules.d/*.rules as `augenrules "
            "--load` builds it keeps the watch",
        ),
        # held: augenrules puts an -e line last, and keeps only the last -b line
        (
            {RULES_D: ["-D", "-e 2", LIBVIRT_WATCH, POLKIT_WATCH]},
            "pass",
            "audit rules watch /etc/libvirt and /etc/polkit-1",
        ),
        (
            {RULES_D: ["-b 8192 -e 2", LIBVIRT_WATCH, "-b 320", POLKIT_WATCH]},
            "pass",
            "audit rules watch /etc/libvirt and /etc/polkit-1",
        ),
    ],
    ids=[
        "b-e2-rules-d",
        "f-e2-last-rules-d",
        "b-e2-rules-d-beside-audit-rules",
        "wording-audit-rules-locked",
        "held-e-last",
        "held-later-b",
    ],
)
def test_r33l_8_augenrules_moves_a_lock_forward(host_scan, files, status: str, message: str):
    """R33L-8 (false pass): was pass "audit rules watch ...". augenrules' awk prints the last
    line starting with -b second and the last starting with -f third, whatever else they hold:
    `-b 8192 -e 2` in a rules.d file locks the rules before every watch."""
    text = "".join(f"{p}:{line}\n" for p, lines in files.items() for line in lines)
    a = host_scan({"audit-rules-files": (text, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": status}
    assert messages(a, "HVA-214") == {"hv1": message}
