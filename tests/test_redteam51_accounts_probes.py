"""Red-team round 51 probes: who administers the hypervisor (r51-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host), through the real collector, parser and engine; each test
asserts the exact status and message of HVA-151 (every SSH login needs two factors), sshd
running PAM for keyboard-interactive logins only (test_checks_host's SSHD_KBD_ONLY). The older
bundle (collected before /usr/lib/pam.d was) is test_host_leads19's _scan_without.

Team decision (R46A-2's and R48A's lead): PAM stacks in /usr/lib/pam.d are read (Linux-PAM
PAM_CONFIG_DIST_D: a file there is used when /etc/pam.d lacks that service): collected and read
with /etc/pam.d taking precedence per service; a bundle without them keeps today's reading.

Findings (R51A-n):
- R51A-1 (false pass, the team decision) HVA-151: sshd's stack pulling in a name
  parse.pam NON_AUTH_INCLUDES assumes authless (postlogin, common-account, common-session ...)
  that /etc/pam.d does not hold was read as adding no auth rule, while libpam reads
  /usr/lib/pam.d/NAME for it (Linux-PAM libpam/pam_handlers.c _pam_open_config_file:
  PAM_CONFIG_DF, then PAM_CONFIG_DIST_DF; the Linux-PAM System Administrators' Guide 4.2
  "Directory based configuration": "If no machine configuration file is found, the
  vendor-supplied file is used. All files in /etc/pam.d/ override files with the same name in
  other directories"). `auth include postlogin` before a password and a one-time code, with
  /usr/lib/pam.d/postlogin's `auth sufficient pam_permit.so`, passed "every SSH login needs two
  factors" on main: every login goes in with no factor. Now collect.host PAM_SERVICES' files
  are collected from /usr/lib/pam.d too and parse.host _pam_service reads /etc/pam.d's file,
  else (absent) /usr/lib/pam.d's, for sshd itself and every include: the cases that were a
  question on main for want of /usr/lib/pam.d/sshd or /usr/lib/pam.d/common-auth are now
  decided (a pass or a fail). Where neither directory holds the name, libpam built with a
  vendordir reads VENDORDIR/pam.d/NAME (PAM_CONFIG_DIST2_DF; openSUSE's /usr/etc): the message
  says so (still a question); a /usr/lib/pam.d file that was not read is named with its
  reason. An older bundle keeps main's reading and message. A vendor file /etc/pam.d
  overrides is read (for an absolute include) but not cited as evidence (its first landing
  cited it: fixed after, asserted by test_overridden_vendor_file_is_no_evidence_151). Rounds 45's, 46's and
  test_checks_host's expected messages for a name absent from both directories follow, in a
  separate commit.

- R51A-2 (false pass) HVA-142, HVA-132 (every reader of addRule functions, and addAdminRule's
  identities): polkit registers whatever function polkit.addRule is called with on polkit
  (polkit's src/polkitbackend/init.js: `polkit.addRule = function(callback)
  {this._ruleFuncs.push(callback);};`), but parse.polkit rule_functions read only a function
  written in place after `polkit.addRule(`: a rule declared by name and registered as
  `polkit.addRule(libvirtRule)` (a function declaration, a function expression or an arrow
  function in a variable), `polkit["addRule"](...)` and `polkit.addRule.call(polkit, ...)`
  were read as no rule. Such a rule letting every user manage libvirt passed HVA-132
  ("auth_unix_rw = polkit") and HVA-142 counted no one for it. Also a rule returning
  polkit.spawn()'s output with a method applied (`.trim()`), a string
  (polkitbackendduktapeauthority.c js_polkit_spawn: `duk_push_string (cx,
  standard_output)`), was read as granting nothing (R48A-5's reader spared every value
  starting with `polkit`). Now the spellings are read as `polkit.addRule(`, a name declared
  once in the file is replaced by its function (parse.polkit _registered, _named_function),
  any other argument (`.apply`'s array, a member, a name declared twice) is a rule hvaudit
  does not read (unresolved, "a result not returned directly"), and only polkit.log() is
  spared among polkit's methods.

- R51A-3 (false pass) HVA-142, HVA-132 (every reader of addRule subject tests): a subject
  test given to an operator other than `&&`, `||` and `!` was read as the accounts it names:
  `subject.isInGroup("ops") ^ 1` is 1 for every account outside ops and 0 for ops, `| true`,
  `>= 0`, `typeof ...`, `String(...)`, `(subject.user == "alice" | 1)` are truthy for every
  account (ECMA-262 ToBoolean; polkit(8) AUTHORIZATION RULES: a rule is JavaScript), so the
  rule let every user manage libvirt where HVA-142 counted ops (R48A-3's class, which read
  `||` operands only). Now parse.polkit _odd_subject_tests makes the grant unresolved where a
  test the readers take as names (_READ_TEST) is not an operand of `&&`, `||`, `!` or the
  whole of an `if (...)` (_OPENS), nor followed by `&&`, `||`, `)`, `?`, the statement's end
  or a comparison with a boolean (_CLOSES), naming the operator.

- R51A-4 (false pass) HVA-140 (round 23's lead, the Match-blocks lead): with sshd's Match
  blocks unread (sshd_config including a file outside /etc/ssh/sshd_config.d, not collected)
  checks.management _sftp_only_accounts read no block, so a block's `ForceCommand
  internal-sftp` (allowed in Match, sshd_config(5); OpenSSH session.c do_child runs
  internal-sftp before the account's shell, R23S-2) letting accounts without a login shell in
  for the host's files, and a block's AllowUsers/AllowGroups admitting them, went unseen:
  HVA-140 passed "2 account(s) with a login shell (limit 3)". Now unread Match blocks make
  every account without a login shell a candidate, the global lists no longer narrowing
  them, and the count is asked ("sshd may serve SFTP in-process (a Match block not read may
  set ForceCommand internal-sftp: WHY)").

Held: /etc/pam.d/sshd wins over /usr/lib/pam.d/sshd (a single-factor /etc stack fails
whatever the vendor file requires); an older bundle without the /usr/lib/pam.d probes keeps
main's question and message. `var add = polkit.addRule; add(f)` registers nothing (init.js's
`this` is not polkit there) and keeps main's pass. Round 23's SFTP host with every Match block
read keeps HVA-140's pass.

Probed by script (parse.polkit.grants): a rule declared after its registration was read on
main too; `polkit.addRule(function(...) {...}.bind(this))`, a registration inside a loop, an
arrow function whose body is a ternary, `return eval(...)`, `[polkit.Result.YES][0]`, the
comma operator, `action.id.startsWith/includes/match`, a regex test, `switch` with a
granting default, `subject.user !== "root"`: each every user or unresolved, no pass.
`subject.isInGroup("ops") | true` read as ops only (R51A-3). After R51A-3: `== false`,
`[subject.isInGroup("ops")]`, `subject.user != "alice" || ...`: every user; `- 1`, `~`, `in
{}`, `& 1`, `>>> 0 == 0`, `== subject.isInGroup("ops")`, `=== !true`: unresolved.

Tally: 4 findings (4 false passes); 28 cases, 23 failed on main before the fixes (R51A-1: 8
of 9: 2 false passes, 3 questions now decided, 2 messages, 1 evidence list; R51A-2: 8 of 8
with the HVA-132 case; R51A-3: 6 of 6; R51A-4: 1 of 1), 6 held (one, the older bundle, cannot run on main: main
has no /usr/lib/pam.d probe to leave out).

Leads left:
- NON_AUTH_INCLUDES absent from both /etc/pam.d and /usr/lib/pam.d are still assumed
  authless; libpam built with a vendordir (openSUSE /usr/etc/pam.d) reads them there.
- /etc/pam.d/other (the stack where sshd's file is in no directory) and sudo's PAM stack are
  still not collected.
- HVA-140 with unread Match blocks lists the system accounts without a shell (daemon, tss
  ...) among the candidates: a question, noisy; Match Group against directory groups (sss)
  is still judged on /etc/group only (round 23's lead).
- The sudoers / pam_group `%G` lead (a group absent from /etc/group under `group: files`:
  no members) and RKE2 under OpenRC were not reached.
- HVA-142 does not count a sudo rule that runs commands as libvirt-qemu (QEMU's account under
  Debian's qemu.conf user/group): `%staff ALL=(libvirt-qemu) ALL` passes with staff uncounted
  (parse.host _sudo_runas counts only uid 0 and administrative groups): a team decision.
- polkit: an addAdminRule registered by an argument hvaudit does not read is left as it is
  (no identity counted); a subject test kept in a variable (`var ok =
  subject.isInGroup("ops"); if (ok ^ 1)`) was not probed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import messages, outcomes
from test_checks_host import SSHD_KBD_ONLY
from test_host_leads19 import _scan_without
from test_redteam23_ssh_probes import CONFIG, EXTERNAL, GROUP_SFTP, LOGIN, PASSWD_SFTP, _140
from test_redteam26_accounts_probes import PASS2, _142
from test_redteam47_accounts_probes import GROUP
from test_redteam48_accounts_probes import EVERY, NOT_DIRECT, OPS, _rules, _unresolved

OTP = "auth required pam_unix.so\nauth required pam_google_authenticator.so\n"
"""A stack that requires a password and a one-time code."""
PERMIT = "auth sufficient pam_permit.so\n"
"""A vendor file whose auth rule lets every login through."""
TWO = (
    "pass",
    "every SSH login needs two factors: AuthenticationMethods keyboard-interactive, PAM requires "
    "pam_unix (knowledge) and pam_google_authenticator (otp)",
)
ONE = (
    "fail",
    "SSH logins need a single factor: keyboard-interactive alone logs in (AuthenticationMethods "
    "keyboard-interactive)",
)
BYPASSED = (
    "fail",
    ONE[1] + "; pam_google_authenticator (required) does not fail the login when the factor is "
    "missing",
)
UNAVAILABLE = "evidence unavailable: sshd runs PAM for password/keyboard-interactive logins, but "


@pytest.mark.parametrize(
    ("pam", "expected"),
    [
        (
            {
                "/etc/pam.d/sshd": "auth include postlogin\n" + OTP,
                "/etc/pam.d/postlogin": None,
                "/usr/lib/pam.d/postlogin": PERMIT,
            },
            BYPASSED,
        ),
        (
            {
                "/etc/pam.d/sshd": "@include common-account\n" + OTP,
                "/usr/lib/pam.d/common-account": PERMIT,
            },
            BYPASSED,
        ),
        ({"/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": OTP}, TWO),
        ({"/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": "auth required pam_unix.so\n"}, ONE),
        (
            {
                "/etc/pam.d/sshd": "@include common-auth\nauth required pam_google_authenticator.so\n",
                "/etc/pam.d/common-auth": None,
                "/usr/lib/pam.d/common-auth": PERMIT,
            },
            BYPASSED,
        ),
        (
            {"/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": PermissionError("Permission denied")},
            ("manual", UNAVAILABLE + "/usr/lib/pam.d/sshd was not read (Permission denied)"),
        ),
        (
            {
                "/etc/pam.d/sshd": "@include common-auth\nauth required pam_google_authenticator.so\n",
                "/etc/pam.d/common-auth": None,
            },
            (
                "manual",
                "evidence unavailable: sshd's PAM auth stack includes common-auth (in neither "
                "/etc/pam.d nor /usr/lib/pam.d; libpam's vendor directory, /usr/etc/pam.d on "
                "openSUSE, is not collected): the factors it requires are unknown",
            ),
        ),
        ({"/etc/pam.d/sshd": "auth required pam_unix.so\n", "/usr/lib/pam.d/sshd": OTP}, ONE),
    ],
    ids=[
        "postlogin-vendor-permit",
        "common-account-vendor-permit",
        "sshd-vendor-two-factors",
        "sshd-vendor-one-factor",
        "common-auth-vendor-permit",
        "sshd-vendor-unreadable",
        "include-in-neither",
        "held-etc-wins",
    ],
)
def test_vendor_pam_stack_151(host_scan, pam: dict, expected: tuple[str, str]) -> None:
    """R51A-1 (false pass, the team decision) HVA-151: libpam reads /usr/lib/pam.d/NAME for a
    service or include /etc/pam.d does not hold (pam_handlers.c _pam_open_config_file); an
    authless-assumed include there that lets every login through passed on main, and sshd's or
    common-auth's vendor file was a question. Held: /etc/pam.d's file wins."""
    a = host_scan({"sshd-effective": (SSHD_KBD_ONLY, 0), **pam})
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == expected


def test_older_bundle_keeps_question_151(tmp_path: Path) -> None:
    """R51A-1, held: a bundle collected before /usr/lib/pam.d was (its probes left out) keeps
    main's question for a missing /etc/pam.d/sshd, naming /usr/lib/pam.d/sshd as uncollected."""
    a = _scan_without(
        tmp_path,
        ("/usr/lib/pam.d/sshd",),
        {"sshd-effective": (SSHD_KBD_ONLY, 0), "/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": OTP},
    )
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == (
        "manual",
        UNAVAILABLE + "there is no /etc/pam.d/sshd, so Linux-PAM reads /usr/lib/pam.d/sshd, or "
        "where that does not exist the `other` service (/etc/pam.d/other, else "
        "/usr/lib/pam.d/other); none collected",
    )


