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

Held: a rule returning the string "no" grants nothing; a rule granting org.libvirt.api.*
(the ACL actions) to a group adds no principal; a string "yes" compared in a test
(`action.lookup("x") == "yes"`) is no result.

Probed by script (parse/polkit.grants on main): `subject.isInGroup("ops") || 1` reads as
ops only (a constant operand of ||: contrived, left as a lead); an arrow function rule, a
helper function outside addRule (read as no subject test: every user, a wrong fail at most),
`switch (action.id)`, `subject.groups.indexOf`, a list variable of users, a ternary, a
result in a variable, `action.id.toLowerCase()`: each unresolved or counted wider, no pass.

Tally: 1 finding (1 false pass); 6 cases, 4 failed on main before the fix (the 2 held passed).

Leads left:
- `const {YES} = polkit.Result;` (destructuring) and a result returned by a helper function
  (`return decide(subject);`) are still read as no result; `|| <constant>` operands.
- HVA-142's question for an unresolved polkit rule reads "Do polkit rule FILE (why)
  together with ..." with `getent group` as its evidence: the rule file is the evidence.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes

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
