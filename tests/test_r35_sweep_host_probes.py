"""R35 sweep of the host modules (management.py, hardening.py, architecture.py): a check that
yields one item per subject whose FIRST open condition hides the others, so an attested "yes"
to that first question passes the subject while a fail or another question was never shown.

Harness: the conftest host_scan replay (hardened host plus overrides) through the real
collector, parser and engine; attestations written as TOML, read by the CLI's loader
(load_attestations) and applied with apply_attestations, as `hvaudit scan --attestations` does
(test_r34_elif_unknown_probes._attest_yes). Each finding's probe attests "yes" to the question
the item asked on main (that condition's own question, taken from a scan where it is the only
open one) and asserts the verdict now.

Findings:
- R35S-1 (false pass, elif chain) HVA-200: rsyslog's TLS forwarding under a filter was asked
  the filter's question alone; what journald hands rsyslog was never judged for a filtered
  destination (parse.host._log_forwarding judged it for the unfiltered ones only). With
  ForwardToSyslog=no and no imjournal (rsyslog gets the kernel's messages at most: a fail for
  the unfiltered twin), "yes, the filter lets the security messages through" passed the host.
  Now the fail is judged for filtered destinations too, and with journald's forwarding unknown
  one item asks both (journald's question and the filter's).
- R35S-2 (false pass, leading unknown) HVA-202: `timedatectl show` not answering was asked
  ("Is the system clock synchronised by chronyd?") before chronyd's sources were judged: with
  `refclock RTC` alone (the host's own clock: a fail, L19-1D; chronyd reports itself
  synchronised to it), "yes" passed. Now the sources are judged first; a fail stands, a
  question is joined with the synchronisation question, a pass becomes that question.
- R35S-3 (false pass, question that answers the first condition only) HVA-034: libvirt on a TCP
  port its files do not name (a socket unit's ListenStream) with no tls_allowed_dn_list asked
  HVA-030's question "Is it libvirt's TLS transport with client certificates verified?": "yes"
  passed a TLS listener that admits every certificate the CA signed. Now HVA-034 asks whether
  it is the plain TCP transport (then HVA-030 judges it); TLS is the fail.
- R35S-4 (false pass, leading unknown) HVA-034: the listening sockets unavailable (`ss` not
  installed) were asked before the DN lists, though an enabled libvirtd-tls.socket is a TLS
  listener whatever `ss` shows: "yes, the TLS listener admits only listed names" passed a
  libvirtd.conf with no tls_allowed_dn_list. Now judged: a fail.

- R35S-5 (false pass, leading unknown) HVA-030: the listening sockets unavailable were asked
  before the files and socket units: "yes, libvirt listens on no unauthenticated TCP port"
  passed an enabled libvirtd-tcp.socket with auth_tcp = none. Now that fails; with nothing to
  fail, the sockets' question joins the other open conditions (asked_gap).
- R35S-6 (false pass, leading unknown) HVA-130: one modular daemon's file not in the bundle
  (virtsecretd.conf) was asked before the files read: "yes" passed virtqemud.conf with no
  access driver. Now that fails; the unread file is asked where the read ones pass.
- R35S-7 (false pass, leading unknown) HVA-132: the same unread file asked alone hid the
  question of virtqemud's socket (auth_unix_rw = none, its unit's SocketMode unread): "yes"
  passed it. Now the files read, the sockets and the relays are judged first and the unread
  file's question joins the others in one item.
- R35S-8 (false pass, leading unknown) HVA-035: as R35S-5, "yes" to the sockets' question
  passed an enabled libvirtd-tcp.socket with auth_tcp = none (no SASL layer). Now a fail.
- R35S-9 (false pass, leading unknown) HVA-010: the KVM modules unread (/proc/modules and
  the vendor modules' parameter directories) were asked before /dev/kvm was judged: "yes, the
  CPU offers VT-x and kvm_intel drives /dev/kvm" passed a host without /dev/kvm, which fails
  whichever modules are loaded. Now a fail.
- R35S-10 (false pass, leading unknown) HVA-180: a package listing that cannot see security
  updates (every security archive pinned below 100, R14H-6; dnf blind; stale lists) was asked
  before the kernel: "yes, the host receives its security updates with none pending" passed a
  newer kernel installed but not booted (R23H-2). Now the kernel, the held packages and
  GRUB's default are judged first; the listing's question joins the other open ones.

Held: each condition alone keeps its verdict and text (the harness tests); a collection that
failed (an error) still stands alone (unchanged code paths).

Tally: 10 findings (HVA-200, HVA-202, HVA-034 twice, HVA-030, HVA-130, HVA-132, HVA-035,
HVA-010, HVA-180), 20 cases (12 finding probes, 8 harness tests); the 12 finding probes failed
on main 748d99aa before the fixes (each with the subject passing after main's own question was attested
"yes", or, R35S-3, main asking HVA-030's question), the 8 harness tests passed there.

Leads left: HVA-230 (bond_diversity) asks an unread Open vSwitch port list before judging the
Linux bonds (a bond on one card would be hidden; not reproduced: the harness's ip-link with an
ovs-system device did not open the OVS gap); HVA-213 (libvirt_log_outputs) opens with one
first_unknown over every daemon file, override and environment (judged as resting on them:
the overrides replace the file's settings); the rest of management.py's leading unknowns
(HVA-191, 201, 210, 214, 140, 141, 150, 160, 161 ...) and architecture.py's were not swept.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes
from hvaudit.collect.host import file_artefact
from hvaudit.engine import Assessment
from test_host_leads13 import CONF
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_leads19d import FEDORA, OWN, scan
from test_log_journal_path import DEBIAN_MAIN, RHEL_OS
from test_r34_elif_unknown_probes import _attest_yes, _question
from test_redteam3_host_probes import MODULAR_UNITS
from test_redteam8_host_probes import MOVED
from test_redteam14_host_probes import _POLICY
from test_redteam24_probe2_probes import QEMUD_ONLY

# --- R35S-1: HVA-200, a filtered TLS forwarding and what journald hands rsyslog -----------------

#: RSYSLOG_REMOTE's TLS action under an expression filter (rsyslog "Filter Conditions").
FILTERED = RSYSLOG_REMOTE.replace(
    'action(type="omfwd"', 'if $programname == "cron" then action(type="omfwd"'
)
FILTER_MSG = (
    "rsyslog forwards over authenticated TLS only under a filter: logs.example.internal gets "
    'only what `if $programname == "cron"` lets through'
)
JOURNAL_MSG = (
    "rsyslog forwards over authenticated TLS, but reads no journal (no imjournal); whether "
    "journald hands it libvirt's messages is open: no file sets ForwardToSyslog and this "
    "distribution's default is not known (logs.example.internal)"
)
FORWARD_OFF = {"/etc/systemd/journald.conf": "[Journal]\nForwardToSyslog=no\n"}
FORWARD_UNKNOWN = {"/etc/systemd/journald.conf": "[Journal]\n", "/etc/os-release": RHEL_OS}
NOTHING = (
    "no running forwarder sends the host's logs to a remote destination (journald hands "
    "rsyslog nothing: ForwardToSyslog=no in /etc/systemd/journald.conf, and rsyslog reads no "
    "journal (no imjournal), so logs.example.internal get(s) the kernel's messages at most, not "
    "libvirt's)"
)


def _rsyslog(host_scan, rules: str, journald: dict[str, object]) -> Assessment:
    return host_scan({"rsyslog-config": (DEBIAN_MAIN + rules, 0), **journald})


def test_r35s1_harness_each_condition_alone(host_scan) -> None:
    """Held: the filter alone asks; ForwardToSyslog=no alone fails the unfiltered forwarding;
    journald's forwarding unknown alone asks."""
    a = _rsyslog(host_scan, FILTERED, {})
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == (
        {"hv1": "manual"},
        {"hv1": FILTER_MSG},
    )
    assert _question(a, "HVA-200").startswith(
        "Does the rsyslog filter in front of the TLS forwarding on host hv1 let the host's own "
        "security messages through"
    )
    a = _rsyslog(host_scan, RSYSLOG_REMOTE, FORWARD_OFF)
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == ({"hv1": "fail"}, {"hv1": NOTHING})
    a = _rsyslog(host_scan, RSYSLOG_REMOTE, FORWARD_UNKNOWN)
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == (
        {"hv1": "manual"},
        {"hv1": JOURNAL_MSG},
    )


