"""Red-team round 41 probes: boot, GRUB's variables on the next boot's line (r41boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM). The next boot's line by
tests/test_redteam21_boot_probes.py's `_boot`/`_grub` (Debian's /etc/default/grub, 40_custom);
a RHEL 8 host by tests/test_redteam26_boot_probes.py's `_rhel8`/`_entry`/`_grubenv` (Boot
Loader Specification entries `options $kernelopts $tuned_params`, GRUB's environment block).

Findings (R41B-n):

- R41B-1 (false pass) HVA-181, HVA-043 and every check of the next boot's words (parse.host.
  _bls_options, _grub_custom_entries, _grub_defaults; new _grub_expand): GRUB expands a
  variable of a `linux` line at boot (grub-core/script/execute.c grub_script_arglist_to_argv:
  an unquoted one's value from grub_script_env_get, split at blanks into arguments), and
  grub.cfg's header runs `load_env` first (util/grub.d/00_header.in), so every variable of
  GRUB's environment block is set. hvaudit read only `kernelopts` from grubenv: a RHEL 8
  entry's `$tuned_params` (tuned's bootloader plugin writes it there, redhat-performance/tuned
  plugin_bootloader.py _bls_update `grub2-editenv - set tuned_params=...`) holding
  mitigations=off passed "none unmitigated"; a 40_custom entry's `$extra` was unread (its
  apparmor=0 from grubenv passed HVA-043 where no other source had a weakening word), and
  `\\$extra` in /etc/default/grub (grub-mkconfig writes `$extra` into grub.cfg, expanded at
  boot) was taken as the literal word `$extra`. Now every whole-argument variable takes
  grubenv's value (its words named "GRUBENV's NAME"); one grubenv lacks, or inside a larger
  argument, leaves the line partial; so does grubenv's value of a variable other than
  kernelopts that a collected /etc/grub.d script or custom.cfg names (`NAME=`: tuned's
  /etc/grub.d/00_tuned writes `set tuned_params="..."` into grub.cfg after 00_header, and
  grub.cfg is not collected), so such a weakening word is a question there, not a settled
  fail.
- R41B-2 (false pass) HVA-181, HVA-043, HVA-214 and every check of the next boot's words
  (checks._nextboot.next_boot_adds): GRUB's defaults hvaudit could not evaluate (a command
  substitution, `+=`) were asked only as the next boot's only source (R23K-1's unread_grub);
  beside another source, /etc/kernel/cmdline (a Proxmox VE host has both), the pass stood,
  though which line the boot loader takes is not read and GRUB's may turn mitigations,
  AppArmor or auditing off. Now they are asked beside other sources too (R23K-1's question;
  tests/test_redteam23_boot2_probes.py's held case, which kept the pass as "a lead", now
  asserts it, in its own commit).

Held (kept as tests): grubenv's tuned_params and a custom entry's $extra without a weakening
word (skew_tick=1 nohz=on, mitigations=auto) keep HVA-181's pass. R40B-3's held `\\${x}
mitigations=off` keeps its fail where grubenv sets x (tests/test_redteam40_boot_probes.py, now
given grubenv's x=quiet); with x unset there the words of `${x}` are unknown (a value `--`
would hand the later words to init), now a question. R41B-2: /etc/kernel/cmdline's
mitigations=off beside the unread GRUB defaults stays the question of the sources (no
settled fail).

Probed by script, not kept: none.

No e2e run: the e2e host has no /etc/default/grub, GRUB environment block, custom GRUB entry or
Boot Loader Specification entry, so the change cannot reach its verdicts.

Tally: 2 findings (2 false passes); 13 cases in 9 test functions. R41B-1: on main 9dad409 7
of 7 failed: 4 false passes (grubenv's tuned_params with and without 00_tuned, `\\$extra` in
/etc/default/grub, a 40_custom entry's `$extra` for HVA-043), both cases where every source
has mitigations=off (a question on main, the entry's words unread: now a fail, or a question
naming 00_tuned's reset; the first only on its message), and the unset `${x}` case (a settled
fail on main, now a question); its 2 held cases passed before and after. R41B-2: on main
7ed8a3a 3 of 3 failed (3 false passes: HVA-181, HVA-043, HVA-214); its held case passed before
and after.

Leads left:
- A source whose words are not all read (a variable grubenv lacks, grub.cfg's 00_tuned
  tuned_params, a custom entry's `$x` inside an argument) still leaves today's pass where no
  source adds a weakening word (next_boot_adds returns None; R26B-1's held case keeps the
  pass for `$kernelopts $tuned_params`): a team decision whether "grubenv read, no such key"
  counts as known empty (GRUB expands an unset variable to nothing) given grub.cfg, not
  collected, may `set` it.
- A Boot Loader Specification entry whose words are all GRUB variables where grubenv cannot
  be read (two blocks that differ, a value with a backslash) is still words-None beside other
  sources (R41B-2 asks only GRUB's defaults so; R26B-1 keeps the pass where grubenv lacks
  kernelopts, grub.cfg's fallback being GRUB_CMDLINE_LINUX's words).
- A double-quoted `"$x"` (one argument, GRUB_SCRIPT_ARG_TYPE_DQVAR) is split at blanks here
  (a cautious reading: the kernel gets one quoted word).
- mds=off alone while TAA's mitigation keeps MDS on fails HVA-181 (a cautious wrong fail).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_redteam21_boot_probes import _boot, _grub
from test_redteam26_boot_probes import KERNELOPTS, RHEL_GRUB, RUNNING, _entry, _grubenv, _rhel8

PASS = "17 CPU vulnerabilities reported, none unmitigated"
NOW = f"{PASS} now, but "
IF = " at the next boot if the boot loader takes it"
DEB_ENV = "/boot/grub/grubenv"
TUNED = (
    "/etc/grub.d/00_tuned",
    '#! /bin/sh\nset -e\n. /etc/tuned/bootcmdline\necho "set tuned_params=\\"$TUNED_BOOT_CMDLINE'
    '\\""\n',
)
CUSTOM = ("/etc/grub.d/40_custom", "menuentry 'x' {\n linux /vmlinuz root=/dev/sda1 $extra\n}")


# --- R41B-1: GRUB's variables take grubenv's values -----------------------------------------------


@pytest.mark.parametrize("tuned", [False, True], ids=["grubenv", "and-00_tuned"])
def test_r41b_1_tuned_params_from_grubenv(host_scan, tuned: bool) -> None:
    """R41B-1 (false pass) HVA-181: RHEL 8's `options $kernelopts $tuned_params`, grubenv's
    tuned_params (tuned writes it there) turning mitigations off; a question (the RHEL host's
    GRUB_CMDLINE_LINUX has no such word), with or without 00_tuned."""
    env = _grubenv(KERNELOPTS, "tuned_params=mitigations=off")
    files = (_entry(RUNNING), env, *((TUNED,) if tuned else ()))
    a = host_scan(_rhel8(*files))
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW}mitigations=off in /boot/grub2/grubenv's tuned_params turns mitigations "
        f"off{IF}"
    }
    said = question_line(a, "HVA-181", "hv1")
    assert "mitigations=off in /boot/grub2/grubenv's tuned_params, but not in /etc/" in said


@pytest.mark.parametrize(
    ("extra", "status", "said"),
    [
        (
            (TUNED,),
            "manual",
            f"{NOW}mitigations=off in /etc/default/grub; mitigations=off in "
            f"/boot/grub2/grubenv's tuned_params turns mitigations off{IF}",
        ),
        (
            (),
            "fail",
            f"{NOW}the next boot turns mitigations off: mitigations=off in /etc/default/grub; "
            "mitigations=off in /boot/grub2/grubenv's tuned_params",
        ),
    ],
    ids=["00_tuned-resets-it", "settled"],
)
def test_r41b_1_every_source_has_it(host_scan, extra: tuple, status: str, said: str) -> None:
    """R41B-1: GRUB_CMDLINE_LINUX and the only entry's tuned_params (grubenv's) both turn
    mitigations off: a fail, as no collected script sets tuned_params again; where 00_tuned
    does (grub.cfg, not collected, may hold another value), a question."""
    grub = (RHEL_GRUB[0], RHEL_GRUB[1].replace('rhgb quiet"', 'rhgb quiet mitigations=off"'))
    env = _grubenv(KERNELOPTS, "tuned_params=mitigations=off")
    files = _rhel8(_entry(RUNNING), env, *extra)
    a = host_scan({**files, "boot-cmdline": _boot(grub, _entry(RUNNING), env, *extra, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": status}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": said}


def test_r41b_1_default_grub_variable(host_scan) -> None:
    """R41B-1 (false pass) HVA-181: `\\$extra` in /etc/default/grub is `$extra` on grub.cfg's
    `linux` line, which GRUB expands from grubenv at boot; it was the literal word `$extra`.
    No script of /etc/grub.d sets it again, and GRUB's defaults are the only source: a fail."""
    files = (_grub("quiet \\$extra"), _grubenv("extra=mitigations=off", path=DEB_ENV))
    a = host_scan({"boot-cmdline": _boot(*files, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW}the next boot turns mitigations off: mitigations=off in {DEB_ENV}'s extra"
    }


def test_r41b_1_custom_entry_variable(host_scan) -> None:
    """R41B-1 (false pass) HVA-043: a 40_custom entry's `$extra`, apparmor=0 in grubenv, keeps
    AppArmor from starting on that entry; it was unread and the pass stood."""
    env = _grubenv("extra=apparmor=0 quiet", path=DEB_ENV)
    a = host_scan({"boot-cmdline": _boot(_grub("quiet"), CUSTOM, env, grub=False)})
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing; but "
        f"apparmor=0 in {DEB_ENV}'s extra keeps apparmor from starting{IF}"
    }


