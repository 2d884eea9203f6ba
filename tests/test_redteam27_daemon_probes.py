"""Red-team round 27 probes: libvirt daemon configuration (rt27daemon)

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01), with /etc/libvirt/qemu.conf's `user` changed and the
process list without the running QEMU (a host whose VMs are not started yet, so qemu.conf is
the only evidence of QEMU's account).

Findings:
- R27O-1 (false pass) HVA-042: with no QEMU running, qemu.conf `user = "NAME"` passed "qemu.conf
  sets user = NAME" whatever the passwd database says of NAME. libvirt reads the value with
  virGetUserID (libvirt/libvirt src/util/virutil.c): without a leading '+' the name is looked
  up first (virGetUserIDByName, getpwnam_r), and only a name not found is read as a number
  (virStrToLong_ui), else "Failed to parse user '%1$s'" and the QEMU driver does not start. So
  the uid of a name /etc/passwd does not list is unknown (an NSS account: the hardened host's
  nsswitch.conf has `passwd: files sss`, or no account at all), and a passwd file that could
  not be read leaves uid 0 open (R16H-6: another name with uid 0 is root). Now a name missing
  from /etc/passwd is a manual item with one question (`getent passwd NAME`), and an unread
  /etc/passwd is the evidence's error (unknown()); a listed name, a bare number (`1000`,
  which no passwd name holds) and `+N` still pass.
- R27O-2 (false pass) HVA-042: the same for qemu.conf `group = "NAME"`: libvirt's virGetGroupID
  (src/util/virutil.c) looks the name up with getgrnam_r before reading a number ("if `group`
  contains a leading '+', the rest of the string is always parsed as a guid"), so a group
  /etc/group does not list has no gid in the evidence (an NSS group, possibly gid 0, or none
  and the driver does not start); with no QEMU running the check passed on the user alone.
  Now a manual item with one question (`getent group NAME`).

Held (kept as tests):
- user = "libvirt-qemu" listed in /etc/passwd (uid 64055), user = "1000" and user = "+64055"
  still pass with no QEMU running.

Probed by script: 6 qemu.conf user/group values (a name absent from passwd, a listed name with
passwd unreadable, a listed name, a bare number, a '+' number, a group absent from /etc/group).

Tally: 2 findings, 2 false passes, 4 tests (6 cases), 3 cases failed before the fixes.

Leads left: swtpm_user/swtpm_group naming an account or group the files do not list (the same
lookups) are not asked; the remaining leads of the brief
(listen_tcp under socket activation, passt DNS forwarding, JSON -netdev stream tunnels, the
"127/8 is reachable" wording of reach_words, older bundles) were not reached in this round.
"""

from __future__ import annotations

import re

import pytest

from conftest import HARDENED_HOST, messages, outcomes

QEMU = "/etc/libvirt/qemu.conf"
QEMU_CONF = HARDENED_HOST[QEMU]
#: the hardened host's process list without its running QEMU (no VM started yet)
NO_QEMU = (re.sub(r" 1200 libvirt\+.*\n", "", HARDENED_HOST["processes"][0]), 0)


def _user(user: str) -> dict[str, object]:
    assert 'user = "libvirt-qemu"' in QEMU_CONF
    return {
        QEMU: QEMU_CONF.replace('user = "libvirt-qemu"', f'user = "{user}"'),
        "processes": NO_QEMU,
    }


def _question(a, check_id: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == check_id)


def test_qemu_user_missing_from_passwd_is_asked(host_scan) -> None:
    """R27O-1: libvirt src/util/virutil.c virGetUserID looks a name up before reading it as a
    number; a name /etc/passwd does not list has no uid in the evidence."""
    a = host_scan(_user("qemuops"))
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets user = qemuops, which /etc/passwd does not list "
        "(an NSS account, or none): its uid is not known"
    }
    assert _question(a, "HVA-042") == (
        "Does `getent passwd qemuops` on host hv1 give an account whose uid is not 0? "
        "Evidence: that command on host hv1. Pass: yes; fail: uid 0, or no such account "
        "(libvirt's QEMU driver then does not start)."
    )


def test_qemu_user_with_passwd_unread_is_no_pass(host_scan) -> None:
    """R27O-1: /etc/passwd unread, the name's uid (0 under another name, R16H-6) is open."""
    a = host_scan({**_user("libvirt-qemu"), "/etc/passwd": OSError("Permission denied")})
    assert outcomes(a, "HVA-042") == {"hv1": "error"}
    assert messages(a, "HVA-042") == {
        "hv1": "evidence could not be collected: host/files/etc/passwd: Permission denied"
    }


@pytest.mark.parametrize("user", ["libvirt-qemu", "1000", "+64055"])
def test_resolved_qemu_user_still_passes(host_scan, user: str) -> None:
    """Held: a listed name, a bare number no name holds, and '+N' are a known uid."""
    a = host_scan(_user(user))
    assert outcomes(a, "HVA-042") == {"hv1": "pass"}
    assert messages(a, "HVA-042") == {"hv1": f"qemu.conf sets user = {user}"}


def test_qemu_group_missing_from_group_file_is_asked(host_scan) -> None:
    """R27O-2: libvirt src/util/virutil.c virGetGroupID looks a name up (getgrnam_r) before
    reading it as a number, as virGetUserID does; a group /etc/group does not list has no gid
    in the evidence."""
    over = _user("libvirt-qemu")
    over[QEMU] = str(over[QEMU]).replace('group = "libvirt-qemu"', 'group = "qemugrp"')
    a = host_scan(over)
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets group = qemugrp, which /etc/group does not list "
        "(an NSS group, or none): its gid is not known"
    }
    assert _question(a, "HVA-042") == (
        "Does `getent group qemugrp` on host hv1 give a group whose gid is not 0? "
        "Evidence: that command on host hv1. Pass: yes; fail: gid 0, or no such group "
        "(libvirt's QEMU driver then does not start)."
    )
