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

Held (kept as tests): an if/else one-liner whose else branch names another entry, a
conditional other value before a conditional equal one, and a conditional equal literal after
an unconditional command substitution still ask.

Probed by script, not kept: none.

No e2e run: the e2e host's /etc/default/grub assigns GRUB_DEFAULT with no shell code and the
change reads only such code, so it cannot reach the e2e-* verdicts.

Tally: 1 finding (1 over-ask, a team decision); 10 cases in 3 test functions. R48B-1: on main
18744ad 7 of 10 failed (6 over-asks of HVA-180; one held case asked there too, but named the
later equal assignment, not the one that may change the entry); its 3 other held cases passed
before and after.

Leads left:
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
