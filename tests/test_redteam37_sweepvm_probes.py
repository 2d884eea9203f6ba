"""R37 sweep probes of the VM modules (letter T; architecture.py, devices.py, guest.py,
consoles.py, vmware.py) for the leading unknown: a check yielding one item per subject whose
first open condition hides a fail or another question judged after it, so an attested "yes"
to the one question asked passes the subject (issue 8, "verdicts an auditor can sign").

Harness: each probe builds its host through the real collector, parser and engine (conftest's
host_scan: the hardened host replayed with overrides; the s390x host of
test_redteam28_boot_probes, the arm64 host of test_redteam24_vm2_probes, the POWER9 host of
test_redteam25_boot_probes without its platform line, test_r34_hva010_unread_nested_probes;
the offline .vmx of test_redteam33_esx_probes._nic_vmx for HVA-047;
for HVA-021, test_r34_elif_hardening_probes._scan_without drops a command from the bundle as
an older collector wrote it, as for HVA-040's sig_enforce and lockdown files),
holds each condition alone, and answers "yes" in an attestation TOML read by the CLI's own
loader and applied with apply_attestations (test_r34_elif_probes._attest_yes) to the question
main asked of the subject with every condition present (written out below as main wrote it):
on main that "yes" passed the subject.

Findings:
- R37T-1 (leading unknown) HVA-010: /proc/modules unread on an s390x or arm64 host (no
  kvm_intel/kvm_amd parameters there, so the KVM modules fact is unavailable) was asked as the
  x86 question "the CPU offers VT-x/AMD-V and kvm_intel or kvm_amd drives /dev/kvm" before
  the architecture's own branch, which reads no module (KVM/arm64 is built in, arch/arm64/kvm/
  Kconfig `menuconfig KVM` a bool; s390x's is the kvm module itself, kvm-s390.c
  kvm_s390_init): "yes" passed an s390x guest of z/VM (/proc/sysinfo's VM00 Control Program
  line, a fail, R28B-1) and an arm64 host whose bare-metal question (R24M-1) was never shown.
  Now the architecture's verdict: the fail, the bare-metal question.
- R37T-2 (leading unknown) HVA-010: /proc/modules unread on a POWER host whose /proc/cpuinfo
  names no platform (whether it is a pSeries guest unread, R34U-7) with /dev/kvm: the modules'
  question was asked alone, and "yes" passed a host that may be a guest running the outer
  hypervisor's nested virtualization. Now one item asks both (joined_asks).
- R37T-3 (leading unknown) HVA-021: the SecureBoot variable not collected (an older
  collector, a timeout) was asked ("boots with UEFI Secure Boot enabled and shim
  validating?") before SetupMode = 1 and MokSBStateRT = 1, read apart, and /sys/firmware/efi
  not collected before SecureBoot = 0: each is a boot without Secure Boot whatever the unread
  fact (drivers/firmware/efi/libstub/secureboot.c efi_get_secureboot: `if (secboot == 0 ||
  setupmode == 1) return efi_secureboot_mode_disabled;`, then `if (moksbstate == 1)`
  disabled; SecureBoot not 1 is no Secure Boot on UEFI or legacy boot), but the Setup Mode
  and shim fails required SecureBoot read as 1: "yes" passed all three. Now the fail.
- R37T-4 (leading unknown) HVA-040: lockdown not collected was asked ("the kernel enforces
  module signatures?") before sig_enforce = Y set by a module.sig_enforce=1 the next boot's
  line drops (R22K-2's question), and sig_enforce not collected before a lockdown level no
  boot source sets (no Secure Boot, no lockdown= word: R22H-2's question): "yes" passed a
  kernel that may load unsigned modules after the next boot. Now sig_enforce on is judged
  without lockdown (kernel/module/signing.c module_sig_check refuses an unsigned module when
  sig_enforce is set, whatever lockdown), and sig_enforce unread is asked with lockdown's
  next-boot question in one item.
- R37T-5 (leading unknown) HVA-042: qemu.conf unread (changed after libvirtd started, R11H-1)
  was asked ("QEMU processes run as a non-root user?") before the running QEMU's account
  listed in group disk or group root in /etc/group, read apart: libvirt starts QEMU with the
  groups getgrouplist(3) gives the account it runs as (src/util/virutil.c virGetGroupList,
  setgroups in virSetUIDGID), whatever the file now says, and "yes, non-root" passed every
  VM's QEMU holding group disk (raw access to every host block device). Now the fail, as R35T-8
  made of a QEMU process running as root.
- R37T-6 (leading unknown) HVA-047: a VMware NIC without ethernetN.virtualDev (R33V-3) was
  asked which adapter type it emulates, alone: "yes, VMXNET 3" passed the VM, where the
  host's /etc/vmware/settings, read before every .vmx and overriding its keys (vSphere 8 STIG
  ESXI-80-000236; own_keys_pass, the question a named VMXNET 3 gets), may turn on the sound,
  floppy or other legacy devices the rest of the item rests on. Now one item asks both
  (joint_question). Older test changed: test_redteam33_esx_probes R33V-3's message (it gains
  the host-wide settings).
- R37T-7 (leading unknown) HVA-049: the KVM vendor module not loaded (no `nested` parameter
  in sysfs) was asked ("Is nested virtualization off? Evidence: /sys/module/kvm_intel/
  parameters/nested") while modprobe.d's `options kvm_intel nested=1`, read apart, turns
  nesting on when the module loads (modprobe.d(5), R20H-4's reading, which the parser applied
  only to a module loaded with nested off): "yes" passed a host-passthrough VM that gets vmx.
  Now the parser reads the next load of the CPU's vendor module (vmx: kvm_intel, svm:
  kvm_amd) there too, and HVA-049 fails (libvirt and Proxmox VE). The same class on s390x:
  the kvm module not loaded beside `options kvm nested=1` passed host-model and no-<cpu>
  guests (sief2) on a "yes"; now the fail (a named model, which may lack sief2, stays asked).

Held: each condition alone keeps its verdict and message (the harness tests). An s390x
logical partition with /proc/modules unread, asked the x86 modules' question on main (no false
verdict, a needless question), now passes as it does with the file read.

Probed by script: HVA-011 on the same hosts (s390x z/VM guest fails, arm64 asks the bare-metal
question, POWER without platform joins both questions: held on main).

Tally: 7 findings (leading unknown: HVA-010 twice, HVA-021, HVA-040, HVA-042, HVA-047,
HVA-049), 23 cases; 15 failed on main before the fix (a7abc470; R37T-7 on cad507b0: 13 false
passes; the s390x partition's and sig_enforce's needless questions, now passes), 8 held.

Leads left: HVA-010's modules question names kvm_intel or kvm_amd on POWER too (kvm_hv:
wording); HVA-011 on an arm64/s390x host without /dev/kvm asks whether "EPT (Intel) or NPT
(AMD)" is enabled (KVM there did not initialise: wording, arguably a fail); HVA-049 with the
x86 KVM module not loaded and no options line still asks sysfs's question, though the module's
own default decides the next load (kvm_intel's nested default was turned on upstream; confirm
the release and the default in vmx.c before failing it: a team decision); HVA-050's
_with_extras joins its parts' questions with " ".join, not joint_question (several "Pass:"
clauses in one item: wording); HVA-051 with qemu.conf unread and no VM using legacy KVM
assignment asks whether relaxed_acs_check is not 1, where either value passes (a needless
question whose honest "no" fails a passing host); the e2e run (tests/test_e2e_libvirtd.py)
passed on R37T-1..6.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, run_assessment
from hvaudit.checks.base import joint_question
from hvaudit.checks.vmware import settings_question
from hvaudit.engine import Assessment
from test_r34_elif_hardening_probes import _scan_without
from test_r34_elif_probes import _attest_yes, _items
from test_r34_elif_sweep_probes import verdict
from test_r34_hva010_unread_nested_probes import _no_platform
from test_r35_sweep_vm_probes import QEMU_CHANGED
from test_r36_sweep_vm_probes import MODS_Q, _host, _yes
from test_redteam10_vm_probes import _replayed_on
from test_redteam11_host_probes import AFTER, BEFORE, _mtimes
from test_redteam20_host2_probes import NESTED_OFF, PT, _modprobe
from test_redteam22_boot2_probes import LIVE, LOCKED, UNLOCKED, _boot, _grub
from test_redteam24_vm2_probes import _arm64
from test_redteam28_boot_probes import LPAR_SYSINFO, SEEN, ZVM_SYSINFO, _s390
from test_redteam29_boot_probes import HOSTMODEL, KVM_NESTED, NOCPU, S390_VMS
from test_redteam33_esx_probes import NAMED, _nic_vmx

NO_MODS = {"/proc/modules": None}
ARM_SEEN = "arm64 host with /dev/kvm: KVM/arm64 initialised at EL2 (hardware virtualization)"
ARM_Q = (
    "Is host hv1 bare metal, not itself a virtual machine whose hypervisor offers nested "
    "virtualization? On arm64, /dev/kvm proves KVM runs at EL2, and /proc/cpuinfo has no "
    "hypervisor flag to tell a guest from bare metal. Evidence: `systemd-detect-virt` on hv1 "
    "and the machine's inventory record. Pass: it prints none (bare metal); fail: it names a "
    "hypervisor (kvm, qemu, microsoft, apple, vmware, ...): KVM then runs on the outer "
    "hypervisor's emulated EL2."
)


# --- R37T-1: HVA-010, the x86 modules' question asked of an s390x or arm64 host ---------------


def test_r37t1_harness_each_condition_alone(host_scan) -> None:
    """Held: with /proc/modules read, an s390x z/VM guest fails and arm64 asks whether the
    host is bare metal; an x86 host with /proc/modules unread asks the modules' question."""
    a = host_scan(_s390(ZVM_SYSINFO))
    zvm = (
        f"{SEEN}, but the host is itself a virtual machine (s390x /proc/sysinfo names a VM00 "
        "control program): its SIE is the outer hypervisor's vSIE, emulated in software, not "
        "the machine's"
    )
    assert _host(a, "HVA-010") == ("fail", zvm, None)
    arm = (
        f"{ARM_SEEN}, but whether the host is itself a virtual machine is not shown (an arm64 "
        "kernel's /proc/cpuinfo has no hypervisor flag)"
    )
    assert _host(host_scan(_arm64()), "HVA-010") == ("manual", arm, ARM_Q)
    a = host_scan({**NO_MODS, "/sys/module/kvm_intel/parameters/ept": None})
    assert _host(a, "HVA-010") == (
        "manual",
        "evidence unavailable: /proc/modules could not be read",
        MODS_Q,
    )


