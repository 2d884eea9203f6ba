"""Red-team round 27 probes: kernel command line, CPU mitigations, boot integrity (rt27boot)

Harness: conftest's hardened Debian host replayed through the real collector, parser and
engine, changed only where a probe says so; the `boot-cmdline` probe's output is built by
tests/test_redteam21_boot_probes.py's `_boot`, a RHEL 8 host by tests/
test_redteam26_boot_probes.py's `_rhel8`. `_older` writes the bundle an older hvaudit's
collector wrote: its boot-cmdline probe ran without the places R26B-1 and R26B-4 added (the
manifest's `origin`, the argv joined, lacks them), so its output has none of their files.

Findings (R27B-n):

- R27B-1 (false pass) HVA-181: the next boot's `mitigations=off mitigations=auto` (or
  `... mitigations=auto,nosmt`, `mitigations=off,no_user_user mitigations=auto`) passed "none
  unmitigated": _nextboot.kept took the later word as replacing the off whole (R22K-1), true
  before Linux 6.17 only. Linux 6.17's kernel/cpu.c mitigations_parse_cmdline does
  `memset(attack_vectors, 0, sizeof(attack_vectors))` for off and no later word sets a vector
  back; x86's should_mitigate_vuln (arch/x86/kernel/cpu/bugs.c) reads only the vectors, so a
  6.17+ kernel boots that line unmitigated (arch/x86/Kconfig `select
  ARCH_HAS_CPU_ATTACK_VECTORS if CPU_MITIGATIONS`; all read with `find_string`). Which kernel
  boots next (and whether a vendor kernel carries the controls) is not read: now a question
  (NextBoot.undone) whose pass is the booted kernel's config without
  CONFIG_ARCH_HAS_CPU_ATTACK_VECTORS=y. R22K-1's held pass (tests/test_redteam22_boot2_probes.py)
  is now this question; R23B-2's proxmox-boot-tool case names kernel-install's joined line
  too. In the same code the question where every source adds the word but one has unread
  words after it (R26B-1's partial entry) read "..., but not in ." (no source without it): it
  now names the words not read.

- R27B-2 (false pass) HVA-181 (and every check reading the next boot's line): a bundle of an
  hvaudit older than R26B-1/R26B-4 read neither GRUB's environment block nor the EFI system
  partition's loader entries, and the verdict stood on what it did read: RHEL 8's entry
  `options $kernelopts $tuned_params` (its words in grubenv, not collected) was an unread source
  beside no weakening word, and a systemd-boot host with no GRUB defaults and its only entries
  on the ESP at /efi had no source at all; both passed "none unmitigated". Now the probe's argv
  (the manifest's origin) tells the places not collected, and where they matter (grubenv where
  an entry takes a variable, GRUB util/grub.d/00_header.in `load_env`; the ESP where no GRUB
  defaults were read, systemd src/shared/find-esp.c searching "/efi", "/boot", "/boot/efi") the
  next boot is asked (NextBoot.uncollected), and a weakening word elsewhere is a question, not a
  settled fail.

Held (kept as tests): the running line with the same `mitigations=off mitigations=auto` pair
as the next boot's keeps HVA-181's pass (the live sysfs lines judge it); a bundle of an older hvaudit on the hardened Debian host (GRUB's defaults
read, no Boot Loader Specification entry) keeps HVA-181's pass; the current collector's RHEL 8
entry with no grubenv on the host keeps it (R26B-1's held case, grub.cfg's fallback).

Probed by script, not kept: 4 inputs. `mitigations=auto,nosmt,no_user_user` on the next boot
beside a live `mitigations=auto,nosmt` is asked (R25B's "needless question" lead): before 6.17
that word is "Unsupported" and sets nothing, so the next boot may run with SMT on; the question
is right, not fixed. The R26B-1 partial entry's question (then fixed, kept as a test). An s390x
/proc/cpuinfo ("vendor_id : IBM/S390", features `sie`) on the hardened host's modules: see
Leads.

Tally: 2 findings (2 false passes), plus one malformed question fixed; 10 cases in 8 test
functions; 7 failed before their fixes (R27B-2: 3 on main 1e7973c, R27B-1: 4 on main after
R27B-2 landed); the 3 held cases passed before and after. Two older tests changed on purpose:
R22K-1's held pass of the next boot's `mitigations=off mitigations=auto` is now R27B-1's
question, and R23B-2's proxmox-boot-tool message names kernel-install's joined line too.

Leads left:
- s390x HVA-010: KVM is the `kvm` module itself (SIE: /proc/cpuinfo features `sie`, arch/s390/
  kernel/processor.c setup_hwcaps `if (sclp.has_sief2) elf_hwcap |= HWCAP_SIE`), so a real
  s390x host's modules give "/dev/kvm exists but neither kvm_intel nor kvm_amd is loaded"
  (wrong fail); a KVM host in a z/VM guest (vSIE, nested) is not told from one in an LPAR
  (/proc/sysinfo's VM lines not collected). Not fixed.
- R27B-1 asks wherever the pair appears; reading the next kernel's /boot/config-RELEASE
  (CONFIG_ARCH_HAS_CPU_ATTACK_VECTORS) would settle it (team decision: collect it, or keep
  asking). The same memset makes a live `mitigations=off mitigations=auto,nosmt` keep
  smt_mitigations as set by the later word only on 6.17+: _smt_off_word paths not re-probed.
- R27B-2 asks for the ESP only where no GRUB defaults were read and for grubenv only where an
  entry takes a variable; a wholly uncollected boot-cmdline probe (before R21B-1) still keeps
  today's verdict (R21B's held test: team decision).
- UKIs (/efi/EFI/Linux/*.efi .cmdline), loader.conf `default` globs and grub.cfg itself
  (tuned_params, the kernelopts fallback) are still not collected.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    HARDENED_HOST,
    BundleWriter,
    HostCollector,
    LibvirtCollector,
    LibvirtTarget,
    ReplayRunner,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.collect.host import BOOT_CMDLINE, command_artefact
from test_redteam21_boot_probes import _boot, _grub
from test_redteam26_boot_probes import KERNELOPTS, RHEL_GRUB, RUNNING, _entry, _grubenv, _rhel8

#: The places the boot-cmdline probe read before R26B-1 and R26B-4
OLD_PLACES = (
    "/etc/default/grub",
    "/etc/default/grub.d",
    "/etc/kernel/cmdline",
    "/boot/loader/entries",
)


def _older(tmp_path: Path, overrides: dict[str, Any]) -> Any:
    """A replayed host (hardened plus `overrides`) in a bundle whose boot-cmdline probe ran as an
    hvaudit older than R26B-1/R26B-4 ran it: its argv (the manifest's origin) names only
    OLD_PLACES."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    writer = BundleWriter(
        tmp_path / "old", target="qemu+ssh://root@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    HostCollector(ReplayRunner({**HARDENED_HOST, **overrides})).collect(writer)
    art = command_artefact("boot-cmdline")
    entry = writer.entries[art]
    argv = entry.origin.split()
    assert all(p in argv for p in BOOT_CMDLINE)
    old = [w for w in argv if w not in BOOT_CMDLINE or w in OLD_PLACES]
    writer.entries[art] = dataclasses.replace(entry, origin=" ".join(old))
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _question(a: Any, check: str) -> list[str]:
    return [r.outcome.question for r in a.results if r.check.id == check]


# --- R27B-2: an older hvaudit's bundle, without grubenv and the ESP's entries --------------------

OLD_Q = (
    "Does the next boot of host hv1 leave out every kernel parameter that turns mitigations "
    "off, although hvaudit did not collect {what} (a bundle of an older hvaudit)? Evidence: the "
    "`options` lines of the boot loader's entries (`bootctl list`), GRUB's environment block "
    "(`grub2-editenv list`), or a bundle collected again with the current hvaudit. Pass: yes, "
    "none of them has such a parameter; fail: it boots with one of them (the flaw is "
    "unmitigated)."
)


def test_r27b_2_older_bundle_rhel8_kernelopts_asks(tmp_path: Path) -> None:
    """R27B-2 (false pass) HVA-181: RHEL 8's `options $kernelopts $tuned_params` takes its
    words from grubenv (GRUB util/grub.d/00_header.in `load_env`), which an hvaudit older than
    R26B-1 did not collect; `grub2-editenv - set kernelopts="... mitigations=off"` there passed
    "none unmitigated"."""
    a = _older(tmp_path, _rhel8(_entry(RUNNING)))
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    what = "GRUB's environment block (/boot/grub2/grubenv, /boot/grub/grubenv)"
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but "
        f"{what} were not collected (a bundle of an older hvaudit): whether the next boot's "
        "line turns mitigations off is not known"
    }
    assert _question(a, "HVA-181") == [OLD_Q.format(what=what)]


