"""Known leads on the KVM/libvirt host side (issue 8, session 11), taken up by leads-host.

Same harness as tests/test_host_leads10.py: conftest's hardened Debian host replayed through the
real collector, parser and engine, changed only where a test says so; each test asserts the
exact status and message.

- HL13-1 (false pass) HVA-030, HVA-034 and HVA-132 passed auth_tls / auth_unix_rw = "sasl"
  without reading whom SASL admits. libvirt lets every mechanism in on TLS and UNIX sockets
  (src/remote/remote_daemon_dispatch.c remoteDispatchAuthSaslInit: `virNetSASLSessionSecProps(
  sasl, 0, 0, true)` where the client "IsSecure", whose allowAnonymous clears
  SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT, src/rpc/virnetsaslcontext.c; plain TCP gets
  tcp_min_ssf and "No anonymous", so there HVA-035 stands), Cyrus's ANONYMOUS logs anyone in as
  "anonymous" (cyrus-sasl plugins/anonymous.c anonymous_id), and libvirt then checks only
  sasl_allowed_username_list ("By default, no Username's are checked", libvirtd.conf.in;
  virNetSASLContextCheckIdentity "No ACL, allow all", g_pattern_match_simple). All daemons read
  /etc/sasl2/libvirt.conf (`sasl_server_init(NULL, "libvirt")`), collected since R10H-8 and now
  blanked of ldapdb_pw. Now: ANONYMOUS admitted fails (HVA-030 where certificates are not
  checked, HVA-034, HVA-132 on a socket others can open); mechanisms unread (the file not in
  the bundle, absent, no mech_list, a mechanism hvaudit does not know) or a password store
  outside libvirt's sasldb are the question; HVA-034 fails Kerberos with no username list (any
  principal of the realm, as no DN list admits any certificate the CA signed) and passes a
  username list or libvirt's own sasldb accounts (libvirtd.sasl: "Use 'saslpasswd2 -a libvirt
  [username]' to add entries").
- HL13-1b (held) over plain TCP libvirt refuses what TLS allows: remoteDispatchAuthSaslInit
  gives a client that is not "secure" `virNetSASLSessionSecProps(sasl, tcp_min_ssf, 100000,
  false)` ("No anonymous": SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT) and remoteSASLFinish
  refuses an SSF under 56, so `mech_list: anonymous plain` on TCP admits no one; HVA-030 fails
  the TCP listener whatever SASL offers and HVA-035 judges the strength. Held (test below).
- HL13-2 (false pass) HVA-030 passed a TLS listener whatever tls_priority said: the GnuTLS
  priority string of every libvirt TLS session (src/rpc/virnettlscontext.c virNetTLSSessionNew
  `ctxt->priority ? ctxt->priority : TLS_PRIORITY`; default "NORMAL" upstream,
  libvirtd.conf.in). HVA-030 owns it (the TLS transport's encryption). Now: `+VERS-SSL3.0`,
  `+NULL`, RC4, DES/3DES, export RSA, MD5, LEGACY ("the allowed DH primes are considered weak
  today", gnutls_priority_init2(3)), %UNSAFE_RENEGOTIATION, %VERIFY_ALLOW_BROKEN ... fail;
  an `@profile` other than SYSTEM/LIBVIRT or an algorithm hvaudit does not know is the
  question; NORMAL, SECURE256, @LIBVIRT,SYSTEM and NORMAL:%COMPAT (the man page's own
  "for compatibility") pass as before.
- HL13-4 (wrong fail) HVA-132 counted every .pkla section granting org.libvirt.unix.manage
  to `unix-user:*`, even one a later entry takes back. polkit 0.105's local authority
  (polkitbackendlocalauthority.c check_authorization_sync: "First lookup for all groups the
  user belong to", then the user, each over the stores 10-vendor.d ... 90-mandatory.d, a
  store's known result replacing the one so far; polkitbackendlocalauthorizationstore.c: "keep
  going since subsequent authorization entries may modify the result"). Now a grant to every
  account counts only where it is the last word for every account (a vendor grant a
  50-local.d deny overrides passes; a deny a later grant overrides fails, as before; a
  `unix-group:*` deny does not override a `unix-user:*` grant: users are looked up last).
  Same-named directories under /var/lib and /etc: either order granting counts.
- HL13-6 (wrong question) HVA-200 asked whenever any entry of /etc/rsyslog.conf or
  /etc/rsyslog.d had an mtime after rsyslogd started, files rsyslogd never reads included (a
  README, a `.50-remote.conf.swp` an editor keeps: rsyslog's includes are glob(3) patterns,
  which skip hidden names, hvaudit.parse.rsyslog). Now only the files it reads and the
  directories holding them count. The directory's own mtime stays: it is the only trace of an
  include removed or renamed after the start, which the running daemon still has, so an
  editor's swap file created and deleted there is indistinguishable from a removal and keeps
  the question (no ctime or birth time settles it; `find -printf %T@` is what is collected).
- HL13-5 (held, no change) route_localnet = 1 with rp_filter = 1 or 0 does not change the
  loopback rule of hvaudit.checks._loopback: Linux net/ipv4/route.c ip_route_input_slow lets a
  packet for 127/8 through when route_localnet is on (`if (ipv4_is_loopback(daddr)) { if
  (!IN_DEV_NET_ROUTE_LOCALNET(in_dev, net)) goto martian_destination; }`) and then, for a
  local destination, fib_validate_source checks the packet's *source*, the neighbour's own
  address, which is reachable through the interface it came in on: strict reverse-path
  filtering passes it (CVE-2020-8558's reproduction in kubernetes issue 90259 needed only
  route_localnet). rp_filter only drops spoofed 127/8 *sources*. No test: rp_filter is not an
  input of any verdict, rightly.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import file_artefact
from hvaudit.redact import redact_artefact
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_redteam11_host_probes import AFTER, BEFORE
from test_redteam12_host_probes import _TLS_LISTEN

SASL = "/etc/sasl2/libvirt.conf"
CONF = "/etc/libvirt/libvirtd.conf"
BASE = HARDENED_HOST[CONF] + 'listen_tls = 1\nauth_tls = "sasl"\n'
NOVERIFY = BASE + "tls_no_verify_certificate = 1\n"
LISTEN = {"listeners": (_TLS_LISTEN, 0)}
ADMINS = 'sasl_allowed_username_list = [ "admin@EXAMPLE.COM" ]\n'

QUESTION = (
    "Does libvirt's SASL authentication on host hv1 admit only named clients with credentials? "
    "Evidence: /etc/sasl2/libvirt.conf (mech_list; unset, every installed plugin: `pluginviewer "
    "-s`; pwcheck_method, auxprop_plugin) and sasl_allowed_username_list in libvirtd.conf. Pass: "
    "mech_list names only mechanisms that check credentials (gssapi, scram-sha-256) against "
    "libvirt's own accounts or a sasl_allowed_username_list of the administrators; fail: "
    "ANONYMOUS is offered (or the anonymous plugin is installed and mech_list unset) and no "
    "username list refuses 'anonymous', or any account of a realm or directory is admitted."
)


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


def test_anonymous_sasl_over_unverified_tls_fails(host_scan) -> None:
    """HL13-1. TLS without client-certificate checks and auth_tls = sasl with `mech_list:
    anonymous`: libvirt offers ANONYMOUS on TLS (allowAnonymous), no username list refuses
    "anonymous", so whoever reaches 16514 controls every VM. The old code passed HVA-030
    ("clients authenticated by SASL") and HVA-034 ("TLS clients restricted")."""
    a = host_scan({CONF: NOVERIFY, SASL: "mech_list: anonymous gssapi\n", **LISTEN})
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "TLS with tls_no_verify_certificate = 1 and auth_tls = sasl, but /etc/sasl2/libvirt.conf "
        "mech_list anonymous gssapi offers ANONYMOUS (anyone logs in as 'anonymous'; no "
        "sasl_allowed_username_list in libvirtd.conf): anyone who reaches the port controls "
        "every VM"
    )
    assert outcomes(a, "HVA-034") == {"hv1": "fail"}
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS listener admits any client (libvirtd.conf: auth_tls = sasl (client certificates "
        "not checked), but /etc/sasl2/libvirt.conf mech_list anonymous gssapi offers ANONYMOUS "
        "(anyone logs in as 'anonymous'; no sasl_allowed_username_list in libvirtd.conf))"
    )
    # a username list that admits 'anonymous' ("*") refuses nothing
    a = host_scan(
        {
            CONF: NOVERIFY + 'sasl_allowed_username_list = [ "*" ]\n',
            SASL: "mech_list: anonymous\n",
            **LISTEN,
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}, messages(a, "HVA-030")
    assert "sasl_allowed_username_list ['*'] admits 'anonymous'" in messages(a, "HVA-030")["hv1"]


def test_anonymous_refused_by_the_username_list_passes(host_scan) -> None:
    """HL13-1 twin: the same ANONYMOUS with sasl_allowed_username_list naming the
    administrators: virNetSASLContextCheckIdentity refuses the identity "anonymous", so only
    gssapi logs in, and only the listed principal. Both checks pass, naming why."""
    a = host_scan({CONF: NOVERIFY + ADMINS, SASL: "mech_list: anonymous gssapi\n", **LISTEN})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "only TLS 16514 listening, clients authenticated by SASL: auth_tls = sasl (libvirtd.conf; "
        "tls_no_verify_certificate = 1; SASL gssapi, sasl_allowed_username_list "
        "['admin@EXAMPLE.COM'] (libvirtd.conf))"
    )
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}, messages(a, "HVA-034")


def test_sasl_file_not_in_an_older_bundle_is_asked(older_bundle_scan) -> None:  # noqa: F811
    """HL13-1. A bundle without /etc/sasl2/libvirt.conf (a collector before R10H-8): which
    mechanisms libvirt offers is unknown (ANONYMOUS among them, for all the bundle says). The old
    code passed HVA-030 and HVA-034; right: the question, saying the file was not collected."""
    a = older_bundle_scan({CONF: NOVERIFY, **LISTEN}, gone=file_artefact(SASL))
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "TLS with tls_no_verify_certificate = 1: auth_tls = sasl, but /etc/sasl2/libvirt.conf "
        "was not collected (not in this bundle)"
    )
    assert _question(a, "HVA-030") == QUESTION
    assert outcomes(a, "HVA-034") == {"hv1": "manual"}, messages(a, "HVA-034")
    assert _question(a, "HVA-034") == QUESTION


def test_sasl_file_absent_on_the_host_is_asked(host_scan) -> None:
    """HL13-1. No /etc/sasl2/libvirt.conf on the host: Cyrus offers every installed plugin
    (ANONYMOUS where cyrus-sasl's anonymous plugin is installed). Was a pass; the question."""
    a = host_scan({CONF: NOVERIFY, SASL: None, **LISTEN})
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "TLS with tls_no_verify_certificate = 1: auth_tls = sasl, but /etc/sasl2/libvirt.conf "
        "is absent (no such file)"
    )


