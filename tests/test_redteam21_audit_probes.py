"""Twenty-first red-team review, accounts-and-auditing leads of round 21 (rt21audit).

Same harness as tests/test_redteam21_host3_probes.py: libvirt's test driver serves one plain
VM, and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only
where a probe says so), through the real collector, parser and engine; each test asserts
HVA-142's exact status and message. Sources read in the sudo tree fetched with `fetch`
(sudo-project/sudo 2e18923c2: docs/sudoers.man.in, plugins/sudoers/check.c, match.c).

Findings (ID-n):
- R21D-1 (wrong fail; team decision: a question) HVA-142: SUSE's default sudoers, `Defaults
  targetpw` with `ALL ALL=(ALL) ALL`, failed "ALL (every user)". sudoers(5) targetpw: sudo
  "will prompt for the password of the user specified by the -u option (defaults to the value
  of runas_default) instead of the password of the invoking user"; rootpw asks for root's;
  check.c get_authpw takes rootpw, else runaspw (runas_default's password), else targetpw.
  Whoever knows root's password is root already, so the grant adds no one, if /etc/pam.d/sudo
  (not collected) really checks it. Now a question naming the flag and asking what
  /etc/pam.d/sudo accepts (never a pass). It stays a fail where the ALL rule carries NOPASSWD,
  `Defaults !authenticate` holds, the last global setting turns the flag off, a scoped
  Defaults (`Defaults:user`, `@host`, `!cmnd`, `>runas`) sets the flag, authenticate or
  runas_default (it may differ for some rules: not resolved), or runaspw/targetpw meet a
  runas_default other than root (_sudo_defaults, _sudo_password_flag). SUSE's file writes
  `Defaults targetpw   # ask for the password ...`: a '#' not followed by a digit starts a
  comment (sudoers(5)), now cut from a Defaults line (it hid the flag: landed later).
- R21D-2 (wrong fail) HVA-142: `Defaults runas_default=www-data` with `deploy, eve ALL =
  /usr/bin/systemctl reload nginx` counted deploy and eve as root (4 principals, a fail).
  sudoers(5) runas_default: "The default user to run commands as if the -u option is not
  specified"; match.c runaslist_matches: "If no runas user listed in sudoers, use the default
  value". A rule without a Runas_Spec runs as that account: now read as `(www-data)` (the
  hardened pass). A scoped `Defaults:deploy runas_default=...` is not resolved: root (held).

- R21D-3 (false pass) HVA-214: the boot's rule files were read in file order, but auditctl(8)
  `-A list,action` "Add rule to the beginning" of the list and `-D` "Delete all rules and
  watches" where it stands (auditctl -R reads line by line); augenrules (audit-userspace
  ea855020 init.d/augenrules.in, fetched) emits "the last processed -D directive without an
  option ... as the first line". `-A never,exit -F dir=/etc/libvirt` (or `-A exit,never -F
  arch=b64 -S all`) written after the watch in both audit.rules and rules.d, and a trailing
  `-D` in audit.rules, passed. Now the sets are read in load order (_load_order: -A to the
  front, bare -D clears in audit.rules and not in rules.d, `-D -k KEY`, -d and -W delete their
  rules): the prepended never rule is the "neither file watches" question naming the rule;
  the -D in audit.rules alone is a question asking whether `augenrules --load` builds the
  boot's rules (only where audit.rules holds the watch: R11H-6's pass for a watch in rules.d
  only is kept).

Held (kept as tests): NOPASSWD in the ALL rule (first or later command), `!authenticate`, a
later `!targetpw`, scoped `Defaults:eve !targetpw`, `Defaults>root !targetpw`,
`Defaults!/usr/bin/virsh !authenticate`, runaspw with runas_default=www-data: each keeps the
fail (R21D-1); a scoped, root or `#0` runas_default keeps deploy's and eve's count (R21D-2); a
-D before the watches, a keyed -D, a bare -D in rules.d, a prepended watch and an appended
(`-a`) never rule after the watch keep HVA-214's pass (R21D-3).

Probed by script, not kept (the verdict was right): none (each probe was kept as a test).

Tally: 25 cases in 8 test functions; 10 failed before their fixes (R21D-1 5, R21D-2 1,
R21D-3 3 on main bf5f0de; R21D-1's commented SUSE file 1 on 978faf0); the 15 held cases
passed before and after. The SARIF golden carries
HVA-142's and HVA-214's docstrings (regenerated); no golden verdict changed.

Leads left (not settled in the time):
- HVA-214: a b64-only watch or a process never rule in the boot set only (_compat_unwatched,
  _drops(every=False) over _boot_sets) is still judged live only; a single boot set (no
  rules.d files) whose -D deletes the watch gets the "neither file watches" question, not a
  fail; `-d`/`-W` match a rule by its options (sorted), not by auditctl's exact field order.
- HVA-142: targetpw lets ALL users `sudo -u X` with X's password (an account with an empty
  password and pam_unix nullok: lateral, counted nowhere); only the ALL principal is turned
  into the question (named users under targetpw still count); runas_default set in a scoped
  Defaults is read as root (errs towards counting); `Defaults runas_default` also changes
  runaspw's account (handled: fail stays).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

HARDENED_142 = "2 administrative principal(s) (limit 3): alice, root"
SUDOERS_MAIN = str(HARDENED_HOST["sudoers"][0])
PASSWD_WWW = (
    str(HARDENED_HOST["/etc/passwd"]) + "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
)
GROUP_WWW = str(HARDENED_HOST["/etc/group"]) + "www-data:x:33:\n"


def _sudoers(*lines: str, main: str = SUDOERS_MAIN, **more: Any) -> dict[str, Any]:
    return {"sudoers": (main + "".join(f"{ln}\n" for ln in lines), 0), **more}


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


# --- R21D-1: Defaults targetpw / rootpw with a rule for ALL users ------------------------------

SUSE = "/etc/sudoers.d/suse:ALL ALL=(ALL) ALL"


@pytest.mark.parametrize(
    ("lines", "flag"),
    [
        (("/etc/sudoers.d/suse:Defaults targetpw", SUSE), "targetpw"),
        (
            (
                "/etc/sudoers.d/suse:Defaults targetpw   # ask for the password of the target "
                "user i.e. root",
                SUSE + "   # WARNING! Only use this together with 'Defaults targetpw'!",
            ),
            "targetpw",
        ),
        (("/etc/sudoers.d/suse:Defaults always_set_home, targetpw", SUSE), "targetpw"),
        (("/etc/sudoers.d/suse:Defaults rootpw", SUSE), "rootpw"),
        (("/etc/sudoers.d/suse:Defaults runaspw", SUSE), "runaspw"),
        (
            (
                "/etc/sudoers.d/suse:Defaults !targetpw",
                "/etc/sudoers.d/suse:Defaults targetpw",
                "/etc/sudoers.d/suse:User_Alias EVERYONE = ALL",
                "/etc/sudoers.d/suse:EVERYONE ALL=(ALL) ALL",
            ),
            "targetpw",
        ),
    ],
    ids=["suse", "suse-comments", "in-a-list", "rootpw", "runaspw", "alias-last-wins"],
)
def test_rule_for_all_under_targetpw_asks_about_pam(
    host_scan, lines: tuple[str, ...], flag: str
) -> None:
    """R21D-1 (wrong fail; the team's decision: a question) HVA-142. sudoers(5) targetpw: sudo
    "will prompt for the password of the user specified by the -u option ... instead of the
    password of the invoking user"; rootpw: "the root password"; runaspw: runas_default's
    (root). check.c get_authpw. SUSE ships `Defaults targetpw` with `ALL ALL=(ALL) ALL`: the
    rule adds no one who does not know root's password, if /etc/pam.d/sudo (not collected)
    checks it. hvaudit failed "ALL (every user)"; now the question names the flag."""
    status, msg = _142(host_scan(_sudoers(*lines)))
    assert status == "manual", (status, msg)
    assert msg == (
        f"3 administrative principal(s) (limit 3): ALL (every user, with root's password: "
        f"Defaults {flag}), alice, root; sudoers lets every user run commands as root under "
        f"`Defaults {flag}`, which asks for root's password, not the caller's; sudo's "
        "PAM stack (which checks it: /etc/pam.d/sudo, else /usr/lib/pam.d/sudo) is not in the "
        "evidence"
    )


@pytest.mark.parametrize(
    "lines",
    [
        (
            "/etc/sudoers.d/suse:Defaults targetpw",
            "/etc/sudoers.d/suse:ALL ALL=(ALL) NOPASSWD: ALL",
        ),
        (
            "/etc/sudoers.d/suse:Defaults targetpw",
            "/etc/sudoers.d/suse:ALL ALL=(ALL) ALL, NOPASSWD: /usr/bin/virsh",
        ),
        ("/etc/sudoers.d/suse:Defaults targetpw, !authenticate", SUSE),
        ("/etc/sudoers.d/suse:Defaults targetpw", "/etc/sudoers.d/suse:Defaults !targetpw", SUSE),
        (
            "/etc/sudoers.d/suse:Defaults targetpw",
            "/etc/sudoers.d/suse:Defaults:eve !targetpw",
            SUSE,
        ),
        (
            "/etc/sudoers.d/suse:Defaults targetpw",
            "/etc/sudoers.d/suse:Defaults>root !targetpw",
            SUSE,
        ),
        ("/etc/sudoers.d/suse:Defaults runaspw, runas_default=www-data", SUSE),
        (
            "/etc/sudoers.d/suse:Defaults targetpw",
            "/etc/sudoers.d/suse:Defaults!/usr/bin/virsh !authenticate",
            SUSE,
        ),
    ],
    ids=[
        "nopasswd",
        "nopasswd-later",
        "no-authenticate",
        "turned-off",
        "scoped-user",
        "scoped-runas",
        "runaspw-www",
        "scoped-cmnd",
    ],
)
def test_rule_for_all_without_root_password_fails(host_scan, lines: tuple[str, ...]) -> None:
    """Held (R21D-1's edge): where a command runs without root's password for some or every
    user (NOPASSWD, `!authenticate`, the flag turned off by a later or scoped Defaults, runaspw
    asking www-data's password) the rule for ALL users stays a fail."""
    a = host_scan(_sudoers(*lines, **{"/etc/passwd": PASSWD_WWW, "/etc/group": GROUP_WWW}))
    assert _142(a) == (
        "fail",
        "3 administrative principal(s) (limit 3): ALL (every user), alice, root; "
        "/etc/sudoers.d/suse adds ALL (every user)",
    )


# --- R21D-2: runas_default names the account a rule without a Runas_Spec runs as -------------


def test_runas_default_is_the_target_without_runas_spec(host_scan) -> None:
    """R21D-2 (wrong fail) HVA-142. sudoers(5) runas_default: "The default user to run
    commands as if the -u option is not specified"; match.c runaslist_matches: "If no runas
    user listed in sudoers, use the default value". `deploy, eve ALL = /usr/bin/systemctl
    reload nginx` under `Defaults runas_default=www-data` runs as www-data: hvaudit read it as
    root (4 principals, a fail). Right: the hardened pass."""
    a = host_scan(
        _sudoers(
            '/etc/sudoers.d/web:Defaults runas_default="www-data"',
            "/etc/sudoers.d/web:deploy, eve ALL = /usr/bin/systemctl reload nginx",
            **{"/etc/passwd": PASSWD_WWW, "/etc/group": GROUP_WWW},
        )
    )
    assert _142(a) == ("pass", HARDENED_142)


@pytest.mark.parametrize(
    "setting",
    [
        "Defaults:deploy runas_default=www-data",
        "Defaults runas_default=root",
        "Defaults runas_default=#0",
    ],
)
def test_runas_default_scoped_or_root_counts(host_scan, setting: str) -> None:
    """Held (R21D-2's edge): a scoped runas_default (not resolved) or one naming root keeps the
    rule's users as root."""
    a = host_scan(
        _sudoers(
            f"/etc/sudoers.d/web:{setting}",
            "/etc/sudoers.d/web:deploy, eve ALL = /usr/bin/systemctl reload nginx",
            **{"/etc/passwd": PASSWD_WWW, "/etc/group": GROUP_WWW},
        )
    )
    assert _142(a) == (
        "fail",
        "4 administrative principal(s) (limit 3): alice, deploy, eve, root; "
        "/etc/sudoers.d/web adds deploy, eve",
    )


# --- R21D-3: -A and -D in the rules files the boot loads -------------------------------------

RULES_HEAD = (
    "/etc/audit/audit.rules:## This file is automatically generated from /etc/audit/rules.d\n"
    "/etc/audit/audit.rules:-D\n/etc/audit/audit.rules:-b 8192\n"
    "/etc/audit/rules.d/audit.rules:-D\n/etc/audit/rules.d/audit.rules:-b 8192\n"
)
WATCHES = ("-w /etc/libvirt -p wa -k libvirt-config", "-w /etc/polkit-1 -p wa -k polkit")


def _files(audit_rules: tuple[str, ...], rules_d: tuple[str, ...]) -> dict[str, Any]:
    text = RULES_HEAD + "".join(f"/etc/audit/audit.rules:{r}\n" for r in audit_rules)
    text += "".join(f"/etc/audit/rules.d/libvirt.rules:{r}\n" for r in rules_d)
    return {"audit-rules-files": (text, 0)}


def _214(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-214")["hv1"], messages(a, "HVA-214")["hv1"]


@pytest.mark.parametrize(
    ("extra", "gone"),
    [
        ("-A never,exit -F dir=/etc/libvirt", "/etc/libvirt"),
        ("-A exit,never -F arch=b64 -S all", "/etc/libvirt, /etc/polkit-1"),
    ],
    ids=["tree", "every-call"],
)
def test_prepended_never_rule_after_watch_hides_it(host_scan, extra: str, gone: str) -> None:
    """R21D-3 (false pass) HVA-214. auditctl(8): `-A list,action` "Add rule to the beginning
    list with action": loaded from a rules file, an `-A never,exit` written after the watch
    comes before it in the kernel's exit list, which stops at the first match. hvaudit read
    the boot's rule files in file order: the watch came first, a pass. Right: the boot loads
    no watch of /etc/libvirt (a question, as for a watch in no file)."""
    rules = (*WATCHES, extra)
    status, msg = _214(host_scan(_files(rules, rules)))
    assert status == "manual", (status, msg)
    assert msg == (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but neither "
        "/etc/audit/audit.rules nor /etc/audit/rules.d/*.rules watches "
        f"{gone} (`{extra}` comes before the watch as the rules load: an -A rule goes to the "
        "front of its list)"
    )


def test_delete_all_after_watch_in_hand_loaded_audit_rules(host_scan) -> None:
    """R21D-3 (false pass) HVA-214. auditctl(8) -D "Delete all rules and watches"; `auditctl -R
    /etc/audit/audit.rules` reads the file line by line, so a -D after the watches deletes
    them; augenrules (audit-userspace init.d/augenrules.in) emits "the last processed -D
    directive without an option ... as the first line", so the rules.d set keeps them. With
    the watches and a trailing -D in audit.rules, hvaudit passed. Right: a question naming the
    loader."""
    status, msg = _214(host_scan(_files((*WATCHES, "-D"), WATCHES)))
    assert status == "manual", (status, msg)
    assert msg == (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, and "
        "/etc/audit/audit.rules holds the watch of /etc/libvirt, /etc/polkit-1, but as "
        "`auditctl -R` loads it (an -A rule goes to the front of its list, a -D deletes the "
        "rules before it) the watch is deleted; /etc/audit/rules.d/*.rules as `augenrules "
        "--load` builds it keeps the watch"
    )


@pytest.mark.parametrize(
    ("audit_rules", "rules_d"),
    [
        (("-D", *WATCHES), ("-D", *WATCHES)),
        ((*WATCHES, "-D -k unrelated"), (*WATCHES, "-D")),
        (("-A always,exit -F dir=/etc/libvirt -F perm=wa", *WATCHES), WATCHES),
        (
            (*WATCHES, "-a never,exit -F dir=/etc/libvirt"),
            (*WATCHES, "-a never,exit -F dir=/etc/libvirt"),
        ),
    ],
    ids=["leading-D", "keyed-D-and-augenrules-D", "prepended-watch", "appended-never"],
)
def test_load_order_keeps_the_watch(
    host_scan, audit_rules: tuple[str, ...], rules_d: tuple[str, ...]
) -> None:
    """Held (R21D-3's edge): a -D before the watches, a -D for another key, a bare -D in a
    rules.d file (augenrules hoists it), a prepended watch, and a never rule appended after the
    watch (`-a` adds at the end) keep the pass."""
    assert _214(host_scan(_files(audit_rules, rules_d))) == (
        "pass",
        "audit rules watch /etc/libvirt and /etc/polkit-1",
    )
