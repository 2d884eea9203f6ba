"""Red-team round 51 probes: boot, shell code in GRUB's defaults (r51boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM; kernel 6.1.0-28-amd64 runs, 6.1.0-27-
amd64 is also in /boot; 17 CPU vulnerabilities reported, none unmitigated). The next boot's
files by tests/test_redteam21_boot_probes.py's `_boot` (Debian's /etc/default/grub with
GRUB_DEFAULT=0 and GRUB_CMDLINE_LINUX_DEFAULT="quiet" first), a drop-in after it.

Findings (R51B-n):

- R51B-1 (false pass) HVA-181, HVA-180 (parse.host._grub_defaults, new _sh_lines shared with
  _grub_default_kernel, _grub_distributor, _grub_submenu): GRUB's defaults were read line by
  line with no multi-line shell structure: GRUB_CMDLINE_LINUX_DEFAULT="quiet" in a multi-line
  if/then body, a function's body, a `... && {` group, a subshell, a command substitution
  (`X=$(` or a backquote spanning lines) or a here-document's text replaced the drop-in's
  "quiet mitigations=off", and HVA-181 passed "none unmitigated" though the next boot may turn
  mitigations off; for HVA-180, GRUB_DEFAULT=0 in a multi-line `$(` ... `)` or a here-document
  stood over the pin to the older kernel's entry, and it passed. POSIX Shell Command Language
  2.6.3 (a command substitution runs in a subshell), 2.7.4 (a here-document's lines are the
  command's input, up to the delimiter), 2.9.4/2.9.5 (grouping, function definition; R47B-6,
  R48B-3, R48B-7's readings). Now _sh_lines, one reader of that structure, tells each line's
  body: HVA-181's line is unsettled (R23B-1's "which hvaudit cannot evaluate" question, naming
  the body), HVA-180 asks R47B-4's question naming it; GRUB_DISTRIBUTOR and
  GRUB_DISABLE_SUBMENU in a body are unread.

- R51B-2 (over-ask; round 51's team decision) HVA-180, HVA-181 (parse.host._grub_default_kernel
  and _grub_defaults, new _sh_paired): an `if ...; then A=X; [elif ...; then A=X;] else A=X;
  fi` (one line or several) whose every branch is one assignment of the same literal was asked
  (R47B-4's question, R23B-1's unsettled line), though one branch runs whatever the conditions
  give (POSIX Shell Command Language 2.9.4.4, the if construct's `else`), so A holds X after
  it. Now it is read as `A=X`: the older kernel's entry in both branches fails, 0 in both after
  a pin passes, mitigations=off in both fails.

- R51B-3 (wording; round 51's team decision) HVA-180, HVA-181 (new checks.base.
  lacked_permission): a non-root scan refused the ESP's images (find: '/efi/EFI/Linux':
  Permission denied), an ESP entry, grubenv, or /sys/devices/system/cpu/smt/control: the item
  stayed a question, but the question said only "the message says why the scan could not" (or
  nothing), not that the scan lacked permission nor which file answers. Now the question names
  each refused path (the host's path for a bundle artefact host/files/...) to be read as root,
  before " Pass: ". A question of several parts (joint_question) is left as it is.

- R51B-4 (false pass) HVA-181, HVA-180 (parse.host._sh_lines, new _sh_quote_open): a quote left
  open at a line's end (NOTE=' then lines, then ') makes the lines up to its close part of one
  word (POSIX Shell Command Language 2.2.2, 2.2.3), but each was read as a command:
  GRUB_CMDLINE_LINUX_DEFAULT="quiet" inside it replaced mitigations=off (HVA-181 passed), and
  GRUB_DEFAULT=0 inside it stood over the pin to the older kernel (HVA-180 passed). Now such a
  line is "in a quoted string": the cmdline is unsettled, GRUB_DEFAULT asks R47B-4's question.

- R51B-5 (false pass) HVA-181, HVA-180 (parse.host._sh_quote_open, _sh_lines): a backslash
  ending a line outside quotes joins the next line to its command (POSIX Shell Command
  Language 2.2.1 Escape Character), so after an `echo` line ending in a backslash,
  GRUB_CMDLINE_LINUX_DEFAULT="quiet" or GRUB_DEFAULT=0 is an argument of echo, but it was
  read as an assignment: HVA-181 passed over mitigations=off, HVA-180 over the pin to the
  older kernel. Now such a line is "in a continued command" (unsettled; R47B-4's question).

Held (kept as tests): an assignment after the body closes (a `fi`, a `)`, a here-document's
delimiter) stands (R51B-1); branches that differ, an if without else, a branch with another
command, and paired branches inside a function's body are still asked (R51B-2); find not found
(no refusal) keeps the generic question (R51B-3); an assignment after a closed quote, and an
apostrophe in a comment or in double quotes, keep mitigations=off read (R51B-4); a backslash
ending a comment or an escaped one continues nothing (R51B-5).

Probed by script, not kept: none.

Tally: 5 findings (3 false passes, 1 over-ask and 1 wording of the team decision); 35 cases in
19 test functions. R51B-1: on main 363d3bc 9 of 9 failed (9 false passes: 7 of HVA-181, 2 of HVA-180);
its 3 held cases passed before and after. R51B-2: on main 34aba57 4 of 4 failed (4 over-asks:
3 of HVA-180, 1 of HVA-181); its 4 held cases passed before and after. R51B-3: on main
1c713aa 5 of 5 failed (5 questions without the refused file: 3 of HVA-180, 2 of HVA-181); its
held case passed before and after. R51B-4: on main f77d88a 3 of 3 failed (3 false passes: 2
of HVA-181, 1 of HVA-180); its 3 held cases passed before and after. R51B-5: on main bb4a5ef
2 of 2 failed (2 false passes: 1 of HVA-181, 1 of HVA-180); its held case passed before and
after.

Leads left:
- mds=off alone (probed by script, not kept): the conftest CPU reports mds "Not affected", so
  it passes rightly; on an MDS- and TAA-affected CPU HVA-181 fails it, though the kernel's
  parameter docs say an active TAA (or MMIO, RFDS) mitigation keeps the shared VERW clearing
  on (mds=off "can be prevented by an active TAA mitigation"): a possible wrong fail, never a
  false pass; mitigations=/spectre_v2=/pti= duplicates read last-wins and held.
- A computed GRUB_DISTRIBUTOR (Debian's `lsb_release -i -s`) is not evaluated from
  /etc/os-release: any "X GNU/Linux" is taken as 10_linux's (R47B-5).
- R51B-3: only HVA-180 and HVA-181 name a refused file in the question; checks.base.unknown's
  generic question (every other check) and a joint question of several parts do not yet.
- HVA-181 passes "none unmitigated" where the boot-cmdline probe failed outright (grubenv
  refused): next_boot_adds returns None, "today's verdict stands" (its docstring); whether a
  next boot's line not read at all should be asked is a team decision.
- R48B-7/R51B-1: an assignment in a subshell or command substitution never reaches grub-
  mkconfig's shell; it is asked, not read as absent (an over-ask, not a false pass), as is one
  in a function whose body is a subshell (`f() (`).
- A here-document's delimiter found in `$((1<<2))` arithmetic opens a here-document that never
  ends: every later assignment is asked (an over-ask).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot
from test_redteam45_boot_probes import PASS, _older

PIN_CFG = "/etc/default/grub.d/pin.cfg"
OLD = "'Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64'"
OFF = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet mitigations=off"\n'
ON = '  GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'
NONE = "17 CPU vulnerabilities reported, none unmitigated"


def _unsettled(body: str) -> str:
    return (
        f"{NONE} now, but {PIN_CFG} sets GRUB_CMDLINE_LINUX_DEFAULT {body}: "
        '`GRUB_CMDLINE_LINUX_DEFAULT="quiet"`, which hvaudit cannot evaluate: whether the next '
        "boot's line turns mitigations off is not known"
    )


# --- R51B-1: an assignment in a multi-line shell body -------------------------------------------


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (OFF + "if [ -e /etc/fast ]; then\n" + ON + "fi\n", "in a condition's body"),
        (OFF + "fast() {\n" + ON + "}\n", "in a condition's body"),
        (OFF + "[ -e /etc/fast ] && {\n" + ON + "}\n", "in a condition's body"),
        (OFF + "cat >/dev/null <<'EOF'\n" + ON + "EOF\n", "in a here-document"),
    ],
    # R52B-3: the subshell and command substitution cases are read as absent now (a child
    # shell's assignment never reaches grub-mkconfig's; tests/test_redteam52_boot_probes.py)
    ids=["if-body", "function", "and-group", "heredoc"],
)
def test_r51b_1_cmdline_in_a_body_is_unsettled(host_scan, text: str, body: str) -> None:
    """R51B-1 (false pass) HVA-181: mitigations=off in the drop-in, then "quiet" in a multi-line
    body that may not run (or runs in a child shell, or is a here-document's text): it replaced
    mitigations=off and "none unmitigated" passed."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": _unsettled(body)}


