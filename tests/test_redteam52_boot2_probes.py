"""Red-team round 52 probes: boot, second turn: the other next-boot readers (r52boot2)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM), with tests/test_redteam20_host4_
probes.py's VFIO passthrough VM (GPU) and tests/test_redteam24_wf_probes.py's arm64 host and
aarch64 VMs. The boot-cmdline probe fails outright: grubenv refused to a non-root scan.

Findings (R52B-n):

- R52B-4 (false pass; round 52's team decision, R52B-1's class) HVA-052, HVA-043, HVA-049
  (devices.py, guest.py: next_boot_adds(unread_asks=True)): where the boot-cmdline
  probe failed outright, next_boot_adds returned None and each passed on /proc/cmdline alone:
  HVA-052 "no pcie_acs_override= ...", HVA-043 "libvirt confines QEMU with AppArmor", HVA-050
  a passthrough VM's IOMMU groups, HVA-049 an aarch64 guest on a host without
  kvm-arm.mode=nested, though GRUB's defaults, /etc/kernel/cmdline or an entry's options may
  add pcie_acs_override= (kernel-parameters.txt), apparmor=0 / security= (the LSM off), iommu=
  off or kvm-arm.mode=nested at the next boot (R21B-2, R21B2-1, R21B2-2, R24W-4 cite the
  kernel sources). Now each asks, with R52B-1's wording (NextBoot.failed): why the line was
  not read and which files answer. A probe that ran and found no GRUB keeps today's reading.
Held (kept as tests): none new (R52B-1's held no-GRUB case covers next_boot_adds' path).

Probed by script: the e2e host (root, no GRUB) keeps HVA-043's verdict.

Tally: 1 finding (1 false pass, the team's decision) over 3 checks; 3 cases in 3 test
functions; on main 1b0ab97a 3 of 3 failed (3 false passes). HVA-050 taken back: ESXi and
Proxmox hosts, whose next boot's line is never collected, were asked (9 older tests).

Leads left:
- HVA-050 (IOMMU) still passes where the probe failed: ask only on a failed probe (FAILED),
  or where a Linux host's bundle lacks it, not on ESXi (the fact is never collected there).
- The failed-path question names no refused file for these checks (HVA-181's message gets
  checks.base.lacked_permission's sentence; the others do not).
- Team decision 4 (mds=off with an active TAA mitigation) and R52B-3's one-line child shells
  and quoted `<<` (over-asks) remain.
"""

from __future__ import annotations

from conftest import messages, outcomes
from test_redteam24_wf_probes import ARM64_HOST, ARM_DOMAINS, ARM_WHAT

WHY = (
    "the next boot's kernel command line could not be read (grep: /boot/grub/grubenv: "
    "Permission denied)"
)
REFUSED = {"boot-cmdline": ("", 1, "grep: /boot/grub/grubenv: Permission denied")}


def _question(a, check: str, subject: str) -> str:
    return next(
        str(r.outcome.question)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    )


def _asked(does: str, fail: str) -> str:
    return (
        f"Does the next boot of host hv1 leave out every kernel parameter that {does}, although "
        f"{WHY}? Evidence: the `linux` line of the default entry in /boot/grub/grub.cfg "
        "(`grub-mkconfig -o /dev/stdout`) with `grub-editenv list`, /etc/kernel/cmdline, and "
        "the `options` lines of the boot loader's entries (`bootctl list`), whichever the host "
        f"boots by. Pass: yes, the line the next boot takes has none of them; fail: {fail}."
    )


def test_r52b_4_acs_override_next_boot_unread_asks(host_scan) -> None:
    """R52B-4 (false pass) HVA-052: the probe failed; it passed on /proc/cmdline alone."""
    a = host_scan(REFUSED)
    assert outcomes(a, "HVA-052") == {"hv1": "manual"}, messages(a, "HVA-052")
    assert messages(a, "HVA-052") == {
        "hv1": "no pcie_acs_override= on the running kernel's command line, but "
        f"{WHY}: whether the next boot's line adds pcie_acs_override= is not known"
    }
    assert _question(a, "HVA-052", "hv1") == _asked(
        "overrides ACS", "it boots with one of them (ACS overridden)"
    )


def test_r52b_4_lsm_next_boot_unread_asks(host_scan) -> None:
    """R52B-4 (false pass) HVA-043: AppArmor confines QEMU now; the next boot's line unread
    passed."""
    a = host_scan(REFUSED)
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing; "
        f"but {WHY}: whether the next boot's line keeps apparmor from starting is not known"
    }
    assert _question(a, "HVA-043", "hv1") == _asked(
        "keeps apparmor from starting", "it boots with one of them (apparmor off, QEMU unconfined)"
    )


def test_r52b_4_arm64_nested_next_boot_unread_asks(host_scan) -> None:
    """R52B-4 (false pass) HVA-049: an aarch64 guest passed on a host whose next boot's line
    (which may add kvm-arm.mode=nested) was not read."""
    a = host_scan({**ARM64_HOST, **REFUSED}, domains=ARM_DOMAINS)
    said = (
        f"{ARM_WHAT}; host hv1 runs without it, but {WHY}: whether the next boot's line "
        "selects the nested mode is not known"
    )
    assert (outcomes(a, "HVA-049"), messages(a, "HVA-049")) == (
        {"hp": "manual", "a57": "manual"},
        {"hp": said, "a57": said},
    )
