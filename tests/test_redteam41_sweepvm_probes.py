"""R41 sweep probes of the VM/host-architecture checks (letter T; architecture.py: HVA-011) for
the leads round 40 left (issue 8, "verdicts an auditor can sign").

Harness: the conftest host_scan replay (an Intel host: /proc/cpuinfo with vmx, kvm_intel's
/sys/module/kvm_intel/parameters/ept reading Y), /dev/kvm absent (R39T-2's NO_DEV_KVM: `ls -l
/dev/kvm` exits 2, "No such file or directory"), with test_redteam40_sweepvm_probes' AMD host
(kvm_amd listed, its npt read), test_redteam25_boot_probes' POWER9 host (_power: PowerNV with
kvm_hv or kvm_pr listed), kvm_intel's parameters absent (the module not loaded) and a CPU
without vmx/svm; the HVA-011 item's status, message and question, beside HVA-010's.

Findings:
- R41T-1 (false pass) HVA-011: a host without /dev/kvm passed "EPT/NPT enabled in the KVM
  module" where kvm_intel's ept (or kvm_amd's npt) read Y, and a PowerNV host with kvm_hv
  listed passed "kvm_hv runs guests in the POWER hypervisor mode, which translates their memory
  in hardware", while HVA-010 failed the same host for its missing /dev/kvm. KVM is used only
  through /dev/kvm: QEMU's accel/kvm/kvm-all.c kvm_init opens it and fails "Could not access
  KVM kernel module: %m" without it (read with `find_string`), and a guest then runs under TCG,
  QEMU's software MMU, or does not start; no guest gets the module's EPT/NPT. On an x86 host
  without /dev/kvm and the module not loaded, or a CPU without vmx/svm, main asked "EPT (Intel)
  or NPT (AMD) is enabled in the KVM module?" (the generic question), whose "yes" passed it:
  R39T-2's class (arm64, s390x, POWER) on x86. Now every host whose /dev/kvm is missing fails
  HVA-011 beside HVA-010, the module's setting read or not; where it reads off, the shadow
  paging fail stands.
- R41T-2 (wording) HVA-010: a host with the CPU flag but no /dev/kvm failed "(KVM module not
  loaded)" where /proc/modules lists kvm_intel or kvm_amd (the device node missing, not the
  module) and where /proc/modules was not read (R35S-9's case: nothing showed the module
  absent). Now the message names the loaded module, or says the modules were not read; no
  module listed keeps "KVM module not loaded". Older tests changed (separate commit):
  test_r35_sweep_host_probes' R35S-9 tests asserted the old message for both.

Held: kvm_pr on a POWER host without /dev/kvm keeps R40T-4's software-emulation fail; ept=N
without /dev/kvm keeps the shadow paging fail; an AMD host with /dev/kvm and npt=1 keeps the
pass. HVA-010: no KVM module listed keeps "(KVM module not loaded)".

Probed by script: none.

Tally: 2 findings (false pass: HVA-011; wording: HVA-010), 5 tests (10 cases); 8 failed on
main before the fixes (R41T-1 on 3f6d238b: 3 passes, 2 questions; R41T-2 on badf06ef: 3), 2
held (4 cases).

Leads left: the leads round 40 left on
HVA-049 (`blacklist kvm_intel`, the other questions naming the sysfs file) and HVA-048.
"""

from __future__ import annotations

import pytest

from hvaudit.engine import Assessment
from test_redteam25_boot_probes import _power
from test_redteam39_sweepvm_probes import NO_DEV_KVM
from test_redteam40_sweepvm_probes import AMD_CPU, AMD_MODS

AMD_NPT = {
    "/proc/cpuinfo": AMD_CPU,
    "/proc/modules": AMD_MODS,
    "/sys/module/kvm_intel/parameters/ept": None,
    "/sys/module/kvm_amd/parameters/npt": "1\n",
}
NOT_LOADED = {
    "/sys/module/kvm_intel/parameters/ept": None,
    "/sys/module/kvm_intel/parameters/nested": None,
    "/proc/modules": "",
}
NO_VMX = {"/proc/cpuinfo": "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2\n"}
EPT_UNUSED = (
    "host without /dev/kvm: no guest runs with EPT/NPT (the KVM module's EPT/NPT reads enabled, "
    "but QEMU uses KVM only through /dev/kvm: without it a guest runs under TCG, QEMU's software "
    "emulation, or not at all)"
)
UNLOADED = (
    "host without /dev/kvm: no guest runs with EPT/NPT (no kvm_intel or kvm_amd module "
    "parameters: the KVM module is not loaded)"
)


