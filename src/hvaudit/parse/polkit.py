"""What polkit's rules grant, read from the files of the polkit-rules probe.

polkit(8), AUTHORIZATION RULES: .rules files (JavaScript) register functions with
polkit.addRule(), run in file-name order until one returns a result (YES, AUTH_SELF(_KEEP),
AUTH_ADMIN(_KEEP), NO; "Returning a result is final"); polkit.addAdminRule() functions return
the identities ("unix-group:NAME", "unix-user:NAME", "unix-netgroup:NAME") administrator
authentication accepts (upstream's src/polkitbackend/50-default.rules: `return
["unix-group:wheel"]`). The local authority's key files (pklocalauthority(8), polkit 0.105 and
the polkitd-pkla / polkit-pkla-compat helper): *.pkla sections with Identity, Action and
Result{Any,Inactive,Active}, and localauthority.conf.d/*.conf AdminIdentities (later files
override earlier ones). hvaudit does not run the JavaScript: it reads each addRule() function
for the shapes rules are written in (action.id == "...", indexOf/startsWith prefixes,
subject.isInGroup / subject.user tests), and reports what it cannot read as unresolved.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

#: A principal that is every local account (no subject test, `unix-user:*`).
EVERYONE = "*"
#: Results that let the subject through without an administrator (polkit(8): YES authorizes;
#: AUTH_SELF asks the subject for its own password only).
GRANTING = ("YES", "AUTH_SELF_KEEP", "AUTH_SELF")
_PKLA_GRANTING = ("yes", "auth_self_keep", "auth_self")


@dataclass(frozen=True, slots=True)
class Grant:
    """Who a rule lets through for an action: kind is "group", "user", "netgroup" or
    "unresolved" (a subject test hvaudit does not read); name EVERYONE is every account."""

    path: str
    kind: str
    name: str


def is_local_authority(path: str) -> bool:
    """A file of the local authority (localauthority/*.pkla, localauthority.conf.d/*.conf):
    key files, not JavaScript."""
    return "/polkit-1/localauthority" in path


@functools.lru_cache(maxsize=256)
def js_without_comments(text: str) -> str:
    """A polkit rules file (JavaScript, polkit(8) "AUTHORIZATION RULES") without its `//` and
    `/* */` comments; string literals are kept whole, so a "//" inside one is no comment.
    Memoised: the parse and several checks each strip the same files."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            out.append(" ")
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


#: The results polkit takes from a rule, as strings (polkit's src/polkit/
#: polkitimplicitauthorization.c polkit_implicit_authorization_from_string: strcmp with each).
_RESULT_NAMES = ("no", "auth_self", "auth_admin", "auth_self_keep", "auth_admin_keep", "yes")
_RESULT_STRING = re.compile(
    r"""(\breturn\s*\(?|(?<![=!<>])=|[?:])\s*(["'])\s*(""" + "|".join(_RESULT_NAMES) + r""")\s*\2"""
)


def results_spelled(code: str) -> str:
    """A rules file's code with every result written `polkit.Result.NAME`, the one spelling the
    readers look for. polkit takes whatever string a rule returns (polkit's
    src/polkitbackend/polkitbackendduktapeauthority.c
    polkit_backend_common_js_authority_check_authorization_sync: the string _runRules returns
    goes to polkit_implicit_authorization_from_string, which compares it with "no",
    "auth_self", "auth_admin", "auth_self_keep", "auth_admin_keep" and "yes"; the mozjs backend
    g_strstrip's it first, so blanks inside the quotes are read as the mozjs backend reads them), so
    `return "yes";` grants as `return polkit.Result.YES;` does; so does `R.YES` where the file
    sets `var R = polkit.Result`, and `polkit.Result["YES"]` (R47A-1). A string result kept in
    a variable or chosen by a ternary becomes the constant there, which the readers take as a
    result not returned directly."""
    code = re.sub(r"""polkit\s*\.\s*Result\s*\[\s*(["'])(\w+)\1\s*\]""", r"polkit.Result.\2", code)
    code = _RESULT_STRING.sub(lambda m: f"{m.group(1)} polkit.Result.{m.group(3).upper()}", code)
    for alias in set(
        re.findall(r"(?<![\w$.])([A-Za-z_$][\w$]*)\s*=\s*polkit\s*\.\s*Result\b(?!\s*\.)", code)
    ):
        code = re.sub(
            r"(?<![\w$.])" + re.escape(alias) + r"""\s*(?:\.\s*(\w+)\b|\[\s*["'](\w+)["']\s*\])""",
            lambda m: f"polkit.Result.{m.group(1) or m.group(2)}",
            code,
        )
    return code


#: A returned value that is no result hvaudit reads and may be one polkit takes: a name
#: (`const {YES} = polkit.Result; ... return YES;`, a variable set outside the function), a call
#: (`return decide(subject);`, a helper defined anywhere in the file), a member or index of
#: another object (`P.Result.YES` where `var P = polkit`), a template literal (`` `yes` ``).
_UNREAD_RETURN = re.compile(
    r"\breturn[ \t]*(?!(?:null|undefined|true|false|this)\b)"
    r"((?:[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[[^\[\]\n]*\])*"
    r"(?:\s*\((?:[^()\n]|\([^()\n]*\))*\))?|`[^`]*`))\s*(?=[;}\n]|$)"
)


def _unread_returns(code: str) -> str:
    """`code` with each returned value hvaudit does not read as a result (_UNREAD_RETURN, no
    `polkit.Result.NAME` in it) written `(polkit.Result.YES)`: a granting result not returned
    directly, which the readers take as unresolved (R48A-2). polkit takes whatever value the
    function returns (polkit(8), AUTHORIZATION RULES: "the function should return a value from
    polkit.Result"; polkitbackendduktapeauthority.c
    polkit_backend_common_js_authority_check_authorization_sync reads the returned value as a
    string and polkit_implicit_authorization_from_string maps it), so a value computed
    elsewhere in the file may be "yes". A returned subject or action property, a comparison or
    a boolean (a callback's value inside the function) is left as it is."""

    def sub(m: re.Match[str]) -> str:
        value = m.group(1)
        if re.search(r"\bpolkit\s*\.\s*Result\s*\.\s*\w+", value) and not re.match(
            r"[A-Za-z_$][\w$]*\s*\(", value
        ):
            return m.group(0)  # polkit.Result.NAME itself, read by the readers
        if re.match(r"(?:subject|action)\b", value):
            return m.group(0)
        return "return (polkit.Result.YES)"

    code = _UNREAD_RETURN.sub(sub, code)
    return _UNREAD_STRING_RETURN.sub(_sub_string, code)


#: A returned string built at run time: a literal or a name joined with `+` or given to a
#: method (`return "y" + "es";`, `return "YES".toLowerCase();`), which polkit reads as the
#: string it makes (R48A-5).
_UNREAD_STRING_RETURN = re.compile(
    r"""\breturn[ \t]+((?:"[^"\n]*"|'[^'\n]*'|[A-Za-z_$][\w$]*)\s*"""
    r"""(?:\+|\.\s*[A-Za-z_$][\w$]*\s*\()[^;\n}]*)"""
)


def _sub_string(m: re.Match[str]) -> str:
    """_unread_returns' rewrite of an _UNREAD_STRING_RETURN match: a comparison (a boolean,
    a callback's value) or a subject or action property is left as it is."""
    value = m.group(1)
    # polkit.spawn() returns the program's standard output, a string (polkit's
    # polkitbackendduktapeauthority.c js_polkit_spawn: `duk_push_string (cx,
    # standard_output)`): `return polkit.spawn([...]).trim();` may be "yes" (R51A-2);
    # polkit.log() returns nothing
    if re.match(r"(?:subject|action)\b|polkit\s*\.\s*log\b", value) or re.search(
        r"[=!<>]=|[<>]", value
    ):
        return m.group(0)
    return "return (polkit.Result.YES)"


#: A registration spelled otherwise than `polkit.addRule(`: `polkit["addRule"](`, and
#: `polkit.addRule.call(THIS, ` / `.apply(THIS, ` (polkit's src/polkitbackend/init.js:
#: `polkit.addRule = function(callback) {this._ruleFuncs.push(callback);};`, so any spelling
#: that calls it on polkit registers `callback`).
_REGISTRATION = re.compile(
    r"""polkit\s*(?:\.\s*(add(?:Admin)?Rule)\b|\[\s*(["'])(add(?:Admin)?Rule)\2\s*\])"""
    r"(\s*\.\s*(?:call|apply)\s*\(\s*[^,()]*,)?"
)
#: The first argument of a registration that is a function written in place.
_FUNCTION_ARG = re.compile(
    r"\s*\(?\s*(?:async\s+)?(?:function\b|\(\s*[\w$\s,]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)"
)
#: A rule that stands for a registered function hvaudit does not read: every reader takes its
#: return as a granting result not returned directly (unresolved, _odd_subject_tests).
_UNREAD_FUNCTION = "function(action, subject) { return (polkit.Result.YES); }"
#: The mark _registered puts before an addAdminRule registration whose function hvaudit does
#: not read (a comment: js_without_comments has removed the file's own before it is added);
#: admin_identities makes it an unresolved administrator identity (R52A-4).
_UNREAD_ADMIN = "/* hvaudit: addAdminRule function not read */"


