"""Twenty-first red-team review, host side, third team (rt21host3).

Same harness as tests/test_redteam20_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), through the real collector, parser and engine; each test asserts HVA-142's or
HVA-214's exact status and message. This team took the accounts-and-auditing leads: how sudo
reads names and include paths (HVA-142), and the never rules of the rules the next boot loads
(HVA-214). Sources read in the sudo tree fetched with `fetch` (sudo-project/sudo 2e18923c2:
docs/sudoers.man.in, plugins/sudoers/toke.l, toke_util.c, gram.y).

Findings (ID-n):
- R21A-1 (false pass) HVA-142: a User_List (or User_Alias) name in double quotes or with
  escapes was split at its blank and kept its quotes. sudoers(5): a user or group name "may be
  enclosed in double quotes to avoid the need for escaping special characters ... When using
  double quotes, any prefix characters must be included inside the quotes", and special
  characters "may be specified in escaped hex mode, e.g., \\x20 for space"; toke.l returns a
  quoted string starting with '%' as a USERGROUP and copy_string decodes `\\xHH` and `\\c`.
  So `"%ops" ALL=(ALL:ALL) ALL` counted one account `"%ops"` (HVA-142 passed 3 principals; right:
  %ops's bob and carol, 4, a fail), and sssd's `"%domain admins@corp.example"` counted an account
  `"%domain` (a pass; right: the directory group's question). `%\\x6fps` asked about a group
  `%\\x6fps` (now %ops's members). Now the User_List and User_Alias members are read with
  sudo's lexer rules (_sudoers_names, _sudoers_unescape).
- R21A-2 (wrong fail) HVA-142: /etc/sudoers.d was read as included though /etc/sudoers held no
  `@includedir /etc/sudoers.d`: sudo reads only what an include or includedir entry pushes
  (gram.y). A grant there to mallory and eve failed HVA-142 "4 administrative principal(s)";
  now the hardened pass. A probe holding no /etc/sudoers line (unread or empty) still reads
  the directory (errs towards counting).
- R21A-3 (wrong question) HVA-142: `@include /etc/sudoers.d/%h.conf` made HVA-142 ask ("sudoers
  includes /etc/sudoers.d/%h.conf, which the collector does not read"); sudoers(5): "%h"
  is "the short form of the host name" (toke.l expand_include with user.shost, '/' written
  '_'). Now %h is the kernel host name up to its first '.', and /etc/sudoers.d/hv1.conf's grant
  counts (a fail, 4 principals).
- R21A-4 (false pass) HVA-214: a never rule in the rules the next boot loads was not judged:
  `-a never,exit -F dir=/etc/libvirt/qemu` in /etc/audit/rules.d/05-quiet.rules, which
  augenrules (audit-userspace init.d/augenrules: `ls -1v`, a digit before a letter) cats
  before libvirt.rules' watch, drops the VM definitions' writes from the next boot (the exit
  list stops at the first match, R20H-2), while the loaded rules (not reloaded) passed. Now a
  question where only rules.d holds it (whether the boot runs `augenrules --load` decides),
  a fail where audit.rules holds it too (_boot_drops).
- R21A-5 (false pass) HVA-214: `-a always,exit -S all -F dir=/etc/libvirt -F perm=wa -F
  success!=1` (or `-F exit<0`, `-F exit<=-1`) was taken as the watch: hvaudit excluded a rule
  with `success=`/`exit=` but read a field with another operator as no limit (`!=` fields were
  dropped, `exit<=-1` read as a field named "exit<"). The kernel compares both with the rule's
  operator (kernel/auditsc.c audit_filter_rules: AUDIT_EXIT `audit_comparator(ctx->return_code,
  f->op, f->val)`, AUDIT_SUCCESS return_valid against AUDITSC_SUCCESS / AUDITSC_FAILURE; read
  with `find_string`), so the rule records failed calls only: now no watch (a fail). Its twin
  (wrong fail): a never rule for /etc/libvirt/qemu before the watch with `success!=1`,
  `exit<0` or `exit<=-1` drops no change, as `success=0` did not (R20H-6): now the pass
  (_result_fields, _only_failures).
- R21A-6 (wrong fail) HVA-142: an indented `    #includedir /etc/sudoers.d` included the
  directory; sudo's lexer takes `#include`/`#includedir` only at the start of a line (toke.l
  `<INITIAL>^#includedir[[:blank:]]+`; `@includedir` is unanchored), so it is a comment and,
  with R21A-2, the directory's grant counts nowhere. Now the directive pattern follows toke.l.
- R21A-7 (wrong fail) HVA-142: `mallory, eve ALL=() NOPASSWD: /usr/bin/virt-top` counted both
  as root: sudoers(5) Runas_Spec "If both lists are empty, the command may only be run as the
  invoking user"; _sudo_runas read an empty `()`/`(:)` as root. Now it names no other account.
- R21A-8 (wrong message) HVA-214: the rebuilt-rules question said "audit.rules watches
  /etc/libvirt, but no /etc/audit/rules.d/*.rules file does" where libvirt.rules does but a
  whole-tree never rule in 05-quiet.rules comes first in `ls -1v` order (the rounds 18-20
  lead); the verdict (the question) was right. Now the message names that rule (_first_never);
  test_redteam15_host_probes' R15H-4 case, which pinned the old words, expects the new ones.

Held (kept as tests): with the hardened `@includedir /etc/sudoers.d`, or no /etc/sudoers line
in the probe, the directory's grant counts (R21A-2); `@include /etc/sudoers.%h` (outside the
collected files) stays a question, its message now naming /etc/sudoers.hv1 (R21A-3; failed
before on the message only); a never rule in quiet.rules, after libvirt.rules' watch in
`ls -1v` order, keeps the pass (R21A-4); a never rule with `exit!=0` (an open's descriptor
matches it) still drops writes (R21A-5); an indented `@includedir` still includes (R21A-6);
a `(root)` command after `()` in the same rule still counts (R21A-7).

Probed by script, not kept (the verdict was right): none beyond the held cases (each probe was
kept as a test).

Tally: 24 cases in 15 test functions (R21A-6/7 hold their held twin in the same function);
21 failed on main before their fixes (run with PYTHONPATH=/work/main/src: R21A-1 6, R21A-2 1,
R21A-3 2 (one of them the held question's message), R21A-4 2 on 14a2017; R21A-5 6, R21A-6 1,
R21A-7 2 on e760295; R21A-8 1 on 2b0238c); the 3 other held cases passed before and after. The SARIF golden carries
HVA-214's docstring (regenerated); no golden verdict changed.

Leads left (not settled in the time):
- HVA-142, team decision: `Defaults targetpw` (or rootpw, runaspw) with SUSE's default `ALL
  ALL=(ALL) ALL` fails "ALL (every user)", though sudo then asks for the target's (root's)
  password (sudoers(5) targetpw); dropping the count needs /etc/pam.d/sudo (not collected:
  pam_wheel trust or pam_permit would let them in) and scoped Defaults (`Defaults:user`,
  `Defaults>runas`) read; NOPASSWD still grants. `Defaults runas_default=www-data` (rules
  without a Runas_Spec run as it, sudoers(5)) is still read as root (a wrong fail).
- HVA-214: a b64-only watch or a process never rule in the boot set only
  (_compat_unwatched, _drops(every=False)) is not judged for the next boot; `-A` (prepend) in a
  rules file reorders the boot set (read in file order); `-D` in a hand-loaded audit.rules
  after the watch deletes it (augenrules hoists -D; auditctl -R does not).
- Socket units: SocketMode=/SocketUser=/SocketGroup= drop-ins are not collected; a live socket's
  stat is judged, so a drop-in widening the mode for the next start of libvirtd.socket (not yet
  restarted) keeps HVA-132's pass. Needs `systemctl cat libvirtd.socket ...` in the collector.
- systemd's single quotes on the kernel command line (HL19-2's edge) and a non-kernel host name
  source for sudo's %h (`Defaults fqdn`) were not reached.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

HARDENED_142 = "2 administrative principal(s) (limit 3): alice, root"
SUDOERS_MAIN = str(HARDENED_HOST["sudoers"][0])
#: the hardened /etc/sudoers without its `@includedir /etc/sudoers.d` line
SUDOERS_NO_D = SUDOERS_MAIN.replace("/etc/sudoers:@includedir /etc/sudoers.d\n", "")
GROUP_OPS = str(HARDENED_HOST["/etc/group"]) + "ops:x:1001:bob,carol\n"


def _sudoers(*lines: str, main: str = SUDOERS_MAIN, **more: Any) -> dict[str, Any]:
    return {"sudoers": (main + "".join(f"{ln}\n" for ln in lines), 0), **more}


def _142(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-142")["hv1"], messages(a, "HVA-142")["hv1"]


# --- R21A-1: quoted and escaped names in a sudoers User_List ---------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ('/etc/sudoers.d/ops:"%ops" ALL=(ALL:ALL) ALL',),
        ("/etc/sudoers.d/ops:%\\x6fps ALL=(ALL:ALL) ALL",),
        ('/etc/sudoers.d/ops:User_Alias OPS = "%ops"', "/etc/sudoers.d/ops:OPS ALL=(ALL) ALL"),
    ],
    ids=["quoted", "hex-escape", "quoted-in-alias"],
)
def test_quoted_group_in_user_list_counts_its_members(host_scan, lines: tuple[str, ...]) -> None:
    """R21A-1 (false pass) HVA-142. sudoers(5): a user or group name "may be enclosed in double
    quotes to avoid the need for escaping special characters ... When using double quotes, any
    prefix characters must be included inside the quotes", and "special characters may be
    specified in escaped hex mode". sudo's toke.l returns a quoted string starting with '%' as a
    USERGROUP, and copy_string (toke_util.c) decodes `\\xHH` and `\\c` in a word. hvaudit took
    `"%ops"` (and `%\\x6fps`) as one account named so: 3 principals, a pass. Right: %ops's
    members bob and carol count, 5 principals > 3."""
    a = host_scan(_sudoers(*lines, **{"/etc/group": GROUP_OPS}))
    assert _142(a) == (
        "fail",
        "4 administrative principal(s) (limit 3): alice, bob, carol, root; "
        "/etc/sudoers.d/ops adds bob, carol",
    )


@pytest.mark.parametrize(
    "line",
    [
        '/etc/sudoers.d/ad:"%domain admins@corp.example" ALL=(ALL:ALL) ALL',
        "/etc/sudoers.d/ad:%domain\\ admins@corp.example ALL=(ALL:ALL) ALL",
        "/etc/sudoers.d/ad:%domain\\x20admins@corp.example ALL=(ALL:ALL) ALL",
    ],
    ids=["quoted", "backslash-blank", "hex-blank"],
)
def test_directory_group_with_blank_is_a_group(host_scan, line: str) -> None:
    """R21A-1 (false pass) HVA-142: sssd's AD groups have blanks ("Domain Admins"); sudo reads
    `"%domain admins@corp.example"` (or `%domain\\ admins...`: toke.l's WORD takes `\\c` for
    any c but a tab or newline) as that group. hvaudit's User_List stopped at the blank: the
    quoted form counted an account `"%domain` (3 principals, a pass), the escaped forms a group
    `%domain\\`. Right: the directory group's members are not in the evidence, a question
    naming it."""
    a = host_scan(_sudoers(line))
    group = "%domain admins@corp.example"
    assert _142(a) == (
        "manual",
        f"3 administrative principal(s) (limit 3): {group} (members not read), alice, root; "
        f"the members of {group} are not in the evidence",
    )


# --- R21A-2: /etc/sudoers.d read only where sudoers includes it --------------------------------


def test_sudoers_d_not_included_is_not_loaded(host_scan) -> None:
    """R21A-2 (wrong fail) HVA-142. sudo reads /etc/sudoers and what its @include/@includedir
    (or #include/#includedir) lines name, nothing else (sudoers(5), "Including other files from
    within sudoers"; gram.y's include/includedir entries call push_include): a sudoers without
    `@includedir /etc/sudoers.d` leaves the directory's files unread. hvaudit took
    /etc/sudoers.d as always included: mallory's and eve's grant there counted, a fail "4
    administrative principal(s)". Right: the hardened pass."""
    a = host_scan(_sudoers("/etc/sudoers.d/ops:mallory, eve ALL=(ALL:ALL) ALL", main=SUDOERS_NO_D))
    assert _142(a) == ("pass", HARDENED_142)


def test_sudoers_d_included_is_loaded(host_scan) -> None:
    """Held (R21A-2's edge): with the hardened sudoers' `@includedir /etc/sudoers.d`, or a
    probe output holding no /etc/sudoers line at all (unread or empty: the directory still
    counts, erring towards counting), the grant counts."""
    for main in (SUDOERS_MAIN, ""):
        a = host_scan(_sudoers("/etc/sudoers.d/ops:mallory, eve ALL=(ALL:ALL) ALL", main=main))
        assert "eve, mallory" in _142(a)[1], _142(a)


# --- R21A-3: %h in an include path ------------------------------------------------------------


def test_include_host_escape_is_expanded(host_scan) -> None:
    """R21A-3 (wrong question) HVA-142. sudoers(5): "The file name may also include the %h
    escape, signifying the short form of the host name" (toke.l expand_include, with the
    parser's user.shost; a '/' in the name becomes '_'). hvaudit took any include path with a
    '%' as outside the collected files: `@include /etc/sudoers.d/%h.conf` made HVA-142 ask
    though /etc/sudoers.d/hv1.conf was in the evidence. Right: the file is read, its grant
    counts (a fail, 4 principals)."""
    a = host_scan(
        _sudoers(
            "/etc/sudoers.d/10-host:@include /etc/sudoers.d/%h.conf",
            "/etc/sudoers.d/hv1.conf:mallory, eve ALL=(ALL:ALL) ALL",
        )
    )
    assert _142(a) == (
        "fail",
        "4 administrative principal(s) (limit 3): alice, eve, mallory, root; "
        "/etc/sudoers.d/hv1.conf adds eve, mallory",
    )


def test_include_host_escape_outside_stays_a_question(host_scan) -> None:
    """Held (R21A-3's edge): `@include /etc/sudoers.%h` names /etc/sudoers.hv1, which the
    collector does not read: still the question."""
    a = host_scan(_sudoers("/etc/sudoers.d/10-host:@include /etc/sudoers.%h"))
    status, msg = _142(a)
    assert status == "manual" and "/etc/sudoers.hv1" in msg, msg


# --- R21A-4: a never rule the next boot loads ----------------------------------------------------

RULES_FILES = str(HARDENED_HOST["audit-rules-files"][0])
QUIET = "-a never,exit -F dir=/etc/libvirt/qemu -k quiet"


def _boot_rules(*lines: str) -> dict[str, Any]:
    return {"audit-rules-files": (RULES_FILES + "".join(f"{ln}\n" for ln in lines), 0)}


def _214(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-214")["hv1"], messages(a, "HVA-214")["hv1"]


def test_never_rule_in_rules_d_before_watch_is_a_question(host_scan) -> None:
    """R21A-4 (false pass) HVA-214. augenrules (audit-userspace init.d/augenrules: `ls -1v` of
    rules.d, every *.rules file catted in that order into audit.rules, which `augenrules --load`
    then loads at boot) puts /etc/audit/rules.d/05-quiet.rules' `-a never,exit -F
    dir=/etc/libvirt/qemu` before libvirt.rules' watch; the exit list stops at the first match
    (auditctl(8) `never`, R20H-2), so from the next boot the VM definitions' writes go
    unrecorded. hvaudit judged the never rules of the loaded set only (the file not loaded yet)
    and passed. Right: where only rules.d holds it (audit.rules as generated before), whether
    the boot runs augenrules decides: the question."""
    a = host_scan(_boot_rules(f"/etc/audit/rules.d/05-quiet.rules:{QUIET}"))
    status, msg = _214(a)
    assert status == "manual", msg
    assert msg == (
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but "
        f"/etc/audit/rules.d/*.rules, which `augenrules --load` loads at boot, hold `{QUIET}`, "
        "which drops the records of writes to /etc/libvirt/qemu (a never rule wins over the "
        "watch: the exit list stops at the first match, an inode rule of -F path= is applied "
        "after it)"
    )


def test_never_rule_in_every_boot_file_fails(host_scan) -> None:
    """R21A-4 (false pass) HVA-214: the same never rule in audit.rules too (augenrules run
    without --load, or audit.rules written by hand) is loaded at boot whichever way the host
    loads its rules: a fail."""
    files = RULES_FILES.replace(
        "/etc/audit/audit.rules:-w /etc/libvirt",
        f"/etc/audit/audit.rules:{QUIET}\n/etc/audit/audit.rules:-w /etc/libvirt",
    )
    a = host_scan(
        {"audit-rules-files": (files + f"/etc/audit/rules.d/05-quiet.rules:{QUIET}\n", 0)}
    )
    assert _214(a) == (
        "fail",
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, but "
        f"/etc/audit/audit.rules and /etc/audit/rules.d/*.rules, which the boot loads, hold "
        f"`{QUIET}`, which drops the records of writes to /etc/libvirt/qemu (a never rule wins "
        "over the watch: the exit list stops at the first match, an inode rule of -F path= is "
        "applied after it)",
    )


def test_never_rule_in_rules_d_after_watch_held(host_scan) -> None:
    """Held (R21A-4's edge): the never rule for /etc/libvirt/qemu in quiet.rules, after
    libvirt.rules' watch in `ls -1v` order (99-quiet.rules would come first: a digit sorts
    before a letter in gnulib's filevercmp), matches nothing the watch has not (the exit list's
    first match is the watch): the hardened pass."""
    a = host_scan(_boot_rules(f"/etc/audit/rules.d/quiet.rules:{QUIET}"))
    assert _214(a) == ("pass", "audit rules watch /etc/libvirt and /etc/polkit-1")


# --- R21A-5: -F success / exit with other operators -------------------------------------------

LOADED = str(HARDENED_HOST["audit-rules"][0])


def _loaded(text: str) -> dict[str, Any]:
    return {"audit-rules": (text, 0)}


@pytest.mark.parametrize("result", ["success!=1", "exit<0", "exit<=-1"])
def test_watch_of_failed_calls_only_is_no_watch(host_scan, result: str) -> None:
    """R21A-5 (false pass) HVA-214. The kernel compares -F success and exit with the rule's own
    operator (kernel/auditsc.c audit_filter_rules: AUDIT_EXIT `audit_comparator(ctx->
    return_code, f->op, f->val)`, AUDIT_SUCCESS return_valid against AUDITSC_SUCCESS or
    AUDITSC_FAILURE), so `-F success!=1` or `-F exit<0` records failed calls only, no change
    to the tree. hvaudit excluded success=/exit= rules from the watches but read a field with
    another operator (`!=` dropped, `exit<` a field named "exit<") as no limit: a pass. Right:
    no watch of /etc/libvirt."""
    rules = LOADED.replace(
        "-w /etc/libvirt -p wa -k libvirt-config",
        f"-a always,exit -S all -F dir=/etc/libvirt -F perm=wa -F {result} -F key=libvirt-config",
    )
    a = host_scan(_loaded(rules))
    assert _214(a) == ("fail", "no audit watch for writes to /etc/libvirt (2 rule(s) loaded)")


@pytest.mark.parametrize("result", ["success!=1", "exit<0", "exit<=-1"])
def test_never_rule_for_failed_calls_keeps_the_watch(host_scan, result: str) -> None:
    """R21A-5 (wrong fail) HVA-214, the twin: a never rule for the VM definitions before the
    watch that matches failed calls only (`success!=1`, `exit<0`) drops no record of a change,
    as `success=0` and `exit=-EPERM` already did not (R20H-6). hvaudit read it as dropping every
    write there: a fail. Right: the hardened pass."""
    rules = f"-a never,exit -S all -F dir=/etc/libvirt/qemu -F {result}\n" + LOADED
    a = host_scan(_loaded(rules))
    assert _214(a) == ("pass", "audit rules watch /etc/libvirt and /etc/polkit-1")


def test_never_rule_exit_not_zero_drops_opens(host_scan) -> None:
    """Held (R21A-5's edge): `-F exit!=0` matches an open's returned descriptor (a successful
    open for writing), so the never rule for /etc/libvirt/qemu before the watch still drops
    writes there: the fail stands."""
    rules = "-a never,exit -S all -F dir=/etc/libvirt/qemu -F exit!=0\n" + LOADED
    a = host_scan(_loaded(rules))
    status, msg = _214(a)
    assert status == "fail" and "drops the records of writes to /etc/libvirt/qemu" in msg, msg


# --- R21A-6: an indented #includedir is a comment ---------------------------------------------


def test_indented_hash_includedir_is_a_comment(host_scan) -> None:
    """R21A-6 (wrong fail) HVA-142. sudo's lexer takes `#include`/`#includedir` as a directive
    only at the start of a line (toke.l `<INITIAL>^#includedir[[:blank:]]+`; `@includedir` is
    unanchored): `    #includedir /etc/sudoers.d` is a comment, and a sudoers with no other
    include leaves the directory unread (R21A-2). hvaudit's directive pattern allowed blanks
    before '#': mallory's and eve's grant there counted, a fail. Right: the hardened pass;
    `  @includedir /etc/sudoers.d` (held) still includes it."""
    grant = "/etc/sudoers.d/ops:mallory, eve ALL=(ALL:ALL) ALL"
    a = host_scan(
        _sudoers(grant, main=SUDOERS_NO_D + "/etc/sudoers:    #includedir /etc/sudoers.d\n")
    )
    assert _142(a) == ("pass", HARDENED_142)
    a = host_scan(
        _sudoers(grant, main=SUDOERS_NO_D + "/etc/sudoers:  @includedir /etc/sudoers.d\n")
    )
    assert "eve, mallory" in _142(a)[1], _142(a)


# --- R21A-7: an empty Runas_Spec runs as the invoking user ------------------------------------


@pytest.mark.parametrize("runas", ["()", "(:)"])
def test_empty_runas_spec_is_the_invoking_user(host_scan, runas: str) -> None:
    """R21A-7 (wrong fail) HVA-142. sudoers(5), Runas_Spec: "If both lists are empty, the
    command may only be run as the invoking user and the group, if specified, must be one that
    the invoking user is a member of". hvaudit read `()` as root (an empty spec returned "root
    or an administrator"): `mallory, eve ALL=() NOPASSWD: /usr/bin/virt-top` counted both, a
    fail. Right: the hardened pass; a later `(root)` command in the same rule (held) counts."""
    a = host_scan(
        _sudoers(f"/etc/sudoers.d/ops:mallory, eve ALL={runas} NOPASSWD: /usr/bin/virt-top")
    )
    assert _142(a) == ("pass", HARDENED_142)
    a = host_scan(
        _sudoers(f"/etc/sudoers.d/ops:mallory, eve ALL={runas} /usr/bin/virt-top, (root) /bin/sh")
    )
    assert "eve, mallory" in _142(a)[1], _142(a)


# --- R21A-8: the rebuilt-rules question names the never rule ----------------------------------


def test_rebuilt_question_names_never_rule_before_watch(host_scan) -> None:
    """R21A-8 (wrong message) HVA-214: with `-a never,exit -F dir=/etc/libvirt` in
    /etc/audit/rules.d/05-quiet.rules (before libvirt.rules' watch in `ls -1v` order) and
    audit.rules as generated before it, the question said "/etc/audit/audit.rules watches
    /etc/libvirt, but no /etc/audit/rules.d/*.rules file does", though libvirt.rules does.
    Now it names the never rule that comes first; the question is unchanged."""
    never = "-a never,exit -F dir=/etc/libvirt"
    a = host_scan(_boot_rules(f"/etc/audit/rules.d/05-quiet.rules:{never}"))
    assert _214(a) == (
        "manual",
        "audit rules watch /etc/libvirt and /etc/polkit-1 as loaded now, and "
        "/etc/audit/audit.rules watches /etc/libvirt, but in /etc/audit/rules.d/*.rules "
        f"(`ls -1v` order) `{never}` comes before their watch: `augenrules --load` at boot "
        "rebuilds audit.rules from those files and drops the watch",
    )
