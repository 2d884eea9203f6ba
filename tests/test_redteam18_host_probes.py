"""Eighteenth red-team review, host side (rt18-host).

Same harness as tests/test_redteam17_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. This round
probed the syntax the host parsers read: polkit's JavaScript rules (action.id and subject
tests, file names), and how the collector reads configuration directories (symbolic links).

Findings:
- R18H-1 (false pass) HVA-132 passed "auth_unix_rw = polkit" and HVA-142 counted no one for a
  rule granting every account through an action.id test hvaudit did not read:
  `action.id.indexOf("libvirt") >= 0`, `includes(...)`, `endsWith(".manage")`,
  `match("libvirt")` (a string: ECMAScript turns it into a RegExp; the form is common in the
  wild, `action.id.match("org.freedesktop.login1.")`), `search(/libvirt/) >= 0`, and
  `action.id != "org.freedesktop.login1.reboot"` (every other action). polkit(8): rules are
  plain JavaScript; only `== literal`, a prefix `indexOf(...) == 0` / startsWith and a
  `/re/.test` were read, any other test counted as "not this action". Now action_test reads
  ECMA-262's String.prototype tests (indexOf's -1, includes, startsWith, endsWith, search,
  match, negation) and a test of any other shape (substr, split, lastIndexOf, a RegExp object,
  `== false`) makes the rule's grant unresolved: HVA-132 asks, HVA-142 asks. The negation
  was ignored too (a wrong fail): `!action.id.startsWith("org.libvirt")` granting every other
  action failed HVA-132 "every local user controls every VM"; now it passes. Fixed.
- R18H-2 (false pass) HVA-132 passed "auth_unix_rw = polkit" with a grant of
  org.libvirt.unix.manage whose subject test hvaudit does not read
  (`subject.user.length > 0`: every account); HVA-142 already asked about it. Now the question
  naming the rule. Fixed.
- R18H-3 (false pass) every configuration directory was read with `grep -r`, which since GNU
  grep 2.12 (commit c6e3ea6, "grep: -r no longer follows symlinks"; -R, alias
  --dereference-recursive, does) skips a symbolic link met inside a directory, while the
  programs open a linked file as any other (polkit load_scripts: each name ending in .rules,
  g_file_load_contents; sshd's and rsyslog's Include: glob then fopen; sudo's @includedir;
  augenrules: ls and cat). /etc/sudoers.d/ops linked to a file granting mallory ALL left HVA-142
  at "2 administrative principal(s)" (pass); a rules.d link granting org.libvirt.unix.manage to
  everyone left HVA-132 passing. sudoers, sssd conf.d, sshd_config.d, modprobe.d, yum.repos.d,
  audit plugins and rules, polkit, rsyslog, syslog-ng, journald and journal-upload drop-ins are
  now read with `grep -R -D skip` (CONFIG_GREP; devices and FIFOs skipped), and rsyslog's mtimes
  with `find -L` (the target's time). The twin (wrong fail): polkit loads only names ending in
  .rules, and a grant in 60-libvirt.rules.bak failed HVA-132; such files are now inert. Fixed.
- R18H-4 (false pass) HVA-200 with /etc/rsyslog.conf absent or empty (grep prints no line of
  it): hvaudit read every collected rsyslog.d file, `50-remote.conf.disabled` too, and passed
  "logs forwarded over TLS". rsyslogd reads its main file only (tools/rsyslogd.c ConfFile =
  PATH_CONFFILE; grammar/lexer.l cnfSetLexFile) and rsyslog.d only through an include there,
  and it does not start without the file or with one holding no action (runtime/rsconf.c
  load: RS_RET_CONF_FILE_NOT_FOUND, RS_RET_NO_ACTIONS, hard errors tools/rsyslogd.c aborts on;
  rsyslog tree fetched at ee72adc). A running rsyslogd there read a main file since changed:
  now the question "its destinations are unknown" naming the file absent or empty (grep's "No
  such file" on stderr, find -L listing it); a main file grep could not read asks too; an idle
  rsyslogd's fail no longer names a drop-in's destination as configured (wording). The
  conftest hardened host ran rsyslogd with an empty main file: it now carries Debian's
  rsyslog.conf (debian/rsyslog.conf: imuxsock, imklog, `$IncludeConfig /etc/rsyslog.d/*.conf`)
  as conftest.DEBIAN_RSYSLOG_MAIN, the drop-in as RSYSLOG_REMOTE, and the 40 older tests that
  gave rsyslog.d lines alone now give a main file too. Fixed.
- R18H-5 (false pass) HVA-131 "per-VM rules" beside grants of domain actions on every VM it
  did not weigh: (a) a .rules file that never names libvirt (hvaudit kept only files that
  do), with a function testing no action id (polkit(8): it answers for every action); (b)
  `action.id.endsWith(".write")`: only org.libvirt.api.domain.start was asked, now every
  action of libvirt's src/access/viraccessperm.c virAccessPermDomain as
  viraccessdriverpolkit.c virAccessDriverPolkitFormatAction names them ('_' -> '-'); (c) a
  .pkla section with Action=org.libvirt.api.domain.* (pklocalauthority(8): no test of the VM;
  HVA-131 read no .pkla): each now fails naming the file and group; (d) a grant behind an
  action test hvaudit cannot read (substr, split) with no domain test: covers_domain_actions
  took only a definite action_test; now the question naming the rule, as R18H-1 asks for
  HVA-132/142. Twin (wrong question): the common `var actions = [...];
  actions.indexOf(action.id) >= 0` (or an inline array, includes; ECMA-262 Array.prototype
  compares with ===) was an unread test, so a grant of login1/udisks2 actions made HVA-132
  and HVA-142 ask; list membership is now read (a variable set once to an array literal).
  test_host_verdicts4's .pkla probe now fails naming the .pkla grant. Fixed.

Held (kept as tests): Debian's main file with the drop-in, through the real grep and find
(R18H-4's edge: pass); HVA-131's pass beside a .pkla granting org.libvirt.unix.manage only, a
connect-only prefix, a list of other actions, an unread action test with a domain_name test
(R18H-5's edges); action tests that take other actions (`indexOf("org.freedesktop.
udisks2.") == 0`, `includes("udisks2")`, `match("org.freedesktop.login1.")`, `indexOf("libvirt")
== -1`) and a libvirt substring test granting %sudo only: HVA-132 and HVA-142 keep the hardened
verdicts (the substring grant to %sudo now fails HVA-131, rightly: domain actions on every VM).

Probed by script, not kept (the verdict was right): sudoers.d names with a dot or ending in `~`
(skipped, as sudoers(5) @includedir skips them), `@include`/`#include`/`@includedir` outside
/etc/sudoers.d (question), a backslash-continued Cmnd_Alias swallowing the next line (not
counted), User_Alias members (counted); rsyslog.d files not matching the main file's
`$IncludeConfig *.conf` (`.conf.disabled`, `.conf~`, a subdirectory) and a main file with no or
another include (fail "no remote log destination"); audit rules.d files not named *.rules, in a
subdirectory or hidden, and `-a never` rules before or after the watches (HVA-214 asks).

Tally: 22 cases in 7 test functions for R18H-1..3: 17 failed on main cfaa631 before the
fixes (R18H-1 13, the negated-prefix wrong fail among them, R18H-2 1, R18H-3 3: run against an
archive of it); the 5 held cases passed before and after. R18H-4/5 (leads18h3) added 16 cases
in 8 functions: 11 failed with PYTHONPATH=/work/main/src before each landed (R18H-4 5, R18H-5
6), the 5 held cases passed before and after. 38 cases in 15 functions in all.

Leads left (not settled in the time):
- .pkla keys and results are read case-insensitively (GKeyFile keys are case-sensitive and
  polkit's result names exact): errs towards a grant (a wrong fail), not probed.
- sudoers.d subdirectories: sudo's @includedir does not descend, hvaudit (now grep -R) reads
  them: errs towards counting (a wrong fail), not fixed.
- Kernel command line: words are split at blanks, while the kernel's next_arg keeps a quoted
  value with blanks whole (`foo="a audit=0"` is one parameter): hvaudit sees words the kernel
  does not (errs towards a fail where a word is bad, a pass where a word is good). Not reached
  by leads18h3 (lib/cmdline.c / kernel/params.c not read).
- sshd: `PermitRootLogin no # comment` in a Match block is read as "no # comment" (not "no"):
  a wrong fail where OpenSSH ends the line at the comment (argv_split terminate_on_comment);
  the OpenSSH release that added it, and whether the collector's `sshd -T` output is read
  instead, were not checked (not reached by leads18h3).
- HVA-214's message "audit.rules watches /etc/libvirt, but no rules.d file does" for a later
  `-a never` rule reads oddly (wording only).
- polkit action_test's literal shortcut: a rule naming an action id anywhere counts as taking
  it, so `actions.indexOf(action.id) == -1` with the id in the list (every other action)
  counts as a grant of it (errs towards a grant: a wrong fail or question), not fixed.
- HVA-131's fail for a .pkla grant ends "(no domain_name or domain_uuid test)", which a .pkla
  cannot have (wording); .pkla grants are read after the JavaScript rules' refusals
  (polkit.grants' order), not probed against polkit-pkla-compat's 49-polkit-pkla-compat.rules.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_REMOTE, messages, outcomes
from hvaudit.collect.host import COMMANDS
from hvaudit.collect.runner import LocalRunner
from test_host_leads15 import MANAGE, POLKIT, _if, _rule

# --- polkit action.id tests (R18H-1, R18H-2) --------------------------------------------------

RULES = "/etc/polkit-1/rules.d/60-libvirt.rules"
EVERYONE_FAIL = (
    f"libvirtd.conf: auth_unix_rw = polkit, but {RULES} grant(s) org.libvirt.unix.manage with "
    "no subject test: every local user controls every VM"
)
HARDENED_132 = "libvirtd.conf: auth_unix_rw = polkit"
HARDENED_142 = "2 administrative principal(s) (limit 3): alice, root"


def _polkit(host_scan, condition: str):
    return host_scan({"polkit-rules": (POLKIT + _rule(RULES, _if(condition, "YES")), 0)})


@pytest.mark.parametrize(
    "condition",
    [
        'action.id.indexOf("libvirt") >= 0',
        'action.id.indexOf("libvirt.unix") != -1',
        'action.id.includes("libvirt")',
        'action.id.endsWith(".manage")',
        'action.id.match("libvirt")',
        "action.id.search(/libvirt/) > -1",
        'action.id != "org.freedesktop.login1.reboot"',
        '!action.id.startsWith("org.freedesktop.")',
    ],
)
def test_polkit_action_tests_read_as_javascript(host_scan, condition: str) -> None:
    """R18H-1 (false pass). Each condition takes org.libvirt.unix.manage in JavaScript (ECMA-262
    String.prototype: indexOf gives -1 when absent, match/search turn a string into a RegExp,
    a `!` negates) and the rule tests no subject: every local account manages libvirt. hvaudit
    read only `== literal`, prefixes and `/re/.test`, and passed HVA-132."""
    a = _polkit(host_scan, condition)
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": EVERYONE_FAIL}
    assert messages(a, "HVA-142") == {
        "hv1": "3 administrative principal(s) (limit 3): ALL (every user), alice, root"
    }


@pytest.mark.parametrize(
    ("condition", "test"),
    [
        ('action.id.substr(0, 16) == "org.libvirt.unix"', "action.id.substr(0, 16)"),
        ('action.id.split(".")[1] == "libvirt"', 'action.id.split(".")'),
        ('action.id.lastIndexOf("manage") > 0', 'action.id.lastIndexOf("manage")'),
        (
            'action.id.startsWith("org.freedesktop") == false',
            'action.id.startsWith("org.freedesktop")',
        ),
    ],
)
def test_polkit_action_test_not_read_is_a_question(host_scan, condition: str, test: str) -> None:
    """R18H-1. An action.id test of a shape hvaudit does not read may take the action (each
    here does): the grant is unresolved, a question for HVA-132 and HVA-142, not a pass."""
    a = _polkit(host_scan, condition)
    name = f"{RULES} (action test {test} not read)"
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {
        "hv1": f"libvirtd.conf: auth_unix_rw = polkit, but {name} may grant "
        "org.libvirt.unix.manage in a way hvaudit does not read"
    }
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142")["hv1"].startswith(
        f"3 administrative principal(s) (limit 3): alice, polkit rule {name} (members not read)"
    )


def test_polkit_subject_test_not_read_is_a_question(host_scan) -> None:
    """R18H-2 (false pass). `subject.user.length > 0` holds for every account; hvaudit cannot
    read it (HVA-142 asked) but HVA-132 passed. Now HVA-132 asks too."""
    a = _polkit(host_scan, MANAGE + " && subject.user.length > 0")
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {
        "hv1": f"libvirtd.conf: auth_unix_rw = polkit, but {RULES} (user) may grant "
        "org.libvirt.unix.manage in a way hvaudit does not read"
    }
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}


@pytest.mark.parametrize(
    "condition",
    [
        'action.id.indexOf("org.freedesktop.udisks2.") == 0',
        'action.id.includes("udisks2")',
        'action.id.match("org.freedesktop.login1.")',
        '!action.id.startsWith("org.libvirt")',
        'action.id.indexOf("libvirt") == -1',
        'action.id.indexOf("libvirt") >= 0 && subject.isInGroup("sudo")',
    ],
)
def test_polkit_other_actions_held(host_scan, condition: str) -> None:
    """Held: tests that do not take org.libvirt.unix.manage (other prefixes, substrings, a
    negated libvirt prefix, indexOf == -1), or a libvirt substring test granting %sudo only:
    the hardened verdicts stand. A negated libvirt test grants every other action to everyone,
    pkexec's org.freedesktop.policykit.exec (a root shell, pkexec(1)) among them: HVA-142 counts
    every user since R22A-1. A udisks2 test grants org.freedesktop.udisks2.open-device-system
    (raw access to the host's block devices) to everyone: HVA-142 counts every user since
    R25A-3."""
    a = _polkit(host_scan, condition)
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": HARDENED_132}
    negated = condition.startswith("!") or condition.endswith("== -1") or "udisks2" in condition
    every = "3 administrative principal(s) (limit 3): ALL (every user), alice, root"
    assert messages(a, "HVA-142") == {"hv1": every if negated else HARDENED_142}


# --- configuration directories read through their symbolic links (R18H-3) ---------------------


def _grep_tree(tmp_path: Path, probe: str, layout: dict[str, str], links: dict[str, str]) -> str:
    """Run the collector's own argv for `probe` with LocalRunner over a copy of the host's
    directories under tmp_path (each absolute path of the argv moved there), and give its output
    with the paths as the host has them."""
    argv = next(p.argv for p in COMMANDS if p.name == probe)
    root = tmp_path / "root"
    for path, text in layout.items():
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / path.lstrip("/")).write_text(text)
    for path, target in links.items():
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / path.lstrip("/")).symlink_to(root / target.lstrip("/"))
    moved = tuple(f"{root}{a}" if a.startswith("/") else a for a in argv)
    got = LocalRunner().run(moved, 20)
    assert got.status == "ok", got
    return got.stdout.decode().replace(str(root), "")


def test_sudoers_file_linked_into_sudoers_d_is_read(host_scan, tmp_path: Path) -> None:
    """R18H-3 (false pass). /etc/sudoers.d/ops is a symbolic link to /srv/cfg/ops granting
    mallory ALL; sudo reads it (its includedir opens each name), but `grep -r` skips links met
    inside a directory (grep 2.12: -r follows command-line links only), so HVA-142 counted
    "2 administrative principal(s)" and passed. The collector now reads with `grep -R -D skip`."""
    sudoers = str(HARDENED_HOST["sudoers"][0]).replace("/etc/sudoers:", "")
    text = _grep_tree(
        tmp_path,
        "sudoers",
        {"/etc/sudoers": sudoers, "/srv/cfg/ops": "mallory ALL=(ALL:ALL) NOPASSWD: ALL\n"},
        {"/etc/sudoers.d/ops": "/srv/cfg/ops"},
    )
    assert "/etc/sudoers.d/ops:mallory ALL=(ALL:ALL) NOPASSWD: ALL" in text
    a = host_scan({"sudoers": (text, 0)})
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "3 administrative principal(s) (limit 3): alice, mallory, root"
    }


def test_polkit_rule_linked_into_rules_d_is_read(host_scan, tmp_path: Path) -> None:
    """R18H-3 (false pass). /etc/polkit-1/rules.d/60-libvirt.rules links to a file granting
    org.libvirt.unix.manage to everyone: polkit loads it (load_scripts: every name ending in
    .rules, g_file_load_contents follows the link); `grep -r` did not, and HVA-132 passed."""
    body = "polkit.addRule(function(action, subject) {\n" + _if(MANAGE, "YES") + "});\n"
    text = _grep_tree(
        tmp_path,
        "polkit-rules",
        {"/srv/cfg/libvirt.js": body},
        {RULES: "/srv/cfg/libvirt.js"},
    )
    assert f"{RULES}:polkit.addRule" in text
    a = host_scan({"polkit-rules": (POLKIT + text, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": EVERYONE_FAIL}


def test_polkit_file_not_named_rules_is_inert(host_scan) -> None:
    """R18H-3's twin (wrong fail). polkit loads only names ending in .rules (load_scripts:
    g_str_has_suffix (name, ".rules")): a grant to everyone in 60-libvirt.rules.bak is never
    run, but hvaudit failed HVA-132 on it. Now the hardened verdicts stand."""
    a = host_scan({"polkit-rules": (POLKIT + _rule(RULES + ".bak", _if(MANAGE, "YES")), 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": HARDENED_132}
    assert messages(a, "HVA-142") == {"hv1": HARDENED_142}


# --- rsyslog reads /etc/rsyslog.d only through its main file (R18H-4) -------------------------

UNKNOWN_200 = (
    "evidence unavailable: rsyslogd runs, but /etc/rsyslog.conf is {}: rsyslogd does not start "
    "without it and reads /etc/rsyslog.d only where it includes files, so the running daemon "
    "read a configuration that has changed since; its destinations are unknown"
)


def _rsyslog_tree(tmp_path: Path, layout: dict[str, str]) -> dict[str, tuple[str, int, str]]:
    """The collector's rsyslog-config and rsyslog-mtimes probes run with LocalRunner over a copy
    of the host's files under tmp_path (mtimes set before the fixture's rsyslogd started, the
    ctimes read as those), as (stdout, rc, stderr) with the host's paths."""
    root = tmp_path / "root"
    (root / "etc/rsyslog.d").mkdir(parents=True)
    for path, text in layout.items():
        (root / path.lstrip("/")).write_text(text)
    for path in [*root.rglob("*"), root / "etc/rsyslog.d"]:
        os.utime(path, (1732095000, 1732095000))
    out = {}
    for probe in ("rsyslog-config", "rsyslog-mtimes"):
        argv = next(p.argv for p in COMMANDS if p.name == probe)
        got = LocalRunner().run(tuple(f"{root}{a}" if a.startswith("/") else a for a in argv), 20)
        assert got.status == "ok", got
        text = got.stdout.decode().replace(str(root), "")
        if probe == "rsyslog-mtimes":
            # The files were written now, so their ctime (%C@, R45T-2) is this test's clock,
            # which no replayed start in 2024 follows; they stand for files written before
            # rsyslogd started: the ctime is given the mtime set above.
            text = "".join(
                f"{t} {t} {rest.split(' ', 1)[1]}\n"
                for t, _, rest in (ln.partition(" ") for ln in text.splitlines())
            )
        out[probe] = (text, got.rc or 0, got.stderr.replace(str(root), ""))
    return out