def test_r37t1_hva010_yes_to_modules_passes_zvm_guest(host_scan, tmp_path: Path) -> None:
    """R37T-1, the false pass: an s390x guest of z/VM with /proc/modules unread: main asked the
    x86 modules' question, and "yes" passed a host whose SIE is the outer hypervisor's vSIE.
    Now the fail."""
    a = host_scan({**_s390(ZVM_SYSINFO), **NO_MODS})
    assert _yes(a, "HVA-010", MODS_Q, tmp_path) == (
        "fail",
        f"{SEEN}, but the host is itself a virtual machine (s390x /proc/sysinfo names a VM00 "
        "control program): its SIE is the outer hypervisor's vSIE, emulated in software, not "
        "the machine's",
        None,
    )


def test_r37t1_hva010_yes_to_modules_passes_arm64(host_scan, tmp_path: Path) -> None:
    """R37T-1, the false pass: an arm64 host with /proc/modules unread: main asked whether
    kvm_intel or kvm_amd drives /dev/kvm (no such module on arm64), and "yes" passed a host
    never asked whether it is bare metal. Now that question."""
    a = host_scan({**_arm64(), **NO_MODS})
    assert _yes(a, "HVA-010", MODS_Q, tmp_path) == (
        "manual",
        f"{ARM_SEEN}, but whether the host is itself a virtual machine is not shown (an arm64 "
        "kernel's /proc/cpuinfo has no hypervisor flag)",
        ARM_Q,
    )


