"""Red-team round 41 probes: who administers the hypervisor (r41-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host; round 22's SUSE accounts alice, bob and carol, whose primary
gid is 100; round 37's accounts each in a group of their own), through the real collector,
parser and engine; each test asserts the exact status and message of the check it probes.

Findings (R41A-n):
- R41A-1 (false pass) HVA-132: a group-writable socket whose gid names no group was weighed as
  a group without members. coreutils stat.c print_stat prints %G as `gw_ent ? gw_ent->gr_name
  : "UNKNOWN"` (getgrgid found no group of the gid through any source), and the collector reads
  `%a %U %G`, not the gid (%g): the group's members are the accounts whose primary gid it is,
  and which gid that is is not in the evidence. With auth_unix_rw = none, nsswitch's group line
  `files` and the read-write socket 0660 root:UNKNOWN (or virtlogd's under polkit) on a host
  where every login account's primary gid 100 has no /etc/group entry, HVA-132 passed "mode 660
  root UNKNOWN" (HVA-142 already asks: R25A-7); with `files sss` it asked, but as "group
  UNKNOWN, a group /etc/group does not hold that nsswitch's group line may find through sss"
  (getgrgid had already found none there). A socket group given as a gid no /etc/group entry
  names (a unit's SocketGroup=2000, libvirt's `+N`) was left unasked (R40A-5's lead) though
  nsswitch's group line asks sss, through which getgrgid may find a directory group of that
  gid whose members are unread. Now the first is a question naming `stat -c %g` and the second
  R40A-5's question (checks.management._members_unread, _unread_members).
- R41A-2 (false pass) HVA-132: a group a named POSIX ACL entry lets write to a socket was
  weighed by /etc/group alone (_acl_everyone, R37A-1), as R40A-5's socket group was. getfacl
  names the group getgrgid finds through every source of nsswitch's group line (acl,
  libacl/__acl_to_any_text.c acl_entry_to_any_str, group_name), so a name /etc/group does not
  hold is a directory group, whose members are not in the evidence. With auth_unix_rw = none,
  the read-write socket 0660 root:libvirt and `group:virtdir:rw-` (virtdir from sss), or
  virtlogd's socket 0600 root:root with that entry under polkit, HVA-132 passed. Now such an
  entry is R40A-5's question, naming the socket and the entry
  (checks.management._acl_members_unread).

Held (kept as tests): SocketGroup=2000 (no group of that gid) with nsswitch's group line
`files` alone: its members are the accounts whose primary gid is 2000, none here: the pass
stands. An ACL entry getfacl prints as a number (getgrgid found no group of that gid through
any source, libacl group_name NULL), under `files` or `files sss`, and a local ACL group
without a merge action keep the pass. HVA-142 already counts R41A-2's directory ACL group as
"%virtdir (members not read)" (R36A-5, HL14-6). R41A-1's class reaches the admin socket 0660
root:UNKNOWN under polkit, and libvirtd.conf's unix_sock_group = "+2000" (traditional mode, no
socket: virGetGroupID takes "+N" as a gid, R23U-1) under `files sss` (asked) and `files`
(passed).

Probed by script: the end-to-end run against a real libvirtd was not run: this host's libvirt
sockets are root:root (stat names the group), no socket unit sets SocketGroup=, nsswitch's
group line is `files systemd` and getfacl is not installed (no ACL is read), so neither change can reach
the e2e-* verdicts.

Tally: 2 findings (2 false passes); 15 cases, 7 failed on main before the fixes (R41A-1: 5;
R41A-2: 2), 8 held.

Leads left:
- pam_group drops the last field of a group.conf without a final newline (round 40's lead).
- The members question still reads "the group of each libvirt socket" for an ACL entry's
  group (wording; the message names the entry).
- HVA-142's %group users field of group.conf; OpenRC k3s.<runlevel>, RKE2 under OpenRC; a
  default ACL on /run/libvirt (round 40's leads, unprobed this round).
"""

from __future__ import annotations

import pytest

from conftest import question_line
from test_redteam21_sock_probes import AUTH_NONE, ETC, UNITS, _cat
from test_redteam22_sock_probes import SUSE_USERS
from test_redteam23_sock_probes import CONF
from test_redteam26_accounts_probes import _142
from test_redteam36_accounts_probes import _getfacl
from test_redteam37_accounts_probes import ADMIN, LOGD, NO_USERS_GROUP, SOCK, _132
from test_redteam40_accounts_probes import MEMBERS_Q

