"""Red-team round 39 probes: who administers the hypervisor (r39-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host; round 37's accounts each in a group of their own), through the
real collector, parser and engine; each test asserts the exact status and message of HVA-132.

Findings (R39A-n):
- R39A-1 (false pass) HVA-132: R38A-2 (whom pam_group grants a socket's group is not in the
  evidence: /etc/security/group.conf unreadable, or a users field naming a netgroup, which
  pam_group.c check_account tests with innetgr; group.conf(5) "netgroup names are preceded by a
  '@' symbol") reached only libvirt's read-write socket. The admin socket (virt-admin) and
  virtlogd's/virtlockd's sockets go through _everyone_reaches, which read both as no grant: with
  the read-write socket 0600 root:root and /run/libvirt/libvirt-admin-sock or
  /run/libvirt/virtlogd-sock 0660 root:libvirt, HVA-132 passed "auth_unix_rw = none, ... is mode
  600 root root" (virtlockd's socket likewise). Now every group-writable socket (live, and as its unit creates it at the next
  start) asks the group.conf question where its group's grant is unread
  (checks.management._grant_unread), and the question names the socket kinds; the next start
  is probed with a virtlogd.socket drop-in SocketMode=0660, SocketGroup=libvirt.

Held (kept as tests): group.conf unreadable with every socket 0600 root:root asks nothing.

Probed by script: the end-to-end run against a real libvirtd was not run: this host's
/etc/security/group.conf is readable and holds no rule (every line a comment), so the change
cannot reach the e2e-* verdicts.

Tally: 1 finding (1 false pass); 8 cases, 7 failed on main before the fix, 1 held.

Leads left:
- The R39A-1 manual message names the group but not the socket whose group it is.
- HVA-142 shows a %group users field as 'members not read' though
  parse.host.pam_group_user_matches can resolve it (round 38's lead, not taken).
- From round 37: ACL mask vs group:: (wrong fail), default ACLs on /run/libvirt, HVA-142 OpenRC
  conf.d/k3s.<runlevel>, RKE2 under OpenRC.
"""

from __future__ import annotations

import pytest

from conftest import question_line
from test_redteam21_sock_probes import AUTH_NONE, ETC, UNITS, _cat
from test_redteam37_accounts_probes import ADMIN, LOGD, NO_USERS_GROUP, SOCK, _132

LOCKD = "/run/libvirt/virtlockd-sock"
RW_OK = f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 600 root root"
UNREAD = (
    "host/files/etc/security/group.conf: Permission denied: whether pam_group grants group "
    "libvirt at login to every user is unknown"
)
NETGROUP = (
    "/etc/security/group.conf grants group libvirt at login to netgroup @admins (pam_group asks "
    "innetgr), whose members are not in the evidence"
)
GROUP_CONF_Q = (
    'question = "Does every rule of /etc/security/group.conf by which pam_group grants the '
    "group of a libvirt socket (read-write, admin, virtlogd's or virtlockd's) at login leave "
    "out a login account? "
    "Evidence: `cat /etc/security/group.conf` and, for a netgroup in its users field, `getent "
    "netgroup NAME`, for a group `getent group NAME`. Pass: yes, no rule grants that group to "
    'every login account; fail: a rule grants it to every login account."\n'
)


@pytest.mark.parametrize("path", [ADMIN, LOGD, LOCKD], ids=["admin", "virtlogd", "virtlockd"])
@pytest.mark.parametrize(
    ("group_conf", "why"),
    [
        (PermissionError("Permission denied"), UNREAD),
        ("*;*;@admins;Al0000-2400;libvirt\n", NETGROUP),
    ],
    ids=["unreadable", "netgroup"],
)
def test_pam_group_grant_unread_other_sockets(
    host_scan, path: str, group_conf: object, why: str
) -> None:
    """R39A-1 (false pass) HVA-132: the read-write socket 0600 root:root, the admin socket or
    virtlogd's or virtlockd's socket 0660 root:libvirt, and /etc/security/group.conf unreadable or granting
    libvirt to a netgroup: whether every login account gets libvirt at login (and so the
    socket) is unknown, so a question naming the file, not a pass."""
    others = "".join(f"600 root root {p}\n" for p in (ADMIN, LOGD, LOCKD) if p != path)
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "libvirt-sockets": (f"600 root root {SOCK}\n660 root libvirt {path}\n{others}", 1),
            "/etc/security/group.conf": group_conf,
        }
    )
    assert _132(a) == ("manual", f"{path} is mode 660 root libvirt: {why}; {RW_OK}")
    assert question_line(a, "HVA-132", "hv1") == GROUP_CONF_Q


def test_pam_group_grant_unread_other_sockets_held(host_scan) -> None:
    """Held (R39A-1): group.conf unreadable, every socket 0600 root:root: no group's grant
    matters, the pass stands."""
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "libvirt-sockets": (
                f"600 root root {SOCK}\n600 root root {ADMIN}\n600 root root {LOGD}\n",
                1,
            ),
            "/etc/security/group.conf": PermissionError("Permission denied"),
        }
    )
    assert _132(a) == ("pass", RW_OK)


def test_pam_group_grant_unread_next_start(host_scan) -> None:
    """R39A-1 (false pass) HVA-132, the next start: every live socket 0600 root:root, but a
    virtlogd.socket drop-in sets SocketMode=0660 and SocketGroup=libvirt (systemd.socket(5)),
    and /etc/security/group.conf unreadable: the socket virtlogd's next start creates is open
    to whoever pam_group grants libvirt, which is unknown, so a question, not a pass."""
    logd = f"{ETC}/virtlogd.socket.d/a.conf"
    rw = f"{ETC}/libvirtd.socket.d/a.conf"
    a = host_scan(
        {
            **AUTH_NONE,
            **NO_USERS_GROUP,
            "libvirt-sockets": (
                f"600 root root {SOCK}\n600 root root {ADMIN}\n600 root root {LOGD}\n",
                1,
            ),
            UNITS: _cat(
                {
                    "libvirtd.socket": [(rw, "SocketMode=0600")],
                    "virtlogd.socket": [(logd, "SocketMode=0660\nSocketGroup=libvirt")],
                }
            ),
            "/etc/security/group.conf": PermissionError("Permission denied"),
        }
    )
    assert _132(a) == (
        "manual",
        f"virtlogd.socket: SocketMode=0660 in {logd} (the socket's next start), "
        f"SocketGroup=libvirt: {UNREAD}; "
        f"{RW_OK}, libvirtd.socket: SocketMode=0600 in {rw} (the socket's next start)",
    )
    assert question_line(a, "HVA-132", "hv1") == GROUP_CONF_Q