def test_r37t1_s390x_lpar_modules_unread_passes(host_scan) -> None:
    """R37T-1's fix, the other side: an s390x logical partition with /proc/modules unread
    passes as with the file read (main asked the x86 modules' question); no module is read
    there."""
    a = host_scan({**_s390(LPAR_SYSINFO), **NO_MODS})
    assert _host(a, "HVA-010") == ("pass", f"{SEEN}, in a logical partition", None)


# --- R37T-2: HVA-010, POWER without a platform line: the modules' question alone --------------

#: the modules' question alone on POWER (R39T-1: kvm_hv, not x86's VT-x/AMD-V)
POWER_MODS_Q = (
    "Does this hold for this host: kvm_hv (the POWER processor's hypervisor mode; not kvm_pr, "
    "which emulates it in software) drives /dev/kvm? Evidence: the setting, file or command "
    "output it names, read where it lives (the message says why the scan could not). Pass: "
    "yes, it holds; fail: it does not."
)
POWER_JOINED_Q = (
    # R39T-1: a POWER host's question in POWER's terms (kvm_hv, no VT-x/AMD-V)
    "Does this hold for this host: kvm_hv (the POWER processor's hypervisor mode; not kvm_pr, "
    "which emulates it in software) drives /dev/kvm, and is host hv1 bare metal, not itself a "
    "virtual machine whose hypervisor offers nested virtualization? Evidence: the setting, file "
    "or command output it names, read where it lives (the message says why the scan could "
    "not); /proc/cpuinfo (the hypervisor flag; POWER: platform PowerNV) or `systemd-detect-virt` "
    "on hv1, and the machine's inventory record. Pass: yes, it holds, and bare metal "
    "(systemd-detect-virt prints none); fail: it does not, or it names a hypervisor, whose "
    "nested virtualization KVM then uses."
)