def test_kerberos_without_username_list_admits_the_realm(host_scan) -> None:
    """HL13-1. HVA-034 (clients restricted to known names), no DN list, auth_tls = sasl with the
    shipped `mech_list: gssapi` and no sasl_allowed_username_list: any principal of the realm
    with a certificate the CA signed controls the hypervisor, as no DN list admits any
    certificate; the old code passed "auth_tls = sasl". A username list passes; so does a
    password mechanism over libvirt's own sasldb (its accounts are added one by one)."""
    a = host_scan({CONF: BASE, **LISTEN})
    assert outcomes(a, "HVA-034") == {"hv1": "fail"}, messages(a, "HVA-034")
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS listener admits any principal of the Kerberos realm (libvirtd.conf: auth_tls = sasl "
        "(any certificate the CA signed), /etc/sasl2/libvirt.conf mech_list gssapi: any "
        "principal of the Kerberos realm (no sasl_allowed_username_list in libvirtd.conf))"
    )
    # HVA-030 asks only that the client authenticates: certificates are verified here
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    a = host_scan({CONF: BASE + ADMINS, **LISTEN})
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}, messages(a, "HVA-034")
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS clients restricted: auth_tls = sasl (libvirtd.conf; SASL gssapi, "
        "sasl_allowed_username_list ['admin@EXAMPLE.COM'] (libvirtd.conf))"
    )
    scram = "mech_list: scram-sha-256\nsasldb_path: /etc/libvirt/passwd.db\n"
    a = host_scan({CONF: BASE, SASL: scram, **LISTEN})
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}, messages(a, "HVA-034")
    assert messages(a, "HVA-034")["hv1"] == (
        "TLS clients restricted: auth_tls = sasl (libvirtd.conf; SASL scram-sha-256: the "
        "accounts of /etc/libvirt/passwd.db)"
    )
    # an empty username list: "no client can connect"
    a = host_scan({CONF: BASE + "sasl_allowed_username_list = []\n", **LISTEN})
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}, messages(a, "HVA-034")


