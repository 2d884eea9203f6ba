"""Red-team round 40 probes: who administers the hypervisor (r40-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host; round 37's accounts each in a group of their own; round 26's
bob and carol), through the real collector, parser and engine; each test asserts the exact
status and message of the check it probes.

Findings (R40A-n):
- R40A-1 (false pass) HVA-132, HVA-142: /etc/security/group.conf was read unlike pam_group
  reads it. Linux-PAM modules/pam_group/pam_group.c: read_field skips every character of a
  comment but the newline (a backslash ending a comment continues nothing) and drops a
  backslash-newline outside one with no space; check_account skips an empty first field and
  starts the rule at the next field, and a fifth field ended by ';' is "poorly terminated",
  the field after it starting the next rule; mkgrplist/find_member ends a group name at any
  character but a letter, digit, '_', '*' or '-'. hvaudit joined every backslash-newline
  first (a comment swallowed the next rule), took a line of other than five fields as no rule,
  and split the groups field at blanks and commas only: `# ... \\` before
  `*;*;*;Al0000-2400;libvirt`, `audio|libvirt`, `audio:libvirt`, `libvirt.admins`,
  `lib\\<newline>virt`, `;*;*;*;Al0000-2400;libvirt` and a rule after a poorly terminated
  one each give libvirt to every login; with auth_unix_rw = none and the socket 0660
  root:libvirt HVA-132 passed "mode 660 root libvirt", and HVA-142 passed "2 administrative
  principal(s)". Now the file is read field by field as read_field and check_account read it
  (parse.host._pam_group_fields, _pam_group_rules) and the groups field split as find_member
  splits it (parse.host._pam_group_grants), for both checks.
- R40A-2 (false pass) HVA-132: a group.conf users field `%G` was weighed by /etc/group's G
  alone. pam_group.c check_account asks pam_modutil_user_in_group_nam_nam, which compares the
  account's primary gid and getgrnam's gr_mem (Linux-PAM pam_modutil_ingroup.c
  pam_modutil_user_in_group_common); getgrnam finds a G /etc/group does not hold through the
  other sources of nsswitch's group line (sss, ldap ...), and glibc's merge action
  (`group: files [SUCCESS=merge] sss`, _group_merge_sources) adds a directory's members to a
  local G. With auth_unix_rw = none, the socket 0660 root:libvirt and
  `*;*;%staff;Al0000-2400;libvirt` (staff a directory group) or `%users` merged from sss,
  whether every login account gets libvirt is not in the evidence, yet HVA-132 passed "mode
  660 root libvirt" (R38A-2 asked only for a netgroup). Now such a field is the group.conf
  question (checks.management._members_beyond_files, HostFacts.group_directory), whose
  evidence names `getent group NAME` too (the R38A-2/R39A-1 tests' question text follows).
- R40A-3 (wrong fail) HVA-132, HVA-142: with a POSIX ACL, the group bits `stat` shows are
  the mask entry, not the owning group's (acl(5), CORRESPONDENCE BETWEEN ACL ENTRIES AND FILE
  PERMISSION BITS), and a member of the owning group gets what `group::` and the mask both hold
  (ACCESS CHECK ALGORITHM). A socket 0660 root:users (users every account's primary group,
  SUSE) with `setfacl -m u:alice:rw,g::---` failed HVA-132 ("group users ... holds every local
  login account"), the read-write socket under auth_unix_rw = none or the admin socket or
  virtlogd's under polkit; docker's or libvirt's socket 0660 root:staff so shut counted staff's
  bob and carol in HVA-142. Now getfacl's `group::` entry without the access leaves the
  socket's (or admin kubeconfig's) group out (parse.host._acl_group_shut,
  LibvirtHost.socket_acl_group_shut).
- R40A-4 (wording) HVA-132: the group.conf question's message (R38A-2, R39A-1) named the
  group whose pam_group grant is unread but not the socket whose group it is: with the
  read-write socket 0600 root:root and the admin socket and virtlogd's 0660 root:libvirt it
  read "... whether pam_group grants group libvirt at login to every user is unknown;
  libvirtd.conf: auth_unix_rw = none, libvirt-sock is mode 600 root root". Now each entry
  starts with the socket and its mode, or its unit's next start (checks.management.
  _grant_unread's origin), as the fail messages of R22U-3 do (the R38A-2/R39A-1 tests follow).
- R40A-5 (false pass) HVA-132: the group of a group-writable socket was weighed by /etc/group
  alone (R22U-3), as R40A-2's `%G` was: a socket 0660 root:virtadmins where /etc/group holds no
  virtadmins and nsswitch's group line asks sss (getgrnam finds it there, its members unread),
  or 0660 root:libvirt (the read-write socket under auth_unix_rw = none, or virtlogd's) with
  `group: files [SUCCESS=merge] sss` (glibc NSS_ACTION_MERGE adds sss's members to the local
  group), passed "mode 660 root ...". Now such a group is a question naming the socket and
  asking for `getent group NAME` (checks.management._members_unread); the root group and a gid
  no group names keep their verdicts. R40A-2's merged `%users` case now asks both questions.
- R40A-6 (false pass) HVA-132: a group's members were read under its own name only. glibc's
  nss_files files-initgroups.c reads every /etc/group entry and gives an account the gid of
  each that lists it, so `virt:x:108:alice,bob,carol` beside `libvirt:x:108:` puts every
  account in gid 108 (HVA-142 counts them since R30A-3); Linux-PAM pam_modutil_ingroup.c
  checkgrouplist (pam_group's `%group`) compares gids too. With auth_unix_rw = none and the
  socket 0660 root:libvirt, such an alias, or group.conf granting libvirt to `%staff` whose
  gid `staff2` lists every account under, passed "mode 660 root libvirt". Now a group's
  members are those of every name of its gid (checks.management._gid_members) in
  _group_of_everyone and _in_group.

Held (kept as tests): `libvirt-qemu` and `libvirt_x` (one name each: '-' and '_' are name
characters), a backslash ending a comment before another comment, and a rule broken by a
newline before its groups field (`;libvirt` then starts nothing) grant no libvirt; `%staff`
with `group: files` alone (no such group) and `%users` (local, no merge: files answers first)
add no one; `group::rw-` (with or without getfacl's `#effective:` comment) keeps the group a
writer; a local socket group with no merge action (`group: files sss`), and the root group
under a merge, keep the pass; an alias name listing some accounts, not all, adds no one.

Probed by script: the end-to-end run against a real libvirtd was not run: this host's
/etc/security/group.conf is readable and every line a comment, and the old and the new reading
both give no grant, so the change cannot reach the e2e-* verdicts; nor can R40A-2 (no rule to
weigh), R40A-3 (getfacl is not installed here: no ACL is read), R40A-5 (`group: files
systemd`, no merge; libvirt is in /etc/group) or R40A-6 (no other name of gid 108 here).

Tally: 6 findings (4 false passes, 1 wrong fail, 1 wording); 44 cases, 27 failed on main
before the fixes (R40A-1: 14; R40A-2: 2; R40A-3: 5; R40A-4: 1; R40A-5: 3; R40A-6: 2), 17
held.

Leads left:
- pam_group drops the last field of a file without a final newline (read_field's "field too
  long - ignored" at the end of the buffer): hvaudit still counts that rule (a conservative
  wrong fail, unprobed).
- R40A-2 weighs `%G` by getgrnam; pam_modutil_user_in_group_common also asks getgrouplist,
  which may add G's gid from any source of the group (initgroups) database to a local account:
  with a directory in the group line even a local G may hold more members (unprobed). The
  socket's own group (stat's name, unix_sock_group, SocketGroup=) is still weighed by
  /etc/group alone where nsswitch merges a directory's members into it or names a directory
  group (HVA-142 marks both unresolved; HVA-132 reads them as /etc/group lists them).
- R40A-3 reads group:: for the live stat only: k3s's next start keeps the kubeconfig's ACL
  (R37A-3), so its group:: shuts the next mode's group as well (not applied: conservative).
- A default ACL on /run/libvirt (getfacl does not read the directory): a socket created under
  it takes the default entries and no umask (acl(5), OBJECT CREATION AND DEFAULT ACLs), so a
  `d:g:users:rw` there may reach the socket a unit's next start creates whatever SocketMode=
  (systemd binds under a umask); needs a collector change and the e2e run.
- R40A-5 leaves a socket group given as a gid no group names (SocketUser='s default group)
  unasked: a directory group of that gid may hold more members.
- From round 39: HVA-142's %group users field (still "members not read" though the accounts
  are read); OpenRC k3s.<runlevel>, RKE2 under OpenRC.
"""

