"""Red-team round 44 probes: who administers the hypervisor (r44-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 25's accounts: alice an administrator, bob and
carol listed in staff; round 37's auth_unix_rw = none host with the socket 0660 root:libvirt
and every account in a group of its own), through the real collector, parser and engine; each
test asserts the exact status and message of HVA-132 or HVA-142.

Findings (R44A-n):
- R44A-1 (false pass) HVA-132, HVA-142: /etc/security/group.conf was read as if pam_group's
  buffer had no end. Linux-PAM modules/pam_group/pam_group.c read_field scans a buffer of
  PAM_GROUP_BUFLEN (1000) bytes starting where the field starts (shift_buf, then
  pam_modutil_read fills the rest) and ending at its first NUL byte; a scan that finds no
  ';' or newline there, outside a comment, logs "field too long - ignored", empties the
  field and sets STATE_COMMENT with `*from = 0`: the next read starts afresh after the
  buffer and skips the rest of the line as a comment, where a backslash before the newline
  continues nothing (the STATE_COMMENT test precedes the backslash case). check_account then
  skips the rule (a field of the first four: "malformed rule"; the groups field: mkgrplist
  of an empty field grants nothing). hvaudit kept such a field and joined its line's
  backslash-newline to the next line, so the rule on the next line (`*;*;*;Al0000-2400;
  libvirt`, pam_group's own rule) ended up in hvaudit's reading inside a "poorly
  terminated" one: with auth_unix_rw = none and the socket 0660 root:libvirt, HVA-132
  passed "mode 660 root libvirt" while every login gets libvirt; with `sshd;*;bob|carol;
  Al0000-2400;sudo` so hidden, HVA-142 passed 2 principals where bob and carol are 2 more.
  The same reading counted the grant of a groups field 1000 bytes long, counted in bytes
  (600 two-byte characters are 1200), of a rule whose users field is as long (a malformed rule),
  and of a field after a NUL byte: wrong fails (HVA-132 failed the socket, HVA-142 failed 4
  principals).
  Now parse.host._pam_group_fields runs read_field's buffer over the file's bytes (a new
  Got.data: `text` replaces what is not UTF-8, so a character count is not pam_group's).

- R44A-2 (false pass) HVA-132, HVA-142: pam_group's vendor group.conf was never read. Linux-PAM
  modules/pam_group/pam_group.c check_account (since 1.5.3, c11b0f5d): where stat of
  /etc/security/group.conf fails with ENOENT it reads VENDOR_PAM_GROUP_CONF,
  `%vendordir%/security/group.conf` (pam_group(8)); the vendordir is a build option:
  meson_options.txt's default /usr/share/pam (1.7.2), openSUSE's /usr/etc (openSUSE wiki
  "openSUSE:PAM configuration": /usr/etc/pam.d after /etc/pam.d and /usr/lib/pam.d). hvaudit
  collected /etc's file only and read its absence as no grant: with auth_unix_rw = none, the
  socket 0660 root:libvirt and `*;*;*;Al0000-2400;libvirt` in either vendor file, HVA-132
  passed "mode 660 root libvirt"; openSUSE's /usr/etc one granting sudo to bob and carol left
  HVA-142 at 2 principals; an unreadable vendor file was no question. Now the collector reads
  both vendor paths and, where /etc's file does not exist, parse.host._pam_group_confs takes
  each that does (which vendordir libpam was built with is not in the evidence), for both
  checks; the messages and the group.conf question name the file read
  (checks.management._group_conf). A bundle collected before keeps /etc's answer.
- R44A-3 (wording) HVA-132: the members question (R40A-5) read "Does the group of each libvirt
  socket named hold only administrators ..." where the group it asks about is a named POSIX
  ACL entry's (R41A-2: `group:virtdir:rw-` on the read-write socket 0660 root:libvirt,
  virtdir from sss), no socket's group; the message named the entry, the question did not
  (round 41's lead). Now it asks about "each group named (a libvirt socket's own group, or
  one a named entry of its POSIX ACL lets write)"; round 40's MEMBERS_Q and JOINT_Q follow
  (separate commit).
- R44A-4 (wording) HVA-132: a socket unit's next start was named by its SocketMode= alone
  (checks.management._next_start origin), so a drop-in SocketMode=0660 SocketGroup=users
  (every account's primary group, SUSE) failed "libvirtd.socket: SocketMode=0660 in ... (the
  socket's next start): group users (gid 100) holds every local login account ..." while the
  live socket's `stat` shows root:libvirt and no file named sets users (systemd.socket(5)
  SocketGroup=: the AF_UNIX socket is "owned by the specified user and group"); round 41's
  lead. Now a group-writable (not world-writable) next-start mode names its SocketGroup=,
  as SocketUser= without one already was (R23U-1); round 22's, 23's, 39's and 41's messages
  follow (separate commit).
- R44A-5 (wording) HVA-132: the same for the traditional mode's next start (no socket unit, no
  live socket): "unix_sock_rw_perms = 0770: group users (gid 100) holds every local login
  account ..." named the perms but not unix_sock_group = "users" that gives the socket its
  group (libvirtd.conf.in: "restricted to 'root' by default"). Now a group-writable (not
  world-writable) perms names its unix_sock_group; round 23's and 41's messages follow
  (separate commit).

Held (kept as tests): a field whose terminator is the buffer's last byte (999 bytes, then
';' or the newline: the groups and the users field) still grants; a groups field followed by
a comment longer than the buffer still grants (inside a comment read_field keeps the text
before '#'); a comment line or a line longer than the buffer leaves the rules around it
standing; a 990-byte field before a backslash-newline still joins the lines (no grant from
the second); a 960-byte groups field still grants sudo. R44A-2: a /etc/security/group.conf
that exists, however empty, is the file read, a vendor file's rules notwithstanding (HVA-132
passes, HVA-142 counts 2). R44A-4: SocketMode=0666 (any user connects whatever the group)
and 0600 (only the owner) name no SocketGroup=; R44A-5: unix_sock_rw_perms 0777 and 0700 name
no unix_sock_group.

Probed by script: the end-to-end run against a real libvirtd was not run: the change is to
group.conf's reading only, and the e2e host's /etc/security/group.conf (Debian's shipped
file) is all comments, its longest line far short of 1000 bytes, so both readings grant
nothing and the change cannot reach the e2e-* verdicts; nor can R44A-2 (that file exists, so
no vendor file is read, and this host has neither vendor path) or R44A-3 (a question's
wording: no verdict changes) or R44A-4 (a message's wording; this host's libvirt socket units
set no SocketGroup=), or R44A-5 (this host's libvirtd.conf sets no unix_sock_group, and
its running daemon's live socket is judged, not unix_sock_rw_perms).

Tally: 5 findings (2 false passes, R44A-1 with its wrong-fail shapes; 3 wording); 33 cases, 19
failed on main before the fixes (R44A-1: 10, 4 false passes and 6 wrong fails; R44A-2: 6;
R44A-3: 1; R44A-4: 1; R44A-5: 1), 14 held.

Leads left:
- A `%G` users field for a group that does not exist under `group: files` alone, and a
  local group with no members, still ask (round 42's lead).
- Wording: the admin socket's file perms (unix_sock_admin_perms) and a socket unit's
  SocketUser= beside SocketGroup= are not named either (unprobed).
- k3s/RKE2 under an OpenRC runlevel other than default; a default ACL on /run/libvirt.
- Other vendor fallbacks (R44A-2's class): openSUSE's glibc is said to read
  /usr/etc/nsswitch.conf where /etc has none (a distribution patch; no source found stored),
  which would decide _members_beyond_files; libpam's own VENDORDIR/pam.d stacks.
- Every question of HVA-132 asks whether "only administrators" can write, while its pass
  and fail name "every login account": the sources leave the criterion to the team.
"""