# --- R51A-2: a rule function polkit registers in another spelling


def _manage(subject: str = "") -> str:
    test = f'action.id == "org.libvirt.unix.manage"{subject}'
    return f"{{\n  if ({test}) {{\n    return polkit.Result.YES;\n  }}\n}}"


RULE = f"function(action, subject) {_manage()}"
"""A rule function that lets every user manage libvirt."""
OPS_TEST = ' && subject.isInGroup("ops")'
OPS_RULE = f"function(action, subject) {_manage(OPS_TEST)}"
"""A rule function that lets group ops manage libvirt."""


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            f"function libvirtRule(action, subject) {_manage()}\npolkit.addRule(libvirtRule);\n",
            EVERY,
        ),
        (f"var libvirtRule = {RULE};\npolkit.addRule(libvirtRule);\n", EVERY),
        (
            f"const libvirtRule = (action, subject) => {_manage()};\npolkit.addRule(libvirtRule);\n",
            EVERY,
        ),
        (f'polkit["addRule"]({OPS_RULE});\n', OPS),
        (f"polkit.addRule.call(polkit, {RULE});\n", EVERY),
        (f"polkit.addRule.apply(polkit, [{RULE}]);\n", NOT_DIRECT),
        (
            "polkit.addRule(function(action, subject) {\n"
            '  if (action.id == "org.libvirt.unix.manage") {\n'
            '    return polkit.spawn(["/usr/local/bin/may-manage", subject.user]).trim();\n'
            "  }\n});\n",
            NOT_DIRECT,
        ),
        (f"var add = polkit.addRule;\nadd({RULE});\n", PASS2),
    ],
    ids=[
        "named-function",
        "named-expression",
        "named-arrow",
        "bracket",
        "call",
        "apply",
        "spawn-output",
        "held-alias-registers-nothing",
    ],
)
def test_registration_spelled_otherwise_142(host_scan, rules: str, expected) -> None:
    """R51A-2 (false pass) HVA-142: polkit registers any function polkit.addRule is called
    with on polkit (polkit's src/polkitbackend/init.js: `polkit.addRule =
    function(callback) {this._ruleFuncs.push(callback);}`): a function declared by name and
    passed as `polkit.addRule(libvirtRule)`, `polkit["addRule"](...)`, `.call(polkit, ...)`
    were read as no rule, and a rule returning polkit.spawn()'s output (a string:
    polkitbackendduktapeauthority.c js_polkit_spawn) with a method applied as granting
    nothing: HVA-142 counted no one for them. Held: `var add = polkit.addRule; add(f)` calls it
    with another `this` and registers nothing."""
    a = host_scan({"polkit-rules": _rules(rules), "/etc/group": GROUP})
    assert _142(a) == expected


