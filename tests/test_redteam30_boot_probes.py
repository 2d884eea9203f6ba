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

- R30B-2 (false pass) HVA-214 HVA-181 (and every check reading the next boot's line): a line
  with `bootconfig` (or `bootconfig=VALUE`) makes a CONFIG_BOOT_CONFIG kernel add the kernel.*
  keys of the boot configuration appended to its initrd (init/main.c setup_boot_config:
  parse_args with bootconfig_params, `strcmp(param, "bootconfig") == 0`; xbc_make_cmdline(
  "kernel") put before the loader's words by setup_command_line; tools/bootconfig `-a`
  appends one, `-l` lists it), a line no collected file holds. Parameters that are not EARLY
  (kernel-parameters.txt: early_param ones are "parsed before embedded parameters are
  extracted from initrd") take effect from it: `kernel.audit = 0` (audit= is a __setup), an
  LSM's words, module options (modprobe reads /proc/cmdline). GRUB's `quiet bootconfig`
  passed HVA-214 and HVA-181. Now, where no read source adds a weakening word, such a source
  makes the next boot a question (NextBoot.bootconfig) naming `bootconfig -l`; beside a
  unified kernel image (R28B-3) one item asks both (joint_question).

- R30B-3 (false pass) HVA-181 HVA-214 HVA-040 (and every check reading the next boot's
  line): GRUB's custom menu entries were not collected. /etc/grub.d/40_custom is copied into
  grub.cfg as written (util/grub.d/40_custom.in `exec tail -n +3 $0`: "Simply type the menu
  entries you want to add after this comment"), and 41_custom has grub.cfg `source
  ${config_directory}/custom.cfg` at boot (both read with `find_string`); such an entry boots
  its own `linux` line where GRUB_DEFAULT, saved_entry or next_entry name it, or from the menu.
  An entry with `mitigations=off audit=0` beside GRUB's `quiet` passed HVA-181 and HVA-214,
  and one without the running line's module.sig_enforce=1 kept HVA-040's pass. The probe now
  reads /etc/grub.d/*_custom and /boot/grub{,2}/custom.cfg, and each `linux`/`linux16`/
  `linuxefi` line is a source (parse.host._grub_custom_entries), a word with a GRUB variable
  not read (the line partial, R26B-1's rule).

- R30B-4 (false pass) HVA-181 (and every check whose weakening word is a module's option):
  next_boot_adds read only the kernel's words (kernel_params stops at `--`), but modprobe takes
  a module's options from the whole line (libkmod libkmod-config.c kmod_config_parse_kcmdline
  reads /proc/cmdline to its end, no `--` stop; read with `find_string`), so GRUB's `quiet --
  kvm.nx_huge_pages=off` passed "none unmitigated" though a kvm loaded from disk at the next
  boot takes it. Now a `MODULE.PARAM=VALUE` word after `--` that weakens is found, as a
  question (partial: a built-in module never sees it), the later word of its name kept.

Held (kept as tests): `kpti=0` on an x86 host, `retbleed=off,auto` (a later mode option), arm64's
`kpti=1` and `ssbd=kernel` keep HVA-181's pass; a `bootconfig` after `--` (init's: parse_args
stops there) keeps HVA-214's and HVA-181's passes; a custom entry with GRUB's own words,
or one that chainloads another system (no `linux` line), keeps HVA-181's and HVA-214's;
`-- kvm.nx_huge_pages=off kvm.nx_huge_pages=auto` keeps HVA-181's.

Probed by script, not kept: qemu.conf `security_driver = [ "none" ]`, "NONE", `[ "none",
"apparmor" ]` and "dac" appended after the hardened file's own key (R29Q's lead): libvirt keeps
a key's first value (virconf.c), so all passed as the first "apparmor" does; R29Q-2 covers the
list form and R29Q's script the refused drivers (the daemon then does not start: nothing runs
unconfined). `mitigations=off,nosmt`: _smt_off_word takes it as SMT off, but the same word is
weakening (mitigations_word reads its mode off), so HVA-181 asks or fails anyway. `retbleed=
off`, `nospectre_v2` on arm64 (already failed). The bootconfig line after `--` and
`bootconfig=1` (kept as tests).

Tally: 4 findings (4 false passes); 22 cases in 11 test functions; 14 failed before their
fixes, each on the main it landed on (R30B-1: 6 on main 0a4897a; R30B-2: 3 on main 2efd436;
R30B-3: 4 on main 34aa13e, one of them GRUB's settled fail with a custom entry's unread
variable, now a question; R30B-4: 1 on main 421301d); the 8 held cases passed before and
after.

Leads left:
- CONFIG_BOOT_CONFIG_FORCE and an embedded bootconfig (CONFIG_BOOT_CONFIG_EMBED) apply the
  initrd's (or the kernel's) kernel.* keys without `bootconfig` on the line; the kernel's
  config (/boot/config-RELEASE) and /proc/bootconfig (the running boot's keys) are not
  collected. The running /proc/cmdline shows bootconfig's EARLY words too, which the kernel
  did not apply (a live verdict on such a word may be a wrong fail).
- R30B-3 reads 40_custom and custom.cfg only; another /etc/grub.d script (a shell generator
  with its own `linux` lines) and grub.cfg itself are still not collected, and a bundle of an
  older hvaudit is not asked about the custom entries (_boot_places_uncollected).
- R30B-4's question passes on "takes none of FILE's words": a host whose module is built in
  (the word never reaches it) must answer fail; `MODULE.PARAM` words before `--` that a later
  one after `--` replaces are still read as the kernel's alone.
- POWER's no_entry_flush/no_uaccess_flush and s390's nobp=0 (expolines stay) are not read as
  weakening; s390 Secure Execution and a named CPU model on a nesting host, and HVA-091's
  kernel version (first-wins since housekeeping_setup, v4.15) not probed.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, with_current_kernel
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE
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


# --- R30B-2: `bootconfig` on the next boot's line (the initrd's boot configuration) ------------

#: The UKI tests/test_redteam29_boot_probes.py lists on the ESP
UKI = "/efi/EFI/Linux/debian-6.1.0-28-amd64.efi"
BOOTCONFIG_READS = (
    "the initrd's boot configuration that `bootconfig` in /etc/default/grub adds is not read: "
    "whether the next boot's line {} is not known"
)
BOOTCONFIG_ASKS = (
    "Does the next boot of host hv1 leave out every kernel parameter that {}, although "
    "`bootconfig` in /etc/default/grub makes the kernel add the kernel.* keys of the boot "
    "configuration appended to its initrd, which hvaudit does not read? Evidence: `bootconfig "
    "-l` on the initrd each entry loads (lists its keys; no boot configuration there: none "
    "added). Pass: yes, no kernel.* key is such a parameter (or only one the kernel parses "
    "early, marked EARLY in kernel-parameters.txt, which it does not take from there); fail: "
    "it boots with one of them ({})."
)


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


@pytest.mark.parametrize("word", ["bootconfig", "bootconfig=1"])
def test_r30b_2_bootconfig_on_the_next_boots_line_is_asked(host_scan, word: str) -> None:
    """R30B-2 (false pass) HVA-214 HVA-181 (and every check reading the next boot's line): a
    line with `bootconfig` makes a CONFIG_BOOT_CONFIG kernel add the kernel.* keys of the boot
    configuration appended to its initrd (init/main.c setup_boot_config, bootconfig_params,
    xbc_make_cmdline("kernel"); `bootconfig -a` appends one), so `kernel.audit = 0` there
    turns auditing off (audit= is a __setup, not EARLY) in a line no collected file holds.
    GRUB's `quiet bootconfig` passed both checks."""
    a = host_scan({"boot-cmdline": _boot(_grub(f"quiet {word}"), grub=False)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    off = "turns kernel auditing off"
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1; but "
        + BOOTCONFIG_READS.format(off)
    }
    assert _question(a, "HVA-214") == BOOTCONFIG_ASKS.format(
        off, "kernel auditing off, nothing recorded"
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    mit = "turns mitigations off"
    assert messages(a, "HVA-181") == {"hv1": f"17 {NOW} now, but " + BOOTCONFIG_READS.format(mit)}
    assert _question(a, "HVA-181") == BOOTCONFIG_ASKS.format(mit, "the flaw is unmitigated")


def test_r30b_2_bootconfig_beside_a_uki_asks_both(host_scan) -> None:
    """R30B-2: beside a unified kernel image (R28B-3) one item asks for both lines not read
    (joint_question: an attestation of the image's line alone passed the initrd's unasked)."""
    a = host_scan(
        {
            "boot-cmdline": _boot(_grub("quiet bootconfig"), grub=False),
            "boot-uki": (f"{UKI}\n", 0),
        }
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1; but the command line "
        f"embedded in the unified kernel image(s) {UKI} and the initrd's boot configuration that `bootconfig` in "
        "/etc/default/grub adds are not read: whether the next boot's line turns kernel "
        "auditing off is not known"
    }
    q = _question(a, "HVA-214")
    assert q.startswith(
        "Does the next boot of host hv1 leave out every kernel parameter that turns kernel "
        "auditing off, although hvaudit did not read the command line embedded in "
    ), q
    assert "`bootconfig -l` on the initrd each entry loads" in q and "objcopy" in q, q


def test_r30b_2_bootconfig_after_dashes_is_inits(host_scan) -> None:
    """R30B-2 held: a `bootconfig` after `--` is init's (parse_args stops there, so
    bootconfig_params never sees it): HVA-214 and HVA-181 keep their passes."""
    a = host_scan({"boot-cmdline": _boot(_grub("quiet -- bootconfig"), grub=False)})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": f"17 {NOW}"}


# --- R30B-3: GRUB's custom menu entries (40_custom, custom.cfg) ------------------------------------

#: /etc/grub.d/40_custom as GRUB ships it (util/grub.d/40_custom.in) with one entry after it
CUSTOM_HEAD = (
    "#!/bin/sh\nexec tail -n +3 $0\n# This file provides an easy way to add custom menu "
    "entries.  Simply type the\n# menu entries you want to add after this comment.  Be careful "
    "not to change\n# the 'exec tail' line above.\n"
)


def _custom(words: str, path: str = "/etc/grub.d/40_custom") -> tuple[str, str]:
    head = CUSTOM_HEAD if path.startswith("/etc/grub.d/") else ""
    return (
        path,
        head + "menuentry 'Debian (fast)' {\n\tsearch --no-floppy --fs-uuid --set=root 1a2b\n"
        f"\tlinux\t/vmlinuz-6.1.0-28-amd64 root=UUID=1a2b ro {words}\n"
        "\tinitrd\t/initrd.img-6.1.0-28-amd64\n}\n",
    )


def _line(path: str) -> str:
    """Where _custom's `linux` line is: line 8 of 40_custom (after GRUB's 5), 3 of custom.cfg."""
    return f"{path} line {8 if path.startswith('/etc/grub.d/') else 3}"


@pytest.mark.parametrize("path", ["/etc/grub.d/40_custom", "/boot/grub/custom.cfg"])
def test_r30b_3_a_custom_entrys_line_is_a_source(host_scan, path: str) -> None:
    """R30B-3 (false pass) HVA-181 HVA-214: a custom GRUB entry boots its own `linux` line
    (40_custom is copied into grub.cfg, util/grub.d/40_custom.in `exec tail -n +3 $0`;
    41_custom makes grub.cfg `source ${config_directory}/custom.cfg`), which no collected
    file held: an entry with mitigations=off and audit=0 beside GRUB's `quiet` passed both."""
    a = host_scan({"boot-cmdline": _boot(_custom("quiet mitigations=off audit=0", path))})
    where = _line(path)
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"17 {NOW} now, but mitigations=off in {where} turns mitigations off at the "
        "next boot if the boot loader takes it"
    }
    assert _question(a, "HVA-181").startswith(
        f"Which kernel command line does host hv1 boot with next? mitigations=off in {where}, "
        "but not in /etc/default/grub."
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1; but audit=0 in "
        f"{where} turns kernel auditing off at the next boot if the boot loader takes it"
    }


def test_r30b_3_a_custom_entry_without_the_signing_word_is_asked(host_scan) -> None:
    """R30B-3 (false pass) HVA-040: the running line's module.sig_enforce=1, kept by GRUB's
    defaults, passed where a custom entry boots without it (live_word_dropped counted only the
    sources it read)."""
    a = host_scan(
        {
            "/proc/cmdline": LIVE.format("module.sig_enforce=1"),
            "boot-cmdline": _boot(
                _grub("quiet module.sig_enforce=1"), _custom("quiet"), grub=False
            ),
            "/sys/module/module/parameters/sig_enforce": "Y\n",
            "/sys/kernel/security/lockdown": "[none] integrity confidentiality\n",
        }
    )
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": "module.sig_enforce is on; but the running kernel has it from "
        "module.sig_enforce=1, not in /etc/grub.d/40_custom line 8: unsigned modules can be "
        "loaded after the next boot unless the kernel enforces it by itself"
    }


@pytest.mark.parametrize(
    "custom",
    [
        _custom("quiet"),
        # a chainloader entry boots no Linux line
        ("/etc/grub.d/40_custom", CUSTOM_HEAD + "menuentry 'Windows' {\n\tchainloader +1\n}\n"),
    ],
    ids=["same-words", "chainloader"],
)
def test_r30b_3_custom_entries_that_weaken_nothing_pass(host_scan, custom) -> None:
    """R30B-3 held: a custom entry with GRUB's own words, or one that boots no Linux kernel,
    keeps HVA-181's and HVA-214's passes."""
    a = host_scan({"boot-cmdline": _boot(custom)})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")


def test_r30b_3_a_custom_entrys_variable_is_not_read(host_scan) -> None:
    """R30B-3: a word with a GRUB variable is not read; with mitigations=off before it the
    entry is asked, not a settled fail (a later unread word may replace it, R26B-1)."""
    a = host_scan(
        {
            "boot-cmdline": _boot(
                _grub("quiet mitigations=off"), _custom("mitigations=off $extra"), grub=False
            )
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert "the words of $extra are not read" in _question(a, "HVA-181")


# --- R30B-4: a module's option after `--` (modprobe reads the whole line) ---------------------

#: The hardened host with itlb_multihit mitigated by KVM (kvm's nx_huge_pages on)
ITLB_MITIGATED = (
    with_current_kernel(f"{VULN}itlb_multihit:KVM: Mitigation: Split huge pages\n"),
    0,
)


def test_r30b_4_a_module_option_after_dashes_is_asked(host_scan) -> None:
    """R30B-4 (false pass) HVA-181: `-- kvm.nx_huge_pages=off` passed "none unmitigated":
    next_boot_adds read only the kernel's words (kernel_params stops at `--`), but modprobe
    takes a module's options from the whole line (libkmod libkmod-config.c
    kmod_config_parse_kcmdline reads /proc/cmdline to its end), so a kvm loaded from disk at
    the next boot runs with huge pages executable (mmu.c set_nx_huge_pages). A built-in
    module never sees it: a question, not a settled fail."""
    a = host_scan(
        {
            "boot-cmdline": _boot(_grub("quiet -- kvm.nx_huge_pages=off"), grub=False),
            "cpu-vulnerabilities": ITLB_MITIGATED,
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"17 {NOW} now, but kvm.nx_huge_pages=off after -- in /etc/default/grub turns "
        "mitigations off at the next boot if the boot loader takes it"
    }
    assert _question(a, "HVA-181").startswith(
        "Which kernel command line does host hv1 boot with next? kvm.nx_huge_pages=off after "
        "-- in /etc/default/grub, kvm.nx_huge_pages=off after -- in /etc/default/grub reaches "
        "the module through modprobe only where it is loaded from disk, not built in."
    )


def test_r30b_4_a_later_option_after_dashes_passes(host_scan) -> None:
    """R30B-4 held: a later kvm.nx_huge_pages=auto after `--` replaces the off (the module's
    parse_args sets the parameter word by word; _nextboot.kept): HVA-181 keeps its pass."""
    a = host_scan(
        {
            "boot-cmdline": _boot(
                _grub("quiet -- kvm.nx_huge_pages=off kvm.nx_huge_pages=auto"), grub=False
            ),
            "cpu-vulnerabilities": ITLB_MITIGATED,
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": f"17 {NOW}"}
