"""Twenty-first red-team review, host side (rt21host): HVA-202's chronyd sources and polkit
JavaScript rules' subject tests.

Harness: conftest's hardened Debian host replayed through the real collector, parser and engine
(host_scan). chrony: the chrony-conf probe answered by the real grep over files written under a
scratch root (test_leads19d.chrony_probe), chronyd's ps line changed where a probe says so.
polkit: one more rules file, /etc/polkit-1/rules.d/60-local.rules, beside the hardened host's
rules (test_host_leads15's POLKIT, _rule, _if, as test_host_leads19d does). Each test asserts
the exact status and message.

Findings (ID-n):
- R21H-1 (false pass) HVA-202 passed "chronyd running" on NTPSynchronized=yes where chronyd's
  sources could not be read: an `include`, `confdir` or `sourcedir` outside the collected
  paths, chronyd -f naming a file not collected, neither default main file present, or no
  source line in the files read (chronyc(1) "add server ... allows a new NTP server to be
  added whilst chronyd is running": such a source is in no file). The sync status says that a
  source steers the clock, not that it is outside the host: L19-1D asks where every source is
  on the host (chronyd's own address answered by another daemon, a PHC, SOCK, SHM refclock),
  and unknown sources may be those. Now a question ("Which time source steers chronyd on host
  hv1, and is it outside the host?", `chronyc -n tracking`). A bundle without the chrony-conf
  probe keeps the old pass; NTPSynchronized=no still fails first. test_leads19d's held cases
  for these (pass) are now this question.
- R21H-2 (false pass) HVA-132 / HVA-142 (and HVA-131): polkit grants behind a subject test
  that is not a plain positive one were read as grants to the groups and users the tests name:
  `subject.isInGroup("libvirt") || subject.user != "nobody"`, `subject.user != "root" &&
  subject.isInGroup("libvirt") == false`, `if (subject.isInGroup("banned")) return NO; if
  (!subject.isInGroup("guests")) return YES;`, `return subject.isInGroup("admins") ?
  AUTH_ADMIN : YES` (and `!subject.isInGroup("libvirt") ? YES : NO`), `if (subject.user !=
  "root" && subject.isInGroup("x")) return NO; return YES;`, `subject.isInGroup("nobody") ==
  false` refusing, `subject.isInGroup("libvirt") || !subject.local` (every account in a
  remote session): each lets through every account no test names, yet HVA-132 passed
  "auth_unix_rw = polkit" (HVA-142 passed or asked about the named groups). polkit(8),
  AUTHORIZATION RULES: the functions are ECMA-262 code run until one returns a value, so `!`,
  `!=` and `== false` negate and `C ? A : B` returns A where C holds (read with
  `find_string`, as HL19-12 did). Now polkit._outsider_reaches runs the conditions for an
  account no subject test names, in a local and a remote session: the grant reaches it
  (EVERYONE: HVA-132 fails "every local user controls every VM", HVA-142 counts ALL), it does
  not (the old reading), or that is not read (a result kept in a variable, `var r =
  polkit.Result.YES; ... return r;`, was read as a grant to the tests' groups: now an
  unresolved grant, a question). Its twins (wrong fail): `action.id == M &&
  subject.isInGroup("libvirt") && !subject.isInGroup("contractors")` failed HVA-132 "every
  local user" (a `!` before isInGroup with no Result.NO was read as "everyone but x"), and
  `if (subject.isInGroup("nobody") == false) return NO; return YES;` (nobody's members only)
  failed the same way (HL19-12's reading took the test as positive); now both pass HVA-132 as
  group grants (HVA-142 asks about %contractors / %nobody).
- R21H-3 (false pass) HVA-202: chronyd with configuration directives on its command line
  (`chronyd -F 1 server 127.0.0.1`) reads no file: chrony main.c (mlichvar/chrony 8f2db83,
  read with `fetch`; since 3edd3fe "main: support configuration commands on command line",
  chrony 1.30) `if (!config_args) CNF_ReadFile(conf_file); else ... CNF_ParseLine(...)`, and
  chrony.conf(5) "In this case each argument is parsed as a new line and the configuration
  file is ignored". hvaudit judged the default file (a remote server there: pass). `ps` joins
  the arguments with blanks, so the directives cannot be split again: now R21H-1's question,
  naming the words. (_CHRONYD_ARG_OPTS gains N, `-N fd` in main.c's getopt string.)

Held (kept as tests): chronyd with an outside server in its file keeps the pass, and a bundle
without the chrony-conf probe keeps "chronyd running" (R21H-1); a nested `if
(subject.isInGroup("libvirt") && subject.local && subject.active) return YES;`, `if
(subject.user != "root" && !subject.isInGroup("libvirt")) return NO; return YES;` and `return
subject.isInGroup("libvirt") ? YES : NO` keep HVA-132's pass (R21H-2).

Probed by script, not kept (the verdict was right): `switch (subject.user)`, `/re/.test(
subject.user)`, `[...].indexOf(subject.user)`, `subject.isInGroup(variable)` were already
unresolved grants (HVA-132 manual); a `for` loop refusing groups before `return YES` already
failed HVA-132 (HL19-12); `action.id.indexOf("org.libvirt.api.") == 0 &&
!subject.isInGroup("nogrp")` already failed HVA-131 "every user".

Tally: 24 cases in 8 test functions; 20 failed on main 14a2017 before the fixes (R21H-1 5,
R21H-2 12 incl. the two wrong-fail twins, R21H-3 3: run with PYTHONPATH=/work/main/src); the 4
held functions' cases passed before and after. test_leads19d's held "none" and
unread-include/-f cases changed from pass to R21H-1's question. Also probed, the reading was
already right: the timedatectl probe unanswered asks its own question first. The SARIF golden
carries HVA-202's docstring (regenerated).

Leads left (not settled in the time):
- systemd-timesyncd: NTP=/FallbackNTP= (timesyncd.conf and its drop-ins) and networkd's
  per-link servers are not collected; `timedatectl show-timesync -p ServerAddress` would give
  the server it uses. A timesyncd pointed at the host itself passes on NTPSynchronized=yes.
- chronyd: an own non-loopback address (the host's LAN IP as `server`) is read as an outside
  server; `chronyc -n tracking` as a probe would settle every R21H-1 question.
- polkit: a negated group in a grant read as "not reached by outsiders" is still named as a
  granted group (`... && !subject.isInGroup("contractors")`: HVA-142 asks about
  %contractors); a top-level refusal before a later top-level grant (test_host_leads19d's lead)
  is still read statement by statement; else branches, loops and switch before a grant leave
  the reach unread (the old reading, or a question where a subject test is negated).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_host_leads15 import POLKIT, _if, _rule
from test_leads19d import DEBIAN, chrony_probe

# --- HVA-202: chronyd's sources -----------------------------------------------------------------

UNKNOWN = "chronyd running, but which time source steers it is not in the evidence ({})"


def _ps(extra: str) -> tuple[str, int]:
    ps = str(HARDENED_HOST["processes"][0])
    return ps.replace("/usr/sbin/chronyd -F 1", f"/usr/sbin/chronyd -F 1 {extra}"), 0


def _chrony(host_scan, tmp_path, files: dict[str, str], **more: Any) -> Any:
    # the files alone: no `chronyc -n tracking` answer (R21T-2 reads that one)
    return host_scan(
        {"chrony-tracking": None, "chrony-conf": chrony_probe(tmp_path, files), **more}
    )


@pytest.mark.parametrize(
    ("files", "more", "why"),
    [
        (
            {DEBIAN: "driftfile /var/lib/chrony/chrony.drift\n"},
            {},
            "no time source in chrony's configuration (/etc/chrony/chrony.conf and the files it "
            "names)",
        ),
        (
            {DEBIAN: "server 0.0.0.0\ninclude /srv/chrony/extra.inc\n"},
            {},
            "chrony's configuration names /srv/chrony/extra.inc, not collected",
        ),
        (
            {DEBIAN: "sourcedir /srv/chrony\n"},
            {},
            "chrony's configuration names /srv/chrony, not collected",
        ),
        (
            {DEBIAN: "server 0.0.0.0\n"},
            {"processes": _ps("-f /srv/c.conf")},
            "chronyd reads /srv/c.conf, which was not collected",
        ),
        (
            {"/etc/chrony.d/x.conf": "server a.example\n"},
            {},
            "neither /etc/chrony.conf nor /etc/chrony/chrony.conf exists",
        ),
    ],
    ids=["no-source", "include-outside", "sourcedir-outside", "dash-f", "no-main"],
)
def test_r21h_1_unknown_chrony_sources_are_asked(host_scan, tmp_path, files, more, why) -> None:
    """R21H-1 (false pass): was pass "chronyd running" on NTPSynchronized=yes."""
    a = _chrony(host_scan, tmp_path, files, **more)
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}
    assert messages(a, "HVA-202") == {"hv1": UNKNOWN.format(why)}
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-202")
    assert q.startswith("Which time source steers chronyd on host hv1, and is it outside the host?")
    assert "`chronyc -n tracking` (Reference ID)" in q


@pytest.mark.parametrize(
    "words",
    ["server 127.0.0.1", "-d server 0.0.0.0 iburst", "server ntp.example.org iburst"],
    ids=["loopback", "after-option", "remote"],
)
def test_r21h_3_chronyd_command_line_directives_replace_the_file(
    host_scan, tmp_path, words
) -> None:
    """R21H-3 (false pass): the file (a remote server) was judged: pass "chronyd running"."""
    a = _chrony(host_scan, tmp_path, {DEBIAN: "server ntp.example.org\n"}, processes=_ps(words))
    shown = words.removeprefix("-d ")
    assert messages(a, "HVA-202") == {
        "hv1": UNKNOWN.format(
            f"chronyd takes its configuration from its command line ({shown}), not from a file"
        )
    }
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}


def test_r21h_1_held_outside_source_and_older_bundle(host_scan, tmp_path) -> None:
    """Held: an outside server in the file passes; a bundle without the chrony-conf probe (the
    hardened host's) keeps the old pass; NTPSynchronized=no fails before the sources."""
    for a in (
        _chrony(host_scan, tmp_path, {DEBIAN: "server ntp.example.org iburst\n"}),
        host_scan({}),
    ):
        assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
            {"hv1": "pass"},
            {"hv1": "chronyd running"},
        )
    a = _chrony(
        host_scan, tmp_path, {DEBIAN: "driftfile x\n"}, **{"time-synchronized": ("no\n", 0)}
    )
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}


