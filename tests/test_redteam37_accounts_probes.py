"""Red-team round 37 probes: who administers the hypervisor (r37-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host; round 22's SUSE accounts, every login account in the primary
group users, where a group of everyone matters), through the real collector, parser and
engine; each test asserts the exact status and message of the check it probes.

Findings (R37A-n):
- R37A-1 (false pass) HVA-132: its own judgement of libvirt's sockets read `stat`'s mode,
  owner and group only; the getfacl probe R36A-5 added fed HVA-142 alone. A named group entry
  of a POSIX ACL grants what it and the mask hold whatever the mode's group and other bits
  (acl(5) ACCESS CHECK ALGORITHM), and connect(2) on a UNIX socket needs write (unix(7)):
  `setfacl -m g:users:rw` on the read-write socket under auth_unix_rw = none (stat: 660 root
  libvirt; users every account's primary group, SUSE, R9H-3), or on the admin socket or
  virtlogd's (stat: 600 root root), passed ("mode 660 root libvirt", "auth_unix_rw =
  polkit"), where the same group in the mode fails (R22U-3). Now the named group entries that
  let write are read into the model (LibvirtHost.socket_acl_writers,
  parse.host._libvirt_socket_acl_writers) and a group of everyone among them fails as the
  mode's group does (checks.management._acl_everyone); a '+' in `ls -ldL` on a socket that
  decides, getfacl not installed, is a question naming it (LibvirtHost.socket_acl_unread).
- R37A-2 (false pass) HVA-132: a group every login gets from pam_group was not a group of
  everyone. /etc/security/group.conf's `*;*;*;Al0000-2400;libvirt` has pam_group add libvirt
  to every login's groups (group.conf(5), Linux-PAM: pam_group "grants group memberships (in
  the credential setting phase of the authentication module) to the user"; users field `*`),
  which HVA-142 counts as every user (R25A-6); with auth_unix_rw = none and the read-write
  socket 0660 root:libvirt, or the admin socket 0660 root:libvirt, HVA-132 passed "mode 660
  root libvirt". Now group.conf's grants are in the model (HostFacts.login_groups) and a
  group it grants to `*`, by its name or another name of its gid, is a group of everyone
  (checks.management._group_of_everyone), as every account's primary group is (R22U-3).
- R37A-3 (false pass) HVA-142: a named ACL entry of k3s's admin kubeconfig was weighed under
  the mask it has now only. k3s's every start rewrites k3s.yaml in place and chmods it (k3s
  pkg/server/server.go writeKubeConfig: client-go clientcmd WriteToFile, ioutil.WriteFile, "If
  it is present it stomps the contents", then util.SetFileModeForPath, os.Chmod), and on a
  file with an ACL the mode's group bits are the mask (acl(5), CORRESPONDENCE BETWEEN ACL
  ENTRIES AND FILE PERMISSION BITS). k3s.yaml chmod'ed 0600 since (mask ---) with entries
  user:bob:r--, user:carol:r-- (or group:staff:r--) and config.yaml's write-kubeconfig-mode
  0640 passed "2 administrative principal(s)"; the next start's mask r-- lets them read the
  cluster-admin kubeconfig. Now the entries, unmasked, are weighed under the mask of the mode
  the next start sets (parse.host._acl_next_mask_readers).

Held (kept as tests): under auth_unix_rw = none an ACL entry the mask narrows to read, a
named group of listed members (HVA-142 counts them) and a read-only entry add no one; under
polkit (the default) a '+' on the read-write socket asks nothing, nor does the admin socket
without '+'; pam_group granting libvirt to named accounts (alice|bob: HVA-142 counts them),
granting other groups to `*`, or a commented-out line adds no one; k3s's next 0600 leaves the
mask empty, 0604 (no group bit) counts every user by the others bit alone, and entries without
read under 0660 add no one.

Probed by script (not kept): getfacl is not installed on this review machine, so the
end-to-end run against a real libvirtd (tests/test_e2e_libvirtd.py, 11 passed with R37A-1 and
R37A-2) takes the `ls -ldL` path and sees no '+'; a search for openSUSE's /usr/etc/sudoers
(SUSE documentation, sudo's issues) found only /etc/sudoers and /etc/sudoers.d documented,
so nothing was changed for it.

Tally: 3 findings (3 false passes); 19 cases, 9 failed on main before the fixes (R37A-1: 4;
R37A-2: 3; R37A-3: 2), 10 held.

Leads left:
- HVA-132/HVA-142: with an ACL, `stat`'s group bits are the mask, not the owning group's entry
  (group:: narrower than the mask, e.g. `setfacl -m g::---` on a 0660 root:users socket) -- a
  wrong fail of the same reading; a default ACL on /run/libvirt or /run (a socket unit's next
  start creates the node under it) is not read.
- HVA-132: /etc/security/group.conf unreadable leaves a pam_group grant unknown (HVA-142
  errors; HVA-132 reads no grant); a users field naming a group (`%users`) or a netgroup that
  holds everyone is unresolved, not everyone; pam_group's grant assumes a PAM stack runs
  pam_group.so (not read, as in HVA-142).
- HVA-142: R37A-3's next-start mask for MicroK8s's and kubeadm's files (no restart chmod
  known); conf.d/k3s.<runlevel> of a runlevel other than default; an empty k3s.default.
- openSUSE's /usr/etc/sudoers (vendor directory): no source found in the stored corpus.
- From round 35/36: an `if ...; then` block's assignments applied unconditionally; RKE2 under
  OpenRC; a directory account (sss, ldap) that administers is not weighed as its target.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_redteam21_sock_probes import AUTH_NONE
from test_redteam22_sock_probes import EVERYONE as USERS_EVERYONE
from test_redteam22_sock_probes import SUSE_USERS
from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, PASS2, _142
from test_redteam33_accounts_probes import K3S_CONFIG, K3S_YAML, _grep
from test_redteam36_accounts_probes import _getfacl

SOCK = "/run/libvirt/libvirt-sock"
ADMIN = "/run/libvirt/libvirt-admin-sock"
LOGD = "/run/libvirt/virtlogd-sock"
USERS_RW = "user::rw-\ngroup::---\ngroup:users:rw-\nmask::rw-\nother::---\n"
ADMIN_REACH = (
    "any local user administers the daemon through its admin socket (virt-admin: log outputs, "
    "client limits, TLS files)"
)
LOGD_REACH = (
    "any local user has virtlogd (root) open, read and append to any file it names "
    "(log_daemon_dispatch.c takes the path from the client and checks no identity)"
)
RW_PASS = ("pass", f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt")


def _132(a) -> tuple[str, str]:
    return outcomes(a, "HVA-132")["hv1"], messages(a, "HVA-132")["hv1"]


@pytest.mark.parametrize(
    ("acl", "expected"),
    [
        (
            USERS_RW,
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt, its ACL "
                f"lets group users write: {USERS_EVERYONE}: any local user controls every VM",
            ),
        ),
        # a gid with no name: getfacl prints the number
        (
            USERS_RW.replace("group:users:", "group:100:"),
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt, its ACL "
                f"lets group 100 write: {USERS_EVERYONE}: any local user controls every VM",
            ),
        ),
        # held: the mask leaves users read only; a group of named members; read only
        (USERS_RW.replace("mask::rw-", "mask::r--"), RW_PASS),
        # (sudo lists alice alone; a name /etc/group does not hold, as staff was here, is a
        # directory group under conftest's `group: files sss`, whose members R41A-2 asks)
        (USERS_RW.replace("group:users:", "group:sudo:"), RW_PASS),
        (USERS_RW.replace("group:users:rw-", "group:users:r--"), RW_PASS),
    ],
    ids=["users-rw", "numeric-gid", "held-mask-read", "held-named-group", "held-read-only"],
)
def test_rw_socket_acl(host_scan, acl: str, expected: tuple[str, str]) -> None:
    """R37A-1 (false pass) HVA-132: auth_unix_rw = none and the read-write socket 0660
    root:libvirt, with `setfacl -m g:users:rw` on it (every account's primary group users,
    SUSE): acl(5)'s named group entry lets every account connect, as the group bits of R22U-3
    would; passed "mode 660 root libvirt"."""
    a = host_scan(
        {
            **AUTH_NONE,
            **SUSE_USERS,
            "libvirt-sockets": (f"660 root libvirt {SOCK}\n600 root root {ADMIN}\n", 1),
            "admin-paths-acl": _getfacl((SOCK, acl)),
        }
    )
    assert _132(a) == expected


def test_admin_and_virtlogd_socket_acl(host_scan) -> None:
    """R37A-1 (false pass) HVA-132: the admin socket 0600 root:root and virtlogd's socket 0600
    with an ACL entry for group users (rw): virt-admin, and virtlogd's file writes as root, for
    every account; passed "auth_unix_rw = polkit"."""
    a = host_scan(
        {
            **SUSE_USERS,
            "libvirt-sockets": (
                f"777 root root {SOCK}\n600 root root {ADMIN}\n600 root root {LOGD}\n",
                1,
            ),
            "admin-paths-acl": _getfacl((ADMIN, USERS_RW), (LOGD, USERS_RW)),
        }
    )
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}
    assert messages(a, "HVA-132")["hv1"].split("; ") == [
        f"{ADMIN} is mode 600 root root, its ACL lets group users write: {USERS_EVERYONE}: "
        f"{ADMIN_REACH}",
        f"{LOGD} is mode 600 root root, its ACL lets group users write: {USERS_EVERYONE}: "
        f"{LOGD_REACH}",
    ]


def test_rw_socket_acl_unread(host_scan) -> None:
    """R37A-1: getfacl not installed and `ls -l` marks the read-write socket (auth_unix_rw =
    none) with '+': whom its ACL lets connect is a question naming the socket, not the pass."""
    a = host_scan(
        {
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
    )
    assert _132(a) == (
        "manual",
        f"{SOCK} carries a POSIX ACL (`ls -l` shows '+') and getfacl is not installed: whom it "
        f"grants access beyond the mode is unread; {RW_PASS[1]}",
    )
    assert question_line(a, "HVA-132", "hv1") == (
        'question = "Does each group a named entry of the POSIX ACL on '
        "/run/libvirt/libvirt-sock lets write (with the mask) leave out a login account? "
        "Evidence: `getfacl /run/libvirt/libvirt-sock` and the groups' members in /etc/group "
        "and /etc/passwd. Pass: yes, no entry lets a group every login account is in write to "
        'it; fail: an entry lets a group every login account is in write to it."\n'
    )


def test_polkit_socket_acl_held(host_scan) -> None:
    """Held: under auth_unix_rw = polkit (the default) an ACL on the read-write socket adds no
    one (polkit decides), and the admin socket without '+' needs no ACL read."""
    a = host_scan(
        {
            **SUSE_USERS,
            "admin-paths-acl": None,
            "admin-paths-ls": (
                f"srwxrwxrwx+ 1 root root 0 Dec  7 06:00 {SOCK}\n"
                f"srw------- 1 root root 0 Dec  7 06:00 {ADMIN}\n",
                2,
                "ls: cannot access '/run/docker.sock': No such file or directory\n",
            ),
        }
    )
    assert _132(a) == ("pass", "libvirtd.conf: auth_unix_rw = polkit")


# every interactive account of uid 1000 and up: alice (primary group alice) and bob, carol
NO_USERS_GROUP = {
    "/etc/passwd": SUSE_USERS["/etc/passwd"]
    .replace("alice:x:1000:100:", "alice:x:1000:1000:")
    .replace("bob:x:1001:100:", "bob:x:1001:1001:")
    .replace("carol:x:1002:100:", "carol:x:1002:1002:"),
    "/etc/group": SUSE_USERS["/etc/group"],
}

PAM_EVERYONE = (
    "group libvirt (gid 108) is granted to every user at login by /etc/security/group.conf "
    "(pam_group)"
)


@pytest.mark.parametrize(
    ("group_conf", "expected"),
    [
        (
            "*;*;*;Al0000-2400;libvirt\n",
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: "
                f"{PAM_EVERYONE}: any local user controls every VM",
            ),
        ),
        # another name of the gid (newgrp and pam_group give a name's gid), a continued line
        (
            "login;tty*;\\\n *;Al0000-2400;virt\n",
            (
                "fail",
                f"libvirtd.conf: auth_unix_rw = none, {SOCK} is mode 660 root libvirt: "
                "group libvirt (gid 108) is granted as virt to every user at login by "
                "/etc/security/group.conf (pam_group): any local user controls every VM",
            ),
        ),
        # held: named accounts (HVA-142 counts them); another group; a commented-out line
        ("*;*;alice|bob;Al0000-2400;libvirt\n", RW_PASS),
        ("*;*;*;Al0000-2400;audio video\n", RW_PASS),
        ("#*;*;*;Al0000-2400;libvirt\n", RW_PASS),
    ],
    ids=["star", "gid-alias-continued", "held-named", "held-other-group", "held-comment"],
)
def test_rw_socket_group_pam_group(host_scan, group_conf: str, expected: tuple[str, str]) -> None:
    """R37A-2 (false pass) HVA-132: auth_unix_rw = none, the socket 0660 root:libvirt, and
    /etc/security/group.conf granting libvirt to `*` at login (pam_group): every login account
    connects, as with a group that is everyone's primary group (R22U-3); passed "mode 660 root
    libvirt" where HVA-142 counted every user (R25A-6)."""
    group = NO_USERS_GROUP["/etc/group"] + "virt:x:108:\n"
    a = host_scan(
        {**AUTH_NONE, **NO_USERS_GROUP, "/etc/group": group, "/etc/security/group.conf": group_conf}
    )
    assert _132(a) == expected


