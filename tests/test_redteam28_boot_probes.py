"""Red-team round 28 probes: boot, kernel and hardware assistance (rt28boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: an s390x
host (`_s390`: /proc/cpuinfo as arch/s390/kernel/processor.c prints it, /proc/sysinfo as
arch/s390/kernel/sysinfo.c does, the `kvm` module alone); domains with raw QEMU arguments
built by tests/test_redteam10_vm_probes.py's `_raw_cpu_domain` on the hardened host.

Findings (R28B-n):

- R28B-1 (wrong fail) HVA-010 HVA-011: an s390x KVM host failed HVA-010 "/dev/kvm exists but
  neither kvm_intel nor kvm_amd is loaded" and HVA-011 was an error ("the KVM module is not
  loaded"). KVM on s390x is the `kvm` module itself and runs guests under SIE only
  (arch/s390/kvm/kvm-s390.c kvm_s390_init: "SIE is not available" -> -ENODEV; processor.c
  setup_hwcaps puts `sie` in /proc/cpuinfo's features; libvirt tools/virt-host-validate-qemu.c
  passes s390x on VIR_HOST_VALIDATE_CPU_FLAG_SIE). The x86 reading also took every s390x host
  for bare metal (no `hypervisor` flag there), so the fix alone would have passed a z/VM guest:
  the collector now reads /proc/sysinfo, whose "VM00 Control Program:" line (sysinfo.c
  stsi_3_2_2, level 3 only; systemd src/basic/virt.c detect_vm_zvm) marks a guest of z/VM or
  KVM (a fail: vSIE), its absence a logical partition (a pass); unread, one question.

- R28B-2 (false pass) HVA-012: a raw `-machine pseries,kvm-type=PR` (or `-M ...,kvm-type=pr`)
  passed "hardware virtualization (kvm)". QEMU hw/ppc/spapr.c spapr_kvm_type maps "pr" (any
  case) to KVM_VM_PPC_PR, and arch/powerpc/kvm/powerpc.c kvm_arch_init_vm then takes
  kvmppc_pr_ops even where kvm_hv is loaded (only type 0, auto, prefers HV): kvm_pr emulates
  the guest's hypervisor and privileged state (arch/powerpc/kvm/Kconfig KVM_BOOK3S_PR, "where
  hypervisor mode is not available"). Now a fail naming the argument (the last kvm-type of the
  merged -machine options wins).

- R28B-3 (false pass) HVA-181 and every check reading the next boot's line: a unified kernel
  image in $ESP/EFI/Linux (systemd-boot's Type #2 entries; systemd src/shared/find-esp.c: the
  ESP at /efi, /boot, /boot/efi) boots with its own .cmdline PE section (systemd-stub(7)), a
  line no collected file holds; the live line's pass stood. Now a `boot-uki` probe lists the
  images, and where no read source adds a weakening word the next boot is one question (which
  names `objcopy -O binary --only-section=.cmdline IMAGE /dev/stdout`); beside a source that
  adds one, the image is a source not read (a question, not a settled fail).

Held (kept as tests): a raw kvm-type=HV or kvm-type=auto keeps HVA-012's pass (kvm_hv first);
no image in EFI/Linux (find exits 1, "No such file or directory") keeps HVA-181's pass.

Probed by script, not kept: 2 inputs (the s390x host with and without `sie` on the unfixed
main: both failed HVA-010 alike and HVA-011 was an error). Read, not run: a POWER host with
kvm_hv and kvm_pr both loaded keeps HVA-010's pass, since a VM gets kvm_pr only by asking
(kvm_arch_init_vm: type 0 prefers HV), which R28B-2 now fails per VM.

Tally: 3 findings (2 false passes, 1 wrong fail); 10 cases in 7 test functions; 7 failed
before their fixes (R28B-1: 4 on main eff6a85, R28B-2: 2 and R28B-3: 1 on main after R28B-1
landed); the 3 held cases passed before and after. One question reworded before landing
(tests/test_manual_questions.py: "Pass:" must not read as a "no").

Leads left:
- live_word_dropped (a protective live word the next boot may lose) skips the UKI source, and
  a bundle without the boot-uki probe (older hvaudit) asks nothing about UKIs. Type #1 entries with `uki`/`efi` keys and
  *.addon.efi .cmdline add-ons (systemd-stub(7)) are not read.
- grub.cfg itself is still not collected (a hand-edited `linux` line, tuned_params, the
  kernelopts fallback); loader.conf `default` globs are not read (every entry counts as a
  source, so not a false pass by itself).
- Team decision: whether kvm_pr loaded beside kvm_hv (any VM may ask for it) is itself a
  fail of HVA-010. s390x: KVM in an LPAR counts as bare metal (PR/SM's two-level SIE);
  HVA-049 (kvm.nested on s390x) and Secure Execution not probed.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes, run_assessment
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

#: An s390x KVM host's /proc/cpuinfo as arch/s390/kernel/processor.c show_cpu_summary prints it
#: (`vendor_id : IBM/S390`, the hwcaps on a `features` line, `sie` where sclp.has_sief2)
S390_CPUINFO = (
    "vendor_id       : IBM/S390\n# processors    : 4\nbogomips per cpu: 3241.00\n"
    "max thread id   : 0\n"
    "features\t: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh highgprs te vx vxd vxe gs "
    "vxe2 vxp sort dflt sie\n"
    "facilities      : 0 1 2 3 4 6 7 8 9 10 16 17 18 19 20 21 22 24 25 26 27 28\n"
    "cache0          : level=1 type=Data scope=Private size=128K line_size=256 associativity=8\n"
    "processor 0: version = FF,  identification = 0133E8,  machine = 8561\n"
)

#: /proc/sysinfo in a logical partition (arch/s390/kernel/sysinfo.c stsi_1_1_1, stsi_2_2_2;
#: no stsi_3_2_2 VM lines below configuration level 3)
LPAR_SYSINFO = (
    "Manufacturer:         IBM\nType:                 8561\nModel:                716"
    "              T01\nSequence Code:        00000000000A1B2C\nPlant:                02\n\n"
    "LPAR Number:          12\nLPAR Characteristics: Shared \nLPAR Name:            KVMHV1"
    "  \nLPAR Adjustment:      250\nLPAR CPUs Total:      16\nLPAR CPUs Configured: 4\n"
)

#: ... and in a z/VM guest (stsi_3_2_2: "VM%02d Control Program: %-16.16s")
ZVM_SYSINFO = LPAR_SYSINFO + (
    "\nVM00 Name:            LINUX01 \nVM00 Control Program: z/VM    7.3.0   \n"
    "VM00 Adjustment:      62\nVM00 CPUs Total:      2\nVM00 CPUs Configured: 2\n"
)

SEEN = "kvm drives /dev/kvm, CPU feature sie present (s390x SIE)"


def _s390(sysinfo: str | None = LPAR_SYSINFO) -> dict:
    """An s390x KVM host: no kvm_intel/kvm_amd, the `kvm` module itself, /dev/kvm."""
    return {
        "/proc/cpuinfo": S390_CPUINFO,
        "/proc/sysinfo": sysinfo,
        "/sys/module/kvm_intel/parameters/ept": None,
        "/proc/modules": "kvm 585728 0 - Live 0x000003ff80400000\n",
    }


def test_r28b_1_s390x_lpar_kvm_passes(host_scan) -> None:
    """R28B-1 (wrong fail) HVA-010 HVA-011: KVM on s390x is the `kvm` module itself and runs
    its guests under SIE (arch/s390/kvm/kvm-s390.c kvm_s390_init refuses to load "SIE is not
    available" without it; processor.c setup_hwcaps lists `sie` in /proc/cpuinfo's features;
    libvirt tools/virt-host-validate-qemu.c passes s390x on VIR_HOST_VALIDATE_CPU_FLAG_SIE).
    In a logical partition (no VM00 line in /proc/sysinfo, arch/s390/kernel/sysinfo.c) it
    failed "neither kvm_intel nor kvm_amd is loaded", and HVA-011 was an error."""
    a = host_scan(_s390())
    assert outcomes(a, "HVA-010") == {"hv1": "pass"}, messages(a, "HVA-010")
    assert messages(a, "HVA-010") == {"hv1": f"{SEEN}, in a logical partition"}
    assert outcomes(a, "HVA-011") == {"hv1": "pass"}, messages(a, "HVA-011")
    assert messages(a, "HVA-011") == {
        "hv1": "s390x KVM translates guest memory in SIE through the host's DAT tables, in a "
        "logical partition"
    }


def test_r28b_1_s390x_zvm_guest_is_nested(host_scan) -> None:
    """R28B-1: the s390x /proc/cpuinfo has no `hypervisor` flag, so the x86 reading took every
    s390x host for bare metal; a guest of z/VM (sysinfo.c stsi_3_2_2 "VM00 Control Program:
    z/VM", systemd src/basic/virt.c detect_vm_zvm) runs its KVM on vSIE: a fail."""
    a = host_scan(_s390(ZVM_SYSINFO))
    assert outcomes(a, "HVA-010") == {"hv1": "fail"}, messages(a, "HVA-010")
    assert messages(a, "HVA-010") == {
        "hv1": f"{SEEN}, but the host is itself a virtual machine (s390x /proc/sysinfo names a "
        "VM00 control program): its SIE is the outer hypervisor's vSIE, emulated in software, "
        "not the machine's"
    }
    assert outcomes(a, "HVA-011") == {"hv1": "fail"}, messages(a, "HVA-011")


@pytest.mark.parametrize(
    ("sysinfo", "why"), [("", "is empty"), (None, "could not be read (no such file)")]
)
def test_r28b_1_s390x_sysinfo_unread_is_asked(host_scan, sysinfo, why) -> None:
    """R28B-1: /proc/sysinfo unread: whether the host is a guest is one question, not a pass."""
    a = host_scan(_s390(sysinfo))
    assert outcomes(a, "HVA-010") == {"hv1": "manual"}, messages(a, "HVA-010")
    assert messages(a, "HVA-010") == {
        "hv1": f"{SEEN}, but whether the host is itself a virtual machine is not shown (an "
        f"s390x kernel's /proc/cpuinfo has no hypervisor flag, and /proc/sysinfo {why})"
    }
    assert outcomes(a, "HVA-011") == {"hv1": "manual"}, messages(a, "HVA-011")
    q = {r.outcome.question for r in a.results if r.check.id in ("HVA-010", "HVA-011")}
    assert all(x.startswith("Does host hv1 run in a logical partition (LPAR)") for x in q), q


# --- R28B-2: HVA-012, a raw kvm-type=PR asks POWER's KVM for kvm_pr -----------------------------

RAW_KVM_TYPE = {
    "kvmpr": ("-machine", "pseries,kvm-type=PR"),
    "kvmprlow": ("-M", "pseries-8.2,kvm-type=pr"),
    "kvmhv": ("-machine", "pseries,kvm-type=HV"),
    "kvmauto": ("-machine", "kvm-type=auto"),
}


@pytest.fixture(scope="module")
def kvm_types(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp = tmp_path_factory.mktemp("r28bkvmtype")
    domains = {name: _raw_cpu_domain(name, "", *args) for name, args in RAW_KVM_TYPE.items()}
    return run_assessment(_replayed_on(tmp, HARDENED_HOST, domains))


@pytest.mark.parametrize(
    ("vm", "shown"),
    [("kvmpr", "-machine pseries,kvm-type=PR"), ("kvmprlow", "-M pseries-8.2,kvm-type=pr")],
)
def test_r28b_2_raw_kvm_type_pr_fails(kvm_types: Assessment, vm: str, shown: str) -> None:
    """R28B-2 (false pass) HVA-012: QEMU's pseries `kvm-type=PR` (hw/ppc/spapr.c
    spapr_kvm_type, `g_ascii_strcasecmp(vm_type, "pr")` -> KVM_VM_PPC_PR) makes the kernel run
    the VM with kvm_pr even where kvm_hv is loaded (arch/powerpc/kvm/powerpc.c
    kvm_arch_init_vm: only type 0 prefers HV): the guest's hypervisor and privileged state are
    emulated, "where hypervisor mode is not available" (arch/powerpc/kvm/Kconfig KVM_BOOK3S_PR).
    HVA-012 passed it "hardware virtualization (kvm)" on <domain type='kvm'> alone."""
    assert verdict(kvm_types, "HVA-012", vm) == (
        "fail",
        f"kvm, but QEMU argument {shown} asks for PR KVM: the guest's hypervisor and "
        "privileged state are emulated by kvm_pr, not run in the POWER processor's hypervisor "
        "mode (kvm_hv)",
    )


@pytest.mark.parametrize("vm", ["kvmhv", "kvmauto"])
def test_r28b_2_raw_kvm_type_hv_keeps_the_pass(kvm_types: Assessment, vm: str) -> None:
    """R28B-2 held: kvm-type=HV or auto (kvm_hv first) keeps the pass."""
    assert verdict(kvm_types, "HVA-012", vm) == ("pass", "hardware virtualization (kvm)")


# --- R28B-3: a unified kernel image's own command line is not read -----------------------------

UKI = "/efi/EFI/Linux/debian-6.1.0-28-amd64.efi"


def test_r28b_3_uki_next_boot_is_asked(host_scan) -> None:
    """R28B-3 (false pass) HVA-181 (and every check reading the next boot's line): systemd-boot
    boots each $ESP/EFI/Linux/*.efi as a Type #2 entry whose command line is the image's own
    .cmdline PE section (systemd-stub(7): "The kernel command line to pass to the invoked
    kernel"), built when the kernel was installed. hvaudit read only GRUB's defaults and the
    loader entries: a host whose next boot is a UKI kept the live line's pass."""
    a = host_scan({"boot-uki": (f"{UKI}\n", 0)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the command line "
        f"embedded in the unified kernel image(s) {UKI} is not read: whether the next boot's "
        "line turns mitigations off is not known"
    }
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-181")
    assert q.startswith("Does the next boot of host hv1 leave out every kernel parameter that"), q
    assert "objcopy -O binary --only-section=.cmdline IMAGE /dev/stdout" in q
    refs = {str(e) for r in a.results if r.check.id == "HVA-181" for e in r.outcome.evidence}
    assert any("boot-uki" in e for e in refs), refs


def test_r28b_3_no_uki_keeps_the_pass(host_scan) -> None:
    """R28B-3 held: no image in EFI/Linux (find exits 1 for the directories a host lacks)."""
    a = host_scan({"boot-uki": ("", 1, "find: '/efi/EFI/Linux': No such file or directory")})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
