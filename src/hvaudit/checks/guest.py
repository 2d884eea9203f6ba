"""What a VM's own definition hands the guest beyond plain emulation (2014 HY-SR-2, 3, 5, 18;
Rev. 1 HY-SR-1, 2, 6A, 7): nested virtualization, the host's TPM, shared memory and directories,
raw SCSI access, a custom device-model binary, and the guest's own chain of trust (vTPM, Secure
Boot, memory encryption).

Each verdict rests on the domain XML; where the host decides (whether KVM offers nesting), the
host's setting is read, and on a simulated or offline host it becomes one manual question.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from hvaudit.checks._libvirt import (
    conf_fact,
    conf_value,
    disk_file,
    host_settings_manual,
    kernel_params,
    volume_path,
)
from hvaudit.checks._nextboot import next_boot_adds
from hvaudit.checks.base import (
    LINUX_HOST,
    Context,
    Outcome,
    Severity,
    Status,
    Subject,
    check,
    failed,
    joined_asks,
    manual,
    not_applicable,
    overridden_devices,
    passed,
    qemu_config_unread,
    raw_arguments_unseen,
    unread_peers,
    vm_processes,
    vm_subject,
)
from hvaudit.checks.network import _pci_functions
from hvaudit.checks.vmware import host_default_questions, own_keys_pass
from hvaudit.model import Disk, Host, Passthrough, Pool, SharedDirectory, Source, Vm
from hvaudit.parse.host import NESTED_NOT_LOADED
from hvaudit.parse.qemu_args import (
    HOST_CHARDEV,
    QAPI_FALSE,
    QemuOption,
    host_device_name,
    parse_opts,
    pflash_secure,
    qemu_options,
    same_file,
)
from hvaudit.parse.vmx import vmx_bool
from hvaudit.redact import FW_CFG_TRUE_WORDS, REDACTED

#: Where distributions install QEMU: Debian/Ubuntu/SUSE/Arch /usr/bin/qemu-system-<target> (Ubuntu's
#: qemu-system-x86-microvm also /usr/bin/qemu-system-x86_64-microvm), RHEL and Fedora's
#: /usr/libexec/qemu-kvm, Debian's /usr/bin/kvm wrapper (Ubuntu's older kvm-spice), and the names
#: libvirt probes (drvqemu: "The driver will probe /usr/bin for the presence of qemu,
#: qemu-system-x86_64, ... and qemu-kvm"). Whole paths: a name that merely starts like one
#: (/usr/bin/qemu-system-x86_64-wrapper, /usr/bin/qemu-build/...) is no package's.
DISTRIBUTION_EMULATORS = re.compile(
    r"/usr/bin/qemu-system-[a-z0-9_]+(-microvm)?|/usr/(bin|libexec)/qemu-kvm"
    r"|/usr/bin/kvm(-spice)?|/usr/bin/qemu"
)
#: The packages that ship a QEMU system emulator: Debian/Ubuntu and Arch qemu-system-<arch>
#: (Debian qemu-system-common README.Debian: "qemu-system-$arch" packages hold the binaries;
#: not qemu-system-common, -data, -gui or -modules-*, which hold none), Fedora
#: qemu-system-<arch>-core, RHEL qemu-kvm and qemu-kvm-core (/usr/libexec/qemu-kvm), SUSE
#: qemu-<arch>, Arch qemu-full/qemu-base/qemu-desktop, Proxmox pve-qemu-kvm, the old Debian
#: "qemu". Other QEMU-named packages ship tools, not the emulator: Debian qemu-utils holds
#: qemu-img, qemu-io, qemu-nbd and qemu-storage-daemon only (packages.debian.org file list),
#: libvirt-daemon-driver-qemu is libvirt's driver, qemu-guest-agent runs in guests (R9-7).
EMULATOR_PACKAGES = re.compile(
    r"qemu-system-(?!common$|data$|gui$|modules)[a-z0-9_-]+|qemu-kvm(-core)?|pve-qemu-kvm"
    r"|qemu-(x86|arm|ppc|s390x|extra|full|base|desktop|headless)|qemu|qemu-system"
)
#: A package that ships the emulators of one architecture family: Debian/Ubuntu
#: qemu-system-<family> (packages.debian.org file lists, read with `search`: qemu-system-x86
#: holds /usr/bin/qemu-system-x86_64 and -i386 (-amd64 in sid), qemu-system-arm holds
#: qemu-system-aarch64 and -arm (-arm64, -armel, -armhf in sid)), Fedora qemu-system-<arch>-core,
#: Arch qemu-system-<arch>, SUSE qemu-<family> (qemu-x86, qemu-arm, qemu-ppc, qemu-s390x).
#: Group 1 is the family; qemu-system-misc, qemu-extra and the catch-all packages (qemu,
#: qemu-full, qemu-kvm, pve-qemu-kvm ...) are not such a package.
FAMILY_PACKAGE = re.compile(
    r"qemu-system-(?!misc(?:-|$))([a-z0-9_]+)(?:-[a-z0-9_-]+)?|qemu-(x86|arm|ppc|s390x)"
)
#: The qemu-system-<arch> binaries each family's package ships, by the file lists above;
#: a family not listed ships its own name only.
FAMILY_ARCHES = {
    "x86": frozenset({"x86_64", "i386", "amd64"}),
    "arm": frozenset({"arm", "aarch64", "arm64", "armel", "armhf"}),
    "aarch64": frozenset({"aarch64", "arm64"}),
    "ppc": frozenset({"ppc", "ppc64", "ppcle", "ppc64le", "ppc64el"}),
    "mips": frozenset({"mips", "mipsel", "mips64", "mips64el"}),
    "sparc": frozenset({"sparc", "sparc64"}),
    "riscv": frozenset({"riscv32", "riscv64"}),
}
SYSTEM_BINARY = re.compile(r"/usr/bin/qemu-system-([a-z0-9_]+?)(?:-microvm)?")


NESTING_MODES = ("host-passthrough", "maximum", "host-model", "custom match='minimum'")
#: Every platform whose VMs these checks judge: libvirt domain XML, Proxmox VE qm.conf, VMware .vmx.
VM_PLATFORMS = (*LINUX_HOST, "vmware-esxi")


#: QEMU's x86 CPU models that carry svm themselves (target/i386/cpu.c, builtin_x86_defs:
#: CPUID_EXT3_SVM in FEAT_8000_0001_ECX of qemu64, phenom, Opteron_G2..G5, EPYC and its
#: versions, Dhyana; not Opteron_G1, athlon, kvm64, qemu32). qemu64 is the default CPU type of
#: the pc and q35 machines: the CPU of a domain that names no model. No named model carries vmx
#: (the Intel, Zhaoxin YongFeng and Atom models list CPUID_EXT_VMX as "Missing"). libvirt's
#: cpu_map agrees: of its x86 models (libvirt 9.0, /usr/share/libvirt/cpu_map/x86_*.xml) only
#: Dhyana, EPYC*, Opteron_G2..G5, phenom and qemu64 list svm, none lists vmx; and QEMU 7.2's
#: query-cpu-model-expansion (TCG, which emulates svm) reports svm for exactly these.
SVM_MODELS = ("qemu64", "phenom", "Opteron_G2", "Opteron_G3", "Opteron_G4", "Opteron_G5", "Dhyana")
#: The other x86 models of QEMU's builtin_x86_defs (up to QEMU 10: the Intel server and client
#: families through DiamondRapids and ClearwaterForest, the Atom ones, YongFeng) and of libvirt's
#: cpu_map (pentiumpro, cpu64-rhel5/6, Icelake-Client): they carry neither svm nor vmx. A model
#: outside both lists (a newer QEMU's, or one a site defines in its cpu_map) is not known.
PLAIN_MODELS = frozenset(
    {
        "486",
        "pentium",
        "pentium2",
        "pentium3",
        "pentiumpro",
        "athlon",
        "n270",
        "coreduo",
        "core2duo",
        "kvm32",
        "kvm64",
        "qemu32",
        "cpu64-rhel5",
        "cpu64-rhel6",
        "Conroe",
        "Penryn",
        "Nehalem",
        "Westmere",
        "SandyBridge",
        "IvyBridge",
        "Haswell",
        "Broadwell",
        "Skylake-Client",
        "Skylake-Server",
        "Cascadelake-Server",
        "Cooperlake",
        "Icelake-Client",
        "Icelake-Server",
        "SapphireRapids",
        "GraniteRapids",
        "SierraForest",
        "ClearwaterForest",
        "DiamondRapids",
        "Denverton",
        "Snowridge",
        "KnightsMill",
        "Opteron_G1",
        "YongFeng",
    }
)
#: The suffixes of QEMU's versioned models and their aliases (`qemu-system-x86_64 -cpu help`:
#: Haswell-v4, "Haswell-noTSX-IBRS (alias of Haswell-v4)", EPYC-IBPB).
_MODEL_SUFFIX = re.compile(r"(-v[0-9]+|-noTSX-IBRS|-noTSX|-IBRS|-IBPB)$")


def _model_base(model: str) -> str:
    return _MODEL_SUFFIX.sub("", model)


def _unknown_model(v: Vm) -> str | None:
    """The VM's named CPU model when hvaudit cannot tell whether it carries vmx or svm."""
    if v.cpu_mode not in (None, "custom") or not v.cpu_model:
        return None
    base = _model_base(v.cpu_model)
    if base in SVM_MODELS or base.startswith("EPYC") or base in PLAIN_MODELS:
        return None
    return v.cpu_model


def _vendor_flags(h: Host) -> list[str]:
    """The virtualization flag of the host's KVM vendor module (kvm_intel: vmx, kvm_amd: svm)."""
    mods = h.facts.kvm_modules.get() if h.facts.kvm_modules.known else ()
    return [f for f, m in (("vmx", "kvm_intel"), ("svm", "kvm_amd")) if m in mods]


def _carried_svm(v: Vm, h: Host) -> str | None:
    """Why a custom-mode CPU hands the guest svm on this host (its model carries it, and the host
    may be an AMD one), or None: KVM keeps a model's svm exactly when kvm_amd nests."""
    if v.cpu_mode not in (None, "custom") or dict(v.nested_features).get("svm") in (
        "disable",
        "forbid",
    ):
        return None
    model = _model_base(v.cpu_model or "qemu64")
    if not (model in SVM_MODELS or model.startswith("EPYC")):
        return None
    if (
        v.hardware_accelerated.known
        and v.hardware_accelerated.get()
        and v.machine is not None
        and not _svm_machine(v)
    ):
        # under KVM QEMU turns svm off on every named model (kvm_default_props {"svm", "off"}),
        # except on machine types up to 2.1 (pc_compat_2_1: x86_cpu_change_kvm_default("svm",
        # NULL)) (R56); a definition without a machine type does not say which (the caller asks)
        return None
    if _vendor_flags(h) and "svm" not in _vendor_flags(h):
        return None
    what = f"CPU model {v.cpu_model}" if v.cpu_model else "no CPU model: QEMU's default qemu64"
    return f"{what} carries svm, given to the guest when KVM nests"


def _svm_machine(v: Vm) -> bool:
    """A machine type of QEMU 2.1 or older (pc-i440fx-2.1, pc-q35-2.0, pc-1.7, pc-0.15), on
    which KVM keeps a named model's svm."""
    m = re.fullmatch(r"pc-(?:i440fx-|q35-)?([0-9]+)\.([0-9]+)", v.machine or "")
    return m is not None and (int(m.group(1)), int(m.group(2))) <= (2, 1)


def _nesting_policy(v: Vm, h: Host) -> str | None:
    """The policy that decides whether the VM's CPU carries the host vendor's virtualization
    flag: require/force, disable/forbid or optional, None when the CPU mode decides."""
    policies = dict(v.nested_features)
    mods = h.facts.kvm_modules.get() if h.facts.kvm_modules.known else ()
    flags = [f for f, m in (("vmx", "kvm_intel"), ("svm", "kvm_amd")) if m in mods]
    for p in policies.values():  # a definition that asks for either flag asks for nesting
        if p in ("require", "force"):
            return p
    mine = [policies.get(f) for f in flags or ["vmx", "svm"]]
    if all(p in ("disable", "forbid") for p in mine):
        return str(mine[0])
    return "optional" if "optional" in mine else None


@check(
    id="HVA-049",
    title="VM is not given nested virtualization",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-2"], "sp800-125a-r1": ["HY-SR-2"]},
    interpretations={
        "sp800-125a-2014:HY-SR-2": "nesting makes KVM emulate VMX/SVM for the guest in "
        "software, the very code HY-SR-2 wants replaced by hardware assistance",
        "sp800-125a-r1:HY-SR-2": "nesting makes KVM emulate VMX/SVM for the guest in software, "
        "the very code HY-SR-2 wants replaced by hardware assistance",
    },
    remediation={
        "kvm-libvirt": "Remove <feature policy='require' name='vmx'/> (or svm) from the VM's <cpu>, "
        "or add <feature policy='disable' name='vmx'/>; or turn nesting off on the host (options "
        "kvm_intel nested=0 / kvm_amd nested=0) unless the VM is approved to run hypervisors.",
        "proxmox-ve": "Remove +nested-virt from the VM's cpu flags (or add -nested-virt), use a "
        "named CPU type instead of host/max, or turn nesting off on the node (options kvm_intel "
        "nested=0 / kvm_amd nested=0) unless the VM is approved to run hypervisors.",
        "vmware-esxi": "Remove vhv.enable (untick 'Expose hardware assisted virtualization to the "
        "guest OS') unless the VM is approved to run hypervisors.",
    },
    platforms=VM_PLATFORMS,
    per_vm=True,
)
@raw_arguments_unseen("vmx or svm for the guest (a -cpu that adds them, -cpu host or max)")
def no_nested_virtualization(ctx: Context) -> Iterator[Outcome]:
    """A guest that can run its own hypervisor drives KVM's nested VMX/SVM emulation, a large and
    bug-prone attack surface (several guest-to-host escapes were in it). A CPU definition that
    requires or forces vmx/svm exposes it whatever the host; `host-passthrough`, `maximum` and
    `host-model` (and a custom CPU with match='minimum', which libvirt fills up with the host's
    features like host-model: src/cpu/cpu_x86.c virCPUx86Update calls x86UpdateHostModel for
    VIR_CPU_MATCH_MINIMUM too) expose it exactly when the host's KVM module has `nested` on (libvirt
    formatdomain, "CPU model and topology"; kernel Documentation/virt/kvm/x86/nested-vmx.rst),
    and so does the feature with policy='optional' in any mode (formatdomain: "optional - The
    feature will be supported by virtual CPU if and only if it is supported by host CPU"; KVM
    offers vmx/svm to a guest only with `nested` on); a named model without the feature, no <cpu>
    at all, or the feature disabled does not. Each <feature> names one CPUID flag (formatdomain):
    vmx is Intel's, svm AMD's, so the flag of the host's KVM vendor module decides (kvm_intel:
    vmx, kvm_amd: svm); disabling the other vendor's flag leaves nesting on. Without the vendor,
    only both flags disabled prove nesting off. A flag required or forced fails whatever the
    vendor: the definition asks for nesting (and gets it on a host of that vendor). A CPU model
    can carry the flag itself: QEMU's qemu64 (the model of a domain that names none) and its AMD
    models carry svm (target/i386/cpu.c), but under KVM QEMU turns svm off on every named model
    (kvm_default_props {"svm", "off"}, QEMU 75d373ef97) except on machine types up to 2.1
    (pc_compat_2_1), so only there, or under TCG, such a model nests like host-passthrough on an
    AMD host (R56); no named model carries vmx. A definition that names no machine type does not
    say which: libvirt's QEMU driver always writes the one it picks into the definition
    (qemu_domain.c qemuDomainDefMachinePostParse: virQEMUCapsGetPreferredMachine when
    def->os.machine is unset), the test driver leaves it out, so there the machine is unknown:
    a question where the model carries svm and the host may nest it, never a pass. A model
    hvaudit does not know (a newer QEMU's, or one a site adds to libvirt's cpu_map, where a model
    lists its own <feature>s and may be based on another) may carry either flag: unless the host's
    KVM has nesting off, that is one question about the guest's CPU flags, never a pass.

    Proxmox VE (qm.conf(5) `cpu` in pve-docs and qemu-server's CPUConfig.pm, read with `search`):
    cputype "default = kvm64" (qemu64 with kvm: 0); `host` and `max` nest exactly when the
    node's KVM has nested on; flags `+nested-virt`/`-nested-virt` add or remove the host
    vendor's flag; a `custom-` model lives in /etc/pve/virtual-guest/cpu-models.conf (not read:
    a question); any other cputype is a named QEMU model, and under KVM QEMU turns svm off on
    every named model (target/i386 kvm_default_props {"svm", "off"}, QEMU 75d373ef97 "Disable
    SVM by default in KVM mode"), while under TCG (kvm: 0) qemu64 and the AMD models keep svm.
    VMware: `vhv.enable = "TRUE"` ("Expose hardware assisted virtualization to the guest OS")
    gives the guest VT-x/AMD-V whatever the host; without it the guest has none. A raw QEMU
    `-cpu` (libvirt <qemu:commandline>, Proxmox VE `args:`) comes after the management layer's
    own and replaces its CPU: the VM is judged with the CPU that argument defines (_raw_cpu,
    R10-7)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    relying: dict[str, list[Vm]] = {}
    for v in ctx.deployment.vms:
        h = hosts[v.host]
        if h.platform == "vmware-esxi":
            vmx = _vmx_nesting(v)
            if vmx is None:
                relying.setdefault(v.host, []).append(v)
            else:
                yield vmx
            continue
        raw = _raw_cpu(v)
        if raw is None:
            yield from _nesting(v, h)
            continue
        as_read, shown, turned_on = raw
        if turned_on:
            yield failed(
                vm_subject(v),
                f"QEMU argument {shown} turns {'/'.join(turned_on)} on: the guest can run a "
                "hypervisor",
                v.source,
            )
            continue
        for out in _nesting(as_read, h):
            yield dataclasses.replace(
                out, message=f"QEMU argument {shown} replaces the <cpu> definition: {out.message}"
            )
    yield from host_default_questions(
        ctx,
        relying,
        "vhv.enable (and ESXi 5.0's vhv.allow)",
        "them to FALSE",
        "it sets one to TRUE",
        "vhv.enable",
    )


def _raw_cpu(v: Vm) -> tuple[Vm, str, list[str]] | None:
    """The guest CPU raw QEMU arguments give the VM (R10-7): QEMU keeps the last `-cpu` it is
    given (system/vl.c: `case QEMU_OPTION_cpu: /* hw initialization will check this */
    cpu_option = optarg;`), and libvirt adds the <qemu:arg> values after its own arguments
    (qemu_command.c qemuBuildCommandLine: `for (i = 0; i < qemucmd->num_args; i++)
    virCommandAddArg(cmd, qemucmd->args[i])` after the devices), qemu-server its `args:` after
    the -cpu it builds (QemuServer.pm config_to_command, "# add custom args"), so a raw `-cpu`
    replaces the definition's CPU. Its model is `host` (host-passthrough), `max` (maximum) or a
    named model, and each feature after it is `+f` (on), `-f` (off), `f=on|off` or a bare `f`
    (on); "+-feat overwrites any feature set by feat=on|feat even if the later is parsed after
    +-feat" (QEMU target/i386/cpu.c, above x86_cpu_parse_featurestr). A flag given both `+`
    and `-` counts as on (more is judged, never less). The VM as that argument defines its
    CPU, the argument as shown, and the flags among vmx/svm it turns on; None without a raw
    `-cpu`."""
    opts = [o for o in qemu_options(v.raw_hypervisor_arguments) if o.name == "cpu"]
    if not opts:
        return None
    o = opts[-1]
    model, *parts = o.text.split(",")
    state: dict[str, bool] = {}
    plus, minus = set(), set()
    for part in parts:
        if part.startswith("+"):
            plus.add(part[1:])
        elif part.startswith("-"):
            minus.add(part[1:])
        else:
            key, eq, val = part.partition("=")
            state[key] = val.lower() in ("on", "true", "yes") if eq else True
    state.update(dict.fromkeys(minus, False))
    state.update(dict.fromkeys(plus, True))
    flags = [f for f in ("vmx", "svm") if f in state]
    feats = tuple((f, "require" if state[f] else "disable") for f in flags)
    mode = {"host": "host-passthrough", "max": "maximum"}.get(model, "custom")
    as_read = dataclasses.replace(
        v,
        cpu_mode=mode,
        cpu_model=model if mode == "custom" else None,
        nested_features=feats,
        nested_feature=feats[0][1] if feats else None,
    )
    return as_read, o.shown(), [f for f in flags if state[f]]


def _nesting(v: Vm, h: Host) -> Iterator[Outcome]:
    """HVA-049's verdict of one libvirt or Proxmox VE VM as its CPU definition stands."""
    s = vm_subject(v)
    if h.platform == "proxmox-ve":
        yield _pve_nesting(v, h)
        return
    if v.arch == "aarch64" and h.facts.arm64.known and h.facts.arm64.get():
        yield _arm64_nesting(v, h)
        return
    if v.arch == "s390x" and h.facts.s390x.known and h.facts.s390x.get():
        yield _s390_nesting(v, h)
        return
    feat = _nesting_policy(v, h)
    carried = _carried_svm(v, h) if feat is None else None
    unknown = _unknown_model(v) if feat is None else None
    if feat in ("require", "force"):
        yield failed(
            s,
            f"<cpu> feature vmx/svm policy='{feat}': the guest can run a hypervisor",
            v.source,
        )
        return
    if feat in ("disable", "forbid") or (
        v.cpu_mode not in NESTING_MODES
        and feat != "optional"
        and carried is None
        and unknown is None
    ):
        why = (
            f"vmx/svm policy='{feat}'"
            if feat in ("disable", "forbid")
            else f"CPU mode {v.cpu_mode or 'default (no <cpu>)'} without vmx/svm"
        )
        yield passed(s, why, v.source)
        return
    h = h
    nested = h.facts.nested_virtualization
    what = (
        "<cpu> feature vmx/svm policy='optional' is given whenever the host's KVM offers it"
        if feat == "optional"
        else carried
        or (f"CPU model {unknown} may carry vmx or svm" if unknown else None)
        or f"CPU mode {v.cpu_mode} passes the host's vmx/svm through when KVM nests"
    )
    if unknown is not None and not (nested.known and not nested.get()):
        yield manual(
            s,
            f"CPU model {unknown} is neither one of QEMU's built-in x86 models nor one of "
            "libvirt's cpu_map that hvaudit knows: whether it carries vmx or svm is unknown"
            + (
                ", and the host's KVM has nested on"
                if nested.known
                else f" ({nested.reason})"
                if nested.reason
                else ""
            ),
            v.source,
            *nested.sources,
            question=f"Does the guest CPU of VM {v.name} lack both the vmx and the svm flag? "
            f"Evidence: grep -cwE 'vmx|svm' /proc/cpuinfo inside the running guest, or the "
            f"definition of CPU model {unknown} (libvirt's cpu_map x86_{unknown}.xml and the "
            f"model it is based on) with {_nested_files(h)} on {h.name}. Pass: yes, the guest sees "
            "neither (the model carries no such flag, or KVM nesting is off); fail: the guest "
            "sees vmx or svm, so it can run a hypervisor.",
        )
        return
    kvm = v.hardware_accelerated.known and v.hardware_accelerated.get()
    if (
        carried is not None
        and kvm
        and v.machine is None
        and not (nested.known and not nested.get())
    ):
        yield manual(
            s,
            f"{carried} on a machine type up to QEMU 2.1 (under KVM newer ones turn svm "
            "off), and the definition names no machine type: libvirt's QEMU driver always "
            "writes the one it picks, so which one this VM gets is unknown"
            + (f" ({nested.reason})" if not nested.known and nested.reason else ""),
            v.source,
            *nested.sources,
            question=f"Does VM {v.name} run on a machine type newer than QEMU 2.1's, or on "
            f"a host that does not nest svm? Evidence: the machine attribute of <os><type> "
            f"in `virsh dumpxml {v.name}` on {h.name}, vendor_id in /proc/cpuinfo and "
            f"{_nested_files(h, amd=True)} there (or grep -cw svm /proc/cpuinfo in "
            "the guest). Pass: yes, pc-i440fx-2.2, pc-q35-2.2 or later (or the alias pc or "
            "q35), a GenuineIntel host, or kvm_amd nested N or 0; fail: a machine type of "
            "2.1 or older on an AMD host whose kvm_amd nests, so the guest gets svm.",
        )
        return
    if carried is not None and not _vendor_flags(h) and not (nested.known and not nested.get()):
        # Only svm comes with the model, and whether the host is an AMD one was not read.
        yield manual(
            s,
            f"{what}; the host's KVM vendor module was not read"
            + (f" ({nested.reason})" if not nested.known and nested.reason else ""),
            v.source,
            *nested.sources,
            question=f"Is the CPU of host {h.name} an Intel one, or is nested virtualization "
            f"off in its kvm_amd module? Evidence: vendor_id in /proc/cpuinfo on {h.name} "
            f"(GenuineIntel or AuthenticAMD) and {_nested_files(h, amd=True)} there. "
            "Pass: yes, GenuineIntel (the model carries no vmx), or kvm_amd nested reads N "
            "or 0; fail: an AMD CPU whose kvm_amd nested reads Y or 1, so the VM gets svm.",
        )
        return
    if not nested.known and (loads := _loads_nesting(v, h, what)) is not None:
        yield loads
    elif not nested.known:
        yield host_settings_manual(
            s,
            h,
            nested,
            what,
            _nested_off_question(h, "host", "this VM's CPU definition hands it vmx/svm"),
            v.source,
        )
    elif nested.get():
        yield failed(s, f"{what}, and the host's KVM has nested on", v.source, *nested.sources)
    else:
        yield _nested_off_now(v, h, what, "host")