def _host(a: Assessment, cid: str) -> tuple[str, str, str | None]:
    (r,) = [x for x in a.results if x.check.id == cid]
    return r.status.value, r.outcome.message, r.outcome.question


@pytest.mark.parametrize(
    ("host", "message"),
    [
        (NO_DEV_KVM, EPT_UNUSED),
        ({**AMD_NPT, **NO_DEV_KVM}, EPT_UNUSED),
        (
            {**_power("PowerNV"), **NO_DEV_KVM},
            "POWER host without /dev/kvm: no guest runs with the hypervisor mode's hardware "
            "translation (kvm_hv is listed in /proc/modules, but KVM provides no /dev/kvm)",
        ),
    ],
    ids=["intel-ept", "amd-npt", "power-kvm_hv"],
)
def test_r41t1_module_on_without_dev_kvm_fails(host_scan, host: dict, message: str) -> None:
    """R41T-1, the false pass: the module's EPT/NPT on (kvm_hv listed on POWER) but /dev/kvm
    missing passed on main; now the fail, beside HVA-010's."""
    a = host_scan(host)
    assert _host(a, "HVA-010")[0] == "fail"
    assert _host(a, "HVA-011") == ("fail", message, None)


@pytest.mark.parametrize("host", [NOT_LOADED, {**NOT_LOADED, **NO_VMX}], ids=["vmx", "no-vmx"])
def test_r41t1_x86_module_not_loaded_without_dev_kvm_fails(host_scan, host: dict) -> None:
    """R41T-1, the question: the module not loaded and no /dev/kvm was asked whether EPT is
    enabled (its "yes" passed); now the fail, as R39T-2 made it on arm64 and s390x."""
    a = host_scan({**host, **NO_DEV_KVM})
    assert _host(a, "HVA-010")[0] == "fail"
    assert _host(a, "HVA-011") == ("fail", UNLOADED, None)


def test_r41t1_held_off_and_kvm_pr_and_dev_kvm(host_scan) -> None:
    """Held: kvm_pr without /dev/kvm keeps R40T-4's fail, ept=N without /dev/kvm the shadow
    paging fail, an AMD host with /dev/kvm and npt=1 the pass."""
    pr = host_scan({**_power("PowerNV", "kvm_pr"), **NO_DEV_KVM})
    assert _host(pr, "HVA-011") == (
        "fail",
        "no hardware memory virtualization: KVM runs as kvm_pr (kvm_pr emulates the POWER "
        "hypervisor mode in software, kvm_hv is not loaded; shadow paging)",
        None,
    )
    off = host_scan({**NO_DEV_KVM, "/sys/module/kvm_intel/parameters/ept": "N\n"})
    assert _host(off, "HVA-011") == ("fail", "EPT/NPT disabled: KVM uses shadow paging", None)
    assert _host(host_scan(AMD_NPT), "HVA-011") == (
        "pass",
        "EPT/NPT enabled in the KVM module",
        None,
    )


# --- R41T-2: HVA-010 said "KVM module not loaded" of a host whose modules list kvm_intel --------


@pytest.mark.parametrize(
    ("host", "why"),
    [
        (NO_DEV_KVM, "kvm_intel is loaded, but its device node is not there"),
        ({**AMD_NPT, **NO_DEV_KVM}, "kvm_amd is loaded, but its device node is not there"),
        (
            {**NO_DEV_KVM, "/proc/modules": None, "/sys/module/kvm_intel/parameters/ept": None},
            "whether a KVM module is loaded was not read: /proc/modules could not be read",
        ),
    ],
    ids=["kvm_intel", "kvm_amd", "modules-unread"],
)
def test_r41t2_hva010_names_the_loaded_module(host_scan, host: dict, why: str) -> None:
    """R41T-2 (wording): /proc/modules listing kvm_intel or kvm_amd, or not read, HVA-010 failed
    the missing /dev/kvm "(KVM module not loaded)"; now it names what the modules show."""
    flag = "svm" if "/proc/cpuinfo" in host else "vmx"
    assert _host(host_scan(host), "HVA-010") == (
        "fail",
        f"CPU flag {flag} present but /dev/kvm is missing ({why})",
        None,
    )


def test_r41t2_held_no_module_keeps_not_loaded(host_scan) -> None:
    """Held: no KVM module listed keeps "(KVM module not loaded)"."""
    assert _host(host_scan({**NOT_LOADED, **NO_DEV_KVM}), "HVA-010") == (
        "fail",
        "CPU flag vmx present but /dev/kvm is missing (KVM module not loaded)",
        None,
    )