def test_admin_socket_group_pam_group(host_scan) -> None:
    """R37A-2 (false pass) HVA-132: the admin socket 0660 root:libvirt (unix_sock_group), with
    pam_group granting libvirt to every login: virt-admin for every account."""
    a = host_scan(
        {
            **NO_USERS_GROUP,
            "libvirt-sockets": (f"777 root root {SOCK}\n660 root libvirt {ADMIN}\n", 1),
            "/etc/security/group.conf": "*;*;*;Al0000-2400;libvirt\n",
        }
    )
    assert _132(a) == ("fail", f"{ADMIN} is mode 660 root libvirt: {PAM_EVERYONE}: {ADMIN_REACH}")


BOB_CAROL_R = "user::rw-\nuser:bob:r--\nuser:carol:r--\ngroup::---\nmask::---\nother::---\n"


@pytest.mark.parametrize(
    ("mode", "acl", "expected"),
    [
        ('write-kubeconfig-mode: "0640"\n', BOB_CAROL_R, FAIL4),
        (
            'write-kubeconfig-mode: "0640"\n',
            "user::rw-\ngroup::---\ngroup:staff:r--\nmask::---\nother::---\n",
            FAIL4,
        ),
        # held: the next start's 0600 (or 0604, no group bit) leaves the mask empty
        ('write-kubeconfig-mode: "0600"\n', BOB_CAROL_R, PASS2),
        ('write-kubeconfig-mode: "0604"\n', BOB_CAROL_R, EVERYONE),
        ('write-kubeconfig-mode: "0660"\n', BOB_CAROL_R.replace(":r--", ":-w-"), PASS2),
    ],
    ids=["users-0640", "groups-0640", "held-0600", "others-0604", "held-write-only"],
)
def test_k3s_kubeconfig_acl_next_mask(
    host_scan, mode: str, acl: str, expected: tuple[str, str]
) -> None:
    """R37A-3 (false pass) HVA-142: k3s.yaml chmod'ed 0600 since k3s started (mask ---), named
    ACL entries for bob and carol (r--), config.yaml's write-kubeconfig-mode 0640: k3s's next
    start rewrites the file in place and chmods it (writeKubeConfig; client-go WriteToFile
    "stomps the contents"; util.SetFileModeForPath os.Chmod), which sets the mask to r--
    (acl(5)): bob and carol read the cluster-admin kubeconfig. Passed "2 administrative
    principal(s)"."""
    over = {
        **BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep((K3S_CONFIG, mode)),
        "admin-paths-acl": _getfacl((K3S_YAML, acl)),
    }
    assert _142(host_scan(over)) == expected
