"""Red-team round 36 probes: boot, kernel command line, the CPU's vendor (r36boot)

Harness: conftest's `host_scan` (the hardened Debian host, replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the next
boot's line by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`, the running line by
tests/test_redteam22_boot2_probes.py's LIVE; HVA-050's VFIO VM by
tests/test_redteam20_host4_probes.py's GPU (GROUPS its pass); a Zhaoxin host by /proc/cpuinfo's
vendor_id `  Shanghai  ` or `CentaurHauls` (arch/x86/kernel/cpu/zhaoxin.c and centaur.c
c_ident), an AMD host by AuthenticAMD.

Findings (R36B-n):

- R36B-1 (false pass) HVA-050: `intel_iommu=` was read on a GenuineIntel CPU only, but the
  VT-d driver takes it wherever the firmware reports its IOMMU by an ACPI DMAR table, whatever
  the CPU: drivers/iommu/intel/dmar.c detect_intel_iommu calls dmar_table_detect and tests
  `!dmar_disabled` with no test of the vendor, and Zhaoxin's engineers extend that driver for
  their platforms' DMAR tables (FelixCui-oc's "iommu/vt-d: Add support for detecting ACPI
  device in RMRR", iommu list 2020; all read with `find_string`). On a Zhaoxin host (vendor_id
  `  Shanghai  `, or `CentaurHauls` on family 7) the VFIO VM passed "IOMMU active; ..." beside
  a next boot with `intel_iommu=off`. Now intel_iommu= counts on the DMAR platforms' vendors
  (parse.host.VTD_VENDORS: Intel and Zhaoxin) and amd_iommu= on the IVRS ones
  (AMD_VI_VENDORS: AMD and Hygon); an unread vendor counts either, as before.

Held (kept as tests): on a Zhaoxin host `amd_iommu=off` (no AMD IOMMU there) keeps the
pass, and so does `intel_iommu=off` on an AMD host.

Probed by script: -

Tally: 1 finding (1 false pass); 4 cases in 2 test functions. R36B-1: 2 of 4 failed on main
101a77a (2 false passes); the 2 held cases passed before and after.

Leads left: -
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam20_host4_probes import GPU, GROUPS
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE

#: HVA-050's pass for the GPU VM's device (tests/test_redteam20_host4_probes.py's GROUPS)
PT = "passthrough of pci 0000:65:00.0"

#: the hardened host with a Zhaoxin CPU (zhaoxin.c's "  Shanghai  ", centaur.c's "CentaurHauls")
ZHAOXIN = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "  Shanghai  ")
CENTAUR = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "CentaurHauls")
AMD = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "AuthenticAMD")


def _gpu_scan(host_scan, nxt: str, cpuinfo: str):
    changes = {
        "/proc/cmdline": LIVE.format(""),
        "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        "/proc/cpuinfo": cpuinfo,
    }
    return host_scan(changes, domains=GPU)


# --- R36B-1: intel_iommu= on a Zhaoxin host ---------------------------------------------------


@pytest.mark.parametrize("cpuinfo", [ZHAOXIN, CENTAUR], ids=["shanghai", "centaurhauls"])
def test_r36b_1_intel_iommu_off_on_a_zhaoxin_host_fails(host_scan, cpuinfo: str) -> None:
    """R36B-1 (false pass) HVA-050: the VT-d driver reads intel_iommu= wherever the firmware
    has a DMAR table (dmar.c detect_intel_iommu tests no vendor), as on Zhaoxin's platforms:
    the next boot's intel_iommu=off turns the passed-through device's IOMMU off."""
    a = _gpu_scan(host_scan, "intel_iommu=off", cpuinfo)
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {
        "gpu": f"{PT}, but the next boot turns the device's isolation off: intel_iommu=off in "
        "/etc/default/grub"
    }


@pytest.mark.parametrize(
    ("nxt", "cpuinfo"),
    [("amd_iommu=off", ZHAOXIN), ("intel_iommu=off", AMD)],
    ids=["amd-word-on-zhaoxin", "intel-word-on-amd"],
)
def test_r36b_1_held_the_other_familys_word(host_scan, nxt: str, cpuinfo: str) -> None:
    """R36B-1 held: amd_iommu= reaches only an AMD IOMMU (ACPI IVRS), absent on a Zhaoxin
    host, and intel_iommu= only a DMAR one, absent on an AMD host: the pass stays."""
    a = _gpu_scan(host_scan, nxt, cpuinfo)
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {"gpu": GROUPS}
