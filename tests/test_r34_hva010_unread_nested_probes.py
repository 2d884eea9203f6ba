"""HVA-010 passed a host whose being a virtual machine was not read (R34U-7, a false pass; H's
lead this round): on POWER, /proc/cpuinfo's `platform` line (setup-common.c show_cpuinfo prints
ppc_md.name: "PowerNV" on bare metal under OPAL, "pSeries" in a logical partition or a guest,
R25B-6) missing leaves the fact on_hypervisor unavailable (parse.host), and kvm_hv driving
/dev/kvm passed ("kvm_hv drives /dev/kvm (POWER hypervisor mode, platform PowerNV)" though no
platform was read): the host may be a pSeries guest, the fail R25B-6 gives where it is read.
Now the check asks whether the host is bare metal.

Harness: the conftest host_scan replay with test_redteam25_boot_probes' POWER9 host (_power):
/proc/cpuinfo and /proc/modules as a POWER KVM host reads them. (On x86 an unreadable
/proc/cpuinfo is already an error: cpu_virtualization rests on it too.)

Held: PowerNV passes; pSeries fails (R25B-6, kept there).

Tally: 1 false pass (HVA-010), 2 cases; the finding's case failed on main d3a49070.
"""

from __future__ import annotations

from conftest import messages, outcomes
from test_redteam25_boot_probes import _power


def _no_platform() -> dict:
    host = _power("PowerNV")
    host["/proc/cpuinfo"] = "".join(
        ln
        for ln in host["/proc/cpuinfo"].splitlines(keepends=True)
        if not ln.startswith(("platform", "machine"))
    )
    return host


def test_held_platform_read(host_scan) -> None:
    a = host_scan(_power("PowerNV"))
    assert outcomes(a, "HVA-010") == {"hv1": "pass"}, messages(a, "HVA-010")
    a = host_scan(_power("pSeries"))
    assert outcomes(a, "HVA-010") == {"hv1": "fail"}, messages(a, "HVA-010")


def test_r34u7_power_without_platform_is_not_a_pass(host_scan) -> None:
    """No platform line: whether the host is a guest is unavailable, so a question."""
    a = host_scan(_no_platform())
    assert (outcomes(a, "HVA-010"), messages(a, "HVA-010")) == (
        {"hv1": "manual"},
        {"hv1": "evidence unavailable: /proc/cpuinfo names no POWER platform"},
    )
