"""Device emulation and access control (HY-BF2): drivers, QEMU confinement, passthrough.

The 2014 draft's HY-SR-5 wants uncertified drivers refused and each VM's device emulation
deprivileged; Rev. 1 splits this into 6A/6B/6C and HY-SR-7 (per-VM device access through labels).
On KVM that is: signed modules, QEMU as an unprivileged user, sVirt labels, seccomp, no raw QEMU
arguments, and an IOMMU for every passed-through device.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hvaudit.checks._libvirt import conf_fact, conf_value
from hvaudit.checks.base import (
    ANY,
    LINUX_HOST,
    QEMU,
    Context,
    Outcome,
    Severity,
    check,
    failed,
    first_unknown,
    host_subject,
    not_applicable,
    passed,
    unknown,
    vm_subject,
)
from hvaudit.model import Fact

TAINT_BITS = {0: "proprietary module (P)", 12: "out-of-tree module (O)", 13: "unsigned module (E)"}
NON_ROOT_BUILDS = (
    "debian",
    "ubuntu",
    "fedora",
    "rhel",
    "centos",
    "rocky",
    "almalinux",
    "sles",
    "opensuse",
    "arch",
    "gentoo",
)


@check(
    id="HVA-040",
    title="Kernel refuses unsigned modules",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
    remediation="Boot with Secure Boot (Debian then enforces integrity lockdown) or add "
    "module.sig_enforce=1 to the kernel command line.",
    platforms=LINUX_HOST,
)
def module_signatures(ctx: Context) -> Iterator[Outcome]:
    """The 2014 draft asks for a boot option that refuses uncertified drivers. On Linux that is
    module signature enforcement, directly or through kernel lockdown."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        sig, lock = h.facts.module_sig_enforce, h.facts.lockdown
        gap = first_unknown(sig, lock)
        if gap is not None:
            yield unknown(s, gap, "the kernel enforces module signatures")
        elif sig.get():
            yield passed(s, "module.sig_enforce is on", *sig.sources)
        elif lock.get() in ("integrity", "confidentiality"):
            yield passed(
                s, f"kernel lockdown '{lock.get()}' enforces signed modules", *lock.sources
            )
        else:
            yield failed(
                s,
                "unsigned kernel modules can be loaded (sig_enforce off, lockdown none)",
                *sig.sources,
                *lock.sources,
            )


@check(
    id="HVA-041",
    title="Kernel is not tainted by proprietary, out-of-tree or unsigned modules",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
    remediation="Remove or replace the modules that taint the kernel (see `dmesg | grep -i taint`), "
    "or sign and approve them.",
    platforms=LINUX_HOST,
)
def kernel_taint(ctx: Context) -> Iterator[Outcome]:
    """A tainted kernel runs driver code that has not been through the distribution's review or
    signing: exactly the uncertified drivers the recommendation wants kept out."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.kernel_taint
        if not f.known:
            yield unknown(s, f, "no proprietary, out-of-tree or unsigned modules are loaded")
            continue
        bad = [label for bit, label in TAINT_BITS.items() if f.get() & (1 << bit)]
        if bad:
            yield failed(s, f"kernel tainted ({f.get()}): {', '.join(bad)}", *f.sources)
        else:
            yield passed(s, f"taint value {f.get()}: no unreviewed module loaded", *f.sources)


@check(
    id="HVA-042",
    title="QEMU runs as an unprivileged user",
    scope="host",
    severity=Severity.CRITICAL,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A", "HY-SR-7"]},
    remediation="Set user and group in /etc/libvirt/qemu.conf to a dedicated account "
    "(Debian: libvirt-qemu) and restart libvirtd and the guests.",
)
def qemu_unprivileged(ctx: Context) -> Iterator[Outcome]:
    """QEMU emulates devices for an untrusted guest; a bug in it is a VM escape. Running it as root
    turns that escape into a host compromise."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        procs = h.facts.qemu_processes
        gap = first_unknown(qc)
        if gap is not None:
            yield unknown(s, gap, "QEMU processes run as a non-root user")
            continue
        user, src = conf_value(h, "qemu.conf", "user")
        if user is not None and str(user) in ("root", "+0", "0"):
            yield failed(s, f"qemu.conf sets user = {user}", src)
            continue
        root_procs = [p for p in (procs.get() if procs.known else ()) if p.user in ("root", "0")]
        capable = [p for p in (procs.get() if procs.known else ()) if p.capabilities]
        if capable and not root_procs:
            names = ", ".join(
                f"{p.guest or p.pid} (CapEff {p.capabilities:#x})" for p in capable[:5]
            )
            yield failed(s, f"QEMU process(es) hold capabilities: {names}", *procs.sources)
        elif root_procs:
            names = ", ".join(f"{p.guest or p.pid}" for p in root_procs[:5])
            yield failed(
                s, f"{len(root_procs)} QEMU process(es) run as root: {names}", *procs.sources
            )
        elif procs.known and procs.get():
            users = sorted({p.user for p in procs.get()})
            yield passed(
                s,
                f"{len(procs.get())} running QEMU process(es), as {', '.join(users)}",
                src,
                *procs.sources,
            )
        elif user is not None:
            yield passed(s, f"qemu.conf sets user = {user}", src)
        else:
            osr = h.facts.os_release
            distro = osr.get().get("ID", "") if osr.known else ""
            if distro in NON_ROOT_BUILDS:
                yield passed(
                    s,
                    f"user unset: the {distro} build of libvirt defaults to a non-root "
                    "user (no QEMU running to confirm)",
                    src,
                    *osr.sources,
                )
            else:
                why: Fact[Any] = (
                    osr
                    if not osr.known
                    else Fact.unavailable(
                        f"user unset and the build default of distribution {distro or 'unknown'} is not known"
                    )
                )
                yield unknown(s, why, "QEMU processes run as a non-root user")


