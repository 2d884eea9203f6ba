"""The next boot's kernel command line against the running one (R21B-1).

/proc/cmdline is the running boot's; GRUB's defaults, /etc/kernel/cmdline and the Boot Loader
Specification entries (hvaudit.parse.host._boot_cmdline) are what the next boot is made from.
A check that judged a kernel parameter on the live line asks here whether the next boot adds a
word that weakens it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from hvaudit.checks._libvirt import (
    audit_number_note,
    audit_off_word,
    audit_reads_number,
    kernel_params,
    kernel_ulong,
)
from hvaudit.checks.base import Outcome, Status, failed, joint_question, manual
from hvaudit.model import FactState, Host, Source
from hvaudit.parse.host import kernel_bool


@dataclass(frozen=True)
class NextBoot:
    """The weakening words the next boot's command-line sources add, and whether every source
    adds one (then the next boot has it whichever source the boot loader takes)."""

    found: tuple[tuple[str, str], ...]
    """(source, word) for each source that adds a weakening word."""
    others: tuple[str, ...]
    """The sources without one, each with why where it could not be read ("FILE (WHY)")."""
    sources: tuple[Source, ...]
    unread: str = ""
    """Why GRUB's defaults, the next boot's only source (R23K-1) or one beside others (R41B-2),
    could not be read ("FILE sets VAR as `LINE`"), or a source's GRUB variables hvaudit could
    not read (R42B-1: "SOURCE takes GRUB's variables in `ARGS`"), where no source adds a
    weakening word: the words they add are unknown."""
    variables: bool = False
    """`unread` names GRUB variables hvaudit could not read (R42B-1), whose values at boot
    answer the question too."""
    partial: bool = False
    """A source that adds one has words hvaudit did not read after it (R26B-1: a later word
    of them may replace it), so the next boot's line is not settled."""
    uncollected: tuple[str, ...] = ()
    """Where no source adds one: the places of the next boot's line a bundle of an older
    hvaudit did not collect (R27B-2), whose words are not known."""
    partial_why: tuple[str, ...] = ()
    """Where `partial`, which words hvaudit did not read ("the words of $tuned_params are not
    read"), for the question where every source adds one."""
    embedded: tuple[str, ...] = ()
    """Where no source adds one: the unified kernel images whose embedded .cmdline is not
    read (R28B-3), whose words are not known."""
    undone: tuple[str, ...] = ()
    """The `mitigations=off` words a later mitigations= mode word follows (R27B-1): the kernel
    that boots decides whether they turn mitigations off (Linux 6.17 and later) or not."""
    bootconfig: tuple[str, ...] = ()
    """Where no source adds one: the sources whose line has `bootconfig` (R30B-2), to which the
    kernel adds the kernel.* keys of the boot configuration appended to the initrd, not read."""
    failed: str = ""
    """Why the next boot's command line could not be read at all (the boot-cmdline probe failed
    or was not collected: "the next boot's kernel command line could not be read (WHY)"), where
    the caller asks (round 52's team decision, R52B-1): no source is known, so none is shown to
    leave the weakening words out."""

    @property
    def settled(self) -> bool:
        return bool(self.found) and not self.others and not self.partial

    def text(self) -> str:
        return "; ".join(dict.fromkeys(f"{w} in {src}" for src, w in self.found))

    def says(self, does: str) -> str:
        """What the next boot's line does, for a message ("WORD in FILE turns ... off at the
        next boot if the boot loader takes it"), or that it is not known."""
        if self.failed:
            return f"{self.failed}: whether the next boot's line {does} is not known"
        if not self.found and (self.embedded or self.bootconfig):
            unread = []
            if self.embedded:
                unread.append(f"the command line embedded in {' and '.join(self.embedded)}")
            if self.bootconfig:
                unread.append(
                    "the initrd's boot configuration that `bootconfig` in "
                    f"{' and '.join(self.bootconfig)} adds"
                )
            return (
                f"{' and '.join(unread)} {'are' if len(unread) > 1 else 'is'} not read: "
                f"whether the next boot's line {does} is not known"
            )
        if not self.found and self.uncollected:
            return (
                f"{' and '.join(self.uncollected)} were not collected (a bundle of an older "
                f"hvaudit): whether the next boot's line {does} is not known"
            )
        if not self.found:
            return (
                f"{self.unread}, which hvaudit cannot evaluate: whether the next boot's line "
                f"{does} is not known"
            )
        kernel = (
            " (and, where a later mitigations= word follows it, boots Linux 6.17 or later)"
            if self.undone
            else ""
        )
        return f"{self.text()} {does} at the next boot if the boot loader takes it{kernel}"

    def question(self, host: str, fail: str, does: str = "") -> str:
        if self.failed:
            return (
                f"Does the next boot of host {host} leave out every kernel parameter that "
                f"{does}, although {self.failed}? "
                "Evidence: the `linux` line of the default entry in /boot/grub/grub.cfg "
                "(`grub-mkconfig -o /dev/stdout`) with `grub-editenv list`, /etc/kernel/cmdline, "
                "and the `options` lines of the boot loader's entries (`bootctl list`), "
                "whichever the host boots by. Pass: yes, the line the next boot takes has none of "
                f"them; fail: {fail}."
            )
        if not self.found and self.embedded and self.bootconfig:
            return joint_question(
                [
                    dataclasses.replace(self, bootconfig=()).question(host, fail, does),
                    dataclasses.replace(self, embedded=()).question(host, fail, does),
                ]
            )
        if not self.found and self.bootconfig:
            return (
                f"Does the next boot of host {host} leave out every kernel parameter that "
                f"{does}, although `bootconfig` in {' and '.join(self.bootconfig)} makes the "
                "kernel add the kernel.* keys of the boot configuration appended to its initrd, "
                "which hvaudit does not read? Evidence: `bootconfig -l` on the initrd each "
                "entry loads (lists its keys; no boot configuration there: none added). Pass: "
                "yes, no kernel.* key is such a parameter (or only one the kernel parses early, "
                "marked EARLY in kernel-parameters.txt, which it does not take from there); "
                f"fail: {fail}."
            )
        if not self.found and self.embedded:
            return (
                f"Does the next boot of host {host} leave out every kernel parameter that "
                f"{does}, although hvaudit did not read the command line embedded in "
                f"{' and '.join(self.embedded)}? Evidence: `bootctl list` (which entry boots "
                "next), each image's .cmdline section (`objcopy -O binary --only-section="
                ".cmdline IMAGE /dev/stdout`) and that of its add-ons, which systemd-stub "
                "appends (IMAGE.extra.d/*.addon.efi and loader/addons/*.addon.efi on the EFI "
                "system partition). Pass: yes, the line of every image the boot loader may "
                f"take, with its add-ons' words, has no such parameter; fail: {fail}."
            )
        if not self.found and self.uncollected:
            return (
                f"Does the next boot of host {host} leave out every kernel parameter that "
                f"{does}, although hvaudit did not collect {' and '.join(self.uncollected)} "
                "(a bundle of an older hvaudit)? Evidence: the `options` lines of the boot "
                "loader's entries (`bootctl list`), GRUB's environment block (`grub2-editenv "
                "list`), or a bundle collected again with the current hvaudit. Pass: yes, "
                f"none of them has such a parameter; fail: {fail}."
            )
        if not self.found:
            vals = (
                ", with the values GRUB gives its variables at boot (`grub-editenv list`, the "
                "`set` lines of grub.cfg and custom.cfg)"
                if self.variables
                else ""
            )
            return (
                f"Does the next boot of host {host} leave out every kernel parameter that "
                f"{does}, although hvaudit could not evaluate GRUB's line ({self.unread})? "
                "Evidence: the `linux` line of the default entry `update-grub` (`grub-mkconfig "
                f"-o /dev/stdout`) writes to /boot/grub/grub.cfg{vals}. Pass: yes, that line "
                f"has none of them; fail: {fail}."
            )
        only_undone = all(" before mitigations=" in w for _, w in self.found)
        if self.undone and only_undone and not self.others and not self.partial_why:
            return (
                f"Does the next boot of host {host} keep its CPU mitigations, although "
                f"{self.text()}? From Linux 6.17 on a later mitigations= "
                "word sets the mode back but not the attack vectors mitigations=off cleared "
                "(kernel/cpu.c mitigations_parse_cmdline), so the kernel that boots decides. "
                "Evidence: the boot loader's default entry (`bootctl status`, `grubby "
                "--default-kernel`, the `linux` line of /boot/grub/grub.cfg) and the "
                "/boot/config-RELEASE of the kernel it boots. Pass: yes, that kernel has no "
                "CONFIG_ARCH_HAS_CPU_ATTACK_VECTORS=y (it predates the attack-vector controls, "
                "and the later word replaces mitigations=off whole), or the entry it boots has "
                f"no mitigations=off; fail: {fail}."
            )
        where = ", ".join(dict.fromkeys(src for src, _ in self.found))
        # every source adds one, but words not read follow one of them (R26B-1), or a later
        # word takes one back only on some kernels (R27B-1)
        besides = (
            f"but not in {', '.join(self.others)}"
            if self.others
            else "; ".join((*self.partial_why, *self.undone))
        )
        return (
            f"Which kernel command line does host {host} boot with next? {self.text()}, "
            f"{besides}. Evidence: the boot loader in use (`bootctl "
            "status`, `proxmox-boot-tool status`, `efibootmgr -v`) and the `linux` line of its "
            f"default entry (/boot/grub/grub.cfg after `update-grub`, or the ESP's loader "
            f"entries after `proxmox-boot-tool refresh`). Pass: it takes none of {where}'s "
            f"words; fail: {fail}."
        )