REMOTE_CONF = "".join(ln.split(":", 1)[1] + "\n" for ln in RSYSLOG_REMOTE.splitlines())


@pytest.mark.parametrize(
    ("layout", "state"),
    [
        ({"/etc/rsyslog.d/50-remote.conf": REMOTE_CONF}, "absent"),
        ({"/etc/rsyslog.d/50-remote.conf.disabled": REMOTE_CONF}, "absent"),
        ({"/etc/rsyslog.conf": "", "/etc/rsyslog.d/50-remote.conf": REMOTE_CONF}, "empty"),
    ],
    ids=["absent", "absent-disabled-file", "empty"],
)
def test_rsyslog_without_main_file_reads_no_drop_in(
    host_scan, tmp_path: Path, layout: dict[str, str], state: str
) -> None:
    """R18H-4 (false pass). rsyslogd reads its main file only (tools/rsyslogd.c ConfFile =
    PATH_CONFFILE "/etc/rsyslog.conf"; grammar/lexer.l cnfSetLexFile opens that one file) and
    /etc/rsyslog.d only where an `$IncludeConfig`/include() in it names the files; it does not
    start without the main file (runtime/rsconf.c load: cnfSetLexFile gives 2, "could not open
    config file", RS_RET_CONF_FILE_NOT_FOUND) nor with one holding no action (RS_RET_NO_ACTIONS,
    "there are no active actions configured"), both hard errors on which tools/rsyslogd.c
    aborts (rsyslog tree fetched at ee72adc). grep prints no line of an absent or empty main file,
    and hvaudit then read every collected file, `50-remote.conf.disabled` too, and passed HVA-200
    "logs forwarded over TLS". A running rsyslogd there read a main file that has changed since:
    its destinations are unknown, a question."""
    probes = _rsyslog_tree(tmp_path, layout)
    assert "/etc/rsyslog.conf:" not in probes["rsyslog-config"][0]
    a = host_scan(probes)
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {"hv1": UNKNOWN_200.format(state)}