# --- polkit: subject tests that are not plain positive ones ------------------------------------

RULES = "/etc/polkit-1/rules.d/60-local.rules"
M = '"org.libvirt.unix.manage"'
HARDENED_131 = "per-VM rules in /etc/polkit-1/rules.d/80-libvirt-acl.rules"
HARDENED_132 = "libvirtd.conf: auth_unix_rw = polkit"
HARDENED_142 = "2 administrative principal(s) (limit 3): alice, root"
EVERYONE_132 = (
    f"libvirtd.conf: auth_unix_rw = polkit, but {RULES} grant(s) org.libvirt.unix.manage with "
    "no subject test: every local user controls every VM"
)
EVERYONE_142 = "3 administrative principal(s) (limit 3): ALL (every user), alice, root"


def _pk(host_scan, body: str) -> dict[str, tuple[str, str]]:
    a = host_scan({"polkit-rules": (POLKIT + _rule(RULES, body), 0)})
    return {
        c: (outcomes(a, c)["hv1"], messages(a, c)["hv1"]) for c in ("HVA-131", "HVA-132", "HVA-142")
    }


def _in_manage(inner: str) -> str:
    return f"  if (action.id == {M}) {{\n{inner}  }}\n"


@pytest.mark.parametrize(
    "body",
    [
        _if(
            f'action.id == {M} && (subject.isInGroup("libvirt") || subject.user != "nobody")', "YES"
        ),
        _if(f"action.id != {M}", "NOT_HANDLED")
        + _if('subject.isInGroup("libvirt") || subject.user !== "nobody"', "YES"),
        _if(
            f'action.id == {M} && subject.user != "root" && subject.isInGroup("libvirt") == false',
            "YES",
        ),
        _in_manage(
            _if('subject.isInGroup("banned")', "NO") + _if('!subject.isInGroup("guests")', "YES")
        ),
        _in_manage(
            '    return subject.isInGroup("admins") ? polkit.Result.AUTH_ADMIN : polkit.Result.YES;\n'
        ),
        _in_manage(
            '    return !subject.isInGroup("libvirt") ? polkit.Result.YES : polkit.Result.NO;\n'
        ),
        _in_manage(
            _if('subject.user != "root" && subject.isInGroup("x")', "NO")
            + "    return polkit.Result.YES;\n"
        ),
        _if(f'action.id == {M} && (subject.isInGroup("libvirt") || !subject.local)', "YES"),
        _if(f'action.id == {M} && subject.isInGroup("libvirt") || subject.user != "x"', "YES"),
    ],
    ids=[
        "or-user-ne",
        "exit-then-or-user-ne",
        "user-ne-and-group-false",
        "refuse-banned-grant-not-guests",
        "ternary-admin",
        "ternary-negated",
        "refuse-some-then-grant",
        "or-not-local",
        "and-or-user-ne",
    ],
)
def test_r21h_2_grant_past_negated_subject_tests_is_everyone(host_scan, body: str) -> None:
    """R21H-2 (false pass): HVA-132 passed (the named groups read as the grantees)."""
    v = _pk(host_scan, body)
    assert v["HVA-132"] == ("fail", EVERYONE_132)
    assert v["HVA-142"] == ("fail", EVERYONE_142)


