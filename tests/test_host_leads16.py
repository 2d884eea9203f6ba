"""Known leads on the KVM/libvirt host side (issue 8, session 13), taken up by leads16-host.

Same harness as tests/test_host_leads15.py: conftest's hardened Debian host replayed through the
real collector, parser and engine, changed only where a test says so; each test asserts the
exact status and message.

- HL16-1 (wrong fail) HVA-213 failed `log_level = 1` (and LIBVIRT_DEBUG=1) as "debug, floods
  the log" whatever the outputs: each output writes only messages at or above its own priority
  (virlog.c virLogVMessage), and the default output of a daemon systemd starts is the journal,
  whose priority virLogSetDefaultOutputToJournald lowers from debug to info ("By default we
  don't want to log too much stuff into journald"; docs/kbase/debuglogs.rst: resetting the
  outputs gives "2:journald"). So with log_outputs unset (libvirt 7.0 and later), or every
  output at priority 2 or more, no debug message is written. Now a debug priority fails only
  through an output at priority 1 (one rule, _debug_output, as HL15-2's filters); an older or
  unknown libvirt keeps the fail (the older virLogSetDefaultOutput gave a daemon started
  without --daemon stderr at the default priority, debug, and the journal took it).
- HL16-2 (false pass) HVA-151: a module libpam cannot load returns module_unknown
  (pam_dispatch.c `h->func == NULL`), `-` or not (the dash only silences the load error:
  pam_handlers.c PAM_HT_SILENT_MODULE; the lead's "skips the line" is not so). `-auth required
  pam_u2f.so` without the module fails closed (held), but a control giving module_unknown its
  own action (`[success=ok module_unknown=ignore default=die]`) lets a key alone in where
  pam_u2f is not installed. The factor now holds only where a package (libpam-u2f, pam-u2f,
  pam_u2f, ...) shows the module; otherwise the question.
- HL16-3 (false pass) HVA-160: Match-block AllowUsers/DenyUsers were judged for root only;
  they replace the global list (appended across matching blocks, servconf.c "XXX appends to
  list"), and PermitRootLogin holds for every uid-0 account (R15H-7). `DenyUsers root toor`
  with `Match Address ...` / `DenyUsers root`, or a block's `AllowUsers alice toor`, let toor
  in as uid 0 and passed. Append vs per-block: for AllowUsers the union admits where one
  block's list does (same verdict); for DenyUsers per-block judging can only err towards a
  fail (a `Match User root` / `DenyUsers root` block appended to another's list).
- HL16-4 (held) HVA-160 never reads AllowGroups: root's groups from sss (SSSD never answers for
  root) or ldap cannot make it pass; PermitRootLogin decides.
- HL16-5 (wrong reading) HVA-180: `apt-cache policy` source priorities were read with `\\d`;
  now [0-9] (apt prints %d). No other `\\d` outside re.ASCII in host parsers; corosync's
  `ring\\d+_addr` (Proxmox, checks/management.py _cluster_node) left as is: ASCII-only there
  would err towards a pass.
- HL16-6 (false pass) HVA-213: a running libvirtd/virtqemud's outputs were taken from its units'
  environment now when virt-admin is not installed; the environment it started with
  (/proc/PID/environ, already collected) sets them: a LIBVIRT_LOG_OUTPUTS file output there
  passed as "the journal".
- HL16-7 (false pass) HVA-160 passed "DenyUsers root refuses root" (and AllowUsers without
  root) with /etc/passwd unreadable, as if root were the only uid-0 account
  (_other_uid0_accounts gave []). Now the unread file is the outcome (error).

Lead 6 of the brief (sshd config changed after sshd started), not changed: every sshd check
reads `sshd -T` and the files, i.e. the configuration on disk as sshd would load it now. The
running listener keeps what it read at its start or last SIGHUP (sshd.c sighup_restart execv's
itself: same pid, so the process start time does not date its configuration), and each
connection gets the listener's configuration (rexec state; sshd-session since 9.8). A pass
therefore certifies the files, not necessarily the running daemon.

Leads left (not probed or not fixed for lack of time):
- sshd running vs on-disk configuration: collect the mtimes of sshd_config and its includes and
  the ssh unit's last "Server listening on" journal line (logged after each start and SIGHUP);
  a file newer than it makes every sshd pass a question.
- HVA-213 with libvirt 6.x or no package list: the journal default's debug cap is taken from
  libvirt >= 7.0 (the branch is in the 6.x-era tree read; the exact release was not found); an
  older or unknown libvirt keeps the fail, which may be wrong for 6.x.
- HL16-2's package map knows Debian names (apt-cache policy) and Fedora/SUSE's for pam_u2f
  only; an OTP module installed outside a package stays a question.
- HVA-160 DenyUsers across several matching Match blocks (appended) is judged per block: a
  wrong fail where a `Match User root` block's DenyUsers root joins another block's list.
- `_match_users` in checks/management.py keeps dead code after its `return True`.
- `_other_uid0_accounts` still gives [] with /etc/passwd unread in the PermitRootLogin-no
  branch (a `Match User toor` block is then judged for root only).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam14_host_probes import _EFFECTIVE, SSHD_CONF

JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"
LIBVIRTD_CONF = str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"])


# --- HVA-213: a debug priority with outputs that write no debug message (HL16-1) ---------------


@pytest.mark.parametrize(
    ("extra", "ok"),
    [
        ("log_level = 1\n", JOURNAL_OK),
        ('log_level = 1\nlog_outputs = ""\n', JOURNAL_OK),
        (
            'log_level = 1\nlog_outputs = "3:syslog:libvirtd 2:journald"\n',
            "libvirtd.conf: log_outputs '3:syslog:libvirtd 2:journald'",
        ),
    ],
    ids=["unset", "empty", "outputs-at-info-and-above"],
)
def test_debug_level_through_outputs_without_debug_passes(host_scan, extra: str, ok: str) -> None:
    """HL16-1. Debian 12 (libvirt 9.0.0) `log_level = 1`: libvirt's default output under
    systemd is `2:journald` (virLogSetDefaultOutputToJournald caps debug at info), and an
    explicit output at priority 2 or 3 drops debug messages (virLogVMessage: `priority >=
    output->priority`). hvaudit failed "log_level = 1 (debug, floods the log)"."""
    a = host_scan({"/etc/libvirt/libvirtd.conf": LIBVIRTD_CONF + extra})
    assert messages(a, "HVA-213") == {"hv1": ok}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


def test_debug_level_with_the_running_default_output_passes(host_scan) -> None:
    """HL16-1. The running libvirtd reports its outputs as `2:journald` (virt-admin
    daemon-log-outputs), the default libvirt chose: `log_level = 1` writes no debug message."""
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": LIBVIRTD_CONF + "log_level = 1\n",
            "libvirt-log-outputs-libvirtd": ("2:journald\n", 0),
        }
    )
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


def test_debug_unit_environment_with_the_default_output_passes(host_scan) -> None:
    """HL16-1 (HL14-1's case): LIBVIRT_DEBUG=1 in /etc/default/libvirtd sets the priority
    before libvirt picks its default output, which caps it at info as for log_level."""
    a = host_scan({"/etc/default/libvirtd": 'LIBVIRTD_ARGS="--timeout 120"\nLIBVIRT_DEBUG=1\n'})
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "/etc/libvirt/libvirtd.conf": LIBVIRTD_CONF
                + 'log_level = 1\nlog_outputs = "1:journald"\n'
            },
            "libvirtd.conf: log_level = 1 (debug, floods the log)",
        ),
        (
            {
                "/etc/libvirt/libvirtd.conf": LIBVIRTD_CONF + "log_level = 1\n",
                "libvirt-log-outputs-libvirtd": ("1:stderr\n", 0),
            },
            "libvirtd.conf: log_level = 1 (debug, floods the log)",
        ),
        (
            {
                "/etc/libvirt/libvirtd.conf": LIBVIRTD_CONF + "log_level = 1\n",
                "dpkg-packages": ("libvirt-daemon\t5.0.0-4+deb10u1\tii \n", 0),
            },
            "libvirtd.conf: log_level = 1 (debug, floods the log)",
        ),
        (
            {
                "/etc/libvirt/libvirtd.conf": LIBVIRTD_CONF + "log_level = 1\n",
                "dpkg-packages": ("libvirt-daemon\t\u0669.0.0-1\tii \n", 0),
            },
            "libvirtd.conf: log_level = 1 (debug, floods the log)",
        ),
    ],
    ids=["output-at-debug", "running-stderr-at-debug", "libvirt-5", "version-not-ascii"],
)
def test_debug_level_through_a_debug_output_still_fails(host_scan, overrides, message) -> None:
    """Held (HL16-1): an output at priority 1 writes every debug message: the file's, the one
    the running daemon reports (an older libvirt's stderr default at the debug priority), and
    the default of libvirt 5.0 (Debian 10), whose virLogSetDefaultOutput gave a daemon started
    without --daemon stderr at the default priority. A version that is not ASCII digits is no
    version: the fail stays."""
    a = host_scan(overrides)
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {"hv1": message}


# --- HVA-151: an OTP module that may not be installed (HL16-2) ---------------------------------

TOLERANT = (
    "-auth [success=ok module_unknown=ignore default=die] pam_u2f.so cue\n"
    "auth required pam_permit.so\n"
)
PACKAGES = str(HARDENED_HOST["dpkg-packages"][0])


def test_otp_line_that_tolerates_a_missing_module_is_asked(host_scan) -> None:
    """HL16-2. Linux-PAM pam_dispatch.c: a rule whose module libpam could not load returns
    PAM_MODULE_UNKNOWN (`h->func == NULL`), and `module_unknown=ignore` lets the stack go on:
    where pam_u2f.so is not installed a key alone logs in. hvaudit passed "PAM requires pam_u2f".
    The package list does not show libpam-u2f: the question."""
    a = host_scan({"/etc/pam.d/sshd": TOLERANT})
    assert outcomes(a, "HVA-151") == {"hv1": "manual"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151") == {
        "hv1": "evidence unavailable: the second factor rests on pam_u2f being installed: "
        "`[success=ok module_unknown=ignore default=die] pam_u2f` lets the login through "
        "without it where libpam cannot load the module (module_unknown), and no package that "
        "installs it is listed (libpam-u2f, pam-u2f, pam_u2f)"
    }


@pytest.mark.parametrize(
    ("stack", "packages"),
    [
        (TOLERANT, PACKAGES + "libpam-u2f\t1.1.0-1.1+deb12u1\tii \n"),
        ("-auth required pam_u2f.so cue\nauth required pam_permit.so\n", PACKAGES),
    ],
    ids=["package-installed", "dash-required-fails-closed"],
)
def test_otp_line_whose_module_is_there_or_required_passes(host_scan, stack, packages) -> None:
    """Held (HL16-2): with libpam-u2f installed (dpkg `ii`) pam_u2f loads and never returns
    module_unknown: the pass stands. `-auth required pam_u2f.so` without the module fails closed
    (module_unknown takes required's default, bad; the dash only keeps the load error out of
    the log: pam_handlers.c PAM_HT_SILENT_MODULE), so no login passes without the token."""
    a = host_scan({"/etc/pam.d/sshd": stack, "dpkg-packages": (packages, 0)})
    assert messages(a, "HVA-151") == {
        "hv1": "every SSH login needs two factors: AuthenticationMethods "
        "publickey,keyboard-interactive, PAM requires pam_u2f (otp)"
    }
    assert outcomes(a, "HVA-151") == {"hv1": "pass"}


# --- HVA-160: Match-block user lists and other uid-0 accounts (HL16-3) -------------------------

TOOR = str(HARDENED_HOST["/etc/passwd"]) + "toor:x:0:0:root:/root:/bin/bash\n"
PRL = _EFFECTIVE.replace("permitrootlogin no", "permitrootlogin prohibit-password").replace(
    "allowgroups sshadmins\n", ""
)
BASE = SSHD_CONF.replace("AllowGroups sshadmins\n", "")


def _lists(global_line: str, block: str, passwd: str = TOOR) -> dict[str, object]:
    """Debian's PermitRootLogin (prohibit-password), a global user list, a Match block."""
    key, _, value = global_line.partition(" ")
    return {
        "sshd-effective": (PRL + f"{key.lower()} {value}\n", 0),
        "/etc/ssh/sshd_config": BASE.replace("PermitRootLogin no\n", global_line + "\n") + block,
        "/etc/passwd": passwd,
    }


@pytest.mark.parametrize(
    ("global_line", "block", "message"),
    [
        (
            "DenyUsers root toor",
            "Match Address 10.0.0.0/8\n    DenyUsers root\n",
            "PermitRootLogin prohibit-password; DenyUsers root refuses root, but Match Address "
            "10.0.0.0/8 (/etc/ssh/sshd_config:7) sets DenyUsers root (admits toor)",
        ),
        (
            "AllowUsers alice",
            "Match Address 10.0.0.0/8\n    AllowUsers alice toor\n",
            "PermitRootLogin prohibit-password; AllowUsers alice admits no root login, but Match "
            "Address 10.0.0.0/8 (/etc/ssh/sshd_config:7) sets AllowUsers alice toor (admits toor)",
        ),
        (
            "DenyUsers root toor",
            "Match User toor\n    DenyUsers bob\n",
            "PermitRootLogin prohibit-password; DenyUsers root refuses root, but Match User toor "
            "(/etc/ssh/sshd_config:7) sets DenyUsers bob (admits toor)",
        ),
    ],
    ids=["deny-block-drops-toor", "allow-block-adds-toor", "match-user-toor"],
)
def test_match_block_list_admitting_another_uid0_account_fails(
    host_scan, global_line: str, block: str, message: str
) -> None:
    """HL16-3. A Match block's AllowUsers/DenyUsers replaces the global list for the logins it
    selects (servconf.c copy_server_option_strarray; the lists of several matching blocks are
    appended: parse_allowdenyusers "XXX appends to list"), and PermitRootLogin holds for every
    uid-0 account (auth2.c userauth_finish, R15H-7). toor (uid 0) from 10.0.0.0/8 gets
    `DenyUsers root` only, or `AllowUsers alice toor`: a uid-0 key login. hvaudit judged the
    blocks' lists for the name root only and passed "DenyUsers root toor refuses root"."""
    a = host_scan(_lists(global_line, block))
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160") == {"hv1": message}


def test_match_block_lists_without_another_uid0_account_hold(host_scan) -> None:
    """Held (HL16-3): without toor in /etc/passwd the same blocks refuse every uid-0 login, and
    with toor a block that denies it too changes nothing."""
    a = host_scan(
        _lists(
            "DenyUsers root toor",
            "Match Address 10.0.0.0/8\n    DenyUsers root\n",
            str(HARDENED_HOST["/etc/passwd"]),
        )
    )
    assert messages(a, "HVA-160") == {
        "hv1": "DenyUsers root refuses root before any authentication method (PermitRootLogin "
        "prohibit-password is not reached)"
    }
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}
    a = host_scan(
        _lists("DenyUsers root toor", "Match Address 10.0.0.0/8\n    DenyUsers toor root\n")
    )
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}, messages(a, "HVA-160")


