"""Twenty-second red-team review, host side (rt22host): kernel taint bits and host hardening.

Harness: conftest's `host_scan` (the hardened Debian host replayed through `ReplayRunner`, the
real collector, parser and engine, libvirt's test driver serving one plain VM), changed in one
fact per probe, the fact an insecure host would show.

Findings (ID-n):
- R22H-1 (false pass) HVA-041 passed "taint value 1024: no unreviewed module loaded" and
  "taint value 262144: ..." : TAINT_BITS read P, F, O and E only. Linux
  Documentation/admin-guide/tainted-kernels.rst ("11) ``C`` if a staging driver has been
  loaded"; table "10 _/C 1024 staging driver was loaded", "18 _/N 262144 an in-kernel test has
  been run") and kernel/module/main.c check_modinfo (staging: "module is from the staging
  directory, the quality is unknown, you have been warned"; `if (get_modinfo(info, "test"))
  ... "loading test module taints kernel." add_taint_module(mod, TAINT_TEST, ...)`), read with
  `find_string`: both bits are set by loading a module the kernel itself calls unreviewed
  (staging) or test code (N), the uncertified drivers HY-SR-5 keeps out. Now a fail naming
  "staging driver (C)" / "test module (N)".
- R22H-2 (false pass) HVA-040 passed "kernel lockdown 'integrity' enforces signed modules" on a
  host booted without Secure Boot (or with shim's validation off, MokSBStateRT = 1) and no
  lockdown= on /proc/cmdline: security/lockdown/lockdown.c (torvalds/linux, read with
  `read_file`) raises the level only from CONFIG_LOCK_DOWN_KERNEL_FORCE_*, the `lockdown=`
  early parameter, or a securityfs write (`lock_kernel_down("securityfs", level)`), which the
  next boot forgets (the rule R21S-3 applied to kernel.modules_disabled). Now a question naming
  why, answered from the kernel log's "Kernel is locked down from ..." and the kernel config.

Held (kept as tests): HVA-040 with Secure Boot off and `lockdown=integrity` on the command line
keeps the pass (lockdown_param); bit 15 K (live patch, 32768) keeps the pass: a livepatch module is how a
distribution ships a kernel fix, and one built out of tree sets O as well (kept as the twin).

Probed by script, not kept (the verdict was right): none this round.

Tally: 6 cases in 4 test functions; 4 failed before their fixes (run with
PYTHONPATH=/work/main/src: R22H-1 2 on main 42dfe19, R22H-2 2 on 0b86ef9, rebased on R22K-2's next-boot word check, which asks where the running line's
lockdown= is missing from the next boot's), the 2 held cases
passed before and after. The SARIF golden carries
HVA-041's docstring: regenerated (HVAUDIT_UPDATE_GOLDEN=1), no verdict in it changed.

Leads left (not settled in the time):
- HVA-041 bit 16 X ("auxiliary taint, defined for and used by distros"): SUSE sets it for a
  module marked externally supported (not SUSE-reviewed); Debian/Proxmox do not use it. A fail
  on SLES only would need the OS in the decision: not changed.
- HVA-041 reads the taint since boot only; a module loaded and unloaded keeps its bit (the doc:
  "the kernel will remain tainted even after you undo what caused the taint"): right as is.
- HVA-061: ksmtuned is judged only while it runs (processes); an enabled ksmtuned.service or
  RHEL's oneshot ksm.service (ksmctl start) that is not running now sets run = 1 at the next
  boot. Needs a `systemctl list-unit-files ksm*.service` probe: not added.
- HVA-053 keeps /dev/rtc and /dev/hpet (libvirt's historic default ACL) as defaults: a team
  decision whether an old default list still counts as "default".
- HVA-040 on a kernel whose bundle lacks /proc/cmdline or the secure-boot probe keeps the live
  level (an older bundle).
- HVA-045/048/061/062/180/182 and HVA-010/011/020..023 were not probed in the time.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot, _grub


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (1024, "staging driver (C)"),
        (262144, "test module (N)"),
    ],
)
def test_a_staging_or_test_module_taints(host_scan, value: int, label: str) -> None:
    """R22H-1 (false pass) HVA-041: tainted-kernels.rst "10 _/C 1024 staging driver was loaded"
    and "18 _/N 262144 an in-kernel test has been run"; kernel/module/main.c check_modinfo taints
    C for a module "from the staging directory, the quality is unknown, you have been warned"
    and N for a module with MODULE_INFO(test) ("loading test module taints kernel"), read with
    `find_string`. Both passed "no unreviewed module loaded"."""
    a = host_scan({"/proc/sys/kernel/tainted": f"{value}\n"})
    assert outcomes(a, "HVA-041") == {"hv1": "fail"}
    assert messages(a, "HVA-041") == {"hv1": f"kernel tainted ({value}): {label}"}


def test_a_live_patch_alone_keeps_the_pass(host_scan) -> None:
    """Held: bit 15 K (32768, "kernel has been live patched") marks a livepatch module, how a
    distribution applies a kernel fix without a reboot; one built out of tree sets O too."""
    a = host_scan({"/proc/sys/kernel/tainted": "32768\n"})
    assert outcomes(a, "HVA-041") == {"hv1": "pass"}
    assert messages(a, "HVA-041") == {"hv1": "taint value 32768: no unreviewed module loaded"}


SB_OFF = ("   6   0   0   0   0\n", 0)
CMDLINE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet"
LOCK_Q = ": a level written to /sys/kernel/security/lockdown lasts until the next boot"


@pytest.mark.parametrize(
    ("host", "why"),
    [
        (
            {"secure-boot": SB_OFF},
            "the host boots without Secure Boot and no lockdown= is on the kernel command line",
        ),
        (
            {"shim-validation": ("   6   0   0   0   1\n", 0)},
            "shim's validation is off (MokSBStateRT = 1), so Secure Boot does not lock the "
            "kernel down, and no lockdown= is on the kernel command line",
        ),
    ],
)
def test_lockdown_no_boot_sets_asks(host_scan, host: dict, why: str) -> None:
    """R22H-2 (false pass) HVA-040: security/lockdown/lockdown.c (torvalds/linux, `read_file`)
    locks down from CONFIG_LOCK_DOWN_KERNEL_FORCE_*, `early_param("lockdown", ...)` or
    lockdown_write -> `lock_kernel_down("securityfs", level)`; Debian adds Secure Boot, which
    MokSBStateRT = 1 turns off (efi_get_secureboot). Without Secure Boot or lockdown= the level
    may be a write by hand that the next boot forgets: a question, was a pass."""
    a = host_scan(host)
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}
    assert messages(a, "HVA-040") == {"hv1": f"kernel lockdown 'integrity' now, but {why}{LOCK_Q}"}


def test_lockdown_from_the_command_line_keeps_the_pass(host_scan) -> None:
    """Held (R22H-2's twin): lockdown_param takes `lockdown=integrity` at every boot (the
    running line and the next boot's, R22K-2)."""
    a = host_scan(
        {
            "secure-boot": SB_OFF,
            "/proc/cmdline": f"{CMDLINE} lockdown=integrity\n",
            "boot-cmdline": _boot(_grub("quiet lockdown=integrity"), grub=False),
        }
    )
    assert outcomes(a, "HVA-040") == {"hv1": "pass"}
    assert messages(a, "HVA-040") == {"hv1": "kernel lockdown 'integrity' enforces signed modules"}