def test_r35s1_filtered_forwarding_fails_when_journald_hands_rsyslog_nothing(
    host_scan, tmp_path: Path
) -> None:
    """R35S-1: on main the filter's question alone was asked and "yes" passed; rsyslog receives
    nothing of libvirt's, filtered or not."""
    filter_q = _question(_rsyslog(host_scan, FILTERED, {}), "HVA-200")
    a = _rsyslog(host_scan, FILTERED, FORWARD_OFF)
    _attest_yes(a, filter_q, tmp_path, "HVA-200")
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == ({"hv1": "fail"}, {"hv1": NOTHING})


def test_r35s1_filter_and_journald_questions_are_one_item(host_scan, tmp_path: Path) -> None:
    """R35S-1: journald's forwarding unknown beside the filter: one item asks both; "yes" to the
    filter's question (main's only one) passes nothing."""
    filter_q = _question(_rsyslog(host_scan, FILTERED, {}), "HVA-200")
    journal_q = _question(_rsyslog(host_scan, RSYSLOG_REMOTE, FORWARD_UNKNOWN), "HVA-200")
    a = _rsyslog(host_scan, FILTERED, FORWARD_UNKNOWN)
    assert (outcomes(a, "HVA-200"), messages(a, "HVA-200")) == (
        {"hv1": "manual"},
        {"hv1": f"{JOURNAL_MSG}; {FILTER_MSG}"},
    )
    assert _question(a, "HVA-200") == (
        "Does systemd-journald on host hv1 forward its messages to syslog (ForwardToSyslog=yes), "
        "and does the rsyslog filter in front of the TLS forwarding on host hv1 let the host's "
        "own security messages through, the libvirt daemons' (daemon facility), the kernel's "
        "(kern) and the logins' (auth, authpriv)? Evidence: `systemd-analyze cat-config "
        "systemd/journald.conf` and /proc/cmdline (systemd.journald.forward_to_syslog=) on hv1; "
        "/etc/rsyslog.conf and /etc/rsyslog.d on hv1, the `if` expression, property filter or "
        "ruleset around the omfwd action. Pass: yes, rsyslog's imuxsock then receives libvirt's "
        "messages and forwards them, and it drops only messages of no security value; fail: no, "
        "rsyslog forwards the kernel's messages only, or it forwards only some programs' or "
        "some messages' logs."
    )
    for name, q in {"filter": filter_q, "journal": journal_q}.items():
        a = _rsyslog(host_scan, FILTERED, FORWARD_UNKNOWN)
        _attest_yes(a, q, tmp_path, "HVA-200")
        assert outcomes(a, "HVA-200") == {"hv1": "manual"}, name