def _named_function(code: str, name: str) -> str:
    """The text of the function `name` is declared as in `code` (`function NAME(...) {...}`, or
    `var|let|const NAME = function ... {...}` / an arrow function with a body), "" where there
    is no such declaration or there are several."""
    decl = re.compile(
        r"(?<![\w$.])(?:function\s+" + re.escape(name) + r"\s*(?=\()"
        r"|(?:var|let|const)\s+" + re.escape(name) + r"\s*=\s*(?=(?:async\s+)?function\b|\())"
    )
    found = list(decl.finditer(code))
    if len(found) != 1:
        return ""
    at = found[0].end()
    head = code[at:]
    if head.startswith("("):
        params_end = _balanced(code, at, "(", ")")
        if not re.match(r"\s*(?:=>\s*)?\{", code[params_end:]):
            return ""
        body = code.index("{", params_end)
        return "function" + code[at:params_end] + " " + code[body : _balanced(code, body, "{", "}")]
    body = code.find("{", at)
    return code[at : _balanced(code, body, "{", "}")] if body >= 0 else ""


def _registered(chunk: str, kind: str, code: str) -> str:
    """A registration chunk whose first argument is the function polkit registers: written in
    place as it is; a name declared in the file (`polkit.addRule(rule)`, `function rule(action,
    subject) {...}`) replaced with its declaration's function; anything else (`.apply`'s array,
    a name declared several times or not at all, an expression) an addRule function hvaudit
    does not read (_UNREAD_FUNCTION), for addAdminRule marked _UNREAD_ADMIN (its literals
    still read)."""
    head = re.match(rf"polkit\s*\.\s*{kind}\s*\(", chunk)
    assert head is not None
    arg = chunk[head.end() :]
    if _FUNCTION_ARG.match(arg):
        return chunk
    named = re.match(r"\s*([A-Za-z_$][\w$]*)\s*\)", arg)
    fn = _named_function(code, named.group(1)) if named else ""
    if fn:
        return f"polkit.{kind}({fn}{arg[named.end() - 1 :] if named else ''}"
    return f"polkit.{kind}({_UNREAD_FUNCTION});" if kind == "addRule" else _UNREAD_ADMIN + chunk


def rule_functions(code: str, kind: str = "addRule") -> list[str]:
    """The code of each polkit.addRule() (or addAdminRule()) call of a rules file without
    comments: from the call to the next registration (a file may hold several), its results
    spelled `polkit.Result.NAME` (results_spelled), and for addRule a returned value it does
    not read written as a granting result not returned directly (_unread_returns). A
    registration spelled otherwise (_REGISTRATION) is read as `polkit.addRule(`, and one whose
    argument is not a function written in place is read as _registered gives it (R51A-2)."""
    code = _REGISTRATION.sub(
        lambda m: f"polkit.{m.group(1) or m.group(3)}" + ("(" if m.group(4) else ""), code
    )
    code = results_spelled(code)
    if kind == "addRule":
        code = _unread_returns(code)
    starts = [m.start() for m in re.finditer(r"polkit\s*\.\s*add(?:Admin)?Rule\s*\(", code)]
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(code)
        chunk = code[start:end]
        if re.match(rf"polkit\s*\.\s*{kind}\s*\(", chunk):
            out.append(_registered(chunk, kind, code))
    return out


_STR = r"""["']([^"']+)["']"""


def covers_action(rule: str, action: str) -> bool:
    """Whether an addRule() function can answer for `action`: it tests no action id at all
    (every action), one of its action.id tests (action_test) takes it, or one is of a shape
    hvaudit does not read (it may)."""
    return action_test(rule, action) is not False


_ID = re.compile(r"\baction\s*\.\s*id\b")
_REGEX = r"/((?:[^/\\\n]|\\.)+)/[gimsuy]*"
#: `action.id.METHOD(ARG)` and what follows it, ARG a string literal or a regular expression.
_METHOD = re.compile(
    r"\s*\.\s*(indexOf|startsWith|endsWith|includes|search|match)\(\s*(?:"
    + _STR
    + "|"
    + _REGEX
    + r")\s*\)\s*((?:===?|!==?|>=?|<=?)\s*[-\w.]+)?"
)


def action_test(rule: str, action: str, scope: str = "") -> bool | None:
    """How the function's action.id tests answer for `action`: True when one takes it (or the
    function tests no action id: every action), False when every test is read and none takes
    it, None when a test is of a shape hvaudit does not read.

    polkit(8), AUTHORIZATION RULES: a rule is plain JavaScript and action.id a string, so its
    tests are ECMAScript string operations (ECMA-262 String.prototype): `==` / `!=` compare;
    indexOf returns the first position or -1 (so `indexOf(s) == 0` is a prefix test and `>= 0`,
    `> -1`, `!= -1` a substring test); includes, startsWith and endsWith; search returns a
    position or -1; match and search turn a string argument into a RegExp (in the wild:
    `action.id.match("org.freedesktop.login1.")`); `/re/.test(action.id)`. A leading `!`
    negates. Any other use of action.id (substr, split, a variable, switch, ...) is unread:
    such a rule may answer for the action, and its grants are unresolved (R18H-1). `scope` is
    the whole function where `rule` is one statement of it (where a list variable is set)."""
    spots = list(_ID.finditer(rule))
    if not spots:
        return True
    if re.search(r"""["']""" + re.escape(action) + r"""["']""", rule):
        return True  # the literal id itself (==, a list's indexOf/includes, switch case)
    unread = False
    for m in spots:
        found = _one_action_test(rule[: m.start()], rule[m.end() :], action, scope)
        if found is True:
            return True
        unread = unread or found is None
    return None if unread else False


def _one_action_test(before: str, after: str, action: str, scope: str = "") -> bool | None:
    """One action.id test (see action_test): `before` and `after` are the code around it."""
    negated = re.search(r"(?<![!=])!\s*$", before) is not None
    if m := re.match(r"\s*(===?|!==?)\s*" + _STR, after):
        if negated:
            return None
        return (m.group(2) == action) == m.group(1).startswith("=")
    if m := re.search(_STR + r"\s*(===?|!==?)\s*$", before):
        return (m.group(1) == action) == m.group(2).startswith("=")
    if m := re.search(_REGEX + r"\s*\.\s*test\(\s*$", before):
        hit = _js_regex_matches(m.group(1), action)
        return (
            (not hit)
            if re.search(r"(?<![!=])!\s*" + _REGEX + r"\s*\.\s*test\(\s*$", before)
            else hit
        )
    if (member := _membership(before, after, action, scope)) is not None:
        return (not member) if negated else member
    if (m := _METHOD.match(after)) is None:
        return None
    method, literal, pattern = m.group(1), m.group(2), m.group(3)
    compare = re.sub(r"\s+", "", m.group(4) or "")
    if method in ("search", "match"):
        hit = _js_regex_matches(pattern if pattern is not None else literal, action)
    elif literal is None:
        return None  # a RegExp where JavaScript wants a string
    elif method == "startsWith":
        hit = action.startswith(literal)
    elif method == "endsWith":
        hit = action.endswith(literal)
    elif method == "includes":
        hit = literal in action
    else:  # indexOf
        if compare in ("==0", "===0"):
            hit = action.startswith(literal)
        elif compare in ("!=0", "!==0"):
            hit = not action.startswith(literal)
        elif compare in (">=0", ">-1", "!=-1", "!==-1"):
            hit = literal in action
        elif compare in ("<0", "==-1", "===-1"):
            hit = literal not in action
        else:
            return None
        compare = ""
    if method == "search":
        if compare in (">=0", ">-1", "!=-1", "!==-1"):
            pass
        elif compare in ("<0", "==-1", "===-1"):
            hit = not hit
        else:
            return None
    elif compare:
        return None  # e.g. `match(...) == null`: not read
    return (not hit) if negated else hit


_ARRAY = r"""\[\s*((?:["'][^"'\n]*["']\s*,?\s*)*)\]"""


def _membership(before: str, after: str, action: str, scope: str = "") -> bool | None:
    """`LIST.indexOf(action.id) >= 0` (or `> -1`, `!= -1`; `== -1` / `< 0` for not in it) and
    `LIST.includes(action.id)`, LIST an array literal of strings or a variable a `var`/`let`/
    `const` earlier in the function sets to one (ECMA-262 Array.prototype.indexOf and includes
    compare each element with ===): whether `action` is a member as the test asks; None for
    any other shape. The common form of polkit rules granting a set of actions (R18H-5). The
    variable is looked up in `scope` (the whole function) when given, else in `before`."""
    m = re.search(r"(" + _ARRAY + r"|([A-Za-z_$][\w$]*))\s*\.\s*(indexOf|includes)\(\s*$", before)
    if m is None:
        return None
    items = m.group(2)
    if m.group(3) is not None:
        decl = re.findall(
            r"\b(?:var|let|const)\s+" + re.escape(m.group(3)) + r"\s*=\s*" + _ARRAY + r"\s*;",
            scope or before,
        )
        assigned = re.findall(r"(?<![\w$.])" + re.escape(m.group(3)) + r"\s*=[^=]", scope or before)
        if len(decl) != 1 or len(assigned) != 1:
            return None  # not set once to an array literal: not read
        items = decl[0]
    member = action in re.findall(r"""["']([^"'\n]*)["']""", items)
    rest = re.match(r"\s*\)\s*((?:===?|!==?|>=?|<=?)\s*-?[0-9]+)?", after)
    if rest is None:
        return None
    compare = re.sub(r"\s+", "", rest.group(1) or "")
    if m.group(4) == "includes":
        return member if not compare else None
    if compare in (">=0", ">-1", "!=-1", "!==-1"):
        return member
    if compare in ("<0", "==-1", "===-1"):
        return not member
    return None


def _js_regex_matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # a pattern hvaudit cannot read may match


