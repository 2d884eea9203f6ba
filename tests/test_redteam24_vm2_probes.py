"""Twenty-fourth red-team review, VM side, second pass (rt24vm2): the leads of
tests/test_redteam24_vm_probes.py's predecessor, then consoles and migration.

Harness: host evidence from conftest's `host_scan` (the hardened Debian host, changed only where
a probe says so) and domains replayed as a daemon with the QEMU driver reports them
(test_redteam3_vm_probes.replayed_domains), through the real collector, parser and engine.

Findings (R24M-n):

- R24M-1 (wrong fail, and a pass without the evidence) HVA-010 HVA-011: on an arm64 KVM host
  HVA-010 failed "/dev/kvm exists but neither kvm_intel nor kvm_amd is loaded: hardware
  virtualization is not in use", and HVA-011 asked "the KVM module is not loaded". KVM/arm64
  is built into the kernel (arch/arm64/kvm/Kconfig: `menuconfig KVM` is a `bool`, read with
  `find_string`), so there is no vendor module, and kvm_arm_init refuses to start without the
  virtualization extensions (arch/arm64/kvm/arm.c: `if (!is_hyp_mode_available()) {
  kvm_info("HYP mode not available\\n"); return -ENODEV; }`); libvirt's virt-host-validate
  checks a CPU flag on x86, s390 and ppc64 only (tools/virt-host-validate-qemu.c, read with
  `read_file`). KVM/arm64 gives every VM a stage-2 table (arm.c kvm_arch_init_vm ->
  kvm_init_stage2_mmu): no shadow paging. But arm64's /proc/cpuinfo has no `hypervisor` flag,
  and a guest of an outer hypervisor with nested virtualization (KVM's FEAT_NV2 support runs it
  on "shadow Stage-2 page tables", commit "KVM: arm64: nv: Support multiple nested Stage-2 mmu
  structures", read with `search`) has /dev/kvm too: so both checks now ask one question
  (bare metal or not), never a pass, and an arm64 host without /dev/kvm fails HVA-010 naming
  EL2. The same gap on x86 (cpuinfo unreadable, so the `hypervisor` flag unread) passed
  HVA-011 "EPT/NPT enabled"; it now asks.

- R24M-2 (false pass) HVA-215: stdio_handler = "logd" passed "QEMU's output goes through
  virtlogd" while a VM's raw QEMU arguments wrote what its guest sends straight to a host file:
  `-chardev file,path=...` (qemu-options.hx: "Log all traffic received from the guest to a
  file"), `-serial file:PATH` (chardev/char.c qemu_chr_parse_compat, the `file:` short form), a
  chardev's `logfile=`, `-D PATH` with `-d guest_errors` (`-D` "only does this redirection if
  some log item is also enabled with `-d`", qemu-devel, read with `find_string`). libvirt
  routes its own file backends and <log file> through virtlogd for exactly this reason
  (libvir-list: "This avoids the possibility of a guest denial of service by writing too much
  data to the log file", read with `search`); these bypass it, with no size limit. Now a fail
  naming each VM and argument (qemu_args.raw_file_outputs), as HVA-036 judges a raw
  `-incoming`.

Held (kept as tests): the hardened x86 host still passes HVA-010 and HVA-011; `-D` without
`-d` (nothing logged) still passes HVA-215.

Probed by script, not kept:
- HVA-044, a disk's `<source><seclabel relabel='no'/>` without a model (lead): no false pass
  (kept as a held test: it reads as the plain dynamic VM).
  libvirt keeps the model NULL (domain_conf.c virSecurityDeviceLabelDefParseXML sets
  `seclabels[i]->model` only `if (model)`), the SELinux driver looks the override up by name
  (storage_source_conf.c virStorageSourceGetSecurityLabelDef: `STREQ_NULLABLE(src->
  seclabels[i]->model, model)`), and a start checks every device label's model
  (security_manager.c virSecurityManagerCheckDiskLabel -> virSecurityManagerCheckModel,
  "Security driver model '%1$s' is not available"): the VM either does not start or its image
  is labelled as usual; hvaudit's reading (only model='selinux' overrides) matches.

Tally: 12 cases in 8 test functions; 8 failed before the fixes (R24M-1: 3 on main 57d8239,
1 more on d5ecdac; R24M-2: 4 on e6c035f); the 4 held cases passed there too.

Leads left (not settled in the time):
- HVA-182 and UEFI firmware (the lead): a running VM keeps the OVMF/AAVMF code it loaded at
  start after an edk2 update (pflash is read at start; a ROM `-bios` is copied into guest
  memory), and neither /proc/PID/exe nor /proc/PID/maps shows that. That firmware runs inside
  the guest, not in a host process, so it is outside HVA-182's claim ("Running QEMU processes
  use the installed QEMU"); a check of its own would compare each VM's start (`ps -o lstart`,
  collected) with its loader's mtime (not collected).
- libvirt `<audio type='file'>` (QEMU's wav backend) and raw `-audiodev wav,path=` also write
  guest output to a host file without a size limit; HVA-215 (R24M-2) does not count them.
- ppc64 (kvm_hv is hardware-assisted, kvm_pr is not) and s390x (`sie` feature) hosts: HVA-010
  reads any kvm_* module other than kvm_intel/kvm_amd as "KVM without hardware virtualization".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes, run_assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

ARM64_CPUINFO = "".join(
    f"processor\t: {n}\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 "
    "crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs\n"
    "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\n"
    "CPU revision\t: 1\n\n"
    for n in range(2)
)


def _arm64(dev_kvm: bool = True) -> dict[str, Any]:
    """An arm64 KVM host: KVM built in (no kvm module in /proc/modules), no x86 vendor module."""
    host: dict[str, Any] = {k: None for k in HARDENED_HOST if "kvm_intel" in k or "kvm_amd" in k}
    host["/proc/cpuinfo"] = ARM64_CPUINFO
    host["/proc/modules"] = "vhost_net 32768 0 - Live 0x0000000000000000\n"
    if not dev_kvm:
        host["dev-kvm"] = ("", 2, "ls: cannot access '/dev/kvm': No such file or directory\n")
    return host


BARE = "Is host hv1 bare metal, not itself a virtual machine whose hypervisor offers nested"


def test_r24m_1_arm64_kvm_host_is_asked_not_failed(host_scan) -> None:
    """R24M-1 (wrong fail) HVA-010 HVA-011: /dev/kvm on arm64 is KVM at EL2 (kvm_arm_init
    returns -ENODEV without HYP mode); no kvm_intel/kvm_amd exists there. Whether the host is
    itself a nested guest has no /proc/cpuinfo flag on arm64: one question, not a pass."""
    a = host_scan(_arm64())
    for cid in ("HVA-010", "HVA-011"):
        assert outcomes(a, cid) == {"hv1": "manual"}, (cid, messages(a, cid))
        asked = next(r.outcome.question for r in a.results if r.check.id == cid)
        assert asked is not None and asked.startswith(BARE), asked
    assert messages(a, "HVA-010")["hv1"].startswith(
        "arm64 host with /dev/kvm: KVM/arm64 initialised at EL2 (hardware virtualization), "
        "but whether the host is itself a virtual machine is not shown"
    )


def test_r24m_1_arm64_host_without_dev_kvm_fails(host_scan) -> None:
    """R24M-1: without /dev/kvm an arm64 kernel's KVM did not initialise (no EL2): HVA-010
    fails naming it, not the x86 modules."""
    a = host_scan(_arm64(dev_kvm=False))
    assert outcomes(a, "HVA-010") == {"hv1": "fail"}
    assert "HYP mode not available" in messages(a, "HVA-010")["hv1"]


def test_r24m_1_arm64_dev_kvm_unread_is_an_error(host_scan) -> None:
    """R24M-1: a `ls -l /dev/kvm` that could not run is no answer: an error, not "no /dev/kvm"."""
    host = _arm64()
    host["dev-kvm"] = RuntimeError("timed out")
    a = host_scan(host)
    assert outcomes(a, "HVA-010") == {"hv1": "error"}
    assert outcomes(a, "HVA-011") == {"hv1": "error"}, messages(a, "HVA-011")


def test_r24m_1_x86_cpuinfo_unread_does_not_pass_hva011(host_scan) -> None:
    """R24M-1 (false pass) HVA-011: with /proc/cpuinfo unreadable the x86 `hypervisor` flag is
    unread; EPT=Y alone passed, though a nested host's EPT is its hypervisor's shadow paging."""
    a = host_scan({"/proc/cpuinfo": PermissionError("Permission denied")})
    assert outcomes(a, "HVA-011") == {"hv1": "manual"}, messages(a, "HVA-011")


@pytest.mark.parametrize("cid", ["HVA-010", "HVA-011"])
def test_r24m_1_held_hardened_x86(host_scan, cid: str) -> None:
    """Held: the hardened x86 host (kvm_intel, vmx, no hypervisor flag) still passes."""
    assert outcomes(host_scan(), cid) == {"hv1": "pass"}


RAW_FILES = {
    "cf": (
        "-chardev",
        "file,id=c0,path=/var/lib/libvirt/qemu/cf-serial.log",
        "-serial",
        "chardev:c0",
    ),
    "sf": ("-serial", "file:/var/log/sf.log"),
    "dd": ("-d", "guest_errors,unimp", "-D", "/var/log/qemu-dd.log"),
    "lf": (
        "-chardev",
        "socket,id=s0,path=/run/vm/s0.sock,server=on,wait=off,logfile=/var/log/s0.log",
    ),
}
SHOWN = {
    "cf": "-chardev file,id=c0,path=/var/lib/libvirt/qemu/cf-serial.log",
    "sf": "-serial file:/var/log/sf.log",
    "dd": "-D /var/log/qemu-dd.log",
    "lf": "-chardev socket,id=s0,path=/run/vm/s0.sock,server=on,wait=off,logfile=/var/log/s0.log",
}


@pytest.mark.parametrize("vm", sorted(RAW_FILES))
def test_r24m_2_raw_file_output_bypasses_virtlogd(tmp_path: Path, vm: str) -> None:
    """R24M-2 (false pass) HVA-215: the hardened host (stdio_handler "logd" by default) passed
    while a VM's raw arguments let its guest write a host file with no size limit."""
    a = run_assessment(
        _replayed_on(tmp_path, HARDENED_HOST, {vm: _raw_cpu_domain(vm, "", *RAW_FILES[vm])})
    )
    assert verdict(a, "HVA-215", "hv1") == (
        "fail",
        "raw QEMU arguments write what the guest sends straight to a host file, outside "
        f"virtlogd (no size limit, no rollover): VM {vm}: {SHOWN[vm]}",
    )