# --- R35S-2: HVA-202, `timedatectl show` unanswered before chronyd's sources ---------------------

BUS_DOWN = {"time-synchronized": ("Failed to connect to bus: No such file or directory\n", 1)}
RTC_ONLY = {FEDORA: "refclock RTC /dev/rtc0 utc\n"}
UNANSWERED = (
    "chronyd running; `timedatectl show` did not answer (Failed to connect to bus: No such file o)"
)


def test_r35s2_harness_each_condition_alone(host_scan, tmp_path: Path) -> None:
    """Held: timedatectl unanswered alone asks whether chronyd synchronises the clock (also
    with `chronyc -n tracking` not collected); the RTC alone fails."""
    a = scan(host_scan, tmp_path, {FEDORA: "server ntp1.example.org iburst\n"}, **BUS_DOWN)
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "manual"},
        {"hv1": UNANSWERED},
    )
    assert _question(a, "HVA-202") == (
        "Is the system clock of host hv1 synchronised by chronyd? Evidence: `chronyc tracking` "
        "(Leap status) or `timedatectl show -p NTPSynchronized` on hv1. Pass: Leap status "
        "Normal or NTPSynchronized=yes; fail: Not synchronised, or NTPSynchronized=no."
    )
    a = scan(host_scan, tmp_path, RTC_ONLY)
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}


def test_r35s2_rtc_alone_fails_though_timedatectl_did_not_answer(host_scan, tmp_path: Path) -> None:
    """R35S-2: on main the synchronisation question alone was asked and "yes" passed chronyd
    steered by the host's own hardware clock (which it reports as synchronised)."""
    sync_q = _question(
        scan(host_scan, tmp_path, {FEDORA: "server ntp1.example.org iburst\n"}, **BUS_DOWN),
        "HVA-202",
    )
    a = scan(host_scan, tmp_path, RTC_ONLY, **BUS_DOWN)
    _attest_yes(a, sync_q, tmp_path, "HVA-202")
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "fail"},
        {"hv1": OWN.format(f"{FEDORA}: refclock RTC /dev/rtc0")},
    )