def test_rsyslog_main_file_not_readable_is_a_question(host_scan) -> None:
    """R18H-4. A main file grep could not read (its error on stderr) is no absent file: its
    includes decide, and they are unseen. Before: pass on the rsyslog.d file."""
    err = "grep: /etc/rsyslog.conf: Permission denied\n"
    a = host_scan({"rsyslog-config": (RSYSLOG_REMOTE, 2, err)})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {
        "hv1": "evidence unavailable: /etc/rsyslog.conf could not be read (grep: "
        "/etc/rsyslog.conf: Permission denied), and its includes decide which files of "
        "/etc/rsyslog.d rsyslogd reads"
    }


def test_rsyslog_main_file_with_include_held(host_scan, tmp_path: Path) -> None:
    """Held (R18H-4's edge): Debian's rsyslog.conf includes /etc/rsyslog.d/*.conf, and the
    hardened host's forwarding passes through the real grep and find as from the fixture."""
    main = "".join(ln.split(":", 1)[1] + "\n" for ln in DEBIAN_RSYSLOG_MAIN.splitlines())
    layout = {"/etc/rsyslog.conf": main, "/etc/rsyslog.d/50-remote.conf": REMOTE_CONF}
    a = host_scan(_rsyslog_tree(tmp_path, layout))
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}