@pytest.mark.parametrize(
    "files",
    [
        (_rhel8(_entry(RUNNING), _grubenv(KERNELOPTS, "tuned_params=skew_tick=1 nohz=on"))),
        {
            "boot-cmdline": _boot(
                _grub("quiet"), CUSTOM, _grubenv("extra=mitigations=auto", path=DEB_ENV), grub=False
            )
        },
    ],
    ids=["tuned-params", "custom-extra"],
)
def test_r41b_1_held_no_weakening_word(host_scan, files: dict) -> None:
    """R41B-1 held: grubenv's values without a weakening word keep the pass."""
    a = host_scan(files)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": PASS}


def test_r41b_1_an_unread_variable_before_the_word(host_scan) -> None:
    """R41B-1: `${x}` grubenv does not set is not read: its words may end the kernel's
    parameters (`--`), so the mitigations=off after it is asked, not a settled fail (R40B-3's
    held case, which now gives grubenv's x)."""
    a = host_scan({"boot-cmdline": _boot(_grub("quiet \\${x} mitigations=off"), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW}mitigations=off in /etc/default/grub turns mitigations off{IF}"
    }
    said = question_line(a, "HVA-181", "hv1")
    assert "/etc/default/grub: the words of ${x} are not read" in said, said


# --- R41B-2: GRUB's defaults not read beside another source -------------------------------------

SUBST = (
    "/etc/default/grub",
    'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet $(cat /etc/extra)"\nGRUB_CMDLINE_LINUX=""\n',
)
PVE_CMDLINE = ("/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs")
UNREAD = (
    '/etc/default/grub sets GRUB_CMDLINE_LINUX_DEFAULT as `GRUB_CMDLINE_LINUX_DEFAULT="quiet '
    "$(cat /etc/extra)\"`, which hvaudit cannot evaluate: whether the next boot's line "
)


def test_r41b_2_unread_grub_beside_kernel_cmdline(host_scan) -> None:
    """R41B-2 (false pass) HVA-181: GRUB's defaults with a command substitution (not
    evaluated) beside a clean /etc/kernel/cmdline (a Proxmox VE host has both) passed, though
    alone they are asked (R23K-1): which line the boot loader takes is not read."""
    a = host_scan({"boot-cmdline": _boot(SUBST, PVE_CMDLINE, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": f"{NOW}{UNREAD}turns mitigations off is not known"}
    said = question_line(a, "HVA-181", "hv1")
    assert "although hvaudit could not evaluate GRUB's line (/etc/default/grub sets " in said


@pytest.mark.parametrize(
    ("check", "said"),
    [
        (
            "HVA-043",
            "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing; but "
            f"{UNREAD}keeps apparmor from starting is not known",
        ),
        (
            "HVA-214",
            "audit rules watch /etc/libvirt and /etc/polkit-1; but "
            f"{UNREAD}turns kernel auditing off is not known",
        ),
    ],
)
def test_r41b_2_every_next_boot_check(host_scan, check: str, said: str) -> None:
    """R41B-2 (false pass) HVA-043, HVA-214: the same unread GRUB defaults beside
    /etc/kernel/cmdline passed AppArmor's and kernel auditing's next boot."""
    a = host_scan({"boot-cmdline": _boot(SUBST, PVE_CMDLINE, grub=False)})
    assert outcomes(a, check) == {"hv1": "manual"}, messages(a, check)
    assert messages(a, check) == {"hv1": said}


def test_r41b_2_held_a_word_in_kernel_cmdline_is_still_asked(host_scan) -> None:
    """R41B-2 held: /etc/kernel/cmdline's mitigations=off beside unread GRUB defaults stays
    the question of the sources that differ (R21B-1), not a settled fail."""
    cmdline = (PVE_CMDLINE[0], PVE_CMDLINE[1] + " mitigations=off")
    a = host_scan({"boot-cmdline": _boot(SUBST, cmdline, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW}mitigations=off in /etc/kernel/cmdline turns mitigations off{IF}"
    }