#: Parameters whose handler assigns one mode per word, so the last word of the name that sets
#: one is the mode the kernel keeps (R22K-1, R23B-1), with the values that set it (a value the
#: handler does not know sets nothing: the earlier word stands). kernel/cpu.c
#: mitigations_parse_cmdline (`cpu_mitigations = CPU_MITIGATIONS_OFF` / `_AUTO` / `_AUTO_NOSMT`,
#: else pr_crit "Unsupported mitigations=%s, system may still be vulnerable"); arch/x86/kernel/
#: cpu/bugs.c mds_cmdline, tsx_async_abort_parse_cmdline and mmio_stale_data_parse_cmdline
#: (`!strcmp(str, "off")` / "full" / "full,nosmt" each assign the one *_mitigation), l1tf_cmdline
#: (off, flush,nowarn, flush, flush,nosmt, full, full,force) and retbleed_parse_cmdline (a comma
#: list whose off/auto/unret/ibpb/stuff each assign retbleed_cmd, later retbleed_mitigation, and
#: whose nosmt sets only retbleed_nosmt); all early_params, called by kernel/params.c parse_args
#: for each word in order (read with `find_string`). kvm.nx_huge_pages: arch/x86/kvm/mmu/mmu.c
#: set_nx_huge_pages takes off, force, auto, never or a kstrtobool, else -EINVAL (no change).
#: spectre_v2_user_parse_cmdline, ssb_parse_cmdline, gds_parse_cmdline and rfds_parse_cmdline
#: (bugs.c early_params since the 6.16 rework) assign one mode per known value by strcmp and
#: ignore the rest ("Ignoring unknown spectre_v2_user option"); before it, spectre_v2_user= and
#: spec_store_bypass_disable= were read with arch/x86/lib/cmdline.c cmdline_find_option, which
#: "if this option is repeated, ... returns the last instance on the command line" (an unknown
#: last value switched to auto there; here it replaces nothing). srbds_parse_cmdline's
#: `srbds_off = !strcmp(str, "off")` makes every srbds= word set the mode (_mode; R23K-3; all
#: read with `find_string` and `read_file`). R33B-1: spectre_v2=, spectre_bhi=,
#: spec_rstack_overflow=, indirect_target_selection=, tsa=, vmscape= (bugs.c
#: spectre_v2_parse_cmdline, spectre_bhi_parse_cmdline, srso_parse_cmdline, its_parse_cmdline,
#: tsa_parse_cmdline, vmscape_parse_cmdline: early_params whose known values each assign the one
#: mode by strcmp, "Ignoring unknown ... option" else; before the 6.16 rework spectre_v2= was
#: read with cmdline_find_option, the last instance, an unknown value "Switching to AUTO
#: select"), pti= (arch/x86/mm/pti.c pti_check_boottime_disable: cmdline_find_option's last
#: instance, off/on/auto; pti_parse_cmdline, its early_param, the same three) and
#: kvm_intel.vmentry_l1d_flush= (arch/x86/kvm/vmx/vmx.c vmentry_l1d_flush_set, a module
#: parameter parse_args sets for each word in turn; vmentry_l1d_flush_parse takes auto, never,
#: cond, always by sysfs_streq, -EINVAL else: no change). Only the values every version knows
#: count as replacing (spectre_bhi's auto and vmexit, its's vmexit and stuff, vmscape's auto
#: came and went; spectre_v2's on, off and auto alone: s390's arch/s390/kernel/nospec-branch.c
#: spectre_v2_setup_early knows no other, so `spectre_v2=off spectre_v2=retpoline` is off
#: there, R33B-3). Not `nopti`, which pti= overrides on some versions only (kept: read as off).
#: R33B-2: intel_iommu='s on and off (drivers/iommu/intel/iommu.c intel_iommu_setup, a __setup
#: handler parse_args calls for each word in turn: each comma option by strncmp prefix, "on"
#: `dmar_disabled = 0`, "off" `dmar_disabled = 1`), the last of them in the last word that has
#: one (_mode); its other options add up, and none of them is judged. R33B-4: arm64's kpti=
#: (arch/arm64/kernel/cpufeature.c parse_kpti, an early_param: a kstrtobool, `__kpti_forced =
#: enabled ? 1 : -1`, an error else: no change) and ssbd= (proton-pack.c, earlier
#: cpu_errata.c, ssbd_cfg, an early_param: force-on, force-off, kernel by strncmp of the
#: option's length, -EINVAL else). Not `audit=`:
#: audit_enable's `audit_initialized = AUDIT_DISABLED` is not undone by a later `audit=1`; not
#: pcie_acs_override=, whose comma options add up, nor iommu= and amd_iommu=, whose "off" no
#: option undoes (arch/x86/kernel/pci-dma.c iommu_setup `no_iommu = 1`, drivers/iommu/amd/
#: init.c parse_amd_iommu_options `amd_iommu_disabled = true`). R34B-1: apparmor= and selinux=
#: (security/apparmor/lsm.c apparmor_enabled_setup, security/selinux/hooks.c
#: selinux_enabled_setup: __setup handlers parse_args calls for each word in turn, each
#: `kstrtoul(str, 0, &enabled)` setting the one flag where it parses; _libvirt.kernel_ulong):
#: `apparmor=0 apparmor=1` starts AppArmor; apparmor.enabled= sets the same flag, and a later
#: word of either name replaces an earlier one (R36B-6, _SAME_FLAG). R35B-3: ia32_emulation= (arch/x86/entry/common.c ia32_emulation_override_cmdline,
#: an early_param from Linux 6.7 on: `kstrtobool(arg, &__ia32_enabled)` for each word in
#: turn, a value it refuses leaving the flag): its kstrtobool as on or off. R36B-3: lsm= and
#: security= (security/security.c choose_lsm_order `chosen_lsm_order = str` and
#: choose_major_lsm `chosen_major_lsm = str`, before Linux 5.1 choose_lsm's strncpy into
#: chosen_lsm: __setup handlers that store any value for each word in turn, so the last word of
#: the name stands; read with `find_string`).
_LAST_WINS: dict[str, frozenset[str]] = {
    "mitigations": frozenset({"off", "auto", "auto,nosmt"}),
    "mds": frozenset({"off", "full", "full,nosmt"}),
    "tsx_async_abort": frozenset({"off", "full", "full,nosmt"}),
    "mmio_stale_data": frozenset({"off", "full", "full,nosmt"}),
    "l1tf": frozenset({"off", "flush,nowarn", "flush", "flush,nosmt", "full", "full,force"}),
    "retbleed": frozenset({"off", "auto", "unret", "ibpb", "stuff"}),
    "kvm.nx_huge_pages": frozenset({"off", "force", "auto", "never"}),
    "spectre_v2_user": frozenset(
        {"auto", "off", "on", "prctl", "prctl,ibpb", "seccomp", "seccomp,ibpb"}
    ),
    "spec_store_bypass_disable": frozenset({"auto", "on", "off", "prctl", "seccomp"}),
    "gather_data_sampling": frozenset({"off", "force"}),
    "reg_file_data_sampling": frozenset({"off", "on"}),
    "srbds": frozenset({"off"}),
    "spectre_v2": frozenset({"off", "on", "auto"}),
    "pti": frozenset({"off", "on", "auto"}),
    "kvm_intel.vmentry_l1d_flush": frozenset({"auto", "never", "cond", "always"}),
    "spectre_bhi": frozenset({"off", "on"}),
    "spec_rstack_overflow": frozenset({"off", "microcode", "safe-ret", "ibpb", "ibpb-vmexit"}),
    "indirect_target_selection": frozenset({"off", "on", "force"}),
    "tsa": frozenset({"off", "on", "user", "vm"}),
    "vmscape": frozenset({"off", "ibpb", "force"}),
    "intel_iommu": frozenset({"on", "off"}),
    "kpti": frozenset({"on", "off"}),
    "ssbd": frozenset({"force-on", "force-off", "kernel"}),
    "apparmor": frozenset({"on", "off"}),
    "selinux": frozenset({"on", "off"}),
    "ia32_emulation": frozenset({"on", "off"}),
    "lsm": frozenset(),
    "security": frozenset(),
    "apparmor.enabled": frozenset({"on", "off"}),
}

