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

Held (kept as tests): `%staff` (a group of some accounts), `alice|bob` (not carol), `!alice`
(not alice), a netgroup `@admins` (innetgr, not in the evidence) add no one here.

Probed by script: none.

Tally: 1 finding (1 false pass); 7 cases, 3 failed on main before the fix (R38A-1: 3), 4 held.

Leads left:
- HVA-132: /etc/security/group.conf unreadable reads as no grant (parse.host._login_groups
  keeps an empty fact on failure), and a netgroup users field is not asked: both should be
  a question where the socket's group decides.
- From round 37: with an ACL, `stat`'s group bits are the mask (group:: narrower than it is a
  wrong fail); a default ACL on /run/libvirt or /run not read; HVA-142 OpenRC
  conf.d/k3s.<runlevel> other than default, an empty k3s.default, `if ...; then` blocks, RKE2
  under OpenRC.
"""

from __future__ import annotations

import pytest

from test_redteam21_sock_probes import AUTH_NONE
from test_redteam22_sock_probes import SUSE_USERS
from test_redteam37_accounts_probes import NO_USERS_GROUP, RW_PASS, SOCK, _132

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
        # held: a group of some; named accounts not all; a negation of one; a netgroup
        (NO_USERS_GROUP, "%staff", RW_PASS),
        (NO_USERS_GROUP, "alice|bob", RW_PASS),
        (NO_USERS_GROUP, "!alice", RW_PASS),
        (NO_USERS_GROUP, "@admins", RW_PASS),
    ],
    ids=[
        "group-users",
        "not-root",
        "wildcards",
        "held-staff",
        "held-named",
        "held-not-alice",
        "held-netgroup",
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
