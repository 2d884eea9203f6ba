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

- R36B-2 (false pass) HVA-181 (and HVA-214): parse.host.X86_VENDORS named Intel, AMD and
  Hygon only, so a Zhaoxin host (zhaoxin.c's `  Shanghai  `, centaur.c's `CentaurHauls`) was
  read as another architecture's. cpu_flaws_unreported then listed nothing, though the
  kernel sets Meltdown, L1TF, MDS and iTLB multihit for Zhaoxin's family 7 (arch/x86/kernel/
  cpu/common.c cpu_vuln_whitelist: `VULNWL(ZHAOXIN, 7, X86_MODEL_ANY, NO_SPECTRE_V2 |
  NO_SWAPGS | NO_MMIO | NO_BHI)`, read with `find_string`): a kernel without the mds, l1tf
  and itlb_multihit files (one that predates them) passed "14 CPU vulnerabilities reported,
  none unmitigated". HVA-214's b64-only watch was asked whether the host runs 32-bit programs
  at all, though an x86-64 kernel does whatever the vendor. Now X86_VENDORS holds Zhaoxin's
  ids (ZHAOXIN_VENDORS), and X86_FLAWS_NOT_OF leaves out there only the flaws the kernel sets
  for other vendors (SRBDS and GDS: Intel models of cpu_vuln_blacklist; ITS: vulnerable_to_its
  `x86_vendor != X86_VENDOR_INTEL`; SRSO and TSA: AMD's and Hygon's). The unreported flaws are
  asked and the b64-only watch fails.

Held (kept as tests): on a Zhaoxin host `amd_iommu=off` (no AMD IOMMU there) keeps the
pass, and so does `intel_iommu=off` on an AMD host; a Zhaoxin host whose kernel lacks only
the SRBDS, GDS, ITS, SRSO and TSA files passes HVA-181.

Probed by script: -

Tally: 2 findings (2 false passes); 8 cases in 5 test functions. R36B-1: 2 of 4 failed on main
101a77a (2 false passes); R36B-2: 3 of 4 failed on main 101a77a (2 false passes, and HVA-214's
question where the evidence fails); the 3 held cases passed before and after.

Leads left: -
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_network_leads import _cpu_verdict, _kernel_without
from test_redteam20_host3_probes import B64_LIBVIRT, COMPAT, POLKIT_WATCH, _audit
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


# --- R36B-2: a Zhaoxin host is an x86 host -----------------------------------------------------

#: HVA-181's question for a kernel without the files of Meltdown's successors (R36B-2)
UNREPORTED = (
    "14 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing of "
    "itlb_multihit, l1tf, mds: it predates them, so it neither reports nor mitigates them on "
    "this {} CPU"
)
UNREPORTED_Q = (
    "Is this host's CPU unaffected by every one of itlb_multihit, l1tf, mds? Evidence: the "
    "CPU's family, model and stepping (/proc/cpuinfo) against the vendor's advisories or the "
    "kernel's Documentation/admin-guide/hw-vuln, or /sys/devices/system/cpu/vulnerabilities "
    'after booting a kernel that reports them. Pass: yes, none affects this CPU ("Not '
    'affected"); fail: no, one does (the running kernel does not mitigate it).'
)


@pytest.mark.parametrize(
    ("cpuinfo", "vendor"),
    [(ZHAOXIN, "Shanghai"), (CENTAUR, "CentaurHauls")],
    ids=["shanghai", "centaurhauls"],
)
def test_r36b_2_unreported_flaws_on_a_zhaoxin_host_are_asked(
    host_scan, cpuinfo: str, vendor: str
) -> None:
    """R36B-2 (false pass) HVA-181: a Zhaoxin family 7 CPU is whitelisted for Spectre v2,
    SWAPGS, MMIO and BHI only (common.c cpu_vuln_whitelist), so the kernel sets MDS, L1TF and
    iTLB multihit for it; a kernel without their files neither reports nor mitigates them.
    The host was read as another architecture's and passed; now it is asked."""
    a = host_scan(
        {
            "cpu-vulnerabilities": (_kernel_without("mds", "l1tf", "itlb_multihit"), 0),
            "/proc/cpuinfo": cpuinfo,
        }
    )
    assert _cpu_verdict(a) == ("manual", UNREPORTED.format(vendor), UNREPORTED_Q)


def test_r36b_2_held_other_vendors_flaws_on_a_zhaoxin_host(host_scan) -> None:
    """R36B-2 held: SRBDS and GDS (Intel models of cpu_vuln_blacklist), ITS (Intel only), SRSO
    and TSA (AMD's and Hygon's) cannot affect a Zhaoxin CPU: a kernel without their files
    leaves nothing open there."""
    missing = ("srbds", "gather_data_sampling", "indirect_target_selection")
    missing += ("spec_rstack_overflow", "tsa")
    a = host_scan({"cpu-vulnerabilities": (_kernel_without(*missing), 0), "/proc/cpuinfo": ZHAOXIN})
    assert _cpu_verdict(a) == ("pass", "12 CPU vulnerabilities reported, none unmitigated", "")


def test_r36b_2_b64_only_watch_on_a_zhaoxin_host_fails(host_scan) -> None:
    """R36B-2 HVA-214: an x86-64 kernel runs 32-bit programs (IA32 emulation) whatever the
    vendor; the b64-only watch on a Zhaoxin host was asked whether the host runs them at all
    (read as another architecture's); now it fails as on an Intel host."""
    a = _audit(host_scan, B64_LIBVIRT + POLKIT_WATCH, **{"/proc/cpuinfo": ZHAOXIN})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": COMPAT}
