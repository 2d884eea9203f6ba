"""Red-team round 25 probes: boot chain, kernel command line, CPU and patching (rt25boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the
arm64 host of tests/test_redteam24_vm2_probes.py (`_arm64`), the CPU flaws of
tests/test_redteam22_boot_probes.py (VULNS), and the `boot-cmdline` probe's output built by
tests/test_redteam21_boot_probes.py's `_boot`/`_grub`.

Findings (R25B-n):

- R25B-1 (false pass) HVA-181: a mitigated line whose later part is left open passed "none
  unmitigated" where that part was not after a ";". arm64 prints Spectre-BHB inside
  spectre_v2 as "Mitigation: CSV2, but not BHB" (or "Branch predictor hardening, but not
  BHB"): arch/arm64/kernel/proton-pack.c get_bhb_affected_string returns ", but not BHB" for
  SPECTRE_VULNERABLE and ", BHB" for SPECTRE_MITIGATED, cpu_show_spectre_v2 prints
  "Mitigation: %s%s" (read with `find_string`; the line is in real listings, e.g. beside
  "spec_store_bypass Vulnerable" on an arm64 server). Linux 5.4 stable joins spectre_v2's
  parts with ", " (stable patch "[PATCH 5.4 37/51] x86/speculation: Add RSB VM Exit
  protections": pbrsb_eibrs_state `return ", PBRSB-eIBRS: Vulnerable"`), mainline with "; ",
  so "Mitigation: Enhanced IBRS, IBPB: conditional, RSB filling, PBRSB-eIBRS: Vulnerable"
  passed. Now every part after the first, split at ";" and ",", is read
  (management._part_vulnerable); "BHI: Vulnerable, KVM: SW loop" stays mitigated.

- R25B-2 (false pass) HVA-181: the next boot's `mitigations=auto,no_guest_host` (or
  `no_guest_guest`, `mitigations=,no_guest_host`, `off,no_user_user`) passed "none
  unmitigated": only a whole `off` was read. Linux 6.17's attack-vector controls (kernel/cpu.c
  mitigations_parse_cmdline: mitigations_parse_global_opt takes "auto,nosmt", "auto" or "off"
  by `strncmp`, then each "," option by `match_token` until an unknown one, `pr_crit(
  "Unsupported mitigations options %s\n", s); return 0;`, those before it applied;
  Documentation/admin-guide/hw-vuln/attack_vector_controls.rst: "'no_guest_host' Disables
  guest-to-host mitigations.", "'no_guest_guest' Disables guest-to-guest mitigations"; bugs.c
  should_mitigate_vuln: VMSCAPE only for CPU_MITIGATE_GUEST_HOST; all read with
  `find_string`). The options only clear attack_vectors[] and nothing sets one back, so a
  later `mitigations=auto` does not undo them (_nextboot.kept). The same reading failed
  `mitigations=OFF` (wrong fail: the match is case-sensitive, and OFF is no option).
  Now _nextboot.mitigations_word reads the word as the kernel does.

- R25B-3 (false pass) HVA-181: a line by which the kernel says it cannot tell passed "none
  unmitigated": gather_data_sampling's and srbds's "Unknown: Dependent on hypervisor status"
  (bugs.c gds_strings[GDS_MITIGATION_HYPERVISOR], srbds_strings[SRBDS_MITIGATION_HYPERVISOR])
  and mds's "Mitigation: Clear CPU buffers; SMT Host state unknown" (mds_show_state under
  X86_FEATURE_HYPERVISOR; taa and mmio_stale_data alike), all read with `find_string`. Only
  "Unknown: No mitigations" was counted. Now one question asks whether the outer hypervisor
  mitigates them. In the same code, R21K-3's question (KVM's mitigations at the module's next
  load, modprobe.d unreadable) was an `elif` after the unreported flaws' and STIBP's: where
  one of those was asked, it was dropped, and the attestation of the first passed KVM's next
  load unasked. Now each open question joins the item (ask_with, joint_question).

- R25B-4 (false pass) HVA-180: "no pending security update" passed where the running kernel
  is the newest installed but GRUB_DEFAULT names an older one by its 10_linux title
  ("Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64") or
  id ("gnulinux-advanced-UUID>gnulinux-6.1.0-27-amd64-advanced-UUID"): GRUB
  util/grub.d/10_linux.in titles each entry "%s, with Linux %s" and ids it
  `gnulinux-$version-$type-$boot_device_id`, and grub-core/normal/menu.c
  get_and_remove_first_entry_number picks the entry whose title or id matches (menuentry_eq;
  all read with `find_string`), so the next boot runs the kernel the update replaced. A
  grub.d/*.cfg is sourced after /etc/default/grub (its assignment stands). Now a fail naming
  both kernels (parse.host._grub_default_older); a name with no kernel in /boot matches no
  entry (GRUB starts at its first) and is not counted.

- R25B-5 (false pass) HVA-021: "UEFI Secure Boot enabled" passed on SecureBoot = 1 alone,
  where the firmware may be in Setup Mode (no Platform Key enrolled, SetupMode = 1): Linux
  takes that boot as not secure (include/linux/efi.h efi_get_secureboot_mode and the EFI
  stub's efi_get_secureboot: `if (secboot == 0 || setupmode == 1) return
  efi_secureboot_mode_disabled;`, read with `find_string`), so no lockdown follows and
  nothing verifies the boot loader. The collector now reads SetupMode as it reads SecureBoot
  (`od -An -tu1 /sys/firmware/efi/efivars/SetupMode-8be4df61-...`); SetupMode = 1 fails, a
  variable od cannot read counts as 0 (the kernel ignores that read's status), and an older
  collector's bundle without it is a question.

- R25B-6 (wrong fail) HVA-010 HVA-011: a POWER KVM host (kvm_hv on a PowerNV machine) failed
  "/dev/kvm is provided by kvm_hv: KVM without hardware virtualization" and "no hardware
  memory virtualization": only kvm_intel/kvm_amd counted. arch/powerpc/kvm/Kconfig
  KVM_BOOK3S_HV_POSSIBLE: "KVM will use the hardware virtualization facilities of POWER7
  (and later) processors", kvm_pr is for where "hypervisor mode is not available or not
  usable" (read with `find_string`). Whether the host is itself a guest is /proc/cpuinfo's
  `platform` (setup-common.c show_cpuinfo prints ppc_md.name: "PowerNV" for bare metal under
  OPAL, platforms/powernv/setup.c define_machine(powernv); "pSeries" in an LPAR or a guest),
  where the x86 `hypervisor` flag was read as absent, so a pSeries guest counted as bare
  metal. Now kvm_hv on PowerNV passes both, on pSeries fails as nested, kvm_pr still fails.

Held (kept as tests): arm64 "Mitigation: CSV2, BHB" passes; 5.4's "PBRSB-eIBRS: SW sequence"
and mainline's "BHI: Vulnerable, KVM: SW loop" pass; the next boot's
`mitigations=auto,no_user_user` and `mitigations=auto,bogus,no_guest_host` (the parser stops
at bogus) pass; "Unknown: No mitigations" still fails; GRUB_DEFAULT 0, saved, the running
kernel's title, or a title of a kernel not in /boot passes HVA-180; SetupMode = 0 or unreadable
keeps HVA-021's pass; POWER's kvm_pr still fails HVA-010.

Probed by script, not kept:
- Linux 5.4 stable's comma spectre_v2 line with "PBRSB-eIBRS: Vulnerable" after a mitigated
  mode: that backport sets X86_FEATURE_RSB_VMEXIT_LITE in every eIBRS mode
  (spectre_v2_determine_rsb_fill_type_at_vmexit), so the line is rare there; kept as a
  test of the reading (R25B-1), not as a seen output.
- HVA-021 with MokSBStateRT or SecureBoot unreadable (od exits non-zero): the kernel's own
  defaults (shim "Default to secure", SecureBoot absent = disabled) are what hvaudit reads;
  no false pass.
- HVA-022 `wc -c` failing for permission (a non-root collector): a wrong fail ("no TPM boot
  event log"), not a false pass; HVA-020/023 held.
- HVA-182: the binary/maps questions are joined (R23R-1); no false pass found.

Tally: 6 findings (5 false passes, 1 wrong fail); 34 cases in 17 test functions; 21 failed
before their fixes (R25B-1: 3, R25B-2: 7, R25B-3: 4, R25B-4: 3, R25B-5: 2, R25B-6: 2, each on
the main it landed on); the 13 held cases passed before and after.

Leads left:
- Linux 6.17+: `mitigations=off mitigations=auto` leaves every attack vector off
  (mitigations_parse_cmdline's `memset(attack_vectors, 0, ...)` is never undone, and
  should_mitigate_vuln reads only the vectors), so R22K-1's "a later auto wins" holds only
  before 6.17: on a 6.17 kernel the next boot's pair is a false pass. Which kernel boots next
  decides (team decision: fail, or ask).
- A running line's `mitigations=auto,no_guest_host` on a 6.17+ kernel is judged only by
  sysfs (vmscape turns "Vulnerable"; whether every guest-to-host part shows was not
  settled); _smt_off_word does not read `mitigations=auto,nosmt,<vectors>` as SMT off (a
  needless question, not a pass).
- s390x: HVA-010 fails "neither kvm_intel nor kvm_amd" (KVM is the kvm module itself, the
  `sie` feature in /proc/cpuinfo), and on_hypervisor reads "no hypervisor flag" as bare
  metal there (z/VM or KVM guests: /proc/sysinfo's VM lines). Not fixed.
- GRUB_DEFAULT=saved (RHEL/Fedora: grubenv saved_entry) and numeric submenu indexes
  ("1>2") are not read (R25B-4 reads titles and ids only); a UKI's embedded .cmdline and
  systemd-boot's loader.conf `default` are not collected.
- A `grep -r` of /sys/devices/system/cpu/vulnerabilities that fails on one file (rc 2,
  partial output) drops that flaw silently on arm64 (x86 asks for flaws with no file).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam8_host_probes import _scan_without
from test_redteam21_boot_probes import _boot, _grub
from test_redteam21_host4_probes import _affected
from test_redteam22_boot_probes import VULNS
from test_redteam24_vm2_probes import _arm64

VULN = "/sys/devices/system/cpu/vulnerabilities/"


def _arm64_vulns(spectre_v2: str) -> str:
    """An arm64 kernel's listing (grep -r -H): its own three flaws, the rest "Not affected"
    (drivers/base/cpu.c's weak fallback)."""
    own = {
        "spectre_v1": "Mitigation: __user pointer sanitization",
        "spectre_v2": spectre_v2,
        "spec_store_bypass": "Mitigation: Speculative Store Bypass disabled via prctl",
    }
    rest = ("meltdown", "l1tf", "mds", "itlb_multihit", "retbleed", "srbds", "tsx_async_abort")
    return "".join(f"{VULN}{k}:{v}\n" for k, v in own.items()) + "".join(
        f"{VULN}{k}:Not affected\n" for k in rest
    )


# --- R25B-1: a mitigated line's "but not" / comma-separated Vulnerable part ----------------------


@pytest.mark.parametrize(
    "spectre_v2",
    [
        "Mitigation: CSV2, but not BHB",
        "Mitigation: Branch predictor hardening, but not BHB",
    ],
)
def test_r25b_1_arm64_spectre_bhb_unmitigated_fails(host_scan, spectre_v2: str) -> None:
    """R25B-1 (false pass) HVA-181: arm64's ", but not BHB" is Spectre-BHB unmitigated
    (arch/arm64/kernel/proton-pack.c get_bhb_affected_string, SPECTRE_VULNERABLE)."""
    host = _arm64()
    host["cpu-vulnerabilities"] = (_arm64_vulns(spectre_v2), 0)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181")["hv1"] == f"vulnerable: spectre_v2 ({spectre_v2})"


def test_r25b_1_arm64_spectre_bhb_mitigated_passes(host_scan) -> None:
    """R25B-1 held: "Mitigation: CSV2, BHB" (get_bhb_affected_string, SPECTRE_MITIGATED)."""
    host = _arm64()
    host["cpu-vulnerabilities"] = (_arm64_vulns("Mitigation: CSV2, BHB"), 0)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


PBRSB_54 = "Mitigation: Enhanced IBRS, IBPB: conditional, RSB filling, PBRSB-eIBRS: Vulnerable"


def test_r25b_1_comma_separated_pbrsb_vulnerable_fails(host_scan) -> None:
    """R25B-1 (false pass) HVA-181: Linux 5.4 stable joins spectre_v2's parts with ", "
    (pbrsb_eibrs_state `return ", PBRSB-eIBRS: Vulnerable"`, stable patch "x86/speculation:
    Add RSB VM Exit protections"): the Vulnerable part counts as after a ";"."""
    vulns = VULNS.replace(
        "spectre_v2:Mitigation: Enhanced / Automatic IBRS", f"spectre_v2:{PBRSB_54}"
    )
    a = host_scan({"cpu-vulnerabilities": (vulns, 0)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181")["hv1"].startswith("vulnerable: spectre_v2 (")


@pytest.mark.parametrize(
    "line",
    [
        "Mitigation: Enhanced IBRS, IBPB: conditional, RSB filling, PBRSB-eIBRS: SW sequence",
        "Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling; "
        "PBRSB-eIBRS: SW sequence; BHI: Vulnerable, KVM: SW loop",
    ],
)
def test_r25b_1_mitigated_spectre_v2_lines_pass(host_scan, line: str) -> None:
    """R25B-1 held: a comma part that is mitigated, and mainline's spectre_bhi=vmexit ("BHI:
    Vulnerable, KVM: SW loop": the history cleared on every VM exit)."""
    vulns = VULNS.replace("spectre_v2:Mitigation: Enhanced / Automatic IBRS", f"spectre_v2:{line}")
    a = host_scan(
        {"cpu-vulnerabilities": (vulns, 0), "/sys/devices/system/cpu/smt/control": "off\n"}
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


# --- R25B-2: Linux 6.17's mitigations= attack vectors at the next boot ----------------------------

LIVE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {}\n"
NONE = "17 CPU vulnerabilities reported, none unmitigated"


def _next(host_scan, next_line: str, live: str = ""):
    return host_scan(
        {
            "cpu-vulnerabilities": (VULNS, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(next_line), grub=False),
        }
    )


@pytest.mark.parametrize(
    ("next_line", "word"),
    [
        ("quiet mitigations=auto,no_guest_host", "mitigations=auto,no_guest_host"),
        ("quiet mitigations=auto,nosmt,no_guest_guest", "mitigations=auto,nosmt,no_guest_guest"),
        (
            "quiet mitigations=,no_guest_host,no_guest_guest",
            "mitigations=,no_guest_host,no_guest_guest",
        ),
        # an option the parser does not know stops it; those before it stay applied
        ("quiet mitigations=auto,no_guest_host,bogus", "mitigations=auto,no_guest_host,bogus"),
        # attack_vectors[] are never set back: a later mitigations=auto leaves them off
        ("quiet mitigations=auto,no_guest_host mitigations=auto", "mitigations=auto,no_guest_host"),
        # off with options after it is off (strncmp on the global option)
        ("quiet mitigations=off,no_user_user", "mitigations=off,no_user_user"),
    ],
)
def test_r25b_2_next_boot_guest_vectors_off_fails(host_scan, next_line: str, word: str) -> None:
    """R25B-2 (false pass) HVA-181: Linux 6.17's attack-vector controls turn the guest
    mitigations off (kernel/cpu.c mitigations_parse_cmdline; attack_vector_controls.rst
    "'no_guest_host' Disables guest-to-host mitigations.")."""
    a = _next(host_scan, next_line)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
    }


@pytest.mark.parametrize(
    "next_line",
    [
        "quiet mitigations=auto,no_user_user",
        # the parser stops at the unknown option: no_guest_host after it is never read
        "quiet mitigations=auto,bogus,no_guest_host",
        # strncmp is case-sensitive: OFF is no global option, and no "," follows
        "quiet mitigations=OFF",
    ],
)
def test_r25b_2_next_boot_without_guest_vectors_passes(host_scan, next_line: str) -> None:
    """R25B-2 held: options that leave the guest vectors on, and words the parser rejects."""
    a = _next(host_scan, next_line)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": NONE}


# --- R25B-3: the kernel cannot tell (a guest of an outer hypervisor); a dropped question -------

GDS_UNKNOWN = "Unknown: Dependent on hypervisor status"


@pytest.mark.parametrize(
    ("flaw", "line"),
    [
        ("gather_data_sampling", GDS_UNKNOWN),
        ("srbds", GDS_UNKNOWN),
        ("mds", "Mitigation: Clear CPU buffers; SMT Host state unknown"),
    ],
)
def test_r25b_3_state_unknown_is_asked(host_scan, flaw: str, line: str) -> None:
    """R25B-3 (false pass) HVA-181: bugs.c prints "Unknown: Dependent on hypervisor status"
    (gds_strings/srbds_strings[..._MITIGATION_HYPERVISOR]) and "%s; SMT Host state unknown"
    (mds_show_state under X86_FEATURE_HYPERVISOR): the kernel cannot tell, so no pass."""
    vulns = VULNS.replace(f"{flaw}:Not affected", f"{flaw}:{line}").replace(
        "mds:Mitigation: Clear CPU buffers; SMT disabled",
        f"mds:{line}" if flaw == "mds" else "mds:Not affected",
    )
    a = host_scan(
        {"cpu-vulnerabilities": (vulns, 0), "/sys/devices/system/cpu/smt/control": "off\n"}
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}, but the kernel cannot tell whether {flaw} ({line}) is mitigated: it "
        "runs on an outer hypervisor"
    }
    asked = next(r.outcome.question for r in a.results if r.check.id == "HVA-181")
    assert asked is not None and asked.startswith(
        f"Does the hypervisor that host hv1 runs on mitigate {flaw} for it?"
    )


def test_r25b_3_no_mitigations_still_fails(host_scan) -> None:
    """R25B-3 held: "Unknown: No mitigations" (out of servicing) stays a fail."""
    vulns = VULNS.replace("mmio_stale_data:Not affected", "mmio_stale_data:Unknown: No mitigations")
    a = host_scan(
        {"cpu-vulnerabilities": (vulns, 0), "/sys/devices/system/cpu/smt/control": "off\n"}
    )
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}


def test_r25b_3_kvm_next_load_asked_beside_unreported_flaws(host_scan) -> None:
    """R25B-3 (false pass) HVA-181: an older kernel without a reg_file_data_sampling file (the unreported flaws'
    question) and KVM's itlb_multihit/l1tf parts mitigated now with modprobe.d unreadable
    (R21K-3's question): only the first was asked, so its attestation passed KVM's next load
    unasked. One item now asks both."""
    host = _affected()
    vul, rc = host["cpu-vulnerabilities"]
    host["cpu-vulnerabilities"] = (
        "".join(line + "\n" for line in vul.splitlines() if "/reg_file_data_sampling:" not in line),
        rc,
    )
    host["modprobe-d"] = ("", 2, "grep: /etc/modprobe.d/kvm.conf: Permission denied\n")
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    msg = messages(a, "HVA-181")["hv1"]
    assert "this kernel reports nothing of reg_file_data_sampling" in msg
    assert msg.endswith(
        "; itlb_multihit and l1tf rest on KVM module parameters whose next load (every boot) "
        "is not known: modprobe.d could not be read (grep: /etc/modprobe.d/kvm.conf: Permission "
        "denied)"
    )
    asked = next(str(r.outcome.question) for r in a.results if r.check.id == "HVA-181")
    assert "reg_file_data_sampling" in asked and "keep its mitigations" in asked, asked


# --- R25B-4: GRUB_DEFAULT pins an older kernel than the running one -------------------------------

ADV = "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux {}"
UUID = "0b9a7c1e-54f3-4b8e-9d3c-2f6a1e0c7d11"


def _pinned(host_scan, default: str, cfg: str = ""):
    files = [
        (
            "/etc/default/grub",
            f'GRUB_DEFAULT={default}\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'
            'GRUB_CMDLINE_LINUX=""\n',
        )
    ]
    if cfg:
        files.append(("/etc/default/grub.d/pin.cfg", cfg))
    return host_scan({"boot-cmdline": _boot(*files, grub=False)})


@pytest.mark.parametrize(
    ("default", "cfg"),
    [
        (f'"{ADV.format("6.1.0-27-amd64")}"', ""),
        (f"'gnulinux-advanced-{UUID}>gnulinux-6.1.0-27-amd64-advanced-{UUID}'", ""),
        # a grub.d drop-in is sourced after /etc/default/grub: its assignment stands
        ("0", f'GRUB_DEFAULT="{ADV.format("6.1.0-27-amd64")}"\n'),
    ],
)
def test_r25b_4_grub_default_pins_an_older_kernel_fails(host_scan, default: str, cfg: str) -> None:
    """R25B-4 (false pass) HVA-180: the running kernel is the newest installed, but
    GRUB_DEFAULT names the older 6.1.0-27-amd64 by its 10_linux title ("%s, with Linux %s")
    or id (`gnulinux-$version-$type-$boot_device_id`; GRUB util/grub.d/10_linux.in): the
    next boot runs the kernel the update replaced."""
    a = _pinned(host_scan, default, cfg)
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "kernel 6.1.0-28-amd64 runs, but GRUB_DEFAULT names the older kernel "
        "6.1.0-27-amd64: the next boot goes back to it (its entry is the default once "
        "update-grub runs)"
    }


@pytest.mark.parametrize(
    "default",
    [
        "0",
        "saved",
        f'"{ADV.format("6.1.0-28-amd64")}"',
        # no such kernel in /boot: GRUB finds no entry and boots its first
        f'"{ADV.format("6.1.0-21-amd64")}"',
    ],
)
def test_r25b_4_grub_default_newest_or_unnamed_passes(host_scan, default: str) -> None:
    """R25B-4 held: GRUB_DEFAULT that names the running kernel, none, or one not installed."""
    a = _pinned(host_scan, default)
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")


# --- R25B-5: SecureBoot = 1 with the firmware in Setup Mode ----------------------------------------


def test_r25b_5_setup_mode_fails_secure_boot(host_scan) -> None:
    """R25B-5 (false pass) HVA-021: the kernel takes SetupMode = 1 as Secure Boot off whatever
    SecureBoot says (include/linux/efi.h efi_get_secureboot_mode: `if (secboot == 0 ||
    setupmode == 1) return efi_secureboot_mode_disabled;`, the EFI stub alike)."""
    a = host_scan({"setup-mode": ("   6   0   0   0   1\n", 0)})
    assert outcomes(a, "HVA-021") == {"hv1": "fail"}, messages(a, "HVA-021")
    assert messages(a, "HVA-021") == {
        "hv1": "the firmware's SecureBoot variable is 1, but the firmware is in Setup Mode "
        "(SetupMode = 1, no Platform Key enrolled): nothing verifies the boot loader's "
        "signature and the kernel boots as without Secure Boot"
    }


@pytest.mark.parametrize(
    "value",
    [
        ("   6   0   0   0   0\n", 0),
        # od cannot read it: the kernel ignores the read's status (setupmode = 0)
        ("", 1, "od: /sys/firmware/efi/efivars/SetupMode-8be4df61: No such file or directory\n"),
    ],
)
def test_r25b_5_user_mode_keeps_the_pass(host_scan, value) -> None:
    """R25B-5 held: SetupMode = 0 (User Mode), or no variable, passes as before."""
    a = host_scan({"setup-mode": value})
    assert outcomes(a, "HVA-021") == {"hv1": "pass"}, messages(a, "HVA-021")
    assert messages(a, "HVA-021") == {"hv1": "UEFI Secure Boot enabled, shim validating"}


def test_r25b_5_setup_mode_not_collected_is_asked(tmp_path) -> None:
    """R25B-5: an older collector's bundle (no setup-mode artefact) shows SecureBoot = 1 but
    not the mode: a question, never the pass it had."""
    a = _scan_without(tmp_path, "host/commands/setup-mode.txt")
    assert outcomes(a, "HVA-021") == {"hv1": "manual"}, messages(a, "HVA-021")
    assert messages(a, "HVA-021") == {
        "hv1": "evidence unavailable: host/commands/setup-mode.txt was not collected"
    }


# --- R25B-6: POWER's kvm_hv is hardware virtualization ---------------------------------------------


def _power(platform: str, module: str = "kvm_hv") -> dict:
    """A POWER9 KVM host as /proc/cpuinfo (setup-common.c show_cpuinfo) and /proc/modules read."""
    host: dict = {"/sys/module/kvm_intel/parameters/ept": None}
    host["/proc/cpuinfo"] = (
        "processor\t: 0\ncpu\t\t: POWER9 (raw), altivec supported\nclock\t\t: 3800.000000MHz\n"
        "revision\t: 2.2 (pvr 004e 1202)\n\ntimebase\t: 512000000\n"
        f"platform\t: {platform}\nmodel\t\t: 9006-22P\nmachine\t\t: {platform} 9006-22P\n"
    )
    host["/proc/modules"] = (
        f"{module} 196608 0 - Live 0x0000000000000000\n"
        f"kvm 212992 1 {module}, Live 0x0000000000000000\n"
    )
    return host


def test_r25b_6_powernv_kvm_hv_passes(host_scan) -> None:
    """R25B-6 (wrong fail) HVA-010 HVA-011: kvm_hv on a PowerNV (bare-metal OPAL) host runs
    guests in the processor's hypervisor mode (arch/powerpc/kvm/Kconfig
    KVM_BOOK3S_HV_POSSIBLE: "KVM will use the hardware virtualization facilities of POWER7
    (and later) processors"); hvaudit failed it as "KVM without hardware virtualization"."""
    a = host_scan(_power("PowerNV"))
    assert outcomes(a, "HVA-010") == {"hv1": "pass"}, messages(a, "HVA-010")
    assert messages(a, "HVA-010") == {
        "hv1": "kvm_hv drives /dev/kvm (POWER hypervisor mode, platform PowerNV)"
    }
    assert outcomes(a, "HVA-011") == {"hv1": "pass"}, messages(a, "HVA-011")


def test_r25b_6_pseries_kvm_hv_is_nested(host_scan) -> None:
    """R25B-6: platform pSeries is a logical partition or a guest: kvm_hv there is nested."""
    a = host_scan(_power("pSeries"))
    assert outcomes(a, "HVA-010") == {"hv1": "fail"}, messages(a, "HVA-010")
    assert messages(a, "HVA-010")["hv1"].startswith(
        "kvm_hv drives /dev/kvm, but the host is itself a virtual machine (POWER platform pSeries)"
    )
    assert outcomes(a, "HVA-011") == {"hv1": "fail"}, messages(a, "HVA-011")


def test_r25b_6_kvm_pr_still_fails(host_scan) -> None:
    """R25B-6 held: kvm_pr emulates the privileged instructions (Kconfig: "where hypervisor
    mode is not available or not usable"): no hardware virtualization."""
    a = host_scan(_power("PowerNV", "kvm_pr"))
    assert outcomes(a, "HVA-010") == {"hv1": "fail"}, messages(a, "HVA-010")