def rule_grants(
    path: str, rule: str, spots: list[int] | None = None, action: str = "", scope: str = ""
) -> list[Grant]:
    """Who an addRule() function that returns a granting result lets through: the groups and
    users its subject tests name, EVERYONE when it tests no subject (or only subject.local /
    subject.active, which every account with a session has), a negated group test in a function
    that refuses nothing (`!subject.isInGroup(...)` guarding the grant: everyone else; guarding a
    `Result.NO`, it is the usual "refuse everyone outside the group"), and "unresolved" for
    subject tests of other shapes. [] when the function never returns YES or AUTH_SELF(_KEEP).
    A granting return no subject test guards, behind statements that test subjects only
    positively (`if (subject.isInGroup("admins")) return AUTH_ADMIN; return YES;`), lets every
    OTHER account through: EVERYONE (_everyone_else, HL19-12). `spots` are the positions of the
    granting returns to read (default: every one in `rule`); `action`, when given, the action
    whose tests _outsider_reaches reads (in `scope`, the whole function)."""
    if not re.search(r"polkit\s*\.\s*Result\s*\.\s*(?:YES|AUTH_SELF(?:_KEEP)?)\b", rule):
        return []
    reach = _outsider_reaches(rule, spots, action, scope or rule)
    if reach is True or (reach is None and _everyone_else(rule, spots)):
        return [Grant(path, "user", EVERYONE)]
    negated = re.search(r"!\s*subject\s*\.\s*isIn(?:Net)?Group\(", rule)
    if reach is None and negated and not re.search(r"polkit\s*\.\s*Result\s*\.\s*NO\b", rule):
        # `!subject.isInGroup("x")` guarding a grant, not a refusal: everyone but x
        return [Grant(path, "user", EVERYONE)]
    if reach is None and (odd := _odd_subject_tests(rule) or _unread_operands(rule)):
        # a negated or compared subject test, a ternary, a result kept in a variable: who the
        # grant reaches is not the groups and users the tests name (R21H-2)
        return [Grant(path, "unresolved", f"{path} ({odd})")]
    out = [Grant(path, "group", g) for g in re.findall(r"isInGroup\(\s*" + _STR + r"\s*\)", rule)]
    out += [
        Grant(path, "netgroup", g) for g in re.findall(r"isInNetGroup\(\s*" + _STR + r"\s*\)", rule)
    ]
    users = re.findall(r"subject\s*\.\s*user\s*===?\s*" + _STR, rule)
    users += re.findall(_STR + r"\s*===?\s*subject\s*\.\s*user\b", rule)
    out += [Grant(path, "user", u) for u in users]
    if out:
        # a subject test of another shape beside the ones read (`subject.user.indexOf("adm-")
        # == 0`, `/^adm-/.test(subject.user)`, subject.groups) may grant accounts they do not
        # name, unless no account outside them reaches the grant (`isInGroup("g") &&
        # subject.seat == "seat0"` only narrows it) (R24A-2)
        left = _unread_subject_tests(rule)
        if left and reach is not False:
            out.append(Grant(path, "unresolved", f"{path} ({', '.join(left)})"))
        return out
    tests = set(re.findall(r"\bsubject\s*\.\s*(\w+)", rule))
    if tests <= {"local", "active"}:
        return [Grant(path, "user", EVERYONE)]
    return [Grant(path, "unresolved", f"{path} ({', '.join(sorted(tests))})")]


_READ_SUBJECT = re.compile(
    r"\bsubject\s*\.\s*isIn(?:Net)?Group\(\s*" + _STR + r"\s*\)"
    r"|\bsubject\s*\.\s*user\s*===?\s*" + _STR + r"|" + _STR + r"\s*===?\s*subject\s*\.\s*user\b"
    r"|\bsubject\s*\.\s*(?:local|active)\b(?!\s*\.)"
)
#: `polkit.log(...)` / `polkit.spawn(...)`-free text: a log line naming subject.user tests nothing.
_LOG_CALL = re.compile(r"\bpolkit\s*\.\s*log\s*\((?:[^()]|\([^()]*\))*\)")


def _unread_subject_tests(rule: str) -> list[str]:
    """The subject properties a function uses in other shapes than rule_grants reads (plain
    isInGroup / isInNetGroup calls with a literal, `subject.user ==` a literal, subject.local
    and subject.active); polkit.log() arguments are no test. polkit(8), AUTHORIZATION RULES:
    the Subject has pid, user, groups, seat, session, local, active and system_unit, and
    isInGroup / isInNetGroup; a rule may test any of them in any JavaScript expression."""
    rest = _READ_SUBJECT.sub(" ", _LOG_CALL.sub(" ", rule))
    return sorted({m.group(1) for m in _SUBJECT.finditer(rest)})


_POSITIVE = re.compile(
    r"subject\s*\.\s*isIn(?:Net)?Group\(\s*" + _STR + r"\s*\)"
    r"|subject\s*\.\s*user\s*===?\s*" + _STR + r"|" + _STR + r"\s*===?\s*subject\s*\.\s*user"
)
#: An operand _outsider_eval reads: a subject test of the shapes rule_grants reads (compared
#: with a boolean or not), subject.local / subject.active, a literal (_js_literal).
_READ_OPERAND = re.compile(
    r"(?:(?:"
    + _POSITIVE.pattern
    + r"|subject\s*\.\s*user\s*!==?\s*"
    + _STR
    + r"|"
    + _STR
    + r"\s*!==?\s*subject\s*\.\s*user|subject\s*\.\s*(?:local|active))"
    r"(?:\s*[!=]==?\s*(?:true|false))?)"
)


def _js_literal(atom: str) -> bool | None:
    """A JavaScript literal's truth value (ECMA-262 ToBoolean: false, 0, NaN, "" and null and
    undefined are false; every other number, string, array and object true); None for any
    other operand."""
    text = atom.strip()
    if text in ("true", "false", "null", "undefined", "NaN"):
        return text == "true"
    if re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+", text):
        return float.fromhex(text) != 0 if text[:2] in ("0x", "0X") else float(text) != 0
    if re.fullmatch(r"\"[^\"\\]*\"|'[^'\\]*'", text):
        return len(text) > 2
    if re.fullmatch(r"\[[^\[\]]*\]|\{[^{}]*\}", text):
        return True
    return None


def _unread_operands(rule: str) -> str:
    """An operand of an `if` condition that hvaudit does not read (not an action test, not a
    subject test of a shape rule_grants reads, not a literal) where it can let an account
    through on its own: an operand of `||` that no positive group or user test beside it with
    `&&` narrows (`subject.isInGroup("ops") || open`, `... || isAdmin(subject)`, `... ||
    action.lookup("x") == "y"`): JavaScript's `A || B` holds where B does, whoever the subject
    is (R48A-3). "" where there is none."""
    code = _code_only(rule)
    found: list[str] = []

    def walk(expr: str, narrowed: bool, under_or: bool) -> None:
        e = expr.strip()
        parts = _split_top(e, "||")
        if len(parts) > 1:
            for p in parts:
                walk(p, narrowed, True)
            return
        parts = _split_top(e, "&&")
        if len(parts) > 1:
            tight = narrowed or any(
                _POSITIVE.fullmatch(re.sub(r"^\(\s*(.*?)\s*\)$", r"\1", p.strip())) for p in parts
            )
            for p in parts:
                walk(p, tight, under_or)
            return
        if e.startswith("(") and _balanced(e, 0, "(", ")") == len(e):
            walk(e[1:-1], narrowed, under_or)
            return
        if re.match(r"!\s*[^=]", e):
            walk(e[1:], narrowed, under_or)
            return
        if _ID.search(e) or _READ_OPERAND.fullmatch(e) or _js_literal(e) is not None:
            return
        if _SUBJECT.search(e):
            return  # a subject test of another shape: _unread_subject_tests names it
        if under_or and not narrowed:
            found.append(re.sub(r"\s+", " ", e)[:60])

    for m in re.finditer(r"\bif\s*\(", code):
        end = _balanced(code, m.end() - 1, "(", ")")
        walk(rule[m.end() : end - 1], False, False)
    return f"a condition operand hvaudit does not read: {found[0]}" if found else ""


def _code_only(code: str) -> str:
    """`code` with each string literal's contents blanked (positions kept)."""
    out = list(code)
    i = 0
    while i < len(code):
        if code[i] in "\"'`":
            j = i + 1
            while j < len(code) and code[j] != code[i]:
                j += 2 if code[j] == "\\" else 1
            for k in range(i + 1, min(j, len(code))):
                out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


