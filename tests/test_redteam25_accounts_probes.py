"""Red-team round 25 probes: management accounts and privileged access (rt25acct)

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R25A-n):
- R25A-3 (false pass) HVA-142: polkit grants of actions that are root's power by another road
  counted no one. AccountsService's org.freedesktop.accounts.user-administration
  (pop-os/accountsservice src/user.c: user_set_password checks it and runs `usermod -p` on the
  account named; user_set_account_type adds the account to the admin group), PackageKit's
  org.freedesktop.packagekit.package-install-untrusted (PackageKit/PackageKit
  src/pk-transaction.c pk_transaction_role_to_actions: InstallFiles without ONLY_TRUSTED; the
  package's maintainer scripts run as root), udisks2's org.freedesktop.udisks2.open-device-system
  (storaged-project/udisks src/udiskslinuxblock.c handle_open_for_restore opens a system device
  O_WRONLY and hands the descriptor over) and systemd's org.freedesktop.systemd1.set-environment
  (systemd/systemd src/core/dbus-util.c bus_verify_set_environment_async; systemd-system.conf(5)
  DefaultEnvironment=: "manager environment variables passed to all executed processes"). A
  host granting any of them to a group of two passed "2 administrative principal(s)". Now they
  count as systemd's manage-units does (a rule narrowing them with action.lookup is asked
  about).

Held (kept as tests): a grant of PackageKit's package-install (signed packages of the
configured repositories only) and of udisks2's modify-device-system adds no one.

Probed by script: see the tally.

Tally: see the end of the module (kept current as findings land).

Leads left: see the end of the module.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

GROUP = str(HARDENED_HOST["/etc/group"]) + "staff:x:50:bob,carol\n"
PASSWD = (
    str(HARDENED_HOST["/etc/passwd"])
    + "bob:x:1001:1001::/home/bob:/bin/bash\ncarol:x:1002:1002::/home/carol:/bin/bash\n"
)
BASE = {"/etc/group": GROUP, "/etc/passwd": PASSWD}


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


def _rule(action: str, group: str = "staff") -> tuple[str, int]:
    """`grep -r -H ''` of one rules file granting `action` to `group`'s members."""
    path = "/etc/polkit-1/rules.d/60-staff.rules"
    body = (
        "polkit.addRule(function(action, subject) {\n"
        f'  if (action.id == "{action}" && subject.isInGroup("{group}")) {{\n'
        "    return polkit.Result.YES;\n"
        "  }\n"
        "});\n"
    )
    return "".join(f"{path}:{line}\n" for line in body.splitlines()), 0


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            "org.freedesktop.accounts.user-administration",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "org.freedesktop.packagekit.package-install-untrusted",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "org.freedesktop.udisks2.open-device-system",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "org.freedesktop.systemd1.set-environment",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "org.freedesktop.packagekit.package-install",
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
        (
            "org.freedesktop.udisks2.modify-device-system",
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
    ],
    ids=[
        "accounts",
        "packagekit-untrusted",
        "udisks-open-system",
        "set-environment",
        "pk-signed",
        "udisks-modify",
    ],
)
def test_root_equivalent_polkit_actions_count(
    host_scan, action: str, expected: tuple[str, str]
) -> None:
    """R25A-3 (false pass) HVA-142. pop-os/accountsservice src/user.c user_set_password
    (user-administration, `usermod -p` on the account named); PackageKit/PackageKit
    src/pk-transaction.c (package-install-untrusted for InstallFiles without ONLY_TRUSTED);
    storaged-project/udisks src/udiskslinuxblock.c handle_open_for_restore (open-device-system,
    O_WRONLY on a system disk); systemd/systemd src/core/dbus-util.c
    bus_verify_set_environment_async (the manager environment reaches every service started
    after). Before the fix the first four passed with 2 principals; the last two held."""
    assert _142(host_scan({**BASE, "polkit-rules": _rule(action)})) == expected


def test_root_equivalent_action_narrowed_by_lookup_is_asked(host_scan) -> None:
    """R25A-3: a grant narrowed by action.lookup (a detail hvaudit does not read) is asked
    about, as for systemd's manage-units."""
    path = "/etc/polkit-1/rules.d/60-staff.rules"
    body = (
        "polkit.addRule(function(action, subject) {\n"
        '  if (action.id == "org.freedesktop.udisks2.open-device-system" &&\n'
        '      action.lookup("drive.vendor") == "ACME" && subject.isInGroup("staff")) {\n'
        "    return polkit.Result.YES;\n"
        "  }\n"
        "});\n"
    )
    rules = ("".join(f"{path}:{line}\n" for line in body.splitlines()), 0)
    got = _142(host_scan({**BASE, "polkit-rules": rules}))
    assert got == (
        "manual",
        "3 administrative principal(s) (limit 3): alice, polkit rule "
        f"{path} (org.freedesktop.udisks2.open-device-system narrowed by action.lookup) "
        "(members not read), root; the members of polkit rule "
        f"{path} (org.freedesktop.udisks2.open-device-system narrowed by action.lookup) "
        "are not in the evidence",
    )
