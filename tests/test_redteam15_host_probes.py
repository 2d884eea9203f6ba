"""Fifteenth red-team review, host side (rt15host).

Same harness as tests/test_redteam14_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message.

Findings:
- R15H-1 (false pass) HVA-151 passed "every SSH login needs two factors ... PAM requires pam_u2f
  (otp)" with `auth required pam_u2f.so [nouserok]`: libpam splits a rule's module path and
  arguments with _pam_tokenize (libpam/pam_misc.c), which returns a word in square brackets
  stripped of its brackets, so pam_u2f receives `nouserok` and lets every user without a
  registered key through. hvaudit split the arguments on blanks and saw `[nouserok]`. They are
  now split as libpam splits them (pam.pam_tokens). Fixed.
- R15H-2 (false pass) HVA-160 passed "AllowUsers alice admits no root login" where `Match
  Address 10.0.0.0/8` set PermitRootLogin yes and a later `Match Address 10.0.5.0/24` set
  AllowUsers root with PermitRootLogin no: sshd keeps the first PermitRootLogin a matching block
  gives (servconf.c parse_multistate) but the list from the block that sets it, so root logs in
  from 10.0.5.0/24. A block replacing the list is now judged with every PermitRootLogin an
  earlier block that may match gives (_root_login_values). Fixed.
- R15H-3 (wrong fail, the same reading) HVA-160 failed a later block's AllowUsers root with
  PermitRootLogin yes behind `Match User root` / PermitRootLogin no, which gives every root
  login no first. Now a pass. Fixed.
- R15H-4 (false pass) HVA-214 passed "audit rules watch ..." with rules.d/10-quiet.rules
  holding `-a never,exit -F dir=/etc/libvirt` and listed by `grep -r` after libvirt.rules:
  augenrules cats rules.d in `ls -1v` order and the exit list stops at the first matching rule,
  so the next boot suppresses the watch. rules.d is now read in `ls -1v` order (gnulib
  filevercmp, _augenrules_order). Fixed.
- R15H-5 (wrong question, the same reading) the rule in rules.d/zz-quiet.rules, after the
  watch in `ls -1v` order but listed first by grep, made HVA-214 ask whether the boot drops the
  watch. Now a pass. Fixed.
- R15H-6 (false pass) HVA-180 passed "no pending security update" with a package pinned to its
  installed version at 1001 (or its security version at -1) in /etc/apt/preferences: the
  candidate is the version of highest priority, so the simulation names no update for it and
  lists nothing kept back, and no hold shows. A "Pinned packages:" version outside 100..the
  security archive's priority is now the question of an apt host blind to security updates.
  Fixed.
- R15H-7 (false pass) HVA-160 passed "DenyUsers root refuses root" (and "AllowUsers alice toor
  admits no root login", and PermitRootLogin no beside `Match User toor` / PermitRootLogin yes)
  with a second uid-0 account toor in /etc/passwd: sshd applies PermitRootLogin to uid 0
  (auth2.c userauth_finish `pw_uid == 0`), the lists and Match User to the name. The other
  uid-0 accounts are now judged as root is. Fixed.

Probes that held: `[cue nouserok]` (one argument pam_u2f does not know: pass); a package pin at
400, inside 100..500 (pass); `Match User toor` / PermitRootLogin yes on a host without such an
account (pass). Each sits in the test of its finding.

Tally: 7 tests in this file, all of which failed on the code before their fix (each run against
main before it landed: R15H-1, R15H-2, R15H-3, R15H-4, R15H-5, R15H-6, R15H-7); the three held
probes above passed before and after.

Leads left (not probed or not fixed for lack of time):
- PAM `-auth` lines: pam.conf(5) skips the line silently when the module is missing; HVA-151
  counts `-auth required pam_u2f.so` as a factor whether or not pam_u2f.so is installed (the
  module directory is not collected; the package list might tell).
- HVA-160 AllowGroups: root in no allowed group refuses root as AllowUsers does, but root's
  groups may come from sss/ldap (sssd.conf filter_users/filter_groups default root); not judged
  (errs towards a fail only).
- sshd Match blocks: AllowUsers/DenyUsers of several matching blocks append (servconf.c "XXX
  appends to list; doesn't respect first-match-wins"); judged per block (errs towards a fail).
  Match-block lists are judged for root only, not for another uid-0 account (R15H-7 covers the
  global lists and Match User's PermitRootLogin).
- HVA-214's rebuild question says "no /etc/audit/rules.d/*.rules file does" also where a file
  holds the watch and an earlier `never` rule suppresses it (R15H-4): the wording, not the
  verdict.
- Not reached: qemu.conf settings beyond those already judged (remember_owner, max_files,
  set_process_name), virtqemud.conf vs libvirtd.conf precedence, virtlockd/virtlogd configs,
  kvm_intel nested / vhost_net experimental_zcopytx, /dev/kvm's mode (systemd's udev rule
  makes it 0666 by default, so a check needs care).
- `apt-cache policy` source lines are read with `\\d` (Unicode digits, HL14-4's class).
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam14_host_probes import _EFFECTIVE, SSHD_CONF, _allow_users

# --- HVA-151: a PAM argument in square brackets (R15H-1) -------------------------------------------


def test_pam_argument_in_brackets_is_the_argument(host_scan) -> None:
    """R15H-1. Linux-PAM libpam/pam_misc.c _pam_tokenize (read with `find_string`): `if (*from
    == '[')` the token runs to the first ']' and "this string is stripped of its edges"; pam.conf
    (5): "If you wish to include spaces in an argument, you should surround that argument with
    square brackets". `auth required pam_u2f.so cue [nouserok]` hands pam_u2f the argument
    nouserok (its README: succeed for a user with no registered key), so with AuthenticationMethods
    publickey,keyboard-interactive a key alone logs in. hvaudit read `[nouserok]` as another
    word and passed HVA-151. Right: the fail the unbracketed option gets. Held: `[cue nouserok]`
    is the single argument "cue nouserok", which pam_u2f does not know (pass)."""
    a = host_scan(
        {
            "/etc/pam.d/sshd": "auth required pam_u2f.so cue [nouserok]\nauth required pam_permit.so\n"
        }
    )
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151")["hv1"] == (
        "SSH logins need a single factor: publickey,keyboard-interactive alone logs in "
        "(AuthenticationMethods publickey,keyboard-interactive); PAM's auth stack is not run for "
        "public-key logins; pam_u2f (required, nouserok) does not fail the login when the factor "
        "is missing"
    )
    a = host_scan(
        {
            "/etc/pam.d/sshd": "auth required pam_u2f.so [cue nouserok]\nauth required pam_permit.so\n"
        }
    )
    assert messages(a, "HVA-151") == {
        "hv1": "every SSH login needs two factors: AuthenticationMethods "
        "publickey,keyboard-interactive, PAM requires pam_u2f (otp)"
    }
    assert outcomes(a, "HVA-151") == {"hv1": "pass"}


# --- HVA-160: an earlier block's PermitRootLogin for a later block's AllowUsers (R15H-2) ----------


def test_allow_users_root_in_a_block_an_earlier_block_opens(host_scan) -> None:
    """R15H-2. OpenSSH servconf.c parse_multistate keeps PermitRootLogin `if (*activep &&
    *intptr == -1)` (the first matching block's value wins, R14H-5), while AllowUsers from a
    matching block replaces the global list (copy_server_option_strarray). Global `AllowUsers
    alice` (Debian's PermitRootLogin prohibit-password), then `Match Address 10.0.0.0/8` with
    PermitRootLogin yes, then `Match Address 10.0.5.0/24` with AllowUsers root and
    PermitRootLogin no: a login as root from 10.0.5.7 matches both, gets yes from the first and
    the list `root` from the second, and logs in. hvaudit read the second block's own `no` and
    passed "AllowUsers alice admits no root login". Right: the fail naming the list."""
    over = _allow_users("alice")
    over["/etc/ssh/sshd_config"] = str(over["/etc/ssh/sshd_config"]) + (
        "Match Address 10.0.0.0/8\n    PermitRootLogin yes\n"
        "Match Address 10.0.5.0/24\n    AllowUsers root\n    PermitRootLogin no\n"
    )
    a = host_scan(over)
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160")["hv1"] == (
        "PermitRootLogin prohibit-password; AllowUsers alice admits no root login, but Match "
        "Address 10.0.5.0/24 (/etc/ssh/sshd_config:10) sets AllowUsers root"
    )


def test_allow_users_root_after_a_block_closing_every_root_login(host_scan) -> None:
    """R15H-3 (a wrong fail, R15H-2's twin). `Match User root` with PermitRootLogin no comes
    first and selects every root login, so root gets `no` there whatever the later block's
    `PermitRootLogin yes` says (parse_multistate keeps the first), and that block's AllowUsers
    root admits root to nothing. hvaudit read the later block's own yes and failed. Right: a
    pass."""
    over = _allow_users("alice")
    over["/etc/ssh/sshd_config"] = str(over["/etc/ssh/sshd_config"]) + (
        "Match User root\n    PermitRootLogin no\n"
        "Match Address 10.0.5.0/24\n    AllowUsers root\n    PermitRootLogin yes\n"
    )
    a = host_scan(over)
    assert messages(a, "HVA-160") == {
        "hv1": "AllowUsers alice admits no root login (PermitRootLogin prohibit-password is not "
        "reached)"
    }
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}


# --- HVA-214: a `never` rule augenrules loads first (R15H-4) ----------------------------------------


def test_never_rule_in_a_rules_file_sorted_first(host_scan) -> None:
    """R15H-4. augenrules cats the rules.d files in `ls -1v` order (audit-userspace
    init.d/augenrules: `for rules in $(/bin/ls -1v ${SourceRulesDir} | grep "\\.rules$")`), and
    the exit list stops at the first matching rule (auditctl(8) never), so
    rules.d/10-quiet.rules with `-a never,exit -F dir=/etc/libvirt` suppresses libvirt.rules'
    watch from the next boot on. `grep -r` lists a directory in readdir order, here
    10-quiet.rules last; hvaudit read the files in that order, saw the watch first and passed
    HVA-214 (audit.rules, not yet rebuilt, still holds the watch alone). Right: R14H-4's
    question (the boot's rebuild drops the watch). The order is now `ls -1v`'s (gnulib
    filevercmp, checked against coreutils' `ls -1v` on 17 names). The message names the never
    rule (R21A-8, tests/test_redteam21_host3_probes.py)."""
    rules = (
        str(HARDENED_HOST["audit-rules-files"][0])
        + "/etc/audit/rules.d/10-quiet.rules:-a never,exit -F dir=/etc/libvirt -F perm=wa\n"
    )
    a = host_scan({"audit-rules-files": (rules, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"] == (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, and "
        "/etc/audit/audit.rules watches /etc/libvirt, but in /etc/audit/rules.d/*.rules (`ls "
        "-1v` order) `-a never,exit -F dir=/etc/libvirt -F perm=wa` comes before their watch: "
        "`augenrules --load` at boot rebuilds audit.rules from those files and drops the watch"
    )


def test_never_rule_in_a_rules_file_sorted_last_keeps_the_pass(host_scan) -> None:
    """R15H-5 (a wrong question, R15H-4's twin): the same rule in rules.d/zz-quiet.rules, which
    `ls -1v` puts after libvirt.rules, comes after the watch at boot and suppresses nothing;
    grep listed it first in rules.d, and hvaudit asked whether the boot drops the watch. Right:
    a pass."""
    base = str(HARDENED_HOST["audit-rules-files"][0])
    first = "/etc/audit/rules.d/audit.rules:-D\n"
    assert base.count(first) == 1
    rules = base.replace(
        first,
        "/etc/audit/rules.d/zz-quiet.rules:-a never,exit -F dir=/etc/libvirt -F perm=wa\n" + first,
    )
    a = host_scan({"audit-rules-files": (rules, 0)})
    assert messages(a, "HVA-214") == {"hv1": "audit rules watch /etc/libvirt and /etc/polkit-1"}
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}


# --- HVA-180: a package pinned past the security archive (R15H-6) ----------------------------------

_POLICY = str(HARDENED_HOST["apt-policy"][0])


def test_package_pinned_above_the_security_archive(host_scan) -> None:
    """R15H-6. apt-cache.cc (Policy, read with `find_string`) prints under "Pinned packages:"
    each version a package-specific pin gives a priority ("%s -> %s with priority %d");
    apt_preferences(5): the candidate is the version of highest priority, P >= 1000 even a
    downgrade, P < 0 "prevents the version from being installed". `Package: openssh-server` /
    `Pin: version 1:9.2p1-2+deb12u3` / `Pin-Priority: 1001` keeps that version the candidate
    over the security archive's 500, so `apt-get -s dist-upgrade` names no update for it and
    does not list it as kept back (the candidate is installed), and `apt-mark showhold` is
    empty: hvaudit passed HVA-180. The same for the security version pinned to -1. Right: the
    question of an apt host that cannot see its security updates. Held: a pin at 400, inside
    100..500, decides nothing against the security archive (pass)."""
    for pin, prio in (
        ("openssh-server -> 1:9.2p1-2+deb12u3", "1001"),
        ("qemu-system-x86 -> 1:7.2+dfsg-7+deb12u7", "-1"),
    ):
        a = host_scan({"apt-policy": (_POLICY + f"     {pin} with priority {prio}\n", 0)})
        assert outcomes(a, "HVA-180") == {"hv1": "manual"}, (pin, messages(a, "HVA-180"))
        assert messages(a, "HVA-180")["hv1"] == (
            "`apt-get -s dist-upgrade` names no security update, but apt_preferences(5) pins 1 "
            "package version(s) outside 100..500, the security archive's priority (`apt-cache "
            f"policy`, Pinned packages: {pin} with priority {prio}): a pinned package's security "
            "updates may never show as pending"
        )
    pin = "     qemu-system-x86 -> 1:7.2+dfsg-7+deb12u7 with priority 400\n"
    a = host_scan({"apt-policy": (_POLICY + pin, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")


# --- HVA-160: a second uid-0 account (R15H-7) -------------------------------------------------------

_TOOR = str(HARDENED_HOST["/etc/passwd"]) + "toor:x:0:0:root:/root:/bin/bash\n"


def test_deny_users_root_leaves_another_uid0_account(host_scan) -> None:
    """R15H-7. OpenSSH auth2.c userauth_finish (read with `find_string`): `if (authenticated &&
    authctxt->pw->pw_uid == 0 && !auth_root_allowed(ssh, method))`: PermitRootLogin holds for
    every uid-0 account, while DenyUsers and AllowUsers match the login name (auth.c
    allowed_user). With `toor:x:0:0` in /etc/passwd, `DenyUsers root` and Debian's
    PermitRootLogin prohibit-password, toor logs in with a key as uid 0; hvaudit passed
    "DenyUsers root refuses root". The same for `AllowUsers alice toor`, and for PermitRootLogin
    no with `Match User toor` / PermitRootLogin yes (hvaudit judged Match User lists against the
    name root only). Right: fails naming toor. Held: `Match User toor` without such an account
    stays a pass."""
    effective = _EFFECTIVE.replace("permitrootlogin no", "permitrootlogin prohibit-password")
    effective = effective.replace("allowgroups sshadmins\n", "")
    conf = SSHD_CONF.replace("AllowGroups sshadmins\n", "")
    a = host_scan(
        {
            "sshd-effective": (effective + "denyusers root\n", 0),
            "/etc/ssh/sshd_config": conf.replace("PermitRootLogin no\n", "DenyUsers root\n"),
            "/etc/passwd": _TOOR,
        }
    )
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160")["hv1"] == (
        "PermitRootLogin prohibit-password; DenyUsers root refuses root, but not toor (uid 0 in "
        "/etc/passwd), to which sshd applies PermitRootLogin as to root"
    )
    a = host_scan(
        {
            "sshd-effective": (effective + "allowusers alice toor\n", 0),
            "/etc/ssh/sshd_config": conf.replace("PermitRootLogin no\n", "AllowUsers alice toor\n"),
            "/etc/passwd": _TOOR,
        }
    )
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160")["hv1"] == (
        "PermitRootLogin prohibit-password; AllowUsers alice toor admits no login as root, but "
        "admits toor (uid 0 in /etc/passwd), to which sshd applies PermitRootLogin as to root"
    )
    block = SSHD_CONF + "Match User toor\n    PermitRootLogin yes\n"
    a = host_scan({"/etc/passwd": _TOOR, "/etc/ssh/sshd_config": block})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160")["hv1"] == (
        "PermitRootLogin no, but Match User toor (/etc/ssh/sshd_config:8) sets PermitRootLogin yes"
    )
    a = host_scan({"/etc/ssh/sshd_config": block})
    assert messages(a, "HVA-160") == {"hv1": "PermitRootLogin no"}