def _ask(line: str, body: str) -> str:
    return (
        "evidence unavailable: which entry the boot loader starts next is not known "
        f"(GRUB_DEFAULT is set by shell code hvaudit does not evaluate ({PIN_CFG}: {line!r} "
        f"({body})): which entry it names is not read; kernel 6.1.0-28-amd64 runs; older "
        "kernels installed: 6.1.0-27-amd64)"
    )


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            f"GRUB_DEFAULT={OLD}\ncat >/dev/null <<-EOF\n\tGRUB_DEFAULT=0\n\tEOF\n",
            "in a here-document",
        ),
    ],
    # R52B-3: the command substitution's case is read as absent now
    ids=["heredoc"],
)
def test_r51b_1_default_in_a_body_asks(host_scan, text: str, body: str) -> None:
    """R51B-1 (false pass) HVA-180: the drop-in pins the older kernel's entry, then
    GRUB_DEFAULT=0 in a multi-line command substitution or a here-document's text stood over
    it, and "no pending security update" passed."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": _ask("GRUB_DEFAULT=0", body)}


@pytest.mark.parametrize(
    "text",
    [
        "if [ -e /etc/fast ]; then\n  echo fast\nfi\n" + OFF,
        "X=$(\n  echo a\n)\n" + OFF,
        "cat >/dev/null <<EOF\n  fast=1\nEOF\n" + OFF,
    ],
    ids=["after-fi", "after-paren", "after-heredoc"],
)
def test_r51b_1_assignment_after_a_body_stands(host_scan, text: str) -> None:
    """R51B-1 (held): mitigations=off assigned after the body closes is the next boot's."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: mitigations=off in {PIN_CFG}"
    }