def test_r21h_2_refusal_compared_with_false_is_a_group_grant(host_scan) -> None:
    """R21H-2's twin (wrong fail): `if (subject.isInGroup("nobody") == false) return NO;
    return YES;` refuses every account outside nobody and grants nobody's members; HL19-12's
    reading took the test as positive and failed HVA-132 "every local user"."""
    v = _pk(
        host_scan,
        _in_manage(
            _if('subject.isInGroup("nobody") == false', "NO") + "    return polkit.Result.YES;\n"
        ),
    )
    assert v["HVA-132"] == ("pass", HARDENED_132)
    assert v["HVA-142"][0] == "manual" and "%nobody (members not read)" in v["HVA-142"][1]


def test_r21h_2_result_in_a_variable_is_asked(host_scan) -> None:
    """R21H-2 (false pass): `return r` with r = polkit.Result.YES was read as a grant to the
    group the function tests (HVA-132 pass); who it reaches is not read: a question."""
    body = "  var r = polkit.Result.YES;\n" + _in_manage(
        _if('subject.isInGroup("libvirt")', "YES").replace("polkit.Result.YES", "r")
        + "    return r;\n"
    )
    v = _pk(host_scan, body)
    assert v["HVA-132"] == (
        "manual",
        f"libvirtd.conf: auth_unix_rw = polkit, but {RULES} (a result not returned directly) "
        "may grant org.libvirt.unix.manage in a way hvaudit does not read",
    )
    assert v["HVA-142"][0] == "manual"


