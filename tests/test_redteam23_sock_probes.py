"""Twenty-third red-team review, libvirt's sockets and listeners (rt23sock).

Harness: as tests/test_redteam22_sock_probes.py: libvirt's test driver serves the VMs, host
evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a probe
says so) through the real collector, parser and engine; `systemctl cat` of the socket units is
test_redteam21_sock_probes._cat (Debian 12's libvirt 9.0.0 units, with drop-ins), the accounts
are test_redteam22_sock_probes.SUSE_USERS (alice, bob, carol, primary group users, gid 100).

Findings (ID-n):
- R23U-1 (false pass) HVA-132: a group-writable libvirt socket whose group holds every local
  account passed when the group was not spelled as a name: a socket unit's SocketUser= without
  SocketGroup= (the group not looked up: "") and a numeric SocketGroup=100 or libvirtd.conf
  unix_sock_group = "100" / "+100" (no /etc/group entry of that name). systemd.socket(5)
  (read with `find_string`): "If only a user is specified but no group, then the group is
  derived from the user's default group"; systemd src/basic/user-util.c get_group_creds (read
  with `find_string`): "if (parse_gid(*groupname, &id) >= 0) { ... g = getgrgid(id);"; libvirt
  src/util/virutil.c virGetGroupID (read with `find_string`): "parse `group` first as a group
  name and then as a group id. However if `group` contains a leading '+', the rest of the
  string is always parsed as a guid". Now SocketUser= (a name or uid) without SocketGroup=
  takes that account's passwd gid, and a numeric group is the /etc/group entry of that gid (or
  that gid alone, its primary-group members): a group of every local account fails as R22U-3's
  named one does, the derivation named in the message.

Held (kept as tests): SocketUser=bob without SocketGroup= where bob's default group is his own
keeps the pass (its message now names the derivation).

Probed by script, not kept: `systemctl add-wants libvirtd.service libvirtd-tcp.socket` (a link
in /etc/systemd/system/libvirtd.service.wants/, round 22's lead): systemd 252's `systemctl
--root=DIR list-unit-files` here reports the unit "enabled" for that link (and for a link in
multi-user.target.wants/), so HVA-030 already fails it as an enabled -tcp unit; a link under
/usr/lib/systemd/system/libvirtd.service.wants/ reports "static" (vendor directory, not an
administrator's path).

Tally: 6 cases in 3 test functions; 6 failed on main fcd8937 before the fixes (5 verdicts, the
held case's message).

Leads left (not settled in the time):
- HVA-132: a non-root SocketUser= (that account owns the socket and reaches it through the
  owner bits) is not judged; group members from a directory (nsswitch sss/ldap) are not read.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_sock_probes import AUTH_NONE, ETC, UNITS, _cat
from test_redteam22_sock_probes import EVERYONE, SUSE_USERS

CONF = "/etc/libvirt/libvirtd.conf"


@pytest.mark.parametrize(
    ("owner", "why"),
    [
        ("SocketUser=alice", ", SocketUser=alice without SocketGroup= (the user's default group)"),
        ("SocketUser=1000", ", SocketUser=1000 without SocketGroup= (the user's default group)"),
        ("SocketGroup=100", ""),
    ],
    ids=["user-name", "user-uid", "numeric-group"],
)
def test_socket_owner_resolving_to_a_group_of_everyone_fails(host_scan, owner, why) -> None:
    """R23U-1 (false pass) HVA-132: auth_unix_rw = none, a drop-in SocketMode=0660 with
    SocketUser=alice (or uid 1000) and no SocketGroup=, or SocketGroup=100: the socket's group
    at the next start is users (gid 100), every account's primary group, so every local user
    connects (unix(7): connect needs write permission). systemd.socket(5): "If only a user is
    specified but no group, then the group is derived from the user's default group";
    get_group_creds parses a numeric gid (parse_gid, getgrgid). hvaudit passed the 0660."""
    path = f"{ETC}/libvirtd.socket.d/o.conf"
    a = host_scan(
        {
            **AUTH_NONE,
            **SUSE_USERS,
            UNITS: _cat({"libvirtd.socket": [(path, f"SocketMode=0660\n{owner}")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, libvirtd.socket: SocketMode=0660 in "
            f"{path} (the socket's next start){why}: {EVERYONE}: any local user controls every VM"
        },
    )


@pytest.mark.parametrize("group", ["100", "+100"])
def test_numeric_unix_sock_group_of_everyone_fails(host_scan, group) -> None:
    """R23U-1 (false pass) HVA-132: no socket unit and no live socket (the traditional mode, the
    daemon stopped), auth_unix_rw = none, unix_sock_rw_perms = "0770" and unix_sock_group = "100"
    or "+100": libvirt's virGetGroupID takes "100" as a gid when no group has that name and
    "+100" always ("the rest of the string is always parsed as a guid"): users, every
    account's primary group. hvaudit looked "100" up as a group name and passed."""
    conf = AUTH_NONE[CONF].replace('unix_sock_group = "libvirt"', f'unix_sock_group = "{group}"')
    a = host_scan(
        {
            CONF: conf + 'unix_sock_rw_perms = "0770"\n',
            **SUSE_USERS,
            "libvirt-sockets": ("", 1, "stat: cannot statx: No such file or directory\n"),
            "libvirt-socket-units": ("", 0),
            UNITS: ("", 1, "No files found\n"),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, unix_sock_rw_perms = 0770: "
            f"{EVERYONE}: any local user controls every VM"
        },
    )


def test_socket_user_whose_own_group_holds_no_one_keeps_the_pass(host_scan) -> None:
    """Held: SocketUser=bob without SocketGroup= where bob's default group is his own (gid
    1001, no members): only bob and root reach the 0660 socket; pass, naming the derivation."""
    path = f"{ETC}/libvirtd.socket.d/o.conf"
    users = {
        **SUSE_USERS,
        "/etc/passwd": SUSE_USERS["/etc/passwd"].replace("bob:x:1001:100:", "bob:x:1001:1001:"),
    }
    a = host_scan(
        {
            **AUTH_NONE,
            **users,
            UNITS: _cat({"libvirtd.socket": [(path, "SocketMode=0660\nSocketUser=bob")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, /run/libvirt/libvirt-sock is mode 660 "
            f"root libvirt, libvirtd.socket: SocketMode=0660 in {path} (the socket's next "
            "start), SocketUser=bob without SocketGroup= (the user's default group)"
        },
    )