# --- R51B-2: an if whose every branch assigns one literal (round 51's team decision) -------------


@pytest.mark.parametrize(
    "text",
    [
        f"if [ -e /etc/pin ]; then GRUB_DEFAULT={OLD}; else GRUB_DEFAULT={OLD}; fi\n",
        f'if [ -e /etc/pin ]\nthen\n  GRUB_DEFAULT={OLD}\nelif [ "$PIN" = y ]; then\n'
        f"  GRUB_DEFAULT={OLD}  # the same\nelse\n  GRUB_DEFAULT={OLD}\nfi\n",
    ],
    ids=["one-line", "multi-line-elif"],
)
def test_r51b_2_paired_branches_pin_the_older_kernel(host_scan, text: str) -> None:
    """R51B-2 (over-ask, team decision) HVA-180: every branch assigns the older kernel's entry,
    so it is the default whichever runs; R47B-4's question was asked."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == _older("GRUB_DEFAULT")


def test_r51b_2_paired_branches_of_zero_after_a_pin_pass(host_scan) -> None:
    """R51B-2 (over-ask, team decision) HVA-180: the pin to the older kernel, then an if/else
    that sets 0 (quoted or not) in both branches: the newest kernel's entry boots."""
    text = (
        f"GRUB_DEFAULT={OLD}\nif [ -e /etc/pin ]; then GRUB_DEFAULT=0; else GRUB_DEFAULT='0'; fi\n"
    )
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


def test_r51b_2_paired_branches_turn_mitigations_off(host_scan) -> None:
    """R51B-2 (over-ask, team decision) HVA-181: both branches assign mitigations=off: the next
    boot turns them off whichever runs (R21B-1's fail), not the unsettled line's question."""
    text = f"if [ -e /etc/fast ]; then {OFF.strip()}; else {OFF.strip()}; fi\n"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: mitigations=off in {PIN_CFG}"
    }


