"""Red-team round 30 probes: boot, kernel command line, next boot (rt30boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the
`boot-cmdline` probe's output built by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`,
an arm64 host by tests/test_redteam24_vm2_probes.py's `_arm64` with the vulnerability listing
a probe gives (`_listing`).

Findings (R30B-n):

- R30B-1 (false pass) HVA-181: the next boot's per-flaw words were matched whole against an
  x86 list (_FLAW_OFF), so retbleed's comma list (arch/x86/kernel/cpu/bugs.c
  retbleed_parse_cmdline: "off" sets the mode, "nosmt" only retbleed_nosmt) as
  `retbleed=off,nosmt` or `retbleed=nosmt,off`, and the arm64 words kernel-parameters.txt's
  mitigations=off "Equivalent to" list names (kpti=0: cpufeature.c parse_kpti, kstrtobool;
  nospectre_bhb: proton-pack.c parse_spectre_bhb_param, the BHB part of spectre_v2;
  ssbd=force-off: proton-pack.c ssbd_cfg, a strncmp prefix), passed "none unmitigated" where
  the CPU needs those mitigations. Now a word of a last-wins parameter whose mode is off
  (_nextboot.mode_of) counts as its `=off`, and the arm64 and POWER words (also
  no_stf_barrier, no_rfi_flush: arch/powerpc/kernel/security.c, setup_64.c) count on a CPU
  whose vendor_id is no x86 vendor's (x86 kernels ignore them).

Held (kept as tests): `kpti=0` on an x86 host, `retbleed=off,auto` (a later mode option), arm64's
`kpti=1` and `ssbd=kernel` keep HVA-181's pass.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, with_current_kernel
from test_redteam21_boot_probes import _boot, _grub
from test_redteam24_vm2_probes import _arm64

VULN = "/sys/devices/system/cpu/vulnerabilities/"
NOW = "CPU vulnerabilities reported, none unmitigated"


def _listing(**lines: str) -> tuple[str, int]:
    """A `grep -r -H ''` listing of the vulnerability files `lines` names."""
    return "".join(f"{VULN}{k}:{v}\n" for k, v in lines.items()), 0


#: An arm64 host's listing (arch/arm64/kernel/proton-pack.c, cpufeature.c): each flaw mitigated
ARM64_MITIGATED = _listing(
    meltdown="Mitigation: PTI",
    spectre_v1="Mitigation: __user pointer sanitization",
    spectre_v2="Mitigation: CSV2, BHB",
    spec_store_bypass="Mitigation: Speculative Store Bypass disabled via prctl",
)

#: The hardened x86 host with retbleed mitigated (the others "Not affected")
RETBLEED_MITIGATED = (
    with_current_kernel(f"{VULN}retbleed:Mitigation: untrained return thunk; SMT disabled\n"),
    0,
)


# --- R30B-1: a flaw's own off word the next boot's line was not read as -------------------------


@pytest.mark.parametrize(
    ("word", "arm64"),
    [
        ("retbleed=off,nosmt", False),
        ("retbleed=nosmt,off", False),
        ("kpti=0", True),
        ("kpti=off", True),
        ("nospectre_bhb", True),
        ("ssbd=force-off", True),
    ],
)
def test_r30b_1_a_flaws_off_word_at_the_next_boot_fails(host_scan, word: str, arm64: bool) -> None:
    """R30B-1 (false pass) HVA-181: the next boot's per-flaw words were matched whole against
    x86's `=off` list, so retbleed's comma list (arch/x86/kernel/cpu/bugs.c
    retbleed_parse_cmdline: "off" sets the mode, "nosmt" only retbleed_nosmt) and arm64's
    kpti=0 (cpufeature.c parse_kpti, kstrtobool), nospectre_bhb and ssbd=force-off
    (proton-pack.c), all in kernel-parameters.txt mitigations=off's "Equivalent to" list,
    passed "none unmitigated"."""
    host = _arm64() if arm64 else {}
    host["cpu-vulnerabilities"] = ARM64_MITIGATED if arm64 else RETBLEED_MITIGATED
    host["boot-cmdline"] = _boot(_grub(f"quiet {word}"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{4 if arm64 else 17} {NOW} now, but the next boot turns mitigations off: "
        f"{word} in /etc/default/grub"
    }


@pytest.mark.parametrize(
    ("word", "arm64"),
    [
        # an x86 kernel has no kpti= (page-table isolation is pti=): init gets the word
        ("kpti=0", False),
        # a later mode option replaces off in retbleed's list
        ("retbleed=off,auto", False),
        ("kpti=1", True),
        ("ssbd=kernel", True),
    ],
)
def test_r30b_1_words_that_keep_the_mitigation_pass(host_scan, word: str, arm64: bool) -> None:
    """R30B-1 held: a word of another architecture on x86, a retbleed list whose last mode is
    not off, and arm64's kpti=1 or ssbd=kernel keep HVA-181's pass."""
    host = _arm64() if arm64 else {}
    host["cpu-vulnerabilities"] = ARM64_MITIGATED if arm64 else RETBLEED_MITIGATED
    if not arm64:
        host["cpu-vulnerabilities"] = (
            with_current_kernel(
                f"{VULN}retbleed:Mitigation: untrained return thunk; SMT disabled\n"
                f"{VULN}meltdown:Mitigation: PTI\n"
            ),
            0,
        )
    host["boot-cmdline"] = _boot(_grub(f"quiet {word}"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": f"{4 if arm64 else 17} {NOW}"}