def _guards(code: str, at: int) -> list[tuple[int, int]] | None:
    """The (start, end) spans of the conditions of the `if` (and `switch`) statements that
    enclose the statement at `at` in `code` (strings blanked, _code_only), innermost first;
    None when the statement's place is not read (a loop, a nested function, ...). An `else`
    branch has no guard of its own: the condition it follows stands before it (_everyone_else)."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, c in enumerate(code[:at]):
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            stack.pop()
    heads = [code[:at]] + [code[:b] for b in stack[::-1]]
    for k, head in enumerate(heads):
        text = head.rstrip()
        if k == 0:
            # the statement itself: after `{`, `;`, `}` or `:` no guard; `)` of an if; else
            start = stack[-1] + 1 if stack else 0
            text = code[start:at].rstrip()
            if not text or text[-1] in ";}{:" or re.search(r"\belse$", text):
                continue
            text = code[:at].rstrip()
        elif re.search(r"\belse$", text) or re.search(r"\bfunction\s*\([^()]*\)$", text):
            continue
        if not text.endswith(")"):
            return None
        close = len(text) - 1
        depth, j = 0, close
        while j >= 0:
            depth += {")": 1, "(": -1}.get(text[j], 0)
            if depth == 0:
                break
            j -= 1
        keyword = re.search(r"\b(\w+)\s*$", text[:j])
        if keyword is None or keyword.group(1) not in ("if", "switch"):
            return None
        spans.append((j + 1, close))
    return spans


_SUBJECT = re.compile(r"\bsubject\s*\.\s*(\w+)")


def _everyone_else(rule: str, spots: list[int] | None = None) -> bool:
    """Whether a granting return of `rule` (at `spots`, default every one) is reached by every
    account outside the subjects its earlier statements name: no enclosing `if` condition
    (_guards) tests a subject other than subject.local / subject.active, and every subject test
    before it is positive (isInGroup, isInNetGroup, `subject.user ==`; no `!` but action.id's
    `!=`), so they can only take subjects away: `if (subject.isInGroup("admins")) return
    AUTH_ADMIN; return YES;` grants everyone but admins (JavaScript: polkit(8), AUTHORIZATION
    RULES, addRule functions are plain ECMA-262 code run until one returns a value). HL19-12."""
    code = _code_only(rule)
    found = [m.start() for m in re.finditer(r"\breturn\s+" + _GRANTING, rule)]
    for at in found if spots is None else [p for p in found if p in spots]:
        spans = _guards(code, at)
        if spans is None:
            continue
        if any(set(_SUBJECT.findall(code[a:b])) - {"local", "active"} for a, b in spans):
            continue
        before = code[:at]
        for a, b in spans:
            before = before[:a] + " " * (b - a) + before[b:]
        for pattern in _WHOLE_TESTS:  # action tests, negated or not, take no subject away
            before = re.sub(r"(?:!\s*)?" + pattern.pattern, " ", before)
        tests = set(_SUBJECT.findall(before)) - {"local", "active"}
        if tests and "!" not in before and tests <= {"isInGroup", "isInNetGroup", "user"}:
            return True
    return False


#: A subject test that is not a plain positive one (isInGroup, isInNetGroup, `subject.user ==`):
#: a `!` before a subject test or a parenthesis, `subject.user !=`, a test compared with a
#: boolean, a ternary `?`. With one, the groups and users a rule names are not who it grants.
_ODD_SUBJECT = re.compile(
    r"!\s*(?:subject\b|\()|\bsubject\s*\.\s*user\s*!==?|!==?\s*subject\s*\.\s*user\b"
    r"|\bsubject\s*\.\s*\w+(?:\s*\([^()]*\))?\s*[!=]==?\s*(?:true|false)\b|\?"
)


def _odd_subject_tests(rule: str) -> str:
    """What makes a function's grant reach other accounts than its subject tests name: a
    subject test in a form other than a plain positive one, a granting result not returned
    directly (`var r = polkit.Result.YES; ... return r;`); "" for neither."""
    code = _code_only(rule)
    if len(re.findall(_GRANTING, rule)) != len(re.findall(r"\breturn\s+" + _GRANTING, rule)):
        return "a result not returned directly"
    if m := _ODD_SUBJECT.search(code):
        tests = ", ".join(sorted(set(_SUBJECT.findall(rule))))
        return f"{tests} tested with {m.group(0).strip()[:12]!r}"
    for m in _READ_TEST.finditer(rule):
        # a subject test read as "the named accounts" only where its value decides the
        # condition as it is: an operand of `&&`, `||` or `!`, or the whole of an `if (...)`.
        # As an operand of another operator (`isInGroup("g") ^ 1`, `| true`, `>= 0`, `typeof`,
        # a call's argument) its value is a number or a string of its own, which ECMA-262's
        # ToBoolean may make true for every account (R51A-3)
        before = code[: m.start()].rstrip()
        after = code[m.end() :].lstrip()
        if not (before.endswith(("&&", "||", "!")) or _OPENS.search(before)):
            tests = ", ".join(sorted(set(_SUBJECT.findall(m.group(0)))))
            last = re.search(r"[\w.]*[^\w\s]*\s*$", before)
            return f"{tests} tested with {(last.group(0) if last else before).strip()[-12:]!r}"
        if not _CLOSES.match(after):
            tests = ", ".join(sorted(set(_SUBJECT.findall(m.group(0)))))
            return f"{tests} tested with {after[:12].split()[0]!r}"
    return ""


#: A positive subject test of the shapes rule_grants reads as the accounts it names.
_READ_TEST = re.compile(
    r"\bsubject\s*\.\s*isIn(?:Net)?Group\(\s*" + _STR + r"\s*\)"
    r"|\bsubject\s*\.\s*user\s*===?\s*" + _STR + r"|" + _STR + r"\s*===?\s*subject\s*\.\s*user\b"
)
#: What may come before a subject test whose value decides its condition as it is: an opening
#: parenthesis of `if`, `while`, `return`, another parenthesis, `&&`, `||` or `!`.
_OPENS = re.compile(r"(?:^|\bif|\bwhile|\breturn|&&|\|\||[!(])\s*\($")
#: What may follow it: `&&`, `||`, a closing parenthesis, a ternary's `?`, the statement's end,
#: a comparison with a boolean (read by _outsider_eval).
_CLOSES = re.compile(r"(?:&&|\|\||\)|\?|;|\}|$|[!=]==?\s*(?:true|false)\b)")


def _outsider_reaches(
    rule: str, spots: list[int] | None = None, action: str = "", scope: str = ""
) -> bool | None:
    """Whether an account no subject test of `rule` names (in none of its groups, none of its
    users, in a local or a remote session) reaches a granting result: True when it does for some
    session, False when it reaches none, None when that is not read. JavaScript (polkit(8),
    AUTHORIZATION RULES: a function runs as ECMA-262 code until it returns a value): a return is
    reached where every enclosing `if` condition holds and no earlier `if` statement that returns
    has held (its condition and those enclosing it); `return C ? A : B` gives A where C holds.
    Action tests read whole take their value for `action` (unread without one); statements
    that test no subject are skipped (they stop every account alike). A loop, a switch, a nested
    function, an else branch or a ternary before the return is not read. R21H-2: it reads the
    negated and compared tests (`subject.user != "x"`, `!subject.isInGroup("g")`,
    `subject.isInGroup("g") == false`, `!subject.local`) _everyone_else leaves aside."""
    code = _code_only(rule)
    body = code.find("{")  # -1 for one statement read alone (function_grants)
    found = []
    for m in re.finditer(r"\breturn\b", rule):
        end = code.find(";", m.end())
        end = len(code) if end < 0 else end
        text = rule[m.end() : end]
        if re.search(_GRANTING, text):
            found.append((m.start(), end, text))
    if spots is not None:
        found = [f for f in found if f[0] in spots]
    if not found:
        return None
    answers: list[bool | None] = []
    for at, _end, text in found:
        answers.append(_reaches_one(rule, code, body, at, text, action, scope))
    if True in answers:
        return True
    return None if None in answers else False


def _reaches_one(
    rule: str, code: str, body: int, at: int, text: str, action: str, scope: str
) -> bool | None:
    """_outsider_reaches for the return at `at` (`text` what it returns)."""
    before = code[body + 1 : at]
    if re.search(r"\b(?:for|while|do|switch|function|else)\b|\?", before):
        return None
    spans = _guards(code, at)
    if spans is None:
        return None
    terms = [rule[a:b] for a, b in spans if _SUBJECT.search(code[a:b])]
    if "?" in _code_only(text):
        cond, _, branches_ = text.partition("?")
        yes, _, no = branches_.partition(":")
        if re.search(_GRANTING, yes) and not re.search(_GRANTING, no):
            terms.append(cond)
        elif re.search(_GRANTING, no) and not re.search(_GRANTING, yes):
            terms.append(f"!({cond})")
        elif not (re.search(_GRANTING, yes) and re.search(_GRANTING, no)):
            return None
    elif not re.match(r"\s*" + _GRANTING + r"\s*$", text):
        return None
    covered: list[tuple[int, int]] = []
    for m in re.finditer(r"\bif\s*\(", code[:at]):
        if m.start() <= body:
            continue
        cond_end = _balanced(code, m.end() - 1, "(", ")")
        k = cond_end
        while k < len(code) and code[k].isspace():
            k += 1
        if k < len(code) and code[k] == "{":
            stmt_end = _balanced(code, k, "{", "}")
        else:
            semi = code.find(";", k)
            stmt_end = len(code) if semi < 0 else semi + 1
        if stmt_end > at:
            continue  # it encloses the return: one of its guards
        covered.append((m.start(), stmt_end))
        consequent = code[cond_end:stmt_end]
        inner = re.sub(r"\bif\s*\([^;{}]*\)\s*(?:\{[^{}]*\}|[^;{}]*;)", " ", consequent)
        if not re.search(r"\breturn\b", inner):
            continue
        own = _guards(code, m.start())
        if own is None:
            return None
        conds = [rule[a:b] for a, b in own] + [rule[m.end() : cond_end - 1]]
        if not any(_SUBJECT.search(_code_only(c)) for c in conds):
            continue
        terms.append("!(" + " && ".join(f"({c})" for c in conds) + ")")
    for m in re.finditer(r"\breturn\b", before):
        pos = body + 1 + m.start()
        if not any(a <= pos < b for a, b in covered):
            return None  # a return before it that no `if` guards
    if not terms:
        return None  # nothing tests a subject: rule_grants' own reading
    expr = " && ".join(f"({t})" for t in terms)
    seen: set[bool | None] = set()
    for local in (True, False):
        for active in (True, False):
            seen.add(_outsider_eval(expr, {"local": local, "active": active}, action, scope))
    if True in seen:
        return True
    return False if seen == {False} else None


def _outsider_eval(expr: str, session: dict[str, bool], action: str, scope: str) -> bool | None:
    """A condition's value for an account no subject test names, in `session` (three-valued:
    None where an operand is not read)."""
    e = expr.strip()
    for op in ("||", "&&"):
        parts = _split_top(e, op)
        if len(parts) > 1:
            vals = [_outsider_eval(x, session, action, scope) for x in parts]
            if op == "||":
                return True if True in vals else (False if all(v is False for v in vals) else None)
            return False if False in vals else (True if all(v is True for v in vals) else None)
    if e.startswith("(") and _balanced(e, 0, "(", ")") == len(e):
        return _outsider_eval(e[1:-1], session, action, scope)
    if m := re.fullmatch(r"(.+?)\s*([!=])==?\s*(true|false)", e, re.S):
        v = _outsider_eval(m.group(1), session, action, scope)
        flip = (m.group(2) == "!") != (m.group(3) == "false")
        return None if v is None else (v != flip)
    if re.match(r"!\s*\(", e) and _balanced(e, e.index("("), "(", ")") == len(e):
        v = _outsider_eval(e[e.index("(") :], session, action, scope)
        return None if v is None else not v
    if _ID.search(e):  # an action test: its value for the action, where read whole
        return _whole_test(e, action, scope) if action else None
    if re.match(r"!\s*[^=]", e):
        v = _outsider_eval(e[1:], session, action, scope)
        return None if v is None else not v
    if m := re.fullmatch(r"subject\s*\.\s*(local|active)", e):
        return session[m.group(1)]
    if re.fullmatch(r"subject\s*\.\s*isIn(?:Net)?Group\(\s*" + _STR + r"\s*\)", e):
        return False
    m = re.fullmatch(r"subject\s*\.\s*user\s*(===?|!==?)\s*" + _STR, e) or re.fullmatch(
        _STR + r"\s*(===?|!==?)\s*subject\s*\.\s*user", e
    )
    if m:
        return "!" in m.group(0).split('"')[0].split("'")[0] or "!" in (
            m.group(1) if m.group(1) in ("!=", "!==", "==", "===") else m.group(2)
        )
    # a literal operand: its truth value (`subject.isInGroup("ops") || 1` holds for all)
    return _js_literal(e)


def pkla_sections(lines: list[str]) -> Iterator[tuple[str, list[str], bool]]:
    """(Identity, Action patterns, granted) of every entry of a .pkla file polkit loads
    (pklocalauthority(8): key=value sections; Identity and Action take `;`-separated globs;
    ResultAny / ResultInactive / ResultActive each apply to a kind of session, so yes or
    auth_self for any of them lets some session of the identity through). The entries are
    read as polkit reads them (_pkla_entries): an invalid one is none."""
    for ident, actions, results in _pkla_entries(lines):
        yield ident, actions, any(v in _PKLA_GRANTING for v in results.values())


def _identities(path: str, text: str) -> list[Grant]:
    """`unix-group:G;unix-user:U` identity lists (pklocalauthority(8) globs, `*` = every one)."""
    out = []
    for who in re.split(r"[;,\s]+", text):
        kind, _, name = who.strip().partition(":")
        kind = kind.removeprefix("unix-")
        if kind not in ("group", "user", "netgroup") or not name:
            continue
        if name == "*":
            out.append(Grant(path, "user", EVERYONE))
        elif any(c in name for c in "*?["):
            out.append(Grant(path, "unresolved", f"{who.strip()} ({path})"))
        else:
            out.append(Grant(path, kind, name))
    return out


def _balanced(code: str, i: int, open_: str, close: str) -> int:
    """The index just past the bracket that closes the one at code[i] (strings skipped)."""
    depth = 0
    j = i
    while j < len(code):
        c = code[j]
        if c in "\"'`":
            k = j + 1
            while k < len(code) and code[k] != c:
                k += 2 if code[k] == "\\" else 1
            j = k + 1
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return len(code)


def branches(rule: str) -> tuple[list[str], str]:
    """The top-level `if (...) ...` statements of an addRule() function's body, each with its
    condition and consequent, and the rest of the body. polkit(8): a rule is plain JavaScript, so
    `if (A && B) return polkit.Result.YES;` grants only where both hold: two such statements in
    one function grant two things to two subjects, and must be read apart (else branches stay in
    the rest)."""
    parts = _body_parts(rule)
    return [t for k, t in parts if k == "if"], "".join(t for k, t in parts if k == "rest")


def _body_parts(rule: str) -> list[tuple[str, str]]:
    """The addRule() function's body in order: ("if", statement) for each top-level `if`
    statement without an else (branches), ("rest", code) for the code between them."""
    start = rule.find("{")
    if start < 0:
        return [("rest", rule)]
    end = _balanced(rule, start, "{", "}")
    body = rule[start + 1 : end - 1]
    parts: list[tuple[str, str]] = []
    i = 0
    for m in re.finditer(r"\bif\s*\(", body):
        if m.start() < i:
            continue  # inside a statement already taken
        before = body[i : m.start()]
        if before.count("{") != before.count("}"):
            continue  # nested deeper than the body's own statements
        cond_end = _balanced(body, m.end() - 1, "(", ")")
        k = cond_end
        while k < len(body) and body[k].isspace():
            k += 1
        if k < len(body) and body[k] == "{":
            stmt_end = _balanced(body, k, "{", "}")
        else:
            semi = body.find(";", k)
            stmt_end = len(body) if semi < 0 else semi + 1
        if re.match(r"\s*else\b", body[stmt_end:]):
            continue  # an if/else: its branches decide together, read as one
        parts += [("rest", before), ("if", body[m.start() : stmt_end])]
        i = stmt_end
    parts.append(("rest", body[i:]))
    return parts


def _condition(stmt: str) -> tuple[str, str]:
    """An `if (...) ...` statement's condition and consequent."""
    start = stmt.find("(")
    if start < 0:
        return stmt, ""
    end = _balanced(stmt, start, "(", ")")
    return stmt[start + 1 : end - 1], stmt[end:]


