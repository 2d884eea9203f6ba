"""Red-team round 47 probes: who administers the hypervisor (r47-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host: libvirtd.conf auth_unix_rw = polkit with the polkit access
driver, the read-write socket mode 777), through the real collector, parser and engine; each
test asserts the exact status and message of HVA-132 (the socket requires authorization) and
HVA-142 (few principals hold administrative rights).

Team decision (round 46's lead): HVA-142 counts polkit grantees of org.libvirt.unix.manage
(a group's members, a user; every user for a rule with no subject test) and a rule it cannot
read is an unresolved principal naming the file. Checked first: main already does so for the
.rules directories polkit reads (/usr/share/polkit-1/rules.d included) and the .pkla files
(parse/host.py _polkit_libvirt_managers). The libvirt ACL actions (org.libvirt.api.*) add no
one: libvirt docs/aclpolkit.rst, "Introduction" and "Writing access control policies": the
access driver narrows what a client "who has been granted permission to connect" may do;
the connection itself is org.libvirt.unix.manage's (or the socket's mode where
auth_unix_rw = none), already counted; a rule granting org.libvirt.api.* only is held below.

Findings (R47A-n):
- R47A-1 (false pass) HVA-132, HVA-142 (and every reader of polkit rules: HVA-134's
  per-VM rules, the root-command actions): a rule that returns its result as a string
  (`return "yes";`, `return 'auth_self_keep';`) or through an alias of polkit.Result
  (`var R = polkit.Result; ... return R.YES;`, `polkit.Result["YES"]`) was read as granting
  nothing: polkit's polkitbackendduktapeauthority.c
  polkit_backend_common_js_authority_check_authorization_sync hands the returned string to
  polkit_implicit_authorization_from_string (polkitimplicitauthorization.c), which takes
  "yes", "auth_self", "auth_self_keep" ... by strcmp: the same grant as polkit.Result.YES.
  A rule granting org.libvirt.unix.manage to every user so passed HVA-132 ("auth_unix_rw =
  polkit") and HVA-142 counted no one for it. Now parse/polkit.py results_spelled rewrites
  those spellings to polkit.Result.NAME before any reader sees the function (a string kept
  in a variable is "a result not returned directly", unresolved).
- R47A-2 (false pass) HVA-142: of the files openrc-run sources before /etc/init.d/k3s in
  place of /etc/conf.d/k3s only /etc/conf.d/k3s.default was read (R36A-2): OpenRC
  sh/openrc-run.sh.in sources /etc/conf.d/k3s.$RC_RUNLEVEL where it exists, RC_RUNLEVEL the
  runlevel k3s starts in (rc-update(8) `add k3s boot`: /etc/runlevels/boot/k3s), and the boot
  runlevel's services are "automatically included in all other runlevels" (Alpine's OpenRC
  page), so a restart once booted runs in default. k3s in boot with a k3s.boot (or no
  k3s.boot and a conf.d/k3s) setting --write-kubeconfig-mode 644, k3s.yaml chmod'ed 0600
  since, passed "2 administrative principal(s)" on the default runlevel's file. Now the
  runlevels k3s is in (collect.host "k3s-openrc-runlevels", `find /etc/runlevels`) and every
  /etc/conf.d/k3s.* ("k3s-openrc-confd") are collected; where the runlevels it may start in
  source different files, or a k3s.RUNLEVEL of another runlevel exists and the runlevels were
  not read, the next start is unknown (parse.host._k3s_openrc_conf): a manual outcome naming
  them.
- R47A-3 (wording) HVA-142: a polkit rule whose grant hvaudit does not read (the team
  decision's "question naming the file") was asked as a group's members: "Do polkit rule
  FILE (why) together with the other principals listed number at most 3 named
  administrators? Evidence: `getent group` (or `getent netgroup`) output for each", which no
  getent answers. Now an unread rule is its own count in the question: "Do the accounts that
  polkit rule FILE (why) lets through ...? Evidence: each function of the rule file ...".
  The verdict and message are main's.

Held: a rule returning the string "no" grants nothing; a rule granting org.libvirt.api.*
(the ACL actions) to a group adds no principal; a string "yes" compared in a test
(`action.lookup("x") == "yes"`) is no result. k3s in the default runlevel only (a k3s.boot
beside it unused), and a host without /etc/runlevels, keep main's pass.

Probed by script (parse/polkit.grants on main): `subject.isInGroup("ops") || 1` reads as
ops only (a constant operand of ||: contrived, left as a lead); an arrow function rule, a
helper function outside addRule (read as no subject test: every user, a wrong fail at most),
`switch (action.id)`, `subject.groups.indexOf`, a list variable of users, a ternary, a
result in a variable, `action.id.toLowerCase()`: each unresolved or counted wider, no pass.

Tally: 3 findings (2 false passes, 1 wording); 12 cases, 8 failed on main before the fixes
(R47A-1: 4; R47A-2: 3; R47A-3: 1), 4 held.

Leads left:
- R47A-2 asks where two runlevels' files differ; reading each (the widest mode counting, a
  fail where either widens) would decide it. RKE2 under OpenRC is still unread. GNU grep
  prints nothing of an empty conf.d/k3s.RUNLEVEL, which openrc-run still sources (R36A-2).
- `const {YES} = polkit.Result;` (destructuring) and a result returned by a helper function
  (`return decide(subject);`) are still read as no result; `|| <constant>` operands.
- HVA-142's message for an unread polkit rule still says "the members of polkit rule FILE
  (why) are not in the evidence" (older rounds' tests assert it): "whom it lets through is
  not read" would say it.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_manual_questions import shape_problems
from test_redteam26_accounts_probes import BASE, PASS2, _142
from test_redteam33_accounts_probes import K3S_YAML, _grep
from test_redteam35_accounts_probes import ALPINE_CONFD, ALPINE_INIT, CONFD, INIT

F = "/usr/share/polkit-1/rules.d/50-ops.rules"
GROUP = (
    "root:x:0:\nsudo:x:27:alice\nkvm:x:104:\nlibvirt:x:108:\ntss:x:112:\n"
    "libvirt-qemu:x:64055:\nops:x:2000:bob,carol,dave\n"
)
"""conftest's /etc/group and a group ops of three operators."""


