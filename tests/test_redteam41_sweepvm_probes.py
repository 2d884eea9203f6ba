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
- R41T-3 (wording) HVA-049: R40T-5 left three questions naming the vendor module's sysfs
  `nested` file where the module is not loaded (parse.host.NESTED_NOT_LOADED), a file that
  does not exist then: an unknown CPU model's, an svm model's on a machine type not named (up
  to QEMU 2.1 under KVM it keeps svm), and the one asked where the host's vendor is unread;
  Proxmox VE's custom model's too (same helper, not probed here). Now each names the file once
  the module is loaded and what its next load takes (guest._nested_files).

Held: kvm_pr on a POWER host without /dev/kvm keeps R40T-4's software-emulation fail; ept=N
without /dev/kvm keeps the shadow paging fail; an AMD host with /dev/kvm and npt=1 keeps the
pass. HVA-010: no KVM module listed keeps "(KVM module not loaded)". HVA-049: kvm_amd loaded
with its `nested` unreadable keeps the sysfs file alone.

Probed by script: none.

Tally: 3 findings (false pass: HVA-011; wording: HVA-010, HVA-049), 8 tests (13 cases); 10
failed on main before the fixes (R41T-1 on 3f6d238b: 3 passes, 2 questions; R41T-2 on
badf06ef: 3; R41T-3 on 81959633: 2), 3 held (3 cases).

Leads left: the leads round 40 left on
HVA-049 (`blacklist kvm_intel`) and HVA-048; R40T-5's question says "a VM's start loads it
too" of the vendor module: opening /dev/kvm autoloads kvm.ko by its devname alias, not
kvm_intel or kvm_amd (not confirmed here).
"""

from __future__ import annotations

import pytest

from hvaudit.engine import Assessment
from test_nested_cpu_models import _cpu, _question
from test_redteam25_boot_probes import _power
from test_redteam37_sweepvm_probes import NOT_LOADED as NESTED_ABSENT
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


# --- R41T-3: HVA-049's other questions named the sysfs file of a module not loaded -------------

NEXT_LOAD = (
    "(it is not loaded now, so the file does not exist; its next load takes modprobe.d's "
    "options, `modprobe -c`, the kernel command line's {words} and else the built-in default: "
    "upstream on for kvm_intel from Linux 4.20, for kvm_amd since 2009)"
)


def test_r41t3_unknown_model_asks_the_next_load(host_scan) -> None:
    """R41T-3 (wording): an unknown CPU model on a host whose vendor module is not loaded was
    asked with /sys/module/kvm_*/parameters/nested as evidence, a file that does not exist
    then; now the module's next load, as R40T-5's question names it."""
    a = host_scan(NESTED_ABSENT, domains=[_cpu("site", "SiteCPU")])
    assert _question(a, "site") == (
        "Does the guest CPU of VM site lack both the vmx and the svm flag? Evidence: grep -cwE "
        "'vmx|svm' /proc/cpuinfo inside the running guest, or the definition of CPU model "
        "SiteCPU (libvirt's cpu_map x86_SiteCPU.xml and the model it is based on) with "
        "/sys/module/kvm_intel/parameters/nested or /sys/module/kvm_amd/parameters/nested once "
        "the module (kvm_intel or kvm_amd) is loaded "
        + NEXT_LOAD.format(words="kvm_intel.nested= or kvm_amd.nested=")
        + " on hv1. Pass: yes, the guest sees neither (the model carries no such flag, or KVM "
        "nesting is off); fail: the guest sees vmx or svm, so it can run a hypervisor."
    )


def test_r41t3_old_machine_type_asks_the_next_load(host_scan) -> None:
    """R41T-3 (wording): an svm model with no machine type on an AMD host whose kvm_amd is not
    loaded named kvm_amd's sysfs file alone; now its next load."""
    host = {**NESTED_ABSENT, "/proc/cpuinfo": AMD_CPU, "/proc/modules": AMD_MODS}
    a = host_scan(host, domains=[_cpu("epyc", "EPYC-Rome")])
    assert _question(a, "epyc") == (
        "Does VM epyc run on a machine type newer than QEMU 2.1's, or on a host that does not "
        "nest svm? Evidence: the machine attribute of <os><type> in `virsh dumpxml epyc` on hv1, "
        "vendor_id in /proc/cpuinfo and /sys/module/kvm_amd/parameters/nested once kvm_amd is "
        "loaded " + NEXT_LOAD.format(words="kvm_amd.nested=") + " there (or grep -cw svm "
        "/proc/cpuinfo in the guest). Pass: yes, pc-i440fx-2.2, pc-q35-2.2 or later (or the "
        "alias pc or q35), a GenuineIntel host, or kvm_amd nested N or 0; fail: a machine type "
        "of 2.1 or older on an AMD host whose kvm_amd nests, so the guest gets svm."
    )


def test_r41t3_held_loaded_module_keeps_sysfs(host_scan) -> None:
    """Held: kvm_amd loaded with its `nested` unreadable keeps the sysfs file alone."""
    host = {
        "/proc/cpuinfo": AMD_CPU,
        "/proc/modules": AMD_MODS,
        "/sys/module/kvm_intel/parameters/nested": None,
        "/sys/module/kvm_amd/parameters/nested": ("", 1, "Permission denied"),
    }
    q = _question(host_scan(host, domains=[_cpu("epyc", "EPYC-Rome")]), "epyc")
    assert "/proc/cpuinfo and /sys/module/kvm_amd/parameters/nested there (or grep" in q