def test_r21h_2_negated_group_beside_granted_group_passes(host_scan) -> None:
    """R21H-2's twin (wrong fail): `!subject.isInGroup("contractors")` beside the libvirt test
    narrows the grant; it failed HVA-132 "every local user"."""
    v = _pk(
        host_scan,
        _if(
            f'action.id == {M} && subject.isInGroup("libvirt") && !subject.isInGroup("contractors")',
            "YES",
        ),
    )
    assert v["HVA-132"] == ("pass", HARDENED_132)
    assert v["HVA-131"] == ("pass", HARDENED_131)


@pytest.mark.parametrize(
    "body",
    [
        _in_manage(_if('subject.isInGroup("libvirt") && subject.local && subject.active', "YES")),
        _in_manage(
            _if('subject.user != "root" && !subject.isInGroup("libvirt")', "NO")
            + "    return polkit.Result.YES;\n"
        ),
        _in_manage(
            '    return subject.isInGroup("libvirt") ? polkit.Result.YES : polkit.Result.NO;\n'
        ),
    ],
    ids=["local-active", "refuse-outsiders-but-root", "ternary-group"],
)
def test_r21h_2_held_group_grants(host_scan, body: str) -> None:
    """Held: grants only libvirt's members (and root) reach keep the hardened pass."""
    v = _pk(host_scan, body)
    assert v == {
        "HVA-131": ("pass", HARDENED_131),
        "HVA-132": ("pass", HARDENED_132),
        "HVA-142": ("pass", HARDENED_142),
    }
