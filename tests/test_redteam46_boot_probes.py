"""Red-team round 46 probes: boot, GRUB's default naming an entry no collected file defines
(r46boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM; kernel 6.1.0-28-amd64 runs, 6.1.0-27-
amd64 is also in /boot). The next boot's files by tests/test_redteam21_boot_probes.py's `_boot`,
a custom entry after GRUB's 40_custom head (tests/test_redteam30_boot_probes.py CUSTOM_HEAD).

Findings (R46B-n):

- R46B-1 (false pass) HVA-180 (parse.host._grub_default_kernel, new GRUB_DEFAULT_UNFOUND and
  _grub_linux_own; _bls_entry_kernel now None where no entry has the name): GRUB's default
  naming an entry no collected file defines (30_os-prober's "Windows Boot Manager (on
  /dev/sda1)" or its `osprober-efi-*` id, a title no generator writes) named no kernel and
  "no pending security update" passed, though the collector reads only /etc/grub.d/*_custom:
  another generator (only 10_linux's names are known by pattern) may write that entry for
  the older 6.1.0-27-amd64, and where nothing matches GRUB boots its first entry (grub-core/
  normal/menu.c get_and_remove_first_entry_number returns -1, run_menu falls back to entry
  0). Team decision of round 45, implemented: a question naming grub.cfg's `linux` line where
  an older kernel is installed; with none the pass stands. 10_linux's own unversioned names
  ($OS, "Advanced options for $OS", gnulinux-simple-/gnulinux-advanced-ID; util/grub.d/
  10_linux.in, OS="${GRUB_DISTRIBUTOR} GNU/Linux", Ubuntu's "Ubuntu"/"Kubuntu") keep the pass,
  as do a custom entry's name inside a submenu (R45B-1's pass) and blscfg's MACHINE-ID-RELEASE
  id no collected entry has (R26B-2's pass: /boot/loader/entries is collected).

Held (kept as tests): 10_linux's simple entry by title and by id, its submenu's title, and
`saved` without a saved_entry keep the pass; an unknown name with no older kernel installed
keeps the pass.

Probed by script, not kept: none.

No e2e run: the e2e host has no /etc/default/grub naming an entry (its GRUB default is not
read into the e2e-* verdicts), so the change cannot reach them.

Tally: 1 finding (1 false pass); 8 cases in 3 test functions. R46B-1: on main 34956af 3 of 3
failed (3 false passes of HVA-180); its 5 held cases passed before and after.

Leads left:
- A Boot Loader Specification entry GRUB's default names whose kernel release is not read
  (no `version`, an image not named vmlinuz-RELEASE) still names no kernel and passes.
- A newer kernel kept only on the ESP is not seen as a pending reboot (_kernel_not_booted reads
  /boot only); a Type #2 entry (a UKI in EFI/Linux/) is not counted as an installed kernel.
- A custom title matching _grub_linux_own's patterns ("X GNU/Linux") in an uncollected
  generator is taken as 10_linux's (the newest kernel).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_redteam21_boot_probes import _boot

PASS = "no pending security update (as of the package lists on the host)"
ONLY_28 = ("/boot/vmlinuz-6.1.0-28-amd64\n", 0)


def _scan(host_scan, default: str, kernels: tuple[str, int] | None = None):
    grub = (
        "/etc/default/grub",
        f'GRUB_DEFAULT={default}\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    )
    over: dict = {"boot-cmdline": _boot(grub, grub=False)}
    if kernels is not None:
        over["boot-kernels"] = kernels
    return host_scan(over)


@pytest.mark.parametrize(
    ("default", "named"),
    [
        ('"Windows Boot Manager (on /dev/sda1)"', "Windows Boot Manager (on /dev/sda1)"),
        ("osprober-efi-1A2B-3C4D", "osprober-efi-1A2B-3C4D"),
        ('"Pinned kernel"', "Pinned kernel"),
    ],
    ids=["os-prober-title", "os-prober-id", "title-no-file-defines"],
)
def test_r46b_1_default_in_no_collected_file_asks(host_scan, default: str, named: str) -> None:
    """R46B-1 (false pass) HVA-180: GRUB_DEFAULT names an entry no collected file defines (an
    uncollected generator's, or none: GRUB's first entry) while the older 6.1.0-27-amd64 is
    installed. It passed."""
    a = _scan(host_scan, default)
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: GRUB's default names a menu entry no collected file "
        f"defines (GRUB_DEFAULT names {named!r}; the GRUB generators other than 10_linux and "
        "*_custom are not collected; kernel 6.1.0-28-amd64 runs; older kernels installed: "
        "6.1.0-27-amd64)"
    }
    said = question_line(a, "HVA-180", "hv1")
    assert (
        "(the kernel image on the `linux` line of the entry GRUB's default names in "
        "/boot/grub/grub.cfg (none there: GRUB boots its first entry))" in said
    ), said


@pytest.mark.parametrize(
    "default",
    [
        '"Debian GNU/Linux"',
        "gnulinux-simple-1a2b",
        '"Advanced options for Debian GNU/Linux"',
        "saved",
    ],
    ids=["linux-simple-title", "linux-simple-id", "linux-submenu-title", "saved-no-grubenv"],
)
def test_r46b_1_held_10_linux_own_names_pass(host_scan, default: str) -> None:
    """R46B-1 held: 10_linux's unversioned entry and its submenu boot the newest kernel, and
    `saved` without a saved_entry is GRUB's first entry: the pass stands."""
    a = _scan(host_scan, default)
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


def test_r46b_1_held_unknown_name_no_older_kernel_passes(host_scan) -> None:
    """R46B-1 held: the name is in no collected file, but no older kernel is installed."""
    a = _scan(host_scan, '"Windows Boot Manager (on /dev/sda1)"', ONLY_28)
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}
