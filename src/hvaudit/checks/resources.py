"""Resource isolation against starvation (2014 HY-SR-6..9; Rev. 1 HY-SR-3..5 and 8).

Memory and CPU guarantees, limits and priorities are platform-neutral fields of the model, so these
checks hold for any hypervisor whose collector fills them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import replace

from hvaudit.checks._libvirt import kernel_params, unseen_networks, volume_path
from hvaudit.checks.base import (
    ANY,
    LINUX_HOST,
    QEMU,
    Context,
    Outcome,
    Severity,
    Subject,
    asked_gap,
    check,
    failed,
    host_subject,
    joined_asks,
    joint_question,
    manual,
    not_applicable,
    passed,
    raw_arguments_unseen,
    unread_nexts,
    unread_peers,
    vm_subject,
)
from hvaudit.checks.base import unread_guests as _unread_guests
from hvaudit.model import Container, Disk, Host, Pool, Setting, Source, Vm
from hvaudit.parse.libvirt_xml import DEFAULT_HUGE_PAGES, parse_cpuset
from hvaudit.parse.qemu_args import (
    qemu_options,
    raw_mergeable,
    raw_nics,
    raw_small_page_memory,
    raw_taps,
)
from hvaudit.textsafe import digits

#: Interface types libvirt can shape (virNetDevSupportBandwidth).
SHAPEABLE = ("bridge", "network", "direct", "ethernet")

#: Interface types whose traffic QEMU itself carries, through its user-mode network stack
#: (user) or its own TCP, UDP or multicast sockets (server, client, udp, mcast; formatdomain,
#: "Userspace connection", "Multicast tunnel", "TCP tunnel", "UDP unicast tunnel"): libvirt
#: shapes none of them (netdev_bandwidth_conf.c virNetDevSupportsBandwidth: true only for
#: bridge, network, direct and ethernet; a <bandwidth> on them is kept and only logged, "setting
#: bandwidth on interfaces of type '%s' is not implemented yet", read with `find_string`), so no
#: limit the definition sets applies to what the guest sends through them (R29D-2).
QEMU_SOCKET_NICS = ("user", "server", "client", "mcast", "udp")


#: One open condition of a subject: (its message alone, the part it adds to the message of a
#: joined item, its evidence, its question).
Ask = tuple[str, str, tuple[Source, ...], str]


def _joined(s: Subject, head: str, asks: list[Ask]) -> Outcome:
    """The asks of one subject as one manual item: one ask as it is, several as `head` (what
    the check found, said once) with each ask's part and one joint_question, so that an
    attested "yes" answers every open condition, never the first alone (R34R-1, R34R-2)."""
    if len(asks) == 1:
        return manual(s, asks[0][0], *asks[0][2], question=asks[0][3])
    return manual(
        s,
        "; ".join([head, *(a[1] for a in asks)]),
        *dict.fromkeys(e for a in asks for e in a[2]),
        question=joint_question(a[3] for a in asks),
    )


def _gib(kib: int) -> str:
    return f"{kib / 1024 / 1024:.1f} GiB"


def _unknown_run_state(ctx: Context, host: str) -> list[Vm]:
    """VMs of `host` not counted as running or autostarted because their run state is unknown."""
    return [
        v
        for v in ctx.deployment.vms
        if v.host == host and v.running_unknown and not (v.running or v.autostart)
    ]


def _unread_question(h: Host, what: str, limit: float) -> str:
    """HVA-060's and HVA-081's question where a guest's configuration was not read (R27P-1;
    a libvirt domain's, R28D-1)."""
    if h.platform == "kvm-libvirt":
        return (
            f"Counting the VMs of host {h.name} whose definition was not read, is the {what} "
            f"ratio of its running and autostart VMs within {limit:g}? Evidence: `virsh dominfo "
            "<uuid>` of each of them (Max memory, CPU(s)) and `virsh list --all --autostart` on "
            f"{h.name} (which run or start at boot). Pass: yes, with them the ratio stays within "
            f"{limit:g}; fail: it exceeds it."
        )
    return (
        f"Counting the guests of node {h.name} whose configuration was not read, is the {what} "
        f"ratio of its running and autostart guests within {limit:g}? Evidence: `qm "
        f"config <vmid>` or `pct config <vmid>` of each of them, and `qm list` / `pct list` on "
        f"{h.name} (which run). Pass: yes, with them the ratio stays within {limit:g}; fail: "
        "it exceeds it."
    )


def _unread_nexts(h: Host) -> str:
    """The running domains of host `h` whose persistent definition, from which each starts next,
    was not read (LibvirtHost.unread_next, R29D-3): HVA-060 and HVA-081 count what they run
    with now, and the next start may bring more memory or vCPUs (`virsh setmaxmem --config`,
    `setvcpus --config --maximum`, `virsh edit`: "the changes will take effect on the next
    boot"); '' where there is none (R30D-7)."""
    nexts = sorted(h.libvirt.unread_next.items()) if h.libvirt is not None else []
    shown = "; ".join(f"domain {uuid} ({why})" for uuid, why in nexts[:5])
    return shown + (f"; and {len(nexts) - 5} more" if len(nexts) > 5 else "")


def _next_question(h: Host, what: str, limit: float) -> str:
    """HVA-060's and HVA-081's question where a running domain's persistent definition was not
    read (_unread_nexts, R30D-7)."""
    return (
        f"Counting the persistent definitions of the running VMs of host {h.name} whose "
        f"persistent definition was not read (what each starts from next), is the {what} ratio "
        f"of its running and autostart VMs within {limit:g}? Evidence: `virsh dumpxml --inactive "
        f"<uuid>` of each of them on {h.name} (<memory>, <vcpu>). Pass: yes, with them the ratio "
        f"stays within {limit:g}; fail: it exceeds it."
    )


def _unseen_question(h: Host, what: str, limit: float) -> str:
    """HVA-060's and HVA-081's question where the guest list may leave guests out (R28P-1)."""
    return (
        f"Counting every guest of node {h.name}, those the API token may not see included, is "
        f"the {what} ratio of its running and autostart guests within {limit:g}? Evidence: "
        f"`qm list` and `pct list` run as root on {h.name} (every guest), with `qm config "
        f"<vmid>` / `pct config <vmid>` of those the scan did not report, or a scan with a "
        f"token holding PVEAuditor on `/`. Pass: yes, with them the ratio stays within "
        f"{limit:g}; fail: it exceeds it."
    )


def _invented(h: Host, what: str) -> str:
    """What a simulated host's size facts are: the libvirt test driver's node info is fiction, its
    built-in defaultNodeInfo (src/test/test_driver.c: "i686", 3 GB, 16 CPUs, 2 nodes x 2 sockets x
    2 cores x 2 threads) or the <cpu> and <memory> of the node file the URI names, never a host's
    hardware. The project rule for a simulated or offline host: say what the VMs' own definitions
    prove, and ask for the host fact; never pass on one that was not observed."""
    return f"the host is simulated (no host evidence): its {what} is the libvirt test driver's, not a host's"


def _gib_up(kib: float) -> str:
    """`kib` in GiB, rounded up to the tenth shown: a threshold never printed below itself."""
    return f"{math.ceil(kib / 1024 / 1024 * 10) / 10:.1f} GiB"


def _names(vms: list[Vm]) -> str:
    return ", ".join(v.name for v in vms[:5]) + (
        f" and {len(vms) - 5} more" if len(vms) > 5 else ""
    )


#: qemu_strtosz's suffixes (util/cutils.c: B, K, M, G, T, P, E, any case) in KiB.
_SIZE_KIB = {"b": 1 / 1024, "k": 1, "m": 1024, "g": 1024**2, "t": 1024**3, "p": 1024**4}


def memory_of(v: Vm) -> int:
    """The VM's maximum memory in KiB, with a raw QEMU `-m` taken into account (R10-10): QEMU
    merges every -m into one set of values, a later key winning (system/vl.c qemu_mem_opts
    `.merge_lists = true`, implied key size; later QEMU machine_merge_property("memory", ...)),
    and libvirt adds <qemu:arg> values after its own `-m` (qemu_command.c
    qemuBuildCommandLine), so a raw `-m 65536` gives the guest 64 GiB whatever <memory> says;
    qemu-options.hx: "-m [size=]megs[,slots=n,maxmem=size]", a size without a suffix in MiB.
    The largest size or maxmem any -m names is taken (more is judged, never less)."""
    best = v.memory_max_kib
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name != "m":
            continue
        for key in ("size", "maxmem"):
            m = re.fullmatch(r"([0-9]+)([bkmgtp]?)", o.props.get(key, "").strip().lower())
            if m:
                best = max(best, int(int(m.group(1)) * _SIZE_KIB[m.group(2) or "m"]))
    return best


def _container_kib(c: Container, ram_kib: int) -> int:
    """A container's `memory` in KiB, the larger of now and its next start (more is judged,
    never less). pve-container LXC.pm update_lxc_config writes it as `lxc.cgroup2.memory.max`,
    the cgroup v2 hard limit (Documentation/admin-guide/cgroup-v2.rst memory.max: "memory usage
    hard limit"; memory.min/low are the protections, which it does not set): like a VM's
    configured memory, a cap the guest may fill from the node's RAM, not a reservation. A raw
    `lxc.cgroup2.memory.max` above it is the cap instead, and `max` lifts it: such a container
    may fill all of the node's RAM, `ram_kib`, and is counted so (P22-1)."""
    caps = [c.memory_mib, *([c.next_start.memory_mib] if c.next_start else [])]
    if None in caps:
        return ram_kib
    return max(m for m in caps if m is not None) * 1024


def _uncapped(cts: list[Container]) -> str:
    """The containers whose raw `lxc.*` line raises or lifts the cap `memory` sets (P22-1)."""
    raised = [
        f"{c.name} ({w.memory_raw}"
        + (": no limit, counted as the host's RAM)" if w.memory_mib is None else ")")
        for c in cts
        for w in (c, c.next_start)
        if w is not None and w.memory_raw
    ]
    return f"; raw LXC memory limits: {', '.join(raised[:5])}" if raised else ""


@check(
    id="HVA-060",
    title="Memory configured for VMs stays within the over-commit ratio",
    scope="host",
    severity=Severity.HIGH,
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
    remediation="Reduce the memory of running and autostarted VMs (and of Proxmox VE containers), "
    "move guests to other hosts, or add RAM until the ratio is within the profile's "
    "ram_overcommit_max.",
    platforms=ANY,
)
def ram_overcommit(ctx: Context) -> Iterator[Outcome]:
    """When the memory promised to VMs exceeds host RAM by too much, contention forces swapping or
    the OOM killer onto guests: a denial of service one VM can trigger for all. The 2014 draft's
    example ratio is 1.5:1; Rev. 1 wants over-commit off by default. On a simulated host the RAM
    is the libvirt test driver's invention (src/test/test_driver.c defaultNodeInfo "3 GB", or the
    node file's <memory>): the VMs prove the memory configured, and the host's RAM is asked.
    A raw QEMU `-m` can give a guest more memory than <memory> (memory_of, R10-10). A Proxmox
    VE node's LXC containers share its RAM: each running or onboot container's `memory` (the
    cgroup's hard limit, _container_kib) is counted with the VMs' (P21D-2); one whose run state
    the evidence does not settle and that does not start at boot is asked, as a VM's is. A
    Proxmox VE guest the HA manager manages starts by its ha/resources.cfg state, not onboot:
    `started` (the default) is counted as autostarted, `stopped`/`disabled` is not (pve-manager
    startall skips HA-managed guests; P23-1). Where resources.cfg is not in the evidence (a
    bundle of an earlier hvaudit, an API token without Sys.Audit on `/`), a stopped guest that
    is not onboot may be one the HA manager keeps started: asked as one whose run state is
    unknown, never left out (P23B-1)."""
    limit = ctx.profile.ram_overcommit_max
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        vms = [v for v in ctx.deployment.vms if v.host == h.name and (v.running or v.autostart)]
        if h.memory_kib <= 0:
            yield manual(
                s,
                f"the host's memory size is unknown ({h.missing.get('memory', 'no host facts')})",
                h.source,
                # the node's containers draw on the same RAM and the unread guests may hold
                # any amount: both are counted in the question, as once the RAM is read (R39S-1)
                question=joint_question(
                    [
                        "Is the memory configured for this host's running and autostart VMs"
                        f"{_maybe_named(ctx, h, 'memory')}{_cts_named(h, 'memory limit')} within the profile's over-commit "
                        f"ratio ({limit:g}) of its RAM? Evidence: the host's RAM "
                        f"({_size_evidence(h, 'memory')}) and each VM's configured maximum "
                        "memory. Pass: "
                        "yes, their sum divided by the RAM is within the ratio; fail: it exceeds "
                        "it.",
                        *_ratio_asks(h, "memory over-commit", limit)[1],
                    ]
                ),
            )
            continue
        total = sum(memory_of(v) for v in vms)
        if h.simulated:
            maybe = _unknown_run_state(ctx, h.name)
            total += sum(memory_of(v) for v in maybe)
            unsure = f" (with {_names(maybe)}, run state unknown)" if maybe else ""
            # the guests not read and the next definitions not read are asked with the RAM:
            # its question counts only the VMs read, and "yes" passed a host whose unread
            # guests may exceed it (R38S-2)
            parts, asks = _ratio_asks(h, "memory over-commit", limit)
            yield manual(
                s,
                "; ".join(
                    [
                        f"{len(vms)} running or autostart VM(s){unsure} configured with "
                        f"{_gib(total)}; " + _invented(h, f"memory size ({_gib(h.memory_kib)})"),
                        *parts,
                    ]
                ),
                *(v.source for v in sorted([*vms, *maybe], key=lambda v: v.name)[:8]),
                question=joint_question(
                    [
                        f"Does host {h.name} have at least {_gib_up(total / limit)} of RAM, so "
                        f"that the {_gib(total)} configured for its running and autostart VMs "
                        f"stays within the over-commit ratio {limit:g}? Evidence: MemTotal in "
                        f"/proc/meminfo (or `free -k`) on {h.name}. Pass: yes, at least "
                        f"{_gib_up(total / limit)}; fail: less.",
                        *asks,
                    ]
                ),
            )
            continue
        # a Proxmox VE node's LXC containers draw on the same RAM (P21D-2)
        cts = h.proxmox.containers if h.proxmox else []
        counted = [c for c in cts if c.running or c.autostart]
        ct_maybe = [
            c
            for c in cts
            if not c.autostart and (c.running is None or (not c.running and c.start_unknown))
        ]
        ct_total = sum(_container_kib(c, h.memory_kib) for c in counted)
        ratio = (total + ct_total) / h.memory_kib
        held = (
            f" and {len(counted)} running or onboot container(s) limited to {_gib(ct_total)}"
            if counted
            else ""
        )
        msg = (
            f"{len(vms)} running or autostart VM(s) configured with {_gib(total)}{held} on "
            f"{_gib(h.memory_kib)} of host RAM: ratio {ratio:.2f} (limit {limit:g})"
            f"{_uncapped([*counted, *ct_maybe])}"
        )
        maybe = _unknown_run_state(ctx, h.name)
        worst = (
            total
            + ct_total
            + sum(memory_of(v) for v in maybe)
            + sum(_container_kib(c, h.memory_kib) for c in ct_maybe)
        ) / h.memory_kib
        doubt = [
            *([f"{_names(maybe)} ({maybe[0].running_unknown})"] if maybe else []),
            *(
                [
                    f"container(s) {', '.join(c.name for c in unsettled[:5])} (run state not "
                    "settled by the evidence, onboot off)"
                ]
                if (unsettled := [c for c in ct_maybe if c.running is None])
                else []
            ),
            *(
                [
                    f"container(s) {', '.join(c.name for c in stopped[:5])} ({stopped[0].start_unknown})"
                ]
                if (stopped := [c for c in ct_maybe if c.running is not None])
                else []
            ),
        ]
        if ratio > limit:
            yield failed(s, msg, h.source, *(c.source for c in counted[:8]))
            continue
        # every open condition is asked in one question (joint_question): asking only the first
        # passed the others unasked on an attested "yes" (an unread guest's question hid an
        # unread next definition, R34 elif probes site 7a)
        parts, questions = _ratio_asks(h, "memory over-commit", limit)
        if doubt and worst > limit:
            parts.append(
                f"run state unknown for {' and '.join(doubt)}: ratio {worst:.2f} if they run"
            )
            questions.append(
                _run_state_question(
                    "the memory of running guests stays within the over-commit ratio"
                )
            )
        elif doubt and (_unread_guests(h) or _unread_nexts(h)):
            parts.append(f"run state unknown for {' and '.join(doubt)}")
        if questions:
            yield manual(
                s,
                "; ".join([msg, *parts]),
                h.source,
                *(c.source for c in ct_maybe[:8] if doubt and worst > limit),
                question=joint_question(questions),
            )
        else:
            names = ", ".join([*(v.name for v in maybe[:5]), *(c.name for c in ct_maybe[:5])])
            yield passed(s, msg + (f"; {worst:.2f} if {names} run" if doubt else ""), h.source)


