"""Twenty-second red-team review, host side, second pass (rt22boot2): repeated kernel words.

Harness: as tests/test_redteam22_boot_probes.py (rt22boot): libvirt's test driver serves the
VMs, host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only
where a probe says so), /proc/cmdline replaced where a probe says so, and the `boot-cmdline`
probe's output built by rt21boot's `_boot`/`_grub`, through the real collector, parser and
engine.

Findings (ID-n):
- R22K-1 (false pass) HVA-181 passed "none unmitigated" where the running line held
  `mitigations=off mitigations=auto` and the next boot's (GRUB_CMDLINE_LINUX_DEFAULT) a lone
  `mitigations=off`: _nextboot.next_boot_adds dropped every next-boot word the live line
  also holds (`w not in now`), though the live `mitigations=off` had been replaced by the
  later `mitigations=auto`. The same reading made a next boot's `mitigations=off
  mitigations=auto` a fail (wrong fail). kernel/cpu.c mitigations_parse_cmdline assigns
  (`if (!strcmp(arg, "off")) cpu_mitigations = CPU_MITIGATIONS_OFF; else if (!strcmp(arg,
  "auto")) cpu_mitigations = CPU_MITIGATIONS_AUTO; ...`, an early_param, read with
  `find_string`), and kernel/params.c parse_args hands it each word in order, so the last
  one is kept. Now a word of such a parameter (_nextboot._LAST_WINS) that a later word of
  its name replaces is judged on neither line (_nextboot.kept): the first case fails naming
  the word, the second passes.

- R22K-2 (false pass) HVA-040 passed "module.sig_enforce is on" (or "kernel lockdown
  'integrity' enforces signed modules") where the running line's module.sig_enforce=1 (or
  lockdown=integrity) set it and the next boot's line has no such word. kernel/module/
  signing.c `static bool sig_enforce = IS_ENABLED(CONFIG_MODULE_SIG_FORCE);
  module_param(sig_enforce, bool_enable_only, 0644);` under MODULE_PARAM_PREFIX "module.",
  security/lockdown/lockdown.c `early_param("lockdown", lockdown_param)` and
  CONFIG_LOCK_DOWN_KERNEL_FORCE_* / CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT (read with
  `find_string`): without the word the kernel's configuration or Secure Boot decides, and
  /boot/config-* and the Secure Boot state are not read. Now the question "Does host hv1's
  kernel refuse unsigned modules after the next boot, although WORD is not in FILE?"
  (devices._signing_lost, _nextboot.live_word_dropped).

- R22K-3 (false pass) HVA-181 passed "none unmitigated" with SMT off by the running line's
  `nosmt` where the next boot's line holds `mitigations=auto,nosmt mitigations=auto`:
  management._smt_off_lost (R22B-3) took any nosmt word, though mitigations_parse_cmdline
  keeps the last word's CPU_MITIGATIONS_AUTO (R22K-1's source). Now it reads only the words
  the kernel keeps (_nextboot.kept): the question.

Held (kept as tests): a next boot's `audit=0 audit=1` still fails HVA-214: kernel/audit.c
audit_enable sets `audit_initialized = AUDIT_DISABLED` on "0"/"off", which the later `audit=1`
does not undo (read with `find_string`), so `audit=` is not a last-wins parameter. HVA-040
keeps its pass where the next boot keeps module.sig_enforce=1, where lockdown is on by other
means (no lockdown= word), and where sig_enforce is Y with no word.

Probed by script, not kept: a live and a next `mitigations=off mitigations=auto` (the same
line) passed before and after.

Tally: 10 cases in 6 test functions; 6 failed before their fixes (PYTHONPATH=/work/main/src):
R22K-1's 2 on main 42dfe19, R22K-2's 3 on main 9e2ab58 (R22K-1 landed), R22K-3's 1 on main
31d5e17; the 4 held cases passed before and after.

Leads left (not settled in the time):
- Other single-value parameters are still judged word by word: a flaw's own `=off` word
  (mds=, spectre_v2=, l1tf=, ...: bugs.c's handlers assign one value; spectre_v2 reads the
  line with cmdline_find_option) and kvm.nx_huge_pages= (a module parameter: each word goes
  to its set op). Add them to _LAST_WINS once each is confirmed; intel_iommu= and
  pcie_acs_override= take comma options that add up, so they must stay out.
- Dropped words still not judged: intel_iommu=on / amd_iommu=on (HVA-050,
  CONFIG_INTEL_IOMMU_DEFAULT_ON not read). HVA-040 does not read a unit that writes 1 to
  sig_enforce at run time (the parameter is 0644), which the question's evidence leaves out.
- proxmox-boot-tool takes only the first line of /etc/kernel/cmdline; hvaudit joins all
  lines (a word on line 2 of a Proxmox node's file is a wrong fail).
- GRUB_CMDLINE_XEN / GRUB_CMDLINE_LINUX_XEN_REPLACE(_DEFAULT) (20_linux_xen) not read.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam21_boot_probes import _boot, _grub

LIVE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {}\n"


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


NONE = "17 CPU vulnerabilities reported, none unmitigated"


def _scan(host_scan, live: str, next_line: str):
    return host_scan(
        {"/proc/cmdline": LIVE.format(live), "boot-cmdline": _boot(_grub(next_line), grub=False)}
    )


def test_a_replaced_live_word_does_not_hide_the_next_boots(host_scan) -> None:
    """R22K-1 (false pass) HVA-181: the running line's `mitigations=off mitigations=auto` runs
    mitigated (kernel/cpu.c mitigations_parse_cmdline assigns cpu_mitigations for each word,
    the last kept), so the next boot's lone `mitigations=off` turns mitigations off; it was
    dropped because the live line held the same word."""
    a = _scan(host_scan, "mitigations=off mitigations=auto", "quiet mitigations=off")
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: mitigations=off in "
        "/etc/default/grub"
    }


def test_a_replaced_next_boot_word_is_asked(host_scan) -> None:
    """R22K-1 (wrong fail) HVA-181: the next boot's `mitigations=off mitigations=auto` boots
    with CPU_MITIGATIONS_AUTO (the later word's assignment) before Linux 6.17, so it is no
    fail; R27B-1 (tests/test_redteam27_boot_probes.py): from 6.17 on the attack vectors the
    off cleared stay off, so it is asked (it passed before R27B-1)."""
    a = _scan(host_scan, "", "quiet mitigations=off mitigations=auto")
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}


def test_audit_off_is_not_undone_by_a_later_audit_on(host_scan) -> None:
    """Held: kernel/audit.c audit_enable sets `audit_initialized = AUDIT_DISABLED` on "0" or
    "off" and a later `audit=1` does not reset it, so `audit=0 audit=1` still fails."""
    a = _scan(host_scan, "", "quiet audit=0 audit=1")
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1, but the next boot turns "
        "kernel auditing off: audit=0 in /etc/default/grub"
    }


# --- HVA-040: signature enforcement from a word the next boot drops (R22K-2) ----------------------

SIG = "/sys/module/module/parameters/sig_enforce"
LOCK = "/sys/kernel/security/lockdown"
UNLOCKED = "[none] integrity confidentiality\n"
LOCKED = "none [integrity] confidentiality\n"
ASKED = (
    "Does host hv1's kernel refuse unsigned modules after the next boot, although {} is not "
    "in /etc/default/grub? Evidence: CONFIG_MODULE_SIG_FORCE and "
)


def _sig_scan(host_scan, live: str, next_line: str, sig: str, lock: str):
    return host_scan(
        {
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(next_line), grub=False),
            SIG: sig,
            LOCK: lock,
        }
    )


@pytest.mark.parametrize(
    ("live", "sig", "lock", "shown"),
    [
        ("module.sig_enforce=1", "Y\n", UNLOCKED, "module.sig_enforce is on"),
        (
            "lockdown=integrity",
            "N\n",
            LOCKED,
            "kernel lockdown 'integrity' enforces signed modules",
        ),
        (
            "lockdown=integrity module.sig_enforce=1",
            "Y\n",
            LOCKED,
            "module.sig_enforce is on",
        ),
    ],
    ids=["sig_enforce", "lockdown", "both"],
)
def test_signing_from_a_word_the_next_boot_drops_asks(
    host_scan, live: str, sig: str, lock: str, shown: str
) -> None:
    """R22K-2 (false pass) HVA-040 passed on sig_enforce = Y (or lockdown 'integrity') that
    the running line's module.sig_enforce=1 (lockdown=integrity) set, where the next boot's
    line (GRUB_CMDLINE_LINUX_DEFAULT="quiet") has no such word. kernel/module/signing.c
    `static bool sig_enforce = IS_ENABLED(CONFIG_MODULE_SIG_FORCE); module_param(sig_enforce,
    bool_enable_only, 0644)` (prefix "module."), security/lockdown/lockdown.c
    `early_param("lockdown", lockdown_param)` (both read with `find_string`): without the word
    the kernel's own configuration or Secure Boot decides, which the evidence does not show.
    Now the question."""
    a = _sig_scan(host_scan, live, "quiet", sig, lock)
    word = live.split()[-1]
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}
    assert messages(a, "HVA-040") == {
        "hv1": f"{shown}; but the running kernel has it from {word}, not in /etc/default/grub: "
        "unsigned modules can be loaded after the next boot unless the kernel enforces it by "
        "itself"
    }
    assert _question(a, "HVA-040").startswith(ASKED.format(word))


@pytest.mark.parametrize(
    ("live", "next_line", "lock"),
    [
        ("module.sig_enforce=1", "quiet module.sig_enforce=1", UNLOCKED),
        ("module.sig_enforce=1", "quiet", LOCKED),
        ("", "quiet", UNLOCKED),
    ],
    ids=["kept", "lockdown-by-other-means", "no-word"],
)
def test_signing_the_next_boot_keeps_passes(
    host_scan, live: str, next_line: str, lock: str
) -> None:
    """Held: the next boot keeps module.sig_enforce=1; a dropped word while lockdown is on by
    other means (lockdown refuses unsigned modules where signing is built, which sig_enforce's
    presence shows); sig_enforce = Y with no word (CONFIG_MODULE_SIG_FORCE)."""
    a = _sig_scan(host_scan, live, next_line, "Y\n", lock)
    assert outcomes(a, "HVA-040") == {"hv1": "pass"}
    assert messages(a, "HVA-040") == {"hv1": "module.sig_enforce is on"}


# --- HVA-181: SMT off kept by a word a later one replaces (R22K-3) --------------------------------

SMT_VULNS = str(HARDENED_HOST["cpu-vulnerabilities"][0]).replace(
    "mds:Not affected", "mds:Mitigation: Clear CPU buffers; SMT disabled"
)


def test_a_replaced_nosmt_word_does_not_keep_smt_off(host_scan) -> None:
    """R22K-3 (false pass) HVA-181: SMT is off now by the running line's `nosmt`, and the next
    boot's `mitigations=auto,nosmt mitigations=auto` was read as keeping it off (R22B-3's
    reading took any word); kernel/cpu.c mitigations_parse_cmdline keeps the last word's
    CPU_MITIGATIONS_AUTO, so nothing turns SMT off at the next boot. Now the question."""
    a = host_scan(
        {
            "cpu-vulnerabilities": (SMT_VULNS, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format("nosmt"),
            "boot-cmdline": _boot(
                _grub("quiet mitigations=auto,nosmt mitigations=auto"), grub=False
            ),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}; but the running kernel turned SMT off with nosmt, not in "
        "/etc/default/grub: mds report SMT vulnerable after the next boot"
    }