@functools.lru_cache(maxsize=8192)
def _split_top(expr: str, op: str) -> tuple[str, ...]:
    """The operands of `expr` at its top-level `op` ("||" or "&&"; strings and brackets
    skipped); (expr,) when it has none. Memoised: a condition is split once for each action
    and session _values and _outsider_eval weigh it in (tens of thousands of calls a scan,
    benchmarks/bench_polkit.py)."""
    parts: list[str] = []
    depth, i, last = 0, 0, 0
    while i < len(expr):
        c = expr[i]
        if c in "\"'`":
            j = i + 1
            while j < len(expr) and expr[j] != c:
                j += 2 if expr[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and expr.startswith(op, i):
            parts.append(expr[last:i])
            last = i + 2
            i += 2
            continue
        i += 1
    parts.append(expr[last:])
    return tuple(parts)


_SP_ID = r"action\s*\.\s*id"
#: The action tests action_test reads, each as a whole operand of a condition: a comparison
#: with a literal, a String.prototype method (_METHOD), `/re/.test(action.id)`, a list's
#: indexOf/includes (_membership), each optionally behind a `!`.
_WHOLE_TESTS = tuple(
    re.compile(p)
    for p in (
        _SP_ID + r"\s*(?:===?|!==?)\s*" + _STR,
        _STR + r"\s*(?:===?|!==?)\s*" + _SP_ID,
        _REGEX + r"\s*\.\s*test\(\s*" + _SP_ID + r"\s*\)",
        _SP_ID + _METHOD.pattern,
        r"(?:"
        + _ARRAY
        + r"|[A-Za-z_$][\w$]*)\s*\.\s*(?:indexOf|includes)\(\s*"
        + _SP_ID
        + r"\s*\)\s*(?:(?:===?|!==?|>=?|<=?)\s*-?[0-9]+)?",
    )
)


def _whole_test(atom: str, action: str, scope: str) -> bool | None:
    """An operand that is one action test read whole (_WHOLE_TESTS): whether it holds for
    `action`; None for any other operand that uses action.id (unread)."""
    text = atom.strip()
    bare = re.sub(r"^!\s*", "", text)
    spots = list(_ID.finditer(bare))
    if len(spots) != 1 or not any(p.fullmatch(bare) for p in _WHOLE_TESTS):
        return None
    m = spots[0]
    found = _one_action_test(bare[: m.start()], bare[m.end() :], action, scope)
    if bare == text or found is None:
        return found
    if re.search(r"[=<>]", re.sub(r"""(["'])[^"']*\1""", "", bare)):
        return None  # `!a == b` is `(!a) == b` (ECMA-262 precedence): not read
    return not found


def _values(
    expr: str, action: str, scope: str, unread: list[str], fix: bool | None, outsider: bool = False
) -> set[bool]:
    """The values a condition can take for `action` (JavaScript's ||, && and ! over its
    operands): an action test read whole has one value, any other operand (a subject test)
    either; an unread action test (appended to `unread`) either, or `fix` when given. With
    `outsider`, subject tests are those of an account no test names (_outsider)."""
    e = expr.strip()
    for op in ("||", "&&"):
        parts = _split_top(e, op)
        if len(parts) > 1:  # the operands taken as independent: sound, exact for read ones
            vals = [_values(x, action, scope, unread, fix, outsider) for x in parts]
            some, every = any, all
            if op == "&&":
                some, every = all, any
            out = set()
            if some(True in v for v in vals):
                out.add(True)
            if every(False in v for v in vals):
                out.add(False)
            return out
    if e.startswith("(") and _balanced(e, 0, "(", ")") == len(e):
        return _values(e[1:-1], action, scope, unread, fix, outsider)
    if re.match(r"!\s*\(", e) and _balanced(e, e.index("("), "(", ")") == len(e):
        return {not v for v in _values(e[e.index("(") :], action, scope, unread, fix, outsider)}
    if not _ID.search(e):
        return _outsider(e) if outsider else {False, True}  # a subject test: either
    found = _whole_test(e, action, scope)
    if found is None:
        unread.append(e)
        return {False, True} if fix is None else {fix}
    return {found}


def _outsider(atom: str) -> set[bool]:
    """A condition operand without action.id for an account no subject test names:
    subject.local / subject.active hold (a local session), a positive group or user test is
    false, `!` negates; anything else either value."""
    text = atom.strip()
    if re.match(r"!\s*[^=]", text):
        return {not v for v in _outsider(text[1:])}
    if re.fullmatch(r"subject\s*\.\s*(?:local|active)(?:\s*===?\s*true)?", text):
        return {True}
    if re.fullmatch(r"subject\s*\.\s*isIn(?:Net)?Group\(\s*" + _STR + r"\s*\)", text):
        return {False}
    if re.fullmatch(r"subject\s*\.\s*user\s*===?\s*" + _STR, text) or re.fullmatch(
        _STR + r"\s*===?\s*subject\s*\.\s*user", text
    ):
        return {False}
    return {False, True}


def _applies(cond: str, action: str, scope: str) -> bool | None:
    """Whether an `if` condition can hold for `action` (for some subject): False when its
    action tests, read whole, make it false whatever the subject; None when that hinges on an
    action test hvaudit does not read; True otherwise. A test counts only where it decides:
    `subject.isInGroup("wheel") || action.id == "Y"` holds for every action (wheel's
    members), `LIST.indexOf(action.id) == -1 && ...` never for a listed action (HL19-6/7)."""
    unread: list[str] = []
    if True not in _values(cond, action, scope, unread, None):
        return False
    if not unread:
        return True
    sure = all(True in _values(cond, action, scope, [], fix) for fix in (False, True))
    if True in _values(cond, action, scope, [], True, True) - _values(
        cond, action, scope, [], False, True
    ):
        # `(<unread> || subject.isInGroup("g")) && subject.local`: where the unread test holds,
        # an account outside g passes too: not a grant to g alone (HL19-13)
        return None
    return True if sure else None


def _exits(stmt: str, action: str, scope: str) -> bool:
    """Whether a top-level `if` statement returns for `action` whatever the subject: its
    condition is true by action tests read whole and its consequent a bare `return`. The
    function's later statements are then never reached for it (JavaScript; polkit(8):
    returning null, polkit.Result.NOT_HANDLED, "will continue checking other rules", i.e. the
    next function)."""
    cond, consequent = _condition(stmt)
    if not re.fullmatch(r"\s*(?:\{\s*)?return\b[^;{}]*;?\s*\}?\s*", consequent):
        return False
    unread: list[str] = []
    return _values(cond, action, scope, unread, None) == {True} and not unread


_GRANTING = r"polkit\s*\.\s*Result\s*\.\s*(?:YES|AUTH_SELF(?:_KEEP)?)\b"


def function_grants(path: str, rule: str, action: str) -> list[Grant]:
    """Who an addRule() function lets through for `action` (_function_grants, memoised: a
    scan asks it of the same function for each libvirt action and each check that reads
    grants, and it is a pure function of the text)."""
    return list(_function_grants(path, rule, action))


@functools.lru_cache(maxsize=4096)
def _function_grants(path: str, rule: str, action: str) -> tuple[Grant, ...]:
    """Who an addRule() function lets through for `action`: each top-level `if` statement read
    on its own, in order, and the rest of the function for a granting return outside them. A
    condition is JavaScript (polkit(8), AUTHORIZATION RULES): `A || B` holds when either does,
    so each operand is read apart: one that takes the action and tests no subject
    (`action.id == "..." || subject.isInGroup("g")`) lets every account through (R11H-7), one
    that tests a subject and no action (`subject.isInGroup("wheel") || action.id == "Y"`) lets
    that subject through for every action (HL19-6). An operand is skipped only where its action
    tests, read whole, make it false (_applies): a list's `indexOf(action.id) == -1` with the
    action listed is "every other action" (HL19-7). A statement that returns for the action
    whatever the subject (`if (action.id != "X") return polkit.Result.NOT_HANDLED;` for any
    other action) ends the function: nothing after it is reached (_exits)."""
    out: list[Grant] = []
    rest: list[str] = []
    spots: list[int] = []
    at = rule.find("{") + 1
    for kind, text in _body_parts(rule):
        at += len(text)
        if kind == "rest":
            rest.append(text)
            spots += [at - len(text) + m.start() for m in re.finditer(r"\breturn\b", text)]
            continue
        if re.search(_GRANTING, text):
            out += _statement_grants(path, text, action, rule)
        if _exits(text, action, rule):
            break
    reached = "".join(rest)
    if re.search(_GRANTING, reached):
        out += _tested(path, rule, action, rule, reached, spots)
    return tuple(dict.fromkeys(out))


def _statement_grants(path: str, stmt: str, action: str, scope: str) -> list[Grant]:
    """The grants of one top-level `if` statement for `action`, each `||` operand of its
    condition read apart (function_grants)."""
    cond, consequent = _condition(stmt)
    inner = action_test(consequent, action, scope)
    if inner is False:
        return []
    out: list[Grant] = []
    for d in _split_top(cond, "||"):
        applies = _applies(d, action, scope)
        if applies is False:
            continue
        code = f"if ({d}){consequent}"
        found = rule_grants(path, code, action=action, scope=scope)
        if found and (applies is None or inner is None):
            out.append(unread_test(path, code))
        else:
            out += found
    return out


def _tested(
    path: str,
    code: str,
    action: str,
    scope: str = "",
    reached: str | None = None,
    spots: list[int] | None = None,
) -> list[Grant]:
    """The grants of `code` (rule_grants) where its action tests take `action`; one unresolved
    grant where they are unread (action_test None) and it grants anything. `reached`, when
    given, is the code whose action tests decide (the function's rest up to where it returns
    for the action, function_grants); the subject tests are read over `code`."""
    test = action_test(code if reached is None else reached, action, scope)
    if test is False:
        return []
    found = rule_grants(path, code, spots, action, scope)
    if test is None and found:
        return [unread_test(path, code)]
    return found


def unread_test(path: str, code: str) -> Grant:
    """A grant behind an action.id test hvaudit does not read (R18H-1), named by the test."""
    m = re.search(r"\baction\s*\.\s*id\b(?:\s*\.\s*\w+\s*\([^()]*\))?", code)
    test = re.sub(r"\s+", " ", m.group(0)).strip() if m else "action.id"
    return Grant(path, "unresolved", f"{path} ({_UNREAD_MARK}{test[:60]} not read)")


_UNREAD_MARK = "action test "


_PKLA_KINDS = ("resultany", "resultinactive", "resultactive")


def _pkla_everyone(files: dict[str, list[str]], action: str, roots: tuple[str, ...]) -> str:
    """The .pkla file whose entry finally grants `action` to an arbitrary account through a
    wildcard identity (`unix-group:*`, `unix-user:*`), "" when the last word is not a grant.

    polkit 0.105 src/polkitbackend/polkitbackendlocalauthority.c
    check_authorization_sync: "First lookup for all groups the user belong to", then the user
    itself (user_for_subject), each over the authorization stores (the localauthority subdirectories, in
    order: 10-vendor.d ... 90-mandatory.d) and a store's result replaces the one so far unless
    it is unknown; polkitbackendlocalauthorizationstore.c lookup: "keep going since subsequent
    authorization entries may modify the result", so a store's last matching entry counts.
    `roots` is the order of the two roots (/var/lib and /etc) for directories of one name."""
    stores: dict[tuple[str, int], list[tuple[str, list[str], dict[str, str], str]]] = {}
    for path in sorted(p for p in files if is_local_authority(p) and p.endswith(".pkla")):
        parts = path.split("/")
        if len(parts) < 3:
            continue
        root = next((i for i, r in enumerate(roots) if path.startswith(r)), len(roots))
        entries = stores.setdefault((parts[-2], root), [])
        for ident, actions, results in _pkla_entries(files[path]):
            if any(fnmatch.fnmatchcase(action, a) for a in actions):
                entries.append((ident, actions, results, path))
    final: dict[str, tuple[str, str]] = {}
    for phase in ("group", "user"):
        for key in sorted(stores):
            last = None
            for ident, _, results, path in stores[key]:
                names = [w.strip() for w in re.split(r"[;,\s]+", ident)]
                if f"unix-{phase}:*" in names:
                    last = (results, path)
            if last is None:
                continue
            for kind in _PKLA_KINDS:
                value = last[0].get(kind, "")
                if value:  # an unset result is unknown: the earlier answer stands
                    final[kind] = (value, last[1])
    granted = [path for value, path in final.values() if value in _PKLA_GRANTING]
    return granted[0] if granted else ""


#: polkit's result names: src/polkit/polkitimplicitauthorization.c
#: polkit_implicit_authorization_from_string compares with strcmp ("no", "auth_self",
#: "auth_admin", "auth_self_keep", "auth_admin_keep", "yes"; any other string: "Unknown
#: PolkitImplicitAuthorization string" and FALSE; read with `find_string`).
_PKLA_RESULTS = ("no", "auth_self", "auth_admin", "auth_self_keep", "auth_admin_keep", "yes")
_PKLA_KEYS = {
    "ResultAny": "resultany",
    "ResultInactive": "resultinactive",
    "ResultActive": "resultactive",
}


def _pkla_entries(lines: list[str]) -> Iterator[tuple[str, list[str], dict[str, str]]]:
    """(Identity, Action patterns, {resultany/resultinactive/resultactive: value}) of every
    entry of a .pkla file that polkit loads ("" unset), as polkit 0.105
    src/polkitbackend/polkitbackendlocalauthorizationstore.c reads it (read with `find_string`
    and `read_file`): each group of the GKeyFile is one entry (local_authorization_new), its
    keys looked up by their exact names, "Identity", "Action", "ResultAny", "ResultInactive",
    "ResultActive" (g_key_file_get_string_list / g_key_file_get_string: GKeyFile keys are
    case-sensitive), each result string parsed by polkit_implicit_authorization_from_string
    (exact lower-case names, _PKLA_RESULTS). An entry without Identity or Action, with none of
    the three results, or with a result polkit cannot parse (`ResultActive=YES`, "Cannot parse
    ResultActive string") is dropped whole: "Error parsing group ... in file ..." and the store
    goes on without it (polkit_backend_local_authorization_store_ensure). So such an entry
    neither grants nor takes a grant back (HL19-5). GKeyFile drops a value's leading blanks
    ("chugging leading whitespace"), not its trailing ones, so `ResultActive=no ` is no name
    polkit knows."""
    section: dict[str, str] | None = None
    for line in [*lines, "[end]"]:
        text = line.lstrip()
        if text.startswith("[") and section is not None:
            results = {low: section.get(key, "") for key, low in _PKLA_KEYS.items()}
            valid = (
                "Identity" in section
                and "Action" in section
                and any(k in section for k in _PKLA_KEYS)
                and all(section[k] in _PKLA_RESULTS for k in _PKLA_KEYS if k in section)
            )
            if valid:
                actions = [a.strip() for a in section["Action"].split(";") if a.strip()]
                yield section["Identity"], actions, results
        if text.startswith("["):
            section = {}
        elif section is not None and "=" in text and not text.startswith("#"):
            key, _, value = text.partition("=")
            section[key.rstrip()] = value.lstrip()


_PKLA_ROOTS = ("/var/lib/polkit-1/localauthority/", "/etc/polkit-1/localauthority/")


def _rules_order(path: str) -> tuple[str, str]:
    """Where polkit runs a .rules file: by file name, then by path for one name, /etc before
    /usr (polkit_backend_common_rules_file_name_cmp, read with `find_string`: g_strcmp0 of the
    base names, then of the paths: "/etc wins over /usr")."""
    return path.rsplit("/", 1)[-1], path


#: An `if` statement that refuses `org.libvirt.unix.manage` to every subject: the condition
#: tests the action id alone, the consequent returns NO or asks for an administrator.
_REFUSE_MANAGE = re.compile(
    r"""if\s*\(\s*action\s*\.\s*id\s*===?\s*(["'])org\.libvirt\.unix\.manage\1\s*\)\s*"""
    r"""(\{\s*)?return\s+polkit\s*\.\s*Result\s*\.\s*(?:NO|AUTH_ADMIN(?:_KEEP)?)\s*;?\s*\}?\s*"""
)
#: The rule through which polkit 0.106 and later consult the .pkla files (polkit-pkla-compat,
#: Debian's polkitd-pkla): it runs in its file name's turn among the .rules files.
PKLA_COMPAT = "49-polkit-pkla-compat.rules"


#: A refusal of `org.libvirt.unix.manage` to every subject outside one group or user (a gate):
#: `if (action.id == "org.libvirt.unix.manage" && !subject.isInGroup("G")) return NO;` (or
#: AUTH_ADMIN, or `subject.user != "u"`, the two tests in either order).
_GATE_IF = re.compile(
    r"""if\s*\((?P<cond>[^()]*(?:\([^()]*\)[^()]*)?)\)\s*(\{\s*)?"""
    r"""return\s+polkit\s*\.\s*Result\s*\.\s*(?:NO|AUTH_ADMIN(?:_KEEP)?)\s*;?\s*\}?\s*"""
)
_MANAGE_TEST = re.compile(r"""\s*action\s*\.\s*id\s*===?\s*(["'])org\.libvirt\.unix\.manage\1\s*""")
_NOT_IN_GROUP = re.compile(r"""\s*!\s*subject\s*\.\s*isInGroup\s*\(\s*(["'])([\w.-]+)\1\s*\)\s*""")
_NOT_USER = re.compile(r"""\s*subject\s*\.\s*user\s*!==?\s*(["'])([\w.-]+)\1\s*""")


def _first_statement(rule: str, stmt: str) -> bool:
    """Whether `stmt` opens the addRule() function's body: no statement before it can return
    first and leave it unreached."""
    return rule[rule.find("{") + 1 :].lstrip().startswith(stmt.strip())


def _gate(stmt: str) -> tuple[str, str] | None:
    """("group", G) or ("user", u) when `stmt` refuses org.libvirt.unix.manage to every subject
    outside group G (polkit(8) subject.isInGroup) or other than user u, else None."""
    m = _GATE_IF.fullmatch(stmt)
    parts = m.group("cond").split("&&") if m else []
    if len(parts) != 2:
        return None
    for test, other in (parts, parts[::-1]):
        if _MANAGE_TEST.fullmatch(test):
            if g := _NOT_IN_GROUP.fullmatch(other):
                return "group", g.group(2)
            if u := _NOT_USER.fullmatch(other):
                return "user", u.group(2)
    return None


def _gated_after(
    files: dict[str, list[str]], action: str
) -> tuple[tuple[str, str], str, str] | None:
    """The place (_rules_order) of the first .rules file whose addRule() function opens with a
    gate (_gate) on `action`, and the group or user it lets through, or None. polkit(8):
    "Returning a result is final", so a subject the gate refuses reaches no rule of a later
    file (nor the .pkla files behind PKLA_COMPAT): a later grant to every account reaches the
    gate's group or user only (HL15-4). Only `org.libvirt.unix.manage` is read so."""
    if action != "org.libvirt.unix.manage":
        return None
    for path, stmt in _opening_statements(files):
        if found := _gate(stmt):
            return _rules_order(path), found[0], found[1]
    return None


def _refused_after(files: dict[str, list[str]], action: str) -> tuple[str, str] | None:
    """The place (_rules_order) of the first .rules file with an addRule() function that
    refuses `action` to every subject (only `org.libvirt.unix.manage` is read so), or None.
    polkit(8): rules run in order "until one of them returns a value"; "Returning a result is
    final": no rule of a file after it, nor the .pkla files behind PKLA_COMPAT, is reached for
    that action. The file's own functions still count (read as a whole)."""
    if action != "org.libvirt.unix.manage":
        return None
    for path, stmt in _opening_statements(files):
        if _REFUSE_MANAGE.fullmatch(stmt):
            return _rules_order(path)
    return None


def _opening_statements(files: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """(path, statement) for the first statement of each addRule() function, the .rules files
    in the order polkit runs them (_rules_order; the local authority's compat rule left out):
    a refusal or gate counts only where it opens its function, since a statement before it may
    return first (HL15-5)."""
    for path in sorted((p for p in files if p.endswith(".rules")), key=_rules_order):
        if is_local_authority(path):
            continue
        code = js_without_comments("\n".join(files[path]))
        for rule in rule_functions(code):
            stmts = branches(rule)[0]
            if stmts and _first_statement(rule, stmts[0]):
                yield path, stmts[0]


def _after(path: str, place: tuple[str, str]) -> bool:
    """Whether polkit reaches `path` only after the .rules file at `place` (_rules_order): a
    later .rules file, or a .pkla file when `place` sorts before PKLA_COMPAT."""
    if is_local_authority(path):
        return place[0] < PKLA_COMPAT
    return _rules_order(path) > place


def grants(files: dict[str, list[str]], action: str) -> list[Grant]:
    """Every grant of `action` (YES or AUTH_SELF, no administrator needed) in the probe's files:
    addRule() functions of .rules files and .pkla sections whose Action globs match it. A .pkla
    grant to every account (`unix-user:*`, `unix-group:*`) counts only where no later entry for
    every account takes it back (_pkla_everyone; of two same-named directories under the two
    roots, whose order is not read, either order granting counts). Grants in files polkit runs
    after a rule that refuses the action to everyone are never reached (_refused_after); past a
    rule that refuses it to all but one group or user, a grant to every account reaches that
    group or user only (_gated_after)."""
    out: list[Grant] = []
    everyone = {_pkla_everyone(files, action, r) for r in (_PKLA_ROOTS, _PKLA_ROOTS[::-1])}
    everyone.discard("")
    cut = _refused_after(files, action)
    gate = _gated_after(files, action)
    for path, lines in files.items():
        if cut is not None and _after(path, cut):
            continue
        if is_local_authority(path):
            if path.endswith(".pkla"):
                for ident, actions, granted in pkla_sections(lines):
                    if granted and any(fnmatch.fnmatchcase(action, a) for a in actions):
                        out += [
                            g
                            for g in _identities(path, ident)
                            if g.name != EVERYONE or path in everyone
                        ]
            continue
        if not path.endswith(".rules"):
            continue  # load_scripts takes only names ending in .rules (a .rules.bak is inert)
        code = js_without_comments("\n".join(lines))
        for rule in rule_functions(code):
            out += function_grants(path, rule, action)
    if gate is not None and (cut is None or gate[0] < cut):
        # past the gate only its group or user is let through: a grant to every account there
        # is a grant to them (any other grant is kept whole: at least who passes)
        out = [
            Grant(g.path, gate[1], gate[2]) if g.name == EVERYONE and _after(g.path, gate[0]) else g
            for g in out
        ]
    return out


def admin_identities(files: dict[str, list[str]]) -> list[Grant]:
    """The identities administrator authentication accepts besides root: those every
    addAdminRule() function returns (string literals "unix-group:G", "unix-user:U"), and the
    AdminIdentities of the last localauthority.conf.d/*.conf file that sets it (pklocalauthority
    (8): files are read in name order and later ones override earlier ones)."""
    out: list[Grant] = []
    for path, lines in files.items():
        if is_local_authority(path) or not path.endswith(".rules"):
            continue
        code = js_without_comments("\n".join(lines))
        for rule in rule_functions(code, "addAdminRule"):
            if rule.startswith(_UNREAD_ADMIN):
                # polkit registers whatever function polkit.addAdminRule is called with (its
                # src/polkitbackend/init.js: `polkit.addAdminRule = function(callback)
                # {this._adminRuleFuncs.push(callback);};`) and takes the identities it
                # returns (polkit(8)): one hvaudit does not see is asked (R52A-4)
                why = f"{path} (an addAdminRule() function hvaudit does not read)"
                out.append(Grant(path, "unresolved", why))
            for literal in re.findall(
                r"""["'](unix-(?:group|user|netgroup):[^"']+)["'](?!\s*\+)""", rule
            ):
                out += _identities(path, literal)
            out += _built_identities(path, rule, files)
    confs = sorted(
        (p.rsplit("/", 1)[-1], p)
        for p in files
        if "/polkit-1/localauthority.conf.d/" in p and p.endswith(".conf")
    )
    last: list[Grant] = []
    for _, path in confs:
        for line in files[path]:
            key, eq, value = line.strip().partition("=")
            if eq and key.strip() == "AdminIdentities":
                last = _identities(path, value)
    out += last
    return [g for g in out if not (g.kind == "user" and g.name in ("0", "root"))]


_BUILT = re.compile(r"""["']unix-(group|user|netgroup):([^"'\n]*)["']\s*\+\s*([\w$.]+)""")


def _built_identities(path: str, rule: str, files: dict[str, list[str]]) -> list[Grant]:
    """The identities an addAdminRule() function builds at run time (`"unix-group:" + g`,
    `"unix-user:" + subject.user`): polkit(8) takes whatever strings the function returns.
    openSUSE's 50-default.rules (read with `search`): `for (var i in polkit._suse_admin_groups)
    { var g = polkit._suse_admin_groups[i]; if (subject.isInGroup(g)) return ["unix-user:" +
    subject.user]; rules.push("unix-group:" + g); }`: the members of every group in the list are
    administrators (each with their own password). That idiom is read where every assignment of
    the list in the rules files is an array of string literals (or a `.push` of one); `"unix-user:"
    + subject.user` in a function that tests nothing makes every account its own administrator
    (EVERYONE); any other built identity is unresolved (R24A-3)."""
    built = _BUILT.findall(rule)
    if not built:
        return []
    loop = re.search(r"\bfor\s*\(\s*(?:var|let|const)?\s*(\w+)\s+in\s+([\w$.]+)\s*\)", rule)
    items = _literal_list(loop.group(2), files) if loop else None
    out: list[Grant] = []
    unread: list[str] = []
    for kind, prefix, expr in built:
        bound = loop is not None and re.search(
            r"\b(?:var|let|const)\s+"
            + re.escape(expr)
            + r"\s*=\s*"
            + re.escape(loop.group(2))
            + r"\s*\[\s*"
            + re.escape(loop.group(1))
            + r"\s*\]",
            rule,
        )
        in_loop_user = (
            loop is not None
            and kind == "user"
            and not prefix
            and re.fullmatch(r"subject\s*\.\s*user", expr)
            and rule.find("unix-user:", loop.start()) > loop.start()
        )
        if items is not None and not prefix and ((kind == "group" and bound) or in_loop_user):
            out += [Grant(path, "group", g) for g in items]
        elif (
            kind == "user"
            and not prefix
            and re.fullmatch(r"subject\s*\.\s*user", expr)
            and not re.search(r"\b(?:if|for|while|switch)\b|\?", _code_only(rule))
        ):
            out.append(Grant(path, "user", EVERYONE))
        else:
            unread.append(f'"unix-{kind}:{prefix}" + {expr}')
    if unread:
        out.append(
            Grant(path, "unresolved", f"{path} (administrator identity {', '.join(unread)})")
        )
    return list(dict.fromkeys(out))


def _literal_list(name: str, files: dict[str, list[str]]) -> list[str] | None:
    """The strings every assignment of `name` in the .rules files gives it (`name = ["a",
    "b"];` and `name.push("c")`), all of them together; None where one is of another shape."""
    items: list[str] = []
    seen = False
    for path, lines in files.items():
        if is_local_authority(path) or not path.endswith(".rules"):
            continue
        code = js_without_comments("\n".join(lines))
        for m in re.finditer(r"(?<![\w$.])" + re.escape(name) + r"\s*(=(?!=)|\.\s*\w+\s*\()", code):
            seen = True
            rest = code[m.end() :]
            if m.group(1).startswith("="):
                lit = re.match(r"\s*" + _ARRAY + r"\s*;", rest)
            elif re.match(r"\.\s*push\s*\(", m.group(1)):
                lit = re.match(r"\s*((?:[\"'][^\"'\n]*[\"']\s*,?\s*)*)\)", rest)
            else:
                lit = None
            if lit is None:
                return None
            items += re.findall(r"""["']([^"'\n]*)["']""", lit.group(1))
    return list(dict.fromkeys(items)) if seen else None


#: The actions of libvirt's per-VM API: src/access/viraccessperm.c virAccessPermDomain's names,
#: as viraccessdriverpolkit.c virAccessDriverPolkitFormatAction makes them polkit action ids
#: ("org.libvirt.api" + "." + type + "." + permission, every '_' turned into '-'). Each is asked,
#: since a test may take some and not others (`endsWith(".write")`, R18H-5).
DOMAIN_ACTIONS = tuple(
    f"org.libvirt.api.domain.{perm}"
    for perm in [
        "getattr",
        "read",
        "write",
        "read-secure",
        "start",
        "stop",
        "reset",
        "save",
        "delete",
        "migrate",
        "checkpoint",
        "snapshot",
        "suspend",
        "hibernate",
        "core-dump",
        "pm-control",
        "init-control",
        "inject-nmi",
        "send-input",
        "send-signal",
        "fs-trim",
        "fs-freeze",
        "block-read",
        "block-write",
        "mem-read",
        "open-graphics",
        "open-device",
        "screenshot",
        "open-namespace",
        "set-time",
        "set-password",
    ]
)


def covers_domain_actions(rule: str) -> bool | None:
    """Whether an addRule() function answers for some org.libvirt.api.domain.* action: True for
    no action test, a literal domain action id, or a test taking one of DOMAIN_ACTIONS; None
    when no test takes one but one is of a shape hvaudit does not read (action_test None: it
    may take them, R18H-5); False when every test is read and none does."""
    answers = set()
    for a in DOMAIN_ACTIONS:
        found = function_grants("", rule, a)
        unread = [g for g in found if _UNREAD_MARK in g.name]
        answers.add(True if len(unread) < len(found) else (None if found else False))
    if True in answers:
        return True
    return None if None in answers else False


#: Where polkitd reads the actions' declarations (polkit(8), DECLARING ACTIONS: "Actions are
#: declared by dropping XML files into the /usr/share/polkit-1/actions directory").
ACTIONS_DIR = "/usr/share/polkit-1/actions"
#: Implicit authorizations that let a subject through without an administrator: `yes`, and
#: `auth_self`/`auth_self_keep` (the subject's own password only).
_DEFAULT_GRANTING = ("yes", "auth_self", "auth_self_keep")
_ACTION_TOKEN = re.compile(
    r"<action\b|\bid\s*=\s*[\"']([^\"']+)[\"']|<allow_(any|inactive|active)>\s*([A-Za-z_]+)\s*<"
    r"|<annotate\s+key\s*=\s*[\"'](org\.freedesktop\.policykit\.exec\.path)[\"']\s*>\s*([^<\s]+)"
)
#: The annotation naming the program pkexec runs under an action (polkit's pkexec.c
#: find_action_for_path).
EXEC_PATH = "org.freedesktop.policykit.exec.path"


def action_defaults(files: dict[str, list[str]]) -> dict[str, tuple[str, dict[str, str]]]:
    """Each declared action's implicit authorizations, read from the lines of its .policy file
    that `grep -E '<action|[[:space:]]id=|<allow_'` keeps: action id -> (file, {"any" |
    "inactive" | "active": value}). polkit(8) DECLARING ACTIONS: each `<action id="...">` has a
    `<defaults>` element whose allow_any, allow_inactive and allow_active are the implicit
    authorizations for any subject, for a subject in an inactive local session and for one in an
    active local session (the polkit ActionDescription implicit_any, implicit_inactive,
    implicit_active), used where no rule returns a result. Where an action is declared twice,
    the last file read holds."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for path, lines in files.items():
        current: str | None = None
        pending = False
        for m in _ACTION_TOKEN.finditer("\n".join(lines)):
            if m.group(0).startswith("<action"):
                pending, current = True, None
            elif m.group(1) is not None:
                if pending:
                    current, pending = m.group(1), False
                    out[current] = (path, {})
            elif current is not None and m.group(4) is not None:
                out[current][1][EXEC_PATH] = m.group(5)
            elif current is not None:
                out[current][1][m.group(2)] = m.group(3)
    return out


def exec_actions(files: dict[str, list[str]]) -> dict[str, str]:
    """Action id -> program for each declared action annotated with
    org.freedesktop.policykit.exec.path. polkit's src/programs/pkexec.c find_action_for_path
    (freedesktop/polkit, found with `find_string`) enumerates the actions and, where one's
    exec.path annotation names the program pkexec was asked to run, checks that action instead
    of org.freedesktop.policykit.exec; whoever it authorizes runs that program as root."""
    return {
        action: defaults[EXEC_PATH]
        for action, (_, defaults) in action_defaults(files).items()
        if EXEC_PATH in defaults
    }


def default_grants(files: dict[str, list[str]], action: str) -> list[tuple[str, str, str]]:
    """(file, kind, value) for each implicit authorization of `action` that lets a subject
    through without an administrator (yes, auth_self, auth_self_keep): an edited or vendor
    .policy file (`<allow_any>yes</allow_any>`) grants the action to every subject no rule
    answers for (any: every local account; inactive and active: every account logged in at
    the host's console)."""
    path, defaults = action_defaults(files).get(action, ("", {}))
    return [
        (path, kind, value)
        for kind, value in sorted(defaults.items())
        if kind != EXEC_PATH and value.lower() in _DEFAULT_GRANTING
    ]
