"""Red-team round 33 probes: boot, kernel command line, CPU mitigations (rt33boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the running
line by tests/test_redteam22_boot2_probes.py's LIVE, the next boot's by
tests/test_redteam21_boot_probes.py's `_boot`/`_grub`, the vulnerability listing by conftest's
`with_current_kernel` with the flaw a case names mitigated (`_listing`); HVA-050's VFIO VM by
tests/test_redteam20_host4_probes.py's GPU; an s390x host by tests/test_redteam28_boot_probes.py's
`_s390` with its spectre listing (S390).

Findings (R33B-n):

- R33B-1 (false pass; also wrong fail) HVA-181 (and every check reading the command line's
  kept words): spectre_v2=, pti=, kvm-intel.vmentry_l1d_flush=, spectre_bhi=,
  spec_rstack_overflow=, indirect_target_selection=, tsa= and vmscape= were not in
  _nextboot._LAST_WINS, so `kept` kept every word of them. The kernel keeps the last: bugs.c
  spectre_v2_parse_cmdline, spectre_bhi_parse_cmdline, srso_parse_cmdline, its_parse_cmdline,
  tsa_parse_cmdline and vmscape_parse_cmdline are early_params that assign one mode per known
  value by strcmp (unknown ones "Ignoring unknown ... option"); before the 6.16 rework
  spectre_v2= and pti= were read with cmdline_find_option, which returns the last instance
  (arch/x86/mm/pti.c pti_check_boottime_disable); kvm_intel's vmentry_l1d_flush is a module
  parameter whose setter (vmx.c vmentry_l1d_flush_set, vmentry_l1d_flush_parse: auto, never,
  cond, always) parse_args calls for each word in turn (all read with `find_string`). A
  running line `spectre_v2=off spectre_v2=auto` (mitigated: the sysfs line says so) put
  spectre_v2=off among the running words, so a next boot whose line has spectre_v2=off alone
  (mitigation off) was dropped as "already on the live line" and HVA-181 passed "none
  unmitigated"; the reverse, a next boot `spectre_v2=off spectre_v2=auto` beside a clean
  running line, failed though that boot runs mitigated. Now each is a last-wins parameter with
  the values every kernel version knows (spectre_bhi's auto and vmexit, its's vmexit and
  stuff, vmscape's auto came and went: they replace nothing); `nopti` stays kept.

- R33B-2 (false pass; also wrong fail) HVA-050: intel_iommu='s on and off are one setting,
  decided by the last of them (drivers/iommu/intel/iommu.c intel_iommu_setup, a __setup
  handler called for each word in turn, each comma option by strncmp prefix: "on"
  `dmar_disabled = 0`, "off" `dmar_disabled = 1`; read with `find_string`). hvaudit read any
  `off` option as the IOMMU off and kept every word: a running `intel_iommu=off intel_iommu=on`
  (IOMMU active) hid the next boot's lone intel_iommu=off and HVA-050 passed the VFIO VM; a next
  boot `intel_iommu=off intel_iommu=on` or `intel_iommu=off,on` failed though the IOMMU stays
  on. Now intel_iommu is a last-wins parameter whose mode is its last on/off option
  (_nextboot._mode), and _iommu_weakened reads that mode. iommu=off and amd_iommu=off stay
  sticky (pci-dma.c iommu_setup `no_iommu = 1`, amd/init.c parse_amd_iommu_options
  `amd_iommu_disabled = true`: no option undoes them).

- R33B-3 (false pass) HVA-181 (every check through next_boot_adds): kept drops a word only
  where a later one sets a mode every kernel version knows, and next_boot_adds took the running
  line's remaining words as in force, so the next boot's lone copy was "judged on the live
  evidence" though the live evidence showed the later word's mode: a running `spectre_bhi=off
  spectre_bhi=vmexit` (vmexit known from 6.9 on, bugs.c spectre_bhi_parse_cmdline) or
  `vmscape=off vmscape=auto` (auto on later kernels, vmscape_parse_cmdline), mitigated, hid the
  next boot's lone `spectre_bhi=off` / `vmscape=off`. Also R33B-1 (landed d7df0d2) let x86's
  spectre_v2 values (retpoline, eibrs, ...) replace an earlier off, which s390's
  arch/s390/kernel/nospec-branch.c spectre_v2_setup_early does not (on, off, auto by strncmp
  alone): an s390x next boot `spectre_v2=off spectre_v2=retpoline` passed; and a parameter
  outside _LAST_WINS, arm64's `kpti=0 kpti=1` (cpufeature.c parse_kpti, an early_param, the
  last word kept), hid the next boot's lone kpti=0. Now the running line's words in force are
  surely_kept's (no later word of the name at all, whatever the parameter), or a parameter's
  words the same on both lines (_in_force); spectre_v2's replacing values are on, off and auto.

- R33B-4 (wrong fail) HVA-181: arm64's kpti= and ssbd= set one state per word (arch/arm64/
  kernel/cpufeature.c parse_kpti, an early_param, a kstrtobool: `__kpti_forced = enabled ? 1 :
  -1`; proton-pack.c ssbd_cfg, an early_param: force-on, force-off, kernel), so the last word
  stands, but every kpti=0 or ssbd=force-off of the next boot's line counted: `kpti=0 kpti=1`
  and `ssbd=force-off ssbd=kernel` failed "the next boot turns mitigations off". Now both are
  last-wins parameters (kpti's mode the kstrtobool values every version reads: y/Y/1, n/N/0,
  on, off).

Held (kept as tests): the same replaced pair on both lines passes; the later word off
(`spectre_v2=auto spectre_v2=off`) and a later value the kernel does not know
(`spectre_v2=off spectre_v2=bogus`: the earlier off stands on 6.16 and later) still fail;
`spectre_bhi=off spectre_bhi=vmexit` (vmexit unknown to the first BHI kernels) still fails;
`intel_iommu=on,off` and `intel_iommu=off intel_iommu=igfx_off` still fail HVA-050; s390's
`spectre_v2=off spectre_v2=auto` passes; the same `spectre_bhi=off spectre_bhi=vmexit` on both
lines passes (judged on the running listing); arm64's `kpti=1 kpti=0`, `ssbd=kernel
ssbd=force-off` and `kpti=0 kpti=maybe` (kstrtobool refuses it: no change) still fail.

Probed by script, not kept: spec_rstack_overflow= and tsa= (AMD's flaws; the same
_LAST_WINS entries, not kept as tests on this Intel host); x86's `spectre_v2=off
spectre_v2=retpoline,generic` in the next boot now fails (R33B-3's narrowing: conservative on
x86, where the kernel runs retpoline; a lead).

Tally: 4 findings (3 false passes, R33B-1 and R33B-2 also wrong fails; 1 wrong fail); 36
cases in 12 test functions. R33B-1: 14 of 18 cases failed on main c04d5de (7 false passes, 7
wrong fails; one wrong-fail case, `spectre_v2=off spectre_v2=retpoline,generic`, since moved
to fail by R33B-3); R33B-2: 4 of 6 failed on main d7df0d2; R33B-3: 4 of 7 failed on main
e7b5859 (three false passes there since before round 33, one, s390's, brought in by R33B-1),
the `spectre_v2-generic` case passing there and guarding the narrowing; R33B-4: 3 of 6 failed
on main eabcc22; the other held cases passed before and after.

Leads left:
- x86's `spectre_v2=off spectre_v2=retpoline` (eibrs, ibrs, ...) in the next boot now fails
  (the kernel runs that mode): kept has no architecture; an arch-aware reading would pass it.
- arm64's `nospectre_bhb` and POWER's flags have no later word that undoes them; kpti's
  t/T/f/F (kstrtobool from 5.x on) are not read as a mode (a later one replaces nothing).
- `nopti` beside a later `pti=on` or `pti=auto`: the old pti_check_boottime_disable lets pti=
  win whatever the order, the early_param version (pti_parse_cmdline) not read: still read as
  off (a possible wrong fail).
- s390 nobp=0 under expolines, POWER10's fw-features, bootconfig FORCE, /etc/grub.d
  generators and isolcpus (round 31's leads) not probed this round.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, with_current_kernel
from test_redteam20_host4_probes import GPU, GROUPS
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE
from test_redteam24_vm2_probes import _arm64
from test_redteam28_boot_probes import _s390
from test_redteam30_boot_probes import ARM64_MITIGATED

VULN = "/sys/devices/system/cpu/vulnerabilities/"


def _listing(**lines: str) -> tuple[str, int]:
    """The hardened host's listing with the flaws `lines` names mitigated as given (every
    other x86 flaw "Not affected"); spectre_v2 mitigated as the hardened host's is."""
    lines.setdefault("spectre_v2", "Mitigation: Enhanced / Automatic IBRS")
    return with_current_kernel("".join(f"{VULN}{k}:{v}\n" for k, v in lines.items())), 0


