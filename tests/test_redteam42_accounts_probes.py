"""Red-team round 42 probes: who administers the hypervisor (r42-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 25's accounts: alice an administrator, bob and
carol listed in staff, gid 50), through the real collector, parser and engine; each test
asserts the exact status and message of HVA-142.

Findings (R42A-n):
- R42A-1 (needless question: a fail withheld) HVA-142: a /etc/security/group.conf rule
  granting an administrative group (sudo, libvirt ...) to the users field `%G` was counted as
  one principal "pam_group users %G (members not read)" and asked, even where G is a local
  group (/etc/group) with members and nsswitch merges nothing into it: pam_group's test
  (Linux-PAM pam_group.c check_account, pam_modutil_user_in_group_nam_nam; libpam
  pam_modutil_ingroup.c checkgrouplist: getgrouplist's gids against getgrnam(G)'s) is the
  membership /etc/group gives, which hvaudit reads. With `sshd;*;%staff;Al0000-2400;sudo`
  and staff:x:50:bob,carol, alice and root already administrators, HVA-142 asked whether
  "pam_group users %staff" and the others number at most 3 instead of failing 4 principals.
  Now such a field is the group's members as sudoers' `%G` counts them (parse.host
  admin_principals, at_login; _groups: primary-group members, every name of the gid, the
  merge marker); a group /etc/group does not hold, or holds with no member, keeps the
  question, and a merged group asks the merge question.

  Where nsswitch merges sss's members into staff, the merge question names %staff (bob, its
  listed member, counted; on main bob was missing and staff asked twice); where staff's
  members keep the count within the limit, the check passes (on main it asked).

Held (kept as test): a `%G` users field for a group /etc/group does not hold, under `files
sss`, stays "members not read" with its question. Round 25's `%staff` grant of disk
(test_redteam25 group-disk) encoded the question: now the fail (separate commit).

Probed by script: the end-to-end run against a real libvirtd was not run (libvirtd stopped
for CI); the e2e host's /etc/security/group.conf grants nothing (Debian's shipped file is all
comments), so the change cannot reach the e2e-* verdicts.

Tally: 1 finding (needless question); 5 cases, 4 failed on main before the fix, 1 held.

Leads left:
- A `%G` users field for a group that does not exist under `group: files` alone (nobody) and
  a local group with no members under `passwd: files` (nobody) still ask (conservative, as
  sudoers' `%G` does).
- Round 41's wording leads: the members question reads "the group of each libvirt socket" for
  an ACL entry's group; a next-start socket's message names no SocketGroup=/unix_sock_group.
- pam_group drops the last field of a group.conf without a final newline (round 40's lead).
"""

from __future__ import annotations

import pytest

from conftest import question_line
from test_redteam25_accounts_probes import BASE, GROUP, _142

RULE = "sshd;*;%staff;Al0000-2400;sudo\n"


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {},
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            # bob as staff's only listed member, carol by primary gid 50 under another name
            {
                "/etc/group": GROUP.replace("staff:x:50:bob,carol\n", "staff:x:50:bob\n")
                + "crew:x:50:carol\n"
            },
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
    ],
    ids=["listed-members", "other-name-of-gid"],
)
def test_pam_group_local_group_counted(host_scan, over: dict[str, str], expected) -> None:
    """R42A-1 HVA-142: group.conf grants sudo to `%staff`, a local group of bob and carol with
    no nsswitch merge: four principals, a fail; asked "pam_group users %staff (members not
    read)" before the fix."""
    a = host_scan({**BASE, **over, "/etc/security/group.conf": RULE})
    assert _142(a) == expected


def test_pam_group_directory_group_still_asked(host_scan) -> None:
    """Held (R42A-1): a `%G` field for a group /etc/group does not hold, nsswitch's group line
    asking sss: its members are not in the evidence, so the question stays."""
    a = host_scan(
        {
            **BASE,
            "/etc/nsswitch.conf": "passwd: files\ngroup: files sss\n",
            "/etc/security/group.conf": RULE.replace("%staff", "%ops"),
        }
    )
    assert _142(a) == (
        "manual",
        "3 administrative principal(s) (limit 3): alice, pam_group users %ops (members not "
        "read), root; the members of pam_group users %ops are not in the evidence",
    )
    assert "pam_group users %ops" in question_line(a, "HVA-142", "hv1")


def test_pam_group_merged_local_group_asks_merge(host_scan) -> None:
    """R42A-1: a local group into which nsswitch merges sss's members: the merge
    question, never a count of /etc/group's list alone."""
    a = host_scan(
        {
            **BASE,
            "/etc/group": GROUP.replace("staff:x:50:bob,carol\n", "staff:x:50:bob\n"),
            "/etc/nsswitch.conf": "passwd: files\ngroup: files [SUCCESS=merge] sss\n",
            "/etc/security/group.conf": RULE,
        }
    )
    assert _142(a) == (
        "manual",
        "3 administrative principal(s) (limit 3): alice, bob, root; nsswitch merges the members "
        "sss holds into %libvirt, %staff, %sudo, which are not in the evidence",
    )


def test_pam_group_local_group_within_limit(host_scan) -> None:
    """R42A-1: `%staff` of bob alone, alice and root beside him: three principals, the
    limit, a pass (the group's members are all in /etc/group and /etc/passwd)."""
    a = host_scan(
        {
            **BASE,
            "/etc/group": GROUP.replace("staff:x:50:bob,carol\n", "staff:x:50:bob\n"),
            "/etc/security/group.conf": RULE,
        }
    )
    assert _142(a) == ("pass", "3 administrative principal(s) (limit 3): alice, bob, root")
