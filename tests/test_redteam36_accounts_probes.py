"""Red-team round 36 probes: who administers the hypervisor (r36-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R36A-n):
- R36A-1 (false pass) HVA-142: only /etc/doas.conf was read of doas's rules. Alpine's doas
  (aports main/doas, built --with-doas-confdir; configuration-directory.patch "read both
  /etc/doas.conf and /etc/doas.d/*.conf if confdir is enabled": parseconfdir scandir()s
  /etc/doas.d in alphasort order and parses every regular file whose name ends in .conf after
  doas.conf, the last matching rule deciding) reads /etc/doas.d too, where packages drop their
  rules. `permit persist :staff` in /etc/doas.d/20-staff.conf passed "2 administrative
  principal(s)". Now /etc/doas.d is collected (collect.host "doas-d") and its snippets' rules
  follow doas.conf's in doas's order (parse.host._doas_d_files); one that does not read is
  unavailable evidence naming it, and an unreadable directory a failed one.

Held (kept as tests): a snippet doas ignores (`20-staff.conf.apk-new`, or in a directory
below) adds no one; a later snippet's `deny :staff` takes back an earlier one's permit.

Tally: 1 finding (1 false pass); 6 cases, 4 failed on main before the fix (R36A-1: 4), 2 held.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, FAIL4, PASS2, _142


def _doas_d(*files: tuple[str, str], rc: int = 0, stderr: str = "") -> tuple[str, int, str]:
    """`grep -R -D skip -H "" /etc/doas.d` output."""
    out = "".join(
        f"/etc/doas.d/{name}:{line}\n" for name, body in files for line in body.splitlines()
    )
    return out, rc, stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ((("20-staff.conf", "permit persist :staff\n"),), FAIL4),
        # alphasort: 10-... before 20-..., the last matching rule deciding
        ((("20-deny.conf", "deny :staff\n"), ("10-staff.conf", "permit :staff\n")), PASS2),
        (
            (("10-staff.conf", "permit :staff\n"), ("20-deny.conf", "deny carol\n")),
            ("pass", "3 administrative principal(s) (limit 3): alice, bob, root"),
        ),
        # held: doas reads only names ending in .conf, directly in /etc/doas.d
        (
            (("20-staff.conf.apk-new", "permit :staff\n"), ("old/20-staff.conf", "permit bob\n")),
            PASS2,
        ),
    ],
    ids=[
        "group-snippet",
        "later-snippet-denies",
        "later-snippet-denies-carol",
        "held-ignored-names",
    ],
)
def test_alpine_doas_d(
    host_scan, files: tuple[tuple[str, str], ...], expected: tuple[str, str]
) -> None:
    """R36A-1 (false pass) HVA-142. Alpine's doas reads /etc/doas.d/*.conf after /etc/doas.conf
    (aports main/doas configuration-directory.patch parseconfdir): a snippet's permit passed
    "2 administrative principal(s)"."""
    assert _142(host_scan({**BASE, "doas-d": _doas_d(*files)})) == expected


def test_alpine_doas_d_unparsable(host_scan) -> None:
    """R36A-1: a snippet doas cannot parse (it then refuses every command) is unread evidence."""
    a = host_scan({**BASE, "doas-d": _doas_d(("wheel.conf", "permit\n"))})
    assert _142(a) == (
        "manual",
        "evidence unavailable: /etc/doas.d/wheel.conf could not be read as doas.conf(5) (line "
        "1: no identity): who doas lets run commands as root is unknown",
    )


def test_alpine_doas_d_unreadable(host_scan) -> None:
    """R36A-1: /etc/doas.d unreadable by the collector may hold any rule: an error, as an
    unreadable sudoers is."""
    denied = "grep: /etc/doas.d/20-staff.conf: Permission denied\n"
    a = host_scan({**BASE, "doas-d": _doas_d(rc=2, stderr=denied)})
    assert _142(a) == (
        "error",
        "evidence could not be collected: /etc/doas.d could not be read (exit status 2: grep: "
        "/etc/doas.d/20-staff.conf: Permission denied): who doas lets run commands as root is "
        "unknown",
    )