#: (the parameter's two words, the kernel-side mode that stands, the flaw it turns off with
#: the sysfs line of that flaw mitigated)
CASES = [
    ("spectre_v2=off", "spectre_v2=auto", {}),
    ("spectre_v2=off", "spectre_v2=retpoline,generic", {}),
    ("pti=off", "pti=on", {"meltdown": "Mitigation: PTI"}),
    (
        "kvm-intel.vmentry_l1d_flush=never",
        "kvm-intel.vmentry_l1d_flush=cond",
        {"l1tf": "Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT disabled"},
    ),
    ("spectre_bhi=off", "spectre_bhi=on", {}),
    (
        "indirect_target_selection=off",
        "indirect_target_selection=force",
        {"indirect_target_selection": "Mitigation: Aligned branch/return thunks"},
    ),
    ("vmscape=off", "vmscape=ibpb", {"vmscape": "Mitigation: IBPB before exit to userspace"}),
]
IDS = (
    [c[0].split("=")[0] for c in CASES[:1]]
    + ["spectre_v2-generic"]
    + [c[0].split("=")[0] for c in CASES[2:]]
)


def _scan(host_scan, live: str, nxt: str, lines: dict[str, str]):
    return host_scan(
        {
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
            "cpu-vulnerabilities": _listing(**lines),
        }
    )


