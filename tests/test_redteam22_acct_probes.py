"""Twenty-second red-team review, host accounts and administrative access (rt22acct).

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (ID-n):
- R22A-1 (false pass) HVA-142: a polkit rule (or .pkla section) granting pkexec's action
  org.freedesktop.policykit.exec (YES or AUTH_SELF) to every user or to a group counted no one:
  HVA-142 read polkit only for org.libvirt.unix.manage and administrator identities, so
  `if (action.id == "org.freedesktop.policykit.exec") return polkit.Result.YES;` passed "2
  administrative principal(s)". pkexec(1) (polkit's manual, found with `search`, docs corpus:
  freedesktop.org polkit 0.105 pkexec.1 and the distributions' copies): "pkexec allows an
  authorized user to execute PROGRAM as another user. If username is not specified, then the
  program will be executed as the administrative super user, root"; its SECURITY NOTES: "By
  default the required authorization ... requires administrator authentication", which such a
  rule takes away. Now every grant of that action counts its subjects as principals (the same
  polkit.grants reading as org.libvirt.unix.manage: .rules functions and .pkla sections),
  whatever program the rule names, as a narrow sudo rule counts.

Held (kept as tests): a rule returning NO or AUTH_ADMIN for pkexec keeps the hardened pass.

Probed by script, not kept (the verdict was right): polkit rules granting org.libvirt.unix.manage
through a ternary, a variable, an else branch, `includes`, a regex test, a loop, `subject.user
!= "nobody"`, `|| subject.local`, `subject.active`, AUTH_SELF_KEEP, addAdminRule
`unix-group:*` (all fail "ALL (every user)" or ask); addAdminRule `unix-group:users` (asks).

Tally: 5 cases in 2 test functions; 3 failed on main 42dfe19 before the fix.

Leads left (not settled in the time):
- HVA-142: other polkit actions that run programs as root are still not counted:
  org.freedesktop.systemd1.manage-units (StartTransientUnit: `systemd-run` runs any command as
  root; rules often narrow by action.lookup("unit"), whose transient unit name the caller
  picks) and org.freedesktop.machine1.host-shell (`machinectl shell root@.host`); both passed
  "2 administrative principal(s)" when granted to everyone. Confirm the actions in systemd's
  src/core/dbus-manager.c and src/machine/machined-dbus.c before counting them.
- HVA-142: the docker group counts only while dockerd runs (processes); a socket-activated
  docker.socket (dockerd started on the first connection) leaves the group uncounted.
- HVA-140: an account with a nologin shell still reaches files through sshd's internal-sftp
  (no shell run); not counted as a login.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

RULES = "/etc/polkit-1/rules.d/60-pkexec.rules"
PKLA = "/etc/polkit-1/localauthority/50-local.d/pkexec.pkla"
GROUP_OPS = str(HARDENED_HOST["/etc/group"]) + "ops:x:1001:bob,carol\n"


def _rules(path: str, body: str) -> dict[str, Any]:
    return {"polkit-rules": ("".join(f"{path}:{ln}\n" for ln in body.splitlines()), 0)}


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


@pytest.mark.parametrize(
    ("files", "group", "principals"),
    [
        (
            _rules(
                RULES,
                "polkit.addRule(function(action, subject) {\n"
                '  if (action.id == "org.freedesktop.policykit.exec")\n'
                "    return polkit.Result.YES;\n});",
            ),
            None,
            "3 administrative principal(s) (limit 3): ALL (every user), alice, root",
        ),
        (
            _rules(
                RULES,
                "polkit.addRule(function(action, subject) {\n"
                '  if (action.id == "org.freedesktop.policykit.exec" &&\n'
                '      subject.isInGroup("ops"))\n'
                "    return polkit.Result.AUTH_SELF;\n});",
            ),
            GROUP_OPS,
            "4 administrative principal(s) (limit 3): alice, bob, carol, root",
        ),
        (
            _rules(
                PKLA,
                "[pkexec for ops]\nIdentity=unix-group:ops\n"
                "Action=org.freedesktop.policykit.*\nResultActive=yes\n",
            ),
            GROUP_OPS,
            "4 administrative principal(s) (limit 3): alice, bob, carol, root",
        ),
    ],
    ids=["rules-everyone", "rules-group-auth-self", "pkla-group"],
)
def test_polkit_grant_of_pkexec_counts(
    host_scan, files: dict[str, Any], group: str | None, principals: str
) -> None:
    """R22A-1 (false pass) HVA-142. pkexec(1): "pkexec allows an authorized user to execute
    PROGRAM as another user. If username is not specified, then the program will be executed
    as the administrative super user, root" (polkit's manual, docs corpus via `search`). A rule
    or .pkla section granting org.freedesktop.policykit.exec makes its subjects root; hvaudit
    read polkit for org.libvirt.unix.manage and admin identities only and passed "2
    administrative principal(s)"."""
    over = {**files, **({"/etc/group": group} if group else {})}
    status, msg = _142(host_scan(over))
    assert (status, msg) == ("fail", principals)


@pytest.mark.parametrize("result", ["NO", "AUTH_ADMIN"])
def test_polkit_pkexec_kept_for_administrators_holds(host_scan, result: str) -> None:
    """Held (R22A-1): a rule that refuses pkexec or keeps administrator authentication (pkexec(1)
    SECURITY NOTES, the default "requires administrator authentication") adds no principal."""
    files = _rules(
        RULES,
        "polkit.addRule(function(action, subject) {\n"
        '  if (action.id == "org.freedesktop.policykit.exec")\n'
        f"    return polkit.Result.{result};\n}});",
    )
    status, msg = _142(host_scan(files))
    assert (status, msg) == ("pass", "2 administrative principal(s) (limit 3): alice, root")
