"""Red-team round 29 probes: boot, kernel command line, next boot (rt29boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the
`boot-cmdline` probe's output built by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`
(a systemd-boot host has no /etc/default/grub: `NO_GRUB`), the `boot-uki` listing as in
tests/test_redteam28_boot_probes.py, an older hvaudit's bundle by tests/
test_redteam27_boot_probes.py's `_older`, the live line by tests/test_redteam22_boot2_probes.py's
LIVE; real-time VMs by tests/test_vm_leads17.py's `_rt`; s390x VMs (`_s390_domain`) replayed by
tests/test_redteam10_vm_probes.py's `_replayed_on` on tests/test_redteam28_boot_probes.py's
s390x host (`_s390`, a logical partition) with the kvm module's `nested` as each case says.

Findings (R29B-n):

- R29B-1 (false pass) HVA-040 HVA-181: a pass that rests on a word of the running command line
  (module.sig_enforce=1 or lockdown=integrity for HVA-040, R22K-2; nosmt for HVA-181's SMT,
  R22B-3) stood where the next boot's line is not known to keep it: _nextboot.
  live_word_dropped (and management._smt_off_lost, a copy of it) counted only the read sources
  that lack the word and skipped every source whose words are not read: a unified kernel
  image's own .cmdline (R28B-3; systemd-stub(7), systemd src/boot/stub.c use_load_options: the
  loader's line only "if we aren't in secure boot or if no cmdline was baked into the stub
  image"), a place an older hvaudit did not collect (R27B-2), an entry with unread variables
  (R26B-1). A systemd-boot host whose next boot is an image kept HVA-040's "module.sig_enforce
  is on"; on HVA-181 only the image's mitigations question was asked, whose attestation passed
  SMT's return unasked. Now such a source is "not known to be in" (live_word_dropped returns a
  Dropped with the read sources that lack the word and those not read), a question whose
  evidence names the image's .cmdline; _smt_off_lost is live_word_dropped.

- R29B-2 (false pass) HVA-181 (and every check reading the next boot's line): a Boot Loader
  Specification entry with `uki PATH`, `uki-url URL` or `efi PATH` boots that image with the
  entry's `options` as load options (systemd src/boot/boot.c boot_entry_add_type1:
  LOADER_UKI, LOADER_UKI_URL, LOADER_EFI; Boot Loader Specification: `efi` "refers to an
  arbitrary EFI program"), which the image's stub ignores under Secure Boot where it carries a
  .cmdline section (stub.c use_load_options), and appends its add-ons' words to (stub.c
  cmdline_append_and_measure_addons). hvaudit read the entry's `options quiet` as the next
  boot's line and passed "none unmitigated"; with `options ... module.sig_enforce=1` it kept
  HVA-040's pass. The image may lie outside EFI/Linux, where the boot-uki probe does not look.
  Now such an entry is a source whose line is embedded in its image (parse.host._bls_image): a
  question, as R28B-3's images are.

- R29B-3 (wording) HVA-181 (and every check asking R28B-3's question): the question for a
  unified kernel image asked for "each image's .cmdline section" and passed where "the line of
  every image ... has no such parameter"; systemd-stub appends the .cmdline of the image's
  add-ons (systemd-stub(7): ESP/.../foo.efi.extra.d/*.addon.efi, ESP/loader/addons/*.addon.efi),
  so an attestation of the image's own section passed an add-on's mitigations=off. The
  question now names the add-ons in its evidence and its pass.

- R29B-4 (false pass) HVA-040; (wrong fail) HVA-214: Linux's next_arg (lib/cmdline.c) skips a
  word's opening quote and cuts its closing one, so `"--"` reaches parse_args as `--` and ends
  the kernel's parameters (kernel/params.c "Stop at --"; the rest goes to init). hvaudit's
  parse.host._kernel_param turned `"--"` into `__` (dashes read as underscores) and read on:
  the next boot's `"--" module.sig_enforce=1` kept the running word (HVA-040 passed), and an
  `audit=0` after it failed HVA-214 on the running and the next boot's line. Now a quoted
  `"--"` is the end too.

- R29B-5 (false pass) HVA-091: real-time vCPUs pinned to host CPUs 2-3 passed "isolated from
  the host's scheduler (isolcpus)" on an isolcpus=2-3 the kernel does not keep: resources.
  _isolated read every word of /proc/cmdline (one after `--` is init's), and took the last
  isolcpus= as the kernel's, the old isolated_cpu_setup's reading (kernel/sched/core.c:
  cpulist_parse into cpu_isolated_map, each word replacing it); kernel/sched/isolation.c
  housekeeping_setup, which took isolcpus= and nohz_full= over, refuses a later list unequal
  to the one already set ("Second setup call", pr_warn "Housekeeping: nohz_full= must match
  isolcpus=": the first stands), before its per-type split for any earlier nohz_full= too
  (both read with `find_string`). `isolcpus=4-7 isolcpus=2-3` or `nohz_full=2-7
  isolcpus=2-3` passed. Now only the kernel's words count, and where they name different
  lists the verdict is the question (which list stands depends on the kernel's version).

- R29B-6 (false pass) HVA-049: an s390x guest (on R28B-1's s390x host) was read as an x86
  one. A guest runs a hypervisor there through SIE interpreted for it (vSIE), which KVM offers
  only with its `kvm` module's nested=1 (arch/s390/kvm/kvm-s390.c `static int nested;`
  default 0; kvm_s390_cpu_feat_init allows KVM_S390_VM_CPU_FEAT_SIEF2 only with it; vsie.c
  kvm_s390_handle_vsie refuses the guest's SIE without it) to a guest whose CPU model carries
  sief2. A VM with no <cpu> passed "CPU mode default (no <cpu>) without vmx/svm" on a host
  with nested=1, though QEMU gives it the host model under KVM (target/s390x/kvm
  kvm_arch_init: `mc->default_cpu_type = S390_CPU_TYPE_NAME("host")`); host-model was asked
  about kvm_intel's or kvm_amd's `nested`, which an s390x host has not. The collector now
  reads /sys/module/kvm/parameters/nested, the parser takes it as the s390x host's nesting
  (its next load read as for x86), and guest._s390_nesting judges sief2's policy and the CPU
  mode: nested=1 fails the host modes, 0 passes, unread is one question naming the file.

Held (kept as tests): every next-boot source read and keeping module.sig_enforce=1 (GRUB's
defaults, or the ESP's entry alone) keeps HVA-040's pass; an entry booting a `linux` kernel
is read by its `options` (HVA-181's pass); a quoted `"audit=0"` before a quoted end still
fails HVA-214; isolcpus= and nohz_full= words naming one list (tuned's cpu-partitioning form)
keep HVA-091's pass; an s390x guest with sief2 disabled passes HVA-049 whatever the host's
nesting.

Probed by script, not kept: the same inputs before the tests were written (HVA-040 with an
image alone and beside GRUB's defaults; the `"--"` line on HVA-040 and HVA-214, running and
next boot; four s390x VMs on the s390x host on main: HVA-010/011/012 held, HVA-049 as
R29B-6 says).

Tally: 6 findings (5 false passes, R29B-4 also a wrong fail; 1 wording); 26 cases in 13 test
functions; 20 failed before their fixes (R29B-1: 5, one of them, GRUB's defaults lacking the
word beside an image, a question already whose message now names the image too; R29B-2: 4;
R29B-3: 1; R29B-4: 3, all on main 3722a3b; R29B-5: 4 on main 0824615 after R29B-1..4 landed;
R29B-6: 3 on main 57eed43); the 6 held cases passed before and after.

Leads left:
- The kernel's bootconfig (CONFIG_BOOT_CONFIG with `bootconfig` on the line, or
  CONFIG_BOOT_CONFIG_FORCE): the initrd's or the kernel's embedded bootconfig adds `kernel.*`
  words to the next boot's line (init/main.c setup_boot_config, xbc_make_cmdline), which no
  collected file holds; /proc/cmdline shows the running boot's with them.
- grub.cfg itself, loader.conf `default` globs and LoaderEntryDefault/OneShot EFI variables
  (which entry systemd-boot boots) are still not collected: every entry counts as a source.
- s390x: a named CPU model (z14 ...) on a nesting host is asked (whether QEMU's model carries
  sief2 by default is not read); raw `-cpu` arguments on s390x, Proxmox VE on s390x and IBM
  Secure Execution (prot_virt, <launchSecurity type='s390-pv'>) not probed.
- HVA-091: isolcpus= words naming different lists are asked; the kernel's version (which
  would settle first-wins or last-wins) is collected but not used there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, messages, outcomes, run_assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _replayed_on
from test_redteam21_boot_probes import NOT_THERE, _boot, _grub
from test_redteam22_boot2_probes import LIVE, SMT_VULNS
from test_redteam27_boot_probes import _older
from test_redteam28_boot_probes import _s390
from test_vm_leads17 import PINNED, _rt

UKI = "/efi/EFI/Linux/debian-6.1.0-28-amd64.efi"
SIG = "/sys/module/module/parameters/sig_enforce"
LOCK = "/sys/kernel/security/lockdown"
UNLOCKED = "[none] integrity confidentiality\n"
LOCKED = "none [integrity] confidentiality\n"
#: A systemd-boot host: no GRUB defaults (find's complaint for each place not there)
NO_GRUB = ("", 1, NOT_THERE.format("/etc/default/grub"))
UKI_SEEN = f"the unified kernel image(s) {UKI} (its .cmdline section is not read)"
SIG_ON = "module.sig_enforce is on"
NONE = "17 CPU vulnerabilities reported, none unmitigated"


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


def _sig(live: str, boot: tuple[str, int, str], uki: str = "", lock: str = UNLOCKED) -> dict:
    return {
        "/proc/cmdline": LIVE.format(live),
        "boot-cmdline": boot,
        "boot-uki": (uki, 0) if uki else ("", 1, NOT_THERE.format("/efi/EFI/Linux")),
        SIG: "Y\n" if "sig_enforce" in live else "N\n",
        LOCK: lock,
    }


# --- R29B-1: a live word the next boot is not shown to keep (live_word_dropped) --------------


@pytest.mark.parametrize(
    ("live", "boot", "lock", "shown", "where"),
    [
        # a systemd-boot host whose only next-boot source is the image
        ("module.sig_enforce=1", NO_GRUB, UNLOCKED, SIG_ON, f"not known to be in {UKI_SEEN}"),
        # GRUB's defaults keep the word, the image beside them is not read
        (
            "lockdown=integrity",
            _boot(_grub("quiet lockdown=integrity"), grub=False),
            LOCKED,
            "kernel lockdown 'integrity' enforces signed modules",
            f"not known to be in {UKI_SEEN}",
        ),
        # one source lacks it, the image is not read
        (
            "module.sig_enforce=1",
            _boot(_grub("quiet"), grub=False),
            UNLOCKED,
            SIG_ON,
            f"not in /etc/default/grub and not known to be in {UKI_SEEN}",
        ),
    ],
    ids=["uki-only", "grub-keeps-uki", "grub-lacks-uki"],
)
def test_r29b_1_signing_word_beside_an_unread_uki_is_asked(
    host_scan, live: str, boot, lock: str, shown: str, where: str
) -> None:
    """R29B-1 (false pass) HVA-040: signature enforcement that the running line's word set
    (module.sig_enforce=1, kernel/module/signing.c; lockdown=integrity, security/lockdown/
    lockdown.c) passed where the next boot may be a unified kernel image, whose own .cmdline
    section (systemd-stub(7); systemd src/boot/stub.c use_load_options: the loader's line only
    "if we aren't in secure boot or if no cmdline was baked into the stub image") hvaudit does
    not read: live_word_dropped counted only the read sources that lack the word."""
    a = host_scan(_sig(live, boot, f"{UKI}\n", lock))
    mays = "can" if "not in /etc" in where else "may"
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": f"{shown}; but the running kernel has it from {live}, {where}: unsigned modules "
        f"{mays} be loaded after the next boot unless the kernel enforces it by itself"
    }
    q = _question(a, "HVA-040")
    assert q.startswith(
        f"Does host hv1's kernel refuse unsigned modules after the next boot, although {live} "
        f"is {where}? Evidence:"
    ), q
    assert "`objcopy -O binary --only-section=.cmdline IMAGE /dev/stdout`" in q


def test_r29b_1_smt_word_beside_an_unread_uki_is_asked(host_scan) -> None:
    """R29B-1 (false pass) HVA-181: SMT off by the running line's `nosmt` (R22B-3) where the next
    boot is a unified kernel image: only the image's mitigations question was asked (R28B-3),
    whose attestation ("no word turns mitigations off") passed SMT's return unasked."""
    a = host_scan(
        {
            "cpu-vulnerabilities": (SMT_VULNS, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format("nosmt"),
            "boot-cmdline": NO_GRUB,
            "boot-uki": (f"{UKI}\n", 0),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}; but the running kernel turned SMT off with nosmt, not known to be in "
        f"{UKI_SEEN}: mds may report SMT vulnerable after the next boot; but the command line "
        f"embedded in the unified kernel image(s) {UKI} is not read: whether the next boot's "
        "line turns mitigations off is not known"
    }
    q = _question(a, "HVA-181")
    assert q.startswith(
        f"Does host hv1 keep SMT off at the next boot, although no nosmt word is known to be in "
        f"{UKI_SEEN}, and does the next boot of host hv1 leave out every kernel parameter"
    ), q


def test_r29b_1_older_bundle_uncollected_esp_is_asked(tmp_path: Path) -> None:
    """R29B-1 (false pass) HVA-040: a bundle of an hvaudit older than R26B-4 did not read the
    ESP's loader entries (R27B-2); a systemd-boot host whose /boot entry keeps
    module.sig_enforce=1 passed, though the ESP's entries (systemd src/shared/find-esp.c:
    /efi, /boot, /boot/efi) may boot without it."""
    entry = ("/boot/loader/entries/debian.conf", "options root=/dev/vda1 module.sig_enforce=1")
    a = _older(tmp_path, _sig("module.sig_enforce=1", _boot(entry, grub=False)))
    esp = (
        "the EFI system partition's loader entries (/efi/loader/entries, "
        "/boot/efi/loader/entries) (not collected: a bundle of an older hvaudit)"
    )
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": f"{SIG_ON}; but the running kernel has it from module.sig_enforce=1, not known "
        f"to be in {esp}: unsigned modules may be loaded after the next boot unless the kernel "
        "enforces it by itself"
    }


