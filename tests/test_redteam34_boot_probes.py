"""Red-team round 34 probes: boot, kernel command line, LSMs and signing at boot (r34boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM; AppArmor confines QEMU), changed only where a
probe says so: the next boot's line by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`,
the running line by tests/test_redteam22_boot2_probes.py's LIVE; the SELinux host by
tests/test_redteam_probes.py's SELINUX_HOST; sig_enforce and lockdown by
tests/test_redteam29_boot_probes.py's `_sig`; an arm64 host by tests/test_redteam24_vm2_probes.py's
`_arm64` with tests/test_redteam30_boot_probes.py's ARM64_MITIGATED listing; the x86 listing by
tests/test_redteam33_boot_probes.py's `_listing` (itlb_multihit mitigated by KVM); modprobe.d by
tests/test_redteam10_host_probes.py's `_modprobe` with tests/test_redteam21_host4_probes.py's
`_affected` listing and tests/test_redteam20_host4_probes.py's GPU VM.

Findings (R34B-n):

- R34B-1 (false pass; also wrong fail) HVA-043: the next boot's words that keep AppArmor or
  SELinux from starting were not read as the kernel reads them. apparmor= and selinux= are
  __setup handlers that take `kstrtoul(str, 0, &enabled)` and set `enabled ? 1 : 0` only where
  it parses (security/apparmor/lsm.c apparmor_enabled_setup, security/selinux/hooks.c
  selinux_enabled_setup; lib/kstrtox.c kstrtoull skips a "+", _parse_integer_fixup_radix reads
  "0x" as hex and another leading "0" as octal; read with `find_string`), but hvaudit read
  apparmor='s first character as a kstrtobool and selinux= as decimal digits: the next boot's
  `apparmor=+0`, `selinux=0x0` and `selinux=+0` (each off) passed, and `apparmor=n` (refused:
  no change) and `apparmor=01` (octal 1) failed. `apparmor.enabled=` (lsm.c
  `module_param_named(enabled, apparmor_enabled, aaintbool, 0444)`, param_set_aaintbool "Can
  only be set before AppArmor is initialized (i.e. on boot cmdline)", a kstrtobool through
  param_set_bool) was not read at all: `apparmor.enabled=0` passed. And each word counted,
  though the last parsing one sets the flag: `apparmor=0 apparmor=1` and `selinux=0 selinux=1`
  failed. Now _lsm_off reads them with _libvirt.kernel_ulong and a kstrtobool, and apparmor= and
  selinux= are last-wins parameters (_nextboot._LAST_WINS).

- R34B-2 (false pass) HVA-040, HVA-181 (and HVA-050's allow_unsafe_interrupts): the checks'
  readers of a kernel bool parameter each spelled lib/kstrtox.c kstrtobool by hand, most
  without the t, T, f and F it reads from Linux 5.19 (the 2022 patch "add "false"/"true"
  support to kstrtobool()"; read with `find_string`), and HVA-040's with an exact "on" where
  kstrtobool reads only the first two characters. A running `module.sig_enforce=true` (sysfs
  shows sig_enforce on) whose next boot lacks it passed "module.sig_enforce is on"
  (_sig_enforce_word saw no such word, so live_word_dropped asked nothing; R22K-2's class);
  the next boot's `kpti=false` on arm64 (cpufeature.c parse_kpti) and `kvm.nx_huge_pages=
  false` or `=Force` (mmu.c set_nx_huge_pages: off, force, auto, never by sysfs_streq, exact,
  then a kstrtobool) passed "none unmitigated". Now one reader, kernel_bool, reads
  every spelling some kernel takes where a word may turn a protection off or may have set one
  on; _nextboot._mode (a later word surely replacing an earlier one) keeps the spellings every
  version knows.

- R34B-3 (false pass) HVA-091: real-time vCPUs passed "isolated from the host's scheduler
  (isolcpus)" on an isolcpus= list kernel/sched/isolation.c housekeeping_setup does not keep as
  written (read with `find_string`): a list naming a CPU past the kernel's CPU count is refused
  whole (cpulist_parse's -ERANGE, "Housekeeping: nohz_full= or isolcpus= incorrect CPU range"),
  so `isolcpus=2-3,64` on a 16-CPU host may isolate nothing; and a list leaving no present CPU
  to the kernel gets the boot CPU back ("must include one present CPU, using boot CPU:%d",
  `__cpumask_clear_cpu(smp_processor_id(), non_housekeeping_mask)`), so `isolcpus=0-15` on
  that host leaves CPU 0 to the kernel's own work, where the VM's real-time vCPU ran. Now a CPU
  beyond those the host reports (Host.threads; nr_cpu_ids is not in the evidence) and a list
  covering every CPU where the real-time CPUs include 0 are asked (resources._isolated).

- R34B-4 (false pass) HVA-181, HVA-050: the parser's own kstrtobool readers of module options
  (modprobe.d's `options` lines for the module's next load) were narrower than lib/kstrtox.c
  kstrtobool, which reads o or O then only the second character: parse.host._nx_huge_pages_off
  took n, N, f, F or 0 first and an exact "off" (mmu.c set_nx_huge_pages's sysfs_streq), so
  `options kvm nx_huge_pages=OFF` (or `=oF`), off at kvm's next load, passed "none
  unmitigated"; parse.host._kernel_bool took an exact "on", so `options vfio_iommu_type1
  allow_unsafe_interrupts=on1` (true) passed HVA-050's passthrough. Now both use R34B-2's
  reader, moved to parse.host.kernel_bool (the checks import it from there): one reader of
  kstrtobool for the parser and the checks.

- R34B-5 (false pass; also wrong fail) HVA-181 (every check through next_boot_adds): `nopti`
  sets pti's state, which a pti= word undoes (arch/x86/mm/pti.c, read with `find_string`:
  before the early_param rework pti_check_boottime_disable read pti= first, the last
  instance by cmdline_find_option, off/on/auto each deciding, and `nopti` only after it, so
  pti=on or auto wins whatever the order; pti_parse_cmdline_nopti, an early_param, sets
  PTI_FORCE_OFF in its turn, a reviewed version only where no pti= is on the line). hvaudit
  kept `nopti` whatever followed and took it as in force on the running line, so a running
  `nopti pti=on` (or `pti=on nopti`), PTI on as sysfs shows, hid the next boot's lone nopti
  (passed "none unmitigated"), and the next boot's `nopti pti=on` or `nopti pti=auto` failed.
  Now `nopti` is pti's (_nextboot._FLAG_OF): a later pti=on or pti=auto replaces it (kept), and
  beside any pti= word it is not surely in force (surely_kept, _in_force).

Held (kept as tests): `apparmor=0x0` and `selinux=00` (both 0) fail; `apparmor=1 apparmor=0`
fails; `apparmor.enabled` bare (param_set_bool's "1") and `apparmor.enabled=Y` pass; a running
`apparmor=0 apparmor=1` does not hide the next boot's lone `apparmor=0` (fails); a running
`module.sig_enforce=1` the next boot lacks is asked; the next boot's `kpti=0`,
`kvm.nx_huge_pages=n` and `=OFF` fail, `=force` and `=auto` pass; `isolcpus=0-15` with the
real-time vCPUs on 2-3 and `isolcpus=domain,2-15` keep HVA-091's pass; modprobe.d's
`nx_huge_pages=Force` (a kstrtobool false: sysfs_streq's "force" is exact) and `=never` fail
HVA-181, `allow_unsafe_interrupts=oN` and `=true` fail HVA-050; the next boot's `pti=on nopti`
(off on the early_param kernels) fails, and the same `nopti pti=on` on both lines passes.

Probed by script: -

Tally: 5 findings (5 false passes, R34B-1 and R34B-5 also wrong fails); 45 cases in 11 test
functions.
R34B-1: 9 of 15 cases failed on main ad70ea7 (5 false passes, 4 wrong fails); R34B-2: 7 of 13
failed on main ad70ea7 (7 false passes); R34B-3: 2 of 4 failed on main ad70ea7 (2 false
passes); R34B-4: 3 of 7 failed on main 9fc9ab7 (3 false passes); R34B-5: 4 of 6 failed on
main 9fc9ab7 (2 false passes, 2 wrong fails); the 20 held cases passed before and after.

Leads left:
- R34B-3 asks where isolcpus= names a CPU past the online ones; on a host with SMT off
  (nosmt: siblings present but offline) a list naming the siblings is asked too, though the
  kernel keeps it where they are below nr_cpu_ids (/sys/devices/system/cpu/isolated, the
  kernel's own list, is not collected: reading it would settle the running boot).
- apparmor= and apparmor.enabled= set one flag; a later word of the other name is not read as
  replacing an earlier one (`apparmor=0 apparmor.enabled=1` still fails: conservative).
- Other hand-spelled kstrtobool readers outside the boot area (grep for `"y", "Y"`) were not
  moved to parse.host.kernel_bool this round.
- audit= before Linux 4.15 was `!!simple_strtol(str, NULL, 0)` (audit=00, audit=0x0 and a word
  of no digits turn auditing off there; today's audit_enable calls them invalid, on): not
  read by kernel version (HVA-214, HVA-201).
- amd_iommu='s parse_amd_iommu_options tests "off" at every character of the value, not per
  comma option; iommu='s iommu_setup by strncmp prefix (`iommu=offx`): read per exact option.
- Round 33's leads not probed: x86's `spectre_v2=off spectre_v2=retpoline` (arch-aware
  reading), arm64's nospectre_bhb and POWER's flags, s390 nobp=0, POWER10 fw-features,
  bootconfig FORCE, /etc/grub.d generators.
"""