def test_r37t2_harness_each_condition_alone(host_scan) -> None:
    """Held: a POWER host without a platform line, /proc/modules read, asks whether it is a
    guest (R34U-7)."""
    a = host_scan(_no_platform())
    assert _host(a, "HVA-010")[:2] == (
        "manual",
        "evidence unavailable: /proc/cpuinfo names no POWER platform",
    )


def test_r37t2_hva010_yes_to_modules_passes_unread_platform(host_scan, tmp_path) -> None:
    """R37T-2, the false pass: /proc/modules unread on a POWER host whose platform is unread:
    main asked only the modules' question, and "yes" passed a host that may be a pSeries guest.
    Now one item asks both; the modules' "yes" alone no longer answers it."""
    a = host_scan({**_no_platform(), **NO_MODS})
    assert _yes(a, "HVA-010", POWER_MODS_Q, tmp_path) == (
        "manual",
        "evidence unavailable: /proc/modules could not be read; /dev/kvm is present, but "
        "whether the host is itself a virtual machine is not known (/proc/cpuinfo names no "
        "POWER platform)",
        POWER_JOINED_Q,
    )


# --- R37T-3: HVA-021, SecureBoot (or /sys/firmware/efi) unread asked before a read fail ------

SETUP_ON = {"setup-mode": ("   6   0   0   0   1\n", 0)}
SHIM_ON = {"shim-validation": ("   6   0   0   0   1\n", 0)}
SB_OFF = {"secure-boot": ("   6   0   0   0   0\n", 0)}
NOT_SB = "evidence unavailable: host/commands/secure-boot.txt was not collected"
SB_Q = (
    "Does this hold for this host: the host boots with UEFI Secure Boot enabled and shim "
    "validating (`mokutil --sb-state` does not say 'validation is disabled in shim')? "
    "Evidence: the setting, file or command output it names, read where it lives (the message "
    "says why the scan could not). Pass: yes, it holds; fail: it does not."
)
UNREAD_SB = (
    ", whatever the SecureBoot variable, not read (host/commands/secure-boot.txt was not collected)"
)


def test_r37t3_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: SecureBoot or /sys/firmware/efi not collected alone is the question; Setup Mode,
    shim's validation off and SecureBoot 0, each read beside SecureBoot 1 (or with UEFI read),
    fail."""
    for command in ("secure-boot", "efi"):
        a = _scan_without(tmp_path, {}, commands=(command,))
        assert _host(a, "HVA-021") == (
            "manual",
            f"evidence unavailable: host/commands/{command}.txt was not collected",
            SB_Q,
        )
    for over in (SETUP_ON, SHIM_ON, SB_OFF):
        assert _host(_scan_without(tmp_path, over), "HVA-021")[0] == "fail"


@pytest.mark.parametrize(
    ("over", "command", "message"),
    [
        (
            SETUP_ON,
            "secure-boot",
            "the firmware is in Setup Mode (SetupMode = 1, no Platform Key enrolled): nothing "
            "verifies the boot loader's signature and the kernel boots as without Secure Boot"
            + UNREAD_SB,
        ),
        (
            SHIM_ON,
            "secure-boot",
            "shim's validation is disabled (MokSBStateRT = 1, mokutil --disable-validation): "
            "shim loads unsigned boot loaders and the kernel boots as without Secure Boot"
            + UNREAD_SB,
        ),
        (
            SB_OFF,
            "efi",
            "the firmware's SecureBoot variable is not 1 (a legacy BIOS boot has none): no "
            "Secure Boot, whether or not the host boots in UEFI mode (host/commands/efi.txt "
            "was not collected)",
        ),
    ],
    ids=["setup-mode-behind-secure-boot", "shim-off-behind-secure-boot", "sb-0-behind-efi"],
)
def test_r37t3_hva021_yes_to_first_unread_passes_a_fail(
    tmp_path: Path, over: dict, command: str, message: str
) -> None:
    """R37T-3, the false pass: the SecureBoot variable (or /sys/firmware/efi) not collected
    beside SetupMode = 1, MokSBStateRT = 1 or SecureBoot = 0, each a boot without Secure Boot
    whatever the unread one (libstub/secureboot.c efi_get_secureboot): main asked the unread
    fact's question, and "yes" passed HVA-021. Now the fail."""
    a = _scan_without(tmp_path, over, commands=(command,))
    assert _yes(a, "HVA-021", SB_Q, tmp_path) == ("fail", message, None)