# --- HVA-160: AllowGroups and root's directory groups (HL16-4, held) ---------------------------


@pytest.mark.parametrize(
    "nsswitch",
    [
        "passwd:         files sss\ngroup:          files sss\nhosts: files dns\n",
        "passwd:         files ldap\ngroup:          files ldap\nhosts: files dns\n",
        "passwd:         files\ngroup:          files\nhosts: files dns\n",
    ],
    ids=["groups-from-sss", "groups-from-ldap", "groups-local"],
)
def test_allow_groups_never_stands_in_for_permit_root_login(host_scan, nsswitch: str) -> None:
    """Held (HL16-4). `AllowGroups sshadmins` with root in no local sshadmins group: sshd's
    groupaccess.c asks getgrouplist(3), which reads every group database nsswitch.conf names.
    SSSD never answers for root (SSSD/sssd#6595, its maintainers: "root user is not handled by
    SSSD ... permanently stored in negative cache"), but `group: files ldap` (nslcd) may give
    root a directory group; neither is judged. HVA-160 does not read AllowGroups at all:
    PermitRootLogin prohibit-password fails whatever the group sources, never a pass (a wrong
    fail at worst, where no source gives root the group)."""
    a = host_scan(
        {
            "sshd-effective": (
                _EFFECTIVE.replace("permitrootlogin no", "permitrootlogin prohibit-password"),
                0,
            ),
            "/etc/ssh/sshd_config": SSHD_CONF.replace("PermitRootLogin no\n", ""),
            "/etc/nsswitch.conf": nsswitch,
        }
    )
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160") == {"hv1": "PermitRootLogin prohibit-password"}