from __future__ import annotations

import pytest

from conftest import question_line
from test_redteam21_sock_probes import AUTH_NONE
from test_redteam22_sock_probes import EVERYONE as USERS_EVERYONE
from test_redteam22_sock_probes import SUSE_USERS
from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, PASS2, _142
from test_redteam36_accounts_probes import _getfacl
from test_redteam37_accounts_probes import (
    ADMIN,
    LOGD,
    NO_USERS_GROUP,
    PAM_EVERYONE,
    RW_PASS,
    SOCK,
    _132,
)

POLKIT_PASS = ("pass", "libvirtd.conf: auth_unix_rw = polkit")

RW_FAIL = (
    "fail",
    f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: {PAM_EVERYONE}: "
    "any local user controls every VM",
)

#: group.conf shapes whose rule pam_group applies, granting libvirt to every login
GRANTS = [
    # pam_group.c read_field: inside a comment every character but the newline is skipped, so a
    # backslash ending a comment continues nothing: the next line is a rule
    "# audio and video for everyone \\\n*;*;*;Al0000-2400;libvirt\n",
    # mkgrplist/find_member: a group name is a run of letters, digits, '_', '*' and '-'; any
    # other character ends it
    "*;*;*;Al0000-2400;audio|libvirt\n",
    "*;*;*;Al0000-2400;audio:libvirt\n",
    "*;*;*;Al0000-2400;libvirt.admins\n",
    # read_field drops a backslash-newline outside a comment, joining the two halves
    "*;*;*;Al0000-2400;lib\\\nvirt\n",
    # check_account: an empty first field is skipped and the next field starts the rule; a
    # fifth field ended by ';' is "poorly terminated" and the field after it starts the next
    ";*;*;*;Al0000-2400;libvirt\n",
    "xsh;tty*;sword;Al0000-2400;games;*;*;*;Al0000-2400;libvirt\n",
]
GRANT_IDS = [
    "comment-backslash",
    "pipe",
    "colon",
    "dot",
    "continued-name",
    "empty-first",
    "poorly-terminated",
]
#: held: shapes whose rule grants no libvirt
HELD = [
    "*;*;*;Al0000-2400;libvirt-qemu\n",
    "*;*;*;Al0000-2400;libvirt_x audio\n",
    "# \\\n# *;*;*;Al0000-2400;libvirt\n",
    # a newline ends the times field: malformed, and `;libvirt` starts nothing
    "*;*;*;Al0000-2400\n;libvirt\n",
]
HELD_IDS = ["held-dash", "held-underscore", "held-comment-comment", "held-broken-line"]


