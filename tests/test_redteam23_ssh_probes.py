"""Twenty-third red-team review, SSH host access checks (rt23ssh).

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so: its sshd_config, `sshd -T`
output or /etc/passwd), through the real collector, parser and engine; each test asserts the
exact status and message of HVA-140 or HVA-160.

Findings (ID-n):
- R23S-1 (false pass) HVA-160: sshd's user patterns were matched with Python's fnmatch, which
  reads `[...]` as a character class; OpenSSH's match.c match_pattern knows only `*` and `?`
  (match.h, read with `find_string`: "Returns true if the given string matches the pattern
  (which may contain ? and * as wildcards)"; the function compares every other character
  literally: `if (*pattern != '?' && *pattern != *s) return 0`). So `DenyUsers [r]oot` passed
  "DenyUsers [r]oot refuses root" while sshd denies only a user literally named `[r]oot`;
  `Match User !r[o]ot,*` with PermitRootLogin yes was taken to exclude root (pass, while the
  block selects root); `Match User [r]oot` with PermitRootLogin no was taken to select every
  root login, hiding a later `Match Address` block that sets it to yes. Now every sshd user
  pattern (Match User, DenyUsers, AllowUsers) is matched as match_pattern does
  (`ssh_pattern_match`); AllowUsers entries with `[`, which were taken to admit root, now admit
  it only where the pattern does (a wrong fail the other way).

Held (kept as tests): `DenyUsers r??t` still refuses root (`?` is a wildcard in match_pattern).

Probed by script, not kept (the verdict was right): Match blocks written `PermitRootLogin=yes`,
with tabs, `Match User "alice,root"`, `Match User=root`, `Match !User alice`, a Match block in
a drop-in of sshd_config.d (all fail HVA-160); a Match block's `AuthenticationMethods=publickey`,
`AuthenticationMethods "publickey"`, `PasswordAuthentication yes` with `AuthenticationMethods
any` (fail HVA-151); a Match block's `AllowGroups *` (fail HVA-161); an upper-case `AUTH` PAM
line (libpam reads the type case-insensitively; so does hvaudit).

Tally: 5 cases in 2 test functions; 4 failed on main 3e75aad before the fixes.

Leads left (not settled in the time):
- HVA-140: an account with a nologin shell still reaches files through sshd's internal-sftp
  (session.c do_child runs sftp_server_main for SUBSYSTEM_INT_SFTP before the shell is
  executed); not counted as a login.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

CONFIG = str(HARDENED_HOST["/etc/ssh/sshd_config"])
EFFECTIVE = str(HARDENED_HOST["sshd-effective"][0]).replace(
    "permitrootlogin no", "permitrootlogin prohibit-password"
)


def _160(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-160")["hv1"], messages(a, "HVA-160")["hv1"]


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {"/etc/ssh/sshd_config": CONFIG + "Match User !r[o]ot,*\n  PermitRootLogin yes\n"},
            (
                "fail",
                "PermitRootLogin no, but Match User !r[o]ot,* (/etc/ssh/sshd_config:8) sets "
                "PermitRootLogin yes",
            ),
        ),
        (
            {
                "/etc/ssh/sshd_config": CONFIG + "Match User [r]oot\n  PermitRootLogin no\n"
                "Match Address 10.0.0.0/8\n  PermitRootLogin yes\n"
            },
            (
                "fail",
                "PermitRootLogin no, but Match Address 10.0.0.0/8 (/etc/ssh/sshd_config:10) sets "
                "PermitRootLogin yes",
            ),
        ),
        (
            {"sshd-effective": (EFFECTIVE + "denyusers [r]oot\n", 0)},
            ("fail", "PermitRootLogin prohibit-password"),
        ),
        (
            {"sshd-effective": (EFFECTIVE + "allowusers alice r[o]ot\n", 0)},
            (
                "pass",
                "AllowUsers alice r[o]ot admits no root login (PermitRootLogin "
                "prohibit-password is not reached)",
            ),
        ),
    ],
    ids=[
        "match-negated-class",
        "match-class-hides-later-block",
        "denyusers-class",
        "allowusers-class",
    ],
)
def test_sshd_user_patterns_have_no_character_classes(
    host_scan, over: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R23S-1 (false pass) HVA-160. OpenSSH match.c match_pattern, the matcher behind Match
    User (match_usergroup_pattern_list -> match_pattern_list), DenyUsers and AllowUsers
    (auth.c allowed_user -> match_user): "Returns true if the given string matches the pattern
    (which may contain ? and * as wildcards)" (match.h), every other character compared as
    itself (`if (*pattern != '?' && *pattern != *s) return 0`; both read with `find_string`).
    `[r]oot` is no pattern for root; fnmatch read it as one, so the three first cases passed
    ("PermitRootLogin no" twice, "DenyUsers [r]oot refuses root before any authentication
    method") and the fourth failed."""
    assert _160(host_scan(over)) == expected


def test_denyusers_question_mark_still_refuses_root(host_scan) -> None:
    """Held (R23S-1): `?` is one of match_pattern's two wildcards, so `DenyUsers r??t` refuses
    root before any authentication method."""
    got = _160(host_scan({"sshd-effective": (EFFECTIVE + "denyusers r??t\n", 0)}))
    assert got == (
        "pass",
        "DenyUsers r??t refuses root before any authentication method (PermitRootLogin "
        "prohibit-password is not reached)",
    )
