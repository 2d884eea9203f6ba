"""Red-team round 46 probes: who administers the hypervisor (r46-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host; the socket shapes of rounds 21, 37, 38 and 40: auth_unix_rw =
none with a group-writable socket, an unread ACL, unread pam_group grants, members beyond
/etc/group, polkit rules unread), through the real collector, parser and engine; each test
asserts the exact status, message and question of HVA-132.

Findings (R46A-n):
- R46A-1 (wording) HVA-132: the team decision (round 45's lead) is that HVA-132 fails only
  where every local login account reaches a libvirt socket (its title: the socket requires
  authorization); who among fewer accounts holds it is HVA-142's count. Its questions asked
  something else than their Pass/Fail decided: the ACL question asked whether the entries "let
  only administrators write" (pass: "grant write only to administrators", fail: "a group every
  local user is in"), the members question whether each group "hold[s] only administrators"
  (pass: "not every login account is a member"), the pam_group question whether group.conf
  grants the socket's group "only to administrators" (pass: "no rule grants that group to
  every login account"), the socket-unit question "Can only the administrators write" (fail:
  "anyone else can") and the polkit question whether each rule tests "a group or user of the
  administrators" (pass: "only the administrators are granted", fail: "every account"). An
  attester with a group of three operators and one administrator answered "no" to the lead and
  "pass" to the criterion. Now every lead asks whether a login account is left out (a group,
  an ACL entry's group, a pam_group rule, a polkit rule), and its Pass/Fail decide exactly
  that: not every login account / every login account. Rounds 35's, 37's, 38's, 39's, 40's
  and 44's expected texts follow (separate commit).
- R46A-2 (wording) HVA-151: an include of a name /etc/pam.d does not hold (`@include
  common-auth` with /etc/pam.d/common-auth absent) was reported as "includes
  /etc/pam.d/common-auth (not collected)": that file was collected and does not exist; Linux-PAM
  libpam/pam_handlers.c _pam_open_config_file opens PAM_CONFIG_DF (/etc/pam.d/NAME), then
  PAM_CONFIG_DIST_DF (/usr/lib/pam.d/NAME), so the rules are in /usr/lib/pam.d/common-auth,
  never collected (round 45's lead). The verdict was and is manual. Now the message names
  /usr/lib/pam.d/NAME ("there is no /etc/pam.d/NAME; not collected"); a file that exists but
  was not read, or a name not collected, keeps "/etc/pam.d/NAME (not collected)".

Held: every HVA-132 question stays one attestable yes/no question in the house form
(test_manual_questions.shape_problems, asserted with the finding's second test), and the
verdicts and messages are main's (asserted with the questions).

Probed by script: none. The end-to-end run against a real libvirtd was not run: R46A-1 is
the wording of HVA-132's questions (no status or message changes; test_e2e_libvirtd asserts
no HVA-132 question text); R46A-2 is HVA-151's message (sshd's PAM stack, no libvirt domain or
libvirtd state).

Tally: 2 findings (2 wording); 10 cases, 9 failed on main before the fixes (R46A-1: 8, 4
questions' exact texts, 4 naming "administrators"; the socket-unit question is asserted by
round 35's test_r35_sweep_host_probes, which follows; R46A-2: 1), 1 held (an include of a
name not collected keeps /etc/pam.d's name).

Leads left:
- HVA-151: /usr/lib/pam.d is still not collected; collecting it (sshd and PAM_STACK_FILES'
  names) would answer R46A-2's and R45A-3's questions. A missing /etc/pam.d/common-account
  (NON_AUTH_INCLUDES, assumed authless) is read from /usr/lib/pam.d too: unprobed.
- HVA-132's rules_q message ("may grant org.libvirt.unix.manage in a way hvaudit does not
  read") and the polkit pass path: a rule granting a group of operators passes HVA-132 under
  the decision; whether HVA-142 counts polkit-granted groups as administrative principals was
  not probed.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_checks_host import SSHD_KBD_ONLY
from test_manual_questions import shape_problems
from test_redteam21_sock_probes import AUTH_NONE
from test_redteam22_sock_probes import SUSE_USERS
from test_redteam37_accounts_probes import ADMIN, NO_USERS_GROUP, SOCK

ACL_UNREAD = {
    **AUTH_NONE,
    **SUSE_USERS,
    "libvirt-sockets": (f"660 root libvirt {SOCK}\n600 root root {ADMIN}\n", 1),
    "admin-paths-acl": None,
    "admin-paths-ls": (
        f"srw-rw----+ 1 root libvirt 0 Dec  7 06:00 {SOCK}\n"
        f"srw------- 1 root root 0 Dec  7 06:00 {ADMIN}\n",
        2,
        "ls: cannot access '/run/docker.sock': No such file or directory\n",
    ),
}
"""R37A-1's shape: getfacl not installed, `ls -l` marks the read-write socket with '+'."""
MEMBERS_BEYOND = {
    **NO_USERS_GROUP,
    **AUTH_NONE,
    "libvirt-sockets": (f"660 root virtadmins {SOCK}\n600 root root {ADMIN}\n", 1),
    "/etc/nsswitch.conf": "passwd: files\ngroup: files sss\n",
}
"""R40A-5's shape: the socket's group is not in /etc/group and nsswitch asks sss."""
GRANT_UNREAD = {
    **NO_USERS_GROUP,
    **AUTH_NONE,
    "/etc/security/group.conf": PermissionError("Permission denied"),
}
"""R38A-2's shape: group.conf unreadable."""