def _maybe_named(ctx: Context, h: Host, what: str) -> str:
    """The VMs of host `h` whose run state the evidence does not settle and that do not start
    at boot (_unknown_run_state: a stopped Proxmox VE guest the HA manager may keep `started`
    where resources.cfg is unread, P23B-1), for the question asked where the host's RAM or
    cores are unknown: the read branch counts them in its worst case and asks their run state
    (_run_state_question), so "running and autostart VMs" alone let "yes" pass with them
    uncounted (R40S-1); '' where there is none."""
    maybe = _unknown_run_state(ctx, h.name)
    if not maybe:
        return ""
    # what settles it is the platform's (R40S-6): a VMware .vmx read offline holds no power
    # state, and the host's auto-start list starts a VM with the host (vSphere API,
    # vim.host.AutoStartManager: "Virtual machines configured to use auto-start are
    # automatically started or stopped when the host is started or shut down")
    settles = (
        "it is stopped and is no HA resource in state started: `qm list`, `ha-manager config`"
        if h.platform == "proxmox-ve"
        else "it is powered off and not in the host's auto-start list: its power state and the "
        "host's VM Startup/Shutdown settings in the vSphere Client"
    )
    return (
        f", with the {what} of each VM whose run state the evidence does not settle "
        f"({_names(maybe)}: {maybe[0].running_unknown}; counted unless {settles})"
    )


def _size_evidence(h: Host, what: str) -> str:
    """Where the host's RAM (`what` "memory") or physical core count ("cores") is read, for
    HVA-060's and HVA-081's question where it is unknown: an ESXi host has no /proc/meminfo or
    lscpu to an auditor; the vSphere API's HostHardwareSummary gives memorySize ("The physical
    memory size in bytes") and numCpuCores ("Number of physical CPU cores on the host"),
    the host's Summary in the vSphere Client (R40S-7)."""
    if h.platform == "vmware-esxi":
        field = "memorySize" if what == "memory" else "numCpuCores"
        return f"the host's Summary, Hardware, in the vSphere Client: HostHardwareSummary.{field}"
    if what == "memory":
        return "`free -k` or /proc/meminfo MemTotal"
    return "`lscpu`: sockets times cores per socket"


def _cts_named(h: Host, what: str) -> str:
    """The LXC containers of Proxmox VE node `h` that HVA-060 and HVA-081 count with its VMs
    (running, onboot, or of unsettled run state; P21D-2, R25R-1), for the question asked where
    the node's RAM or cores are unknown: '' where it has none (R39S-1)."""
    cts = h.proxmox.containers if h.proxmox else []
    if not cts:
        return ""
    shown = ", ".join(c.name for c in cts[:5]) + (
        f" and {len(cts) - 5} more" if len(cts) > 5 else ""
    )
    return (
        f", with the {what} of each of its LXC containers that runs, starts at boot or may "
        f"run ({shown}; `pct config <vmid>`),"
    )


def _ratio_asks(h: Host, what: str, limit: float) -> tuple[list[str], list[str]]:
    """HVA-060's and HVA-081's open conditions of host `h` other than run state: (what each adds
    to the message, the question): the guests listed but not read, which may hold any amount of
    memory or vCPUs (R27P-1, R28D-1); a guest list the API token may leave guests out of
    (R28P-1); the running domains whose persistent definition, what each starts from next, was
    not read (R30D-7). Every one is asked, never the first alone (R34 elif probes site 7a): in
    one question that counts them all together, since each within the ratio alone may exceed
    it together."""
    parts: list[str] = []
    counted: list[tuple[str, str]] = []  # (what the question counts, its own question)
    if unread := _unread_guests(h):
        parts.append(f"not counted, their configuration not read: {unread}")
        counted.append(
            (
                f"the VMs of host {h.name} whose definition was not read"
                if h.platform == "kvm-libvirt"
                else f"the guests of node {h.name} whose configuration was not read",
                _unread_question(h, what, limit),
            )
        )
    if h.proxmox and h.proxmox.guests_unseen:
        parts.append(f"the guest list may be incomplete: {h.proxmox.guests_unseen}")
        counted.append(
            (
                f"every guest of node {h.name}, those the API token may not see included",
                _unseen_question(h, what, limit),
            )
        )
    if nexts := _unread_nexts(h):
        parts.append(
            "counted as they run now, their persistent definition (what they start from next) "
            f"not read: {nexts}"
        )
        counted.append(
            (
                f"the persistent definitions of the running VMs of host {h.name} whose "
                "persistent definition was not read (what each starts from next)",
                _next_question(h, what, limit),
            )
        )
    if len(counted) < 2:
        return parts, [q for _, q in counted]
    evidence = "; ".join(
        q.partition("? Evidence: ")[2].partition(" Pass: ")[0].rstrip(".") for _, q in counted
    )
    return parts, [
        f"Counting {', and '.join(c for c, _ in counted)}, is the {what} ratio of the running "
        f"and autostart guests of host {h.name} within {limit:g}? Evidence: {evidence}. Pass: "
        f"yes, with them all the ratio stays within {limit:g}; fail: it exceeds it."
    ]


@check(
    id="HVA-061",
    title="Kernel same-page merging (KSM) is off",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-6"], "sp800-125a-r1": ["HY-SR-3"]},
    interpretations={
        "sp800-125a-2014:HY-SR-6": (
            "HY-SR-6 limits memory over-commit; page sharing is the mechanism that makes "
            "over-commit possible (and a cross-VM side channel), so hvaudit counts it against "
            "HY-SR-6."
        ),
        "sp800-125a-r1:HY-SR-3": (
            "HY-SR-3 limits memory over-commit; page sharing is the mechanism that makes "
            "over-commit possible (and a cross-VM side channel), so hvaudit counts it against "
            "HY-SR-3."
        ),
    },
    remediation="echo 2 > /sys/kernel/mm/ksm/run (stops ksmd and unmerges the pages it merged; 0 "
    "keeps them shared) and disable ksm/ksmtuned services; or mark sensitive VMs "
    "<memoryBacking><nosharepages/>.",
    platforms=LINUX_HOST,
)
def ksm_off(ctx: Context) -> Iterator[Outcome]:
    """Page merging is what makes memory over-commit work, and it is a known cross-VM side channel:
    Rev. 1 wants over-commit disabled by default. A VM whose memory is marked
    `<memoryBacking><nosharepages/>` is never merged (QEMU madvise MADV_UNMERGEABLE, libvirt
    formatdomain "Memory Backing"), so KSM running on a host where every running or autostart VM
    opts out shares nothing between them. Neither is a VM backed by huge pages
    (<memoryBacking><hugepages/>): KSM ignores the merge advice for hugetlb mappings (mm/ksm.c
    ksm_madvise: VM_HUGETLB areas "just ignore the advice"; ksm.rst: "KSM only merges anonymous
    (private) pages"), unless a memory device of it names the system page size (R8-4). ksmtuned turns KSM on by itself: "starts ksm when memory
    committed to qemu processes exceeds a threshold" (the ksmtuned script's header, Red Hat), so
    /sys/kernel/mm/ksm/run = 0 while it runs is a moment, not the host's policy. run = 0 is not
    "off" either where pages were merged before: it stops ksmd "but keep[s] merged pages"
    (Documentation/admin-guide/mm/ksm.rst, run; only 2 "unmerge[s] all pages currently merged"),
    so the guests' merged pages stay shared until written: /sys/kernel/mm/ksm/pages_shared ("how
    many shared pages are being used") above 0 is judged as merging (R10H-1). Neither the
    running state nor the process list shows the next boot: an enabled ksm.service (`ksmctl
    start`, run = 1) or ksmtuned.service that is not running now switches KSM on when the host
    restarts (Debian's ksmtuned package "ships the ksm and ksmtuned services", the units
    /lib/systemd/system/ksm.service and ksmtuned.service; read with `search`), so an enabled one
    is judged as merging; the unit states unread, a question (R23H-1). A VM's raw QEMU arguments
    can undo its opt-out: a `-machine mem-merge=on` after libvirt's `mem-merge=off`, or a memory
    backend of its own that QEMU marks mergeable (qemu_args.raw_mergeable, R25R-2)."""
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        f = h.facts.page_merging
        tuner = h.facts.ksm_tuner
        kept = h.facts.ksm_pages_shared
        units = h.facts.ksm_boot_units
        # Each way KSM merges is judged from its own fact whatever the others: the run state
        # unread (or ksmtuned's, the merged pages', the boot units') asked first and alone
        # hid a way judged after it, and an attested "yes" passed the host (R37S-1, R37S-2:
        # the boot units unread before 500 merged pages, pages_shared unread before an enabled
        # ksm.service).
        now = f.known and f.get()
        tuned = tuner.get() if tuner.known else ""
        boot: tuple[str, ...] = units.get() if units.known else ()
        pages = kept.get() if kept.known else 0
        off = "KSM is off now, but " if f.known else ""
        if now:
            merging, refs = "KSM is merging guest memory pages", tuple(f.sources)
        elif tuned:
            merging = (
                f"{off}{tuned} runs and switches {'it' if off else 'KSM'} on when memory "
                "committed to QEMU exceeds its threshold"
            )
            refs = (*f.sources, *tuner.sources)
        elif boot:
            merging = (
                f"{off}{' and '.join(boot)} "
                f"{'is' if len(boot) == 1 else 'are'} enabled and switch"
                f"{'es' if len(boot) == 1 else ''} {'it' if off else 'KSM'} on at the next boot"
            )
            refs = (*f.sources, *units.sources)
        elif pages:
            merging = (
                f"KSM is stopped (run = 0), but the {pages} page(s) it merged stay shared "
                "(pages_shared; run = 2 unmerges them)"
                if f.known
                else f"the {pages} page(s) KSM merged stay shared (pages_shared; run = 2 "
                "unmerges them)"
            )
            refs = (*f.sources, *kept.sources)
        else:
            # no way known to merge: each fact not known is asked, all in one item (an error
            # stands alone), and only every one known and off passes
            asks: list[Outcome] = []
            gaps = (
                (f, "KSM is not running (/sys/kernel/mm/ksm/run = 0)"),
                (tuner, "KSM is off and no ksmtuned runs to switch it on"),
                (kept, "KSM is off and keeps no merged page (pages_shared 0)"),
                (units, "KSM is off and no ksm or ksmtuned unit is enabled to start at boot"),
            )
            stop: list[Outcome] = []
            for fact, what in gaps:
                if not fact.known and (o := asked_gap(s, fact, what, asks)) is not None:
                    stop.append(o)
            if stop:
                yield stop[0]
            elif asks:
                yield joined_asks(s, asks)
            else:
                yield passed(
                    s, "KSM is off", *f.sources, *tuner.sources, *kept.sources, *units.sources
                )
            continue
        vms = [v for v in ctx.deployment.vms if v.host == h.name and (v.running or v.autostart)]
        # raw QEMU arguments can hand the memory of an opted-out VM to KSM again (R25R-2)
        raw = {
            v.name: r
            for v in vms
            if (v.nosharepages or v.hugepage_backed)
            and (r := raw_mergeable(v.raw_hypervisor_arguments, v.nosharepages))
        }
        shared = sorted(
            v.name for v in vms if not (v.nosharepages or v.hugepage_backed) or v.name in raw
        )
        if shared:
            yield failed(
                s,
                f"{merging}; {len(shared)} of {len(vms)} running or "
                f"autostart VM(s) without <nosharepages/>: {', '.join(shared[:8])}"
                + (
                    "; raw QEMU arguments make opted-out memory mergeable again: "
                    + "; ".join(f"VM {n}: {', '.join(r)}" for n, r in sorted(raw.items())[:5])
                    if raw
                    else ""
                ),
                *refs,
            )
        else:
            who = (
                "KSM runs"
                if now
                else f"{tuned} may switch KSM on"
                if tuned
                else f"{' and '.join(boot)} may switch KSM on"
                if boot
                else f"KSM keeps {pages} merged page(s)"
            )
            outcome = passed(
                s,
                f"{who}, but all {len(vms)} running or autostart VM(s) opt out (<nosharepages/>)"
                if not any(v.hugepage_backed for v in vms)
                else f"{who}, but all {len(vms)} running or autostart VM(s) opt out "
                "(<nosharepages/>) or are backed by huge pages, which KSM never merges",
                *refs,
                *(v.source for v in vms[:8]),
            )
            # "all" counted the running and autostart VMs only: one whose run state the
            # evidence does not settle (a stopped Proxmox VE guest the HA manager may keep
            # started, P23B-1) and that does not opt out is merged once it runs, as HVA-060
            # counts it in its worst case (R40S-4)
            doubt = [
                v
                for v in _unknown_run_state(ctx, h.name)
                if not (v.nosharepages or v.hugepage_backed)
                or raw_mergeable(v.raw_hypervisor_arguments, v.nosharepages)
            ]
            if doubt:
                outcome = manual(
                    s,
                    f"{outcome.message}; run state unknown for {_names(doubt)} "
                    f"({doubt[0].running_unknown}), which {'does' if len(doubt) == 1 else 'do'} "
                    "not opt out",
                    *outcome.evidence,
                    *(v.source for v in doubt[:8]),
                    question=_run_state_question(
                        "KSM merges the memory of no VM that does not opt out"
                    ),
                )
            # "all" counted the VMs read only (R30D-4)
            yield unread_peers(
                outcome,
                h,
                "run or start with the host without opting out of page merging (no "
                "<nosharepages/>, no huge pages), so that KSM merges its memory",
            )