# --- R37T-4: HVA-040, one signing fact unread asked before the other's next-boot question ----

SIG_FILE = "/sys/module/module/parameters/sig_enforce"
LOCK_FILE = "/sys/kernel/security/lockdown"
SIG_Q = (
    "Does this hold for this host: the kernel enforces module signatures? Evidence: the "
    "setting, file or command output it names, read where it lives (the message says why the "
    "scan could not). Pass: yes, it holds; fail: it does not."
)
#: module.sig_enforce=1 on the running line only (GRUB's next line is "quiet", R22K-2)
SIG_BY_WORD = {
    "/proc/cmdline": LIVE.format("module.sig_enforce=1"),
    "boot-cmdline": _boot(_grub("quiet"), grub=False),
    SIG_FILE: "Y\n",
    LOCK_FILE: UNLOCKED,
}
#: lockdown 'integrity' on a host booted without Secure Boot and no lockdown= word (R22H-2)
LOCK_BY_HAND = {**SB_OFF, LOCK_FILE: LOCKED}
SIG_LOST_Q = (
    "Does host hv1's kernel refuse unsigned modules after the next boot, although "
    "module.sig_enforce=1 is not in /etc/default/grub? Evidence: CONFIG_MODULE_SIG_FORCE and "
)
BY_HAND = (
    "kernel lockdown 'integrity' now, but the host boots without Secure Boot and no lockdown= "
    "is on the kernel command line: a level written to /sys/kernel/security/lockdown lasts "
    "until the next boot"
)
BY_HAND_Q = (
    "Does hv1's kernel lock itself down at every boot? Evidence: `journalctl -k -b | grep "
    "'Kernel is locked down from'` and CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY or "
    "_CONFIDENTIALITY in /boot/config-$(uname -r). Pass: yes, the kernel's configuration locks "
    "it down, or a unit that runs at every boot writes the level; fail: no, it was locked from "
    "securityfs by hand."
)