def test_r35s2_sources_on_the_host_join_the_synchronisation_question(
    host_scan, tmp_path: Path
) -> None:
    """R35S-2: chronyd's only source on the host itself (a question, L19-1D) beside timedatectl
    unanswered: one item asks both; "yes" to the synchronisation question passes nothing."""
    files = {FEDORA: "server 0.0.0.0 iburst\n"}
    sync_q = _question(
        scan(host_scan, tmp_path, {FEDORA: "server ntp1.example.org iburst\n"}, **BUS_DOWN),
        "HVA-202",
    )
    a = scan(host_scan, tmp_path, files, **BUS_DOWN)
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "manual"},
        {
            "hv1": "chronyd running, but every time source it is given is on host hv1 itself "
            f"({FEDORA}: server 0.0.0.0); {UNANSWERED}"
        },
    )
    q = _question(a, "HVA-202")
    assert q.startswith("Does a source outside host hv1 steer the time sources chronyd reads")
    assert ", and is the system clock of host hv1 synchronised by chronyd? Evidence: " in q
    _attest_yes(a, sync_q, tmp_path, "HVA-202")
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}


# --- R35S-3, R35S-4: HVA-034 -----------------------------------------------------------------------

# virtproxyd's listener is judged with virtproxyd.conf alone: libvirtd.conf sets no listener
# there (R35D-1, tests/test_redteam35_domain_probes.py)
MOVED_MSG = (
    "libvirt listens on TCP where its files name no port: virtproxyd on 0.0.0.0:16600 (a socket "
    "unit's ListenStream); were it TLS, it would admit any certificate the CA signed (no "
    "tls_allowed_dn_list, auth_tls = none in virtproxyd.conf)"
)
NOT_TLS_Q = (
    "Is virtproxyd on 0.0.0.0:16600 on host hv1 libvirt's plain TCP transport, not its TLS one? "
    "Evidence: `systemctl show -p Listen virtproxyd-tcp.socket virtproxyd-tls.socket "
    "libvirtd-tcp.socket libvirtd-tls.socket` (the unit whose ListenStream holds the port). "
    "Pass: yes, the port is a -tcp unit's (HVA-030 judges it); fail: it is a -tls unit's, whose "
    "client certificates the daemon file's settings do not restrict."
)


def test_r35s3_moved_listener_yes_it_is_tls_passes_nothing(host_scan, tmp_path: Path) -> None:
    """R35S-3: on main HVA-034 asked HVA-030's question (the TLS transport with certificates
    verified passes), and "yes" passed a TLS listener whose files admit every certificate. Now
    only "yes, it is the plain TCP transport" passes."""
    a = host_scan(MOVED)
    tls_q = _question(a, "HVA-030")  # main's HVA-034 question, word for word
    assert tls_q.startswith(
        "Is virtproxyd on 0.0.0.0:16600 on host hv1 libvirt's TLS transport with client "
        "certificates verified, not its plain TCP one?"
    )
    assert (outcomes(a, "HVA-034"), messages(a, "HVA-034")) == (
        {"hv1": "manual"},
        {"hv1": MOVED_MSG},
    )
    assert _question(a, "HVA-034") == NOT_TLS_Q
    _attest_yes(a, tls_q, tmp_path, "HVA-034")
    assert outcomes(a, "HVA-034") == {"hv1": "manual"}
    a = host_scan(MOVED)
    _attest_yes(a, NOT_TLS_Q, tmp_path, "HVA-034")
    assert outcomes(a, "HVA-034") == {"hv1": "pass"}


TLS_UNIT = {
    "libvirt-socket-units": (
        "libvirtd.socket enabled enabled\nlibvirtd-tls.socket enabled enabled\n",
        0,
    )
}
ANY_CERT = (
    "TLS listener admits any certificate the CA signed (no tls_allowed_dn_list, auth_tls = none "
    "in libvirtd.conf)"
)