@pytest.mark.parametrize(
    ("group_conf", "expected"),
    [*((g, RW_FAIL) for g in GRANTS), *((g, RW_PASS) for g in HELD)],
    ids=GRANT_IDS + HELD_IDS,
)
def test_group_conf_read_as_pam_group_132(
    host_scan, group_conf: str, expected: tuple[str, str]
) -> None:
    """R40A-1 (false pass) HVA-132: auth_unix_rw = none, the read-write socket 0660
    root:libvirt, and a group.conf rule that pam_group applies granting libvirt to `*`: every
    login account connects; passed "mode 660 root libvirt"."""
    a = host_scan({**AUTH_NONE, **NO_USERS_GROUP, "/etc/security/group.conf": group_conf})
    assert _132(a) == expected


@pytest.mark.parametrize(
    ("group_conf", "expected"),
    [*((g, EVERYONE) for g in GRANTS), *((g, PASS2) for g in HELD)],
    ids=GRANT_IDS + HELD_IDS,
)
def test_group_conf_read_as_pam_group_142(
    host_scan, group_conf: str, expected: tuple[str, str]
) -> None:
    """R40A-1 (false pass) HVA-142: the same rules give libvirt (root-equivalent) to every
    login; passed "2 administrative principal(s)"."""
    assert _142(host_scan({**BASE, "/etc/security/group.conf": group_conf})) == expected


