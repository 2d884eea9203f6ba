"""Red-team round 35 probes: who administers the hypervisor (r35-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 26's bob/carol/staff/docker accounts), through the
real collector, parser and engine; each test asserts HVA-142's exact status and message.

Findings (R35A-n):
- R35A-1 (false pass) HVA-142: where no k3s.service was read (no systemd: `systemctl` absent),
  k3s's admin kubeconfig was judged by config.yaml and k3s.service.env only. On OpenRC (Alpine,
  Gentoo) the installer writes /etc/init.d/k3s instead, with INSTALL_K3S_EXEC's words in
  command_args, and sources /etc/environment and /etc/rancher/k3s/k3s.env under `set -o
  allexport` (k3s install.sh setup_env: FILE_K3S_ENV=/etc/rancher/k3s/${SYSTEM_NAME}.env;
  create_openrc_service_file; create_env_file writes the K3S_ variables given to the
  installer there); supervise-daemon.sh evals `$command -- $command_args` (OpenRC
  sh/supervise-daemon.sh supervise_start). A kubeconfig chmod'ed 0600 since k3s started, with
  K3S_KUBECONFIG_MODE=644 in k3s.env or /etc/environment, or `'--write-kubeconfig-mode' '644'`
  (or 0640 and group staff) in command_args, passed "2 administrative principal(s)"; the next
  start makes it 0644 again. Now /etc/init.d/k3s, /etc/environment and k3s.env are collected
  with k3s's configuration (collect.host K3S_CONFIG_FILES) and read as the shell reads them
  (parse.host._k3s_openrc_next): another file sourced, an expansion in command_args, a line
  beyond a plain assignment, or --config naming another file is a manual outcome naming it,
  unless every user reads the kubeconfig now.
- R35A-2 (false pass) HVA-142: /etc/doas.conf's targets were compared as words. doas matches a
  rule's `as` target by uid (openbsd usr.bin/doas/doas.c match: `r->target &&
  uidcheck(r->target, target)`; parseuid takes a name, else a number), a rule without `as`
  matches every target (doas.conf(5): "The default is all users"), and the last matching rule
  decides (permit). `permit :staff as 1000` (alice's uid, an administrator) chained to the
  account "1000", which no principal is: bob and carol passed "2 administrative
  principal(s)"; and `permit bob` then `deny bob as root` dropped bob, who may still act as
  alice. Now a numeric target is the account of that uid (a uid-0 name is root), a deny takes
  back only the targets it matches (a permit without `as` leaves a chained grant to every
  account it did not deny), and a later deny takes back an earlier chained grant too (its
  lack made `permit :staff as alice` then `deny :staff` a wrong fail) (parse.host
  _admins' doas rules). test_host_verdicts5's `deny carol as root` case encoded the
  old verdict (carol still acts as alice): fixed in its own commit.
- R35A-3 (false pass) HVA-142: Alpine's own k3s package (alpinelinux/aports community/k3s)
  starts `command_args="${K3S_EXEC} ${K3S_OPTS} >>${K3S_LOGFILE} 2>&1"` (k3s.initd), the
  variables set in /etc/conf.d/k3s (k3s.confd `K3S_EXEC="server"`, `K3S_OPTS=""`), which
  openrc-run sources before the script (OpenRC sh/openrc-run.sh.in: `sourcex -e
  "$_conf_d/$RC_SVCNAME"`, then `sourcex "$RC_SERVICE"`). /etc/conf.d/k3s was not collected:
  `K3S_OPTS="--write-kubeconfig-mode 644"` (or 0640 and group staff), or `export
  K3S_KUBECONFIG_MODE=644`, with k3s.yaml chmod'ed 0600 since, passed "2 administrative
  principal(s)" on main (and R35A-1's reader asked about every expansion, the package's
  defaults included). Now /etc/conf.d/k3s is collected and each file is read as the shell
  reads its top-level statements (parse.host._sh_statements, _sh_word: quoting, `$NAME`,
  `${NAME}`, `${NAME:-word}`; function bodies skipped; `export` and allexport mark what k3s
  gets); a command substitution, or another statement naming a K3S_ variable, `export` or
  `.`, is a question naming it.

Held (kept as tests): the installer's script with `server` alone and a k3s.env of K3S_TOKEN
adds no one; command_args' `'--write-kubeconfig-mode' '600'` over k3s.env's 644 adds no one; an
unread command_args beside a kubeconfig every user reads now fails as before; doas `permit
:staff` then `deny :staff`, `deny bob as root` with `deny bob as alice`, and `as carol` (no
administrator) add no one; Alpine's package defaults, and a K3S_KUBECONFIG_MODE in
/etc/conf.d/k3s that is not exported, add no one.

Probed by script (not kept): `_sh_word` on `"${A:-x y}"z`, `'a b'c"d $B"`, `a b` (None) and
`${A:+set}`; `_k3s_openrc_next` on a k3s.env line `K3S_KUBECONFIG_MODE=$MODE`,
a command (`echo hi`), a script sourcing /srv/more.env, a second command_args, an unquoted
command_args (each: why unread), `source` instead of `.`, escaped `\"` quotes inside
command_args, `export NAME=value # comment` in /etc/environment, and no command_args (read).

Tally: 3 findings (3 false passes, R35A-2 with one wrong fail of the same cause); 24 cases, 16
failed on main before the fixes (R35A-1: 6; R35A-2: 5, 4 false passes and 1 wrong fail;
R35A-3: 5), 8 held.

Leads left:
- HVA-142: openrc-run also sources /etc/conf.d/k3s.<runlevel> (in place of /etc/conf.d/k3s),
  /etc/rc.conf and /etc/rc.conf.d/*.conf (OpenRC sh/openrc-run.sh.in): not collected; an
  `if ...; then` block's assignments are applied unconditionally (over-counts at most); RKE2
  under OpenRC (an init script of its own) is not read.
- HVA-142: a doas `permit` without `as` later denied as root chains to every /etc/passwd
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
from test_redteam33_accounts_probes import K3S_YAML, _grep

INIT = "/etc/init.d/k3s"
K3S_ENV = "/etc/rancher/k3s/k3s.env"


def _openrc(*words: str) -> str:
    """/etc/init.d/k3s as k3s install.sh create_openrc_service_file writes it: CMD_K3S_EXEC is
    `server` then quote_indent's words (` \\` newline, then a tab, each word single-quoted and
    ` \\` ending its line), escape_dq'ed inside command_args' double quotes."""
    exec_words = "server" + (" \\\n" + "".join(f"\t'{w}' \\\n" for w in words) if words else "")
    return (
        "#!/sbin/openrc-run\n\ndepend() {\n    after network-online\n    want cgroups\n}\n\n"
        "start_pre() {\n    rm -f /tmp/k3s.*\n}\n\n"
        'supervisor=supervise-daemon\nname=k3s\ncommand="/usr/local/bin/k3s"\n'
        f'command_args="{exec_words}\n    >>/var/log/k3s.log 2>&1"\n\n'
        "output_log=/var/log/k3s.log\nerror_log=/var/log/k3s.log\n\n"
        'pidfile="/var/run/k3s.pid"\nrespawn_delay=5\nrespawn_max=0\n\n'
        "set -o allexport\n"
        "if [ -f /etc/environment ]; then . /etc/environment; fi\n"
        f"if [ -f {K3S_ENV} ]; then . {K3S_ENV}; fi\n"
        "set +o allexport\n"
    )


def _scan(host_scan, stat: str, *files: tuple[str, str]):
    """HVA-142 on an OpenRC host: no systemctl (absent), k3s's files as grep prints them."""
    over = {
        **BASE,
        "kube-admin-configs": (f"{stat} {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep(*files),
        "k3s-service-unit-files": None,
    }
    return _142(host_scan(over))


def _unread(what: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: {what}: the mode and group k3s gives {K3S_YAML} at its next "
        "start are unknown",
    )


TOKEN = "K3S_TOKEN='K10abc::server:def'\n"


@pytest.mark.parametrize(
    ("stat", "files", "expected"),
    [
        # the installer's k3s.env (create_env_file: `K3S_...='value'`)
        ("600 root root", [(INIT, _openrc()), (K3S_ENV, "K3S_KUBECONFIG_MODE='644'\n")], EVERYONE),
        # /etc/environment, sourced with allexport before k3s.env
        (
            "600 root root",
            [(INIT, _openrc()), ("/etc/environment", 'K3S_KUBECONFIG_MODE="0644"\n')],
            EVERYONE,
        ),
        # INSTALL_K3S_EXEC's words in command_args
        ("600 root root", [(INIT, _openrc("--write-kubeconfig-mode", "644"))], EVERYONE),
        (
            "600 root root",
            [
                (
                    INIT,
                    _openrc("--write-kubeconfig-mode=0640", "--write-kubeconfig-group", "staff"),
                )
            ],
            FAIL4,
        ),
        # an expansion in command_args: a question
        (
            "600 root root",
            [(INIT, _openrc().replace('="server', '="server $(cat /etc/k3s.opts)'))],
            _unread(f"{INIT}'s command_args is shell hvaudit does not read"),
        ),
        # --config naming a file hvaudit does not read: a question
        (
            "600 root root",
            [(INIT, _openrc("--config", "/srv/k3s/config.yaml"))],
            _unread(
                f"{INIT}'s next start reads its configuration from /srv/k3s/config.yaml, which "
                "hvaudit does not read"
            ),
        ),
        # held: the installer's script with `server` alone, k3s.env with the token only
        ("600 root root", [(INIT, _openrc()), (K3S_ENV, TOKEN)], PASS2),
        # held: the command line's 600 over k3s.env's 644
        (
            "600 root root",
            [
                (INIT, _openrc("--write-kubeconfig-mode", "600")),
                (K3S_ENV, "K3S_KUBECONFIG_MODE=644\n"),
            ],
            PASS2,
        ),
        # held: unread beside a kubeconfig every user reads now: fails as before
        (
            "644 root root",
            [(INIT, _openrc().replace('="server', '="server $(cat /etc/k3s.opts)'))],
            EVERYONE,
        ),
    ],
    ids=[
        "k3s-env-mode-644",
        "etc-environment-mode-0644",
        "command-args-mode-644",
        "command-args-0640-group-staff",
        "command-args-expansion",
        "command-args-other-config",
        "held-installer-script",
        "held-command-args-600-over-env",
        "held-unread-world-readable-now",
    ],
)
def test_k3s_openrc_next_start(
    host_scan, stat: str, files: list[tuple[str, str]], expected: tuple[str, str]
) -> None:
    """R35A-1 (false pass) HVA-142. On OpenRC k3s starts from /etc/init.d/k3s, whose
    command_args (INSTALL_K3S_EXEC's words) and sourced /etc/environment and k3s.env (k3s
    install.sh create_openrc_service_file) give the mode its next start chmods k3s.yaml to: a
    kubeconfig chmod'ed 0600 since passed "2 administrative principal(s)". Shell hvaudit does
    not read is a question unless every user reads the kubeconfig now."""
    assert _scan(host_scan, stat, *files) == expected


BOB3 = ("pass", "3 administrative principal(s) (limit 3): alice, bob, root")


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        # `as 1000`: doas's parseuid takes a number, alice's uid (an administrator)
        ("permit bob as 1000\n", BOB3),
        ("permit :staff as 1000\n", FAIL4),
        # a permit without `as` is every account; a later deny as root takes back root only
        ("permit bob\ndeny bob as root\n", BOB3),
        ("permit :staff\ndeny :staff as 0\n", FAIL4),
        # held: a later deny without `as` takes back every account; as carol (no administrator)
        ("permit :staff\ndeny :staff\n", PASS2),
        # round 52 (R52A-1): bob still acts as every other account, QEMU's libvirt-qemu among
        # them, which makes him an administrator
        ("permit bob\ndeny bob as root\ndeny bob as alice\n", BOB3),
        ("permit bob as carol\n", PASS2),
        # a later deny takes back the chained grant too (a wrong fail on main)
        ("permit :staff as alice\ndeny :staff\n", PASS2),
    ],
    ids=[
        "as-uid-of-administrator",
        "group-as-uid-of-administrator",
        "deny-as-root-keeps-other-accounts",
        "group-deny-as-uid-0",
        "held-deny-everything",
        "deny-root-and-alice-keeps-qemu-account",
        "held-as-carol",
        "deny-after-as-alice",
    ],
)
def test_doas_targets(host_scan, conf: str, expected: tuple[str, str]) -> None:
    """R35A-2 (false pass) HVA-142. doas matches a rule's target by uid (openbsd
    usr.bin/doas/doas.c match: `r->target && uidcheck(r->target, target)`, parseuid: a name,
    else a number) and the last matching rule decides: `permit bob as 1000` lets bob act as
    alice, an administrator, and `permit bob` then `deny bob as root` still lets him act as
    every other account; both passed "2 administrative principal(s)"."""
    assert _142(host_scan({**BASE, "/etc/doas.conf": conf})) == expected