#: every login account's primary gid 100 has no /etc/group entry
NO_GROUP_100 = {
    "/etc/passwd": SUSE_USERS["/etc/passwd"],
    "/etc/group": SUSE_USERS["/etc/group"].replace("users:x:100:\n", ""),
}
FILES = {"/etc/nsswitch.conf": "passwd: files\ngroup: files\n"}
SSS = {"/etc/nsswitch.conf": "passwd: files\ngroup: files sss\n"}
UNNAMED = (
    "its gid names no group (stat prints UNKNOWN), and the gid (`stat -c %g`) and the accounts "
    "whose primary group it is are not in the evidence"
)
RW_UNNAMED = f"{SOCK} is mode 660 root UNKNOWN"
DROPIN = f"{ETC}/libvirtd.socket.d/o.conf"
GID_2000 = (
    f"libvirtd.socket: SocketMode=0660 in {DROPIN} (the socket's next start), SocketGroup=2000"
)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {
                **AUTH_NONE,
                **FILES,
                "libvirt-sockets": (f"660 root UNKNOWN {SOCK}\n600 root root {ADMIN}\n", 1),
            },
            f"{RW_UNNAMED}: {UNNAMED}; libvirtd.conf: auth_unix_rw = none, {RW_UNNAMED}",
        ),
        (
            {
                **AUTH_NONE,
                **SSS,
                "libvirt-sockets": (f"660 root UNKNOWN {SOCK}\n600 root root {ADMIN}\n", 1),
            },
            f"{RW_UNNAMED}: {UNNAMED}; libvirtd.conf: auth_unix_rw = none, {RW_UNNAMED}",
        ),
        (
            {
                **FILES,
                "libvirt-sockets": (
                    f"600 root root {SOCK}\n600 root root {ADMIN}\n660 root UNKNOWN {LOGD}\n",
                    1,
                ),
            },
            f"{LOGD} is mode 660 root UNKNOWN: {UNNAMED}; libvirtd.conf: auth_unix_rw = polkit",
        ),
    ],
    ids=["rw-files", "rw-sss-wording", "virtlogd-files"],
)
def test_socket_gid_without_name(host_scan, over: dict, expected: str) -> None:
    """R41A-1 (false pass) HVA-132: stat prints UNKNOWN for a gid no group names (coreutils
    stat.c print_stat %G); its members are the accounts whose primary gid it is, and the gid is
    not in the evidence: every login account (primary gid 100, unnamed) may be one. Passed
    "mode 660 root UNKNOWN" under `group: files`; under `files sss` asked as a directory
    group getgrgid had already not found."""
    a = host_scan({**NO_GROUP_100, **over})
    assert _132(a) == ("manual", expected)
    assert question_line(a, "HVA-132", "hv1") == MEMBERS_Q


def _gid_2000(nsswitch: dict) -> dict:
    return {
        **AUTH_NONE,
        **NO_USERS_GROUP,
        **nsswitch,
        UNITS: _cat({"libvirtd.socket": [(DROPIN, "SocketMode=0660\nSocketGroup=2000")]}),
    }


@pytest.mark.parametrize(
    "nsswitch",
    [SSS, {"/etc/nsswitch.conf": "passwd: files\ngroup: files ldap\n"}],
    ids=["sss", "ldap"],
)
def test_socket_group_gid_from_directory(host_scan, nsswitch: dict) -> None:
    """R41A-1 (false pass) HVA-132: SocketGroup=2000 (systemd get_group_creds takes a number as
    a gid) that no /etc/group entry names, with nsswitch's group line asking a directory:
    getgrgid may find a group of that gid there, whose members are not in the evidence (R40A-5
    asks for a name only). Passed "SocketMode=0660 in ... (the socket's next start)"."""
    source = nsswitch["/etc/nsswitch.conf"].split()[-1]
    a = host_scan(_gid_2000(nsswitch))
    assert _132(a) == (
        "manual",
        f"{GID_2000}: gid 2000, a group /etc/group does not hold that nsswitch's group line may "
        f"find through {source}, whose members are not in the evidence; libvirtd.conf: "
        f"auth_unix_rw = none, {SOCK} is mode 660 root libvirt, {GID_2000}",
    )
    assert question_line(a, "HVA-132", "hv1") == MEMBERS_Q


def test_socket_group_gid_files_only_held(host_scan) -> None:
    """Held (R41A-1): SocketGroup=2000 with nsswitch's group line `files` alone: no group of
    that gid exists, its members are the accounts whose primary gid it is (none): pass."""
    a = host_scan(_gid_2000(FILES))
    assert _132(a) == (
        "pass",
        f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt, {GID_2000}",
    )


# --- R41A-2: a named ACL entry's group, with members beyond /etc/group


def _acl(group: str) -> str:
    return f"user::rw-\ngroup::rw-\ngroup:{group}:rw-\nmask::rw-\nother::---\n"


RW_OK = f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt"
DIRECTORY = (
    "a group /etc/group does not hold that nsswitch's group line may find through sss, whose "
    "members are not in the evidence"
)


def test_rw_socket_acl_group_from_directory(host_scan) -> None:
    """R41A-2 (false pass) HVA-132: auth_unix_rw = none, the read-write socket 0660
    root:libvirt and `setfacl -m g:virtdir:rw` where /etc/group holds no virtdir and
    nsswitch's group line asks sss: getfacl names the group getgrgid found there (libacl
    __acl_to_any_text.c group_name), whose members are not in the evidence; _acl_everyone
    weighed /etc/group's members only and passed "mode 660 root libvirt"."""
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
        f"{DIRECTORY}; {RW_OK}",
    )
    assert question_line(a, "HVA-132", "hv1") == MEMBERS_Q


