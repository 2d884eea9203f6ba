"""Red-team round 42 probes: boot, GRUB's variables hvaudit could not read (r42boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM). The next boot's line by
tests/test_redteam21_boot_probes.py's `_boot`/`_grub` (Debian's /etc/default/grub) with a
custom GRUB entry (/etc/grub.d/40_custom) and custom.cfg; a RHEL 8 host by
tests/test_redteam26_boot_probes.py's `_rhel8`/`_entry`/`_grubenv`.

Findings (R42B-n):

- R42B-1 (false pass) HVA-181, HVA-043 and every check of the next boot's words (parse.host.
  _grub_expand, checks._nextboot.next_boot_adds; new BootCmdline.unsettled): a source whose
  GRUB variables hvaudit could not read, with no weakening word among the words it did read,
  passed (next_boot_adds returned None: today's verdict stood). GRUB expands a variable inside
  a larger argument too (grub-core/script/execute.c grub_script_arglist_to_argv appends the
  value's first piece to the argument, each later piece its own argument), so a 40_custom
  entry's `mitigations=$m` with grubenv's m=off passed HVA-181 and HVA-043 (`x$extra`
  alike); custom.cfg's `set extra=mitigations=off` (grub.cfg sources it after load_env,
  util/grub.d/41_custom.in; GRUB's `set`) for an entry's `$extra` that grubenv lacks passed;
  a grubenv value with a backslash (not read, grub-core/lib/envblk.c escapes) passed, and a
  RHEL 8 entry `options $kernelopts $tuned_params` whose kernelopts is such a value (words
  None) passed. Now such a source, where no source adds a weakening word, is R23K-1's question
  of GRUB's line not evaluated, naming the source and its variables, its evidence now the
  values GRUB gives its variables (`grub-editenv list`, the `set` lines of grub.cfg and
  custom.cfg). A whole-argument variable grubenv (read) lacks that no collected script names
  stays known empty (round 41's team decision).
- R42B-2 (false pass) HVA-181 and every check of the next boot's words (parse.host.
  _grubenv_split, _grub_expand's `split`): two GRUB environment blocks that differ
  (/boot/grub2/grubenv and /boot/grub/grubenv; _grubenv returns None, which one grub.cfg's
  $prefix names is not read) left every variable known empty as where none is collected, so a
  RHEL 8 entry's `$kernelopts $tuned_params` with mitigations=off in one block's kernelopts
  was words-None and passed. Now every variable there may hold any word: R42B-1's question.

Held (kept as tests): `$extra` grubenv lacks, no script setting it, keeps HVA-181's pass (known
empty); RHEL 8's `$kernelopts $tuned_params`, grubenv with kernelopts only, keeps its pass
(R26B-1).

Probed by script, not kept: none.

No e2e run (libvirtd stopped for CI this round): the e2e host has no /etc/default/grub, GRUB
environment block, custom GRUB entry or Boot Loader Specification entry, so the change cannot
reach the e2e-* verdicts.

Tally: 2 findings (2 false passes); 9 cases in 4 test functions. R42B-1: on main 5a31bfe 6 of 6
failed (6 false passes: 5 of HVA-181, 1 of HVA-043); its 2 held cases passed before and after.
R42B-2: on main 0b48512 1 of 1 failed (a false pass).

Leads left:
- Where no GRUB environment block is collected at all, R26B-1 keeps the pass (kernelopts'
  fallback is GRUB_CMDLINE_LINUX's words); a variable other than kernelopts there stays known
  empty.
- _grub_default_kernel reads next_entry/saved_entry from _grubenv, None where two blocks
  differ: the default entry is then GRUB_DEFAULT's, not asked (not probed).
- A variable inside a larger argument could be expanded as GRUB does (first piece appended)
  rather than asked; asked here (cautious).
- The team decision on a variable grubenv lacks (known empty, though grub.cfg, not collected,
  may set it) stands.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_redteam21_boot_probes import _boot, _grub
from test_redteam26_boot_probes import ENTRY as BLS
from test_redteam26_boot_probes import KERNELOPTS, RUNNING, _entry, _grubenv, _rhel8

PASS = "17 CPU vulnerabilities reported, none unmitigated"
APPARMOR = "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing; but "
DEB_ENV = "/boot/grub/grubenv"
C40 = "/etc/grub.d/40_custom line 2"
ENTRY = BLS.format(RUNNING)


def _custom(line: str, path: str = "/etc/grub.d/40_custom") -> tuple[str, str]:
    """A custom GRUB entry whose `linux` line ends with `line`."""
    return (path, f"menuentry 'x' {{\n linux /vmlinuz root=/dev/sda1 {line}\n}}")


def _deb(*files: tuple[str, str]) -> dict:
    return {"boot-cmdline": _boot(_grub("quiet"), *files, grub=False)}


def _unread(src: str, args: str, does: str) -> str:
    return (
        f"{src} takes GRUB's variables in `{args}`, which hvaudit cannot evaluate: whether the "
        f"next boot's line {does} is not known"
    )


CASES = [
    (_deb(_custom("quiet mitigations=$m"), _grubenv("m=off", path=DEB_ENV)), C40, "mitigations=$m"),
    (
        _deb(_custom("quiet x$extra"), _grubenv("extra=1 mitigations=off", path=DEB_ENV)),
        C40,
        "x$extra",
    ),
    (
        _deb(_custom("quiet $extra"), ("/boot/grub/custom.cfg", "set extra=mitigations=off\n")),
        C40,
        "$extra",
    ),
    (
        _deb(_custom("quiet $extra"), _grubenv("extra=mitigations=off\\\\", path=DEB_ENV)),
        C40,
        "$extra",
    ),
    (
        _rhel8(_entry(RUNNING), _grubenv(KERNELOPTS + " mitigations=off\\\\")),
        ENTRY,
        "$kernelopts",
    ),
]


@pytest.mark.parametrize(
    ("files", "src", "args"),
    CASES,
    ids=["in-an-argument", "prefix", "custom.cfg", "backslash", "bls"],
)
def test_r42b_1_unread_grub_variables_are_asked(
    host_scan, files: dict, src: str, args: str
) -> None:
    """R42B-1 (false pass) HVA-181: a GRUB variable hvaudit could not read (inside a larger
    argument, set by custom.cfg, a grubenv value with a backslash) may hold mitigations=off;
    no weakening word among the words read passed. Now R23K-1's question, naming it."""
    a = host_scan(files)
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{PASS} now, but {_unread(src, args, 'turns mitigations off')}"
    }
    said = question_line(a, "HVA-181", "hv1")
    assert f"although hvaudit could not evaluate GRUB's line ({src} takes GRUB's" in said, said
    assert "(`grub-editenv list`, the `set` lines of grub.cfg and custom.cfg)" in said, said


