"""Red-team round 48 probes: who administers the hypervisor (r48-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host: libvirtd.conf auth_unix_rw = polkit), through the real
collector, parser and engine; each test asserts the exact status and message of HVA-142 (few
principals hold administrative rights), and of HVA-132 (the socket requires authorization) for
the polkit rules. For R48A-1 k3s runs under OpenRC (Alpine's package's /etc/init.d/k3s and
/etc/conf.d/k3s, R35A-1), its kubeconfig chmod'ed 0600 since its last start; for R48A-2/3 a
rules file under /usr/share/polkit-1/rules.d and a group ops of three operators.

Team decision (R47A-2's lead): k3s in several OpenRC runlevels whose conf.d files differ fails
HVA-142 where any of those files widens the kubeconfig's mode (any start or restart in that
runlevel reads it: OpenRC sh/openrc-run.sh.in sources /etc/conf.d/k3s.$RC_RUNLEVEL, else
/etc/conf.d/k3s), and stays a question only where they differ and none widens.

Findings (R48A-n):
- R48A-1 (false pass, the team decision) HVA-142: where the runlevels k3s is in source different
  files, main asked "which of them k3s's next start reads is unknown" even where one of them
  sets --write-kubeconfig-mode 644 (every user reads k3s.yaml after a start in that runlevel)
  or hands it to a group (640 and --write-kubeconfig-group ops). Now each file openrc-run may
  source is read as its own start (parse.host._k3s_openrc_starts), and whom any of them lets
  read the kubeconfig counts (their rows joined): a fail where they exceed the limit, the
  conf.d probe among the evidence. A start hvaudit cannot read keeps the question, unless
  another start already lets every user read the file (then no start can add anyone).
  Where every file is read and none gives the kubeconfig a wider mode, the verdict is the same
  whichever start comes next, so it is decided (a pass), not asked: the team decision's
  "differ and none widens" question stays where a file is not read.

  R47A-2's two cases (k3s.boot, or conf.d/k3s beside a k3s.default, setting 644) now fail
  with every user counted, in a separate commit.

- R48A-2 (false pass) HVA-132, HVA-142 (every reader of addRule functions): a rule returning
  a value computed elsewhere in its file was read as granting nothing: `const {YES} =
  polkit.Result; ... return YES;` (destructured, or renamed `{YES: ok}`), `return
  decide(subject);` (a helper defined outside the function), `return r;` (r set outside the
  function), `return P.Result.YES;` (`var P = polkit`), `` return `yes`; ``. polkit takes
  whatever the function returns (polkit(8) AUTHORIZATION RULES; polkit's
  polkitbackendduktapeauthority.c polkit_backend_common_js_authority_check_authorization_sync
  hands the value, as a string, to polkit_implicit_authorization_from_string). Such a rule
  granting org.libvirt.unix.manage to everyone passed HVA-132 ("auth_unix_rw = polkit") and
  counted no one in HVA-142. Now parse/polkit.py _unread_returns (rule_functions, addRule only)
  writes such a returned value as a granting result not returned directly: unresolved, a
  manual outcome naming the file. `return null;` and NOT_HANDLED grant nothing (held).
- R48A-3 (false pass) HVA-132, HVA-142: `subject.isInGroup("ops") || X`, X an operand hvaudit
  does not read (a variable, a call, action.lookup() compared) or a literal, was read as ops
  only: JavaScript's `||` holds wherever X does, whoever the subject. A literal operand now
  takes its ECMA-262 ToBoolean value (`|| 1`, `|| 'x'`: every user, a fail; `|| 0`: ops), and
  any other such operand that no positive group or user test narrows with `&&` makes the grant
  unresolved ("a condition operand hvaudit does not read: X"; parse/polkit.py
  _unread_operands, _js_literal). HVA-132 says a truthy `|| 1` grants "with no subject test":
  the rule's subject test decides nothing there (wording kept, see leads).

- R48A-4 (wording) HVA-142: an unread polkit rule's clause said "the members of polkit rule
  FILE (why) are not in the evidence": a rule has no members, and its file is in the evidence.
  Now "whom polkit rule FILE (why) lets through is not read" (checks/management.py
  admin_principals); the verdict is main's. Older rounds' assertions of the old text
  (R22 pk, R24 acct, R47A-3) were changed in a separate commit.

- R48A-5 (false pass) HVA-142, HVA-132: R48A-2's class, a string built at run time: `return
  "y" + "es";`, `return "YES".toLowerCase();`, `return answer + "";` were read as granting
  nothing (polkit reads the string the expression makes). Now _unread_returns writes a
  returned literal or name joined with `+` or given to a method (no comparison, no subject,
  action or polkit property) as a granting result not returned directly: unresolved.

Held: `|| 0` (ops only), unread operands under `&& subject.isInGroup("ops")` (ops only),
`return null;`, `return polkit.Result.NOT_HANDLED;` (no grant). R47A-2's held cases (k3s in
default only, no /etc/runlevels) still pass, unchanged.

Probed by script (parse/polkit.grants): `let R = polkit.Result; R.YES`, an arrow-function
rule, `!!subject.isInGroup("ops")`, `subject.isInGroup("ops") != false`, `subject.user !=
"nobody"`, `|| !subject.isInGroup("nobody")`, `|| true`: each read right on main. A helper
defined inside the function (`function decide(s) { return polkit.Result.YES; }` and `return
decide(subject)`) read as every user on main and is now unresolved (a manual outcome, weaker
but not wrong). After the fixes: an `else` branch granting, `switch (subject.user)`,
`subject.isInGroup(g)` with g a variable or `"o" + "ps"`, `ok[subject.user]`, a grant inside
`try`, `isInGroup("ops") ? true : open`, `return polkit.Result.YES || x` and
`.toString()`: each every user or unresolved, no pass.

Tally: 5 findings (4 false passes, 1 wording); 27 cases, 22 failed on main before the fixes
(R48A-1: 6 of 6; R48A-2: 6 of 8, and 1 of 1 HVA-132 case; R48A-3: 5 of 7, and 1 of 1
HVA-132 case; R48A-5: 3 of 4; R48A-4's text is asserted by the unresolved cases of R48A-2,
R48A-3 and R48A-5), 5 held.

Leads left:
- /usr/lib/pam.d (libpam's PAM_CONFIG_DIST_D) is still not collected: HVA-151 and the sudo
  rootpw question ask for it rather than read it (manual, not a pass).
- pam_group's `%G` users field naming a group absent from /etc/group with `group: files` only
  is still a question (no members would decide it).
- RKE2 under OpenRC is not read (RKE2's installer writes systemd units only).
- HVA-132 says a rule whose `|| 1` bypasses its subject test grants "with no subject test".
- A helper function defined inside the addRule function that returns YES is now unresolved
  (it was every user on main): reading the helper's own returns would decide it.
- The principal list still tags an unread polkit rule "(members not read)".
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam26_accounts_probes import BASE, PASS2, _142
from test_redteam33_accounts_probes import K3S_YAML, _grep
from test_redteam35_accounts_probes import ALPINE_CONFD, ALPINE_INIT, CONFD, INIT
from test_redteam47_accounts_probes import BOOT, DEFAULT_OPTS, GROUP, WIDE_OPTS, _runlevels

OPS_OPTS = ALPINE_CONFD + 'K3S_OPTS="--write-kubeconfig-mode 640 --write-kubeconfig-group ops"\n'
DEBUG_OPTS = ALPINE_CONFD + 'K3S_OPTS="--debug"\n'
UNREAD_OPTS = ALPINE_CONFD + 'K3S_OPTS="$(cat /etc/k3s-opts)"\n'
EVERY = ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root")
OPS = ("fail", "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root")


def _unknown(what: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: {what}: the mode and group k3s gives {K3S_YAML} at its next "
        "start are unknown",
    )


@pytest.mark.parametrize(
    ("confd", "levels", "boot", "expected"),
    [
        (DEFAULT_OPTS, ("boot", "default"), WIDE_OPTS, EVERY),
        (WIDE_OPTS, ("boot",), DEFAULT_OPTS, EVERY),
        (DEFAULT_OPTS, ("boot",), OPS_OPTS, OPS),
        (WIDE_OPTS, ("boot",), UNREAD_OPTS, EVERY),
        (
            DEFAULT_OPTS,
            ("boot",),
            UNREAD_OPTS,
            _unknown(
                "where openrc-run sources /etc/conf.d/k3s.boot, /etc/init.d/k3s's command_args "
                "is shell hvaudit does not read"
            ),
        ),
        (DEFAULT_OPTS, ("boot",), DEBUG_OPTS, PASS2),
    ],
    ids=[
        "boot-wide",
        "default-wide",
        "boot-group",
        "unread-beside-wide",
        "unread-asked",
        "none-widens-decided",
    ],
)
def test_each_runlevel_file_read(
    host_scan, confd: str, levels: tuple[str, ...], boot: str, expected: tuple[str, str]
) -> None:
    """R48A-1 (false pass) HVA-142: k3s in runlevel boot (and default) reads /etc/conf.d/k3s.boot
    at a start in boot and /etc/conf.d/k3s at one in default; main asked which, even where
    either sets a wider mode. Now whom any start lets read k3s.yaml counts; a start hvaudit
    cannot read stays a question unless another already lets every user read it."""
    over = {
        **BASE,
        "/etc/group": GROUP,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep((INIT, ALPINE_INIT), (CONFD, confd)),
        "k3s-service-unit-files": None,
        "k3s-openrc-runlevels": _runlevels(*levels),
        "k3s-openrc-confd": _grep((BOOT, boot)),
    }
    a = host_scan(over)
    assert _142(a) == expected
    if expected[0] == "fail":
        (result,) = [r for r in a.results if r.check.id == "HVA-142"]
        assert any("k3s-openrc-confd" in str(ref) for ref in result.outcome.evidence)


F = "/usr/share/polkit-1/rules.d/50-ops.rules"
MANAGE = 'action.id == "org.libvirt.unix.manage"'


def _rules(body: str) -> tuple[str, int]:
    """The polkit-rules probe's `grep -r -H ''` output for one file under F."""
    return ("".join(f"{F}:{line}\n" for line in body.splitlines()), 0)