#: The CPU modes that give an s390x guest every feature the host's KVM offers: host-model and
#: host-passthrough, and no <cpu> at all (QEMU target/s390x/kvm kvm_arch_init:
#: `mc->default_cpu_type = S390_CPU_TYPE_NAME("host")` under KVM; read with `search`).
_S390_HOST_MODES = (None, "host-model", "host-passthrough", "maximum")


def _s390_nesting(v: Vm, h: Host) -> Outcome:
    """HVA-049 of an s390x guest on an s390x host (R29B-6). A guest runs its own hypervisor
    there through SIE interpreted for it (vSIE), which KVM offers only with its `kvm` module's
    nested=1 (arch/s390/kvm/kvm-s390.c: `static int nested;` default 0, kvm_s390_cpu_feat_init
    allows KVM_S390_VM_CPU_FEAT_SIEF2 only `if (... || !nested) return;`) and the guest's CPU
    model carries sief2 (vsie.c kvm_s390_handle_vsie: -EOPNOTSUPP without it); read with
    `find_string`. vmx and svm do not apply: the x86 reading passed a VM with no <cpu> "without
    vmx/svm", though QEMU gives it the host model under KVM, and asked for kvm_intel's or
    kvm_amd's parameter, which an s390x host has not."""
    s = vm_subject(v)
    policy = dict(v.nested_features).get("sief2")
    nested, later = h.facts.nested_virtualization, h.facts.nested_next_load
    if policy in ("require", "force"):
        return failed(
            s, f"<cpu> feature sief2 policy='{policy}': the guest can run a hypervisor", v.source
        )
    if policy in ("disable", "forbid"):
        return passed(s, f"sief2 policy='{policy}': the guest gets no SIE", v.source)
    mode = v.cpu_mode
    what = (
        f"CPU mode {mode or 'default (no <cpu>: QEMU gives the host model under KVM)'} carries "
        "sief2 (SIE for the guest) whenever the host's kvm module nests"
        if mode in _S390_HOST_MODES
        else f"CPU model {v.cpu_model or mode} may carry sief2 (SIE for the guest)"
    )
    question = (
        f"Does VM {v.name} run without SIE for itself (no nested virtualization) on s390x host "
        f"{h.name}? Evidence: /sys/module/kvm/parameters/nested on {h.name} (and `modprobe -c "
        "| grep -E '^(options|install) kvm '` with /proc/cmdline for its next load), and "
        f"`grep -w sie /proc/cpuinfo` inside the running guest. Pass: nested reads 0 and no "
        "options line or kvm.nested= word sets it, or the guest's features lack sie; fail: "
        "the guest's features list sie, so it can run a hypervisor."
    )
    if not nested.known and later.known and later.get() and mode in _S390_HOST_MODES:
        # the kvm module not loaded takes modprobe.d's nested=1 when it loads: asked whether
        # it nests, a "yes, no SIE" (no sysfs file) passed a host CPU mode given sief2 (R37T-7)
        return failed(
            s,
            f"{what}; {nested.reason}, but {later.get()} turns nested on when it loads (every "
            "boot)",
            v.source,
            *nested.sources,
            *later.sources,
        )
    if not nested.known:
        return manual(
            s,
            f"{what}, and whether it nests is not known ({nested.reason})",
            v.source,
            *nested.sources,
            question=question,
        )
    if nested.get():
        if mode in _S390_HOST_MODES:
            return failed(
                s, f"{what}, and the host's kvm module has nested=1", v.source, *nested.sources
            )
        return manual(
            s,
            f"{what}, and the host's kvm module has nested=1",
            v.source,
            *nested.sources,
            question=question,
        )
    if later.known and later.get():
        return failed(
            s,
            f"{what}; the host's kvm module has nested=0 now, but {later.get()} turns it on at "
            "the module's next load (every boot)",
            v.source,
            *nested.sources,
            *later.sources,
        )
    if not later.known:
        return manual(
            s,
            f"{what}; the host's kvm module has nested=0 now, but what its next load sets is "
            f"not known: {later.reason}",
            v.source,
            *nested.sources,
            *later.sources,
            question=question,
        )
    return passed(s, f"{what}, but the host's kvm module has nested=0", v.source, *nested.sources)


def _arm64_nested_mode(word: str) -> bool:
    """A kernel command-line word (as the kernel matches it) selecting KVM/arm64's nested mode."""
    return word == "kvm_arm.mode=nested"


def _arm64_nesting(v: Vm, h: Host) -> Outcome:
    """HVA-049 of an aarch64 guest on an arm64 host (R24W-4). KVM/arm64 is built into the
    kernel, with no kvm_intel/kvm_amd `nested` parameter, and gives a vCPU EL2 (a guest
    hypervisor) only where two things meet: the host kernel runs in the mode kernel-parameters
    .txt `kvm-arm.mode=` names "nested: VHE-based mode with support for nested virtualization.
    Requires at least ARMv8.4 hardware (with FEAT_NV2)", and the VMM asks for it per vCPU
    (arch/arm64/include/uapi/asm/kvm.h `KVM_ARM_VCPU_HAS_EL2 7 /* Support nested
    virtualization */`, which QEMU's virt board sets with virtualization=on) (both read with
    `find_string`). vmx/svm and x86 CPU models do not apply. So the running command line
    (/proc/cmdline) and the next boot's (next_boot_adds) without kvm-arm.mode=nested pass;
    with it, or not read, whether the VM asks for EL2 is the question."""
    s = vm_subject(v)
    live = h.facts.kernel_cmdline
    question = (
        f"Does VM {v.name} run without EL2 (no nested virtualization) on arm64 host {h.name}? "
        f"Evidence: the QEMU command line of VM {v.name} on {h.name} (`ps -ww -o args` of its "
        "qemu-system-aarch64: -machine virt,...) and /proc/cmdline there. Pass: yes, the "
        "machine has no virtualization=on (KVM gives a vCPU EL2 only when QEMU asks, "
        "KVM_ARM_VCPU_HAS_EL2), or the host kernel runs without kvm-arm.mode=nested; fail: "
        "virtualization=on on a host booted with kvm-arm.mode=nested, so the guest can run a "
        "hypervisor."
    )
    what = "aarch64 guest: KVM/arm64 gives it EL2 only on a host booted with kvm-arm.mode=nested"
    if not live.known:
        return manual(
            s,
            f"{what}, and the host's kernel command line was not read ({live.reason})",
            v.source,
            *live.sources,
            question=question,
        )
    now = [w for w in kernel_params(live.get()) if _arm64_nested_mode(w)]
    nb = next_boot_adds(h, _arm64_nested_mode, unread_asks=True)
    machine: dict[str, str] = {}
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name in ("machine", "M"):
            machine.update(parse_opts(o.text, "type"))
    if now and machine.get("virtualization", "").lower() in ("on", "yes", "true", "y"):
        return failed(
            s,
            f"QEMU argument -machine virtualization=on asks for EL2, and host {h.name} runs with "
            "kvm-arm.mode=nested: the aarch64 guest can run a hypervisor",
            v.source,
            *live.sources,
        )
    if now:
        return manual(
            s,
            f"{what}, and host {h.name} runs with kvm-arm.mode=nested: whether QEMU asks for EL2 "
            "(virtualization=on) is not in the definition",
            v.source,
            *live.sources,
            question=question,
        )
    if nb is not None:
        return manual(
            s,
            f"{what}; host {h.name} runs without it, but {nb.says('selects the nested mode')}",
            v.source,
            *live.sources,
            *nb.sources,
            question=question,
        )
    return passed(
        s,
        f"{what}, and host {h.name} runs without it (nor does its next boot's command line add it)",
        v.source,
        *live.sources,
    )


def _nested_files(h: Host, *, amd: bool = False) -> str:
    """The evidence HVA-049's questions name for whether the KVM of host h nests: the vendor
    module's `nested` file in sysfs, which exists only while the module is loaded; where it is
    not (parse.host.NESTED_NOT_LOADED), its next load, as _nested_off_question names it (R41T-3:
    the unknown CPU model's, the old machine type's, the host vendor's and the Proxmox VE
    custom model's questions named the file alone, whose "there is none" an honest auditor
    cannot read as N)."""
    files = (
        "/sys/module/kvm_amd/parameters/nested"
        if amd
        else "/sys/module/kvm_intel/parameters/nested or /sys/module/kvm_amd/parameters/nested"
    )
    if h.facts.nested_virtualization.reason != NESTED_NOT_LOADED:
        return files
    module = "kvm_amd" if amd else "the module (kvm_intel or kvm_amd)"
    return (
        f"{files} once {module} is loaded (it is not loaded now, so the file does not exist; "
        "its next load takes modprobe.d's options, `modprobe -c`, the kernel command line's "
        f"{'kvm_amd.nested=' if amd else 'kvm_intel.nested= or kvm_amd.nested='} and else the "
        "built-in default: upstream on for kvm_intel from Linux 4.20, for kvm_amd since 2009)"
    )


def _nested_off_question(h: Host, node: str, hands: str) -> str:
    """HVA-049's question whether the KVM of `node` ("host" or "node") h nests, where its
    `nested` was not read. Where the vendor module is not loaded (parse.host.NESTED_NOT_LOADED),
    its /sys/module/kvm_*/parameters/nested does not exist: asked whether that file reads N, an
    honest "there is none" read as a "yes" (R40T-5, R38T-3's lead). Its next load takes
    modprobe.d's options, the command line's kvm_intel.nested= or kvm_amd.nested= and else the
    module's built-in default (parse.host._nested_default_load: upstream on for kvm_intel from
    Linux 4.20, for kvm_amd since 2009), so that question names the load and where it is read.
    A VM's start does not load it (R47T-5; was "a VM's start loads it too"): the x86 vendor
    modules are loaded by their CPU feature alias (Linux arch/x86/kvm/vmx/vmx.c
    MODULE_DEVICE_TABLE(x86cpu, vmx_cpu_id), X86_FEATURE_VMX; svm.c likewise), and only the
    other architectures' kvm has the "devname:kvm" alias that opening /dev/kvm autoloads
    (arch/s390/kvm/kvm-s390.c: "x86 takes a different approach"); /dev/kvm exists only once
    the vendor module has called kvm_init."""
    tail = (
        f"Pass: yes, it reads N or 0; fail: it reads Y or 1, so {hands} (a VM approved to run "
        "hypervisors is a waiver, not a pass)."
    )
    if h.facts.nested_virtualization.reason == NESTED_NOT_LOADED:
        return (
            f"Does the KVM vendor module of {node} {h.name} (kvm_intel on Intel, kvm_amd on AMD) "
            "load with nested virtualization off? It is not loaded now, so its `nested` file "
            "in sysfs does not exist; at its next load modprobe.d's options, the kernel "
            "command line's kvm_intel.nested= or kvm_amd.nested= and else the module's "
            "built-in default decide (upstream on for kvm_intel from Linux 4.20, for kvm_amd "
            "since 2009; a distribution kernel may differ). Evidence: `modprobe -c | grep -E "
            f"'^(options|install) kvm[-_](intel|amd) '` and /proc/cmdline on {h.name}, and "
            "/sys/module/kvm_intel/parameters/nested or /sys/module/kvm_amd/parameters/nested "
            "once the module is loaded (`modprobe kvm_intel` or `modprobe kvm_amd`; a VM's "
            f"start does not load it, udev does at boot by the CPU's vmx or svm flag). {tail}"
        )
    return (
        f"Is nested virtualization off in KVM on {node} {h.name}? Evidence: "
        f"/sys/module/kvm_intel/parameters/nested (Intel) or "
        f"/sys/module/kvm_amd/parameters/nested (AMD) on {h.name}. {tail}"
    )


def _loads_nesting(v: Vm, h: Host, what: str) -> Outcome | None:
    """HVA-049's fail where the KVM vendor module of the host (a libvirt host or a Proxmox VE
    node) is not loaded (its `nested` parameter unread) and modprobe.d's options or the
    command line's module.nested= turn nesting on when it loads (parse.host._nested_next_load;
    R20H-4's reading, modprobe.d(5) options apply "every time it is inserted"): asked alone
    whether nesting is off in sysfs, a "yes" (no such file) passed it (R37T-7). None
    otherwise."""
    nested, later = h.facts.nested_virtualization, h.facts.nested_next_load
    if nested.known or not later.known or not later.get():
        return None
    return failed(
        vm_subject(v),
        f"{what}; {nested.reason}, but {later.get()} turns nested on when it loads (every boot)",
        v.source,
        *nested.sources,
        *later.sources,
    )


def _nested_off_now(v: Vm, h: Host, what: str, node: str) -> Outcome:
    """HVA-049's verdict where the host's (`node`: "host" or "node") KVM has nested off now: a
    fail where its next load turns it on (R20H-4: the parameter is read-only at run time, the
    files set the next load's), a question where that is not known (R20H-9: modprobe.d
    unreadable, or an install command that runs something else), else the pass. Proxmox VE
    nodes load kvm_intel/kvm_amd with modprobe.d's options too (R21K-1)."""
    s = vm_subject(v)
    nested, later = h.facts.nested_virtualization, h.facts.nested_next_load
    if later.known and later.get():
        return failed(
            s,
            f"{what}; the {node}'s KVM has nested off now, but {later.get()} turns it on at the "
            "module's next load (every boot)",
            v.source,
            *nested.sources,
            *later.sources,
        )
    if not later.known:
        return manual(
            s,
            f"{what}; the {node}'s KVM has nested off now, but what its next load (every boot) "
            f"sets is not known: {later.reason}",
            v.source,
            *nested.sources,
            *later.sources,
            question=f"Does the KVM module of {node} {h.name} keep nested off at its next load? "
            f"Evidence: `modprobe -c | grep -E '^(options|install) kvm[-_](intel|amd) '` and "
            f"/proc/cmdline on {h.name}. Pass: yes, no nested=1, Y or bare `nested` in an "
            "options line, a kvm_intel.nested= or kvm_amd.nested= word, or the modprobe of an "
            "install command; fail: one of them turns nested on.",
        )
    return passed(s, f"{what}, but the {node}'s KVM has nested off", v.source, *nested.sources)


def _vmx_nesting(v: Vm) -> Outcome | None:
    """ESXi: `vhv.enable = "TRUE"` is the .vmx key behind "Expose hardware assisted virtualization
    to the guest OS" (VMware Cloud Director's enableNestedHypervisor: "Expose hardware-assisted
    CPU virtualization to guest OS"); without it the guest gets no VT-x/AMD-V. A .vmx that leaves
    the key out takes it from the host's /etc/vmware/config (vmware.HOST_CONFIG; on ESXi 5.0
    `vhv.allow = "TRUE"` there gave every VM VT-x/AMD-V): None, for the host's question. The
    vSphere API's config.nestedHVEnabled = false renders as an absent key (it does not say
    whether the .vmx sets FALSE or leaves the key out)."""
    s = vm_subject(v)
    ref = v.vmware.at("vhv.enable") if v.vmware is not None else v.source
    if v.nested_virtualization:
        return failed(
            s, "vhv.enable = TRUE: the guest is given VT-x/AMD-V and can run a hypervisor", ref
        )
    if v.vmware is not None and "vhv.enable" in v.vmware.settings:
        return own_keys_pass(
            passed(s, "vhv.enable is FALSE in the VM's own settings: no VT-x/AMD-V", ref)
        )
    return None


def _pve_nesting(v: Vm, h: Host) -> Outcome:
    """Proxmox VE (qm.conf(5) cpu, read with `search` in pve-docs and qemu-server's CPUConfig.pm):
    cputype "default = kvm64" (qemu64 with kvm: 0, get_default_cpu_type); `host` passes the host
    CPU through and `max` turns on every feature KVM offers, so both nest exactly when the host's
    KVM module has nested on; flags +nested-virt/-nested-virt add or remove the host vendor's
    flag; a `custom-` model is defined in /etc/pve/virtual-guest/cpu-models.conf (its own flags,
    and a reported-model that may be host or max), which the VM's file does not hold. Every other
    cputype is a named QEMU model (x86-64-v2/-v2-AES/-v3/-v4 report qemu64 with added flags):
    under KVM, QEMU turns svm off on every named model (target/i386 kvm_default_props: "svm",
    "off", "features that are automatically added/removed from all CPU models when KVM is
    enabled"; upstream QEMU 75d373ef97 "Disable SVM by default in KVM mode", read with `search`)
    and no named model carries vmx; under TCG (kvm: 0) only vme is turned off, so qemu64 and the
    AMD models keep the svm TCG emulates.

    An aarch64 VM (`arch: aarch64`, or no `arch` on an aarch64 node: get_vm_arch) gets `host`
    under KVM and `max` under TCG by default (CPUConfig.pm get_default_cpu_type), and no vmx or
    svm whatever its model: on Arm a guest runs a hypervisor at EL2, which QEMU's `virt` board
    gives it only with the machine option `virtualization=on` ("Set on/off to enable/disable
    emulating a guest CPU which implements the Arm Virtualization Extensions. The default is
    off", QEMU docs/system/arm/virt.rst, read with `read_file`), and qemu-server never sets it
    (config_to_command's machine flags, fetched). A raw `-machine ...,virtualization=on` in
    `args:` does (L14-1: was judged as an x86 kvm64/qemu64 VM, a fail under kvm: 0 and a
    question about kvm_intel's `nested` for `host`)."""
    s = vm_subject(v)
    if v.arch == "aarch64":
        return _pve_arm_nesting(v)
    feats = dict(v.nested_features)
    model = v.cpu_model or "kvm64"
    if feats.get("vmx") == "require":
        return failed(
            s,
            "cpu flags +nested-virt: the guest gets the host CPU's vmx/svm and can run a "
            "hypervisor",
            v.source,
        )
    if feats.get("vmx") == "disable":
        return passed(s, "cpu flags -nested-virt: the host CPU's vmx/svm is removed", v.source)
    nested = h.facts.nested_virtualization
    if v.cpu_mode in ("host-passthrough", "maximum"):
        what = f"cpu: {model} passes the host's vmx/svm through when KVM nests"
        if not nested.known and (loads := _loads_nesting(v, h, what)) is not None:
            return loads
        if not nested.known:
            return host_settings_manual(
                s,
                h,
                nested,
                what,
                _nested_off_question(h, "node", "this VM's cpu type hands it vmx/svm"),
                v.source,
            )
        if nested.get():
            return failed(s, f"{what}, and the node's KVM has nested on", v.source, *nested.sources)
        return _nested_off_now(v, h, what, "node")
    base = "qemu64" if model.startswith("x86-64-v") else _model_base(model)
    tcg = v.hardware_accelerated.known and not v.hardware_accelerated.get()
    if model.startswith("custom-"):
        name = model.removeprefix("custom-")
        asked = (
            f"Does the custom CPU model {name} leave the guest without vmx and svm? Evidence: "
            f"the 'cpu-model: {name}' section of /etc/pve/virtual-guest/cpu-models.conf (its "
            "flags and reported-model, kvm64 where unset: CPUConfig.pm $cpu_fmt)"
        )
        if tcg:
            # under TCG the node's KVM nesting does not matter, and qemu64 and the AMD models
            # carry the svm TCG emulates (the named-model reading below): "a named model" or
            # "nesting is off" passed a guest that runs a hypervisor (R47T-4)
            return manual(
                s,
                f"kvm: 0 runs the VM under TCG, and cpu: {model} is defined in "
                "/etc/pve/virtual-guest/cpu-models.conf, which was not read: its flags and "
                "reported-model decide whether the guest gets vmx/svm",
                v.source,
                question=f"{asked}. Pass: yes, its flags add none of +vmx, +svm, +nested-virt "
                "and its reported-model is none of qemu64, phenom, the Opteron and EPYC models, "
                "Dhyana and max (which carry svm under TCG); fail: it adds one of them, "
                "or reports one of those models.",
            )
        return manual(
            s,
            f"cpu: {model} is defined in /etc/pve/virtual-guest/cpu-models.conf, which was not "
            "read: its flags and reported-model decide whether the guest gets vmx/svm",
            v.source,
            question=f"{asked}, with {_nested_files(h)} on node {h.name}. Pass: yes, its flags "
            "add none of +vmx, +svm, +nested-virt and its reported-model is a named model, or "
            "the node's KVM nesting is off; fail: it adds one of them, or reports host or max "
            "while nesting is on.",
        )
    if tcg and (base in SVM_MODELS or base.startswith("EPYC")):
        return failed(
            s,
            f"kvm: 0 runs the VM under TCG, and cpu {model} carries svm there: the guest can run "
            "a hypervisor",
            v.source,
        )
    if tcg and base not in PLAIN_MODELS:
        # CPUConfig.pm validate_vm_cpu_conf: a cputype missing from the node's model list
        # (/usr/share/kvm/cpu-models-x86_64.json, names as QEMU spells them) is refused ("Built-in
        # cputype ... is not defined") and parse_vm_config drops `cpu`: the VM runs the default,
        # qemu64 under TCG, which keeps svm (P21-2); a model hvaudit does not know may carry it too
        return manual(
            s,
            f"kvm: 0 runs the VM under TCG, and cpu {model} is no QEMU x86 model hvaudit knows: "
            "if the node's QEMU lacks it, qemu-server drops `cpu` and runs qemu64, which carries "
            "svm under TCG; a model it has may carry svm itself",
            v.source,
            question=f"Does VM {v.name} run without the svm and vmx flags? Evidence: the -cpu "
            f"argument of `qm showcmd {v.uuid}` on node {h.name} (and whether "
            f"/usr/share/kvm/cpu-models-x86_64.json lists {model}), or grep -cwE 'vmx|svm' "
            "/proc/cpuinfo inside the guest. Pass: yes, -cpu names a model without svm and "
            "the guest sees neither flag; fail: -cpu is qemu64 (or another model with svm), so "
            "the guest can run a hypervisor.",
        )
    return passed(
        s,
        f"cpu: {model} (a named model; QEMU turns svm off on named models under KVM, and none "
        "carries vmx)",
        v.source,
    )