RW_OK = f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt"
#: the question R38A-2/R39A-1 ask where whom pam_group grants a socket's group is unread
GROUP_CONF_Q = (
    'question = "Does every rule of /etc/security/group.conf by which pam_group grants the '
    "group of a libvirt socket (read-write, admin, virtlogd's or virtlockd's) at login leave "
    "out a login account? "
    "Evidence: `cat /etc/security/group.conf` and, for a netgroup in its users field, `getent "
    "netgroup NAME`, for a group `getent group NAME`. Pass: yes, no rule grants that group to "
    'every login account; fail: a rule grants it to every login account."\n'
)


@pytest.mark.parametrize(
    ("users", "nsswitch", "why"),
    [
        (
            "%staff",
            "passwd: files\ngroup: files sss\n",
            "/etc/security/group.conf grants group libvirt at login to users %staff (pam_group "
            "asks getgrnam), a group /etc/group does not hold that nsswitch's group line may "
            "find through sss, whose members are not in the evidence",
        ),
    ],
    ids=["directory-group"],
)
def test_pam_group_directory_group(host_scan, users: str, nsswitch: str, why: str) -> None:
    """R40A-2 (false pass) HVA-132: auth_unix_rw = none, the socket 0660 root:libvirt, and
    group.conf granting libvirt to the members of a group (`%G`: pam_group.c check_account,
    pam_modutil_user_in_group_nam_nam: getgrnam's gr_mem) that /etc/group does not hold while
    nsswitch's group line asks sss, or into which nsswitch merges sss's members: whether every
    login account is a member is not in the evidence; passed "mode 660 root libvirt"."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "/etc/nsswitch.conf": nsswitch,
            "/etc/security/group.conf": f"*;*;{users};Al0000-2400;libvirt\n",
        }
    )
    assert _132(a) == ("manual", f"{SOCK} is mode 660 root libvirt: {why}; {RW_OK}")
    assert question_line(a, "HVA-132", "hv1") == GROUP_CONF_Q


@pytest.mark.parametrize(
    ("users", "nsswitch"),
    [
        ("%staff", "passwd: files\ngroup: files\n"),
        ("%users", "passwd: files\ngroup: files sss\n"),
    ],
    ids=["held-files-only", "held-local-group-no-merge"],
)
def test_pam_group_directory_group_held(host_scan, users: str, nsswitch: str) -> None:
    """Held (R40A-2): with `files` alone a group /etc/group does not hold does not exist, and a
    local group without a merge action is /etc/group's entry (files answers first): the rule
    adds no one and the pass stands."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "/etc/nsswitch.conf": nsswitch,
            "/etc/security/group.conf": f"*;*;{users};Al0000-2400;libvirt\n",
        }
    )
    assert _132(a) == ("pass", RW_OK)


# --- R40A-3: with an ACL, stat's group bits are the mask, not the owning group's entry

#: `setfacl -m u:alice:rw,g::---`: the mask rw- (for alice's entry) is what stat shows as the
#: group bits; the owning group's entry lets nothing
SHUT = "user::rw-\nuser:alice:rw-\ngroup::---\nmask::rw-\nother::---\n"
USERS_FAIL = (
    "fail",
    f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root users: {USERS_EVERYONE}: "
    "any local user controls every VM",
)