@pytest.mark.parametrize(
    ("sasl", "why"),
    [
        (
            "mech_list: plain\npwcheck_method: saslauthd\n",
            "mech_list plain, pwcheck_method saslauthd (plain/login passwords checked outside "
            "libvirt's sasldb): which accounts that store holds is not read",
        ),
        (
            "mech_list: scram-sha-256\nauxprop_plugin: ldapdb\nldapdb_pw: x\n",
            "mech_list scram-sha-256, auxprop_plugin ldapdb: which accounts that store holds is "
            "not read",
        ),
        ("mech_list: external\n", "mech_list external: whom external admits is not read"),
    ],
)
def test_password_store_outside_sasldb_is_asked(host_scan, sasl: str, why: str) -> None:
    """HL13-1. Passwords checked by saslauthd (PAM, shadow, LDAP: every host or directory
    account) or a directory auxprop store, or a mechanism hvaudit does not know: whom SASL
    admits is not in the evidence. Was a pass ("auth_tls = sasl"); the question."""
    a = host_scan({CONF: BASE, SASL: sasl, **LISTEN})
    assert outcomes(a, "HVA-034") == {"hv1": "manual"}, messages(a, "HVA-034")
    assert messages(a, "HVA-034")["hv1"] == (
        f"libvirtd.conf: auth_tls = sasl (any certificate the CA signed), but "
        f"/etc/sasl2/libvirt.conf {why}"
    )
    assert _question(a, "HVA-034") == QUESTION