def test_r24m_2_held_log_file_without_log_items(tmp_path: Path) -> None:
    """Held: `-D` alone opens no log (no `-d` item): HVA-215 still passes."""
    dom = _raw_cpu_domain("donly", "", "-D", "/var/log/qemu-donly.log")
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"donly": dom}))
    assert verdict(a, "HVA-215", "hv1")[0] == "pass"


def test_held_modelless_device_seclabel_is_no_override(tmp_path: Path) -> None:
    """Held (the HVA-044 lead): libvirt keeps a device seclabel's model NULL when none is given
    (domain_conf.c virSecurityDeviceLabelDefParseXML sets it only `if (model)`), the SELinux
    driver finds an override by its model's name (virStorageSourceGetSecurityLabelDef:
    `STREQ_NULLABLE(src->seclabels[i]->model, model)`), and a start checks every device
    label's model (virSecurityManagerCheckDiskLabel -> virSecurityManagerCheckModel, "Security
    driver model '%1$s' is not available"): such a disk is labelled as the VM's other disks,
    or the VM does not start. HVA-044 reads it as the plain VM."""
    from conftest import build_bundle, domain_xml, write_node
    from test_redteam11_vm_probes import DYNAMIC, _disk
    from test_redteam_probes import SELINUX_HOST

    doms = {
        "nomodel": DYNAMIC + _disk("nomodel", "<seclabel relabel='no'/>"),
        "plain": DYNAMIC + _disk("plain", ""),
    }
    uri = write_node(tmp_path / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    a = run_assessment(build_bundle(tmp_path, uri, SELINUX_HOST, name="b"))
    assert verdict(a, "HVA-044", "nomodel") == verdict(a, "HVA-044", "plain")
    assert verdict(a, "HVA-044", "plain")[0] == "pass"