#: Parameters of another name that set the same flag, so a later word of either replaces an
#: earlier one (R36B-6): security/apparmor/lsm.c's apparmor= (apparmor_enabled_setup, a __setup
#: handler: `apparmor_enabled = enabled ? 1 : 0`) and apparmor.enabled= (`module_param_named(
#: enabled, apparmor_enabled, aaintbool, 0444)`, param_set_aaintbool through param_set_bool
#: before AppArmor is initialized) both write apparmor_enabled, and kernel/params.c parse_args
#: hands the line's words to the built-in parameters and the __setup handlers in order (read
#: with `find_string`): `apparmor=0 apparmor.enabled=1` starts AppArmor.
_SAME_FLAG = {"apparmor.enabled": "apparmor"}

#: Parameters whose `,nosmt` sets a flag no later word clears (bugs.c `mds_nosmt = true`,
#: taa_nosmt, mmio_nosmt, retbleed_nosmt): it disables SMT unless the mode the kernel keeps is
#: off (R23B-1).
_NOSMT_STICKS = frozenset({"mds", "tsx_async_abort", "mmio_stale_data", "retbleed"})


#: mitigations='s attack-vector options that turn off the mitigations a hypervisor needs against
#: its guests (Linux 6.17 kernel/cpu.c vector_mitigations; Documentation/admin-guide/hw-vuln/
#: attack_vector_controls.rst: "'no_guest_host' Disables guest-to-host mitigations.",
#: "'no_guest_guest' Disables guest-to-guest mitigations"; read with `find_string`, R25B-2).
GUEST_VECTORS_OFF = frozenset({"no_guest_host", "no_guest_guest"})