def _pve_arm_nesting(v: Vm) -> Outcome:
    """HVA-049 on an aarch64 Proxmox VE VM: EL2 only where raw arguments turn the virt board's
    `virtualization` on (QEMU merges every -machine/-M into one set of machine options, the
    last value of a key winning)."""
    s = vm_subject(v)
    machine: dict[str, str] = {}
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name in ("machine", "M"):
            machine.update(parse_opts(o.text, "type"))
    if machine.get("virtualization", "").lower() in ("on", "yes", "true", "y"):
        return failed(
            s,
            "QEMU argument -machine virtualization=on gives the aarch64 guest EL2: it can run "
            "a hypervisor",
            v.source,
        )
    return passed(
        s,
        f"arch aarch64, cpu {v.cpu_model}: QEMU's virt board gives the guest no EL2 "
        "(virtualization defaults to off, which qemu-server does not set)",
        v.source,
    )


#: `-set tpmdev.ID.type=VALUE` (qemu_set_option's "%63[^.].%63[^.].%63[^=]" with group tpmdev
#: and arg type, tpmdev's implied key).
#: The host's TPM character devices: the raw device and the kernel's resource manager
#: (drivers/char/tpm/tpm-chip.c: "tpm%d" and "tpmrm%d").
_HOST_TPM = re.compile(r"/dev/tpm(rm)?[0-9]+")

_TPMDEV_TYPE_SET = re.compile(r"tpmdev\.([^.]{1,63})\.type=(.*)\Z", re.S)


