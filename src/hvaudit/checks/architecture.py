"""Architectural choices: hypervisor type, hardware assistance, measured launch (2014 HY-SR-1..3).

These describe what the platform *is*. Several can only be judged by a person (is a hosted design
accepted?), so they come as manual items carrying the question, with what could be observed.
"""

from __future__ import annotations

from collections.abc import Iterator

from hvaudit.checks._loopback import is_ipv4_loopback, loopback_scope
from hvaudit.checks.base import (
    ANY,
    LINUX_HOST,
    Context,
    Outcome,
    Severity,
    Subject,
    asked_gap,
    check,
    confirm_question,
    failed,
    first_unknown,
    host_subject,
    joined_asks,
    manual,
    not_applicable,
    passed,
    raw_arguments_unseen,
    unknown,
    vm_subject,
)
from hvaudit.model import Fact, FactState, Source, Vm
from hvaudit.parse.qemu_args import parse_opts, qemu_options

#: Packages that put a display server, a remote desktop, a display manager or a desktop session
#: on the host (Debian and Fedora names; each package's own description says which): display
#: servers (Xorg, Xwayland, Weston; TigerVNC's and TightVNC's X servers, x11vnc, Xvfb), remote
#: desktops (xrdp, xorgxrdp), display managers, and desktop sessions or window managers.
#: Wayland compositors (sway "i3-compatible Wayland compositor", wayfire, cage "Kiosk
#: compositor for Wayland", kwin-wayland, mutter) and the servers that share a running session
#: (wayvnc "VNC server for wlroots-based Wayland compositors", gnome-remote-desktop "Remote
#: desktop daemon for GNOME", krfb "Desktop Sharing", vino "VNC server for GNOME",
#: tigervnc-scraping-server, freerdp2-shadow-x11 "FreeRDP x11 shadowing server"): each name and
#: description as `apt-cache show` gives it on Debian 12; Fedora packages sway, wayvnc (its
#: README: "dnf install wayvnc"), gnome-remote-desktop and krfb under the same names.
DESKTOP_PACKAGES = frozenset(
    {
        "xserver-xorg-core", "xorg-x11-server-Xorg", "xwayland", "xorg-x11-server-Xwayland",
        "weston", "xvfb", "xorg-x11-server-Xvfb",
        "sway", "wayfire", "cage", "kwin-wayland", "kwin-x11", "mutter",
        "tigervnc-standalone-server", "tigervnc-server", "tightvncserver", "x11vnc",
        "tigervnc-scraping-server", "wayvnc", "gnome-remote-desktop", "krfb", "vino",
        "xrdp", "xorgxrdp", "freerdp2-shadow-x11",
        "gdm3", "gdm", "sddm", "lightdm", "xdm", "lxdm", "slim", "nodm",
        "gnome-shell", "gnome-session", "gnome-session-bin", "mate-session-manager",
        "xfce4-session", "lxsession", "lxqt-session", "cinnamon-session", "budgie-desktop",
        "plasma-desktop", "plasma-workspace", "kde-plasma-desktop", "enlightenment",
        "openbox", "fluxbox", "icewm", "i3-wm", "awesome",
    }
)  # fmt: skip


def is_desktop_package(name: str) -> bool:
    """A package of DESKTOP_PACKAGES, or a Debian desktop task (`task-gnome-desktop`,
    `task-xfce-desktop`, ...: tasksel's metapackages that install a whole desktop), or Ubuntu's
    X server of a hardware-enablement or LTS enablement stack (`xserver-xorg-core-hwe-18.04`,
    `xserver-xorg-core-lts-xenial`): the same Xorg server under the stack's own package name,
    installed instead of xserver-xorg-core (moving to the HWE stack removes xserver-xorg-core
    and installs xserver-xorg-core-hwe-18.04: xpra ticket #2190, "Bionic packages do not play
    well with HWE 18.04")."""
    return (
        name in DESKTOP_PACKAGES
        or (name.startswith("task-") and name.endswith("-desktop"))
        or name.startswith(("xserver-xorg-core-hwe-", "xserver-xorg-core-lts-"))
    )


@check(
    id="HVA-001",
    title="Host OS carries no desktop or display stack",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-2014:HY-SR-1": (
            "HY-SR-1 prefers a bare-metal hypervisor, which KVM cannot be; hvaudit takes a host "
            "OS without a desktop stack as the nearest measurable step towards its smaller "
            "attack surface."
        ),
    },
    remediation="Remove display servers and desktop environments from the hypervisor host "
    "(e.g. `apt purge xserver-xorg-core gdm3 gnome-shell`) and boot to multi-user.target.",
    platforms=LINUX_HOST,
)
def host_os_minimal(ctx: Context) -> Iterator[Outcome]:
    """KVM is a kernel hypervisor inside a general-purpose Linux OS, so it cannot meet the letter of
    the 2014 draft's preference for a bare-metal hypervisor. What can be checked is how close the host
    comes: a host without a desktop stack exposes far less code to an attacker."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        pk = h.facts.packages
        if not pk.known:
            yield unknown(s, pk, "the host has no desktop or display server installed")
            continue
        found = sorted(p for p in pk.get() if is_desktop_package(p))
        if found:
            yield failed(s, f"desktop/display packages installed: {', '.join(found)}", *pk.sources)
        else:
            yield passed(
                s,
                f"no desktop or display server among {len(pk.get())} installed packages",
                *pk.sources,
            )


@check(
    id="HVA-002",
    title="Hosted hypervisor design accepted with compensating controls",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-1"]},
    remediation="Record the architecture decision: why a hypervisor inside a general-purpose OS is "
    "acceptable here, and which compensating controls apply (a host that runs nothing but "
    "virtualization, HVA-250; no desktop stack, HVA-001; few host accounts, HVA-140).",
    automation="manual",
    question="Is running the VMs on a hypervisor inside a general-purpose OS (KVM in Linux; "
    "Proxmox VE on Debian), rather than on a bare-metal one, accepted for this host in a recorded "
    "architecture decision that names its compensating controls? Evidence: the decision record "
    "(architecture decision, risk register or system security plan entry) with its approver and "
    "date. Pass: an approved record that covers this host and names the compensating controls; "
    "fail: no such record.",
    platforms=LINUX_HOST,
)
def hosted_design_accepted(ctx: Context) -> Iterator[Outcome]:
    """The choice of a bare-metal or a hosted hypervisor is a design decision that no scan can make;
    the report asks for it explicitly instead of passing or failing it. Whether the host OS does
    anything besides virtualization is a question of its own (HVA-250): an attestation answers
    one question."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        if h.simulated:
            yield not_applicable(s, "simulated host (libvirt test driver)")
            continue
        via = f" via libvirt {h.hypervisor_version}" if h.hypervisor_version else ""
        yield manual(
            s, f"{h.hypervisor}{via}: a kernel hypervisor in a general-purpose OS", h.source
        )


