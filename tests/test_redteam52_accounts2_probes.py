"""Red-team round 52 probes, second turn: addAdminRule's registered function (r52-accounts2)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host), through the real collector, parser and engine; each test
asserts the exact status and message of HVA-142.

Findings (R52A-n, continuing r52-accounts' R52A-1..3):
- R52A-4 (false pass, R52A's lead) HVA-142: polkit registers whatever function
  polkit.addAdminRule is called with (polkit's src/polkitbackend/init.js:
  `polkit.addAdminRule = function(callback) {this._adminRuleFuncs.push(callback);};`) and
  administrator authentication accepts the identities it returns (polkit(8), "Administrator
  authentication": "the identities of the administrators"). parse.polkit _registered turned an
  unread addRule argument into an unresolved grant (R51A-2) but left an addAdminRule one as it
  was, so a function hvaudit cannot see (a factory call `makeRule("ops")`, a member
  `rules.admin`, a name declared twice) returning `"unix-group:" + g` or a literal declared
  before the registration was read as no identity: "2 administrative principal(s) (limit 3):
  alice, root" passed. Now such an argument is an unresolved administrator identity naming the
  rule file (a question), as addRule's is.

Held: an addAdminRule function written in place, or a name declared once in the file, keeps
its literal identities read (fail with ops' members, no question).

Probed by script: none.

Tally: 1 finding (1 false pass); 5 cases, 3 failed on main before the fix (the 2 held cases
pass on main too).

Leads left: `.apply(polkit, [f])` with `f` a name (the array is rewritten to a call whose
argument is `[f]`, unread for addRule, asked now for addAdminRule too, not probed); a factory
whose returned function is read in place (`makeRule("unix-group:ops")`) still asks although
the literal is visible.
"""

from __future__ import annotations

import pytest

from test_redteam24_acct_probes import GROUP_ADM, PASSWD_ADM
from test_redteam26_accounts_probes import _142
from test_redteam48_accounts_probes import F, _rules

ADMIN_FN = 'function(action, subject) {\n  return ["unix-group:ops"];\n}'
"""An addAdminRule function whose administrators are group ops' members."""
OPS_ADMINS = ("fail", "4 administrative principal(s) (limit 3): adm-bob, adm-carol, alice, root")


def _asked(path: str) -> tuple[str, str]:
    why = f"{path} (an addAdminRule() function hvaudit does not read)"
    return (
        "manual",
        f"3 administrative principal(s) (limit 3): alice, polkit rule {why} (members not "
        f"read), root; whom polkit rule {why} lets through is not read",
    )


def _over(rules: str) -> dict[str, object]:
    return {"polkit-rules": _rules(rules), "/etc/group": GROUP_ADM, "/etc/passwd": PASSWD_ADM}


@pytest.mark.parametrize(
    "rules",
    [
        (
            "function makeRule(g) {\n"
            '  return function(action, subject) { return ["unix-group:" + g]; };\n'
            "}\n"
            'polkit.addAdminRule(makeRule("ops"));\n'
        ),
        (f"var rules = {{admin: {ADMIN_FN}}};\npolkit.addAdminRule(rules.admin);\n"),
        (f"var admin = {ADMIN_FN};\nvar admin = {ADMIN_FN};\npolkit.addAdminRule(admin);\n"),
    ],
    ids=["factory-call", "member", "declared-twice"],
)
def test_unread_admin_rule_argument_asked_142(host_scan, rules: str) -> None:
    """R52A-4 (false pass) HVA-142: polkit registers any function polkit.addAdminRule is
    called with (src/polkitbackend/init.js) and takes the identities it returns as
    administrators (polkit(8)); one hvaudit cannot see (a factory's result, a member, a name
    declared twice) passed "2 administrative principal(s)" on main and is asked now."""
    assert _142(host_scan(_over(rules))) == _asked(F)


@pytest.mark.parametrize(
    "rules",
    [
        f"polkit.addAdminRule({ADMIN_FN});\n",
        f"function admin{ADMIN_FN[8:]}\npolkit.addAdminRule(admin);\n",
    ],
    ids=["in-place", "named-once"],
)
def test_read_admin_rule_keeps_identities_142(host_scan, rules: str) -> None:
    """Held: a function written in place or declared once by name keeps its literal
    identities read: ops' members count, no question."""
    assert _142(host_scan(_over(rules))) == OPS_ADMINS