from __future__ import annotations

import pytest

from conftest import question_line
from test_redteam21_sock_probes import ETC as UNIT_ETC
from test_redteam21_sock_probes import UNITS, _cat
from test_redteam22_sock_probes import EVERYONE as SUSE_EVERYONE
from test_redteam22_sock_probes import SUSE_USERS
from test_redteam23_sock_probes import CONF
from test_redteam26_accounts_probes import BASE, FAIL4, PASS2, _142
from test_redteam36_accounts_probes import _getfacl
from test_redteam37_accounts_probes import ADMIN, AUTH_NONE, NO_USERS_GROUP, RW_PASS, SOCK, _132
from test_redteam38_accounts_probes import GROUP_CONF_Q
from test_redteam41_accounts_probes import DIRECTORY, SSS, _acl
from test_redteam43_accounts_probes import LIBVIRT, RW_EVERYONE, SUDO

ETC = "/etc/security/group.conf"
USR_SHARE = "/usr/share/pam/security/group.conf"
USR_ETC = "/usr/etc/security/group.conf"
LONG = "x" * 1000
"""A field of PAM_GROUP_BUFLEN bytes: its terminator lies past read_field's buffer."""


@pytest.fixture
def scan_132(host_scan):
    def scan(conf: str) -> tuple[str, str]:
        return _132(host_scan({**AUTH_NONE, **NO_USERS_GROUP, "/etc/security/group.conf": conf}))

    return scan


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (f"sshd;{LONG};*;Al0000-2400;audio\\\n{LIBVIRT}\n", RW_EVERYONE),
        (f"{LONG};*;*;Al0000-2400;audio\\\n{LIBVIRT}\n", RW_EVERYONE),
        (f"*;*;*;Al0000-2400;audio {LONG}\\\n{LIBVIRT}\n", RW_EVERYONE),
        (f"{LIBVIRT} {LONG}\n", RW_PASS),
        (f"*;*;*;Al0000-2400;audio\0\n{LIBVIRT}\n", RW_PASS),
        (f"{LIBVIRT} {'é' * 600}\n", RW_PASS),
        (f"{LIBVIRT}{' ' * 992}\n", RW_EVERYONE),
        (f"{LIBVIRT}{' ' * 993}\n", RW_PASS),
        (f"*;*;*{' ' * 998};Al0000-2400;libvirt\n", RW_EVERYONE),
        (f"*;*;*{' ' * 999};Al0000-2400;libvirt\n", RW_PASS),
        (f"{LIBVIRT} # {LONG}\n", RW_EVERYONE),
        (f"# {LONG}\n{LIBVIRT}\n", RW_EVERYONE),
        (f"sshd;{'x' * 990};*;Al0000-2400;audio\\\n{LIBVIRT}\n", RW_PASS),
    ],
    ids=[
        "tty-backslash",
        "service-backslash",
        "groups-backslash",
        "groups-long",
        "nul",
        "multibyte",
        "held-groups-999",
        "groups-1000",
        "held-users-999",
        "users-1000",
        "held-long-comment",
        "held-comment-line",
        "held-990-joins",
    ],
)
def test_pam_group_buffer_132(scan_132, conf: str, expected: tuple[str, str]) -> None:
    """R44A-1 (false pass) HVA-132: a field whose terminator lies 1000 bytes or more past its
    start is emptied and the rest of its line skipped (pam_group.c read_field, "field too long
    - ignored"), its backslash-newline included, so the next line's rule gives libvirt to
    every login; the first three passed the socket before the fix, groups-long, nul,
    multibyte and groups-1000 failed it (wrong fail)."""
    assert scan_132(conf) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (f"sshd;{LONG};*;Al0000-2400;audio\\\n{SUDO}\n", FAIL4),
        (f"{SUDO} {LONG}\n", PASS2),
        (f"{SUDO}\n{LONG}\n", FAIL4),
        (f"sshd;*;bob|carol;Al0000-2400;{'x' * 960} sudo\n", FAIL4),
        (f"{SUDO} #{LONG}\n", FAIL4),
    ],
    ids=["tty-backslash", "groups-long", "held-long-line-after", "held-960", "held-comment"],
)
def test_pam_group_buffer_142(host_scan, conf: str, expected: tuple[str, str]) -> None:
    """R44A-1 (false pass) HVA-142: `sshd;*;bob|carol;Al0000-2400;sudo` after a rule whose tty
    field overruns the buffer and whose line ends in a backslash is pam_group's rule of its
    own: bob and carol get sudo (passed 2 principals before the fix); a groups field 1000
    bytes long grants nothing (failed 4 before)."""
    assert _142(host_scan({**BASE, "/etc/security/group.conf": conf})) == expected