@check(
    id="HVA-070",
    title="VM has a memory guarantee, a limit and a priority",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-7"], "sp800-125a-r1": ["HY-SR-3"]},
    remediation={
        "*": "Guarantee memory (<memoryBacking><hugepages/> or <locked/> with <memtune><hard_limit>), "
        "and set <memtune><soft_limit> as the priority under contention (cgroup v1; on cgroup v2 "
        "libvirt writes it to memory.high, a throttle: give the VM's scope or the slice of its "
        "<resource><partition> a systemd MemoryLow= instead).",
        "proxmox-ve": "Back the VM with huge pages (hugepages:) or disable ballooning (balloon: 0) for a "
        "guarantee (its memory is then fixed and needs no priority); a VM left to auto-ballooning "
        "(balloon: N) takes its priority from shares: (1000 when absent, 0 opts it out).",
    },
    platforms=ANY,
    per_vm=True,
)
def memory_controls(ctx: Context) -> Iterator[Outcome]:
    """A guarantee keeps the VM's memory resident, a limit bounds what it can take, and a priority
    decides who yields under contention; without all three one VM can starve another. The
    configured memory size is always an upper bound for the guest, so the limit is only missing
    when memory is locked without a hard limit (then the guest can pin unbounded host RAM), or
    with one at or above the host's memory, which can never be reached (formatdomain, "Memory
    Tuning": hard_limit "is the maximum memory the guest can use"). Huge pages guarantee the
    memory only where they back all of it: a hot-pluggable DIMM or virtio-mem device whose own
    <pagesize> is the system page size is ordinary memory (formatdomain "Memory devices";
    qemu_command.c qemuBuildMemoryDimmBackendStr, R8-4; hvaudit.parse.libvirt_xml._all_huge).
    On a simulated host the RAM is the libvirt test driver's invention (src/test/test_driver.c
    defaultNodeInfo): a locked VM whose guarantee, limit and priority are all set is asked
    whether its limit is below the host's RAM. Locked memory that the balloon's free page
    reporting punches out of its memfd or file backing is no guarantee either (VL16-1,
    hvaudit.parse.libvirt_xml._reported_locked_memory). <memtune><soft_limit> is a priority
    on cgroup v1 only (memory.soft_limit_in_bytes); on cgroup v2 libvirt writes it to
    memory.high, a throttle (vircgroupv2.c virCgroupV2SetMemorySoftLimit), and the priority is
    the VM cgroup's memory.low or memory.min, which no definition sets: asked, as is a host
    whose cgroup version is not known (VL17-1, hvaudit.parse.host._memory_cgroup). A
    soft_limit at or above the hard limit or the host's RAM is never exceeded, so it is no
    priority on either version: judged as none (_unreached_soft_limit, R26R-2). Raw QEMU
    arguments that hand a huge-page-backed guest a memory backend of the system page size (a
    -device pc-dimm or -numa node with memdev=) add memory nothing reserves: no guarantee unless
    the memory is locked (qemu_args.raw_small_page_memory, R25R-6)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        missing = []
        h = hosts.get(v.host)
        simulated = h is not None and h.simulated
        host_kib = h.memory_kib if h is not None and not simulated else 0
        # raw memory backends of the system page size beside huge pages reserve nothing
        # (R25R-6); locked memory is locked whatever backs it
        small = (
            raw_small_page_memory(v.raw_hypervisor_arguments)
            if v.hugepage_backed and not v.memory_locked
            else []
        )
        if v.memory_guarantee is None or small:
            missing.append("guarantee")
        if v.memory_locked and v.memory_limit is None:
            missing.append("hard limit (memory is locked without one)")
        elif v.memory_locked and 0 < host_kib <= v.memory_limit_kib:
            missing.append(
                f"hard limit below the host's memory (memory is locked and the limit, "
                f"{_gib(v.memory_limit_kib)}, is at or above the host's {_gib(host_kib)})"
            )
        # <memtune><soft_limit> is a reclaim priority on cgroup v1 only (VL17-1)
        cgroup = _memory_cgroup(h) if v.memtune_cgroup else "v1"
        # a soft_limit the VM's memory cgroup can never exceed is no priority (R26R-2)
        idle = _unreached_soft_limit(v, host_kib)
        prio = None if idle else v.memory_priority
        if prio is None:
            missing.append("priority")
        elif cgroup == "v2":
            missing.append(f"priority ({SOFT_LIMIT_V2})")
        kept = (None if small else v.memory_guarantee, v.memory_limit, v.memory_priority)
        have = [x.description for x in kept if x]
        refs = [x.source for x in kept if x]
        ceiling = f"configured size {_gib(v.memory_max_kib)}"
        given = v.huge_pages_reported
        head = "; ".join([*have, ceiling])
        # huge pages of the host's default size: whether the guest can report them decides
        huge = bool(given and DEFAULT_HUGE_PAGES in given and missing == ["guarantee"])
        # on cgroup v2 the priority is the VM cgroup's memory.low or memory.min, set outside
        # the definition (a systemd MemoryLow= of its scope or slice): asked, not failed
        # and where the version of a host read (not simulated) is not known, a VM with no
        # soft_limit may be on v2 with one: asked too, not failed (VL18-8); beside the huge
        # pages' question or a simulated host's RAM question, asked with it (R34R-2)
        asked = h is not None and (
            (cgroup == "v2" and len(missing) == 1 and missing[0].startswith("priority"))
            or (cgroup == "" and (not missing or huge))
            or (cgroup == "" and not simulated and missing == ["priority"])
        )
        if missing and not (huge or asked):
            yield failed(
                s,
                f"no memory {', '.join(missing)} ({head})"
                + (f": {idle}" if idle else "")
                + (f": {v.memory_priority_none}" if v.memory_priority_none else "")
                + (f": huge pages back the memory, but {given}" if given else "")
                + (
                    ": huge pages back the memory, but raw QEMU arguments add memory of the "
                    f"system page size, which nothing reserves: {', '.join(small[:3])}"
                    if small
                    else ""
                )
                + (
                    f": the memory is locked, but {v.locked_memory_reported}"
                    if v.locked_memory_reported
                    else ""
                ),
                v.source,
                *refs,
            )
            continue
        # every open condition is asked in one item (R34R-2): the huge pages' question hid
        # the priority's on a host whose cgroup version is not known, a simulated host's RAM
        # question hid it too
        asks: list[Ask] = []
        if huge and h is not None:
            part = f"huge pages back the memory, but {given}"
            asks.append(
                (
                    f"{part} ({head})",
                    part,
                    (v.source, *refs),
                    f"Is the default huge page size of host {h.name} 1 GiB? Evidence: "
                    f"Hugepagesize in /proc/meminfo on {h.name} (or default_hugepagesz= on its "
                    "kernel command line). Pass: 1 GiB (1048576 kB), a page no guest reports "
                    "free; fail: 2 MiB, whose free pages the guest hands back to the host "
                    "through its balloon's free page reporting.",
                )
            )
        if asked and h is not None:
            seen = (
                f"the memory controller of host {h.name} is on cgroup v2"
                if cgroup == "v2"
                else f"the cgroup version of host {h.name} is not known ({_cgroup_unknown(h)})"
            )
            why = (
                SOFT_LIMIT_V2
                if prio is not None
                else f"{idle or 'no <memtune><soft_limit>'}, and there the priority is the VM cgroup's "
                "memory.low or memory.min, which the definition does not set"
                if cgroup == "v2"
                else f"{idle or 'no <memtune><soft_limit>'}: no priority on cgroup v1, and on "
                "cgroup v2 the priority is the VM cgroup's memory.low or memory.min, which the definition "
                "does not set"
            )
            passes = (
                "cgroup v1, where <memtune><soft_limit> is memory.soft_limit_in_bytes, or a "
                "memory.low or memory.min above 0; fail: cgroup v2 with neither, so its "
                "soft_limit is memory.high, a throttle, and under contention the VM yields "
                "like any other."
                if prio is not None
                else "cgroup v2 with a memory.low or memory.min above 0; fail: cgroup v1 (no "
                "soft_limit: no priority) or cgroup v2 with neither, so under contention the "
                "VM yields like any other."
            )
            asks.append(
                (
                    f"{head}; {seen}: {why}",
                    f"{seen}: {why}",
                    (v.source, *refs),
                    f"Does VM {v.name} have a memory reclaim priority on host {h.name}? "
                    f"Evidence: `grep cgroup /proc/mounts` on {h.name} (a `cgroup` mount whose "
                    "options name memory is v1, else cgroup2 holds it) and, on cgroup v2, "
                    "memory.low and memory.min of the VM's cgroup (`systemctl show -p "
                    "MemoryLow,MemoryMin` of its machine-qemu scope, or of the slice its "
                    f"<resource><partition> names). Pass: {passes}",
                )
            )
        if simulated and v.memory_locked and not missing and h is not None:
            part = "memory is locked, so the hard limit is the bound; " + _invented(
                h, f"memory size ({_gib(h.memory_kib)})"
            )
            asks.append(
                (
                    f"{head}; {part}",
                    part,
                    tuple(refs),
                    f"Is the hard limit of VM {v.name} ({_gib(v.memory_limit_kib)}) below "
                    f"the RAM of host {h.name}? Evidence: MemTotal in /proc/meminfo (or `free -k`) "
                    f"on {h.name}. Pass: yes, the host has more RAM than the limit; fail: the "
                    "limit is at or above it, so the locked guest can pin unbounded host RAM.",
                )
            )
        yield _joined(s, head, asks) if asks else passed(s, head, *refs)


def _unreached_soft_limit(v: Vm, host_kib: int) -> str:
    """Why the VM's <memtune><soft_limit> can never take effect, "" when it can (R26R-2). On
    cgroup v1 libvirt writes it to memory.soft_limit_in_bytes, and under contention only
    cgroups above their soft limit are reclaimed first (mm/memcontrol-v1.c soft_limit_excess:
    `if (nr_pages > soft_limit) excess = nr_pages - soft_limit;`, the soft limit tree holds
    the cgroups with an excess); a cgroup's usage never exceeds its hard limit
    (memory.limit_in_bytes, the <hard_limit>) nor the host's RAM. A soft limit at or above
    either is the kernel's default, unlimited: "It is recommended to set the soft limit always
    below the hard limit, otherwise the hard limit will take precedence"
    (Documentation/admin-guide/cgroup-v1/memory.rst, 7.1). On cgroup v2 it is memory.high
    (SOFT_LIMIT_V2), which such a value never reaches either."""
    soft = v.memory_soft_limit_kib
    if not v.memtune_cgroup or v.memory_priority is None or soft <= 0:
        return ""
    if 0 < v.memory_limit_kib <= soft:
        return (
            f"<memtune><soft_limit> {_gib(soft)} is at or above the hard limit "
            f"({_gib(v.memory_limit_kib)}), which the VM's memory cgroup never exceeds, so it is "
            "never reclaimed first"
        )
    if 0 < host_kib <= soft:
        return (
            f"<memtune><soft_limit> {_gib(soft)} is at or above the host's memory "
            f"({_gib(host_kib)}), which the VM's memory cgroup never exceeds, so it is never "
            "reclaimed first"
        )
    return ""


SOFT_LIMIT_V2 = (
    "on cgroup v2 libvirt writes <memtune><soft_limit> to memory.high, a throttle that reclaims "
    "the VM above it whether or not the host is short of memory, not a priority"
)


def _memory_cgroup(h: Host | None) -> str:
    """The cgroup version holding host h's memory controller, "" when not known (VL17-1)."""
    if h is None or h.simulated:
        return ""
    f = h.facts.memory_cgroup
    return f.get() if f.known and f.get() in ("v1", "v2") else ""


