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

- R36A-2 (false pass) HVA-142: of what openrc-run sources before /etc/init.d/k3s only
  /etc/conf.d/k3s was read (R35A-3). OpenRC sh/openrc-run.sh.in sources
  /etc/conf.d/k3s.$RC_RUNLEVEL in its place where that exists (`if ! sourcex -e
  "$_conf_d/$RC_SVCNAME.$RC_RUNLEVEL"; then sourcex -e "$_conf_d/$RC_SVCNAME"; fi`), then
  "Load any system overrides": /etc/rc.conf and every /etc/rc.conf.d/*.conf; k3s runs in the
  default runlevel (`rc-update add k3s default`). Alpine's package's K3S_OPTS set in rc.conf
  (after conf.d's `K3S_OPTS=""`) or rc.conf.d, an `export K3S_KUBECONFIG_MODE=644` there, or a
  conf.d/k3s.default with the mode flag, k3s.yaml chmod'ed 0600 since, passed "2
  administrative principal(s)"; and conf.d/k3s's 644 failed where k3s.default stands in its
  place (a wrong fail of the same cause). Now the three are collected with k3s's configuration
  (collect.host K3S_CONFIG_FILES) and read in openrc-run's order (parse.host._k3s_openrc_next).
- R36A-3 (false pass) HVA-142: sudo's rules were read from /etc/sudoers and /etc/sudoers.d
  whatever /etc/sudo.conf said. sudo.conf's Plugin lines choose the policy plugin (sudo
  src/load_plugins.c sudo_load_plugins: sudoers_policy from sudoers.so only where none is
  listed; "only a single policy plugin may be loaded") and give sudoers.so its arguments, whose
  `sudoers_file=PATH` replaces /etc/sudoers (sudoers(5) "Sudoers plugin arguments";
  plugins/sudoers/policy.c sudoers_policy_deserialize_info). `Plugin sudoers_policy sudoers.so
  sudoers_file=/etc/sudoers.site`, or a site policy plugin with no sudoers_policy listed,
  passed "2 administrative principal(s)" on the unused /etc/sudoers. Now /etc/sudo.conf is
  collected and read as sudo_conf.c reads it (the keyword in any case, `#` comments, backslash
  continuations); another sudoers file, or another plugin that may be the policy, is
  unavailable evidence naming it (parse.host._sudo_policy_elsewhere).
- R36A-4 (false pass) HVA-142: who may write to a container daemon's API socket or read a
  Kubernetes admin kubeconfig was read from `stat`'s mode, owner and group only. A POSIX ACL's
  named user and group entries grant access beyond them (acl(5) ACCESS CHECK ALGORITHM: a
  named entry grants what it and the mask both hold), and `stat -c %a` shows no sign of one:
  `setfacl -m g:staff:rw /run/docker.sock` (stat: 660 root docker), or user entries for bob
  and carol on a 0600 admin.conf, passed "2 administrative principal(s)". Now `getfacl
  --skip-base --absolute-names` of those paths is collected (collect.host "admin-paths-acl")
  and a named entry's effective access counts as the group's or owner's does
  (parse.host._acl_accessors); where getfacl is not installed, a '+' in `ls -ldL`'s mode
  (collect.host "admin-paths-ls") is a question naming the path, and getfacl's unread answer
  is one too.
- R36A-5 (false pass) HVA-142: R36A-4's class on libvirt's sockets. libvirt's admin socket
  (virt-admin: no authentication of its own, remote_daemon.c daemonSetupNetworking) and
  virtlogd's and virtlockd's sockets (no client identity checked, R17H-6), and a read-write
  socket under auth_unix_rw "none", were judged by stat's mode alone: a group:staff:rw entry
  on /run/libvirt/libvirt-admin-sock (stat: 600 root root), or user entries for bob and carol
  on virtlogd-sock, passed "2 administrative principal(s)". Now the sockets _socket_writers
  judges are read with the same getfacl probe and their named entries count
  (parse.host._socket_writers); a '+' in `ls -ldL`'s mode without getfacl is a question.

Held (kept as tests): a snippet doas ignores (`20-staff.conf.apk-new`, or in a directory
below) adds no one; a later snippet's `deny :staff` takes back an earlier one's permit;
OpenRC's shipped rc.conf, rc.conf.d names its glob skips (`.k3s.conf`, `k3s.conf.bak`) and a
k3s.default with the package's defaults add no one; Debian's sudo.conf (its Plugin lines
commented out), sudoers.so's own plugins and arguments with sudoers_file=/etc/sudoers, and an
I/O plugin beside an explicit sudoers_policy (a commented-out sudoers_file= after it) add no
one; a named entry the mask narrows to read (no connect), getfacl with no extended ACL (the
missing paths named on stderr) and `ls -ldL` without '+' add no one; an ACL (read, or a '+')
on the read-write socket under auth_unix_rw polkit (the default) adds no one.

Probed by script (not kept): GNU grep prints nothing of an empty file, so an empty
conf.d/k3s.default (which openrc-run still sources in conf.d/k3s's place) is not seen.

Tally: 5 findings (5 false passes, R36A-2 with one wrong fail of the same cause); 32 cases, 19
failed on main before the fixes (R36A-1: 4; R36A-2: 5, 4 false passes and 1 wrong fail;
R36A-3: 3; R36A-4: 4; R36A-5: 3, on main with R36A-4), 13 held.

Leads left:
- HVA-142: conf.d/k3s.<runlevel> of a runlevel other than default (k3s added to another
  runlevel) is not collected; an empty k3s.default is not seen (above).
- HVA-132: its own judgement of libvirt's read-write socket (mode, group) does not read the
  ACL HVA-142 now reads (R36A-5); a named entry on a kubeconfig chmod'ed 0600 (mask ---) that
  k3s's next start widens (chmod sets the mask) is not weighed.
- From round 35: an `if ...; then` block's assignments are applied unconditionally; RKE2
  under OpenRC; a doas `permit` without `as` later denied as root chains to every /etc/passwd
  account; a directory account (sss, ldap) that administers is not weighed as its target.
- Carried: the RPM's rke2-server.service environment file, k3s's --write-kubeconfig output
  path, MicroK8s's --authorization-config file, old k3s releases' 0644 default, MicroK8s's
  dqlite cluster.key and kine.sock, dockerd `--tls` alone (team decision), rootless user
  units, CRI-O's --listen, polkit isInGroup on a second gid name, systemd alias units,
  Pacemaker enable-acl, nss-systemd tss.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, EVERYONE, FAIL4, PASS2, _142
from test_redteam35_accounts_probes import ALPINE_CONFD, ALPINE_INIT, CONFD, INIT, _scan


def _doas_d(*files: tuple[str, str], rc: int = 0, stderr: str = "") -> tuple[str, int, str]:
    """`grep -R -D skip -H "" /etc/doas.d` output."""
    out = "".join(
        f"/etc/doas.d/{name}:{line}\n" for name, body in files for line in body.splitlines()
    )
    return out, rc, stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            (("20-staff.conf", "permit persist :staff\n"),),
            (FAIL4[0], f"{FAIL4[1]}; /etc/doas.d/20-staff.conf adds bob, carol"),
        ),
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


RC_CONF = "/etc/rc.conf"
# OpenRC's etc/rc.conf: comments but for rc_tty_number
OPENRC_RC_CONF = '# Global OpenRC configuration settings\n#rc_parallel="NO"\nrc_tty_number=12\n'
DEFAULT_OPTS = ALPINE_CONFD + 'K3S_OPTS=""\n'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # rc.conf is sourced after conf.d/k3s: its K3S_OPTS replaces the package's ""
        (((RC_CONF, OPENRC_RC_CONF + 'K3S_OPTS="--write-kubeconfig-mode 644"\n'),), EVERYONE),
        (((RC_CONF, OPENRC_RC_CONF + "export K3S_KUBECONFIG_MODE=644\n"),), EVERYONE),
        (
            (
                (RC_CONF, OPENRC_RC_CONF),
                (
                    "/etc/rc.conf.d/k3s.conf",
                    "K3S_OPTS='--write-kubeconfig-mode=0640'\n"
                    'K3S_OPTS="$K3S_OPTS --write-kubeconfig-group staff"\n',
                ),
            ),
            FAIL4,
        ),
        # conf.d/k3s.default replaces conf.d/k3s in the default runlevel
        (
            (
                (
                    "/etc/conf.d/k3s.default",
                    'K3S_EXEC="server"\nK3S_OPTS="--write-kubeconfig-mode 644"\n',
                ),
            ),
            EVERYONE,
        ),
        # held: OpenRC's own rc.conf; a name the glob skips; a runlevel file with the defaults
        (((RC_CONF, OPENRC_RC_CONF),), PASS2),
        (
            (
                ("/etc/rc.conf.d/k3s.conf.bak", "export K3S_KUBECONFIG_MODE=644\n"),
                ("/etc/rc.conf.d/.k3s.conf", "export K3S_KUBECONFIG_MODE=644\n"),
            ),
            PASS2,
        ),
        ((("/etc/conf.d/k3s.default", DEFAULT_OPTS),), PASS2),
    ],
    ids=[
        "rc-conf-opts",
        "rc-conf-export",
        "rc-conf-d-group",
        "runlevel-conf",
        "held-openrc-rc-conf",
        "held-rc-conf-d-skipped-names",
        "held-runlevel-defaults",
    ],
)
def test_openrc_overrides(
    host_scan, files: tuple[tuple[str, str], ...], expected: tuple[str, str]
) -> None:
    """R36A-2 (false pass) HVA-142. openrc-run sources /etc/conf.d/k3s.default in place of
    /etc/conf.d/k3s where it exists, then /etc/rc.conf and /etc/rc.conf.d/*.conf, before the
    script (OpenRC sh/openrc-run.sh.in): a mode set there, with k3s.yaml chmod'ed 0600 since,
    passed "2 administrative principal(s)"."""
    base = ((INIT, ALPINE_INIT), (CONFD, DEFAULT_OPTS))
    assert _scan(host_scan, "600 root root", *base, *files) == expected


def test_openrc_runlevel_conf_replaces_conf(host_scan) -> None:
    """R36A-2 (wrong fail of the same cause): conf.d/k3s's mode is not read where
    conf.d/k3s.default stands in its place."""
    confd = ALPINE_CONFD + 'K3S_OPTS="--write-kubeconfig-mode 644"\n'
    got = _scan(
        host_scan,
        "600 root root",
        (INIT, ALPINE_INIT),
        (CONFD, confd),
        ("/etc/conf.d/k3s.default", DEFAULT_OPTS),
    )
    assert got == PASS2


# sudo's sudo.conf as Debian ships it: every Plugin line commented out
DEBIAN_SUDO_CONF = (
    "# Default /etc/sudo.conf file\n#\n# Sudo plugins:\n"
    "#   Plugin plugin_name plugin_path plugin_options ...\n#\n"
    "#Plugin sudoers_policy sudoers.so\n#Plugin sudoers_io sudoers.so\n"
    "#Plugin sudoers_audit sudoers.so\n\n# Sudo askpass:\n#Path askpass /usr/X11R6/bin/ssh-askpass\n"
    "Set disable_coredump false\n"
)


def _sudo_unread(why: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: /etc/sudo.conf {why}: who sudo lets run commands as root is "
        "unknown",
    )


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (
            "Plugin sudoers_policy sudoers.so sudoers_file=/etc/sudoers.site\n",
            _sudo_unread(
                "gives sudoers.so sudoers_file=/etc/sudoers.site: sudo reads its rules from that "
                "file, which hvaudit does not read"
            ),
        ),
        # the keyword in any case, a full path, a continued line, the last argument winning
        (
            "plugin sudoers_policy /usr/libexec/sudo/sudoers.so sudoers_file=/etc/sudoers \\\n"
            "    sudoers_file=/srv/sudoers ignore_perms=true\n",
            _sudo_unread(
                "gives sudoers.so sudoers_file=/srv/sudoers: sudo reads its rules from that "
                "file, which hvaudit does not read"
            ),
        ),
        (
            "Plugin approval_policy /usr/lib/sudo/site_policy.so\nPlugin sudoers_io sudoers.so\n",
            _sudo_unread(
                "loads the plugin approval_policy from /usr/lib/sudo/site_policy.so and lists no "
                "sudoers_policy: it may be sudo's security policy in sudoers' place, whose rules "
                "hvaudit does not read"
            ),
        ),
        # held: the shipped file; sudoers' own plugins and arguments; another plugin beside an
        # explicit sudoers_policy (sudo loads a single policy plugin)
        (DEBIAN_SUDO_CONF, PASS2),
        (
            "Plugin sudoers_policy sudoers.so sudoers_file=/etc/sudoers sudoers_mode=0440\n"
            "Plugin sudoers_io sudoers.so\nPlugin sudoers_audit sudoers.so\n",
            PASS2,
        ),
        (
            "Plugin sudoers_policy sudoers.so # sudoers_file=/srv/sudoers\n"
            "Plugin python_io python_plugin.so ModulePath=/srv/io.py ClassName=IO\n",
            PASS2,
        ),
    ],
    ids=[
        "sudoers-file",
        "sudoers-file-continued-last-wins",
        "other-policy-plugin",
        "held-debian-default",
        "held-sudoers-plugins",
        "held-io-plugin-beside-sudoers",
    ],
)
def test_sudo_conf_policy(host_scan, conf: str, expected: tuple[str, str]) -> None:
    """R36A-3 (false pass) HVA-142. sudo.conf chooses sudo's policy plugin and gives sudoers.so
    its arguments (sudo load_plugins.c sudo_load_plugins; sudoers policy.c
    sudoers_policy_deserialize_info `sudoers_file=`): rules read from another file, or another
    policy plugin's, passed "2 administrative principal(s)" on /etc/sudoers alone."""
    assert _142(host_scan({**BASE, "/etc/sudo.conf": conf})) == expected


def _getfacl(*files: tuple[str, str], rc: int = 0, stderr: str = "") -> tuple[str, int, str]:
    """`getfacl --skip-base --absolute-names PATHS` output: the files with extended entries."""
    out = "".join(f"# file: {path}\n# owner: root\n# group: root\n{body}\n" for path, body in files)
    return out, rc, stderr


DOCKER_SOCK = ("660 root docker /run/docker.sock\n", 0, "")
ADMIN_CONF = ("600 root root /etc/kubernetes/admin.conf\n", 0, "")
STAFF_RW = "user::rw-\ngroup::rw-\ngroup:staff:rw-\nmask::rw-\nother::---\n"


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        # `setfacl -m g:staff:rw /run/docker.sock`: stat shows 660 root docker
        (
            {
                "container-sockets": DOCKER_SOCK,
                "admin-paths-acl": _getfacl(("/run/docker.sock", STAFF_RW)),
            },
            FAIL4,
        ),
        (
            {
                "kube-admin-configs": ADMIN_CONF,
                "admin-paths-acl": _getfacl(
                    (
                        "/etc/kubernetes/admin.conf",
                        "user::rw-\nuser:bob:r--\nuser:carol:r--\ngroup::---\nmask::r--\nother::---\n",
                    )
                ),
            },
            FAIL4,
        ),
        # getfacl not installed: `ls -l`'s '+' says an ACL is there, unread
        (
            {
                "container-sockets": DOCKER_SOCK,
                "admin-paths-acl": None,
                "admin-paths-ls": (
                    "srw-rw----+ 1 root docker 0 Dec  7 06:00 /run/docker.sock\n",
                    2,
                    "ls: cannot access '/etc/kubernetes/admin.conf': No such file or directory\n",
                ),
            },
            (
                "manual",
                "evidence unavailable: libvirt's and the container daemons' API sockets and the "
                "Kubernetes admin kubeconfigs: /run/docker.sock carries a POSIX ACL (`ls -l` shows '+') and "
                "getfacl is not installed: whom it grants access beyond the mode is unread: who "
                "may write to or read them is unknown",
            ),
        ),
        (
            {
                "container-sockets": DOCKER_SOCK,
                "admin-paths-acl": ("", 1, "getfacl: /run/docker.sock: Permission denied\n"),
            },
            (
                "manual",
                "evidence unavailable: libvirt's and the container daemons' API sockets and the "
                "Kubernetes admin kubeconfigs: their ACLs could not all be read (exit status 1: getfacl: "
                "/run/docker.sock: Permission denied): who may write to or read them is unknown",
            ),
        ),
        # held: the mask leaves bob read only (no connect); no extended ACL (missing files
        # named on stderr); ls without '+'
        (
            {
                "container-sockets": DOCKER_SOCK,
                "admin-paths-acl": _getfacl(
                    (
                        "/run/docker.sock",
                        "user::rw-\nuser:bob:rw-\t#effective:r--\ngroup::r--\nmask::r--\nother::---\n",
                    )
                ),
            },
            PASS2,
        ),
        (
            {
                "container-sockets": DOCKER_SOCK,
                "admin-paths-acl": (
                    "",
                    1,
                    "getfacl: /etc/kubernetes/admin.conf: No such file or directory\n",
                ),
            },
            PASS2,
        ),
        (
            {
                "container-sockets": DOCKER_SOCK,
                "admin-paths-acl": None,
                "admin-paths-ls": (
                    "srw-rw---- 1 root docker 0 Dec  7 06:00 /run/docker.sock\n",
                    0,
                    "",
                ),
            },
            PASS2,
        ),
    ],
    ids=[
        "socket-group-entry",
        "kubeconfig-user-entries",
        "no-getfacl-ls-plus",
        "getfacl-denied",
        "held-masked-entry",
        "held-no-extended-acl",
        "held-ls-no-plus",
    ],
)
def test_posix_acls(host_scan, over: dict[str, object], expected: tuple[str, str]) -> None:
    """R36A-4 (false pass) HVA-142. A named ACL entry grants access stat's mode does not show
    (acl(5) ACCESS CHECK ALGORITHM): `setfacl -m g:staff:rw /run/docker.sock`, or a kubeconfig
    readable by bob and carol through user entries, passed "2 administrative principal(s)"."""
    assert _142(host_scan({**BASE, **over})) == expected


LIBVIRT_SOCKS = (
    "777 root root /run/libvirt/libvirt-sock\n600 root root /run/libvirt/libvirt-admin-sock\n"
    "600 root root /run/libvirt/virtlogd-sock\n",
    0,
    "",
)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        # virt-admin's socket: no authentication of its own
        ({"admin-paths-acl": _getfacl(("/run/libvirt/libvirt-admin-sock", STAFF_RW))}, FAIL4),
        (
            {
                "admin-paths-acl": _getfacl(
                    (
                        "/run/libvirt/virtlogd-sock",
                        "user::rw-\nuser:bob:rw-\nuser:carol:rw-\ngroup::---\nmask::rw-\nother::---\n",
                    )
                )
            },
            FAIL4,
        ),
        (
            {
                "admin-paths-acl": None,
                "admin-paths-ls": (
                    "srw-------+ 1 root root 0 Dec  7 06:00 /run/libvirt/libvirt-admin-sock\n",
                    0,
                    "",
                ),
            },
            (
                "manual",
                "evidence unavailable: libvirt's and the container daemons' API sockets and the "
                "Kubernetes admin kubeconfigs: /run/libvirt/libvirt-admin-sock carries a POSIX ACL "
                "(`ls -l` shows '+') and getfacl is not installed: whom it grants access beyond "
                "the mode is unread: who may write to or read them is unknown",
            ),
        ),
        # held: the read-write socket under auth_unix_rw polkit (the default) asks polkit
        ({"admin-paths-acl": _getfacl(("/run/libvirt/libvirt-sock", STAFF_RW))}, PASS2),
        (
            {
                "admin-paths-acl": None,
                "admin-paths-ls": (
                    "srwxrwxrwx+ 1 root root 0 Dec  7 06:00 /run/libvirt/libvirt-sock\n",
                    0,
                    "",
                ),
            },
            PASS2,
        ),
    ],
    ids=[
        "admin-socket-group-entry",
        "virtlogd-user-entries",
        "admin-socket-ls-plus",
        "held-rw-socket-polkit",
        "held-rw-socket-polkit-ls-plus",
    ],
)
def test_libvirt_socket_acls(host_scan, over: dict[str, object], expected: tuple[str, str]) -> None:
    """R36A-5 (false pass) HVA-142. The ACL of libvirt's admin socket or virtlogd's socket, which
    ask a client for nothing, grants write beyond stat's mode (acl(5)): staff's or bob's and
    carol's entries passed "2 administrative principal(s)"."""
    assert _142(host_scan({**BASE, "libvirt-sockets": LIBVIRT_SOCKS, **over})) == expected