# alpinelinux/aports community/k3s: k3s.initd and k3s.confd as the package installs them
ALPINE_INIT = (
    "#!/sbin/openrc-run\n\n# Based on ...\n"
    "#   https://raw.githubusercontent.com/rancher/k3s/master/install.sh\n"
    'K3S_LOGFILE="${K3S_LOGFILE:-/var/log/${RC_SVCNAME}.log}"\n\n'
    'supervisor=supervise-daemon\n\nname="k3s"\ncommand="/usr/bin/k3s"\n'
    'command_args="${K3S_EXEC} ${K3S_OPTS} >>${K3S_LOGFILE} 2>&1"\n\n'
    "output_log=${K3S_LOGFILE}\nerror_log=${K3S_LOGFILE}\n\n"
    'pidfile="/run/k3s.pid"\nrespawn_delay=5\nrespawn_max=0\n\n'
    'rc_ulimit="${K3S_ULIMIT:--c unlimited -n 1048576 -u unlimited}"\n\n'
    "depend() {\n\tneed net cgroups dbus\n\tafter firewall\n}\n\n"
    'start_pre() {\n\tcheckpath -f -m 0644 -o root:root "${K3S_LOGFILE}"\n}\n'
)
CONFD = "/etc/conf.d/k3s"
ALPINE_CONFD = '# k3s options\nexport PATH="/usr/libexec/cni/:$PATH"\nK3S_EXEC="server"\n'