@pytest.mark.parametrize(
    ("acl", "expected"),
    [
        (SHUT, ("pass", f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root users")),
        # held: group:: lets write (as the mask does), with or without getfacl's comment
        (SHUT.replace("group::---", "group::rw-"), USERS_FAIL),
        (SHUT.replace("group::---", "group::rw-\t#effective:rw-"), USERS_FAIL),
    ],
    ids=["group-entry-shut", "held-group-entry-rw", "held-effective-comment"],
)
def test_rw_socket_acl_owning_group_132(host_scan, acl: str, expected: tuple[str, str]) -> None:
    """R40A-3 (wrong fail) HVA-132: auth_unix_rw = none, the read-write socket 0660 root:users
    (users every account's primary group, SUSE) with `setfacl -m u:alice:rw,g::---`: stat's
    group bits are the mask (acl(5), CORRESPONDENCE BETWEEN ACL ENTRIES AND FILE PERMISSION
    BITS), and a member of the owning group gets what group:: and the mask both hold (ACCESS
    CHECK ALGORITHM), here nothing; failed "group users ... holds every local login account"."""
    a = host_scan(
        {
            **AUTH_NONE,
            **SUSE_USERS,
            "libvirt-sockets": (f"660 root users {SOCK}\n600 root root {ADMIN}\n", 1),
            "admin-paths-acl": _getfacl((SOCK, acl)),
        }
    )
    assert _132(a) == expected


@pytest.mark.parametrize(
    ("path", "stat"),
    [
        (ADMIN, f"600 root root {SOCK}\n660 root users {ADMIN}\n"),
        (LOGD, f"600 root root {SOCK}\n600 root root {ADMIN}\n660 root users {LOGD}\n"),
    ],
    ids=["admin", "virtlogd"],
)
def test_other_sockets_acl_owning_group_132(host_scan, path: str, stat: str) -> None:
    """R40A-3 (wrong fail) HVA-132: the admin socket or virtlogd's 0660 root:users under the
    default auth_unix_rw = polkit, group::--- in its ACL: the owning group writes nothing, so
    the polkit pass stands."""
    a = host_scan(
        {**SUSE_USERS, "libvirt-sockets": (stat, 1), "admin-paths-acl": _getfacl((path, SHUT))}
    )
    assert _132(a) == POLKIT_PASS


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"container-sockets": ("660 root staff /run/docker.sock\n", 0, "")}, PASS2),
        (
            {
                **AUTH_NONE,
                "libvirt-sockets": (f"660 root staff {SOCK}\n600 root root {ADMIN}\n", 1),
            },
            PASS2,
        ),
    ],
    ids=["docker-socket", "libvirt-socket"],
)
def test_socket_acl_owning_group_142(host_scan, over: dict, expected: tuple[str, str]) -> None:
    """R40A-3 (wrong fail) HVA-142: docker's socket, or libvirt's read-write socket under
    auth_unix_rw = none, 0660 root:staff (bob, carol) with `setfacl -m u:alice:rw,g::---`:
    staff writes nothing (acl(5)), alice counts by her entry; counted bob and carol."""
    path = "/run/docker.sock" if "container-sockets" in over else SOCK
    a = host_scan({**BASE, **over, "admin-paths-acl": _getfacl((path, SHUT))})
    assert _142(a) == expected


def test_socket_acl_owning_group_142_held(host_scan) -> None:
    """Held (R40A-3): group::rw- on docker's socket 0660 root:staff: staff writes to it."""
    a = host_scan(
        {
            **BASE,
            "container-sockets": ("660 root staff /run/docker.sock\n", 0, ""),
            "admin-paths-acl": _getfacl(
                ("/run/docker.sock", SHUT.replace("group::---", "group::rw-"))
            ),
        }
    )
    assert _142(a) == FAIL4


UNREAD = (
    "host/files/etc/security/group.conf: Permission denied: whether pam_group grants group "
    "libvirt at login to every user is unknown"
)


