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

Held (kept as tests): `libvirt-qemu` and `libvirt_x` (one name each: '-' and '_' are name
characters), a backslash ending a comment before another comment, and a rule broken by a
newline before its groups field (`;libvirt` then starts nothing) grant no libvirt.

Probed by script: the end-to-end run against a real libvirtd was not run: this host's
/etc/security/group.conf is readable and every line a comment, and the old and the new reading
both give no grant, so the change cannot reach the e2e-* verdicts.

Tally: 1 finding (1 false pass); 22 cases, 14 failed on main before the fix (R40A-1: 14), 8
held.

Leads left:
- pam_group drops the last field of a file without a final newline (read_field's "field too
  long - ignored" at the end of the buffer): hvaudit still counts that rule (a conservative
  wrong fail, unprobed).
- From round 39: the R39A-1 message names no socket; HVA-142's %group users field; ACL mask vs
  group::; default ACLs on /run/libvirt; OpenRC k3s.<runlevel>, RKE2 under OpenRC.
"""

from __future__ import annotations

import pytest

from test_redteam21_sock_probes import AUTH_NONE
from test_redteam26_accounts_probes import BASE, EVERYONE, PASS2, _142
from test_redteam37_accounts_probes import NO_USERS_GROUP, PAM_EVERYONE, RW_PASS, SOCK, _132

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