@check(
    id="HVA-250",
    title="The hosted hypervisor's OS runs nothing but virtualization",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-2014:HY-SR-1": (
            "HY-SR-1 prefers a bare-metal hypervisor for its smaller attack surface; a hosted "
            "hypervisor's OS that runs nothing besides virtualization is hvaudit's nearest "
            "compensating control."
        ),
    },
    remediation="Move application workloads and user services off the hypervisor host (into VMs "
    "or onto other machines); keep only the hypervisor, its management and the agents that serve "
    "them.",
    automation="manual",
    question="Does this host run only the hypervisor, its management and the agents that serve "
    "them (monitoring, backup, configuration management), with no application workload or user "
    "service of its own outside its VMs and containers? Evidence: the host's role in the "
    "inventory (CMDB) and its running services (`systemctl list-units --type=service "
    "--state=running`) and listening sockets (`ss -tlnup`). Pass: every running service serves "
    "virtualization or the host's management; fail: any application workload or user service "
    "runs on the host itself.",
    platforms=LINUX_HOST,
)
def host_dedicated(ctx: Context) -> Iterator[Outcome]:
    """A hosted hypervisor shares its kernel and OS with whatever else runs on the host, so every
    other service there is attack surface of the hypervisor (2014 HY-SR-1, section 3.1). Which
    services belong to virtualization is the site's knowledge; the report shows the host's
    network listeners (HVA-033 judges them against the profile) and asks."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        if h.simulated:
            yield not_applicable(s, "simulated host (libvirt test driver)")
            continue
        f = h.facts.listeners
        if f.known:
            # 127/8 is on the network where route_localnet = 1 (hvaudit.checks._loopback)
            routed = bool(loopback_scope(h).routed)
            names = sorted(
                {
                    lst.process
                    for lst in f.get()
                    if not lst.loopback or (routed and is_ipv4_loopback(lst.address))
                }
            )
            seen = f"processes listening on the network: {', '.join(names) or 'none'}"
        else:
            seen = f"listeners unknown ({f.reason})"
        yield manual(s, seen, *f.sources)


@check(
    id="HVA-010",
    title="CPU virtualization extensions are available to the hypervisor",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-2"], "sp800-125a-r1": ["HY-SR-2"]},
    # R40T-2: one text for every architecture (remediation is keyed by platform, not
    # by the host's CPU), so each architecture's hardware mode and KVM module is named: x86
    # VT-x/AMD-V with kvm_intel/kvm_amd; POWER's hypervisor mode with kvm_hv on a bare-metal
    # PowerNV host (kvm_pr emulates it: Linux arch/powerpc/kvm/Kconfig); arm64's EL2, where KVM
    # is built in (arch/arm64/kvm/arm.c kvm_arm_init, "HYP mode not available"); s390x's SIE
    # with the kvm module (arch/s390/kvm/kvm-s390.c kvm_s390_init, "SIE is not available")
    remediation="Give KVM the CPU's hardware virtualization so /dev/kvm exists, on a bare-metal "
    "host (not a virtual machine of another hypervisor): x86, enable Intel VT-x or AMD-V in "
    "the firmware and load kvm_intel or kvm_amd; POWER, run the host as PowerNV (bare metal) "
    "and load kvm_hv, not kvm_pr; arm64, boot the kernel at EL2 (KVM is built in); s390x, run "
    "on a machine with SIE and load the kvm module.",
    platforms=LINUX_HOST,
)
def cpu_virtualization(ctx: Context) -> Iterator[Outcome]:
    """Hardware-assisted virtualization runs guests in a separate processor mode, so privileged
    instructions trap to the hypervisor instead of being translated in software. /dev/kvm alone
    does not prove it: KVM without hardware assistance (the kvm_pvm module) provides /dev/kvm on a
    CPU without vmx/svm. The evidence is the KVM vendor module present (kvm_intel or kvm_amd, from
    /proc/modules or its /sys/module parameters) with the CPU flag, as libvirt's
    virt-host-validate checks. A host that is itself a virtual machine (/proc/cpuinfo's
    `hypervisor` flag: X86_FEATURE_HYPERVISOR, "Running on a hypervisor", Linux
    arch/x86/include/asm/cpufeatures.h) has the vmx/svm its own hypervisor emulates: kernel
    Documentation/virt/kvm/x86/nested-vmx.rst, nested VMX lets a guest "use VMX instructions,
    and correctly and efficiently emulat[es] them using the single level of VMX available in the
    hardware", the software HVA-049 counts against HY-SR-2: a fail (R10H-9)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f, mods = h.facts.cpu_virtualization, h.facts.kvm_modules
        gap = first_unknown(f, mods)
        value = f.get() if f.known else ""
        has_kvm = value.endswith("with /dev/kvm") and "without" not in value
        nested = h.facts.on_hypervisor
        x86_nested = (
            nested.known
            and nested.get()
            and not (h.facts.arm64.known and h.facts.arm64.get())
            and not (h.facts.s390x.known and h.facts.s390x.get())
        )
        if (
            gap is mods
            and mods.state is FactState.UNAVAILABLE
            and f.known
            and has_kvm
            and x86_nested
        ):
            # whichever module drives /dev/kvm on a host that is itself a VM, it fails: the
            # vendor's module runs the outer hypervisor's emulated vmx/svm, another none (the
            # fails below); asked first, the modules unread hid it, and "yes" passed it (R36T-4)
            shown = value.split()[0] if not value.startswith("with") else "vmx/svm"
            yield failed(
                s,
                "/dev/kvm is present, but the host is itself a virtual machine (/proc/cpuinfo: "
                f"the hypervisor flag, or a POWER platform other than PowerNV): its {shown} "
                "is the outer hypervisor's nested virtualization, emulated in software, not the "
                f"processor's, whichever module drives /dev/kvm ({mods.reason})",
                *f.sources,
                *mods.sources,
                *nested.sources,
            )
            continue
        flag = value.split()[0] if value and not value.startswith(("with", "without")) else ""
        refs = (*f.sources, *mods.sources)
        power = bool(h.facts.power_cpu.known and h.facts.power_cpu.get())
        arm = h.facts.arm64
        if f.known and arm.known and arm.get():
            # KVM/arm64 is built in and s390x's is the kvm module itself: neither reads a
            # vendor module, so /proc/modules unread is no question there. Asked first (the
            # x86 modules' question), it hid an s390x guest of z/VM (a fail) and arm64's
            # bare-metal question, and "yes" passed both (R37T-1)
            yield _arm64_cpu_virtualization(s, h.name, has_kvm, nested, *refs, *arm.sources)
            continue
        if f.known and h.facts.s390x.known and h.facts.s390x.get():
            yield _s390x_cpu_virtualization(s, h.name, has_kvm, flag, nested, *refs)
            continue
        if gap is not None and not (
            # no /dev/kvm fails whichever modules are loaded: the modules unread are no
            # question there; asked first, a "yes" passed a host without /dev/kvm (R35S-9)
            gap is mods and mods.state is FactState.UNAVAILABLE and f.known and not has_kvm
        ):
            # R39T-1: a POWER CPU has no VT-x/AMD-V and its hardware-mode KVM is kvm_hv
            # (arch/powerpc/kvm/powerpc.c kvm_arch_init_vm picks kvmppc_hv_ops or the
            # software-emulating kvmppc_pr_ops): asked in x86's terms, an honest "no" failed a
            # bare-metal PowerNV host that kvm_hv drives
            what = (
                "kvm_hv (the POWER processor's hypervisor mode; not kvm_pr, which emulates it "
                "in software) drives /dev/kvm"
                if power
                else "the CPU offers VT-x/AMD-V and kvm_intel or kvm_amd drives /dev/kvm"
            )
            asks: list[Outcome] = []
            if (o := asked_gap(s, gap, what, asks)) is not None:
                yield o
                continue
            if gap is mods and has_kvm and not nested.known:
                # whether the host is itself a VM (a POWER platform line missing) is asked
                # with the modules: asked alone, "yes, kvm_hv drives it" passed a host that
                # may be a pSeries guest, the question R34U-7 asks where they are read (R37T-2)
                asks.append(_nested_ask(s, h.name, nested, *f.sources, power=power))
            yield joined_asks(s, asks)
            continue
        loaded = mods.get() if mods.known else ()
        # R25B-6: POWER's kvm_hv runs guests in the processor's hypervisor mode
        # (arch/powerpc/kvm/Kconfig KVM_BOOK3S_HV_POSSIBLE); kvm_pr emulates it
        vendor = [m for m in loaded if m in ("kvm_intel", "kvm_amd", "kvm_hv")]
        other = [m for m in loaded if m.startswith("kvm_") and m not in vendor]
        if has_kvm and vendor and nested.known and nested.get():
            yield failed(
                s,
                f"{vendor[0]} drives /dev/kvm, but the host is itself a virtual machine ("
                + ("POWER platform pSeries" if vendor[0] == "kvm_hv" else "CPU flag hypervisor")
                + f"): its {flag or ('hypervisor mode' if vendor[0] == 'kvm_hv' else 'vmx/svm')} "
                "is the outer hypervisor's nested virtualization, emulated in software, not the "
                "processor's",
                *refs,
                *nested.sources,
            )
        elif has_kvm and vendor and not nested.known:
            # whether the host is itself a VM not read (/proc/cpuinfo unreadable, or a POWER
            # platform line missing): its vmx/svm may be the outer hypervisor's nested
            # emulation, a fail above; a pass needs it read (R34U-7)
            yield unknown(s, nested, _nested_vm_question(h.name, power=power))
        elif has_kvm and vendor:
            yield passed(
                s,
                f"{vendor[0]} drives /dev/kvm"
                + (
                    " (POWER hypervisor mode, platform PowerNV)"
                    if vendor[0] == "kvm_hv"
                    else f", CPU flag {flag} present"
                    if flag
                    else " (CPU flags do not list vmx/svm)"
                ),
                *refs,
            )
        elif has_kvm and other:
            # R40T-3: a POWER CPU has no vmx/svm to report; kvm_pr emulates its hypervisor
            # mode in software (arch/powerpc/kvm/Kconfig KVM_BOOK3S_PR_POSSIBLE)
            why = (
                "kvm_pr emulates the POWER hypervisor mode in software, kvm_hv is not loaded"
                if power
                else f"CPU flag {flag}"
                if flag
                else "the CPU reports neither vmx nor svm"
            )
            yield failed(
                s,
                f"/dev/kvm is provided by {', '.join(other)}: KVM without hardware "
                f"virtualization ({why})",
                *refs,
            )
        elif has_kvm:
            yield failed(
                s,
                "/dev/kvm exists but "
                + ("kvm_hv is not loaded" if power else "neither kvm_intel nor kvm_amd is loaded")
                + ": hardware virtualization is not in use",
                *refs,
            )
        elif flag:
            # R41T-2: "(KVM module not loaded)" was said of a host whose /proc/modules lists
            # kvm_intel or kvm_amd (its /dev/kvm node missing: devtmpfs not mounted, or the
            # node removed) and of one whose modules were not read
            yield failed(
                s,
                f"CPU flag {flag} present but /dev/kvm is missing ("
                + (
                    f"{vendor[0]} is loaded, but its device node is not there"
                    if vendor
                    else "KVM module not loaded"
                    if mods.known
                    else f"whether a KVM module is loaded was not read: {mods.reason}"
                )
                + ")",
                *refs,
            )
        elif power:
            yield failed(
                s,
                "POWER host without /dev/kvm: no KVM runs guests in the processor's hypervisor "
                "mode (kvm_hv)",
                *refs,
            )
        else:
            yield failed(s, "the CPU reports neither vmx nor svm and /dev/kvm is missing", *refs)


