"""Twenty-first red-team review, host side (rt21boot2): the next boot's command line, HVA-050/043.

Same harness as tests/test_redteam21_boot_probes.py (rt21boot): libvirt's test driver serves the
VMs, host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so) with the `boot-cmdline` probe's output built by that file's `_boot`/`_grub`,
through the real collector, parser and engine. rt21boot's lead: only HVA-181 and HVA-052 read the
next boot's kernel command line (HostFacts.kernel_cmdline_next_boot,
hvaudit.checks._nextboot.next_boot_adds); the other checks judged /proc/cmdline and the running
state alone.

Findings (ID-n):
- R21B2-1 (false pass) HVA-050 passed a VFIO passthrough VM ("IOMMU active; each IOMMU group
  ... goes wholly to this VM") with `vfio_iommu_type1.allow_unsafe_interrupts=1`,
  `intel_iommu=off` (Intel CPU) or `iommu=off` in the next boot's line (GRUB_CMDLINE_LINUX,
  /etc/kernel/cmdline): kernel-parameters.txt intel_iommu "off [Default Off] Disables intel
  iommu driver", amd_iommu "off - do not initialize any AMD IOMMU"; arch/x86/kernel/pci-dma.c
  iommu_setup "off" sets no_iommu (read with `search`); vfio_iommu_type1.c
  allow_unsafe_interrupts. Now a fail naming the word and the file; one source of two is the
  question "Which kernel command line does host hv1 boot with next?".
- R21B2-2 (false pass) HVA-043 passed AppArmor's confinement of QEMU with `apparmor=0`,
  `security=selinux` or `lsm=` leaving apparmor out in the next boot's line
  (kernel-parameters.txt security= "Choose a legacy "major" security module", lsm= "overrides
  CONFIG_LSM, and the "security=" parameter"; apparmor's bool boot parameter; read with
  `search`). Now a fail naming the word and file; one source of two is the question.

Held (kept as tests): `amd_iommu=off` on the hardened host's Intel CPU (that driver is not the
one in use) and `intel_iommu=on,igfx_off` keep HVA-050's pass; `security=apparmor` and
`apparmor=1` keep HVA-043's pass.

Probed by script, not kept (the verdict was right): none beyond the held cases.

Tally: 8 cases in 4 test functions; all 8 failed before their fixes (on main e3d6848,
PYTHONPATH=/work/main/src): the held cases share their functions with the questions.

Leads left (not settled in the time):
- audit=0 in the next boot's line (_libvirt.kernel_audit_off, HVA audit checks) is not read.
- `security=OTHER` with an `lsm=` listing the module in the same line is ignored by the kernel
  (security.c: "security=%s is ignored because it is superseded by lsm="); the predicate sees
  one word at a time and would fail it: a rare wrong fail. The live `lsm=`/`security=` words are
  not read by HVA-043 either (the LSM state is).
- A question HVA-050/043 already asks is not extended by a next-boot question (only a pass is
  turned into one); a modprobe.d `options vfio_iommu_type1 allow_unsafe_interrupts=0` after the
  command line's word is not weighed against it.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam20_host4_probes import GPU, GROUPS
from test_redteam21_boot_probes import _boot, _grub

PT = "passthrough of pci 0000:65:00.0"


@pytest.mark.parametrize(
    ("files", "grub", "shown"),
    [
        (
            [_grub("quiet", "intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1")],
            False,
            "vfio_iommu_type1.allow_unsafe_interrupts=1 in /etc/default/grub",
        ),
        ([_grub("quiet intel_iommu=off")], False, "intel_iommu=off in /etc/default/grub"),
        (
            [("/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=off")],
            False,
            "iommu=off in /etc/kernel/cmdline",
        ),
    ],
    ids=["unsafe-interrupts", "intel-off", "kernel-cmdline-iommu-off"],
)
def test_iommu_off_at_the_next_boot_fails(host_scan, files, grub: bool, shown: str) -> None:
    """R21B2-1 (false pass) HVA-050 passed a VFIO passthrough VM on the running boot's IOMMU
    while the next boot's line turns it (or interrupt remapping) off."""
    a = host_scan({"boot-cmdline": _boot(*files, grub=grub)}, domains=GPU)
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}
    assert messages(a, "HVA-050") == {
        "gpu": f"{PT}, but the next boot turns the device's isolation off: {shown}"
    }


def test_iommu_off_in_one_source_asks_and_other_words_pass(host_scan) -> None:
    """R21B2-1: one source of two adds it: the question. Held: amd_iommu=off on an Intel CPU,
    intel_iommu=on,igfx_off."""
    a = host_scan(
        {"boot-cmdline": _boot(("/etc/kernel/cmdline", "root=/dev/sda1 intel_iommu=off"))},
        domains=GPU,
    )
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}
    assert messages(a, "HVA-050")["gpu"].startswith(GROUPS + "; but intel_iommu=off in ")
    b = host_scan(
        {"boot-cmdline": _boot(_grub("quiet amd_iommu=off intel_iommu=on,igfx_off"), grub=False)},
        domains=GPU,
    )
    assert outcomes(b, "HVA-050") == {"gpu": "pass"}
    assert messages(b, "HVA-050") == {"gpu": GROUPS}


@pytest.mark.parametrize(
    ("files", "grub", "shown"),
    [
        ([_grub("quiet apparmor=0")], False, "apparmor=0 in /etc/default/grub"),
        (
            [
                (
                    "/etc/default/grub.d/lsm.cfg",
                    'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX security=selinux"',
                )
            ],
            True,
            "security=selinux in /etc/default/grub.d/lsm.cfg",
        ),
        (
            [("/etc/kernel/cmdline", "root=/dev/sda1 lsm=landlock,lockdown,yama,bpf")],
            False,
            "lsm=landlock,lockdown,yama,bpf in /etc/kernel/cmdline",
        ),
    ],
    ids=["apparmor-0", "grub.d-security", "lsm-without"],
)
def test_lsm_off_at_the_next_boot_fails(host_scan, files, grub: bool, shown: str) -> None:
    """R21B2-2 (false pass) HVA-043 passed AppArmor's confinement of QEMU on the running boot
    while the next boot's line keeps AppArmor from starting."""
    a = host_scan({"boot-cmdline": _boot(*files, grub=grub)})
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}
    assert messages(a, "HVA-043") == {
        "hv1": "apparmor confines QEMU on the running kernel, but the next boot does not start "
        f"it: {shown}"
    }


def test_lsm_off_in_one_source_asks_and_apparmor_words_pass(host_scan) -> None:
    """R21B2-2: one source of two: the question. Held: security=apparmor, apparmor=1."""
    base = host_scan({})
    a = host_scan({"boot-cmdline": _boot(("/etc/kernel/cmdline", "root=/dev/sda1 apparmor=0"))})
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}
    assert messages(a, "HVA-043")["hv1"].startswith(messages(base, "HVA-043")["hv1"] + "; but ")
    b = host_scan({"boot-cmdline": _boot(_grub("quiet security=apparmor apparmor=1"), grub=False)})
    assert outcomes(b, "HVA-043") == {"hv1": "pass"}
    assert messages(b, "HVA-043") == messages(base, "HVA-043")