def _rules(body: str) -> tuple[str, int]:
    """The polkit-rules probe's `grep -r -H ''` output for one file under F."""
    return ("".join(f"{F}:{line}\n" for line in body.splitlines()), 0)


def _rule(test: str, result: str, head: str = "") -> str:
    return (
        f"{head}polkit.addRule(function(action, subject) {{\n"
        f"  if ({test}) {{\n    return {result};\n  }}\n}});\n"
    )


MANAGE = 'action.id == "org.libvirt.unix.manage"'
EVERY = (
    f"libvirtd.conf: auth_unix_rw = polkit, but {F} grant(s) org.libvirt.unix.manage with no "
    "subject test: every local user controls every VM"
)
ALL = "3 administrative principal(s) (limit 3): ALL (every user), alice, root"
OPS = "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"
PASS_132 = "libvirtd.conf: auth_unix_rw = polkit"
CASES = [
    (_rule(MANAGE, '"yes"'), "fail", EVERY, "fail", ALL),
    (_rule(MANAGE, "R.YES", "var R = polkit.Result;\n"), "fail", EVERY, "fail", ALL),
    (_rule(MANAGE, 'polkit.Result["YES"]'), "fail", EVERY, "fail", ALL),
    (
        _rule(f'{MANAGE} && subject.isInGroup("ops")', "'auth_self_keep'"),
        "pass",
        PASS_132,
        "fail",
        OPS,
    ),
    (
        _rule(MANAGE, '"no"'),
        "pass",
        PASS_132,
        "pass",
        "2 administrative principal(s) (limit 3): alice, root",
    ),
    (
        _rule(
            'action.id.indexOf("org.libvirt.api.") == 0 && action.lookup("x") != "yes" '
            '&& subject.isInGroup("ops")',
            "polkit.Result.YES",
        ),
        "pass",
        PASS_132,
        "pass",
        "2 administrative principal(s) (limit 3): alice, root",
    ),
]


@pytest.mark.parametrize(
    ("rules", "s132", "m132", "s142", "m142"),
    CASES,
    ids=["string-yes", "alias", "bracket", "string-auth-self-group", "held-no", "held-acl"],
)
def test_result_spelled_otherwise_grants(
    host_scan, rules: str, s132: str, m132: str, s142: str, m142: str
) -> None:
    """R47A-1 (false pass) HVA-132, HVA-142: polkit takes a rule's returned string ("yes",
    "auth_self_keep") as the result it names, and an alias of polkit.Result is the same
    object; main read such a rule as granting nothing (the first three passed HVA-132, the
    fourth counted no ops member in HVA-142). A returned "no" and an ACL-only grant hold."""
    a = host_scan({"polkit-rules": _rules(rules), "/etc/group": GROUP})
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == ({"hv1": s132}, {"hv1": m132})
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == ({"hv1": s142}, {"hv1": m142})