def _nested_vm_question(host: str, *, power: bool = False) -> str:
    """HVA-010's question where whether an x86 or POWER host is itself a VM was not read
    (R39T-1: a POWER host's outer hypervisor offers nested virtualization, not VT-x/AMD-V)."""
    return (
        f"Is host {host} bare metal, not itself a virtual machine whose hypervisor offers "
        "nested virtualization? Evidence: /proc/cpuinfo (the hypervisor flag; POWER: platform "
        f"PowerNV) or `systemd-detect-virt` on {host}, and the machine's inventory record. "
        "Pass: yes, bare metal (systemd-detect-virt prints none); fail: it names a hypervisor, "
        + ("whose nested virtualization" if power else "whose emulated VT-x/AMD-V")
        + " KVM then uses"
    )


def _nested_ask(
    s: Subject, host: str, nested: Fact[bool], *refs: Source, power: bool = False
) -> Outcome:
    """HVA-010's ask, joined with another, where whether the host is itself a VM was not read."""
    return manual(
        s,
        f"/dev/kvm is present, but whether the host is itself a virtual machine is not known "
        f"({nested.reason})",
        *refs,
        *nested.sources,
        question=confirm_question(s, _nested_vm_question(host, power=power)),
    )


def _bare_metal_question(host: str, what: str) -> str:
    """The one question of an arm64 host with /dev/kvm (R24M-1)."""
    return (
        f"Is host {host} bare metal, not itself a virtual machine whose hypervisor offers "
        f"nested virtualization? On arm64, {what}, and /proc/cpuinfo has no hypervisor flag to "
        f"tell a guest from bare metal. Evidence: `systemd-detect-virt` on {host} and the "
        "machine's inventory record. Pass: it prints none (bare metal); fail: it names a "
        "hypervisor (kvm, qemu, microsoft, apple, vmware, ...): KVM then runs on the outer "
        "hypervisor's emulated EL2."
    )