def test_anonymous_sasl_on_the_read_write_socket_fails(host_scan) -> None:
    """HL13-1. auth_unix_rw = "sasl" with ANONYMOUS offered: a UNIX socket is "secure" to
    libvirt (allowAnonymous), and the socket is 0777 (unix_sock_rw_perms' default, the system
    daemon's built-in auth being polkit): any local user logs in as "anonymous". The old code
    passed HVA-132 ("auth_unix_rw = sasl"); a gssapi-only twin passes."""
    conf = HARDENED_HOST[CONF].replace('auth_unix_rw = "polkit"', 'auth_unix_rw = "sasl"')
    a = host_scan({CONF: conf, SASL: "mech_list: anonymous\n"})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132")["hv1"].startswith(
        "libvirtd.conf: auth_unix_rw = sasl, but /etc/sasl2/libvirt.conf mech_list anonymous "
        "offers ANONYMOUS (anyone logs in as 'anonymous'; no sasl_allowed_username_list in "
        "libvirtd.conf), "
    )
    assert messages(a, "HVA-132")["hv1"].endswith(": any local user controls every VM")
    a = host_scan({CONF: conf})
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132")["hv1"] == (
        "libvirtd.conf: auth_unix_rw = sasl (SASL gssapi: Kerberos principals)"
    )


def test_sasl_file_ldapdb_password_is_blanked() -> None:
    """HL13-1. /etc/sasl2/libvirt.conf may carry the ldapdb plugin's bind password (cyrus-sasl
    plugins/ldapdb.c getopt "ldapdb_pw"); the bundle keeps the option names, not the value.
    The old writer passed the file through the generic text redactor, which kept it."""
    text = b"mech_list: plain\nauxprop_plugin: ldapdb\nldapdb_id: libvirt\nldapdb_pw: hunter2\n"
    out = redact_artefact(file_artefact(SASL), text).decode()
    assert out == (
        "mech_list: plain\nauxprop_plugin: ldapdb\nldapdb_id: libvirt\nldapdb_pw: ***REDACTED***\n"
    )


# --- HVA-030: tls_priority (HL13-2) ---------------------------------------------------------------

VERIFIED = HARDENED_HOST[CONF] + 'listen_tls = 1\ntls_allowed_dn_list = [ "CN=mgmt1" ]\n'