@pytest.mark.parametrize(
    "text",
    [
        f"if [ -e /etc/pin ]; then GRUB_DEFAULT={OLD}; else GRUB_DEFAULT=0; fi\n",
        f"if [ -e /etc/pin ]; then GRUB_DEFAULT={OLD}; fi\n",
        f"if [ -e /etc/pin ]; then GRUB_DEFAULT={OLD}; pin; else GRUB_DEFAULT={OLD}; fi\n",
    ],
    ids=["branches-differ", "no-else", "another-command"],
)
def test_r51b_2_unpaired_branches_still_ask(host_scan, text: str) -> None:
    """R51B-2 (held): branches that differ, an if without else, or a branch with another command
    (which may change the value) stay R47B-4's question."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: which entry the boot loader starts next is not known "
        f"(GRUB_DEFAULT is set by shell code hvaudit does not evaluate ({PIN_CFG}: "
        f"{text.strip()[:80]!r}): which entry it names is not read; kernel 6.1.0-28-amd64 runs; "
        "older kernels installed: 6.1.0-27-amd64)"
    }


def test_r51b_2_paired_branches_in_a_function_ask(host_scan) -> None:
    """R51B-2 (held): paired branches inside a function's body run only where it is called."""
    line = f"if [ -e /etc/pin ]; then GRUB_DEFAULT={OLD}; else GRUB_DEFAULT={OLD}; fi"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, f"pin() {{\n{line}\n}}\n"))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": _ask(line[:80], "in a condition's body")}


# --- R51B-3: a file the scan was refused is named in the question (round 51's team decision) -----


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


@pytest.mark.parametrize(
    ("over", "path"),
    [
        ({"boot-uki": ("", 1, "find: '/efi/EFI/Linux': Permission denied\n")}, "/efi/EFI/Linux"),
        (
            {
                "boot-cmdline": ("", 1, "grep: /efi/loader/entries/x.conf: Permission denied"),
                "boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n", 0),
            },
            "/efi/loader/entries/x.conf",
        ),
        ({"boot-cmdline": ("", 1, "grep: /boot/grub/grubenv: Permission denied")}, ""),
    ],
    ids=["esp-images", "esp-entries", "grubenv"],
)
def test_r51b_3_refused_file_named_in_the_question(host_scan, over, path: str) -> None:
    """R51B-3 (wording, team decision) HVA-180: a non-root scan refused the ESP's images, an
    ESP entry or grubenv: the question said only "the message says why the scan could not";
    now it says the scan lacked permission and names the file, to be read as root."""
    path = path or "/boot/grub/grubenv"
    a = host_scan(over)
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    q = _question(a, "HVA-180")
    said = f" The scan lacked permission to read {path} (Permission denied): read it as root."
    assert q.endswith(f"could not).{said} Pass: yes, it holds; fail: it does not."), q
    assert q.count("lacked permission") == 1, q


def test_r51b_3_refused_images_named_in_the_mitigations_question(host_scan) -> None:
    """R51B-3 (wording, team decision) HVA-181: the ESP's images refused to a non-root scan: the
    question names /efi/EFI/Linux as refused, before its verdicts."""
    a = host_scan({"boot-uki": ("", 1, "find: '/efi/EFI/Linux': Permission denied\n")})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    q = _question(a, "HVA-181")
    assert (
        "loader/addons/*.addon.efi on the EFI system partition). The scan lacked permission to "
        "read /efi/EFI/Linux (Permission denied): read it as root. Pass: yes, the line of every "
        "image"
    ) in q, q


def test_r51b_3_held_no_refusal_keeps_the_question(host_scan) -> None:
    """R51B-3 (held): find not found (no refusal) adds no permission sentence."""
    a = host_scan({"boot-uki": None})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert _question(a, "HVA-180") == (
        "Does this hold for this host: the running kernel is the newest installed one (no reboot "
        "pending)? Evidence: the setting, file or command output it names, read where it lives "
        "(the message says why the scan could not). Pass: yes, it holds; fail: it does not."
    )