def _arm64_cpu_virtualization(
    s: Subject, host: str, has_kvm: bool, nested: Fact[bool], *refs: Source
) -> Outcome:
    """HVA-010 on an arm64 host (R24M-1). KVM/arm64 is built into the kernel (arch/arm64/kvm/
    Kconfig: `menuconfig KVM` is a `bool`, so no kvm_intel/kvm_amd or other module) and its
    init refuses to run without the virtualization extensions (arch/arm64/kvm/arm.c
    kvm_arm_init: `if (!is_hyp_mode_available()) { kvm_info("HYP mode not available\\n");
    return -ENODEV; }`): /dev/kvm there is hardware virtualization, as libvirt's
    virt-host-validate treats it (tools/virt-host-validate-qemu.c checks a CPU flag on x86,
    s390 and ppc64 only, and /dev/kvm everywhere). What it does not show is a guest of an
    outer hypervisor with nested virtualization (KVM's kvm-arm.mode=nested on FEAT_NV2
    hardware runs the guest's EL2 on "shadow Stage-2 page tables", commit "KVM: arm64: nv:
    Support multiple nested Stage-2 mmu structures"): the x86 `hypervisor` CPU flag has no
    arm64 counterpart in /proc/cpuinfo, so that is one question, never a pass."""
    if not has_kvm:
        return failed(
            s,
            "arm64 host without /dev/kvm: KVM did not initialise (it needs the kernel booted "
            "at EL2; its log says `kvm [1]: HYP mode not available`)",
            *refs,
        )
    seen = "arm64 host with /dev/kvm: KVM/arm64 initialised at EL2 (hardware virtualization)"
    if nested.known and nested.get():
        return failed(s, f"{seen}, but the host is itself a virtual machine", *refs)
    if nested.known:
        return passed(s, seen, *refs)
    return manual(
        s,
        f"{seen}, but whether the host is itself a virtual machine is not shown ({nested.reason})",
        *refs,
        *nested.sources,
        question=_bare_metal_question(host, "/dev/kvm proves KVM runs at EL2"),
    )


def _lpar_question(host: str, what: str) -> str:
    """The one question of an s390x host whose /proc/sysinfo was not read (R28B-1)."""
    return (
        f"Does host {host} run in a logical partition (LPAR), not as a guest of z/VM or KVM? "
        f"On s390x, {what}, and /proc/cpuinfo has no hypervisor flag to tell a guest from an "
        f"LPAR. Evidence: `grep 'Control Program' /proc/sysinfo` and `systemd-detect-virt` on "
        f"{host}. Pass: yes, /proc/sysinfo ends at its LPAR lines (no VM00 Control Program "
        "line) and systemd-detect-virt prints none; fail: a VM00 Control Program line (z/VM "
        "or KVM/Linux) or zvm/kvm: its KVM then runs on the outer hypervisor's virtual SIE "
        "(vSIE), emulated in software."
    )


def _s390x_cpu_virtualization(
    s: Subject, host: str, has_kvm: bool, flag: str, nested: Fact[bool], *refs: Source
) -> Outcome:
    """HVA-010 on an s390x host (R28B-1). KVM there is the `kvm` module itself (no kvm_intel,
    kvm_amd or other vendor module) and runs every guest under SIE, the machine's
    interpretive-execution facility; it refuses to load without it (arch/s390/kvm/kvm-s390.c
    kvm_s390_init: `if (!sclp.has_sief2) { pr_info("SIE is not available\\n"); return
    -ENODEV; }`), and /proc/cpuinfo lists `sie` among its features where the machine has it
    (arch/s390/kernel/processor.c setup_hwcaps), the flag libvirt's virt-host-validate requires
    on s390x (tools/virt-host-validate-qemu.c VIR_HOST_VALIDATE_CPU_FLAG_SIE). A host that is
    itself a guest of z/VM or KVM (/proc/sysinfo's VM00 Control Program line) gets the outer
    hypervisor's vSIE (arch/s390/kvm/vsie.c), the nested virtualization HVA-049 counts against
    HY-SR-2: a fail, as on x86."""
    if not has_kvm:
        return failed(
            s,
            "s390x host without /dev/kvm: KVM did not initialise"
            + (
                " (the kvm module not loaded)"
                if flag
                else " (no sie feature in /proc/cpuinfo: SIE is not available)"
            ),
            *refs,
        )
    seen = "kvm drives /dev/kvm" + (
        ", CPU feature sie present (s390x SIE)"
        if flag
        else " (KVM on s390x runs only under SIE; /proc/cpuinfo lists no sie feature)"
    )
    if nested.known and nested.get():
        return failed(
            s,
            f"{seen}, but the host is itself a virtual machine (s390x /proc/sysinfo names a "
            "VM00 control program): its SIE is the outer hypervisor's vSIE, emulated in "
            "software, not the machine's",
            *refs,
            *nested.sources,
        )
    if nested.known:
        return passed(s, f"{seen}, in a logical partition", *refs, *nested.sources)
    return manual(
        s,
        f"{seen}, but whether the host is itself a virtual machine is not shown ({nested.reason})",
        *refs,
        *nested.sources,
        question=_lpar_question(host, "/dev/kvm proves KVM runs its guests under SIE"),
    )