@pytest.mark.parametrize(
    ("priority", "weak"),
    [
        ("NORMAL:+VERS-SSL3.0", "+VERS-SSL3.0"),
        ("NORMAL:+NULL", "+NULL"),
        ("NORMAL:+ARCFOUR-128:+3DES-CBC", "+ARCFOUR-128 +3DES-CBC"),
        ("LEGACY", "LEGACY"),
        ("NORMAL:%UNSAFE_RENEGOTIATION", "%UNSAFE_RENEGOTIATION"),
        ("NORMAL:%VERIFY_ALLOW_BROKEN", "%VERIFY_ALLOW_BROKEN"),
    ],
)
def test_weak_tls_priority_fails(host_scan, priority: str, weak: str) -> None:
    """HL13-2. A verified-certificate TLS listener (the pass of HVA-030) whose tls_priority
    switches on SSL 3.0 (RFC 7568), the NULL cipher (no encryption), RC4 (RFC 7465), 3DES,
    GnuTLS's LEGACY set, renegotiation without RFC 5746 or broken certificate signatures.
    The old code passed "only TLS 16514 listening, client certificates verified"."""
    conf = VERIFIED + f'tls_priority = "{priority}"\n'
    a = host_scan({CONF: conf, **LISTEN})
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        f"TLS with tls_priority = {priority!r}: {weak} switch(es) on protocols, ciphers or "
        "checks retired as insecure"
    )


def test_unknown_tls_priority_token_is_asked(host_scan) -> None:
    """HL13-2. `@CUSTOM` names an /etc/gnutls/config [priorities] entry, not collected, and
    `+VERS-TLS1.0` an old protocol hvaudit does not place: the question. Was a pass."""
    conf = VERIFIED + 'tls_priority = "@CUSTOM:+VERS-TLS1.0"\n'
    a = host_scan({CONF: conf, **LISTEN})
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "tls_priority = '@CUSTOM:+VERS-TLS1.0': what @CUSTOM +VERS-TLS1.0 enables is not read"
    )
    assert _question(a, "HVA-030") == (
        "Does libvirt's tls_priority on host hv1 enable only protocols and ciphers GnuTLS counts "
        "as secure? Evidence: the tls_priority line of libvirtd.conf, /etc/gnutls/config "
        "([priorities], [overrides]) and `gnutls-cli --priority '<the string>' --list`. Pass: yes, no "
        "SSL 3.0, TLS 1.0 or 1.1 (RFC 8996), NULL, RC4, DES/3DES, export or MD5 entry is listed; "
        "fail: one is."
    )


@pytest.mark.parametrize(
    "priority",
    [
        "NORMAL",
        "SECURE256:-VERS-TLS1.2",
        "@LIBVIRT,SYSTEM",
        "NORMAL:%COMPAT",
        "NONE:+VERS-TLS1.3:+AES-256-GCM:+ECDHE-RSA:+SHA384:+GROUP-ALL:+SIGN-ALL",
    ],
)
def test_sound_tls_priority_still_passes(host_scan, priority: str) -> None:
    """HL13-2 twins: GnuTLS's secure sets, the distribution policy Fedora builds libvirt with,
    NORMAL:%COMPAT and an explicit TLS 1.3 AEAD list weaken nothing: the pass stands."""
    conf = VERIFIED + f'tls_priority = "{priority}"\n'
    a = host_scan({CONF: conf, **LISTEN})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "only TLS 16514 listening, client certificates verified"
    )


# --- HVA-200: files rsyslogd does not read (HL13-6) ------------------------------------------------