def test_pam_group_grant_unread_names_socket(host_scan) -> None:
    """R40A-4 (wording) HVA-132: the read-write socket 0600 root:root, the admin socket and
    virtlogd's 0660 root:libvirt, /etc/security/group.conf unreadable: the manual message said
    only that pam_group's grant of libvirt is unknown, beside "libvirt-sock is mode 600 root
    root", naming neither socket whose group libvirt is. Now each group-writable socket (and a
    unit's next start) whose group's grant is unread is named with its mode."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "libvirt-sockets": (
                f"600 root root {SOCK}\n660 root libvirt {ADMIN}\n660 root libvirt {LOGD}\n",
                1,
            ),
            "/etc/security/group.conf": PermissionError("Permission denied"),
        }
    )
    assert _132(a) == (
        "manual",
        f"{ADMIN} is mode 660 root libvirt: {UNREAD}; {LOGD} is mode 660 root libvirt: {UNREAD}; "
        f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 600 root root",
    )
    assert question_line(a, "HVA-132", "hv1") == GROUP_CONF_Q


# --- R40A-5: the socket's own group, with members beyond /etc/group

DIRECTORY = (
    "group virtadmins, a group /etc/group does not hold that nsswitch's group line may find "
    "through sss, whose members are not in the evidence"
)
MERGED = "group libvirt, into whose members nsswitch merges those sss holds, which are not in the evidence"
MEMBERS_Q = (
    "question = \"Does each group named (a libvirt socket's own group, or one a named entry of its "
    "POSIX ACL lets write) leave out a login account, with the members nsswitch's other group "
    "sources (sss, ldap, winbind ...) give it? Evidence: `getent group NAME` and the accounts "
    "whose primary group it is (`getent passwd`). Pass: yes, not every login account is a "
    'member; fail: every login account is a member."\n'
)
MERGE = "passwd: files\ngroup: files [SUCCESS=merge] sss\n"


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {
                **AUTH_NONE,
                "libvirt-sockets": (f"660 root virtadmins {SOCK}\n600 root root {ADMIN}\n", 1),
                "/etc/nsswitch.conf": "passwd: files\ngroup: files sss\n",
            },
            f"{SOCK} is mode 660 root virtadmins: {DIRECTORY}; libvirtd.conf: auth_unix_rw = "
            f"none, {SOCK} is mode 660 root virtadmins",
        ),
        (
            {**AUTH_NONE, "/etc/nsswitch.conf": MERGE},
            f"{SOCK} is mode 660 root libvirt: {MERGED}; {RW_OK}",
        ),
        (
            {
                "libvirt-sockets": (
                    f"600 root root {SOCK}\n600 root root {ADMIN}\n660 root libvirt {LOGD}\n",
                    1,
                ),
                "/etc/nsswitch.conf": MERGE,
            },
            f"{LOGD} is mode 660 root libvirt: {MERGED}; libvirtd.conf: auth_unix_rw = polkit",
        ),
    ],
    ids=["directory-group", "merged-group", "virtlogd-merged"],
)
def test_socket_group_members_beyond_files(host_scan, over: dict, expected: str) -> None:
    """R40A-5 (false pass) HVA-132: a group-writable socket whose group /etc/group does not hold
    while nsswitch's group line asks sss (getgrnam finds it there), or into whose members
    nsswitch merges sss's (glibc NSS_ACTION_MERGE): whether every login account is a member is
    not in the evidence (R22U-3 weighs /etc/group's members); passed "mode 660 root ..."."""
    a = host_scan({**NO_USERS_GROUP, **over})
    assert _132(a) == ("manual", expected)
    assert question_line(a, "HVA-132", "hv1") == MEMBERS_Q


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({**AUTH_NONE, "/etc/nsswitch.conf": "passwd: files\ngroup: files sss\n"}, RW_OK),
        (
            {
                **AUTH_NONE,
                "libvirt-sockets": (f"660 root root {SOCK}\n600 root root {ADMIN}\n", 1),
                "/etc/nsswitch.conf": MERGE,
            },
            f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root root",
        ),
    ],
    ids=["held-local-no-merge", "held-root-group"],
)
def test_socket_group_members_beyond_files_held(host_scan, over: dict, expected: str) -> None:
    """Held (R40A-5): a local group without a merge action is /etc/group's entry; the root
    group adds no one beyond root: the pass stands."""
    a = host_scan({**NO_USERS_GROUP, **over})
    assert _132(a) == ("pass", expected)