@check(
    id="HVA-011",
    title="Hardware memory virtualization (EPT/NPT) is enabled",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-2"], "sp800-125a-r1": ["HY-SR-2"]},
    remediation="Load kvm_intel with ept=1 (or kvm_amd with npt=1) on a CPU that supports it.",
    platforms=LINUX_HOST,
)
def memory_virtualization(ctx: Context) -> Iterator[Outcome]:
    """Without EPT/NPT, KVM falls back to shadow page tables: more emulation code in the hypervisor
    and the memory-isolation flaws (HYP-DV3) that hardware translation removes. A host that is
    itself a virtual machine (/proc/cpuinfo's `hypervisor` flag, as in HVA-010) gets its EPT/NPT
    from the outer hypervisor, which runs such a guest's nested page tables on shadow page
    tables (kernel Documentation/virt/kvm/api.rst, KVM_PRE_FAULT_MEMORY: "the guest is using
    shadow page tables (for example because it is running a nested guest with nested page
    tables)"): a fail (R10H-9). kvm_intel's ept and kvm_amd's npt are read-only at run time
    (vmx.c `module_param_named(ept, enable_ept, bool, 0444)`, svm.c npt likewise), so sysfs shows
    the running load's and modprobe.d (`options kvm_intel ept=0`), the kernel command line or an
    install command's modprobe the one every boot gives: EPT on now but off at the next load is a
    fail, the next load unknown (modprobe.d unreadable) a question (R21K-2). A host without
    /dev/kvm fails whatever its module reads: QEMU uses KVM only through it (QEMU
    accel/kvm/kvm-all.c kvm_init, "Could not access KVM kernel module"), so its guests run
    under TCG's software MMU or not at all (R41T-1; ept=Y without it passed)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.memory_virtualization
        mods = h.facts.kvm_modules
        vendor = [m for m in (mods.get() if mods.known else ()) if m in ("kvm_intel", "kvm_amd")]
        other = [m for m in (mods.get() if mods.known else ()) if m.startswith("kvm_")]
        nested = h.facts.on_hypervisor
        later = h.facts.memory_virtualization_next_load  # R21K-2
        arm = h.facts.arm64.known and h.facts.arm64.get()
        s390 = h.facts.s390x.known and h.facts.s390x.get()
        # R40T-4: a POWER host's hardware memory virtualization is kvm_hv's (the hypervisor
        # mode's partition-scoped translation), not EPT/NPT: its messages say so
        power = bool(h.facts.power_cpu.known and h.facts.power_cpu.get())
        mmu = (
            "kvm_hv runs guests in the POWER hypervisor mode, which translates their memory in "
            "hardware"
            if power
            else "EPT/NPT enabled in the KVM module"
        )
        if not f.known and f.state is FactState.UNAVAILABLE and nested.known and nested.get():
            # a nested host's KVM shadows its guests' page tables whatever its module's EPT/NPT
            # setting: asked first, that setting unread (the module not loaded) hid the fail,
            # and "yes, enabled" passed it (R36T-3); a failed read stands alone
            yield failed(
                s,
                "the host is itself a virtual machine ("
                + (
                    "s390x /proc/sysinfo names a VM00 control program"
                    if s390
                    else "/proc/cpuinfo: the hypervisor flag, or a POWER platform other than "
                    "PowerNV"
                )
                + "): the outer hypervisor runs its guests' translation tables in software "
                f"whatever the KVM module's EPT/NPT setting, which was not read ({f.reason})",
                *f.sources,
                *nested.sources,
            )
        elif (
            (cv := h.facts.cpu_virtualization).known
            and not (cv.get().endswith("with /dev/kvm") and "without" not in cv.get())
            and (not f.known or f.get())
        ):
            # R39T-2: KVM/arm64 or s390x KVM without /dev/kvm did not initialise (kvm_arm_init,
            # kvm_s390_init return -ENODEV, HVA-010): no guest gets stage-2 or SIE translation.
            # Asked in x86's terms ("EPT (Intel) or NPT (AMD) enabled?"), a "yes, n/a" passed it
            # R40T-4: a POWER host without /dev/kvm likewise (HVA-010 fails it)
            # R41T-1: every architecture, the module's setting read or not: KVM is used only
            # through /dev/kvm (QEMU accel/kvm/kvm-all.c kvm_init opens it, "Could not access
            # KVM kernel module", and QEMU then runs the guest under TCG, its software MMU, or
            # not at all), so kvm_intel's ept=Y or kvm_hv listed without it passed a host whose
            # guests get no hardware translation, and the module not loaded was asked whether
            # EPT is enabled, whose "yes" passed it
            label = (
                "arm64 host" if arm else "s390x host" if s390 else "POWER host" if power else "host"
            )
            if f.known:
                why = (
                    "kvm_hv is listed in /proc/modules, but KVM provides no /dev/kvm"
                    if power
                    else "the KVM module's EPT/NPT reads enabled, but QEMU uses KVM only through "
                    "/dev/kvm: without it a guest runs under TCG, QEMU's software emulation, "
                    "or not at all"
                )
            else:
                why = f.reason
            yield failed(
                s,
                f"{label} without /dev/kvm: no guest runs with "
                + (
                    "stage-2 translation"
                    if arm
                    else "SIE's translation"
                    if s390
                    else "the hypervisor mode's hardware translation"
                    if power
                    else "EPT/NPT"
                )
                + f" ({why})",
                *f.sources,
                *cv.sources,
            )
        elif not f.known:
            # whether the host is itself a VM, not read either, is asked with it: asked alone,
            # "yes, EPT enabled" passed a host that may shadow its guests' page tables (R36T-9)
            asks: list[Outcome] = []
            what = (
                "kvm_hv (the POWER processor's hypervisor mode, which translates guest memory "
                "in hardware; not kvm_pr, which emulates it in software) drives /dev/kvm"
                if power
                else "EPT (Intel) or NPT (AMD) is enabled in the KVM module"
            )
            if (gap := asked_gap(s, f, what, asks)) is not None:
                yield gap
                continue
            if not nested.known and not arm and not s390:
                asks.append(
                    manual(
                        s,
                        "whether the host is itself a virtual machine (whose nested page tables "
                        f"run on shadow paging) is not known: {nested.reason}",
                        *nested.sources,
                        question=_nested_question(h.name, power=power),
                    )
                )
            yield joined_asks(s, asks)
        elif s390 and f.get() and not nested.known:
            # R28B-1: SIE translates guest addresses through the host's DAT tables (the
            # guest's gmap); only a nested host's (vSIE) are shadowed in software
            yield manual(
                s,
                "s390x KVM translates guest memory in SIE through the host's DAT tables (no "
                "shadow paging to fall back to), but whether the host is itself a virtual "
                f"machine is not shown ({nested.reason})",
                *f.sources,
                *nested.sources,
                question=_lpar_question(h.name, "KVM always gives its guests SIE's translation"),
            )
        elif s390 and f.get() and nested.get():
            yield failed(
                s,
                "s390x KVM translates guest memory in SIE, but the host is itself a virtual "
                "machine (s390x /proc/sysinfo names a VM00 control program): the outer "
                "hypervisor shadows its guests' translation tables in software (vSIE)",
                *f.sources,
                *nested.sources,
            )
        elif s390 and f.get():
            yield passed(
                s,
                "s390x KVM translates guest memory in SIE through the host's DAT tables, in a "
                "logical partition",
                *f.sources,
                *nested.sources,
            )
        elif f.get() and nested.known and nested.get():
            yield failed(
                s,
                f"{mmu}, but the host is itself a virtual machine ("
                + ("POWER platform other than PowerNV" if power else "CPU flag hypervisor")
                + "): the outer hypervisor runs its nested page tables on shadow page tables, "
                "in software",
                *f.sources,
                *nested.sources,
            )
        elif f.get() and later.known and later.get():
            yield failed(
                s,
                f"EPT/NPT enabled in the KVM module now, but {later.get()} turns it off at the "
                "module's next load (every boot): KVM will use shadow paging",
                *f.sources,
                *later.sources,
            )
        elif f.get():
            # each open condition asked in one item (joined_asks): the chain asked whether the
            # host is bare metal alone, so a "yes" passed a next load that turns EPT off (a
            # fail) or is unread, never asked (R34H)
            asks = []
            if arm and not nested.known:
                # R24M-1: KVM/arm64 always translates through stage 2 (arm.c kvm_arch_init_vm ->
                # kvm_init_stage2_mmu); only a nested host's stage 2 is shadowed in software
                asks.append(
                    manual(
                        s,
                        "arm64 KVM translates guest memory with stage-2 page tables (no shadow "
                        "paging to fall back to), but whether the host is itself a virtual "
                        f"machine is not shown ({nested.reason})",
                        *f.sources,
                        *nested.sources,
                        question=_bare_metal_question(
                            h.name, "KVM always gives its guests stage-2 translation"
                        ),
                    )
                )
            elif not nested.known:
                asks.append(
                    manual(
                        s,
                        f"{mmu}, but whether the host is itself a virtual machine (whose "
                        f"nested page tables run on shadow paging) is not known: {nested.reason}",
                        *f.sources,
                        *nested.sources,
                        question=_nested_question(h.name, power=power),
                    )
                )
            if not later.known:
                asks.append(
                    manual(
                        s,
                        "EPT/NPT enabled in the KVM module now, but what its next load (every "
                        f"boot) sets is not known: {later.reason}",
                        *f.sources,
                        *later.sources,
                        question=f"Does the KVM module of host {h.name} keep EPT/NPT on at its "
                        "next load? Evidence: `modprobe -c | grep -E '^(options|install) "
                        f"kvm[-_](intel|amd) '` and /proc/cmdline on {h.name}. Pass: yes, no "
                        "ept=0/N (kvm_intel) or npt=0/N (kvm_amd) in an options line, a "
                        "kvm_intel.ept= or kvm_amd.npt= word, or the modprobe of an install "
                        "command; fail: one of them turns it off.",
                    )
                )
            if asks:
                yield joined_asks(s, asks)
            else:
                yield passed(s, mmu, *f.sources)
        elif not vendor and other:
            # R40T-4: POWER's kvm_pr "running the guest in user mode (problem state) and
            # emulating all privileged instructions and registers" (arch/powerpc/kvm/Kconfig
            # KVM_BOOK3S_PR_POSSIBLE): no EPT/NPT to name there
            yield failed(
                s,
                f"no hardware memory virtualization: KVM runs as {', '.join(other)} ("
                + (
                    "kvm_pr emulates the POWER hypervisor mode in software, kvm_hv is not "
                    "loaded; shadow paging"
                    if power
                    else "no kvm_intel/kvm_amd, so no EPT/NPT; shadow paging"
                )
                + ")",
                *f.sources,
            )
        else:
            yield failed(s, "EPT/NPT disabled: KVM uses shadow paging", *f.sources)


def _nested_question(host: str, *, power: bool = False) -> str:
    """HVA-011's question where whether the host is itself a virtual machine was not read
    (R40T-4: a POWER CPU has no `hypervisor` flag; its /proc/cpuinfo platform line says
    PowerNV on bare metal, pSeries in a partition or guest, as HVA-010 reads it)."""
    if power:
        return (
            f"Is host {host} bare metal, not itself a virtual machine? Evidence: the platform "
            f"line of /proc/cpuinfo and `systemd-detect-virt` on {host}. Pass: PowerNV and "
            "none; fail: another platform (pSeries) or a hypervisor is named."
        )
    return (
        f"Is host {host} bare metal, not itself a virtual machine? Evidence: `grep -cw "
        f"hypervisor /proc/cpuinfo` and `systemd-detect-virt` on {host}. Pass: 0 and none; "
        "fail: the hypervisor flag is set or a hypervisor is named."
    )


@check(
    id="HVA-012",
    title="VM runs with hardware acceleration, not software emulation",
    scope="vm",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-2"], "sp800-125a-r1": ["HY-SR-2"]},
    remediation={
        "*": "Define the domain with type='kvm' (virsh edit: <domain type='kvm'>) on a host with /dev/kvm.",
        "proxmox-ve": "Remove `kvm: 0` from the VM's configuration (qm set <vmid> --kvm 1).",
    },
    platforms=ANY,
    per_vm=True,
)
@raw_arguments_unseen("an accelerator beside KVM (-accel tcg, -machine accel=tcg, -no-kvm)")
def vm_hardware_accelerated(ctx: Context) -> Iterator[Outcome]:
    """A domain of type 'qemu' runs under TCG, QEMU's binary translator: every guest instruction
    passes through a large software emulator instead of the processor's virtualization mode.
    Raw QEMU arguments can name TCG beside the accelerator the definition gives (VL17-3): QEMU
    tries each -accel in order, "the next one is used if the previous one fails to initialize"
    (qemu-options.hx, -accel), so a raw `-accel tcg` after libvirt's own `-accel kvm` runs the
    guest under TCG whenever KVM fails to start; a raw `-machine accel=tcg` (or `-no-kvm`,
    QEMU before 5.2) is refused beside libvirt's -accel ("The -accel and \"-machine accel=\"
    options are incompatible", libvirt issue #68) but wins where an older libvirt wrote
    `-machine ...,accel=kvm`, QEMU merging every -machine, the last value of a key winning
    (the keyval_merge vcpus_of cites). Which ran is the running QEMU's to say: asked. Where the
    collection cannot see raw arguments (libvirt's test driver), the pass is that question too
    (raw_arguments_unseen), as for the other checks whose pass rests on what they add."""
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        f = v.hardware_accelerated
        raw = _raw_tcg(v) if f.known and f.get() else []
        pr = _raw_kvm_pr(v) if f.known and f.get() else ""
        if not f.known:
            yield unknown(s, f, "the VM runs under hardware virtualization")
        elif pr:
            yield failed(
                s,
                f"{v.accelerator}, but QEMU argument {pr} asks for PR KVM: the guest's "
                "hypervisor and privileged state are emulated by kvm_pr, not run in the POWER "
                "processor's hypervisor mode (kvm_hv)",
                *f.sources,
            )
        elif raw:
            yield manual(
                s,
                f"hardware virtualization ({v.accelerator}), but QEMU argument(s) "
                f"{'; '.join(raw)} name TCG: QEMU falls back to it where KVM fails to "
                "initialise, and an older libvirt's -machine accel=kvm yields to a later one",
                *f.sources,
                question=f"Does VM {v.name} run under KVM on host {v.host}? Evidence: `virsh "
                f"qemu-monitor-command {v.name} --hmp 'info kvm'` while it runs (or the QEMU "
                'log\'s command line and any "failed to initialize kvm" line in '
                f'/var/log/libvirt/qemu/{v.name}.log). Pass: "kvm support: enabled"; fail: '
                "disabled, so the guest runs under TCG.",
            )
        elif f.get():
            yield passed(s, f"hardware virtualization ({v.accelerator})", *f.sources)
        else:
            yield failed(s, f"software emulation ({v.accelerator})", *f.sources)


def _raw_kvm_pr(v: Vm) -> str:
    """The raw QEMU machine option that asks for PR KVM (R28B-2), "" where none: the pseries
    machine's `kvm-type` (hw/ppc/spapr.c spapr_kvm_type: `g_ascii_strcasecmp(vm_type, "pr")`
    -> 2, KVM_VM_PPC_PR) makes the kernel run the VM with kvm_pr's ops even where kvm_hv is
    loaded (arch/powerpc/kvm/powerpc.c kvm_arch_init_vm: `} else if (type ==
    KVM_VM_PPC_PR) { ... kvm_ops = kvmppc_pr_ops;`; only type 0, auto, prefers HV). QEMU
    merges every -machine, the last value of a key winning."""
    last, shown = "", ""
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name not in ("machine", "M"):
            continue
        value = parse_opts(o.text, "type").get("kvm-type")
        if value is not None:
            last, shown = value, o.shown()
    return shown if last.strip().lower() == "pr" else ""


def _raw_tcg(v: Vm) -> list[str]:
    """The raw QEMU arguments that name TCG as an accelerator (VL17-3): `-accel tcg` (implied
    key accel), `-machine`/`-M accel=...:tcg:...` (a colon-separated list QEMU tries in
    order) and `-no-kvm` (QEMU before 5.2: -machine accel=tcg)."""
    out = []
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name == "accel":
            names = [parse_opts(o.text, "accel").get("accel", "")]
        elif o.name in ("machine", "M"):
            names = parse_opts(o.text, "type").get("accel", "").split(":")
        elif o.name == "no-kvm":
            out.append(o.spelled)
            continue
        else:
            continue
        if any(n.strip().lower() == "tcg" for n in names):
            out.append(o.shown())
    return out


@check(
    id="HVA-020",
    title="Host has a TPM 2.0",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    remediation="Enable the TPM 2.0 in the firmware (or fit one) so boot measurements can be stored and attested.",
    platforms=LINUX_HOST,
)
def tpm_present(ctx: Context) -> Iterator[Outcome]:
    """Measured launch needs a root of trust for storage and reporting: the TPM holds the boot
    measurements an attestation verifies. The version is /sys/class/tpm/tpm0/tpm_version_major
    (Linux 5.6 and later); on an older kernel /dev/tpmrm0, which the kernel creates for a TPM 2.0
    only (drivers/char/tpm/tpm-chip.c tpm_add_char_device), proves 2.0, and a /dev/tpm0 without
    it leaves the version to be asked, never "no TPM"."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.tpm_version
        if not f.known:
            yield unknown(s, f, "the host has a TPM 2.0")
        elif f.get() == "2":
            yield passed(s, "TPM 2.0 present", *f.sources)
        elif f.get():
            yield failed(
                s, f"TPM version {f.get()} (1.2 lacks the algorithms attestation needs)", *f.sources
            )
        else:
            yield failed(s, "no TPM visible to the kernel", *f.sources)