def _io_cgroup(h: Host | None) -> str:
    """The cgroup version holding host h's block I/O controller, "" when not known (R26R-1)."""
    if h is None or h.simulated:
        return ""
    f = h.facts.io_cgroup
    return f.get() if f.known and f.get() in ("v1", "v2") else ""


#: The CPU weight a cgroup has unless set: cpu.shares 1024 on v1 (IBM's libvirt domain XML
#: reference, <shares>: "The default value is 1024"; "cfs shares default value is 1024 (see
#: init_task_group_load in sched.c)", an OpenVZ kernel's fairsched.h, read with `search`),
#: cpu.weight 100 on v2 (Documentation/admin-guide/
#: cgroup-v2.rst, Weights: "All weights are in the range [1, 10000] with the default at 100";
#: include/linux/cgroup.h CGROUP_WEIGHT_DFL). Proxmox VE's cpuunits default is the same
#: ("cgroup v1: 1024, cgroup v2: 100", qemu-server QemuServer.pm).
CPU_WEIGHT_DEFAULT = {"v1": 1024, "v2": 100}


def _cpu_weight_priority(v: Vm, h: Host) -> tuple[Setting | None, str, str]:
    """The VM's CPU priority as HVA-090 counts it (R30T-2), why it does not count, and the
    cgroup version whose default its weight is where the host's version is not known. libvirt
    writes <shares> to the VM cgroup's cpu.shares on v1 and, unconverted, to cpu.weight on v2
    (vircgroupv1.c / vircgroupv2.c SetCpuShares; v2 also through systemd's CPUWeight), and
    qemu-server its cpuunits to the scope's CPUShares or CPUWeight (QemuServer.pm vm_start):
    weights are relative to the siblings' (cgroup-v2.rst, Weights: "the fraction matching the
    ratio of its weight against the sum"), so the hierarchy's default is the weight of every
    VM and service that sets none, and favours the VM over nothing."""
    prio = v.cpu_priority
    if prio is None or v.cpu_weight not in CPU_WEIGHT_DEFAULT.values():
        return prio, "", ""
    ver = "" if h.simulated else (f.get() if (f := h.facts.cpu_cgroup).known else "")
    if CPU_WEIGHT_DEFAULT.get(ver) == v.cpu_weight:
        return (
            None,
            f"{prio.description} is the default CPU weight on cgroup {ver}, which host "
            f"{h.name}'s CPU controller is on: the weight of every VM without one",
            "",
        )
    if ver in CPU_WEIGHT_DEFAULT:
        return prio, "", ""
    return prio, "", next(k for k, w in CPU_WEIGHT_DEFAULT.items() if w == v.cpu_weight)


def _cgroup_unknown(h: Host, controller: str = "memory") -> str:
    f = {"io": h.facts.io_cgroup, "cpu": h.facts.cpu_cgroup}.get(controller, h.facts.memory_cgroup)
    if h.simulated:
        return "simulated host"
    if f.known:
        return f"no cgroup mount holds the {controller} controller"
    return f.reason or "the cgroup mounts were not collected"


def vcpus_of(v: Vm) -> tuple[int, str]:
    """The VM's maximum vCPU count, with a raw QEMU `-smp` taken into account (R10-8), and the
    note that names it. QEMU merges every -smp into one set of values, a later key winning
    (system/vl.c machine_parse_property_opt -> keyval_merge: "for scalar values, @merged wins";
    older QEMU: qemu_smp_opts `.merge_lists = true`, implied key cpus), and libvirt adds the
    <qemu:arg> values after its own -smp (qemu_command.c qemuBuildCommandLine), qemu-server
    its `args:` after its own (QemuServer.pm, "# add custom args"). So a raw `-smp N` or
    `maxcpus=N` can give the guest N vCPUs whatever <vcpu> says; the largest count any of them
    names is taken (more is judged, never less)."""
    raw = [o for o in qemu_options(v.raw_hypervisor_arguments) if o.name == "smp"]
    counts = [
        int(n)
        for o in raw
        for key in ("cpus", "maxcpus")
        if digits(n := o.props.get(key, "").strip())
    ]
    if not counts or max(counts) <= v.vcpus_max:
        return v.vcpus_max, ""
    return max(counts), f" (QEMU argument {raw[-1].shown()})"


@check(
    id="HVA-080",
    title="VM has fewer vCPUs than the host has physical cores",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-8"]},
    remediation={
        "*": "Lower the VM's maximum vCPU count (<vcpu>) below the host's physical core count.",
        "proxmox-ve": "Lower the VM's sockets x cores below the node's physical core count.",
    },
    platforms=ANY,
    per_vm=True,
)
@raw_arguments_unseen("more vCPUs (-smp)")
def vcpus_below_cores(ctx: Context) -> Iterator[Outcome]:
    """A VM with as many vCPUs as the host has cores can occupy every core at once, starving the
    host and its neighbours; the 2014 draft asks for strictly fewer. The maximum (hot-pluggable)
    count is used, not the current one. On a simulated host the core count is the libvirt test
    driver's invention (src/test/test_driver.c defaultNodeInfo, or the node file's <cpu>): the VM
    proves its vCPU count, and the host's cores are asked. libvirt's nodeinfo counts every CPU
    as a core where it cannot express the topology (virhostcpu.c: nodes, sockets and threads 1,
    "cores = cpus + offline"; a hybrid CPU's one- and two-thread cores): there /proc/cpuinfo's
    (physical id, core id) pairs give the physical cores (R10H-4). A raw QEMU `-smp` can give
    the guest more vCPUs than <vcpu> (vcpus_of, R10-8)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        cores = hosts[v.host].cores
        vcpus, raw = vcpus_of(v)
        if hosts[v.host].simulated:
            h = hosts[v.host]
            yield manual(
                s,
                f"{vcpus} vCPU(s) (the VM's maximum{raw}); "
                + _invented(h, f"physical core count ({cores})"),
                v.source,
                question=f"Does host {h.name} have more than {vcpus} physical core(s)? "
                f"Evidence: `lscpu` on {h.name} (sockets times cores per socket). Pass: yes, "
                f"more than {vcpus}; fail: {vcpus} or fewer.",
            )
            continue
        if cores <= 0:
            why = hosts[v.host].missing.get("cores", "no host facts")
            yield manual(
                s,
                f"the host's physical core count is unknown ({why})",
                v.source,
                question="Does this VM have fewer vCPUs than its host has physical cores? "
                "Evidence: the host's physical core count (`lscpu`: sockets times cores per "
                "socket) and the VM's maximum vCPU count. Pass: yes, fewer; fail: as many or "
                "more.",
            )
            continue
        msg = f"{vcpus} vCPU(s){raw} on a host with {cores} physical core(s)"
        if vcpus < cores:
            yield passed(s, msg, v.source, hosts[v.host].source)
        else:
            yield failed(s, msg, v.source, hosts[v.host].source)


@check(
    id="HVA-081",
    title="vCPUs of running VMs stay within the host's cores",
    scope="host",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-r1": ["HY-SR-4"]},
    remediation="Spread VMs over more hosts or reduce vCPU counts until the ratio is within the "
    "profile's vcpu_to_core_ratio_max.",
    platforms=ANY,
)
def vcpu_allocation(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-4: allocations to all VMs together should not exceed a key physical resource
    such as the number of cores. On a simulated host the core count is the libvirt test driver's
    invention (src/test/test_driver.c defaultNodeInfo, or the node file's <cpu>): the VMs prove
    their vCPUs, and the host's cores are asked. Where libvirt's nodeinfo reports its fallback
    topology (every CPU counted as a core), /proc/cpuinfo's (physical id, core id) pairs give the
    physical cores, as for HVA-080 (R10H-4). A Proxmox VE node's LXC containers run on the same
    cores: each running or onboot container's `cores` is counted with the VMs' vCPUs, and one
    with none set may use every CPU of the node (pve-manager pvestatd.pm
    rebalance_lxc_containers, `$conf->{cores} || $cpucount`) and is counted so; one whose run
    state the evidence does not settle and that does not start at boot is asked, as for HVA-060
    (R25R-1)."""
    limit = ctx.profile.vcpu_to_core_ratio_max
    for h in ctx.deployment.hosts:
        s = host_subject(h)
        vms = [v for v in ctx.deployment.vms if v.host == h.name and (v.running or v.autostart)]
        if h.cores <= 0:
            yield manual(
                s,
                f"the host's physical core count is unknown ({h.missing.get('cores', 'no host facts')})",
                h.source,
                # as HVA-060's: the containers and the unread guests counted (R39S-1)
                question=joint_question(
                    [
                        "Do the vCPUs of this host's running and autostart VMs"
                        f"{_maybe_named(ctx, h, 'vCPUs')}{_cts_named(h, 'CPU count')} stay within the profile's ratio "
                        f"({limit:g}) of its physical cores? Evidence: the host's physical core "
                        f"count ({_size_evidence(h, 'cores')}) and each VM's maximum vCPU "
                        "count. Pass: yes, their sum divided by the cores is within the "
                        "ratio; fail: it exceeds it.",
                        *_ratio_asks(h, "vCPU-to-core", limit)[1],
                    ]
                ),
            )
            continue
        total = sum(vcpus_of(v)[0] for v in vms)
        if h.simulated:
            maybe = _unknown_run_state(ctx, h.name)
            total += sum(vcpus_of(v)[0] for v in maybe)
            unsure = f" (with {_names(maybe)}, run state unknown)" if maybe else ""
            need = max(1, math.ceil(total / limit))
            parts, asks = _ratio_asks(h, "vCPU-to-core", limit)  # as HVA-060's (R38S-2)
            yield manual(
                s,
                "; ".join(
                    [
                        f"{total} vCPU(s) across {len(vms)} running or autostart VM(s){unsure}; "
                        + _invented(h, f"core count ({h.cores})"),
                        *parts,
                    ]
                ),
                *(v.source for v in sorted([*vms, *maybe], key=lambda v: v.name)[:8]),
                question=joint_question(
                    [
                        f"Does host {h.name} have at least {need} physical core(s), so that "
                        f"the {total} vCPU(s) of its running and autostart VMs stay within the "
                        f"ratio {limit:g}? Evidence: `lscpu` on {h.name} (sockets times cores "
                        f"per socket). Pass: yes, at least {need}; fail: fewer.",
                        *asks,
                    ]
                ),
            )
            continue
        # a Proxmox VE node's LXC containers run on the same cores (R25R-1)
        cts = h.proxmox.containers if h.proxmox else []
        counted = [c for c in cts if c.running or c.autostart]
        ct_maybe = [
            c
            for c in cts
            if not c.autostart and (c.running is None or (not c.running and c.start_unknown))
        ]
        ct_total = sum(_container_cpus(c, h) for c in counted)
        ratio = (total + ct_total) / h.cores
        held = (
            f" and {ct_total} CPU(s) of {len(counted)} running or onboot container(s)"
            if counted
            else ""
        )
        msg = (
            f"{total} vCPU(s) across {len(vms)} running or autostart VM(s){held} on {h.cores} "
            f"core(s): ratio {ratio:.2f} (limit {limit:g}){_all_cpus([*counted, *ct_maybe], h)}"
        )
        maybe = _unknown_run_state(ctx, h.name)
        worst = (
            total
            + ct_total
            + sum(vcpus_of(v)[0] for v in maybe)
            + sum(_container_cpus(c, h) for c in ct_maybe)
        ) / h.cores
        names = [*(v.name for v in maybe), *(c.name for c in ct_maybe)]
        if ratio > limit:
            yield failed(s, msg, h.source, *(c.source for c in counted[:8]))
            continue
        # every open condition is asked in one question, as for HVA-060 (R34 elif probes site 7a)
        parts, questions = _ratio_asks(h, "vCPU-to-core", limit)
        if names and worst > limit:
            why = [
                *([f"{_names(maybe)} ({maybe[0].running_unknown})"] if maybe else []),
                *(
                    [
                        f"container(s) {', '.join(c.name for c in unsettled[:5])} (run state "
                        "not settled by the evidence, onboot off)"
                    ]
                    if (unsettled := [c for c in ct_maybe if c.running is None])
                    else []
                ),
                *(
                    [
                        f"container(s) {', '.join(c.name for c in stopped[:5])} "
                        f"({stopped[0].start_unknown})"
                    ]
                    if (stopped := [c for c in ct_maybe if c.running is not None])
                    else []
                ),
            ]
            parts.append(
                f"run state unknown for {' and '.join(why)}: ratio {worst:.2f} if they run"
            )
            questions.append(
                _run_state_question(
                    "the vCPUs of running VMs and the CPUs of running containers stay within the host's cores"
                )
            )
        elif names and (_unread_guests(h) or _unread_nexts(h)):
            parts.append(f"run state unknown for {', '.join(names[:10])}")
        if questions:
            yield manual(
                s,
                "; ".join([msg, *parts]),
                h.source,
                *(c.source for c in ct_maybe[:8] if names and worst > limit),
                question=joint_question(questions),
            )
        else:
            yield passed(
                s,
                msg + (f"; {worst:.2f} if {', '.join(names[:10])} run" if names else ""),
                h.source,
            )


def _container_cpus(c: Container, h: Host) -> int:
    """The node CPUs a container may run on, the larger of now and its next start (R25R-1):
    its `cores`, or every CPU of the node where none is set (pve-manager pvestatd.pm
    rebalance_lxc_containers: `$conf->{cores} || $cpucount`, capped at $cpucount, the node's
    logical CPUs in its cpuset cgroup)."""
    node = h.threads or h.cores
    counts = [c.cpus, *([c.next_start.cpus] if c.next_start else [])]
    if None in counts:
        return node
    return min(max(n for n in counts if n is not None), node)


