"""Twenty-fourth red-team review, administrative principals on the KVM host (rt24acct).

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (ID-n):
- R24A-1 (false pass) HVA-142: /etc/gshadow was never read, so the members and
  administrators it gives sudo's and the administrative groups counted no one. shadow-utils
  (shadow-maint/shadow, read with `read_file`): newgrp.c takes the group's password and members
  from gshadow (`grp->gr_passwd = sgrp->sg_passwd; grp->gr_mem = sgrp->sg_mem;`), admits a
  listed member without a password and adds the gid to the caller's group set (`LSEARCH(&gid,
  gids, &ngroups)`, `setgroups`); gpasswd.c check_perms: "1) you must be root or 2) you must be
  listed as an administrative member" (`!is_on_list (sg->sg_adm, myname)`), and `gpasswd -a
  user group` adds any user (the administrator too) to /etc/group. A host whose gshadow made bob
  an administrator of sudo and carol a member of libvirt passed "2 administrative
  principal(s)". Now the collector reads /etc/gshadow (the bundle writer keeps only whether a
  password is set: "", `!`, or REDACTED) and its members and administrators count wherever the
  group does (sudoers %group, doas :group, the administrative, socket and polkit groups); a
  group password (newgrp asks non-members for it) is a question naming the group; an
  unreadable gshadow is an error.

Held (kept as tests): gshadow entries of groups that administer nothing add no one; a locked
(`!`) or empty gshadow password admits no one.

Probed by script, not kept: none yet.

Tally: 6 cases in 2 test functions; 5 failed on main 57d8239 before the fixes (R24A-1).

Leads left (not settled in the time):
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.redact import redact_artefact


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


GROUP_OPS = str(HARDENED_HOST["/etc/group"]) + "ops:x:1001:carol\nusers:x:100:\n"
SUDOERS_OPS = (
    str(HARDENED_HOST["sudoers"][0]) + "/etc/sudoers.d/ops:%ops ALL=(ALL:ALL) ALL\n",
    0,
)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {"/etc/gshadow": "root:*::\nsudo:*:bob:alice\nlibvirt:!::carol\n"},
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            {
                "/etc/group": GROUP_OPS,
                "sudoers": SUDOERS_OPS,
                "/etc/gshadow": "sudo:*::alice\nops:!:dave:carol\n",
            },
            ("fail", "4 administrative principal(s) (limit 3): alice, carol, dave, root"),
        ),
        (
            {"/etc/gshadow": "sudo:*::alice\nlibvirt:$6$salt$hash::\n"},
            (
                "manual",
                "3 administrative principal(s) (limit 3): %libvirt (group password set in "
                "/etc/gshadow), alice, root; /etc/gshadow sets a password on %libvirt: newgrp "
                "admits whoever knows it to the group, member or not",
            ),
        ),
        (
            {"/etc/gshadow": "sudo:!::alice\nusers:!:bob:carol,dave\nkvm:!:bob:carol\n"},
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
        (
            {"/etc/gshadow": PermissionError("Permission denied")},
            ("error", ""),
        ),
    ],
    ids=["admin-and-member", "sudoers-group", "group-password", "other-groups", "unreadable"],
)
def test_gshadow_members_and_administrators_count(
    host_scan, over: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R24A-1 (false pass) HVA-142. shadow-utils newgrp.c: `grp->gr_mem = sgrp->sg_mem` (the
    gshadow members are the ones admitted without a password) and the gid joins the caller's
    group set (`setgroups`); gpasswd.c check_perms lets a gshadow administrator (`sg_adm`) run
    `gpasswd -a`, adding any user to the group. Before the fix gshadow was not read: the first
    two cases passed with 2 and 3 principals, the third passed too."""
    got = _142(host_scan(over))
    if expected[0] == "error":
        assert got[0] == "error" and "/etc/gshadow" in got[1], got
    else:
        assert got == expected


def test_gshadow_passwords_never_enter_the_bundle() -> None:
    """R24A-1: the bundle keeps whether a gshadow password is set, never its hash."""
    data = b"root:*::\nsudo:$6$salt$hash:bob:alice\nlibvirt:!$6$x$y::carol\nkvm:::\n"
    assert redact_artefact("host/files/etc/gshadow", data) == (
        b"root:!::\nsudo:***REDACTED***:bob:alice\nlibvirt:!::carol\nkvm:::\n"
    )