@check(
    id="HVA-021",
    title="Host boots with UEFI Secure Boot",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    interpretations={
        "sp800-125a-2014:HY-SR-3": (
            "The recommendation asks for measured launch and attestation; Secure Boot verifies "
            "signatures rather than measuring, and hvaudit counts it as a link of the same "
            "chain of trust."
        ),
        "sp800-125a-r1:HY-SR-1": (
            "The recommendation asks for measured launch and attestation; Secure Boot verifies "
            "signatures rather than measuring, and hvaudit counts it as a link of the same "
            "chain of trust."
        ),
    },
    remediation="Boot in UEFI mode with Secure Boot enabled and the distribution's keys enrolled.",
    platforms=LINUX_HOST,
)
def secure_boot(ctx: Context) -> Iterator[Outcome]:
    """Secure Boot refuses unsigned boot loaders and kernels, the first links of the chain of trust
    the recommendation asks for. The firmware's SecureBoot variable is not the whole answer:
    shim, the first-stage loader every distribution boots through, can be told to verify nothing
    (`mokutil --disable-validation`, confirmed at the next boot), and it then sets its volatile
    MokSBStateRT variable to 1; the firmware keeps SecureBoot = 1, but shim loads any boot loader
    and the kernel takes the boot as not secure (Linux drivers/firmware/efi/libstub/
    secureboot.c and arch/x86/xen/efi.c efi_get_secureboot: "See if a user has put the shim
    into insecure mode ... if (moksbstate == 1) return efi_secureboot_mode_disabled"), so no
    lockdown follows from it either."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        shim, setup = h.facts.shim_validation_off, h.facts.uefi_setup_mode
        uefi, sb = h.facts.uefi, h.facts.secure_boot
        # a fail the facts read show wins over a fact not read (R34H): the chain asked the
        # first unread fact's question, so a "yes" passed a legacy BIOS boot or a shim that
        # validates nothing, known and never reached
        on = sb.known and sb.get()
        gap = first_unknown(uefi, sb)
        if gap is None and on:
            gap = first_unknown(setup, shim)
        # SetupMode = 1 or MokSBStateRT = 1 is a boot without Secure Boot whatever the
        # SecureBoot variable (drivers/firmware/efi/libstub/secureboot.c efi_get_secureboot:
        # `if (secboot == 0 || setupmode == 1) return efi_secureboot_mode_disabled;`, then
        # `if (moksbstate == 1) return efi_secureboot_mode_disabled;`), and SecureBoot not 1 is
        # one whether the boot is UEFI or legacy: each fails with the other variables unread,
        # where the first unread one's question hid it and "yes" passed it (R37T-3)
        sb_off = sb.known and not sb.get()
        unread_sb = "" if on else f", whatever the SecureBoot variable, not read ({sb.reason})"
        if uefi.known and not uefi.get():
            yield failed(s, "legacy BIOS boot: no Secure Boot", *uefi.sources)
        elif sb_off and not uefi.known:
            yield failed(
                s,
                "the firmware's SecureBoot variable is not 1 (a legacy BIOS boot has none): no "
                f"Secure Boot, whether or not the host boots in UEFI mode ({uefi.reason})",
                *sb.sources,
                *uefi.sources,
            )
        elif not sb_off and setup.known and setup.get():
            # R25B-5: include/linux/efi.h efi_get_secureboot_mode
            yield failed(
                s,
                ("the firmware's SecureBoot variable is 1, but the" if on else "the")
                + " firmware is in Setup Mode (SetupMode = 1, no Platform Key enrolled): "
                "nothing verifies the boot loader's signature and the kernel boots as without "
                f"Secure Boot{unread_sb}",
                *sb.sources,
                *setup.sources,
            )
        elif not sb_off and shim.known and shim.get():
            yield failed(
                s,
                ("UEFI Secure Boot is on in the firmware, but shim's" if on else "shim's")
                + " validation is disabled (MokSBStateRT = 1, mokutil --disable-validation): "
                "shim loads unsigned boot loaders and the kernel boots as without Secure "
                f"Boot{unread_sb}",
                *sb.sources,
                *shim.sources,
            )
        elif gap is not None:
            yield unknown(
                s,
                gap,
                "the host boots with UEFI Secure Boot enabled and shim validating "
                "(`mokutil --sb-state` does not say 'validation is disabled in shim')",
            )
        elif on:
            yield passed(s, "UEFI Secure Boot enabled, shim validating", *sb.sources, *shim.sources)
        else:
            yield failed(s, "UEFI boot with Secure Boot disabled", *sb.sources)


@check(
    id="HVA-022",
    title="Boot is measured into the TPM (event log present)",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    remediation="Use firmware with measured boot (TCG event log) and a TPM; check "
    "/sys/kernel/security/tpm0/binary_bios_measurements is non-empty.",
    platforms=LINUX_HOST,
)
def measured_boot(ctx: Context) -> Iterator[Outcome]:
    """An attestation can only verify what was measured: without a boot event log there is nothing
    to compare with approved values."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.measured_boot_log
        if not f.known:
            yield unknown(s, f, "the boot is measured into the TPM")
        elif f.get():
            yield passed(s, "TPM boot event log present", *f.sources)
        else:
            yield failed(s, "no TPM boot event log", *f.sources)


