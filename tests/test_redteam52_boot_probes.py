"""Red-team round 52 probes: boot, the next boot's line not read at all (r52boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM; kernel 6.1.0-28-amd64 runs, 6.1.0-27-
amd64 is also in /boot; 17 CPU vulnerabilities reported, none unmitigated). The boot-cmdline
probe's output by tests/test_redteam21_boot_probes.py's `_boot`, or a failed probe's.

Findings (R52B-n):

- R52B-1 (false pass; round 52's team decision) HVA-181 (checks._nextboot.next_boot_adds, new
  NextBoot.failed): where the boot-cmdline probe failed outright (grep: /boot/grub/grubenv:
  Permission denied, find: '/etc/default/grub.d': Permission denied to a non-root scan, the
  command missing, or a bundle of an older hvaudit without it), next_boot_adds returned None and
  HVA-181 passed "17 CPU vulnerabilities reported, none unmitigated" on /proc/cmdline and sysfs
  alone, though a mitigations=off in GRUB's defaults, /etc/kernel/cmdline or an entry's options
  turns them off at the next boot (R21B-1's reading: kernel-parameters.txt "mitigations=off ...
  Disable all optional CPU mitigations"). Now it asks which line the next boot takes, naming
  why it was not read and, where refused, the file to read as root (checks.base.
  lacked_permission). A probe that ran and found no GRUB (the host boots otherwise) keeps
  today's reading.

- R52B-2 (over-ask; round 52's team decision) HVA-181, HVA-180 (parse.host._sh_lines, new
  _SH_ARITH): a shift in an arithmetic expansion, `N=$((1<<2))` (or `$((N<<1))` in an echo),
  was taken for a here-document's start delimited by `2`, which never came: every later line
  was "in a here-document", so mitigations=off after it was asked, not failed, and the pin to
  the older kernel's entry asked R47B-4's question. POSIX Shell Command Language 2.6.4
  Arithmetic Expansion (`$((expression))`, C's operators; yash's POSIX test arith-p.sh
  'shift operators'). Now the expansions are taken out before a `<<` is looked for.

- R52B-3 (over-ask; round 52's team decision) HVA-181, HVA-180 (parse.host._sh_lines, new
  SH_CHILD_SHELL, read by _grub_defaults, _grub_default_kernel, _grub_distributor and
  _grub_submenu): an assignment inside a multi-line subshell `( ... )`, a function whose body
  is one (`f() (`) or a command substitution (`$(`, a backquote) runs in a child shell and
  never reaches grub-mkconfig's (POSIX Shell Command Language 2.9.4.1, 2.6.3; the bash manual's
  3.7.3 Command Execution Environment: "Changes made to the subshell environment cannot affect
  the shell's execution environment"), but it was asked (R48B-7, R51B-1): "quiet" there after
  mitigations=off, GRUB_DEFAULT=0 there after the pin to the older kernel's entry. Now such a
  line, opened before it and closed after it, is read as absent: both fail.

Held (kept as tests): the probe read, no GRUB defaults and no other source: the pass stands
(R52B-1); a here-document opened after an arithmetic expansion on its line still opens
(R52B-2); a function's `{ ... }` body and an assignment whose value a command substitution
opened on its line gives are still asked (R52B-3).

Probed by script: HVA-180 with grubenv refused already asks (the older kernel installed:
BOOT_DEFAULT_UNKNOWN's question, R51B-3 names the file); not kept here.

Tally: 3 findings (1 false pass, 2 over-asks, all the team's decisions); 18 cases in 9 test
functions. R52B-1: on main 0583ca87 4 of 4 failed (4 false passes of HVA-181); its held case
passed before and after. R52B-2: on main 733438e8 4 of 4 failed (4 over-asks: 3 of HVA-181, 1
of HVA-180); its held case passed before and after. R52B-3: on main 85f04641 6 of 6 failed (6
over-asks: 5 of HVA-181, 1 of HVA-180); its 2 held cases passed before and after; R48B-7's and
4 of R51B-1's cases, which encoded the question, read it as absent now (their own commit).
R21B's held older-bundle case encoded the pass on an unread next boot: changed in its own
commit.

Leads left:
- next_boot_adds(unread_asks=True) is taken by HVA-181 only: HVA-052 (pcie_acs_override), the
  IOMMU, LSM and arm64 nested-mode checks (devices.py, guest.py) still pass on /proc/cmdline
  where the probe failed outright.
- Team decision 4 (mds=off with an active TAA mitigation, a possible wrong fail) not reached.
- R52B-3 reads only multi-line child shells; a one-line `( GRUB_DEFAULT=0 )` or
  `X=$(GRUB_CMDLINE_LINUX_DEFAULT=quiet)` is still asked (an over-ask).
- A `<<` inside quotes (`echo "a <<EOF"`) still opens a here-document (an over-ask).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from hvaudit.collect.host import command_artefact
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_redteam21_boot_probes import _boot
from test_redteam45_boot_probes import _older

NONE = "17 CPU vulnerabilities reported, none unmitigated"
UNREAD = "the next boot's kernel command line could not be read"


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


def _asked(why: str) -> str:
    return (
        f"Does the next boot of host hv1 leave out every kernel parameter that turns mitigations "
        f"off, although {why}? Evidence: the `linux` line of the default entry in "
        "/boot/grub/grub.cfg (`grub-mkconfig -o /dev/stdout`) with `grub-editenv list`, "
        "/etc/kernel/cmdline, and the `options` lines of the boot loader's entries (`bootctl "
        "list`), whichever the host boots by."
    )


FAIL = (
    " Pass: yes, the line the next boot takes has none of them; fail: it boots with one of them "
    "(the flaw is unmitigated)."
)


# --- R52B-1: the next boot's line not read at all (round 52's team decision) --------------------


@pytest.mark.parametrize(
    ("probe", "why", "refused"),
    [
        (("", 1, "grep: /boot/grub/grubenv: Permission denied"), None, "/boot/grub/grubenv"),
        (("", 1, "find: '/etc/default/grub.d': Permission denied"), None, "/etc/default/grub.d"),
        (None, f"{UNREAD} (command not found)", ""),
    ],
    ids=["grubenv-refused", "grub.d-refused", "command-not-found"],
)
def test_r52b_1_next_boot_not_read_asks(host_scan, probe, why: str | None, refused: str) -> None:
    """R52B-1 (false pass) HVA-181: the boot-cmdline probe failed (grubenv or grub.d refused to
    a non-root scan, the command missing): it passed on the running kernel alone; now the
    question names why, and the refused file to be read as root."""
    why = why or f"{UNREAD} ({probe[2]})"
    a = host_scan({"boot-cmdline": probe})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but {why}: whether the next boot's line turns mitigations off is "
        "not known"
    }
    said = (
        f" The scan lacked permission to read {refused} (Permission denied): read it as root."
        if refused
        else ""
    )
    assert _question(a, "HVA-181") == _asked(why) + said + FAIL


def test_r52b_1_older_bundle_without_the_probe_asks(older_bundle_scan) -> None:  # noqa: F811
    """R52B-1 (false pass) HVA-181: a bundle of an older hvaudit, without the boot-cmdline
    probe: the next boot's line was never read, and it passed; now it asks."""
    a = older_bundle_scan({}, gone=command_artefact("boot-cmdline"))
    why = (
        "the next boot's kernel command line was not read (host/commands/boot-cmdline.txt was "
        "not collected)"
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but {why}: whether the next boot's line turns mitigations off is "
        "not known"
    }
    assert _question(a, "HVA-181") == _asked(why) + FAIL