def test_r35s4_harness_each_condition_alone(host_scan) -> None:
    """Held: `ss` not installed alone asks; the -tls socket unit enabled with no DN list fails."""
    a = host_scan({"listeners": None})
    assert (outcomes(a, "HVA-034"), messages(a, "HVA-034")) == (
        {"hv1": "manual"},
        {"hv1": "evidence unavailable: ss is not installed"},
    )
    a = host_scan(TLS_UNIT)
    assert (outcomes(a, "HVA-034"), messages(a, "HVA-034")) == (
        {"hv1": "fail"},
        {"hv1": ANY_CERT},
    )


def test_r35s4_unread_sockets_do_not_hide_an_open_tls_unit(host_scan, tmp_path: Path) -> None:
    """R35S-4: on main the listeners' question alone was asked and "yes" passed libvirtd-tls.socket
    enabled with no tls_allowed_dn_list."""
    ss_q = _question(host_scan({"listeners": None}), "HVA-034")
    a = host_scan({"listeners": None, **TLS_UNIT})
    _attest_yes(a, ss_q, tmp_path, "HVA-034")
    assert (outcomes(a, "HVA-034"), messages(a, "HVA-034")) == (
        {"hv1": "fail"},
        {"hv1": ANY_CERT},
    )


# --- R35S-5: HVA-030, the listening sockets unavailable before the socket units ------------------

TCP_UNIT = {
    "libvirt-socket-units": (
        "libvirtd.socket enabled enabled\nlibvirtd-tcp.socket enabled enabled\n",
        0,
    ),
    CONF: HARDENED_HOST[CONF] + 'auth_tcp = "none"\n',
}
OPEN_TCP = (
    "libvirtd-tcp.socket enabled: TCP 16509 with auth_tcp = 'none' (no authentication, "
    "cleartext) from the next start"
)


def test_r35s5_harness_each_condition_alone(host_scan) -> None:
    """Held: `ss` not installed alone asks; libvirtd-tcp.socket enabled with auth_tcp = none
    fails."""
    a = host_scan({"listeners": None})
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "manual"},
        {"hv1": "evidence unavailable: ss is not installed"},
    )
    a = host_scan(TCP_UNIT)
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == ({"hv1": "fail"}, {"hv1": OPEN_TCP})


def test_r35s5_unread_sockets_do_not_hide_an_open_tcp_unit(host_scan, tmp_path: Path) -> None:
    """R35S-5: on main the listeners' question alone was asked and "yes" passed an enabled
    libvirtd-tcp.socket with auth_tcp = none (anyone reaching TCP 16509 has the whole API)."""
    ss_q = _question(host_scan({"listeners": None}), "HVA-030")
    a = host_scan({"listeners": None, **TCP_UNIT})
    _attest_yes(a, ss_q, tmp_path, "HVA-030")
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == ({"hv1": "fail"}, {"hv1": OPEN_TCP})


# --- R35S-6, R35S-7: HVA-130 and HVA-132, one modular daemon's file not in the bundle ----------

#: A modular host (virtqemud running, the other daemons socket-activated) whose virtqemud.conf
#: sets no access driver and leaves its socket to virtqemud.socket with auth_unix_rw = none.
MODULAR = {
    "processes": (QEMUD_ONLY, 0),
    "/etc/libvirt/libvirtd.conf": None,
    "/etc/libvirt/virtqemud.conf": 'auth_unix_rw = "none"\naudit_level = 2\n',
    "/etc/libvirt/virtproxyd.conf": 'auth_unix_rw = "polkit"\n',
    "/etc/libvirt/virtsecretd.conf": 'auth_unix_rw = "polkit"\naccess_drivers = [ "polkit" ]\n',
    "libvirt-socket-units": (MODULAR_UNITS, 0),
}
SECRETD = file_artefact("/etc/libvirt/virtsecretd.conf")
SECRETD_GONE = "evidence unavailable: /etc/libvirt/virtsecretd.conf: not in this bundle"
QEMUD_OPEN = (
    "virtqemud.conf: auth_unix_rw = none and virtqemud.socket creates the socket (its "
    "SocketMode applies, not unix_sock_rw_perms)"
)