def test_virtlogd_acl_group_from_directory(host_scan) -> None:
    """R41A-2 (false pass) HVA-132: under the default auth_unix_rw = polkit, virtlogd's socket
    0600 root:root with `setfacl -m g:virtdir:rw`, virtdir a directory group (sss): whether
    every login account may open files through virtlogd is not in the evidence; passed."""
    a = host_scan(
        {
            **NO_USERS_GROUP,
            **SSS,
            "libvirt-sockets": (
                f"600 root root {SOCK}\n600 root root {ADMIN}\n600 root root {LOGD}\n",
                1,
            ),
            "admin-paths-acl": _getfacl((LOGD, _acl("virtdir"))),
        }
    )
    assert _132(a) == (
        "manual",
        f"{LOGD} is mode 600 root root, its ACL lets group virtdir write: group virtdir, "
        f"{DIRECTORY}; libvirtd.conf: auth_unix_rw = polkit",
    )


@pytest.mark.parametrize(
    ("group", "nsswitch"),
    [("2000", FILES), ("2000", SSS), ("libvirt", SSS)],
    ids=["held-gid-files", "held-gid-sss", "held-local-no-merge"],
)
def test_rw_socket_acl_group_held(host_scan, group: str, nsswitch: dict) -> None:
    """Held (R41A-2): an ACL entry getfacl prints as a gid (getgrgid found no group of it
    through any source, sss included: libacl group_name NULL), whose members are the accounts
    whose primary gid it is (none here), and a local group without a merge action (/etc/group's
    entry is getgrnam's answer): the pass stands."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            **nsswitch,
            "libvirt-sockets": (f"660 root libvirt {SOCK}\n600 root root {ADMIN}\n", 1),
            "admin-paths-acl": _getfacl((SOCK, _acl(group))),
        }
    )
    assert _132(a) == ("pass", RW_OK)


def test_acl_group_from_directory_142_held(host_scan) -> None:
    """Held (R41A-2's shape, HVA-142): the read-write socket's ACL entry for virtdir, a group
    /etc/group does not hold under `group: files sss`, is counted as a principal whose members
    are not read (R36A-5 reads the ACL's groups; HL14-6 marks a directory group)."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            **SSS,
            "libvirt-sockets": (f"660 root libvirt {SOCK}\n600 root root {ADMIN}\n", 1),
            "admin-paths-acl": _getfacl((SOCK, _acl("virtdir"))),
        }
    )
    assert _142(a) == (
        "manual",
        "3 administrative principal(s) (limit 3): %virtdir (members not read), alice, root; the "
        "members of %virtdir are not in the evidence",
    )


def test_admin_socket_gid_without_name_held(host_scan) -> None:
    """Held (R41A-1's class): the admin socket 0660 root:UNKNOWN under polkit is asked as the
    read-write socket is (the same _members_unread)."""
    a = host_scan(
        {
            **NO_GROUP_100,
            **FILES,
            "libvirt-sockets": (f"600 root root {SOCK}\n660 root UNKNOWN {ADMIN}\n", 1),
        }
    )
    assert _132(a) == (
        "manual",
        f"{ADMIN} is mode 660 root UNKNOWN: {UNNAMED}; libvirtd.conf: auth_unix_rw = polkit",
    )


@pytest.mark.parametrize(
    ("nsswitch", "expected"),
    [
        (
            SSS,
            (
                "manual",
                "unix_sock_rw_perms = 0770, unix_sock_group = +2000: gid 2000, a group "
                "/etc/group does not hold that nsswitch's group line may find through sss, "
                "whose members are not in the evidence; libvirtd.conf: auth_unix_rw = none, "
                "unix_sock_rw_perms = 0770, unix_sock_group = +2000",
            ),
        ),
        (
            FILES,
            (
                "pass",
                "libvirtd.conf: auth_unix_rw = none, unix_sock_rw_perms = 0770, "
                "unix_sock_group = +2000",
            ),
        ),
    ],
    ids=["held-sss", "held-files"],
)
def test_conf_numeric_group_held(host_scan, nsswitch: dict, expected: tuple[str, str]) -> None:
    """Held (R41A-1's class): no socket unit and no live socket, unix_sock_group = "+2000"
    (virGetGroupID: "+N" is always a gid, R23U-1) that no /etc/group entry names: asked where
    nsswitch's group line asks sss, passed under `files` alone (no one's primary gid)."""
    conf = AUTH_NONE[CONF].replace('unix_sock_group = "libvirt"', 'unix_sock_group = "+2000"')
    a = host_scan(
        {
            CONF: conf + 'unix_sock_rw_perms = "0770"\n',
            **NO_USERS_GROUP,
            **nsswitch,
            "libvirt-sockets": ("", 1, "stat: cannot statx: No such file or directory\n"),
            "libvirt-socket-units": ("", 0),
            UNITS: ("", 1, "No files found\n"),
        }
    )
    assert _132(a) == expected
