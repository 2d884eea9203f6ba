"""Red-team round 43 probes: boot, GRUB's default entry from two environment blocks (r43boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM). A RHEL 8 host with two Boot Loader
Specification entries (the running kernel and an older one) by
tests/test_redteam26_boot_probes.py's `_rhel8`/`_entry`/`_grubenv`; a Debian host by
tests/test_redteam21_boot_probes.py's `_boot`.

Findings (R43B-n):

- R43B-1 (false pass) HVA-180 (parse.host._grub_default_kernel, new _grub_env_default and
  GRUBENV_SPLIT_DEFAULT): the default entry came from `_grubenv`, None where two GRUB
  environment blocks (/boot/grub2/grubenv, /boot/grub/grubenv) differ (R42B-2), so their
  next_entry (grub-reboot) and saved_entry (GRUB_DEFAULT=saved) went unread and the default
  fell back to GRUB_DEFAULT ("saved": no entry; "0": the newest): a block whose next_entry or
  saved_entry names the older kernel's entry passed "no pending security update". GRUB
  util/grub.d/00_header.in: grub.cfg runs `load_env` on $prefix/grubenv, then `if [
  "${next_entry}" ] ; then set default="${next_entry}"`, GRUB_DEFAULT=saved written as
  '${saved_entry}' (R26B-2). Now, where the blocks name different entries, HVA-180 asks which
  kernel the next boot starts (the block grub.cfg's load_env reads); blocks that name the same
  entry, or none, keep the verdict.

Held (kept as tests): two blocks that differ only in kernelopts (no next_entry, GRUB_DEFAULT
saved with the same saved_entry) keep HVA-180's pass; two that differ with GRUB_DEFAULT=0 and
no next_entry keep it too (the default is GRUB_DEFAULT's whichever block is read).

Probed by script, not kept: none.

No e2e run (libvirtd stopped for CI this round): the e2e host has no GRUB environment block,
so the change cannot reach the e2e-* verdicts.

Tally: 1 finding (1 false pass); 5 cases in 2 test functions. R43B-1: on main f8395ad 3 of 3
failed (3 false passes of HVA-180); its 2 held cases passed before and after.

Leads left:
- HVA-180 ignores grub_default_older where it is unavailable for another reason (boot-cmdline
  not collected, osrelease or /boot unread): the pass stands on GRUB_DEFAULT unread (not
  probed; asking there may touch many fixtures).
- A double-quoted "$x" split at blanks; mds=off while TAA's mitigation keeps the buffer
  clearing on (HVA-181, kernel-parameters.txt): round 42's leads, not probed.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_redteam21_boot_probes import _boot
from test_redteam26_boot_probes import KERNELOPTS, OLDER, RUNNING, _entry, _grubenv, _rhel8

MID = "7b92728670d64c65879a91ae405012ed"
DEB_ENV = "/boot/grub/grubenv"
PASS = "no pending security update (as of the package lists on the host)"


def _two(first: list[str], second: list[str]) -> dict:
    """A RHEL 8 host with both kernels' entries and two GRUB environment blocks."""
    return _rhel8(
        _entry(RUNNING),
        _entry(OLDER),
        _grubenv(*first),
        _grubenv(*second, path=DEB_ENV),
        kernels=(RUNNING, OLDER),
    )


def _saved_rhel(release: str) -> str:
    return f"saved_entry={MID}-{release}"


CASES = [
    (
        [_saved_rhel(OLDER), KERNELOPTS],
        [_saved_rhel(RUNNING), KERNELOPTS],
        f"'{MID}-{OLDER}', '{MID}-{RUNNING}'",
    ),
    (
        [_saved_rhel(RUNNING), f"next_entry={MID}-{OLDER}", KERNELOPTS],
        [_saved_rhel(RUNNING), KERNELOPTS],
        f"'{MID}-{OLDER}', '{MID}-{RUNNING}'",
    ),
]


@pytest.mark.parametrize(("first", "second", "names"), CASES, ids=["saved", "next-entry"])
def test_r43b_1_two_blocks_naming_different_defaults_ask(
    host_scan, first: list[str], second: list[str], names: str
) -> None:
    """R43B-1 (false pass) HVA-180: /boot/grub2/grubenv's saved_entry (or next_entry) names the
    older kernel's entry, /boot/grub/grubenv's the running one's: which grub.cfg loads is not
    read, so the next boot's kernel is not known. It passed (GRUB_DEFAULT=saved, no entry)."""
    a = host_scan(_two(first, second))
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: two GRUB environment blocks differ in the default entry "
        f"they give GRUB (/boot/grub2/grubenv and {DEB_ENV} name {names}): which one grub.cfg's "
        "load_env reads is not read"
    }
    said = question_line(a, "HVA-180", "hv1")
    assert "the next boot starts the newest installed kernel (the entry `grub-editenv list`" in said


def test_r43b_1_debian_next_entry_asks(host_scan) -> None:
    """R43B-1 (false pass) HVA-180: Debian's GRUB_DEFAULT=0, one block's next_entry (grub-reboot)
    naming the older kernel's 10_linux id: GRUB boots it next whatever GRUB_DEFAULT says."""
    uuid = "0b9a7c1e-54f3-4b8e-9d3c-2f6a1e0c7d11"
    old = f"gnulinux-advanced-{uuid}>gnulinux-6.1.0-27-amd64-advanced-{uuid}"
    grub = ("/etc/default/grub", 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
    env = _grubenv(f"next_entry={old}", path=DEB_ENV)
    a = host_scan({"boot-cmdline": _boot(grub, env, _grubenv("x=1"), grub=False)})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: two GRUB environment blocks differ in the default entry "
        f"they give GRUB (/boot/grub2/grubenv and {DEB_ENV} name '0', '{old}'): which one "
        "grub.cfg's load_env reads is not read"
    }


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            [_saved_rhel(RUNNING), KERNELOPTS + " mitigations=off"],
            [_saved_rhel(RUNNING), KERNELOPTS],
        ),
        ([KERNELOPTS], ["x=1"]),
    ],
    ids=["same-saved-entry", "no-entry-either"],
)
def test_r43b_1_held_same_default(host_scan, first: list[str], second: list[str]) -> None:
    """R43B-1 held: blocks that differ but give GRUB the same default keep HVA-180's pass."""
    a = host_scan(_two(first, second))
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}
