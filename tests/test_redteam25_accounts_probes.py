"""Red-team round 25 probes: management accounts and privileged access (rt25acct)

Harness: libvirt's test driver serves one plain VM, and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, parser and engine; each test asserts HVA-142's (or HVA-132's) exact status and
message.

Findings (R25A-n):
- R25A-1 (false pass) HVA-142: a socket others may write to, or whose owner is not root, counted
  no one. unix(7): connecting to a UNIX socket needs write permission on its file. A
  `chmod 666 /run/docker.sock` (or Incus's, LXD's), and a world-writable libvirt admin, virtlogd
  or virtlockd socket (remote_daemon.c adds the admin socket with REMOTE_AUTH_NONE; virtlogd and
  virtlockd check no client identity) passed "2 administrative principal(s)"; a docker socket
  owned by bob (mode 0600) did not count bob. Now others' write bit counts every user (a fail)
  and a container socket's owner other than root counts, as libvirt's owners did (HL18-10).
- R25A-2 (false pass) HVA-142: rootful Podman's and containerd's API sockets were not stat'ed.
  containers/podman contrib/systemd/system/podman.socket: `ListenStream=%t/podman/podman.sock`,
  `SocketMode=0660` (group root unless a drop-in sets SocketGroup=); containerd-config.toml(5)
  [grpc]: address "/run/containerd/containerd.sock", gid default 0. Whoever connects runs
  containers as root; a group given either socket passed "2 administrative principal(s)". Now
  /run/podman/podman.sock and /run/containerd/containerd.sock are stat'ed with the others.
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

- R25A-4 (false pass) HVA-142: the polkit actions' declared defaults were never read.
  polkit(8), DECLARING ACTIONS: /usr/share/polkit-1/actions holds each action's `<defaults>`
  (allow_any, allow_inactive, allow_active: the implicit authorizations for any subject, an
  inactive and an active local console session; zbus_polkit's ActionDescription on docs.rs),
  which decide where no rule returns a result. A .policy file edited to `yes` or auth_self for
  systemd's manage-units, libvirt's unix.manage or pkexec's exec (blog recipes do this for
  manage-units) handed root to every account and passed "2 administrative principal(s)". Now a
  new probe keeps the id and allow_* lines of the declarations; a granting default of a counted
  action counts every user, and an unreadable directory is an error. HVA-132 passed
  "auth_unix_rw = polkit" where libvirt's own org.libvirt.unix.manage default had been set to
  `yes`: now that default is a grant to every account there (a fail), and unread declarations
  a question.

- R25A-5 (false pass) HVA-142: pkexec's per-program actions were not counted. polkit's
  src/programs/pkexec.c find_action_for_path (freedesktop/polkit): where a declared action's
  org.freedesktop.policykit.exec.path annotation names the program, pkexec checks that action
  instead of org.freedesktop.policykit.exec, and the program runs as root. A rule granting
  Debian's org.dpkg.pkexec.update-alternatives to a group of two (update-alternatives
  re-points any system command), or its default set to `yes`, passed "2 administrative
  principal(s)". Now every action so annotated counts as pkexec's own does (R22A-1).

- R25A-6 (false pass) HVA-142: groups pam_group grants at login were not read. group.conf(5)
  (Linux-PAM): pam_group "grants group memberships (in the credential setting phase of the
  authentication module) to the user", by `services;ttys;users;times;groups` lines in
  /etc/security/group.conf; Debian's /etc/pam.d/login runs it. A rule granting libvirt to `*`
  or sudo to bob|carol passed "2 administrative principal(s)". Now the file is collected and a
  rule's users count wherever its group does (`*` every user; a %group, @netgroup or logic
  expression is asked about).

- R25A-7 (false pass) HVA-142: a container socket whose gid no group entry names. coreutils
  stat.c prints %G as "UNKNOWN" then; it was looked up as a group of that name, found empty, and
  with nsswitch `group: files` passed. Now it is asked about (its members are the accounts
  with that primary gid).
- R25A-8 (false pass; and wrong fail) HVA-142: numeric polkit identities. polkit's
  src/polkit/polkitidentity.c polkit_identity_from_string reads `unix-user:` / `unix-group:`
  followed by digits as the uid / gid. `unix-group:50` was looked up as a group named "50" and
  passed; `unix-user:1000` counted alice twice. Now both map through /etc/passwd and
  /etc/group.

Held (kept as tests): a grant of PackageKit's package-install (signed packages of the
configured repositories only) and of udisks2's modify-device-system adds no one; group root's
0660 docker, podman and containerd sockets add no one; shipped auth_admin defaults, a `yes`
default of an action that is not root's (login1.reboot) and a host without polkit add no one.

Probed by script, not kept (the verdict was right): 23 sudoers inputs (Runas_Alias root,
`(ALL, !root)`, `(#0)`, `(%sudo)`, `(:ALL)`, `(:disk)`, backslash continuations, a User_Alias
with a negation, `#uid` lists, runas alice / `#1000` / a User_Alias, `Defaults runas_default`,
Cmnd_Alias and Host_Alias rules, `%:group`, `%#gid` with primary-group members, lowercase
`all` as a host, sudoedit, `#include /etc/sudoers.d/%h`, two `:` sections), a grant of
systemd's portable1.attach-images (not confirmed root-equivalent: not counted), and a polkit
`action.lookup` narrowing of a counted action (asked, kept as a test).

Tally: 8 findings (R25A-1 to R25A-8), all false passes (R25A-8 also a wrong fail); 36 cases in
11 test functions; 27 failed before their fixes (R25A-3: 5, R25A-1: 5, R25A-2: 2, R25A-4: 6,
R25A-5: 2, R25A-6: 3, R25A-7: 1, R25A-8: 3), 9 held.

Leads left (not settled in the time):
- HVA-142: docker, podman or containerd enabled but stopped with no socket at scan time (unit
  enablement not collected): their groups count only while a socket or daemon is seen.
- HVA-142: other container API sockets (dockerd `-H unix://...` or daemon.json "hosts", k3s's
  /run/k3s/containerd/containerd.sock, CRI-O's) are not stat'ed.
- HVA-142: a polkit rule that answers for every subject before the defaults apply (AUTH_ADMIN
  or NO) is not weighed against a `yes` default: counted anyway (at worst a wrong fail); the
  same for pam_group rules whose services, ttys or times never apply, or a host whose PAM
  stacks never run pam_group.so.
- HVA-142: systemd's portable1.attach-images, homed's create-home (--member-of) and machined's
  image actions: root-equivalence not confirmed, not counted.
- HVA-132: unread polkit declarations reuse the question wording "the polkit rules were not
  read".
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
        "(members not read), root; whom polkit rule "
        f"{path} (org.freedesktop.udisks2.open-device-system narrowed by action.lookup) "
        "lets through is not read",
    )


LIBVIRT_SOCKETS = (
    "777 root root /run/libvirt/libvirt-sock\n600 root root /run/libvirt/libvirt-admin-sock\n"
)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {"container-sockets": ("666 root root /run/docker.sock\n", 1)},
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            {"container-sockets": ("666 root root /var/lib/incus/unix.socket\n", 1)},
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            {"container-sockets": ("600 bob root /run/docker.sock\n", 1)},
            ("pass", "3 administrative principal(s) (limit 3): alice, bob, root"),
        ),
        (
            {
                "libvirt-sockets": (
                    LIBVIRT_SOCKETS.replace(
                        "600 root root /run/libvirt/libvirt-admin",
                        "666 root root /run/libvirt/libvirt-admin",
                    ),
                    1,
                )
            },
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            {
                "libvirt-sockets": (
                    LIBVIRT_SOCKETS + "666 root root /run/libvirt/virtlockd-sock\n",
                    1,
                )
            },
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            {"container-sockets": ("660 root root /run/docker.sock\n", 1)},
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
    ],
    ids=[
        "docker-666",
        "incus-666",
        "docker-owner",
        "libvirt-admin-666",
        "virtlockd-666",
        "docker-660-root",
    ],
)
def test_sockets_others_or_owner_may_write_count(
    host_scan, over: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R25A-1 (false pass) HVA-142. unix(7): connecting to a UNIX socket needs write
    permission on its file, so others' write bit lets every local account in and the owner's
    lets its owner in. moby's docker.socket is `SocketMode=0660` `SocketGroup=docker`, and
    Docker's docs ("Docker daemon attack surface": the docker group "grants privileges
    equivalent to the root user"); a `chmod 666 /run/docker.sock` or a world-writable libvirt
    admin, virtlogd or virtlockd socket (remote_daemon.c: the admin socket asks for no
    authorization) passed "2 administrative principal(s)" before the fix, and an owner bob was
    not counted. Group root's 0660 socket held."""
    assert _142(host_scan({**BASE, **over})) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "660 root staff /run/podman/podman.sock\n",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "660 root staff /run/containerd/containerd.sock\n",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "660 root root /run/podman/podman.sock\n660 root root /run/containerd/containerd.sock\n",
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
    ],
    ids=["podman-staff", "containerd-staff", "root-group"],
)
def test_podman_and_containerd_sockets_are_read(
    host_scan, line: str, expected: tuple[str, str]
) -> None:
    """R25A-2 (false pass) HVA-142. containers/podman contrib/systemd/system/podman.socket
    (`ListenStream=%t/podman/podman.sock`, `SocketMode=0660`, the group a drop-in's
    SocketGroup= sets) and containerd-config.toml(5) ([grpc] address
    "/run/containerd/containerd.sock", gid default 0): whoever may connect runs containers as
    root. Neither socket was stat'ed, so a group given either passed "2 administrative
    principal(s)"; group root held."""
    assert _142(host_scan({**BASE, "container-sockets": (line, 1)})) == expected