def test_r51b_3_refused_sysfs_file_named_by_its_host_path(host_scan) -> None:
    """R51B-3 (wording, team decision) HVA-181: spectre_v2 reports STIBP: disabled and the SMT
    control file was refused; the message names the bundle's artefact (host/files/sys/...), the
    question names the host's path."""
    from test_network_leads import _kernel_without

    v2 = "Mitigation: Retpolines; IBPB: conditional; STIBP: disabled; RSB filling"
    a = host_scan(
        {
            "cpu-vulnerabilities": (_kernel_without(spectre_v2=v2), 0),
            "/sys/devices/system/cpu/smt/control": PermissionError("Permission denied"),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert _question(a, "HVA-181").endswith(
        "spectre_v2 line of /sys/devices/system/cpu/vulnerabilities. The scan lacked permission "
        "to read /sys/devices/system/cpu/smt/control (Permission denied): read it as root. Pass: "
        "SMT control is off, forceoff or notsupported, or spectre_v2 no longer says STIBP: "
        "disabled; fail: SMT is on and STIBP is disabled."
    ), _question(a, "HVA-181")


# --- R51B-4: an assignment inside a quoted string spanning lines ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        OFF + "NOTE='\n" + ON + "'\n",
        OFF + 'NOTE="\n  GRUB_CMDLINE_LINUX_DEFAULT=quiet\n"\n',
    ],
    ids=["single-quotes", "double-quotes"],
)
def test_r51b_4_cmdline_in_a_quoted_string_is_unsettled(host_scan, text: str) -> None:
    """R51B-4 (false pass) HVA-181: a line inside another variable's quoted value (a newline in
    quotes is part of the word) replaced mitigations=off, and "none unmitigated" passed."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    line = text.splitlines()[2].strip()
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but {PIN_CFG} sets GRUB_CMDLINE_LINUX_DEFAULT in a quoted string: "
        f"`{line}`, which hvaudit cannot evaluate: whether the next boot's line turns "
        "mitigations off is not known"
    }


def test_r51b_4_default_in_a_quoted_string_asks(host_scan) -> None:
    """R51B-4 (false pass) HVA-180: GRUB_DEFAULT=0 inside a quoted value stood over the pin to
    the older kernel's entry, and "no pending security update" passed."""
    text = f"GRUB_DEFAULT={OLD}\nNOTE='pinned:\n  GRUB_DEFAULT=0\n'\n"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": _ask("GRUB_DEFAULT=0", "in a quoted string")}


@pytest.mark.parametrize(
    "text",
    [
        "NOTE='a\nb'\n" + OFF,
        "# don't\n" + OFF,
        'NOTE="it\'s"\n' + OFF,
    ],
    ids=["after-close", "apostrophe-in-comment", "apostrophe-in-double-quotes"],
)
def test_r51b_4_assignment_after_a_closed_quote_stands(host_scan, text: str) -> None:
    """R51B-4 (held): a quote closed before the assignment, or an apostrophe in a comment or
    inside double quotes, leaves mitigations=off read."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: mitigations=off in {PIN_CFG}"
    }


# --- R51B-5: an assignment on a continued command's line ----------------------------------------


def test_r51b_5_cmdline_after_a_line_continuation_is_unsettled(host_scan) -> None:
    """R51B-5 (false pass) HVA-181: `echo \\` then GRUB_CMDLINE_LINUX_DEFAULT="quiet" on the next
    line is one more argument of echo (a backslash-newline joins the lines), but it replaced
    mitigations=off, and "none unmitigated" passed."""
    text = OFF + "echo \\\n" + ON
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": _unsettled("in a continued command")}


def test_r51b_5_default_after_a_line_continuation_asks(host_scan) -> None:
    """R51B-5 (false pass) HVA-180: GRUB_DEFAULT=0 as an argument of the command continued onto
    its line stood over the pin to the older kernel's entry, and it passed."""
    text = f"GRUB_DEFAULT={OLD}\necho \\\n  GRUB_DEFAULT=0\n"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": _ask("GRUB_DEFAULT=0", "in a continued command")}


def test_r51b_5_held_backslash_in_a_comment_or_escaped(host_scan) -> None:
    """R51B-5 (held): a backslash ending a comment, or an escaped one (`\\\\`), continues
    nothing: the assignment after it stands."""
    text = "# see \\\necho a\\\\\n" + OFF
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: mitigations=off in {PIN_CFG}"
    }
