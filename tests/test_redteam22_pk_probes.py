"""Twenty-second red-team review, polkit actions that run commands as root (rt22pk).

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (ID-n):
- R22P-1 (false pass) HVA-142: a polkit rule granting systemd's
  org.freedesktop.systemd1.manage-units or machined's org.freedesktop.machine1.host-shell to
  every user or to a group counted no one ("2 administrative principal(s)"). systemd's
  src/core/dbus-manager.c method_start_transient_unit (found with `find_string`) checks exactly
  that action: `bus_verify_manage_units_async_impl(m, name, "start", N_("Authentication is
  required to start transient unit '$(unit)'."), ...)` before `transient_unit_from_message`, and
  systemd-run(1) (docs corpus via `search`): "systemd-run may be used to create and start a
  transient .service or .scope unit and run the specified COMMAND in it", "--unit= Use this unit
  name instead of an automatically generated one" (the unit detail a rule narrows by is the
  caller's pick). machined's machine-dbus.c (`find_string`): `m->class == MACHINE_HOST ?
  "org.freedesktop.machine1.host-shell" : "org.freedesktop.machine1.shell"` guards OpenShell,
  i.e. `machinectl shell root@.host`. Now an unnarrowed grant of either counts its subjects as
  administrative principals, as pkexec's does (R22A-1); a rule that also tests action.lookup()
  (unit name, target user) asks about the file.

Held (kept as tests): a rule keeping AUTH_ADMIN for manage-units keeps the hardened pass.

Probed by script, not kept: none.

Tally: 4 cases in 2 test functions; 3 failed on main d522854 before the fix.

Leads left (not settled in the time):
- HVA-142: the narrowed case asks per file: whether `action.lookup("unit") == "x.service"`
  lets a caller start a transient x.service depends on x.service not being loaded already
  (transient_unit_from_message refuses an existing unit); the unit list could settle it.
- HVA-142: machined's host-login / host-open-pty (machinectl login/-pty to .host) and
  org.freedesktop.systemd1.manage-unit-files (enable a unit file the caller wrote? only
  files in the unit paths) are not counted; check what each lets a caller run.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

RULES = "/etc/polkit-1/rules.d/60-units.rules"
GROUP_OPS = str(HARDENED_HOST["/etc/group"]) + "ops:x:1001:bob,carol\n"
UNITS = "org.freedesktop.systemd1.manage-units"
SHELL = "org.freedesktop.machine1.host-shell"


def _rules(body: str) -> dict[str, Any]:
    return {"polkit-rules": ("".join(f"{RULES}:{ln}\n" for ln in body.splitlines()), 0)}


def _rule(cond: str, result: str = "YES") -> dict[str, Any]:
    return _rules(
        "polkit.addRule(function(action, subject) {\n"
        f"  if ({cond})\n    return polkit.Result.{result};\n}});"
    )


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


@pytest.mark.parametrize(
    ("files", "group", "expected"),
    [
        (
            _rule(f'action.id == "{UNITS}"'),
            None,
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            _rule(f'action.id == "{SHELL}" && subject.isInGroup("ops")'),
            GROUP_OPS,
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            _rule(
                f'action.id == "{UNITS}" && action.lookup("unit") == "backup.service" &&'
                ' subject.user == "bob"'
            ),
            None,
            (
                "manual",
                "3 administrative principal(s) (limit 3): alice, polkit rule"
                f" {RULES} ({UNITS} narrowed by action.lookup) (members not read), root;"
                f" whom polkit rule {RULES} ({UNITS} narrowed by action.lookup)"
                " lets through is not read",
            ),
        ),
    ],
    ids=["manage-units-everyone", "host-shell-group", "manage-units-narrowed"],
)
def test_polkit_grant_of_root_command_action_counts(
    host_scan, files: dict[str, Any], group: str | None, expected: tuple[str, str]
) -> None:
    """R22P-1 (false pass) HVA-142. systemd-run(1): "systemd-run may be used to create and start
    a transient .service or .scope unit and run the specified COMMAND in it"; dbus-manager.c
    checks org.freedesktop.systemd1.manage-units for StartTransientUnit with the caller's unit
    name as the "unit" detail; machine-dbus.c checks org.freedesktop.machine1.host-shell for a
    shell on the host (`machinectl shell root@.host`). A grant of either made its subjects root
    and hvaudit passed "2 administrative principal(s)"; a grant narrowed by action.lookup()
    asks."""
    over = {**files, **({"/etc/group": group} if group else {})}
    assert _142(host_scan(over)) == expected


def test_polkit_manage_units_kept_for_administrators_holds(host_scan) -> None:
    """Held (R22P-1): AUTH_ADMIN for manage-units (systemd's default for the action) adds no
    principal."""
    status, msg = _142(host_scan(_rule(f'action.id == "{UNITS}"', "AUTH_ADMIN")))
    assert (status, msg) == ("pass", "2 administrative principal(s) (limit 3): alice, root")