def _all_cpus(cts: list[Container], h: Host) -> str:
    """The containers that may run on every CPU of the node: no `cores`, or a raw cpuset."""
    said = [
        f"{c.name} ({w.cpus_raw})"
        if w.cpus_raw
        else f"{c.name} (no cores: all {h.threads or h.cores})"
        for c in cts
        for w in (c, c.next_start)
        if w is not None and (w.cpus is None or w.cpus_raw)
    ]
    return f"; container CPUs: {', '.join(dict.fromkeys(said[:5]))}" if said else ""


@check(
    id="HVA-090",
    title="VM has a CPU reservation, a limit and a priority",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-9"], "sp800-125a-r1": ["HY-SR-5"]},
    remediation={
        "*": "Set <cputune><shares> (priority), <cputune><quota>/<global_quota> (limit) and pin vCPUs "
        "to reserved host CPUs (<vcpupin>) where a reservation is needed.",
        "proxmox-ve": "Set cpuunits (priority), cpulimit (limit) and affinity (host CPUs reserved for "
        "the VM) in the VM's configuration.",
    },
    platforms=ANY,
    peers=("cpu_affinity", "running", "autostart"),
)
def cpu_controls(ctx: Context) -> Iterator[Outcome]:
    """A reservation keeps CPU available for the VM, a limit keeps it from taking everything, a
    priority settles contention. libvirt has no reservation in MHz; the closest equivalent is
    pinning every vCPU (`<vcpupin>`, or `<vcpu cpuset>` for the unpinned ones; libvirt
    formatdomain, "CPU Tuning") to host CPUs that no other running or autostart VM may use
    (its vCPUs, emulator threads and I/O threads, each where its own pin puts it, else where
    <vcpu cpuset> allows, else anywhere: qemu_process.c qemuProcessSetupPid; an unpinned VM may
    use every host CPU). Pinning to every
    host CPU, pinning some vCPUs only, or sharing the pinned CPUs with another VM reserves
    nothing. Where the platform has no reservation setting at all (Proxmox VE: qm.adoc offers
    cpuunits, cpulimit and affinity only; the catalog's note SR09-PVE-01), that part is stated as
    a platform limitation: a manual item, never a failure of the VM. On a simulated host the CPU
    count is the libvirt test driver's invention (src/test/test_driver.c defaultNodeInfo): any
    unpinned neighbour may use the pinned CPUs, and a pin no neighbour shares is asked whether
    the host has CPUs beyond it. A Proxmox VE node's running and onboot containers are
    neighbours too: pvestatd places one without a raw cpuset on any of the node's CPUs
    (_containers_on); a VM or container whose run state is not settled and that does not start
    at boot is asked (R25R-5). So is a pin beside a guest whose configuration was not read (a
    libvirt domain whose XML the daemon refused, a Proxmox VE guest whose file was not read:
    _unread_guests), which may run anywhere (R28D-3). A priority is a cgroup CPU weight
    (<shares>, cpuunits) other than the default of the hierarchy the host's CPU controller is
    on (1024 on cgroup v1, 100 on v2), which every VM without one has: the default is no
    priority, and on a host whose version is not read it is asked (_cpu_weight_priority,
    R30T-2)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        h = hosts[v.host]
        host_cpus = 0 if h.simulated else h.threads
        reservation, why = _reservation(ctx, v, host_cpus)
        prio, prio_note, prio_ver = _cpu_weight_priority(v, h)
        # ESXi custom shares equal to the normal level are no priority either (R33V-2)
        prio_note = prio_note or v.cpu_priority_none
        parts = {"reservation": reservation, "limit": v.cpu_limit, "priority": prio}
        missing = [k for k, x in parts.items() if x is None]
        have = [f"{k}: {x.description}" for k, x in parts.items() if x]
        refs = [x.source for x in parts.values() if x]
        # pinning the platform does have (Proxmox affinity) that another VM shares is a finding
        lacks = "cpu_reservation" in v.platform_lacks and not why
        # each open condition is one ask (its message, the part it adds to a joined message,
        # its evidence, its question), all asked in one item after the fails: asking only the
        # first passed the others unasked on an attested "yes" (R34R-1)
        asks: list[Ask] = []
        if missing == ["reservation"] and lacks:
            # A platform without the setting: stated as such, never a failure of the VM.
            part = "platform limitation: the platform has no CPU reservation setting"
            asks.append(
                (
                    f"{part}; " + "; ".join(have),
                    part,
                    (v.source, *refs),
                    "Is the CPU this VM needs guaranteed by other means: a node sized so "
                    "that its VMs' vCPUs never exceed its cores, or cores dedicated to the VM? "
                    "Evidence: the node's core count against the sum of its VMs' vCPUs, or the "
                    "VM's CPU affinity (Proxmox VE: `affinity` in `qm config`) with no other VM "
                    "on those cores. Pass: yes, either holds; fail: neither.",
                )
            )
        # what a joined item says once: the settings, the platform limitation its own part
        head = "; ".join(have)
        if lacks and "reservation" in missing:
            missing.remove("reservation")
            have.append("reservation: platform limitation, no such setting")
        if not asks:
            head = "; ".join(have)
        if missing:
            yield failed(
                s,
                f"no CPU {', '.join(missing)}"
                + (f" ({why})" if why else "")
                + (f" ({prio_note})" if prio_note else "")
                + (f" ({'; '.join(have)})" if have else ""),
                v.source,
                *refs,
            )
            continue
        aff = v.cpu_affinity
        if aff is not None and host_cpus <= 0:
            pinned = _cpus(set().union(*(c for c in aff.vcpus if c is not None)))
            part = (
                _invented(h, f"CPU count ({h.threads})")
                if h.simulated
                else "the host's CPU count is unknown"
                + f" ({h.missing.get('cores', 'no host facts')})"
            )
            asks.append(
                (
                    "; ".join(have) + "; " + part,
                    part,
                    tuple(refs),
                    f"Does host {h.name} have logical CPUs other than {pinned}, the ones "
                    f"VM {v.name}'s vCPUs are pinned to? Evidence: `lscpu` or `nproc --all` on "
                    f"{h.name}. Pass: yes, it has others, so the pinned CPUs are reserved; fail: "
                    f"{pinned} are all its CPUs, so the pin reserves nothing.",
                )
            )
        if prio_ver and v.cpu_priority is not None:
            # a weight that is one cgroup version's default, on a host whose version is not
            # known: a priority on the other version only (R30T-2)
            part = (
                f"{v.cpu_priority.description} is the default CPU weight on cgroup {prio_ver}, "
                f"and the cgroup version of host {h.name} is not known "
                f"({_cgroup_unknown(h, 'cpu')})"
            )
            asks.append(
                (
                    "; ".join(have) + "; " + part,
                    part,
                    (v.source, *refs),
                    f"Does {v.cpu_priority.description} give VM {v.name} a CPU weight "
                    f"other than the default of host {h.name}'s cgroup version? Evidence: `grep "
                    f"cgroup /proc/mounts` on {h.name} (a `cgroup` mount whose options name cpu "
                    "is v1, else cgroup2 holds it). Pass: the value differs from that version's "
                    "default (cpu.shares 1024 on v1, cpu.weight 100 on v2), so under contention "
                    "the VM gets more or less CPU than its neighbours; fail: it is that default, "
                    "the weight of every VM and service without one, so it is no priority.",
                )
            )
        if aff is not None and (maybe := _maybe_sharing(ctx, v)):
            # a neighbour whose run state the evidence does not settle may use the pinned CPUs
            part = (
                f"run state unknown for {', '.join(maybe[:6])}, which may use the pinned host CPUs"
            )
            asks.append(
                (
                    "; ".join(have) + "; " + part,
                    part,
                    (v.source, *refs),
                    f"Are {', '.join(maybe[:6])} on host {v.host} stopped and not started "
                    "at boot, so that no other guest runs on the host CPUs this VM is pinned to? "
                    "Evidence: `qm list`, `pct list` and `ha-manager config` on the node (or "
                    "`virsh list --all --autostart`). Pass: yes, all stopped and none starts at "
                    "boot or is an HA resource in state started; fail: any of them runs or "
                    "starts.",
                )
            )
        unread = _unread_guests(h) if aff is not None else ""
        if aff is not None and unread:
            # a guest whose definition was not read may run on the pinned CPUs (R28D-3)
            pinned = _cpus(set().union(*(c for c in aff.vcpus if c is not None)))
            how = (
                "`virsh vcpupin <uuid>`, `virsh emulatorpin <uuid>` and `virsh iothreadinfo "
                "<uuid>` of each of them, and `virsh list --all --autostart`"
                if h.platform == "kvm-libvirt"
                else "`qm config <vmid>` / `pct config <vmid>` of each of them (affinity, "
                "lxc.cgroup2.cpuset.cpus), and `qm list` / `pct list`"
            )
            # another running domain's persistent definition not read may pin a thread there
            # at its next start (R30D-7's unread_peers, which this ask stands in for: beside
            # the guests not read, a "yes" passed it unasked, R35T-4)
            nexts = unread_nexts(h, s.id)
            if nexts:
                # the --inactive definition is what it starts from next, as base.unread_ask
                # asks for it
                how += (
                    ", and `virsh dumpxml --inactive <uuid>` (its <cputune>) for a persistent "
                    "definition"
                )
            part = f"not read, may use the pinned host CPUs: {'; '.join([unread, *nexts[:5]])}"
            asks.append(
                (
                    "; ".join(have) + "; " + part,
                    part,
                    (v.source, *refs),
                    f"Do the guests of host {h.name} whose configuration was not read "
                    + ("(a running one's persistent definition included) " if nexts else "")
                    + f"leave host CPU(s) {pinned} to VM {v.name}? Evidence: {how} on {h.name}. "
                    f"Pass: yes, each is stopped and does not start at boot, or none of its "
                    f"threads may run on {pinned}; fail: any of them may.",
                )
            )
        outcome = _joined(s, head, asks) if asks else passed(s, "; ".join(have), *refs)
        if aff is not None and not unread:
            # a running peer's persistent definition not read may run unpinned, or pinned
            # there, at its next start (R30D-7; the guests not read are R28D-3's ask above);
            # joined with the asks, never hidden by one
            pinned = _cpus(set().union(*(c for c in aff.vcpus if c is not None)))
            outcome = unread_peers(
                outcome,
                h,
                f"run a thread on host CPU(s) {pinned} (unpinned, or pinned there), which VM "
                f"{v.name}'s vCPUs are pinned to",
            )
        yield outcome


def _maybe_sharing(ctx: Context, v: Vm) -> list[str]:
    """The guests of v's host whose run state the evidence does not settle, that do not start
    at boot and may run on the host CPUs v's vCPUs are pinned to: VMs (running_unknown) and
    Proxmox VE containers (R25R-5)."""
    aff = v.cpu_affinity
    if aff is None or any(c is None for c in aff.vcpus):
        return []
    mine: set[int] = set().union(*(c for c in aff.vcpus if c is not None))
    out = []
    for o in _unknown_run_state(ctx, v.host):
        if o is v:
            continue
        oa = o.cpu_affinity
        sets = [*oa.vcpus, oa.emulator, *oa.iothreads] if oa is not None else [None]
        if any(c is None or c & mine for c in sets):
            out.append(f"VM {o.name}")
    h = next((x for x in ctx.deployment.hosts if x.name == v.host), None)
    for c in h.proxmox.containers if h is not None and h.proxmox else []:
        if c.autostart or not (c.running is None or (not c.running and c.start_unknown)):
            continue
        cpus = parse_cpuset(c.cpus_raw.split(":", 1)[1]) if c.cpus_raw else None
        if cpus is None or cpus & mine:
            out.append(f"container {c.name}")
    return out


def _cpus(cpus: set[int] | frozenset[int]) -> str:
    """{0, 1, 2, 5} -> "0-2,5"."""
    out: list[list[int]] = []
    for c in sorted(cpus):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in out)


def _containers_on(ctx: Context, host: str, mine: set[int]) -> list[str]:
    """The running or onboot Proxmox VE containers of `host` that may run on host CPUs `mine`
    (R25R-5). pve-manager pvestatd.pm rebalance_lxc_containers builds each container's cpuset
    from `@allowed_cpus`, every CPU of the node's cpuset cgroup, moving it to the least used
    ones: a VM's `affinity` is not among what it avoids, so any container without a raw
    `lxc.cgroup*.cpuset.cpus` entry may land on the CPUs a VM is pinned to; one with such an
    entry keeps the set it names (now and at its next start)."""
    h = next((x for x in ctx.deployment.hosts if x.name == host), None)
    out: list[str] = []
    for c in h.proxmox.containers if h is not None and h.proxmox else []:
        if not (c.running or c.autostart):
            continue
        for w in (c, c.next_start):
            if w is None:
                continue
            cpus = parse_cpuset(w.cpus_raw.split(":", 1)[1]) if w.cpus_raw else None
            if cpus is None or cpus & mine:
                out.append(c.name)
                break
    return out


def _reservation(ctx: Context, v: Vm, host_cpus: int) -> tuple[Setting | None, str]:
    """The VM's CPU reservation, judged against its host and neighbours, and why there is none."""
    aff = v.cpu_affinity
    if aff is None:  # the platform's parser judged it (an ESXi reservation, a Proxmox affinity)
        return v.cpu_reservation, ""
    free = [i for i, c in enumerate(aff.vcpus) if c is None]
    if free:
        return None, f"{len(free)} of {len(aff.vcpus)} vCPU(s) not pinned"
    mine: set[int] = set().union(*(c for c in aff.vcpus if c is not None))
    everything = set(range(host_cpus))
    if host_cpus > 0 and mine >= everything:
        return None, f"vCPUs pinned to every host CPU ({_cpus(mine)})"
    sharing: list[str] = []
    for other in ctx.deployment.vms:
        if other is v or other.host != v.host or not (other.running or other.autostart):
            continue
        oa = other.cpu_affinity
        sets = [*oa.vcpus, oa.emulator, *oa.iothreads] if oa is not None else [None]
        used: set[int] = set()
        for c in sets:
            used |= everything if c is None or host_cpus <= 0 else set(c)
        if host_cpus <= 0 and any(c is None for c in sets):
            used = set(mine)
        if used & mine:
            sharing.append(other.name)
    cts = _containers_on(ctx, v.host, mine)
    if sharing or cts:
        return (
            None,
            f"host CPU(s) {_cpus(mine)} also open to "
            + " and ".join(
                [
                    *([f"VM(s) {', '.join(sorted(sharing)[:6])}"] if sharing else []),
                    *(
                        [
                            f"container(s) {', '.join(sorted(cts)[:6])} (pvestatd gives a "
                            "container without a raw cpuset any of the node's CPUs)"
                        ]
                        if cts
                        else []
                    ),
                ]
            ),
        )
    assert v.cpu_reservation is not None
    return (
        Setting(
            f"{v.cpu_reservation.description}, used by no other running or autostart VM",
            v.cpu_reservation.source,
        ),
        "",
    )


