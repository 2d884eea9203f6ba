"""Leads of the tenth host red team (tests/test_redteam10_host_probes.py), taken up by hostleads.

Same harness: conftest's hardened Debian host replayed through the real collector, parser and
engine, changed only where a test says so; each test asserts the exact status and message.

- HL10-1 (false pass) HVA-180 passed "no pending security update (as of the package lists on
  the host)" without reading how old those lists were: `apt-get -s` fetches nothing, so lists
  last fetched months ago name no update published since. The stored Releases' Date,
  Valid-Until, Suite, Codename and Label are now collected (`grep -r` of /var/lib/apt/lists);
  the security archive's newest Release older than 7 days (Debian signs it valid for 7 days)
  or past its Valid-Until makes the empty simulation a question, and so does a bundle without
  that evidence.
- HL10-2 (false pass) HVA-140 and HVA-141 looked for a nsswitch module "systemd-homed",
  which does not exist: homed's users and the static drop-in JSON records come through the
  `systemd` module (nss-systemd(8)), which was read as local files only. The drop-in records
  (`find` of /etc/userdb, /run/userdb, /run/host/userdb, /usr/lib/userdb) and homed's process
  now decide: any found, or unread, a question; none, the local verdict stands.
- HL10-4 (other: a setting not read) HVA-151 asked about pam_duo's failmode every time:
  /etc/duo/pam_duo.conf is now collected (skey blanked): failmode safe, set or by default,
  fails (pam_duo(8): "allow access" when Duo cannot be reached); secure with no groups passes;
  groups, conf= or unread keep the question.
- HL10-3 (false pass) HVA-001 passed hosts carrying a Wayland compositor or a server that
  shares a desktop session (sway, wayvnc, gnome-remote-desktop, krfb ...): the package list
  knew Xorg-era names only. Added; each name confirmed with `apt-cache show` (Debian 12).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import APT_LISTS_RELEASE, HARDENED_HOST, messages, outcomes
from hvaudit.redact import redact_artefact

PACKAGES = HARDENED_HOST["dpkg-packages"][0]


@pytest.mark.parametrize(
    "name",
    ["sway", "wayvnc", "gnome-remote-desktop", "krfb", "tigervnc-scraping-server", "cage"],
)
def test_wayland_compositor_or_remote_desktop_fails(host_scan, name: str) -> None:
    """HL10-3. Debian 12's `apt-cache show`: sway "i3-compatible Wayland compositor", wayvnc
    "VNC server for wlroots-based Wayland compositors", gnome-remote-desktop "Remote desktop
    daemon for GNOME using PipeWire", krfb "Desktop Sharing utility" (KDE's VNC server),
    tigervnc-scraping-server "Virtual network computing server performing X screen scraping",
    cage "Kiosk compositor for Wayland". A display stack and a remote door into it on the
    hypervisor host: fail naming it (the old list passed "no desktop or display server")."""
    a = host_scan({"dpkg-packages": (PACKAGES + f"{name}\t1.0-1\tii \n", 0)})
    assert outcomes(a, "HVA-001") == {"hv1": "fail"}, messages(a, "HVA-001")
    assert messages(a, "HVA-001")["hv1"] == f"desktop/display packages installed: {name}"


# --- HVA-180: the age of apt's package lists (HL10-1) ---------------------------------------------

SEC = "/var/lib/apt/lists/security.debian.org_debian-security_dists_bookworm-security_InRelease"


def _security_release(date: datetime, until: datetime) -> str:
    """The stored security Release as the collector's grep prints it (Debian's own fields)."""
    return (
        f"{SEC}:Label: Debian-Security\n{SEC}:Suite: stable-security\n"
        f"{SEC}:Codename: bookworm-security\n"
        f"{SEC}:Date: {date:%a, %d %b %Y %H:%M:%S} UTC\n"
        f"{SEC}:Valid-Until: {until:%a, %d %b %Y %H:%M:%S} UTC\n"
    )


QUESTION = (
    "Are the package lists on host hv1 current, with no security update pending? Evidence: "
    "`apt-get update && apt-get -s dist-upgrade` run on hv1 now (or the Date: of the security "
    "archive's InRelease in /var/lib/apt/lists and the time of the last successful `apt-get "
    "update`). Pass: the lists were fetched within 7 days and the simulation names no security "
    "update; fail: it names one, or the lists cannot be fetched."
)


def _question(a) -> str:
    return next(r.outcome.question for r in a.results if r.check.id == "HVA-180")


def test_stale_package_lists_are_asked(host_scan) -> None:
    """HL10-1. The security archive's stored Release was signed 40 days before the collection
    (Valid-Until 33 days ago): `apt-get update` has not run since, and `apt-get -s` reads only
    what it stored, so a QEMU or kernel DSA of the last 40 days is not pending to it. The old
    code passed; right: the question, naming the date."""
    date = datetime.now(UTC) - timedelta(days=40, hours=2)
    lists = _security_release(date, date + timedelta(days=7))
    a = host_scan({"apt-lists-release": (lists, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "`apt-get -s dist-upgrade` names no security update in the package lists on the host, "
        f"but the newest Release of its security archive in the lists is dated {date:%Y-%m-%d}, "
        "40 day(s) before the collection: `apt-get update` has not fetched them since"
    )
    assert _question(a) == QUESTION


def test_expired_release_within_seven_days_is_asked(host_scan) -> None:
    """HL10-1: a Release signed 3 days ago whose own Valid-Until passed yesterday (an archive
    that declares a shorter validity): the archive itself calls the lists out of date."""
    date = datetime.now(UTC) - timedelta(days=3, hours=2)
    lists = _security_release(date, date + timedelta(days=2))
    a = host_scan({"apt-lists-release": (lists, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"].endswith(
        f"is dated {date:%Y-%m-%d}, 3 day(s) before the collection: `apt-get update` has not "
        "fetched them since"
    )


def test_package_lists_age_unread_is_asked(host_scan) -> None:
    """HL10-1: the lists' Releases not read (grep missing here; an older collector's bundle has
    no artefact at all): the age is unknown, and an empty simulation over lists of unknown age
    is no pass (the old code passed)."""
    a = host_scan({"apt-lists-release": None})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "`apt-get -s dist-upgrade` names no security update in the package lists on the host, "
        "but the age of the package lists is unknown (/var/lib/apt/lists: command not found)"
    )
    assert _question(a) == QUESTION


def test_fresh_package_lists_pass_and_pending_update_fails(host_scan) -> None:
    """Twins of HL10-1: the hardened host's lists, the security Release signed a day before
    the collection, pass with the age in the evidence; a pending security update fails
    whatever the lists' age (the simulation proves it pending)."""
    assert "Debian-Security" in APT_LISTS_RELEASE
    a = host_scan()
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "no pending security update (as of the package lists on the host)"
    )
    evidence = next(r.outcome.evidence for r in a.results if r.check.id == "HVA-180")
    assert any(
        e.artefact == "host/commands/apt-lists-release.txt"
        and e.locator.endswith("(1 day(s) before the collection)")
        for e in evidence
    ), evidence
    date = datetime.now(UTC) - timedelta(days=40)
    pending = (
        "Inst libssl3 [3.0.11-1~deb12u1] (3.0.14-1~deb12u2 Debian-Security:12/stable-security "
        "[amd64])\n",
        0,
    )
    a = host_scan(
        {
            "apt-upgrade-simulation": pending,
            "apt-lists-release": (_security_release(date, date + timedelta(days=7)), 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == "1 pending security update(s): libssl3"


# --- HVA-140/141: nss-systemd's userdb accounts (HL10-2) -----------------------------------------

SYSTEMD_NSS = "passwd:         files systemd\ngroup:          files systemd\nhosts: files dns\n"
NO_DROPINS = (
    "",
    1,
    "find: '/etc/userdb': No such file or directory\nfind: '/run/userdb': No such file or "
    "directory\nfind: '/run/host/userdb': No such file or directory\nfind: '/usr/lib/userdb': "
    "No such file or directory\n",
)


def test_userdb_drop_in_record_is_asked(host_scan) -> None:
    """HL10-2. nss-systemd(8): with "systemd" on the passwd line the module "makes user and
    group accounts available to the system that are defined in static drop-in files in the
    /etc/userdb/, /run/userdb/, /run/host/userdb/ and /usr/lib/userdb/ directories" (NAME.user
    JSON records). /etc/userdb/ops.user is an account /etc/passwd does not show, with any uid
    and shell its record states. The old code looked for a module "systemd-homed" (none has
    that name) and passed both checks on /etc/passwd; right: the questions."""
    a = host_scan(
        {
            "/etc/nsswitch.conf": SYSTEMD_NSS,
            "userdb-records": ("/etc/userdb/ops.user\n", 1, NO_DROPINS[2].split("\n", 1)[1]),
        }
    )
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140")["hv1"] == (
        "2 account(s) with a login shell (limit 3): root, alice; nsswitch passwd also resolves "
        "accounts through systemd (userdb): it provides ops"
    )
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == (
        "root is the only uid-0 account in /etc/passwd; nsswitch passwd also resolves accounts "
        "through systemd (userdb): it provides ops"
    )
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-141")
    assert q == (
        "Is root the only account with uid 0 on host hv1, userdb accounts included? Evidence: "
        "`userdbctl user --output=classic` on host hv1 (the third field is the uid). Pass: only "
        "root; fail: any other account has uid 0."
    )


def test_systemd_homed_running_is_asked(host_scan) -> None:
    """HL10-2: systemd-homed runs (its users resolve through nss-systemd, nss-systemd(8):
    "systemd-homed.service(8)"), no drop-in: HVA-140 asks."""
    ps = HARDENED_HOST["processes"][0] + "  300 root     /usr/lib/systemd/systemd-homed\n"
    a = host_scan(
        {"/etc/nsswitch.conf": SYSTEMD_NSS, "userdb-records": NO_DROPINS, "processes": (ps, 0)}
    )
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140")["hv1"].endswith(
        "through systemd (userdb): it provides systemd-homed"
    )


def test_userdb_unread_is_asked_and_none_passes(host_scan) -> None:
    """HL10-2: the drop-in directories not read (an older bundle: not collected) leave the
    userdb accounts unknown: a question; read and empty with homed not running (Fedora's and
    Debian's usual `files systemd`), the local verdicts stand: pass."""
    a = host_scan({"/etc/nsswitch.conf": SYSTEMD_NSS, "userdb-records": None})
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == (
        "root is the only uid-0 account in /etc/passwd; nsswitch passwd also resolves accounts "
        "through systemd (userdb): nsswitch passwd lists systemd, whose drop-in user records "
        "(/etc/userdb, /run/userdb, /run/host/userdb, /usr/lib/userdb) were not read: command "
        "not found"
    )
    a = host_scan({"/etc/nsswitch.conf": SYSTEMD_NSS, "userdb-records": NO_DROPINS})
    assert outcomes(a, "HVA-140") == {"hv1": "pass"}, messages(a, "HVA-140")
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == "root is the only uid-0 account"


# --- HVA-151: pam_duo's failmode (HL10-4) ----------------------------------------------------------

SSHD_KBD_ONLY = HARDENED_HOST["sshd-effective"][0].replace(
    "authenticationmethods publickey,keyboard-interactive",
    "authenticationmethods keyboard-interactive",
)
DUO_STACK = {
    "sshd-effective": (SSHD_KBD_ONLY, 0),
    "/etc/pam.d/sshd": "@include common-auth\nauth required pam_duo.so\n",
}
SKEY = "4MjRsecretQ2NmRiM2Q1Y"


def test_duo_failmode_safe_fails(host_scan, tmp_path) -> None:
    """HL10-4. pam_duo(8): failmode "On service or configuration errors that prevent Duo
    authentication, fail 'safe' (allow access) or 'secure' (deny access). Default is 'safe'".
    A password plus pam_duo with failmode safe (here by default) logs in on the password alone
    whenever the host cannot reach Duo: no second factor is required. The old code asked; the
    file is now read: fail. The secret key never reaches the bundle."""
    conf = f"[duo]\nhost = api-x.duosecurity.com\nikey = DIXXXX\nskey = {SKEY}\n"
    a = host_scan({**DUO_STACK, "/etc/duo/pam_duo.conf": conf})
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151")["hv1"] == (
        "SSH logins need a single factor: the second factor rests on pam_duo, whose "
        "/etc/duo/pam_duo.conf says failmode safe (set, or its default): when Duo cannot be reached pam_duo allows access without the "
        "second factor (pam_duo(8))"
    )
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert SKEY.encode() not in f.read_bytes(), f
    stored = redact_artefact("host/files/etc/duo/pam_duo.conf", conf.encode())
    assert stored == conf.replace(SKEY, "***REDACTED***").encode()


def test_duo_failmode_secure_passes_and_groups_asks(host_scan) -> None:
    """Twins of HL10-4: failmode secure (deny access when Duo cannot be reached) with no groups
    filter: Duo is a second factor for every user, pass; with groups= (Duo "required only for
    users whose primary group or supplementary group list matches") who is exempt is not in
    the evidence: the question stays."""
    conf = "[duo]\nhost = api-x.duosecurity.com\nikey = DIXXXX\nskey = x\nfailmode = secure\n"
    a = host_scan({**DUO_STACK, "/etc/duo/pam_duo.conf": conf})
    assert outcomes(a, "HVA-151") == {"hv1": "pass"}, messages(a, "HVA-151")
    a = host_scan({**DUO_STACK, "/etc/duo/pam_duo.conf": conf + "groups = sshadmins\n"})
    assert outcomes(a, "HVA-151") == {"hv1": "manual"}, messages(a, "HVA-151")
