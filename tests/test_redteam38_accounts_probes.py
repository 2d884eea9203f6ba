"""Red-team round 38 probes: who administers the hypervisor (r38-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host; round 22's SUSE accounts, every login account in the primary
group users; round 37's accounts each in a group of their own), through the real collector,
parser and engine; each test asserts the exact status and message of the check it probes.

Findings (R38A-n):
- R38A-1 (false pass) HVA-132: a pam_group grant counted as every user only for the users
  field `*`. group.conf(5) (Linux-PAM): the users field "is a logic list of users, or a UNIX
  group, or a netgroup of users ... Group names are preceded by a '%' symbol"; pam_group.c
  check_account tests `%G` with pam_modutil_user_in_group_nam_nam (getgrouplist: the primary
  group counts) and a logic list with logic_field(is_same) ('!' negates, '*' a wildcard). With
  auth_unix_rw = none and the socket 0660 root:libvirt, `*;*;%users;Al0000-2400;libvirt`
  (users every account's primary group, SUSE), `!root` or `a*|b*|c*` gave libvirt to every
  login account at login, and HVA-132 passed "mode 660 root libvirt". Now the users field is
  evaluated against every login account of uid 1000 and up (parse.host.pam_group_user_matches)
  and one they all match makes the group a group of everyone (checks.management.
  _group_of_everyone).

- R38A-2 (false pass) HVA-132: whom pam_group grants the socket's group was taken as no one
  where it is not in the evidence. /etc/security/group.conf unreadable (a failed
  HostFacts.login_groups) was read as no grant (`if known else {}`), and a users field naming a
  netgroup (`@admins`: pam_group.c asks innetgr, group.conf(5) "netgroup names are preceded by
  a '@' symbol") as no one: with auth_unix_rw = none and the socket 0660 root:libvirt both
  passed "mode 660 root libvirt". Now either is a question naming the file (and `getent
  netgroup`) where a group-writable read-write socket's group is the one granted
  (checks.management._login_grant_unread).

Held (kept as tests): `%staff` (a group of some accounts), `alice|bob` (not carol), `!alice`
(not alice) add no one; group.conf unreadable with the socket 0600 root:root asks nothing.

Probed by script: the end-to-end run against a real libvirtd was not run: this host's
/etc/security/group.conf is readable and holds no rule, so neither change reaches the e2e-*
verdicts (the run was queued behind the e2e lock and stopped to land in time).

Tally: 2 findings (2 false passes); 10 cases, 5 failed on main before the fixes (R38A-1: 3;
R38A-2: 2), 5 held.

Leads left:
- HVA-132 R38A-2 covers the read-write socket only: the admin socket's and virtlogd's/
  virtlockd's group (via _everyone_reaches) with group.conf unread or a netgroup grant still
  read no grant.
- From round 37: with an ACL, `stat`'s group bits are the mask (group:: narrower than it is a
  wrong fail); a default ACL on /run/libvirt or /run not read; HVA-142 OpenRC
  conf.d/k3s.<runlevel> other than default, an empty k3s.default, `if ...; then` blocks, RKE2
  under OpenRC.
"""

from __future__ import annotations

import pytest

from conftest import question_line
from test_redteam21_sock_probes import AUTH_NONE
from test_redteam22_sock_probes import SUSE_USERS
from test_redteam37_accounts_probes import ADMIN, NO_USERS_GROUP, RW_PASS, SOCK, _132

ALL3 = "every local login account of uid 1000 and up (alice, bob, carol)"


def _fail(field: str) -> tuple[str, str]:
    return (
        "fail",
        f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: group libvirt "
        f"(gid 108) is granted at login by /etc/security/group.conf (pam_group) to users "
        f"{field}: {ALL3}: any local user controls every VM",
    )


@pytest.mark.parametrize(
    ("accounts", "users", "expected"),
    [
        # users: every account's primary group (SUSE), so the rule's group holds everyone
        (SUSE_USERS, "%users", _fail("%users")),
        (NO_USERS_GROUP, "!root", _fail("!root")),
        (NO_USERS_GROUP, "a*|b*|*ol", _fail("a*|b*|*ol")),
        # held: a group of some; named accounts not all; a negation of one
        (NO_USERS_GROUP, "%staff", RW_PASS),
        (NO_USERS_GROUP, "alice|bob", RW_PASS),
        (NO_USERS_GROUP, "!alice", RW_PASS),
    ],
    ids=[
        "group-users",
        "not-root",
        "wildcards",
        "held-staff",
        "held-named",
        "held-not-alice",
    ],
)
def test_pam_group_users_field_of_everyone(
    host_scan, accounts: dict[str, str], users: str, expected: tuple[str, str]
) -> None:
    """R38A-1 (false pass) HVA-132: auth_unix_rw = none, the socket 0660 root:libvirt, and
    pam_group granting libvirt at login to a users field every login account matches:
    `%users` (pam_modutil_user_in_group_nam_nam; users their primary group), `!root`
    (logic_field's negation), `a*|b*|*ol` (is_same's wildcard). Passed "mode 660 root
    libvirt"."""
    group = accounts["/etc/group"] + "staff:x:50:alice\n"
    a = host_scan(
        {
            **AUTH_NONE,
            **accounts,
            "/etc/group": group,
            "/etc/security/group.conf": f"*;*;{users};Al0000-2400;libvirt\n",
        }
    )
    assert _132(a) == expected


GROUP_CONF_Q = (
    'question = "Does every rule of /etc/security/group.conf by which pam_group grants the '
    "group of a libvirt socket (read-write, admin, virtlogd's or virtlockd's) at login leave "
    "out a login account? "
    "Evidence: `cat /etc/security/group.conf` and, for a netgroup in its users field, `getent "
    "netgroup NAME`, for a group `getent group NAME`. Pass: yes, no rule grants that group to "
    'every login account; fail: a rule grants it to every login account."\n'
)


@pytest.mark.parametrize(
    ("group_conf", "why"),
    [
        (
            PermissionError("Permission denied"),
            "host/files/etc/security/group.conf: Permission denied: whether pam_group grants "
            "group libvirt at login to every user is unknown",
        ),
        (
            "*;*;@admins;Al0000-2400;libvirt\n",
            "/etc/security/group.conf grants group libvirt at login to netgroup @admins "
            "(pam_group asks innetgr), whose members are not in the evidence",
        ),
    ],
    ids=["unreadable", "netgroup"],
)
def test_pam_group_grant_unread(host_scan, group_conf: object, why: str) -> None:
    """R38A-2 (false pass) HVA-132: auth_unix_rw = none, the socket 0660 root:libvirt, and
    /etc/security/group.conf unreadable (read as no grant) or granting libvirt to a netgroup
    (innetgr, not in the evidence): whether every login account gets libvirt at login is
    unknown, so a question naming the file, not "mode 660 root libvirt"."""
    a = host_scan({**AUTH_NONE, **NO_USERS_GROUP, "/etc/security/group.conf": group_conf})
    assert _132(a) == ("manual", f"{SOCK} is mode 660 root libvirt: {why}; {RW_PASS[1]}")
    assert question_line(a, "HVA-132", "hv1") == GROUP_CONF_Q


def test_pam_group_grant_unread_held(host_scan) -> None:
    """Held (R38A-2): group.conf unreadable, but the socket 0600 root:root (no group write):
    no group's grant matters, the pass stands."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "libvirt-sockets": (f"600 root root {SOCK}\n600 root root {ADMIN}\n", 1),
            "/etc/security/group.conf": PermissionError("Permission denied"),
        }
    )
    assert _132(a) == ("pass", f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 600 root root")