def test_r27b_2_older_bundle_systemd_boot_asks(tmp_path: Path) -> None:
    """R27B-2 (false pass) HVA-181: a systemd-boot host (no GRUB defaults) whose only entry is
    on the ESP at /efi (systemd src/shared/find-esp.c searches "/efi", "/boot", "/boot/efi"),
    in a bundle of an hvaudit older than R26B-4: no next-boot source was read and the pass
    stood."""
    a = _older(tmp_path, {"boot-cmdline": _boot(grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    what = (
        "the EFI system partition's loader entries (/efi/loader/entries, /boot/efi/loader/entries)"
    )
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but "
        f"{what} were not collected (a bundle of an older hvaudit): whether the next boot's "
        "line turns mitigations off is not known"
    }
    assert _question(a, "HVA-181") == [OLD_Q.format(what=what)]


def test_r27b_2_older_bundle_weak_word_elsewhere_is_not_settled(tmp_path: Path) -> None:
    """R27B-2: /etc/kernel/cmdline's mitigations=off on a systemd-boot host in an older bundle
    is a question, not a fail: the ESP's entries, not collected, may be what boots."""
    files = (("/etc/kernel/cmdline", "root=/dev/mapper/vg-root ro quiet mitigations=off"),)
    a = _older(tmp_path, {"boot-cmdline": _boot(*files, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but mitigations=off in "
        "/etc/kernel/cmdline turns mitigations off at the next boot if the boot loader takes it"
    }


def test_r27b_2_older_bundle_grub_host_keeps_the_pass(tmp_path: Path) -> None:
    """R27B-2 held: the hardened Debian host (GRUB's defaults read, no BLS entry) in an older
    bundle: neither missing place bears on its next boot."""
    a = _older(tmp_path, {})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


def test_r27b_2_current_bundle_rhel8_without_grubenv_passes(host_scan) -> None:
    """R27B-2 held: the current collector read the places, and a RHEL 8 host without grubenv
    (grub.cfg's fallback from GRUB_CMDLINE_LINUX) keeps the pass."""
    a = host_scan(_rhel8(_entry(RUNNING)))
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


# --- R27B-1: `mitigations=off` before a later mitigations= mode word --------------------------------

LIVE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {}\n"
UNDONE_Q = (
    "Does the next boot of host hv1 keep its CPU mitigations, although {word} in {where}? "
    "From Linux 6.17 on a later mitigations= word sets the mode back but not the attack "
    "vectors mitigations=off cleared (kernel/cpu.c mitigations_parse_cmdline), so the kernel "
    "that boots decides. Evidence: the boot loader's default entry (`bootctl status`, `grubby "
    "--default-kernel`, the `linux` line of /boot/grub/grub.cfg) and the /boot/config-RELEASE "
    "of the kernel it boots. Pass: yes, that kernel has no CONFIG_ARCH_HAS_CPU_ATTACK_VECTORS=y "
    "(it predates the attack-vector controls, and the later word replaces mitigations=off "
    "whole), or the entry it boots has no mitigations=off; fail: it boots with one of them "
    "(the flaw is unmitigated)."
)


@pytest.mark.parametrize(
    ("files", "word", "where"),
    [
        (
            [_grub("quiet mitigations=off mitigations=auto")],
            "mitigations=off before mitigations=auto",
            "/etc/default/grub",
        ),
        (
            [
                (
                    "/etc/kernel/cmdline",
                    "root=ZFS=rpool/ROOT/pve-1 mitigations=off mitigations=auto,nosmt",
                )
            ],
            "mitigations=off before mitigations=auto,nosmt",
            "/etc/kernel/cmdline",
        ),
        (
            [_grub("quiet", "mitigations=off,no_user_user mitigations=auto")],
            "mitigations=off,no_user_user before mitigations=auto",
            "/etc/default/grub",
        ),
    ],
    ids=["grub", "kernel-cmdline-nosmt", "off-with-vector"],
)
def test_r27b_1_off_before_a_later_mode_is_asked(host_scan, files, word: str, where: str) -> None:
    """R27B-1 (false pass) HVA-181: Linux 6.17's kernel/cpu.c mitigations_parse_cmdline does
    `memset(attack_vectors, 0, sizeof(attack_vectors))` for mitigations=off and no later word
    sets a vector back, and x86's should_mitigate_vuln (arch/x86/kernel/cpu/bugs.c) reads only
    the vectors: `mitigations=off mitigations=auto` boots a 6.17+ kernel unmitigated. kept()
    took the later word as replacing the off whole (R22K-1, true before 6.17 only) and the
    next boot passed."""
    a = host_scan({"boot-cmdline": _boot(*files, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but "
        f"{word} in {where} turns mitigations off at the next boot if the boot loader takes "
        "it (and, where a later mitigations= word follows it, boots Linux 6.17 or later)"
    }
    assert _question(a, "HVA-181") == [UNDONE_Q.format(word=word, where=where)]


def test_r27b_1_same_pair_on_the_running_line_passes(host_scan) -> None:
    """R27B-1 held: the running line has the same pair, so the live evidence (sysfs) judges it,
    and the next boot adds nothing."""
    pair = "mitigations=off mitigations=auto"
    a = host_scan(
        {
            "/proc/cmdline": LIVE.format(pair),
            "boot-cmdline": _boot(_grub(f"quiet {pair}"), grub=False),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


def test_r27b_1_partial_question_names_what_is_unread(host_scan) -> None:
    """R27B-1 (question): where every source adds mitigations=off but a RHEL 8 entry's
    `$tuned_params` follows it unread (R26B-1's partial case), the question read "..., but not
    in ." (no source without the word); it now names the words not read."""
    grub = (RHEL_GRUB[0], RHEL_GRUB[1].replace('rhgb quiet"', 'rhgb quiet mitigations=off"'))
    env = _grubenv(KERNELOPTS + " mitigations=off")
    a = host_scan({**_rhel8(), "boot-cmdline": _boot(grub, _entry(RUNNING), env, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    q = _question(a, "HVA-181")[0]
    assert "but not in ." not in q
    assert (
        "mitigations=off in /etc/default/grub; mitigations=off in /boot/grub2/grubenv's "
        "kernelopts, /boot/loader/entries/7b92728670d64c65879a91ae405012ed-"
        f"{RUNNING}.conf: the words of $tuned_params are not read. Evidence:"
    ) in q
