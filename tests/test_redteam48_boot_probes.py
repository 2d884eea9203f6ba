"""Red-team round 48 probes: boot, GRUB_DEFAULT set by shell code and the ESP's listing (r48boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM; kernel 6.1.0-28-amd64 runs, 6.1.0-27-
amd64 is also in /boot). The next boot's files by tests/test_redteam21_boot_probes.py's `_boot`
(Debian's /etc/default/grub with GRUB_DEFAULT=0 first), GRUB's defaults by
tests/test_redteam45_boot_probes.py's `_scan`.

Findings (R48B-n):

- R48B-1 (wrong fail: an over-ask; round 48's team decision) HVA-180 (parse.host.
  _grub_default_kernel, new _sh_literal): a conditional GRUB_DEFAULT assignment (one-liner
  `[ -e F ] && GRUB_DEFAULT=0`, `if ...; then ...; else ...; fi`, or in a multi-line if/case
  body, R47B-4/R47B-6) of the literal already in effect (GRUB_DEFAULT=0 before it, or unset,
  which 00_header.in makes 0: `if [ "x${GRUB_DEFAULT}" = "x" ] ; then GRUB_DEFAULT=0 ; fi`,
  GRUB util/grub.d/00_header.in, read with `find_string`) changes no entry whether its
  condition holds or not, but was asked. Now the values GRUB_DEFAULT may hold are compared
  first: only an assignment that may change the entry (another literal, or a value hvaudit does
  not evaluate) is R47B-4's question.

- R48B-2 (false pass) HVA-180 (parse.host._esp_kernels, _kernel_not_booted, new
  _ukis_unlisted): the ESP's unified kernel images (R47B-1) were read from the boot-uki probe's
  text whatever `find`'s exit status: exit 1 with "Permission denied" (an ESP mounted
  umask=0077, R46S-2) or find not found (recorded absent) listed nothing, and "no pending
  security update" passed though a newer kernel may wait there as an image; find(1) EXIT
  STATUS: "if the return value is non-zero, you should not rely on the correctness of the
  results of find" (R46S-2's reading in _boot_ukis). Now the listing is read through
  HostEvidence.result (round 47's one accessor; "No such file or directory" an answer), and an
  unanswered one asks (`ls` of the three directories as root) where /boot holds no newer
  kernel. conftest's hardened host gains the probe (find answering that no ESP directory
  exists), which it lacked: recorded absent, it now asks.

- R48B-3 (false pass) HVA-180 (parse.host._grub_default_kernel, R47B-4/R47B-6's reader): an
  assignment in a function's body (`pin() {` or `pin()` then `{`: POSIX sh, a function
  definition only defines it; the body runs where it is called) or in a `{ ...; }` group after
  `&&`/`||` was read as unconditional: GRUB_DEFAULT=0 there stood over the pin to the older
  kernel's entry, and it passed; `. FILE` / `source FILE` runs a file the probe does not collect
  (grub-mkconfig.in sources /etc/default/grub, then each /etc/default/grub.d/*.cfg, with `.`;
  read with `find_string`), which may assign it, and GRUB_DEFAULT=0 before it stood. Now either
  is R47B-4's question; the same class's wrong fail: an assignment on a function's `{` line
  (`pin() { GRUB_DEFAULT=0`) was read as after another command only, which R47B-4 asks only
  where the value in effect names no kernel, so the pin to the older kernel failed though the
  function may be called. A plain group's assignment, one after the function's `}` and
  one after the sourced file stand.

- R48B-4 (false pass) HVA-181 (parse.host._grub_defaults): the same `. FILE` / `source FILE`
  (R48B-3) may set GRUB_CMDLINE_LINUX(_DEFAULT) with mitigations=off for the next boot
  (R21B-1), but a line naming no GRUB_CMDLINE_LINUX was skipped: the collected assignments
  stood and it passed. Now the next boot's line from GRUB's defaults is unsettled (R23B-1's
  "which hvaudit cannot evaluate" question).

- R48B-5 (false pass) HVA-180 (parse.host._kernel_not_booted): kernel-install's Type #1 entries
  on the ESP (R47B-1) are read from the boot-cmdline probe; where it failed ("Permission
  denied") and /boot held only the running kernel, "no pending security update" passed though
  a newer kernel may wait in an entry (R44B-4's held case encoded that pass: corrected in its
  own commit). Now it asks (`ls` of the entry directories as root); with an older kernel in
  /boot R44B-4's question (which entry boots next) is asked, as before.

- R48B-6 (false pass) HVA-180 (parse.host._kernel_not_booted, new _ukis_unnamed): a unified
  kernel image whose name holds no release (EFI/Linux/linux.efi, not kernel-install's
  ENTRY-TOKEN-VERSION.efi) boots whatever kernel its .linux section holds (ukify records it in
  the .uname section: systemd src/ukify/ukify.py --uname, read with `find_string`); R47B-1
  did not count it and, /boot holding the running kernel alone, it passed. Now it asks (the
  image's .uname section); a rescue image is not counted, as R47B-1.

- R48B-7 (false pass) HVA-180 (parse.host._grub_default_kernel, R48B-3's groups): an
  assignment in a multi-line subshell (`... && (` then the body, then `)`) runs in a child
  shell and never changes grub-mkconfig's GRUB_DEFAULT (POSIX sh, "Grouping Commands"), but was
  read as unconditional: GRUB_DEFAULT=0 there stood over the pin to the older kernel's entry,
  and it passed. Now it is R47B-4's question; one after the `)` stands.

Held (kept as tests): an if/else one-liner whose else branch names another entry, a
conditional other value before a conditional equal one, and a conditional equal literal after
an unconditional command substitution still ask (R48B-1); a newer kernel in /boot fails
whatever the listing (R48B-2); a plain `{ ...; }` group's assignment, an assignment after a
function's body and one after a sourced file keep their verdicts (R48B-3).

Probed by script, not kept: none.

No e2e run: the e2e host's /etc/default/grub assigns GRUB_DEFAULT with no shell code (R48B-1)
and it has no ESP directory, which find answers (R48B-2); HVA-180 is a host check the e2e test
only requires to be present, so neither change can reach the e2e-* verdicts.

Tally: 7 findings (6 false passes, 1 over-ask, a team decision; R48B-3 with a wrong fail of
its class); 31 cases in 15 test functions. R48B-1: on main
18744ad 7 of 10 failed (6 over-asks of HVA-180; one held case asked there too, but named the
later equal assignment, not the one that may change the entry); its 3 other held cases passed
before and after. R48B-2: on main 9c15ea3 2 of 2 failed (2 false passes of HVA-180); its held
case passed before and after. R48B-3: on main a76d9c0 6 of 6 failed (5 false passes, 1
wrong fail of HVA-180); its 3 held cases passed before and after. R48B-4: on main ac8894d 2 of 2 failed (2 false
passes of HVA-181); its held case passed before and after. R48B-5: on main e21c389 2 of 2 failed (2 false
passes of HVA-180). R48B-6: on main 55661ab 1 of 1 failed (1 false pass of HVA-180); its held
case passed before and after. R48B-7: on main 9573bbc 1 of 1 failed (1 false pass of HVA-180);
its held case passed before and after.

Leads left:
- R48B-2: where the listing fails, _grub_default_older's systemd-boot reading (R47B-2) cannot
  see an older image either; HVA-180 asks R48B-2's question first, so it is not reached now.
- R48B-6: a UKI whose name holds no release is asked only where /boot holds no newer kernel;
  _grub_default_older's systemd-boot reading does not count it as a possible older kernel.
- R48B-3/R48B-7: a function whose body is a subshell (`f() (` ...) and a subshell opened
  mid-line with its body on later lines are read as R48B-7's; a `$( ... )` spanning lines is not
  tracked.
- An if/else whose every branch assigns one literal other than the value before it (`if c;
  then GRUB_DEFAULT=2; else GRUB_DEFAULT=2; fi`) is still asked (the branches are not paired).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot
from test_redteam45_boot_probes import PASS

PIN_CFG = "/etc/default/grub.d/pin.cfg"
GRUB_ONLY = "/etc/default/grub"


def _ask(path: str, line: str, body: bool = False) -> str:
    where = f"{path}: {line!r}" + (" (in a condition's body)" if body else "")
    return (
        "evidence unavailable: which entry the boot loader starts next is not known "
        f"(GRUB_DEFAULT is set by shell code hvaudit does not evaluate ({where}): which entry it "
        "names is not read; kernel 6.1.0-28-amd64 runs; older kernels installed: 6.1.0-27-amd64)"
    )


# --- R48B-1: a conditional GRUB_DEFAULT of the value already in effect ---------------------------


@pytest.mark.parametrize(
    ("files"),
    [
        [(PIN_CFG, "if [ -e /etc/grub-pin ]; then GRUB_DEFAULT=0; fi\n")],
        [(PIN_CFG, '[ -e /etc/grub-pin ] && GRUB_DEFAULT="0"\n')],
        [(PIN_CFG, "if [ -e /etc/grub-pin ]; then GRUB_DEFAULT=0; else GRUB_DEFAULT='0'; fi\n")],
        [(PIN_CFG, 'case "$(hostname)" in\n  hv*)\n    GRUB_DEFAULT=0\n    ;;\nesac\n')],
        # unset is 0 (00_header.in): an empty value, or 0 where nothing assigned it before
        [(PIN_CFG, "[ -e /etc/grub-pin ] || GRUB_DEFAULT=\n")],
    ],
)
def test_r48b_1_conditional_default_equal_to_value_in_effect_passes(host_scan, files) -> None:
    """R48B-1 (over-ask, team decision) HVA-180: GRUB_DEFAULT=0 (Debian's /etc/default/grub),
    then a drop-in assigning 0 again behind a condition: the entry is 0's whether the condition
    holds or not, but R47B-4/R47B-6's question was asked."""
    a = host_scan({"boot-cmdline": _boot(*files)})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


def test_r48b_1_conditional_zero_with_default_unset_passes(host_scan) -> None:
    """R48B-1 (over-ask, team decision) HVA-180: no GRUB_DEFAULT assigned before (00_header.in
    makes an unset one 0), then `[ -e F ] && GRUB_DEFAULT=0`: 0 either way."""
    grub = (GRUB_ONLY, 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n[ -e /etc/x ] && GRUB_DEFAULT=0\n')
    a = host_scan({"boot-cmdline": _boot(grub, grub=False)})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


@pytest.mark.parametrize(
    ("text", "line", "body"),
    [
        (
            "if [ -e /etc/grub-pin ]; then GRUB_DEFAULT=0; else GRUB_DEFAULT=2; fi\n",
            "if [ -e /etc/grub-pin ]; then GRUB_DEFAULT=0; else GRUB_DEFAULT=2; fi",
            False,
        ),
        (
            "[ -e /a ] && GRUB_DEFAULT=2\n[ -e /b ] && GRUB_DEFAULT=0\n",
            "[ -e /a ] && GRUB_DEFAULT=2",
            False,
        ),
        (
            "GRUB_DEFAULT=$(cat /etc/grub-pin)\nif [ -e /b ]; then\n  GRUB_DEFAULT=0\nfi\n",
            "GRUB_DEFAULT=0",
            True,
        ),
        (
            "if [ -e /b ]; then\n  GRUB_DEFAULT=0\n  GRUB_DEFAULT=1\nfi\n",
            "GRUB_DEFAULT=1",
            True,
        ),
    ],
)
def test_r48b_1_held_conditional_default_that_may_change_asks(
    host_scan, text: str, line: str, body: bool
) -> None:
    """R48B-1 held: a conditional assignment that may change the entry still asks: another
    literal in an else branch, an earlier conditional other value (a later equal one does not
    undo it), a conditional equal literal after a value hvaudit does not evaluate."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": _ask(PIN_CFG, line, body)}


# --- R48B-2: the ESP's unified kernel images not listed ------------------------------------------

UKI_DIRS = "/efi/EFI/Linux /boot/EFI/Linux /boot/efi/EFI/Linux"


def _unlisted(why: str) -> str:
    return (
        "evidence unavailable: the unified kernel images in /efi/EFI/Linux, /boot/EFI/Linux, "
        f"/boot/efi/EFI/Linux could not be listed ({why}): whether a newer kernel than "
        "6.1.0-28-amd64 waits there for a reboot is not read (list them as root: "
        f"`ls {UKI_DIRS}`)"
    )


@pytest.mark.parametrize(
    ("uki", "why"),
    [
        (
            ("", 1, "find: '/efi/EFI/Linux': Permission denied\n"),
            "exit status 1: find: '/efi/EFI/Linux': Permission denied",
        ),
        (None, "find was not found"),
    ],
)
def test_r48b_2_uki_listing_unanswered_asks(host_scan, uki, why: str) -> None:
    """R48B-2 (false pass) HVA-180: the boot-uki probe's `find` exited 1 with "Permission
    denied" (an ESP mounted umask=0077), or find was not found (recorded absent): a newer
    kernel kept only as a unified kernel image (R47B-1) is not seen, but _esp_kernels read the
    listing whatever find's status, as one that found none, and "no pending security update"
    passed."""
    a = host_scan({"boot-uki": uki})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": _unlisted(why)}


def test_r48b_2_held_newer_kernel_in_boot_fails_unlisted_ukis(host_scan) -> None:
    """R48B-2 held: a newer kernel in /boot is pending whatever the ESP holds: R23H-2's fail."""
    a = host_scan(
        {
            "boot-uki": ("", 1, "find: '/efi/EFI/Linux': Permission denied\n"),
            "boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n/boot/vmlinuz-6.1.0-29-amd64\n", 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "kernel 6.1.0-29-amd64 is installed but 6.1.0-28-amd64 runs (the update takes "
        "effect at the next reboot)"
    }


# --- R48B-3: GRUB_DEFAULT in a function's body, a `&&` group, or a sourced file ------------------

OLD_PIN = '"Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64"'


@pytest.mark.parametrize(
    ("text", "line", "body"),
    [
        (f"GRUB_DEFAULT={OLD_PIN}\npin() {{\n  GRUB_DEFAULT=0\n}}\n", "GRUB_DEFAULT=0", True),
        (f"GRUB_DEFAULT={OLD_PIN}\npin()\n{{\n  GRUB_DEFAULT=0\n}}\n", "GRUB_DEFAULT=0", True),
        (
            f"GRUB_DEFAULT={OLD_PIN}\n[ -e /etc/grub-new ] && {{\n  GRUB_DEFAULT=0\n}}\n",
            "GRUB_DEFAULT=0",
            True,
        ),
        (
            f"GRUB_DEFAULT={OLD_PIN}\npin() {{ GRUB_DEFAULT=0\n}}\n",
            "pin() { GRUB_DEFAULT=0",
            True,
        ),
    ],
)
def test_r48b_3_grub_default_in_function_or_group_asks(
    host_scan, text: str, line: str, body: bool
) -> None:
    """R48B-3 (false pass) HVA-180: an assignment inside a function's body (run only where the
    function is called) or a `{ ...; }` group after `&&` (run only where the command before it
    succeeds) was read as unconditional: GRUB_DEFAULT=0 there stood over the pin to the older
    kernel's entry, and it passed."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": _ask(PIN_CFG, line, body)}


@pytest.mark.parametrize("line", [". /etc/default/grub-pin", "source /etc/default/grub-pin"])
def test_r48b_3_sourced_file_asks(host_scan, line: str) -> None:
    """R48B-3 (false pass) HVA-180: `. FILE` (or bash's `source`) in GRUB's defaults runs FILE
    in grub-mkconfig's shell, which may assign GRUB_DEFAULT the older kernel's entry; the file
    is not collected (grub-mkconfig.in sources /etc/default/grub and grub.d/*.cfg only) and
    GRUB_DEFAULT=0 before it stood: it passed."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, f"{line}\n"))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": _ask(PIN_CFG, line).replace(
            f"{line!r})", f"{line!r} (a file it sources, not collected))"
        )
    }


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a plain group runs in the current shell: its assignment stands
        (f"GRUB_DEFAULT={OLD_PIN}\n{{\n  GRUB_DEFAULT=0\n}}\n", "pass"),
        # after the function's closing brace an assignment is unconditional again
        (f"pin() {{\n  GRUB_DEFAULT=2\n}}\nGRUB_DEFAULT={OLD_PIN}\n", "fail"),
        # a simple assignment after the sourced file stands
        (". /etc/default/grub-pin\nGRUB_DEFAULT=0\n", "pass"),
    ],
)
def test_r48b_3_held_group_and_after_function(host_scan, text: str, status: str) -> None:
    """R48B-3 held: a plain `{ ...; }` group's assignment, one after a function's body and one
    after a sourced file keep their verdicts."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": status}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": PASS
        if status == "pass"
        else "kernel 6.1.0-28-amd64 runs, but GRUB_DEFAULT names the older kernel 6.1.0-27-amd64: "
        "the next boot goes back to it (its entry is the default once update-grub runs)"
    }


# --- R48B-4: a sourced file in GRUB's defaults may set the next boot's kernel command line -------


@pytest.mark.parametrize("line", [". /etc/default/grub-perf", "source /etc/default/grub-perf"])
def test_r48b_4_sourced_file_unsettles_next_boot_line(host_scan, line: str) -> None:
    """R48B-4 (false pass) HVA-181: a grub.d drop-in sourcing an uncollected file, which may set
    GRUB_CMDLINE_LINUX_DEFAULT="... mitigations=off" (R21B-1's next boot), was skipped as a line
    naming no GRUB_CMDLINE_LINUX: the collected assignments stood and it passed."""
    a = host_scan({"boot-cmdline": _boot(("/etc/default/grub.d/perf.cfg", f"{line}\n"))})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but "
        "/etc/default/grub.d/perf.cfg sources a file not collected, which may set "
        f"GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT: `{line}`, which hvaudit cannot "
        "evaluate: whether the next boot's line turns mitigations off is not known"
    }


def test_r48b_4_held_no_source_line_passes(host_scan) -> None:
    """R48B-4 held: a drop-in whose `.` is inside a comment or a value sources nothing."""
    text = '# . /etc/default/grub-perf\nGRUB_CMDLINE_LINUX_DEFAULT="quiet ."\n'
    a = host_scan({"boot-cmdline": _boot(("/etc/default/grub.d/perf.cfg", text))})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": "17 CPU vulnerabilities reported, none unmitigated"}


# --- R48B-5: the Boot Loader Specification entries not read --------------------------------------


ENTRIES_UNREAD = (
    "evidence unavailable: the next boot's kernel command line could not be read ({why}): "
    "whether a newer kernel than 6.1.0-28-amd64 waits for a reboot in a Boot Loader "
    "Specification entry is not read (list them as root: `ls /boot/loader/entries/ "
    "/efi/loader/entries/ /boot/efi/loader/entries/`)"
)


@pytest.mark.parametrize(
    "why",
    [
        "grep: /efi/loader/entries/x.conf: Permission denied",
        "find: '/etc/grub.d': Permission denied",
    ],
)
def test_r48b_5_entries_unread_asks(host_scan, why: str) -> None:
    """R48B-5 (false pass) HVA-180: the boot-cmdline probe, which reads the ESP's Type #1
    entries (kernel-install's `version VERSION`, R47B-1), failed ("Permission denied"); /boot
    holds only the running kernel, and "no pending security update" passed though a newer
    kernel may wait in an entry."""
    a = host_scan(
        {
            "boot-cmdline": ("", 1, why),
            "boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n", 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": ENTRIES_UNREAD.format(why=why)}


# --- R48B-6: a unified kernel image whose name holds no release ------------------------------------


def test_r48b_6_uki_without_release_asks(host_scan) -> None:
    """R48B-6 (false pass) HVA-180: /efi/EFI/Linux/linux.efi (not kernel-install's name) boots
    whatever kernel its .linux section holds (ukify's .uname names it); its name holds no
    release, it was not counted, and with /boot holding the running kernel alone "no pending
    security update" passed."""
    a = host_scan(
        {
            "boot-uki": ("/efi/EFI/Linux/linux.efi\n", 0),
            "boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n", 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: the unified kernel image(s) /efi/EFI/Linux/linux.efi name "
        "no kernel release: whether one is a newer kernel than 6.1.0-28-amd64 waiting for a "
        "reboot is not read (its .uname section: `objcopy -O binary --only-section=.uname IMAGE "
        "/dev/stdout`)"
    }


def test_r48b_6_held_named_and_rescue_images(host_scan) -> None:
    """R48B-6 held: images named by release (the running kernel's) and a rescue image keep the
    pass."""
    ukis = "/efi/EFI/Linux/debian-6.1.0-28-amd64.efi\n/efi/EFI/Linux/debian-rescue.efi\n"
    a = host_scan({"boot-uki": (ukis, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R48B-7: GRUB_DEFAULT assigned in a multi-line subshell ---------------------------------------


def test_r48b_7_grub_default_in_subshell_asks(host_scan) -> None:
    """R48B-7 (false pass) HVA-180: an assignment inside a multi-line subshell `( ... )` runs in
    a child shell and never changes grub-mkconfig's GRUB_DEFAULT, but was read as
    unconditional: GRUB_DEFAULT=0 there stood over the pin to the older kernel's entry. Since
    R52B-3 (round 52's team decision) it is read as absent: the pin stands, and it fails."""
    text = f"GRUB_DEFAULT={OLD_PIN}\n[ -e /etc/x ] && (\n  GRUB_DEFAULT=0\n)\n"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "kernel 6.1.0-28-amd64 runs, but GRUB_DEFAULT names the older kernel 6.1.0-27-amd64: "
        "the next boot goes back to it (its entry is the default once update-grub runs)"
    }


def test_r48b_7_held_after_subshell_and_case_pattern(host_scan) -> None:
    """R48B-7 held: an assignment after the subshell's `)` stands, and a case pattern's `)`
    closes no subshell (the pin after `esac` fails)."""
    text = (
        "(\n  GRUB_DEFAULT=2\n)\n"
        'case "$x" in\n  hv*)\n    GRUB_TIMEOUT=1\n    ;;\nesac\n'
        f"GRUB_DEFAULT={OLD_PIN}\n"
    )
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "kernel 6.1.0-28-amd64 runs, but GRUB_DEFAULT names the older kernel 6.1.0-27-amd64: "
        "the next boot goes back to it (its entry is the default once update-grub runs)"
    }
