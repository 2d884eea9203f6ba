"""sshd's PAM auth stack, read and evaluated the way Linux-PAM runs it.

Whether a password or keyboard-interactive login needs a second factor is a property of the whole
auth stack, not of one line: a `sufficient` module before the OTP module ends the stack early, a
jump can skip it, `optional` never fails the login, and an option such as `nullok` lets the module
step aside for users without a token. So the stack is parsed into rules (with `include` inlined
and `substack` kept as one nested unit) and evaluated with the control semantics of pam.conf(5):

- `required` = [success=ok new_authtok_reqd=ok ignore=ignore default=bad]
- `requisite` = [success=ok new_authtok_reqd=ok ignore=ignore default=die]
- `sufficient` = [success=done new_authtok_reqd=done default=ignore]
- `optional` = [success=ok new_authtok_reqd=ok default=ignore]
- a return code with no action of its own and no `default=` gets `bad`;
- `ok` records success unless a failure was recorded, `done` is `ok` and ends the stack unless a
  failure was recorded, `bad` records a failure, `die` records it and ends the stack, `reset`
  forgets the state, `N` skips N rules; a stack that recorded nothing fails;
- `done`/`die` inside a substack end only the substack, and a jump counts it as one rule.

A factor is *required* when no run of the stack reaches success while every module of that factor
fails, every other module being free to succeed or fail (an unknown module is assumed to be able
to do either; pam_permit always succeeds, pam_deny always fails). This over-approximates what an
attacker can do, so it can only err towards "not required" (a fail), never towards a false pass.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cache

from hvaudit.textsafe import digits

__all__ = [
    "KNOWLEDGE_MODULES",
    "MODULE_UNKNOWN",
    "OTP_MODULES",
    "PamRule",
    "Stack",
    "can_succeed",
    "missing_tolerated",
    "parse_stack",
    "required_factors",
    "succeeds_when_missing",
    "succeeds_with_only",
    "succeeds_without",
]

OTP_MODULES = (
    "pam_u2f",
    "pam_google_authenticator",
    "pam_oath",
    "pam_duo",
    "pam_radius_auth",
    "pam_yubico",
    "pam_oauth2_device",
)
"""PAM modules that ask for a second factor (a one-time code or a token). pam_sss_gss is not one:
it accepts a Kerberos ticket the client already holds (sssd's pam_sss_gss(8)), a single factor."""
KNOWLEDGE_MODULES = (
    "pam_unix",
    "pam_unix2",
    "pam_sss",
    "pam_ldap",
    "pam_krb5",
    "pam_winbind",
    "pam_userdb",
    "pam_pwdb",
    "pam_systemd_home",
)
"""PAM modules that check a password (something the user knows)."""
#: Module options under which the module steps aside for a user without a token:
#: pam_google_authenticator `nullok` returns PAM_IGNORE for a user with no secret file, pam_u2f
#: `nouserok` succeeds for a user with no registered key (their man pages / READMEs), pam_yubico
#: `nullok` does not fail a user with no token declared in its mapping files or LDAP (yubico-pam
#: README module arguments; Yubico/yubico-pam#119: implemented in OTP mode, found with `search`),
#: pam_radius_auth `localifdown` returns PAM_IGNORE when the RADIUS server cannot be reached
#: ("continue down the stack regardless of the control flag", FreeRADIUS pam_radius USAGE).
BYPASS_OPTIONS = {
    "pam_google_authenticator": ("nullok",),
    "pam_u2f": ("nouserok",),
    "pam_yubico": ("nullok",),
    "pam_radius_auth": ("localifdown",),
}

#: The return codes a module can give, as pam.conf(5) names them (success, ignore, and the
#: failures an authentication module returns).
SUCCESS, IGNORE = "success", "ignore"
FAILURES = (
    "auth_err",
    "cred_insufficient",
    "authinfo_unavail",
    "user_unknown",
    "maxtries",
    "perm_denied",
    "system_err",
    "service_err",
    "conv_err",
    "abort",
    "try_again",
)
#: The code libpam gives a rule whose module it could not load (Linux-PAM libpam/pam_dispatch.c
#: _pam_dispatch_aux: `h->func == NULL` -> PAM_MODULE_UNKNOWN, read with `find_string`), a module
#: missing from the system among them. A `-` before the type changes nothing but the log
#: (pam_handlers.c: `-` sets PAM_HT_SILENT_MODULE, for which _pam_load_module skips its
#: pam_syslog; pam.conf(5): "will not log to the system log"): the control decides, so
#: `-auth required pam_u2f.so` fails closed without the module (bad), while a control giving
#: module_unknown an action of its own (`[success=ok module_unknown=ignore default=die]`) lets
#: the stack go on without it (HL16-2). No factor module returns it once loaded.
MODULE_UNKNOWN = "module_unknown"
SIMPLE_CONTROLS = {
    "required": {"success": "ok", "new_authtok_reqd": "ok", "ignore": "ignore", "default": "bad"},
    "requisite": {"success": "ok", "new_authtok_reqd": "ok", "ignore": "ignore", "default": "die"},
    "sufficient": {"success": "done", "new_authtok_reqd": "done", "default": "ignore"},
    "optional": {"success": "ok", "new_authtok_reqd": "ok", "default": "ignore"},
}


@dataclass(frozen=True, slots=True)
class PamRule:
    """One `auth` line: its control (as written), module name (no path, no .so) and options."""

    control: str
    module: str
    options: tuple[str, ...] = ()

    @property
    def actions(self) -> dict[str, str]:
        """return code -> action, with `default` always present (pam.conf(5): bad)."""
        if self.control in SIMPLE_CONTROLS:
            return SIMPLE_CONTROLS[self.control]
        pairs = dict(kv.split("=", 1) for kv in self.control.strip("[]").split() if "=" in kv)
        pairs.setdefault("default", "bad")
        return {k.lower(): v.lower() for k, v in pairs.items()}

    @property
    def bypass(self) -> str | None:
        """The option under which the module steps aside for a user without a token."""
        for opt in BYPASS_OPTIONS.get(self.module, ()):
            if opt in self.options:
                return opt
        return None

    def describe(self) -> str:
        """`pam_u2f (optional)`, `pam_google_authenticator (required, nullok)`."""
        extra = f", {self.bypass}" if self.bypass else ""
        return f"{self.module} ({self.control}{extra})"


@dataclass(frozen=True, slots=True)
class Stack:
    """A (sub)stack: rules and nested substacks in order."""

    items: tuple[PamRule | Stack, ...]

    def rules(self) -> Iterable[PamRule]:
        """Every rule, substacks included, in order."""
        for item in self.items:
            if isinstance(item, Stack):
                yield from item.rules()
            else:
                yield item


_LINE = re.compile(r"^-?auth\s+(\[[^\]]*\]|\S+)\s+(\S+)(.*)$", re.IGNORECASE)


def logical_lines(text: str) -> list[str]:
    """A PAM file's lines as libpam reads them (libpam/pam_handlers.c _pam_assemble_line):
    a line whose last non-blank character is a backslash is joined with the next one (the
    backslash becoming a blank); a '#' starts a comment that ends the line, and a line cut by a
    comment never continues ("the line has been read": the loop breaks before looking for a
    trailing backslash)."""
    out: list[str] = []
    held = ""
    for raw in text.splitlines():
        line, comment, _ = raw.partition("#")
        line = line.rstrip()
        if line.endswith("\\") and not comment:
            held += line[:-1] + " "
            continue
        out.append((held + line).strip())
        held = ""
    if held.strip():
        out.append(held.strip())
    return out


def pam_tokens(text: str) -> list[str]:
    """A rule's module path and arguments as libpam splits them (libpam/pam_misc.c
    _pam_tokenize, read with `find_string`): words between blanks, except that a word beginning
    with '[' runs to the first ']' not preceded by a backslash and is kept without its brackets
    ("this string is stripped of its edges"; `\\]` becomes `]`), so `[nouserok]` is the
    argument nouserok and `[cue nouserok]` the single argument "cue nouserok" (pam.conf(5):
    "surround that argument with square brackets"). R15H-1."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\n":
            i += 1
        if i >= n:
            break
        if text[i] == "[":
            i += 1
            word: list[str] = []
            while i < n and text[i] != "]":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "]":
                    i += 1
                word.append(text[i])
                i += 1
            out.append("".join(word))
            i += 1
        else:
            j = i
            while j < n and text[j] not in " \t\n":
                j += 1
            out.append(text[i:j])
            i = j
    return out


PAM_D = "/etc/pam.d"


def include_name(target: str) -> str:
    """The file an include, substack or @include of `target` reads, as a key of the collected
    texts: the file name for a file of /etc/pam.d, the full path for any other. Linux-PAM's
    libpam/pam_handlers.c _pam_load_conf_file opens the target with _pam_open_config_file,
    which opens an absolute path (`service[0] == '/'`) as it is and a relative name as
    PAM_CONFIG_DF (/etc/pam.d/NAME; then PAM_CONFIG_DIST_DF, /usr/lib/pam.d/NAME, never
    collected), so `include /opt/pam/common-auth` is not /etc/pam.d/common-auth and
    `include ../x` is /etc/x (R45A-2)."""
    path = posixpath.normpath(target if target.startswith("/") else f"{PAM_D}/{target}")
    head, name = posixpath.split(path)
    return name if head == PAM_D else path


def parse_stack(texts: dict[str, str], name: str, depth: int = 0) -> Stack:
    """The `auth` rules of PAM service file `name` (a key of `texts`: file name -> text), with
    `@include` and `include` inlined and `substack` nested. A file not in `texts` adds nothing."""
    items: list[PamRule | Stack] = []
    if depth > 8 or name not in texts:
        return Stack(())
    for line in logical_lines(texts[name]):
        if line.startswith("@include"):
            items.extend(parse_stack(texts, include_name(line.split()[-1]), depth + 1).items)
            continue
        m = _LINE.match(line)
        if not m:
            continue
        control = m.group(1).lower() if not m.group(1).startswith("[") else m.group(1)
        words = pam_tokens(f"{m.group(2)}{m.group(3)}")
        module = words[0].rsplit("/", 1)[-1].removesuffix(".so") if words else ""
        if control == "include":
            items.extend(parse_stack(texts, include_name(words[0]), depth + 1).items)
        elif control == "substack":
            items.append(parse_stack(texts, include_name(words[0]), depth + 1))
        else:
            items.append(PamRule(control, module, tuple(words[1:])))
    return Stack(tuple(items))


#: Files an include brings in that hold no auth lines on a stock system (read when collected:
#: then their own lines count; assumed only when the file was not read) (Debian's account,
#: session and password stacks; RHEL/Fedora authselect's postlogin, session lines only), so not
#: reading them leaves the auth stack whole.
NON_AUTH_INCLUDES = (
    "common-account",
    "common-session",
    "common-session-noninteractive",
    "common-password",
    "postlogin",
)


def unread_auth_files(
    texts: dict[str, str], name: str, depth: int = 0, absent: Collection[str] = ()
) -> list[str]:
    """The files an auth stack pulls in (`auth include X`, `auth substack X`, `@include X`) that
    are not in `texts`: their auth rules are unknown (pam.conf(5) include / substack). A
    NON_AUTH_INCLUDES name is assumed authless where it was not collected, but not where it is
    in `absent`, shown to be in neither /etc/pam.d nor /usr/lib/pam.d: libpam then reads the
    vendor directory's file where it is built with one (pam_handlers.c _pam_open_config_file,
    PAM_CONFIG_DIST2_DF), else installs a rule that fails every run (_pam_parse_conf_file: an
    include _pam_load_conf_file cannot open becomes PAM_HT_MUST_FAIL), so the name's auth
    rules are unknown (R52A-3)."""
    if depth > 8 or name not in texts:
        return []
    out: list[str] = []
    for line in logical_lines(texts[name]):
        target = ""
        if line.startswith("@include"):
            target = include_name(line.split()[-1])
            if target in NON_AUTH_INCLUDES and target not in texts and target not in absent:
                continue
        else:
            m = _LINE.match(line)
            control = m.group(1).lower() if m and not m.group(1).startswith("[") else ""
            if m and control in ("include", "substack"):
                target = include_name(m.group(2))
                if target in NON_AUTH_INCLUDES and target not in texts and target not in absent:
                    continue
        if target:
            out += (
                [target]
                if target not in texts
                else unread_auth_files(texts, target, depth + 1, absent)
            )
    return list(dict.fromkeys(out))


Outcomes = Callable[[PamRule], tuple[str, ...]]


def can_succeed(stack: Stack, results: Outcomes) -> bool:
    """Whether some run of `stack` ends in success, each rule returning any of `results(rule)`."""

    @cache
    def run(sub: Stack, start: str) -> frozenset[str]:
        """The states (`unset`, `ok`, `bad`) a run of `sub` can end in, entered in `start`."""
        ends: set[str] = set()
        todo = [(0, start)]
        seen: set[tuple[int, str]] = set()
        while todo:
            i, state = todo.pop()
            if (i, state) in seen:
                continue
            seen.add((i, state))
            if i >= len(sub.items):
                ends.add(state)
                continue
            item = sub.items[i]
            if isinstance(item, Stack):
                todo.extend((i + 1, s) for s in run(item, state))
                continue
            actions = item.actions
            for code in results(item):
                action = actions.get(code, actions["default"])
                if digits(action) and int(action) > 0:
                    todo.append((i + 1 + int(action), state))
                elif action in ("ok", "done"):
                    new = state if state == "bad" else "ok"
                    if action == "done" and new == "ok":
                        ends.add(new)
                    else:
                        todo.append((i + 1, new))
                elif action in ("bad", "die"):
                    if action == "die":
                        ends.add("bad")
                    else:
                        todo.append((i + 1, "bad"))
                elif action == "reset":
                    todo.append((i + 1, start))
                else:  # ignore (and 0, which pam.conf(5) treats as ignore)
                    todo.append((i + 1, state))
        return frozenset(ends)

    return "ok" in run(stack, "unset")


def _free(rule: PamRule) -> tuple[str, ...]:
    if rule.module == "pam_permit":
        return (SUCCESS,)
    if rule.module == "pam_deny":
        return FAILURES
    return (SUCCESS, IGNORE, *FAILURES)


def required_factors(stack: Stack) -> dict[str, tuple[PamRule, ...]] | None:
    """factor ("knowledge", "otp") -> the rules that supply it, for each factor the stack cannot
    succeed without; None when the stack cannot succeed at all (the method never logs in)."""
    if not can_succeed(stack, _free):
        return None
    groups = {"knowledge": KNOWLEDGE_MODULES, "otp": OTP_MODULES}
    out: dict[str, tuple[PamRule, ...]] = {}
    for factor, modules in groups.items():
        # A module that steps aside for users without a token supplies nothing for them.
        members = tuple(r for r in stack.rules() if r.module in modules and not r.bypass)
        if not members:
            continue

        def forced(rule: PamRule, members: tuple[PamRule, ...] = members) -> tuple[str, ...]:
            return FAILURES if rule in members else _free(rule)

        if not can_succeed(stack, forced):
            out[factor] = members
    return out


def succeeds_with_only(stack: Stack, kinds: frozenset[str]) -> bool:
    """Whether some run of `stack` succeeds while every factor module of a kind outside `kinds`
    ("knowledge", "otp") fails: a way through it that proves no factor but those. A module that
    steps aside for users without a token (`bypass`) supplies nothing and may return anything.
    With `required_factors` a kind must hold on every path; this finds a path with none of the
    others, so `auth sufficient pam_unix` then `auth required pam_u2f` is no path without a
    factor: a password or a token on each (pam.conf(5) sufficient, R9H-2)."""
    groups = {"knowledge": KNOWLEDGE_MODULES, "otp": OTP_MODULES}
    failing = tuple(
        r
        for r in stack.rules()
        if not r.bypass and any(r.module in m for k, m in groups.items() if k not in kinds)
    )

    def forced(rule: PamRule) -> tuple[str, ...]:
        return FAILURES if rule in failing else _free(rule)

    return can_succeed(stack, forced)


def succeeds_without(stack: Stack, modules: frozenset[str]) -> bool:
    """Whether some run of `stack` succeeds while every rule of `modules` fails (a rule that
    steps aside for users without a token, `bypass`, may still return anything): the stack does
    not need those modules on every run. With two OTP modules, a run that passes with the one
    hvaudit can judge failing rests on the other (pam.conf(5) control values)."""
    failing = tuple(r for r in stack.rules() if not r.bypass and r.module in modules)

    def forced(rule: PamRule) -> tuple[str, ...]:
        return FAILURES if rule in failing else _free(rule)

    return can_succeed(stack, forced)


def missing_tolerated(stack: Stack) -> tuple[PamRule, ...]:
    """The OTP rules whose control gives module_unknown, the code of a module libpam could not
    load, an action other than bad or die: where that module is not installed, the stack goes
    on without it (HL16-2; MODULE_UNKNOWN)."""
    return tuple(
        r
        for r in stack.rules()
        if r.module in OTP_MODULES
        and not r.bypass
        and r.control not in SIMPLE_CONTROLS
        and r.actions.get(MODULE_UNKNOWN, "bad") not in ("bad", "die")
    )


def succeeds_when_missing(stack: Stack, missing: Iterable[PamRule]) -> bool:
    """Whether some run of `stack` succeeds with the modules of `missing` not installed (each
    such rule returns module_unknown) and every other OTP module failing: a way in without a
    second factor on a host that lacks them."""
    absent = tuple(missing)
    others = tuple(r for r in stack.rules() if r.module in OTP_MODULES and not r.bypass)

    def forced(rule: PamRule) -> tuple[str, ...]:
        if rule in absent:
            return (MODULE_UNKNOWN,)
        return FAILURES if rule in others else _free(rule)

    return can_succeed(stack, forced)