def test_rsyslog_idle_without_main_file_names_no_destination(host_scan) -> None:
    """R18H-4 (wording). rsyslogd not running and no main file: the fail stood, but named
    "configured but not running: rsyslogd (logs.example.internal)", a destination of a drop-in
    rsyslogd would never read. Now nothing is configured."""
    idle = str(HARDENED_HOST["processes"][0]).replace("/usr/sbin/rsyslogd -n -iNONE", "/bin/true")
    a = host_scan({"processes": (idle, 0), "rsyslog-config": (RSYSLOG_REMOTE, 2, "")})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200") == {"hv1": "no remote log destination configured"}


# --- HVA-131: grants of domain actions hvaudit did not weigh (R18H-5) --------------------------

OPS = "/etc/polkit-1/rules.d/60-ops.rules"
PKLA = "/etc/polkit-1/localauthority/50-local.d/ops.pkla"
HARDENED_131 = "per-VM rules in /etc/polkit-1/rules.d/80-libvirt-acl.rules"


def _pkla(action: str) -> str:
    lines = ("[ops]", "Identity=unix-group:ops", f"Action={action}", "ResultActive=yes")
    return "".join(f"{PKLA}:{line}\n" for line in lines)


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        (_rule(OPS, _if('subject.isInGroup("ops")', "YES")), OPS),
        (_rule(OPS, _if('action.id.endsWith(".write") && subject.isInGroup("ops")', "YES")), OPS),
        (_pkla("org.libvirt.api.domain.*"), PKLA),
    ],
    ids=["no-action-test", "endswith-write", "pkla"],
)
def test_domain_grant_on_every_vm_fails(host_scan, extra: str, path: str) -> None:
    """R18H-5 (false pass). Beside the hardened per-VM rule, group ops gets libvirt's domain
    actions on every VM: by a function that tests no action id (polkit(8): it answers for every
    action; the file never names libvirt, and hvaudit kept only files that do), by
    `endsWith(".write")` (org.libvirt.api.domain.write: hvaudit asked about
    org.libvirt.api.domain.start only; now each action of viraccessperm.c virAccessPermDomain,
    as viraccessdriverpolkit.c virAccessDriverPolkitFormatAction names them, '_' -> '-'), or by
    a .pkla section (pklocalauthority(8): Action globs, no test of the VM; HVA-131 read no
    .pkla). HVA-131 passed "per-VM rules"; now the fail naming the file and group."""
    a = host_scan({"polkit-rules": (POLKIT + extra, 0)})
    assert outcomes(a, "HVA-131") == {"hv1": "fail"}, messages(a, "HVA-131")
    assert messages(a, "HVA-131") == {
        "hv1": f"{path} grants libvirt domain actions on every VM to group ops (no domain_name "
        "or domain_uuid test)"
    }