def test_r35s6_r35s7_harness_each_condition_alone(
    host_scan,
    older_bundle_scan,  # noqa: F811
) -> None:
    """Held: virtsecretd.conf not in the bundle alone asks (HVA-130, HVA-132); virtqemud.conf
    with no access driver fails HVA-130 and its socket left to the unit asks HVA-132."""
    qemud_ok = 'auth_unix_rw = "polkit"\naccess_drivers = [ "polkit" ]\n'
    a = older_bundle_scan({**MODULAR, "/etc/libvirt/virtqemud.conf": qemud_ok}, gone=SECRETD)
    for check in ("HVA-130", "HVA-132"):
        assert (outcomes(a, check), messages(a, check)) == (
            {"hv1": "manual"},
            {"hv1": SECRETD_GONE},
        ), check
    a = host_scan(MODULAR)
    assert (outcomes(a, "HVA-130"), messages(a, "HVA-130")) == (
        {"hv1": "fail"},
        {
            "hv1": "no access driver: every connected client may do everything on every VM "
            "(virtqemud.conf)"
        },
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "manual"},
        {"hv1": QEMUD_OPEN},
    )


def test_r35s6_unread_file_does_not_hide_a_daemon_without_access_driver(
    older_bundle_scan,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R35S-6 (false pass) HVA-130: on main the unread virtsecretd.conf was asked alone and
    "yes" passed virtqemud.conf, read, with no access driver."""
    qemud_ok = 'auth_unix_rw = "polkit"\naccess_drivers = [ "polkit" ]\n'
    gap_q = _question(
        older_bundle_scan({**MODULAR, "/etc/libvirt/virtqemud.conf": qemud_ok}, gone=SECRETD),
        "HVA-130",
    )
    a = older_bundle_scan(MODULAR, gone=SECRETD)
    _attest_yes(a, gap_q, tmp_path, "HVA-130")
    assert (outcomes(a, "HVA-130"), messages(a, "HVA-130")) == (
        {"hv1": "fail"},
        {
            "hv1": "no access driver: every connected client may do everything on every VM "
            "(virtqemud.conf)"
        },
    )


def test_r35s7_unread_file_joins_the_socket_question(
    older_bundle_scan,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R35S-7 (false pass) HVA-132: on main the unread virtsecretd.conf was asked alone and
    "yes" passed virtqemud's socket, whose mode was never asked. Now one item asks both."""
    qemud_ok = 'auth_unix_rw = "polkit"\naccess_drivers = [ "polkit" ]\n'
    gap_q = _question(
        older_bundle_scan({**MODULAR, "/etc/libvirt/virtqemud.conf": qemud_ok}, gone=SECRETD),
        "HVA-132",
    )
    a = older_bundle_scan(MODULAR, gone=SECRETD)
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "manual"},
        {"hv1": f"{QEMUD_OPEN}; {SECRETD_GONE}"},
    )
    assert _question(a, "HVA-132").startswith(
        "Is there a local login account that cannot write to libvirt's read-write socket, and "
        "does this hold for this host: the libvirt read-write socket requires authorization? "
        "Evidence: "
    )
    _attest_yes(a, gap_q, tmp_path, "HVA-132")
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}


# --- R35S-8: HVA-035, the listening sockets unavailable before the -tcp unit --------------------

WEAK_TCP = (
    "TCP transport weaker than SSF 112 from the next start (libvirtd-tcp.socket enabled): "
    "libvirtd.conf: auth_tcp = 'none', no SASL encryption at all"
)


def test_r35s8_harness_each_condition_alone(host_scan) -> None:
    """Held: `ss` not installed alone asks; the enabled -tcp unit with auth_tcp = none fails."""
    a = host_scan({"listeners": None})
    assert (outcomes(a, "HVA-035"), messages(a, "HVA-035")) == (
        {"hv1": "manual"},
        {"hv1": "evidence unavailable: ss is not installed"},
    )
    a = host_scan(TCP_UNIT)
    assert (outcomes(a, "HVA-035"), messages(a, "HVA-035")) == ({"hv1": "fail"}, {"hv1": WEAK_TCP})


def test_r35s8_unread_sockets_do_not_hide_a_weak_tcp_unit(host_scan, tmp_path: Path) -> None:
    """R35S-8 (false pass) HVA-035: on main the listeners' question alone was asked and "yes"
    passed libvirtd-tcp.socket enabled with auth_tcp = none (no SASL layer at all)."""
    ss_q = _question(host_scan({"listeners": None}), "HVA-035")
    a = host_scan({"listeners": None, **TCP_UNIT})
    _attest_yes(a, ss_q, tmp_path, "HVA-035")
    assert (outcomes(a, "HVA-035"), messages(a, "HVA-035")) == ({"hv1": "fail"}, {"hv1": WEAK_TCP})


