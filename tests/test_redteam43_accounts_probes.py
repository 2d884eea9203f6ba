"""Red-team round 43 probes: who administers the hypervisor (r43-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 25's accounts: alice an administrator, bob and
carol listed in staff; round 37's auth_unix_rw = none host with the socket 0660 root:libvirt),
through the real collector, parser and engine; each test asserts the exact status and message
of HVA-142 or HVA-132.

Findings (R43A-n):
- R43A-1 (wrong fail) HVA-142, HVA-132: a /etc/security/group.conf whose last rule has no final
  newline was read as if the end of the file ended its groups field, so hvaudit counted the
  grant; pam_group grants nothing from it. Linux-PAM modules/pam_group/pam_group.c read_field:
  the scan of the buffer ends at its '\\0' with no '\\n' or ';' seen, and outside a comment
  (state not STATE_COMMENT) it logs "field too long - ignored" and empties the field (`**buf =
  '\\0'`); check_account then passes the empty groups field to mkgrplist, which finds no
  group. Inside a comment (`...;sudo # note`) the text before '#' is kept and granted. The
  collector keeps the file's bytes as they are (runner.LocalRunner read_regular,
  SshRunner `cat --`), so the bundle shows the missing newline. With `sshd;*;bob|carol;
  Al0000-2400;sudo` unterminated, HVA-142 failed 4 principals (alice, bob, carol, root) where
  alice and root are the only ones; with `*;*;*;Al0000-2400;libvirt` unterminated, HVA-132
  failed the 0660 root:libvirt socket as open to every user. Now parse.host._pam_group_fields
  yields an empty unterminated last field (outside a comment), as read_field does.

Held (kept as tests): the same rule with its final newline, and unterminated but ending in a
comment, still grant (HVA-142 fails 4 principals; HVA-132 fails the socket).

Probed by script: the end-to-end run against a real libvirtd was not run (libvirtd stopped for
CI); the e2e host's /etc/security/group.conf grants nothing (Debian's shipped file is all
comments), so the change cannot reach the e2e-* verdicts.

Tally: 1 finding (wrong fail); 6 cases, 2 failed on main before the fix, 4 held.

Leads left:
- pam_group's 1000-byte buffer (PAM_GROUP_BUFLEN): a field whose terminator lies more than
  1000 bytes past its start is "field too long - ignored" too; hvaudit keeps it.
- A `%G` users field for a group that does not exist under `group: files` alone, and a local
  group with no members, still ask (round 42's lead).
- Wording: the members question says "the group of each libvirt socket" for an ACL entry's
  group; a next-start socket's message names no SocketGroup=/unix_sock_group.
- k3s/RKE2 under an OpenRC runlevel other than default.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, FAIL4, PASS2, _142
from test_redteam37_accounts_probes import (
    AUTH_NONE,
    NO_USERS_GROUP,
    PAM_EVERYONE,
    RW_PASS,
    SOCK,
    _132,
)

SUDO = "sshd;*;bob|carol;Al0000-2400;sudo"
LIBVIRT = "*;*;*;Al0000-2400;libvirt"
RW_EVERYONE = (
    "fail",
    f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: "
    f"{PAM_EVERYONE}: any local user controls every VM",
)


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (f"# grants\n{SUDO}", PASS2),
        (f"{SUDO}\n", FAIL4),
        (f"{SUDO} # bob and carol", FAIL4),
    ],
    ids=["unterminated", "held-terminated", "held-unterminated-comment"],
)
def test_pam_group_unterminated_last_field_142(host_scan, conf: str, expected) -> None:
    """R43A-1 (wrong fail) HVA-142: pam_group empties a last field with no final newline
    (read_field "field too long - ignored"): sudo goes to nobody, alice and root remain;
    failed 4 principals before the fix."""
    assert _142(host_scan({**BASE, "/etc/security/group.conf": conf})) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (LIBVIRT, RW_PASS),
        (f"{LIBVIRT}\n", RW_EVERYONE),
        (f"{LIBVIRT}#all", RW_EVERYONE),
    ],
    ids=["unterminated", "held-terminated", "held-unterminated-comment"],
)
def test_pam_group_unterminated_last_field_132(host_scan, conf: str, expected) -> None:
    """R43A-1 (wrong fail) HVA-132: an unterminated `*;*;*;Al0000-2400;libvirt` grants libvirt
    to nobody, so the 0660 root:libvirt socket is not open to every user; failed before."""
    a = host_scan({**AUTH_NONE, **NO_USERS_GROUP, "/etc/security/group.conf": conf})
    assert _132(a) == expected
