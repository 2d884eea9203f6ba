"""Red-team round 31 probes: boot, kernel command line, CPU mitigations (rt31boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: a POWER
host by tests/test_redteam25_boot_probes.py's `_power` (PowerNV, kvm_hv) with the `cpu :`
generation a case names and POWER's vulnerability listing (`POWER9`: arch/powerpc/kernel/
security.c cpu_show_* wordings), the running line by tests/test_redteam22_boot2_probes.py's
LIVE, the next boot's by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`.

Findings (R31B-n):

- R31B-1 (false pass) HVA-181: POWER's `no_entry_flush` and `no_uaccess_flush` turn off the
  L1D flushes on kernel entry and on the kernel's user accesses (CVE-2020-4788; arch/powerpc/
  kernel/setup_64.c handle_no_entry_flush, handle_no_uaccess_flush, early_params;
  kernel-parameters.txt mitigations=off's "Equivalent to" list names both [PPC]), which no
  vulnerabilities file shows: security.c cpu_show_meltdown (cpu_show_l1tf the same) prints
  "Mitigation: RFI Flush" from rfi_flush alone. A POWER9 host with either word on its
  running line, or on the next boot's, passed "none unmitigated". The flushes fix "a P9
  specific vulnerability" (platforms/powernv/setup.c pnv_setup_security_mitigations clears
  SEC_FTR_L1D_FLUSH_ENTRY and _UACCESS on POWER7 and POWER8; init_fw_feat_flags lets a later
  generation's firmware mark them unneeded). Now the parser keeps /proc/cpuinfo's POWER
  generation (HostFacts.power_cpu); on POWER9 the running line's word fails, and the next
  boot's counts as turning mitigations off; on a later generation (or one not named) the
  running line's word is one question naming the firmware's no-need features; POWER7/8 and
  non-POWER CPUs ignore the words.

Held (kept as tests): either word on a POWER8 host (the kernel clears both flushes there) and
on an x86 host (no such parameter: init gets it) keeps HVA-181's pass.

Probed by script, not kept: the brief's "also try" shapes on main, all held: `mitigations=
auto,nosmt` (not off: mitigations_word), `mitigations=auto spectre_v2=off` (fails on
spectre_v2=off), `kvm-intel.vmentry_l1d_flush=never` (dashes read as underscores by
_kernel_param, then _FLAW_OFF's l1tf), `kvm.nx_huge_pages=never` (kept), a sysfs "Vulnerable"
beside a clean command line (fails on the file).

Tally: 1 finding (1 false pass); 10 cases in 4 test functions; 6 failed on main
99fead02 before the fix; the 4 held cases passed before and after.

Leads left:
- s390's `nobp=0` weakens spectre_v2 only where the running line says "Mitigation: limited
  branch prediction" and the next boot's kernel uses no expolines (nospec-branch.c
  nobp_setup_early, nospec_auto_detect): not read as weakening.
- POWER10's firmware features (/proc/device-tree/ibm,opal/fw-features) are not collected:
  the running line's no_entry_flush there is asked; the next boot's is not counted.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE
from test_redteam25_boot_probes import _power

VULN = "/sys/devices/system/cpu/vulnerabilities/"


def _listing(**lines: str) -> tuple[str, int]:
    """A `grep -r -H ''` listing of the vulnerability files `lines` names."""
    return "".join(f"{VULN}{k}:{v}\n" for k, v in lines.items()), 0


#: A POWER9 PowerNV host's listing, each flaw mitigated (arch/powerpc/kernel/security.c:
#: cpu_show_meltdown and cpu_show_l1tf "Mitigation: RFI Flush, L1D private per thread")
POWER9 = _listing(
    meltdown="Mitigation: RFI Flush, L1D private per thread",
    spectre_v1="Mitigation: __user pointer sanitization, ori31 speculation barrier enabled",
    spectre_v2="Mitigation: Indirect branch cache disabled, Software link stack flush",
    spec_store_bypass="Mitigation: Kernel entry/exit barrier (eieio)",
    l1tf="Mitigation: RFI Flush, L1D private per thread",
    mds="Not affected",
)
NONE = "6 CPU vulnerabilities reported, none unmitigated"
FLUSH = "the L1D flush on kernel entry or on user access (CVE-2020-4788)"


def _power_host(generation: str = "POWER9") -> dict:
    host = _power("PowerNV")
    host["/proc/cpuinfo"] = host["/proc/cpuinfo"].replace("POWER9", generation)
    host["cpu-vulnerabilities"] = POWER9
    return host


# --- R31B-1: POWER's entry and uaccess flushes, which no vulnerabilities file shows ----------


@pytest.mark.parametrize(
    ("words", "verb"),
    [
        ("no_entry_flush", "no_entry_flush turns"),
        ("no_uaccess_flush", "no_uaccess_flush turns"),
        # a dashed name is the same parameter (parameq)
        ("no-entry-flush no_uaccess_flush", "no_entry_flush and no_uaccess_flush turn"),
    ],
)
def test_r31b_1_power9_running_line_without_the_flush_fails(
    host_scan, words: str, verb: str
) -> None:
    """R31B-1 (false pass) HVA-181: setup_64.c handle_no_entry_flush / handle_no_uaccess_flush
    turn POWER9's L1D flushes (CVE-2020-4788) off; security.c cpu_show_meltdown reports
    rfi_flush alone, so the listing stays "Mitigation: RFI Flush" and the host passed."""
    host = _power_host()
    host["/proc/cmdline"] = LIVE.format(words)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}, but {verb} off {FLUSH}, which this POWER9 CPU needs, on the running "
        "kernel's command line (no vulnerabilities file reports it)"
    }


@pytest.mark.parametrize("word", ["no_entry_flush", "no_uaccess_flush"])
def test_r31b_1_power9_next_boot_without_the_flush_fails(host_scan, word: str) -> None:
    """R31B-1 (false pass) HVA-181: the next boot's word was read by _non_x86_flaw, which
    knew no_stf_barrier and no_rfi_flush only."""
    host = _power_host()
    host["boot-cmdline"] = _boot(_grub(f"quiet {word}"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
    }


def test_r31b_1_later_power_generation_is_asked(host_scan) -> None:
    """R31B-1: on a POWER generation after POWER9 the firmware says whether the flushes are
    needed (powernv/setup.c init_fw_feat_flags), which hvaudit does not read: a question."""
    host = _power_host("POWER10")
    host["/proc/cmdline"] = LIVE.format("no_entry_flush")
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}, but no_entry_flush turns off {FLUSH} on the running kernel's command "
        "line (no vulnerabilities file reports it), and whether this POWER10 CPU needs it is "
        "not known"
    }
    asked = next(r.outcome.question for r in a.results if r.check.id == "HVA-181")
    assert asked == (
        "Does the POWER10 CPU of host hv1 need no L1D flush on kernel entry and on the "
        "kernel's user accesses? Evidence: the firmware's features in /proc/device-tree/"
        "ibm,opal/fw-features (no-need-l1d-flush-msr-pr-1-to-0 and no-need-l1d-flush-kernel-"
        "on-user-access, each with an `enabled` entry). Pass: both are enabled (the firmware "
        "marks the flushes unneeded, so the words turn nothing off); fail: either is missing "
        "or disabled (the CPU needs the flush they turn off)."
    )


@pytest.mark.parametrize(
    ("power", "where"),
    [
        ("POWER8", "live"),
        ("POWER8", "next"),
        # an x86 kernel has no such parameter: init gets the word
        ("", "live"),
        ("", "next"),
    ],
)
def test_r31b_1_words_that_turn_nothing_off_pass(host_scan, power: str, where: str) -> None:
    """R31B-1 held: POWER8 (pnv_setup_security_mitigations clears both flushes itself) and
    x86 (no such parameter) keep HVA-181's pass."""
    host = _power_host(power) if power else {}
    if where == "live":
        host["/proc/cmdline"] = LIVE.format("no_entry_flush no_uaccess_flush")
    else:
        host["boot-cmdline"] = _boot(_grub("quiet no_entry_flush no_uaccess_flush"), grub=False)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": NONE if power else "17 CPU vulnerabilities reported, none unmitigated"
    }