# --- R35S-9: HVA-010, the KVM modules unread before a missing /dev/kvm ---------------------------

#: /proc/modules unread and no vendor module's parameter directory: the modules unavailable.
NO_MODULES = {"/proc/modules": None, "/sys/module/kvm_intel/parameters/ept": None}
#: R41T-2: the harness lists kvm_intel, so the node is missing, not the module; and with the
#: modules unread, nothing shows the module absent.
NO_KVM = "CPU flag vmx present but /dev/kvm is missing (kvm_intel is loaded, but its device node is not there)"
NO_KVM_UNREAD = (
    "CPU flag vmx present but /dev/kvm is missing (whether a KVM module is loaded was not read: "
    "/proc/modules could not be read)"
)


def test_r35s9_harness_each_condition_alone(host_scan) -> None:
    """Held: the modules unavailable alone ask; /dev/kvm missing alone fails."""
    a = host_scan(NO_MODULES)
    assert (outcomes(a, "HVA-010"), messages(a, "HVA-010")) == (
        {"hv1": "manual"},
        {"hv1": "evidence unavailable: /proc/modules could not be read"},
    )
    a = host_scan({"dev-kvm": ("", 2), "/sys/module/kvm_intel/parameters/ept": None})
    assert (outcomes(a, "HVA-010"), messages(a, "HVA-010")) == ({"hv1": "fail"}, {"hv1": NO_KVM})


def test_r35s9_unread_modules_do_not_hide_a_missing_dev_kvm(host_scan, tmp_path: Path) -> None:
    """R35S-9 (false pass) HVA-010: on main the modules' question alone was asked ("the CPU
    offers VT-x/AMD-V and kvm_intel or kvm_amd drives /dev/kvm") and "yes" passed a host
    without /dev/kvm, which no module changes."""
    mods_q = _question(host_scan(NO_MODULES), "HVA-010")
    a = host_scan({"dev-kvm": ("", 2), **NO_MODULES})
    _attest_yes(a, mods_q, tmp_path, "HVA-010")
    assert (outcomes(a, "HVA-010"), messages(a, "HVA-010")) == (
        {"hv1": "fail"},
        {"hv1": NO_KVM_UNREAD},
    )


# --- R35S-10: HVA-180, an apt simulation that cannot see security updates before the kernel ----

#: Every security archive pinned below 100 (R14H-6): the simulation's "nothing pending" is blind.
PINNED = {
    "apt-policy": (
        _POLICY.replace(" 500 http://security.debian.org", " -1 http://security.debian.org"),
        0,
    )
}
#: A newer Proxmox VE kernel installed, the older one running (R23H-2).
NOT_BOOTED = {
    "/proc/sys/kernel/osrelease": "6.8.12-4-pve\n",
    "boot-kernels": ("/boot/vmlinuz-6.8.12-4-pve\n/boot/vmlinuz-6.8.12-10-pve\n", 0),
}
REBOOT = (
    "kernel 6.8.12-10-pve is installed but 6.8.12-4-pve runs (the update takes effect at the "
    "next reboot)"
)


def test_r35s10_harness_each_condition_alone(host_scan) -> None:
    """Held: the pinned security archive alone asks; the kernel not booted alone fails."""
    a = host_scan(PINNED)
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}
    assert messages(a, "HVA-180")["hv1"].startswith(
        "`apt-get -s dist-upgrade` names no security update, but every security archive is "
        "pinned below 100"
    )
    a = host_scan(NOT_BOOTED)
    assert (outcomes(a, "HVA-180"), messages(a, "HVA-180")) == ({"hv1": "fail"}, {"hv1": REBOOT})


def test_r35s10_blind_simulation_does_not_hide_the_kernel_not_booted(
    host_scan, tmp_path: Path
) -> None:
    """R35S-10 (false pass) HVA-180: on main the blind simulation's question alone was asked
    ("Does host hv1 receive its distribution's security updates, with none pending?") and
    "yes" passed a host running an older kernel than the one installed."""
    apt_q = _question(host_scan(PINNED), "HVA-180")
    a = host_scan({**PINNED, **NOT_BOOTED})
    _attest_yes(a, apt_q, tmp_path, "HVA-180")
    assert (outcomes(a, "HVA-180"), messages(a, "HVA-180")) == ({"hv1": "fail"}, {"hv1": REBOOT})