SYSTEMD_POLICY = "/usr/share/polkit-1/actions/org.freedesktop.systemd1.policy"


def _declared(action: str, path: str = SYSTEMD_POLICY, **defaults: str) -> str:
    """The lines `grep -R -D skip -H -E '<action|[[:space:]]id[[:space:]]*=|<allow_...>'`
    keeps of one action's declaration (systemd's own defaults unless changed)."""
    values = {"any": "auth_admin", "inactive": "auth_admin", "active": "auth_admin_keep"}
    values.update(defaults)
    lines = [f'        <action id="{action}">'] + [
        f"                        <allow_{k}>{v}</allow_{k}>" for k, v in values.items()
    ]
    return "".join(f"{path}:{line}\n" for line in lines)


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        (
            (
                _declared("org.freedesktop.systemd1.reload-daemon")
                + _declared("org.freedesktop.systemd1.manage-units", any="yes"),
                0,
            ),
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            (
                _declared(
                    "org.libvirt.unix.manage",
                    "/usr/share/polkit-1/actions/org.libvirt.unix.policy",
                    active="auth_self_keep",
                ),
                0,
            ),
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            (
                "/usr/share/polkit-1/actions/org.freedesktop.policykit.policy:  <action "
                'id="org.freedesktop.policykit.exec"><defaults><allow_any>no</allow_any>'
                "<allow_inactive>no</allow_inactive><allow_active>yes</allow_active></defaults>\n",
                0,
            ),
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            (
                _declared("org.freedesktop.systemd1.manage-units")
                + _declared("org.freedesktop.login1.reboot", active="yes"),
                0,
            ),
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
        (
            ("", 2, "grep: /usr/share/polkit-1/actions: No such file or directory\n"),
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
        (
            ("", 2, "grep: /usr/share/polkit-1/actions: Permission denied\n"),
            (
                "error",
                "evidence could not be collected: the polkit actions' declarations could not be "
                "read (exit status 2: grep: /usr/share/polkit-1/actions: Permission denied): "
                "whom their defaults let manage libvirt or run commands as root is unknown",
            ),
        ),
    ],
    ids=[
        "manage-units-any-yes",
        "libvirt-auth-self",
        "pkexec-one-line",
        "shipped",
        "no-polkit",
        "unreadable",
    ],
)
def test_polkit_action_defaults_count(
    host_scan, out: tuple[Any, ...], expected: tuple[str, str]
) -> None:
    """R25A-4 (false pass) HVA-142. polkit(8), DECLARING ACTIONS: actions are declared in
    /usr/share/polkit-1/actions, each with `<defaults>` allow_any, allow_inactive and
    allow_active (zbus_polkit's ActionDescription on docs.rs: the implicit authorizations for
    any subject, an inactive and an active local console session), applied where no rule
    returns a result. A .policy file edited to `yes` (or auth_self) for systemd's manage-units,
    libvirt's unix.manage or pkexec's exec was never read: "2 administrative principal(s)"
    passed. Shipped defaults (auth_admin*), a `yes` on an action that is not root's
    (login1.reboot) and a host without polkit held."""
    assert _142(host_scan({"polkit-actions": out})) == expected