def test_named_rule_socket_authorization_132(host_scan) -> None:
    """R51A-2 (false pass) HVA-132: the named rule function letting every user manage libvirt
    passed "auth_unix_rw = polkit" on main."""
    rules = f"function libvirtRule(action, subject) {_manage()}\npolkit.addRule(libvirtRule);\n"
    a = host_scan({"polkit-rules": _rules(rules), "/etc/group": GROUP})
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = polkit, but "
            "/usr/share/polkit-1/rules.d/50-ops.rules grant(s) org.libvirt.unix.manage with no "
            "subject test: every local user controls every VM"
        },
    )


# --- R51A-3: a subject test given to another operator


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        (' && (subject.isInGroup("ops") ^ 1)', _unresolved("isInGroup tested with '^'")),
        (' && (subject.isInGroup("ops") | true)', _unresolved("isInGroup tested with '|'")),
        (' && subject.isInGroup("ops") >= 0', _unresolved("isInGroup tested with '>='")),
        (' && typeof subject.isInGroup("ops")', _unresolved("isInGroup tested with 'typeof'")),
        (' && String(subject.isInGroup("ops"))', _unresolved("isInGroup tested with 'String('")),
        (' && (subject.user == "alice" | 1)', _unresolved("user tested with '|'")),
        (' && (subject.isInGroup("ops"))', OPS),
        (' && subject.isInGroup("ops") == true && subject.local', OPS),
    ],
    ids=[
        "xor",
        "bitwise-or",
        "compared-number",
        "typeof",
        "call-argument",
        "user-bitwise-or",
        "held-parenthesised",
        "held-compared-true",
    ],
)
def test_subject_test_operand_142(host_scan, test: str, expected) -> None:
    """R51A-3 (false pass) HVA-142: a subject test given to an operator other than `&&`, `||`
    and `!` (or compared with a boolean) was read as the accounts it names: `isInGroup("ops")
    ^ 1` is 1 for every account outside ops, `| true`, `>= 0`, `typeof`, `String(...)` are
    truthy for every account (ECMA-262 ToBoolean), so the rule lets every user manage libvirt
    where HVA-142 counted ops (R48A-3's class: `||` with an operand not read). Now such a test
    makes the grant unresolved, naming the operator. Held: a parenthesised test and one
    compared with true keep ops."""
    rules = f"polkit.addRule(function(action, subject) {_manage(test)});\n"
    a = host_scan({"polkit-rules": _rules(rules), "/etc/group": GROUP})
    assert _142(a) == expected


