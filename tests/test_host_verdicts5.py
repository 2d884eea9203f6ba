"""Host-side verdicts fixed after the fourth red team's host probes (tests/
test_redteam4_host_probes.py: H92, H96, H99): the twins and neighbouring cases, each through the
real host collector (replayed artefacts), parser and engine, asserting the exact status and
message."""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes, with_current_kernel
from hvaudit.engine import Assessment

VULNS = "/sys/devices/system/cpu/vulnerabilities/"


def verdict(a: Assessment, check_id: str, subject: str = "hv1") -> tuple[str, str]:
    return outcomes(a, check_id)[subject], messages(a, check_id)[subject]


def question(a: Assessment, check_id: str, subject: str = "hv1") -> str:
    return next(
        r.outcome.question or ""
        for r in a.results
        if r.check.id == check_id and r.outcome.subject.name == subject
    )


# --- HVA-181: a kernel that has no file for a flaw predates it (H92) --------------------------------

#: Debian 12's 6.1 kernel before the 2025 backports: everything but ITS, TSA and VMSCAPE.
KERNEL_2024 = with_current_kernel(f"{VULNS}spectre_v2:Mitigation: Enhanced / Automatic IBRS\n")
KERNEL_2024 = "".join(
    line
    for line in KERNEL_2024.splitlines(True)
    if not line.startswith(
        tuple(VULNS + n + ":" for n in ("indirect_target_selection", "tsa", "vmscape"))
    )
)


@pytest.mark.parametrize(
    ("cpuinfo", "status", "message"),
    [
        (
            HARDENED_HOST["/proc/cpuinfo"],
            "manual",
            "14 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing "
            "of indirect_target_selection, tsa, vmscape: it predates them, so it neither reports "
            "nor mitigates them on this GenuineIntel CPU",
        ),
        (
            HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "AuthenticAMD"),
            "manual",
            "14 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing "
            "of indirect_target_selection, tsa, vmscape: it predates them, so it neither reports "
            "nor mitigates them on this AuthenticAMD CPU",
        ),
        (  # arm64 prints no vendor_id; the x86 list is not its list
            "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull\n"
            "CPU implementer\t: 0x41\n",
            "pass",
            "14 CPU vulnerabilities reported, none unmitigated",
        ),
    ],
    ids=["intel", "amd", "arm64"],
)
def test_kernel_without_the_2025_flaws(host_scan, cpuinfo: str, status: str, message: str) -> None:
    a = host_scan({"cpu-vulnerabilities": (KERNEL_2024, 0), "/proc/cpuinfo": cpuinfo})
    assert verdict(a, "HVA-181") == (status, message)
    if status == "manual":
        assert question(a, "HVA-181") == (
            "Is this host's CPU affected by any of indirect_target_selection, tsa, vmscape? "
            "Evidence: the CPU's family, model and stepping (/proc/cpuinfo) against the vendor's "
            "advisories or the kernel's Documentation/admin-guide/hw-vuln, or "
            "/sys/devices/system/cpu/vulnerabilities after booting a kernel that reports them. "
            'Pass: none affects this CPU ("Not affected"); fail: one does (the running kernel '
            "does not mitigate it)."
        )


def test_current_kernel_reports_every_flaw(host_scan) -> None:
    """The hardened host's kernel lists all 17: the pass it had before."""
    a = host_scan({})
    assert verdict(a, "HVA-181") == ("pass", "17 CPU vulnerabilities reported, none unmitigated")


def test_old_kernel_with_an_unmitigated_flaw_still_fails(host_scan) -> None:
    """What the kernel does report still decides first: a Vulnerable line fails."""
    lines = KERNEL_2024.replace(f"{VULNS}mds:Not affected", f"{VULNS}mds:Vulnerable")
    a = host_scan({"cpu-vulnerabilities": (lines, 0)})
    assert verdict(a, "HVA-181") == ("fail", "vulnerable: mds (Vulnerable)")


def test_old_kernel_unreadable_cpuinfo(host_scan) -> None:
    """Without /proc/cpuinfo the architecture is unknown: never a pass on a short listing."""
    a = host_scan(
        {"cpu-vulnerabilities": (KERNEL_2024, 0), "/proc/cpuinfo": PermissionError("denied")}
    )
    assert verdict(a, "HVA-181") == (
        "error",
        "evidence could not be collected: /proc/cpuinfo: denied",
    )