@pytest.mark.parametrize(
    ("confd", "expected"),
    [
        # K3S_OPTS: the package's place for the server's flags
        (ALPINE_CONFD + 'K3S_OPTS="--write-kubeconfig-mode 644"\n', EVERYONE),
        (
            ALPINE_CONFD
            + 'K3S_OPTS="--write-kubeconfig-mode=0640 --write-kubeconfig-group staff"\n',
            FAIL4,
        ),
        # an exported variable reaches k3s's environment
        (ALPINE_CONFD + 'K3S_OPTS=""\nexport K3S_KUBECONFIG_MODE=644\n', EVERYONE),
        # a command substitution: a question
        (
            ALPINE_CONFD + 'K3S_OPTS="$(cat /etc/k3s.opts)"\n',
            _unread(f"{INIT}'s command_args is shell hvaudit does not read"),
        ),
        (
            ALPINE_CONFD + '[ -n "$X" ] && export K3S_KUBECONFIG_MODE=644\n',
            _unread(
                f"{CONFD} runs '[ -n \"$X\" ] && export K3S_KUBECONFIG_MODE=644', which hvaudit "
                "does not read"
            ),
        ),
        # held: the package's defaults; a variable not exported stays in the shell
        (ALPINE_CONFD + 'K3S_OPTS=""\n', PASS2),
        (ALPINE_CONFD + 'K3S_OPTS=""\nK3S_KUBECONFIG_MODE=644\n', PASS2),
    ],
    ids=[
        "alpine-opts-mode-644",
        "alpine-opts-0640-group-staff",
        "alpine-export-mode",
        "alpine-command-substitution",
        "alpine-conditional-export",
        "held-alpine-defaults",
        "held-alpine-not-exported",
    ],
)
def test_k3s_alpine_package(host_scan, confd: str, expected: tuple[str, str]) -> None:
    """R35A-3 (false pass) HVA-142. Alpine's k3s package starts `k3s ${K3S_EXEC} ${K3S_OPTS}`
    (aports community/k3s k3s.initd), both set in /etc/conf.d/k3s, which openrc-run sources
    before the script (OpenRC sh/openrc-run.sh.in): `K3S_OPTS="--write-kubeconfig-mode 644"`
    there, with k3s.yaml chmod'ed 0600 since, passed "2 administrative principal(s)"."""
    assert _scan(host_scan, "600 root root", (INIT, ALPINE_INIT), (CONFD, confd)) == expected