# --- R51A-4: sshd's Match blocks unread and internal-sftp

UNREAD_INCLUDE = {
    "/etc/passwd": PASSWD_SFTP,
    "/etc/group": GROUP_SFTP,
    "sshd-effective": (EXTERNAL, 0),
    "/etc/ssh/sshd_config": CONFIG + "Include /opt/ssh/sftp.conf\n",
}
"""Round 23's SFTP host (sftp1, sftp2 without a login shell; sshd's sftp-server external),
its sshd_config including a file outside /etc/ssh/sshd_config.d (not collected)."""
SHELLLESS = "daemon, libvirt-qemu, tss, sftp1, sftp2"


def test_unread_match_blocks_may_serve_sftp_140(host_scan) -> None:
    """R51A-4 (false pass) HVA-140: with sshd's Match blocks unread (an Include outside
    sshd_config.d), a block's `ForceCommand internal-sftp` (sshd_config(5) Match allows it;
    session.c runs internal-sftp without the account's shell, R23S-2) lets accounts without a
    login shell in for the host's files, and a block's AllowUsers/AllowGroups may admit them:
    HVA-140 passed "2 account(s) with a login shell" on main (round 23's lead). Now every
    account without a login shell is a candidate and the count is asked."""
    assert _140(host_scan(UNREAD_INCLUDE)) == (
        "manual",
        f"{LOGIN}; sshd may serve SFTP in-process (a Match block not read may set ForceCommand "
        "internal-sftp: /etc/ssh/sshd_config includes /opt/ssh/sftp.conf, outside "
        "/etc/ssh/sshd_config.d/ (not collected)), which runs no login shell, so accounts "
        f"without one may log in for files too: {SHELLLESS}",
        "Can at most 3 accounts log in to host hv1, SFTP-only accounts included? Evidence: for "
        f"each of {SHELLLESS} on host hv1, whether it can authenticate to sshd: `passwd -S "
        "NAME` (P: a usable password) and its authorized keys (AuthorizedKeysFile, "
        "AuthorizedKeysCommand). Pass: at most 3 accounts with a login shell or such "
        "credentials in all; fail: more.",
    )


def test_read_match_blocks_keep_pass_140(host_scan) -> None:
    """R51A-4, held: the same host with every Match block read (the Include's file in
    sshd_config.d, collected, setting nothing for SFTP) keeps main's pass."""
    over = {**UNREAD_INCLUDE, "/etc/ssh/sshd_config": CONFIG}
    assert _140(host_scan(over)) == ("pass", LOGIN, None)


def test_overridden_vendor_file_is_no_evidence_151(host_scan) -> None:
    """R51A-1, held: /etc/pam.d/sshd overrides /usr/lib/pam.d/sshd, which is then not listed
    among HVA-151's evidence (only the files of the stack libpam reads are)."""
    a = host_scan(
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "auth required pam_unix.so\n",
            "/usr/lib/pam.d/sshd": OTP,
        }
    )
    (result,) = [r for r in a.results if r.check.id == "HVA-151"]
    cited = [str(ref) for ref in result.outcome.evidence]
    assert any("etc/pam.d/sshd" in c for c in cited), cited
    assert not any("usr/lib/pam.d" in c for c in cited), cited