@check(
    id="HVA-091",
    title="VM uses no real-time vCPU scheduling",
    scope="vm",
    severity=Severity.MEDIUM,
    recommendations={"sp800-125a-2014": ["HY-SR-9"], "sp800-125a-r1": ["HY-SR-5"]},
    interpretations={
        "sp800-125a-2014:HY-SR-9": (
            "HY-SR-9 asks for a CPU priority (shares) per VM; real-time scheduling is a "
            "priority above every share, so hvaudit counts it against the recommendation."
        ),
        "sp800-125a-r1:HY-SR-5": (
            "HY-SR-5 asks for a CPU priority per VM; real-time scheduling is a priority above "
            "every share, so hvaudit counts it against the recommendation."
        ),
    },
    remediation="Remove scheduler='fifo'|'rr' from <vcpusched>, <emulatorsched> and <iothreadsched> "
    "unless host CPUs are reserved for those threads (isolcpus on the host, each real-time "
    "thread pinned there, every other thread and VM elsewhere).",
    peers=("cpu_affinity", "running", "autostart"),
)
def no_realtime_vcpus(ctx: Context) -> Iterator[Outcome]:
    """Real-time (FIFO/RR) threads pre-empt everything else on their CPUs and can starve the host
    itself: vCPU threads (`<vcpusched>`), but equally the emulator and I/O threads
    (`<emulatorsched>`, `<iothreadsched>`; libvirt formatdomain, "CPU Tuning"). Where host CPUs
    are reserved for them, as the remediation allows, they starve nothing: libvirt's "KVM Real
    Time Guest Config" (kbase/kvm-realtime) reserves host CPUs "exclusively for running KVM
    guests" with the isolcpus kernel parameter, which "removes a set of CPUs from the
    scheduler", and pins each real-time thread there, the emulator elsewhere. So real-time
    threads pinned to host CPUs that no other thread of the VM and no other running or
    autostart VM may use pass where /proc/cmdline's isolcpus covers them (flags: only
    `domain`, the default, removes them from scheduling, kernel-parameters.txt), and are asked
    where it does not show it (VL17-2)."""
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        if v.realtime_threads and v.realtime_cpus is not None and v.host in hosts:
            yield _reserved_realtime(ctx, v, hosts[v.host])
        elif v.realtime_threads:
            yield failed(s, "real-time scheduling: " + ", ".join(v.realtime_threads), v.source)
        elif v.realtime_vcpus:
            yield failed(s, "vCPUs scheduled fifo/rr (real-time)", v.source)
        else:
            yield passed(s, "no real-time scheduling of vCPU, emulator or I/O threads", v.source)


def _cpu_list(text: str) -> set[int] | None:
    """A kernel CPU list ("2-3,6"), None where a part does not read as one."""
    cpus: set[int] = set()
    for p in text.split(","):
        lo, _, hi = p.partition("-")
        if not digits(lo) or (hi and not digits(hi)):
            return None
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def _isolated(h: Host, rt: frozenset[int] = frozenset()) -> frozenset[int] | str | None:
    """The host CPUs isolcpus= removes from the scheduler (kernel-parameters.txt: "isolcpus=
    [flag-list,]<cpu-list>", flags nohz, domain, managed_irq, "domain" the default); None where
    the command line is not known, why where the words do not settle it. Only the words before
    a `--` are the kernel's (kernel_params, R29B-5). Where several isolcpus= or nohz_full= words
    name different CPU lists, which one stands depends on the kernel: the old isolated_cpu_setup
    (kernel/sched/core.c) parsed each isolcpus= into cpu_isolated_map, the last replacing the
    others; kernel/sched/isolation.c housekeeping_setup, which took both over, refuses a later
    list unequal to the one already set ("Second setup call", pr_warn "Housekeeping: nohz_full=
    must match isolcpus=": the first stands), comparing with the one housekeeping mask before it
    kept one per type (all read with `find_string`). So such a line is asked (R29B-5).
    R34B-3: housekeeping_setup keeps no list at all where cpulist_parse refuses it ("Housekeeping:
    nohz_full= or isolcpus= incorrect CPU range", `goto free_non_housekeeping_mask`), as it does
    for a CPU past the kernel's CPU count (bitmap_parselist's -ERANGE past nr_cpumask_bits), so a
    list naming a CPU beyond those the host reports (h.threads, the online ones; nr_cpu_ids is
    not in the evidence) is asked; and where the list leaves no present CPU to the kernel it
    takes the boot CPU back ("must include one present CPU, using boot CPU:%d",
    `__cpumask_clear_cpu(smp_processor_id(), non_housekeeping_mask)`; Linux's boot CPU is
    logical CPU 0), so a list covering every CPU the host reports is not shown to isolate CPU 0
    from the host's own work: asked where the real-time CPUs `rt` include it."""
    f = h.facts.kernel_cmdline
    if not f.known:
        return None
    lists: list[tuple[str, set[int] | None]] = []
    domain = False
    for word in kernel_params(f.get()):
        name, _, value = word.partition("=")
        if name == "nohz_full":
            lists.append((word, _cpu_list(value)))
        if name != "isolcpus":
            continue
        parts = value.split(",")
        flags = [p for p in parts if p in ("nohz", "domain", "managed_irq")]
        domain = domain or not flags or "domain" in flags
        lists.append((word, _cpu_list(",".join(p for p in parts if p not in flags))))
    if not domain:
        return frozenset()
    unread = [w for w, cpus in lists if cpus is None]
    if unread:
        return f"its kernel command line's {unread[0][:60]} does not read as a CPU list"
    if any(cpus != lists[0][1] for _, cpus in lists[1:]):
        shown = " ".join(w[:40] for w, _ in lists[:4])
        return (
            f"its kernel command line names different CPU lists ({shown}): which of them "
            "the kernel keeps depends on its version"
        )
    iso = frozenset(lists[0][1] or ())
    known = h.threads if h.threads > 0 and not h.simulated else 0
    if known and iso and max(iso) >= known:
        return (
            f"its kernel command line's {lists[0][0][:60]} names CPU {max(iso)}, beyond the "
            f"host's {known} CPUs: past the kernel's CPU count the kernel refuses the whole list "
            '("incorrect CPU range")'
        )
    if known and 0 in rt and iso >= set(range(known)):
        return (
            f"its kernel command line's {lists[0][0][:60]} covers every CPU of the host "
            f'({_cpus(iso)}), so the kernel keeps its boot CPU 0 for its own work ("must '
            'include one present CPU, using boot CPU") unless a CPU is present but offline'
        )
    return iso


def _reserved_realtime(ctx: Context, v: Vm, h: Host) -> Outcome:
    """HVA-091 for real-time threads pinned to host CPUs (VL17-2)."""
    s = vm_subject(v)
    rt = v.realtime_cpus or frozenset()
    said = "real-time scheduling: " + ", ".join(v.realtime_threads)
    everything = set(range(h.threads)) if h.threads > 0 and not h.simulated else None
    others = v.realtime_others_cpus
    if others is None or others & rt:
        return failed(
            s,
            f"{said}; the VM's other threads may run on its real-time host CPU(s) {_cpus(rt)}",
            v.source,
        )
    sharing = []
    for o in ctx.deployment.vms:
        if o is v or o.host != v.host or not (o.running or o.autostart):
            continue
        oa = o.cpu_affinity
        sets = [*oa.vcpus, oa.emulator, *oa.iothreads] if oa is not None else [None]
        if any(c is None or c & rt for c in sets):
            sharing.append(o.name)
    if sharing:
        return failed(
            s,
            f"{said}; host CPU(s) {_cpus(rt)} also open to VM(s) {', '.join(sorted(sharing)[:6])}",
            v.source,
        )
    if everything is not None and rt >= everything:
        return failed(s, f"{said}; pinned to every host CPU ({_cpus(rt)})", v.source)
    pinned = (
        f"{said}; pinned to host CPU(s) {_cpus(rt)}, used by no other thread of this or another "
        "running or autostart VM"
    )
    # "no other VM" counted the VMs read only (R30D-4)
    may = (
        f"run a thread on host CPU(s) {_cpus(rt)} (a vCPU, emulator or I/O thread pinned there, "
        "or one not pinned where isolcpus does not cover them), which this VM's real-time "
        "threads pre-empt"
    )
    iso = _isolated(h, rt)
    if isinstance(iso, frozenset) and rt <= iso:
        return unread_peers(
            passed(
                s,
                f"{pinned}, isolated from the host's scheduler (isolcpus)",
                v.source,
                *h.facts.kernel_cmdline.sources,
            ),
            h,
            may,
        )
    seen = (
        iso
        if isinstance(iso, str)
        else f"isolcpus on its kernel command line covers {_cpus(iso) if iso else 'none of them'}"
        if iso is not None
        else "its kernel command line was not read"
    )
    return unread_peers(
        manual(
            s,
            f"{pinned}; {seen}",
            v.source,
            question=f"Does host {h.name} keep its own tasks and kernel threads off host CPU(s) "
            f"{_cpus(rt)}? Evidence: isolcpus= (and nohz_full=) in /proc/cmdline on {h.name}, or "
            "the CPUAffinity= of systemd's system.conf and the tuned profile (cpu-partitioning, "
            "realtime-virtual-host). Pass: yes, those CPUs are reserved for the VM's real-time "
            "threads; fail: host tasks share them, and the real-time threads can starve them.",
        ),
        h,
        may,
    )