#: The attack-vector options mitigations_parse_cmdline knows (kernel/cpu.c vector_mitigations).
_VECTORS = frozenset({"no_user_kernel", "no_user_user", *GUEST_VECTORS_OFF, "no_cross_thread"})


def mitigations_word(value: str) -> tuple[str | None, tuple[str, ...]]:
    """The global mode and the attack-vector options a `mitigations=VALUE` word sets, as Linux
    6.17's kernel/cpu.c mitigations_parse_cmdline reads it (R25B-2): mitigations_parse_global_opt
    takes the first of "auto,nosmt", "auto", "off" VALUE starts with (`strncmp`, case-sensitive),
    then after a "," each option in order (`strsep(&p, ",")`, `match_token`) until one it does
    not know (`pr_crit("Unsupported mitigations options %s\n", s); return 0;`: those before it
    stay applied). Before 6.17 only an exact off, auto or auto,nosmt set a mode and no option
    existed; an option word sets nothing there."""
    mode = next((m for m in ("auto,nosmt", "auto", "off") if value.startswith(m)), None)
    rest = value[len(mode) :] if mode else value
    if not rest.startswith(","):
        return mode, ()
    opts: list[str] = []
    for opt in rest[1:].split(","):
        if opt not in _VECTORS:
            break
        opts.append(opt)
    return mode, tuple(opts)


def _mode(name: str, value: str) -> str | None:
    """The mode a word of a _LAST_WINS parameter sets, None where it sets none: retbleed's last
    mode option of its comma list; kvm.nx_huge_pages's named mode or a kstrtobool (lib/kstrtox.c:
    y, Y, 1, n, N, 0, on, off in any case) as off or force; srbds's any value; intel_iommu's
    last comma option starting with on or off (R33B-2); kpti's kstrtobool as on or off
    (R33B-4); apparmor='s and selinux='s kstrtoul as on or off (R34B-1)."""
    modes = _LAST_WINS[name]
    if name in ("srbds", "lsm", "security"):
        # srbds_off = !strcmp(str, "off"); lsm= and security= store the value (R36B-3): any
        # value sets it
        return value
    if name == "retbleed":
        return next((o for o in reversed(value.split(",")) if o in modes), None)
    if name == "intel_iommu":
        # intel_iommu_setup tests "on" before "off", each a strncmp prefix (R33B-2)
        for o in reversed(value.split(",")):
            if o.startswith(("on", "off")):
                return "on" if o.startswith("on") else "off"
        return None
    if name in ("apparmor", "selinux"):
        # R34B-1: a kstrtoul the handler takes sets the flag, one it refuses nothing
        n = kernel_ulong(value)
        return None if n is None else "on" if n else "off"
    if name == "apparmor.enabled":
        # R36B-6: param_set_bool's kstrtobool
        b = kernel_bool(value)
        return None if b is None else "on" if b else "off"
    if name == "ia32_emulation":
        # R35B-3: only kernels of 6.7 on know the word, and their kstrtobool reads t and f
        b = kernel_bool(value)
        return None if b is None else "on" if b else "off"
    if name == "kpti":
        # R33B-4: the kstrtobool values every version reads (lib/kstrtox.c, strtobool before)
        if value[:1] in ("y", "Y", "1") or value[:2].lower() == "on":
            return "on"
        if value[:1] in ("n", "N", "0") or value[:2].lower() == "of":
            return "off"
        return None
    if name == "kvm.nx_huge_pages" and value not in modes:
        if value[:1] in ("y", "Y", "1") or value[:2].lower() == "on":
            return "force"
        if value[:1] in ("n", "N", "0") or value[:2].lower() == "of":
            return "off"
        return None
    return value if value in modes else None