def _rule(test: str, result: str = "polkit.Result.YES", head: str = "") -> str:
    return (
        f"{head}polkit.addRule(function(action, subject) {{\n"
        f"  if ({test}) {{\n    return {result};\n  }}\n}});\n"
    )


def _unresolved(why: str) -> tuple[str, str]:
    return (
        "manual",
        f"3 administrative principal(s) (limit 3): alice, polkit rule {F} ({why}) (members "
        f"not read), root; whom polkit rule {F} ({why}) lets through is not read",
    )


NOT_DIRECT = _unresolved("a result not returned directly")


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (_rule(MANAGE, "YES", "const {YES} = polkit.Result;\n"), NOT_DIRECT),
        (_rule(MANAGE, "ok", "const {YES: ok} = polkit.Result;\n"), NOT_DIRECT),
        (
            _rule(MANAGE, "decide(subject)", "function decide(s) { return polkit.Result.YES; }\n"),
            NOT_DIRECT,
        ),
        (_rule(MANAGE, "r", "var r = polkit.Result.YES;\n"), NOT_DIRECT),
        (_rule(MANAGE, "P.Result.YES", "var P = polkit;\n"), NOT_DIRECT),
        (_rule(MANAGE, "`yes`"), NOT_DIRECT),
        (_rule(MANAGE, "null"), PASS2),
        (_rule(MANAGE, "polkit.Result.NOT_HANDLED"), PASS2),
    ],
    ids=[
        "destructured",
        "destructured-renamed",
        "helper",
        "file-variable",
        "polkit-alias",
        "template",
        "held-null",
        "held-not-handled",
    ],
)
def test_returned_value_not_read(host_scan, rules: str, expected: tuple[str, str]) -> None:
    """R48A-2 (false pass) HVA-142: a rule that returns a value computed elsewhere in its file
    (a destructured polkit.Result, a helper's value, a variable set outside the function,
    polkit under another name, a template literal) was read as granting nothing, and HVA-142
    counted no one for it. Now it is a grant hvaudit does not read (a manual outcome naming
    the file); null and NOT_HANDLED still grant nothing."""
    a = host_scan({"polkit-rules": _rules(rules), "/etc/group": GROUP})
    assert _142(a) == expected


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        (
            f'{MANAGE} && (subject.isInGroup("ops") || 1)',
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            f"{MANAGE} && (subject.isInGroup(\"ops\") || 'x')",
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            f'{MANAGE} && (subject.isInGroup("ops") || open)',
            _unresolved("a condition operand hvaudit does not read: open"),
        ),
        (
            f'{MANAGE} && (subject.isInGroup("ops") || isAdmin(subject))',
            _unresolved("a condition operand hvaudit does not read: isAdmin(subject)"),
        ),
        (
            f'{MANAGE} && (subject.isInGroup("ops") || action.lookup("x") == "y")',
            _unresolved('a condition operand hvaudit does not read: action.lookup("x") == "y"'),
        ),
        (
            f'{MANAGE} && (subject.isInGroup("ops") || 0)',
            ("fail", "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"),
        ),
        (
            f'{MANAGE} && subject.isInGroup("ops") && (open || isAdmin(subject))',
            ("fail", "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"),
        ),
    ],
    ids=[
        "or-number",
        "or-string",
        "or-variable",
        "or-call",
        "or-lookup",
        "held-or-zero",
        "held-narrowed",
    ],
)
def test_or_operand_not_read(host_scan, test: str, expected: tuple[str, str]) -> None:
    """R48A-3 (false pass) HVA-142: `subject.isInGroup("ops") || X`, X a literal, a variable, a
    call or action.lookup(), was read as ops only: JavaScript's `||` holds wherever X does,
    whoever the subject. A truthy literal now lets every user through (ECMA-262 ToBoolean); any
    other such operand is a grant hvaudit does not read. `|| 0`, and unread operands that a
    group test beside them with `&&` narrows, keep ops."""
    a = host_scan(
        {"polkit-rules": _rules(_rule(test, head="var open = true;\n")), "/etc/group": GROUP}
    )
    assert _142(a) == expected