#: The listing's count: every x86 flaw hvaudit knows has a file (with_current_kernel)
NOW = "17 CPU vulnerabilities reported, none unmitigated"


# --- R33B-1: the last word of a per-flaw parameter is the one the kernel keeps ---------------


@pytest.mark.parametrize(("off", "on", "lines"), CASES, ids=IDS)
def test_r33b_1_replaced_live_word_does_not_hide_the_next_boots(
    host_scan, off: str, on: str, lines: dict[str, str]
) -> None:
    """R33B-1 (false pass) HVA-181: the running `OFF ON` runs mitigated (the kernel keeps the
    last word), so a next boot with OFF alone turns the mitigation off; it was dropped as a
    word the running line already has."""
    a = _scan(host_scan, f"{off} {on}", off, lines)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    word = off.replace("kvm-intel", "kvm_intel")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
    }


@pytest.mark.parametrize(
    ("off", "on", "lines"),
    [c for c in CASES if "generic" not in c[1]],
    ids=[i for i in IDS if "generic" not in i],
)
def test_r33b_1_next_boot_word_a_later_one_replaces_passes(
    host_scan, off: str, on: str, lines: dict[str, str]
) -> None:
    """R33B-1 (wrong fail) HVA-181: a next boot `OFF ON` runs mitigated; OFF was counted."""
    a = _scan(host_scan, "", f"{off} {on}", lines)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": NOW}


@pytest.mark.parametrize(
    ("live", "nxt", "word"),
    [
        # the same replaced pair on both lines: mitigated now and at the next boot
        ("spectre_v2=off spectre_v2=auto", "spectre_v2=off spectre_v2=auto", ""),
        # the later word is off: off stands
        ("", "spectre_v2=auto spectre_v2=off", "spectre_v2=off"),
        # a later value the kernel does not know sets nothing (bugs.c "Ignoring unknown
        # spectre_v2 option"): the earlier off stands
        ("", "spectre_v2=off spectre_v2=bogus", "spectre_v2=off"),
        # vmexit is unknown to the first spectre_bhi= kernels (on/off/auto): not a replacement
        ("", "spectre_bhi=off spectre_bhi=vmexit", "spectre_bhi=off"),
    ],
)
def test_r33b_1_held(host_scan, live: str, nxt: str, word: str) -> None:
    """R33B-1 held: a word is replaced only by a later value every kernel version knows."""
    a = _scan(host_scan, live, nxt, {})
    assert outcomes(a, "HVA-181") == {"hv1": "fail" if word else "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
        if word
        else NOW
    }