DEFAULT_OPTS = ALPINE_CONFD + 'K3S_OPTS=""\n'
"""Alpine's package's /etc/conf.d/k3s (aports community/k3s k3s.confd)."""
WIDE_OPTS = ALPINE_CONFD + 'K3S_OPTS="--write-kubeconfig-mode 644"\n'
BOOT = "/etc/conf.d/k3s.boot"
RUNLEVEL_DEFAULT = "/etc/conf.d/k3s.default"


def _runlevels(*levels: str) -> tuple[str, int, str]:
    """`find /etc/runlevels -mindepth 2 -maxdepth 2 -name k3s` output."""
    return "".join(f"/etc/runlevels/{rl}/k3s\n" for rl in levels), 0, ""


def _unknown(what: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: {what}: the mode and group k3s gives {K3S_YAML} at its next "
        "start are unknown",
    )


@pytest.mark.parametrize(
    ("confd", "runlevels", "confd_probe", "expected"),
    [
        # R48A-1 (the team decision): a start in boot sets 644, so every user reads it after
        # one; no longer asked which start comes next
        (
            DEFAULT_OPTS,
            _runlevels("boot"),
            _grep((BOOT, WIDE_OPTS)),
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            WIDE_OPTS,
            _runlevels("boot"),
            _grep((RUNLEVEL_DEFAULT, DEFAULT_OPTS)),
            ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root"),
        ),
        (
            DEFAULT_OPTS,
            None,
            _grep((BOOT, WIDE_OPTS)),
            _unknown(
                "/etc/conf.d/k3s.boot stands in for /etc/conf.d/k3s where k3s starts in "
                "runlevel boot, and the runlevels k3s is in (/etc/runlevels/*/k3s) were not read"
            ),
        ),
        (DEFAULT_OPTS, _runlevels("default"), _grep((BOOT, WIDE_OPTS)), PASS2),
        (
            DEFAULT_OPTS,
            ("", 1, "find: '/etc/runlevels': No such file or directory\n"),
            _grep(),
            PASS2,
        ),
    ],
    ids=["boot-conf", "boot-without-conf", "runlevels-unread", "held-default", "held-no-runlevels"],
)
def test_openrc_runlevel_other_than_default(
    host_scan, confd: str, runlevels, confd_probe, expected: tuple[str, str]
) -> None:
    """R47A-2 (false pass) HVA-142: openrc-run sources /etc/conf.d/k3s.$RC_RUNLEVEL in place
    of /etc/conf.d/k3s (OpenRC sh/openrc-run.sh.in); only the default runlevel's file was read,
    so k3s in runlevel boot, whose k3s.boot (or, without one, conf.d/k3s) sets
    --write-kubeconfig-mode 644, passed "2 administrative principal(s)" with k3s.yaml chmod'ed
    0600 since. k3s in default only, or no /etc/runlevels, holds."""
    over = {
        **BASE,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep((INIT, ALPINE_INIT), (CONFD, confd)),
        "k3s-service-unit-files": None,
        "k3s-openrc-runlevels": runlevels,
        "k3s-openrc-confd": confd_probe,
    }
    assert _142(host_scan(over)) == expected


USERS_LIST = 'var admins = ["bob", "carol", "dave"];\n' + _rule(
    f"{MANAGE} && admins.indexOf(subject.user) >= 0", "polkit.Result.YES"
)
RULE_Q = (
    f'question = "Do the accounts that polkit rule {F} (user) lets through, together with the '
    "other principals listed, number at most 3 named administrators? Evidence: each function "
    "of the rule file, read for the accounts it returns YES, AUTH_SELF or AUTH_SELF_KEEP for, "
    "or the administrator identities it returns. Pass: at most 3 principals in all; fail: "
    'more."\n'
)


def test_unread_rule_asked_as_rule(host_scan) -> None:
    """R47A-3 (wording) HVA-142: a polkit rule whose subject test hvaudit does not read (a list
    variable of users) was asked as a group: "Do polkit rule FILE (user) together with the
    other principals listed number ...? Evidence: `getent group` (or `getent netgroup`)
    output for each": no getent answers it; the rule file does. The verdict and message are
    main's."""
    a = host_scan({"polkit-rules": _rules(USERS_LIST), "/etc/group": GROUP})
    assert (outcomes(a, "HVA-142"), messages(a, "HVA-142")) == (
        {"hv1": "manual"},
        {
            "hv1": f"3 administrative principal(s) (limit 3): alice, polkit rule {F} (user) "
            f"(members not read), root; whom polkit rule {F} (user) lets through is not read"
        },
    )
    assert question_line(a, "HVA-142", "hv1") == RULE_Q
    (q,) = [r.outcome.question for r in a.results if r.check.id == "HVA-142"]
    assert shape_problems(q) == []