def test_r52b_1_held_probe_read_without_grub_passes(host_scan) -> None:
    """R52B-1 (held): the probe ran and found no GRUB defaults nor another source (the host
    boots otherwise): the running kernel's verdict stands."""
    a = host_scan({"boot-cmdline": _boot(grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": NONE}


# --- R52B-2: a shift in an arithmetic expansion is no here-document (round 52's team decision) --

PIN_CFG = "/etc/default/grub.d/pin.cfg"
OLD = "'Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64'"
OFF = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet mitigations=off"\n'


@pytest.mark.parametrize(
    "arith", ["N=$((1<<2))\n", "N=$(( (1 << 2) + 1 ))\n", 'echo "$((N<<1))"\n'], ids=str
)
def test_r52b_2_shift_is_no_heredoc_mitigations(host_scan, arith: str) -> None:
    """R52B-2 (over-ask) HVA-181: `$((1<<2))` before mitigations=off opened a here-document
    delimited by `2` that never ended: mitigations=off was asked as "in a here-document"; it is
    a shift (POSIX 2.6.4), and the next boot turns mitigations off."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, arith + OFF))})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: mitigations=off in {PIN_CFG}"
    }


def test_r52b_2_shift_is_no_heredoc_default(host_scan) -> None:
    """R52B-2 (over-ask) HVA-180: `$((1<<2))` before the pin to the older kernel's entry: it
    was asked; it is read, and fails."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, f"N=$((1<<2))\nGRUB_DEFAULT={OLD}\n"))})
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == _older("GRUB_DEFAULT")


def test_r52b_2_held_heredoc_after_arithmetic_still_opens(host_scan) -> None:
    """R52B-2 (held): a here-document opened after an arithmetic expansion on its line still
    makes its text no command: mitigations=off inside it is asked, not read."""
    text = "N=$((1<<2)); cat >/dev/null <<EOF\n" + OFF + "EOF\n"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but {PIN_CFG} sets GRUB_CMDLINE_LINUX_DEFAULT in a here-document: "
        f"`{OFF.strip()}`, which hvaudit cannot evaluate: whether the next boot's line turns "
        "mitigations off is not known"
    }


# --- R52B-3: an assignment a child shell runs never reaches grub-mkconfig's (team decision) -----

ON = '  GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'


@pytest.mark.parametrize(
    "text",
    [
        OFF + "(\n" + ON + ")\n",
        OFF + "fast() (\n" + ON + ")\n",
        OFF + "X=$(\n" + ON + ")\n",
        OFF + "X=`\n" + ON + "`\n",
        OFF + "(\n  fast() {\n" + ON + "  }\n)\n",
    ],
    ids=["subshell", "function-subshell", "dollar-paren", "backquote", "group-in-subshell"],
)
def test_r52b_3_child_shell_assignment_is_absent(host_scan, text: str) -> None:
    """R52B-3 (over-ask) HVA-181: "quiet" assigned inside a subshell, a function whose body is a
    subshell, or a command substitution, after mitigations=off: it was asked (R51B-1's
    unsettled line); it never reaches grub-mkconfig's shell, and mitigations=off stands."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: mitigations=off in {PIN_CFG}"
    }


def test_r52b_3_child_shell_default_is_absent(host_scan) -> None:
    """R52B-3 (over-ask) HVA-180: GRUB_DEFAULT=0 in a subshell after the pin to the older
    kernel's entry: it was asked; the pin stands, and it fails."""
    text = f"GRUB_DEFAULT={OLD}\n(\n  GRUB_DEFAULT=0\n)\n"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == _older("GRUB_DEFAULT")


@pytest.mark.parametrize(
    ("text", "body", "line"),
    [
        (OFF + "fast() {\n" + ON + "}\n", "in a condition's body", ON.strip()),
        (
            "GRUB_CMDLINE_LINUX_DEFAULT=$(\n  echo quiet\n)\n",
            "in a command substitution",
            "GRUB_CMDLINE_LINUX_DEFAULT=$(",
        ),
    ],
    ids=["function-group", "substitution-opened-on-the-line"],
)
def test_r52b_3_held_shell_bodies_still_asked(host_scan, text: str, body: str, line: str) -> None:
    """R52B-3 (held): a function's `{ ... }` body may run in the shell if called, and an
    assignment whose value a command substitution gives reaches it: both still asked."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but {PIN_CFG} sets GRUB_CMDLINE_LINUX_DEFAULT {body}: `{line}`, "
        "which hvaudit cannot evaluate: whether the next boot's line turns mitigations off is "
        "not known"
    }