@check(
    id="HVA-092",
    title="VM's disk and network bandwidth are limited",
    scope="vm",
    severity=Severity.LOW,
    recommendations={"sp800-125a-r1": ["HY-SR-8"]},
    remediation={
        "*": "Add <iotune> to disks and <bandwidth> to interfaces with limits suited to the VM's tier.",
        "proxmox-ve": "Set mbps_rd/mbps_wr or iops_rd/iops_wr on disks and rate= on network devices.",
    },
    platforms=QEMU,  # VMware keeps NIC limits on the switch (Network I/O Control), not the VM
    per_vm=True,
)
@raw_arguments_unseen(
    "a disk or host tap without limits (a -drive without read and write rates, -netdev tap or bridge)"
)
def io_limits(ctx: Context) -> Iterator[Outcome]:
    """Rev. 1 HY-SR-8: per-VM limits on network and I/O bandwidth keep a denial of service local
    to the VM that causes it. libvirt can shape only interfaces backed by a host network device
    (bridge, network, direct, ethernet; `virNetDevSupportBandwidth` in libvirt
    src/conf/netdev_bandwidth_conf.h); a vhost-user port is shaped by the switch that owns it,
    an SR-IOV VF (<interface type='hostdev'>, a hostdev network) by its PF's VF rate limiter
    (ip-link(8) `vf N max_tx_rate`, 0 disables it) and a vDPA device by the NIC it is carved
    from, all asked (R6-7), and a user-mode interface cannot be limited by libvirt at all,
    nor can a TCP, UDP or multicast tunnel (QEMU_SOCKET_NICS): the guest's traffic through
    them is unlimited, a fail (R29D-2; was a pass, or "no interfaces libvirt can limit"). A limit must cover
    what the guest sends (`<outbound>`): an inbound-only limit leaves the VM free to flood.
    A read-only disk (<readonly/>) needs only its reads limited. A `<blkiotune><device>` with a
    read or a write limit alone is the same half limit as a one-directional <iotune>.
    A disk is limited by its `<iotune>` rates or by a `<blkiotune><device>` throttle of the host
    device it sits on (libvirt formatdomain, "Block I/O Tuning"). Only rates limit: total_*,
    read_* and write_* bytes/iops per second above 0 (formatdomain iotune); size_iops_sec,
    group_name and bursts set none, and a read-only or write-only limit leaves the other
    direction free to saturate the storage (Proxmox mbps/iops, _rd, _wr are QEMU's -drive
    throttling options: qemu-options.hx). <iotune> on a LUN of a SCSI bus limits nothing:
    QEMU's scsi-block sends the guest's reads and writes as SG_IO ioctls, which its throttling
    does not intercept, nor does <blkiotune> (see _iotune_applies, R8-5, R8-12). A vhost-user disk (<disk type='vhostuser'>)
    is served by its backend and libvirt refuses <iotune> on it (domain_validate.c
    virDomainDiskVhostUserValidate: "iotune is not supported with vhostuser disk"): asked, as a
    vhost-user port is (R8-6). An interface without its own
    `<bandwidth>` takes that of its network's port group (the one it names, else the default='yes'
    one; formatnetwork.rst, "Quality of service": "the <bandwidth> element of the portgroup will
    be applied individually to each guest interface"; bridge_driver.c networkAllocatePort); a
    network's own `<bandwidth>` is an aggregate for all its guests, not a per-VM limit. A disk
    or tap raw QEMU arguments add is unlimited unless its own options limit it (_raw_unlimited,
    R10-12). A `<blkiotune><device>` names a host block device by path (libvirt stats it for
    its major:minor), so a volume disk is matched by its volume's path, the TARGET/NAME of a
    logical or ZFS pool (hvaudit.checks._libvirt.volume_path, VL16-3), not by its volume name.
    An interface on a libvirt network whose definition the evidence lacks may take its port
    group's <bandwidth>: asked, not failed (hvaudit.checks._libvirt.unseen_networks, R16-4).
    A <blkiotune> write limit misses what a disk writes through the host page cache (any cache
    mode but none and directsync) where the memory controller is on cgroup v1: that writeback
    is charged to the root cgroup (_writeback_unthrottled, R25R-4)."""
    nets = {(n.host, n.name): n for n in ctx.deployment.networks}
    pools = {(p.host, p.name): p for p in ctx.deployment.pools}
    platforms = {h.name: h.platform for h in ctx.deployment.hosts}
    hosts = {h.name: h for h in ctx.deployment.hosts}
    for v in ctx.deployment.vms:
        s = vm_subject(v)
        pve = platforms.get(v.host) == "proxmox-ve"
        # a volume disk is throttled by <blkiotune> under its host path, not its name (VL16-3)
        every_disk = [
            replace(d, source=path) if (path := volume_path(d, pools, v.host)) else d
            for d in v.disks
            if d.device in ("disk", "lun")
        ]
        # a vhost-user disk's I/O is done by its backend (libvirt refuses <iotune> on it, R8-6)
        backed = [d for d in every_disk if d.type == "vhostuser"]
        disks = [d for d in every_disk if d.type != "vhostuser"]
        nics, switched, unshapeable, vfs = [], [], [], []
        for i in v.interfaces:
            net = nets.get((v.host, i.source)) if i.type == "network" else None
            if i.type in ("hostdev", "vdpa") or (net is not None and net.forward_mode == "hostdev"):
                vfs.append(i)
            elif i.type in SHAPEABLE:
                nics.append(i)
            elif i.type == "vhostuser":
                switched.append(i)
            else:
                unshapeable.append(i)
        # the guest's traffic through QEMU's own user-mode stack or sockets: no libvirt limit
        # applies, and nothing else in the definition limits it (R29D-2)
        tunnels = [i for i in unshapeable if i.type in QEMU_SOCKET_NICS]
        unshapeable = [i for i in unshapeable if i.type not in QEMU_SOCKET_NICS]
        raw_bad, raw_ask = _raw_unlimited(v)
        # a host SCSI device is storage no throttle sees (R24R-1, _scsi_hostdevs)
        scsi_bad, scsi_ask = _scsi_hostdevs(v)
        if (
            not disks
            and not scsi_bad
            and not scsi_ask
            and not backed
            and not nics
            and not switched
            and not vfs
            and not raw_bad
            and not raw_ask
            and not tunnels
        ):
            kinds = ", ".join(sorted({i.type for i in unshapeable}))
            # said in the VM's own terms on Proxmox VE (R30P-5, as R28P-4): `qm config` shows
            # disks (scsiN, virtioN, ...) and network devices (netN), no libvirt
            yield not_applicable(
                s,
                "no disk and no network device (qm config)"
                if pve and not kinds
                else "no disks and no interfaces libvirt can limit"
                + (f" ({kinds} cannot be shaped by libvirt)" if kinds else ""),
            )
            continue
        bad: list[str] = []
        ask: list[str] = []
        blkio_half = dict(v.blkio_half_throttles)
        # a <blkiotune> write limit misses page-cache writeback where memory is on cgroup v1
        # (R25R-4, _writeback_unthrottled)
        wb_bad, wb_ask = _writeback_unthrottled(v, disks, hosts.get(v.host))
        bad += wb_bad
        ask += wb_ask
        # a LUN on a SCSI bus is limited by neither <iotune> nor <blkiotune> (R8-5, R8-12)
        bare_luns = []
        sees = {
            "<iotune>": "which its I/O throttling does not intercept",
            "<blkiotune>": "whose passthrough requests the kernel's block throttle does not see",
        }
        for d in (d for d in disks if not _iotune_applies(d)):
            said = [
                what
                for what, on in (
                    ("<iotune>", bool(d.io_directions)),
                    (
                        "<blkiotune>",
                        d.source is not None
                        and (d.source in v.blkio_throttles or d.source in blkio_half),
                    ),
                )
                if on
            ]
            if not said:
                bare_luns.append(d.source or "(no source)")
                continue
            bad.append(
                f"LUN {d.source or '(no source)'}{' (scsiblock=1)' if pve else ''}: "
                + (
                    # said in the VM's own terms on Proxmox VE (R33P-4): qemu-server's
                    # scsiblock=1 with the drive's mbps/iops (Drive.pm), no <iotune>
                    "mbps/iops limit nothing (QEMU's scsi-block passes the "
                    "guest's reads and writes to the device as SG_IO ioctls, which its I/O "
                    "throttling does not intercept)"
                    if pve
                    else f"{said[0]} limits nothing (QEMU's scsi-block passes the guest's reads "
                    f"and writes to the device as SG_IO ioctls, {sees[said[0]]})"
                    if len(said) == 1
                    else "<iotune> and <blkiotune> limit nothing (QEMU's scsi-block passes the "
                    "guest's reads and writes to the device as SG_IO ioctls, which neither "
                    "QEMU's I/O throttling nor the kernel's block throttle sees)"
                )
            )
        every = len(disks)
        disks = [d for d in disks if _iotune_applies(d)]
        # a scsiN disk qemu-server makes scsi-generic: its mbps/iops limit nothing (R33P-2)
        generic_bad, generic_ask, generic = (
            _pve_scsi_generic_limits(v, hosts[v.host], pools) if pve else ([], [], [])
        )
        bad += generic_bad
        bare_luns += [
            d.source or "(no source)" for d in disks if d in generic and not d.io_directions
        ]
        disks = [d for d in disks if d not in generic]
        half = [d for d in disks if not _disk_limited(v, d) and d.io_directions]
        for d in disks:
            if not _disk_limited(v, d) and not d.io_directions and d.source in blkio_half:
                limited = blkio_half[d.source]
                other = "writes" if limited == "read" else "reads"
                bad.append(f"disk {d.source}: <blkiotune> {limited} limit only, {other} unlimited")
        unlimited = [
            d.source or "(no source)"
            for d in disks
            if not _disk_limited(v, d) and not d.io_directions and d.source not in blkio_half
        ]
        if unlimited and v.blkio_throttles and not bare_luns:
            ask.append(
                f"<blkiotune> throttles {', '.join(v.blkio_throttles)}; disk(s) "
                f"{', '.join(unlimited)} have no <iotune>"
            )
        elif unlimited or bare_luns:
            # said in the VM's own configuration terms: a Proxmox VE disk's limits are its
            # mbps/iops options (qemu-server PVE/QemuServer/Drive.pm), a NIC's its rate=
            limits = "mbps/iops" if pve else "<iotune>"
            bad.append(
                f"{len(unlimited) + len(bare_luns)} of {every} disk(s) without {limits} rate limits"
            )
        for d in half:
            limited = "read" if "read" in d.io_directions else "write"
            other = "writes" if limited == "read" else "reads"
            bad.append(f"disk {d.source or '(no source)'}: {limited} limit only, {other} unlimited")
        open_nics: list[str] = []
        inbound_only: list[str] = []
        # an interface on a network the evidence lacks may take its port group's <bandwidth>
        # (R16-3's class: unseen_networks)
        unseen = unseen_networks(v, nets, platforms.get(v.host, ""))
        net_ask: list[str] = []
        unset: list[str] = []
        floor_only: list[str] = []
        for i in nics:
            dirs = i.bandwidth_directions
            if i.bandwidth_unset:
                # its own <bandwidth>, every rate 0: no limit, and no port group's (R20N-3)
                unset.append(i.mac or i.source)
            elif dirs is not None and not dirs and i.bandwidth_limited:
                # a <bandwidth> with no average, an inbound floor only (netdev_bandwidth_conf.c
                # virNetDevBandwidthParseRate takes `floor` without `average`, inbound only):
                # a guarantee, not a limit (R20N-6)
                floor_only.append(i.mac or i.source)
            elif not i.bandwidth_limited and i.type == "network" and i.source in unseen:
                net_ask.append(
                    f"{i.mac or i.source} on network {i.source}, whose definition is not in the "
                    "evidence: its port group's <bandwidth> would apply"
                )
            elif dirs is None:
                if not i.bandwidth_limited:
                    open_nics.append(i.mac or i.source)
            elif "outbound" not in dirs:
                (inbound_only if "inbound" in dirs else open_nics).append(i.mac or i.source)
        if open_nics:
            bad.append(
                f"{len(open_nics)} of {len(nics)} interface(s) without "
                + ("a rate= limit" if pve else "<bandwidth>")
            )
        if tunnels:
            kinds = ", ".join(sorted({i.type for i in tunnels}))
            bad.append(
                f"{', '.join(i.mac or i.source or '(no MAC)' for i in tunnels[:5])}: {kinds} "
                "interface(s), whose traffic QEMU carries through its own user-mode stack or "
                "sockets, "
                + (
                    "which qemu-server's rate= does not shape (it limits a bridged NIC's tap)"
                    if pve
                    else "which libvirt cannot shape (virNetDevSupportsBandwidth)"
                )
                + ": what the guest sends is unlimited"
            )
        if floor_only:
            bad.append(
                f"{', '.join(floor_only)}: <bandwidth> with no average rate (an inbound floor "
                "guarantees a minimum, it limits nothing): what the guest sends is unlimited"
            )
        if unset:
            bad.append(
                f"{', '.join(unset)}: <bandwidth> without a rate (every average 0) limits "
                "nothing, and as the interface's own it keeps any port group's <bandwidth> away"
            )
        if inbound_only:
            bad.append(
                f"{', '.join(inbound_only)}: inbound limit only, what the guest sends is unlimited"
            )
        ask.extend(
            f"vhost-user disk {d.source or '(no socket)'} is limited by its vhost-user backend, "
            "not libvirt (libvirt refuses <iotune> on it)"
            for d in backed
        )
        ask.extend(
            f"vhost-user port {i.source} is shaped by its switch, not libvirt" for i in switched
        )
        ask.extend(
            f"vDPA device {i.mac or i.source or '(no MAC)'} is limited by the NIC it is carved "
            "from (its VF's max_tx_rate or devlink rate), not libvirt"
            if i.type == "vdpa"
            else f"SR-IOV VF {i.mac or i.source or '(no MAC)'} is limited by its PF's "
            "max_tx_rate, not libvirt"
            for i in vfs
        )
        note = (
            f" ({', '.join(sorted({i.type for i in unshapeable}))} interface(s) cannot be "
            + (
                "shaped: qemu-server applies `rate` to a bridged NIC's tap only)"
                if platforms.get(v.host) == "proxmox-ve"
                else "shaped by libvirt)"
            )
            if unshapeable
            else ""
        )
        inherited = [
            f"{i.mac or i.source} limited by {origin}"
            for i in nics
            if (origin := i.inherited_from("bandwidth"))
        ]
        if inherited:
            note += f" ({'; '.join(inherited)})"
        bad += raw_bad + scsi_bad
        ask += raw_ask + scsi_ask + net_ask
        if bad:
            yield failed(s, "; ".join(bad) + note, v.source)
        elif generic_ask and not ask:
            yield _pve_generic_question(v, generic_ask, note)
        elif ask:
            ask += [f"disk {disk}: {text}" for disk, text, _ in generic_ask]
            yield manual(
                s,
                "; ".join(ask) + note,
                v.source,
                question="Is this VM's I/O limited where libvirt does not do it: a <blkiotune> "
                "device throttle on the host device under each listed disk (or each vhost-scsi "
                "device's LIO backing store or shared directory), a throttle in the "
                "backend of each vhost-user disk, a rate limit on each vhost-user port in its "
                "switch, a max_tx_rate on each SR-IOV VF, and a tc rate limit on each tap raw "
                "QEMU arguments open"
                + (
                    ", and an outbound <bandwidth> on the port group each listed interface's "
                    "network gives it"
                    if net_ask
                    else ""
                )
                + (
                    ", and the memory and io controllers of the host on cgroup v2, so that "
                    "<blkiotune> write limits reach what the disks write through the host page "
                    "cache"
                    if wb_ask
                    else ""
                )
                + "? Evidence: `virsh blkiotune` of "
                "the VM, the vhost-user disk backend's configuration (qemu-storage-daemon "
                "throttle-group objects, SPDK bdev QoS), the switch's port settings (e.g. "
                "`ovs-vsctl list interface`: ingress_policing_rate) and `ip link show PF` (the "
                "VF's max_tx_rate, 0 = unlimited), `tc qdisc show dev TAP` for a tap"
                + (
                    ", `virsh net-dumpxml NAME` for each listed network (the <portgroup> the "
                    "interface names, else its default='yes' one)"
                    if net_ask
                    else ""
                )
                + (
                    ", `grep cgroup /proc/mounts` on the host (a `cgroup` mount whose options "
                    "name memory or blkio is v1)"
                    if wb_ask
                    else ""
                )
                + ". Pass: yes, every listed disk, port, VF, tap and interface is limited; fail: "
                "any is not.",
            )
        else:
            yield passed(
                s,
                f"{len(disks)} disk(s) and {len(nics)} interface(s) limited (outbound)" + note,
                v.source,
            )