ACL_Q = (
    'question = "Does each group a named entry of the POSIX ACL on /run/libvirt/libvirt-sock '
    "lets write (with the mask) leave out a login account? Evidence: `getfacl "
    "/run/libvirt/libvirt-sock` and the groups' members in /etc/group and /etc/passwd. Pass: "
    "yes, no entry lets a group every login account is in write to it; fail: an entry lets a "
    'group every login account is in write to it."\n'
)
MEMBERS_Q = (
    "question = \"Does each group named (a libvirt socket's own group, or one a named entry of its "
    "POSIX ACL lets write) leave out a login account, with the members nsswitch's other group "
    "sources (sss, ldap, winbind ...) give it? Evidence: `getent group NAME` and the accounts "
    "whose primary group it is (`getent passwd`). Pass: yes, not every login account is a "
    'member; fail: every login account is a member."\n'
)
GRANT_Q = (
    'question = "Does every rule of /etc/security/group.conf by which pam_group grants the group '
    "of a libvirt socket (read-write, admin, virtlogd's or virtlockd's) at login leave out a "
    "login account? Evidence: `cat /etc/security/group.conf` and, for a netgroup in its users "
    "field, `getent netgroup NAME`, for a group `getent group NAME`. Pass: yes, no rule grants "
    'that group to every login account; fail: a rule grants it to every login account."\n'
)
RULES_Q = (
    'question = "Does every polkit rule that grants org.libvirt.unix.manage (YES or AUTH_SELF) '
    "test the subject (a group or user) so that a login account is left out? Evidence: the "
    ".rules files of /etc/polkit-1/rules.d, /run/polkit-1/rules.d, "
    "/usr/local/share/polkit-1/rules.d and /usr/share/polkit-1/rules.d, the .pkla files under "
    "/etc/polkit-1/localauthority and /var/lib/polkit-1/localauthority, or `pkcheck --action-id "
    "org.libvirt.unix.manage --process $$` run by an unprivileged account. Pass: yes, no rule "
    'grants it to every login account; fail: a rule grants it to every login account."\n'
)

RW_NONE = f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root"
CASES = [
    (
        ACL_UNREAD,
        f"{SOCK} carries a POSIX ACL (`ls -l` shows '+') and getfacl is not installed: whom it "
        f"grants access beyond the mode is unread; {RW_NONE} libvirt",
        ACL_Q,
    ),
    (
        MEMBERS_BEYOND,
        f"{SOCK} is mode 660 root virtadmins: group virtadmins, a group /etc/group does not hold "
        "that nsswitch's group line may find through sss, whose members are not in the "
        f"evidence; {RW_NONE} virtadmins",
        MEMBERS_Q,
    ),
    (
        GRANT_UNREAD,
        f"{SOCK} is mode 660 root libvirt: host/files/etc/security/group.conf: Permission "
        "denied: whether pam_group grants group libvirt at login to every user is unknown; "
        f"{RW_NONE} libvirt",
        GRANT_Q,
    ),
    (
        {"polkit-rules": None},
        "libvirtd.conf: auth_unix_rw = polkit, but the polkit rules were not read (the polkit "
        "rules could not be read (absent))",
        RULES_Q,
    ),
]
IDS = ["acl-unread", "members-beyond", "grant-unread", "polkit-unread"]


@pytest.mark.parametrize(("over", "message", "question"), CASES, ids=IDS)
def test_question_asks_what_it_decides(host_scan, over: dict, message: str, question: str) -> None:
    """R46A-1 (wording) HVA-132: each question's lead asks whether a login account is left out,
    as its Pass/Fail decide (the team decision: HVA-132 fails only where every login account
    reaches a socket); each asked whether "only administrators" could write."""
    a = host_scan(over)
    assert [
        (r.outcome.status.value, r.outcome.message) for r in a.results if r.check.id == "HVA-132"
    ] == [("manual", message)]
    assert question_line(a, "HVA-132", "hv1") == question


@pytest.mark.parametrize(("over", "message", "question"), CASES, ids=IDS)
def test_question_names_no_administrators(
    host_scan, over: dict, message: str, question: str
) -> None:
    """R46A-1: each question stays one attestable yes/no question whose "yes" passes (held),
    and none names administrators as its criterion (HVA-142 counts who among fewer accounts
    holds it; on main each did)."""
    a = host_scan(over)
    (q,) = [r.outcome.question for r in a.results if r.check.id == "HVA-132"]
    assert shape_problems(q) == []
    assert "administrators" not in q


INCLUDES = "@include common-auth\nauth include mfa-custom\n"


@pytest.mark.parametrize(
    ("common_auth", "named"),
    [
        (
            None,
            "common-auth (in neither /etc/pam.d nor /usr/lib/pam.d; libpam's vendor directory, "
            "/usr/etc/pam.d on openSUSE, is not collected), /etc/pam.d/mfa-custom (not collected)",
        ),
        ("auth required pam_unix.so\n", "/etc/pam.d/mfa-custom (not collected)"),
    ],
    ids=["absent-etc", "held-collected"],
)
def test_pam_include_absent_names_vendor_file(host_scan, common_auth, named: str) -> None:
    """R46A-2 (wording) HVA-151: an included name /etc/pam.d does not hold is read by libpam
    from /usr/lib/pam.d (never collected); the message named /etc/pam.d's absent file as "not
    collected". Held: an include of a name not collected keeps /etc/pam.d's name."""
    a = host_scan(
        {
            "/etc/pam.d/sshd": INCLUDES,
            "/etc/pam.d/common-auth": common_auth,
            "sshd-effective": (SSHD_KBD_ONLY, 0),
        }
    )
    assert outcomes(a, "HVA-151") == {"hv1": "manual"}
    assert messages(a, "HVA-151")["hv1"] == (
        f"evidence unavailable: sshd's PAM auth stack includes {named}: the factors it "
        "requires are unknown"
    )