# --- R33B-2: intel_iommu='s on and off, the last of them --------------------------------------

#: HVA-050's pass for the GPU VM (tests/test_redteam20_host4_probes.py's GROUPS)
PT = "passthrough of pci 0000:65:00.0"


def _gpu_scan(host_scan, live: str, nxt: str):
    return host_scan(
        {
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        },
        domains=GPU,
    )


def test_r33b_2_replaced_live_intel_iommu_off_does_not_hide_the_next_boots(host_scan) -> None:
    """R33B-2 (false pass) HVA-050: the running `intel_iommu=off intel_iommu=on` boots with the
    IOMMU on (intel_iommu_setup sets dmar_disabled for each word in turn), so the next boot's
    lone intel_iommu=off turns it off; it was dropped as a word the running line has."""
    a = _gpu_scan(host_scan, "intel_iommu=off intel_iommu=on", "intel_iommu=off")
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {
        "gpu": f"{PT}, but the next boot turns the device's isolation off: intel_iommu=off in "
        "/etc/default/grub"
    }


@pytest.mark.parametrize(
    "nxt",
    [
        "intel_iommu=off intel_iommu=on",
        "intel_iommu=off,on",
        "intel_iommu=off intel_iommu=on,sm_on",
    ],
)
def test_r33b_2_next_boot_intel_iommu_on_after_off_passes(host_scan, nxt: str) -> None:
    """R33B-2 (wrong fail) HVA-050: a later `on` (a later word, or a later option of the same
    comma list) sets dmar_disabled = 0 again: the next boot has the IOMMU on."""
    a = _gpu_scan(host_scan, "intel_iommu=on", nxt)
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {"gpu": GROUPS}


@pytest.mark.parametrize(
    ("nxt", "shown"),
    [
        # off last in the comma list
        ("intel_iommu=on,off", "intel_iommu=on,off"),
        # a later word with neither on nor off replaces nothing (igfx_off is GFX mapping only)
        ("intel_iommu=off intel_iommu=igfx_off", "intel_iommu=off"),
    ],
)
def test_r33b_2_held(host_scan, nxt: str, shown: str) -> None:
    """R33B-2 held: the IOMMU off by the last on/off option still fails."""
    a = _gpu_scan(host_scan, "intel_iommu=on", nxt)
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {
        "gpu": f"{PT}, but the next boot turns the device's isolation off: {shown} in "
        "/etc/default/grub"
    }


# --- R33B-3: a running word a later one may replace is not in force; s390's spectre_v2 --------


@pytest.mark.parametrize(
    ("live", "nxt", "lines"),
    [
        # vmexit is spectre_bhi's from 6.9 on (bugs.c spectre_bhi_parse_cmdline): the running
        # kernel knows it (the listing is mitigated), the first BHI kernels do not
        ("spectre_bhi=off spectre_bhi=vmexit", "spectre_bhi=off", {}),
        # auto is vmscape's on later kernels only (vmscape_parse_cmdline)
        (
            "vmscape=off vmscape=auto",
            "vmscape=off",
            {"vmscape": "Mitigation: IBPB before exit to userspace"},
        ),
        # retpoline,generic is x86's, not s390's: kept's narrowed spectre_v2 leaves the running
        # off in place, but it was not in force on this x86 kernel
        ("spectre_v2=off spectre_v2=retpoline,generic", "spectre_v2=off", {}),
    ],
    ids=["spectre_bhi-vmexit", "vmscape-auto", "spectre_v2-generic"],
)
def test_r33b_3_running_word_a_later_one_may_replace_does_not_hide_the_next_boots(
    host_scan, live: str, nxt: str, lines: dict[str, str]
) -> None:
    """R33B-3 (false pass) HVA-181: kept drops a word only where a later one sets a mode every
    kernel version knows, and the running line's words it leaves were taken as in force, so
    the next boot's lone copy was dropped as "on the live line" (the live evidence showed the
    later word's mode). Now only a word no later one of its name may replace (surely_kept), or
    the same words of that name on both lines, is judged on the live evidence."""
    a = _scan(host_scan, live, nxt, lines)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NOW} now, but the next boot turns mitigations off: {nxt} in /etc/default/grub"
    }