def mode_of(word: str) -> str | None:
    """The mode a word of a _LAST_WINS parameter sets (_mode: retbleed's last mode option of its
    comma list, so `retbleed=off,nosmt` sets off, R30B-1), None for any other word or a value
    that sets none."""
    name, eq, value = word.partition("=")
    return _mode(name, value) if eq and name in _LAST_WINS else None


def _name(word: str) -> str:
    """A command-line word's parameter name (the word itself for a flag), a flag that sets
    another parameter's state under that parameter's (_FLAG_OF: `nopti` is pti's)."""
    name = word.partition("=")[0]
    return _FLAG_OF.get(name, name)


#: Flags that set the state of another parameter, which a word of that parameter may undo on
#: some kernel (R34B-5): `nopti` (arch/x86/mm/pti.c). Before the early_param rework
#: pti_check_boottime_disable read `pti=` first with cmdline_find_option (the last instance,
#: off/on/auto each deciding) and `nopti` only after it (cmdline_find_option_bool): a pti= of
#: those values wins whatever the order; pti_parse_cmdline_nopti, an early_param, sets
#: `pti_mode = PTI_FORCE_OFF` in its turn (a reviewed version only where no pti= is on the line:
#: `cmdline_find_option(boot_command_line, "pti", NULL, 0) == -1`). So `nopti` before a
#: `pti=on` or `pti=auto` is replaced on every version (kept), and a `nopti` beside any pti=
#: word is not surely in force (surely_kept; all read with `find_string`). Not nospectre_v2
#: nor nospec_store_bypass_disable: spectre_v2_parse_cmdline returns early `if (nospectre_v2)`,
#: as the old one did on cmdline_find_option_bool, so no later word undoes them. R36B-3:
#: `security=`, which an `lsm=` word anywhere on the line supersedes from Linux 5.1 on
#: (security/security.c ordered_lsm_init, later lsm_init_ordered: `pr_warn("security=%s is
#: ignored because it is superseded by lsm=%s\n", ...)` and `chosen_major_lsm = NULL`; read
#: with `find_string`), so beside one it is not surely in force: a running `lsm=...,apparmor
#: security=selinux` starts AppArmor, the next boot's lone `security=selinux` does not. An
#: earlier kernel knows no lsm=, so kept does not drop a security= for it (a conservative
#: reading).
_FLAG_OF = {"nopti": "pti", "security": "lsm", **_SAME_FLAG}

#: The values of a _FLAG_OF parameter that replace the flag before them on every kernel.
_FLAG_UNDONE_BY = {"nopti": frozenset({"pti=on", "pti=auto"})}


def _in_force(word: str, words: tuple[str, ...], live: tuple[str, ...], now: set[str]) -> bool:
    """Whether a next boot's word is one the running line put in force, so the live evidence
    judges it (next_boot_adds): a word no later one of its name may replace there (now,
    surely_kept), or a word whose parameter's words are the same on both lines (the same
    kernel reads them alike). A running `spectre_bhi=off spectre_bhi=vmexit` is mitigated on
    a kernel that knows vmexit; the next boot's lone `spectre_bhi=off` is not (R33B-3)."""
    if word in now:
        return True
    same = [w for w in words if _name(w) == _name(word)]
    return word in live and same == [w for w in live if _name(w) == _name(word)]


def surely_kept(words: tuple[str, ...]) -> tuple[int, ...]:
    """kept's words that no later word of their name may replace on some kernel (R33B-3):
    kept drops a word only where a later one sets a mode every version knows (and a
    parameter it does not list, none), so on the running line it leaves words a later one
    did replace on the kernel that runs (a value that version knows: spectre_bhi=vmexit from
    6.9 on; any value where the kernel read the last instance with cmdline_find_option,
    spectre_v2= and spectre_v2_user= before the 6.16 rework, "Switching to AUTO select" for an
    unknown one; arm64's kpti=, an early_param, cpufeature.c parse_kpti). Such a word is not
    shown to be in force, so the live evidence does not judge the next boot's lone copy."""
    names = [_name(w) for w in words]
    return tuple(
        i
        for i in kept(words)
        if names[i] not in names[i + 1 :]
        # R34B-5: a flag any word of its parameter may undo, whichever comes first
        and not (words[i].partition("=")[0] in _FLAG_OF and names.count(names[i]) > 1)
    )