@check(
    id="HVA-043",
    title="A mandatory access control driver confines QEMU (sVirt)",
    scope="host",
    severity=Severity.CRITICAL,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    remediation="Enable AppArmor or SELinux on the host and leave qemu.conf security_driver unset or "
    'set it to "apparmor"/"selinux" (never "none").',
)
def security_driver(ctx: Context) -> Iterator[Outcome]:
    """sVirt gives each QEMU process its own label so that an escaped guest can touch only its own
    disks and devices: Rev. 1's per-VM device access control through VM labelling."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        model = h.libvirt.security_model if h.libvirt else qc
        gap = first_unknown(qc, model)
        if gap is not None:
            yield unknown(s, gap, "libvirt confines QEMU with SELinux or AppArmor")
            continue
        driver, src = conf_value(h, "qemu.conf", "security_driver")
        if driver == "none":
            yield failed(s, 'qemu.conf security_driver = "none": QEMU is not confined', src)
        elif model.get() == "none":
            yield failed(
                s, "the daemon reports no MAC security model (only DAC)", *model.sources, src
            )
        else:
            yield passed(s, f"libvirt confines QEMU with {model.get()}", *model.sources, src)


@check(
    id="HVA-044",
    title="VM is confined by its own security label",
    scope="vm",
    severity=Severity.CRITICAL,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    remediation="Remove <seclabel type='none'/> from the domain (virsh edit) so the driver's dynamic "
    "label applies.",
)
def vm_confined(ctx: Context) -> Iterator[Outcome]:
    """A domain can opt out of sVirt with `<seclabel type='none'>`; its QEMU then runs unconfined
    even on a host where every other VM is labelled."""
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        f = v.confinement
        if not f.known:
            yield unknown(s, f, "the VM has a per-VM security label")
        elif v.confinement_disabled:
            yield failed(s, f"security label {f.get()}: QEMU runs unconfined", *f.sources)
        else:
            yield passed(s, f"security label: {f.get()}", *f.sources)


@check(
    id="HVA-045",
    title="QEMU runs under a seccomp sandbox",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
    remediation="Remove seccomp_sandbox = 0 from /etc/libvirt/qemu.conf and restart the guests.",
)
def seccomp_sandbox(ctx: Context) -> Iterator[Outcome]:
    """The seccomp sandbox denies QEMU the system calls an exploit needs (spawning processes,
    raising privileges), narrowing what a compromised device model can do."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        if not qc.known:
            yield unknown(s, qc, "QEMU runs with -sandbox on")
            continue
        value, src = conf_value(h, "qemu.conf", "seccomp_sandbox")
        procs = h.facts.qemu_processes
        if value == 0:
            yield failed(s, "qemu.conf seccomp_sandbox = 0", src)
            continue
        bare = [p for p in (procs.get() if procs.known else ()) if p.seccomp_mode == 0]
        if bare:
            yield failed(
                s,
                f"{len(bare)} running QEMU process(es) without seccomp: "
                + ", ".join(p.guest or str(p.pid) for p in bare[:5]),
                *procs.sources,
            )
        else:
            yield passed(
                s,
                f"seccomp_sandbox = {value}" + (" (default: enabled)" if src.default else ""),
                src,
                *procs.sources,
            )


@check(
    id="HVA-046",
    title="VM passes no raw arguments to QEMU",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    remediation={
        "*": "Replace <qemu:commandline>/<qemu:capabilities>/<qemu:override> with supported domain "
        "XML elements.",
        "proxmox-ve": "Remove `args:` from the VM's configuration (qm set <vmid> --delete args) and use "
        "supported options instead.",
    },
    platforms=QEMU,
)
def no_raw_qemu_arguments(ctx: Context) -> Iterator[Outcome]:
    """Arguments handed straight to QEMU bypass libvirt's device whitelist and labelling: they can
    attach host devices or files the VM's label would otherwise deny (libvirt marks the domain
    tainted 'custom-argv')."""
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        if v.raw_hypervisor_arguments:
            shown = " ".join(v.raw_hypervisor_arguments[:6])[:200]
            yield failed(s, f"raw QEMU arguments: {shown}", v.source)
        else:
            yield passed(s, "no qemu:commandline, qemu:capabilities or qemu:override", v.source)