@check(
    id="HVA-023",
    title="Boot measurements are attested against approved values",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-3"], "sp800-125a-r1": ["HY-SR-1"]},
    remediation="Enrol the host in a remote attestation service (e.g. Keylime: a verifier and "
    "registrar, an agent on the host) with a measured-boot policy and an IMA runtime policy of "
    "approved values, and keep VMs off a host that fails attestation.",
    automation="manual",
    question="Does a remote attestation service verify this host's measurements (firmware, boot "
    "loader and kernel from measured boot; kernel modules, drivers and management binaries from "
    "IMA) against approved values? Evidence: the verifier's status for this host (Keylime: "
    "`keylime_tenant -c cvstatus -u <agent uuid>`) and the measured-boot and runtime policies it "
    "verifies against. Pass: the host is enrolled and its latest attestation succeeded against "
    "approved policies; fail: not enrolled, no approved policy, or a failed attestation.",
    platforms=LINUX_HOST,
)
def attestation(ctx: Context) -> Iterator[Outcome]:
    """Whether an attestation service verifies measurements is a process outside the host; the scan
    can show whether the prerequisites exist, a person must confirm the rest."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        if h.simulated:
            yield not_applicable(s, "simulated host (libvirt test driver)")
            continue
        tpm = h.facts.tpm_version
        context = f"TPM: {tpm.get() or 'none'}" if tpm.known else f"TPM: unknown ({tpm.reason})"
        yield manual(s, context, *tpm.sources)
