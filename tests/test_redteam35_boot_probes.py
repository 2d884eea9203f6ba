"""Red-team round 35 probes: boot, kernel command line (r35boot)

Harness: conftest's `host_scan` (the hardened Debian host, running kernel 6.1.0-28-amd64,
replayed through the real collector, parser and engine, one libvirt test-driver VM), changed
only where a probe says so: the next boot's line by tests/test_redteam21_boot_probes.py's
`_boot`/`_grub`, the running line by tests/test_redteam22_boot2_probes.py's LIVE; HVA-050's
VFIO VM by tests/test_redteam20_host4_probes.py's GPU (GROUPS its pass), an AMD host by
/proc/cpuinfo's vendor_id AuthenticAMD.

Findings (R35B-n):

- R35B-1 (false pass) HVA-050: the next boot's iommu= and amd_iommu= were read as whole comma
  options equal to "off", but the kernel matches prefixes: arch/x86/kernel/pci-dma.c
  iommu_setup takes each comma option by `strncmp(p, "off", 3)` (so `iommu=offx` sets
  no_iommu, which intel_iommu_init and amd_iommu_detect honour), and drivers/iommu/amd/init.c
  parse_amd_iommu_options tested `strncmp(str, "off", 3)` at every character of the value
  (`for (; *str; ++str)`, up to the else-if rework of its options; all read with
  `find_string`). The VFIO VM passed "IOMMU active; ..." beside a next boot with
  `iommu=offx`, `iommu=pt,off_`, or on an AMD host `amd_iommu=offline` or `amd_iommu=xoff`.
  Now devices._iommu_weakened matches as the kernel does: iommu='s options by prefix,
  amd_iommu='s "off" anywhere in the value.

Held (kept as tests): the next boot's `iommu=pt` and, on the AMD host, `amd_iommu=
force_isolation` keep the pass; `amd_iommu=xoff` on the Intel host keeps it (the other
vendor's word).

Probed by script: -

Tally: 1 finding (1 false pass); 7 cases in 2 test functions. R35B-1: 4 of 7 failed on main
748d99a (4 false passes); the 3 held cases passed before and after.

Leads left: -
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam20_host4_probes import GPU, GROUPS
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE

#: HVA-050's pass for the GPU VM (tests/test_redteam20_host4_probes.py's GROUPS)
PT = "passthrough of pci 0000:65:00.0"

#: the hardened host with an AMD CPU
AMD = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "AuthenticAMD")


def _gpu_scan(host_scan, nxt: str, amd: bool = False):
    changes = {
        "/proc/cmdline": LIVE.format(""),
        "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
    }
    if amd:
        changes["/proc/cpuinfo"] = AMD
    return host_scan(changes, domains=GPU)


# --- R35B-1: iommu= and amd_iommu= match "off" as prefixes -------------------------------------


@pytest.mark.parametrize(
    ("nxt", "amd"),
    [
        ("iommu=offx", False),
        ("iommu=pt,off_", False),
        ("amd_iommu=offline", True),
        ("amd_iommu=xoff", True),
    ],
)
def test_r35b_1_iommu_off_by_prefix_fails(host_scan, nxt: str, amd: bool) -> None:
    """R35B-1 (false pass) HVA-050: iommu_setup's `strncmp(p, "off", 3)` per comma option and
    parse_amd_iommu_options's at every character turn the IOMMU off at the next boot."""
    a = _gpu_scan(host_scan, nxt, amd)
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {
        "gpu": f"{PT}, but the next boot turns the device's isolation off: {nxt} in "
        "/etc/default/grub"
    }


@pytest.mark.parametrize(
    ("nxt", "amd"),
    [("iommu=pt", False), ("amd_iommu=force_isolation", True), ("amd_iommu=xoff", False)],
)
def test_r35b_1_held(host_scan, nxt: str, amd: bool) -> None:
    """R35B-1 held: no option starting with off (iommu=), no "off" in the value (amd_iommu=),
    or amd_iommu= on an Intel host: the pass stays."""
    a = _gpu_scan(host_scan, nxt, amd)
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {"gpu": GROUPS}
