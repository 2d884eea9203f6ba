"""R39 sweep probes of the VM/host-architecture checks (letter T; architecture.py: HVA-010)
for the leads round 38 left (issue 8, "verdicts an auditor can sign").

Harness: the conftest host_scan replay with test_redteam25_boot_probes' POWER9 host (_power:
/proc/cpuinfo and /proc/modules as a POWER KVM host reads them), /proc/modules made unreadable
(test_redteam37_sweepvm_probes.NO_MODS; on x86
test_r36_sweep_vm_probes.NO_MODS, kvm_intel's ept parameter unread too), and the platform line dropped
(test_r34_hva010_unread_nested_probes._no_platform); the item's status, message and question.

Findings:
- R39T-1 (wording) HVA-010: /proc/modules unread on a POWER host (/proc/cpuinfo `cpu : POWER9`)
  with /dev/kvm asked "the CPU offers VT-x/AMD-V and kvm_intel or kvm_amd drives /dev/kvm?",
  and, its platform unread too, "fail: ... whose emulated VT-x/AMD-V KVM then uses": a POWER
  CPU has neither, and its KVM's hardware-mode module is kvm_hv (Linux
  arch/powerpc/kvm/Kconfig KVM_BOOK3S_HV_POSSIBLE; kvm_pr emulates the hypervisor mode in
  software, "PR" KVM_BOOK3S_PR_POSSIBLE), so an honest "no" failed a bare-metal PowerNV host
  whose kvm_hv drives /dev/kvm (the pass R25B-6 gives where the modules are read). Now the
  question on POWER names kvm_hv, not kvm_pr, and the nested fail the outer hypervisor's
  nested virtualization.

- R39T-2 (wording) HVA-011: an arm64 or s390x host without /dev/kvm (KVM did not initialise:
  arch/arm64/kvm/arm.c kvm_arm_init, arch/s390/kvm/kvm-s390.c kvm_s390_init return -ENODEV;
  HVA-010 fails it) was asked "EPT (Intel) or NPT (AMD) is enabled in the KVM module?", x86's
  terms for a host without KVM: "yes (n/a)" passed a host whose guests get no stage-2 or SIE
  translation. Now the fail, beside HVA-010's.

Held: the x86 host's modules question is unchanged (test_r36_sweep_vm_probes.MODS_Q).

Probed by script: none.

Tally: 2 findings (wording: HVA-010, HVA-011), 6 cases; 3 failed on main before R39T-1's fix
(d93357dd), 2 before R39T-2's (a16a0060), 1 held.

Leads left: HVA-048 with <seclabel type='none'> on a running domain and qemu.conf unread;
HVA-049
on AMD (kvm_amd nested on by default long before 4.20, the bound kept for both vendors);
HVA-010's remediation names only kvm_intel/kvm_amd (POWER: kvm_hv).
"""

from __future__ import annotations

from test_r34_hva010_unread_nested_probes import _no_platform
from test_r36_sweep_vm_probes import MODS_Q, _host
from test_r36_sweep_vm_probes import NO_MODS as X86_NO_MODS
from test_redteam24_vm2_probes import _arm64
from test_redteam25_boot_probes import _power
from test_redteam28_boot_probes import _s390
from test_redteam37_sweepvm_probes import NO_MODS

POWER_Q = (
    "Does this hold for this host: kvm_hv (the POWER processor's hypervisor mode; not kvm_pr, "
    "which emulates it in software) drives /dev/kvm? Evidence: the setting, file or command "
    "output it names, read where it lives (the message says why the scan could not). Pass: "
    "yes, it holds; fail: it does not."
)
POWER_JOINED_Q = (
    "Does this hold for this host: kvm_hv (the POWER processor's hypervisor mode; not kvm_pr, "
    "which emulates it in software) drives /dev/kvm, and is host hv1 bare metal, not itself a "
    "virtual machine whose hypervisor offers nested virtualization? Evidence: the setting, file "
    "or command output it names, read where it lives (the message says why the scan could "
    "not); /proc/cpuinfo (the hypervisor flag; POWER: platform PowerNV) or `systemd-detect-virt` "
    "on hv1, and the machine's inventory record. Pass: yes, it holds, and bare metal "
    "(systemd-detect-virt prints none); fail: it does not, or it names a hypervisor, whose "
    "nested virtualization KVM then uses."
)


def test_r39t1_power_modules_question_names_kvm_hv(host_scan) -> None:
    """R39T-1: a PowerNV host, /proc/modules unread: the question named VT-x/AMD-V and
    kvm_intel/kvm_amd, which a POWER host never has; now kvm_hv."""
    a = host_scan({**_power("PowerNV"), **NO_MODS})
    assert _host(a, "HVA-010") == (
        "manual",
        "evidence unavailable: /proc/modules could not be read",
        POWER_Q,
    )


def test_r39t1_power_joined_question_names_kvm_hv(host_scan) -> None:
    """R39T-1: the platform unread too (R37T-2's joined ask): both parts in POWER's terms."""
    a = host_scan({**_no_platform(), **NO_MODS})
    assert _host(a, "HVA-010") == (
        "manual",
        "evidence unavailable: /proc/modules could not be read; /dev/kvm is present, but "
        "whether the host is itself a virtual machine is not known (/proc/cpuinfo names no "
        "POWER platform)",
        POWER_JOINED_Q,
    )


def test_r39t1_held_x86_modules_question(host_scan) -> None:
    """Held: an x86 host's modules question still names VT-x/AMD-V and kvm_intel/kvm_amd."""
    a = host_scan(X86_NO_MODS)
    assert _host(a, "HVA-010") == (
        "manual",
        "evidence unavailable: /proc/modules could not be read",
        MODS_Q,
    )


def test_r39t1_power_platform_question_names_nested(host_scan) -> None:
    """R39T-1: kvm_hv read loaded, the platform unread (R34U-7's question): its fail names the
    outer hypervisor's nested virtualization, not VT-x/AMD-V."""
    a = host_scan(_no_platform())
    assert _host(a, "HVA-010") == (
        "manual",
        "evidence unavailable: /proc/cpuinfo names no POWER platform",
        "Is host hv1 bare metal, not itself a virtual machine whose hypervisor offers nested "
        "virtualization? Evidence: /proc/cpuinfo (the hypervisor flag; POWER: platform PowerNV) "
        "or `systemd-detect-virt` on hv1, and the machine's inventory record. Pass: yes, bare "
        "metal (systemd-detect-virt prints none); fail: it names a hypervisor, whose nested "
        "virtualization KVM then uses",
    )


NO_DEV_KVM = {"dev-kvm": ("", 2, "ls: cannot access '/dev/kvm': No such file or directory\n")}


def test_r39t2_arm64_without_dev_kvm_fails_hva011(host_scan) -> None:
    """R39T-2: arm64 without /dev/kvm was asked about EPT/NPT; now the fail."""
    a = host_scan(_arm64(dev_kvm=False))
    assert _host(a, "HVA-011") == (
        "fail",
        "arm64 host without /dev/kvm: no guest runs with stage-2 translation (no /dev/kvm: "
        "KVM/arm64 did not initialise (HYP mode not available))",
        None,
    )


def test_r39t2_s390x_without_dev_kvm_fails_hva011(host_scan) -> None:
    """R39T-2: s390x without /dev/kvm likewise."""
    a = host_scan({**_s390(), **NO_DEV_KVM})
    assert _host(a, "HVA-011") == (
        "fail",
        "s390x host without /dev/kvm: no guest runs with SIE's translation (no /dev/kvm: KVM on "
        "s390x did not initialise (SIE not available, or the kvm module not loaded))",
        None,
    )