@pytest.mark.parametrize(
    ("condition", "test"),
    [
        ('action.id.substr(0, 23) == "org.libvirt.api.domain."', "action.id.substr(0, 23)"),
        ('action.id.split(".")[3] == "domain"', 'action.id.split(".")'),
    ],
)
def test_domain_grant_behind_unread_action_test_asks(host_scan, condition: str, test: str) -> None:
    """R18H-5 (false pass). A function granting group ops behind an action.id test hvaudit does
    not read (each here takes every domain action) and with no domain_name test: HVA-131 took
    it as granting no domain action (covers_domain_actions read only a definite action_test)
    and passed on the per-VM rule beside it. Now the question naming the rule, as R18H-1 asks
    for HVA-132 and HVA-142."""
    a = host_scan(
        {
            "polkit-rules": (
                POLKIT + _rule(OPS, _if(f'{condition} && subject.isInGroup("ops")', "YES")),
                0,
            )
        }
    )
    assert outcomes(a, "HVA-131") == {"hv1": "manual"}, messages(a, "HVA-131")
    assert messages(a, "HVA-131") == {
        "hv1": f"{OPS} (action test {test} not read) may grant libvirt domain actions on every "
        "VM (no domain_name or domain_uuid test) in a way hvaudit does not read"
    }


