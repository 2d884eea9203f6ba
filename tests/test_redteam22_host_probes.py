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

Held (kept as tests): bit 15 K (live patch, 32768) keeps the pass: a livepatch module is how a
distribution ships a kernel fix, and one built out of tree sets O as well (kept as the twin).

Probed by script, not kept (the verdict was right): none this round.

Tally: 3 cases in 2 test functions; 2 failed on main 42dfe19 before the fix (run with
PYTHONPATH=/work/main/src), the held case passed before and after. The SARIF golden carries
HVA-041's docstring: regenerated (HVAUDIT_UPDATE_GOLDEN=1), no verdict in it changed.

Leads left (not settled in the time):
- HVA-041 bit 16 X ("auxiliary taint, defined for and used by distros"): SUSE sets it for a
  module marked externally supported (not SUSE-reviewed); Debian/Proxmox do not use it. A fail
  on SLES only would need the OS in the decision: not changed.
- HVA-041 reads the taint since boot only; a module loaded and unloaded keeps its bit (the doc:
  "the kernel will remain tainted even after you undo what caused the taint"): right as is.
- HVA-040/045/048/053/061/062/180/182 and HVA-010/011/020..023 were not probed in the time.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes


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