LIBVIRT_POLICY = "/usr/share/polkit-1/actions/org.libvirt.unix.policy"


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        (
            "yes",
            (
                "fail",
                "libvirtd.conf: auth_unix_rw = polkit, but "
                f"{LIBVIRT_POLICY} (default allow_active yes) grant(s) org.libvirt.unix.manage "
                "with no subject test: every local user controls every VM",
            ),
        ),
        ("auth_admin_keep", ("pass", "libvirtd.conf: auth_unix_rw = polkit")),
    ],
    ids=["manage-active-yes", "shipped"],
)
def test_libvirt_manage_default_opens_the_socket(
    host_scan, active: str, expected: tuple[str, str]
) -> None:
    """R25A-4 (false pass) HVA-132. libvirt's org.libvirt.unix.policy (libvirt-daemon-system
    ships allow_any, allow_inactive and allow_active auth_admin_keep: "Any program can use
    libvirt in read/write mode if they provide the root password") decides for every subject no
    rule answers for; edited to `yes`, any account at the console manages every VM over the
    polkit-authorized socket. Before the fix HVA-132 passed "auth_unix_rw = polkit"."""
    out = (
        _declared(
            "org.libvirt.unix.monitor", LIBVIRT_POLICY, any="yes", inactive="yes", active="yes"
        )
        + _declared(
            "org.libvirt.unix.manage",
            LIBVIRT_POLICY,
            any="auth_admin_keep",
            inactive="auth_admin_keep",
            active=active,
        ),
        0,
    )
    a = host_scan({"polkit-actions": out})
    assert (outcomes(a, "HVA-132")["hv1"], messages(a, "HVA-132")["hv1"]) == expected