def test_action_list_membership_is_read(host_scan) -> None:
    """R18H-5's twin (wrong question). The common polkit form granting a set of actions,
    `var actions = [...]; actions.indexOf(action.id) >= 0` (ECMA-262 Array.prototype.indexOf:
    === on each element), was an unread action test: a grant of two login1/udisks2 actions to
    every account made HVA-132 and HVA-142 ask. Now read: libvirt's actions are no members."""
    body = (
        '  var actions = ["org.freedesktop.login1.reboot", '
        '"org.freedesktop.udisks2.filesystem-mount"];\n'
        + _if("actions.indexOf(action.id) >= 0", "YES")
    )
    a = host_scan(
        {"polkit-rules": (POLKIT + _rule("/etc/polkit-1/rules.d/50-desk.rules", body), 0)}
    )
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132") == {"hv1": HARDENED_132}
    assert messages(a, "HVA-142") == {"hv1": HARDENED_142}
    assert messages(a, "HVA-131") == {"hv1": HARDENED_131}


@pytest.mark.parametrize(
    "extra",
    [
        _pkla("org.libvirt.unix.manage"),
        _rule(
            OPS,
            _if(
                'action.id.indexOf("org.libvirt.api.connect.") == 0 && subject.isInGroup("ops")',
                "YES",
            ),
        ),
        _rule(
            OPS,
            _if(
                '["org.freedesktop.login1.reboot"].includes(action.id) && subject.isInGroup("ops")',
                "YES",
            ),
        ),
        _rule(
            OPS,
            _if(
                'action.id.substr(0, 23) == "org.libvirt.api.domain." && subject.isInGroup("ops") '
                '&& action.lookup("domain_name") == "web-1"',
                "YES",
            ),
        ),
    ],
    ids=["pkla-manage", "connect-prefix", "other-list", "unread-with-domain-test"],
)
def test_no_domain_grant_on_every_vm_held(host_scan, extra: str) -> None:
    """Held (R18H-5's edges): a .pkla granting org.libvirt.unix.manage only, a connect-only
    prefix, a list of other actions, and an unread action test beside a domain_name test grant
    no domain action on every VM: HVA-131 keeps the hardened pass."""
    a = host_scan({"polkit-rules": (POLKIT + extra, 0)})
    assert outcomes(a, "HVA-131") == {"hv1": "pass"}, messages(a, "HVA-131")
    assert messages(a, "HVA-131")["hv1"].startswith(HARDENED_131)