from __future__ import annotations

import pytest

from conftest import domain_xml, messages, outcomes
from test_redteam3_vm_probes import verdict
from test_redteam10_host_probes import _modprobe
from test_redteam20_host4_probes import GPU, UNSAFE
from test_redteam21_boot_probes import _boot, _grub
from test_redteam21_host4_probes import LATER, MULTIHIT, _affected
from test_redteam22_boot2_probes import LIVE
from test_redteam24_vm2_probes import _arm64
from test_redteam29_boot_probes import SIG_ON, _sig
from test_redteam30_boot_probes import ARM64_MITIGATED
from test_redteam33_boot_probes import NOW, _listing, _scan
from test_redteam_probes import SELINUX_HOST
from test_vm_leads17 import PINNED, RT_SAID, _rt

AA_PASS = "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing"
SE_PASS = (
    "libvirt confines QEMU with SELinux, enforcing; no VM domain type permissive "
    "(svirt_t, svirt_tcg_t)"
)


def _off(lsm: str, word: str) -> str:
    return (
        f"{lsm} confines QEMU on the running kernel, but the next boot does not start it: "
        f"{word} in /etc/default/grub"
    )


# --- R34B-1: the LSM's boot words as the kernel reads them -----------------------------------


@pytest.mark.parametrize(
    ("selinux", "words", "off"),
    [
        # kstrtoul(str, 0): a "+" is skipped, "0x" is hex
        (False, "apparmor=+0", "apparmor=+0"),
        (True, "selinux=0x0", "selinux=0x0"),
        (True, "selinux=+0", "selinux=+0"),
        # the aaintbool module parameter, a kstrtobool at boot
        (False, "apparmor.enabled=0", "apparmor.enabled=0"),
        (False, "apparmor.enabled=false", "apparmor.enabled=false"),
        # held: 0 in hex and octal
        (False, "apparmor=0x0", "apparmor=0x0"),
        (True, "selinux=00", "selinux=00"),
        # held: the later word is off
        (False, "apparmor=1 apparmor=0", "apparmor=0"),
    ],
    ids=[
        "aa-plus",
        "se-hex",
        "se-plus",
        "aa-enabled-0",
        "aa-enabled-false",
        "aa-hex-held",
        "se-octal-held",
        "aa-later-off-held",
    ],
)
def test_r34b_1_lsm_off_word_fails(host_scan, selinux: bool, words: str, off: str) -> None:
    """R34B-1 (false pass) HVA-043: the next boot's word keeps the LSM from starting
    (apparmor_enabled_setup / selinux_enabled_setup's kstrtoul, param_set_aaintbool's
    kstrtobool); hvaudit read the first character or decimal digits, and not apparmor.enabled=."""
    host = {**SELINUX_HOST} if selinux else {}
    host["boot-cmdline"] = _boot(_grub(f"quiet {words}"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": _off("selinux" if selinux else "apparmor", off)}


@pytest.mark.parametrize(
    ("selinux", "words"),
    [
        # kstrtoul refuses "n": the handler changes nothing
        (False, "apparmor=n"),
        # octal 1: enabled
        (False, "apparmor=01"),
        # the last word that parses sets the flag
        (False, "apparmor=0 apparmor=1"),
        (True, "selinux=0 selinux=1"),
        # held: a bare bool parameter is "1"; Y is true
        (False, "apparmor.enabled"),
        (False, "apparmor.enabled=Y"),
    ],
    ids=[
        "aa-n",
        "aa-octal-1",
        "aa-later-on",
        "se-later-on",
        "aa-enabled-bare-held",
        "aa-enabled-Y-held",
    ],
)
def test_r34b_1_lsm_word_that_leaves_it_on_passes(host_scan, selinux: bool, words: str) -> None:
    """R34B-1 (wrong fail) HVA-043: the next boot starts the LSM; the word was read as off."""
    host = {**SELINUX_HOST} if selinux else {}
    host["boot-cmdline"] = _boot(_grub(f"quiet {words}"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SE_PASS if selinux else AA_PASS}


def test_r34b_1_live_replaced_off_does_not_hide_the_next_boots(host_scan) -> None:
    """R34B-1 held: a running `apparmor=0 apparmor=1` starts AppArmor, so the next boot's lone
    apparmor=0 is not a word the running line put in force (_nextboot.surely_kept)."""
    a = host_scan(
        {
            "/proc/cmdline": LIVE.format("apparmor=0 apparmor=1"),
            "boot-cmdline": _boot(_grub("quiet apparmor=0"), grub=False),
        }
    )
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": _off("apparmor", "apparmor=0")}


# --- R34B-2: kstrtobool's t, T, f and F (Linux 5.19) -------------------------------------------


@pytest.mark.parametrize(
    "live",
    [
        "module.sig_enforce=true",
        "module.sig_enforce=T",
        "module.sig_enforce=onward",
        "module.sig_enforce=1",
    ],
    ids=["true", "T", "on-prefix", "1-held"],
)
def test_r34b_2_running_sig_enforce_word_the_next_boot_lacks_is_asked(host_scan, live: str) -> None:
    """R34B-2 (false pass) HVA-040: sig_enforce on, set by the running line's `module.
    sig_enforce=true` (param_set_bool's kstrtobool reads t as true from Linux 5.19 on), passed
    though no source of the next boot carries it: _sig_enforce_word read only y, Y, 1 and an
    exact "on", so live_word_dropped saw no such word."""
    a = host_scan(_sig(live, _boot(_grub("quiet"), grub=False)))
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": f"{SIG_ON}; but the running kernel has it from {live}, not in /etc/default/grub: "
        "unsigned modules can be loaded after the next boot unless the kernel enforces it by "
        "itself"
    }


@pytest.mark.parametrize(
    ("arm64", "word"),
    [
        (True, "kpti=false"),
        (True, "kpti=F"),
        (False, "kvm.nx_huge_pages=false"),
        (False, "kvm.nx_huge_pages=Force"),
        (False, "kvm.nx_huge_pages=OFF"),
        (True, "kpti=0"),
        (False, "kvm.nx_huge_pages=n"),
    ],
    ids=["kpti-false", "kpti-F", "nx-false", "nx-Force", "nx-OFF", "kpti-0-held", "nx-n-held"],
)
def test_r34b_2_next_boot_false_spelling_fails(host_scan, arm64: bool, word: str) -> None:
    """R34B-2 (false pass) HVA-181: the next boot's kpti= (arm64 cpufeature.c parse_kpti) or
    kvm.nx_huge_pages= (mmu.c set_nx_huge_pages: off, force, auto, never by sysfs_streq, then
    a kstrtobool) that a kstrtobool reads false turns the mitigation off; f and F (Linux 5.19)
    were not read, and `Force` is no named mode (sysfs_streq is exact): a kstrtobool false."""
    host = _arm64() if arm64 else {}
    host.update(
        {
            "cpu-vulnerabilities": ARM64_MITIGATED
            if arm64
            else _listing(itlb_multihit="KVM: Mitigation: Split huge pages"),
            "boot-cmdline": _boot(_grub(f"quiet {word}"), grub=False),
        }
    )
    a = host_scan(host)
    now = "4 CPU vulnerabilities reported" if arm64 else "17 CPU vulnerabilities reported"
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{now}, none unmitigated now, but the next boot turns mitigations off: {word} "
        "in /etc/default/grub"
    }


@pytest.mark.parametrize("word", ["kvm.nx_huge_pages=force", "kvm.nx_huge_pages=auto"])
def test_r34b_2_next_boot_named_nx_mode_passes(host_scan, word: str) -> None:
    """R34B-2 held: force and auto are set_nx_huge_pages's named modes (on), not a kstrtobool."""
    a = host_scan(
        {
            "cpu-vulnerabilities": _listing(itlb_multihit="KVM: Mitigation: Split huge pages"),
            "boot-cmdline": _boot(_grub(f"quiet {word}"), grub=False),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": "17 CPU vulnerabilities reported, none unmitigated"}


# --- R34B-3: an isolcpus= list the kernel refuses or takes the boot CPU back from --------------

#: The real-time VM of tests/test_vm_leads17.py with its vCPUs on host CPUs 0-1, its emulator on
#: 2-3 (the test driver's host has 16 CPUs)
ON_CPU0 = domain_xml(
    "rt0",
    vcpus=2,
    body="<cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='1'/>"
    "<emulatorpin cpuset='2-3'/><vcpusched vcpus='0-1' scheduler='fifo' priority='1'/></cputune>",
)
PINNED0 = (
    f"{RT_SAID}; pinned to host CPU(s) 0-1, used by no other thread of this or another running "
    "or autostart VM"
)
ISOLATED = ", isolated from the host's scheduler (isolcpus)"


@pytest.mark.parametrize(
    ("words", "domain", "said", "seen"),
    [
        (
            "isolcpus=0-15",
            ON_CPU0,
            PINNED0,
            "its kernel command line's isolcpus=0-15 covers every CPU of the host (0-15), so the "
            'kernel keeps its boot CPU 0 for its own work ("must include one present CPU, using '
            'boot CPU") unless a CPU is present but offline',
        ),
        (
            "isolcpus=2-3,64",
            _rt("rtiso"),
            PINNED,
            "its kernel command line's isolcpus=2-3,64 names CPU 64, beyond the host's 16 CPUs: "
            "past the kernel's CPU count the kernel refuses the whole list (\"incorrect CPU "
            'range")',
        ),
    ],
    ids=["every-cpu", "beyond-the-cpus"],
)
def test_r34b_3_isolcpus_the_kernel_does_not_keep_is_asked(
    host_scan, words: str, domain: str, said: str, seen: str
) -> None:
    """R34B-3 (false pass) HVA-091: real-time vCPUs passed "isolated from the host's scheduler
    (isolcpus)" on a list kernel/sched/isolation.c housekeeping_setup does not keep as written:
    one leaving no present CPU to the kernel (it takes the boot CPU, 0, back) or naming a CPU
    past its CPU count (cpulist_parse refuses the whole list)."""
    a = host_scan({"/proc/cmdline": LIVE.format(words)}, domains=[domain])
    name = "rt0" if domain is ON_CPU0 else "rtiso"
    assert verdict(a, "HVA-091", name) == ("manual", f"{said}; {seen}")


@pytest.mark.parametrize("words", ["isolcpus=0-15", "isolcpus=domain,2-15"])
def test_r34b_3_isolcpus_keeping_the_vcpus_cpus_passes(host_scan, words: str) -> None:
    """R34B-3 held: every CPU isolated, the real-time vCPUs on 2-3 (not the boot CPU), and a
    list within the host's CPUs keep the pass."""
    a = host_scan({"/proc/cmdline": LIVE.format(words)}, domains=[_rt("rtiso")])
    assert verdict(a, "HVA-091", "rtiso") == ("pass", f"{PINNED}{ISOLATED}")


# --- R34B-4: the parser's kstrtobool readers (modprobe.d's module options) ---------------------


@pytest.mark.parametrize(
    "value", ["OFF", "oF", "Force", "never"], ids=["OFF", "oF", "Force-held", "never-held"]
)
def test_r34b_4_nx_huge_pages_off_at_the_next_load_fails(host_scan, value: str) -> None:
    """R34B-4 (false pass) HVA-181: modprobe.d's `options kvm nx_huge_pages=OFF` turns the
    itlb_multihit mitigation off at kvm's next load (mmu.c set_nx_huge_pages: sysfs_streq's
    exact "off" misses it, kstrtobool reads o then F false); parse.host._nx_huge_pages_off took
    only n, N, f, F and 0 as the first character."""
    line = f"options kvm nx_huge_pages={value}"
    a = host_scan({**_affected(), **_modprobe(f"/etc/modprobe.d/kvm.conf:{line}")})
    where = f"{line} (/etc/modprobe.d/kvm.conf)"
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"vulnerable: itlb_multihit ({MULTIHIT})" + LATER.format(where=where)
    }


@pytest.mark.parametrize("value", ["on1", "oN", "true"], ids=["on1", "oN-held", "true-held"])
def test_r34b_4_unsafe_interrupts_at_the_next_load_fails(host_scan, value: str) -> None:
    """R34B-4 (false pass) HVA-050: modprobe.d's `options vfio_iommu_type1
    allow_unsafe_interrupts=on1` sets it (kstrtobool reads o then n true, and no further);
    parse.host._kernel_bool took only an exact "on"."""
    line = f"options vfio_iommu_type1 allow_unsafe_interrupts={value}"
    a = host_scan(_modprobe(f"/etc/modprobe.d/vfio.conf:{line}"), domains=GPU)
    where = f"{line} (/etc/modprobe.d/vfio.conf, applied when a VM loads the module)"
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {"gpu": UNSAFE.format(where=where)}


# --- R34B-5: `nopti` and a pti= word of the same line ---------------------------------------

MELTDOWN = {"meltdown": "Mitigation: PTI"}


@pytest.mark.parametrize(
    ("live", "nxt", "off"),
    [
        # the running line's nopti is undone by its pti=on (sysfs: Mitigation: PTI)
        ("nopti pti=on", "nopti", True),
        ("pti=on nopti", "nopti", True),
        # the next boot's nopti before pti=on or pti=auto: PTI on every kernel
        ("", "nopti pti=on", False),
        ("", "nopti pti=auto", False),
        # held: pti=on before nopti is off on the early_param kernels; the same pair on both
        ("", "pti=on nopti", True),
        ("nopti pti=on", "nopti pti=on", False),
    ],
    ids=[
        "live-nopti-pti-on",
        "live-pti-on-nopti",
        "next-nopti-pti-on",
        "next-nopti-pti-auto",
        "next-pti-on-nopti-held",
        "same-pair-held",
    ],
)
def test_r34b_5_nopti_beside_pti(host_scan, live: str, nxt: str, off: bool) -> None:
    """R34B-5 (false pass; also wrong fail) HVA-181: `nopti` sets pti's state, which a pti=
    word undoes (arch/x86/mm/pti.c: pti_check_boottime_disable read pti= before nopti, so
    pti=on or auto wins whatever the order; the early_param pti_parse_cmdline_nopti, in its
    turn). The running `nopti pti=on` runs PTI, yet its nopti counted as in force and hid the
    next boot's lone nopti; the next boot's `nopti pti=on` failed."""
    a = _scan(host_scan, live, nxt, MELTDOWN)
    assert outcomes(a, "HVA-181") == {"hv1": "fail" if off else "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW} now, but the next boot turns mitigations off: nopti in /etc/default/grub"
        if off
        else NOW
    }