JOINT_Q = (
    "question = \"Does each group named (a libvirt socket's own group, or one a named entry of its "
    "POSIX ACL lets write) leave out a login account, with the members nsswitch's other group "
    "sources (sss, ldap, winbind ...) give it, and does every rule of /etc/security/group.conf "
    "by which pam_group grants the group of a libvirt socket (read-write, admin, virtlogd's or "
    "virtlockd's) at login leave out a login account? Evidence: `getent group NAME` and the accounts whose primary group "
    "it is (`getent passwd`); `cat /etc/security/group.conf` and, for a netgroup in its users "
    "field, `getent netgroup NAME`, for a group `getent group NAME`. Pass: yes, not every login "
    "account is a member, and no rule grants that group to every login account; fail: every "
    'login account is a member, or a rule grants it to every login account."\n'
)


def test_pam_group_merged_group(host_scan) -> None:
    """R40A-2 (false pass) HVA-132: group.conf granting libvirt to `%users`, into which
    nsswitch merges sss's members (`group: files [SUCCESS=merge] sss`): whether every login
    account gets libvirt is not in the evidence; passed "mode 660 root libvirt". The merge
    reaches the socket's own group libvirt too (R40A-5): both are asked."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "/etc/nsswitch.conf": MERGE,
            "/etc/security/group.conf": "*;*;%users;Al0000-2400;libvirt\n",
        }
    )
    assert _132(a) == (
        "manual",
        f"{SOCK} is mode 660 root libvirt: /etc/security/group.conf grants group libvirt at "
        "login to users %users (pam_group asks getgrnam), into whose members nsswitch merges "
        f"those sss holds, which are not in the evidence; {SOCK} is mode 660 root libvirt: "
        f"{MERGED}; {RW_OK}",
    )
    assert question_line(a, "HVA-132", "hv1") == JOINT_Q


# --- R40A-6: a group is its gid: another /etc/group name of it lists members too

ALIAS_EVERYONE = (
    "group libvirt (gid 108) holds every local login account of uid 1000 and up (alice, bob, carol)"
)
ALIAS_PAM = (
    "group libvirt (gid 108) is granted at login by /etc/security/group.conf (pam_group) to users "
    "%staff: every local login account of uid 1000 and up (alice, bob, carol)"
)


@pytest.mark.parametrize(
    ("extra", "group_conf", "expected"),
    [
        (
            "virt:x:108:alice,bob,carol\n",
            "",
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: "
                f"{ALIAS_EVERYONE}: any local user controls every VM",
            ),
        ),
        (
            "staff:x:50:\nstaff2:x:50:alice,bob,carol\n",
            "*;*;%staff;Al0000-2400;libvirt\n",
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: "
                f"{ALIAS_PAM}: any local user controls every VM",
            ),
        ),
        # held: the other name lists some accounts, not every one
        ("virt:x:108:alice,bob\n", "", RW_PASS),
        ("staff:x:50:\nstaff2:x:50:alice,bob\n", "*;*;%staff;Al0000-2400;libvirt\n", RW_PASS),
    ],
    ids=["socket-group-alias", "pam-group-alias", "held-socket-alias-some", "held-pam-alias-some"],
)
def test_gid_alias_members_132(
    host_scan, extra: str, group_conf: str, expected: tuple[str, str]
) -> None:
    """R40A-6 (false pass) HVA-132: auth_unix_rw = none, the socket 0660 root:libvirt (gid
    108), and /etc/group's `virt:x:108:alice,bob,carol` (initgroups gives every account a name
    of gid 108 lists that gid: glibc files-initgroups.c, R30A-3), or group.conf granting libvirt
    to `%staff` whose gid another name lists every account under (pam_modutil_ingroup.c
    checkgrouplist compares gids): every login account writes to the socket; passed "mode 660
    root libvirt"."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "/etc/group": NO_USERS_GROUP["/etc/group"] + extra,
            "/etc/security/group.conf": group_conf,
        }
    )
    assert _132(a) == expected