def test_r37t4_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: sig_enforce or lockdown not collected alone is the question; sig_enforce from a
    word the next boot drops, and a lockdown level written by hand, each read, are their
    own questions."""
    for path in (SIG_FILE, LOCK_FILE):
        a = _scan_without(tmp_path, {}, files=(path,))
        assert _host(a, "HVA-040") == (
            "manual",
            f"evidence unavailable: host/files{path} was not collected",
            SIG_Q,
        )
    status, message, question = _host(_scan_without(tmp_path, SIG_BY_WORD), "HVA-040")
    assert (status, message) == (
        "manual",
        "module.sig_enforce is on; but the running kernel has it from module.sig_enforce=1, "
        "not in /etc/default/grub: unsigned modules can be loaded after the next boot unless "
        "the kernel enforces it by itself",
    )
    assert question is not None and question.startswith(SIG_LOST_Q), question
    assert _host(_scan_without(tmp_path, LOCK_BY_HAND), "HVA-040") == (
        "manual",
        BY_HAND,
        BY_HAND_Q,
    )


def test_r37t4_hva040_yes_to_lockdown_unread_passes_dropped_sig(tmp_path: Path) -> None:
    """R37T-4, the false pass: lockdown not collected beside sig_enforce = Y from a
    module.sig_enforce=1 the next boot drops: main asked whether the kernel enforces module
    signatures, and "yes" passed a kernel that may load unsigned modules after the next boot
    (R22K-2's question, never shown). Now that question; sig_enforce on needs no lockdown."""
    a = _scan_without(tmp_path, SIG_BY_WORD, files=(LOCK_FILE,))
    status, message, question = _yes(a, "HVA-040", SIG_Q, tmp_path)
    assert (status, message) == (
        "manual",
        "module.sig_enforce is on; but the running kernel has it from module.sig_enforce=1, "
        "not in /etc/default/grub: unsigned modules can be loaded after the next boot unless "
        "the kernel enforces it by itself",
    )
    assert question is not None and question.startswith(SIG_LOST_Q), question


def test_r37t4_hva040_yes_to_sig_unread_passes_lockdown_by_hand(tmp_path: Path) -> None:
    """R37T-4, the false pass: sig_enforce not collected beside lockdown 'integrity' that no
    boot source sets (no Secure Boot, no lockdown= word): main asked only whether the kernel
    enforces module signatures, and "yes" passed a lockdown gone at the next boot. Now one item
    asks both."""
    a = _scan_without(tmp_path, LOCK_BY_HAND, files=(SIG_FILE,))
    assert _yes(a, "HVA-040", SIG_Q, tmp_path) == (
        "manual",
        f"evidence unavailable: host/files{SIG_FILE} was not collected; {BY_HAND}",
        "Does this hold for this host: the kernel enforces module signatures, and does hv1's "
        "kernel lock itself down at every boot? Evidence: the setting, file or command output "
        "it names, read where it lives (the message says why the scan could not); `journalctl "
        "-k -b | grep 'Kernel is locked down from'` and CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY "
        "or _CONFIDENTIALITY in /boot/config-$(uname -r). Pass: yes, it holds, and the "
        "kernel's configuration locks it down, or a unit that runs at every boot writes the "
        "level; fail: it does not, or no, it was locked from securityfs by hand.",
    )


def test_r37t4_sig_on_lockdown_unread_passes(tmp_path: Path) -> None:
    """R37T-4's fix, the other side: sig_enforce = Y (no word the next boot drops) with
    lockdown not collected passes, as sig_enforce on refuses unsigned modules whatever
    lockdown (main asked the lockdown question)."""
    a = _scan_without(tmp_path, {SIG_FILE: "Y\n"}, files=(LOCK_FILE,))
    assert _host(a, "HVA-040") == ("pass", "module.sig_enforce is on", None)


# --- R37T-5: HVA-042, qemu.conf unread asked before the running QEMU's account groups --------

#: /etc/group listing QEMU's account in group disk, or in group root
GROUP_DISK = str(HARDENED_HOST["/etc/group"]) + "disk:x:6:libvirt-qemu\n"
GROUP_ROOT = str(HARDENED_HOST["/etc/group"]).replace("root:x:0:\n", "root:x:0:libvirt-qemu\n")
#: qemu.conf changed after libvirtd started: the version the daemon read is asked (R45T-4)
NON_ROOT_Q = (
    "Did the /etc/libvirt/qemu.conf that libvirtd on this host read when it last started hold "
    "this: QEMU processes run as a non-root user? Evidence: that version of "
    "/etc/libvirt/qemu.conf (the configuration management's history or a backup; `ps -o "
    "lstart= -C libvirtd` dates the start), or the file itself once libvirtd has restarted; not "
    "the file as it is now. Pass: yes, it held; fail: it did not."
)
IN_DISK = (
    "QEMU's user libvirt-qemu is a member of group disk in /etc/group: every VM's QEMU runs in "
    'group disk, which opens every host block device read-write (Debian base-passwd: "Raw '
    'access to disks. Mostly equivalent to root access"; udev gives block devices group disk, '
    "mode 0660)"
)
IN_ROOT = (
    "QEMU's user libvirt-qemu is a member of group root in /etc/group: libvirt starts QEMU "
    "with that supplementary group (virGetGroupList, setgroups)"
)


def _groups(host_scan, group: str | None, *, changed: bool) -> Assessment:
    """The hardened host, web01's QEMU run by libvirt-qemu (ps user:32), /etc/group `group`
    (the hardened one for None), qemu.conf written after libvirtd started where `changed`."""
    procs = str(HARDENED_HOST["processes"][0])
    over: dict[str, object] = {
        "processes": (procs.replace(" 1200 libvirt+ ", " 1200 libvirt-qemu "), 0)
    }
    if group is not None:
        over["/etc/group"] = group
    if changed:
        over["libvirt-conf-mtimes"] = _mtimes(AFTER, BEFORE)
    return host_scan(over)


def test_r37t5_harness_each_condition_alone(host_scan) -> None:
    """Held: qemu.conf changed after libvirtd started alone is its question; QEMU's account in
    group disk or group root alone fails."""
    assert _host(_groups(host_scan, None, changed=True), "HVA-042") == (
        "manual",
        QEMU_CHANGED,
        NON_ROOT_Q,
    )
    assert _host(_groups(host_scan, GROUP_DISK, changed=False), "HVA-042") == (
        "fail",
        IN_DISK,
        None,
    )
    assert _host(_groups(host_scan, GROUP_ROOT, changed=False), "HVA-042") == (
        "fail",
        IN_ROOT,
        None,
    )


@pytest.mark.parametrize(
    ("group", "message"), [(GROUP_DISK, IN_DISK), (GROUP_ROOT, IN_ROOT)], ids=["disk", "root"]
)
def test_r37t5_hva042_yes_to_qemu_conf_passes_account_in_group(
    host_scan, tmp_path: Path, group: str, message: str
) -> None:
    """R37T-5, the false pass: qemu.conf unread (changed after libvirtd started) and the
    running QEMU's account listed in group disk (or root) in /etc/group: main asked only
    whether QEMU runs as a non-root user, and "yes" passed HVA-042 with every VM's QEMU
    holding that group (libvirt's virGetGroupList of the account it runs as). Now the fail."""
    a = _groups(host_scan, group, changed=True)
    assert _yes(a, "HVA-042", NON_ROOT_Q, tmp_path) == ("fail", message, None)


# --- R37T-6: HVA-047, a VMware NIC's adapter type asked before the host-wide settings --------

ADAPTER_Q = (
    "Which adapter type does each network adapter of VM vm-1 emulate? Evidence: the vSphere "
    "Client, the VM > Edit Settings > Network adapter N > Adapter Type (or the VM's "
    "config.hardware.device through the API). Pass: VMXNET 3, E1000, E1000E or SR-IOV "
    "passthrough for every adapter; fail: Flexible or PCnet32 (vlance), the emulated AMD PCnet "
    "NIC HVA-047 names legacy."
)


def _vm1(a: Assessment, check: str) -> tuple[str, str, str | None]:
    (r,) = [x for x in a.results if x.check.id == check and x.outcome.subject.name == "vm-1"]
    return r.status.value, r.outcome.message, r.outcome.question


def test_r37t6_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: a named VMXNET 3 adapter passes only as far as /etc/vmware/settings lets it (its
    pass withheld as HVA-444's question, R33V-3 held)."""
    status, message, question = _vm1(_nic_vmx(tmp_path, "vmxnet3"), "HVA-047")
    assert (status, message) == (
        "manual",
        f"{NAMED}; but /etc/vmware/settings on host esx1, not read, takes precedence over the "
        "VM's own settings (HVA-444)",
    )
    assert question == settings_question("esx1")


def test_r37t6_hva047_yes_to_adapter_passes_unread_host_settings(tmp_path: Path) -> None:
    """R37T-6, the false pass: a NIC without ethernetN.virtualDev: main asked only which
    adapter type it emulates, and "yes, VMXNET 3" passed HVA-047 where the host's
    /etc/vmware/settings, read before every .vmx and overriding it (ESXI-80-000236), was never
    asked, the question a named VMXNET 3 gets. Now one item asks both."""
    a = _nic_vmx(tmp_path, None)
    _attest_yes(a, "HVA-047", "vm", "vm-1", tmp_path, question=ADAPTER_Q)
    assert _vm1(a, "HVA-047") == (
        "manual",
        f"{NAMED} named; the adapter type is not named for ethernet0 (no virtualDev; guestOS "
        "rhel5), and VMware's default depends on the guest OS; and /etc/vmware/settings on "
        "host esx1, not read, takes precedence over the VM's own settings (HVA-444)",
        joint_question([ADAPTER_Q, settings_question("esx1")]),
    )


# --- R37T-7: HVA-049, the KVM module not loaded: sysfs asked, the next load's nested=1 never --

NOT_LOADED = {
    "/sys/module/kvm_intel/parameters/nested": None,
    "/sys/module/kvm_amd/parameters/nested": None,
}
INTEL_ON = "/etc/modprobe.d/kvm.conf:options kvm_intel nested=1\n"
PT_WHAT = "CPU mode host-passthrough passes the host's vmx/svm through when KVM nests"
NOT_LOADED_WHY = "no kvm_intel or kvm_amd `nested` parameter: the KVM module is not loaded"
SYSFS_Q = (
    "Is nested virtualization off in KVM on host hv1? Evidence: "
    "/sys/module/kvm_intel/parameters/nested (Intel) or /sys/module/kvm_amd/parameters/nested "
    "(AMD) on hv1. Pass: yes, it reads N or 0; fail: it reads Y or 1, so this VM's CPU "
    "definition hands it vmx/svm (a VM approved to run hypervisors is a waiver, not a pass)."
)


def _pt(a: Assessment) -> tuple[str, str, str | None]:
    (r,) = [x for x in a.results if x.check.id == "HVA-049" and x.outcome.subject.name == "pt"]
    return r.status.value, r.outcome.message, r.outcome.question


def test_r37t7_harness_each_condition_alone(host_scan) -> None:
    """Held: the module not loaded alone (no options) is a question (R40T-5: about the
    module's next load, test_redteam40_sweepvm_probes.HOST_LOAD_Q, not the sysfs file that
    does not exist then); kvm_intel loaded with nested off and modprobe.d's nested=1 fails
    (R20H-4); another vendor's options on an Intel host keep the question. On a kernel before
    Linux 4.20 (R38T-3: from 4.20 kvm_intel's own default nests, a fail,
    test_redteam38_sweepvm_probes)."""
    from test_redteam40_sweepvm_probes import HOST_LOAD_Q

    old = {**NOT_LOADED, "/proc/sys/kernel/osrelease": "4.19.0-27-amd64\n"}
    assert _pt(host_scan(old, domains=PT)) == (
        "manual",
        f"{PT_WHAT}; host evidence unavailable: {NOT_LOADED_WHY}",
        HOST_LOAD_Q,
    )
    a = host_scan({**NESTED_OFF, "modprobe-d": _modprobe(INTEL_ON)}, domains=PT)
    assert _pt(a)[0] == "fail"
    a = host_scan(
        {**old, "modprobe-d": _modprobe(INTEL_ON.replace("kvm_intel", "kvm_amd"))},
        domains=PT,
    )
    assert _pt(a)[0] == "manual"


def test_r37t7_hva049_yes_to_sysfs_passes_nested_at_load(host_scan, tmp_path: Path) -> None:
    """R37T-7, the false pass: kvm_intel not loaded (no `nested` parameter in sysfs) and
    modprobe.d's `options kvm_intel nested=1`: main asked only whether sysfs reads N, and
    "yes" passed a host-passthrough VM that gets vmx when the module loads. Now the fail."""
    a = host_scan({**NOT_LOADED, "modprobe-d": _modprobe(INTEL_ON)}, domains=PT)
    _attest_yes(a, "HVA-049", "vm", "pt", tmp_path, question=SYSFS_Q)
    assert _pt(a) == (
        "fail",
        f"{PT_WHAT}; {NOT_LOADED_WHY}, but options kvm_intel nested=1 "
        "(/etc/modprobe.d/kvm.conf) turns nested on when it loads (every boot)",
        None,
    )


# --- R37T-7 (s390x): the kvm module not loaded, modprobe.d's nested=1 -------------------------

KVM_ON = "/etc/modprobe.d/kvm.conf:options kvm nested=1\n"
S390_UNLOADED = (
    "and whether it nests is not known (no kvm `nested` parameter: the kvm module is not loaded)"
)


S390_Q = (
    "Does VM hostmodel run without SIE for itself (no nested virtualization) on s390x host "
    "hv1? Evidence: /sys/module/kvm/parameters/nested on hv1 (and `modprobe -c | grep -E "
    "'^(options|install) kvm '` with /proc/cmdline for its next load), and `grep -w sie "
    "/proc/cpuinfo` inside the running guest. Pass: nested reads 0 and no options line or "
    "kvm.nested= word sets it, or the guest's features lack sie; fail: the guest's features "
    "list sie, so it can run a hypervisor."
)


def _s390_nested(tmp_path: Path, lines: tuple[str, ...]) -> Assessment:
    host = {**HARDENED_HOST, **_s390(), KVM_NESTED: None, "modprobe-d": _modprobe(*lines)}
    return run_assessment(_replayed_on(tmp_path, host, S390_VMS))


def test_r37t7_s390x_harness_module_not_loaded_alone(tmp_path: Path) -> None:
    """Held: the s390x kvm module not loaded, no options: each host-mode VM is asked (R29B-6)."""
    a = _s390_nested(tmp_path, ())
    assert verdict(a, "HVA-049", "hostmodel") == ("manual", f"{HOSTMODEL}, {S390_UNLOADED}")
    assert _items(a, "HVA-049")[("vm", "hostmodel")][1] == S390_Q


def test_r37t7_s390x_yes_passes_nested_at_load(tmp_path: Path) -> None:
    """R37T-7 on s390x, the same class: the kvm module not loaded and modprobe.d's `options
    kvm nested=1`: main asked whether the guest runs without SIE, and "yes" passed host-model
    and no-<cpu> VMs that get sief2 when the module loads. Now the fail; a named model, which
    may lack sief2, stays asked."""
    a = _s390_nested(tmp_path, (KVM_ON,))
    _attest_yes(a, "HVA-049", "vm", "hostmodel", tmp_path, question=S390_Q)
    later = (
        "options kvm nested=1 (/etc/modprobe.d/kvm.conf) turns nested on when it loads (every boot)"
    )
    why = "no kvm `nested` parameter: the kvm module is not loaded"
    assert verdict(a, "HVA-049", "hostmodel") == ("fail", f"{HOSTMODEL}; {why}, but {later}")
    assert verdict(a, "HVA-049", "nocpu") == ("fail", f"{NOCPU}; {why}, but {later}")
    assert verdict(a, "HVA-049", "z14")[0] == "manual"