@check(
    id="HVA-047",
    title="VM exposes no legacy emulated devices",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6A"]},
    remediation="Remove floppy drives, IDE buses, sound cards, USB redirection and smartcards the "
    "workload does not need; prefer virtio devices.",
    platforms=ANY,
)
def no_legacy_devices(ctx: Context) -> Iterator[Outcome]:
    """Every emulated device is QEMU code reachable from the guest; Rev. 1 HY-SR-6A keeps
    emulation to devices whose complexity is manageable. Legacy devices have a long CVE history
    (floppy: VENOM)."""
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        if v.emulated_legacy_devices:
            yield failed(
                s, "emulated legacy devices: " + ", ".join(v.emulated_legacy_devices), v.source
            )
        else:
            yield passed(s, "no floppy, IDE, sound, USB redirection or smartcard devices", v.source)


@check(
    id="HVA-048",
    title="libvirt refuses to start unconfined guests",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-7"]},
    remediation="Set security_default_confined = 1 and security_require_confined = 1 in "
    "/etc/libvirt/qemu.conf.",
)
def require_confined(ctx: Context) -> Iterator[Outcome]:
    """With security_require_confined = 1 a domain that asks for `<seclabel type='none'>` does not
    start, so one careless definition cannot open a hole."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        if not qc.known:
            yield unknown(s, qc, "qemu.conf security_require_confined = 1")
            continue
        default, dsrc = conf_value(h, "qemu.conf", "security_default_confined")
        require, rsrc = conf_value(h, "qemu.conf", "security_require_confined")
        if default == 1 and require == 1:
            yield passed(
                s, "security_default_confined = 1, security_require_confined = 1", dsrc, rsrc
            )
        else:
            yield failed(
                s,
                f"security_default_confined = {default}, security_require_confined = "
                f"{require}: guests may start unconfined",
                dsrc,
                rsrc,
            )


@check(
    id="HVA-050",
    title="Passed-through devices are isolated by an active IOMMU",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-2", "HY-SR-5"], "sp800-125a-r1": ["HY-SR-6C"]},
    remediation="Enable VT-d/AMD-Vi in the firmware and the kernel (intel_iommu=on), or remove the "
    "<hostdev>/<interface type='hostdev'> from the VM.",
    platforms=ANY,
)
def passthrough_needs_iommu(ctx: Context) -> Iterator[Outcome]:
    """A VM that owns a DMA-capable device can make it write anywhere in host memory unless the
    IOMMU remaps and confines its DMA (Rev. 1: DMA remapping is mandatory)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        if not v.passthrough:
            yield not_applicable(s, "no device passthrough")
            continue
        devices = ", ".join(f"{p.kind} {p.address}" for p in v.passthrough)
        refs = [p.source_ref for p in v.passthrough]
        iommu = hosts[v.host].facts.iommu_active
        if not iommu.known:
            yield unknown(s, iommu, f"an IOMMU isolates {devices}")
        elif iommu.get():
            yield passed(s, f"IOMMU active for {devices}", *refs, *iommu.sources)
        else:
            yield failed(
                s, f"passthrough of {devices} without an active IOMMU", *refs, *iommu.sources
            )


@check(
    id="HVA-051",
    title="PCI ACS checks are not relaxed for passthrough",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6C"]},
    remediation="Remove relaxed_acs_check = 1 from /etc/libvirt/qemu.conf.",
)
def acs_not_relaxed(ctx: Context) -> Iterator[Outcome]:
    """Relaxing ACS lets libvirt assign a device whose IOMMU group it shares with devices the host
    (or another VM) still uses, so DMA isolation between them is lost."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        qc = conf_fact(h, "qemu.conf")
        if not qc.known:
            yield unknown(s, qc, "qemu.conf relaxed_acs_check is not 1")
            continue
        value, src = conf_value(h, "qemu.conf", "relaxed_acs_check")
        if value == 1:
            yield failed(s, "relaxed_acs_check = 1", src)
        else:
            yield passed(s, f"relaxed_acs_check = {value}", src)


@check(
    id="HVA-052",
    title="The kernel does not override PCIe ACS isolation (pcie_acs_override)",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-5"], "sp800-125a-r1": ["HY-SR-6C"]},
    remediation="Remove pcie_acs_override= from the kernel command line (GRUB_CMDLINE_LINUX in "
    "/etc/default/grub, or /etc/kernel/cmdline with systemd-boot), regenerate the boot "
    "configuration and reboot; pass through only devices that sit alone in their IOMMU group.",
    platforms=LINUX_HOST,
)
def acs_not_overridden(ctx: Context) -> Iterator[Outcome]:
    """The ACS override patch (shipped in Proxmox VE's kernel, a boot option on others) splits IOMMU
    groups the hardware does not isolate: a passed-through device can then reach its neighbours'
    memory by peer-to-peer DMA, outside the IOMMU."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        cmdline = h.facts.kernel_cmdline
        if not cmdline.known:
            yield unknown(s, cmdline, "the kernel command line has no pcie_acs_override=")
            continue
        words = [w for w in cmdline.get() if w.startswith("pcie_acs_override=")]
        if words:
            yield failed(s, f"kernel booted with {' '.join(words)}", *cmdline.sources)
        else:
            yield passed(s, "no pcie_acs_override= on the kernel command line", *cmdline.sources)