def kept(words: tuple[str, ...], sticky: frozenset[str] = frozenset()) -> tuple[int, ...]:
    """The indexes of the kernel's words (kernel_params) that take effect: all but a word of a
    _LAST_WINS parameter that a later word of the same name replaces (R22K-1) by setting a mode
    (_mode), and a `nopti` a later pti=on or pti=auto replaces (R34B-5, _FLAG_OF). A `,nosmt`
    flag that sticks (_NOSMT_STICKS) stays unless the mode kept is off, and
    kvm.nx_huge_pages=never stays (set_nx_huge_pages: `nx_hugepage_mitigation_hard_disabled =
    true`, after which every write returns -EPERM). A `sticky` parameter's off stays whatever
    follows (the host's architecture reads it so: POWER_OFF_STICKS, R36B-4)."""
    out = []
    for i, w in enumerate(words):
        name, eq, value = w.partition("=")
        if w in _FLAG_UNDONE_BY:
            # R34B-5: `nopti` before a pti=on or pti=auto is replaced on every kernel
            if not _FLAG_UNDONE_BY[w] & set(words[i + 1 :]):
                out.append(i)
            continue
        if not eq or name not in _LAST_WINS:
            out.append(i)
            continue
        later = [
            m
            for n, _, v in (x.partition("=") for x in words[i + 1 :])
            if _SAME_FLAG.get(n, n) == _SAME_FLAG.get(name, name) and (m := _mode(n, v)) is not None
        ]
        sticks = name in _NOSMT_STICKS and "nosmt" in value.split(",")
        # R25B-2: mitigations_parse_cmdline only clears attack_vectors[]; no later word sets
        # one back, so a no_guest_host or no_guest_guest option stays whatever follows
        vectors = name == "mitigations" and bool(
            GUEST_VECTORS_OFF & set(mitigations_word(value)[1])
        )
        if (
            not later
            or vectors
            or (sticks and later[-1] != "off")
            or (name == "kvm.nx_huge_pages" and value == "never")
            or (name in sticky and value.startswith("off"))
        ):
            out.append(i)
    return tuple(out)


#: The GRUB defaults source's name (parse.host._grub_defaults: its files, joined).
GRUB = "/etc/default/grub"


def unread_grub(host: Host) -> str:
    """Why GRUB's defaults, the next boot's only source, could not be read ("FILE sets VAR as
    `LINE`"), "" where they were or another source is there (R23K-1): a command substitution,
    `+=` or another variable leaves the words the next boot gets unknown, a question (evidence
    not settled is never a pass). Beside another source, which of them the boot loader takes
    is not read, and today's verdict stands."""
    fact = host.facts.kernel_cmdline_next_boot
    srcs = fact.get() if fact.known else ()
    if len(srcs) == 1 and srcs[0].words is None and srcs[0].source.startswith(GRUB):
        return srcs[0].why
    return ""


def unread_grub_source(host: Host) -> tuple[str, ...]:
    """unread_grub's source as a place a live word is not seen in (R23K-4), () where none."""
    why = unread_grub(host)
    return (f"GRUB's line as hvaudit read it ({why}, not evaluated)",) if why else ()


#: Parameters whose off no later word sets back on a POWER kernel (R36B-4): arch/powerpc/
#: kernel/security.c handle_ssbd, the early_param of spec_store_bypass_disable= on Book3S
#: 64-bit, calls handle_no_stf_barrier (`no_stf_barrier = true`) for a value starting with off
#: (`strncmp(p, "off", 3) == 0`) and only returns for auto or on (read with `find_string`), so
#: `spec_store_bypass_disable=off spec_store_bypass_disable=on` leaves the barrier off there,
#: where x86's handler keeps the last word (_LAST_WINS).
POWER_OFF_STICKS = frozenset({"spec_store_bypass_disable"})