@check(
    id="HVA-056",
    title="VM is not given the host's TPM",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-2014:HY-SR-3": "the host TPM holds the measurements of the hypervisor's "
        "launch; a guest that owns it can read and extend the host's PCRs",
        "sp800-125a-r1:HY-SR-1": "the host TPM holds the measurements of the hypervisor's "
        "launch; a guest that owns it can read and extend the host's PCRs",
    },
    remediation={
        "kvm-libvirt": "Replace <backend type='passthrough'> with <backend type='emulator' "
        "version='2.0'/> (a per-VM swtpm).",
        "proxmox-ve": "Remove the -tpmdev passthrough QEMU argument (args:), and any serialN "
        "or raw -chardev/-serial of /dev/tpm* or /dev/tpmrm*, and give the VM a tpmstate0 disk "
        "(a per-VM swtpm) instead.",
        "vmware-esxi": "No change needed: a vTPM is the VM's own.",
    },
    platforms=VM_PLATFORMS,
    per_vm=True,
)
@qemu_config_unread("a TPM passthrough (a [tpmdev] of type passthrough)")
@raw_arguments_unseen("a TPM passthrough (-tpmdev passthrough)")
def no_tpm_passthrough(ctx: Context) -> Iterator[Outcome]:
    """A passthrough TPM gives one guest exclusive use of the host's TPM (libvirt formatdomain,
    "TPM device": backend type passthrough), the root of the host's measured boot and
    attestation; an emulated TPM (swtpm) is per VM and leaves the host's alone. Proxmox VE
    (qm.conf(5), read with `search`): `tpmstate0` is the state disk of the VM's own swtpm
    (qemu-server QemuServer.pm add_tpm_device), and qm.conf has no TPM passthrough; only raw
    QEMU arguments (`args: -tpmdev passthrough,...`, qemu-options.hx) can hand over the host's
    TPM, in any spelling QEMU reads (`-tpmdev type=passthrough,...`: qemu_tpmdev_opts'
    implied key is type; hvaudit.parse.qemu_args, R5-4), or `-set tpmdev.ID.type=passthrough`,
    which QEMU applies to a -tpmdev given earlier (system/vl.c qemu_set_option): libvirt's own
    is `-tpmdev emulator,id=tpm-tpm0,chardev=chrtpm` (tpm-<device alias>) and <qemu:commandline>
    arguments come after it, so such a -set of an id no raw -tpmdev has retypes libvirt's
    backend. A raw `-tpmdev emulator` connects an swtpm, a TPM that is not the host's: a pass,
    not "no TPM device" (R10-11). VMware: `vtpm.present` adds a virtual TPM whose state is the
    VM's own (encrypted in its
    .nvram); the .vmx has no key that hands the guest a host TPM. A chardev of type='dev'
    (<serial>, <channel> ...) whose source is the host's TPM (/dev/tpm0, or the kernel's
    resource manager /dev/tpmrm0: drivers/char/tpm/tpm-chip.c names them "tpm%d", "tpmrm%d") is
    the host's TPM too: libvirt chowns it to the QEMU user and labels it for the VM
    (virSecurityDACSetChardevLabel, virSecuritySELinuxSetChardevLabel, VIR_DOMAIN_CHR_TYPE_DEV),
    and QEMU relays what the guest writes (a virtio-serial port a whole command at a time) to
    the host's TPM driver: a fail, not "no TPM device" (R17-3); so do raw `-chardev
    serial|tty,path=` and `-serial /dev/...` (hvaudit.parse.qemu_args.raw_chardev_passthrough,
    R17-4), and Proxmox VE's `serialN: /dev/tpm0`: qemu-server's $serialdesc pattern is
    `(/dev/[^,]+|socket)` and config_to_command checks only `-c $path` before `-chardev
    serial,id=serialN,path=$path` (QemuServer.pm, qemu-server e6352be), and its QEMU runs as
    root (L18-4P). A path is judged by the node it reaches (`host_device_name`): `..` and
    doubled slashes dropped, udev's /dev/char/10:224 the first TPM (tpm-chip.c MKDEV(MISC_MAJOR,
    TPM_MINOR), TPM_MINOR 224); a link whose target the evidence does not hold
    (/dev/serial/by-id/..., a dynamic /dev/char number such as a tpmrm's, a udev SYMLINK) is the
    question whether it leads to the TPM, never a pass (L18-9P)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        platform = hosts[v.host].platform
        opts = qemu_options(v.raw_hypervisor_arguments)
        raw = [o for o in opts if o.name == "tpmdev" and o.kind == "passthrough"]
        own_ids = {o.props.get("id") for o in opts if o.name == "tpmdev"}
        retyped = [
            o.text
            for o in opts
            if o.name == "set"
            and (m := _TPMDEV_TYPE_SET.match(o.text)) is not None
            and m.group(1) not in own_ids
            and m.group(2) == "passthrough"
        ]
        if raw:
            yield failed(
                s,
                f"QEMU argument {raw[0].shown()}: the guest owns the host's TPM",
                v.source,
            )
        elif retyped:
            yield failed(
                s,
                f"QEMU argument -set {retyped[0]}: it turns the TPM backend libvirt starts "
                "(-tpmdev ...,id=tpm-ALIAS) into passthrough, so the guest owns the host's TPM",
                v.source,
            )
        elif host_tpm := [
            p
            for p in v.passthrough
            if p.kind == HOST_CHARDEV and _HOST_TPM.fullmatch(host_device_name(p.address) or "")
        ]:
            shown = [
                p.address + ("" if name == p.address else f" ({name})")
                for p in host_tpm
                if (name := host_device_name(p.address))
            ]
            yield failed(
                s,
                f"host TPM device {', '.join(shown)} given to the guest as a character device: "
                "the guest sends the host's TPM its commands",
                *(p.source_ref for p in host_tpm),
            )
        elif platform not in ("vmware-esxi", "proxmox-ve") and "passthrough" in v.tpm_backends:
            # a fail whatever a host device link below would answer (R34S-1: its question came
            # first, and "yes, no TPM" passed the passthrough backend unasked)
            yield failed(s, "TPM backend passthrough: the guest owns the host's TPM", v.source)
        elif links := [
            p
            for p in v.passthrough
            if p.kind == HOST_CHARDEV and host_device_name(p.address) is None
        ]:
            # a link (/dev/serial/by-id/..., /dev/char/MAJ:MIN of a dynamic number, a udev
            # SYMLINK) may be the host's TPM: QEMU opens what it points to (L18-9P)
            paths = ", ".join(p.address for p in links)
            yield manual(
                s,
                f"host character device(s) {paths} given to the guest: a link whose target the "
                "evidence does not hold, which may be the host's TPM",
                *(p.source_ref for p in links),
                question=f"Does every host device path VM {v.name} is given on host {v.host} "
                f"({paths}) lead to a device other than the host's TPM? Evidence: `readlink -f "
                f"{links[0].address}` (each path) and `ls -l /dev/tpm* /dev/char/` on {v.host}. "
                "Pass: yes, each resolves to a device other than /dev/tpmN and /dev/tpmrmN; "
                "fail: no, one resolves to either.",
            )
        elif not v.tpm_backends and (emulated := _raw_tpm_emulators(v)):
            # an swtpm that raw arguments connect is a TPM, and not the host's (R10-11)
            yield passed(
                s,
                "QEMU argument "
                + "; ".join(arg for _, arg in emulated)
                + ": an emulated TPM (swtpm), not the host's",
                v.source,
            )
        elif platform == "vmware-esxi":
            ref = v.vmware.at("vtpm.present") if v.vmware is not None else v.source
            if v.vtpm:
                yield passed(s, "vtpm.present = TRUE: a virtual TPM of the VM's own", ref)
            else:
                yield not_applicable(s, "no TPM device (no vtpm.present = TRUE)", ref)
        elif platform == "proxmox-ve" and not v.tpm_backends:
            yield not_applicable(s, "no TPM device (no tpmstate0)")
        elif platform == "proxmox-ve":
            yield passed(
                s, "tpmstate0: the VM's own swtpm (qm.conf has no TPM passthrough)", v.source
            )
        elif not v.tpm_backends:
            yield not_applicable(s, "no TPM device")
        else:
            yield passed(s, "TPM backend(s): " + ", ".join(v.tpm_backends), v.source)


@check(
    id="HVA-057",
    title="VM shares no memory with other VMs (ivshmem)",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "The 2014 HY-SR-5 keeps a faulty device model's reach to its own VM; hvaudit counts "
            "device access beyond the VM's own (Rev. 1 HY-SR-7 says it in its text) against it."
        ),
    },
    remediation={
        "kvm-libvirt": "Remove <shmem> devices, and memory devices (nvdimm, virtio-pmem) backed by "
        "a file another VM maps or opens as a disk, unless the VMs sharing them are one trust "
        "domain.",
        "proxmox-ve": "Remove the VM's ivshmem setting (and any ivshmem QEMU argument) unless the "
        "VMs sharing it are one trust domain.",
        "vmware-esxi": "Set vmci0.unrestricted = FALSE (or remove it), or move the host to ESXi "
        "5.1 or later, where it has no effect.",
    },
    platforms=VM_PLATFORMS,
    peers=(
        "shared_memory_files",
        "private_memory_files",
        "shmem_files",
        "raw_hypervisor_arguments",
        "disks",
        "boot_files",
    ),
)
@qemu_config_unread("an ivshmem device (a [device] of driver ivshmem-plain or ivshmem-doorbell)")
@raw_arguments_unseen(
    "inter-VM shared memory (-device ivshmem-plain or ivshmem-doorbell, -object memory-backend-file with a mem-path)"
)
def no_shared_memory(ctx: Context) -> Iterator[Outcome]:
    """An ivshmem `<shmem>` device maps one host memory region into every VM (and host process)
    that names it (libvirt formatdomain, "Shared memory device"): a channel between VMs that the
    hypervisor's memory isolation does not stand between. So is a host file two VMs map as
    memory with access shared (formatdomain, "Memory devices": an nvdimm or virtio-pmem
    <source><path> is the backing file, `access` "the same as Memory Backing", where shared maps
    it MAP_SHARED; a device without its own access takes the memAccess of the NUMA <cell> it is
    plugged into, else <memoryBacking><access mode>: qemu_command.c
    qemuBuildMemoryBackendProps, hvaudit.parse.libvirt_xml._memory_device_access): each sees the
    other's writes at once. One file is one file in any spelling the kernel resolves alike
    (`//`, `/./`; same_file, R10-2). Raw QEMU arguments map one the same way: `-object
    memory-backend-file,mem-path=PATH,share=on` (R10-9); a mem-path may also be a directory,
    where QEMU maps a file of the VM's own, so a path only raw arguments share is a question,
    and one a definition maps as its nvdimm is a file. A VM that maps such a file private (its
    nvdimm's access private or unset, a raw backend without share=on) beside a VM that maps it
    shared reads what that VM writes: mmap(2), MAP_PRIVATE: "It is unspecified whether changes
    made to the file after the mmap() call are visible in the mapped region", and on Linux a
    page the private mapper has not written is the file's page, so it is: a channel from the
    sharing VM to the private one, a fail for both (two private mappers alone write nothing
    into the file, no channel). Proxmox VE (qm.conf(5) `ivshmem`:
    "Inter-VM shared memory. Useful for direct communication between VMs, or to the host"):
    qemu-server maps /dev/shm/pve-shm-<name, default the VMID> shared into the VM (QemuServer.pm
    config_to_command: ivshmem-plain over memory-backend-file share=on), and raw QEMU arguments
    can add an ivshmem device as well, in any spelling QEMU reads (`-device
    driver=ivshmem-plain,...`, the JSON `-device {"driver": "ivshmem-plain", ...}`:
    hvaudit.parse.qemu_args, R5-3). A libvirt ivshmem-plain `<shmem name='NAME'>` maps such a
    file too: the QEMU driver backs it with a memory-backend-file of mem-path /dev/shm/NAME and
    share=on (qemu_command.c qemuBuildShmemBackendMemProps; libvirt's
    tests/qemuxml2argvdata/shmem-plain-doorbell.x86_64-latest.args and virt-aa-helper's copy of
    the path, read with `read_file` / `find_string`), so a VM that maps /dev/shm/NAME by an
    nvdimm or a raw memory backend shares memory with the <shmem> VM (R14-1, was "no <shmem>
    device"); an ivshmem-doorbell device's memory is its ivshmem-server's, which no definition
    names. A <qemu:override> setting another device's `driver` to ivshmem-plain or
    ivshmem-doorbell makes it one (libvirt docs/drvqemu.rst, "Overriding properties of QEMU
    devices": the property "overrides what libvirt formats via -device"; qemu_command.c
    qemuBuildDeviceCommandlineHandleOverrides; R39D-1). VMware has no shared-memory device;
    its inter-VM channel was VMCI with `vmci0.unrestricted = TRUE`, which "could communicate
    with all host endpoints
    and other virtual machines" on ESX/ESXi 4.0 to 5.0 and has no effect as of ESXi 5.1 (VMware's
    VMCI Sockets guide, "VMCI isolation", read with `search`).

    A memory device's file may be another VM's disk image (R18-1): QEMU maps it into this
    guest's memory (virtio-pmem "whose storage is provided by above memory backend device",
    QEMU docs/system/devices/virtio-pmem.rst; libvirt's domain_postparse.c
    virDomainMemoryDefPostParse: "Virtio-pmem mandates shared access so that guest writes get
    reflected in the underlying file"), and libvirt opens it for this VM at each start
    (virt-aa-helper adds the nvdimm and virtio-pmem path "rw" to the VM's AppArmor profile, the
    DAC and SELinux drivers label it, virSecuritySELinuxSetMemoryLabel with the VM's image
    label, read with `find_string`). A VM writes its disk as a shared mapper writes the file,
    a read-only disk (a CD-ROM, <readonly/>, a <backingStore> layer) reads it as a private
    mapper does: a memory map of another VM's writable disk reads that VM's data (a shared
    one writes into it too), a shared map of a read-only disk writes what its VM reads; a
    private map of a read-only disk is no channel. Both VMs fail, as for two mappings. The
    files of a VM's firmware, direct boot and devices count as its disks (R19-9): a UEFI
    variable store is written, a kernel, initrd, option ROM or fw_cfg file read. These
    comparisons cover the VMs read only: beside a guest whose definition was not read, a VM
    that maps a file or has one is asked whether that guest maps it (unread_peers, R29D-1)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    pools = {(p.host, p.name): p for p in ctx.deployment.pools}
    # (host, file) -> (VM, mapped by raw arguments, mapped shared) of each mapping
    users: dict[tuple[str, str], list[tuple[str, bool, bool]]] = {}
    # (host, file) -> (VM, writes it, what it is) of each disk image, backing layer (R18-1)
    # and firmware, direct-boot or device file (R19-9)
    disks: dict[tuple[str, str], list[tuple[str, bool, str]]] = {}
    for v in ctx.deployment.vms:
        for path, raw_arg, shared in _mapped_files(v):
            users.setdefault((v.host, same_file(path)), []).append((v.name, bool(raw_arg), shared))
        for path, writes, role in _disk_images(v, pools):
            disks.setdefault((v.host, same_file(path)), []).append((v.name, writes, role))
        # an ivshmem-plain <shmem>'s own file: a peer for the VMs that map it otherwise (R14-1)
        for path in v.shmem_files:
            users.setdefault((v.host, same_file(path)), []).append((v.name, False, True))
    relying: dict[str, list[Vm]] = {}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        h = hosts[v.host]
        if h.platform == "vmware-esxi":
            vmci = _vmci_unrestricted(v, h)
            if vmci is None:
                relying.setdefault(v.host, []).append(v)
            else:
                yield vmci
            continue
        files: list[tuple[str, str]] = []
        unsure: list[tuple[str, str]] = []
        for path, raw_arg, shared in _mapped_files(v):
            use = users[(v.host, same_file(path))]
            sharers = sorted({n for n, _, sh in use if n != v.name and sh})
            readers = sorted({n for n, _, sh in use if n != v.name and not sh})
            shown = f"QEMU argument {raw_arg}" if raw_arg else path
            if shared and sharers and readers:
                text = (
                    f"{shown} (mapped shared by VM(s) {', '.join(sharers[:5])} too; mapped "
                    f"private by VM(s) {', '.join(readers[:5])}, which read its writes)"
                )
            elif shared and sharers:
                text = f"{shown} (mapped shared by VM(s) {', '.join(sharers[:5])} too)"
            elif shared and readers:
                text = (
                    f"{shown} (mapped private by VM(s) {', '.join(readers[:5])}, which read "
                    "its writes)"
                )
            elif not shared and sharers:
                # a MAP_PRIVATE page shows the file until the VM writes it (mmap(2))
                text = (
                    f"{shown} (mapped private here, which reads what VM(s) "
                    f"{', '.join(sharers[:5])} write into it shared)"
                )
            else:
                continue
            # a raw mem-path may be a directory, in which QEMU maps a file of its own (R10-9);
            # a definition's nvdimm or virtio-pmem path is the file itself
            linked = [u for u in use if u[0] == v.name or u[2] or shared]
            (unsure if all(by_raw for _, by_raw, _ in linked) else files).append((path, text))
        for path, raw_arg, shared in _mapped_files(v):
            # another VM's disk image mapped as this VM's memory (R18-1): a file, not a directory
            on_disk = [d for d in disks.get((v.host, same_file(path)), []) if d[0] != v.name]
            writers = sorted({n for n, w, _ in on_disk if w})
            readers = sorted({n for n, w, _ in on_disk if not w})
            shown = f"QEMU argument {raw_arg}" if raw_arg else path
            if writers:
                role = next(r for _, w, r in on_disk if w)
                files.append(
                    (
                        path,
                        f"{shown} (the {role} of VM(s) {', '.join(writers[:5])}, whose data "
                        f"this VM {'reads and writes' if shared else 'reads'})",
                    )
                )
            elif readers and shared:
                role = on_disk[0][2]
                files.append(
                    (
                        path,
                        f"{shown} (a read-only {role} of VM(s) {', '.join(readers[:5])}, "
                        "which read what this VM writes into it)",
                    )
                )
        for path, writes, role in _disk_images(v, pools):
            mappers = [
                (n, sh)
                for n, _, sh in users.get((v.host, same_file(path)), [])
                if n != v.name and (sh or writes)
            ]
            if mappers:
                names = ", ".join(sorted({n for n, _ in mappers})[:5])
                how = (
                    "which read and write its data"
                    if any(sh for _, sh in mappers)
                    else "which read its data"
                )
                files.append((path, f"{role} {path} (mapped as memory by VM(s) {names}, {how})"))
        raw = [
            f"QEMU argument {o.shown()}"
            for o in qemu_options(v.raw_hypervisor_arguments)
            if o.name == "device" and o.kind.startswith("ivshmem")
        ]
        # a <qemu:override> whose `driver` makes one of libvirt's devices ivshmem-plain or
        # ivshmem-doorbell (libvirt qemu_command.c qemuBuildDeviceCommandlineHandleOverrides
        # replaces the key; docs/drvqemu.rst "Overriding properties of QEMU devices"; R39D-1)
        raw += [
            f"{o.kind} ({how})" for o, how in overridden_devices(v) if o.kind.startswith("ivshmem")
        ]
        if v.shared_memory or files or raw:
            yield failed(
                s,
                "inter-VM shared memory: "
                + ", ".join([*v.shared_memory, *(t for _, t in files), *raw]),
                v.source,
            )
            continue
        # the open conditions of this VM, asked in one item (R34S-5: the mem-path question
        # stopped the chain, and "yes" passed a vhost-user socket's question unasked)
        asks: list[Outcome] = []
        if unsure:
            paths = ", ".join(sorted({p for p, _ in unsure}))
            asks.append(
                manual(
                    s,
                    "memory backend(s) shared by raw QEMU arguments of several VMs: "
                    + ", ".join(t for _, t in unsure),
                    v.source,
                    question=f"Is each mem-path {paths} on host {v.host} a directory, not a "
                    f"file? Evidence: `stat -c %F PATH` on {v.host}. Pass: yes, a directory, in "
                    "which QEMU maps a file of each VM's own; fail: a file, which every VM "
                    "naming it maps shared and writes into.",
                )
            )
        if (
            (listening := _vhost_user_listening(v))
            + (bindable := _vhost_user_bindable(v, h))
            + (abstract := _vhost_user_abstract(v))
        ):
            parts, questions = [], []
            if listening:
                paths = ", ".join(sorted({p for p, _ in listening}))
                parts.append(
                    "vhost-user socket(s) QEMU listens on, whose peer is handed the guest's "
                    "memory: " + ", ".join(t for _, t in listening)
                )
                questions.append(
                    f"Can only the VM's vhost-user back end connect to each socket {paths} "
                    f"on host {v.host}? Evidence: `ls -lZ PATH` and the permissions and label "
                    f"of its directory on {v.host}, `ss -xlp` for the listener. Pass: yes, only "
                    "the back end's user and label may connect; fail: another user, another "
                    "VM's QEMU or another label can connect first, and QEMU maps the guest's "
                    "memory into it."
                )
            if bindable:
                paths = ", ".join(sorted({p for p, _ in bindable}))
                parts.append(
                    "vhost-user socket(s) QEMU connects to in a directory every local user may "
                    "create files in, whose listener is handed the guest's memory: "
                    + ", ".join(t for _, t in bindable)
                )
                questions.append(
                    f"Is each vhost-user socket {paths} on host {v.host} created and listened "
                    "on only by the VM's own vhost-user back end, whenever the VM starts or "
                    f"reconnects? Evidence: `ls -l PATH` (the socket's owner) and `ss -xlp` "
                    f"(the listening process) on {v.host}. Pass: yes, the back end's user owns "
                    "each socket and the back end listens on it; fail: another user can bind "
                    "the path first in that world-writable directory, and QEMU, connecting to "
                    "it, maps the guest's memory into that user's process."
                )
            if abstract:
                names = ", ".join(sorted({p for p, _ in abstract}))
                parts.append(
                    "vhost-user socket(s) QEMU connects to in the abstract socket namespace, "
                    "whose name every local process may bind and whose listener is handed the "
                    "guest's memory: " + ", ".join(t for _, t in abstract)
                )
                questions.append(
                    f"Is each abstract vhost-user socket {names} on host {v.host} bound only by "
                    "the VM's own vhost-user back end, whenever the VM starts or reconnects? "
                    f"Evidence: `ss -xlp` on {v.host} (the process listening on @NAME). Pass: "
                    "yes, the back end listens on each name; fail: another local process can "
                    "bind the name first (no file permission guards an abstract socket), and "
                    "QEMU, connecting to it, maps the guest's memory into that process."
                )
            if len(questions) > 1:
                # one question an attestation answers, not one per kind of socket (R24W-2)
                questions = [_vhost_user_question(v, listening, bindable, abstract)]
            asks.append(manual(s, "; ".join(parts), v.source, question=questions[0]))
        none = "no ivshmem" if h.platform == "proxmox-ve" else "no <shmem> device"
        outcome = joined_asks(s, asks) if asks else passed(s, none, v.source)
        mapped, own = _mapped_files(v), _disk_images(v, pools)
        if not (mapped or own):
            yield outcome
            continue
        # a guest not read may map this VM's files, or the file it maps (R29D-1); beside a
        # question as beside the pass, whose "yes" passed the comparison unasked (R35T-3)
        may = " or ".join(
            [
                *(["map a file VM " + v.name + " maps as memory"] * bool(mapped)),
                *(
                    [f"map one of the disk, firmware or boot files of VM {v.name} as memory"]
                    * bool(own)
                ),
            ]
        )
        yield unread_peers(outcome, h, may)
    yield from host_default_questions(
        ctx,
        relying,
        "vmci0.unrestricted",
        "it to FALSE",
        "it sets it to TRUE and the host runs ESXi 5.0 or older, where it takes effect",
        "vmci0.unrestricted",
    )


def _vhost_user_question(
    v: Vm,
    listening: list[tuple[str, str]],
    bindable: list[tuple[str, str]],
    abstract: list[tuple[str, str]],
) -> str:
    """The one question for a VM with vhost-user sockets of more than one kind: QEMU listening
    on some (_vhost_user_listening), connecting to others in a world-writable directory
    (_vhost_user_bindable) or in the abstract namespace (_vhost_user_abstract) (R24W-2)."""
    kinds = []
    if listening:
        paths = ", ".join(sorted({p for p, _ in listening}))
        kinds.append(f"{paths}, which QEMU listens on: only the back end may connect")
    if bindable:
        paths = ", ".join(sorted({p for p, _ in bindable}))
        kinds.append(
            f"{paths}, which QEMU connects to in a world-writable directory: only the back "
            "end creates and listens on it"
        )
    if abstract:
        names = ", ".join(sorted({p for p, _ in abstract}))
        kinds.append(f"abstract {names}, which QEMU connects to: only the back end binds the name")
    return (
        f"Is each vhost-user socket of VM {v.name} on host {v.host} used only by its own "
        f"vhost-user back end, whenever the VM starts or reconnects ({'; '.join(kinds)})? "
        f"Evidence: `ls -lZ PATH` and the permissions and label of its directory, and `ss "
        f"-xlp` (the process listening on each path or @NAME) on {v.host}. Pass: yes, for every "
        "socket; fail: another user, another VM's QEMU or another local process can connect "
        "to one QEMU listens on, or bind one QEMU connects to first, and QEMU maps the "
        "guest's memory into it."
    )


def _vhost_user_listening(v: Vm) -> list[tuple[str, str]]:
    """The vhost-user sockets QEMU creates and listens on for `v`, each (path, as shown)
    (R23V-1). The vhost-user front end hands its back end the guest's memory: QEMU
    docs/interop/vhost-user.rst, VHOST_USER_SET_MEM_TABLE, "Sets the memory map regions on the
    back-end so it can translate the vring addresses. In the ancillary data there is an array
    of file descriptors for each memory mapped region" (read with `find_string`), and either
    side may listen ("Master and slave can be either a client (i.e. connecting) or server
    (listening)", rust-vmm/vhost README, read with `search`). Where QEMU listens, the back end
    is whoever connects first: a libvirt `<interface type='vhostuser'>` whose `<source
    mode='server'>`, or raw arguments' `-chardev socket,server=on` named by a `-netdev
    vhost-user` or a `-device vhost-user-*` (libvirt formatdomain: "when ``mode='server'`` is
    used, the hypervisor will wait for the incoming connection", read with `search`). libvirt
    labels a socket QEMU binds only where it exists before QEMU starts (security_selinux.c
    virSecuritySELinuxSetChardevLabel and security_dac.c: `if (!dev_source->data.nix.listen ||
    (dev_source->data.nix.path && virFileExists(dev_source->data.nix.path)))`, "Also label
    mode='bind' sockets if they exist", read with `find_string`); one QEMU creates has QEMU's
    owner and label, so who may connect is its directory's and the labels' business, which the
    definition does not show. A socket QEMU connects to is the back end's own (mode='client')."""
    out = [
        (i.source, f"vhost-user interface socket {i.source} (mode server)")
        for i in v.interfaces
        if i.type == "vhostuser" and i.socket_mode == "server"
    ]
    return out + _raw_vhost_user_sockets(v, listening=True, where=lambda o: bool(_path(o)))


def _path(o: QemuOption) -> str:
    """A -chardev's path= value."""
    return o.props.get("path", "")


def _raw_vhost_user_sockets(
    v: Vm, *, listening: bool, where: Callable[[QemuOption], bool]
) -> list[tuple[str, str]]:
    """Raw arguments' `-chardev socket,path=...` named by a `-netdev vhost-user` or a `-device
    vhost-user-*`, QEMU listening on it (server=on) or connecting to it as `listening` says,
    which `where` keeps; each (path, as shown)."""
    opts = qemu_options(v.raw_hypervisor_arguments)
    chardevs = {
        o.props.get("id"): o
        for o in opts
        if o.name == "chardev" and o.kind == "socket" and o.flag("server") == listening and where(o)
    }
    how = "listening" if listening else "connecting"
    out = []
    for o in opts:
        user = (o.name == "netdev" and o.kind == "vhost-user") or (
            o.name == "device" and o.kind.startswith("vhost-user-")
        )
        chardev = chardevs.get(o.props.get("chardev")) if user else None
        if chardev is not None:
            out.append(
                (chardev.props["path"], f"QEMU argument {chardev.shown()} ({how}, for {o.shown()})")
            )
    return out


#: Directories every local user may create files in: systemd's tmpfiles.d/tmp.conf `D /tmp
#: 1777 root root` and `q /var/tmp 1777 root root 30d`, and /dev/shm (systemd mount-setup.c
#: `{ "tmpfs", "/dev/shm", "tmpfs", "mode=1777", ...`), read with `find_string` (R23M-2); and
#: on Debian and the distributions built on it (Proxmox VE) /run/lock, which /var/lock links to:
#: Debian's systemd patch "Make /run/lock tmpfs an API fs", "The /run/lock directory is
#: world-writable in Debian due to historic reasons" (read with `search`, R24V-1).
_WORLD_WRITABLE_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock")  # noqa: S108

#: The distributions (os-release ID or ID_LIKE) whose /run/lock is upstream systemd's
#: tmpfiles.d/legacy.conf `d /run/lock 0755 root root -` (`L /var/lock - - - - ../run/lock`),
#: which only root may create files in (systemd/systemd tmpfiles.d/legacy.conf.in, read with
#: `read_file`): Fedora and the RHEL family ship it as it is, and Arch too (arch-dev-public
#: "/run/lock permissions": "let us follow whatever is configured in
#: /usr/lib/tmpfiles.d/legacy.conf"; a user wanting lock files there edits its `d /run/lock
#: 0755 root root -` line; read with `search` and `find_string`) (R24W-1). Any other
#: distribution, or an os-release not read, keeps /run/lock as world-writable as Debian's.
_ROOT_ONLY_RUN_LOCK = frozenset({"fedora", "rhel", "centos", "arch"})


def _world_writable_dirs(h: Host) -> tuple[str, ...]:
    """_WORLD_WRITABLE_DIRS on host `h`: /run/lock and /var/lock only where the host is not
    known to run a distribution whose /run/lock is root's alone (_ROOT_ONLY_RUN_LOCK)."""
    osr = h.facts.os_release
    ids = set()
    if osr.known:
        ids = {osr.get().get("ID", ""), *osr.get().get("ID_LIKE", "").split()}
    if ids & _ROOT_ONLY_RUN_LOCK and not ids & {"debian", "ubuntu"}:
        return tuple(d for d in _WORLD_WRITABLE_DIRS if d not in ("/run/lock", "/var/lock"))
    return _WORLD_WRITABLE_DIRS


def _vhost_user_bindable(v: Vm, h: Host) -> list[tuple[str, str]]:
    """The vhost-user sockets QEMU connects to for `v` whose path lies in a directory every
    local user may create files in, each (path, as shown) (R23M-2). QEMU hands the guest's
    memory to the vhost-user back end (VHOST_USER_SET_MEM_TABLE, _vhost_user_listening), and
    where QEMU is the client that back end is whoever listens on the path: in /tmp (mode 1777,
    the sticky bit stops removing another user's file, not creating a name) any local user may
    bind it before the back end does, or after the back end exits and QEMU reconnects
    (<reconnect enabled='yes'>). The sockets QEMU connects to: a `<interface
    type='vhostuser'>` whose `<source mode='client'>`, a `<disk type='vhostuser'>`'s `<source
    type='unix' path>` (formatdomain's example `path='/tmp/vhost-blk.sock'` with `<reconnect
    enabled='yes' timeout='10'/>`), a virtiofs `<filesystem>`'s `<source socket>` of a
    virtiofsd started outside libvirt (libvirt runs `-chardev socket,id=chr-vu-fs0,path=...`
    with no server=on, a libvirt log read with `find_string`), and raw arguments' `-chardev
    socket,path=...` without server=on named by a `-netdev vhost-user` or a `-device
    vhost-user-*`. A socket in a directory of the back end's own (OVS-DPDK's
    /run/openvswitch) is left to it; so is /run/lock on a host whose distribution keeps it
    root's alone (_world_writable_dirs, R24W-1)."""

    dirs = _world_writable_dirs(h)

    def shared(path: str) -> bool:
        # a leading `//` is kept by normpath (POSIX leaves it implementation-defined) but is
        # `/` to Linux's path walk (R24V-1)
        norm = posixpath.normpath("/" + path.lstrip("/")) if path.startswith("/") else path
        if norm.startswith("/var/run/"):
            # /var/run is a link to /run (systemd tmpfiles.d/var.conf.in `L /var/run - - - -
            # ../run`, read with `read_file`): /var/run/lock is /run/lock (R24W-3)
            norm = norm.removeprefix("/var")
        return any(norm.startswith(d + "/") for d in dirs)

    out = [
        (i.source, f"vhost-user interface socket {i.source} (mode client)")
        for i in v.interfaces
        if i.type == "vhostuser" and i.socket_mode != "server" and shared(i.source)
    ]
    out += [
        (d.source, f"vhost-user disk socket {d.source}")
        for d in v.disks
        if d.type == "vhostuser" and d.source and shared(d.source)
    ]
    out += [
        (f.socket, f"virtiofs socket {f.socket}")
        for f in v.shared_directories
        if f.socket and shared(f.socket)
    ]
    return out + _raw_vhost_user_sockets(
        v, listening=False, where=lambda o: not o.flag("abstract") and shared(_path(o))
    )


def _vhost_user_abstract(v: Vm) -> list[tuple[str, str]]:
    """Raw arguments' `-chardev socket,path=NAME,abstract=on` QEMU connects to for a vhost-user
    device, each (name, as shown) (R24V-1). qemu-options.hx: "``abstract=on|off`` specifies
    the use of the abstract socket namespace, rather than the filesystem", and unix(7):
    "Socket permissions have no meaning for abstract sockets" (both read with `find_string`):
    any local process of the host's network namespace may bind the name before the back end
    does, or after it exits, and QEMU hands the guest's memory to it (_vhost_user_bindable)."""
    return _raw_vhost_user_sockets(
        v, listening=False, where=lambda o: o.flag("abstract") and bool(_path(o))
    )


#: What each of Vm.boot_files' kinds is to the VM, as HVA-057 names it (R19-9).
_BOOT_FILE_ROLES = {
    "kernel": "direct-boot kernel",
    "initrd": "direct-boot initrd",
    "dtb": "device tree",
    "loader": "firmware",
    "nvram": "UEFI variable store",
    "rom": "option ROM",
    "fwcfg": "fw_cfg file",
}


def _disk_images(v: Vm, pools: dict[tuple[str, str], Pool]) -> list[tuple[str, bool, str]]:
    """The host files the VM opens as disk images, each with whether it writes it and what it
    is (R18-1): a local disk's source (_libvirt.disk_file) written unless read-only
    (<readonly/>, a CD-ROM or floppy), and each layer of its <backingStore> chain, which QEMU
    opens read-only. A volume of a logical or ZFS pool is its block device (volume_path;
    libvirt's storage translation: `def->src->path = virStorageVolGetPath(vol)`, actual type
    block), and a running block job's <mirror> destination is written (R19-1,
    hvaudit.checks.devices._disk_twins). The files of its firmware, direct boot and devices
    (Vm.boot_files) are opened as VL16-5 counts them: a UEFI variable store written, a
    kernel, initrd, option ROM or fw_cfg file read into the guest, the loader written where
    the VM may write it (R19-9)."""
    out: list[tuple[str, bool, str]] = []
    for d in v.disks:
        if (path := disk_file(d, pools, v.host) or volume_path(d, pools, v.host)) is not None:
            out.append((path, not (d.readonly or d.device in ("cdrom", "floppy")), "disk image"))
        out += [(layer, False, "disk image") for layer in d.backing]
        if d.mirror:
            out.append((d.mirror, True, "disk image"))
    out += [(path, writes, _BOOT_FILE_ROLES[what]) for what, path, writes in v.boot_files]
    return out


def _mapped_files(v: Vm) -> list[tuple[str, str, bool]]:
    """The host files the VM maps as memory, each with the raw QEMU argument that maps it (""
    for the definition's own) and whether it maps it shared: the nvdimm and virtio-pmem paths,
    and raw `-object memory-backend-file,mem-path=PATH` (R10-9; qemu-options.hx: "The mem-path
    provides the path to either a shared memory or huge page filesystem mount", and "The share
    boolean option determines whether the memory region is marked as private to QEMU, or
    shared"; share=on shared, else private; the JSON and keyval spellings alike,
    hvaudit.parse.qemu_args)."""
    out = [(path, "", True) for path in v.shared_memory_files]
    out += [(path, "", False) for path in v.private_memory_files]
    for o in qemu_options(v.raw_hypervisor_arguments):
        path = o.props.get("mem-path", "").strip()
        if o.name == "object" and o.kind == "memory-backend-file" and path:
            out.append((path, o.shown(), o.flag("share")))
    return out


def esxi_version(h: Host) -> tuple[int, int] | None:
    """The ESXi major and minor version the host reports (product "VMware ESXi 8.0.2 ..."), or
    None where it is not known (offline .vmx files have no host)."""
    m = re.search(r"\b([0-9]+)\.([0-9]+)(?:\.[0-9]+)?\b", f"{h.hypervisor} {h.hypervisor_version}")
    return (int(m.group(1)), int(m.group(2))) if m else None


def _vmci_unrestricted(v: Vm, h: Host) -> Outcome | None:
    """HVA-057 for a VMware VM. A .vmx that leaves vmci0.unrestricted out takes it from the
    host's /etc/vmware/config (vmware.HOST_CONFIG): on a host that is not known to run ESXi 5.1
    or later, where the key has no effect, that is the host's question (None; L16-11)."""
    s = vm_subject(v)
    settings = v.vmware.settings if v.vmware is not None else {}
    ref = v.vmware.at("vmci0.unrestricted") if v.vmware is not None else v.source
    unrestricted = settings.get("vmci0.unrestricted")
    version = esxi_version(h)
    if unrestricted is None and (version is None or version < (5, 1)):
        return None
    # read as VMware reads a boolean (vmx_bool: "t", "y" and "" are TRUE too)
    if unrestricted is None or not vmx_bool(unrestricted):
        ok = passed(s, "no shared-memory device and no vmci0.unrestricted = TRUE", ref)
        # the VM's own FALSE decides only where the key takes effect (before ESXi 5.1)
        return ok if version is not None and version >= (5, 1) else own_keys_pass(ok)
    if version is not None and version >= (5, 1):
        return passed(
            s, f"vmci0.unrestricted = TRUE has no effect on ESXi {version[0]}.{version[1]}", ref
        )
    if version is not None:
        return failed(
            s,
            f"vmci0.unrestricted = TRUE on ESXi {version[0]}.{version[1]}: the VM talks to every "
            "other VM with it set over VMCI",
            ref,
        )
    return manual(
        s,
        "vmci0.unrestricted = TRUE; the host's ESXi version is not in the evidence",
        ref,
        question=f"Does the ESXi host running VM {v.name} run version 5.1 or later? Evidence: "
        "the host's version (vSphere Client, host Summary, or `vmware -v` on the host). Pass: "
        "yes, 5.1 or later, where vmci0.unrestricted has no effect; fail: 5.0 or older, so the "
        "VM can reach every other VM that sets it over VMCI.",
    )


@check(
    id="HVA-058",
    title="Host directories are not shared writable with passthrough ownership",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "The 2014 HY-SR-5 keeps a faulty device model's reach to its own VM; hvaudit counts "
            "device access beyond the VM's own (Rev. 1 HY-SR-7 says it in its text) against it."
        ),
    },
    remediation={
        "kvm-libvirt": "Share host directories read-only (<readonly/>), or with accessmode='mapped' "
        "(virtio-9p); keep virtiofs shares on a file system mounted nosuid,nodev.",
        "proxmox-ve": "Keep the directory of each virtiofs directory mapping on a file system "
        "mounted nosuid,nodev; drop -virtfs/-fsdev QEMU arguments with security_model=passthrough.",
    },
    platforms=LINUX_HOST,
    # R14-5, R15-1 and VL16-2 read the other VMs' disks: not a check of each VM by itself
    peers=("disks",),
)
@qemu_config_unread(
    "a shared host directory (an [fsdev] or [virtfs] section, a vhost-user-fs device)"
)
@raw_arguments_unseen(
    "a shared host directory (-fsdev, -virtfs, a vhost-user-fs device, a fat: or vvfat drive)"
)
def shared_directories(ctx: Context) -> Iterator[Outcome]:
    """libvirt formatdomain, "Filesystems": `passthrough` ("The source is accessed with the
    permissions of the user inside the guest") "is the default accessmode if one is not
    specified"; `squash` is "Similar to 'passthrough', the exception is that failure of
    privileged operations like 'chown' are ignored"; `mapped` accesses the source "with the
    permissions of the hypervisor (QEMU process)"; "For driver type virtiofs, only passthrough
    is supported"; a share is read-write unless `<readonly/>`. With passthrough or squash the
    guest's file ownership and modes land on the host files as they are: guest root can leave
    set-uid programs or device nodes in a host directory (squash only hides the chown that
    fails). So a writable 9p share needs 'mapped'; a writable virtiofs share is a question of
    where the directory lives (a nosuid,nodev mount). Proxmox VE (qm.conf(5), read with
    `search`): `virtiofs[n]: [dirid=]<mapping-id>` shares the directory that the cluster mapping
    names per node (/etc/pve/mapping/dir.cfg, not in the VM's file) through a virtiofsd with no
    read-only option, so each share is the same nosuid,nodev question; raw QEMU arguments
    (`args: -virtfs ...,security_model=passthrough|none` or `-fsdev local,...`; qemu-options.hx:
    passthrough keeps the guest's ownership, none likewise without failing) are 9p shares.
    Raw arguments can add a virtiofs share too: `-device vhost-user-fs-pci,chardev=ID` (or
    vhost-user-fs-device/-ccw) mounts in the guest what the daemon on that chardev's socket
    serves (QEMU commit 9d59bed1da, "virtio: add vhost-user-fs-pci device"), the external
    virtiofsd question of a <source socket> (R8-3, was n/a). A raw 9p share that is read-only or
    maps ownership is a share all the same: the pass of a <filesystem> so configured, not
    "no host directory shared" (R8-8). A virtiofs share's <readonly/> is no pass by itself: the
    guest's writes reach virtiofsd, not QEMU, and only a daemon run with --readonly refuses them
    (libvirt issue #23: <readonly/> on virtiofs "simply gets ignored, possibly leading to a false
    sense of security", after which libvirt refused it; virtiofsd added --readonly in 1.13.0,
    its changelog "Add --readonly flag"), which the definition does not show: the virtiofs
    question, naming the mark (R8-10). The host's process list settles it for a running VM:
    a share whose every running virtiofsd (serving its directory, `--shared-dir` or the legacy
    `-o source=`, or listening on its <source socket>) runs with `--readonly` is read-only and
    passes; the legacy `-o` list has no readonly word (virtiofsd main.rs parse_compat exits on
    it), so nothing else proves it (R9-3). A read-only 9p share is QEMU's own readonly=on and
    passes. A directory raw arguments expose as a virtual FAT disk (`fat:rw:DIR`, vvfat) is
    written back with QEMU's own ownership, FAT having none: mapped (_raw_vvfat, R12-4); a
    `<disk type='dir'>` is such a virtual FAT, which libvirt keeps read-only (_fat_disks,
    R12-7). Whatever the ownership mode, a 9p share of a directory that holds another VM's disk
    image (a share of /, of /var/lib/libvirt/images) hands the guest that image: virt-aa-helper
    puts the whole shared tree into the VM's AppArmor profile and libvirt's DAC driver gives
    every running VM's image to the one QEMU user (_shares_holding_disks, R14-5, was the pass
    "read-only or with mapped ownership"): a fail, unless SELinux confines the VMs (each image
    keeps its own VM's MCS categories); where the host's security driver was not read, a
    question. A read-only share does not count another VM's read-only disk or CD-ROM (an ISO
    library): it reads what that VM cannot write either. Another VM's volume whose pool the
    bundle lacks may be a file in the shared directory: a question (_unplaced_volumes, VL16-2).
    A volume of a logical, disk, iSCSI, SCSI, mpath or ZFS pool is a device node, which a
    guest's own 9p client makes a special file of its kernel (fs/9p/vfs_inode.c
    v9fs_init_inode: `init_special_inode(inode, inode->i_mode, inode->i_rdev)` for S_IFBLK),
    not the host's device: not counted (a guest speaking 9p itself could still ask QEMU to
    open such a node: not judged). A writable 9p share with passthrough ownership fails before
    these questions are asked: it fails whatever they would answer (R22V-3)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        shares = v.shared_directories
        raw = [
            f"QEMU argument {o.shown()}"
            for o in qemu_options(v.raw_hypervisor_arguments)
            if o.name in ("virtfs", "fsdev")
            and o.props.get("security_model") in ("passthrough", "none")
            and not o.flag("readonly")
        ]
        if raw:
            yield failed(
                s, "writable 9p share(s) with passthrough ownership: " + "; ".join(raw), v.source
            )
            continue
        shares = (*shares, *_raw_virtiofs(v), *_raw_9p(v), *_raw_vvfat(v), *_fat_disks(v))
        pve = hosts[v.host].platform == "proxmox-ve"
        # Proxmox VE runs QEMU as root with no per-VM AppArmor profile (HVA-310): a 9p share of
        # `args:` reaches whatever the directory holds (R33P-7)
        nine_shares = (*v.shared_directories, *(_raw_9p(v) if pve else ()))
        held = _shares_holding_disks(ctx, v, nine_shares)
        # a writable 9p share with passthrough ownership is a fail whatever the questions below
        # would ask (R22V-3: they came first and turned the settled fail into a question)
        nine = [
            d
            for d in shares
            if d.driver != "virtiofs"
            and d.access_mode in ("passthrough", "squash")
            and not d.readonly
        ]
        lv = hosts[v.host].libvirt
        model = lv.security_model if lv is not None else None
        selinux = model is not None and model.known and model.get() == "selinux"
        # every open condition is asked in one item after the fails (joined_asks): the held
        # disk, unplaced volume and mapping questions `continue`d past the nosuid/nodev one,
        # and a "yes" to the first passed the share never asked (R35T-1)
        asks: list[Outcome] = []
        if held and not selinux:
            listed = "; ".join(
                f"{path} ({', '.join(_guest_file(vm, disk) for vm, disk in disks[:5])})"
                for path, disks in held
            )
            what = "disk images of other VMs in the host directories it shares"
            if any(n.startswith("container ") for _, disks in held for n, _ in disks):
                what = "disk images of other VMs or containers in the host directories it shares"
            if pve:
                yield failed(
                    s,
                    f"{what}: {listed}: the guest reaches them through the share (qemu-server "
                    "runs QEMU as root, with no per-VM AppArmor or SELinux label)",
                    v.source,
                )
                continue
            if model is not None and model.known:
                yield failed(
                    s,
                    f"{what}: {listed}: the guest reaches them through the share",
                    *(d.source for d in v.shared_directories),
                    *model.sources,
                )
                continue
            if not nine:
                asks.append(
                    manual(
                        s,
                        f"{what}: {listed}; the host's security driver is not in the evidence",
                        *(d.source for d in v.shared_directories),
                        question=f"Does SELinux confine the VMs on host {v.host}, so that VM "
                        f"{v.name}'s QEMU cannot open the other VMs' disk images in the directory "
                        f"it shares? Evidence: `virsh capabilities` on {v.host} (its <secmodel>). "
                        "Pass: selinux (each image carries its own VM's MCS categories); fail: "
                        "apparmor or none (the share's AppArmor rule covers the directory and "
                        "every running VM's image belongs to the one QEMU user).",
                    )
                )
        unplaced = [] if held or nine else _unplaced_volumes(ctx, v, nine_shares)
        if unplaced and pve:
            listed = ", ".join(
                f"VM {vm}: volume {vol} of storage {pool}" for vm, pool, vol in unplaced[:5]
            )
            stores = ", ".join(sorted({pool for _, pool, _ in unplaced}))
            shared = ", ".join(d.host_path for d in nine_shares if d.host_path)
            px = hosts[v.host].proxmox
            ask = manual(
                s,
                f"disk volume(s) of other VMs on storage(s) the evidence does not hold ({listed}"
                f"; {px.storages_unseen if px else ''}): where their files are is not known, and "
                "the directories this VM shares may hold them",
                v.source,
                question=f"Is every one of these volumes ({listed}) outside the directories VM "
                f"{v.name} shares ({shared})? Evidence: the entries of storage(s) {stores} in "
                f"/etc/pve/storage.cfg read as root, and `pvesm path VOLUME` on node {v.host} "
                "for each. Pass: yes, no volume's path is inside a shared directory; fail: no, "
                "one is, so the guest reaches that VM's disk through the share (QEMU runs as "
                "root).",
            )
            asks.append(ask)
        elif unplaced and not selinux:
            listed = ", ".join(
                f"VM {vm}: volume {vol} of pool {pool}" for vm, pool, vol in unplaced[:5]
            )
            pools = " ".join(sorted({pool for _, pool, _ in unplaced}))
            ask = manual(
                s,
                f"disk volume(s) of other VMs whose pool the evidence lacks ({listed}): where "
                "their files are is not known, and the directories this VM shares may hold them",
                *(d.source for d in v.shared_directories),
                question=f"Is every one of these volumes ({listed}) outside the "
                f"directories VM {v.name} shares ("
                + ", ".join(d.host_path for d in v.shared_directories if d.host_path)
                + f")? Evidence: `virsh pool-dumpxml POOL` ({pools}) and `virsh vol-path "
                f"--pool POOL VOLUME` on host {v.host}. Pass: yes, no volume path is inside "
                "a shared directory (or SELinux confines the VMs); fail: no, one is, so the guest "
                "reaches that VM's disk through the share.",
            )
            asks.append(ask)
        mapped = [d for d in shares if d.mapping]
        if mapped and not nine:
            names = ", ".join(f"virtiofs dirid={d.mapping}" for d in mapped)
            ask = manual(
                s,
                f"writable {names}: the directory is named by the cluster's directory mapping "
                "(virtiofs supports passthrough only)",
                *(d.source for d in mapped),
                question=f"Is the directory of each directory mapping of VM {v.name} "
                f"({', '.join(d.mapping or '' for d in mapped)}) on node {v.host} on a file "
                "system mounted nosuid and nodev? Evidence: the path each mapping names for "
                f"{v.host} in /etc/pve/mapping/dir.cfg, then `findmnt -T PATH -o "
                f"TARGET,OPTIONS` on {v.host}. Pass: yes, the options of every one include "
                "nosuid and nodev; fail: either is missing for any, so the guest can leave "
                "set-uid programs or device nodes the host honours.",
            )
            asks.append(ask)
        if not shares:
            yield not_applicable(
                s,
                "no host directory shared"
                + (" (no virtiofs)" if hosts[v.host].platform == "proxmox-ve" else ""),
            )
            continue
        # a virtiofs <readonly/> is enforced by virtiofsd --readonly alone (R8-10), which the
        # running VM's daemons show (R9-3)
        enforced = {
            id(d): how
            for d in shares
            if d.driver == "virtiofs" and (how := _readonly_daemon(v, hosts[v.host], d))
        }
        vfs = [
            d
            for d in shares
            if d.driver == "virtiofs"
            and d.access_mode in ("passthrough", "squash")
            and id(d) not in enforced
            # a mapping's directory is the question above
            and not d.mapping
        ]
        refs = [d.source for d in shares]
        if nine:
            yield failed(
                s,
                "writable virtio-9p share(s) with passthrough ownership: "
                + ", ".join(
                    d.host_path + (" (accessmode squash)" if d.access_mode == "squash" else "")
                    for d in nine
                ),
                *refs,
            )
            continue
        if vfs:
            own = [d.host_path for d in vfs if d.host_path and not d.readonly]
            marked = [d.host_path for d in vfs if d.host_path and d.readonly]
            ext = [d.socket or "(no socket named)" for d in vfs if not d.host_path]
            parts = [f"writable virtiofs share(s) {', '.join(own)}"] if own else []
            if marked:
                parts.append(
                    f"virtiofs share(s) {', '.join(marked)} marked <readonly/>, which only a "
                    "virtiofsd run with --readonly enforces"
                )
            own += marked
            if ext:
                # formatdomain, "Filesystems": <source socket> connects to a virtiofsd started
                # outside libvirt; which directory it serves, and how, are its own options
                parts.append(
                    "virtiofs share(s) served by a virtiofsd started outside libvirt on "
                    f"socket(s) {', '.join(ext)}: the daemon's options name the directory"
                )
            where = ", ".join(
                [*own, *(f"the directory the virtiofsd on socket {x} serves" for x in ext)]
            )
            evidence = "`findmnt -T PATH -o TARGET,OPTIONS` on the host for each shared path"
            if marked:
                evidence += (
                    " (a share marked <readonly/> whose virtiofsd runs with --readonly, in "
                    "`ps -o args= -C virtiofsd`, passes)"
                )
            if ext:
                evidence += (
                    " (for an external daemon, PATH is its --shared-dir or -o source= in "
                    "`ps -o args= -C virtiofsd`; a --readonly daemon passes)"
                )
            asks.append(
                manual(
                    s,
                    "; ".join(parts) + " (virtiofs supports passthrough only)",
                    *refs,
                    question=f"Is the file system holding {where} on host {v.host} mounted "
                    f"nosuid and nodev? Evidence: {evidence}. Pass: yes, the options of every one "
                    "include nosuid and nodev; fail: either is missing for any, so the guest can "
                    "leave set-uid programs or device nodes the host honours.",
                )
            )
        if asks:
            outcome = joined_asks(s, asks)
        else:
            outcome = passed(
                s,
                "shared directories read-only or with mapped ownership: "
                + ", ".join(
                    (d.host_path or f"socket {d.socket}")
                    + (f" ({enforced[id(d)]})" if id(d) in enforced else "")
                    for d in shares
                ),
                *refs,
                *(hosts[v.host].facts.virtiofs_daemons.sources if enforced else ()),
            )
        dirs = [d.host_path for d in v.shared_directories if d.host_path]
        if dirs and not selinux:
            # a guest not read may keep its disk in a shared directory (R29D-1), beside a
            # question as beside the pass: its "yes" passed the comparison unasked (R35T-2)
            outcome = unread_peers(
                outcome, hosts[v.host], f"keep a disk image in {', '.join(dirs[:5])}"
            )
        yield outcome


def _shares_holding_disks(
    ctx: Context, v: Vm, shares: tuple[SharedDirectory, ...]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The shared host directories of `v` that hold a local disk image of another VM on its host
    (R14-5), each with (VM, image). A 9p share is put into the VM's AppArmor profile as the
    whole tree, `"DIR/**" rwl` (or `r` read-only), by virt-aa-helper (get_files: `vah_add_path(
    &buf, fs->src->path, fs->readonly ? "R" : "rwl", true)`, whose valid_path refuses only
    /bin, /etc, /lib, /usr/... and lets / and /var/lib/libvirt/images through, read with
    `read_file`), and libvirt's DAC driver hands every running VM's image to the one QEMU user
    (qemu.conf dynamic_ownership, default 1): through such a share the guest opens the other
    VMs' images with its QEMU's access. SELinux keeps them apart (each image carries its own
    VM's MCS categories), so that host is not judged here. A virtiofs share (served by
    virtiofsd, which virt-aa-helper adds nothing for) and a 9p share of raw arguments (no
    profile rule at all) are not judged this way. A <disk type='volume'> of a dir, fs or netfs
    pool is the file of that name in the pool's directory (disk_file, R15-1: such a disk was not
    counted, and a share of the pool's directory passed)."""
    pools = {(p.host, p.name): p for p in ctx.deployment.pools}
    # a read-only share of another VM's read-only disk (an ISO library beside a CD-ROM, which
    # QEMU opens read-only with or without <readonly/>) reads only what that VM cannot write
    # either: not counted
    mine: dict[str, bool] = {}
    for d in shares:
        path = same_file(d.host_path).rstrip("/")
        if d.driver != "virtiofs" and d.host_path.startswith("/"):
            mine[path] = mine.get(path, False) or not d.readonly
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for path, writable in mine.items():
        disks = [
            (o.name if o.host == v.host else f"{o.name} on {o.host}", f)
            for o in ctx.deployment.vms
            if o.name != v.name or o.host != v.host
            for d in o.disks
            # a Proxmox VE network storage (nfs, cifs) is mounted at its `path` on every node,
            # so a VM on another node keeps its image in the same directory (R33P-8)
            if o.host == v.host or _pve_shared_volume(d, pools.values())
            if (f := _pve_volume_file(d, pools.values()) or disk_file(d, pools, o.host))
            and f.startswith("/")
            and (writable or not (d.readonly or d.device in ("cdrom", "floppy")))
            and (same_file(f) + "/").startswith(path + "/")
        ]
        # a container's rootfs and mpN volumes are files of the same storages (pve-storage
        # filesystem_path; a dir storage's rootfs is a raw image or a subvol directory under
        # images/VMID): a guest writing there reaches the container's root (R33P-9)
        disks += [
            (f"container {c.name}" + ("" if h.name == v.host else f" on {h.name}"), f)
            for h in ctx.deployment.hosts
            if h.proxmox is not None
            for c in h.proxmox.containers
            for d in (
                Disk("disk", None, vol, False, False, c.source, pool=vol.partition(":")[0])
                for vol in c.volumes
            )
            if h.name == v.host or _pve_shared_volume(d, pools.values())
            if (f := _pve_volume_file(d, pools.values()))
            and (same_file(f) + "/").startswith(path + "/")
        ]
        if disks:
            out.append((path or "/", disks))
    return out