@pytest.mark.parametrize(
    ("boot", "uki"),
    [
        (_boot(_grub("quiet module.sig_enforce=1"), grub=False), ""),
        (
            _boot(("/efi/loader/entries/a.conf", "options quiet module.sig_enforce=1"), grub=False),
            "",
        ),
    ],
    ids=["grub-keeps", "esp-entry-keeps"],
)
def test_r29b_1_every_source_read_and_keeping_passes(host_scan, boot, uki: str) -> None:
    """R29B-1 held: every source read, each keeping module.sig_enforce=1, no image."""
    a = host_scan(_sig("module.sig_enforce=1", boot, uki))
    assert outcomes(a, "HVA-040") == {"hv1": "pass"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {"hv1": SIG_ON}


# --- R29B-2: a Type #1 entry that boots a unified kernel image (`uki`, `efi`) ----------------


@pytest.mark.parametrize(
    ("key", "what"),
    [
        ("uki /EFI/acme/acme-6.1.efi", "the unified kernel image /EFI/acme/acme-6.1.efi"),
        (
            "uki-url http://boot.example/acme.efi",
            "the unified kernel image http://boot.example/acme.efi",
        ),
        ("efi\t/EFI/Linux/acme.efi", "the EFI program /EFI/Linux/acme.efi"),
    ],
    ids=["uki", "uki-url", "efi-tab"],
)
def test_r29b_2_entry_booting_an_image_is_asked(host_scan, key: str, what: str) -> None:
    """R29B-2 (false pass) HVA-181 (and every check reading the next boot's line): a Boot Loader
    Specification entry with `uki`, `uki-url` or `efi` (systemd src/boot/boot.c
    boot_entry_add_type1: LOADER_UKI, LOADER_UKI_URL, LOADER_EFI) hands its `options` to the
    image as load options, which the image's stub ignores under Secure Boot where it has a
    .cmdline section (stub.c use_load_options). hvaudit read the entry's `options quiet` as
    the next boot's line and passed "none unmitigated", whatever the image's own line says."""
    path = "/efi/loader/entries/acme.conf"
    a = host_scan(
        {
            "boot-cmdline": _boot((path, f"title Acme\n{key}\noptions quiet"), grub=False),
            "boot-uki": ("", 1, NOT_THERE.format("/efi/EFI/Linux")),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the command line embedded in {what} of {path} is not read: "
        "whether the next boot's line turns mitigations off is not known"
    }


def test_r29b_2_entry_booting_an_image_keeps_no_live_word(host_scan) -> None:
    """R29B-2 (false pass) HVA-040: the entry's `options module.sig_enforce=1` was taken as the
    next boot's line where the entry boots a unified kernel image (`uki`), whose own .cmdline
    replaces it under Secure Boot (stub.c use_load_options)."""
    path = "/efi/loader/entries/acme.conf"
    boot = _boot((path, "uki /EFI/acme/acme.efi\noptions quiet module.sig_enforce=1"), grub=False)
    a = host_scan(_sig("module.sig_enforce=1", boot))
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": f"{SIG_ON}; but the running kernel has it from module.sig_enforce=1, not known to "
        f"be in the unified kernel image /EFI/acme/acme.efi of {path} (its .cmdline section, "
        "not the entry's options, is the line under Secure Boot): unsigned modules may be "
        "loaded after the next boot unless the kernel enforces it by itself"
    }


def test_r29b_2_linux_entry_keeps_the_pass(host_scan) -> None:
    """R29B-2 held: an entry booting a `linux` kernel is read by its `options`."""
    path = "/efi/loader/entries/debian.conf"
    a = host_scan(
        {
            "boot-cmdline": _boot(
                (path, "title Debian\nlinux /vmlinuz-6.1.0-28-amd64\noptions quiet"), grub=False
            ),
            "boot-uki": ("", 1, NOT_THERE.format("/efi/EFI/Linux")),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


# --- R29B-3: the image question leaves the add-ons out ---------------------------------------


def test_r29b_3_uki_question_names_the_addons(host_scan) -> None:
    """R29B-3 (wording) HVA-181: R28B-3's question for a unified kernel image asked for "each
    image's .cmdline section" only; systemd-stub appends the .cmdline of the image's add-ons
    (systemd-stub(7): ESP/.../foo.efi.extra.d/*.addon.efi, ESP/loader/addons/*.addon.efi;
    stub.c cmdline_append_and_measure_addons), so an attestation of the image's own section
    passed an add-on's mitigations=off."""
    a = host_scan({"boot-uki": (f"{UKI}\n", 0)})
    q = _question(a, "HVA-181")
    assert (
        "each image's .cmdline section (`objcopy -O binary --only-section=.cmdline IMAGE "
        "/dev/stdout`) and that of its add-ons, which systemd-stub appends "
        "(IMAGE.extra.d/*.addon.efi and loader/addons/*.addon.efi on the EFI system partition)"
    ) in q, q
    assert "with its add-ons' words, has no such parameter" in q, q


# --- R29B-4: a quoted "--" ends the kernel's parameters too -----------------------------------

ENTRY = "/efi/loader/entries/a.conf"


def test_r29b_4_quoted_end_of_params_drops_the_kept_word(host_scan) -> None:
    """R29B-4 (false pass) HVA-040: Linux's next_arg (lib/cmdline.c, read with `find_string`)
    skips a word's opening quote and cuts its closing one (`if (quoted && i > 0 && args[i-1]
    == '"') args[i-1] = '\\0';`), so `"--"` reaches parse_args as `--` and ends the kernel's
    parameters ("Stop at --"); the words after it go to init. hvaudit turned `"--"` into `__`
    (a name with dashes read as underscores) and read on: the next boot's `"--"
    module.sig_enforce=1` kept the running line's word, and HVA-040 passed."""
    boot = _boot((ENTRY, 'options quiet "--" module.sig_enforce=1'), grub=False)
    a = host_scan(_sig("module.sig_enforce=1", boot))
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": f"{SIG_ON}; but the running kernel has it from module.sig_enforce=1, not in "
        f"{ENTRY}: unsigned modules can be loaded after the next boot unless the kernel "
        "enforces it by itself"
    }


@pytest.mark.parametrize(
    "over",
    [
        {"/proc/cmdline": LIVE.format('"--" audit=0')},
        {"boot-cmdline": _boot((ENTRY, 'options quiet "--" audit=0'), grub=False)},
    ],
    ids=["running", "next-boot"],
)
def test_r29b_4_audit_off_after_a_quoted_end_is_for_init(host_scan, over: dict) -> None:
    """R29B-4 (wrong fail) HVA-214: `audit=0` after a quoted `"--"` is an argument of init, not
    of the kernel (parse_args stops at the `--` next_arg hands it): kernel auditing stays on,
    where hvaudit failed "the kernel booted with audit=0" (or the next boot's)."""
    a = host_scan(over)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": "audit rules watch /etc/libvirt and /etc/polkit-1"}


def test_r29b_4_quoted_word_before_the_end_still_counts(host_scan) -> None:
    """R29B-4 held: a quoted `"audit=0"` before the end is the kernel's (next_arg drops its
    quotes), and still fails."""
    a = host_scan({"/proc/cmdline": LIVE.format('"audit=0" "--"')})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")


# --- R29B-5: HVA-091, isolcpus= words the kernel does not keep ---------------------------------


@pytest.mark.parametrize(
    ("words", "seen"),
    [
        # the words after `--` are init's (kernel/params.c parse_args "Stop at --")
        ('"--" isolcpus=2-3', "isolcpus on its kernel command line covers none of them"),
        ("-- isolcpus=2-3", "isolcpus on its kernel command line covers none of them"),
        # a later isolcpus= unequal to the first is refused by housekeeping_setup
        (
            "isolcpus=4-7 isolcpus=2-3",
            "its kernel command line names different CPU lists (isolcpus=4-7 isolcpus=2-3): "
            "which of them the kernel keeps depends on its version",
        ),
        # so is an isolcpus= after a nohz_full= of another list (one housekeeping mask before
        # the per-type split)
        (
            "nohz_full=2-7 isolcpus=2-3",
            "its kernel command line names different CPU lists (nohz_full=2-7 isolcpus=2-3): "
            "which of them the kernel keeps depends on its version",
        ),
    ],
    ids=["quoted-end", "end", "two-isolcpus", "nohz-full-first"],
)
def test_r29b_5_isolcpus_the_kernel_may_not_keep_is_asked(host_scan, words: str, seen: str) -> None:
    """R29B-5 (false pass) HVA-091: real-time vCPUs pinned to host CPUs 2-3 passed "isolated
    from the host's scheduler (isolcpus)" on an isolcpus=2-3 the kernel does not keep: one
    after `--` (init's argument; _isolated read every word of /proc/cmdline), or one after
    another isolcpus= or nohz_full= naming a different list, which kernel/sched/isolation.c
    housekeeping_setup refuses ("Housekeeping: nohz_full= must match isolcpus=", the first
    stands), where hvaudit took the last (the old isolated_cpu_setup's reading, each word
    replacing cpu_isolated_map)."""
    a = host_scan({"/proc/cmdline": LIVE.format(words)}, domains=[_rt("rtiso")])
    assert verdict(a, "HVA-091", "rtiso") == ("manual", f"{PINNED}; {seen}")


@pytest.mark.parametrize(
    "words", ["isolcpus=2-3 isolcpus=2-3", "nohz_full=2-3 isolcpus=managed_irq,domain,2-3"]
)
def test_r29b_5_agreeing_housekeeping_words_pass(host_scan, words: str) -> None:
    """R29B-5 held: words naming the same list (tuned's cpu-partitioning writes nohz_full= and
    isolcpus= of one list) keep the pass."""
    a = host_scan({"/proc/cmdline": LIVE.format(words)}, domains=[_rt("rtiso")])
    assert verdict(a, "HVA-091", "rtiso") == (
        "pass",
        f"{PINNED}, isolated from the host's scheduler (isolcpus)",
    )


# --- R29B-6: HVA-049 on s390x, SIE for the guest (vSIE) --------------------------------------

KVM_NESTED = "/sys/module/kvm/parameters/nested"


def _s390_domain(name: str, cpu: str) -> str:
    return (
        f"<domain type='kvm'><name>{name}</name>"
        f"<uuid>6a2f1c2e-0000-4000-8000-{abs(hash(name)) % 10**12:012d}</uuid>"
        "<memory unit='MiB'>512</memory><vcpu>1</vcpu>"
        "<os><type arch='s390x' machine='s390-ccw-virtio-8.2'>hvm</type></os>"
        f"{cpu}</domain>"
    )


S390_VMS = {
    "nocpu": _s390_domain("nocpu", ""),
    "hostmodel": _s390_domain("hostmodel", "<cpu mode='host-model'/>"),
    "z14": _s390_domain("z14", "<cpu mode='custom'><model>z14</model></cpu>"),
    "nosie": _s390_domain(
        "nosie", "<cpu mode='host-model'><feature policy='disable' name='sief2'/></cpu>"
    ),
}
NOCPU = (
    "CPU mode default (no <cpu>: QEMU gives the host model under KVM) carries sief2 (SIE for "
    "the guest) whenever the host's kvm module nests"
)
HOSTMODEL = (
    "CPU mode host-model carries sief2 (SIE for the guest) whenever the host's kvm module nests"
)
Z14 = "CPU model z14 may carry sief2 (SIE for the guest)"


@pytest.fixture(scope="module", params=["1\n", "0\n", None], ids=["nested", "off", "unread"])
def s390_vms(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    host = {**HARDENED_HOST, **_s390(), KVM_NESTED: request.param}
    tmp = tmp_path_factory.mktemp("r29bs390")
    return request.param, run_assessment(_replayed_on(tmp, host, S390_VMS))


def test_r29b_6_s390x_guest_nesting(s390_vms) -> None:
    """R29B-6 (false pass) HVA-049: an s390x guest runs a hypervisor through SIE interpreted for
    it (vSIE), which KVM offers only with its `kvm` module's nested=1 (arch/s390/kvm/
    kvm-s390.c `static int nested;`, kvm_s390_cpu_feat_init allowing
    KVM_S390_VM_CPU_FEAT_SIEF2 only with it; vsie.c kvm_s390_handle_vsie) to a guest whose CPU
    model carries sief2. The x86 reading passed a VM with no <cpu> "without vmx/svm", though
    QEMU gives it the host model under KVM (target/s390x/kvm kvm_arch_init: default_cpu_type
    "host"), and asked for kvm_intel's or kvm_amd's `nested`, which an s390x host has not
    (the kvm module's own was not collected). Now the kvm module's nested decides: 1 fails the
    host CPU modes, 0 passes them (its next load read as for x86), unread asks for it."""
    nested, a = s390_vms
    got = {vm: verdict(a, "HVA-049", vm) for vm in S390_VMS}
    nosie = ("pass", "sief2 policy='disable': the guest gets no SIE")
    if nested == "1\n":
        on = "and the host's kvm module has nested=1"
        assert got == {
            "nocpu": ("fail", f"{NOCPU}, {on}"),
            "hostmodel": ("fail", f"{HOSTMODEL}, {on}"),
            "z14": ("manual", f"{Z14}, {on}"),
            "nosie": nosie,
        }
    elif nested == "0\n":
        off = "but the host's kvm module has nested=0"
        assert got == {
            "nocpu": ("pass", f"{NOCPU}, {off}"),
            "hostmodel": ("pass", f"{HOSTMODEL}, {off}"),
            "z14": ("pass", f"{Z14}, {off}"),
            "nosie": nosie,
        }
    else:
        unknown = (
            "and whether it nests is not known (no kvm `nested` parameter: the kvm module is "
            "not loaded)"
        )
        assert got == {
            "nocpu": ("manual", f"{NOCPU}, {unknown}"),
            "hostmodel": ("manual", f"{HOSTMODEL}, {unknown}"),
            "z14": ("manual", f"{Z14}, {unknown}"),
            "nosie": nosie,
        }
        q = next(
            str(r.outcome.question)
            for r in a.results
            if r.check.id == "HVA-049" and r.outcome.subject.name == "nocpu"
        )
        assert q.startswith(
            "Does VM nocpu run without SIE for itself (no nested virtualization) on s390x host "
            "hv1? Evidence: /sys/module/kvm/parameters/nested on hv1"
        ), q
