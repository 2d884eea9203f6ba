"""Known leads on the KVM/libvirt host side (session 15), taken up by hostleads19c after
hostleads19 / hostleads19b (tests/test_host_leads19.py HL19-1..3, tests/test_host_leads19b.py
HL19-4/5): polkit JavaScript rules whose action test is one operand of `||` beside a subject
test, a list's negated membership (`indexOf(action.id) == -1`, `!LIST.includes(action.id)`),
and the early-return pattern (`if (<not this action>) return polkit.Result.NOT_HANDLED;`);
sudoers.d subdirectories and relative includes.

Harness: conftest's hardened Debian host (host_scan) replayed through the real collector, parser
and engine, with one more rules file, /etc/polkit-1/rules.d/60-local.rules, beside the hardened
host's rules (test_host_leads15's POLKIT, _rule, _if, as R18H-1/2 do); each test asserts the
exact status and message of HVA-131 (domain actions per VM), HVA-132 (org.libvirt.unix.manage
to every account) and HVA-142 (administrative principals).

polkit(8), AUTHORIZATION RULES: a rule is a JavaScript function run until one "returns a
result"; "Returning a result is final", returning null (polkit.Result.NOT_HANDLED) "will
continue checking other rules" (the next function). So `A || B` holds when either operand does,
a `return` ends the function whatever it returns, and a test's value for the action asked is
ECMAScript's (ECMA-262: Array.prototype.indexOf gives -1 for an absent element, includes
compares with ===, `!` negates).

Findings:
- HL19-6 (false pass) HVA-131 / HVA-142: `if (subject.isInGroup("wheel") || action.id ==
  "org.freedesktop.login1.reboot") return YES;` grants every action to wheel's members (the
  `||` makes the action test irrelevant for them), but function_grants read the statement's
  action tests only ("not this action") and counted nothing: HVA-131 passed "per-VM rules",
  HVA-142 "2 administrative principal(s)". Same for `... || subject.user == "mallory"` and the
  `||` inside parentheses (`(subject.isInGroup("wheel") || action.id == "...") &&
  subject.local`). Now each `||` operand is read apart and a condition is evaluated as
  JavaScript over its operands (_values: an action test read whole has its value, a subject
  test either): HVA-131 fails naming group wheel / mallory, HVA-142 counts them.
- HL19-7 (wrong fail) HVA-132 / HVA-142 / HVA-131: a list's negated membership with the id in
  the list means every OTHER action, but action_test's literal shortcut ("the id appears
  anywhere: taken") and _one_action_test (the `!` before `[...].includes(` not seen) read it as
  a grant: `if (!["org.libvirt.unix.manage"].includes(action.id)) return YES;` failed HVA-132
  "every local user controls every VM" and HVA-142 counted ALL; the early return `var ids =
  ["org.libvirt.unix.manage"]; if (ids.indexOf(action.id) >= 0) return NOT_HANDLED; return
  YES;` the same. Now an `if` condition is read by _applies (the literal shortcut no longer
  decides it) and a statement that returns for the action whatever the subject ends the
  function (_exits): both pass HVA-132/142. HVA-131 now fails for both, rightly: every domain
  action (not listed) is granted to every account; it passed before for the early return.
- HL19-8 (false pass) HVA-132 / HVA-142 / HVA-131: `if (action.id.indexOf("org.libvirt.") !=
  0) return polkit.Result.NOT_HANDLED; return polkit.Result.YES;` grants every libvirt action
  to every account; the rest's grant was gated by the whole function's action tests (the prefix
  test, false for libvirt's actions as written) and nothing counted: all three passed. Now the
  rest is reached unless an earlier statement returns for the action (_exits) and its own code
  decides: HVA-132 fails "every local user", HVA-142 counts ALL, HVA-131 fails. The same form
  with a `!action.id.startsWith("org.libvirt.")` exit and `if (subject.isInGroup("users"))
  return YES;` passed HVA-131: now it fails naming group users.
- HL19-9 (wrong fail) HVA-131 / HVA-142: `if (action.id != "org.freedesktop.login1.reboot")
  return NOT_HANDLED; if (subject.isInGroup("users")) return YES;` grants the reboot only, but
  the second statement, read alone (no action test: every action), counted a grant of libvirt's
  actions to users: HVA-131 failed, HVA-142 asked about %users. Now statements after an exit
  for the action are not read for it: pass. Likewise `if (action.id !=
  "org.libvirt.unix.manage") return NOT_HANDLED; return YES;` no longer fails HVA-131 (it
  grants manage only, no domain action).

- HL19-10 (wrong fail / wrong question) HVA-142: the sudoers probe's `grep -R` reads
  /etc/sudoers.d's subdirectories; sudo's includedir does not descend (plugins/sudoers/toke.l
  read_dir_files, sudo tree fetched at 2e18923c2: readdir, names ending in '~' or holding a
  '.' ignored, a name whose stat is no regular file skipped). A grant parked in
  /etc/sudoers.d/old/ counted (HVA-142 "alice, mallory, root"), and an `@include` outside
  /etc/sudoers.d in such a file made HVA-142 ask. Now _sudoers_loaded keeps the files sudo
  loads (/etc/sudoers, files directly in /etc/sudoers.d or in a directory an includedir names,
  files an include names), following includes in loaded files only.
- HL19-11 (false pass) HVA-142: a relative `@include 20-mallory.conf` (sudoers(5): relative to
  the including file's directory) was compared raw with the file's path, so the named file,
  having a '.', was skipped as includedir would skip it: mallory's grant did not count. Now
  include paths are resolved first.

Held (kept as tests): the common early return for org.libvirt.unix.manage itself (`if
(action.id != "org.libvirt.unix.manage") return NOT_HANDLED; return YES;`) keeps HVA-132's fail
(every account) and, with `if (subject.isInGroup("libvirt")) return YES;` after it, the
hardened pass of HVA-132/142; `!action.id == "..."` (ECMA-262: `(!action.id) == "..."`) is
not read as a negated comparison (unread: a question, not a pass); a subdirectory an
includedir names (absolute or relative), and a file directly in /etc/sudoers.d, are loaded
(HL19-10's edge).

Probed by script, not kept (the verdict was right): `var ids = ["org.libvirt.unix.manage",
"org.libvirt.api.domain.start"]; if (ids.indexOf(action.id) == -1 && subject.isInGroup("users"))
return YES;` passed HVA-132/142 and failed HVA-131 (the other domain actions) before and after
(a list variable is read by _membership and had no literal shortcut at the statement); the
same with `< 0` and no subject test likewise.

Tally: 20 cases in 12 test functions; 16 failed on main before the fixes (run with
PYTHONPATH=/work/main/src: HL19-6 3, HL19-7 3, HL19-8 2, HL19-9 3, HL19-10 3, HL19-11 2, and
the held early return for manage with a libvirt group grant, on HVA-131 only); the 3 held
includedir / top-level sudoers cases and the held `!action.id ==` probe passed before and after.

Leads left (not settled in the time):
- polkit: rule_grants reads the subject tests of the whole function for a granting return
  outside the top-level `if` statements, so `if (subject.isInGroup("admins")) return
  AUTH_ADMIN; return YES;` reads as a grant to admins, not to everyone else (possible false
  pass); not probed. An unread action test inside a nested `||` under `&&`
  (`(action.id.substr(...) == "x" || subject.isInGroup("g")) && subject.local`) is read as a
  grant to g, not as a question about everyone (_applies' fixed-value check). The literal
  shortcut still decides a consequent's and an if/else chain's action tests (errs towards a
  grant). `switch (action.id)` is unread, as before.
- sudoers: /etc/sudoers.d counts as included whether or not /etc/sudoers includes it (errs
  towards counting); an include of a non-regular file, %h in include paths, and the '.'/'~'
  rule for a subdirectory named by includedir follow read_dir_files but were not run against
  sudo itself.
- HVA-214's wording "audit.rules watches /etc/libvirt, but no rules.d file does" for a later
  `-a never` rule, SocketUser=/SocketGroup= drop-ins of sockets not yet created: not reached.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.parse import polkit
from test_host_leads15 import POLKIT, _if, _rule

RULES = "/etc/polkit-1/rules.d/60-local.rules"
MANAGE = '"org.libvirt.unix.manage"'
REBOOT = '"org.freedesktop.login1.reboot"'
HARDENED_131 = "per-VM rules in /etc/polkit-1/rules.d/80-libvirt-acl.rules"
HARDENED_132 = "libvirtd.conf: auth_unix_rw = polkit"
HARDENED_142 = "2 administrative principal(s) (limit 3): alice, root"
EVERYONE_132 = (
    f"libvirtd.conf: auth_unix_rw = polkit, but {RULES} grant(s) org.libvirt.unix.manage with "
    "no subject test: every local user controls every VM"
)
EVERYONE_142 = "3 administrative principal(s) (limit 3): ALL (every user), alice, root"


def _blanket(who: str) -> str:
    return (
        f"{RULES} grants libvirt domain actions on every VM to {who} "
        "(no domain_name or domain_uuid test)"
    )


def _group_142(group: str) -> str:
    return (
        f"3 administrative principal(s) (limit 3): %{group} (members not read), alice, root; "
        f"the members of %{group} are not in the evidence"
    )


def _scan(host_scan, body: str) -> Any:
    return host_scan({"polkit-rules": (POLKIT + _rule(RULES, body), 0)})


def _verdicts(a: Any) -> dict[str, tuple[str, str]]:
    return {
        c: (outcomes(a, c)["hv1"], messages(a, c)["hv1"]) for c in ("HVA-131", "HVA-132", "HVA-142")
    }


# --- HL19-6: a subject test beside an action test under `||` ---------------------------------


@pytest.mark.parametrize(
    ("condition", "who_131", "verdict_142"),
    [
        (
            f'subject.isInGroup("wheel") || action.id == {REBOOT}',
            "group wheel",
            ("manual", _group_142("wheel")),
        ),
        (
            f'action.id == {REBOOT} || subject.user == "mallory"',
            "mallory",
            ("pass", "3 administrative principal(s) (limit 3): alice, mallory, root"),
        ),
        (
            f'(subject.isInGroup("wheel") || action.id == {REBOOT}) && subject.local',
            "group wheel",
            ("manual", _group_142("wheel")),
        ),
    ],
)
def test_subject_or_action_grants_every_action(
    host_scan, condition: str, who_131: str, verdict_142: tuple[str, str]
) -> None:
    """HL19-6 (false pass) HVA-131 / HVA-142. The condition holds for the subject's every
    action (JavaScript `||`: polkit(8) rules are plain JavaScript), so the subject gets libvirt's
    domain actions on every VM and org.libvirt.unix.manage. hvaudit read the action test alone
    (false for libvirt's actions) and counted nothing: HVA-131 passed "per-VM rules", HVA-142
    "2 administrative principal(s)"."""
    v = _verdicts(_scan(host_scan, _if(condition, "YES")))
    assert v["HVA-131"] == ("fail", _blanket(who_131))
    assert v["HVA-132"] == ("pass", HARDENED_132)  # a grant to a group or user, not to all
    assert v["HVA-142"] == verdict_142


# --- HL19-7: a list's negated membership with the action listed -------------------------------


@pytest.mark.parametrize(
    "body",
    [
        _if(f"![{MANAGE}].includes(action.id)", "YES"),
        _if(f"[{MANAGE}].indexOf(action.id) == -1", "YES"),
        f"  var ids = [{MANAGE}];\n"
        + _if("ids.indexOf(action.id) >= 0", "NOT_HANDLED")
        + "  return polkit.Result.YES;\n",
    ],
    ids=["not-includes", "indexOf-minus-1", "early-return-in-list"],
)
def test_negated_list_membership_is_every_other_action(host_scan, body: str) -> None:
    """HL19-7 (wrong fail) HVA-132 / HVA-142. With org.libvirt.unix.manage in the list, the rule
    grants every OTHER action (ECMA-262: indexOf gives -1 for an absent element; `!` negates
    includes; `return` ends the function, polkit(8) "Returning null will continue checking other
    rules"). The literal shortcut took the listed id as granted: HVA-132 failed "every local user
    controls every VM", HVA-142 counted ALL. Right: HVA-132/142 keep the hardened passes, and
    HVA-131 fails, since every domain action (not listed) is granted to every account.
    HVA-142 fails since R22A-1: every other action includes pkexec's
    org.freedesktop.policykit.exec (pkexec(1): runs PROGRAM "as the administrative super user,
    root"), so every account is root."""
    v = _verdicts(_scan(host_scan, body))
    assert v["HVA-132"] == ("pass", HARDENED_132)
    assert v["HVA-142"] == ("fail", EVERYONE_142)
    assert v["HVA-131"] == ("fail", _blanket("every user"))


# --- HL19-8: an early return with a prefix test -----------------------------------------------


def test_early_return_for_other_prefixes_grants_libvirt_to_everyone(host_scan) -> None:
    """HL19-8 (false pass) HVA-132 / HVA-142 / HVA-131. The function returns NOT_HANDLED for
    every action outside org.libvirt. and YES for libvirt's: every account manages libvirt.
    The trailing `return YES` was gated by the whole function's action tests (the `!= 0` prefix
    test, false for libvirt's actions) and all three checks passed."""
    body = (
        _if('action.id.indexOf("org.libvirt.") != 0', "NOT_HANDLED")
        + "  return polkit.Result.YES;\n"
    )
    v = _verdicts(_scan(host_scan, body))
    assert v["HVA-132"] == ("fail", EVERYONE_132)
    assert v["HVA-142"] == ("fail", EVERYONE_142)
    assert v["HVA-131"] == ("fail", _blanket("every user"))


def test_early_return_for_other_prefixes_then_group_grant(host_scan) -> None:
    """HL19-8 (false pass) HVA-131: after `if (!action.id.startsWith("org.libvirt.")) return
    NOT_HANDLED;` a group grant takes every libvirt action (domain actions on every VM) for
    users; HVA-131 passed (HVA-142 already asked about %users)."""
    body = _if('!action.id.startsWith("org.libvirt.")', "NOT_HANDLED") + _if(
        'subject.isInGroup("users")', "YES"
    )
    v = _verdicts(_scan(host_scan, body))
    assert v["HVA-131"] == ("fail", _blanket("group users"))
    assert v["HVA-142"] == ("manual", _group_142("users"))


# --- HL19-9: statements after a return for the action -----------------------------------------


def test_statements_after_early_return_for_another_action_not_counted(host_scan) -> None:
    """HL19-9 (wrong fail / wrong question) HVA-131 / HVA-142: the function returns for every
    action but the reboot before its group grant, so users get the reboot only. The grant,
    read alone (no action test), counted as one of libvirt's actions: HVA-131 failed naming
    group users and HVA-142 asked about %users. Right: the hardened verdicts."""
    body = _if(f"action.id != {REBOOT}", "NOT_HANDLED") + _if('subject.isInGroup("users")', "YES")
    v = _verdicts(_scan(host_scan, body))
    assert v == {
        "HVA-131": ("pass", HARDENED_131),
        "HVA-132": ("pass", HARDENED_132),
        "HVA-142": ("pass", HARDENED_142),
    }


def test_early_return_for_manage_grants_no_domain_action(host_scan) -> None:
    """HL19-9 (wrong fail) HVA-131, and held HVA-132 / HVA-142: the common early return for
    org.libvirt.unix.manage grants that action to every account (HVA-132 fails, HVA-142 counts
    ALL: held) and no domain action, which HVA-131 counted (`return YES` gated by the whole
    function's literal shortcut, true for every action's `!=` test)."""
    body = _if(f"action.id != {MANAGE}", "NOT_HANDLED") + "  return polkit.Result.YES;\n"
    v = _verdicts(_scan(host_scan, body))
    assert v == {
        "HVA-131": ("pass", HARDENED_131),
        "HVA-132": ("fail", EVERYONE_132),
        "HVA-142": ("fail", EVERYONE_142),
    }


def test_early_return_for_manage_then_group_grant_held(host_scan) -> None:
    """Held: `if (action.id != "org.libvirt.unix.manage") return NOT_HANDLED; if
    (subject.isInGroup("libvirt")) return YES;` grants manage to the libvirt group only
    (the hardened host's group): HVA-132/142 keep the hardened passes; HVA-131 no longer counts
    a domain action (before: fail naming group libvirt, HL19-9)."""
    body = _if(f"action.id != {MANAGE}", "NOT_HANDLED") + _if('subject.isInGroup("libvirt")', "YES")
    v = _verdicts(_scan(host_scan, body))
    assert v == {
        "HVA-131": ("pass", HARDENED_131),
        "HVA-132": ("pass", HARDENED_132),
        "HVA-142": ("pass", HARDENED_142),
    }


def test_negated_comparison_precedence_is_not_read() -> None:
    """Held: ECMA-262 gives `!` precedence over `==`, so `!action.id == "x"` is `(!action.id)
    == "x"` (false); it is no negated comparison. The operand is unread (None), so a grant
    behind it is a question, never a read "not this action"."""
    rule = (
        "polkit.addRule(function(action, subject) {\n"
        + _if(f"!action.id == {REBOOT}", "YES")
        + "});"
    )
    found = polkit.function_grants(RULES, rule, "org.libvirt.unix.manage")
    assert [g.kind for g in found] == ["unresolved"]
    assert "not read" in found[0].name


def test_memoised_grants_are_not_shared_with_callers() -> None:
    """function_grants is memoised (a scan asks it of one function for every libvirt action):
    the list a caller gets is its own, so one that appends to or clears its answer cannot change
    what the next scan of the same rule is told."""
    rule = (
        "polkit.addRule(function(action, subject) {\n"
        + _if('action.id == "org.libvirt.unix.manage" && subject.isInGroup("ops")', "YES")
        + "});"
    )
    first = polkit.function_grants(RULES, rule, "org.libvirt.unix.manage")
    assert [(g.kind, g.name) for g in first] == [("group", "ops")]
    first.clear()
    again = polkit.function_grants(RULES, rule, "org.libvirt.unix.manage")
    assert [(g.kind, g.name) for g in again] == [("group", "ops")]


# --- HL19-10: sudoers.d subdirectories (sudo's includedir does not descend) -------------------

SUDOERS_MAIN = str(HARDENED_HOST["sudoers"][0])


def _sudoers(*lines: str) -> dict[str, Any]:
    return {"sudoers": (SUDOERS_MAIN + "".join(f"{ln}\n" for ln in lines), 0)}


@pytest.mark.parametrize(
    "line",
    [
        "/etc/sudoers.d/old/ops:mallory ALL=(ALL:ALL) NOPASSWD: ALL",
        "/etc/sudoers.d/disabled/old/ops:mallory ALL=(ALL:ALL) ALL",
    ],
    ids=["subdirectory", "nested"],
)
def test_sudoers_d_subdirectory_not_loaded(host_scan, line: str) -> None:
    """HL19-10 (wrong fail) HVA-142. The sudoers probe's `grep -R` descends into
    /etc/sudoers.d's subdirectories; sudo does not: toke.l read_dir_files reads the directory
    with readdir and skips a name whose stat is no regular file (S_ISREG), so no file below a
    subdirectory is loaded. A grant to mallory parked in /etc/sudoers.d/old/ counted: HVA-142
    "3 administrative principal(s) (limit 3): alice, mallory, root". Right: the hardened pass."""
    a = host_scan(_sudoers(line))
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {"hv1": HARDENED_142}


@pytest.mark.parametrize(
    "lines",
    [
        (
            "/etc/sudoers.d/10-ops:@includedir /etc/sudoers.d/ops",
            "/etc/sudoers.d/ops/mallory:mallory ALL=(ALL:ALL) ALL",
        ),
        (
            "/etc/sudoers.d/10-ops:#includedir ops",
            "/etc/sudoers.d/ops/mallory:mallory ALL=(ALL:ALL) ALL",
        ),
        ("/etc/sudoers.d/mallory:mallory ALL=(ALL:ALL) ALL",),
    ],
    ids=["includedir", "relative-includedir", "top-level"],
)
def test_sudoers_d_subdirectory_included_is_loaded(host_scan, lines: tuple[str, ...]) -> None:
    """Held (HL19-10's edge): a subdirectory an includedir names (absolute or relative to the
    including file's directory, sudoers(5)) and a file directly in /etc/sudoers.d are loaded:
    mallory counts."""
    a = host_scan(_sudoers(*lines))
    assert messages(a, "HVA-142") == {
        "hv1": "3 administrative principal(s) (limit 3): alice, mallory, root"
    }


def test_include_outside_in_unloaded_file_is_inert(host_scan) -> None:
    """HL19-10 (wrong question) HVA-142: an `@include /opt/sudo/extra` in a file sudo never
    loads (/etc/sudoers.d/old/ops) made the fact unavailable ("sudoers includes /opt/sudo/extra,
    which the collector does not read"). Its directives count no more than its rules."""
    a = host_scan(_sudoers("/etc/sudoers.d/old/ops:@include /opt/sudo/extra"))
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {"hv1": HARDENED_142}


@pytest.mark.parametrize(
    "lines",
    [
        (
            "/etc/sudoers.d/10-ops:@include 20-mallory.conf",
            "/etc/sudoers.d/20-mallory.conf:mallory ALL=(ALL:ALL) ALL",
        ),
        (
            "/etc/sudoers.d/10-ops:#include ops/mallory.conf",
            "/etc/sudoers.d/ops/mallory.conf:mallory ALL=(ALL:ALL) ALL",
        ),
    ],
    ids=["dotted-name", "in-subdirectory"],
)
def test_sudoers_relative_include_is_loaded(host_scan, lines: tuple[str, ...]) -> None:
    """HL19-11 (false pass) HVA-142. sudoers(5): an include's relative path is relative to the
    including file's directory, and a file an include names is read whatever its name (the
    '.'/'~' rule is includedir's, read_dir_files). hvaudit compared the include's raw text
    ("20-mallory.conf") with the file's path, so a named file with a '.' was skipped as
    includedir skips it, and mallory's grant did not count: HVA-142 passed "2 administrative
    principal(s)". Right: mallory counts."""
    a = host_scan(_sudoers(*lines))
    assert messages(a, "HVA-142") == {
        "hv1": "3 administrative principal(s) (limit 3): alice, mallory, root"
    }