def _guest_file(guest: str, file: str) -> str:
    """A guest's image as HVA-058 names it: `VM NAME: FILE`, a container's `container NAME:
    FILE` (R33P-9)."""
    return f"{'' if guest.startswith('container ') else 'VM '}{guest}: {file}"


def _unplaced_volumes(
    ctx: Context, v: Vm, shares: tuple[SharedDirectory, ...] | None = None
) -> list[tuple[str, str, str]]:
    """The `<disk type='volume'>` disks of other VMs on `v`'s host whose pool the bundle lacks,
    as (VM, pool, volume), when `v` shares a host directory by 9p (VL16-2): such a volume may
    be a file in that directory (a dir, fs, netfs or vstorage pool) or not, which the evidence
    cannot tell (R15-1 counts the volumes of the pools it has). A Proxmox VE volume
    (`STORAGE:VOLNAME`) of a storage the evidence does not hold (ProxmoxHost.storages_unseen,
    R30P-3, R31P-2) likewise, `local` aside (always pve-storage's dir /var/lib/vz, which
    `_pve_volume_file` reads) (R33P-7)."""
    if not any(
        d.driver != "virtiofs" and d.host_path.startswith("/")
        for d in (v.shared_directories if shares is None else shares)
    ):
        return []
    known = {(p.host, p.name) for p in ctx.deployment.pools}
    storages = {p.name for p in ctx.deployment.pools}
    return sorted(
        {
            (o.name, d.pool or "(none named)", d.source or "(none named)")
            for o in ctx.deployment.vms
            if o.host == v.host and o.name != v.name
            for d in o.disks
            if (d.type == "volume" and (o.host, d.pool or "") not in known)
            or (
                _PVE_VOLUME_ID.fullmatch(d.source or "")
                and d.pool
                and d.pool not in storages
                and d.pool != "local"
            )
        }
    )


#: A Proxmox VE volume id `STORAGE:VOLNAME` (pve-storage parse_volume_id `^([a-z][a-z0-9\-\_\.]*
#: [a-z0-9]):(.+)$`, case-insensitive).
_PVE_VOLUME_ID = re.compile(r"[a-z][a-z0-9\-_.]*[a-z0-9]:(.+)", re.I | re.A)
#: pve-storage types whose image volumes are files under their `path` (Plugin.pm filesystem_path,
#: inherited by DirPlugin, NFSPlugin and CIFSPlugin), by the model's Pool.type (dir; nfs and cifs
#: are netfs).
_PVE_FILE_STORAGE = ("dir", "netfs")


def _pve_shared_volume(d: Disk, pools: Iterable[Pool]) -> bool:
    """A Proxmox VE volume of a network file storage (nfs, cifs: the model's netfs), which
    pve-storage mounts at the storage's `path` on every node it is enabled on (NFSPlugin.pm,
    CIFSPlugin.pm activate_storage: `nfs_mount`/`cifs_mount` of the export at `$path`), so its
    image files are the same files on each node (R33P-8)."""
    pool = next((p for p in pools if p.name == d.pool), None)
    return pool is not None and pool.type == "netfs" and _pve_volume_file(d, [pool]) is not None


def _pve_volume_file(d: Disk, pools: Iterable[Pool]) -> str | None:
    """The host file of a Proxmox VE disk volume `STORAGE:VOLNAME` on a file storage (R33P-7):
    pve-storage 0c56bad src/PVE/Storage/Plugin.pm filesystem_path, `$dir = get_subdir($scfg,
    'images')` (`$scfg->{path}/images`, unless `content-dirs` moves it) `. "/$vmid"`, then
    `/$name`, VOLNAME being `VMID/NAME` or a linked clone's `BASE/VMID/NAME` (parse_volname).
    storage.cfg is the cluster's, so the storage is looked up by its id alone."""
    m = _PVE_VOLUME_ID.fullmatch(d.source or "")
    if m is None or not d.pool or d.type != "file":
        return None
    pool = next((p for p in pools if p.name == d.pool), None)
    if (
        pool is None
        or pool.type not in _PVE_FILE_STORAGE
        or not (pool.target or "").startswith("/")
    ):
        return None
    parts = m.group(1).split("/")
    if len(parts) < 2 or not parts[-2].isdigit():
        return None
    return f"{(pool.target or '').rstrip('/')}/images/{parts[-2]}/{parts[-1]}"


def _readonly_daemon(v: Vm, h: Host, d: SharedDirectory) -> str:
    """How a running VM's virtiofs share is shown read-only, or "" when it is not: every running
    virtiofsd serving its directory (`--shared-dir`, or `-o source=` that virtiofsd's
    parse_compat reads as it) or listening on its <source socket> runs with `--readonly`
    (virtiofsd src/main.rs: "Prevent the guest from making modifications to the filesystem"),
    and there is at least one (R9-3). A stopped VM has no daemon of its own: another VM's
    daemon for the same directory says nothing of the one its next start gets."""
    f = h.facts.virtiofs_daemons
    if not v.running or not f.known:
        return ""
    path = d.host_path.rstrip("/")
    sock = (d.socket or "").split(" (QEMU argument", 1)[0]
    serving = [
        x
        for x in f.get()
        if (path and x.shared_dir.rstrip("/") == path) or (sock and x.socket == sock)
    ]
    if serving and all(x.readonly for x in serving):
        return "served by virtiofsd --readonly"
    return ""


#: QEMU's vhost-user filesystem devices (hw/virtio/vhost-user-fs-pci.c and its bus variants):
#: the guest mounts what the vhost-user daemon on their chardev serves.
VHOST_USER_FS = ("vhost-user-fs-pci", "vhost-user-fs-device", "vhost-user-fs-ccw")


def _raw_virtiofs(v: Vm) -> list[SharedDirectory]:
    """The virtiofs shares raw QEMU arguments add (R8-3): each `-device vhost-user-fs-pci,
    chardev=ID` is served by the daemon on the socket of `-chardev socket,id=ID,path=...`,
    like a <filesystem> with <source socket> (QEMU commit 9d59bed1da "virtio: add
    vhost-user-fs-pci device": `-chardev socket,path=/tmp/vhost-fs.sock,id=chr0 -device
    vhost-user-fs-pci,tag=myfs,chardev=chr0`), and those a <qemu:override> makes of libvirt's
    devices: `driver` vhost-user-fs-pci on the alias of a <serial type='unix'> keeps the
    chardev libvirt gave its -device, so the guest mounts what the daemon on that socket
    serves (overridden_devices; R40D-3)."""
    opts = qemu_options(v.raw_hypervisor_arguments)
    sockets = {o.props.get("id"): o.props.get("path") for o in opts if o.name == "chardev"}
    devices = [(o, f"QEMU argument {o.shown()}") for o in opts if o.name == "device"]
    out = []
    for o, how in [*devices, *overridden_devices(v)]:
        if o.kind in VHOST_USER_FS:
            chardev = o.props.get("chardev", "")
            path = sockets.get(chardev) or (
                f"of chardev {chardev}"
                if chardev
                else f"of device {o.props.get('id', '')}'s chardev"
                if how.startswith("<qemu:override>")
                else "of chardev (none named)"
            )
            out.append(
                SharedDirectory(
                    driver="virtiofs",
                    host_path="",
                    access_mode="passthrough",
                    readonly=False,
                    source=v.source,
                    socket=f"{path} ({how})",
                )
            )
    return out


def _raw_9p(v: Vm) -> list[SharedDirectory]:
    """The 9p shares raw QEMU arguments add that HVA-058 does not fail (R8-8): `-fsdev
    local,...` or `-virtfs local,...` exports `path=` to the guest (qemu-options.hx: "Files
    under this path will be available to the 9p client on the guest"), with the guest's
    ownership stored in attributes (security_model mapped, mapped-xattr, mapped-file) or
    read-only (`readonly=on`: "Enables exporting 9p share as a readonly mount for guests")."""
    out = []
    for o in qemu_options(v.raw_hypervisor_arguments):
        model = o.props.get("security_model", "")
        if o.name in ("virtfs", "fsdev") and o.props.get("fsdriver") == "local":
            out.append(
                SharedDirectory(
                    driver="path",
                    host_path=o.props.get("path") or f"(QEMU argument {o.shown()})",
                    access_mode="mapped" if model.startswith("mapped") else "passthrough",
                    readonly=o.flag("readonly"),
                    source=v.source,
                )
            )
    return out


def _fat_disks(v: Vm) -> list[SharedDirectory]:
    """A `<disk type='dir'>`: libvirt's QEMU driver exposes the directory as QEMU's virtual FAT
    (`file=fat:` or `fat:floppy:`) and refuses it writable ("cannot create virtual FAT disks in
    read-write mode", qemu_command.c, read with `find_string`): a read-only shared directory
    (R12-7, was "no host directory shared")."""
    return [
        SharedDirectory(
            driver="vvfat",
            host_path=f"{d.source or '(no directory)'} (<disk type='dir'>, a read-only "
            "virtual FAT)",
            access_mode="mapped",
            readonly=True,
            source=d.source_ref,
        )
        for d in v.disks
        if d.type == "dir"
    ]


def _raw_vvfat(v: Vm) -> list[SharedDirectory]:
    """The host directories raw QEMU arguments expose as a virtual FAT disk (R12-4, was "no
    host directory shared"): `-drive file=fat:[rw:]DIR` (or `-hda fat:...` and the other
    drive shorthands) and `-blockdev driver=vvfat,dir=DIR[,rw=on]` (qemu-options.hx / QEMU's
    "Virtual FAT disk images": "QEMU can automatically create a virtual FAT disk image from a
    directory tree", written back with `rw`). FAT keeps no owner or mode, and block/vvfat.c
    commit_one_file creates each file the guest writes as QEMU's own (`qemu_open_old(
    mapping->path, O_RDWR | O_CREAT | O_BINARY, 0666)`): the hypervisor's permissions, what
    formatdomain calls `mapped`, never the guest's ownership."""
    out = []
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name == "blockdev" and o.props.get("driver") == "vvfat":
            path, rw = o.props.get("dir", ""), o.flag("rw")
        elif o.name in ("drive", "hda", "hdb", "hdc", "hdd", "fda", "fdb") and (
            spec := (o.props.get("file") if o.name == "drive" else o.text) or ""
        ).startswith("fat:"):
            words = spec.split(":")[1:]
            rw = "rw" in words[:-1]
            path = words[-1] if words else ""
        else:
            continue
        out.append(
            SharedDirectory(
                driver="vvfat",
                host_path=f"{path or '(no directory)'} (QEMU virtual FAT"
                + (", written back" if rw else "")
                + f": QEMU argument {o.shown()})",
                access_mode="mapped",
                readonly=not rw,
                source=v.source,
            )
        )
    return out