def test_libvirt_manage_declarations_unread_is_asked(host_scan) -> None:
    """R25A-4: where grep could not read the declarations, HVA-132 asks rather than passes."""
    err = "grep: /usr/share/polkit-1/actions: Permission denied\n"
    a = host_scan({"polkit-actions": ("", 2, err)})
    assert (outcomes(a, "HVA-132")["hv1"], messages(a, "HVA-132")["hv1"]) == (
        "manual",
        "libvirtd.conf: auth_unix_rw = polkit, but the polkit rules were not read (the polkit "
        "actions' declarations could not be read (exit status 2: grep: "
        "/usr/share/polkit-1/actions: Permission denied))",
    )


DPKG_POLICY = "/usr/share/polkit-1/actions/org.dpkg.pkexec.update-alternatives.policy"
UPDATE_ALTERNATIVES = "".join(
    f"{DPKG_POLICY}:{line}\n"
    for line in (
        '  <action id="org.dpkg.pkexec.update-alternatives">',
        "      <allow_any>auth_admin_keep</allow_any>",
        "      <allow_inactive>auth_admin_keep</allow_inactive>",
        "      <allow_active>auth_admin_keep</allow_active>",
        '    <annotate key="org.freedesktop.policykit.exec.path">/usr/bin/update-alternatives'
        "</annotate>",
    )
)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (
            {
                "polkit-actions": (UPDATE_ALTERNATIVES, 0),
                "polkit-rules": _rule("org.dpkg.pkexec.update-alternatives"),
            },
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            {
                "polkit-actions": (
                    UPDATE_ALTERNATIVES.replace(
                        "<allow_active>auth_admin_keep", "<allow_active>yes"
                    ),
                    0,
                )
            },
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            {"polkit-actions": (UPDATE_ALTERNATIVES, 0)},
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
    ],
    ids=["rule-grants-program-action", "program-action-default-yes", "shipped"],
)
def test_pkexec_program_actions_count(
    host_scan, over: dict[str, Any], expected: tuple[str, str]
) -> None:
    """R25A-5 (false pass) HVA-142. polkit's src/programs/pkexec.c find_action_for_path
    (freedesktop/polkit): pkexec checks the action whose org.freedesktop.policykit.exec.path
    annotation names the program, not org.freedesktop.policykit.exec; whoever that action
    authorizes runs the program as root (dpkg's update-alternatives re-points any system
    command). A grant of such an action, by rule or by its declared default, passed "2
    administrative principal(s)" before the fix; Debian's shipped auth_admin_keep held."""
    assert _142(host_scan({**BASE, **over})) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (
            "# grant the hypervisor's group at every login\n*;*;*;Al0000-2400;libvirt\n",
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            "login;tty*;bob|carol;Al0000-2400;audio, sudo\n",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "sshd;*;%staff;Al0000-2400;disk\n",
            # staff is local (bob, carol) with no nsswitch merge: its members count (R42A-1)
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        (
            "*;*;*;Al0000-2400;audio video\n# xsh; tty* ;sword;!Wk0900-1800;games, sound\n",
            ("pass", "2 administrative principal(s) (limit 3): alice, root"),
        ),
    ],
    ids=["everyone-libvirt", "named-sudo", "group-disk", "other-groups"],
)
def test_pam_group_grants_count(host_scan, conf: str, expected: tuple[str, str]) -> None:
    """R25A-6 (false pass) HVA-142. group.conf(5) (Linux-PAM, man7.org): "The pam_group PAM
    module does not authenticate the user, but instead it grants group memberships (in the
    credential setting phase of the authentication module) to the user", by lines
    `services;ttys;users;times;groups`; Debian's /etc/pam.d/login runs `auth optional
    pam_group.so`. /etc/security/group.conf was not read: granting libvirt to every login, or
    sudo to bob and carol, passed "2 administrative principal(s)". Rules granting other groups
    held."""
    assert _142(host_scan({**BASE, "/etc/security/group.conf": conf})) == expected