# --- R44A-2: pam_group's vendor group.conf where /etc/security/group.conf does not exist


def _vendor_everyone(conf: str) -> tuple[str, str]:
    return (
        "fail",
        f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: group libvirt "
        f"(gid 108) is granted to every user at login by {conf} (pam_group): any local user "
        "controls every VM",
    )


@pytest.fixture
def scan_vendor_132(host_scan):
    def scan(files: dict[str, str]) -> tuple[str, str]:
        return _132(host_scan({**AUTH_NONE, **NO_USERS_GROUP, **files}))

    return scan


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({USR_SHARE: f"{LIBVIRT}\n"}, _vendor_everyone(USR_SHARE)),
        ({USR_ETC: f"{LIBVIRT}\n"}, _vendor_everyone(USR_ETC)),
        (
            {USR_SHARE: f"{LIBVIRT}\n", USR_ETC: "# none\n"},
            _vendor_everyone(f"{USR_SHARE} and {USR_ETC}"),
        ),
        ({USR_SHARE: f"{LIBVIRT}\n", ETC: "# none\n"}, RW_PASS),
        (
            {USR_ETC: PermissionError("Permission denied")},
            (
                "manual",
                f"{SOCK} is mode 660 root libvirt: host/files{USR_ETC}: Permission denied: "
                f"whether pam_group grants group libvirt at login to every user is unknown; "
                f"{RW_PASS[1]}",
            ),
        ),
    ],
    ids=["usr-share-pam", "usr-etc", "both", "held-etc-exists", "vendor-unreadable"],
)
def test_pam_group_vendor_conf_132(scan_vendor_132, files, expected) -> None:
    """R44A-2 (false pass) HVA-132: with no /etc/security/group.conf, pam_group reads
    VENDOR_PAM_GROUP_CONF (Linux-PAM pam_group.c check_account): its `*;*;*;Al0000-2400;libvirt`
    gives libvirt to every login, yet the socket 0660 root:libvirt passed (the file was never
    collected); a /etc/security/group.conf that exists, however empty, is the one read."""
    assert scan_vendor_132(files) == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({USR_ETC: f"{SUDO}\n"}, FAIL4),
        ({USR_ETC: f"{SUDO}\n", ETC: ""}, PASS2),
    ],
    ids=["usr-etc", "held-etc-exists"],
)
def test_pam_group_vendor_conf_142(host_scan, files, expected) -> None:
    """R44A-2 (false pass) HVA-142: openSUSE's /usr/etc/security/group.conf granting sudo to bob
    and carol where /etc has none: 4 principals, passed 2 before the fix."""
    assert _142(host_scan({**BASE, **files})) == expected