@check(
    id="HVA-059",
    title="VM disks get no raw SCSI access (rawio, unfiltered SG_IO)",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    interpretations={
        "sp800-125a-2014:HY-SR-5": (
            "The 2014 HY-SR-5 keeps a faulty device model's reach to its own VM; hvaudit counts "
            "device access beyond the VM's own (Rev. 1 HY-SR-7 says it in its text) against it."
        ),
    },
    remediation={
        "kvm-libvirt": "Remove rawio='yes' and sgio='unfiltered' from <disk device='lun'> and "
        "<hostdev type='scsi'>; pass the LUN with filtered SG_IO, or as a plain disk.",
        "proxmox-ve": "Remove scsiblock=1 from the VM's scsiN disks (qemu-server then gives the "
        "guest an emulated SCSI disk).",
    },
    platforms=LINUX_HOST,
    per_vm=True,
)
@raw_arguments_unseen("a SCSI device passed through (-device scsi-block or scsi-generic)")
def no_raw_scsi(ctx: Context) -> Iterator[Outcome]:
    """`rawio='yes'` gives the VM's QEMU process CAP_SYS_RAWIO, and `sgio='unfiltered'` lets the
    guest send any SCSI command to the host device, firmware updates included (libvirt
    formatdomain, "Hard drives, floppy disks, CDROMs": rawio, sgio). Current libvirt refuses to
    validate an unfiltered one (src/conf/domain_validate.c, virDomainDiskDefValidate: "unfiltered
    sgio is no longer supported"; the 9.0.0 test driver refuses both a LUN and a SCSI host device
    with it), but definitions an older libvirt wrote still carry it and its daemon returns them,
    so the attribute is judged as read. A LUN or SCSI host device whose source is an iSCSI
    target (`<disk type='network' device='lun'><source protocol='iscsi'>`, the one network
    protocol domain_validate.c allows a LUN; `<hostdev type='scsi'><source protocol='iscsi'>`)
    is opened by QEMU's own initiator: block/iscsi.c iscsi_aio_ioctl sends the guest's SG_IO
    command block to the target as it is, with no host kernel filter in between, so it is
    unfiltered whatever sgio says (R7-2); so is a LUN from an iSCSI pool in mode='direct' or
    from an iscsi-direct pool, which libvirt opens the same way (R8-7, _direct_iscsi). A SCSI
    host device
    (`<hostdev type='scsi'>`) carries the same two attributes (formatdomain, "USB / PCI / SCSI
    devices": sgio "indicates whether the kernel will filter unprivileged SG_IO commands for the
    disk ... the default is 'filtered'", rawio "indicates whether the lun needs the rawio
    capability"). A vhost-scsi target (`<hostdev type='scsi_host'><source protocol='vhost'
    wwpn=...>`, formatdomain) hands the guest a target of the host's LIO subsystem, whose
    backstore decides: pscsi passes SCSI commands through to the device (RHEL "Managing storage
    devices", "Creating a pscsi storage object"), block and fileio emulate SCSI (R52): a
    question about `targetcli ls`. Proxmox VE: `scsiN: ...,scsiblock=1` is "scsi-block for full passthrough of host
    block device" (qm.conf(5), read with `search`): QEMU hands the guest's SCSI commands to the
    host device as SG_IO, and qemu-server runs QEMU as root, whom the kernel's SG_IO filter
    (which applies to unprivileged callers, formatdomain sgio above) does not restrict, so it is
    unfiltered raw SCSI access; qemu-server gives scsi-block only to a host path that answers a
    SCSI INQUIRY as a disk, never to a storage volume (Drive.pm get_scsi_device_type: `if
    ($drive->{file} =~ m|^/|) { ... if ($info->{type} == 0 && $drive->{scsiblock})`), and
    makes a host path that answers as a tape `scsi-generic` without any option (`elsif
    ($info->{type} == 1) { # tape`): a tape node (/dev/stN, /dev/tape/...) fails, a SCSI
    generic node (/dev/sgN) is asked about (P13-2). A volume of an iscsidirect or ZFS over
    iSCSI storage on scsiN of a machine pinned below version 4.1 is scsi-generic over QEMU's
    libiscsi (get_scsi_device_type "for compatibility only"): fail (L14-2, _pve_iscsi_generic;
    was not applicable). A hostpciN function is judged as a
    <hostdev type='pci'> is below, by its sysfs class (P13-1). Raw QEMU arguments (`<qemu:commandline>`, Proxmox `args:`) can
    add the same devices: `-device scsi-block` ("SCSI block device passthrough", the device
    behind scsiblock=1 and device='lun') and `-device scsi-generic` ("pass through generic scsi
    device (/dev/sg*)") hand the guest's SCSI commands to the host device (QEMU
    hw/scsi/scsi-disk.c and scsi-generic.c device descriptions, read with `find_string`);
    under qemu-server (QEMU as root) that is the scsiblock=1 failure, under libvirt whether the
    kernel filters them depends on QEMU's user and the device's unpriv_sgio, which libvirt sets
    only for what it builds: a question (R7-3). So is a <qemu:override> whose `driver` makes
    the scsi-hd libvirt builds for a <disk> scsi-block or scsi-generic (libvirt qemu_command.c
    qemuBuildDeviceCommandlineHandleOverrides replaces the key; overridden_devices, R40D-2:
    was not applicable). A whole PCI storage controller passed through
    (<hostdev type='pci'>, or a raw -device vfio-pci, whose function sysfs gives base class
    0x01, mass storage: pci_ids.h PCI_BASE_CLASS_STORAGE, or a Fibre Channel HBA, class 0x0c04
    PCI_CLASS_SERIAL_FIBER, R9-10) is driven by the guest's own driver
    through VFIO, so every command it builds, firmware downloads included, reaches the disks
    behind it with no host kernel and no SG_IO filter in between: the sgio='unfiltered' failure
    (R9-1, was "no SCSI LUN passed through"); a passed-through function whose class the
    evidence lacks is asked about, not taken for a non-storage device."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    pools = {(p.host, p.name): p.type for p in ctx.deployment.pools}
    # Proxmox VE's storage.cfg is the cluster's: a VM on any node names its storages by id
    storages = {p.name: p.type for p in ctx.deployment.pools}
    iscsi = "iSCSI (QEMU's libiscsi sends every SCSI command of the guest to the target)"
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        luns = [
            _direct_iscsi(d, pools.get((v.host, d.pool or "")))
            for d in v.disks
            if d.device == "lun"
        ]
        vhost = [p for p in v.passthrough if p.kind == "scsi_host"]
        scsi = [p for p in v.passthrough if p.kind == "scsi"]
        bad = [
            f"{name}: "
            + " and ".join(
                x
                for x, on in (
                    ("rawio='yes'", rawio),
                    ("sgio='unfiltered'", sgio == "unfiltered"),
                    (iscsi, protocol == "iscsi"),
                )
                if on
            )
            for name, rawio, sgio, protocol in [
                *((d.source or "(no source)", d.rawio, d.sgio, d.protocol) for d in luns),
                *((f"SCSI host device {p.address}", p.rawio, p.sgio, p.protocol) for p in scsi),
            ]
            if rawio or sgio == "unfiltered" or protocol == "iscsi"
        ]
        raw = [
            o
            for o in qemu_options(v.raw_hypervisor_arguments)
            if o.name == "device" and o.kind in ("scsi-block", "scsi-generic")
        ]
        # a <qemu:override> making a disk libvirt builds (scsi-hd) scsi-block or scsi-generic
        # hands the guest's SCSI commands to the disk's host device as a raw one does
        # (overridden_devices; R40D-2)
        overridden = [
            how for o, how in overridden_devices(v) if o.kind in ("scsi-block", "scsi-generic")
        ]
        controllers, unclassed = _storage_controllers(v, hosts[v.host])
        if hosts[v.host].platform != "proxmox-ve":
            bad += [
                f"PCI storage controller {c} passed through: the guest drives it and sends "
                "any command, firmware updates included, to the disks behind it, with no host "
                "kernel (no SG_IO filter) in between"
                for c in controllers
            ]
        # the open conditions of this VM, asked in one item (R34S-4: the vhost-scsi, unclassed
        # PCI and raw-argument questions each stopped the chain, and "yes" to one passed the
        # others unasked)
        asks: list[Outcome] = []
        if vhost and not bad:
            wwpns = ", ".join(p.address for p in vhost)
            asks.append(
                manual(
                    s,
                    f"vhost-scsi target(s) {wwpns}: what the guest's SCSI commands reach is the "
                    "target's backstore on the host",
                    *(p.source_ref for p in vhost),
                    question=f"Is every LIO backstore behind vhost-scsi target(s) {wwpns} on "
                    f"host {v.host} a block or fileio one? Evidence: `targetcli ls /vhost` on "
                    f"{v.host} (the backstore each target's LUNs name). Pass: yes, block or "
                    "fileio (SCSI emulated by the kernel); fail: pscsi or user (tcmu), which "
                    "pass the guest's SCSI commands through raw.",
                )
            )
        if hosts[v.host].platform == "proxmox-ve":
            tapes, generic = _pve_scsi_generic(v)
            iscsi_generic = _pve_iscsi_generic(v, storages)
            # R31P-1: a scsiN volume of a storage the evidence does not hold may be such a one
            px = hosts[v.host].proxmox
            unknown = [
                d
                for d in _pve_iscsi_generic(v, None)
                if px is not None
                and px.storages_unseen
                and d.pool not in storages
                and d.pool != "local"  # always pve-storage's dir storage (devices.py)
            ]
            found = (
                (
                    ["scsiblock=1 on " + ", ".join(d.source or "(no source)" for d in luns)]
                    if luns
                    else []
                )
                + [f"{d.source} (a SCSI tape: qemu-server makes it scsi-generic)" for d in tapes]
                + [f"QEMU argument {o.shown()}" for o in raw]
            )
            refs = [
                *(d.source_ref for d in (*luns, *tapes, *iscsi_generic)),
                *([v.source] if raw else []),
            ]
            if found or controllers or iscsi_generic:
                yield failed(
                    s,
                    "; ".join(
                        [
                            *(
                                [
                                    "; ".join(found) + ": every SCSI command reaches the host "
                                    "device, from QEMU running as root (unfiltered SG_IO)"
                                ]
                                if found
                                else []
                            ),
                            *(
                                f"{d.source} (storage {d.pool}, {storages.get(d.pool or '')}) on "
                                f"machine {v.machine}, below 4.1: qemu-server makes an iSCSI "
                                "volume scsi-generic there, and QEMU's libiscsi sends every "
                                "SCSI command of the guest to the target"
                                for d in iscsi_generic
                            ),
                            *(
                                f"PCI storage controller {c} passed through (hostpci): the "
                                "guest drives it and sends any command, firmware updates "
                                "included, to the disks behind it, with no host kernel (no "
                                "SG_IO filter) in between"
                                for c in controllers
                            ),
                        ]
                    ),
                    *refs,
                    *(p.source_ref for p in v.passthrough if p.kind == "pci" and controllers),
                )
            elif generic or unclassed or unknown or asks:
                if generic or unclassed or unknown:
                    asks.append(
                        _pve_scsi_question(
                            v, generic, unclassed, unknown, px.storages_unseen if px else ""
                        )
                    )
                yield joined_asks(s, asks)
            else:
                yield not_applicable(s, "no SCSI LUN passed through (no scsiblock=1)")
            continue
        if unclassed and not bad:
            addrs = ", ".join(p.address for p in unclassed)
            asks.append(
                manual(
                    s,
                    f"PCI device(s) {addrs} passed through, of a class the evidence does not show",
                    *(p.source_ref for p in unclassed),
                    question=f"Is every one of PCI device(s) {addrs} passed through to VM "
                    f"{v.name} other than a storage controller? Evidence: `cat "
                    f"/sys/bus/pci/devices/ADDRESS/class` on host {v.host} for each. Pass: yes, "
                    "none is of base class 0x01 (mass storage) or class 0x0c04 (Fibre Channel); "
                    "fail: no, one is, so the guest sends any command to the disks behind it.",
                )
            )
        if not (luns or scsi or vhost or raw or overridden or bad or asks):
            yield not_applicable(s, "no SCSI LUN or SCSI host device passed through")
            continue
        if (raw or overridden) and not bad:
            shown = "; ".join(
                [
                    *(["QEMU argument(s) " + "; ".join(o.shown() for o in raw)] if raw else []),
                    *overridden,
                ]
            )
            opens = " and ".join(
                [
                    *(["the device the matching -drive/-blockdev opens"] if raw else []),
                    *(["the overridden device's <disk> <source>"] if overridden else []),
                ]
            )
            asks.append(
                manual(
                    s,
                    f"{shown}: a SCSI passthrough device libvirt did not set up (no sgio/rawio "
                    "of its own)",
                    v.source,
                    # the user QEMU runs as is the running process's, or the one in the
                    # qemu.conf the daemon read at its start (qemu_conf.c
                    # virQEMUDriverConfigLoadFile, called from qemuStateInitialize only): the
                    # file on disk, edited since, passed a QEMU running as root (R48T-2)
                    question=f"Does the kernel filter the SG_IO commands that {shown} of VM "
                    f"{v.name} pass to the host device? Evidence: the user and CapEff of the "
                    f"VM's QEMU on host {v.host} (`ps -o user= -p PID` and `grep CapEff "
                    "/proc/PID/status`; while it is shut off, `user` in the qemu.conf libvirtd "
                    "or virtqemud read when it last started, not an edit since; Proxmox VE runs "
                    "QEMU as root) and `cat /sys/block/DEV/queue/unpriv_sgio` for "
                    f"{opens}. Pass: QEMU runs as an unprivileged user and unpriv_sgio is 0; "
                    "fail: QEMU runs as root or with CAP_SYS_RAWIO, or unpriv_sgio is 1.",
                )
            )
        if asks:
            yield joined_asks(s, asks)
            continue
        refs = [d.source_ref for d in luns] + [p.source_ref for p in (*scsi, *vhost)]
        refs += [p.source_ref for p in v.passthrough if p.kind == "pci" and controllers]
        what = " and ".join(
            f"{n} {kind}"
            for n, kind in ((len(luns), "LUN(s)"), (len(scsi), "SCSI host device(s)"))
            if n
        )
        if bad:
            yield failed(s, "; ".join(bad), *refs)
        else:
            yield _filtered_for_its_qemu(s, v, hosts[v.host], what, refs)


#: CAP_SYS_RAWIO's bit in a capability mask (Linux include/uapi/linux/capability.h).
CAP_SYS_RAWIO = 17


def _filtered_for_its_qemu(
    s: Subject, v: Vm, h: Host, what: str, refs: Sequence[Source]
) -> Outcome:
    """HVA-059's verdict of libvirt VM `v` whose LUNs and SCSI host devices (`what`) have
    filtered SG_IO and no rawio. The kernel filters a caller's SG_IO commands only while it
    lacks CAP_SYS_RAWIO (drivers/scsi/scsi_ioctl.c scsi_cmd_allowed: "root can do any
    command", `if (capable(CAP_SYS_RAWIO)) return true;`), and QEMU keeps it where it runs as
    root with qemu.conf clear_emulator_capabilities = 0 (default 1, qemu_conf.c
    virQEMUDriverConfigNew; virSetUIDGIDWithCaps clears every capability of a non-root uid, as
    HVA-042 and HVA-054 read it). A running VM's QEMU processes answer (CapEff in
    /proc/PID/status, as HVA-042 reads it): one holding CAP_SYS_RAWIO fails, one whose CapEff
    was not read is asked; qemu.conf, which the daemon read at its start, answers only for a
    VM whose process is not listed (R51T-2: the pass ignored QEMU's privileges). There
    clear_emulator_capabilities = 1 passes; = 0 fails where the VM's static DAC label or
    qemu.conf's user is root and is asked otherwise."""
    passing = passed(s, f"{what} with filtered SG_IO and no rawio", *refs)
    procs = vm_processes(h, v) if v.running else []
    if procs:
        held = [
            p for p in procs if p.capabilities is not None and p.capabilities >> CAP_SYS_RAWIO & 1
        ]
        if held:
            p = held[0]
            return failed(
                s,
                f"{what} with filtered SG_IO and no rawio, but the VM's QEMU (pid {p.pid}, user "
                f"{p.user}) holds CAP_SYS_RAWIO, with which the kernel lets it send any SCSI "
                "command",
                *refs,
                *h.facts.qemu_processes.sources,
            )
        unread = [p for p in procs if p.capabilities is None]
        if not unread:
            return passing
        pids = " ".join(str(p.pid) for p in unread[:3])
        return manual(
            s,
            f"{what} with filtered SG_IO and no rawio; the capabilities of the VM's QEMU (pid "
            f"{pids}) were not read",
            *refs,
            *h.facts.qemu_processes.sources,
            question=f"Does the QEMU of VM {v.name} on host {v.host} run without "
            f"CAP_SYS_RAWIO? Evidence: `grep CapEff /proc/PID/status` for pid {pids} (bit 17, "
            "0x20000). Pass: the bit is clear, so the kernel filters its SG_IO commands; fail: "
            "it is set, so every SCSI command the guest builds reaches the device.",
        )
    qc = conf_fact(h, "qemu.conf")
    if not qc.known:
        return host_settings_manual(
            s,
            h,
            qc,
            f"{what} with filtered SG_IO and no rawio",
            f"Does the QEMU of VM {v.name} on host {v.host} start without CAP_SYS_RAWIO? "
            "Evidence: clear_emulator_capabilities and user in /etc/libvirt/qemu.conf, and the "
            f"VM's <seclabel model='dac'> in `virsh dumpxml {v.name}`. Pass: "
            "clear_emulator_capabilities is 1 (the default), or QEMU runs as a non-root user; "
            "fail: it is 0 and QEMU runs as root, which keeps CAP_SYS_RAWIO.",
            *refs,
        )
    clear, csrc = conf_value(h, "qemu.conf", "clear_emulator_capabilities")
    if clear:
        return passing
    dac = [x for x in v.security_labels if x.model == "dac" and x.type == "static" and x.label]
    user, usrc = conf_value(h, "qemu.conf", "user")
    who, src = ((dac[0].label or "").partition(":")[0], dac[0].source) if dac else (user, usrc)
    text = str(who).strip() if who is not None else ""
    named = f"the VM's DAC label {dac[0].label}" if dac else f"qemu.conf's user {text}"
    if text == "root" or (text.lstrip("+").isdigit() and int(text.lstrip("+")) == 0):
        return failed(
            s,
            f"{what} with filtered SG_IO and no rawio, but qemu.conf sets "
            f"clear_emulator_capabilities = 0 and {named} is root: the VM's QEMU keeps "
            "CAP_SYS_RAWIO, with which the kernel lets it send any SCSI command",
            *refs,
            csrc,
            src,
        )
    return manual(
        s,
        f"{what} with filtered SG_IO and no rawio; qemu.conf sets clear_emulator_capabilities = "
        f"0, so QEMU keeps its capabilities if it runs as root",
        *refs,
        csrc,
        src,
        question=f"Does the QEMU of VM {v.name} on host {v.host} run as a user whose uid is not "
        f"0? Evidence: `id -u` of {named if text else 'the user libvirt was built to run QEMU as'}"
        f" on {v.host} (or `ps -o user= -p PID` of its running QEMU). Pass: a non-zero uid, "
        "whose capabilities libvirt clears; fail: uid 0, so QEMU keeps CAP_SYS_RAWIO and the "
        "kernel lets it send any SCSI command.",
    )


#: PCI base class 0x01, mass storage controllers, by subclass (Linux include/linux/pci_ids.h
#: PCI_BASE_CLASS_STORAGE and PCI_CLASS_STORAGE_*).
STORAGE_SUBCLASSES = {
    0x00: "SCSI",
    0x01: "IDE",
    0x02: "floppy",
    0x03: "IPI",
    0x04: "RAID",
    0x05: "ATA",
    0x06: "SATA",
    0x07: "SAS",
    0x08: "NVMe",
    0x09: "UFS",
}


#: The names of the Linux SCSI tape driver's nodes (st.c binds only TYPE_TAPE devices: st_probe
#: `if (SDp->type != TYPE_TAPE) return -ENODEV`; /dev/stN, /dev/nstN with their l/m/a modes)
#: and udev's tape links (60-persistent-storage-tape.rules: /dev/tape/by-id, /dev/tape/by-path).
_PVE_TAPE = re.compile(r"/dev/(?:n?st\d+[lma]?|tape/.+)", re.A)
#: The SCSI generic driver's nodes: sg binds every SCSI device, tapes included.
_PVE_SG = re.compile(r"/dev/sg\d+", re.A)


def _pve_scsi_generic(v: Vm) -> tuple[list[Disk], list[Disk]]:
    """The scsiN host paths qemu-server hands the guest as `scsi-generic` (P13-2), and those that
    may be. qemu-server Drive.pm get_scsi_device_type (github:proxmox/qemu-server; the same since
    2012's "use scsi inquiry to test if we can use the scsi-block driver"): for a file that is a
    host path (`m|^/|`, not a CD-ROM) it sends a SCSI INQUIRY (path_is_scsi, SG_IO) and makes
    the device `scsi-generic` when the peripheral type is 1, a tape (`} elsif ($info->{type} ==
    1) { # tape $devicetype = 'generic';`), with no scsiblock needed; DriveDevice.pm then gives
    QEMU `-device scsi-generic`, which passes every SCSI command of the guest to the device
    (QEMU hw/scsi/scsi-generic.c), from QEMU running as root. A tape driver node (/dev/stN,
    /dev/nstN, /dev/tape/...) is a tape; a SCSI generic node (/dev/sgN) answers for whatever
    device it is: a question. A block device (sd binds disks, sr CD-ROMs) is never type 1."""
    tapes, generic = [], []
    for d in v.disks:
        if d.bus != "scsi" or d.device != "disk" or not (d.source or "").startswith("/"):
            continue
        if _PVE_TAPE.fullmatch(d.source or ""):
            tapes.append(d)
        elif _PVE_SG.fullmatch(d.source or ""):
            generic.append(d)
    return tapes, generic


#: pve-storage types whose volume path is `iscsi://PORTAL/TARGET/LUN`, opened by QEMU's
#: libiscsi (ISCSIDirectPlugin.pm and ZFSPlugin.pm, ZFS over iSCSI, `path`), by Pool.type.
_PVE_ISCSI_URL_STORAGE = ("iscsi-direct", "zfs")
#: qemu-server Machine.pm extract_version_parts: a pinned machine type's version.
_PVE_MACHINE_VERSION = re.compile(r"(?:pc(?:-i440fx|-q35)?|virt)-(\d+)\.(\d+)", re.A)


def _pve_iscsi_generic(v: Vm, storages: dict[str, str] | None) -> list[Disk]:
    r"""The scsiN volumes qemu-server hands the guest as `scsi-generic` over QEMU's iSCSI
    initiator (L14-2). qemu-server Drive.pm get_scsi_device_type (fetched): `if ($path =~
    m/^iscsi\:\/\// && !min_version($machine_version, 4, 1)) { $devicetype = 'generic'; }` ("for
    compatibility only, we prefer scsi-hd (#2408, #2355, #2380)"); pve-storage gives an
    `iscsi://` path to the volumes of iscsidirect and zfs (ZFS over iSCSI) storages. The machine
    version is the pinned type's (Machine.pm extract_version: `pc-i440fx-4.0`, `pc-q35-3.1+pve1`);
    an unpinned machine runs at the node's QEMU version (at least 6.0, config_to_command), and
    get_vm_machine pins a Windows VM without one to 5.1 or later, both above 4.1. QEMU's
    scsi-generic passes every SCSI command the guest builds to the device (hw/scsi/scsi-generic.c),
    here through libiscsi to the target with no kernel filter (block/iscsi.c
    iscsi_aio_ioctl, R7-2). `storages` None: every scsiN volume of a storage, whatever its
    type (the ones whose storage the evidence lacks are asked about: R31P-1)."""
    m = _PVE_MACHINE_VERSION.match(v.machine or "")
    if m is None or (int(m.group(1)), int(m.group(2))) >= (4, 1):
        return []
    return [
        d
        for d in v.disks
        if d.bus == "scsi"
        and d.device == "disk"
        and d.pool
        and (storages is None or storages.get(d.pool) in _PVE_ISCSI_URL_STORAGE)
    ]


def _pve_scsi_question(
    v: Vm,
    generic: list[Disk],
    unclassed: list[Passthrough],
    unknown: Sequence[Disk] = (),
    why: str = "",
) -> Outcome:
    """HVA-059's question on a Proxmox VE VM: SCSI generic nodes whose device type is unknown,
    PCI functions passed through whose class is unknown, scsiN volumes of a machine below 4.1
    whose storage the evidence does not hold (R31P-1: an iscsidirect or ZFS over iSCSI one is
    scsi-generic there, L14-2)."""
    parts, asks, evidence, rules = [], [], [], []
    if unknown:
        vols = ", ".join(d.source or "?" for d in unknown)
        parts.append(
            f"{vols} on machine {v.machine}, below 4.1, of storage(s) the evidence does not hold "
            f"({why}): qemu-server makes a volume of an iscsidirect or ZFS over iSCSI storage "
            "scsi-generic there"
        )
        asks.append(
            f"none of storage(s) {', '.join(dict.fromkeys(d.pool or '?' for d in unknown))} "
            "an iscsidirect or ZFS over iSCSI (`zfs`) storage"
        )
        evidence.append(f"their entries in /etc/pve/storage.cfg read as root on node {v.host}")
        rules.append("none is of type iscsidirect or zfs")
    if generic:
        nodes = ", ".join(d.source or "" for d in generic)
        parts.append(
            f"{nodes} given as scsiN: qemu-server makes a SCSI tape scsi-generic (every SCSI "
            "command passed through), another device scsi-hd"
        )
        asks.append(f"none of SCSI node(s) {nodes} of VM {v.name} a SCSI tape")
        evidence.append(f"`cat /sys/class/scsi_generic/sgN/device/type` on node {v.host}")
        rules.append("no node reads 1 (tape)")
    if unclassed:
        addrs = ", ".join(p.address for p in unclassed)
        parts.append(f"PCI device(s) {addrs} passed through, of a class the evidence does not show")
        asks.append(
            f"none of PCI device(s) {addrs} passed through to VM {v.name} a storage controller"
        )
        evidence.append(
            f"`cat /sys/bus/pci/devices/ADDRESS/class` on node {v.host} for each (a mapping's "
            "address is this node's entry in /etc/pve/mapping/pci.cfg)"
        )
        rules.append("no class of base 0x01 (mass storage) or 0x0c04 (Fibre Channel)")
    question = "Is " + ", and is ".join(asks)
    return manual(
        vm_subject(v),
        "; ".join(parts),
        *(d.source_ref for d in (*generic, *unknown)),
        *(p.source_ref for p in unclassed),
        question=f"{question}? Evidence: {'; '.join(evidence)}. Pass: yes, "
        f"{'; and '.join(rules)}; fail: no, a tape or a storage controller"
        + (" or an iSCSI storage QEMU's libiscsi reads" if unknown else "")
        + ", whose guest sends any "
        "SCSI command to the device.",
    )


def _storage_controllers(v: Vm, h: Host) -> tuple[list[str], list[Passthrough]]:
    """The PCI functions passed through to `v` (<hostdev type='pci'>, a raw -device vfio-pci)
    that are storage controllers by the class sysfs gives them (`0x01xxxx`, base class mass
    storage: pci_ids.h PCI_BASE_CLASS_STORAGE; or 0x0c04, PCI_CLASS_SERIAL_FIBER, a Fibre
    Channel HBA, whose traffic to the SAN's LUNs is SCSI, R9-10), and those whose class the
    evidence lacks (R9-1).
    VFIO hands the guest the whole function: its own driver programs the controller, so every
    command it builds reaches the disks behind it without passing the host kernel's SG_IO
    filter (block/scsi_ioctl.c, the filter formatdomain's sgio='filtered' relies on), as with
    sgio='unfiltered'."""
    f = h.facts.pci_classes
    classes = f.get() if f.known else {}
    storage, unclassed = [], []
    for p in v.passthrough:
        if p.kind != "pci":
            continue
        if p.address.startswith("of cluster mapping"):
            # Proxmox VE hostpci mapping=<id> the model could not resolve against
            # /etc/pve/mapping/pci.cfg (P13-1, P21C-1)
            unclassed.append(p)
            continue
        # a Proxmox VE hostpci address may omit the domain and the function (every function
        # of the device) and join several with `;` (_pci_functions; P13-1)
        for addr, cls in _pci_functions(classes, p.address, f.known):
            if cls is None:
                unclassed.append(dataclasses.replace(p, address=addr))
            elif cls >> 16 == 0x01:
                kind = STORAGE_SUBCLASSES.get((cls >> 8) & 0xFF, "mass storage")
                storage.append(f"{addr} (class 0x{cls:06x}, {kind})")
            elif cls >> 8 == 0x0C04:
                # a Fibre Channel HBA carries SCSI (FCP) to the SAN's LUNs (R9-10)
                storage.append(f"{addr} (class 0x{cls:06x}, Fibre Channel)")
    return storage, unclassed


def _direct_iscsi(d: Disk, pool_type: str | None) -> Disk:
    """A LUN from a storage pool, with the protocol libvirt's storage driver gives it (R8-7):
    a volume of an iSCSI pool in mode='direct' becomes a network disk of protocol iscsi
    (virStorageTranslateDiskSourcePool: `actualtype = VIR_STORAGE_TYPE_NETWORK; protocol =
    VIR_STORAGE_NET_PROTOCOL_ISCSI`; mode 'host', the default, is the kernel initiator's
    /dev/disk/by-path node), and an iscsi-direct pool has no host node at all (formatstorage:
    it "does not use iscsiadm, instead it uses libiscsi"), so QEMU's initiator opens it."""
    if d.type != "volume" or d.protocol is not None:
        return d
    if d.pool_mode == "direct" or pool_type == "iscsi-direct":
        return dataclasses.replace(d, protocol="iscsi")
    return d


@check(
    id="HVA-064",
    title="VM runs the distribution's QEMU binary",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-18"], "sp800-125a-r1": ["HY-SR-6A"]},
    interpretations={
        "sp800-125a-2014:HY-SR-18": "a device model outside the distribution's packages is not "
        "patched by the host's updates",
        "sp800-125a-r1:HY-SR-6A": "a device model outside the distribution's packages escapes "
        "its reviewed emulation code and its confinement profile",
    },
    remediation="Remove the custom <emulator> (libvirt then picks the distribution's binary) or "
    "install the build as a package the host's patch process covers.",
    platforms=LINUX_HOST,
    per_vm=True,
)
def distribution_emulator(ctx: Context) -> Iterator[Outcome]:
    """The `<emulator>` is the program that runs the guest's devices. One outside the
    distribution's paths is not updated with the host and falls outside the MAC profiles written
    for the packaged binary (Debian's AppArmor abstraction lists /usr/bin/qemu-system-*). Proxmox
    VE names no binary per VM: qemu-server runs /usr/bin/kvm for the node's own architecture and
    /usr/bin/qemu-system-<arch> for another `arch:` (QemuServer.pm get_command_for_arch, read
    with `search`), both from the pve-qemu-kvm package; the parser puts that path in the model.
    A distribution path is the distribution's binary only where a package put it there: every
    package that installs QEMU has "qemu" in its name (Debian/Ubuntu qemu-system-*, whose
    qemu-system-common README.Debian names the qemu-system-$arch binaries; Proxmox
    pve-qemu-kvm, whose pve-qemu-kvm.links adds /usr/bin/kvm; RHEL/Fedora/SUSE qemu-kvm,
    qemu-system-x86-core, qemu-x86), so on a host whose package list (dpkg-query -W, rpm -qa)
    holds none, the binary was installed by hand and fails (R8-9). The running QEMU shows what it
    executes: /proc/<pid>/exe is "a symbolic link containing the actual pathname of the executed
    command" (proc(5)), so a packaged path that is a symlink to a build of its own fails with
    that build's path (R8-11). A package named for QEMU need not ship the emulator (Debian
    qemu-utils holds qemu-img and its kin only, libvirt-daemon-driver-qemu is libvirt's own
    driver): a host whose QEMU-named packages are none of the emulator packages
    (EMULATOR_PACKAGES) is asked which package installed the binary, not passed (R9-7). Nor
    does an emulator package ship every architecture's binary: Debian's qemu-system-x86 holds
    qemu-system-x86_64 and qemu-system-i386, qemu-system-arm holds qemu-system-aarch64 and
    qemu-system-arm (packages.debian.org file lists), so a /usr/bin/qemu-system-aarch64 on a
    host whose only emulator package is qemu-system-x86 came from no package on its list: asked
    the same way (FAMILY_PACKAGE, R16-1; a catch-all package such as qemu-system-misc, qemu-kvm
    or pve-qemu-kvm leaves it unjudged). A `..` component is not the lexical parent: the kernel
    looks each component up in the directory the walk has reached, resolving a symbolic link
    component first (path_resolution(7), "Step 2: walk along the path": "this component is
    looked up in the current lookup directory"; "If the component is found and is a symbolic
    link (symlink), we first resolve this symbolic link"), and `..` is the entry that
    directory has for its own parent, so `/usr/local/bin/../../bin/qemu-system-x86_64` is the
    packaged binary only where /usr/local/bin is no link elsewhere: the running QEMU's
    executable settles it, else a path whose lexical form is a distribution path is asked
    (R20-4; one whose lexical form is not keeps the fail). Where the host's package list is
    unknown (dpkg and rpm failing or absent, a bundle with no host evidence), nothing says a
    package put the binary at its path: asked, naming the path (R48S-1, round 48's team
    decision)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        # one file in any spelling the kernel resolves alike (`//`, `/./`: same_file, R19-3)
        emu = same_file(v.emulator) if v.emulator else v.emulator
        packages = hosts[v.host].facts.packages
        unpackaged = packages.known and not any("qemu" in name for name in packages.get())
        # a package named for QEMU need not ship an emulator (R9-7)
        others = sorted(n for n in (packages.get() if packages.known else ()) if "qemu" in n)
        unproven = bool(others) and not any(EMULATOR_PACKAGES.fullmatch(n) for n in others)
        runs = _running_executable(hosts[v.host], v)
        # the open conditions of this VM, asked in one item (R34S-2: the `..` question came
        # first, and "yes" passed an emulator no package of the host's updates)
        asks: list[Outcome] = []
        judged = emu  # the path the later conditions judge: the lexical one a `..` is asked for
        if emu is not None and ".." in emu.split("/"):
            # `..` is the parent of the directory a lookup reached, through its symbolic links
            # (R20-4): the running QEMU's executable settles the file, else a lexical
            # distribution path is a question, not a fail
            if runs is not None:
                # what it executes (proc(5)): a distribution path passes as that path, any
                # other fails below as the running QEMU's binary
                emu = judged = runs[1] if DISTRIBUTION_EMULATORS.fullmatch(runs[1]) else None
            elif DISTRIBUTION_EMULATORS.fullmatch(posixpath.normpath(emu)):
                judged = lexical = posixpath.normpath(emu)
                asks.append(
                    manual(
                        s,
                        f"emulator {emu}: its `..` components reach {lexical} only where no "
                        "directory before them is a symbolic link",
                        v.source,
                        question=f"Does the <emulator> {emu} of VM {v.name} resolve to "
                        f"{lexical} on host {v.host}? Evidence: `readlink -f {emu}` on "
                        f"{v.host}. Pass: it prints {lexical}; fail: another path (a symbolic "
                        "link on the way leads elsewhere).",
                    )
                )
        if judged is not None and not DISTRIBUTION_EMULATORS.fullmatch(judged):
            yield failed(s, f"custom emulator {emu} (not a distribution path)", v.source)
            continue
        if runs is not None and not DISTRIBUTION_EMULATORS.fullmatch(runs[1]):
            yield failed(
                s,
                f"the running QEMU (pid {runs[0]}) executes {runs[1]}, not a distribution path",
                v.source,
                *hosts[v.host].facts.qemu_processes.sources,
            )
            continue
        if unpackaged:
            # whichever file a `..` reaches, no update of the host patches it (R34S-2)
            what = f"emulator {emu}" if emu else "no <emulator> (the driver's default binary)"
            yield failed(
                s,
                f"{what}, but the host's package list holds no QEMU package: no update of the "
                "host patches it",
                v.source,
                *packages.sources,
            )
            continue
        if unproven:
            what = f"emulator {emu}" if emu else "no <emulator> (the driver's default binary)"
            asks.append(
                manual(
                    s,
                    f"{what}; the host's QEMU-named packages ({', '.join(others[:6])}) are none "
                    "of the packages that ship a QEMU emulator",
                    v.source,
                    *packages.sources,
                    # a yes/no question, naming where a default binary is found (R49S-2)
                    question=_package_question(v, emu),
                )
            )
        elif not packages.known:
            # the team decision of round 48: a distribution path is the distribution's binary
            # only where a package put it there, and with no package list nothing says one did
            what = f"emulator {emu}" if emu else "no <emulator> (the driver's default binary)"
            asks.append(
                manual(
                    s,
                    f"{what}, but the host's package list was not read ({packages.reason}): "
                    "whether a package the host's updates cover installed it is unknown",
                    v.source,
                    *packages.sources,
                    question=_package_question(v, emu),
                )
            )
        elif (
            judged is not None
            and (arch := SYSTEM_BINARY.fullmatch(judged)) is not None
            and (families := _families_only(others))
            and not any(arch.group(1) in FAMILY_ARCHES.get(f, {f}) for f in families)
        ):
            # the host's emulator packages ship other architectures' binaries only (R16-1)
            asks.append(
                manual(
                    s,
                    f"emulator {emu}; the host's QEMU emulator packages ({', '.join(others[:6])}) "
                    f"ship the qemu-system binaries of other architectures, not {arch.group(1)}",
                    v.source,
                    *packages.sources,
                    question=_package_question(v, emu),
                )
            )
        if asks:
            yield joined_asks(s, asks)
        elif emu is None:
            yield passed(s, "no <emulator>: the driver's default binary", v.source)
        else:
            yield passed(s, f"emulator {emu}", v.source)


def _package_question(v: Vm, emu: str | None) -> str:
    """HVA-064's question where no package on the host's list is known to ship the emulator:
    whether a package owns it, by its path (dpkg-query(1) -S, --search: "Search for packages
    that own files"; rpm --help, -f, --file: "query/verify package(s) owning file"); without an
    <emulator> the path is the one libvirt picks for the guest's architecture, the <emulator>
    of that <arch> in the driver's capabilities (formatcaps: the guest elements, "the set of
    architectures the host can run"), all read with `search`."""
    if emu:
        what, find, file = emu, "", emu
    else:
        arch = v.arch or "ARCH"
        what = f"the emulator libvirt picks for {arch}"
        find = f"the <emulator> of <arch name='{arch}'> in `virsh capabilities` on {v.host}, then "
        file = "that path"
    return (
        f"Does a distribution package the host's updates cover own {what} (VM {v.name}'s "
        f"emulator) on host {v.host}? Evidence: {find}`dpkg -S {file}` (or `rpm -qf {file}`) "
        f"on {v.host}. Pass: yes, it names such a package; fail: no package owns it, so it "
        "was installed by hand."
    )


def _families_only(names: list[str]) -> list[str]:
    """The architecture families of the host's QEMU emulator packages when every one of them is
    a package of one family (FAMILY_PACKAGE), else [] (a catch-all package may ship any
    architecture's binary)."""
    emulators = [n for n in names if EMULATOR_PACKAGES.fullmatch(n)]
    found = [FAMILY_PACKAGE.fullmatch(n) for n in emulators]
    if not emulators or any(m is None for m in found):
        return []
    return [m.group(1) or m.group(2) for m in found if m is not None]


def _running_executable(h: Host, v: Vm) -> tuple[int, str] | None:
    """The pid and executed file of the VM's running QEMU (R8-11), matched by the -uuid libvirt
    passes (else -name), where /proc/<pid>/exe was read: proc(5), "a symbolic link containing
    the actual pathname of the executed command", so a packaged path that is a symlink to a
    build of its own shows that build."""
    if not v.running:
        return None
    return next(((p.pid, p.executable) for p in vm_processes(h, v) if p.executable), None)


@check(
    id="HVA-065",
    title="VM has its own virtual TPM",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-2014:HY-SR-3": "the draft's measured launch stops at the hypervisor; a per-VM "
        "vTPM is the interface that carries it into the guest",
    },
    remediation={
        "kvm-libvirt": "Add <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm> "
        "(swtpm).",
        "proxmox-ve": "Add a TPM state disk: qm set <vmid> --tpmstate0 <storage>:1,version=v2.0.",
        "vmware-esxi": "Add a Trusted Platform Module device to the VM (vtpm.present = TRUE; "
        "needs a key provider in vCenter).",
    },
    platforms=VM_PLATFORMS,
    peers=("tpm_external_sockets", "tpm_state_paths", "raw_hypervisor_arguments"),
)
def vtpm(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-1: "To extend [the chain of trust] to guest VMs, the hypervisor should expose
    a virtual interface to the hardware MLE". On libvirt that is a TPM with the emulator backend
    (swtpm), one per VM (libvirt formatdomain, "TPM device"); libvirt adds none by itself. The
    `external` backend (since libvirt 9.0.0, formatdomain) connects QEMU to an swtpm started
    outside libvirt over a UNIX socket: a software TPM too, but whether that swtpm is this VM's
    alone (its own state, not another VM's) is not in the definition, so it is a question; two
    VMs on the same socket share one TPM and fail. Proxmox VE: `tpmstate0` (qm.conf(5)) is the
    state of the VM's own swtpm, which the parser reports as the emulator backend. A TPM 1.2
    (libvirt `<backend type='emulator' version='1.2'>`, qm.conf `tpmstate0: ...,version=v1.2`)
    fails as a host TPM 1.2 fails HVA-020: it lacks the algorithms attestation needs. qm.conf's
    default version was v1.2 and is v2.0 in newer qemu-server (the "version=<v1.2 | v2.0>
    (default = ...)" line of qm.conf(5) in each, read with `find_string`), so a tpmstate0
    without version= is a question (R7-4); libvirt's QEMU driver writes the version it chose,
    and a libvirt TPM that states none is judged at that version (qemu_domain.c
    qemuDomainTPMDefPostParse: "tpm-tis on x86 defaults to TPM 1.2 to preserve the historical
    behavior", tpm-crb and the others 2.0; the test driver leaves the version out: R10-1). VMware:
    `vtpm.present = "TRUE"` is the VM's virtual TPM device; a .vmx without it has none. Raw
    QEMU arguments `-tpmdev emulator,chardev=ID` connect the VM to an swtpm on that chardev's
    socket (qemu-options.hx), the external backend's question, not "no virtual TPM" (R9-6). A
    TPM 2.0 whose definition activates the SHA-1 PCR bank alone (libvirt `<backend
    type='emulator' version='2.0'><active_pcr_banks><sha1/></active_pcr_banks>`: "the set of
    active PCR banks is 'enforced' by running swtpm_setup before every start of the VM", the
    libvirt patch that added it, libvir-list 2022, read with `search`; domain_validate.c
    virDomainTPMDevValidate allows it on TPM 2.0 only, read with `find_string`) has the firmware
    and the guest measure into SHA-1 PCRs only, the 160-bit digests of a TPM 1.2: it fails as
    1.2 does (R14-2). A definition without the element leaves the banks the state was created
    with (swtpm_setup.conf `active_pcr_banks = @DEFAULT_PCR_BANKS@`, a build option: swtpm
    samples/swtpm_setup.conf.in, read with `search`), which the definition does not show. Since
    libvirt 10.x an emulated TPM may name its own state (`<backend type='emulator'><source
    type='file'|'dir' path=...>`: libvirt-go-xml DomainTPMBackendSource, File/Dir with a path;
    the devel-list patch "Teach the storage to use custom directory or file source location",
    on which Stefan Berger noted "the file backend does not lock access to the TPM state file
    like the dir backend does", both read with `search` / `read_file`): two VMs that name one
    state run one TPM, its endorsement key and sealed secrets included, as two VMs on one
    external socket do: a fail (R14-6, was "per-VM emulated TPM (swtpm)"). Such a state is
    compared with the VMs read only: beside a guest whose definition was not read, the pass is
    a question whether that guest names it too (unread_peers, R29D-4)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    shared: dict[tuple[str, str], list[str]] = {}
    for v in ctx.deployment.vms:
        for sock in (*v.tpm_external_sockets, *(sock for sock, _ in _raw_tpm_emulators(v))):
            shared.setdefault((v.host, same_file(sock)), []).append(v.name)
    # an emulated TPM's own state file or directory (R14-6)
    states: dict[tuple[str, str], list[str]] = {}
    for v in ctx.deployment.vms:
        for path in v.tpm_state_paths:
            states.setdefault((v.host, same_file(path).rstrip("/")), []).append(v.name)
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        platform = hosts[v.host].platform
        if platform == "vmware-esxi":
            ref = v.vmware.at("vtpm.present") if v.vmware is not None else v.source
            if v.vtpm:
                # the host's /etc/vmware/settings is read first and overrides the .vmx's own
                # keys (ESXI-80-000236), vtpm.present among them (L18-3)
                yield own_keys_pass(passed(s, "vtpm.present = TRUE: the VM's own virtual TPM", ref))
            else:
                yield failed(s, "no virtual TPM (no vtpm.present = TRUE)", ref)
        elif "emulator" in v.tpm_backends and (
            together := sorted(
                {
                    (path, n)
                    for path in v.tpm_state_paths
                    for n in states[(v.host, same_file(path).rstrip("/"))]
                    if n != v.name
                }
            )
        ):
            yield failed(
                s,
                "emulated TPM state "
                + ", ".join(sorted({p for p, _ in together}))
                + f" is named by VM(s) {', '.join(sorted({n for _, n in together}))} too: one "
                "TPM (its endorsement key, NV and sealed secrets) for several VMs",
                v.source,
            )
        elif "emulator" in v.tpm_backends and v.tpm_version == "1.2":
            yield failed(
                s,
                "per-VM emulated TPM 1.2"
                + (" (tpmstate0 version=v1.2)" if platform == "proxmox-ve" else "")
                + (
                    " (no version= on a tpm-tis TPM: libvirt's QEMU driver gives it 1.2 on x86)"
                    if v.tpm_version_default
                    else ""
                )
                + ": 1.2 lacks the algorithms attestation needs",
                v.source,
            )
        elif "emulator" in v.tpm_backends and set(v.tpm_pcr_banks) == {"sha1"}:
            yield failed(
                s,
                "per-VM emulated TPM 2.0 with the SHA-1 PCR bank alone active "
                "(<active_pcr_banks><sha1/>): its measurements are SHA-1 digests, as a TPM "
                "1.2's, which lacks the algorithms attestation needs",
                v.source,
            )
        elif "emulator" in v.tpm_backends and platform == "proxmox-ve" and not v.tpm_version:
            yield manual(
                s,
                "tpmstate0 states no version: qm.conf's default was v1.2 and is v2.0 in newer "
                "qemu-server releases",
                v.source,
                question=f"Is the TPM of VM {v.name} a TPM 2.0? Evidence: in the guest, `cat "
                "/sys/class/tpm/tpm0/tpm_version_major` (or `dmesg | grep -i tpm`), or the "
                "default of tpmstate0's version in `man qm.conf` on the node. Pass: 2 (v2.0); "
                "fail: 1 (v1.2; set it when the TPM state disk is recreated, it cannot be "
                "changed in place).",
            )
        elif "emulator" in v.tpm_backends:
            outcome = passed(
                s,
                "per-VM emulated TPM (swtpm"
                + (", tpmstate0)" if platform == "proxmox-ve" else ")"),
                v.source,
            )
            if v.tpm_state_paths:
                # a state the definition names is unique among the VMs read only (R29D-4)
                outcome = unread_peers(
                    outcome,
                    hosts[v.host],
                    f"name its TPM state {', '.join(v.tpm_state_paths)} too",
                )
            yield outcome
        elif "external" in v.tpm_backends:
            socks = ", ".join(v.tpm_external_sockets)
            others = sorted(
                {
                    n
                    for sock in v.tpm_external_sockets
                    for n in shared.get((v.host, same_file(sock)), [])
                    if n != v.name
                }
            )
            if others:
                yield failed(
                    s,
                    f"external TPM socket {socks} is shared with {', '.join(others)}: one TPM "
                    "for several VMs",
                    v.source,
                )
            else:
                yield manual(
                    s,
                    f"external swtpm at {socks} (started outside libvirt)",
                    v.source,
                    question=_swtpm_question(socks),
                )
        elif v.tpm_backends:
            yield failed(
                s, f"TPM backend {', '.join(v.tpm_backends)} is not a per-VM vTPM", v.source
            )
        elif raw := _raw_tpm_emulators(v):
            socks = ", ".join(sock for sock, _ in raw)
            shown = "; ".join(arg for _, arg in raw)
            others = sorted(
                {
                    n
                    for sock, _ in raw
                    for n in shared.get((v.host, same_file(sock)), [])
                    if n != v.name
                }
            )
            if others:
                yield failed(
                    s,
                    f"TPM emulator socket {socks} (QEMU argument {shown}) is shared with "
                    f"{', '.join(others)}: one TPM for several VMs",
                    v.source,
                )
            else:
                yield manual(
                    s,
                    f"swtpm at {socks} (QEMU argument {shown}, started outside libvirt)",
                    v.source,
                    question=_swtpm_question(socks),
                )
        else:
            yield failed(
                s,
                "no virtual TPM" + (" (no tpmstate0)" if platform == "proxmox-ve" else ""),
                v.source,
            )


def _swtpm_question(socks: str) -> str:
    """The one question an emulator TPM on a socket libvirt did not start for the VM asks."""
    return (
        f"Is the swtpm listening on {socks} this VM's own emulator, with state no other VM "
        "uses? Evidence: the unit or script that starts swtpm for that socket (its --tpmstate "
        "dir) and `ss -xlp` for the socket's process. Pass: yes, one swtpm with its own state "
        "for this VM; fail: it is shared or is not a TPM emulator."
    )


def _raw_tpm_emulators(v: Vm) -> list[tuple[str, str]]:
    """The TPM emulators raw QEMU arguments connect (R9-6): `-tpmdev emulator,id=ID,chardev=DEV`
    "Enable[s] access to a TPM emulator using Unix domain socket based chardev backend", the
    socket being the `-chardev socket,id=DEV,path=...` it names (qemu-options.hx, -tpmdev
    emulator: `-chardev socket,id=chrtpm,path=/tmp/swtpm-sock -tpmdev
    emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0`): a software TPM started
    outside libvirt, as <backend type='external'> is. (socket, the argument) each."""
    opts = qemu_options(v.raw_hypervisor_arguments)
    sockets = {o.props.get("id"): o.props.get("path") for o in opts if o.name == "chardev"}
    out = []
    for o in opts:
        if o.name == "tpmdev" and o.kind == "emulator":
            chardev = o.props.get("chardev", "")
            out.append(
                (sockets.get(chardev) or f"of chardev {chardev or '(none named)'}", o.shown())
            )
    return out


@check(
    id="HVA-066",
    title="VM boots UEFI with Secure Boot and enrolled keys",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-r1": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-r1:HY-SR-1": "HY-SR-1 extends the verified chain to guests; a guest's Secure "
        "Boot is the part of that chain inside the VM",
    },
    remediation={
        "kvm-libvirt": "Use <os firmware='efi'> with <firmware><feature enabled='yes' "
        "name='secure-boot'/>"
        "<feature enabled='yes' name='enrolled-keys'/></firmware> (and <smm state='on'/>).",
        "proxmox-ve": "Set bios: ovmf, machine: q35 (SMM) and an efidisk0 of efitype=4m and "
        "pre-enrolled-keys=1, and protect the UEFI flash, which qemu-server leaves writable: "
        "args: -global driver=cfi.pflash01,property=secure,value=on. An aarch64 VM's variable "
        "store cannot be protected (no secure world under KVM): run such guests on x86_64.",
        "vmware-esxi": 'Set firmware = "efi" and uefi.secureBoot.enabled = "TRUE" (Boot '
        "Options, Secure Boot).",
    },
    platforms=VM_PLATFORMS,
    per_vm=True,
)
@raw_arguments_unseen("a directly booted kernel (-kernel)")
def guest_secure_boot(ctx: Context) -> Iterator[Outcome]:
    """Only UEFI firmware with the secure-boot feature and enrolled keys makes the guest's firmware
    refuse unsigned boot loaders; `<loader secure='yes'>` alone marks SMM-protected flash and
    proves no enforcement (libvirt kbase "Secure Boot"; formatdomain "BIOS bootloader"). With a
    loader named by hand, the variable store decides: a Secure Boot build of OVMF with the empty
    OVMF_VARS template boots with Secure Boot disabled (Debian ovmf README.Debian, read by the
    parser), and a template hvaudit does not know, or none, leaves it to the VM's NVRAM file, a
    manual item. A `<firmware>` that names secure-boot but not enrolled-keys lets autoselection
    take the host's highest-priority Secure Boot descriptor, with keys or without (libvirt matches
    only the features the domain names), so it is the same manual item unless the XML already
    carries the resolved loader and template. A definition that names no firmware boots SeaBIOS
    on x86 (libvirt's default), and so does <os firmware='bios'> whatever its <firmware> lists:
    autoselection takes only a firmware of the interface asked, and no BIOS has Secure Boot
    (qemu_firmware.c qemuFirmwareMatchDomain; R10-5). Proxmox VE: the parser resolves qm.conf's bios ("default =
    seabios") and efidisk0 (efitype "default = 2m", pre-enrolled-keys with efitype=4m picks the
    template "with distribution-specific and Microsoft Standard keys enrolled" that "will enable
    Secure Boot by default"; QemuServer.pm get_ovmf_files); an aarch64 VM's store is flash
    its OS can write (QEMU's virt board, no secure world under KVM): a fail (P24-1). VMware: `firmware = "efi"` with
    `uefi.secureBoot.enabled = "TRUE"` (the .vmx keys of Boot Options > Secure Boot; a .vmx
    without `firmware` boots BIOS).

    On QEMU the definition shows only the template a VM's variable store was created from:
    libvirt kbase "Secure Boot", "Changing an existing VM": "updating the XML configuration
    ... is **not** enough to change the Secure Boot status: the NVRAM file associated with the
    VM has to be regenerated from its template" (`virsh start --reset-nvram`), and Proxmox VE's
    pre-enrolled-keys "will enable Secure Boot by default, though it can still be turned off
    from within the VM" (qm.conf(5)). Whether keys are enrolled and Secure Boot is on is in the
    store (PK, SecureBootEnable), which hvaudit does not read: a definition that asks for
    enrolled keys is a question about the store, never a pass; one that rules them out fails.
    A VM that boots a kernel directly (<os><kernel>, raw `-kernel`) is asked about its firmware
    too: OVMF's legacy Linux loader boots a kernel that fails verification unless the firmware
    has, and keeps off, its EnableLegacyLoader option (_direct_boot_question, R13-2). A
    stateless firmware (<loader stateless='yes'>) has no variable store: the image holds
    its variables and nothing the guest writes persists (libvirt commit 32b9d8b0, firmware
    descriptor mode "stateless"), so its question is about the image, not a store (R16-2)."""
    platforms = {h.name: h.platform for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        outcome = _secure_boot_outcome(v, platforms.get(v.host))
        if outcome.status is not Status.FAIL and (lifted := _flash_unprotected(v)) is not None:
            # the store question would pass a store the guest OS may rewrite (R23M-3)
            outcome = failed(
                vm_subject(v),
                f"{outcome.message}; but QEMU argument {lifted} lifts the SMM write protection "
                "of the UEFI flash: the guest OS can rewrite the variable store and turn Secure "
                "Boot off",
                v.source,
            )
        booted = _direct_kernel(v)
        if booted is not None and outcome.status is not Status.FAIL:
            outcome = _direct_boot_question(v, outcome, *booted)
        yield outcome


def _flash_unprotected(v: Vm) -> str | None:
    """The raw `-global` that leaves the UEFI flash writable outside SMM, as shown, or None
    (R23M-3). libvirt gives an SMM-protected loader (<loader secure='yes'>, and a firmware
    autoselected for secure-boot) `-global driver=cfi.pflash01,property=secure,value=on`
    before its other options (tests/qemuxml2argvdata/bios-nvram-secure.args: `-machine
    pc-q35-2.5,...,smm=on -global driver=cfi.pflash01,property=secure,value=on`, read with
    `read_file`), and <qemu:commandline> values come after it; global properties are "Applied
    in order, later entries override earlier ones" (qom/object.c object_apply_global_props,
    read with `find_string`), so a later `value=off` wins. With it off, QEMU's flash takes
    writes that do not come from SMM (hw/block/pflash_cfi01.c pflash_mem_write_with_attrs
    refuses a non-secure write only `if ((pfl->features & (1 << PFLASH_SECURE)) &&
    !attrs.secure)`), and edk2's own table (OvmfPkg/VirtHstiDxe/README.md, "qemu flash
    configuration": SMM_REQUIRE=TRUE, normal mode, OVMF_VARS.fd "read-only" with that
    -global; VIRT_HSTI_BYTE0_SMM_SECURE_VARS_FLASH "Verify the variable store is not writable
    for normal (not SMM) code"), read with `read_file`: the guest OS writes PK and
    SecureBootEnable itself."""
    last = pflash_secure(v.raw_hypervisor_arguments)
    return last[0] if last is not None and last[1] in QAPI_FALSE else None


def _secure_boot_outcome(v: Vm, platform: str | None) -> Outcome:
    """HVA-066's verdict on the firmware and variable store alone."""
    s = vm_subject(v)
    if (v.secure_boot or v.secure_boot_unsettled) and v.firmware_stateless:
        # no variable store to ask about: the image carries its variables (R16-2)
        said = (
            "UEFI Secure Boot with enrolled keys (firmware features secure-boot and enrolled-keys)"
            if v.secure_boot and not v.secure_boot_detail
            else f"UEFI {v.secure_boot_detail}"
        )
        return manual(
            s,
            f"{said}; <loader stateless='yes'>: no variable store, the firmware image's own "
            "variables decide, and what the guest changes is lost at power-off",
            v.source,
            question=f"Does the stateless UEFI firmware image VM {v.name} boots on host "
            f"{v.host} hold enrolled PK/KEK/db keys with Secure Boot enabled? Evidence: "
            "`mokutil --sb-state` in the guest, or the image's firmware descriptor on the host "
            "(/usr/share/qemu/firmware/*.json naming it: mapping mode stateless, features "
            "secure-boot and enrolled-keys). Pass: Secure Boot enabled with keys that are not "
            "test (snakeoil) keys; fail: disabled or no PK (an image of firmware code alone "
            "holds no keys), so the firmware starts unsigned boot code.",
        )
    if v.secure_boot and platform != "vmware-esxi":
        asked = "UEFI Secure Boot with enrolled keys" + (
            f": {v.secure_boot_detail}"
            if v.secure_boot_detail
            else " (firmware features secure-boot and enrolled-keys)"
        )
        return manual(
            s,
            f"{asked}; the VM's variable store was created from "
            + ("that template" if v.secure_boot_detail else "the template they select")
            + ", whether Secure Boot is on now is in the store",
            v.source,
            question=f"Does the UEFI variable store of VM {v.name} hold enrolled keys with "
            "Secure Boot on now? Evidence: `mokutil --sb-state` in the guest, or the store "
            "on the host (`virt-fw-vars --input <its NVRAM file or efidisk> --print`: PK "
            "enrolled, SecureBootEnable set). Pass: Secure Boot enabled with the "
            "template's keys; fail: disabled or no PK (a store created before the "
            "definition asked for enrolled keys keeps its old variables, and the guest can "
            "turn Secure Boot off).",
        )
    elif v.secure_boot:
        # VMware: firmware and uefi.secureBoot.enabled are .vmx keys the host's
        # /etc/vmware/settings overrides (ESXI-80-000236, L18-3)
        return own_keys_pass(
            passed(
                s,
                "UEFI Secure Boot with enrolled keys"
                + (f": {v.secure_boot_detail}" if v.secure_boot_detail else ""),
                v.source,
            )
        )
    elif v.secure_boot_unsettled:
        return manual(
            s,
            f"{v.secure_boot_detail}: whether Secure Boot is on is in the VM's NVRAM file",
            v.source,
            # R15-5: the question named neither the VM nor a fail answer
            question=f"Does the UEFI variable store of VM {v.name} on host {v.host} (its <nvram> "
            "file) hold enrolled PK/KEK/db keys with Secure Boot enabled? Evidence: `mokutil "
            "--sb-state` (or `bootctl status`) in the guest, or the store on the host "
            "(`virt-fw-vars --input <its NVRAM file> --print`: PK enrolled, SecureBootEnable "
            "set). Pass: Secure Boot enabled with keys that are not test (snakeoil) keys; fail: "
            "disabled, no PK, or snakeoil keys, so the firmware starts unsigned boot code.",
        )
    elif v.secure_boot_detail:
        return failed(s, f"UEFI {v.secure_boot_detail}", v.source)
    elif v.firmware_efi:
        return failed(s, "UEFI firmware without Secure Boot and enrolled keys", v.source)
    else:
        return failed(s, "BIOS firmware: no Secure Boot", v.source)


#: The fw_cfg entry that turns OVMF's legacy Linux loader off (edk2 OvmfPkg/RUNTIME_CONFIG.md,
#: "Security: opt/org.tianocore/EnableLegacyLoader"), read by QemuFwCfgParseBool, whose false
#: words are false, no, n, disable, disabled and 0, compared case-insensitively (OvmfPkg/Library/
#: QemuFwCfgSimpleParserLib/QemuFwCfgSimpleParser.c mFalseString).
LEGACY_LOADER = "opt/org.tianocore/EnableLegacyLoader"


def _direct_kernel(v: Vm) -> tuple[str, str | None] | None:
    """The kernel the VM boots directly, as said in a message, and the value the definition
    gives OVMF's EnableLegacyLoader entry (None when it gives none): libvirt <os><kernel>
    (formatdomain, "Direct kernel boot"; QEMU `-kernel`), or a raw `-kernel` (libvirt
    <qemu:commandline>, Proxmox VE `args:`), whose later option wins; <sysinfo type='fwcfg'>
    entries are QEMU's `-fw_cfg name=NAME,string=VALUE` (formatdomain, "SMBIOS System
    Information": type fwcfg), raw `-fw_cfg` likewise."""
    opts = qemu_options(v.raw_hypervisor_arguments)
    raw = [o for o in opts if o.name == "kernel" and o.text.strip()]
    if raw:
        kernel = f"{raw[-1].text.strip()} (QEMU argument {raw[-1].shown()})"
    elif v.direct_kernel:
        kernel = f"{v.direct_kernel} (<os><kernel>)"
    else:
        return None
    entries = list(v.fw_cfg)
    for o in opts:
        if o.name != "fw_cfg":
            continue
        pairs = [p.partition("=") for p in o.text.split(",")]
        name = next((val for k, _, val in pairs if k == "name"), None) or (
            pairs[0][0] if pairs and not pairs[0][1] else ""
        )
        value = next(
            (
                f"file {val}" if k == "file" else val
                for k, _, val in pairs
                if k in ("string", "file")
            ),
            "",
        )
        entries.append((name, value))
    setting = next((val for name, val in reversed(entries) if name == LEGACY_LOADER), None)
    return kernel, setting


def _direct_boot_question(v: Vm, outcome: Outcome, kernel: str, setting: str | None) -> Outcome:
    """HVA-066 for a VM that boots a kernel directly (R13-2). OVMF's x86 loader first hands
    the kernel to the UEFI LoadImage, which verifies its signature under Secure Boot, and on
    EFI_SECURITY_VIOLATION or EFI_ACCESS_DENIED falls back to the legacy Linux loader: "We are
    running with UEFI secure boot enabled, and the image failed to authenticate. For
    compatibility reasons, we fall back to the legacy loader in this case" (edk2 OvmfPkg/
    Library/X86QemuLoadImageLib/X86QemuLoadImageLib.c QemuLoadKernelImage, read with
    `find_string`); "The legacy loader will not do secure boot verification though. Disabling
    the legacy loader using this option will plug that hole" (OvmfPkg/RUNTIME_CONFIG.md,
    opt/org.tianocore/EnableLegacyLoader, "For now the legacy loader is enabled by default").
    The option came with tianocore/edk2 pull request #10628 (2025) and its default was turned
    off by #11873 (December 2025, citing GHSA-6pp6-cm5h-86g5 / CVE-2025-2296), both read with
    `search`; firmware built before #10628 has no such option. So a kernel that fails
    verification boots all the same unless the host's firmware is recent enough and the
    option is off: whether Secure Boot guards this VM's kernel is a question of the firmware
    build, never a pass, and the store's question alone (pass: Secure Boot enabled) would pass
    it. Where the VM turns the option on (a true word of QemuFwCfgParseBool, which the bundle
    keeps: hvaudit.redact.FW_CFG_BOOLEANS), the legacy loader runs whatever the build, which
    either predates the option or obeys it: a fail."""
    if setting is not None and setting.lower() in FW_CFG_TRUE_WORDS:
        return failed(
            outcome.subject,
            f"{outcome.message}; but the VM boots kernel {kernel} directly and sets "
            f"{LEGACY_LOADER} to {setting!r}: OVMF's legacy Linux loader starts it without "
            "Secure Boot verification when verification fails",
            *outcome.evidence,
        )
    if setting is None:
        said = f"the VM does not set {LEGACY_LOADER}"
    elif setting == REDACTED:
        # the collector blanks every fw_cfg value that is not a boolean word (hvaudit.redact)
        said = f"the VM sets {LEGACY_LOADER}, its value redacted from the bundle"
    else:
        said = f"the VM sets {LEGACY_LOADER} to {setting!r}"
    return manual(
        outcome.subject,
        f"{outcome.message}; but the VM boots kernel {kernel} directly, which OVMF's legacy "
        f"Linux loader starts without Secure Boot verification when verification fails ({said})",
        *outcome.evidence,
        question=f"Does the UEFI firmware of VM {v.name} on host {v.host} refuse a directly "
        "booted kernel that fails Secure Boot verification, with Secure Boot on in the VM's "
        "variable store? Evidence: the OVMF (edk2) package on the host and whether its build "
        f"has the {LEGACY_LOADER} option (tianocore/edk2 pull request #10628) and which "
        "default (off since pull request #11873), the VM's <sysinfo type='fwcfg'> entry of "
        f"that name (`virsh dumpxml {v.name}`), and `mokutil --sb-state` in the guest. Pass: "
        "the firmware has the option, the legacy loader is off (its default there, or the "
        "entry is no, n, false, disable, disabled or 0) and Secure Boot is enabled; fail: the "
        "firmware predates the option or the legacy loader is on (a kernel that fails "
        "verification boots anyway), or Secure Boot is off in the store.",
    )


@check(
    id="HVA-067",
    title="VM memory is encrypted against the host where its data requires it",
    scope="vm",
    severity=Severity.INFO,
    recommendations={"sp800-125a-r1": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-r1:HY-SR-1": "confidential-computing launch (SEV, TDX, s390 PV) measures and "
        "encrypts the guest against the platform: hvaudit's extension of HY-SR-1 to guests",
    },
    remediation="Where the data requires it and the host supports it (virsh domcapabilities: "
    "<sev supported='yes'>), add <launchSecurity type='sev'> (or s390-pv) to the VM.",
    automation="manual",
    question="Is the data of this VM classified as not requiring its memory to be encrypted "
    "against the host (AMD SEV/SEV-SNP, Intel TDX, s390 protected virtualization)? Evidence: the "
    "data classification or system security plan entry for the VM's workload. Pass: yes, its "
    "classification does not require it; fail: it does (then run it on a host whose `virsh "
    "domcapabilities` offers a launch security type, e.g. <sev supported='yes'>, and give it "
    "<launchSecurity>).",
    platforms=VM_PLATFORMS,
    per_vm=True,
)
def launch_security(ctx: Context) -> Iterator[Outcome]:
    """`<launchSecurity>` runs the guest with its memory encrypted by the CPU (AMD SEV, s390
    protected virtualization; libvirt formatdomain, "Launch Security"); it needs that hardware and
    is a per-VM policy choice, so its absence is a question, not a failure. The question is put
    so that an attestation's "yes" passes it: the data does not need the encryption. Which types
    a host offers is in `virsh domcapabilities` (<sev supported='yes'>, formatdomaincaps "SEV
    capabilities"; libvirt 10.5 added the list of <launchSecurity> types), confirmed with search
    on the libvirt patches that introduced them. A guest policy that allows debugging lets the
    host read the guest's memory through the firmware's debug commands (SEV: NODBG, bit 0,
    "debugging of the guest is disallowed when set"; SEV-SNP: DEBUG, bit 19, allowed when set;
    QEMU target/i386/sev.h; TDX: off-TD debug, bit 0 of the TD attributes libvirt's <policy>
    sets, QEMU target/i386/kvm/tdx.c), so such a launch protects nothing and fails. Proxmox VE
    (qm.conf(5) and CPUConfig.pm get_amd_sev_object, read with `search`): `amd-sev: type=std|es|
    snp` with `no-debug` "default = 0": qemu-server sets SEV's NODBG bit only with no-debug=1 and
    SEV-SNP's DEBUG bit unless no-debug=1, so without no-debug=1 the host may debug the guest;
    `intel-tdx: type=tdx` sets no debug attribute. VMware: the .vmx keys of SEV-ES are not read
    by hvaudit, so a VMware VM is always the question.

    Where the memory is not encrypted, the message names what writes it to the host's disk as
    well (leads13), the evidence the data classification is weighed against: a <watchdog
    action='dump'> (libvirt's processWatchdogEvent writes the VM's memory into qemu.conf's
    auto_dump_path, default /var/lib/libvirt/qemu/dump, each time the guest lets its watchdog
    fire, and resumes it), <on_crash>coredump-destroy|coredump-restart</on_crash> ("The
    crashed domain's core will be dumped", formatdomain), and guest RAM in a core dump of its
    QEMU: <memory dumpCore='on'>, else qemu.conf dump_guest_core = 1 ("By default guest RAM will
    be excluded if a new enough QEMU is present ... ignored if the guest XML has set the
    dumpcore attribute"; hvaudit.parse.libvirt_xml._memory_dumps). Proxmox VE: a `vmstate`
    volume, in the current configuration (suspended to disk) or in a snapshot taken with RAM
    (hvaudit.parse.proxmox_model._vmstates)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        if hosts[v.host].platform == "vmware-esxi":
            yield manual(s, "memory encryption (AMD SEV-ES) is not read from the .vmx", v.source)
            continue
        if v.launch_security and v.launch_security_debug:
            yield failed(
                s, f"launch security {v.launch_security} with {v.launch_security_debug}", v.source
            )
        elif v.launch_security:
            yield passed(s, f"launch security {v.launch_security}", v.source)
        else:
            what = (
                "no amd-sev or intel-tdx"
                if hosts[v.host].platform == "proxmox-ve"
                else "no <launchSecurity>"
            )
            dumps = _memory_to_host_disk(v, hosts[v.host])
            also = f"; written to its disk too: {'; '.join(dumps)}" if dumps else ""
            yield manual(s, f"{what}: guest memory is readable by the host{also}", v.source)


def _memory_to_host_disk(v: Vm, h: Host) -> list[str]:
    """What writes this VM's memory to its host's disk (HVA-067): the definition's dumps and
    a QEMU core dump holding guest RAM (<memory dumpCore>, else qemu.conf dump_guest_core)."""
    known = conf_fact(h, "qemu.conf").known if h.libvirt is not None else False
    where = "qemu.conf auto_dump_path (default /var/lib/libvirt/qemu/dump)"
    core = None
    if known:
        path, psrc = conf_value(h, "qemu.conf", "auto_dump_path")
        where = str(path) if path and not psrc.default else "/var/lib/libvirt/qemu/dump"
        core = conf_value(h, "qemu.conf", "dump_guest_core")[0]
    out = [
        f"{d} (libvirt writes the guest's memory into {where} each time it fires)"
        if d.startswith("<watchdog")
        else f"{d} (libvirt dumps the crashed guest's memory)"
        if d.startswith("<")
        else d  # Proxmox VE's vmstate volumes name themselves
        for d in v.memory_dumps
    ]
    if v.dump_core:
        out.append("<memory dumpCore='on'> (a core dump of its QEMU holds guest RAM)")
    elif v.dump_core is None and core == 1:
        out.append("qemu.conf dump_guest_core = 1 (a core dump of its QEMU holds guest RAM)")
    return out