def test_r42b_1_apparmor(host_scan) -> None:
    """R42B-1 (false pass) HVA-043: `apparmor=$a`, grubenv's a=0, keeps AppArmor from
    starting on that entry; it passed."""
    a = host_scan(_deb(_custom("quiet apparmor=$a"), _grubenv("a=0", path=DEB_ENV)))
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": APPARMOR + _unread(C40, "apparmor=$a", "keeps apparmor from starting")
    }


@pytest.mark.parametrize(
    "files",
    [
        _deb(_custom("quiet $extra"), _grubenv("other=mitigations=off", path=DEB_ENV)),
        _rhel8(_entry(RUNNING), _grubenv(KERNELOPTS)),
    ],
    ids=["grubenv-lacks-it", "rhel-tuned-params-unset"],
)
def test_r42b_1_held_known_empty(host_scan, files: dict) -> None:
    """R42B-1 held: a whole-argument variable grubenv lacks and no collected script sets is
    known empty (round 41's team decision): the pass stands."""
    a = host_scan(files)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": PASS}


# --- R42B-2: two GRUB environment blocks that differ ----------------------------------------------


def test_r42b_2_two_grubenv_blocks_that_differ(host_scan) -> None:
    """R42B-2 (false pass) HVA-181: /boot/grub2/grubenv's kernelopts with mitigations=off and a
    /boot/grub/grubenv without it: which one grub.cfg's load_env reads is not read, so the
    entry's `$kernelopts $tuned_params` were words-None and passed. Now asked."""
    env = _grubenv(KERNELOPTS + " mitigations=off")
    other = _grubenv(KERNELOPTS, path=DEB_ENV)
    a = host_scan(_rhel8(_entry(RUNNING), env, other))
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{PASS} now, but "
        + _unread(ENTRY, "$kernelopts $tuned_params", "turns mitigations off")
    }
