"""Red team 18, Proxmox VE: user.cfg read as pve-access-control reads repeated lines.

Findings (each pinned below; sources from github:proxmox/pve-access-control 5ccd07d
src/PVE/AccessControl.pm, read with `fetch`):

- P18-1 (false pass): a second `group:` line of one name replaced the first's members;
  parse_user_config keeps a group it has seen (`$cfg->{groups}->{$group} = { users => {} } if
  !$cfg->{groups}->{$group}`) and adds each listed member (`$cfg->{groups}->{$group}->{users}
  ->{$user} = 1`), and `roles` asks `$cfg->{groups}->{$g}->{users}->{$user}`: a member of the
  first line keeps the group's grants. `group:admins:alice@corp,mallory@pve:` then
  `group:admins:alice@corp:` left mallory@pve (Administrator through @admins, no second
  factor, a pve realm user) out: HVA-306 and HVA-312 passed. Merged now; both fail.
- P18-2 (false pass): likewise a second `role:` line replaced the first's privileges
  (`$cfg->{roles}->{$role} = {} if !$cfg->{roles}->{$role}`, then `->{$priv} = 1` per
  privilege: they add up); `role:Ops:Sys.Console,Sys.Modify:` then `role:Ops:VM.Audit:` was
  read as an audit role, and its holder on `/` passed HVA-306 and HVA-312. Merged now.

Tally: see the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
MALLORY = "user:mallory@pve:1:0:::::\nuser:audit@pve"


def _users(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple]:
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": text})
    return {c: pve_result(report, c, "pve-h1") for c in ("HVA-306", "HVA-312")}


# --- P18-1 / P18-2: repeated group and role lines add up ------------------------------------------


def test_p18_1_second_group_line_adds_members(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "2 administrator(s), all with a second factor ..." and "no privileged pam or
    pve user but root@pam". AccessControl.pm parse_user_config `group` branch: the group is
    created only `if !$cfg->{groups}->{$group}` and every member listed is added to it, so
    two lines of `admins` hold both lines' members; `roles` takes a group's ACL for a user
    when `$cfg->{groups}->{$g}->{users}->{$user}`."""
    text = USER_CFG.replace("user:audit@pve", MALLORY).replace(
        "group:admins:alice@corp:Administrators:",
        "group:admins:alice@corp,mallory@pve:Administrators:\ngroup:admins:alice@corp::",
    )
    assert _users(text, tmp_path, capsys) == {
        "HVA-306": ("fail", "administrators without a second factor: mallory@pve"),
        "HVA-312": (
            "fail",
            "privileged users outside the directory: mallory@pve (directory realms: corp)",
        ),
    }


def test_p18_2_second_role_line_adds_privileges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass (both). parse_user_config `role` branch: `$cfg->{roles}->{$role} = {} if
    !$cfg->{roles}->{$role}`, then `$cfg->{roles}->{$role}->{$priv} = 1` for each valid
    privilege: `Ops` holds Sys.Console and Sys.Modify from its first line (a root shell and
    the node's network), whatever its second lists."""
    text = (
        USER_CFG.replace("user:audit@pve", MALLORY).replace(
            "role:WebOperator",
            "role:Ops:Sys.Console,Sys.Modify:\nrole:Ops:VM.Audit:\nrole:WebOperator",
        )
        + "acl:1:/:mallory@pve:Ops:\n"
    )
    assert _users(text, tmp_path, capsys) == {
        "HVA-306": ("fail", "administrators without a second factor: mallory@pve"),
        "HVA-312": (
            "fail",
            "privileged users outside the directory: mallory@pve (directory realms: corp)",
        ),
    }


def test_p18_1_held_group_lines_of_other_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a user listed in another group (webops, WebOperator on /pool/web) only is no
    administrator; the merge adds to the group named, no other."""
    text = USER_CFG.replace("user:audit@pve", MALLORY).replace(
        "group:webops:bob@corp::", "group:webops:bob@corp::\ngroup:webops:mallory@pve::"
    )
    assert _users(text, tmp_path, capsys)["HVA-306"] == (
        "pass",
        "2 administrator(s), all with a second factor (alice@corp by their realm's tfa setting)",
    )