def test_pam_group_vendor_conf_question(host_scan) -> None:
    """R44A-2 (wording) HVA-132: the unread vendor file is the one the question names."""
    a = host_scan({**AUTH_NONE, **NO_USERS_GROUP, USR_ETC: PermissionError("Permission denied")})
    assert question_line(a, "HVA-132", "hv1") == GROUP_CONF_Q.replace(ETC, USR_ETC)


# --- R44A-3: the members question names an ACL entry's group as one


def test_acl_group_members_question(host_scan) -> None:
    """R44A-3 (wording) HVA-132: R41A-2's shape, the read-write socket 0660 root:libvirt whose
    ACL lets the directory group virtdir write: the question asked whether "the group of each
    libvirt socket named" holds only administrators, though virtdir is no socket's group but
    an ACL entry's; it now names both kinds."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            **SSS,
            "libvirt-sockets": (f"660 root libvirt {SOCK}\n600 root root {ADMIN}\n", 1),
            "admin-paths-acl": _getfacl((SOCK, _acl("virtdir"))),
        }
    )
    assert _132(a) == (
        "manual",
        f"{SOCK} is mode 660 root libvirt, its ACL lets group virtdir write: group virtdir, "
        f"{DIRECTORY}; {RW_PASS[1]}",
    )
    assert question_line(a, "HVA-132", "hv1") == (
        "question = \"Does each group named (a libvirt socket's own group, or one a named entry "
        "of its POSIX ACL lets write) leave out a login account, with the members nsswitch's "
        "other group sources (sss, ldap, winbind ...) give it? Evidence: `getent group NAME` "
        "and the accounts whose primary group it is (`getent passwd`). Pass: yes, not every "
        'login account is a member; fail: every login account is a member."\n'
    )


# --- R44A-4: a next-start socket's message names the SocketGroup= its verdict turns on

UNIT_DROPIN = f"{UNIT_ETC}/libvirtd.socket.d/g.conf"
NEXT = f"libvirtd.socket: SocketMode={{}} in {UNIT_DROPIN} (the socket's next start)"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "0660",
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {NEXT.format('0660')}, SocketGroup=users: "
                f"{SUSE_EVERYONE}: any local user controls every VM",
            ),
        ),
        (
            "0666",
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {NEXT.format('0666')}: any local user "
                "controls every VM",
            ),
        ),
        (
            "0600",
            (
                "pass",
                f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt, "
                f"{NEXT.format('0600')}",
            ),
        ),
    ],
    ids=["group-writable", "held-world-writable", "held-owner-only"],
)
def test_next_start_socket_group_named(host_scan, mode: str, expected) -> None:
    """R44A-4 (wording) HVA-132: a drop-in SocketMode=0660 SocketGroup=users (every account's
    primary group, SUSE) with the live socket 0660 root:libvirt failed naming "group users"
    and the drop-in's SocketMode= but not the SocketGroup= that gives the socket that group
    (systemd.socket(5) SocketGroup=); the live socket's `stat` shows libvirt. Where the mode
    lets everyone or only the owner in, the group decides nothing and is not named."""
    a = host_scan(
        {
            **AUTH_NONE,
            **SUSE_USERS,
            UNITS: _cat(
                {"libvirtd.socket": [(UNIT_DROPIN, f"SocketMode={mode}\nSocketGroup=users")]}
            ),
        }
    )
    assert _132(a) == expected


# --- R44A-5: the file perms' next start names the unix_sock_group its verdict turns on


@pytest.mark.parametrize(
    ("perms", "expected"),
    [
        (
            "0770",
            (
                "fail",
                "libvirtd.conf: auth_unix_rw = none, unix_sock_rw_perms = 0770, unix_sock_group "
                f"= users: {SUSE_EVERYONE}: any local user controls every VM",
            ),
        ),
        (
            "0777",
            (
                "fail",
                "libvirtd.conf: auth_unix_rw = none, unix_sock_rw_perms = 0777: any local user "
                "controls every VM",
            ),
        ),
        ("0700", ("pass", "libvirtd.conf: auth_unix_rw = none, unix_sock_rw_perms = 0700")),
    ],
    ids=["group-writable", "held-world-writable", "held-owner-only"],
)
def test_conf_socket_group_named(host_scan, perms: str, expected) -> None:
    """R44A-5 (wording) HVA-132: no socket unit and no live socket (the daemon stopped),
    auth_unix_rw = none, unix_sock_rw_perms = "0770" and unix_sock_group = "users" (every
    account's primary group, SUSE): the fail named the perms but not the unix_sock_group
    that gives the socket its group (libvirtd.conf.in "restricted to 'root' by default");
    where the perms let everyone or only root in, the group decides nothing and is not named."""
    conf = AUTH_NONE[CONF].replace('unix_sock_group = "libvirt"', 'unix_sock_group = "users"')
    a = host_scan(
        {
            CONF: conf + f'unix_sock_rw_perms = "{perms}"\n',
            **SUSE_USERS,
            "libvirt-sockets": ("", 1, "stat: cannot statx: No such file or directory\n"),
            "libvirt-socket-units": ("", 0),
            UNITS: ("", 1, "No files found\n"),
        }
    )
    assert _132(a) == expected