def next_boot_adds(
    host: Host,
    weak: Callable[[str], bool],
    *,
    sticky: frozenset[str] = frozenset(),
    unread_asks: bool = False,
) -> NextBoot | None:
    """The next boot's words for which `weak(word)` holds that the running command line does
    not have (a word the live line already has is judged on the live evidence); None where
    no source adds one, or the sources were not collected or read (today's verdict stands),
    except where GRUB's defaults, the only source, could not be read (NextBoot.unread, R23K-1),
    or a bundle of an older hvaudit did not collect a place the next boot may take its line
    from (NextBoot.uncollected, R27B-2: the probe ran, without it), or GRUB's defaults could
    not be read beside another source (R41B-2: the boot loader may take GRUB's line), or a
    source takes GRUB variables hvaudit could not read (R42B-1, BootCmdline.unsettled).
    A word a later one of its name replaces (kept) is neither the live line's nor the next
    boot's: a live `mitigations=off mitigations=auto` runs mitigated, so a next boot's lone
    `mitigations=off` adds it (R22K-1). With `unread_asks`, a next boot's line not read at all
    (the probe failed, e.g. grubenv refused to a non-root scan, or was not collected) is
    NextBoot.failed, not None (round 52's team decision, R52B-1: a pass on /proc/cmdline alone
    need not hold after the next boot); a host with no GRUB, whose probe read its other
    sources, keeps today's reading."""
    fact = host.facts.kernel_cmdline_next_boot
    if unread_asks and fact.state in (FactState.UNAVAILABLE, FactState.FAILED):
        why = fact.reason or "no reason recorded"
        if not why.startswith("the next boot's"):
            why = f"the next boot's kernel command line was not read ({why})"
        return NextBoot((), (), fact.sources, failed=why)
    if not fact.known:
        return None
    live = host.facts.kernel_cmdline
    live_words = kernel_params(live.get()) if live.known else ()
    # R33B-3: only a word no later one may replace is known to be in force now
    now = {live_words[i] for i in surely_kept(live_words)}
    found: list[tuple[str, str]] = []
    others: list[str] = []
    partial = False
    whys: list[str] = []
    undone: list[str] = []
    for src in fact.get():
        if src.words is None:
            others.append(f"{src.source} ({src.why})")
            continue
        origins = src.origins or (src.source,) * len(src.words)
        words = kernel_params(src.words)
        keep = kept(words, sticky)
        hit = [
            (origins[i] if i < len(origins) else src.source, words[i])
            for i in keep
            if weak(words[i]) and not _in_force(words[i], words, live_words, now)
        ]
        # R27B-1: a mitigations=off a later mode word replaces (kept) still turns every
        # attack vector off from Linux 6.17 on: mitigations_parse_cmdline's `memset(
        # attack_vectors, 0, ...)` for off is undone by no later word, and x86's
        # should_mitigate_vuln reads only the vectors (arch/x86/kernel/cpu/bugs.c); before
        # 6.17 the last word's mode stands (R22K-1). A live line with the same pair runs it
        # already (the live evidence judges it)
        for i, w in enumerate(words):
            if i in keep or not _off_then_mode(w) or not weak(w) or w in live_words:
                continue
            later = next(
                x
                for x in reversed(words[i + 1 :])
                if x.startswith("mitigations=") and mitigations_word(x[12:])[0] is not None
            )
            hit.append((origins[i] if i < len(origins) else src.source, f"{w} before {later}"))
            undone.append(
                f"a later {later} in {origins[i] if i < len(origins) else src.source} "
                "takes mitigations=off back only on a kernel before Linux 6.17"
            )
        # R30B-4: modprobe takes a module's options from the whole line, after `--` too
        # (libkmod libkmod-config.c kmod_config_parse_kcmdline reads /proc/cmdline to its end,
        # every `MODULE.PARAM=VALUE` word an option of MODULE), so a word the kernel leaves to
        # init still reaches a module loaded from disk; a built-in one never sees it: asked
        mods = tuple(w for w in words_after_dashes(src.words) if "." in w.partition("=")[0])
        late = [mods[i] for i in kept(mods) if weak(mods[i]) and mods[i] not in now]
        for w in dict.fromkeys(late):
            hit.append((src.source, f"{w} after --"))
            whys.append(
                f"{w} after -- in {src.source} reaches the module through modprobe only where "
                "it is loaded from disk, not built in"
            )
        if hit:
            found.extend(hit)
            partial = partial or src.partial or bool(late)
            whys.extend([f"{src.source}: {src.why}"] if src.partial else [])
        else:
            others.append(f"{src.source} ({src.why})" if src.partial else src.source)
    if not found:
        # R27B-2: a place an older hvaudit's probe did not read may hold such a word
        gone = tuple(src.source for src in fact.get() if src.uncollected)
        if gone:
            return NextBoot((), (), fact.sources, uncollected=gone)
        # R28B-3: a unified kernel image's own .cmdline, not read, may hold one; R30B-2: so
        # may the initrd's boot configuration a line with `bootconfig` takes
        ukis = tuple(src.source for src in fact.get() if src.embedded)
        boots = tuple(src.source for src in fact.get() if takes_bootconfig(src.words))
        if ukis or boots:
            return NextBoot((), (), fact.sources, embedded=ukis, bootconfig=boots)
        # R41B-2: GRUB's defaults hvaudit could not evaluate leave the next boot's words
        # unknown beside another source too: which of them the boot loader takes is not read,
        # and GRUB's may hold such a word (a source that adds one beside them is asked alike)
        why = unread_grub(host) or "; ".join(
            src.why for src in fact.get() if src.words is None and src.source.startswith(GRUB)
        )
        # R42B-1: so do GRUB's variables hvaudit could not read (one inside a larger argument,
        # one a collected script sets, a grubenv value not read) in any source: no weakening
        # word among the words read does not show the line has none
        if why:
            return NextBoot((), (), fact.sources, why)
        why = "; ".join(
            dict.fromkeys(f"{src.source} {src.unsettled}" for src in fact.get() if src.unsettled)
        )
        return NextBoot((), (), fact.sources, why, variables=True) if why else None
    return NextBoot(
        tuple(found),
        tuple(others),
        fact.sources,
        partial=partial or bool(undone),
        partial_why=tuple(whys),
        undone=tuple(dict.fromkeys(undone)),
    )