@pytest.mark.parametrize(
    ("rules", "why"),
    [
        (_rule(MANAGE, "YES", "const {YES} = polkit.Result;\n"), "a result not returned directly"),
        (
            _rule(f'{MANAGE} && (subject.isInGroup("ops") || open)', head="var open = true;\n"),
            "a condition operand hvaudit does not read: open",
        ),
    ],
    ids=["destructured", "or-variable"],
)
def test_socket_authorization_not_read(host_scan, rules: str, why: str) -> None:
    """R48A-2, R48A-3 (false pass) HVA-132: the same rules passed "auth_unix_rw = polkit" on
    main, a rule that may let every user manage libvirt read as granting no one beyond ops."""
    a = host_scan({"polkit-rules": _rules(rules), "/etc/group": GROUP})
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "manual"},
        {
            "hv1": f"libvirtd.conf: auth_unix_rw = polkit, but {F} ({why}) may grant "
            "org.libvirt.unix.manage in a way hvaudit does not read"
        },
    )


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (_rule(MANAGE, '"y" + "es"'), NOT_DIRECT),
        (_rule(MANAGE, '"YES".toLowerCase()'), NOT_DIRECT),
        (_rule(MANAGE, 'answer + ""', 'var answer = "yes";\n'), NOT_DIRECT),
        (_rule(MANAGE, '"not_handled"'), PASS2),
    ],
    ids=["concatenated", "method", "name-joined", "held-not-a-result"],
)
def test_returned_string_built(host_scan, rules: str, expected: tuple[str, str]) -> None:
    """R48A-5 (false pass) HVA-142: a returned string built at run time (`"y" + "es"`,
    `"YES".toLowerCase()`, a variable joined with "") was read as granting nothing; polkit
    reads the string it makes. Now a grant hvaudit does not read. A string that names no
    result (polkit_implicit_authorization_from_string takes none) still grants nothing."""
    a = host_scan({"polkit-rules": _rules(rules), "/etc/group": GROUP})
    assert _142(a) == expected