# --- HVA-180: `apt-cache policy` priorities are ASCII digits (HL16-5) ---------------------------


def test_apt_policy_priority_in_other_digits_is_no_priority(host_scan) -> None:
    """HL16-5 (HL14-4's class). apt-cache.cc prints each source's priority with %d: ASCII
    digits. hvaudit read the source lines with `\\d`, which matches every Unicode decimal digit,
    and int() reads U+0665 U+0660 U+0660 as 500: a source line apt never prints counted as a
    security archive at 500 and HVA-180 passed. Now [0-9] (hvaudit.textsafe's rule): the line is
    no source, its release line belongs to none, and no security archive is left (the
    question R10H-6 asks)."""
    policy = (
        "Package files:\n \u0665\u0660\u0660 http://security.debian.org/debian-security "
        "bookworm-security/main amd64 Packages\n"
        "     release v=12,o=Debian,a=stable-security,n=bookworm-security,l=Debian-Security,"
        "c=main,b=amd64\n     origin security.debian.org\n"
        " 100 /var/lib/dpkg/status\n     release a=now\n"
        " 500 http://deb.debian.org/debian bookworm/main amd64 Packages\n"
        "     release v=12.8,o=Debian,a=stable,n=bookworm,l=Debian,c=main,b=amd64\n"
        "     origin deb.debian.org\nPinned packages:\n"
    )
    a = host_scan({"apt-policy": (policy, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "`apt-get -s dist-upgrade` names no security update, but no package source is a "
        "security archive (`apt-cache policy`: no release with 'security' in its archive, "
        "codename or label): the host does not see security updates"
    )
    a = host_scan({"apt-policy": (policy.replace("\u0665\u0660\u0660", "500"), 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")


# --- HVA-213: the running daemon's LIBVIRT_LOG_OUTPUTS (HL16-6) ---------------------------------


def test_running_daemons_environment_outputs_are_its_outputs(host_scan) -> None:
    """HL16-6. libvirtd started with LIBVIRT_LOG_OUTPUTS=3:file:/var/log/libvirt/l.log (a
    `systemctl set-environment` since unset): virLogSetFromEnv gives it that output over the
    file's (virdaemon.c, "cmdline > environment > config"); its /proc/PID/environ shows it.
    With virt-admin not installed hvaudit took the outputs from the units' environment now
    (none) and passed "log_outputs unset (the journal)". Held: an empty value is no setting."""
    environ = "LIBVIRT_LOG_OUTPUTS=3:file:/var/log/libvirt/l.log\0"
    a = host_scan({"libvirt-environ-700": (environ, 0)})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {
        "hv1": "libvirtd (running libvirtd's environment: LIBVIRT_LOG_OUTPUTS): log_outputs "
        "'3:file:/var/log/libvirt/l.log' writes only to files or stderr"
    }
    a = host_scan({"libvirt-environ-700": ("LIBVIRT_LOG_OUTPUTS=\0", 0)})
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


# --- HVA-160: user lists with /etc/passwd unread (HL16-7) ---------------------------------------


@pytest.mark.parametrize(
    "global_line",
    [
        "DenyUsers root",
        "AllowUsers alice",
    ],
    ids=["deny", "allow"],
)
def test_user_lists_with_passwd_unread_are_not_passed(host_scan, global_line: str) -> None:
    """HL16-7. DenyUsers/AllowUsers match names, PermitRootLogin the uid (R15H-7): with
    /etc/passwd unreadable, another uid-0 account (toor) may be outside the list, and hvaudit
    passed "DenyUsers root refuses root" as if root were the only one. Now the unread file
    is the outcome (error, as for any evidence not collected); with
    /etc/passwd read (no other uid-0 account) the pass stands (held, HL16-3's twin)."""
    unread = OSError("cat: /etc/passwd: Permission denied")
    a = host_scan({**_lists(global_line, ""), "/etc/passwd": unread})
    assert outcomes(a, "HVA-160") == {"hv1": "error"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160") == {
        "hv1": "evidence could not be collected: host/files/etc/passwd: cat: /etc/passwd: "
        "Permission denied"
    }
    a = host_scan(_lists(global_line, "", str(HARDENED_HOST["/etc/passwd"])))
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}, messages(a, "HVA-160")