#: An s390x host's listing (arch/s390/kernel/nospec-branch.c cpu_show_spectre_v2 "Mitigation:
#: execute trampolines" with expolines)
S390 = (
    f"{VULN}spectre_v1:Mitigation: __user pointer sanitization\n"
    f"{VULN}spectre_v2:Mitigation: execute trampolines\n",
    0,
)


@pytest.mark.parametrize(
    ("nxt", "word"),
    [
        # s390's spectre_v2_setup_early knows on, off and auto alone: retpoline sets nothing
        ("spectre_v2=off spectre_v2=retpoline", "spectre_v2=off"),
        # held: auto replaces off there too
        ("spectre_v2=off spectre_v2=auto", ""),
    ],
)
def test_r33b_3_s390_spectre_v2_knows_on_off_auto(host_scan, nxt: str, word: str) -> None:
    """R33B-3 (false pass, brought in by R33B-1's x86 values) HVA-181: on s390x the next
    boot's `spectre_v2=off spectre_v2=retpoline` is off (nospec-branch.c spectre_v2_setup_early
    takes on/off/auto by strncmp), but R33B-1 let x86's retpoline replace it: a pass."""
    host = _s390()
    host.update(
        {
            "cpu-vulnerabilities": S390,
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        }
    )
    a = host_scan(host)
    now = "2 CPU vulnerabilities reported, none unmitigated"
    assert outcomes(a, "HVA-181") == {"hv1": "fail" if word else "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{now} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
        if word
        else now
    }


def test_r33b_3_arm64_running_kpti_pair_does_not_hide_the_next_boots(host_scan) -> None:
    """R33B-3 (false pass) HVA-181: arm64's `kpti=0 kpti=1` runs with page-table isolation
    (cpufeature.c parse_kpti, an early_param: `__kpti_forced = enabled ? 1 : -1` for each
    word), so the next boot's lone kpti=0 turns it off; kpti is no _LAST_WINS parameter, and
    its running kpti=0 was taken as in force."""
    host = _arm64()
    host.update(
        {
            "cpu-vulnerabilities": ARM64_MITIGATED,
            "/proc/cmdline": LIVE.format("kpti=0 kpti=1"),
            "boot-cmdline": _boot(_grub("quiet kpti=0"), grub=False),
        }
    )
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "4 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        "mitigations off: kpti=0 in /etc/default/grub"
    }


def test_r33b_3_same_words_on_both_lines_are_judged_live(host_scan) -> None:
    """R33B-3 held: the same `spectre_bhi=off spectre_bhi=vmexit` on both lines is judged on
    the running kernel's listing (mitigated): the same kernel reads them alike."""
    pair = "spectre_bhi=off spectre_bhi=vmexit"
    a = _scan(host_scan, pair, pair, {})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": NOW}


# --- R33B-4: arm64's kpti= and ssbd=, the last word ---------------------------------------------


@pytest.mark.parametrize(
    ("nxt", "word"),
    [
        # a later kpti=1 sets __kpti_forced = 1 again (parse_kpti): isolation on
        ("kpti=0 kpti=1", ""),
        ("kpti=off kpti=y", ""),
        # a later ssbd=kernel sets ssbd_state back (ssbd_cfg)
        ("ssbd=force-off ssbd=kernel", ""),
        # held: the last word off still fails
        ("kpti=1 kpti=0", "kpti=0"),
        ("ssbd=kernel ssbd=force-off", "ssbd=force-off"),
        # held: a later value the kernel does not read (kstrtobool -EINVAL) replaces nothing
        ("kpti=0 kpti=maybe", "kpti=0"),
    ],
)
def test_r33b_4_arm64_kpti_and_ssbd_last_word(host_scan, nxt: str, word: str) -> None:
    """R33B-4 (wrong fail) HVA-181: arm64's kpti= and ssbd= are early_params that set one
    state per word (cpufeature.c parse_kpti, proton-pack.c ssbd_cfg), so the last word stands;
    every kpti=0 or ssbd=force-off of the next boot's line counted, a later kpti=1 or not."""
    host = _arm64()
    host.update(
        {
            "cpu-vulnerabilities": ARM64_MITIGATED,
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        }
    )
    a = host_scan(host)
    now = "4 CPU vulnerabilities reported, none unmitigated"
    assert outcomes(a, "HVA-181") == {"hv1": "fail" if word else "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{now} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
        if word
        else now
    }