def _pve_scsi_generic_limits(
    v: Vm, h: Host, pools: dict[tuple[str, str], Pool]
) -> tuple[list[str], list[tuple[str, str, str]], list[Disk]]:
    """The scsiN disks of a Proxmox VE VM that qemu-server hands QEMU as `scsi-generic`, as
    (fails, questions as (disk, why, what answers it), those disks) (R33P-2). qemu-server Drive.pm
    get_scsi_device_type (github:proxmox/qemu-server e6352be6) makes a host path that answers a
    SCSI INQUIRY as a tape `generic`, and a volume whose path is `iscsi://` (an iscsidirect or
    ZFS over iSCSI storage) `generic` on a machine pinned below 4.1 (hvaudit.checks.guest
    _pve_scsi_generic, _pve_iscsi_generic). QEMU's scsi-generic sends every guest command as an
    SG_IO ioctl (hw/scsi/scsi-generic.c execute_command: `blk_aio_ioctl(blk, SG_IO, ...)`),
    which the drive's throttling (qemu-server's mbps/iops as -drive throttling options) never
    intercepts: QEMU applies it on the read and write paths alone (`_iotune_applies`, R8-5).
    A tape is a fail whatever its mbps/iops; so is a volume of such a storage; a SCSI generic
    node (/dev/sgN) answers for whatever device it is, and a volume of a storage the evidence
    does not hold (R31P-1) may be of such a storage: asked where mbps/iops would limit them."""
    from hvaudit.checks.guest import _pve_iscsi_generic, _pve_scsi_generic

    storages = {p.name: p.type for p in pools.values()}
    tapes, nodes = _pve_scsi_generic(v)
    iscsi = _pve_iscsi_generic(v, storages)
    unseen = [
        d
        for d in _pve_iscsi_generic(v, None)
        if h.proxmox is not None
        and h.proxmox.storages_unseen
        and d.pool not in storages
        and d.pool != "local"  # always pve-storage's dir storage (devices.py)
    ]
    bad = [
        f"disk {d.source}: mbps/iops limit nothing ("
        + (
            "a SCSI tape"
            if d in tapes
            else f"storage {d.pool}, {storages.get(d.pool or '')}, on machine {v.machine}, "
            "below 4.1"
        )
        + ": qemu-server makes it scsi-generic, whose SG_IO ioctls QEMU's I/O throttling does "
        "not intercept)"
        for d in (*tapes, *iscsi)
        if d.io_directions
    ]
    ask = [
        (
            d.source or "",
            "a SCSI generic node, which qemu-server makes scsi-generic (mbps/iops "
            "limit nothing) if it answers as a tape",
            f"`cat /sys/class/scsi_generic/{(d.source or '').rpartition('/')[2]}/device/type` on "
            f"node {v.host} (1: a tape)",
        )
        for d in nodes
        if _disk_limited(v, d)
    ] + [
        (
            d.source or "",
            f"a volume, on machine {v.machine} below 4.1, of storage {d.pool}, "
            f"which the evidence does not hold ({h.proxmox.storages_unseen if h.proxmox else ''}): "
            "qemu-server makes a volume of an iscsidirect or ZFS over iSCSI storage scsi-generic "
            "there (mbps/iops limit nothing)",
            f"storage {d.pool}'s entry in /etc/pve/storage.cfg read as root on node {v.host} (type "
            "iscsidirect or zfs)",
        )
        for d in unseen
        if _disk_limited(v, d)
    ]
    return bad, ask, [*tapes, *iscsi]


def _pve_generic_question(v: Vm, ask: list[tuple[str, str, str]], note: str) -> Outcome:
    """HVA-092's question of scsiN disks qemu-server may make scsi-generic (R33P-2)."""
    disks = ", ".join(disk for disk, _, _ in ask)
    return manual(
        vm_subject(v),
        "; ".join(f"disk {disk}: {text}" for disk, text, _ in ask) + note,
        v.source,
        question=f"Does qemu-server give QEMU each of disk(s) {disks} of VM {v.name} as scsi-hd, "
        f"not scsi-generic? Evidence: {'; '.join(e for _, _, e in ask)}; or `qm showcmd {v.uuid}` "
        f"on node {v.host} (the -device each scsiN gets). Pass: yes, scsi-hd, so its mbps/iops "
        "limit it; fail: scsi-generic, whose SG_IO commands no mbps/iops limit sees.",
    )


#: -drive's throttling parameters per direction (qemu-options.hx -drive: "bps=b,bps_rd=r,
#: bps_wr=w Specify bandwidth throttling limits in bytes per second, either for all request
#: types or for reads or writes only", iops likewise, and their throttling.* spellings).
_DRIVE_RATES = {
    "bps": ("read", "write"),
    "iops": ("read", "write"),
    "throttling.bps-total": ("read", "write"),
    "throttling.iops-total": ("read", "write"),
    "bps_rd": ("read",),
    "iops_rd": ("read",),
    "throttling.bps-read": ("read",),
    "throttling.iops-read": ("read",),
    "bps_wr": ("write",),
    "iops_wr": ("write",),
    "throttling.bps-write": ("write",),
    "throttling.iops-write": ("write",),
}


def _raw_unlimited(v: Vm) -> tuple[list[str], list[str]]:
    """What raw QEMU arguments add that nothing limits (R10-12), as (fails, questions): a
    `-drive` (not a CD-ROM) without a read and a write rate among _DRIVE_RATES, and a host tap
    (`-netdev bridge`, `-netdev tap` with helper=: qemu_args.raw_taps), which libvirt's
    <bandwidth> never shapes (it shapes the interfaces it starts) and QEMU's netdevs cannot; a
    tap a script or a passed fd sets up may be shaped there: a question."""
    bad: list[str] = []
    for o in qemu_options(v.raw_hypervisor_arguments):
        if o.name != "drive" or o.props.get("media") == "cdrom":
            continue
        dirs = {
            d
            for key, covers in _DRIVE_RATES.items()
            if o.props.get(key, "0").strip() not in ("", "0")
            for d in covers
        }
        if dirs != {"read", "write"}:
            bad.append(f"QEMU argument {o.shown()}: no read and write rate limit")
    known, unsure = raw_taps(raw_nics(v.raw_hypervisor_arguments))
    bad += [f"QEMU argument {n.shown}: a tap on {n.bridge} no <bandwidth> shapes" for n in known]
    return bad, [f"QEMU argument {n.shown}: a tap its script or fd sets up" for n in unsure]


def _scsi_hostdevs(v: Vm) -> tuple[list[str], list[str]]:
    """The VM's host SCSI devices, which neither <iotune> nor <blkiotune> limits, as (fails,
    questions) (R24R-1). <iotune> is a child of <disk> only (formatdomain, "Hard drives,
    floppy disks, CDROMs"): a <hostdev type='scsi'> has none. libvirt hands QEMU the host
    device's SCSI generic node (qemu_process.c qemuProcessPrepareHostHostdev: `src->path =
    g_strdup_printf("/dev/%s", devstr)` from virSCSIDeviceGetSgName), or an iSCSI LUN through
    libiscsi, behind a scsi-generic device ("full implementation of the SCSI protocol", the
    oVirt hostdev_scsi hook's README), which sends every guest command as an SG_IO ioctl, as a
    SCSI LUN disk's scsi-block does (R8-5): QEMU's throttling is on the read and write paths
    only and the kernel's block throttle never sees passthrough requests (_iotune_applies,
    R8-12). A <hostdev type='scsi_host'> (vhost-scsi) is served by the kernel's vhost-scsi
    and LIO target, outside QEMU's block layer; only a <blkiotune> throttle of the LIO backing
    device could reach it, which the definition does not name: asked where the VM has one,
    failed otherwise. A directory shared with the guest (<filesystem type='mount'>, virtio-9p or
    virtiofs; Proxmox VE virtiofs) is host storage the guest reads and writes with no rate
    limit either: libvirt's qemuBuildFSDevStr (qemu_command.c) writes the fsdev's driver,
    security_model, writeout, id, path and readonly, never QEMU's fsdev throttling.* options,
    and formatdomain's <filesystem> has no <iotune>; virtiofsd does the I/O in its own process
    (R24R-2)."""
    bad: list[str] = []
    ask: list[str] = []
    for p in v.passthrough:
        if p.kind == "scsi":
            bad.append(
                f"host SCSI device {p.address}: no rate limit (a <hostdev> has no <iotune>, and "
                "QEMU's scsi-generic passes the guest's commands as SG_IO ioctls, which neither "
                "QEMU's I/O throttling nor the kernel's block throttle sees)"
            )
        elif p.kind == "scsi_host":
            (ask if v.blkio_throttles else bad).append(
                f"vhost-scsi device {p.address}: no rate limit (a <hostdev> has no <iotune>; the "
                "kernel's vhost-scsi target serves it outside QEMU"
                + (
                    f", and whether <blkiotune> ({', '.join(v.blkio_throttles)}) throttles its "
                    "backing device is not in the definition)"
                    if v.blkio_throttles
                    else ")"
                )
            )
    for d in v.shared_directories:
        where = d.host_path or d.socket or d.mapping or "(no path)"
        (ask if v.blkio_throttles else bad).append(
            f"shared directory {where} ({d.driver}): no rate limit (libvirt gives a <filesystem> "
            "no <iotune> and QEMU's fsdev no throttling option; a virtiofs share is served by "
            "virtiofsd"
            + (
                f"; whether <blkiotune> ({', '.join(v.blkio_throttles)}) throttles the host "
                "device under it is not in the definition)"
                if v.blkio_throttles
                else ")"
            )
        )
    return bad, ask


def _iotune_applies(d: Disk) -> bool:
    """Whether I/O throttling sees the disk's reads and writes. Not for a LUN on a SCSI bus:
    that is QEMU's scsi-block, which sends them to the device as SG_IO ioctls (hw/scsi/
    scsi-disk.c scsi_block_do_sgio: `blk_aio_ioctl(..., SG_IO, ...)`). QEMU's throttling
    (<iotune>) is applied only on its read and write paths (block/block-backend.c
    blk_co_do_preadv_part, blk_co_do_pwritev_part: `throttle_group_co_io_limits_intercept`),
    never in blk_co_do_ioctl (R8-5); the kernel's block throttle (<blkiotune>) is applied in
    submit_bio_noacct (block/blk-core.c `if (blk_throtl_bio(bio))`), which SG_IO's passthrough
    requests (REQ_OP_DRV_IN/OUT, "only used with passthrough requests") never pass (R8-12)."""
    return not (d.device == "lun" and d.bus in (None, "scsi"))


#: libvirt's cache modes that open the image with O_DIRECT (formatdomain, "Hard drives": cache
#: none and directsync; QEMU's cache.direct=on), past the host page cache.
DIRECT_CACHE = ("none", "directsync")


def _writeback_unthrottled(v: Vm, disks: list[Disk], h: Host | None) -> tuple[list[str], list[str]]:
    """The disks whose write limit is a <blkiotune> device throttle that page-cache writeback
    escapes, as (fails, questions) (R25R-4). A disk without cache='none' or 'directsync'
    (QEMU's default is writeback: cache.direct off) writes into the host page cache, and the
    kernel writes the dirty pages out later from its flusher. Only the unified hierarchy
    attributes that writeback to the cgroup that dirtied the pages: "The io controller, in
    conjunction with the memory controller, implements control of page cache writeback IOs"
    (Documentation/admin-guide/cgroup-v2.rst, "Writeback"; writeback commit 52ebea749aae: "On
    the default hierarchy, blkcg implicitly enables memcg. This allows using memcg's page
    ownership for attributing writeback IOs"); cgroup v1 has no such link, so those writes go
    out in the root cgroup and the VM's blkio.throttle.write_* never sees them. Where the
    memory controller is on cgroup v1 the write limit does not hold; where its version is
    not known (a simulated host, cgroup mounts not read), asked. An <iotune> write rate is
    QEMU's own and holds either way. Both controllers must be on the unified hierarchy: the
    kernel attributes writeback only where `cgroup_subsys_on_dfl(memory_cgrp_subsys) &&
    cgroup_subsys_on_dfl(io_cgrp_subsys)` (include/linux/backing-dev.h inode_cgwb_enabled:
    "both memcg and iocg have to be on the default hierarchy"), so blkio on a v1 mount beside
    memory on cgroup v2 is judged as v1 too (R26R-1)."""
    if not v.blkio_throttles and not v.blkio_half_throttles:
        return [], []
    written = {p for p, d in v.blkio_half_throttles if d == "write"} | set(v.blkio_throttles)
    memory, io = _memory_cgroup(h), _io_cgroup(h)
    v1 = [n for n, c in (("memory", memory), ("blkio", io)) if c == "v1"]
    cgroup = "v1" if v1 else "v2" if memory == io == "v2" else ""
    bad: list[str] = []
    ask: list[str] = []
    for d in disks:
        if (
            d.source not in written
            or not _iotune_applies(d)
            or d.readonly
            or "write" in d.io_directions
            or (d.cache or "").lower() in DIRECT_CACHE
        ):
            continue
        cache = f"cache='{d.cache}'" if d.cache else "no cache mode: QEMU's writeback"
        if cgroup == "v1":
            bad.append(
                f"disk {d.source}: <blkiotune> write limit does not hold ({cache} writes "
                f"through the host page cache, and with the {' and '.join(v1)} controller"
                f"{'s' if len(v1) > 1 else ''} on cgroup v1 its writeback is charged to the root "
                "cgroup, not the VM's)"
            )
        elif cgroup == "":
            why = _cgroup_unknown(h, "io" if memory == "v2" else "memory") if h else "no host facts"
            ask.append(
                f"disk {d.source}: <blkiotune> write limit holds for page-cache writes only "
                f"on cgroup v2 ({cache}; the host's cgroup version is not known: {why})"
            )
    return bad, ask


def _disk_limited(v: Vm, d: Disk) -> bool:
    """A disk limited in what the guest can do with it: both directions, or reads alone for a
    read-only disk (formatdomain <readonly/>: the guest cannot write it)."""
    if not _iotune_applies(d):
        return False  # neither throttle sees a SCSI LUN's SG_IO (R8-5, R8-12)
    if d.io_limited or (d.readonly and "read" in (d.io_directions or ())):
        return True
    return d.source is not None and d.source in v.blkio_throttles


def _run_state_question(within: str) -> str:
    """The question of a host check whose guests' run state is unknown: are they stopped and not
    started at boot, so that the running ones stay `within` the limit (HVA-060's memory, HVA-081's
    cores)."""
    return (
        "Are the VMs and containers whose run state is unknown stopped and not started at boot, "
        f"so that {within}? Evidence: their state on the host (`virsh list --all --autostart`, "
        "`qm list`, `pct list`, `ha-manager config`, the vSphere Client). Pass: yes, all stopped "
        "and none autostarts or is an HA resource in state started; fail: any of them runs or "
        "autostarts."
    )
