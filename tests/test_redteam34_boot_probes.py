"""Red-team round 34 probes: boot, kernel command line, LSMs and signing at boot (r34boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM; AppArmor confines QEMU), changed only where a
probe says so: the next boot's line by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`,
the running line by tests/test_redteam22_boot2_probes.py's LIVE; the SELinux host by
tests/test_redteam_probes.py's SELINUX_HOST.

Findings (R34B-n):

- R34B-1 (false pass; also wrong fail) HVA-043: the next boot's words that keep AppArmor or
  SELinux from starting were not read as the kernel reads them. apparmor= and selinux= are
  __setup handlers that take `kstrtoul(str, 0, &enabled)` and set `enabled ? 1 : 0` only where
  it parses (security/apparmor/lsm.c apparmor_enabled_setup, security/selinux/hooks.c
  selinux_enabled_setup; lib/kstrtox.c kstrtoull skips a "+", _parse_integer_fixup_radix reads
  "0x" as hex and another leading "0" as octal; read with `find_string`), but hvaudit read
  apparmor='s first character as a kstrtobool and selinux= as decimal digits: the next boot's
  `apparmor=+0`, `selinux=0x0` and `selinux=+0` (each off) passed, and `apparmor=n` (refused:
  no change) and `apparmor=01` (octal 1) failed. `apparmor.enabled=` (lsm.c
  `module_param_named(enabled, apparmor_enabled, aaintbool, 0444)`, param_set_aaintbool "Can
  only be set before AppArmor is initialized (i.e. on boot cmdline)", a kstrtobool through
  param_set_bool) was not read at all: `apparmor.enabled=0` passed. And each word counted,
  though the last parsing one sets the flag: `apparmor=0 apparmor=1` and `selinux=0 selinux=1`
  failed. Now _lsm_off reads them with _libvirt.kernel_ulong and kernel_bool, and apparmor= and
  selinux= are last-wins parameters (_nextboot._LAST_WINS).

Held (kept as tests): `apparmor=0x0` and `selinux=00` (both 0) fail; `apparmor=1 apparmor=0`
fails; `apparmor.enabled` bare (param_set_bool's "1") and `apparmor.enabled=Y` pass; a running
`apparmor=0 apparmor=1` does not hide the next boot's lone `apparmor=0` (fails).

Probed by script: -

Tally: 1 finding (1 false pass, also a wrong fail); 15 cases in 3 test functions. R34B-1: 9 of
15 cases failed on main ad70ea7 (5 false passes, 4 wrong fails); the 6 held cases passed
before and after.

Leads left:
- apparmor= and apparmor.enabled= set one flag; a later word of the other name is not read as
  replacing an earlier one (`apparmor=0 apparmor.enabled=1` still fails: conservative).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE
from test_redteam_probes import SELINUX_HOST

AA_PASS = "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing"
SE_PASS = (
    "libvirt confines QEMU with SELinux, enforcing; no VM domain type permissive "
    "(svirt_t, svirt_tcg_t)"
)


def _off(lsm: str, word: str) -> str:
    return (
        f"{lsm} confines QEMU on the running kernel, but the next boot does not start it: "
        f"{word} in /etc/default/grub"
    )


# --- R34B-1: the LSM's boot words as the kernel reads them -----------------------------------


@pytest.mark.parametrize(
    ("selinux", "words", "off"),
    [
        # kstrtoul(str, 0): a "+" is skipped, "0x" is hex
        (False, "apparmor=+0", "apparmor=+0"),
        (True, "selinux=0x0", "selinux=0x0"),
        (True, "selinux=+0", "selinux=+0"),
        # the aaintbool module parameter, a kstrtobool at boot
        (False, "apparmor.enabled=0", "apparmor.enabled=0"),
        (False, "apparmor.enabled=false", "apparmor.enabled=false"),
        # held: 0 in hex and octal
        (False, "apparmor=0x0", "apparmor=0x0"),
        (True, "selinux=00", "selinux=00"),
        # held: the later word is off
        (False, "apparmor=1 apparmor=0", "apparmor=0"),
    ],
    ids=[
        "aa-plus",
        "se-hex",
        "se-plus",
        "aa-enabled-0",
        "aa-enabled-false",
        "aa-hex-held",
        "se-octal-held",
        "aa-later-off-held",
    ],
)
def test_r34b_1_lsm_off_word_fails(host_scan, selinux: bool, words: str, off: str) -> None:
    """R34B-1 (false pass) HVA-043: the next boot's word keeps the LSM from starting
    (apparmor_enabled_setup / selinux_enabled_setup's kstrtoul, param_set_aaintbool's
    kstrtobool); hvaudit read the first character or decimal digits, and not apparmor.enabled=."""
    host = {**SELINUX_HOST} if selinux else {}
    host["boot-cmdline"] = _boot(_grub(f"quiet {words}"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": _off("selinux" if selinux else "apparmor", off)}


@pytest.mark.parametrize(
    ("selinux", "words"),
    [
        # kstrtoul refuses "n": the handler changes nothing
        (False, "apparmor=n"),
        # octal 1: enabled
        (False, "apparmor=01"),
        # the last word that parses sets the flag
        (False, "apparmor=0 apparmor=1"),
        (True, "selinux=0 selinux=1"),
        # held: a bare bool parameter is "1"; Y is true
        (False, "apparmor.enabled"),
        (False, "apparmor.enabled=Y"),
    ],
    ids=[
        "aa-n",
        "aa-octal-1",
        "aa-later-on",
        "se-later-on",
        "aa-enabled-bare-held",
        "aa-enabled-Y-held",
    ],
)
def test_r34b_1_lsm_word_that_leaves_it_on_passes(host_scan, selinux: bool, words: str) -> None:
    """R34B-1 (wrong fail) HVA-043: the next boot starts the LSM; the word was read as off."""
    host = {**SELINUX_HOST} if selinux else {}
    host["boot-cmdline"] = _boot(_grub(f"quiet {words}"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SE_PASS if selinux else AA_PASS}


def test_r34b_1_live_replaced_off_does_not_hide_the_next_boots(host_scan) -> None:
    """R34B-1 held: a running `apparmor=0 apparmor=1` starts AppArmor, so the next boot's lone
    apparmor=0 is not a word the running line put in force (_nextboot.surely_kept)."""
    a = host_scan(
        {
            "/proc/cmdline": LIVE.format("apparmor=0 apparmor=1"),
            "boot-cmdline": _boot(_grub("quiet apparmor=0"), grub=False),
        }
    )
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": _off("apparmor", "apparmor=0")}