def words_after_dashes(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words after the kernel's `--` (kernel_params stops there): init's, and modprobe's
    module options (R30B-4)."""
    return words[words.index("--") + 1 :] if "--" in words else ()


def takes_bootconfig(words: tuple[str, ...] | None) -> bool:
    """A kernel command line that makes a CONFIG_BOOT_CONFIG kernel take the boot configuration
    appended to its initrd (R30B-2): init/main.c setup_boot_config runs parse_args over the line
    (which stops at `--`) with bootconfig_params, `strcmp(param, "bootconfig") == 0` setting
    bootconfig_found (a value is allowed), then xbc_make_cmdline("kernel") makes its kernel.*
    keys the extra command line, put before the loader's (setup_command_line); the kernel's
    parameters from it other than early_param ones (Documentation/admin-guide/
    kernel-parameters.txt's EARLY flag: "parsed before embedded parameters are extracted from
    initrd"), and module options (modprobe reads /proc/cmdline), take effect. `bootconfig
    -a FILE INITRD` appends one (tools/bootconfig). All read with `find_string` and `search`."""
    if words is None:
        return False
    return any(w.partition("=")[0] == "bootconfig" for w in kernel_params(words))


def _off_then_mode(word: str) -> bool:
    """A `mitigations=` word whose mode is off (mitigations_word), the kind R27B-1 keeps in
    view where a later word replaces it (kept drops it)."""
    name, _, value = word.partition("=")
    return name == "mitigations" and mitigations_word(value)[0] == "off"


def with_next_boot(
    outcome: Outcome, nb: NextBoot | None, host: str, *, off: str, does: str, fail: str
) -> Outcome:
    """A check's verdict on the running boot (`outcome`) with the next boot's weakening words
    (`nb`, next_boot_adds): where every source adds one, a fail ("..., but the next boot `off`:
    WORD in FILE"); where only some do, a pass becomes the question and a question already
    asked is joined with it (joint_question: an attestation of the first alone passed the next
    boot unasked, R22B-2). A fail stays (the running state is judged first), and so do an
    error and a not-applicable subject. `does` says what the words do ("turns kernel auditing
    off"), `fail` the question's fail case."""
    if nb is None or outcome.status not in (Status.PASS, Status.MANUAL):
        return outcome
    if nb.settled:
        return failed(
            outcome.subject,
            f"{outcome.message}, but the next boot {off}: {nb.text()}",
            *outcome.evidence,
            *nb.sources,
        )
    asked = nb.question(host, fail, does)
    return manual(
        outcome.subject,
        f"{outcome.message}; but {nb.says(does)}",
        *outcome.evidence,
        *nb.sources,
        question=ask_with(outcome, asked),
    )


def ask_with(outcome: Outcome, asked: str) -> str:
    """The question of a manual item that asks the next boot's `asked` on top of `outcome`:
    `asked` alone where the running boot passed, else one item asking both (joint_question:
    an attestation answering the running boot's question alone passed the next boot unasked,
    R22B-2)."""
    if outcome.status is Status.PASS or not outcome.question:
        return asked
    return joint_question([outcome.question, asked])


def audit_at_next_boot(outcome: Outcome, host: Host) -> Outcome:
    """An audit check's verdict (HVA-214, HVA-201) with an `audit=0`/`audit=off` the next boot's
    command line adds (R22B-1): kernel-parameters.txt audit= "0 | off - kernel audit is disabled
    and can not be enabled until the next reboot" (read with `find_string`), so after that boot
    no rule records anything and auditd receives nothing (_libvirt.kernel_audit_off is the
    running boot's). On a host whose kernel reads audit= as a number (before Linux 4.17,
    _libvirt.audit_reads_number), any value simple_strtol reads as 0 (`audit=on`, `audit=true`)
    is such a word too (R37B-1)."""
    numeric = audit_reads_number(host)
    nb = next_boot_adds(host, lambda w: audit_off_word(w, numeric=numeric))
    off = "turns kernel auditing off"
    if nb is not None and any(not audit_off_word(w.partition(" ")[0]) for _, w in nb.found):
        off += f" ({audit_number_note(host)})"
    return with_next_boot(
        outcome,
        nb,
        host.name,
        off=off,
        does="turns kernel auditing off",
        fail="it boots with one of them (kernel auditing off, nothing recorded)",
    )


@dataclass(frozen=True)
class Dropped:
    """A protective word of the running command line the next boot may lose (live_word_dropped)."""

    word: str
    lacking: tuple[str, ...]
    """The read sources without such a word (or GRUB's line hvaudit could not evaluate, the
    only source: R23K-4)."""
    unknown: tuple[str, ...] = ()
    """The sources whose words are not (all) read, "SOURCE (WHY)" (R29B-1): a unified kernel
    image's .cmdline, a place an older hvaudit did not collect, a line of variables not read;
    whether they carry such a word is not known."""

    @property
    def sources(self) -> tuple[str, ...]:
        return (*self.lacking, *self.unknown)

    def where(self) -> str:
        """Where the word is missing or not shown ("not in A and not known to be in B (WHY)")."""
        parts = [f"not in {', '.join(self.lacking)}"] if self.lacking else []
        if self.unknown:
            parts.append(f"not known to be in {', '.join(self.unknown)}")
        return " and ".join(parts)

    def evidence(self) -> str:
        """The evidence for the sources not read, for a question's list ("" where all are)."""
        if not self.unknown:
            return ""
        return (
            ", and the words hvaudit did not read (a unified kernel image's .cmdline section, "
            "`objcopy -O binary --only-section=.cmdline IMAGE /dev/stdout`, and that of its "
            "add-ons: IMAGE.extra.d/*.addon.efi, loader/addons/*.addon.efi)"
        )


def live_word_dropped(host: Host, holds: Callable[[str], bool]) -> Dropped | None:
    """A word of the running command line for which `holds(word)` (one the kernel keeps, kept)
    and the next boot's sources that have no such word (R22K-2): a pass that rests on that
    word lasts only this boot there. None where the live line has none, every source is read
    and keeps one, or the lines were not read (today's verdict stands). A source whose words
    are not known, or not all (`words` None, or partial without such a word among those read:
    a unified kernel image's .cmdline R28B-3, a place an older hvaudit did not collect R27B-2,
    GRUB's line hvaudit could not evaluate R23K-4, an entry's unread variables R26B-1), is not
    shown to keep it (R29B-1: not knowing is not passing)."""
    live, nxt = host.facts.kernel_cmdline, host.facts.kernel_cmdline_next_boot
    if not live.known or not nxt.known:
        return None
    words = kernel_params(live.get())
    word = next((words[i] for i in kept(words) if holds(words[i])), None)
    if word is None:
        return None
    lacking: list[str] = []
    unknown: list[str] = []
    for src in nxt.get():
        own = kernel_params(src.words) if src.words is not None else ()
        if any(holds(own[i]) for i in kept(own)):
            continue
        if src.words is not None and not src.partial:
            lacking.append(src.source)
        elif not unread_grub(host):
            unknown.append(f"{src.source} ({src.why})")
    if not lacking and not unknown:
        lacking = list(unread_grub_source(host))
    return Dropped(word, tuple(lacking), tuple(unknown)) if lacking or unknown else None