def test_rsyslog_file_never_read_does_not_ask(host_scan) -> None:
    """HL13-6. /etc/rsyslog.d/README appended to after rsyslogd started (the directory
    unchanged): rsyslogd reads no README (its include is a glob of *.conf files here, the only
    file collected), so what it runs is what the files say. The old code asked ("README was
    changed ... after rsyslogd started"); right: the pass of the hardened host."""
    mtimes = (
        f"{BEFORE}.1 /etc/rsyslog.conf\n{BEFORE}.2 /etc/rsyslog.d\n"
        f"{BEFORE}.2 /etc/rsyslog.d/50-remote.conf\n{AFTER}.2 /etc/rsyslog.d/README\n"
    )
    a = host_scan({"rsyslog-mtimes": (mtimes, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")
    # an editor's swap file: created after the start, so the directory changed too, which a
    # removed include would also do: the question stays, naming the directory
    swap = mtimes.replace(f"{BEFORE}.2 /etc/rsyslog.d\n", f"{AFTER}.1 /etc/rsyslog.d\n")
    swap = swap.replace("README", ".50-remote.conf.swp")
    a = host_scan({"rsyslog-mtimes": (swap, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"].startswith(
        "evidence unavailable: /etc/rsyslog.d was changed at 2024-11-27 05:10:00 UTC"
    )


def test_anonymous_or_plain_over_plain_tcp_is_refused_by_libvirt(host_scan) -> None:
    """HL13-1b (held). TCP 16509 with auth_tcp = sasl, tcp_min_ssf = 112 and `mech_list:
    anonymous plain`: libvirt sets NOANONYMOUS | NOPLAINTEXT and a minimum SSF on TCP, so
    neither mechanism is offered there. HVA-030 fails the plain TCP listener as before (it
    never credits SASL on TCP) and HVA-035 passes (nothing weaker than SSF 112 is admitted)."""
    tcp = HARDENED_HOST["listeners"][0] + (
        "tcp   LISTEN 0      50         0.0.0.0:16509      0.0.0.0:*    "
        'users:(("libvirtd",pid=700,fd=8))\n'
    )
    conf = HARDENED_HOST[CONF] + "listen_tcp = 1\ntcp_min_ssf = 112\n"
    a = host_scan({CONF: conf, SASL: "mech_list: anonymous plain\n", "listeners": (tcp, 0)})
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}, messages(a, "HVA-030")
    assert messages(a, "HVA-030")["hv1"] == (
        "TCP 16509 listening with auth_tcp = 'sasl' (cleartext unless SASL encrypts)"
    )
    assert outcomes(a, "HVA-035") == {"hv1": "pass"}, messages(a, "HVA-035")
    assert messages(a, "HVA-035")["hv1"] == (
        "SASL on TCP demands SSF >= 112 (/etc/sasl2/libvirt.conf mech_list: anonymous plain)"
    )


# --- HVA-132: .pkla precedence (HL13-4) ------------------------------------------------------------


def _pkla(path: str, identity: str, results: str) -> str:
    """One .pkla file as the polkit-rules probe prints it (`grep -r -H ""` lines)."""
    lines = ["[libvirt]", f"Identity={identity}", "Action=org.libvirt.unix.manage", results]
    return "".join(f"{path}:{line}\n" for line in lines)


VENDOR = "/etc/polkit-1/localauthority/10-vendor.d/libvirt.pkla"
LOCAL = "/etc/polkit-1/localauthority/50-local.d/deny.pkla"
DENY = "ResultAny=no\nResultInactive=no\nResultActive=no"


@pytest.mark.parametrize(
    ("files", "status"),
    [
        # a vendor grant to everyone that 50-local.d takes back: no one is granted
        (
            _pkla(VENDOR, "unix-user:*", "ResultActive=yes")
            + _pkla(LOCAL, "unix-user:*", DENY.replace("\n", f"\n{LOCAL}:")),
            "pass",
        ),
        # the reverse: a local grant after a vendor deny grants everyone
        (
            _pkla(VENDOR, "unix-user:*", DENY.replace("\n", f"\n{VENDOR}:"))
            + _pkla(LOCAL, "unix-user:*", "ResultActive=yes"),
            "fail",
        ),
        # a deny for every group is looked up before the user: the user grant stands
        (
            _pkla(VENDOR, "unix-user:*", "ResultActive=yes")
            + _pkla(LOCAL, "unix-group:*", DENY.replace("\n", f"\n{LOCAL}:")),
            "fail",
        ),
    ],
)
def test_pkla_later_entry_decides(host_scan, files: str, status: str) -> None:
    """HL13-4. The first case was a fail ("libvirt.pkla grant(s) org.libvirt.unix.manage with
    no subject test"), though 50-local.d's entry for every account answers no for every
    session; the other two keep the fail."""
    base = HARDENED_HOST["polkit-rules"][0]
    a = host_scan({"polkit-rules": (base + files, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": status}, messages(a, "HVA-132")
    if status == "fail":
        assert (
            "grant(s) org.libvirt.unix.manage with no subject test" in messages(a, "HVA-132")["hv1"]
        )