FILES_ONLY = {"/etc/nsswitch.conf": "passwd: files\ngroup: files\n"}
PKLA = "/etc/polkit-1/localauthority/50-local.d/ops.pkla"


def _pkla(identity: str) -> tuple[str, int]:
    lines = ("[ops]", f"Identity={identity}", "Action=org.libvirt.unix.manage", "ResultActive=yes")
    return "".join(f"{PKLA}:{line}\n" for line in lines), 0


def test_socket_gid_without_a_name_is_asked(host_scan) -> None:
    """R25A-7 (false pass) HVA-142. coreutils stat.c prints %G as `gw_ent ? gw_ent->gr_name :
    "UNKNOWN"`: a docker socket whose gid no /etc/group entry names (its members are accounts
    with that primary gid) was looked up as a group called UNKNOWN, found empty, and with
    nsswitch's group line `files` alone passed "2 administrative principal(s)"."""
    over = {**FILES_ONLY, "container-sockets": ("660 root UNKNOWN /run/docker.sock\n", 1)}
    assert _142(host_scan({**BASE, **over})) == (
        "manual",
        "3 administrative principal(s) (limit 3): %UNKNOWN (a socket's gid with no group name) "
        "(members not read), alice, root; the members of %UNKNOWN (a socket's gid with no group "
        "name) are not in the evidence",
    )


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (
            "unix-group:50",
            ("fail", "4 administrative principal(s) (limit 3): alice, bob, carol, root"),
        ),
        ("unix-user:1000", ("pass", "2 administrative principal(s) (limit 3): alice, root")),
        ("unix-user:1001", ("pass", "3 administrative principal(s) (limit 3): alice, bob, root")),
    ],
    ids=["gid", "uid-of-alice", "uid-of-bob"],
)
def test_numeric_polkit_identities(host_scan, identity: str, expected: tuple[str, str]) -> None:
    """R25A-8 HVA-142. polkit's src/polkit/polkitidentity.c polkit_identity_from_string:
    `unix-user:` or `unix-group:` followed by digits only (`*endptr == '\\0'`) is the uid or
    gid, else a name. `unix-group:50` (staff: bob, carol) was looked up as a group named "50"
    and, with nsswitch's group line `files` alone, passed "2 administrative principal(s)"
    (false pass); `unix-user:1000` counted alice twice ("1000, alice": a wrong fail at the
    limit)."""
    assert _142(host_scan({**BASE, **FILES_ONLY, "polkit-rules": _pkla(identity)})) == expected
