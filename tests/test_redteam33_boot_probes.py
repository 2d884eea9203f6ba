"""Red-team round 33 probes: boot, kernel command line, CPU mitigations (rt33boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the running
line by tests/test_redteam22_boot2_probes.py's LIVE, the next boot's by
tests/test_redteam21_boot_probes.py's `_boot`/`_grub`, the vulnerability listing by conftest's
`with_current_kernel` with the flaw a case names mitigated (`_listing`).

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

Held (kept as tests): the same replaced pair on both lines passes; the later word off
(`spectre_v2=auto spectre_v2=off`) and a later value the kernel does not know
(`spectre_v2=off spectre_v2=bogus`: the earlier off stands on 6.16 and later) still fail;
`spectre_bhi=off spectre_bhi=vmexit` (vmexit unknown to the first BHI kernels) still fails.

Probed by script, not kept: spec_rstack_overflow= and tsa= (AMD's flaws; the same
_LAST_WINS entries, not kept as tests on this Intel host).

Tally: 1 finding (1 false pass, also a wrong fail); 18 cases in 3 test functions; 14 failed
on main c04d5de before the fix (7 false passes, 7 wrong fails); the 4 held cases passed before
and after.

Leads left:
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


@pytest.mark.parametrize(("off", "on", "lines"), CASES, ids=IDS)
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
